//! Report 003: conditional WGAN-GP on a 23-tag multi-hot condition (12 hair + 11 eye
//! colours), 64×64 images. The report's architecture figure is lost, so this is gankit's
//! choice, stated here: the generator joins z and the tags as channels (as report 004 does),
//! and the critic reads the tags tiled over the image as extra input channels (as StarGAN
//! does), followed by the DCGAN discriminator without BatchNorm (the WGAN-GP paper advises
//! against it in the critic; convs keep their bias) and without Sigmoid.
use super::info::NetInfo;
use super::layers::Layers;
use super::trunks::{concat_generator, d_main, stages, ConcatGenerator, Trunk};
use super::{conditional_net, image_shape, init};
use crate::error::Result;
use std::borrow::Borrow;
use tch::nn::{self, ModuleT};
use tch::Tensor;

/// Sizes of report 003's conditional WGAN-GP.
#[derive(Debug, Clone, PartialEq)]
pub struct CwganConfig {
    /// Noise dimension: 100.
    pub z_dim: i64,
    /// Condition width (multi-hot tags): 23.
    pub n_tags: i64,
    /// Generator width (`ngf`): 64.
    pub ngf: i64,
    /// Critic width (`ndf`): 64.
    pub ndf: i64,
    /// Image channels: 3.
    pub channels: i64,
    /// Image width and height: 64 (or 32).
    pub image_size: i64,
}

impl Default for CwganConfig {
    fn default() -> Self {
        CwganConfig {
            z_dim: 100,
            n_tags: 23,
            ngf: 64,
            ndf: 64,
            channels: 3,
            image_size: 64,
        }
    }
}

/// Report 003 generator: z (100) and the 23 tags concatenated as channels at 1×1, then the
/// DCGAN generator (`main.0`–`main.13`). DCGAN init.
pub fn cwgan_generator<'a, P: Borrow<nn::Path<'a>>>(p: P, cfg: &CwganConfig) -> ConcatGenerator {
    concat_generator(
        p.borrow(),
        "cwgan generator",
        cfg.z_dim,
        cfg.n_tags,
        cfg.ngf,
        cfg.channels,
        cfg.image_size,
    )
}

/// Report 003 critic (see [`cwgan_critic`]).
#[derive(Debug)]
pub struct CwganCritic {
    main: Layers,
    info: NetInfo,
}

/// Report 003 critic: the tags tiled to `[N, 23, H, W]` after the image channels, then
/// Conv2d(4, 2, 1) + LeakyReLU(0.2) per stage without BatchNorm (`main.0`–`main.7`) and
/// Conv2d(512 → 1, 4) (`main.8`); unbounded scores `[N]`. DCGAN init.
pub fn cwgan_critic<'a, P: Borrow<nn::Path<'a>>>(p: P, cfg: &CwganConfig) -> CwganCritic {
    let p = p.borrow();
    stages("cwgan critic", cfg.image_size);
    let main = d_main(
        p,
        cfg.channels + cfg.n_tags,
        cfg.ndf,
        cfg.image_size,
        Trunk::Plain,
        false,
    );
    let info = NetInfo::new(
        "cwgan critic",
        p,
        image_shape(cfg.channels, cfg.image_size),
        Some(cfg.n_tags),
        main.iter(),
    );
    init::dcgan_init(&info.variables());
    CwganCritic { main, info }
}

impl CwganCritic {
    /// Scores `[N]` for images `[N, channels, size, size]` and tags `[N, n_tags]`.
    pub fn try_forward_ct(&self, x: &Tensor, tags: &Tensor, train: bool) -> Result<Tensor> {
        let tags = self.info.check(x, tags)?;
        let s = x.size();
        let tiled = tags
            .view([s[0], -1, 1, 1])
            .expand([s[0], -1, s[2], s[3]], false);
        Ok(self
            .main
            .forward_t(&Tensor::cat(&[x.shallow_clone(), tiled], 1), train)
            .view([-1]))
    }
}

conditional_net!(CwganCritic);
