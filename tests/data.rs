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
        let data = faces(&FacesConfig {
            n: 64,
            size,
            seed: 1,
            ..Default::default()
        });
        let grid = ImageGrid::new(&data.x).unwrap().columns(8);
        grid.save(out_dir().join(format!("faces_{size}.png")))
            .unwrap();
    }
}

#[test]
fn hair_colour_frequencies_follow_the_combination_table() {
    let cfg = FacesConfig {
        n: 20_000,
        size: 8,
        seed: 2,
        labels: FaceLabels::Tags,
    };
    let specs = face_specs(&cfg);
    let w = gankit::data::faces::combination_weights();
    for h in 0..HAIR_COLORS.len() {
        let want: f32 = w[h].iter().sum();
        let got = specs.iter().filter(|s| s.hair == h).count() as f32 / specs.len() as f32;
        assert!(
            (got - want).abs() < 0.01,
            "{}: {got} vs {want}",
            HAIR_COLORS[h]
        );
    }
    assert!(
        specs.iter().all(|s| w[s.hair][s.eye] > 0.0),
        "no face has a combination the table excludes"
    );
}

mod loaders {
    use gankit::data::faces::{face_specs, FaceLabels, FacesConfig};
    use gankit::data::folder::{load_image_folder, CACHE_VAR};
    use gankit::data::tags::{load_tagged_faces, write_tagged_faces};
    use std::path::{Path, PathBuf};

    fn scratch(name: &str) -> PathBuf {
        let d =
            std::env::temp_dir().join(format!("gankit-data-test-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    fn listing(dir: &Path) -> Vec<(PathBuf, u64)> {
        let mut v: Vec<_> = walk(dir)
            .into_iter()
            .map(|p| {
                let len = std::fs::metadata(&p).unwrap().len();
                (p, len)
            })
            .collect();
        v.sort();
        v
    }

    fn walk(dir: &Path) -> Vec<PathBuf> {
        std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .flat_map(|e| {
                let p = e.path();
                if p.is_dir() {
                    walk(&p)
                } else {
                    vec![p]
                }
            })
            .collect()
    }

    fn with_cache_in<T>(dir: &Path, f: impl FnOnce() -> T) -> T {
        std::env::set_var(CACHE_VAR, dir);
        f()
    }

    #[test]
    fn tagged_faces_round_trip_through_files_with_broken_ones_skipped() {
        let root = scratch("tagged");
        let cfg = FacesConfig {
            n: 40,
            size: 48,
            seed: 9,
            ..Default::default()
        };
        write_tagged_faces(&cfg, &root).unwrap();
        let specs = face_specs(&cfg);
        // Break two images: garbage bytes, and an empty file.
        std::fs::write(root.join("images/3.jpg"), b"this is not a jpeg").unwrap();
        std::fs::write(root.join("images/17.jpg"), b"").unwrap();
        let before = listing(&root);
        let cache = scratch("tagged-cache");
        let data = with_cache_in(&cache, || {
            load_tagged_faces(&root, 32, FaceLabels::Tags, true)
        })
        .unwrap();
        assert_eq!(
            listing(&root),
            before,
            "the loader never writes into the data folder"
        );
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
        let again =
            with_cache_in(&cache, || load_image_folder(root.join("images"), 32, true)).unwrap();
        let first =
            with_cache_in(&cache, || load_image_folder(root.join("images"), 32, true)).unwrap();
        assert!(first.from_cache && first.images.equal(&again.images));
        assert_eq!(first.skipped.len(), 2);
        std::fs::remove_dir_all(&root).unwrap();
        let _ = std::fs::remove_dir_all(&cache);
    }

    /// Report 001 §2 numbers its one-hot classes by its own table (tag 0: aqua hair aqua eyes
    /// … 118: purple hair purple eyes); a folder in its format loads with those numbers. Gray
    /// eyes are not in its table: such a face has a 23-tag row but no one-hot class.
    #[test]
    fn tagged_faces_get_report_001s_class_numbers() {
        let root = scratch("report001-classes");
        write_tagged_faces(
            &FacesConfig {
                n: 4,
                size: 16,
                ..Default::default()
            },
            &root,
        )
        .unwrap();
        std::fs::write(
            root.join("tags.csv"),
            "0,aqua hair aqua eyes\n1,purple hair purple eyes\n2,blue hair black eyes\n3,gray hair gray eyes\n",
        )
        .unwrap();
        let data = load_tagged_faces(&root, 16, FaceLabels::HairEye, false).unwrap();
        assert_eq!(data.label_names.len(), 119);
        assert_eq!(data.label_names[0], "aqua hair aqua eyes");
        assert_eq!(data.label_names[118], "purple hair purple eyes");
        let labels = data.labels.unwrap();
        let class = |row: i64| {
            let v = Vec::<f32>::try_from(labels.get(row)).unwrap();
            assert!(v.iter().sum::<f32>() <= 1.0);
            v.iter().position(|&x| x == 1.0)
        };
        assert_eq!(
            (class(0), class(1), class(2), class(3)),
            (Some(0), Some(118), Some(117), None)
        );
        let tags = load_tagged_faces(&root, 16, FaceLabels::Tags, false).unwrap();
        let row = Vec::<f32>::try_from(tags.labels.unwrap().get(3)).unwrap();
        assert_eq!((row[3], row[12]), (1.0, 1.0), "gray hair, gray eyes");
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn bad_tag_lines_name_the_file_and_line() {
        let root = scratch("badtags");
        write_tagged_faces(
            &FacesConfig {
                n: 5,
                size: 16,
                ..Default::default()
            },
            &root,
        )
        .unwrap();
        let tags = root.join("tags.csv");
        let good = std::fs::read_to_string(&tags).unwrap();
        for (line, want) in [
            (
                "3,purple hair\n",
                "tags.csv:4: expected `<colour> hair <colour> eyes` after the id",
            ),
            (
                "3,silver hair red eyes\n",
                "tags.csv:4: unknown hair colour \"silver\"",
            ),
            (
                "no comma here\n",
                "tags.csv:4: expected `id,<colour> hair <colour> eyes`",
            ),
            ("9,red hair red eyes\n", "tags.csv:4: no image"),
        ] {
            let mut lines: Vec<&str> = good.lines().collect();
            lines[3] = line.trim_end();
            std::fs::write(&tags, lines.join("\n")).unwrap();
            let e = load_tagged_faces(&root, 16, FaceLabels::Tags, false)
                .unwrap_err()
                .to_string();
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
        let e = write_tagged_faces(
            &FacesConfig {
                n: 2,
                size: 8,
                ..Default::default()
            },
            &root,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("folder is not empty"), "{e}");
        assert_eq!(
            std::fs::read_to_string(root.join("notes.txt")).unwrap(),
            "hello",
            "user data untouched"
        );
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
    ImageGrid::new(&both)
        .unwrap()
        .columns(8)
        .save(out_dir().join("maps_64.png"))
        .unwrap();
}

mod formats {
    use gankit::data::faces::{face_specs, FacesConfig};
    use gankit::data::formats::*;
    use gankit::data::objects::{multi_hot, object_scenes, test_conditions, Scene};
    use std::path::PathBuf;

    fn scratch(name: &str) -> PathBuf {
        let d =
            std::env::temp_dir().join(format!("gankit-format-test-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn iclevr_round_trip_and_unknown_labels() {
        let root = scratch("iclevr");
        write_iclevr(12, 32, 5, &root).unwrap();
        let data = load_iclevr(&root, 32, false).unwrap();
        assert_eq!(data.x.size(), [12, 3, 32, 32]);
        let want = multi_hot(
            &object_scenes(12, 5)
                .iter()
                .map(Scene::classes)
                .collect::<Vec<_>>(),
        );
        assert!(data.labels.unwrap().equal(&want));
        assert_eq!(data.label_names[0], "gray cube");
        assert!(load_iclevr_test(&root)
            .unwrap()
            .equal(&multi_hot(&test_conditions())));
        let train = root.join("train.json");
        let text = std::fs::read_to_string(&train).unwrap().replacen(
            "\"gray cube\"",
            "\"golden cube\"",
            1,
        );
        let text = if text.contains("golden") {
            text
        } else {
            text.replacen("\"red cube\"", "\"golden cube\"", 1)
        };
        std::fs::write(&train, text).unwrap();
        let e = load_iclevr(&root, 32, false).unwrap_err().to_string();
        assert!(
            e.contains("train.json") && e.contains("label \"golden cube\" is not in objects.json"),
            "{e}"
        );
        std::fs::write(&train, "{\"a.png\": [\"gray cube\"").unwrap();
        let e = load_iclevr(&root, 32, false).unwrap_err().to_string();
        assert!(e.contains("train.json:1: invalid JSON"), "{e}");
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn cyclegan_folders_keep_the_true_pairs() {
        let root = scratch("cycle");
        write_cyclegan(6, 3, 32, 7, &root).unwrap();
        let data = load_cyclegan(&root, 32, false).unwrap();
        assert_eq!((data.train_a.size()[0], data.test_b.size()[0]), (6, 3));
        let pairs = gankit::data::maps::maps(9, 32, 7);
        // PNG round trip: within one 8-bit step.
        let diff = (data.test_b - pairs.aerial.narrow(0, 6, 3))
            .abs()
            .max()
            .double_value(&[]);
        assert!(diff <= 1.0 / 127.5 + 1e-6, "{diff}");
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn celeba_attributes_and_bad_lines() {
        let root = scratch("celeba");
        write_celeba(10, 32, 3, &root).unwrap();
        let data = load_celeba(&root, 32, &["smile", "glasses"], false).unwrap();
        assert_eq!(data.label_names, ["smile", "glasses"]);
        let specs = face_specs(&FacesConfig {
            n: 10,
            size: 32,
            seed: 3,
            ..Default::default()
        });
        let labels = data.labels.unwrap();
        for (i, s) in specs.iter().enumerate() {
            let row = Vec::<f32>::try_from(labels.get(i as i64)).unwrap();
            assert_eq!(
                row,
                [s.smile as u8 as f32, s.glasses as u8 as f32],
                "face {i}"
            );
        }
        let e = load_celeba(&root, 32, &["bangs"], false)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("list_attr_celeba.txt:2: no attribute \"bangs\""),
            "{e}"
        );
        let path = root.join("list_attr_celeba.txt");
        let text = std::fs::read_to_string(&path).unwrap();
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        lines[4] = lines[4].replacen("-1", "0", 1).replacen(" 1", " 0", 1);
        std::fs::write(&path, lines.join("\n")).unwrap();
        let e = load_celeba(&root, 32, &[], false).unwrap_err().to_string();
        assert!(
            e.contains("list_attr_celeba.txt:5: attribute")
                && e.contains("expected 1 or -1, got \"0\""),
            "{e}"
        );
        std::fs::remove_dir_all(&root).unwrap();
    }
}
