//! What every network keeps besides its layers ([`NetInfo`]): its name, the inputs it was
//! built for, its tensors by PyTorch name, and the summary it makes of itself.
use super::layers::{path_name, Layer, Var};
use super::spectral::SpectralSigma;
use super::summary::{recording, NetSummary};
use super::weight::SpectralNorm;
use crate::error::{Error, Result};
use std::collections::BTreeMap;
use tch::{nn, Tensor};

/// What every network keeps besides its layers: its name for messages, the input it was
/// built for, the width of its condition, and its tensors by name. Nothing to call directly:
/// the [`crate::nets::Net`] methods use it.
#[derive(Debug)]
pub struct NetInfo {
    name: &'static str,
    prefix: String,
    inputs: Vec<Vec<i64>>,
    cond: Option<i64>,
    vars: Vec<Var>,
    row_wise: bool,
    ends_in_sigmoid: bool,
    /// The spectrally normalised layers: name, `weight_orig`, power-iteration state.
    spectral: Vec<(String, Tensor, SpectralNorm)>,
}

impl NetInfo {
    /// `inputs`: the accepted input shapes without the batch dimension (a generator takes
    /// `[z]` or `[z, 1, 1]`); `cond`: the condition's width, for conditional networks;
    /// `layers`: all of the net's layers, in the order they run (the output's last).
    pub(crate) fn new<'l>(
        name: &'static str,
        p: &nn::Path,
        inputs: Vec<Vec<i64>>,
        cond: Option<i64>,
        layers: impl IntoIterator<Item = &'l Layer>,
    ) -> NetInfo {
        let layers: Vec<&Layer> = layers.into_iter().collect();
        let vars = layers
            .iter()
            .flat_map(|l| l.vars().iter())
            .map(|v| Var {
                name: v.name.clone(),
                tensor: v.tensor.shallow_clone(),
                param: v.param,
            })
            .collect();
        let spectral = layers
            .iter()
            .filter_map(|l| l.spectral().map(|(w, sn)| (l.name().to_string(), w, sn)))
            .collect();
        let row_wise = layers.iter().all(|l| l.is_row_wise());
        let ends_in_sigmoid = layers.last().is_some_and(|l| l.is_sigmoid());
        NetInfo {
            name,
            prefix: path_name(p),
            inputs,
            cond,
            vars,
            row_wise,
            ends_in_sigmoid,
            spectral,
        }
    }

    /// Each spectrally normalised layer's σ: the power iteration's estimate and the exact one.
    pub(crate) fn spectral_norms(&self) -> Vec<SpectralSigma> {
        self.spectral
            .iter()
            .map(|(name, w, sn)| SpectralSigma {
                layer: self.relative(name).to_string(),
                estimate: sn.estimate(w),
                exact: sn.exact(w),
            })
            .collect()
    }

    /// For a net that applies a Sigmoid in its forward, after its last layer, when `sigmoid`.
    pub(crate) fn sigmoid_in_forward(self, sigmoid: bool) -> NetInfo {
        NetInfo {
            ends_in_sigmoid: self.ends_in_sigmoid || sigmoid,
            ..self
        }
    }

    /// Whether the net's output is a probability: its last layer is a Sigmoid, or its forward
    /// applies one ([`NetInfo::sigmoid_in_forward`]).
    pub(crate) fn ends_in_sigmoid(&self) -> bool {
        self.ends_in_sigmoid
    }

    /// Whether all the net's layers are [`Layer::is_row_wise`].
    pub(crate) fn is_row_wise(&self) -> bool {
        self.row_wise
    }

    pub(crate) fn name(&self) -> &'static str {
        self.name
    }

    pub(crate) fn cond_width(&self) -> Option<i64> {
        self.cond
    }

    fn relative<'s>(&self, name: &'s str) -> &'s str {
        if self.prefix.is_empty() {
            name
        } else {
            name.strip_prefix(&self.prefix)
                .and_then(|n| n.strip_prefix('.'))
                .unwrap_or(name)
        }
    }

    /// Parameters and buffers by their PyTorch `state_dict` names (relative to the net).
    pub(crate) fn variables(&self) -> BTreeMap<String, Tensor> {
        self.vars
            .iter()
            .map(|v| (self.relative(&v.name).to_string(), v.tensor.shallow_clone()))
            .collect()
    }

    pub(crate) fn trainable_parameters(&self) -> i64 {
        self.vars
            .iter()
            .filter(|v| v.param && v.tensor.requires_grad())
            .map(|v| v.tensor.numel() as i64)
            .sum()
    }

    fn total_parameters(&self) -> i64 {
        self.vars
            .iter()
            .filter(|v| v.param)
            .map(|v| v.tensor.numel() as i64)
            .sum()
    }

    fn expected(&self) -> String {
        let one = |dims: &Vec<i64>| {
            format!(
                "[N{}]",
                dims.iter().map(|d| format!(", {d}")).collect::<String>()
            )
        };
        self.inputs.iter().map(one).collect::<Vec<_>>().join(" or ")
    }

    /// Checks the input `x` against the shapes the net was built for.
    pub(crate) fn check_input(&self, x: &Tensor) -> Result<()> {
        let got = x.size();
        if !got.is_empty() && self.inputs.iter().any(|dims| got[1..] == dims[..]) {
            Ok(())
        } else {
            Err(Error::shape(
                format!("{} input", self.name),
                self.expected(),
                &got,
            ))
        }
    }

    /// Checks the input and the condition `[N, width]` (N of the input); returns the condition
    /// in the input's kind (one-hot rows may come as integers).
    pub(crate) fn check(&self, x: &Tensor, cond: &Tensor) -> Result<Tensor> {
        self.check_input(x)?;
        let width = self.cond.expect("check() is for conditional networks");
        let n = x.size()[0];
        if cond.size() != [n, width] {
            return Err(Error::shape(
                format!("{} condition", self.name),
                format!("[{n}, {width}]"),
                &cond.size(),
            ));
        }
        Ok(if cond.kind() == x.kind() {
            cond.shallow_clone()
        } else {
            cond.to_kind(x.kind())
        })
    }

    /// Runs `probe` on zeros of `input_size` (eval mode, no gradients) while the layers
    /// report their outputs; `probe` returns the network's outputs.
    pub(crate) fn summary(
        &self,
        input_size: &[i64],
        probe: impl FnOnce(&Tensor) -> Result<Vec<Tensor>>,
    ) -> Result<NetSummary> {
        let device = self
            .vars
            .first()
            .map(|v| v.tensor.device())
            .unwrap_or(tch::Device::Cpu);
        let x = Tensor::zeros(input_size, (tch::Kind::Float, device));
        let (outputs, mut rows) = recording(|| tch::no_grad(|| probe(&x)));
        let outputs = outputs?;
        for r in &mut rows {
            r.name = self.relative(&r.name).to_string();
        }
        Ok(NetSummary {
            net: self.name.to_string(),
            input_size: input_size.to_vec(),
            output_shapes: outputs.iter().map(Tensor::size).collect(),
            rows,
            total_parameters: self.total_parameters(),
            trainable: self.trainable_parameters(),
        })
    }
}
