//! Translation quality against true pairs (CycleGAN on the built-in maps): mean absolute
//! error and PSNR, on images in [−1, 1] mapped to [0, 1].
use crate::error::{Error, Result};
use std::fmt;
use tch::{Kind, Tensor};

/// L1 and PSNR of a batch of translations against their true counterparts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairScore {
    /// Mean |x − y| over pixels and channels, in [0, 1] units.
    pub l1: f64,
    /// Peak signal-to-noise ratio in dB, averaged over images: 10·log10(1 / MSE).
    pub psnr: f64,
}

impl fmt::Display for PairScore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "L1 {:.4}, PSNR {:.2} dB", self.l1, self.psnr)
    }
}

/// Scores `fake` against `truth` (both `[N, C, H, W]` in [−1, 1], same shape).
pub fn pair_score(fake: &Tensor, truth: &Tensor) -> Result<PairScore> {
    if fake.size() != truth.size() || fake.dim() != 4 {
        return Err(Error::shape(
            "pair score: translations",
            format!("{:?} (the true pairs' shape, [N, C, H, W])", truth.size()),
            &fake.size(),
        ));
    }
    let a = (fake.detach().to_kind(Kind::Double) + 1.0) / 2.0;
    let b = (truth.detach().to_kind(Kind::Double) + 1.0) / 2.0;
    let diff = (a.clamp(0.0, 1.0) - b.clamp(0.0, 1.0)).flatten(1, -1);
    let l1 = diff.abs().mean(Kind::Double).double_value(&[]);
    let mse = diff
        .square()
        .mean_dim(&[1i64][..], false, Kind::Double)
        .clamp_min(1e-10);
    let psnr = (mse.log10() * -10.0).mean(Kind::Double).double_value(&[]);
    Ok(PairScore { l1, psnr })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tch::Device;

    #[test]
    fn identical_images_score_zero_l1_and_known_errors_give_known_psnr() {
        let x = Tensor::rand([4, 3, 8, 8], (Kind::Float, Device::Cpu)) * 2 - 1;
        let s = pair_score(&x, &x).unwrap();
        assert_eq!(s.l1, 0.0);
        assert!(s.psnr > 90.0);
        // A constant offset of 0.2 in [−1, 1] is 0.1 in [0, 1]: L1 0.1, PSNR 20 dB.
        let a = Tensor::zeros([2, 3, 4, 4], (Kind::Float, Device::Cpu));
        let s = pair_score(&(&a + 0.2), &a).unwrap();
        assert!(
            (s.l1 - 0.1).abs() < 1e-6 && (s.psnr - 20.0).abs() < 1e-4,
            "{s}"
        );
        let e =
            pair_score(&a, &Tensor::zeros([2, 3, 4, 5], (Kind::Float, Device::Cpu))).unwrap_err();
        assert!(e.to_string().contains("got [2, 3, 4, 4]"), "{e}");
    }
}
