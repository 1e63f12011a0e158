//! A small, fast, seedable random number generator for the built-in data sets (SplitMix64):
//! the same seed gives the same data on every machine, independent of libtorch's RNG.

/// SplitMix64: 64-bit state, statistically good for data generation, trivially seedable.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (any value, 0 included).
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    /// An independent stream for item `i` of a data set seeded with `seed`, so items can be
    /// generated in parallel and still come out the same.
    pub fn for_item(seed: u64, i: u64) -> Self {
        let mut r = Rng::new(
            seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ i.wrapping_mul(0xD1B5_4A32_D192_ED03),
        );
        r.next_u64();
        r
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }

    /// Uniform in [lo, hi).
    pub fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.uniform()
    }

    /// Uniform integer in [0, n).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f32 {
        let u1 = (self.uniform() as f64).max(1e-12);
        let u2 = self.uniform() as f64;
        ((-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()) as f32
    }

    /// True with probability p.
    pub fn chance(&mut self, p: f32) -> bool {
        self.uniform() < p
    }

    /// Shuffles `items` in place (Fisher–Yates, from the end).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }

    /// An index drawn with probability proportional to `weights` (which must not all be 0).
    pub fn weighted(&mut self, weights: &[f32]) -> usize {
        let total: f32 = weights.iter().sum();
        let mut x = self.uniform() * total;
        for (i, &w) in weights.iter().enumerate() {
            if x < w {
                return i;
            }
            x -= w;
        }
        weights.iter().rposition(|&w| w > 0.0).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_and_normal_have_the_right_moments() {
        let mut r = Rng::new(7);
        let n = 200_000;
        let u: Vec<f32> = (0..n).map(|_| r.uniform()).collect();
        let mean = u.iter().sum::<f32>() / n as f32;
        assert!((mean - 0.5).abs() < 0.005 && u.iter().all(|&x| (0.0..1.0).contains(&x)));
        let z: Vec<f32> = (0..n).map(|_| r.normal()).collect();
        let m = z.iter().sum::<f32>() / n as f32;
        let v = z.iter().map(|x| (x - m) * (x - m)).sum::<f32>() / n as f32;
        assert!(m.abs() < 0.01 && (v - 1.0).abs() < 0.02, "mean {m} var {v}");
        let counts = (0..30_000).fold([0usize; 3], |mut c, _| {
            c[r.weighted(&[1.0, 0.0, 2.0])] += 1;
            c
        });
        assert_eq!(counts[1], 0);
        assert!(
            (counts[2] as f32 / counts[0] as f32 - 2.0).abs() < 0.1,
            "{counts:?}"
        );
    }

    #[test]
    fn item_streams_are_reproducible_and_distinct() {
        assert_eq!(
            Rng::for_item(3, 10).next_u64(),
            Rng::for_item(3, 10).next_u64()
        );
        assert_ne!(
            Rng::for_item(3, 10).next_u64(),
            Rng::for_item(3, 11).next_u64()
        );
        assert_ne!(
            Rng::for_item(3, 10).next_u64(),
            Rng::for_item(4, 10).next_u64()
        );
    }
}
