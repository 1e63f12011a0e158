//! Checkpoints: an interrupted and resumed run equals an uninterrupted one, the weights load
//! into PyTorch's networks, interrupted writes are never taken for checkpoints, and a
//! mismatched or damaged checkpoint gives one line naming the file and key.
mod common;

use gankit::prelude::*;
use std::path::PathBuf;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gankit-ckpt-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
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

fn weights(vs: &nn::VarStore) -> Vec<(String, Tensor)> {
    let mut v: Vec<(String, Tensor)> = vs.variables().into_iter().collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

/// WGAN-GP with 2 D updates per step and Adam: randomness in the noise and the penalty's
/// interpolates, optimizer state that matters.
fn ring_gan(init_seed: u64, d_steps: usize) -> Gan<impl GanNet, impl GanNet> {
    let net = MlpConfig {
        sigmoid: false,
        ..Default::default()
    };
    let (vs_g, vs_d) = (
        nn::VarStore::new(Device::Cpu),
        nn::VarStore::new(Device::Cpu),
    );
    manual_seed(init_seed);
    let g = mlp_generator(vs_g.root(), &net);
    let d = mlp_discriminator(vs_d.root(), &net);
    let cfg = TrainConfig {
        loss: Loss::Wgan.into(),
        penalty: Penalty::Gradient(GradientPenalty::default()),
        optimizers: GanOptimizers::same(Optimizer::adam(1e-3).betas(0.5, 0.9)),
        d_steps,
        z_dim: net.z_dim,
        batch_size: 64,
        seed: 11,
        ..Default::default()
    };
    Gan::from_parts(g, vs_g, d, vs_d, cfg).unwrap()
}

#[test]
fn a_resumed_run_equals_the_uninterrupted_one() {
    let _rng = common::torch_rng();
    let data = Mixture::ring8().sample(1000, 3);
    let mut straight = ring_gan(1, 2);
    straight.set_data(&data).unwrap();
    straight.train(14, TrainOptions::new()).unwrap();

    let dir = scratch("resume");
    let mut first = ring_gan(1, 2);
    first.set_data(&data).unwrap();
    first.train(7, TrainOptions::new()).unwrap();
    let saved = first.save_checkpoint(&dir).unwrap();
    assert_eq!(saved, dir.join("step-000007"));
    drop(first);
    // Another process would build the networks afresh (here even from another init seed).
    let mut resumed = ring_gan(999, 2);
    resumed
        .load_checkpoint(latest_checkpoint(&dir).unwrap().unwrap())
        .unwrap();
    assert_eq!(resumed.steps_done(), 7);
    resumed.set_data(&data).unwrap();
    resumed.train(7, TrainOptions::new()).unwrap();

    assert_eq!(
        without_time(resumed.history()),
        without_time(straight.history()),
        "the same losses, scores and norms at every step"
    );
    for ((name, a), (_, b)) in weights(resumed.vs_g())
        .iter()
        .chain(&weights(resumed.vs_d()))
        .zip(
            weights(straight.vs_g())
                .iter()
                .chain(&weights(straight.vs_d())),
        )
    {
        assert!(a.equal(b), "{name} equals the uninterrupted run's");
    }
    assert!(resumed.fixed_samples().equal(&straight.fixed_samples()));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_conditional_run_keeps_its_fixed_conditions_and_resumes() {
    let _rng = common::torch_rng();
    let data = objects(96, 16, 4);
    let net = CganConfig {
        z_dim: 8,
        ngf: 4,
        ndf: 4,
        image_size: 16,
        ..Default::default()
    };
    let build = |init: u64| {
        let (vs_g, vs_d) = (
            nn::VarStore::new(Device::Cpu),
            nn::VarStore::new(Device::Cpu),
        );
        manual_seed(init);
        let g = cgan_generator(vs_g.root(), &net);
        let d = cgan_discriminator(vs_d.root(), &net);
        let cfg = TrainConfig {
            loss: Loss::NonSaturating(gankit::losses::DOutput::Logit).into(),
            z_dim: 8,
            batch_size: 16,
            fixed_samples: 20,
            seed: 5,
            ..Default::default()
        };
        Gan::from_parts(g, vs_g, d, vs_d, cfg).unwrap()
    };
    let mut straight = build(2);
    straight.set_data(&data).unwrap();
    straight.train(6, TrainOptions::new()).unwrap();
    let c = straight
        .fixed_conditions()
        .expect("taken from the first batch");
    assert_eq!(c.size(), [20, 24]);
    assert_eq!(straight.fixed_samples().size(), [20, 3, 16, 16]);

    let dir = scratch("cond");
    let mut first = build(2);
    first.set_data(&data).unwrap();
    first.train(3, TrainOptions::new()).unwrap();
    let saved = first.save_checkpoint(&dir).unwrap();
    let mut resumed = build(3);
    resumed.load_checkpoint(&saved).unwrap();
    resumed.set_data(&data).unwrap();
    resumed.train(3, TrainOptions::new()).unwrap();
    assert_eq!(
        without_time(resumed.history()),
        without_time(straight.history())
    );
    assert!(resumed.fixed_conditions().unwrap().equal(c));

    let unlabelled = Dataset {
        labels: None,
        ..objects(32, 16, 1)
    };
    let e = build(2)
        .with_data(&unlabelled)
        .unwrap()
        .step()
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "batches: the networks are conditional (24 classes) but the batches have no labels"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn generator_weights_load_into_pytorch() {
    let _rng = common::torch_rng();
    let net = DcganConfig {
        z_dim: 16,
        ngf: 8,
        ndf: 8,
        image_size: 16,
        ..Default::default()
    };
    let (vs_g, vs_d) = (
        nn::VarStore::new(Device::Cpu),
        nn::VarStore::new(Device::Cpu),
    );
    manual_seed(0);
    let g = dcgan_generator(vs_g.root(), &net);
    let d = dcgan_discriminator(vs_d.root(), &net);
    let mut gan = Gan::from_parts(
        g,
        vs_g,
        d,
        vs_d,
        TrainConfig {
            z_dim: 16,
            batch_size: 8,
            fixed_samples: 8,
            ..Default::default()
        },
    )
    .unwrap();
    let data = Dataset {
        name: "noise".into(),
        x: Tensor::rand([32, 3, 16, 16], (Kind::Float, Device::Cpu)) * 2 - 1,
        labels: None,
        label_names: vec![],
    };
    gan.set_data(&data).unwrap();
    gan.train(3, TrainOptions::new()).unwrap();
    let dir = scratch("pytorch");
    let ckpt = gan.save_checkpoint(&dir).unwrap();
    let expected = dir.join("expected.safetensors");
    Tensor::write_safetensors(&[("out", gan.fixed_samples())], &expected).unwrap();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = std::process::Command::new(root.join(".venv/bin/python"))
        .arg(root.join("tests/reference/load_checkpoint.py"))
        .args([
            ckpt.to_str().unwrap(),
            expected.to_str().unwrap(),
            "16",
            "8",
            "16",
        ])
        .output()
        .expect("the venv's python (bash kernel/gankit setup installs it)");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let diff: f64 = text
        .trim()
        .strip_prefix("max_abs_diff ")
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        diff < 1e-5,
        "PyTorch's G with gankit's weights differs by {diff}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn unfinished_writes_are_ignored_and_bad_checkpoints_name_file_and_key() {
    let _rng = common::torch_rng();
    let data = Mixture::ring8().sample(500, 1);
    let dir = scratch("bad");
    let mut gan = ring_gan(1, 2);
    gan.set_data(&data).unwrap();
    gan.train(2, TrainOptions::new()).unwrap();
    let two = gan.save_checkpoint(&dir).unwrap();
    // What a crash mid-write leaves: a hidden partial folder, never a step-N folder.
    let partial = dir.join(".step-000009.partial-1");
    std::fs::create_dir_all(&partial).unwrap();
    std::fs::write(partial.join("g.safetensors"), b"half a file").unwrap();
    assert_eq!(latest_checkpoint(&dir).unwrap(), Some(two.clone()));

    // Saving the same step again replaces the folder whole, leaving nothing beside it.
    let csv_before = std::fs::read_to_string(two.join("history.csv")).unwrap();
    gan.save_checkpoint(&dir).unwrap();
    assert_eq!(
        std::fs::read_to_string(two.join("history.csv")).unwrap(),
        csv_before
    );
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [".step-000009.partial-1", "step-000002"]);

    let e = ring_gan(1, 1)
        .load_checkpoint(&two)
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        format!(
            "{}: config.d_steps differs: the checkpoint has 2, this run 1",
            two.join("checkpoint.json").display()
        )
    );

    std::fs::remove_file(two.join("d.safetensors")).unwrap();
    let e = ring_gan(1, 2)
        .load_checkpoint(&two)
        .unwrap_err()
        .to_string();
    assert!(e.contains("d.safetensors"), "{e}");
    std::fs::write(
        two.join("checkpoint.json"),
        "{\"format\": \"something else\"}",
    )
    .unwrap();
    let e = ring_gan(1, 2)
        .load_checkpoint(&two)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("checkpoint.json") && e.contains("key \"format\""),
        "{e}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_loop_keeps_previews_checkpoints_and_hooks_on_schedule() {
    let _rng = common::torch_rng();
    let net = DcganConfig {
        z_dim: 8,
        ngf: 4,
        ndf: 4,
        image_size: 16,
        ..Default::default()
    };
    let (vs_g, vs_d) = (
        nn::VarStore::new(Device::Cpu),
        nn::VarStore::new(Device::Cpu),
    );
    let g = dcgan_generator(vs_g.root(), &net);
    let d = dcgan_discriminator(vs_d.root(), &net);
    let mut gan = Gan::from_parts(
        g,
        vs_g,
        d,
        vs_d,
        TrainConfig {
            z_dim: 8,
            batch_size: 8,
            fixed_samples: 9,
            ..Default::default()
        },
    )
    .unwrap();
    let data = Dataset {
        name: "noise".into(),
        x: Tensor::rand([32, 3, 16, 16], (Kind::Float, Device::Cpu)) * 2 - 1,
        labels: None,
        label_names: vec![],
    };
    let dir = scratch("schedule");
    gan.set_data(&data).unwrap();
    let mut hooked = Vec::new();
    let grids = dir.join("grids");
    let options = TrainOptions::new()
        .preview_every(2)
        .checkpoints(3, dir.join("ckpt"))
        .every(2, |gan: &mut Gan<_, _>| {
            hooked.push(gan.steps_done());
            gan.record("hooked", gan.steps_done() as f64 * 10.0);
            let path = grids.join(format!("step-{:06}.png", gan.steps_done()));
            gan.preview()?.save(path)?;
            Ok(())
        });
    gan.train(5, options).unwrap();
    assert_eq!(hooked, [2, 4], "the hook every 2 steps");
    assert_eq!(gan.history().named("hooked"), [(2.0, 20.0), (4.0, 40.0)]);
    let steps: Vec<usize> = gan.snapshots().iter().map(|s| s.step).collect();
    assert_eq!(steps, [0, 2, 4], "the untrained G, then every 2 steps");
    assert_eq!(gan.snapshots()[0].images().unwrap().size()[0], 9);
    let list = |d: &str| {
        let mut v: Vec<String> = std::fs::read_dir(dir.join(d))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(list("grids"), ["step-000002.png", "step-000004.png"]);
    assert_eq!(
        list("ckpt"),
        ["step-000003", "step-000005"],
        "every 3 steps and at the end"
    );
    // the named series travel with the checkpoint
    let mut again = Gan::new(
        Device::Cpu,
        |p| dcgan_generator(p, &net),
        |p| dcgan_discriminator(p, &net),
        gan.config().clone(),
    )
    .unwrap();
    again.load_checkpoint(dir.join("ckpt/step-000005")).unwrap();
    assert_eq!(again.history(), gan.history());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn cyclegan_and_stargan_resume_exactly() {
    let _rng = common::torch_rng();
    // CycleGAN: the image pools (3 fakes each) are part of the state.
    let pairs = gankit::data::maps::maps(24, 32, 5);
    let (data_a, data_b) = map_domains(&pairs);
    let nets = CycleGanConfig {
        image_size: 32,
        ngf: 4,
        ndf: 4,
        n_blocks: 1,
        d_layers: 2,
        ..Default::default()
    };
    let cfg = CycleTrainConfig {
        batch_size: 2,
        pool_size: 3,
        seed: 3,
        ..Default::default()
    };
    let cycle = |steps: usize, from: Option<&std::path::Path>| {
        let mut gan = CycleGan::new(&nets, cfg.clone(), Device::Cpu).unwrap();
        if let Some(dir) = from {
            gan.load_checkpoint(dir).unwrap();
        }
        gan.set_data(&data_a, &data_b).unwrap();
        gan.train(steps, TrainOptions::new()).unwrap();
        gan
    };
    let straight = cycle(6, None);
    let dir = scratch("cyclegan");
    let saved = cycle(3, None).save_checkpoint(&dir).unwrap();
    let resumed = cycle(3, Some(&saved));
    assert_eq!(
        without_time(resumed.history()),
        without_time(straight.history())
    );
    assert!(resumed
        .pools()
        .0
        .images
        .iter()
        .zip(&straight.pools().0.images)
        .all(|(a, b)| a.equal(b)));

    // StarGAN: n_critic 5, so G's update falls on step 5, after the resume.
    let domains = StarDomains::default();
    let faces = domains.faces(64, 32, 1);
    let nets = StarGanConfig {
        image_size: 32,
        c_dim: domains.c_dim(),
        conv_dim: 4,
        g_repeat: 1,
        d_repeat: 5,
        ..Default::default()
    };
    let cfg = StarTrainConfig {
        batch_size: 4,
        seed: 2,
        ..Default::default()
    };
    let star = |steps: usize, from: Option<&std::path::Path>| {
        let mut gan = StarGan::new(&nets, cfg.clone(), Device::Cpu).unwrap();
        if let Some(dir) = from {
            gan.load_checkpoint(dir).unwrap();
        }
        gan.set_data(&faces).unwrap();
        gan.train(steps, TrainOptions::new()).unwrap();
        gan
    };
    let straight = star(6, None);
    let saved = star(3, None).save_checkpoint(dir.join("star")).unwrap();
    let resumed = star(3, Some(&saved));
    assert_eq!(
        without_time(resumed.history()),
        without_time(straight.history())
    );
    assert!(resumed.history().steps[4].g_loss.is_some());
    let e = CycleGan::new(
        &CycleGanConfig {
            image_size: 32,
            ngf: 4,
            ndf: 4,
            n_blocks: 1,
            d_layers: 2,
            ..Default::default()
        },
        CycleTrainConfig {
            batch_size: 2,
            pool_size: 3,
            seed: 3,
            ..Default::default()
        },
        Device::Cpu,
    )
    .unwrap()
    .load_checkpoint(&saved)
    .unwrap_err()
    .to_string();
    assert!(
        e.ends_with("key \"trainer\": this checkpoint is a stargan run, not a cyclegan run"),
        "{e}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
