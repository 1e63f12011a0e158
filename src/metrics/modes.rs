//! Mode coverage on 2-D mixtures, as in the VEEGAN and PacGAN papers: a sample is *high
//! quality* when it lies within 3 standard deviations of its nearest mode; a mode is
//! *captured* when it is the nearest mode of at least one high-quality sample. The papers
//! score 2,500 samples.
use crate::data::mixtures::Mixture;
use crate::error::{Error, Result};
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

impl ModeCoverage {
    /// PacGAN's "reverse KL": KL(p ‖ u) in nats between the modes of the high-quality samples
    /// (`per_mode`, normalised) and the mixture's uniform weights, Σ p·log(p·modes). 0 when
    /// every mode holds the same share; log(modes) when all samples sit at one mode; NaN
    /// without a high-quality sample.
    pub fn reverse_kl(&self) -> f64 {
        let total = self.per_mode.iter().sum::<usize>();
        if total == 0 {
            return f64::NAN;
        }
        let k = self.per_mode.len() as f64;
        self.per_mode
            .iter()
            .filter(|&&c| c > 0)
            .map(|&c| {
                let p = c as f64 / total as f64;
                p * (p * k).ln()
            })
            .sum()
    }
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

/// How a conditional generator serves its conditions on a 2-D mixture (the mode as the
/// condition): each sample's requested mode against where it landed.
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionalModes {
    /// Share of samples within 3 std of the mode they were asked for, in [0, 1].
    pub accuracy: f64,
    /// The same per mode (NaN for a mode no sample asked for).
    pub per_mode: Vec<f64>,
    /// Diversity within a condition: the samples' standard deviation around their requested
    /// mode's mean, averaged over conditions, divided by the mixture's std (real data: about
    /// 1; a generator that ignores its noise and draws one point per condition: 0).
    pub spread: f64,
    /// Samples scored.
    pub samples: usize,
}

impl fmt::Display for ConditionalModes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:.1} % of samples at their requested mode, spread within a condition {:.2}× the data's (of {})",
            100.0 * self.accuracy,
            self.spread,
            self.samples
        )
    }
}

/// Scores `samples` `[N, 2]` drawn for `conditions` `[N, modes]` (one-hot: the mode asked for)
/// against `mixture`.
pub fn conditional_modes(
    samples: &Tensor,
    conditions: &Tensor,
    mixture: &Mixture,
) -> Result<ConditionalModes> {
    let size = samples.size();
    let k = mixture.n_modes() as i64;
    if size.len() != 2 || size[1] != 2 || size[0] == 0 {
        return Err(Error::shape(
            "conditional modes samples",
            "[N, 2] with N > 0",
            &size,
        ));
    }
    if conditions.size() != [size[0], k] {
        return Err(Error::shape(
            "conditional modes conditions",
            format!("[{}, {k}] (one-hot modes)", size[0]),
            &conditions.size(),
        ));
    }
    let cpu = |t: &Tensor| t.detach().to_device(Device::Cpu).to_kind(Kind::Float);
    let asked = Vec::<i64>::try_from(cpu(conditions).argmax(1, false))
        .map_err(|e| Error::torch("conditional modes", e))?;
    let xy = Vec::<f32>::try_from(cpu(samples).reshape([-1]))
        .map_err(|e| Error::torch("conditional modes", e))?;
    let mut hits = vec![0usize; k as usize];
    let mut counts = vec![0usize; k as usize];
    let mut points: Vec<Vec<(f32, f32)>> = vec![Vec::new(); k as usize];
    for (i, &m) in asked.iter().enumerate() {
        let (x, y) = (xy[2 * i], xy[2 * i + 1]);
        let (cx, cy) = mixture.centers[m as usize];
        counts[m as usize] += 1;
        if ((x - cx).powi(2) + (y - cy).powi(2)).sqrt() <= 3.0 * mixture.std {
            hits[m as usize] += 1;
        }
        points[m as usize].push((x, y));
    }
    let spreads: Vec<f64> = points
        .iter()
        .filter(|p| p.len() >= 2)
        .map(|p| {
            let n = p.len() as f64;
            let (mx, my) = p
                .iter()
                .fold((0.0, 0.0), |(a, b), &(x, y)| (a + x as f64, b + y as f64));
            let (mx, my) = (mx / n, my / n);
            let var = p
                .iter()
                .map(|&(x, y)| (x as f64 - mx).powi(2) + (y as f64 - my).powi(2))
                .sum::<f64>()
                / (2.0 * (n - 1.0));
            var.sqrt()
        })
        .collect();
    Ok(ConditionalModes {
        accuracy: hits.iter().sum::<usize>() as f64 / asked.len() as f64,
        per_mode: hits
            .iter()
            .zip(&counts)
            .map(|(&h, &c)| {
                if c == 0 {
                    f64::NAN
                } else {
                    h as f64 / c as f64
                }
            })
            .collect(),
        spread: spreads.iter().sum::<f64>() / spreads.len().max(1) as f64 / mixture.std as f64,
        samples: asked.len(),
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
            // the data's modes are drawn uniformly: near 0 (2,500 draws leave a little)
            assert!(
                score.reverse_kl() < 0.02,
                "{}: {}",
                m.name,
                score.reverse_kl()
            );
        }
    }

    #[test]
    fn a_collapsed_generator_captures_one_mode_and_noise_scores_near_zero() {
        let m = Mixture::ring8();
        let one = m.sample(2500, 2).x.narrow(0, 0, 1).repeat([2500, 1]);
        let s = mode_coverage(&one, &m).unwrap();
        assert_eq!((s.captured, s.high_quality), (1, 1.0));
        // all mass at one of 8 modes: KL(p ‖ u) = log 8
        assert!(
            (s.reverse_kl() - 8f64.ln()).abs() < 1e-12,
            "{}",
            s.reverse_kl()
        );
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

#[cfg(test)]
mod conditional_tests {
    use super::*;

    #[test]
    fn real_data_sits_at_its_modes_with_the_datas_spread_and_a_collapse_has_none() {
        let m = Mixture::ring8();
        let data = m.sample(4000, 3);
        let labels = data.labels.as_ref().unwrap();
        let s = conditional_modes(&data.x, labels, &m).unwrap();
        assert!(s.accuracy > 0.98, "{s}");
        assert!((s.spread - 1.0).abs() < 0.05, "{s}");
        // one point per condition (its mode's centre): on target, no spread
        let centers: Vec<f32> = m.centers.iter().flat_map(|&(x, y)| [x, y]).collect();
        let c = Tensor::from_slice(&centers).view([-1, 2]);
        let collapsed = labels.matmul(&c);
        let s = conditional_modes(&collapsed, labels, &m).unwrap();
        assert_eq!(s.accuracy, 1.0);
        assert!(s.spread < 1e-3, "{s}");
        // asked for the wrong modes: the next mode round the ring
        let shifted = labels.roll([1], [1]);
        let s = conditional_modes(&data.x, &shifted, &m).unwrap();
        assert!(s.accuracy < 0.01, "{s}");
        let e = conditional_modes(&data.x, &labels.narrow(1, 0, 3), &m).unwrap_err();
        assert!(
            e.to_string().starts_with("conditional modes conditions"),
            "{e}"
        );
    }
}
