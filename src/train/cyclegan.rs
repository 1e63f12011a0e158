//! CycleGAN (Zhu et al. 2017; report 001 §5): two generators translate between unpaired
//! domains A and B, two PatchGAN discriminators judge each domain, and cycle and identity L1
//! terms tie the translations together. The step-by-step pieces are the d2l ones:
//! [`CycleGan::update_g`], [`CycleGan::update_d`], [`Trainer::step`], [`Trainer::train`];
//! [`CycleGan::translate_panel`] gives report 001's figure.
//!
//! ```no_run
//! use gankit::prelude::*;
//! use gankit::data::maps::maps;
//! let pairs = maps(512, 32, 0);                      // built-in map ↔ aerial pairs
//! let (data_a, data_b) = map_domains(&pairs);         // A: maps, B: aerial photos
//! let nets = CycleGanConfig { image_size: 32, ngf: 16, ndf: 16, n_blocks: 3, ..Default::default() };
//! let cfg = CycleTrainConfig { batch_size: 4, ..Default::default() }; // LSGAN, λ_cyc 10, λ_idt 0.5
//! let mut gan = CycleGan::new(&nets, cfg, Device::Cpu)?.with_data(&data_a, &data_b)?; // drawn unpaired
//! gan.train(500, TrainOptions::new().print_every(50))?;
//! gan.preview()?.save("cyclegan_panel.png")?;
//! # Ok::<(), gankit::Error>(())
//! ```
//!
//! Naming. gankit names everything by domain: G_AB maps A → B, G_BA maps B → A, D_A judges
//! A images (real a vs G_BA(b)), D_B judges B images, and a term ending in `_a` concerns the
//! real A images. junyanz/pytorch-CycleGAN-and-pix2pix names by network instead: its G_A is
//! G_AB, its G_B is G_BA, its D_A judges G_A's output (so it is D_B here), and its `idt_A` is
//! G_A(real_B) (so `idt_b` here). The values are the same; only the labels move.
use super::checkpoint::{nets_and_train, Parts, Restored};
use super::core::{Core, Stream};
use super::gan::{finite, seed_step};
use super::history::StepRecord;
use super::pool::ImagePool;
use super::preview::{ImagePreview, Preview};
use super::trainer::sealed::Stateful;
use super::trainer::Trainer;
use crate::data::rng::Rng;
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::losses::{DOutput, Loss, LossConfig};
use crate::nets::{
    cyclegan_generator, patchgan_discriminator, CycleGanConfig, PatchGanDiscriminator,
    ResnetGenerator,
};
use crate::optim::{GanOptimizers, LrSchedule, Optimizer, OptimizerState};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;
use tch::{nn, Device, Kind, Tensor};

/// Everything a CycleGAN run decides. `Default` is the paper's and report 001 §5's setting.
///
/// The losses (s = 2 for LSGAN, else 1, see below; E|·| the mean absolute difference over
/// pixels and batch):
///
/// ```text
/// fake_B = G_AB(a)   rec_A = G_BA(fake_B)   idt_A = G_BA(a)
/// fake_A = G_BA(b)   rec_B = G_AB(fake_A)   idt_B = G_AB(b)
///
/// L_G = s·ℓ_G(D_B(fake_B)) + s·ℓ_G(D_A(fake_A))                   g_gan_ab, g_gan_ba
///     + λ_cyc·E|rec_A − a| + λ_cyc·E|rec_B − b|                    cycle_a, cycle_b
///     + λ_idt·λ_cyc·E|idt_A − a| + λ_idt·λ_cyc·E|idt_B − b|        idt_a, idt_b
/// L_{D_A} = ½·s·ℓ_D(D_A(a), D_A(pool_A(fake_A)))                   d_a
/// L_{D_B} = ½·s·ℓ_D(D_B(b), D_B(pool_B(fake_B)))                   d_b
/// ```
///
/// ℓ_D and ℓ_G are [`CycleTrainConfig::loss`]'s D and G losses (see [`Loss`]). The factor s
/// makes them junyanz's `GANLoss`: gankit's LSGAN carries a ½ (L_G = ½E[(C − 1)²]) that
/// `nn.MSELoss` does not, so for LSGAN L_GAN = E[(D_B(G_AB(a)) − 1)²] and
/// L_{D_B} = ½(E[(D_B(b) − 1)²] + E[D_B(fake_B)²]); for BCE on logits L_GAN =
/// BCEWithLogits(D_B(fake_B), 1) and L_{D_B} = ½(BCE(D_B(b), 1) + BCE(D_B(fake_B), 0)), both
/// exactly the reference code's. The identity weight is λ_idt·λ_cyc (the reference's
/// `lambda_identity · lambda_A`): with the defaults each identity term weighs 0.5·10 = 5.
#[derive(Debug, Clone, PartialEq)]
pub struct CycleTrainConfig {
    /// The adversarial loss: LSGAN (the paper's and the report's default). The report's
    /// alternative is BCE: `Loss::BCE` with a Sigmoid-ended PatchGAN (`CycleGanConfig {
    /// sigmoid: true, .. }`, as the report did) or `Loss::BCE_WITH_LOGITS` without Sigmoid
    /// (the reference's `--gan_mode vanilla`). Labels (noisy, one-sided) apply to D's loss.
    pub loss: LossConfig,
    /// λ_cyc, the weight of each cycle-consistency L1 term: 10.
    pub lambda_cycle: f64,
    /// λ_idt, the identity weight *relative to λ_cyc*: 0.5 (each identity term is weighted
    /// λ_idt·λ_cyc = 5). 0 turns the identity terms off (they are then recorded as 0 and not
    /// computed).
    pub lambda_identity: f64,
    /// Size of each image pool (Shrivastava et al. 2017): D sees a mix of this step's fakes and
    /// up to this many earlier ones: 50. 0 = no pool (D sees this step's fakes).
    pub pool_size: usize,
    /// The optimizers: Adam 2e-4, betas (0.5, 0.999) for both. `g` is one optimizer over both
    /// generators (one VarStore, as the reference's `itertools.chain(G_A, G_B)`), `d` one
    /// over both discriminators. Adam's update is per parameter, so this is the same as one
    /// Adam per network with these settings.
    pub optimizers: GanOptimizers,
    /// Minibatch size of [`CycleGan::batches`]' streams: 1 (the paper's).
    pub batch_size: usize,
    /// Seeds the initial weights, each step's randomness and the image pools.
    pub seed: u64,
    /// How both learning rates move: constant (the default); the papers' linear decay over
    /// the second half of a run is `LrSchedule::linear(half, half)` in steps.
    pub lr_schedule: LrSchedule,
}

impl Default for CycleTrainConfig {
    /// The paper and report 001 §5: LSGAN, λ_cyc 10, λ_idt 0.5, pool 50, Adam 2e-4 (0.5,
    /// 0.999), batch 1.
    fn default() -> Self {
        CycleTrainConfig {
            loss: Loss::Lsgan.into(),
            lambda_cycle: 10.0,
            lambda_identity: 0.5,
            pool_size: 50,
            optimizers: GanOptimizers::same(Optimizer::adam(2e-4).betas(0.5, 0.999)),
            batch_size: 1,
            seed: 0,
            lr_schedule: LrSchedule::Constant,
        }
    }
}

impl CycleTrainConfig {
    /// Checks every value; the error names the key ("CycleTrainConfig.lambda_cycle: …").
    pub fn validate(&self) -> Result<()> {
        let bad =
            |key: &str, msg: String| Err(Error::setting(format!("CycleTrainConfig.{key}"), msg));
        self.lr_schedule.validate("CycleTrainConfig.lr_schedule")?;
        if self.batch_size == 0 {
            return bad("batch_size", "must be at least 1".into());
        }
        for (key, v) in [
            ("lambda_cycle", self.lambda_cycle),
            ("lambda_identity", self.lambda_identity),
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
        self.optimizers
            .g
            .validate()
            .map_err(|e| Error::setting("CycleTrainConfig.optimizers.g", e.to_string()))?;
        self.optimizers
            .d
            .validate()
            .map_err(|e| Error::setting("CycleTrainConfig.optimizers.d", e.to_string()))?;
        Ok(())
    }

    /// The weight of each identity term: λ_idt·λ_cyc.
    pub fn identity_weight(&self) -> f64 {
        self.lambda_identity * self.lambda_cycle
    }

    /// s in the formulas: 2 for LSGAN (undoing gankit's ½ to match `nn.MSELoss`), else 1.
    pub fn criterion_scale(&self) -> f64 {
        if self.loss.loss == Loss::Lsgan {
            2.0
        } else {
            1.0
        }
    }
}

/// What one G update (both generators) measured. Loss values are the weighted terms of L_G,
/// so `loss = gan_ab + gan_ba + cycle_a + cycle_b + idt_a + idt_b`.
#[derive(Debug)]
pub struct CycleGUpdate {
    /// L_G.
    pub loss: f64,
    /// s·ℓ_G(D_B(G_AB(a))): G_AB's adversarial term.
    pub gan_ab: f64,
    /// s·ℓ_G(D_A(G_BA(b))).
    pub gan_ba: f64,
    /// λ_cyc·E|G_BA(G_AB(a)) − a|.
    pub cycle_a: f64,
    /// λ_cyc·E|G_AB(G_BA(b)) − b|.
    pub cycle_b: f64,
    /// λ_idt·λ_cyc·E|G_BA(a) − a| (0 when λ_idt = 0).
    pub idt_a: f64,
    /// λ_idt·λ_cyc·E|G_AB(b) − b|.
    pub idt_b: f64,
    /// Mean D output on the fakes, (E D_B(fake_B) + E D_A(fake_A)) / 2.
    pub d_fake: f64,
    /// L2 norm of the gradient of both generators.
    pub grad_norm: f64,
    /// G_BA(b) from before this update, detached: what [`CycleGan::update_d`] trains D_A on.
    pub fake_a: Tensor,
    /// G_AB(a) from before this update, detached.
    pub fake_b: Tensor,
}

/// What one D update (both discriminators) measured; `loss = d_a + d_b`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CycleDUpdate {
    /// L_{D_A} + L_{D_B}.
    pub loss: f64,
    /// L_{D_A}.
    pub d_a: f64,
    /// L_{D_B}.
    pub d_b: f64,
    /// Mean D output on real images, (E D_A(a) + E D_B(b)) / 2.
    pub d_real: f64,
    /// Mean D output on the (pooled) fakes, before the update.
    pub d_fake: f64,
    /// L2 norm of the gradient of both discriminators.
    pub grad_norm: f64,
}

/// Report 001's figure for a batch: row A real_A, fake_B, rec_A, idt_A; row B real_B, fake_A,
/// rec_B, idt_B. Every tensor is `[N, C, H, W]` in [−1, 1]. Drawn by
/// `gankit::viz::ImageGrid::cycle_panel` (the drawing lives above the training core).
#[derive(Debug)]
pub struct CyclePanel {
    pub real_a: Tensor,
    /// G_AB(real_A).
    pub fake_b: Tensor,
    /// G_BA(G_AB(real_A)).
    pub rec_a: Tensor,
    /// G_BA(real_A): an A image through the generator into A (the reference shows it in row A
    /// under the name idt_B).
    pub idt_a: Tensor,
    pub real_b: Tensor,
    /// G_BA(real_B).
    pub fake_a: Tensor,
    /// G_AB(G_BA(real_B)).
    pub rec_b: Tensor,
    /// G_AB(real_B).
    pub idt_b: Tensor,
}

impl CyclePanel {
    /// Column titles in the order of [`CyclePanel::tensors`].
    pub const NAMES: [&'static str; 8] = [
        "real_A", "fake_B", "rec_A", "idt_A", "real_B", "fake_A", "rec_B", "idt_B",
    ];

    /// The eight tensors in report 001's order (row A, then row B).
    pub fn tensors(&self) -> [&Tensor; 8] {
        [
            &self.real_a,
            &self.fake_b,
            &self.rec_a,
            &self.idt_a,
            &self.real_b,
            &self.fake_a,
            &self.rec_b,
            &self.idt_b,
        ]
    }
}

/// CycleGAN: G_AB, G_BA, D_A, D_B, their optimizers, the image pools, the two domains' data
/// and the run's record. The networks, stores and configs are fixed for the run and read
/// through accessors.
#[derive(Debug)]
pub struct CycleGan {
    g_ab: ResnetGenerator,
    g_ba: ResnetGenerator,
    d_a: PatchGanDiscriminator,
    d_b: PatchGanDiscriminator,
    /// Both generators' variables (`g_ab.*`, `g_ba.*`) and both discriminators' (`d_a.*`,
    /// `d_b.*`), one optimizer each; batches drawn count one of A and one of B per step.
    core: Core,
    pool_a: ImagePool,
    pool_b: ImagePool,
    nets: CycleGanConfig,
    config: CycleTrainConfig,
    stream_a: Stream,
    stream_b: Stream,
    /// The A and B images the preview translates.
    shown: Option<(Tensor, Tensor)>,
}

impl CycleGan {
    /// Checks the config, seeds libtorch with `config.seed` and builds the four networks
    /// (CycleGAN's normal init, gain 0.02) and the two optimizers.
    ///
    /// # Errors
    /// A bad config value; a loss on probabilities (`Loss::BCE`) without `nets.sigmoid`, or a
    /// Sigmoid-ended D with any other loss.
    pub fn new(nets: &CycleGanConfig, config: CycleTrainConfig, device: Device) -> Result<Self> {
        crate::device::keep_freed_memory();
        config.validate()?;
        let on_probabilities = matches!(
            config.loss.loss,
            Loss::Minimax(DOutput::Probability) | Loss::NonSaturating(DOutput::Probability)
        );
        if on_probabilities != nets.sigmoid {
            return Err(Error::setting(
                "CycleGanConfig.sigmoid",
                format!(
                    "is {} but the loss is {}: a loss on probabilities needs the Sigmoid (sigmoid: true), every other loss takes raw outputs (sigmoid: false)",
                    nets.sigmoid, config.loss.loss
                ),
            ));
        }
        tch::manual_seed(config.seed as i64);
        let vs_g = nn::VarStore::new(device);
        let vs_d = nn::VarStore::new(device);
        let g_ab = cyclegan_generator(vs_g.root() / "g_ab", nets);
        let g_ba = cyclegan_generator(vs_g.root() / "g_ba", nets);
        let d_a = patchgan_discriminator(vs_d.root() / "d_a", nets);
        let d_b = patchgan_discriminator(vs_d.root() / "d_b", nets);
        let core = Core::new(
            vs_g,
            vs_d,
            &config.optimizers,
            "CycleTrainConfig.optimizers",
        )?;
        Ok(CycleGan {
            g_ab,
            g_ba,
            d_a,
            d_b,
            core,
            pool_a: ImagePool::new(config.pool_size),
            pool_b: ImagePool::new(config.pool_size),
            nets: nets.clone(),
            config,
            stream_a: Stream::default(),
            stream_b: Stream::default(),
            shown: None,
        })
    }

    /// The run with its two domains' training data (see [`CycleGan::set_data`]).
    pub fn with_data(mut self, data_a: &Dataset, data_b: &Dataset) -> Result<Self> {
        self.set_data(data_a, data_b)?;
        Ok(self)
    }

    /// Trains on `data_a` and `data_b` from now on (on the run's device, tensors shared): two
    /// streams of `config.batch_size`, shuffled with seeds `seed` (A) and `seed + 1` (B), so
    /// even two sets in pair order (as [`map_domains`](crate::data::maps::map_domains) gives) are drawn unpaired; both continue
    /// after the batches already drawn (a resumed run sees what the uninterrupted one would
    /// have). The preview shows the first 4 images of each unless
    /// [`CycleGan::with_shown`] chose others.
    pub fn set_data(&mut self, data_a: &Dataset, data_b: &Dataset) -> Result<()> {
        let (device, bs) = (self.core.device, self.config.batch_size);
        self.stream_a.set(data_a, device, bs, "domain A")?;
        self.stream_b.set(data_b, device, bs, "domain B")
    }

    /// The A and B images [`Trainer::preview`] translates (e.g. held-out test images).
    pub fn with_shown(mut self, a: &Tensor, b: &Tensor) -> Self {
        self.shown = Some((a.shallow_clone(), b.shallow_clone()));
        self
    }

    /// The next batch of each domain (unpaired), counted so that a checkpoint resumes after
    /// them.
    pub fn next_batches(&mut self) -> Result<(Tensor, Tensor)> {
        let (bs, seed, drawn) = (
            self.config.batch_size,
            self.config.seed,
            self.core.batches_drawn,
        );
        let missing = "this CycleGAN has no data: give it two domains with gan.set_data(&a, &b)";
        let ended = |d: &str, e: Error| match e {
            Error::Setting { key, .. } if key == "batches" => {
                Error::setting("batches", format!("the batch stream of domain {d} ended"))
            }
            e => e,
        };
        let a = self
            .stream_a
            .next(bs, seed, drawn, missing)
            .map_err(|e| ended("A", e))?;
        let b = self
            .stream_b
            .next(bs, seed.wrapping_add(1), drawn, missing)
            .map_err(|e| ended("B", e))?;
        self.core.batches_drawn += 1;
        Ok((a.x, b.x))
    }

    /// The two domains' training data, when set.
    pub fn data(&self) -> Option<(&Dataset, &Dataset)> {
        self.stream_a.data().zip(self.stream_b.data())
    }

    /// G_AB: A → B.
    pub fn g_ab(&self) -> &ResnetGenerator {
        &self.g_ab
    }

    /// G_BA: B → A.
    pub fn g_ba(&self) -> &ResnetGenerator {
        &self.g_ba
    }

    /// D_A: judges A images.
    pub fn d_a(&self) -> &PatchGanDiscriminator {
        &self.d_a
    }

    /// D_B: judges B images.
    pub fn d_b(&self) -> &PatchGanDiscriminator {
        &self.d_b
    }

    /// Both generators' variables (`g_ab.*`, `g_ba.*`).
    pub fn vs_g(&self) -> &nn::VarStore {
        &self.core.vs_g
    }

    /// Both discriminators' variables (`d_a.*`, `d_b.*`).
    pub fn vs_d(&self) -> &nn::VarStore {
        &self.core.vs_d
    }

    /// The image pools of D_A and D_B.
    pub fn pools(&self) -> (&ImagePool, &ImagePool) {
        (&self.pool_a, &self.pool_b)
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
    pub fn nets(&self) -> &CycleGanConfig {
        &self.nets
    }

    /// The run's settings.
    pub fn config(&self) -> &CycleTrainConfig {
        &self.config
    }

    /// One update of both generators on real batches `a` and `b` (unpaired): L_G (see
    /// [`CycleTrainConfig`]) with no gradients for the discriminators, then one optimizer step. Returns
    /// the terms and this step's fakes (from before the update, detached) for
    /// [`CycleGan::update_d`]. A non-finite term stops before the update, naming it and the
    /// step.
    pub fn update_g(&mut self, real_a: &Tensor, real_b: &Tensor) -> Result<CycleGUpdate> {
        let step = self.steps_done() + 1;
        let (a, b) = (
            real_a.to_device(self.core.device),
            real_b.to_device(self.core.device),
        );
        // The reference's set_requires_grad(D, False) is opt_g.minimize below: the backward
        // pass runs to G's parameters only, so no D gradients come from G's pass.
        let (loss, terms, d_fake, fake_a, fake_b) = self.g_forward(&a, &b)?;
        let mut v = [0.0; 6];
        for (slot, (name, t)) in v.iter_mut().zip(&terms) {
            *slot = finite(t.double_value(&[]), step, &format!("G loss ({name})"))?;
        }
        let value = finite(loss.double_value(&[]), step, "G loss")?;
        let grad_norm = self.core.opt_g.minimize(&loss);
        let [gan_ab, gan_ba, cycle_a, cycle_b, idt_a, idt_b] = v;
        Ok(CycleGUpdate {
            loss: value,
            gan_ab,
            gan_ba,
            cycle_a,
            cycle_b,
            idt_a,
            idt_b,
            d_fake,
            grad_norm,
            fake_a,
            fake_b,
        })
    }

    #[allow(clippy::type_complexity)]
    fn g_forward(
        &self,
        a: &Tensor,
        b: &Tensor,
    ) -> Result<(Tensor, [(&'static str, Tensor); 6], f64, Tensor, Tensor)> {
        let cfg = &self.config;
        let s = cfg.criterion_scale();
        // The reference's forward(): fake_B, rec_A, fake_A, rec_B; then the identity images.
        let fake_b = self.g_ab.try_forward_t(a, true)?;
        let rec_a = self.g_ba.try_forward_t(&fake_b, true)?;
        let fake_a = self.g_ba.try_forward_t(b, true)?;
        let rec_b = self.g_ab.try_forward_t(&fake_a, true)?;
        let l1 = |x: &Tensor, y: &Tensor| (x - y).abs().mean(Kind::Float);
        let w_idt = cfg.identity_weight();
        let (idt_a, idt_b) = if w_idt > 0.0 {
            let idt_b = self.g_ab.try_forward_t(b, true)?;
            let idt_a = self.g_ba.try_forward_t(a, true)?;
            (w_idt * l1(&idt_a, a), w_idt * l1(&idt_b, b))
        } else {
            let zero = || Tensor::zeros([], (Kind::Float, self.core.device));
            (zero(), zero())
        };
        let d_b_fake = self.d_b.try_forward_t(&fake_b, true)?;
        let d_a_fake = self.d_a.try_forward_t(&fake_a, true)?;
        // D(real) enters G's loss only for the relativistic losses.
        let (d_b_real, d_a_real) = if cfg.loss.loss.is_relativistic() {
            (
                self.d_b.try_forward_t(b, true)?.detach(),
                self.d_a.try_forward_t(a, true)?.detach(),
            )
        } else {
            (d_b_fake.detach(), d_a_fake.detach())
        };
        let gan_ab = s * cfg.loss.g_terms(&d_b_real, &d_b_fake).value;
        let gan_ba = s * cfg.loss.g_terms(&d_a_real, &d_a_fake).value;
        let cycle_a = cfg.lambda_cycle * l1(&rec_a, a);
        let cycle_b = cfg.lambda_cycle * l1(&rec_b, b);
        let loss = &gan_ab + &gan_ba + &cycle_a + &cycle_b + &idt_a + &idt_b;
        let d_fake = (d_b_fake.detach().mean(Kind::Float) + d_a_fake.detach().mean(Kind::Float))
            .double_value(&[])
            / 2.0;
        let terms = [
            ("g_gan_ab", gan_ab),
            ("g_gan_ba", gan_ba),
            ("cycle_a", cycle_a),
            ("cycle_b", cycle_b),
            ("idt_a", idt_a),
            ("idt_b", idt_b),
        ];
        Ok((loss, terms, d_fake, fake_a.detach(), fake_b.detach()))
    }

    /// One update of both discriminators: D_A on real `a` against `fake_a` passed through its
    /// image pool, D_B on real `b` against pooled `fake_b` (L_{D_A} + L_{D_B}, see
    /// [`CycleTrainConfig`]), then one optimizer step. `fake_a`, `fake_b` are usually
    /// [`CycleGUpdate::fake_a`] and `fake_b` of the same step. A non-finite loss stops before
    /// the update and leaves weights and pools as they were.
    pub fn update_d(
        &mut self,
        real_a: &Tensor,
        real_b: &Tensor,
        fake_a: &Tensor,
        fake_b: &Tensor,
    ) -> Result<CycleDUpdate> {
        let step = self.steps_done() + 1;
        let (a, b) = (
            real_a.to_device(self.core.device),
            real_b.to_device(self.core.device),
        );
        let saved = (self.pool_a.snapshot(), self.pool_b.snapshot());
        let seed = self.config.seed;
        let fake_a = self.pool_a.query(
            &fake_a.to_device(self.core.device),
            &mut Rng::for_item(seed ^ 0xA, step as u64),
        );
        let fake_b = self.pool_b.query(
            &fake_b.to_device(self.core.device),
            &mut Rng::for_item(seed ^ 0xB, step as u64),
        );
        let out =
            self.d_forward(&a, &b, &fake_a, &fake_b)
                .and_then(|(d_a, d_b, d_real, d_fake)| {
                    let va = finite(d_a.double_value(&[]), step, "D loss (d_a)")?;
                    let vb = finite(d_b.double_value(&[]), step, "D loss (d_b)")?;
                    Ok((d_a + d_b, va, vb, d_real, d_fake))
                });
        let (loss, d_a, d_b, d_real, d_fake) = match out {
            Ok(v) => v,
            Err(e) => {
                (self.pool_a.images, self.pool_b.images) = saved;
                return Err(e);
            }
        };
        let grad_norm = self.core.opt_d.minimize(&loss);
        Ok(CycleDUpdate {
            loss: d_a + d_b,
            d_a,
            d_b,
            d_real,
            d_fake,
            grad_norm,
        })
    }

    fn d_forward(
        &self,
        a: &Tensor,
        b: &Tensor,
        fake_a: &Tensor,
        fake_b: &Tensor,
    ) -> Result<(Tensor, Tensor, f64, f64)> {
        let half_s = 0.5 * self.config.criterion_scale();
        let ta = self.config.loss.d_terms(
            &self.d_a.try_forward_t(a, true)?,
            &self.d_a.try_forward_t(fake_a, true)?,
        );
        let tb = self.config.loss.d_terms(
            &self.d_b.try_forward_t(b, true)?,
            &self.d_b.try_forward_t(fake_b, true)?,
        );
        let mean2 = |x: &Tensor, y: &Tensor| (x + y).double_value(&[]) / 2.0;
        let (d_real, d_fake) = (
            mean2(&ta.mean_real, &tb.mean_real),
            mean2(&ta.mean_fake, &tb.mean_fake),
        );
        Ok((half_s * ta.value, half_s * tb.value, d_real, d_fake))
    }

    /// Report 001's panel for real A images and real B images (the same number of each, or
    /// the grid shows the shorter): every translation, reconstruction and identity image,
    /// without gradients, the generators in training mode as the reference's test script
    /// runs them (InstanceNorm has no running statistics, so this is also eval mode).
    pub fn translate_panel(&self, real_a: &Tensor, real_b: &Tensor) -> Result<CyclePanel> {
        let (a, b) = (
            real_a.to_device(self.core.device),
            real_b.to_device(self.core.device),
        );
        tch::no_grad(|| {
            let fake_b = self.g_ab.try_forward_t(&a, true)?;
            let rec_a = self.g_ba.try_forward_t(&fake_b, true)?;
            let idt_a = self.g_ba.try_forward_t(&a, true)?;
            let fake_a = self.g_ba.try_forward_t(&b, true)?;
            let rec_b = self.g_ab.try_forward_t(&fake_a, true)?;
            let idt_b = self.g_ab.try_forward_t(&b, true)?;
            Ok(CyclePanel {
                real_a: a,
                fake_b,
                rec_a,
                idt_a,
                real_b: b,
                fake_a,
                rec_b,
                idt_b,
            })
        })
    }
}

impl Trainer for CycleGan {
    /// One step, as the reference's `optimize_parameters`: seeds libtorch from (seed, step),
    /// takes the next batch of each stream (unpaired: two streams of different seeds), updates
    /// both generators, then both discriminators on this step's fakes (through the pools).
    /// Records d_loss = L_{D_A} + L_{D_B}, g_loss = L_G, d_real / d_fake_before (D's mean
    /// output on real and pooled fakes at its update), d_fake_after (on the fakes at G's
    /// update, which comes first here), both gradient norms, and the terms `g_gan_ab`,
    /// `g_gan_ba`, `cycle_a`, `cycle_b`, `idt_a`, `idt_b`, `d_a`, `d_b` (weighted, so they add
    /// up to the losses).
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
        let (a, b) = self.next_batches()?;
        let g = self.update_g(&a, &b)?;
        let d = self.update_d(&a, &b, &g.fake_a, &g.fake_b)?;
        let record = StepRecord {
            step,
            d_loss: Some(d.loss),
            g_loss: Some(g.loss),
            d_real: Some(d.d_real),
            d_fake_before: Some(d.d_fake),
            d_fake_after: Some(g.d_fake),
            wasserstein: None,
            penalty: None,
            d_grad_norm: Some(d.grad_norm),
            g_grad_norm: Some(g.grad_norm),
            terms: vec![
                ("g_gan_ab", g.gan_ab),
                ("g_gan_ba", g.gan_ba),
                ("cycle_a", g.cycle_a),
                ("cycle_b", g.cycle_b),
                ("idt_a", g.idt_a),
                ("idt_b", g.idt_b),
                ("d_a", d.d_a),
                ("d_b", d.d_b),
            ],
            seconds: t0.elapsed().as_secs_f64(),
        };
        self.core.history.steps.push(record.clone());
        Ok(record)
    }

    /// Report 001's panel for up to 4 shown images of each domain: per input a row A → B
    /// (real, translated, reconstructed, identity) and a row B → A.
    fn preview(&self) -> Result<Preview> {
        let (a, b) = match (&self.shown, self.data()) {
            (Some((a, b)), _) => (a.shallow_clone(), b.shallow_clone()),
            (None, Some((a, b))) => (a.head(4).x, b.head(4).x),
            (None, None) => {
                return Err(Error::setting(
                    "preview",
                    "this CycleGAN has no data and no images to show (set_data or with_shown)",
                ))
            }
        };
        let k = a.size()[0].min(b.size()[0]).min(4);
        let p = self.translate_panel(&a.narrow(0, 0, k), &b.narrow(0, 0, k))?;
        let t = p.tensors();
        let tiles: Vec<Tensor> = (0..k)
            .flat_map(|i| t.iter().map(move |x| x.get(i).to_device(Device::Cpu)))
            .collect();
        let mut preview = ImagePreview::new(
            &Tensor::stack(&tiles, 0),
            format!("step {}", self.steps_done()),
        );
        preview.columns = Some(4);
        preview.column_labels = ["real", "translated", "reconstructed", "identity"]
            .map(String::from)
            .to_vec();
        preview.row_labels = (0..k)
            .flat_map(|_| ["A → B".to_string(), "B → A".to_string()])
            .collect();
        preview.captions = (0..k)
            .flat_map(|_| CyclePanel::NAMES.map(String::from))
            .collect();
        Ok(Preview::Images(preview))
    }
}

impl Stateful for CycleGan {
    fn core(&self) -> &Core {
        &self.core
    }

    fn core_mut(&mut self) -> &mut Core {
        &mut self.core
    }

    fn parts(&self) -> Parts<'_> {
        let pool = |name: &str, pool: &ImagePool| {
            (!pool.images.is_empty()).then(|| (name.to_string(), Tensor::cat(&pool.images, 0)))
        };
        let tensors = [pool("pool_a", &self.pool_a), pool("pool_b", &self.pool_b)]
            .into_iter()
            .flatten()
            .collect();
        let config = nets_and_train(
            &self.nets,
            &CycleTrainConfig {
                lr_schedule: LrSchedule::Constant,
                ..self.config.clone()
            },
            self.config.lr_schedule,
        );
        self.core
            .parts("cyclegan", tensors, self.config.seed, config, no_notes())
    }

    fn restore(&mut self, mut r: Restored, _dir: &Path) -> Result<()> {
        let device = self.core.device;
        let pool = |name: &str| {
            r.tensors
                .get(name)
                .map(|t| t.to_device(device).split(1, 0))
                .unwrap_or_default()
        };
        self.pool_a.images = pool("pool_a");
        self.pool_b.images = pool("pool_b");
        self.core.restore(&mut r);
        self.stream_a.reopen();
        self.stream_b.reopen();
        Ok(())
    }
}

/// The notes of a trainer that keeps none.
pub(crate) fn no_notes() -> &'static BTreeMap<String, String> {
    static NONE: BTreeMap<String, String> = BTreeMap::new();
    &NONE
}
