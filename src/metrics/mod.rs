//! Evaluators: numbers for what the reports judged by eye.
//!
//! - [`modes`]: modes captured and high-quality samples on 2-D mixtures (VEEGAN, PacGAN);
//! - [`pairs`]: L1 and PSNR of translations against true pairs (CycleGAN).

pub mod modes;
pub mod pairs;
