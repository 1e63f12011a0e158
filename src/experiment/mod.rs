//! Experiments described in TOML files (`configs/*.toml`): what the `gankit` command line
//! trains, samples and evaluates, and what a notebook loads in one line:
//!
//! ```no_run
//! use gankit::prelude::*;
//! let exp = Experiment::load("configs/report001_dcgan.toml")?.quick();
//! let mut gan = exp.build(device())?;              // networks, optimizers, data, schedules
//! gan.train(exp.total_steps(&gan), TrainOptions::new().print_every(100))?;
//! # Ok::<(), gankit::Error>(())
//! ```
//!
//! A file has four tables and, optionally, the overrides of its quick and smoke variants:
//!
//! ```toml
//! # Report 001 §1: DCGAN, BCE, Adam 2e-5 (0.5, 0.999), batch 64, 19 epochs.
//! [data]                 # source = faces | objects | maps | ring8 | grid25 | swiss_roll (built
//! source = "faces"       # in); path = "/data/anime" switches to the real format (tags.csv
//! size = 64              # folder, image folder, CelebA, i-CLEVR, CycleGAN folder); labels =
//! n = 36740              # none | hair_eye | tags | attributes; hair, attributes (stargan); seed
//! [model]                # family = baseline | dcgan | selu | text_to_image | cwgan | cgan | mlp |
//! family = "dcgan"       # cyclegan | stargan, and the family's sizes: ngf, ndf, dim, sigmoid,
//!                        # critic, dropout, spectral_norm, hidden, n_classes, n_blocks, norm,
//!                        # d_layers, conv_dim, g_repeat, d_repeat
//! [train]                # loss, d_output, optimizer, lr, betas, eps, weight_decay, momentum,
//! loss = "bce"           # alpha ([train.g] / [train.d] per network), d_steps, g_steps, g_every,
//! optimizer = "adam"     # warmup_steps | warmup_epochs, order, penalty, penalty_weight, clip,
//! lr = 2e-5              # labels, real_label, real_range, fake_range, labels_in_g (G's target
//! betas = [0.5, 0.999]   # from labels too, report 001 §4), real_weight, fake_weight, ratio,
//!                        # batch_size, steps | epochs, seed, z_dim, fixed_samples,
//!                        # lr_decay (the run's last share, e.g. 0.5, with the rates falling
//!                        # linearly to 0: LrSchedule::Linear);
//!                        # lambda_cycle, lambda_identity, pool_size (cyclegan); lambda_cls,
//!                        # lambda_rec (stargan, whose n_critic is g_every)
//! epochs = 19
//! [output]               # dir (default target/runs/<name>[-quick|-smoke]), print_every,
//! grid_every = 574       # grid_every, checkpoint_every (0: only at the end)
//! [quick.data]           # the quick variant: these keys replace the ones above
//! size = 32
//! [quick.train]
//! steps = 400
//! ```
//!
//! Each table is read into a struct of `schema.rs`, whose fields say what each key means.
//! Every value is checked when the file is read, and every error is one line naming the file
//! and the key (`configs/x.toml: train.loss: unknown loss "hinj" (known: bce, …)`), a key set
//! by the quick table as `quick.train.lr`; a key gankit does not know is an error too.
//!
//! `epochs` count D's passes over the data: steps = ⌈epochs · ⌊n / batch_size⌋ / d_steps⌉
//! (CycleGAN: n is the larger domain).
//!
//! Families `cyclegan` and `stargan` (report 001 §5, §6) build their own trainers
//! ([`Experiment::build_cyclegan`], [`Experiment::build_stargan`]); the others give a [`Gan`]
//! with boxed networks ([`Experiment::build`]).
use crate::data::domains::StarDomains;
use crate::data::faces::{combinations, faces, FaceLabels, FacesConfig, ATTRIBUTES, HAIR_COLORS};
use crate::data::maps::{map_domains, MapPairs};
use crate::data::mixtures::{swiss_roll, Mixture};
use crate::data::{objects as objects_data, Dataset};
use crate::error::{Error, Result};
use crate::losses::{DOutput, Dragan, GradientPenalty, Labels, Loss, LossConfig, WeightClip, R1};
use crate::metrics::report::{evaluate, generate, sampling_seed, Judge};
use crate::nets::{self, CycleGanConfig, CycleGanNorm, GanNet, Net, NetSummary, StarGanConfig};
use crate::notebook::Mode;
use crate::optim::{GanOptimizers, LrSchedule, Optimizer};
use crate::train::config::{Penalty, TrainConfig, UpdateOrder};
use crate::train::cyclegan::{CycleGan, CycleTrainConfig};
use crate::train::gan::{BoxedGan, Gan};
use crate::train::history::History;
use crate::train::stargan::{StarGan, StarTrainConfig};
use crate::train::{latest_checkpoint, read_info, TrainOptions, Trainer};
use crate::viz::{FieldPlot, Figure, ImageGrid, LinePlot};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;
use tch::{nn, Device, Kind, Tensor};
use toml::{Table, Value};

mod build;
mod inspect;
mod read;
mod rules;
mod run;
mod schema;

pub use crate::metrics::report::EvalReport;
pub use build::CycleSets;
pub use build::TrainerData;
use build::*;
pub use inspect::{eval_checkpoint, sample_checkpoint};
use read::*;
use rules::*;
pub use run::RunSummary;
use schema::*;
pub use schema::{DataFormat, DataSource, Family};
#[cfg(test)]
mod tests;

/// G, its variables, D, its variables (what [`Experiment::build_nets`] returns).
pub type Nets = (Box<dyn GanNet>, nn::VarStore, Box<dyn GanNet>, nn::VarStore);

// ---------------------------------------------------------------------------- the typed parts

/// `[data]`: what to train on.
#[derive(Debug, Clone, PartialEq)]
pub struct DataSpec {
    /// Built-in source, or the kind of data at `path`.
    pub source: DataSource,
    /// A real data set's folder (`None`: the built-in stand-in).
    pub path: Option<PathBuf>,
    /// The folder's format (set when `path` is).
    pub format: Option<DataFormat>,
    /// Image width and height (images only).
    pub size: usize,
    /// Samples to generate (built-in), or at most this many to keep (real data; `None`: all).
    pub n: Option<usize>,
    /// Labels of face data.
    pub labels: FaceLabels,
    /// StarGAN's hair-colour domains on the built-in faces (names of
    /// [`HAIR_COLORS`]).
    pub hair: Vec<String>,
    /// CelebA attributes to keep (empty: all 40), or StarGAN's attribute domains on the
    /// built-in faces (names of [`ATTRIBUTES`]).
    pub attributes: Vec<String>,
    /// Seed of the built-in data.
    pub seed: u64,
    /// Cache decoded real images under target/data-cache.
    pub cache: bool,
}

/// `[model]`: the networks and their sizes.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSpec {
    pub family: Family,
    /// G width (`ngf`, or `dim` for the baseline).
    pub ngf: i64,
    /// D width (`ndf`, or `dim` for the baseline).
    pub ndf: i64,
    /// D ends in a Sigmoid (BCE on probabilities); false: logits / critic scores.
    pub sigmoid: bool,
    /// Report 000's WGAN-GP critic (no BatchNorm, no Sigmoid) for the baseline family.
    pub critic: bool,
    /// Dropout after each BatchNorm of the DCGAN generator (report 001 tip b).
    pub dropout: f64,
    /// SNGAN's spectrally normalised D for the DCGAN family.
    pub spectral_norm: bool,
    /// Hidden widths of the MLPs.
    pub hidden: Vec<i64>,
    /// Label width of a conditional model.
    pub n_classes: Option<i64>,
}

/// Training length: steps, or epochs (D's passes over the data).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Length {
    Steps(usize),
    Epochs(f64),
}

/// `[output]`: where and how often.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputSpec {
    /// The run folder.
    pub dir: PathBuf,
    /// A progress line every so many steps (0: none).
    pub print_every: usize,
    /// A grid of the fixed noise (2-D: a field plot) every so many steps (0: only at the end).
    pub grid_every: usize,
    /// A checkpoint every so many steps (0: only at the end).
    pub checkpoint_every: usize,
}

/// The image-to-image trainers' settings (report 001 §5 CycleGAN, §6 StarGAN).
#[derive(Debug, Clone, PartialEq)]
pub enum Translation {
    /// CycleGAN between maps and aerial photos.
    Cycle {
        nets: CycleGanConfig,
        config: CycleTrainConfig,
    },
    /// StarGAN on faces; `domains` for the built-in faces (None: CelebA columns).
    Star {
        nets: StarGanConfig,
        config: StarTrainConfig,
        domains: Option<StarDomains>,
    },
}

/// One command-line override of a key.
#[derive(Debug, Clone, PartialEq)]
struct Override {
    path: String,
    value: Value,
    /// How errors name it: "--steps", "--set train.lr".
    label: String,
}

/// The file an experiment was read from.
#[derive(Debug)]
struct Source {
    /// The name used in errors: the path as given.
    label: String,
    raw: Table,
    /// Whether `data.path` must exist (false for an experiment read back from a checkpoint).
    check_paths: bool,
}

/// One run described by a TOML file (see the [module docs](self)): data, networks, training
/// settings and output, for one variant (full, quick or smoke).
#[derive(Debug, Clone)]
pub struct Experiment {
    /// The run's name (`name`, default the file's stem).
    pub name: String,
    /// `description`, if given.
    pub description: Option<String>,
    /// Which variant this is.
    pub mode: Mode,
    pub data: DataSpec,
    pub model: ModelSpec,
    /// The trainer's settings (`g_every` as after the warm-up).
    pub train: TrainConfig,
    /// How long to train.
    pub length: Length,
    /// G updated every step during this warm-up (report 002 §3), then every `g_every`.
    pub warmup: Option<Length>,
    /// The share of the run at its end over which the learning rates fall linearly to 0
    /// (`train.lr_decay`; CycleGAN's and StarGAN's second half: 0.5); see
    /// [`Experiment::lr_schedule`].
    pub lr_decay: Option<f64>,
    pub output: OutputSpec,
    /// The CycleGAN or StarGAN trainer's own settings (families cyclegan, stargan). For them
    /// `train` holds only what they share (loss, optimizers, batch size, seed; StarGAN's
    /// n_critic is `g_every`).
    pub translation: Option<Translation>,
    source: Arc<Source>,
    overrides: Vec<Override>,
    effective: Table,
}

// ------------------------------------------------------------------------------- loading

impl Experiment {
    /// Reads an experiment file, full variant (the report's settings). Every variant the file
    /// has (quick, smoke) is checked too, so `.quick()` cannot fail later.
    pub fn load(path: impl AsRef<Path>) -> Result<Experiment> {
        let path = path.as_ref();
        let label = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::setting(&label, format!("cannot read the experiment file: {e}")))?;
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("experiment")
            .to_string();
        Self::from_text(&text, &label, &stem, true)
    }

    /// [`Experiment::load`] in the variant `GANKIT_MODE` asks for (unset: quick, as the
    /// notebooks run).
    pub fn load_for_mode(path: impl AsRef<Path>) -> Result<Experiment> {
        let mode = Mode::try_from_env()?;
        Self::load(path)?.try_variant(mode)
    }

    /// Parses experiment TOML text; `label` names it in errors, `name` is the default run name.
    pub fn from_str_named(text: &str, label: &str, name: &str) -> Result<Experiment> {
        Self::from_text(text, label, name, true)
    }

    pub(super) fn from_text(
        text: &str,
        label: &str,
        name: &str,
        check_paths: bool,
    ) -> Result<Experiment> {
        let mut raw: Table = text.parse().map_err(|e| syntax_error(label, &e))?;
        if !raw.contains_key("name") {
            raw.insert("name".into(), Value::String(name.to_string()));
        }
        let source = Arc::new(Source {
            label: label.to_string(),
            raw,
            check_paths,
        });
        let full = Self::resolve(&source, Mode::Full, &[])?;
        for mode in [Mode::Quick, Mode::Smoke] {
            Self::resolve(&source, mode, &[])?;
        }
        Ok(full)
    }

    /// The quick variant: the file's `[quick]` table over its settings (CPU, a minute or two).
    pub fn quick(self) -> Experiment {
        self.variant(Mode::Quick)
    }

    /// The smoke variant: quick, then a handful of steps on a few hundred samples (tests).
    pub fn smoke(self) -> Experiment {
        self.variant(Mode::Smoke)
    }

    /// The variant for `mode` (full: the file as written). Panics only if the file's folder
    /// for `data.path` disappeared since it was loaded (every variant was checked then).
    pub fn variant(self, mode: Mode) -> Experiment {
        self.try_variant(mode).unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`Experiment::variant`], returning the error instead.
    pub fn try_variant(self, mode: Mode) -> Result<Experiment> {
        Self::resolve(&self.source, mode, &self.overrides)
    }

    /// The same experiment with `key` (dotted, e.g. `train.lr`) set to `value` (TOML text:
    /// `2e-4`, `"wgan"`, `[0.5, 0.9]`; bare words are strings). `label` names the setting in
    /// errors (e.g. `--set train.lr`).
    pub fn with_setting(self, key: &str, value: &str, label: &str) -> Result<Experiment> {
        self.with_value(key, parse_value(value), label)
    }

    pub(super) fn with_value(self, key: &str, value: Value, label: &str) -> Result<Experiment> {
        let mut overrides = self.overrides.clone();
        overrides.retain(|o| o.path != key);
        overrides.push(Override {
            path: key.to_string(),
            value,
            label: label.to_string(),
        });
        Self::resolve(&self.source, self.mode, &overrides)
    }

    /// The same experiment trained for `steps` steps in all (replacing `steps` or `epochs`).
    pub fn with_steps(self, steps: usize) -> Result<Experiment> {
        self.with_value("train.steps", Value::Integer(steps as i64), "--steps")
    }

    /// The same experiment writing into `dir`.
    pub fn with_out_dir(self, dir: impl AsRef<Path>) -> Result<Experiment> {
        self.with_value(
            "output.dir",
            Value::String(dir.as_ref().display().to_string()),
            "--out",
        )
    }

    /// The settings this variant runs with, as TOML (what train stores in checkpoints and in
    /// `experiment.toml`; no `[quick]` table: it is already applied).
    pub fn to_toml(&self) -> String {
        self.effective.to_string()
    }
}
