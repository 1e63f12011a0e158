//! Seeing it: image grids and line plots, shown inline in Jupyter (evcxr) or saved as PNG/SVG.
//!
//! Every figure implements [`Figure`]: `save("x.png")`, `save("x.svg")`, `to_png()`, and an
//! `evcxr_display` method, so a figure as the last expression of a cell draws inline.
//! [`display`] is the one place that speaks evcxr's display protocol and encodes PNGs; the
//! rest of the crate works without a notebook.

pub mod display;
mod grid;
mod plot;
mod style;

pub use display::{Figure, Html};
pub use grid::ImageGrid;
pub use plot::LinePlot;
pub use style::{color, PALETTE};
