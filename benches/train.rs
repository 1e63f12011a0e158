//! Training speed: gankit's `Gan::step` against the PyTorch eager reference
//! (benches/train_reference.py: the same networks from tests/reference/nets.py, the same batch
//! size, the same D and G updates), both processes kept running side by side and measured in
//! interleaved rounds (warm-up first; medians of the rounds):
//!
//! 1. sgemm: GFLOP/s of a 4096×4096 f32 matmul through tch and through torch, same threads;
//! 2. DCGAN 64×64, batch 64 (z 100, BCE, Adam 2e-4 (0.5, 0.999)): one step (one D and one G
//!    update); the step's FLOPs counted layer by layer; floor = FLOPs / sgemm rate;
//! 3. 2-D toy (MLP 2-128-128, batch 256, the ring of 8): one step, at all cores and at 1 thread;
//! 4. peak RSS of a CPU quick-mode run (DCGAN 32×32 on 10,000 built-in faces, batch 64, 50
//!    steps) in a child process (this binary re-run with GANKIT_BENCH_CHILD=quick), and of the
//!    same run in PyTorch;
//! 5. where gankit's step spends its time: for the 2-D toy a phase-by-phase replica of
//!    `update_d` + `update_g` built from the public API and leaner variants of each phase,
//!    interleaved with `Gan::step` in chunks; for the DCGAN the network passes alone against
//!    PyTorch's, and variants of D's pass (LeakyReLU, channels-last) and of G's backward.
//!
//! Prints figures, asserts nothing about them. Run: cargo bench --bench train (about 4 minutes on 2 idle
//! cores). Settings: GANKIT_BENCH_ROUNDS (default 5), GANKIT_BENCH_THREADS (default: all
//! cores), GANKIT_BENCH_ONLY=dcgan,toy,memory,profile (default: all; toyprofile or dcprofile
//! run half of profile).
use gankit::data::faces::{faces, FacesConfig};
use gankit::data::mixtures::Mixture;
use gankit::data::{Batch, Dataset};
use gankit::losses::LossConfig;
use gankit::nets::{dcgan_discriminator, dcgan_generator, mlp_discriminator, mlp_generator, DcganConfig, MlpConfig};
use gankit::train::{Gan, TrainConfig};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Instant;
use tch::nn::{self, ModuleT, OptimizerConfig};
use tch::{Device, Kind, Reduction, Tensor};

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
    let threads: i32 = env_or("GANKIT_BENCH_THREADS", std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1) as i32);
    let only = std::env::var("GANKIT_BENCH_ONLY").unwrap_or_default();
    let run = |part: &str| only.is_empty() || only.split(',').any(|p| p.trim() == part);
    tch::set_num_threads(threads);
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut py = Py::start(&repo);
    let py_threads = py.ask(&format!("threads {threads}"));
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string()))
        .unwrap_or_default();
    println!(
        "gankit train bench: {cpu}, {} cores, load average {}; tch threads {} (set to {threads}), torch {py_threads} (set to {threads}); {rounds} interleaved rounds, medians",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        load(),
        tch::get_num_threads()
    );
    let dc = DcganConfig::default();
    let flops = DcganFlops::count(&dc, DCGAN_BATCH);
    let faces64 = faces(&FacesConfig { n: 4 * DCGAN_BATCH as usize, size: 64, seed: 0, ..Default::default() });
    let mc = MlpConfig::default();
    assert_eq!((mc.z_dim, mc.hidden.as_slice(), mc.data_dim), (2, &[128i64, 128][..], 2), "MlpConfig's default is no longer 2-128-128");
    let ring = Mixture::ring8().sample(10_000, 0);
    let mut rows: Vec<String> = Vec::new();

    // ---------------------------------------------------------------- 1 + 2: sgemm and DCGAN
    if run("dcgan") {
        let mut gan = dcgan_gan(&dc);
        let mut batches = faces64.batches(DCGAN_BATCH as usize, 0).expect("batches");
        py.ask(&format!("init dcgan 64 {DCGAN_BATCH}"));
        let mut mm = Sgemm::new(SGEMM_N);
        mm.rate(1);
        py.ask(&format!("sgemm {SGEMM_N} 1"));
        for _ in 0..2 {
            gan.step(&mut batches).expect("step");
        }
        py.num("steps 2 lean", "seconds ");
        let k = 2;
        let (mut s_tch, mut s_py, mut t_ours, mut t_theirs) = (vec![], vec![], vec![], vec![]);
        println!("\nDCGAN 64×64, batch {DCGAN_BATCH}, {k} steps a round; sgemm {SGEMM_N}×{SGEMM_N}, median of 3:");
        for r in 0..rounds {
            let mut ours = || {
                let t = Instant::now();
                for _ in 0..k {
                    gan.step(&mut batches).expect("step");
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
        let (sg, sg_py, ours, theirs) = (median(&s_tch), median(&s_py), median(&t_ours), median(&t_theirs));
        let floor = flops.step() / (sg * 1e9);
        rows.push(format!("| sgemm {SGEMM_N}×{SGEMM_N} f32 | {sg:.0} GFLOP/s | {sg_py:.0} GFLOP/s | |"));
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
            "DCGAN FLOPs (conv/convT multiply-adds ×2 at batch {DCGAN_BATCH}; BatchNorm, activations, losses, Adam not counted): G forward {:.2} GFLOP, D forward {:.2} GFLOP;\n  step = G fwd (the D update's fakes, no grad) + 3 × 2 D fwd (D on real and on fake, forward + backward ≈ 3 × forward) + 3 × (G fwd + D fwd) (G update) = {:.1} GFLOP;\n  gankit's update_g also runs D on the real batch without grad (unused by BCE): +{:.2} GFLOP, {:.1} GFLOP done per step.",
            flops.g / 1e9,
            flops.d / 1e9,
            flops.step() / 1e9,
            flops.d / 1e9,
            (flops.step() + flops.d) / 1e9
        );
        for (name, f) in flops.layers.iter() {
            println!("    {name:<36} {:>6.3} GFLOP", f / 1e9);
        }
    }

    // ---------------------------------------------------------------- 3: 2-D toy
    if run("toy") {
        let mut toy = mlp_gan(&mc);
        let mut toy_batches = ring.batches(MLP_BATCH as usize, 0).expect("batches");
        py.ask(&format!("init mlp {MLP_BATCH}"));
        let k = 300;
        // (wall ms, process CPU ms) per step
        let mut ours = |n: usize| {
            let (t, c) = (Instant::now(), cpu_seconds());
            for _ in 0..n {
                toy.step(&mut toy_batches).expect("step");
            }
            (t.elapsed().as_secs_f64() * 1e3 / n as f64, (cpu_seconds() - c) * 1e3 / n as f64)
        };
        ours(k);
        py.steps(k, "lean");
        py.steps(k, "items");
        let mut m: [Vec<f64>; 7] = Default::default();
        println!("\n2-D toy, MLP 2-128-128, batch {MLP_BATCH}, ring of 8, {k} steps a round (ms/step; at 1 thread also CPU ms/step, which load from other processes hardly changes):");
        for r in 0..rounds.max(3) {
            let (a, b, c);
            if r % 2 == 0 {
                a = ours(k).0;
                b = py.steps(k, "lean").0;
                c = py.steps(k, "items").0;
            } else {
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
                "  round {} (load {}): gankit {a:.3} ms, PyTorch {b:.3} ms (reading 4 values back per step: {c:.3} ms); at 1 thread: gankit {:.3} ms ({:.3} CPU), PyTorch {:.3} ms ({:.3} CPU)",
                r + 1,
                load(),
                d.0,
                d.1,
                e.0,
                e.1
            );
            for (v, x) in m.iter_mut().zip([a, b, c, d.0, e.0, d.1, e.1]) {
                v.push(x);
            }
        }
        let [mo, ml, mi, mo1, ml1, co1, cl1] = m.map(|v| median(&v));
        rows.push(format!(
            "| 2-D toy step, MLP 2-128-128, batch {MLP_BATCH} | **{mo:.3} ms** | {ml:.3} ms ({mi:.3} ms reading losses back) | gankit ≥ 2× faster: {} (PyTorch/gankit {:.2}) |",
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
        profile_toy(&mc, &ring, rounds, threads);
    }
    if run("profile") || run("dcprofile") {
        profile_dcgan(&dc, &faces64, &mut py);
    }
    py.ask("quit");
}

/// The 1-minute load average (other processes compete for the cores).
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg").ok().and_then(|s| s.split_whitespace().next().map(str::to_string)).unwrap_or_else(|| "?".into())
}

/// CPU seconds used by this process so far (all its threads).
fn cpu_seconds() -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes one timespec into the pointer given.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

fn env_or<T: std::str::FromStr>(key: &str, default: T) -> T {
    std::env::var(key).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
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
        writeln!(self.stdin, "{cmd}").and_then(|_| self.stdin.flush()).expect("writing to the PyTorch reference");
        if cmd == "quit" {
            let _ = self.child.wait();
            return String::new();
        }
        let mut line = String::new();
        self.out.read_line(&mut line).expect("reading the PyTorch reference");
        assert!(!line.is_empty() && !line.starts_with("error"), "the PyTorch reference failed on {cmd:?}: {line:?}");
        line.trim().to_string()
    }

    /// The number after `key` in the answer to `cmd`.
    fn num(&mut self, cmd: &str, key: &str) -> f64 {
        let a = self.ask(cmd);
        a.strip_prefix(key).and_then(|v| v.split_whitespace().next()?.parse().ok()).unwrap_or_else(|| panic!("{cmd:?}: expected {key}…, got {a:?}"))
    }

    /// `k` steps: (wall ms, process CPU ms) per step.
    fn steps(&mut self, k: usize, what: &str) -> (f64, f64) {
        let a = self.ask(&format!("steps {k} {what}"));
        let w: Vec<f64> = a.split_whitespace().filter_map(|t| t.parse().ok()).collect();
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
        Sgemm { n, a: Tensor::randn([n, n], opts), b: Tensor::randn([n, n], opts), c: Tensor::empty([n, n], opts) }
    }

    /// Median GFLOP/s of `reps` products.
    fn rate(&mut self, reps: usize) -> f64 {
        let rates: Vec<f64> = (0..reps)
            .map(|_| {
                let t = Instant::now();
                let _ = self.a.mm_out(&self.c, &self.b);
                2.0 * (self.n as f64).powi(3) / t.elapsed().as_secs_f64() / 1e9
            })
            .collect();
        median(&rates)
    }
}

fn dcgan_gan(dc: &DcganConfig) -> DcGan {
    let (vs_g, vs_d) = (nn::VarStore::new(Device::Cpu), nn::VarStore::new(Device::Cpu));
    let g = dcgan_generator(vs_g.root(), dc);
    let d = dcgan_discriminator(vs_d.root(), dc);
    let cfg = TrainConfig { batch_size: DCGAN_BATCH as usize, z_dim: dc.z_dim, ..Default::default() };
    Gan::new(g, vs_g, d, vs_d, cfg).expect("Gan::new")
}

fn mlp_gan(mc: &MlpConfig) -> ToyGan {
    let (vs_g, vs_d) = (nn::VarStore::new(Device::Cpu), nn::VarStore::new(Device::Cpu));
    let g = mlp_generator(vs_g.root(), mc);
    let d = mlp_discriminator(vs_d.root(), mc);
    let cfg = TrainConfig { batch_size: MLP_BATCH as usize, z_dim: mc.z_dim, ..Default::default() };
    Gan::new(g, vs_g, d, vs_d, cfg).expect("Gan::new")
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
            let cout = if k == stages { c.channels } else { c.ngf << (stages - 1 - k) };
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
            let (cout, hout) = if k == stages { (1, 1) } else { (c.ndf << k, h / 2) };
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
    status.lines().find(|l| l.starts_with(key)).and_then(|l| l.split_whitespace().nth(1)).and_then(|v| v.parse().ok()).unwrap_or(0.0)
}

/// Child mode: a quick-mode CPU run (DCGAN 32×32 on 10,000 built-in faces, batch 64, 50 steps);
/// prints seconds and peak RSS (VmHWM) in MB.
fn quick_child() {
    tch::set_num_threads(env_or("GANKIT_BENCH_THREADS", 1));
    let t = Instant::now();
    let start_mb = vm_kb("VmRSS") / 1024.0;
    let data = faces(&FacesConfig::default());
    let data_mb = data.x.numel() as f64 * 4.0 / 1048576.0;
    let dc = DcganConfig { image_size: 32, ..Default::default() };
    let mut gan = dcgan_gan(&dc);
    let mut batches = data.batches(64, 0).expect("batches");
    gan.train(&mut batches, 50, 0).expect("train");
    let secs = t.elapsed().as_secs_f64();
    println!("seconds {secs:.3}\npeak_rss_mb {:.1}\nstart_rss_mb {start_mb:.1}\ndata_mb {data_mb:.1}", vm_kb("VmHWM") / 1024.0);
}

/// (gankit peak MB, s, PyTorch peak MB, s) of the quick-mode run, each in its own process.
fn quick_runs(repo: &Path, threads: i32) -> Option<(f64, f64, f64, f64)> {
    let get = |text: &str, key: &str| text.lines().find_map(|l| l.strip_prefix(key)?.trim().parse::<f64>().ok());
    let ours = Command::new(std::env::current_exe().ok()?).env("GANKIT_BENCH_CHILD", "quick").env("GANKIT_BENCH_THREADS", threads.to_string()).output().ok()?;
    let ours = String::from_utf8_lossy(&ours.stdout).to_string();
    let theirs = Command::new(repo.join(".venv/bin/python")).arg(repo.join("benches/train_reference.py")).arg("quick").env("THREADS", threads.to_string()).output().ok()?;
    let theirs = String::from_utf8_lossy(&theirs.stdout).to_string();
    let (Some(pm), Some(ps), Some(start), Some(data)) = (get(&ours, "peak_rss_mb "), get(&ours, "seconds "), get(&ours, "start_rss_mb "), get(&ours, "data_mb ")) else {
        println!("the quick-mode child printed no figures: {ours}");
        return None;
    };
    let (tm, ts) = (get(&theirs, "peak_rss_mb ").unwrap_or(f64::NAN), get(&theirs, "seconds ").unwrap_or(f64::NAN));
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
        self.0.iter().find(|(n, _)| n == name).map_or(f64::NAN, |(_, v)| median(v))
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

fn wall_seconds() -> f64 {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64()
}

/// Time per named phase, accumulated, on a clock (wall or this process's CPU time).
struct Phases {
    clock: fn() -> f64,
    names: Vec<&'static str>,
    micros: Vec<f64>,
    t: f64,
}

impl Phases {
    fn new(clock: fn() -> f64) -> Self {
        Phases { clock, names: Vec::new(), micros: Vec::new(), t: 0.0 }
    }

    fn start(&mut self) {
        self.t = (self.clock)();
    }

    fn lap(&mut self, name: &'static str) {
        let now = (self.clock)();
        let dt = (now - self.t) * 1e6;
        self.t = now;
        match self.names.iter().position(|n| *n == name) {
            Some(i) => self.micros[i] += dt,
            None => {
                self.names.push(name);
                self.micros.push(dt);
            }
        }
    }

    fn clear(&mut self) {
        self.micros.iter_mut().for_each(|m| *m = 0.0);
    }
}

/// The trainer's gradient norm as src/train/trainer.rs computes it: per variable a square, an
/// f64 sum and a read.
fn grad_norm_per_var(vars: &[Tensor]) -> f64 {
    vars.iter()
        .map(|v| {
            let g = v.grad();
            if g.defined() {
                g.square().sum(Kind::Double).double_value(&[])
            } else {
                0.0
            }
        })
        .sum::<f64>()
        .sqrt()
}

/// The same norm as one tensor (nothing read): a norm per variable, stacked, one norm.
fn grad_norm_stacked(vars: &[Tensor]) -> Tensor {
    tch::no_grad(|| {
        let norms: Vec<Tensor> = vars.iter().map(|v| v.grad()).filter(|g| g.defined()).map(|g| g.norm()).collect();
        Tensor::stack(&norms, 0).norm()
    })
}

/// Adam written with tch in-place ops, one variable at a time (the shape of gankit's coming
/// optimizer): m ← lerp(m, g, 1 − β1); v ← β2·v + (1 − β2)·g²; p ← p − lr/bc1 · m / (√v/√bc2 + ε).
struct InPlaceAdam {
    vars: Vec<Tensor>,
    m: Vec<Tensor>,
    v: Vec<Tensor>,
    t: i32,
}

impl InPlaceAdam {
    fn new(vars: Vec<Tensor>) -> Self {
        let m = vars.iter().map(|p| p.zeros_like()).collect();
        let v = vars.iter().map(|p| p.zeros_like()).collect();
        InPlaceAdam { vars, m, v, t: 0 }
    }

    fn zero_grad(&mut self) {
        for p in &self.vars {
            let mut g = p.grad();
            if g.defined() {
                let _ = g.zero_();
            }
        }
    }

    fn step(&mut self) {
        let grads: Vec<Tensor> = self.vars.iter().map(|p| p.grad()).collect();
        self.step_grads(&grads);
    }

    /// A step with these gradients (one per variable).
    fn step_grads(&mut self, grads: &[Tensor]) {
        let (lr, b1, b2, eps) = (2e-4, 0.5, 0.999, 1e-8);
        self.t += 1;
        let (bc1, bc2) = (1.0 - f64::powi(b1, self.t), 1.0 - f64::powi(b2, self.t));
        tch::no_grad(|| {
            for (((p, m), v), g) in self.vars.iter().zip(self.m.iter_mut()).zip(self.v.iter_mut()).zip(grads) {
                let _ = m.lerp_(g, 1.0 - b1);
                let _ = v.g_mul_scalar_(b2);
                let _ = v.addcmul_(&(g * (1.0 - b2)), g);
                let mut denom = v.sqrt();
                let _ = denom.g_div_scalar_(bc2.sqrt());
                let _ = denom.g_add_scalar_(eps);
                let mut p = p.shallow_clone();
                let _ = p.addcdiv_(&(&*m * (-lr / bc1)), &denom);
            }
        });
    }
}

/// torch's BCELoss against all-ones or all-zeros targets.
fn bce_plain(d: &Tensor, target: f64) -> Tensor {
    let t = if target == 1.0 { d.ones_like() } else { d.zeros_like() };
    d.binary_cross_entropy::<Tensor>(&t, None, Reduction::Mean)
}

fn noise(n: i64, z_dim: i64) -> Tensor {
    Tensor::randn([n, z_dim], (Kind::Float, Device::Cpu))
}

/// One step as src/train/trainer.rs does it today (D update then G update, BCE through
/// LossConfig, reads, per-variable grad norms, libtorch Adam), timed phase by phase.
#[allow(clippy::too_many_arguments)]
fn replica_step(ph: &mut Phases, gan: &mut ToyGan, batches: &mut impl Iterator<Item = Batch>, opt_d: &mut nn::Optimizer, opt_g: &mut nn::Optimizer, vars_d: &[Tensor], vars_g: &[Tensor], lc: &LossConfig, seed: i64) {
    let z = gan.config.z_dim;
    ph.start();
    tch::manual_seed(seed);
    let real = batches.next().unwrap().x.to_device(Device::Cpu);
    let _g_batch = batches.next().unwrap();
    ph.lap("step: seed, draw 2 batches");
    let fake = tch::no_grad(|| gan.g.forward_t(&noise(MLP_BATCH, z), true));
    ph.lap("D: noise + G forward (no grad)");
    let d_real = gan.d.forward_t(&real, true);
    let d_fake = gan.d.forward_t(&fake, true);
    ph.lap("D: D forward on real and on fake");
    let terms = lc.d_terms(&d_real, &d_fake);
    ph.lap("D: loss terms (LossConfig::d_terms)");
    let v = terms.value.double_value(&[]);
    ph.lap("D: read the loss (finite check)");
    opt_d.zero_grad();
    ph.lap("D: zero_grad");
    terms.value.backward();
    ph.lap("D: backward");
    let n = grad_norm_per_var(vars_d);
    ph.lap("D: grad norm, per variable, read");
    opt_d.step();
    ph.lap("D: Adam step (libtorch, today's)");
    let _ = (v, n, terms.mean_real.double_value(&[]), terms.mean_fake.double_value(&[]), terms.wasserstein.double_value(&[]));
    ph.lap("D: read 3 means");
    let fake = gan.g.forward_t(&noise(MLP_BATCH, z), true);
    ph.lap("G: noise + G forward");
    let d_fake = gan.d.forward_t(&fake, true);
    ph.lap("G: D forward on fake");
    let d_real = tch::no_grad(|| gan.d.forward_t(&real, true));
    ph.lap("G: D forward on real, no grad (unused by BCE)");
    let terms = lc.g_terms(&d_real, &d_fake);
    ph.lap("G: loss terms (LossConfig::g_terms)");
    let v = terms.value.double_value(&[]);
    ph.lap("G: read the loss (finite check)");
    opt_g.zero_grad();
    ph.lap("G: zero_grad");
    terms.value.backward();
    ph.lap("G: backward");
    let n = grad_norm_per_var(vars_g);
    ph.lap("G: grad norm, per variable, read");
    opt_g.step();
    ph.lap("G: Adam step (libtorch, today's)");
    opt_d.zero_grad();
    ph.lap("G: zero D's grads");
    let _ = (v, n, terms.mean_fake.double_value(&[]));
    ph.lap("G: read mean D(G(z))");
}

/// Options of [`lean_step`].
#[derive(Clone, Copy, Default)]
struct Lean {
    /// Keep both gradient norms as tensors (nothing read).
    norms: bool,
    /// The G update's backward computes G's gradients only (`run_backward` to G's variables,
    /// as `torch.autograd.grad` does): no weight gradients for D, no zeroing them after.
    g_only: bool,
    /// D scores real and fake in one pass over both batches (only for D without BatchNorm or
    /// other batch-dependent layers, like the MLP).
    one_pass: bool,
}

/// The same updates, lean: plain BCELoss, in-place Adam, no D(x) in the G update, nothing read
/// back; the options add or change one thing each.
fn lean_step(gan: &mut ToyGan, batches: &mut impl Iterator<Item = Batch>, ad: &mut InPlaceAdam, ag: &mut InPlaceAdam, o: Lean) -> [Option<Tensor>; 4] {
    let z = gan.config.z_dim;
    let real = batches.next().unwrap().x;
    let _ = batches.next();
    let fake = tch::no_grad(|| gan.g.forward_t(&noise(MLP_BATCH, z), true));
    let loss_d = if o.one_pass {
        let out = gan.d.forward_t(&Tensor::cat(&[&real, &fake], 0), true);
        let n = real.size()[0];
        bce_plain(&out.narrow(0, 0, n), 1.0) + bce_plain(&out.narrow(0, n, n), 0.0)
    } else {
        bce_plain(&gan.d.forward_t(&real, true), 1.0) + bce_plain(&gan.d.forward_t(&fake, true), 0.0)
    };
    ad.zero_grad();
    loss_d.backward();
    let nd = o.norms.then(|| grad_norm_stacked(&ad.vars));
    ad.step();
    let loss_g = bce_plain(&gan.d.forward_t(&gan.g.forward_t(&noise(MLP_BATCH, z), true), true), 1.0);
    let ng = if o.g_only {
        let grads = Tensor::run_backward(&[&loss_g], &ag.vars, false, false);
        let ng = o.norms.then(|| tch::no_grad(|| Tensor::stack(&grads.iter().map(|g| g.norm()).collect::<Vec<_>>(), 0).norm()));
        ag.step_grads(&grads);
        ng
    } else {
        ag.zero_grad();
        loss_g.backward();
        let ng = o.norms.then(|| grad_norm_stacked(&ag.vars));
        ag.step();
        ad.zero_grad();
        ng
    };
    [Some(loss_d), Some(loss_g), nd, ng]
}

/// Where `Gan::step` spends its time on the 2-D toy: every variant runs in each chunk, so
/// that load from other processes hits them alike; medians over chunks.
fn profile_toy(mc: &MlpConfig, ring: &Dataset, rounds: usize, threads: i32) {
    let chunks = rounds.max(3);
    let n = 200;
    let lc = LossConfig::default();
    let mut gan = mlp_gan(mc);
    let mut batches = ring.batches(MLP_BATCH as usize, 1).expect("batches");
    let mut rgan = mlp_gan(mc);
    let mut rb = ring.batches(MLP_BATCH as usize, 2).expect("batches");
    let (vars_d, vars_g) = (rgan.vs_d.trainable_variables(), rgan.vs_g.trainable_variables());
    let adam = nn::Adam { beta1: 0.5, beta2: 0.999, wd: 0.0, eps: 1e-8, amsgrad: false };
    let mut opt_d = adam.build(&rgan.vs_d, 2e-4).unwrap();
    let mut opt_g = adam.build(&rgan.vs_g, 2e-4).unwrap();
    let mut lgan = mlp_gan(mc);
    let mut lb = ring.batches(MLP_BATCH as usize, 3).expect("batches");
    let mut ad = InPlaceAdam::new(lgan.vs_d.trainable_variables());
    let mut ag = InPlaceAdam::new(lgan.vs_g.trainable_variables());
    let mut ip = InPlaceAdam::new(rgan.vs_d.trainable_variables());
    let numel: i64 = vars_d.iter().map(|v| v.numel() as i64).sum();
    let flat = Tensor::zeros([numel], (Kind::Float, Device::Cpu)).set_requires_grad(true);
    flat.sum(Kind::Float).backward();
    let mut ip_flat = InPlaceAdam::new(vec![flat.shallow_clone()]);
    let tiny = Tensor::ones([1], (Kind::Float, Device::Cpu));
    let real = ring.head(MLP_BATCH as usize).x;
    let (mut s, mut seed) = (Series::default(), 0i64);
    let (mut ph, mut ph1) = (Phases::new(wall_seconds), Phases::new(cpu_seconds));
    let variants = [
        ("lean: plain BCELoss, in-place Adam, no unused D(x), nothing read", Lean::default()),
        ("  + both grad norms kept as tensors", Lean { norms: true, ..Lean::default() }),
        ("  + G's backward to G's variables only", Lean { g_only: true, ..Lean::default() }),
        ("  + D on real and fake in one pass", Lean { g_only: true, one_pass: true, ..Lean::default() }),
    ];
    for chunk in 0..=chunks {
        // chunk 0 warms up; its figures are dropped
        let mut add = |name: &str, v: f64| {
            if chunk > 0 {
                s.add(name, v)
            }
        };
        // at all threads, wall clock
        add("step", micros(n, || drop(gan.step(&mut batches).expect("step"))));
        ph.clear();
        let total = micros(n, || {
            seed += 1;
            replica_step(&mut ph, &mut rgan, &mut rb, &mut opt_d, &mut opt_g, &vars_d, &vars_g, &lc, seed)
        });
        add("replica", total);
        for (name, m) in ph.names.iter().zip(&ph.micros) {
            add(name, m / n as f64);
        }
        for (name, o) in &variants {
            add(name, micros(n, || drop(lean_step(&mut lgan, &mut lb, &mut ad, &mut ag, *o))));
        }
        // at 1 thread, CPU time
        tch::set_num_threads(1);
        add("1t step", cpu_micros(n, || drop(gan.step(&mut batches).expect("step"))));
        ph1.clear();
        let total = cpu_micros(n, || {
            seed += 1;
            replica_step(&mut ph1, &mut rgan, &mut rb, &mut opt_d, &mut opt_g, &vars_d, &vars_g, &lc, seed)
        });
        add("1t replica", total);
        for (name, m) in ph1.names.iter().zip(&ph1.micros) {
            add(&format!("1t {name}"), m / n as f64);
        }
        for (name, o) in &variants {
            add(&format!("1t {name}"), cpu_micros(n, || drop(lean_step(&mut lgan, &mut lb, &mut ad, &mut ag, *o))));
        }
        // single pieces, on rgan's D with fresh grads
        let d_real = rgan.d.forward_t(&real, true);
        let d_fake = rgan.d.forward_t(&tch::no_grad(|| rgan.g.forward_t(&noise(MLP_BATCH, mc.z_dim), true)), true);
        lc.d_loss(&d_real, &d_fake).backward();
        add("op", cpu_micros(2000, || drop(&tiny + 1.0)));
        add("read", cpu_micros(2000, || {
            let _ = std::hint::black_box(tiny.double_value(&[]));
        }));
        add("seed", cpu_micros(2000, || tch::manual_seed(7)));
        add("d_terms", cpu_micros(300, || drop(lc.d_terms(&d_real, &d_fake))));
        add("bce2", cpu_micros(300, || drop(bce_plain(&d_real, 1.0) + bce_plain(&d_fake, 0.0))));
        add("g_terms", cpu_micros(300, || drop(lc.g_terms(&d_real, &d_fake))));
        add("bce1", cpu_micros(300, || drop(bce_plain(&d_fake, 1.0))));
        add("gn per var", cpu_micros(300, || {
            let _ = std::hint::black_box(grad_norm_per_var(&vars_d));
        }));
        add("gn stacked", cpu_micros(300, || drop(grad_norm_stacked(&vars_d))));
        add("gn stacked read", cpu_micros(300, || {
            let _ = std::hint::black_box(grad_norm_stacked(&vars_d).double_value(&[]));
        }));
        add("d fwd nograd", cpu_micros(300, || drop(tch::no_grad(|| rgan.d.forward_t(&real, true)))));
        add("adam libtorch", cpu_micros(300, || opt_d.step()));
        add("adam inplace", cpu_micros(300, || ip.step()));
        add("adam flat", cpu_micros(300, || ip_flat.step()));
        tch::set_num_threads(threads);
    }
    let m = |k: &str| s.med(k);
    let (step, total, step1, total1) = (m("step"), m("replica"), m("1t step"), m("1t replica"));
    println!(
        "\n================ where gankit's 2-D toy step goes (µs per step; medians of {chunks} chunks of {n} steps, every variant in every chunk; load average {})",
        load()
    );
    println!("A replica of Gan::step built from the public API (src/train/trainer.rs's sequence, with a libtorch Adam as built today), by phase:");
    println!("  {:<48} {:>22} {:>22}", "", format!("{threads} threads, wall"), "1 thread, CPU");
    println!("  {:<48} {:>15.1} µs       {:>15.1} µs", "Gan::step itself", step, step1);
    println!("  {:<48} {:>15.1} µs       {:>15.1} µs", "the replica", total, total1);
    for name in &ph.names {
        let (v, v1) = (m(name), m(&format!("1t {name}")));
        println!("  {name:<48} {v:>9.1} µs {:>5.1}%   {v1:>9.1} µs {:>5.1}%", 100.0 * v / total, 100.0 * v1 / total1);
    }
    println!("single pieces at 1 thread, CPU µs (on D of the 2-D toy: {} variables, {numel} parameters; batch {MLP_BATCH}):", vars_d.len());
    println!("  a small op (x + 1) {:.1}; a double_value read of a ready scalar {:.2}; tch::manual_seed {:.2}", m("op"), m("read"), m("seed"));
    println!("  D loss: LossConfig::d_terms {:.0}; BCELoss(D(x), 1) + BCELoss(D(G(z)), 0) {:.0}", m("d_terms"), m("bce2"));
    println!("  G loss: LossConfig::g_terms {:.0}; BCELoss(D(G(z)), 1) {:.0}", m("g_terms"), m("bce1"));
    println!(
        "  D's grad norm: per variable + read (today) {:.0}; stacked norms as one tensor {:.0} (+ one read: {:.0})",
        m("gn per var"),
        m("gn stacked"),
        m("gn stacked read")
    );
    println!("  D forward on the real batch without grad (update_g's unused D(x)) {:.0}", m("d fwd nograd"));
    println!(
        "  D's Adam step: libtorch (today) {:.0}; tch in-place ops per variable {:.0}; the same ops on one flat tensor of all {numel} parameters {:.0}",
        m("adam libtorch"),
        m("adam inplace"),
        m("adam flat")
    );
    println!("lean steps (same nets and updates):                 {threads} threads, wall   1 thread, CPU");
    for (name, _) in &variants {
        println!("  {name:<64} {:>7.0} µs {:>7.0} µs", m(name), m(&format!("1t {name}")));
    }
    let f = |i: i64, o: i64| 2.0 * (MLP_BATCH * i * o) as f64;
    let net = |i: i64, o: i64| f(i, mc.hidden[0]) + f(mc.hidden[0], mc.hidden[1]) + f(mc.hidden[1], o);
    let (g, d) = (net(mc.z_dim, mc.data_dim), net(mc.data_dim, 1));
    println!(
        "the toy step's matmul FLOPs (as counted for the DCGAN): G forward {:.2} MFLOP, D forward {:.2} MFLOP, step 4G + 9D = {:.0} MFLOP (+ {:.1} for update_g's unused D(x))",
        g / 1e6,
        d / 1e6,
        (4.0 * g + 9.0 * d) / 1e6,
        d / 1e6
    );
}

/// Where the DCGAN step goes, coarsely: the network passes alone, in gankit and in PyTorch
/// (interleaved), against the full step; and the cost of LeakyReLU(0.2) as gankit writes it.
fn profile_dcgan(dc: &DcganConfig, data: &Dataset, py: &mut Py) {
    let mut gan = dcgan_gan(dc);
    let mut batches = data.batches(DCGAN_BATCH as usize, 1).expect("batches");
    let real = data.head(DCGAN_BATCH as usize).x;
    let z = noise(DCGAN_BATCH, dc.z_dim);
    let f = DcganFlops::count(dc, DCGAN_BATCH);
    py.ask(&format!("init dcgan {} {DCGAN_BATCH}", dc.image_size));
    py.ask("steps 1 lean");
    gan.step(&mut batches).expect("step");
    let mut s = Series::default();
    for _ in 0..3 {
        s.add("step", micros(1, || drop(gan.step(&mut batches).expect("step"))) / 1e3);
        s.add("g", micros(1, || drop(tch::no_grad(|| gan.g.forward_t(&z, true)))) / 1e3);
        s.add("d", micros(1, || drop(tch::no_grad(|| gan.d.forward_t(&real, true)))) / 1e3);
        s.add("dfb", micros(1, || gan.d.forward_t(&real, true).mean(None).backward()) / 1e3);
        s.add("gdfb", micros(1, || gan.d.forward_t(&gan.g.forward_t(&z, true), true).mean(None).backward()) / 1e3);
        let a = py.ask("passes");
        let w: Vec<&str> = a.split_whitespace().collect();
        for pair in w.chunks(2) {
            s.add(&format!("py {}", pair[0]), pair[1].parse().unwrap_or(f64::NAN));
        }
        s.add("py step", py.steps(1, "lean").0);
    }
    // gankit's D written out with tch ops on D's own variables, with three LeakyReLU(0.2)s
    let vars = gan.vs_d.variables();
    // the same variables with the conv weights in channels-last strides (NHWC in memory, NCHW
    // in shape: what PyTorch's `.to(memory_format=torch.channels_last)` makes)
    let cl = |t: &Tensor| t.permute([0, 2, 3, 1]).contiguous().permute([0, 3, 1, 2]);
    let vars_cl: std::collections::HashMap<String, Tensor> =
        vars.iter().map(|(k, t)| (k.clone(), if t.dim() == 4 { cl(&t.detach()).set_requires_grad(true) } else { t.shallow_clone() })).collect();
    let w02 = Tensor::from_slice(&[0.2f32]);
    let manual = |x: &Tensor, act: usize, vars: &std::collections::HashMap<String, Tensor>| -> Tensor {
        let v = |name: String| vars.get(&name).unwrap_or_else(|| panic!("D has no variable {name}"));
        let conv = |x: &Tensor, i: usize, stride: i64, pad: i64| x.conv2d(v(format!("main.{i}.weight")), None::<Tensor>, [stride; 2], [pad; 2], [1, 1], 1);
        let bn = |x: &Tensor, i: usize| {
            let t = |leaf: &str| Some(v(format!("main.{i}.{leaf}")));
            x.batch_norm(t("weight"), t("bias"), t("running_mean"), t("running_var"), true, 0.1, 1e-5, false)
        };
        let a = |x: &Tensor| match act {
            0 => x.maximum(&(x * 0.2)),
            1 => x.prelu(&w02),
            _ => x.leaky_relu(),
        };
        let mut y = a(&conv(x, 0, 2, 1));
        for k in 1..(dc.image_size as u64).trailing_zeros() as usize - 2 {
            y = a(&bn(&conv(&y, 3 * k - 1, 2, 1), 3 * k));
        }
        let last = 3 * ((dc.image_size as u64).trailing_zeros() as usize - 3) + 2;
        conv(&y, last, 1, 0).view([-1]).sigmoid()
    };
    let check = (manual(&real, 0, &vars) - gan.d.forward_t(&real, true)).abs().max().double_value(&[]);
    let real_cl = cl(&real);
    let (vars_g, vars_d) = (gan.vs_g.trainable_variables(), gan.vs_d.trainable_variables());
    let adam = nn::Adam { beta1: 0.5, beta2: 0.999, wd: 0.0, eps: 1e-8, amsgrad: false };
    let mut opt_d = adam.build(&gan.vs_d, 2e-4).unwrap();
    let mut ip_d = InPlaceAdam::new(gan.vs_d.trainable_variables());
    gan.d.forward_t(&gan.g.forward_t(&z, true), true).mean(None).backward();
    for _ in 0..3 {
        for (key, act) in [("d max", 0), ("d prelu", 1), ("d kernel", 2)] {
            s.add(key, micros(1, || manual(&real, act, &vars).mean(None).backward()) / 1e3);
        }
        s.add("d kernel cl", micros(1, || manual(&real_cl, 2, &vars_cl).mean(None).backward()) / 1e3);
        s.add("gdfb gonly", micros(1, || {
            let loss = gan.d.forward_t(&gan.g.forward_t(&z, true), true).mean(None);
            drop(Tensor::run_backward(&[&loss], &vars_g, false, false));
        }) / 1e3);
        s.add("gn", micros(1, || {
            let _ = std::hint::black_box(grad_norm_per_var(&vars_g) + grad_norm_per_var(&vars_d));
        }) / 1e3);
        s.add("gn stacked", micros(1, || drop((grad_norm_stacked(&vars_g), grad_norm_stacked(&vars_d)))) / 1e3);
        s.add("adam d", micros(1, || opt_d.step()) / 1e3);
        s.add("inplace d", micros(1, || ip_d.step()) / 1e3);
    }
    let m = |k: &str| s.med(k);
    let rate = |flop: f64, ms: f64| flop / ms / 1e6;
    println!("\n================ where gankit's DCGAN step goes (ms, medians of 3, interleaved with PyTorch's; load average {})", load());
    println!("| pass | GFLOP | gankit | PyTorch | gankit/PyTorch |\n|---|---|---|---|---|");
    for (name, key, flop) in [
        ("G forward, no grad", "g", f.g),
        ("D forward, no grad", "d", f.d),
        ("D forward + backward", "dfb", 3.0 * f.d),
        ("G → D forward + backward", "gdfb", 3.0 * (f.g + f.d)),
        ("the step", "step", f.step()),
    ] {
        let (a, b) = (m(key), m(&format!("py {key}")));
        println!("| {name} | {:.1} | {a:.0} ({:.0} GFLOP/s) | {b:.0} ({:.0} GFLOP/s) | {:.2} |", flop / 1e9, rate(flop, a), rate(flop, b), a / b);
    }
    let passes = m("g") + 2.0 * m("dfb") + m("gdfb");
    println!(
        "gankit: the step's passes (G fwd + 2 × D fwd+bwd + G→D fwd+bwd) {passes:.0} ms + update_g's unused D(x) forward {:.0} ms + the rest (losses, reads, grad norms, Adam over 6.3 M parameters, batches) {:.0} ms = {:.0} ms",
        m("d"),
        m("step") - passes - m("d"),
        m("step")
    );
    println!(
        "D forward + backward written out with tch ops on D's variables (output = D's to {check:.1e}), by LeakyReLU(0.2): x.maximum(0.2·x) as gankit has it {:.0} ms; x.prelu(0.2) {:.0} ms; one leaky_relu kernel (tch's has slope 0.01 only; timing stand-in) {:.0} ms; the same with input and conv weights channels-last {:.0} ms",
        m("d max"),
        m("d prelu"),
        m("d kernel"),
        m("d kernel cl")
    );
    println!(
        "G → D forward + backward with the gradients of G's variables only (Tensor::run_backward to G's variables, no weight gradients for D): {:.0} ms, against {:.0} ms",
        m("gdfb gonly"),
        m("gdfb")
    );
    println!(
        "the rest, in part: G's and D's grad norms per variable + read (today) {:.0} ms, as stacked norms {:.0} ms; D's Adam step (2.8 M parameters): libtorch {:.0} ms, tch in-place ops {:.0} ms",
        m("gn"),
        m("gn stacked"),
        m("adam d"),
        m("inplace d")
    );
}
