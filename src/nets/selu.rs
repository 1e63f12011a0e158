//! Report 002 RUN1: the DCGAN with SELU in place of BatchNorm + ReLU (G) and BatchNorm +
//! LeakyReLU (D). The report prints `nn.Conv2d(3, d_hidden, 4, 2, 1, bias=False), nn.SELU()`
//! and a `main` ending in `Conv2d(d_hidden·8, 1, 4, 1, 0, bias=False), nn.Sigmoid()` (the
//! Sigmoid commented out for its WGAN runs); the rest follows the DCGAN of report 001.
use super::trunks::{
    dcgan_like_discriminator, dcgan_like_generator, DcganConfig, DcganDiscriminator,
    DcganGenerator, GHidden, Sigmoid, Trunk,
};
use std::borrow::Borrow;
use tch::nn;

/// Report 002 SELU DCGAN generator: ConvTranspose2d + SELU per stage (`main.0`–`main.7`),
/// ConvTranspose2d + Tanh (`main.8`, `main.9`); `cfg.dropout` must be 0. SELU's LeCun-normal
/// init, N(0, 1/fan_in) (the report's init is not shown; the DCGAN init leaves this G's output
/// grey and the run stuck there).
pub fn selu_generator<'a, P: Borrow<nn::Path<'a>>>(p: P, cfg: &DcganConfig) -> DcganGenerator {
    assert!(
        cfg.dropout == 0.0,
        "selu generator: dropout is the BatchNorm DCGAN's tip (report 001 §4b); set it to 0"
    );
    dcgan_like_generator(p.borrow(), "selu generator", cfg, GHidden::Selu)
}

/// Report 002 SELU DCGAN discriminator: Conv2d(4, 2, 1, no bias) + SELU per stage
/// (`main.0`–`main.7`), Conv2d(ndf·8 → 1, 4) (`main.8`) and, with `sigmoid`, the module
/// Sigmoid (`main.9`); scores `[N]`. (`sigmoid: false` is its WGAN critic.) DCGAN init
/// (the report's init is not shown).
pub fn selu_discriminator<'a, P: Borrow<nn::Path<'a>>>(
    p: P,
    cfg: &DcganConfig,
) -> DcganDiscriminator {
    let sigmoid = if cfg.sigmoid {
        Sigmoid::Module
    } else {
        Sigmoid::None
    };
    dcgan_like_discriminator(
        p.borrow(),
        "selu discriminator",
        cfg.channels,
        cfg.ndf,
        cfg.image_size,
        Trunk::Selu,
        sigmoid,
    )
}
