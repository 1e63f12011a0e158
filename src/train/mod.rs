//! Training: a typed configuration ([`TrainConfig`]), the step-by-step trainer ([`Gan`]:
//! `update_d`, `update_g`, `step`, `train`), and the record of a run ([`History`], CSV and
//! curves).

pub mod checkpoint;
pub mod config;
pub mod cyclegan;
pub mod history;
pub mod stargan;
pub mod trainer;

pub use checkpoint::latest_checkpoint;
pub use config::{Penalty, TrainConfig, UpdateOrder};
pub use cyclegan::{
    map_domains, CycleDUpdate, CycleGUpdate, CycleGan, CyclePanel, CycleTrainConfig, ImagePool,
};
pub use history::{History, StepRecord};
pub use stargan::{StarDUpdate, StarDomains, StarGUpdate, StarGan, StarTrainConfig};
pub use trainer::{BoxedGan, DUpdate, GUpdate, Gan, TrainOptions};
