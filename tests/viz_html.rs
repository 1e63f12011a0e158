//! The scrubber: an interactive figure in one self-contained piece of HTML (frames, slider,
//! play/pause, each frame's numbers). `scrubber_over_a_2d_run` and `scrubber_over_a_loss`
//! leave their pages in `target/viz-check/` for a person (or a headless browser) to look at.
mod common;

use gankit::prelude::*;
use gankit::viz::FrameEncoding;
use std::path::PathBuf;

fn check_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/viz-check")
}

/// `(needle, count)` of a string in the HTML.
fn count(html: &str, needle: &str) -> usize {
    html.matches(needle).count()
}

/// Every `src=`/`href=` in the HTML is a data: URI, and no URL leaves the page.
fn assert_self_contained(html: &str) {
    for attr in ["src=\"", "href=\""] {
        for (i, _) in html.match_indices(attr) {
            let rest = &html[i + attr.len()..];
            assert!(
                rest.starts_with("data:"),
                "{attr} to something else than data: {:?}",
                &rest[..rest.len().min(60)]
            );
        }
    }
    for url in ["http://", "https://", "//cdn", "url("] {
        assert!(!html.contains(url), "the HTML names {url}");
    }
}

/// An attribute's value in the opening tag that starts at `tag`, unescaped.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let tag = &tag[..tag.find('>').unwrap()];
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let value = &tag[start..start + tag[start..].find('"').unwrap()];
    Some(
        value
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&#39;", "'")
            .replace("&amp;", "&"),
    )
}

/// The numbers of the frame whose label is `label`, as (name, text) pairs: its values, and
/// its names or else those of the start frame's table (what the page's script shows).
fn frame_numbers(html: &str, label: &str) -> Vec<(String, String)> {
    let at = html
        .find(&format!("<div data-frame=\"{label}\""))
        .unwrap_or_else(|| panic!("no frame {label:?}"));
    let values: Vec<String> =
        serde_json::from_str(&attribute(&html[at..], "data-v").unwrap()).unwrap();
    let names: Vec<String> = match attribute(&html[at..], "data-n") {
        Some(n) => serde_json::from_str(&n).unwrap(),
        None => {
            let table = html.find("<table data-table").unwrap();
            let end = html[table..].find("</table>").unwrap() + table;
            html[table..end]
                .split("<tr><td")
                .skip(1)
                .map(|c| {
                    let text = &c[c.find('>').unwrap() + 1..];
                    text[..text.find("</td>").unwrap()].to_string()
                })
                .collect()
        }
    };
    assert_eq!(
        names.len(),
        values.len(),
        "{label}: names {names:?}, values {values:?}"
    );
    names.into_iter().zip(values).collect()
}

#[test]
fn scrubber_over_a_2d_run() {
    let _rng = common::torch_rng();
    manual_seed(0);
    let net = MlpConfig {
        sigmoid: false,
        ..Default::default()
    };
    let config = TrainConfig {
        loss: Loss::NonSaturating(gankit::losses::DOutput::Logit).into(),
        z_dim: net.z_dim,
        batch_size: 64,
        ..Default::default()
    };
    let points = Mixture::ring8().sample(2_000, 0);
    let mut toy = Gan::new(
        Device::Cpu,
        |p| mlp_generator(p, &net),
        |p| mlp_discriminator(p, &net),
        config,
    )
    .unwrap()
    .with_data(&points)
    .unwrap();
    let steps = 100;
    toy.train(
        steps,
        TrainOptions::new()
            .preview_every(1)
            .every(25, |t: &mut Gan<_, _>| {
                let s = t.steps_done() as f64;
                t.record("hook value", s / 25.0);
                Ok(())
            }),
    )
    .unwrap();
    assert_eq!(toy.snapshots().len(), steps + 1, "step 0 and every step");

    let t0 = std::time::Instant::now();
    let scrub = Scrubber::from_snapshots(toy.snapshots(), toy.history()).unwrap();
    let html = scrub.to_html().unwrap().0;
    let secs = t0.elapsed().as_secs_f64();
    let n = steps + 1;

    // One frame per snapshot, one slider over them, play/pause, a script; nothing outside.
    assert_eq!(scrub.len(), n);
    assert_eq!(count(&html, "data-frame=\""), n);
    // Drawn by the page from data (fakes, push, heatmap); one still for where scripts do not run.
    assert_eq!(count(&html, " data-f=\""), n);
    assert_eq!(count(&html, " data-h=\""), n);
    assert_eq!(count(&html, "<img "), 1);
    assert_eq!(count(&html, "<img data-still=\"\""), 1);
    assert_eq!(count(&html, r#"type="range""#), 1);
    assert!(html.contains(&format!(r#"min="0" max="{}""#, n - 1)));
    assert!(html.contains("data-play"));
    assert!(html.contains("<script>") && html.contains("addEventListener(\"input\""));
    assert_self_contained(&html);
    // Without the script: only the start frame (the last) is displayed.
    assert_eq!(count(&html, "display:flex;gap:14px"), 1);
    let shown = html.find("display:flex;gap:14px").unwrap();
    let div = html[..shown].rfind("<div data-frame=\"").unwrap();
    assert!(html[div..].starts_with(&format!(r#"<div data-frame="step {steps}""#)));

    // Each frame's numbers are its step's record.
    let rec = &toy.history().steps[41];
    let numbers = frame_numbers(&html, "step 42");
    let get = |name: &str| {
        numbers
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no {name:?} in {numbers:?}"))
            .1
            .clone()
    };
    assert_eq!(rec.step, 42);
    assert_eq!(get("step"), "42");
    let close = |text: &str, v: f64| {
        let x: f64 = text.parse().unwrap();
        assert!((x - v).abs() <= 1e-3 * v.abs().max(1.0), "{text} vs {v}");
    };
    close(&get("D loss"), rec.d_loss.unwrap());
    close(&get("G loss"), rec.g_loss.unwrap());
    close(&get("D(x)"), rec.d_real.unwrap());
    // The hook's series, as of the step: recorded at 25 (1.0) and 50 (2.0).
    assert_eq!(get("hook value"), "1");
    assert_eq!(frame_numbers(&html, "step 50").last().unwrap().1, "2");
    // Step 0 has no record: its losses show as "–", on the same rows as every frame.
    let first = frame_numbers(&html, "step 0");
    assert_eq!(first.len(), numbers.len());
    assert_eq!(first[1].1, "–");

    // Small: JPEG of at most 400 pixels wide, measured here.
    let kb = html.len() as f64 / 1024.0;
    let png_kb = scrub
        .clone()
        .encoding(FrameEncoding::Png)
        .to_html()
        .unwrap()
        .0
        .len() as f64
        / 1024.0;
    let small_kb = scrub
        .clone()
        .max_width(320)
        .encoding(FrameEncoding::Jpeg(70))
        .to_html()
        .unwrap()
        .0
        .len() as f64
        / 1024.0;
    println!(
        "{n} frames: {kb:.0} kB ({:.1} kB a frame, {secs:.1} s to encode); all PNG {png_kb:.0} kB; \
         320 px JPEG 70 {small_kb:.0} kB",
        kb / n as f64
    );
    assert!(kb < 1024.0, "{n} frames take {kb:.0} kB");
    assert!(small_kb < kb);

    std::fs::create_dir_all(check_dir()).unwrap();
    scrub.save(check_dir().join("scrubber_toy.html")).unwrap();
    scrub
        .clone()
        .start(37)
        .save(check_dir().join("scrubber_toy_start37.html"))
        .unwrap();
}

/// Report 005's picture of a loss: its value and its gradients with respect to C(x_r) and
/// C(x_f) over a grid of critic outputs, one frame per C(x_r).
#[test]
fn scrubber_over_a_loss() {
    let loss = Loss::Hinge;
    let grid: Vec<f64> = (0..=40).map(|j| -2.0 + 0.1 * j as f64).collect();
    // L_D and its two partial derivatives at one (C(x_r), C(x_f)), through autograd.
    let at = |r: f64, f: f64| {
        let cr = Tensor::from_slice(&[r]).set_requires_grad(true);
        let cf = Tensor::from_slice(&[f]).set_requires_grad(true);
        let l = loss.d_loss(&cr, &cf);
        let g = Tensor::run_backward(&[&l], &[&cr, &cf], false, false);
        (
            l.double_value(&[]),
            g[0].double_value(&[0]),
            g[1].double_value(&[0]),
        )
    };
    let values: Vec<f64> = (0..=12).map(|i| -1.5 + 0.25 * i as f64).collect();
    let scrub = Scrubber::sweep("hinge loss of D", "C(x_r)", values.clone(), |r| {
        let curves: Vec<(f64, (f64, f64, f64))> = grid.iter().map(|&f| (f, at(r, f))).collect();
        let plot = LinePlot::new(format!("C(x_r) = {r:.2}"))
            .x_label("C(x_f)")
            .line_xy("L_D", curves.iter().map(|&(f, v)| (f, v.0)))
            .line_xy("∂L_D/∂C(x_r)", curves.iter().map(|&(f, v)| (f, v.1)))
            .line_xy("∂L_D/∂C(x_f)", curves.iter().map(|&(f, v)| (f, v.2)));
        let (l, dr, df) = at(r, 0.0);
        Ok((
            plot,
            vec![
                ("L_D at C(x_f) = 0", l),
                ("∂L_D/∂C(x_r)", dr),
                ("∂L_D/∂C(x_f)", df),
            ],
        ))
    })
    .unwrap();
    let html = scrub.to_html().unwrap().0;
    assert_eq!(count(&html, "data-frame=\""), values.len());
    assert_self_contained(&html);
    // Hinge: L_D = relu(1 − C(x_r)) + relu(1 + C(x_f)); at C(x_f) = 0 its slopes are
    // −1 / 0 in C(x_r) (inside / outside the margin) and +1 in C(x_f).
    let inside = frame_numbers(&html, "C(x_r) = 0.5000");
    assert_eq!(inside[0], ("C(x_r)".into(), "0.5000".into()));
    assert_eq!(inside[1].1, "1.500");
    assert_eq!(inside[2].1, "-1");
    assert_eq!(inside[3].1, "1");
    let outside = frame_numbers(&html, "C(x_r) = 1.500");
    assert_eq!(outside[1].1, "1");
    assert_eq!(outside[2].1, "0");
    // Line plots are flat colours: PNG is mostly the smaller encoding.
    assert!(html.contains("data:image/png;base64,"));
    let kb = html.len() as f64 / 1024.0;
    println!(
        "loss sweep: {} frames of 720×400 line plots, {kb:.0} kB",
        values.len()
    );
    assert_eq!(scrub.len(), values.len());

    std::fs::create_dir_all(check_dir()).unwrap();
    scrub.save(check_dir().join("scrubber_loss.html")).unwrap();
}

#[test]
fn scrubber_settings_and_errors() {
    let img = image::RgbImage::from_fn(600, 300, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let scrub = Scrubber::new("a <b>title</b>")
        .frame_rgb("one", &img, &[("x", 1.0)])
        .unwrap()
        .frame_rgb("two & three", &img, &[("x", 2.5)])
        .unwrap()
        .start(99)
        .frame_ms(5)
        .max_width(300);
    let html = scrub.to_html().unwrap().0;
    // Labels and titles are escaped; the start is clamped to the last frame.
    assert!(html.contains("a &lt;b&gt;title&lt;/b&gt;"));
    assert!(html.contains(
        r#"<div data-frame="two &amp; three" data-v="[&quot;2.500&quot;]" style="display:flex"#
    ));
    assert!(html.contains(r#"value="1""#));
    // Play runs at 20 ms at least.
    assert!(html.contains(r#""ms":20"#));
    // Frames are scaled down to 300 pixels wide: decode the first.
    let b64 = html.split("base64,").nth(1).unwrap();
    let bytes = base64_decode(&b64[..b64.find('"').unwrap()]);
    let frame = image::load_from_memory(&bytes).unwrap();
    assert_eq!((frame.width(), frame.height()), (300, 150));
    // Two scrubbers in one page have different ids.
    let again = scrub.to_html().unwrap().0;
    let id = |h: &str| {
        h.split("id=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string()
    };
    assert_ne!(id(&html), id(&again));
    // A page, saved as .html only.
    let dir = std::env::temp_dir().join(format!("gankit-scrub-{}", std::process::id()));
    let page = scrub.save(dir.join("s.html")).unwrap();
    let text = std::fs::read_to_string(&page).unwrap();
    assert!(text.starts_with("<!DOCTYPE html>") && text.contains("<meta charset=\"utf-8\">"));
    let err = scrub.save(dir.join("s.png")).unwrap_err().to_string();
    assert!(err.contains(".html"), "{err}");
    // No frames: an error, not an empty figure.
    let err = Scrubber::new("empty").to_html().unwrap_err().to_string();
    assert!(err.contains("no frames"), "{err}");
    let err = Scrubber::from_snapshots(&[], &History::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("preview_every"), "{err}");
    assert!(Scrubber::new("x")
        .frame_png("bad", b"not a png".to_vec(), &[("x", 0.0)])
        .is_err());
    let _ = std::fs::remove_dir_all(dir);
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}
