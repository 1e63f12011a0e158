//! Multilayer perceptrons for 2-D toy data (mixtures of Gaussians, swiss roll), like GAN Lab's:
//! two hidden layers of 128 with ReLU.
use super::info::NetInfo;
use super::layers::Layers;
use super::{conditional_net, unconditional_net};
use crate::error::Result;
use std::borrow::Borrow;
use tch::nn::{self, ModuleT};
use tch::Tensor;

/// Sizes of the MLP generator and discriminator.
#[derive(Debug, Clone, PartialEq)]
pub struct MlpConfig {
    /// Noise dimension: 2.
    pub z_dim: i64,
    /// Hidden layer widths: [128, 128].
    pub hidden: Vec<i64>,
    /// Data dimension: 2.
    pub data_dim: i64,
    /// Sigmoid on the discriminator's output: true.
    pub sigmoid: bool,
}

impl Default for MlpConfig {
    fn default() -> Self {
        MlpConfig {
            z_dim: 2,
            hidden: vec![128, 128],
            data_dim: 2,
            sigmoid: true,
        }
    }
}

/// An MLP generator or discriminator (see [`mlp_generator`], [`mlp_discriminator`]).
#[derive(Debug)]
pub struct Mlp {
    main: Layers,
    scores: bool,
    info: NetInfo,
}

/// The generator of an MLP GAN.
pub type MlpGenerator = Mlp;
/// The discriminator of an MLP GAN.
pub type MlpDiscriminator = Mlp;

fn mlp(
    p: &nn::Path,
    name: &'static str,
    input: i64,
    hidden: &[i64],
    output: i64,
    sigmoid: bool,
) -> Mlp {
    let main = Layers::seq(p / "main", |s| {
        let mut d = input;
        for &h in hidden {
            s.linear(d, h, true).relu();
            d = h;
        }
        s.linear(d, output, true);
        if sigmoid {
            s.sigmoid();
        }
    });
    let info = NetInfo::new(name, p, vec![vec![input]], None, main.iter());
    Mlp {
        main,
        scores: name.ends_with("discriminator"),
        info,
    }
}

/// MLP generator for 2-D data: Linear(z → 128) + ReLU, Linear(128 → 128) + ReLU,
/// Linear(128 → 2) (`main.0`–`main.4`); points `[N, data_dim]` from noise `[N, z_dim]`.
/// PyTorch default init.
pub fn mlp_generator<'a, P: Borrow<nn::Path<'a>>>(p: P, cfg: &MlpConfig) -> MlpGenerator {
    mlp(
        p.borrow(),
        "mlp generator",
        cfg.z_dim,
        &cfg.hidden,
        cfg.data_dim,
        false,
    )
}

/// MLP discriminator for 2-D data: Linear(2 → 128) + ReLU, Linear(128 → 128) + ReLU,
/// Linear(128 → 1) [+ Sigmoid] (`main.0`–`main.5`); scores `[N]`. PyTorch default init.
pub fn mlp_discriminator<'a, P: Borrow<nn::Path<'a>>>(p: P, cfg: &MlpConfig) -> MlpDiscriminator {
    mlp(
        p.borrow(),
        "mlp discriminator",
        cfg.data_dim,
        &cfg.hidden,
        1,
        cfg.sigmoid,
    )
}

impl Mlp {
    /// Generator: points `[N, data_dim]` from `[N, z_dim]`; discriminator: scores `[N]` from
    /// points `[N, data_dim]`.
    pub fn try_forward_t(&self, x: &Tensor, train: bool) -> Result<Tensor> {
        self.info.check_input(x)?;
        let y = self.main.forward_t(x, train);
        Ok(if self.scores { y.view([-1]) } else { y })
    }
}

unconditional_net!(Mlp);

/// A conditional MLP (see [`conditional_mlp_generator`], [`conditional_mlp_discriminator`]):
/// the condition rows joined to the input, then the MLP.
#[derive(Debug)]
pub struct ConditionalMlp {
    main: Layers,
    scores: bool,
    info: NetInfo,
}

fn conditional_mlp(
    p: &nn::Path,
    name: &'static str,
    input: i64,
    classes: i64,
    hidden: &[i64],
    output: i64,
    sigmoid: bool,
) -> ConditionalMlp {
    let Mlp { main, scores, .. } = mlp(p, name, input + classes, hidden, output, sigmoid);
    let info = NetInfo::new(name, p, vec![vec![input]], Some(classes), main.iter());
    ConditionalMlp { main, scores, info }
}

/// Conditional MLP generator for 2-D data (a mode of a mixture as the condition): noise
/// `[N, z_dim]` and the one-hot condition `[N, classes]` concatenated, then the layers of
/// [`mlp_generator`] with `z_dim + classes` inputs. PyTorch default init.
pub fn conditional_mlp_generator<'a, P: Borrow<nn::Path<'a>>>(
    p: P,
    cfg: &MlpConfig,
    classes: i64,
) -> ConditionalMlp {
    conditional_mlp(
        p.borrow(),
        "conditional mlp generator",
        cfg.z_dim,
        classes,
        &cfg.hidden,
        cfg.data_dim,
        false,
    )
}

/// Conditional MLP discriminator for 2-D data: the point `[N, data_dim]` and its condition
/// `[N, classes]` concatenated, then the layers of [`mlp_discriminator`]; scores `[N]`.
pub fn conditional_mlp_discriminator<'a, P: Borrow<nn::Path<'a>>>(
    p: P,
    cfg: &MlpConfig,
    classes: i64,
) -> ConditionalMlp {
    conditional_mlp(
        p.borrow(),
        "conditional mlp discriminator",
        cfg.data_dim,
        classes,
        &cfg.hidden,
        1,
        cfg.sigmoid,
    )
}

impl ConditionalMlp {
    /// Generator: points from noise and conditions; discriminator: scores `[N]` from points
    /// and conditions.
    pub fn try_forward_ct(&self, x: &Tensor, cond: &Tensor, train: bool) -> Result<Tensor> {
        let cond = self.info.check(x, cond)?;
        let y = self
            .main
            .forward_t(&Tensor::cat(&[x.shallow_clone(), cond], 1), train);
        Ok(if self.scores { y.view([-1]) } else { y })
    }
}

conditional_net!(ConditionalMlp);
