//! SNGAN's discriminator (Miyato et al. 2018), the DCGAN discriminator with every conv
//! spectrally normalised, and the projection discriminator (Miyato & Koyama 2018).
use super::info::NetInfo;
use super::layers::{embedding, linear, Layer, Layers};
use super::spectral::spectral_norm;
use super::trunks::{
    d_trunk, dcgan_like_discriminator, stages, DcganDiscriminator, Sigmoid, Trunk,
};
use super::{conditional_net, image_shape};
use crate::error::Result;
use std::borrow::Borrow;
use tch::nn::{self, ModuleT};
use tch::{Kind, Tensor};

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
