//! Evaluating trainers in memory (`evaluate` with a `Judge`): the same table `gankit eval`
//! prints for a checkpoint, its numbers readable by code, recorded over training by a hook.
mod common;
use gankit::experiment::eval_checkpoint;
use gankit::prelude::*;
use std::path::PathBuf;

fn smoke(name: &str) -> Experiment {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("configs/{name}.toml"));
    Experiment::load(path).unwrap().smoke()
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/test-output/evaluate")
        .join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn keys(report: &EvalReport) -> Vec<&str> {
    report.rows.iter().map(|r| r.key.as_str()).collect()
}

#[test]
fn a_gan_in_memory_and_its_checkpoint_give_the_same_report() {
    let _rng = common::torch_rng();
    let device = gankit::device::try_device().unwrap();
    for (name, n, want) in [
        (
            "report001_dcgan",
            64,
            &["faces found", "combinations", "kl from data", "samples"][..],
        ),
        (
            "report003_cwgan_gp",
            300, // ≥ 2 samples of each of the 119 combinations
            &[
                "hair as asked",
                "eye as asked",
                "both as asked",
                "faces found",
                "combinations",
                "kl from data",
                "within-condition diversity",
                "samples",
            ][..],
        ),
    ] {
        let exp = smoke(name);
        let mut gan = exp.build(device).unwrap();
        gan.train(2, TrainOptions::new()).unwrap();
        let checkpoint = gan.save_checkpoint(scratch(name)).unwrap();
        let memory = evaluate(&gan, &exp.judge().unwrap(), n).unwrap();
        let saved = eval_checkpoint(&checkpoint, Some(n)).unwrap();
        println!("{memory}\n{saved}");
        assert_eq!(keys(&memory), want, "{name}:\n{memory}");
        assert_eq!(
            (&memory.header, &memory.rows, &memory.notes),
            (&saved.header, &saved.rows, &saved.notes),
            "{name}: the checkpoint's report differs from the trainer's in memory"
        );
        assert!(memory.title.contains("step 2"), "{}", memory.title);
        assert!(saved.title.contains("step 2"), "{}", saved.title);
        // the numbers are there for code, generated and real
        let faces = memory.value("faces found").unwrap();
        assert!((0.0..=1.0).contains(&faces), "{faces}");
        if faces == 0.0 {
            // no face to compare: no KL (shown "—"), not a perfect 0
            assert_eq!(memory.value("kl from data"), None, "{memory}");
        }
        assert!(memory.real("faces found").unwrap() > 0.9, "{memory}");
        assert_eq!(memory.value("samples"), Some(n as f64));
        if name == "report003_cwgan_gp" {
            let (g, r) = (
                memory.value("within-condition diversity").unwrap(),
                memory.real("within-condition diversity").unwrap(),
            );
            assert!(g >= 0.0 && r > 1.0, "generated {g}, real {r}");
        }
        // evaluating again draws the same noise: the same numbers
        assert_eq!(
            evaluate(&gan, &exp.judge().unwrap(), n).unwrap().rows,
            memory.rows
        );
        // a notebook table with the same cells as the text
        let table = memory.table();
        assert_eq!(table.len(), memory.rows.len());
        assert_eq!(table.cell(0, 1), Some(memory.rows[0].generated.to_string()));
    }
}

#[test]
fn a_hook_records_the_report_over_training() {
    let _rng = common::torch_rng();
    // the faces of the module docs' example, every 2 steps of 4
    let exp = smoke("report001_dcgan");
    let mut gan = exp.build(Device::Cpu).unwrap();
    let judge = Judge::faces();
    gan.train(
        4,
        TrainOptions::new().every(2, |gan: &mut BoxedGan| {
            let r = evaluate(gan, &judge, 64)?;
            gan.record("faces found", r.value("faces found").unwrap());
            Ok(())
        }),
    )
    .unwrap();
    let series = gan.history().named("faces found");
    assert_eq!(
        series.iter().map(|p| p.0).collect::<Vec<_>>(),
        [2.0, 4.0],
        "{series:?}"
    );
    assert!(series.iter().all(|p| (0.0..=1.0).contains(&p.1)));
    // every number of a 2-D run, with the experiment's judge
    let exp = smoke("ring8_gan");
    let mut gan = exp.build(Device::Cpu).unwrap();
    let judge = exp.judge().unwrap();
    gan.train(
        6,
        TrainOptions::new().every(3, |gan: &mut BoxedGan| {
            for (key, v) in evaluate(gan, &judge, 500)?.values() {
                gan.record(&key, v);
            }
            Ok(())
        }),
    )
    .unwrap();
    let h = gan.history();
    for key in ["modes captured", "high quality", "samples"] {
        assert_eq!(
            h.named(key).iter().map(|p| p.0).collect::<Vec<_>>(),
            [3.0, 6.0],
            "{key}"
        );
    }
    assert!(h.named("modes captured").iter().all(|p| p.1 <= 8.0));
    assert_eq!(h.last("samples"), Some(500.0));
}

#[test]
fn cyclegan_and_stargan_reports_in_memory() {
    let _rng = common::torch_rng();
    let exp = smoke("report001_cyclegan_lsgan");
    let gan = exp.build_cyclegan(Device::Cpu).unwrap();
    let r = evaluate(&gan, &exp.judge().unwrap(), 4).unwrap();
    println!("{r}");
    assert_eq!(
        keys(&r),
        [
            "map to aerial",
            "aerial to map",
            "cycle A",
            "cycle B",
            "pairs"
        ]
    );
    assert_eq!(
        r.header,
        (
            "metric".to_string(),
            "translated".to_string(),
            "input unchanged".to_string()
        )
    );
    let text = r.to_string();
    assert!(
        text.contains("| map → aerial vs the true aerial") && text.contains("L1 0, PSNR ∞"),
        "{text}"
    );
    let l1 = r.value("map to aerial L1").unwrap();
    assert!((0.0..=1.0).contains(&l1), "{l1}");
    assert!(r.value("cycle B PSNR").unwrap() > 0.0);
    assert_eq!(r.real("cycle A L1"), Some(0.0));
    assert_eq!(r.value("pairs"), Some(4.0));
    let e = evaluate(&gan, &Judge::faces(), 4).unwrap_err();
    assert!(e.to_string().contains("Judge::pairs"), "{e}");

    let exp = smoke("report001_stargan");
    let gan = exp.build_stargan(Device::Cpu).unwrap();
    let r = evaluate(&gan, &exp.judge().unwrap(), 4).unwrap();
    println!("{r}");
    assert_eq!(
        keys(&r),
        [
            "D agrees: black hair",
            "D agrees: blonde hair",
            "D agrees: brown hair",
            "D agrees: glasses",
            "D agrees: blush",
            "D agrees: smile",
            "hair as asked",
            "glasses as asked",
            "blush as asked",
            "smile as asked",
            "faces found",
            "faces",
        ]
    );
    // The attribute edits are judged by the face evaluator's attribute heads; on the real
    // faces with their own labels it agrees with the labels.
    for attribute in ["glasses as asked", "blush as asked", "smile as asked"] {
        let real = r.real(attribute).unwrap();
        assert!(real >= 0.75, "{attribute}: {real}");
    }
    assert!(
        r.to_string()
            .contains("| → black hair: D's classifier agrees"),
        "{r}"
    );
    for (key, v) in r.values() {
        assert!((0.0..=1.0).contains(&v), "{key}: {v}");
    }
    assert!(r.real("faces found").unwrap() > 0.9, "{r}");
    let e = evaluate(&gan, &Judge::faces(), 4).unwrap_err();
    assert!(e.to_string().contains("Judge::star"), "{e}");
}
