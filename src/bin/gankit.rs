//! The gankit command line: train an experiment file, sample from or evaluate a checkpoint.
//! The work is in `gankit::experiment`; this file only reads the arguments (clap).
use clap::{Args, Parser, Subcommand};
use gankit::experiment::{eval_checkpoint, sample_checkpoint, Experiment};
use gankit::notebook::Mode;
use std::path::PathBuf;
use std::process::ExitCode;

const EXAMPLES: &str = "\
usage:
  gankit train  --config FILE [--quick | --smoke | --full] [--steps N] [--out DIR]
                [--set KEY=VALUE]... [--resume]
  gankit sample --checkpoint DIR [--n 64] [--out FILE.png] [--seed 0]
  gankit eval   --checkpoint DIR [--n N]
  gankit check  --config FILE [--quick | --smoke | --full] [--set KEY=VALUE]...

The device is CUDA when libtorch sees a GPU, else the CPU (GANKIT_DEVICE=cpu|cuda|cuda:N
overrides). A bad value in an experiment file is one line naming the file and the key.";

/// gankit: train the reports' GANs from experiment files, sample from and evaluate checkpoints.
#[derive(Parser)]
#[command(name = "gankit", after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Trains an experiment (configs/*.toml) at the report's settings, or its [quick] variant
    /// with --quick (a minute or two on a CPU), or a handful of steps with --smoke.
    ///
    /// Writes into target/runs/<name>[-quick|-smoke] (or --out): grid-step-NNNNNN.png (2-D
    /// data: field-step-NNNNNN.png), checkpoints step-NNNNNN/, history.csv, loss.png,
    /// scores.png or wasserstein.png, experiment.toml.
    Train {
        #[command(flatten)]
        experiment: ExperimentArgs,
        /// Continue from the newest checkpoint in the run folder.
        #[arg(long)]
        resume: bool,
    },
    /// Rebuilds G from the experiment stored in a checkpoint and writes a grid of samples
    /// (default <run folder>/samples-step-NNNNNN.png).
    Sample {
        /// A checkpoint folder, or a run folder (its newest checkpoint is used).
        #[arg(long, value_name = "DIR")]
        checkpoint: PathBuf,
        /// How many samples.
        #[arg(long, default_value_t = 64)]
        n: usize,
        /// Where to write the PNG.
        #[arg(long, value_name = "FILE.png")]
        out: Option<PathBuf>,
        /// Seed of the sampling noise.
        #[arg(long, default_value_t = 0)]
        seed: u64,
    },
    /// The evaluators that fit the data (faces: face rate, distinct hair/eye combinations, KL
    /// from the data, tag accuracy when conditional; objects: accuracy on the test
    /// conditions; ring8/grid25: modes captured), next to the same numbers for real data.
    Eval {
        /// A checkpoint folder, or a run folder (its newest checkpoint is used).
        #[arg(long, value_name = "DIR")]
        checkpoint: PathBuf,
        /// How many samples (default: 2,000 faces, 8 per objects test condition, 2,500 points).
        #[arg(long)]
        n: Option<usize>,
    },
    /// Reads and checks an experiment file, builds its networks, prints what it would train.
    Check {
        #[command(flatten)]
        experiment: ExperimentArgs,
    },
}

/// An experiment file, its variant and command-line overrides.
#[derive(Args)]
struct ExperimentArgs {
    /// The experiment file (configs/*.toml).
    #[arg(long, value_name = "FILE")]
    config: PathBuf,
    /// The [quick] variant (built-in data at 32×32, a CPU in minutes).
    #[arg(long, group = "variant")]
    quick: bool,
    /// A handful of steps on a few hundred samples.
    #[arg(long, group = "variant")]
    smoke: bool,
    /// The report's settings (the default unless GANKIT_MODE says otherwise).
    #[arg(long, group = "variant")]
    full: bool,
    /// Trains N steps in all.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    steps: Option<u64>,
    /// The run folder.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Changes one key, e.g. --set train.lr=1e-4 (repeatable).
    #[arg(long, value_name = "KEY=VALUE")]
    set: Vec<String>,
}

impl ExperimentArgs {
    /// The variant: a flag, else GANKIT_MODE, else full.
    fn mode(&self) -> Result<Mode, String> {
        Ok(match (self.quick, self.smoke, self.full) {
            (true, _, _) => Mode::Quick,
            (_, true, _) => Mode::Smoke,
            (_, _, true) => Mode::Full,
            _ => match std::env::var(gankit::notebook::MODE_VAR) {
                Ok(v) => v.parse::<Mode>().map_err(|e| e.to_string())?,
                Err(_) => Mode::Full,
            },
        })
    }

    /// The experiment file in the chosen variant with the command-line overrides.
    fn experiment(&self) -> Result<Experiment, String> {
        let text = |e: gankit::Error| e.to_string();
        let mut exp = Experiment::load(&self.config)
            .map_err(text)?
            .try_variant(self.mode()?)
            .map_err(text)?;
        for v in &self.set {
            let (key, value) = v.split_once('=').ok_or_else(|| {
                format!("--set expects KEY=VALUE (e.g. train.lr=1e-4), got {v:?}")
            })?;
            let key = key.trim();
            exp = exp
                .with_setting(key, value.trim(), &format!("--set {key}"))
                .map_err(text)?;
        }
        if let Some(steps) = self.steps {
            exp = exp.with_steps(steps as usize).map_err(text)?;
        }
        if let Some(out) = &self.out {
            exp = exp.with_out_dir(out).map_err(text)?;
        }
        Ok(exp)
    }
}

fn main() -> ExitCode {
    // `gankit --help | head` ends quietly, as other command-line tools do.
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help, --version
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => return fail(&one_line(&e.to_string())),
    };
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => fail(&msg),
    }
}

fn fail(msg: &str) -> ExitCode {
    eprintln!("error: {}", msg.replace('\n', " "));
    ExitCode::FAILURE
}

/// A clap error as one line: its message without the usage block, and where to look.
fn one_line(rendered: &str) -> String {
    let message = rendered.split("\n\nUsage:").next().unwrap_or(rendered);
    let message = message
        .split("For more information")
        .next()
        .unwrap_or(message);
    let words: Vec<&str> = message.split_whitespace().collect();
    let text = words.join(" ");
    let text = text.strip_prefix("error: ").unwrap_or(&text);
    format!("{text} (gankit --help)")
}

fn run(command: Command) -> Result<(), String> {
    let text = |e: gankit::Error| e.to_string();
    match command {
        Command::Train { experiment, resume } => {
            experiment.experiment()?.run(resume).map_err(text)?;
        }
        Command::Check { experiment } => {
            let exp = experiment.experiment()?;
            println!("{}", exp.summary());
            let (g, d) = exp.parameter_counts().map_err(text)?;
            println!("networks: G {g} parameters, D {d} parameters");
            println!("ok");
        }
        Command::Sample {
            checkpoint,
            n,
            out,
            seed,
        } => {
            let path = sample_checkpoint(&checkpoint, n, out.as_deref(), seed).map_err(text)?;
            println!("wrote {} ({n} samples)", path.display());
        }
        Command::Eval { checkpoint, n } => {
            print!("{}", eval_checkpoint(&checkpoint, n).map_err(text)?);
        }
    }
    Ok(())
}
