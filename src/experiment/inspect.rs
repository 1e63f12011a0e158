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
    /// The GAN trainer with G's weights and the run's fixed conditions (D untrained: no
    /// evaluation reads it).
    Gan(Box<BoxedGan>),
    Cycle(Box<CycleGan>),
    Star(Box<StarGan>),
}

pub(super) struct Trained {
    exp: Experiment,
    net: Loaded,
    dir: PathBuf,
    step: u64,
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
                let mut gan = exp.untrained_gan(device)?;
                load_store(gan.stores().vs_g, &g_path)?;
                let state = dir.join("state.safetensors");
                if exp.model.family.is_conditional() && state.is_file() {
                    let saved_c = Tensor::read_safetensors(&state)
                        .map_err(|e| Error::torch(format!("reading {}", state.display()), e))?
                        .into_iter()
                        .find(|(k, _)| k == "fixed_c");
                    if let Some((_, c)) = saved_c {
                        gan = gan.with_fixed_conditions(&c)?;
                    }
                }
                Loaded::Gan(Box::new(gan))
            }
        };
        let step = info.get("step").and_then(|s| s.as_u64()).unwrap_or(0);
        Ok(Trained {
            exp,
            net,
            dir,
            step,
        })
    }
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
    let x = match &t.net {
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
        Loaded::Gan(gan) => generate(gan, n, gan.fixed_conditions()),
    };
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

impl Experiment {
    /// The [`Judge`] for this experiment's data, what `gankit eval` scores a checkpoint with
    /// and a notebook gives [`evaluate`]: faces (a conditional
    /// family on hair_eye or tags labels: [`Judge::conditional_faces`]), objects, the 2-D
    /// mixture's modes (none for the swiss roll), CycleGAN's held-out pairs, StarGAN's
    /// held-out faces.
    ///
    /// ```no_run
    /// # use gankit::prelude::*;
    /// let exp = Experiment::load("configs/report003_cwgan_gp.toml")?.quick();
    /// let gan = exp.build(device())?;
    /// let report = evaluate(&gan, &exp.judge()?, 2_000)?;
    /// # Ok::<(), gankit::Error>(())
    /// ```
    pub fn judge(&self) -> Result<Judge> {
        let d = &self.data;
        let judge = match &self.translation {
            Some(Translation::Cycle { .. }) => {
                let (a, b, paired) = self.cycle_test_images()?;
                return Ok(if paired {
                    Judge::pairs(&a, &b)
                } else {
                    Judge::unpaired(&a, &b)
                });
            }
            Some(Translation::Star { domains, .. }) => {
                return Ok(match domains {
                    Some(domains) => Judge::star(domains, d.seed.wrapping_add(0x5E1F)),
                    None => Judge::star_data(),
                });
            }
            None if d.source.is_2d() => match d.source.mixture() {
                Some(m) => Judge::mixture(m),
                None => Judge::none("no evaluator for the swiss roll (it has no modes to count); look at `gankit sample`"),
            },
            None if d.source == DataSource::Objects => Judge::objects(),
            None if self.model.family.is_conditional()
                && matches!(d.labels, FaceLabels::HairEye | FaceLabels::Tags) =>
            {
                Judge::conditional_faces(d.labels)
            }
            None => Judge::faces(),
        };
        Ok(match &d.path {
            Some(p) => judge.with_note(format!("data.path is {}: the evaluators were trained on gankit's built-in data, so the real column shows built-in data", p.display())),
            None => judge,
        })
    }
}

/// `gankit eval`: the checkpoint's trainer rebuilt (from the experiment stored with it) and
/// scored by [`evaluate`](crate::metrics::evaluate) with [`Experiment::judge`], on `n`
/// samples (default [`Judge::default_n`]: 2,000 faces, 8 per objects test condition, 2,500
/// points, 64 held-out pairs or faces): the same numbers a notebook gets from the trainer in
/// memory, with the real-data column beside them. Faces → face rate, distinct hair/eye
/// combinations and KL from the data (when conditional: colours as asked and the
/// within-condition diversity); objects → the i-CLEVR accuracy on the fixed test
/// conditions; 2-D mixtures → modes captured and high-quality samples; CycleGAN → L1/PSNR
/// against the true pairs and the cycles; StarGAN → D's classifier and the face evaluator on
/// the edits.
pub fn eval_checkpoint(checkpoint: impl AsRef<Path>, n: Option<usize>) -> Result<EvalReport> {
    if let Some(n) = n.filter(|&n| n < 2) {
        return Err(Error::setting(
            "--n",
            format!("must be at least 2 (G's BatchNorm needs a batch), got {n}"),
        ));
    }
    let mut t = Trained::load(checkpoint.as_ref())?;
    if let (Loaded::Star(gan), None) = (&mut t.net, t.exp.star_domains()) {
        gan.set_data(&t.exp.load_data()?)?; // CelebA: the judge reads the last faces of the data
    }
    if let Loaded::Cycle(gan) = &mut t.net {
        let sets = t.exp.load_domains()?; // the mean training images: the bar of a G that ignores its input
        gan.set_data(&sets.a, &sets.b)?;
    }
    let judge = t.exp.judge()?;
    let n = n.unwrap_or_else(|| judge.default_n());
    let mut report = match &t.net {
        Loaded::Gan(gan) => evaluate(gan.as_ref(), &judge, n)?,
        Loaded::Cycle(gan) => evaluate(gan.as_ref(), &judge, n)?,
        Loaded::Star(gan) => evaluate(gan.as_ref(), &judge, n)?,
    };
    report.title = format!(
        "{} ({}), step {} — {}",
        t.exp.name,
        mode_word(t.exp.mode),
        t.step,
        t.dir.display()
    );
    Ok(report)
}
