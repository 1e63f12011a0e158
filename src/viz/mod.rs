//! Seeing it: image grids, line plots and GAN Lab's 2-D field plots, shown inline in Jupyter (evcxr) or saved as PNG/SVG.
//!
//! Every figure implements [`Figure`]: `save("x.png")`, `save("x.svg")`, `to_png()`, and an
//! `evcxr_display` method, so a figure as the last expression of a cell draws inline.
//! [`display`] is the one place that speaks evcxr's display protocol and encodes PNGs; the
//! rest of the crate works without a notebook.

pub mod display;
mod field;
mod grid;
mod plot;
mod style;

pub use display::{Figure, Html};
pub use field::FieldPlot;
pub use grid::ImageGrid;
pub use plot::LinePlot;
pub use style::{color, PALETTE};
