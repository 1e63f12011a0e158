//! Mode coverage on 2-D mixtures, as in the VEEGAN and PacGAN papers: a sample is *high
//! quality* when it lies within 3 standard deviations of its nearest mode; a mode is
//! *captured* when it is the nearest mode of at least one high-quality sample. The papers
//! score 2,500 samples.
use crate::data::mixtures::Mixture;
use crate::{Error, Result};
use std::fmt;
use tch::{Device, Kind, Tensor};

/// The score of a set of 2-D samples against a [`Mixture`].
#[derive(Debug, Clone, PartialEq)]
pub struct ModeCoverage {
    /// Modes with at least one high-quality sample.
    pub captured: usize,
    /// Modes in the mixture.
    pub modes: usize,
    /// Share of samples within 3 std of their nearest mode, in [0, 1].
    pub high_quality: f64,
    /// High-quality samples per mode.
    pub per_mode: Vec<usize>,
    /// Samples scored.
    pub samples: usize,
}

impl fmt::Display for ModeCoverage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} of {} modes captured, {:.1} % high-quality samples (of {})",
            self.captured,
            self.modes,
            100.0 * self.high_quality,
            self.samples
        )
    }
}

/// Scores `samples` (`[N, 2]`) against `mixture`.
pub fn mode_coverage(samples: &Tensor, mixture: &Mixture) -> Result<ModeCoverage> {
    let size = samples.size();
    if size.len() != 2 || size[1] != 2 || size[0] == 0 {
        return Err(Error::shape(
            "mode coverage samples",
            "[N, 2] with N > 0",
            &size,
        ));
    }
    let s = samples.detach().to_device(Device::Cpu).to_kind(Kind::Float);
    let centers: Vec<f32> = mixture.centers.iter().flat_map(|&(x, y)| [x, y]).collect();
    let c = Tensor::from_slice(&centers).view([-1, 2]);
    let d = s
        .unsqueeze(1)
        .f_sub(&c.unsqueeze(0))
        .map_err(|e| Error::torch("mode coverage", e))?
        .square()
        .sum_dim_intlist(2, false, Kind::Float)
        .sqrt(); // [N, K]
    let (dmin, nearest) = d.min_dim(1, false);
    let dmin = Vec::<f32>::try_from(dmin).map_err(|e| Error::torch("mode coverage", e))?;
    let nearest = Vec::<i64>::try_from(nearest).map_err(|e| Error::torch("mode coverage", e))?;
    let mut per_mode = vec![0usize; mixture.n_modes()];
    let mut good = 0usize;
    for (dist, m) in dmin.iter().zip(&nearest) {
        if *dist <= 3.0 * mixture.std {
            good += 1;
            per_mode[*m as usize] += 1;
        }
    }
    Ok(ModeCoverage {
        captured: per_mode.iter().filter(|&&c| c > 0).count(),
        modes: mixture.n_modes(),
        high_quality: good as f64 / dmin.len() as f64,
        per_mode,
        samples: dmin.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_data_captures_every_mode_with_nearly_all_samples_good() {
        for m in [Mixture::ring8(), Mixture::grid25()] {
            let data = m.sample(2500, 1);
            let score = mode_coverage(&data.x, &m).unwrap();
            assert_eq!(score.captured, m.n_modes(), "{}: {score}", m.name);
            // 3 std in 2-D holds 1 − e^{−4.5} ≈ 98.9 % of a Gaussian's mass.
            assert!(
                (score.high_quality - 0.989).abs() < 0.01,
                "{}: {score}",
                m.name
            );
        }
    }

    #[test]
    fn a_collapsed_generator_captures_one_mode_and_noise_scores_near_zero() {
        let m = Mixture::ring8();
        let one = m.sample(2500, 2).x.narrow(0, 0, 1).repeat([2500, 1]);
        let s = mode_coverage(&one, &m).unwrap();
        assert_eq!((s.captured, s.high_quality), (1, 1.0));
        let noise = Tensor::rand([2500, 2], (Kind::Float, Device::Cpu)) * 8 - 4;
        let s = mode_coverage(&noise, &m).unwrap();
        assert!(s.high_quality < 0.01, "{s}");
        let e = mode_coverage(&Tensor::zeros([4, 3], (Kind::Float, Device::Cpu)), &m).unwrap_err();
        assert_eq!(
            e.to_string(),
            "mode coverage samples: expected shape [N, 2] with N > 0, got [4, 3]"
        );
    }
}
