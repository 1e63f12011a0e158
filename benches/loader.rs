//! Loading a folder of 36,740 JPEGs (the size of report 001's set; made by the faces
//! generator at 96×96) into a 64×64 tensor: gankit's loader against PIL + torchvision
//! (`ImageFolder` + `Resize`, `CenterCrop`, `ToTensor` + a `DataLoader` with 2 workers), run
//! interleaved in the same benchmark, with peak memory against the tensor's size.
//! Prints figures, asserts nothing. Run: cargo bench --bench loader
//! (installs torchvision 0.26.0 into .venv the first time, for the reference).
use gankit::data::faces::FacesConfig;
use gankit::data::folder::load_image_folder;
use gankit::data::tags::write_tagged_faces;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const N: usize = 36_740;
const SIZE: usize = 64;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--load-only") {
        return load_only(Path::new(&args[i + 1]));
    }
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let data = repo.join("target/bench-data/faces96");
    if !data.join("tags.csv").exists() {
        let t = Instant::now();
        let _ = std::fs::remove_dir_all(&data);
        write_tagged_faces(
            &FacesConfig {
                n: N,
                size: 96,
                seed: 0,
                ..Default::default()
            },
            &data,
        )
        .expect("writing the benchmark folder");
        println!(
            "wrote {N} 96×96 JPEGs in {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }
    let py = repo.join(".venv/bin/python");
    let has_tv = Command::new(&py)
        .args(["-c", "import torchvision"])
        .status()
        .is_ok_and(|s| s.success());
    if !has_tv {
        println!("installing torchvision 0.26.0 and pillow into .venv for the reference …");
        let ok = Command::new(&py)
            .args([
                "-m",
                "pip",
                "install",
                "-q",
                "torchvision==0.26.0",
                "pillow",
            ])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "could not install torchvision 0.26.0 into .venv");
    }
    let tensor_mb = (N * 3 * SIZE * SIZE * 4) as f64 / 1048576.0;
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for round in 1..=2 {
        let out = Command::new(std::env::current_exe().unwrap())
            .args(["--load-only", data.join("images").to_str().unwrap()])
            .output()
            .unwrap();
        let r = parse(&String::from_utf8_lossy(&out.stdout));
        println!("round {round} gankit:  {:.2} s, {:.0} images/s, peak RSS {:.0} MB ({:.2}× the tensor's {:.0} MB)", r[0], N as f64 / r[0], r[1], r[1] / tensor_mb, tensor_mb);
        ours.push(r);
        let out = Command::new(&py)
            .arg(repo.join("benches/loader_reference.py"))
            .arg(&data)
            .arg(SIZE.to_string())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let r = parse(&text);
        println!("round {round} PyTorch: {:.2} s, {:.0} images/s, peak RSS {:.0} MB main + {:.0} MB per worker", r[0], N as f64 / r[0], r[1], r[2]);
        theirs.push(r);
    }
    let best = |v: &[Vec<f64>]| v.iter().map(|r| r[0]).fold(f64::MAX, f64::min);
    let (a, b) = (best(&ours), best(&theirs));
    println!(
        "loading {N} JPEGs 96×96 → 64×64: gankit {a:.2} s, PIL + torchvision (2 workers) {b:.2} s: {:.1}× faster (goal ≥ 2×); gankit peak {:.2}× the tensor (goal ≤ 1.5×)",
        b / a,
        ours.iter().map(|r| r[1]).fold(0.0, f64::max) / tensor_mb
    );
}

/// Child mode: load without cache, print seconds and this process's peak RSS in MB.
fn load_only(dir: &Path) {
    let t = Instant::now();
    let loaded = load_image_folder(dir, SIZE, false).expect("loading");
    let secs = t.elapsed().as_secs_f64();
    assert_eq!(loaded.images.size()[0] as usize, N);
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let hwm_kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    println!(
        "seconds {secs:.3}\npeak_rss_mb {:.0}\nworker_peak_rss_mb 0",
        hwm_kb / 1024.0
    );
}

/// `key value` lines as [seconds, peak RSS MB, worker peak RSS MB].
fn parse(text: &str) -> Vec<f64> {
    let get = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(key)?.trim().parse::<f64>().ok())
            .unwrap_or_else(|| panic!("no {key} in: {text}"))
    };
    vec![
        get("seconds "),
        get("peak_rss_mb "),
        get("worker_peak_rss_mb "),
    ]
}
