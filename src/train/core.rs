//! What every trainer holds the same way: both networks' variables and optimizers, the record
//! of the run, the data position, the previews kept and the device ([`Core`]); and a data set
//! with its resumable stream of minibatches ([`Stream`]).
use super::checkpoint::{Parts, Restored, Stores};
use super::history::History;
use super::preview::Snapshot;
use crate::data::{Batch, Batches, Dataset};
use crate::error::{Error, Result};
use crate::optim::{GanOptimizers, OptimizerState};
use std::collections::BTreeMap;
use tch::{nn, Device, Tensor};

/// The state every trainer has.
#[derive(Debug)]
pub struct Core {
    /// G's variables (both generators for CycleGAN).
    pub vs_g: nn::VarStore,
    /// D's variables (both discriminators for CycleGAN).
    pub vs_d: nn::VarStore,
    pub opt_g: OptimizerState,
    pub opt_d: OptimizerState,
    /// Every step so far and the named series.
    pub history: History,
    /// Minibatches drawn so far (of each stream, for CycleGAN), so a resumed run continues
    /// where the stream was.
    pub batches_drawn: usize,
    /// The previews the loop kept.
    pub snapshots: Vec<Snapshot>,
    pub device: Device,
}

impl Core {
    /// The core of a run whose networks live in `vs_g` and `vs_d`: the optimizers built from
    /// `optimizers` (their errors named under `what`, e.g. "CycleTrainConfig.optimizers").
    pub fn new(
        vs_g: nn::VarStore,
        vs_d: nn::VarStore,
        optimizers: &GanOptimizers,
        what: &str,
    ) -> Result<Core> {
        let build = |opt: &crate::optim::Optimizer, vs: &nn::VarStore, net: &str| {
            opt.build(vs)
                .map_err(|e| Error::setting(format!("{what}.{net}"), e.to_string()))
        };
        let opt_g = build(&optimizers.g, &vs_g, "g")?;
        let opt_d = build(&optimizers.d, &vs_d, "d")?;
        let device = vs_g.device();
        Ok(Core {
            vs_g,
            vs_d,
            opt_g,
            opt_d,
            history: History::default(),
            batches_drawn: 0,
            snapshots: Vec::new(),
            device,
        })
    }

    /// The stores and optimizers a checkpoint reads into.
    pub fn stores(&mut self) -> Stores<'_> {
        Stores {
            vs_g: &mut self.vs_g,
            vs_d: &mut self.vs_d,
            opt_g: &mut self.opt_g,
            opt_d: &mut self.opt_d,
        }
    }

    /// What a checkpoint holds: this core's part and the trainer's own (`kind`, its tensors,
    /// its config field by field, its notes).
    pub fn parts<'a>(
        &'a self,
        kind: &'static str,
        tensors: Vec<(String, Tensor)>,
        seed: u64,
        config: Vec<(&'static str, String)>,
        notes: &'a BTreeMap<String, String>,
    ) -> Parts<'a> {
        Parts {
            kind,
            vs_g: &self.vs_g,
            vs_d: &self.vs_d,
            opt_g: &self.opt_g,
            opt_d: &self.opt_d,
            tensors,
            history: &self.history,
            batches_drawn: self.batches_drawn,
            seed,
            device: self.device,
            config,
            notes,
        }
    }

    /// Takes back the history and data position of a checkpoint (the stores were read by then).
    pub fn restore(&mut self, r: &mut Restored) {
        self.history = std::mem::take(&mut r.history);
        self.batches_drawn = r.batches_drawn;
    }

    /// Trainable parameters of G and D.
    pub fn parameter_counts(&self) -> (i64, i64) {
        (count_parameters(&self.vs_g), count_parameters(&self.vs_d))
    }
}

/// Trainable parameters of a variable store.
pub(crate) fn count_parameters(vs: &nn::VarStore) -> i64 {
    vs.trainable_variables()
        .iter()
        .map(Tensor::numel)
        .sum::<usize>() as i64
}

/// A data set on the run's device and its stream of shuffled minibatches, opened at the first
/// draw and skipping the batches already drawn, so a resumed run (or one whose data was set
/// again) sees what the uninterrupted one would have.
#[derive(Debug, Default)]
pub(crate) struct Stream {
    data: Option<Dataset>,
    batches: Option<Batches>,
}

impl Stream {
    /// Trains on `data` from now on (moved to `device`, tensors shared); errors when a batch of
    /// `batch_size` does not fit it, naming it as `what`.
    pub fn set(
        &mut self,
        data: &Dataset,
        device: Device,
        batch_size: usize,
        what: &str,
    ) -> Result<()> {
        let data = data.shallow_to(device);
        data.batches(batch_size, 0)
            .map_err(|e| Error::setting(what, format!("{}: {e}", data.name)))?;
        self.data = Some(data);
        self.batches = None;
        Ok(())
    }

    /// The data, when set.
    pub fn data(&self) -> Option<&Dataset> {
        self.data.as_ref()
    }

    /// Closes the stream: the next draw opens it again at the data position (after a
    /// checkpoint is restored).
    pub fn reopen(&mut self) {
        self.batches = None;
    }

    /// The next minibatch: the stream of `batch_size` shuffled with `seed`, after `drawn`
    /// batches when it opens. `missing` is the error when there is no data.
    pub fn next(
        &mut self,
        batch_size: usize,
        seed: u64,
        drawn: usize,
        missing: &str,
    ) -> Result<Batch> {
        if self.batches.is_none() {
            let data = self
                .data
                .as_ref()
                .ok_or_else(|| Error::setting("data", missing))?;
            let mut stream = data.batches(batch_size, seed)?;
            stream.skip_batches(drawn);
            self.batches = Some(stream);
        }
        self.batches
            .as_mut()
            .and_then(Iterator::next)
            .ok_or_else(|| Error::setting("batches", "the batch stream ended"))
    }
}
