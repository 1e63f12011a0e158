//! The relativistic losses (Jolicoeur-Martineau 2018): D judges whether real data is more
//! realistic than fake data, through the differences C(x_r) − C(x_f) (RSGAN, pairs) or
//! C(x_r) − E C(x_f) and C(x_f) − E C(x_r) (the "average" versions). Formulas: see [`Loss`].
use super::{bce_logits, Loss, Parts, Targets};
use tch::Tensor;

/// RSGAN compares sample i of the real batch with sample i of the fake batch.
fn check_pairs(r: &Tensor, f: &Tensor) {
    assert_eq!(
        r.size(),
        f.size(),
        "RSGAN pairs C(x_r) with C(x_f): their shapes {:?} and {:?} differ",
        r.size(),
        f.size()
    );
}

/// (C(x_r) − E C(x_f), C(x_f) − E C(x_r)).
fn average_diffs(r: &Tensor, f: &Tensor) -> (Tensor, Tensor) {
    (r - f.mean(None), f - r.mean(None))
}

pub(super) fn d_parts(loss: Loss, r: &Tensor, f: &Tensor, t: Option<&Targets>) -> Parts {
    if loss == Loss::Rsgan {
        check_pairs(r, f);
        let diff = r - f;
        let t = t.expect("RSGAN has targets");
        let pair = bce_logits(&diff, &t.real);
        return Parts {
            pair: Some(pair),
            prob_real: Some(diff.detach().sigmoid()),
            diff_real: Some(diff),
            ..Parts::default()
        };
    }
    let (dr, df) = average_diffs(r, f);
    let (real, fake) = match (loss, t) {
        (Loss::Rasgan, Some(t)) => (bce_logits(&dr, &t.real), bce_logits(&df, &t.fake)),
        (Loss::RaLsgan, _) => (
            (&dr - 1.0).square().mean(None),
            (&df + 1.0).square().mean(None),
        ),
        (Loss::RaHinge, _) => (
            (1f64 - &dr).relu().mean(None),
            (1f64 + &df).relu().mean(None),
        ),
        _ => unreachable!("{loss}: not a relativistic loss, or targets missing"),
    };
    average_parts(loss, real, fake, dr, df)
}

pub(super) fn g_parts(loss: Loss, r: &Tensor, f: &Tensor) -> Parts {
    if loss == Loss::Rsgan {
        check_pairs(r, f);
        let diff = f - r;
        let pair = bce_logits(&diff, &diff.ones_like());
        return Parts {
            pair: Some(pair),
            prob_fake: Some(diff.detach().sigmoid()),
            diff_fake: Some(diff),
            ..Parts::default()
        };
    }
    let (dr, df) = average_diffs(r, f);
    let (real, fake) = match loss {
        Loss::Rasgan => (
            bce_logits(&dr, &dr.zeros_like()),
            bce_logits(&df, &df.ones_like()),
        ),
        Loss::RaLsgan => (
            (&dr + 1.0).square().mean(None),
            (&df - 1.0).square().mean(None),
        ),
        Loss::RaHinge => (
            (1f64 + &dr).relu().mean(None),
            (1f64 - &df).relu().mean(None),
        ),
        _ => unreachable!("{loss}: not a relativistic loss"),
    };
    average_parts(loss, real, fake, dr, df)
}

/// The parts of an average-relativistic loss; σ of the differences where the loss uses it.
fn average_parts(loss: Loss, real: Tensor, fake: Tensor, dr: Tensor, df: Tensor) -> Parts {
    let sigma = |d: &Tensor| (loss == Loss::Rasgan).then(|| d.detach().sigmoid());
    Parts {
        real: Some(real),
        fake: Some(fake),
        prob_real: sigma(&dr),
        prob_fake: sigma(&df),
        diff_real: Some(dr),
        diff_fake: Some(df),
        pair: None,
    }
}
