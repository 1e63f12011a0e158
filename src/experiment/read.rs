//! From the file to an [`Experiment`]: the variant's tables and the command-line overrides laid
//! over the file (the effective table, with where each key was set), its values read into the
//! [schema](super::schema), then the checks across keys ([`rules`](super::rules)), the
//! optimizers each network inherits from `[train]` and the image-to-image trainers' settings.
use super::*;

// ------------------------------------------------------------------------------ naming keys

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

/// Names the keys of one table in errors (through the origins: `quick.train.lr`).
#[derive(Clone, Copy)]
pub(super) struct At<'a> {
    pub(super) ctx: &'a Ctx<'a>,
    pub(super) table: &'static str,
}

impl At<'_> {
    pub(super) fn err(&self, k: &str, msg: impl Into<String>) -> Error {
        self.ctx.err(&format!("{}.{k}", self.table), msg)
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

/// "unknown key (did you mean \"lr\"?)", else the known keys.
pub(super) fn unknown_key(typo: &str, known: &[&str]) -> String {
    match closest(typo, known) {
        Some(c) => format!("unknown key (did you mean \"{c}\"?)"),
        None => format!("unknown key (known: {})", known.join(", ")),
    }
}

// ------------------------------------------------------------------- variants and overrides

pub(super) const SECTIONS: &[&str] = &["data", "model", "train", "output"];

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
            return Err(Error::setting(
                format!("{ctx_file}: {label}.{k}"),
                unknown_key(k, SECTIONS),
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

// ---------------------------------------------------------------------------- the variants

impl Experiment {
    /// Builds the effective table of a variant and reads it.
    pub(super) fn resolve(
        source: &Arc<Source>,
        mode: Mode,
        overrides: &[Override],
    ) -> Result<Experiment> {
        let file = source.label.as_str();
        let mut origins = BTreeMap::new();
        let top_keys = known_keys("").unwrap_or_default();
        for k in source.raw.keys() {
            if !top_keys.contains(&k.as_str()) {
                return Err(Error::setting(
                    format!("{file}: {k}"),
                    unknown_key(k, top_keys),
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
    pub(super) name: String,
    pub(super) description: Option<String>,
    pub(super) data: DataSpec,
    pub(super) model: ModelSpec,
    pub(super) train: TrainConfig,
    pub(super) length: Length,
    pub(super) warmup: Option<Length>,
    pub(super) lr_decay: Option<f64>,
    pub(super) output: OutputSpec,
    pub(super) translation: Option<Translation>,
}

// ------------------------------------------------------------------------------ the schema

/// Reads the effective table into the typed parts: its values into the
/// [schema](super::schema), then the checks across keys, table by table ([`rules`](super::rules)).
pub(super) fn read(ctx: &Ctx, t: &Table, mode: Mode, check_paths: bool) -> Result<Parts> {
    use Family::*;
    let top = schema(ctx, t)?;
    let name = top.name.map_or_else(|| "experiment".to_string(), |t| t.0);
    if name.is_empty() || name.contains(['/', '\\']) {
        return Err(ctx.err("name", format!("must be a plain file name, got {name:?}")));
    }
    let description = top.description.map(|t| t.0);
    let data = top.data.unwrap_or_default().0;
    let model = top.model.unwrap_or_default().0;
    let train = top.train.unwrap_or_default().0;
    let output = top.output.unwrap_or_default().0;
    // the model family and the loss decide the defaults of the rest
    let family = model.family.ok_or_else(|| {
        ctx.err(
            "model.family",
            format!("missing (one of: {})", Family::known()),
        )
    })?;
    let loss = train.loss.unwrap_or(LossChoice(match family {
        CycleGan => Loss::Lsgan,
        StarGan => Loss::Wgan,
        _ => Loss::BCE,
    }));
    let (data_spec, width) = data_spec(ctx, &data, &model, family, check_paths)?;
    let model_spec = model_spec(ctx, &model, &train, family, loss, &data_spec, width)?;
    let at = At {
        ctx,
        table: "train",
    };
    let config = train_config(at, &train, &model_spec, loss)?;
    if let Some(n) = data_spec.n {
        if n < config.batch_size && data_spec.path.is_none() {
            return Err(ctx.err(
                "data.n",
                format!(
                    "must be at least train.batch_size ({}), got {n}",
                    config.batch_size
                ),
            ));
        }
    }
    let (length, warmup, lr_decay) = length(at, &train)?;
    let translation = translation(ctx, &model, &train, &data_spec, &model_spec, &config)?;
    Ok(Parts {
        output: output_spec(&output, &name, mode),
        name,
        description,
        data: data_spec,
        model: model_spec,
        train: config,
        length,
        warmup,
        lr_decay,
        translation,
    })
}

/// The effective table's values, each of its type. The first key of a wrong type or unknown,
/// in the table's order, is the error, named as the user wrote it (`quick.train.lr`).
fn schema(ctx: &Ctx, t: &Table) -> Result<Top> {
    let mut unknown: Option<String> = None;
    let mut note = |p: serde_ignored::Path| {
        unknown.get_or_insert_with(|| ignored_path(&p));
    };
    let de = serde_ignored::Deserializer::new(Value::Table(t.clone()), &mut note);
    let top: std::result::Result<Top, _> = serde_path_to_error::deserialize(de);
    if let Some(path) = unknown {
        let (table, key) = path.rsplit_once('.').unwrap_or(("", &path));
        return Err(match get_path(t, table) {
            // a datetime where a table belongs comes as a table of one unknown key
            Some(v) if !v.is_table() => ctx.err(
                table,
                format!(
                    "expected a table, got {} {}",
                    article(v.type_str()),
                    short(v)
                ),
            ),
            _ => ctx.err(
                &path,
                unknown_key(key, known_keys(table).unwrap_or_default()),
            ),
        });
    }
    top.map_err(|e| {
        let path: Vec<&str> = e
            .path()
            .iter()
            .filter_map(|s| match s {
                serde_path_to_error::Segment::Map { key } => Some(key.as_str()),
                _ => None,
            })
            .collect();
        ctx.err(&path.join("."), e.inner().message())
    })
}

/// The dotted key of a value serde_ignored reports.
fn ignored_path(p: &serde_ignored::Path) -> String {
    use serde_ignored::Path;
    let join = |parent: &Path, key: &str| match ignored_path(parent) {
        head if head.is_empty() => key.to_string(),
        head => format!("{head}.{key}"),
    };
    match p {
        Path::Root => String::new(),
        Path::Seq { parent, index } => join(parent, &index.to_string()),
        Path::Map { parent, key } => join(parent, key),
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => ignored_path(parent),
    }
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

/// The optimizer keys of the table at `prefix` (`train`, `train.g`).
pub(super) fn opt_keys(prefix: &str, o: &OptTable) -> OptKeys {
    let with = |k: &str, v: Option<Num>| v.map(|v| (v.0, format!("{prefix}.{k}")));
    OptKeys {
        kind: o.optimizer,
        lr: with("lr", o.lr),
        betas: o.betas.map(|p| ((p.0, p.1), format!("{prefix}.betas"))),
        eps: with("eps", o.eps),
        weight_decay: with("weight_decay", o.weight_decay),
        momentum: with("momentum", o.momentum),
        alpha: with("alpha", o.alpha),
    }
}

/// One network's optimizer: its own table's keys over the shared ones (a table that names its
/// own `optimizer` inherits nothing), checked by [`Optimizer::validate`] with errors named by
/// the key the bad value came from.
pub(super) fn build_opt(ctx: &Ctx, base: &OptKeys, own: &OptKeys) -> Result<Optimizer> {
    let empty = OptKeys::default();
    let base = if own.kind.is_some() { &empty } else { base };
    let pick =
        |a: &Option<(f64, String)>, b: &Option<(f64, String)>| a.clone().or_else(|| b.clone());
    let kind = own.kind.or(base.kind).unwrap_or(OptKind::Adam);
    let lr = pick(&own.lr, &base.lr)
        .ok_or_else(|| ctx.err("train.lr", "missing: the learning rate (e.g. lr = 2e-4)"))?;
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

// ---------------------------------------------------------------------------- image-to-image

/// The CycleGAN or StarGAN trainer's own settings (`None` for the other families).
pub(super) fn translation(
    ctx: &Ctx,
    m: &ModelTable,
    t: &TrainTable,
    data: &DataSpec,
    model: &ModelSpec,
    config: &TrainConfig,
) -> Result<Option<Translation>> {
    let at = At {
        ctx,
        table: "model",
    };
    let train = At {
        ctx,
        table: "train",
    };
    let size = data.size;
    let num = |n: Option<Num>, default: f64| n.map_or(default, |n| n.0);
    Ok(match model.family {
        Family::CycleGan => {
            let n_blocks = m.n_blocks.map_or(6, |n| n.0);
            let d_layers = m.d_layers.map_or(3, |n| n.0);
            if n_blocks < 0 {
                return Err(at.err("n_blocks", format!("must be ≥ 0, got {n_blocks}")));
            }
            if d_layers < 1 || (size as i64) < 4 << d_layers {
                return Err(at.err("d_layers", format!("must be at least 1 and fit the image (size ≥ 2^(d_layers + 2) = {}), got {d_layers}", 4i64 << d_layers.clamp(0, 20))));
            }
            let nets = CycleGanConfig {
                channels: 3,
                image_size: size as i64,
                ngf: model.ngf,
                ndf: model.ndf,
                n_blocks,
                norm: m.norm.map_or(CycleGanNorm::Instance, |n| n.0),
                dropout: model.dropout > 0.0,
                d_layers,
                sigmoid: model.sigmoid,
            };
            let cfg = CycleTrainConfig {
                loss: config.loss,
                lambda_cycle: num(t.lambda_cycle, 10.0),
                lambda_identity: num(t.lambda_identity, 0.5),
                pool_size: t.pool_size.map_or(50, |p| p.0),
                optimizers: config.optimizers,
                batch_size: config.batch_size,
                seed: config.seed,
                lr_schedule: LrSchedule::Constant,
            };
            cfg.validate()
                .map_err(|e| named(train, e, "CycleTrainConfig.", &[]))?;
            Some(Translation::Cycle { nets, config: cfg })
        }
        Family::StarGan => {
            let log2 = size.trailing_zeros() as i64;
            let d_repeat = m.d_repeat.map_or(log2.min(6), |n| n.0);
            if d_repeat < 1 || d_repeat > log2 {
                return Err(at.err(
                    "d_repeat",
                    format!("must be from 1 to log2(data.size) = {log2}, got {d_repeat}"),
                ));
            }
            let g_repeat = m.g_repeat.map_or(6, |n| n.0);
            if g_repeat < 0 {
                return Err(at.err("g_repeat", format!("must be ≥ 0, got {g_repeat}")));
            }
            let nets = StarGanConfig {
                image_size: size as i64,
                channels: 3,
                conv_dim: model.ngf,
                c_dim: model.n_classes.unwrap_or(0),
                g_repeat,
                d_repeat,
            };
            let cfg = StarTrainConfig {
                loss: config.loss,
                gradient_penalty: match config.penalty {
                    Penalty::Gradient(gp) => Some(gp),
                    _ => None,
                },
                lambda_cls: num(t.lambda_cls, 1.0),
                lambda_rec: num(t.lambda_rec, 10.0),
                n_critic: config.g_every,
                optimizers: config.optimizers,
                batch_size: config.batch_size,
                seed: config.seed,
                lr_schedule: LrSchedule::Constant,
            };
            cfg.validate().map_err(|e| {
                named(
                    train,
                    e,
                    "StarTrainConfig.",
                    &[
                        ("n_critic", "g_every"),
                        ("gradient_penalty.lambda", "penalty_weight"),
                    ],
                )
            })?;
            let index =
                |names: &[&str], n: &String| names.iter().position(|c| c == n).expect("checked");
            let domains = data.path.is_none().then(|| StarDomains {
                hair: data.hair.iter().map(|h| index(&HAIR_COLORS, h)).collect(),
                attributes: data
                    .attributes
                    .iter()
                    .map(|a| index(&ATTRIBUTES, a))
                    .collect(),
            });
            Some(Translation::Star {
                nets,
                config: cfg,
                domains,
            })
        }
        _ => None,
    })
}
