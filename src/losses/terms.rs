//! [`LossTerms`]: a loss value with the pieces a teacher shows.
use super::{DOutput, Loss, Parts, Targets};
use std::fmt;
use tch::Tensor;

/// Which network's loss.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    /// The discriminator (critic).
    D,
    /// The generator.
    G,
}

/// A loss and its pieces. Every field is a tensor of the same computation, so gradients flow
/// through `value` (call `terms.value.backward()`); print it with `{}` for a summary.
#[derive(Debug)]
pub struct LossTerms {
    pub loss: Loss,
    pub side: Side,
    /// The loss: `real_weight·real_term + fake_weight·fake_term`, or the single pair term.
    pub value: Tensor,
    /// The term on real samples (unweighted), where the loss has one.
    pub real_term: Option<Tensor>,
    /// The term on fake samples (unweighted), where the loss has one.
    pub fake_term: Option<Tensor>,
    /// (real, fake) weights applied (1, 1 for G).
    pub weights: (f64, f64),
    /// E C(x_r): the mean D output on real samples (E D(x_r) for a Sigmoid D).
    pub mean_real: Tensor,
    /// E C(x_f) (E D(x_f) for a Sigmoid D).
    pub mean_fake: Tensor,
    /// E C(x_r) − E C(x_f): the critic's Wasserstein-1 estimate (under a Lipschitz critic).
    pub wasserstein: Tensor,
    /// Relativistic difference on the real side: C(x_r) − C(x_f) (RSGAN) or C(x_r) − E C(x_f).
    pub diff_real: Option<Tensor>,
    /// Relativistic difference on the fake side: C(x_f) − C(x_r) (RSGAN G) or C(x_f) − E C(x_r).
    pub diff_fake: Option<Tensor>,
    /// Probabilities on the real side, per element: D(x_r) = σ(C(x_r)) for BCE, σ(diff_real)
    /// for RSGAN and RaSGAN ("x_r is more real than the fakes"). Detached.
    pub prob_real: Option<Tensor>,
    /// Probabilities on the fake side, likewise. Detached.
    pub prob_fake: Option<Tensor>,
    /// The D loss's targets, for the losses that have them.
    pub targets: Option<Targets>,
}

impl LossTerms {
    pub(crate) fn new(
        loss: Loss,
        side: Side,
        weights: (f64, f64),
        d_real: &Tensor,
        d_fake: &Tensor,
        parts: Parts,
        targets: Option<Targets>,
    ) -> Self {
        let value = match (&parts.pair, &parts.real, &parts.fake) {
            (Some(pair), _, _) => pair.shallow_clone(),
            (None, Some(real), Some(fake)) if weights == (1.0, 1.0) => real + fake,
            (None, Some(real), Some(fake)) => weights.0 * real + weights.1 * fake,
            (None, None, Some(fake)) => fake.shallow_clone(),
            _ => unreachable!("a loss has a pair term, a fake term, or both real and fake terms"),
        };
        let mean_real = d_real.detach().mean(None);
        let mean_fake = d_fake.detach().mean(None);
        let wasserstein = &mean_real - &mean_fake;
        LossTerms {
            loss,
            side,
            value,
            real_term: parts.real,
            fake_term: parts.fake,
            weights,
            mean_real,
            mean_fake,
            wasserstein,
            diff_real: parts.diff_real,
            diff_fake: parts.diff_fake,
            prob_real: parts.prob_real,
            prob_fake: parts.prob_fake,
            targets,
        }
    }

    /// The loss as a number.
    pub fn value_f64(&self) -> f64 {
        self.value.double_value(&[])
    }
}

/// A tensor's values when there are few (≤ 8), else mean and range.
pub(crate) fn values(t: &Tensor) -> String {
    let t = t.detach().to_kind(tch::Kind::Double).flatten(0, -1);
    match Vec::<f64>::try_from(&t) {
        Ok(v) if v.len() <= 8 => format!(
            "[{}]",
            v.iter()
                .map(|x| format!("{x:.4}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Ok(v) => {
            let mean = v.iter().sum::<f64>() / v.len() as f64;
            let (lo, hi) = v
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
                    (lo.min(x), hi.max(x))
                });
            format!(
                "mean {mean:.4} (min {lo:.4}, max {hi:.4}, {} values)",
                v.len()
            )
        }
        Err(e) => format!("<{e}>"),
    }
}

pub(crate) fn scalar(t: &Tensor) -> f64 {
    t.detach().double_value(&[])
}

impl fmt::Display for LossTerms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (formula, side) = match self.side {
            Side::D => (self.loss.d_formula(), "D"),
            Side::G => (self.loss.g_formula(), "G"),
        };
        writeln!(
            f,
            "{} {side} loss {:.4} = {formula}",
            self.loss,
            scalar(&self.value)
        )?;
        if let (Some(real), Some(fake)) = (&self.real_term, &self.fake_term) {
            let (wr, wf) = self.weights;
            writeln!(
                f,
                "  {wr}·real term {:.4} + {wf}·fake term {:.4}",
                scalar(real),
                scalar(fake)
            )?;
        }
        let c = match self.loss {
            Loss::Minimax(DOutput::Probability) | Loss::NonSaturating(DOutput::Probability) => "D",
            _ => "C",
        };
        write!(
            f,
            "  E {c}(x_r) {:.4}, E {c}(x_f) {:.4}",
            scalar(&self.mean_real),
            scalar(&self.mean_fake)
        )?;
        if c == "C" {
            write!(f, ", E C(x_r) − E C(x_f) {:.4}", scalar(&self.wasserstein))?;
        }
        let (pair, ra) = (self.loss == Loss::Rsgan, self.loss.is_relativistic());
        let rows = [
            (
                &self.diff_real,
                &self.prob_real,
                if pair {
                    "C(x_r) − C(x_f)"
                } else if ra {
                    "C(x_r) − E C(x_f)"
                } else {
                    "C(x_r)"
                },
            ),
            (
                &self.diff_fake,
                &self.prob_fake,
                if pair {
                    "C(x_f) − C(x_r)"
                } else if ra {
                    "C(x_f) − E C(x_r)"
                } else {
                    "C(x_f)"
                },
            ),
        ];
        for (diff, prob, name) in rows {
            match (diff, prob) {
                (Some(d), Some(p)) => write!(f, "\n  {name}: {} → σ: {}", values(d), values(p))?,
                (Some(d), None) => write!(f, "\n  {name}: {}", values(d))?,
                (None, Some(p)) if c == "D" => {
                    write!(f, "\n  {}: {}", name.replace('C', "D"), values(p))?
                }
                (None, Some(p)) => write!(f, "\n  σ({name}): {}", values(p))?,
                (None, None) => {}
            }
        }
        let soft = |t: &Targets| {
            t.real.ne(1.0).any().int64_value(&[]) != 0 || t.fake.ne(0.0).any().int64_value(&[]) != 0
        };
        if let Some(t) = self.targets.as_ref().filter(|t| soft(t)) {
            write!(
                f,
                "\n  labels: real {}, fake {}",
                values(&t.real),
                values(&t.fake)
            )?;
        }
        Ok(())
    }
}
