//! Spectral normalisation (SNGAN, Miyato et al. 2018) as a wrapper for any layer with a weight,
//! a discriminator built from it, and the projection discriminator (Miyato & Koyama 2018).
use super::dcgan::{d_trunk, dcgan_like_discriminator, stages, DcganDiscriminator, Sigmoid, Trunk};
use super::layers::{embedding, linear, Layer, Layers, NetInfo};
use super::{conditional_net, image_shape};
use crate::Result;
use std::borrow::Borrow;
use tch::nn::{self, ModuleT};
use tch::{Kind, Tensor};

/// Power-iteration state of a spectrally normalised weight: the buffers `weight_u` and
/// `weight_v` of `torch.nn.utils.spectral_norm`.
#[derive(Debug)]
pub(crate) struct SpectralNorm {
    u: Tensor,
    v: Tensor,
    /// The dimension of the weight that holds the outputs (1 for ConvTranspose2d).
    dim: i64,
}

const EPS: f64 = 1e-12;

fn normalize(x: &Tensor) -> Tensor {
    x / x.norm().clamp_min(EPS)
}

/// The weight as a matrix with the output dimension first: `[out, rest]`.
fn matrix(w: &Tensor, dim: i64) -> Tensor {
    let w = if dim == 0 {
        w.shallow_clone()
    } else {
        let order: Vec<i64> = std::iter::once(dim)
            .chain((0..w.dim() as i64).filter(|&d| d != dim))
            .collect();
        w.permute(order)
    };
    let h = w.size()[0];
    w.reshape([h, -1])
}

impl SpectralNorm {
    /// `w / σ(w)`, σ estimated as `uᵀ W v`; in train mode one power-iteration step first
    /// updates u and v in place (as PyTorch does in its forward pre-hook).
    pub(crate) fn normalized(&self, w: &Tensor, train: bool) -> Tensor {
        let m = matrix(w, self.dim);
        if train {
            tch::no_grad(|| {
                let v = normalize(&m.transpose(0, 1).mv(&self.u));
                let u = normalize(&m.mv(&v));
                self.v.shallow_clone().copy_(&v);
                self.u.shallow_clone().copy_(&u);
            });
        }
        // Copies: a later call updates the buffers in place, which must not change this graph.
        let sigma = self.u.copy().dot(&m.mv(&self.v.copy()));
        w / sigma
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
    let m = matrix(&weight.w, dim);
    let (h, w) = (m.size()[0], m.size()[1]);
    let opts = (Kind::Float, p.device());
    let u = p.add("weight_u", normalize(&Tensor::randn([h], opts)), false);
    let v = p.add("weight_v", normalize(&Tensor::randn([w], opts)), false);
    weight.sn = Some(SpectralNorm {
        u: u.shallow_clone(),
        v: v.shallow_clone(),
        dim,
    });
    layer.rename(
        p,
        "weight_orig",
        repr,
        &[("weight_u", &u), ("weight_v", &v)],
    )
}

/// Sizes of the spectrally normalised discriminators.
#[derive(Debug, Clone, PartialEq)]
pub struct SnganConfig {
    /// Width of the first conv (PyTorch's `ndf`): 64.
    pub ndf: i64,
    /// Image channels: 3.
    pub channels: i64,
    /// Image width and height: 64 (or 32, …).
    pub image_size: i64,
    /// Classes of the projection discriminator: 119 (the faces' hair × eye combinations).
    pub n_classes: i64,
}

impl Default for SnganConfig {
    fn default() -> Self {
        SnganConfig {
            ndf: 64,
            channels: 3,
            image_size: 64,
            n_classes: 119,
        }
    }
}

/// SNGAN (Miyato et al. 2018) with the DCGAN discriminator: every conv spectrally normalised
/// (with bias), no BatchNorm, LeakyReLU 0.2, last Conv2d(…→1, 4) gives a logit `[N]`. Names
/// `main.0.weight_orig`, … PyTorch default init.
pub fn sn_discriminator<'a, P: Borrow<nn::Path<'a>>>(
    p: P,
    cfg: &SnganConfig,
) -> DcganDiscriminator {
    dcgan_like_discriminator(
        p.borrow(),
        "sn discriminator",
        cfg.channels,
        cfg.ndf,
        cfg.image_size,
        Trunk::SpectralNorm,
        Sigmoid::None,
    )
}

/// The projection head of Miyato & Koyama 2018 (see [`projection_head`]).
#[derive(Debug)]
pub struct ProjectionHead {
    psi: Layer,
    embed: Layer,
}

/// Projection discriminator head (Miyato & Koyama 2018) on features φ(x) `[N, features]`:
/// ψ(φ(x)) + ⟨embed(y), φ(x)⟩, with ψ = SN Linear(features → 1) at `p.psi` and embed = SN
/// Embedding(n_classes, features) at `p.embed`, applied to one-hot (or multi-hot) rows y.
pub fn projection_head(p: &nn::Path, features: i64, n_classes: i64) -> ProjectionHead {
    let psi = spectral_norm(&(p / "psi"), |q| linear(q, features, 1, true));
    let embed = spectral_norm(&(p / "embed"), |q| embedding(q, n_classes, features));
    ProjectionHead { psi, embed }
}

impl ProjectionHead {
    /// Logits `[N]` for features `[N, features]` and classes `[N, n_classes]`.
    pub fn forward_t(&self, phi: &Tensor, y: &Tensor, train: bool) -> Tensor {
        let score = self.psi.forward_t(phi, train).view([-1]);
        score
            + (self.embed.forward_t(y, train) * phi).sum_dim_intlist(
                &[1i64][..],
                false,
                Kind::Float,
            )
    }

    /// The head's two layers (for parameter bookkeeping).
    pub fn layers(&self) -> [&Layer; 2] {
        [&self.psi, &self.embed]
    }
}

/// Projection discriminator (see [`projection_discriminator`]).
#[derive(Debug)]
pub struct ProjectionDiscriminator {
    main: Layers,
    head: ProjectionHead,
    info: NetInfo,
}

/// Projection discriminator (Miyato & Koyama 2018): features φ(x) = the SN DCGAN trunk
/// (`main`, to ndf·8 channels at 4×4) summed over space, then the [`projection_head`]
/// ψ(φ(x)) + ⟨embed(y), φ(x)⟩ (`psi`, `embed`). Logits `[N]`. PyTorch default init.
pub fn projection_discriminator<'a, P: Borrow<nn::Path<'a>>>(
    p: P,
    cfg: &SnganConfig,
) -> ProjectionDiscriminator {
    let p = p.borrow();
    stages("projection discriminator", cfg.image_size);
    let mut top = 0;
    let main = Layers::seq(p / "main", |s| {
        top = d_trunk(
            s,
            cfg.channels,
            cfg.ndf,
            cfg.image_size,
            Trunk::SpectralNorm,
        )
    });
    let head = projection_head(p, top, cfg.n_classes);
    let layers = main.iter().chain(head.layers());
    let info = NetInfo::new(
        "projection discriminator",
        p,
        image_shape(cfg.channels, cfg.image_size),
        Some(cfg.n_classes),
        layers,
    );
    ProjectionDiscriminator { main, head, info }
}

impl ProjectionDiscriminator {
    /// Logits `[N]` for images `[N, channels, size, size]` and one-hot classes `[N, n_classes]`.
    pub fn try_forward_ct(&self, x: &Tensor, y: &Tensor, train: bool) -> Result<Tensor> {
        let y = self.info.check(x, y)?;
        let phi = self
            .main
            .forward_t(x, train)
            .sum_dim_intlist(&[2i64, 3][..], false, Kind::Float);
        Ok(self.head.forward_t(&phi, &y, train))
    }
}

conditional_net!(ProjectionDiscriminator);
