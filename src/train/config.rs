//! The typed training configuration: every choice an enum or a number, checked once.
use crate::error::{Error, Result};
use crate::losses::{Dragan, GradientPenalty, LossConfig, WeightClip, R1};
use crate::optim::{GanOptimizers, LrSchedule};

/// Which network is updated first in a step (report 003 compares both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UpdateOrder {
    /// D, then G (the usual order).
    #[default]
    DFirst,
    /// G, then D.
    GFirst,
}

/// A regularizer added to the D loss.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Penalty {
    #[default]
    None,
    /// WGAN-GP's gradient penalty on interpolates.
    Gradient(GradientPenalty),
    /// DRAGAN's penalty around the real data.
    Dragan(Dragan),
    /// R1: the gradient norm on real data.
    R1(R1),
}

/// Everything a GAN run decides.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainConfig {
    /// The adversarial loss, with its term weights and labels.
    pub loss: LossConfig,
    /// Optimizers and learning rates of G and D.
    pub optimizers: GanOptimizers,
    /// D updates per step (WGAN's n_critic, report 003's D/G ratio), each on a new batch.
    pub d_steps: usize,
    /// G updates per step (report 003's ratios below 1: several G updates per D update).
    pub g_steps: usize,
    /// Update G only every `g_every`-th step (report 001 tip a: 3; 1 = every step).
    pub g_every: usize,
    /// G updated every step during the first `warmup_steps` steps, then every `g_every`-th
    /// (report 002 §3: every iteration in the first 2 epochs). 0: no warm-up.
    pub warmup_steps: usize,
    /// Which network goes first.
    pub order: UpdateOrder,
    /// A penalty on D.
    pub penalty: Penalty,
    /// Weight clipping of D after each update (the original WGAN).
    pub clip: Option<WeightClip>,
    /// Minibatch size.
    pub batch_size: usize,
    /// Latent size of G.
    pub z_dim: i64,
    /// Seeds the noise, the batches and the networks' randomness.
    pub seed: u64,
    /// Size of the fixed noise batch shown across training.
    pub fixed_samples: i64,
    /// How both learning rates move over the run (constant, or a linear decay).
    pub lr_schedule: LrSchedule,
}

impl Default for TrainConfig {
    /// DCGAN: BCE, Adam 2e-4 (0.5, 0.999), 1:1, batch 64, z 100.
    fn default() -> Self {
        TrainConfig {
            loss: LossConfig::default(),
            optimizers: GanOptimizers::default(),
            d_steps: 1,
            g_steps: 1,
            g_every: 1,
            warmup_steps: 0,
            order: UpdateOrder::DFirst,
            penalty: Penalty::None,
            clip: None,
            batch_size: 64,
            z_dim: 100,
            seed: 0,
            fixed_samples: 64,
            lr_schedule: LrSchedule::Constant,
        }
    }
}

impl TrainConfig {
    /// Every field as (name, value as Rust prints it): the config in a checkpoint's JSON, and
    /// what [`crate::train::Gan::load_checkpoint`] compares.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        let TrainConfig {
            loss,
            optimizers,
            d_steps,
            g_steps,
            g_every,
            warmup_steps,
            order,
            penalty,
            clip,
            batch_size,
            z_dim,
            seed,
            fixed_samples,
            lr_schedule,
        } = self;
        vec![
            ("loss", format!("{loss:?}")),
            ("optimizers", format!("{optimizers}")),
            ("d_steps", d_steps.to_string()),
            ("g_steps", g_steps.to_string()),
            ("g_every", g_every.to_string()),
            ("warmup_steps", warmup_steps.to_string()),
            ("order", format!("{order:?}")),
            ("penalty", format!("{penalty:?}")),
            ("clip", format!("{clip:?}")),
            ("batch_size", batch_size.to_string()),
            ("z_dim", z_dim.to_string()),
            ("seed", seed.to_string()),
            ("fixed_samples", fixed_samples.to_string()),
            ("lr_schedule", format!("{lr_schedule:?}")),
        ]
    }

    /// Checks every value; the error names the key.
    pub fn validate(&self) -> Result<()> {
        let bad = |key: &str, msg: String| Err(Error::setting(format!("TrainConfig.{key}"), msg));
        if self.batch_size == 0 {
            return bad("batch_size", "must be at least 1".into());
        }
        if self.d_steps == 0 && self.g_steps == 0 {
            return bad(
                "d_steps",
                "d_steps and g_steps are both 0: nothing would train".into(),
            );
        }
        if self.g_every == 0 {
            return bad("g_every", "must be at least 1 (1 = G every step)".into());
        }
        if self.z_dim <= 0 {
            return bad("z_dim", format!("must be positive, got {}", self.z_dim));
        }
        if self.fixed_samples <= 0 {
            return bad(
                "fixed_samples",
                format!("must be positive, got {}", self.fixed_samples),
            );
        }
        if let Some(c) = self.clip {
            if c.c.is_nan() || c.c <= 0.0 {
                return bad(
                    "clip",
                    format!("the clipping bound must be positive, got {}", c.c),
                );
            }
        }
        self.lr_schedule.validate("TrainConfig.lr_schedule")?;
        self.optimizers
            .g
            .validate()
            .map_err(|e| Error::setting("TrainConfig.optimizers.g", e.to_string()))?;
        self.optimizers
            .d
            .validate()
            .map_err(|e| Error::setting("TrainConfig.optimizers.d", e.to_string()))?;
        Ok(())
    }
}
