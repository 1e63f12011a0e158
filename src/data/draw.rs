//! Drawing for the built-in image data sets: an RGB canvas in unit coordinates, filled
//! through signed distances with analytic anti-aliasing (one evaluation per pixel per shape).

/// An RGB canvas in [0, 1], drawn on in unit coordinates (x right, y down, both in [0, 1]).
pub(crate) struct Canvas {
    size: usize,
    px: Vec<[f32; 3]>,
}

impl Canvas {
    pub(crate) fn new(size: usize) -> Self {
        Canvas {
            size,
            px: vec![[0.0; 3]; size * size],
        }
    }

    /// Blends `color` over the pixels where `dist` (signed distance in unit coordinates,
    /// negative inside) says the shape is, with anti-aliased edges, within the box
    /// [x0, x1] × [y0, y1].
    pub(crate) fn fill(
        &mut self,
        (x0, y0, x1, y1): (f32, f32, f32, f32),
        alpha: f32,
        dist: impl Fn(f32, f32) -> f32,
        color: impl Fn(f32, f32) -> [f32; 3],
    ) {
        let n = self.size as f32;
        let clampi = |v: f32| (v * n).clamp(0.0, n) as usize;
        let (i0, i1, j0, j1) = (
            clampi(x0),
            clampi(x1 + 1.0 / n),
            clampi(y0),
            clampi(y1 + 1.0 / n),
        );
        for j in j0..j1 {
            let y = (j as f32 + 0.5) / n;
            for i in i0..i1 {
                let x = (i as f32 + 0.5) / n;
                let cover = (0.5 - dist(x, y) * n).clamp(0.0, 1.0) * alpha;
                if cover > 0.0 {
                    let c = color(x, y);
                    let p = &mut self.px[j * self.size + i];
                    for k in 0..3 {
                        p[k] += (c[k] - p[k]) * cover;
                    }
                }
            }
        }
    }

    /// The width of one pixel in unit coordinates.
    pub(crate) fn pixel(&self) -> f32 {
        1.0 / self.size as f32
    }

    pub(crate) fn write_chw(&self, out: &mut [f32]) {
        let plane = self.size * self.size;
        for (idx, p) in self.px.iter().enumerate() {
            for k in 0..3 {
                out[k * plane + idx] = p[k].clamp(0.0, 1.0) * 2.0 - 1.0;
            }
        }
    }
}

/// Signed distance (approximate, exact on the boundary) to an axis-aligned ellipse.
pub(crate) fn ellipse(cx: f32, cy: f32, rx: f32, ry: f32) -> impl Fn(f32, f32) -> f32 {
    move |x, y| {
        let (u, v) = ((x - cx) / rx, (y - cy) / ry);
        let k = (u * u + v * v).sqrt();
        if k < 1e-4 {
            return -rx.min(ry);
        }
        let g = ((u / rx).powi(2) + (v / ry).powi(2)).sqrt() / k;
        (k - 1.0) / g
    }
}

pub(crate) fn bbox(cx: f32, cy: f32, rx: f32, ry: f32) -> (f32, f32, f32, f32) {
    (
        cx - rx - 0.02,
        cy - ry - 0.02,
        cx + rx + 0.02,
        cy + ry + 0.02,
    )
}

pub(crate) fn shade(c: [f32; 3], f: f32) -> [f32; 3] {
    [c[0] * f, c[1] * f, c[2] * f]
}

pub(crate) fn mix(a: [f32; 3], b: [f32; 3], t: f32) -> [f32; 3] {
    [
        a[0] + (b[0] - a[0]) * t,
        a[1] + (b[1] - a[1]) * t,
        a[2] + (b[2] - a[2]) * t,
    ]
}

/// Draws `n` images of `size`×`size` in parallel (`draw(canvas, i)` paints item i on a canvas
/// it must fully cover) into a `[n, 3, size, size]` tensor in [−1, 1].
pub(crate) fn render_batch(
    n: usize,
    size: usize,
    draw: impl Fn(&mut Canvas, usize) + Sync,
) -> tch::Tensor {
    let per = 3 * size * size;
    let mut out = vec![0f32; n * per];
    let threads = std::thread::available_parallelism()
        .map(|t| t.get())
        .unwrap_or(1)
        .min(n.max(1));
    let chunk = n.div_ceil(threads).max(1);
    let draw = &draw;
    std::thread::scope(|scope| {
        for (c, out) in out.chunks_mut(chunk * per).enumerate() {
            scope.spawn(move || {
                let mut canvas = Canvas::new(size);
                for (k, o) in out.chunks_mut(per).enumerate() {
                    draw(&mut canvas, c * chunk + k);
                    canvas.write_chw(o);
                }
            });
        }
    });
    super::tensor_from_f32(out, &[n as i64, 3, size as i64, size as i64])
}

/// Signed distance to a convex polygon given counter-clockwise or clockwise (any winding).
pub(crate) fn polygon(points: Vec<(f32, f32)>) -> impl Fn(f32, f32) -> f32 {
    move |x, y| {
        let n = points.len();
        let mut d2 = f32::MAX;
        let mut inside_ccw = true;
        let mut inside_cw = true;
        for i in 0..n {
            let (ax, ay) = points[i];
            let (bx, by) = points[(i + 1) % n];
            let (ex, ey) = (bx - ax, by - ay);
            let (wx, wy) = (x - ax, y - ay);
            let t = ((wx * ex + wy * ey) / (ex * ex + ey * ey)).clamp(0.0, 1.0);
            let (dx, dy) = (wx - ex * t, wy - ey * t);
            d2 = d2.min(dx * dx + dy * dy);
            let cross = ex * wy - ey * wx;
            inside_ccw &= cross >= 0.0;
            inside_cw &= cross <= 0.0;
        }
        let d = d2.sqrt();
        if inside_ccw || inside_cw {
            -d
        } else {
            d
        }
    }
}

/// The bounding box of points, padded by a pixel-ish margin.
pub(crate) fn points_bbox(points: &[(f32, f32)]) -> (f32, f32, f32, f32) {
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for &(x, y) in points {
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    (x0 - 0.02, y0 - 0.02, x1 + 0.02, y1 + 0.02)
}
