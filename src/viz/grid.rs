//! Image grids: a batch of images as one picture, like torchvision's `make_grid`.
use super::display::{evcxr_figure, Figure};
use super::style::text;
use crate::error::{Error, Result};
use crate::train::{CyclePanel, Preview, Snapshot};
use image::{Rgb, RgbImage};
use tch::{Device, Kind, Tensor};

/// A batch of images laid out in a grid.
///
/// ```no_run
/// # use gankit::prelude::*;
/// let fake = Tensor::rand([64, 3, 32, 32], (Kind::Float, Device::Cpu)) * 2 - 1;
/// let grid = ImageGrid::new(&fake)?.columns(8);
/// grid.save("fake.png")?;
/// # Ok::<(), gankit::Error>(())
/// ```
///
/// Pixels are read once, when the grid is made, so a grid keeps showing the images as they
/// were even while training goes on.
///
/// Rows and columns can be labelled (drawn with the embedded font in a margin left of and
/// above the images), and the grid can have a title:
///
/// ```no_run
/// # use gankit::prelude::*;
/// # let out = Tensor::zeros([12, 3, 32, 32], (Kind::Float, Device::Cpu));
/// let panel = ImageGrid::new(&out)?
///     .columns(4)
///     .column_labels(["input", "black hair", "blond hair", "brown hair"])
///     .row_labels(["face 1", "face 2", "face 3"])
///     .title("StarGAN: one input, three target hair colours");
/// panel.save("stargan.png")?;
/// # Ok::<(), gankit::Error>(())
/// ```
///
/// Each image can have a caption under it (the tag it was generated from):
///
/// ```no_run
/// # use gankit::prelude::*;
/// # let fake = Tensor::zeros([2, 3, 32, 32], (Kind::Float, Device::Cpu));
/// ImageGrid::new(&fake)?
///     .captions(["black hair, red eyes", "blonde hair, blue eyes"])
///     .save("tags.png")?;
/// # Ok::<(), gankit::Error>(())
/// ```
#[derive(Clone)]
pub struct ImageGrid {
    tiles: Vec<RgbImage>,
    tile_size: (u32, u32),
    columns: Option<usize>,
    padding: u32,
    scale: Option<u32>,
    background: Rgb<u8>,
    row_labels: Option<Vec<String>>,
    column_labels: Option<Vec<String>>,
    captions: Option<Vec<String>>,
    title: Option<String>,
}

impl ImageGrid {
    /// A grid of images given as a tensor of shape `[N, C, H, W]` (or one image `[C, H, W]`)
    /// with C = 1 (grey) or 3 (RGB) and values in [−1, 1], what a Tanh generator outputs.
    /// Values outside the range are clipped.
    pub fn new(images: &Tensor) -> Result<Self> {
        Self::from_range(images, -1.0, 1.0)
    }

    /// Like [`ImageGrid::new`] for values in [0, 1].
    pub fn from_unit(images: &Tensor) -> Result<Self> {
        Self::from_range(images, 0.0, 1.0)
    }

    /// Like [`ImageGrid::new`] for values in [lo, hi].
    pub fn from_range(images: &Tensor, lo: f64, hi: f64) -> Result<Self> {
        let size = images.size();
        let batch = match size.len() {
            3 => images.unsqueeze(0),
            4 => images.shallow_clone(),
            _ => {
                return Err(Error::shape(
                    "image grid",
                    "[N, C, H, W] or [C, H, W]",
                    &size,
                ))
            }
        };
        let &[n, c, h, w] = batch.size().as_slice() else {
            unreachable!()
        };
        if !(c == 1 || c == 3) || n == 0 || h == 0 || w == 0 {
            return Err(Error::shape(
                "image grid",
                "[N, 1 or 3, H, W] with N, H, W > 0",
                &size,
            ));
        }
        if hi.is_nan() || lo.is_nan() || hi <= lo {
            return Err(Error::setting(
                "image grid range",
                format!("[{lo}, {hi}] is empty"),
            ));
        }
        let pixels = batch
            .detach()
            .to_device(Device::Cpu)
            .to_kind(Kind::Float)
            .f_sub_scalar(lo)
            .and_then(|t| t.f_mul_scalar(255.0 / (hi - lo)))
            .map_err(|e| Error::torch("image grid", e))?
            .nan_to_num(0.0, None, None)
            .clamp(0.0, 255.0)
            .round()
            .to_kind(Kind::Uint8)
            .expand([n, 3, h, w], false) // grey → RGB (no copy until contiguous)
            .permute([0, 2, 3, 1])
            .contiguous();
        let bytes =
            Vec::<u8>::try_from(pixels.view([-1])).map_err(|e| Error::torch("image grid", e))?;
        let per_image = (h * w * 3) as usize;
        let tiles = bytes
            .chunks_exact(per_image)
            .map(|chunk| {
                RgbImage::from_raw(w as u32, h as u32, chunk.to_vec()).expect("sizes match")
            })
            .collect();
        Ok(Self::from_tiles(tiles, (w as u32, h as u32)))
    }

    /// A grid of already decoded tiles, all `tile_size`, with the default layout.
    fn from_tiles(tiles: Vec<RgbImage>, tile_size: (u32, u32)) -> Self {
        ImageGrid {
            tiles,
            tile_size,
            columns: None,
            padding: 2,
            scale: None,
            background: Rgb([255, 255, 255]),
            row_labels: None,
            column_labels: None,
            captions: None,
            title: None,
        }
    }

    /// Report 001's CycleGAN panel: for each input, row A "real_A, fake_B, rec_A, idt_A" and
    /// row B "real_B, fake_A, rec_B, idt_B" (the names [`CyclePanel::NAMES`] lists, as a
    /// caption under each image), rows labelled "A → B" and "B → A", columns "real",
    /// "translated", "reconstructed", "identity". Shows as many inputs as the shorter of
    /// `real_a` and `real_b` holds.
    ///
    /// ```no_run
    /// # use gankit::prelude::*;
    /// # fn f(gan: &CycleGan, a: &Tensor, b: &Tensor) -> gankit::Result<()> {
    /// let panel = gan.translate_panel(a, b)?;
    /// ImageGrid::cycle_panel(&panel)?.save("cyclegan_panel.png")?;
    /// # Ok(()) }
    /// ```
    pub fn cycle_panel(panel: &CyclePanel) -> Result<Self> {
        let t = panel.tensors();
        let n = panel.real_a.size()[0].min(panel.real_b.size()[0]);
        let tiles: Vec<Tensor> = (0..n)
            .flat_map(|i| t.iter().map(move |x| x.get(i).to_device(Device::Cpu)))
            .collect();
        if tiles.is_empty() {
            return Err(Error::setting("cycle panel", "no images (N = 0)"));
        }
        let n = n as usize;
        Ok(ImageGrid::new(&Tensor::stack(&tiles, 0))?
            .columns(4)
            .column_labels(["real", "translated", "reconstructed", "identity"])
            .row_labels((0..n).flat_map(|_| ["A → B", "B → A"]))
            .captions((0..n).flat_map(|_| CyclePanel::NAMES)))
    }

    /// Report 002's noise-evolution strip: the first `k` images of every snapshot, one row per
    /// snapshot, labelled "step N". `snapshots` are (step, grid) pairs of the same fixed noise,
    /// what [`Trainer::snapshots`](crate::train::Trainer::snapshots) keeps, so each column follows one
    /// z through training:
    ///
    /// ```no_run
    /// # use gankit::prelude::*;
    /// # fn f(gan: &Gan<nn::Sequential, nn::Sequential>) -> gankit::Result<()> {
    /// ImageGrid::evolution(gan.snapshots(), 8)?.save("evolution.png")?;
    /// # Ok(()) }
    /// ```
    ///
    /// Takes fewer than `k` per row if a snapshot has fewer images. Layout (padding, scale,
    /// background) is the first snapshot's. Errors on an empty list, `k` = 0, or snapshots
    /// whose images differ in size.
    pub fn evolution(snapshots: &[Snapshot], k: usize) -> Result<Self> {
        let grids = snapshot_grids(snapshots, "evolution")?;
        Self::evolution_of(&grids, k)
    }

    /// [`ImageGrid::evolution`] of (step, grid) pairs.
    pub fn evolution_of(snapshots: &[(usize, ImageGrid)], k: usize) -> Result<Self> {
        let Some((_, first)) = snapshots.first() else {
            return Err(Error::setting(
                "evolution",
                "no snapshots (train with `TrainOptions::new().preview_every(k)`, k > 0)",
            ));
        };
        if k == 0 {
            return Err(Error::setting(
                "evolution",
                "k = 0 images per snapshot; take at least 1",
            ));
        }
        let k = snapshots
            .iter()
            .map(|(_, g)| g.len())
            .min()
            .unwrap_or(0)
            .min(k);
        let mut tiles = Vec::with_capacity(k * snapshots.len());
        for (step, grid) in snapshots {
            if grid.tile_size != first.tile_size {
                let ((w, h), (w0, h0)) = (grid.tile_size, first.tile_size);
                return Err(Error::setting(
                    "evolution",
                    format!(
                        "the snapshot of step {step} has {w}×{h} images, the first has {w0}×{h0}"
                    ),
                ));
            }
            tiles.extend(grid.tiles.iter().take(k).cloned());
        }
        let mut strip = Self::from_tiles(tiles, first.tile_size)
            .columns(k)
            .row_labels(snapshots.iter().map(|(step, _)| format!("step {step}")));
        (strip.padding, strip.scale, strip.background) =
            (first.padding, first.scale, first.background);
        Ok(strip)
    }

    /// Images per row (default: a square-ish grid with full rows where one is close, e.g. 8
    /// columns for 32 images).
    pub fn columns(mut self, columns: usize) -> Self {
        self.columns = Some(columns.max(1));
        self
    }

    /// Pixels between images, in the grid's output pixels (default 2).
    pub fn padding(mut self, pixels: u32) -> Self {
        self.padding = pixels;
        self
    }

    /// Each image pixel becomes `k`×`k` output pixels (default: enough for tiles of at least
    /// 64 pixels, so 32×32 samples are not tiny on screen; 96 pixels wide with captions, so a
    /// two-word caption fits on a line).
    pub fn scale(mut self, k: u32) -> Self {
        self.scale = Some(k.max(1));
        self
    }

    /// The colour between images (default white).
    pub fn background(mut self, rgb: [u8; 3]) -> Self {
        self.background = Rgb(rgb);
        self
    }

    /// Labels drawn left of each row, one per row (e.g. one per (hair, eye) tag combination of
    /// a text-to-image grid). A `\n` in a label starts a new line.
    ///
    /// The count is checked when the grid is drawn (`show`, `save`, `to_png`), since
    /// [`ImageGrid::columns`] may still change the number of rows: a mismatch is the error
    /// "row_labels: 3 labels for 4 rows".
    pub fn row_labels<S: Into<String>>(mut self, labels: impl IntoIterator<Item = S>) -> Self {
        self.row_labels = Some(labels.into_iter().map(Into::into).collect());
        self
    }

    /// Labels drawn above each column, one per column (e.g. "input", "black hair", "blond
    /// hair", … over a StarGAN panel). Words wrap to the image width and the font shrinks
    /// a little for long words. Checked when drawn, like [`ImageGrid::row_labels`]:
    /// "column_labels: 2 labels for 4 columns".
    pub fn column_labels<S: Into<String>>(mut self, labels: impl IntoIterator<Item = S>) -> Self {
        self.column_labels = Some(labels.into_iter().map(Into::into).collect());
        self
    }

    /// A caption under each image, one per image in order (e.g. the tags a text-to-image
    /// sample was generated from), in a small font; captions wrap to the image width on up to
    /// two lines and are cut with "…" beyond. The count is checked when the grid is drawn:
    /// "captions: 3 captions for 16 images".
    pub fn captions<S: Into<String>>(mut self, captions: impl IntoIterator<Item = S>) -> Self {
        self.captions = Some(captions.into_iter().map(Into::into).collect());
        self
    }

    /// A title drawn above the grid.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Number of images in the grid.
    pub fn len(&self) -> usize {
        self.tiles.len()
    }

    /// Whether the grid holds no image (never true for a grid made by [`ImageGrid::new`]).
    pub fn is_empty(&self) -> bool {
        self.tiles.is_empty()
    }

    /// The `i`-th image, as read from the tensor.
    pub fn image(&self, i: usize) -> Option<&RgbImage> {
        self.tiles.get(i)
    }

    /// (columns, rows) of the layout.
    pub fn shape(&self) -> (usize, usize) {
        let n = self.tiles.len();
        let cols = self
            .columns
            .unwrap_or_else(|| near_square_columns(n))
            .min(n)
            .max(1);
        (cols, n.div_ceil(cols))
    }

    /// (width, height) of each image, as read from the tensor.
    pub fn tile_size(&self) -> (u32, u32) {
        self.tile_size
    }

    /// The scale set with [`ImageGrid::scale`], if any.
    pub(crate) fn scale_setting(&self) -> Option<u32> {
        self.scale
    }

    /// The colour between images (for frames that must be padded to a common size).
    pub(crate) fn background_color(&self) -> Rgb<u8> {
        self.background
    }

    fn effective_scale(&self) -> u32 {
        let (w, h) = self.tile_size;
        let least = 64u32.div_ceil(w.min(h));
        let for_captions = if self.captions.is_some() {
            96u32.div_ceil(w)
        } else {
            1
        };
        self.scale
            .unwrap_or_else(|| least.max(for_captions).clamp(1, 8))
    }
}

impl std::fmt::Debug for ImageGrid {
    /// A summary, not the pixels (evcxr prints `Debug` when it cannot call `evcxr_display`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (cols, rows) = self.shape();
        write!(
            f,
            "ImageGrid({} images of {}×{}, {cols}×{rows})",
            self.len(),
            self.tile_size.0,
            self.tile_size.1
        )
    }
}

impl Figure for ImageGrid {
    fn kind(&self) -> &'static str {
        "image grid"
    }

    fn to_rgb(&self) -> Result<RgbImage> {
        let (cols, rows) = self.shape();
        let check = |labels: &Option<Vec<String>>, what: &str, unit: &str, n: usize| match labels {
            Some(l) if l.len() != n => Err(Error::setting(
                what,
                format!("{} for {}", count(l.len(), "label"), count(n, unit)),
            )),
            _ => Ok(()),
        };
        check(&self.row_labels, "row_labels", "row", rows)?;
        check(&self.column_labels, "column_labels", "column", cols)?;
        if let Some(c) = &self.captions {
            if c.len() != self.tiles.len() {
                return Err(Error::setting(
                    "captions",
                    format!(
                        "{} for {}",
                        count(c.len(), "caption"),
                        count(self.tiles.len(), "image")
                    ),
                ));
            }
        }
        let k = self.effective_scale();
        let (tw, th) = (self.tile_size.0 * k, self.tile_size.1 * k);
        let pad = self.padding;
        let grid_w = cols as u32 * (tw + pad) + pad;
        let m = Margins::new(self, tw, th);
        let pitch = th + m.caption_band + pad;
        let grid_h = rows as u32 * pitch + pad;
        let width = (m.left + grid_w).max(m.title_width);
        let mut canvas = RgbImage::from_pixel(width, m.top + grid_h, self.background);
        for (i, tile) in self.tiles.iter().enumerate() {
            let x0 = m.left + pad + (i % cols) as u32 * (tw + pad);
            let y0 = m.top + pad + (i / cols) as u32 * pitch;
            for y in 0..th {
                for x in 0..tw {
                    canvas.put_pixel(x0 + x, y0 + y, *tile.get_pixel(x / k, y / k));
                }
            }
        }
        m.draw(self, &mut canvas, (tw, th), grid_w);
        Ok(canvas)
    }
}

/// Columns for `n` panels or tiles: the smallest count ≥ √n that divides `n` into full rows
/// when there is one not much wider than √n (8 for 32, 4 for 12), else ⌈√n⌉.
pub(crate) fn near_square_columns(n: usize) -> usize {
    if n <= 1 {
        return 1;
    }
    let root = (n as f64).sqrt();
    let start = root.ceil() as usize;
    (start..=((2.0 * root).floor() as usize))
        .find(|c| n % c == 0)
        .unwrap_or(start)
}

/// "1 label", "3 labels".
pub(crate) fn count(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// The margins that labels and the title take, and the font sizes, for one rendering.
struct Margins {
    /// Label font size in pixels, from the tile size: legible at 32×32 (scaled ×2) and 64×64.
    px: f64,
    /// Column labels' font size (smaller when a word would not fit the column).
    column_px: f64,
    title_px: f64,
    /// Space between text and tiles.
    gap: u32,
    column_lines: Vec<Vec<String>>,
    /// Width of the row-label margin (0 without row labels).
    left: u32,
    /// Height of the title and column-label margins together (0 without either).
    top: u32,
    /// Width the title needs, margins included.
    title_width: u32,
    /// Captions' font size, and each caption as drawn (wrapped, cut).
    caption_px: f64,
    caption_lines: Vec<Vec<String>>,
    /// Height under each row of images that the captions take (0 without captions).
    caption_band: u32,
}

impl Margins {
    fn new(grid: &ImageGrid, tw: u32, th: u32) -> Self {
        let px = (th as f64 * 0.25).clamp(12.0, 18.0);
        let title_px = px + 3.0;
        let gap = (px / 2.0).round() as u32;
        let left = match &grid.row_labels {
            Some(labels) => {
                let widest = labels
                    .iter()
                    .flat_map(|l| l.split('\n'))
                    .map(|l| text::width(l, px))
                    .max()
                    .unwrap_or(0);
                widest + 2 * gap
            }
            None => 0,
        };
        let max_w = (tw + grid.padding).saturating_sub(4).max(8);
        let (mut column_px, mut column_lines, mut column_band) = (px, Vec::new(), 0);
        if let Some(labels) = &grid.column_labels {
            let words_fit = |size: f64| {
                labels
                    .iter()
                    .flat_map(|l| l.split_whitespace())
                    .all(|w| text::width(w, size) <= max_w)
            };
            while column_px > 9.0 && !words_fit(column_px) {
                column_px -= 1.0;
            }
            column_lines = labels
                .iter()
                .map(|l| text::wrap(l, column_px, max_w))
                .collect();
            let most = column_lines.iter().map(Vec::len).max().unwrap_or(0) as u32;
            column_band = most * text::line_height(column_px) + gap;
        }
        let (title_band, title_width) = match &grid.title {
            Some(t) => (
                text::line_height(title_px) + gap,
                text::width(t, title_px) + 2 * gap,
            ),
            None => (0, 0),
        };
        let caption_px = (tw as f64 * 0.13).clamp(11.0, 14.0);
        let (mut caption_lines, mut caption_band) = (Vec::new(), 0);
        if let Some(captions) = &grid.captions {
            // A few pixels narrower than the tile: neighbouring captions never touch.
            let max_w = tw.saturating_sub(6).max(8);
            caption_lines = captions
                .iter()
                .map(|c| text::wrap_lines(c, caption_px, max_w, 2))
                .collect();
            let most = caption_lines.iter().map(Vec::len).max().unwrap_or(0) as u32;
            caption_band = most * text::line_height(caption_px) + 6;
        }
        Margins {
            px,
            column_px,
            title_px,
            gap,
            column_lines,
            left,
            top: title_band + column_band,
            title_width,
            caption_px,
            caption_lines,
            caption_band,
        }
    }

    fn draw(&self, grid: &ImageGrid, canvas: &mut RgbImage, (tw, th): (u32, u32), grid_w: u32) {
        let ink = text::ink(grid.background);
        let pad = grid.padding;
        if let Some(title) = &grid.title {
            let w = text::width(title, self.title_px);
            let centre = (self.left + grid_w / 2)
                .max(self.gap + w / 2)
                .min(canvas.width().saturating_sub(self.gap + w / 2));
            text::draw(
                canvas,
                title,
                self.title_px,
                ((centre - w / 2) as i32, (self.gap / 2) as i32),
                ink,
            );
        }
        let line = text::line_height(self.column_px);
        let band_bottom = self.top.saturating_sub(self.gap / 2);
        for (j, lines) in self.column_lines.iter().enumerate() {
            let centre = self.left + pad + j as u32 * (tw + pad) + tw / 2;
            let top = band_bottom.saturating_sub(lines.len() as u32 * line);
            for (n, l) in lines.iter().enumerate() {
                let w = text::width(l, self.column_px);
                text::draw(
                    canvas,
                    l,
                    self.column_px,
                    (centre as i32 - w as i32 / 2, (top + n as u32 * line) as i32),
                    ink,
                );
            }
        }
        let pitch = th + self.caption_band + pad;
        let (cols, _) = grid.shape();
        let line = text::line_height(self.caption_px);
        for (i, lines) in self.caption_lines.iter().enumerate() {
            let centre = self.left + pad + (i % cols) as u32 * (tw + pad) + tw / 2;
            let top = self.top + pad + (i / cols) as u32 * pitch + th + 2;
            for (n, l) in lines.iter().enumerate() {
                let w = text::width(l, self.caption_px);
                text::draw(
                    canvas,
                    l,
                    self.caption_px,
                    (centre as i32 - w as i32 / 2, (top + n as u32 * line) as i32),
                    ink,
                );
            }
        }
        if let Some(labels) = &grid.row_labels {
            let line = text::line_height(self.px);
            for (i, label) in labels.iter().enumerate() {
                let lines: Vec<&str> = label.split('\n').collect();
                let centre = self.top + pad + i as u32 * pitch + th / 2;
                let top = centre as i32 - (lines.len() as u32 * line / 2) as i32;
                for (n, l) in lines.iter().enumerate() {
                    let x = self.left - self.gap - text::width(l, self.px);
                    text::draw(
                        canvas,
                        l,
                        self.px,
                        (x as i32, top + (n as u32 * line) as i32),
                        ink,
                    );
                }
            }
        }
    }
}

evcxr_figure!(ImageGrid);

/// The grids of image snapshots as (step, grid) pairs; a 2-D field snapshot is an error
/// naming `what`.
pub(crate) fn snapshot_grids(
    snapshots: &[Snapshot],
    what: &str,
) -> Result<Vec<(usize, ImageGrid)>> {
    snapshots
        .iter()
        .map(|s| match &s.preview {
            Preview::Images(p) => Ok((s.step, ImageGrid::new(&p.images)?)),
            Preview::Field(_) => Err(Error::setting(
                what,
                "the snapshots are 2-D fields, not images (draw each with FieldPlot::from_preview)",
            )),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_minus_one_to_one_onto_bytes_and_lays_out_rows() {
        // 3 images 1×2, grey: values −1, 1 / 0, 0.5 / 2 (clipped), −3 (clipped).
        let t = Tensor::from_slice(&[-1.0f32, 1.0, 0.0, 0.5, 2.0, -3.0]).view([3, 1, 1, 2]);
        let grid = ImageGrid::new(&t).unwrap().columns(2).padding(1).scale(1);
        assert_eq!(grid.shape(), (2, 2));
        let img = grid.to_rgb().unwrap();
        assert_eq!(img.dimensions(), (2 * (2 + 1) + 1, 2 * (1 + 1) + 1));
        assert_eq!(img.get_pixel(1, 1).0, [0, 0, 0]);
        assert_eq!(img.get_pixel(2, 1).0, [255, 255, 255]);
        assert_eq!(img.get_pixel(4, 1).0, [128, 128, 128]); // 0 → 127.5 → 128
        assert_eq!(img.get_pixel(5, 1).0, [191, 191, 191]); // 0.5 → 191.25
        assert_eq!(img.get_pixel(1, 3).0, [255, 255, 255]); // clipped high
        assert_eq!(img.get_pixel(2, 3).0, [0, 0, 0]); // clipped low
        assert_eq!(img.get_pixel(0, 0).0, [255, 255, 255]); // padding
    }

    #[test]
    fn keeps_rgb_channels_apart_and_scales_small_tiles() {
        let t = Tensor::full([1, 3, 4, 4], -1.0, (Kind::Float, Device::Cpu));
        let _ = t.get(0).get(0).fill_(1.0); // red channel on
        let img = ImageGrid::new(&t).unwrap().padding(0).to_rgb().unwrap();
        assert_eq!(img.dimensions(), (32, 32)); // 4-pixel tiles: ×8, the largest automatic scale
        assert_eq!(img.get_pixel(10, 10).0, [255, 0, 0]);
        let t = Tensor::zeros([1, 3, 32, 32], (Kind::Float, Device::Cpu));
        let img = ImageGrid::new(&t).unwrap().padding(0).to_rgb().unwrap();
        assert_eq!(img.dimensions(), (64, 64)); // 32-pixel tiles: ×2
        assert_eq!(img.get_pixel(10, 10).0, [128, 128, 128]);
    }

    #[test]
    fn rejects_wrong_shapes_with_the_shape_in_the_message() {
        let e =
            ImageGrid::new(&Tensor::zeros([2, 5, 8, 8], (Kind::Float, Device::Cpu))).unwrap_err();
        assert_eq!(
            e.to_string(),
            "image grid: expected shape [N, 1 or 3, H, W] with N, H, W > 0, got [2, 5, 8, 8]"
        );
        let e = ImageGrid::new(&Tensor::zeros([8, 8], (Kind::Float, Device::Cpu))).unwrap_err();
        assert!(e.to_string().contains("got [8, 8]"));
    }
}
