//! [`FigureRow`]: figures side by side in one picture.
use super::display::{evcxr_figure, Figure};
use crate::{Error, Result};
use image::{Rgb, RgbImage};

/// Figures side by side, top-aligned on a white background, as one picture: two runs' fields
/// or grids compared in one cell, where [`Html::side_by_side`](super::Html::side_by_side)
/// would give an HTML output (evcxr keeps one image per cell; this is that image, so it also
/// saves as one PNG).
///
/// ```no_run
/// # use gankit::prelude::*;
/// # fn f(a: &BoxedGan, b: &BoxedGan, real: &Tensor) -> Result<FigureRow> {
/// FigureRow::new()
///     .with(&a.field_preview(real, 300, 3.0)?)?
///     .with(&b.field_preview(real, 300, 3.0)?)
/// # }
/// ```
#[derive(Clone)]
pub struct FigureRow {
    images: Vec<RgbImage>,
    gap: u32,
}

impl std::fmt::Debug for FigureRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sizes: Vec<_> = self.images.iter().map(RgbImage::dimensions).collect();
        write!(f, "FigureRow({sizes:?})")
    }
}

impl Default for FigureRow {
    fn default() -> Self {
        Self::new()
    }
}

impl FigureRow {
    /// An empty row with 16 pixels between figures.
    pub fn new() -> Self {
        FigureRow {
            images: Vec::new(),
            gap: 16,
        }
    }

    /// Adds `figure` at the right, drawn now.
    pub fn with(mut self, figure: &impl Figure) -> Result<Self> {
        self.images.push(figure.to_rgb()?);
        Ok(self)
    }

    /// Pixels between neighbouring figures.
    pub fn gap(mut self, pixels: u32) -> Self {
        self.gap = pixels;
        self
    }

    /// Figures in the row.
    pub fn len(&self) -> usize {
        self.images.len()
    }

    /// Whether the row has no figure.
    pub fn is_empty(&self) -> bool {
        self.images.is_empty()
    }
}

impl Figure for FigureRow {
    fn kind(&self) -> &'static str {
        "figure row"
    }

    fn to_rgb(&self) -> Result<RgbImage> {
        if self.images.is_empty() {
            return Err(Error::setting(
                "figure row",
                "no figures (add them with .with(&figure)?)",
            ));
        }
        let gaps = self.gap * (self.images.len() as u32 - 1);
        let width = self.images.iter().map(RgbImage::width).sum::<u32>() + gaps;
        let height = self.images.iter().map(RgbImage::height).max().unwrap_or(1);
        let mut canvas = RgbImage::from_pixel(width, height, Rgb([255, 255, 255]));
        let mut x = 0;
        for img in &self.images {
            image::imageops::replace(&mut canvas, img, x as i64, 0);
            x += img.width() + self.gap;
        }
        Ok(canvas)
    }
}

evcxr_figure!(FigureRow);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::viz::ImageGrid;
    use tch::{Device, Kind, Tensor};

    #[test]
    fn figures_sit_side_by_side_top_aligned() {
        let black = ImageGrid::new(&Tensor::full(
            [1, 3, 8, 8],
            -1.0,
            (Kind::Float, Device::Cpu),
        ))
        .unwrap()
        .padding(0)
        .scale(1);
        let tall = ImageGrid::new(&Tensor::full(
            [2, 3, 8, 8],
            -1.0,
            (Kind::Float, Device::Cpu),
        ))
        .unwrap()
        .columns(1)
        .padding(0)
        .scale(1);
        let (a, b) = (black.to_rgb().unwrap(), tall.to_rgb().unwrap());
        let row = FigureRow::new()
            .with(&black)
            .unwrap()
            .with(&tall)
            .unwrap()
            .gap(3);
        let img = row.to_rgb().unwrap();
        assert_eq!(
            img.dimensions(),
            (a.width() + 3 + b.width(), a.height().max(b.height()))
        );
        // the first figure at the left, top-aligned; the gap and the space below it white
        assert_eq!(img.get_pixel(0, 0).0, a.get_pixel(0, 0).0);
        assert_eq!(img.get_pixel(a.width() + 1, 0).0, [255, 255, 255]);
        assert_eq!(img.get_pixel(0, img.height() - 1).0, [255, 255, 255]);
        // the second starts after the gap
        assert_eq!(
            img.get_pixel(a.width() + 3, b.height() - 1).0,
            b.get_pixel(0, b.height() - 1).0
        );
        assert_eq!(row.len(), 2);
        let e = FigureRow::new().to_rgb().unwrap_err().to_string();
        assert!(e.starts_with("figure row: no figures"), "{e}");
    }
}
