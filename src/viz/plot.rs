//! Line plots: loss curves, score curves, anything against steps.
use super::display::{evcxr_figure, Figure};
use super::style::{color, ensure_fonts, FONT};
use crate::{Error, Result};
use image::RgbImage;
use plotters::chart::SeriesAnno;
use plotters::coord::ranged1d::ValueFormatter;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

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
#[derive(Clone)]
pub struct LinePlot {
    title: String,
    x_label: String,
    y_label: String,
    series: Vec<Series>,
    size: (u32, u32),
    smoothing: Option<f64>,
    log_y: bool,
}

#[derive(Debug, Clone)]
struct Series {
    name: String,
    points: Vec<(f64, f64)>,
    /// Palette index; `None`: the series' own index.
    color: Option<usize>,
    dashed: bool,
}

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
            log_y: false,
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

    /// Logarithmic y axis (non-positive values are left out).
    pub fn log_y(mut self) -> Self {
        self.log_y = true;
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

    /// The ranges of x and y over every finite point (padded a little), or `None` when there
    /// is nothing to draw.
    fn ranges(&self) -> Option<((f64, f64), (f64, f64))> {
        let finite = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().copied())
            .filter(|&(x, y)| x.is_finite() && y.is_finite() && (!self.log_y || y > 0.0));
        let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        let mut any = false;
        for (x, y) in finite {
            any = true;
            (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
        }
        if !any {
            return None;
        }
        let widen = |lo: f64, hi: f64, log: bool| {
            if log {
                let (l, h) = (lo.log10(), hi.log10());
                let pad = ((h - l) * 0.05).max(0.05);
                (10f64.powf(l - pad), 10f64.powf(h + pad))
            } else if hi - lo < 1e-12 {
                (lo - 1.0, hi + 1.0)
            } else {
                let pad = (hi - lo) * 0.05;
                (lo - pad, hi + pad)
            }
        };
        let x = if x1 - x0 < 1e-12 {
            (x0 - 1.0, x1 + 1.0)
        } else {
            (x0, x1)
        };
        Some((x, widen(y0, y1, self.log_y)))
    }

    fn draw<DB: DrawingBackend>(&self, root: DrawingArea<DB, Shift>) -> Result<()> {
        let fail = |e: &dyn std::fmt::Display| Error::Draw {
            figure: format!("line plot {:?}", self.title),
            message: e.to_string(),
        };
        ensure_fonts();
        root.fill(&WHITE).map_err(|e| fail(&e))?;
        let Some((xr, yr)) = self.ranges() else {
            let style = TextStyle::from((FONT, 18).into_font()).color(&BLACK);
            root.draw_text(
                &format!("{}: no data to plot", self.title),
                &style,
                (20, 20),
            )
            .map_err(|e| fail(&e))?;
            return root.present().map_err(|e| fail(&e));
        };
        let mut builder = ChartBuilder::on(&root);
        builder
            .caption(&self.title, (FONT, 20).into_font())
            .margin(12)
            .x_label_area_size(if self.x_label.is_empty() { 28 } else { 44 })
            .y_label_area_size(if self.y_label.is_empty() { 56 } else { 72 });
        if self.log_y {
            let mut chart = builder
                .build_cartesian_2d(xr.0..xr.1, (yr.0..yr.1).log_scale())
                .map_err(|e| fail(&e))?;
            self.mesh_and_series(&mut chart).map_err(|e| fail(&e))?;
        } else {
            let mut chart = builder
                .build_cartesian_2d(xr.0..xr.1, yr.0..yr.1)
                .map_err(|e| fail(&e))?;
            self.mesh_and_series(&mut chart).map_err(|e| fail(&e))?;
        }
        root.present().map_err(|e| fail(&e))
    }

    fn mesh_and_series<'a, DB, Y>(
        &self,
        chart: &mut ChartContext<'a, DB, Cartesian2d<plotters::coord::types::RangedCoordf64, Y>>,
    ) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>>
    where
        DB: DrawingBackend + 'a,
        Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
    {
        chart
            .configure_mesh()
            .x_desc(self.x_label.as_str())
            .y_desc(self.y_label.as_str())
            .label_style((FONT, 13))
            .axis_desc_style((FONT, 15))
            .light_line_style(RGBColor(235, 235, 235))
            .bold_line_style(RGBColor(215, 215, 215))
            .draw()?;
        for (i, s) in self.series.iter().enumerate() {
            let c = color(s.color.unwrap_or(i));
            let dashed = s.dashed;
            let mut first = true;
            if let Some(w) = self.smoothing {
                for run in finite_runs(&s.points) {
                    draw_line(chart, run, c.mix(0.25).stroke_width(1), dashed)?;
                }
                for run in finite_runs(&ema(&s.points, w)) {
                    let series = draw_line(chart, run, c.stroke_width(2), dashed)?;
                    if std::mem::take(&mut first) {
                        legend(series.label(s.name.as_str()), c, dashed);
                    }
                }
            } else {
                let single = s.points.len() == 1;
                for run in finite_runs(&s.points) {
                    let series = if single {
                        chart.draw_series(run.into_iter().map(|p| Circle::new(p, 3, c.filled())))?
                    } else {
                        draw_line(chart, run, c.stroke_width(2), dashed)?
                    };
                    if std::mem::take(&mut first) {
                        legend(series.label(s.name.as_str()), c, dashed);
                    }
                }
            }
        }
        if self.series.iter().any(|s| !s.name.is_empty()) {
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.85))
                .border_style(RGBColor(200, 200, 200))
                .label_font((FONT, 14))
                .position(SeriesLabelPosition::UpperRight)
                .draw()?;
        }
        Ok(())
    }
}

/// Draws one unbroken run of a series, solid or dashed.
fn draw_line<'a, 'c, DB, Y>(
    chart: &'c mut ChartContext<'a, DB, Cartesian2d<plotters::coord::types::RangedCoordf64, Y>>,
    run: Vec<(f64, f64)>,
    style: ShapeStyle,
    dashed: bool,
) -> std::result::Result<&'c mut SeriesAnno<'a, DB>, DrawingAreaErrorKind<DB::ErrorType>>
where
    DB: DrawingBackend + 'a,
    Y: Ranged<ValueType = f64>,
{
    if dashed {
        chart.draw_series(DashedLineSeries::new(run, 6, 4, style))
    } else {
        chart.draw_series(LineSeries::new(run, style))
    }
}

/// A legend entry: a short solid or dashed line in the series' colour.
fn legend<DB: DrawingBackend>(anno: &mut SeriesAnno<DB>, c: RGBColor, dashed: bool) {
    if dashed {
        anno.legend(move |(x, y)| {
            DashedPathElement::new(vec![(x, y), (x + 20, y)], 5, 3, c.stroke_width(2))
        });
    } else {
        anno.legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(2)));
    }
}

/// Splits a series at non-finite values, so a NaN leaves a gap instead of breaking the plot.
fn finite_runs(points: &[(f64, f64)]) -> Vec<Vec<(f64, f64)>> {
    let mut runs = vec![Vec::new()];
    for &(x, y) in points {
        if x.is_finite() && y.is_finite() {
            runs.last_mut().expect("never empty").push((x, y));
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

    #[test]
    fn ema_is_bias_corrected() {
        let s = ema(&[(0.0, 2.0), (1.0, 4.0)], 0.5);
        assert_eq!(s[0], (0.0, 2.0)); // first value is kept as is
        assert!((s[1].1 - (0.5 * 1.0 + 2.0) / 0.75).abs() < 1e-12); // (0.5·2·0.5 + 0.5·4)/(1−0.25)
    }

    #[test]
    fn nan_splits_a_line_and_ranges_ignore_it() {
        let p = LinePlot::new("t").line("a", [1.0, f64::NAN, 3.0, 5.0]);
        assert_eq!(finite_runs(&p.series[0].points).len(), 2);
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
}
