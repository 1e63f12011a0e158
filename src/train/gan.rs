//! The step-by-step GAN trainer: `update_d` and `update_g` are the d2l-style pieces, `step`
//! runs one iteration as the config says, and [`Trainer::train`] is the one loop.
use super::checkpoint::{required, Parts, Restored};
use super::config::{Penalty, TrainConfig, UpdateOrder};
use super::core::{Core, Stream};
use super::history::StepRecord;
use super::preview::{FieldPreview, ImagePreview, Preview};
use super::trainer::sealed::Stateful;
use super::trainer::Trainer;
use crate::data::{Batch, Dataset};
use crate::error::{Error, Result};
use crate::losses::{DOutput, Loss};
use crate::nets::GanNet;
use crate::optim::OptimizerState;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;
use tch::nn;
use tch::{Device, Kind, Tensor};

/// A GAN whose networks were chosen at run time (what `Experiment::build` returns).
pub type BoxedGan = Gan<Box<dyn GanNet>, Box<dyn GanNet>>;

/// What one D update measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DUpdate {
    pub loss: f64,
    pub d_real: f64,
    pub d_fake: f64,
    pub wasserstein: f64,
    pub penalty: Option<f64>,
    pub grad_norm: f64,
}

/// What one G update measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GUpdate {
    pub loss: f64,
    pub d_fake: f64,
    pub grad_norm: f64,
}

/// A generator, a discriminator, their optimizers, the data and the run's record. Build it
/// in one line, give it data, train it:
///
/// ```no_run
/// use gankit::prelude::*;
/// let net = MlpConfig::default();
/// let config = TrainConfig { z_dim: net.z_dim, batch_size: 256, ..Default::default() };
/// let mut gan = Gan::new(Device::Cpu, |p| mlp_generator(p, &net), |p| mlp_discriminator(p, &net), config)?
///     .with_data(&Mixture::ring8().sample(10_000, 0))?;
/// gan.train(500, TrainOptions::new().print_every(100))?;
/// # Ok::<(), gankit::Error>(())
/// ```
///
/// The networks, their variables, the optimizers and the config are fixed for the run and
/// read through accessors ([`Gan::g`], [`Gan::d`], [`Gan::config`], …).
#[derive(Debug)]
pub struct Gan<G: GanNet, D: GanNet> {
    g: G,
    d: D,
    core: Core,
    config: TrainConfig,
    fixed_z: Tensor,
    fixed_c: Option<Tensor>,
    notes: BTreeMap<String, String>,
    stream: Stream,
}

impl<G: GanNet, D: GanNet> Gan<G, D> {
    /// Builds G and D on `device` with the two constructors (each given a fresh variable
    /// store's root), seeding libtorch with `config.seed` first, then the optimizers and the
    /// fixed noise (see [`Gan::from_parts`]).
    pub fn new(
        device: Device,
        generator: impl FnOnce(&nn::Path) -> G,
        discriminator: impl FnOnce(&nn::Path) -> D,
        config: TrainConfig,
    ) -> Result<Self> {
        tch::manual_seed(config.seed as i64);
        let (vs_g, vs_d) = (nn::VarStore::new(device), nn::VarStore::new(device));
        let g = generator(&vs_g.root());
        let d = discriminator(&vs_d.root());
        Self::from_parts(g, vs_g, d, vs_d, config)
    }

    /// A run of networks already built in their variable stores: checks the config, checks
    /// that D's output is what the loss reads (a one-line error naming both), builds the
    /// optimizers and draws the fixed noise from `config.seed`.
    pub fn from_parts(
        g: G,
        vs_g: nn::VarStore,
        d: D,
        vs_d: nn::VarStore,
        config: TrainConfig,
    ) -> Result<Self> {
        crate::device::keep_freed_memory();
        config.validate()?;
        check_d_output(&d, config.loss.loss)?;
        let core = Core::new(vs_g, vs_d, &config.optimizers, "TrainConfig.optimizers")?;
        tch::manual_seed(config.seed as i64);
        let fixed_z = Tensor::randn(
            [config.fixed_samples, config.z_dim],
            (Kind::Float, core.device),
        );
        Ok(Gan {
            g,
            d,
            core,
            config,
            fixed_z,
            fixed_c: None,
            notes: Default::default(),
            stream: Stream::default(),
        })
    }

    /// The run with its training data (see [`Gan::set_data`]).
    pub fn with_data(mut self, data: &Dataset) -> Result<Self> {
        self.set_data(data)?;
        Ok(self)
    }

    /// Trains on `data` from now on (moved to the run's device; the tensors are shared, not
    /// copied): minibatches of `config.batch_size` shuffled with `config.seed`, continuing
    /// after the batches already drawn, so a resumed run sees what the uninterrupted one would
    /// have.
    pub fn set_data(&mut self, data: &Dataset) -> Result<()> {
        let (device, batch_size) = (self.core.device, self.config.batch_size);
        self.stream.set(data, device, batch_size, "data")
    }

    /// The run's data, when set.
    pub fn data(&self) -> Option<&Dataset> {
        self.stream.data()
    }

    /// The next minibatch of the run's data (counted, so a checkpoint resumes after it): what
    /// [`Trainer::step`] feeds [`Gan::update_d`] and [`Gan::update_g`].
    pub fn next_batch(&mut self) -> Result<Batch> {
        let batch = self.stream.next(
            self.config.batch_size,
            self.config.seed,
            self.core.batches_drawn,
            "this GAN has no data: give it some with gan.set_data(&data) (or Gan::with_data)",
        );
        self.core.batches_drawn += 1;
        batch
    }

    /// Sets the conditions shown with the fixed noise (one row per fixed sample, e.g. one row
    /// per tag combination); the fixed noise is cut or repeated to as many rows.
    pub fn with_fixed_conditions(mut self, conditions: &Tensor) -> Result<Self> {
        self.set_fixed_conditions(conditions)?;
        Ok(self)
    }

    fn set_fixed_conditions(&mut self, c: &Tensor) -> Result<()> {
        let width = self.g.condition_width();
        let size = c.size();
        if size.len() != 2 || size[0] == 0 || width.is_some_and(|w| w != size[1]) {
            return Err(Error::shape(
                "fixed conditions",
                format!("[N, {}]", width.map_or("classes".into(), |w| w.to_string())),
                &size,
            ));
        }
        let n = size[0];
        self.fixed_z = repeat_rows(&self.fixed_z, n);
        self.fixed_c = Some(c.to_kind(Kind::Float).to_device(self.core.device));
        Ok(())
    }

    /// The generator.
    pub fn g(&self) -> &G {
        &self.g
    }

    /// The discriminator (critic).
    pub fn d(&self) -> &D {
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

    /// G's optimizer and its state.
    pub fn opt_g(&self) -> &OptimizerState {
        &self.core.opt_g
    }

    /// D's optimizer and its state.
    pub fn opt_d(&self) -> &OptimizerState {
        &self.core.opt_d
    }

    /// The run's settings.
    pub fn config(&self) -> &TrainConfig {
        &self.config
    }

    /// The same noise throughout the run, `[fixed_samples, z_dim]`, for comparable grids
    /// (report 002's noise evolution).
    pub fn fixed_z(&self) -> &Tensor {
        &self.fixed_z
    }

    /// The conditions that go with the fixed noise for a conditional G (set with
    /// [`Gan::with_fixed_conditions`], else taken from the first batch's labels).
    pub fn fixed_conditions(&self) -> Option<&Tensor> {
        self.fixed_c.as_ref()
    }

    /// Batches drawn so far.
    pub fn batches_drawn(&self) -> usize {
        self.core.batches_drawn
    }

    /// Free-form notes saved in checkpoints' `checkpoint.json` under "notes" (the command
    /// line keeps the experiment's TOML there, so `gankit sample` can rebuild G).
    pub fn notes(&self) -> &BTreeMap<String, String> {
        &self.notes
    }

    /// Sets a note (see [`Gan::notes`]).
    pub fn set_note(&mut self, key: &str, value: impl Into<String>) {
        self.notes.insert(key.to_string(), value.into());
    }

    /// Whether G takes conditions.
    pub fn is_conditional(&self) -> bool {
        self.g.condition_width().is_some()
    }

    /// The conditions for a batch: its labels on the device, when G or D is conditional.
    fn conditions(&self, batch: &Batch) -> Result<Option<Tensor>> {
        let needs = self.g.condition_width().or(self.d.condition_width());
        match (needs, &batch.labels) {
            (None, _) => Ok(None),
            (Some(w), Some(l)) if l.size().len() == 2 && l.size()[1] == w => {
                Ok(Some(l.to_kind(Kind::Float).to_device(self.core.device)))
            }
            (Some(w), Some(l)) => Err(Error::shape("batch labels", format!("[N, {w}]"), &l.size())),
            (Some(w), None) => Err(Error::setting(
                "batches",
                format!(
                    "the networks are conditional ({w} classes) but the batches have no labels"
                ),
            )),
        }
    }

    fn noise(&self, n: i64) -> Tensor {
        Tensor::randn([n, self.config.z_dim], (Kind::Float, self.core.device))
    }

    /// One D update on a real batch: the loss (plus penalty) on D(x) and D(G(z)) with G's
    /// output detached, then an optimizer step and the clipping, if any. A non-finite loss
    /// stops before the update, leaving the last good weights in place.
    pub fn update_d(&mut self, batch: &Batch) -> Result<DUpdate> {
        let real = batch.x.to_device(self.core.device);
        let c = self.conditions(batch)?;
        let c = c.as_ref();
        let n = real.size()[0];
        let fake = tch::no_grad(|| self.g.forward_gan(&self.noise(n), c, true));
        let (d_real, d_fake) = self.score_real_and_fake(&real, &fake, c);
        let terms = self.config.loss.d_terms(&d_real, &d_fake);
        let mut loss = terms.value.shallow_clone();
        let d = &self.d;
        let critic = |x: &Tensor| d.forward_gan(x, c, true);
        let penalty = match self.config.penalty {
            Penalty::None => None,
            Penalty::Gradient(gp) => Some(gp.penalty(&critic, &real, &fake)?),
            Penalty::Dragan(p) => Some(p.penalty(&critic, &real)?),
            Penalty::R1(p) => Some(p.penalty(&critic, &real)?),
        };
        if let Some(p) = &penalty {
            loss += &p.value;
        }
        let value = finite(loss.double_value(&[]), self.steps_done() + 1, "D loss")?;
        let grad_norm = self.core.opt_d.minimize(&loss);
        if let Some(clip) = self.config.clip {
            clip.apply(&self.core.vs_d);
        }
        Ok(DUpdate {
            loss: value,
            d_real: terms.mean_real.double_value(&[]),
            d_fake: terms.mean_fake.double_value(&[]),
            wasserstein: terms.wasserstein.double_value(&[]),
            penalty: penalty.map(|p| p.value_f64()),
            grad_norm,
        })
    }

    /// D(x) and D(G(z)). When D [`GanNet::is_row_wise`] and the batches match, in one pass over
    /// both stacked: the same scores with half the kernel launches (the 2-D toy's whole step ran
    /// 5–10 % faster). Otherwise in two passes, as BatchNorm, Dropout and spectral norm need.
    fn score_real_and_fake(
        &self,
        real: &Tensor,
        fake: &Tensor,
        c: Option<&Tensor>,
    ) -> (Tensor, Tensor) {
        if !self.d.is_row_wise() || real.size() != fake.size() || real.kind() != fake.kind() {
            return (
                self.d.forward_gan(real, c, true),
                self.d.forward_gan(fake, c, true),
            );
        }
        let n = real.size()[0];
        let c2 = c.map(|c| Tensor::cat(&[c, c], 0));
        let both = self
            .d
            .forward_gan(&Tensor::cat(&[real, fake], 0), c2.as_ref(), true);
        let mut halves = both.split(n, 0).into_iter();
        let d_real = halves.next().expect("two halves");
        (d_real, halves.next().expect("two halves"))
    }

    /// One G update: G's loss on D(G(z)) (and D(x) for the relativistic losses), then an
    /// optimizer step on G only. The backward pass runs to G's parameters only: the gradient
    /// flows through D without computing D's own weight gradients, and D's `.grad()` is
    /// left as it was.
    pub fn update_g(&mut self, batch: &Batch) -> Result<GUpdate> {
        let c = self.conditions(batch)?;
        let c = c.as_ref();
        let n = batch.x.size()[0];
        let fake = self.g.forward_gan(&self.noise(n), c, true);
        let d_fake = self.d.forward_gan(&fake, c, true);
        let (loss, mean_fake) = match self.config.loss.g_loss_on_fakes(&d_fake) {
            Some(loss) => (loss, d_fake.detach().mean(None)),
            None => {
                let real = batch.x.to_device(self.core.device);
                let d_real = self.d.forward_gan(&real, c, true).detach();
                let terms = self.config.loss.g_terms(&d_real, &d_fake);
                (terms.value, terms.mean_fake)
            }
        };
        let value = finite(loss.double_value(&[]), self.steps_done() + 1, "G loss")?;
        let grad_norm = self.core.opt_g.minimize(&loss);
        Ok(GUpdate {
            loss: value,
            d_fake: mean_fake.double_value(&[]),
            grad_norm,
        })
    }

    fn uses_probabilities(&self) -> bool {
        matches!(
            self.config.loss.loss,
            Loss::Minimax(crate::losses::DOutput::Probability)
                | Loss::NonSaturating(crate::losses::DOutput::Probability)
        )
    }

    /// G's output for the fixed noise (G in training mode, as the PyTorch DCGAN tutorial
    /// samples it; no gradients).
    pub fn fixed_samples(&self) -> Tensor {
        tch::no_grad(|| {
            self.g
                .forward_gan(&self.fixed_z, self.fixed_c.as_ref(), true)
        })
    }

    /// `n` new samples from G (a conditional G cycles through the fixed conditions).
    pub fn sample(&self, n: i64) -> Tensor {
        let c = self.fixed_c.as_ref().map(|c| repeat_rows(c, n));
        tch::no_grad(|| self.g.forward_gan(&self.noise(n), c.as_ref(), true))
    }

    /// One new sample per row of `conditions` from a conditional G.
    pub fn sample_with(&self, conditions: &Tensor) -> Tensor {
        let c = conditions.to_kind(Kind::Float).to_device(self.core.device);
        tch::no_grad(|| self.g.forward_gan(&self.noise(c.size()[0]), Some(&c), true))
    }

    /// GAN Lab's view of a 2-D run over the square [−extent, extent]²: D's output as a
    /// probability over the plane (σ applied to logits and critic scores), the `real` points,
    /// `n` new fakes, and G's push on each (see [`Gan::generator_push`]), titled with the step.
    /// A figure (`viz` draws it): `gan.field_preview(&real, 400, 3.0)?` ends a cell.
    pub fn field_preview(&self, real: &Tensor, n: i64, extent: f64) -> Result<FieldPreview> {
        let (fake, push) = self.generator_push(n, real);
        let probabilities = self.uses_probabilities();
        let device = self.core.device;
        let d = |x: &Tensor| {
            let out = self.d.forward_gan(&x.to_device(device), None, false);
            if probabilities {
                out
            } else {
                out.sigmoid()
            }
        };
        let title = format!("step {}", self.steps_done());
        FieldPreview::compute(title, extent, &d, real, &fake, &push)
    }

    /// `n` new fake samples x = G(z) and, at each, −∇ₓ of its own term of L_G (the batch
    /// mean's gradient times n): the direction G's loss pushes every sample (GAN Lab's
    /// arrows). `real` feeds the relativistic losses' D(x_r).
    pub fn generator_push(&self, n: i64, real: &Tensor) -> (Tensor, Tensor) {
        let fake = self.sample(n).detach().set_requires_grad(true);
        let d_fake = self.d.forward_gan(&fake, None, false);
        let d_real = tch::no_grad(|| {
            self.d
                .forward_gan(&real.to_device(self.core.device), None, false)
        });
        let loss = self.config.loss.g_loss(&d_real, &d_fake);
        let grad = Tensor::run_backward(&[&loss], &[&fake], false, false).remove(0);
        (fake.detach(), grad * (-(n as f64)))
    }
}

impl<G: GanNet, D: GanNet> Trainer for Gan<G, D> {
    /// One step: `d_steps` D updates (each on the next batch of the run's data) and, every
    /// `g_every`-th step (every step during the first `warmup_steps`), `g_steps` G updates, in
    /// the configured order, at the learning rates of the config's schedule. Returns (and
    /// records) what happened.
    ///
    /// Each step first seeds libtorch's generator from (seed, step), so a run's randomness
    /// depends only on its seed and a resumed run continues exactly.
    fn step(&mut self) -> Result<StepRecord> {
        let t0 = Instant::now();
        let _one_thread =
            (self.core.device == Device::Cpu && self.g.is_row_wise() && self.d.is_row_wise())
                .then(crate::device::OneCpuThread::switch);
        let step = self.steps_done() + 1;
        seed_step(self.config.seed, step);
        self.config.lr_schedule.apply(
            step,
            &self.config.optimizers,
            &mut self.core.opt_g,
            &mut self.core.opt_d,
        );
        let (mut d, mut g) = (None, None);
        let g_every = if step <= self.config.warmup_steps {
            1
        } else {
            self.config.g_every
        };
        let do_g = (step - 1) % g_every == 0;
        let order = match self.config.order {
            UpdateOrder::DFirst => [true, false],
            UpdateOrder::GFirst => [false, true],
        };
        let mut drawn = Vec::new();
        for is_d in order {
            let k = if is_d {
                self.config.d_steps
            } else if do_g {
                self.config.g_steps
            } else {
                0
            };
            for _ in 0..k {
                drawn.push(self.next_batch()?);
            }
        }
        if self.fixed_c.is_none() && self.is_conditional() {
            if let Some(labels) = &drawn.first().and_then(|b| b.labels.as_ref()) {
                let c = repeat_rows(labels, self.config.fixed_samples);
                self.set_fixed_conditions(&c)?;
            }
        }
        let mut drawn = drawn.iter();
        for is_d in order {
            if is_d {
                for _ in 0..self.config.d_steps {
                    d = Some(self.update_d(drawn.next().expect("drawn above"))?);
                }
            } else if do_g {
                for _ in 0..self.config.g_steps {
                    g = Some(self.update_g(drawn.next().expect("drawn above"))?);
                }
            }
        }
        let record = StepRecord {
            step,
            d_loss: d.map(|u| u.loss),
            g_loss: g.map(|u| u.loss),
            d_real: d.map(|u| u.d_real),
            d_fake_before: d.map(|u| u.d_fake),
            d_fake_after: g.map(|u| u.d_fake),
            wasserstein: d
                .map(|u| u.wasserstein)
                .filter(|_| !self.uses_probabilities()),
            penalty: d.and_then(|u| u.penalty),
            d_grad_norm: d.map(|u| u.grad_norm),
            g_grad_norm: g.map(|u| u.grad_norm),
            terms: Vec::new(),
            seconds: t0.elapsed().as_secs_f64(),
        };
        self.core.history.steps.push(record.clone());
        Ok(record)
    }

    /// The fixed noise's samples as images (titled with the step), or for 2-D data GAN Lab's
    /// field over the data's first 512 points.
    fn preview(&self) -> Result<Preview> {
        let samples = self.fixed_samples();
        if samples.dim() == 4 {
            let title = format!("step {}", self.steps_done());
            return Ok(Preview::Images(ImagePreview::new(&samples, title)));
        }
        let real = match self.stream.data() {
            Some(data) => data.head(512).x,
            None => Tensor::zeros([0, 2], (Kind::Float, self.core.device)),
        };
        let extent = if real.numel() > 0 {
            real.abs().max().double_value(&[]) * 1.3 + 0.5
        } else {
            3.0
        };
        Ok(Preview::Field(self.field_preview(&real, 512, extent)?))
    }
}

impl<G: GanNet, D: GanNet> Stateful for Gan<G, D> {
    fn core(&self) -> &Core {
        &self.core
    }

    fn core_mut(&mut self) -> &mut Core {
        &mut self.core
    }

    fn parts(&self) -> Parts<'_> {
        let mut tensors = vec![("fixed_z".to_string(), self.fixed_z.shallow_clone())];
        if let Some(c) = &self.fixed_c {
            tensors.push(("fixed_c".into(), c.shallow_clone()));
        }
        self.core.parts(
            "gan",
            tensors,
            self.config.seed,
            self.config.fields(),
            &self.notes,
        )
    }

    fn restore(&mut self, mut r: Restored, dir: &Path) -> Result<()> {
        let device = self.core.device;
        self.fixed_z = required(&r, dir, "fixed_z")?.to_device(device);
        self.fixed_c = r.tensors.get("fixed_c").map(|c| c.to_device(device));
        self.core.restore(&mut r);
        self.notes = r.notes;
        self.stream.reopen();
        Ok(())
    }
}

/// Errors when D's output is not what the loss reads: a Sigmoid-ended D with a loss on raw
/// scores, or a BCE loss on probabilities (logits) with a D that outputs logits
/// (probabilities). Networks that do not say ([`GanNet::ends_in_sigmoid`] is `None`) pass.
fn check_d_output(d: &impl GanNet, loss: Loss) -> Result<()> {
    let Some(sigmoid) = d.ends_in_sigmoid() else {
        return Ok(());
    };
    let reads_probabilities = matches!(
        loss,
        Loss::Minimax(DOutput::Probability) | Loss::NonSaturating(DOutput::Probability)
    );
    if sigmoid == reads_probabilities {
        return Ok(());
    }
    let what = if sigmoid {
        "ends in a Sigmoid (probabilities)"
    } else {
        "outputs raw scores (logits)"
    };
    let bce = |out: DOutput| {
        let name = match loss {
            Loss::Minimax(_) => "Minimax",
            _ => "NonSaturating",
        };
        format!("use Loss::{name}(DOutput::{out:?})")
    };
    let fix = match (sigmoid, loss.is_bce()) {
        (true, true) => bce(DOutput::Probability),
        (false, true) => bce(DOutput::Logit),
        (true, false) => "build D without its Sigmoid (sigmoid: false)".to_string(),
        (false, false) => unreachable!("only the BCE losses read probabilities"),
    };
    Err(Error::setting(
        "TrainConfig.loss",
        format!("{loss} does not match the discriminator, which {what}: {fix}"),
    ))
}

/// The first `n` rows of `t`, repeating its rows in turn when it has fewer.
pub(crate) fn repeat_rows(t: &Tensor, n: i64) -> Tensor {
    let rows = t.size()[0];
    let index = Tensor::arange(n, (Kind::Int64, t.device())).remainder(rows);
    t.index_select(0, &index)
}

pub(crate) fn finite(v: f64, step: usize, what: &str) -> Result<f64> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(Error::setting(
            "training",
            format!("{what} is {v} at step {step}: training diverged; the weights before this update are kept (lower the learning rate or add a penalty)"),
        ))
    }
}

/// Seeds libtorch's generators for one step: a hash of (run seed, step). Every step's noise,
/// dropout masks and penalty interpolates then depend only on the seed and the step number,
/// so a run resumed from a checkpoint at step k draws exactly what the uninterrupted run drew.
pub(crate) fn seed_step(seed: u64, step: usize) {
    let mut z = seed ^ (step as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    tch::manual_seed((z >> 1) as i64);
}
