//! gankit's own optimizer loop: the update rules of `torch.optim` (single-tensor form, as
//! PyTorch runs them on CPU) written with libtorch's in-place tensor ops, so that the state
//! (moments, step counts) is ours to save in a checkpoint and load back exactly. Adam and AdamW
//! run libtorch's fused kernel on the same state (see `fused`), op by op only where it refuses.
use super::fused::{self, AdamRule, AdamTensors};
use super::Optimizer;
use crate::error::{Error, Result};
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
    /// The buffer `name`, if the slot has it yet.
    fn get(&self, name: &str) -> Option<&Tensor> {
        self.buffers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| t)
    }

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
    /// The parameters as one flat tensor, each parameter a view into it, and the state
    /// buffers likewise: the update then runs once over all of them (a dozen kernels instead
    /// of a dozen per parameter), with the same arithmetic per element. None when the
    /// parameters differ in device or kind, or there is only one.
    flat: Option<Flat>,
    /// The gradients of the last update made through [`OptimizerState::step_with`] or
    /// [`OptimizerState::minimize`] (which leave `.grad()` empty), for looking at after a step.
    last_grads: Vec<Tensor>,
}

#[derive(Debug)]
struct Flat {
    params: Tensor,
    /// (offset, numel) of each slot in the flat tensors.
    spans: Vec<(i64, i64)>,
    /// Buffers every slot has, flat; each slot's buffer of that name is a view into it.
    buffers: Vec<(&'static str, Tensor)>,
}

impl Flat {
    /// Gathers the parameters into one tensor and makes each a view into it (values kept).
    fn new(slots: &mut [Slot]) -> Option<Flat> {
        let first = slots.first()?;
        let (kind, device) = (first.param.kind(), first.param.device());
        if slots.len() < 2
            || slots.iter().any(|s| {
                s.param.kind() != kind || s.param.device() != device || !s.param.is_floating_point()
            })
        {
            return None;
        }
        let params = tch::no_grad(|| {
            Tensor::cat(
                &slots
                    .iter()
                    .map(|s| s.param.detach().reshape([-1]))
                    .collect::<Vec<_>>(),
                0,
            )
        });
        let mut spans = Vec::with_capacity(slots.len());
        let mut offset = 0;
        for s in slots.iter_mut() {
            let n = s.param.numel() as i64;
            s.param
                .set_data(&params.narrow(0, offset, n).view(s.param.size().as_slice()));
            spans.push((offset, n));
            offset += n;
        }
        Some(Flat {
            params,
            spans,
            buffers: Vec::new(),
        })
    }

    /// Whether every parameter is still the view this made (something that replaced a
    /// parameter's data, e.g. `set_data`, ends the flat updates).
    fn intact(&self, slots: &[Slot]) -> bool {
        let (base, size) = (
            self.params.data_ptr() as usize,
            self.params.kind().elt_size_in_bytes(),
        );
        slots
            .iter()
            .zip(&self.spans)
            .all(|(s, (offset, _))| s.param.data_ptr() as usize == base + *offset as usize * size)
    }

    /// Whether the slots' buffers are exactly the flat ones (same names in each slot).
    fn aligned(&self, slots: &[Slot]) -> bool {
        slots.iter().all(|s| {
            s.buffers.len() == self.buffers.len()
                && s.buffers.iter().zip(&self.buffers).all(|(a, b)| a.0 == b.0)
        })
    }

    /// Rebuilds the flat buffers from the slots' (after a load or a per-parameter update):
    /// the buffers every slot has are gathered, and each slot's becomes a view again.
    fn regroup(&mut self, slots: &mut [Slot]) {
        let names: Vec<&'static str> = slots[0]
            .buffers
            .iter()
            .map(|(n, _)| *n)
            .filter(|n| slots.iter().all(|s| s.get(n).is_some()))
            .collect();
        self.buffers.clear();
        for name in names {
            let parts: Vec<Tensor> = slots
                .iter()
                .map(|s| s.get(name).expect("checked above").reshape([-1]))
                .collect();
            let flat = Tensor::cat(&parts, 0);
            self.adopt(slots, name, flat);
        }
    }

    /// Keeps `flat` as buffer `name`, each slot's buffer of that name a view into it.
    fn adopt(&mut self, slots: &mut [Slot], name: &'static str, flat: Tensor) {
        for (s, (offset, n)) in slots.iter_mut().zip(&self.spans) {
            let view = flat.narrow(0, *offset, *n).view(s.param.size().as_slice());
            match s.buffers.iter_mut().find(|(m, _)| *m == name) {
                Some(b) => b.1 = view,
                None => s.buffers.push((name, view)),
            }
        }
        self.buffers.push((name, flat));
    }
}

impl OptimizerState {
    /// Binds `settings` to the trainable variables of `vs` (sorted by name).
    pub fn new(settings: Optimizer, vs: &nn::VarStore) -> Result<Self> {
        settings.validate()?;
        let mut vars: Vec<(String, Tensor)> = vs
            .variables()
            .into_iter()
            .filter(|(_, t)| t.requires_grad())
            .collect();
        vars.sort_by(|a, b| a.0.cmp(&b.0));
        let mut slots: Vec<Slot> = vars
            .into_iter()
            .map(|(name, param)| Slot {
                name,
                param,
                steps: 0,
                buffers: Vec::new(),
            })
            .collect();
        let flat = Flat::new(&mut slots);
        Ok(OptimizerState {
            settings,
            slots,
            flat,
            last_grads: Vec::new(),
        })
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
        self.update_all(self.grads(), false);
    }

    /// Each parameter's `.grad()` (undefined where it has none).
    /// Each parameter's `.grad()` when defined, else its gradient from the last
    /// [`OptimizerState::minimize`] / [`OptimizerState::step_with`].
    fn grads(&self) -> Vec<Tensor> {
        self.slots
            .iter()
            .enumerate()
            .map(|(i, s)| match s.param.grad() {
                g if g.defined() => g,
                _ => self
                    .last_grads
                    .get(i)
                    .map_or_else(Tensor::new, Tensor::shallow_clone),
            })
            .collect()
    }

    /// The L2 norm of all the gradients, √(Σ_p ‖∇p‖²) (0 without any): those in `.grad()`, or
    /// after a trainer's step (which computes gradients with `run_backward`) the last
    /// update's.
    pub fn grad_norm(&self) -> f64 {
        norm_of(&self.grads())
    }

    /// Each parameter's gradient norm ‖∇p‖₂ by its PyTorch name (`main.0.weight`, …), in the
    /// optimizer's order, from the same gradients as [`OptimizerState::grad_norm`]; 0 for a
    /// parameter without one.
    pub fn grad_norms(&self) -> Vec<(String, f64)> {
        self.slots
            .iter()
            .zip(self.grads())
            .map(|(s, g)| (s.name.clone(), norm_of(&[g])))
            .collect()
    }

    /// The parameters this updates, in its order: what [`OptimizerState::step_with`] wants
    /// gradients for (e.g. from `Tensor::run_backward(&[&loss], &opt.parameters(), …)`).
    pub fn parameters(&self) -> Vec<Tensor> {
        self.slots.iter().map(|s| s.param.shallow_clone()).collect()
    }

    /// One update with the given gradients, one per parameter in [`OptimizerState::parameters`]
    /// order (an undefined one skips its parameter), instead of the parameters' `.grad()`;
    /// returns their L2 norm. The trainers compute gradients this way: nothing to zero, nothing
    /// accumulated, and the backward pass computes only what these parameters need.
    pub fn step_with(&mut self, grads: &[Tensor]) -> f64 {
        assert_eq!(
            grads.len(),
            self.slots.len(),
            "step_with: {} gradients for {} parameters",
            grads.len(),
            self.slots.len()
        );
        self.last_grads = grads.iter().map(Tensor::shallow_clone).collect();
        self.update_all(grads.iter().map(|g| g.shallow_clone()).collect(), true)
            .unwrap_or(0.0)
    }

    /// One update that lowers `loss`: its gradients with respect to this optimizer's
    /// parameters (those that require grad now; a frozen one is skipped), computed by
    /// `Tensor::run_backward` (so nothing lands in `.grad()`, and the backward pass computes
    /// no gradients for other networks' weights), then [`OptimizerState::step_with`]. Returns
    /// the gradients' L2 norm.
    ///
    /// ```text
    /// let grad_norm = gan.opt_d.minimize(&d_loss);
    /// ```
    pub fn minimize(&mut self, loss: &Tensor) -> f64 {
        let live: Vec<usize> = (0..self.slots.len())
            .filter(|&i| self.slots[i].param.requires_grad())
            .collect();
        let inputs: Vec<&Tensor> = live.iter().map(|&i| &self.slots[i].param).collect();
        let found = if inputs.is_empty() {
            Vec::new()
        } else {
            Tensor::run_backward(&[loss], &inputs, false, false)
        };
        let mut grads: Vec<Tensor> = (0..self.slots.len()).map(|_| Tensor::new()).collect();
        for (i, g) in live.into_iter().zip(found) {
            grads[i] = g;
        }
        self.step_with(&grads)
    }

    fn update_all(&mut self, grads: Vec<Tensor>, measure: bool) -> Option<f64> {
        let settings = self.settings;
        tch::no_grad(|| {
            if let Some(flat) = &mut self.flat {
                let steps = self.slots[0].steps;
                if !flat.intact(&self.slots) {
                    self.flat = None;
                } else if grads.iter().all(|g| g.defined())
                    && self.slots.iter().all(|s| s.steps == steps)
                    && flat.aligned(&self.slots)
                {
                    let grad = Tensor::cat(
                        &grads.iter().map(|g| g.reshape([-1])).collect::<Vec<_>>(),
                        0,
                    );
                    let norm = measure.then(|| grad.norm().double_value(&[]));
                    let buffers = flat
                        .buffers
                        .iter()
                        .map(|(n, t)| (*n, t.shallow_clone()))
                        .collect();
                    let mut all = Slot {
                        name: String::new(),
                        param: flat.params.shallow_clone(),
                        steps: steps + 1,
                        buffers,
                    };
                    update(settings, &mut all, grad);
                    for (name, t) in all.buffers.into_iter().skip(flat.buffers.len()) {
                        flat.adopt(&mut self.slots, name, t);
                    }
                    for s in &mut self.slots {
                        s.steps += 1;
                    }
                    return norm;
                }
            }
            let norm = measure.then(|| norm_of(&grads));
            for (s, grad) in self.slots.iter_mut().zip(grads) {
                if grad.defined() {
                    s.steps += 1;
                    update(settings, s, grad);
                }
            }
            if let Some(flat) = &mut self.flat {
                flat.regroup(&mut self.slots);
            }
            norm
        })
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
    pub fn load_state_tensors(
        &mut self,
        tensors: &HashMap<String, Tensor>,
        source: &str,
    ) -> Result<()> {
        let names = buffer_names(self.settings);
        for s in &mut self.slots {
            let key = format!("{}.step", s.name);
            let step = tensors.get(&key).ok_or_else(|| {
                Error::setting(
                    source,
                    format!(
                        "missing optimizer state \"{key}\" ({} expected)",
                        self.settings.name()
                    ),
                )
            })?;
            s.steps = step.int64_value(&[]);
            s.buffers.clear();
            for b in names {
                let key = format!("{}.{b}", s.name);
                if let Some(t) = tensors.get(&key) {
                    if t.size() != s.param.size() {
                        return Err(Error::setting(
                            source,
                            format!(
                                "optimizer state \"{key}\" has shape {:?}, the parameter {:?}",
                                t.size(),
                                s.param.size()
                            ),
                        ));
                    }
                    s.buffers
                        .push((b, t.to_kind(s.param.kind()).to_device(s.param.device())));
                }
            }
        }
        if let Some(flat) = &mut self.flat {
            flat.regroup(&mut self.slots);
        }
        Ok(())
    }
}

/// √(Σ ‖g‖²) over the defined tensors (0 without any), read back once.
fn norm_of(grads: &[Tensor]) -> f64 {
    let norms: Vec<Tensor> = grads
        .iter()
        .filter(|g| g.defined())
        .map(|g| g.norm())
        .collect();
    if norms.is_empty() {
        return 0.0;
    }
    Tensor::stack(&norms, 0)
        .to_kind(tch::Kind::Double)
        .square()
        .sum(tch::Kind::Double)
        .sqrt()
        .double_value(&[])
}

fn buffer_names(o: Optimizer) -> &'static [&'static str] {
    match o {
        Optimizer::Adam { .. } | Optimizer::AdamW { .. } => {
            &["exp_avg", "exp_avg_sq", "max_exp_avg_sq"]
        }
        Optimizer::RmsProp { .. } => &["square_avg", "grad_avg", "momentum_buffer"],
        Optimizer::Sgd { .. } => &["momentum_buffer"],
    }
}

/// One parameter's update; `grad` is its gradient, `s.steps` already counts this update.
fn update(o: Optimizer, s: &mut Slot, grad: Tensor) {
    let zeros = |p: &Tensor| p.zeros_like();
    match o {
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
            let rule = AdamRule {
                lr,
                betas,
                eps,
                weight_decay,
                amsgrad,
                decoupled: matches!(o, Optimizer::AdamW { .. }),
            };
            let p = s.param.shallow_clone();
            for name in ["exp_avg", "exp_avg_sq"]
                .into_iter()
                .chain(amsgrad.then_some("max_exp_avg_sq"))
            {
                s.buffer(name, || zeros(&p));
            }
            let grad = grad.contiguous();
            let one = AdamTensors {
                param: &p,
                grad: &grad,
                exp_avg: s.get("exp_avg").expect("made above"),
                exp_avg_sq: s.get("exp_avg_sq").expect("made above"),
                max_exp_avg_sq: s.get("max_exp_avg_sq"),
                step: s.steps,
            };
            // The fused kernel when it takes these tensors (contiguous, on CPU or CUDA), else
            // the same update op by op.
            if fused::adam_step(rule, &[one]).is_err() {
                adam_by_ops(rule, s, grad);
            }
        }
        Optimizer::RmsProp {
            lr,
            alpha,
            eps,
            weight_decay,
            momentum,
            centered,
        } => {
            let grad = if weight_decay != 0.0 {
                grad + &s.param * weight_decay
            } else {
                grad
            };
            let p = s.param.shallow_clone();
            let sq = s.buffer("square_avg", || zeros(&p));
            let _ = sq
                .g_mul_scalar_(alpha)
                .addcmul_(&grad, &(&grad * (1.0 - alpha)));
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
        Optimizer::Sgd {
            lr,
            momentum,
            dampening,
            weight_decay,
            nesterov,
        } => {
            let mut grad = if weight_decay != 0.0 {
                grad + &s.param * weight_decay
            } else {
                grad
            };
            if momentum != 0.0 {
                let first = s.get("momentum_buffer").is_none();
                let g = grad.shallow_clone();
                let buf = s.buffer("momentum_buffer", || g.detach().copy());
                if !first {
                    let _ = buf
                        .g_mul_scalar_(momentum)
                        .g_add_(&(&grad * (1.0 - dampening)));
                }
                grad = if nesterov {
                    grad + &*buf * momentum
                } else {
                    buf.shallow_clone()
                };
            }
            let _ = s.param.g_add_(&(grad * -lr));
        }
    }
}

/// Adam's update op by op (torch.optim.Adam's single-tensor form): what the fused kernel
/// computes, for the tensors it does not take.
fn adam_by_ops(rule: AdamRule, s: &mut Slot, grad: Tensor) {
    let AdamRule {
        lr,
        betas: (b1, b2),
        eps,
        weight_decay,
        amsgrad,
        decoupled,
    } = rule;
    let zeros = |p: &Tensor| p.zeros_like();
    let grad = if weight_decay != 0.0 && !decoupled {
        grad + &s.param * weight_decay
    } else {
        grad
    };
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

#[cfg(test)]
mod tests;
