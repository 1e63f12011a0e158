//! evcxr's display protocol, PNG encoding and saving: the only code that does either.
use crate::error::{Error, Result};
use base64::Engine;
use image::RgbImage;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A figure: something drawn as an RGB raster (and, where it has a vector form, as SVG).
pub trait Figure {
    /// A short name used in error messages ("image grid", "line plot").
    fn kind(&self) -> &'static str;

    /// Renders the figure as an RGB image.
    fn to_rgb(&self) -> Result<RgbImage>;

    /// Renders the figure as SVG. The default embeds the PNG rendering; plots override it
    /// with real vector output.
    fn to_svg(&self) -> Result<String> {
        let img = self.to_rgb()?;
        let png = encode_png(&img, Path::new(self.kind()))?;
        Ok(format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}"><image width="{w}" height="{h}" href="data:image/png;base64,{b}"/></svg>"#,
            w = img.width(),
            h = img.height(),
            b = base64::engine::general_purpose::STANDARD.encode(png)
        ))
    }

    /// PNG bytes of the figure.
    fn to_png(&self) -> Result<Vec<u8>> {
        encode_png(&self.to_rgb()?, Path::new(self.kind()))
    }

    /// The figure as HTML: an `<img>` holding the PNG, to put next to a table with
    /// [`Html::side_by_side`].
    fn to_html(&self) -> Result<Html> {
        let png = self.to_png()?;
        Ok(Html(format!(
            r#"<img src="data:image/png;base64,{}" alt="{}"/>"#,
            base64::engine::general_purpose::STANDARD.encode(png),
            self.kind()
        )))
    }

    /// Saves the figure; the extension picks the format (`.png` or `.svg`). The file is
    /// written to a temporary name first and renamed, so a failed save leaves no half file.
    /// Returns the path, for printing.
    fn save(&self, path: impl AsRef<Path>) -> Result<PathBuf>
    where
        Self: Sized,
    {
        let path = path.as_ref();
        let bytes = match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
        {
            Some(e) if e == "png" => self.to_png()?,
            Some(e) if e == "svg" => self.to_svg()?.into_bytes(),
            _ => {
                return Err(Error::setting(
                    path.display().to_string(),
                    "a figure is saved as .png or .svg",
                ))
            }
        };
        crate::files::write_atomically(path, &bytes)?;
        Ok(path.to_path_buf())
    }

    /// Shows the figure in the notebook (prints evcxr's display protocol), or prints the
    /// error in one line if drawing failed.
    fn show(&self) {
        match self.to_png() {
            Ok(png) => emit(
                "image/png",
                &base64::engine::general_purpose::STANDARD.encode(png),
            ),
            Err(e) => println!("could not draw the {}: {e}", self.kind()),
        }
    }
}

/// Gives figure types the inherent `evcxr_display` method that evcxr looks for.
macro_rules! evcxr_figure {
    ($($t:ty),*) => {$(
        impl $t {
            /// Called by evcxr when the value is the last expression of a cell.
            pub fn evcxr_display(&self) {
                $crate::viz::Figure::show(self)
            }
        }
    )*};
}
pub(crate) use evcxr_figure;

/// Prints one rich output in evcxr's display protocol.
pub fn emit(mime: &str, payload: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "EVCXR_BEGIN_CONTENT {mime}\n{payload}\nEVCXR_END_CONTENT"
    );
    let _ = out.flush();
}

/// HTML shown inline (tables, formatted text).
#[derive(Debug, Clone, PartialEq)]
pub struct Html(pub String);

impl Html {
    /// Pieces of HTML in a row, top-aligned, wrapping when the window is narrow: a tag table
    /// next to its grid in one output (evcxr keeps only one image and one HTML output per
    /// cell, so two figures in one cell need this).
    ///
    /// ```no_run
    /// # use gankit::prelude::*;
    /// # let (grid, table) = (ImageGrid::new(&Tensor::zeros([4, 3, 8, 8], (Kind::Float, Device::Cpu)))?, Table::new(["tag"]));
    /// Html::side_by_side([grid.to_html()?, table.to_html()])
    /// # ; Ok::<(), gankit::Error>(())
    /// ```
    pub fn side_by_side(parts: impl IntoIterator<Item = Html>) -> Html {
        let cells: String = parts
            .into_iter()
            .map(|p| format!("<div>{}</div>", p.0))
            .collect();
        Html(format!(
            r#"<div style="display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start;">{cells}</div>"#
        ))
    }

    /// Shows the HTML in the notebook.
    pub fn show(&self) {
        emit("text/html", &self.0);
    }

    /// Called by evcxr when the value is the last expression of a cell.
    pub fn evcxr_display(&self) {
        self.show()
    }
}

/// Encodes an RGB image as PNG; `what` names it in the error.
pub(crate) fn encode_png(img: &RgbImage, what: &Path) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    img.write_to(
        &mut std::io::Cursor::new(&mut bytes),
        image::ImageFormat::Png,
    )
    .map_err(|source| Error::Image {
        path: what.to_path_buf(),
        source,
    })?;
    Ok(bytes)
}
