//! Links gankit's own executables (tests, benches, the `gankit` binary) so they run without
//! LD_LIBRARY_PATH and see the GPU when there is one:
//! - an rpath to libtorch's lib folder (torch-sys tells us where it is through `links = "tch"`);
//! - `--no-as-needed -ltorch_cuda`, because the linker otherwise drops libtorch_cuda (nothing
//!   references it by name) and `tch::Cuda::is_available()` then says false on a GPU machine.
//!
//! Notebook cells are built by evcxr as shared libraries of another crate, where these
//! arguments do not reach: there `gankit::device` loads libtorch_cuda itself.
//!
//! It also compiles gankit's C++ shim (src/optim/fused_adam.cpp: libtorch's fused Adam, which
//! tch does not expose) against libtorch's headers, with the flags torch-sys compiles its own
//! wrapper with; the static library goes into gankit's rlib, so notebooks link it too.
use std::path::Path;

/// The PyTorch release tch 0.24.0 is built against.
const TORCH_VERSION: &str = "2.11.0";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=LIBTORCH");
    // torch-sys prints it on Linux and macOS; gankit's shim cannot be built without it.
    let Ok(lib) = std::env::var("DEP_TCH_LIBTORCH_LIB") else {
        panic!("torch-sys did not say where libtorch is (DEP_TCH_LIBTORCH_LIB), so gankit's C++ shim cannot be compiled: gankit builds on Linux and macOS, after `bash kernel/gankit setup`");
    };
    check_version(Path::new(&lib));
    compile_shim(Path::new(&lib));
    // Applies to every executable target of this package (tests, the lib's unit tests,
    // bins, benches, examples); not to crates that depend on gankit.
    println!("cargo:rustc-link-arg=-Wl,-rpath,{lib}");
    if Path::new(&lib).join("libtorch_cuda.so").exists() {
        println!("cargo:rustc-link-arg=-Wl,--no-as-needed");
        println!("cargo:rustc-link-arg=-ltorch_cuda");
        println!("cargo:rustc-link-arg=-Wl,--as-needed");
    }
}

/// Compiles src/optim/fused_adam.cpp against the headers beside libtorch's lib folder (or
/// LIBTORCH_INCLUDE's, as torch-sys reads it), with the C++ ABI torch-sys uses (LIBTORCH_CXX11_ABI,
/// default 1: the PyTorch wheels' since 2.7).
fn compile_shim(lib: &Path) {
    const SHIM: &str = "src/optim/fused_adam.cpp";
    println!("cargo:rerun-if-changed={SHIM}");
    println!("cargo:rerun-if-env-changed=LIBTORCH_INCLUDE");
    println!("cargo:rerun-if-env-changed=LIBTORCH_CXX11_ABI");
    let root = std::env::var("LIBTORCH_INCLUDE")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| lib.join(".."));
    let include = root.join("include");
    if !include.join("ATen/ops/_fused_adam.h").exists() {
        panic!("gankit's C++ shim needs libtorch's headers, but {} has no ATen/ops/_fused_adam.h: run `bash kernel/gankit setup`", include.display());
    }
    let abi = std::env::var("LIBTORCH_CXX11_ABI").unwrap_or_else(|_| "1".into());
    cc::Build::new()
        .cpp(true)
        .pic(true)
        .warnings(false)
        .include(&include)
        .flag("-std=c++17")
        .flag(format!("-D_GLIBCXX_USE_CXX11_ABI={abi}"))
        .flag("-DGLOG_USE_GLOG_EXPORT")
        .file(SHIM)
        .compile("gankit_shim");
}

/// torch-sys checks the version only when it asks python; with LIBTORCH pointing into the
/// wheel it does not, so check the wheel's version.py here and fail with one clear line.
fn check_version(lib: &Path) {
    let version_py = lib.join("../version.py");
    let Ok(text) = std::fs::read_to_string(&version_py) else {
        return; // a plain libtorch download: torch-sys checks its build-version file itself
    };
    let found = text
        .lines()
        .find_map(|l| l.strip_prefix("__version__ = "))
        .map(|v| v.trim().trim_matches('\'').trim_matches('"').to_string())
        .unwrap_or_default();
    if found.split('+').next() != Some(TORCH_VERSION) {
        panic!(
            "gankit needs PyTorch {TORCH_VERSION} (for tch 0.24.0) but {} says {found:?}: run `bash kernel/gankit setup`",
            version_py.display()
        );
    }
}
