//! Evaluator networks trained by gankit on the built-in data: they turn what the reports
//! judged by eye into numbers.
//!
//! - [`FaceEvaluator`]: is it a face (the reports' face count), which hair colour, which eye
//!   colour; and from those, the number of distinct (hair, eye) combinations among samples and
//!   the KL divergence of their histogram from the data's (a mode-collapse number);
//! - [`ObjectEvaluator`]: which of the 24 object classes are in a scene; the i-CLEVR accuracy.
//!
//! Both take images `[N, 3, H, W]` in [−1, 1] at any H = W ≥ 32 (they look at 32×32). Their
//! weights are committed under `src/metrics/weights/` and loaded by `builtin()`; `train`
//! makes them again (`cargo test --release --test evaluators -- --ignored` rewrites them).
use crate::data::domains::StarDomains;
use crate::data::faces::{combination_weights, face_specs, render_faces, FaceSpec, FacesConfig};
use crate::data::objects::{object_scenes, render_scenes, Scene, N_CLASSES};
use crate::data::rng::Rng;
use crate::error::{Error, Result};
use std::path::PathBuf;
use tch::nn::{self, Module, OptimizerConfig};
use tch::{Device, Kind, Tensor};

/// Width of the evaluators' pooled features (what FID compares).
pub const FEATURES: i64 = 128;

/// The small CNN both evaluators use: three stride-2 convolutions and global average pooling
/// at 32×32 (the features), then a linear head with `outputs` logits.
fn trunk_and_head(p: &nn::Path, outputs: i64) -> (nn::Sequential, nn::Linear) {
    let conv = |i, o, name: &str| {
        nn::conv2d(
            p / name,
            i,
            o,
            3,
            nn::ConvConfig {
                stride: 2,
                padding: 1,
                ..Default::default()
            },
        )
    };
    let trunk = nn::seq()
        .add(conv(3, 32, "c1"))
        .add_fn(|x| x.leaky_relu())
        .add(conv(32, 64, "c2"))
        .add_fn(|x| x.leaky_relu())
        .add(conv(64, FEATURES, "c3"))
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
    fn new(device: Device, outputs: i64) -> Self {
        let vs = nn::VarStore::new(device);
        let (trunk, head) = trunk_and_head(&vs.root(), outputs);
        Cnn { vs, trunk, head }
    }

    fn builtin(device: Device, outputs: i64, file: &str) -> Result<Self> {
        let mut c = Self::new(device, outputs);
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

/// Face / hair / eye evaluator.
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

impl std::fmt::Display for FaceDiversity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kl = if self.kl_from_data.is_nan() {
            "— (no faces)".to_string()
        } else {
            format!("{:.3}", self.kl_from_data)
        };
        write!(
            f,
            "{:.1} % faces, {} distinct hair/eye combinations (data: 119), KL from data {kl} (of {} samples)",
            100.0 * self.face_rate,
            self.combinations,
            self.samples
        )
    }
}

const FACE_OUTPUTS: i64 = 1 + 12 + 11;

impl FaceEvaluator {
    /// The evaluator trained by gankit (committed weights).
    pub fn builtin(device: Device) -> Result<Self> {
        Cnn::builtin(device, FACE_OUTPUTS, "faces.safetensors").map(FaceEvaluator)
    }

    /// Judges images `[N, 3, S, S]` in [−1, 1].
    pub fn judge(&self, images: &Tensor) -> Result<FaceJudgement> {
        let out = self.0.logits(images, "face evaluator input")?;
        Ok(FaceJudgement {
            face: out.narrow(1, 0, 1).squeeze_dim(1).sigmoid(),
            hair: out.narrow(1, 1, 12).argmax(1, false),
            eye: out.narrow(1, 13, 11).argmax(1, false),
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

    /// Trains a face evaluator from scratch on built-in data (about a minute on 2 cores).
    /// Negatives for the face head: noise, smooth random colour fields, faces with shuffled
    /// patches, flat colours, and faces blended half-way with noise.
    pub fn train(steps: usize, seed: u64, device: Device) -> Self {
        let e = Cnn::new(device, FACE_OUTPUTS);
        tch::manual_seed(seed as i64);
        let mut opt = nn::Adam::default().build(&e.vs, 2e-3).expect("Adam");
        let mut rng = Rng::new(seed);
        for step in 0..steps {
            let cfg = FacesConfig {
                n: 128,
                size: 32,
                seed: seed.wrapping_mul(1_000_003).wrapping_add(step as u64),
                ..Default::default()
            };
            let specs = face_specs(&cfg);
            let faces = render_faces(&specs, 32, cfg.seed).to_device(device);
            let neg = negatives(&faces, &mut rng);
            let x = Tensor::cat(&[&faces, &neg], 0);
            let out = e.forward(&x);
            let is_face = Tensor::cat(
                &[
                    Tensor::ones([128], (Kind::Float, device)),
                    Tensor::zeros([neg.size()[0]], (Kind::Float, device)),
                ],
                0,
            );
            let face_loss = out
                .narrow(1, 0, 1)
                .squeeze_dim(1)
                .binary_cross_entropy_with_logits::<Tensor>(
                    &is_face,
                    None,
                    None,
                    tch::Reduction::Mean,
                );
            let hair = Tensor::from_slice(&specs.iter().map(|s| s.hair as i64).collect::<Vec<_>>())
                .to_device(device);
            let eye = Tensor::from_slice(&specs.iter().map(|s| s.eye as i64).collect::<Vec<_>>())
                .to_device(device);
            let pos = out.narrow(0, 0, 128);
            let loss = face_loss
                + pos.narrow(1, 1, 12).cross_entropy_for_logits(&hair)
                + pos.narrow(1, 13, 11).cross_entropy_for_logits(&eye);
            opt.backward_step(&loss);
        }
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
}

/// Non-faces of the same size as `faces` (one batch): a mix of five kinds.
fn negatives(faces: &Tensor, rng: &mut Rng) -> Tensor {
    let s = faces.size();
    let (n, dev) = (s[0], faces.device());
    let opts = (Kind::Float, dev);
    let k = n / 5;
    let noise = Tensor::rand([k, 3, 32, 32], opts) * 2 - 1;
    let smooth = Tensor::randn([k, 3, 4, 4], opts)
        .upsample_bilinear2d([32, 32], false, None, None)
        .tanh();
    let flat = (Tensor::rand([k, 3, 1, 1], opts) * 2 - 1)
        .expand([k, 3, 32, 32], false)
        .contiguous();
    // Faces cut into 4×4 patches of 8×8 pixels, shuffled.
    let mut perm: Vec<i64> = (0..16).collect();
    rng.shuffle(&mut perm);
    let f = faces.narrow(0, 0, k);
    let patches = f
        .view([k, 3, 4, 8, 4, 8])
        .permute([0, 1, 2, 4, 3, 5])
        .reshape([k, 3, 16, 8, 8]);
    let shuffled = patches
        .index_select(2, &Tensor::from_slice(&perm).to_device(dev))
        .view([k, 3, 4, 4, 8, 8])
        .permute([0, 1, 2, 4, 3, 5])
        .reshape([k, 3, 32, 32]);
    let blended = faces.narrow(0, k, k) * 0.5 + (Tensor::rand([k, 3, 32, 32], opts) * 2 - 1) * 0.5;
    Tensor::cat(&[noise, smooth, flat, shuffled, blended], 0)
}

/// Object evaluator: 24 independent "is this class in the scene" outputs.
#[derive(Debug)]
pub struct ObjectEvaluator(Cnn);

impl ObjectEvaluator {
    /// The evaluator trained by gankit (committed weights).
    pub fn builtin(device: Device) -> Result<Self> {
        Cnn::builtin(device, N_CLASSES as i64, "objects.safetensors").map(ObjectEvaluator)
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
        let e = Cnn::new(device, N_CLASSES as i64);
        tch::manual_seed(seed as i64);
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
