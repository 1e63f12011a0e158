//! Line plots: loss curves, score curves, anything against steps.
use super::axis::{Axis, Scale};
use super::display::{evcxr_figure, Figure};
use super::legend::*;
use super::style::{color, ensure_fonts, text, FONT};
use crate::error::{Error, Result};
use image::RgbImage;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// A line plot of one or more series.
///
/// ```no_run
/// # use gankit::prelude::*;
/// let d_loss = vec![1.4, 1.1, 0.9, 0.8];
/// let g_loss = vec![0.7, 0.9, 1.2, 1.3];
/// let plot = LinePlot::new("Losses").x_label("step").line("D", &d_loss).line("G", &g_loss);
/// plot.save("losses.svg")?;
/// # Ok::<(), gankit::Error>(())
/// ```
///
/// Several runs on one plot (control vs experiment): give each run one colour with
/// [`LinePlot::color`], and draw a second quantity of the same run [`LinePlot::dashed`]
/// ([`History::compare_plot`](crate::train::History::compare_plot) does the first part):
///
/// ```no_run
/// # use gankit::prelude::*;
/// # let (a, b) = (History::default(), History::default());
/// let runs = [("control", &a), ("label smoothing", &b)];
/// let mut plot = History::compare_plot("D(x) solid, D(G(z)) dashed", &runs, |r| r.d_real);
/// for (i, (name, h)) in runs.iter().enumerate() {
///     plot = plot.line_xy(format!("{name}: D(G(z))"), h.series(|r| r.d_fake_before)).color(i).dashed();
/// }
/// # Ok::<(), gankit::Error>(())
/// ```
///
/// A critic's loss changes sign and spans decades: [`LinePlot::symlog`] keeps all of it
/// visible, with ticks at the values themselves (…, −10, −1, 0, 1, 10, …):
///
/// ```no_run
/// # use gankit::prelude::*;
/// # let gan_history = History::default();
/// gan_history.loss_plot("WGAN losses").symlog().smooth(0.9)
/// # ;
/// ```
///
/// Layout: the x ticks are whole numbers when every x is (steps), the margins fit the tick
/// labels, and the legend goes in a corner of the plot that no line crosses, or below the
/// plot when every corner is taken.
#[derive(Clone)]
pub struct LinePlot {
    title: String,
    x_label: String,
    y_label: String,
    series: Vec<Series>,
    size: (u32, u32),
    smoothing: Option<f64>,
    y_scale: Scale,
    x_integer: bool,
}

#[derive(Debug, Clone)]
struct Series {
    name: String,
    points: Vec<(f64, f64)>,
    /// Palette index; `None`: the series' own index.
    color: Option<usize>,
    dashed: bool,
}

/// Font sizes (pixels) of tick labels, axis descriptions, legend entries and the title.
const TICK_PX: f64 = 13.0;
const DESC_PX: f64 = 15.0;
const TITLE_PX: f64 = 20.0;

impl LinePlot {
    /// An empty plot with a title.
    pub fn new(title: impl Into<String>) -> Self {
        LinePlot {
            title: title.into(),
            x_label: String::new(),
            y_label: String::new(),
            series: Vec::new(),
            size: (720, 400),
            smoothing: None,
            y_scale: Scale::Linear,
            x_integer: false,
        }
    }

    /// Adds a series of y values at x = 0, 1, 2, … (`&Vec<f64>`, `&[f32]`, an iterator…).
    pub fn line<I>(self, name: impl Into<String>, ys: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsF64,
    {
        let points = ys
            .into_iter()
            .enumerate()
            .map(|(i, y)| (i as f64, y.as_f64()));
        self.line_xy(name, points)
    }

    /// Adds a series of (x, y) points.
    pub fn line_xy<I, X, Y>(mut self, name: impl Into<String>, points: I) -> Self
    where
        I: IntoIterator<Item = (X, Y)>,
        X: AsF64,
        Y: AsF64,
    {
        let points = points
            .into_iter()
            .map(|(x, y)| (x.as_f64(), y.as_f64()))
            .collect();
        self.series.push(Series {
            name: name.into(),
            points,
            color: None,
            dashed: false,
        });
        self
    }

    /// Gives the last added line the `i`-th palette colour (see [`PALETTE`](crate::viz::PALETTE))
    /// instead of its own: lines of one run share a colour. Does nothing on an empty plot.
    pub fn color(mut self, i: usize) -> Self {
        if let Some(s) = self.series.last_mut() {
            s.color = Some(i);
        }
        self
    }

    /// Draws the last added line dashed (its legend entry too): a run's second quantity next
    /// to its first, solid one. Does nothing on an empty plot.
    pub fn dashed(mut self) -> Self {
        if let Some(s) = self.series.last_mut() {
            s.dashed = true;
        }
        self
    }

    /// Label of the x axis.
    pub fn x_label(mut self, label: impl Into<String>) -> Self {
        self.x_label = label.into();
        self
    }

    /// Label of the y axis.
    pub fn y_label(mut self, label: impl Into<String>) -> Self {
        self.y_label = label.into();
        self
    }

    /// Size in pixels (default 720×400).
    pub fn size(mut self, width: u32, height: u32) -> Self {
        self.size = (width.max(160), height.max(120));
        self
    }

    /// Draws each series smoothed by an exponential moving average with this weight on the
    /// past (0.9 is TensorBoard's usual), with the raw values faint behind it.
    pub fn smooth(mut self, weight: f64) -> Self {
        self.smoothing = Some(weight.clamp(0.0, 0.999));
        self
    }

    /// The y axis' scale: [`Scale::Linear`] (the default), [`Scale::Log`] or
    /// [`Scale::SymLog`].
    pub fn y_scale(mut self, scale: Scale) -> Self {
        self.y_scale = scale;
        self
    }

    /// Logarithmic y axis, for positive values spanning decades (report 003's losses);
    /// values ≤ 0 are left out, leaving a gap in their line.
    pub fn log_y(self) -> Self {
        self.y_scale(Scale::Log)
    }

    /// Symmetric log y axis with the linear part within ±1: `y_scale(Scale::SymLog {
    /// linthresh: 1.0 })`. For a loss that goes below zero and spans decades (a WGAN critic's).
    pub fn symlog(self) -> Self {
        self.y_scale(Scale::SymLog { linthresh: 1.0 })
    }

    /// Whole-number x ticks, written without decimals. Automatic when every x is a whole
    /// number (steps); this forces it for other x values.
    pub fn x_integer(mut self) -> Self {
        self.x_integer = true;
        self
    }

    /// Number of series.
    pub fn len(&self) -> usize {
        self.series.len()
    }

    /// Whether the plot has no series.
    pub fn is_empty(&self) -> bool {
        self.series.is_empty()
    }

    /// Whether a point can be drawn (finite, and positive on a log axis).
    fn drawable(&self, (x, y): (f64, f64)) -> bool {
        x.is_finite() && self.y_scale.accepts(y)
    }

    /// The ranges of x and y over every drawable point (y padded a little), or `None` when
    /// there is nothing to draw.
    fn ranges(&self) -> Option<((f64, f64), (f64, f64))> {
        let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        let mut any = false;
        for (x, y) in self.series.iter().flat_map(|s| s.points.iter().copied()) {
            if self.drawable((x, y)) {
                any = true;
                (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
            }
        }
        if !any {
            return None;
        }
        let x = if x1 - x0 < 1e-12 {
            (x0 - 1.0, x1 + 1.0)
        } else {
            (x0, x1)
        };
        Some((x, Axis::fit(y0, y1, self.y_scale, 0.05)))
    }

    /// Whether every x is a whole number (the ticks then are too).
    fn integer_x(&self) -> bool {
        self.x_integer
            || self
                .series
                .iter()
                .flat_map(|s| &s.points)
                .filter(|p| p.0.is_finite())
                .all(|p| p.0.fract() == 0.0)
    }

    /// The lines as drawn (smoothed when smoothing is on, the raw values too), each split into
    /// unbroken runs: what the legend must not cover.
    fn drawn_runs(&self) -> Vec<Vec<(f64, f64)>> {
        let ok = |p: (f64, f64)| self.drawable(p);
        let mut runs = Vec::new();
        for s in &self.series {
            runs.extend(finite_runs(&s.points, ok));
            if let Some(w) = self.smoothing {
                runs.extend(finite_runs(&ema(&s.points, w), ok));
            }
        }
        runs
    }

    /// Where everything goes, for a plot that has something to draw.
    fn layout(&self) -> Option<Layout> {
        let ((x0, x1), (y0, y1)) = self.ranges()?;
        let (w, h) = (self.size.0 as i32, self.size.1 as i32);
        let top = if self.title.is_empty() {
            12
        } else {
            text::line_height(TITLE_PX) as i32 + 14
        };
        let tick_h = text::line_height(TICK_PX) as i32;
        let desc_h = text::line_height(DESC_PX) as i32;
        let x_area = 8
            + tick_h
            + if self.x_label.is_empty() {
                2
            } else {
                desc_h + 4
            };
        let mut y = Axis {
            lo: y0,
            hi: y1,
            scale: self.y_scale,
            integer: false,
            max_ticks: 10,
        };
        let mut x = Axis {
            lo: x0,
            hi: x1,
            scale: Scale::Linear,
            integer: self.integer_x(),
            max_ticks: 10,
        };
        let entries = self.legend_entries();
        let legend = LegendBox::measure(&entries);
        let widest = |labels: Vec<String>| {
            labels
                .iter()
                .map(|l| text::width(l, TICK_PX) as i32)
                .max()
                .unwrap_or(0)
        };
        // The legend's place decides the plot's height, which decides the y ticks, which
        // decide the left margin: try inside first, then below.
        for below in [false, true] {
            let mut below_h = if below && legend.is_some() {
                legend_rows_height(&entries, w - 40)
            } else {
                0
            };
            // A plot too small for the legend below it has none (never a plot of no height).
            let keep_legend = below_h == 0 || h - 8 - below_h - x_area - top >= 60;
            if !keep_legend {
                below_h = 0;
            }
            let bottom = (h - 8 - below_h - x_area).max(top + 20);
            y.max_ticks = ((bottom - top) / 42).clamp(3, 10) as usize;
            let y_area = widest(y.labels())
                + 14
                + if self.y_label.is_empty() {
                    0
                } else {
                    desc_h + 6
                };
            let left = 8 + y_area;
            // x ticks: as many as fit with room between labels; the right margin holds half
            // of the last label when it sits at the right edge.
            let mut right = w - 16;
            for n in (2..=10).rev() {
                x.max_ticks = n;
                let labels = x.labels();
                let lw = widest(labels.clone());
                let last = x.ticks().last().map_or(0.0, |t| x.fraction(*t));
                let overhang = if last > 0.9 { lw / 2 + 6 } else { 0 };
                right = w - 16.max(overhang);
                if (labels.len() as i32) * (lw + 24) <= right - left {
                    break;
                }
            }
            let plot = (left, top, right, bottom);
            let place = match legend {
                None => None,
                Some(_) if below && !keep_legend => None,
                Some(_) if below => Some(LegendPlace::Below(bottom + x_area + 4)),
                Some(size) => match self.free_corner(plot, &x, &y, size) {
                    Some(corner) => Some(LegendPlace::Inside(corner)),
                    None => continue,
                },
            };
            return Some(Layout {
                x,
                y,
                plot,
                top,
                x_area,
                y_area,
                legend: place,
            });
        }
        unreachable!("the second pass always places the legend")
    }

    /// A corner of the plot (top right first; then the middles of the sides) where the legend box of `size` covers no line,
    /// as the box's top-left pixel.
    fn free_corner(
        &self,
        (left, top, right, bottom): (i32, i32, i32, i32),
        x: &Axis,
        y: &Axis,
        (bw, bh): (i32, i32),
    ) -> Option<(i32, i32)> {
        let inset = 8;
        let (xl, xr) = (left + inset, right - inset - bw);
        let (yt, yb) = (top + inset, bottom - inset - bh);
        let xm = (left + right - bw) / 2;
        let ym = (top + bottom - bh) / 2;
        if xr < xl || yb < yt {
            return None;
        }
        let to_px = |(vx, vy): (f64, f64)| {
            (
                left as f64 + x.fraction(vx) * (right - left) as f64,
                bottom as f64 - y.fraction(vy) * (bottom - top) as f64,
            )
        };
        let runs: Vec<Vec<(f64, f64)>> = self
            .drawn_runs()
            .into_iter()
            .map(|r| r.into_iter().map(to_px).collect())
            .collect();
        let margin = 6.0;
        [
            (xr, yt),
            (xl, yt),
            (xr, yb),
            (xl, yb),
            (xm, yt),
            (xm, yb),
            (xr, ym),
            (xl, ym),
        ]
        .into_iter()
        .find(|&(bx, by)| {
            let rect = (
                bx as f64 - margin,
                by as f64 - margin,
                (bx + bw) as f64 + margin,
                (by + bh) as f64 + margin,
            );
            !runs.iter().any(|run| crosses(run, rect))
        })
    }

    /// (name, colour, dashed) of each named series.
    fn legend_entries(&self) -> Vec<(String, RGBColor, bool)> {
        self.series
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.name.is_empty())
            .map(|(i, s)| (s.name.clone(), color(s.color.unwrap_or(i)), s.dashed))
            .collect()
    }

    fn draw<DB: DrawingBackend>(&self, root: DrawingArea<DB, Shift>) -> Result<()> {
        let fail = |e: &dyn std::fmt::Display| Error::Draw {
            figure: format!("line plot {:?}", self.title),
            message: e.to_string(),
        };
        ensure_fonts();
        root.fill(&WHITE).map_err(|e| fail(&e))?;
        let Some(l) = self.layout() else {
            let style = TextStyle::from((FONT, 18).into_font()).color(&BLACK);
            root.draw_text(
                &format!("{}: no data to plot", self.title),
                &style,
                (20, 20),
            )
            .map_err(|e| fail(&e))?;
            return root.present().map_err(|e| fail(&e));
        };
        let w = self.size.0 as i32;
        if !self.title.is_empty() {
            let style = TextStyle::from((FONT, TITLE_PX).into_font())
                .color(&BLACK)
                .pos(Pos::new(HPos::Center, VPos::Top));
            root.draw_text(&self.title, &style, (w / 2, 8))
                .map_err(|e| fail(&e))?;
        }
        let (left, _, right, _) = l.plot;
        let mut chart = l.chart(&root).map_err(|e| fail(&e))?;
        chart
            .configure_mesh()
            .x_desc(self.x_label.as_str())
            .y_desc(self.y_label.as_str())
            .label_style((FONT, TICK_PX))
            .axis_desc_style((FONT, DESC_PX))
            .light_line_style(RGBColor(242, 242, 242))
            .bold_line_style(RGBColor(215, 215, 215))
            .draw()
            .map_err(|e| fail(&e))?;
        let ok = |p: (f64, f64)| self.drawable(p);
        for (i, s) in self.series.iter().enumerate() {
            let c = color(s.color.unwrap_or(i));
            let dashed = s.dashed;
            if let Some(w) = self.smoothing {
                for run in finite_runs(&s.points, ok) {
                    draw_line(&mut chart, run, c.mix(0.25).stroke_width(1), dashed)
                        .map_err(|e| fail(&e))?;
                }
                for run in finite_runs(&ema(&s.points, w), ok) {
                    draw_line(&mut chart, run, c.stroke_width(2), dashed).map_err(|e| fail(&e))?;
                }
            } else {
                let single = s.points.len() == 1;
                for run in finite_runs(&s.points, ok) {
                    if single {
                        chart
                            .draw_series(run.into_iter().map(|p| Circle::new(p, 3, c.filled())))
                            .map_err(|e| fail(&e))?;
                    } else {
                        draw_line(&mut chart, run, c.stroke_width(2), dashed)
                            .map_err(|e| fail(&e))?;
                    }
                }
            }
        }
        if let Some(place) = l.legend {
            let entries = self.legend_entries();
            match place {
                LegendPlace::Inside(at) => draw_legend_box(&root, &entries, at),
                LegendPlace::Below(y) => draw_legend_rows(&root, &entries, (left, right), y),
            }
            .map_err(|e| fail(&e))?;
        }
        root.present().map_err(|e| fail(&e))
    }
}

/// Where a plot's parts go: the axes, the plotting area's pixels (left, top, right, bottom),
/// the label areas' sizes and the legend's place.
struct Layout {
    x: Axis,
    y: Axis,
    plot: (i32, i32, i32, i32),
    top: i32,
    x_area: i32,
    y_area: i32,
    legend: Option<LegendPlace>,
}

/// A plot's chart: both axes are [`Axis`]es.
type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<Axis, Axis>>;

impl Layout {
    /// The chart on `root` with its plotting area at [`Layout::plot`].
    fn chart<'a, DB: DrawingBackend>(
        &self,
        root: &'a DrawingArea<DB, Shift>,
    ) -> std::result::Result<Chart<'a, DB>, DrawingAreaErrorKind<DB::ErrorType>> {
        let (w, h) = root.dim_in_pixel();
        let (left, _, right, bottom) = self.plot;
        ChartBuilder::on(root)
            .margin_top(self.top)
            .margin_left(left - self.y_area)
            .margin_right(w as i32 - right)
            .margin_bottom(h as i32 - bottom - self.x_area)
            .x_label_area_size(self.x_area)
            .y_label_area_size(self.y_area)
            .build_cartesian_2d(self.x.clone(), self.y.clone())
    }
}

/// Draws one unbroken run of a series, solid or dashed.
fn draw_line<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    run: Vec<(f64, f64)>,
    style: ShapeStyle,
    dashed: bool,
) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    if dashed {
        chart.draw_series(DashedLineSeries::new(run, 6, 4, style))?;
    } else {
        chart.draw_series(LineSeries::new(run, style))?;
    }
    Ok(())
}

/// Splits a series where `ok` fails (NaN, or ≤ 0 on a log axis), so such a value leaves a gap
/// instead of breaking the plot.
fn finite_runs(points: &[(f64, f64)], ok: impl Fn((f64, f64)) -> bool) -> Vec<Vec<(f64, f64)>> {
    let mut runs = vec![Vec::new()];
    for &p in points {
        if ok(p) {
            runs.last_mut().expect("never empty").push(p);
        } else if !runs.last().expect("never empty").is_empty() {
            runs.push(Vec::new());
        }
    }
    runs.retain(|r| !r.is_empty());
    runs
}

/// Exponential moving average with bias correction (as TensorBoard draws it): s_t =
/// w·s_{t−1} + (1−w)·y_t, divided by 1 − w^t. Non-finite values are passed through and skipped.
pub(crate) fn ema(points: &[(f64, f64)], weight: f64) -> Vec<(f64, f64)> {
    let (mut s, mut n) = (0.0, 0);
    points
        .iter()
        .map(|&(x, y)| {
            if !y.is_finite() {
                return (x, y);
            }
            n += 1;
            s = weight * s + (1.0 - weight) * y;
            (x, s / (1.0 - weight.powi(n)))
        })
        .collect()
}

impl std::fmt::Debug for LinePlot {
    /// A summary, not the data (evcxr prints `Debug` when it cannot call `evcxr_display`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = self
            .series
            .iter()
            .map(|s| format!("{} ({} points)", s.name, s.points.len()))
            .collect();
        write!(f, "LinePlot({:?}: {})", self.title, names.join(", "))
    }
}

impl Figure for LinePlot {
    fn kind(&self) -> &'static str {
        "line plot"
    }

    fn to_rgb(&self) -> Result<RgbImage> {
        let (w, h) = self.size;
        let mut buf = vec![255u8; (w * h * 3) as usize];
        self.draw(BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area())?;
        Ok(RgbImage::from_raw(w, h, buf).expect("buffer sized w×h×3"))
    }

    fn to_svg(&self) -> Result<String> {
        let mut svg = String::new();
        self.draw(SVGBackend::with_string(&mut svg, self.size).into_drawing_area())?;
        Ok(svg)
    }
}

evcxr_figure!(LinePlot);

/// Numbers a plot accepts: f32, f64, integers, and references to them.
pub trait AsF64 {
    fn as_f64(&self) -> f64;
}

macro_rules! as_f64 {
    ($($t:ty),*) => {$(
        impl AsF64 for $t { fn as_f64(&self) -> f64 { *self as f64 } }
        impl AsF64 for &$t { fn as_f64(&self) -> f64 { **self as f64 } }
    )*};
}
as_f64!(f32, f64, i32, i64, u32, u64, usize);

#[cfg(test)]
mod tests {
    use super::*;

    fn is_ink(p: &image::Rgb<u8>) -> bool {
        p.0.iter().any(|&c| c < 200)
    }

    #[test]
    fn ema_is_bias_corrected() {
        let s = ema(&[(0.0, 2.0), (1.0, 4.0)], 0.5);
        assert_eq!(s[0], (0.0, 2.0)); // first value is kept as is
        assert!((s[1].1 - (0.5 * 1.0 + 2.0) / 0.75).abs() < 1e-12); // (0.5·2·0.5 + 0.5·4)/(1−0.25)
    }

    #[test]
    fn nan_splits_a_line_and_ranges_ignore_it() {
        let p = LinePlot::new("t").line("a", [1.0, f64::NAN, 3.0, 5.0]);
        assert_eq!(
            finite_runs(&p.series[0].points, |p| p.1.is_finite()).len(),
            2
        );
        let ((x0, x1), (y0, y1)) = p.ranges().unwrap();
        assert_eq!((x0, x1), (0.0, 3.0));
        assert!(y0 < 1.0 && y0 > 0.7 && y1 > 5.0 && y1 < 5.3);
    }

    #[test]
    fn draws_coloured_lines_on_white() {
        let img = LinePlot::new("t")
            .line("a", [0.0, 1.0, 0.0])
            .line("b", vec![1.0f32, 0.0, 1.0])
            .to_rgb()
            .unwrap();
        assert_eq!(img.dimensions(), (720, 400));
        let has = |c: RGBColor| img.pixels().any(|p| p.0 == [c.0, c.1, c.2]);
        assert!(
            has(color(0)) && has(color(1)),
            "both series' colours appear"
        );
        let svg = LinePlot::new("t").line("a", [0.0, 1.0]).to_svg().unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("<polyline"));
    }

    /// A WGAN-like critic loss: from +0.5 down to −300 over 400 steps.
    fn critic_loss() -> Vec<(usize, f64)> {
        (1..=400)
            .map(|s| (s, 0.5 - 300.0 * (s as f64 / 400.0).powi(2)))
            .collect()
    }

    #[test]
    fn symlog_and_log_axes_label_ticks_with_the_values() {
        let p = LinePlot::new("w").line_xy("D", critic_loss()).symlog();
        let l = p.layout().unwrap();
        assert_eq!(l.y.labels(), ["−100", "−10", "−1", "0"]);
        // Both ends of the data are inside the plot, the small values far from the large ones.
        let (f0, f1) = (l.y.fraction(0.5), l.y.fraction(-300.0));
        assert!(f0 < 1.0 && f1 > 0.0 && f0 - l.y.fraction(-1.0) > 0.15);
        let svg = p.to_svg().unwrap();
        let tick = |t: &str| svg.contains(&format!("\n{t}\n</text>"));
        assert!(tick("−100") && tick("0"), "tick labels in the SVG");

        let positive: Vec<f64> = (0..100).map(|i| 3.0 * 0.93f64.powi(i)).collect();
        let l = LinePlot::new("l")
            .line("G", &positive)
            .log_y()
            .layout()
            .unwrap();
        assert_eq!(l.y.labels(), ["0.01", "0.1", "1"]);
        // A log plot leaves out values ≤ 0 instead of failing.
        let p = LinePlot::new("l")
            .line("G", [1.0, 0.0, -1.0, 10.0, 100.0])
            .log_y();
        assert!(p.to_rgb().is_ok());
        assert_eq!(p.ranges().unwrap().0, (0.0, 4.0));
    }

    #[test]
    fn step_axes_have_whole_number_ticks() {
        let steps = LinePlot::new("s")
            .line_xy("D", critic_loss())
            .layout()
            .unwrap();
        assert!(steps.x.integer);
        assert_eq!(steps.x.labels().last().unwrap(), "400");
        let few = LinePlot::new("s").line_xy("D", [(1, 0.5), (2, 0.4), (3, 0.2)]);
        assert_eq!(few.layout().unwrap().x.labels(), ["1", "2", "3"]);
        let halves = LinePlot::new("s").line_xy("D", [(0.0, 0.5), (1.5, 0.4)]);
        assert!(!halves.layout().unwrap().x.integer);
        assert!(halves.x_integer().layout().unwrap().x.integer);
    }

    #[test]
    fn plotters_puts_the_plotting_area_where_the_layout_says() {
        let p = LinePlot::new("t")
            .x_label("step")
            .y_label("loss")
            .line_xy("D", critic_loss());
        let l = p.layout().unwrap();
        let (w, h) = p.size;
        let mut buf = vec![255u8; (w * h * 3) as usize];
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        let (left, top, right, bottom) = l.plot;
        let chart = l.chart(&root).unwrap();
        assert_eq!(
            chart.plotting_area().get_pixel_range(),
            (left..right, top..bottom),
            "the legend's free corner is computed in these pixels"
        );
    }

    #[test]
    fn the_last_x_label_is_not_cut_at_the_right_edge() {
        let img = LinePlot::new("s")
            .x_label("step")
            .line_xy("D", critic_loss())
            .to_rgb()
            .unwrap();
        let (w, h) = img.dimensions();
        let ink_right = (w - 4..w)
            .flat_map(|x| (0..h).map(move |y| (x, y)))
            .filter(|&(x, y)| is_ink(img.get_pixel(x, y)))
            .count();
        assert_eq!(ink_right, 0, "nothing drawn in the last 4 columns");
    }

    #[test]
    fn the_legend_covers_no_line_and_goes_below_when_no_corner_is_free() {
        // Falling curves: the top right corner is free.
        let p = LinePlot::new("t").line_xy("D loss", critic_loss()).line_xy(
            "G loss",
            critic_loss().into_iter().map(|(s, v)| (s, v * 0.5)),
        );
        let l = p.layout().unwrap();
        let Some(LegendPlace::Inside((bx, by))) = l.legend else {
            panic!("{:?}", l.legend)
        };
        let (bw, bh) = LegendBox::measure(&p.legend_entries()).unwrap();
        assert!(bx + bw > (l.plot.0 + l.plot.2) / 2, "a right corner");
        // No series pixel under the box (drawn with the box: only its own sample lines).
        let img = p.clone().to_rgb().unwrap();
        let c = color(0);
        let under = (bx + SAMPLE + 12..bx + bw)
            .flat_map(|x| (by..by + bh).map(move |y| (x as u32, y as u32)))
            .filter(|&(x, y)| img.get_pixel(x, y).0 == [c.0, c.1, c.2])
            .count();
        assert_eq!(under, 0);

        // Noise over the whole plot: no free corner, the legend goes below the axis.
        let noise: Vec<f64> = (0..400).map(|i| ((i * 7919) % 101) as f64).collect();
        let p = LinePlot::new("t")
            .x_label("step")
            .line("a", &noise)
            .line("b", &noise);
        let l = p.layout().unwrap();
        let Some(LegendPlace::Below(y)) = l.legend else {
            panic!("{:?}", l.legend)
        };
        assert!(y > l.plot.3 && y < 400, "below the axis: {y}");
        let img = p.to_rgb().unwrap();
        let ink = (0..720)
            .flat_map(|x| (y as u32..400).map(move |y| (x, y)))
            .filter(|&(x, yy)| img.get_pixel(x, yy).0 == [c.0, c.1, c.2])
            .count();
        assert!(ink > 20, "the legend's sample line below the plot");

        // Too small for a legend below: drawn without one, not with a plot of no height.
        let tiny = LinePlot::new("tiny").size(160, 120);
        let tiny = (0..8).fold(tiny, |p, i| p.line(format!("series {i}"), &noise));
        assert_eq!(tiny.layout().unwrap().legend, None);
        assert!(tiny.to_rgb().is_ok());
    }
}
