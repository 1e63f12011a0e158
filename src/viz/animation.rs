//! Animated GIFs: training progress as a movie of the fixed noise's grids.
use super::display::{emit, Figure, Html};
use super::grid::ImageGrid;
use crate::error::{Error, Result};
use crate::files::write_atomically;
use crate::train::Snapshot;
use base64::Engine;
use image::codecs::gif::{GifEncoder, Repeat};
use image::{Delay, Frame, RgbImage, RgbaImage};
use std::path::{Path, PathBuf};

/// An animation of image grids, one frame per grid with a caption above it; shown inline in
/// Jupyter and saved as a looping GIF.
///
/// ```no_run
/// # use gankit::prelude::*;
/// # fn f(gan: &Gan<nn::Sequential, nn::Sequential>) -> gankit::Result<()> {
/// let movie = Animation::from_snapshots(gan.snapshots())?.frame_ms(300);
/// movie.save("progress.gif")?;
/// movie // the last expression of a cell: plays inline
/// # ; Ok(()) }
/// ```
///
/// Frames are drawn when the animation is shown or saved. The GIF palette has 256 colours per
/// frame, so colours are slightly quantised; save the grids as PNG for exact pixels.
///
/// A notebook shows the GIF at its own size, pixel for pixel. Lay the frames out with
/// [`Animation::columns`] (default: each grid's own columns, else near-square with full rows,
/// e.g. 8 for 32 images), make the images larger with [`Animation::scale`] (a larger file), or
/// only the display with [`Animation::zoom`] (pixels kept sharp):
///
/// ```no_run
/// # use gankit::prelude::*;
/// # fn f(gan: &Gan<nn::Sequential, nn::Sequential>) -> gankit::Result<()> {
/// Animation::from_snapshots(gan.snapshots())?.columns(8).zoom(2)
/// # ; Ok(()) }
/// ```
#[derive(Clone)]
pub struct Animation {
    frames: Vec<(String, ImageGrid)>,
    frame_ms: u32,
    last_frame_ms: u32,
    scale: Option<u32>,
    columns: Option<usize>,
    zoom: u32,
}

impl Animation {
    /// An animation with no frames yet (add them with [`Animation::frame`]).
    pub fn new() -> Self {
        Animation {
            frames: Vec::new(),
            frame_ms: 400,
            last_frame_ms: 2000,
            scale: None,
            columns: None,
            zoom: 1,
        }
    }

    /// One frame per snapshot, captioned "step N": `snapshots` are (step, grid) pairs, what
    /// [`Trainer::snapshots`](crate::train::Trainer::snapshots) keeps. Errors on an empty list.
    pub fn from_snapshots(snapshots: &[Snapshot]) -> Result<Self> {
        Self::from_grids(&super::grid::snapshot_grids(snapshots, "animation")?)
    }

    /// [`Animation::from_snapshots`] of (step, grid) pairs.
    pub fn from_grids(snapshots: &[(usize, ImageGrid)]) -> Result<Self> {
        if snapshots.is_empty() {
            return Err(Error::setting(
                "animation",
                "no snapshots (train with `TrainOptions::new().preview_every(k)`, k > 0)",
            ));
        }
        Ok(snapshots.iter().fold(Self::new(), |a, (step, grid)| {
            a.frame(format!("step {step}"), grid.clone())
        }))
    }

    /// Adds a frame: `grid` with `caption` above it (its own title, if any, is replaced).
    pub fn frame(mut self, caption: impl Into<String>, grid: ImageGrid) -> Self {
        self.frames.push((caption.into(), grid));
        self
    }

    /// How long each frame shows, in milliseconds (default 400). GIF counts time in
    /// hundredths of a second, so this is rounded to 10 ms; browsers show anything under 20 ms
    /// as 100 ms, so it is at least 20.
    pub fn frame_ms(mut self, ms: u32) -> Self {
        self.frame_ms = ms.max(20);
        self
    }

    /// How long the last frame stays before the loop starts again (default 2000 ms), so the
    /// final samples can be looked at. At least 20.
    pub fn last_frame_ms(mut self, ms: u32) -> Self {
        self.last_frame_ms = ms.max(20);
        self
    }

    /// Each image pixel becomes `k`×`k` pixels in the frames. By default a grid's own
    /// [`ImageGrid::scale`] if it was set, else just enough for images of 32 pixels (×1 for
    /// 32×32 samples): generated samples compress poorly in a GIF, and ×2 makes the file about
    /// 2.5 times larger (20 frames of 64 samples of 32×32: about 1.2 MB at ×1). To see small
    /// frames larger without a larger file, see [`Animation::zoom`].
    pub fn scale(mut self, k: u32) -> Self {
        self.scale = Some(k.clamp(1, 8));
        self
    }

    /// Images per row in every frame (default: each grid's own [`ImageGrid::columns`], which
    /// defaults to near-square with full rows: 8 for 32 or 64 images).
    pub fn columns(mut self, columns: usize) -> Self {
        self.columns = Some(columns.max(1));
        self
    }

    /// Shows the GIF in the notebook at `k` times its size with its pixels kept sharp
    /// (`image-rendering: pixelated`), text included; the file is unchanged. Default 1: the
    /// GIF's own size.
    pub fn zoom(mut self, k: u32) -> Self {
        self.zoom = k.clamp(1, 8);
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

    /// The frames as images, all the same size (smaller frames are placed top left on the
    /// background of the first grid).
    pub fn to_frames(&self) -> Result<Vec<RgbImage>> {
        if self.frames.is_empty() {
            return Err(Error::setting("animation", "no frames to draw"));
        }
        let images = self
            .frames
            .iter()
            .map(|(caption, grid)| {
                let (w, h) = grid.tile_size();
                let k = self
                    .scale
                    .or(grid.scale_setting())
                    .unwrap_or_else(|| 32u32.div_ceil(w.min(h)).clamp(1, 8));
                let grid = grid.clone().scale(k).title(caption.clone());
                match self.columns {
                    Some(c) => grid.columns(c),
                    None => grid,
                }
                .to_rgb()
            })
            .collect::<Result<Vec<_>>>()?;
        let w = images.iter().map(RgbImage::width).max().unwrap_or(1);
        let h = images.iter().map(RgbImage::height).max().unwrap_or(1);
        let background = self.frames[0].1.background_color();
        Ok(images
            .into_iter()
            .map(|img| {
                if img.dimensions() == (w, h) {
                    return img;
                }
                let mut canvas = RgbImage::from_pixel(w, h, background);
                image::imageops::replace(&mut canvas, &img, 0, 0);
                canvas
            })
            .collect())
    }

    /// The GIF bytes (looping forever).
    pub fn to_gif(&self) -> Result<Vec<u8>> {
        let frames = self.to_frames()?;
        let (w, h) = frames[0].dimensions();
        if w > u16::MAX as u32 || h > u16::MAX as u32 {
            return Err(Error::setting(
                "animation",
                format!("frames of {w}×{h} pixels are too large for a GIF (at most 65535 a side)"),
            ));
        }
        let n = frames.len();
        let what = Path::new("animation.gif");
        let fail = |source| Error::Image {
            path: what.to_path_buf(),
            source,
        };
        let mut bytes = Vec::new();
        {
            // Speed 10 of 1..=30: NeuQuant's palette is as good to the eye and several times faster.
            let mut encoder = GifEncoder::new_with_speed(&mut bytes, 10);
            encoder.set_repeat(Repeat::Infinite).map_err(fail)?;
            for (i, rgb) in frames.into_iter().enumerate() {
                let ms = if i + 1 == n {
                    self.last_frame_ms
                } else {
                    self.frame_ms
                };
                let rgba: RgbaImage = image::DynamicImage::ImageRgb8(rgb).into_rgba8();
                encoder
                    .encode_frame(Frame::from_parts(
                        rgba,
                        0,
                        0,
                        Delay::from_numer_denom_ms(ms, 1),
                    ))
                    .map_err(fail)?;
            }
        }
        Ok(bytes)
    }

    /// Saves the GIF (the path must end in `.gif`), atomically like every figure; returns the
    /// path.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<PathBuf> {
        let path = path.as_ref();
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
        {
            Some(e) if e == "gif" => {}
            _ => {
                return Err(Error::setting(
                    path.display().to_string(),
                    "an animation is saved as .gif",
                ))
            }
        }
        write_atomically(path, &self.to_gif()?)?;
        Ok(path.to_path_buf())
    }

    /// The GIF as an HTML `<img>`: at the GIF's own size, or [`Animation::zoom`] times it
    /// with sharp pixels.
    pub fn to_html(&self) -> Result<Html> {
        Ok(self.html_of(&self.to_gif()?))
    }

    fn html_of(&self, gif: &[u8]) -> Html {
        let b64 = base64::engine::general_purpose::STANDARD.encode(gif);
        let size = match gif_size(gif) {
            Some((w, h)) if self.zoom > 1 => format!(
                r#" width="{}" height="{}" style="image-rendering:pixelated""#,
                w * self.zoom,
                h * self.zoom
            ),
            Some((w, h)) => format!(r#" width="{w}" height="{h}""#),
            None => String::new(),
        };
        Html(format!(
            r#"<img src="data:image/gif;base64,{b64}"{size} alt="animation: {} frames"/>"#,
            self.len()
        ))
    }

    /// Plays the animation in the notebook, or prints the error in one line.
    ///
    /// Sends the GIF as `image/gif` (what JupyterLab's image renderer shows, and what the
    /// notebook tests count as a figure) and, in the same output, as an HTML `<img>`: nbconvert's
    /// HTML export does not render `image/gif`, and JupyterLab prefers the HTML when both are there.
    pub fn show(&self) {
        match self.to_gif() {
            Ok(gif) => {
                emit("text/html", &self.html_of(&gif).0);
                emit(
                    "image/gif",
                    &base64::engine::general_purpose::STANDARD.encode(&gif),
                );
            }
            Err(e) => println!("could not draw the animation: {e}"),
        }
    }

    /// Called by evcxr when the value is the last expression of a cell.
    pub fn evcxr_display(&self) {
        self.show()
    }
}

/// The size a GIF's header declares (its logical screen).
fn gif_size(gif: &[u8]) -> Option<(u32, u32)> {
    let b = gif.get(6..10)?;
    Some((
        u16::from_le_bytes([b[0], b[1]]) as u32,
        u16::from_le_bytes([b[2], b[3]]) as u32,
    ))
}

impl Default for Animation {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Animation {
    /// A summary, not the pixels (evcxr prints `Debug` when it cannot call `evcxr_display`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let first = self.frames.first().map(|(c, _)| c.as_str()).unwrap_or("");
        let last = self.frames.last().map(|(c, _)| c.as_str()).unwrap_or("");
        write!(
            f,
            "Animation({} frames, {first} … {last}, {} ms each)",
            self.len(),
            self.frame_ms
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tch::{Device, Kind, Tensor};

    fn snapshots(n: i64) -> Vec<(usize, ImageGrid)> {
        (1..=2)
            .map(|i| {
                let t = Tensor::full([n, 3, 8, 8], 0.1 * i as f64, (Kind::Float, Device::Cpu));
                (i * 100, ImageGrid::new(&t).unwrap())
            })
            .collect()
    }

    #[test]
    fn frames_use_the_columns_asked_for_or_full_rows() {
        let movie = Animation::from_grids(&snapshots(32)).unwrap().scale(4);
        // 32 images of 8×8 ×4 with padding 2: 8 columns by default, so 8·34 + 2 pixels wide.
        assert_eq!(movie.to_frames().unwrap()[0].width(), 8 * 34 + 2);
        let four = movie.columns(4).to_frames().unwrap();
        assert_eq!(four[0].width(), 4 * 34 + 2);
    }

    #[test]
    fn the_html_shows_the_gif_at_its_size_unless_zoomed() {
        let movie = Animation::from_grids(&snapshots(4)).unwrap().scale(2);
        let gif = movie.to_gif().unwrap();
        let (w, h) = gif_size(&gif).unwrap();
        assert_eq!(
            (w, h),
            (
                movie.to_frames().unwrap()[0].width(),
                movie.to_frames().unwrap()[0].height()
            )
        );
        let html = movie.to_html().unwrap().0;
        assert!(
            html.contains(&format!(r#" width="{w}" height="{h}""#)),
            "natural size"
        );
        assert!(!html.contains("pixelated"));
        let zoomed = movie.zoom(2).to_html().unwrap().0;
        assert!(
            zoomed.contains(&format!(
                r#" width="{}" height="{}" style="image-rendering:pixelated""#,
                2 * w,
                2 * h
            )),
            "twice the size, sharp, only when asked"
        );
    }
}
