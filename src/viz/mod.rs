//! Seeing it: image grids (labelled, noise-evolution strips), line plots (several runs), GAN
//! Lab's 2-D field plots, training animations and small tables, shown inline in Jupyter
//! (evcxr) or saved to a file.
//!
//! Every figure implements [`Figure`]: `save("x.png")`, `save("x.svg")`, `to_png()`, and an
//! `evcxr_display` method, so a figure as the last expression of a cell draws inline.
//! [`Animation`] saves `.gif` and [`Table`] `.html`, `.md` or `.csv`, with the same `save`.
//! Every `save` writes a temporary file and renames it, and names the path in its error.
//! [`display`] is the one place that speaks evcxr's display protocol and encodes PNGs; the
//! rest of the crate works without a notebook.
//!
//! [`Histogram`] shows values per layer (a critic's weights before and after clipping,
//! activations); [`LinePlot`] has [`Scale`]s (log, symlog) for losses that span decades or
//! change sign; a run's curves are [`History`](crate::train::History)'s `loss_plot`,
//! `score_plot`, `wasserstein_plot`, `term_plot` and `compare_plot` (defined here, in viz).

mod animation;
mod axis;
pub mod display;
mod field;
mod grid;
mod histogram;
mod history;
mod legend;
mod plot;
mod preview;
mod report;
mod row;
mod scrubber;
mod style;
mod summary;
mod table;

pub use animation::Animation;
pub use axis::Scale;
pub use display::{Figure, Html};
pub use field::FieldPlot;
pub use grid::ImageGrid;
pub use histogram::{Histogram, HistogramValues};
pub use plot::LinePlot;
pub use row::FigureRow;
pub use scrubber::{FrameEncoding, Scrubber};
pub use style::{color, PALETTE};
pub use table::{Cell, IntoRow, Table};
