//! Evaluators: numbers for what the reports judged by eye.
//!
//! - [`modes`]: modes captured and high-quality samples on 2-D mixtures (VEEGAN, PacGAN).

pub mod modes;
