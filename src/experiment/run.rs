//! `gankit train`: an experiment's trainer through the one training loop
//! ([`Trainer::train`]), with a progress bar, a preview PNG every `grid_every` steps,
//! checkpoints, `experiment.toml`, `history.csv` and the curves.
use super::*;
use crate::train::{Preview, Trainer};
use crate::viz::Figure;

/// What `gankit train` did.
#[derive(Debug)]
pub struct RunSummary {
    /// The run folder.
    pub dir: PathBuf,
    /// Steps done in all (resumed ones included).
    pub steps: usize,
    /// Files written (grids, plots, history, checkpoints).
    pub files: Vec<PathBuf>,
    /// Seconds spent training in this process.
    pub seconds: f64,
}

/// Leaves in `a` and `b` that differ, ignoring `[output]` and the training length.
fn first_difference(a: &Table, b: &Table) -> Option<(String, String, String)> {
    let flat = |t: &Table| {
        let mut v = Vec::new();
        leaves("", &Value::Table(t.clone()), &mut v);
        v.into_iter()
            .filter(|(k, _)| {
                !k.starts_with("output.")
                    && !matches!(
                        k.as_str(),
                        "train.steps" | "train.epochs" | "description" | "name"
                    )
            })
            .collect::<BTreeMap<String, Value>>()
    };
    let (fa, fb) = (flat(a), flat(b));
    let keys: std::collections::BTreeSet<&String> = fa.keys().chain(fb.keys()).collect();
    for k in keys {
        let (va, vb) = (fa.get(k), fb.get(k));
        if va != vb {
            let show = |v: Option<&Value>| v.map_or("(unset)".to_string(), short);
            return Some((k.clone(), show(va), show(vb)));
        }
    }
    None
}

/// Saves the trainer's preview as `grid-step-NNNNNN.png` (2-D data: `field-step-NNNNNN.png`),
/// titled with the experiment's name.
fn save_preview(name: &str, t: &impl Trainer, out: &Path) -> Result<PathBuf> {
    let step = t.steps_done();
    let mut preview = t.preview()?;
    let file = match &mut preview {
        Preview::Images(p) => {
            p.title = format!("{name} · step {step}");
            format!("grid-step-{step:06}.png")
        }
        Preview::Field(_) => format!("field-step-{step:06}.png"),
    };
    preview.save(out.join(file))
}

impl Experiment {
    /// Trains as `gankit train` does: device chosen automatically, the data, then steps with a
    /// progress bar, a grid of the fixed noise every `grid_every` steps, a checkpoint every
    /// `checkpoint_every` and at the end, then `history.csv` and the loss and score plots.
    /// `resume` continues from the newest checkpoint in the run folder; without it a folder
    /// that already holds checkpoints is refused.
    pub fn run(&self, resume: bool) -> Result<RunSummary> {
        let device = crate::device::try_device()?;
        let out = self.output.dir.clone();
        let existing = latest_checkpoint(&out)?;
        match (&existing, resume) {
            (None, true) => {
                return Err(Error::setting(
                    "--resume",
                    format!("no checkpoint in {} to resume from", out.display()),
                ))
            }
            (Some(c), false) => {
                return Err(Error::setting(
                    out.display().to_string(),
                    format!("already holds a run (newest checkpoint {}): add --resume to continue it, or --out DIR to start another", c.file_name().unwrap_or_default().to_string_lossy()),
                ))
            }
            _ => {}
        }
        println!("gankit train {}", self.summary());
        println!("device: {}", crate::device::device_info());
        let t_data = Instant::now();
        let existing = existing.as_deref();
        match &self.translation {
            Some(Translation::Cycle { .. }) => {
                let t = self.build_cyclegan(device)?;
                self.run_trainer(t, t_data, existing)
            }
            Some(Translation::Star { .. }) => {
                let t = self.build_stargan(device)?;
                self.run_trainer(t, t_data, existing)
            }
            None => {
                let t = self.build(device)?;
                self.run_trainer(t, t_data, existing)
            }
        }
    }

    fn run_trainer<T: Trainer + TrainerData>(
        &self,
        mut trainer: T,
        t_data: Instant,
        existing: Option<&Path>,
    ) -> Result<RunSummary> {
        let out = self.output.dir.clone();
        println!(
            "data: {} ({:.1} s)",
            trainer.data_line(),
            t_data.elapsed().as_secs_f64()
        );
        let (g, d) = trainer.parameter_counts();
        println!("networks: G {g} parameters, D {d} parameters");
        let total = self.total_steps(&trainer);
        std::fs::create_dir_all(&out).map_err(|e| Error::io(&out, e))?;
        let exp_path = out.join("experiment.toml");
        if let Some(ckpt) = existing {
            self.check_resumable(ckpt, &exp_path)?;
            trainer.load_checkpoint(ckpt)?;
            println!(
                "resumed from {} (step {})",
                ckpt.display(),
                trainer.steps_done()
            );
        }
        let header = format!(
            "# The experiment as run: {} ({}), written by gankit train.\n# variant = \"{}\"\n",
            self.source.label,
            mode_word(self.mode),
            mode_word(self.mode)
        );
        crate::files::write_atomically(
            &exp_path,
            format!("{header}{}", self.to_toml()).as_bytes(),
        )?;
        let mut files = vec![exp_path];
        let start = trainer.steps_done();
        if start >= total {
            println!(
                "already at step {start} of {total}: nothing to train (raise --steps to continue)"
            );
        }
        let grid_every = self.output.grid_every;
        if start == 0 && grid_every > 0 && total > 0 {
            files.push(save_preview(&self.name, &trainer, &out)?); // the untrained networks
        }
        let mut grids = Vec::new();
        let options = TrainOptions::new()
            .print_every(self.output.print_every)
            .progress_bar()
            .checkpoints(self.output.checkpoint_every, &out)
            .every(grid_every, |t: &mut T| {
                grids.push(save_preview(&self.name, t, &out)?);
                Ok(())
            });
        let outcome = trainer.train(total.saturating_sub(start), options);
        files.append(&mut grids);
        let done = trainer.steps_done();
        if let Ok(report) = &outcome {
            files.extend(report.checkpoints.iter().cloned());
            if done > 0 && (grid_every == 0 || done % grid_every != 0) {
                files.push(save_preview(&self.name, &trainer, &out)?);
            }
        }
        files.extend(self.save_curves(trainer.history(), &out)?);
        let report = outcome?;
        if done > start {
            println!(
                "trained steps {}–{done} in {} ({:.2} s/step)",
                start + 1,
                crate::train::trainer::clock(report.seconds),
                report.seconds / (done - start) as f64
            );
        }
        println!(
            "wrote {} (grids, loss.png, history.csv, checkpoints step-NNNNNN/)",
            out.display()
        );
        Ok(RunSummary {
            dir: out,
            steps: done,
            files,
            seconds: report.seconds,
        })
    }

    /// Refuses to resume a checkpoint trained with other settings (the experiment it stored,
    /// or the run folder's experiment.toml, against this one), naming the first key that
    /// differs.
    fn check_resumable(&self, ckpt: &Path, exp_path: &Path) -> Result<()> {
        let info = read_info(ckpt)?;
        let json = ckpt.join("checkpoint.json");
        let (saved, from) = match info
            .get("notes")
            .and_then(|n| n.get("experiment"))
            .and_then(|e| e.as_str())
        {
            Some(text) => (text.to_string(), json.display().to_string()),
            None => (
                std::fs::read_to_string(exp_path).map_err(|e| Error::io(exp_path, e))?,
                exp_path.display().to_string(),
            ),
        };
        let saved: Table = saved.parse().map_err(|e| syntax_error(&from, &e))?;
        if let Some((key, then, now)) = first_difference(&saved, &self.effective) {
            return Err(Error::setting("--resume", format!("{} was trained with {key} = {then}, the experiment now says {now}; start another run with --out DIR", ckpt.display())));
        }
        Ok(())
    }

    /// history.csv, loss.png and scores.png (D(x), D(G(z)); BCE losses) or wasserstein.png
    /// (E C(x_r) − E C(x_f); the other losses), and terms.png for the trainers that record
    /// named terms (CycleGAN's cycle and identity, StarGAN's classification and
    /// reconstruction).
    fn save_curves(&self, h: &History, out: &Path) -> Result<Vec<PathBuf>> {
        if h.is_empty() {
            return Ok(Vec::new());
        }
        let mut files = vec![h.save_csv(out.join("history.csv"))?];
        let smooth = |p: LinePlot| if h.len() >= 200 { p.smooth(0.9) } else { p };
        files.push(
            smooth(h.loss_plot(&format!("{}: losses", self.name))).save(out.join("loss.png"))?,
        );
        let w = h.series(|r| r.wasserstein);
        if let Loss::Minimax(o) | Loss::NonSaturating(o) = self.train.loss.loss {
            let what = if o == DOutput::Logit {
                "scores (D's logits)"
            } else {
                "scores"
            };
            files.push(
                smooth(h.score_plot(&format!("{}: {what}", self.name)))
                    .save(out.join("scores.png"))?,
            );
        } else if !w.is_empty() {
            let title = format!("{}: critic gap E C(x_r) − E C(x_f)", self.name);
            files.push(smooth(h.wasserstein_plot(&title)).save(out.join("wasserstein.png"))?);
        }
        let terms = h.term_names();
        if !terms.is_empty() {
            files.push(
                smooth(h.term_plot(&format!("{}: loss terms", self.name), &terms))
                    .save(out.join("terms.png"))?,
            );
        }
        Ok(files)
    }
}
