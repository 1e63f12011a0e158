//! Data benchmarks (prints figures; no assertions): built-in face generation speed.
//! Run: cargo bench --bench data
use gankit::data::faces::{faces, FacesConfig};
use std::time::Instant;

fn main() {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    for (size, n) in [(64usize, 20_000usize), (32, 20_000)] {
        let _ = faces(&FacesConfig {
            n: 500,
            size,
            ..Default::default()
        }); // warm up
        let mut rates = Vec::new();
        for rep in 0..3 {
            let t = Instant::now();
            let data = faces(&FacesConfig {
                n,
                size,
                seed: rep,
                ..Default::default()
            });
            let secs = t.elapsed().as_secs_f64();
            assert_eq!(data.len(), n);
            rates.push(n as f64 / secs);
        }
        rates.sort_by(f64::total_cmp);
        println!(
            "built-in faces {size}×{size}: {:.0} images/s (median of 3 runs of {n}, {threads} threads; goal ≥ 5,000/s at 64×64)",
            rates[1]
        );
    }
}
