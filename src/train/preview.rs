//! What a trainer shows of itself at a step, as tensors and labels: the fixed noise's images,
//! a translation panel, or GAN Lab's 2-D field. The trainers compute previews; `viz` draws
//! them (a [`Preview`] is a figure: `gan.preview()?` as a cell's last expression draws it).
use crate::error::{Error, Result};
use tch::{Device, Kind, Tensor};

/// A trainer's picture of now.
#[derive(Debug)]
pub enum Preview {
    /// Images in a grid (the fixed noise's samples, a translation panel).
    Images(ImagePreview),
    /// A 2-D run: D's output over the plane, real and fake points, G's push.
    Field(FieldPreview),
}

/// Images `[N, C, H, W]` in [−1, 1] on the CPU, laid out `columns` to a row (`None`: the
/// grid's own choice), with optional labels (empty: none).
#[derive(Debug)]
pub struct ImagePreview {
    pub images: Tensor,
    pub columns: Option<usize>,
    pub title: String,
    pub column_labels: Vec<String>,
    pub row_labels: Vec<String>,
    /// A caption under each tile (empty: none), e.g. the tags a tile was asked for.
    pub captions: Vec<String>,
}

impl ImagePreview {
    /// `images` (moved to the CPU), titled, with no labels.
    pub fn new(images: &Tensor, title: impl Into<String>) -> Self {
        ImagePreview {
            images: images.detach().to_device(Device::Cpu),
            columns: None,
            title: title.into(),
            column_labels: Vec::new(),
            row_labels: Vec::new(),
            captions: Vec::new(),
        }
    }
}

/// GAN Lab's view of a 2-D run over the rectangle `x` × `y` (all tensors on the CPU).
#[derive(Debug)]
pub struct FieldPreview {
    pub title: String,
    pub x: (f64, f64),
    pub y: (f64, f64),
    /// D's output as a probability on a `resolution`×`resolution` grid over the rectangle, in
    /// the order of [`FieldPreview::grid`] (top row first, left to right).
    pub heat: Vec<f64>,
    pub resolution: usize,
    /// Real points `[N, 2]`.
    pub real: Tensor,
    /// Generated points `[M, 2]`.
    pub fake: Tensor,
    /// At each generated point, −∇ₓ of its own term of G's loss, scaled so that the longest
    /// arrow is a tenth of the rectangle's width: where G's loss pushes the sample.
    pub push: Tensor,
}

impl FieldPreview {
    /// The `resolution`² points of the grid over `x` × `y`, `[r², 2]`, top row first.
    pub fn grid(x: (f64, f64), y: (f64, f64), resolution: usize) -> Tensor {
        let r = resolution.max(2) as i64;
        let xs = Tensor::linspace(x.0, x.1, r, (Kind::Float, Device::Cpu));
        let ys = Tensor::linspace(y.1, y.0, r, (Kind::Float, Device::Cpu));
        Tensor::stack(
            &[xs.repeat([r]), ys.repeat_interleave_self_int(r, None, None)],
            1,
        )
    }

    /// A field from D's output function (probabilities) on the grid, the points and G's push
    /// (unscaled: scaled here so the longest arrow is a tenth of the width).
    pub fn compute(
        title: impl Into<String>,
        extent: f64,
        d: &dyn Fn(&Tensor) -> Tensor,
        real: &Tensor,
        fake: &Tensor,
        push: &Tensor,
    ) -> Result<FieldPreview> {
        let (x, y, resolution) = ((-extent, extent), (-extent, extent), 60);
        let grid = Self::grid(x, y, resolution);
        let out = tch::no_grad(|| d(&grid)).detach().to_device(Device::Cpu);
        let heat = Vec::<f64>::try_from(out.to_kind(Kind::Double).reshape([-1]))
            .map_err(|e| Error::torch("field preview", e))?;
        let cpu = |t: &Tensor| t.detach().to_device(Device::Cpu).to_kind(Kind::Float);
        let push = cpu(push);
        let longest = push
            .square()
            .sum_dim_intlist(1, false, Kind::Float)
            .sqrt()
            .max()
            .double_value(&[]);
        let scale = if longest > 0.0 {
            0.2 * extent / longest
        } else {
            0.0
        };
        Ok(FieldPreview {
            title: title.into(),
            x,
            y,
            heat,
            resolution,
            real: cpu(real),
            fake: cpu(fake),
            push: push * scale,
        })
    }
}

/// A preview kept at a step (the loop keeps one every `preview_every` steps).
#[derive(Debug)]
pub struct Snapshot {
    /// Steps done when it was taken (0: the untrained networks).
    pub step: usize,
    pub preview: Preview,
}

impl Snapshot {
    /// The images of an image preview (`None` for a 2-D field).
    pub fn images(&self) -> Option<&Tensor> {
        match &self.preview {
            Preview::Images(p) => Some(&p.images),
            Preview::Field(_) => None,
        }
    }
}
