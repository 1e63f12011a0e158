//! Regularizers of the critic: gradient penalties (WGAN-GP two- and one-sided, DRAGAN, R1)
//! and weight clipping (the original WGAN).
//!
//! A penalty takes the critic as a closure, so it works for any network; a conditional critic
//! captures its condition:
//!
//! ```text
//! let gp = GradientPenalty::default().penalty(&|x| net_d.forward_t(x, true), &real, &fake)?;
//! let gp = GradientPenalty::default().penalty(&|x| net_d.forward_cond(x, &labels), &real, &fake)?;
//! let d_loss = Loss::Wgan.d_loss(&d_real, &d_fake) + &gp.value;      // WGAN-GP
//! println!("{gp}");
//! ```
//!
//! The gradient is taken with `create_graph`, so `value.backward()` trains the critic's
//! parameters through it. Real and fake batches are detached first: a penalty never reaches G.
use super::terms::{scalar, values};
use crate::error::{Error, Result};
use std::fmt;
use tch::{nn, Tensor};

/// A critic: a batch in, its outputs out (any shape; the outputs are summed per batch, which
/// is `grad_outputs = ones` in PyTorch).
pub type Critic<'a> = &'a dyn Fn(&Tensor) -> Tensor;

/// The WGAN-GP gradient penalty (Gulrajani et al. 2017; reports 000 §2, 001 §3, 002 §4, 003):
///
/// λ·E[(‖∇_x̂ C(x̂)‖₂ − 1)²],  x̂ = α·x_r + (1 − α)·x_f,  α ~ U[0, 1) per sample,
///
/// the norm taken per sample over all non-batch dimensions, as √(Σ g² + 1e-12) (the 1e-12 of
/// report 001's code keeps the gradient finite at g = 0). The one-sided form (Petzka et al.
/// 2018) penalises only norms above 1: λ·E[max(0, ‖∇_x̂ C(x̂)‖₂ − 1)²].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GradientPenalty {
    /// λ, 10 in the paper and the reports.
    pub lambda: f64,
    /// Penalise only gradient norms above 1.
    pub one_sided: bool,
}

impl Default for GradientPenalty {
    fn default() -> Self {
        GradientPenalty {
            lambda: 10.0,
            one_sided: false,
        }
    }
}

impl GradientPenalty {
    /// The two-sided penalty with weight λ.
    pub fn new(lambda: f64) -> Self {
        GradientPenalty {
            lambda,
            one_sided: false,
        }
    }

    /// The one-sided form, max(0, ‖∇‖ − 1)².
    pub fn one_sided(mut self) -> Self {
        self.one_sided = true;
        self
    }

    /// The penalty on random interpolates (α drawn from torch's generator).
    pub fn penalty(&self, critic: Critic, real: &Tensor, fake: &Tensor) -> Result<PenaltyTerms> {
        let alpha = Tensor::rand(per_sample_shape(real), (real.kind(), real.device()));
        self.penalty_with_alpha(critic, real, fake, &alpha)
    }

    /// The penalty with a given α (N values, one per sample, any shape with N elements).
    pub fn penalty_with_alpha(
        &self,
        critic: Critic,
        real: &Tensor,
        fake: &Tensor,
        alpha: &Tensor,
    ) -> Result<PenaltyTerms> {
        let what = self.name();
        same_shape(what, "fake batch", real, fake)?;
        let alpha = per_sample(what, alpha, real)?;
        let points = tch::no_grad(|| &alpha * real + (1.0 - &alpha) * fake);
        let (points, critic_out, norms) = gradient_norms(what, critic, &points)?;
        let gap = &norms - 1.0;
        let gap = if self.one_sided { gap.relu() } else { gap };
        let value = self.lambda * gap.square().mean(None);
        Ok(PenaltyTerms {
            name: what,
            weight: self.lambda,
            value,
            points,
            alpha: Some(alpha),
            critic_out,
            grad_norms: norms.detach(),
        })
    }

    fn name(&self) -> &'static str {
        if self.one_sided {
            "one-sided gradient penalty"
        } else {
            "gradient penalty"
        }
    }
}

/// DRAGAN's penalty (Kodali et al. 2017), the gradient penalty around the real data:
///
/// λ·E[(‖∇_x̂ C(x̂)‖₂ − 1)²],  x̂ = x_r + α·c·std(x_r)·u,  α ~ U[0, 1) per sample,
/// u ~ U[0, 1) per element,
///
/// i.e. a random point between x_r and its perturbation x_r + c·std(x_r)·u, with std the
/// (unbiased) standard deviation of the whole real batch and c = 0.5, as in the authors' code.
/// Norms as in [`GradientPenalty`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dragan {
    /// λ, 10.
    pub lambda: f64,
    /// c, the perturbation's size in standard deviations of the batch: 0.5.
    pub noise_scale: f64,
}

impl Default for Dragan {
    fn default() -> Self {
        Dragan {
            lambda: 10.0,
            noise_scale: 0.5,
        }
    }
}

impl Dragan {
    /// The penalty with α and u drawn from torch's generator (α first).
    pub fn penalty(&self, critic: Critic, real: &Tensor) -> Result<PenaltyTerms> {
        let opts = (real.kind(), real.device());
        let alpha = Tensor::rand(per_sample_shape(real), opts);
        let noise = Tensor::rand(real.size(), opts);
        self.penalty_with(critic, real, &alpha, &noise)
    }

    /// The penalty with a given α (N values) and noise u (shaped like `real`).
    pub fn penalty_with(
        &self,
        critic: Critic,
        real: &Tensor,
        alpha: &Tensor,
        noise: &Tensor,
    ) -> Result<PenaltyTerms> {
        let what = "DRAGAN penalty";
        same_shape(what, "noise", real, noise)?;
        let alpha = per_sample(what, alpha, real)?;
        let points = tch::no_grad(|| real + &alpha * self.noise_scale * real.std(true) * noise);
        let (points, critic_out, norms) = gradient_norms(what, critic, &points)?;
        let value = self.lambda * (&norms - 1.0).square().mean(None);
        Ok(PenaltyTerms {
            name: what,
            weight: self.lambda,
            value,
            points,
            alpha: Some(alpha),
            critic_out,
            grad_norms: norms.detach(),
        })
    }
}

/// The R1 penalty (Mescheder et al. 2018), on real data only:
///
/// γ/2·E[‖∇_x C(x_r)‖₂²]  (the squared norm per sample, Σ g², no ε).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct R1 {
    /// γ, 10.
    pub gamma: f64,
}

impl Default for R1 {
    fn default() -> Self {
        R1 { gamma: 10.0 }
    }
}

impl R1 {
    /// The penalty on the real batch.
    pub fn penalty(&self, critic: Critic, real: &Tensor) -> Result<PenaltyTerms> {
        let what = "R1 penalty";
        let (points, critic_out, grad) = critic_gradient(what, critic, real)?;
        let squared = grad
            .reshape([grad.size()[0], -1])
            .square()
            .sum_dim_intlist(1, false, None);
        let value = 0.5 * self.gamma * squared.mean(None);
        Ok(PenaltyTerms {
            name: what,
            weight: self.gamma,
            value,
            points,
            alpha: None,
            critic_out,
            grad_norms: squared.detach().sqrt(),
        })
    }
}

/// Weight clipping (the original WGAN, report 002 §3): after each critic step every critic
/// parameter w ← clip(w, −c, c), in place and outside autograd; c = 0.01.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WeightClip {
    pub c: f64,
}

impl Default for WeightClip {
    fn default() -> Self {
        WeightClip { c: 0.01 }
    }
}

impl WeightClip {
    pub fn new(c: f64) -> Self {
        WeightClip { c }
    }

    /// Clamps every trainable variable of `vs` (the critic's) to [−c, c].
    pub fn apply(&self, vs: &nn::VarStore) {
        assert!(self.c > 0.0, "WeightClip: c must be > 0, got {}", self.c);
        tch::no_grad(|| {
            for mut w in vs.trainable_variables() {
                let _ = w.clamp_(-self.c, self.c);
            }
        });
    }
}

/// A penalty's value and the pieces a notebook shows.
#[derive(Debug)]
pub struct PenaltyTerms {
    /// "gradient penalty", "one-sided gradient penalty", "DRAGAN penalty", "R1 penalty".
    pub name: &'static str,
    /// λ (γ for R1).
    pub weight: f64,
    /// The penalty, differentiable with respect to the critic's parameters.
    pub value: Tensor,
    /// Where the gradient was taken: the interpolates x̂ (the real batch for R1).
    pub points: Tensor,
    /// α per sample, shape [N, 1, …] (None for R1).
    pub alpha: Option<Tensor>,
    /// C at the points.
    pub critic_out: Tensor,
    /// ‖∇ C‖₂ per sample, shape `[N]`, detached.
    pub grad_norms: Tensor,
}

impl PenaltyTerms {
    /// The penalty as a number.
    pub fn value_f64(&self) -> f64 {
        self.value.double_value(&[])
    }
}

impl fmt::Display for PenaltyTerms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let weight = if self.name.starts_with("R1") {
            "γ"
        } else {
            "λ"
        };
        write!(
            f,
            "{} {:.4} ({weight} = {}); ‖∇C‖ per sample: {}",
            self.name,
            scalar(&self.value),
            self.weight,
            values(&self.grad_norms)
        )
    }
}

/// [N, 1, 1, …] for a batch `x` of shape [N, …].
fn per_sample_shape(x: &Tensor) -> Vec<i64> {
    let mut shape = vec![1; x.dim()];
    shape[0] = x.size()[0];
    shape
}

/// A given α as [N, 1, …], in x's kind and device.
fn per_sample(what: &str, alpha: &Tensor, x: &Tensor) -> Result<Tensor> {
    let n = x.size()[0];
    if alpha.numel() as i64 != n {
        return Err(Error::shape(
            format!("{what}: alpha"),
            format!("{n} values, one per sample"),
            &alpha.size(),
        ));
    }
    Ok(alpha
        .detach()
        .reshape(per_sample_shape(x))
        .to_kind(x.kind())
        .to_device(x.device()))
}

/// One line naming both shapes: "gradient penalty: fake batch: expected shape [4, 3] (the
/// real batch's), got [2, 3]".
fn same_shape(what: &str, other_name: &str, real: &Tensor, other: &Tensor) -> Result<()> {
    if real.size() != other.size() {
        return Err(Error::shape(
            format!("{what}: {other_name}"),
            format!("{:?} (the real batch's)", real.size()),
            &other.size(),
        ));
    }
    Ok(())
}

/// x as a leaf that requires grad, C(x), and ∇_x Σ C(x) with create_graph.
fn critic_gradient(what: &str, critic: Critic, x: &Tensor) -> Result<(Tensor, Tensor, Tensor)> {
    let x = x.detach().set_requires_grad(true);
    let out = critic(&x);
    if !out.requires_grad() {
        return Err(Error::setting(what, "the critic's output does not require grad (computed inside tch::no_grad, or detached?)"));
    }
    let grad = Tensor::f_run_backward(&[&out], &[&x], true, true).map_err(|e| {
        Error::torch(
            format!("{what}: gradient of C with respect to its input"),
            e,
        )
    })?;
    let grad = grad.into_iter().next().filter(Tensor::defined);
    let grad = grad
        .ok_or_else(|| Error::setting(what, "the critic's output does not depend on its input"))?;
    Ok((x, out, grad))
}

/// x as a leaf, C(x), and √(Σ g² + 1e-12) per sample.
fn gradient_norms(what: &str, critic: Critic, x: &Tensor) -> Result<(Tensor, Tensor, Tensor)> {
    let (x, out, grad) = critic_gradient(what, critic, x)?;
    let norms = (grad
        .reshape([grad.size()[0], -1])
        .square()
        .sum_dim_intlist(1, false, None)
        + 1e-12)
        .sqrt();
    Ok((x, out, norms))
}
