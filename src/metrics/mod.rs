//! Evaluators: numbers for what the reports judged by eye.
//!
//! - [`modes`]: modes captured and high-quality samples on 2-D mixtures (VEEGAN, PacGAN);
//! - [`pairs`]: L1 and PSNR of translations against true pairs (CycleGAN);
//! - [`evaluators`]: networks trained on the built-in data: face / hair / eye / attributes,
//!   objects, and the face evaluator's calibration;
//! - [`degrade`]: blurred, noised, occluded, shuffled and averaged images (the face
//!   evaluator's hard negatives and calibration);
//! - [`fid`]: Fréchet distance over the evaluators' features or a TorchScript model;
//! - [`report`]: the evaluation table of a trainer in memory ([`evaluate`] with a [`Judge`]),
//!   what `gankit eval` prints for a checkpoint, and the within-condition diversity.

pub mod degrade;
pub mod evaluators;
pub mod fid;
pub mod modes;
pub mod pairs;
pub mod report;

pub use report::{
    evaluate, within_condition_diversity, EvalReport, EvalRow, Evaluate, Judge, Score,
};
