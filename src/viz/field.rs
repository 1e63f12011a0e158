//! GAN Lab's picture of 2-D training: D's output as a heatmap over the plane, the real and
//! the generated samples on top, and arrows showing where G's loss pushes each fake sample.
use super::display::{evcxr_figure, Figure};
use super::style::{ensure_fonts, FONT};
use crate::error::{Error, Result};
use image::RgbImage;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
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
    /// A colour bar beside the plot reads the colours back (0 fake, purple; 1 real, green).
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

    /// Real samples `[N, 2]` (green dots, "real" in the legend).
    pub fn real(mut self, samples: &Tensor) -> Result<Self> {
        self.real = points(samples, "field plot real samples")?;
        Ok(self)
    }

    /// Generated samples `[N, 2]` (purple dots, "generated" in the legend).
    pub fn fake(mut self, samples: &Tensor) -> Result<Self> {
        self.fake = points(samples, "field plot fake samples")?;
        Ok(self)
    }

    /// Arrows from `from` `[N, 2]` along `direction` `[N, 2]` times `scale` (pink lines): e.g.
    /// −∇ of G's loss at the fake samples, where training moves them ("G's push" in the
    /// legend).
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

    /// Width of the column right of the plot that holds the legend and the colour bar.
    const SIDE: u32 = 130;

    /// (width, height) of the figure: the square plot and the side column.
    fn dimensions(&self) -> (u32, u32) {
        (self.size + Self::SIDE, self.size)
    }

    fn draw<DB: DrawingBackend>(&self, root: DrawingArea<DB, Shift>) -> Result<()> {
        let fail = |e: &dyn std::fmt::Display| Error::Draw {
            figure: format!("field plot {:?}", self.title),
            message: e.to_string(),
        };
        ensure_fonts();
        root.fill(&WHITE).map_err(|e| fail(&e))?;
        let (plot_area, side) = root.split_horizontally(self.size);
        let mut chart = ChartBuilder::on(&plot_area)
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
            chart
                .draw_series(v.iter().enumerate().map(|(k, &p)| {
                    let (i, j) = ((k % r) as f64, (k / r) as f64);
                    let (cx, cy) = (self.x.0 + i * dx, self.y.1 - j * dy);
                    Rectangle::new(
                        [
                            (cx - dx / 2.0, cy - dy / 2.0),
                            (cx + dx / 2.0, cy + dy / 2.0),
                        ],
                        heat_color(p).filled(),
                    )
                }))
                .map_err(|e| fail(&e))?;
        }
        chart
            .draw_series(
                self.real
                    .iter()
                    .map(|&p| Circle::new(p, 2, GREEN_DOT.filled())),
            )
            .map_err(|e| fail(&e))?;
        chart
            .draw_series(
                self.arrows
                    .iter()
                    .map(|&(a, b)| PathElement::new(vec![a, b], PINK_ARROW.stroke_width(1))),
            )
            .map_err(|e| fail(&e))?;
        chart
            .draw_series(
                self.fake
                    .iter()
                    .map(|&p| Circle::new(p, 2, PURPLE_DOT.filled())),
            )
            .map_err(|e| fail(&e))?;
        let top = chart.plotting_area().get_pixel_range().1;
        self.draw_side(&side, top).map_err(|e| fail(&e))?;
        root.present().map_err(|e| fail(&e))
    }

    /// The legend (what is drawn: real, generated, G's push) and, with a heatmap, the colour
    /// bar of D's output from 0 to 1, in the column right of the plot; `plot_y` is the
    /// plotting area's pixel rows.
    fn draw_side<DB: DrawingBackend>(
        &self,
        side: &DrawingArea<DB, Shift>,
        plot_y: std::ops::Range<i32>,
    ) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let label = |px: i32| {
            TextStyle::from((FONT, px).into_font())
                .color(&BLACK)
                .pos(Pos::new(HPos::Left, VPos::Center))
        };
        let mut y = plot_y.start + 8;
        let x = 8;
        if !self.real.is_empty() {
            side.draw(&Circle::new((x + 10, y), 4, GREEN_DOT.filled()))?;
            side.draw_text("real", &label(13), (x + 24, y))?;
            y += 22;
        }
        if !self.fake.is_empty() {
            side.draw(&Circle::new((x + 10, y), 4, PURPLE_DOT.filled()))?;
            side.draw_text("generated", &label(13), (x + 24, y))?;
            y += 22;
        }
        if !self.arrows.is_empty() {
            side.draw(&PathElement::new(
                vec![(x + 2, y + 4), (x + 18, y - 4)],
                PINK_ARROW.stroke_width(2),
            ))?;
            side.draw_text("G's push", &label(13), (x + 24, y))?;
            y += 22;
        }
        if self.heat.is_none() {
            return Ok(());
        }
        // The colour bar: D(x) from 0 (bottom, fake) to 1 (top, real).
        let title_y = y + 14;
        side.draw_text("D(x)", &label(14), (x + 2, title_y))?;
        let (bar_top, bar_bottom) = (title_y + 18, plot_y.end - 6);
        if bar_bottom - bar_top < 40 {
            return Ok(());
        }
        let (bx0, bx1) = (x + 4, x + 22);
        let h = bar_bottom - bar_top;
        for row in 0..=h {
            let p = 1.0 - row as f64 / h as f64;
            side.draw(&Rectangle::new(
                [(bx0, bar_top + row), (bx1, bar_top + row + 1)],
                heat_color(p).filled(),
            ))?;
        }
        side.draw(&Rectangle::new(
            [(bx0, bar_top), (bx1, bar_bottom + 1)],
            RGBColor(120, 120, 120),
        ))?;
        for (p, text) in [
            (1.0, "1  real"),
            (0.75, "0.75"),
            (0.5, "0.5"),
            (0.25, "0.25"),
            (0.0, "0  fake"),
        ] {
            let ty = bar_bottom - (p * h as f64).round() as i32;
            side.draw(&PathElement::new(
                vec![(bx1, ty), (bx1 + 4, ty)],
                RGBColor(80, 80, 80),
            ))?;
            side.draw_text(text, &label(12), (bx1 + 7, ty))?;
        }
        Ok(())
    }
}

/// Real samples' colour.
const GREEN_DOT: RGBColor = RGBColor(27, 140, 60);
/// Generated samples' colour.
const PURPLE_DOT: RGBColor = RGBColor(120, 50, 160);
/// G's push (arrows).
const PINK_ARROW: RGBColor = RGBColor(230, 60, 140);

/// GAN Lab's colours for D's output: purple where D says fake (0), green where it says real
/// (1).
fn heat_color(p: f64) -> RGBColor {
    let t = if p.is_nan() { 0.5 } else { p.clamp(0.0, 1.0) };
    let (a, b) = ((0.80, 0.72, 0.90), (0.72, 0.90, 0.74));
    RGBColor(
        ((a.0 + (b.0 - a.0) * t) * 255.0) as u8,
        ((a.1 + (b.1 - a.1) * t) * 255.0) as u8,
        ((a.2 + (b.2 - a.2) * t) * 255.0) as u8,
    )
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
        let (w, h) = self.dimensions();
        let mut buf = vec![255u8; (w * h * 3) as usize];
        self.draw(BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area())?;
        Ok(RgbImage::from_raw(w, h, buf).expect("buffer sized w×h×3"))
    }

    fn to_svg(&self) -> Result<String> {
        let mut svg = String::new();
        self.draw(SVGBackend::with_string(&mut svg, self.dimensions()).into_drawing_area())?;
        Ok(svg)
    }
}

evcxr_figure!(FieldPlot);

#[cfg(test)]
mod tests {
    use super::*;

    fn count(img: &RgbImage, xs: std::ops::Range<u32>, c: RGBColor) -> usize {
        xs.flat_map(|x| (0..img.height()).map(move |y| (x, y)))
            .filter(|&(x, y)| img.get_pixel(x, y).0 == [c.0, c.1, c.2])
            .count()
    }

    #[test]
    fn the_side_column_holds_a_legend_and_a_colour_bar_from_0_to_1() {
        let pts = Tensor::from_slice(&[0.5f32, 0.5, -0.5, -0.5]).view([2, 2]);
        let d = |x: &Tensor| x.sum_dim_intlist(1, false, Kind::Float).sigmoid();
        let plot = FieldPlot::new("t", (-1.0, 1.0), (-1.0, 1.0))
            .heatmap(&d, 8)
            .unwrap()
            .real(&pts)
            .unwrap()
            .fake(&(&pts * 0.5))
            .unwrap()
            .arrows(&pts, &pts, 0.2)
            .unwrap();
        let img = plot.to_rgb().unwrap();
        assert_eq!(img.dimensions(), (480 + FieldPlot::SIDE, 480));
        let side = 480..img.width();
        for (what, c) in [
            ("real", GREEN_DOT),
            ("generated", PURPLE_DOT),
            ("G's push", PINK_ARROW),
            ("D = 0", heat_color(0.0)),
            ("D = 1", heat_color(1.0)),
            ("D = 0.5", heat_color(0.5)),
        ] {
            assert!(
                count(&img, side.clone(), c) > 5,
                "{what} in the side column"
            );
        }
        // 1 at the top of the bar, 0 at the bottom.
        let rows = |c: RGBColor| {
            (0..img.height())
                .filter(|&y| (480..img.width()).any(|x| img.get_pixel(x, y).0 == [c.0, c.1, c.2]))
                .collect::<Vec<u32>>()
        };
        assert!(rows(heat_color(1.0))[0] < rows(heat_color(0.0))[0]);
        let svg = plot.to_svg().unwrap();
        assert!(svg.contains("generated") && svg.contains("1  real") && svg.contains("0.25"));

        // Only what is drawn is in the legend; no heatmap, no bar.
        let bare = FieldPlot::new("t", (-1.0, 1.0), (-1.0, 1.0))
            .real(&pts)
            .unwrap();
        let img = bare.to_rgb().unwrap();
        assert!(count(&img, 480..img.width(), GREEN_DOT) > 5);
        assert_eq!(count(&img, 480..img.width(), PURPLE_DOT), 0);
        assert_eq!(count(&img, 480..img.width(), heat_color(0.0)), 0);
    }
}
