//! Degraded images, for the face evaluator's hard negatives and its calibration: Gaussian
//! blur, added noise, an occluding square, patches shuffled, images averaged.
//!
//! All take and return images `[N, C, H, W]` in [−1, 1] (on any device); random choices come
//! from a [`Rng`], so the same seed gives the same images on every machine, independent of
//! libtorch's random numbers.
use crate::data::rng::Rng;
use tch::{Kind, Tensor};

/// Gaussian blur with standard deviation `sigma` in pixels (separable, edges replicated);
/// `sigma` ≤ 0 returns the images unchanged.
pub fn blur(images: &Tensor, sigma: f64) -> Tensor {
    if sigma <= 0.0 {
        return images.shallow_clone();
    }
    let s = images.size();
    let c = s[1];
    // Three σ either side, but replicate padding must stay below the image size.
    let r = ((3.0 * sigma).ceil() as i64).min(s[2] - 1).min(s[3] - 1);
    let taps: Vec<f32> = (-r..=r)
        .map(|i| (-(i * i) as f64 / (2.0 * sigma * sigma)).exp() as f32)
        .collect();
    let total: f32 = taps.iter().sum();
    let k = Tensor::from_slice(&taps.iter().map(|t| t / total).collect::<Vec<_>>())
        .to_device(images.device());
    let kx = k.view([1, 1, 1, 2 * r + 1]).repeat([c, 1, 1, 1]);
    let ky = k.view([1, 1, 2 * r + 1, 1]).repeat([c, 1, 1, 1]);
    images
        .to_kind(Kind::Float)
        .pad([r, r, 0, 0], "replicate", None)
        .conv2d(&kx, None::<Tensor>, [1, 1], [0, 0], [1, 1], c)
        .pad([0, 0, r, r], "replicate", None)
        .conv2d(&ky, None::<Tensor>, [1, 1], [0, 0], [1, 1], c)
}

/// A tensor of `shape` with standard normal values from `rng`, on `like`'s device.
fn normal_like(shape: &[i64], like: &Tensor, rng: &mut Rng) -> Tensor {
    let n: i64 = shape.iter().product();
    let v: Vec<f32> = (0..n).map(|_| rng.normal()).collect();
    Tensor::from_slice(&v).view(shape).to_device(like.device())
}

/// Adds Gaussian noise with standard deviation `std` (in the images' [−1, 1] units) and clips
/// to [−1, 1].
pub fn add_noise(images: &Tensor, std: f64, rng: &mut Rng) -> Tensor {
    let x = images.to_kind(Kind::Float);
    (&x + normal_like(&x.size(), &x, rng) * std).clamp(-1.0, 1.0)
}

/// Uniform noise images in [−1, 1], `[n, 3, size, size]`.
pub fn uniform_noise(n: i64, size: i64, rng: &mut Rng) -> Tensor {
    let v: Vec<f32> = (0..n * 3 * size * size)
        .map(|_| rng.range(-1.0, 1.0))
        .collect();
    Tensor::from_slice(&v).view([n, 3, size, size])
}

/// Covers a square of side `side` (a share of the image width) in each image with a flat
/// gray, its centre drawn around the middle of the built-in faces (x in [0.35, 0.65],
/// y in [0.45, 0.75] of the image: eyes, nose and mouth), its gray level at random.
pub fn occlude(images: &Tensor, side: f64, rng: &mut Rng) -> Tensor {
    let s = images.size();
    let (n, h, w) = (s[0], s[2], s[3]);
    let x = images.to_kind(Kind::Float).copy();
    let (sw, sh) = (
        ((side * w as f64).round() as i64).clamp(1, w),
        ((side * h as f64).round() as i64).clamp(1, h),
    );
    for i in 0..n {
        let (cx, cy) = (rng.range(0.35, 0.65) as f64, rng.range(0.45, 0.75) as f64);
        let x0 = ((cx * w as f64) as i64 - sw / 2).clamp(0, w - sw);
        let y0 = ((cy * h as f64) as i64 - sh / 2).clamp(0, h - sh);
        let gray = rng.range(-0.6, 0.6) as f64;
        let _ = x.get(i).narrow(1, y0, sh).narrow(2, x0, sw).fill_(gray);
    }
    x
}

/// Cuts each image into `grid` × `grid` patches and shuffles them (a different order per
/// image, with at least half of the patches moved).
pub fn shuffle_patches(images: &Tensor, grid: i64, rng: &mut Rng) -> Tensor {
    let s = images.size();
    let (n, c, h, w) = (s[0], s[1], s[2], s[3]);
    let (ph, pw) = (h / grid, w / grid);
    let x = images
        .to_kind(Kind::Float)
        .narrow(2, 0, ph * grid)
        .narrow(3, 0, pw * grid);
    let patches = x
        .reshape([n, c, grid, ph, grid, pw])
        .permute([0, 1, 2, 4, 3, 5])
        .reshape([n, c, grid * grid, ph, pw]);
    let k = (grid * grid) as usize;
    let mut index = Vec::with_capacity(n as usize * k);
    for _ in 0..n {
        let mut perm: Vec<i64> = (0..k as i64).collect();
        loop {
            rng.shuffle(&mut perm);
            let moved = perm
                .iter()
                .enumerate()
                .filter(|(i, &p)| *i as i64 != p)
                .count();
            if moved * 2 >= k {
                break;
            }
        }
        index.extend(perm);
    }
    let index = Tensor::from_slice(&index)
        .view([n, 1, k as i64, 1, 1])
        .expand([n, c, k as i64, ph, pw], false)
        .to_device(images.device());
    let out = patches
        .gather(2, &index, false)
        .reshape([n, c, grid, grid, ph, pw])
        .permute([0, 1, 2, 4, 3, 5])
        .reshape([n, c, ph * grid, pw * grid]);
    if ph * grid == h && pw * grid == w {
        out
    } else {
        let full = images.to_kind(Kind::Float).copy();
        full.narrow(2, 0, ph * grid)
            .narrow(3, 0, pw * grid)
            .copy_(&out);
        full
    }
}

/// The means of consecutive groups of `k` images: `[N / k, C, H, W]` (a collapsed
/// generator's "average face").
pub fn average_groups(images: &Tensor, k: i64) -> Tensor {
    let s = images.size();
    let m = s[0] / k.max(1);
    images
        .narrow(0, 0, m * k)
        .to_kind(Kind::Float)
        .view([m, k, s[1], s[2], s[3]])
        .mean_dim(1, false, Kind::Float)
}
