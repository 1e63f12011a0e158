//! Spectral normalisation (SNGAN, Miyato et al. 2018) as a wrapper for any layer with a weight.
//! The networks built from it are in [`super::sngan`].
use super::layers::{Layer, Seq};
use super::weight::SpectralNorm;
use tch::nn;

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
