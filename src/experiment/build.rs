use super::*;

// ------------------------------------------------------------------------------ building it

impl Experiment {
    /// Steps in all for a data set of `n` samples (epochs converted; see the module docs).
    pub fn steps(&self, n: usize) -> usize {
        self.length_steps(self.length, n)
    }

    /// The learning-rate schedule of a run of `total` steps: constant, or with `lr_decay` the
    /// last ⌈lr_decay · total⌉ steps falling linearly to 0 ([`LrSchedule::Linear`]).
    pub fn lr_schedule(&self, total: usize) -> LrSchedule {
        match self.lr_decay {
            None => LrSchedule::Constant,
            Some(f) => {
                let decay = ((f * total as f64).ceil() as usize).clamp(1, total.max(1));
                LrSchedule::linear(total.saturating_sub(decay), decay)
            }
        }
    }

    pub(super) fn length_steps(&self, l: Length, n: usize) -> usize {
        match l {
            Length::Steps(s) => s,
            Length::Epochs(e) => {
                let per_epoch =
                    (n / self.train.batch_size.max(1)) as f64 / self.train.d_steps.max(1) as f64;
                ((e * per_epoch).ceil() as usize).max(1)
            }
        }
    }

    /// Steps of the warm-up (G every step) for `n` samples.
    pub fn warmup_steps(&self, n: usize) -> usize {
        self.warmup.map_or(0, |w| self.length_steps(w, n))
    }

    /// `g_every` at step `step` (1 during the warm-up).
    pub fn g_every_at(&self, step: usize, n: usize) -> usize {
        if step <= self.warmup_steps(n) {
            1
        } else {
            self.train.g_every
        }
    }

    /// The samples the data will have when built in (real data: `data.n` or unknown).
    pub fn data_len_hint(&self) -> Option<usize> {
        self.data.n
    }

    /// The label width of the data (and of a conditional model).
    pub(super) fn label_width(&self) -> Option<i64> {
        self.model.n_classes
    }

    /// Loads or generates the data set (on the CPU). Loader errors are prefixed with the file
    /// and `data.path`.
    pub fn load_data(&self) -> Result<Dataset> {
        let d = &self.data;
        let file = &self.source.label;
        let n = d.n.unwrap_or(10_000);
        if d.source == DataSource::Maps {
            return Err(Error::setting(
                format!("{file}: data.source"),
                "maps come as two domains: use Experiment::load_domains",
            ));
        }
        let data = match (&d.path, d.source) {
            (None, DataSource::Faces) if self.star_domains().is_some() => self
                .star_domains()
                .expect("checked")
                .faces(n, d.size, d.seed),
            (None, DataSource::Faces) => faces(&FacesConfig {
                n,
                size: d.size,
                seed: d.seed,
                labels: d.labels,
            }),
            (None, DataSource::Objects) => objects_data::objects(n, d.size, d.seed),
            (None, DataSource::Ring8) => Mixture::ring8().sample(n, d.seed),
            (None, DataSource::Grid25) => Mixture::grid25().sample(n, d.seed),
            (None, DataSource::SwissRoll) => swiss_roll(n, 0.05, d.seed),
            (None, DataSource::Maps) => unreachable!("returned above"),
            (Some(p), _) => {
                let at = |e: Error| Error::setting(format!("{file}: data.path"), e.to_string());
                let mut ds = match d.format.unwrap_or(DataFormat::ImageFolder) {
                    DataFormat::TaggedFaces => {
                        crate::data::tags::load_tagged_faces(p, d.size, d.labels, d.cache)
                            .map_err(at)?
                    }
                    DataFormat::ImageFolder => {
                        let l = crate::data::folder::load_image_folder(p, d.size, d.cache)
                            .map_err(at)?;
                        Dataset {
                            name: format!("{} {}×{}", p.display(), d.size, d.size),
                            x: l.images,
                            labels: None,
                            label_names: Vec::new(),
                        }
                    }
                    DataFormat::Celeba => {
                        let columns = if self.model.family == Family::StarGan {
                            self.celeba_columns(p)?
                        } else {
                            d.attributes.clone()
                        };
                        let attrs: Vec<&str> = columns.iter().map(String::as_str).collect();
                        crate::data::formats::load_celeba(p, d.size, &attrs, d.cache).map_err(at)?
                    }
                    DataFormat::Iclevr => {
                        crate::data::formats::load_iclevr(p, d.size, d.cache).map_err(at)?
                    }
                    DataFormat::CycleGan => unreachable!("maps returned above"),
                };
                if let Some(n) = d.n {
                    if n < ds.len() {
                        ds.x = ds.x.narrow(0, 0, n as i64);
                        ds.labels = ds.labels.map(|l| l.narrow(0, 0, n as i64));
                    }
                }
                if ds.len() < self.train.batch_size {
                    return Err(Error::setting(
                        format!("{file}: data.path"),
                        format!(
                            "{}: {} usable samples, fewer than train.batch_size ({})",
                            p.display(),
                            ds.len(),
                            self.train.batch_size
                        ),
                    ));
                }
                if let (Some(w), Some(l)) = (self.label_width(), &ds.labels) {
                    let have = l.size()[1];
                    if have != w {
                        return Err(Error::setting(format!("{file}: data.path"), format!("{}: the data has {have} label columns but the model is built for {w} (model.n_classes)", p.display())));
                    }
                }
                ds
            }
        };
        Ok(data)
    }

    /// G and D with their variable stores on `device`, initialised from `train.seed`.
    pub fn build_nets(&self, device: Device) -> Result<Nets> {
        let m = &self.model;
        let size = self.data.size as i64;
        let z = self.train.z_dim;
        let width = self.label_width().unwrap_or(0);
        tch::manual_seed(self.train.seed as i64);
        let (vs_g, vs_d) = (nn::VarStore::new(device), nn::VarStore::new(device));
        let (pg, pd) = (vs_g.root(), vs_d.root());
        let (g, d): (Box<dyn GanNet>, Box<dyn GanNet>) = match m.family {
            Family::Baseline => {
                let c = nets::BaselineConfig {
                    z_dim: z,
                    dim: m.ngf,
                    channels: 3,
                    image_size: size,
                };
                let d: Box<dyn GanNet> = if m.critic {
                    Box::new(nets::baseline_critic(&pd, &c))
                } else {
                    Box::new(nets::baseline_discriminator(&pd, &c))
                };
                (Box::new(nets::baseline_generator(&pg, &c)), d)
            }
            Family::Dcgan | Family::Selu => {
                let c = nets::DcganConfig {
                    z_dim: z,
                    ngf: m.ngf,
                    ndf: m.ndf,
                    channels: 3,
                    image_size: size,
                    sigmoid: m.sigmoid,
                    dropout: m.dropout,
                };
                if m.family == Family::Selu {
                    (
                        Box::new(nets::selu_generator(&pg, &c)),
                        Box::new(nets::selu_discriminator(&pd, &c)),
                    )
                } else if m.spectral_norm {
                    let s = nets::SnganConfig {
                        ndf: m.ndf,
                        channels: 3,
                        image_size: size,
                        ..Default::default()
                    };
                    (
                        Box::new(nets::dcgan_generator(&pg, &c)),
                        Box::new(nets::sn_discriminator(&pd, &s)),
                    )
                } else {
                    (
                        Box::new(nets::dcgan_generator(&pg, &c)),
                        Box::new(nets::dcgan_discriminator(&pd, &c)),
                    )
                }
            }
            Family::TextToImage => {
                let c = nets::TextToImageConfig {
                    z_dim: z,
                    n_classes: width,
                    ngf: m.ngf,
                    ndf: m.ndf,
                    channels: 3,
                    image_size: size,
                    sigmoid: m.sigmoid,
                };
                (
                    Box::new(nets::text_to_image_generator(&pg, &c)),
                    Box::new(nets::text_to_image_discriminator(&pd, &c)),
                )
            }
            Family::Cwgan => {
                let c = nets::CwganConfig {
                    z_dim: z,
                    n_tags: width,
                    ngf: m.ngf,
                    ndf: m.ndf,
                    channels: 3,
                    image_size: size,
                };
                (
                    Box::new(nets::cwgan_generator(&pg, &c)),
                    Box::new(nets::cwgan_critic(&pd, &c)),
                )
            }
            Family::Cgan => {
                let c = nets::CganConfig {
                    z_dim: z,
                    n_classes: width,
                    ngf: m.ngf,
                    ndf: m.ndf,
                    channels: 3,
                    image_size: size,
                    sigmoid: m.sigmoid,
                };
                (
                    Box::new(nets::cgan_generator(&pg, &c)),
                    Box::new(nets::cgan_discriminator(&pd, &c)),
                )
            }
            Family::Mlp => {
                let c = nets::MlpConfig {
                    z_dim: z,
                    hidden: m.hidden.clone(),
                    data_dim: 2,
                    sigmoid: m.sigmoid,
                };
                (
                    Box::new(nets::mlp_generator(&pg, &c)),
                    Box::new(nets::mlp_discriminator(&pd, &c)),
                )
            }
            Family::CycleGan | Family::StarGan => {
                let what = if m.family == Family::CycleGan {
                    "build_cyclegan"
                } else {
                    "build_stargan"
                };
                return Err(Error::setting(
                    format!("{}: model.family", self.source.label),
                    format!("{} has its own trainer: use Experiment::{what}", m.family),
                ));
            }
        };
        Ok((g, vs_g, d, vs_d))
    }

    /// Trainable parameters of G and D (all generators and discriminators for CycleGAN),
    /// built on the CPU: what `gankit check` prints.
    pub fn parameter_counts(&self) -> Result<(i64, i64)> {
        let (vs_g, vs_d) = match self.model.family {
            Family::CycleGan => {
                let gan = self.build_cyclegan(Device::Cpu)?;
                (gan.vs_g, gan.vs_d)
            }
            Family::StarGan => {
                let gan = self.build_stargan(Device::Cpu)?;
                (gan.vs_g, gan.vs_d)
            }
            _ => {
                let (_g, vs_g, _d, vs_d) = self.build_nets(Device::Cpu)?;
                (vs_g, vs_d)
            }
        };
        Ok((count_params(&vs_g), count_params(&vs_d)))
    }

    /// The conditions shown with the fixed noise of a conditional run: one (hair, eye)
    /// combination per sample in order, the 8 attribute sets, or the objects' test conditions.
    pub fn fixed_conditions(&self) -> Result<Option<Tensor>> {
        if !self.model.family.is_conditional() {
            return Ok(None);
        }
        let n = self.train.fixed_samples as usize;
        let combos = combinations();
        let rows: Vec<Vec<usize>> = match (self.data.source, self.data.labels, self.data.format) {
            (DataSource::Objects, _, None) => objects_data::test_conditions(),
            (DataSource::Objects, _, Some(_)) => {
                let test = self
                    .data
                    .path
                    .as_ref()
                    .map(|p| p.join("test.json"))
                    .filter(|p| p.is_file());
                return match test {
                    Some(_) => {
                        let t = crate::data::formats::load_iclevr_test(
                            self.data.path.as_ref().expect("path"),
                        )
                        .map_err(|e| {
                            Error::setting(
                                format!("{}: data.path", self.source.label),
                                e.to_string(),
                            )
                        })?;
                        Ok(Some(cycle_rows(&t, n)))
                    }
                    None => Ok(None),
                };
            }
            (_, _, Some(DataFormat::Celeba)) => return Ok(None),
            (_, FaceLabels::HairEye, _) => (0..combos.len()).map(|i| vec![i]).collect(),
            (_, FaceLabels::Tags, _) => combos.iter().map(|&(h, e)| vec![h, 12 + e]).collect(),
            (_, FaceLabels::Attributes, _) => (0..8)
                .map(|b| (0..3).filter(|k| b >> k & 1 == 1).collect())
                .collect(),
            (_, FaceLabels::None, _) => return Ok(None),
        };
        let width = self.label_width().unwrap_or(0) as usize;
        let mut v = vec![0f32; n * width];
        for i in 0..n {
            for &k in &rows[i % rows.len()] {
                if k < width {
                    v[i * width + k] = 1.0;
                }
            }
        }
        Ok(Some(Tensor::from_slice(&v).view([n as i64, width as i64])))
    }

    /// The networks and the trainer (no data): seeds, fixed noise and conditions, and the
    /// experiment stored in `gan.notes["experiment"]` for checkpoints. A warm-up
    /// (`warmup_steps`, report 002 §3) is applied by [`Experiment::run`]; a loop of your own
    /// sets `gan.config.g_every = exp.g_every_at(step, data.len())` before each step. So is
    /// `train.lr_decay`: a loop of your own sets `gan.config.lr_schedule =
    /// exp.lr_schedule(exp.steps(data.len()))`.
    pub fn build_gan(&self, device: Device) -> Result<BoxedGan> {
        let (g, vs_g, d, vs_d) = self.build_nets(device)?;
        let mut gan = Gan::new(g, vs_g, d, vs_d, self.train.clone())?;
        if let Some(c) = self.fixed_conditions()? {
            gan = gan.with_fixed_conditions(&c)?;
        }
        gan.notes.insert("experiment".into(), self.to_toml());
        gan.notes
            .insert("experiment_file".into(), self.source.label.clone());
        gan.notes
            .insert("variant".into(), mode_word(self.mode).into());
        Ok(gan)
    }

    /// The trainer and the data set on `device`.
    pub fn build(&self, device: Device) -> Result<(BoxedGan, Dataset)> {
        let data = self.load_data()?.to_device(device);
        Ok((self.build_gan(device)?, data))
    }

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
            (None, _) => format!(" ngf {} ndf {}", self.model.ngf, self.model.ndf),
        };
        s.push_str(&format!("\n  model: {}{model}", self.model.family));
        let opts = if t.optimizers.g == t.optimizers.d {
            format!("{} for G and D", t.optimizers.g)
        } else {
            t.optimizers.to_string()
        };
        let labels = if t.loss.labels == Labels::Hard {
            String::new()
        } else {
            format!(", labels {:?}", t.loss.labels)
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

pub(super) fn mode_word(m: Mode) -> &'static str {
    match m {
        Mode::Full => "full",
        Mode::Quick => "quick",
        Mode::Smoke => "smoke",
    }
}

pub(super) fn cycle_rows(t: &Tensor, n: usize) -> Tensor {
    let rows = t.size()[0].max(1);
    t.index_select(
        0,
        &Tensor::arange(n as i64, (Kind::Int64, t.device())).remainder(rows),
    )
}

pub(super) fn count_params(vs: &nn::VarStore) -> i64 {
    vs.trainable_variables()
        .iter()
        .map(Tensor::numel)
        .sum::<usize>() as i64
}

/// The two domains of a CycleGAN run: training sets and the held-out images shown and scored.
pub struct CycleSets {
    /// Domain A (maps) for training.
    pub a: Dataset,
    /// Domain B (aerial photos) for training.
    pub b: Dataset,
    /// Held-out A images.
    pub test_a: Tensor,
    /// Held-out B images; for the built-in maps, row i is the true pair of `test_a` row i.
    pub test_b: Tensor,
    /// Whether `test_a` and `test_b` are true pairs (the built-in maps).
    pub paired: bool,
}

impl Experiment {
    /// CycleGAN's two domains: the built-in maps (`data.n` training pairs drawn unpaired, 64
    /// held-out true pairs) or a CycleGAN folder at `data.path`.
    pub fn load_domains(&self) -> Result<CycleSets> {
        let d = &self.data;
        let file = &self.source.label;
        if d.source != DataSource::Maps {
            return Err(Error::setting(
                format!("{file}: data.source"),
                "two domains come from maps (model.family = \"cyclegan\")",
            ));
        }
        match &d.path {
            None => {
                let pairs = crate::data::maps::maps(d.n.unwrap_or(1000), d.size, d.seed);
                let (a, b) = map_domains(&pairs);
                let (test_a, test_b, paired) = self.cycle_test_images()?;
                Ok(CycleSets {
                    a,
                    b,
                    test_a,
                    test_b,
                    paired,
                })
            }
            Some(p) => {
                let c = crate::data::formats::load_cyclegan(p, d.size, d.cache)
                    .map_err(|e| Error::setting(format!("{file}: data.path"), e.to_string()))?;
                let cut = |x: Tensor| match d.n {
                    Some(n) if (n as i64) < x.size()[0] => x.narrow(0, 0, n as i64),
                    _ => x,
                };
                let set = |name: &str, x: Tensor| Dataset {
                    name: format!("{} {name}", p.display()),
                    x,
                    labels: None,
                    label_names: Vec::new(),
                };
                Ok(CycleSets {
                    a: set("trainA", cut(c.train_a)),
                    b: set("trainB", cut(c.train_b)),
                    test_a: c.test_a,
                    test_b: c.test_b,
                    paired: false,
                })
            }
        }
    }

    /// The CycleGAN trainer of a `cyclegan` experiment.
    pub fn build_cyclegan(&self, device: Device) -> Result<CycleGan> {
        match &self.translation {
            Some(Translation::Cycle { nets, config }) => {
                CycleGan::new(nets, config.clone(), device)
            }
            _ => Err(Error::setting(
                format!("{}: model.family", self.source.label),
                format!("{} is not cyclegan", self.model.family),
            )),
        }
    }

    /// The StarGAN trainer of a `stargan` experiment.
    pub fn build_stargan(&self, device: Device) -> Result<StarGan> {
        match &self.translation {
            Some(Translation::Star { nets, config, .. }) => {
                StarGan::new(nets, config.clone(), device)
            }
            _ => Err(Error::setting(
                format!("{}: model.family", self.source.label),
                format!("{} is not stargan", self.model.family),
            )),
        }
    }

    pub(super) fn star_domains(&self) -> Option<&StarDomains> {
        match &self.translation {
            Some(Translation::Star { domains, .. }) => domains.as_ref(),
            _ => None,
        }
    }

    /// `k` faces StarGAN did not train on, with their labels: built-in faces of another seed,
    /// or the last `k` of a CelebA folder.
    pub(super) fn star_show_faces(
        &self,
        data: Option<&Dataset>,
        k: usize,
    ) -> Result<crate::data::Batch> {
        match self.star_domains() {
            Some(domains) => {
                let held_out =
                    domains.faces(k, self.data.size, self.data.seed.wrapping_add(0x5E1F));
                Ok(crate::data::Batch {
                    x: held_out.x,
                    labels: held_out.labels,
                })
            }
            None => {
                let data = data.ok_or_else(|| {
                    Error::setting("stargan", "CelebA faces to show need the data")
                })?;
                let n = data.len();
                let idx: Vec<i64> = (n.saturating_sub(k)..n).map(|i| i as i64).collect();
                Ok(data.select(&idx))
            }
        }
    }

    /// The domain names: the built-in domains', or the data's label columns.
    pub(super) fn star_names(&self, data: Option<&Dataset>) -> Vec<String> {
        match (self.star_domains(), data) {
            (Some(d), _) => d.names(),
            (None, Some(data)) => data.label_names.clone(),
            (None, None) => self
                .data
                .hair
                .iter()
                .map(|h| format!("{h} hair"))
                .chain(self.data.attributes.iter().cloned())
                .collect(),
        }
    }

    /// CycleGAN's held-out images (A, B, whether they are true pairs), without the training
    /// sets: the built-in maps' 64 held-out pairs, or the folder's testA/testB.
    pub(super) fn cycle_test_images(&self) -> Result<(Tensor, Tensor, bool)> {
        let d = &self.data;
        match &d.path {
            None => {
                let test = crate::data::maps::maps(64, d.size, d.seed.wrapping_add(0x7E57));
                Ok((test.maps, test.aerial, true))
            }
            Some(_) => {
                let sets = self.load_domains()?;
                Ok((sets.test_a, sets.test_b, sets.paired))
            }
        }
    }

    /// For each label column, the targets that change it: the built-in domains' (one hair
    /// colour of the group, or an attribute flipped), or for CelebA each column flipped.
    pub(super) fn star_targets(&self, c_org: &Tensor) -> Vec<Tensor> {
        // StarDomains::targets reads only the group sizes, so it serves CelebA's columns too
        let groups = StarDomains {
            hair: vec![0; self.data.hair.len()],
            attributes: vec![0; self.data.attributes.len()],
        };
        self.star_domains().unwrap_or(&groups).targets(c_org)
    }

    /// StarGAN's CelebA columns: each name of `data.hair` and `data.attributes` as the folder's
    /// `list_attr_celeba.txt` has it, or its CelebA name (black → Black_Hair, blonde →
    /// Blond_Hair, glasses → Eyeglasses, blush → Rosy_Cheeks, smile → Smiling).
    pub(super) fn celeba_columns(&self, root: &Path) -> Result<Vec<String>> {
        let file = &self.source.label;
        let list = root.join("list_attr_celeba.txt");
        let text = std::fs::read_to_string(&list).map_err(|e| {
            Error::setting(
                format!("{file}: data.path"),
                Error::io(&list, e).to_string(),
            )
        })?;
        let header: Vec<&str> = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .nth(1)
            .unwrap_or_default()
            .split_whitespace()
            .collect();
        let celeba_name = |n: &str, hair: bool| -> String {
            if hair {
                let c = if n == "blonde" { "blond" } else { n };
                let mut chars = c.chars();
                let cap: String = chars
                    .next()
                    .map(|f| f.to_uppercase().chain(chars).collect())
                    .unwrap_or_default();
                format!("{cap}_Hair")
            } else {
                match n {
                    "glasses" => "Eyeglasses".into(),
                    "blush" => "Rosy_Cheeks".into(),
                    "smile" => "Smiling".into(),
                    other => other.into(),
                }
            }
        };
        let mut out = Vec::new();
        for (key, names, hair) in [
            ("data.hair", &self.data.hair, true),
            ("data.attributes", &self.data.attributes, false),
        ] {
            for n in names {
                let mapped = celeba_name(n, hair);
                let found = [n.clone(), mapped.clone()]
                    .into_iter()
                    .find(|c| header.contains(&c.as_str()));
                match found {
                    Some(c) => out.push(c),
                    None => {
                        return Err(Error::setting(
                            format!("{file}: {key}"),
                            format!(
                                "{n:?}: {} has no such column (nor {mapped:?})",
                                list.display()
                            ),
                        ))
                    }
                }
            }
        }
        Ok(out)
    }

    /// One row per input face: the input, then its translation to each domain.
    pub(super) fn star_panel(
        &self,
        gan: &StarGan,
        show: &crate::data::Batch,
        names: &[String],
    ) -> Result<ImageGrid> {
        let c = show
            .labels
            .as_ref()
            .ok_or_else(|| Error::setting("stargan", "the faces shown need labels"))?;
        let outs = gan.translate(&show.x, &self.star_targets(c))?;
        let n = show.x.size()[0];
        let x = show.x.to_device(Device::Cpu);
        let mut tiles = Vec::new();
        for i in 0..n {
            tiles.push(x.get(i));
            tiles.extend(outs.iter().map(|o| o.get(i).to_device(Device::Cpu)));
        }
        let columns =
            std::iter::once("input".to_string()).chain(names.iter().map(|m| format!("→ {m}")));
        Ok(ImageGrid::new(&Tensor::stack(&tiles, 0))?
            .columns(1 + outs.len())
            .column_labels(columns))
    }
}
