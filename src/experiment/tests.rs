use super::*;

fn parse(text: &str) -> Result<Experiment> {
    Experiment::from_str_named(text, "x.toml", "x")
}

const MIN: &str = "[model]\nfamily = \"dcgan\"\n[train]\nlr = 2e-4\nsteps = 10\n";

#[test]
fn a_minimal_file_takes_the_defaults() {
    let e = parse(MIN).unwrap();
    assert_eq!(e.data.source, DataSource::Faces);
    assert_eq!(e.train.loss.loss, Loss::BCE);
    assert!(e.model.sigmoid);
    assert_eq!(e.output.dir, PathBuf::from("target/runs/x"));
    assert_eq!(
        e.clone().quick().output.dir,
        PathBuf::from("target/runs/x-quick")
    );
    assert_eq!(e.smoke().length, Length::Steps(4));
}

#[test]
fn lr_decay_makes_the_last_share_of_the_run_fall_to_zero() {
    let e = parse("[model]\nfamily = \"dcgan\"\n[train]\nlr = 1e-4\nsteps = 10\nlr_decay = 0.25\n")
        .unwrap();
    assert_eq!(
        e.lr_schedule(10),
        LrSchedule::linear(7, 3),
        "⌈0.25 · 10⌉ = 3 steps of decay after 7"
    );
    assert_eq!(
        e.lr_schedule(10).factor(10),
        0.25,
        "the last step at 1/(decay + 1), as the reference's last epoch"
    );
    let constant = parse("[model]\nfamily = \"dcgan\"\n[train]\nlr = 1e-4\nsteps = 10\n").unwrap();
    assert_eq!(constant.lr_schedule(10), LrSchedule::Constant);
}

#[test]
fn errors_name_the_file_and_the_key() {
    let cases = [
        ("[model]\nfamily = \"dcgan\"\n[train]\nloss = \"hinj\"\nlr = 1e-4\nsteps = 1\n", "x.toml: train.loss: unknown loss \"hinj\" (known: bce/nonsaturating, minimax, wgan"),
        ("[model]\nfamily = \"dcgan\"\n[train]\nlr = -0.0001\nsteps = 1\n", "x.toml: train.lr: must be ≥ 0, got -0.0001"),
        ("[model]\nfamily = \"dcgan\"\n[train]\nlrr = 1e-4\nsteps = 1\n", "x.toml: train.lrr: unknown key (did you mean \"lr\"?)"),
        ("[model]\nfamily = \"dcgan\"\n[train]\nlr = 1e-4\nbetas = [0.5, 1.5]\nsteps = 1\n", "x.toml: train.betas[1]: must be in [0, 1), got 1.5"),
        ("[model]\nfamily = \"dcgan\"\n[train]\nlr = 1e-4\nsteps = 1\n[quick.train]\nlr = -1\n", "x.toml: quick.train.lr: must be ≥ 0, got -1"),
        ("[model]\nfamily = \"dcgan\"\n[train]\nlr = 1e-4\nsteps = 1\nbatch_size = 0\n", "x.toml: train.batch_size: must be at least 1"),
        ("[model]\nfamily = \"dcgan\"\n[train]\noptimizer = \"rmsprop\"\nlr = 1e-4\nbetas = [0.5, 0.9]\nsteps = 1\n", "x.toml: train.betas: RMSprop has no betas"),
        ("[model]\nfamily = \"dcgan\"\n[train]\nloss = \"wgan\"\nlabels = \"noisy\"\nlr = 1e-4\nsteps = 1\n", "x.toml: train.labels: noisy labels do not apply to wgan"),
        ("[model]\nfamily = \"dcgan\"\n[train]\nlr = 1e-4\nsteps = 1\nlabels_in_g = true\n", "x.toml: train.labels_in_g: applies to labels = \"noisy\" or \"one_sided\""),
        ("[model]\nfamily = \"selu\"\nsigmoid = false\n[train]\nloss = \"rsgan\"\nlabels = \"noisy\"\nlabels_in_g = true\nlr = 1e-4\nsteps = 1\n", "x.toml: train.labels_in_g: applies to bce, minimax and lsgan"),
        ("[model]\nfamily = \"dcgan\"\n[train]\nlr = 1e-4\n", "x.toml: train.steps: missing"),
        ("[model]\nfamily = \"dcgan\"\n[train]\nlr = 1e-4\nsteps = 1\nlr_decay = 1.5\n", "x.toml: train.lr_decay: must be in (0, 1]"),
        ("[model]\nfamily = \"cyclegan\"\n[train]\nlr = 1e-4\nsteps = 1\n[data]\nsource = \"faces\"\n", "x.toml: data.source: cyclegan translates between two domains"),
        ("[model]\nfamily = \"stargan\"\n[train]\nlr = 1e-4\nsteps = 1\nd_steps = 2\n", "x.toml: train.d_steps: does not apply to family stargan"),
        ("[model]\nfamily = \"stargan\"\n[train]\nlr = 1e-4\nsteps = 1\n[data]\nhair = [\"teal\"]\n", "x.toml: data.hair: unknown hair colour \"teal\""),
        ("[model]\nfamily = \"dcgan\"\n[train]\nlr = 1e-4\nsteps = 1\n[data]\npath = \"/no/such\"\n", "x.toml: data.path: /no/such: no such folder"),
        ("[model]\nfamily = \"dcgan\"\ntrain]\n", "x.toml: TOML parse error at line 3, column"),
    ];
    for (text, want) in cases {
        let e = parse(text).unwrap_err().to_string();
        assert!(e.starts_with(want), "got {e:?}, want {want:?}");
        assert!(!e.contains('\n'), "one line: {e:?}");
    }
}

#[test]
fn quick_steps_replace_epochs_and_overrides_are_named() {
    let e = parse(
        "[model]\nfamily = \"dcgan\"\n[train]\nlr = 1e-4\nepochs = 3\n[quick.train]\nsteps = 7\n",
    )
    .unwrap();
    assert_eq!(e.length, Length::Epochs(3.0));
    assert_eq!(e.steps(6400), 300);
    assert_eq!(e.clone().quick().length, Length::Steps(7));
    let err = e
        .with_setting("train.lr", "-2", "--set train.lr")
        .unwrap_err()
        .to_string();
    assert_eq!(err, "x.toml: --set train.lr: must be ≥ 0, got -2");
}

#[test]
fn image_to_image_families_take_their_trainers_defaults() {
    let e = parse("[model]\nfamily = \"cyclegan\"\n[train]\nlr = 2e-4\nsteps = 10\n").unwrap();
    let Some(Translation::Cycle { nets, config }) = &e.translation else {
        panic!("{e:?}")
    };
    assert_eq!(
        (
            e.data.source,
            config.loss.loss,
            config.batch_size,
            config.lambda_cycle,
            config.pool_size
        ),
        (DataSource::Maps, Loss::Lsgan, 1, 10.0, 50)
    );
    assert!(!nets.sigmoid && nets.n_blocks == 6);
    let e =
        parse("[model]\nfamily = \"cyclegan\"\n[train]\nloss = \"bce\"\nlr = 2e-4\nsteps = 10\n")
            .unwrap();
    let Some(Translation::Cycle { nets, config }) = &e.translation else {
        panic!()
    };
    assert!(
        nets.sigmoid && config.loss.loss == Loss::BCE,
        "BCE on a Sigmoid-ended PatchGAN, as the report"
    );
    let e = parse("[model]\nfamily = \"stargan\"\n[train]\nlr = 1e-4\nsteps = 10\n").unwrap();
    let Some(Translation::Star {
        nets,
        config,
        domains,
    }) = &e.translation
    else {
        panic!()
    };
    assert_eq!(
        (
            nets.c_dim,
            config.n_critic,
            config.batch_size,
            config.gradient_penalty.map(|g| g.lambda)
        ),
        (5, 5, 16, Some(10.0))
    );
    assert_eq!(domains.as_ref().unwrap(), &StarDomains::default());
    assert_eq!(e.star_domains(), Some(&StarDomains::default()));
    let three = parse("[model]\nfamily = \"stargan\"\n[train]\nlr = 1e-4\nsteps = 10\n[data]\nattributes = [\"glasses\", \"blush\", \"smile\"]\n").unwrap();
    assert_eq!(
        three.star_domains().map(StarDomains::names).unwrap(),
        [
            "black hair",
            "blonde hair",
            "brown hair",
            "glasses",
            "blush",
            "smile"
        ],
        "the notebook's judge reads the file's domains"
    );
    assert_eq!(parse(MIN).unwrap().star_domains(), None);
}

#[test]
fn the_effective_toml_reads_back_the_same() {
    let e = parse(&format!("{MIN}[quick.data]\nsize = 32\n"))
        .unwrap()
        .quick();
    let back = Experiment::from_text(&e.to_toml(), "back", "x", false).unwrap();
    assert_eq!(
        (back.data, back.model, back.train, back.length),
        (e.data, e.model, e.train, e.length)
    );
}

/// The messages of the schema's types and of the unknown keys, wherever the key was set (the
/// file, its `[quick]` or `[smoke]` table, the command line).
#[test]
fn type_and_unknown_key_errors_name_where_the_key_was_set() {
    // MIN with `train` in its [train] table (replacing its lr or steps), then `rest`
    let with = |train: &str, rest: &str| {
        let keep = |k: &str, line: &'static str| if train.starts_with(k) { "" } else { line };
        format!(
            "[model]\nfamily = \"dcgan\"\n[train]\n{}{}{train}\n{rest}",
            keep("lr ", "lr = 2e-4\n"),
            keep("steps ", "steps = 10\n")
        )
    };
    let cases = [
        // a wrong type for a choice, and an unknown name
        (with("loss = 3", ""), "x.toml: train.loss: expected a string, got an integer 3"),
        (MIN.replace("\"dcgan\"", "\"dcgann\""), "x.toml: model.family: unknown model family \"dcgann\" (known: baseline, dcgan, selu, text_to_image, cwgan, cgan, mlp, cyclegan, stargan)"),
        (MIN.replace("\"dcgan\"", "\"cyclegan\"\nnorm = \"group\""), "x.toml: model.norm: unknown normalisation \"group\" (known: instance, batch)"),
        // the schema's types
        (with("steps = 1.5", ""), "x.toml: train.steps: must be a whole number, got 1.5"),
        (with("steps = 0", ""), "x.toml: train.steps: must be at least 1, got 0"),
        (with("lr = nan", ""), "x.toml: train.lr: must be a finite number, got NaN"),
        (with("betas = [0.5]", ""), "x.toml: train.betas: expected two numbers [a, b], got [0.5]"),
        (with("betas = 0.5", ""), "x.toml: train.betas: expected two numbers [a, b], got a float 0.5"),
        (with("", "[data]\ncache = 1"), "x.toml: data.cache: expected true or false, got an integer 1"),
        (with("", "[data]\nhair = [\"black\", 2]"), "x.toml: data.hair: expected a list of strings"),
        (with("steps = \"a very long string that has more than forty characters\"", ""), "x.toml: train.steps: expected a whole number, got a string \"a very long string that has more than f…"),
        (with("steps = 1979-05-27", ""), "x.toml: train.steps: expected a whole number, got a datetime 1979-05-27"),
        (format!("name = 1979-05-27\n{MIN}"), "x.toml: name: expected a string, got a datetime 1979-05-27"),
        (format!("output = 1979-05-27\n{MIN}"), "x.toml: output: expected a table, got a datetime 1979-05-27"),
        (format!("output = [1, 2]\n{MIN}"), "x.toml: output: expected a table, got an array [1, 2]"),
        (with("g = 3", ""), "x.toml: train.g: expected a table, got an integer 3"),
        // unknown keys: the nearest known one, else the list
        (with("", "[train.g]\nlrr = 1"), "x.toml: train.g.lrr: unknown key (did you mean \"lr\"?)"),
        (with("", "[output]\nzzzzzzzz = 1"), "x.toml: output.zzzzzzzz: unknown key (known: dir, print_every, grid_every, checkpoint_every)"),
        (format!("nmae = \"y\"\n{MIN}"), "x.toml: nmae: unknown key (did you mean \"name\"?)"),
        // set by the variants
        (with("", "[quick.train]\nlrr = 1"), "x.toml: quick.train.lrr: unknown key (did you mean \"lr\"?)"),
        (with("", "[quick.train.g]\nlrr = 1"), "x.toml: quick.train.g.lrr: unknown key (did you mean \"lr\"?)"),
        (with("", "[quick]\nfoo = 1"), "x.toml: quick.foo: unknown key (known: data, model, train, output)"),
        (with("", "[quick.train]\nsteps = \"ten\""), "x.toml: quick.train.steps: expected a whole number, got a string \"ten\""),
        (with("", "[smoke.train]\nlr = -1"), "x.toml: smoke.train.lr: must be ≥ 0, got -1"),
        (with("", "[smoke.train]\nbatch_size = -2"), "x.toml: smoke.train.batch_size: must be at least 0, got -2"),
        (with("", "[smoke.train]\nd_steps = 0\ng_steps = 0"), "x.toml: smoke.train.d_steps: d_steps and g_steps are both 0: nothing would train"),
        (with("", "[quick.train.d]\nbetas = [1.5, 0.5]"), "x.toml: quick.train.d.betas[0]: must be in [0, 1), got 1.5"),
        (with("", "[quick.train.lr]\nx = 1"), "x.toml: quick.train.lr.x: train.lr is not a table"),
    ];
    for (text, want) in &cases {
        let e = parse(text).unwrap_err().to_string();
        assert_eq!(&e, want, "{text}");
    }
    for (key, value, want) in [
        (
            "train.steps",
            "ten",
            "x.toml: --set train.steps: expected a whole number, got a string \"ten\"",
        ),
        (
            "train.lrr",
            "1",
            "x.toml: --set train.lrr: unknown key (did you mean \"lr\"?)",
        ),
        (
            "train.g.lr",
            "-1",
            "x.toml: --set train.g.lr: must be ≥ 0, got -1",
        ),
        (
            "model",
            "3",
            "x.toml: --set model: expected a table, got an integer 3",
        ),
    ] {
        let e = parse(MIN)
            .unwrap()
            .with_setting(key, value, &format!("--set {key}"))
            .unwrap_err()
            .to_string();
        assert_eq!(e, want);
    }
    let e = parse(MIN).unwrap().with_steps(0).unwrap_err().to_string();
    assert_eq!(e, "x.toml: --steps: must be at least 1, got 0");
}

/// What each configs/ file makes, in every variant, comes back from its effective TOML (what a
/// checkpoint stores).
#[test]
fn every_config_reads_back_from_its_effective_toml_in_every_variant() {
    let mut files: Vec<PathBuf> = std::fs::read_dir("configs")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let parts = |e: &Experiment| {
        format!(
            "{:?}",
            (
                &e.name,
                &e.data,
                &e.model,
                &e.train,
                e.length,
                e.warmup,
                e.lr_decay,
                &e.output,
                &e.translation
            )
        )
    };
    for f in &files {
        let full = Experiment::load(f).unwrap_or_else(|e| panic!("{e}"));
        for mode in [Mode::Full, Mode::Quick, Mode::Smoke] {
            let e = full.clone().variant(mode);
            let back = Experiment::from_text(&e.to_toml(), "back", "back", false)
                .and_then(|b| b.try_variant(mode))
                .unwrap_or_else(|err| panic!("{} {mode:?}: {err}", f.display()));
            assert_eq!(parts(&back), parts(&e), "{} {mode:?}", f.display());
        }
    }
}

/// A sweep's files (report 004's real:fake weightings) train exactly as their base file but
/// for what they sweep, in every variant: a notebook comparing them compares that one thing.
#[test]
fn sweep_files_differ_from_their_base_only_in_what_they_sweep() {
    // Each part on its own, so a failure names the part (data, model, train, …) that differs.
    let parts = |e: &Experiment| {
        [
            ("data", format!("{:?}", e.data)),
            ("model", format!("{:?}", e.model)),
            ("train", format!("{:?}", e.train)),
            ("length", format!("{:?}", e.length)),
            ("warmup", format!("{:?}", e.warmup)),
            ("lr_decay", format!("{:?}", e.lr_decay)),
        ]
    };
    let weights = |e: &Experiment| (e.train.loss.real_weight, e.train.loss.fake_weight);
    let base = Experiment::load("configs/report004_cgan_objects.toml").unwrap();
    for file in ["0_1", "1_0", "3_7", "7_3"] {
        let path = format!("configs/report004_cgan_ratio_{file}.toml");
        let sweep = Experiment::load(&path).unwrap_or_else(|e| panic!("{e}"));
        for mode in [Mode::Full, Mode::Quick, Mode::Smoke] {
            let b = base.clone().variant(mode);
            let mut s = sweep.clone().variant(mode);
            assert_ne!(
                weights(&s),
                weights(&b),
                "{path} {mode:?}: the same weights"
            );
            (s.train.loss.real_weight, s.train.loss.fake_weight) = weights(&b);
            for ((part, got), (_, want)) in parts(&s).into_iter().zip(parts(&b)) {
                assert_eq!(got, want, "{path} {mode:?}: {part} differs from the base's");
            }
        }
    }
}

#[test]
fn the_architecture_tables_of_an_experiments_networks_add_up_to_its_counts() {
    for file in [
        "report001_dcgan",
        "report003_cwgan_gp",
        "report001_cyclegan_lsgan",
        "report001_stargan",
        "ring8_gan",
    ] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("configs")
            .join(format!("{file}.toml"));
        let exp = Experiment::load(&path).unwrap().quick();
        let tables = exp.architecture().unwrap();
        let (g, d) = exp.parameter_counts().unwrap();
        let total = |t: &NetSummary| t.trainable_parameters();
        assert_eq!(tables.len(), 2, "{file}");
        match exp.model.family {
            // one network of each pair
            Family::CycleGan => assert_eq!((2 * total(&tables[0]), 2 * total(&tables[1])), (g, d)),
            _ => assert_eq!((total(&tables[0]), total(&tables[1])), (g, d), "{file}"),
        }
        assert!(
            !tables[0].rows.is_empty() && !tables[1].rows.is_empty(),
            "{file}"
        );
    }
}
