//! Small tables: numbers next to a figure, inline as HTML, in a terminal as text.
use super::display::{emit, Html};
use super::grid::count;
use crate::error::{Error, Result};
use crate::files::write_atomically;
use std::fmt;
use std::path::{Path, PathBuf};

/// A small table with a header row: shown inline in Jupyter (HTML), printed as a Markdown
/// table (`println!("{table}")`, [`Table::to_markdown`]), saved as `.html`, `.md` or `.csv`.
///
/// ```no_run
/// # use gankit::prelude::*;
/// let sigmoid = |x: f64| 1.0 / (1.0 + (-x).exp());
/// let table = Table::new(["scenario", "C(x_r)", "C(x_f)", "σ(C(x_r) − C(x_f))"])
///     .caption("Relativistic D: is the bread more real than the corgi?")
///     .row(("bread real, corgi fake", 8.0, -5.0, sigmoid(13.0)))?
///     .row(("both look real", 8.0, 7.0, sigmoid(1.0)))?;
/// table // the last expression of a cell: drawn inline
/// # ; Ok::<(), gankit::Error>(())
/// ```
///
/// A row is an array, a `Vec` or a tuple (up to 8) of cells: text, integers or floats.
/// Floats are shown with 4 significant digits (scientific below 0.001 and from 100,000 on),
/// or with a fixed number of decimals after [`Table::decimals`]; NaN, a number that does not
/// exist (a KL with no faces to count), is shown as "—" (and kept as `NaN` in CSV); numbers
/// are right-aligned.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<Cell>>,
    caption: Option<String>,
    decimals: Option<usize>,
}

/// One table cell: text or a number (see [`Table`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Float(f64),
}

impl Cell {
    fn is_number(&self) -> bool {
        !matches!(self, Cell::Text(_))
    }

    fn format(&self, decimals: Option<usize>) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(i) => i.to_string(),
            Cell::Float(x) => format_float(*x, decimals),
        }
    }
}

/// 4 significant digits, scientific outside [0.001, 100000); or `decimals` fixed; NaN as "—".
fn format_float(x: f64, decimals: Option<usize>) -> String {
    if x.is_nan() {
        return "—".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if let Some(d) = decimals {
        return format!("{x:.d$}");
    }
    let a = x.abs();
    if a == 0.0 {
        "0".into()
    } else if !(1e-3..1e5).contains(&a) {
        format!("{x:.3e}")
    } else {
        let magnitude = a.log10().floor() as i32;
        let mut d = (3 - magnitude).clamp(0, 6) as usize;
        // 0.99999 rounds up to 1.0000: one decimal fewer keeps 4 significant digits.
        if d > 0
            && format!("{a:.d$}")
                .parse::<f64>()
                .is_ok_and(|r| r >= 10f64.powi(magnitude + 1))
        {
            d -= 1;
        }
        format!("{x:.d$}")
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}
impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}
impl From<f64> for Cell {
    fn from(x: f64) -> Self {
        Cell::Float(x)
    }
}
impl From<f32> for Cell {
    fn from(x: f32) -> Self {
        Cell::Float(x as f64)
    }
}
macro_rules! int_cell {
    ($($t:ty),*) => {$(
        impl From<$t> for Cell {
            fn from(i: $t) -> Self {
                Cell::Int(i as i64)
            }
        }
    )*};
}
int_cell!(i32, i64, u32, u64, usize);
impl<T: Into<Cell> + Clone> From<&T> for Cell {
    fn from(x: &T) -> Self {
        x.clone().into()
    }
}

/// What [`Table::row`] takes: an array, a `Vec` or a tuple of cells.
pub trait IntoRow {
    fn into_cells(self) -> Vec<Cell>;
}

impl<T: Into<Cell>, const N: usize> IntoRow for [T; N] {
    fn into_cells(self) -> Vec<Cell> {
        self.into_iter().map(Into::into).collect()
    }
}

impl<T: Into<Cell>> IntoRow for Vec<T> {
    fn into_cells(self) -> Vec<Cell> {
        self.into_iter().map(Into::into).collect()
    }
}

macro_rules! tuple_row {
    ($($t:ident),+) => {
        impl<$($t: Into<Cell>),+> IntoRow for ($($t,)+) {
            #[allow(non_snake_case)]
            fn into_cells(self) -> Vec<Cell> {
                let ($($t,)+) = self;
                vec![$($t.into()),+]
            }
        }
    };
}
tuple_row!(A);
tuple_row!(A, B);
tuple_row!(A, B, C);
tuple_row!(A, B, C, D);
tuple_row!(A, B, C, D, E);
tuple_row!(A, B, C, D, E, F);
tuple_row!(A, B, C, D, E, F, G);
tuple_row!(A, B, C, D, E, F, G, H);

/// Escapes text for HTML (`&`, `<`, `>`, quotes).
fn escape_html(s: &str) -> String {
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

/// Escapes a Markdown table cell (`|` and line breaks would break the row).
fn escape_markdown(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// Quotes a CSV field when it needs it (RFC 4180).
fn escape_csv(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

impl Table {
    /// A table with these column names and no rows yet.
    pub fn new<S: Into<String>>(header: impl IntoIterator<Item = S>) -> Self {
        Table {
            header: header.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
            caption: None,
            decimals: None,
        }
    }

    /// Adds a row; it must have one cell per column, or the error names the row (counted from
    /// 1): "table row 2: 3 cells for 4 columns".
    pub fn row(mut self, cells: impl IntoRow) -> Result<Self> {
        let cells = cells.into_cells();
        if cells.len() != self.header.len() {
            return Err(Error::setting(
                format!("table row {}", self.rows.len() + 1),
                format!(
                    "{} for {}",
                    count(cells.len(), "cell"),
                    count(self.header.len(), "column")
                ),
            ));
        }
        self.rows.push(cells);
        Ok(self)
    }

    /// A caption above the table.
    pub fn caption(mut self, caption: impl Into<String>) -> Self {
        self.caption = Some(caption.into());
        self
    }

    /// Shows every float with exactly this many decimals (default: 4 significant digits).
    pub fn decimals(mut self, decimals: usize) -> Self {
        self.decimals = Some(decimals);
        self
    }

    /// Number of rows (the header not counted).
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The cell text of row `row`, column `column`, as shown (`None` outside the table).
    pub fn cell(&self, row: usize, column: usize) -> Option<String> {
        self.rows
            .get(row)?
            .get(column)
            .map(|c| c.format(self.decimals))
    }

    /// Whether every cell of column `j` is a number (then it is right-aligned).
    fn numeric(&self, j: usize) -> bool {
        !self.rows.is_empty() && self.rows.iter().all(|r| r[j].is_number())
    }

    /// The table as HTML (cells escaped), for a notebook or a web page.
    pub fn to_html(&self) -> Html {
        let cell_style = "padding:2px 10px;border-bottom:1px solid #ddd;";
        let mut h = String::from(
            r#"<table style="border-collapse:collapse;font-variant-numeric:tabular-nums;">"#,
        );
        if let Some(c) = &self.caption {
            h.push_str(&format!(
                r#"<caption style="caption-side:top;font-weight:bold;padding:4px;">{}</caption>"#,
                escape_html(c)
            ));
        }
        h.push_str("<thead><tr>");
        for (j, name) in self.header.iter().enumerate() {
            let align = if self.numeric(j) { "right" } else { "left" };
            h.push_str(&format!(r#"<th style="{cell_style}text-align:{align};border-bottom:2px solid #888;">{}</th>"#, escape_html(name)));
        }
        h.push_str("</tr></thead><tbody>");
        for row in &self.rows {
            h.push_str("<tr>");
            for cell in row {
                let align = if cell.is_number() { "right" } else { "left" };
                h.push_str(&format!(
                    r#"<td style="{cell_style}text-align:{align};">{}</td>"#,
                    escape_html(&cell.format(self.decimals))
                ));
            }
            h.push_str("</tr>");
        }
        h.push_str("</tbody></table>");
        Html(h)
    }

    /// The table as Markdown, columns padded so that it also reads as plain text (what
    /// `Display` prints); the caption, if any, is the first line.
    pub fn to_markdown(&self) -> String {
        let header: Vec<String> = self.header.iter().map(|s| escape_markdown(s)).collect();
        let body: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| escape_markdown(&c.format(self.decimals)))
                    .collect()
            })
            .collect();
        let chars = |s: &String| s.chars().count();
        let widths: Vec<usize> = (0..header.len())
            .map(|j| {
                body.iter()
                    .map(|r| chars(&r[j]))
                    .chain([chars(&header[j]), 3])
                    .max()
                    .unwrap_or(3)
            })
            .collect();
        let line = |cells: &[String]| {
            let padded: Vec<String> = cells
                .iter()
                .enumerate()
                .map(|(j, c)| {
                    let fill = " ".repeat(widths[j] - chars(c));
                    if self.numeric(j) {
                        format!("{fill}{c}")
                    } else {
                        format!("{c}{fill}")
                    }
                })
                .collect();
            format!("| {} |\n", padded.join(" | "))
        };
        let mut out = String::new();
        if let Some(c) = &self.caption {
            out.push_str(&format!("{}\n\n", c.replace(['\n', '\r'], " ")));
        }
        out.push_str(&line(&header));
        let rule: Vec<String> = widths
            .iter()
            .enumerate()
            .map(|(j, &w)| {
                if self.numeric(j) {
                    format!("{}:", "-".repeat(w + 1))
                } else {
                    "-".repeat(w + 2)
                }
            })
            .collect();
        out.push_str(&format!("|{}|\n", rule.join("|")));
        for r in &body {
            out.push_str(&line(r));
        }
        out
    }

    /// The table as CSV (header line first; floats with every digit, not as shown).
    pub fn to_csv(&self) -> String {
        let mut out = self
            .header
            .iter()
            .map(|s| escape_csv(s))
            .collect::<Vec<_>>()
            .join(",")
            + "\n";
        for r in &self.rows {
            let cells: Vec<String> = r
                .iter()
                .map(|c| match c {
                    Cell::Float(x) => format!("{x}"),
                    c => escape_csv(&c.format(None)),
                })
                .collect();
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        out
    }

    /// Saves the table; the extension picks the format (`.html`, `.md` or `.csv`), written
    /// atomically like every figure. Returns the path.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<PathBuf> {
        let path = path.as_ref();
        let text = match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("html") => self.to_html().0,
            Some("md") => self.to_markdown(),
            Some("csv") => self.to_csv(),
            _ => {
                return Err(Error::setting(
                    path.display().to_string(),
                    "a table is saved as .html, .md or .csv",
                ))
            }
        };
        write_atomically(path, text.as_bytes())?;
        Ok(path.to_path_buf())
    }

    /// Shows the table in the notebook.
    pub fn show(&self) {
        emit("text/html", &self.to_html().0);
    }

    /// Called by evcxr when the value is the last expression of a cell.
    pub fn evcxr_display(&self) {
        self.show()
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_markdown())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_keep_four_significant_digits() {
        let f = |x| format_float(x, None);
        assert_eq!(f(0.5), "0.5000");
        assert_eq!(f(0.999998), "1.000");
        assert_eq!(f(-9.99999), "-10.00");
        assert_eq!(f(-12.3456), "-12.35");
        assert_eq!(f(1234.56), "1235");
        assert_eq!(f(0.0), "0");
        assert_eq!(f(0.000123), "1.230e-4");
        assert_eq!(f(123456.0), "1.235e5");
        assert_eq!(f(f64::NAN), "—");
        assert_eq!(format_float(0.5, Some(2)), "0.50");
    }
}
