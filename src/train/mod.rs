//! Training: the [`Trainer`] trait and its one loop ([`Trainer::train`] with
//! [`TrainOptions`]: progress, previews, checkpoints, hooks), the three trainers ([`Gan`]:
//! `update_d`, `update_g`, `step`; [`CycleGan`]; [`StarGan`]), their typed configurations,
//! and the record of a run ([`History`]). Headless: tensors and numbers, no figures (viz draws
//! [`Preview`]s and histories).

mod checkpoint;
pub mod config;
mod core;
pub mod cyclegan;
pub mod gan;
pub mod history;
pub mod pool;
pub mod preview;
pub mod stargan;
pub mod trainer;

pub use checkpoint::{latest_checkpoint, read_info};
pub use config::{Penalty, TrainConfig, UpdateOrder};
pub use cyclegan::{CycleDUpdate, CycleGUpdate, CycleGan, CyclePanel, CycleTrainConfig};
pub use gan::{BoxedGan, DUpdate, GUpdate, Gan};
pub use history::{History, Series, StepRecord};
pub use pool::ImagePool;
pub use preview::{FieldPreview, ImagePreview, Preview, Snapshot};
pub use stargan::{StarDUpdate, StarGUpdate, StarGan, StarTrainConfig};
pub use trainer::{TrainOptions, TrainReport, Trainer};
