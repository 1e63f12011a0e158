//! The step-by-step GAN trainer: `update_d` and `update_g` are the d2l-style pieces, `step`
//! runs one iteration as the config says, `train(n)` is `step` in a loop with progress lines.
use super::config::{Penalty, TrainConfig, UpdateOrder};
use super::history::{History, StepRecord};
use crate::data::Batch;
use crate::losses::Loss;
use crate::viz::ImageGrid;
use crate::{Error, Result};
use std::time::Instant;
use tch::nn::{self, ModuleT};
use tch::{Device, Kind, Tensor};

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
pub struct Gan<G: ModuleT, D: ModuleT> {
    /// The generator: z `[N, z_dim]` → samples.
    pub g: G,
    /// The discriminator (critic): samples → outputs.
    pub d: D,
    /// G's variables.
    pub vs_g: nn::VarStore,
    /// D's variables.
    pub vs_d: nn::VarStore,
    opt_g: nn::Optimizer,
    opt_d: nn::Optimizer,
    /// The run's settings.
    pub config: TrainConfig,
    /// Every step so far.
    pub history: History,
    /// The same noise throughout the run, for comparable grids (report 002's noise evolution).
    pub fixed_z: Tensor,
    /// Grids of the fixed noise kept by [`Gan::train`] (every `grid_every` steps).
    pub snapshots: Vec<(usize, ImageGrid)>,
    device: Device,
}

impl<G: ModuleT, D: ModuleT> Gan<G, D> {
    /// Builds the optimizers (checking the config first) and seeds the run.
    pub fn new(g: G, vs_g: nn::VarStore, d: D, vs_d: nn::VarStore, config: TrainConfig) -> Result<Self> {
        config.validate()?;
        let (opt_g, opt_d) = config.optimizers.build(&vs_g, &vs_d)?;
        let device = vs_g.device();
        tch::manual_seed(config.seed as i64);
        let fixed_z = Tensor::randn([config.fixed_samples, config.z_dim], (Kind::Float, device));
        Ok(Gan { g, d, vs_g, vs_d, opt_g, opt_d, config, history: History::default(), fixed_z, snapshots: Vec::new(), device })
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
    pub fn update_d(&mut self, real: &Tensor) -> Result<DUpdate> {
        let real = real.to_device(self.device);
        let n = real.size()[0];
        let fake = tch::no_grad(|| self.g.forward_t(&self.noise(n), true));
        let d_real = self.d.forward_t(&real, true);
        let d_fake = self.d.forward_t(&fake, true);
        let terms = self.config.loss.d_terms(&d_real, &d_fake);
        let mut loss = terms.value.shallow_clone();
        let d = &self.d;
        let critic = |x: &Tensor| d.forward_t(x, true);
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
        self.opt_d.zero_grad();
        loss.backward();
        let grad_norm = grad_norm(&self.vs_d);
        self.opt_d.step();
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

    /// One G update: G's loss on D(G(z)) (and D(x) for the relativistic losses), then an
    /// optimizer step on G only.
    pub fn update_g(&mut self, real: &Tensor) -> Result<GUpdate> {
        let real = real.to_device(self.device);
        let n = real.size()[0];
        let fake = self.g.forward_t(&self.noise(n), true);
        let d_fake = self.d.forward_t(&fake, true);
        let d_real = if self.config.loss.loss.is_relativistic() {
            self.d.forward_t(&real, true).detach()
        } else {
            tch::no_grad(|| self.d.forward_t(&real, true))
        };
        let terms = self.config.loss.g_terms(&d_real, &d_fake);
        let value = finite(terms.value.double_value(&[]), self.steps_done() + 1, "G loss")?;
        self.opt_g.zero_grad();
        terms.value.backward();
        let grad_norm = grad_norm(&self.vs_g);
        self.opt_g.step();
        self.opt_d.zero_grad(); // D's grads from this pass must not leak into its next update
        Ok(GUpdate { loss: value, d_fake: terms.mean_fake.double_value(&[]), grad_norm })
    }

    /// One step: `d_steps` D updates (each on the next batch) and, every `g_every`-th step,
    /// `g_steps` G updates, in the configured order. Returns (and records) what happened.
    pub fn step(&mut self, batches: &mut impl Iterator<Item = Batch>) -> Result<StepRecord> {
        let t0 = Instant::now();
        let step = self.steps_done() + 1;
        let mut next = || batches.next().map(|b| b.x).ok_or_else(|| Error::setting("batches", "the batch stream ended"));
        let (mut d, mut g) = (None, None);
        let do_g = (step - 1) % self.config.g_every == 0;
        let order = match self.config.order {
            UpdateOrder::DFirst => [true, false],
            UpdateOrder::GFirst => [false, true],
        };
        for is_d in order {
            if is_d {
                for _ in 0..self.config.d_steps {
                    d = Some(self.update_d(&next()?)?);
                }
            } else if do_g {
                for _ in 0..self.config.g_steps {
                    g = Some(self.update_g(&next()?)?);
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
            wasserstein: d.map(|u| u.wasserstein).filter(|_| !self.uses_probabilities()),
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
        matches!(self.config.loss.loss, Loss::Minimax(crate::losses::DOutput::Probability) | Loss::NonSaturating(crate::losses::DOutput::Probability))
    }

    /// `n` steps with a progress line every `print_every` steps (0: none): step, losses,
    /// scores, steps/s and time left. Stops at the first error (a diverged loss names its
    /// step), keeping everything done so far.
    pub fn train(&mut self, batches: &mut impl Iterator<Item = Batch>, n: usize, print_every: usize) -> Result<()> {
        self.train_with_grids(batches, n, print_every, 0)
    }

    /// Like [`Gan::train`], also keeping a grid of the fixed noise every `grid_every` steps in
    /// [`Gan::snapshots`] (0: none).
    pub fn train_with_grids(&mut self, batches: &mut impl Iterator<Item = Batch>, n: usize, print_every: usize, grid_every: usize) -> Result<()> {
        let t0 = Instant::now();
        let first = self.steps_done();
        for i in 1..=n {
            let r = self.step(batches)?;
            if grid_every > 0 && i % grid_every == 0 {
                if let Ok(grid) = ImageGrid::new(&self.fixed_samples()) {
                    self.snapshots.push((r.step, grid));
                }
            }
            if print_every > 0 && (i % print_every == 0 || i == n) {
                let rate = i as f64 / t0.elapsed().as_secs_f64().max(1e-9);
                println!("{r}  {rate:.1} steps/s  ETA {:.0} s", (n - i) as f64 / rate);
            }
        }
        debug_assert_eq!(self.steps_done(), first + n);
        Ok(())
    }

    /// G's output for the fixed noise (G in training mode, as the PyTorch DCGAN tutorial
    /// samples it; no gradients).
    pub fn fixed_samples(&self) -> Tensor {
        tch::no_grad(|| self.g.forward_t(&self.fixed_z, true))
    }

    /// `n` new samples from G.
    pub fn sample(&self, n: i64) -> Tensor {
        tch::no_grad(|| self.g.forward_t(&self.noise(n), true))
    }

    /// `n` new fake samples x = G(z) and, at each, −∇ₓ of its own term of L_G (the batch
    /// mean's gradient times n): the direction G's loss pushes every sample (GAN Lab's
    /// arrows). `real` feeds the relativistic losses' D(x_r).
    pub fn generator_push(&self, n: i64, real: &Tensor) -> (Tensor, Tensor) {
        let fake = self.sample(n).detach().set_requires_grad(true);
        let d_fake = self.d.forward_t(&fake, false);
        let d_real = tch::no_grad(|| self.d.forward_t(&real.to_device(self.device), false));
        let loss = self.config.loss.g_loss(&d_real, &d_fake);
        let grad = Tensor::run_backward(&[&loss], &[&fake], false, false).remove(0);
        (fake.detach(), grad * (-(n as f64)))
    }
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

/// L2 norm of all gradients in a var store.
pub(crate) fn grad_norm(vs: &nn::VarStore) -> f64 {
    let sq: f64 = vs
        .trainable_variables()
        .iter()
        .map(|v| {
            let g = v.grad();
            if g.defined() {
                g.square().sum(Kind::Double).double_value(&[])
            } else {
                0.0
            }
        })
        .sum();
    sq.sqrt()
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
