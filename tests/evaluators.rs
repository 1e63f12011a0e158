//! The evaluator networks: accuracy on held-out built-in data (printed and tested), the face
//! evaluator's calibration, and cases with known answers. `cargo test --release --test
//! evaluators -- --ignored` retrains both and rewrites src/metrics/weights/ (`--ignored
//! train_and_save_faces` only the face evaluator).
use gankit::data::domains::StarDomains;
use gankit::data::faces::{face_labels, faces, FaceLabels, FaceSpec, FaceTags, FacesConfig};
use gankit::data::objects::{multi_hot, object_scenes, render_scenes, Scene};
use gankit::metrics::evaluators::{
    calibration_sets, calibration_table, held_out_faces, FaceEvaluator, ObjectEvaluator,
    CALIBRATION_BLUR, CALIBRATION_NOISE, CALIBRATION_OCCLUSION,
};
use gankit::prelude::{Figure, ImageGrid};
use tch::{Device, Kind, Tensor};

/// Training steps of the committed face evaluator.
const FACE_STEPS: usize = 3000;

fn weights_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/metrics/weights")
}

#[test]
#[ignore]
fn train_and_save_faces() {
    let t = std::time::Instant::now();
    FaceEvaluator::train(FACE_STEPS, 1, Device::Cpu)
        .save(weights_dir().join("faces.safetensors"))
        .unwrap();
    println!(
        "face evaluator trained in {:.0} s",
        t.elapsed().as_secs_f64()
    );
}

#[test]
#[ignore]
fn train_and_save_objects() {
    let t = std::time::Instant::now();
    ObjectEvaluator::train(1500, 1, Device::Cpu)
        .save(weights_dir().join("objects.safetensors"))
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
    assert_eq!(flat.kl_text(), "— (no faces)");
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

fn attribute_targets(specs: &[FaceSpec]) -> Tensor {
    let tags: Vec<FaceTags> = specs.iter().map(FaceSpec::tags).collect();
    face_labels(&tags, FaceLabels::Attributes).0.unwrap()
}

#[test]
fn face_evaluator_sees_the_attributes_of_held_out_faces() {
    let e = FaceEvaluator::builtin(Device::Cpu).unwrap();
    for size in [32, 64] {
        let (x, specs) = held_out_faces(2000, size);
        let acc = e
            .attribute_accuracy(&x, &attribute_targets(&specs))
            .unwrap();
        println!(
            "{size}×{size}: glasses {:.2} %, blush {:.2} %, smile {:.2} %",
            100.0 * acc[0],
            100.0 * acc[1],
            100.0 * acc[2]
        );
        assert!(acc.iter().all(|&a| a >= 0.9), "{acc:?}");
        assert_eq!(e.attributes(&x).unwrap().size(), [2000, 3]);
    }
    // StarGAN's label rows: hair group (black, blonde, brown), then glasses and smile.
    let domains = StarDomains::default();
    let data = domains.faces(500, 32, 0xE7A2);
    let labels = data.labels.as_ref().unwrap();
    let acc = e
        .domain_attribute_accuracy(&domains, &data.x, labels)
        .unwrap();
    assert_eq!(acc.len(), 2);
    assert_eq!((acc[0].0.as_str(), acc[1].0.as_str()), ("glasses", "smile"));
    assert!(acc.iter().all(|(_, a)| *a >= 0.9), "{acc:?}");
    // Asking for the opposite of every attribute: far below chance.
    let flipped = e
        .domain_attribute_accuracy(&domains, &data.x, &(labels.ones_like() - labels))
        .unwrap();
    assert!(flipped.iter().all(|(_, a)| *a <= 0.1), "{flipped:?}");
    let err = e
        .attribute_accuracy(&data.x, &Tensor::zeros([3, 3], (Kind::Float, Device::Cpu)))
        .unwrap_err()
        .to_string();
    assert!(err.contains("attribute targets"), "{err}");
}

/// The shares of real, degraded and non-face images the face evaluator accepts: printed (the
/// table in `FaceEvaluator`'s docs) and checked where it matters for a face count.
#[test]
fn face_evaluator_calibration() {
    let e = FaceEvaluator::builtin(Device::Cpu).unwrap();
    let rows = e.calibration(2000, 7).unwrap();
    println!("{}", calibration_table(&rows));
    let rate = |name: &str| {
        rows.iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no row {name:?}"))
            .1
    };
    assert!(rate("real faces") >= 0.95, "{rows:?}");
    assert!(rate("real faces drawn at 64×64") >= 0.95, "{rows:?}");
    for non_face in [
        "uniform noise",
        "featureless heads",
        "featureless heads, blur σ 1 px",
        "untrained DCGAN generators",
    ] {
        assert!(rate(non_face) <= 0.05, "{non_face}: {rows:?}");
    }
    for non_face in ["8×8 patches shuffled", "means of 8 faces"] {
        assert!(rate(non_face) <= 0.2, "{non_face}: {rows:?}");
    }
    let axes: [Vec<String>; 3] = [
        CALIBRATION_BLUR
            .iter()
            .map(|s| format!("blur σ {s} px"))
            .collect(),
        CALIBRATION_NOISE
            .iter()
            .map(|s| format!("noise σ {s}"))
            .collect(),
        CALIBRATION_OCCLUSION
            .iter()
            .map(|s| format!("occluder {s} of the side"))
            .collect(),
    ];
    for axis in axes {
        let rates: Vec<f64> = axis.iter().map(|n| rate(n)).collect();
        assert!(
            rates[0] >= 0.8,
            "mildly degraded mostly accepted: {axis:?} {rates:?}"
        );
        assert!(
            rates[rates.len() - 1] <= 0.2,
            "strongly degraded mostly rejected: {axis:?} {rates:?}"
        );
        assert!(
            rates.windows(2).all(|w| w[1] <= w[0] + 0.02),
            "acceptance falls as degradation grows: {axis:?} {rates:?}"
        );
    }
}

/// A grid of the calibration's images (8 of each set), to look at what is and is not a face.
#[test]
fn calibration_images_are_saved_for_a_look() {
    let sets = calibration_sets(16, 7);
    let x = Tensor::cat(
        &sets
            .iter()
            .map(|(_, x)| x.narrow(0, 0, 2).adaptive_avg_pool2d([32, 32]))
            .collect::<Vec<_>>(),
        0,
    );
    assert_eq!(sets.len(), x.size()[0] as usize / 2);
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/test-output");
    std::fs::create_dir_all(&dir).unwrap();
    ImageGrid::new(&x)
        .unwrap()
        .columns(2)
        .row_labels(sets.iter().map(|(n, _)| n.clone()))
        .save(dir.join("face-calibration.png"))
        .unwrap();
}
