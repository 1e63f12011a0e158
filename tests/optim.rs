//! gankit::optim against torch.optim (tests/reference/losses.py writes optim.safetensors): two
//! steps of each optimizer on fixed f64 parameters and gradients (the second step exercises the
//! optimizer's state), and the named constructors' defaults against torch's own.
mod common;

use common::{assert_close, load};
use gankit::prelude::*;
use std::collections::HashMap;

fn case(name: &str) -> Optimizer {
    match name {
        "adam_report000" => Optimizer::adam(1e-4),
        "adam_report001" => Optimizer::adam(2e-5).betas(0.5, 0.999),
        "adam_wd_amsgrad" => Optimizer::Adam {
            lr: 0.01,
            betas: (0.8, 0.9),
            eps: 1e-6,
            weight_decay: 0.1,
            amsgrad: true,
        },
        "adamw_report002" => Optimizer::adamw(1e-4).betas(0.5, 0.99),
        "adamw_wd" => Optimizer::adamw(0.01).weight_decay(0.1).eps(1e-8),
        "rmsprop_report001" => Optimizer::rmsprop(2e-4),
        "rmsprop_report002" => Optimizer::rmsprop(5e-5),
        "rmsprop_all" => Optimizer::RmsProp {
            lr: 0.01,
            alpha: 0.9,
            eps: 1e-6,
            weight_decay: 0.1,
            momentum: 0.5,
            centered: true,
        },
        "sgd" => Optimizer::sgd(0.1),
        "sgd_nesterov" => Optimizer::Sgd {
            lr: 0.1,
            momentum: 0.9,
            dampening: 0.0,
            weight_decay: 0.01,
            nesterov: true,
        },
        "sgd_dampening" => Optimizer::Sgd {
            lr: 0.1,
            momentum: 0.9,
            dampening: 0.5,
            weight_decay: 0.0,
            nesterov: false,
        },
        _ => panic!("unknown case {name}"),
    }
}

const CASES: [&str; 11] = [
    "adam_report000",
    "adam_report001",
    "adam_wd_amsgrad",
    "adamw_report002",
    "adamw_wd",
    "rmsprop_report001",
    "rmsprop_report002",
    "rmsprop_all",
    "sgd",
    "sgd_nesterov",
    "sgd_dampening",
];

/// Sets the gradient of each variable to the fixture's `grads<step>.<name>` through a loss whose
/// gradient it is: Σ w·g.
fn set_grads(vs: &nn::VarStore, fx: &HashMap<String, Tensor>, step: usize) {
    let loss = vs
        .variables()
        .iter()
        .map(|(name, v)| (v * &fx[&format!("grads{step}.{name}")]).sum(None))
        .fold(Tensor::from(0f64), |a, b| a + b);
    loss.backward();
}

#[test]
fn two_steps_of_every_optimizer_match_torch() {
    let fx = load("optim");
    for name in CASES {
        let mut vs = nn::VarStore::new(Device::Cpu);
        vs.set_kind(Kind::Double); // before the variables: var_copy takes the store's kind
        for p in ["w", "b"] {
            let _ = vs.root().var_copy(p, &fx[&format!("params.{p}")]);
        }
        let opt = case(name);
        let mut built = opt.build(&vs).unwrap();
        for step in [1, 2] {
            built.zero_grad();
            set_grads(&vs, &fx, step);
            built.step();
            for (p, v) in vs.variables() {
                let want = &fx[&format!("{name}.step{step}.{p}")];
                let what = format!("{name} ({opt}) step {step}, {p}");
                assert_close(&v, want, 1e-5, 1e-5, &what);
                // The update itself, to near f64 precision (lr 2e-5 moves w by ~2e-5 only).
                let start = &fx[&format!("params.{p}")];
                assert_close(
                    &(&v - start),
                    &(want - start),
                    1e-12,
                    1e-7,
                    &format!("{what}: update"),
                );
            }
        }
    }
}

#[test]
fn named_constructors_take_torchs_defaults() {
    let fx = load("optim");
    let d = |k: &str| fx[&format!("defaults.{k}")].double_value(&[]);
    for (opt, key) in [
        (Optimizer::adam(1e-3), "adam"),
        (Optimizer::adamw(1e-3), "adamw"),
    ] {
        let (Optimizer::Adam {
            betas,
            eps,
            weight_decay,
            amsgrad,
            ..
        }
        | Optimizer::AdamW {
            betas,
            eps,
            weight_decay,
            amsgrad,
            ..
        }) = opt
        else {
            unreachable!()
        };
        assert_eq!(
            (betas.0, betas.1, eps, weight_decay, amsgrad as u8 as f64),
            (
                d(&format!("{key}.beta1")),
                d(&format!("{key}.beta2")),
                d(&format!("{key}.eps")),
                d(&format!("{key}.weight_decay")),
                d(&format!("{key}.amsgrad"))
            ),
            "{opt}"
        );
        assert_eq!(opt.learning_rate(), d(&format!("{key}.lr")));
    }
    let Optimizer::RmsProp {
        lr,
        alpha,
        eps,
        weight_decay,
        momentum,
        centered,
    } = Optimizer::rmsprop(1e-2)
    else {
        unreachable!()
    };
    assert_eq!(
        (
            lr,
            alpha,
            eps,
            weight_decay,
            momentum,
            centered as u8 as f64
        ),
        (
            d("rmsprop.lr"),
            d("rmsprop.alpha"),
            d("rmsprop.eps"),
            d("rmsprop.weight_decay"),
            d("rmsprop.momentum"),
            d("rmsprop.centered")
        )
    );
    let Optimizer::Sgd {
        momentum,
        dampening,
        weight_decay,
        nesterov,
        ..
    } = Optimizer::sgd(0.1)
    else {
        unreachable!()
    };
    assert_eq!(
        (momentum, dampening, weight_decay, nesterov as u8 as f64),
        (
            d("sgd.momentum"),
            d("sgd.dampening"),
            d("sgd.weight_decay"),
            d("sgd.nesterov")
        )
    );
}

#[test]
fn invalid_settings_fail_with_one_line_naming_the_field() {
    let vs = nn::VarStore::new(Device::Cpu);
    let err = |o: Optimizer| o.build(&vs).unwrap_err().to_string();
    assert_eq!(
        err(Optimizer::adam(-1e-4)),
        "Adam.lr: must be ≥ 0, got -0.0001"
    );
    assert_eq!(
        err(Optimizer::adam(1e-4).betas(0.5, 1.0)),
        "Adam.betas.1: must be in [0, 1), got 1"
    );
    assert_eq!(
        err(Optimizer::adamw(1e-4).betas(-0.1, 0.99)),
        "AdamW.betas.0: must be in [0, 1), got -0.1"
    );
    assert_eq!(
        err(Optimizer::adamw(1e-4).weight_decay(-0.01)),
        "AdamW.weight_decay: must be ≥ 0, got -0.01"
    );
    assert_eq!(
        err(Optimizer::rmsprop(f64::NAN)),
        "RMSprop.lr: must be ≥ 0, got NaN"
    );
    let both = GanOptimizers {
        g: Optimizer::adam(2e-4),
        d: Optimizer::rmsprop(-5e-5),
    };
    assert_eq!(
        both.build(&vs, &vs).unwrap_err().to_string(),
        "D: RMSprop.lr: must be ≥ 0, got -0.00005"
    );
}

#[test]
#[should_panic(expected = "RMSprop: has no betas (Adam and AdamW do)")]
fn betas_on_rmsprop_panic() {
    let _ = Optimizer::rmsprop(5e-5).betas(0.5, 0.999);
}

#[test]
fn settings_print_like_pytorch() {
    assert_eq!(
        Optimizer::adam(2e-5).betas(0.5, 0.999).to_string(),
        "Adam(lr=2e-5, betas=(0.5, 0.999), eps=1e-8, weight_decay=0)"
    );
    assert_eq!(
        Optimizer::rmsprop(5e-5).to_string(),
        "RMSprop(lr=5e-5, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0)"
    );
    let report_004 = GanOptimizers {
        g: Optimizer::adam(2e-4),
        d: Optimizer::adam(1e-5),
    };
    assert!(report_004.to_string().starts_with("G: Adam(lr=2e-4"));
}
