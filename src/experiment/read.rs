use super::*;

// ------------------------------------------------------------------------- reading the tables

/// Names keys in errors: the file, and the key as the user wrote it (`quick.train.lr`).
pub(super) struct Ctx<'a> {
    file: &'a str,
    origins: &'a BTreeMap<String, String>,
}

impl Ctx<'_> {
    pub(super) fn label(&self, path: &str) -> String {
        self.origins
            .get(path)
            .cloned()
            .unwrap_or_else(|| path.to_string())
    }

    pub(super) fn err(&self, path: &str, msg: impl Into<String>) -> Error {
        Error::setting(format!("{}: {}", self.file, self.label(path)), msg)
    }
}

/// One table of the file, read key by key with typed getters.
pub(super) struct Sec<'a> {
    ctx: &'a Ctx<'a>,
    path: String,
    t: Option<&'a Table>,
}

impl<'a> Sec<'a> {
    /// The table at `path` (absent: every key takes its default); keys outside `known` are
    /// errors.
    pub(super) fn new(
        ctx: &'a Ctx<'a>,
        path: &str,
        t: Option<&'a Table>,
        known: &[&str],
    ) -> Result<Self> {
        let sec = Sec {
            ctx,
            path: path.to_string(),
            t,
        };
        if let Some(t) = t {
            for k in t.keys() {
                if !known.contains(&k.as_str()) {
                    let hint = match closest(k, known) {
                        Some(c) => format!(" (did you mean \"{c}\"?)"),
                        None => format!(" (known: {})", known.join(", ")),
                    };
                    return Err(sec.err(k, format!("unknown key{hint}")));
                }
            }
        }
        Ok(sec)
    }

    pub(super) fn key(&self, k: &str) -> String {
        if self.path.is_empty() {
            k.to_string()
        } else {
            format!("{}.{k}", self.path)
        }
    }

    pub(super) fn err(&self, k: &str, msg: impl Into<String>) -> Error {
        self.ctx.err(&self.key(k), msg)
    }

    pub(super) fn get(&self, k: &str) -> Option<&'a Value> {
        self.t.and_then(|t| t.get(k))
    }

    pub(super) fn has(&self, k: &str) -> bool {
        self.get(k).is_some()
    }

    pub(super) fn wrong(&self, k: &str, want: &str, v: &Value) -> Error {
        self.err(
            k,
            format!(
                "expected {want}, got {} {}",
                article(v.type_str()),
                short(v)
            ),
        )
    }

    pub(super) fn num(&self, k: &str) -> Result<Option<f64>> {
        match self.get(k) {
            None => Ok(None),
            Some(Value::Float(f)) if f.is_finite() => Ok(Some(*f)),
            Some(Value::Float(f)) => Err(self.err(k, format!("must be a finite number, got {f}"))),
            Some(Value::Integer(i)) => Ok(Some(*i as f64)),
            Some(v) => Err(self.wrong(k, "a number", v)),
        }
    }

    pub(super) fn int(&self, k: &str) -> Result<Option<i64>> {
        match self.get(k) {
            None => Ok(None),
            Some(Value::Integer(i)) => Ok(Some(*i)),
            Some(Value::Float(f)) => Err(self.err(k, format!("must be a whole number, got {f}"))),
            Some(v) => Err(self.wrong(k, "a whole number", v)),
        }
    }

    /// A whole number ≥ `min`.
    pub(super) fn count(&self, k: &str, min: i64) -> Result<Option<usize>> {
        match self.int(k)? {
            Some(i) if i < min => Err(self.err(k, format!("must be at least {min}, got {i}"))),
            other => Ok(other.map(|i| i as usize)),
        }
    }

    pub(super) fn flag(&self, k: &str) -> Result<Option<bool>> {
        match self.get(k) {
            None => Ok(None),
            Some(Value::Boolean(b)) => Ok(Some(*b)),
            Some(v) => Err(self.wrong(k, "true or false", v)),
        }
    }

    pub(super) fn text(&self, k: &str) -> Result<Option<&'a str>> {
        match self.get(k) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(v) => Err(self.wrong(k, "a string", v)),
        }
    }

    fn choice<T: Choice>(&self, k: &str) -> Result<Option<T>> {
        match self.text(k)? {
            None => Ok(None),
            Some(s) => T::parse(s).map(Some).ok_or_else(|| {
                self.err(
                    k,
                    format!("unknown {} {s:?} (known: {})", T::WHAT, T::known()),
                )
            }),
        }
    }

    pub(super) fn list(&self, k: &str, want: &str) -> Result<Option<&'a Vec<Value>>> {
        match self.get(k) {
            None => Ok(None),
            Some(Value::Array(a)) => Ok(Some(a)),
            Some(v) => Err(self.wrong(k, want, v)),
        }
    }

    pub(super) fn pair(&self, k: &str) -> Result<Option<(f64, f64)>> {
        let Some(a) = self.list(k, "two numbers [a, b]")? else {
            return Ok(None);
        };
        let nums: Vec<f64> = a
            .iter()
            .filter_map(|v| v.as_float().or(v.as_integer().map(|i| i as f64)))
            .collect();
        if a.len() != 2 || nums.len() != 2 || nums.iter().any(|x| !x.is_finite()) {
            return Err(self.err(
                k,
                format!(
                    "expected two numbers [a, b], got {}",
                    short(&Value::Array(a.clone()))
                ),
            ));
        }
        Ok(Some((nums[0], nums[1])))
    }

    pub(super) fn ints(&self, k: &str) -> Result<Option<Vec<i64>>> {
        let Some(a) = self.list(k, "a list of whole numbers")? else {
            return Ok(None);
        };
        a.iter()
            .map(|v| {
                v.as_integer().ok_or_else(|| {
                    self.err(
                        k,
                        format!(
                            "expected a list of whole numbers, got {}",
                            short(&Value::Array(a.clone()))
                        ),
                    )
                })
            })
            .collect::<Result<_>>()
            .map(Some)
    }

    pub(super) fn strings(&self, k: &str) -> Result<Option<Vec<String>>> {
        let Some(a) = self.list(k, "a list of strings")? else {
            return Ok(None);
        };
        a.iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| self.err(k, "expected a list of strings"))
            })
            .collect::<Result<_>>()
            .map(Some)
    }

    /// The sub-table `k` (absent: an empty one).
    pub(super) fn sub(&self, k: &str, known: &[&str]) -> Result<Sec<'a>> {
        match self.get(k) {
            None => Sec::new(self.ctx, &self.key(k), None, known),
            Some(Value::Table(t)) => Sec::new(self.ctx, &self.key(k), Some(t), known),
            Some(v) => Err(self.wrong(k, "a table", v)),
        }
    }

    /// Errors when `k` is set where it does not apply.
    pub(super) fn forbid(&self, k: &str, why: impl FnOnce() -> String) -> Result<()> {
        if self.has(k) {
            Err(self.err(k, why()))
        } else {
            Ok(())
        }
    }
}

pub(super) fn article(type_str: &str) -> String {
    match type_str.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => format!("an {type_str}"),
        _ => format!("a {type_str}"),
    }
}

/// A value as TOML writes it, cut short.
pub(super) fn short(v: &Value) -> String {
    let s = match v {
        Value::String(s) => format!("{s:?}"),
        Value::Table(_) => "{…}".to_string(),
        other => other.to_string(),
    };
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s
    }
}

/// The known key nearest to a typo (edit distance ≤ 2).
pub(super) fn closest<'k>(typo: &str, known: &[&'k str]) -> Option<&'k str> {
    let dist = |a: &str, b: &str| {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        let mut row: Vec<usize> = (0..=b.len()).collect();
        for i in 1..=a.len() {
            let mut prev = row[0];
            row[0] = i;
            for j in 1..=b.len() {
                let cur = row[j];
                row[j] = (row[j] + 1)
                    .min(row[j - 1] + 1)
                    .min(prev + usize::from(a[i - 1] != b[j - 1]));
                prev = cur;
            }
        }
        row[b.len()]
    };
    known
        .iter()
        .map(|k| (dist(typo, k), *k))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

// ------------------------------------------------------------------- variants and overrides

pub(super) const TOP_KEYS: &[&str] = &[
    "name",
    "description",
    "data",
    "model",
    "train",
    "output",
    "quick",
    "smoke",
];
pub(super) const SECTIONS: &[&str] = &["data", "model", "train", "output"];
pub(super) const DATA_KEYS: &[&str] = &[
    "source",
    "path",
    "format",
    "size",
    "n",
    "labels",
    "hair",
    "attributes",
    "seed",
    "cache",
];
pub(super) const MODEL_KEYS: &[&str] = &[
    "family",
    "ngf",
    "ndf",
    "dim",
    "sigmoid",
    "critic",
    "dropout",
    "spectral_norm",
    "hidden",
    "n_classes",
    "n_blocks",
    "norm",
    "d_layers",
    "conv_dim",
    "g_repeat",
    "d_repeat",
];
pub(super) const OPT_KEYS: &[&str] = &[
    "optimizer",
    "lr",
    "betas",
    "eps",
    "weight_decay",
    "momentum",
    "alpha",
];
pub(super) const TRAIN_KEYS: &[&str] = &[
    "loss",
    "d_output",
    "optimizer",
    "lr",
    "betas",
    "eps",
    "weight_decay",
    "momentum",
    "alpha",
    "g",
    "d",
    "d_steps",
    "g_steps",
    "g_every",
    "warmup_steps",
    "lr_decay",
    "warmup_epochs",
    "order",
    "penalty",
    "penalty_weight",
    "clip",
    "labels",
    "real_label",
    "real_range",
    "fake_range",
    "real_weight",
    "fake_weight",
    "ratio",
    "batch_size",
    "steps",
    "epochs",
    "seed",
    "z_dim",
    "fixed_samples",
    "lambda_cycle",
    "lambda_identity",
    "pool_size",
    "lambda_cls",
    "lambda_rec",
];
pub(super) const OUTPUT_KEYS: &[&str] = &["dir", "print_every", "grid_every", "checkpoint_every"];

/// Keys of which setting one removes the others (a quick table's `steps` replaces `epochs`).
pub(super) const EXCLUSIVE: &[&[&str]] = &[
    &["train.steps", "train.epochs"],
    &["train.warmup_steps", "train.warmup_epochs"],
    &["train.ratio", "train.real_weight"],
    &["train.ratio", "train.fake_weight"],
];

/// Sets `path` (dotted) in `t`, creating tables on the way and removing keys it excludes.
pub(super) fn set_path(t: &mut Table, path: &str, value: Value) -> std::result::Result<(), String> {
    for group in EXCLUSIVE {
        if group.contains(&path) {
            for other in group.iter().filter(|o| **o != path) {
                remove_path(t, other);
            }
        }
    }
    let mut parts: Vec<&str> = path.split('.').collect();
    let last = parts.pop().unwrap_or_default();
    let mut cur = t;
    for (i, p) in parts.iter().enumerate() {
        let entry = cur
            .entry(p.to_string())
            .or_insert_with(|| Value::Table(Table::new()));
        cur = match entry {
            Value::Table(t) => t,
            _ => return Err(format!("{} is not a table", parts[..=i].join("."))),
        };
    }
    cur.insert(last.to_string(), value);
    Ok(())
}

pub(super) fn remove_path(t: &mut Table, path: &str) {
    match path.split_once('.') {
        None => {
            t.remove(path);
        }
        Some((head, rest)) => {
            if let Some(Value::Table(sub)) = t.get_mut(head) {
                remove_path(sub, rest);
            }
        }
    }
}

pub(super) fn get_path<'t>(t: &'t Table, path: &str) -> Option<&'t Value> {
    match path.split_once('.') {
        None => t.get(path),
        Some((head, rest)) => match t.get(head) {
            Some(Value::Table(sub)) => get_path(sub, rest),
            _ => None,
        },
    }
}

/// Every leaf of `v` as (dotted path, value).
pub(super) fn leaves(prefix: &str, v: &Value, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Table(t) => {
            for (k, v) in t {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                leaves(&p, v, out);
            }
        }
        other => out.push((prefix.to_string(), other.clone())),
    }
}

/// Lays the overlay table `over` (the file's `[quick]` or `[smoke]`, named `label`) over `base`.
pub(super) fn overlay(
    ctx_file: &str,
    base: &mut Table,
    over: &Value,
    label: &str,
    origins: &mut BTreeMap<String, String>,
) -> Result<()> {
    let Value::Table(over) = over else {
        return Err(Error::setting(
            format!("{ctx_file}: {label}"),
            format!("expected a table, got {}", article(over.type_str())),
        ));
    };
    for (k, v) in over {
        if !SECTIONS.contains(&k.as_str()) {
            let hint = closest(k, SECTIONS)
                .map(|c| format!(" (did you mean \"{c}\"?)"))
                .unwrap_or_else(|| format!(" (known: {})", SECTIONS.join(", ")));
            return Err(Error::setting(
                format!("{ctx_file}: {label}.{k}"),
                format!("unknown key{hint}"),
            ));
        }
        if !v.is_table() {
            return Err(Error::setting(
                format!("{ctx_file}: {label}.{k}"),
                format!("expected a table, got {}", article(v.type_str())),
            ));
        }
        let mut items = Vec::new();
        leaves(k, v, &mut items);
        for (path, value) in items {
            set_path(base, &path, value)
                .map_err(|m| Error::setting(format!("{ctx_file}: {label}.{path}"), m))?;
            origins.insert(path.clone(), format!("{label}.{path}"));
        }
    }
    Ok(())
}

/// The settings smoke mode imposes (a handful of steps on a few hundred samples) unless the
/// file's `[smoke]` table sets them.
pub(super) fn smoke_defaults(
    t: &mut Table,
    origins: &mut BTreeMap<String, String>,
    smoke: Option<&Value>,
) {
    let set_by_file = |p: &str| {
        smoke
            .and_then(|s| s.as_table())
            .is_some_and(|s| get_path(s, p).is_some())
    };
    let mut put = |t: &mut Table, path: &str, v: Value| {
        let _ = set_path(t, path, v);
        origins.insert(path.to_string(), format!("{path} (smoke mode)"));
    };
    if !set_by_file("train.steps") && !set_by_file("train.epochs") {
        put(t, "train.steps", Value::Integer(4));
    }
    let batch = get_path(t, "train.batch_size")
        .and_then(Value::as_integer)
        .unwrap_or(64)
        .max(1);
    let n = get_path(t, "data.n")
        .and_then(Value::as_integer)
        .unwrap_or(10_000);
    let has_path = get_path(t, "data.path").is_some();
    if !set_by_file("data.n") && !has_path && n > 256.max(batch) {
        put(t, "data.n", Value::Integer(256.max(batch)));
    }
    for (key, v) in [
        ("output.print_every", 1),
        ("output.grid_every", 2),
        ("output.checkpoint_every", 2),
    ] {
        if !set_by_file(key) {
            put(t, key, Value::Integer(v));
        }
    }
}

/// A TOML syntax error as one line, keeping the toml crate's line and column.
pub(super) fn syntax_error(file: &str, e: &toml::de::Error) -> Error {
    let head = e
        .to_string()
        .lines()
        .next()
        .unwrap_or("TOML parse error")
        .trim()
        .to_string();
    let msg = e.message().replace('\n', "; ");
    Error::setting(file, format!("{head}: {}", msg.trim()))
}

/// A command-line value: TOML (`2e-4`, `[0.5, 0.9]`, `"x"`, `true`), else the text itself.
pub(super) fn parse_value(text: &str) -> Value {
    match format!("v = {text}").parse::<Table>() {
        Ok(mut t) => t.remove("v").unwrap_or(Value::String(text.to_string())),
        Err(_) => Value::String(text.to_string()),
    }
}

// -------------------------------------------------------------------------------- Experiment

impl Experiment {
    /// Reads an experiment file, full variant (the report's settings). Every variant the file
    /// has (quick, smoke) is checked too, so `.quick()` cannot fail later.
    pub fn load(path: impl AsRef<Path>) -> Result<Experiment> {
        let path = path.as_ref();
        let label = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::setting(&label, format!("cannot read the experiment file: {e}")))?;
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("experiment")
            .to_string();
        Self::from_text(&text, &label, &stem, true)
    }

    /// [`Experiment::load`] in the variant `GANKIT_MODE` asks for (unset: quick, as the
    /// notebooks run).
    pub fn load_for_mode(path: impl AsRef<Path>) -> Result<Experiment> {
        let mode = Mode::try_from_env()?;
        Self::load(path)?.try_variant(mode)
    }

    /// Parses experiment TOML text; `label` names it in errors, `name` is the default run name.
    pub fn from_str_named(text: &str, label: &str, name: &str) -> Result<Experiment> {
        Self::from_text(text, label, name, true)
    }

    pub(super) fn from_text(
        text: &str,
        label: &str,
        name: &str,
        check_paths: bool,
    ) -> Result<Experiment> {
        let mut raw: Table = text.parse().map_err(|e| syntax_error(label, &e))?;
        if !raw.contains_key("name") {
            raw.insert("name".into(), Value::String(name.to_string()));
        }
        let source = Arc::new(Source {
            label: label.to_string(),
            raw,
            check_paths,
        });
        let full = Self::resolve(&source, Mode::Full, &[])?;
        for mode in [Mode::Quick, Mode::Smoke] {
            Self::resolve(&source, mode, &[])?;
        }
        Ok(full)
    }

    /// The quick variant: the file's `[quick]` table over its settings (CPU, a minute or two).
    pub fn quick(self) -> Experiment {
        self.variant(Mode::Quick)
    }

    /// The smoke variant: quick, then a handful of steps on a few hundred samples (tests).
    pub fn smoke(self) -> Experiment {
        self.variant(Mode::Smoke)
    }

    /// The variant for `mode` (full: the file as written). Panics only if the file's folder
    /// for `data.path` disappeared since it was loaded (every variant was checked then).
    pub fn variant(self, mode: Mode) -> Experiment {
        self.try_variant(mode).unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`Experiment::variant`], returning the error instead.
    pub fn try_variant(self, mode: Mode) -> Result<Experiment> {
        Self::resolve(&self.source, mode, &self.overrides)
    }

    /// The same experiment with `key` (dotted, e.g. `train.lr`) set to `value` (TOML text:
    /// `2e-4`, `"wgan"`, `[0.5, 0.9]`; bare words are strings). `label` names the setting in
    /// errors (e.g. `--set train.lr`).
    pub fn with_setting(self, key: &str, value: &str, label: &str) -> Result<Experiment> {
        self.with_value(key, parse_value(value), label)
    }

    pub(super) fn with_value(self, key: &str, value: Value, label: &str) -> Result<Experiment> {
        let mut overrides = self.overrides.clone();
        overrides.retain(|o| o.path != key);
        overrides.push(Override {
            path: key.to_string(),
            value,
            label: label.to_string(),
        });
        Self::resolve(&self.source, self.mode, &overrides)
    }

    /// The same experiment trained for `steps` steps in all (replacing `steps` or `epochs`).
    pub fn with_steps(self, steps: usize) -> Result<Experiment> {
        self.with_value("train.steps", Value::Integer(steps as i64), "--steps")
    }

    /// The same experiment writing into `dir`.
    pub fn with_out_dir(self, dir: impl AsRef<Path>) -> Result<Experiment> {
        self.with_value(
            "output.dir",
            Value::String(dir.as_ref().display().to_string()),
            "--out",
        )
    }

    /// The settings this variant runs with, as TOML (what train stores in checkpoints and in
    /// `experiment.toml`; no `[quick]` table: it is already applied).
    pub fn to_toml(&self) -> String {
        self.effective.to_string()
    }

    /// Builds the effective table of a variant and reads it.
    pub(super) fn resolve(
        source: &Arc<Source>,
        mode: Mode,
        overrides: &[Override],
    ) -> Result<Experiment> {
        let file = source.label.as_str();
        let mut origins = BTreeMap::new();
        for k in source.raw.keys() {
            if !TOP_KEYS.contains(&k.as_str()) {
                let hint = closest(k, TOP_KEYS)
                    .map(|c| format!(" (did you mean \"{c}\"?)"))
                    .unwrap_or_else(|| format!(" (known: {})", TOP_KEYS.join(", ")));
                return Err(Error::setting(
                    format!("{file}: {k}"),
                    format!("unknown key{hint}"),
                ));
            }
        }
        let mut t = source.raw.clone();
        t.remove("quick");
        t.remove("smoke");
        if matches!(mode, Mode::Quick | Mode::Smoke) {
            if let Some(q) = source.raw.get("quick") {
                overlay(file, &mut t, q, "quick", &mut origins)?;
            }
        }
        if mode == Mode::Smoke {
            let s = source.raw.get("smoke");
            if let Some(s) = s {
                overlay(file, &mut t, s, "smoke", &mut origins)?;
            }
            smoke_defaults(&mut t, &mut origins, s);
        }
        for o in overrides {
            set_path(&mut t, &o.path, o.value.clone())
                .map_err(|m| Error::setting(format!("{file}: {}", o.label), m))?;
            origins.insert(o.path.clone(), o.label.clone());
        }
        let ctx = Ctx {
            file,
            origins: &origins,
        };
        read(&ctx, &t, mode, source.check_paths).map(|p| Experiment {
            name: p.name,
            description: p.description,
            mode,
            data: p.data,
            model: p.model,
            train: p.train,
            length: p.length,
            warmup: p.warmup,
            lr_decay: p.lr_decay,
            output: p.output,
            translation: p.translation,
            source: source.clone(),
            overrides: overrides.to_vec(),
            effective: t,
        })
    }
}

/// What [`read`] makes of the effective table.
pub(super) struct Parts {
    name: String,
    description: Option<String>,
    data: DataSpec,
    model: ModelSpec,
    train: TrainConfig,
    length: Length,
    warmup: Option<Length>,
    lr_decay: Option<f64>,
    output: OutputSpec,
    translation: Option<Translation>,
}

/// Errors when `sec.k` is set for a family outside `families`.
pub(super) fn only_for(sec: &Sec, k: &str, family: Family, families: &[Family]) -> Result<()> {
    if sec.has(k) && !families.contains(&family) {
        let names: Vec<&str> = families.iter().map(|f| f.name()).collect();
        let extra = match (k, family) {
            ("sigmoid", Family::Baseline) => "; the baseline D ends in a Sigmoid, set critic = true for report 000's WGAN-GP critic",
            ("sigmoid", Family::Cwgan) => "; report 003's critic has none",
            ("sigmoid", Family::StarGan) => "; StarGAN's D outputs raw scores",
            _ => "",
        };
        return Err(sec.err(
            k,
            format!(
                "does not apply to family {family} (only to {}){extra}",
                names.join(", ")
            ),
        ));
    }
    Ok(())
}

/// Reads the effective table into the typed parts, checking every value.
pub(super) fn read(ctx: &Ctx, t: &Table, mode: Mode, check_paths: bool) -> Result<Parts> {
    use Family::*;
    let top = Sec::new(ctx, "", Some(t), TOP_KEYS)?;
    let name = top.text("name")?.unwrap_or("experiment").to_string();
    if name.is_empty() || name.contains(['/', '\\']) {
        return Err(top.err("name", format!("must be a plain file name, got {name:?}")));
    }
    let description = top.text("description")?.map(str::to_string);
    let data = top.sub("data", DATA_KEYS)?;
    let model = top.sub("model", MODEL_KEYS)?;
    let train = top.sub("train", TRAIN_KEYS)?;
    let output = top.sub("output", OUTPUT_KEYS)?;

    // -- the model family and the loss decide the defaults of the rest
    let family: Family = model
        .choice("family")?
        .ok_or_else(|| model.err("family", format!("missing (one of: {})", Family::known())))?;
    let gans: &[Family] = &[Baseline, Dcgan, Selu, TextToImage, Cwgan, Cgan, Mlp];
    let loss_name: LossChoice = train.choice("loss")?.unwrap_or(LossChoice(match family {
        CycleGan => Loss::Lsgan,
        StarGan => Loss::Wgan,
        _ => Loss::BCE,
    }));

    // -- data
    let source: DataSource = data.choice("source")?.unwrap_or(if family == CycleGan {
        DataSource::Maps
    } else {
        DataSource::Faces
    });
    if source.is_2d() != (family == Mlp) {
        return Err(if source.is_2d() {
            data.err(
                "source",
                format!("{source} is 2-D data: model.family must be mlp, got {family}"),
            )
        } else {
            model.err(
                "family",
                format!(
                    "mlp is for 2-D data (ring8, grid25, swiss_roll), but data.source is {source}"
                ),
            )
        });
    }
    if (source == DataSource::Maps) != (family == CycleGan) {
        return Err(if family == CycleGan {
            data.err("source", format!("cyclegan translates between two domains: data.source must be maps (or a CycleGAN folder at data.path), got {source}"))
        } else {
            data.err(
                "source",
                format!(
                    "maps are map ↔ aerial pairs for model.family = \"cyclegan\", not {family}"
                ),
            )
        });
    }
    if family == StarGan && source != DataSource::Faces {
        return Err(data.err(
            "source",
            format!("stargan edits faces (built in, or CelebA at data.path), not {source}"),
        ));
    }
    let path = data.text("path")?.map(PathBuf::from);
    if let Some(p) = &path {
        if source.is_2d() {
            return Err(data.err(
                "path",
                format!("{source} is built in; real formats exist for faces, objects and maps"),
            ));
        }
        if check_paths {
            if !p.exists() {
                return Err(data.err("path", format!("{}: no such folder", p.display())));
            }
            if !p.is_dir() {
                return Err(data.err("path", format!("{}: not a folder", p.display())));
            }
        }
    }
    let format: Option<DataFormat> = data.choice("format")?;
    if format.is_some() && path.is_none() {
        return Err(data.err(
            "format",
            "applies to data.path (the built-in data has no format)",
        ));
    }
    let format = match (&path, format) {
        (None, _) => None,
        (Some(_), Some(f)) => Some(f),
        (Some(p), None) => Some(match source {
            DataSource::Objects => DataFormat::Iclevr,
            DataSource::Maps => DataFormat::CycleGan,
            _ if family == StarGan => DataFormat::Celeba,
            _ if p.join("tags.csv").is_file() => DataFormat::TaggedFaces,
            _ if p.join("list_attr_celeba.txt").is_file() => DataFormat::Celeba,
            _ => DataFormat::ImageFolder,
        }),
    };
    let wanted_format = match source {
        DataSource::Objects => Some(DataFormat::Iclevr),
        DataSource::Maps => Some(DataFormat::CycleGan),
        _ if family == StarGan => Some(DataFormat::Celeba),
        _ => None,
    };
    match (format, wanted_format) {
        (Some(f), Some(w)) if f != w => {
            return Err(data.err(
                "format",
                format!("{source} for {family} are read from a {w} folder, not {f}"),
            ))
        }
        (Some(f @ (DataFormat::Iclevr | DataFormat::CycleGan)), None) => {
            return Err(data.err("format", format!("{f} does not hold {source}")))
        }
        _ => {}
    }
    let size = match data.count("size", 1)? {
        Some(_) if source.is_2d() => return Err(data.err("size", "2-D data has no image size")),
        Some(s) if s < 8 || !s.is_power_of_two() => {
            return Err(data.err(
                "size",
                format!(
                    "must be a power of two from 8 (64 in the reports, 32 for quick runs), got {s}"
                ),
            ))
        }
        Some(s) => s,
        None => 64,
    };
    let n = data.count("n", 1)?;
    let n = if path.is_some() {
        n
    } else {
        Some(n.unwrap_or(10_000))
    };
    let labels_given: Option<LabelChoice> = data.choice("labels")?;
    if labels_given.is_some() && (source != DataSource::Faces || family == StarGan) {
        let why = match source {
            _ if family == StarGan => {
                "stargan's labels are data.hair and data.attributes".to_string()
            }
            s if s.is_2d() => format!("{s} is unlabelled here"),
            DataSource::Objects => "objects always carry their 24 class labels".to_string(),
            s => format!("{s} have no labels"),
        };
        return Err(data.err("labels", format!("applies to faces ({why})")));
    }
    let default_labels = match (format, family) {
        (Some(DataFormat::Celeba), _) => FaceLabels::Attributes,
        (_, TextToImage) => FaceLabels::HairEye,
        (_, Cwgan | Cgan) => FaceLabels::Tags,
        _ => FaceLabels::None,
    };
    let face_labels = if source == DataSource::Faces && family != StarGan {
        labels_given.map_or(default_labels, |l| l.0)
    } else {
        FaceLabels::None
    };
    if source == DataSource::Faces && family != StarGan {
        match (format, face_labels) {
            (Some(DataFormat::ImageFolder), l) if l != FaceLabels::None => {
                return Err(data.err("labels", format!("an image folder has no labels; use a tags.csv folder (format = \"tagged_faces\") for {}", LabelChoice(l))))
            }
            (Some(DataFormat::TaggedFaces), FaceLabels::Attributes) => return Err(data.err("labels", "tags.csv has hair and eye colours, not attributes (use hair_eye or tags)")),
            (Some(DataFormat::Celeba), l) if l != FaceLabels::Attributes => return Err(data.err("labels", "CelebA folders give attributes (labels = \"attributes\")")),
            _ => {}
        }
        if family.is_conditional() && face_labels == FaceLabels::None {
            return Err(data.err(
                "labels",
                format!("model.family {family} is conditional: give hair_eye, tags or attributes"),
            ));
        }
    }
    // StarGAN's domains: a hair-colour group and binary attributes (built in), or CelebA columns
    let star_builtin = family == StarGan && path.is_none();
    let hair = data.strings("hair")?;
    if hair.is_some() && family != StarGan {
        return Err(data.err(
            "hair",
            "applies to family stargan (its hair-colour domains)",
        ));
    }
    let attributes = data.strings("attributes")?;
    if attributes.is_some() && format != Some(DataFormat::Celeba) && family != StarGan {
        return Err(data.err(
            "attributes",
            "applies to CelebA folders (data.format = \"celeba\") and to family stargan",
        ));
    }
    let (hair, attributes) = if family == StarGan {
        // one hair-colour group, then binary attributes; on CelebA the names are its columns
        // or the built-in names of them (black → Black_Hair, glasses → Eyeglasses, …)
        let hair = hair.unwrap_or_else(|| ["black", "blonde", "brown"].map(String::from).to_vec());
        let default_attributes = if star_builtin {
            ["glasses", "smile"]
        } else {
            ["Male", "Young"]
        };
        let attributes =
            attributes.unwrap_or_else(|| default_attributes.map(String::from).to_vec());
        if star_builtin {
            for h in &hair {
                if !HAIR_COLORS.contains(&h.as_str()) {
                    return Err(data.err(
                        "hair",
                        format!(
                            "unknown hair colour {h:?} (known: {})",
                            HAIR_COLORS.join(", ")
                        ),
                    ));
                }
            }
            for a in &attributes {
                if !ATTRIBUTES.contains(&a.as_str()) {
                    return Err(data.err(
                        "attributes",
                        format!(
                            "unknown attribute {a:?} (the built-in faces have: {})",
                            ATTRIBUTES.join(", ")
                        ),
                    ));
                }
            }
        }
        if hair.len() + attributes.len() == 0 {
            return Err(data.err(
                "attributes",
                "stargan needs at least one domain (data.hair or data.attributes)",
            ));
        }
        (hair, attributes)
    } else {
        (Vec::new(), attributes.unwrap_or_default())
    };
    let cache = data.flag("cache")?;
    if cache.is_some() && path.is_none() {
        return Err(data.err(
            "cache",
            "applies to data.path (the built-in data is generated, not cached)",
        ));
    }
    let seed = data.count("seed", 0)?.unwrap_or(0) as u64;
    // the label width the data will have
    let width: Option<i64> = match (source, format) {
        _ if family == StarGan => Some((hair.len() + attributes.len()) as i64),
        (DataSource::Objects, _) => Some(
            model
                .int("n_classes")?
                .unwrap_or(objects_data::N_CLASSES as i64),
        ),
        (_, Some(DataFormat::Celeba)) => Some(if attributes.is_empty() {
            40
        } else {
            attributes.len() as i64
        }),
        _ => match face_labels {
            FaceLabels::None => None,
            FaceLabels::HairEye => Some(crate::data::faces::N_COMBINATIONS as i64),
            FaceLabels::Tags => Some(23),
            FaceLabels::Attributes => Some(3),
        },
    };

    // -- model
    let applies: &[(&str, &[Family])] = &[
        ("ngf", &[Dcgan, Selu, TextToImage, Cwgan, Cgan, CycleGan]),
        ("ndf", &[Dcgan, Selu, TextToImage, Cwgan, Cgan, CycleGan]),
        ("dim", &[Baseline]),
        ("critic", &[Baseline]),
        ("sigmoid", &[Dcgan, Selu, TextToImage, Cgan, Mlp, CycleGan]),
        ("dropout", &[Dcgan, CycleGan]),
        ("spectral_norm", &[Dcgan]),
        ("hidden", &[Mlp]),
        ("n_classes", &[TextToImage, Cwgan, Cgan]),
        ("n_blocks", &[CycleGan]),
        ("norm", &[CycleGan]),
        ("d_layers", &[CycleGan]),
        ("conv_dim", &[StarGan]),
        ("g_repeat", &[StarGan]),
        ("d_repeat", &[StarGan]),
    ];
    for (k, fams) in applies {
        only_for(&model, k, family, fams)?;
    }
    let width_key = |k: &str| -> Result<i64> {
        match model.int(k)? {
            Some(w) if w < 1 => Err(model.err(k, format!("must be at least 1, got {w}"))),
            Some(w) => Ok(w),
            None => Ok(64),
        }
    };
    let (ngf, ndf) = match family {
        Baseline => (width_key("dim")?, width_key("dim")?),
        StarGan => (width_key("conv_dim")?, width_key("conv_dim")?),
        _ => (width_key("ngf")?, width_key("ndf")?),
    };
    let d_output_given: Option<DOutputChoice> = train.choice("d_output")?;
    if d_output_given.is_some() && !loss_name.0.is_bce() {
        return Err(train.err("d_output", format!("applies to the BCE losses (bce, nonsaturating, minimax); {loss_name} reads D's output as it is")));
    }
    let spectral_norm = model.flag("spectral_norm")?.unwrap_or(false);
    let critic = model.flag("critic")?;
    let sigmoid_given = model.flag("sigmoid")?;
    let default_sigmoid =
        d_output_given.map_or(loss_name.0.is_bce(), |o| o.0 == DOutput::Probability);
    let sigmoid = match family {
        Baseline => !critic.unwrap_or(!default_sigmoid),
        Cwgan | StarGan => false,
        Dcgan if spectral_norm => {
            if sigmoid_given == Some(true) {
                return Err(model.err("sigmoid", "SNGAN's spectrally normalised D outputs logits (set sigmoid = false or drop spectral_norm)"));
            }
            false
        }
        _ => sigmoid_given.unwrap_or(default_sigmoid),
    };
    if let Some(o) = d_output_given {
        if (o.0 == DOutput::Probability) != sigmoid {
            let why = match family {
                Baseline => format!("model.critic = {}", !sigmoid),
                Cwgan => "the cwgan critic has no Sigmoid".to_string(),
                StarGan => "StarGAN's D has no Sigmoid".to_string(),
                _ if spectral_norm => "the spectrally normalised D has no Sigmoid".to_string(),
                _ => format!("model.sigmoid = {sigmoid}"),
            };
            return Err(train.err(
                "d_output",
                format!("{o} does not match the discriminator ({why})"),
            ));
        }
    }
    if family == CycleGan && sigmoid && !loss_name.0.is_bce() {
        return Err(model.err(
            "sigmoid",
            format!(
                "a Sigmoid-ended PatchGAN goes with the BCE losses; {loss_name} takes raw outputs"
            ),
        ));
    }
    let dropout = model.num("dropout")?.unwrap_or(0.0);
    if !(0.0..1.0).contains(&dropout) {
        return Err(model.err("dropout", format!("must be in [0, 1), got {dropout}")));
    }
    if family == CycleGan && dropout != 0.0 && dropout != 0.5 {
        return Err(model.err(
            "dropout",
            format!("CycleGAN's ResNet blocks use Dropout(0.5) or none (0), got {dropout}"),
        ));
    }
    let hidden = match model.ints("hidden")? {
        Some(h) if h.is_empty() || h.iter().any(|&w| w < 1) => {
            return Err(model.err(
                "hidden",
                format!("must be a non-empty list of widths ≥ 1, got {h:?}"),
            ))
        }
        Some(h) => h,
        None => vec![128, 128],
    };
    let n_classes = if family.is_conditional() || family == StarGan {
        let w = width.ok_or_else(|| {
            data.err(
                "labels",
                format!("model.family {family} is conditional but the data has no labels"),
            )
        })?;
        if let Some(given) = model.int("n_classes")? {
            if given != w && source != DataSource::Objects {
                return Err(model.err(
                    "n_classes",
                    format!("must match the data's label width ({w}), got {given}"),
                ));
            }
            if given < 1 {
                return Err(model.err("n_classes", format!("must be at least 1, got {given}")));
            }
        }
        Some(w)
    } else {
        None
    };
    let model_spec = ModelSpec {
        family,
        ngf,
        ndf,
        sigmoid,
        critic: family == Baseline && !sigmoid,
        dropout,
        spectral_norm,
        hidden,
        n_classes,
    };

    // -- train
    let train_applies: &[(&str, &[Family])] = &[
        ("d_steps", gans),
        ("g_steps", gans),
        ("order", gans),
        ("clip", gans),
        ("z_dim", gans),
        ("fixed_samples", gans),
        ("warmup_steps", gans),
        ("warmup_epochs", gans),
        (
            "g_every",
            &[
                Baseline,
                Dcgan,
                Selu,
                TextToImage,
                Cwgan,
                Cgan,
                Mlp,
                StarGan,
            ],
        ),
        (
            "penalty",
            &[
                Baseline,
                Dcgan,
                Selu,
                TextToImage,
                Cwgan,
                Cgan,
                Mlp,
                StarGan,
            ],
        ),
        (
            "penalty_weight",
            &[
                Baseline,
                Dcgan,
                Selu,
                TextToImage,
                Cwgan,
                Cgan,
                Mlp,
                StarGan,
            ],
        ),
        ("lambda_cycle", &[CycleGan]),
        ("lambda_identity", &[CycleGan]),
        ("pool_size", &[CycleGan]),
        ("lambda_cls", &[StarGan]),
        ("lambda_rec", &[StarGan]),
    ];
    for (k, fams) in train_applies {
        only_for(&train, k, family, fams)?;
    }
    let out = if sigmoid {
        DOutput::Probability
    } else {
        DOutput::Logit
    };
    let loss = loss_name.0.with_output(out);
    let base = read_opt(&train)?;
    let g = read_opt(&train.sub("g", OPT_KEYS)?)?;
    let d = read_opt(&train.sub("d", OPT_KEYS)?)?;
    let optimizers = GanOptimizers {
        g: build_opt(ctx, &train, &base, &g)?,
        d: build_opt(ctx, &train, &base, &d)?,
    };

    let label_kind: Option<LabelKind> = train.choice("labels")?;
    let label_kind_or_hard = label_kind.unwrap_or(LabelKind::Hard);
    if label_kind_or_hard != LabelKind::Hard && !loss.has_targets() {
        return Err(train.err("labels", format!("{label_kind_or_hard} labels do not apply to {loss_name}: its D loss has no 1/0 targets (they do for bce, minimax, lsgan, rsgan, rasgan)")));
    }
    if label_kind_or_hard != LabelKind::OneSided {
        train.forbid("real_label", || "applies to labels = \"one_sided\"".into())?;
    }
    if label_kind_or_hard != LabelKind::Noisy {
        train.forbid("real_range", || "applies to labels = \"noisy\"".into())?;
        train.forbid("fake_range", || "applies to labels = \"noisy\"".into())?;
    }
    let labels = match label_kind_or_hard {
        LabelKind::Hard => Labels::Hard,
        LabelKind::OneSided => Labels::OneSided(train.num("real_label")?.unwrap_or(0.9)),
        LabelKind::Noisy => {
            let check = |k: &str, default: (f64, f64)| -> Result<(f64, f64)> {
                let r = train.pair(k)?.unwrap_or(default);
                if r.0 > r.1 {
                    return Err(train.err(
                        k,
                        format!("expected [lo, hi] with lo ≤ hi, got [{}, {}]", r.0, r.1),
                    ));
                }
                Ok(r)
            };
            let Labels::Noisy { real, fake } = Labels::noisy() else {
                unreachable!()
            };
            Labels::Noisy {
                real: check("real_range", real)?,
                fake: check("fake_range", fake)?,
            }
        }
    };
    let mut loss_cfg = LossConfig::from(loss).labels(labels);
    if let Some((r, f)) = train.pair("ratio")? {
        if r < 0.0 || f < 0.0 || r + f <= 0.0 {
            return Err(train.err(
                "ratio",
                format!("expected [real, fake] ≥ 0 with a positive sum, got [{r}, {f}]"),
            ));
        }
        loss_cfg = loss_cfg.ratio(r, f);
    }
    for (k, w) in [
        ("real_weight", &mut loss_cfg.real_weight),
        ("fake_weight", &mut loss_cfg.fake_weight),
    ] {
        if let Some(v) = train.num(k)? {
            if v < 0.0 {
                return Err(train.err(k, format!("must be ≥ 0, got {v}")));
            }
            *w = v;
        }
    }
    if loss == Loss::Rsgan && (loss_cfg.real_weight != 1.0 || loss_cfg.fake_weight != 1.0) {
        let k = if train.has("ratio") {
            "ratio"
        } else if train.has("real_weight") {
            "real_weight"
        } else {
            "fake_weight"
        };
        return Err(train.err(
            k,
            "rsgan's D loss is one term over (real, fake) pairs: real/fake weights do not apply",
        ));
    }

    let default_penalty = if family == StarGan {
        PenaltyKind::Gradient
    } else {
        PenaltyKind::None
    };
    let penalty_kind: PenaltyKind = train.choice("penalty")?.unwrap_or(default_penalty);
    if family == StarGan && !matches!(penalty_kind, PenaltyKind::None | PenaltyKind::Gradient) {
        return Err(train.err("penalty", format!("stargan takes penalty = \"gradient\" (its default) or \"none\", got {penalty_kind}")));
    }
    let weight = train.num("penalty_weight")?;
    if penalty_kind == PenaltyKind::None && weight.is_some() {
        return Err(train.err("penalty_weight", "no penalty is set (train.penalty)"));
    }
    let weight = weight.unwrap_or(10.0);
    if weight < 0.0 {
        return Err(train.err("penalty_weight", format!("must be ≥ 0, got {weight}")));
    }
    let penalty = match penalty_kind {
        PenaltyKind::None => Penalty::None,
        PenaltyKind::Gradient => Penalty::Gradient(GradientPenalty::new(weight)),
        PenaltyKind::OneSidedGradient => {
            Penalty::Gradient(GradientPenalty::new(weight).one_sided())
        }
        PenaltyKind::Dragan => Penalty::Dragan(Dragan {
            lambda: weight,
            ..Default::default()
        }),
        PenaltyKind::R1 => Penalty::R1(R1 { gamma: weight }),
    };
    let clip = train.num("clip")?.map(WeightClip::new);
    let order = train
        .choice::<OrderChoice>("order")?
        .map_or(UpdateOrder::DFirst, |o| o.0);
    let default_z = match family {
        Cgan => 25,
        Mlp => 2,
        _ => 100,
    };
    let default_batch = match family {
        CycleGan => 1,
        StarGan => 16,
        _ => 64,
    };
    let config = TrainConfig {
        loss: loss_cfg,
        optimizers,
        d_steps: train.count("d_steps", 0)?.unwrap_or(1),
        g_steps: train.count("g_steps", 0)?.unwrap_or(1),
        // set by Experiment::train_config once the data's size is known
        warmup_steps: 0,
        g_every: train
            .count("g_every", 0)?
            .unwrap_or(if family == StarGan { 5 } else { 1 }),
        order,
        penalty,
        clip,
        batch_size: train.count("batch_size", 0)?.unwrap_or(default_batch),
        z_dim: train.int("z_dim")?.unwrap_or(default_z),
        seed: train.count("seed", 0)?.unwrap_or(0) as u64,
        fixed_samples: train.int("fixed_samples")?.unwrap_or(64),
        // set by Experiment::run once the run's length is known (see Experiment::lr_schedule)
        lr_schedule: LrSchedule::Constant,
    };
    // TrainConfig's own checks, named by the TOML key
    let named = |e: Error, prefix: &str, rename: &[(&str, &str)]| match e {
        Error::Setting { key, message } => {
            let field = key.strip_prefix(prefix).unwrap_or(&key).to_string();
            let field = rename
                .iter()
                .find(|(from, _)| *from == field)
                .map_or(field, |(_, to)| to.to_string());
            train.err(&field, message)
        }
        other => other,
    };
    config
        .validate()
        .map_err(|e| named(e, "TrainConfig.", &[]))?;
    if let Some(n) = n {
        if n < config.batch_size && path.is_none() {
            return Err(data.err(
                "n",
                format!(
                    "must be at least train.batch_size ({}), got {n}",
                    config.batch_size
                ),
            ));
        }
    }
    let length = match (train.count("steps", 1)?, train.num("epochs")?) {
        (Some(_), Some(_)) => {
            return Err(train.err("epochs", "give train.steps or train.epochs, not both"))
        }
        (Some(s), None) => Length::Steps(s),
        (None, Some(e)) if e > 0.0 => Length::Epochs(e),
        (None, Some(e)) => return Err(train.err("epochs", format!("must be positive, got {e}"))),
        (None, None) => return Err(train.err("steps", "missing: give train.steps or train.epochs")),
    };
    let warmup = match (train.count("warmup_steps", 0)?, train.num("warmup_epochs")?) {
        (Some(_), Some(_)) => {
            return Err(train.err(
                "warmup_epochs",
                "give train.warmup_steps or train.warmup_epochs, not both",
            ))
        }
        (Some(s), None) => Some(Length::Steps(s)),
        (None, Some(e)) if e >= 0.0 => Some(Length::Epochs(e)),
        (None, Some(e)) => return Err(train.err("warmup_epochs", format!("must be ≥ 0, got {e}"))),
        (None, None) => None,
    };
    let lr_decay = train.num("lr_decay")?;
    if let Some(f) = lr_decay {
        if !(f > 0.0 && f <= 1.0) {
            return Err(train.err("lr_decay", format!("must be in (0, 1]: the share of the run, at its end, over which the rates fall linearly to 0 (0.5: the second half), got {f}")));
        }
    }

    // -- the image-to-image trainers' own settings
    let translation = match family {
        CycleGan => {
            let n_blocks = model.int("n_blocks")?.unwrap_or(6);
            let d_layers = model.int("d_layers")?.unwrap_or(3);
            if n_blocks < 0 {
                return Err(model.err("n_blocks", format!("must be ≥ 0, got {n_blocks}")));
            }
            if d_layers < 1 || (size as i64) < 4 << d_layers {
                return Err(model.err("d_layers", format!("must be at least 1 and fit the image (size ≥ 2^(d_layers + 2) = {}), got {d_layers}", 4i64 << d_layers.clamp(0, 20))));
            }
            let norm = match model.text("norm")? {
                None | Some("instance") => CycleGanNorm::Instance,
                Some("batch") => CycleGanNorm::Batch,
                Some(other) => {
                    return Err(model.err(
                        "norm",
                        format!("unknown normalisation {other:?} (known: instance, batch)"),
                    ))
                }
            };
            let nets = CycleGanConfig {
                channels: 3,
                image_size: size as i64,
                ngf,
                ndf,
                n_blocks,
                norm,
                dropout: dropout > 0.0,
                d_layers,
                sigmoid,
            };
            let cfg = CycleTrainConfig {
                loss: loss_cfg,
                lambda_cycle: train.num("lambda_cycle")?.unwrap_or(10.0),
                lambda_identity: train.num("lambda_identity")?.unwrap_or(0.5),
                pool_size: train.count("pool_size", 0)?.unwrap_or(50),
                optimizers,
                batch_size: config.batch_size,
                seed: config.seed,
                lr_schedule: LrSchedule::Constant,
            };
            cfg.validate()
                .map_err(|e| named(e, "CycleTrainConfig.", &[]))?;
            Some(Translation::Cycle { nets, config: cfg })
        }
        StarGan => {
            let default_d = (size.trailing_zeros() as i64).min(6);
            let d_repeat = model.int("d_repeat")?.unwrap_or(default_d);
            if d_repeat < 1 || d_repeat > size.trailing_zeros() as i64 {
                return Err(model.err(
                    "d_repeat",
                    format!(
                        "must be from 1 to log2(data.size) = {}, got {d_repeat}",
                        size.trailing_zeros()
                    ),
                ));
            }
            let g_repeat = model.int("g_repeat")?.unwrap_or(6);
            if g_repeat < 0 {
                return Err(model.err("g_repeat", format!("must be ≥ 0, got {g_repeat}")));
            }
            let c_dim = n_classes.unwrap_or(0);
            let nets = StarGanConfig {
                image_size: size as i64,
                channels: 3,
                conv_dim: ngf,
                c_dim,
                g_repeat,
                d_repeat,
            };
            let cfg = StarTrainConfig {
                loss: loss_cfg,
                gradient_penalty: match penalty {
                    Penalty::Gradient(gp) => Some(gp),
                    _ => None,
                },
                lambda_cls: train.num("lambda_cls")?.unwrap_or(1.0),
                lambda_rec: train.num("lambda_rec")?.unwrap_or(10.0),
                n_critic: config.g_every,
                optimizers,
                batch_size: config.batch_size,
                seed: config.seed,
                lr_schedule: LrSchedule::Constant,
            };
            cfg.validate().map_err(|e| {
                named(
                    e,
                    "StarTrainConfig.",
                    &[
                        ("n_critic", "g_every"),
                        ("gradient_penalty.lambda", "penalty_weight"),
                    ],
                )
            })?;
            let domains = star_builtin.then(|| StarDomains {
                hair: hair
                    .iter()
                    .map(|h| HAIR_COLORS.iter().position(|c| c == h).expect("checked"))
                    .collect(),
                attributes: attributes
                    .iter()
                    .map(|a| ATTRIBUTES.iter().position(|c| c == a).expect("checked"))
                    .collect(),
            });
            Some(Translation::Star {
                nets,
                config: cfg,
                domains,
            })
        }
        _ => None,
    };

    // -- output
    let suffix = match mode {
        Mode::Full => "",
        Mode::Quick => "-quick",
        Mode::Smoke => "-smoke",
    };
    let dir = output
        .text("dir")?
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target/runs").join(format!("{name}{suffix}")));
    let output_spec = OutputSpec {
        dir,
        print_every: output.count("print_every", 0)?.unwrap_or(100),
        grid_every: output.count("grid_every", 0)?.unwrap_or(500),
        checkpoint_every: output.count("checkpoint_every", 0)?.unwrap_or(1000),
    };
    let data_spec = DataSpec {
        source,
        path,
        format,
        size,
        n,
        labels: face_labels,
        hair,
        attributes,
        seed,
        cache: cache.unwrap_or(true),
    };
    Ok(Parts {
        name,
        description,
        data: data_spec,
        model: model_spec,
        train: config,
        length,
        warmup,
        lr_decay,
        output: output_spec,
        translation,
    })
}

/// Optimizer keys of one table: each value with the key it came from.
#[derive(Default)]
pub(super) struct OptKeys {
    kind: Option<OptKind>,
    lr: Option<(f64, String)>,
    betas: Option<((f64, f64), String)>,
    eps: Option<(f64, String)>,
    weight_decay: Option<(f64, String)>,
    momentum: Option<(f64, String)>,
    alpha: Option<(f64, String)>,
}

pub(super) fn read_opt(sec: &Sec) -> Result<OptKeys> {
    let with = |k: &str, v: Option<f64>| v.map(|v| (v, sec.key(k)));
    Ok(OptKeys {
        kind: sec.choice("optimizer")?,
        lr: with("lr", sec.num("lr")?),
        betas: sec.pair("betas")?.map(|b| (b, sec.key("betas"))),
        eps: with("eps", sec.num("eps")?),
        weight_decay: with("weight_decay", sec.num("weight_decay")?),
        momentum: with("momentum", sec.num("momentum")?),
        alpha: with("alpha", sec.num("alpha")?),
    })
}

/// One network's optimizer: its own table's keys over the shared ones (a table that names its
/// own `optimizer` inherits nothing), checked by [`Optimizer::validate`] with errors named by
/// the key the bad value came from.
pub(super) fn build_opt(
    ctx: &Ctx,
    train: &Sec,
    base: &OptKeys,
    own: &OptKeys,
) -> Result<Optimizer> {
    let empty = OptKeys::default();
    let base = if own.kind.is_some() { &empty } else { base };
    let pick =
        |a: &Option<(f64, String)>, b: &Option<(f64, String)>| a.clone().or_else(|| b.clone());
    let kind = own.kind.or(base.kind).unwrap_or(OptKind::Adam);
    let lr = pick(&own.lr, &base.lr)
        .ok_or_else(|| train.err("lr", "missing: the learning rate (e.g. lr = 2e-4)"))?;
    let betas = own.betas.clone().or_else(|| base.betas.clone());
    let (eps, wd, momentum, alpha) = (
        pick(&own.eps, &base.eps),
        pick(&own.weight_decay, &base.weight_decay),
        pick(&own.momentum, &base.momentum),
        pick(&own.alpha, &base.alpha),
    );
    let mut opt = match kind {
        OptKind::Adam => Optimizer::adam(lr.0),
        OptKind::AdamW => Optimizer::adamw(lr.0),
        OptKind::RmsProp => Optimizer::rmsprop(lr.0),
        OptKind::Sgd => Optimizer::sgd(lr.0),
    };
    let name = opt.name();
    let not_for = |field: &str, key: &str, who: &str| {
        ctx.err(key, format!("{name} has no {field} ({who} do)"))
    };
    if let Some(((b1, b2), key)) = &betas {
        match &mut opt {
            Optimizer::Adam { betas, .. } | Optimizer::AdamW { betas, .. } => *betas = (*b1, *b2),
            _ => return Err(not_for("betas", key, "Adam and AdamW")),
        }
    }
    if let Some((v, key)) = &eps {
        match &mut opt {
            Optimizer::Adam { eps, .. }
            | Optimizer::AdamW { eps, .. }
            | Optimizer::RmsProp { eps, .. } => *eps = *v,
            Optimizer::Sgd { .. } => return Err(not_for("eps", key, "Adam, AdamW and RMSprop")),
        }
    }
    if let Some((v, key)) = &momentum {
        match &mut opt {
            Optimizer::RmsProp { momentum, .. } | Optimizer::Sgd { momentum, .. } => *momentum = *v,
            _ => {
                return Err(ctx.err(
                    key,
                    format!("{name} has no momentum (its betas are; RMSprop and SGD have one)"),
                ))
            }
        }
    }
    if let Some((v, key)) = &alpha {
        match &mut opt {
            Optimizer::RmsProp { alpha, .. } => *alpha = *v,
            _ => return Err(not_for("alpha", key, "RMSprop")),
        }
    }
    if let Some((v, _)) = &wd {
        opt = opt.weight_decay(*v);
    }
    opt.validate().map_err(|e| match e {
        Error::Setting { key, message } => {
            // "Adam.betas.1" → the key betas came from, "[1]"
            let field = key.split_once('.').map_or(key.as_str(), |(_, f)| f);
            let (head, index) = field
                .split_once('.')
                .map_or((field, None), |(h, i)| (h, Some(i)));
            let from = match head {
                "lr" => Some(lr.1.clone()),
                "betas" => betas.as_ref().map(|b| b.1.clone()),
                "eps" => eps.as_ref().map(|b| b.1.clone()),
                "weight_decay" => wd.as_ref().map(|b| b.1.clone()),
                "momentum" => momentum.as_ref().map(|b| b.1.clone()),
                "alpha" => alpha.as_ref().map(|b| b.1.clone()),
                _ => None,
            }
            .unwrap_or_else(|| format!("train.{head}"));
            let from = match index {
                Some(i) => format!("{}[{i}]", ctx.label(&from)),
                None => ctx.label(&from),
            };
            Error::setting(format!("{}: {from}", ctx.file), message)
        }
        other => other,
    })?;
    Ok(opt)
}
