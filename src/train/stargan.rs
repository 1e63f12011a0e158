//! StarGAN (Choi et al. 2018; report 001 §6): one generator translates an image to any set
//! of target domains c (a label vector), one discriminator both judges real/fake (a PatchGAN
//! map) and classifies the domains. The d2l pieces are [`StarGan::update_d`],
//! [`StarGan::update_g`], [`Trainer::step`], [`Trainer::train`]; [`StarGan::translate`] turns
//! one input into each target.
//!
//! ```no_run
//! use gankit::prelude::*;
//! let domains = StarDomains::default();               // black/blonde/brown hair, glasses, smile
//! let data = domains.faces(2048, 32, 0);
//! let nets = StarGanConfig { image_size: 32, c_dim: domains.c_dim(), conv_dim: 32, g_repeat: 3, d_repeat: 5, ..Default::default() };
//! let mut gan = StarGan::new(&nets, StarTrainConfig::default(), Device::Cpu)? // WGAN-GP, λ_cls 1, λ_rec 10
//!     .with_data(&data)?
//!     .with_hair_group(domains.hair.len());
//! gan.train(2000, TrainOptions::new().print_every(100))?;
//! let inputs = data.head(4);
//! let c_org = inputs.labels.unwrap();
//! let outs = gan.translate(&inputs.x, &domains.targets(&c_org))?;  // one output per domain
//! # Ok::<(), gankit::Error>(())
//! ```
//!
//! The built-in faces stand in for CelebA. yunjey/stargan's CelebA domains are Black_Hair,
//! Blond_Hair, Brown_Hair (one group: at most one is set), Male and Young; report 001 added
//! black hair, male, young and mustache. [`StarDomains::default`] takes the faces' black,
//! blonde and brown hair (the same mutually exclusive group, the other nine hair colours left
//! out of the data) and two binary attributes the faces draw visibly, glasses (for male) and
//! smile (for young); `StarDomains { attributes: vec![0, 1, 2], .. }` adds blush (for
//! mustache).
use super::checkpoint::{nets_and_train, Parts, Restored};
use super::core::{Core, Stream};
use super::cyclegan::no_notes;
use super::gan::{finite, seed_step};
use super::history::StepRecord;
use super::preview::{ImagePreview, Preview};
use super::trainer::sealed::Stateful;
use super::trainer::Trainer;
use crate::data::domains::domain_targets;
use crate::data::{Batch, Dataset};
use crate::error::{Error, Result};
use crate::losses::{GradientPenalty, Loss, LossConfig};
use crate::nets::{
    stargan_discriminator, stargan_generator, StarGanConfig, StarGanDiscriminator, StarGanGenerator,
};
use crate::optim::{GanOptimizers, LrSchedule, Optimizer, OptimizerState};
use std::path::Path;
use std::time::Instant;
use tch::{nn, Device, Kind, Reduction, Tensor};

/// Everything a StarGAN run decides. `Default` is the StarGAN paper's (and yunjey's code):
///
/// ```text
/// c' = a random permutation of the batch's labels c (each row a real label row, so the hair
///      group stays one-hot or empty)
/// L_D = ℓ_D(D_src(x), D_src(G(x, c'))) + λ_gp·E[(‖∇ D_src(x̂)‖₂ − 1)²] + λ_cls·L_cls(D_cls(x), c)
///                 d_adv                              gp                        d_cls
/// L_G = ℓ_G(D_src(G(x, c'))) + λ_cls·L_cls(D_cls(G(x, c')), c') + λ_rec·E|x − G(G(x, c'), c)|
///                 g_adv                          g_cls                         rec
/// L_cls(logits, c) = Σ_k BCEWithLogits(logits_k, c_k), averaged over the batch
///                    (yunjey: BCE summed over domains / batch size)
/// ```
///
/// ℓ_D, ℓ_G are [`StarTrainConfig::loss`]'s (WGAN: ℓ_D = −E D_src(x) + E D_src(x_f), ℓ_G =
/// −E D_src(x_f)), x̂ = αx + (1 − α)G(x, c') with α ~ U[0, 1) per image (gankit's
/// [`GradientPenalty`]). The recorded terms are weighted (λ included) and add up to the
/// losses.
#[derive(Debug, Clone, PartialEq)]
pub struct StarTrainConfig {
    /// The adversarial loss on D's real/fake map: WGAN.
    pub loss: LossConfig,
    /// The gradient penalty on D's real/fake map (its λ is λ_gp): λ 10. None: no penalty.
    pub gradient_penalty: Option<GradientPenalty>,
    /// λ_cls, weight of the domain classification terms: 1.
    pub lambda_cls: f64,
    /// λ_rec, weight of the reconstruction L1: 10.
    pub lambda_rec: f64,
    /// One G update every `n_critic` steps (each step is one D update): 5.
    pub n_critic: usize,
    /// Adam 1e-4, betas (0.5, 0.999), for G and D.
    pub optimizers: GanOptimizers,
    /// Minibatch size of [`StarGan::batches`]' stream: 16.
    pub batch_size: usize,
    /// Seeds the initial weights and each step's randomness.
    pub seed: u64,
    /// How both learning rates move: constant (the default); the papers' linear decay over
    /// the second half of a run is `LrSchedule::linear(half, half)` in steps.
    pub lr_schedule: LrSchedule,
}

impl Default for StarTrainConfig {
    /// The StarGAN paper: WGAN-GP (λ_gp 10), λ_cls 1, λ_rec 10, n_critic 5, Adam 1e-4 (0.5,
    /// 0.999), batch 16, constant rates (the paper decays them linearly over the second half:
    /// set `lr_schedule`).
    fn default() -> Self {
        StarTrainConfig {
            loss: Loss::Wgan.into(),
            gradient_penalty: Some(GradientPenalty::new(10.0)),
            lambda_cls: 1.0,
            lambda_rec: 10.0,
            n_critic: 5,
            optimizers: GanOptimizers::same(Optimizer::adam(1e-4).betas(0.5, 0.999)),
            batch_size: 16,
            seed: 0,
            lr_schedule: LrSchedule::Constant,
        }
    }
}

impl StarTrainConfig {
    /// Checks every value; the error names the key ("StarTrainConfig.n_critic: …").
    pub fn validate(&self) -> Result<()> {
        let bad =
            |key: &str, msg: String| Err(Error::setting(format!("StarTrainConfig.{key}"), msg));
        self.lr_schedule.validate("StarTrainConfig.lr_schedule")?;
        if self.batch_size == 0 {
            return bad("batch_size", "must be at least 1".into());
        }
        if self.n_critic == 0 {
            return bad("n_critic", "must be at least 1 (1 = G every step)".into());
        }
        let gp = self.gradient_penalty.map_or(0.0, |g| g.lambda);
        for (key, v) in [
            ("lambda_cls", self.lambda_cls),
            ("lambda_rec", self.lambda_rec),
            ("gradient_penalty.lambda", gp),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return bad(key, format!("must be a finite number ≥ 0, got {v}"));
            }
        }
        let (wr, wf) = (self.loss.real_weight, self.loss.fake_weight);
        if !(wr.is_finite() && wf.is_finite() && wr >= 0.0 && wf >= 0.0) {
            return bad(
                "loss",
                format!("the real and fake weights must be finite and ≥ 0, got {wr}:{wf}"),
            );
        }
        if matches!(
            self.loss.loss,
            Loss::Minimax(crate::losses::DOutput::Probability)
                | Loss::NonSaturating(crate::losses::DOutput::Probability)
        ) {
            return bad(
                "loss",
                format!(
                    "{}: StarGAN's D outputs raw scores (no Sigmoid); use Loss::BCE_WITH_LOGITS",
                    self.loss.loss
                ),
            );
        }
        self.optimizers
            .g
            .validate()
            .map_err(|e| Error::setting("StarTrainConfig.optimizers.g", e.to_string()))?;
        self.optimizers
            .d
            .validate()
            .map_err(|e| Error::setting("StarTrainConfig.optimizers.d", e.to_string()))?;
        Ok(())
    }
}

/// What one D update measured (weighted terms: `loss = adv + cls + gp`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StarDUpdate {
    pub loss: f64,
    /// ℓ_D on the real/fake map.
    pub adv: f64,
    /// λ_cls·L_cls(D_cls(x), c_org), on real images.
    pub cls: f64,
    /// The gradient penalty, λ_gp included (0 without one).
    pub gp: f64,
    /// E D_src(x).
    pub d_real: f64,
    /// E D_src(G(x, c')).
    pub d_fake: f64,
    pub grad_norm: f64,
}

/// What one G update measured (weighted terms: `loss = adv + cls + rec`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StarGUpdate {
    pub loss: f64,
    /// ℓ_G on D's map of the fakes.
    pub adv: f64,
    /// λ_cls·L_cls(D_cls(G(x, c')), c').
    pub cls: f64,
    /// λ_rec·E|x − G(G(x, c'), c)|.
    pub rec: f64,
    /// E D_src(G(x, c')).
    pub d_fake: f64,
    pub grad_norm: f64,
}

/// StarGAN: G, D, their optimizers, the data and the run's record. The networks, stores and
/// configs are fixed for the run and read through accessors.
#[derive(Debug)]
pub struct StarGan {
    g: StarGanGenerator,
    d: StarGanDiscriminator,
    /// G's and D's variables and optimizers; batches drawn count one per step.
    core: Core,
    nets: StarGanConfig,
    config: StarTrainConfig,
    stream: Stream,
    /// The first `hair_group` label columns are one mutually exclusive group.
    hair_group: usize,
    /// The label columns' names (from the data).
    domain_names: Vec<String>,
    /// The faces the preview translates (with their labels).
    shown: Option<Batch>,
}

/// Σ over domains of BCE with logits, averaged over the batch (yunjey's `classification_loss`
/// for CelebA).
fn classification_loss(logits: &Tensor, target: &Tensor) -> Tensor {
    let n = logits.size()[0].max(1) as f64;
    logits.binary_cross_entropy_with_logits::<Tensor>(target, None, None, Reduction::Sum) / n
}

impl StarGan {
    /// Checks the config, seeds libtorch with `config.seed`, builds G and D (PyTorch's default
    /// init) and their optimizers.
    pub fn new(nets: &StarGanConfig, config: StarTrainConfig, device: Device) -> Result<Self> {
        crate::device::keep_freed_memory();
        config.validate()?;
        tch::manual_seed(config.seed as i64);
        let vs_g = nn::VarStore::new(device);
        let vs_d = nn::VarStore::new(device);
        let g = stargan_generator(vs_g.root(), nets);
        let d = stargan_discriminator(vs_d.root(), nets);
        let core = Core::new(vs_g, vs_d, &config.optimizers, "StarTrainConfig.optimizers")?;
        Ok(StarGan {
            g,
            d,
            core,
            nets: nets.clone(),
            config,
            stream: Stream::default(),
            hair_group: 0,
            domain_names: Vec::new(),
            shown: None,
        })
    }

    /// The run with its labelled training data (see [`StarGan::set_data`]).
    pub fn with_data(mut self, data: &Dataset) -> Result<Self> {
        self.set_data(data)?;
        Ok(self)
    }

    /// Trains on `data` (labels `[N, c_dim]`, on the run's device, tensors shared) from now on:
    /// minibatches of `config.batch_size` shuffled with `config.seed`, continuing after the
    /// batches already drawn. Its label names name the domains in the preview.
    pub fn set_data(&mut self, data: &Dataset) -> Result<()> {
        let labels = data.labels.as_ref().ok_or_else(|| {
            Error::setting(
                "data",
                format!("{}: StarGAN needs labelled faces", data.name),
            )
        })?;
        let _ = self.labels(labels, "data labels")?; // checks their width
        let (device, batch_size) = (self.core.device, self.config.batch_size);
        self.stream.set(data, device, batch_size, "data")?;
        self.domain_names = data.label_names.clone();
        Ok(())
    }

    /// Declares the first `k` label columns one mutually exclusive group (hair colours: a
    /// target sets one and clears the others), the rest binary attributes (a target flips
    /// one). 0 by default.
    pub fn with_hair_group(mut self, k: usize) -> Self {
        self.hair_group = k.min(self.nets.c_dim.max(0) as usize);
        self
    }

    /// The faces [`Trainer::preview`] translates to every domain (default: the data's first 4).
    pub fn with_shown(mut self, faces: Batch) -> Self {
        self.shown = Some(faces);
        self
    }

    /// For each label column, the targets that change it (see
    /// [`domain_targets`](crate::data::domains::domain_targets)): one `[N, c_dim]` tensor per
    /// domain.
    pub fn targets(&self, c_org: &Tensor) -> Vec<Tensor> {
        domain_targets(c_org, self.hair_group)
    }

    /// One row per face of `faces` (labelled): the input, then its translation to every
    /// domain, columns named by the domains (see [`StarGan::with_domain_names`]).
    pub fn translations(&self, faces: &Batch) -> Result<ImagePreview> {
        let c = faces
            .labels
            .as_ref()
            .ok_or_else(|| Error::setting("preview", "the faces shown need labels"))?;
        let outs = self.translate(&faces.x, &self.targets(c))?;
        let x = faces.x.to_device(Device::Cpu);
        let mut tiles = Vec::new();
        for i in 0..x.size()[0] {
            tiles.push(x.get(i));
            tiles.extend(outs.iter().map(|o| o.get(i).to_device(Device::Cpu)));
        }
        let mut preview = ImagePreview::new(
            &Tensor::stack(&tiles, 0),
            format!("step {}", self.steps_done()),
        );
        preview.columns = Some(1 + outs.len());
        let names = (0..outs.len()).map(|k| {
            self.domain_names
                .get(k)
                .map_or(format!("→ domain {k}"), |n| format!("→ {n}"))
        });
        preview.column_labels = std::iter::once("input".to_string()).chain(names).collect();
        Ok(preview)
    }

    /// Names the label columns (the domains) in previews; [`StarGan::set_data`] takes them
    /// from the data.
    pub fn with_domain_names<S: Into<String>>(
        mut self,
        names: impl IntoIterator<Item = S>,
    ) -> Self {
        self.domain_names = names.into_iter().map(Into::into).collect();
        self
    }

    /// The next labelled minibatch of the run's data (counted for resuming).
    pub fn next_batch(&mut self) -> Result<Batch> {
        let batch = self.stream.next(
            self.config.batch_size,
            self.config.seed,
            self.core.batches_drawn,
            "this StarGAN has no data: give it labelled faces with gan.set_data(&data)",
        );
        self.core.batches_drawn += 1;
        batch
    }

    /// The run's labelled data, when set.
    pub fn data(&self) -> Option<&Dataset> {
        self.stream.data()
    }

    /// (image, target labels) → translated image.
    pub fn g(&self) -> &StarGanGenerator {
        &self.g
    }

    /// image → (real/fake map, domain logits).
    pub fn d(&self) -> &StarGanDiscriminator {
        &self.d
    }

    /// G's variables.
    pub fn vs_g(&self) -> &nn::VarStore {
        &self.core.vs_g
    }

    /// D's variables.
    pub fn vs_d(&self) -> &nn::VarStore {
        &self.core.vs_d
    }

    /// G's optimizer and its state (both generators for CycleGAN).
    pub fn opt_g(&self) -> &OptimizerState {
        &self.core.opt_g
    }

    /// D's optimizer and its state.
    pub fn opt_d(&self) -> &OptimizerState {
        &self.core.opt_d
    }

    /// The networks' sizes.
    pub fn nets(&self) -> &StarGanConfig {
        &self.nets
    }

    /// The run's settings.
    pub fn config(&self) -> &StarTrainConfig {
        &self.config
    }

    /// Labels `[N, c_dim]` as floats on the device, checked against the networks' c_dim.
    fn labels(&self, c: &Tensor, what: &str) -> Result<Tensor> {
        let s = c.size();
        if s.len() != 2 || s[1] != self.nets.c_dim {
            return Err(Error::shape(
                what,
                format!("[N, {}] (c_dim)", self.nets.c_dim),
                &s,
            ));
        }
        Ok(c.to_kind(Kind::Float).to_device(self.core.device))
    }

    /// Target labels as the original draws them: the batch's label rows in a random order
    /// (`label_org[torch.randperm(N)]`), from libtorch's generator. Each target is a real
    /// label row, so the hair group stays valid (one colour or none).
    pub fn target_labels(&self, c_org: &Tensor) -> Tensor {
        let perm = Tensor::randperm(c_org.size()[0], (Kind::Int64, c_org.device()));
        c_org.index_select(0, &perm)
    }

    /// One D update with targets drawn by [`StarGan::target_labels`] (see
    /// [`StarGan::update_d_to`]).
    pub fn update_d(&mut self, x: &Tensor, c_org: &Tensor) -> Result<StarDUpdate> {
        let c_trg = self.target_labels(&self.labels(c_org, "c_org")?);
        self.update_d_to(x, c_org, &c_trg)
    }

    /// One D update: L_D (see [`StarTrainConfig`]) on real `x` with labels `c_org` and fakes
    /// G(x, c_trg) (detached), then an optimizer step. A non-finite term stops before the
    /// update, naming the term and the step.
    pub fn update_d_to(
        &mut self,
        x: &Tensor,
        c_org: &Tensor,
        c_trg: &Tensor,
    ) -> Result<StarDUpdate> {
        let step = self.steps_done() + 1;
        let (c_org, c_trg) = (self.labels(c_org, "c_org")?, self.labels(c_trg, "c_trg")?);
        let x = x.to_device(self.core.device);
        let cfg = &self.config;
        let (src_real, cls_real) = self.d.try_forward_t(&x, true)?;
        let fake = tch::no_grad(|| self.g.try_forward_ct(&x, &c_trg, true))?;
        let (src_fake, _) = self.d.try_forward_t(&fake, true)?;
        let terms = cfg.loss.d_terms(&src_real, &src_fake);
        let cls = cfg.lambda_cls * classification_loss(&cls_real, &c_org);
        let d = &self.d;
        let critic = |x: &Tensor| d.forward_t(x, true).0;
        let gp = match cfg.gradient_penalty {
            Some(p) => p.penalty(&critic, &x, &fake)?.value,
            None => Tensor::zeros([], (Kind::Float, self.core.device)),
        };
        let adv_v = finite(terms.value.double_value(&[]), step, "D loss (d_adv)")?;
        let cls_v = finite(cls.double_value(&[]), step, "D loss (d_cls)")?;
        let gp_v = finite(gp.double_value(&[]), step, "D loss (gp)")?;
        let loss = &terms.value + &cls + &gp;
        let value = finite(loss.double_value(&[]), step, "D loss")?;
        let grad_norm = self.core.opt_d.minimize(&loss);
        Ok(StarDUpdate {
            loss: value,
            adv: adv_v,
            cls: cls_v,
            gp: gp_v,
            d_real: terms.mean_real.double_value(&[]),
            d_fake: terms.mean_fake.double_value(&[]),
            grad_norm,
        })
    }

    /// One G update with targets drawn by [`StarGan::target_labels`] (see
    /// [`StarGan::update_g_to`]).
    pub fn update_g(&mut self, x: &Tensor, c_org: &Tensor) -> Result<StarGUpdate> {
        let c_trg = self.target_labels(&self.labels(c_org, "c_org")?);
        self.update_g_to(x, c_org, &c_trg)
    }

    /// One G update: L_G (see [`StarTrainConfig`]) for x → G(x, c_trg) → G(·, c_org), then an
    /// optimizer step on G (its backward pass computes no gradients for D's weights). A
    /// non-finite term stops before the update.
    pub fn update_g_to(
        &mut self,
        x: &Tensor,
        c_org: &Tensor,
        c_trg: &Tensor,
    ) -> Result<StarGUpdate> {
        let step = self.steps_done() + 1;
        let (c_org, c_trg) = (self.labels(c_org, "c_org")?, self.labels(c_trg, "c_trg")?);
        let x = x.to_device(self.core.device);
        let (adv, cls, rec, d_fake) = self.g_forward(&x, &c_org, &c_trg)?;
        let adv_v = finite(adv.double_value(&[]), step, "G loss (g_adv)")?;
        let cls_v = finite(cls.double_value(&[]), step, "G loss (g_cls)")?;
        let rec_v = finite(rec.double_value(&[]), step, "G loss (rec)")?;
        let loss = adv + cls + rec;
        let value = finite(loss.double_value(&[]), step, "G loss")?;
        let grad_norm = self.core.opt_g.minimize(&loss);
        Ok(StarGUpdate {
            loss: value,
            adv: adv_v,
            cls: cls_v,
            rec: rec_v,
            d_fake,
            grad_norm,
        })
    }

    fn g_forward(
        &self,
        x: &Tensor,
        c_org: &Tensor,
        c_trg: &Tensor,
    ) -> Result<(Tensor, Tensor, Tensor, f64)> {
        let cfg = &self.config;
        let fake = self.g.try_forward_ct(x, c_trg, true)?;
        let (src_fake, cls_fake) = self.d.try_forward_t(&fake, true)?;
        let src_real = if cfg.loss.loss.is_relativistic() {
            self.d.try_forward_t(x, true)?.0.detach()
        } else {
            src_fake.detach()
        };
        let adv = cfg.loss.g_terms(&src_real, &src_fake).value;
        let cls = cfg.lambda_cls * classification_loss(&cls_fake, c_trg);
        let rec = cfg.lambda_rec
            * (x - self.g.try_forward_ct(&fake, c_org, true)?)
                .abs()
                .mean(Kind::Float);
        Ok((
            adv,
            cls,
            rec,
            src_fake.detach().mean(Kind::Float).double_value(&[]),
        ))
    }

    /// One input batch translated to each target: `targets[k]` is `[N, c_dim]` (or `[1, c_dim]`
    /// / `[c_dim]`, the same target for every image); returns one `[N, C, H, W]` batch per
    /// target, without gradients, G in training mode as yunjey's test runs it (InstanceNorm on
    /// each image's own statistics).
    pub fn translate(&self, x: &Tensor, targets: &[Tensor]) -> Result<Vec<Tensor>> {
        let x = x.to_device(self.core.device);
        let n = x.size()[0];
        targets
            .iter()
            .map(|t| {
                let t = if t.dim() == 1 {
                    t.unsqueeze(0)
                } else {
                    t.shallow_clone()
                };
                let t = if t.size()[0] == 1 && n != 1 {
                    t.expand([n, -1], false)
                } else {
                    t
                };
                let c = self.labels(&t, "translate target")?;
                if c.size()[0] != n {
                    return Err(Error::shape(
                        "translate target",
                        format!("[{n}, {}] (one row per input image)", self.nets.c_dim),
                        &c.size(),
                    ));
                }
                tch::no_grad(|| self.g.try_forward_ct(&x, &c, true))
            })
            .collect()
    }

    /// D's domain probabilities σ(D_cls(x)) `[N, c_dim]` (D in training mode, no gradients).
    pub fn classify(&self, x: &Tensor) -> Result<Tensor> {
        let x = x.to_device(self.core.device);
        Ok(tch::no_grad(|| self.d.try_forward_t(&x, true))?.1.sigmoid())
    }

    /// Per domain, the share of `images` on which D's classifier (probability > ½) agrees with
    /// `targets` `[N, c_dim]`. D's own opinion: it was trained on real images only, but G was
    /// trained to satisfy it, so this is optimistic; see `FaceEvaluator::hair_accuracy` for an
    /// independent judge of hair colour.
    pub fn attribute_accuracy(&self, images: &Tensor, targets: &Tensor) -> Result<Vec<f64>> {
        let p = self.classify(images)?;
        let t = self.labels(targets, "attribute accuracy targets")?;
        let agree = p
            .gt(0.5)
            .eq_tensor(&t.gt(0.5))
            .to_kind(Kind::Float)
            .mean_dim(&[0i64][..], false, Kind::Float)
            .to_device(Device::Cpu);
        Vec::<f64>::try_from(agree.to_kind(Kind::Double))
            .map_err(|e| Error::torch("attribute accuracy", e))
    }
}

impl Trainer for StarGan {
    /// One step, as yunjey's training iteration: seeds libtorch from (seed, step), takes the
    /// next labelled batch, draws the targets (a permutation of its labels), updates D, and on
    /// every `n_critic`-th step (5, 10, …) updates G on the same batch and targets. Records
    /// d_loss, g_loss (None on steps without G), d_real = E D_src(x), d_fake_before / after,
    /// the Wasserstein estimate (WGAN), the penalty, gradient norms, and the terms `d_adv`,
    /// `d_cls`, `gp` and, with G, `g_adv`, `g_cls`, `rec` (weighted: they add up to the losses).
    fn step(&mut self) -> Result<StepRecord> {
        let t0 = Instant::now();
        let step = self.steps_done() + 1;
        seed_step(self.config.seed, step);
        self.config.lr_schedule.apply(
            step,
            &self.config.optimizers,
            &mut self.core.opt_g,
            &mut self.core.opt_d,
        );
        let batch = self.next_batch()?;
        let c_org = batch.labels.as_ref().ok_or_else(|| {
            Error::setting(
                "batches",
                "StarGAN needs labelled batches (the domain labels c)",
            )
        })?;
        let c_org = self.labels(c_org, "batch labels")?;
        let c_trg = self.target_labels(&c_org);
        let d = self.update_d_to(&batch.x, &c_org, &c_trg)?;
        let g = if step % self.config.n_critic == 0 {
            Some(self.update_g_to(&batch.x, &c_org, &c_trg)?)
        } else {
            None
        };
        let mut terms = vec![("d_adv", d.adv), ("d_cls", d.cls), ("gp", d.gp)];
        if let Some(g) = g {
            terms.extend([("g_adv", g.adv), ("g_cls", g.cls), ("rec", g.rec)]);
        }
        let record = StepRecord {
            step,
            d_loss: Some(d.loss),
            g_loss: g.map(|g| g.loss),
            d_real: Some(d.d_real),
            d_fake_before: Some(d.d_fake),
            d_fake_after: g.map(|g| g.d_fake),
            wasserstein: (self.config.loss.loss == Loss::Wgan).then_some(d.d_real - d.d_fake),
            penalty: self.config.gradient_penalty.map(|_| d.gp),
            d_grad_norm: Some(d.grad_norm),
            g_grad_norm: g.map(|g| g.grad_norm),
            terms,
            seconds: t0.elapsed().as_secs_f64(),
        };
        self.core.history.steps.push(record.clone());
        Ok(record)
    }

    /// The shown faces (default: the data's first 4), a row each: the input, then its
    /// translation to every domain.
    fn preview(&self) -> Result<Preview> {
        let shown = match (&self.shown, self.stream.data()) {
            (Some(b), _) => Batch {
                x: b.x.shallow_clone(),
                labels: b.labels.as_ref().map(Tensor::shallow_clone),
            },
            (None, Some(data)) => data.head(4),
            (None, None) => {
                return Err(Error::setting(
                    "preview",
                    "this StarGAN has no data and no faces to show (set_data or with_shown)",
                ))
            }
        };
        Ok(Preview::Images(self.translations(&shown)?))
    }
}

impl Stateful for StarGan {
    fn core(&self) -> &Core {
        &self.core
    }

    fn core_mut(&mut self) -> &mut Core {
        &mut self.core
    }

    fn parts(&self) -> Parts<'_> {
        let config = nets_and_train(
            &self.nets,
            &StarTrainConfig {
                lr_schedule: LrSchedule::Constant,
                ..self.config.clone()
            },
            self.config.lr_schedule,
        );
        self.core
            .parts("stargan", Vec::new(), self.config.seed, config, no_notes())
    }

    fn restore(&mut self, mut r: Restored, _dir: &Path) -> Result<()> {
        self.core.restore(&mut r);
        self.stream.reopen();
        Ok(())
    }
}
