//! An interactive figure that needs no server: frames the library drew, a slider, play/pause
//! and each frame's numbers, in one piece of self-contained HTML.
mod field;

use super::display::{emit, encode_png, Figure, Html};
use crate::files::write_atomically;
use crate::train::{FieldPreview, History, Preview, Snapshot, StepRecord};
use crate::{Error, Result};
use base64::Engine;
use field::FieldData;
use image::codecs::jpeg::JpegEncoder;
use image::RgbImage;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Frames with a slider: scrub through a run (D's heatmap and G's push at every kept step) or
/// through a parameter (a loss and its gradients as C(x_r) moves), each frame beside its
/// numbers (step, losses, any named values).
///
/// ```no_run
/// # use gankit::prelude::*;
/// # fn f(toy: &mut Gan<nn::Sequential, nn::Sequential>) -> gankit::Result<()> {
/// toy.train(2_000, TrainOptions::new().preview_every(20))?;
/// let scrub = Scrubber::from_snapshots(toy.snapshots(), toy.history())?;
/// scrub.save("toy_run.html")?;
/// scrub // the last expression of a cell: a slider over the 101 kept steps
/// # ; Ok(()) }
/// ```
///
/// It is one HTML output with no external URL: the frames are embedded images (JPEG or PNG,
/// whichever is smaller, at most [`Scrubber::max_width`] pixels wide), the controls a few lines
/// of script. Where scripts do not run (a notebook JupyterLab does not trust: one executed
/// elsewhere and not signed), the same output is a still of the start frame and its numbers,
/// with a line saying how to get the slider. The runner (`bash kernel/gankit run`) signs the
/// notebooks it writes, so they open trusted.
#[derive(Clone)]
pub struct Scrubber {
    title: String,
    frames: Vec<ScrubFrame>,
    start: Option<usize>,
    frame_ms: u32,
    max_width: Option<u32>,
    encoding: FrameEncoding,
}

#[derive(Clone)]
struct ScrubFrame {
    label: String,
    content: Content,
    numbers: Vec<(String, f64)>,
}

#[derive(Clone)]
enum Content {
    /// A picture, kept losslessly (PNG); re-encoded when the HTML is written.
    Raster(Vec<u8>),
    /// A 2-D field kept as data, drawn by the page.
    Field(Box<FieldData>),
}

/// How frames are embedded in the HTML.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FrameEncoding {
    /// Lossless PNG (exact pixels; largest for heatmaps and samples).
    Png,
    /// JPEG at a quality in 1..=100.
    Jpeg(u8),
    /// Per frame, JPEG at this quality unless the PNG is smaller (flat figures, line plots).
    Smallest(u8),
}

/// A quantity of a step's record, by name.
type Column = (&'static str, fn(&StepRecord) -> Option<f64>);

/// Axes drawn for one plotted rectangle (x range, y range), as the script receives them.
type Axes = ((f64, f64), (f64, f64), serde_json::Value);

static NEXT_ID: AtomicUsize = AtomicUsize::new(0);

impl Scrubber {
    /// A scrubber with no frames yet (add them with [`Scrubber::frame`]).
    pub fn new(title: impl Into<String>) -> Self {
        Scrubber {
            title: title.into(),
            frames: Vec::new(),
            start: None,
            frame_ms: 150,
            max_width: None,
            encoding: FrameEncoding::Smallest(80),
        }
    }

    /// Adds a frame: `figure` drawn now, labelled `label` ("step 200"), with its numbers
    /// (`&[("D loss", 0.61), ("G loss", 0.83)]`; NaN shows as "–").
    pub fn frame<S: AsRef<str>>(
        self,
        label: impl Into<String>,
        figure: &impl Figure,
        numbers: &[(S, f64)],
    ) -> Result<Self> {
        let png = figure.to_png()?;
        Ok(self.push(label.into(), Content::Raster(png), numbers))
    }

    /// Adds a 2-D field frame (D's heatmap, the real and fake points, G's push), kept as data
    /// and drawn by the page: about 3 kB for 512 points where a picture takes 10-20 kB. Where
    /// scripts do not run, the start frame shows as [`FieldPlot`](super::FieldPlot) draws it.
    pub fn frame_field<S: AsRef<str>>(
        self,
        label: impl Into<String>,
        field: &FieldPreview,
        numbers: &[(S, f64)],
    ) -> Result<Self> {
        let data = FieldData::from_preview(field)?;
        Ok(self.push(label.into(), Content::Field(Box::new(data)), numbers))
    }

    /// Adds a frame from an RGB image.
    pub fn frame_rgb<S: AsRef<str>>(
        self,
        label: impl Into<String>,
        image: &RgbImage,
        numbers: &[(S, f64)],
    ) -> Result<Self> {
        let png = encode_png(image, Path::new("scrubber frame"))?;
        Ok(self.push(label.into(), Content::Raster(png), numbers))
    }

    /// Adds a frame from PNG bytes (checked to decode).
    pub fn frame_png<S: AsRef<str>>(
        self,
        label: impl Into<String>,
        png: Vec<u8>,
        numbers: &[(S, f64)],
    ) -> Result<Self> {
        let label = label.into();
        image::load_from_memory_with_format(&png, image::ImageFormat::Png).map_err(|source| {
            Error::Image {
                path: PathBuf::from(format!("scrubber frame {label:?}")),
                source,
            }
        })?;
        Ok(self.push(label, Content::Raster(png), numbers))
    }

    fn push<S: AsRef<str>>(
        mut self,
        label: String,
        content: Content,
        numbers: &[(S, f64)],
    ) -> Self {
        let numbers = numbers
            .iter()
            .map(|(n, v)| (n.as_ref().to_string(), *v))
            .collect();
        self.frames.push(ScrubFrame {
            label,
            content,
            numbers,
        });
        self
    }

    /// One frame per kept preview of a run ("step N"), beside that step's record in `history`:
    /// the losses and D's outputs (those the run records), the extra terms, and each named
    /// series at its latest value up to that step. Starts on the last frame. Errors when no
    /// preview was kept (train with `TrainOptions::new().preview_every(k)`).
    pub fn from_snapshots(snapshots: &[Snapshot], history: &History) -> Result<Self> {
        if snapshots.is_empty() {
            return Err(Error::setting(
                "scrubber",
                "no snapshots (train with `TrainOptions::new().preview_every(k)`, k > 0)",
            ));
        }
        let columns: [Column; 9] = [
            ("D loss", |r| r.d_loss),
            ("G loss", |r| r.g_loss),
            ("D(x)", |r| r.d_real),
            ("D(G(z)) at D's update", |r| r.d_fake_before),
            ("D(G(z)) at G's update", |r| r.d_fake_after),
            ("W estimate", |r| r.wasserstein),
            ("penalty", |r| r.penalty),
            ("‖∇D‖", |r| r.d_grad_norm),
            ("‖∇G‖", |r| r.g_grad_norm),
        ];
        // Only what this run records somewhere, so that every frame has the same rows.
        let columns: Vec<_> = columns
            .into_iter()
            .filter(|(_, f)| history.steps.iter().any(|r| f(r).is_some()))
            .collect();
        let terms = history.term_names();
        let mut scrub = Scrubber::new("training, step by step");
        for snap in snapshots {
            let record = history.steps.iter().find(|r| r.step == snap.step);
            let mut numbers = vec![("step".to_string(), snap.step as f64)];
            for (name, f) in &columns {
                numbers.push((name.to_string(), record.and_then(f).unwrap_or(f64::NAN)));
            }
            for name in &terms {
                let v = record.and_then(|r| r.term(name));
                numbers.push((name.to_string(), v.unwrap_or(f64::NAN)));
            }
            for series in &history.series {
                let v = series
                    .points
                    .iter()
                    .rev()
                    .find(|(k, _)| *k <= snap.step)
                    .map(|&(_, v)| v);
                numbers.push((series.name.clone(), v.unwrap_or(f64::NAN)));
            }
            let label = format!("step {}", snap.step);
            scrub = match &snap.preview {
                Preview::Field(f) => scrub.frame_field(label, f, &numbers)?,
                preview => scrub.frame(label, preview, &numbers)?,
            };
        }
        let last = scrub.frames.len() - 1;
        Ok(scrub.start(last))
    }

    /// One frame per value of a parameter: `draw(v)` returns the frame's figure and numbers;
    /// the frame is labelled "`parameter` = v" and its numbers start with the parameter.
    ///
    /// ```no_run
    /// # use gankit::prelude::*;
    /// // WGAN's critic loss −C(x_r) + C(x_f) and its slopes as C(x_r) moves.
    /// let cr: Vec<f64> = (0..=20).map(|i| -2.0 + 0.2 * i as f64).collect();
    /// Scrubber::sweep("WGAN critic loss", "C(x_r)", cr, |r| {
    ///     let curve = (0..=40).map(|j| { let f = -2.0 + 0.1 * j as f64; (f, -r + f) });
    ///     let plot = LinePlot::new(format!("C(x_r) = {r:.1}")).x_label("C(x_f)").line_xy("L_D", curve);
    ///     Ok((plot, vec![("L_D at C(x_f) = 0", -r), ("∂L/∂C(x_r)", -1.0), ("∂L/∂C(x_f)", 1.0)]))
    /// })?
    /// # ; Ok::<(), gankit::Error>(())
    /// ```
    pub fn sweep<F: Figure, S: AsRef<str>>(
        title: impl Into<String>,
        parameter: &str,
        values: impl IntoIterator<Item = f64>,
        mut draw: impl FnMut(f64) -> Result<(F, Vec<(S, f64)>)>,
    ) -> Result<Self> {
        let mut scrub = Scrubber::new(title);
        for v in values {
            let (figure, numbers) = draw(v)?;
            let mut all = vec![(parameter.to_string(), v)];
            all.extend(numbers.iter().map(|(n, x)| (n.as_ref().to_string(), *x)));
            scrub = scrub.frame(format!("{parameter} = {}", format_number(v)), &figure, &all)?;
        }
        if scrub.frames.is_empty() {
            return Err(Error::setting("scrubber", "a sweep over no values"));
        }
        Ok(scrub)
    }

    /// The title shown above the frames.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// The frame shown first (and the still where scripts do not run); clamped to the last
    /// frame. Default: the first ([`Scrubber::from_snapshots`]: the last).
    pub fn start(mut self, index: usize) -> Self {
        self.start = Some(index);
        self
    }

    /// Milliseconds per frame when playing (default 150, at least 20).
    pub fn frame_ms(mut self, ms: u32) -> Self {
        self.frame_ms = ms.max(20);
        self
    }

    /// Pictures wider than this are scaled down to it (default: none is), and field frames
    /// are drawn this wide (default 400 pixels, at most 480).
    pub fn max_width(mut self, px: u32) -> Self {
        self.max_width = Some(px.max(16));
        self
    }

    /// How frames are embedded (default [`FrameEncoding::Smallest`] at JPEG quality 80).
    pub fn encoding(mut self, encoding: FrameEncoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// Number of frames.
    pub fn len(&self) -> usize {
        self.frames.len()
    }

    /// Whether there is no frame.
    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    fn start_index(&self) -> usize {
        self.start
            .unwrap_or(0)
            .min(self.frames.len().saturating_sub(1))
    }

    /// A raster frame as embedded: its MIME type and bytes.
    fn encode(&self, label: &str, png: &[u8]) -> Result<(&'static str, Vec<u8>)> {
        let what = || PathBuf::from(format!("scrubber frame {label:?}"));
        let fail = |source| Error::Image {
            path: what(),
            source,
        };
        let decoded = image::load_from_memory_with_format(png, image::ImageFormat::Png)
            .map_err(fail)?
            .into_rgb8();
        let img = match self.max_width {
            Some(w) => field::fit(decoded, w),
            None => decoded,
        };
        let png = || field::png(&img, &what());
        let jpeg = |q: u8| -> Result<Vec<u8>> {
            let mut bytes = Vec::new();
            JpegEncoder::new_with_quality(&mut bytes, q.clamp(1, 100))
                .encode_image(&img)
                .map_err(fail)?;
            Ok(bytes)
        };
        Ok(match self.encoding {
            FrameEncoding::Png => ("image/png", png()?),
            FrameEncoding::Jpeg(q) => ("image/jpeg", jpeg(q)?),
            FrameEncoding::Smallest(q) => {
                let (p, j) = (png()?, jpeg(q)?);
                if p.len() <= j.len() {
                    ("image/png", p)
                } else {
                    ("image/jpeg", j)
                }
            }
        })
    }

    /// The start frame as a PNG: what shows where scripts do not run.
    fn still_png(&self) -> Result<Vec<u8>> {
        let frame = &self.frames[self.start_index()];
        match &frame.content {
            Content::Raster(png) => Ok(png.clone()),
            Content::Field(data) => {
                let img = field::fit(data.still()?, self.field_size());
                field::png(&img, Path::new("scrubber still"))
            }
        }
    }

    /// Side of a field frame in pixels.
    fn field_size(&self) -> u32 {
        self.max_width.unwrap_or(400).min(480)
    }

    /// The HTML: the frames, their numbers, the controls and their script. Self-contained (no
    /// URL outside it); errors on no frames.
    pub fn to_html(&self) -> Result<Html> {
        if self.frames.is_empty() {
            return Err(Error::setting("scrubber", "no frames to show"));
        }
        let id = format!(
            "gankit-scrub-{:x}-{}-{:x}",
            std::process::id(),
            NEXT_ID.fetch_add(1, Ordering::Relaxed),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0)
        );
        let (n, start) = (self.frames.len(), self.start_index());
        let b64 = base64::engine::general_purpose::STANDARD;
        // Field frames share their axes (one per plotted rectangle) and their real points
        // (one copy per distinct set).
        let size = self.field_size();
        let mut axes: Vec<Axes> = Vec::new();
        let mut reals: Vec<Vec<u8>> = Vec::new();
        let font = "font:13px/1.4 system-ui,-apple-system,'Segoe UI',sans-serif";
        let mut h = String::new();
        let _ = write!(
            h,
            r#"<div id="{id}" class="gankit-scrubber" data-gankit-scrubber="{n}" style="{font};max-width:100%">"#
        );
        if !self.title.is_empty() {
            let _ = write!(
                h,
                r#"<div style="font-weight:600;margin:0 0 4px">{}</div>"#,
                escape(&self.title)
            );
        }
        // The controls, hidden until the script shows them (where it cannot run, they would
        // move nothing).
        let _ = write!(
            h,
            r#"<div data-controls="" style="display:none;align-items:center;gap:8px;margin:0 0 6px;max-width:{w}px"><button type="button" data-play="" title="play / pause" style="min-width:2.6em;padding:2px 6px;cursor:pointer">&#9654;</button><input type="range" min="0" max="{max}" step="1" value="{start}" aria-label="frame" style="flex:1 1 auto;min-width:120px;margin:0"><span data-label="" style="white-space:nowrap;font-variant-numeric:tabular-nums;min-width:{chars}ch">{label}</span></div>"#,
            w = self.max_width.unwrap_or(480) + 260,
            max = n - 1,
            label = escape(&format!("{} ({}/{n})", self.frames[start].label, start + 1)),
            // Wide enough for the longest label, so that the slider does not move as it plays.
            chars = self
                .frames
                .iter()
                .map(|f| f.label.chars().count())
                .max()
                .unwrap_or(0)
                + 2 * n.to_string().len()
                + 4,
        );
        h.push_str("<div>");
        let first_names: Vec<&str> = self.frames[0]
            .numbers
            .iter()
            .map(|(n, _)| n.as_str())
            .collect();
        for (i, frame) in self.frames.iter().enumerate() {
            let display = if i == start { "flex" } else { "none" };
            let label = escape(&frame.label);
            // Each frame's numbers for the script: the values as shown, and the names where they
            // differ from the first frame's.
            let values: Vec<String> = frame
                .numbers
                .iter()
                .map(|(_, v)| format_number(*v))
                .collect();
            let names: Vec<&str> = frame.numbers.iter().map(|(n, _)| n.as_str()).collect();
            let mut numbers = format!(
                r#" data-v="{}""#,
                escape(&serde_json::json!(values).to_string())
            );
            if names != first_names {
                let _ = write!(
                    numbers,
                    r#" data-n="{}""#,
                    escape(&serde_json::json!(names).to_string())
                );
            }
            match &frame.content {
                Content::Raster(png) => {
                    let (mime, bytes) = self.encode(&frame.label, png)?;
                    let _ = write!(
                        h,
                        r#"<div data-frame="{label}"{numbers} style="display:{display};gap:14px;align-items:flex-start;flex-wrap:wrap"><img src="data:{mime};base64,{data}" alt="{label}" style="max-width:100%;height:auto;display:block;margin:0">"#,
                        data = b64.encode(bytes),
                    );
                }
                Content::Field(data) => {
                    let b = match axes.iter().position(|a| (a.0, a.1) == (data.x, data.y)) {
                        Some(b) => b,
                        None => {
                            let (png, rect) = field::axes(data.x, data.y, size)?;
                            let src = format!("data:image/png;base64,{}", b64.encode(png));
                            axes.push((
                                data.x,
                                data.y,
                                serde_json::json!({"src": src, "rect": rect}),
                            ));
                            axes.len() - 1
                        }
                    };
                    let real = data.real_bytes();
                    let r = match reals.iter().position(|x| *x == real) {
                        Some(r) => r,
                        None => {
                            reals.push(real);
                            reals.len() - 1
                        }
                    };
                    let _ = write!(
                        h,
                        r#"<div data-frame="{label}"{numbers} data-b="{b}" data-r="{r}" data-t="{title}" data-h="{heat}" data-f="{fakes}" style="display:{display};gap:14px;align-items:flex-start;flex-wrap:wrap">"#,
                        title = escape(&data.title),
                        heat = b64.encode(data.heat_jpeg()?),
                        fakes = b64.encode(data.fake_bytes()),
                    );
                    if i == start {
                        let _ = write!(
                            h,
                            r#"<img data-still="" src="data:image/png;base64,{}" alt="{label}" style="max-width:100%;height:auto;display:block;margin:0">"#,
                            b64.encode(self.still_png()?)
                        );
                    }
                }
            }
            if i == start {
                // The start frame's numbers as a table; the script fills it for every frame.
                h.push_str(r#"<table data-table="" style="border-collapse:collapse;margin:0;font-variant-numeric:tabular-nums"><tbody>"#);
                for (name, v) in &frame.numbers {
                    let _ = write!(
                        h,
                        r#"<tr><td style="{NAME_CELL}">{}</td><td style="{VALUE_CELL}">{}</td></tr>"#,
                        escape(name),
                        format_number(*v)
                    );
                }
                h.push_str("</tbody></table>");
            }
            h.push_str("</div>");
        }
        h.push_str("</div>");
        let _ = write!(
            h,
            r#"<div data-static="" style="font-size:12px;color:#777;margin-top:4px">{} of {n} frames shown. Where scripts run (this notebook trusted: JupyterLab&#8217;s command palette, &#8220;Trust Notebook&#8221;; or its HTML export), a slider scrubs through them.</div>"#,
            escape(&self.frames[start].label)
        );
        let globals = serde_json::json!({
            "id": id,
            "ms": self.frame_ms,
            "names": first_names,
            "cells": [NAME_CELL, VALUE_CELL],
            "size": size,
            "titleY": field::TITLE_BASELINE,
            "axes": axes.into_iter().map(|a| a.2).collect::<Vec<_>>(),
            "real": reals.iter().map(|r| b64.encode(r)).collect::<Vec<_>>(),
            "heat": [field::HEAT_FAKE.map(|c| (c * 255.0).round()), field::HEAT_REAL.map(|c| (c * 255.0).round())],
            "colors": {"real": field::REAL_DOT, "fake": field::FAKE_DOT, "push": field::PUSH_LINE},
        });
        // JSON inside a script: no "</" may close it early.
        let globals = globals.to_string().replace("</", "<\\/");
        let _ = write!(
            h,
            "<script>{}</script></div>",
            SCRIPT.replace("__GLOBALS__", &globals)
        );
        Ok(Html(h))
    }

    /// Saves a standalone page (`.html`), atomically like every figure; returns the path.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<PathBuf> {
        let path = path.as_ref();
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
        {
            Some(e) if e == "html" || e == "htm" => {}
            _ => {
                return Err(Error::setting(
                    path.display().to_string(),
                    "a scrubber is saved as .html",
                ))
            }
        }
        write_atomically(path, self.to_page()?.as_bytes())?;
        Ok(path.to_path_buf())
    }

    /// A whole HTML document holding the scrubber (what [`Scrubber::save`] writes).
    pub fn to_page(&self) -> Result<String> {
        let body = self.to_html()?.0;
        Ok(format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title></head><body style=\"margin:16px\">{body}</body></html>\n",
            escape(&self.title)
        ))
    }

    /// Shows the scrubber in the notebook: the HTML, and in the same output the start frame
    /// as `image/png` (the still the notebook tests count as a figure and `gankit run` saves
    /// under figures/). Prints the error in one line if drawing failed.
    pub fn show(&self) {
        match self
            .to_html()
            .and_then(|html| Ok((html, self.still_png()?)))
        {
            Ok((html, still)) => {
                emit("text/html", &html.0);
                emit(
                    "image/png",
                    &base64::engine::general_purpose::STANDARD.encode(still),
                );
            }
            Err(e) => println!("could not draw the scrubber: {e}"),
        }
    }

    /// Called by evcxr when the value is the last expression of a cell.
    pub fn evcxr_display(&self) {
        self.show()
    }
}

impl std::fmt::Debug for Scrubber {
    /// A summary, not the pixels.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let first = self.frames.first().map(|c| c.label.as_str()).unwrap_or("");
        let last = self.frames.last().map(|c| c.label.as_str()).unwrap_or("");
        write!(
            f,
            "Scrubber({:?}: {} frames, {first} … {last})",
            self.title,
            self.len()
        )
    }
}

/// Styles of a name and a value in the numbers table.
const NAME_CELL: &str = "text-align:left;padding:1px 12px 1px 0";
const VALUE_CELL: &str = "text-align:right;padding:1px 0";

/// The controls' script (`__GLOBALS__` replaced by the scrubber's id, speed and shared data).
const SCRIPT: &str = include_str!("scrubber.js");

/// Escapes text for HTML content and attribute values.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A number as a person reads it: whole numbers as integers, else 4 significant digits
/// (scientific below 0.001 and from 100,000 on); NaN (not recorded) as "–".
fn format_number(x: f64) -> String {
    if x.is_nan() {
        return "–".into();
    }
    if x.is_infinite() {
        return if x > 0.0 {
            "∞".into()
        } else {
            "−∞".into()
        };
    }
    if x == x.trunc() && x.abs() < 1e15 {
        return format!("{}", x as i64);
    }
    let a = x.abs();
    if !(1e-3..1e5).contains(&a) {
        return format!("{x:.3e}");
    }
    let decimals = (3 - a.log10().floor() as i32).max(0) as usize;
    format!("{x:.decimals$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_like_a_table() {
        assert_eq!(format_number(200.0), "200");
        assert_eq!(format_number(0.612345), "0.6123");
        assert_eq!(format_number(-12.3456), "-12.35");
        assert_eq!(format_number(1.5e-5), "1.500e-5");
        assert_eq!(format_number(f64::NAN), "–");
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape(r#"<a & "b">"#), "&lt;a &amp; &quot;b&quot;&gt;");
    }
}
