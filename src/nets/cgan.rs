//! Report 004: cGAN (conditional DCGAN) on a 24-label multi-label data set (i-CLEVR). Its
//! generator, z and labels joined as channels, is shared with report 003's conditional WGAN-GP.
use super::info::NetInfo;
use super::layers::{linear, Layer, Layers};
use super::trunks::{concat_generator, d_main, stages, Trunk};
use super::{conditional_net, image_shape, init};
use crate::error::Result;
use std::borrow::Borrow;
use tch::nn::{self, ModuleT};
use tch::Tensor;

pub use super::trunks::ConcatGenerator;

/// Sizes of report 004's cGAN.
#[derive(Debug, Clone, PartialEq)]
pub struct CganConfig {
    /// Noise dimension (`nz`, "latent size"): 25.
    pub z_dim: i64,
    /// Condition width (multi-hot labels, `nclass`): 24.
    pub n_classes: i64,
    /// Generator width (`ngf`): 64.
    pub ngf: i64,
    /// Discriminator width (`ndf`): 64.
    pub ndf: i64,
    /// Image channels (`nc`): 3.
    pub channels: i64,
    /// Image width and height: 64 (or 32).
    pub image_size: i64,
    /// Sigmoid on the discriminator's output: false (the report's `main` ends with the Conv2d).
    pub sigmoid: bool,
}

impl Default for CganConfig {
    fn default() -> Self {
        CganConfig {
            z_dim: 25,
            n_classes: 24,
            ngf: 64,
            ndf: 64,
            channels: 3,
            image_size: 64,
            sigmoid: false,
        }
    }
}

/// Report 004 generator: z (25) and the 24-d label vector concatenated as channels at 1×1,
/// then the DCGAN generator (`main.0`–`main.13`, ConvTranspose2d(49 → 512, 4) first). DCGAN
/// init (the PyTorch DCGAN tutorial the report builds on).
pub fn cgan_generator<'a, P: Borrow<nn::Path<'a>>>(p: P, cfg: &CganConfig) -> ConcatGenerator {
    concat_generator(
        p.borrow(),
        "cgan generator",
        cfg.z_dim,
        cfg.n_classes,
        cfg.ngf,
        cfg.channels,
        cfg.image_size,
    )
}

/// Report 004 discriminator (see [`cgan_discriminator`]).
#[derive(Debug)]
pub struct CganDiscriminator {
    feature_input: Layer,
    main: Layers,
    size: i64,
    sigmoid: bool,
    info: NetInfo,
}

/// Report 004 discriminator: `feature_input` Linear(24 → 64·64) reshaped to a 4th input
/// channel after the image, then the DCGAN discriminator (`main.0`–`main.11`, Conv2d(4 → 64)
/// first, Conv2d(512 → 1, 4) last); scores `[N]` (logits unless `sigmoid`). DCGAN init.
pub fn cgan_discriminator<'a, P: Borrow<nn::Path<'a>>>(
    p: P,
    cfg: &CganConfig,
) -> CganDiscriminator {
    let p = p.borrow();
    stages("cgan discriminator", cfg.image_size);
    let feature_input = linear(
        &(p / "feature_input"),
        cfg.n_classes,
        cfg.image_size * cfg.image_size,
        true,
    );
    let main = d_main(
        p,
        cfg.channels + 1,
        cfg.ndf,
        cfg.image_size,
        Trunk::BatchNorm,
        false,
    );
    let layers = [&feature_input].into_iter().chain(main.iter());
    let info = NetInfo::new(
        "cgan discriminator",
        p,
        image_shape(cfg.channels, cfg.image_size),
        Some(cfg.n_classes),
        layers,
    )
    .sigmoid_in_forward(cfg.sigmoid);
    init::dcgan_init(&info.variables());
    CganDiscriminator {
        feature_input,
        main,
        size: cfg.image_size,
        sigmoid: cfg.sigmoid,
        info,
    }
}

impl CganDiscriminator {
    /// Scores `[N]` for images `[N, channels, size, size]` and labels `[N, n_classes]`.
    pub fn try_forward_ct(&self, x: &Tensor, cond: &Tensor, train: bool) -> Result<Tensor> {
        let cond = self.info.check(x, cond)?;
        let label_plane = self
            .feature_input
            .forward_t(&cond, train)
            .view([-1, 1, self.size, self.size]);
        let y = self
            .main
            .forward_t(&Tensor::cat(&[x.shallow_clone(), label_plane], 1), train)
            .view([-1]);
        Ok(if self.sigmoid { y.sigmoid() } else { y })
    }
}

conditional_net!(CganDiscriminator);
