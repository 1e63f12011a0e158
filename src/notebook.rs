//! Settings a notebook reads in its first cell: how big to run, and where figures go.
use crate::error::{Error, Result};
use std::fmt;
use std::path::PathBuf;

/// The environment variable that selects the [`Mode`].
pub const MODE_VAR: &str = "GANKIT_MODE";
/// The environment variable that selects where figures are saved (see [`output_dir`]).
pub const OUT_VAR: &str = "GANKIT_OUT";

/// How big a notebook runs. One switch, read from `GANKIT_MODE`:
/// - `smoke`: the same code paths with a handful of steps (the notebook tests);
/// - `quick` (default): built-in data at 32×32 or 2-D, CPU, a few minutes on a laptop;
/// - `full`: the report's own settings, 64×64, GPU when present, real data when given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Smoke,
    Quick,
    Full,
}

impl Mode {
    /// Reads `GANKIT_MODE` (`smoke`, `quick` or `full`; unset means `quick`).
    ///
    /// # Panics
    /// On any other value, with a one-line message naming the variable and the choices.
    pub fn from_env() -> Mode {
        match Self::try_from_env() {
            Ok(mode) => mode,
            Err(e) => panic!("{e}"),
        }
    }

    /// Like [`Mode::from_env`], returning the error instead of panicking.
    pub fn try_from_env() -> Result<Mode> {
        match std::env::var(MODE_VAR) {
            Err(_) => Ok(Mode::Quick),
            Ok(v) => v.parse(),
        }
    }

    /// Picks the value for this mode: `mode.pick(5, 400, 10_000)` steps.
    pub fn pick<T>(self, smoke: T, quick: T, full: T) -> T {
        match self {
            Mode::Smoke => smoke,
            Mode::Quick => quick,
            Mode::Full => full,
        }
    }
}

impl std::str::FromStr for Mode {
    type Err = Error;
    fn from_str(s: &str) -> Result<Mode> {
        match s.trim().to_ascii_lowercase().as_str() {
            "smoke" => Ok(Mode::Smoke),
            "quick" | "" => Ok(Mode::Quick),
            "full" => Ok(Mode::Full),
            other => Err(Error::setting(
                MODE_VAR,
                format!("{other:?} is not a mode; use smoke, quick or full"),
            )),
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Mode::Smoke => "smoke (a handful of steps: the notebook tests)",
            Mode::Quick => "quick (built-in data, small, CPU-friendly)",
            Mode::Full => "full (the report's settings; GPU when present)",
        })
    }
}

/// The folder where a notebook saves its figures, created if needed:
/// `$GANKIT_OUT/<name>` when `GANKIT_OUT` is set, else `target/figures/<name>` in the gankit
/// checkout. Never inside notebooks/ or a data folder.
pub fn output_dir(name: &str) -> Result<PathBuf> {
    let root = match std::env::var_os(OUT_VAR) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/figures"),
    };
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    Ok(dir)
}
