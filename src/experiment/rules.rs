//! The checks across keys (which keys apply to which family, the data a family takes, the
//! loss and D's last layer, …) and the defaults that depend on other keys, table by table, on
//! what [`schema`](super::schema) has read.
use super::*;

/// Errors when `k` (given) is set for a family outside `families`.
fn only_for(at: At, k: &str, given: bool, family: Family, families: &[Family]) -> Result<()> {
    if given && !families.contains(&family) {
        let names: Vec<&str> = families.iter().map(|f| f.name()).collect();
        let extra = match (k, family) {
            ("sigmoid", Family::Baseline) => "; the baseline D ends in a Sigmoid, set critic = true for report 000's WGAN-GP critic",
            ("sigmoid", Family::Cwgan) => "; report 003's critic has none",
            ("sigmoid", Family::StarGan) => "; StarGAN's D outputs raw scores",
            _ => "",
        };
        return Err(at.err(
            k,
            format!(
                "does not apply to family {family} (only to {}){extra}",
                names.join(", ")
            ),
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------- data

/// `[data]`, and the label width the data will have.
pub(super) fn data_spec(
    ctx: &Ctx,
    d: &DataTable,
    m: &ModelTable,
    family: Family,
    check_paths: bool,
) -> Result<(DataSpec, Option<i64>)> {
    use Family::*;
    let at = At { ctx, table: "data" };
    let source = d.source.unwrap_or(if family == CycleGan {
        DataSource::Maps
    } else {
        DataSource::Faces
    });
    source_fits_family(ctx, source, family)?;
    let path = d.path.as_ref().map(|p| PathBuf::from(&p.0));
    if let Some(p) = &path {
        if source.is_2d() {
            return Err(at.err(
                "path",
                format!("{source} is built in; real formats exist for faces, objects and maps"),
            ));
        }
        if check_paths {
            if !p.exists() {
                return Err(at.err("path", format!("{}: no such folder", p.display())));
            }
            if !p.is_dir() {
                return Err(at.err("path", format!("{}: not a folder", p.display())));
            }
        }
    }
    let format = data_format(at, d.format, source, family, path.as_deref())?;
    let size = match d.size.map(|s| s.0) {
        Some(_) if source.is_2d() => return Err(at.err("size", "2-D data has no image size")),
        Some(s) if s < 8 || !s.is_power_of_two() => {
            return Err(at.err(
                "size",
                format!(
                    "must be a power of two from 8 (64 in the reports, 32 for quick runs), got {s}"
                ),
            ))
        }
        Some(s) => s,
        None => 64,
    };
    let n = d.n.map(|n| n.0);
    let n = if path.is_some() {
        n
    } else {
        Some(n.unwrap_or(10_000))
    };
    let labels = face_labels(at, d.labels, source, family, format)?;
    let (hair, attributes) = domains(at, d, family, format, path.is_none())?;
    if d.cache.is_some() && path.is_none() {
        return Err(at.err(
            "cache",
            "applies to data.path (the built-in data is generated, not cached)",
        ));
    }
    // the label width the data will have
    let width: Option<i64> = match (source, format) {
        _ if family == StarGan => Some((hair.len() + attributes.len()) as i64),
        (DataSource::Objects, _) => {
            Some(m.n_classes.map_or(objects_data::N_CLASSES as i64, |w| w.0))
        }
        (_, Some(DataFormat::Celeba)) => Some(if attributes.is_empty() {
            40
        } else {
            attributes.len() as i64
        }),
        _ => match labels {
            FaceLabels::None => None,
            FaceLabels::HairEye => Some(crate::data::faces::N_COMBINATIONS as i64),
            FaceLabels::Tags => Some(23),
            FaceLabels::Attributes => Some(3),
        },
    };
    let spec = DataSpec {
        source,
        path,
        format,
        size,
        n,
        labels,
        hair,
        attributes,
        seed: d.seed.map_or(0, |s| s.0 as u64),
        cache: d.cache.map_or(true, |c| c.0),
    };
    Ok((spec, width))
}

/// The families each data source is for.
fn source_fits_family(ctx: &Ctx, source: DataSource, family: Family) -> Result<()> {
    use Family::*;
    if source.is_2d() != (family == Mlp) {
        return Err(if source.is_2d() {
            ctx.err(
                "data.source",
                format!("{source} is 2-D data: model.family must be mlp, got {family}"),
            )
        } else {
            ctx.err(
                "model.family",
                format!(
                    "mlp is for 2-D data (ring8, grid25, swiss_roll), but data.source is {source}"
                ),
            )
        });
    }
    if (source == DataSource::Maps) != (family == CycleGan) {
        return Err(if family == CycleGan {
            ctx.err("data.source", format!("cyclegan translates between two domains: data.source must be maps (or a CycleGAN folder at data.path), got {source}"))
        } else {
            ctx.err(
                "data.source",
                format!(
                    "maps are map ↔ aerial pairs for model.family = \"cyclegan\", not {family}"
                ),
            )
        });
    }
    if family == StarGan && source != DataSource::Faces {
        return Err(ctx.err(
            "data.source",
            format!("stargan edits faces (built in, or CelebA at data.path), not {source}"),
        ));
    }
    Ok(())
}

/// The format of the folder at `path` (given, or guessed from the source and its files).
fn data_format(
    at: At,
    given: Option<DataFormat>,
    source: DataSource,
    family: Family,
    path: Option<&Path>,
) -> Result<Option<DataFormat>> {
    use Family::*;
    if given.is_some() && path.is_none() {
        return Err(at.err(
            "format",
            "applies to data.path (the built-in data has no format)",
        ));
    }
    let format = match (path, given) {
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
    let wanted = match source {
        DataSource::Objects => Some(DataFormat::Iclevr),
        DataSource::Maps => Some(DataFormat::CycleGan),
        _ if family == StarGan => Some(DataFormat::Celeba),
        _ => None,
    };
    match (format, wanted) {
        (Some(f), Some(w)) if f != w => Err(at.err(
            "format",
            format!("{source} for {family} are read from a {w} folder, not {f}"),
        )),
        (Some(f @ (DataFormat::Iclevr | DataFormat::CycleGan)), None) => {
            Err(at.err("format", format!("{f} does not hold {source}")))
        }
        _ => Ok(format),
    }
}

/// The labels of face data (none for the other sources and for StarGAN, whose labels are its
/// domains).
fn face_labels(
    at: At,
    given: Option<LabelChoice>,
    source: DataSource,
    family: Family,
    format: Option<DataFormat>,
) -> Result<FaceLabels> {
    use Family::*;
    let faces = source == DataSource::Faces && family != StarGan;
    if given.is_some() && !faces {
        let why = match source {
            _ if family == StarGan => {
                "stargan's labels are data.hair and data.attributes".to_string()
            }
            s if s.is_2d() => format!("{s} is unlabelled here"),
            DataSource::Objects => "objects always carry their 24 class labels".to_string(),
            s => format!("{s} have no labels"),
        };
        return Err(at.err("labels", format!("applies to faces ({why})")));
    }
    if !faces {
        return Ok(FaceLabels::None);
    }
    let labels = given.map_or(
        match (format, family) {
            (Some(DataFormat::Celeba), _) => FaceLabels::Attributes,
            (_, TextToImage) => FaceLabels::HairEye,
            (_, Cwgan | Cgan) => FaceLabels::Tags,
            _ => FaceLabels::None,
        },
        |l| l.0,
    );
    match (format, labels) {
        (Some(DataFormat::ImageFolder), l) if l != FaceLabels::None => {
            return Err(at.err("labels", format!("an image folder has no labels; use a tags.csv folder (format = \"tagged_faces\") for {}", LabelChoice(l))))
        }
        (Some(DataFormat::TaggedFaces), FaceLabels::Attributes) => return Err(at.err("labels", "tags.csv has hair and eye colours, not attributes (use hair_eye or tags)")),
        (Some(DataFormat::Celeba), l) if l != FaceLabels::Attributes => return Err(at.err("labels", "CelebA folders give attributes (labels = \"attributes\")")),
        _ => {}
    }
    if family.is_conditional() && labels == FaceLabels::None {
        return Err(at.err(
            "labels",
            format!("model.family {family} is conditional: give hair_eye, tags or attributes"),
        ));
    }
    Ok(labels)
}

/// StarGAN's domains, a hair-colour group and binary attributes (on CelebA: its columns), and
/// the CelebA attributes other families keep.
fn domains(
    at: At,
    d: &DataTable,
    family: Family,
    format: Option<DataFormat>,
    builtin: bool,
) -> Result<(Vec<String>, Vec<String>)> {
    let star = family == Family::StarGan;
    let hair = d.hair.as_ref().map(|h| h.0.clone());
    if hair.is_some() && !star {
        return Err(at.err(
            "hair",
            "applies to family stargan (its hair-colour domains)",
        ));
    }
    let attributes = d.attributes.as_ref().map(|a| a.0.clone());
    if attributes.is_some() && format != Some(DataFormat::Celeba) && !star {
        return Err(at.err(
            "attributes",
            "applies to CelebA folders (data.format = \"celeba\") and to family stargan",
        ));
    }
    if !star {
        return Ok((Vec::new(), attributes.unwrap_or_default()));
    }
    // on CelebA the names are its columns or the built-in names of them (black → Black_Hair,
    // glasses → Eyeglasses, …)
    let hair = hair.unwrap_or_else(|| ["black", "blonde", "brown"].map(String::from).to_vec());
    let default_attributes = if builtin {
        ["glasses", "smile"]
    } else {
        ["Male", "Young"]
    };
    let attributes = attributes.unwrap_or_else(|| default_attributes.map(String::from).to_vec());
    if builtin {
        if let Some(h) = hair.iter().find(|h| !HAIR_COLORS.contains(&h.as_str())) {
            return Err(at.err(
                "hair",
                format!(
                    "unknown hair colour {h:?} (known: {})",
                    HAIR_COLORS.join(", ")
                ),
            ));
        }
        if let Some(a) = attributes
            .iter()
            .find(|a| !ATTRIBUTES.contains(&a.as_str()))
        {
            return Err(at.err(
                "attributes",
                format!(
                    "unknown attribute {a:?} (the built-in faces have: {})",
                    ATTRIBUTES.join(", ")
                ),
            ));
        }
    }
    if hair.len() + attributes.len() == 0 {
        return Err(at.err(
            "attributes",
            "stargan needs at least one domain (data.hair or data.attributes)",
        ));
    }
    Ok((hair, attributes))
}

// --------------------------------------------------------------------------------------- model

/// `[model]` (and `train.d_output`, which decides D's last layer with the loss).
pub(super) fn model_spec(
    ctx: &Ctx,
    m: &ModelTable,
    t: &TrainTable,
    family: Family,
    loss: LossChoice,
    data: &DataSpec,
    width: Option<i64>,
) -> Result<ModelSpec> {
    use Family::*;
    let at = At {
        ctx,
        table: "model",
    };
    let image_gans: &[Family] = &[Dcgan, Selu, TextToImage, Cwgan, Cgan, CycleGan];
    for (k, given, families) in [
        ("ngf", m.ngf.is_some(), image_gans),
        ("ndf", m.ndf.is_some(), image_gans),
        ("dim", m.dim.is_some(), &[Baseline]),
        ("critic", m.critic.is_some(), &[Baseline]),
        (
            "sigmoid",
            m.sigmoid.is_some(),
            &[Dcgan, Selu, TextToImage, Cgan, Mlp, CycleGan],
        ),
        ("dropout", m.dropout.is_some(), &[Dcgan, CycleGan]),
        ("spectral_norm", m.spectral_norm.is_some(), &[Dcgan]),
        ("hidden", m.hidden.is_some(), &[Mlp]),
        (
            "n_classes",
            m.n_classes.is_some(),
            &[TextToImage, Cwgan, Cgan],
        ),
        ("n_blocks", m.n_blocks.is_some(), &[CycleGan]),
        ("norm", m.norm.is_some(), &[CycleGan]),
        ("d_layers", m.d_layers.is_some(), &[CycleGan]),
        ("conv_dim", m.conv_dim.is_some(), &[StarGan]),
        ("g_repeat", m.g_repeat.is_some(), &[StarGan]),
        ("d_repeat", m.d_repeat.is_some(), &[StarGan]),
    ] {
        only_for(at, k, given, family, families)?;
    }
    let width_key = |k: &str, w: Option<Whole>| match w {
        Some(Whole(w)) if w < 1 => Err(at.err(k, format!("must be at least 1, got {w}"))),
        Some(Whole(w)) => Ok(w),
        None => Ok(64),
    };
    let (ngf, ndf) = match family {
        Baseline => (width_key("dim", m.dim)?, width_key("dim", m.dim)?),
        StarGan => (
            width_key("conv_dim", m.conv_dim)?,
            width_key("conv_dim", m.conv_dim)?,
        ),
        _ => (width_key("ngf", m.ngf)?, width_key("ndf", m.ndf)?),
    };
    let sigmoid = sigmoid(ctx, m, t.d_output, family, loss)?;
    let dropout = m.dropout.map_or(0.0, |d| d.0);
    if !(0.0..1.0).contains(&dropout) {
        return Err(at.err("dropout", format!("must be in [0, 1), got {dropout}")));
    }
    if family == CycleGan && dropout != 0.0 && dropout != 0.5 {
        return Err(at.err(
            "dropout",
            format!("CycleGAN's ResNet blocks use Dropout(0.5) or none (0), got {dropout}"),
        ));
    }
    let hidden = match &m.hidden {
        Some(Ints(h)) if h.is_empty() || h.iter().any(|&w| w < 1) => {
            return Err(at.err(
                "hidden",
                format!("must be a non-empty list of widths ≥ 1, got {h:?}"),
            ))
        }
        Some(Ints(h)) => h.clone(),
        None => vec![128, 128],
    };
    let n_classes = if family.is_conditional() || family == StarGan {
        let w = width.ok_or_else(|| {
            ctx.err(
                "data.labels",
                format!("model.family {family} is conditional but the data has no labels"),
            )
        })?;
        if let Some(Whole(given)) = m.n_classes {
            if given != w && data.source != DataSource::Objects {
                return Err(at.err(
                    "n_classes",
                    format!("must match the data's label width ({w}), got {given}"),
                ));
            }
            if given < 1 {
                return Err(at.err("n_classes", format!("must be at least 1, got {given}")));
            }
        }
        Some(w)
    } else {
        None
    };
    Ok(ModelSpec {
        family,
        ngf,
        ndf,
        sigmoid,
        critic: family == Baseline && !sigmoid,
        dropout,
        spectral_norm: m.spectral_norm.is_some_and(|s| s.0),
        hidden,
        n_classes,
    })
}

/// Whether D ends in a Sigmoid: the family's rule, `model.sigmoid`, `model.critic` or
/// `train.d_output`, else whether the loss is a BCE one; these must agree.
fn sigmoid(
    ctx: &Ctx,
    m: &ModelTable,
    d_output: Option<DOutputChoice>,
    family: Family,
    loss: LossChoice,
) -> Result<bool> {
    use Family::*;
    if d_output.is_some() && !loss.0.is_bce() {
        return Err(ctx.err("train.d_output", format!("applies to the BCE losses (bce, nonsaturating, minimax); {loss} reads D's output as it is")));
    }
    let spectral_norm = m.spectral_norm.is_some_and(|s| s.0);
    let given = m.sigmoid.map(|s| s.0);
    let default = d_output.map_or(loss.0.is_bce(), |o| o.0 == DOutput::Probability);
    let sigmoid = match family {
        Baseline => !m.critic.map_or(!default, |c| c.0),
        Cwgan | StarGan => false,
        Dcgan if spectral_norm => {
            if given == Some(true) {
                return Err(ctx.err("model.sigmoid", "SNGAN's spectrally normalised D outputs logits (set sigmoid = false or drop spectral_norm)"));
            }
            false
        }
        _ => given.unwrap_or(default),
    };
    if let Some(o) = d_output {
        if (o.0 == DOutput::Probability) != sigmoid {
            let why = match family {
                Baseline => format!("model.critic = {}", !sigmoid),
                Cwgan => "the cwgan critic has no Sigmoid".to_string(),
                StarGan => "StarGAN's D has no Sigmoid".to_string(),
                _ if spectral_norm => "the spectrally normalised D has no Sigmoid".to_string(),
                _ => format!("model.sigmoid = {sigmoid}"),
            };
            return Err(ctx.err(
                "train.d_output",
                format!("{o} does not match the discriminator ({why})"),
            ));
        }
    }
    if family == CycleGan && sigmoid && !loss.0.is_bce() {
        return Err(ctx.err(
            "model.sigmoid",
            format!("a Sigmoid-ended PatchGAN goes with the BCE losses; {loss} takes raw outputs"),
        ));
    }
    Ok(sigmoid)
}

// --------------------------------------------------------------------------------------- train

/// The trainer's settings from `[train]` (for CycleGAN and StarGAN: what they share).
pub(super) fn train_config(
    at: At,
    t: &TrainTable,
    model: &ModelSpec,
    loss: LossChoice,
) -> Result<TrainConfig> {
    use Family::*;
    let family = model.family;
    let gans: &[Family] = &[Baseline, Dcgan, Selu, TextToImage, Cwgan, Cgan, Mlp];
    let gans_and_stargan: &[Family] = &[
        Baseline,
        Dcgan,
        Selu,
        TextToImage,
        Cwgan,
        Cgan,
        Mlp,
        StarGan,
    ];
    for (k, given, families) in [
        ("d_steps", t.d_steps.is_some(), gans),
        ("g_steps", t.g_steps.is_some(), gans),
        ("order", t.order.is_some(), gans),
        ("clip", t.clip.is_some(), gans),
        ("z_dim", t.z_dim.is_some(), gans),
        ("fixed_samples", t.fixed_samples.is_some(), gans),
        ("warmup_steps", t.warmup_steps.is_some(), gans),
        ("warmup_epochs", t.warmup_epochs.is_some(), gans),
        ("g_every", t.g_every.is_some(), gans_and_stargan),
        ("penalty", t.penalty.is_some(), gans_and_stargan),
        (
            "penalty_weight",
            t.penalty_weight.is_some(),
            gans_and_stargan,
        ),
        ("lambda_cycle", t.lambda_cycle.is_some(), &[CycleGan]),
        ("lambda_identity", t.lambda_identity.is_some(), &[CycleGan]),
        ("pool_size", t.pool_size.is_some(), &[CycleGan]),
        ("lambda_cls", t.lambda_cls.is_some(), &[StarGan]),
        ("lambda_rec", t.lambda_rec.is_some(), &[StarGan]),
    ] {
        only_for(at, k, given, family, families)?;
    }
    let out = if model.sigmoid {
        DOutput::Probability
    } else {
        DOutput::Logit
    };
    let loss_kind = loss.0.with_output(out);
    let shared = opt_keys("train", &t.shared_opt());
    let own = |net: &Option<Tbl<OptTable>>, prefix| {
        net.as_ref()
            .map_or_else(OptKeys::default, |o| opt_keys(prefix, &o.0))
    };
    let optimizers = GanOptimizers {
        g: build_opt(at.ctx, &shared, &own(&t.g, "train.g"))?,
        d: build_opt(at.ctx, &shared, &own(&t.d, "train.d"))?,
    };
    let loss_cfg = loss_config(at, t, loss, loss_kind)?;
    let penalty = penalty(at, t, family)?;
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
    let count = |c: Option<Count<0>>, default: usize| c.map_or(default, |c| c.0);
    let config = TrainConfig {
        loss: loss_cfg,
        optimizers,
        d_steps: count(t.d_steps, 1),
        g_steps: count(t.g_steps, 1),
        g_every: count(t.g_every, if family == StarGan { 5 } else { 1 }),
        // set by Experiment::train_config once the data's size is known
        warmup_steps: 0,
        order: t.order.map_or(UpdateOrder::DFirst, |o| o.0),
        penalty,
        clip: t.clip.map(|c| WeightClip::new(c.0)),
        batch_size: count(t.batch_size, default_batch),
        z_dim: t.z_dim.map_or(default_z, |z| z.0),
        seed: count(t.seed, 0) as u64,
        fixed_samples: t.fixed_samples.map_or(64, |f| f.0),
        // set by Experiment::run once the run's length is known (see Experiment::lr_schedule)
        lr_schedule: LrSchedule::Constant,
    };
    config
        .validate()
        .map_err(|e| named(at, e, "TrainConfig.", &[]))?;
    Ok(config)
}

/// A trainer config's own check, named by the TOML key (`StarTrainConfig.n_critic` →
/// `train.g_every`).
pub(super) fn named(at: At, e: Error, prefix: &str, rename: &[(&str, &str)]) -> Error {
    match e {
        Error::Setting { key, message } => {
            let field = key.strip_prefix(prefix).unwrap_or(&key).to_string();
            let field = rename
                .iter()
                .find(|(from, _)| *from == field)
                .map_or(field, |(_, to)| to.to_string());
            at.err(&field, message)
        }
        other => other,
    }
}

/// The loss with its targets (`labels`) and the weights of D's real and fake terms.
fn loss_config(at: At, t: &TrainTable, loss: LossChoice, kind: Loss) -> Result<LossConfig> {
    let label_kind = t.labels.unwrap_or(LabelKind::Hard);
    if label_kind != LabelKind::Hard && !kind.has_targets() {
        return Err(at.err("labels", format!("{label_kind} labels do not apply to {loss}: its D loss has no 1/0 targets (they do for bce, minimax, lsgan, rsgan, rasgan)")));
    }
    if label_kind != LabelKind::OneSided && t.real_label.is_some() {
        return Err(at.err("real_label", "applies to labels = \"one_sided\""));
    }
    if label_kind != LabelKind::Noisy {
        for (k, given) in [("real_range", t.real_range), ("fake_range", t.fake_range)] {
            if given.is_some() {
                return Err(at.err(k, "applies to labels = \"noisy\""));
            }
        }
    }
    let labels = match label_kind {
        LabelKind::Hard => Labels::Hard,
        LabelKind::OneSided => Labels::OneSided(t.real_label.map_or(0.9, |r| r.0)),
        LabelKind::Noisy => {
            let check = |k: &str, given: Option<Pair>, default: (f64, f64)| {
                let r = given.map_or(default, |p| (p.0, p.1));
                if r.0 > r.1 {
                    return Err(at.err(
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
                real: check("real_range", t.real_range, real)?,
                fake: check("fake_range", t.fake_range, fake)?,
            }
        }
    };
    let mut cfg = LossConfig::from(kind).labels(labels);
    if t.labels_in_g.is_some_and(|f| f.0) {
        if label_kind == LabelKind::Hard {
            return Err(at.err(
                "labels_in_g",
                "applies to labels = \"noisy\" or \"one_sided\" (with hard labels G's target is 1 anyway)",
            ));
        }
        if kind.is_relativistic() {
            return Err(at.err(
                "labels_in_g",
                format!(
                    "applies to bce, minimax and lsgan, whose G loss has a target, not to {loss}"
                ),
            ));
        }
        cfg = cfg.labels_in_g(true);
    }
    if let Some(Pair(r, f)) = t.ratio {
        if r < 0.0 || f < 0.0 || r + f <= 0.0 {
            return Err(at.err(
                "ratio",
                format!("expected [real, fake] ≥ 0 with a positive sum, got [{r}, {f}]"),
            ));
        }
        cfg = cfg.ratio(r, f);
    }
    for (k, given, w) in [
        ("real_weight", t.real_weight, &mut cfg.real_weight),
        ("fake_weight", t.fake_weight, &mut cfg.fake_weight),
    ] {
        if let Some(Num(v)) = given {
            if v < 0.0 {
                return Err(at.err(k, format!("must be ≥ 0, got {v}")));
            }
            *w = v;
        }
    }
    if kind == Loss::Rsgan && (cfg.real_weight != 1.0 || cfg.fake_weight != 1.0) {
        let k = if t.ratio.is_some() {
            "ratio"
        } else if t.real_weight.is_some() {
            "real_weight"
        } else {
            "fake_weight"
        };
        return Err(at.err(
            k,
            "rsgan's D loss is one term over (real, fake) pairs: real/fake weights do not apply",
        ));
    }
    Ok(cfg)
}

/// D's regularizer (`penalty`, `penalty_weight`).
fn penalty(at: At, t: &TrainTable, family: Family) -> Result<Penalty> {
    let star = family == Family::StarGan;
    let kind = t.penalty.unwrap_or(if star {
        PenaltyKind::Gradient
    } else {
        PenaltyKind::None
    });
    if star && !matches!(kind, PenaltyKind::None | PenaltyKind::Gradient) {
        return Err(at.err(
            "penalty",
            format!("stargan takes penalty = \"gradient\" (its default) or \"none\", got {kind}"),
        ));
    }
    if kind == PenaltyKind::None && t.penalty_weight.is_some() {
        return Err(at.err("penalty_weight", "no penalty is set (train.penalty)"));
    }
    let weight = t.penalty_weight.map_or(10.0, |w| w.0);
    if weight < 0.0 {
        return Err(at.err("penalty_weight", format!("must be ≥ 0, got {weight}")));
    }
    Ok(match kind {
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
    })
}

/// The run's length, its warm-up and the share over which the rates decay.
pub(super) fn length(at: At, t: &TrainTable) -> Result<(Length, Option<Length>, Option<f64>)> {
    let length = match (t.steps, t.epochs) {
        (Some(_), Some(_)) => {
            return Err(at.err("epochs", "give train.steps or train.epochs, not both"))
        }
        (Some(s), None) => Length::Steps(s.0),
        (None, Some(Num(e))) if e > 0.0 => Length::Epochs(e),
        (None, Some(Num(e))) => return Err(at.err("epochs", format!("must be positive, got {e}"))),
        (None, None) => return Err(at.err("steps", "missing: give train.steps or train.epochs")),
    };
    let warmup = match (t.warmup_steps, t.warmup_epochs) {
        (Some(_), Some(_)) => {
            return Err(at.err(
                "warmup_epochs",
                "give train.warmup_steps or train.warmup_epochs, not both",
            ))
        }
        (Some(s), None) => Some(Length::Steps(s.0)),
        (None, Some(Num(e))) if e >= 0.0 => Some(Length::Epochs(e)),
        (None, Some(Num(e))) => {
            return Err(at.err("warmup_epochs", format!("must be ≥ 0, got {e}")))
        }
        (None, None) => None,
    };
    let lr_decay = t.lr_decay.map(|f| f.0);
    if let Some(f) = lr_decay {
        if !(f > 0.0 && f <= 1.0) {
            return Err(at.err("lr_decay", format!("must be in (0, 1]: the share of the run, at its end, over which the rates fall linearly to 0 (0.5: the second half), got {f}")));
        }
    }
    Ok((length, warmup, lr_decay))
}

// -------------------------------------------------------------------------------------- output

/// `[output]`; the run folder defaults to target/runs/<name>, -quick or -smoke added.
pub(super) fn output_spec(o: &OutputTable, name: &str, mode: Mode) -> OutputSpec {
    let suffix = match mode {
        Mode::Full => "",
        Mode::Quick => "-quick",
        Mode::Smoke => "-smoke",
    };
    let every = |c: Option<Count<0>>, default: usize| c.map_or(default, |c| c.0);
    OutputSpec {
        dir: o.dir.as_ref().map_or_else(
            || PathBuf::from("target/runs").join(format!("{name}{suffix}")),
            |d| PathBuf::from(&d.0),
        ),
        print_every: every(o.print_every, 100),
        grid_every: every(o.grid_every, 500),
        checkpoint_every: every(o.checkpoint_every, 1000),
    }
}
