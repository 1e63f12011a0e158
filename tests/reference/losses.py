"""PyTorch reference for gankit::losses and gankit::optim (tests/losses.rs, tests/optim.rs).

Every formula is written here from the papers (and the reports' code), independently of the
Rust code: BCE on probabilities through torch's BCELoss (log clamped at -100), on logits through
log-sigmoid. Inputs are fixed (seeded), labels are given explicitly, and the gradient penalties
get their alpha (and DRAGAN its noise) from the fixture, so everything is deterministic.

Writes to tests/fixtures/reference/:
  losses.safetensors
    in.logit_real, in.logit_fake      C(x_r), C(x_f), [6, 1]; in.prob_* = sigmoid of those
    labels.noisy_real/.noisy_fake     report 001's noisy labels, drawn after manual_seed(123)
    d.<case>.value/.grad_real/.grad_fake   D loss and its gradient w.r.t. the D outputs
    g.<loss>.value/.grad_real/.grad_fake   G loss likewise (grad_real is 0 where unused)
    corgi.<i>.real/.fake/.p/.rasgan_d/.rsgan_d  report 002's bread-and-corgi scenarios
    pen.critic.<param>, pen.real, pen.fake, pen.alpha, pen.noise   the penalties' inputs
    pen.<kind>.value/.norms/.points/.grad.<param>   kind: gp, gp_one_sided, dragan, r1
    clip.<param>                      the critic's parameters after clamp to +-0.1
  optim.safetensors
    params.<p>, grads1.<p>, grads2.<p>  (f64)
    <case>.step1.<p>, <case>.step2.<p>  parameters after one and two steps
    defaults.<optimizer>.<field>        torch's own defaults

Run: .venv/bin/python tests/reference/losses.py (or make_fixtures.py for every fixture).
"""
import os
import sys

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from st import save  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "reference")

N = 6
LOSSES = ["minimax_prob", "minimax_logit", "ns_prob", "ns_logit", "wgan", "lsgan", "hinge", "rsgan", "rasgan", "ralsgan", "rahinge"]


def bce_prob(p, t):
    if ((t >= 0) & (t <= 1)).all():
        return F.binary_cross_entropy(p, t)
    # BCELoss refuses targets outside [0, 1] (report 001's noisy real labels reach 1.25; the
    # report's older PyTorch did not check): the formula of its CPU kernel, log clamped at -100.
    return ((t - 1) * torch.log1p(-p).clamp(min=-100) - t * torch.log(p).clamp(min=-100)).mean()


def bce_logit(c, t):
    # -[t log sigma(c) + (1 - t) log(1 - sigma(c))], with log(1 - sigma(c)) = log sigma(-c)
    return -(t * F.logsigmoid(c) + (1 - t) * F.logsigmoid(-c)).mean()


def d_loss(name, r, f, wr=1.0, wf=1.0, tr=None, tf=None):
    """The D loss: wr * real term + wf * fake term (RSGAN: one term over pairs)."""
    tr = torch.ones_like(r) if tr is None else tr
    tf = torch.zeros_like(f) if tf is None else tf
    if name in ("minimax_prob", "ns_prob"):
        real, fake = bce_prob(r, tr), bce_prob(f, tf)
    elif name in ("minimax_logit", "ns_logit"):
        real, fake = bce_logit(r, tr), bce_logit(f, tf)
    elif name == "wgan":
        real, fake = -r.mean(), f.mean()
    elif name == "lsgan":
        real, fake = 0.5 * ((r - tr) ** 2).mean(), 0.5 * ((f - tf) ** 2).mean()
    elif name == "hinge":
        real, fake = F.relu(1 - r).mean(), F.relu(1 + f).mean()
    elif name == "rsgan":
        assert wr == 1.0 and wf == 1.0
        return bce_logit(r - f, tr)
    elif name == "rasgan":
        real, fake = bce_logit(r - f.mean(), tr), bce_logit(f - r.mean(), tf)
    elif name == "ralsgan":
        real, fake = ((r - f.mean() - 1) ** 2).mean(), ((f - r.mean() + 1) ** 2).mean()
    elif name == "rahinge":
        real, fake = F.relu(1 - (r - f.mean())).mean(), F.relu(1 + (f - r.mean())).mean()
    else:
        raise ValueError(name)
    return wr * real + wf * fake


def g_loss(name, r, f):
    if name == "minimax_prob":
        return torch.log1p(-f).mean()  # E[log(1 - D(x_f))]
    if name == "minimax_logit":
        return F.logsigmoid(-f).mean()
    if name == "ns_prob":
        return -torch.log(f).mean()  # -E[log D(x_f)]
    if name == "ns_logit":
        return -F.logsigmoid(f).mean()
    if name in ("wgan", "hinge"):
        return -f.mean()
    if name == "lsgan":
        return 0.5 * ((f - 1) ** 2).mean()
    if name == "rsgan":
        return -F.logsigmoid(f - r).mean()
    if name == "rasgan":
        return -F.logsigmoid(-(r - f.mean())).mean() - F.logsigmoid(f - r.mean()).mean()
    if name == "ralsgan":
        return ((r - f.mean() + 1) ** 2).mean() + ((f - r.mean() - 1) ** 2).mean()
    if name == "rahinge":
        return F.relu(1 + (r - f.mean())).mean() + F.relu(1 - (f - r.mean())).mean()
    raise ValueError(name)


def with_grads(fn, r, f):
    r = r.clone().requires_grad_(True)
    f = f.clone().requires_grad_(True)
    value = fn(r, f)
    gr, gf = torch.autograd.grad(value, [r, f], allow_unused=True)
    gr = torch.zeros_like(r) if gr is None else gr
    gf = torch.zeros_like(f) if gf is None else gf
    return value.detach(), gr, gf


def inputs(name, t):
    return (t["in.prob_real"], t["in.prob_fake"]) if name.endswith("_prob") else (t["in.logit_real"], t["in.logit_fake"])


# D-loss cases with options: (case, loss, weights, labels) where labels is "hard", "smooth"
# (one-sided 0.9) or "noisy" (the fixture's labels.noisy_*). Ratio r:f = weights 2r/(r+f), 2f/(r+f).
OPTION_CASES = [
    ("ns_prob.ratio37", "ns_prob", (0.6, 1.4), "hard"),
    ("ns_logit.weights01", "ns_logit", (0.0, 1.0), "hard"),
    ("minimax_prob.weights10", "minimax_prob", (1.0, 0.0), "hard"),
    ("hinge.ratio73", "hinge", (1.4, 0.6), "hard"),
    ("wgan.ratio37", "wgan", (0.6, 1.4), "hard"),
    ("lsgan.ratio73", "lsgan", (1.4, 0.6), "hard"),
    ("rasgan.half", "rasgan", (0.5, 0.5), "hard"),
    ("ralsgan.half", "ralsgan", (0.5, 0.5), "hard"),
    ("rahinge.ratio37", "rahinge", (0.6, 1.4), "hard"),
    ("ns_prob.smooth", "ns_prob", (1.0, 1.0), "smooth"),
    ("ns_logit.smooth", "ns_logit", (1.0, 1.0), "smooth"),
    ("lsgan.smooth", "lsgan", (1.0, 1.0), "smooth"),
    ("ns_prob.noisy", "ns_prob", (1.0, 1.0), "noisy"),
    ("ns_logit.noisy", "ns_logit", (1.0, 1.0), "noisy"),
    ("minimax_logit.noisy", "minimax_logit", (1.0, 1.0), "noisy"),
    ("lsgan.noisy", "lsgan", (1.0, 1.0), "noisy"),
    ("rsgan.noisy", "rsgan", (1.0, 1.0), "noisy"),
    ("rasgan.noisy", "rasgan", (1.0, 1.0), "noisy"),
    ("ns_prob.noisy_ratio37", "ns_prob", (0.6, 1.4), "noisy"),
]


class Critic(nn.Module):
    """A tiny conv critic: Conv2d(2, 3, 2) + LeakyReLU(0.2), Linear(12, 4) + Tanh, Linear(4, 1)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 3, 2)
        self.fc1 = nn.Linear(12, 4)
        self.fc2 = nn.Linear(4, 1)

    def forward(self, x):
        h = F.leaky_relu(self.conv(x), 0.2).flatten(1)
        return self.fc2(torch.tanh(self.fc1(h)))


def grad_wrt(critic, x):
    x = x.detach().requires_grad_(True)
    out = critic(x)
    (g,) = torch.autograd.grad(out, x, grad_outputs=torch.ones_like(out), create_graph=True)
    return x, g


def penalties(t):
    torch.manual_seed(1)
    critic = Critic()
    with torch.no_grad():
        for p in critic.parameters():
            p.mul_(2.0)  # gradient norms on both sides of 1, so the one-sided form matters
    real = torch.randn(4, 2, 3, 3)
    fake = torch.randn(4, 2, 3, 3) * 0.5 + 0.3
    alpha = torch.rand(4)
    noise = torch.rand(4, 2, 3, 3)
    for k, v in critic.state_dict().items():
        t[f"pen.critic.{k}"] = v.clone()
    t.update({"pen.real": real, "pen.fake": fake, "pen.alpha": alpha, "pen.noise": noise})

    a = alpha.view(4, 1, 1, 1)
    interpolates = a * real + (1 - a) * fake
    # DRAGAN (the authors' code): x_p = x + 0.5 * x.std() * U[0, 1); x_hat = x + alpha (x_p - x)
    perturbed = real + a * (0.5 * real.std() * noise)
    cases = {
        "gp": (interpolates, lambda n: 10 * ((n - 1) ** 2).mean()),
        "gp_one_sided": (interpolates, lambda n: 10 * (F.relu(n - 1) ** 2).mean()),
        "dragan": (perturbed, lambda n: 10 * ((n - 1) ** 2).mean()),
    }
    for kind, (points, penalty) in cases.items():
        critic.zero_grad()
        x, g = grad_wrt(critic, points)
        norms = torch.sqrt((g.view(4, -1) ** 2).sum(1) + 1e-12)  # report 001's form
        value = penalty(norms)
        value.backward()
        save_penalty(t, kind, critic, value, norms, x)
    critic.zero_grad()
    x, g = grad_wrt(critic, real)
    squared = (g.view(4, -1) ** 2).sum(1)
    value = 10 / 2 * squared.mean()
    value.backward()
    save_penalty(t, "r1", critic, value, squared.sqrt(), x)
    print("gradient norms at the interpolates:", [round(v, 3) for v in t["pen.gp.norms"].tolist()])
    with torch.no_grad():
        for name, p in critic.named_parameters():
            t[f"clip.{name}"] = p.clamp(-0.1, 0.1)


def save_penalty(t, kind, critic, value, norms, points):
    t[f"pen.{kind}.value"] = value.detach()
    t[f"pen.{kind}.norms"] = norms.detach()
    t[f"pen.{kind}.points"] = points.detach()
    for name, p in critic.named_parameters():
        t[f"pen.{kind}.grad.{name}"] = torch.zeros_like(p) if p.grad is None else p.grad.clone()  # fc2.bias: no effect on the gradient


def losses():
    t = {}
    torch.manual_seed(0)
    t["in.logit_real"] = torch.randn(N, 1) * 2 + 0.5
    t["in.logit_fake"] = torch.randn(N, 1) * 2 - 0.5
    t["in.prob_real"] = torch.sigmoid(t["in.logit_real"])
    t["in.prob_fake"] = torch.sigmoid(t["in.logit_fake"])
    torch.manual_seed(123)
    t["labels.noisy_real"] = torch.rand(N, 1) * (1.25 - 0.75) + 0.75
    t["labels.noisy_fake"] = torch.rand(N, 1) * (0.25 - 0.0) + 0.0

    for name in LOSSES:
        r, f = inputs(name, t)
        for side, fn in (("d", lambda r, f, n=name: d_loss(n, r, f)), ("g", lambda r, f, n=name: g_loss(n, r, f))):
            value, gr, gf = with_grads(fn, r, f)
            t[f"{side}.{name}.value"], t[f"{side}.{name}.grad_real"], t[f"{side}.{name}.grad_fake"] = value, gr, gf
    for case, name, (wr, wf), labels in OPTION_CASES:
        r, f = inputs(name, t)
        tr, tf = {
            "hard": (None, None),
            "smooth": (torch.full_like(r, 0.9), None),
            "noisy": (t["labels.noisy_real"], t["labels.noisy_fake"]),
        }[labels]
        value, gr, gf = with_grads(lambda r, f: d_loss(name, r, f, wr, wf, tr, tf), r, f)
        t[f"d.{case}.value"], t[f"d.{case}.grad_real"], t[f"d.{case}.grad_fake"] = value, gr, gf

    # Report 002 section 2: C(x_r) against fakes whose mean C is -5, 7, -5.
    for i, (cr, cf) in enumerate([(8.0, [-4.0, -6.0]), (8.0, [6.0, 8.0]), (-3.0, [-4.0, -6.0])]):
        r, f = torch.tensor([[cr]]), torch.tensor(cf).view(-1, 1)
        t[f"corgi.{i}.real"], t[f"corgi.{i}.fake"] = r, f
        t[f"corgi.{i}.p"] = torch.sigmoid(r - f.mean())
        t[f"corgi.{i}.rasgan_d"] = d_loss("rasgan", r, f)
        t[f"corgi.{i}.rsgan_d"] = d_loss("rsgan", r, f.mean().view(1, 1))
    penalties(t)
    return t


# (case, constructor) with the reports' settings and some that exercise every field.
OPTIM_CASES = [
    ("adam_report000", lambda p: torch.optim.Adam(p, lr=1e-4)),
    ("adam_report001", lambda p: torch.optim.Adam(p, lr=2e-5, betas=(0.5, 0.999))),
    ("adam_wd_amsgrad", lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.8, 0.9), eps=1e-6, weight_decay=0.1, amsgrad=True)),
    ("adamw_report002", lambda p: torch.optim.AdamW(p, lr=1e-4, betas=(0.5, 0.99))),
    ("adamw_wd", lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.1)),
    ("rmsprop_report001", lambda p: torch.optim.RMSprop(p, lr=2e-4)),
    ("rmsprop_report002", lambda p: torch.optim.RMSprop(p, lr=5e-5)),
    ("rmsprop_all", lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-6, weight_decay=0.1, momentum=0.5, centered=True)),
    ("sgd", lambda p: torch.optim.SGD(p, lr=0.1)),
    ("sgd_nesterov", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=0.01, nesterov=True)),
    ("sgd_dampening", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.5)),
]


def optim():
    t = {}
    torch.manual_seed(2)
    shapes = {"w": (3, 4), "b": (4,)}
    for p, s in shapes.items():
        t[f"params.{p}"] = torch.randn(*s, dtype=torch.float64)
        t[f"grads1.{p}"] = torch.randn(*s, dtype=torch.float64)
        t[f"grads2.{p}"] = torch.randn(*s, dtype=torch.float64)
    for case, make in OPTIM_CASES:
        params = {p: t[f"params.{p}"].clone().requires_grad_(True) for p in shapes}
        opt = make(list(params.values()))
        for step in (1, 2):
            for p, v in params.items():
                v.grad = t[f"grads{step}.{p}"].clone()
            opt.step()
            for p, v in params.items():
                t[f"{case}.step{step}.{p}"] = v.detach().clone()
    dummy = [torch.zeros(1, requires_grad=True)]
    for name, opt in (("adam", torch.optim.Adam(dummy)), ("adamw", torch.optim.AdamW(dummy)), ("rmsprop", torch.optim.RMSprop(dummy)), ("sgd", torch.optim.SGD(dummy, lr=0.1))):
        for field, value in opt.defaults.items():
            if field == "betas":
                t[f"defaults.{name}.beta1"], t[f"defaults.{name}.beta2"] = (torch.tensor(float(b), dtype=torch.float64) for b in value)
            elif field in ("lr", "eps", "weight_decay", "amsgrad", "alpha", "momentum", "centered", "dampening", "nesterov"):
                t[f"defaults.{name}.{field}"] = torch.tensor(float(value), dtype=torch.float64)
    return t


def main():
    os.makedirs(OUT, exist_ok=True)
    save(os.path.join(OUT, "losses.safetensors"), losses())
    save(os.path.join(OUT, "optim.safetensors"), optim())


if __name__ == "__main__":
    main()
