//! `bash kernel/gankit setup` on a machine that lacks something ends with one line saying what
//! is missing and what to run, not a stack of pip or cargo errors. Each case runs setup in a
//! throwaway copy of the repository (never touching this checkout's .venv).
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A scratch copy of the repository's kernel/ folder (all setup needs) in a fresh directory.
fn scratch_repo(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gankit-setup-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("kernel")).unwrap();
    for entry in std::fs::read_dir(repo().join("kernel")).unwrap() {
        let p = entry.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, dir.join("kernel").join(p.file_name().unwrap())).unwrap();
        }
    }
    dir
}

/// Runs setup with `env` changes; returns (exit code, stdout + stderr).
fn setup(dir: &Path, env: &[(&str, &str)]) -> (i32, String) {
    let mut cmd = Command::new("bash");
    cmd.arg(dir.join("kernel/gankit"))
        .arg("setup")
        .current_dir(dir);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("bash runs");
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

/// A PATH holding bash's own tools but no python3: symlinks to everything in /usr/bin and /bin
/// except python*.
fn path_without_python(dir: &Path) -> String {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    for src in ["/usr/bin", "/bin"] {
        for entry in std::fs::read_dir(src).unwrap().flatten() {
            let name = entry.file_name();
            if !name.to_string_lossy().starts_with("python") && !bin.join(&name).exists() {
                let _ = std::os::unix::fs::symlink(entry.path(), bin.join(&name));
            }
        }
    }
    bin.display().to_string()
}

#[test]
fn missing_python_is_one_line_naming_what_to_install() {
    let dir = scratch_repo("python");
    let path = path_without_python(&dir);
    let (code, text) = setup(&dir, &[("PATH", &path)]);
    assert_ne!(code, 0, "setup must fail without python3:\n{text}");
    let errors: Vec<&str> = text.lines().filter(|l| l.contains("error")).collect();
    assert_eq!(errors.len(), 1, "one error line expected:\n{text}");
    assert!(
        errors[0].contains("python3 not found") && errors[0].contains("apt-get install python3"),
        "{text}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn no_network_to_pypi_is_one_line_naming_the_registry_and_the_log() {
    let dir = scratch_repo("network");
    // An index on a closed loopback port: pip fails at once, as with no network at all.
    let (code, text) = setup(
        &dir,
        &[
            ("PIP_INDEX_URL", "http://127.0.0.1:9/simple"),
            ("PIP_RETRIES", "0"),
            ("PIP_TIMEOUT", "2"),
            ("PIP_NO_CACHE_DIR", "1"),
        ],
    );
    assert_ne!(code, 0, "setup must fail without PyPI:\n{text}");
    let errors: Vec<&str> = text.lines().filter(|l| l.contains("error")).collect();
    assert_eq!(errors.len(), 1, "one error line expected:\n{text}");
    assert!(
        errors[0].contains("no network to PyPI") && errors[0].contains("torch.log"),
        "{text}"
    );
    assert!(!text.contains("Traceback"), "no pip stack trace:\n{text}");
    std::fs::remove_dir_all(&dir).unwrap();
}
