//! The one container every network here is built from: layers named like PyTorch modules
//! (`main.0`, `l2_5.0.1`, `model.10.conv_block.1`), run in order.
//!
//! A [`Layer`] is one PyTorch module (Conv2d, BatchNorm2d, ReLU, …); [`Layers`] is an
//! `nn.Sequential` of them, built with [`Layers::seq`]:
//!
//! ```no_run
//! use gankit::nets::layers::{ConvOpts, Layers};
//! use gankit::tch::nn;
//! let vs = nn::VarStore::new(gankit::tch::Device::Cpu);
//! let main = Layers::seq(&vs.root() / "main", |s| {
//!     s.conv2d(3, 64, 4, ConvOpts::new(2, 1).no_bias()).leaky_relu(0.2); // main.0, main.1
//!     s.conv2d(64, 1, 16, ConvOpts::new(1, 0).no_bias()); //                 main.2
//! });
//! ```
//!
//! While [`crate::nets::Net::summary`] runs a network once on zeros, every layer reports its
//! output shape: that is how the summary table gets its rows (like torchsummary's hooks).
use super::summary::{record, SummaryRow};
use super::weight::{SpectralNorm, Weight};
use std::borrow::Borrow;
use tch::{nn, Tensor};

/// A tensor of a layer under its full var-store name: a parameter, or a buffer (BatchNorm's
/// running statistics, spectral norm's u and v).
#[derive(Debug)]
pub(crate) struct Var {
    pub(crate) name: String,
    pub(crate) tensor: Tensor,
    pub(crate) param: bool,
}

impl Var {
    fn new(p: &nn::Path, name: &str, tensor: &Tensor, param: bool) -> Var {
        Var {
            name: p.path(name),
            tensor: tensor.shallow_clone(),
            param,
        }
    }
}

#[derive(Debug)]
enum Op {
    Linear {
        weight: Weight,
        bias: Option<Tensor>,
    },
    Conv {
        weight: Weight,
        bias: Option<Tensor>,
        o: ConvOpts,
    },
    ConvTranspose {
        weight: Weight,
        bias: Option<Tensor>,
        o: ConvOpts,
    },
    /// nn.Embedding applied to one-hot (or multi-hot) rows: `y @ weight`.
    Embedding {
        weight: Weight,
    },
    BatchNorm(nn::BatchNorm),
    InstanceNorm {
        weight: Option<Tensor>,
        bias: Option<Tensor>,
        running: Option<(Tensor, Tensor)>,
    },
    Relu,
    LeakyRelu(f64),
    Selu,
    Tanh,
    Sigmoid,
    Dropout(f64),
    ReflectionPad(i64),
    /// `x + inner(x)` (ResNet block).
    Residual(Layers),
}

/// Stride, padding, output padding (transposed convolutions only) and bias of a convolution;
/// the default is PyTorch's (1, 0, 0, with bias).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConvOpts {
    pub stride: i64,
    pub padding: i64,
    pub output_padding: i64,
    pub bias: bool,
}

impl Default for ConvOpts {
    fn default() -> Self {
        ConvOpts {
            stride: 1,
            padding: 0,
            output_padding: 0,
            bias: true,
        }
    }
}

impl ConvOpts {
    /// Stride and padding, with bias.
    pub fn new(stride: i64, padding: i64) -> Self {
        ConvOpts {
            stride,
            padding,
            ..Default::default()
        }
    }
    /// The same without bias (`bias=False`).
    pub fn no_bias(self) -> Self {
        ConvOpts {
            bias: false,
            ..self
        }
    }
    /// With bias or not.
    pub fn bias(self, bias: bool) -> Self {
        ConvOpts { bias, ..self }
    }
    /// The same with `output_padding` (transposed convolutions).
    pub fn output_padding(self, output_padding: i64) -> Self {
        ConvOpts {
            output_padding,
            ..self
        }
    }
    fn repr(&self) -> String {
        let mut s = String::new();
        if self.stride != 1 {
            s += &format!(", stride={}", self.stride);
        }
        if self.padding != 0 {
            s += &format!(", padding={}", self.padding);
        }
        if self.output_padding != 0 {
            s += &format!(", output_padding={}", self.output_padding);
        }
        if !self.bias {
            s += ", bias=False";
        }
        s
    }
}

/// One PyTorch module: its name (the path in the var store, e.g. `d.main.0`), its PyTorch-style
/// description (`Conv2d(3, 64, 4, stride=2, padding=1, bias=False)`) and its tensors.
#[derive(Debug)]
pub struct Layer {
    name: String,
    repr: String,
    op: Op,
    vars: Vec<Var>,
}

pub(crate) fn path_name(p: &nn::Path) -> String {
    p.components().collect::<Vec<_>>().join(".")
}

/// PyTorch's default initialisation of Linear/Conv weights and biases (kaiming_uniform with
/// a = √5): uniform in ±1/√fan_in, fan_in = size(1) · kernel area.
fn default_init(dims: &[i64]) -> nn::Init {
    let fan_in: i64 = dims[1..].iter().product();
    let bound = 1.0 / (fan_in as f64).sqrt();
    nn::Init::Uniform {
        lo: -bound,
        up: bound,
    }
}

fn weighted(
    p: &nn::Path,
    repr: String,
    w_dims: &[i64],
    bias: Option<i64>,
    make: impl FnOnce(Weight, Option<Tensor>) -> Op,
) -> Layer {
    let init = default_init(w_dims);
    let w = p.var("weight", w_dims, init);
    let mut vars = vec![Var::new(p, "weight", &w, true)];
    let b = bias.map(|n| {
        let b = p.var("bias", &[n], init);
        vars.push(Var::new(p, "bias", &b, true));
        b
    });
    Layer {
        name: path_name(p),
        repr,
        op: make(Weight::plain(w), b),
        vars,
    }
}

fn plain(p: &nn::Path, repr: impl Into<String>, op: Op) -> Layer {
    Layer {
        name: path_name(p),
        repr: repr.into(),
        op,
        vars: vec![],
    }
}

/// `nn.Linear(i, o, bias)`.
pub fn linear(p: &nn::Path, i: i64, o: i64, bias: bool) -> Layer {
    let repr = format!("Linear({i}, {o}{})", if bias { "" } else { ", bias=False" });
    weighted(p, repr, &[o, i], bias.then_some(o), |weight, bias| {
        Op::Linear { weight, bias }
    })
}

/// `nn.Conv2d(i, o, k, …)`.
pub fn conv2d(p: &nn::Path, i: i64, o: i64, k: i64, opts: ConvOpts) -> Layer {
    let repr = format!("Conv2d({i}, {o}, {k}{})", opts.repr());
    weighted(
        p,
        repr,
        &[o, i, k, k],
        opts.bias.then_some(o),
        |weight, bias| Op::Conv {
            weight,
            bias,
            o: opts,
        },
    )
}

/// `nn.ConvTranspose2d(i, o, k, …)` (its weight is `[i, o, k, k]`, as in PyTorch).
pub fn conv_transpose2d(p: &nn::Path, i: i64, o: i64, k: i64, opts: ConvOpts) -> Layer {
    let repr = format!("ConvTranspose2d({i}, {o}, {k}{})", opts.repr());
    weighted(
        p,
        repr,
        &[i, o, k, k],
        opts.bias.then_some(o),
        |weight, bias| Op::ConvTranspose {
            weight,
            bias,
            o: opts,
        },
    )
}

/// `nn.Embedding(n, dim)`, applied to one-hot (or multi-hot) rows `[N, n]` as `y @ weight`,
/// which for a one-hot row is the embedding lookup.
pub fn embedding(p: &nn::Path, n: i64, dim: i64) -> Layer {
    let w = p.var(
        "weight",
        &[n, dim],
        nn::Init::Randn {
            mean: 0.0,
            stdev: 1.0,
        },
    );
    let vars = vec![Var::new(p, "weight", &w, true)];
    Layer {
        name: path_name(p),
        repr: format!("Embedding({n}, {dim})"),
        op: Op::Embedding {
            weight: Weight::plain(w),
        },
        vars,
    }
}

fn batch_norm(p: &nn::Path, n: i64, nd: usize) -> Layer {
    let cfg = nn::BatchNormConfig {
        ws_init: nn::Init::Const(1.0),
        bs_init: nn::Init::Const(0.0),
        ..Default::default()
    };
    let bn = if nd == 1 {
        nn::batch_norm1d(p, n, cfg)
    } else {
        nn::batch_norm2d(p, n, cfg)
    };
    let vars = vec![
        Var::new(p, "weight", bn.ws.as_ref().unwrap(), true),
        Var::new(p, "bias", bn.bs.as_ref().unwrap(), true),
        Var::new(p, "running_mean", &bn.running_mean, false),
        Var::new(p, "running_var", &bn.running_var, false),
    ];
    Layer {
        name: path_name(p),
        repr: format!("BatchNorm{nd}d({n})"),
        op: Op::BatchNorm(bn),
        vars,
    }
}

/// `nn.BatchNorm1d(n)` (γ = 1, β = 0, like PyTorch).
pub fn batch_norm1d(p: &nn::Path, n: i64) -> Layer {
    batch_norm(p, n, 1)
}

/// `nn.BatchNorm2d(n)` (γ = 1, β = 0, like PyTorch).
pub fn batch_norm2d(p: &nn::Path, n: i64) -> Layer {
    batch_norm(p, n, 2)
}

/// `nn.InstanceNorm2d(n, affine, track_running_stats)`.
pub fn instance_norm2d(p: &nn::Path, n: i64, affine: bool, track_running_stats: bool) -> Layer {
    let mut vars = vec![];
    let (weight, bias) = if affine {
        let (w, b) = (p.ones("weight", &[n]), p.zeros("bias", &[n]));
        vars.extend([
            Var::new(p, "weight", &w, true),
            Var::new(p, "bias", &b, true),
        ]);
        (Some(w), Some(b))
    } else {
        (None, None)
    };
    let running = track_running_stats.then(|| {
        let (m, v) = (
            p.zeros_no_train("running_mean", &[n]),
            p.ones_no_train("running_var", &[n]),
        );
        vars.extend([
            Var::new(p, "running_mean", &m, false),
            Var::new(p, "running_var", &v, false),
        ]);
        (m, v)
    });
    let repr = format!(
        "InstanceNorm2d({n}{}{})",
        if affine { ", affine=True" } else { "" },
        if track_running_stats {
            ", track_running_stats=True"
        } else {
            ""
        }
    );
    Layer {
        name: path_name(p),
        repr,
        op: Op::InstanceNorm {
            weight,
            bias,
            running,
        },
        vars,
    }
}

/// `nn.ReLU()`.
pub fn relu(p: &nn::Path) -> Layer {
    plain(p, "ReLU()", Op::Relu)
}
/// `nn.LeakyReLU(slope)`.
pub fn leaky_relu(p: &nn::Path, slope: f64) -> Layer {
    plain(p, format!("LeakyReLU({slope})"), Op::LeakyRelu(slope))
}
/// `nn.SELU()`.
pub fn selu(p: &nn::Path) -> Layer {
    plain(p, "SELU()", Op::Selu)
}
/// `nn.Tanh()`.
pub fn tanh(p: &nn::Path) -> Layer {
    plain(p, "Tanh()", Op::Tanh)
}
/// `nn.Sigmoid()`.
pub fn sigmoid(p: &nn::Path) -> Layer {
    plain(p, "Sigmoid()", Op::Sigmoid)
}
/// `nn.Dropout(prob)` (active in train mode only).
pub fn dropout(p: &nn::Path, prob: f64) -> Layer {
    plain(p, format!("Dropout({prob})"), Op::Dropout(prob))
}
/// `nn.ReflectionPad2d(n)`.
pub fn reflection_pad2d(p: &nn::Path, n: i64) -> Layer {
    plain(p, format!("ReflectionPad2d({n})"), Op::ReflectionPad(n))
}

/// LeakyReLU with slope `s`: `max(x, 0) + s·min(x, 0)`. tch's `leaky_relu` has no slope
/// argument, so this runs PReLU with one fixed weight `s`: one fused kernel each way, where
/// `x.maximum(&(x * s))` took three and made D's forward + backward 1.3× slower.
pub(crate) fn leaky(x: &Tensor, s: f64) -> Tensor {
    x.prelu(&Tensor::full([1], s, (x.kind(), x.device())))
}

/// `x Wᵀ + b`, as `nn.Linear` computes it. On CPU, a layer with at most 4 inputs (2-D points)
/// multiplies by a contiguous copy of Wᵀ: autograd then computes W's gradient as `xᵀ·g`
/// (`[in, out]`) instead of `gᵀ·x` (`[out, in]`, 2 columns), and the input's gradient with a
/// transposed right factor, the layouts MKL is fast in. Measured at 1 thread: W's gradient of
/// D's first layer 106 → 15 µs (batch 512), its input gradient 47 → 11 µs (batch 256).
pub(crate) fn linear_t(x: &Tensor, w: &Tensor, b: Option<&Tensor>) -> Tensor {
    let narrow = w.dim() == 2 && w.size()[1] <= 4;
    if !(narrow && x.dim() == 2 && x.device() == tch::Device::Cpu) {
        return x.linear(w, b);
    }
    let wt = w.tr().contiguous();
    match b {
        Some(b) => b.addmm(x, &wt),
        None => x.mm(&wt),
    }
}

/// `x` with channels-last strides (NHWC in memory, NCHW in shape, what PyTorch's
/// `x.to(memory_format=torch.channels_last)` makes); no copy when it has them already. oneDNN's
/// convolutions take this layout without reordering: D's forward + backward at 64×64 ran 1.2×
/// faster with it on a 2-core CPU.
pub(crate) fn channels_last(x: &Tensor) -> Tensor {
    x.permute([0, 2, 3, 1]).contiguous().permute([0, 3, 1, 2])
}

impl Layer {
    /// The layer's var-store path, e.g. `d.main.0`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether each output row depends on its own input row only, and a call changes no state
    /// and draws no random numbers: true for linear and convolution layers, activations,
    /// padding and instance norm without running statistics; false for BatchNorm (batch
    /// statistics), Dropout (random masks) and spectral norm (a power-iteration step per call).
    /// For such layers a pass over two batches stacked equals two passes.
    pub fn is_row_wise(&self) -> bool {
        let plain = |w: &Weight| w.sn.is_none();
        match &self.op {
            Op::Linear { weight, .. }
            | Op::Conv { weight, .. }
            | Op::ConvTranspose { weight, .. }
            | Op::Embedding { weight } => plain(weight),
            Op::BatchNorm(_) | Op::Dropout(_) => false,
            Op::InstanceNorm { running, .. } => running.is_none(),
            Op::Relu
            | Op::LeakyRelu(_)
            | Op::Selu
            | Op::Tanh
            | Op::Sigmoid
            | Op::ReflectionPad(_) => true,
            Op::Residual(inner) => inner.is_row_wise(),
        }
    }

    /// Whether the layer is `nn.Sigmoid()`.
    pub(crate) fn is_sigmoid(&self) -> bool {
        matches!(self.op, Op::Sigmoid)
    }

    /// Number of parameters (weights and biases, not running statistics).
    pub fn parameter_count(&self) -> i64 {
        self.vars
            .iter()
            .filter(|v| v.param)
            .map(|v| v.tensor.numel() as i64)
            .sum()
    }

    /// For [`super::spectral::spectral_norm`]: the layer's weight, its name, and which
    /// dimension holds the outputs (1 for transposed convolutions, as in PyTorch).
    pub(crate) fn weight_mut(&mut self) -> Option<(&mut Weight, i64)> {
        match &mut self.op {
            Op::Linear { weight, .. } | Op::Conv { weight, .. } | Op::Embedding { weight } => {
                Some((weight, 0))
            }
            Op::ConvTranspose { weight, .. } => Some((weight, 1)),
            _ => None,
        }
    }

    /// A spectrally normalised layer's weight (`weight_orig`) and a handle on its
    /// power-iteration state; `None` for other layers.
    pub(crate) fn spectral(&self) -> Option<(Tensor, SpectralNorm)> {
        match &self.op {
            Op::Linear { weight, .. }
            | Op::Conv { weight, .. }
            | Op::ConvTranspose { weight, .. }
            | Op::Embedding { weight } => weight
                .sn
                .as_ref()
                .map(|sn| (weight.w.shallow_clone(), sn.shallow_clone())),
            _ => None,
        }
    }

    /// For [`super::spectral::spectral_norm`]: moves the layer to `p` (its var-store path),
    /// giving the weight another name, describing it anew and adding the given buffers.
    pub(crate) fn rename(
        mut self,
        p: &nn::Path,
        weight_name: &str,
        repr: String,
        buffers: &[(&str, Tensor)],
    ) -> Layer {
        for v in &mut self.vars {
            let leaf = v.name.rsplit('.').next().unwrap_or(&v.name).to_string();
            let leaf = if leaf == "weight" {
                weight_name.to_string()
            } else {
                leaf
            };
            v.tensor = p.add(&leaf, v.tensor.shallow_clone(), v.param);
            v.name = p.path(&leaf);
        }
        self.vars
            .extend(buffers.iter().map(|(n, t)| Var::new(p, n, t, false)));
        Layer {
            name: path_name(p),
            repr,
            ..self
        }
    }

    pub(crate) fn repr(&self) -> &str {
        &self.repr
    }

    /// The layer's parameters and buffers (a ResNet block's: those of its body).
    pub(crate) fn vars(&self) -> &[Var] {
        &self.vars
    }

    fn run(&self, x: &Tensor, train: bool) -> Tensor {
        match &self.op {
            Op::Linear { weight, bias } => linear_t(x, &weight.get(train), bias.as_ref()),
            Op::Conv { weight, bias, o } => x.conv2d(
                &weight.get(train),
                bias.as_ref(),
                [o.stride; 2],
                [o.padding; 2],
                [1, 1],
                1,
            ),
            Op::ConvTranspose { weight, bias, o } => x.conv_transpose2d(
                &weight.get(train),
                bias.as_ref(),
                [o.stride; 2],
                [o.padding; 2],
                [o.output_padding; 2],
                1,
                [1, 1],
            ),
            Op::Embedding { weight } => x.matmul(&weight.get(train)),
            Op::BatchNorm(bn) => nn::ModuleT::forward_t(bn, x, train),
            Op::InstanceNorm {
                weight,
                bias,
                running,
            } => x.instance_norm(
                weight.as_ref(),
                bias.as_ref(),
                running.as_ref().map(|r| &r.0),
                running.as_ref().map(|r| &r.1),
                train || running.is_none(),
                0.1,
                1e-5,
                false,
            ),
            Op::Relu => x.relu(),
            Op::LeakyRelu(s) => leaky(x, *s),
            Op::Selu => x.selu(),
            Op::Tanh => x.tanh(),
            Op::Sigmoid => x.sigmoid(),
            // The mask is drawn over the elements in NCHW order, as PyTorch draws it for its
            // usual layout, so a seeded run matches PyTorch's; a channels-last batch goes back
            // to channels-last after.
            Op::Dropout(p) if train && x.dim() == 4 && !x.is_contiguous() => {
                channels_last(&x.contiguous().dropout(*p, train))
            }
            Op::Dropout(p) => x.dropout(*p, train),
            Op::ReflectionPad(n) => x.reflection_pad2d([*n; 4]),
            Op::Residual(inner) => x + inner.run(x, train),
        }
    }
}

impl nn::ModuleT for Layer {
    fn forward_t(&self, x: &Tensor, train: bool) -> Tensor {
        let y = self.run(x, train);
        if !matches!(self.op, Op::Residual(_)) {
            record(
                || SummaryRow {
                    name: self.name.clone(),
                    layer: self.repr.clone(),
                    output_shape: y.size(),
                    params: self.parameter_count(),
                },
                &y,
            );
        }
        y
    }
}

/// An `nn.Sequential` of [`Layer`]s.
#[derive(Debug, Default)]
pub struct Layers {
    layers: Vec<Layer>,
}

impl Layers {
    /// Builds a sequence at `p` (e.g. `&vs.root() / "main"`): each layer added gets the next
    /// index, `main.0`, `main.1`, …
    pub fn seq<'a, P: Borrow<nn::Path<'a>>>(p: P, build: impl FnOnce(&mut Seq<'a>)) -> Layers {
        let mut s = Seq {
            path: p.borrow().clone(),
            next: 0,
            layers: vec![],
        };
        build(&mut s);
        Layers { layers: s.layers }
    }

    /// The layers in order (nested sequences flattened, ResNet blocks as one layer).
    pub fn iter(&self) -> impl Iterator<Item = &Layer> {
        self.layers.iter()
    }
}

impl Layers {
    fn run(&self, x: &Tensor, train: bool) -> Tensor {
        self.layers.iter().fold(x.shallow_clone(), |y, l| {
            nn::ModuleT::forward_t(l, &y, train)
        })
    }

    /// Whether every layer is [`Layer::is_row_wise`].
    pub fn is_row_wise(&self) -> bool {
        self.layers.iter().all(Layer::is_row_wise)
    }

    fn has_convolutions(&self) -> bool {
        self.layers.iter().any(|l| match &l.op {
            Op::Conv { .. } | Op::ConvTranspose { .. } => true,
            Op::Residual(inner) => inner.has_convolutions(),
            _ => false,
        })
    }
}

/// Runs the layers in order. A sequence with convolutions runs on image batches (4-D) in
/// channels-last layout inside and hands back the usual contiguous layout: same values, faster
/// convolutions on CPU.
impl nn::ModuleT for Layers {
    fn forward_t(&self, x: &Tensor, train: bool) -> Tensor {
        if x.dim() != 4 || !self.has_convolutions() {
            return self.run(x, train);
        }
        let y = self.run(&channels_last(x), train);
        if y.dim() == 4 {
            y.contiguous()
        } else {
            y
        }
    }
}

/// Builds a [`Layers`] (see [`Layers::seq`]); each method adds one module at the next index.
pub struct Seq<'a> {
    path: nn::Path<'a>,
    next: usize,
    layers: Vec<Layer>,
}

impl<'a> Seq<'a> {
    /// Adds the layer `make` builds at the next index's path.
    pub fn add(&mut self, make: impl FnOnce(&nn::Path<'a>) -> Layer) -> &mut Self {
        let p = &self.path / self.next;
        self.layers.push(make(&p));
        self.next += 1;
        self
    }

    /// A nested `nn.Sequential` at the next index: its layers are named `l2_5.0.0`, `l2_5.0.1`, …
    pub fn seq(&mut self, build: impl FnOnce(&mut Seq<'a>)) -> &mut Self {
        let mut inner = Seq {
            path: &self.path / self.next,
            next: 0,
            layers: vec![],
        };
        build(&mut inner);
        self.layers.extend(inner.layers);
        self.next += 1;
        self
    }

    /// A ResNet block at the next index, `x + body(x)`, whose body is the sequence `body`
    /// (`model.10.conv_block.0`, … in CycleGAN; `main.9.main.0`, … in StarGAN).
    pub fn residual(&mut self, body: &str, build: impl FnOnce(&mut Seq<'a>)) -> &mut Self {
        let p = &self.path / self.next;
        let inner = Layers::seq(&p / body, build);
        let vars = inner
            .iter()
            .flat_map(|l| l.vars.iter())
            .map(|v| Var {
                name: v.name.clone(),
                tensor: v.tensor.shallow_clone(),
                param: v.param,
            })
            .collect();
        let repr = format!("ResidualBlock({body})");
        self.layers.push(Layer {
            name: path_name(&p),
            repr,
            op: Op::Residual(inner),
            vars,
        });
        self.next += 1;
        self
    }

    pub fn linear(&mut self, i: i64, o: i64, bias: bool) -> &mut Self {
        self.add(|p| linear(p, i, o, bias))
    }
    pub fn conv2d(&mut self, i: i64, o: i64, k: i64, opts: ConvOpts) -> &mut Self {
        self.add(|p| conv2d(p, i, o, k, opts))
    }
    pub fn conv_transpose2d(&mut self, i: i64, o: i64, k: i64, opts: ConvOpts) -> &mut Self {
        self.add(|p| conv_transpose2d(p, i, o, k, opts))
    }
    pub fn batch_norm1d(&mut self, n: i64) -> &mut Self {
        self.add(|p| batch_norm1d(p, n))
    }
    pub fn batch_norm2d(&mut self, n: i64) -> &mut Self {
        self.add(|p| batch_norm2d(p, n))
    }
    pub fn instance_norm2d(
        &mut self,
        n: i64,
        affine: bool,
        track_running_stats: bool,
    ) -> &mut Self {
        self.add(|p| instance_norm2d(p, n, affine, track_running_stats))
    }
    pub fn relu(&mut self) -> &mut Self {
        self.add(relu)
    }
    pub fn leaky_relu(&mut self, slope: f64) -> &mut Self {
        self.add(|p| leaky_relu(p, slope))
    }
    pub fn selu(&mut self) -> &mut Self {
        self.add(selu)
    }
    pub fn tanh(&mut self) -> &mut Self {
        self.add(tanh)
    }
    pub fn sigmoid(&mut self) -> &mut Self {
        self.add(sigmoid)
    }
    pub fn dropout(&mut self, prob: f64) -> &mut Self {
        self.add(|p| dropout(p, prob))
    }
    pub fn reflection_pad2d(&mut self, n: i64) -> &mut Self {
        self.add(|p| reflection_pad2d(p, n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence_names_follow_pytorch() {
        let vs = nn::VarStore::new(tch::Device::Cpu);
        let l = Layers::seq(&vs.root() / "l2_5", |s| {
            s.seq(|t| {
                t.conv_transpose2d(4, 2, 5, ConvOpts::new(2, 2).output_padding(1).no_bias())
                    .batch_norm2d(2)
                    .relu();
            })
            .conv_transpose2d(2, 3, 5, ConvOpts::new(2, 2).output_padding(1))
            .tanh();
        });
        let names: Vec<_> = l.iter().map(Layer::name).collect();
        assert_eq!(
            names,
            ["l2_5.0.0", "l2_5.0.1", "l2_5.0.2", "l2_5.1", "l2_5.2"]
        );
        let mut vars: Vec<_> = vs.variables().into_keys().collect();
        vars.sort();
        assert_eq!(
            vars,
            [
                "l2_5.0.0.weight",
                "l2_5.0.1.bias",
                "l2_5.0.1.running_mean",
                "l2_5.0.1.running_var",
                "l2_5.0.1.weight",
                "l2_5.1.bias",
                "l2_5.1.weight"
            ]
        );
        assert_eq!(
            l.iter().next().unwrap().repr(),
            "ConvTranspose2d(4, 2, 5, stride=2, padding=2, output_padding=1, bias=False)"
        );
    }

    #[test]
    fn leaky_relu_is_max_of_x_and_slope_x() {
        let vs = nn::VarStore::new(tch::Device::Cpu);
        let l = leaky_relu(&vs.root(), 0.2);
        let x = Tensor::from_slice(&[-2.0f32, 0.0, 3.0]);
        let y = nn::ModuleT::forward_t(&l, &x, false);
        assert_eq!(Vec::<f32>::try_from(&y).unwrap(), [-0.4, 0.0, 3.0]);
    }
}
