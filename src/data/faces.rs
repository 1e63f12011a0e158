//! Built-in anime-style faces: the stand-in for the reports' anime-face data set.
//!
//! Each face has a hair colour from [`HAIR_COLORS`] (12) and an eye colour from [`EYE_COLORS`]
//! (11): the 23 tags of report 003, laid out as 12 hair colours then 11 eye colours
//! ([`FaceLabels::Tags`]). Which (hair, eye) combinations occur is report 001's table: the 119
//! of [`REPORT001_COMBINATIONS`], in its order ([`combinations`], [`FaceLabels::HairEye`]),
//! not equally frequent ([`combination_weights`]). Faces also have a hair style (short, long,
//! twin tails), optional attributes (glasses, blush, smile: for StarGAN-style translation),
//! and jitter in position, scale and shape.
//!
//! # The reports' tag lists and the built-in ones
//!
//! - **Report 001 §2** numbers the (hair, eye) combinations found in its tags 0–118 and prints
//!   the table. Its colours: the same 12 hair colours as here, and 10 eye colours, those
//!   here without gray (no combination in its table has gray eyes); of the 12 × 10 = 120
//!   pairs only purple hair with black eyes is missing. The built-in faces have exactly those
//!   119 combinations, and [`combinations`] (so the one-hot of [`FaceLabels::HairEye`], the
//!   fixed samples of a text-to-image run, and the tag table of its figure) is in the report's
//!   order: class k is the report's tag k, from 0 (aqua hair, aqua eyes) to 118 (purple hair,
//!   purple eyes). The report's order is the order of first appearance in its tag file, not
//!   alphabetical (hair: aqua, gray, green, orange, red, white, then black, blonde, blue,
//!   brown, pink, purple; then three late finds).
//! - **Report 003** conditions on "the 23 tags the TA evaluates" (hair and eye colours) but
//!   does not list them. The built-in 23-tag layout is 12 hair colours then 11 eye colours in
//!   the order of [`HAIR_COLORS`] and [`EYE_COLORS`]; 12 + 11 = 23 needs an eleventh eye
//!   colour beyond report 001's ten, and that is gray. The order within each group is not
//!   from either report (neither prints one); gankit keeps the one it has used since its
//!   first release, so saved report-003 checkpoints keep their meaning.
//! - **What this costs**: the two reports used different data sets, and one built-in set
//!   cannot be both. Following report 001's table, no built-in face has gray eyes, so the
//!   "gray eyes" column of [`FaceLabels::Tags`] is always 0 in the built-in data (a report 003
//!   generator is never shown it; the face evaluator still knows gray eyes, it is trained on
//!   every combination). A tagged folder with gray eyes ([`crate::data::tags`]) still loads:
//!   its faces get their 23-tag rows, but no [`FaceLabels::HairEye`] class (a zero row), as
//!   report 001's one-hot has none for them either.
//!
//! ```no_run
//! use gankit::data::faces::{faces, FaceLabels, FacesConfig};
//! let data = faces(&FacesConfig { n: 4096, size: 32, labels: FaceLabels::Tags, ..Default::default() });
//! ```
//!
//! Faces are drawn with signed distances and analytic anti-aliasing, in parallel, straight
//! into a `[N, 3, size, size]` tensor in [−1, 1].
use super::draw::{bbox, ellipse, mix, render_batch, shade, Canvas};
use super::rng::Rng;
use super::Dataset;
use std::sync::OnceLock;

/// The hair colours (12), the first 12 of the 23 tags in [`FaceLabels::Tags`]; report 001's
/// hair colours too (see the module docs on order).
pub const HAIR_COLORS: [&str; 12] = [
    "orange", "white", "aqua", "gray", "green", "red", "purple", "pink", "blue", "black", "brown",
    "blonde",
];
/// The eye colours (11), the last 11 of the 23 tags in [`FaceLabels::Tags`]; report 001's ten
/// and gray (never drawn in the built-in data: see the module docs).
pub const EYE_COLORS: [&str; 11] = [
    "gray", "black", "orange", "pink", "yellow", "aqua", "purple", "green", "brown", "red", "blue",
];
/// Optional binary attributes (StarGAN's target domains on the built-in faces).
pub const ATTRIBUTES: [&str; 3] = ["glasses", "blush", "smile"];
/// Hair styles.
pub const HAIR_STYLES: [&str; 3] = ["short", "long", "twin tails"];

const HAIR_RGB: [[f32; 3]; 12] = [
    [0.98, 0.55, 0.15], // orange
    [0.95, 0.95, 0.97], // white
    [0.30, 0.85, 0.85], // aqua
    [0.55, 0.55, 0.58], // gray
    [0.25, 0.70, 0.30], // green
    [0.85, 0.12, 0.15], // red
    [0.55, 0.25, 0.75], // purple
    [0.98, 0.55, 0.75], // pink
    [0.20, 0.35, 0.90], // blue
    [0.10, 0.10, 0.12], // black
    [0.45, 0.27, 0.12], // brown
    [0.98, 0.88, 0.40], // blonde
];
const EYE_RGB: [[f32; 3]; 11] = [
    [0.55, 0.57, 0.60], // gray
    [0.12, 0.12, 0.14], // black
    [0.98, 0.55, 0.10], // orange
    [0.98, 0.45, 0.70], // pink
    [0.98, 0.90, 0.15], // yellow
    [0.20, 0.85, 0.90], // aqua
    [0.60, 0.25, 0.85], // purple
    [0.20, 0.75, 0.25], // green
    [0.50, 0.30, 0.12], // brown
    [0.90, 0.10, 0.12], // red
    [0.15, 0.35, 0.95], // blue
];

/// Number of (hair, eye) combinations that occur: report 001 §2's 119.
pub const N_COMBINATIONS: usize = 119;

/// Report 001 §2's table of the (hair, eye) combinations found in its tags, in its order (the
/// classes of its one-hot condition, numbered 0–118 in the report): 12 hair colours × 10 eye
/// colours (no gray eyes) less (purple hair, black eyes); first-appearance order in the
/// report's tag file, so the last three come late.
#[rustfmt::skip]
pub const REPORT001_COMBINATIONS: [(&str, &str); N_COMBINATIONS] = [
    // 0–9
    ("aqua", "aqua"), ("aqua", "black"), ("aqua", "blue"), ("aqua", "brown"), ("aqua", "green"),
    ("aqua", "orange"), ("aqua", "pink"), ("aqua", "purple"), ("aqua", "red"), ("aqua", "yellow"),
    // 10–19
    ("gray", "aqua"), ("gray", "black"), ("gray", "blue"), ("gray", "brown"), ("gray", "green"),
    ("gray", "orange"), ("gray", "pink"), ("gray", "purple"), ("gray", "red"), ("gray", "yellow"),
    // 20–29
    ("green", "aqua"), ("green", "black"), ("green", "blue"), ("green", "brown"),
    ("green", "green"), ("green", "orange"), ("green", "pink"), ("green", "purple"),
    ("green", "red"), ("green", "yellow"),
    // 30–39
    ("orange", "aqua"), ("orange", "black"), ("orange", "blue"), ("orange", "brown"),
    ("orange", "green"), ("orange", "orange"), ("orange", "pink"), ("orange", "purple"),
    ("orange", "red"), ("orange", "yellow"),
    // 40–49
    ("red", "aqua"), ("red", "black"), ("red", "blue"), ("red", "brown"), ("red", "green"),
    ("red", "orange"), ("red", "pink"), ("red", "purple"), ("red", "red"), ("red", "yellow"),
    // 50–59
    ("white", "aqua"), ("white", "black"), ("white", "blue"), ("white", "brown"),
    ("white", "green"), ("white", "orange"), ("white", "pink"), ("white", "purple"),
    ("white", "red"), ("white", "yellow"),
    // 60–68
    ("black", "aqua"), ("black", "blue"), ("black", "brown"), ("black", "green"),
    ("black", "orange"), ("black", "pink"), ("black", "purple"), ("black", "red"),
    ("black", "yellow"),
    // 69–78
    ("blonde", "aqua"), ("blonde", "black"), ("blonde", "blue"), ("blonde", "brown"),
    ("blonde", "green"), ("blonde", "orange"), ("blonde", "pink"), ("blonde", "purple"),
    ("blonde", "red"), ("blonde", "yellow"),
    // 79–87
    ("blue", "aqua"), ("blue", "blue"), ("blue", "brown"), ("blue", "green"), ("blue", "orange"),
    ("blue", "pink"), ("blue", "purple"), ("blue", "red"), ("blue", "yellow"),
    // 88–97
    ("brown", "aqua"), ("brown", "black"), ("brown", "blue"), ("brown", "brown"),
    ("brown", "green"), ("brown", "orange"), ("brown", "pink"), ("brown", "purple"),
    ("brown", "red"), ("brown", "yellow"),
    // 98–107
    ("pink", "aqua"), ("pink", "black"), ("pink", "blue"), ("pink", "brown"), ("pink", "green"),
    ("pink", "orange"), ("pink", "pink"), ("pink", "purple"), ("pink", "red"), ("pink", "yellow"),
    // 108–115
    ("purple", "aqua"), ("purple", "blue"), ("purple", "brown"), ("purple", "green"),
    ("purple", "orange"), ("purple", "pink"), ("purple", "red"), ("purple", "yellow"),
    // 116–118
    ("black", "black"), ("blue", "black"), ("purple", "purple"),
];

/// How often each (hair, eye) combination occurs, `[hair][eye]`, summing to 1. Fixed (part of
/// the data set's definition, not of a seed): uneven popularity of hair and eye colours, and
/// exactly [`REPORT001_COMBINATIONS`] occur (the 13 others, the 12 with gray eyes and purple
/// hair with black eyes, never do).
pub fn combination_weights() -> &'static [[f32; 11]; 12] {
    static W: OnceLock<[[f32; 11]; 12]> = OnceLock::new();
    W.get_or_init(|| {
        let mut rng = Rng::new(0xFACE);
        let mut w = [[0f32; 11]; 12];
        for (h, row) in w.iter_mut().enumerate() {
            let hair_pop = 1.0 / (1.0 + (h as f32 * 7.0) % 12.0 * 0.25); // uneven popularity
            for (e, cell) in row.iter_mut().enumerate() {
                let eye_pop = 1.0 / (1.0 + (e as f32 * 5.0) % 11.0 * 0.2);
                *cell = hair_pop * eye_pop * rng.range(0.5, 1.5);
            }
        }
        let occurs = combinations();
        for (h, row) in w.iter_mut().enumerate() {
            for (e, cell) in row.iter_mut().enumerate() {
                if !occurs.contains(&(h, e)) {
                    *cell = 0.0;
                }
            }
        }
        let total: f32 = w.iter().flatten().sum();
        w.iter_mut().flatten().for_each(|x| *x /= total);
        w
    })
}

/// The (hair, eye) combinations that occur as indices into [`HAIR_COLORS`] and
/// [`EYE_COLORS`], in report 001's order ([`REPORT001_COMBINATIONS`]): the classes of its
/// one-hot condition, so class k here is the report's tag k.
pub fn combinations() -> Vec<(usize, usize)> {
    static C: OnceLock<Vec<(usize, usize)>> = OnceLock::new();
    C.get_or_init(|| {
        let index = |list: &[&str], c: &str| {
            list.iter()
                .position(|x| *x == c)
                .expect("report 001's colours are among the built-in ones")
        };
        REPORT001_COMBINATIONS
            .iter()
            .map(|&(h, e)| (index(&HAIR_COLORS, h), index(&EYE_COLORS, e)))
            .collect()
    })
    .clone()
}

/// Everything that decides one face.
#[derive(Debug, Clone, PartialEq)]
pub struct FaceSpec {
    /// Index into [`HAIR_COLORS`].
    pub hair: usize,
    /// Index into [`EYE_COLORS`].
    pub eye: usize,
    /// Index into [`HAIR_STYLES`].
    pub style: usize,
    pub glasses: bool,
    pub blush: bool,
    pub smile: bool,
    /// Jitter: centre, scale, head shape, skin, background, clothes, fringe.
    geometry: [f32; 12],
}

impl FaceSpec {
    /// A random face: (hair, eye) drawn from [`combination_weights`], attributes with
    /// probability 0.3 each.
    pub fn random(rng: &mut Rng) -> Self {
        let w = combination_weights();
        let flat: Vec<f32> = w.iter().flatten().copied().collect();
        let k = rng.weighted(&flat);
        Self::with_colors(k / 11, k % 11, rng)
    }

    /// A random face with the given hair and eye colour (any combination, also ones the data
    /// set never has: what a conditional generator is asked for).
    pub fn with_colors(hair: usize, eye: usize, rng: &mut Rng) -> Self {
        let mut geometry = [0f32; 12];
        for g in geometry.iter_mut() {
            *g = rng.uniform();
        }
        FaceSpec {
            hair: hair.min(11),
            eye: eye.min(10),
            style: rng.below(3),
            glasses: rng.chance(0.3),
            blush: rng.chance(0.3),
            smile: rng.chance(0.3),
            geometry,
        }
    }

    /// The attribute flags in [`ATTRIBUTES`] order.
    pub fn attributes(&self) -> [bool; 3] {
        [self.glasses, self.blush, self.smile]
    }

    /// What the labels of this face are made from.
    pub fn tags(&self) -> FaceTags {
        FaceTags {
            hair: self.hair,
            eye: self.eye,
            attributes: self.attributes(),
        }
    }
}

/// The labelled facts of a face (generated or loaded from a tagged folder).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaceTags {
    /// Index into [`HAIR_COLORS`].
    pub hair: usize,
    /// Index into [`EYE_COLORS`].
    pub eye: usize,
    /// [`ATTRIBUTES`] flags.
    pub attributes: [bool; 3],
}

/// Which labels a face data set carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FaceLabels {
    /// No labels (unconditional GANs).
    #[default]
    None,
    /// One-hot over the 119 (hair, eye) combinations of report 001's table, in its order
    /// ([`combinations`]; report 001's text-to-image). A face whose combination is not in the
    /// table (only possible for loaded folders) gets a zero row.
    HairEye,
    /// Multi-hot over the 23 tags: 12 hair colours then 11 eye colours (report 003).
    Tags,
    /// The 3 binary attributes (StarGAN).
    Attributes,
}

/// Settings of the built-in faces.
#[derive(Debug, Clone, PartialEq)]
pub struct FacesConfig {
    /// Number of faces.
    pub n: usize,
    /// Width and height in pixels (32 for quick CPU runs, 64 for the reports' scale).
    pub size: usize,
    /// The same seed gives the same faces.
    pub seed: u64,
    /// Which labels to attach.
    pub labels: FaceLabels,
}

impl Default for FacesConfig {
    fn default() -> Self {
        FacesConfig {
            n: 10_000,
            size: 32,
            seed: 0,
            labels: FaceLabels::None,
        }
    }
}

/// The specs of the faces [`faces`] draws for `cfg` (cheap: no drawing).
pub fn face_specs(cfg: &FacesConfig) -> Vec<FaceSpec> {
    (0..cfg.n)
        .map(|i| FaceSpec::random(&mut Rng::for_item(cfg.seed, i as u64)))
        .collect()
}

/// Generates the built-in face data set.
pub fn faces(cfg: &FacesConfig) -> Dataset {
    let specs = face_specs(cfg);
    let x = render_faces(&specs, cfg.size, cfg.seed);
    let tags: Vec<FaceTags> = specs.iter().map(FaceSpec::tags).collect();
    let (labels, label_names) = face_labels(&tags, cfg.labels);
    Dataset {
        name: format!("built-in faces {}×{}", cfg.size, cfg.size),
        x,
        labels,
        label_names,
    }
}

/// Label tensor and column names for faces with these tags.
pub fn face_labels(specs: &[FaceTags], kind: FaceLabels) -> (Option<tch::Tensor>, Vec<String>) {
    type Hot = Box<dyn Fn(&FaceTags) -> Vec<usize>>;
    let (k, names, hot): (usize, Vec<String>, Hot) = match kind {
        FaceLabels::None => return (None, Vec::new()),
        FaceLabels::HairEye => {
            let combos = combinations();
            let names = combos
                .iter()
                .map(|&(h, e)| format!("{} hair {} eyes", HAIR_COLORS[h], EYE_COLORS[e]))
                .collect();
            let index = move |s: &FaceTags| {
                combos
                    .iter()
                    .position(|&c| c == (s.hair, s.eye))
                    .into_iter()
                    .collect()
            };
            (N_COMBINATIONS, names, Box::new(index))
        }
        FaceLabels::Tags => {
            let names = HAIR_COLORS
                .iter()
                .map(|c| format!("{c} hair"))
                .chain(EYE_COLORS.iter().map(|c| format!("{c} eyes")))
                .collect();
            (23, names, Box::new(|s: &FaceTags| vec![s.hair, 12 + s.eye]))
        }
        FaceLabels::Attributes => {
            let names = ATTRIBUTES.iter().map(|s| s.to_string()).collect();
            (
                3,
                names,
                Box::new(|s: &FaceTags| (0..3).filter(|&a| s.attributes[a]).collect()),
            )
        }
    };
    let rows: Vec<Vec<usize>> = specs.iter().map(hot).collect();
    (Some(super::multi_hot(&rows, k)), names)
}

/// Draws faces into a `[N, 3, size, size]` tensor in [−1, 1], in parallel. `seed` only varies
/// the fringe's fine detail; the spec decides everything else.
pub fn render_faces(specs: &[FaceSpec], size: usize, seed: u64) -> tch::Tensor {
    render_batch(specs.len(), size, |canvas, i| {
        draw_face(canvas, &specs[i], seed, true)
    })
}

/// The same heads without their features: background, hair, body, neck and face as smooth
/// colour blobs, the fringe without its zig-zag, and no eyes, mouth, blush or glasses. What an
/// early generator draws (a head-shaped blob): negatives for a judge of faces, which should
/// not call these faces.
pub fn render_featureless_heads(specs: &[FaceSpec], size: usize, seed: u64) -> tch::Tensor {
    render_batch(specs.len(), size, |canvas, i| {
        draw_face(canvas, &specs[i], seed, false)
    })
}

/// Draws one face; without `features`, only the blobs (see [`render_featureless_heads`]).
fn draw_face(canvas: &mut Canvas, s: &FaceSpec, seed: u64, features: bool) {
    let g = &s.geometry;
    let scale = 0.9 + 0.18 * g[0];
    let (cx, cy) = (0.5 + (g[1] - 0.5) * 0.08, 0.55 + (g[2] - 0.5) * 0.06);
    let (rx, ry) = (
        0.25 * scale * (0.92 + 0.14 * g[3]),
        0.29 * scale * (0.95 + 0.1 * g[4]),
    );
    let hair = HAIR_RGB[s.hair];
    let eye = EYE_RGB[s.eye];
    let skin = mix([1.0, 0.89, 0.80], [0.93, 0.76, 0.64], g[5]);
    let bg = mix([0.75, 0.85, 0.95], [0.97, 0.90, 0.75], g[6]);
    let bg2 = mix(bg, [1.0, 1.0, 1.0], 0.4);
    let clothes = mix([0.25, 0.30, 0.55], [0.80, 0.35, 0.35], g[7]);
    let hair_at = move |_x: f32, y: f32| {
        shade(
            hair,
            1.05 - 0.25 * ((y - (cy - ry)) / (2.0 * ry)).clamp(0.0, 1.0),
        )
    };

    // Background: a soft vertical gradient.
    canvas.fill(
        (0.0, 0.0, 1.0, 1.0),
        1.0,
        |_, _| -1.0,
        |_, y| mix(bg2, bg, y),
    );
    // Hair behind the head.
    match s.style {
        1 => {
            let (hx, hy) = (rx * 1.28, ry * 1.55);
            canvas.fill(
                bbox(cx, cy + 0.12, hx, hy),
                1.0,
                ellipse(cx, cy + 0.12, hx, hy),
                hair_at,
            );
        }
        _ => {
            let (hx, hy) = (rx * 1.16, ry * 1.1);
            canvas.fill(
                bbox(cx, cy - 0.03, hx, hy),
                1.0,
                ellipse(cx, cy - 0.03, hx, hy),
                hair_at,
            );
        }
    }
    if s.style == 2 {
        for side in [-1.0f32, 1.0] {
            let (tx, ty) = (cx + side * rx * 1.25, cy + ry * 0.55);
            canvas.fill(
                bbox(tx, ty, rx * 0.38, ry * 0.8),
                1.0,
                ellipse(tx, ty, rx * 0.38, ry * 0.8),
                hair_at,
            );
        }
    }
    // Body and neck.
    canvas.fill(
        bbox(cx, 1.1, 0.42, 0.24),
        1.0,
        ellipse(cx, 1.1, 0.42, 0.24),
        |_, _| clothes,
    );
    let (nx, ny0) = (rx * 0.32, cy + ry * 0.6);
    canvas.fill(
        (cx - nx, ny0, cx + nx, 0.9),
        1.0,
        move |x, y| ((x - cx).abs() - nx).max(ny0 - y),
        |_, _| shade(skin, 0.9),
    );
    // Face.
    canvas.fill(
        bbox(cx, cy, rx, ry),
        1.0,
        ellipse(cx, cy, rx, ry),
        |_, y| shade(skin, 1.0 - 0.06 * ((y - cy) / ry).max(0.0)),
    );
    // Fringe: hair over the forehead with a zig-zag lower edge.
    let period = rx * (0.42 + 0.2 * g[8]);
    let phase = g[9] + (seed % 7) as f32 * 0.01;
    let base = cy - ry * (0.42 + 0.12 * g[10]);
    let amp = if features { ry * 0.22 } else { 0.0 };
    let head = ellipse(cx, cy - 0.01, rx * 1.04, ry * 1.03);
    canvas.fill(
        bbox(cx, cy, rx * 1.05, ry * 1.05),
        1.0,
        move |x, y| {
            let t = ((x - cx) / period + phase).rem_euclid(1.0);
            let edge = base + amp * (1.0 - (2.0 * t - 1.0).abs());
            head(x, y).max(y - edge)
        },
        hair_at,
    );
    if !features {
        return;
    }
    // Cheeks.
    let (ex, ey) = (rx * 0.46, cy + ry * 0.1);
    let (erx, ery) = (0.068 * scale, 0.085 * scale);
    if s.blush {
        for side in [-1.0f32, 1.0] {
            let (bx, by) = (cx + side * ex * 1.05, ey + ery * 1.5);
            canvas.fill(
                bbox(bx, by, erx, ery * 0.4),
                0.55,
                ellipse(bx, by, erx, ery * 0.4),
                |_, _| [0.98, 0.45, 0.5],
            );
        }
    }
    // Eyes: white, iris darker at the top, pupil, highlight, upper lid.
    for side in [-1.0f32, 1.0] {
        let x = cx + side * ex;
        canvas.fill(
            bbox(x, ey, erx, ery),
            1.0,
            ellipse(x, ey, erx, ery),
            |_, _| [0.98, 0.98, 1.0],
        );
        let (irx, iry) = (erx * 0.78, ery * 0.9);
        canvas.fill(
            bbox(x, ey + ery * 0.08, irx, iry),
            1.0,
            ellipse(x, ey + ery * 0.08, irx, iry),
            move |_, y| {
                shade(
                    eye,
                    0.55 + 0.45 * ((y - (ey - iry)) / (2.0 * iry)).clamp(0.0, 1.0),
                )
            },
        );
        canvas.fill(
            bbox(x, ey + ery * 0.12, irx * 0.45, iry * 0.5),
            1.0,
            ellipse(x, ey + ery * 0.12, irx * 0.45, iry * 0.5),
            |_, _| shade(eye, 0.25),
        );
        let (hx, hy) = (x - side * irx * 0.35, ey - iry * 0.35);
        canvas.fill(
            bbox(hx, hy, irx * 0.3, irx * 0.3),
            1.0,
            ellipse(hx, hy, irx * 0.3, irx * 0.3),
            |_, _| [1.0, 1.0, 1.0],
        );
        let lid = ellipse(x, ey - ery * 0.9, erx * 1.15, ery * 0.22);
        canvas.fill(
            bbox(x, ey - ery * 0.9, erx * 1.15, ery * 0.22),
            1.0,
            lid,
            |_, _| [0.12, 0.08, 0.08],
        );
        if s.glasses {
            let ring = ellipse(x, ey, erx * 1.45, ery * 1.3);
            canvas.fill(
                bbox(x, ey, erx * 1.45, ery * 1.3),
                1.0,
                move |px, py| ring(px, py).abs() - 0.011,
                |_, _| [0.15, 0.15, 0.2],
            );
        }
    }
    if s.glasses {
        let (bx0, bx1) = (cx - ex + erx * 1.45, cx + ex - erx * 1.45);
        canvas.fill(
            (bx0, ey - 0.02, bx1, ey),
            1.0,
            move |x, y| (x - bx1).max(bx0 - x).max((y - (ey - 0.012)).abs() - 0.007),
            |_, _| [0.15, 0.15, 0.2],
        );
    }
    // Mouth: a small mark, or a smiling arc.
    let my = cy + ry * 0.58;
    if s.smile {
        let r = 0.05 * scale;
        let ring = ellipse(cx, my - r * 0.6, r, r * 0.8);
        canvas.fill(
            bbox(cx, my, r, r),
            1.0,
            move |x, y| (ring(x, y).abs() - 0.008).max(my - r * 0.4 - y),
            |_, _| [0.6, 0.15, 0.2],
        );
    } else {
        canvas.fill(
            bbox(cx, my, 0.03, 0.01),
            1.0,
            ellipse(cx, my, 0.028 * scale, 0.008),
            |_, _| [0.6, 0.2, 0.22],
        );
    }
    let _ = g[11];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combination_table_matches_the_real_set() {
        let w = combination_weights();
        assert_eq!(
            w.iter().flatten().filter(|&&x| x > 0.0).count(),
            N_COMBINATIONS
        );
        assert!((w.iter().flatten().sum::<f32>() - 1.0).abs() < 1e-5);
        let nonzero: Vec<f32> = w.iter().flatten().copied().filter(|&x| x > 0.0).collect();
        let (lo, hi) = nonzero
            .iter()
            .fold((1f32, 0f32), |(l, h), &x| (l.min(x), h.max(x)));
        assert!(
            hi / lo > 5.0,
            "combinations are far from equally frequent ({lo} … {hi})"
        );
        assert_eq!(combinations().len(), N_COMBINATIONS);
    }

    #[test]
    fn combinations_are_report_001s_table_in_its_order() {
        let c = combinations();
        let name = |k: usize| (HAIR_COLORS[c[k].0], EYE_COLORS[c[k].1]);
        // Rows of the report's table (tag number: (hair, eyes)).
        for (k, want) in [
            (0, ("aqua", "aqua")),
            (9, ("aqua", "yellow")),
            (10, ("gray", "aqua")),
            (23, ("green", "brown")),
            (36, ("orange", "pink")),
            (50, ("white", "aqua")),
            (59, ("white", "yellow")),
            (60, ("black", "aqua")),
            (61, ("black", "blue")),
            (69, ("blonde", "aqua")),
            (72, ("blonde", "brown")),
            (79, ("blue", "aqua")),
            (80, ("blue", "blue")),
            (95, ("brown", "purple")),
            (107, ("pink", "yellow")),
            (108, ("purple", "aqua")),
            (115, ("purple", "yellow")),
            (116, ("black", "black")),
            (117, ("blue", "black")),
            (118, ("purple", "purple")),
        ] {
            assert_eq!(name(k), want, "tag {k}");
        }
        let mut distinct = c.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), N_COMBINATIONS);
        // 12 hair colours × report 001's 10 eye colours (no gray), less purple/black.
        let gray = EYE_COLORS.iter().position(|&e| e == "gray").unwrap();
        assert!(c.iter().all(|&(_, e)| e != gray));
        assert!(!c.contains(&(6, 1)), "purple hair, black eyes");
        assert_eq!((HAIR_COLORS[6], EYE_COLORS[1]), ("purple", "black"));
        let w = combination_weights();
        for (h, row) in w.iter().enumerate() {
            for (e, weight) in row.iter().enumerate() {
                assert_eq!(*weight > 0.0, c.contains(&(h, e)), "({h}, {e})");
            }
        }
    }

    fn tags_of(specs: &[FaceSpec]) -> Vec<FaceTags> {
        specs.iter().map(FaceSpec::tags).collect()
    }

    #[test]
    fn labels_have_the_documented_layout() {
        let cfg = FacesConfig {
            n: 50,
            size: 8,
            seed: 3,
            labels: FaceLabels::Tags,
        };
        let specs = face_specs(&cfg);
        let (tags, names) = face_labels(&tags_of(&specs), FaceLabels::Tags);
        let tags = tags.unwrap();
        assert_eq!(tags.size(), [50, 23]);
        assert_eq!(names[0], "orange hair");
        assert_eq!(names[12], "gray eyes");
        let row = Vec::<f32>::try_from(tags.get(0)).unwrap();
        assert_eq!(row[specs[0].hair], 1.0);
        assert_eq!(row[12 + specs[0].eye], 1.0);
        assert_eq!(row.iter().sum::<f32>(), 2.0);
        let (one_hot, names) = face_labels(&tags_of(&specs), FaceLabels::HairEye);
        let one_hot = one_hot.unwrap();
        assert_eq!(one_hot.size(), [50, N_COMBINATIONS as i64]);
        assert_eq!(
            Vec::<f32>::try_from(one_hot.sum_dim_intlist(1, false, tch::Kind::Float)).unwrap(),
            vec![1.0; 50]
        );
        let k = Vec::<f32>::try_from(one_hot.get(0))
            .unwrap()
            .iter()
            .position(|&x| x == 1.0)
            .unwrap();
        assert_eq!(
            names[k],
            format!(
                "{} hair {} eyes",
                HAIR_COLORS[specs[0].hair], EYE_COLORS[specs[0].eye]
            )
        );
    }

    #[test]
    fn same_seed_same_faces_and_hair_colour_shows() {
        let cfg = FacesConfig {
            n: 16,
            size: 32,
            seed: 5,
            ..Default::default()
        };
        let a = faces(&cfg);
        let b = faces(&cfg);
        assert!(a.x.equal(&b.x));
        assert_eq!(a.x.size(), [16, 3, 32, 32]);
        assert!(a.x.min().double_value(&[]) >= -1.0 && a.x.max().double_value(&[]) <= 1.0);
        let c = faces(&FacesConfig {
            seed: 6,
            ..cfg.clone()
        });
        assert!(!a.x.equal(&c.x));
        // The top centre of the head (the fringe) has the hair colour.
        let specs = face_specs(&cfg);
        for (i, s) in specs.iter().enumerate() {
            let px =
                Vec::<f32>::try_from(a.x.get(i as i64).narrow(1, 9, 3).narrow(2, 14, 4).mean_dim(
                    &[1i64, 2][..],
                    false,
                    tch::Kind::Float,
                ))
                .unwrap();
            let want = HAIR_RGB[s.hair];
            let got: Vec<f32> = px.iter().map(|v| (v + 1.0) / 2.0).collect();
            let err = (0..3)
                .map(|k| (got[k] - want[k]).abs())
                .fold(0f32, f32::max);
            assert!(
                err < 0.3,
                "face {i}: fringe {got:?} vs hair {:?} ({})",
                want,
                HAIR_COLORS[s.hair]
            );
        }
    }
}
