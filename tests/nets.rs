//! The networks against their PyTorch originals: parameter counts at the reports' sizes,
//! parameter names, and outputs given the same weights (fixtures written by
//! tests/reference/nets.py at small widths), plus the one-line messages for bad inputs.
mod common;

use common::{assert_close, load};
use gankit::nets::layers::{conv2d, conv_transpose2d, linear, ConvOpts, Layer};
use gankit::nets::spectral::spectral_norm;
use gankit::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::sync::MutexGuard;

type Fixture = HashMap<String, Tensor>;

const TOL: f64 = 1e-5;

/// Copies `<key>.state.*` into the var store's variables under `<key>.`, by name, after
/// checking that the names are exactly PyTorch's state_dict keys (BatchNorm's
/// `num_batches_tracked` aside: the reference script leaves it out, tch has no counter).
fn load_state(fx: &Fixture, vs: &nn::VarStore, key: &str) {
    let prefix = format!("{key}.state.");
    let state: BTreeMap<&str, &Tensor> = fx
        .iter()
        .filter_map(|(k, t)| Some((k.strip_prefix(&prefix)?, t)))
        .collect();
    let vars = vs.variables();
    let mine: BTreeMap<&str, &Tensor> = vars
        .iter()
        .filter_map(|(k, t)| Some((k.strip_prefix(key)?.strip_prefix('.')?, t)))
        .collect();
    assert_eq!(
        mine.keys().collect::<Vec<_>>(),
        state.keys().collect::<Vec<_>>(),
        "{key}: parameter names differ from PyTorch's"
    );
    tch::no_grad(|| {
        for (name, t) in &mine {
            assert_eq!(t.size(), state[name].size(), "{key}.{name}: shape");
            t.shallow_clone().copy_(state[name]);
        }
    });
}

/// Buffers after the train-mode call (running statistics, spectral norm's u and v).
fn check_buffers_after_train(fx: &Fixture, vs: &nn::VarStore, key: &str) {
    let prefix = format!("{key}.after.");
    let vars = vs.variables();
    for (name, want) in fx
        .iter()
        .filter_map(|(k, t)| Some((k.strip_prefix(&prefix)?, t)))
    {
        assert_close(
            &vars[&format!("{key}.{name}")],
            want,
            TOL,
            TOL,
            &format!("{key}.{name} after the train-mode call"),
        );
    }
}

type Forward<'a> = Box<dyn Fn(&Tensor, Option<&Tensor>, bool) -> Tensor + 'a>;

fn unconditional(net: &impl nn::ModuleT) -> Forward<'_> {
    Box::new(move |x, _, train| net.forward_t(x, train))
}

fn conditional(net: &impl ConditionalModuleT) -> Forward<'_> {
    Box::new(move |x, c, train| net.forward_ct(x, c.expect("fixture has a condition"), train))
}

/// Loads `key`'s weights, runs eval then train mode (seeding libtorch first when the net
/// has Dropout) on the input of `input`, and compares with PyTorch's outputs and buffers.
fn compare(
    fx: &Fixture,
    vs: &nn::VarStore,
    key: &str,
    input: &str,
    train_seed: Option<i64>,
    forward: Forward,
) {
    load_state(fx, vs, key);
    let x = &fx[&format!("{input}.x")];
    let cond = fx.get(&format!("{key}.cond"));
    for (mode, train) in [("eval", false), ("train", true)] {
        if let (Some(seed), true) = (train_seed, train) {
            tch::manual_seed(seed);
        }
        let y = tch::no_grad(|| forward(x, cond, train));
        assert_close(
            &y,
            &fx[&format!("{key}.{mode}")],
            TOL,
            TOL,
            &format!("{key} ({mode} mode)"),
        );
    }
    check_buffers_after_train(fx, vs, key);
}

/// A var store, and the lock every test here holds: libtorch's random generator is global, and
/// the Dropout comparisons need no other test drawing from it between `manual_seed` and the call.
fn vs() -> (nn::VarStore, MutexGuard<'static, ()>) {
    let guard = common::torch_rng();
    (nn::VarStore::new(Device::Cpu), guard)
}

// ---------------------------------------------------------------- same outputs as PyTorch

#[test]
fn baseline_matches_pytorch() {
    let fx = load("nets_baseline");
    let (vs, _serial) = vs();
    let r = vs.root();
    let small = BaselineConfig {
        z_dim: 8,
        dim: 2,
        ..Default::default()
    };
    let small32 = BaselineConfig {
        z_dim: 8,
        dim: 4,
        image_size: 32,
        ..Default::default()
    };
    compare(
        &fx,
        &vs,
        "g",
        "g",
        None,
        unconditional(&baseline_generator(&r / "g", &small)),
    );
    compare(
        &fx,
        &vs,
        "d",
        "d",
        None,
        unconditional(&baseline_discriminator(&r / "d", &small)),
    );
    compare(
        &fx,
        &vs,
        "critic",
        "d",
        None,
        unconditional(&baseline_critic(&r / "critic", &small)),
    );
    compare(
        &fx,
        &vs,
        "g32",
        "g32",
        None,
        unconditional(&baseline_generator(&r / "g32", &small32)),
    );
    compare(
        &fx,
        &vs,
        "d32",
        "d32",
        None,
        unconditional(&baseline_discriminator(&r / "d32", &small32)),
    );
}

#[test]
fn dcgan_matches_pytorch() {
    let fx = load("nets_dcgan");
    let (vs, _serial) = vs();
    let r = vs.root();
    let small = DcganConfig {
        z_dim: 8,
        ngf: 2,
        ndf: 2,
        ..Default::default()
    };
    let small32 = DcganConfig {
        z_dim: 8,
        ngf: 4,
        ndf: 4,
        image_size: 32,
        ..Default::default()
    };
    compare(
        &fx,
        &vs,
        "g",
        "g",
        None,
        unconditional(&dcgan_generator(&r / "g", &small)),
    );
    let dropout = DcganConfig {
        dropout: 0.5,
        ..small.clone()
    };
    compare(
        &fx,
        &vs,
        "g_dropout",
        "g_dropout",
        Some(7),
        unconditional(&dcgan_generator(&r / "g_dropout", &dropout)),
    );
    compare(
        &fx,
        &vs,
        "d",
        "d",
        None,
        unconditional(&dcgan_discriminator(&r / "d", &small)),
    );
    let logits = DcganConfig {
        sigmoid: false,
        ..small.clone()
    };
    compare(
        &fx,
        &vs,
        "d_logits",
        "d",
        None,
        unconditional(&dcgan_discriminator(&r / "d_logits", &logits)),
    );
    compare(
        &fx,
        &vs,
        "g32",
        "g32",
        None,
        unconditional(&dcgan_generator(&r / "g32", &small32)),
    );
    compare(
        &fx,
        &vs,
        "d32",
        "d32",
        None,
        unconditional(&dcgan_discriminator(&r / "d32", &small32)),
    );
}

#[test]
fn text_to_image_matches_pytorch() {
    let fx = load("nets_text_to_image");
    let (vs, _serial) = vs();
    let cfg = TextToImageConfig {
        z_dim: 8,
        n_classes: 5,
        ngf: 2,
        ndf: 2,
        ..Default::default()
    };
    compare(
        &fx,
        &vs,
        "g",
        "g",
        None,
        conditional(&text_to_image_generator(&vs.root() / "g", &cfg)),
    );
    compare(
        &fx,
        &vs,
        "d",
        "d",
        None,
        conditional(&text_to_image_discriminator(&vs.root() / "d", &cfg)),
    );
}

#[test]
fn selu_dcgan_matches_pytorch() {
    let fx = load("nets_selu");
    let (vs, _serial) = vs();
    let cfg = DcganConfig {
        z_dim: 8,
        ngf: 4,
        ndf: 4,
        image_size: 32,
        ..Default::default()
    };
    compare(
        &fx,
        &vs,
        "g",
        "g",
        None,
        unconditional(&selu_generator(&vs.root() / "g", &cfg)),
    );
    compare(
        &fx,
        &vs,
        "d",
        "d",
        None,
        unconditional(&selu_discriminator(&vs.root() / "d", &cfg)),
    );
}

#[test]
fn selu_generator_keeps_its_activations_at_scale() {
    // SELU's LeCun-normal init: the untrained G's images vary (the DCGAN init's N(0, 0.02)
    // gave std 0.014 at 32×32, a grey image that a bias-free SELU D cannot learn from)
    let (vs, _serial) = vs();
    manual_seed(0);
    for (size, ngf) in [(32, 32), (64, 64)] {
        let cfg = DcganConfig {
            image_size: size,
            ngf,
            ndf: ngf,
            ..Default::default()
        };
        let g = selu_generator(&vs.root() / format!("g{size}"), &cfg);
        let x = tch::no_grad(|| {
            g.forward_t(&Tensor::randn([16, 100], (Kind::Float, Device::Cpu)), true)
        });
        let std = x.std(true).double_value(&[]);
        assert!(
            (0.2..0.95).contains(&std),
            "{size}×{size}: the untrained G's output std is {std:.3}"
        );
    }
}

#[test]
fn cgan_matches_pytorch() {
    let fx = load("nets_cgan");
    let (vs, _serial) = vs();
    let cfg = CganConfig {
        z_dim: 5,
        n_classes: 3,
        ngf: 2,
        ndf: 2,
        ..Default::default()
    };
    compare(
        &fx,
        &vs,
        "g",
        "g",
        None,
        conditional(&cgan_generator(&vs.root() / "g", &cfg)),
    );
    compare(
        &fx,
        &vs,
        "d",
        "d",
        None,
        conditional(&cgan_discriminator(&vs.root() / "d", &cfg)),
    );
}

#[test]
fn conditional_wgan_matches_pytorch() {
    let fx = load("nets_cwgan");
    let (vs, _serial) = vs();
    let cfg = CwganConfig {
        z_dim: 8,
        n_tags: 6,
        ngf: 4,
        ndf: 4,
        image_size: 32,
        ..Default::default()
    };
    compare(
        &fx,
        &vs,
        "g",
        "g",
        None,
        conditional(&cwgan_generator(&vs.root() / "g", &cfg)),
    );
    compare(
        &fx,
        &vs,
        "critic",
        "critic",
        None,
        conditional(&cwgan_critic(&vs.root() / "critic", &cfg)),
    );
}

#[test]
fn mlp_matches_pytorch() {
    let fx = load("nets_mlp");
    let (vs, _serial) = vs();
    let cfg = MlpConfig {
        z_dim: 3,
        hidden: vec![16, 16],
        ..Default::default()
    };
    compare(
        &fx,
        &vs,
        "g",
        "g",
        None,
        unconditional(&mlp_generator(&vs.root() / "g", &cfg)),
    );
    compare(
        &fx,
        &vs,
        "d",
        "d",
        None,
        unconditional(&mlp_discriminator(&vs.root() / "d", &cfg)),
    );
}

#[test]
fn cyclegan_matches_pytorch() {
    let fx = load("nets_cyclegan");
    let (vs, _serial) = vs();
    let r = vs.root();
    let cfg = CycleGanConfig {
        ngf: 4,
        ndf: 4,
        n_blocks: 2,
        image_size: 32,
        ..Default::default()
    };
    let bn = CycleGanConfig {
        ndf: 2,
        norm: CycleGanNorm::Batch,
        dropout: true,
        sigmoid: true,
        ..cfg.clone()
    };
    compare(
        &fx,
        &vs,
        "g",
        "g",
        None,
        unconditional(&cyclegan_generator(&r / "g", &cfg)),
    );
    compare(
        &fx,
        &vs,
        "g_bn",
        "g",
        Some(8),
        unconditional(&cyclegan_generator(
            &r / "g_bn",
            &CycleGanConfig {
                ndf: 4,
                ..bn.clone()
            },
        )),
    );
    compare(
        &fx,
        &vs,
        "d",
        "g",
        None,
        unconditional(&patchgan_discriminator(&r / "d", &cfg)),
    );
    compare(
        &fx,
        &vs,
        "d_bn",
        "g",
        None,
        unconditional(&patchgan_discriminator(&r / "d_bn", &bn)),
    );
}

#[test]
fn stargan_matches_pytorch() {
    let fx = load("nets_stargan");
    let (vs, _serial) = vs();
    let cfg = StarGanConfig {
        image_size: 32,
        conv_dim: 4,
        c_dim: 3,
        g_repeat: 2,
        d_repeat: 3,
        ..Default::default()
    };
    compare(
        &fx,
        &vs,
        "g",
        "g",
        None,
        conditional(&stargan_generator(&vs.root() / "g", &cfg)),
    );
    let d = stargan_discriminator(&vs.root() / "d", &cfg);
    load_state(&fx, &vs, "d");
    for (mode, train) in [("eval", false), ("train", true)] {
        let (src, cls) = tch::no_grad(|| d.forward_t(&fx["g.x"], train));
        assert_close(
            &src,
            &fx[&format!("d.{mode}_src")],
            TOL,
            TOL,
            &format!("stargan d source map ({mode})"),
        );
        assert_close(
            &cls,
            &fx[&format!("d.{mode}_cls")],
            TOL,
            TOL,
            &format!("stargan d domain logits ({mode})"),
        );
    }
}

#[test]
fn spectral_norm_power_iteration_matches_pytorch() {
    let fx = load("nets_spectral");
    let (vs, _serial) = vs();
    let r = vs.root();
    let layers: [(&str, Layer); 3] = [
        (
            "conv",
            spectral_norm(&(&r / "conv"), |p| conv2d(p, 3, 5, 3, ConvOpts::new(2, 1))),
        ),
        (
            "conv_t",
            spectral_norm(&(&r / "conv_t"), |p| {
                conv_transpose2d(p, 5, 3, 4, ConvOpts::new(2, 1))
            }),
        ),
        (
            "linear",
            spectral_norm(&(&r / "linear"), |p| linear(p, 6, 4, true)),
        ),
    ];
    for (key, layer) in &layers {
        // eval: the stored u, v; train: one power-iteration step, then u, v as PyTorch's.
        compare(&fx, &vs, key, key, None, unconditional(layer));
    }
    let cfg = SnganConfig {
        ndf: 4,
        image_size: 32,
        n_classes: 5,
        ..Default::default()
    };
    compare(
        &fx,
        &vs,
        "d",
        "d",
        None,
        unconditional(&sn_discriminator(&r / "d", &cfg)),
    );
    compare(
        &fx,
        &vs,
        "projection",
        "d",
        None,
        conditional(&projection_discriminator(&r / "projection", &cfg)),
    );
}

#[test]
fn spectral_norm_keeps_gradients_through_two_train_calls() {
    // A WGAN-GP step calls D on real and fake before one backward: the second call's in-place
    // update of u, v must not break the first call's graph.
    let (vs, _serial) = vs();
    let d = sn_discriminator(
        &vs.root() / "d",
        &SnganConfig {
            ndf: 4,
            image_size: 32,
            ..Default::default()
        },
    );
    let x = Tensor::randn([2, 3, 32, 32], (Kind::Float, Device::Cpu));
    let loss =
        d.forward_t(&x, true).mean(Kind::Float) - d.forward_t(&(-&x), true).mean(Kind::Float);
    loss.backward();
    let w = &vs.variables()["d.main.0.weight_orig"];
    assert!(
        w.grad().abs().sum(Kind::Float).double_value(&[]) > 0.0,
        "weight_orig gets a gradient"
    );
    assert!(
        !vs.variables()["d.main.0.weight_u"].requires_grad(),
        "u is a buffer"
    );
    assert_eq!(
        vs.trainable_variables().len(),
        d.variables()
            .iter()
            .filter(|(k, _)| !k.ends_with("_u") && !k.ends_with("_v"))
            .count()
    );
}

// ---------------------------------------------------------------- sizes

/// Trainable parameters and output shapes (batch 1, from the summary's forward pass).
fn check_size(net: &dyn Net, input: &[i64], params: i64, outputs: &[&[i64]]) {
    assert_eq!(
        net.trainable_parameters(),
        params,
        "{}: trainable parameters (PyTorch's count)",
        net.name()
    );
    let s = net.summary(input);
    let want: Vec<Vec<i64>> = outputs.iter().map(|o| o.to_vec()).collect();
    assert_eq!(
        s.output_shapes,
        want,
        "{}: output shapes for input {input:?}",
        net.name()
    );
    assert_eq!(s.total_parameters, params);
    assert_eq!(
        s.rows.iter().map(|r| r.params).sum::<i64>(),
        params,
        "{}: rows add up to the total",
        net.name()
    );
}

#[test]
fn dcgan_family_sizes_match_pytorch_at_64_and_32() {
    let (vs, _serial) = vs();
    let r = vs.root();
    // (image size, [parameter counts from tests/reference/nets.py --counts])
    for (s, n) in [
        (
            64,
            [
                5_142_083, 4_316_545, 4_314_753, 3_576_704, 2_765_568, 3_574_784, 2_763_776,
            ],
        ),
        (
            32,
            [
                1_446_979, 1_034_113, 1_033_345, 1_068_928, 663_296, 1_068_032, 662_528,
            ],
        ),
    ] {
        let (img, one): (&[i64], &[i64]) = (&[1, 3, s, s], &[1]);
        let b = BaselineConfig {
            image_size: s,
            ..Default::default()
        };
        check_size(
            &baseline_generator(&r / format!("bg{s}"), &b),
            &[1, 100],
            n[0],
            &[img],
        );
        check_size(
            &baseline_discriminator(&r / format!("bd{s}"), &b),
            img,
            n[1],
            &[one],
        );
        check_size(
            &baseline_critic(&r / format!("bc{s}"), &b),
            img,
            n[2],
            &[one],
        );
        let d = DcganConfig {
            image_size: s,
            ..Default::default()
        };
        check_size(
            &dcgan_generator(&r / format!("dg{s}"), &d),
            &[1, 100, 1, 1],
            n[3],
            &[img],
        );
        check_size(
            &dcgan_discriminator(&r / format!("dd{s}"), &d),
            img,
            n[4],
            &[one],
        );
        check_size(
            &dcgan_generator(
                &r / format!("dgd{s}"),
                &DcganConfig {
                    dropout: 0.5,
                    ..d.clone()
                },
            ),
            &[1, 100],
            n[3],
            &[img],
        );
        check_size(
            &selu_generator(&r / format!("sg{s}"), &d),
            &[1, 100],
            n[5],
            &[img],
        );
        check_size(
            &selu_discriminator(&r / format!("sd{s}"), &d),
            img,
            n[6],
            &[one],
        );
    }
}

#[test]
fn conditional_and_sn_sizes_match_pytorch_at_64_and_32() {
    let (vs, _serial) = vs();
    let r = vs.root();
    for (s, n) in [
        (
            64,
            [
                4_565_832, 8_168_921, 3_158_912, 2_868_992, 3_765_120, 2_788_289, 2_764_737,
                2_817_985,
            ],
        ),
        (
            32,
            [
                1_570_632, 2_436_825, 860_032, 689_920, 1_163_136, 686_529, 662_977, 689_601,
            ],
        ),
    ] {
        let (img, one): (&[i64], &[i64]) = (&[1, 3, s, s], &[1]);
        let t = TextToImageConfig {
            image_size: s,
            ..Default::default()
        };
        check_size(
            &text_to_image_generator(&r / format!("tg{s}"), &t),
            &[1, 100],
            n[0],
            &[img],
        );
        check_size(
            &text_to_image_discriminator(&r / format!("td{s}"), &t),
            img,
            n[1],
            &[one],
        );
        let c = CganConfig {
            image_size: s,
            ..Default::default()
        };
        check_size(
            &cgan_generator(&r / format!("cg{s}"), &c),
            &[1, 25],
            n[2],
            &[img],
        );
        check_size(
            &cgan_discriminator(&r / format!("cd{s}"), &c),
            img,
            n[3],
            &[one],
        );
        let w = CwganConfig {
            image_size: s,
            ..Default::default()
        };
        check_size(
            &cwgan_generator(&r / format!("wg{s}"), &w),
            &[1, 100],
            n[4],
            &[img],
        );
        check_size(&cwgan_critic(&r / format!("wc{s}"), &w), img, n[5], &[one]);
        let sn = SnganConfig {
            image_size: s,
            ..Default::default()
        };
        check_size(
            &sn_discriminator(&r / format!("sn{s}"), &sn),
            img,
            n[6],
            &[one],
        );
        check_size(
            &projection_discriminator(&r / format!("pd{s}"), &sn),
            img,
            n[7],
            &[one],
        );
    }
}

#[test]
fn mlp_cyclegan_stargan_sizes_match_pytorch() {
    let (vs, _serial) = vs();
    let r = vs.root();
    check_size(
        &mlp_generator(&r / "mg", &MlpConfig::default()),
        &[5, 2],
        17_154,
        &[&[5, 2]],
    );
    check_size(
        &mlp_discriminator(&r / "md", &MlpConfig::default()),
        &[5, 2],
        17_025,
        &[&[5]],
    );
    let c = CycleGanConfig::default();
    check_size(
        &cyclegan_generator(&r / "cg", &c),
        &[1, 3, 256, 256],
        7_837_699,
        &[&[1, 3, 256, 256]],
    );
    check_size(
        &patchgan_discriminator(&r / "pd", &c),
        &[1, 3, 256, 256],
        2_764_737,
        &[&[1, 1, 30, 30]],
    );
    assert_eq!(
        cyclegan_generator(
            &r / "cg9",
            &CycleGanConfig {
                n_blocks: 9,
                ..c.clone()
            }
        )
        .trainable_parameters(),
        11_378_179
    );
    let c32 = CycleGanConfig {
        image_size: 32,
        ..c
    };
    check_size(
        &cyclegan_generator(&r / "cg32", &c32),
        &[1, 3, 32, 32],
        7_837_699,
        &[&[1, 3, 32, 32]],
    );
    check_size(
        &patchgan_discriminator(&r / "pd32", &c32),
        &[1, 3, 32, 32],
        2_764_737,
        &[&[1, 1, 2, 2]],
    );
    let s = StarGanConfig::default();
    check_size(
        &stargan_generator(&r / "sg", &s),
        &[1, 3, 128, 128],
        8_430_528,
        &[&[1, 3, 128, 128]],
    );
    check_size(
        &stargan_discriminator(&r / "sd", &s),
        &[1, 3, 128, 128],
        44_762_048,
        &[&[1, 1, 2, 2], &[1, 5]],
    );
    let s64 = StarGanConfig {
        image_size: 64,
        ..s.clone()
    };
    check_size(
        &stargan_discriminator(&r / "sd64", &s64),
        &[1, 3, 64, 64],
        44_731_328,
        &[&[1, 1, 1, 1], &[1, 5]],
    );
    let s32 = StarGanConfig {
        image_size: 32,
        d_repeat: 5,
        ..s
    };
    check_size(
        &stargan_generator(&r / "sg32", &s32),
        &[1, 3, 32, 32],
        8_430_528,
        &[&[1, 3, 32, 32]],
    );
    let d32 = stargan_discriminator(&r / "sd32", &s32);
    assert_eq!(
        d32.summary(&[1, 3, 32, 32]).output_shapes,
        [vec![1, 1, 1, 1], vec![1, 5]]
    );
}

// ---------------------------------------------------------------- names, init, summary

#[test]
fn variables_are_the_var_store_names_below_the_net() {
    let (vs, _serial) = vs();
    let g = baseline_generator(&vs.root() / "gen", &BaselineConfig::default());
    let mine: Vec<String> = g
        .variables()
        .into_keys()
        .map(|k| format!("gen.{k}"))
        .collect();
    let mut store: Vec<String> = vs.variables().into_keys().collect();
    store.sort();
    assert_eq!(mine, store);
    assert!(
        mine.contains(&"gen.l2_5.0.0.weight".to_string())
            && mine.contains(&"gen.l1.1.running_var".to_string())
    );
}

#[test]
fn dcgan_init_is_applied_where_the_reports_apply_it() {
    let (vs, _serial) = vs();
    tch::manual_seed(1);
    let g = dcgan_generator(&vs.root() / "g", &DcganConfig::default());
    let v = g.variables();
    let (std, mean) = v["main.3.weight"].std_mean(true);
    assert!((std.double_value(&[]) - 0.02).abs() < 0.001 && mean.double_value(&[]).abs() < 0.001);
    let (std, mean) = v["main.1.weight"].std_mean(true);
    assert!(
        (std.double_value(&[]) - 0.02).abs() < 0.005
            && (mean.double_value(&[]) - 1.0).abs() < 0.005,
        "BatchNorm γ ~ N(1, 0.02)"
    );
    // StarGAN keeps PyTorch's defaults: uniform in ±1/√fan_in.
    let d = stargan_discriminator(&vs.root() / "d", &StarGanConfig::default());
    let bound = 1.0 / ((3 * 4 * 4) as f64).sqrt();
    let w = &d.variables()["main.0.weight"];
    let std = w.std(true).double_value(&[]);
    assert!(
        w.abs().max().double_value(&[]) <= bound && (std - bound / 3f64.sqrt()).abs() < 0.01,
        "std {std}"
    );
}

#[test]
fn summary_reads_like_pytorch() {
    let (vs, _serial) = vs();
    let d = dcgan_discriminator(&vs.root() / "netD", &DcganConfig::default());
    let s = d.summary(&[1, 3, 64, 64]);
    assert_eq!(s.rows.len(), 12);
    assert_eq!(
        (s.rows[0].name.as_str(), s.rows[0].layer.as_str()),
        (
            "main.0",
            "Conv2d(3, 64, 4, stride=2, padding=1, bias=False)"
        )
    );
    assert_eq!(s.rows[0].output_shape, [1, 64, 32, 32]);
    assert_eq!(
        (s.rows[3].layer.as_str(), s.rows[3].params),
        ("BatchNorm2d(128)", 256)
    );
    assert_eq!(s.rows[11].output_shape, [1, 1, 1, 1]);
    let text = s.to_string();
    assert!(
        text.starts_with("dcgan discriminator — input [1, 3, 64, 64]"),
        "{text}"
    );
    assert!(
        text.contains("main.11")
            && text.contains("[1, 512, 4, 4]")
            && text.ends_with("Trainable params: 2,765,568"),
        "{text}"
    );
    let html = s.to_html();
    assert!(
        html.starts_with("<table>")
            && html.contains("<td><code>main.0</code></td>")
            && html.contains("2,765,568")
    );
    assert_eq!(s.trainable_parameters(), 2_765_568);
    // Nested and residual names, conditional nets.
    let g = stargan_generator(
        &vs.root() / "G",
        &StarGanConfig {
            image_size: 32,
            ..Default::default()
        },
    );
    let s = g.summary(&[2, 3, 32, 32]);
    assert!(s.rows.iter().any(|r| r.name == "main.9.main.1"
        && r.layer == "InstanceNorm2d(256, affine=True, track_running_stats=True)"));
    let t = text_to_image_discriminator(&vs.root() / "t", &TextToImageConfig::default());
    let s = t.summary(&[1, 3, 64, 64]);
    let names: Vec<&str> = s.rows.iter().map(|r| r.name.as_str()).collect();
    // In the order they run: the condition first, as in the report's forward.
    assert_eq!(names[..3], ["embed", "c_cv", "main.0"]);
    assert_eq!(
        names[names.len() - 5..],
        ["main.10", "main2.0", "main2.1", "main2.2", "dense"]
    );
}

#[test]
fn summary_leaves_running_statistics_alone() {
    let (vs, _serial) = vs();
    let g = dcgan_generator(
        &vs.root() / "g",
        &DcganConfig {
            image_size: 32,
            ..Default::default()
        },
    );
    let before = g.variables()["main.1.running_mean"].copy();
    let _ = g.summary(&[4, 100]);
    assert!(g.variables()["main.1.running_mean"].equal(&before));
}

// ---------------------------------------------------------------- bad input

fn panic_message(f: impl FnOnce()) -> String {
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).expect_err("should panic");
    std::panic::set_hook(prev);
    err.downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap()
}

fn zeros(shape: &[i64]) -> Tensor {
    Tensor::zeros(shape, (Kind::Float, Device::Cpu))
}

#[test]
fn wrong_image_size_is_one_line_naming_both_shapes() {
    let (vs, _serial) = vs();
    let d = dcgan_discriminator(&vs.root() / "d", &DcganConfig::default());
    let x = zeros(&[8, 3, 32, 32]);
    let want = "dcgan discriminator input: expected shape [N, 3, 64, 64], got [8, 3, 32, 32]";
    let err = d.try_forward_t(&x, false).unwrap_err();
    assert!(matches!(err, Error::Shape { .. }));
    assert_eq!(err.to_string(), want);
    assert_eq!(panic_message(|| drop(d.forward_t(&x, true))), want);
    assert_eq!(panic_message(|| drop(d.summary(&[8, 3, 32, 32]))), want);
    assert_eq!(
        d.try_summary(&[8, 3, 32, 32]).unwrap_err().to_string(),
        want
    );

    let g = dcgan_generator(&vs.root() / "g", &DcganConfig::default());
    assert_eq!(
        g.try_forward_t(&zeros(&[8, 64]), false)
            .unwrap_err()
            .to_string(),
        "dcgan generator input: expected shape [N, 100] or [N, 100, 1, 1], got [8, 64]"
    );
    let s = stargan_discriminator(
        &vs.root() / "s",
        &StarGanConfig {
            image_size: 64,
            ..Default::default()
        },
    );
    assert_eq!(
        panic_message(|| drop(s.forward_t(&zeros(&[2, 3, 128, 128]), false))),
        "stargan discriminator input: expected shape [N, 3, 64, 64], got [2, 3, 128, 128]"
    );
    let m = mlp_discriminator(&vs.root() / "m", &MlpConfig::default());
    assert_eq!(
        m.try_forward_t(&zeros(&[10]), false)
            .unwrap_err()
            .to_string(),
        "mlp discriminator input: expected shape [N, 2], got [10]"
    );
}

#[test]
fn wrong_condition_width_is_one_line_naming_both_shapes() {
    let (vs, _serial) = vs();
    let d = cgan_discriminator(&vs.root() / "d", &CganConfig::default());
    let x = zeros(&[8, 3, 64, 64]);
    let want = "cgan discriminator condition: expected shape [8, 24], got [8, 23]";
    assert_eq!(
        d.try_forward_ct(&x, &zeros(&[8, 23]), false)
            .unwrap_err()
            .to_string(),
        want
    );
    assert_eq!(
        panic_message(|| drop(d.forward_ct(&x, &zeros(&[8, 23]), false))),
        want
    );
    assert_eq!(
        d.try_forward_ct(&x, &zeros(&[4, 24]), false)
            .unwrap_err()
            .to_string(),
        "cgan discriminator condition: expected shape [8, 24], got [4, 24]"
    );
    let g = text_to_image_generator(&vs.root() / "g", &TextToImageConfig::default());
    assert_eq!(
        panic_message(|| drop(g.forward_ct(&zeros(&[2, 100]), &zeros(&[2, 23]), false))),
        "text-to-image generator condition: expected shape [2, 119], got [2, 23]"
    );
    // Integer one-hot rows are accepted.
    let labels = Tensor::from_slice(&[1i64, 0, 0, 1]).view([2, 2]);
    let s = stargan_generator(
        &vs.root() / "s",
        &StarGanConfig {
            image_size: 16,
            c_dim: 2,
            conv_dim: 4,
            g_repeat: 1,
            ..Default::default()
        },
    );
    assert_eq!(
        s.forward_ct(&zeros(&[2, 3, 16, 16]), &labels, false).size(),
        [2, 3, 16, 16]
    );
}

#[test]
fn unsupported_image_size_is_refused_when_building() {
    let (vs, _serial) = vs();
    let msg = panic_message(|| {
        drop(dcgan_generator(
            &vs.root() / "g",
            &DcganConfig {
                image_size: 48,
                ..Default::default()
            },
        ))
    });
    assert_eq!(msg, "dcgan generator: image_size must be a power of two from 8 (64 in the reports, 32 for quick runs), got 48");
    let msg = panic_message(|| {
        drop(stargan_discriminator(
            &vs.root() / "d",
            &StarGanConfig {
                image_size: 32,
                ..Default::default()
            },
        ))
    });
    assert!(msg.contains("must be a multiple of 2^d_repeat"), "{msg}");
}
