use super::*;

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
