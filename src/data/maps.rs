//! Built-in two-domain data for CycleGAN: the stand-in for the maps data set (map ↔ aerial
//! photo, report 001 §5). One random city layout (roads, blocks of buildings, water, parks) is
//! drawn twice: as a flat map (domain A) and as a textured aerial image (domain B). Training
//! draws A and B unpaired; the true pairs are kept, so a translation can be scored exactly
//! (L1, PSNR: `gankit::metrics::pairs`).
use super::draw::{mix, render_batch, shade, Canvas};
use super::rng::Rng;
use super::Dataset;
use tch::Tensor;

/// A city layout in unit coordinates.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// Vertical roads (x centre, half width) and horizontal roads (y centre, half width).
    pub roads_v: Vec<(f32, f32)>,
    pub roads_h: Vec<(f32, f32)>,
    /// Buildings as (x0, y0, x1, y1).
    pub buildings: Vec<(f32, f32, f32, f32)>,
    /// Parks as (x0, y0, x1, y1).
    pub parks: Vec<(f32, f32, f32, f32)>,
    /// A river: centre line y = a + b·sin(2π f x + φ), half width w; or none.
    pub river: Option<(f32, f32, f32, f32, f32)>,
    /// Seed of the aerial image's texture.
    pub texture: u64,
}

impl Layout {
    /// A random layout.
    pub fn random(rng: &mut Rng) -> Layout {
        let cut = |rng: &mut Rng| {
            let n = 1 + rng.below(3);
            let mut v: Vec<(f32, f32)> = (0..n)
                .map(|k| {
                    (
                        (k as f32 + rng.range(0.3, 0.7)) / n as f32,
                        rng.range(0.018, 0.035),
                    )
                })
                .collect();
            v.sort_by(|a, b| a.0.total_cmp(&b.0));
            v
        };
        let roads_v = cut(rng);
        let roads_h = cut(rng);
        #[allow(clippy::approx_constant)]
        // a phase drawn from [0, 6.28): changing it would change every map
        let river = rng.chance(0.5).then(|| {
            (
                rng.range(0.2, 0.8),
                rng.range(0.03, 0.12),
                rng.range(0.5, 1.5),
                rng.range(0.0, 6.28),
                rng.range(0.04, 0.08),
            )
        });
        // Blocks between roads: each is a park (sometimes) or filled with a few buildings.
        let edges = |roads: &[(f32, f32)]| {
            let mut e = vec![0.0f32];
            for &(c, w) in roads {
                e.push(c - w);
                e.push(c + w);
            }
            e.push(1.0);
            e.chunks(2).map(|p| (p[0], p[1])).collect::<Vec<_>>()
        };
        let (mut buildings, mut parks) = (Vec::new(), Vec::new());
        for &(x0, x1) in &edges(&roads_v) {
            for &(y0, y1) in &edges(&roads_h) {
                let m = 0.02;
                let (bx0, by0, bx1, by1) = (x0 + m, y0 + m, x1 - m, y1 - m);
                if bx1 - bx0 < 0.04 || by1 - by0 < 0.04 {
                    continue;
                }
                if rng.chance(0.25) {
                    parks.push((bx0, by0, bx1, by1));
                } else {
                    let (nx, ny) = (
                        ((bx1 - bx0) / 0.14).ceil().max(1.0) as usize,
                        ((by1 - by0) / 0.14).ceil().max(1.0) as usize,
                    );
                    for i in 0..nx {
                        for j in 0..ny {
                            if rng.chance(0.8) {
                                let (cw, ch) = ((bx1 - bx0) / nx as f32, (by1 - by0) / ny as f32);
                                let (px, py) = (bx0 + i as f32 * cw, by0 + j as f32 * ch);
                                let pad = 0.012;
                                buildings.push((px + pad, py + pad, px + cw - pad, py + ch - pad));
                            }
                        }
                    }
                }
            }
        }
        Layout {
            roads_v,
            roads_h,
            buildings,
            parks,
            river,
            texture: rng.next_u64(),
        }
    }

    fn river_dist(&self, x: f32, y: f32) -> Option<f32> {
        self.river.map(|(a, b, f, phi, w)| {
            (y - (a + b * (std::f32::consts::TAU * f * x + phi).sin())).abs() - w
        })
    }

    fn road_dist(&self, x: f32, y: f32) -> f32 {
        let v = self.roads_v.iter().map(|&(c, w)| (x - c).abs() - w);
        let h = self.roads_h.iter().map(|&(c, w)| (y - c).abs() - w);
        v.chain(h).fold(f32::MAX, f32::min)
    }
}

fn rect_dist((x0, y0, x1, y1): (f32, f32, f32, f32)) -> impl Fn(f32, f32) -> f32 {
    move |x, y| (x0 - x).max(x - x1).max(y0 - y).max(y - y1)
}

/// Cheap deterministic value noise in [0, 1): constant on cells of 1/`scale`.
fn noise(seed: u64, x: f32, y: f32, scale: f32) -> f32 {
    let (i, j) = ((x * scale) as i64, (y * scale) as i64);
    let mut h = seed
        ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (j as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    h = (h ^ (h >> 31)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    (h >> 40) as f32 / (1u64 << 24) as f32
}

/// The aerial image's texture: [`noise`] averaged over the pixel at (x, y), `px` wide, as a
/// camera's sensor averages what it sees. Where a cell is smaller than half a pixel (a small
/// image), k×k samples over the pixel average it out; point-sampled, the texture would alias
/// into per-pixel white noise that no translation could predict. At sizes where the cells
/// span two pixels or more (256×256) it is one sample, the point value.
fn texture(seed: u64, x: f32, y: f32, scale: f32, px: f32) -> f32 {
    let k = ((scale * px * 2.0).ceil() as usize).clamp(1, 8);
    if k == 1 {
        return noise(seed, x, y, scale);
    }
    let step = px / k as f32;
    let (x0, y0) = (x - px / 2.0 + step / 2.0, y - px / 2.0 + step / 2.0);
    let mut sum = 0.0;
    for i in 0..k {
        for j in 0..k {
            sum += noise(seed, x0 + i as f32 * step, y0 + j as f32 * step, scale);
        }
    }
    sum / (k * k) as f32
}

fn draw_map(canvas: &mut Canvas, l: &Layout) {
    let all = (0.0, 0.0, 1.0, 1.0);
    canvas.fill(all, 1.0, |_, _| -1.0, |_, _| [0.95, 0.94, 0.91]);
    for &p in &l.parks {
        canvas.fill(p, 1.0, rect_dist(p), |_, _| [0.75, 0.93, 0.72]);
    }
    for &b in &l.buildings {
        canvas.fill(b, 1.0, rect_dist(b), |_, _| [0.87, 0.85, 0.82]);
    }
    if l.river.is_some() {
        canvas.fill(
            all,
            1.0,
            |x, y| l.river_dist(x, y).unwrap_or(1.0),
            |_, _| [0.67, 0.83, 0.98],
        );
    }
    canvas.fill(
        all,
        1.0,
        |x, y| l.road_dist(x, y) + 0.006,
        |_, _| [0.75, 0.73, 0.70],
    ); // casing
    canvas.fill(all, 1.0, |x, y| l.road_dist(x, y), |_, _| [1.0, 1.0, 1.0]);
}

fn draw_aerial(canvas: &mut Canvas, l: &Layout) {
    let all = (0.0, 0.0, 1.0, 1.0);
    let t = l.texture;
    let px = canvas.pixel();
    canvas.fill(
        all,
        1.0,
        |_, _| -1.0,
        move |x, y| shade([0.55, 0.52, 0.42], 0.85 + 0.3 * texture(t, x, y, 40.0, px)),
    );
    for &p in &l.parks {
        canvas.fill(p, 1.0, rect_dist(p), move |x, y| {
            let tree = texture(t ^ 1, x, y, 24.0, px);
            shade([0.2, 0.42, 0.18], 0.7 + 0.6 * tree)
        });
    }
    for (k, &b) in l.buildings.iter().enumerate() {
        let roof = [
            [0.55, 0.55, 0.58],
            [0.62, 0.38, 0.30],
            [0.45, 0.45, 0.40],
            [0.70, 0.68, 0.62],
        ][(t as usize + k) % 4];
        let (x0, y0, x1, y1) = b;
        let shadow = (x0 + 0.012, y0 + 0.012, x1 + 0.012, y1 + 0.012);
        canvas.fill(shadow, 0.6, rect_dist(shadow), |_, _| [0.1, 0.1, 0.1]);
        canvas.fill(b, 1.0, rect_dist(b), move |x, y| {
            shade(roof, 0.9 + 0.2 * texture(t ^ 2, x, y, 64.0, px))
        });
    }
    if l.river.is_some() {
        canvas.fill(
            all,
            1.0,
            |x, y| l.river_dist(x, y).unwrap_or(1.0),
            move |x, y| {
                mix(
                    [0.12, 0.25, 0.3],
                    [0.18, 0.32, 0.35],
                    texture(t ^ 3, x, y, 30.0, px),
                )
            },
        );
    }
    canvas.fill(
        all,
        1.0,
        |x, y| l.road_dist(x, y),
        move |x, y| {
            shade(
                [0.32, 0.32, 0.33],
                0.85 + 0.3 * texture(t ^ 4, x, y, 64.0, px),
            )
        },
    );
}

/// Paired maps and aerial images of the same layouts.
#[derive(Debug)]
pub struct MapPairs {
    /// Domain A, flat maps: `[N, 3, size, size]` in [−1, 1].
    pub maps: Tensor,
    /// Domain B, aerial images of the same layouts, in the same order.
    pub aerial: Tensor,
    /// The layouts.
    pub layouts: Vec<Layout>,
}

impl MapPairs {
    /// Number of pairs.
    pub fn len(&self) -> usize {
        self.layouts.len()
    }

    /// Whether there are no pairs.
    pub fn is_empty(&self) -> bool {
        self.layouts.is_empty()
    }

    /// The aerial images of the same layouts drawn with other textures (`seed`): other roof
    /// colours, ground, trees and water, everything the map shows in its place. Scored against
    /// `aerial`, this is what a perfect map → aerial translator that paints its own texture
    /// would get: the ceiling of a sharp translation, where the mean image is the floor.
    pub fn aerial_retextured(&self, seed: u64) -> Tensor {
        let size = self.aerial.size()[3] as usize;
        let layouts: Vec<Layout> = self
            .layouts
            .iter()
            .enumerate()
            .map(|(i, l)| Layout {
                texture: Rng::for_item(seed, i as u64).next_u64(),
                ..l.clone()
            })
            .collect();
        render_batch(self.len(), size, |c, i| draw_aerial(c, &layouts[i]))
    }

    /// The aerial images in a shuffled order (seeded): what unpaired training sees as B.
    pub fn aerial_unpaired(&self, seed: u64) -> Tensor {
        let mut rng = Rng::new(seed);
        let mut order: Vec<i64> = (0..self.len() as i64).collect();
        rng.shuffle(&mut order);
        self.aerial.index_select(0, &Tensor::from_slice(&order))
    }
}

/// Generates `n` map/aerial pairs of `size`×`size`.
pub fn maps(n: usize, size: usize, seed: u64) -> MapPairs {
    let layouts: Vec<Layout> = (0..n)
        .map(|i| Layout::random(&mut Rng::for_item(seed, i as u64)))
        .collect();
    let maps = render_batch(n, size, |c, i| draw_map(c, &layouts[i]));
    let aerial = render_batch(n, size, |c, i| draw_aerial(c, &layouts[i]));
    MapPairs {
        maps,
        aerial,
        layouts,
    }
}

/// Two unlabelled [`Dataset`]s from the built-in pairs: A the maps, B the aerial images. Each
/// is in layout order; draw them with batch streams of different seeds
/// (`data_a.batches(n, 0)`, `data_b.batches(n, 1)`) and the batches are unpaired, as CycleGAN
/// trains; the true pairs stay in `pairs` for scoring (`gankit::metrics::pairs`).
pub fn map_domains(pairs: &MapPairs) -> (Dataset, Dataset) {
    let size = pairs.maps.size()[3];
    let set = |name: &str, x: &Tensor| Dataset {
        name: format!("{name} {size}×{size}"),
        x: x.shallow_clone(),
        labels: None,
        label_names: Vec::new(),
    };
    (
        set("maps", &pairs.maps),
        set("aerial photos", &pairs.aerial),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_share_layouts_and_differ_in_look() {
        let p = maps(8, 32, 3);
        assert_eq!(p.maps.size(), [8, 3, 32, 32]);
        assert_eq!(p.aerial.size(), [8, 3, 32, 32]);
        assert!(maps(8, 32, 3).maps.equal(&p.maps));
        // Road pixels are light on the map and dark on the aerial image.
        let l = &p.layouts[0];
        let (c, _) = l.roads_v[0];
        let (x, y) = (((c * 32.0) as i64).clamp(0, 31), 2i64);
        let map_px = p
            .maps
            .get(0)
            .mean_dim(&[0i64][..], false, tch::Kind::Float)
            .double_value(&[y, x]);
        let aer_px = p
            .aerial
            .get(0)
            .mean_dim(&[0i64][..], false, tch::Kind::Float)
            .double_value(&[y, x]);
        assert!(
            map_px > 0.6 && aer_px < -0.1,
            "map {map_px}, aerial {aer_px}"
        );
        let shuffled = p.aerial_unpaired(1);
        assert!(!shuffled.equal(&p.aerial));
    }

    #[test]
    fn texture_is_the_point_value_at_full_size_and_averages_out_in_small_images() {
        let (seed, scale) = (7, 40.0);
        let (mut point, mut small) = (Vec::new(), Vec::new());
        for k in 0..1024 {
            // The pixel centres of a 32×32 image.
            let (x, y) = (
                (k % 32) as f32 / 32.0 + 1.0 / 64.0,
                (k / 32) as f32 / 32.0 + 1.0 / 64.0,
            );
            assert_eq!(
                texture(seed, x, y, scale, 1.0 / 256.0),
                noise(seed, x, y, scale)
            );
            point.push(noise(seed, x, y, scale));
            small.push(texture(seed, x, y, scale, 1.0 / 32.0));
        }
        let var = |v: &[f32]| {
            let m = v.iter().sum::<f32>() / v.len() as f32;
            v.iter().map(|x| (x - m).powi(2)).sum::<f32>() / v.len() as f32
        };
        // Point samples of uniform noise have variance 1/12; averaged over the 3×3 samples of a
        // pixel 1.25 cells wide, well under half of that.
        assert!((var(&point) - 1.0 / 12.0).abs() < 0.02, "{}", var(&point));
        assert!(
            var(&small) < 0.5 * var(&point),
            "{} vs {}",
            var(&small),
            var(&point)
        );
    }

    #[test]
    fn retextured_aerials_keep_the_layout_and_change_the_texture() {
        let p = maps(32, 32, 5);
        let other = p.aerial_retextured(1);
        assert_eq!(other.size(), p.aerial.size());
        assert!(!other.equal(&p.aerial));
        assert!(other.equal(&p.aerial_retextured(1)));
        let score = |x: &Tensor| crate::metrics::pairs::pair_score(x, &p.aerial).unwrap();
        let mean = p
            .aerial
            .mean_dim(&[0i64][..], true, tch::Kind::Float)
            .expand_as(&p.aerial);
        // The same layout with another texture beats the best fixed image; another layout
        // with its own texture (the next pair's) does not.
        let (same, fixed, wrong) = (
            score(&other),
            score(&mean),
            score(&other.roll(&[1i64][..], &[0i64][..])),
        );
        assert!(same.psnr > fixed.psnr + 1.0, "{same:?} vs mean {fixed:?}");
        assert!(wrong.psnr < fixed.psnr, "{wrong:?} vs mean {fixed:?}");
    }
}
