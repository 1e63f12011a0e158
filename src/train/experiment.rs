//! Experiments described in TOML files (`configs/*.toml`): what the `gankit` command line
//! trains, samples and evaluates, and what a notebook loads in one line:
//!
//! ```no_run
//! use gankit::prelude::*;
//! let exp = Experiment::load("configs/report001_dcgan.toml")?.quick();
//! let (mut gan, data) = exp.build(device())?;
//! let mut batches = gan.batches(&data)?;
//! gan.train(&mut batches, exp.steps(data.len()), 100)?;
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
//! lr = 2e-5              # labels, real_label, real_range, fake_range, real_weight, fake_weight,
//! betas = [0.5, 0.999]   # ratio, batch_size, steps | epochs, seed, z_dim, fixed_samples,
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
use super::checkpoint::{latest_checkpoint, read_info};
use super::config::{Penalty, TrainConfig, UpdateOrder};
use super::cyclegan::{map_domains, CycleGan, CycleTrainConfig};
use super::history::{History, StepRecord};
use super::stargan::{StarDomains, StarGan, StarTrainConfig};
use super::trainer::Gan;
use crate::data::faces::{
    combinations, face_specs, faces, render_faces, FaceLabels, FacesConfig, ATTRIBUTES, HAIR_COLORS,
};
use crate::data::mixtures::{swiss_roll, Mixture};
use crate::data::{objects as objects_data, Dataset};
use crate::losses::{DOutput, Dragan, GradientPenalty, Labels, Loss, LossConfig, WeightClip, R1};
use crate::metrics::evaluators::{FaceEvaluator, ObjectEvaluator};
use crate::metrics::modes::mode_coverage;
use crate::nets::{self, CycleGanConfig, CycleGanNorm, GanNet, StarGanConfig};
use crate::notebook::Mode;
use crate::optim::{GanOptimizers, LrSchedule, Optimizer};
use crate::viz::{FieldPlot, Figure, ImageGrid, LinePlot};
use crate::{Error, Result};
use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;
use tch::{nn, Device, Kind, Tensor};
use toml::{Table, Value};

/// A GAN whose networks were chosen at run time (what [`Experiment::build`] returns).
pub type BoxedGan = Gan<Box<dyn GanNet>, Box<dyn GanNet>>;

/// G, its variables, D, its variables (what [`Experiment::build_nets`] returns).
pub type Nets = (Box<dyn GanNet>, nn::VarStore, Box<dyn GanNet>, nn::VarStore);

// ------------------------------------------------------------------------------------ choices

/// A closed set of names in a config file.
trait Choice: Copy + PartialEq + 'static {
    /// What the value is, for messages ("loss").
    const WHAT: &'static str;
    /// Every accepted name with its value; the first name of a value is its canonical one.
    fn all() -> &'static [(&'static str, Self)];

    fn name(self) -> &'static str {
        Self::all()
            .iter()
            .find(|(_, v)| *v == self)
            .map_or("?", |(n, _)| n)
    }

    fn parse(s: &str) -> Option<Self> {
        Self::all()
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(s.trim()))
            .map(|&(_, v)| v)
    }

    /// The names, comma-separated, aliases after their canonical name ("bce/nonsaturating").
    fn known() -> String {
        let mut names: Vec<String> = Vec::new();
        for &(n, v) in Self::all() {
            if v.name() == n {
                let aliases: Vec<&str> = Self::all()
                    .iter()
                    .filter(|(a, w)| *w == v && *a != n)
                    .map(|(a, _)| *a)
                    .collect();
                names.push(
                    std::iter::once(n)
                        .chain(aliases)
                        .collect::<Vec<_>>()
                        .join("/"),
                );
            }
        }
        names.join(", ")
    }
}

macro_rules! choices {
    ($ty:ident, $what:literal, [$($name:literal => $val:expr),+ $(,)?]) => {
        impl Choice for $ty {
            const WHAT: &'static str = $what;
            fn all() -> &'static [(&'static str, Self)] {
                &[$(($name, $val)),+]
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(Choice::name(*self))
            }
        }
    };
}

/// Where the training data comes from (`data.source`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataSource {
    /// Built-in anime-style faces (reports 000–003), or a real face folder with `data.path`.
    Faces,
    /// Built-in i-CLEVR-like objects (report 004), or an i-CLEVR folder with `data.path`.
    Objects,
    /// 2-D ring of 8 Gaussians.
    Ring8,
    /// 2-D grid of 25 Gaussians.
    Grid25,
    /// 2-D swiss roll.
    SwissRoll,
    /// Built-in map ↔ aerial pairs (CycleGAN, report 001 §5), or a CycleGAN folder with
    /// `data.path`.
    Maps,
}
choices!(DataSource, "data source", ["faces" => DataSource::Faces, "objects" => DataSource::Objects, "ring8" => DataSource::Ring8, "grid25" => DataSource::Grid25, "swiss_roll" => DataSource::SwissRoll, "maps" => DataSource::Maps]);

impl DataSource {
    /// Whether the samples are 2-D points rather than images.
    pub fn is_2d(self) -> bool {
        matches!(
            self,
            DataSource::Ring8 | DataSource::Grid25 | DataSource::SwissRoll
        )
    }

    /// The mixture of a 2-D mixture source.
    pub fn mixture(self) -> Option<Mixture> {
        match self {
            DataSource::Ring8 => Some(Mixture::ring8()),
            DataSource::Grid25 => Some(Mixture::grid25()),
            _ => None,
        }
    }
}

/// The on-disk format read from `data.path`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataFormat {
    /// A folder with `tags.csv` (report 001's anime faces).
    TaggedFaces,
    /// A folder of images, no labels.
    ImageFolder,
    /// CelebA (`list_attr_celeba.txt`).
    Celeba,
    /// i-CLEVR (`objects.json`, `train.json`).
    Iclevr,
    /// CycleGAN's `trainA/ trainB/ testA/ testB/`.
    CycleGan,
}
choices!(DataFormat, "data format", ["tagged_faces" => DataFormat::TaggedFaces, "image_folder" => DataFormat::ImageFolder, "celeba" => DataFormat::Celeba, "iclevr" => DataFormat::Iclevr, "cyclegan" => DataFormat::CycleGan]);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LabelChoice(FaceLabels);
choices!(LabelChoice, "label set", ["none" => LabelChoice(FaceLabels::None), "hair_eye" => LabelChoice(FaceLabels::HairEye), "tags" => LabelChoice(FaceLabels::Tags), "attributes" => LabelChoice(FaceLabels::Attributes)]);

/// Which networks (`model.family`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Report 000: 5×5 baseline DCGAN (and its WGAN-GP critic with `critic = true`).
    Baseline,
    /// Report 001: the PyTorch DCGAN (Dropout in G with `dropout`, SNGAN's D with `spectral_norm`).
    Dcgan,
    /// Report 002: DCGAN with SELU in place of BatchNorm.
    Selu,
    /// Report 001 §2: conditional DCGAN on one-hot (hair, eye) combinations.
    TextToImage,
    /// Report 003: conditional WGAN-GP on multi-hot tags.
    Cwgan,
    /// Report 004: cGAN on multi-label objects.
    Cgan,
    /// MLPs for the 2-D toys.
    Mlp,
    /// Report 001 §5: CycleGAN (ResNet G, PatchGAN D) between maps and aerial photos.
    CycleGan,
    /// Report 001 §6: StarGAN on face attributes.
    StarGan,
}
choices!(Family, "model family", [
    "baseline" => Family::Baseline, "dcgan" => Family::Dcgan, "selu" => Family::Selu, "text_to_image" => Family::TextToImage,
    "cwgan" => Family::Cwgan, "cgan" => Family::Cgan, "mlp" => Family::Mlp, "cyclegan" => Family::CycleGan, "stargan" => Family::StarGan,
]);

impl Family {
    /// Whether G and D take label conditions.
    pub fn is_conditional(self) -> bool {
        matches!(self, Family::TextToImage | Family::Cwgan | Family::Cgan)
    }
}

/// `train.loss`: a [`Loss`] by its name in experiment files. The BCE losses are listed on
/// probabilities; the discriminator decides their D output later ([`Loss::with_output`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LossChoice(Loss);
choices!(LossChoice, "loss", [
    "bce" => LossChoice(Loss::BCE), "nonsaturating" => LossChoice(Loss::BCE),
    "minimax" => LossChoice(Loss::Minimax(DOutput::Probability)), "wgan" => LossChoice(Loss::Wgan),
    "lsgan" => LossChoice(Loss::Lsgan), "hinge" => LossChoice(Loss::Hinge), "rsgan" => LossChoice(Loss::Rsgan),
    "rasgan" => LossChoice(Loss::Rasgan), "ralsgan" => LossChoice(Loss::RaLsgan), "rahinge" => LossChoice(Loss::RaHinge),
]);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct DOutputChoice(DOutput);
choices!(DOutputChoice, "D output", ["probability" => DOutputChoice(DOutput::Probability), "logit" => DOutputChoice(DOutput::Logit)]);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OptKind {
    Adam,
    AdamW,
    RmsProp,
    Sgd,
}
choices!(OptKind, "optimizer", ["adam" => OptKind::Adam, "adamw" => OptKind::AdamW, "rmsprop" => OptKind::RmsProp, "sgd" => OptKind::Sgd]);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct OrderChoice(UpdateOrder);
choices!(OrderChoice, "update order", ["d_first" => OrderChoice(UpdateOrder::DFirst), "g_first" => OrderChoice(UpdateOrder::GFirst)]);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PenaltyKind {
    None,
    Gradient,
    OneSidedGradient,
    Dragan,
    R1,
}
choices!(PenaltyKind, "penalty", ["none" => PenaltyKind::None, "gradient" => PenaltyKind::Gradient, "one_sided_gradient" => PenaltyKind::OneSidedGradient, "dragan" => PenaltyKind::Dragan, "r1" => PenaltyKind::R1]);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LabelKind {
    Hard,
    OneSided,
    Noisy,
}
choices!(LabelKind, "label kind", ["hard" => LabelKind::Hard, "one_sided" => LabelKind::OneSided, "noisy" => LabelKind::Noisy]);

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

// ------------------------------------------------------------------------- reading the tables

/// Names keys in errors: the file, and the key as the user wrote it (`quick.train.lr`).
struct Ctx<'a> {
    file: &'a str,
    origins: &'a BTreeMap<String, String>,
}

impl Ctx<'_> {
    fn label(&self, path: &str) -> String {
        self.origins
            .get(path)
            .cloned()
            .unwrap_or_else(|| path.to_string())
    }

    fn err(&self, path: &str, msg: impl Into<String>) -> Error {
        Error::setting(format!("{}: {}", self.file, self.label(path)), msg)
    }
}

/// One table of the file, read key by key with typed getters.
struct Sec<'a> {
    ctx: &'a Ctx<'a>,
    path: String,
    t: Option<&'a Table>,
}

impl<'a> Sec<'a> {
    /// The table at `path` (absent: every key takes its default); keys outside `known` are
    /// errors.
    fn new(ctx: &'a Ctx<'a>, path: &str, t: Option<&'a Table>, known: &[&str]) -> Result<Self> {
        let sec = Sec {
            ctx,
            path: path.to_string(),
            t,
        };
        if let Some(t) = t {
            for k in t.keys() {
                if !known.contains(&k.as_str()) {
                    let hint = match closest(k, known) {
                        Some(c) => format!(" (did you mean \"{c}\"?)"),
                        None => format!(" (known: {})", known.join(", ")),
                    };
                    return Err(sec.err(k, format!("unknown key{hint}")));
                }
            }
        }
        Ok(sec)
    }

    fn key(&self, k: &str) -> String {
        if self.path.is_empty() {
            k.to_string()
        } else {
            format!("{}.{k}", self.path)
        }
    }

    fn err(&self, k: &str, msg: impl Into<String>) -> Error {
        self.ctx.err(&self.key(k), msg)
    }

    fn get(&self, k: &str) -> Option<&'a Value> {
        self.t.and_then(|t| t.get(k))
    }

    fn has(&self, k: &str) -> bool {
        self.get(k).is_some()
    }

    fn wrong(&self, k: &str, want: &str, v: &Value) -> Error {
        self.err(
            k,
            format!(
                "expected {want}, got {} {}",
                article(v.type_str()),
                short(v)
            ),
        )
    }

    fn num(&self, k: &str) -> Result<Option<f64>> {
        match self.get(k) {
            None => Ok(None),
            Some(Value::Float(f)) if f.is_finite() => Ok(Some(*f)),
            Some(Value::Float(f)) => Err(self.err(k, format!("must be a finite number, got {f}"))),
            Some(Value::Integer(i)) => Ok(Some(*i as f64)),
            Some(v) => Err(self.wrong(k, "a number", v)),
        }
    }

    fn int(&self, k: &str) -> Result<Option<i64>> {
        match self.get(k) {
            None => Ok(None),
            Some(Value::Integer(i)) => Ok(Some(*i)),
            Some(Value::Float(f)) => Err(self.err(k, format!("must be a whole number, got {f}"))),
            Some(v) => Err(self.wrong(k, "a whole number", v)),
        }
    }

    /// A whole number ≥ `min`.
    fn count(&self, k: &str, min: i64) -> Result<Option<usize>> {
        match self.int(k)? {
            Some(i) if i < min => Err(self.err(k, format!("must be at least {min}, got {i}"))),
            other => Ok(other.map(|i| i as usize)),
        }
    }

    fn flag(&self, k: &str) -> Result<Option<bool>> {
        match self.get(k) {
            None => Ok(None),
            Some(Value::Boolean(b)) => Ok(Some(*b)),
            Some(v) => Err(self.wrong(k, "true or false", v)),
        }
    }

    fn text(&self, k: &str) -> Result<Option<&'a str>> {
        match self.get(k) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(v) => Err(self.wrong(k, "a string", v)),
        }
    }

    fn choice<T: Choice>(&self, k: &str) -> Result<Option<T>> {
        match self.text(k)? {
            None => Ok(None),
            Some(s) => T::parse(s).map(Some).ok_or_else(|| {
                self.err(
                    k,
                    format!("unknown {} {s:?} (known: {})", T::WHAT, T::known()),
                )
            }),
        }
    }

    fn list(&self, k: &str, want: &str) -> Result<Option<&'a Vec<Value>>> {
        match self.get(k) {
            None => Ok(None),
            Some(Value::Array(a)) => Ok(Some(a)),
            Some(v) => Err(self.wrong(k, want, v)),
        }
    }

    fn pair(&self, k: &str) -> Result<Option<(f64, f64)>> {
        let Some(a) = self.list(k, "two numbers [a, b]")? else {
            return Ok(None);
        };
        let nums: Vec<f64> = a
            .iter()
            .filter_map(|v| v.as_float().or(v.as_integer().map(|i| i as f64)))
            .collect();
        if a.len() != 2 || nums.len() != 2 || nums.iter().any(|x| !x.is_finite()) {
            return Err(self.err(
                k,
                format!(
                    "expected two numbers [a, b], got {}",
                    short(&Value::Array(a.clone()))
                ),
            ));
        }
        Ok(Some((nums[0], nums[1])))
    }

    fn ints(&self, k: &str) -> Result<Option<Vec<i64>>> {
        let Some(a) = self.list(k, "a list of whole numbers")? else {
            return Ok(None);
        };
        a.iter()
            .map(|v| {
                v.as_integer().ok_or_else(|| {
                    self.err(
                        k,
                        format!(
                            "expected a list of whole numbers, got {}",
                            short(&Value::Array(a.clone()))
                        ),
                    )
                })
            })
            .collect::<Result<_>>()
            .map(Some)
    }

    fn strings(&self, k: &str) -> Result<Option<Vec<String>>> {
        let Some(a) = self.list(k, "a list of strings")? else {
            return Ok(None);
        };
        a.iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| self.err(k, "expected a list of strings"))
            })
            .collect::<Result<_>>()
            .map(Some)
    }

    /// The sub-table `k` (absent: an empty one).
    fn sub(&self, k: &str, known: &[&str]) -> Result<Sec<'a>> {
        match self.get(k) {
            None => Sec::new(self.ctx, &self.key(k), None, known),
            Some(Value::Table(t)) => Sec::new(self.ctx, &self.key(k), Some(t), known),
            Some(v) => Err(self.wrong(k, "a table", v)),
        }
    }

    /// Errors when `k` is set where it does not apply.
    fn forbid(&self, k: &str, why: impl FnOnce() -> String) -> Result<()> {
        if self.has(k) {
            Err(self.err(k, why()))
        } else {
            Ok(())
        }
    }
}

fn article(type_str: &str) -> String {
    match type_str.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => format!("an {type_str}"),
        _ => format!("a {type_str}"),
    }
}

/// A value as TOML writes it, cut short.
fn short(v: &Value) -> String {
    let s = match v {
        Value::String(s) => format!("{s:?}"),
        Value::Table(_) => "{…}".to_string(),
        other => other.to_string(),
    };
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s
    }
}

/// The known key nearest to a typo (edit distance ≤ 2).
fn closest<'k>(typo: &str, known: &[&'k str]) -> Option<&'k str> {
    let dist = |a: &str, b: &str| {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        let mut row: Vec<usize> = (0..=b.len()).collect();
        for i in 1..=a.len() {
            let mut prev = row[0];
            row[0] = i;
            for j in 1..=b.len() {
                let cur = row[j];
                row[j] = (row[j] + 1)
                    .min(row[j - 1] + 1)
                    .min(prev + usize::from(a[i - 1] != b[j - 1]));
                prev = cur;
            }
        }
        row[b.len()]
    };
    known
        .iter()
        .map(|k| (dist(typo, k), *k))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

// ------------------------------------------------------------------- variants and overrides

const TOP_KEYS: &[&str] = &[
    "name",
    "description",
    "data",
    "model",
    "train",
    "output",
    "quick",
    "smoke",
];
const SECTIONS: &[&str] = &["data", "model", "train", "output"];
const DATA_KEYS: &[&str] = &[
    "source",
    "path",
    "format",
    "size",
    "n",
    "labels",
    "hair",
    "attributes",
    "seed",
    "cache",
];
const MODEL_KEYS: &[&str] = &[
    "family",
    "ngf",
    "ndf",
    "dim",
    "sigmoid",
    "critic",
    "dropout",
    "spectral_norm",
    "hidden",
    "n_classes",
    "n_blocks",
    "norm",
    "d_layers",
    "conv_dim",
    "g_repeat",
    "d_repeat",
];
const OPT_KEYS: &[&str] = &[
    "optimizer",
    "lr",
    "betas",
    "eps",
    "weight_decay",
    "momentum",
    "alpha",
];
const TRAIN_KEYS: &[&str] = &[
    "loss",
    "d_output",
    "optimizer",
    "lr",
    "betas",
    "eps",
    "weight_decay",
    "momentum",
    "alpha",
    "g",
    "d",
    "d_steps",
    "g_steps",
    "g_every",
    "warmup_steps",
    "lr_decay",
    "warmup_epochs",
    "order",
    "penalty",
    "penalty_weight",
    "clip",
    "labels",
    "real_label",
    "real_range",
    "fake_range",
    "real_weight",
    "fake_weight",
    "ratio",
    "batch_size",
    "steps",
    "epochs",
    "seed",
    "z_dim",
    "fixed_samples",
    "lambda_cycle",
    "lambda_identity",
    "pool_size",
    "lambda_cls",
    "lambda_rec",
];
const OUTPUT_KEYS: &[&str] = &["dir", "print_every", "grid_every", "checkpoint_every"];

/// Keys of which setting one removes the others (a quick table's `steps` replaces `epochs`).
const EXCLUSIVE: &[&[&str]] = &[
    &["train.steps", "train.epochs"],
    &["train.warmup_steps", "train.warmup_epochs"],
    &["train.ratio", "train.real_weight"],
    &["train.ratio", "train.fake_weight"],
];

/// Sets `path` (dotted) in `t`, creating tables on the way and removing keys it excludes.
fn set_path(t: &mut Table, path: &str, value: Value) -> std::result::Result<(), String> {
    for group in EXCLUSIVE {
        if group.contains(&path) {
            for other in group.iter().filter(|o| **o != path) {
                remove_path(t, other);
            }
        }
    }
    let mut parts: Vec<&str> = path.split('.').collect();
    let last = parts.pop().unwrap_or_default();
    let mut cur = t;
    for (i, p) in parts.iter().enumerate() {
        let entry = cur
            .entry(p.to_string())
            .or_insert_with(|| Value::Table(Table::new()));
        cur = match entry {
            Value::Table(t) => t,
            _ => return Err(format!("{} is not a table", parts[..=i].join("."))),
        };
    }
    cur.insert(last.to_string(), value);
    Ok(())
}

fn remove_path(t: &mut Table, path: &str) {
    match path.split_once('.') {
        None => {
            t.remove(path);
        }
        Some((head, rest)) => {
            if let Some(Value::Table(sub)) = t.get_mut(head) {
                remove_path(sub, rest);
            }
        }
    }
}

fn get_path<'t>(t: &'t Table, path: &str) -> Option<&'t Value> {
    match path.split_once('.') {
        None => t.get(path),
        Some((head, rest)) => match t.get(head) {
            Some(Value::Table(sub)) => get_path(sub, rest),
            _ => None,
        },
    }
}

/// Every leaf of `v` as (dotted path, value).
fn leaves(prefix: &str, v: &Value, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Table(t) => {
            for (k, v) in t {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                leaves(&p, v, out);
            }
        }
        other => out.push((prefix.to_string(), other.clone())),
    }
}

/// Lays the overlay table `over` (the file's `[quick]` or `[smoke]`, named `label`) over `base`.
fn overlay(
    ctx_file: &str,
    base: &mut Table,
    over: &Value,
    label: &str,
    origins: &mut BTreeMap<String, String>,
) -> Result<()> {
    let Value::Table(over) = over else {
        return Err(Error::setting(
            format!("{ctx_file}: {label}"),
            format!("expected a table, got {}", article(over.type_str())),
        ));
    };
    for (k, v) in over {
        if !SECTIONS.contains(&k.as_str()) {
            let hint = closest(k, SECTIONS)
                .map(|c| format!(" (did you mean \"{c}\"?)"))
                .unwrap_or_else(|| format!(" (known: {})", SECTIONS.join(", ")));
            return Err(Error::setting(
                format!("{ctx_file}: {label}.{k}"),
                format!("unknown key{hint}"),
            ));
        }
        if !v.is_table() {
            return Err(Error::setting(
                format!("{ctx_file}: {label}.{k}"),
                format!("expected a table, got {}", article(v.type_str())),
            ));
        }
        let mut items = Vec::new();
        leaves(k, v, &mut items);
        for (path, value) in items {
            set_path(base, &path, value)
                .map_err(|m| Error::setting(format!("{ctx_file}: {label}.{path}"), m))?;
            origins.insert(path.clone(), format!("{label}.{path}"));
        }
    }
    Ok(())
}

/// The settings smoke mode imposes (a handful of steps on a few hundred samples) unless the
/// file's `[smoke]` table sets them.
fn smoke_defaults(t: &mut Table, origins: &mut BTreeMap<String, String>, smoke: Option<&Value>) {
    let set_by_file = |p: &str| {
        smoke
            .and_then(|s| s.as_table())
            .is_some_and(|s| get_path(s, p).is_some())
    };
    let mut put = |t: &mut Table, path: &str, v: Value| {
        let _ = set_path(t, path, v);
        origins.insert(path.to_string(), format!("{path} (smoke mode)"));
    };
    if !set_by_file("train.steps") && !set_by_file("train.epochs") {
        put(t, "train.steps", Value::Integer(4));
    }
    let batch = get_path(t, "train.batch_size")
        .and_then(Value::as_integer)
        .unwrap_or(64)
        .max(1);
    let n = get_path(t, "data.n")
        .and_then(Value::as_integer)
        .unwrap_or(10_000);
    let has_path = get_path(t, "data.path").is_some();
    if !set_by_file("data.n") && !has_path && n > 256.max(batch) {
        put(t, "data.n", Value::Integer(256.max(batch)));
    }
    for (key, v) in [
        ("output.print_every", 1),
        ("output.grid_every", 2),
        ("output.checkpoint_every", 2),
    ] {
        if !set_by_file(key) {
            put(t, key, Value::Integer(v));
        }
    }
}

/// A TOML syntax error as one line, keeping the toml crate's line and column.
fn syntax_error(file: &str, e: &toml::de::Error) -> Error {
    let head = e
        .to_string()
        .lines()
        .next()
        .unwrap_or("TOML parse error")
        .trim()
        .to_string();
    let msg = e.message().replace('\n', "; ");
    Error::setting(file, format!("{head}: {}", msg.trim()))
}

/// A command-line value: TOML (`2e-4`, `[0.5, 0.9]`, `"x"`, `true`), else the text itself.
fn parse_value(text: &str) -> Value {
    match format!("v = {text}").parse::<Table>() {
        Ok(mut t) => t.remove("v").unwrap_or(Value::String(text.to_string())),
        Err(_) => Value::String(text.to_string()),
    }
}

// -------------------------------------------------------------------------------- Experiment

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

    fn from_text(text: &str, label: &str, name: &str, check_paths: bool) -> Result<Experiment> {
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

    fn with_value(self, key: &str, value: Value, label: &str) -> Result<Experiment> {
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

    /// Builds the effective table of a variant and reads it.
    fn resolve(source: &Arc<Source>, mode: Mode, overrides: &[Override]) -> Result<Experiment> {
        let file = source.label.as_str();
        let mut origins = BTreeMap::new();
        for k in source.raw.keys() {
            if !TOP_KEYS.contains(&k.as_str()) {
                let hint = closest(k, TOP_KEYS)
                    .map(|c| format!(" (did you mean \"{c}\"?)"))
                    .unwrap_or_else(|| format!(" (known: {})", TOP_KEYS.join(", ")));
                return Err(Error::setting(
                    format!("{file}: {k}"),
                    format!("unknown key{hint}"),
                ));
            }
        }
        let mut t = source.raw.clone();
        t.remove("quick");
        t.remove("smoke");
        if matches!(mode, Mode::Quick | Mode::Smoke) {
            if let Some(q) = source.raw.get("quick") {
                overlay(file, &mut t, q, "quick", &mut origins)?;
            }
        }
        if mode == Mode::Smoke {
            let s = source.raw.get("smoke");
            if let Some(s) = s {
                overlay(file, &mut t, s, "smoke", &mut origins)?;
            }
            smoke_defaults(&mut t, &mut origins, s);
        }
        for o in overrides {
            set_path(&mut t, &o.path, o.value.clone())
                .map_err(|m| Error::setting(format!("{file}: {}", o.label), m))?;
            origins.insert(o.path.clone(), o.label.clone());
        }
        let ctx = Ctx {
            file,
            origins: &origins,
        };
        read(&ctx, &t, mode, source.check_paths).map(|p| Experiment {
            name: p.name,
            description: p.description,
            mode,
            data: p.data,
            model: p.model,
            train: p.train,
            length: p.length,
            warmup: p.warmup,
            lr_decay: p.lr_decay,
            output: p.output,
            translation: p.translation,
            source: source.clone(),
            overrides: overrides.to_vec(),
            effective: t,
        })
    }
}

/// What [`read`] makes of the effective table.
struct Parts {
    name: String,
    description: Option<String>,
    data: DataSpec,
    model: ModelSpec,
    train: TrainConfig,
    length: Length,
    warmup: Option<Length>,
    lr_decay: Option<f64>,
    output: OutputSpec,
    translation: Option<Translation>,
}

/// Errors when `sec.k` is set for a family outside `families`.
fn only_for(sec: &Sec, k: &str, family: Family, families: &[Family]) -> Result<()> {
    if sec.has(k) && !families.contains(&family) {
        let names: Vec<&str> = families.iter().map(|f| f.name()).collect();
        let extra = match (k, family) {
            ("sigmoid", Family::Baseline) => "; the baseline D ends in a Sigmoid, set critic = true for report 000's WGAN-GP critic",
            ("sigmoid", Family::Cwgan) => "; report 003's critic has none",
            ("sigmoid", Family::StarGan) => "; StarGAN's D outputs raw scores",
            _ => "",
        };
        return Err(sec.err(
            k,
            format!(
                "does not apply to family {family} (only to {}){extra}",
                names.join(", ")
            ),
        ));
    }
    Ok(())
}

/// Reads the effective table into the typed parts, checking every value.
fn read(ctx: &Ctx, t: &Table, mode: Mode, check_paths: bool) -> Result<Parts> {
    use Family::*;
    let top = Sec::new(ctx, "", Some(t), TOP_KEYS)?;
    let name = top.text("name")?.unwrap_or("experiment").to_string();
    if name.is_empty() || name.contains(['/', '\\']) {
        return Err(top.err("name", format!("must be a plain file name, got {name:?}")));
    }
    let description = top.text("description")?.map(str::to_string);
    let data = top.sub("data", DATA_KEYS)?;
    let model = top.sub("model", MODEL_KEYS)?;
    let train = top.sub("train", TRAIN_KEYS)?;
    let output = top.sub("output", OUTPUT_KEYS)?;

    // -- the model family and the loss decide the defaults of the rest
    let family: Family = model
        .choice("family")?
        .ok_or_else(|| model.err("family", format!("missing (one of: {})", Family::known())))?;
    let gans: &[Family] = &[Baseline, Dcgan, Selu, TextToImage, Cwgan, Cgan, Mlp];
    let loss_name: LossChoice = train.choice("loss")?.unwrap_or(LossChoice(match family {
        CycleGan => Loss::Lsgan,
        StarGan => Loss::Wgan,
        _ => Loss::BCE,
    }));

    // -- data
    let source: DataSource = data.choice("source")?.unwrap_or(if family == CycleGan {
        DataSource::Maps
    } else {
        DataSource::Faces
    });
    if source.is_2d() != (family == Mlp) {
        return Err(if source.is_2d() {
            data.err(
                "source",
                format!("{source} is 2-D data: model.family must be mlp, got {family}"),
            )
        } else {
            model.err(
                "family",
                format!(
                    "mlp is for 2-D data (ring8, grid25, swiss_roll), but data.source is {source}"
                ),
            )
        });
    }
    if (source == DataSource::Maps) != (family == CycleGan) {
        return Err(if family == CycleGan {
            data.err("source", format!("cyclegan translates between two domains: data.source must be maps (or a CycleGAN folder at data.path), got {source}"))
        } else {
            data.err(
                "source",
                format!(
                    "maps are map ↔ aerial pairs for model.family = \"cyclegan\", not {family}"
                ),
            )
        });
    }
    if family == StarGan && source != DataSource::Faces {
        return Err(data.err(
            "source",
            format!("stargan edits faces (built in, or CelebA at data.path), not {source}"),
        ));
    }
    let path = data.text("path")?.map(PathBuf::from);
    if let Some(p) = &path {
        if source.is_2d() {
            return Err(data.err(
                "path",
                format!("{source} is built in; real formats exist for faces, objects and maps"),
            ));
        }
        if check_paths {
            if !p.exists() {
                return Err(data.err("path", format!("{}: no such folder", p.display())));
            }
            if !p.is_dir() {
                return Err(data.err("path", format!("{}: not a folder", p.display())));
            }
        }
    }
    let format: Option<DataFormat> = data.choice("format")?;
    if format.is_some() && path.is_none() {
        return Err(data.err(
            "format",
            "applies to data.path (the built-in data has no format)",
        ));
    }
    let format = match (&path, format) {
        (None, _) => None,
        (Some(_), Some(f)) => Some(f),
        (Some(p), None) => Some(match source {
            DataSource::Objects => DataFormat::Iclevr,
            DataSource::Maps => DataFormat::CycleGan,
            _ if family == StarGan => DataFormat::Celeba,
            _ if p.join("tags.csv").is_file() => DataFormat::TaggedFaces,
            _ if p.join("list_attr_celeba.txt").is_file() => DataFormat::Celeba,
            _ => DataFormat::ImageFolder,
        }),
    };
    let wanted_format = match source {
        DataSource::Objects => Some(DataFormat::Iclevr),
        DataSource::Maps => Some(DataFormat::CycleGan),
        _ if family == StarGan => Some(DataFormat::Celeba),
        _ => None,
    };
    match (format, wanted_format) {
        (Some(f), Some(w)) if f != w => {
            return Err(data.err(
                "format",
                format!("{source} for {family} are read from a {w} folder, not {f}"),
            ))
        }
        (Some(f @ (DataFormat::Iclevr | DataFormat::CycleGan)), None) => {
            return Err(data.err("format", format!("{f} does not hold {source}")))
        }
        _ => {}
    }
    let size = match data.count("size", 1)? {
        Some(_) if source.is_2d() => return Err(data.err("size", "2-D data has no image size")),
        Some(s) if s < 8 || !s.is_power_of_two() => {
            return Err(data.err(
                "size",
                format!(
                    "must be a power of two from 8 (64 in the reports, 32 for quick runs), got {s}"
                ),
            ))
        }
        Some(s) => s,
        None => 64,
    };
    let n = data.count("n", 1)?;
    let n = if path.is_some() {
        n
    } else {
        Some(n.unwrap_or(10_000))
    };
    let labels_given: Option<LabelChoice> = data.choice("labels")?;
    if labels_given.is_some() && (source != DataSource::Faces || family == StarGan) {
        let why = match source {
            _ if family == StarGan => {
                "stargan's labels are data.hair and data.attributes".to_string()
            }
            s if s.is_2d() => format!("{s} is unlabelled here"),
            DataSource::Objects => "objects always carry their 24 class labels".to_string(),
            s => format!("{s} have no labels"),
        };
        return Err(data.err("labels", format!("applies to faces ({why})")));
    }
    let default_labels = match (format, family) {
        (Some(DataFormat::Celeba), _) => FaceLabels::Attributes,
        (_, TextToImage) => FaceLabels::HairEye,
        (_, Cwgan | Cgan) => FaceLabels::Tags,
        _ => FaceLabels::None,
    };
    let face_labels = if source == DataSource::Faces && family != StarGan {
        labels_given.map_or(default_labels, |l| l.0)
    } else {
        FaceLabels::None
    };
    if source == DataSource::Faces && family != StarGan {
        match (format, face_labels) {
            (Some(DataFormat::ImageFolder), l) if l != FaceLabels::None => {
                return Err(data.err("labels", format!("an image folder has no labels; use a tags.csv folder (format = \"tagged_faces\") for {}", LabelChoice(l))))
            }
            (Some(DataFormat::TaggedFaces), FaceLabels::Attributes) => return Err(data.err("labels", "tags.csv has hair and eye colours, not attributes (use hair_eye or tags)")),
            (Some(DataFormat::Celeba), l) if l != FaceLabels::Attributes => return Err(data.err("labels", "CelebA folders give attributes (labels = \"attributes\")")),
            _ => {}
        }
        if family.is_conditional() && face_labels == FaceLabels::None {
            return Err(data.err(
                "labels",
                format!("model.family {family} is conditional: give hair_eye, tags or attributes"),
            ));
        }
    }
    // StarGAN's domains: a hair-colour group and binary attributes (built in), or CelebA columns
    let star_builtin = family == StarGan && path.is_none();
    let hair = data.strings("hair")?;
    if hair.is_some() && family != StarGan {
        return Err(data.err(
            "hair",
            "applies to family stargan (its hair-colour domains)",
        ));
    }
    let attributes = data.strings("attributes")?;
    if attributes.is_some() && format != Some(DataFormat::Celeba) && family != StarGan {
        return Err(data.err(
            "attributes",
            "applies to CelebA folders (data.format = \"celeba\") and to family stargan",
        ));
    }
    let (hair, attributes) = if family == StarGan {
        // one hair-colour group, then binary attributes; on CelebA the names are its columns
        // or the built-in names of them (black → Black_Hair, glasses → Eyeglasses, …)
        let hair = hair.unwrap_or_else(|| ["black", "blonde", "brown"].map(String::from).to_vec());
        let default_attributes = if star_builtin {
            ["glasses", "smile"]
        } else {
            ["Male", "Young"]
        };
        let attributes =
            attributes.unwrap_or_else(|| default_attributes.map(String::from).to_vec());
        if star_builtin {
            for h in &hair {
                if !HAIR_COLORS.contains(&h.as_str()) {
                    return Err(data.err(
                        "hair",
                        format!(
                            "unknown hair colour {h:?} (known: {})",
                            HAIR_COLORS.join(", ")
                        ),
                    ));
                }
            }
            for a in &attributes {
                if !ATTRIBUTES.contains(&a.as_str()) {
                    return Err(data.err(
                        "attributes",
                        format!(
                            "unknown attribute {a:?} (the built-in faces have: {})",
                            ATTRIBUTES.join(", ")
                        ),
                    ));
                }
            }
        }
        if hair.len() + attributes.len() == 0 {
            return Err(data.err(
                "attributes",
                "stargan needs at least one domain (data.hair or data.attributes)",
            ));
        }
        (hair, attributes)
    } else {
        (Vec::new(), attributes.unwrap_or_default())
    };
    let cache = data.flag("cache")?;
    if cache.is_some() && path.is_none() {
        return Err(data.err(
            "cache",
            "applies to data.path (the built-in data is generated, not cached)",
        ));
    }
    let seed = data.count("seed", 0)?.unwrap_or(0) as u64;
    // the label width the data will have
    let width: Option<i64> = match (source, format) {
        _ if family == StarGan => Some((hair.len() + attributes.len()) as i64),
        (DataSource::Objects, _) => Some(
            model
                .int("n_classes")?
                .unwrap_or(objects_data::N_CLASSES as i64),
        ),
        (_, Some(DataFormat::Celeba)) => Some(if attributes.is_empty() {
            40
        } else {
            attributes.len() as i64
        }),
        _ => match face_labels {
            FaceLabels::None => None,
            FaceLabels::HairEye => Some(crate::data::faces::N_COMBINATIONS as i64),
            FaceLabels::Tags => Some(23),
            FaceLabels::Attributes => Some(3),
        },
    };

    // -- model
    let applies: &[(&str, &[Family])] = &[
        ("ngf", &[Dcgan, Selu, TextToImage, Cwgan, Cgan, CycleGan]),
        ("ndf", &[Dcgan, Selu, TextToImage, Cwgan, Cgan, CycleGan]),
        ("dim", &[Baseline]),
        ("critic", &[Baseline]),
        ("sigmoid", &[Dcgan, Selu, TextToImage, Cgan, Mlp, CycleGan]),
        ("dropout", &[Dcgan, CycleGan]),
        ("spectral_norm", &[Dcgan]),
        ("hidden", &[Mlp]),
        ("n_classes", &[TextToImage, Cwgan, Cgan]),
        ("n_blocks", &[CycleGan]),
        ("norm", &[CycleGan]),
        ("d_layers", &[CycleGan]),
        ("conv_dim", &[StarGan]),
        ("g_repeat", &[StarGan]),
        ("d_repeat", &[StarGan]),
    ];
    for (k, fams) in applies {
        only_for(&model, k, family, fams)?;
    }
    let width_key = |k: &str| -> Result<i64> {
        match model.int(k)? {
            Some(w) if w < 1 => Err(model.err(k, format!("must be at least 1, got {w}"))),
            Some(w) => Ok(w),
            None => Ok(64),
        }
    };
    let (ngf, ndf) = match family {
        Baseline => (width_key("dim")?, width_key("dim")?),
        StarGan => (width_key("conv_dim")?, width_key("conv_dim")?),
        _ => (width_key("ngf")?, width_key("ndf")?),
    };
    let d_output_given: Option<DOutputChoice> = train.choice("d_output")?;
    if d_output_given.is_some() && !loss_name.0.is_bce() {
        return Err(train.err("d_output", format!("applies to the BCE losses (bce, nonsaturating, minimax); {loss_name} reads D's output as it is")));
    }
    let spectral_norm = model.flag("spectral_norm")?.unwrap_or(false);
    let critic = model.flag("critic")?;
    let sigmoid_given = model.flag("sigmoid")?;
    let default_sigmoid =
        d_output_given.map_or(loss_name.0.is_bce(), |o| o.0 == DOutput::Probability);
    let sigmoid = match family {
        Baseline => !critic.unwrap_or(!default_sigmoid),
        Cwgan | StarGan => false,
        Dcgan if spectral_norm => {
            if sigmoid_given == Some(true) {
                return Err(model.err("sigmoid", "SNGAN's spectrally normalised D outputs logits (set sigmoid = false or drop spectral_norm)"));
            }
            false
        }
        _ => sigmoid_given.unwrap_or(default_sigmoid),
    };
    if let Some(o) = d_output_given {
        if (o.0 == DOutput::Probability) != sigmoid {
            let why = match family {
                Baseline => format!("model.critic = {}", !sigmoid),
                Cwgan => "the cwgan critic has no Sigmoid".to_string(),
                StarGan => "StarGAN's D has no Sigmoid".to_string(),
                _ if spectral_norm => "the spectrally normalised D has no Sigmoid".to_string(),
                _ => format!("model.sigmoid = {sigmoid}"),
            };
            return Err(train.err(
                "d_output",
                format!("{o} does not match the discriminator ({why})"),
            ));
        }
    }
    if family == CycleGan && sigmoid && !loss_name.0.is_bce() {
        return Err(model.err(
            "sigmoid",
            format!(
                "a Sigmoid-ended PatchGAN goes with the BCE losses; {loss_name} takes raw outputs"
            ),
        ));
    }
    let dropout = model.num("dropout")?.unwrap_or(0.0);
    if !(0.0..1.0).contains(&dropout) {
        return Err(model.err("dropout", format!("must be in [0, 1), got {dropout}")));
    }
    if family == CycleGan && dropout != 0.0 && dropout != 0.5 {
        return Err(model.err(
            "dropout",
            format!("CycleGAN's ResNet blocks use Dropout(0.5) or none (0), got {dropout}"),
        ));
    }
    let hidden = match model.ints("hidden")? {
        Some(h) if h.is_empty() || h.iter().any(|&w| w < 1) => {
            return Err(model.err(
                "hidden",
                format!("must be a non-empty list of widths ≥ 1, got {h:?}"),
            ))
        }
        Some(h) => h,
        None => vec![128, 128],
    };
    let n_classes = if family.is_conditional() || family == StarGan {
        let w = width.ok_or_else(|| {
            data.err(
                "labels",
                format!("model.family {family} is conditional but the data has no labels"),
            )
        })?;
        if let Some(given) = model.int("n_classes")? {
            if given != w && source != DataSource::Objects {
                return Err(model.err(
                    "n_classes",
                    format!("must match the data's label width ({w}), got {given}"),
                ));
            }
            if given < 1 {
                return Err(model.err("n_classes", format!("must be at least 1, got {given}")));
            }
        }
        Some(w)
    } else {
        None
    };
    let model_spec = ModelSpec {
        family,
        ngf,
        ndf,
        sigmoid,
        critic: family == Baseline && !sigmoid,
        dropout,
        spectral_norm,
        hidden,
        n_classes,
    };

    // -- train
    let train_applies: &[(&str, &[Family])] = &[
        ("d_steps", gans),
        ("g_steps", gans),
        ("order", gans),
        ("clip", gans),
        ("z_dim", gans),
        ("fixed_samples", gans),
        ("warmup_steps", gans),
        ("warmup_epochs", gans),
        (
            "g_every",
            &[
                Baseline,
                Dcgan,
                Selu,
                TextToImage,
                Cwgan,
                Cgan,
                Mlp,
                StarGan,
            ],
        ),
        (
            "penalty",
            &[
                Baseline,
                Dcgan,
                Selu,
                TextToImage,
                Cwgan,
                Cgan,
                Mlp,
                StarGan,
            ],
        ),
        (
            "penalty_weight",
            &[
                Baseline,
                Dcgan,
                Selu,
                TextToImage,
                Cwgan,
                Cgan,
                Mlp,
                StarGan,
            ],
        ),
        ("lambda_cycle", &[CycleGan]),
        ("lambda_identity", &[CycleGan]),
        ("pool_size", &[CycleGan]),
        ("lambda_cls", &[StarGan]),
        ("lambda_rec", &[StarGan]),
    ];
    for (k, fams) in train_applies {
        only_for(&train, k, family, fams)?;
    }
    let out = if sigmoid {
        DOutput::Probability
    } else {
        DOutput::Logit
    };
    let loss = loss_name.0.with_output(out);
    let base = read_opt(&train)?;
    let g = read_opt(&train.sub("g", OPT_KEYS)?)?;
    let d = read_opt(&train.sub("d", OPT_KEYS)?)?;
    let optimizers = GanOptimizers {
        g: build_opt(ctx, &train, &base, &g)?,
        d: build_opt(ctx, &train, &base, &d)?,
    };

    let label_kind: Option<LabelKind> = train.choice("labels")?;
    let label_kind_or_hard = label_kind.unwrap_or(LabelKind::Hard);
    if label_kind_or_hard != LabelKind::Hard && !loss.has_targets() {
        return Err(train.err("labels", format!("{label_kind_or_hard} labels do not apply to {loss_name}: its D loss has no 1/0 targets (they do for bce, minimax, lsgan, rsgan, rasgan)")));
    }
    if label_kind_or_hard != LabelKind::OneSided {
        train.forbid("real_label", || "applies to labels = \"one_sided\"".into())?;
    }
    if label_kind_or_hard != LabelKind::Noisy {
        train.forbid("real_range", || "applies to labels = \"noisy\"".into())?;
        train.forbid("fake_range", || "applies to labels = \"noisy\"".into())?;
    }
    let labels = match label_kind_or_hard {
        LabelKind::Hard => Labels::Hard,
        LabelKind::OneSided => Labels::OneSided(train.num("real_label")?.unwrap_or(0.9)),
        LabelKind::Noisy => {
            let check = |k: &str, default: (f64, f64)| -> Result<(f64, f64)> {
                let r = train.pair(k)?.unwrap_or(default);
                if r.0 > r.1 {
                    return Err(train.err(
                        k,
                        format!("expected [lo, hi] with lo ≤ hi, got [{}, {}]", r.0, r.1),
                    ));
                }
                Ok(r)
            };
            let Labels::Noisy { real, fake } = Labels::noisy() else {
                unreachable!()
            };
            Labels::Noisy {
                real: check("real_range", real)?,
                fake: check("fake_range", fake)?,
            }
        }
    };
    let mut loss_cfg = LossConfig::from(loss).labels(labels);
    if let Some((r, f)) = train.pair("ratio")? {
        if r < 0.0 || f < 0.0 || r + f <= 0.0 {
            return Err(train.err(
                "ratio",
                format!("expected [real, fake] ≥ 0 with a positive sum, got [{r}, {f}]"),
            ));
        }
        loss_cfg = loss_cfg.ratio(r, f);
    }
    for (k, w) in [
        ("real_weight", &mut loss_cfg.real_weight),
        ("fake_weight", &mut loss_cfg.fake_weight),
    ] {
        if let Some(v) = train.num(k)? {
            if v < 0.0 {
                return Err(train.err(k, format!("must be ≥ 0, got {v}")));
            }
            *w = v;
        }
    }
    if loss == Loss::Rsgan && (loss_cfg.real_weight != 1.0 || loss_cfg.fake_weight != 1.0) {
        let k = if train.has("ratio") {
            "ratio"
        } else if train.has("real_weight") {
            "real_weight"
        } else {
            "fake_weight"
        };
        return Err(train.err(
            k,
            "rsgan's D loss is one term over (real, fake) pairs: real/fake weights do not apply",
        ));
    }

    let default_penalty = if family == StarGan {
        PenaltyKind::Gradient
    } else {
        PenaltyKind::None
    };
    let penalty_kind: PenaltyKind = train.choice("penalty")?.unwrap_or(default_penalty);
    if family == StarGan && !matches!(penalty_kind, PenaltyKind::None | PenaltyKind::Gradient) {
        return Err(train.err("penalty", format!("stargan takes penalty = \"gradient\" (its default) or \"none\", got {penalty_kind}")));
    }
    let weight = train.num("penalty_weight")?;
    if penalty_kind == PenaltyKind::None && weight.is_some() {
        return Err(train.err("penalty_weight", "no penalty is set (train.penalty)"));
    }
    let weight = weight.unwrap_or(10.0);
    if weight < 0.0 {
        return Err(train.err("penalty_weight", format!("must be ≥ 0, got {weight}")));
    }
    let penalty = match penalty_kind {
        PenaltyKind::None => Penalty::None,
        PenaltyKind::Gradient => Penalty::Gradient(GradientPenalty::new(weight)),
        PenaltyKind::OneSidedGradient => {
            Penalty::Gradient(GradientPenalty::new(weight).one_sided())
        }
        PenaltyKind::Dragan => Penalty::Dragan(Dragan {
            lambda: weight,
            ..Default::default()
        }),
        PenaltyKind::R1 => Penalty::R1(R1 { gamma: weight }),
    };
    let clip = train.num("clip")?.map(WeightClip::new);
    let order = train
        .choice::<OrderChoice>("order")?
        .map_or(UpdateOrder::DFirst, |o| o.0);
    let default_z = match family {
        Cgan => 25,
        Mlp => 2,
        _ => 100,
    };
    let default_batch = match family {
        CycleGan => 1,
        StarGan => 16,
        _ => 64,
    };
    let config = TrainConfig {
        loss: loss_cfg,
        optimizers,
        d_steps: train.count("d_steps", 0)?.unwrap_or(1),
        g_steps: train.count("g_steps", 0)?.unwrap_or(1),
        g_every: train
            .count("g_every", 0)?
            .unwrap_or(if family == StarGan { 5 } else { 1 }),
        order,
        penalty,
        clip,
        batch_size: train.count("batch_size", 0)?.unwrap_or(default_batch),
        z_dim: train.int("z_dim")?.unwrap_or(default_z),
        seed: train.count("seed", 0)?.unwrap_or(0) as u64,
        fixed_samples: train.int("fixed_samples")?.unwrap_or(64),
        // set by Experiment::run once the run's length is known (see Experiment::lr_schedule)
        lr_schedule: LrSchedule::Constant,
    };
    // TrainConfig's own checks, named by the TOML key
    let named = |e: Error, prefix: &str, rename: &[(&str, &str)]| match e {
        Error::Setting { key, message } => {
            let field = key.strip_prefix(prefix).unwrap_or(&key).to_string();
            let field = rename
                .iter()
                .find(|(from, _)| *from == field)
                .map_or(field, |(_, to)| to.to_string());
            train.err(&field, message)
        }
        other => other,
    };
    config
        .validate()
        .map_err(|e| named(e, "TrainConfig.", &[]))?;
    if let Some(n) = n {
        if n < config.batch_size && path.is_none() {
            return Err(data.err(
                "n",
                format!(
                    "must be at least train.batch_size ({}), got {n}",
                    config.batch_size
                ),
            ));
        }
    }
    let length = match (train.count("steps", 1)?, train.num("epochs")?) {
        (Some(_), Some(_)) => {
            return Err(train.err("epochs", "give train.steps or train.epochs, not both"))
        }
        (Some(s), None) => Length::Steps(s),
        (None, Some(e)) if e > 0.0 => Length::Epochs(e),
        (None, Some(e)) => return Err(train.err("epochs", format!("must be positive, got {e}"))),
        (None, None) => return Err(train.err("steps", "missing: give train.steps or train.epochs")),
    };
    let warmup = match (train.count("warmup_steps", 0)?, train.num("warmup_epochs")?) {
        (Some(_), Some(_)) => {
            return Err(train.err(
                "warmup_epochs",
                "give train.warmup_steps or train.warmup_epochs, not both",
            ))
        }
        (Some(s), None) => Some(Length::Steps(s)),
        (None, Some(e)) if e >= 0.0 => Some(Length::Epochs(e)),
        (None, Some(e)) => return Err(train.err("warmup_epochs", format!("must be ≥ 0, got {e}"))),
        (None, None) => None,
    };
    let lr_decay = train.num("lr_decay")?;
    if let Some(f) = lr_decay {
        if !(f > 0.0 && f <= 1.0) {
            return Err(train.err("lr_decay", format!("must be in (0, 1]: the share of the run, at its end, over which the rates fall linearly to 0 (0.5: the second half), got {f}")));
        }
    }

    // -- the image-to-image trainers' own settings
    let translation = match family {
        CycleGan => {
            let n_blocks = model.int("n_blocks")?.unwrap_or(6);
            let d_layers = model.int("d_layers")?.unwrap_or(3);
            if n_blocks < 0 {
                return Err(model.err("n_blocks", format!("must be ≥ 0, got {n_blocks}")));
            }
            if d_layers < 1 || (size as i64) < 4 << d_layers {
                return Err(model.err("d_layers", format!("must be at least 1 and fit the image (size ≥ 2^(d_layers + 2) = {}), got {d_layers}", 4i64 << d_layers.clamp(0, 20))));
            }
            let norm = match model.text("norm")? {
                None | Some("instance") => CycleGanNorm::Instance,
                Some("batch") => CycleGanNorm::Batch,
                Some(other) => {
                    return Err(model.err(
                        "norm",
                        format!("unknown normalisation {other:?} (known: instance, batch)"),
                    ))
                }
            };
            let nets = CycleGanConfig {
                channels: 3,
                image_size: size as i64,
                ngf,
                ndf,
                n_blocks,
                norm,
                dropout: dropout > 0.0,
                d_layers,
                sigmoid,
            };
            let cfg = CycleTrainConfig {
                loss: loss_cfg,
                lambda_cycle: train.num("lambda_cycle")?.unwrap_or(10.0),
                lambda_identity: train.num("lambda_identity")?.unwrap_or(0.5),
                pool_size: train.count("pool_size", 0)?.unwrap_or(50),
                optimizers,
                batch_size: config.batch_size,
                seed: config.seed,
                lr_schedule: LrSchedule::Constant,
            };
            cfg.validate()
                .map_err(|e| named(e, "CycleTrainConfig.", &[]))?;
            Some(Translation::Cycle { nets, config: cfg })
        }
        StarGan => {
            let default_d = (size.trailing_zeros() as i64).min(6);
            let d_repeat = model.int("d_repeat")?.unwrap_or(default_d);
            if d_repeat < 1 || d_repeat > size.trailing_zeros() as i64 {
                return Err(model.err(
                    "d_repeat",
                    format!(
                        "must be from 1 to log2(data.size) = {}, got {d_repeat}",
                        size.trailing_zeros()
                    ),
                ));
            }
            let g_repeat = model.int("g_repeat")?.unwrap_or(6);
            if g_repeat < 0 {
                return Err(model.err("g_repeat", format!("must be ≥ 0, got {g_repeat}")));
            }
            let c_dim = n_classes.unwrap_or(0);
            let nets = StarGanConfig {
                image_size: size as i64,
                channels: 3,
                conv_dim: ngf,
                c_dim,
                g_repeat,
                d_repeat,
            };
            let cfg = StarTrainConfig {
                loss: loss_cfg,
                gradient_penalty: match penalty {
                    Penalty::Gradient(gp) => Some(gp),
                    _ => None,
                },
                lambda_cls: train.num("lambda_cls")?.unwrap_or(1.0),
                lambda_rec: train.num("lambda_rec")?.unwrap_or(10.0),
                n_critic: config.g_every,
                optimizers,
                batch_size: config.batch_size,
                seed: config.seed,
                lr_schedule: LrSchedule::Constant,
            };
            cfg.validate().map_err(|e| {
                named(
                    e,
                    "StarTrainConfig.",
                    &[
                        ("n_critic", "g_every"),
                        ("gradient_penalty.lambda", "penalty_weight"),
                    ],
                )
            })?;
            let domains = star_builtin.then(|| StarDomains {
                hair: hair
                    .iter()
                    .map(|h| HAIR_COLORS.iter().position(|c| c == h).expect("checked"))
                    .collect(),
                attributes: attributes
                    .iter()
                    .map(|a| ATTRIBUTES.iter().position(|c| c == a).expect("checked"))
                    .collect(),
            });
            Some(Translation::Star {
                nets,
                config: cfg,
                domains,
            })
        }
        _ => None,
    };

    // -- output
    let suffix = match mode {
        Mode::Full => "",
        Mode::Quick => "-quick",
        Mode::Smoke => "-smoke",
    };
    let dir = output
        .text("dir")?
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target/runs").join(format!("{name}{suffix}")));
    let output_spec = OutputSpec {
        dir,
        print_every: output.count("print_every", 0)?.unwrap_or(100),
        grid_every: output.count("grid_every", 0)?.unwrap_or(500),
        checkpoint_every: output.count("checkpoint_every", 0)?.unwrap_or(1000),
    };
    let data_spec = DataSpec {
        source,
        path,
        format,
        size,
        n,
        labels: face_labels,
        hair,
        attributes,
        seed,
        cache: cache.unwrap_or(true),
    };
    Ok(Parts {
        name,
        description,
        data: data_spec,
        model: model_spec,
        train: config,
        length,
        warmup,
        lr_decay,
        output: output_spec,
        translation,
    })
}

/// Optimizer keys of one table: each value with the key it came from.
#[derive(Default)]
struct OptKeys {
    kind: Option<OptKind>,
    lr: Option<(f64, String)>,
    betas: Option<((f64, f64), String)>,
    eps: Option<(f64, String)>,
    weight_decay: Option<(f64, String)>,
    momentum: Option<(f64, String)>,
    alpha: Option<(f64, String)>,
}

fn read_opt(sec: &Sec) -> Result<OptKeys> {
    let with = |k: &str, v: Option<f64>| v.map(|v| (v, sec.key(k)));
    Ok(OptKeys {
        kind: sec.choice("optimizer")?,
        lr: with("lr", sec.num("lr")?),
        betas: sec.pair("betas")?.map(|b| (b, sec.key("betas"))),
        eps: with("eps", sec.num("eps")?),
        weight_decay: with("weight_decay", sec.num("weight_decay")?),
        momentum: with("momentum", sec.num("momentum")?),
        alpha: with("alpha", sec.num("alpha")?),
    })
}

/// One network's optimizer: its own table's keys over the shared ones (a table that names its
/// own `optimizer` inherits nothing), checked by [`Optimizer::validate`] with errors named by
/// the key the bad value came from.
fn build_opt(ctx: &Ctx, train: &Sec, base: &OptKeys, own: &OptKeys) -> Result<Optimizer> {
    let empty = OptKeys::default();
    let base = if own.kind.is_some() { &empty } else { base };
    let pick =
        |a: &Option<(f64, String)>, b: &Option<(f64, String)>| a.clone().or_else(|| b.clone());
    let kind = own.kind.or(base.kind).unwrap_or(OptKind::Adam);
    let lr = pick(&own.lr, &base.lr)
        .ok_or_else(|| train.err("lr", "missing: the learning rate (e.g. lr = 2e-4)"))?;
    let betas = own.betas.clone().or_else(|| base.betas.clone());
    let (eps, wd, momentum, alpha) = (
        pick(&own.eps, &base.eps),
        pick(&own.weight_decay, &base.weight_decay),
        pick(&own.momentum, &base.momentum),
        pick(&own.alpha, &base.alpha),
    );
    let mut opt = match kind {
        OptKind::Adam => Optimizer::adam(lr.0),
        OptKind::AdamW => Optimizer::adamw(lr.0),
        OptKind::RmsProp => Optimizer::rmsprop(lr.0),
        OptKind::Sgd => Optimizer::sgd(lr.0),
    };
    let name = opt.name();
    let not_for = |field: &str, key: &str, who: &str| {
        ctx.err(key, format!("{name} has no {field} ({who} do)"))
    };
    if let Some(((b1, b2), key)) = &betas {
        match &mut opt {
            Optimizer::Adam { betas, .. } | Optimizer::AdamW { betas, .. } => *betas = (*b1, *b2),
            _ => return Err(not_for("betas", key, "Adam and AdamW")),
        }
    }
    if let Some((v, key)) = &eps {
        match &mut opt {
            Optimizer::Adam { eps, .. }
            | Optimizer::AdamW { eps, .. }
            | Optimizer::RmsProp { eps, .. } => *eps = *v,
            Optimizer::Sgd { .. } => return Err(not_for("eps", key, "Adam, AdamW and RMSprop")),
        }
    }
    if let Some((v, key)) = &momentum {
        match &mut opt {
            Optimizer::RmsProp { momentum, .. } | Optimizer::Sgd { momentum, .. } => *momentum = *v,
            _ => {
                return Err(ctx.err(
                    key,
                    format!("{name} has no momentum (its betas are; RMSprop and SGD have one)"),
                ))
            }
        }
    }
    if let Some((v, key)) = &alpha {
        match &mut opt {
            Optimizer::RmsProp { alpha, .. } => *alpha = *v,
            _ => return Err(not_for("alpha", key, "RMSprop")),
        }
    }
    if let Some((v, _)) = &wd {
        opt = opt.weight_decay(*v);
    }
    opt.validate().map_err(|e| match e {
        Error::Setting { key, message } => {
            // "Adam.betas.1" → the key betas came from, "[1]"
            let field = key.split_once('.').map_or(key.as_str(), |(_, f)| f);
            let (head, index) = field
                .split_once('.')
                .map_or((field, None), |(h, i)| (h, Some(i)));
            let from = match head {
                "lr" => Some(lr.1.clone()),
                "betas" => betas.as_ref().map(|b| b.1.clone()),
                "eps" => eps.as_ref().map(|b| b.1.clone()),
                "weight_decay" => wd.as_ref().map(|b| b.1.clone()),
                "momentum" => momentum.as_ref().map(|b| b.1.clone()),
                "alpha" => alpha.as_ref().map(|b| b.1.clone()),
                _ => None,
            }
            .unwrap_or_else(|| format!("train.{head}"));
            let from = match index {
                Some(i) => format!("{}[{i}]", ctx.label(&from)),
                None => ctx.label(&from),
            };
            Error::setting(format!("{}: {from}", ctx.file), message)
        }
        other => other,
    })?;
    Ok(opt)
}

// ------------------------------------------------------------------------------ building it

impl Experiment {
    /// Steps in all for a data set of `n` samples (epochs converted; see the module docs).
    pub fn steps(&self, n: usize) -> usize {
        self.length_steps(self.length, n)
    }

    /// The learning-rate schedule of a run of `total` steps: constant, or with `lr_decay` the
    /// last ⌈lr_decay · total⌉ steps falling linearly to 0 ([`LrSchedule::Linear`]).
    pub fn lr_schedule(&self, total: usize) -> LrSchedule {
        match self.lr_decay {
            None => LrSchedule::Constant,
            Some(f) => {
                let decay = ((f * total as f64).ceil() as usize).clamp(1, total.max(1));
                LrSchedule::linear(total.saturating_sub(decay), decay)
            }
        }
    }

    fn length_steps(&self, l: Length, n: usize) -> usize {
        match l {
            Length::Steps(s) => s,
            Length::Epochs(e) => {
                let per_epoch =
                    (n / self.train.batch_size.max(1)) as f64 / self.train.d_steps.max(1) as f64;
                ((e * per_epoch).ceil() as usize).max(1)
            }
        }
    }

    /// Steps of the warm-up (G every step) for `n` samples.
    pub fn warmup_steps(&self, n: usize) -> usize {
        self.warmup.map_or(0, |w| self.length_steps(w, n))
    }

    /// `g_every` at step `step` (1 during the warm-up).
    pub fn g_every_at(&self, step: usize, n: usize) -> usize {
        if step <= self.warmup_steps(n) {
            1
        } else {
            self.train.g_every
        }
    }

    /// The samples the data will have when built in (real data: `data.n` or unknown).
    pub fn data_len_hint(&self) -> Option<usize> {
        self.data.n
    }

    /// The label width of the data (and of a conditional model).
    fn label_width(&self) -> Option<i64> {
        self.model.n_classes
    }

    /// Loads or generates the data set (on the CPU). Loader errors are prefixed with the file
    /// and `data.path`.
    pub fn load_data(&self) -> Result<Dataset> {
        let d = &self.data;
        let file = &self.source.label;
        let n = d.n.unwrap_or(10_000);
        if d.source == DataSource::Maps {
            return Err(Error::setting(
                format!("{file}: data.source"),
                "maps come as two domains: use Experiment::load_domains",
            ));
        }
        let data = match (&d.path, d.source) {
            (None, DataSource::Faces) if self.star_domains().is_some() => self
                .star_domains()
                .expect("checked")
                .faces(n, d.size, d.seed),
            (None, DataSource::Faces) => faces(&FacesConfig {
                n,
                size: d.size,
                seed: d.seed,
                labels: d.labels,
            }),
            (None, DataSource::Objects) => objects_data::objects(n, d.size, d.seed),
            (None, DataSource::Ring8) => Mixture::ring8().sample(n, d.seed),
            (None, DataSource::Grid25) => Mixture::grid25().sample(n, d.seed),
            (None, DataSource::SwissRoll) => swiss_roll(n, 0.05, d.seed),
            (None, DataSource::Maps) => unreachable!("returned above"),
            (Some(p), _) => {
                let at = |e: Error| Error::setting(format!("{file}: data.path"), e.to_string());
                let mut ds = match d.format.unwrap_or(DataFormat::ImageFolder) {
                    DataFormat::TaggedFaces => {
                        crate::data::tags::load_tagged_faces(p, d.size, d.labels, d.cache)
                            .map_err(at)?
                    }
                    DataFormat::ImageFolder => {
                        let l = crate::data::folder::load_image_folder(p, d.size, d.cache)
                            .map_err(at)?;
                        Dataset {
                            name: format!("{} {}×{}", p.display(), d.size, d.size),
                            x: l.images,
                            labels: None,
                            label_names: Vec::new(),
                        }
                    }
                    DataFormat::Celeba => {
                        let columns = if self.model.family == Family::StarGan {
                            self.celeba_columns(p)?
                        } else {
                            d.attributes.clone()
                        };
                        let attrs: Vec<&str> = columns.iter().map(String::as_str).collect();
                        crate::data::formats::load_celeba(p, d.size, &attrs, d.cache).map_err(at)?
                    }
                    DataFormat::Iclevr => {
                        crate::data::formats::load_iclevr(p, d.size, d.cache).map_err(at)?
                    }
                    DataFormat::CycleGan => unreachable!("maps returned above"),
                };
                if let Some(n) = d.n {
                    if n < ds.len() {
                        ds.x = ds.x.narrow(0, 0, n as i64);
                        ds.labels = ds.labels.map(|l| l.narrow(0, 0, n as i64));
                    }
                }
                if ds.len() < self.train.batch_size {
                    return Err(Error::setting(
                        format!("{file}: data.path"),
                        format!(
                            "{}: {} usable samples, fewer than train.batch_size ({})",
                            p.display(),
                            ds.len(),
                            self.train.batch_size
                        ),
                    ));
                }
                if let (Some(w), Some(l)) = (self.label_width(), &ds.labels) {
                    let have = l.size()[1];
                    if have != w {
                        return Err(Error::setting(format!("{file}: data.path"), format!("{}: the data has {have} label columns but the model is built for {w} (model.n_classes)", p.display())));
                    }
                }
                ds
            }
        };
        Ok(data)
    }

    /// G and D with their variable stores on `device`, initialised from `train.seed`.
    pub fn build_nets(&self, device: Device) -> Result<Nets> {
        let m = &self.model;
        let size = self.data.size as i64;
        let z = self.train.z_dim;
        let width = self.label_width().unwrap_or(0);
        tch::manual_seed(self.train.seed as i64);
        let (vs_g, vs_d) = (nn::VarStore::new(device), nn::VarStore::new(device));
        let (pg, pd) = (vs_g.root(), vs_d.root());
        let (g, d): (Box<dyn GanNet>, Box<dyn GanNet>) = match m.family {
            Family::Baseline => {
                let c = nets::BaselineConfig {
                    z_dim: z,
                    dim: m.ngf,
                    channels: 3,
                    image_size: size,
                };
                let d: Box<dyn GanNet> = if m.critic {
                    Box::new(nets::baseline_critic(&pd, &c))
                } else {
                    Box::new(nets::baseline_discriminator(&pd, &c))
                };
                (Box::new(nets::baseline_generator(&pg, &c)), d)
            }
            Family::Dcgan | Family::Selu => {
                let c = nets::DcganConfig {
                    z_dim: z,
                    ngf: m.ngf,
                    ndf: m.ndf,
                    channels: 3,
                    image_size: size,
                    sigmoid: m.sigmoid,
                    dropout: m.dropout,
                };
                if m.family == Family::Selu {
                    (
                        Box::new(nets::selu_generator(&pg, &c)),
                        Box::new(nets::selu_discriminator(&pd, &c)),
                    )
                } else if m.spectral_norm {
                    let s = nets::SnganConfig {
                        ndf: m.ndf,
                        channels: 3,
                        image_size: size,
                        ..Default::default()
                    };
                    (
                        Box::new(nets::dcgan_generator(&pg, &c)),
                        Box::new(nets::sn_discriminator(&pd, &s)),
                    )
                } else {
                    (
                        Box::new(nets::dcgan_generator(&pg, &c)),
                        Box::new(nets::dcgan_discriminator(&pd, &c)),
                    )
                }
            }
            Family::TextToImage => {
                let c = nets::TextToImageConfig {
                    z_dim: z,
                    n_classes: width,
                    ngf: m.ngf,
                    ndf: m.ndf,
                    channels: 3,
                    image_size: size,
                    sigmoid: m.sigmoid,
                };
                (
                    Box::new(nets::text_to_image_generator(&pg, &c)),
                    Box::new(nets::text_to_image_discriminator(&pd, &c)),
                )
            }
            Family::Cwgan => {
                let c = nets::CwganConfig {
                    z_dim: z,
                    n_tags: width,
                    ngf: m.ngf,
                    ndf: m.ndf,
                    channels: 3,
                    image_size: size,
                };
                (
                    Box::new(nets::cwgan_generator(&pg, &c)),
                    Box::new(nets::cwgan_critic(&pd, &c)),
                )
            }
            Family::Cgan => {
                let c = nets::CganConfig {
                    z_dim: z,
                    n_classes: width,
                    ngf: m.ngf,
                    ndf: m.ndf,
                    channels: 3,
                    image_size: size,
                    sigmoid: m.sigmoid,
                };
                (
                    Box::new(nets::cgan_generator(&pg, &c)),
                    Box::new(nets::cgan_discriminator(&pd, &c)),
                )
            }
            Family::Mlp => {
                let c = nets::MlpConfig {
                    z_dim: z,
                    hidden: m.hidden.clone(),
                    data_dim: 2,
                    sigmoid: m.sigmoid,
                };
                (
                    Box::new(nets::mlp_generator(&pg, &c)),
                    Box::new(nets::mlp_discriminator(&pd, &c)),
                )
            }
            Family::CycleGan | Family::StarGan => {
                let what = if m.family == Family::CycleGan {
                    "build_cyclegan"
                } else {
                    "build_stargan"
                };
                return Err(Error::setting(
                    format!("{}: model.family", self.source.label),
                    format!("{} has its own trainer: use Experiment::{what}", m.family),
                ));
            }
        };
        Ok((g, vs_g, d, vs_d))
    }

    /// Trainable parameters of G and D (all generators and discriminators for CycleGAN),
    /// built on the CPU: what `gankit check` prints.
    pub fn parameter_counts(&self) -> Result<(i64, i64)> {
        let (vs_g, vs_d) = match self.model.family {
            Family::CycleGan => {
                let gan = self.build_cyclegan(Device::Cpu)?;
                (gan.vs_g, gan.vs_d)
            }
            Family::StarGan => {
                let gan = self.build_stargan(Device::Cpu)?;
                (gan.vs_g, gan.vs_d)
            }
            _ => {
                let (_g, vs_g, _d, vs_d) = self.build_nets(Device::Cpu)?;
                (vs_g, vs_d)
            }
        };
        Ok((count_params(&vs_g), count_params(&vs_d)))
    }

    /// The conditions shown with the fixed noise of a conditional run: one (hair, eye)
    /// combination per sample in order, the 8 attribute sets, or the objects' test conditions.
    pub fn fixed_conditions(&self) -> Result<Option<Tensor>> {
        if !self.model.family.is_conditional() {
            return Ok(None);
        }
        let n = self.train.fixed_samples as usize;
        let combos = combinations();
        let rows: Vec<Vec<usize>> = match (self.data.source, self.data.labels, self.data.format) {
            (DataSource::Objects, _, None) => objects_data::test_conditions(),
            (DataSource::Objects, _, Some(_)) => {
                let test = self
                    .data
                    .path
                    .as_ref()
                    .map(|p| p.join("test.json"))
                    .filter(|p| p.is_file());
                return match test {
                    Some(_) => {
                        let t = crate::data::formats::load_iclevr_test(
                            self.data.path.as_ref().expect("path"),
                        )
                        .map_err(|e| {
                            Error::setting(
                                format!("{}: data.path", self.source.label),
                                e.to_string(),
                            )
                        })?;
                        Ok(Some(cycle_rows(&t, n)))
                    }
                    None => Ok(None),
                };
            }
            (_, _, Some(DataFormat::Celeba)) => return Ok(None),
            (_, FaceLabels::HairEye, _) => (0..combos.len()).map(|i| vec![i]).collect(),
            (_, FaceLabels::Tags, _) => combos.iter().map(|&(h, e)| vec![h, 12 + e]).collect(),
            (_, FaceLabels::Attributes, _) => (0..8)
                .map(|b| (0..3).filter(|k| b >> k & 1 == 1).collect())
                .collect(),
            (_, FaceLabels::None, _) => return Ok(None),
        };
        let width = self.label_width().unwrap_or(0) as usize;
        let mut v = vec![0f32; n * width];
        for i in 0..n {
            for &k in &rows[i % rows.len()] {
                if k < width {
                    v[i * width + k] = 1.0;
                }
            }
        }
        Ok(Some(Tensor::from_slice(&v).view([n as i64, width as i64])))
    }

    /// The networks and the trainer (no data): seeds, fixed noise and conditions, and the
    /// experiment stored in `gan.notes["experiment"]` for checkpoints. A warm-up
    /// (`warmup_steps`, report 002 §3) is applied by [`Experiment::run`]; a loop of your own
    /// sets `gan.config.g_every = exp.g_every_at(step, data.len())` before each step. So is
    /// `train.lr_decay`: a loop of your own sets `gan.config.lr_schedule =
    /// exp.lr_schedule(exp.steps(data.len()))`.
    pub fn build_gan(&self, device: Device) -> Result<BoxedGan> {
        let (g, vs_g, d, vs_d) = self.build_nets(device)?;
        let mut gan = Gan::new(g, vs_g, d, vs_d, self.train.clone())?;
        if let Some(c) = self.fixed_conditions()? {
            gan = gan.with_fixed_conditions(&c)?;
        }
        gan.notes.insert("experiment".into(), self.to_toml());
        gan.notes
            .insert("experiment_file".into(), self.source.label.clone());
        gan.notes
            .insert("variant".into(), mode_word(self.mode).into());
        Ok(gan)
    }

    /// The trainer and the data set on `device`.
    pub fn build(&self, device: Device) -> Result<(BoxedGan, Dataset)> {
        let data = self.load_data()?.to_device(device);
        Ok((self.build_gan(device)?, data))
    }

    /// A few lines saying what this experiment trains.
    pub fn summary(&self) -> String {
        let d = &self.data;
        let data = match &d.path {
            Some(p) => format!(
                "{} at {} ({}), {}×{}",
                d.source,
                p.display(),
                d.format.map_or("?".into(), |f| f.to_string()),
                d.size,
                d.size
            ),
            None if d.source.is_2d() => format!("built-in {} (n {})", d.source, d.n.unwrap_or(0)),
            None => format!(
                "built-in {} {}×{} (n {})",
                d.source,
                d.size,
                d.size,
                d.n.unwrap_or(0)
            ),
        };
        let labels = if self.model.family == Family::StarGan {
            format!(", domains {}", self.star_names(None).join(", "))
        } else if d.labels == FaceLabels::None || d.source != DataSource::Faces {
            String::new()
        } else {
            format!(", labels {}", LabelChoice(d.labels))
        };
        let t = &self.train;
        let length = match self.length {
            Length::Steps(s) => format!("{s} steps"),
            Length::Epochs(e) => match d.n {
                Some(n) if d.path.is_none() => format!("{e} epochs = {} steps", self.steps(n)),
                _ => format!("{e} epochs"),
            },
        };
        let mut s = format!("{} ({})", self.name, mode_word(self.mode));
        if let Some(desc) = &self.description {
            s.push_str(&format!(": {desc}"));
        }
        s.push_str(&format!("\n  data:  {data}{labels}"));
        let model = match (&self.translation, self.model.family) {
            (Some(Translation::Cycle { nets, .. }), _) => format!(
                " ngf {} ndf {}, {} ResNet blocks, {:?} norm, PatchGAN of {} layers",
                nets.ngf, nets.ndf, nets.n_blocks, nets.norm, nets.d_layers
            ),
            (Some(Translation::Star { nets, .. }), _) => format!(
                " conv_dim {}, {} residual blocks, D of {} stride-2 convs, {} domains",
                nets.conv_dim, nets.g_repeat, nets.d_repeat, nets.c_dim
            ),
            (None, Family::Mlp) => format!(" hidden {:?}", self.model.hidden),
            (None, Family::Baseline) => format!(
                " dim {}{}",
                self.model.ngf,
                if self.model.critic {
                    ", critic (no BatchNorm, no Sigmoid)"
                } else {
                    ""
                }
            ),
            (None, _) => format!(" ngf {} ndf {}", self.model.ngf, self.model.ndf),
        };
        s.push_str(&format!("\n  model: {}{model}", self.model.family));
        let opts = if t.optimizers.g == t.optimizers.d {
            format!("{} for G and D", t.optimizers.g)
        } else {
            t.optimizers.to_string()
        };
        let labels = if t.loss.labels == Labels::Hard {
            String::new()
        } else {
            format!(", labels {:?}", t.loss.labels)
        };
        let weights = if (t.loss.real_weight, t.loss.fake_weight) == (1.0, 1.0) {
            String::new()
        } else {
            format!(
                ", D loss weights real {} fake {}",
                t.loss.real_weight, t.loss.fake_weight
            )
        };
        s.push_str(&format!(
            "\n  train: {}{labels}{weights}; {opts}; D:G {}:{}, G every {}",
            t.loss.loss, t.d_steps, t.g_steps, t.g_every
        ));
        match &self.translation {
            Some(Translation::Cycle { config, .. }) => s.push_str(&format!(
                ", λ_cyc {}, λ_idt {}, pool {}",
                config.lambda_cycle, config.lambda_identity, config.pool_size
            )),
            Some(Translation::Star { config, .. }) => s.push_str(&format!(
                ", λ_cls {}, λ_rec {}, λ_gp {}",
                config.lambda_cls,
                config.lambda_rec,
                config.gradient_penalty.map_or(0.0, |g| g.lambda)
            )),
            None => {}
        }
        if let Some(w) = self.warmup {
            s.push_str(&format!(
                " (every step for the first {})",
                match w {
                    Length::Steps(s) => format!("{s} steps"),
                    Length::Epochs(e) => format!("{e} epochs"),
                }
            ));
        }
        if t.order == UpdateOrder::GFirst {
            s.push_str(", G first");
        }
        if let Some(f) = self.lr_decay {
            s.push_str(&format!(
                "; rates falling linearly to 0 over the last {:.0} % of the run",
                f * 100.0
            ));
        }
        s.push_str(&format!(
            "; batch {}, {length}, seed {}",
            t.batch_size, t.seed
        ));
        if t.penalty != Penalty::None {
            s.push_str(&format!(", {:?}", t.penalty));
        }
        if let Some(c) = t.clip {
            s.push_str(&format!(", clip ±{}", c.c));
        }
        s.push_str(&format!("\n  out:   {}", self.output.dir.display()));
        s
    }
}

fn mode_word(m: Mode) -> &'static str {
    match m {
        Mode::Full => "full",
        Mode::Quick => "quick",
        Mode::Smoke => "smoke",
    }
}

fn cycle_rows(t: &Tensor, n: usize) -> Tensor {
    let rows = t.size()[0].max(1);
    t.index_select(
        0,
        &Tensor::arange(n as i64, (Kind::Int64, t.device())).remainder(rows),
    )
}

fn count_params(vs: &nn::VarStore) -> i64 {
    vs.trainable_variables()
        .iter()
        .map(Tensor::numel)
        .sum::<usize>() as i64
}

// -------------------------------------------------------------------------- the command line

/// What `gankit train` did.
#[derive(Debug)]
pub struct RunSummary {
    /// The run folder.
    pub dir: PathBuf,
    /// Steps done in all (resumed ones included).
    pub steps: usize,
    /// Files written (grids, plots, history, checkpoints).
    pub files: Vec<PathBuf>,
    /// Seconds spent training in this process.
    pub seconds: f64,
}

/// A progress bar on stderr when it is a terminal, and a plain line every `every` steps on
/// stdout.
struct Progress {
    tty: bool,
    first: usize,
    total: usize,
    every: usize,
    t0: Instant,
    drawn: Option<Instant>,
    last: Option<StepRecord>,
}

impl Progress {
    fn new(first: usize, total: usize, every: usize) -> Self {
        // SAFETY: isatty only reads the descriptor's state.
        let tty = unsafe { libc::isatty(2) } == 1;
        Progress {
            tty,
            first,
            total,
            every,
            t0: Instant::now(),
            drawn: None,
            last: None,
        }
    }

    fn rate_eta(&self, step: usize) -> (f64, f64) {
        let rate = (step - self.first) as f64 / self.t0.elapsed().as_secs_f64().max(1e-9);
        (rate, (self.total - step) as f64 / rate.max(1e-9))
    }

    fn update(&mut self, r: &StepRecord) {
        let (rate, eta) = self.rate_eta(r.step);
        if self.every > 0 && (r.step % self.every == 0 || r.step == self.total) {
            self.line(&format!("{r}  {rate:.1} steps/s  ETA {}", clock(eta)));
        }
        self.last = Some(r.clone());
        let due = match self.drawn {
            None => true,
            Some(t) => t.elapsed().as_millis() >= 100,
        };
        if self.tty && (due || r.step == self.total) {
            self.draw();
        }
    }

    fn draw(&mut self) {
        let Some(r) = &self.last else { return };
        let (rate, eta) = self.rate_eta(r.step);
        let frac = r.step as f64 / self.total.max(1) as f64;
        let filled = (frac * 30.0).round() as usize;
        let loss =
            |name: &str, v: Option<f64>| v.map(|v| format!("  {name} {v:.3}")).unwrap_or_default();
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r[{}{}] {}/{} {:3.0}%{}{}  {rate:.1} steps/s  ETA {}\x1b[K",
            "#".repeat(filled.min(30)),
            "-".repeat(30 - filled.min(30)),
            r.step,
            self.total,
            100.0 * frac,
            loss("D", r.d_loss),
            loss("G", r.g_loss),
            clock(eta)
        );
        let _ = err.flush();
        self.drawn = Some(Instant::now());
    }

    /// A line on stdout, above the bar.
    fn line(&mut self, s: &str) {
        if self.tty && self.drawn.is_some() {
            eprint!("\r\x1b[K");
        }
        println!("{s}");
        let _ = std::io::stdout().flush();
        if self.tty && self.drawn.is_some() {
            self.draw();
        }
    }

    fn finish(&mut self) {
        if self.tty && self.drawn.is_some() {
            eprintln!();
        }
    }
}

fn clock(secs: f64) -> String {
    if !secs.is_finite() {
        return "?".into();
    }
    let s = secs.round() as u64;
    if s >= 3600 {
        format!("{}h{:02}m", s / 3600, s / 60 % 60)
    } else if s >= 60 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

/// Leaves in `a` and `b` that differ, ignoring `[output]` and the training length.
fn first_difference(a: &Table, b: &Table) -> Option<(String, String, String)> {
    let flat = |t: &Table| {
        let mut v = Vec::new();
        leaves("", &Value::Table(t.clone()), &mut v);
        v.into_iter()
            .filter(|(k, _)| {
                !k.starts_with("output.")
                    && !matches!(
                        k.as_str(),
                        "train.steps" | "train.epochs" | "description" | "name"
                    )
            })
            .collect::<BTreeMap<String, Value>>()
    };
    let (fa, fb) = (flat(a), flat(b));
    let keys: std::collections::BTreeSet<&String> = fa.keys().chain(fb.keys()).collect();
    for k in keys {
        let (va, vb) = (fa.get(k), fb.get(k));
        if va != vb {
            let show = |v: Option<&Value>| v.map_or("(unset)".to_string(), short);
            return Some((k.clone(), show(va), show(vb)));
        }
    }
    None
}

impl Experiment {
    /// Trains as `gankit train` does: device chosen automatically, the data, then steps with a
    /// progress bar, a grid of the fixed noise every `grid_every` steps, a checkpoint every
    /// `checkpoint_every` and at the end, then `history.csv` and the loss and score plots.
    /// `resume` continues from the newest checkpoint in the run folder; without it a folder
    /// that already holds checkpoints is refused.
    pub fn run(&self, resume: bool) -> Result<RunSummary> {
        let device = crate::device::try_device()?;
        let out = self.output.dir.clone();
        let existing = latest_checkpoint(&out)?;
        match (&existing, resume) {
            (None, true) => return Err(Error::setting("--resume", format!("no checkpoint in {} to resume from", out.display()))),
            (Some(c), false) => {
                return Err(Error::setting(
                    out.display().to_string(),
                    format!("already holds a run (newest checkpoint {}): add --resume to continue it, or --out DIR to start another", c.file_name().unwrap_or_default().to_string_lossy()),
                ))
            }
            _ => {}
        }
        println!("gankit train {}", self.summary());
        println!("device: {}", crate::device::device_info());
        let t_data = Instant::now();
        let mut runner: Box<dyn Runner + '_> = match &self.translation {
            Some(Translation::Cycle { .. }) => Box::new(CycleRun::new(self, device)?),
            Some(Translation::Star { .. }) => Box::new(StarRun::new(self, device)?),
            None => Box::new(GanRun::new(self, device)?),
        };
        println!(
            "data: {} ({:.1} s)",
            runner.data_line(),
            t_data.elapsed().as_secs_f64()
        );
        let (g, d) = runner.parameters();
        println!("networks: G {g} parameters, D {d} parameters");
        let total = runner.total();
        runner.set_lr_schedule(self.lr_schedule(total));
        std::fs::create_dir_all(&out).map_err(|e| Error::io(&out, e))?;
        let exp_path = out.join("experiment.toml");
        if let Some(ckpt) = &existing {
            let info = read_info(ckpt)?;
            let json = ckpt.join("checkpoint.json");
            let (saved, from) = match info
                .get("notes")
                .and_then(|n| n.get("experiment"))
                .and_then(|e| e.as_str())
            {
                Some(text) => (text.to_string(), json.display().to_string()),
                None => (
                    std::fs::read_to_string(&exp_path).map_err(|e| Error::io(&exp_path, e))?,
                    exp_path.display().to_string(),
                ),
            };
            let saved: Table = saved.parse().map_err(|e| syntax_error(&from, &e))?;
            if let Some((key, then, now)) = first_difference(&saved, &self.effective) {
                return Err(Error::setting("--resume", format!("{} was trained with {key} = {then}, the experiment now says {now}; start another run with --out DIR", ckpt.display())));
            }
            let step = info.get("step").and_then(|s| s.as_u64()).unwrap_or(0) as usize;
            runner.resume(ckpt, step)?;
            println!("resumed from {} (step {step})", ckpt.display());
        }
        let header = format!(
            "# The experiment as run: {} ({}), written by gankit train.\n# variant = \"{}\"\n",
            self.source.label,
            mode_word(self.mode),
            mode_word(self.mode)
        );
        crate::viz::display::write_atomically(
            &exp_path,
            format!("{header}{}", self.to_toml()).as_bytes(),
        )?;
        let mut files = vec![exp_path];
        runner.start()?;
        let start = runner.steps_done();
        if start >= total {
            println!(
                "already at step {start} of {total}: nothing to train (raise --steps to continue)"
            );
        }
        let mut progress = Progress::new(start, total, self.output.print_every);
        let t0 = Instant::now();
        let (mut last_grid, mut last_ckpt) = (None, None);
        if start == 0 && self.output.grid_every > 0 && total > 0 {
            files.push(runner.snapshot(&out)?); // the untrained networks
        }
        let mut outcome: Result<()> = Ok(());
        for step in start + 1..=total {
            match runner.step(step) {
                Ok(r) => progress.update(&r),
                Err(e) => {
                    outcome = Err(e);
                    break;
                }
            }
            if self.output.grid_every > 0 && step % self.output.grid_every == 0 {
                files.push(runner.snapshot(&out)?);
                last_grid = Some(step);
            }
            if self.output.checkpoint_every > 0 && step % self.output.checkpoint_every == 0 {
                let p = runner.checkpoint(&out)?;
                progress.line(&format!("checkpoint {}", p.display()));
                files.push(p);
                last_ckpt = Some(step);
            }
        }
        progress.finish();
        let seconds = t0.elapsed().as_secs_f64();
        let done = runner.steps_done();
        if outcome.is_ok() {
            if last_grid != Some(done) && done > 0 {
                files.push(runner.snapshot(&out)?);
            }
            if last_ckpt != Some(done) && done > start {
                files.push(runner.checkpoint(&out)?);
            }
        }
        files.extend(self.save_curves(runner.history(), &out)?);
        outcome?;
        if done > start {
            println!(
                "trained steps {}–{done} in {} ({:.2} s/step)",
                start + 1,
                clock(seconds),
                seconds / (done - start) as f64
            );
        }
        println!(
            "wrote {} (grids, loss.png, history.csv, checkpoints step-NNNNNN/)",
            out.display()
        );
        Ok(RunSummary {
            dir: out,
            steps: done,
            files,
            seconds,
        })
    }

    /// history.csv, loss.png and scores.png (D(x), D(G(z)); BCE losses) or wasserstein.png
    /// (E C(x_r) − E C(x_f); the other losses), and terms.png for the trainers that record
    /// named terms (CycleGAN's cycle and identity, StarGAN's classification and
    /// reconstruction).
    fn save_curves(&self, h: &History, out: &Path) -> Result<Vec<PathBuf>> {
        if h.is_empty() {
            return Ok(Vec::new());
        }
        let mut files = vec![h.save_csv(out.join("history.csv"))?];
        let smooth = |p: LinePlot| if h.len() >= 200 { p.smooth(0.9) } else { p };
        files.push(
            smooth(h.loss_plot(&format!("{}: losses", self.name))).save(out.join("loss.png"))?,
        );
        let w = h.series(|r| r.wasserstein);
        if let Loss::Minimax(o) | Loss::NonSaturating(o) = self.train.loss.loss {
            let what = if o == DOutput::Logit {
                "scores (D's logits)"
            } else {
                "scores"
            };
            files.push(
                smooth(h.score_plot(&format!("{}: {what}", self.name)))
                    .save(out.join("scores.png"))?,
            );
        } else if !w.is_empty() {
            let plot = LinePlot::new(format!("{}: critic gap E C(x_r) − E C(x_f)", self.name))
                .x_label("step")
                .y_label("estimate")
                .line_xy("Wasserstein estimate", w);
            files.push(smooth(plot).save(out.join("wasserstein.png"))?);
        }
        let terms = h.term_names();
        if !terms.is_empty() {
            files.push(
                smooth(h.term_plot(&format!("{}: loss terms", self.name), &terms))
                    .save(out.join("terms.png"))?,
            );
        }
        Ok(files)
    }
}

/// One trainer as `gankit train` drives it.
trait Runner {
    /// "built-in faces 32×32, 4000 samples".
    fn data_line(&self) -> String;
    /// Trainable parameters of G (all generators) and D (all discriminators).
    fn parameters(&self) -> (i64, i64);
    /// Steps in all.
    fn total(&self) -> usize;
    /// Sets the trainer's learning-rate schedule (before a checkpoint is loaded: it is part
    /// of the config a checkpoint must match).
    fn set_lr_schedule(&mut self, schedule: LrSchedule);
    /// Loads the checkpoint saved after `step` steps.
    fn resume(&mut self, ckpt: &Path, step: usize) -> Result<()>;
    /// Opens the batch streams (after a resume: where it stopped).
    fn start(&mut self) -> Result<()>;
    fn steps_done(&self) -> usize;
    /// Step number `step` (the next one).
    fn step(&mut self, step: usize) -> Result<StepRecord>;
    /// Saves the picture of now as `grid-step-NNNNNN.png` (2-D: `field-step-NNNNNN.png`).
    fn snapshot(&self, out: &Path) -> Result<PathBuf>;
    fn checkpoint(&self, out: &Path) -> Result<PathBuf>;
    fn history(&self) -> &History;
}

fn batches_not_started() -> Error {
    Error::setting("batches", "the batch stream was not opened")
}

/// The GAN families: [`Gan`] with boxed networks.
struct GanRun<'e> {
    exp: &'e Experiment,
    gan: BoxedGan,
    data: Dataset,
    batches: Option<crate::data::Batches>,
}

impl<'e> GanRun<'e> {
    fn new(exp: &'e Experiment, device: Device) -> Result<Self> {
        let data = exp.load_data()?.to_device(device);
        Ok(GanRun {
            exp,
            gan: exp.build_gan(device)?,
            data,
            batches: None,
        })
    }
}

impl Runner for GanRun<'_> {
    fn data_line(&self) -> String {
        format!("{}, {} samples", self.data.name, self.data.len())
    }
    fn parameters(&self) -> (i64, i64) {
        (count_params(&self.gan.vs_g), count_params(&self.gan.vs_d))
    }
    fn total(&self) -> usize {
        self.exp.steps(self.data.len())
    }
    fn set_lr_schedule(&mut self, schedule: LrSchedule) {
        self.gan.config.lr_schedule = schedule;
    }
    fn resume(&mut self, ckpt: &Path, step: usize) -> Result<()> {
        self.gan.config.g_every = self.exp.g_every_at(step.max(1), self.data.len());
        self.gan.load_checkpoint(ckpt)?;
        self.gan
            .notes
            .insert("experiment".into(), self.exp.to_toml());
        Ok(())
    }
    fn start(&mut self) -> Result<()> {
        self.batches = Some(self.gan.batches(&self.data)?);
        Ok(())
    }
    fn steps_done(&self) -> usize {
        self.gan.steps_done()
    }
    fn step(&mut self, step: usize) -> Result<StepRecord> {
        self.gan.config.g_every = self.exp.g_every_at(step, self.data.len());
        self.gan
            .step(self.batches.as_mut().ok_or_else(batches_not_started)?)
    }
    fn snapshot(&self, out: &Path) -> Result<PathBuf> {
        let step = self.gan.steps_done();
        if self.exp.data.source.is_2d() {
            let path = out.join(format!("field-step-{step:06}.png"));
            let real = self.data.head(512).x;
            let extent = real.abs().max().double_value(&[]) * 1.3 + 0.5;
            self.gan.field_plot(&real, 512, extent)?.save(&path)
        } else {
            let path = out.join(format!("grid-step-{step:06}.png"));
            ImageGrid::new(&self.gan.fixed_samples())?
                .title(format!("{} · step {step}", self.exp.name))
                .save(&path)
        }
    }
    fn checkpoint(&self, out: &Path) -> Result<PathBuf> {
        self.gan.save_checkpoint(out)
    }
    fn history(&self) -> &History {
        &self.gan.history
    }
}

/// The two domains of a CycleGAN run: training sets and the held-out images shown and scored.
pub struct CycleSets {
    /// Domain A (maps) for training.
    pub a: Dataset,
    /// Domain B (aerial photos) for training.
    pub b: Dataset,
    /// Held-out A images.
    pub test_a: Tensor,
    /// Held-out B images; for the built-in maps, row i is the true pair of `test_a` row i.
    pub test_b: Tensor,
    /// Whether `test_a` and `test_b` are true pairs (the built-in maps).
    pub paired: bool,
}

/// CycleGAN (report 001 §5).
struct CycleRun<'e> {
    exp: &'e Experiment,
    gan: CycleGan,
    sets: CycleSets,
    batches: Option<(crate::data::Batches, crate::data::Batches)>,
}

impl<'e> CycleRun<'e> {
    fn new(exp: &'e Experiment, device: Device) -> Result<Self> {
        let sets = exp.load_domains()?;
        let sets = CycleSets {
            a: sets.a.to_device(device),
            b: sets.b.to_device(device),
            ..sets
        };
        Ok(CycleRun {
            exp,
            gan: exp.build_cyclegan(device)?,
            sets,
            batches: None,
        })
    }
}

impl Runner for CycleRun<'_> {
    fn data_line(&self) -> String {
        format!(
            "A {} ({} images), B {} ({} images)",
            self.sets.a.name,
            self.sets.a.len(),
            self.sets.b.name,
            self.sets.b.len()
        )
    }
    fn parameters(&self) -> (i64, i64) {
        (count_params(&self.gan.vs_g), count_params(&self.gan.vs_d))
    }
    fn total(&self) -> usize {
        self.exp.steps(self.sets.a.len().max(self.sets.b.len()))
    }
    fn set_lr_schedule(&mut self, schedule: LrSchedule) {
        self.gan.config.lr_schedule = schedule;
    }
    fn resume(&mut self, ckpt: &Path, _step: usize) -> Result<()> {
        self.gan.load_checkpoint(ckpt)
    }
    fn start(&mut self) -> Result<()> {
        self.batches = Some(self.gan.batches(&self.sets.a, &self.sets.b)?);
        Ok(())
    }
    fn steps_done(&self) -> usize {
        self.gan.steps_done()
    }
    fn step(&mut self, _step: usize) -> Result<StepRecord> {
        let (a, b) = self.batches.as_mut().ok_or_else(batches_not_started)?;
        self.gan.step(a, b)
    }
    fn snapshot(&self, out: &Path) -> Result<PathBuf> {
        let step = self.gan.steps_done();
        let k = self.sets.test_a.size()[0]
            .min(self.sets.test_b.size()[0])
            .min(4);
        let panel = self.gan.translate_panel(
            &self.sets.test_a.narrow(0, 0, k),
            &self.sets.test_b.narrow(0, 0, k),
        )?;
        let grid = panel
            .grid()?
            .column_labels(["real", "translated", "reconstructed", "identity"])
            .title(format!("{} · step {step}", self.exp.name));
        grid.save(out.join(format!("grid-step-{step:06}.png")))
    }
    fn checkpoint(&self, out: &Path) -> Result<PathBuf> {
        self.gan.save_checkpoint(out)
    }
    fn history(&self) -> &History {
        &self.gan.history
    }
}

/// StarGAN (report 001 §6).
struct StarRun<'e> {
    exp: &'e Experiment,
    gan: StarGan,
    data: Dataset,
    /// Held-out faces shown translated to every domain.
    show: crate::data::Batch,
    batches: Option<crate::data::Batches>,
}

impl<'e> StarRun<'e> {
    fn new(exp: &'e Experiment, device: Device) -> Result<Self> {
        let data = exp.load_data()?;
        let show = exp.star_show_faces(Some(&data), 8)?;
        Ok(StarRun {
            exp,
            gan: exp.build_stargan(device)?,
            data: data.to_device(device),
            show,
            batches: None,
        })
    }
}

impl Runner for StarRun<'_> {
    fn data_line(&self) -> String {
        format!(
            "{}, {} samples, domains: {}",
            self.data.name,
            self.data.len(),
            self.data.label_names.join(", ")
        )
    }
    fn parameters(&self) -> (i64, i64) {
        (count_params(&self.gan.vs_g), count_params(&self.gan.vs_d))
    }
    fn total(&self) -> usize {
        self.exp.steps(self.data.len())
    }
    fn set_lr_schedule(&mut self, schedule: LrSchedule) {
        self.gan.config.lr_schedule = schedule;
    }
    fn resume(&mut self, ckpt: &Path, _step: usize) -> Result<()> {
        self.gan.load_checkpoint(ckpt)
    }
    fn start(&mut self) -> Result<()> {
        self.batches = Some(self.gan.batches(&self.data)?);
        Ok(())
    }
    fn steps_done(&self) -> usize {
        self.gan.steps_done()
    }
    fn step(&mut self, _step: usize) -> Result<StepRecord> {
        self.gan
            .step(self.batches.as_mut().ok_or_else(batches_not_started)?)
    }
    fn snapshot(&self, out: &Path) -> Result<PathBuf> {
        let step = self.gan.steps_done();
        let grid = self
            .exp
            .star_panel(&self.gan, &self.show, &self.data.label_names)?
            .title(format!("{} · step {step}", self.exp.name));
        grid.save(out.join(format!("grid-step-{step:06}.png")))
    }
    fn checkpoint(&self, out: &Path) -> Result<PathBuf> {
        self.gan.save_checkpoint(out)
    }
    fn history(&self) -> &History {
        &self.gan.history
    }
}

impl Experiment {
    /// CycleGAN's two domains: the built-in maps (`data.n` training pairs drawn unpaired, 64
    /// held-out true pairs) or a CycleGAN folder at `data.path`.
    pub fn load_domains(&self) -> Result<CycleSets> {
        let d = &self.data;
        let file = &self.source.label;
        if d.source != DataSource::Maps {
            return Err(Error::setting(
                format!("{file}: data.source"),
                "two domains come from maps (model.family = \"cyclegan\")",
            ));
        }
        match &d.path {
            None => {
                let pairs = crate::data::maps::maps(d.n.unwrap_or(1000), d.size, d.seed);
                let (a, b) = map_domains(&pairs);
                let (test_a, test_b, paired) = self.cycle_test_images()?;
                Ok(CycleSets {
                    a,
                    b,
                    test_a,
                    test_b,
                    paired,
                })
            }
            Some(p) => {
                let c = crate::data::formats::load_cyclegan(p, d.size, d.cache)
                    .map_err(|e| Error::setting(format!("{file}: data.path"), e.to_string()))?;
                let cut = |x: Tensor| match d.n {
                    Some(n) if (n as i64) < x.size()[0] => x.narrow(0, 0, n as i64),
                    _ => x,
                };
                let set = |name: &str, x: Tensor| Dataset {
                    name: format!("{} {name}", p.display()),
                    x,
                    labels: None,
                    label_names: Vec::new(),
                };
                Ok(CycleSets {
                    a: set("trainA", cut(c.train_a)),
                    b: set("trainB", cut(c.train_b)),
                    test_a: c.test_a,
                    test_b: c.test_b,
                    paired: false,
                })
            }
        }
    }

    /// The CycleGAN trainer of a `cyclegan` experiment.
    pub fn build_cyclegan(&self, device: Device) -> Result<CycleGan> {
        match &self.translation {
            Some(Translation::Cycle { nets, config }) => {
                CycleGan::new(nets, config.clone(), device)
            }
            _ => Err(Error::setting(
                format!("{}: model.family", self.source.label),
                format!("{} is not cyclegan", self.model.family),
            )),
        }
    }

    /// The StarGAN trainer of a `stargan` experiment.
    pub fn build_stargan(&self, device: Device) -> Result<StarGan> {
        match &self.translation {
            Some(Translation::Star { nets, config, .. }) => {
                StarGan::new(nets, config.clone(), device)
            }
            _ => Err(Error::setting(
                format!("{}: model.family", self.source.label),
                format!("{} is not stargan", self.model.family),
            )),
        }
    }

    fn star_domains(&self) -> Option<&StarDomains> {
        match &self.translation {
            Some(Translation::Star { domains, .. }) => domains.as_ref(),
            _ => None,
        }
    }

    /// `k` faces StarGAN did not train on, with their labels: built-in faces of another seed,
    /// or the last `k` of a CelebA folder.
    fn star_show_faces(&self, data: Option<&Dataset>, k: usize) -> Result<crate::data::Batch> {
        match self.star_domains() {
            Some(domains) => {
                let held_out =
                    domains.faces(k, self.data.size, self.data.seed.wrapping_add(0x5E1F));
                Ok(crate::data::Batch {
                    x: held_out.x,
                    labels: held_out.labels,
                })
            }
            None => {
                let data = data.ok_or_else(|| {
                    Error::setting("stargan", "CelebA faces to show need the data")
                })?;
                let n = data.len();
                let idx: Vec<i64> = (n.saturating_sub(k)..n).map(|i| i as i64).collect();
                Ok(data.select(&idx))
            }
        }
    }

    /// The domain names: the built-in domains', or the data's label columns.
    fn star_names(&self, data: Option<&Dataset>) -> Vec<String> {
        match (self.star_domains(), data) {
            (Some(d), _) => d.names(),
            (None, Some(data)) => data.label_names.clone(),
            (None, None) => self
                .data
                .hair
                .iter()
                .map(|h| format!("{h} hair"))
                .chain(self.data.attributes.iter().cloned())
                .collect(),
        }
    }

    /// CycleGAN's held-out images (A, B, whether they are true pairs), without the training
    /// sets: the built-in maps' 64 held-out pairs, or the folder's testA/testB.
    fn cycle_test_images(&self) -> Result<(Tensor, Tensor, bool)> {
        let d = &self.data;
        match &d.path {
            None => {
                let test = crate::data::maps::maps(64, d.size, d.seed.wrapping_add(0x7E57));
                Ok((test.maps, test.aerial, true))
            }
            Some(_) => {
                let sets = self.load_domains()?;
                Ok((sets.test_a, sets.test_b, sets.paired))
            }
        }
    }

    /// For each label column, the targets that change it: the built-in domains' (one hair
    /// colour of the group, or an attribute flipped), or for CelebA each column flipped.
    fn star_targets(&self, c_org: &Tensor) -> Vec<Tensor> {
        // StarDomains::targets reads only the group sizes, so it serves CelebA's columns too
        let groups = StarDomains {
            hair: vec![0; self.data.hair.len()],
            attributes: vec![0; self.data.attributes.len()],
        };
        self.star_domains().unwrap_or(&groups).targets(c_org)
    }

    /// StarGAN's CelebA columns: each name of `data.hair` and `data.attributes` as the folder's
    /// `list_attr_celeba.txt` has it, or its CelebA name (black → Black_Hair, blonde →
    /// Blond_Hair, glasses → Eyeglasses, blush → Rosy_Cheeks, smile → Smiling).
    fn celeba_columns(&self, root: &Path) -> Result<Vec<String>> {
        let file = &self.source.label;
        let list = root.join("list_attr_celeba.txt");
        let text = std::fs::read_to_string(&list).map_err(|e| {
            Error::setting(
                format!("{file}: data.path"),
                Error::io(&list, e).to_string(),
            )
        })?;
        let header: Vec<&str> = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .nth(1)
            .unwrap_or_default()
            .split_whitespace()
            .collect();
        let celeba_name = |n: &str, hair: bool| -> String {
            if hair {
                let c = if n == "blonde" { "blond" } else { n };
                let mut chars = c.chars();
                let cap: String = chars
                    .next()
                    .map(|f| f.to_uppercase().chain(chars).collect())
                    .unwrap_or_default();
                format!("{cap}_Hair")
            } else {
                match n {
                    "glasses" => "Eyeglasses".into(),
                    "blush" => "Rosy_Cheeks".into(),
                    "smile" => "Smiling".into(),
                    other => other.into(),
                }
            }
        };
        let mut out = Vec::new();
        for (key, names, hair) in [
            ("data.hair", &self.data.hair, true),
            ("data.attributes", &self.data.attributes, false),
        ] {
            for n in names {
                let mapped = celeba_name(n, hair);
                let found = [n.clone(), mapped.clone()]
                    .into_iter()
                    .find(|c| header.contains(&c.as_str()));
                match found {
                    Some(c) => out.push(c),
                    None => {
                        return Err(Error::setting(
                            format!("{file}: {key}"),
                            format!(
                                "{n:?}: {} has no such column (nor {mapped:?})",
                                list.display()
                            ),
                        ))
                    }
                }
            }
        }
        Ok(out)
    }

    /// One row per input face: the input, then its translation to each domain.
    fn star_panel(
        &self,
        gan: &StarGan,
        show: &crate::data::Batch,
        names: &[String],
    ) -> Result<ImageGrid> {
        let c = show
            .labels
            .as_ref()
            .ok_or_else(|| Error::setting("stargan", "the faces shown need labels"))?;
        let outs = gan.translate(&show.x, &self.star_targets(c))?;
        let n = show.x.size()[0];
        let x = show.x.to_device(Device::Cpu);
        let mut tiles = Vec::new();
        for i in 0..n {
            tiles.push(x.get(i));
            tiles.extend(outs.iter().map(|o| o.get(i).to_device(Device::Cpu)));
        }
        let columns =
            std::iter::once("input".to_string()).chain(names.iter().map(|m| format!("→ {m}")));
        Ok(ImageGrid::new(&Tensor::stack(&tiles, 0))?
            .columns(1 + outs.len())
            .column_labels(columns))
    }
}

// ----------------------------------------------------------------------- sample and evaluate

/// The checkpoint folder for `path`: the folder itself, or the newest checkpoint in a run
/// folder.
fn checkpoint_dir(path: &Path) -> Result<PathBuf> {
    if path.join("checkpoint.json").is_file() {
        return Ok(path.to_path_buf());
    }
    if !path.exists() {
        return Err(Error::setting(
            "--checkpoint",
            format!("{}: no such folder", path.display()),
        ));
    }
    latest_checkpoint(path)?.ok_or_else(|| {
        Error::setting(
            "--checkpoint",
            format!(
                "{}: neither a checkpoint (checkpoint.json) nor a run folder holding one",
                path.display()
            ),
        )
    })
}

/// A trained network read back from a checkpoint: G for the GAN families (no D, no training
/// state), the whole trainer's networks for CycleGAN and StarGAN (their weights only).
enum Loaded {
    Gan {
        g: Box<dyn GanNet>,
        /// The conditions the run showed with its fixed noise.
        fixed_c: Option<Tensor>,
    },
    Cycle(Box<CycleGan>),
    Star(Box<StarGan>),
}

struct Trained {
    exp: Experiment,
    net: Loaded,
    dir: PathBuf,
    step: u64,
    device: Device,
}

/// Loads a store's variables from a checkpoint file.
fn load_store(vs: &mut nn::VarStore, path: &Path) -> Result<()> {
    vs.load(path)
        .map_err(|e| Error::torch(format!("loading {}", path.display()), e))
}

impl Trained {
    /// The checkpoint's experiment (from checkpoint.json's notes, or the run folder's
    /// experiment.toml for the trainers that keep no notes) and its weights.
    fn load(path: &Path) -> Result<Trained> {
        let dir = checkpoint_dir(path)?;
        let info = read_info(&dir)?;
        let json = dir.join("checkpoint.json");
        let notes = info.get("notes");
        let run_toml = dir
            .parent()
            .unwrap_or(Path::new("."))
            .join("experiment.toml");
        let (text, label) = match notes
            .and_then(|n| n.get("experiment"))
            .and_then(|e| e.as_str())
        {
            Some(t) => (
                t.to_string(),
                format!("{} (notes.experiment)", json.display()),
            ),
            None if run_toml.is_file() => (
                std::fs::read_to_string(&run_toml).map_err(|e| Error::io(&run_toml, e))?,
                run_toml.display().to_string(),
            ),
            None => {
                return Err(Error::data(&json, None, "notes.experiment is missing and there is no experiment.toml beside it: this checkpoint was not written by gankit train"));
            }
        };
        let mut exp = Experiment::from_text(&text, &label, "experiment", false)?;
        let variant = notes
            .and_then(|n| n.get("variant"))
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .or_else(|| {
                text.lines().find_map(|l| {
                    l.strip_prefix("# variant = ")
                        .map(|v| v.trim_matches('"').to_string())
                })
            });
        exp.mode = match variant.as_deref() {
            Some("quick") => Mode::Quick,
            Some("smoke") => Mode::Smoke,
            _ => Mode::Full,
        };
        let device = crate::device::try_device()?;
        let (g_path, d_path) = (dir.join("g.safetensors"), dir.join("d.safetensors"));
        let net = match &exp.translation {
            Some(Translation::Cycle { .. }) => {
                let mut gan = exp.build_cyclegan(device)?;
                load_store(&mut gan.vs_g, &g_path)?;
                Loaded::Cycle(Box::new(gan))
            }
            Some(Translation::Star { .. }) => {
                let mut gan = exp.build_stargan(device)?;
                load_store(&mut gan.vs_g, &g_path)?;
                load_store(&mut gan.vs_d, &d_path)?; // D's domain classifier scores the edits
                Loaded::Star(Box::new(gan))
            }
            None => {
                let (g, mut vs_g, _d, _vs_d) = exp.build_nets(device)?;
                load_store(&mut vs_g, &g_path)?;
                let state = dir.join("state.safetensors");
                let saved_c = if exp.model.family.is_conditional() && state.is_file() {
                    Tensor::read_safetensors(&state)
                        .map_err(|e| Error::torch(format!("reading {}", state.display()), e))?
                        .into_iter()
                        .find(|(k, _)| k == "fixed_c")
                        .map(|(_, t)| t.to_device(device))
                } else {
                    None
                };
                let fixed_c = match saved_c {
                    Some(c) => Some(c),
                    None => exp.fixed_conditions()?.map(|c| c.to_device(device)),
                };
                Loaded::Gan { g, fixed_c }
            }
        };
        let step = info.get("step").and_then(|s| s.as_u64()).unwrap_or(0);
        Ok(Trained {
            exp,
            net,
            dir,
            step,
            device,
        })
    }

    fn fixed_c(&self) -> Option<&Tensor> {
        match &self.net {
            Loaded::Gan { fixed_c, .. } => fixed_c.as_ref(),
            _ => None,
        }
    }

    /// `n` samples from new noise (in chunks of 250; G in training mode, as the grids were
    /// drawn), with `conditions` (cycled) for a conditional G.
    fn generate(&self, n: usize, conditions: Option<&Tensor>) -> Tensor {
        let mut parts = Vec::new();
        let chunks = n.div_ceil(250).max(1);
        let mut done = 0;
        for i in 0..chunks {
            // even chunks (none of 1: G's BatchNorm1d needs two samples in training mode)
            let k = n / chunks + usize::from(i < n % chunks);
            let z = Tensor::randn([k as i64, self.exp.train.z_dim], (Kind::Float, self.device));
            let c = conditions.map(|c| {
                let rows = c.size()[0];
                let idx = (Tensor::arange(k as i64, (Kind::Int64, self.device)) + done as i64)
                    .remainder(rows);
                c.to_device(self.device).index_select(0, &idx)
            });
            let Loaded::Gan { g, .. } = &self.net else {
                unreachable!("generate is for the GAN families")
            };
            parts.push(tch::no_grad(|| g.forward_gan(&z, c.as_ref(), true)).to_device(Device::Cpu));
            done += k;
        }
        Tensor::cat(&parts, 0)
    }
}

/// The generator seed of `sample` and `eval`: mixed so that it never replays the run's own
/// fixed noise (drawn right after seeding with the run's seed).
fn sampling_seed(seed: u64) -> i64 {
    ((seed ^ 0x7361_6d70_6c65).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 1) as i64
}

/// `gankit sample`: `n` samples from a checkpoint's G (rebuilt from the experiment stored in
/// its checkpoint.json; nothing is trained) saved as a PNG grid, or for 2-D data a scatter over
/// the real data. Default output: `<run folder>/samples-step-NNNNNN.png`.
pub fn sample_checkpoint(
    checkpoint: impl AsRef<Path>,
    n: usize,
    out: Option<&Path>,
    seed: u64,
) -> Result<PathBuf> {
    if n < 2 {
        return Err(Error::setting(
            "--n",
            format!("must be at least 2 (G's BatchNorm needs a batch), got {n}"),
        ));
    }
    let t = Trained::load(checkpoint.as_ref())?;
    tch::manual_seed(sampling_seed(seed));
    let path = match out {
        Some(p) => p.to_path_buf(),
        None => t
            .dir
            .parent()
            .unwrap_or(Path::new("."))
            .join(format!("samples-step-{:06}.png", t.step)),
    };
    match &t.net {
        Loaded::Cycle(gan) => {
            let (test_a, test_b, _) = t.exp.cycle_test_images()?;
            let k = (n as i64)
                .min(16)
                .min(test_a.size()[0])
                .min(test_b.size()[0]);
            let panel = gan.translate_panel(&test_a.narrow(0, 0, k), &test_b.narrow(0, 0, k))?;
            return panel
                .grid()?
                .column_labels(["real", "translated", "reconstructed", "identity"])
                .save(&path);
        }
        Loaded::Star(gan) => {
            let data = if t.exp.star_domains().is_some() {
                None
            } else {
                Some(t.exp.load_data()?)
            };
            let show = t.exp.star_show_faces(data.as_ref(), n.min(16))?;
            let names = t.exp.star_names(data.as_ref());
            return t.exp.star_panel(gan, &show, &names)?.save(&path);
        }
        Loaded::Gan { .. } => {}
    }
    let x = t.generate(n, t.fixed_c());
    if t.exp.data.source.is_2d() {
        let real = t.exp.load_data()?.head(1000).x;
        let r = real.abs().max().double_value(&[]) * 1.3 + 0.5;
        FieldPlot::new(
            format!("{} · step {} · {n} samples", t.exp.name, t.step),
            (-r, r),
            (-r, r),
        )
        .real(&real)?
        .fake(&x)?
        .save(&path)
    } else {
        ImageGrid::new(&x)?.save(&path)
    }
}

/// What `gankit eval` prints: one row per number, generated samples against real data.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalReport {
    /// What was evaluated.
    pub title: String,
    /// The column names: ("metric", "generated", "real data"), or for CycleGAN
    /// ("metric", "translated", "input unchanged").
    pub header: (String, String, String),
    /// (metric, generated, real data).
    pub rows: Vec<(String, String, String)>,
    /// Remarks printed under the table.
    pub notes: Vec<String>,
}

impl fmt::Display for EvalReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.title)?;
        let all: Vec<&(String, String, String)> =
            std::iter::once(&self.header).chain(&self.rows).collect();
        let w0 = all.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
        let w1 = all.iter().map(|r| r.1.chars().count()).max().unwrap_or(0);
        let w2 = all.iter().map(|r| r.2.chars().count()).max().unwrap_or(0);
        let pad =
            |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(s.chars().count())));
        for (i, r) in all.iter().enumerate() {
            writeln!(
                f,
                "| {} | {} | {} |",
                pad(&r.0, w0),
                pad(&r.1, w1),
                pad(&r.2, w2)
            )?;
            if i == 0 {
                writeln!(
                    f,
                    "|{}|{}|{}|",
                    "-".repeat(w0 + 2),
                    "-".repeat(w1 + 2),
                    "-".repeat(w2 + 2)
                )?;
            }
        }
        for n in &self.notes {
            writeln!(f, "{n}")?;
        }
        Ok(())
    }
}

/// `gankit eval`: the evaluators that fit the checkpoint's data, on `n` samples (default:
/// 2,000 faces, 8 per objects test condition, 2,500 points), with the same numbers for real
/// (built-in) data beside them: faces → face rate, distinct hair/eye combinations and KL from
/// the data (and tag accuracy when conditional); objects → the i-CLEVR accuracy on the fixed
/// test conditions; 2-D mixtures → modes captured and high-quality samples.
pub fn eval_checkpoint(checkpoint: impl AsRef<Path>, n: Option<usize>) -> Result<EvalReport> {
    if let Some(n) = n.filter(|&n| n < 2) {
        return Err(Error::setting(
            "--n",
            format!("must be at least 2 (G's BatchNorm needs a batch), got {n}"),
        ));
    }
    let t = Trained::load(checkpoint.as_ref())?;
    let exp = &t.exp;
    let d = &exp.data;
    let title = format!(
        "{} ({}), step {} — {}",
        exp.name,
        mode_word(exp.mode),
        t.step,
        t.dir.display()
    );
    let header = (
        "metric".to_string(),
        "generated".to_string(),
        "real data".to_string(),
    );
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    let pct = |v: f64| format!("{:.1} %", 100.0 * v);
    tch::manual_seed(sampling_seed(0));
    match &t.net {
        Loaded::Cycle(gan) => return eval_cyclegan(&t, gan, n, title),
        Loaded::Star(gan) => return eval_stargan(&t, gan, n, title),
        Loaded::Gan { .. } => {}
    }
    if let Some(p) = &d.path {
        notes.push(format!("data.path is {}: the evaluators were trained on gankit's built-in data, so the real column shows built-in data", p.display()));
    }
    if d.source.is_2d() {
        let Some(mixture) = d.source.mixture() else {
            notes.push("no evaluator for the swiss roll (it has no modes to count); look at `gankit sample`".into());
            return Ok(EvalReport {
                title,
                header,
                rows,
                notes,
            });
        };
        let n = n.unwrap_or(2500);
        let fake = t.generate(n, None);
        let real = mixture.sample(n, 12_345).x;
        let (f, r) = (
            mode_coverage(&fake, &mixture)?,
            mode_coverage(&real, &mixture)?,
        );
        rows.push((
            "modes captured".into(),
            format!("{} of {}", f.captured, f.modes),
            format!("{} of {}", r.captured, r.modes),
        ));
        rows.push((
            "high-quality samples (≤ 3 std)".into(),
            pct(f.high_quality),
            pct(r.high_quality),
        ));
        rows.push(("samples".into(), n.to_string(), n.to_string()));
        return Ok(EvalReport {
            title,
            header,
            rows,
            notes,
        });
    }
    if d.size < 32 {
        return Err(Error::setting(
            "eval",
            format!(
                "the evaluators need images of at least 32×32; this run's are {}×{}",
                d.size, d.size
            ),
        ));
    }
    let cpu = Device::Cpu;
    match d.source {
        DataSource::Objects => {
            let n = n.unwrap_or(8 * 32);
            let conds = objects_data::multi_hot(&objects_data::test_conditions());
            let cycled = cycle_rows(&conds, n);
            let fake = t.generate(n, Some(&cycled));
            let eval = ObjectEvaluator::builtin(cpu)?;
            let acc = eval.accuracy(&fake, &cycled)?;
            let real = objects_data::objects(n, d.size, 54_321);
            let racc =
                eval.accuracy(&real.x, real.labels.as_ref().expect("objects have labels"))?;
            rows.push((
                "object accuracy (test conditions)".into(),
                format!("{acc:.3}"),
                format!("{racc:.3}"),
            ));
            rows.push(("samples".into(), n.to_string(), n.to_string()));
            notes.push(
                "report 004 scored 0.528 on its 32 test conditions (i-CLEVR, its own classifier)"
                    .into(),
            );
        }
        _ => {
            let n = n.unwrap_or(2000);
            let eval = FaceEvaluator::builtin(cpu)?;
            let cfg = FacesConfig {
                n,
                size: d.size,
                seed: 0xE7A1_0000,
                labels: FaceLabels::None,
            };
            let specs = face_specs(&cfg);
            let real = render_faces(&specs, d.size, cfg.seed);
            let conditional = exp.model.family.is_conditional()
                && matches!(d.labels, FaceLabels::HairEye | FaceLabels::Tags);
            let fake = if conditional {
                // every (hair, eye) combination of the data in turn
                let combos = combinations();
                let width = exp.label_width().unwrap_or(0) as usize;
                let mut v = vec![0f32; n * width];
                let (mut hair, mut eye) = (Vec::with_capacity(n), Vec::with_capacity(n));
                for i in 0..n {
                    let (h, e) = combos[i % combos.len()];
                    let k = if d.labels == FaceLabels::HairEye {
                        vec![i % combos.len()]
                    } else {
                        vec![h, 12 + e]
                    };
                    for k in k {
                        v[i * width + k] = 1.0;
                    }
                    hair.push(h as i64);
                    eye.push(e as i64);
                }
                let c = Tensor::from_slice(&v).view([n as i64, width as i64]);
                let fake = t.generate(n, Some(&c));
                let (h, e, both) = eval.tag_accuracy(
                    &fake,
                    &Tensor::from_slice(&hair),
                    &Tensor::from_slice(&eye),
                )?;
                let rh: Vec<i64> = specs.iter().map(|s| s.hair as i64).collect();
                let re: Vec<i64> = specs.iter().map(|s| s.eye as i64).collect();
                let (rh, re, rboth) =
                    eval.tag_accuracy(&real, &Tensor::from_slice(&rh), &Tensor::from_slice(&re))?;
                rows.push(("hair colour as asked".into(), pct(h), pct(rh)));
                rows.push(("eye colour as asked".into(), pct(e), pct(re)));
                rows.push(("both as asked".into(), pct(both), pct(rboth)));
                fake
            } else {
                t.generate(n, t.fixed_c())
            };
            let (f, r) = (eval.diversity(&fake)?, eval.diversity(&real)?);
            rows.push((
                "faces (evaluator P ≥ 0.5)".into(),
                pct(f.face_rate),
                pct(r.face_rate),
            ));
            rows.push((
                "distinct hair/eye combinations".into(),
                f.combinations.to_string(),
                r.combinations.to_string(),
            ));
            rows.push((
                "KL from the data's combinations".into(),
                format!("{:.3}", f.kl_from_data),
                format!("{:.3}", r.kl_from_data),
            ));
            rows.push(("samples".into(), n.to_string(), n.to_string()));
            if n < 2000 {
                notes.push(format!(
                    "{n} samples: the diversity numbers settle from about 2,000"
                ));
            }
        }
    }
    Ok(EvalReport {
        title,
        header,
        rows,
        notes,
    })
}

/// CycleGAN: on held-out images, the translations against the true pairs (built-in maps)
/// next to the input left unchanged, and the cycle reconstructions against the inputs.
fn eval_cyclegan(
    t: &Trained,
    gan: &CycleGan,
    n: Option<usize>,
    title: String,
) -> Result<EvalReport> {
    let (test_a, test_b, paired) = t.exp.cycle_test_images()?;
    let k = (n.unwrap_or(64) as i64)
        .min(test_a.size()[0])
        .min(test_b.size()[0]);
    let (a, b) = (test_a.narrow(0, 0, k), test_b.narrow(0, 0, k));
    let p = gan.translate_panel(&a, &b)?;
    let cpu = |x: &Tensor| x.to_device(Device::Cpu);
    let score = |x: &Tensor, y: &Tensor| crate::metrics::pairs::pair_score(&cpu(x), &cpu(y));
    let show =
        |s: crate::metrics::pairs::PairScore| format!("L1 {:.3}, PSNR {:.1} dB", s.l1, s.psnr);
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    if paired {
        rows.push((
            "map → aerial vs the true aerial".to_string(),
            show(score(&p.fake_b, &b)?),
            show(score(&a, &b)?),
        ));
        rows.push((
            "aerial → map vs the true map".to_string(),
            show(score(&p.fake_a, &a)?),
            show(score(&b, &a)?),
        ));
    } else {
        notes.push("testA/testB of a folder are not known to be pairs: only the reconstructions are scored".to_string());
    }
    rows.push((
        "A → B → A vs A (cycle)".to_string(),
        show(score(&p.rec_a, &a)?),
        "L1 0, PSNR ∞".to_string(),
    ));
    rows.push((
        "B → A → B vs B (cycle)".to_string(),
        show(score(&p.rec_b, &b)?),
        "L1 0, PSNR ∞".to_string(),
    ));
    rows.push(("image pairs".to_string(), k.to_string(), k.to_string()));
    let header = (
        "metric".to_string(),
        "translated".to_string(),
        "input unchanged".to_string(),
    );
    Ok(EvalReport {
        title,
        header,
        rows,
        notes,
    })
}

/// StarGAN: held-out faces translated to each domain; D's classifier on the edited domain and
/// (built-in faces) the face evaluator's hair colour and face rate, next to the same on the
/// untouched faces with their own labels.
fn eval_stargan(t: &Trained, gan: &StarGan, n: Option<usize>, title: String) -> Result<EvalReport> {
    let exp = &t.exp;
    let data = if exp.star_domains().is_some() {
        None
    } else {
        Some(exp.load_data()?)
    };
    let faces = exp.star_show_faces(data.as_ref(), n.unwrap_or(64))?;
    let names = exp.star_names(data.as_ref());
    let c_org = faces
        .labels
        .as_ref()
        .ok_or_else(|| Error::setting("stargan", "the faces need labels"))?
        .to_kind(Kind::Float);
    let targets = exp.star_targets(&c_org);
    let outs = gan.translate(&faces.x, &targets)?;
    let pct = |v: f64| format!("{:.1} %", 100.0 * v);
    let real_acc = gan.attribute_accuracy(&faces.x, &c_org)?;
    let mut rows = Vec::new();
    for (k, (out, target)) in outs.iter().zip(&targets).enumerate() {
        let acc = gan.attribute_accuracy(out, target)?;
        rows.push((
            format!(
                "→ {}: D's classifier agrees",
                names.get(k).map_or("?", String::as_str)
            ),
            pct(acc[k]),
            pct(real_acc[k]),
        ));
    }
    let mut notes = vec!["D's classifier is StarGAN's own judge (G was trained to satisfy it); the face evaluator is independent".to_string()];
    if let Some(domains) = exp.star_domains() {
        let eval = FaceEvaluator::builtin(Device::Cpu)?;
        let mut hits = Vec::new();
        for (out, target) in outs.iter().zip(&targets).take(domains.hair.len()) {
            if let Some(a) = domains.hair_accuracy(&eval, &out.to_device(Device::Cpu), target)? {
                hits.push(a);
            }
        }
        if !hits.is_empty() {
            let real = domains
                .hair_accuracy(&eval, &faces.x, &c_org)?
                .map_or("—".to_string(), pct);
            rows.push((
                "hair colour as asked (face evaluator)".to_string(),
                pct(hits.iter().sum::<f64>() / hits.len() as f64),
                real,
            ));
        }
        let all = Tensor::cat(
            &outs
                .iter()
                .map(|o| o.to_device(Device::Cpu))
                .collect::<Vec<_>>(),
            0,
        );
        rows.push((
            "faces (evaluator P ≥ 0.5)".to_string(),
            pct(eval.face_rate(&all)?),
            pct(eval.face_rate(&faces.x)?),
        ));
    } else {
        notes.push(
            "CelebA: the face evaluator knows gankit's built-in faces only, so it is not used"
                .to_string(),
        );
    }
    rows.push((
        "faces × targets".to_string(),
        format!("{} × {}", faces.x.size()[0], outs.len()),
        format!("{} (as they are)", faces.x.size()[0]),
    ));
    let header = (
        "metric".to_string(),
        "translated".to_string(),
        "real (own labels)".to_string(),
    );
    Ok(EvalReport {
        title,
        header,
        rows,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Experiment> {
        Experiment::from_str_named(text, "x.toml", "x")
    }

    const MIN: &str = "[model]\nfamily = \"dcgan\"\n[train]\nlr = 2e-4\nsteps = 10\n";

    #[test]
    fn a_minimal_file_takes_the_defaults() {
        let e = parse(MIN).unwrap();
        assert_eq!(e.data.source, DataSource::Faces);
        assert_eq!(e.train.loss.loss, Loss::BCE);
        assert!(e.model.sigmoid);
        assert_eq!(e.output.dir, PathBuf::from("target/runs/x"));
        assert_eq!(
            e.clone().quick().output.dir,
            PathBuf::from("target/runs/x-quick")
        );
        assert_eq!(e.smoke().length, Length::Steps(4));
    }

    #[test]
    fn lr_decay_makes_the_last_share_of_the_run_fall_to_zero() {
        let e =
            parse("[model]\nfamily = \"dcgan\"\n[train]\nlr = 1e-4\nsteps = 10\nlr_decay = 0.25\n")
                .unwrap();
        assert_eq!(
            e.lr_schedule(10),
            LrSchedule::linear(7, 3),
            "⌈0.25 · 10⌉ = 3 steps of decay after 7"
        );
        assert_eq!(
            e.lr_schedule(10).factor(10),
            0.25,
            "the last step at 1/(decay + 1), as the reference's last epoch"
        );
        let constant =
            parse("[model]\nfamily = \"dcgan\"\n[train]\nlr = 1e-4\nsteps = 10\n").unwrap();
        assert_eq!(constant.lr_schedule(10), LrSchedule::Constant);
    }

    #[test]
    fn errors_name_the_file_and_the_key() {
        let cases = [
            ("[model]\nfamily = \"dcgan\"\n[train]\nloss = \"hinj\"\nlr = 1e-4\nsteps = 1\n", "x.toml: train.loss: unknown loss \"hinj\" (known: bce/nonsaturating, minimax, wgan"),
            ("[model]\nfamily = \"dcgan\"\n[train]\nlr = -0.0001\nsteps = 1\n", "x.toml: train.lr: must be ≥ 0, got -0.0001"),
            ("[model]\nfamily = \"dcgan\"\n[train]\nlrr = 1e-4\nsteps = 1\n", "x.toml: train.lrr: unknown key (did you mean \"lr\"?)"),
            ("[model]\nfamily = \"dcgan\"\n[train]\nlr = 1e-4\nbetas = [0.5, 1.5]\nsteps = 1\n", "x.toml: train.betas[1]: must be in [0, 1), got 1.5"),
            ("[model]\nfamily = \"dcgan\"\n[train]\nlr = 1e-4\nsteps = 1\n[quick.train]\nlr = -1\n", "x.toml: quick.train.lr: must be ≥ 0, got -1"),
            ("[model]\nfamily = \"dcgan\"\n[train]\nlr = 1e-4\nsteps = 1\nbatch_size = 0\n", "x.toml: train.batch_size: must be at least 1"),
            ("[model]\nfamily = \"dcgan\"\n[train]\noptimizer = \"rmsprop\"\nlr = 1e-4\nbetas = [0.5, 0.9]\nsteps = 1\n", "x.toml: train.betas: RMSprop has no betas"),
            ("[model]\nfamily = \"dcgan\"\n[train]\nloss = \"wgan\"\nlabels = \"noisy\"\nlr = 1e-4\nsteps = 1\n", "x.toml: train.labels: noisy labels do not apply to wgan"),
            ("[model]\nfamily = \"dcgan\"\n[train]\nlr = 1e-4\n", "x.toml: train.steps: missing"),
            ("[model]\nfamily = \"dcgan\"\n[train]\nlr = 1e-4\nsteps = 1\nlr_decay = 1.5\n", "x.toml: train.lr_decay: must be in (0, 1]"),
            ("[model]\nfamily = \"cyclegan\"\n[train]\nlr = 1e-4\nsteps = 1\n[data]\nsource = \"faces\"\n", "x.toml: data.source: cyclegan translates between two domains"),
            ("[model]\nfamily = \"stargan\"\n[train]\nlr = 1e-4\nsteps = 1\nd_steps = 2\n", "x.toml: train.d_steps: does not apply to family stargan"),
            ("[model]\nfamily = \"stargan\"\n[train]\nlr = 1e-4\nsteps = 1\n[data]\nhair = [\"teal\"]\n", "x.toml: data.hair: unknown hair colour \"teal\""),
            ("[model]\nfamily = \"dcgan\"\n[train]\nlr = 1e-4\nsteps = 1\n[data]\npath = \"/no/such\"\n", "x.toml: data.path: /no/such: no such folder"),
            ("[model]\nfamily = \"dcgan\"\ntrain]\n", "x.toml: TOML parse error at line 3, column"),
        ];
        for (text, want) in cases {
            let e = parse(text).unwrap_err().to_string();
            assert!(e.starts_with(want), "got {e:?}, want {want:?}");
            assert!(!e.contains('\n'), "one line: {e:?}");
        }
    }

    #[test]
    fn quick_steps_replace_epochs_and_overrides_are_named() {
        let e = parse("[model]\nfamily = \"dcgan\"\n[train]\nlr = 1e-4\nepochs = 3\n[quick.train]\nsteps = 7\n").unwrap();
        assert_eq!(e.length, Length::Epochs(3.0));
        assert_eq!(e.steps(6400), 300);
        assert_eq!(e.clone().quick().length, Length::Steps(7));
        let err = e
            .with_setting("train.lr", "-2", "--set train.lr")
            .unwrap_err()
            .to_string();
        assert_eq!(err, "x.toml: --set train.lr: must be ≥ 0, got -2");
    }

    #[test]
    fn image_to_image_families_take_their_trainers_defaults() {
        let e = parse("[model]\nfamily = \"cyclegan\"\n[train]\nlr = 2e-4\nsteps = 10\n").unwrap();
        let Some(Translation::Cycle { nets, config }) = &e.translation else {
            panic!("{e:?}")
        };
        assert_eq!(
            (
                e.data.source,
                config.loss.loss,
                config.batch_size,
                config.lambda_cycle,
                config.pool_size
            ),
            (DataSource::Maps, Loss::Lsgan, 1, 10.0, 50)
        );
        assert!(!nets.sigmoid && nets.n_blocks == 6);
        let e = parse(
            "[model]\nfamily = \"cyclegan\"\n[train]\nloss = \"bce\"\nlr = 2e-4\nsteps = 10\n",
        )
        .unwrap();
        let Some(Translation::Cycle { nets, config }) = &e.translation else {
            panic!()
        };
        assert!(
            nets.sigmoid && config.loss.loss == Loss::BCE,
            "BCE on a Sigmoid-ended PatchGAN, as the report"
        );
        let e = parse("[model]\nfamily = \"stargan\"\n[train]\nlr = 1e-4\nsteps = 10\n").unwrap();
        let Some(Translation::Star {
            nets,
            config,
            domains,
        }) = &e.translation
        else {
            panic!()
        };
        assert_eq!(
            (
                nets.c_dim,
                config.n_critic,
                config.batch_size,
                config.gradient_penalty.map(|g| g.lambda)
            ),
            (5, 5, 16, Some(10.0))
        );
        assert_eq!(domains.as_ref().unwrap(), &StarDomains::default());
    }

    #[test]
    fn the_effective_toml_reads_back_the_same() {
        let e = parse(&format!("{MIN}[quick.data]\nsize = 32\n"))
            .unwrap()
            .quick();
        let back = Experiment::from_text(&e.to_toml(), "back", "x", false).unwrap();
        assert_eq!(
            (back.data, back.model, back.train, back.length),
            (e.data, e.model, e.train, e.length)
        );
    }
}
