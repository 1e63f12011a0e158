//! gankit's own optimizer loop: the update rules of `torch.optim` (single-tensor form, as
//! PyTorch runs them on CPU) written with libtorch's in-place tensor ops, so that the state
//! (moments, step counts) is ours to save in a checkpoint and load back exactly.
use super::Optimizer;
use crate::{Error, Result};
use std::collections::HashMap;
use tch::{nn, Tensor};

/// One parameter, its name in the var store, and its optimizer state.
#[derive(Debug)]
struct Slot {
    name: String,
    param: Tensor,
    /// Updates applied so far (PyTorch's per-parameter `step`).
    steps: i64,
    /// Named buffers (Adam: `exp_avg`, `exp_avg_sq`, `max_exp_avg_sq`; RMSprop: `square_avg`,
    /// `grad_avg`, `momentum_buffer`; SGD: `momentum_buffer`), created at the first update.
    buffers: Vec<(&'static str, Tensor)>,
}

impl Slot {
    fn buffer(&mut self, name: &'static str, init: impl FnOnce() -> Tensor) -> &mut Tensor {
        let i = match self.buffers.iter().position(|(n, _)| *n == name) {
            Some(i) => i,
            None => {
                self.buffers.push((name, init()));
                self.buffers.len() - 1
            }
        };
        &mut self.buffers[i].1
    }
}

/// An [`Optimizer`] bound to one network's trainable variables, with its state.
///
/// ```text
/// let mut opt_d = Optimizer::adam(2e-4).betas(0.5, 0.999).build(&vs_d)?;
/// opt_d.zero_grad();
/// d_loss.backward();
/// opt_d.step();
/// ```
///
/// The update of each rule is `torch.optim`'s (tests/optim.rs checks two steps of each against
/// PyTorch). [`OptimizerState::state_tensors`] and [`OptimizerState::load_state_tensors`] move
/// the state in and out of a checkpoint.
#[derive(Debug)]
pub struct OptimizerState {
    settings: Optimizer,
    slots: Vec<Slot>,
}

impl OptimizerState {
    /// Binds `settings` to the trainable variables of `vs` (sorted by name).
    pub fn new(settings: Optimizer, vs: &nn::VarStore) -> Result<Self> {
        settings.validate()?;
        let mut vars: Vec<(String, Tensor)> = vs.variables().into_iter().filter(|(_, t)| t.requires_grad()).collect();
        vars.sort_by(|a, b| a.0.cmp(&b.0));
        let slots = vars.into_iter().map(|(name, param)| Slot { name, param, steps: 0, buffers: Vec::new() }).collect();
        Ok(OptimizerState { settings, slots })
    }

    /// The settings.
    pub fn settings(&self) -> Optimizer {
        self.settings
    }

    /// Changes the learning rate (e.g. for a schedule); the state is kept.
    pub fn set_lr(&mut self, lr: f64) {
        self.settings = self.settings.lr(lr);
    }

    /// Number of updates applied (that of the parameter updated most often).
    pub fn steps(&self) -> i64 {
        self.slots.iter().map(|s| s.steps).max().unwrap_or(0)
    }

    /// Sets every parameter's gradient to zero.
    pub fn zero_grad(&mut self) {
        for s in &mut self.slots {
            s.param.zero_grad();
        }
    }

    /// One update of every parameter that has a gradient (parameters without one are skipped,
    /// as in PyTorch).
    pub fn step(&mut self) {
        let settings = self.settings;
        tch::no_grad(|| {
            for s in &mut self.slots {
                let grad = s.param.grad();
                if grad.defined() {
                    s.steps += 1;
                    update(settings, s, grad);
                }
            }
        });
    }

    /// The state as named tensors: `<parameter>.<buffer>` for the buffers and
    /// `<parameter>.step` (an i64 scalar) for the step counts. Copies, safe to keep.
    pub fn state_tensors(&self) -> Vec<(String, Tensor)> {
        let mut out = Vec::new();
        for s in &self.slots {
            out.push((format!("{}.step", s.name), Tensor::from(s.steps)));
            for (b, t) in &s.buffers {
                out.push((format!("{}.{b}", s.name), t.copy()));
            }
        }
        out
    }

    /// Loads what [`OptimizerState::state_tensors`] saved (for the same network and rule).
    /// `source` names the file in errors.
    pub fn load_state_tensors(&mut self, tensors: &HashMap<String, Tensor>, source: &str) -> Result<()> {
        let names = buffer_names(self.settings);
        for s in &mut self.slots {
            let key = format!("{}.step", s.name);
            let step = tensors.get(&key).ok_or_else(|| Error::setting(source, format!("missing optimizer state \"{key}\" ({} expected)", self.settings.name())))?;
            s.steps = step.int64_value(&[]);
            s.buffers.clear();
            for b in names {
                let key = format!("{}.{b}", s.name);
                if let Some(t) = tensors.get(&key) {
                    if t.size() != s.param.size() {
                        return Err(Error::setting(source, format!("optimizer state \"{key}\" has shape {:?}, the parameter {:?}", t.size(), s.param.size())));
                    }
                    s.buffers.push((b, t.to_kind(s.param.kind()).to_device(s.param.device())));
                }
            }
        }
        Ok(())
    }
}

fn buffer_names(o: Optimizer) -> &'static [&'static str] {
    match o {
        Optimizer::Adam { .. } | Optimizer::AdamW { .. } => &["exp_avg", "exp_avg_sq", "max_exp_avg_sq"],
        Optimizer::RmsProp { .. } => &["square_avg", "grad_avg", "momentum_buffer"],
        Optimizer::Sgd { .. } => &["momentum_buffer"],
    }
}

/// One parameter's update; `grad` is its gradient, `s.steps` already counts this update.
fn update(o: Optimizer, s: &mut Slot, grad: Tensor) {
    let zeros = |p: &Tensor| p.zeros_like();
    match o {
        Optimizer::Adam { lr, betas: (b1, b2), eps, weight_decay, amsgrad } | Optimizer::AdamW { lr, betas: (b1, b2), eps, weight_decay, amsgrad } => {
            let decoupled = matches!(o, Optimizer::AdamW { .. });
            let grad = if weight_decay != 0.0 && !decoupled { grad + &s.param * weight_decay } else { grad };
            if weight_decay != 0.0 && decoupled {
                let _ = s.param.g_mul_scalar_(1.0 - lr * weight_decay);
            }
            let p = s.param.shallow_clone();
            let t = s.steps as f64;
            let _ = s.buffer("exp_avg", || zeros(&p)).lerp_(&grad, 1.0 - b1);
            let mut sq = s.buffer("exp_avg_sq", || zeros(&p)).shallow_clone();
            let _ = sq.g_mul_scalar_(b2).addcmul_(&grad, &(&grad * (1.0 - b2)));
            let (bc1, bc2) = (1.0 - b1.powf(t), 1.0 - b2.powf(t));
            let step_size = lr / bc1;
            let second = if amsgrad {
                let max = s.buffer("max_exp_avg_sq", || zeros(&p));
                let _ = max.maximum_out(max, &sq);
                max.shallow_clone()
            } else {
                sq
            };
            let mut denom = second.sqrt() / bc2.sqrt();
            let _ = denom.f_add_scalar_(eps);
            let m = s.buffer("exp_avg", || unreachable!()).shallow_clone();
            let _ = s.param.addcdiv_(&(m * -step_size), &denom);
        }
        Optimizer::RmsProp { lr, alpha, eps, weight_decay, momentum, centered } => {
            let grad = if weight_decay != 0.0 { grad + &s.param * weight_decay } else { grad };
            let p = s.param.shallow_clone();
            let sq = s.buffer("square_avg", || zeros(&p));
            let _ = sq.g_mul_scalar_(alpha).addcmul_(&grad, &(&grad * (1.0 - alpha)));
            let sq = sq.shallow_clone();
            let mut avg = if centered {
                let ga = s.buffer("grad_avg", || zeros(&p));
                let _ = ga.lerp_(&grad, 1.0 - alpha);
                (&sq - &*ga * &*ga).sqrt()
            } else {
                sq.sqrt()
            };
            let _ = avg.f_add_scalar_(eps);
            if momentum > 0.0 {
                let buf = s.buffer("momentum_buffer", || zeros(&p));
                let _ = buf.g_mul_scalar_(momentum).addcdiv_(&grad, &avg);
                let step = &*buf * -lr;
                let _ = s.param.g_add_(&step);
            } else {
                let _ = s.param.addcdiv_(&(&grad * -lr), &avg);
            }
        }
        Optimizer::Sgd { lr, momentum, dampening, weight_decay, nesterov } => {
            let mut grad = if weight_decay != 0.0 { grad + &s.param * weight_decay } else { grad };
            if momentum != 0.0 {
                let first = !s.buffers.iter().any(|(n, _)| *n == "momentum_buffer");
                let g = grad.shallow_clone();
                let buf = s.buffer("momentum_buffer", || g.detach().copy());
                if !first {
                    let _ = buf.g_mul_scalar_(momentum).g_add_(&(&grad * (1.0 - dampening)));
                }
                grad = if nesterov { grad + &*buf * momentum } else { buf.shallow_clone() };
            }
            let _ = s.param.g_add_(&(grad * -lr));
        }
    }
}
