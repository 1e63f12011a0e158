//! Weight statistics by parameter: what a histogram shows, as numbers (report 002 §3: a
//! clipped critic's weights pile up at ±c).
use std::fmt;
use tch::{nn, Kind, Tensor};

/// One parameter's values summarised.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightStats {
    /// PyTorch name, e.g. `main.0.weight`.
    pub name: String,
    /// Number of values.
    pub count: usize,
    pub mean: f64,
    pub std: f64,
    pub min: f64,
    pub max: f64,
    /// Share of values with |w| ≥ 0.99 · max |w|: near 0 for a smooth spread, large when the
    /// weights pile up at a bound (clipping).
    pub at_bound: f64,
}

impl fmt::Display for WeightStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:<24} n {:>8}  mean {:+.4}  std {:.4}  [{:+.4}, {:+.4}]  at the bound {:.1} %",
            self.name,
            self.count,
            self.mean,
            self.std,
            self.min,
            self.max,
            100.0 * self.at_bound
        )
    }
}

/// The statistics of one tensor's values, named `name`.
pub fn tensor_stats(name: &str, t: &Tensor) -> WeightStats {
    let v = t.detach().to_kind(Kind::Double).reshape([-1]);
    let count = v.numel();
    let abs_max = v.abs().max().double_value(&[]);
    let at_bound = if count == 0 || abs_max == 0.0 {
        0.0
    } else {
        v.abs()
            .ge(0.99 * abs_max)
            .to_kind(Kind::Double)
            .mean(Kind::Double)
            .double_value(&[])
    };
    let std = if count > 1 {
        v.std(true).double_value(&[])
    } else {
        0.0
    };
    WeightStats {
        name: name.to_string(),
        count,
        mean: v.mean(Kind::Double).double_value(&[]),
        std,
        min: v.min().double_value(&[]),
        max: v.max().double_value(&[]),
        at_bound,
    }
}

/// Every trainable parameter of `vs` summarised, in name order (`main.0.weight`, …): the
/// numbers beside a per-layer weight histogram.
///
/// ```no_run
/// # use gankit::prelude::*;
/// # fn f(gan: &BoxedGan) {
/// for s in weight_stats(gan.vs_d()) {
///     println!("{s}");
/// }
/// # }
/// ```
pub fn weight_stats(vs: &nn::VarStore) -> Vec<WeightStats> {
    let mut vars: Vec<(String, Tensor)> = vs
        .variables()
        .into_iter()
        .filter(|(_, t)| t.requires_grad())
        .collect();
    vars.sort_by(|a, b| a.0.cmp(&b.0));
    vars.iter().map(|(n, t)| tensor_stats(n, t)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tch::Device;

    #[test]
    fn clipped_weights_sit_at_the_bound_and_a_normal_spread_does_not() {
        tch::manual_seed(0);
        let normal = Tensor::randn([10_000], (Kind::Float, Device::Cpu)) * 0.05;
        let s = tensor_stats("w", &normal);
        assert!(s.mean.abs() < 0.003 && (s.std - 0.05).abs() < 0.003, "{s}");
        assert!(s.at_bound < 0.01, "{s}");
        let clipped = normal.clamp(-0.01, 0.01);
        let c = tensor_stats("w", &clipped);
        assert!(
            (c.max - 0.01).abs() < 1e-6 && (c.min + 0.01).abs() < 1e-6,
            "{c}"
        );
        assert!(
            c.at_bound > 0.8,
            "most of N(0, 0.05) lies beyond ±0.01: {c}"
        );
        let vs = nn::VarStore::new(Device::Cpu);
        let _ = nn::linear(vs.root() / "l", 3, 2, Default::default());
        let names: Vec<String> = weight_stats(&vs).into_iter().map(|s| s.name).collect();
        assert_eq!(names, ["l.bias", "l.weight"]);
    }
}
