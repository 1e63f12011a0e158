//! 2-D toy data: Gaussian mixtures (ring of 8, grid of 25, as in the VEEGAN and PacGAN papers)
//! and the swiss roll. Small enough to train in seconds and to see every sample.
use super::rng::Rng;
use super::{tensor_from_f32, Dataset};

/// A mixture of equal-weight isotropic Gaussians in the plane.
#[derive(Debug, Clone, PartialEq)]
pub struct Mixture {
    /// A short name ("ring of 8").
    pub name: String,
    /// The modes' centres.
    pub centers: Vec<(f32, f32)>,
    /// The standard deviation of every mode.
    pub std: f32,
}

impl Mixture {
    /// `k` Gaussians evenly spaced on a circle of `radius` (VEEGAN: 8, radius 2, std 0.02).
    pub fn ring(k: usize, radius: f32, std: f32) -> Self {
        let centers = (0..k)
            .map(|i| {
                let a = std::f32::consts::TAU * i as f32 / k as f32;
                (radius * a.cos(), radius * a.sin())
            })
            .collect();
        Mixture {
            name: format!("ring of {k}"),
            centers,
            std,
        }
    }

    /// A `side`×`side` grid of Gaussians `spacing` apart, centred on 0 (VEEGAN: 5×5, spacing 2,
    /// std 0.02).
    pub fn grid(side: usize, spacing: f32, std: f32) -> Self {
        let off = (side as f32 - 1.0) / 2.0;
        let centers = (0..side * side)
            .map(|k| {
                (
                    ((k % side) as f32 - off) * spacing,
                    ((k / side) as f32 - off) * spacing,
                )
            })
            .collect();
        Mixture {
            name: format!("grid of {}", side * side),
            centers,
            std,
        }
    }

    /// The VEEGAN ring: 8 modes, radius 2, std 0.02.
    pub fn ring8() -> Self {
        Self::ring(8, 2.0, 0.02)
    }

    /// The VEEGAN grid: 25 modes, spacing 2, std 0.02.
    pub fn grid25() -> Self {
        Self::grid(5, 2.0, 0.02)
    }

    /// Number of modes.
    pub fn n_modes(&self) -> usize {
        self.centers.len()
    }

    /// `n` samples `[n, 2]`, with the mode each came from as a one-hot label.
    pub fn sample(&self, n: usize, seed: u64) -> Dataset {
        let mut rng = Rng::new(seed);
        let k = self.centers.len();
        let mut xy = Vec::with_capacity(2 * n);
        let mut modes = Vec::with_capacity(n);
        for _ in 0..n {
            let m = rng.below(k);
            let (cx, cy) = self.centers[m];
            xy.push(cx + self.std * rng.normal());
            xy.push(cy + self.std * rng.normal());
            modes.push(vec![m]);
        }
        Dataset {
            name: self.name.clone(),
            x: tensor_from_f32(xy, &[n as i64, 2]),
            labels: Some(super::multi_hot(&modes, k)),
            label_names: (0..k).map(|m| format!("mode {m}")).collect(),
        }
    }
}

/// The 2-D swiss roll: t ∈ [1.5π, 4.5π], (t cos t, t sin t)/5 plus Gaussian `noise`.
pub fn swiss_roll(n: usize, noise: f32, seed: u64) -> Dataset {
    let mut rng = Rng::new(seed);
    let mut xy = Vec::with_capacity(2 * n);
    for _ in 0..n {
        let t = 1.5 * std::f32::consts::PI * (1.0 + 2.0 * rng.uniform());
        xy.push(t * t.cos() / 5.0 + noise * rng.normal());
        xy.push(t * t.sin() / 5.0 + noise * rng.normal());
    }
    Dataset {
        name: "swiss roll".into(),
        x: tensor_from_f32(xy, &[n as i64, 2]),
        labels: None,
        label_names: Vec::new(),
    }
}
