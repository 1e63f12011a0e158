//! Data: built-in, procedurally generated stand-ins for the reports' data sets (deterministic
//! from a seed, measurable exactly), all yielding the same [`Dataset`] and [`Batch`] types.
//!
//! - [`faces`]: anime-style faces with hair and eye colours (reports 000–003);
//! - [`objects`]: i-CLEVR-like scenes of 1–3 objects, 24 classes (report 004);
//! - [`domains`]: StarGAN's domains (hair colours, attributes) on the built-in faces;
//! - [`maps`]: map ↔ aerial pairs of the same layouts, for CycleGAN (report 001 §5);
//! - [`mixtures`]: 2-D Gaussian mixtures (ring of 8, grid of 25) and the swiss roll;
//! - [`folder`]: real image folders (png, jpg), decoded in parallel, cached;
//! - [`tags`]: the tagged anime-face format (`tags.csv`) of report 001's data set;
//! - [`formats`]: i-CLEVR, CycleGAN and CelebA folders.

pub mod domains;
mod draw;
pub mod faces;
pub mod folder;
pub mod formats;
pub mod maps;
pub mod mixtures;
pub mod objects;
pub mod rng;
pub mod tags;

use crate::error::{Error, Result};
use rng::Rng;
use std::path::{Path, PathBuf};
use tch::{Device, Kind, Tensor};

/// A data set held in memory: samples and, for conditional models, their labels.
#[derive(Debug)]
pub struct Dataset {
    /// A short name for printing ("faces 32×32", "ring of 8").
    pub name: String,
    /// Images `[N, C, H, W]` in [−1, 1], or points `[N, 2]` for 2-D sets.
    pub x: Tensor,
    /// Labels `[N, K]` (one-hot or multi-hot, f32), when the set has them.
    pub labels: Option<Tensor>,
    /// The name of each label column.
    pub label_names: Vec<String>,
}

/// One minibatch.
#[derive(Debug)]
pub struct Batch {
    /// Samples, `[B, …]`.
    pub x: Tensor,
    /// Their labels `[B, K]`, when the data set has labels.
    pub labels: Option<Tensor>,
}

impl Dataset {
    /// Number of samples.
    pub fn len(&self) -> usize {
        self.x.size()[0] as usize
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Moves samples and labels to a device (e.g. the GPU once, before training).
    pub fn to_device(self, device: Device) -> Self {
        Dataset {
            x: self.x.to_device(device),
            labels: self.labels.map(|l| l.to_device(device)),
            ..self
        }
    }

    /// The same set on `device`, sharing the tensors when they are there already (no copy).
    pub fn shallow_to(&self, device: Device) -> Dataset {
        Dataset {
            name: self.name.clone(),
            x: self.x.to_device(device),
            labels: self.labels.as_ref().map(|l| l.to_device(device)),
            label_names: self.label_names.clone(),
        }
    }

    /// The samples at `indices`.
    pub fn select(&self, indices: &[i64]) -> Batch {
        let idx = Tensor::from_slice(indices).to_device(self.x.device());
        Batch {
            x: self.x.index_select(0, &idx),
            labels: self.labels.as_ref().map(|l| l.index_select(0, &idx)),
        }
    }

    /// The first `n` samples (in the set's own order): for "real data" grids.
    pub fn head(&self, n: usize) -> Batch {
        let n = n.min(self.len()) as i64;
        Batch {
            x: self.x.narrow(0, 0, n),
            labels: self.labels.as_ref().map(|l| l.narrow(0, 0, n)),
        }
    }

    /// An endless stream of shuffled minibatches of `batch_size`: each epoch is a new
    /// permutation drawn from `seed`; the last incomplete batch of an epoch is dropped.
    ///
    /// # Errors
    /// When `batch_size` is 0 or larger than the data set.
    ///
    /// The stream shares the set's tensors (no copy) and does not borrow the set, so it can
    /// live in a notebook variable of its own.
    pub fn batches(&self, batch_size: usize, seed: u64) -> Result<Batches> {
        if batch_size == 0 || batch_size > self.len() {
            return Err(Error::setting(
                "batch size",
                format!(
                    "{batch_size} does not fit a data set of {} samples",
                    self.len()
                ),
            ));
        }
        let data = Dataset {
            name: self.name.clone(),
            x: self.x.shallow_clone(),
            labels: self.labels.as_ref().map(Tensor::shallow_clone),
            label_names: self.label_names.clone(),
        };
        Ok(Batches {
            data,
            batch_size,
            rng: Rng::new(seed),
            order: Vec::new(),
            pos: 0,
            epoch: 0,
        })
    }
}

/// Minibatches drawn endlessly from a [`Dataset`] (see [`Dataset::batches`]).
#[derive(Debug)]
pub struct Batches {
    data: Dataset,
    batch_size: usize,
    rng: Rng,
    order: Vec<i64>,
    pos: usize,
    epoch: usize,
}

impl Batches {
    /// Completed passes over the data set.
    pub fn epoch(&self) -> usize {
        self.epoch.saturating_sub(1)
    }

    /// Minibatches per epoch.
    pub fn per_epoch(&self) -> usize {
        self.data.len() / self.batch_size
    }

    /// Skips `n` batches without building them: the stream then continues exactly where one
    /// that yielded `n` batches would (a resumed run's data position).
    pub fn skip_batches(&mut self, n: usize) {
        for _ in 0..n {
            self.advance();
        }
    }

    /// The index range of the next batch in `order`, reshuffling at each epoch's start.
    fn advance(&mut self) -> std::ops::Range<usize> {
        if self.order.is_empty() || self.pos + self.batch_size > self.order.len() {
            self.order = (0..self.data.len() as i64).collect();
            self.rng.shuffle(&mut self.order);
            self.pos = 0;
            self.epoch += 1;
        }
        self.pos += self.batch_size;
        self.pos - self.batch_size..self.pos
    }
}

impl Iterator for Batches {
    type Item = Batch;

    fn next(&mut self) -> Option<Batch> {
        let range = self.advance();
        Some(self.data.select(&self.order[range]))
    }
}

/// Packs per-item f32 buffers (`item_len` values each) into one tensor of shape `shape`.
pub(crate) fn tensor_from_f32(values: Vec<f32>, shape: &[i64]) -> Tensor {
    Tensor::from_slice(&values).view(shape).to_kind(Kind::Float)
}

/// Multi-hot (or one-hot) rows `[N, k]`: row i has 1 at each index in `rows[i]`.
pub(crate) fn multi_hot(rows: &[Vec<usize>], k: usize) -> Tensor {
    let mut v = vec![0f32; rows.len() * k];
    for (i, r) in rows.iter().enumerate() {
        for &c in r {
            v[i * k + c] = 1.0;
        }
    }
    tensor_from_f32(v, &[rows.len() as i64, k as i64])
}

/// Creates `dir` if needed and refuses it when it already holds files: the writers of the
/// built-in sets never mix their files with a user's.
pub(crate) fn new_folder(dir: &Path) -> Result<PathBuf> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .map_err(|e| Error::io(dir, e))?
            .next()
            .is_some()
    {
        return Err(Error::data(
            dir,
            None,
            "folder is not empty; gankit writes only into a new or empty folder",
        ));
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    Ok(dir.to_path_buf())
}

/// Saves `[N, 3, H, W]` images in [−1, 1] as files named by `name(i)` in `dir`; the
/// extension picks the format (`.png`, `.jpg`).
pub(crate) fn save_images(
    images: &Tensor,
    dir: &Path,
    name: impl Fn(usize) -> String,
) -> Result<()> {
    let size = images.size();
    let (h, w) = (size[2] as u32, size[3] as u32);
    let px = Vec::<u8>::try_from(
        ((images + 1.0) * 127.5)
            .round()
            .clamp(0.0, 255.0)
            .to_kind(Kind::Uint8)
            .permute([0, 2, 3, 1])
            .contiguous()
            .view([-1]),
    )
    .map_err(|e| Error::torch("saving images", e))?;
    for (i, chunk) in px.chunks((h * w * 3) as usize).enumerate() {
        let path = dir.join(name(i));
        image::RgbImage::from_raw(w, h, chunk.to_vec())
            .expect("sizes match")
            .save(&path)
            .map_err(|source| Error::Image {
                path: path.clone(),
                source,
            })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy(n: i64) -> Dataset {
        Dataset {
            name: "toy".into(),
            x: Tensor::arange(n, (Kind::Float, Device::Cpu)).view([n, 1]),
            labels: Some(Tensor::arange(n, (Kind::Float, Device::Cpu)).view([n, 1]) * 10),
            label_names: vec!["ten times".into()],
        }
    }

    #[test]
    fn batches_cover_each_epoch_once_and_keep_labels_aligned() {
        let data = toy(10);
        let mut it = data.batches(3, 1).unwrap();
        assert_eq!(it.per_epoch(), 3);
        let mut seen = Vec::new();
        for _ in 0..3 {
            let b = it.next().unwrap();
            let xs = Vec::<f32>::try_from(b.x.view([-1])).unwrap();
            let ls = Vec::<f32>::try_from(b.labels.unwrap().view([-1])).unwrap();
            assert!(xs.iter().zip(&ls).all(|(x, l)| *l == 10.0 * x));
            seen.extend(xs);
        }
        seen.sort_by(f32::total_cmp);
        seen.dedup();
        assert_eq!(
            seen.len(),
            9,
            "9 distinct samples in one epoch of 3 batches of 3"
        );
        let _ = it.next();
        assert_eq!(it.epoch(), 1);
    }

    #[test]
    fn skipping_batches_continues_where_the_stream_would() {
        let data = toy(10);
        let mut full = data.batches(3, 7).unwrap();
        let after_five: Vec<Tensor> = full.by_ref().take(5).map(|b| b.x).collect();
        let mut skipped = data.batches(3, 7).unwrap();
        skipped.skip_batches(4);
        assert!(skipped.next().unwrap().x.equal(&after_five[4]));
        assert!(skipped.next().unwrap().x.equal(&full.next().unwrap().x));
        assert_eq!(skipped.epoch(), full.epoch());
    }

    #[test]
    fn batch_size_must_fit() {
        let e = toy(4).batches(5, 0).unwrap_err().to_string();
        assert_eq!(e, "batch size: 5 does not fit a data set of 4 samples");
    }
}
