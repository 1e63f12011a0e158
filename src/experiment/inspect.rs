use super::*;
use crate::train::trainer::sealed::Stateful;

impl Experiment {
    /// A few lines saying what this experiment trains.
    pub fn summary(&self) -> String {
        let d = &self.data;
        let data = match &d.path {
            Some(p) => format!(
                "{} at {} ({}), {}×{}",
                d.source,
                p.display(),
                d.format.map_or("?".into(), |f| f.to_string()),
                d.size,
                d.size
            ),
            None if d.source.is_2d() => format!("built-in {} (n {})", d.source, d.n.unwrap_or(0)),
            None => format!(
                "built-in {} {}×{} (n {})",
                d.source,
                d.size,
                d.size,
                d.n.unwrap_or(0)
            ),
        };
        let labels = if self.model.family == Family::StarGan {
            format!(", domains {}", self.star_names(None).join(", "))
        } else if d.labels == FaceLabels::None || d.source != DataSource::Faces {
            String::new()
        } else {
            format!(", labels {}", LabelChoice(d.labels))
        };
        let t = &self.train;
        let length = match self.length {
            Length::Steps(s) => format!("{s} steps"),
            Length::Epochs(e) => match d.n {
                Some(n) if d.path.is_none() => format!("{e} epochs = {} steps", self.steps(n)),
                _ => format!("{e} epochs"),
            },
        };
        let mut s = format!("{} ({})", self.name, mode_word(self.mode));
        if let Some(desc) = &self.description {
            s.push_str(&format!(": {desc}"));
        }
        s.push_str(&format!("\n  data:  {data}{labels}"));
        let model = match (&self.translation, self.model.family) {
            (Some(Translation::Cycle { nets, .. }), _) => format!(
                " ngf {} ndf {}, {} ResNet blocks, {:?} norm, PatchGAN of {} layers",
                nets.ngf, nets.ndf, nets.n_blocks, nets.norm, nets.d_layers
            ),
            (Some(Translation::Star { nets, .. }), _) => format!(
                " conv_dim {}, {} residual blocks, D of {} stride-2 convs, {} domains",
                nets.conv_dim, nets.g_repeat, nets.d_repeat, nets.c_dim
            ),
            (None, Family::Mlp) => format!(" hidden {:?}", self.model.hidden),
            (None, Family::Baseline) => format!(
                " dim {}{}",
                self.model.ngf,
                if self.model.critic {
                    ", critic (no BatchNorm, no Sigmoid)"
                } else {
                    ""
                }
            ),
            (None, _) if self.model.dropout > 0.0 => format!(
                " ngf {} ndf {}, Dropout({}) after each BatchNorm of G",
                self.model.ngf, self.model.ndf, self.model.dropout
            ),
            (None, _) => format!(" ngf {} ndf {}", self.model.ngf, self.model.ndf),
        };
        s.push_str(&format!("\n  model: {}{model}", self.model.family));
        let opts = if t.optimizers.g == t.optimizers.d {
            format!("{} for G and D", t.optimizers.g)
        } else {
            t.optimizers.to_string()
        };
        let labels = match (t.loss.labels, t.loss.labels_in_g) {
            (Labels::Hard, _) => String::new(),
            (l, false) => format!(", labels {l:?}"),
            (l, true) => format!(", labels {l:?} (in G's loss too)"),
        };
        let weights = if (t.loss.real_weight, t.loss.fake_weight) == (1.0, 1.0) {
            String::new()
        } else {
            format!(
                ", D loss weights real {} fake {}",
                t.loss.real_weight, t.loss.fake_weight
            )
        };
        s.push_str(&format!(
            "\n  train: {}{labels}{weights}; {opts}; D:G {}:{}, G every {}",
            t.loss.loss, t.d_steps, t.g_steps, t.g_every
        ));
        match &self.translation {
            Some(Translation::Cycle { config, .. }) => s.push_str(&format!(
                ", λ_cyc {}, λ_idt {}, pool {}",
                config.lambda_cycle, config.lambda_identity, config.pool_size
            )),
            Some(Translation::Star { config, .. }) => s.push_str(&format!(
                ", λ_cls {}, λ_rec {}, λ_gp {}",
                config.lambda_cls,
                config.lambda_rec,
                config.gradient_penalty.map_or(0.0, |g| g.lambda)
            )),
            None => {}
        }
        if let Some(w) = self.warmup {
            s.push_str(&format!(
                " (every step for the first {})",
                match w {
                    Length::Steps(s) => format!("{s} steps"),
                    Length::Epochs(e) => format!("{e} epochs"),
                }
            ));
        }
        if t.order == UpdateOrder::GFirst {
            s.push_str(", G first");
        }
        if let Some(f) = self.lr_decay {
            s.push_str(&format!(
                "; rates falling linearly to 0 over the last {:.0} % of the run",
                f * 100.0
            ));
        }
        s.push_str(&format!(
            "; batch {}, {length}, seed {}",
            t.batch_size, t.seed
        ));
        if t.penalty != Penalty::None {
            s.push_str(&format!(", {:?}", t.penalty));
        }
        if let Some(c) = t.clip {
            s.push_str(&format!(", clip ±{}", c.c));
        }
        s.push_str(&format!("\n  out:   {}", self.output.dir.display()));
        s
    }
}

// ----------------------------------------------------------------------- sample and evaluate

/// The checkpoint folder for `path`: the folder itself, or the newest checkpoint in a run
/// folder.
pub(super) fn checkpoint_dir(path: &Path) -> Result<PathBuf> {
    if path.join("checkpoint.json").is_file() {
        return Ok(path.to_path_buf());
    }
    if !path.exists() {
        return Err(Error::setting(
            "--checkpoint",
            format!("{}: no such folder", path.display()),
        ));
    }
    latest_checkpoint(path)?.ok_or_else(|| {
        Error::setting(
            "--checkpoint",
            format!(
                "{}: neither a checkpoint (checkpoint.json) nor a run folder holding one",
                path.display()
            ),
        )
    })
}

/// A trained network read back from a checkpoint: G for the GAN families (no D, no training
/// state), the whole trainer's networks for CycleGAN and StarGAN (their weights only).
pub(super) enum Loaded {
    Gan {
        g: Box<dyn GanNet>,
        /// The conditions the run showed with its fixed noise.
        fixed_c: Option<Tensor>,
    },
    Cycle(Box<CycleGan>),
    Star(Box<StarGan>),
}

pub(super) struct Trained {
    exp: Experiment,
    net: Loaded,
    dir: PathBuf,
    step: u64,
    device: Device,
}

/// Loads a store's variables from a checkpoint file.
pub(super) fn load_store(vs: &mut nn::VarStore, path: &Path) -> Result<()> {
    vs.load(path)
        .map_err(|e| Error::torch(format!("loading {}", path.display()), e))
}

impl Trained {
    /// The checkpoint's experiment (from checkpoint.json's notes, or the run folder's
    /// experiment.toml for the trainers that keep no notes) and its weights.
    pub(super) fn load(path: &Path) -> Result<Trained> {
        let dir = checkpoint_dir(path)?;
        let info = read_info(&dir)?;
        let json = dir.join("checkpoint.json");
        let notes = info.get("notes");
        let run_toml = dir
            .parent()
            .unwrap_or(Path::new("."))
            .join("experiment.toml");
        let (text, label) = match notes
            .and_then(|n| n.get("experiment"))
            .and_then(|e| e.as_str())
        {
            Some(t) => (
                t.to_string(),
                format!("{} (notes.experiment)", json.display()),
            ),
            None if run_toml.is_file() => (
                std::fs::read_to_string(&run_toml).map_err(|e| Error::io(&run_toml, e))?,
                run_toml.display().to_string(),
            ),
            None => {
                return Err(Error::data(&json, None, "notes.experiment is missing and there is no experiment.toml beside it: this checkpoint was not written by gankit train"));
            }
        };
        let mut exp = Experiment::from_text(&text, &label, "experiment", false)?;
        let variant = notes
            .and_then(|n| n.get("variant"))
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .or_else(|| {
                text.lines().find_map(|l| {
                    l.strip_prefix("# variant = ")
                        .map(|v| v.trim_matches('"').to_string())
                })
            });
        exp.mode = match variant.as_deref() {
            Some("quick") => Mode::Quick,
            Some("smoke") => Mode::Smoke,
            _ => Mode::Full,
        };
        let device = crate::device::try_device()?;
        let (g_path, d_path) = (dir.join("g.safetensors"), dir.join("d.safetensors"));
        let net = match &exp.translation {
            Some(Translation::Cycle { .. }) => {
                let mut gan = exp.untrained_cyclegan(device)?;
                load_store(gan.stores().vs_g, &g_path)?;
                Loaded::Cycle(Box::new(gan))
            }
            Some(Translation::Star { .. }) => {
                let mut gan = exp
                    .untrained_stargan(device)?
                    .with_domain_names(exp.star_names(None));
                let stores = gan.stores();
                load_store(stores.vs_g, &g_path)?;
                load_store(stores.vs_d, &d_path)?; // D's domain classifier scores the edits
                Loaded::Star(Box::new(gan))
            }
            None => {
                let (g, mut vs_g, _d, _vs_d) = exp.build_nets(device)?;
                load_store(&mut vs_g, &g_path)?;
                let state = dir.join("state.safetensors");
                let saved_c = if exp.model.family.is_conditional() && state.is_file() {
                    Tensor::read_safetensors(&state)
                        .map_err(|e| Error::torch(format!("reading {}", state.display()), e))?
                        .into_iter()
                        .find(|(k, _)| k == "fixed_c")
                        .map(|(_, t)| t.to_device(device))
                } else {
                    None
                };
                let fixed_c = match saved_c {
                    Some(c) => Some(c),
                    None => exp.fixed_conditions()?.map(|c| c.to_device(device)),
                };
                Loaded::Gan { g, fixed_c }
            }
        };
        let step = info.get("step").and_then(|s| s.as_u64()).unwrap_or(0);
        Ok(Trained {
            exp,
            net,
            dir,
            step,
            device,
        })
    }

    pub(super) fn fixed_c(&self) -> Option<&Tensor> {
        match &self.net {
            Loaded::Gan { fixed_c, .. } => fixed_c.as_ref(),
            _ => None,
        }
    }

    /// `n` samples from new noise (in chunks of 250; G in training mode, as the grids were
    /// drawn), with `conditions` (cycled) for a conditional G.
    pub(super) fn generate(&self, n: usize, conditions: Option<&Tensor>) -> Tensor {
        let mut parts = Vec::new();
        let chunks = n.div_ceil(250).max(1);
        let mut done = 0;
        for i in 0..chunks {
            // even chunks (none of 1: G's BatchNorm1d needs two samples in training mode)
            let k = n / chunks + usize::from(i < n % chunks);
            let z = Tensor::randn([k as i64, self.exp.train.z_dim], (Kind::Float, self.device));
            let c = conditions.map(|c| {
                let rows = c.size()[0];
                let idx = (Tensor::arange(k as i64, (Kind::Int64, self.device)) + done as i64)
                    .remainder(rows);
                c.to_device(self.device).index_select(0, &idx)
            });
            let Loaded::Gan { g, .. } = &self.net else {
                unreachable!("generate is for the GAN families")
            };
            parts.push(tch::no_grad(|| g.forward_gan(&z, c.as_ref(), true)).to_device(Device::Cpu));
            done += k;
        }
        Tensor::cat(&parts, 0)
    }
}

/// The generator seed of `sample` and `eval`: mixed so that it never replays the run's own
/// fixed noise (drawn right after seeding with the run's seed).
pub(super) fn sampling_seed(seed: u64) -> i64 {
    ((seed ^ 0x7361_6d70_6c65).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 1) as i64
}

/// `gankit sample`: `n` samples from a checkpoint's G (rebuilt from the experiment stored in
/// its checkpoint.json; nothing is trained) saved as a PNG grid, or for 2-D data a scatter over
/// the real data. Default output: `<run folder>/samples-step-NNNNNN.png`.
pub fn sample_checkpoint(
    checkpoint: impl AsRef<Path>,
    n: usize,
    out: Option<&Path>,
    seed: u64,
) -> Result<PathBuf> {
    if n < 2 {
        return Err(Error::setting(
            "--n",
            format!("must be at least 2 (G's BatchNorm needs a batch), got {n}"),
        ));
    }
    let t = Trained::load(checkpoint.as_ref())?;
    tch::manual_seed(sampling_seed(seed));
    let path = match out {
        Some(p) => p.to_path_buf(),
        None => t
            .dir
            .parent()
            .unwrap_or(Path::new("."))
            .join(format!("samples-step-{:06}.png", t.step)),
    };
    match &t.net {
        Loaded::Cycle(gan) => {
            let (test_a, test_b, _) = t.exp.cycle_test_images()?;
            let k = (n as i64)
                .min(16)
                .min(test_a.size()[0])
                .min(test_b.size()[0]);
            let panel = gan.translate_panel(&test_a.narrow(0, 0, k), &test_b.narrow(0, 0, k))?;
            return ImageGrid::cycle_panel(&panel)?.save(&path);
        }
        Loaded::Star(gan) => {
            let data = if t.exp.star_domains().is_some() {
                None
            } else {
                Some(t.exp.load_data()?)
            };
            let show = t.exp.star_show_faces(data.as_ref(), n.min(16))?;
            return gan.translations(&show)?.save(&path);
        }
        Loaded::Gan { .. } => {}
    }
    let x = t.generate(n, t.fixed_c());
    if t.exp.data.source.is_2d() {
        let real = t.exp.load_data()?.head(1000).x;
        let r = real.abs().max().double_value(&[]) * 1.3 + 0.5;
        FieldPlot::new(
            format!("{} · step {} · {n} samples", t.exp.name, t.step),
            (-r, r),
            (-r, r),
        )
        .real(&real)?
        .fake(&x)?
        .save(&path)
    } else {
        ImageGrid::new(&x)?.save(&path)
    }
}

/// What `gankit eval` prints: one row per number, generated samples against real data.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalReport {
    /// What was evaluated.
    pub title: String,
    /// The column names: ("metric", "generated", "real data"), or for CycleGAN
    /// ("metric", "translated", "input unchanged").
    pub header: (String, String, String),
    /// (metric, generated, real data).
    pub rows: Vec<(String, String, String)>,
    /// Remarks printed under the table.
    pub notes: Vec<String>,
}

impl fmt::Display for EvalReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.title)?;
        let all: Vec<&(String, String, String)> =
            std::iter::once(&self.header).chain(&self.rows).collect();
        let w0 = all.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
        let w1 = all.iter().map(|r| r.1.chars().count()).max().unwrap_or(0);
        let w2 = all.iter().map(|r| r.2.chars().count()).max().unwrap_or(0);
        let pad =
            |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(s.chars().count())));
        for (i, r) in all.iter().enumerate() {
            writeln!(
                f,
                "| {} | {} | {} |",
                pad(&r.0, w0),
                pad(&r.1, w1),
                pad(&r.2, w2)
            )?;
            if i == 0 {
                writeln!(
                    f,
                    "|{}|{}|{}|",
                    "-".repeat(w0 + 2),
                    "-".repeat(w1 + 2),
                    "-".repeat(w2 + 2)
                )?;
            }
        }
        for n in &self.notes {
            writeln!(f, "{n}")?;
        }
        Ok(())
    }
}

/// `gankit eval`: the evaluators that fit the checkpoint's data, on `n` samples (default:
/// 2,000 faces, 8 per objects test condition, 2,500 points), with the same numbers for real
/// (built-in) data beside them: faces → face rate, distinct hair/eye combinations and KL from
/// the data (and tag accuracy when conditional); objects → the i-CLEVR accuracy on the fixed
/// test conditions; 2-D mixtures → modes captured and high-quality samples.
pub fn eval_checkpoint(checkpoint: impl AsRef<Path>, n: Option<usize>) -> Result<EvalReport> {
    if let Some(n) = n.filter(|&n| n < 2) {
        return Err(Error::setting(
            "--n",
            format!("must be at least 2 (G's BatchNorm needs a batch), got {n}"),
        ));
    }
    let t = Trained::load(checkpoint.as_ref())?;
    let exp = &t.exp;
    let d = &exp.data;
    let title = format!(
        "{} ({}), step {} — {}",
        exp.name,
        mode_word(exp.mode),
        t.step,
        t.dir.display()
    );
    let header = (
        "metric".to_string(),
        "generated".to_string(),
        "real data".to_string(),
    );
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    let pct = |v: f64| format!("{:.1} %", 100.0 * v);
    tch::manual_seed(sampling_seed(0));
    match &t.net {
        Loaded::Cycle(gan) => return eval_cyclegan(&t, gan, n, title),
        Loaded::Star(gan) => return eval_stargan(&t, gan, n, title),
        Loaded::Gan { .. } => {}
    }
    if let Some(p) = &d.path {
        notes.push(format!("data.path is {}: the evaluators were trained on gankit's built-in data, so the real column shows built-in data", p.display()));
    }
    if d.source.is_2d() {
        let Some(mixture) = d.source.mixture() else {
            notes.push("no evaluator for the swiss roll (it has no modes to count); look at `gankit sample`".into());
            return Ok(EvalReport {
                title,
                header,
                rows,
                notes,
            });
        };
        let n = n.unwrap_or(2500);
        let fake = t.generate(n, None);
        let real = mixture.sample(n, 12_345).x;
        let (f, r) = (
            mode_coverage(&fake, &mixture)?,
            mode_coverage(&real, &mixture)?,
        );
        rows.push((
            "modes captured".into(),
            format!("{} of {}", f.captured, f.modes),
            format!("{} of {}", r.captured, r.modes),
        ));
        rows.push((
            "high-quality samples (≤ 3 std)".into(),
            pct(f.high_quality),
            pct(r.high_quality),
        ));
        rows.push(("samples".into(), n.to_string(), n.to_string()));
        return Ok(EvalReport {
            title,
            header,
            rows,
            notes,
        });
    }
    if d.size < 32 {
        return Err(Error::setting(
            "eval",
            format!(
                "the evaluators need images of at least 32×32; this run's are {}×{}",
                d.size, d.size
            ),
        ));
    }
    let cpu = Device::Cpu;
    match d.source {
        DataSource::Objects => {
            let n = n.unwrap_or(8 * 32);
            let conds = objects_data::multi_hot(&objects_data::test_conditions());
            let cycled = cycle_rows(&conds, n);
            let fake = t.generate(n, Some(&cycled));
            let eval = ObjectEvaluator::builtin(cpu)?;
            let acc = eval.accuracy(&fake, &cycled)?;
            let real = objects_data::objects(n, d.size, 54_321);
            let racc =
                eval.accuracy(&real.x, real.labels.as_ref().expect("objects have labels"))?;
            rows.push((
                "object accuracy (test conditions)".into(),
                format!("{acc:.3}"),
                format!("{racc:.3}"),
            ));
            rows.push(("samples".into(), n.to_string(), n.to_string()));
            notes.push(
                "report 004 scored 0.528 on its 32 test conditions (i-CLEVR, its own classifier)"
                    .into(),
            );
        }
        _ => {
            let n = n.unwrap_or(2000);
            let eval = FaceEvaluator::builtin(cpu)?;
            let cfg = FacesConfig {
                n,
                size: d.size,
                seed: 0xE7A1_0000,
                labels: FaceLabels::None,
            };
            let specs = face_specs(&cfg);
            let real = render_faces(&specs, d.size, cfg.seed);
            let conditional = exp.model.family.is_conditional()
                && matches!(d.labels, FaceLabels::HairEye | FaceLabels::Tags);
            let fake = if conditional {
                // every (hair, eye) combination of the data in turn
                let combos = combinations();
                let width = exp.label_width().unwrap_or(0) as usize;
                let mut v = vec![0f32; n * width];
                let (mut hair, mut eye) = (Vec::with_capacity(n), Vec::with_capacity(n));
                for i in 0..n {
                    let (h, e) = combos[i % combos.len()];
                    let k = if d.labels == FaceLabels::HairEye {
                        vec![i % combos.len()]
                    } else {
                        vec![h, 12 + e]
                    };
                    for k in k {
                        v[i * width + k] = 1.0;
                    }
                    hair.push(h as i64);
                    eye.push(e as i64);
                }
                let c = Tensor::from_slice(&v).view([n as i64, width as i64]);
                let fake = t.generate(n, Some(&c));
                let (h, e, both) = eval.tag_accuracy(
                    &fake,
                    &Tensor::from_slice(&hair),
                    &Tensor::from_slice(&eye),
                )?;
                let rh: Vec<i64> = specs.iter().map(|s| s.hair as i64).collect();
                let re: Vec<i64> = specs.iter().map(|s| s.eye as i64).collect();
                let (rh, re, rboth) =
                    eval.tag_accuracy(&real, &Tensor::from_slice(&rh), &Tensor::from_slice(&re))?;
                rows.push(("hair colour as asked".into(), pct(h), pct(rh)));
                rows.push(("eye colour as asked".into(), pct(e), pct(re)));
                rows.push(("both as asked".into(), pct(both), pct(rboth)));
                fake
            } else {
                t.generate(n, t.fixed_c())
            };
            let (f, r) = (eval.diversity(&fake)?, eval.diversity(&real)?);
            rows.push((
                "faces (evaluator P ≥ 0.5)".into(),
                pct(f.face_rate),
                pct(r.face_rate),
            ));
            rows.push((
                "distinct hair/eye combinations".into(),
                f.combinations.to_string(),
                r.combinations.to_string(),
            ));
            rows.push((
                "KL from the data's combinations".into(),
                format!("{:.3}", f.kl_from_data),
                format!("{:.3}", r.kl_from_data),
            ));
            rows.push(("samples".into(), n.to_string(), n.to_string()));
            if n < 2000 {
                notes.push(format!(
                    "{n} samples: the diversity numbers settle from about 2,000"
                ));
            }
        }
    }
    Ok(EvalReport {
        title,
        header,
        rows,
        notes,
    })
}

/// CycleGAN: on held-out images, the translations against the true pairs (built-in maps)
/// next to the input left unchanged, and the cycle reconstructions against the inputs.
pub(super) fn eval_cyclegan(
    t: &Trained,
    gan: &CycleGan,
    n: Option<usize>,
    title: String,
) -> Result<EvalReport> {
    let (test_a, test_b, paired) = t.exp.cycle_test_images()?;
    let k = (n.unwrap_or(64) as i64)
        .min(test_a.size()[0])
        .min(test_b.size()[0]);
    let (a, b) = (test_a.narrow(0, 0, k), test_b.narrow(0, 0, k));
    let p = gan.translate_panel(&a, &b)?;
    let cpu = |x: &Tensor| x.to_device(Device::Cpu);
    let score = |x: &Tensor, y: &Tensor| crate::metrics::pairs::pair_score(&cpu(x), &cpu(y));
    let show =
        |s: crate::metrics::pairs::PairScore| format!("L1 {:.3}, PSNR {:.1} dB", s.l1, s.psnr);
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    if paired {
        rows.push((
            "map → aerial vs the true aerial".to_string(),
            show(score(&p.fake_b, &b)?),
            show(score(&a, &b)?),
        ));
        rows.push((
            "aerial → map vs the true map".to_string(),
            show(score(&p.fake_a, &a)?),
            show(score(&b, &a)?),
        ));
    } else {
        notes.push("testA/testB of a folder are not known to be pairs: only the reconstructions are scored".to_string());
    }
    rows.push((
        "A → B → A vs A (cycle)".to_string(),
        show(score(&p.rec_a, &a)?),
        "L1 0, PSNR ∞".to_string(),
    ));
    rows.push((
        "B → A → B vs B (cycle)".to_string(),
        show(score(&p.rec_b, &b)?),
        "L1 0, PSNR ∞".to_string(),
    ));
    rows.push(("image pairs".to_string(), k.to_string(), k.to_string()));
    let header = (
        "metric".to_string(),
        "translated".to_string(),
        "input unchanged".to_string(),
    );
    Ok(EvalReport {
        title,
        header,
        rows,
        notes,
    })
}

/// StarGAN: held-out faces translated to each domain; D's classifier on the edited domain and
/// (built-in faces) the face evaluator's hair colour and face rate, next to the same on the
/// untouched faces with their own labels.
pub(super) fn eval_stargan(
    t: &Trained,
    gan: &StarGan,
    n: Option<usize>,
    title: String,
) -> Result<EvalReport> {
    let exp = &t.exp;
    let data = if exp.star_domains().is_some() {
        None
    } else {
        Some(exp.load_data()?)
    };
    let faces = exp.star_show_faces(data.as_ref(), n.unwrap_or(64))?;
    let names = exp.star_names(data.as_ref());
    let c_org = faces
        .labels
        .as_ref()
        .ok_or_else(|| Error::setting("stargan", "the faces need labels"))?
        .to_kind(Kind::Float);
    let targets = gan.targets(&c_org);
    let outs = gan.translate(&faces.x, &targets)?;
    let pct = |v: f64| format!("{:.1} %", 100.0 * v);
    let real_acc = gan.attribute_accuracy(&faces.x, &c_org)?;
    let mut rows = Vec::new();
    for (k, (out, target)) in outs.iter().zip(&targets).enumerate() {
        let acc = gan.attribute_accuracy(out, target)?;
        rows.push((
            format!(
                "→ {}: D's classifier agrees",
                names.get(k).map_or("?", String::as_str)
            ),
            pct(acc[k]),
            pct(real_acc[k]),
        ));
    }
    let mut notes = vec!["D's classifier is StarGAN's own judge (G was trained to satisfy it); the face evaluator is independent".to_string()];
    if let Some(domains) = exp.star_domains() {
        let eval = FaceEvaluator::builtin(Device::Cpu)?;
        let mut hits = Vec::new();
        for (out, target) in outs.iter().zip(&targets).take(domains.hair.len()) {
            if let Some(a) = eval.hair_accuracy(domains, &out.to_device(Device::Cpu), target)? {
                hits.push(a);
            }
        }
        if !hits.is_empty() {
            let real = eval
                .hair_accuracy(domains, &faces.x, &c_org)?
                .map_or("—".to_string(), pct);
            rows.push((
                "hair colour as asked (face evaluator)".to_string(),
                pct(hits.iter().sum::<f64>() / hits.len() as f64),
                real,
            ));
        }
        let all = Tensor::cat(
            &outs
                .iter()
                .map(|o| o.to_device(Device::Cpu))
                .collect::<Vec<_>>(),
            0,
        );
        rows.push((
            "faces (evaluator P ≥ 0.5)".to_string(),
            pct(eval.face_rate(&all)?),
            pct(eval.face_rate(&faces.x)?),
        ));
    } else {
        notes.push(
            "CelebA: the face evaluator knows gankit's built-in faces only, so it is not used"
                .to_string(),
        );
    }
    rows.push((
        "faces × targets".to_string(),
        format!("{} × {}", faces.x.size()[0], outs.len()),
        format!("{} (as they are)", faces.x.size()[0]),
    ));
    let header = (
        "metric".to_string(),
        "translated".to_string(),
        "real (own labels)".to_string(),
    );
    Ok(EvalReport {
        title,
        header,
        rows,
        notes,
    })
}
