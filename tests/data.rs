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

mod loaders {
    use gankit::data::faces::{face_specs, FaceLabels, FacesConfig};
    use gankit::data::folder::{load_image_folder, CACHE_VAR};
    use gankit::data::tags::{load_tagged_faces, write_tagged_faces};
    use std::path::{Path, PathBuf};

    fn scratch(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("gankit-data-test-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    fn listing(dir: &Path) -> Vec<(PathBuf, u64)> {
        let mut v: Vec<_> = walk(dir).into_iter().map(|p| {
            let len = std::fs::metadata(&p).unwrap().len();
            (p, len)
        }).collect();
        v.sort();
        v
    }

    fn walk(dir: &Path) -> Vec<PathBuf> {
        std::fs::read_dir(dir).unwrap().flatten().flat_map(|e| {
            let p = e.path();
            if p.is_dir() { walk(&p) } else { vec![p] }
        }).collect()
    }

    fn with_cache_in<T>(dir: &Path, f: impl FnOnce() -> T) -> T {
        std::env::set_var(CACHE_VAR, dir);
        f()
    }

    #[test]
    fn tagged_faces_round_trip_through_files_with_broken_ones_skipped() {
        let root = scratch("tagged");
        let cfg = FacesConfig { n: 40, size: 48, seed: 9, ..Default::default() };
        write_tagged_faces(&cfg, &root).unwrap();
        let specs = face_specs(&cfg);
        // Break two images: garbage bytes, and an empty file.
        std::fs::write(root.join("images/3.jpg"), b"this is not a jpeg").unwrap();
        std::fs::write(root.join("images/17.jpg"), b"").unwrap();
        let before = listing(&root);
        let cache = scratch("tagged-cache");
        let data = with_cache_in(&cache, || load_tagged_faces(&root, 32, FaceLabels::Tags, true)).unwrap();
        assert_eq!(listing(&root), before, "the loader never writes into the data folder");
        assert_eq!(data.x.size(), [38, 3, 32, 32]);
        let labels = data.labels.unwrap();
        // Labels stay aligned with the images that were kept (3 and 17 are gone).
        let kept: Vec<usize> = (0..40).filter(|i| *i != 3 && *i != 17).collect();
        for (row, &i) in kept.iter().enumerate() {
            let v = Vec::<f32>::try_from(labels.get(row as i64)).unwrap();
            assert_eq!(v[specs[i].hair], 1.0, "face {i}: hair");
            assert_eq!(v[12 + specs[i].eye], 1.0, "face {i}: eye");
        }
        // A second load comes from the cache and is identical.
        let again = with_cache_in(&cache, || load_image_folder(root.join("images"), 32, true)).unwrap();
        let first = with_cache_in(&cache, || load_image_folder(root.join("images"), 32, true)).unwrap();
        assert!(first.from_cache && first.images.equal(&again.images));
        assert_eq!(first.skipped.len(), 2);
        std::fs::remove_dir_all(&root).unwrap();
        let _ = std::fs::remove_dir_all(&cache);
    }

    #[test]
    fn bad_tag_lines_name_the_file_and_line() {
        let root = scratch("badtags");
        write_tagged_faces(&FacesConfig { n: 5, size: 16, ..Default::default() }, &root).unwrap();
        let tags = root.join("tags.csv");
        let good = std::fs::read_to_string(&tags).unwrap();
        for (line, want) in [
            ("3,purple hair\n", "tags.csv:4: expected `<colour> hair <colour> eyes` after the id"),
            ("3,silver hair red eyes\n", "tags.csv:4: unknown hair colour \"silver\""),
            ("no comma here\n", "tags.csv:4: expected `id,<colour> hair <colour> eyes`"),
            ("9,red hair red eyes\n", "tags.csv:4: no image"),
        ] {
            let mut lines: Vec<&str> = good.lines().collect();
            lines[3] = line.trim_end();
            std::fs::write(&tags, lines.join("\n")).unwrap();
            let e = load_tagged_faces(&root, 16, FaceLabels::Tags, false).unwrap_err().to_string();
            assert!(e.contains(want), "{e}\n  should contain: {want}");
        }
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn missing_empty_and_unreadable_folders_fail_with_one_line() {
        let root = scratch("empty");
        let e = load_image_folder(&root, 32, false).unwrap_err().to_string();
        assert!(e.ends_with(": no such folder"), "{e}");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join("notes.txt"), "hello").unwrap();
        let e = load_image_folder(&root, 32, false).unwrap_err().to_string();
        assert!(e.ends_with(": no png or jpg images in this folder"), "{e}");
        std::fs::write(root.join("a.png"), b"broken").unwrap();
        std::fs::write(root.join("b.jpg"), b"broken too").unwrap();
        let e = load_image_folder(&root, 32, false).unwrap_err().to_string();
        assert!(e.contains("none of the 2 images could be read"), "{e}");
        let e = write_tagged_faces(&FacesConfig { n: 2, size: 8, ..Default::default() }, &root).unwrap_err().to_string();
        assert!(e.contains("folder is not empty"), "{e}");
        assert_eq!(std::fs::read_to_string(root.join("notes.txt")).unwrap(), "hello", "user data untouched");
        std::fs::remove_dir_all(&root).unwrap();
    }
}

#[test]
fn objects_grid_is_saved_for_a_look() {
    let data = gankit::data::objects::objects(32, 64, 1);
    let grid = ImageGrid::new(&data.x).unwrap().columns(8);
    grid.save(out_dir().join("objects_64.png")).unwrap();
}

#[test]
fn map_pairs_grid_is_saved_for_a_look() {
    let p = gankit::data::maps::maps(8, 64, 2);
    let both = Tensor::cat(&[p.maps, p.aerial], 0);
    ImageGrid::new(&both).unwrap().columns(8).save(out_dir().join("maps_64.png")).unwrap();
}
