//! Shared by the integration tests: loading the PyTorch reference fixtures and comparing.
#![allow(dead_code)]
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
use tch::Tensor;

/// The folder of the fixtures written by `tests/reference/*.py`.
pub fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reference")
}

/// Loads `tests/fixtures/reference/<name>.safetensors` as {tensor name: tensor}.
pub fn load(name: &str) -> HashMap<String, Tensor> {
    let path = fixture_dir().join(format!("{name}.safetensors"));
    let tensors = Tensor::read_safetensors(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (regenerate with .venv/bin/python tests/reference/make_fixtures.py)",
            path.display()
        )
    });
    tensors.into_iter().collect()
}

/// Asserts |a − b| ≤ atol + rtol·|b| elementwise (and equal shapes), naming `what` on failure.
pub fn assert_close(a: &Tensor, b: &Tensor, atol: f64, rtol: f64, what: &str) {
    assert_eq!(a.size(), b.size(), "{what}: shapes differ");
    let a = a.to_kind(tch::Kind::Double);
    let b = b.to_kind(tch::Kind::Double);
    let tol = b.abs() * rtol + atol;
    let excess = ((&a - &b).abs() - tol).max().double_value(&[]);
    let worst = (&a - &b).abs().max().double_value(&[]);
    assert!(
        excess <= 0.0,
        "{what}: differs from PyTorch by up to {worst:e} (atol {atol:e}, rtol {rtol:e})"
    );
}

/// libtorch's random generator is global to the process, and the tests of one file run in
/// parallel threads: a test that draws random numbers holds this lock, so seeded comparisons
/// are never raced.
pub fn torch_rng() -> MutexGuard<'static, ()> {
    static RNG: Mutex<()> = Mutex::new(());
    RNG.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
