//! The building blocks the DCGAN-shaped families share: the DCGAN generator's and
//! discriminator's `main` trunks, the DCGAN generator and discriminator themselves with their
//! config (reports 001 and 002 build them; SNGAN's discriminator too), and the DCGAN generator
//! on z and labels joined as channels (reports 003 and 004). The families import these and the
//! layers, never each other.
use super::info::NetInfo;
use super::layers::{conv2d, ConvOpts, Layers, Seq};
use super::{conditional_net, image_shape, init, unconditional_net, z_shapes};
use crate::error::Result;
use tch::nn::{self, ModuleT};
use tch::Tensor;

/// Stride-2 stages between 4×4 and an image of `image_size` (4 at 64, 3 at 32); panics with
/// a one-line message naming `what` unless `image_size` is a power of two from 8 (each
/// constructor calls it first, so that the message names the network).
pub(crate) fn stages(what: &str, image_size: i64) -> i64 {
    assert!(
        image_size >= 8 && (image_size as u64).is_power_of_two(),
        "{what}: image_size must be a power of two from 8 (64 in the reports, 32 for quick runs), got {image_size}"
    );
    image_size.trailing_zeros() as i64 - 2
}

/// What follows each hidden transposed convolution of a DCGAN generator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum GHidden {
    /// BatchNorm2d [+ Dropout(p) when p > 0] + ReLU (reports 001, 004).
    BatchNorm { dropout: f64 },
    /// SELU only (report 002).
    Selu,
}

/// The DCGAN generator's `main`: ConvTranspose2d(nz → ngf·2^(n−1), 4, 1, 0) from 1×1 to 4×4,
/// then ×2 per stage down to ngf channels, ConvTranspose2d(ngf → channels, 4, 2, 1) + Tanh;
/// all without bias.
pub(crate) fn g_main(
    s: &mut Seq,
    nz: i64,
    ngf: i64,
    channels: i64,
    image_size: i64,
    hidden: GHidden,
) {
    let n = stages("generator", image_size);
    let mut cin = nz;
    for k in 0..n {
        let cout = ngf << (n - 1 - k);
        let opts = if k == 0 {
            ConvOpts::new(1, 0)
        } else {
            ConvOpts::new(2, 1)
        };
        s.conv_transpose2d(cin, cout, 4, opts.no_bias());
        match hidden {
            GHidden::Selu => {
                s.selu();
            }
            GHidden::BatchNorm { dropout } => {
                s.batch_norm2d(cout);
                if dropout > 0.0 {
                    s.dropout(dropout);
                }
                s.relu();
            }
        }
        cin = cout;
    }
    s.conv_transpose2d(ngf, channels, 4, ConvOpts::new(2, 1).no_bias())
        .tanh();
}

/// The kind of DCGAN discriminator trunk.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Trunk {
    /// Conv (no bias) [+ BatchNorm2d from the second] + LeakyReLU(0.2) (reports 001, 004).
    BatchNorm,
    /// Conv (no bias) + SELU (report 002).
    Selu,
    /// Conv (with bias) + LeakyReLU(0.2), no normalisation (a WGAN-GP critic).
    Plain,
    /// Spectrally normalised conv (with bias) + LeakyReLU(0.2) (SNGAN).
    SpectralNorm,
}

impl Trunk {
    fn conv(self, s: &mut Seq, i: i64, o: i64, opts: ConvOpts) {
        let opts = opts.bias(matches!(self, Trunk::Plain | Trunk::SpectralNorm));
        if self == Trunk::SpectralNorm {
            s.spectral_norm(|p| conv2d(p, i, o, 4, opts));
        } else {
            s.conv2d(i, o, 4, opts);
        }
    }
}

/// The DCGAN discriminator's convolutions from the image down to 4×4: Conv2d(channels → ndf,
/// 4, 2, 1), then doubling the width per stage. Returns the last width (ndf·2^(n−1)).
pub(crate) fn d_trunk(s: &mut Seq, channels: i64, ndf: i64, image_size: i64, trunk: Trunk) -> i64 {
    let n = stages("discriminator", image_size);
    let act = |s: &mut Seq| {
        if trunk == Trunk::Selu {
            s.selu();
        } else {
            s.leaky_relu(0.2);
        }
    };
    trunk.conv(s, channels, ndf, ConvOpts::new(2, 1));
    act(s);
    for k in 0..n - 1 {
        let cout = ndf << (k + 1);
        trunk.conv(s, ndf << k, cout, ConvOpts::new(2, 1));
        if trunk == Trunk::BatchNorm {
            s.batch_norm2d(cout);
        }
        act(s);
    }
    ndf << (n - 1)
}

/// A DCGAN discriminator's `main` at `p.main`: [`d_trunk`] from `in_channels`, then
/// Conv2d(top → 1, 4, 1, 0) from 4×4 to one score [and the Sigmoid module].
pub(crate) fn d_main(
    p: &nn::Path,
    in_channels: i64,
    ndf: i64,
    image_size: i64,
    trunk: Trunk,
    sigmoid_module: bool,
) -> Layers {
    Layers::seq(p / "main", |s| {
        let top = d_trunk(s, in_channels, ndf, image_size, trunk);
        trunk.conv(s, top, 1, ConvOpts::new(1, 0));
        if sigmoid_module {
            s.sigmoid();
        }
    })
}

/// Sizes of the DCGAN of report 001 (also used by report 002's SELU DCGAN).
#[derive(Debug, Clone, PartialEq)]
pub struct DcganConfig {
    /// Noise dimension (PyTorch's `nz`): 100.
    pub z_dim: i64,
    /// Generator width (`ngf`; the last hidden layer's channels): 64.
    pub ngf: i64,
    /// Discriminator width (`ndf`; the first layer's channels): 64.
    pub ndf: i64,
    /// Image channels (`nc`): 3.
    pub channels: i64,
    /// Image width and height: 64 (32 for quick runs).
    pub image_size: i64,
    /// Discriminator ends in a Sigmoid (report 001 applies it in `forward`; false for WGAN
    /// critics and losses on logits): true.
    pub sigmoid: bool,
    /// Dropout probability after each BatchNorm of the generator's hidden layers: 0 (none);
    /// report 001 §4 tip (b) uses 0.5.
    pub dropout: f64,
}

impl Default for DcganConfig {
    fn default() -> Self {
        DcganConfig {
            z_dim: 100,
            ngf: 64,
            ndf: 64,
            channels: 3,
            image_size: 64,
            sigmoid: true,
            dropout: 0.0,
        }
    }
}

/// DCGAN generator (see [`super::dcgan_generator`]).
#[derive(Debug)]
pub struct DcganGenerator {
    main: Layers,
    info: NetInfo,
}

pub(crate) fn dcgan_like_generator(
    p: &nn::Path,
    name: &'static str,
    cfg: &DcganConfig,
    hidden: GHidden,
) -> DcganGenerator {
    stages(name, cfg.image_size);
    let main = Layers::seq(p / "main", |s| {
        g_main(s, cfg.z_dim, cfg.ngf, cfg.channels, cfg.image_size, hidden)
    });
    let info = NetInfo::new(name, p, z_shapes(cfg.z_dim), None, main.iter());
    match hidden {
        GHidden::Selu => selu_init(&info),
        GHidden::BatchNorm { .. } => init::dcgan_init(&info.variables()),
    }
    DcganGenerator { main, info }
}

/// SELU's "LeCun normal" init for the SELU generator (Klambauer et al. 2017), which keeps a
/// SELU network's activations at scale: each ConvTranspose weight ~ N(0, 1/fan_in), fan_in
/// being the inputs that reach one output pixel: z_dim for the first layer (1×1 noise → 4×4,
/// one tap per input channel), 4·in for the stride-2 layers (2×2 of the 4×4 taps). With the
/// DCGAN init's N(0, 0.02) instead, the activations' std falls stage by stage (0.26, 0.14,
/// 0.06, 0.014 at 32×32, ngf 32) to a grey image, which a bias-free SELU D scores σ(0) = 0.5
/// whatever its weights, so neither net learns (a quick run stayed grey for 400 steps).
fn selu_init(info: &NetInfo) {
    tch::no_grad(|| {
        for (name, w) in info.variables() {
            if w.dim() == 4 {
                let cin = w.size()[0];
                let fan_in = if name.starts_with("main.0.") {
                    cin
                } else {
                    4 * cin
                };
                let mut w = w;
                let _ = w.normal_(0.0, (fan_in as f64).powf(-0.5));
            }
        }
    });
}

impl DcganGenerator {
    /// Images `[N, channels, size, size]` in [-1, 1] from noise `[N, z_dim]` or `[N, z_dim, 1, 1]`.
    pub fn try_forward_t(&self, z: &Tensor, train: bool) -> Result<Tensor> {
        self.info.check_input(z)?;
        Ok(self.main.forward_t(&z.view([z.size()[0], -1, 1, 1]), train))
    }
}

/// A discriminator of the DCGAN shape: [`super::dcgan_discriminator`],
/// [`super::selu_discriminator`], [`super::sn_discriminator`].
#[derive(Debug)]
pub struct DcganDiscriminator {
    main: Layers,
    sigmoid: bool,
    info: NetInfo,
}

/// Where a DCGAN-shaped discriminator's Sigmoid is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Sigmoid {
    /// None: logits.
    None,
    /// Applied in `forward`, outside `main` (report 001).
    InForward,
    /// The last module of `main` (report 002).
    Module,
}

/// A discriminator of the DCGAN shape on `channels`-channel images (DCGAN init, except with
/// spectral norm, whose SNGAN keeps PyTorch's defaults).
pub(crate) fn dcgan_like_discriminator(
    p: &nn::Path,
    name: &'static str,
    channels: i64,
    ndf: i64,
    image_size: i64,
    trunk: Trunk,
    sigmoid: Sigmoid,
) -> DcganDiscriminator {
    stages(name, image_size);
    let main = d_main(
        p,
        channels,
        ndf,
        image_size,
        trunk,
        sigmoid == Sigmoid::Module,
    );
    let info = NetInfo::new(
        name,
        p,
        image_shape(channels, image_size),
        None,
        main.iter(),
    )
    .sigmoid_in_forward(sigmoid == Sigmoid::InForward);
    // SNGAN keeps PyTorch's default init. (The SELU D keeps the DCGAN init: with LeCun normal
    // it won at once in a quick run, D(G(z)) 0.02 at step 400; with PyTorch's default it held
    // D(x) at 0.92 where the DCGAN init let it fall to 0.67 with the same G.)
    if trunk != Trunk::SpectralNorm {
        init::dcgan_init(&info.variables());
    }
    DcganDiscriminator {
        main,
        sigmoid: sigmoid == Sigmoid::InForward,
        info,
    }
}

impl DcganDiscriminator {
    /// Scores `[N]` (probabilities with `sigmoid`, else logits) for images `[N, channels, size, size]`.
    pub fn try_forward_t(&self, x: &Tensor, train: bool) -> Result<Tensor> {
        self.info.check_input(x)?;
        let y = self.main.forward_t(x, train).view([-1]);
        Ok(if self.sigmoid { y.sigmoid() } else { y })
    }
}

unconditional_net!(DcganGenerator, DcganDiscriminator);

/// A generator taking z and a label vector joined as channels (see [`super::cgan_generator`],
/// [`super::cwgan_generator`]).
#[derive(Debug)]
pub struct ConcatGenerator {
    main: Layers,
    info: NetInfo,
}

/// The DCGAN generator on `[z, labels]` (z first), for reports 003 and 004.
pub(crate) fn concat_generator(
    p: &nn::Path,
    name: &'static str,
    z_dim: i64,
    n_classes: i64,
    ngf: i64,
    channels: i64,
    image_size: i64,
) -> ConcatGenerator {
    stages(name, image_size);
    let main = Layers::seq(p / "main", |s| {
        g_main(
            s,
            z_dim + n_classes,
            ngf,
            channels,
            image_size,
            GHidden::BatchNorm { dropout: 0.0 },
        )
    });
    let info = NetInfo::new(name, p, z_shapes(z_dim), Some(n_classes), main.iter());
    init::dcgan_init(&info.variables());
    ConcatGenerator { main, info }
}

impl ConcatGenerator {
    /// Images from noise `[N, z_dim]` (or `[N, z_dim, 1, 1]`) and labels `[N, n_classes]`.
    pub fn try_forward_ct(&self, z: &Tensor, cond: &Tensor, train: bool) -> Result<Tensor> {
        let cond = self.info.check(z, cond)?;
        let n = z.size()[0];
        let zc = Tensor::cat(&[z.view([n, -1, 1, 1]), cond.view([n, -1, 1, 1])], 1);
        Ok(self.main.forward_t(&zc, train))
    }
}

conditional_net!(ConcatGenerator);
