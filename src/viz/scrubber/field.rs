//! A 2-D field frame kept as data, not pixels: D's heatmap as a small grey image, the points
//! and G's push as bytes, drawn by the page's script over axes drawn once. A frame of 512 fake
//! points costs about 3 kB instead of 10-20 kB as a picture.
use super::super::display::Figure;
use super::super::style::{ensure_fonts, FONT};
use super::super::FieldPlot;
use crate::train::FieldPreview;
use crate::{Error, Result};
use image::codecs::jpeg::JpegEncoder;
use image::{GrayImage, RgbImage};
use plotters::prelude::*;
use std::path::Path;
use tch::{Device, Kind, Tensor};

/// GAN Lab's colours as `FieldPlot` draws them: purple where D says fake (0), green where it
/// says real (1); the page's script colours the grey heatmap with the same two ends.
pub(super) const HEAT_FAKE: [f64; 3] = [0.80, 0.72, 0.90];
pub(super) const HEAT_REAL: [f64; 3] = [0.72, 0.90, 0.74];
pub(super) const REAL_DOT: &str = "rgb(27,140,60)";
pub(super) const FAKE_DOT: &str = "rgb(120,50,160)";
pub(super) const PUSH_LINE: &str = "rgb(230,60,140)";
/// Pixels from the top to the title's baseline, and the space kept above the plot for it.
pub(super) const TITLE_BASELINE: u32 = 26;
const TITLE_SPACE: u32 = 36;

/// One field frame's data (the preview's numbers, on the CPU).
#[derive(Clone, Debug)]
pub(super) struct FieldData {
    pub title: String,
    pub x: (f64, f64),
    pub y: (f64, f64),
    pub resolution: usize,
    pub heat: Vec<f64>,
    pub real: Vec<(f64, f64)>,
    pub fake: Vec<(f64, f64)>,
    pub push: Vec<(f64, f64)>,
}

fn pairs(t: &Tensor, what: &str) -> Result<Vec<(f64, f64)>> {
    let s = t.size();
    if s.len() != 2 || s[1] != 2 {
        return Err(Error::shape(what, "[N, 2]", &s));
    }
    let v = Vec::<f64>::try_from(
        t.detach()
            .to_device(Device::Cpu)
            .to_kind(Kind::Double)
            .reshape([-1]),
    )
    .map_err(|e| Error::torch(what, e))?;
    Ok(v.chunks(2).map(|p| (p[0], p[1])).collect())
}

impl FieldData {
    pub fn from_preview(f: &FieldPreview) -> Result<FieldData> {
        let r = f.resolution.max(2);
        if f.heat.len() != r * r {
            return Err(Error::setting(
                "scrubber field frame",
                format!(
                    "{} heatmap values for a {r}×{r} grid (expected {})",
                    f.heat.len(),
                    r * r
                ),
            ));
        }
        let fake = pairs(&f.fake, "field frame fake points")?;
        let push = pairs(&f.push, "field frame push")?;
        if fake.len() != push.len() {
            return Err(Error::setting(
                "scrubber field frame",
                format!("{} fake points but {} push arrows", fake.len(), push.len()),
            ));
        }
        Ok(FieldData {
            title: f.title.clone(),
            x: f.x,
            y: f.y,
            resolution: r,
            heat: f.heat.clone(),
            real: pairs(&f.real, "field frame real points")?,
            fake,
            push,
        })
    }

    /// The frame as `FieldPlot` draws it (the still shown where scripts do not run).
    pub fn still(&self) -> Result<RgbImage> {
        let t = |v: &[(f64, f64)]| {
            let flat: Vec<f32> = v.iter().flat_map(|&(a, b)| [a as f32, b as f32]).collect();
            Tensor::from_slice(&flat).view([-1, 2])
        };
        let heat = Tensor::from_slice(&self.heat);
        FieldPlot::new(self.title.clone(), self.x, self.y)
            .heatmap(&|_grid| heat.shallow_clone(), self.resolution)?
            .real(&t(&self.real))?
            .fake(&t(&self.fake))?
            .arrows(&t(&self.fake), &t(&self.push), 1.0)?
            .to_rgb()
    }

    /// D's output as a grey JPEG, `resolution` pixels a side (top row first), 0 = fake.
    pub fn heat_jpeg(&self) -> Result<Vec<u8>> {
        let r = self.resolution as u32;
        let img = GrayImage::from_fn(r, r, |i, j| {
            let p = self.heat[(j * r + i) as usize];
            image::Luma([(p.clamp(0.0, 1.0) * 255.0).round() as u8])
        });
        let mut bytes = Vec::new();
        JpegEncoder::new_with_quality(&mut bytes, 90)
            .encode_image(&img)
            .map_err(|source| Error::Image {
                path: "scrubber heatmap".into(),
                source,
            })?;
        Ok(bytes)
    }

    /// A coordinate on the plot as a byte: 0..=254 across the range, 255 outside it.
    fn quantize(v: f64, range: (f64, f64)) -> u8 {
        let t = (v - range.0) / (range.1 - range.0);
        if (0.0..=1.0).contains(&t) {
            (t * 254.0).round() as u8
        } else {
            255
        }
    }

    /// Points as bytes: x and y of each (see [`FieldData::quantize`]; y from the top).
    pub fn real_bytes(&self) -> Vec<u8> {
        self.real
            .iter()
            .flat_map(|&(x, y)| {
                [
                    Self::quantize(x, self.x),
                    Self::quantize(self.y.1 + self.y.0 - y, self.y),
                ]
            })
            .collect()
    }

    /// Fake points and their push as 4 bytes each: x, y as for the real points, then the
    /// arrow's dx, dy as signed bytes in 1/1024 of the plot's width and height (y down).
    pub fn fake_bytes(&self) -> Vec<u8> {
        let (w, h) = (self.x.1 - self.x.0, self.y.1 - self.y.0);
        let step = |d: f64, span: f64| (d / span * 1024.0).round().clamp(-127.0, 127.0) as i8 as u8;
        self.fake
            .iter()
            .zip(&self.push)
            .flat_map(|(&(x, y), &(dx, dy))| {
                [
                    Self::quantize(x, self.x),
                    Self::quantize(self.y.1 + self.y.0 - y, self.y),
                    step(dx, w),
                    step(-dy, h),
                ]
            })
            .collect()
    }
}

/// The axes of a field plot over `x` × `y` on a `size`² white canvas, laid out like
/// `FieldPlot`'s (room for the title above): the PNG and the plot's pixel rectangle
/// (left, top, width, height).
pub(super) fn axes(x: (f64, f64), y: (f64, f64), size: u32) -> Result<(Vec<u8>, [i32; 4])> {
    let fail = |e: &dyn std::fmt::Display| Error::Draw {
        figure: "scrubber field axes".into(),
        message: e.to_string(),
    };
    ensure_fonts();
    let mut buf = vec![255u8; (size * size * 3) as usize];
    let rect = {
        let root = BitMapBackend::with_buffer(&mut buf, (size, size)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| fail(&e))?;
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .margin_top(TITLE_SPACE)
            .x_label_area_size(28)
            .y_label_area_size(36)
            .build_cartesian_2d(x.0..x.1, y.0..y.1)
            .map_err(|e| fail(&e))?;
        chart
            .configure_mesh()
            .disable_mesh()
            .label_style((FONT, 12))
            .draw()
            .map_err(|e| fail(&e))?;
        let (px, py) = chart.plotting_area().get_pixel_range();
        root.present().map_err(|e| fail(&e))?;
        [px.start, py.start, px.end - px.start, py.end - py.start]
    };
    let img = RgbImage::from_raw(size, size, buf).expect("buffer sized size×size×3");
    Ok((png(&img, Path::new("scrubber field axes"))?, rect))
}

/// PNG bytes at the encoder's default compression (`Figure::to_png` favours speed: its files
/// are several times larger, which matters once a page holds a hundred frames).
pub(super) fn png(img: &RgbImage, what: &Path) -> Result<Vec<u8>> {
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    use image::ImageEncoder;
    let mut bytes = Vec::new();
    PngEncoder::new_with_quality(&mut bytes, CompressionType::Default, FilterType::Adaptive)
        .write_image(
            img.as_raw(),
            img.width(),
            img.height(),
            image::ExtendedColorType::Rgb8,
        )
        .map_err(|source| Error::Image {
            path: what.to_path_buf(),
            source,
        })?;
    Ok(bytes)
}

/// Scales an RGB image down to `width` if it is wider.
pub(super) fn fit(img: RgbImage, width: u32) -> RgbImage {
    if img.width() <= width {
        return img;
    }
    let h = (img.height() as f64 * width as f64 / img.width() as f64)
        .round()
        .max(1.0) as u32;
    image::imageops::resize(&img, width, h, image::imageops::FilterType::Triangle)
}
