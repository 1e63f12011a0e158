//! What an experiment file may hold: the names of each choice ([`Choice`]), one struct per
//! table whose fields are its keys (adding a key is adding a field), and the types of values,
//! which read themselves from TOML with the messages errors show
//! (`expected a whole number, got a string "ten"`).
use super::*;
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, DeserializeOwned, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::marker::PhantomData;

// ------------------------------------------------------------------------------------ choices

/// A closed set of names in a config file.
pub(super) trait Choice: Copy + PartialEq + 'static {
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
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                pick(d)
            }
        }
    };
}

/// A [`Choice`] by one of its names: `unknown loss "hinj" (known: bce/nonsaturating, …)`.
fn pick<'de, T: Choice, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    let Text(s) = Text::deserialize(d)?;
    T::parse(&s).ok_or_else(|| {
        de::Error::custom(format!("unknown {} {s:?} (known: {})", T::WHAT, T::known()))
    })
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
pub(super) struct LabelChoice(pub(super) FaceLabels);
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
pub(super) struct LossChoice(pub(super) Loss);
choices!(LossChoice, "loss", [
    "bce" => LossChoice(Loss::BCE), "nonsaturating" => LossChoice(Loss::BCE),
    "minimax" => LossChoice(Loss::Minimax(DOutput::Probability)), "wgan" => LossChoice(Loss::Wgan),
    "lsgan" => LossChoice(Loss::Lsgan), "hinge" => LossChoice(Loss::Hinge), "rsgan" => LossChoice(Loss::Rsgan),
    "rasgan" => LossChoice(Loss::Rasgan), "ralsgan" => LossChoice(Loss::RaLsgan), "rahinge" => LossChoice(Loss::RaHinge),
]);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct DOutputChoice(pub(super) DOutput);
choices!(DOutputChoice, "D output", ["probability" => DOutputChoice(DOutput::Probability), "logit" => DOutputChoice(DOutput::Logit)]);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum OptKind {
    Adam,
    AdamW,
    RmsProp,
    Sgd,
}
choices!(OptKind, "optimizer", ["adam" => OptKind::Adam, "adamw" => OptKind::AdamW, "rmsprop" => OptKind::RmsProp, "sgd" => OptKind::Sgd]);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct OrderChoice(pub(super) UpdateOrder);
choices!(OrderChoice, "update order", ["d_first" => OrderChoice(UpdateOrder::DFirst), "g_first" => OrderChoice(UpdateOrder::GFirst)]);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PenaltyKind {
    None,
    Gradient,
    OneSidedGradient,
    Dragan,
    R1,
}
choices!(PenaltyKind, "penalty", ["none" => PenaltyKind::None, "gradient" => PenaltyKind::Gradient, "one_sided_gradient" => PenaltyKind::OneSidedGradient, "dragan" => PenaltyKind::Dragan, "r1" => PenaltyKind::R1]);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LabelKind {
    Hard,
    OneSided,
    Noisy,
}
choices!(LabelKind, "label kind", ["hard" => LabelKind::Hard, "one_sided" => LabelKind::OneSided, "noisy" => LabelKind::Noisy]);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct NormChoice(pub(super) CycleGanNorm);
choices!(NormChoice, "normalisation", ["instance" => NormChoice(CycleGanNorm::Instance), "batch" => NormChoice(CycleGanNorm::Batch)]);

// ------------------------------------------------------------------------------------ tables

// One struct per table of the file. Every key is optional (the defaults depend on the family and
// the loss, so they are decided in `rules`); a key the struct lacks is reported by `read`, with
// the nearest known one. The order of the fields is the order of the known keys in that report.

/// The file's top level (the `[quick]` and `[smoke]` tables are laid over it before it is read).
#[derive(Default, Deserialize)]
pub(super) struct Top {
    /// The run's name (default: the file's stem): the run folder is target/runs/<name>.
    pub(super) name: Option<Text>,
    /// One line on what the run shows.
    pub(super) description: Option<Text>,
    pub(super) data: Option<Tbl<DataTable>>,
    pub(super) model: Option<Tbl<ModelTable>>,
    pub(super) train: Option<Tbl<TrainTable>>,
    pub(super) output: Option<Tbl<OutputTable>>,
    /// The quick variant's keys by table (`[quick.train] steps = 400`), laid over the others
    /// before the file is read (so known here, never read).
    #[allow(dead_code)]
    pub(super) quick: Option<Raw>,
    /// The smoke variant's keys, laid over the quick ones.
    #[allow(dead_code)]
    pub(super) smoke: Option<Raw>,
}

/// `[data]`: what to train on.
#[derive(Default, Deserialize)]
pub(super) struct DataTable {
    /// faces | objects | maps (built in) | ring8 | grid25 | swiss_roll (2-D, family mlp);
    /// default maps for cyclegan, else faces.
    pub(super) source: Option<DataSource>,
    /// A real data set's folder (a tags.csv folder, an image folder, CelebA, i-CLEVR or a
    /// CycleGAN folder) in place of the built-in stand-in.
    pub(super) path: Option<Text>,
    /// The folder's format (tagged_faces | image_folder | celeba | iclevr | cyclegan); default
    /// guessed from the source and the folder's files.
    pub(super) format: Option<DataFormat>,
    /// Image width and height, a power of two ≥ 8 (default 64; none for 2-D data).
    pub(super) size: Option<Count<1>>,
    /// Samples to generate (built in, default 10 000), or at most so many to keep (a folder).
    pub(super) n: Option<Count<1>>,
    /// Face labels: none | hair_eye | tags | attributes (default from the family and format).
    pub(super) labels: Option<LabelChoice>,
    /// StarGAN's hair-colour domains: names of the built-in colours (on CelebA also its
    /// columns); default black, blonde, brown.
    pub(super) hair: Option<Strings>,
    /// CelebA's columns to keep (default all 40), or StarGAN's attribute domains: the built-in
    /// faces' glasses, blush, smile (default glasses, smile), CelebA's columns (default Male,
    /// Young).
    pub(super) attributes: Option<Strings>,
    /// Seed of the built-in data (default 0).
    pub(super) seed: Option<Count<0>>,
    /// Cache the decoded images of `path` under target/data-cache (default true).
    pub(super) cache: Option<Flag>,
}

/// `[model]`: the networks and their sizes; which keys apply depends on the family.
#[derive(Default, Deserialize)]
pub(super) struct ModelTable {
    /// baseline | dcgan | selu | text_to_image | cwgan | cgan | mlp | cyclegan | stargan
    /// (required).
    pub(super) family: Option<Family>,
    /// G's width (default 64).
    pub(super) ngf: Option<Whole>,
    /// D's width (default 64).
    pub(super) ndf: Option<Whole>,
    /// The baseline's width of both networks (default 64).
    pub(super) dim: Option<Whole>,
    /// D ends in a Sigmoid (default: for the BCE losses, or as `train.d_output` says).
    pub(super) sigmoid: Option<Flag>,
    /// The baseline's WGAN-GP critic (report 000): no BatchNorm, no Sigmoid.
    pub(super) critic: Option<Flag>,
    /// Dropout in G (dcgan, report 001 tip b; cyclegan: 0 or 0.5), default 0.
    pub(super) dropout: Option<Num>,
    /// SNGAN's spectrally normalised D (dcgan).
    pub(super) spectral_norm: Option<Flag>,
    /// The MLPs' hidden widths (default [128, 128]).
    pub(super) hidden: Option<Ints>,
    /// The label width of a conditional model (checked against the data's).
    pub(super) n_classes: Option<Whole>,
    /// CycleGAN's residual blocks in G (default 6).
    pub(super) n_blocks: Option<Whole>,
    /// CycleGAN's normalisation: instance (default) | batch.
    pub(super) norm: Option<NormChoice>,
    /// CycleGAN's PatchGAN depth (default 3).
    pub(super) d_layers: Option<Whole>,
    /// StarGAN's width of both networks (default 64).
    pub(super) conv_dim: Option<Whole>,
    /// StarGAN's residual blocks in G (default 6).
    pub(super) g_repeat: Option<Whole>,
    /// StarGAN's strided convolutions in D (default log2(size), at most 6).
    pub(super) d_repeat: Option<Whole>,
}

/// `[train]`: the losses, the optimizers and the schedule.
#[derive(Default, Deserialize)]
pub(super) struct TrainTable {
    /// bce/nonsaturating | minimax | wgan | lsgan | hinge | rsgan | rasgan | ralsgan | rahinge
    /// (default bce; cyclegan lsgan, stargan wgan).
    pub(super) loss: Option<LossChoice>,
    /// What D outputs for the BCE losses: probability (a Sigmoid) | logit.
    pub(super) d_output: Option<DOutputChoice>,
    /// adam (default) | adamw | rmsprop | sgd, for both networks unless [train.g] / [train.d]
    /// name their own.
    pub(super) optimizer: Option<OptKind>,
    /// The learning rate (required, here or in [train.g] and [train.d]).
    pub(super) lr: Option<Num>,
    /// Adam's and AdamW's [β1, β2].
    pub(super) betas: Option<Pair>,
    /// Adam's, AdamW's and RMSprop's ε.
    pub(super) eps: Option<Num>,
    /// An L2 term added to the gradient, default 0 (AdamW: decoupled, w ← w − lr·weight_decay·w,
    /// default 0.01).
    pub(super) weight_decay: Option<Num>,
    /// RMSprop's and SGD's momentum.
    pub(super) momentum: Option<Num>,
    /// RMSprop's smoothing constant.
    pub(super) alpha: Option<Num>,
    /// G's own optimizer keys, over the ones above.
    pub(super) g: Option<Tbl<OptTable>>,
    /// D's own optimizer keys, over the ones above.
    pub(super) d: Option<Tbl<OptTable>>,
    /// D updates per step (default 1).
    pub(super) d_steps: Option<Count<0>>,
    /// G updates per step (default 1).
    pub(super) g_steps: Option<Count<0>>,
    /// G updated every so many steps (default 1; stargan's n_critic, default 5).
    pub(super) g_every: Option<Count<0>>,
    /// G updated every step for so many steps first (report 002 §3).
    pub(super) warmup_steps: Option<Count<0>>,
    /// The run's last share (0, 1] over which the rates fall linearly to 0 (0.5: the second
    /// half).
    pub(super) lr_decay: Option<Num>,
    /// The warm-up in epochs rather than steps.
    pub(super) warmup_epochs: Option<Num>,
    /// d_first (default) | g_first.
    pub(super) order: Option<OrderChoice>,
    /// none | gradient | one_sided_gradient | dragan | r1 (default none; stargan gradient).
    pub(super) penalty: Option<PenaltyKind>,
    /// The penalty's weight (default 10).
    pub(super) penalty_weight: Option<Num>,
    /// WGAN's weight clipping bound.
    pub(super) clip: Option<Num>,
    /// D's targets: hard (default) | one_sided | noisy.
    pub(super) labels: Option<LabelKind>,
    /// One-sided smoothing's real target (default 0.9).
    pub(super) real_label: Option<Num>,
    /// Noisy labels' real targets [lo, hi].
    pub(super) real_range: Option<Pair>,
    /// Noisy labels' fake targets [lo, hi].
    pub(super) fake_range: Option<Pair>,
    /// G's loss takes its target from `labels` too, as report 001 §4 fed G its noisy real
    /// labels (default false: G keeps the hard target; bce, minimax and lsgan).
    pub(super) labels_in_g: Option<Flag>,
    /// The weight of D's real term (default 1).
    pub(super) real_weight: Option<Num>,
    /// The weight of D's fake term (default 1).
    pub(super) fake_weight: Option<Num>,
    /// Both weights as [real, fake] (report 004's 3:7).
    pub(super) ratio: Option<Pair>,
    /// Samples per step (default 64; cyclegan 1, stargan 16).
    pub(super) batch_size: Option<Count<0>>,
    /// The run's length in steps (or `epochs`).
    pub(super) steps: Option<Count<1>>,
    /// The run's length in D's passes over the data: steps = ⌈epochs · ⌊n / batch_size⌋ /
    /// d_steps⌉ (cyclegan: n of the larger domain).
    pub(super) epochs: Option<Num>,
    /// The trainer's seed (default 0).
    pub(super) seed: Option<Count<0>>,
    /// The noise width (default 100; cgan 25, mlp 2).
    pub(super) z_dim: Option<Whole>,
    /// Samples in the fixed-noise grids (default 64).
    pub(super) fixed_samples: Option<Whole>,
    /// CycleGAN's cycle-consistency weight (default 10).
    pub(super) lambda_cycle: Option<Num>,
    /// CycleGAN's identity weight, a share of lambda_cycle (default 0.5).
    pub(super) lambda_identity: Option<Num>,
    /// CycleGAN's pool of past fakes for D (default 50).
    pub(super) pool_size: Option<Count<0>>,
    /// StarGAN's domain-classification weight (default 1).
    pub(super) lambda_cls: Option<Num>,
    /// StarGAN's reconstruction weight (default 10).
    pub(super) lambda_rec: Option<Num>,
}

impl TrainTable {
    /// The optimizer keys both networks share.
    pub(super) fn shared_opt(&self) -> OptTable {
        OptTable {
            optimizer: self.optimizer,
            lr: self.lr,
            betas: self.betas,
            eps: self.eps,
            weight_decay: self.weight_decay,
            momentum: self.momentum,
            alpha: self.alpha,
        }
    }
}

/// `[train.g]`, `[train.d]`: one network's optimizer (the keys of [`TrainTable`] of the same
/// names). A table that names its own `optimizer` inherits nothing from `[train]`.
#[derive(Default, Deserialize)]
pub(super) struct OptTable {
    pub(super) optimizer: Option<OptKind>,
    pub(super) lr: Option<Num>,
    pub(super) betas: Option<Pair>,
    pub(super) eps: Option<Num>,
    pub(super) weight_decay: Option<Num>,
    pub(super) momentum: Option<Num>,
    pub(super) alpha: Option<Num>,
}

/// `[output]`: where and how often.
#[derive(Default, Deserialize)]
pub(super) struct OutputTable {
    /// The run folder (default target/runs/<name>, -quick or -smoke added for the variants).
    pub(super) dir: Option<Text>,
    /// A progress line every so many steps (default 100; 0: none).
    pub(super) print_every: Option<Count<0>>,
    /// A grid of the fixed noise every so many steps (default 500; 0: only at the end).
    pub(super) grid_every: Option<Count<0>>,
    /// A checkpoint every so many steps (default 1000; 0: only at the end).
    pub(super) checkpoint_every: Option<Count<0>>,
}

/// The keys a table of the file knows (`train.g`: those of [`OptTable`]), in the order its
/// struct declares them; `None` for a path that is no table.
pub(super) fn known_keys(table: &str) -> Option<&'static [&'static str]> {
    Some(match table {
        "" => shape::<Top>().1,
        "data" => shape::<DataTable>().1,
        "model" => shape::<ModelTable>().1,
        "train" => shape::<TrainTable>().1,
        "train.g" | "train.d" => shape::<OptTable>().1,
        "output" => shape::<OutputTable>().1,
        _ => return None,
    })
}

// ------------------------------------------------------------------------------------ values

// The types of values, each read through `Raw` (the value as the file has it) so that a wrong
// type is reported as the value itself: `expected a whole number, got a string "ten"`.

/// "expected a whole number, got a string \"ten\"".
fn wrong<E: de::Error>(want: &str, v: &Value) -> E {
    E::custom(format!(
        "expected {want}, got {} {}",
        article(v.type_str()),
        short(v)
    ))
}

/// Any value, as TOML has it.
pub(super) struct Raw(pub(super) Value);

/// A whole number.
#[derive(Clone, Copy)]
pub(super) struct Whole(pub(super) i64);

/// A whole number ≥ `MIN`.
#[derive(Clone, Copy)]
pub(super) struct Count<const MIN: i64>(pub(super) usize);

/// A finite number (whole numbers too).
#[derive(Clone, Copy)]
pub(super) struct Num(pub(super) f64);

/// true or false.
#[derive(Clone, Copy)]
pub(super) struct Flag(pub(super) bool);

/// A string.
pub(super) struct Text(pub(super) String);

/// Two numbers [a, b].
#[derive(Clone, Copy)]
pub(super) struct Pair(pub(super) f64, pub(super) f64);

/// A list of whole numbers.
pub(super) struct Ints(pub(super) Vec<i64>);

/// A list of strings.
pub(super) struct Strings(pub(super) Vec<String>);

/// A sub-table, read as `T` (its keys keep their place in the path of errors).
#[derive(Default)]
pub(super) struct Tbl<T>(pub(super) T);

impl<'de> Deserialize<'de> for Whole {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Raw::deserialize(d)?.0 {
            Value::Integer(i) => Ok(Whole(i)),
            Value::Float(f) => Err(de::Error::custom(format!(
                "must be a whole number, got {f}"
            ))),
            v => Err(wrong("a whole number", &v)),
        }
    }
}

impl<'de, const MIN: i64> Deserialize<'de> for Count<MIN> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Whole::deserialize(d)?.0 {
            i if i < MIN => Err(de::Error::custom(format!(
                "must be at least {MIN}, got {i}"
            ))),
            i => Ok(Count(i as usize)),
        }
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Raw::deserialize(d)?.0 {
            Value::Float(f) if f.is_finite() => Ok(Num(f)),
            Value::Float(f) => Err(de::Error::custom(format!(
                "must be a finite number, got {f}"
            ))),
            Value::Integer(i) => Ok(Num(i as f64)),
            v => Err(wrong("a number", &v)),
        }
    }
}

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Raw::deserialize(d)?.0 {
            Value::Boolean(b) => Ok(Flag(b)),
            v => Err(wrong("true or false", &v)),
        }
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Raw::deserialize(d)?.0 {
            Value::String(s) => Ok(Text(s)),
            v => Err(wrong("a string", &v)),
        }
    }
}

/// The items of a list, or the error for a value that is none.
fn list<E: de::Error>(v: Value, want: &str) -> Result<Vec<Value>, E> {
    match v {
        Value::Array(a) => Ok(a),
        v => Err(wrong(want, &v)),
    }
}

impl<'de> Deserialize<'de> for Pair {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let a = list(Raw::deserialize(d)?.0, "two numbers [a, b]")?;
        let nums: Vec<f64> = a
            .iter()
            .filter_map(|v| v.as_float().or(v.as_integer().map(|i| i as f64)))
            .collect();
        match nums[..] {
            [x, y] if a.len() == 2 && x.is_finite() && y.is_finite() => Ok(Pair(x, y)),
            _ => Err(de::Error::custom(format!(
                "expected two numbers [a, b], got {}",
                short(&Value::Array(a))
            ))),
        }
    }
}

impl<'de> Deserialize<'de> for Ints {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let a = list(Raw::deserialize(d)?.0, "a list of whole numbers")?;
        match a.iter().map(Value::as_integer).collect() {
            Some(ints) => Ok(Ints(ints)),
            None => Err(de::Error::custom(format!(
                "expected a list of whole numbers, got {}",
                short(&Value::Array(a))
            ))),
        }
    }
}

impl<'de> Deserialize<'de> for Strings {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let a = list(Raw::deserialize(d)?.0, "a list of strings")?;
        a.into_iter()
            .map(|v| match v {
                Value::String(s) => Ok(s),
                _ => Err(de::Error::custom("expected a list of strings")),
            })
            .collect::<Result<_, _>>()
            .map(Strings)
    }
}

// toml hands a datetime to a visitor as a string unless it asks for toml's own datetime struct;
// `Raw` and `Tbl` ask for it (its name read from `Datetime`'s Deserialize) so that a datetime
// stays one. Any other value comes as usual.
fn datetime_shape() -> (&'static str, &'static [&'static str]) {
    shape::<toml::value::Datetime>()
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (name, fields) = datetime_shape();
        d.deserialize_struct(name, fields, RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a TOML value")
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Raw, E> {
        Ok(Raw(Value::Boolean(b)))
    }

    fn visit_i64<E: de::Error>(self, i: i64) -> Result<Raw, E> {
        Ok(Raw(Value::Integer(i)))
    }

    fn visit_f64<E: de::Error>(self, f: f64) -> Result<Raw, E> {
        Ok(Raw(Value::Float(f)))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Raw, E> {
        Ok(Raw(Value::String(s.to_string())))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut items = Vec::new();
        while let Some(Raw(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Raw(Value::Array(items)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut t = Table::new();
        while let Some(k) = map.next_key::<String>()? {
            if t.is_empty() && datetime_shape().1.contains(&k.as_str()) {
                let s: String = map.next_value()?;
                return s
                    .parse()
                    .map(|d| Raw(Value::Datetime(d)))
                    .map_err(de::Error::custom);
            }
            let Raw(v) = map.next_value()?;
            t.insert(k, v);
        }
        Ok(Raw(Value::Table(t)))
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Tbl<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // a datetime comes as a table of one key, reported as unknown (read.rs names the type)
        let (name, fields) = datetime_shape();
        d.deserialize_struct(name, fields, TblVisitor(PhantomData))
    }
}

struct TblVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for TblVisitor<T> {
    type Value = Tbl<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a table")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Tbl<T>, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(Tbl)
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Tbl<T>, E> {
        Err(wrong("a table", &Value::Boolean(b)))
    }

    fn visit_i64<E: de::Error>(self, i: i64) -> Result<Tbl<T>, E> {
        Err(wrong("a table", &Value::Integer(i)))
    }

    fn visit_f64<E: de::Error>(self, f: f64) -> Result<Tbl<T>, E> {
        Err(wrong("a table", &Value::Float(f)))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Tbl<T>, E> {
        Err(wrong("a table", &Value::String(s.to_string())))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Tbl<T>, A::Error> {
        let Raw(v) = RawVisitor.visit_seq(seq)?;
        Err(wrong("a table", &v))
    }
}

/// The name and fields a type's Deserialize asks a deserializer for (a derived struct: its
/// keys).
pub(super) fn shape<T: DeserializeOwned>() -> (&'static str, &'static [&'static str]) {
    let mut got: (&'static str, &'static [&'static str]) = ("", &[]);
    let _ = T::deserialize(Shape(&mut got));
    got
}

/// A deserializer that only notes the struct asked of it.
struct Shape<'a>(&'a mut (&'static str, &'static [&'static str]));

impl<'de> Deserializer<'de> for Shape<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = (name, fields);
        Err(de::Error::custom("shape noted"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}
