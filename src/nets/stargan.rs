//! Report 001 §6: StarGAN, as in yunjey/stargan (`Generator`, `Discriminator`; the report
//! shows results only).
use super::info::NetInfo;
use super::layers::{conv2d, ConvOpts, Layer, Layers};
use super::{conditional_net, image_shape};
use crate::error::Result;
use std::borrow::Borrow;
use tch::nn::{self, ModuleT};
use tch::Tensor;

/// Sizes of the StarGAN networks.
#[derive(Debug, Clone, PartialEq)]
pub struct StarGanConfig {
    /// Image width and height: 128 (CelebA crops).
    pub image_size: i64,
    /// Image channels: 3.
    pub channels: i64,
    /// Width of the first conv (`conv_dim`, G and D): 64.
    pub conv_dim: i64,
    /// Domain labels (`c_dim`): 5 (black, blond, brown hair, male, young).
    pub c_dim: i64,
    /// Residual blocks of the generator (`g_repeat_num`): 6.
    pub g_repeat: i64,
    /// Stride-2 convs of the discriminator (`d_repeat_num`): 6; image_size must be a multiple
    /// of 2^d_repeat (use 5 at 32×32).
    pub d_repeat: i64,
}

impl Default for StarGanConfig {
    fn default() -> Self {
        StarGanConfig {
            image_size: 128,
            channels: 3,
            conv_dim: 64,
            c_dim: 5,
            g_repeat: 6,
            d_repeat: 6,
        }
    }
}

/// StarGAN generator (see [`stargan_generator`]).
#[derive(Debug)]
pub struct StarGanGenerator {
    main: Layers,
    info: NetInfo,
}

/// Report 001 §6 StarGAN generator (yunjey): the domain labels tiled to H×W and joined after
/// the image channels; Conv2d(7) + InstanceNorm(affine, running stats) + ReLU; two stride-2
/// Conv2d(4) + IN + ReLU; `g_repeat` residual blocks (`main.9.main.*`: Conv2d(3) + IN + ReLU +
/// Conv2d(3) + IN, added to the input); two ConvTranspose2d(4, 2, 1) + IN + ReLU; Conv2d(7) +
/// Tanh. No conv bias. 8,430,528 parameters at the defaults. PyTorch default init.
pub fn stargan_generator<'a, P: Borrow<nn::Path<'a>>>(
    p: P,
    cfg: &StarGanConfig,
) -> StarGanGenerator {
    let p = p.borrow();
    let k3 = ConvOpts::new(1, 1).no_bias();
    let main = Layers::seq(p / "main", |s| {
        s.conv2d(
            cfg.channels + cfg.c_dim,
            cfg.conv_dim,
            7,
            ConvOpts::new(1, 3).no_bias(),
        )
        .instance_norm2d(cfg.conv_dim, true, true)
        .relu();
        let mut dim = cfg.conv_dim;
        for _ in 0..2 {
            s.conv2d(dim, dim * 2, 4, ConvOpts::new(2, 1).no_bias())
                .instance_norm2d(dim * 2, true, true)
                .relu();
            dim *= 2;
        }
        for _ in 0..cfg.g_repeat {
            s.residual("main", |b| {
                b.conv2d(dim, dim, 3, k3)
                    .instance_norm2d(dim, true, true)
                    .relu();
                b.conv2d(dim, dim, 3, k3).instance_norm2d(dim, true, true);
            });
        }
        for _ in 0..2 {
            s.conv_transpose2d(dim, dim / 2, 4, ConvOpts::new(2, 1).no_bias())
                .instance_norm2d(dim / 2, true, true)
                .relu();
            dim /= 2;
        }
        s.conv2d(dim, cfg.channels, 7, ConvOpts::new(1, 3).no_bias())
            .tanh();
    });
    let info = NetInfo::new(
        "stargan generator",
        p,
        image_shape(cfg.channels, cfg.image_size),
        Some(cfg.c_dim),
        main.iter(),
    );
    StarGanGenerator { main, info }
}

impl StarGanGenerator {
    /// Images `[N, channels, size, size]` translated to the target domains `[N, c_dim]`.
    pub fn try_forward_ct(&self, x: &Tensor, c: &Tensor, train: bool) -> Result<Tensor> {
        let c = self.info.check(x, c)?;
        let s = x.size();
        let tiled = c
            .view([s[0], -1, 1, 1])
            .expand([s[0], -1, s[2], s[3]], false);
        Ok(self
            .main
            .forward_t(&Tensor::cat(&[x.shallow_clone(), tiled], 1), train))
    }
}

conditional_net!(StarGanGenerator);

/// StarGAN discriminator (see [`stargan_discriminator`]).
#[derive(Debug)]
pub struct StarGanDiscriminator {
    main: Layers,
    conv1: Layer,
    conv2: Layer,
    info: NetInfo,
}

/// Report 001 §6 StarGAN discriminator (yunjey): `d_repeat` Conv2d(4, 2, 1) + LeakyReLU(0.01)
/// (`main.*`), then two heads on the last features: `conv1` Conv2d(3, 1, 1) → a PatchGAN map
/// of real/fake scores `[N, 1, size/2^d_repeat, …]`, and `conv2` Conv2d(size/2^d_repeat) →
/// domain logits `[N, c_dim]`. 44,762,048 parameters at the defaults. PyTorch default init.
pub fn stargan_discriminator<'a, P: Borrow<nn::Path<'a>>>(
    p: P,
    cfg: &StarGanConfig,
) -> StarGanDiscriminator {
    let p = p.borrow();
    let side = cfg.image_size >> cfg.d_repeat;
    assert!(
        cfg.d_repeat >= 1 && side >= 1 && side << cfg.d_repeat == cfg.image_size,
        "stargan discriminator: image_size ({}) must be a multiple of 2^d_repeat (2^{})",
        cfg.image_size,
        cfg.d_repeat
    );
    let mut dim = cfg.conv_dim;
    let main = Layers::seq(p / "main", |s| {
        s.conv2d(cfg.channels, dim, 4, ConvOpts::new(2, 1))
            .leaky_relu(0.01);
        for _ in 1..cfg.d_repeat {
            s.conv2d(dim, dim * 2, 4, ConvOpts::new(2, 1))
                .leaky_relu(0.01);
            dim *= 2;
        }
    });
    let conv1 = conv2d(&(p / "conv1"), dim, 1, 3, ConvOpts::new(1, 1).no_bias());
    let conv2 = conv2d(
        &(p / "conv2"),
        dim,
        cfg.c_dim,
        side,
        ConvOpts::default().no_bias(),
    );
    let info = NetInfo::new(
        "stargan discriminator",
        p,
        image_shape(cfg.channels, cfg.image_size),
        None,
        main.iter().chain([&conv1, &conv2]),
    );
    StarGanDiscriminator {
        main,
        conv1,
        conv2,
        info,
    }
}

impl StarGanDiscriminator {
    /// (real/fake map `[N, 1, h, w]`, domain logits `[N, c_dim]`) for images `[N, channels, size, size]`.
    pub fn try_forward_t(&self, x: &Tensor, train: bool) -> Result<(Tensor, Tensor)> {
        self.info.check_input(x)?;
        let h = self.main.forward_t(x, train);
        let out_src = self.conv1.forward_t(&h, train);
        let out_cls = self.conv2.forward_t(&h, train);
        Ok((out_src, out_cls.view([x.size()[0], -1])))
    }

    /// [`Self::try_forward_t`], panicking with the one-line message on a wrong input.
    pub fn forward_t(&self, x: &Tensor, train: bool) -> (Tensor, Tensor) {
        self.try_forward_t(x, train)
            .unwrap_or_else(|e| panic!("{e}"))
    }
}

impl super::Net for StarGanDiscriminator {
    fn info(&self) -> &NetInfo {
        &self.info
    }
    fn probe(&self, x: &Tensor) -> Result<Vec<Tensor>> {
        let (src, cls) = self.try_forward_t(x, false)?;
        Ok(vec![src, cls])
    }
}
