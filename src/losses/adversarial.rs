//! The non-relativistic losses: BCE (minimax and non-saturating, on probabilities or logits),
//! WGAN, LSGAN and hinge. Formulas: see [`Loss`].
use super::{bce_logits, DOutput, Loss, Parts, Targets};
use tch::{Reduction, Tensor};

/// Mean binary cross-entropy of D's output against targets: on logits `BCEWithLogitsLoss`; on
/// probabilities torch's `BCELoss` (log clamped at −100), written as
/// t·BCE(p, 1) + (1 − t)·BCE(p, 0) per element so that targets outside [0, 1] work too: report
/// 001's noisy real labels reach 1.25, which today's `BCELoss` refuses (it checks targets; the
/// report's PyTorch ran them). Value and gradient, (p − t)/max(p(1 − p), 1e-12), are
/// BCELoss's for any t.
fn bce(output: DOutput, d: &Tensor, target: &Tensor, what: &str) -> Tensor {
    match output {
        DOutput::Logit => bce_logits(d, target),
        DOutput::Probability => {
            // On CPU, torch's BCELoss itself when it takes the input (every value in [0, 1],
            // no NaN, targets in [0, 1]): one kernel each way instead of the dozen below.
            if d.device() == tch::Device::Cpu {
                if let Ok(loss) = d.f_binary_cross_entropy::<Tensor>(target, None, Reduction::Mean)
                {
                    return loss;
                }
            }
            check_probability(d, what);
            // torch's BCE rejects NaN inputs; a diverged D's NaN must reach the loss value
            // instead (the trainer reports it with its step): 0·Σd is NaN exactly then.
            let clean = d.nan_to_num(0.5, None, None);
            let each = |t: &Tensor| clean.binary_cross_entropy::<Tensor>(t, None, Reduction::None);
            (target * each(&d.ones_like()) + (1f64 - target) * each(&d.zeros_like())).mean(None)
                + d.sum(None) * 0.0
        }
    }
}

/// Panics with one line when a "probability" is not one (a D without its Sigmoid). Checked
/// here rather than left to libtorch, whose CUDA kernel would abort the whole process. NaN
/// (a diverged D) passes, to surface as a NaN loss.
fn check_probability(d: &Tensor, what: &str) {
    let (lo, hi) = d.detach().nan_to_num(0.5, None, None).aminmax(None, false);
    let (lo, hi) = (lo.double_value(&[]), hi.double_value(&[]));
    assert!(
        (0.0..=1.0).contains(&lo) && (0.0..=1.0).contains(&hi),
        "BCE on probabilities: {what} ranges over [{lo:.4}, {hi:.4}], outside [0, 1]; for a D without Sigmoid use DOutput::Logit"
    );
}

/// D's probabilities: the output itself, or σ of the logits.
fn probability(output: DOutput, d: &Tensor) -> Tensor {
    match output {
        DOutput::Probability => d.detach(),
        DOutput::Logit => d.detach().sigmoid(),
    }
}

pub(super) fn d_parts(loss: Loss, r: &Tensor, f: &Tensor, t: Option<&Targets>) -> Parts {
    let (real, fake) = match (loss, t) {
        (Loss::Minimax(o) | Loss::NonSaturating(o), Some(t)) => {
            let (real, fake) = (bce(o, r, &t.real, "D(x_r)"), bce(o, f, &t.fake, "D(x_f)"));
            let (prob_real, prob_fake) = (Some(probability(o, r)), Some(probability(o, f)));
            return Parts {
                real: Some(real),
                fake: Some(fake),
                prob_real,
                prob_fake,
                ..Parts::default()
            };
        }
        (Loss::Wgan, _) => (-r.mean(None), f.mean(None)),
        (Loss::Lsgan, Some(t)) => (
            0.5 * (r - &t.real).square().mean(None),
            0.5 * (f - &t.fake).square().mean(None),
        ),
        (Loss::Hinge, _) => ((1f64 - r).relu().mean(None), (1f64 + f).relu().mean(None)),
        _ => unreachable!("{loss}: not a plain adversarial loss, or targets missing"),
    };
    Parts {
        real: Some(real),
        fake: Some(fake),
        ..Parts::default()
    }
}

pub(super) fn g_parts(loss: Loss, f: &Tensor, target: Option<&Tensor>) -> Parts {
    let prob_fake = match loss {
        Loss::Minimax(o) | Loss::NonSaturating(o) => Some(probability(o, f)),
        _ => None,
    };
    Parts {
        fake: Some(g_value(loss, f, target)),
        prob_fake,
        ..Parts::default()
    }
}

/// The G loss of a plain adversarial loss, which reads D's outputs on fakes only. `target`
/// replaces the hard target (1; minimax: D's fake label 0) where the loss has one: report
/// 001's noisy labels fed to G ([`super::LossConfig::labels_in_g`]).
pub(super) fn g_value(loss: Loss, f: &Tensor, target: Option<&Tensor>) -> Tensor {
    let or = |hard: Tensor| target.map_or(hard, Tensor::shallow_clone);
    match loss {
        Loss::Minimax(o) => -bce(o, f, &or(f.zeros_like()), "D(x_f)"),
        Loss::NonSaturating(o) => bce(o, f, &or(f.ones_like()), "D(x_f)"),
        Loss::Wgan | Loss::Hinge => -f.mean(None),
        Loss::Lsgan => 0.5 * (f - or(f.ones_like())).square().mean(None),
        _ => unreachable!("{loss}: not a plain adversarial loss"),
    }
}
