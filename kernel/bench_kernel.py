"""Kernel latency benchmark: how long a student waits in the "Rust (gankit)" kernel.

    bash kernel/gankit bench-kernel [--repeat N] [--linker system|mold]

Starts a fresh kernel N times (cache warm) and prints, per start and as medians:
  start    kernel process up and answering
  dep      the first cell (`:dep gankit` + `use gankit::prelude::*`)
  grid     the first image grid on screen, counted from kernel start
  trivial  a trivial cell (`let x = 1 + 1;`), median of 5
The first run after a change to gankit's source includes rebuilding gankit: run twice.
"""
import argparse
import os
import statistics
import time

from jupyter_client.manager import KernelManager

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_cell(kc, code, timeout=1800):
    images, errors = 0, []

    def hook(msg):
        nonlocal images
        t = msg["msg_type"]
        if t in ("display_data", "execute_result") and "image/png" in msg["content"].get("data", {}):
            images += 1
        elif t == "error":
            errors.append(msg["content"].get("evalue", ""))
        elif t == "stream" and "panicked at" in msg["content"].get("text", ""):
            errors.append(msg["content"]["text"])

    t0 = time.perf_counter()
    reply = kc.execute_interactive(code, timeout=timeout, output_hook=hook)
    dt = time.perf_counter() - t0
    if reply["content"]["status"] != "ok" or errors:
        raise SystemExit(f"[bench] cell failed: {code.splitlines()[0]!r}: {errors or reply['content']}")
    return dt, images


def one_start(linker):
    t0 = time.perf_counter()
    km = KernelManager(kernel_name="gankit")
    km.start_kernel(cwd=os.path.join(REPO, "notebooks"))
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)
        start = time.perf_counter() - t0
        if linker:
            run_cell(kc, f":linker {linker}")
        dep, _ = run_cell(kc, ':dep gankit = { path = ".." }\nuse gankit::prelude::*;')
        _, images = run_cell(kc, "let x = Tensor::rand([16, 3, 32, 32], (Kind::Float, Device::Cpu)) * 2 - 1;\n"
                                 "let grid = ImageGrid::new(&x)?;\ngrid")
        grid = time.perf_counter() - t0
        if images != 1:
            raise SystemExit(f"[bench] the grid cell showed {images} images, expected 1")
        trivial = statistics.median(run_cell(kc, f"let x{i} = 1 + {i};")[0] for i in range(5))
        return dict(start=start, dep=dep, grid=grid, trivial=trivial)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--linker", choices=["system", "mold", "lld"], default=None,
                   help="linker for cells (default: evcxr's choice, mold when installed). "
                        "lld changes RUSTFLAGS and so rebuilds every dependency once.")
    args = p.parse_args()
    rows = []
    for i in range(args.repeat):
        r = one_start(args.linker)
        rows.append(r)
        print(f"[bench] run {i + 1}: start {r['start']:.1f} s, dep {r['dep']:.1f} s, "
              f"first grid {r['grid']:.1f} s after start, trivial cell {r['trivial']:.2f} s", flush=True)
    med = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
    print(f"[bench] median of {len(rows)} (linker {args.linker or 'default'}): kernel start {med['start']:.1f} s, "
          f"start to first grid {med['grid']:.1f} s, trivial cell {med['trivial']:.2f} s")


if __name__ == "__main__":
    main()
