//! The image-to-image trainers: CycleGAN on the built-in maps, StarGAN on the built-in faces.
//! Small networks (32×32, narrow, 2 residual blocks) and few steps, so the file runs in well
//! under two minutes on 2 CPU cores. Every test that draws random numbers holds the shared
//! libtorch RNG lock (through [`lock`]).
mod common;

use gankit::data::maps::{maps, MapPairs};
use gankit::prelude::*;
use gankit::train::ImagePool;

/// The shared libtorch RNG lock, and libtorch on one thread: these networks are tiny, and two
/// OpenMP threads on a shared 2-core machine mostly wait for each other (measured while other
/// jobs ran: a small CycleGAN step 111 ms on one thread, 1.9 s on two).
fn lock() -> std::sync::MutexGuard<'static, ()> {
    let guard = common::torch_rng();
    tch::set_num_threads(1);
    guard
}

fn small_cycle_nets() -> CycleGanConfig {
    CycleGanConfig {
        image_size: 32,
        ngf: 8,
        ndf: 8,
        n_blocks: 2,
        d_layers: 2,
        ..Default::default()
    }
}

fn cycle_cfg(seed: u64) -> CycleTrainConfig {
    CycleTrainConfig {
        batch_size: 4,
        seed,
        ..Default::default()
    }
}

/// Trains `steps` CycleGAN steps on `pairs` (A maps, B aerial, unpaired streams).
fn run_cycle(pairs: &MapPairs, cfg: CycleTrainConfig, steps: usize) -> CycleGan {
    let (data_a, data_b) = map_domains(pairs);
    let mut gan = CycleGan::new(&small_cycle_nets(), cfg.clone(), Device::Cpu).unwrap();
    gan.set_data(&data_a, &data_b).unwrap();
    gan.train(steps, TrainOptions::new()).unwrap();
    gan
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

fn mean_term(h: &History, names: &[&str], steps: std::ops::Range<usize>) -> f64 {
    let n = steps.len() as f64;
    h.steps[steps]
        .iter()
        .map(|r| names.iter().map(|&t| r.term(t).unwrap()).sum::<f64>())
        .sum::<f64>()
        / n
}

#[test]
fn cyclegan_same_seed_same_history() {
    let _rng = lock();
    let pairs = maps(32, 32, 5);
    // A small pool (3) so that the pool's swaps happen within the run.
    let cfg = CycleTrainConfig {
        pool_size: 3,
        ..cycle_cfg(7)
    };
    let a = run_cycle(&pairs, cfg.clone(), 4);
    let b = run_cycle(&pairs, cfg.clone(), 4);
    assert_eq!(a.history().len(), 4);
    assert_eq!(
        without_time(a.history()),
        without_time(b.history()),
        "identical losses, terms and gradient norms"
    );
    let names = a.history().term_names();
    assert_eq!(
        names,
        ["g_gan_ab", "g_gan_ba", "cycle_a", "cycle_b", "idt_a", "idt_b", "d_a", "d_b"]
    );
    for r in &a.history().steps {
        let g: f64 = names[..6].iter().map(|n| r.term(n).unwrap()).sum();
        let d = r.term("d_a").unwrap() + r.term("d_b").unwrap();
        assert!(
            (g - r.g_loss.unwrap()).abs() < 1e-4 * g.abs().max(1.0),
            "G terms add up to g_loss at step {}",
            r.step
        );
        assert!(
            (d - r.d_loss.unwrap()).abs() < 1e-5,
            "d_a + d_b = d_loss at step {}",
            r.step
        );
    }
    assert_eq!(a.pools().0.images.len(), 3, "the pools filled up");
    let c = run_cycle(
        &pairs,
        CycleTrainConfig {
            seed: 8,
            ..cfg.clone()
        },
        4,
    );
    assert_ne!(
        without_time(a.history()),
        without_time(c.history()),
        "another seed, another run"
    );

    // Each step seeds libtorch from (seed, step): with Dropout in G (which draws from
    // libtorch's generator), a run interrupted by other draws continues exactly.
    let nets = CycleGanConfig {
        dropout: true,
        ..small_cycle_nets()
    };
    let (data_a, data_b) = map_domains(&pairs);
    let run = |interrupt: bool| {
        let mut gan = CycleGan::new(&nets, cfg.clone(), Device::Cpu).unwrap();
        gan.set_data(&data_a, &data_b).unwrap();
        gan.train(2, TrainOptions::new()).unwrap();
        if interrupt {
            let _ = Tensor::rand([1000], (Kind::Float, Device::Cpu));
            // Data set again: the new streams continue where the old ones were.
            gan.set_data(&data_a, &data_b).unwrap();
        }
        gan.train(2, TrainOptions::new()).unwrap();
        without_time(gan.history())
    };
    assert_eq!(
        run(false),
        run(true),
        "random draws between steps do not change the run"
    );
}

#[test]
fn cyclegan_cycle_loss_falls_on_the_maps_and_the_panel_is_in_range() {
    let _rng = lock();
    let pairs = maps(64, 32, 1);
    // Without the identity terms, which would also pull G towards reconstructing its input.
    let gan = run_cycle(
        &pairs,
        CycleTrainConfig {
            lambda_identity: 0.0,
            ..cycle_cfg(0)
        },
        40,
    );
    let cycle = |r: std::ops::Range<usize>| mean_term(gan.history(), &["cycle_a", "cycle_b"], r);
    let (before, after) = (cycle(0..5), cycle(35..40));
    println!("cycle_a + cycle_b: steps 1-5 {before:.3}, steps 36-40 {after:.3}");
    assert!(
        after < 0.6 * before,
        "the cycle loss falls: {before:.3} → {after:.3}"
    );
    // G's outputs turning image-like lowers the reconstruction error by itself; the cycle
    // term must lower it well beyond that. Control: λ_cyc 0.01 (terms are recorded weighted,
    // so compare E|rec − x| = term / λ_cyc).
    let control = run_cycle(
        &pairs,
        CycleTrainConfig {
            lambda_identity: 0.0,
            lambda_cycle: 0.01,
            ..cycle_cfg(0)
        },
        40,
    );
    let control_after = mean_term(control.history(), &["cycle_a", "cycle_b"], 35..40) / 0.01;
    println!(
        "E|rec − x| (both domains) at steps 36-40: λ_cyc 10: {:.3}, λ_cyc 0.01: {control_after:.3}",
        after / 10.0
    );
    assert!(
        after / 10.0 < 0.75 * control_after,
        "the cycle term drives the reconstructions: {:.3} vs {control_after:.3}",
        after / 10.0
    );

    let (a, b) = (pairs.maps.narrow(0, 0, 3), pairs.aerial.narrow(0, 0, 3));
    let panel = gan.translate_panel(&a, &b).unwrap();
    let t = panel.tensors();
    assert_eq!(t.len(), 8);
    for (name, x) in CyclePanel::NAMES.iter().zip(t) {
        assert_eq!(x.size(), [3, 3, 32, 32], "{name}");
        let (lo, hi) = (x.min().double_value(&[]), x.max().double_value(&[]));
        assert!(
            (-1.0..=1.0).contains(&lo) && (-1.0..=1.0).contains(&hi),
            "{name} in [-1, 1]: [{lo}, {hi}]"
        );
    }
    assert!(panel.real_a.equal(&a) && panel.real_b.equal(&b));
    let (g_ab, g_ba) = (
        |x: &Tensor| gan.g_ab().forward_t(x, true),
        |x: &Tensor| gan.g_ba().forward_t(x, true),
    );
    let wiring = [
        ("fake_B = G_AB(real_A)", &panel.fake_b, g_ab(&a)),
        ("rec_A = G_BA(fake_B)", &panel.rec_a, g_ba(&g_ab(&a))),
        ("idt_A = G_BA(real_A)", &panel.idt_a, g_ba(&a)),
        ("fake_A = G_BA(real_B)", &panel.fake_a, g_ba(&b)),
        ("rec_B = G_AB(fake_A)", &panel.rec_b, g_ab(&g_ba(&b))),
        ("idt_B = G_AB(real_B)", &panel.idt_b, g_ab(&b)),
    ];
    for (what, got, want) in wiring {
        assert!(got.allclose(&want, 1e-5, 1e-6, false), "{what}");
    }
    // After training, the reconstructions are closer to the inputs than the translations are.
    let l1 = |x: &Tensor, y: &Tensor| (x - y).abs().mean(Kind::Float).double_value(&[]);
    assert!(
        l1(&panel.rec_a, &a) < l1(&panel.fake_b, &a),
        "rec_A is nearer real_A than fake_B is"
    );
    assert_eq!(
        ImageGrid::cycle_panel(&panel).unwrap().shape(),
        (4, 6),
        "4 columns, rows A and B per input"
    );
}

#[test]
fn cyclegan_identity_terms_are_zero_when_off_and_present_otherwise() {
    let _rng = lock();
    let pairs = maps(16, 32, 2);
    let off = run_cycle(
        &pairs,
        CycleTrainConfig {
            lambda_identity: 0.0,
            pool_size: 0,
            ..cycle_cfg(3)
        },
        3,
    );
    let on = run_cycle(
        &pairs,
        CycleTrainConfig {
            pool_size: 0,
            ..cycle_cfg(3)
        },
        3,
    );
    for r in &off.history().steps {
        assert_eq!(
            (r.term("idt_a"), r.term("idt_b")),
            (Some(0.0), Some(0.0)),
            "step {}",
            r.step
        );
    }
    for r in &on.history().steps {
        let (a, b) = (r.term("idt_a").unwrap(), r.term("idt_b").unwrap());
        assert!(
            a > 0.01 && b > 0.01,
            "identity terms at step {}: {a}, {b}",
            r.step
        );
    }
    // Step 1 starts from the same weights: the identity terms are the only difference in L_G,
    // and they are λ_idt·λ_cyc = 5 times the L1 of G_BA(a) vs a and G_AB(b) vs b.
    let (r_off, r_on) = (&off.history().steps[0], &on.history().steps[0]);
    let idt = r_on.term("idt_a").unwrap() + r_on.term("idt_b").unwrap();
    assert!(
        (r_on.g_loss.unwrap() - r_off.g_loss.unwrap() - idt).abs() < 1e-4,
        "L_G differs by the identity terms only"
    );
    assert_eq!(r_on.term("cycle_a"), r_off.term("cycle_a"));

    // The weight is λ_idt·λ_cyc: with λ_idt 0.5 and λ_cyc 4, idt_a = 2·E|G_BA(a) − a|.
    let mut gan = CycleGan::new(
        &small_cycle_nets(),
        CycleTrainConfig {
            lambda_cycle: 4.0,
            ..cycle_cfg(1)
        },
        Device::Cpu,
    )
    .unwrap();
    let (a, b) = (pairs.maps.narrow(0, 0, 4), pairs.aerial.narrow(0, 4, 4));
    let l1 = |x: &Tensor, y: &Tensor| (x - y).abs().mean(Kind::Float).double_value(&[]);
    let (want_a, want_b) = (
        2.0 * l1(&gan.g_ba().forward_t(&a, true), &a),
        2.0 * l1(&gan.g_ab().forward_t(&b, true), &b),
    );
    let g = gan.update_g(&a, &b).unwrap();
    assert!(
        (g.idt_a - want_a).abs() < 1e-5 && (g.idt_b - want_b).abs() < 1e-5,
        "idt {} {} vs {want_a} {want_b}",
        g.idt_a,
        g.idt_b
    );
    let want_cycle = 4.0 * l1(&gan.g_ba().forward_t(&g.fake_b, true), &a);
    assert!(
        g.cycle_a > 0.0 && (want_cycle - g.cycle_a).abs() > 1e-6,
        "G changed: the cycle term was computed before the update"
    );
}

#[test]
fn cyclegan_config_errors_name_the_key_and_a_diverged_step_names_itself() {
    let _rng = lock();
    let e = CycleGan::new(
        &small_cycle_nets(),
        CycleTrainConfig {
            lambda_cycle: -1.0,
            ..cycle_cfg(0)
        },
        Device::Cpu,
    )
    .unwrap_err()
    .to_string();
    assert!(e.starts_with("CycleTrainConfig.lambda_cycle:"), "{e}");
    let e = CycleGan::new(
        &small_cycle_nets(),
        CycleTrainConfig {
            loss: Loss::BCE.into(),
            ..cycle_cfg(0)
        },
        Device::Cpu,
    )
    .unwrap_err()
    .to_string();
    assert!(e.starts_with("CycleGanConfig.sigmoid:"), "{e}");
    // BCE on probabilities with the Sigmoid-ended PatchGAN (the report's alternative) runs.
    let nets = CycleGanConfig {
        sigmoid: true,
        ..small_cycle_nets()
    };
    let mut gan = CycleGan::new(
        &nets,
        CycleTrainConfig {
            loss: Loss::BCE.into(),
            ..cycle_cfg(0)
        },
        Device::Cpu,
    )
    .unwrap();
    let pairs = maps(4, 32, 0);
    let set = |x: Tensor| Dataset {
        name: "four".into(),
        x,
        labels: None,
        label_names: Vec::new(),
    };
    gan.set_data(
        &set(pairs.maps.shallow_clone()),
        &set(pairs.aerial.shallow_clone()),
    )
    .unwrap();
    gan.step().unwrap();
    // An inf in a batch: step 2 stops before any update, naming the step and the loss.
    let before: Vec<Tensor> = gan
        .vs_g()
        .trainable_variables()
        .iter()
        .map(|v| v.copy())
        .collect();
    let inf = Tensor::full([4, 3, 32, 32], f64::INFINITY, (Kind::Float, Device::Cpu));
    gan.set_data(&set(inf), &set(pairs.aerial.shallow_clone()))
        .unwrap();
    let e = gan.step().unwrap_err().to_string();
    assert!(
        e.starts_with("training: G loss (") && e.contains("at step 2: training diverged"),
        "{e}"
    );
    for (v, b) in gan.vs_g().trainable_variables().iter().zip(&before) {
        assert!(v.equal(b), "G's weights are the last good ones");
    }
    assert_eq!(gan.history().len(), 1, "the failed step is not recorded");
}

#[test]
fn image_pool_fills_then_swaps_half_on_average() {
    let mut pool = ImagePool::new(4);
    let mut rng = gankit::data::rng::Rng::new(0);
    let batch = |v: f64| Tensor::full([4, 1, 2, 2], v, (Kind::Float, Device::Cpu));
    let first = pool.query(&batch(1.0), &mut rng);
    assert!(
        first.equal(&batch(1.0)) && pool.images.len() == 4,
        "filling: fakes pass through"
    );
    let mut old = 0.0;
    for k in 0..50 {
        let out = pool.query(&batch(2.0 + k as f64), &mut rng);
        assert_eq!(out.size(), [4, 1, 2, 2]);
        old += out
            .flatten(1, -1)
            .mean_dim(&[1i64][..], false, Kind::Float)
            .ne(2.0 + k as f64)
            .to_kind(Kind::Float)
            .sum(Kind::Float)
            .double_value(&[]);
    }
    let share = old / 200.0;
    assert!(
        (0.35..0.65).contains(&share),
        "about half the returned images are older fakes: {share}"
    );
    assert_eq!(
        ImagePool::new(0).query(&batch(3.0), &mut rng).size(),
        [4, 1, 2, 2]
    );
}

#[test]
fn image_to_image_trainers_follow_the_lr_schedule() {
    let _rng = lock();
    let schedule = LrSchedule::linear(1, 1);
    let pairs = maps(8, 32, 5);
    let cycle = run_cycle(
        &pairs,
        CycleTrainConfig {
            lr_schedule: schedule,
            ..cycle_cfg(1)
        },
        2,
    );
    assert_eq!(
        cycle.opt_g().settings().learning_rate(),
        2e-4 * 0.5,
        "CycleGAN's G at step 2"
    );
    assert_eq!(
        cycle.opt_d().settings().learning_rate(),
        2e-4 * 0.5,
        "CycleGAN's D at step 2"
    );
    let data = StarDomains::default().faces(32, 32, 0);
    let (star, r) = run_star(
        &data,
        StarTrainConfig {
            lr_schedule: schedule,
            batch_size: 4,
            ..Default::default()
        },
        3,
    );
    r.unwrap();
    assert_eq!(
        star.opt_d().settings().learning_rate(),
        0.0,
        "StarGAN's D at step 3, after the decay"
    );
    let e = CycleTrainConfig {
        lr_schedule: LrSchedule::linear(3, 0),
        ..Default::default()
    }
    .validate()
    .unwrap_err()
    .to_string();
    assert!(e.starts_with("CycleTrainConfig.lr_schedule:"), "{e}");
}

fn small_star_nets(domains: &StarDomains) -> StarGanConfig {
    StarGanConfig {
        image_size: 32,
        c_dim: domains.c_dim(),
        conv_dim: 8,
        g_repeat: 2,
        d_repeat: 5,
        ..Default::default()
    }
}

fn run_star(data: &Dataset, cfg: StarTrainConfig, steps: usize) -> (StarGan, gankit::Result<()>) {
    run_star_with(&small_star_nets(&StarDomains::default()), data, cfg, steps)
}

fn run_star_with(
    nets: &StarGanConfig,
    data: &Dataset,
    cfg: StarTrainConfig,
    steps: usize,
) -> (StarGan, gankit::Result<()>) {
    let mut gan = StarGan::new(nets, cfg.clone(), Device::Cpu).unwrap();
    let r = gan
        .set_data(data)
        .and_then(|_| gan.train(steps, TrainOptions::new()).map(|_| ()));
    (gan, r)
}

#[test]
fn stargan_domains_labels_and_targets() {
    let domains = StarDomains::default();
    assert_eq!(
        domains.names(),
        [
            "black hair",
            "blonde hair",
            "brown hair",
            "glasses",
            "smile"
        ]
    );
    let data = domains.faces(64, 32, 0);
    assert_eq!(data.x.size(), [64, 3, 32, 32]);
    let c = data.labels.as_ref().unwrap();
    assert_eq!(c.size(), [64, 5]);
    let hair_sum = c.narrow(1, 0, 3).sum_dim_intlist(1, false, Kind::Float);
    assert!(
        hair_sum.eq(1.0).all().int64_value(&[]) == 1,
        "every face has exactly one of the three hair colours"
    );
    let share = |k: i64| c.narrow(1, k, 1).mean(Kind::Float).double_value(&[]);
    assert!(
        (0.15..0.45).contains(&share(3)) && (0.15..0.45).contains(&share(4)),
        "glasses and smile occur about 30 %"
    );
    let targets = domains.targets(c);
    assert_eq!(targets.len(), 5);
    for (k, t) in targets.iter().take(3).enumerate() {
        let expect = Tensor::zeros([64, 3], (Kind::Float, Device::Cpu)).index_fill(
            1,
            &Tensor::from_slice(&[k as i64]),
            1.0,
        );
        assert!(
            t.narrow(1, 0, 3).equal(&expect),
            "target {k}: that hair colour only"
        );
        assert!(
            t.narrow(1, 3, 2).equal(&c.narrow(1, 3, 2)),
            "target {k}: attributes kept"
        );
    }
    assert!(
        targets[3].narrow(1, 3, 1).equal(&(1.0 - c.narrow(1, 3, 1))),
        "glasses flipped"
    );
    assert!(
        targets[4].narrow(1, 0, 4).equal(&c.narrow(1, 0, 4)),
        "only smile changes"
    );
    // Targets as the original draws them: the batch's own label rows, shuffled.
    let gan = {
        let _rng = lock();
        StarGan::new(
            &small_star_nets(&domains),
            StarTrainConfig::default(),
            Device::Cpu,
        )
        .unwrap()
    };
    let trg = {
        let _rng = lock();
        gan.target_labels(c)
    };
    let rows = |t: &Tensor| {
        let mut v: Vec<Vec<i64>> = (0..64)
            .map(|i| {
                Vec::<f32>::try_from(t.get(i))
                    .unwrap()
                    .iter()
                    .map(|&x| x as i64)
                    .collect()
            })
            .collect();
        v.sort();
        v
    };
    assert!(
        !trg.equal(c) && rows(&trg) == rows(c),
        "a permutation of the batch's labels"
    );
    let all = domains.report_target(c);
    assert!(
        all.equal(&Tensor::from_slice(&[1f32, 0., 0., 1., 1.]).expand([64, 5], false)),
        "black hair, glasses, smile"
    );
}

#[test]
fn stargan_same_seed_same_history_and_g_every_n_critic() {
    let _rng = lock();
    let data = StarDomains::default().faces(64, 32, 1);
    let cfg = StarTrainConfig {
        batch_size: 8,
        seed: 4,
        ..Default::default()
    };
    let (a, ra) = run_star(&data, cfg.clone(), 6);
    let (b, rb) = run_star(&data, cfg, 6);
    ra.unwrap();
    rb.unwrap();
    assert_eq!(without_time(a.history()), without_time(b.history()));
    let g_steps: Vec<usize> = a
        .history()
        .steps
        .iter()
        .filter(|r| r.g_loss.is_some())
        .map(|r| r.step)
        .collect();
    assert_eq!(g_steps, [5], "G at every 5th step (n_critic 5)");
    let r5 = &a.history().steps[4];
    let names: Vec<&str> = r5.terms.iter().map(|t| t.0).collect();
    assert_eq!(names, ["d_adv", "d_cls", "gp", "g_adv", "g_cls", "rec"]);
    assert_eq!(
        a.history().steps[0].terms.len(),
        3,
        "D terms only without a G update"
    );
    let r = &a.history().steps[0];
    assert!(
        (r.term("d_adv").unwrap() + r.term("d_cls").unwrap() + r.term("gp").unwrap()
            - r.d_loss.unwrap())
        .abs()
            < 1e-4
    );
    assert!(
        (r5.term("g_adv").unwrap() + r5.term("g_cls").unwrap() + r5.term("rec").unwrap()
            - r5.g_loss.unwrap())
        .abs()
            < 1e-4
    );
    assert_eq!(r.penalty, r.term("gp"));

    // Resumable: random draws between steps do not change the run (seed_step).
    let (mut c, r) = run_star(
        &data,
        StarTrainConfig {
            batch_size: 8,
            seed: 4,
            ..Default::default()
        },
        3,
    );
    r.unwrap();
    let _ = Tensor::rand([1000], (Kind::Float, Device::Cpu));
    c.train(3, TrainOptions::new()).unwrap();
    assert_eq!(without_time(a.history()), without_time(c.history()));
}

#[test]
fn stargan_domain_classification_on_real_falls_and_translate_gives_one_output_per_target() {
    let _rng = lock();
    let domains = StarDomains::default();
    let data = domains.faces(256, 32, 2);
    // The paper's training settings (WGAN-GP, λ_cls 1, λ_rec 10, n_critic 5, Adam 1e-4, batch
    // 16) on small networks.
    let nets = StarGanConfig {
        conv_dim: 16,
        ..small_star_nets(&domains)
    };
    let (gan, r) = run_star_with(&nets, &data, StarTrainConfig::default(), 80);
    r.unwrap();
    let d_cls = |r: std::ops::Range<usize>| mean_term(gan.history(), &["d_cls"], r);
    let (before, after) = (d_cls(0..5), d_cls(75..80));
    println!("d_cls on real: steps 1-5 {before:.3}, steps 76-80 {after:.3}");
    assert!(
        after < 0.8 * before,
        "D's domain classification loss on real images falls: {before:.3} → {after:.3}"
    );

    let inputs = data.head(3);
    let c = inputs.labels.unwrap();
    let targets = domains.targets(&c);
    let outs = gan.translate(&inputs.x, &targets).unwrap();
    assert_eq!(outs.len(), 5, "one output per target");
    for o in &outs {
        assert_eq!(o.size(), inputs.x.size());
        assert!(o.abs().max().double_value(&[]) <= 1.0);
    }
    assert!(
        !outs[0].equal(&outs[1]),
        "different targets, different outputs"
    );
    // One target row for all inputs is broadcast; a wrong width is an error naming c_dim.
    let one = gan
        .translate(&inputs.x, &[Tensor::from_slice(&[1f32, 0., 0., 1., 0.])])
        .unwrap();
    assert_eq!(one[0].size(), inputs.x.size());
    let e = gan
        .translate(
            &inputs.x,
            &[Tensor::zeros([3, 4], (Kind::Float, Device::Cpu))],
        )
        .unwrap_err()
        .to_string();
    assert!(e.contains("[N, 5] (c_dim)"), "{e}");
    let acc = gan.attribute_accuracy(&inputs.x, &c).unwrap();
    assert_eq!(acc.len(), 5);
}

#[test]
fn stargan_divergence_stops_with_the_step_and_the_loss() {
    let _rng = lock();
    let data = StarDomains::default().faces(32, 32, 3);
    let cfg = StarTrainConfig {
        batch_size: 8,
        optimizers: GanOptimizers::same(Optimizer::adam(1e30)),
        ..Default::default()
    };
    let (gan, r) = run_star(&data, cfg, 20);
    let e = r.unwrap_err().to_string();
    let step = gan.history().len() + 1;
    assert!(
        e.contains(&format!("at step {step}: training diverged")) && e.contains("loss ("),
        "{e}"
    );
    assert!(step <= 20, "diverged within 20 steps");
    println!("lr 1e30: {e}");
    let e = StarGan::new(
        &small_star_nets(&StarDomains::default()),
        StarTrainConfig {
            n_critic: 0,
            ..Default::default()
        },
        Device::Cpu,
    )
    .unwrap_err();
    assert!(
        e.to_string().starts_with("StarTrainConfig.n_critic:"),
        "{e}"
    );
}

/// Writes the CycleGAN panel and a StarGAN translation grid after short runs into
/// target/i2i-check/ for a person to look at: `cargo test --test image_to_image -- --ignored`.
#[test]
#[ignore]
fn look_write_panels() {
    let _rng = lock();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/i2i-check");
    std::fs::create_dir_all(&dir).unwrap();
    let pairs = maps(256, 32, 0);
    let nets = CycleGanConfig {
        image_size: 32,
        ngf: 16,
        ndf: 16,
        n_blocks: 3,
        ..Default::default()
    };
    let (data_a, data_b) = map_domains(&pairs);
    let mut gan = CycleGan::new(
        &nets,
        CycleTrainConfig {
            batch_size: 4,
            ..Default::default()
        },
        Device::Cpu,
    )
    .unwrap();
    gan.set_data(&data_a, &data_b).unwrap();
    gan.train(300, TrainOptions::new().print_every(50)).unwrap();
    let panel = gan
        .translate_panel(&pairs.maps.narrow(0, 0, 4), &pairs.aerial.narrow(0, 0, 4))
        .unwrap();
    println!(
        "{}",
        ImageGrid::cycle_panel(&panel)
            .unwrap()
            .scale(3)
            .save(dir.join("cyclegan_panel.png"))
            .unwrap()
            .display()
    );
    let score =
        gankit::metrics::pairs::pair_score(&panel.fake_b, &pairs.aerial.narrow(0, 0, 4)).unwrap();
    println!("fake_B vs true aerial: {score}");

    let domains = StarDomains::default();
    let data = domains.faces(1024, 32, 0);
    let nets = StarGanConfig {
        image_size: 32,
        c_dim: 5,
        conv_dim: 16,
        g_repeat: 3,
        d_repeat: 5,
        ..Default::default()
    };
    let mut star = StarGan::new(&nets, StarTrainConfig::default(), Device::Cpu).unwrap();
    star.set_data(&data).unwrap();
    star.train(500, TrainOptions::new().print_every(100))
        .unwrap();
    let x = data.head(4);
    let mut outs = vec![x.x.shallow_clone()];
    outs.extend(
        star.translate(&x.x, &domains.targets(x.labels.as_ref().unwrap()))
            .unwrap(),
    );
    let rows: Vec<Tensor> = (0..4)
        .flat_map(|i| outs.iter().map(move |o| o.get(i)))
        .collect();
    let grid = ImageGrid::new(&Tensor::stack(&rows, 0))
        .unwrap()
        .columns(6)
        .scale(3);
    println!(
        "{}",
        grid.save(dir.join("stargan_targets.png"))
            .unwrap()
            .display()
    );
}
