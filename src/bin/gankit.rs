//! The gankit command line: train an experiment file, sample from or evaluate a checkpoint.
//! The work is in `gankit::experiment`; this file only reads the arguments.
use gankit::experiment::{eval_checkpoint, sample_checkpoint, Experiment};
use gankit::notebook::Mode;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
gankit: train the reports' GANs from experiment files, sample from and evaluate checkpoints

usage:
  gankit train  --config FILE [--quick | --smoke | --full] [--steps N] [--out DIR]
                [--set KEY=VALUE]... [--resume]
  gankit sample --checkpoint DIR [--n 64] [--out FILE.png] [--seed 0]
  gankit eval   --checkpoint DIR [--n N]
  gankit check  --config FILE [--quick | --smoke | --full] [--set KEY=VALUE]...
  gankit --help

train    trains the experiment (configs/*.toml) at the report's settings, or its [quick] variant
         with --quick (about a minute or two on a CPU), or a handful of steps with --smoke;
         GANKIT_MODE=quick|smoke|full picks the variant when no flag does. Writes into
         target/runs/<name>[-quick|-smoke] (or --out): grid-step-NNNNNN.png (2-D data:
         field-step-NNNNNN.png), checkpoints step-NNNNNN/, history.csv, loss.png, scores.png or
         wasserstein.png, experiment.toml. --steps N trains N steps in all; --resume continues
         from the newest checkpoint in the run folder; --set train.lr=1e-4 changes one key.
sample   rebuilds G from the experiment stored in the checkpoint and writes a grid of --n
         samples (default <run folder>/samples-step-NNNNNN.png). DIR may be a run folder (its
         newest checkpoint is used).
eval     the evaluators that fit the data (faces: face rate, distinct hair/eye combinations, KL
         from the data, tag accuracy when conditional; objects: accuracy on the test
         conditions; ring8/grid25: modes captured), next to the same numbers for real data.
check    reads and checks the experiment file, builds its networks, prints what it would train.

The device is CUDA when libtorch sees a GPU, else the CPU (GANKIT_DEVICE=cpu|cuda|cuda:N
overrides). A bad value in an experiment file is one line naming the file and the key.";

fn main() -> ExitCode {
    // `gankit --help | head` ends quietly, as other command-line tools do.
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("error: {}", msg.replace('\n', " "));
            ExitCode::FAILURE
        }
    }
}

/// The options of one command, read by hand: `--flag` and `--key value`.
struct Args {
    command: String,
    values: Vec<(String, String)>,
    flags: Vec<String>,
}

impl Args {
    fn parse(args: &[String], takes_value: &[&str], flags: &[&str]) -> Result<Args, String> {
        let command = args[0].clone();
        let (mut values, mut found) = (Vec::new(), Vec::new());
        let mut it = args[1..].iter();
        while let Some(a) = it.next() {
            let (key, inline) = match a.split_once('=') {
                Some((k, v)) if k.starts_with("--") => (k.to_string(), Some(v.to_string())),
                _ => (a.clone(), None),
            };
            if takes_value.contains(&key.as_str()) {
                let v = match inline {
                    Some(v) => v,
                    None => it.next().cloned().ok_or_else(|| {
                        format!("gankit {command}: {key} needs a value (gankit --help)")
                    })?,
                };
                values.push((key, v));
            } else if flags.contains(&key.as_str()) && inline.is_none() {
                found.push(key);
            } else {
                return Err(format!(
                    "gankit {command}: unknown option {a:?} (gankit --help)"
                ));
            }
        }
        Ok(Args {
            command,
            values,
            flags: found,
        })
    }

    fn value(&self, key: &str) -> Option<&str> {
        self.values
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn required(&self, key: &str) -> Result<&str, String> {
        self.value(key)
            .ok_or_else(|| format!("gankit {}: {key} is required (gankit --help)", self.command))
    }

    fn number<T: std::str::FromStr>(&self, key: &str) -> Result<Option<T>, String> {
        match self.value(key) {
            None => Ok(None),
            Some(v) => v.parse().map(Some).map_err(|_| {
                format!(
                    "gankit {}: {key}: expected a whole number, got {v:?}",
                    self.command
                )
            }),
        }
    }

    fn flag(&self, key: &str) -> bool {
        self.flags.iter().any(|f| f == key)
    }

    /// The variant: a flag, else GANKIT_MODE, else full.
    fn mode(&self) -> Result<Mode, String> {
        let chosen: Vec<Mode> = [
            ("--full", Mode::Full),
            ("--quick", Mode::Quick),
            ("--smoke", Mode::Smoke),
        ]
        .into_iter()
        .filter(|(f, _)| self.flag(f))
        .map(|(_, m)| m)
        .collect();
        match chosen.as_slice() {
            [] => match std::env::var(gankit::notebook::MODE_VAR) {
                Ok(v) => v.parse::<Mode>().map_err(|e| e.to_string()),
                Err(_) => Ok(Mode::Full),
            },
            [m] => Ok(*m),
            _ => Err(format!(
                "gankit {}: choose one of --full, --quick, --smoke",
                self.command
            )),
        }
    }

    /// The experiment file in the chosen variant with the command-line overrides.
    fn experiment(&self) -> Result<Experiment, String> {
        let mut exp = Experiment::load(self.required("--config")?)
            .map_err(|e| e.to_string())?
            .try_variant(self.mode()?)
            .map_err(|e| e.to_string())?;
        for (_, v) in self.values.iter().filter(|(k, _)| k == "--set") {
            let (key, value) = v.split_once('=').ok_or_else(|| {
                format!(
                    "gankit {}: --set expects KEY=VALUE (e.g. train.lr=1e-4), got {v:?}",
                    self.command
                )
            })?;
            exp = exp
                .with_setting(key.trim(), value.trim(), &format!("--set {}", key.trim()))
                .map_err(|e| e.to_string())?;
        }
        if let Some(steps) = self.number::<usize>("--steps")? {
            if steps == 0 {
                return Err(format!(
                    "gankit {}: --steps must be at least 1",
                    self.command
                ));
            }
            exp = exp.with_steps(steps).map_err(|e| e.to_string())?;
        }
        if let Some(out) = self.value("--out") {
            exp = exp.with_out_dir(out).map_err(|e| e.to_string())?;
        }
        Ok(exp)
    }
}

fn run(args: &[String]) -> Result<(), String> {
    let Some(command) = args.first() else {
        return Err("gankit: no command (train, sample, eval, check; gankit --help)".into());
    };
    let variants = ["--quick", "--smoke", "--full"];
    match command.as_str() {
        "--help" | "-h" | "help" => {
            println!("{USAGE}");
            Ok(())
        }
        "train" => {
            let flags: Vec<&str> = variants.iter().copied().chain(["--resume"]).collect();
            let a = Args::parse(args, &["--config", "--steps", "--out", "--set"], &flags)?;
            let exp = a.experiment()?;
            exp.run(a.flag("--resume")).map_err(|e| e.to_string())?;
            Ok(())
        }
        "check" => {
            let a = Args::parse(args, &["--config", "--set", "--steps", "--out"], &variants)?;
            let exp = a.experiment()?;
            println!("{}", exp.summary());
            let (g, d) = exp.parameter_counts().map_err(|e| e.to_string())?;
            println!("networks: G {g} parameters, D {d} parameters");
            println!("ok");
            Ok(())
        }
        "sample" => {
            let a = Args::parse(args, &["--checkpoint", "--n", "--out", "--seed"], &[])?;
            let n = a.number::<usize>("--n")?.unwrap_or(64);
            let seed = a.number::<u64>("--seed")?.unwrap_or(0);
            let out = a.value("--out").map(PathBuf::from);
            let path = sample_checkpoint(a.required("--checkpoint")?, n, out.as_deref(), seed)
                .map_err(|e| e.to_string())?;
            println!("wrote {} ({n} samples)", path.display());
            Ok(())
        }
        "eval" => {
            let a = Args::parse(args, &["--checkpoint", "--n"], &[])?;
            let report = eval_checkpoint(a.required("--checkpoint")?, a.number::<usize>("--n")?)
                .map_err(|e| e.to_string())?;
            print!("{report}");
            Ok(())
        }
        other => Err(format!(
            "gankit: unknown command {other:?} (train, sample, eval, check; gankit --help)"
        )),
    }
}
