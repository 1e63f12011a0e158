use super::*;
use tch::{Device, Kind};

fn store(seed: i64) -> nn::VarStore {
    let vs = nn::VarStore::new(Device::Cpu);
    for (i, (name, shape)) in [
        ("a", vec![3i64, 4]),
        ("b", vec![4]),
        ("c", vec![2, 3, 2, 2]),
    ]
    .into_iter()
    .enumerate()
    {
        let _ = vs
            .root()
            .var_copy(name, &wave(&shape, (seed + i as i64) as f64));
    }
    vs
}

/// Deterministic values without the global generator (tests run in parallel threads).
fn wave(shape: &[i64], phase: f64) -> Tensor {
    let n: i64 = shape.iter().product();
    (Tensor::arange(n, (Kind::Float, Device::Cpu)) * 1.7 + phase)
        .sin()
        .view(shape)
}

/// Gradients Σ p·g for the named parameters only (the others get none).
fn backward(vs: &nn::VarStore, step: i64, with: &[&str]) {
    let vars = vs.variables();
    let mut names: Vec<&String> = vars.keys().collect();
    names.sort();
    let loss = names
        .iter()
        .filter(|n| with.contains(&n.as_str()))
        .map(|n| (&vars[*n] * wave(&vars[*n].size(), 10.0 * step as f64)).sum(Kind::Float))
        .fold(Tensor::from(0f32), |a, b| a + b);
    loss.backward();
}

fn params(vs: &nn::VarStore) -> Vec<(String, Tensor)> {
    let mut v: Vec<(String, Tensor)> = vs
        .variables()
        .into_iter()
        .map(|(n, t)| (n, t.detach().copy()))
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

/// libtorch's fused kernel (the path every Adam and AdamW update takes) and the op-by-op
/// update agree over three steps, for every Adam variant, in f32 and f64; a tensor the
/// kernel cannot take (here a transposed, non-contiguous parameter) is refused untouched and
/// updated op by op instead.
#[test]
fn fused_adam_equals_adam_op_by_op() {
    let rules = [
        Optimizer::adam(1e-2).betas(0.5, 0.999),
        Optimizer::Adam {
            lr: 0.01,
            betas: (0.8, 0.9),
            eps: 1e-6,
            weight_decay: 0.1,
            amsgrad: true,
        },
        Optimizer::adamw(1e-2).weight_decay(0.1),
        Optimizer::AdamW {
            lr: 0.01,
            betas: (0.9, 0.99),
            eps: 1e-8,
            weight_decay: 0.05,
            amsgrad: true,
        },
    ];
    for (kind, tol) in [(Kind::Float, 1e-6), (Kind::Double, 1e-13)] {
        for o in rules {
            let slot = || Slot {
                name: "w".into(),
                param: wave(&[7, 5], 0.3).to_kind(kind),
                steps: 0,
                buffers: Vec::new(),
            };
            let (mut fused, mut ops) = (slot(), slot());
            for step in 1..=3 {
                let grad = wave(&[7, 5], step as f64).to_kind(kind) * 0.1;
                for s in [&mut fused, &mut ops] {
                    s.steps += 1;
                }
                update(o, &mut fused, grad.copy());
                let (Optimizer::Adam {
                    lr,
                    betas,
                    eps,
                    weight_decay,
                    amsgrad,
                }
                | Optimizer::AdamW {
                    lr,
                    betas,
                    eps,
                    weight_decay,
                    amsgrad,
                }) = o
                else {
                    unreachable!()
                };
                adam_by_ops(
                    AdamRule {
                        lr,
                        betas,
                        eps,
                        weight_decay,
                        amsgrad,
                        decoupled: matches!(o, Optimizer::AdamW { .. }),
                    },
                    &mut ops,
                    grad,
                );
                let moved = (&ops.param - wave(&[7, 5], 0.3).to_kind(kind))
                    .abs()
                    .max()
                    .double_value(&[]);
                let diff = (&fused.param - &ops.param).abs().max().double_value(&[]);
                assert!(diff <= tol * moved, "{o} {kind:?} step {step}: fused and op-by-op differ by {diff:e} (the update moved weights by {moved:e})");
                for ((name, a), (_, b)) in fused.buffers.iter().zip(&ops.buffers) {
                    assert!(
                        a.allclose(b, tol, tol * 1e-3, false),
                        "{o} {kind:?} step {step}: {name} differs"
                    );
                }
            }
            assert_eq!(
                fused.buffers.iter().map(|b| b.0).collect::<Vec<_>>(),
                ops.buffers.iter().map(|b| b.0).collect::<Vec<_>>(),
                "{o}: the same buffers in the same order"
            );
        }
    }
    // a non-contiguous parameter: refused with nothing changed, then updated op by op
    let base = wave(&[5, 7], 0.3);
    let mut slot = Slot {
        name: "t".into(),
        param: base.tr(),
        steps: 1,
        buffers: Vec::new(),
    };
    let (m, v) = (slot.param.zeros_like(), slot.param.zeros_like());
    let grad = wave(&[7, 5], 1.0);
    let rule = AdamRule {
        lr: 0.01,
        betas: (0.9, 0.999),
        eps: 1e-8,
        weight_decay: 0.0,
        amsgrad: false,
        decoupled: false,
    };
    let err = fused::adam_step(
        rule,
        &[AdamTensors {
            param: &slot.param,
            grad: &grad,
            exp_avg: &m,
            exp_avg_sq: &v,
            max_exp_avg_sq: None,
            step: 1,
        }],
    )
    .unwrap_err();
    assert!(err.contains("not contiguous"), "{err}");
    assert!(
        slot.param.equal(&wave(&[5, 7], 0.3).tr()) && m.equal(&v.zeros_like()),
        "a refused call changes nothing"
    );
    let mut reference = Slot {
        name: "t".into(),
        param: wave(&[5, 7], 0.3).tr().contiguous(),
        steps: 1,
        buffers: Vec::new(),
    };
    update(Optimizer::adam(0.01), &mut slot, grad.copy());
    adam_by_ops(rule, &mut reference, grad);
    assert!(
        slot.param.allclose(&reference.param, 1e-7, 1e-7, false)
            && !slot.param.equal(&wave(&[5, 7], 0.3).tr()),
        "the refused parameter is updated op by op"
    );
}

/// The flat update (all parameters at once) gives what the per-parameter one gives, also
/// across a first step where one parameter has no gradient (skipped, its moments untouched), a
/// state reload, and a parameter whose data was replaced (the flat updates stop, the
/// updates go on).
#[test]
fn flat_updates_equal_per_parameter_updates() {
    for settings in [
        Optimizer::adam(1e-2).betas(0.5, 0.999),
        Optimizer::sgd(1e-2).momentum(0.9),
        Optimizer::rmsprop(1e-2),
    ] {
        let (mut vs_flat, mut vs_each) = (store(0), store(0));
        let mut flat = OptimizerState::new(settings, &vs_flat).unwrap();
        let mut each = OptimizerState::new(settings, &vs_each).unwrap();
        assert!(
            flat.flat.is_some(),
            "three float parameters on one device go flat"
        );
        each.flat = None;
        let all: &[&str] = &["a", "b", "c"];
        // b gets no gradient in step 1 (zero_grad later keeps a zero one, as PyTorch's
        // zero_grad(set_to_none=False) does)
        for (step, with) in [(1, &["a", "c"][..]), (2, all), (3, all), (4, all), (5, all)] {
            if step == 4 {
                // reload the state (as a resumed run does) into both
                for opt in [&mut flat, &mut each] {
                    let saved: HashMap<String, Tensor> = opt.state_tensors().into_iter().collect();
                    opt.load_state_tensors(&saved, "test").unwrap();
                }
            }
            if step == 5 {
                // replace one parameter's data: it is no longer a view of the flat tensor
                for vs in [&mut vs_flat, &mut vs_each] {
                    let mut b = vs.variables()["b"].shallow_clone();
                    let copy = b.detach().copy();
                    b.set_data(&copy);
                }
            }
            for (vs, opt) in [(&vs_flat, &mut flat), (&vs_each, &mut each)] {
                opt.zero_grad();
                backward(vs, step, with);
                let norm = opt.step_with(&opt.grads());
                assert!(norm > 0.0);
            }
            assert_eq!(
                flat.flat.is_some(),
                step < 5,
                "{settings}: flat updates after step {step}"
            );
            for ((name, p), (_, q)) in params(&vs_flat).iter().zip(params(&vs_each).iter()) {
                let diff = (p - q).abs().max().double_value(&[]);
                assert!(
                    diff <= 1e-6,
                    "{settings}, step {step}: {name} differs by {diff}"
                );
            }
            let steps: Vec<i64> = flat.slots.iter().map(|s| s.steps).collect();
            assert_eq!(
                steps,
                each.slots.iter().map(|s| s.steps).collect::<Vec<_>>()
            );
        }
        assert_eq!(
            flat.slots.iter().map(|s| s.steps).collect::<Vec<_>>(),
            vec![5, 4, 5],
            "{settings}: b skipped once"
        );
    }
}

/// With every gradient there, each step runs over the flat tensors: the slots' moments
/// are views into the flat buffers.
#[test]
fn every_gradient_there_means_one_flat_update() {
    let vs = store(1);
    let mut opt = OptimizerState::new(Optimizer::adam(1e-3), &vs).unwrap();
    for step in 1..=2 {
        opt.zero_grad();
        backward(&vs, step, &["a", "b", "c"]);
        opt.step();
    }
    let flat = opt.flat.as_ref().expect("flat");
    assert!(flat.intact(&opt.slots) && flat.aligned(&opt.slots));
    assert_eq!(
        flat.buffers.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
        vec!["exp_avg", "exp_avg_sq"]
    );
    let base = flat.buffers[0].1.data_ptr() as usize;
    for (s, (offset, _)) in opt.slots.iter().zip(&flat.spans) {
        assert_eq!(
            s.buffers[0].1.data_ptr() as usize,
            base + *offset as usize * 4,
            "{}: exp_avg is a view",
            s.name
        );
    }
}

/// `minimize` updates what requires grad now and skips a parameter frozen after the
/// optimizer was built, leaving every `.grad()` empty; its update equals `backward` + `step`.
#[test]
fn minimize_skips_frozen_parameters_and_matches_backward_then_step() {
    let (vs, vs_ref) = (store(3), store(3));
    let (mut opt, mut opt_ref) = (
        OptimizerState::new(Optimizer::adam(1e-2), &vs).unwrap(),
        OptimizerState::new(Optimizer::adam(1e-2), &vs_ref).unwrap(),
    );
    let loss = |vs: &nn::VarStore| {
        let v = vs.variables();
        ["a", "b", "c"]
            .iter()
            .map(|n| (&v[*n] * wave(&v[*n].size(), 7.0)).sum(Kind::Float))
            .fold(Tensor::from(0f32), |x, y| x + y)
    };
    let before = params(&vs);
    let _ = vs.variables()["b"].shallow_clone().set_requires_grad(false);
    let norm = opt.minimize(&loss(&vs));
    let after = params(&vs);
    assert!(after[1].1.equal(&before[1].1), "the frozen b is untouched");
    assert!(
        !after[0].1.equal(&before[0].1) && !after[2].1.equal(&before[2].1),
        "a and c move"
    );
    assert!(
        vs.variables().values().all(|t| !t.grad().defined()),
        "nothing lands in .grad()"
    );
    // the reference: a and c through backward + step (b frozen the same way)
    let _ = vs_ref.variables()["b"]
        .shallow_clone()
        .set_requires_grad(false);
    loss(&vs_ref).backward();
    let norm_ref = opt_ref.step_with(&opt_ref.grads());
    assert!(
        (norm - norm_ref).abs() <= 1e-6 * norm_ref,
        "norms {norm} vs {norm_ref}"
    );
    for ((name, p), (_, q)) in after.iter().zip(params(&vs_ref).iter()) {
        assert!(
            p.allclose(q, 1e-7, 1e-7, false),
            "{name} differs from backward + step"
        );
    }
}
