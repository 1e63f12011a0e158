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

    /// The trainer's settings for a data set of `n` samples: `train` with the warm-up and the
    /// learning-rate schedule of the run's length, which depend on `n` when they are given in
    /// epochs. Every builder uses it, so a notebook and `gankit train` step identically.
    pub fn train_config(&self, n: usize) -> TrainConfig {
        TrainConfig {
            warmup_steps: self.warmup_steps(n),
            lr_schedule: self.lr_schedule(self.steps(n)),
            ..self.train.clone()
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
    /// built on the CPU without data: what `gankit check` prints.
    pub fn parameter_counts(&self) -> Result<(i64, i64)> {
        Ok(match self.model.family {
            Family::CycleGan => self.untrained_cyclegan(Device::Cpu)?.parameter_counts(),
            Family::StarGan => self.untrained_stargan(Device::Cpu)?.parameter_counts(),
            _ => self.untrained_gan(Device::Cpu)?.parameter_counts(),
        })
    }

    /// The networks' PyTorch-style tables at this experiment's sizes (layers, output shapes,
    /// parameter counts), built on the CPU: G then D (CycleGAN: G_AB and D_A, each of a pair;
    /// StarGAN: G and D). A notebook prints them before training.
    pub fn architecture(&self) -> Result<Vec<NetSummary>> {
        let size = self.data.size as i64;
        let image = [1, 3, size, size];
        match self.model.family {
            Family::CycleGan => {
                let gan = self.untrained_cyclegan(Device::Cpu)?;
                Ok(vec![
                    gan.g_ab().try_summary(&image)?,
                    gan.d_a().try_summary(&image)?,
                ])
            }
            Family::StarGan => {
                let gan = self.untrained_stargan(Device::Cpu)?;
                Ok(vec![
                    gan.g().try_summary(&image)?,
                    gan.d().try_summary(&image)?,
                ])
            }
            _ => {
                let (g, _vs_g, d, _vs_d) = self.build_nets(Device::Cpu)?;
                let sample: Vec<i64> = if self.data.source.is_2d() {
                    vec![1, 2]
                } else {
                    image.to_vec()
                };
                let table = |net: &dyn GanNet, input: &[i64]| -> Result<NetSummary> {
                    let net = net.as_net().ok_or_else(|| {
                        Error::setting("architecture", "a network without a summary")
                    })?;
                    net.try_summary(input)
                };
                Ok(vec![
                    table(&*g, &[1, self.train.z_dim])?,
                    table(&*d, &sample)?,
                ])
            }
        }
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

    /// The networks and the trainer without data (what `gankit sample` and `eval` rebuild G
    /// from): seeds, fixed noise and conditions, and the experiment in the notes.
    pub(super) fn untrained_gan(&self, device: Device) -> Result<BoxedGan> {
        self.gan_with_config(device, self.train.clone())
    }

    fn gan_with_config(&self, device: Device, config: TrainConfig) -> Result<BoxedGan> {
        let (g, vs_g, d, vs_d) = self.build_nets(device)?;
        let mut gan = Gan::from_parts(g, vs_g, d, vs_d, config)
            .map_err(|e| Error::setting(&self.source.label, e.to_string()))?;
        if let Some(c) = self.fixed_conditions()? {
            gan = gan.with_fixed_conditions(&c)?;
        }
        gan.set_note("experiment", self.to_toml());
        gan.set_note("experiment_file", self.source.label.clone());
        gan.set_note("variant", mode_word(self.mode));
        Ok(gan)
    }

    /// The trainer of a GAN family with its data on `device`: networks, optimizers, fixed
    /// noise (and conditions), the warm-up and learning-rate schedule of the run's length
    /// ([`Experiment::train_config`]). Train it for [`Experiment::total_steps`] steps, as
    /// `gankit train` does:
    ///
    /// ```no_run
    /// # use gankit::prelude::*;
    /// let exp = Experiment::load("configs/report001_dcgan.toml")?.quick();
    /// let mut gan = exp.build(device())?;
    /// gan.train(exp.total_steps(&gan), TrainOptions::new().print_every(100))?;
    /// # Ok::<(), gankit::Error>(())
    /// ```
    pub fn build(&self, device: Device) -> Result<BoxedGan> {
        let data = self.load_data()?;
        let config = self.train_config(data.len());
        self.gan_with_config(device, config)?.with_data(&data)
    }

    /// Steps in all of this experiment for a trainer it built (its data's size converts
    /// epochs to steps; CycleGAN: the larger domain).
    pub fn total_steps(&self, trainer: &impl TrainerData) -> usize {
        self.steps(trainer.data_len())
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

/// The size of a trainer's data, which converts an experiment's epochs into steps.
pub trait TrainerData {
    /// Samples (CycleGAN: of the larger domain; 0 without data).
    fn data_len(&self) -> usize;
    /// "built-in faces 32×32, 4000 samples": what `gankit train` prints.
    fn data_line(&self) -> String;
}

impl TrainerData for BoxedGan {
    fn data_len(&self) -> usize {
        self.data().map_or(0, Dataset::len)
    }
    fn data_line(&self) -> String {
        self.data().map_or("none".into(), |d| {
            format!("{}, {} samples", d.name, d.len())
        })
    }
}

impl TrainerData for CycleGan {
    fn data_len(&self) -> usize {
        self.data().map_or(0, |(a, b)| a.len().max(b.len()))
    }
    fn data_line(&self) -> String {
        self.data().map_or("none".into(), |(a, b)| {
            format!(
                "A {} ({} images), B {} ({} images)",
                a.name,
                a.len(),
                b.name,
                b.len()
            )
        })
    }
}

impl TrainerData for StarGan {
    fn data_len(&self) -> usize {
        self.data().map_or(0, Dataset::len)
    }
    fn data_line(&self) -> String {
        self.data().map_or("none".into(), |d| {
            format!(
                "{}, {} samples, domains: {}",
                d.name,
                d.len(),
                d.label_names.join(", ")
            )
        })
    }
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
    /// Built-in maps only: the held-out pairs with their layouts (`test_a` and `test_b` are its
    /// maps and aerial images). `aerial_retextured(seed)` draws the same layouts with other
    /// textures: what a perfect map → aerial translator that paints its own texture gives.
    pub test_pairs: Option<MapPairs>,
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
                let test = self.builtin_test_maps();
                Ok(CycleSets {
                    a,
                    b,
                    test_a: test.maps.shallow_clone(),
                    test_b: test.aerial.shallow_clone(),
                    paired: true,
                    test_pairs: Some(test),
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
                    test_pairs: None,
                })
            }
        }
    }

    /// The CycleGAN trainer of a `cyclegan` experiment with its two domains (drawn unpaired),
    /// the held-out images its preview translates, and the learning-rate schedule of the run's
    /// length.
    pub fn build_cyclegan(&self, device: Device) -> Result<CycleGan> {
        let sets = self.load_domains()?;
        let n = sets.a.len().max(sets.b.len());
        let k = sets.test_a.size()[0].min(sets.test_b.size()[0]).min(4);
        let schedule = self.lr_schedule(self.steps(n));
        self.cyclegan_with(device, schedule)?
            .with_data(&sets.a, &sets.b)
            .map(|gan| gan.with_shown(&sets.test_a.narrow(0, 0, k), &sets.test_b.narrow(0, 0, k)))
    }

    pub(super) fn untrained_cyclegan(&self, device: Device) -> Result<CycleGan> {
        self.cyclegan_with(device, LrSchedule::Constant)
    }

    fn cyclegan_with(&self, device: Device, lr_schedule: LrSchedule) -> Result<CycleGan> {
        match &self.translation {
            Some(Translation::Cycle { nets, config }) => {
                let config = CycleTrainConfig {
                    lr_schedule,
                    ..config.clone()
                };
                CycleGan::new(nets, config, device)
            }
            _ => Err(Error::setting(
                format!("{}: model.family", self.source.label),
                format!("{} is not cyclegan", self.model.family),
            )),
        }
    }

    /// The StarGAN trainer of a `stargan` experiment with its labelled faces, its hair group,
    /// the held-out faces its preview translates, and the learning-rate schedule of the run's
    /// length.
    pub fn build_stargan(&self, device: Device) -> Result<StarGan> {
        let data = self.load_data()?;
        let show = self.star_show_faces(Some(&data), 8)?;
        let schedule = self.lr_schedule(self.steps(data.len()));
        Ok(self
            .stargan_with(device, schedule)?
            .with_data(&data)?
            .with_shown(show))
    }

    pub(super) fn untrained_stargan(&self, device: Device) -> Result<StarGan> {
        self.stargan_with(device, LrSchedule::Constant)
    }

    fn stargan_with(&self, device: Device, lr_schedule: LrSchedule) -> Result<StarGan> {
        match &self.translation {
            Some(Translation::Star { nets, config, .. }) => {
                let config = StarTrainConfig {
                    lr_schedule,
                    ..config.clone()
                };
                Ok(StarGan::new(nets, config, device)?.with_hair_group(self.data.hair.len()))
            }
            _ => Err(Error::setting(
                format!("{}: model.family", self.source.label),
                format!("{} is not stargan", self.model.family),
            )),
        }
    }

    /// A `stargan` experiment's domains on the built-in faces (its hair group and attributes,
    /// as `data.hair` and `data.attributes` name them); None for CelebA or another family. A
    /// notebook judges the edits with them (`FaceEvaluator::hair_accuracy`).
    pub fn star_domains(&self) -> Option<&StarDomains> {
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

    /// The 64 held-out pairs of the built-in maps (a seed apart from the training pairs').
    fn builtin_test_maps(&self) -> MapPairs {
        crate::data::maps::maps(64, self.data.size, self.data.seed.wrapping_add(0x7E57))
    }

    /// CycleGAN's held-out images (A, B, whether they are true pairs), without the training
    /// sets: the built-in maps' 64 held-out pairs, or the folder's testA/testB.
    pub(super) fn cycle_test_images(&self) -> Result<(Tensor, Tensor, bool)> {
        let d = &self.data;
        match &d.path {
            None => {
                let test = self.builtin_test_maps();
                Ok((test.maps, test.aerial, true))
            }
            Some(_) => {
                let sets = self.load_domains()?;
                Ok((sets.test_a, sets.test_b, sets.paired))
            }
        }
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
}
