//! Report 001 §5: CycleGAN's ResNet generator and 70×70 PatchGAN discriminator, as in
//! junyanz/pytorch-CycleGAN-and-pix2pix (`ResnetGenerator`, `NLayerDiscriminator`; the report
//! names the blocks only). The report's table lists BatchNorm2d; the repository's CycleGAN
//! default is InstanceNorm (`--norm instance`), which is the default here; `CycleGanNorm::Batch`
//! gives the table's.
use super::info::NetInfo;
use super::layers::{ConvOpts, Layers, Seq};
use super::{image_shape, init, unconditional_net};
use crate::error::Result;
use std::borrow::Borrow;
use tch::nn::{self, ModuleT};
use tch::Tensor;

/// Normalisation layer of the CycleGAN networks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CycleGanNorm {
    /// InstanceNorm2d without affine parameters or running statistics; convs have bias.
    Instance,
    /// BatchNorm2d; convs before it have no bias.
    Batch,
}

/// Sizes of the CycleGAN networks.
#[derive(Debug, Clone, PartialEq)]
pub struct CycleGanConfig {
    /// Image channels (both domains): 3.
    pub channels: i64,
    /// Image width and height: 256 (the maps data set's crops).
    pub image_size: i64,
    /// Generator width (`ngf`): 64.
    pub ngf: i64,
    /// Discriminator width (`ndf`): 64.
    pub ndf: i64,
    /// Residual blocks of the generator: 6 (the report's; 9 is `resnet_9blocks`).
    pub n_blocks: i64,
    /// Normalisation: instance.
    pub norm: CycleGanNorm,
    /// Dropout(0.5) inside the residual blocks: false (CycleGAN's `--no_dropout`).
    pub dropout: bool,
    /// Stride-2 conv layers of the PatchGAN (`n_layers`): 3, the 70×70 PatchGAN.
    pub d_layers: i64,
    /// Sigmoid at the end of the PatchGAN (the report's BCE run; LSGAN has none): false.
    pub sigmoid: bool,
}

impl Default for CycleGanConfig {
    fn default() -> Self {
        CycleGanConfig {
            channels: 3,
            image_size: 256,
            ngf: 64,
            ndf: 64,
            n_blocks: 6,
            norm: CycleGanNorm::Instance,
            dropout: false,
            d_layers: 3,
            sigmoid: false,
        }
    }
}

impl CycleGanConfig {
    /// (conv bias, add the normalisation layer of `c` channels).
    fn norm(&self) -> (bool, impl Fn(&mut Seq, i64) + '_) {
        let add = move |s: &mut Seq, c: i64| {
            match self.norm {
                CycleGanNorm::Instance => s.instance_norm2d(c, false, false),
                CycleGanNorm::Batch => s.batch_norm2d(c),
            };
        };
        (self.norm == CycleGanNorm::Instance, add)
    }
}

/// CycleGAN generator (see [`cyclegan_generator`]).
#[derive(Debug)]
pub struct ResnetGenerator {
    model: Layers,
    info: NetInfo,
}

/// Report 001 §5 CycleGAN generator (junyanz `ResnetGenerator`): ReflectionPad2d(3) +
/// Conv2d(7) + norm + ReLU; two stride-2 Conv2d(3) + norm + ReLU; `n_blocks` ResNet blocks
/// (`model.10.conv_block.*`: reflection pad, Conv2d(3), norm, ReLU, reflection pad, Conv2d(3),
/// norm, added to the input); two ConvTranspose2d(3, 2, 1, output_padding 1) + norm + ReLU;
/// ReflectionPad2d(3) + Conv2d(7) + Tanh. 7,837,699 parameters at the defaults. CycleGAN's
/// normal init (gain 0.02).
pub fn cyclegan_generator<'a, P: Borrow<nn::Path<'a>>>(
    p: P,
    cfg: &CycleGanConfig,
) -> ResnetGenerator {
    let p = p.borrow();
    assert!(
        cfg.image_size % 4 == 0,
        "cyclegan generator: image_size must be a multiple of 4, got {}",
        cfg.image_size
    );
    let (bias, norm) = cfg.norm();
    let ngf = cfg.ngf;
    let model = Layers::seq(p / "model", |s| {
        s.reflection_pad2d(3)
            .conv2d(cfg.channels, ngf, 7, ConvOpts::default().bias(bias));
        norm(s, ngf);
        s.relu();
        for mult in [1, 2] {
            s.conv2d(
                ngf * mult,
                ngf * mult * 2,
                3,
                ConvOpts::new(2, 1).bias(bias),
            );
            norm(s, ngf * mult * 2);
            s.relu();
        }
        let dim = ngf * 4;
        for _ in 0..cfg.n_blocks {
            s.residual("conv_block", |b| {
                b.reflection_pad2d(1)
                    .conv2d(dim, dim, 3, ConvOpts::default().bias(bias));
                norm(b, dim);
                b.relu();
                if cfg.dropout {
                    b.dropout(0.5);
                }
                b.reflection_pad2d(1)
                    .conv2d(dim, dim, 3, ConvOpts::default().bias(bias));
                norm(b, dim);
            });
        }
        for mult in [4, 2] {
            s.conv_transpose2d(
                ngf * mult,
                ngf * mult / 2,
                3,
                ConvOpts::new(2, 1).output_padding(1).bias(bias),
            );
            norm(s, ngf * mult / 2);
            s.relu();
        }
        s.reflection_pad2d(3)
            .conv2d(ngf, cfg.channels, 7, ConvOpts::default())
            .tanh();
    });
    let info = NetInfo::new(
        "cyclegan generator",
        p,
        image_shape(cfg.channels, cfg.image_size),
        None,
        model.iter(),
    );
    init::normal_init(&info.variables(), 0.02);
    ResnetGenerator { model, info }
}

impl ResnetGenerator {
    /// Translated images `[N, channels, size, size]` in [-1, 1].
    pub fn try_forward_t(&self, x: &Tensor, train: bool) -> Result<Tensor> {
        self.info.check_input(x)?;
        Ok(self.model.forward_t(x, train))
    }
}

/// PatchGAN discriminator (see [`patchgan_discriminator`]).
#[derive(Debug)]
pub struct PatchGanDiscriminator {
    model: Layers,
    info: NetInfo,
}

/// Report 001 §5 PatchGAN discriminator (junyanz `NLayerDiscriminator`, n_layers 3 = 70×70
/// receptive field): Conv2d(4, 2, 1) + LeakyReLU(0.2); Conv2d(4, 2, 1) + norm + LeakyReLU ×2;
/// Conv2d(4, 1, 1) + norm + LeakyReLU; Conv2d(512 → 1, 4, 1, 1) [+ Sigmoid] (`model.0`–
/// `model.11`); a map `[N, 1, 30, 30]` at 256×256. 2,764,737 parameters at the defaults.
/// CycleGAN's normal init (gain 0.02).
pub fn patchgan_discriminator<'a, P: Borrow<nn::Path<'a>>>(
    p: P,
    cfg: &CycleGanConfig,
) -> PatchGanDiscriminator {
    let p = p.borrow();
    let (bias, norm) = cfg.norm();
    let ndf = cfg.ndf;
    let model = Layers::seq(p / "model", |s| {
        s.conv2d(cfg.channels, ndf, 4, ConvOpts::new(2, 1))
            .leaky_relu(0.2);
        let mut mult = 1;
        for n in 1..=cfg.d_layers {
            let (prev, stride) = (mult, if n < cfg.d_layers { 2 } else { 1 });
            mult = (1 << n).min(8);
            s.conv2d(
                ndf * prev,
                ndf * mult,
                4,
                ConvOpts::new(stride, 1).bias(bias),
            );
            norm(s, ndf * mult);
            s.leaky_relu(0.2);
        }
        s.conv2d(ndf * mult, 1, 4, ConvOpts::new(1, 1));
        if cfg.sigmoid {
            s.sigmoid();
        }
    });
    let info = NetInfo::new(
        "patchgan discriminator",
        p,
        image_shape(cfg.channels, cfg.image_size),
        None,
        model.iter(),
    );
    init::normal_init(&info.variables(), 0.02);
    PatchGanDiscriminator { model, info }
}

impl PatchGanDiscriminator {
    /// A map of patch scores `[N, 1, H', W']` for images `[N, channels, size, size]`.
    pub fn try_forward_t(&self, x: &Tensor, train: bool) -> Result<Tensor> {
        self.info.check_input(x)?;
        Ok(self.model.forward_t(x, train))
    }
}

unconditional_net!(ResnetGenerator, PatchGanDiscriminator);
