//! Loaders for the other real formats, and writers that put the built-in sets into them (so
//! the loaders are tested on real files):
//! - i-CLEVR: `objects.json` (name → class id), `train.json` (file → list of object names),
//!   `test.json` (list of condition lists), images in `images/` (or beside the json files);
//! - CycleGAN: `trainA/ trainB/ testA/ testB/` image folders;
//! - CelebA: `list_attr_celeba.txt` (count line, attribute names line, then `file ±1 …`) and
//!   the images in `img_align_celeba/` (or beside it).
//!
//! Errors name the file and the line or key at fault; loaders never write into the data
//! folder.
use super::folder::{load_image_folder, load_images};
use super::{multi_hot, new_folder, save_images, Dataset};
use crate::error::{Error, Result};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tch::Tensor;

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::io(path, e))
}

/// Parses a JSON file; errors name the file and line.
fn read_json(path: &Path) -> Result<Value> {
    serde_json::from_str(&read(path)?)
        .map_err(|e| Error::data(path, Some(e.line()), format!("invalid JSON: {e}")))
}

/// The i-CLEVR class names in id order (from `objects.json`).
fn iclevr_classes(root: &Path) -> Result<BTreeMap<String, usize>> {
    let path = root.join("objects.json");
    let Value::Object(entries) = read_json(&path)? else {
        return Err(Error::data(
            &path,
            None,
            "expected an object of name → class id",
        ));
    };
    let mut out = BTreeMap::new();
    for (k, v) in entries {
        let id = v.as_u64().ok_or_else(|| {
            Error::data(
                &path,
                None,
                format!("key {k:?}: the class id must be a non-negative integer"),
            )
        })?;
        out.insert(k, id as usize);
    }
    Ok(out)
}

fn names_to_multi_hot(
    names: &[Value],
    classes: &BTreeMap<String, usize>,
    path: &Path,
    key: &str,
) -> Result<Vec<usize>> {
    names
        .iter()
        .map(|n| match n {
            Value::String(s) => classes.get(s).copied().ok_or_else(|| {
                Error::data(
                    path,
                    None,
                    format!("{key}: label {s:?} is not in objects.json"),
                )
            }),
            _ => Err(Error::data(
                path,
                None,
                format!("{key}: labels must be strings"),
            )),
        })
        .collect()
}

/// Loads an i-CLEVR folder: the training images with multi-hot labels.
pub fn load_iclevr(root: impl AsRef<Path>, size: usize, cache: bool) -> Result<Dataset> {
    let root = root.as_ref();
    let classes = iclevr_classes(root)?;
    let k = classes.values().max().map_or(0, |m| m + 1);
    let path = root.join("train.json");
    let Value::Object(entries) = read_json(&path)? else {
        return Err(Error::data(
            &path,
            None,
            "expected an object of file → list of object names",
        ));
    };
    let image_dir = if root.join("images").is_dir() {
        root.join("images")
    } else {
        root.to_path_buf()
    };
    let mut files = Vec::new();
    let mut rows = Vec::new();
    for (file, v) in entries {
        let Value::Array(names) = v else {
            return Err(Error::data(
                &path,
                None,
                format!("key {file:?}: expected a list of object names"),
            ));
        };
        rows.push(names_to_multi_hot(
            &names,
            &classes,
            &path,
            &format!("key {file:?}"),
        )?);
        let f = image_dir.join(&file);
        if !f.exists() {
            return Err(Error::data(
                &path,
                None,
                format!("key {file:?}: no such image {}", f.display()),
            ));
        }
        files.push(f);
    }
    let loaded = load_images(&files, size, cache)?;
    let keep: Vec<Vec<usize>> = files
        .iter()
        .zip(rows)
        .filter(|(f, _)| loaded.files.contains(f))
        .map(|(_, r)| r)
        .collect();
    let mut names = vec![String::new(); k];
    for (n, &i) in &classes {
        names[i] = n.clone();
    }
    Ok(Dataset {
        name: format!("i-CLEVR {size}×{size}"),
        x: loaded.images,
        labels: Some(multi_hot(&keep, k)),
        label_names: names,
    })
}

/// The test conditions of an i-CLEVR folder (`test.json`), as multi-hot `[N, K]`.
pub fn load_iclevr_test(root: impl AsRef<Path>) -> Result<Tensor> {
    let root = root.as_ref();
    let classes = iclevr_classes(root)?;
    let k = classes.values().max().map_or(0, |m| m + 1);
    let path = root.join("test.json");
    let Value::Array(conds) = read_json(&path)? else {
        return Err(Error::data(
            &path,
            None,
            "expected a list of condition lists",
        ));
    };
    let rows = conds
        .iter()
        .enumerate()
        .map(|(i, c)| match c {
            Value::Array(names) => {
                names_to_multi_hot(names, &classes, &path, &format!("condition {i}"))
            }
            _ => Err(Error::data(
                &path,
                None,
                format!("condition {i}: expected a list of object names"),
            )),
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(multi_hot(&rows, k))
}

/// Writes the built-in objects as an i-CLEVR folder (refuses a non-empty folder).
pub fn write_iclevr(n: usize, size: usize, seed: u64, dir: impl AsRef<Path>) -> Result<PathBuf> {
    use super::objects::{class_name, object_scenes, render_scenes, test_conditions, N_CLASSES};
    let dir = dir.as_ref();
    let images_dir = new_folder(dir)?.join("images");
    std::fs::create_dir_all(&images_dir).map_err(|e| Error::io(&images_dir, e))?;
    let scenes = object_scenes(n, seed);
    save_images(&render_scenes(&scenes, size), &images_dir, |i| {
        format!("CLEVR_train_{i:06}.png")
    })?;
    let quote = |s: String| format!("\"{s}\"");
    let objects = (0..N_CLASSES)
        .map(|k| format!("{}: {k}", quote(class_name(k))))
        .collect::<Vec<_>>()
        .join(", ");
    let train = scenes
        .iter()
        .enumerate()
        .map(|(i, s)| {
            format!(
                "{}: [{}]",
                quote(format!("CLEVR_train_{i:06}.png")),
                s.classes()
                    .into_iter()
                    .map(|c| quote(class_name(c)))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join(",\n ");
    let test = test_conditions()
        .into_iter()
        .map(|c| {
            format!(
                "[{}]",
                c.into_iter()
                    .map(|k| quote(class_name(k)))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    for (name, text) in [
        ("objects.json", format!("{{{objects}}}")),
        ("train.json", format!("{{{train}}}")),
        ("test.json", format!("[{test}]")),
    ] {
        std::fs::write(dir.join(name), text).map_err(|e| Error::io(dir.join(name), e))?;
    }
    Ok(dir.to_path_buf())
}

/// A CycleGAN data set: the four folders.
#[derive(Debug)]
pub struct CycleData {
    pub train_a: Tensor,
    pub train_b: Tensor,
    pub test_a: Tensor,
    pub test_b: Tensor,
}

/// Loads a CycleGAN folder (`trainA/ trainB/ testA/ testB/`).
pub fn load_cyclegan(root: impl AsRef<Path>, size: usize, cache: bool) -> Result<CycleData> {
    let root = root.as_ref();
    let load = |d: &str| load_image_folder(root.join(d), size, cache).map(|l| l.images);
    Ok(CycleData {
        train_a: load("trainA")?,
        train_b: load("trainB")?,
        test_a: load("testA")?,
        test_b: load("testB")?,
    })
}

/// Writes built-in map/aerial pairs as a CycleGAN folder: `n_train` pairs split into trainA
/// (maps) and trainB (aerial), `n_test` into testA/testB (same file names = true pairs).
pub fn write_cyclegan(
    n_train: usize,
    n_test: usize,
    size: usize,
    seed: u64,
    dir: impl AsRef<Path>,
) -> Result<PathBuf> {
    let dir = new_folder(dir.as_ref())?;
    let p = super::maps::maps(n_train + n_test, size, seed);
    for (name, t, from, len) in [
        ("trainA", &p.maps, 0, n_train),
        ("trainB", &p.aerial, 0, n_train),
        ("testA", &p.maps, n_train, n_test),
        ("testB", &p.aerial, n_train, n_test),
    ] {
        let d = dir.join(name);
        std::fs::create_dir_all(&d).map_err(|e| Error::io(&d, e))?;
        save_images(&t.narrow(0, from as i64, len as i64), &d, |i| {
            format!("{i}.png")
        })?;
    }
    Ok(dir)
}

/// Loads CelebA: images with their ±1 attributes as 0/1 labels, restricted to `attributes`
/// (by name; all 40 when empty).
pub fn load_celeba(
    root: impl AsRef<Path>,
    size: usize,
    attributes: &[&str],
    cache: bool,
) -> Result<Dataset> {
    let root = root.as_ref();
    let path = root.join("list_attr_celeba.txt");
    let text = read(&path)?;
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, count) = lines
        .next()
        .ok_or_else(|| Error::data(&path, Some(1), "empty file"))?;
    let count: usize = count.trim().parse().map_err(|_| {
        Error::data(
            &path,
            Some(1),
            format!("expected the image count, got {:?}", count.trim()),
        )
    })?;
    let (_, header) = lines
        .next()
        .ok_or_else(|| Error::data(&path, Some(2), "missing the attribute names line"))?;
    let names: Vec<&str> = header.split_whitespace().collect();
    let wanted: Vec<usize> = if attributes.is_empty() {
        (0..names.len()).collect()
    } else {
        attributes
            .iter()
            .map(|a| {
                names.iter().position(|n| n == a).ok_or_else(|| {
                    Error::data(
                        &path,
                        Some(2),
                        format!("no attribute {a:?} (there are: {})", names.join(" ")),
                    )
                })
            })
            .collect::<Result<_>>()?
    };
    let image_dir = if root.join("img_align_celeba").is_dir() {
        root.join("img_align_celeba")
    } else {
        root.to_path_buf()
    };
    let (mut files, mut rows) = (Vec::new(), Vec::new());
    for (n, line) in lines {
        let parts: Vec<&str> = line.split_whitespace().collect();
        if parts.len() != names.len() + 1 {
            return Err(Error::data(
                &path,
                Some(n + 1),
                format!(
                    "expected a file name and {} values, got {} fields",
                    names.len(),
                    parts.len()
                ),
            ));
        }
        let mut row = Vec::new();
        for &a in &wanted {
            match parts[a + 1] {
                "1" => row.push(a),
                "-1" => {}
                v => {
                    return Err(Error::data(
                        &path,
                        Some(n + 1),
                        format!("attribute {}: expected 1 or -1, got {v:?}", names[a]),
                    ))
                }
            }
        }
        files.push(image_dir.join(parts[0]));
        rows.push(
            row.into_iter()
                .map(|a| wanted.iter().position(|&w| w == a).expect("wanted"))
                .collect::<Vec<_>>(),
        );
    }
    if files.len() != count {
        return Err(Error::data(
            &path,
            Some(1),
            format!("says {count} images but lists {}", files.len()),
        ));
    }
    let loaded = load_images(&files, size, cache)?;
    let keep: Vec<Vec<usize>> = files
        .iter()
        .zip(rows)
        .filter(|(f, _)| loaded.files.contains(f))
        .map(|(_, r)| r)
        .collect();
    Ok(Dataset {
        name: format!("CelebA {size}×{size}"),
        x: loaded.images,
        labels: Some(multi_hot(&keep, wanted.len())),
        label_names: wanted.iter().map(|&a| names[a].to_string()).collect(),
    })
}

/// Writes built-in faces as a CelebA-style folder with their 3 attributes (glasses, blush,
/// smile) as the attribute columns.
pub fn write_celeba(n: usize, size: usize, seed: u64, dir: impl AsRef<Path>) -> Result<PathBuf> {
    use super::faces::{face_specs, render_faces, FacesConfig, ATTRIBUTES};
    let dir = new_folder(dir.as_ref())?;
    let img_dir = dir.join("img_align_celeba");
    std::fs::create_dir_all(&img_dir).map_err(|e| Error::io(&img_dir, e))?;
    let cfg = FacesConfig {
        n,
        size,
        seed,
        ..Default::default()
    };
    let specs = face_specs(&cfg);
    save_images(&render_faces(&specs, size, seed), &img_dir, |i| {
        format!("{:06}.png", i + 1)
    })?;
    let mut text = format!(
        "{n}\n{}\n",
        ATTRIBUTES.map(|a| a.replace(' ', "_")).join(" ")
    );
    for (i, s) in specs.iter().enumerate() {
        let v: Vec<&str> = s
            .attributes()
            .iter()
            .map(|&b| if b { " 1" } else { "-1" })
            .collect();
        text.push_str(&format!("{:06}.png {}\n", i + 1, v.join(" ")));
    }
    let path = dir.join("list_attr_celeba.txt");
    std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
    Ok(dir)
}
