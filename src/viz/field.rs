//! GAN Lab's picture of 2-D training: D's output as a heatmap over the plane, the real and
//! the generated samples on top, and arrows showing where G's loss pushes each fake sample.
use super::display::{evcxr_figure, Figure};
use super::style::{ensure_fonts, FONT};
use crate::{Error, Result};
use image::RgbImage;
use plotters::coord::Shift;
use plotters::prelude::*;
use tch::{Device, Kind, Tensor};

/// A 2-D field plot (build it with the methods, then show or save it).
///
/// ```no_run
/// # use gankit::prelude::*;
/// # let (real, fake, push) = (Tensor::zeros([8, 2], (Kind::Float, Device::Cpu)), Tensor::zeros([8, 2], (Kind::Float, Device::Cpu)), Tensor::zeros([8, 2], (Kind::Float, Device::Cpu)));
/// let d = |x: &Tensor| x.sum_dim_intlist(1, false, Kind::Float).sigmoid();
/// let plot = FieldPlot::new("step 100", (-3.0, 3.0), (-3.0, 3.0))
///     .heatmap(&d, 60)?
///     .real(&real)?
///     .fake(&fake)?
///     .arrows(&fake, &push, 0.5)?;
/// # Ok::<(), gankit::Error>(())
/// ```
#[derive(Clone)]
pub struct FieldPlot {
    title: String,
    x: (f64, f64),
    y: (f64, f64),
    heat: Option<(usize, Vec<f64>)>,
    real: Vec<(f64, f64)>,
    fake: Vec<(f64, f64)>,
    arrows: Vec<((f64, f64), (f64, f64))>,
    size: u32,
}

fn points(t: &Tensor, what: &str) -> Result<Vec<(f64, f64)>> {
    let s = t.size();
    if s.len() != 2 || s[1] != 2 {
        return Err(Error::shape(what, "[N, 2]", &s));
    }
    let v = Vec::<f64>::try_from(
        t.detach()
            .to_device(Device::Cpu)
            .to_kind(Kind::Double)
            .view([-1]),
    )
    .map_err(|e| Error::torch(what, e))?;
    Ok(v.chunks(2).map(|p| (p[0], p[1])).collect())
}

impl FieldPlot {
    /// An empty plot of the region `x` × `y`.
    pub fn new(title: impl Into<String>, x: (f64, f64), y: (f64, f64)) -> Self {
        FieldPlot {
            title: title.into(),
            x,
            y,
            heat: None,
            real: Vec::new(),
            fake: Vec::new(),
            arrows: Vec::new(),
            size: 480,
        }
    }

    /// D's output on a `resolution`×`resolution` grid over the region: `d` maps points
    /// `[N, 2]` to `[N]` or `[N, 1]`, probabilities in [0, 1] (apply σ to a critic's logits).
    pub fn heatmap(mut self, d: &dyn Fn(&Tensor) -> Tensor, resolution: usize) -> Result<Self> {
        let r = resolution.max(2) as i64;
        let xs = Tensor::linspace(self.x.0, self.x.1, r, (Kind::Float, Device::Cpu));
        let ys = Tensor::linspace(self.y.1, self.y.0, r, (Kind::Float, Device::Cpu)); // top row first
        let grid = Tensor::stack(
            &[xs.repeat([r]), ys.repeat_interleave_self_int(r, None, None)],
            1,
        );
        let out = tch::no_grad(|| d(&grid));
        let v = Vec::<f64>::try_from(
            out.detach()
                .to_device(Device::Cpu)
                .to_kind(Kind::Double)
                .reshape([-1]),
        )
        .map_err(|e| Error::torch("field heatmap", e))?;
        if v.len() != (r * r) as usize {
            return Err(Error::shape(
                "field heatmap: D's output",
                format!("{} values (one per grid point)", r * r),
                &out.size(),
            ));
        }
        self.heat = Some((r as usize, v));
        Ok(self)
    }

    /// Real samples `[N, 2]` (green dots).
    pub fn real(mut self, samples: &Tensor) -> Result<Self> {
        self.real = points(samples, "field plot real samples")?;
        Ok(self)
    }

    /// Generated samples `[N, 2]` (purple dots).
    pub fn fake(mut self, samples: &Tensor) -> Result<Self> {
        self.fake = points(samples, "field plot fake samples")?;
        Ok(self)
    }

    /// Arrows from `from` `[N, 2]` along `direction` `[N, 2]` times `scale` (pink lines): e.g.
    /// −∇ of G's loss at the fake samples, where training moves them.
    pub fn arrows(mut self, from: &Tensor, direction: &Tensor, scale: f64) -> Result<Self> {
        let a = points(from, "field plot arrow starts")?;
        let d = points(direction, "field plot arrow directions")?;
        if a.len() != d.len() {
            return Err(Error::shape(
                "field plot arrow directions",
                format!("[{}, 2] (one per start)", a.len()),
                &direction.size(),
            ));
        }
        self.arrows = a
            .into_iter()
            .zip(d)
            .map(|(p, v)| (p, (p.0 + scale * v.0, p.1 + scale * v.1)))
            .collect();
        Ok(self)
    }

    fn draw<DB: DrawingBackend>(&self, root: DrawingArea<DB, Shift>) -> Result<()> {
        let fail = |e: &dyn std::fmt::Display| Error::Draw {
            figure: format!("field plot {:?}", self.title),
            message: e.to_string(),
        };
        ensure_fonts();
        root.fill(&WHITE).map_err(|e| fail(&e))?;
        let mut chart = ChartBuilder::on(&root)
            .caption(&self.title, (FONT, 18).into_font())
            .margin(10)
            .x_label_area_size(28)
            .y_label_area_size(36)
            .build_cartesian_2d(self.x.0..self.x.1, self.y.0..self.y.1)
            .map_err(|e| fail(&e))?;
        chart
            .configure_mesh()
            .disable_mesh()
            .label_style((FONT, 12))
            .draw()
            .map_err(|e| fail(&e))?;
        if let Some((r, v)) = &self.heat {
            let (dx, dy) = (
                (self.x.1 - self.x.0) / (*r as f64 - 1.0),
                (self.y.1 - self.y.0) / (*r as f64 - 1.0),
            );
            // GAN Lab's colours: purple where D says fake (0), green where it says real (1).
            let color = |p: f64| {
                let t = p.clamp(0.0, 1.0);
                let (a, b) = ((0.80, 0.72, 0.90), (0.72, 0.90, 0.74));
                RGBColor(
                    ((a.0 + (b.0 - a.0) * t) * 255.0) as u8,
                    ((a.1 + (b.1 - a.1) * t) * 255.0) as u8,
                    ((a.2 + (b.2 - a.2) * t) * 255.0) as u8,
                )
            };
            chart
                .draw_series(v.iter().enumerate().map(|(k, &p)| {
                    let (i, j) = ((k % r) as f64, (k / r) as f64);
                    let (cx, cy) = (self.x.0 + i * dx, self.y.1 - j * dy);
                    Rectangle::new(
                        [
                            (cx - dx / 2.0, cy - dy / 2.0),
                            (cx + dx / 2.0, cy + dy / 2.0),
                        ],
                        color(p).filled(),
                    )
                }))
                .map_err(|e| fail(&e))?;
        }
        let green = RGBColor(27, 140, 60);
        let purple = RGBColor(120, 50, 160);
        let pink = RGBColor(230, 60, 140);
        chart
            .draw_series(self.real.iter().map(|&p| Circle::new(p, 2, green.filled())))
            .map_err(|e| fail(&e))?;
        chart
            .draw_series(
                self.arrows
                    .iter()
                    .map(|&(a, b)| PathElement::new(vec![a, b], pink.stroke_width(1))),
            )
            .map_err(|e| fail(&e))?;
        chart
            .draw_series(
                self.fake
                    .iter()
                    .map(|&p| Circle::new(p, 2, purple.filled())),
            )
            .map_err(|e| fail(&e))?;
        root.present().map_err(|e| fail(&e))
    }
}

impl std::fmt::Debug for FieldPlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "FieldPlot({:?}: {} real, {} fake, {} arrows, heatmap {})",
            self.title,
            self.real.len(),
            self.fake.len(),
            self.arrows.len(),
            self.heat.is_some()
        )
    }
}

impl Figure for FieldPlot {
    fn kind(&self) -> &'static str {
        "field plot"
    }

    fn to_rgb(&self) -> Result<RgbImage> {
        let s = self.size;
        let mut buf = vec![255u8; (s * s * 3) as usize];
        self.draw(BitMapBackend::with_buffer(&mut buf, (s, s)).into_drawing_area())?;
        Ok(RgbImage::from_raw(s, s, buf).expect("buffer sized s×s×3"))
    }

    fn to_svg(&self) -> Result<String> {
        let mut svg = String::new();
        self.draw(SVGBackend::with_string(&mut svg, (self.size, self.size)).into_drawing_area())?;
        Ok(svg)
    }
}

evcxr_figure!(FieldPlot);
