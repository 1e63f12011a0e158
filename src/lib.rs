//! # gankit
//!
//! GAN building blocks for teaching, on [tch](https://docs.rs/tch) (libtorch): a batch flows
//! data → trainer → nets → losses → history → viz, and a notebook cell can stop it at any
//! arrow and look.
//!
//! In a notebook (the `Rust (gankit)` kernel), the first cell is
//!
//! ```text
//! :dep gankit = { path = ".." }
//! use gankit::prelude::*;
//! ```
//!
//! Modules:
//! - [`device`]: CPU or CUDA, and making sure libtorch's CUDA half is loaded when present;
//! - [`notebook`]: the run mode (smoke / quick / full) a notebook reads from `GANKIT_MODE`,
//!   and where figures are saved;
//! - [`data`]: built-in data sets (faces, 2-D mixtures) and minibatches;
//! - [`metrics`]: evaluators (mode coverage, …) and the evaluation report of a trainer;
//! - [`nets`]: the reports' generators and discriminators;
//! - [`losses`]: adversarial losses, penalties and constraints;
//! - [`optim`]: optimizer settings per network;
//! - [`train`]: the trainers, their one training loop, and the record of a run;
//! - [`experiment`]: experiment files (configs/*.toml): reading, building, running;
//! - [`viz`]: image grids and line plots, shown inline in Jupyter or saved as PNG/SVG.

pub mod data;
pub mod device;
pub mod error;
pub mod experiment;
pub(crate) mod files;
pub mod losses;
pub mod metrics;
pub mod nets;
pub mod notebook;
pub mod optim;
pub mod train;
pub mod viz;

pub use error::{Error, Result};
/// tch itself, so a notebook cell (which depends on gankit only) can write `tch::…`.
pub use tch;

/// Seeds every random number generator gankit and libtorch use, like PyTorch's
/// `torch.manual_seed`: the same seed gives the same noise, weights and batches.
pub fn manual_seed(seed: u64) {
    tch::manual_seed(seed as i64);
}

/// What a notebook cell needs, in one `use gankit::prelude::*;`.
pub mod prelude {
    pub use crate::data::domains::StarDomains;
    pub use crate::data::faces::{faces, FaceLabels, FacesConfig, EYE_COLORS, HAIR_COLORS};
    pub use crate::data::maps::map_domains;
    pub use crate::data::mixtures::{swiss_roll, Mixture};
    pub use crate::data::objects::objects;
    pub use crate::data::{Batch, Batches, Dataset};
    pub use crate::device::{device, device_info, DeviceInfo};
    pub use crate::error::{Error, Result};
    pub use crate::experiment::Experiment;
    pub use crate::losses::prelude::*;
    pub use crate::manual_seed;
    pub use crate::metrics::evaluators::FaceEvaluator;
    pub use crate::metrics::modes::{
        conditional_modes, mode_coverage, ConditionalModes, ModeCoverage,
    };
    pub use crate::metrics::report::{
        evaluate, within_condition_diversity, EvalReport, Evaluate, Judge,
    };
    pub use crate::nets::prelude::*;
    pub use crate::notebook::{output_dir, Mode};
    pub use crate::optim::prelude::*;
    pub use crate::train::{
        latest_checkpoint, BoxedGan, Gan, History, Penalty, Preview, StepRecord, TrainConfig,
        TrainOptions, Trainer, UpdateOrder,
    };
    pub use crate::train::{CycleGan, CyclePanel, CycleTrainConfig, StarGan, StarTrainConfig};
    pub use crate::viz::{
        Animation, FieldPlot, Figure, FigureRow, Histogram, Html, ImageGrid, LinePlot, Scale,
        Scrubber, Table,
    };
    pub use tch::{self, nn, nn::Module, nn::ModuleT, Device, Kind, Tensor};
}
