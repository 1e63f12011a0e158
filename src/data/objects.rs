//! Built-in objects: the stand-in for i-CLEVR (report 004). Scenes of 1–3 objects on a grey
//! floor, each one of 3 shapes (cube, sphere, cylinder) in one of 8 colours: 24 classes,
//! multi-label. A fixed list of test conditions (like i-CLEVR's test.json) is what a
//! conditional generator is scored on.
use super::draw::{mix, points_bbox, polygon, render_batch, shade, Canvas};
use super::rng::Rng;
use super::Dataset;

/// The shapes, in i-CLEVR's order.
pub const SHAPES: [&str; 3] = ["cube", "sphere", "cylinder"];
/// The colours, in i-CLEVR's order.
pub const COLORS: [&str; 8] = [
    "gray", "red", "blue", "green", "brown", "purple", "cyan", "yellow",
];
const RGB: [[f32; 3]; 8] = [
    [0.50, 0.50, 0.50],
    [0.80, 0.15, 0.15],
    [0.16, 0.30, 0.85],
    [0.15, 0.65, 0.20],
    [0.52, 0.33, 0.16],
    [0.55, 0.22, 0.70],
    [0.15, 0.80, 0.80],
    [0.92, 0.85, 0.15],
];
/// Number of classes: 3 shapes × 8 colours.
pub const N_CLASSES: usize = 24;

/// The name of class `k` ("gray cube", …): colour `k % 8`, shape `k / 8`.
pub fn class_name(k: usize) -> String {
    format!("{} {}", COLORS[k % 8], SHAPES[k / 8])
}

/// One object in a scene.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Object {
    /// Class index (see [`class_name`]).
    pub class: usize,
    /// Centre in unit coordinates.
    pub x: f32,
    pub y: f32,
    /// Half-size in unit coordinates.
    pub r: f32,
}

/// A scene: its objects, back to front.
#[derive(Debug, Clone, PartialEq)]
pub struct Scene {
    pub objects: Vec<Object>,
}

impl Scene {
    /// A scene with the given classes (distinct), placed at random without overlap.
    pub fn with_classes(classes: &[usize], rng: &mut Rng) -> Scene {
        let mut objects: Vec<Object> = Vec::new();
        for &class in classes {
            let mut placed = None;
            for _ in 0..200 {
                let r = rng.range(0.09, 0.14);
                let (x, y) = (rng.range(0.15, 0.85), rng.range(0.35, 0.85));
                if objects
                    .iter()
                    .all(|o| (o.x - x).hypot(o.y - y) > (o.r + r) * 1.15)
                {
                    placed = Some(Object { class, x, y, r });
                    break;
                }
            }
            objects.push(placed.unwrap_or(Object {
                class,
                x: rng.range(0.2, 0.8),
                y: rng.range(0.4, 0.8),
                r: 0.09,
            }));
        }
        objects.sort_by(|a, b| a.y.total_cmp(&b.y)); // farther (higher) objects first
        Scene { objects }
    }

    /// A random scene of 1–3 distinct classes.
    pub fn random(rng: &mut Rng) -> Scene {
        let n = 1 + rng.below(3);
        let mut classes = Vec::new();
        while classes.len() < n {
            let c = rng.below(N_CLASSES);
            if !classes.contains(&c) {
                classes.push(c);
            }
        }
        Scene::with_classes(&classes, rng)
    }

    /// The classes in the scene.
    pub fn classes(&self) -> Vec<usize> {
        self.objects.iter().map(|o| o.class).collect()
    }
}

/// The fixed test conditions (32 lists of 1–3 classes, like i-CLEVR's test.json).
pub fn test_conditions() -> Vec<Vec<usize>> {
    let mut rng = Rng::new(0x1C1E);
    (0..32).map(|_| Scene::random(&mut rng).classes()).collect()
}

/// Multi-hot `[N, 24]` labels for lists of classes.
pub fn multi_hot(conditions: &[Vec<usize>]) -> tch::Tensor {
    super::multi_hot(conditions, N_CLASSES)
}

/// The scenes [`objects`] draws for `n` and `seed`.
pub fn object_scenes(n: usize, seed: u64) -> Vec<Scene> {
    (0..n)
        .map(|i| Scene::random(&mut Rng::for_item(seed, i as u64)))
        .collect()
}

/// Generates the built-in objects data set: `[n, 3, size, size]` scenes with multi-hot labels.
pub fn objects(n: usize, size: usize, seed: u64) -> Dataset {
    let scenes = object_scenes(n, seed);
    let x = render_scenes(&scenes, size);
    let classes: Vec<Vec<usize>> = scenes.iter().map(Scene::classes).collect();
    Dataset {
        name: format!("built-in objects {size}×{size}"),
        x,
        labels: Some(multi_hot(&classes)),
        label_names: (0..N_CLASSES).map(class_name).collect(),
    }
}

/// Draws scenes into a `[N, 3, size, size]` tensor in [−1, 1].
pub fn render_scenes(scenes: &[Scene], size: usize) -> tch::Tensor {
    render_batch(scenes.len(), size, |canvas, i| {
        draw_scene(canvas, &scenes[i])
    })
}

fn draw_scene(canvas: &mut Canvas, scene: &Scene) {
    canvas.fill(
        (0.0, 0.0, 1.0, 1.0),
        1.0,
        |_, _| -1.0,
        |_, y| mix([0.62, 0.62, 0.64], [0.48, 0.48, 0.5], y),
    );
    for o in &scene.objects {
        let c = RGB[o.class % 8];
        let (x, y, r) = (o.x, o.y, o.r);
        // Soft shadow on the floor.
        let sh = |px: f32, py: f32| {
            ((px - x - r * 0.35) / (r * 1.1)).hypot((py - y - r * 0.9) / (r * 0.35)) - 1.0
        };
        canvas.fill(
            (x - r * 1.2, y, x + r * 1.6, y + r * 1.4),
            0.35,
            move |px, py| sh(px, py) * r * 0.35,
            |_, _| [0.2, 0.2, 0.22],
        );
        match o.class / 8 {
            0 => {
                // Cube: front face, lighter top face, darker side face (an oblique view).
                let (s, d) = (r * 0.75, r * 0.45);
                let (l, rt, top, bot) = (x - s, x + s - d * 0.5, y - s + d * 0.5, y + s);
                let faces = [
                    (
                        vec![(l, top), (rt, top), (rt, bot), (l, bot)],
                        shade(c, 0.85),
                    ),
                    (
                        vec![(l, top), (l + d, top - d), (rt + d, top - d), (rt, top)],
                        mix(c, [1.0, 1.0, 1.0], 0.3),
                    ),
                    (
                        vec![(rt, top), (rt + d, top - d), (rt + d, bot - d), (rt, bot)],
                        shade(c, 0.6),
                    ),
                ];
                for (pts, col) in faces {
                    canvas.fill(points_bbox(&pts), 1.0, polygon(pts), move |_, _| col);
                }
            }
            1 => {
                // Sphere: shaded disc with a highlight.
                let disc = move |px: f32, py: f32| (px - x).hypot(py - y) - r;
                canvas.fill((x - r, y - r, x + r, y + r), 1.0, disc, move |px, py| {
                    let l =
                        1.0 - ((px - x + r * 0.35).hypot(py - y + r * 0.35) / (1.6 * r)).min(1.0);
                    mix(shade(c, 0.55), mix(c, [1.0, 1.0, 1.0], 0.5), l)
                });
            }
            _ => {
                // Cylinder: body, darker towards the edges, and a lighter elliptic top.
                let (w, h) = (r * 0.8, r * 0.75);
                let body = move |px: f32, py: f32| {
                    let rect = ((px - x).abs() - w).max((py - y).abs() - h);
                    let bottom = ((px - x) / w).hypot((py - y - h) / (w * 0.35)) - 1.0;
                    rect.min(bottom * w * 0.35)
                };
                canvas.fill(
                    (x - r, y - r, x + r, y + r * 1.2),
                    1.0,
                    body,
                    move |px, _| shade(c, 0.95 - 0.4 * ((px - x) / w).abs().min(1.0)),
                );
                let top = move |px: f32, py: f32| {
                    (((px - x) / w).hypot((py - y + h) / (w * 0.35)) - 1.0) * w * 0.35
                };
                canvas.fill(
                    (x - r, y - h - r * 0.4, x + r, y - h + r * 0.4),
                    1.0,
                    top,
                    move |_, _| mix(c, [1.0, 1.0, 1.0], 0.3),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenes_have_one_to_three_distinct_classes_and_labels_match() {
        let scenes = object_scenes(300, 4);
        for s in &scenes {
            let c = s.classes();
            assert!((1..=3).contains(&c.len()));
            let mut d = c.clone();
            d.sort();
            d.dedup();
            assert_eq!(d.len(), c.len());
        }
        let data = objects(20, 32, 4);
        assert_eq!(data.x.size(), [20, 3, 32, 32]);
        let labels = data.labels.unwrap();
        let scenes = object_scenes(20, 4);
        for (i, s) in scenes.iter().enumerate() {
            let row = Vec::<f32>::try_from(labels.get(i as i64)).unwrap();
            assert_eq!(row.iter().sum::<f32>() as usize, s.objects.len());
            assert!(s.classes().iter().all(|&k| row[k] == 1.0));
        }
        assert_eq!(class_name(0), "gray cube");
        assert_eq!(class_name(23), "yellow cylinder");
        assert_eq!(test_conditions().len(), 32);
        assert_eq!(test_conditions(), test_conditions());
    }
}
