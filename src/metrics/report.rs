//! The evaluation report: what `gankit eval` prints, computed from a trainer in memory. One
//! place for the numbers: a notebook calls [`evaluate`] on its [`Gan`], [`CycleGan`] or
//! [`StarGan`] at any step, and `gankit eval` rebuilds the trainer from a checkpoint and calls
//! the same code.
//!
//! ```no_run
//! use gankit::prelude::*;
//! let exp = Experiment::load("configs/report001_dcgan.toml")?.quick();
//! let mut gan = exp.build(device())?;
//! gan.train(200, TrainOptions::new())?;
//! let report = evaluate(&gan, &Judge::faces(), 2_000)?; // or exp.judge()?: the judge for its data
//! println!("{report}");                                   // the table gankit eval prints
//! let found = report.value("faces found");               // Some(share of faces), for code
//! # Ok::<(), gankit::Error>(())
//! ```
//!
//! A [`Judge`] says what the samples are judged against: the built-in face evaluator
//! ([`Judge::faces`], [`Judge::conditional_faces`]), the object evaluator ([`Judge::objects`]),
//! a 2-D [`Mixture`]'s modes ([`Judge::mixture`]), held-out image pairs for CycleGAN
//! ([`Judge::pairs`], [`Judge::unpaired`]) or held-out faces for StarGAN ([`Judge::star`],
//! [`Judge::star_data`]); `Experiment::judge` gives the one that fits an experiment's data.
//! Every report has a "real data" column beside the generated one: the same numbers on real
//! (built-in) data, the reference a run aims at.
//!
//! The numbers over training, through a hook (see [`Trainer::train`]):
//!
//! ```no_run
//! use gankit::prelude::*;
//! let exp = Experiment::load("configs/report001_dcgan.toml")?.quick();
//! let mut gan = exp.build(device())?;
//! let judge = Judge::faces();
//! gan.train(1_000, TrainOptions::new().every(100, |gan: &mut BoxedGan| {
//!     let r = evaluate(gan, &judge, 500)?;
//!     gan.record("faces found", r.value("faces found").unwrap());
//!     Ok(())
//! }))?;
//! let curve = gan.history().named("faces found"); // (step, share) at steps 100, 200, …
//! # Ok::<(), gankit::Error>(())
//! ```
use crate::data::domains::StarDomains;
use crate::data::faces::{combinations, face_specs, render_faces, FaceLabels, FacesConfig};
use crate::data::mixtures::Mixture;
use crate::data::objects as objects_data;
use crate::data::Batch;
use crate::error::{Error, Result};
use crate::metrics::evaluators::{FaceEvaluator, ObjectEvaluator};
use crate::metrics::modes::mode_coverage;
use crate::metrics::pairs::{pair_score, PairScore};
use crate::nets::GanNet;
use crate::train::{CycleGan, Gan, StarGan, Trainer};
use std::collections::BTreeMap;
use std::fmt;
use tch::{Device, Kind, Tensor};

// ------------------------------------------------------------------------------ the report

/// One cell of an [`EvalReport`]: a number with its unit, or text.
#[derive(Debug, Clone, PartialEq)]
pub enum Score {
    /// A share in [0, 1], shown as a percentage ("93.1 %"); its value is the share.
    Share(f64),
    /// A count ("17").
    Count(usize),
    /// `k` of `total` ("7 of 8"); its value is `k`.
    OutOf(usize, usize),
    /// A number shown with this many decimals.
    Number { value: f64, decimals: usize },
    /// L1 and PSNR of images against their targets ("L1 0.123, PSNR 17.2 dB"); its values
    /// are read under "`key` L1" and "`key` PSNR".
    Pair(PairScore),
    /// Text, no value.
    Text(String),
    /// Not measured ("—").
    Missing,
}

impl Score {
    /// The number behind the cell (`None` for text and missing cells; a pair's L1).
    pub fn value(&self) -> Option<f64> {
        match *self {
            Score::Share(v) | Score::Number { value: v, .. } => Some(v),
            Score::Count(c) | Score::OutOf(c, _) => Some(c as f64),
            Score::Pair(p) => Some(p.l1),
            Score::Text(_) | Score::Missing => None,
        }
    }

    /// (suffix of the key, value) for every number in the cell: `("", v)`, or a pair's
    /// `(" L1", l1)` and `(" PSNR", psnr)`.
    fn parts(&self) -> Vec<(&'static str, f64)> {
        match self {
            Score::Pair(p) => vec![(" L1", p.l1), (" PSNR", p.psnr)],
            s => s.value().map(|v| ("", v)).into_iter().collect(),
        }
    }
}

impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Score::Share(v) => write!(f, "{:.1} %", 100.0 * v),
            Score::Count(c) => write!(f, "{c}"),
            Score::OutOf(k, n) => write!(f, "{k} of {n}"),
            Score::Number { value, decimals } => write!(f, "{value:.decimals$}"),
            // an image against itself: no error at all
            Score::Pair(p) if p.l1 == 0.0 && p.psnr.is_infinite() => write!(f, "L1 0, PSNR ∞"),
            Score::Pair(p) => write!(f, "L1 {:.3}, PSNR {:.1} dB", p.l1, p.psnr),
            Score::Text(t) => f.write_str(t),
            Score::Missing => f.write_str("—"),
        }
    }
}

/// One row of an [`EvalReport`]: a number for the generated samples and the same number for
/// real data.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalRow {
    /// The short name code reads the row by ([`EvalReport::value`]): "faces found", …
    pub key: String,
    /// What the table shows in its first column: "faces (evaluator P ≥ 0.5)", …
    pub label: String,
    /// The generated (translated) samples' number.
    pub generated: Score,
    /// The same number on real data (the reference).
    pub real: Score,
}

fn row(key: &str, label: &str, generated: Score, real: Score) -> EvalRow {
    EvalRow {
        key: key.to_string(),
        label: label.to_string(),
        generated,
        real,
    }
}

/// What `gankit eval` prints, and what [`evaluate`] returns: one row per number, generated
/// samples against real data. Printed (`println!("{report}")`) as a text table; drawn as a
/// table in a notebook (`report.table()`, or the report as a cell's last value); read by code
/// with [`EvalReport::value`] and [`EvalReport::real`].
///
/// The keys, by judge (shares are in [0, 1]):
/// - faces: "faces found" (share of samples the face evaluator calls faces, P ≥ 0.5),
///   "combinations" (distinct (hair, eye) combinations among those faces; the data has
///   119), "kl from data" (KL of the faces' combination histogram from the data's, in nats;
///   0 = the data's), "samples";
/// - conditional faces, besides: "hair as asked", "eye as asked", "both as asked" (share of
///   samples whose hair / eye / both colours are the requested ones) and "within-condition
///   diversity" (see [`within_condition_diversity`]);
/// - objects: "object accuracy" (the i-CLEVR accuracy on the 32 test conditions), "samples";
/// - 2-D mixtures: "modes captured" (modes with a high-quality sample), "high quality" (share
///   of samples within 3 std of their nearest mode), "samples";
/// - CycleGAN: "map to aerial L1", "map to aerial PSNR", "aerial to map L1", … (translations
///   against the true pairs: mean |x − y| in [0, 1] units, PSNR in dB), "cycle A L1", "cycle B
///   PSNR", … (A → B → A against A), "pairs";
/// - StarGAN: "D agrees: black hair", … (per domain, the share of translations to it that D's
///   classifier agrees with), "hair as asked" (face evaluator), "faces found", "faces".
#[derive(Debug, Clone, PartialEq)]
pub struct EvalReport {
    /// What was evaluated.
    pub title: String,
    /// The column names: ("metric", "generated", "real data"), for CycleGAN ("metric",
    /// "translated", "input unchanged"), for StarGAN ("metric", "translated", "real (own
    /// labels)").
    pub header: (String, String, String),
    /// The rows, in order.
    pub rows: Vec<EvalRow>,
    /// Remarks printed under the table.
    pub notes: Vec<String>,
}

impl EvalReport {
    fn new(title: String, header: [&str; 3]) -> Self {
        EvalReport {
            title,
            header: (header[0].into(), header[1].into(), header[2].into()),
            rows: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// The generated samples' number under `key` (see the keys above; a row's label works
    /// too): `report.value("faces found")` is the share of faces, e.g. `Some(0.93)`. `None`
    /// when the report has no such number.
    pub fn value(&self, key: &str) -> Option<f64> {
        self.find(key, |r| &r.generated)
    }

    /// The real data's number under `key` (the reference beside [`EvalReport::value`]).
    pub fn real(&self, key: &str) -> Option<f64> {
        self.find(key, |r| &r.real)
    }

    /// Every number of the generated column as (key, value), e.g. to record them all from a
    /// hook: `for (k, v) in report.values() { gan.record(&k, v) }`.
    pub fn values(&self) -> Vec<(String, f64)> {
        self.rows
            .iter()
            .flat_map(|r| {
                r.generated
                    .parts()
                    .into_iter()
                    .map(move |(suffix, v)| (format!("{}{suffix}", r.key), v))
            })
            .collect()
    }

    /// The row under `key` (or label).
    pub fn row(&self, key: &str) -> Option<&EvalRow> {
        self.rows.iter().find(|r| r.key == key || r.label == key)
    }

    fn find(&self, key: &str, column: impl Fn(&EvalRow) -> &Score) -> Option<f64> {
        if let Some(r) = self.row(key) {
            return column(r).parts().first().map(|p| p.1);
        }
        self.rows.iter().find_map(|r| {
            let suffix = key.strip_prefix(r.key.as_str())?;
            column(r)
                .parts()
                .into_iter()
                .find(|(s, _)| !s.is_empty() && *s == suffix)
                .map(|p| p.1)
        })
    }

    /// The rows as text cells (label, generated, real), as printed.
    pub fn cells(&self) -> Vec<[String; 3]> {
        self.rows
            .iter()
            .map(|r| [r.label.clone(), r.generated.to_string(), r.real.to_string()])
            .collect()
    }
}

impl fmt::Display for EvalReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.title)?;
        let h = &self.header;
        let all: Vec<[String; 3]> = std::iter::once([h.0.clone(), h.1.clone(), h.2.clone()])
            .chain(self.cells())
            .collect();
        let width = |j: usize| all.iter().map(|r| r[j].chars().count()).max().unwrap_or(0);
        let w = [width(0), width(1), width(2)];
        let pad =
            |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(s.chars().count())));
        for (i, r) in all.iter().enumerate() {
            writeln!(
                f,
                "| {} | {} | {} |",
                pad(&r[0], w[0]),
                pad(&r[1], w[1]),
                pad(&r[2], w[2])
            )?;
            if i == 0 {
                writeln!(
                    f,
                    "|{}|{}|{}|",
                    "-".repeat(w[0] + 2),
                    "-".repeat(w[1] + 2),
                    "-".repeat(w[2] + 2)
                )?;
            }
        }
        for n in &self.notes {
            writeln!(f, "{n}")?;
        }
        Ok(())
    }
}

// ------------------------------------------------------------------------------- the judge

/// What a trainer's samples are judged against (see the [module docs](self)); give it to
/// [`evaluate`]. `Experiment::judge` picks the one for an experiment's data.
#[derive(Debug)]
pub struct Judge {
    kind: JudgeKind,
    seed: i64,
    notes: Vec<String>,
}

#[derive(Debug)]
enum JudgeKind {
    Faces,
    ConditionalFaces(FaceLabels),
    Objects,
    Mixture(Mixture),
    Translations {
        a: Tensor,
        b: Tensor,
        paired: bool,
    },
    /// Built-in held-out faces (domains, seed), or the last faces of the trainer's data.
    Star(Option<(StarDomains, u64)>),
    Nothing(String),
}

/// The generator seed of evaluation: mixed so that it never replays a run's fixed noise
/// (drawn right after seeding with the run's seed). `gankit sample` uses it too.
pub(crate) fn sampling_seed(seed: u64) -> i64 {
    ((seed ^ 0x7361_6d70_6c65).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 1) as i64
}

impl Judge {
    fn new(kind: JudgeKind) -> Self {
        Judge {
            kind,
            seed: sampling_seed(0),
            notes: Vec::new(),
        }
    }

    /// The built-in face evaluator on unconditional samples (a conditional G draws them with
    /// its fixed conditions): faces found, distinct hair/eye combinations, KL from the data's
    /// combinations; real column: as many built-in faces of a held-out seed.
    pub fn faces() -> Self {
        Self::new(JudgeKind::Faces)
    }

    /// The face evaluator on a conditional G asked for every (hair, eye) combination in turn
    /// (`labels`: [`FaceLabels::HairEye`], one-hot over the 119 combinations, or
    /// [`FaceLabels::Tags`], 12 hair then 11 eye colours): the faces' numbers, plus the share
    /// of samples with the hair / eye colours asked for, and the
    /// [`within_condition_diversity`].
    pub fn conditional_faces(labels: FaceLabels) -> Self {
        Self::new(JudgeKind::ConditionalFaces(labels))
    }

    /// The object evaluator on a conditional G asked for the 32 test conditions in turn: the
    /// i-CLEVR accuracy (real column: built-in scenes).
    pub fn objects() -> Self {
        Self::new(JudgeKind::Objects)
    }

    /// A 2-D mixture's modes: modes captured and high-quality samples (VEEGAN, PacGAN),
    /// against points drawn from the mixture.
    pub fn mixture(mixture: Mixture) -> Self {
        Self::new(JudgeKind::Mixture(mixture))
    }

    /// CycleGAN on held-out true pairs (row i of `b` is the translation of row i of `a`, as the
    /// built-in maps' test pairs): both translations against the truth, and the cycles.
    pub fn pairs(a: &Tensor, b: &Tensor) -> Self {
        Self::translations(a, b, true)
    }

    /// CycleGAN on held-out images of its two domains that are not pairs: the cycles only.
    pub fn unpaired(a: &Tensor, b: &Tensor) -> Self {
        Self::translations(a, b, false)
    }

    fn translations(a: &Tensor, b: &Tensor, paired: bool) -> Self {
        Self::new(JudgeKind::Translations {
            a: a.shallow_clone(),
            b: b.shallow_clone(),
            paired,
        })
    }

    /// StarGAN on built-in faces of `domains` drawn with `seed` (choose one the training data
    /// did not use; `Experiment::judge` uses the data's seed + 0x5E1F), translated to every
    /// domain: D's classifier on each edit, the face evaluator's hair colour and face rate.
    pub fn star(domains: &StarDomains, seed: u64) -> Self {
        Self::new(JudgeKind::Star(Some((domains.clone(), seed))))
    }

    /// StarGAN on the last faces of its own data (CelebA: the face evaluator knows only the
    /// built-in faces, so only D's classifier judges).
    pub fn star_data() -> Self {
        Self::new(JudgeKind::Star(None))
    }

    /// No evaluator fits (the swiss roll has no modes to count): the report holds `why`.
    pub fn none(why: impl Into<String>) -> Self {
        Self::new(JudgeKind::Nothing(why.into()))
    }

    /// Draws the noise from `seed` (by default the same seed at every evaluation, so a series
    /// recorded over training moves only with the networks).
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = sampling_seed(seed);
        self
    }

    /// A remark printed under every report of this judge.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// The sample count `gankit eval` uses by default: 2,000 faces, 8 per objects test
    /// condition (256), 2,500 points, 64 held-out pairs or faces.
    pub fn default_n(&self) -> usize {
        match self.kind {
            JudgeKind::Faces | JudgeKind::ConditionalFaces(_) => 2000,
            JudgeKind::Objects => 8 * 32,
            JudgeKind::Mixture(_) | JudgeKind::Nothing(_) => 2500,
            JudgeKind::Translations { .. } | JudgeKind::Star(_) => 64,
        }
    }

    /// What the judge looks at, in words.
    fn describe(&self) -> String {
        match &self.kind {
            JudgeKind::Faces => "the face evaluator".into(),
            JudgeKind::ConditionalFaces(_) => {
                "the face evaluator, every hair/eye combination asked in turn".into()
            }
            JudgeKind::Objects => "the object evaluator on the test conditions".into(),
            JudgeKind::Mixture(m) => format!("the modes of the {}", m.name),
            JudgeKind::Translations { paired: true, .. } => "held-out true pairs".into(),
            JudgeKind::Translations { .. } => "held-out images".into(),
            JudgeKind::Star(_) => "held-out faces translated to every domain".into(),
            JudgeKind::Nothing(_) => "no evaluator".into(),
        }
    }

    fn wrong_for(&self, trainer: &str, use_instead: &str) -> Error {
        Error::setting(
            "evaluate",
            format!(
                "{} does not judge a {trainer}: use {use_instead}",
                self.describe()
            ),
        )
    }

    fn report(&self, step: usize, header: [&str; 3]) -> EvalReport {
        let mut r = EvalReport::new(
            format!("step {step}, in memory: {}", self.describe()),
            header,
        );
        r.notes.extend(self.notes.iter().cloned());
        r
    }
}

// ------------------------------------------------------------------------------ evaluating

/// A trainer whose samples a [`Judge`] can score: [`Gan`], [`CycleGan`], [`StarGan`].
pub trait Evaluate {
    /// The report of `judge` on `n` new samples (held-out pairs or faces for the translators)
    /// with the real-data column beside them. Seeds libtorch's generator with the judge's seed
    /// first (the trainers reseed every step, so training is not disturbed).
    fn evaluate(&self, judge: &Judge, n: usize) -> Result<EvalReport>;
}

/// The report of `judge` on `n` samples of `trainer`, with the same numbers for real data:
/// `let report = evaluate(&gan, &Judge::faces(), 2_000)?;` (see the [module docs](self)).
pub fn evaluate<T: Evaluate + ?Sized>(trainer: &T, judge: &Judge, n: usize) -> Result<EvalReport> {
    trainer.evaluate(judge, n)
}

/// `n` samples from G with new noise, in chunks of at most 250 (G in training mode, as the
/// grids are drawn; no gradients), on the CPU; `conditions` (cycled) for a conditional G.
pub(crate) fn generate<G: GanNet, D: GanNet>(
    gan: &Gan<G, D>,
    n: usize,
    conditions: Option<&Tensor>,
) -> Tensor {
    let device = gan.device();
    let z_dim = gan.config().z_dim;
    let mut parts = Vec::new();
    let chunks = n.div_ceil(250).max(1);
    let mut done = 0;
    for i in 0..chunks {
        // even chunks (none of 1: G's BatchNorm1d needs two samples in training mode)
        let k = n / chunks + usize::from(i < n % chunks);
        let z = Tensor::randn([k as i64, z_dim], (Kind::Float, device));
        let c = conditions.map(|c| {
            let rows = c.size()[0];
            let idx =
                (Tensor::arange(k as i64, (Kind::Int64, device)) + done as i64).remainder(rows);
            c.to_device(device)
                .to_kind(Kind::Float)
                .index_select(0, &idx)
        });
        parts.push(
            tch::no_grad(|| gan.g().forward_gan(&z, c.as_ref(), true)).to_device(Device::Cpu),
        );
        done += k;
    }
    Tensor::cat(&parts, 0)
}

impl<G: GanNet, D: GanNet> Evaluate for Gan<G, D> {
    fn evaluate(&self, judge: &Judge, n: usize) -> Result<EvalReport> {
        let mut report = judge.report(self.steps_done(), ["metric", "generated", "real data"]);
        if let JudgeKind::Nothing(why) = &judge.kind {
            report.notes.push(why.clone());
            return Ok(report);
        }
        if n < 2 {
            return Err(Error::setting(
                "evaluate",
                format!("n must be at least 2 (G's BatchNorm needs a batch), got {n}"),
            ));
        }
        tch::manual_seed(judge.seed);
        match &judge.kind {
            JudgeKind::Mixture(mixture) => {
                let fake = generate(self, n, None);
                let real = mixture.sample(n, 12_345).x;
                let (f, r) = (
                    mode_coverage(&fake, mixture)?,
                    mode_coverage(&real, mixture)?,
                );
                report.rows.extend([
                    row(
                        "modes captured",
                        "modes captured",
                        Score::OutOf(f.captured, f.modes),
                        Score::OutOf(r.captured, r.modes),
                    ),
                    row(
                        "high quality",
                        "high-quality samples (≤ 3 std)",
                        Score::Share(f.high_quality),
                        Score::Share(r.high_quality),
                    ),
                    row("samples", "samples", Score::Count(n), Score::Count(n)),
                ]);
            }
            JudgeKind::Objects => {
                let conds = objects_data::multi_hot(&objects_data::test_conditions());
                let cycled = cycle_rows(&conds, n);
                let fake = generate(self, n, Some(&cycled));
                let size = image_size(&fake)?;
                let eval = ObjectEvaluator::builtin(Device::Cpu)?;
                let acc = eval.accuracy(&fake, &cycled)?;
                let real = objects_data::objects(n, size, 54_321);
                let racc =
                    eval.accuracy(&real.x, real.labels.as_ref().expect("objects have labels"))?;
                let three = |value| Score::Number { value, decimals: 3 };
                report.rows.extend([
                    row(
                        "object accuracy",
                        "object accuracy (test conditions)",
                        three(acc),
                        three(racc),
                    ),
                    row("samples", "samples", Score::Count(n), Score::Count(n)),
                ]);
                report.notes.push(
                    "report 004 scored 0.528 on its 32 test conditions (i-CLEVR, its own classifier)"
                        .into(),
                );
            }
            JudgeKind::Faces => {
                let fake = generate(self, n, self.fixed_conditions());
                faces_rows(&mut report, &fake, None)?;
            }
            JudgeKind::ConditionalFaces(labels) => {
                let c = combination_conditions(*labels, n, self.g().condition_width())?;
                let fake = generate(self, n, Some(&c.conditions));
                faces_rows(&mut report, &fake, Some(&c))?;
            }
            JudgeKind::Translations { .. } | JudgeKind::Star(_) | JudgeKind::Nothing(_) => {
                return Err(judge.wrong_for(
                    "GAN",
                    "Judge::faces(), Judge::conditional_faces(…), Judge::objects() or Judge::mixture(…)",
                ))
            }
        }
        Ok(report)
    }
}

/// The conditions a conditional G is asked for: every (hair, eye) combination in turn.
struct Asked {
    /// `[n, width]` one-hot (hair_eye) or multi-hot (tags) rows.
    conditions: Tensor,
    /// Hair and eye colour index of each row, `[n]`.
    hair: Tensor,
    eye: Tensor,
}

fn combination_conditions(labels: FaceLabels, n: usize, width: Option<i64>) -> Result<Asked> {
    let combos = combinations();
    let need = match labels {
        FaceLabels::HairEye => combos.len(),
        FaceLabels::Tags => 12 + 11,
        other => {
            return Err(Error::setting(
                "Judge::conditional_faces",
                format!("labels must be FaceLabels::HairEye or FaceLabels::Tags, got {other:?}"),
            ))
        }
    };
    let width = match width {
        Some(w) if w as usize >= need => w as usize,
        w => {
            return Err(Error::setting(
                "evaluate",
                format!(
                    "{labels:?} conditions need a conditional G of at least {need} classes; this G takes {}",
                    w.map_or("no conditions".to_string(), |w| format!("{w}"))
                ),
            ))
        }
    };
    let mut v = vec![0f32; n * width];
    let (mut hair, mut eye) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n {
        let (h, e) = combos[i % combos.len()];
        let ks = if labels == FaceLabels::HairEye {
            vec![i % combos.len()]
        } else {
            vec![h, 12 + e]
        };
        for k in ks {
            v[i * width + k] = 1.0;
        }
        hair.push(h as i64);
        eye.push(e as i64);
    }
    Ok(Asked {
        conditions: Tensor::from_slice(&v).view([n as i64, width as i64]),
        hair: Tensor::from_slice(&hair),
        eye: Tensor::from_slice(&eye),
    })
}

/// The side of square images `[N, 3, S, S]` the evaluators can read (S ≥ 32).
fn image_size(x: &Tensor) -> Result<usize> {
    let s = x.size();
    if s.len() != 4 {
        return Err(Error::setting(
            "eval",
            format!("the image evaluators need images [N, 3, S, S]; these samples are {s:?} (2-D points: use Judge::mixture)"),
        ));
    }
    if s[2] < 32 {
        return Err(Error::setting(
            "eval",
            format!(
                "the evaluators need images of at least 32×32; this run's are {}×{}",
                s[2], s[3]
            ),
        ));
    }
    Ok(s[2] as usize)
}

/// The face rows of a report: with `asked` (a conditional G), first the share of samples as
/// asked, then face rate, combinations, KL and the within-condition diversity.
fn faces_rows(report: &mut EvalReport, fake: &Tensor, asked: Option<&Asked>) -> Result<()> {
    let n = fake.size()[0] as usize;
    let size = image_size(fake)?;
    let eval = FaceEvaluator::builtin(Device::Cpu)?;
    let cfg = FacesConfig {
        n,
        size,
        seed: 0xE7A1_0000,
        labels: FaceLabels::None,
    };
    let specs = face_specs(&cfg);
    let real = render_faces(&specs, size, cfg.seed);
    let real_hair = Tensor::from_slice(&specs.iter().map(|s| s.hair as i64).collect::<Vec<_>>());
    let real_eye = Tensor::from_slice(&specs.iter().map(|s| s.eye as i64).collect::<Vec<_>>());
    let mut diversity = None;
    if let Some(a) = asked {
        let (h, e, both) = eval.tag_accuracy(fake, &a.hair, &a.eye)?;
        let (rh, re, rboth) = eval.tag_accuracy(&real, &real_hair, &real_eye)?;
        report.rows.extend([
            row(
                "hair as asked",
                "hair colour as asked",
                Score::Share(h),
                Score::Share(rh),
            ),
            row(
                "eye as asked",
                "eye colour as asked",
                Score::Share(e),
                Score::Share(re),
            ),
            row(
                "both as asked",
                "both as asked",
                Score::Share(both),
                Score::Share(rboth),
            ),
        ]);
        let own = Tensor::stack(&[&real_hair, &real_eye], 1);
        diversity = Some((
            grouped_distance(&eval.features(fake)?, &a.conditions)?,
            grouped_distance(&eval.features(&real)?, &own)?,
        ));
    }
    let (f, r) = (eval.diversity(fake)?, eval.diversity(&real)?);
    report.rows.extend([
        row(
            "faces found",
            "faces (evaluator P ≥ 0.5)",
            Score::Share(f.face_rate),
            Score::Share(r.face_rate),
        ),
        row(
            "combinations",
            "distinct hair/eye combinations",
            Score::Count(f.combinations),
            Score::Count(r.combinations),
        ),
        row(
            "kl from data",
            "KL from the data's combinations",
            number_or_missing(Some(f.kl_from_data)),
            number_or_missing(Some(r.kl_from_data)),
        ),
    ]);
    if let Some((f, r)) = diversity {
        report.rows.push(row(
            "within-condition diversity",
            "feature distance within a condition",
            number_or_missing(f),
            number_or_missing(r),
        ));
        if f.is_none() {
            report.notes.push(format!(
                "within-condition diversity needs two samples of a condition: n ≥ {}",
                2 * combinations().len()
            ));
        }
    }
    report
        .rows
        .push(row("samples", "samples", Score::Count(n), Score::Count(n)));
    if n < 2000 {
        report.notes.push(format!(
            "{n} samples: the diversity numbers settle from about 2,000"
        ));
    }
    Ok(())
}

/// The first `n` rows of `t`, repeating its rows in turn.
fn cycle_rows(t: &Tensor, n: usize) -> Tensor {
    let rows = t.size()[0].max(1);
    t.index_select(
        0,
        &Tensor::arange(n as i64, (Kind::Int64, t.device())).remainder(rows),
    )
}

// ------------------------------------------------------------------ within-condition diversity

/// How different the samples of one condition are: the mean pairwise Euclidean distance of
/// the face evaluator's features ([`FaceEvaluator::features`], 128 numbers per image) among
/// the `images` that share a row of `conditions` (`[N, K]` label rows, or `[N]` class
/// indices), averaged over the conditions that have at least two images.
///
/// A conditional G that ignores its noise draws one image per condition and scores 0, however
/// many conditions it gets right (report 003's collapse at a D/G ratio of 0.2, invisible to the
/// combination count); real faces grouped by their own (hair, eye) labels are the reference.
/// An error when no condition has two images.
///
/// ```no_run
/// # use gankit::prelude::*;
/// # fn f(gan: &BoxedGan, c: &Tensor) -> Result<()> {
/// let eval = FaceEvaluator::builtin(Device::Cpu)?;
/// let d = within_condition_diversity(&eval, &gan.sample_with(c), c)?;
/// # Ok(()) }
/// ```
pub fn within_condition_diversity(
    evaluator: &FaceEvaluator,
    images: &Tensor,
    conditions: &Tensor,
) -> Result<f64> {
    let n = images.size().first().copied().unwrap_or(0);
    if conditions.size().first() != Some(&n) {
        return Err(Error::shape(
            "within-condition diversity: conditions",
            format!("[{n}, K] or [{n}] (one row per image)"),
            &conditions.size(),
        ));
    }
    grouped_distance(&evaluator.features(images)?, conditions)?.ok_or_else(|| {
        Error::setting(
            "within-condition diversity",
            format!("no condition has two of the {n} images: give each condition at least two"),
        )
    })
}

/// The mean pairwise distance of `features` rows within each group of equal `conditions`
/// rows, averaged over the groups of two or more (`None` when there is none).
fn grouped_distance(features: &Tensor, conditions: &Tensor) -> Result<Option<f64>> {
    let f = features.to_device(Device::Cpu).to_kind(Kind::Double);
    let n = f.size()[0];
    let c = conditions
        .to_device(Device::Cpu)
        .to_kind(Kind::Double)
        .reshape([n, -1]);
    let width = c.size()[1] as usize;
    let values = Vec::<f64>::try_from(c.contiguous().view([-1]))
        .map_err(|e| Error::torch("within-condition diversity", e))?;
    let mut groups: BTreeMap<Vec<i64>, Vec<i64>> = BTreeMap::new();
    for (i, r) in values.chunks(width.max(1)).enumerate().take(n as usize) {
        let key = r.iter().map(|v| (v * 1e4).round() as i64).collect();
        groups.entry(key).or_default().push(i as i64);
    }
    let mut means = Vec::new();
    for idx in groups.values().filter(|g| g.len() >= 2) {
        let g = f.index_select(0, &Tensor::from_slice(idx));
        let m = idx.len() as i64;
        // by differences, not cdist's matrix product: identical images are exactly 0 apart
        let mut total = 0.0;
        for chunk in g.split(128, 0) {
            total += (chunk.unsqueeze(1) - g.unsqueeze(0))
                .square()
                .sum_dim_intlist(2, false, Kind::Double)
                .sqrt()
                .sum(Kind::Double)
                .double_value(&[]);
        }
        means.push(total / (m * (m - 1)) as f64);
    }
    Ok((!means.is_empty()).then(|| means.iter().sum::<f64>() / means.len() as f64))
}

// ------------------------------------------------------------------ the translators

impl Evaluate for CycleGan {
    /// On `n` held-out images of each domain (at most as many as the judge holds): for true
    /// pairs, each translation against the truth next to the input left unchanged; always the
    /// cycle reconstructions against the inputs (perfect in the reference column).
    fn evaluate(&self, judge: &Judge, n: usize) -> Result<EvalReport> {
        let JudgeKind::Translations { a, b, paired } = &judge.kind else {
            return Err(judge.wrong_for("CycleGAN", "Judge::pairs(&test_a, &test_b)"));
        };
        let mut report = judge.report(
            self.steps_done(),
            ["metric", "translated", "input unchanged"],
        );
        tch::manual_seed(judge.seed);
        let k = (n.max(1) as i64).min(a.size()[0]).min(b.size()[0]);
        let (a, b) = (a.narrow(0, 0, k), b.narrow(0, 0, k));
        let p = self.translate_panel(&a, &b)?;
        let cpu = |x: &Tensor| x.to_device(Device::Cpu);
        let score = |x: &Tensor, y: &Tensor| pair_score(&cpu(x), &cpu(y)).map(Score::Pair);
        if *paired {
            report.rows.extend([
                row(
                    "map to aerial",
                    "map → aerial vs the true aerial",
                    score(&p.fake_b, &b)?,
                    score(&a, &b)?,
                ),
                row(
                    "aerial to map",
                    "aerial → map vs the true map",
                    score(&p.fake_a, &a)?,
                    score(&b, &a)?,
                ),
            ]);
            if let Some((data_a, data_b)) = self.data() {
                // the bar: a G that ignores its input does best (in L1 and squared error) with
                // the mean training image of its target domain
                let mean = |x: &Tensor, like: &Tensor| {
                    cpu(x)
                        .mean_dim(&[0i64][..], true, Kind::Float)
                        .expand_as(&cpu(like))
                };
                report.notes.push(format!(
                    "the bar: a generator that ignores its input does best with the mean training image of the target domain: map → aerial {}, aerial → map {}",
                    score(&mean(&data_b.x, &b), &b)?,
                    score(&mean(&data_a.x, &a), &a)?
                ));
            }
        } else {
            report.notes.push(
                "testA/testB of a folder are not known to be pairs: only the reconstructions are scored"
                    .to_string(),
            );
        }
        let perfect = Score::Pair(PairScore {
            l1: 0.0,
            psnr: f64::INFINITY,
        });
        report.rows.extend([
            row(
                "cycle A",
                "A → B → A vs A (cycle)",
                score(&p.rec_a, &a)?,
                perfect.clone(),
            ),
            row(
                "cycle B",
                "B → A → B vs B (cycle)",
                score(&p.rec_b, &b)?,
                perfect,
            ),
            row(
                "pairs",
                "image pairs",
                Score::Count(k as usize),
                Score::Count(k as usize),
            ),
        ]);
        Ok(report)
    }
}

impl Evaluate for StarGan {
    /// `n` held-out faces translated to each domain: D's classifier on the edited domain and
    /// (built-in faces) the face evaluator's hair colour and face rate, next to the same on the
    /// untouched faces with their own labels.
    fn evaluate(&self, judge: &Judge, n: usize) -> Result<EvalReport> {
        let JudgeKind::Star(held_out) = &judge.kind else {
            return Err(judge.wrong_for("StarGAN", "Judge::star(&domains, seed)"));
        };
        let mut report = judge.report(
            self.steps_done(),
            ["metric", "translated", "real (own labels)"],
        );
        tch::manual_seed(judge.seed);
        let n = n.max(1);
        let (faces, names) = match held_out {
            Some((domains, seed)) => {
                let d = domains.faces(n, self.nets().image_size as usize, *seed);
                let batch = Batch {
                    x: d.x,
                    labels: d.labels,
                };
                (batch, domains.names())
            }
            None => {
                let data = self.data().ok_or_else(|| {
                    Error::setting(
                        "evaluate",
                        "Judge::star_data() reads the StarGAN's data, and it has none: set_data, or Judge::star(&domains, seed)",
                    )
                })?;
                let len = data.len();
                let idx: Vec<i64> = (len.saturating_sub(n)..len).map(|i| i as i64).collect();
                (data.select(&idx), data.label_names.clone())
            }
        };
        let c_org = faces
            .labels
            .as_ref()
            .ok_or_else(|| Error::setting("stargan", "the faces need labels"))?
            .to_kind(Kind::Float);
        let targets = self.targets(&c_org);
        let outs = self.translate(&faces.x, &targets)?;
        let real_acc = self.attribute_accuracy(&faces.x, &c_org)?;
        for (k, (out, target)) in outs.iter().zip(&targets).enumerate() {
            let acc = self.attribute_accuracy(out, target)?;
            let name = names
                .get(k)
                .cloned()
                .unwrap_or_else(|| format!("domain {k}"));
            report.rows.push(row(
                &format!("D agrees: {name}"),
                &format!("→ {name}: D's classifier agrees"),
                Score::Share(acc[k]),
                Score::Share(real_acc[k]),
            ));
        }
        report.notes.push("D's classifier is StarGAN's own judge (G was trained to satisfy it); the face evaluator is independent".to_string());
        if let Some((domains, _)) = held_out {
            let eval = FaceEvaluator::builtin(Device::Cpu)?;
            let mut hits = Vec::new();
            for (out, target) in outs.iter().zip(&targets).take(domains.hair.len()) {
                if let Some(a) = eval.hair_accuracy(domains, &out.to_device(Device::Cpu), target)? {
                    hits.push(a);
                }
            }
            if !hits.is_empty() {
                let real = eval
                    .hair_accuracy(domains, &faces.x, &c_org)?
                    .map_or(Score::Missing, Score::Share);
                report.rows.push(row(
                    "hair as asked",
                    "hair colour as asked (face evaluator)",
                    Score::Share(hits.iter().sum::<f64>() / hits.len() as f64),
                    real,
                ));
            }
            // The attribute edits (the domains after the hair group), judged by the
            // evaluator's attribute heads: the edited attribute as asked.
            let nh = domains.hair.len();
            let real_attrs = eval.domain_attribute_accuracy(domains, &faces.x, &c_org)?;
            for (i, (out, target)) in outs.iter().zip(&targets).skip(nh).enumerate() {
                let got =
                    eval.domain_attribute_accuracy(domains, &out.to_device(Device::Cpu), target)?;
                if let (Some((name, acc)), Some((_, real))) = (got.get(i), real_attrs.get(i)) {
                    report.rows.push(row(
                        &format!("{name} as asked"),
                        &format!("{name} as asked (face evaluator)"),
                        Score::Share(*acc),
                        Score::Share(*real),
                    ));
                }
            }
            let all = Tensor::cat(
                &outs
                    .iter()
                    .map(|o| o.to_device(Device::Cpu))
                    .collect::<Vec<_>>(),
                0,
            );
            report.rows.push(row(
                "faces found",
                "faces (evaluator P ≥ 0.5)",
                Score::Share(eval.face_rate(&all)?),
                Score::Share(eval.face_rate(&faces.x)?),
            ));
        } else {
            report.notes.push(
                "CelebA: the face evaluator knows gankit's built-in faces only, so it is not used"
                    .to_string(),
            );
        }
        let k = faces.x.size()[0];
        report.rows.push(row(
            "faces",
            "faces × targets",
            Score::Text(format!("{k} × {}", outs.len())),
            Score::Text(format!("{k} (as they are)")),
        ));
        Ok(report)
    }
}

/// A number with 3 decimals, or missing ("—") when there is none: a within-condition distance
/// without two samples of a condition, a KL with no face to compare (NaN then). Missing rather
/// than NaN, so two reports of the same samples compare equal.
fn number_or_missing(v: Option<f64>) -> Score {
    match v {
        Some(value) if !value.is_nan() => Score::Number { value, decimals: 3 },
        _ => Score::Missing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::faces::faces;

    #[test]
    fn samples_that_ignore_their_noise_score_zero_and_real_faces_do_not() {
        let eval = FaceEvaluator::builtin(Device::Cpu).unwrap();
        let real = faces(&FacesConfig {
            n: 600,
            size: 32,
            seed: 5,
            labels: FaceLabels::Tags,
        });
        let tags = real.labels.as_ref().unwrap();
        let d_real = within_condition_diversity(&eval, &real.x, tags).unwrap();
        // a G that ignores its noise: the same image for every sample of a condition (the
        // first real face of each tag row stands for it)
        let rows = Vec::<f32>::try_from(tags.contiguous().view([-1])).unwrap();
        let w = tags.size()[1] as usize;
        let mut first: BTreeMap<Vec<i64>, i64> = BTreeMap::new();
        let idx: Vec<i64> = rows
            .chunks(w)
            .enumerate()
            .map(|(i, r)| {
                let key = r.iter().map(|v| *v as i64).collect();
                *first.entry(key).or_insert(i as i64)
            })
            .collect();
        let collapsed = real.x.index_select(0, &Tensor::from_slice(&idx));
        let d_collapsed = within_condition_diversity(&eval, &collapsed, tags).unwrap();
        println!("within-condition diversity: real {d_real:.4}, collapsed {d_collapsed}");
        assert_eq!(d_collapsed, 0.0);
        assert!(d_real > 1.0, "{d_real}");
        // class indices work as conditions too; too few images per condition is an error
        let classes = Tensor::from_slice(&[0i64, 0, 1, 1]);
        let four = real.x.narrow(0, 0, 4);
        assert!(within_condition_diversity(&eval, &four, &classes).unwrap() > 0.0);
        let e = within_condition_diversity(
            &eval,
            &four,
            &Tensor::arange(4, (Kind::Int64, Device::Cpu)),
        )
        .unwrap_err();
        assert!(e.to_string().contains("no condition has two"), "{e}");
        let e = within_condition_diversity(&eval, &four, &classes.narrow(0, 0, 3)).unwrap_err();
        assert!(e.to_string().contains("one row per image"), "{e}");
    }

    #[test]
    fn values_are_read_by_key_label_and_pair_suffix() {
        let mut r = EvalReport::new("t".into(), ["metric", "generated", "real data"]);
        r.rows = vec![
            row(
                "faces found",
                "faces (evaluator P ≥ 0.5)",
                Score::Share(0.25),
                Score::Share(0.99),
            ),
            row(
                "modes captured",
                "modes captured",
                Score::OutOf(7, 8),
                Score::OutOf(8, 8),
            ),
            row(
                "cycle A",
                "A → B → A vs A (cycle)",
                Score::Pair(PairScore {
                    l1: 0.1,
                    psnr: 20.0,
                }),
                Score::Pair(PairScore {
                    l1: 0.0,
                    psnr: f64::INFINITY,
                }),
            ),
            row(
                "faces",
                "faces × targets",
                Score::Text("4 × 5".into()),
                Score::Missing,
            ),
        ];
        assert_eq!(r.value("faces found"), Some(0.25));
        assert_eq!(r.value("faces (evaluator P ≥ 0.5)"), Some(0.25));
        assert_eq!(r.real("faces found"), Some(0.99));
        assert_eq!(r.value("modes captured"), Some(7.0));
        assert_eq!(r.value("cycle A PSNR"), Some(20.0));
        assert_eq!(r.value("cycle A L1"), Some(0.1));
        assert_eq!(r.real("cycle A L1"), Some(0.0));
        assert_eq!(r.value("faces"), None);
        assert_eq!(r.value("nothing"), None);
        assert_eq!(
            r.values(),
            vec![
                ("faces found".to_string(), 0.25),
                ("modes captured".to_string(), 7.0),
                ("cycle A L1".to_string(), 0.1),
                ("cycle A PSNR".to_string(), 20.0),
            ]
        );
        let text = r.to_string();
        // a padded table: every line of it as wide as the header
        let table: Vec<usize> = text
            .lines()
            .filter(|l| l.starts_with('|'))
            .map(|l| l.chars().count())
            .collect();
        assert!(
            table.len() == 6 && table.iter().all(|&w| w == table[0]),
            "{text}"
        );
        assert!(text.starts_with("t\n| metric "), "{text}");
        assert!(text.contains("| 7 of 8 "), "{text}");
        assert!(text.contains("L1 0.100, PSNR 20.0 dB"), "{text}");
        assert!(text.contains("L1 0, PSNR ∞"), "{text}");
        assert!(text.contains("| 4 × 5 "), "{text}");
        assert!(text.contains("| —"), "{text}");
    }
}
