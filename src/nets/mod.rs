//! Networks of the reports, as constructor functions taking an `nn::Path` and a config with
//! `Default` (the report's sizes). Filled in by the building-blocks issue.

/// What a notebook cell needs from this module (re-exported by `gankit::prelude`).
pub mod prelude {}
