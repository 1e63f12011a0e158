"""Installs the "Rust (gankit)" kernelspec into the virtual environment's Jupyter.

Usage: install_kernel.py <venv> <torch package dir>. Rewrites kernel.json only when it changed.
"""
import json
import os
import sys

venv, torch_dir = sys.argv[1], sys.argv[2]
here = os.path.dirname(os.path.abspath(__file__))
spec_dir = os.path.join(venv, "share", "jupyter", "kernels", "gankit")
spec = {
    "argv": [os.path.join(here, "launch"), "{connection_file}"],
    "display_name": "Rust (gankit)",
    "language": "rust",
    "interrupt_mode": "message",
    "env": {
        "LIBTORCH": torch_dir,
        "GANKIT_VENV": venv,
    },
    "metadata": {"gankit": {"repo": os.path.dirname(here)}},
}
text = json.dumps(spec, indent=1) + "\n"
path = os.path.join(spec_dir, "kernel.json")
os.makedirs(spec_dir, exist_ok=True)
old = open(path).read() if os.path.exists(path) else None
if old != text:
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.replace(path + ".tmp", path)
    print(f"[gankit] kernel \"Rust (gankit)\" installed: {path}")
else:
    print("[gankit] kernel \"Rust (gankit)\": already installed")
