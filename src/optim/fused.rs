//! libtorch's fused Adam/AdamW kernel (`torch.optim.Adam(fused=True)`), reached through gankit's
//! C++ shim (src/optim/fused_adam.cpp, compiled by build.rs): one pass over each parameter, its
//! gradient and both moments instead of a dozen element-wise ops. The arithmetic per element is
//! torch.optim.Adam's:
//!
//! ```text
//! g ← g + λ·θ (Adam's L2 term)   or   θ ← θ·(1 − lr·λ) (AdamW)
//! m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g²,   v̂ ← max(v̂, v) (amsgrad)
//! θ ← θ − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
//! ```
use std::ffi::{c_char, c_void, CStr};
use tch::Tensor;

extern "C" {
    #[allow(clippy::too_many_arguments)]
    fn gankit_fused_adam(
        params: *const *mut c_void,
        grads: *const *mut c_void,
        exp_avgs: *const *mut c_void,
        exp_avg_sqs: *const *mut c_void,
        max_exp_avg_sqs: *const *mut c_void,
        steps: *const *mut c_void,
        n: usize,
        lr: f64,
        beta1: f64,
        beta2: f64,
        weight_decay: f64,
        eps: f64,
        amsgrad: bool,
        decoupled: bool,
    ) -> *mut c_char;
}

/// The settings of one fused update.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AdamRule {
    pub lr: f64,
    pub betas: (f64, f64),
    pub eps: f64,
    pub weight_decay: f64,
    pub amsgrad: bool,
    /// AdamW's decoupled weight decay (else Adam's L2 term).
    pub decoupled: bool,
}

/// One tensor group: a parameter, its gradient, its moments (`max_exp_avg_sq` with amsgrad)
/// and its step count after this update.
pub(crate) struct AdamTensors<'a> {
    pub param: &'a Tensor,
    pub grad: &'a Tensor,
    pub exp_avg: &'a Tensor,
    pub exp_avg_sq: &'a Tensor,
    pub max_exp_avg_sq: Option<&'a Tensor>,
    pub step: i64,
}

/// Updates every group in place with one kernel call per group. Errors (a non-contiguous tensor,
/// a device or kind the kernel lacks) come back as the kernel's message, with nothing changed.
pub(crate) fn adam_step(rule: AdamRule, groups: &[AdamTensors]) -> Result<(), String> {
    if groups.is_empty() {
        return Ok(());
    }
    if rule.amsgrad && groups.iter().any(|g| g.max_exp_avg_sq.is_none()) {
        return Err("fused Adam: amsgrad needs max_exp_avg_sq for every parameter".into());
    }
    // The step counts as 0-dim float tensors on each parameter's device, as torch.optim keeps them.
    let steps: Vec<Tensor> = groups
        .iter()
        .map(|g| Tensor::from(g.step as f32).to_device(g.param.device()))
        .collect();
    let (p, g) = (
        handles(groups.iter().map(|x| x.param)),
        handles(groups.iter().map(|x| x.grad)),
    );
    let (m, v) = (
        handles(groups.iter().map(|x| x.exp_avg)),
        handles(groups.iter().map(|x| x.exp_avg_sq)),
    );
    let vmax = handles(groups.iter().filter_map(|x| x.max_exp_avg_sq));
    let s = handles(steps.iter());
    // SAFETY: every pointer is a live tch handle (an `at::Tensor*`) borrowed for this call; the
    // shim copies the handles into its own lists and returns null or a malloc'd message.
    let err = unsafe {
        gankit_fused_adam(
            p.as_ptr(),
            g.as_ptr(),
            m.as_ptr(),
            v.as_ptr(),
            if rule.amsgrad {
                vmax.as_ptr()
            } else {
                std::ptr::null()
            },
            s.as_ptr(),
            groups.len(),
            rule.lr,
            rule.betas.0,
            rule.betas.1,
            rule.weight_decay,
            rule.eps,
            rule.amsgrad,
            rule.decoupled,
        )
    };
    if err.is_null() {
        return Ok(());
    }
    // SAFETY: a non-null return is a NUL-terminated string from malloc, ours to free.
    let message = unsafe { CStr::from_ptr(err) }
        .to_string_lossy()
        .lines()
        .next()
        .unwrap_or("")
        .to_string();
    unsafe { libc::free(err as *mut c_void) };
    Err(message)
}

/// tch's handles (`at::Tensor*`) of `tensors`, for the shim.
fn handles<'a>(tensors: impl Iterator<Item = &'a Tensor>) -> Vec<*mut c_void> {
    tensors.map(|t| t.as_ptr() as *mut c_void).collect()
}
