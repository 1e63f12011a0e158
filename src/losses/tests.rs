//! Unit tests that teach: the reports' numbers, the formulas on hand-checkable inputs, and the
//! one-line failures. The PyTorch comparisons are in tests/losses.rs.
use super::*;
use tch::{nn, nn::Module, Kind};

fn t(v: &[f32]) -> Tensor {
    Tensor::from_slice(v).view([-1, 1])
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

fn softplus(x: f64) -> f64 {
    x.max(0.0) + (-x.abs()).exp().ln_1p()
}

/// Report 002 §2's table: P(x_r is bread | C̄(x_f)) = σ(C(x_r) − E C(x_f)).
#[test]
fn bread_and_corgi_probabilities() {
    for (c_real, c_fake, p) in [
        (8.0, [-4.0, -6.0], 1.0),
        (8.0, [6.0, 8.0], 0.73),
        (-3.0, [-4.0, -6.0], 0.88),
    ] {
        let terms = Loss::Rasgan.d_terms(&t(&[c_real]), &t(&c_fake));
        let got = terms.prob_real.as_ref().unwrap().double_value(&[0, 0]);
        assert!(
            close(got, p, 0.005),
            "C(x_r) = {c_real}, E C(x_f) = {}: P = {got}, the report says {p}",
            (c_fake[0] + c_fake[1]) / 2.0
        );
    }
    // The standard GAN's absolute probability of the third scenario: σ(−3) ≈ .05.
    let d = Loss::BCE_WITH_LOGITS.d_terms(&t(&[-3.0]), &t(&[-5.0]));
    assert!(close(
        d.prob_real.unwrap().double_value(&[0, 0]),
        0.05,
        0.005
    ));
}

#[test]
fn rsgan_on_bread_and_corgi_is_minus_log_sigmoid_of_the_difference() {
    for (r, f) in [(8.0, -5.0), (8.0, 7.0), (-3.0, -5.0)] {
        let d = Loss::Rsgan.d_loss(&t(&[r]), &t(&[f])).double_value(&[]);
        let g = Loss::Rsgan.g_loss(&t(&[r]), &t(&[f])).double_value(&[]);
        // −log σ(x) = softplus(−x)
        assert!(
            close(d, softplus(-(r - f) as f64), 1e-6),
            "L_D({r}, {f}) = {d}"
        );
        assert!(
            close(g, softplus(-(f - r) as f64), 1e-6),
            "L_G({r}, {f}) = {g}"
        );
    }
    // σ(8 − (−5)) = σ(13): D is sure, its loss is tiny, G's is about 13.
    assert!(
        Loss::Rsgan
            .d_loss(&t(&[8.0]), &t(&[-5.0]))
            .double_value(&[])
            < 3e-6
    );
    assert!(close(
        Loss::Rsgan
            .g_loss(&t(&[8.0]), &t(&[-5.0]))
            .double_value(&[]),
        13.0,
        1e-5
    ));
}

#[test]
fn the_table_prints_its_probability() {
    let s = Loss::Rasgan
        .d_terms(&t(&[8.0]), &t(&[6.0, 8.0]))
        .to_string();
    assert!(
        s.contains("C(x_r) − E C(x_f): [1.0000] → σ: [0.7311]"),
        "{s}"
    );
    assert!(s.starts_with("RaSGAN D loss"), "{s}");
}

#[test]
fn logits_are_stable_where_probabilities_saturate() {
    // A D sure the fakes are fake (C = −200): log σ(−200) = −200, not −inf.
    let g = Loss::BCE_WITH_LOGITS
        .g_loss(&t(&[0.0]), &t(&[-200.0]))
        .double_value(&[]);
    assert!(close(g, 200.0, 1e-3), "{g}");
    // On probabilities the log is clamped at −100 like torch's BCELoss: D(x_f) = 1 costs 100.
    let d = Loss::BCE.d_loss(&t(&[1.0]), &t(&[1.0])).double_value(&[]);
    assert!(close(d, 100.0, 1e-4), "{d}");
}

#[test]
fn minimax_and_non_saturating_share_the_d_loss_not_the_g_loss() {
    let (r, f) = (t(&[0.9, 0.8]), t(&[0.1, 0.3]));
    for o in [DOutput::Probability, DOutput::Logit] {
        let (mm, ns) = (Loss::Minimax(o), Loss::NonSaturating(o));
        assert_eq!(
            mm.d_loss(&r, &f).double_value(&[]),
            ns.d_loss(&r, &f).double_value(&[])
        );
        let p = match o {
            DOutput::Probability => f.shallow_clone(),
            DOutput::Logit => f.sigmoid(),
        };
        let mm_g = (1f64 - &p).log().mean(None).double_value(&[]);
        let ns_g = -p.log().mean(None).double_value(&[]);
        assert!(close(mm.g_loss(&r, &f).double_value(&[]), mm_g, 1e-6));
        assert!(close(ns.g_loss(&r, &f).double_value(&[]), ns_g, 1e-6));
    }
}

#[test]
#[should_panic(expected = "for a D without Sigmoid use DOutput::Logit")]
fn probabilities_outside_0_1_fail_with_one_line() {
    let _ = Loss::BCE.d_loss(&t(&[2.5]), &t(&[-1.0]));
}

#[test]
fn wgan_hinge_and_lsgan_on_hand_values() {
    let (r, f) = (t(&[2.0, 0.5]), t(&[-1.5, 0.5]));
    let d = |l: Loss| l.d_loss(&r, &f).double_value(&[]);
    let g = |l: Loss| l.g_loss(&r, &f).double_value(&[]);
    assert!(close(d(Loss::Wgan), -1.25 + -0.5, 1e-6));
    assert!(close(g(Loss::Wgan), 0.5, 1e-6));
    // hinge: E max(0, 1 − r) = (0 + .5)/2, E max(0, 1 + f) = (0 + 1.5)/2
    assert!(close(d(Loss::Hinge), 0.25 + 0.75, 1e-6));
    // LSGAN: ½E(r − 1)² = ½(1 + .25)/2, ½E f² = ½(2.25 + .25)/2, ½E(f − 1)² = ½(6.25 + .25)/2
    assert!(close(d(Loss::Lsgan), 0.3125 + 0.625, 1e-6));
    assert!(close(g(Loss::Lsgan), 1.625, 1e-6));
    let terms = Loss::Wgan.d_terms(&r, &f);
    assert!(
        close(terms.wasserstein.double_value(&[]), 1.25 + 0.5, 1e-6),
        "{terms}"
    );
}

#[test]
fn report_004_ratios_weight_the_terms() {
    let (r, f) = (t(&[0.7, 0.6]), t(&[0.2, 0.4]));
    let base = Loss::BCE.d_terms(&r, &f);
    let (real, fake) = (
        base.real_term.unwrap().double_value(&[]),
        base.fake_term.unwrap().double_value(&[]),
    );
    assert!(close(base.value.double_value(&[]), real + fake, 1e-6));
    for (a, b) in [(1.0, 1.0), (3.0, 7.0), (0.0, 1.0), (7.0, 3.0), (1.0, 0.0)] {
        let got = Loss::BCE.ratio(a, b).d_loss(&r, &f).double_value(&[]);
        let want = 2.0 * (a * real + b * fake) / (a + b);
        assert!(close(got, want, 1e-6), "{a}:{b}: {got} vs {want}");
    }
    assert_eq!(Loss::BCE.ratio(3.0, 7.0).real_weight, 0.6);
}

/// (That `manual_seed` reproduces them, matching PyTorch's draws, is in tests/losses.rs.)
#[test]
fn noisy_labels_are_in_report_001s_ranges() {
    let cfg = Loss::BCE.labels(Labels::noisy());
    let (r, f) = (
        Tensor::full([500, 1], 0.5, (Kind::Float, tch::Device::Cpu)),
        Tensor::full([500, 1], 0.5, (Kind::Float, tch::Device::Cpu)),
    );
    let a = cfg.targets(&r, &f).unwrap();
    let range = |x: &Tensor| (x.min().double_value(&[]), x.max().double_value(&[]));
    let ((rlo, rhi), (flo, fhi)) = (range(&a.real), range(&a.fake));
    assert!(
        rlo >= 0.75 && rhi < 1.25 && rhi > 1.2 && rlo < 0.8,
        "real labels in [{rlo}, {rhi}]"
    );
    assert!(
        flo >= 0.0 && fhi < 0.25 && fhi > 0.2 && flo < 0.05,
        "fake labels in [{flo}, {fhi}]"
    );
    // One-sided smoothing changes only the real labels.
    let s = Loss::BCE
        .labels(Labels::one_sided())
        .targets(&r, &f)
        .unwrap();
    assert_eq!(
        (s.real.double_value(&[0, 0]), s.fake.double_value(&[0, 0])),
        (0.9f32 as f64, 0.0)
    );
}

#[test]
#[should_panic(expected = "WGAN: the D loss has no 1/0 targets")]
fn labels_on_a_loss_without_targets_fail() {
    let _ = Loss::Wgan
        .labels(Labels::noisy())
        .d_loss(&t(&[1.0]), &t(&[0.0]));
}

#[test]
#[should_panic(expected = "RSGAN pairs C(x_r) with C(x_f): their shapes [2, 1] and [3, 1] differ")]
fn rsgan_needs_pairs() {
    let _ = Loss::Rsgan.d_loss(&t(&[1.0, 2.0]), &t(&[0.0, 1.0, 2.0]));
}

#[test]
#[should_panic(expected = "weights 0.6:1.4 do not apply")]
fn rsgan_has_no_real_and_fake_terms_to_weight() {
    let _ = Loss::Rsgan.ratio(3.0, 7.0).d_loss(&t(&[1.0]), &t(&[0.0]));
}

#[test]
fn gradients_flow_through_terms() {
    let r = t(&[0.3, -0.2]).set_requires_grad(true);
    let f = t(&[0.1, 0.4]).set_requires_grad(true);
    for loss in Loss::ALL {
        let (r, f) = match loss {
            Loss::Minimax(DOutput::Probability) | Loss::NonSaturating(DOutput::Probability) => {
                (r.sigmoid(), f.sigmoid())
            }
            _ => (r.shallow_clone(), f.shallow_clone()),
        };
        let terms = loss.d_terms(&r, &f);
        assert!(terms.value.requires_grad(), "{loss}");
        assert!(!terms.to_string().is_empty());
    }
}

/// C(x) = w·x has ∇ₓC = w everywhere: GP = λ(‖w‖ − 1)², R1 = γ/2·‖w‖².
#[test]
fn penalties_of_a_linear_critic() {
    let vs = nn::VarStore::new(tch::Device::Cpu);
    let lin = nn::linear(vs.root(), 3, 1, Default::default());
    let critic = |x: &Tensor| lin.forward(x);
    let w = lin.ws.norm().double_value(&[]);
    let (real, fake) = (
        Tensor::randn([5, 3], tch::kind::FLOAT_CPU),
        Tensor::randn([5, 3], tch::kind::FLOAT_CPU),
    );
    let gp = GradientPenalty::default()
        .penalty(&critic, &real, &fake)
        .unwrap();
    assert!(
        close(gp.value_f64(), 10.0 * (w - 1.0).powi(2), 1e-4),
        "{gp}"
    );
    assert_eq!(gp.alpha.as_ref().unwrap().size(), [5, 1]);
    let one = GradientPenalty::default()
        .one_sided()
        .penalty(&critic, &real, &fake)
        .unwrap();
    assert!(
        close(one.value_f64(), 10.0 * (w - 1.0).max(0.0).powi(2), 1e-4),
        "{one}"
    );
    let r1 = R1::default().penalty(&critic, &real).unwrap();
    assert!(close(r1.value_f64(), 5.0 * w * w, 1e-4), "{r1}");
    let dragan = Dragan::default().penalty(&critic, &real).unwrap();
    assert!(
        close(dragan.value_f64(), 10.0 * (w - 1.0).powi(2), 1e-4),
        "{dragan}"
    );
    // The penalty trains the critic: its gradient reaches the weights.
    gp.value.backward();
    assert!(lin.ws.grad().abs().sum(None).double_value(&[]) > 0.0);
}

#[test]
fn penalty_on_mismatched_batches_names_both_shapes() {
    let critic = |x: &Tensor| x.sum_dim_intlist(1, false, None);
    let real = Tensor::zeros([4, 3, 8, 8], tch::kind::FLOAT_CPU);
    let fake = Tensor::zeros([2, 3, 8, 8], tch::kind::FLOAT_CPU);
    let e = GradientPenalty::default()
        .penalty(&critic, &real, &fake)
        .unwrap_err()
        .to_string();
    assert_eq!(e, "gradient penalty: fake batch: expected shape [4, 3, 8, 8] (the real batch's), got [2, 3, 8, 8]");
    let e = R1::default()
        .penalty(&|x: &Tensor| x.zeros_like().sum(None).detach(), &real)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("R1 penalty: the critic's output does not require grad"),
        "{e}"
    );
}

#[test]
fn weight_clipping_clamps_every_parameter() {
    let vs = nn::VarStore::new(tch::Device::Cpu);
    let _ = nn::linear(vs.root(), 50, 20, Default::default());
    let before = vs
        .trainable_variables()
        .iter()
        .map(|v| v.copy())
        .collect::<Vec<_>>();
    WeightClip::default().apply(&vs);
    for (b, a) in before.iter().zip(vs.trainable_variables()) {
        assert!(a.equal(&b.clamp(-0.01, 0.01)));
        assert!(a.abs().max().double_value(&[]) <= 0.01 + 1e-9);
    }
}

/// What a notebook shows (`cargo test --lib display -- --nocapture` prints it).
#[test]
fn display_examples() {
    let (r, f) = (t(&[2.1, 0.3, 1.2]), t(&[-1.0, 0.4, -0.2]));
    let shown = [
        Loss::Rsgan.d_terms(&r, &f).to_string(),
        Loss::Rasgan.g_terms(&r, &f).to_string(),
        Loss::BCE
            .ratio(3.0, 7.0)
            .labels(Labels::noisy())
            .d_terms(&r.sigmoid(), &f.sigmoid())
            .to_string(),
        Loss::BCE_WITH_LOGITS.g_terms(&r, &f).to_string(),
        Loss::Wgan.d_terms(&r, &f).to_string(),
        Loss::RaHinge.d_terms(&r, &f).to_string(),
    ];
    for s in shown {
        println!("{s}\n");
    }
    let vs = nn::VarStore::new(tch::Device::Cpu);
    let lin = nn::linear(vs.root(), 3, 1, Default::default());
    let x = Tensor::randn([4, 3], tch::kind::FLOAT_CPU);
    println!(
        "{}",
        GradientPenalty::default()
            .penalty(&|x| lin.forward(x), &x, &x.randn_like())
            .unwrap()
    );
    println!(
        "{}",
        R1::default().penalty(&|x| lin.forward(x), &x).unwrap()
    );
}

/// The author's reference code halves the relativistic average losses; `g_weights(0.5, 0.5)`
/// (with `weights(0.5, 0.5)` for D) gives exactly that, written out on tensors here.
#[test]
fn the_halved_relativistic_g_loss_of_the_reference_code() {
    let (r, f) = (t(&[1.5, -0.5, 2.0]), t(&[-1.0, 0.5, 0.0]));
    let bce = |x: &Tensor, y: f64| -> f64 {
        let v = Vec::<f32>::try_from(x.view([-1])).unwrap();
        v.iter()
            .map(|&x| {
                let x = x as f64;
                if y == 1.0 {
                    softplus(-x)
                } else {
                    softplus(x)
                }
            })
            .sum::<f64>()
            / v.len() as f64
    };
    let mean = |x: &Tensor| x.mean(Kind::Float);
    // RaSGAN (Jolicoeur-Martineau's code): (BCE(C(x_r) − E C(x_f), 0) + BCE(C(x_f) − E C(x_r), 1)) / 2
    let want_g = (bce(&(&r - mean(&f)), 0.0) + bce(&(&f - mean(&r)), 1.0)) / 2.0;
    let want_d = (bce(&(&r - mean(&f)), 1.0) + bce(&(&f - mean(&r)), 0.0)) / 2.0;
    let halved = LossConfig::from(Loss::Rasgan)
        .weights(0.5, 0.5)
        .g_weights(0.5, 0.5);
    let g = halved.g_loss(&r, &f).double_value(&[]);
    let d = halved.d_loss(&r, &f).double_value(&[]);
    assert!(close(g, want_g, 1e-5), "G {g} against {want_g}");
    assert!(close(d, want_d, 1e-5), "D {d} against {want_d}");
    let full = Loss::Rasgan.g_loss(&r, &f).double_value(&[]);
    assert!(
        close(full, 2.0 * want_g, 1e-5),
        "the paper's sum is twice it"
    );
    // RaLSGAN and RaHinge halve the same way
    for loss in [Loss::RaLsgan, Loss::RaHinge] {
        let full = loss.g_loss(&r, &f).double_value(&[]);
        let half = LossConfig::from(loss)
            .g_weights(0.5, 0.5)
            .g_loss(&r, &f)
            .double_value(&[]);
        assert!(
            close(half, full / 2.0, 1e-5),
            "{loss}: {half} against {full}"
        );
    }
}

/// The gradients that make the difference (report 002 §2): as D grows confident that a fake is
/// fake, minimax SGAN's push on C(x_f) vanishes, the non-saturating one's does not, and only
/// the relativistic G losses also push on C(x_r).
#[test]
fn loss_points_give_each_losss_push_on_the_critic_outputs() {
    let minimax = LossConfig::from(Loss::Minimax(DOutput::Logit));
    let ns = LossConfig::from(Loss::BCE_WITH_LOGITS);
    let rsgan = LossConfig::from(Loss::Rsgan);
    let confident = |c: &LossConfig| c.at(4.0, -8.0);
    assert!(
        confident(&minimax).g_grad.1.abs() < 1e-3,
        "{:?}",
        confident(&minimax)
    );
    assert!(confident(&ns).g_grad.1 < -0.99, "{:?}", confident(&ns));
    assert_eq!(
        confident(&ns).g_grad.0,
        0.0,
        "a standard G loss never reads C(x_r)"
    );
    let p = confident(&rsgan);
    assert!(p.g_grad.0 > 0.99 && p.g_grad.1 < -0.99, "{p:?}");
    // the values: −log σ(C(x_f)) for NS-GAN, −log σ(C(x_f) − C(x_r)) for RSGAN
    assert!(close(confident(&ns).g_loss, softplus(8.0), 1e-9));
    assert!(close(p.g_loss, softplus(12.0), 1e-9));
    // D's loss falls as it separates them: ∂L_D/∂C(x_r) < 0, ∂L_D/∂C(x_f) > 0
    let d = ns.at(0.0, 0.0);
    assert!(d.d_grad.0 < 0.0 && d.d_grad.1 > 0.0, "{d:?}");
}

/// Report 001 §4 fed its noisy real labels to G too (`errG = criterion(output, tlabel)`):
/// `labels_in_g(true)` gives G's loss BCE(D(x_f), t) with t drawn like D's real labels; off,
/// G keeps the hard target 1 whatever D's labels are.
#[test]
fn noisy_labels_reach_g_only_when_asked() {
    let f = Tensor::full([400, 1], 0.6, (Kind::Float, tch::Device::Cpu));
    let r = f.ones_like() * 0.9;
    let hard_g = Loss::BCE.g_loss(&r, &f).double_value(&[]);
    let usual = Loss::BCE.labels(Labels::noisy());
    assert_eq!(usual.g_loss(&r, &f).double_value(&[]), hard_g);
    let report = usual.labels_in_g(true);
    // by hand: the same draw, uniform in [0.75, 1.25), then BCE against it
    let by_hand = || {
        let t = f.rand_like() * 0.5 + 0.75;
        let p = 0.6f64;
        Vec::<f32>::try_from(t.view([-1]))
            .unwrap()
            .iter()
            .map(|&t| -(t as f64 * p.ln() + (1.0 - t as f64) * (1.0 - p).ln()))
            .sum::<f64>()
            / 400.0
    };
    let (got, want) = same_draw(7, || report.g_loss(&r, &f).double_value(&[]), by_hand, 1e-5);
    assert!(close(got, want, 1e-5), "{got} against {want}");
    assert!(
        (got - hard_g).abs() > 1e-3,
        "the noisy target changes G's loss"
    );
    // the trainer's G step reads g_loss_on_fakes: the same draw
    let (on_fakes, want) = same_draw(
        7,
        || report.g_loss_on_fakes(&f).unwrap().double_value(&[]),
        by_hand,
        1e-5,
    );
    assert!(close(on_fakes, want, 1e-5), "{on_fakes} against {want}");
    // hard labels with labels_in_g: the usual loss; `at` always uses hard labels
    let hard = LossConfig::from(Loss::BCE)
        .labels_in_g(true)
        .g_loss(&r, &f)
        .double_value(&[]);
    assert!(close(hard, hard_g, 1e-7));
    let lp = LossConfig::from(Loss::BCE_WITH_LOGITS)
        .labels(Labels::noisy())
        .labels_in_g(true)
        .at(1.0, -1.0);
    assert_eq!(lp, LossConfig::from(Loss::BCE_WITH_LOGITS).at(1.0, -1.0));
    // LSGAN: ½E(C(x_f) − t)² with t in the real range
    let ls_config = Loss::Lsgan.labels(Labels::noisy()).labels_in_g(true);
    let (ls, want) = same_draw(
        3,
        || ls_config.g_loss(&r, &f).double_value(&[]),
        || {
            let t = f.rand_like() * 0.5 + 0.75;
            (&f - t).square().mean(Kind::Float).double_value(&[]) * 0.5
        },
        1e-6,
    );
    assert!(close(ls, want, 1e-6), "{ls} against {want}");
}

/// `a()` and `b()`, each run right after seeding libtorch's global generator with `seed`.
/// Tests running at the same time draw from that generator too, so one may draw between the
/// seed and `a`'s draw: the pair is taken again (up to 5 times) until the two agree within
/// `tol`; a real difference stays and fails the caller's assertion.
fn same_draw(seed: i64, a: impl Fn() -> f64, b: impl Fn() -> f64, tol: f64) -> (f64, f64) {
    let mut pair = (f64::NAN, f64::NAN);
    for _ in 0..5 {
        tch::manual_seed(seed);
        let x = a();
        tch::manual_seed(seed);
        pair = (x, b());
        if close(pair.0, pair.1, tol) {
            break;
        }
    }
    pair
}

#[test]
#[should_panic(expected = "RSGAN: labels_in_g applies to the BCE losses and LSGAN")]
fn labels_in_g_on_a_relativistic_loss_fails() {
    let _ = Loss::Rsgan
        .labels(Labels::noisy())
        .labels_in_g(true)
        .g_loss(&t(&[1.0]), &t(&[0.0]));
}
