//! The step-by-step GAN trainer: `update_d` and `update_g` are the d2l-style pieces, `step`
//! runs one iteration as the config says, `train(n)` is `step` in a loop with progress lines.
use super::config::{Penalty, TrainConfig, UpdateOrder};
use super::history::{History, StepRecord};
use crate::data::Batch;
use crate::losses::Loss;
use crate::nets::GanNet;
use crate::optim::OptimizerState;
use crate::viz::{Figure, ImageGrid};
use crate::{Error, Result};
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

/// What [`Gan::train_with`] does besides stepping (every period 0 = never).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrainOptions {
    /// A progress line (step, losses, scores, steps/s, time left) every this many steps.
    pub print_every: usize,
    /// A grid of the fixed noise every this many steps, kept in [`Gan::snapshots`].
    pub grid_every: usize,
    /// Also write each grid as `<grid_dir>/step-NNNNNN.png` when it is made.
    pub grid_dir: Option<std::path::PathBuf>,
    /// A checkpoint every this many steps, and after the last step.
    pub checkpoint_every: usize,
    /// Where the checkpoints go (`<dir>/step-NNNNNN/`); none are written without it.
    pub checkpoint_dir: Option<std::path::PathBuf>,
}

/// A generator, a discriminator, their optimizers and the run's record.
///
/// ```no_run
/// use gankit::prelude::*;
/// let data = Mixture::ring8().sample(10_000, 0);
/// let (vs_g, vs_d) = (nn::VarStore::new(Device::Cpu), nn::VarStore::new(Device::Cpu));
/// let cfg = MlpConfig::default();
/// let g = mlp_generator(&vs_g.root(), &cfg);
/// let d = mlp_discriminator(&vs_d.root(), &cfg);
/// let mut gan = Gan::new(g, vs_g, d, vs_d, TrainConfig { z_dim: cfg.z_dim, batch_size: 256, ..Default::default() })?;
/// let mut batches = data.batches(256, 0)?;
/// gan.train(&mut batches, 500, 100)?;
/// # Ok::<(), gankit::Error>(())
/// ```
#[derive(Debug)]
pub struct Gan<G: GanNet, D: GanNet> {
    /// The generator: z `[N, z_dim]` → samples.
    pub g: G,
    /// The discriminator (critic): samples → outputs.
    pub d: D,
    /// G's variables.
    pub vs_g: nn::VarStore,
    /// D's variables.
    pub vs_d: nn::VarStore,
    /// G's optimizer and its state.
    pub opt_g: OptimizerState,
    /// D's optimizer and its state.
    pub opt_d: OptimizerState,
    /// The run's settings.
    pub config: TrainConfig,
    /// Every step so far.
    pub history: History,
    /// The same noise throughout the run, for comparable grids (report 002's noise evolution).
    pub fixed_z: Tensor,
    /// The conditions that go with `fixed_z` for a conditional G (set with
    /// [`Gan::with_fixed_conditions`], else taken from the first batch's labels).
    pub fixed_c: Option<Tensor>,
    /// Batches drawn so far (a resumed run skips as many: [`Gan::batches`]).
    pub batches_drawn: usize,
    /// Free-form notes saved in checkpoints' `checkpoint.json` under "notes" (the command line
    /// keeps the experiment's TOML there, so `gankit sample` can rebuild G).
    pub notes: std::collections::BTreeMap<String, String>,
    /// Grids of the fixed noise kept by [`Gan::train`] (every `grid_every` steps).
    pub snapshots: Vec<(usize, ImageGrid)>,
    device: Device,
}

impl<G: GanNet, D: GanNet> Gan<G, D> {
    /// Builds the optimizers (checking the config first) and seeds the run.
    pub fn new(
        g: G,
        vs_g: nn::VarStore,
        d: D,
        vs_d: nn::VarStore,
        config: TrainConfig,
    ) -> Result<Self> {
        crate::device::keep_freed_memory();
        config.validate()?;
        let (opt_g, opt_d) = config.optimizers.build(&vs_g, &vs_d)?;
        let device = vs_g.device();
        tch::manual_seed(config.seed as i64);
        let fixed_z = Tensor::randn([config.fixed_samples, config.z_dim], (Kind::Float, device));
        Ok(Gan {
            g,
            d,
            vs_g,
            vs_d,
            opt_g,
            opt_d,
            config,
            history: History::default(),
            fixed_z,
            fixed_c: None,
            batches_drawn: 0,
            notes: Default::default(),
            snapshots: Vec::new(),
            device,
        })
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
        self.fixed_c = Some(c.to_kind(Kind::Float).to_device(self.device));
        Ok(())
    }

    /// The data set's batch stream for this run: batch size and seed from the config,
    /// continuing after the batches already drawn (so a resumed run sees what the
    /// uninterrupted one would have).
    pub fn batches(&self, data: &crate::data::Dataset) -> Result<crate::data::Batches> {
        let mut b = data.batches(self.config.batch_size, self.config.seed)?;
        b.skip_batches(self.batches_drawn);
        Ok(b)
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
                Ok(Some(l.to_kind(Kind::Float).to_device(self.device)))
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

    /// The device the networks live on.
    pub fn device(&self) -> Device {
        self.device
    }

    /// Steps done so far.
    pub fn steps_done(&self) -> usize {
        self.history.len()
    }

    fn noise(&self, n: i64) -> Tensor {
        Tensor::randn([n, self.config.z_dim], (Kind::Float, self.device))
    }

    /// One D update on a real batch: the loss (plus penalty) on D(x) and D(G(z)) with G's
    /// output detached, then an optimizer step and the clipping, if any. A non-finite loss
    /// stops before the update, leaving the last good weights in place.
    pub fn update_d(&mut self, batch: &Batch) -> Result<DUpdate> {
        let real = batch.x.to_device(self.device);
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
            loss = loss + &p.value;
        }
        let value = finite(loss.double_value(&[]), self.steps_done() + 1, "D loss")?;
        let grad_norm = self.opt_d.minimize(&loss);
        if let Some(clip) = self.config.clip {
            clip.apply(&self.vs_d);
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
                let real = batch.x.to_device(self.device);
                let d_real = self.d.forward_gan(&real, c, true).detach();
                let terms = self.config.loss.g_terms(&d_real, &d_fake);
                (terms.value, terms.mean_fake)
            }
        };
        let value = finite(loss.double_value(&[]), self.steps_done() + 1, "G loss")?;
        let grad_norm = self.opt_g.minimize(&loss);
        Ok(GUpdate {
            loss: value,
            d_fake: mean_fake.double_value(&[]),
            grad_norm,
        })
    }

    /// One step: `d_steps` D updates (each on the next batch) and, every `g_every`-th step,
    /// `g_steps` G updates, in the configured order. Returns (and records) what happened.
    ///
    /// Each step first seeds libtorch's generator from (seed, step), so a run's randomness
    /// depends only on its seed and a resumed run continues exactly.
    pub fn step(&mut self, batches: &mut impl Iterator<Item = Batch>) -> Result<StepRecord> {
        let t0 = Instant::now();
        let step = self.steps_done() + 1;
        seed_step(self.config.seed, step);
        self.config.lr_schedule.apply(
            step,
            &self.config.optimizers,
            &mut self.opt_g,
            &mut self.opt_d,
        );
        let drawn = &mut self.batches_drawn;
        let mut next = || {
            *drawn += 1;
            batches
                .next()
                .ok_or_else(|| Error::setting("batches", "the batch stream ended"))
        };
        let (mut d, mut g) = (None, None);
        let do_g = (step - 1) % self.config.g_every == 0;
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
                drawn.push(next()?);
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
        self.history.steps.push(record.clone());
        Ok(record)
    }

    fn uses_probabilities(&self) -> bool {
        matches!(
            self.config.loss.loss,
            Loss::Minimax(crate::losses::DOutput::Probability)
                | Loss::NonSaturating(crate::losses::DOutput::Probability)
        )
    }

    /// `n` steps with a progress line every `print_every` steps (0: none): step, losses,
    /// scores, steps/s and time left. Stops at the first error (a diverged loss names its
    /// step), keeping everything done so far.
    pub fn train(
        &mut self,
        batches: &mut impl Iterator<Item = Batch>,
        n: usize,
        print_every: usize,
    ) -> Result<()> {
        self.train_with_grids(batches, n, print_every, 0)
    }

    /// Like [`Gan::train`], also keeping a grid of the fixed noise every `grid_every` steps in
    /// [`Gan::snapshots`] (0: none).
    pub fn train_with_grids(
        &mut self,
        batches: &mut impl Iterator<Item = Batch>,
        n: usize,
        print_every: usize,
        grid_every: usize,
    ) -> Result<()> {
        self.train_with(
            batches,
            n,
            &TrainOptions {
                print_every,
                grid_every,
                ..Default::default()
            },
        )
    }

    /// `n` steps with everything [`TrainOptions`] asks for along the way: progress lines,
    /// grids of the fixed noise (kept in [`Gan::snapshots`] for the end of the cell, and written
    /// as PNGs as they are made), checkpoints. Grids and checkpoints fall on whole multiples of
    /// their period in the run's step count, so a resumed run keeps the same schedule; a run
    /// that starts at step 0 also keeps the untrained G's grid.
    pub fn train_with(
        &mut self,
        batches: &mut impl Iterator<Item = Batch>,
        n: usize,
        options: &TrainOptions,
    ) -> Result<()> {
        let t0 = Instant::now();
        let every = |period: usize, step: usize| period > 0 && step % period == 0;
        if options.grid_every > 0 && self.steps_done() == 0 && self.snapshots.is_empty() {
            self.keep_grid(options)?;
        }
        for i in 1..=n {
            let r = self.step(batches)?;
            if every(options.grid_every, r.step) {
                self.keep_grid(options)?;
            }
            if every(options.checkpoint_every, r.step) || (i == n && options.checkpoint_every > 0) {
                if let Some(dir) = &options.checkpoint_dir {
                    self.save_checkpoint(dir)?;
                }
            }
            if every(options.print_every, i) || (options.print_every > 0 && i == n) {
                let rate = i as f64 / t0.elapsed().as_secs_f64().max(1e-9);
                println!("{r}  {rate:.1} steps/s  ETA {:.0} s", (n - i) as f64 / rate);
            }
        }
        Ok(())
    }

    /// A grid of the fixed samples into the snapshots (and its file); skipped for samples that
    /// are not images (2-D points).
    fn keep_grid(&mut self, options: &TrainOptions) -> Result<()> {
        let samples = self.fixed_samples();
        if samples.dim() != 4 {
            return Ok(());
        }
        let grid = ImageGrid::new(&samples)?;
        if let Some(dir) = &options.grid_dir {
            grid.save(dir.join(format!("step-{:06}.png", self.steps_done())))?;
        }
        self.snapshots.push((self.steps_done(), grid));
        Ok(())
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
        let c = conditions.to_kind(Kind::Float).to_device(self.device);
        tch::no_grad(|| self.g.forward_gan(&self.noise(c.size()[0]), Some(&c), true))
    }

    /// GAN Lab's view of a 2-D run over the square [−extent, extent]²: D's output as a
    /// heatmap (σ applied to logits and critic scores; probabilities as they are), the `real`
    /// points, `n` new fakes, and arrows of G's push on each (scaled so the longest is a tenth
    /// of the square's side). Titled with the step.
    pub fn field_plot(&self, real: &Tensor, n: i64, extent: f64) -> Result<crate::viz::FieldPlot> {
        let (fake, push) = self.generator_push(n, real);
        let probabilities = self.uses_probabilities();
        let device = self.device;
        let d = |x: &Tensor| {
            let out = self.d.forward_gan(&x.to_device(device), None, false);
            if probabilities {
                out
            } else {
                out.sigmoid()
            }
        };
        let longest = push
            .square()
            .sum_dim_intlist(1, false, Kind::Float)
            .sqrt()
            .max()
            .double_value(&[]);
        let scale = if longest > 0.0 {
            0.2 * extent / longest
        } else {
            0.0
        };
        crate::viz::FieldPlot::new(
            format!("step {}", self.steps_done()),
            (-extent, extent),
            (-extent, extent),
        )
        .heatmap(&d, 60)?
        .real(real)?
        .fake(&fake)?
        .arrows(&fake, &push, scale)
    }

    /// `n` new fake samples x = G(z) and, at each, −∇ₓ of its own term of L_G (the batch
    /// mean's gradient times n): the direction G's loss pushes every sample (GAN Lab's
    /// arrows). `real` feeds the relativistic losses' D(x_r).
    pub fn generator_push(&self, n: i64, real: &Tensor) -> (Tensor, Tensor) {
        let fake = self.sample(n).detach().set_requires_grad(true);
        let d_fake = self.d.forward_gan(&fake, None, false);
        let d_real = tch::no_grad(|| {
            self.d
                .forward_gan(&real.to_device(self.device), None, false)
        });
        let loss = self.config.loss.g_loss(&d_real, &d_fake);
        let grad = Tensor::run_backward(&[&loss], &[&fake], false, false).remove(0);
        (fake.detach(), grad * (-(n as f64)))
    }
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
