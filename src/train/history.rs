//! What happened at every step, for curves and CSV.
use crate::error::{Error, Result};
use crate::files::write_atomically;
use std::fmt;
use std::path::{Path, PathBuf};

/// One training step (values are batch means; `None` where that part did not run).
#[derive(Debug, Clone, PartialEq)]
pub struct StepRecord {
    /// 1-based step number.
    pub step: usize,
    /// D's loss (the last D update of the step), penalty included.
    pub d_loss: Option<f64>,
    /// G's loss (the last G update of the step).
    pub g_loss: Option<f64>,
    /// D(x) on real data (report 001's "score"), before D's update.
    pub d_real: Option<f64>,
    /// D(G(z)) when D was updated (before its update).
    pub d_fake_before: Option<f64>,
    /// D(G(z)) when G was updated (after D's update in a D-first step).
    pub d_fake_after: Option<f64>,
    /// E C(x_r) − E C(x_f): the Wasserstein estimate of a critic.
    pub wasserstein: Option<f64>,
    /// The penalty's value, when there is one.
    pub penalty: Option<f64>,
    /// L2 norm of D's gradient (all parameters) at its last update.
    pub d_grad_norm: Option<f64>,
    /// L2 norm of G's gradient at its last update.
    pub g_grad_norm: Option<f64>,
    /// Other named terms of the losses (CycleGAN's `cycle_a`, StarGAN's `d_cls`, …), in a
    /// fixed order per trainer; each becomes a CSV column.
    pub terms: Vec<(&'static str, f64)>,
    /// Wall time of the step in seconds.
    pub seconds: f64,
}

impl StepRecord {
    /// The value of a named extra term, if this step recorded it.
    pub fn term(&self, name: &str) -> Option<f64> {
        self.terms.iter().find(|(n, _)| *n == name).map(|&(_, v)| v)
    }
}

/// Every step of a run, and the named series recorded along the way.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    pub steps: Vec<StepRecord>,
    /// Quantities recorded now and then (by the loop's hooks: faces found, modes covered),
    /// by name, in the order first recorded.
    pub series: Vec<Series>,
}

/// One named quantity over training: (step, value) pairs in the order recorded.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    pub name: String,
    pub points: Vec<(usize, f64)>,
}

const COLUMNS: &str = "step,d_loss,g_loss,d_real,d_fake_before,d_fake_after,wasserstein,penalty,d_grad_norm,g_grad_norm,seconds";

impl History {
    /// Number of recorded steps.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// (step, value) pairs of one column, skipping steps where it did not run.
    pub fn series(&self, f: impl Fn(&StepRecord) -> Option<f64>) -> Vec<(f64, f64)> {
        self.steps
            .iter()
            .filter_map(|r| f(r).map(|v| (r.step as f64, v)))
            .collect()
    }

    /// (step, value) pairs of a named extra term (see [`StepRecord::terms`]).
    pub fn term(&self, name: &str) -> Vec<(f64, f64)> {
        self.series(|r| r.term(name))
    }

    /// The names of the extra terms, in the order they first appear.
    pub fn term_names(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = Vec::new();
        for (n, _) in self.steps.iter().flat_map(|r| &r.terms) {
            if !names.contains(n) {
                names.push(n);
            }
        }
        names
    }

    /// The CSV text (one line per step; empty cells where a part did not run).
    pub fn to_csv(&self) -> String {
        let cell = |v: Option<f64>| v.map(|x| format!("{x}")).unwrap_or_default();
        let names = self.term_names();
        let mut out = String::from(COLUMNS);
        for n in &names {
            out.push(',');
            out.push_str(n);
        }
        out.push('\n');
        for r in &self.steps {
            let cells = [
                r.d_loss,
                r.g_loss,
                r.d_real,
                r.d_fake_before,
                r.d_fake_after,
                r.wasserstein,
                r.penalty,
                r.d_grad_norm,
                r.g_grad_norm,
            ];
            out.push_str(&format!(
                "{},{},{}",
                r.step,
                cells.map(cell).join(","),
                r.seconds
            ));
            for n in &names {
                out.push(',');
                out.push_str(&cell(r.term(n)));
            }
            out.push('\n');
        }
        out
    }

    /// Reads what [`History::to_csv`] wrote (a checkpoint's `history.csv`); `path` names the
    /// file in errors, which give the line.
    pub fn from_csv(text: &str, path: &Path) -> Result<History> {
        let bad = |line: usize, msg: String| Error::data(path, Some(line), msg);
        let mut lines = text.lines();
        let header = lines.next().unwrap_or_default();
        let Some(rest) = header.strip_prefix(COLUMNS) else {
            return Err(bad(
                1,
                format!("expected the header to start with \"{COLUMNS}\""),
            ));
        };
        let names: Vec<&'static str> = rest.split(',').skip(1).map(intern).collect();
        let mut steps = Vec::new();
        for (i, line) in lines.enumerate() {
            let n = i + 2;
            let cells: Vec<&str> = line.split(',').collect();
            if cells.len() != 11 + names.len() {
                return Err(bad(
                    n,
                    format!("{} cells, the header has {}", cells.len(), 11 + names.len()),
                ));
            }
            let num = |j: usize| -> Result<Option<f64>> {
                match cells[j] {
                    "" => Ok(None),
                    c => c
                        .parse::<f64>()
                        .map(Some)
                        .map_err(|_| bad(n, format!("column {}: not a number: \"{c}\"", j + 1))),
                }
            };
            let step = cells[0]
                .parse::<usize>()
                .map_err(|_| bad(n, format!("step: not a whole number: \"{}\"", cells[0])))?;
            let mut terms = Vec::new();
            for (k, name) in names.iter().enumerate() {
                if let Some(v) = num(11 + k)? {
                    terms.push((*name, v));
                }
            }
            steps.push(StepRecord {
                step,
                d_loss: num(1)?,
                g_loss: num(2)?,
                d_real: num(3)?,
                d_fake_before: num(4)?,
                d_fake_after: num(5)?,
                wasserstein: num(6)?,
                penalty: num(7)?,
                d_grad_norm: num(8)?,
                g_grad_norm: num(9)?,
                terms,
                seconds: num(10)?.unwrap_or(0.0),
            });
        }
        Ok(History {
            steps,
            series: Vec::new(),
        })
    }

    /// Writes the CSV (atomically); returns the path.
    pub fn save_csv(&self, path: impl AsRef<Path>) -> Result<PathBuf> {
        write_atomically(path.as_ref(), self.to_csv().as_bytes())?;
        Ok(path.as_ref().to_path_buf())
    }
}

/// A term name read from a file, as the `&'static str` that [`StepRecord::terms`] holds
/// (each distinct name is allocated once).
fn intern(name: &str) -> &'static str {
    static NAMES: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());
    let mut names = NAMES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(n) = names.iter().find(|n| **n == name) {
        return n;
    }
    let leaked: &'static str = Box::leak(name.to_string().into_boxed_str());
    names.push(leaked);
    leaked
}

impl fmt::Display for StepRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "step {}", self.step)?;
        let mut put = |name: &str, v: Option<f64>| match v {
            Some(v) => write!(f, "  {name} {v:.4}"),
            None => Ok(()),
        };
        put("D", self.d_loss)?;
        put("G", self.g_loss)?;
        put("D(x)", self.d_real)?;
        put("D(G(z))", self.d_fake_before)?;
        put("W", self.wasserstein)?;
        put("penalty", self.penalty)?;
        for &(name, v) in &self.terms {
            put(name, Some(v))?;
        }
        Ok(())
    }
}

impl History {
    /// Records `value` of the series `name` at `step` (a value already recorded at that step
    /// is replaced).
    pub fn record(&mut self, name: &str, step: usize, value: f64) {
        let i = match self.series.iter().position(|s| s.name == name) {
            Some(i) => i,
            None => {
                self.series.push(Series {
                    name: name.to_string(),
                    points: Vec::new(),
                });
                self.series.len() - 1
            }
        };
        let points = &mut self.series[i].points;
        match points.iter_mut().find(|(s, _)| *s == step) {
            Some(p) => p.1 = value,
            None => points.push((step, value)),
        }
    }

    /// (step, value) pairs of the named series (empty when nothing was recorded under it).
    pub fn named(&self, name: &str) -> Vec<(f64, f64)> {
        self.series
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.points.iter().map(|&(k, v)| (k as f64, v)).collect())
            .unwrap_or_default()
    }

    /// The last recorded value of the named series.
    pub fn last(&self, name: &str) -> Option<f64> {
        self.named(name).last().map(|p| p.1)
    }

    /// The named series as CSV (`name,step,value`, one line per point).
    pub fn series_csv(&self) -> String {
        let mut out = String::from("name,step,value\n");
        for s in &self.series {
            for (step, v) in &s.points {
                out.push_str(&format!("{},{step},{v}\n", csv_field(&s.name)));
            }
        }
        out
    }

    /// Reads what [`History::series_csv`] wrote into this history's series; `path` names the
    /// file in errors, which give the line.
    pub fn read_series_csv(&mut self, text: &str, path: &Path) -> Result<()> {
        let bad = |line: usize, msg: String| Error::data(path, Some(line), msg);
        let mut lines = text.lines();
        if lines.next() != Some("name,step,value") {
            return Err(bad(1, "expected the header \"name,step,value\"".into()));
        }
        for (i, line) in lines.enumerate() {
            let n = i + 2;
            let (rest, value) = line
                .rsplit_once(',')
                .ok_or_else(|| bad(n, "expected name,step,value".into()))?;
            let (name, step) = rest
                .rsplit_once(',')
                .ok_or_else(|| bad(n, "expected name,step,value".into()))?;
            let step = step
                .parse::<usize>()
                .map_err(|_| bad(n, format!("step: not a whole number: \"{step}\"")))?;
            let value = value
                .parse::<f64>()
                .map_err(|_| bad(n, format!("value: not a number: \"{value}\"")))?;
            let name = name.trim_matches('"').replace("\"\"", "\"");
            self.record(&name, step, value);
        }
        Ok(())
    }
}

/// A CSV field, quoted when it holds a comma or a quote.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
