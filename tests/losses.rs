//! gankit::losses against PyTorch (tests/reference/losses.py): every loss's D and G value and
//! gradients with respect to the D outputs, the weight and label options, report 002's
//! bread-and-corgi numbers, and the penalties' values and gradients on a tiny critic.
mod common;

use common::{assert_close, load};
use gankit::prelude::*;
use std::collections::HashMap;

const ATOL: f64 = 1e-5;
const RTOL: f64 = 1e-5;

fn loss(name: &str) -> Loss {
    match name {
        "minimax_prob" => Loss::Minimax(DOutput::Probability),
        "minimax_logit" => Loss::Minimax(DOutput::Logit),
        "ns_prob" => Loss::NonSaturating(DOutput::Probability),
        "ns_logit" => Loss::NonSaturating(DOutput::Logit),
        "wgan" => Loss::Wgan,
        "lsgan" => Loss::Lsgan,
        "hinge" => Loss::Hinge,
        "rsgan" => Loss::Rsgan,
        "rasgan" => Loss::Rasgan,
        "ralsgan" => Loss::RaLsgan,
        "rahinge" => Loss::RaHinge,
        _ => panic!("unknown loss {name}"),
    }
}

const NAMES: [&str; 11] = [
    "minimax_prob",
    "minimax_logit",
    "ns_prob",
    "ns_logit",
    "wgan",
    "lsgan",
    "hinge",
    "rsgan",
    "rasgan",
    "ralsgan",
    "rahinge",
];

/// Fresh leaves C(x_r), C(x_f) (D(x_r), D(x_f) for the probability losses).
fn inputs(fx: &HashMap<String, Tensor>, name: &str) -> (Tensor, Tensor) {
    let kind = if name.ends_with("_prob") {
        "prob"
    } else {
        "logit"
    };
    let leaf = |k: &str| fx[&format!("in.{kind}_{k}")].copy().set_requires_grad(true);
    (leaf("real"), leaf("fake"))
}

fn grad(t: &Tensor) -> Tensor {
    let g = t.grad();
    if g.defined() {
        g
    } else {
        t.zeros_like()
    }
}

/// Compares a loss value and its gradients with the fixture's `<key>.value/.grad_real/.grad_fake`.
fn check(fx: &HashMap<String, Tensor>, key: &str, terms: LossTerms, real: &Tensor, fake: &Tensor) {
    assert_close(
        &terms.value,
        &fx[&format!("{key}.value")],
        ATOL,
        RTOL,
        &format!("{key} value"),
    );
    terms.value.backward();
    assert_close(
        &grad(real),
        &fx[&format!("{key}.grad_real")],
        ATOL,
        RTOL,
        &format!("{key} ∂/∂C(x_r)"),
    );
    assert_close(
        &grad(fake),
        &fx[&format!("{key}.grad_fake")],
        ATOL,
        RTOL,
        &format!("{key} ∂/∂C(x_f)"),
    );
}

#[test]
fn every_d_and_g_loss_matches_pytorch() {
    let _rng = common::torch_rng();
    let fx = load("losses");
    for name in NAMES {
        for side in [Side::D, Side::G] {
            let (r, f) = inputs(&fx, name);
            let (key, terms) = match side {
                Side::D => (format!("d.{name}"), loss(name).d_terms(&r, &f)),
                Side::G => (format!("g.{name}"), loss(name).g_terms(&r, &f)),
            };
            check(&fx, &key, terms, &r, &f);
        }
    }
}

#[test]
fn loss_weights_and_labels_match_pytorch() {
    let _rng = common::torch_rng();
    let fx = load("losses");
    // The cases of losses.py's OPTION_CASES.
    let cases: [(&str, f64, f64, &str); 19] = [
        ("ns_prob.ratio37", 3.0, 7.0, "hard"),
        ("ns_logit.weights01", 0.0, 1.0, "hard"),
        ("minimax_prob.weights10", 1.0, 0.0, "hard"),
        ("hinge.ratio73", 7.0, 3.0, "hard"),
        ("wgan.ratio37", 3.0, 7.0, "hard"),
        ("lsgan.ratio73", 7.0, 3.0, "hard"),
        ("rasgan.half", 0.5, 0.5, "hard"),
        ("ralsgan.half", 0.5, 0.5, "hard"),
        ("rahinge.ratio37", 3.0, 7.0, "hard"),
        ("ns_prob.smooth", 1.0, 1.0, "smooth"),
        ("ns_logit.smooth", 1.0, 1.0, "smooth"),
        ("lsgan.smooth", 1.0, 1.0, "smooth"),
        ("ns_prob.noisy", 1.0, 1.0, "noisy"),
        ("ns_logit.noisy", 1.0, 1.0, "noisy"),
        ("minimax_logit.noisy", 1.0, 1.0, "noisy"),
        ("lsgan.noisy", 1.0, 1.0, "noisy"),
        ("rsgan.noisy", 1.0, 1.0, "noisy"),
        ("rasgan.noisy", 1.0, 1.0, "noisy"),
        ("ns_prob.noisy_ratio37", 3.0, 7.0, "noisy"),
    ];
    for (case, a, b, labels) in cases {
        let name = case.split('.').next().unwrap();
        let (r, f) = inputs(&fx, name);
        let cfg = if case.contains("ratio") {
            loss(name).ratio(a, b)
        } else {
            loss(name).weights(a, b)
        };
        let terms = match labels {
            "hard" => cfg.d_terms(&r, &f),
            "smooth" => cfg.labels(Labels::OneSided(0.9)).d_terms(&r, &f),
            _ => {
                let targets = Targets {
                    real: fx["labels.noisy_real"].copy(),
                    fake: fx["labels.noisy_fake"].copy(),
                };
                cfg.d_terms_with(&r, &f, targets)
            }
        };
        check(&fx, &format!("d.{case}"), terms, &r, &f);
    }
}

#[test]
fn noisy_labels_are_torchs_draws_after_manual_seed() {
    let _rng = common::torch_rng();
    let fx = load("losses");
    let (r, f) = inputs(&fx, "ns_prob");
    gankit::manual_seed(123);
    let targets = Loss::BCE.labels(Labels::noisy()).targets(&r, &f).unwrap();
    assert_close(
        &targets.real,
        &fx["labels.noisy_real"],
        1e-6,
        0.0,
        "noisy real labels",
    );
    assert_close(
        &targets.fake,
        &fx["labels.noisy_fake"],
        1e-6,
        0.0,
        "noisy fake labels",
    );
}

/// Report 002 §2: P(x_r is bread | C̄(x_f)) = σ(C(x_r) − E C(x_f)) is 1, .73, .88.
#[test]
fn bread_and_corgi_match_pytorch_and_the_report() {
    let _rng = common::torch_rng();
    let fx = load("losses");
    for (i, report) in [1.0, 0.73, 0.88].into_iter().enumerate() {
        let (r, f) = (
            &fx[&format!("corgi.{i}.real")],
            &fx[&format!("corgi.{i}.fake")],
        );
        let terms = Loss::Rasgan.d_terms(r, f);
        let p = terms.prob_real.as_ref().unwrap();
        assert_close(
            p,
            &fx[&format!("corgi.{i}.p")],
            ATOL,
            RTOL,
            &format!("scenario {i}: P"),
        );
        assert!(
            (p.double_value(&[0, 0]) - report).abs() < 0.005,
            "scenario {i}: P = {p}, the report says {report}\n{terms}"
        );
        assert_close(
            &terms.value,
            &fx[&format!("corgi.{i}.rasgan_d")],
            ATOL,
            RTOL,
            &format!("scenario {i}: RaSGAN L_D"),
        );
        let rsgan = Loss::Rsgan.d_loss(r, &f.mean(None).view([1, 1]));
        assert_close(
            &rsgan,
            &fx[&format!("corgi.{i}.rsgan_d")],
            ATOL,
            RTOL,
            &format!("scenario {i}: RSGAN L_D"),
        );
    }
}

/// The fixture's critic: Conv2d(2, 3, 2) + LeakyReLU(0.2), Linear(12, 4) + Tanh, Linear(4, 1),
/// with PyTorch's weights.
struct Critic {
    vs: nn::VarStore,
    conv: nn::Conv2D,
    fc1: nn::Linear,
    fc2: nn::Linear,
}

impl Critic {
    fn new(fx: &HashMap<String, Tensor>) -> Self {
        let vs = nn::VarStore::new(Device::Cpu);
        let root = vs.root();
        let conv = nn::conv2d(&root / "conv", 2, 3, 2, Default::default());
        let fc1 = nn::linear(&root / "fc1", 12, 4, Default::default());
        let fc2 = nn::linear(&root / "fc2", 4, 1, Default::default());
        tch::no_grad(|| {
            for (name, mut v) in vs.variables() {
                v.copy_(&fx[&format!("pen.critic.{name}")]);
            }
        });
        Critic { vs, conv, fc1, fc2 }
    }

    fn forward(&self, x: &Tensor) -> Tensor {
        let h = x.apply(&self.conv);
        let h = h.maximum(&(&h * 0.2)).flatten(1, -1);
        h.apply(&self.fc1).tanh().apply(&self.fc2)
    }

    /// Compares each parameter's gradient with `<key>.grad.<name>` (undefined = zero).
    fn check_grads(&self, fx: &HashMap<String, Tensor>, key: &str) {
        for (name, v) in self.vs.variables() {
            assert_close(
                &grad(&v),
                &fx[&format!("{key}.grad.{name}")],
                ATOL,
                RTOL,
                &format!("{key}: ∂/∂{name}"),
            );
        }
    }
}

fn check_penalty(fx: &HashMap<String, Tensor>, critic: &Critic, kind: &str, terms: PenaltyTerms) {
    let key = format!("pen.{kind}");
    assert_close(
        &terms.value,
        &fx[&format!("{key}.value")],
        ATOL,
        RTOL,
        &format!("{key} value"),
    );
    assert_close(
        &terms.grad_norms,
        &fx[&format!("{key}.norms")],
        ATOL,
        RTOL,
        &format!("{key} gradient norms"),
    );
    assert_close(
        &terms.points,
        &fx[&format!("{key}.points")],
        ATOL,
        RTOL,
        &format!("{key} points"),
    );
    terms.value.backward();
    critic.check_grads(fx, &key);
}

#[test]
fn gradient_penalties_match_pytorch() {
    let _rng = common::torch_rng();
    let fx = load("losses");
    let (real, fake, alpha, noise) = (
        &fx["pen.real"],
        &fx["pen.fake"],
        &fx["pen.alpha"],
        &fx["pen.noise"],
    );
    for kind in ["gp", "gp_one_sided", "dragan", "r1"] {
        let critic = Critic::new(&fx); // fresh, so gradients do not accumulate
        let c = |x: &Tensor| critic.forward(x);
        let terms = match kind {
            "gp" => GradientPenalty::default().penalty_with_alpha(&c, real, fake, alpha),
            "gp_one_sided" => GradientPenalty::default()
                .one_sided()
                .penalty_with_alpha(&c, real, fake, alpha),
            "dragan" => Dragan::default().penalty_with(&c, real, alpha, noise),
            _ => R1::default().penalty(&c, real),
        };
        let terms = terms.unwrap();
        assert!(!terms.to_string().is_empty());
        check_penalty(&fx, &critic, kind, terms);
    }
}

#[test]
fn weight_clipping_matches_pytorch() {
    let _rng = common::torch_rng();
    let fx = load("losses");
    let critic = Critic::new(&fx);
    WeightClip::new(0.1).apply(&critic.vs);
    for (name, v) in critic.vs.variables() {
        assert_close(
            &v,
            &fx[&format!("clip.{name}")],
            0.0,
            0.0,
            &format!("clipped {name}"),
        );
    }
}

#[test]
fn wgan_gp_reads_like_the_report() {
    let _rng = common::torch_rng();
    // err_d = err_d_fake − err_d_real + gradient_penalty (report 002 §4)
    let fx = load("losses");
    let critic = Critic::new(&fx);
    let (real, fake) = (&fx["pen.real"], &fx["pen.fake"]);
    let (d_real, d_fake) = (critic.forward(real), critic.forward(fake));
    let gp = GradientPenalty::default()
        .penalty_with_alpha(&|x| critic.forward(x), real, fake, &fx["pen.alpha"])
        .unwrap();
    let d_loss = Loss::Wgan.d_loss(&d_real, &d_fake) + &gp.value;
    let by_hand = d_fake.mean(None) - d_real.mean(None) + &fx["pen.gp.value"];
    assert_close(&d_loss, &by_hand, ATOL, RTOL, "WGAN-GP D loss");
}
