//! Where a line plot's legend goes and how it is drawn: a box in a corner that no line
//! crosses, or rows under the plot.
use super::style::{text, FONT};
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Font size of legend entries.
pub(super) const LEGEND_PX: f64 = 14.0;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum LegendPlace {
    /// A box inside the plot with its top-left corner here.
    Inside((i32, i32)),
    /// Rows of entries below the x axis, starting at this height.
    Below(i32),
}

/// Legend geometry: inner padding, the sample line's length, the gap before the text, and
/// the height of one entry.
pub(super) const PAD: i32 = 7;
pub(super) const SAMPLE: i32 = 24;
pub(super) const GAP: i32 = 7;

pub(super) fn row_height() -> i32 {
    text::line_height(LEGEND_PX) as i32 + 3
}

pub(super) struct LegendBox;

impl LegendBox {
    /// The (width, height) of the boxed legend, `None` without entries.
    pub(super) fn measure(entries: &[(String, RGBColor, bool)]) -> Option<(i32, i32)> {
        let widest = entries
            .iter()
            .map(|(n, _, _)| text::width(n, LEGEND_PX) as i32)
            .max()?;
        Some((
            2 * PAD + SAMPLE + GAP + widest,
            2 * PAD + entries.len() as i32 * row_height() - 3,
        ))
    }
}

/// Width of one entry in a legend row.
pub(super) fn entry_width(name: &str) -> i32 {
    SAMPLE + GAP + text::width(name, LEGEND_PX) as i32 + 22
}

/// Entries flowing left to right in rows no wider than `width`: the rows' entry indices.
pub(super) fn legend_rows(entries: &[(String, RGBColor, bool)], width: i32) -> Vec<Vec<usize>> {
    let mut rows: Vec<Vec<usize>> = Vec::new();
    let mut used = 0;
    for (i, (name, _, _)) in entries.iter().enumerate() {
        let ew = entry_width(name);
        match rows.last_mut() {
            Some(row) if used + ew <= width => {
                row.push(i);
                used += ew;
            }
            _ => {
                rows.push(vec![i]);
                used = ew;
            }
        }
    }
    rows
}

pub(super) fn legend_rows_height(entries: &[(String, RGBColor, bool)], width: i32) -> i32 {
    legend_rows(entries, width).len() as i32 * row_height() + 6
}

/// One legend entry: the sample line (solid or dashed) and the name, centred on `y`.
pub(super) fn draw_entry<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    (name, c, dashed): &(String, RGBColor, bool),
    (x, y): (i32, i32),
) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let line = vec![(x, y), (x + SAMPLE, y)];
    if *dashed {
        root.draw(&DashedPathElement::new(line, 6, 4, c.stroke_width(2)))?;
    } else {
        root.draw(&PathElement::new(line, c.stroke_width(2)))?;
    }
    let style = TextStyle::from((FONT, LEGEND_PX).into_font())
        .color(&BLACK)
        .pos(Pos::new(HPos::Left, VPos::Center));
    root.draw_text(name, &style, (x + SAMPLE + GAP, y))
}

pub(super) fn draw_legend_box<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    entries: &[(String, RGBColor, bool)],
    (x, y): (i32, i32),
) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let Some((w, h)) = LegendBox::measure(entries) else {
        return Ok(());
    };
    root.draw(&Rectangle::new([(x, y), (x + w, y + h)], WHITE.filled()))?;
    root.draw(&Rectangle::new(
        [(x, y), (x + w, y + h)],
        RGBColor(200, 200, 200),
    ))?;
    let rh = row_height();
    for (i, e) in entries.iter().enumerate() {
        draw_entry(root, e, (x + PAD, y + PAD + i as i32 * rh + (rh - 3) / 2))?;
    }
    Ok(())
}

pub(super) fn draw_legend_rows<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    entries: &[(String, RGBColor, bool)],
    (left, right): (i32, i32),
    top: i32,
) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let width = root.dim_in_pixel().0 as i32 - 40;
    let rh = row_height();
    for (r, row) in legend_rows(entries, width).iter().enumerate() {
        let total: i32 = row.iter().map(|&i| entry_width(&entries[i].0)).sum::<i32>() - 22;
        let mut x = ((left + right) / 2 - total / 2).max(8);
        for &i in row {
            draw_entry(root, &entries[i], (x, top + r as i32 * rh + rh / 2))?;
            x += entry_width(&entries[i].0);
        }
    }
    Ok(())
}

/// Whether a polyline (pixels) enters the rectangle (x0, y0, x1, y1).
pub(super) fn crosses(run: &[(f64, f64)], (x0, y0, x1, y1): (f64, f64, f64, f64)) -> bool {
    let inside = |(x, y): (f64, f64)| x >= x0 && x <= x1 && y >= y0 && y <= y1;
    if run.len() == 1 {
        return inside(run[0]);
    }
    run.windows(2).any(|seg| {
        // Liang–Barsky: clip the segment to the rectangle; it crosses if anything is left.
        let ((ax, ay), (bx, by)) = (seg[0], seg[1]);
        let (dx, dy) = (bx - ax, by - ay);
        let (mut t0, mut t1) = (0.0f64, 1.0f64);
        for (p, q) in [(-dx, ax - x0), (dx, x1 - ax), (-dy, ay - y0), (dy, y1 - ay)] {
            if p == 0.0 {
                if q < 0.0 {
                    return false;
                }
            } else {
                let r = q / p;
                if p < 0.0 {
                    t0 = t0.max(r);
                } else {
                    t1 = t1.min(r);
                }
            }
        }
        t0 <= t1
    })
}
