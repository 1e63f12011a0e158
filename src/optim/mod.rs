//! Optimizer settings per network (Adam, AdamW, RMSprop, SGD) as the reports used them.
//!
//! ```text
//! let opt = Optimizer::adam(2e-5).betas(0.5, 0.999);            // report 001
//! let mut opt_d = opt.build(&vs_d)?;
//! let (mut opt_g, mut opt_d) = GanOptimizers::same(Optimizer::rmsprop(5e-5)).build(&vs_g, &vs_d)?; // 002 §3
//! let opts = GanOptimizers { g: Optimizer::adam(2e-4), d: Optimizer::adam(1e-5) };         // 004
//! ```
//!
//! The named constructors take PyTorch's defaults for every other field (`torch.optim.Adam`:
//! betas (0.9, 0.999), eps 1e-8, weight_decay 0; `AdamW`: weight_decay 0.01; `RMSprop`: alpha
//! 0.99, eps 1e-8; `SGD`: momentum 0), and `build` passes every field to libtorch explicitly.
//! The update rules are libtorch's, which tests/optim.rs checks against `torch.optim` step by
//! step.
use crate::error::{Error, Result};
use std::fmt;
use tch::nn;

mod fused;
mod state;
pub use state::OptimizerState;

/// What a notebook cell needs from this module (re-exported by `gankit::prelude`).
pub mod prelude {
    pub use super::{GanOptimizers, LrSchedule, Optimizer, OptimizerState};
}

/// An optimizer and all its settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Optimizer {
    /// `torch.optim.Adam` (weight_decay is an L2 term added to the gradient).
    Adam {
        lr: f64,
        betas: (f64, f64),
        eps: f64,
        weight_decay: f64,
        amsgrad: bool,
    },
    /// `torch.optim.AdamW` (decoupled weight decay: w ← w − lr·weight_decay·w).
    AdamW {
        lr: f64,
        betas: (f64, f64),
        eps: f64,
        weight_decay: f64,
        amsgrad: bool,
    },
    /// `torch.optim.RMSprop`, the original WGAN's optimizer.
    RmsProp {
        lr: f64,
        alpha: f64,
        eps: f64,
        weight_decay: f64,
        momentum: f64,
        centered: bool,
    },
    /// `torch.optim.SGD`.
    Sgd {
        lr: f64,
        momentum: f64,
        dampening: f64,
        weight_decay: f64,
        nesterov: bool,
    },
}

impl Optimizer {
    /// Adam with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay. Reports:
    /// 000 `adam(1e-4)`; 001 `adam(2e-5).betas(0.5, 0.999)`; 001 §5 `adam(2e-4).betas(0.5, 0.999)`.
    pub fn adam(lr: f64) -> Self {
        Optimizer::Adam {
            lr,
            betas: (0.9, 0.999),
            eps: 1e-8,
            weight_decay: 0.0,
            amsgrad: false,
        }
    }

    /// AdamW with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, weight_decay 0.01.
    /// Report 002 §4: `adamw(lr).betas(beta1, 0.99)`.
    pub fn adamw(lr: f64) -> Self {
        Optimizer::AdamW {
            lr,
            betas: (0.9, 0.999),
            eps: 1e-8,
            weight_decay: 0.01,
            amsgrad: false,
        }
    }

    /// RMSprop with PyTorch's defaults: alpha 0.99, eps 1e-8, no weight decay or momentum,
    /// not centered. Reports: 002 §3 `rmsprop(5e-5)` (with weight clipping), 001 §3 `rmsprop(2e-4)`.
    pub fn rmsprop(lr: f64) -> Self {
        Optimizer::RmsProp {
            lr,
            alpha: 0.99,
            eps: 1e-8,
            weight_decay: 0.0,
            momentum: 0.0,
            centered: false,
        }
    }

    /// Plain SGD (no momentum, dampening, weight decay).
    pub fn sgd(lr: f64) -> Self {
        Optimizer::Sgd {
            lr,
            momentum: 0.0,
            dampening: 0.0,
            weight_decay: 0.0,
            nesterov: false,
        }
    }

    /// The learning rate.
    pub fn learning_rate(&self) -> f64 {
        match *self {
            Optimizer::Adam { lr, .. }
            | Optimizer::AdamW { lr, .. }
            | Optimizer::RmsProp { lr, .. }
            | Optimizer::Sgd { lr, .. } => lr,
        }
    }

    /// The same optimizer with another learning rate (e.g. report 001's higher-lr run).
    pub fn lr(mut self, new: f64) -> Self {
        match &mut self {
            Optimizer::Adam { lr, .. }
            | Optimizer::AdamW { lr, .. }
            | Optimizer::RmsProp { lr, .. }
            | Optimizer::Sgd { lr, .. } => *lr = new,
        }
        self
    }

    /// Adam's and AdamW's (β1, β2). Panics for RMSprop and SGD, which have none.
    pub fn betas(mut self, beta1: f64, beta2: f64) -> Self {
        match &mut self {
            Optimizer::Adam { betas, .. } | Optimizer::AdamW { betas, .. } => {
                *betas = (beta1, beta2)
            }
            other => panic!("{}: has no betas (Adam and AdamW do)", other.name()),
        }
        self
    }

    /// The weight decay (L2 for Adam, RMSprop, SGD; decoupled for AdamW).
    pub fn weight_decay(mut self, wd: f64) -> Self {
        match &mut self {
            Optimizer::Adam { weight_decay, .. }
            | Optimizer::AdamW { weight_decay, .. }
            | Optimizer::RmsProp { weight_decay, .. }
            | Optimizer::Sgd { weight_decay, .. } => *weight_decay = wd,
        }
        self
    }

    /// eps, added to the denominator. Panics for SGD, which has none.
    pub fn eps(mut self, value: f64) -> Self {
        match &mut self {
            Optimizer::Adam { eps, .. }
            | Optimizer::AdamW { eps, .. }
            | Optimizer::RmsProp { eps, .. } => *eps = value,
            other => panic!("{}: has no eps (Adam, AdamW and RMSprop do)", other.name()),
        }
        self
    }

    /// The momentum of RMSprop or SGD. Panics for Adam and AdamW (their β1 is the momentum).
    pub fn momentum(mut self, value: f64) -> Self {
        match &mut self {
            Optimizer::RmsProp { momentum, .. } | Optimizer::Sgd { momentum, .. } => {
                *momentum = value
            }
            other => panic!("{}: has no momentum setting (use betas)", other.name()),
        }
        self
    }

    /// "Adam", "AdamW", "RMSprop" or "SGD".
    pub fn name(&self) -> &'static str {
        match self {
            Optimizer::Adam { .. } => "Adam",
            Optimizer::AdamW { .. } => "AdamW",
            Optimizer::RmsProp { .. } => "RMSprop",
            Optimizer::Sgd { .. } => "SGD",
        }
    }

    /// Checks every value; the error names the field: "Adam.betas.1: must be in [0, 1), got 1".
    pub fn validate(&self) -> Result<()> {
        let name = self.name();
        let check = |field: &str, value: f64, ok: bool, range: &str| {
            if ok && value.is_finite() {
                Ok(())
            } else {
                Err(Error::setting(
                    format!("{name}.{field}"),
                    format!("must be {range}, got {value}"),
                ))
            }
        };
        let at_least_0 = |field: &str, v: f64| check(field, v, v >= 0.0, "≥ 0");
        let in_0_1 = |field: &str, v: f64| check(field, v, (0.0..1.0).contains(&v), "in [0, 1)");
        at_least_0("lr", self.learning_rate())?;
        match *self {
            Optimizer::Adam {
                betas,
                eps,
                weight_decay,
                ..
            }
            | Optimizer::AdamW {
                betas,
                eps,
                weight_decay,
                ..
            } => {
                in_0_1("betas.0", betas.0)?;
                in_0_1("betas.1", betas.1)?;
                at_least_0("eps", eps)?;
                at_least_0("weight_decay", weight_decay)
            }
            Optimizer::RmsProp {
                alpha,
                eps,
                weight_decay,
                momentum,
                ..
            } => {
                at_least_0("alpha", alpha)?;
                at_least_0("eps", eps)?;
                at_least_0("weight_decay", weight_decay)?;
                at_least_0("momentum", momentum)
            }
            Optimizer::Sgd {
                momentum,
                dampening,
                weight_decay,
                nesterov,
                ..
            } => {
                at_least_0("momentum", momentum)?;
                at_least_0("dampening", dampening)?;
                at_least_0("weight_decay", weight_decay)?;
                if nesterov && (momentum <= 0.0 || dampening != 0.0) {
                    return Err(Error::setting("SGD.nesterov", format!("needs momentum > 0 and dampening 0, got momentum {momentum}, dampening {dampening}")));
                }
                Ok(())
            }
        }
    }

    /// This optimizer bound to the trainable variables of `vs` (one network's), with fresh
    /// state.
    pub fn build(&self, vs: &nn::VarStore) -> Result<OptimizerState> {
        OptimizerState::new(*self, vs)
    }
}

impl fmt::Display for Optimizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Optimizer::Adam {
                lr,
                betas,
                eps,
                weight_decay,
                amsgrad,
            }
            | Optimizer::AdamW {
                lr,
                betas,
                eps,
                weight_decay,
                amsgrad,
            } => {
                write!(
                    f,
                    "{}(lr={lr:e}, betas=({}, {}), eps={eps:e}, weight_decay={weight_decay}",
                    self.name(),
                    betas.0,
                    betas.1
                )?;
                if amsgrad {
                    f.write_str(", amsgrad")?;
                }
                f.write_str(")")
            }
            Optimizer::RmsProp {
                lr,
                alpha,
                eps,
                weight_decay,
                momentum,
                centered,
            } => {
                write!(f, "RMSprop(lr={lr:e}, alpha={alpha}, eps={eps:e}, weight_decay={weight_decay}, momentum={momentum}")?;
                if centered {
                    f.write_str(", centered")?;
                }
                f.write_str(")")
            }
            Optimizer::Sgd {
                lr,
                momentum,
                dampening,
                weight_decay,
                nesterov,
            } => {
                write!(f, "SGD(lr={lr:e}, momentum={momentum}, dampening={dampening}, weight_decay={weight_decay}")?;
                if nesterov {
                    f.write_str(", nesterov")?;
                }
                f.write_str(")")
            }
        }
    }
}

/// Separate settings for G and D (report 004 trains G at 2e-4 and D at 1e-5).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GanOptimizers {
    pub g: Optimizer,
    pub d: Optimizer,
}

impl Default for GanOptimizers {
    /// The DCGAN paper's setting for both: Adam, lr 2e-4, betas (0.5, 0.999).
    fn default() -> Self {
        GanOptimizers::same(Optimizer::adam(2e-4).betas(0.5, 0.999))
    }
}

impl GanOptimizers {
    /// The same settings for G and D (most of the reports).
    pub fn same(opt: Optimizer) -> Self {
        GanOptimizers { g: opt, d: opt }
    }

    /// `(opt_g, opt_d)` over G's and D's variables.
    pub fn build(
        &self,
        g_vs: &nn::VarStore,
        d_vs: &nn::VarStore,
    ) -> Result<(OptimizerState, OptimizerState)> {
        let g = self.g.build(g_vs).map_err(|e| context("G", e))?;
        let d = self.d.build(d_vs).map_err(|e| context("D", e))?;
        Ok((g, d))
    }
}

/// How the learning rates move over a run: at step s (counting from 1) each optimizer runs at
/// its configured `lr` × [`LrSchedule::factor`]`(s)`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum LrSchedule {
    /// The configured rate throughout (and a rate set by hand with
    /// [`OptimizerState::set_lr`] stays).
    #[default]
    Constant,
    /// Constant for `constant` steps, then linearly down over `decay` steps, counted in steps
    /// where the CycleGAN reference's `--lr_policy linear` counts epochs (its 100 + 100 epochs
    /// are `constant` = `decay` = 100 × steps per epoch; StarGAN decays over the last 100,000
    /// of 200,000 steps): factor(s) = 1 − max(0, s − constant) / (decay + 1), and 0 after
    /// the decay.
    Linear { constant: usize, decay: usize },
}

impl LrSchedule {
    /// [`LrSchedule::Linear`]: `constant` steps at the full rate, then `decay` steps down.
    pub fn linear(constant: usize, decay: usize) -> Self {
        LrSchedule::Linear { constant, decay }
    }

    /// The multiplier of the configured rate at step `step` (1, 2, …).
    pub fn factor(self, step: usize) -> f64 {
        match self {
            LrSchedule::Constant => 1.0,
            LrSchedule::Linear { constant, decay } => {
                (1.0 - step.saturating_sub(constant) as f64 / (decay + 1) as f64).max(0.0)
            }
        }
    }

    /// Sets G's and D's rates for `step`: each configured rate × the factor (nothing for
    /// [`LrSchedule::Constant`]). The trainers call it at the start of each step.
    pub fn apply(
        self,
        step: usize,
        configured: &GanOptimizers,
        opt_g: &mut OptimizerState,
        opt_d: &mut OptimizerState,
    ) {
        if self != LrSchedule::Constant {
            let f = self.factor(step);
            opt_g.set_lr(configured.g.learning_rate() * f);
            opt_d.set_lr(configured.d.learning_rate() * f);
        }
    }

    /// Checks the values; the error names `key`.
    pub fn validate(self, key: &str) -> Result<()> {
        match self {
            LrSchedule::Linear { decay: 0, .. } => Err(Error::setting(
                key,
                "a linear decay needs at least 1 step (decay: 0 would drop the rate to 0 at once)",
            )),
            _ => Ok(()),
        }
    }
}

impl fmt::Display for LrSchedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LrSchedule::Constant => write!(f, "constant learning rates"),
            LrSchedule::Linear { constant, decay } => write!(
                f,
                "learning rates constant for {constant} steps, then linearly to 0 over {decay}"
            ),
        }
    }
}

/// Prefixes a setting error's key with the network: "D: Adam.lr: …".
fn context(net: &str, e: Error) -> Error {
    match e {
        Error::Setting { key, message } => Error::Setting {
            key: format!("{net}: {key}"),
            message,
        },
        other => other,
    }
}

impl fmt::Display for GanOptimizers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "G: {}, D: {}", self.g, self.d)
    }
}
