//! The evaluator networks: accuracy on held-out built-in data (printed and tested), and cases
//! with known answers. `cargo test --test evaluators -- --ignored train_and_save` retrains
//! them and rewrites src/metrics/weights/.
use gankit::data::faces::{faces, FacesConfig};
use gankit::data::objects::{multi_hot, object_scenes, render_scenes, Scene};
use gankit::metrics::evaluators::{held_out_faces, FaceEvaluator, ObjectEvaluator};
use tch::{Device, Kind, Tensor};

#[test]
#[ignore]
fn train_and_save() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/metrics/weights");
    let t = std::time::Instant::now();
    FaceEvaluator::train(1500, 1, Device::Cpu)
        .save(dir.join("faces.safetensors"))
        .unwrap();
    println!(
        "face evaluator trained in {:.0} s",
        t.elapsed().as_secs_f64()
    );
    let t = std::time::Instant::now();
    ObjectEvaluator::train(1500, 1, Device::Cpu)
        .save(dir.join("objects.safetensors"))
        .unwrap();
    println!(
        "object evaluator trained in {:.0} s",
        t.elapsed().as_secs_f64()
    );
}

#[test]
fn face_evaluator_is_accurate_on_held_out_faces() {
    let e = FaceEvaluator::builtin(Device::Cpu).unwrap();
    for size in [32, 64] {
        let (x, specs) = held_out_faces(2000, size);
        let hair = Tensor::from_slice(&specs.iter().map(|s| s.hair as i64).collect::<Vec<_>>());
        let eye = Tensor::from_slice(&specs.iter().map(|s| s.eye as i64).collect::<Vec<_>>());
        let (h, ey, both) = e.tag_accuracy(&x, &hair, &eye).unwrap();
        let faces_rate = e.face_rate(&x).unwrap();
        let noise = e
            .face_rate(
                &(Tensor::rand(
                    [2000, 3, size as i64, size as i64],
                    (Kind::Float, Device::Cpu),
                ) * 2
                    - 1),
            )
            .unwrap();
        println!("{size}×{size}: hair {:.2} %, eye {:.2} %, both {:.2} %, faces judged faces {:.2} %, noise judged faces {:.2} %",
            100.0 * h, 100.0 * ey, 100.0 * both, 100.0 * faces_rate, 100.0 * noise);
        assert!(h >= 0.99, "hair accuracy {h}");
        assert!(ey >= 0.97, "eye accuracy {ey}");
        assert!(
            faces_rate >= 0.99 && noise <= 0.01,
            "face/non-face {faces_rate} / {noise}"
        );
    }
}

#[test]
fn diversity_numbers_separate_real_data_from_collapse() {
    let e = FaceEvaluator::builtin(Device::Cpu).unwrap();
    let real = faces(&FacesConfig {
        n: 5000,
        size: 32,
        seed: 77,
        ..Default::default()
    });
    let d = e.diversity(&real.x).unwrap();
    println!("real data: {d}");
    assert!(d.combinations >= 105 && d.kl_from_data < 0.1, "{d}");
    let one = real.x.narrow(0, 0, 1).repeat([2000, 1, 1, 1]);
    let c = e.diversity(&one).unwrap();
    println!("one face repeated: {c}");
    assert_eq!(c.combinations, 1);
    assert!(c.kl_from_data > 2.0, "{c}");
    let noise = e
        .diversity(&(Tensor::rand([500, 3, 32, 32], (Kind::Float, Device::Cpu)) * 2 - 1))
        .unwrap();
    assert!(noise.face_rate < 0.02, "{noise}");
    // no face at all: no histogram to compare, so no KL (not a perfect 0)
    let flat = e
        .diversity(&Tensor::full(
            [64, 3, 32, 32],
            -1.0,
            (Kind::Float, Device::Cpu),
        ))
        .unwrap();
    assert_eq!(flat.face_rate, 0.0, "{flat}");
    assert!(flat.kl_from_data.is_nan(), "{flat}");
    assert!(
        flat.to_string().contains("KL from data — (no faces)"),
        "{flat}"
    );
    let err = e
        .judge(&Tensor::zeros([2, 3, 16, 16], (Kind::Float, Device::Cpu)))
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "face evaluator input: expected shape [N, 3, S, S] with S ≥ 32, got [2, 3, 16, 16]"
    );
}

#[test]
fn object_evaluator_scores_real_scenes_high_and_wrong_labels_low() {
    let e = ObjectEvaluator::builtin(Device::Cpu).unwrap();
    let scenes = object_scenes(1000, 0xE7A1);
    let labels = multi_hot(&scenes.iter().map(Scene::classes).collect::<Vec<_>>());
    for size in [32, 64] {
        let x = render_scenes(&scenes, size);
        let acc = e.accuracy(&x, &labels).unwrap();
        println!(
            "objects {size}×{size}: i-CLEVR accuracy {:.2} %",
            100.0 * acc
        );
        assert!(acc >= 0.95, "{acc}");
    }
    let shifted = labels.roll([1], [1]); // every label moved to the next class
    let acc = e.accuracy(&render_scenes(&scenes, 32), &shifted).unwrap();
    assert!(acc < 0.2, "{acc}");
}
