//! Scratch (not committed): train briefly and print calibration and accuracies.
use gankit::data::faces::{face_labels, FaceLabels, FaceSpec, FaceTags};
use gankit::metrics::evaluators::{calibration_table, held_out_faces, FaceEvaluator};
use tch::{Device, Tensor};

#[test]
#[ignore]
fn scratch() {
    let steps: usize = std::env::var("STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    if let Ok(t) = std::env::var("THREADS") {
        tch::set_num_threads(t.parse().unwrap());
    }
    let t = std::time::Instant::now();
    let e = FaceEvaluator::train(steps, 1, Device::Cpu);
    println!(
        "trained {steps} steps in {:.0} s",
        t.elapsed().as_secs_f64()
    );
    e.save("/tmp/faces_scratch.safetensors").unwrap();
    report(&e);
}

pub fn report(e: &FaceEvaluator) {
    println!("{}", calibration_table(&e.calibration(1000, 7).unwrap()));
    for size in [32, 64] {
        let (x, specs) = held_out_faces(1000, size);
        let hair = Tensor::from_slice(&specs.iter().map(|s| s.hair as i64).collect::<Vec<_>>());
        let eye = Tensor::from_slice(&specs.iter().map(|s| s.eye as i64).collect::<Vec<_>>());
        let (h, ey, _) = e.tag_accuracy(&x, &hair, &eye).unwrap();
        let tags: Vec<FaceTags> = specs.iter().map(FaceSpec::tags).collect();
        let a = e
            .attribute_accuracy(&x, &face_labels(&tags, FaceLabels::Attributes).0.unwrap())
            .unwrap();
        println!("{size}: hair {h:.4} eye {ey:.4} attrs {a:?}");
    }
}

#[test]
#[ignore]
fn smiles() {
    use gankit::prelude::{Figure, ImageGrid};
    let (x, specs) = held_out_faces(64, 32);
    let mut idx: Vec<i64> = (0..64)
        .filter(|&i| specs[i as usize].smile)
        .take(8)
        .collect();
    idx.extend((0..64).filter(|&i| !specs[i as usize].smile).take(8));
    let x = x.index_select(0, &Tensor::from_slice(&idx));
    ImageGrid::new(&x)
        .unwrap()
        .columns(8)
        .save("/tmp/smiles.png")
        .unwrap();
    let mut idx: Vec<i64> = (0..64)
        .filter(|&i| specs[i as usize].blush)
        .take(8)
        .collect();
    idx.extend((0..64).filter(|&i| !specs[i as usize].blush).take(8));
    let (x, _) = held_out_faces(64, 32);
    let x = x.index_select(0, &Tensor::from_slice(&idx));
    ImageGrid::new(&x)
        .unwrap()
        .columns(8)
        .save("/tmp/blush.png")
        .unwrap();
}

#[test]
#[ignore]
fn smile_diff() {
    use gankit::data::faces::render_faces;
    let (_, specs) = held_out_faces(200, 32);
    let a: Vec<FaceSpec> = specs
        .iter()
        .map(|s| {
            let mut t = s.clone();
            t.smile = true;
            t
        })
        .collect();
    let b: Vec<FaceSpec> = specs
        .iter()
        .map(|s| {
            let mut t = s.clone();
            t.smile = false;
            t
        })
        .collect();
    for size in [32usize, 64] {
        let d = (render_faces(&a, size, 1) - render_faces(&b, size, 1)).abs();
        let d = if size == 64 {
            d.adaptive_avg_pool2d([32, 32])
        } else {
            d
        };
        let per = d.sum_dim_intlist(&[1i64, 2, 3][..], false, tch::Kind::Float);
        let mx = d.amax(&[1i64, 2, 3][..], false);
        println!(
            "{size}: summed |diff| mean {:.3} min {:.3}; max pixel diff mean {:.3} min {:.3}",
            per.mean(tch::Kind::Float).double_value(&[]),
            per.min().double_value(&[]),
            mx.mean(tch::Kind::Float).double_value(&[]),
            mx.min().double_value(&[])
        );
        let x = Tensor::cat(
            &[
                render_faces(&a[..8], size, 1),
                render_faces(&b[..8], size, 1),
            ],
            0,
        );
        use gankit::prelude::{Figure, ImageGrid};
        ImageGrid::new(&x)
            .unwrap()
            .columns(8)
            .save(format!("/tmp/smile_pairs_{size}.png"))
            .unwrap();
    }
}

#[test]
#[ignore]
fn determinism() {
    let (x, _) = held_out_faces(64, 32);
    let a = FaceEvaluator::train(5, 1, Device::Cpu)
        .features(&x)
        .unwrap();
    let b = FaceEvaluator::train(5, 1, Device::Cpu)
        .features(&x)
        .unwrap();
    let c = FaceEvaluator::train(5, 2, Device::Cpu)
        .features(&x)
        .unwrap();
    println!(
        "same seed equal: {}, other seed equal: {}",
        a.equal(&b),
        a.equal(&c)
    );
}
