#!/usr/bin/python3
"""Independent exact parameter totals for the real-world corpus (tests/data/realworld).

Each config in manifest.json is read by tools/torch_families.py (the family's transformers
defaults and key names, written separately from llamascope's C++ reader) and its model is built
on PyTorch's meta device: every module exists with its real shapes, nothing is allocated. The
total is the sum of the parameters' sizes; for a mixture of experts the active count leaves out
the experts a token does not run. Writes tests/data/realworld/expected_counts.json
{file: {total, active}}, which tests/cli/test_realworld.py compares with llamascope's counts.

Run with Debian's python3-torch:  /usr/bin/python3 tools/make_expected_counts.py
"""

import json
import pathlib
import sys

import torch

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import torch_families as tf  # noqa: E402

REALWORLD = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "realworld"


def main():
    entries = json.loads((REALWORLD / "manifest.json").read_text())["entries"]
    out = {}
    for e in entries:
        cfg = tf.Config(json.loads((REALWORLD / e["file"]).read_text()))
        total, active = tf.count_parameters(cfg)
        out[e["file"]] = {"total": total, "active": active}
        print(f"{e['file']:50s} {total:>16,} {active:>16,}")
    text = json.dumps({"generator": "tools/make_expected_counts.py", "torch": torch.__version__,
                       "counts": dict(sorted(out.items()))}, indent=1) + "\n"
    (REALWORLD / "expected_counts.json").write_text(text)


if __name__ == "__main__":
    main()
