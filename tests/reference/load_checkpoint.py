"""Loads a gankit checkpoint's g.safetensors into the PyTorch DCGAN generator of nets.py with
`load_state_dict(strict=True)` and prints the largest difference between PyTorch's output for
the saved fixed noise and gankit's (expected.safetensors: `out`), both in train mode.
Run: .venv/bin/python tests/reference/load_checkpoint.py CHECKPOINT_DIR EXPECTED nz ngf image_size
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nets import DcganGenerator  # noqa: E402
from st import load  # noqa: E402


def main():
    ckpt, expected, nz, ngf, size = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:6])
    g = DcganGenerator(nz=nz, ngf=ngf, nc=3, image_size=size)
    g.load_state_dict(load(os.path.join(ckpt, "g.safetensors")), strict=True)
    z = load(os.path.join(ckpt, "state.safetensors"))["fixed_z"]
    want = load(expected)["out"]
    with torch.no_grad():
        got = g.train()(z)
    print(f"max_abs_diff {(got - want).abs().max().item():.3e}")


main()
