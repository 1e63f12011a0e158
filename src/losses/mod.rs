//! Adversarial losses, penalties and constraints, each with its formula in the doc comment.
//! Filled in by the building-blocks issue.

/// What a notebook cell needs from this module (re-exported by `gankit::prelude`).
pub mod prelude {}
