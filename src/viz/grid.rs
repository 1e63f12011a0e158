//! Image grids: a batch of images as one picture, like torchvision's `make_grid`.
use super::display::{evcxr_figure, Figure};
use crate::{Error, Result};
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
#[derive(Clone)]
pub struct ImageGrid {
    tiles: Vec<RgbImage>,
    tile_size: (u32, u32),
    columns: Option<usize>,
    padding: u32,
    scale: Option<u32>,
    background: Rgb<u8>,
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
            _ => return Err(Error::shape("image grid", "[N, C, H, W] or [C, H, W]", &size)),
        };
        let &[n, c, h, w] = batch.size().as_slice() else { unreachable!() };
        if !(c == 1 || c == 3) || n == 0 || h == 0 || w == 0 {
            return Err(Error::shape("image grid", "[N, 1 or 3, H, W] with N, H, W > 0", &size));
        }
        if !(hi > lo) {
            return Err(Error::setting("image grid range", format!("[{lo}, {hi}] is empty")));
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
        let bytes = Vec::<u8>::try_from(pixels.view([-1])).map_err(|e| Error::torch("image grid", e))?;
        let per_image = (h * w * 3) as usize;
        let tiles = bytes
            .chunks_exact(per_image)
            .map(|chunk| RgbImage::from_raw(w as u32, h as u32, chunk.to_vec()).expect("sizes match"))
            .collect();
        Ok(ImageGrid {
            tiles,
            tile_size: (w as u32, h as u32),
            columns: None,
            padding: 2,
            scale: None,
            background: Rgb([255, 255, 255]),
        })
    }

    /// Images per row (default: a square-ish grid).
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
    /// 64 pixels, so 32×32 samples are not tiny on screen).
    pub fn scale(mut self, k: u32) -> Self {
        self.scale = Some(k.max(1));
        self
    }

    /// The colour between images (default white).
    pub fn background(mut self, rgb: [u8; 3]) -> Self {
        self.background = Rgb(rgb);
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
        let cols = self.columns.unwrap_or_else(|| (n as f64).sqrt().ceil() as usize).min(n).max(1);
        (cols, n.div_ceil(cols))
    }

    fn effective_scale(&self) -> u32 {
        let (w, h) = self.tile_size;
        self.scale.unwrap_or_else(|| 64u32.div_ceil(w.min(h)).clamp(1, 8))
    }
}

impl std::fmt::Debug for ImageGrid {
    /// A summary, not the pixels (evcxr prints `Debug` when it cannot call `evcxr_display`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (cols, rows) = self.shape();
        write!(f, "ImageGrid({} images of {}×{}, {cols}×{rows})", self.len(), self.tile_size.0, self.tile_size.1)
    }
}

impl Figure for ImageGrid {
    fn kind(&self) -> &'static str {
        "image grid"
    }

    fn to_rgb(&self) -> Result<RgbImage> {
        let (cols, rows) = self.shape();
        let k = self.effective_scale();
        let (tw, th) = (self.tile_size.0 * k, self.tile_size.1 * k);
        let pad = self.padding;
        let width = cols as u32 * (tw + pad) + pad;
        let height = rows as u32 * (th + pad) + pad;
        let mut canvas = RgbImage::from_pixel(width, height, self.background);
        for (i, tile) in self.tiles.iter().enumerate() {
            let x0 = pad + (i % cols) as u32 * (tw + pad);
            let y0 = pad + (i / cols) as u32 * (th + pad);
            for y in 0..th {
                for x in 0..tw {
                    canvas.put_pixel(x0 + x, y0 + y, *tile.get_pixel(x / k, y / k));
                }
            }
        }
        Ok(canvas)
    }
}

evcxr_figure!(ImageGrid);

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
        let e = ImageGrid::new(&Tensor::zeros([2, 5, 8, 8], (Kind::Float, Device::Cpu))).unwrap_err();
        assert_eq!(e.to_string(), "image grid: expected shape [N, 1 or 3, H, W] with N, H, W > 0, got [2, 5, 8, 8]");
        let e = ImageGrid::new(&Tensor::zeros([8, 8], (Kind::Float, Device::Cpu))).unwrap_err();
        assert!(e.to_string().contains("got [8, 8]"));
    }
}
