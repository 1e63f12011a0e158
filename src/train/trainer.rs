//! The one trainer abstraction and its one loop. [`Gan`](super::Gan),
//! [`CycleGan`](super::CycleGan) and [`StarGan`](super::StarGan) are [`Trainer`]s: each takes
//! one step at a time on its own data, keeps its history and shows a [`Preview`]; they save
//! and restore themselves the same way; and [`Trainer::train`] runs the loop every notebook
//! and `gankit train` use: progress, previews, checkpoints and hooks.
//!
//! ```no_run
//! use gankit::prelude::*;
//! let net = MlpConfig::default();
//! let config = TrainConfig { z_dim: net.z_dim, batch_size: 256, ..Default::default() };
//! let mut gan = Gan::new(Device::Cpu, |p| mlp_generator(p, &net), |p| mlp_discriminator(p, &net), config)?
//!     .with_data(&Mixture::ring8().sample(10_000, 0))?;
//! let ring = Mixture::ring8();
//! gan.train(2_000, TrainOptions::new().print_every(500).every(250, |gan: &mut Gan<_, _>| {
//!     let modes = mode_coverage(&gan.sample(2_500), &ring)?;
//!     gan.record("modes covered", modes.captured as f64);
//!     Ok(())
//! }))?;
//! # Ok::<(), gankit::Error>(())
//! ```
use super::checkpoint::{read_checkpoint, write_checkpoint, Parts, Restored};
use super::history::{History, StepRecord};
use super::preview::{Preview, Snapshot};
use crate::error::Result;
use std::path::{Path, PathBuf};
use std::time::Instant;
use tch::Device;

/// What the crate needs of a trainer to save, restore and record it (not for use outside).
pub(crate) mod sealed {
    use super::*;

    pub use crate::train::checkpoint::Stores;
    pub use crate::train::core::Core;

    pub trait Stateful {
        /// The state every trainer holds the same way.
        fn core(&self) -> &Core;
        fn core_mut(&mut self) -> &mut Core;
        /// Everything a checkpoint holds, borrowed.
        fn parts(&self) -> Parts<'_>;
        /// Takes back what a checkpoint restored besides the stores (history, data position,
        /// the trainer's own tensors), after the stores were read.
        fn restore(&mut self, restored: Restored, dir: &Path) -> Result<()>;
        /// The stores a checkpoint is read into.
        fn stores(&mut self) -> Stores<'_> {
            self.core_mut().stores()
        }
        fn history_mut(&mut self) -> &mut History {
            &mut self.core_mut().history
        }
        fn snapshots_mut(&mut self) -> &mut Vec<Snapshot> {
            &mut self.core_mut().snapshots
        }
    }
}

/// A trainable GAN: one step at a time on its own data (set with `with_data`), its record,
/// its picture of now, and its checkpoints. Implemented by [`Gan`](super::Gan),
/// [`CycleGan`](super::CycleGan) and [`StarGan`](super::StarGan).
pub trait Trainer: sealed::Stateful {
    /// One step as the run's config says (for a [`Gan`](super::Gan): its D updates, its G
    /// updates when due, warm-up and learning-rate schedule applied), on the next batches of
    /// its data; recorded in the history and returned.
    fn step(&mut self) -> Result<StepRecord>;

    /// Every step so far, and the named series hooks recorded.
    fn history(&self) -> &History {
        &self.core().history
    }

    /// The previews kept by [`Trainer::train`] (every `preview_every` steps).
    fn snapshots(&self) -> &[Snapshot] {
        &self.core().snapshots
    }

    /// The run's picture of now: the fixed noise's samples, a translation panel, or for 2-D
    /// data D's field (a figure: a cell ending in `gan.preview()?` draws it).
    fn preview(&self) -> Result<Preview>;

    /// Trainable parameters of G (all generators) and D (all discriminators).
    fn parameter_counts(&self) -> (i64, i64) {
        self.core().parameter_counts()
    }

    /// The device the networks live on.
    fn device(&self) -> Device {
        self.core().device
    }

    /// Steps done so far.
    fn steps_done(&self) -> usize {
        self.history().len()
    }

    /// Records `value` under `name` at the current step (e.g. from a hook: faces found,
    /// modes covered); plot it with `history().series_plot(…)`.
    fn record(&mut self, name: &str, value: f64) {
        let step = self.steps_done();
        self.history_mut().record(name, step, value);
    }

    /// Saves the run (weights, optimizer state, the trainer's own tensors, history, data
    /// position, config) into `run_dir/step-NNNNNN/`, atomically; returns that folder.
    fn save_checkpoint(&self, run_dir: impl AsRef<Path>) -> Result<PathBuf>
    where
        Self: Sized,
    {
        write_checkpoint(run_dir.as_ref(), self.parts())
    }

    /// Restores a checkpoint into this run, built the same way: the config must match the
    /// saved one (the error names the first key that differs). Training then continues
    /// exactly as if it had never stopped.
    fn load_checkpoint(&mut self, dir: impl AsRef<Path>) -> Result<()>
    where
        Self: Sized,
    {
        let dir = dir.as_ref();
        let (kind, config) = {
            let p = self.parts();
            (p.kind, p.config)
        };
        let restored = read_checkpoint(dir, kind, &config, self.stores())?;
        self.snapshots_mut().clear();
        self.restore(restored, dir)
    }

    /// This run with a checkpoint restored (see [`Trainer::load_checkpoint`]): a run built
    /// the same way and reloaded in one line,
    /// `Gan::new(dev, |p| …, |p| …, config)?.restored(&dir)?`.
    fn restored(mut self, dir: impl AsRef<Path>) -> Result<Self>
    where
        Self: Sized,
    {
        self.load_checkpoint(dir)?;
        Ok(self)
    }

    /// The one training loop: `steps` more steps, with what `options` asks for along the way
    /// (progress lines or bar, previews kept in [`Trainer::snapshots`], checkpoints, hooks).
    /// Previews, checkpoints and hooks fall on whole multiples of their period in the run's
    /// step count, so a resumed run keeps the same schedule; a run that starts at step 0 also
    /// keeps the untrained networks' preview. Stops at the first error (a diverged loss names
    /// its step), keeping everything done so far.
    fn train(&mut self, steps: usize, options: TrainOptions<'_, Self>) -> Result<TrainReport>
    where
        Self: Sized,
    {
        train_loop(self, steps, options)
    }
}

/// A closure the loop calls every so many steps with the trainer.
type Hook<'a, T> = Box<dyn FnMut(&mut T) -> Result<()> + 'a>;

/// What [`Trainer::train`] does besides stepping. Every period 0 = never.
///
/// ```no_run
/// # use gankit::prelude::*;
/// # fn f(mut gan: BoxedGan) -> Result<()> {
/// gan.train(400, TrainOptions::new().print_every(100).preview_every(100))?;
/// # Ok(()) }
/// ```
pub struct TrainOptions<'a, T> {
    print_every: usize,
    bar: bool,
    preview_every: usize,
    checkpoint_every: usize,
    checkpoint_dir: Option<PathBuf>,
    hooks: Vec<(usize, Hook<'a, T>)>,
}

impl<T> Default for TrainOptions<'_, T> {
    fn default() -> Self {
        TrainOptions {
            print_every: 0,
            bar: false,
            preview_every: 0,
            checkpoint_every: 0,
            checkpoint_dir: None,
            hooks: Vec::new(),
        }
    }
}

impl<'a, T> TrainOptions<'a, T> {
    /// Nothing but the steps.
    pub fn new() -> Self {
        Self::default()
    }

    /// A progress line every `k` steps and after the last: step, losses, scores, steps/s,
    /// time left.
    pub fn print_every(mut self, k: usize) -> Self {
        self.print_every = k;
        self
    }

    /// A progress bar on the terminal (stderr), when there is one; the lines go above it.
    pub fn progress_bar(mut self) -> Self {
        self.bar = true;
        self
    }

    /// Keeps the trainer's preview every `k` steps in [`Trainer::snapshots`] (noise-evolution
    /// strips, animations).
    pub fn preview_every(mut self, k: usize) -> Self {
        self.preview_every = k;
        self
    }

    /// A checkpoint into `run_dir/step-NNNNNN/` every `k` steps and after the last (k = 0:
    /// only after the last).
    pub fn checkpoints(mut self, k: usize, run_dir: impl AsRef<Path>) -> Self {
        self.checkpoint_every = k;
        self.checkpoint_dir = Some(run_dir.as_ref().to_path_buf());
        self
    }

    /// Calls `hook` with the trainer every `k` steps (at steps k, 2k, …, counted in the run),
    /// e.g. to evaluate its samples and [`Trainer::record`] a number. An error stops training.
    pub fn every(mut self, k: usize, hook: impl FnMut(&mut T) -> Result<()> + 'a) -> Self {
        if k > 0 {
            self.hooks.push((k, Box::new(hook)));
        }
        self
    }
}

/// What one call of [`Trainer::train`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainReport {
    /// Steps done in all after the call.
    pub steps: usize,
    /// Steps this call took.
    pub trained: usize,
    /// Checkpoint folders written, in order.
    pub checkpoints: Vec<PathBuf>,
    /// Wall time of the call's steps, in seconds.
    pub seconds: f64,
}

fn train_loop<T: Trainer>(t: &mut T, n: usize, mut o: TrainOptions<'_, T>) -> Result<TrainReport> {
    crate::device::keep_freed_memory();
    let due = |period: usize, step: usize| period > 0 && step % period == 0;
    let start = t.steps_done();
    if o.preview_every > 0 && start == 0 && t.snapshots().is_empty() {
        keep_preview(t)?;
    }
    let mut progress = Progress::new(start, start + n, o.print_every, o.bar);
    let mut checkpoints = Vec::new();
    let t0 = Instant::now();
    for i in 1..=n {
        let r = t.step()?;
        progress.update(&r);
        for (k, hook) in o.hooks.iter_mut() {
            if due(*k, r.step) {
                hook(t)?;
            }
        }
        if due(o.preview_every, r.step) {
            keep_preview(t)?;
        }
        let checkpoint = due(o.checkpoint_every, r.step) || i == n;
        if let (true, Some(dir)) = (checkpoint, &o.checkpoint_dir) {
            let path = t.save_checkpoint(dir)?;
            progress.line(&format!("checkpoint {}", path.display()));
            checkpoints.push(path);
        }
    }
    progress.finish();
    Ok(TrainReport {
        steps: t.steps_done(),
        trained: n,
        checkpoints,
        seconds: t0.elapsed().as_secs_f64(),
    })
}

fn keep_preview<T: Trainer>(t: &mut T) -> Result<()> {
    let snapshot = Snapshot {
        step: t.steps_done(),
        preview: t.preview()?,
    };
    t.snapshots_mut().push(snapshot);
    Ok(())
}

/// Progress lines on stdout every `every` steps, and an indicatif bar on stderr when asked
/// for and stderr is a terminal (so a notebook, whose stderr is not one, never gets a bar).
struct Progress {
    first: usize,
    total: usize,
    every: usize,
    t0: Instant,
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    fn new(first: usize, total: usize, every: usize, bar: bool) -> Self {
        let bar = (bar && std::io::IsTerminal::is_terminal(&std::io::stderr())).then(|| {
            let style = indicatif::ProgressStyle::with_template(
                "[{bar:30}] {pos}/{len} {percent:>3}% {msg}  {per_sec}  ETA {eta}",
            )
            .expect("a valid template")
            .progress_chars("#>-");
            let b = indicatif::ProgressBar::new(total as u64).with_style(style);
            b.set_position(first as u64);
            b.reset_eta();
            b
        });
        Progress {
            first,
            total,
            every,
            t0: Instant::now(),
            bar,
        }
    }

    fn update(&mut self, r: &StepRecord) {
        if self.every > 0 && (r.step % self.every == 0 || r.step == self.total) {
            let rate = (r.step - self.first) as f64 / self.t0.elapsed().as_secs_f64().max(1e-9);
            let eta = (self.total - r.step) as f64 / rate.max(1e-9);
            self.line(&format!("{r}  {rate:.1} steps/s  ETA {}", clock(eta)));
        }
        if let Some(bar) = &self.bar {
            let loss = |name: &str, v: Option<f64>| v.map(|v| format!(" {name} {v:.3}"));
            bar.set_message(
                [loss("D", r.d_loss), loss("G", r.g_loss)]
                    .into_iter()
                    .flatten()
                    .collect::<String>(),
            );
            bar.set_position(r.step as u64);
        }
    }

    /// A line on stdout (above the bar when there is one).
    fn line(&self, s: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| println!("{s}")),
            None => println!("{s}"),
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish();
        }
    }
}

/// Seconds as "42s", "3m05s", "1h02m" ("?" when unknown).
pub(crate) fn clock(secs: f64) -> String {
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
