//! Report 001 §1: the standard PyTorch DCGAN (4×4 kernels, z = 100, `main.N` names), with the
//! §4 tip (b) variant (Dropout(0.5) after the BatchNorm of each of G's four hidden layers).
//! Its building blocks and types, shared with the other DCGAN-shaped families, are in the
//! crate's `nets/trunks.rs`.
use super::trunks::{dcgan_like_discriminator, dcgan_like_generator, GHidden, Sigmoid, Trunk};
use std::borrow::Borrow;
use tch::nn;

pub use super::trunks::{DcganConfig, DcganDiscriminator, DcganGenerator};

/// Report 001 §1 DCGAN generator (PyTorch DCGAN tutorial): z → ConvTranspose2d 4×4 stages with
/// BatchNorm + ReLU (`main.0`–`main.11`), ConvTranspose2d to `channels` + Tanh; 3,576,704
/// parameters at the defaults. With `dropout: 0.5`, tip (b): BatchNorm → Dropout → ReLU. DCGAN
/// init.
pub fn dcgan_generator<'a, P: Borrow<nn::Path<'a>>>(p: P, cfg: &DcganConfig) -> DcganGenerator {
    let hidden = GHidden::BatchNorm {
        dropout: cfg.dropout,
    };
    dcgan_like_generator(p.borrow(), "dcgan generator", cfg, hidden)
}

/// Report 001 §1 DCGAN discriminator: Conv2d(4, 2, 1) + LeakyReLU(0.2), then Conv2d +
/// BatchNorm + LeakyReLU per stage (`main.0`–`main.10`), Conv2d(512 → 1, 4) (`main.11`),
/// Sigmoid in `forward` when `sigmoid`; scores `[N]`. 2,765,568 parameters at the defaults.
/// DCGAN init.
pub fn dcgan_discriminator<'a, P: Borrow<nn::Path<'a>>>(
    p: P,
    cfg: &DcganConfig,
) -> DcganDiscriminator {
    let sigmoid = if cfg.sigmoid {
        Sigmoid::InForward
    } else {
        Sigmoid::None
    };
    dcgan_like_discriminator(
        p.borrow(),
        "dcgan discriminator",
        cfg.channels,
        cfg.ndf,
        cfg.image_size,
        Trunk::BatchNorm,
        sigmoid,
    )
}
