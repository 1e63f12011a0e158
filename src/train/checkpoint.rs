//! Checkpoints: everything a run needs to continue exactly, in a folder per step.
//!
//! ```text
//! runs/faces/step-000500/
//!   g.safetensors        G's variables by PyTorch state_dict name (load_state_dict works;
//!                        BatchNorm's num_batches_tracked is written as 0)
//!   d.safetensors        D's variables, the same way
//!   state.safetensors    both optimizers' state (opt_g.<param>.exp_avg, …), fixed_z, fixed_c
//!   history.csv          every step so far
//!   checkpoint.json      step, batches drawn, seed, the config field by field
//! ```
//!
//! A checkpoint is written into a hidden `.step-000500.partial-<pid>` folder, each file
//! synced, and renamed into place only when complete, so an interrupted write never leaves a
//! folder that looks like a checkpoint. The step's randomness comes from (seed, step) (see
//! [`Gan::step`]), so no generator state needs saving: loading restores weights, optimizer
//! state, fixed noise, history and data position, and training continues as if never stopped.
use super::history::History;
use super::trainer::Gan;
use crate::nets::GanNet;
use crate::optim::OptimizerState;
use crate::{Error, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use tch::{nn, Tensor};

const FORMAT: &str = "gankit-checkpoint-1";

impl<G: GanNet, D: GanNet> Gan<G, D> {
    /// Saves the run into `run_dir/step-NNNNNN/` (atomically) and returns that folder.
    pub fn save_checkpoint(&self, run_dir: impl AsRef<Path>) -> Result<PathBuf> {
        let run_dir = run_dir.as_ref();
        let step = self.steps_done();
        let name = format!("step-{step:06}");
        let final_dir = run_dir.join(&name);
        let partial = run_dir.join(format!(".{name}.partial-{}", std::process::id()));
        if partial.exists() {
            std::fs::remove_dir_all(&partial).map_err(|e| Error::io(&partial, e))?;
        }
        std::fs::create_dir_all(&partial).map_err(|e| Error::io(&partial, e))?;
        let write = || -> Result<()> {
            save_vars(&self.vs_g, &partial.join("g.safetensors"))?;
            save_vars(&self.vs_d, &partial.join("d.safetensors"))?;
            let mut state = prefixed("opt_g", &self.opt_g);
            state.extend(prefixed("opt_d", &self.opt_d));
            state.push(("fixed_z".into(), self.fixed_z.to_device(tch::Device::Cpu)));
            if let Some(c) = &self.fixed_c {
                state.push(("fixed_c".into(), c.to_device(tch::Device::Cpu)));
            }
            let path = partial.join("state.safetensors");
            Tensor::write_safetensors(&state, &path).map_err(|e| Error::torch(format!("writing {}", path.display()), e))?;
            std::fs::write(partial.join("history.csv"), self.history.to_csv()).map_err(|e| Error::io(partial.join("history.csv"), e))?;
            let config: serde_json::Map<String, serde_json::Value> = self.config.fields().into_iter().map(|(k, v)| (k.to_string(), v.into())).collect();
            let json = serde_json::json!({
                "format": FORMAT,
                "step": step,
                "batches_drawn": self.batches_drawn,
                "seed": self.config.seed,
                "device": format!("{:?}", self.device()),
                "config": config,
                "notes": self.notes,
            });
            let text = serde_json::to_string_pretty(&json).expect("JSON of strings and numbers");
            std::fs::write(partial.join("checkpoint.json"), text).map_err(|e| Error::io(partial.join("checkpoint.json"), e))?;
            sync_dir_files(&partial)
        };
        if let Err(e) = write() {
            let _ = std::fs::remove_dir_all(&partial);
            return Err(e);
        }
        replace_dir(&partial, &final_dir)?;
        Ok(final_dir)
    }

    /// Restores a checkpoint saved by [`Gan::save_checkpoint`] into this run (built with the
    /// same networks and config): weights, optimizer state, fixed noise, history and the
    /// data position. The config must match the saved one; the error names the first key that
    /// differs.
    pub fn load_checkpoint(&mut self, dir: impl AsRef<Path>) -> Result<()> {
        let dir = dir.as_ref();
        let info = read_info(dir)?;
        let json_path = dir.join("checkpoint.json");
        let saved = info.get("config").and_then(|c| c.as_object()).ok_or_else(|| Error::data(&json_path, None, "key \"config\" is missing"))?;
        for (key, value) in self.config.fields() {
            let theirs = saved.get(key).and_then(|v| v.as_str()).unwrap_or("(missing)");
            if theirs != value {
                return Err(Error::data(&json_path, None, format!("config.{key} differs: the checkpoint has {theirs}, this run {value}")));
            }
        }
        let number = |key: &str| info.get(key).and_then(|v| v.as_u64()).ok_or_else(|| Error::data(&json_path, None, format!("key \"{key}\" is missing or not a number")));
        let (step, drawn) = (number("step")? as usize, number("batches_drawn")? as usize);
        load_vars(&mut self.vs_g, &dir.join("g.safetensors"))?;
        load_vars(&mut self.vs_d, &dir.join("d.safetensors"))?;
        let state_path = dir.join("state.safetensors");
        let state: HashMap<String, Tensor> = Tensor::read_safetensors(&state_path).map_err(|e| Error::torch(format!("reading {}", state_path.display()), e))?.into_iter().collect();
        let source = state_path.display().to_string();
        self.opt_g.load_state_tensors(&unprefixed("opt_g", &state), &source)?;
        self.opt_d.load_state_tensors(&unprefixed("opt_d", &state), &source)?;
        let device = self.device();
        self.fixed_z = state.get("fixed_z").ok_or_else(|| Error::data(&state_path, None, "tensor \"fixed_z\" is missing"))?.to_device(device);
        self.fixed_c = state.get("fixed_c").map(|c| c.to_device(device));
        let csv_path = dir.join("history.csv");
        let csv = std::fs::read_to_string(&csv_path).map_err(|e| Error::io(&csv_path, e))?;
        self.history = History::from_csv(&csv, &csv_path)?;
        if self.history.len() != step {
            return Err(Error::data(&csv_path, None, format!("{} steps, checkpoint.json says {step}", self.history.len())));
        }
        self.batches_drawn = drawn;
        self.notes = info.get("notes").and_then(|n| n.as_object()).map(|m| m.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string()))).collect()).unwrap_or_default();
        self.snapshots.clear();
        Ok(())
    }
}

/// The newest complete checkpoint under `run_dir` (the highest `step-NNNNNN` folder holding a
/// `checkpoint.json`), or `None`.
pub fn latest_checkpoint(run_dir: impl AsRef<Path>) -> Result<Option<PathBuf>> {
    let run_dir = run_dir.as_ref();
    if !run_dir.exists() {
        return Ok(None);
    }
    let mut best: Option<(u64, PathBuf)> = None;
    for entry in std::fs::read_dir(run_dir).map_err(|e| Error::io(run_dir, e))? {
        let path = entry.map_err(|e| Error::io(run_dir, e))?.path();
        let step = path.file_name().and_then(|n| n.to_str()).and_then(|n| n.strip_prefix("step-")).and_then(|s| s.parse::<u64>().ok());
        if let Some(step) = step {
            if path.join("checkpoint.json").is_file() && best.as_ref().map_or(true, |(b, _)| step > *b) {
                best = Some((step, path));
            }
        }
    }
    Ok(best.map(|(_, p)| p))
}

/// A checkpoint's `checkpoint.json`, checked for the format.
pub fn read_info(dir: &Path) -> Result<serde_json::Map<String, serde_json::Value>> {
    let path = dir.join("checkpoint.json");
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| Error::data(&path, Some(e.line()), format!("invalid JSON: {e}")))?;
    let map = value.as_object().cloned().ok_or_else(|| Error::data(&path, None, "expected a JSON object"))?;
    match map.get("format").and_then(|f| f.as_str()) {
        Some(FORMAT) => Ok(map),
        other => Err(Error::data(&path, None, format!("key \"format\": expected \"{FORMAT}\", got {other:?}"))),
    }
}

fn prefixed(prefix: &str, opt: &OptimizerState) -> Vec<(String, Tensor)> {
    opt.state_tensors().into_iter().map(|(k, t)| (format!("{prefix}.{k}"), t.to_device(tch::Device::Cpu))).collect()
}

fn unprefixed(prefix: &str, state: &HashMap<String, Tensor>) -> HashMap<String, Tensor> {
    let p = format!("{prefix}.");
    state.iter().filter_map(|(k, t)| k.strip_prefix(&p).map(|k| (k.to_string(), t.shallow_clone()))).collect()
}

/// Writes a store's variables by name, adding PyTorch's `num_batches_tracked` (as 0; tch
/// keeps no such counter) beside each BatchNorm's running statistics, so that
/// `load_state_dict` accepts the file as it is.
fn save_vars(vs: &nn::VarStore, path: &Path) -> Result<()> {
    let mut named: Vec<(String, Tensor)> = vs.variables().into_iter().map(|(k, t)| (k, t.to_device(tch::Device::Cpu))).collect();
    let counters: Vec<(String, Tensor)> =
        named.iter().filter_map(|(k, _)| k.strip_suffix(".running_mean")).map(|p| (format!("{p}.num_batches_tracked"), Tensor::from(0i64))).collect();
    named.extend(counters);
    named.sort_by(|a, b| a.0.cmp(&b.0));
    Tensor::write_safetensors(&named, path).map_err(|e| Error::torch(format!("writing {}", path.display()), e))
}

/// Copies the saved tensors into the store's variables; every variable must be there with
/// its shape.
fn load_vars(vs: &mut nn::VarStore, path: &Path) -> Result<()> {
    let saved: HashMap<String, Tensor> = Tensor::read_safetensors(path).map_err(|e| Error::torch(format!("reading {}", path.display()), e))?.into_iter().collect();
    let mut vars: Vec<(String, Tensor)> = vs.variables().into_iter().collect();
    vars.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, _) in &vars {
        let Some(t) = saved.get(name) else {
            return Err(Error::data(path, None, format!("tensor \"{name}\" is missing (was it saved from another network?)")));
        };
        let var = &vars.iter().find(|(n, _)| n == name).expect("listed").1;
        if t.size() != var.size() {
            return Err(Error::data(path, None, format!("tensor \"{name}\" has shape {:?}, the network's {:?}", t.size(), var.size())));
        }
    }
    tch::no_grad(|| {
        for (name, mut var) in vars {
            var.copy_(&saved[&name]);
        }
    });
    Ok(())
}

fn sync_dir_files(dir: &Path) -> Result<()> {
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        std::fs::File::open(&path).and_then(|f| f.sync_all()).map_err(|e| Error::io(&path, e))?;
    }
    std::fs::File::open(dir).and_then(|f| f.sync_all()).map_err(|e| Error::io(dir, e))
}

/// Moves the complete `partial` folder to `target`. An existing `target` is first moved
/// aside and removed only after the new one is in place.
fn replace_dir(partial: &Path, target: &Path) -> Result<()> {
    let old = target.with_file_name(format!(".{}.old-{}", target.file_name().unwrap_or_default().to_string_lossy(), std::process::id()));
    let had_old = target.exists();
    if had_old {
        std::fs::rename(target, &old).map_err(|e| Error::io(target, e))?;
    }
    if let Err(e) = std::fs::rename(partial, target) {
        if had_old {
            let _ = std::fs::rename(&old, target);
        }
        return Err(Error::io(target, e));
    }
    if had_old {
        let _ = std::fs::remove_dir_all(&old);
    }
    Ok(())
}
