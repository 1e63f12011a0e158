//! Evaluator networks trained by gankit on the built-in data: they turn what the reports
//! judged by eye into numbers.
//!
//! - [`FaceEvaluator`]: is it a face (the reports' face count; calibrated against blurred,
//!   noised, occluded and featureless faces, see its docs), which hair colour, which eye
//!   colour, which attributes (glasses, blush, smile); and from those, the number of distinct
//!   (hair, eye) combinations among samples and the KL divergence of their histogram from the
//!   data's (a mode-collapse number);
//! - [`ObjectEvaluator`]: which of the 24 object classes are in a scene; the i-CLEVR accuracy.
//!
//! Both take images `[N, 3, H, W]` in [−1, 1] at any H = W ≥ 32 (they look at 32×32). Their
//! weights are committed under `src/metrics/weights/` and loaded by `builtin()`; `train`
//! makes them again (`cargo test --release --test evaluators -- --ignored` rewrites them).
use super::degrade::{add_noise, average_groups, blur, occlude, shuffle_patches, uniform_noise};
use crate::data::domains::StarDomains;
use crate::data::faces::{
    combination_weights, face_specs, render_faces, render_featureless_heads, FaceSpec, FacesConfig,
    ATTRIBUTES,
};
use crate::data::objects::{object_scenes, render_scenes, Scene, N_CLASSES};
use crate::data::rng::Rng;
use crate::error::{Error, Result};
use crate::nets::{dcgan_generator, DcganConfig};
use std::path::PathBuf;
use tch::nn::{self, Module, OptimizerConfig};
use tch::{Device, Kind, Tensor};

/// Width of the evaluators' pooled features (what FID compares).
pub const FEATURES: i64 = 128;

/// The small CNN both evaluators use: three stride-2 convolutions and global average pooling
/// at 32×32 (the features), then a linear head with `outputs` logits. With `stem` > 0, a
/// stride-1 convolution with `stem` channels comes first (the face evaluator's: a smile is
/// two pixels wide at 32×32).
fn trunk_and_head(p: &nn::Path, outputs: i64, stem: i64) -> (nn::Sequential, nn::Linear) {
    let conv = |i, o, stride, name: &str| {
        nn::conv2d(
            p / name,
            i,
            o,
            3,
            nn::ConvConfig {
                stride,
                padding: 1,
                ..Default::default()
            },
        )
    };
    let mut trunk = nn::seq();
    let mut channels = 3;
    if stem > 0 {
        trunk = trunk.add(conv(3, stem, 1, "c0")).add_fn(|x| x.leaky_relu());
        channels = stem;
    }
    let trunk = trunk
        .add(conv(channels, 32, 2, "c1"))
        .add_fn(|x| x.leaky_relu())
        .add(conv(32, 64, 2, "c2"))
        .add_fn(|x| x.leaky_relu())
        .add(conv(64, FEATURES, 2, "c3"))
        .add_fn(|x| x.leaky_relu())
        .add_fn(|x| x.mean_dim(&[2i64, 3][..], false, Kind::Float));
    (
        trunk,
        nn::linear(p / "head", FEATURES, outputs, Default::default()),
    )
}

/// The CNN of an evaluator with its variables: built, loaded from the committed weights, saved.
#[derive(Debug)]
struct Cnn {
    vs: nn::VarStore,
    trunk: nn::Sequential,
    head: nn::Linear,
}

impl Cnn {
    fn new(device: Device, outputs: i64, stem: i64) -> Self {
        let vs = nn::VarStore::new(device);
        let (trunk, head) = trunk_and_head(&vs.root(), outputs, stem);
        Cnn { vs, trunk, head }
    }

    fn builtin(device: Device, outputs: i64, stem: i64, file: &str) -> Result<Self> {
        let mut c = Self::new(device, outputs, stem);
        let path = weights_path(file);
        c.vs.load(&path)
            .map_err(|err| Error::torch(format!("loading {}", path.display()), err))?;
        Ok(c)
    }

    fn save(&self, path: &std::path::Path) -> Result<()> {
        self.vs
            .save(path)
            .map_err(|e| Error::torch(format!("saving {}", path.display()), e))
    }

    fn forward(&self, x: &Tensor) -> Tensor {
        self.head.forward(&self.trunk.forward(x))
    }

    /// Logits for images prepared to 32×32, without gradients.
    fn logits(&self, images: &Tensor, what: &str) -> Result<Tensor> {
        let x = prepare(images, self.vs.device(), what)?;
        Ok(batched(&x, |b| self.forward(b)))
    }

    /// The pooled trunk features `[N, 128]`, without gradients.
    fn features(&self, images: &Tensor, what: &str) -> Result<Tensor> {
        let x = prepare(images, self.vs.device(), what)?;
        Ok(batched(&x, |b| self.trunk.forward(b)))
    }
}

/// Brings `[N, 3, H, W]` in [−1, 1] to 32×32 on the evaluator's device.
fn prepare(images: &Tensor, device: Device, what: &str) -> Result<Tensor> {
    let s = images.size();
    if s.len() != 4 || s[1] != 3 || s[2] != s[3] || s[2] < 32 || s[0] == 0 {
        return Err(Error::shape(what, "[N, 3, S, S] with S ≥ 32", &s));
    }
    let x = images.detach().to_device(device).to_kind(Kind::Float);
    Ok(if s[2] == 32 {
        x
    } else {
        x.adaptive_avg_pool2d([32, 32])
    })
}

fn weights_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("src/metrics/weights")
        .join(name)
}

/// Runs `f` over `x` in chunks without gradients and concatenates the results.
fn batched(x: &Tensor, f: impl Fn(&Tensor) -> Tensor) -> Tensor {
    tch::no_grad(|| Tensor::cat(&x.split(512, 0).iter().map(&f).collect::<Vec<_>>(), 0))
}

/// Face / hair / eye / attribute evaluator: P(face), the hair and eye colour, P(glasses),
/// P(blush), P(smile).
///
/// Its face head is trained against hard negatives ([`FaceEvaluator::train`]): noise, smooth
/// colour fields, faces blurred, noised or occluded past recognition, faces with shuffled
/// patches, means of several faces, featureless heads (the blobs an early generator draws)
/// and samples of untrained DCGAN generators. So "faces found" separates runs: on quick
/// runs of the experiment files it called report000_wgan_gp's step-300 samples (orange blobs
/// with half-formed eyes) faces at 42.8 % and report000_baseline_dcgan's step-400 samples
/// (eyes, mouth, hair) at 87.7 %; the evaluator it replaced called them 98.5 % and 99.8 %.
///
/// Calibration, `calibration(2000, 7)` of the committed weights (the share judged faces,
/// P ≥ 0.5; `cargo test --test evaluators face_evaluator_calibration -- --nocapture` prints
/// it, and checks that real faces pass, non-faces fail and acceptance falls with strength):
///
/// | images | judged faces |
/// |---|---:|
/// | real faces | 100.0 % |
/// | real faces drawn at 64×64 | 100.0 % |
/// | blur σ 0.5 / 0.75 / 1 / 1.5 / 2 / 3 px | 99.9 / 88.3 / 27.5 / 0.0 / 0.0 / 0.0 % |
/// | noise σ 0.05 / 0.1 / 0.2 / 0.3 / 0.5 / 0.8 | 100.0 / 99.9 / 99.5 / 87.6 / 2.3 / 0.0 % |
/// | occluder 0.1 / 0.2 / 0.3 / 0.4 / 0.5 / 0.6 of the side | 100.0 / 98.9 / 53.5 / 13.3 / 0.4 / 0.0 % |
/// | uniform noise | 0.0 % |
/// | featureless heads (sharp; blur σ 1 px) | 0.0 %; 0.0 % |
/// | 8×8 patches shuffled | 0.2 % |
/// | means of 8 faces | 0.0 % |
/// | untrained DCGAN generators | 0.0 % |
///
/// So a face needs its features: a blur of one pixel at 32×32 already rejects most faces.
/// On 2,000 held-out faces, hair and eye colour are right on 100 %, glasses, blush and smile
/// on 99.8–100 % (32×32 and 64×64).
#[derive(Debug)]
pub struct FaceEvaluator(Cnn);

/// What [`FaceEvaluator::judge`] says about each image.
#[derive(Debug)]
pub struct FaceJudgement {
    /// P(face), `[N]`.
    pub face: Tensor,
    /// Hair colour index, `[N]`.
    pub hair: Tensor,
    /// Eye colour index, `[N]`.
    pub eye: Tensor,
    /// P(attribute) for glasses, blush, smile ([`ATTRIBUTES`] order), `[N, 3]`.
    pub attributes: Tensor,
}

/// Mode-collapse numbers for a batch of unconditional samples.
#[derive(Debug, Clone, PartialEq)]
pub struct FaceDiversity {
    /// Share of samples judged to be faces.
    pub face_rate: f64,
    /// Distinct (hair, eye) combinations among the face samples.
    pub combinations: usize,
    /// KL(samples' combination histogram ‖ the data's), in nats (0 = same distribution);
    /// NaN when no sample is a face (there is no histogram to compare), shown as "—".
    pub kl_from_data: f64,
    /// Samples judged.
    pub samples: usize,
}

impl FaceDiversity {
    /// The KL from the data as text: three decimals, or "— (no faces)" when it does not exist.
    pub fn kl_text(&self) -> String {
        if self.kl_from_data.is_nan() {
            "— (no faces)".to_string()
        } else {
            format!("{:.3}", self.kl_from_data)
        }
    }
}

impl std::fmt::Display for FaceDiversity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kl = self.kl_text();
        write!(
            f,
            "{:.1} % faces, {} distinct hair/eye combinations (data: 119), KL from data {kl} (of {} samples)",
            100.0 * self.face_rate,
            self.combinations,
            self.samples
        )
    }
}

/// The face evaluator's logits: P(face), 12 hair colours, 11 eye colours, 3 attributes.
const FACE_OUTPUTS: i64 = 1 + 12 + 11 + 3;
/// Channels of the face evaluator's full-resolution first convolution.
const FACE_STEM: i64 = 16;
const HAIR_AT: i64 = 1;
const EYE_AT: i64 = 13;
const ATTRIBUTES_AT: i64 = 24;

/// Blur strengths (σ in pixels at 32×32) of [`FaceEvaluator::calibration`].
pub const CALIBRATION_BLUR: [f64; 6] = [0.5, 0.75, 1.0, 1.5, 2.0, 3.0];
/// Noise strengths (σ of added Gaussian noise, images in [−1, 1]) of the calibration.
pub const CALIBRATION_NOISE: [f64; 6] = [0.05, 0.1, 0.2, 0.3, 0.5, 0.8];
/// Occluder sides (share of the image width) of the calibration.
pub const CALIBRATION_OCCLUSION: [f64; 6] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];

impl FaceEvaluator {
    /// The evaluator trained by gankit (committed weights).
    pub fn builtin(device: Device) -> Result<Self> {
        Cnn::builtin(device, FACE_OUTPUTS, FACE_STEM, "faces.safetensors").map(FaceEvaluator)
    }

    /// Judges images `[N, 3, S, S]` in [−1, 1].
    pub fn judge(&self, images: &Tensor) -> Result<FaceJudgement> {
        let out = self.0.logits(images, "face evaluator input")?;
        Ok(FaceJudgement {
            face: out.narrow(1, 0, 1).squeeze_dim(1).sigmoid(),
            hair: out.narrow(1, HAIR_AT, 12).argmax(1, false),
            eye: out.narrow(1, EYE_AT, 11).argmax(1, false),
            attributes: out.narrow(1, ATTRIBUTES_AT, 3).sigmoid(),
        })
    }

    /// Share of images judged to be faces (the reports' "face count", as a rate).
    pub fn face_rate(&self, images: &Tensor) -> Result<f64> {
        Ok(self
            .judge(images)?
            .face
            .ge(0.5)
            .to_kind(Kind::Float)
            .mean(Kind::Float)
            .double_value(&[]))
    }

    /// Accuracy of a conditional generator: the share of images whose hair and eye colour
    /// are the requested ones (`hair`, `eye`: class indices `[N]`). Returns (hair, eye, both).
    pub fn tag_accuracy(
        &self,
        images: &Tensor,
        hair: &Tensor,
        eye: &Tensor,
    ) -> Result<(f64, f64, f64)> {
        let j = self.judge(images)?;
        let dev = j.hair.device();
        let h = j.hair.eq_tensor(&hair.to_device(dev).to_kind(Kind::Int64));
        let e = j.eye.eq_tensor(&eye.to_device(dev).to_kind(Kind::Int64));
        let mean = |t: &Tensor| t.to_kind(Kind::Float).mean(Kind::Float).double_value(&[]);
        Ok((mean(&h), mean(&e), mean(&h.logical_and(&e))))
    }

    /// Mode-collapse numbers for unconditional samples (2,000 or more give stable numbers).
    pub fn diversity(&self, images: &Tensor) -> Result<FaceDiversity> {
        let j = self.judge(images)?;
        let faces = j.face.ge(0.5);
        let n = images.size()[0] as usize;
        let hair = Vec::<i64>::try_from(j.hair.masked_select(&faces))
            .map_err(|e| Error::torch("face evaluator", e))?;
        let eye = Vec::<i64>::try_from(j.eye.masked_select(&faces))
            .map_err(|e| Error::torch("face evaluator", e))?;
        let mut hist = [[0f64; 11]; 12];
        for (h, e) in hair.iter().zip(&eye) {
            hist[*h as usize][*e as usize] += 1.0;
        }
        let total = hair.len().max(1) as f64;
        let w = combination_weights();
        let mut kl = 0.0;
        for h in 0..12 {
            for e in 0..11 {
                let p = hist[h][e] / total;
                if p > 0.0 {
                    kl += p * (p / (w[h][e] as f64).max(1e-6)).ln();
                }
            }
        }
        Ok(FaceDiversity {
            face_rate: hair.len() as f64 / n.max(1) as f64,
            combinations: hist.iter().flatten().filter(|&&c| c > 0.0).count(),
            kl_from_data: if hair.is_empty() { f64::NAN } else { kl },
            samples: n,
        })
    }

    /// Trains a face evaluator from scratch on built-in data, deterministically from `seed`
    /// (on the CPU; `cargo test --release --test evaluators -- --ignored train_and_save_faces` runs
    /// the committed 3,000 steps). Each step: 128 faces (half drawn like the data, half with
    /// a uniformly random (hair, eye) pair, so every colour is learnt, gray eyes included; a
    /// quarter drawn at 64×64 and pooled; half mildly degraded: blur σ ≤ 0.6 px, noise
    /// σ ≤ 0.08, a small occluder) against 128 non-faces of 12 kinds (see
    /// [`FaceEvaluator`]'s docs), the face head balanced between the two; hair, eye and
    /// attribute heads on the faces (an occluded face's eyes and attributes are not scored,
    /// nor a blurred face's attributes; attributes weigh twice).
    pub fn train(steps: usize, seed: u64, device: Device) -> Self {
        // One libtorch thread: the result does not depend on the number of cores (and on a
        // shared machine it is faster than threads that spin waiting for each other).
        let threads = tch::get_num_threads();
        tch::set_num_threads(1);
        tch::manual_seed(seed as i64);
        let e = Cnn::new(device, FACE_OUTPUTS, FACE_STEM);
        let mut opt = nn::Adam::default().build(&e.vs, 2e-3).expect("Adam");
        let mut rng = Rng::new(seed);
        // 64 untrained generators (widths 16, 32, 64; BatchNorm on batch or running
        // statistics), 16 samples each: 8 of them per step.
        let untrained = Tensor::cat(
            &(0..64)
                .map(|i| untrained_dcgan_samples(16, [16, 32, 64][i % 3], i % 2 == 0, &mut rng))
                .collect::<Vec<_>>(),
            0,
        );
        for step in 0..steps {
            // Learning rate 2e-3, then 5e-4 and 1e-4 over the last 40 % and 15 %.
            let lr = match step * 100 / steps.max(1) {
                0..=59 => 2e-3,
                60..=84 => 5e-4,
                _ => 1e-4,
            };
            opt.set_lr(lr);
            let step_seed = seed.wrapping_mul(1_000_003).wrapping_add(step as u64);
            let pos = positives(step_seed, &mut rng);
            let neg = negatives(&pos.clean, &untrained, step_seed, &mut rng);
            let n_pos = pos.x.size()[0];
            let x = Tensor::cat(&[&pos.x, &neg], 0).to_device(device);
            let out = e.forward(&x);
            let face = out.narrow(1, 0, 1).squeeze_dim(1);
            let bce = |logits: &Tensor, target: f64| {
                logits.binary_cross_entropy_with_logits::<Tensor>(
                    &logits.full_like(target),
                    None,
                    None,
                    tch::Reduction::Mean,
                )
            };
            let face_loss = bce(&face.narrow(0, 0, n_pos), 1.0)
                + bce(&face.narrow(0, n_pos, neg.size()[0]), 0.0);
            let p = out.narrow(0, 0, n_pos);
            // Mean over the faces where `mask` is 1 of per-face losses.
            let masked_mean = |per_face: Tensor, mask: &Tensor| {
                let mask = mask.to_device(device);
                (per_face * &mask).sum(Kind::Float) / mask.sum(Kind::Float).clamp_min(1.0)
            };
            let eye_loss = masked_mean(
                p.narrow(1, EYE_AT, 11).cross_entropy_loss::<Tensor>(
                    &pos.eye.to_device(device),
                    None,
                    tch::Reduction::None,
                    -100,
                    0.0,
                ),
                &pos.eye_scored,
            );
            // Summed over the three attributes, twice: a smile is a few pixels.
            let attribute_loss = masked_mean(
                p.narrow(1, ATTRIBUTES_AT, 3)
                    .binary_cross_entropy_with_logits::<Tensor>(
                        &pos.attributes.to_device(device),
                        None,
                        None,
                        tch::Reduction::None,
                    )
                    .sum_dim_intlist(1, false, Kind::Float),
                &pos.attributes_scored,
            ) * 2.0;
            let loss = face_loss
                + p.narrow(1, HAIR_AT, 12)
                    .cross_entropy_for_logits(&pos.hair.to_device(device))
                + eye_loss
                + attribute_loss;
            opt.backward_step(&loss);
        }
        tch::set_num_threads(threads);
        FaceEvaluator(e)
    }

    /// Saves the weights (safetensors).
    pub fn save(&self, path: impl AsRef<std::path::Path>) -> Result<()> {
        self.0.save(path.as_ref())
    }

    /// Pooled features `[N, 128]` (FID's built-in feature extractor for faces).
    pub fn features(&self, images: &Tensor) -> Result<Tensor> {
        self.0.features(images, "face evaluator input")
    }

    /// P(glasses), P(blush), P(smile) per image ([`ATTRIBUTES`] order), `[N, 3]`: the
    /// built-in faces' attributes as this evaluator sees them (independently of a StarGAN's
    /// own D).
    pub fn attributes(&self, images: &Tensor) -> Result<Tensor> {
        Ok(self.judge(images)?.attributes)
    }

    /// Per attribute ([`ATTRIBUTES`] order: glasses, blush, smile), the share of images where
    /// the evaluator's call (P ≥ 0.5) is the one `targets` asks for (`[N, 3]`, 1 = has it;
    /// the rows of [`crate::data::faces::FaceLabels::Attributes`]).
    pub fn attribute_accuracy(&self, images: &Tensor, targets: &Tensor) -> Result<Vec<f64>> {
        let n = images.size().first().copied().unwrap_or(0);
        if targets.size() != [n, 3] {
            return Err(Error::shape(
                "attribute targets",
                format!("[{n}, 3] (one row per image: glasses, blush, smile)"),
                &targets.size(),
            ));
        }
        let p = self.attributes(images)?;
        let hit = p
            .ge(0.5)
            .eq_tensor(&targets.to_device(p.device()).ge(0.5))
            .to_kind(Kind::Float)
            .mean_dim(0, false, Kind::Float);
        Vec::<f64>::try_from(hit.to_kind(Kind::Double))
            .map_err(|e| Error::torch("attribute accuracy", e))
    }

    /// StarGAN's attribute edits judged independently of its D: for each of `domains`'
    /// attributes, its name and the share of `images` where this evaluator's call agrees with
    /// the attribute column of `targets` (StarGAN's label rows, `[N, c_dim]`).
    pub fn domain_attribute_accuracy(
        &self,
        domains: &StarDomains,
        images: &Tensor,
        targets: &Tensor,
    ) -> Result<Vec<(String, f64)>> {
        let n = images.size().first().copied().unwrap_or(0);
        if targets.size() != [n, domains.c_dim()] {
            return Err(Error::shape(
                "StarGAN targets",
                format!("[{n}, {}] (one label row per image)", domains.c_dim()),
                &targets.size(),
            ));
        }
        let p = self.attributes(images)?.ge(0.5);
        let t = targets.to_device(p.device()).ge(0.5);
        let nh = domains.hair.len() as i64;
        Ok(domains
            .attributes
            .iter()
            .enumerate()
            .map(|(i, &a)| {
                let acc = p
                    .select(1, a as i64)
                    .eq_tensor(&t.select(1, nh + i as i64))
                    .to_kind(Kind::Float)
                    .mean(Kind::Float)
                    .double_value(&[]);
                (ATTRIBUTES[a].to_string(), acc)
            })
            .collect())
    }

    /// What this evaluator accepts as a face (P ≥ 0.5): for each set of
    /// [`calibration_sets`]`(n, seed)`, its name and the share judged faces. The table in
    /// [`FaceEvaluator`]'s docs is `calibration(2000, 7)` of the committed weights
    /// ([`calibration_table`] prints it).
    pub fn calibration(&self, n: usize, seed: u64) -> Result<Vec<(String, f64)>> {
        calibration_sets(n, seed)
            .into_iter()
            .map(|(name, x)| Ok((name, self.face_rate(&x)?)))
            .collect()
    }
}

/// The image sets of the face evaluator's calibration, `n` images each (`n / 8` means of
/// faces), 32×32, drawn from `seed`, named. In order: real faces (drawn at 32 and at 64);
/// real faces blurred ([`CALIBRATION_BLUR`]: "blur σ 0.5 px" …), under Gaussian noise
/// ([`CALIBRATION_NOISE`]: "noise σ 0.05" …) and under a flat gray square over the eyes,
/// nose or mouth ([`CALIBRATION_OCCLUSION`]: "occluder 0.1 of the side" …); uniform noise;
/// the same heads without their features (eyes, mouth, fringe detail: see
/// [`render_featureless_heads`]), sharp and blurred; faces with their 8×8 patches shuffled;
/// means of 8 faces; samples of untrained DCGAN generators (report 001's G at 32×32, DCGAN
/// initialisation). Faces and degradations are drawn from different seeds than training's.
pub fn calibration_sets(n: usize, seed: u64) -> Vec<(String, Tensor)> {
    let specs = face_specs(&FacesConfig {
        n,
        size: 32,
        seed,
        ..Default::default()
    });
    let faces = render_faces(&specs, 32, seed);
    let mut rng = Rng::new(seed ^ 0xCA1B);
    let mut sets = vec![
        ("real faces".to_string(), faces.shallow_clone()),
        (
            "real faces drawn at 64×64".to_string(),
            render_faces(&specs, 64, seed),
        ),
    ];
    for s in CALIBRATION_BLUR {
        sets.push((format!("blur σ {s} px"), blur(&faces, s)));
    }
    for s in CALIBRATION_NOISE {
        sets.push((format!("noise σ {s}"), add_noise(&faces, s, &mut rng)));
    }
    for s in CALIBRATION_OCCLUSION {
        sets.push((
            format!("occluder {s} of the side"),
            occlude(&faces, s, &mut rng),
        ));
    }
    sets.push((
        "uniform noise".into(),
        uniform_noise(n as i64, 32, &mut rng),
    ));
    let heads = render_featureless_heads(&specs, 32, seed);
    sets.push(("featureless heads, blur σ 1 px".into(), blur(&heads, 1.0)));
    sets.insert(sets.len() - 1, ("featureless heads".into(), heads));
    sets.push((
        "8×8 patches shuffled".into(),
        shuffle_patches(&faces, 4, &mut rng),
    ));
    sets.push(("means of 8 faces".into(), average_groups(&faces, 8)));
    let untrained: Vec<Tensor> = (0..n.div_ceil(100))
        .map(|i| untrained_dcgan_samples(100, 64, i % 2 == 0, &mut rng))
        .collect();
    sets.push((
        "untrained DCGAN generators".into(),
        Tensor::cat(&untrained, 0).narrow(0, 0, n as i64),
    ));
    sets
}

/// The rows of [`FaceEvaluator::calibration`] as a Markdown table.
pub fn calibration_table(rows: &[(String, f64)]) -> String {
    let mut s = String::from("| images | judged faces |\n|---|---:|\n");
    for (name, rate) in rows {
        s += &format!("| {name} | {:.1} % |\n", 100.0 * rate);
    }
    s
}

/// One training batch of faces for the face evaluator.
struct Positives {
    /// The faces as trained on (half of them mildly degraded), `[128, 3, 32, 32]`.
    x: Tensor,
    /// The same faces undegraded (what the hard negatives are made from).
    clean: Tensor,
    hair: Tensor,
    eye: Tensor,
    /// Attribute flags `[128, 3]`.
    attributes: Tensor,
    /// 1 where the eye colour is scored (not occluded), `[128]`.
    eye_scored: Tensor,
    /// 1 where the attributes are scored (neither occluded nor blurred), `[128]`.
    attributes_scored: Tensor,
}

/// 128 faces: 64 drawn like the data, 64 with uniformly random colours; the last 32 drawn at
/// 64×64 and pooled to 32×32; in chunks of 16 after shuffling: four clean, then mild blur,
/// mild noise, a small occluder, mild blur and noise.
fn positives(step_seed: u64, rng: &mut Rng) -> Positives {
    let mut specs: Vec<FaceSpec> = (0..128u64)
        .map(|i| {
            let mut r = Rng::for_item(step_seed, i);
            if i < 64 {
                FaceSpec::random(&mut r)
            } else {
                let (h, e) = (r.below(12), r.below(11));
                FaceSpec::with_colors(h, e, &mut r)
            }
        })
        .collect();
    rng.shuffle(&mut specs);
    let clean = Tensor::cat(
        &[
            render_faces(&specs[..96], 32, step_seed),
            render_faces(&specs[96..], 64, step_seed).adaptive_avg_pool2d([32, 32]),
        ],
        0,
    );
    // Shuffle again so that the 64×64 ones spread over the chunks.
    let mut order: Vec<i64> = (0..128).collect();
    rng.shuffle(&mut order);
    let order_t = Tensor::from_slice(&order);
    let clean = clean.index_select(0, &order_t);
    let specs: Vec<&FaceSpec> = order.iter().map(|&i| &specs[i as usize]).collect();
    let chunk = |k: i64| clean.narrow(0, 16 * k, 16);
    let x = Tensor::cat(
        &[
            clean.narrow(0, 0, 64),
            blur(&chunk(4), rng.range(0.2, 0.6) as f64),
            add_noise(&chunk(5), rng.range(0.02, 0.08) as f64, rng),
            occlude(&chunk(6), rng.range(0.05, 0.15) as f64, rng),
            add_noise(
                &blur(&chunk(7), rng.range(0.2, 0.5) as f64),
                rng.range(0.02, 0.05) as f64,
                rng,
            ),
        ],
        0,
    );
    let mask = |skip: &[i64]| -> Tensor {
        let v: Vec<f32> = (0..128)
            .map(|i| if skip.contains(&(i / 16)) { 0.0 } else { 1.0 })
            .collect();
        Tensor::from_slice(&v)
    };
    let attributes: Vec<f32> = specs
        .iter()
        .flat_map(|s| s.attributes().map(|a| if a { 1.0 } else { 0.0 }))
        .collect();
    Positives {
        x,
        clean,
        hair: Tensor::from_slice(&specs.iter().map(|s| s.hair as i64).collect::<Vec<_>>()),
        eye: Tensor::from_slice(&specs.iter().map(|s| s.eye as i64).collect::<Vec<_>>()),
        attributes: Tensor::from_slice(&attributes).view([128, 3]),
        eye_scored: mask(&[6]),
        attributes_scored: mask(&[4, 6, 7]),
    }
}

/// Samples of an untrained report-001 DCGAN generator at 32×32 (width `ngf`), its weights
/// drawn from `rng` with DCGAN's initialisation, BatchNorm on batch statistics (`train`) or
/// on its initial running statistics.
pub(crate) fn untrained_dcgan_samples(n: i64, ngf: i64, train: bool, rng: &mut Rng) -> Tensor {
    let vs = nn::VarStore::new(Device::Cpu);
    let g = dcgan_generator(
        vs.root(),
        &DcganConfig {
            ngf,
            image_size: 32,
            ..Default::default()
        },
    );
    let mut vars: Vec<(String, Tensor)> = vs.variables().into_iter().collect();
    vars.sort_by(|a, b| a.0.cmp(&b.0));
    tch::no_grad(|| {
        for (name, t) in &mut vars {
            let size = t.size();
            let count: i64 = size.iter().product();
            let (mean, std) = match (name.ends_with("weight"), size.len()) {
                (true, 1) => (1.0, 0.02),
                (true, _) => (0.0, 0.02),
                _ => continue,
            };
            let v: Vec<f32> = (0..count).map(|_| mean + std * rng.normal()).collect();
            t.copy_(&Tensor::from_slice(&v).view(size.as_slice()));
        }
    });
    let z: Vec<f32> = (0..n * 100).map(|_| rng.normal()).collect();
    let z = Tensor::from_slice(&z).view([n, 100]);
    tch::no_grad(|| {
        g.try_forward_t(&z, train)
            .expect("an untrained DCGAN G runs")
    })
}

/// Featureless heads (the faces' blobs without eyes, mouth or fringe detail), some blurred,
/// with their colours jittered: what an early generator draws.
fn blobs(n: usize, seed: u64, rng: &mut Rng) -> Tensor {
    let specs: Vec<FaceSpec> = (0..n as u64)
        .map(|i| {
            let mut r = Rng::for_item(seed ^ 0xB10B, i);
            let (h, e) = (r.below(12), r.below(11));
            FaceSpec::with_colors(h, e, &mut r)
        })
        .collect();
    let x = render_featureless_heads(&specs, 32, seed);
    let half = n as i64 / 2;
    let x = Tensor::cat(
        &[
            x.narrow(0, 0, half),
            blur(
                &x.narrow(0, half, n as i64 - half),
                rng.range(0.3, 1.5) as f64,
            ),
        ],
        0,
    );
    let gain: Vec<f32> = (0..n * 3).map(|_| rng.range(0.8, 1.2)).collect();
    let shift: Vec<f32> = (0..n * 3).map(|_| rng.range(-0.15, 0.15)).collect();
    (x * Tensor::from_slice(&gain).view([n as i64, 3, 1, 1])
        + Tensor::from_slice(&shift).view([n as i64, 3, 1, 1]))
    .clamp(-1.0, 1.0)
}

/// 128 non-faces for one training batch, 8 of each kind unless said: uniform noise,
/// Gaussian noise, smooth colour fields, flat colours, faces with 8×8 patches shuffled,
/// faces blended half-way with noise, faces blurred (16: σ 1.5–2.5 and 2.5–4 px), faces
/// under strong noise (σ 0.6–1), faces under a large occluder (0.45–0.7 of the side),
/// featureless heads (32, half of them blurred), samples of untrained DCGAN generators,
/// means of 8 faces.
fn negatives(faces: &Tensor, untrained: &Tensor, step_seed: u64, rng: &mut Rng) -> Tensor {
    let n = faces.size()[0];
    let opts = (Kind::Float, Device::Cpu);
    let k = 8;
    let pick = |i: i64| faces.narrow(0, (i * k) % n, k);
    let noise = uniform_noise(k, 32, rng);
    let gaussian =
        (Tensor::randn([k, 3, 32, 32], opts) * rng.range(0.3, 1.0) as f64).clamp(-1.0, 1.0);
    let smooth = Tensor::randn([k, 3, 4, 4], opts)
        .upsample_bilinear2d([32, 32], false, None, None)
        .tanh();
    let flat = (Tensor::rand([k, 3, 1, 1], opts) * 2 - 1)
        .expand([k, 3, 32, 32], false)
        .contiguous();
    let shuffled = shuffle_patches(&pick(0), 4, rng);
    let blended = pick(1) * 0.5 + uniform_noise(k, 32, rng) * 0.5;
    let blurred = Tensor::cat(
        &[
            blur(&pick(2), rng.range(1.5, 2.5) as f64),
            blur(&pick(3), rng.range(2.5, 4.0) as f64),
        ],
        0,
    );
    let noisy = add_noise(&pick(4), rng.range(0.6, 1.0) as f64, rng);
    let occluded = occlude(&pick(5), rng.range(0.45, 0.7) as f64, rng);
    let heads = blobs(4 * k as usize, step_seed, rng);
    let from = rng.below((untrained.size()[0] / k) as usize) as i64;
    let untrained = untrained.narrow(0, from * k, k);
    let mut order: Vec<i64> = (0..8 * k).collect();
    rng.shuffle(&mut order);
    let averaged = average_groups(&faces.index_select(0, &Tensor::from_slice(&order)), 8);
    Tensor::cat(
        &[
            noise, gaussian, smooth, flat, shuffled, blended, blurred, noisy, occluded, heads,
            untrained, averaged,
        ],
        0,
    )
}

/// Object evaluator: 24 independent "is this class in the scene" outputs.
#[derive(Debug)]
pub struct ObjectEvaluator(Cnn);

impl ObjectEvaluator {
    /// The evaluator trained by gankit (committed weights).
    pub fn builtin(device: Device) -> Result<Self> {
        Cnn::builtin(device, N_CLASSES as i64, 0, "objects.safetensors").map(ObjectEvaluator)
    }

    /// Class logits `[N, 24]`.
    pub fn logits(&self, images: &Tensor) -> Result<Tensor> {
        self.0.logits(images, "object evaluator input")
    }

    /// Pooled features `[N, 128]` (FID's built-in feature extractor for objects).
    pub fn features(&self, images: &Tensor) -> Result<Tensor> {
        self.0.features(images, "object evaluator input")
    }

    /// The i-CLEVR accuracy: per image, of the k requested objects (`labels`: multi-hot
    /// `[N, 24]`), the share among the evaluator's top-k classes; averaged over images.
    pub fn accuracy(&self, images: &Tensor, labels: &Tensor) -> Result<f64> {
        let logits = self.logits(images)?;
        let labels = labels.to_device(logits.device()).to_kind(Kind::Float);
        let ks = Vec::<f32>::try_from(labels.sum_dim_intlist(1, false, Kind::Float))
            .map_err(|e| Error::torch("object accuracy", e))?;
        let mut total = 0.0;
        for (i, &k) in ks.iter().enumerate() {
            let (_, top) = logits.get(i as i64).topk(k.max(1.0) as i64, 0, true, true);
            let hit = labels
                .get(i as i64)
                .index_select(0, &top)
                .sum(Kind::Float)
                .double_value(&[]);
            total += hit / k.max(1.0) as f64;
        }
        Ok(total / ks.len().max(1) as f64)
    }

    /// Trains an object evaluator on built-in scenes.
    pub fn train(steps: usize, seed: u64, device: Device) -> Self {
        tch::manual_seed(seed as i64);
        let e = Cnn::new(device, N_CLASSES as i64, 0);
        let mut opt = nn::Adam::default().build(&e.vs, 2e-3).expect("Adam");
        for step in 0..steps {
            let scenes = object_scenes(128, seed.wrapping_mul(1_000_003).wrapping_add(step as u64));
            let x = render_scenes(&scenes, 32).to_device(device);
            let y = crate::data::objects::multi_hot(
                &scenes.iter().map(Scene::classes).collect::<Vec<_>>(),
            )
            .to_device(device);
            let loss = e.forward(&x).binary_cross_entropy_with_logits::<Tensor>(
                &y,
                None,
                None,
                tch::Reduction::Mean,
            );
            opt.backward_step(&loss);
        }
        ObjectEvaluator(e)
    }

    /// Saves the weights (safetensors).
    pub fn save(&self, path: impl AsRef<std::path::Path>) -> Result<()> {
        self.0.save(path.as_ref())
    }
}

/// The specs of a held-out face set (seeds far from those training uses).
pub fn held_out_faces(n: usize, size: usize) -> (Tensor, Vec<FaceSpec>) {
    let cfg = FacesConfig {
        n,
        size,
        seed: 0xE7A1_0000,
        ..Default::default()
    };
    let specs = face_specs(&cfg);
    (render_faces(&specs, size, cfg.seed), specs)
}

impl FaceEvaluator {
    /// StarGAN's hair edits judged independently of its D: the share of `images` whose hair
    /// colour, as this evaluator sees it (all 12 colours), is the one `targets` asks for in
    /// `domains`' hair group; rows whose hair group is empty are skipped
    /// (None when no row has a hair target). An independent judge, unlike D's classifier.
    pub fn hair_accuracy(
        &self,
        domains: &StarDomains,
        images: &Tensor,
        targets: &Tensor,
    ) -> Result<Option<f64>> {
        let nh = domains.hair.len() as i64;
        if nh == 0 {
            return Ok(None);
        }
        let judged = Vec::<i64>::try_from(self.judge(images)?.hair.to_device(Device::Cpu))
            .map_err(|e| Error::torch("hair accuracy", e))?;
        let group = Vec::<f32>::try_from(
            targets
                .narrow(1, 0, nh)
                .to_device(Device::Cpu)
                .to_kind(Kind::Float)
                .contiguous()
                .view([-1]),
        )
        .map_err(|e| Error::torch("hair accuracy", e))?;
        let (mut hit, mut total) = (0usize, 0usize);
        for (row, &j) in group.chunks(nh as usize).zip(&judged) {
            if let Some(k) = row.iter().position(|&v| v > 0.5) {
                total += 1;
                hit += usize::from(domains.hair[k] as i64 == j);
            }
        }
        Ok((total > 0).then(|| hit as f64 / total as f64))
    }
}
