//! Fréchet distance between feature statistics (FID when the features are Inception's):
//!
//! d² = ‖μ₁ − μ₂‖² + tr(Σ₁ + Σ₂ − 2 (Σ₁ Σ₂)^{1/2}),
//!
//! computed in f64 with tr((Σ₁Σ₂)^{1/2}) = tr((√Σ₁ Σ₂ √Σ₁)^{1/2}) through symmetric
//! eigendecompositions (no complex square roots). The built-in feature extractors are the
//! evaluator networks (`features()`, 128-d); any TorchScript model given by path (e.g. an
//! Inception network a user exported) can be used instead.
use super::evaluators::{FaceEvaluator, ObjectEvaluator};
use crate::error::{Error, Result};
use std::path::Path;
use tch::{Device, Kind, Tensor};

/// Mean and covariance of a set of feature vectors.
#[derive(Debug)]
pub struct FeatureStats {
    /// `[D]`, f64.
    pub mean: Tensor,
    /// `[D, D]`, f64 (unbiased, like numpy's `np.cov`).
    pub cov: Tensor,
    /// Number of vectors.
    pub n: usize,
}

impl FeatureStats {
    /// Statistics of features `[N, D]` (N ≥ 2).
    pub fn from_features(features: &Tensor) -> Result<Self> {
        let s = features.size();
        if s.len() != 2 || s[0] < 2 {
            return Err(Error::shape("feature statistics", "[N, D] with N ≥ 2", &s));
        }
        let f = features
            .detach()
            .to_device(Device::Cpu)
            .to_kind(Kind::Double);
        let mean = f.mean_dim(&[0i64][..], false, Kind::Double);
        let c = &f - &mean;
        let cov = c.transpose(0, 1).matmul(&c) / (s[0] - 1) as f64;
        Ok(FeatureStats {
            mean,
            cov,
            n: s[0] as usize,
        })
    }
}

/// Square root of a symmetric positive semi-definite matrix (negative eigenvalues from
/// rounding are clipped to 0).
fn sqrt_psd(m: &Tensor) -> Tensor {
    let sym = (m + m.transpose(0, 1)) / 2.0;
    let (vals, vecs) = sym.linalg_eigh("L");
    let root = vals.clamp_min(0.0).sqrt();
    (&vecs * root.unsqueeze(0)).matmul(&vecs.transpose(0, 1))
}

/// The Fréchet distance d² between two feature distributions.
pub fn frechet_distance(a: &FeatureStats, b: &FeatureStats) -> Result<f64> {
    if a.mean.size() != b.mean.size() {
        return Err(Error::shape(
            "Fréchet distance: second statistics",
            format!("{:?} (the first's feature size)", a.mean.size()),
            &b.mean.size(),
        ));
    }
    let diff = (&a.mean - &b.mean)
        .square()
        .sum(Kind::Double)
        .double_value(&[]);
    let s1 = sqrt_psd(&a.cov);
    let cross = sqrt_psd(&s1.matmul(&b.cov).matmul(&s1))
        .trace()
        .double_value(&[]);
    let tr = a.cov.trace().double_value(&[]) + b.cov.trace().double_value(&[]);
    Ok(diff + tr - 2.0 * cross)
}

/// What turns images into feature vectors for FID.
#[derive(Debug)]
pub enum FeatureExtractor {
    /// The built-in face evaluator's pooled features.
    Faces(FaceEvaluator),
    /// The built-in object evaluator's pooled features.
    Objects(ObjectEvaluator),
    /// A TorchScript model: images `[N, 3, H, W]` in [−1, 1] in, features `[N, D]` out.
    TorchScript(tch::CModule),
}

impl FeatureExtractor {
    /// The built-in face features.
    pub fn faces(device: Device) -> Result<Self> {
        FaceEvaluator::builtin(device).map(FeatureExtractor::Faces)
    }

    /// The built-in object features.
    pub fn objects(device: Device) -> Result<Self> {
        ObjectEvaluator::builtin(device).map(FeatureExtractor::Objects)
    }

    /// A TorchScript model saved with `torch.jit.save`.
    pub fn torchscript(path: impl AsRef<Path>, device: Device) -> Result<Self> {
        let path = path.as_ref();
        if !path.exists() {
            return Err(Error::data(path, None, "no such TorchScript file"));
        }
        tch::CModule::load_on_device(path, device)
            .map(FeatureExtractor::TorchScript)
            .map_err(|e| Error::torch(format!("loading TorchScript model {}", path.display()), e))
    }

    /// Features `[N, D]` of images `[N, 3, H, W]` in [−1, 1].
    pub fn features(&self, images: &Tensor) -> Result<Tensor> {
        match self {
            FeatureExtractor::Faces(e) => e.features(images),
            FeatureExtractor::Objects(e) => e.features(images),
            FeatureExtractor::TorchScript(m) => tch::no_grad(|| {
                let out = m
                    .forward_ts(&[images])
                    .map_err(|e| Error::torch("TorchScript feature extractor", e))?;
                Ok(out.flatten(1, -1))
            }),
        }
    }

    /// FID between two image sets (use a few thousand images each for stable numbers).
    pub fn fid(&self, real: &Tensor, fake: &Tensor) -> Result<f64> {
        let a = FeatureStats::from_features(&self.features(real)?)?;
        let b = FeatureStats::from_features(&self.features(fake)?)?;
        frechet_distance(&a, &b)
    }
}
