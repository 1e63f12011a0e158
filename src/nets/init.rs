//! Weight initialisations the reports' code applies (`net.apply(weights_init)`), by variable
//! name and shape so that they work on any var store or network:
//!
//! ```no_run
//! # use gankit::prelude::*;
//! # let vs = nn::VarStore::new(Device::Cpu);
//! dcgan_init(&vs.variables());            // everything in the var store
//! # let g = dcgan_generator(&vs.root() / "g", &DcganConfig::default());
//! dcgan_init(&g.variables());             // one network
//! ```
//!
//! A convolution weight is a 4-D `….weight` (or `….weight_orig` under spectral norm); a
//! BatchNorm is a 1-D `….weight` next to a `….running_mean` (InstanceNorm with running
//! statistics counts as one too).
use std::collections::HashSet;
use tch::Tensor;

#[derive(Clone, Copy)]
enum Rule {
    /// PyTorch DCGAN tutorial: only Conv* weights and BatchNorm.
    Dcgan,
    /// junyanz `init_weights(net, 'normal', gain)`: Conv*/Linear weights and their biases too.
    Normal,
}

fn apply<'a>(vars: impl IntoIterator<Item = (&'a String, &'a Tensor)>, rule: Rule, gain: f64) {
    let vars: Vec<(&String, &Tensor)> = vars.into_iter().collect();
    let names: HashSet<&str> = vars.iter().map(|(n, _)| n.as_str()).collect();
    let module = |name: &str| name.rsplit_once('.').map_or("", |(m, _)| m).to_string();
    let is_norm = |m: &str| {
        names.contains(format!("{m}{}running_mean", if m.is_empty() { "" } else { "." }).as_str())
    };
    let leaf = |name: &str| name.rsplit('.').next().unwrap_or(name).to_string();
    // Modules whose weight is a Conv (or Linear, for Rule::Normal) weight: their bias is reset too.
    let mut weighted = HashSet::new();
    tch::no_grad(|| {
        for (name, t) in &vars {
            let mut t = t.shallow_clone();
            let (m, leaf) = (module(name), leaf(name));
            let is_weight = leaf == "weight" || leaf == "weight_orig";
            if is_weight && (t.dim() >= 3 || (t.dim() == 2 && matches!(rule, Rule::Normal))) {
                let _ = t.normal_(0.0, gain);
                weighted.insert(m);
            } else if leaf == "weight" && t.dim() == 1 && is_norm(&m) {
                let _ = t.normal_(1.0, gain);
            }
        }
        for (name, t) in &vars {
            let m = module(name);
            let reset_bias = is_norm(&m) || (matches!(rule, Rule::Normal) && weighted.contains(&m));
            if leaf(name) == "bias" && reset_bias {
                let _ = t.shallow_clone().zero_();
            }
        }
    });
}

/// DCGAN initialisation (PyTorch DCGAN tutorial; the reports' `weights_init`): Conv and
/// ConvTranspose weights ~ N(0, 0.02), BatchNorm γ ~ N(1, 0.02) and β = 0; Linear layers and
/// conv biases keep their PyTorch defaults.
pub fn dcgan_init<'a>(vars: impl IntoIterator<Item = (&'a String, &'a Tensor)>) {
    apply(vars, Rule::Dcgan, 0.02)
}

/// CycleGAN's `init_weights(net, 'normal', gain)` (junyanz/pytorch-CycleGAN-and-pix2pix):
/// Conv, ConvTranspose and Linear weights ~ N(0, gain) and their biases 0; BatchNorm
/// γ ~ N(1, gain), β = 0. CycleGAN uses gain 0.02.
pub fn normal_init<'a>(vars: impl IntoIterator<Item = (&'a String, &'a Tensor)>, gain: f64) {
    apply(vars, Rule::Normal, gain)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nets::layers::{ConvOpts, Layers};
    use tch::nn;

    fn std_mean(t: &Tensor) -> (f64, f64) {
        let (s, m) = t.std_mean(true);
        (s.double_value(&[]), m.double_value(&[]))
    }

    #[test]
    fn dcgan_init_touches_conv_weights_and_batchnorm_only() {
        tch::manual_seed(0);
        let vs = nn::VarStore::new(tch::Device::Cpu);
        let _l = Layers::seq(&vs.root() / "main", |s| {
            s.conv2d(64, 128, 4, ConvOpts::new(2, 1))
                .batch_norm2d(2000)
                .linear(4, 3000, true);
        });
        let before = vs.variables()["main.2.weight"].copy();
        let conv_bias = vs.variables()["main.0.bias"].copy();
        dcgan_init(&vs.variables());
        let v = vs.variables();
        let (s, m) = std_mean(&v["main.0.weight"]);
        assert!(
            (s - 0.02).abs() < 0.001 && m.abs() < 0.001,
            "conv weight std {s} mean {m}"
        );
        let (s, m) = std_mean(&v["main.1.weight"]);
        assert!(
            (s - 0.02).abs() < 0.002 && (m - 1.0).abs() < 0.002,
            "BN weight std {s} mean {m}"
        );
        assert_eq!(
            v["main.1.bias"]
                .abs()
                .sum(tch::Kind::Float)
                .double_value(&[]),
            0.0
        );
        assert!(v["main.2.weight"].equal(&before), "Linear untouched");
        assert!(v["main.0.bias"].equal(&conv_bias), "conv bias untouched");
    }

    #[test]
    fn normal_init_also_sets_linear_and_biases() {
        tch::manual_seed(0);
        let vs = nn::VarStore::new(tch::Device::Cpu);
        let _l = Layers::seq(vs.root(), |s| {
            s.conv2d(64, 128, 4, ConvOpts::new(2, 1))
                .linear(400, 300, true);
        });
        normal_init(&vs.variables(), 0.02);
        let v = vs.variables();
        let (s, _) = std_mean(&v["1.weight"]);
        assert!((s - 0.02).abs() < 0.001, "linear weight std {s}");
        for b in ["0.bias", "1.bias"] {
            assert_eq!(
                v[b].abs().sum(tch::Kind::Float).double_value(&[]),
                0.0,
                "{b}"
            );
        }
    }
}
