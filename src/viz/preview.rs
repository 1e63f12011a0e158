//! Trainers' previews drawn: [`Preview`], [`ImagePreview`] and [`FieldPreview`] are figures
//! (`gan.preview()?` as the last expression of a cell draws it; `.save("x.png")` writes it).
use super::display::{evcxr_figure, Figure};
use super::{FieldPlot, ImageGrid};
use crate::error::Result;
use crate::train::{FieldPreview, ImagePreview, Preview};
use image::RgbImage;

impl ImageGrid {
    /// The grid of a trainer's image preview, with its title, layout and labels.
    pub fn from_preview(p: &ImagePreview) -> Result<ImageGrid> {
        let mut grid = ImageGrid::new(&p.images)?;
        if let Some(c) = p.columns {
            grid = grid.columns(c);
        }
        if !p.title.is_empty() {
            grid = grid.title(p.title.clone());
        }
        if !p.column_labels.is_empty() {
            grid = grid.column_labels(p.column_labels.iter().cloned());
        }
        if !p.row_labels.is_empty() {
            grid = grid.row_labels(p.row_labels.iter().cloned());
        }
        if !p.captions.is_empty() {
            grid = grid.captions(p.captions.iter().cloned());
        }
        Ok(grid)
    }
}

impl FieldPlot {
    /// GAN Lab's picture of a trainer's 2-D field preview: D's output as a heatmap, the real
    /// and generated points, G's push as arrows.
    pub fn from_preview(f: &FieldPreview) -> Result<FieldPlot> {
        let heat = tch::Tensor::from_slice(&f.heat);
        FieldPlot::new(f.title.clone(), f.x, f.y)
            .heatmap(&|_grid| heat.shallow_clone(), f.resolution)?
            .real(&f.real)?
            .fake(&f.fake)?
            .arrows(&f.fake, &f.push, 1.0)
    }
}

impl Figure for ImagePreview {
    fn kind(&self) -> &'static str {
        "image preview"
    }
    fn to_rgb(&self) -> Result<RgbImage> {
        ImageGrid::from_preview(self)?.to_rgb()
    }
}

impl Figure for FieldPreview {
    fn kind(&self) -> &'static str {
        "field preview"
    }
    fn to_rgb(&self) -> Result<RgbImage> {
        FieldPlot::from_preview(self)?.to_rgb()
    }
    fn to_svg(&self) -> Result<String> {
        FieldPlot::from_preview(self)?.to_svg()
    }
}

impl Figure for Preview {
    fn kind(&self) -> &'static str {
        "preview"
    }
    fn to_rgb(&self) -> Result<RgbImage> {
        match self {
            Preview::Images(p) => p.to_rgb(),
            Preview::Field(f) => f.to_rgb(),
        }
    }
    fn to_svg(&self) -> Result<String> {
        match self {
            Preview::Images(p) => p.to_svg(),
            Preview::Field(f) => f.to_svg(),
        }
    }
}

evcxr_figure!(Preview, ImagePreview, FieldPreview);
