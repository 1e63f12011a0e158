//! Report 001 §2, text-to-image: the conditional DCGAN exactly as the report prints it. The
//! condition is a one-hot row over the (hair, eye) colour combinations (119 in the report).
//!
//! The report does not give the slope of the functional `leaky_relu` calls on the condition:
//! 0.2 here, as in the `main` modules. It concatenates "(512+119)" channels: image features
//! first, then the condition.
use super::info::NetInfo;
use super::layers::{conv_transpose2d, leaky, linear, ConvOpts, Layer, Layers};
use super::trunks::{d_trunk, g_main, stages, GHidden, Trunk};
use super::{conditional_net, image_shape, init, z_shapes};
use crate::error::Result;
use std::borrow::Borrow;
use tch::nn::{self, ModuleT};
use tch::Tensor;

/// Sizes of report 001's text-to-image conditional DCGAN.
#[derive(Debug, Clone, PartialEq)]
pub struct TextToImageConfig {
    /// Noise dimension: 100.
    pub z_dim: i64,
    /// Condition width (one-hot classes): 119 (hair × eye colour combinations).
    pub n_classes: i64,
    /// Generator width (`ngf`): 64.
    pub ngf: i64,
    /// Discriminator width (`ndf`): 64.
    pub ndf: i64,
    /// Image channels: 3.
    pub channels: i64,
    /// Image width and height: 64 (or 32).
    pub image_size: i64,
    /// Sigmoid after the discriminator's `dense` (the report trains with BCELoss): true.
    pub sigmoid: bool,
}

impl Default for TextToImageConfig {
    fn default() -> Self {
        TextToImageConfig {
            z_dim: 100,
            n_classes: 119,
            ngf: 64,
            ndf: 64,
            channels: 3,
            image_size: 64,
            sigmoid: true,
        }
    }
}

/// Text-to-image generator (see [`text_to_image_generator`]).
#[derive(Debug)]
pub struct TextToImageGenerator {
    embed: Layer,
    main: Layers,
    info: NetInfo,
}

/// Report 001 §2 generator: `embed` = Linear(119 → 119) + ReLU on the one-hot condition,
/// concatenated after z (100 + 119 channels at 1×1) into the DCGAN generator (`main.0`–
/// `main.13`, ConvTranspose2d(219 → 512, 4) first). DCGAN init.
pub fn text_to_image_generator<'a, P: Borrow<nn::Path<'a>>>(
    p: P,
    cfg: &TextToImageConfig,
) -> TextToImageGenerator {
    let p = p.borrow();
    let k = cfg.n_classes;
    stages("text-to-image generator", cfg.image_size);
    let embed = linear(&(p / "embed"), k, k, true);
    let main = Layers::seq(p / "main", |s| {
        g_main(
            s,
            cfg.z_dim + k,
            cfg.ngf,
            cfg.channels,
            cfg.image_size,
            GHidden::BatchNorm { dropout: 0.0 },
        )
    });
    let info = NetInfo::new(
        "text-to-image generator",
        p,
        z_shapes(cfg.z_dim),
        Some(k),
        [&embed].into_iter().chain(main.iter()),
    );
    init::dcgan_init(&info.variables());
    TextToImageGenerator { embed, main, info }
}

impl TextToImageGenerator {
    /// Images from noise `[N, z_dim]` (or `[N, z_dim, 1, 1]`) and one-hot conditions `[N, n_classes]`.
    pub fn try_forward_ct(&self, z: &Tensor, cond: &Tensor, train: bool) -> Result<Tensor> {
        let cond = self.info.check(z, cond)?;
        let n = z.size()[0];
        let c = self.embed.forward_t(&cond, train).relu();
        let zc = Tensor::cat(&[z.view([n, -1, 1, 1]), c.view([n, -1, 1, 1])], 1);
        Ok(self.main.forward_t(&zc, train))
    }
}

/// Text-to-image discriminator (see [`text_to_image_discriminator`]).
#[derive(Debug)]
pub struct TextToImageDiscriminator {
    embed: Layer,
    main: Layers,
    c_cv: Layer,
    main2: Layers,
    dense: Layer,
    sigmoid: bool,
    info: NetInfo,
}

/// Report 001 §2 discriminator: image → DCGAN trunk to 512×4×4 (`main.0`–`main.10`);
/// condition → `embed` Linear(119 → 119) → LeakyReLU → `c_cv` ConvTranspose2d(119 → 119, 4,
/// no bias) to 4×4 → LeakyReLU; concatenated (631 channels) → `main2` Conv2d(631 → 512, 4, no
/// bias) + BatchNorm + LeakyReLU → `dense` Linear(512 → 1) [→ Sigmoid]; scores `[N]`.
/// DCGAN init.
pub fn text_to_image_discriminator<'a, P: Borrow<nn::Path<'a>>>(
    p: P,
    cfg: &TextToImageConfig,
) -> TextToImageDiscriminator {
    let p = p.borrow();
    let k = cfg.n_classes;
    stages("text-to-image discriminator", cfg.image_size);
    let mut top = 0;
    let main = Layers::seq(p / "main", |s| {
        top = d_trunk(s, cfg.channels, cfg.ndf, cfg.image_size, Trunk::BatchNorm)
    });
    let embed = linear(&(p / "embed"), k, k, true);
    let c_cv = conv_transpose2d(&(p / "c_cv"), k, k, 4, ConvOpts::default().no_bias());
    let main2 = Layers::seq(p / "main2", |s| {
        s.conv2d(top + k, top, 4, ConvOpts::default().no_bias())
            .batch_norm2d(top)
            .leaky_relu(0.2);
    });
    let dense = linear(&(p / "dense"), top, 1, true);
    let layers = [&embed]
        .into_iter()
        .chain(main.iter())
        .chain([&c_cv])
        .chain(main2.iter())
        .chain([&dense]);
    let info = NetInfo::new(
        "text-to-image discriminator",
        p,
        image_shape(cfg.channels, cfg.image_size),
        Some(k),
        layers,
    )
    .sigmoid_in_forward(cfg.sigmoid);
    init::dcgan_init(&info.variables());
    TextToImageDiscriminator {
        embed,
        main,
        c_cv,
        main2,
        dense,
        sigmoid: cfg.sigmoid,
        info,
    }
}

impl TextToImageDiscriminator {
    /// Scores `[N]` for images `[N, channels, size, size]` and one-hot conditions `[N, n_classes]`.
    pub fn try_forward_ct(&self, x: &Tensor, cond: &Tensor, train: bool) -> Result<Tensor> {
        let cond = self.info.check(x, cond)?;
        let n = x.size()[0];
        let c = leaky(&self.embed.forward_t(&cond, train), 0.2);
        let c = leaky(&self.c_cv.forward_t(&c.view([n, -1, 1, 1]), train), 0.2);
        let h = Tensor::cat(&[self.main.forward_t(x, train), c], 1);
        let h = self.main2.forward_t(&h, train).view([n, -1]);
        let y = self.dense.forward_t(&h, train).view([-1]);
        Ok(if self.sigmoid { y.sigmoid() } else { y })
    }
}

conditional_net!(TextToImageGenerator, TextToImageDiscriminator);
