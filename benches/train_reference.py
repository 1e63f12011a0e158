"""The PyTorch eager reference for benches/train.rs: the same networks (tests/reference/nets.py,
the PyTorch definitions of gankit's DCGAN and MLP with identical state_dict names), the same
batch, the same step as gankit's `Gan::step` with TrainConfig's defaults:

  D update: z ~ N(0, 1); fake = G(z) without grad; L_D = BCE(D(x), 1) + BCE(D(fake), 0);
            zero_grad, backward, Adam step (lr 2e-4, betas (0.5, 0.999))
  G update: new z; L_G = BCE(D(G(z)), 1); zero_grad, backward, Adam step on G

written as a PyTorch user writes it (nn.BCELoss, torch.optim.Adam with its defaults on CPU).
"lean" steps read nothing back; "items" steps also read what the DCGAN tutorial reads every
step (L_D, L_G, mean D(x), mean D(G(z)) with .item()).

Server mode (what the Rust bench uses, so that rounds interleave in one run of each process):
reads one command per line on stdin and answers one line on stdout:
  threads N                 -> "threads N"        torch.set_num_threads(N)
  sgemm N REPS              -> "gflops R"         best rate of REPS N×N f32 matmuls (into
                                                  a preallocated output)
  init dcgan SIZE BATCH     -> "ok"               (or: init mlp BATCH)
  adam fused|default        -> "ok"               new Adam optimizers: torch.optim.Adam(fused=True)
                                                  or its CPU default (the for-loop form)
  passes                    -> "g A d B dfb C gdfb D"  the DCGAN's passes alone, ms (median of 3)
  steps K lean|items        -> "seconds S cpu C"  K steps of the current setup: total wall-clock
                                                  and process CPU seconds
  quit
Child mode: `quick` runs a DCGAN 32×32, batch 64, 50 steps on 10,000 random images and prints
`peak_rss_mb M` (ru_maxrss) and `seconds S`.
"""
import os
import resource
import sys
import time

import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "reference"))
from nets import DcganDiscriminator, DcganGenerator, MlpDiscriminator, MlpGenerator  # noqa: E402


def dcgan_init(m):
    """The DCGAN paper's init (gankit::nets::init::dcgan_init)."""
    name = type(m).__name__
    if "Conv" in name:
        nn.init.normal_(m.weight, 0.0, 0.02)
    elif "BatchNorm" in name:
        nn.init.normal_(m.weight, 1.0, 0.02)
        nn.init.zeros_(m.bias)


class Setup:
    def __init__(self, kind, batch, size=64):
        torch.manual_seed(0)
        if kind == "dcgan":
            self.g, self.d = DcganGenerator(image_size=size), DcganDiscriminator(image_size=size)
            self.g.apply(dcgan_init)
            self.d.apply(dcgan_init)
            self.z_dim = 100
            # Images in [-1, 1]; 4 batches' worth, drawn from like gankit's Batches.
            self.data = torch.rand(4 * batch, 3, size, size) * 2 - 1
        else:
            self.g, self.d = MlpGenerator(), MlpDiscriminator()
            self.z_dim = 2
            # The ring of 8 (radius 2, std 0.02), 10,000 points.
            k = torch.randint(0, 8, (10_000,)).float() * (2 * torch.pi / 8)
            self.data = torch.stack([2 * k.cos(), 2 * k.sin()], 1) + 0.02 * torch.randn(10_000, 2)
        self.g.train()
        self.d.train()
        self.set_adam(fused=False)
        self.bce = nn.BCELoss()
        self.batch = batch
        self.order, self.pos = torch.randperm(len(self.data)), 0

    def set_adam(self, fused):
        """Adam with PyTorch's defaults on CPU (a loop over the parameters), or its fused kernel
        (`fused=True`, one kernel per parameter), which gankit's optimizer runs."""
        self.opt_g = torch.optim.Adam(self.g.parameters(), lr=2e-4, betas=(0.5, 0.999), fused=fused)
        self.opt_d = torch.optim.Adam(self.d.parameters(), lr=2e-4, betas=(0.5, 0.999), fused=fused)

    def next_batch(self):
        if self.pos + self.batch > len(self.data):
            self.order, self.pos = torch.randperm(len(self.data)), 0
        idx = self.order[self.pos:self.pos + self.batch]
        self.pos += self.batch
        return self.data[idx]

    def step(self, items):
        g, d, bce = self.g, self.d, self.bce
        # D update
        real = self.next_batch()
        n = real.shape[0]
        with torch.no_grad():
            fake = g(torch.randn(n, self.z_dim))
        d_real, d_fake = d(real), d(fake)
        loss_d = bce(d_real, torch.ones_like(d_real)) + bce(d_fake, torch.zeros_like(d_fake))
        self.opt_d.zero_grad()
        loss_d.backward()
        self.opt_d.step()
        # G update
        d_gz = d(g(torch.randn(n, self.z_dim)))
        loss_g = bce(d_gz, torch.ones_like(d_gz))
        self.opt_g.zero_grad()
        loss_g.backward()
        self.opt_g.step()
        if items:
            return loss_d.item(), loss_g.item(), d_real.mean().item(), d_fake.mean().item()
        return None


_MATS = {}


def sgemm(n, reps):
    if n not in _MATS:
        _MATS[n] = torch.randn(n, n), torch.randn(n, n), torch.empty(n, n)
    a, b, c = _MATS[n]
    rates = []
    for _ in range(reps):
        t = time.perf_counter()
        torch.mm(a, b, out=c)
        rates.append(2 * n ** 3 / (time.perf_counter() - t) / 1e9)
    return max(rates)


def passes(s, reps=3):
    """The DCGAN step's network passes alone, ms (median of `reps`): G forward without grad,
    D forward without grad, D forward + backward, G -> D forward + backward."""
    n = s.batch
    z, real = torch.randn(n, s.z_dim), s.data[:n]

    def g():
        with torch.no_grad():
            s.g(z)

    def d():
        with torch.no_grad():
            s.d(real)

    def dfb():
        s.d(real).mean().backward()

    def gdfb():
        s.d(s.g(z)).mean().backward()

    out = {}
    for name, f in [("g", g), ("d", d), ("dfb", dfb), ("gdfb", gdfb)]:
        times = []
        for _ in range(reps):
            t = time.perf_counter()
            f()
            times.append((time.perf_counter() - t) * 1e3)
        out[name] = sorted(times)[reps // 2]
    s.opt_g.zero_grad()
    s.opt_d.zero_grad()
    return out


def serve():
    setup = None
    for line in sys.stdin:
        cmd = line.split()
        if not cmd:
            continue
        if cmd[0] == "quit":
            break
        if cmd[0] == "threads":
            torch.set_num_threads(int(cmd[1]))
            out = f"threads {torch.get_num_threads()}"
        elif cmd[0] == "sgemm":
            out = f"gflops {sgemm(int(cmd[1]), int(cmd[2])):.3f}"
        elif cmd[0] == "init":
            if cmd[1] == "dcgan":
                setup = Setup("dcgan", int(cmd[3]), int(cmd[2]))
            else:
                setup = Setup("mlp", int(cmd[2]))
            out = "ok"
        elif cmd[0] == "adam":
            setup.set_adam(fused=cmd[1] == "fused")
            out = "ok"
        elif cmd[0] == "steps":
            k, items = int(cmd[1]), cmd[2] == "items"
            t, c = time.perf_counter(), time.process_time()
            for _ in range(k):
                setup.step(items)
            out = f"seconds {time.perf_counter() - t:.6f} cpu {time.process_time() - c:.6f}"
        elif cmd[0] == "passes":
            out = " ".join(f"{k} {v:.3f}" for k, v in passes(setup).items())
        else:
            out = f"error unknown command {line.strip()!r}"
        print(out, flush=True)


def quick():
    torch.set_num_threads(int(os.environ.get("THREADS", os.cpu_count())))
    t = time.perf_counter()
    s = Setup("dcgan", 64, 32)
    s.data = torch.rand(10_000, 3, 32, 32) * 2 - 1
    s.order, s.pos = torch.randperm(len(s.data)), 0
    for _ in range(50):
        s.step(True)
    secs = time.perf_counter() - t
    print(f"seconds {secs:.3f}\npeak_rss_mb {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")


if __name__ == "__main__":
    if sys.argv[1:] == ["quick"]:
        quick()
    else:
        serve()
