//! Colours and fonts shared by every figure.
use plotters::style::{FontStyle, RGBColor};
use std::sync::Once;

/// The series colours, in order (matplotlib's "tab10", which students know from PyTorch
/// tutorials).
pub const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// The `i`-th series colour (cycling).
pub fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// The font family every figure uses; registered from the embedded DejaVu Sans, so drawing
/// text needs no system fonts.
pub(crate) const FONT: &str = "sans-serif";

pub(crate) fn ensure_fonts() {
    static FONTS: Once = Once::new();
    FONTS.call_once(|| {
        // Registering embedded, valid TTF data cannot fail; ignore the impossible error.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular());
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold());
        let _ = plotters::style::register_font(FONT, FontStyle::Italic, dejavu::sans::oblique());
    });
}

/// Text drawn straight onto an RGB image with the embedded font (labels and captions of image
/// grids and animation frames): no drawing backend, so the placement is exact and the same in
/// every figure.
pub(crate) mod text {
    use super::{ensure_fonts, FONT};
    use image::{Rgb, RgbImage};
    use plotters::style::{FontDesc, FontFamily, FontStyle};

    fn font(px: f64) -> FontDesc<'static> {
        ensure_fonts();
        FontDesc::new(FontFamily::Name(FONT), px, FontStyle::Normal)
    }

    /// Height of one line of text at `px` (ascent + descent + a little leading).
    pub(crate) fn line_height(px: f64) -> u32 {
        (px * 1.2).ceil() as u32
    }

    /// Width in pixels of `text` (one line) at `px`.
    pub(crate) fn width(text: &str, px: f64) -> u32 {
        // The font is embedded and registered, so measuring cannot fail; 0 if it ever did.
        font(px).box_size(text).map(|(w, _)| w).unwrap_or(0)
    }

    /// Draws one line of `text` with its line box's top-left corner at `(x, top)`, blending the
    /// glyphs' coverage into the pixels below; what falls outside the image is cut off.
    ///
    /// Glyph by glyph: plotters places each glyph's ink box at the pen position, dropping its
    /// left side bearing (so "1000" reads "1 000"); here each glyph's ink is centred in its
    /// advance instead, which is within a pixel of the font's own placement at label sizes.
    pub(crate) fn draw(
        img: &mut RgbImage,
        text: &str,
        px: f64,
        (x, top): (i32, i32),
        color: Rgb<u8>,
    ) {
        // plotters puts the baseline at y + px/2; DejaVu's ascent is about 0.8 of the size.
        let baseline =
            top + (px * 0.8).round() as i32 + ((line_height(px) as f64 - px) / 2.0).round() as i32;
        let y = baseline - (px / 2.0).round() as i32;
        let f = font(px);
        let (w, h) = img.dimensions();
        for (i, c) in text.char_indices() {
            let glyph = &text[i..i + c.len_utf8()];
            let (mut x0, mut x1) = (i32::MAX, i32::MIN);
            let _ = f.draw(glyph, (0, 0), |gx, _, a| {
                if a > 0.0 {
                    (x0, x1) = (x0.min(gx), x1.max(gx));
                }
                Ok::<(), ()>(())
            });
            if x0 > x1 {
                continue; // a space: nothing to draw
            }
            let advance = width(glyph, px) as i32;
            let pen = width(&text[..i + c.len_utf8()], px) as i32 - advance;
            let left = x + pen + (advance - (x1 - x0 + 1)) / 2 - x0;
            let _ = f.draw(glyph, (left, y), |gx, gy, a| {
                if gx >= 0 && gy >= 0 && (gx as u32) < w && (gy as u32) < h {
                    let a = a.clamp(0.0, 1.0);
                    let p = img.get_pixel_mut(gx as u32, gy as u32);
                    for c in 0..3 {
                        p.0[c] = (p.0[c] as f32 * (1.0 - a) + color.0[c] as f32 * a).round() as u8;
                    }
                }
                Ok::<(), ()>(())
            });
        }
    }

    /// A text colour that reads on `background`: near-black on light, near-white on dark.
    pub(crate) fn ink(background: Rgb<u8>) -> Rgb<u8> {
        let [r, g, b] = background.0.map(f64::from);
        if 0.299 * r + 0.587 * g + 0.114 * b >= 128.0 {
            Rgb([25, 25, 25])
        } else {
            Rgb([235, 235, 235])
        }
    }

    /// Splits `text` into lines no wider than `max_width` at `px`: explicit `\n` first, then
    /// words; a single word that is still too wide is shortened with "…".
    pub(crate) fn wrap(text: &str, px: f64, max_width: u32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            for word in paragraph.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if line.is_empty() || width(&candidate, px) <= max_width {
                    line = candidate;
                } else {
                    lines.push(std::mem::replace(&mut line, word.to_string()));
                }
            }
            lines.push(line);
        }
        lines
            .into_iter()
            .map(|l| shorten(&l, px, max_width))
            .collect()
    }

    /// [`wrap`] to at most `max_lines` lines, breaking after commas first when that fits
    /// ("black hair," / "red eyes"); the last line kept ends with "…" when some text was left
    /// out.
    pub(crate) fn wrap_lines(text: &str, px: f64, max_width: u32, max_lines: usize) -> Vec<String> {
        let mut lines = wrap(text, px, max_width);
        if lines.len() > 1 && text.contains(", ") && !text.contains('\n') {
            let parts: Vec<String> = text.split(", ").map(str::to_string).collect();
            let last = parts.len() - 1;
            let at_commas: Vec<String> = parts
                .iter()
                .enumerate()
                .map(|(i, p)| if i < last { format!("{p},") } else { p.clone() })
                .flat_map(|p| wrap(&p, px, max_width))
                .collect();
            if at_commas.len() <= lines.len().min(max_lines.max(1))
                && at_commas.iter().all(|l| width(l, px) <= max_width)
            {
                lines = at_commas;
            }
        }
        if lines.len() > max_lines.max(1) {
            lines.truncate(max_lines.max(1));
            let last = lines.pop().unwrap_or_default();
            let cut = last.trim_end_matches('…').to_string() + "…";
            lines.push(if width(&cut, px) <= max_width {
                cut
            } else {
                shorten(&(last + "……"), px, max_width)
            });
        }
        lines
    }

    /// `text`, cut and ended with "…" if it is wider than `max_width` at `px`.
    pub(crate) fn shorten(text: &str, px: f64, max_width: u32) -> String {
        if width(text, px) <= max_width {
            return text.to_string();
        }
        let mut chars: Vec<char> = text.chars().collect();
        while !chars.is_empty() {
            chars.pop();
            let s: String = chars.iter().collect::<String>() + "…";
            if width(&s, px) <= max_width {
                return s;
            }
        }
        "…".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::text;
    use image::{Rgb, RgbImage};

    #[test]
    fn wraps_words_to_the_width_and_shortens_what_cannot_fit() {
        let w = text::width("black hair", 14.0);
        assert!(w > 40, "measured: {w}");
        assert_eq!(text::wrap("black hair", 14.0, w), ["black hair"]);
        assert_eq!(text::wrap("black hair", 14.0, w - 1), ["black", "hair"]);
        assert_eq!(
            text::wrap("white hair\naqua eyes", 14.0, 500),
            ["white hair", "aqua eyes"]
        );
        let two = text::wrap_lines("blonde hair, blue eyes, glasses", 14.0, w, 2);
        assert_eq!(two.len(), 2, "{two:?}");
        assert!(
            two[1].ends_with('…') && text::width(&two[1], 14.0) <= w,
            "{two:?}"
        );
        assert_eq!(text::wrap_lines("black hair", 14.0, w, 2), ["black hair"]);
        assert_eq!(
            text::wrap_lines(
                "black hair, red eyes",
                14.0,
                text::width("black hair,", 14.0),
                2
            ),
            ["black hair,", "red eyes"],
            "a break after the comma"
        );
        let cut = text::wrap("glasses", 14.0, 20);
        assert!(
            cut[0].ends_with('…') && text::width(&cut[0], 14.0) <= 20,
            "{cut:?}"
        );
    }

    #[test]
    fn draws_inside_its_line_box_in_the_ink_colour() {
        let mut img = RgbImage::from_pixel(80, 40, Rgb([255, 255, 255]));
        text::draw(
            &mut img,
            "Hg",
            16.0,
            (10, 10),
            text::ink(Rgb([255, 255, 255])),
        );
        let dark: Vec<(u32, u32)> = img
            .enumerate_pixels()
            .filter(|(_, _, p)| p.0[0] < 128)
            .map(|(x, y, _)| (x, y))
            .collect();
        assert!(dark.len() > 20);
        let line = text::line_height(16.0);
        assert!(
            dark.iter()
                .all(|&(x, y)| x >= 10 && y >= 10 && y < 10 + line),
            "ascender and descender stay in the line box"
        );
        assert_eq!(text::ink(Rgb([10, 10, 10])), Rgb([235, 235, 235]));
    }
}
