//! Image folders (png, jpg): decoded in parallel, centre-cropped to a square, resized to N×N,
//! as one tensor in [−1, 1]. Unreadable or corrupt images are skipped, counted, and reported in
//! one summary line; loading fails only when nothing usable is left. An optional cache of the
//! decoded tensor (outside the data folder, which is never written to) makes a second load
//! instant.
use crate::error::{Error, Result};
use image::imageops::FilterType;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use tch::{Device, Kind, Tensor};

/// Images loaded from files.
#[derive(Debug)]
pub struct LoadedImages {
    /// `[N, 3, size, size]` in [−1, 1], one per usable file.
    pub images: Tensor,
    /// The files behind `images`, in the same order.
    pub files: Vec<PathBuf>,
    /// Files that could not be used, with why.
    pub skipped: Vec<(PathBuf, String)>,
    /// Whether the tensor came from the cache.
    pub from_cache: bool,
}

/// The environment variable that moves the decoded-image cache (default: `target/data-cache`
/// in the gankit checkout).
pub const CACHE_VAR: &str = "GANKIT_CACHE";

/// The image files of a folder (png, jpg, jpeg; not recursive), in natural order (`2.jpg`
/// before `10.jpg`).
pub fn image_files(dir: impl AsRef<Path>) -> Result<Vec<PathBuf>> {
    let dir = dir.as_ref();
    if !dir.is_dir() {
        return Err(Error::data(dir, None, "no such folder"));
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "png" | "jpg" | "jpeg"))
        })
        .collect();
    if files.is_empty() {
        return Err(Error::data(
            dir,
            None,
            "no png or jpg images in this folder",
        ));
    }
    files.sort_by_key(|a| natural_key(a));
    Ok(files)
}

fn natural_key(p: &Path) -> (u64, String) {
    let stem = p
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    (stem.parse::<u64>().unwrap_or(u64::MAX), stem)
}

/// Loads every image of `dir` at `size`×`size`, using the cache when `cache` is true.
pub fn load_image_folder(dir: impl AsRef<Path>, size: usize, cache: bool) -> Result<LoadedImages> {
    let files = image_files(&dir)?;
    load_images(&files, size, cache)
}

/// Loads the given image files at `size`×`size` (in parallel), skipping unusable ones.
pub fn load_images(files: &[PathBuf], size: usize, cache: bool) -> Result<LoadedImages> {
    if size == 0 {
        return Err(Error::setting("image size", "must be at least 1 pixel"));
    }
    let Some(first) = files.first() else {
        return Err(Error::setting("image files", "the list is empty"));
    };
    let cache_path = cache.then(|| cache_file(files, size)).flatten();
    if let Some(hit) = cache_path.as_ref().and_then(|p| read_cache(p, files)) {
        return Ok(hit);
    }
    let per = 3 * size * size;
    let images = Tensor::empty(
        [files.len() as i64, 3, size as i64, size as i64],
        (Kind::Float, Device::Cpu),
    );
    // SAFETY: `images` is a fresh contiguous f32 CPU tensor of files.len()·per elements that
    // nothing else references while the slice lives; threads write disjoint chunks.
    let buf =
        unsafe { std::slice::from_raw_parts_mut(images.data_ptr() as *mut f32, files.len() * per) };
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(files.len());
    let chunk = files.len().div_ceil(threads);
    let results: Vec<Vec<Option<String>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .zip(buf.chunks_mut(chunk * per))
            .map(|(files, out)| {
                scope.spawn(move || {
                    files
                        .iter()
                        .zip(out.chunks_mut(per))
                        .map(|(f, o)| decode_into(f, size, o).err())
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("decoder thread"))
            .collect()
    });
    let errors: Vec<Option<String>> = results.into_iter().flatten().collect();
    // Compact: move usable images over the gaps the skipped ones left.
    let (mut kept, mut skipped, mut write) = (Vec::new(), Vec::new(), 0usize);
    for (i, err) in errors.into_iter().enumerate() {
        match err {
            Some(e) => skipped.push((files[i].clone(), e)),
            None => {
                if write != i {
                    buf.copy_within(i * per..(i + 1) * per, write * per);
                }
                kept.push(files[i].clone());
                write += 1;
            }
        }
    }
    if kept.is_empty() {
        let dir = first.parent().unwrap_or(Path::new("."));
        return Err(Error::data(
            dir,
            None,
            format!(
                "none of the {} images could be read (first: {}: {})",
                files.len(),
                skipped[0].0.display(),
                skipped[0].1
            ),
        ));
    }
    if !skipped.is_empty() {
        println!(
            "skipped {} of {} images (unreadable or corrupt), e.g. {}: {}",
            skipped.len(),
            files.len(),
            skipped[0].0.display(),
            skipped[0].1
        );
    }
    let images = images.narrow(0, 0, kept.len() as i64);
    if let Some(p) = &cache_path {
        write_cache(p, &images, &kept);
    }
    Ok(LoadedImages {
        images,
        files: kept,
        skipped,
        from_cache: false,
    })
}

/// Decodes one file, centre-crops it to a square, resizes it and writes CHW in [−1, 1].
fn decode_into(path: &Path, size: usize, out: &mut [f32]) -> std::result::Result<(), String> {
    let img = image::open(path).map_err(|e| e.to_string())?.to_rgb8();
    let (w, h) = img.dimensions();
    if w == 0 || h == 0 {
        return Err("empty image".into());
    }
    let side = w.min(h);
    let square =
        image::imageops::crop_imm(&img, (w - side) / 2, (h - side) / 2, side, side).to_image();
    let resized = if side as usize == size {
        square
    } else {
        image::imageops::resize(&square, size as u32, size as u32, FilterType::Triangle)
    };
    let plane = size * size;
    for (i, p) in resized.pixels().enumerate() {
        for k in 0..3 {
            out[k * plane + i] = p.0[k] as f32 / 127.5 - 1.0;
        }
    }
    Ok(())
}

fn cache_root() -> PathBuf {
    match std::env::var_os(CACHE_VAR) {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/data-cache"),
    }
}

/// The cache file for these files at this size: keyed by every file's path, length and
/// modification time, so a changed folder is decoded again.
fn cache_file(files: &[PathBuf], size: usize) -> Option<PathBuf> {
    let mut h = DefaultHasher::new();
    size.hash(&mut h);
    for f in files {
        f.hash(&mut h);
        let meta = std::fs::metadata(f).ok()?;
        meta.len().hash(&mut h);
        meta.modified().ok()?.hash(&mut h);
    }
    Some(cache_root().join(format!("images-{size}-{:016x}.pt", h.finish())))
}

fn read_cache(path: &Path, files: &[PathBuf]) -> Option<LoadedImages> {
    let list = std::fs::read_to_string(path.with_extension("files")).ok()?;
    let kept: Vec<PathBuf> = list.lines().map(PathBuf::from).collect();
    let images = Tensor::load(path).ok()?;
    if images.size().first() != Some(&(kept.len() as i64)) {
        return None;
    }
    let skipped = files
        .iter()
        .filter(|f| !kept.contains(f))
        .map(|f| (f.clone(), "skipped when first decoded".to_string()))
        .collect();
    Some(LoadedImages {
        images,
        files: kept,
        skipped,
        from_cache: true,
    })
}

/// Best effort: a cache that cannot be written only costs time next load.
fn write_cache(path: &Path, images: &Tensor, kept: &[PathBuf]) {
    let Some(dir) = path.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let list: String = kept.iter().map(|f| format!("{}\n", f.display())).collect();
    if images.save(&tmp).is_ok() && std::fs::write(path.with_extension("files"), list).is_ok() {
        let _ = std::fs::rename(&tmp, path);
    } else {
        let _ = std::fs::remove_file(&tmp);
    }
}
