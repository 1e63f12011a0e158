//! A layer's weight at run time: used as it is, or divided by its largest singular value
//! (spectral normalisation, SNGAN), with the power-iteration state and step of
//! `torch.nn.utils.spectral_norm`. [`super::spectral::spectral_norm`] wraps a layer in it.
use tch::{nn, Kind, Tensor};

/// A weight, used as it is or divided by its largest singular value (spectral norm).
#[derive(Debug)]
pub(crate) struct Weight {
    pub(crate) w: Tensor,
    pub(crate) sn: Option<SpectralNorm>,
}

impl Weight {
    pub(crate) fn plain(w: Tensor) -> Weight {
        Weight { w, sn: None }
    }

    pub(crate) fn get(&self, train: bool) -> Tensor {
        match &self.sn {
            None => self.w.shallow_clone(),
            Some(sn) => sn.normalized(&self.w, train),
        }
    }
}

/// Power-iteration state of a spectrally normalised weight: the buffers `weight_u` and
/// `weight_v` of `torch.nn.utils.spectral_norm`.
#[derive(Debug)]
pub(crate) struct SpectralNorm {
    u: Tensor,
    v: Tensor,
    /// The dimension of the weight that holds the outputs (1 for ConvTranspose2d).
    dim: i64,
}

const EPS: f64 = 1e-12;

fn normalize(x: &Tensor) -> Tensor {
    x / x.norm().clamp_min(EPS)
}

/// The weight as a matrix with the output dimension first: `[out, rest]`.
fn matrix(w: &Tensor, dim: i64) -> Tensor {
    let w = if dim == 0 {
        w.shallow_clone()
    } else {
        let order: Vec<i64> = std::iter::once(dim)
            .chain((0..w.dim() as i64).filter(|&d| d != dim))
            .collect();
        w.permute(order)
    };
    let h = w.size()[0];
    w.reshape([h, -1])
}

impl SpectralNorm {
    /// The state for the weight `w` whose outputs are along `dim`: the buffers `weight_u` and
    /// `weight_v` at `p`, random unit vectors as PyTorch starts them.
    pub(crate) fn new(p: &nn::Path, w: &Tensor, dim: i64) -> SpectralNorm {
        let m = matrix(w, dim);
        let (h, w) = (m.size()[0], m.size()[1]);
        let opts = (Kind::Float, p.device());
        let u = p.add("weight_u", normalize(&Tensor::randn([h], opts)), false);
        let v = p.add("weight_v", normalize(&Tensor::randn([w], opts)), false);
        SpectralNorm { u, v, dim }
    }

    /// The buffers by their names, `weight_u` and `weight_v` (sharing storage).
    pub(crate) fn buffers(&self) -> [(&'static str, Tensor); 2] {
        [
            ("weight_u", self.u.shallow_clone()),
            ("weight_v", self.v.shallow_clone()),
        ]
    }

    /// A second handle on the same buffers (for [`super::info::NetInfo`], which reports σ).
    pub(crate) fn shallow_clone(&self) -> SpectralNorm {
        SpectralNorm {
            u: self.u.shallow_clone(),
            v: self.v.shallow_clone(),
            dim: self.dim,
        }
    }

    /// The estimate σ ≈ uᵀ W v with the stored u and v (what an eval-mode forward divides
    /// `w` by; a train-mode forward first takes one more power-iteration step).
    pub(crate) fn estimate(&self, w: &Tensor) -> f64 {
        tch::no_grad(|| {
            self.u
                .dot(&matrix(w, self.dim).mv(&self.v))
                .double_value(&[])
        })
    }

    /// The exact largest singular value of `w` as the estimate sees it (the matrix
    /// `[out, rest]`), by an SVD: `torch.linalg.norm(W, 2)`, the matrix 2-norm.
    pub(crate) fn exact(&self, w: &Tensor) -> f64 {
        tch::no_grad(|| {
            matrix(w, self.dim)
                .to_kind(Kind::Double)
                .linalg_norm(2.0, [0i64, 1].as_slice(), false, None::<Kind>)
                .double_value(&[])
        })
    }

    /// `w / σ(w)`, σ estimated as `uᵀ W v`; in train mode one power-iteration step first
    /// updates u and v in place (as PyTorch does in its forward pre-hook).
    pub(crate) fn normalized(&self, w: &Tensor, train: bool) -> Tensor {
        let m = matrix(w, self.dim);
        if train {
            tch::no_grad(|| {
                let v = normalize(&m.transpose(0, 1).mv(&self.u));
                let u = normalize(&m.mv(&v));
                self.v.shallow_clone().copy_(&v);
                self.u.shallow_clone().copy_(&u);
            });
        }
        // Copies: a later call updates the buffers in place, which must not change this graph.
        let sigma = self.u.copy().dot(&m.mv(&self.v.copy()));
        w / sigma
    }
}
