//! The trainer: determinism, divergence, scheduling, config errors, CSV, and that it learns.
mod common;

use gankit::losses::DOutput;
use gankit::prelude::*;

fn mlp_gan(seed: u64, cfg: TrainConfig, sigmoid: bool) -> Gan<impl GanNet, impl GanNet> {
    let net = MlpConfig {
        sigmoid,
        ..Default::default()
    };
    let (vs_g, vs_d) = (
        nn::VarStore::new(Device::Cpu),
        nn::VarStore::new(Device::Cpu),
    );
    manual_seed(seed);
    let g = mlp_generator(vs_g.root(), &net);
    let d = mlp_discriminator(vs_d.root(), &net);
    Gan::from_parts(
        g,
        vs_g,
        d,
        vs_d,
        TrainConfig {
            z_dim: net.z_dim,
            batch_size: 128,
            seed,
            ..cfg
        },
    )
    .unwrap()
}

fn without_time(h: &History) -> Vec<StepRecord> {
    h.steps
        .iter()
        .map(|r| StepRecord {
            seconds: 0.0,
            ..r.clone()
        })
        .collect()
}

#[test]
fn same_seed_same_losses_step_for_step() {
    let _rng = common::torch_rng();
    let data = Mixture::ring8().sample(4000, 1);
    let run = || {
        let mut gan = mlp_gan(
            3,
            TrainConfig {
                d_steps: 2,
                ..Default::default()
            },
            true,
        );
        gan.set_data(&data).unwrap();
        gan.train(15, TrainOptions::new()).unwrap();
        without_time(gan.history())
    };
    let (a, b) = (run(), run());
    assert_eq!(a.len(), 15);
    assert_eq!(a, b, "identical losses, scores and gradient norms");
}

#[test]
fn a_non_finite_loss_stops_with_its_step_and_keeps_the_weights() {
    let _rng = common::torch_rng();
    let data = Mixture::ring8().sample(1000, 1);
    let mut gan = mlp_gan(1, TrainConfig::default(), true);
    gan.set_data(&data).unwrap();
    gan.train(3, TrainOptions::new()).unwrap();
    let before: Vec<Tensor> = gan
        .vs_d()
        .trainable_variables()
        .iter()
        .map(|v| v.copy())
        .collect();
    let nan = Dataset {
        name: "NaN".into(),
        x: Tensor::full([256, 2], f64::NAN, (Kind::Float, Device::Cpu)),
        labels: None,
        label_names: Vec::new(),
    };
    gan.set_data(&nan).unwrap();
    let e = gan.step().unwrap_err().to_string();
    assert!(
        e.contains("D loss is NaN at step 4: training diverged"),
        "{e}"
    );
    for (v, b) in gan.vs_d().trainable_variables().iter().zip(&before) {
        assert!(v.equal(b), "D's weights are the last good ones");
    }
    assert_eq!(gan.history().len(), 3, "the failed step is not recorded");
}

#[test]
fn wgan_gp_records_penalty_and_distance_and_g_every_skips_g() {
    let _rng = common::torch_rng();
    let data = Mixture::ring8().sample(2000, 2);
    let cfg = TrainConfig {
        loss: Loss::Wgan.into(),
        penalty: Penalty::Gradient(GradientPenalty::default()),
        optimizers: GanOptimizers::same(Optimizer::adam(1e-4).betas(0.5, 0.9)),
        g_every: 3,
        ..Default::default()
    };
    let mut gan = mlp_gan(2, cfg, false);
    gan.set_data(&data).unwrap();
    gan.train(6, TrainOptions::new()).unwrap();
    let h = &gan.history().steps;
    assert!(h
        .iter()
        .all(|r| r.penalty.is_some() && r.wasserstein.is_some()));
    let g_steps: Vec<usize> = h
        .iter()
        .filter(|r| r.g_loss.is_some())
        .map(|r| r.step)
        .collect();
    assert_eq!(g_steps, [1, 4]);
    let csv = gan.history().to_csv();
    assert_eq!(csv.lines().count(), 7);
    assert!(csv.starts_with("step,d_loss,g_loss,d_real,"));
    assert_eq!(
        csv.lines().nth(2).unwrap().split(',').nth(2),
        Some(""),
        "no G loss at step 2"
    );
}

#[test]
fn bad_settings_name_the_key() {
    let _rng = common::torch_rng();
    let (vs_g, vs_d) = (
        nn::VarStore::new(Device::Cpu),
        nn::VarStore::new(Device::Cpu),
    );
    let net = MlpConfig::default();
    let g = mlp_generator(vs_g.root(), &net);
    let d = mlp_discriminator(vs_d.root(), &net);
    let cfg = TrainConfig {
        batch_size: 0,
        ..Default::default()
    };
    let e = Gan::from_parts(g, vs_g, d, vs_d, cfg)
        .unwrap_err()
        .to_string();
    assert_eq!(e, "TrainConfig.batch_size: must be at least 1");
    let cfg = TrainConfig {
        optimizers: GanOptimizers::same(Optimizer::adam(-1.0)),
        ..Default::default()
    };
    let e = cfg.validate().unwrap_err().to_string();
    assert!(
        e.starts_with("TrainConfig.optimizers.g: ") && e.contains("lr"),
        "{e}"
    );
    // D's output is stated once, by D: a mismatched loss is one line at construction
    let net = MlpConfig::default(); // ends in a Sigmoid
    let wgan = TrainConfig {
        loss: Loss::Wgan.into(),
        ..Default::default()
    };
    let e = Gan::new(
        Device::Cpu,
        |p| mlp_generator(p, &net),
        |p| mlp_discriminator(p, &net),
        wgan,
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        e,
        "TrainConfig.loss: WGAN does not match the discriminator, which ends in a Sigmoid (probabilities): build D without its Sigmoid (sigmoid: false)"
    );
    let logits = MlpConfig {
        sigmoid: false,
        ..Default::default()
    };
    let e = Gan::new(
        Device::Cpu,
        |p| mlp_generator(p, &logits),
        |p| mlp_discriminator(p, &logits),
        TrainConfig::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.ends_with("outputs raw scores (logits): use Loss::NonSaturating(DOutput::Logit)"),
        "{e}"
    );
}

#[test]
fn training_learns_the_ring() {
    let _rng = common::torch_rng();
    let ring = Mixture::ring(8, 2.0, 0.05);
    let data = ring.sample(20_000, 4);
    let cfg = TrainConfig {
        loss: Loss::NonSaturating(DOutput::Logit).into(),
        optimizers: GanOptimizers::same(Optimizer::adam(1e-3).betas(0.5, 0.999)),
        ..Default::default()
    };
    let mut gan = mlp_gan(4, cfg, false);
    let before = mode_coverage(&gan.sample(2500), &ring).unwrap();
    gan.set_data(&data).unwrap();
    gan.train(1000, TrainOptions::new()).unwrap();
    let after = mode_coverage(&gan.sample(2500), &ring).unwrap();
    println!("before: {before}\nafter 1000 steps: {after}");
    assert!(
        after.high_quality > before.high_quality + 0.2 && after.captured >= 3,
        "{before} → {after}"
    );
}

#[test]
fn gan_lab_field_shows_d_the_samples_and_gs_push() {
    let _rng = common::torch_rng();
    let ring = Mixture::ring(8, 2.0, 0.05);
    let data = ring.sample(5000, 5);
    let cfg = TrainConfig {
        loss: Loss::NonSaturating(DOutput::Logit).into(),
        optimizers: GanOptimizers::same(Optimizer::adam(1e-3).betas(0.5, 0.999)),
        ..Default::default()
    };
    let mut gan = mlp_gan(5, cfg, false);
    gan.set_data(&data).unwrap();
    gan.train(300, TrainOptions::new()).unwrap();
    let real = data.head(256).x;
    let (fake, push) = gan.generator_push(256, &real);
    assert_eq!((fake.size(), push.size()), (vec![256, 2], vec![256, 2]));
    // Moving a little along the push lowers G's loss (it is a descent direction).
    let g_loss = |x: &Tensor| {
        gan.config()
            .loss
            .g_loss(
                &gan.d().forward_gan(&real, None, false),
                &gan.d().forward_gan(x, None, false),
            )
            .double_value(&[])
    };
    assert!(g_loss(&(&fake + &push * 0.001)) < g_loss(&fake));
    let d = |x: &Tensor| gan.d().forward_gan(x, None, false).sigmoid();
    let plot = FieldPlot::new("ring of 8 after 300 steps", (-3.0, 3.0), (-3.0, 3.0))
        .heatmap(&d, 60)
        .unwrap()
        .real(&real)
        .unwrap()
        .fake(&fake)
        .unwrap()
        .arrows(&fake, &push, 0.3)
        .unwrap();
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/test-output");
    std::fs::create_dir_all(&dir).unwrap();
    plot.save(dir.join("field_ring.png")).unwrap();
    let field = gan.field_preview(&real, 128, 3.0).unwrap();
    assert_eq!((field.fake.size(), field.heat.len()), (vec![128, 2], 3600));
    let png = field.to_png().unwrap();
    assert!(
        png.starts_with(b"\x89PNG"),
        "the one-call field preview draws"
    );
    gan.set_data(&data).unwrap();
    let Preview::Field(p) = gan.preview().unwrap() else {
        panic!("a 2-D run previews its field")
    };
    assert_eq!(p.real.size(), [512, 2], "over the data's first 512 points");
    let e = FieldPlot::new("t", (0.0, 1.0), (0.0, 1.0))
        .real(&Tensor::zeros([4, 3], (Kind::Float, Device::Cpu)))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "field plot real samples: expected shape [N, 2], got [4, 3]"
    );
}

/// The same network without the row-wise promise: the trainer then scores real and fake
/// samples in two passes, as it must for BatchNorm, Dropout or spectral norm.
#[derive(Debug)]
struct TwoPasses<D>(D);

impl<D: GanNet> GanNet for TwoPasses<D> {
    fn forward_gan(&self, x: &Tensor, cond: Option<&Tensor>, train: bool) -> Tensor {
        self.0.forward_gan(x, cond, train)
    }
    fn condition_width(&self) -> Option<i64> {
        self.0.condition_width()
    }
}

/// A trainer over `d` as it is (one pass over real and fake) or wrapped in [`TwoPasses`].
fn one_or_two_passes<G: GanNet, D: GanNet + 'static>(
    g: G,
    vs_g: nn::VarStore,
    d: D,
    vs_d: nn::VarStore,
    train: TrainConfig,
    two_passes: bool,
) -> Gan<G, Box<dyn GanNet>> {
    assert!(d.is_row_wise(), "{d:?} should be row-wise");
    let d: Box<dyn GanNet> = if two_passes {
        Box::new(TwoPasses(d))
    } else {
        Box::new(d)
    };
    Gan::from_parts(g, vs_g, d, vs_d, train).unwrap()
}

fn assert_same_history(one: &History, two: &History) {
    assert_eq!(one.len(), two.len());
    for (a, b) in one.steps.iter().zip(&two.steps) {
        let pairs = [
            ("d_loss", a.d_loss, b.d_loss),
            ("g_loss", a.g_loss, b.g_loss),
            ("d_real", a.d_real, b.d_real),
            ("d_fake_before", a.d_fake_before, b.d_fake_before),
            ("d_grad_norm", a.d_grad_norm, b.d_grad_norm),
            ("penalty", a.penalty, b.penalty),
        ];
        for (name, x, y) in pairs {
            let (x, y) = (x.unwrap_or(0.0), y.unwrap_or(0.0));
            assert!(
                (x - y).abs() <= 1e-4 * (1.0 + y.abs()),
                "step {}: {name} {x} in one pass, {y} in two",
                a.step
            );
        }
    }
}

#[test]
fn a_row_wise_d_scores_real_and_fake_in_one_pass_with_the_same_results() {
    let _rng = common::torch_rng();
    // unconditional: the 2-D toy (BCE on probabilities)
    let data = Mixture::ring8().sample(2000, 1);
    let run = |two_passes: bool| {
        let net = MlpConfig::default();
        let (vs_g, vs_d) = (
            nn::VarStore::new(Device::Cpu),
            nn::VarStore::new(Device::Cpu),
        );
        manual_seed(4);
        let g = mlp_generator(vs_g.root(), &net);
        let d = mlp_discriminator(vs_d.root(), &net);
        let mut gan = one_or_two_passes(
            g,
            vs_g,
            d,
            vs_d,
            TrainConfig {
                z_dim: 2,
                batch_size: 64,
                seed: 4,
                ..Default::default()
            },
            two_passes,
        );
        gan.set_data(&data).unwrap();
        gan.train(12, TrainOptions::new()).unwrap();
        gan.history().clone()
    };
    assert_same_history(&run(false), &run(true));

    // conditional, convolutional, with a gradient penalty: report 003's critic
    let cfg = CwganConfig {
        z_dim: 8,
        n_tags: 3,
        ngf: 4,
        ndf: 4,
        image_size: 8,
        ..Default::default()
    };
    manual_seed(9);
    let tagged = Dataset {
        name: "noise with tags".into(),
        x: Tensor::rand([96, 3, 8, 8], (Kind::Float, Device::Cpu)) * 2.0 - 1.0,
        labels: Some(Tensor::rand([96, 3], (Kind::Float, Device::Cpu)).round()),
        label_names: Vec::new(),
    };
    let run = |two_passes: bool| {
        let (vs_g, vs_d) = (
            nn::VarStore::new(Device::Cpu),
            nn::VarStore::new(Device::Cpu),
        );
        manual_seed(5);
        let g = cwgan_generator(vs_g.root(), &cfg);
        let d = cwgan_critic(vs_d.root(), &cfg);
        let train = TrainConfig {
            loss: Loss::Wgan.into(),
            penalty: Penalty::Gradient(Default::default()),
            z_dim: 8,
            batch_size: 8,
            fixed_samples: 4,
            seed: 5,
            ..Default::default()
        };
        let mut gan = one_or_two_passes(g, vs_g, d, vs_d, train, two_passes);
        gan.set_data(&tagged).unwrap();
        gan.train(6, TrainOptions::new()).unwrap();
        gan.history().clone()
    };
    assert_same_history(&run(false), &run(true));
}

#[test]
fn row_wise_means_no_batchnorm_dropout_or_spectral_norm() {
    // building networks draws their initial weights from torch's global generator, which the
    // same-seed tests beside this one rely on: hold the lock
    let _rng = common::torch_rng();
    let vs = nn::VarStore::new(Device::Cpu);
    let dc = DcganConfig {
        z_dim: 8,
        ngf: 4,
        ndf: 4,
        image_size: 16,
        ..Default::default()
    };
    assert!(
        !dcgan_discriminator(&vs.root() / "d", &dc).is_row_wise(),
        "BatchNorm mixes the batch"
    );
    assert!(
        !dcgan_generator(
            &vs.root() / "g",
            &DcganConfig {
                dropout: 0.5,
                ..dc.clone()
            }
        )
        .is_row_wise(),
        "Dropout draws masks"
    );
    let sn = SnganConfig {
        ndf: 4,
        image_size: 16,
        ..Default::default()
    };
    assert!(
        !sn_discriminator(&vs.root() / "sn", &sn).is_row_wise(),
        "spectral norm steps its power iteration"
    );
    let bc = BaselineConfig {
        dim: 4,
        image_size: 16,
        ..Default::default()
    };
    assert!(
        baseline_critic(&vs.root() / "c", &bc).is_row_wise(),
        "convolutions and LeakyReLU only"
    );
    assert!(mlp_discriminator(&vs.root() / "m", &MlpConfig::default()).is_row_wise());
}

#[test]
fn a_linear_lr_schedule_decays_both_rates_to_zero_and_then_the_weights_stay() {
    let _rng = common::torch_rng();
    let schedule = LrSchedule::linear(2, 3);
    let factors: Vec<f64> = (1..=7).map(|s| schedule.factor(s)).collect();
    assert_eq!(
        factors,
        [1.0, 1.0, 0.75, 0.5, 0.25, 0.0, 0.0],
        "the reference's 1 − max(0, s − constant)/(decay + 1)"
    );
    let data = Mixture::ring8().sample(2000, 1);
    let optimizers = GanOptimizers {
        g: Optimizer::adam(1e-3),
        d: Optimizer::adam(4e-3),
    };
    let mut gan = mlp_gan(
        2,
        TrainConfig {
            optimizers,
            lr_schedule: schedule,
            ..Default::default()
        },
        true,
    );
    gan.set_data(&data).unwrap();
    for (step, f) in [(1, 1.0), (2, 1.0), (3, 0.75), (4, 0.5), (5, 0.25)] {
        gan.step().unwrap();
        assert_eq!(
            gan.opt_g().settings().learning_rate(),
            1e-3 * f,
            "G's rate at step {step}"
        );
        assert_eq!(
            gan.opt_d().settings().learning_rate(),
            4e-3 * f,
            "D's rate at step {step}"
        );
    }
    let weights = |gan: &Gan<_, _>| -> Vec<Tensor> {
        gan.vs_g()
            .trainable_variables()
            .iter()
            .chain(&gan.vs_d().trainable_variables())
            .map(|v| v.copy())
            .collect()
    };
    let before = weights(&gan);
    gan.train(2, TrainOptions::new()).unwrap();
    assert!(
        weights(&gan).iter().zip(&before).all(|(a, b)| a.equal(b)),
        "at rate 0 (steps 6 and 7) nothing moves"
    );
    let e = TrainConfig {
        lr_schedule: LrSchedule::linear(5, 0),
        ..Default::default()
    }
    .validate()
    .unwrap_err()
    .to_string();
    assert!(
        e.starts_with("TrainConfig.lr_schedule: a linear decay needs at least 1 step"),
        "{e}"
    );
}

/// After a step, each parameter's gradient norm is there by its PyTorch name (the trainer
/// differentiates with run_backward, so `.grad()` stays empty), and the layers' outputs can be
/// recorded on the way through a network.
#[test]
fn per_layer_gradients_and_activations_after_a_step() {
    let _rng = common::torch_rng();
    let data = Mixture::ring8().sample(1000, 1);
    let mut gan = mlp_gan(7, TrainConfig::default(), true);
    gan.set_data(&data).unwrap();
    let r = gan.step().unwrap();
    let norms = gan.opt_d().grad_norms();
    let names: Vec<&str> = norms.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "main.0.bias",
            "main.0.weight",
            "main.2.bias",
            "main.2.weight",
            "main.4.bias",
            "main.4.weight"
        ]
    );
    assert!(norms.iter().all(|(_, v)| *v > 0.0), "{norms:?}");
    let total = norms.iter().map(|(_, v)| v * v).sum::<f64>().sqrt();
    assert!(
        (total - r.d_grad_norm.unwrap()).abs() < 1e-4 * total,
        "{total} vs {r}"
    );
    assert!((gan.opt_d().grad_norm() - total).abs() < 1e-9);
    assert!(gan.opt_g().grad_norm() > 0.0);

    let z = Tensor::randn([64, 2], (Kind::Float, Device::Cpu));
    let (out, layers) = gankit::nets::layer_outputs(|| gan.g().forward_gan(&z, None, false));
    let names: Vec<&str> = layers.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["main.0", "main.1", "main.2", "main.3", "main.4"]);
    assert!(
        layers[4].output.equal(&out),
        "the last layer's output is the network's"
    );
    assert!(
        layers[1].output.min().double_value(&[]) >= 0.0,
        "after the ReLU"
    );
    let (_, none) = gankit::nets::layer_outputs(|| ());
    assert!(none.is_empty());
}

/// Conditional 2-D mixtures (the mode as the condition) with the small conditional MLP pair: in
/// a couple of thousand steps G puts its samples at the modes it is asked for.
#[test]
fn a_conditional_mlp_gan_learns_to_hit_the_requested_mode() {
    let _rng = common::torch_rng();
    let ring = Mixture::ring(8, 2.0, 0.05);
    let data = ring.sample(20_000, 6);
    let net = MlpConfig {
        sigmoid: false,
        ..Default::default()
    };
    let cfg = TrainConfig {
        loss: Loss::NonSaturating(DOutput::Logit).into(),
        optimizers: GanOptimizers::same(Optimizer::adam(1e-3).betas(0.5, 0.999)),
        z_dim: net.z_dim,
        batch_size: 128,
        seed: 6,
        ..Default::default()
    };
    let mut gan = Gan::new(
        Device::Cpu,
        |p| conditional_mlp_generator(p, &net, 8),
        |p| conditional_mlp_discriminator(p, &net, 8),
        cfg,
    )
    .unwrap()
    .with_data(&data)
    .unwrap();
    let asked = data.head(2000).labels.unwrap();
    let before = conditional_modes(&gan.sample_with(&asked), &asked, &ring).unwrap();
    gan.train(2000, TrainOptions::new()).unwrap();
    let after = conditional_modes(&gan.sample_with(&asked), &asked, &ring).unwrap();
    println!("before: {before}\nafter 2000 steps: {after}");
    assert!(
        after.accuracy > 0.5 && after.accuracy > before.accuracy + 0.4,
        "{before} → {after}"
    );
}
