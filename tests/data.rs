//! The built-in data sets as a user sees them: grids saved under target/test-output/ for a
//! look, and the properties a notebook relies on.
use gankit::data::faces::{face_specs, faces, FaceLabels, FacesConfig, HAIR_COLORS};
use gankit::prelude::*;

fn out_dir() -> std::path::PathBuf {
    let d = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/test-output");
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn faces_grids_are_saved_for_a_look() {
    for size in [64usize, 32] {
        let data = faces(&FacesConfig { n: 64, size, seed: 1, ..Default::default() });
        let grid = ImageGrid::new(&data.x).unwrap().columns(8);
        grid.save(out_dir().join(format!("faces_{size}.png"))).unwrap();
    }
}

#[test]
fn hair_colour_frequencies_follow_the_combination_table() {
    let cfg = FacesConfig { n: 20_000, size: 8, seed: 2, labels: FaceLabels::Tags };
    let specs = face_specs(&cfg);
    let w = gankit::data::faces::combination_weights();
    for h in 0..HAIR_COLORS.len() {
        let want: f32 = w[h].iter().sum();
        let got = specs.iter().filter(|s| s.hair == h).count() as f32 / specs.len() as f32;
        assert!((got - want).abs() < 0.01, "{}: {got} vs {want}", HAIR_COLORS[h]);
    }
    assert!(specs.iter().all(|s| w[s.hair][s.eye] > 0.0), "no face has a combination the table excludes");
}
