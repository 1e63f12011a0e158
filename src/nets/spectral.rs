//! Spectral normalisation (SNGAN, Miyato et al. 2018) as a wrapper for any layer with a weight.
//! The networks built from it are in [`super::sngan`].
use super::layers::{Layer, Seq};
use super::weight::SpectralNorm;
use std::fmt;
use tch::nn;

/// One spectrally normalised layer's largest singular value σ(W): the estimate the layer
/// divides its weight by (uᵀ W v, from one power-iteration step per training forward) and the
/// exact value from an SVD. [`crate::nets::Net::spectral_norms`] lists them for a network.
#[derive(Debug, Clone, PartialEq)]
pub struct SpectralSigma {
    /// The layer's name in the network (`main.0`).
    pub layer: String,
    /// uᵀ W v with the stored u and v (what an eval-mode forward divides by).
    pub estimate: f64,
    /// The largest singular value of W as a matrix `[outputs, rest]` (an SVD).
    pub exact: f64,
}

impl SpectralSigma {
    /// (estimate − exact) / exact: how far the estimate is off (≤ 0: power iteration never
    /// overshoots σ).
    pub fn relative_error(&self) -> f64 {
        (self.estimate - self.exact) / self.exact
    }
}

impl fmt::Display for SpectralSigma {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: σ estimate {:.4}, exact {:.4} ({:+.2} %)",
            self.layer,
            self.estimate,
            self.exact,
            100.0 * self.relative_error()
        )
    }
}

/// Wraps the layer `make` builds (Linear, Conv2d, ConvTranspose2d or Embedding) in spectral
/// normalisation, like `torch.nn.utils.spectral_norm(module)`: the weight becomes the
/// parameter `weight_orig`, and the buffers `weight_u`, `weight_v` (random unit vectors at
/// first) hold the power iteration. Each train-mode forward runs one power-iteration step and
/// uses `weight_orig / σ`; eval mode uses the stored u and v.
///
/// ```no_run
/// use gankit::nets::layers::{conv2d, ConvOpts};
/// use gankit::nets::spectral::spectral_norm;
/// # let vs = gankit::tch::nn::VarStore::new(gankit::tch::Device::Cpu);
/// let conv = spectral_norm(&(&vs.root() / "conv"), |p| conv2d(p, 3, 64, 4, ConvOpts::new(2, 1)));
/// ```
pub fn spectral_norm(p: &nn::Path, make: impl FnOnce(&nn::Path) -> Layer) -> Layer {
    // The layer is built in a scratch store, then its tensors are registered under `p` with
    // PyTorch's names (`weight` → `weight_orig`).
    let scratch = nn::VarStore::new(p.device());
    let mut layer = make(&scratch.root());
    let repr = format!("SpectralNorm({})", layer.repr());
    let (weight, dim) = layer
        .weight_mut()
        .unwrap_or_else(|| panic!("spectral_norm wraps a layer with a weight (Linear, Conv2d, ConvTranspose2d, Embedding), not {repr}"));
    let sn = SpectralNorm::new(p, &weight.w, dim);
    let buffers = sn.buffers();
    weight.sn = Some(sn);
    layer.rename(p, "weight_orig", repr, &buffers)
}

impl Seq<'_> {
    /// A spectrally normalised layer at the next index (see [`spectral_norm`]).
    pub fn spectral_norm(&mut self, make: impl FnOnce(&nn::Path) -> Layer) -> &mut Self {
        self.add(|p| spectral_norm(p, make))
    }
}

#[cfg(test)]
mod tests {
    use crate::nets::{projection_discriminator, sn_discriminator, Net, SnganConfig};
    use tch::nn::{self, ModuleT};
    use tch::{Device, Kind, Tensor};

    /// σ of a matrix through the eigenvalues of WᵀW (another route than the SVD).
    fn sigma_by_eigenvalues(w: &Tensor) -> f64 {
        let m = w.reshape([w.size()[0], -1]).to_kind(Kind::Double);
        m.transpose(0, 1)
            .matmul(&m)
            .linalg_eigvalsh("L")
            .max()
            .sqrt()
            .double_value(&[])
    }

    #[test]
    fn the_estimate_converges_to_the_exact_sigma_from_below() {
        tch::manual_seed(3);
        let vs = nn::VarStore::new(Device::Cpu);
        let cfg = SnganConfig {
            ndf: 8,
            image_size: 16,
            ..Default::default()
        };
        let d = sn_discriminator(vs.root(), &cfg);
        let first = d.spectral_norms();
        // Every conv of the SN discriminator is normalised: 16×16 has 3 stride-2 convs
        // before the 4×4 one.
        let names: Vec<&str> = first.iter().map(|s| s.layer.as_str()).collect();
        assert_eq!(names.len(), 3, "{names:?}");
        assert!(names.iter().all(|n| n.starts_with("main.")), "{names:?}");
        let vars = d.variables();
        for s in &first {
            let w = &vars[&format!("{}.weight_orig", s.layer)];
            assert!(
                (s.exact - sigma_by_eigenvalues(w)).abs() < 1e-6 * s.exact,
                "{s}"
            );
            // random u and v: far below σ before any power iteration
            assert!(s.estimate <= s.exact + 1e-6, "{s}");
            assert!(s.relative_error() < -0.5, "{s}");
        }
        let x = Tensor::randn([2, 3, 16, 16], (Kind::Float, Device::Cpu));
        for _ in 0..60 {
            let _ = d.forward_t(&x, true);
        }
        // one power-iteration step per training forward: within 1 % after 60 (the rate is
        // (σ₂/σ₁)² per step, slow for the near-square random weights here)
        for s in d.spectral_norms() {
            assert!(s.estimate <= s.exact + 1e-6, "{s}");
            assert!(s.relative_error().abs() < 1e-2, "{s}");
        }
    }

    #[test]
    fn every_normalised_layer_is_listed_and_plain_networks_have_none() {
        let vs = nn::VarStore::new(Device::Cpu);
        let cfg = SnganConfig {
            ndf: 4,
            image_size: 8,
            n_classes: 3,
            ..Default::default()
        };
        let d = projection_discriminator(&vs.root() / "d", &cfg);
        let names: Vec<String> = d.spectral_norms().into_iter().map(|s| s.layer).collect();
        assert_eq!(names, ["main.0", "psi", "embed"]);
        let plain = crate::nets::dcgan_discriminator(
            &vs.root() / "plain",
            &crate::nets::DcganConfig {
                ndf: 4,
                image_size: 8,
                ..Default::default()
            },
        );
        assert!(plain.spectral_norms().is_empty());
    }
}
