//! The tagged anime-face format of report 001's 36,740-image set: a folder with `tags.csv`,
//! lines `id,<colour> hair <colour> eyes`, and the images `images/<id>.jpg` (or `.png`, or
//! beside tags.csv). [`write_tagged_faces`] writes the built-in faces in this format, so the
//! loader is tested on real files.
use super::faces::{
    face_labels, face_specs, render_faces, FaceLabels, FaceTags, FacesConfig, EYE_COLORS,
    HAIR_COLORS,
};
use super::folder::load_images;
use super::{new_folder, save_images, Dataset};
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// One parsed line of tags.csv.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagLine {
    /// The image id (file stem).
    pub id: String,
    /// Index into [`HAIR_COLORS`].
    pub hair: usize,
    /// Index into [`EYE_COLORS`].
    pub eye: usize,
}

/// Parses tags.csv text; `path` names the file in errors, which give the line number.
pub fn parse_tags(text: &str, path: &Path) -> Result<Vec<TagLine>> {
    let mut out = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let bad = |msg: String| Error::data(path, Some(n + 1), msg);
        let (id, tags) = line.split_once(',').ok_or_else(|| {
            bad(format!(
                "expected `id,<colour> hair <colour> eyes`, got {line:?}"
            ))
        })?;
        let words: Vec<&str> = tags.split_whitespace().collect();
        let [hair, "hair", eye, "eyes"] = words.as_slice() else {
            return Err(bad(format!(
                "expected `<colour> hair <colour> eyes` after the id, got {:?}",
                tags.trim()
            )));
        };
        let find = |list: &[&str], c: &str, what: &str| {
            list.iter()
                .position(|x| x.eq_ignore_ascii_case(c))
                .ok_or_else(|| {
                    bad(format!(
                        "unknown {what} colour {c:?} (known: {})",
                        list.join(", ")
                    ))
                })
        };
        out.push(TagLine {
            id: id.trim().to_string(),
            hair: find(&HAIR_COLORS, hair, "hair")?,
            eye: find(&EYE_COLORS, eye, "eye")?,
        });
    }
    if out.is_empty() {
        return Err(Error::data(path, None, "no tag lines"));
    }
    Ok(out)
}

/// Loads a tagged face folder at `size`×`size` with the chosen labels. Images that cannot be
/// read are skipped with their tags (one summary line); a tag whose image is missing is an
/// error naming the line.
pub fn load_tagged_faces(
    root: impl AsRef<Path>,
    size: usize,
    labels: FaceLabels,
    cache: bool,
) -> Result<Dataset> {
    let root = root.as_ref();
    let tags_path = root.join("tags.csv");
    let text = std::fs::read_to_string(&tags_path).map_err(|e| Error::io(&tags_path, e))?;
    let tags = parse_tags(&text, &tags_path)?;
    let image_dir = if root.join("images").is_dir() {
        root.join("images")
    } else {
        root.to_path_buf()
    };
    let mut files = Vec::with_capacity(tags.len());
    for (n, t) in tags.iter().enumerate() {
        let found = ["jpg", "png", "jpeg"]
            .iter()
            .map(|e| image_dir.join(format!("{}.{e}", t.id)))
            .find(|p| p.exists());
        match found {
            Some(p) => files.push(p),
            None => {
                return Err(Error::data(
                    &tags_path,
                    Some(n + 1),
                    format!(
                        "no image {}/{}.jpg or .png for id {:?}",
                        image_dir.display(),
                        t.id,
                        t.id
                    ),
                ))
            }
        }
    }
    let loaded = load_images(&files, size, cache)?;
    let by_file: std::collections::HashMap<&PathBuf, &TagLine> = files.iter().zip(&tags).collect();
    let kept: Vec<FaceTags> = loaded
        .files
        .iter()
        .map(|f| {
            let t = by_file[f];
            FaceTags {
                hair: t.hair,
                eye: t.eye,
                attributes: [false; 3],
            }
        })
        .collect();
    let (labels, label_names) = face_labels(&kept, labels);
    Ok(Dataset {
        name: format!("{} {size}×{size}", root.display()),
        x: loaded.images,
        labels,
        label_names,
    })
}

/// Writes the built-in faces of `cfg` as a tagged face folder: `dir/images/<id>.jpg` and
/// `dir/tags.csv`. Refuses a folder that already has files in it.
pub fn write_tagged_faces(cfg: &FacesConfig, dir: impl AsRef<Path>) -> Result<PathBuf> {
    let dir = new_folder(dir.as_ref())?;
    let images = dir.join("images");
    std::fs::create_dir_all(&images).map_err(|e| Error::io(&images, e))?;
    let specs = face_specs(cfg);
    save_images(&render_faces(&specs, cfg.size, cfg.seed), &images, |i| {
        format!("{i}.jpg")
    })?;
    let csv: String = specs
        .iter()
        .enumerate()
        .map(|(i, s)| {
            format!(
                "{i},{} hair {} eyes\n",
                HAIR_COLORS[s.hair], EYE_COLORS[s.eye]
            )
        })
        .collect();
    let tags = dir.join("tags.csv");
    std::fs::write(&tags, csv).map_err(|e| Error::io(&tags, e))?;
    Ok(dir)
}
