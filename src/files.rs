//! Writing files safely: the one low-level helper that figures, tables, histories and
//! checkpoints share (so the training core saves a CSV without importing the drawing code).
use crate::error::{Error, Result};
use std::path::Path;

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so a
/// failed write leaves no half file; creates the folder if needed. Errors name the path.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{file_name}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(path, e)
    })
}

#[cfg(test)]
mod tests {
    use super::write_atomically;

    #[test]
    fn writes_through_a_temporary_file_and_leaves_only_the_target() {
        let dir = std::env::temp_dir().join(format!("gankit-files-{}", std::process::id()));
        let path = dir.join("sub/out.txt");
        write_atomically(&path, b"one").unwrap();
        write_atomically(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.join("sub"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["out.txt"], "no temporary file is left");
        let e = write_atomically(&dir.join("sub/out.txt/x"), b"").unwrap_err();
        assert!(e.to_string().contains("out.txt"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
