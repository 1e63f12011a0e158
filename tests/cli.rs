//! The `gankit` command line, run as a user runs it (the built binary): every experiment file
//! in configs/ reads, checks and builds; smoke-sized training writes checkpoints, history and
//! grids; sample and eval read the checkpoints back; --resume continues exactly; bad files fail
//! with one line naming the file and the key.
use gankit::experiment::Translation;
use gankit::prelude::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the binary in the repository root; `GANKIT_MODE` is unset unless `env` sets it.
fn gankit(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gankit"));
    cmd.args(args).current_dir(repo()).env_remove("GANKIT_MODE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("the gankit binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts success, printing both streams otherwise; returns stdout.
fn ok(o: &Output, what: &str) -> String {
    assert!(
        o.status.success(),
        "{what} failed ({}):\nstdout:\n{}\nstderr:\n{}",
        o.status,
        text(&o.stdout),
        text(&o.stderr)
    );
    text(&o.stdout)
}

/// A fresh folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = repo()
        .join("target/test-output/cli")
        .join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn history_rows(path: &Path) -> Vec<Vec<String>> {
    let csv = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = csv.lines();
    assert!(
        lines.next().unwrap().starts_with("step,d_loss,g_loss"),
        "{csv}"
    );
    lines
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

fn png_size(path: &Path) -> (u32, u32) {
    image::image_dimensions(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_config_reads_in_both_variants_and_builds_its_networks() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join("configs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 20,
        "expected one config per report experiment, found {}",
        files.len()
    );
    for report in [
        "report000_",
        "report001_",
        "report002_",
        "report003_",
        "report004_",
        "ring8_",
        "grid25_",
    ] {
        assert!(
            files
                .iter()
                .any(|f| f.file_name().unwrap().to_str().unwrap().starts_with(report)),
            "no config for {report}"
        );
    }
    for f in &files {
        let name = f.file_stem().unwrap().to_str().unwrap().to_string();
        let src = std::fs::read_to_string(f).unwrap();
        let first = src.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("# Report ") || first.starts_with("# 2-D toy"),
            "{name}: the first line must cite the report section, got {first:?}"
        );
        assert!(src.contains("[quick."), "{name}: no [quick] table");
        let full = Experiment::load(f).unwrap_or_else(|e| panic!("{e}"));
        let quick = full.clone().quick();
        assert_eq!(full.name, name);
        let n = |e: &Experiment| e.data.n.expect("built-in data has n");
        let (full_steps, quick_steps) = (full.steps(n(&full)), quick.steps(n(&quick)));
        assert!(
            quick_steps <= 2000 && quick_steps < full_steps,
            "{name}: quick {quick_steps} steps, full {full_steps}"
        );
        if !full.data.source.is_2d() {
            assert!(
                full.data.size >= 64 && quick.data.size == 32,
                "{name}: the reports train at 64×64 or more, quick runs at 32×32"
            );
        }
        assert!(
            quick.output.dir.ends_with(format!("{name}-quick")),
            "{name}: {}",
            quick.output.dir.display()
        );
        for exp in [&full, &quick] {
            let (g, d) = exp
                .parameter_counts()
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(g > 1000 && d > 1000, "{name}: G {g}, D {d} parameters");
            if exp.translation.is_none() {
                let (g, _vs_g, d, _vs_d) = exp
                    .build_nets(Device::Cpu)
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(g.condition_width(), exp.model.n_classes, "{name}");
                assert_eq!(d.condition_width(), exp.model.n_classes, "{name}");
            }
        }
    }
    // the report's own numbers reach the trainer
    let e = Experiment::load(repo().join("configs/report001_dcgan.toml")).unwrap();
    assert_eq!(
        (e.train.optimizers.g, e.train.batch_size, e.steps(36_740)),
        (Optimizer::adam(2e-5).betas(0.5, 0.999), 64, 10_906)
    );
    let e = Experiment::load(repo().join("configs/report004_cgan_objects.toml")).unwrap();
    assert_eq!(
        (
            e.train.optimizers.g.learning_rate(),
            e.train.optimizers.d.learning_rate(),
            e.train.batch_size,
            e.train.z_dim
        ),
        (2e-4, 1e-5, 32, 25)
    );
    let e = Experiment::load(repo().join("configs/report001_cyclegan_lsgan.toml")).unwrap();
    let Some(Translation::Cycle { nets, config }) = &e.translation else {
        panic!("cyclegan")
    };
    assert_eq!(
        (
            nets.n_blocks,
            nets.image_size,
            config.batch_size,
            e.steps(1096)
        ),
        (6, 256, 1, 200 * 1096)
    );
    let e = Experiment::load(repo().join("configs/report002_wgan_clip.toml")).unwrap();
    assert_eq!(
        (
            e.train.clip.map(|c| c.c),
            e.train.g_every,
            e.train_config(36_740).warmup_steps
        ),
        (Some(0.01), 5, 2 * (36_740 / 64)),
        "G every step for the first 2 epochs, then every 5th"
    );
}

#[test]
fn image_run_checkpoints_samples_evaluates_and_resumes() {
    let dir = scratch("dcgan");
    let out = dir.join("run");
    let out_s = out.to_str().unwrap();
    let config = "configs/report001_dcgan.toml";
    // GANKIT_MODE=smoke picks the smoke variant: 4 steps, a grid and a checkpoint every 2
    let o = gankit(
        &["train", "--config", config, "--out", out_s],
        &[("GANKIT_MODE", "smoke")],
    );
    let stdout = ok(&o, "train");
    assert!(
        stdout.contains("report001_dcgan (smoke)") && stdout.contains("device: training on"),
        "{stdout}"
    );
    for f in [
        "step-000002/checkpoint.json",
        "step-000004/checkpoint.json",
        "step-000004/g.safetensors",
        "history.csv",
        "loss.png",
        "scores.png",
        "experiment.toml",
    ] {
        assert!(out.join(f).is_file(), "missing {f}; stdout:\n{stdout}");
    }
    for step in [0, 2, 4] {
        let grid = out.join(format!("grid-step-{step:06}.png"));
        let (w, h) = png_size(&grid);
        assert!(
            w > 8 * 32 && h > 8 * 32,
            "{}: {w}×{h}, expected 64 tiles of 32×32",
            grid.display()
        );
    }
    let rows = history_rows(&out.join("history.csv"));
    assert_eq!(
        rows.iter().map(|r| r[0].as_str()).collect::<Vec<_>>(),
        ["1", "2", "3", "4"]
    );
    let stored = std::fs::read_to_string(out.join("step-000004/checkpoint.json")).unwrap();
    assert!(
        stored.contains("\"experiment\"") && stored.contains("family = \\\"dcgan\\\""),
        "the experiment travels with the checkpoint:\n{stored}"
    );

    // sample: G rebuilt from checkpoint.json, a grid of the right size
    let png = dir.join("samples.png");
    ok(
        &gankit(
            &[
                "sample",
                "--checkpoint",
                out.join("step-000004").to_str().unwrap(),
                "--n",
                "16",
                "--out",
                png.to_str().unwrap(),
            ],
            &[],
        ),
        "sample",
    );
    let want = ImageGrid::new(&Tensor::zeros([16, 3, 32, 32], (Kind::Float, Device::Cpu)))
        .unwrap()
        .to_rgb()
        .unwrap();
    assert_eq!(png_size(&png), (want.width(), want.height()));
    // the trained weights are what is sampled: the same seed gives the same grid from one
    // checkpoint and another grid from another
    let sample = |ckpt: &str, file: &str| {
        let png = dir.join(file);
        ok(
            &gankit(
                &[
                    "sample",
                    "--checkpoint",
                    out.join(ckpt).to_str().unwrap(),
                    "--n",
                    "16",
                    "--seed",
                    "7",
                    "--out",
                    png.to_str().unwrap(),
                ],
                &[],
            ),
            "sample",
        );
        std::fs::read(png).unwrap()
    };
    let (at4, again, at2) = (
        sample("step-000004", "a.png"),
        sample("step-000004", "b.png"),
        sample("step-000002", "c.png"),
    );
    assert!(
        at4 == again && at4 != at2,
        "sampling must read the checkpoint's G (deterministic per seed, different per checkpoint)"
    );
    // a run folder stands for its newest checkpoint; the default output goes beside it
    let stdout = ok(
        &gankit(&["sample", "--checkpoint", out_s], &[]),
        "sample (run folder)",
    );
    assert!(out.join("samples-step-000004.png").is_file(), "{stdout}");

    // eval: the face evaluator's table, generated against real data
    let stdout = ok(
        &gankit(&["eval", "--checkpoint", out_s, "--n", "64"], &[]),
        "eval",
    );
    for row in [
        "| metric",
        "real data",
        "| faces (evaluator P ≥ 0.5)",
        "| distinct hair/eye combinations",
        "| KL from the data",
    ] {
        assert!(stdout.contains(row), "eval output lacks {row:?}:\n{stdout}");
    }
    let face_row = stdout.lines().find(|l| l.starts_with("| faces")).unwrap();
    let real: f64 = face_row
        .split('|')
        .nth(3)
        .unwrap()
        .trim()
        .trim_end_matches(" %")
        .parse()
        .unwrap();
    assert!(
        real > 90.0,
        "the evaluator should find faces in real data: {face_row}"
    );

    // a second run into the same folder is refused without --resume
    let o = gankit(
        &["train", "--config", config, "--out", out_s, "--smoke"],
        &[],
    );
    assert!(
        !o.status.success() && text(&o.stderr).contains("--resume"),
        "{}",
        text(&o.stderr)
    );

    // --resume continues from step 4 to 6, exactly as an uninterrupted 6-step run
    let stdout = ok(
        &gankit(
            &[
                "train", "--config", config, "--out", out_s, "--smoke", "--resume", "--steps", "6",
            ],
            &[],
        ),
        "resume",
    );
    assert!(
        stdout.contains("resumed from") && stdout.contains("step 4)"),
        "{stdout}"
    );
    let trained: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("step "))
        .map(|l| l.split_whitespace().nth(1).unwrap())
        .collect();
    assert_eq!(
        trained,
        ["5", "6"],
        "only steps 5 and 6 are trained again:\n{stdout}"
    );
    assert!(out.join("step-000006/checkpoint.json").is_file());
    let resumed = history_rows(&out.join("history.csv"));
    assert_eq!(resumed.len(), 6);
    assert_eq!(
        resumed[..4],
        rows[..],
        "steps 1–4 kept as they were (their timings too)"
    );
    let straight = dir.join("straight");
    ok(
        &gankit(
            &[
                "train",
                "--config",
                config,
                "--out",
                straight.to_str().unwrap(),
                "--smoke",
                "--steps",
                "6",
            ],
            &[],
        ),
        "uninterrupted run",
    );
    let straight = history_rows(&straight.join("history.csv"));
    for (a, b) in resumed[4..].iter().zip(&straight[4..]) {
        for col in 1..3 {
            let (x, y): (f64, f64) = (a[col].parse().unwrap(), b[col].parse().unwrap());
            assert!(
                (x - y).abs() <= 1e-4 * (1.0 + y.abs()),
                "step {}: resumed {x} vs uninterrupted {y} (column {col})",
                a[0]
            );
        }
    }
}

#[test]
fn two_d_run_draws_fields_and_counts_modes() {
    let dir = scratch("ring8");
    let out = dir.join("run");
    let out_s = out.to_str().unwrap();
    let stdout = ok(
        &gankit(
            &[
                "train",
                "--config",
                "configs/ring8_gan.toml",
                "--smoke",
                "--out",
                out_s,
            ],
            &[],
        ),
        "train ring8",
    );
    assert!(stdout.contains("ring8_gan (smoke)"), "{stdout}");
    for f in [
        "field-step-000000.png",
        "field-step-000004.png",
        "step-000004/g.safetensors",
        "history.csv",
        "loss.png",
    ] {
        assert!(out.join(f).is_file(), "missing {f}:\n{stdout}");
    }
    assert_eq!(history_rows(&out.join("history.csv")).len(), 4);
    let stdout = ok(
        &gankit(&["eval", "--checkpoint", out_s, "--n", "500"], &[]),
        "eval ring8",
    );
    let modes = stdout
        .lines()
        .find(|l| l.starts_with("| modes captured"))
        .unwrap_or_else(|| panic!("{stdout}"));
    let cells: Vec<&str> = modes.split('|').map(str::trim).collect();
    assert!(
        cells[2].ends_with("of 8") && cells[3] == "8 of 8",
        "real data has every mode: {modes}"
    );
    let png = dir.join("points.png");
    ok(
        &gankit(
            &[
                "sample",
                "--checkpoint",
                out_s,
                "--n",
                "200",
                "--out",
                png.to_str().unwrap(),
            ],
            &[],
        ),
        "sample ring8",
    );
    assert!(png_size(&png).0 > 100);
}

#[test]
fn bad_experiment_files_fail_with_one_line_naming_file_and_key() {
    let dir = scratch("bad");
    let good = "[model]\nfamily = \"dcgan\"\n\n[train]\nloss = \"bce\"\nlr = 2e-4\nsteps = 10\n";
    let cases: [(&str, String, &str); 7] = [
        ("unknown_loss", good.replace("\"bce\"", "\"hinj\""), "train.loss: unknown loss \"hinj\" (known: bce/nonsaturating, minimax, wgan, lsgan, hinge"),
        ("negative_lr", good.replace("2e-4", "-0.0001"), "train.lr: must be ≥ 0, got -0.0001"),
        ("missing_path", format!("{good}\n[data]\npath = \"/no/such/folder\"\n"), "data.path: /no/such/folder: no such folder"),
        ("unknown_key", good.replace("lr = ", "lrr = "), "train.lrr: unknown key (did you mean \"lr\"?)"),
        ("syntax", good.replace("[train]", "[train"), "TOML parse error at line 4, column"),
        ("quick_key", format!("{good}\n[quick.train]\nlr = -1\n"), "quick.train.lr: must be ≥ 0, got -1"),
        ("wrong_type", good.replace("steps = 10", "steps = \"ten\""), "train.steps: expected a whole number, got a string \"ten\""),
    ];
    for (name, body, want) in &cases {
        let path = dir.join(format!("{name}.toml"));
        std::fs::write(&path, body).unwrap();
        let o = gankit(&["train", "--config", path.to_str().unwrap()], &[]);
        let stderr = text(&o.stderr);
        assert!(!o.status.success(), "{name}: should fail");
        assert_eq!(
            stderr.lines().count(),
            1,
            "{name}: one line on stderr, got:\n{stderr}"
        );
        assert!(
            stderr.contains(&format!("{}: ", path.display())),
            "{name}: names the file: {stderr}"
        );
        assert!(stderr.contains(want), "{name}: {stderr:?} lacks {want:?}");
        assert!(
            o.stdout.is_empty(),
            "{name}: nothing trained: {}",
            text(&o.stdout)
        );
    }
    // usage errors are one line too
    for args in [
        &["train"][..],
        &["frobnicate"],
        &["train", "--config", "configs/ring8_gan.toml", "--bogus"],
        &["sample", "--checkpoint", "/no/such/run"],
        &[
            "train",
            "--config",
            "configs/ring8_gan.toml",
            "--steps",
            "many",
        ],
    ] {
        let o = gankit(args, &[]);
        let stderr = text(&o.stderr);
        assert!(
            !o.status.success() && stderr.lines().count() == 1 && stderr.starts_with("error: "),
            "{args:?}: {stderr}"
        );
    }
    let o = gankit(&["--help"], &[]);
    let help = ok(&o, "--help");
    for word in [
        "gankit train",
        "gankit sample",
        "gankit eval",
        "--resume",
        "--quick",
    ] {
        assert!(help.contains(word), "--help lacks {word}");
    }
}

#[test]
fn data_path_trains_on_the_real_format() {
    let dir = scratch("tagged");
    let faces_dir = dir.join("faces");
    gankit::data::tags::write_tagged_faces(
        &FacesConfig {
            n: 96,
            size: 32,
            seed: 3,
            ..Default::default()
        },
        &faces_dir,
    )
    .unwrap();
    let out = dir.join("run");
    let path_setting = format!("data.path={:?}", faces_dir.to_str().unwrap());
    let args = [
        "train",
        "--config",
        "configs/report001_text_to_image.toml",
        "--smoke",
        "--out",
        out.to_str().unwrap(),
        "--set",
        &path_setting,
        "--set",
        "data.cache=false",
    ];
    let stdout = ok(&gankit(&args, &[]), "train on a tags.csv folder");
    assert!(
        stdout.contains(&format!("data: {} 32×32, 96 samples", faces_dir.display())),
        "{stdout}"
    );
    assert!(
        out.join("step-000004/checkpoint.json").is_file(),
        "{stdout}"
    );
    // the tags became the 119 one-hot (hair, eye) conditions of the text-to-image networks; the
    // config's fixed conditions are one per class (fixed_samples = 119, the report's grid)
    let state = Tensor::read_safetensors(out.join("step-000004/state.safetensors")).unwrap();
    let fixed_c = &state
        .iter()
        .find(|(k, _)| k == "fixed_c")
        .expect("conditional run keeps fixed_c")
        .1;
    assert_eq!(fixed_c.size(), [119, 119]);

    // StarGAN on a CelebA folder (its attribute columns), CycleGAN on a trainA/trainB/testA/testB folder
    let celeba = gankit::data::formats::write_celeba(48, 32, 4, dir.join("celeba")).unwrap();
    let maps = gankit::data::formats::write_cyclegan(24, 6, 32, 5, dir.join("maps")).unwrap();
    for (config, folder, extra, want) in [
        (
            "report001_stargan",
            &celeba,
            "data.hair=[]",
            "domains: glasses, blush, smile",
        ),
        (
            "report001_cyclegan_lsgan",
            &maps,
            "data.cache=false",
            "trainA (24 images), B",
        ),
    ] {
        let out = dir.join(config);
        let path_setting = format!("data.path={:?}", folder.to_str().unwrap());
        let args = [
            "train",
            "--config",
            &format!("configs/{config}.toml"),
            "--smoke",
            "--out",
            out.to_str().unwrap(),
            "--set",
            &path_setting,
            "--set",
            extra,
            "--set",
            "data.cache=false",
        ];
        let stdout = ok(&gankit(&args, &[]), config);
        assert!(
            stdout.contains(want) && out.join("step-000004/checkpoint.json").is_file(),
            "{config}:\n{stdout}"
        );
        let stdout = ok(
            &gankit(
                &["eval", "--checkpoint", out.to_str().unwrap(), "--n", "6"],
                &[],
            ),
            "eval",
        );
        assert!(stdout.contains("| metric"), "{stdout}");
    }
}

#[test]
fn cyclegan_and_stargan_train_sample_and_evaluate() {
    let dir = scratch("i2i");
    for (config, row) in [
        (
            "report001_cyclegan_lsgan",
            "| map → aerial vs the true aerial",
        ),
        ("report001_stargan", "| → black hair: D's classifier agrees"),
    ] {
        let out = dir.join(config);
        let out_s = out.to_str().unwrap();
        let stdout = ok(
            &gankit(
                &[
                    "train",
                    "--config",
                    &format!("configs/{config}.toml"),
                    "--smoke",
                    "--out",
                    out_s,
                ],
                &[],
            ),
            config,
        );
        for f in [
            "grid-step-000004.png",
            "step-000004/g.safetensors",
            "history.csv",
            "loss.png",
            "terms.png",
            "experiment.toml",
        ] {
            assert!(out.join(f).is_file(), "{config}: missing {f}:\n{stdout}");
        }
        assert_eq!(history_rows(&out.join("history.csv")).len(), 4, "{config}");
        let png = dir.join(format!("{config}.png"));
        ok(
            &gankit(
                &[
                    "sample",
                    "--checkpoint",
                    out_s,
                    "--n",
                    "4",
                    "--out",
                    png.to_str().unwrap(),
                ],
                &[],
            ),
            "sample",
        );
        let (w, h) = png_size(&png);
        assert!(
            w >= 4 * 32 && h >= 4 * 32,
            "{config}: a panel of 4 inputs, got {w}×{h}"
        );
        let stdout = ok(
            &gankit(&["eval", "--checkpoint", out_s, "--n", "8"], &[]),
            "eval",
        );
        assert!(
            stdout.contains(row),
            "{config}: eval lacks {row:?}:\n{stdout}"
        );
        assert!(
            !config.contains("cyclegan")
                || stdout.contains("the mean training image of the target domain: map → aerial L1"),
            "{config}: eval lacks the mean-image bar:\n{stdout}"
        );
        // resume continues the image-to-image trainers too
        let stdout = ok(
            &gankit(
                &[
                    "train",
                    "--config",
                    &format!("configs/{config}.toml"),
                    "--smoke",
                    "--out",
                    out_s,
                    "--resume",
                    "--steps",
                    "5",
                ],
                &[],
            ),
            "resume",
        );
        assert!(
            stdout.contains("(step 4)") && out.join("step-000005/checkpoint.json").is_file(),
            "{config}:\n{stdout}"
        );
        assert_eq!(history_rows(&out.join("history.csv")).len(), 5, "{config}");
    }
}

/// The history as CSV without the wall-time column (the one thing two identical runs differ
/// in).
fn without_seconds(csv: &str) -> Vec<String> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let t = header.iter().position(|&h| h == "seconds").unwrap();
    lines
        .map(|l| {
            let mut cells: Vec<&str> = l.split(',').collect();
            cells.remove(t);
            cells.join(",")
        })
        .collect()
}

/// What a notebook does with an experiment file (`Experiment::load`, `build`, the one loop)
/// steps exactly as `gankit train` does: the warm-up (report 002 §3), the learning-rate decay
/// (CycleGAN) and a plain DCGAN run give the same history, step for step, both ways.
#[test]
fn the_notebook_api_and_gankit_train_step_identically() {
    let dir = scratch("same");
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], usize);
    let cases: [Case; 3] = [
        // warm-up: G every step for 2 steps, then every 5th (steps 1, 2, 6)
        (
            "report002_wgan_clip",
            &[("train.warmup_steps", "2"), ("data.n", "128")],
            8,
        ),
        ("report001_cyclegan_lsgan", &[], 4),
        ("report001_dcgan", &[], 4),
    ];
    for (name, sets, steps) in cases {
        let config = repo().join(format!("configs/{name}.toml"));
        let mut exp = Experiment::load(&config).unwrap().smoke();
        let mut args = vec![
            "train".to_string(),
            "--config".into(),
            config.display().to_string(),
            "--smoke".into(),
            "--steps".into(),
            steps.to_string(),
            "--out".into(),
            dir.join(name).display().to_string(),
        ];
        for (k, v) in sets {
            exp = exp.with_setting(k, v, k).unwrap();
            args.extend(["--set".into(), format!("{k}={v}")]);
        }
        exp = exp.with_steps(steps).unwrap();
        let notebook = match &exp.translation {
            Some(Translation::Cycle { .. }) => {
                let mut gan = exp.build_cyclegan(Device::Cpu).unwrap();
                assert_eq!(
                    gan.config().lr_schedule,
                    LrSchedule::linear(2, 2),
                    "{name}: lr_decay 0.5 of 4 steps reaches the trainer"
                );
                gan.train(exp.total_steps(&gan), TrainOptions::new())
                    .unwrap();
                gan.history().to_csv()
            }
            _ => {
                let mut gan = exp.build(Device::Cpu).unwrap();
                gan.train(exp.total_steps(&gan), TrainOptions::new())
                    .unwrap();
                gan.history().to_csv()
            }
        };
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        ok(&gankit(&args, &[("GANKIT_DEVICE", "cpu")]), name);
        let cli = std::fs::read_to_string(dir.join(name).join("history.csv")).unwrap();
        assert_eq!(
            without_seconds(&notebook),
            without_seconds(&cli),
            "{name}: the notebook API and gankit train differ"
        );
        assert_eq!(without_seconds(&cli).len(), steps, "{name}");
        if name == "report002_wgan_clip" {
            let g_steps: Vec<usize> = history_rows(&dir.join(name).join("history.csv"))
                .iter()
                .filter(|r| !r[2].is_empty())
                .map(|r| r[0].parse().unwrap())
                .collect();
            assert_eq!(g_steps, [1, 2, 6], "the warm-up, then G every 5th step");
        }
    }
}
