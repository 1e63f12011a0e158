//! Optimizer settings per network (Adam, AdamW, RMSprop) as the reports used them.
//! Filled in by the building-blocks issue.

/// What a notebook cell needs from this module (re-exported by `gankit::prelude`).
pub mod prelude {}
