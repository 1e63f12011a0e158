"""Regenerates every PyTorch reference fixture in tests/fixtures/reference/:
losses.py (losses, penalties, optimizers) and, where it exists, nets.py (networks).

Run: .venv/bin/python tests/reference/make_fixtures.py
"""
import importlib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

SCRIPTS = ["losses", "nets", "fid"]


def main():
    for name in SCRIPTS:
        if not os.path.exists(os.path.join(HERE, f"{name}.py")):
            print(f"{name}.py: not there, skipped")
            continue
        print(f"{name}.py ...", flush=True)
        importlib.import_module(name).main()
    print("fixtures written to", os.path.normpath(os.path.join(HERE, "..", "fixtures", "reference")))


if __name__ == "__main__":
    main()
