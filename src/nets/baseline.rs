//! Report 000: the baseline DCGAN (5×5 kernels, `l1` / `l2_5` / `ls` names as printed in the
//! report) and its WGAN-GP critic (`Discriminator_GP`: no BatchNorm, no Sigmoid).
use super::info::NetInfo;
use super::layers::{ConvOpts, Layers};
use super::trunks::stages;
use super::{image_shape, init, unconditional_net, z_shapes};
use crate::error::Result;
use std::borrow::Borrow;
use tch::nn::{self, ModuleT};
use tch::Tensor;

/// Sizes of report 000's networks.
#[derive(Debug, Clone, PartialEq)]
pub struct BaselineConfig {
    /// Noise dimension (`in_dim` of the generator): 100.
    pub z_dim: i64,
    /// Width (`dim`): the generator's last hidden and the discriminator's first layer: 64.
    pub dim: i64,
    /// Image channels: 3.
    pub channels: i64,
    /// Image width and height: 64 (32 for quick runs: one stage fewer, the widest dropped).
    pub image_size: i64,
}

impl Default for BaselineConfig {
    fn default() -> Self {
        BaselineConfig {
            z_dim: 100,
            dim: 64,
            channels: 3,
            image_size: 64,
        }
    }
}

/// Report 000 generator (see [`baseline_generator`]).
#[derive(Debug)]
pub struct BaselineGenerator {
    l1: Layers,
    l2_5: Layers,
    info: NetInfo,
}

/// Report 000 §1 generator: Linear(z → 512·4·4, no bias) + BatchNorm1d + ReLU (`l1`), then
/// `dconv_bn_relu` blocks (ConvTranspose2d(5, 2, padding 2, output_padding 1, no bias) +
/// BatchNorm2d + ReLU, `l2_5.0`–`l2_5.2`), ConvTranspose2d to `channels` + Tanh
/// (`l2_5.3`, `l2_5.4`). 5,142,083 parameters at the defaults. DCGAN init (`weights_init`).
pub fn baseline_generator<'a, P: Borrow<nn::Path<'a>>>(
    p: P,
    cfg: &BaselineConfig,
) -> BaselineGenerator {
    let p = p.borrow();
    let n = stages("baseline generator", cfg.image_size);
    let top = cfg.dim << (n - 1);
    let up = ConvOpts::new(2, 2).output_padding(1);
    let l1 = Layers::seq(p / "l1", |s| {
        s.linear(cfg.z_dim, top * 16, false)
            .batch_norm1d(top * 16)
            .relu();
    });
    let l2_5 = Layers::seq(p / "l2_5", |s| {
        for k in 0..n - 1 {
            s.seq(|b| {
                b.conv_transpose2d(top >> k, top >> (k + 1), 5, up.no_bias())
                    .batch_norm2d(top >> (k + 1))
                    .relu();
            });
        }
        s.conv_transpose2d(cfg.dim, cfg.channels, 5, up).tanh();
    });
    let info = NetInfo::new(
        "baseline generator",
        p,
        z_shapes(cfg.z_dim),
        None,
        l1.iter().chain(l2_5.iter()),
    );
    init::dcgan_init(&info.variables());
    BaselineGenerator { l1, l2_5, info }
}

impl BaselineGenerator {
    /// Images `[N, channels, size, size]` from noise `[N, z_dim]` (or `[N, z_dim, 1, 1]`).
    pub fn try_forward_t(&self, z: &Tensor, train: bool) -> Result<Tensor> {
        self.info.check_input(z)?;
        let n = z.size()[0];
        let y = self.l1.forward_t(&z.view([n, -1]), train);
        Ok(self.l2_5.forward_t(&y.view([n, -1, 4, 4]), train))
    }
}

/// Report 000 discriminator or critic (see [`baseline_discriminator`], [`baseline_critic`]).
#[derive(Debug)]
pub struct BaselineDiscriminator {
    ls: Layers,
    info: NetInfo,
}

fn baseline_d(
    p: &nn::Path,
    name: &'static str,
    cfg: &BaselineConfig,
    critic: bool,
) -> BaselineDiscriminator {
    let n = stages(name, cfg.image_size);
    let down = ConvOpts::new(2, 2);
    let ls = Layers::seq(p / "ls", |s| {
        s.conv2d(cfg.channels, cfg.dim, 5, down).leaky_relu(0.2);
        for k in 0..n - 1 {
            s.seq(|b| {
                b.conv2d(cfg.dim << k, cfg.dim << (k + 1), 5, down);
                if !critic {
                    b.batch_norm2d(cfg.dim << (k + 1));
                }
                b.leaky_relu(0.2);
            });
        }
        s.conv2d(cfg.dim << (n - 1), 1, 4, ConvOpts::default());
        if !critic {
            s.sigmoid();
        }
    });
    let info = NetInfo::new(
        name,
        p,
        image_shape(cfg.channels, cfg.image_size),
        None,
        ls.iter(),
    );
    init::dcgan_init(&info.variables());
    BaselineDiscriminator { ls, info }
}

/// Report 000 §1 discriminator: Conv2d(5, 2, 2) + LeakyReLU(0.2) (`ls.0`, `ls.1`), then
/// `conv_bn_lrelu` blocks (`ls.2`–`ls.4`), Conv2d(512 → 1, 4) + Sigmoid (`ls.5`, `ls.6`);
/// probabilities `[N]`. 4,316,545 parameters at the defaults. DCGAN init.
pub fn baseline_discriminator<'a, P: Borrow<nn::Path<'a>>>(
    p: P,
    cfg: &BaselineConfig,
) -> BaselineDiscriminator {
    baseline_d(p.borrow(), "baseline discriminator", cfg, false)
}

/// Report 000 §2 WGAN-GP critic (`Discriminator_GP`): the discriminator without BatchNorm
/// (blocks `ls.2`–`ls.4` are Conv2d + LeakyReLU) and without Sigmoid; scores `[N]`.
/// 4,314,753 parameters at the defaults. DCGAN init.
pub fn baseline_critic<'a, P: Borrow<nn::Path<'a>>>(
    p: P,
    cfg: &BaselineConfig,
) -> BaselineDiscriminator {
    baseline_d(p.borrow(), "baseline critic", cfg, true)
}

impl BaselineDiscriminator {
    /// Scores `[N]` for images `[N, channels, size, size]`.
    pub fn try_forward_t(&self, x: &Tensor, train: bool) -> Result<Tensor> {
        self.info.check_input(x)?;
        Ok(self.ls.forward_t(x, train).view([-1]))
    }
}

unconditional_net!(BaselineGenerator, BaselineDiscriminator);
