//! Networks of the reports, as constructor functions taking an `nn::Path` and a config whose
//! `Default` is the report's sizes:
//!
//! ```no_run
//! use gankit::prelude::*;
//! let vs = nn::VarStore::new(Device::Cpu);
//! let g = dcgan_generator(&vs.root() / "g", &DcganConfig::default());
//! let d = dcgan_discriminator(&vs.root() / "d", &DcganConfig { image_size: 32, ..Default::default() });
//! let fake = g.forward_t(&Tensor::randn([16, 100], (Kind::Float, Device::Cpu)), false);
//! println!("{}", d.summary(&[1, 3, 32, 32]));
//! ```
//!
//! | report | constructors | config |
//! |---|---|---|
//! | 000 baseline, WGAN-GP | [`baseline_generator`], [`baseline_discriminator`], [`baseline_critic`] | [`BaselineConfig`] |
//! | 001 DCGAN (and tip b, Dropout in G) | [`dcgan_generator`], [`dcgan_discriminator`] | [`DcganConfig`] |
//! | 001 text-to-image | [`text_to_image_generator`], [`text_to_image_discriminator`] | [`TextToImageConfig`] |
//! | 001 CycleGAN | [`cyclegan_generator`], [`patchgan_discriminator`] | [`CycleGanConfig`] |
//! | 001 StarGAN | [`stargan_generator`], [`stargan_discriminator`] | [`StarGanConfig`] |
//! | 002 SELU DCGAN | [`selu_generator`], [`selu_discriminator`] | [`DcganConfig`] |
//! | 003 conditional WGAN-GP | [`cwgan_generator`], [`cwgan_critic`] | [`CwganConfig`] |
//! | 004 cGAN | [`cgan_generator`], [`cgan_discriminator`] | [`CganConfig`] |
//! | SNGAN, projection | [`sn_discriminator`], [`projection_discriminator`], [`projection_head`], [`spectral::spectral_norm`] | [`SnganConfig`] |
//! | 2-D toys | [`mlp_generator`], [`mlp_discriminator`] | [`MlpConfig`] |
//!
//! Conventions:
//! - unconditional networks implement `nn::ModuleT` (`forward_t(&x, train)`), conditional ones
//!   [`ConditionalModuleT`] (`forward_ct(&x, &cond, train)`); StarGAN's discriminator returns
//!   two tensors from its own `forward_t`. Each also has `try_forward_t` / `try_forward_ct`
//!   returning [`crate::Result`]: an input of a shape the net was not built for is an
//!   [`crate::Error::Shape`] naming the expected and the given shape, and the panicking
//!   forwards panic with that same one-line message.
//! - generators take `z` as `[N, z_dim]` or `[N, z_dim, 1, 1]`; conditions are float rows
//!   `[N, classes]` (one-hot or multi-hot; integer rows are converted).
//! - discriminators that score an image return `[N]` (probabilities with `sigmoid: true`,
//!   logits otherwise); PatchGAN returns its `[N, 1, H', W']` map.
//! - parameter names are the PyTorch `state_dict` keys ([`Net::variables`]), BatchNorm's
//!   `num_batches_tracked` counter aside (tch has none).
//! - image sizes are powers of two from 8 (the reports use 64; 32 suits quick CPU runs): the
//!   DCGAN-like nets then have one stride-2 stage fewer, dropping the widest layer.
use crate::error::Result;
use std::collections::BTreeMap;
use tch::Tensor;

pub mod baseline;
pub mod cgan;
pub mod cwgan;
pub mod cyclegan;
pub mod dcgan;
mod info;
pub mod init;
pub mod layers;
pub mod mlp;
pub mod selu;
pub mod sngan;
pub mod spectral;
pub mod stargan;
mod stats;
mod summary;
pub mod text_to_image;
mod trunks;
mod weight;

pub use baseline::{
    baseline_critic, baseline_discriminator, baseline_generator, BaselineConfig,
    BaselineDiscriminator, BaselineGenerator,
};
pub use cgan::{
    cgan_discriminator, cgan_generator, CganConfig, CganDiscriminator, ConcatGenerator,
};
pub use cwgan::{cwgan_critic, cwgan_generator, CwganConfig, CwganCritic};
pub use cyclegan::{
    cyclegan_generator, patchgan_discriminator, CycleGanConfig, CycleGanNorm,
    PatchGanDiscriminator, ResnetGenerator,
};
pub use dcgan::{
    dcgan_discriminator, dcgan_generator, DcganConfig, DcganDiscriminator, DcganGenerator,
};
pub use info::NetInfo;
pub use init::{dcgan_init, normal_init};
pub use layers::{Layer, Layers};
pub use mlp::{
    conditional_mlp_discriminator, conditional_mlp_generator, mlp_discriminator, mlp_generator,
    ConditionalMlp, MlpConfig, MlpDiscriminator, MlpGenerator,
};
pub use selu::{selu_discriminator, selu_generator};
pub use sngan::{
    projection_discriminator, projection_head, sn_discriminator, ProjectionDiscriminator,
    ProjectionHead, SnganConfig,
};
pub use spectral::SpectralSigma;
pub use stargan::{
    stargan_discriminator, stargan_generator, StarGanConfig, StarGanDiscriminator, StarGanGenerator,
};
pub use stats::{tensor_stats, weight_stats, WeightStats};
pub use summary::{layer_outputs, LayerOutput, NetSummary, SummaryRow};
pub use text_to_image::{
    text_to_image_discriminator, text_to_image_generator, TextToImageConfig,
    TextToImageDiscriminator, TextToImageGenerator,
};

/// A network conditioned on a label vector (`forward_t` of `nn::ModuleT`, plus the condition).
pub trait ConditionalModuleT: std::fmt::Debug + Send {
    /// `x`: images or noise; `cond`: `[N, classes]`; `train`: BatchNorm and Dropout mode.
    fn forward_ct(&self, x: &Tensor, cond: &Tensor, train: bool) -> Tensor;
}

/// A network as the trainer runs it: `x` (noise for a generator, samples for a
/// discriminator) and, for a conditional network, the condition rows `[N, classes]`.
/// gankit's networks implement it; so do `nn::Sequential`, `nn::SequentialT` and
/// `nn::FuncT`, for networks built in a notebook cell.
pub trait GanNet: std::fmt::Debug {
    /// Runs the network. A plain network ignores `cond`; a conditional one panics without it
    /// (the trainer checks first and returns an error instead).
    fn forward_gan(&self, x: &Tensor, cond: Option<&Tensor>, train: bool) -> Tensor;
    /// The condition width of a conditional network; `None` for a plain one.
    fn condition_width(&self) -> Option<i64> {
        None
    }
    /// Whether a pass over a batch equals passes over its rows one by one, with no state
    /// updated and no random numbers drawn (no BatchNorm, Dropout or spectral norm; see
    /// [`layers::Layer::is_row_wise`]). The trainer then scores real and fake samples in one
    /// pass over both: the same numbers with half the kernel launches. False unless a network
    /// says otherwise.
    fn is_row_wise(&self) -> bool {
        false
    }
    /// Whether the output is a probability: `Some(true)` when the network ends in a Sigmoid
    /// (a discriminator for a loss on probabilities), `Some(false)` when it does not (logits,
    /// critic scores, PatchGAN maps without Sigmoid, a generator's samples), `None` when
    /// unknown: the default, e.g. for an `nn::Sequential`. gankit's networks answer from how
    /// they were built (a Sigmoid layer last, or their config's `sigmoid`).
    fn ends_in_sigmoid(&self) -> Option<bool> {
        None
    }
    /// The network as a [`Net`], for its name, parameters and [`Net::summary`] when it is held
    /// as a `Box<dyn GanNet>`; `Some` for gankit's networks, `None` by default.
    fn as_net(&self) -> Option<&dyn Net> {
        None
    }
}

/// A boxed network (e.g. `Box<dyn GanNet>` when the family is chosen at run time, as the
/// command line does).
impl<T: GanNet + ?Sized> GanNet for Box<T> {
    fn forward_gan(&self, x: &Tensor, cond: Option<&Tensor>, train: bool) -> Tensor {
        (**self).forward_gan(x, cond, train)
    }
    fn condition_width(&self) -> Option<i64> {
        (**self).condition_width()
    }
    fn is_row_wise(&self) -> bool {
        (**self).is_row_wise()
    }
    fn ends_in_sigmoid(&self) -> Option<bool> {
        (**self).ends_in_sigmoid()
    }
    fn as_net(&self) -> Option<&dyn Net> {
        (**self).as_net()
    }
}

macro_rules! plain_gan_net {
    ($($t:ty),*) => {$(
        impl GanNet for $t {
            fn forward_gan(&self, x: &Tensor, _cond: Option<&Tensor>, train: bool) -> Tensor {
                tch::nn::ModuleT::forward_t(self, x, train)
            }
        }
    )*};
}
plain_gan_net!(
    tch::nn::Sequential,
    tch::nn::SequentialT,
    tch::nn::FuncT<'_>,
    tch::nn::Func<'_>
);

/// What every network here has: a name, its parameters by PyTorch name, and a summary.
pub trait Net {
    #[doc(hidden)]
    fn info(&self) -> &NetInfo;
    /// Runs the network on `x` in eval mode (a zero condition for conditional ones); the
    /// summary calls it.
    #[doc(hidden)]
    fn probe(&self, x: &Tensor) -> Result<Vec<Tensor>>;

    /// The name used in messages, e.g. "dcgan discriminator".
    fn name(&self) -> &str {
        self.info().name()
    }

    /// Parameters and buffers by their PyTorch `state_dict` names (`main.0.weight`, …),
    /// sharing storage with the var store.
    fn variables(&self) -> BTreeMap<String, Tensor> {
        self.info().variables()
    }

    /// Number of parameters that take gradients.
    fn trainable_parameters(&self) -> i64 {
        self.info().trainable_parameters()
    }

    /// The largest singular value of each spectrally normalised layer's weight: the power
    /// iteration's estimate against the exact one (an SVD); empty for a network without
    /// spectral norm.
    ///
    /// ```no_run
    /// # use gankit::prelude::*;
    /// let vs = nn::VarStore::new(Device::Cpu);
    /// let d = sn_discriminator(&vs.root(), &SnganConfig { image_size: 32, ..Default::default() });
    /// for s in d.spectral_norms() {
    ///     println!("{s}"); // main.0: σ estimate …, exact …
    /// }
    /// ```
    fn spectral_norms(&self) -> Vec<spectral::SpectralSigma> {
        self.info().spectral_norms()
    }

    /// PyTorch-style table of the layers, their output shapes for a batch of `input_size`
    /// (e.g. `&[1, 3, 64, 64]`, or `&[1, 100]` for a generator) and parameter counts. Panics
    /// with a one-line message on an input size the net was not built for.
    fn summary(&self, input_size: &[i64]) -> NetSummary {
        self.try_summary(input_size)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`Net::summary`], returning the error instead.
    fn try_summary(&self, input_size: &[i64]) -> Result<NetSummary> {
        self.info().summary(input_size, |x| self.probe(x))
    }
}

/// `nn::ModuleT` and [`Net`] for networks with `info` and
/// `try_forward_t(&self, &Tensor, bool) -> Result<Tensor>`.
macro_rules! unconditional_net {
    ($($t:ty),*) => {$(
        impl tch::nn::ModuleT for $t {
            fn forward_t(&self, x: &tch::Tensor, train: bool) -> tch::Tensor {
                self.try_forward_t(x, train).unwrap_or_else(|e| panic!("{e}"))
            }
        }
        impl $crate::nets::Net for $t {
            fn info(&self) -> &$crate::nets::NetInfo {
                &self.info
            }
            fn probe(&self, x: &tch::Tensor) -> $crate::error::Result<Vec<tch::Tensor>> {
                Ok(vec![self.try_forward_t(x, false)?])
            }
        }
        impl $crate::nets::GanNet for $t {
            fn forward_gan(&self, x: &tch::Tensor, _cond: Option<&tch::Tensor>, train: bool) -> tch::Tensor {
                tch::nn::ModuleT::forward_t(self, x, train)
            }
            fn is_row_wise(&self) -> bool {
                self.info.is_row_wise()
            }
            fn ends_in_sigmoid(&self) -> Option<bool> {
                Some(self.info.ends_in_sigmoid())
            }
            fn as_net(&self) -> Option<&dyn $crate::nets::Net> {
                Some(self)
            }
        }
    )*};
}

/// [`ConditionalModuleT`] and [`Net`] for networks with `info` and
/// `try_forward_ct(&self, &Tensor, &Tensor, bool) -> Result<Tensor>`.
macro_rules! conditional_net {
    ($($t:ty),*) => {$(
        impl $crate::nets::ConditionalModuleT for $t {
            fn forward_ct(&self, x: &tch::Tensor, cond: &tch::Tensor, train: bool) -> tch::Tensor {
                self.try_forward_ct(x, cond, train).unwrap_or_else(|e| panic!("{e}"))
            }
        }
        impl $crate::nets::Net for $t {
            fn info(&self) -> &$crate::nets::NetInfo {
                &self.info
            }
            fn probe(&self, x: &tch::Tensor) -> $crate::error::Result<Vec<tch::Tensor>> {
                let n = x.size().first().copied().unwrap_or(1);
                let cond = tch::Tensor::zeros([n, self.info.cond_width().unwrap_or(0)], (x.kind(), x.device()));
                Ok(vec![self.try_forward_ct(x, &cond, false)?])
            }
        }
        impl $crate::nets::GanNet for $t {
            fn forward_gan(&self, x: &tch::Tensor, cond: Option<&tch::Tensor>, train: bool) -> tch::Tensor {
                let name = $crate::nets::Net::name(self);
                let cond = cond.unwrap_or_else(|| panic!("{name}: a conditional network needs conditions (labelled batches)"));
                $crate::nets::ConditionalModuleT::forward_ct(self, x, cond, train)
            }
            fn condition_width(&self) -> Option<i64> {
                self.info.cond_width()
            }
            fn is_row_wise(&self) -> bool {
                self.info.is_row_wise()
            }
            fn ends_in_sigmoid(&self) -> Option<bool> {
                Some(self.info.ends_in_sigmoid())
            }
            fn as_net(&self) -> Option<&dyn $crate::nets::Net> {
                Some(self)
            }
        }
    )*};
}
pub(crate) use {conditional_net, unconditional_net};

/// Accepted noise shapes of a generator: `[z]` and `[z, 1, 1]`.
pub(crate) fn z_shapes(z_dim: i64) -> Vec<Vec<i64>> {
    vec![vec![z_dim], vec![z_dim, 1, 1]]
}

/// Accepted image shape: `[channels, size, size]`.
pub(crate) fn image_shape(channels: i64, size: i64) -> Vec<Vec<i64>> {
    vec![vec![channels, size, size]]
}

/// What a notebook cell needs from this module (re-exported by `gankit::prelude`).
pub mod prelude {
    pub use super::{
        baseline_critic, baseline_discriminator, baseline_generator, cgan_discriminator,
        cgan_generator, conditional_mlp_discriminator, conditional_mlp_generator, cwgan_critic,
        cwgan_generator, cyclegan_generator, dcgan_discriminator, dcgan_generator, dcgan_init,
        mlp_discriminator, mlp_generator, normal_init, patchgan_discriminator,
        projection_discriminator, selu_discriminator, selu_generator, sn_discriminator,
        stargan_discriminator, stargan_generator, text_to_image_discriminator,
        text_to_image_generator,
    };
    pub use super::{layer_outputs, weight_stats, LayerOutput, WeightStats};
    pub use super::{
        BaselineConfig, CganConfig, ConditionalModuleT, CwganConfig, CycleGanConfig, CycleGanNorm,
        DcganConfig, GanNet, MlpConfig, Net, NetSummary, SnganConfig, StarGanConfig,
        TextToImageConfig,
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use tch::{nn, Device};

    #[test]
    fn discriminators_say_whether_they_end_in_a_sigmoid() {
        let vs = nn::VarStore::new(Device::Cpu);
        let r = vs.root();
        let dc = |sigmoid| DcganConfig {
            ngf: 4,
            ndf: 4,
            image_size: 8,
            sigmoid,
            ..Default::default()
        };
        let base = BaselineConfig {
            dim: 4,
            image_size: 8,
            ..Default::default()
        };
        let cgan = |sigmoid| CganConfig {
            ngf: 4,
            ndf: 4,
            image_size: 8,
            sigmoid,
            ..Default::default()
        };
        let t2i = |sigmoid| TextToImageConfig {
            ngf: 4,
            ndf: 4,
            n_classes: 3,
            image_size: 8,
            sigmoid,
            ..Default::default()
        };
        let patch = |sigmoid| CycleGanConfig {
            ndf: 4,
            image_size: 32,
            sigmoid,
            ..Default::default()
        };
        let mlp = |sigmoid| MlpConfig {
            hidden: vec![4],
            sigmoid,
            ..Default::default()
        };
        let sn = SnganConfig {
            ndf: 4,
            image_size: 8,
            n_classes: 3,
            ..Default::default()
        };
        let cw = CwganConfig {
            ngf: 4,
            ndf: 4,
            image_size: 8,
            ..Default::default()
        };
        let nets: Vec<(Box<dyn GanNet>, bool)> = vec![
            (Box::new(dcgan_discriminator(&r / "a", &dc(true))), true),
            (Box::new(dcgan_discriminator(&r / "b", &dc(false))), false),
            (Box::new(selu_discriminator(&r / "c", &dc(true))), true),
            (Box::new(selu_discriminator(&r / "d", &dc(false))), false),
            (Box::new(sn_discriminator(&r / "e", &sn)), false),
            (Box::new(projection_discriminator(&r / "f", &sn)), false),
            (Box::new(baseline_discriminator(&r / "g", &base)), true),
            (Box::new(baseline_critic(&r / "h", &base)), false),
            (Box::new(cgan_discriminator(&r / "i", &cgan(true))), true),
            (Box::new(cgan_discriminator(&r / "j", &cgan(false))), false),
            (Box::new(cwgan_critic(&r / "k", &cw)), false),
            (
                Box::new(text_to_image_discriminator(&r / "l", &t2i(true))),
                true,
            ),
            (
                Box::new(text_to_image_discriminator(&r / "m", &t2i(false))),
                false,
            ),
            (
                Box::new(patchgan_discriminator(&r / "n", &patch(true))),
                true,
            ),
            (
                Box::new(patchgan_discriminator(&r / "o", &patch(false))),
                false,
            ),
            (Box::new(mlp_discriminator(&r / "p", &mlp(true))), true),
            (Box::new(mlp_discriminator(&r / "q", &mlp(false))), false),
            (Box::new(dcgan_generator(&r / "r", &dc(true))), false),
        ];
        for (net, sigmoid) in &nets {
            let name = net.as_net().unwrap().name().to_string();
            assert_eq!(net.ends_in_sigmoid(), Some(*sigmoid), "{name}");
        }
        assert_eq!(nn::seq().ends_in_sigmoid(), None);
    }

    #[test]
    fn a_boxed_network_is_a_net_with_a_summary() {
        let vs = nn::VarStore::new(Device::Cpu);
        let cfg = MlpConfig {
            hidden: vec![4],
            ..Default::default()
        };
        let d = mlp_discriminator(&vs.root() / "d", &cfg);
        let expected = d.summary(&[1, 2]);
        let boxed: Box<dyn GanNet> = Box::new(d);
        let net = boxed.as_net().expect("gankit's networks are Nets");
        assert_eq!(net.name(), "mlp discriminator");
        assert_eq!(net.summary(&[1, 2]), expected);
        assert!(nn::seq().as_net().is_none());
        let boxed_seq: Box<dyn GanNet> = Box::new(nn::seq());
        assert!(boxed_seq.as_net().is_none());
    }
}
