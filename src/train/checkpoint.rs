//! Checkpoints: everything a run needs to continue exactly, in a folder per step.
//!
//! ```text
//! runs/faces/step-000500/
//!   g.safetensors        G's variables by PyTorch state_dict name (load_state_dict works;
//!                        BatchNorm's num_batches_tracked is written as 0)
//!   d.safetensors        D's variables, the same way
//!   state.safetensors    both optimizers' state (opt_g.<param>.exp_avg, …), fixed_z, fixed_c
//!   history.csv          every step so far
//!   series.csv           the named series hooks recorded (name, step, value), if any
//!   checkpoint.json      step, batches drawn, seed, the config field by field
//! ```
//!
//! A checkpoint is written into a hidden `.step-000500.partial-<pid>` folder, each file
//! synced, and renamed into place only when complete, so an interrupted write never leaves a
//! folder that looks like a checkpoint. The step's randomness comes from (seed, step) (see
//! [`Gan::step`]), so no generator state needs saving: loading restores weights, optimizer
//! state, fixed noise, history and data position, and training continues as if never stopped.
use super::history::History;
use crate::error::{Error, Result};
use crate::optim::{LrSchedule, OptimizerState};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use tch::{nn, Tensor};

const FORMAT: &str = "gankit-checkpoint-1";

/// What a trainer puts into a checkpoint: its two variable stores ("g", "d"), their
/// optimizers, other tensors (fixed noise, image pools), the history, the data position and
/// the config field by field. One format for every trainer.
pub struct Parts<'a> {
    pub kind: &'static str,
    pub vs_g: &'a nn::VarStore,
    pub vs_d: &'a nn::VarStore,
    pub opt_g: &'a OptimizerState,
    pub opt_d: &'a OptimizerState,
    pub tensors: Vec<(String, Tensor)>,
    pub history: &'a History,
    pub batches_drawn: usize,
    pub seed: u64,
    pub device: tch::Device,
    pub config: Vec<(&'static str, String)>,
    pub notes: &'a BTreeMap<String, String>,
}

/// The stores and optimizers a checkpoint reads into.
pub struct Stores<'a> {
    pub vs_g: &'a mut nn::VarStore,
    pub vs_d: &'a mut nn::VarStore,
    pub opt_g: &'a mut OptimizerState,
    pub opt_d: &'a mut OptimizerState,
}

/// What [`read_checkpoint`] restored besides the stores and optimizers.
pub struct Restored {
    pub tensors: HashMap<String, Tensor>,
    pub history: History,
    pub batches_drawn: usize,
    pub notes: BTreeMap<String, String>,
}

/// Writes `parts` into `run_dir/step-NNNNNN/` atomically; returns that folder.
pub(crate) fn write_checkpoint(run_dir: &Path, parts: Parts) -> Result<PathBuf> {
    let step = parts.history.len();
    let name = format!("step-{step:06}");
    let final_dir = run_dir.join(&name);
    let partial = run_dir.join(format!(".{name}.partial-{}", std::process::id()));
    if partial.exists() {
        std::fs::remove_dir_all(&partial).map_err(|e| Error::io(&partial, e))?;
    }
    std::fs::create_dir_all(&partial).map_err(|e| Error::io(&partial, e))?;
    let write = || -> Result<()> {
        save_vars(parts.vs_g, &partial.join("g.safetensors"))?;
        save_vars(parts.vs_d, &partial.join("d.safetensors"))?;
        let mut state = prefixed("opt_g", parts.opt_g);
        state.extend(prefixed("opt_d", parts.opt_d));
        state.extend(
            parts
                .tensors
                .iter()
                .map(|(k, t)| (k.clone(), t.to_device(tch::Device::Cpu))),
        );
        let path = partial.join("state.safetensors");
        Tensor::write_safetensors(&state, &path)
            .map_err(|e| Error::torch(format!("writing {}", path.display()), e))?;
        std::fs::write(partial.join("history.csv"), parts.history.to_csv())
            .map_err(|e| Error::io(partial.join("history.csv"), e))?;
        if !parts.history.series.is_empty() {
            std::fs::write(partial.join("series.csv"), parts.history.series_csv())
                .map_err(|e| Error::io(partial.join("series.csv"), e))?;
        }
        let config: serde_json::Map<String, serde_json::Value> = parts
            .config
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone().into()))
            .collect();
        let json = serde_json::json!({
            "format": FORMAT,
            "trainer": parts.kind,
            "step": step,
            "batches_drawn": parts.batches_drawn,
            "seed": parts.seed,
            "device": format!("{:?}", parts.device),
            "config": config,
            "notes": parts.notes,
        });
        let text = serde_json::to_string_pretty(&json).expect("JSON of strings and numbers");
        std::fs::write(partial.join("checkpoint.json"), text)
            .map_err(|e| Error::io(partial.join("checkpoint.json"), e))?;
        sync_dir_files(&partial)
    };
    if let Err(e) = write() {
        let _ = std::fs::remove_dir_all(&partial);
        return Err(e);
    }
    replace_dir(&partial, &final_dir)?;
    Ok(final_dir)
}

/// Reads a checkpoint into the stores and optimizers, after checking the trainer kind and
/// that every config field matches (the error names the first that differs).
pub(crate) fn read_checkpoint(
    dir: &Path,
    kind: &str,
    config: &[(&'static str, String)],
    stores: Stores,
) -> Result<Restored> {
    let Stores {
        vs_g,
        vs_d,
        opt_g,
        opt_d,
    } = stores;
    let info = read_info(dir)?;
    let json_path = dir.join("checkpoint.json");
    let theirs = info
        .get("trainer")
        .and_then(|v| v.as_str())
        .unwrap_or("gan");
    if theirs != kind {
        return Err(Error::data(
            &json_path,
            None,
            format!("key \"trainer\": this checkpoint is a {theirs} run, not a {kind} run"),
        ));
    }
    let saved = info
        .get("config")
        .and_then(|c| c.as_object())
        .ok_or_else(|| Error::data(&json_path, None, "key \"config\" is missing"))?;
    for (key, value) in config {
        let theirs = saved
            .get(*key)
            .and_then(|v| v.as_str())
            .unwrap_or("(missing)");
        // The schedule is kept for the record, not compared: a run resumed with another length
        // (`--steps`) follows its new schedule from the step it resumes at.
        if theirs != value && *key != "lr_schedule" {
            return Err(Error::data(
                &json_path,
                None,
                format!("config.{key} differs: the checkpoint has {theirs}, this run {value}"),
            ));
        }
    }
    let number = |key: &str| {
        info.get(key).and_then(|v| v.as_u64()).ok_or_else(|| {
            Error::data(
                &json_path,
                None,
                format!("key \"{key}\" is missing or not a number"),
            )
        })
    };
    let (step, batches_drawn) = (number("step")? as usize, number("batches_drawn")? as usize);
    load_vars(vs_g, &dir.join("g.safetensors"))?;
    load_vars(vs_d, &dir.join("d.safetensors"))?;
    let state_path = dir.join("state.safetensors");
    let tensors: HashMap<String, Tensor> = Tensor::read_safetensors(&state_path)
        .map_err(|e| Error::torch(format!("reading {}", state_path.display()), e))?
        .into_iter()
        .collect();
    let source = state_path.display().to_string();
    opt_g.load_state_tensors(&unprefixed("opt_g", &tensors), &source)?;
    opt_d.load_state_tensors(&unprefixed("opt_d", &tensors), &source)?;
    let csv_path = dir.join("history.csv");
    let csv = std::fs::read_to_string(&csv_path).map_err(|e| Error::io(&csv_path, e))?;
    let mut history = History::from_csv(&csv, &csv_path)?;
    let series_path = dir.join("series.csv");
    if series_path.is_file() {
        let text = std::fs::read_to_string(&series_path).map_err(|e| Error::io(&series_path, e))?;
        history.read_series_csv(&text, &series_path)?;
    }
    if history.len() != step {
        return Err(Error::data(
            &csv_path,
            None,
            format!("{} steps, checkpoint.json says {step}", history.len()),
        ));
    }
    let notes = info
        .get("notes")
        .and_then(|n| n.as_object())
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default();
    Ok(Restored {
        tensors,
        history,
        batches_drawn,
        notes,
    })
}

/// A tensor the checkpoint must hold.
pub(crate) fn required(restored: &Restored, dir: &Path, name: &str) -> Result<Tensor> {
    restored
        .tensors
        .get(name)
        .map(Tensor::shallow_clone)
        .ok_or_else(|| {
            Error::data(
                dir.join("state.safetensors"),
                None,
                format!("tensor \"{name}\" is missing"),
            )
        })
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
        let step = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_prefix("step-"))
            .and_then(|s| s.parse::<u64>().ok());
        if let Some(step) = step {
            if path.join("checkpoint.json").is_file()
                && best.as_ref().map_or(true, |(b, _)| step > *b)
            {
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
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Error::data(&path, Some(e.line()), format!("invalid JSON: {e}")))?;
    let map = value
        .as_object()
        .cloned()
        .ok_or_else(|| Error::data(&path, None, "expected a JSON object"))?;
    match map.get("format").and_then(|f| f.as_str()) {
        Some(FORMAT) => Ok(map),
        other => Err(Error::data(
            &path,
            None,
            format!("key \"format\": expected \"{FORMAT}\", got {other:?}"),
        )),
    }
}

fn prefixed(prefix: &str, opt: &OptimizerState) -> Vec<(String, Tensor)> {
    opt.state_tensors()
        .into_iter()
        .map(|(k, t)| (format!("{prefix}.{k}"), t.to_device(tch::Device::Cpu)))
        .collect()
}

fn unprefixed(prefix: &str, state: &HashMap<String, Tensor>) -> HashMap<String, Tensor> {
    let p = format!("{prefix}.");
    state
        .iter()
        .filter_map(|(k, t)| {
            k.strip_prefix(&p)
                .map(|k| (k.to_string(), t.shallow_clone()))
        })
        .collect()
}

/// Writes a store's variables by name, adding PyTorch's `num_batches_tracked` (as 0; tch
/// keeps no such counter) beside each BatchNorm's running statistics, so that
/// `load_state_dict` accepts the file as it is.
fn save_vars(vs: &nn::VarStore, path: &Path) -> Result<()> {
    let mut named: Vec<(String, Tensor)> = vs
        .variables()
        .into_iter()
        .map(|(k, t)| (k, t.to_device(tch::Device::Cpu)))
        .collect();
    let counters: Vec<(String, Tensor)> = named
        .iter()
        .filter_map(|(k, _)| k.strip_suffix(".running_mean"))
        .map(|p| (format!("{p}.num_batches_tracked"), Tensor::from(0i64)))
        .collect();
    named.extend(counters);
    named.sort_by(|a, b| a.0.cmp(&b.0));
    Tensor::write_safetensors(&named, path)
        .map_err(|e| Error::torch(format!("writing {}", path.display()), e))
}

/// Copies the saved tensors into the store's variables; every variable must be there with
/// its shape.
fn load_vars(vs: &mut nn::VarStore, path: &Path) -> Result<()> {
    let saved: HashMap<String, Tensor> = Tensor::read_safetensors(path)
        .map_err(|e| Error::torch(format!("reading {}", path.display()), e))?
        .into_iter()
        .collect();
    let mut vars: Vec<(String, Tensor)> = vs.variables().into_iter().collect();
    vars.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, _) in &vars {
        let Some(t) = saved.get(name) else {
            return Err(Error::data(
                path,
                None,
                format!("tensor \"{name}\" is missing (was it saved from another network?)"),
            ));
        };
        let var = &vars.iter().find(|(n, _)| n == name).expect("listed").1;
        if t.size() != var.size() {
            return Err(Error::data(
                path,
                None,
                format!(
                    "tensor \"{name}\" has shape {:?}, the network's {:?}",
                    t.size(),
                    var.size()
                ),
            ));
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
        std::fs::File::open(&path)
            .and_then(|f| f.sync_all())
            .map_err(|e| Error::io(&path, e))?;
    }
    std::fs::File::open(dir)
        .and_then(|f| f.sync_all())
        .map_err(|e| Error::io(dir, e))
}

/// Moves the complete `partial` folder to `target`. An existing `target` is first moved
/// aside and removed only after the new one is in place.
fn replace_dir(partial: &Path, target: &Path) -> Result<()> {
    let old = target.with_file_name(format!(
        ".{}.old-{}",
        target.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id()
    ));
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

/// The config of an image-to-image run as a checkpoint records it: the networks' and the
/// training settings, each as Rust prints it, `train` with its schedule left at Constant and
/// the schedule beside it (recorded, not compared).
pub(crate) fn nets_and_train(
    nets: &impl std::fmt::Debug,
    train: &impl std::fmt::Debug,
    schedule: LrSchedule,
) -> Vec<(&'static str, String)> {
    vec![
        ("nets", format!("{nets:?}")),
        ("train", format!("{train:?}")),
        ("lr_schedule", format!("{schedule:?}")),
    ]
}
