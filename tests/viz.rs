//! Figures: labelled grids, the noise-evolution strip, training GIFs, multi-run plots, tables,
//! and saving every figure as PNG (plots also as real SVG). `writes_the_check_images` leaves
//! what it draws in `target/viz-check/` for a person to look at.
use gankit::prelude::*;
use gankit::train::{ImagePreview, Snapshot};
use gankit::viz::{color, Cell};
use image::{AnimationDecoder, RgbImage};
use std::path::PathBuf;

fn check_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/viz-check")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gankit-viz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// `n` grey images `[n, 1, size, size]`, image i of the value 0.8·i/n (distinct, all light).
fn greys(n: i64, size: i64) -> Tensor {
    let v: Vec<f32> = (0..n)
        .flat_map(|i| std::iter::repeat(0.8 * i as f32 / n as f32).take((size * size) as usize))
        .collect();
    Tensor::from_slice(&v).view([n, 1, size, size])
}

/// `n` RGB images `[n, 3, size, size]` of a deterministic pattern that changes with `phase`
/// (no libtorch RNG, so no lock): stands in for generated samples, and compresses as badly.
fn pattern(n: i64, size: i64, phase: f32) -> Tensor {
    let mut v = Vec::with_capacity((n * 3 * size * size) as usize);
    for i in 0..n {
        for c in 0..3 {
            for y in 0..size {
                for x in 0..size {
                    let h = ((i * 131 + c * 71 + y * 17 + x * 29) as f32 * 12.9898 + phase).sin()
                        * 43758.547;
                    let noise = h - h.floor();
                    let smooth = ((x as f32 / size as f32 * 6.0 + phase + c as f32).sin()
                        * (y as f32 / size as f32 * 4.0 + i as f32).cos())
                        * 0.7;
                    v.push((smooth + (noise - 0.5) * 0.6).clamp(-1.0, 1.0));
                }
            }
        }
    }
    Tensor::from_slice(&v).view([n, 3, size, size])
}

fn is_dark(p: &image::Rgb<u8>) -> bool {
    p.0.iter().all(|&c| c < 100)
}

fn dark_in(img: &RgbImage, xs: std::ops::Range<u32>, ys: std::ops::Range<u32>) -> usize {
    ys.flat_map(|y| xs.clone().map(move |x| (x, y)))
        .filter(|&(x, y)| is_dark(img.get_pixel(x, y)))
        .count()
}

fn record(step: usize, d_real: f64, d_fake: f64) -> StepRecord {
    StepRecord {
        step,
        d_loss: Some(1.0),
        g_loss: Some(1.0),
        d_real: Some(d_real),
        d_fake_before: Some(d_fake),
        d_fake_after: Some(d_fake),
        wasserstein: None,
        penalty: None,
        d_grad_norm: None,
        g_grad_norm: None,
        terms: Vec::new(),
        seconds: 0.0,
    }
}

fn history(f: impl Fn(usize) -> (f64, f64)) -> History {
    History {
        steps: (1..=50)
            .map(|s| {
                let (r, g) = f(s);
                record(s, r, g)
            })
            .collect(),
        ..Default::default()
    }
}

#[test]
fn labels_put_dark_text_in_a_margin_that_exists_only_with_labels() {
    // 4 grey 8×8 images, 2×2, scale 4: 32-pixel tiles, padding 2.
    let plain = ImageGrid::new(&greys(4, 8)).unwrap().columns(2).scale(4);
    let base = plain.to_rgb().unwrap();
    assert_eq!(base.dimensions(), (2 * 34 + 2, 2 * 34 + 2));
    assert_eq!(
        dark_in(&base, 0..base.width(), 0..base.height()),
        0,
        "no text without labels"
    );

    // Row labels: a margin on the left only, text in it beside its own row, tiles untouched.
    let rows = plain.clone().row_labels(["hair", ""]).to_rgb().unwrap();
    let left = rows.width() - base.width();
    assert!(left > 20, "a row-label margin: {left} px");
    assert_eq!(rows.height(), base.height(), "row labels add no height");
    let row0 = 2..34;
    let row1 = 36..68;
    assert!(dark_in(&rows, 0..left, row0) > 20, "text left of row 0");
    assert_eq!(
        dark_in(&rows, 0..left, row1),
        0,
        "an empty label draws nothing"
    );
    for (x, y) in [(2, 2), (40, 10), (2, 40), (60, 60)] {
        assert_eq!(
            rows.get_pixel(left + x, y),
            base.get_pixel(x, y),
            "tile pixels are shifted, not painted over"
        );
    }

    // Column labels: a margin above only, text over each column.
    let cols = plain
        .clone()
        .column_labels(["input", "blond hair"])
        .to_rgb()
        .unwrap();
    let top = cols.height() - base.height();
    assert!(top > 12, "a column-label margin: {top} px");
    assert_eq!(cols.width(), base.width(), "column labels add no width");
    assert!(
        dark_in(&cols, 2..34, 0..top) > 10 && dark_in(&cols, 36..68, 0..top) > 10,
        "text over both columns"
    );
    assert_eq!(cols.get_pixel(10, top + 10), base.get_pixel(10, 10));

    // Both, and a title: the corner stays empty, the title sits above the column labels.
    let both = plain
        .clone()
        .row_labels(["hair", ""])
        .column_labels(["input", "blond hair"])
        .title("Title")
        .to_rgb()
        .unwrap();
    assert_eq!(both.width(), base.width() + left);
    assert!(both.height() > cols.height());
    let corner_top = both.height() - base.height() - top;
    assert!(
        dark_in(&both, 0..left, corner_top..corner_top + top) == 0,
        "nothing in the corner"
    );
    assert!(
        dark_in(&both, left..both.width(), 0..corner_top) > 10,
        "the title above"
    );

    // On a dark background the text is light.
    let dark = plain
        .background([0, 0, 0])
        .row_labels(["hair", "eyes"])
        .to_rgb()
        .unwrap();
    let light = (0..left)
        .flat_map(|x| (0..dark.height()).map(move |y| (x, y)))
        .filter(|&(x, y)| dark.get_pixel(x, y).0.iter().all(|&c| c > 180))
        .count();
    assert!(light > 20, "light text on black");
}

#[test]
fn a_wrong_label_count_is_a_one_line_error_when_drawn() {
    let grid = ImageGrid::new(&greys(4, 8)).unwrap().columns(2);
    let e = grid
        .clone()
        .row_labels(["a", "b", "c"])
        .to_rgb()
        .unwrap_err();
    assert_eq!(e.to_string(), "row_labels: 3 labels for 2 rows");
    let e = grid.clone().column_labels(["a"]).to_png().unwrap_err();
    assert_eq!(e.to_string(), "column_labels: 1 label for 2 columns");
    let path = scratch("bad-labels.png");
    let e = grid.clone().row_labels(["a"]).save(&path).unwrap_err();
    assert_eq!(e.to_string(), "row_labels: 1 label for 2 rows");
    assert!(!path.exists(), "a failed save leaves no file");
    // The count is checked against the layout at drawing time: columns(4) makes one row.
    assert!(grid.row_labels(["one row"]).columns(4).to_rgb().is_ok());
}

#[test]
fn long_column_labels_wrap_within_their_column() {
    let grid = ImageGrid::new(&greys(3, 32)).unwrap().columns(3).scale(2);
    let one = grid
        .clone()
        .column_labels(["a", "b", "c"])
        .to_rgb()
        .unwrap();
    let wrapped = grid
        .clone()
        .column_labels(["input", "black hair blue eyes", "c"])
        .to_rgb()
        .unwrap();
    assert_eq!(wrapped.width(), one.width(), "labels never widen the grid");
    assert!(
        wrapped.height() > one.height(),
        "a long label takes more lines"
    );
    // No text crosses the padding between columns 1 and 2 (x = 2 + 64 + 2 + 64 .. +2).
    let top = wrapped.height() - grid.to_rgb().unwrap().height();
    assert_eq!(dark_in(&wrapped, 132..134, 0..top), 0);
}

#[test]
fn evolution_strip_has_one_labelled_row_per_snapshot_of_the_snapshot_tiles() {
    let snapshots: Vec<(usize, ImageGrid)> = [100, 200, 300]
        .iter()
        .enumerate()
        .map(|(i, &step)| (step, ImageGrid::new(&pattern(6, 8, i as f32)).unwrap()))
        .collect();
    let strip = ImageGrid::evolution_of(&snapshots, 4).unwrap();
    assert_eq!(strip.len(), 12);
    assert_eq!(strip.shape(), (4, 3), "k columns, one row per snapshot");
    for (r, (_, grid)) in snapshots.iter().enumerate() {
        for j in 0..4 {
            assert_eq!(
                strip.image(r * 4 + j),
                grid.image(j),
                "row {r} column {j} is the snapshot's tile {j}"
            );
        }
    }
    // Rows are labelled "step N": 8×8 tiles are scaled ×8, so 4 of them take 4·66 + 2 pixels;
    // the rest is the label margin, with text in it beside every row.
    let img = strip.to_rgb().unwrap();
    let left = img.width() - (4 * 66 + 2);
    assert!(left > 40, "a label margin: {left} px");
    for r in 0..3 {
        assert!(
            dark_in(&img, 0..left, 2 + r * 66..(r + 1) * 66) > 30,
            "row {r}'s label"
        );
    }

    // k beyond the snapshots' size takes what there is.
    assert_eq!(
        ImageGrid::evolution_of(&snapshots, 50).unwrap().shape(),
        (6, 3)
    );
    let e = ImageGrid::evolution(&[], 8).unwrap_err().to_string();
    assert!(e.starts_with("evolution: no snapshots"), "{e}");
    assert!(ImageGrid::evolution_of(&snapshots, 0)
        .unwrap_err()
        .to_string()
        .contains("k = 0"));
    let mixed = vec![
        snapshots[0].clone(),
        (400, ImageGrid::new(&pattern(6, 16, 0.0)).unwrap()),
    ];
    assert_eq!(
        ImageGrid::evolution_of(&mixed, 4).unwrap_err().to_string(),
        "evolution: the snapshot of step 400 has 16×16 images, the first has 8×8"
    );
}

#[test]
fn the_gif_has_one_frame_per_snapshot_with_the_delays_set() {
    let colours = [-0.6f32, 0.0, 0.6];
    let snapshots: Vec<Snapshot> = colours
        .iter()
        .enumerate()
        .map(|(i, &v)| Snapshot {
            step: (i + 1) * 50,
            preview: Preview::Images(ImagePreview::new(
                &Tensor::full([4, 3, 16, 16], v as f64, (Kind::Float, Device::Cpu)),
                "",
            )),
        })
        .collect();
    let movie = Animation::from_snapshots(&snapshots)
        .unwrap()
        .frame_ms(250)
        .last_frame_ms(1500);
    assert_eq!(movie.len(), 3);
    let expected = movie.to_frames().unwrap();
    let bytes = movie.to_gif().unwrap();
    assert_eq!(&bytes[..6], b"GIF89a");
    let frames = image::codecs::gif::GifDecoder::new(std::io::Cursor::new(&bytes))
        .unwrap()
        .into_frames()
        .collect_frames()
        .unwrap();
    assert_eq!(frames.len(), 3, "one frame per snapshot");
    for (i, f) in frames.iter().enumerate() {
        assert_eq!(f.buffer().dimensions(), expected[0].dimensions());
        let (num, den) = f.delay().numer_denom_ms();
        assert_eq!(
            num / den,
            if i == 2 { 1500 } else { 250 },
            "frame {i}'s delay"
        );
        // The tile's grey (0.6 → 204 …) survives the 256-colour palette, within a little.
        let want = ((colours[i] + 1.0) * 127.5).round() as i32;
        let (x, y) = (20, expected[0].height() - 10);
        let got = f.buffer().get_pixel(x, y).0;
        assert!(
            (got[0] as i32 - want).abs() <= 6 && got[3] == 255,
            "frame {i}: {got:?} for grey {want}"
        );
    }
    // Each frame has its "step N" caption: text above the tiles, and it differs between frames.
    let captions: Vec<Vec<u8>> = expected
        .iter()
        .map(|f| {
            image::imageops::crop_imm(f, 0, 0, f.width(), 24)
                .to_image()
                .into_raw()
        })
        .collect();
    assert!(captions[0] != captions[1] && captions[1] != captions[2]);
    assert!(dark_in(&expected[0], 0..expected[0].width(), 0..24) > 20);

    let path = scratch("progress.gif");
    assert_eq!(movie.save(&path).unwrap(), path);
    assert_eq!(std::fs::read(&path).unwrap().len(), bytes.len());
    let e = movie.save(scratch("progress.png")).unwrap_err().to_string();
    assert!(
        e.ends_with("progress.png: an animation is saved as .gif"),
        "{e}"
    );
    assert!(Animation::from_snapshots(&[])
        .unwrap_err()
        .to_string()
        .starts_with("animation: no snapshots"));
}

#[test]
fn a_gif_of_20_frames_of_8x8_grids_of_32x32_stays_small() {
    let snapshots: Vec<(usize, ImageGrid)> = (0..20)
        .map(|i| {
            (
                i * 100,
                ImageGrid::new(&pattern(64, 32, i as f32 * 0.3)).unwrap(),
            )
        })
        .collect();
    let t0 = std::time::Instant::now();
    let bytes = Animation::from_grids(&snapshots).unwrap().to_gif().unwrap();
    let mb = bytes.len() as f64 / 1e6;
    println!(
        "20 frames of 8×8 grids of 32×32: {mb:.2} MB in {:.1} s",
        t0.elapsed().as_secs_f64()
    );
    assert!(mb < 2.5, "{mb:.2} MB");
    std::fs::create_dir_all(check_dir()).unwrap();
    std::fs::write(check_dir().join("progress-20x64.gif"), &bytes).unwrap();
}

#[test]
fn compare_plot_gives_each_run_a_colour_and_dashes_a_second_quantity() {
    let control = history(|s| (0.9 - s as f64 * 0.005, 0.1 + s as f64 * 0.005));
    let experiment = history(|s| (0.7 + (s as f64 * 0.3).sin() * 0.05, 0.3));
    let runs = [("control", &control), ("experiment", &experiment)];
    let plot = History::compare_plot("D(x)", &runs, |r| r.d_real);
    assert_eq!(plot.len(), 2);
    let img = plot.to_rgb().unwrap();
    let count = |img: &RgbImage, i: usize| {
        let c = color(i);
        img.pixels().filter(|p| p.0 == [c.0, c.1, c.2]).count()
    };
    assert!(
        count(&img, 0) > 100 && count(&img, 1) > 100,
        "one colour per run"
    );
    assert!(format!("{plot:?}").contains("control (50 points)"));

    // A second quantity per run in the run's colour: no third colour appears.
    let mut both = plot;
    for (i, (name, h)) in runs.iter().enumerate() {
        both = both
            .line_xy(format!("{name}: D(G(z))"), h.series(|r| r.d_fake_before))
            .color(i)
            .dashed();
    }
    let img = both.to_rgb().unwrap();
    assert_eq!(both.len(), 4);
    assert_eq!(
        count(&img, 2) + count(&img, 3),
        0,
        "colours follow runs, not lines"
    );

    // Dashed means gaps: along a flat dashed line the colour comes and goes.
    let runs_along = |dashed: bool| {
        let p = LinePlot::new("flat").line("a", [1.0, 1.0, 1.0]);
        let img = if dashed { p.dashed() } else { p }.to_rgb().unwrap();
        let c = color(0);
        let y = (0..img.height())
            .max_by_key(|&y| {
                (0..img.width())
                    .filter(|&x| img.get_pixel(x, y).0 == [c.0, c.1, c.2])
                    .count()
            })
            .unwrap();
        let on: Vec<bool> = (0..img.width())
            .map(|x| img.get_pixel(x, y).0 == [c.0, c.1, c.2])
            .collect();
        on.windows(2).filter(|w| w[0] && !w[1]).count()
    };
    assert!(
        runs_along(false) <= 2,
        "a solid line is one stroke (and its legend)"
    );
    assert!(runs_along(true) > 20, "a dashed line is many strokes");
}

#[test]
fn tables_escape_html_format_numbers_and_name_a_bad_row() {
    let sigmoid = |x: f64| 1.0 / (1.0 + (-x).exp());
    let table = Table::new(["scenario", "C(x_r)", "C(x_f)", "σ(C(x_r) − C(x_f))"])
        .caption("bread & corgi")
        .row(("bread <real>, corgi fake", 8.0, -5.0, sigmoid(13.0)))
        .unwrap()
        .row(vec![
            Cell::from("both real"),
            8.0.into(),
            7i64.into(),
            sigmoid(1.0).into(),
        ])
        .unwrap();
    assert_eq!(table.len(), 2);
    let html = table.to_html().0;
    assert!(html.starts_with("<table") && html.ends_with("</table>"));
    assert!(
        html.contains("bread &lt;real&gt;, corgi fake") && !html.contains("<real>"),
        "cells are escaped"
    );
    assert!(html.contains("<caption") && html.contains("bread &amp; corgi"));
    assert!(html.contains(">0.7311<"), "σ(1) with 4 significant digits");
    assert_eq!(table.cell(0, 3).unwrap(), "1.000");
    assert_eq!(table.cell(1, 2).unwrap(), "7");
    assert_eq!(
        table.to_markdown(),
        "bread & corgi\n\n\
         | scenario                 | C(x_r) | C(x_f) | σ(C(x_r) − C(x_f)) |\n\
         |--------------------------|-------:|-------:|-------------------:|\n\
         | bread <real>, corgi fake |  8.000 | -5.000 |              1.000 |\n\
         | both real                |  8.000 |      7 |             0.7311 |\n"
    );
    assert_eq!(table.to_string(), table.to_markdown());
    assert_eq!(table.clone().decimals(2).cell(1, 3).unwrap(), "0.73");

    let e = table.clone().row(("only", "two")).unwrap_err();
    assert_eq!(e.to_string(), "table row 3: 2 cells for 4 columns");
    let e = Table::new(["a"]).row(["x", "y"]).unwrap_err();
    assert_eq!(e.to_string(), "table row 1: 2 cells for 1 column");

    let csv = Table::new(["name", "x"])
        .row(("a, \"b\"", 0.1f64 + 0.2))
        .unwrap()
        .to_csv();
    assert_eq!(csv, "name,x\n\"a, \"\"b\"\"\",0.30000000000000004\n");
    let md = Table::new(["a|b"]).row(["x|y"]).unwrap().to_markdown();
    assert!(md.contains("a\\|b") && md.contains("x\\|y"));

    let path = scratch("table.html");
    table.save(&path).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), html);
    table.save(scratch("table.md")).unwrap();
    let e = table.save(scratch("table.txt")).unwrap_err().to_string();
    assert!(
        e.ends_with("table.txt: a table is saved as .html, .md or .csv"),
        "{e}"
    );
}

#[test]
fn every_figure_saves_as_png_and_plots_as_real_svg() {
    let grid = ImageGrid::new(&pattern(6, 8, 0.0))
        .unwrap()
        .columns(3)
        .row_labels(["a", "b"])
        .column_labels(["x", "y", "z"])
        .title("grid");
    let line = LinePlot::new("Losses of <run>")
        .line("D", [1.0, 0.5, 0.7])
        .line("G", [0.2, 0.9, 0.4])
        .dashed();
    let ring = Tensor::from_slice(&[1.0f32, 0.0, 0.0, 1.0, -1.0, 0.0]).view([3, 2]);
    let d = |x: &Tensor| x.sum_dim_intlist(1, false, Kind::Float).sigmoid();
    let field = FieldPlot::new("Field at step 7", (-2.0, 2.0), (-2.0, 2.0))
        .heatmap(&d, 12)
        .unwrap()
        .real(&ring)
        .unwrap()
        .fake(&(&ring * 0.5))
        .unwrap();
    let strip = ImageGrid::evolution_of(
        &[
            (1, ImageGrid::new(&pattern(4, 8, 0.0)).unwrap()),
            (2, ImageGrid::new(&pattern(4, 8, 1.0)).unwrap()),
        ],
        4,
    )
    .unwrap();

    fn png_round_trip(fig: &impl Figure, name: &str) {
        let path = scratch(&format!("{name}.png"));
        assert_eq!(fig.save(&path).unwrap(), path);
        let back = image::open(&path).unwrap().to_rgb8();
        assert_eq!(
            back,
            fig.to_rgb().unwrap(),
            "{name}: the PNG holds the rendering"
        );
    }
    png_round_trip(&grid, "grid");
    png_round_trip(&line, "line");
    png_round_trip(&field, "field");
    png_round_trip(&strip, "strip");
    let histogram = Histogram::new("weights <per layer>")
        .add("conv1", "before", vec![0.1f32, -0.2, 0.3])
        .add("conv1", "after", vec![0.01f32, -0.01, 0.01]);
    png_round_trip(&histogram, "histogram");
    histogram.save(scratch("histogram.svg")).unwrap();
    let svg = std::fs::read_to_string(scratch("histogram.svg")).unwrap();
    assert!(svg.contains("weights &lt;per layer&gt;") && !svg.contains("data:image/png"));

    let path = scratch("line.svg");
    line.save(&path).unwrap();
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(
        svg.starts_with("<svg") && svg.contains("Losses of &lt;run&gt;"),
        "the title, escaped"
    );
    assert!(
        svg.contains("<polyline") || svg.contains("<line"),
        "vector lines"
    );
    assert!(!svg.contains("data:image/png"), "not a raster in disguise");
    field.save(scratch("field.svg")).unwrap();
    let svg = std::fs::read_to_string(scratch("field.svg")).unwrap();
    assert!(
        svg.starts_with("<svg")
            && svg.contains("Field at step 7")
            && svg.contains("<rect")
            && svg.contains("<circle")
    );
    assert!(!svg.contains("data:image/png"));
    // A grid is pixels: its SVG embeds the PNG.
    grid.save(scratch("grid.svg")).unwrap();
    assert!(std::fs::read_to_string(scratch("grid.svg"))
        .unwrap()
        .contains("data:image/png;base64,"));

    let e = line.save(scratch("line.jpg")).unwrap_err().to_string();
    assert!(
        e.ends_with("line.jpg: a figure is saved as .png or .svg"),
        "{e}"
    );

    // Any figure becomes an <img> to sit next to a table.
    let side = Html::side_by_side([
        grid.to_html().unwrap(),
        Table::new(["tag"]).row(["blue eyes"]).unwrap().to_html(),
    ]);
    assert!(
        side.0.contains("<img src=\"data:image/png;base64,")
            && side.0.contains("blue eyes")
            && side.0.starts_with("<div")
    );
}

/// Draws what a student would, into `target/viz-check/`, for a person to open and look at.
#[test]
fn writes_the_check_images() {
    let dir = check_dir();
    let faces = faces(&FacesConfig {
        n: 64,
        size: 32,
        ..Default::default()
    });
    let x = |n: i64| faces.x.narrow(0, 0, n);

    // Text-to-image: one row per (hair, eye) tag combination.
    ImageGrid::new(&x(16))
        .unwrap()
        .columns(4)
        .row_labels([
            "blonde hair, blue eyes",
            "black hair, red eyes",
            "pink hair, green eyes",
            "white hair\naqua eyes",
        ])
        .title("Text-to-image: 4 samples per tag pair")
        .save(dir.join("tags-32.png"))
        .unwrap();
    // The same, a caption under each sample instead.
    let pairs = [
        "blonde hair, blue eyes",
        "black hair, red eyes",
        "pink hair, green eyes",
        "white hair, aqua eyes",
    ];
    ImageGrid::new(&x(16))
        .unwrap()
        .captions((0..16).map(|i| pairs[i / 4]))
        .title("Text-to-image: captions")
        .save(dir.join("tags-captions-32.png"))
        .unwrap();
    // A StarGAN panel.
    ImageGrid::new(&x(15))
        .unwrap()
        .columns(5)
        .column_labels([
            "input",
            "black hair",
            "blond hair",
            "brown hair",
            "aqua eyes, glasses",
        ])
        .row_labels(["face 1", "face 2", "face 3"])
        .save(dir.join("stargan-32.png"))
        .unwrap();
    let big = faces
        .x
        .narrow(0, 0, 8)
        .upsample_bilinear2d([64, 64], false, None, None);
    ImageGrid::new(&big)
        .unwrap()
        .columns(4)
        .column_labels(["input", "black hair", "blond hair", "brown hair"])
        .row_labels(["face 1", "face 2"])
        .save(dir.join("stargan-64.png"))
        .unwrap();
    // The evolution strip and the GIF from "snapshots" (the faces, darkened less and less).
    let snapshots: Vec<(usize, ImageGrid)> = (1..=5)
        .map(|i| {
            (
                i * 200,
                ImageGrid::new(&(x(16) * (i as f64 / 5.0))).unwrap(),
            )
        })
        .collect();
    ImageGrid::evolution_of(&snapshots, 8)
        .unwrap()
        .save(dir.join("evolution.png"))
        .unwrap();
    let movie = Animation::from_grids(&snapshots).unwrap().frame_ms(300);
    movie.save(dir.join("progress.gif")).unwrap();
    movie.to_frames().unwrap()[0]
        .save(dir.join("progress-frame0.png"))
        .unwrap();
    // Runs compared.
    let control = history(|s| (0.9 - s as f64 * 0.004, 0.1 + s as f64 * 0.004));
    let experiment = history(|s| {
        (
            0.7 + (s as f64 * 0.3).sin() * 0.05,
            0.3 + (s as f64 * 0.2).cos() * 0.05,
        )
    });
    let runs = [("control", &control), ("label smoothing", &experiment)];
    let mut plot = History::compare_plot("D(x) solid, D(G(z)) dashed", &runs, |r| r.d_real)
        .y_label("D output");
    for (i, (name, h)) in runs.iter().enumerate() {
        plot = plot
            .line_xy(format!("{name}: D(G(z))"), h.series(|r| r.d_fake_before))
            .color(i)
            .dashed();
    }
    plot.save(dir.join("compare.png")).unwrap();
    plot.save(dir.join("compare.svg")).unwrap();
    Table::new(["scenario", "C(x_r)", "C(x_f)", "σ(C(x_r) − C(x_f))"])
        .row(("bread real, corgi fake", 8.0, -5.0, 0.999998))
        .unwrap()
        .save(dir.join("table.html"))
        .unwrap();
    assert!(dir.join("tags-32.png").exists() && dir.join("progress.gif").exists());
}

/// A critic's run: the Wasserstein estimate falls, the critic's loss goes below zero by
/// decades, G's loss drifts up.
fn wgan_history() -> History {
    History {
        steps: (1..=400)
            .map(|s| {
                let t = s as f64 / 400.0;
                let wobble = (s as f64 * 0.7).sin();
                StepRecord {
                    d_loss: Some(0.5 - 300.0 * t * t + 3.0 * wobble),
                    g_loss: Some(2.0 + 150.0 * t + 2.0 * wobble),
                    wasserstein: Some(40.0 * (-3.0 * t).exp() + wobble),
                    ..record(s, 0.5, 0.5)
                }
            })
            .collect(),
        ..Default::default()
    }
}

#[test]
fn history_plots_symlog_log_and_the_wasserstein_estimate() {
    let h = wgan_history();
    let w = h.wasserstein_plot("WGAN: critic's estimate");
    assert_eq!(
        format!("{w:?}"),
        r#"LinePlot("WGAN: critic's estimate": Wasserstein estimate (400 points))"#
    );
    let loss = h.loss_plot("WGAN losses").symlog();
    let svg = loss.to_svg().unwrap();
    // plotters writes each text on its own line: "<text …>\n−100\n</text>".
    let has = |svg: &str, t: &str| svg.contains(&format!("\n{t}\n</text>"));
    for tick in ["−100", "−10", "0", "10", "100"] {
        assert!(has(&svg, tick), "tick {tick} in the symlog plot");
    }
    // Whole-number steps: no "100.0" on the x axis.
    assert!(has(&svg, "400") || has(&svg, "350"));
    assert!(!has(&svg, "100.0") && !has(&svg, "400.0"));
    let positive = History {
        steps: (1..=300)
            .map(|s| StepRecord {
                d_loss: Some(2.0 * (-(s as f64) / 40.0).exp() + 1e-3),
                g_loss: Some(0.5 + 0.1 * (s as f64 / 10.0).sin().abs()),
                ..record(s, 0.5, 0.5)
            })
            .collect(),
        ..Default::default()
    };
    let log = positive
        .loss_plot("losses, log scale")
        .log_y()
        .to_svg()
        .unwrap();
    assert!(has(&log, "0.01") && has(&log, "1"));

    let dir = check_dir();
    w.smooth(0.9).save(dir.join("wasserstein.png")).unwrap();
    for ext in ["png", "svg"] {
        let path = dir.join(format!("wgan-symlog.{ext}"));
        loss.clone().smooth(0.9).save(path).unwrap();
    }
    h.loss_plot("WGAN losses, linear")
        .save(dir.join("wgan-linear.png"))
        .unwrap();
    positive
        .loss_plot("losses, log scale")
        .log_y()
        .save(dir.join("log-losses.png"))
        .unwrap();
}

/// Normal(0, 1) values by Box–Muller from a fixed sequence (no libtorch RNG).
fn normals(n: usize, seed: u64) -> Vec<f32> {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut uniform = move || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((s >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    };
    (0..n)
        .map(|_| {
            let (u, v) = (uniform(), uniform());
            ((-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()) as f32
        })
        .collect()
}

#[test]
fn histograms_of_clipped_weights_and_selu_activations() {
    // A critic's weights before and after clipping to ±0.01: most pile up at the bounds.
    let layers = [
        ("conv1", 0.05f32),
        ("conv2", 0.03),
        ("conv3", 0.02),
        ("conv4", 0.008),
    ];
    let mut clipping = Histogram::new("Critic weights: clipping to ±0.01").x_label("weight");
    for (i, (name, std)) in layers.iter().enumerate() {
        let before: Vec<f32> = normals(4000, i as u64).iter().map(|v| v * std).collect();
        let after: Vec<f32> = before.iter().map(|v| v.clamp(-0.01, 0.01)).collect();
        clipping =
            clipping
                .add(*name, "before clipping", before)
                .add(*name, "after clipping", after);
    }
    assert_eq!(clipping.len(), 4);
    assert_eq!(clipping.shape(), (2, 2));
    let img = clipping.to_rgb().unwrap();
    for i in 0..2 {
        let c = color(i);
        let n = img.pixels().filter(|p| p.0 == [c.0, c.1, c.2]).count();
        assert!(n > 200, "set {i} drawn in its colour ({n} pixels)");
    }
    for ext in ["png", "svg"] {
        let path = check_dir().join(format!("histogram-clipping.{ext}"));
        clipping.save(path).unwrap();
    }

    // SELU-like activations: about N(0, 1) in every layer, from tensors.
    let acts: Vec<(String, Tensor)> = (1..=5)
        .map(|l| {
            let v = normals(64 * 128, 100 + l);
            (format!("layer {l}"), Tensor::from_slice(&v).view([64, 128]))
        })
        .collect();
    let selu = Histogram::new("SELU activations per layer")
        .layers("", acts.iter().map(|(n, t)| (n.as_str(), t)))
        .x_label("activation");
    assert_eq!(selu.shape(), (3, 2));
    selu.save(check_dir().join("histogram-selu.png")).unwrap();
    let svg = selu.to_svg().unwrap();
    assert!(svg.contains("layer 5") && svg.contains("activation"));
}

#[test]
fn captions_go_under_each_tile_and_a_wrong_count_names_both() {
    let hair = ["black", "blonde", "pink", "white"];
    let eyes = ["red", "blue", "green", "aqua"];
    let captions: Vec<String> = (0..16)
        .map(|i| format!("{} hair, {} eyes", hair[i / 4], eyes[i % 4]))
        .collect();
    let two_words: Vec<String> = (0..16).map(|i| format!("{} hair", hair[i / 4])).collect();
    let grid = ImageGrid::new(&pattern(16, 32, 0.0)).unwrap();
    let plain = grid.clone().to_rgb().unwrap();
    let captioned = grid.clone().captions(&two_words).to_rgb().unwrap();
    // Tiles of 32 are scaled ×3 (96 pixels) so a two-word caption fits a line.
    assert_eq!(captioned.width(), 4 * 98 + 2);
    assert!(plain.width() < captioned.width());
    // Text under every tile, none over the tiles' own pixels.
    let row_pitch = (captioned.height() - 2) / 4;
    assert!(
        row_pitch > 98 && row_pitch < 98 + 30,
        "a caption band: {row_pitch}"
    );
    for r in 0..4 {
        for c in 0..4 {
            let (x0, y0) = (2 + c * 98, 2 + r * row_pitch);
            let band = dark_in(&captioned, x0..x0 + 96, y0 + 96..y0 + row_pitch - 2);
            assert!(band > 20, "tile ({r}, {c}) has a caption: {band}");
        }
    }
    let e = grid
        .clone()
        .captions(["one", "two", "three"])
        .to_rgb()
        .unwrap_err();
    assert_eq!(e.to_string(), "captions: 3 captions for 16 images");
    grid.clone()
        .captions(&two_words)
        .title("16 samples, two-word captions")
        .save(check_dir().join("captions-16.png"))
        .unwrap();
    grid.columns(4)
        .captions(&captions)
        .save(check_dir().join("captions-16-long.png"))
        .unwrap();
}

#[test]
fn the_cycle_panel_names_every_tile_in_both_directions() {
    let t = |phase: f32| pattern(2, 32, phase);
    let panel = CyclePanel {
        real_a: t(0.0),
        fake_b: t(1.0),
        rec_a: t(2.0),
        idt_a: t(3.0),
        real_b: t(4.0),
        fake_a: t(5.0),
        rec_b: t(6.0),
        idt_b: t(7.0),
    };
    let grid = ImageGrid::cycle_panel(&panel).unwrap();
    assert_eq!(grid.shape(), (4, 4), "rows A and B for each of 2 inputs");
    assert_eq!(
        grid.image(5),
        ImageGrid::new(&t(5.0)).unwrap().image(0),
        "row B: fake_A"
    );
    let img = grid.to_rgb().unwrap();
    assert!(
        dark_in(&img, 0..img.width(), 0..img.height()) > 500,
        "labels and captions"
    );
    grid.save(check_dir().join("cycle-panel.png")).unwrap();
}

#[test]
fn the_field_plot_has_a_legend_and_a_colour_bar() {
    let ring: Vec<f32> = (0..64)
        .flat_map(|i| {
            let a = i as f32 / 64.0 * std::f32::consts::TAU;
            [2.0 * a.cos(), 2.0 * a.sin()]
        })
        .collect();
    let real = Tensor::from_slice(&ring).view([64, 2]);
    let fake = &real * 0.4 + 0.3;
    let push = (&real - &fake) * 0.5;
    let d = |x: &Tensor| {
        (x.square().sum_dim_intlist(1, false, Kind::Float).sqrt() - 1.5).sigmoid() * 0.9
    };
    let plot = FieldPlot::new("GAN Lab view, step 300", (-3.0, 3.0), (-3.0, 3.0))
        .heatmap(&d, 60)
        .unwrap()
        .real(&real)
        .unwrap()
        .fake(&fake)
        .unwrap()
        .arrows(&fake, &push, 0.6)
        .unwrap();
    let img = plot.to_rgb().unwrap();
    assert!(
        img.width() > img.height(),
        "a column beside the square plot"
    );
    plot.save(check_dir().join("field.png")).unwrap();
    plot.save(check_dir().join("field.svg")).unwrap();
}

#[test]
fn an_animation_of_32_samples_uses_8_columns() {
    let snapshots: Vec<(usize, ImageGrid)> = (1..=4)
        .map(|i| (i * 100, ImageGrid::new(&pattern(32, 32, i as f32)).unwrap()))
        .collect();
    assert_eq!(snapshots[0].1.shape(), (8, 4));
    let movie = Animation::from_grids(&snapshots).unwrap();
    let frame = &movie.to_frames().unwrap()[0];
    assert_eq!(
        frame.width(),
        8 * 34 + 2,
        "8 columns of 32-pixel tiles at ×1"
    );
    let html = movie.to_html().unwrap().0;
    assert!(!html.contains("pixelated"), "shown at its own size");
    std::fs::create_dir_all(check_dir()).unwrap();
    frame
        .save(check_dir().join("animation-frame-32.png"))
        .unwrap();
}
