use super::*;

// -------------------------------------------------------------------------- the command line

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

/// A progress bar on stderr when it is a terminal, and a plain line every `every` steps on
/// stdout.
pub(super) struct Progress {
    tty: bool,
    first: usize,
    total: usize,
    every: usize,
    t0: Instant,
    drawn: Option<Instant>,
    last: Option<StepRecord>,
}

impl Progress {
    pub(super) fn new(first: usize, total: usize, every: usize) -> Self {
        // SAFETY: isatty only reads the descriptor's state.
        let tty = unsafe { libc::isatty(2) } == 1;
        Progress {
            tty,
            first,
            total,
            every,
            t0: Instant::now(),
            drawn: None,
            last: None,
        }
    }

    pub(super) fn rate_eta(&self, step: usize) -> (f64, f64) {
        let rate = (step - self.first) as f64 / self.t0.elapsed().as_secs_f64().max(1e-9);
        (rate, (self.total - step) as f64 / rate.max(1e-9))
    }

    pub(super) fn update(&mut self, r: &StepRecord) {
        let (rate, eta) = self.rate_eta(r.step);
        if self.every > 0 && (r.step % self.every == 0 || r.step == self.total) {
            self.line(&format!("{r}  {rate:.1} steps/s  ETA {}", clock(eta)));
        }
        self.last = Some(r.clone());
        let due = match self.drawn {
            None => true,
            Some(t) => t.elapsed().as_millis() >= 100,
        };
        if self.tty && (due || r.step == self.total) {
            self.draw();
        }
    }

    pub(super) fn draw(&mut self) {
        let Some(r) = &self.last else { return };
        let (rate, eta) = self.rate_eta(r.step);
        let frac = r.step as f64 / self.total.max(1) as f64;
        let filled = (frac * 30.0).round() as usize;
        let loss =
            |name: &str, v: Option<f64>| v.map(|v| format!("  {name} {v:.3}")).unwrap_or_default();
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r[{}{}] {}/{} {:3.0}%{}{}  {rate:.1} steps/s  ETA {}\x1b[K",
            "#".repeat(filled.min(30)),
            "-".repeat(30 - filled.min(30)),
            r.step,
            self.total,
            100.0 * frac,
            loss("D", r.d_loss),
            loss("G", r.g_loss),
            clock(eta)
        );
        let _ = err.flush();
        self.drawn = Some(Instant::now());
    }

    /// A line on stdout, above the bar.
    pub(super) fn line(&mut self, s: &str) {
        if self.tty && self.drawn.is_some() {
            eprint!("\r\x1b[K");
        }
        println!("{s}");
        let _ = std::io::stdout().flush();
        if self.tty && self.drawn.is_some() {
            self.draw();
        }
    }

    pub(super) fn finish(&mut self) {
        if self.tty && self.drawn.is_some() {
            eprintln!();
        }
    }
}

pub(super) fn clock(secs: f64) -> String {
    if !secs.is_finite() {
        return "?".into();
    }
    let s = secs.round() as u64;
    if s >= 3600 {
        format!("{}h{:02}m", s / 3600, s / 60 % 60)
    } else if s >= 60 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

/// Leaves in `a` and `b` that differ, ignoring `[output]` and the training length.
pub(super) fn first_difference(a: &Table, b: &Table) -> Option<(String, String, String)> {
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
            (None, true) => return Err(Error::setting("--resume", format!("no checkpoint in {} to resume from", out.display()))),
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
        let mut runner: Box<dyn Runner + '_> = match &self.translation {
            Some(Translation::Cycle { .. }) => Box::new(CycleRun::new(self, device)?),
            Some(Translation::Star { .. }) => Box::new(StarRun::new(self, device)?),
            None => Box::new(GanRun::new(self, device)?),
        };
        println!(
            "data: {} ({:.1} s)",
            runner.data_line(),
            t_data.elapsed().as_secs_f64()
        );
        let (g, d) = runner.parameters();
        println!("networks: G {g} parameters, D {d} parameters");
        let total = runner.total();
        runner.set_lr_schedule(self.lr_schedule(total));
        std::fs::create_dir_all(&out).map_err(|e| Error::io(&out, e))?;
        let exp_path = out.join("experiment.toml");
        if let Some(ckpt) = &existing {
            let info = read_info(ckpt)?;
            let json = ckpt.join("checkpoint.json");
            let (saved, from) = match info
                .get("notes")
                .and_then(|n| n.get("experiment"))
                .and_then(|e| e.as_str())
            {
                Some(text) => (text.to_string(), json.display().to_string()),
                None => (
                    std::fs::read_to_string(&exp_path).map_err(|e| Error::io(&exp_path, e))?,
                    exp_path.display().to_string(),
                ),
            };
            let saved: Table = saved.parse().map_err(|e| syntax_error(&from, &e))?;
            if let Some((key, then, now)) = first_difference(&saved, &self.effective) {
                return Err(Error::setting("--resume", format!("{} was trained with {key} = {then}, the experiment now says {now}; start another run with --out DIR", ckpt.display())));
            }
            let step = info.get("step").and_then(|s| s.as_u64()).unwrap_or(0) as usize;
            runner.resume(ckpt, step)?;
            println!("resumed from {} (step {step})", ckpt.display());
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
        runner.start()?;
        let start = runner.steps_done();
        if start >= total {
            println!(
                "already at step {start} of {total}: nothing to train (raise --steps to continue)"
            );
        }
        let mut progress = Progress::new(start, total, self.output.print_every);
        let t0 = Instant::now();
        let (mut last_grid, mut last_ckpt) = (None, None);
        if start == 0 && self.output.grid_every > 0 && total > 0 {
            files.push(runner.snapshot(&out)?); // the untrained networks
        }
        let mut outcome: Result<()> = Ok(());
        for step in start + 1..=total {
            match runner.step(step) {
                Ok(r) => progress.update(&r),
                Err(e) => {
                    outcome = Err(e);
                    break;
                }
            }
            if self.output.grid_every > 0 && step % self.output.grid_every == 0 {
                files.push(runner.snapshot(&out)?);
                last_grid = Some(step);
            }
            if self.output.checkpoint_every > 0 && step % self.output.checkpoint_every == 0 {
                let p = runner.checkpoint(&out)?;
                progress.line(&format!("checkpoint {}", p.display()));
                files.push(p);
                last_ckpt = Some(step);
            }
        }
        progress.finish();
        let seconds = t0.elapsed().as_secs_f64();
        let done = runner.steps_done();
        if outcome.is_ok() {
            if last_grid != Some(done) && done > 0 {
                files.push(runner.snapshot(&out)?);
            }
            if last_ckpt != Some(done) && done > start {
                files.push(runner.checkpoint(&out)?);
            }
        }
        files.extend(self.save_curves(runner.history(), &out)?);
        outcome?;
        if done > start {
            println!(
                "trained steps {}–{done} in {} ({:.2} s/step)",
                start + 1,
                clock(seconds),
                seconds / (done - start) as f64
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
            seconds,
        })
    }

    /// history.csv, loss.png and scores.png (D(x), D(G(z)); BCE losses) or wasserstein.png
    /// (E C(x_r) − E C(x_f); the other losses), and terms.png for the trainers that record
    /// named terms (CycleGAN's cycle and identity, StarGAN's classification and
    /// reconstruction).
    pub(super) fn save_curves(&self, h: &History, out: &Path) -> Result<Vec<PathBuf>> {
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
            let plot = LinePlot::new(format!("{}: critic gap E C(x_r) − E C(x_f)", self.name))
                .x_label("step")
                .y_label("estimate")
                .line_xy("Wasserstein estimate", w);
            files.push(smooth(plot).save(out.join("wasserstein.png"))?);
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

/// One trainer as `gankit train` drives it.
pub(super) trait Runner {
    /// "built-in faces 32×32, 4000 samples".
    fn data_line(&self) -> String;
    /// Trainable parameters of G (all generators) and D (all discriminators).
    fn parameters(&self) -> (i64, i64);
    /// Steps in all.
    fn total(&self) -> usize;
    /// Sets the trainer's learning-rate schedule (before a checkpoint is loaded: it is part
    /// of the config a checkpoint must match).
    fn set_lr_schedule(&mut self, schedule: LrSchedule);
    /// Loads the checkpoint saved after `step` steps.
    fn resume(&mut self, ckpt: &Path, step: usize) -> Result<()>;
    /// Opens the batch streams (after a resume: where it stopped).
    fn start(&mut self) -> Result<()>;
    fn steps_done(&self) -> usize;
    /// Step number `step` (the next one).
    fn step(&mut self, step: usize) -> Result<StepRecord>;
    /// Saves the picture of now as `grid-step-NNNNNN.png` (2-D: `field-step-NNNNNN.png`).
    fn snapshot(&self, out: &Path) -> Result<PathBuf>;
    fn checkpoint(&self, out: &Path) -> Result<PathBuf>;
    fn history(&self) -> &History;
}

pub(super) fn batches_not_started() -> Error {
    Error::setting("batches", "the batch stream was not opened")
}

/// The GAN families: [`Gan`] with boxed networks.
pub(super) struct GanRun<'e> {
    exp: &'e Experiment,
    gan: BoxedGan,
    data: Dataset,
    batches: Option<crate::data::Batches>,
}

impl<'e> GanRun<'e> {
    pub(super) fn new(exp: &'e Experiment, device: Device) -> Result<Self> {
        let data = exp.load_data()?.to_device(device);
        Ok(GanRun {
            exp,
            gan: exp.build_gan(device)?,
            data,
            batches: None,
        })
    }
}

impl Runner for GanRun<'_> {
    fn data_line(&self) -> String {
        format!("{}, {} samples", self.data.name, self.data.len())
    }
    fn parameters(&self) -> (i64, i64) {
        (count_params(&self.gan.vs_g), count_params(&self.gan.vs_d))
    }
    fn total(&self) -> usize {
        self.exp.steps(self.data.len())
    }
    fn set_lr_schedule(&mut self, schedule: LrSchedule) {
        self.gan.config.lr_schedule = schedule;
    }
    fn resume(&mut self, ckpt: &Path, step: usize) -> Result<()> {
        self.gan.config.g_every = self.exp.g_every_at(step.max(1), self.data.len());
        self.gan.load_checkpoint(ckpt)?;
        self.gan
            .notes
            .insert("experiment".into(), self.exp.to_toml());
        Ok(())
    }
    fn start(&mut self) -> Result<()> {
        self.batches = Some(self.gan.batches(&self.data)?);
        Ok(())
    }
    fn steps_done(&self) -> usize {
        self.gan.steps_done()
    }
    fn step(&mut self, step: usize) -> Result<StepRecord> {
        self.gan.config.g_every = self.exp.g_every_at(step, self.data.len());
        self.gan
            .step(self.batches.as_mut().ok_or_else(batches_not_started)?)
    }
    fn snapshot(&self, out: &Path) -> Result<PathBuf> {
        let step = self.gan.steps_done();
        if self.exp.data.source.is_2d() {
            let path = out.join(format!("field-step-{step:06}.png"));
            let real = self.data.head(512).x;
            let extent = real.abs().max().double_value(&[]) * 1.3 + 0.5;
            self.gan.field_plot(&real, 512, extent)?.save(&path)
        } else {
            let path = out.join(format!("grid-step-{step:06}.png"));
            ImageGrid::new(&self.gan.fixed_samples())?
                .title(format!("{} · step {step}", self.exp.name))
                .save(&path)
        }
    }
    fn checkpoint(&self, out: &Path) -> Result<PathBuf> {
        self.gan.save_checkpoint(out)
    }
    fn history(&self) -> &History {
        &self.gan.history
    }
}

/// CycleGAN (report 001 §5).
pub(super) struct CycleRun<'e> {
    exp: &'e Experiment,
    gan: CycleGan,
    sets: CycleSets,
    batches: Option<(crate::data::Batches, crate::data::Batches)>,
}

impl<'e> CycleRun<'e> {
    pub(super) fn new(exp: &'e Experiment, device: Device) -> Result<Self> {
        let sets = exp.load_domains()?;
        let sets = CycleSets {
            a: sets.a.to_device(device),
            b: sets.b.to_device(device),
            ..sets
        };
        Ok(CycleRun {
            exp,
            gan: exp.build_cyclegan(device)?,
            sets,
            batches: None,
        })
    }
}

impl Runner for CycleRun<'_> {
    fn data_line(&self) -> String {
        format!(
            "A {} ({} images), B {} ({} images)",
            self.sets.a.name,
            self.sets.a.len(),
            self.sets.b.name,
            self.sets.b.len()
        )
    }
    fn parameters(&self) -> (i64, i64) {
        (count_params(&self.gan.vs_g), count_params(&self.gan.vs_d))
    }
    fn total(&self) -> usize {
        self.exp.steps(self.sets.a.len().max(self.sets.b.len()))
    }
    fn set_lr_schedule(&mut self, schedule: LrSchedule) {
        self.gan.config.lr_schedule = schedule;
    }
    fn resume(&mut self, ckpt: &Path, _step: usize) -> Result<()> {
        self.gan.load_checkpoint(ckpt)
    }
    fn start(&mut self) -> Result<()> {
        self.batches = Some(self.gan.batches(&self.sets.a, &self.sets.b)?);
        Ok(())
    }
    fn steps_done(&self) -> usize {
        self.gan.steps_done()
    }
    fn step(&mut self, _step: usize) -> Result<StepRecord> {
        let (a, b) = self.batches.as_mut().ok_or_else(batches_not_started)?;
        self.gan.step(a, b)
    }
    fn snapshot(&self, out: &Path) -> Result<PathBuf> {
        let step = self.gan.steps_done();
        let k = self.sets.test_a.size()[0]
            .min(self.sets.test_b.size()[0])
            .min(4);
        let panel = self.gan.translate_panel(
            &self.sets.test_a.narrow(0, 0, k),
            &self.sets.test_b.narrow(0, 0, k),
        )?;
        let grid =
            ImageGrid::cycle_panel(&panel)?.title(format!("{} · step {step}", self.exp.name));
        grid.save(out.join(format!("grid-step-{step:06}.png")))
    }
    fn checkpoint(&self, out: &Path) -> Result<PathBuf> {
        self.gan.save_checkpoint(out)
    }
    fn history(&self) -> &History {
        &self.gan.history
    }
}

/// StarGAN (report 001 §6).
pub(super) struct StarRun<'e> {
    exp: &'e Experiment,
    gan: StarGan,
    data: Dataset,
    /// Held-out faces shown translated to every domain.
    show: crate::data::Batch,
    batches: Option<crate::data::Batches>,
}

impl<'e> StarRun<'e> {
    pub(super) fn new(exp: &'e Experiment, device: Device) -> Result<Self> {
        let data = exp.load_data()?;
        let show = exp.star_show_faces(Some(&data), 8)?;
        Ok(StarRun {
            exp,
            gan: exp.build_stargan(device)?,
            data: data.to_device(device),
            show,
            batches: None,
        })
    }
}

impl Runner for StarRun<'_> {
    fn data_line(&self) -> String {
        format!(
            "{}, {} samples, domains: {}",
            self.data.name,
            self.data.len(),
            self.data.label_names.join(", ")
        )
    }
    fn parameters(&self) -> (i64, i64) {
        (count_params(&self.gan.vs_g), count_params(&self.gan.vs_d))
    }
    fn total(&self) -> usize {
        self.exp.steps(self.data.len())
    }
    fn set_lr_schedule(&mut self, schedule: LrSchedule) {
        self.gan.config.lr_schedule = schedule;
    }
    fn resume(&mut self, ckpt: &Path, _step: usize) -> Result<()> {
        self.gan.load_checkpoint(ckpt)
    }
    fn start(&mut self) -> Result<()> {
        self.batches = Some(self.gan.batches(&self.data)?);
        Ok(())
    }
    fn steps_done(&self) -> usize {
        self.gan.steps_done()
    }
    fn step(&mut self, _step: usize) -> Result<StepRecord> {
        self.gan
            .step(self.batches.as_mut().ok_or_else(batches_not_started)?)
    }
    fn snapshot(&self, out: &Path) -> Result<PathBuf> {
        let step = self.gan.steps_done();
        let grid = self
            .exp
            .star_panel(&self.gan, &self.show, &self.data.label_names)?
            .title(format!("{} · step {step}", self.exp.name));
        grid.save(out.join(format!("grid-step-{step:06}.png")))
    }
    fn checkpoint(&self, out: &Path) -> Result<PathBuf> {
        self.gan.save_checkpoint(out)
    }
    fn history(&self) -> &History {
        &self.gan.history
    }
}
