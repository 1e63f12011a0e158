//! Histograms of values per layer: a critic's weights before and after clipping, a SELU
//! network's activations. One small panel per layer, several sets overlaid in a panel.
use super::axis::{Axis, Scale};
use super::display::{evcxr_figure, Figure};
use super::grid::near_square_columns;
use super::style::{color, ensure_fonts, text, FONT};
use crate::error::{Error, Result};
use image::RgbImage;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use tch::{nn, Device, Kind, Tensor};

/// Histograms of named sets of values, one panel per name (a layer), each with its own title
/// and counts; sets with the same name in different panels share a colour and one legend.
///
/// ```no_run
/// # use gankit::prelude::*;
/// # fn f(gan: &mut Gan<nn::Sequential, nn::Sequential>) -> gankit::Result<()> {
/// let before = Histogram::new("Critic weights").weights("before clipping", gan.vs_d());
/// // … a critic step with weight clipping …
/// before.weights("after clipping", gan.vs_d()).x_label("weight")
/// # ; Ok(()) }
/// ```
///
/// Any values, by panel and set name (`Vec<f32>`, `&[f64]`, a tensor of any shape):
///
/// ```no_run
/// # use gankit::prelude::*;
/// # let (h1, h2) = (Tensor::zeros([64, 256], (Kind::Float, Device::Cpu)), Tensor::zeros([64, 256], (Kind::Float, Device::Cpu)));
/// Histogram::new("SELU activations")
///     .panel("layer 1", &h1)
///     .panel("layer 2", &h2)
///     .x_label("activation")
///     .save("activations.png")?;
/// # Ok::<(), gankit::Error>(())
/// ```
///
/// Values are copied when added, so a histogram keeps showing them as they were. Non-finite
/// values are left out and counted in the panel's title.
#[derive(Clone)]
pub struct Histogram {
    title: String,
    x_label: String,
    y_label: String,
    panels: Vec<Panel>,
    set_names: Vec<String>,
    bins: usize,
    columns: Option<usize>,
    panel_size: (u32, u32),
    /// Inputs that could not be read (reported when drawn).
    problems: Vec<String>,
}

#[derive(Debug, Clone)]
struct Panel {
    name: String,
    /// (index into `set_names`, values).
    sets: Vec<(usize, Vec<f32>)>,
}

/// Values a histogram takes: `Vec<f32>`, `&[f32]`, `Vec<f64>`, `&[f64]` and tensors (any
/// shape, any device; flattened).
pub trait HistogramValues {
    /// The values as f32, or what went wrong reading them.
    fn into_values(self) -> std::result::Result<Vec<f32>, String>;
}

impl HistogramValues for Vec<f32> {
    fn into_values(self) -> std::result::Result<Vec<f32>, String> {
        Ok(self)
    }
}
impl HistogramValues for &Vec<f32> {
    fn into_values(self) -> std::result::Result<Vec<f32>, String> {
        Ok(self.clone())
    }
}
impl HistogramValues for &[f32] {
    fn into_values(self) -> std::result::Result<Vec<f32>, String> {
        Ok(self.to_vec())
    }
}
impl HistogramValues for Vec<f64> {
    fn into_values(self) -> std::result::Result<Vec<f32>, String> {
        Ok(self.into_iter().map(|v| v as f32).collect())
    }
}
impl HistogramValues for &Vec<f64> {
    fn into_values(self) -> std::result::Result<Vec<f32>, String> {
        Ok(self.iter().map(|&v| v as f32).collect())
    }
}
impl HistogramValues for &[f64] {
    fn into_values(self) -> std::result::Result<Vec<f32>, String> {
        Ok(self.iter().map(|&v| v as f32).collect())
    }
}
impl HistogramValues for &Tensor {
    fn into_values(self) -> std::result::Result<Vec<f32>, String> {
        let t = self
            .detach()
            .f_to_device(Device::Cpu)
            .and_then(|t| t.f_to_kind(Kind::Float))
            .and_then(|t| t.f_reshape([-1]))
            .map_err(|e| e.to_string())?;
        Vec::<f32>::try_from(&t).map_err(|e| e.to_string())
    }
}
impl HistogramValues for Tensor {
    fn into_values(self) -> std::result::Result<Vec<f32>, String> {
        (&self).into_values()
    }
}

impl Histogram {
    /// An empty figure with a title.
    pub fn new(title: impl Into<String>) -> Self {
        Histogram {
            title: title.into(),
            x_label: "value".into(),
            y_label: "count".into(),
            panels: Vec::new(),
            set_names: Vec::new(),
            bins: 40,
            columns: None,
            panel_size: (320, 230),
            problems: Vec::new(),
        }
    }

    /// Adds the set `set` of `values` to the panel `panel` (a new panel at the end if no
    /// panel has that name yet). Sets of the same name share a colour across panels; named
    /// sets get a legend.
    pub fn add(
        mut self,
        panel: impl Into<String>,
        set: impl Into<String>,
        values: impl HistogramValues,
    ) -> Self {
        let (panel, set) = (panel.into(), set.into());
        let values = match values.into_values() {
            Ok(v) => v,
            Err(e) => {
                self.problems
                    .push(format!("panel \"{panel}\", set \"{set}\": {e}"));
                return self;
            }
        };
        let s = match self.set_names.iter().position(|n| *n == set) {
            Some(s) => s,
            None => {
                self.set_names.push(set);
                self.set_names.len() - 1
            }
        };
        match self.panels.iter_mut().find(|p| p.name == panel) {
            Some(p) => p.sets.push((s, values)),
            None => self.panels.push(Panel {
                name: panel,
                sets: vec![(s, values)],
            }),
        }
        self
    }

    /// A panel of one unnamed set: `add(name, "", values)`.
    pub fn panel(self, name: impl Into<String>, values: impl HistogramValues) -> Self {
        self.add(name, "", values)
    }

    /// One panel per (name, values) pair, all in the set `set`: e.g. every layer's
    /// activations, or every layer's weights "after clipping".
    pub fn layers<N, V>(self, set: &str, named: impl IntoIterator<Item = (N, V)>) -> Self
    where
        N: Into<String>,
        V: HistogramValues,
    {
        named
            .into_iter()
            .fold(self, |h, (name, values)| h.add(name, set, values))
    }

    /// The weights of every layer in a variable store (the variables whose name ends in
    /// "weight", biases and norms' scales left out, in layer order), one panel each, in the
    /// set `set`: a critic's `gan.vs_d` before and after clipping.
    pub fn weights(self, set: &str, vs: &nn::VarStore) -> Self {
        let mut vars: Vec<(String, Tensor)> = vs
            .variables()
            .into_iter()
            .filter(|(name, _)| name.ends_with("weight"))
            .collect();
        vars.sort_by(|a, b| natural_order(&a.0, &b.0));
        self.layers(set, vars)
    }

    /// Bins per panel (default 40); all sets of a panel share the bins.
    pub fn bins(mut self, bins: usize) -> Self {
        self.bins = bins.clamp(1, 1000);
        self
    }

    /// Panels per row (default: near-square, at most 4).
    pub fn columns(mut self, columns: usize) -> Self {
        self.columns = Some(columns.max(1));
        self
    }

    /// Label of every panel's x axis (default "value").
    pub fn x_label(mut self, label: impl Into<String>) -> Self {
        self.x_label = label.into();
        self
    }

    /// Label of every panel's y axis (default "count").
    pub fn y_label(mut self, label: impl Into<String>) -> Self {
        self.y_label = label.into();
        self
    }

    /// Size of one panel in pixels (default 320×230).
    pub fn panel_size(mut self, width: u32, height: u32) -> Self {
        self.panel_size = (width.max(160), height.max(120));
        self
    }

    /// Number of panels.
    pub fn len(&self) -> usize {
        self.panels.len()
    }

    /// Whether there is no panel.
    pub fn is_empty(&self) -> bool {
        self.panels.is_empty()
    }

    /// (columns, rows) of the panels.
    pub fn shape(&self) -> (usize, usize) {
        let n = self.panels.len().max(1);
        let cols = self
            .columns
            .unwrap_or_else(|| near_square_columns(n).min(4))
            .min(n);
        (cols, n.div_ceil(cols))
    }

    /// Whether a legend is drawn: some set has a name.
    fn has_legend(&self) -> bool {
        self.set_names.iter().any(|n| !n.is_empty())
    }

    /// Heights of the title band and the legend band above the panels.
    fn bands(&self) -> (u32, u32) {
        let title = if self.title.is_empty() {
            0
        } else {
            text::line_height(20.0) + 12
        };
        let legend = if self.has_legend() {
            text::line_height(14.0) + 8
        } else {
            0
        };
        (title, legend)
    }

    fn dimensions(&self) -> (u32, u32) {
        let (cols, rows) = self.shape();
        let (title, legend) = self.bands();
        let (pw, ph) = self.panel_size;
        (
            (cols as u32 * pw).max(360),
            title + legend + rows as u32 * ph,
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: DrawingArea<DB, Shift>) -> Result<()> {
        let fail = |e: &dyn std::fmt::Display| Error::Draw {
            figure: format!("histogram {:?}", self.title),
            message: e.to_string(),
        };
        if let Some(p) = self.problems.first() {
            return Err(fail(&format!("could not read the values of {p}")));
        }
        if self.panels.is_empty() {
            return Err(fail(
                &"no values (add a panel with `panel`, `add` or `layers`)",
            ));
        }
        ensure_fonts();
        root.fill(&WHITE).map_err(|e| fail(&e))?;
        let (w, _) = self.dimensions();
        let (title_h, legend_h) = self.bands();
        if !self.title.is_empty() {
            let style = TextStyle::from((FONT, 20).into_font())
                .color(&BLACK)
                .pos(Pos::new(HPos::Center, VPos::Top));
            root.draw_text(&self.title, &style, (w as i32 / 2, 8))
                .map_err(|e| fail(&e))?;
        }
        if legend_h > 0 {
            self.draw_legend(&root, title_h as i32 + legend_h as i32 / 2, w as i32)
                .map_err(|e| fail(&e))?;
        }
        let (_, body) = root.split_vertically(title_h + legend_h);
        let (cols, rows) = self.shape();
        let areas = body.split_evenly((rows, cols));
        for (panel, area) in self.panels.iter().zip(&areas) {
            self.draw_panel(panel, area).map_err(|e| fail(&e))?;
        }
        root.present().map_err(|e| fail(&e))
    }

    /// The named sets in a row, centred on `y`: a filled swatch and the name each.
    fn draw_legend<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        y: i32,
        width: i32,
    ) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let px = 14.0;
        let entries: Vec<(usize, &String)> = self
            .set_names
            .iter()
            .enumerate()
            .filter(|(_, n)| !n.is_empty())
            .collect();
        let item = |n: &str| 16 + 6 + text::width(n, px) as i32 + 24;
        let total: i32 = entries.iter().map(|(_, n)| item(n)).sum::<i32>() - 24;
        let mut x = (width / 2 - total / 2).max(8);
        let style = TextStyle::from((FONT, px).into_font())
            .color(&BLACK)
            .pos(Pos::new(HPos::Left, VPos::Center));
        for (i, name) in entries {
            let c = color(i);
            root.draw(&Rectangle::new(
                [(x, y - 6), (x + 16, y + 6)],
                c.mix(0.45).filled(),
            ))?;
            root.draw(&Rectangle::new(
                [(x, y - 6), (x + 16, y + 6)],
                c.stroke_width(1),
            ))?;
            root.draw_text(name, &style, (x + 22, y))?;
            x += item(name);
        }
        Ok(())
    }

    fn draw_panel<DB: DrawingBackend>(
        &self,
        panel: &Panel,
        area: &DrawingArea<DB, Shift>,
    ) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let (pw, ph) = area.dim_in_pixel();
        let tick_px = 12.0;
        let non_finite: usize = panel
            .sets
            .iter()
            .map(|(_, v)| v.iter().filter(|x| !x.is_finite()).count())
            .sum();
        let caption = if non_finite > 0 {
            format!("{} ({non_finite} non-finite left out)", panel.name)
        } else {
            panel.name.clone()
        };
        let caption = text::shorten(&caption, 14.0, pw.saturating_sub(16));
        let binned = bin(panel, self.bins);
        let Some(((lo, hi), sets)) = binned else {
            let style = TextStyle::from((FONT, 13).into_font())
                .color(&BLACK)
                .pos(Pos::new(HPos::Center, VPos::Center));
            area.draw_text(
                &format!("{caption}: no finite values"),
                &style,
                (pw as i32 / 2, ph as i32 / 2),
            )?;
            return Ok(());
        };
        let top = sets
            .iter()
            .flat_map(|(_, c)| c.iter())
            .max()
            .copied()
            .unwrap_or(0);
        let pad = (hi - lo) * 0.04;
        let mut x = Axis {
            lo: lo - pad,
            hi: hi + pad,
            scale: Scale::Linear,
            integer: false,
            max_ticks: 5,
        };
        let y = Axis {
            lo: 0.0,
            hi: (top.max(1) as f64) * 1.08,
            scale: Scale::Linear,
            integer: true,
            max_ticks: ((ph as i32 - 90) / 32).clamp(3, 6) as usize,
        };
        let widest = |a: &Axis| {
            a.labels()
                .iter()
                .map(|l| text::width(l, tick_px) as i32)
                .max()
                .unwrap_or(0)
        };
        let line = text::line_height(tick_px) as i32;
        let y_area = widest(&y) + 10 + if self.y_label.is_empty() { 0 } else { line + 4 };
        let x_area = line + 8 + if self.x_label.is_empty() { 0 } else { line + 2 };
        let plot_w = pw as i32 - y_area - 20;
        while x.max_ticks > 2 && (x.labels().len() as i32) * (widest(&x) + 14) > plot_w {
            x.max_ticks -= 1;
        }
        let right = 8.max(widest(&x) / 2 + 4);
        let mut chart = ChartBuilder::on(area)
            .caption(caption, (FONT, 14))
            .margin_top(4)
            .margin_left(6)
            .margin_bottom(6)
            .margin_right(right)
            .x_label_area_size(x_area)
            .y_label_area_size(y_area)
            .build_cartesian_2d(x, y)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_desc(self.x_label.as_str())
            .y_desc(self.y_label.as_str())
            .label_style((FONT, tick_px))
            .axis_desc_style((FONT, tick_px))
            .light_line_style(WHITE)
            .bold_line_style(RGBColor(230, 230, 230))
            .draw()?;
        let bw = (hi - lo) / self.bins as f64;
        let edge = |i: usize| lo + i as f64 * bw;
        for (s, counts) in &sets {
            let c = color(*s);
            chart.draw_series(counts.iter().enumerate().filter(|(_, &n)| n > 0).map(
                |(i, &n)| {
                    Rectangle::new(
                        [(edge(i), 0.0), (edge(i + 1), n as f64)],
                        c.mix(0.35).filled(),
                    )
                },
            ))?;
        }
        // Outlines on top, so an overlaid set's shape shows through another's fill.
        for (s, counts) in &sets {
            let c = color(*s);
            // From the first bin with values to the last: no line along the axis beyond them.
            let Some(first) = counts.iter().position(|&n| n > 0) else {
                continue;
            };
            let last = counts.iter().rposition(|&n| n > 0).unwrap_or(first);
            let mut outline = vec![(edge(first), 0.0)];
            for (i, &n) in counts.iter().enumerate().take(last + 1).skip(first) {
                outline.push((edge(i), n as f64));
                outline.push((edge(i + 1), n as f64));
            }
            outline.push((edge(last + 1), 0.0));
            chart.draw_series(std::iter::once(PathElement::new(
                outline,
                c.stroke_width(1),
            )))?;
        }
        Ok(())
    }
}

/// Counts per bin of each set of a panel over bins shared by the panel's sets: the range of
/// the finite values and (set, counts) pairs; `None` without any finite value.
#[allow(clippy::type_complexity)]
fn bin(panel: &Panel, bins: usize) -> Option<((f64, f64), Vec<(usize, Vec<u64>)>)> {
    let finite = || {
        panel
            .sets
            .iter()
            .flat_map(|(_, v)| v.iter())
            .filter(|x| x.is_finite())
            .map(|&x| x as f64)
    };
    let lo = finite().fold(f64::INFINITY, f64::min);
    let hi = finite().fold(f64::NEG_INFINITY, f64::max);
    if lo > hi {
        return None;
    }
    let (lo, hi) = if hi - lo <= 1e-12 * lo.abs().max(1e-30) {
        let half = (lo.abs() * 0.1).max(0.5);
        (lo - half, hi + half)
    } else {
        (lo, hi)
    };
    let bins = bins.max(1);
    let sets = panel
        .sets
        .iter()
        .map(|(s, values)| {
            let mut counts = vec![0u64; bins];
            for &v in values.iter().filter(|v| v.is_finite()) {
                let i = (((v as f64 - lo) / (hi - lo)) * bins as f64).floor() as usize;
                counts[i.min(bins - 1)] += 1;
            }
            (*s, counts)
        })
        .collect();
    Some(((lo, hi), sets))
}

/// Orders "10.weight" after "9.weight": digit runs compare as numbers.
fn natural_order(a: &str, b: &str) -> std::cmp::Ordering {
    fn chunks(s: &str) -> Vec<(bool, String)> {
        let mut out: Vec<(bool, String)> = Vec::new();
        for c in s.chars() {
            let d = c.is_ascii_digit();
            match out.last_mut() {
                Some((kind, chunk)) if *kind == d => chunk.push(c),
                _ => out.push((d, c.to_string())),
            }
        }
        out
    }
    let (ca, cb) = (chunks(a), chunks(b));
    for ((da, sa), (db, sb)) in ca.iter().zip(&cb) {
        let ord = if *da && *db {
            let (na, nb) = (sa.trim_start_matches('0'), sb.trim_start_matches('0'));
            na.len().cmp(&nb.len()).then_with(|| na.cmp(nb))
        } else {
            sa.cmp(sb)
        };
        if ord != std::cmp::Ordering::Equal {
            return ord;
        }
    }
    ca.len().cmp(&cb.len())
}

impl std::fmt::Debug for Histogram {
    /// A summary, not the values (evcxr prints `Debug` when it cannot call `evcxr_display`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let panels: Vec<String> = self
            .panels
            .iter()
            .map(|p| {
                let n: usize = p.sets.iter().map(|(_, v)| v.len()).sum();
                format!("{} ({n} values)", p.name)
            })
            .collect();
        write!(f, "Histogram({:?}: {})", self.title, panels.join(", "))
    }
}

impl Figure for Histogram {
    fn kind(&self) -> &'static str {
        "histogram"
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

evcxr_figure!(Histogram);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_are_shared_by_a_panels_sets_and_the_maximum_lands_in_the_last() {
        let h = Histogram::new("t")
            .add("conv1", "before", vec![-0.02f32, 0.0, 0.03])
            .add("conv1", "after", vec![-0.01f32, 0.01, 0.01, f32::NAN])
            .add("conv2", "after", &[1.0f64, 1.0][..]);
        assert_eq!(h.len(), 2);
        assert_eq!(h.set_names, ["before", "after"]);
        let ((lo, hi), sets) = bin(&h.panels[0], 5).unwrap();
        assert_eq!((lo, hi), (-0.02f32 as f64, 0.03f32 as f64));
        assert_eq!(sets[0], (0, vec![1, 0, 1, 0, 1]));
        assert_eq!(
            sets[1],
            (1, vec![0, 1, 0, 2, 0]),
            "NaN left out; 0.01 opens bin 3"
        );
        // All values equal: a range around them, one full bin.
        let ((lo, hi), sets) = bin(&h.panels[1], 4).unwrap();
        assert!(lo < 1.0 && hi > 1.0);
        assert_eq!(sets[0].1.iter().sum::<u64>(), 2);
    }

    #[test]
    fn layers_come_in_layer_order_and_columns_are_near_square() {
        let names = ["10.weight", "2.weight", "1.weight"];
        let mut sorted = names.to_vec();
        sorted.sort_by(|a, b| natural_order(a, b));
        assert_eq!(sorted, ["1.weight", "2.weight", "10.weight"]);
        assert_eq!(
            [1, 2, 3, 4, 5, 6, 12, 16, 32, 64].map(near_square_columns),
            [1, 2, 3, 2, 3, 3, 4, 4, 8, 8]
        );
        let h = Histogram::new("t").layers("w", names.map(|n| (n, vec![0.0f32])));
        assert_eq!(h.shape(), (3, 1));
        assert_eq!(h.clone().columns(2).shape(), (2, 2));
    }

    #[test]
    fn draws_each_set_in_its_colour_with_a_legend_and_reads_tensors() {
        let t = Tensor::from_slice(&[0.5f32, -0.5, 0.25, 0.0]).view([2, 2]);
        let h = Histogram::new("weights")
            .add("layer", "before clipping", &t)
            .add("layer", "after clipping", t.clamp(-0.3, 0.3));
        let img = h.to_rgb().unwrap();
        assert_eq!(img.dimensions(), (360, 230 + 36 + 25));
        for i in 0..2 {
            let c = color(i);
            let n = img.pixels().filter(|p| p.0 == [c.0, c.1, c.2]).count();
            assert!(n > 20, "set {i}'s colour: {n} pixels");
        }
        let svg = h.to_svg().unwrap();
        assert!(svg.contains("before clipping") && svg.contains("<rect"));
        let e = Histogram::new("empty").to_rgb().unwrap_err().to_string();
        assert!(e.contains("no values"), "{e}");
    }
}
