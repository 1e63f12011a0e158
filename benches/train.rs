//! Training speed: gankit's `Gan::step` against the PyTorch eager reference
//! (benches/train_reference.py: the same networks from tests/reference/nets.py, the same batch
//! size, the same D and G updates), both processes kept running side by side and measured in
//! interleaved rounds (warm-up first; medians of the rounds):
//!
//! 1. sgemm: GFLOP/s of a 4096×4096 f32 matmul through tch and through torch, same threads;
//! 2. DCGAN 64×64, batch 64 (z 100, BCE, Adam 2e-4 (0.5, 0.999)): one step (one D and one G
//!    update); the step's FLOPs counted layer by layer; floor = FLOPs / sgemm rate;
//! 3. 2-D toy (MLP 2-128-128, batch 256, the ring of 8): one step, at all cores and at 1 thread;
//!    PyTorch also with `torch.optim.Adam(fused=True)`, the kernel gankit's Adam runs (for
//!    scale: the goal compares against PyTorch as users write it, with Adam's defaults);
//! 4. peak RSS of a CPU quick-mode run (DCGAN 32×32 on 10,000 built-in faces, batch 64, 50
//!    steps) in a child process (this binary re-run with GANKIT_BENCH_CHILD=quick), and of the
//!    same run in PyTorch;
//! 5. where gankit's step spends its time: for the 2-D toy, `update_d` and `update_g` (the
//!    trainer's public pieces) against `Gan::step`, PyTorch's step and the floor of the step's
//!    matrix products, at 1 thread in CPU time; for the DCGAN the network passes alone against
//!    PyTorch's, and `update_d` / `update_g`.
//!
//! Prints figures, asserts nothing about them. Run: cargo bench --bench train (about 4 minutes on 2 idle
//! cores). Settings: GANKIT_BENCH_ROUNDS (default 5), GANKIT_BENCH_THREADS (default: all
//! cores), GANKIT_BENCH_ONLY=dcgan,toy,memory,profile (default: all; toyprofile or dcprofile
//! run half of profile).
use gankit::data::faces::{faces, FacesConfig};
use gankit::data::mixtures::Mixture;
use gankit::data::Dataset;
use gankit::nets::{
    dcgan_discriminator, dcgan_generator, mlp_discriminator, mlp_generator, DcganConfig, MlpConfig,
};
use gankit::train::{Gan, TrainConfig, TrainOptions, Trainer};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Instant;
use tch::nn::{self, ModuleT};
use tch::{Device, Kind, Tensor};

const SGEMM_N: i64 = 4096;
const DCGAN_BATCH: i64 = 64;
const MLP_BATCH: i64 = 256;

type DcGan = Gan<gankit::nets::DcganGenerator, gankit::nets::DcganDiscriminator>;
type ToyGan = Gan<gankit::nets::MlpGenerator, gankit::nets::MlpDiscriminator>;

fn main() {
    if std::env::var("GANKIT_BENCH_CHILD").as_deref() == Ok("quick") {
        return quick_child();
    }
    let rounds: usize = env_or("GANKIT_BENCH_ROUNDS", 5).max(1);
    let threads: i32 = env_or(
        "GANKIT_BENCH_THREADS",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1) as i32,
    );
    let only = std::env::var("GANKIT_BENCH_ONLY").unwrap_or_default();
    let run = |part: &str| only.is_empty() || only.split(',').any(|p| p.trim() == part);
    tch::set_num_threads(threads);
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut py = Py::start(&repo);
    let py_threads = py.ask(&format!("threads {threads}"));
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    println!(
        "gankit train bench: {cpu}, {} cores, load average {}; tch threads {} (set to {threads}), torch {py_threads} (set to {threads}); {rounds} interleaved rounds, medians",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        load(),
        tch::get_num_threads()
    );
    let dc = DcganConfig::default();
    let flops = DcganFlops::count(&dc, DCGAN_BATCH);
    let faces64 = faces(&FacesConfig {
        n: 4 * DCGAN_BATCH as usize,
        size: 64,
        seed: 0,
        ..Default::default()
    });
    let mc = MlpConfig::default();
    assert_eq!(
        (mc.z_dim, mc.hidden.as_slice(), mc.data_dim),
        (2, &[128i64, 128][..], 2),
        "MlpConfig's default is no longer 2-128-128"
    );
    let ring = Mixture::ring8().sample(10_000, 0);
    let mut rows: Vec<String> = Vec::new();

    // ---------------------------------------------------------------- 1 + 2: sgemm and DCGAN
    if run("dcgan") {
        let mut gan = dcgan_gan(&dc);
        gan.set_data(&faces64).expect("data");
        py.ask(&format!("init dcgan 64 {DCGAN_BATCH}"));
        let mut mm = Sgemm::new(SGEMM_N);
        mm.rate(1);
        py.ask(&format!("sgemm {SGEMM_N} 1"));
        for _ in 0..2 {
            gan.step().expect("step");
        }
        py.num("steps 2 lean", "seconds ");
        let k = 2;
        let (mut s_tch, mut s_py, mut t_ours, mut t_theirs) = (vec![], vec![], vec![], vec![]);
        println!("\nDCGAN 64×64, batch {DCGAN_BATCH}, {k} steps a round; sgemm {SGEMM_N}×{SGEMM_N}, fastest of 3:");
        for r in 0..rounds {
            let mut ours = || {
                let t = Instant::now();
                for _ in 0..k {
                    gan.step().expect("step");
                }
                t.elapsed().as_secs_f64() / k as f64
            };
            let (a, b, c, d);
            if r % 2 == 0 {
                a = mm.rate(3);
                b = py.num(&format!("sgemm {SGEMM_N} 3"), "gflops ");
                c = ours();
                d = py.num(&format!("steps {k} lean"), "seconds ") / k as f64;
            } else {
                d = py.num(&format!("steps {k} lean"), "seconds ") / k as f64;
                c = ours();
                b = py.num(&format!("sgemm {SGEMM_N} 3"), "gflops ");
                a = mm.rate(3);
            }
            println!("  round {} (load {}): sgemm tch {a:.0} GFLOP/s, torch {b:.0} GFLOP/s; step gankit {c:.3} s, PyTorch {d:.3} s", r + 1, load());
            s_tch.push(a);
            s_py.push(b);
            t_ours.push(c);
            t_theirs.push(d);
        }
        let (sg, sg_py, ours, theirs) = (
            median(&s_tch),
            median(&s_py),
            median(&t_ours),
            median(&t_theirs),
        );
        let floor = flops.step() / (sg * 1e9);
        rows.push(format!(
            "| sgemm {SGEMM_N}×{SGEMM_N} f32 | {sg:.0} GFLOP/s | {sg_py:.0} GFLOP/s | |"
        ));
        rows.push(format!(
            "| DCGAN 64×64 step, batch {DCGAN_BATCH} | **{ours:.3} s** | {theirs:.3} s | gankit ≤ PyTorch: {} (gankit/PyTorch {:.2}) |",
            if ours <= theirs { "met" } else { "not met" },
            ours / theirs
        ));
        rows.push(format!(
            "| floor = {:.1} GFLOP / {sg:.0} GFLOP/s | {floor:.3} s | | gankit ≤ 1.3× floor: {} (gankit/floor {:.2}; PyTorch/floor {:.2}) |",
            flops.step() / 1e9,
            if ours <= 1.3 * floor { "met" } else { "not met" },
            ours / floor,
            theirs / floor
        ));
        println!(
            "DCGAN FLOPs (conv/convT multiply-adds ×2 at batch {DCGAN_BATCH}; BatchNorm, activations, losses, Adam not counted): G forward {:.2} GFLOP, D forward {:.2} GFLOP;\n  step = G fwd (the D update's fakes, no grad) + 3 × 2 D fwd (D on real and on fake, forward + backward ≈ 3 × forward) + 3 × (G fwd + D fwd) (G update) = {:.1} GFLOP;\n  gankit's update_g differentiates to G's parameters only, so D's weight gradients are not computed there: {:.1} GFLOP done per step.",
            flops.g / 1e9,
            flops.d / 1e9,
            flops.step() / 1e9,
            (flops.step() - flops.d) / 1e9
        );
        for (name, f) in flops.layers.iter() {
            println!("    {name:<36} {:>6.3} GFLOP", f / 1e9);
        }
    }

    // ---------------------------------------------------------------- 3: 2-D toy
    if run("toy") {
        let mut toy = mlp_gan(&mc);
        toy.set_data(&ring).expect("data");
        py.ask(&format!("init mlp {MLP_BATCH}"));
        let k = 300;
        // (wall ms, process CPU ms) per step
        let mut ours = |n: usize| {
            let (t, c) = (Instant::now(), cpu_seconds());
            for _ in 0..n {
                toy.step().expect("step");
            }
            (
                t.elapsed().as_secs_f64() * 1e3 / n as f64,
                (cpu_seconds() - c) * 1e3 / n as f64,
            )
        };
        ours(k);
        py.steps(k, "lean");
        py.steps(k, "items");
        let mut m: [Vec<f64>; 8] = Default::default();
        // PyTorch with the fused Adam kernel gankit's optimizer runs (`fused=True`), for scale
        let py_fused = |py: &mut Py| {
            py.ask("adam fused");
            let t = py.steps(k, "lean").0;
            py.ask("adam default");
            t
        };
        py_fused(&mut py);
        println!("\n2-D toy, MLP 2-128-128, batch {MLP_BATCH}, ring of 8, {k} steps a round (ms/step; at 1 thread also CPU ms/step, which load from other processes hardly changes):");
        for r in 0..rounds.max(3) {
            let (a, b, c, f);
            if r % 2 == 0 {
                a = ours(k).0;
                b = py.steps(k, "lean").0;
                c = py.steps(k, "items").0;
                f = py_fused(&mut py);
            } else {
                f = py_fused(&mut py);
                c = py.steps(k, "items").0;
                b = py.steps(k, "lean").0;
                a = ours(k).0;
            }
            tch::set_num_threads(1);
            py.ask("threads 1");
            let (d, e);
            if r % 2 == 0 {
                e = py.steps(k, "lean");
                d = ours(k);
            } else {
                d = ours(k);
                e = py.steps(k, "lean");
            }
            tch::set_num_threads(threads);
            py.ask(&format!("threads {threads}"));
            println!(
                "  round {} (load {}): gankit {a:.3} ms, PyTorch {b:.3} ms (reading 4 values back per step: {c:.3} ms; with fused Adam: {f:.3} ms); at 1 thread: gankit {:.3} ms ({:.3} CPU), PyTorch {:.3} ms ({:.3} CPU)",
                r + 1,
                load(),
                d.0,
                d.1,
                e.0,
                e.1
            );
            for (v, x) in m.iter_mut().zip([a, b, c, d.0, e.0, d.1, e.1, f]) {
                v.push(x);
            }
        }
        // each round's own ratio too: the two processes ran back to back in it, so a slow
        // drift of the machine's load cancels there, where it does not between medians
        let per_round: Vec<f64> = m[1].iter().zip(&m[0]).map(|(py, ours)| py / ours).collect();
        let best = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
        let (round_ratio, best_ratio) = (median(&per_round), best(&m[1]) / best(&m[0]));
        let [mo, ml, mi, mo1, ml1, co1, cl1, mf] = m.map(|v| median(&v));
        rows.push(format!(
            "| 2-D toy step, MLP 2-128-128, batch {MLP_BATCH} | **{mo:.3} ms** | {ml:.3} ms ({mi:.3} ms reading losses back; {mf:.3} ms with `Adam(fused=True)`) | gankit ≥ 2× faster: {} (PyTorch/gankit {:.2}; median of the rounds' own ratios {round_ratio:.2}, fastest round against fastest {best_ratio:.2}) |",
            if ml / mo >= 2.0 { "met" } else { "not met" },
            ml / mo
        ));
        rows.push(format!(
            "| the same at 1 thread: wall (CPU) | {mo1:.3} ms ({co1:.3} ms) | {ml1:.3} ms ({cl1:.3} ms) | (PyTorch/gankit {:.2}, CPU {:.2}) |",
            ml1 / mo1,
            cl1 / co1
        ));
    }
    // ---------------------------------------------------------------- 4: peak memory
    if run("memory") {
        if let Some(q) = quick_runs(&repo, threads) {
            rows.push(format!("| quick-mode run peak RSS (DCGAN 32×32, 10,000 faces, batch 64, 50 steps) | **{:.0} MB** ({:.1} s) | {:.0} MB ({:.1} s) | printed |", q.0, q.1, q.2, q.3));
        }
    }

    if !rows.is_empty() {
        println!("\n================ summary (medians of interleaved rounds; {threads} threads in both processes unless said; load average now {})", load());
        println!("| measure | gankit (tch) | PyTorch eager | goal |\n|---|---|---|---|");
        for r in &rows {
            println!("{r}");
        }
    }

    // ---------------------------------------------------------------- 5: where the time goes
    if run("profile") || run("toyprofile") {
        profile_toy(&mc, &ring, rounds, threads, &mut py);
    }
    if run("profile") || run("dcprofile") {
        profile_dcgan(&dc, &faces64, &mut py);
    }
    py.ask("quit");
}

/// The 1-minute load average (other processes compete for the cores).
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

/// CPU seconds used by this process so far (all its threads).
fn cpu_seconds() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec into the pointer given.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

fn env_or<T: std::str::FromStr>(key: &str, default: T) -> T {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = s.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    }
}

/// The PyTorch reference, running as a server: one command a line, one answer a line.
struct Py {
    child: Child,
    stdin: ChildStdin,
    out: BufReader<ChildStdout>,
}

impl Py {
    fn start(repo: &Path) -> Py {
        let mut child = Command::new(repo.join(".venv/bin/python"))
            .arg(repo.join("benches/train_reference.py"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("starting .venv/bin/python benches/train_reference.py (run `bash kernel/gankit setup` first)");
        let stdin = child.stdin.take().unwrap();
        let out = BufReader::new(child.stdout.take().unwrap());
        Py { child, stdin, out }
    }

    fn ask(&mut self, cmd: &str) -> String {
        writeln!(self.stdin, "{cmd}")
            .and_then(|_| self.stdin.flush())
            .expect("writing to the PyTorch reference");
        if cmd == "quit" {
            let _ = self.child.wait();
            return String::new();
        }
        let mut line = String::new();
        self.out
            .read_line(&mut line)
            .expect("reading the PyTorch reference");
        assert!(
            !line.is_empty() && !line.starts_with("error"),
            "the PyTorch reference failed on {cmd:?}: {line:?}"
        );
        line.trim().to_string()
    }

    /// The number after `key` in the answer to `cmd`.
    fn num(&mut self, cmd: &str, key: &str) -> f64 {
        let a = self.ask(cmd);
        a.strip_prefix(key)
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or_else(|| panic!("{cmd:?}: expected {key}…, got {a:?}"))
    }

    /// `k` steps: (wall ms, process CPU ms) per step.
    fn steps(&mut self, k: usize, what: &str) -> (f64, f64) {
        let a = self.ask(&format!("steps {k} {what}"));
        let w: Vec<f64> = a
            .split_whitespace()
            .filter_map(|t| t.parse().ok())
            .collect();
        assert_eq!(w.len(), 2, "steps: expected `seconds S cpu C`, got {a:?}");
        (w[0] * 1e3 / k as f64, w[1] * 1e3 / k as f64)
    }
}

/// n×n f32 matmuls through tch into a preallocated output.
struct Sgemm {
    n: i64,
    a: Tensor,
    b: Tensor,
    c: Tensor,
}

impl Sgemm {
    fn new(n: i64) -> Self {
        let opts = (Kind::Float, Device::Cpu);
        Sgemm {
            n,
            a: Tensor::randn([n, n], opts),
            b: Tensor::randn([n, n], opts),
            c: Tensor::empty([n, n], opts),
        }
    }

    /// GFLOP/s of the fastest of `reps` products: the machine's speed when nothing else
    /// holds its cores (the strictest floor).
    fn rate(&mut self, reps: usize) -> f64 {
        let rates: Vec<f64> = (0..reps)
            .map(|_| {
                let t = Instant::now();
                let _ = self.a.mm_out(&self.c, &self.b);
                2.0 * (self.n as f64).powi(3) / t.elapsed().as_secs_f64() / 1e9
            })
            .collect();
        rates.into_iter().fold(0.0, f64::max)
    }
}

fn dcgan_gan(dc: &DcganConfig) -> DcGan {
    let (vs_g, vs_d) = (
        nn::VarStore::new(Device::Cpu),
        nn::VarStore::new(Device::Cpu),
    );
    let g = dcgan_generator(vs_g.root(), dc);
    let d = dcgan_discriminator(vs_d.root(), dc);
    let cfg = TrainConfig {
        batch_size: DCGAN_BATCH as usize,
        z_dim: dc.z_dim,
        ..Default::default()
    };
    Gan::from_parts(g, vs_g, d, vs_d, cfg).expect("Gan::from_parts")
}

fn mlp_gan(mc: &MlpConfig) -> ToyGan {
    let (vs_g, vs_d) = (
        nn::VarStore::new(Device::Cpu),
        nn::VarStore::new(Device::Cpu),
    );
    let g = mlp_generator(vs_g.root(), mc);
    let d = mlp_discriminator(vs_d.root(), mc);
    let cfg = TrainConfig {
        batch_size: MLP_BATCH as usize,
        z_dim: mc.z_dim,
        ..Default::default()
    };
    Gan::from_parts(g, vs_g, d, vs_d, cfg).expect("Gan::from_parts")
}

/// Forward FLOPs of the DCGAN's convolutions, counted from the architecture (PyTorch's DCGAN:
/// 4×4 kernels, G from 1×1 up by ConvTranspose2d, D down by Conv2d).
struct DcganFlops {
    g: f64,
    d: f64,
    layers: Vec<(String, f64)>,
}

impl DcganFlops {
    fn count(c: &DcganConfig, n: i64) -> DcganFlops {
        let stages = (c.image_size as u64).trailing_zeros() as i64 - 2;
        let mut layers = Vec::new();
        // G: ConvTranspose2d(cin → cout, 4) from h×h: 2·n·cin·cout·16·h² (each input pixel
        // scatters a 4×4×cout patch).
        let (mut g, mut cin, mut h) = (0.0, c.z_dim, 1);
        for k in 0..=stages {
            let cout = if k == stages {
                c.channels
            } else {
                c.ngf << (stages - 1 - k)
            };
            let hout = if k == 0 { 4 } else { 2 * h };
            let f = 2.0 * (n * cin * cout * 16 * h * h) as f64;
            layers.push((format!("G convT {cin}→{cout}, {h}×{h}→{hout}×{hout}"), f));
            g += f;
            h = hout;
            cin = cout;
        }
        // D: Conv2d(cin → cout, 4): 2·n·cin·cout·16·h_out².
        let (mut d, mut cin, mut h) = (0.0, c.channels, c.image_size);
        for k in 0..=stages {
            let (cout, hout) = if k == stages {
                (1, 1)
            } else {
                (c.ndf << k, h / 2)
            };
            let f = 2.0 * (n * cin * cout * 16 * hout * hout) as f64;
            layers.push((format!("D conv {cin}→{cout}, {h}×{h}→{hout}×{hout}"), f));
            d += f;
            cin = cout;
            h = hout;
        }
        DcganFlops { g, d, layers }
    }

    /// One D update (G forward without grad; D forward + backward on real and on fake) and one
    /// G update (G and D forward + backward); backward ≈ 2 × forward.
    fn step(&self) -> f64 {
        self.g + 3.0 * 2.0 * self.d + 3.0 * (self.g + self.d)
    }
}

fn vm_kb(key: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

/// Child mode: a quick-mode CPU run (DCGAN 32×32 on 10,000 built-in faces, batch 64, 50 steps);
/// prints seconds and peak RSS (VmHWM) in MB.
fn quick_child() {
    tch::set_num_threads(env_or("GANKIT_BENCH_THREADS", 1));
    let t = Instant::now();
    let start_mb = vm_kb("VmRSS") / 1024.0;
    let data = faces(&FacesConfig::default());
    let data_mb = data.x.numel() as f64 * 4.0 / 1048576.0;
    let dc = DcganConfig {
        image_size: 32,
        ..Default::default()
    };
    let mut gan = dcgan_gan(&dc);
    gan.set_data(&data).expect("data");
    gan.train(50, TrainOptions::new()).expect("train");
    let secs = t.elapsed().as_secs_f64();
    println!(
        "seconds {secs:.3}\npeak_rss_mb {:.1}\nstart_rss_mb {start_mb:.1}\ndata_mb {data_mb:.1}",
        vm_kb("VmHWM") / 1024.0
    );
}

/// (gankit peak MB, s, PyTorch peak MB, s) of the quick-mode run, each in its own process.
fn quick_runs(repo: &Path, threads: i32) -> Option<(f64, f64, f64, f64)> {
    let get = |text: &str, key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(key)?.trim().parse::<f64>().ok())
    };
    let ours = Command::new(std::env::current_exe().ok()?)
        .env("GANKIT_BENCH_CHILD", "quick")
        .env("GANKIT_BENCH_THREADS", threads.to_string())
        .output()
        .ok()?;
    let ours = String::from_utf8_lossy(&ours.stdout).to_string();
    let theirs = Command::new(repo.join(".venv/bin/python"))
        .arg(repo.join("benches/train_reference.py"))
        .arg("quick")
        .env("THREADS", threads.to_string())
        .output()
        .ok()?;
    let theirs = String::from_utf8_lossy(&theirs.stdout).to_string();
    let (Some(pm), Some(ps), Some(start), Some(data)) = (
        get(&ours, "peak_rss_mb "),
        get(&ours, "seconds "),
        get(&ours, "start_rss_mb "),
        get(&ours, "data_mb "),
    ) else {
        println!("the quick-mode child printed no figures: {ours}");
        return None;
    };
    let (tm, ts) = (
        get(&theirs, "peak_rss_mb ").unwrap_or(f64::NAN),
        get(&theirs, "seconds ").unwrap_or(f64::NAN),
    );
    println!(
        "\nquick-mode run, each in a child process: gankit peak RSS (VmHWM) {pm:.0} MB (at start, libtorch loaded: {start:.0} MB; faces tensor {data:.0} MB), {ps:.1} s including drawing the faces; PyTorch (ru_maxrss) {tm:.0} MB, {ts:.1} s on random data"
    );
    Some((pm, ps, tm, ts))
}

// ==================================================================== where the time goes

/// Named series of measurements, one value per chunk.
#[derive(Default)]
struct Series(Vec<(String, Vec<f64>)>);

impl Series {
    fn add(&mut self, name: &str, v: f64) {
        match self.0.iter_mut().find(|(n, _)| n == name) {
            Some((_, vs)) => vs.push(v),
            None => self.0.push((name.to_string(), vec![v])),
        }
    }

    fn med(&self, name: &str) -> f64 {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map_or(f64::NAN, |(_, v)| median(v))
    }
}

/// µs per call of `f` over `iters` calls.
fn micros(iters: usize, mut f: impl FnMut()) -> f64 {
    let t = Instant::now();
    for _ in 0..iters {
        f();
    }
    t.elapsed().as_secs_f64() * 1e6 / iters as f64
}

/// CPU µs per call of `f` over `iters` calls (for single-threaded work: what load from other
/// processes hardly changes).
fn cpu_micros(iters: usize, mut f: impl FnMut()) -> f64 {
    let t = cpu_seconds();
    for _ in 0..iters {
        f();
    }
    (cpu_seconds() - t) * 1e6 / iters as f64
}

/// Where gankit's 2-D toy step goes, at 1 thread in CPU µs (medians of chunks): the trainer's
/// own public pieces (`update_d`, `update_g` on a drawn batch) against the whole `Gan::step`,
/// PyTorch's step, and the floor the step's matrix products set at this CPU's speed for
/// their shapes.
fn profile_toy(mc: &MlpConfig, ring: &Dataset, rounds: usize, threads: i32, py: &mut Py) {
    tch::set_num_threads(1);
    py.ask("threads 1");
    py.ask(&format!("init mlp {MLP_BATCH}"));
    let mut gan = mlp_gan(mc);
    gan.set_data(ring).expect("data");
    let batch = ring.head(MLP_BATCH as usize);
    let n = 300;
    // the step's products: x[256, i] @ W[i, o] forward; backward dX (not for the first layer
    // of the net a batch enters) and dW (not for D in the G update), each as many FLOPs
    let layers = [(mc.z_dim, 128), (128, 128), (128, mc.data_dim)];
    let d_layers = [(mc.data_dim, 128), (128, 128), (128, 1)];
    let fl = |l: &[(i64, i64)]| {
        l.iter()
            .map(|(i, o)| 2.0 * (MLP_BATCH * i * o) as f64)
            .sum::<f64>()
    };
    let first = |l: &[(i64, i64)]| 2.0 * (MLP_BATCH * l[0].0 * l[0].1) as f64;
    let (g, d) = (fl(&layers), fl(&d_layers));
    // D update: G fwd; D fwd+bwd on real and fake (no dX for the first layer) | G update: G
    // fwd+bwd (no dX for the first layer), D fwd + dX only
    let step_flops = g + 2.0 * (3.0 * d - first(&d_layers)) + (3.0 * g - first(&layers)) + 2.0 * d;
    let opts = (Kind::Float, Device::Cpu);
    let (a, w, c) = (
        Tensor::randn([MLP_BATCH, 128], opts),
        Tensor::randn([128, 128], opts),
        Tensor::empty([MLP_BATCH, 128], opts),
    );
    let mut s = Series::default();
    for _ in 0..rounds.max(3) {
        s.add("step", cpu_micros(n, || drop(gan.step().expect("step"))));
        s.add(
            "update_d",
            cpu_micros(n, || {
                gan.update_d(&batch).expect("update_d");
            }),
        );
        s.add(
            "update_g",
            cpu_micros(n, || {
                gan.update_g(&batch).expect("update_g");
            }),
        );
        s.add("mm", cpu_micros(5 * n, || drop(a.mm_out(&c, &w))));
        s.add("py", py.steps(n, "lean").1 * 1e3);
    }
    tch::set_num_threads(threads);
    py.ask(&format!("threads {threads}"));
    let m = |k: &str| s.med(k);
    let rate = 2.0 * (MLP_BATCH * 128 * 128) as f64 / m("mm") / 1e3; // GFLOP/s
    let floor = step_flops / rate / 1e3;
    println!("\n================ where gankit's 2-D toy step goes (1 thread, CPU µs per call, medians of {} chunks of {n}; load average {})", rounds.max(3), load());
    println!("  Gan::step {:.0} µs = update_d {:.0} + update_g {:.0} + the rest (seeding, drawing 2 batches, the record) {:.0}", m("step"), m("update_d"), m("update_g"), m("step") - m("update_d") - m("update_g"));
    println!(
        "  its matrix products: {:.1} MFLOP a step, at {rate:.0} GFLOP/s (a {MLP_BATCH}×128 · 128×128 product, 1 thread) at least {floor:.0} µs; everything else (kernel launches through the dispatcher, autograd's bookkeeping, element-wise ops, the optimizers) {:.0} µs",
        step_flops / 1e6,
        m("step") - floor
    );
    println!(
        "  PyTorch's step {:.0} µs (PyTorch/gankit {:.2}); a 2× lead needs gankit ≤ {:.0} µs",
        m("py"),
        m("py") / m("step"),
        m("py") / 2.0
    );
}

/// Where gankit's DCGAN step goes: the network passes alone against PyTorch's (same networks,
/// same batch), and the trainer's own pieces.
fn profile_dcgan(dc: &DcganConfig, data: &Dataset, py: &mut Py) {
    let mut gan = dcgan_gan(dc);
    gan.set_data(data).expect("data");
    let batch = data.head(DCGAN_BATCH as usize);
    let real = batch.x.shallow_clone();
    let z = Tensor::randn([DCGAN_BATCH, dc.z_dim], (Kind::Float, Device::Cpu));
    let f = DcganFlops::count(dc, DCGAN_BATCH);
    py.ask(&format!("init dcgan {} {DCGAN_BATCH}", dc.image_size));
    py.ask("steps 1 lean");
    gan.step().expect("step");
    let mut s = Series::default();
    for _ in 0..3 {
        s.add("step", micros(1, || drop(gan.step().expect("step"))) / 1e3);
        s.add(
            "update_d",
            micros(1, || {
                gan.update_d(&batch).expect("update_d");
            }) / 1e3,
        );
        s.add(
            "update_g",
            micros(1, || {
                gan.update_g(&batch).expect("update_g");
            }) / 1e3,
        );
        s.add(
            "g",
            micros(1, || drop(tch::no_grad(|| gan.g().forward_t(&z, true)))) / 1e3,
        );
        s.add(
            "d",
            micros(1, || drop(tch::no_grad(|| gan.d().forward_t(&real, true)))) / 1e3,
        );
        s.add(
            "dfb",
            micros(1, || gan.d().forward_t(&real, true).mean(None).backward()) / 1e3,
        );
        s.add(
            "gdfb",
            micros(1, || {
                gan.d()
                    .forward_t(&gan.g().forward_t(&z, true), true)
                    .mean(None)
                    .backward()
            }) / 1e3,
        );
        let a = py.ask("passes");
        let w: Vec<&str> = a.split_whitespace().collect();
        for pair in w.chunks(2) {
            s.add(
                &format!("py {}", pair[0]),
                pair[1].parse().unwrap_or(f64::NAN),
            );
        }
        s.add("py step", py.steps(1, "lean").0);
    }
    for mut v in gan
        .vs_g()
        .trainable_variables()
        .into_iter()
        .chain(gan.vs_d().trainable_variables())
    {
        v.zero_grad();
    }
    let m = |k: &str| s.med(k);
    let rate = |flop: f64, ms: f64| flop / ms / 1e6;
    println!("\n================ where gankit's DCGAN step goes (ms, medians of 3, interleaved with PyTorch's; load average {})", load());
    println!("| pass | GFLOP | gankit | PyTorch | gankit/PyTorch |\n|---|---|---|---|---|");
    for (name, key, flop) in [
        ("G forward, no grad", "g", f.g),
        ("D forward, no grad", "d", f.d),
        ("D forward + backward", "dfb", 3.0 * f.d),
        (
            "G → D forward + backward (all weight gradients)",
            "gdfb",
            3.0 * (f.g + f.d),
        ),
        ("the step", "step", f.step()),
    ] {
        let (a, b) = (m(key), m(&format!("py {key}")));
        println!(
            "| {name} | {:.1} | {a:.0} ({:.0} GFLOP/s) | {b:.0} ({:.0} GFLOP/s) | {:.2} |",
            flop / 1e9,
            rate(flop, a),
            rate(flop, b),
            a / b
        );
    }
    println!(
        "gankit's step {:.0} ms = update_d {:.0} ms (G fwd + D fwd+bwd on real and on fake + Adam) + update_g {:.0} ms (G → D fwd+bwd to G's parameters only: no weight gradients for D + Adam) + the rest {:.0} ms",
        m("step"),
        m("update_d"),
        m("update_g"),
        m("step") - m("update_d") - m("update_g")
    );
}
