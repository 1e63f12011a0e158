//! FID: the Fréchet distance against a Python reference that computes it another way, and
//! FID with the built-in and a TorchScript feature extractor on cases with known answers.
mod common;

use gankit::data::faces::{faces, FacesConfig};
use gankit::metrics::fid::{frechet_distance, FeatureExtractor, FeatureStats};
use tch::{Device, Kind, Tensor};

#[test]
fn frechet_distance_matches_the_python_reference() {
    let f = common::load("fid");
    for name in ["small", "wide"] {
        let a = FeatureStats::from_features(&f[&format!("{name}.a")]).unwrap();
        let b = FeatureStats::from_features(&f[&format!("{name}.b")]).unwrap();
        common::assert_close(
            &a.cov,
            &f[&format!("{name}.cov_a")],
            1e-12,
            1e-10,
            &format!("{name} covariance"),
        );
        let want = f[&format!("{name}.distance")].double_value(&[0]);
        let got = frechet_distance(&a, &b).unwrap();
        assert!(
            (got - want).abs() <= 1e-8 * want.abs().max(1.0),
            "{name}: {got} vs PyTorch {want}"
        );
        assert!(
            frechet_distance(&a, &a).unwrap().abs() < 1e-8,
            "a distribution is at distance 0 from itself"
        );
    }
}

#[test]
fn built_in_fid_ranks_real_above_collapse_above_noise() {
    let fx = FeatureExtractor::faces(Device::Cpu).unwrap();
    let real = faces(&FacesConfig {
        n: 2000,
        size: 32,
        seed: 1,
        ..Default::default()
    })
    .x;
    let other = faces(&FacesConfig {
        n: 2000,
        size: 32,
        seed: 2,
        ..Default::default()
    })
    .x;
    let collapsed = other.narrow(0, 0, 4).repeat([500, 1, 1, 1]);
    let noise = Tensor::rand([2000, 3, 32, 32], (Kind::Float, Device::Cpu)) * 2 - 1;
    let (fr, fc, fnoise) = (
        fx.fid(&real, &other).unwrap(),
        fx.fid(&real, &collapsed).unwrap(),
        fx.fid(&real, &noise).unwrap(),
    );
    println!("FID (face features): real vs real {fr:.3}, vs 4 faces repeated {fc:.3}, vs noise {fnoise:.3}");
    assert!(fr < fc && fc < fnoise, "{fr} < {fc} < {fnoise}");
    assert!(fr < 0.1 * fnoise);
}

#[test]
fn a_torchscript_extractor_by_path_works_and_a_missing_one_is_one_line() {
    let path = common::fixture_dir().join("fid_features.pt");
    let fx = FeatureExtractor::torchscript(&path, Device::Cpu).unwrap();
    let x = Tensor::rand([10, 3, 8, 8], (Kind::Float, Device::Cpu));
    let f = fx.features(&x).unwrap();
    assert_eq!(f.size(), [10, 6]);
    common::assert_close(
        &f.narrow(1, 0, 3),
        &x.flatten(2, -1).mean_dim(&[2i64][..], false, Kind::Float),
        1e-6,
        1e-6,
        "channel means",
    );
    let e = FeatureExtractor::torchscript("/nonexistent/inception.pt", Device::Cpu)
        .unwrap_err()
        .to_string();
    assert_eq!(e, "/nonexistent/inception.pt: no such TorchScript file");
}
