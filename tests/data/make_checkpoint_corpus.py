#!/usr/bin/env python3
"""Writes the bad-checkpoint corpus in tests/data/invalid/checkpoints/ and its manifest.

Each file is the small `rope` fixture checkpoint (tests/data/forward/rope/) with one thing
broken: lying or truncated headers, impossible ranges, wrong shapes. The manifest states,
by hand, the exit code of `llamascope forward tests/data/forward/rope/config.json --weights
FILE` (3: the file cannot be read as a checkpoint; 1: it reads but does not match the
config) and text the error must contain (the file, the tensor, both shapes).

Run: python3 tests/data/make_checkpoint_corpus.py   (rewrites the files; commit the result)
"""
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "forward", "rope", "model.safetensors")
OUT = os.path.join(HERE, "invalid", "checkpoints")

with open(SOURCE, "rb") as f:
    ORIGINAL = f.read()
HEADER_LEN = struct.unpack("<Q", ORIGINAL[:8])[0]
HEADER = json.loads(ORIGINAL[8:8 + HEADER_LEN])
DATA = ORIGINAL[8 + HEADER_LEN:]
Q = "model.layers.0.self_attn.q_proj.weight"


def pack(header, data=DATA, length=None):
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text) if length is None else length) + text + data


def edited(**changes):
    h = json.loads(json.dumps(HEADER))
    for name, entry in changes.items():
        if entry is None:
            del h[name]
        else:
            h[name] = {**h[name], **entry}
    return h


CASES = {
    "empty.safetensors": (b"", 3, ["empty.safetensors"]),
    "short-length-prefix.safetensors": (ORIGINAL[:5], 3, ["short-length-prefix.safetensors"]),
    "header-length-2-pow-63.safetensors": (struct.pack("<Q", 1 << 63) + ORIGINAL[8:], 3, ["header"]),
    "header-length-past-end.safetensors": (struct.pack("<Q", len(ORIGINAL)) + ORIGINAL[8:], 3, ["header"]),
    "header-not-json.safetensors": (struct.pack("<Q", 12) + b"not json at!" + DATA, 3, ["header"]),
    "header-not-object.safetensors": (pack([1, 2, 3]), 3, ["header"]),
    "truncated-data.safetensors": (ORIGINAL[:len(ORIGINAL) - 100], 3, ["truncated-data.safetensors"]),
    "offsets-past-end.safetensors": (pack(edited(**{Q: {"data_offsets": [len(DATA) - 8, len(DATA) + 1016]}})), 3, [Q]),
    "offsets-reversed.safetensors": (pack(edited(**{Q: {"data_offsets": [1024, 0]}})), 3, [Q]),
    "overlapping-ranges.safetensors": (pack(edited(**{Q: {"data_offsets": [0, 1024]}})), 3, ["overlap"]),
    "dtype-size-mismatch.safetensors": (pack(edited(**{Q: {"dtype": "F16"}})), 3, [Q]),
    "unknown-dtype.safetensors": (pack(edited(**{Q: {"dtype": "F128"}})), 3, [Q, "F128"]),
    "unsupported-dtype.safetensors": (pack(edited(**{Q: {"dtype": "I32"}})), 3, [Q, "I32"]),
    "negative-shape.safetensors": (pack(edited(**{Q: {"shape": [-16, -16]}})), 3, [Q]),
    "overflowing-shape.safetensors": (pack(edited(**{Q: {"shape": [4294967296, 4294967296, 4294967296]}})), 3, [Q]),
    "shape-mismatch.safetensors": (pack(edited(**{Q: {"shape": [8, 32]}})), 1, [Q, "[8, 32]", "[16, 16]"]),
    "missing-tensor.safetensors": (pack(edited(**{"lm_head.weight": None})), 1, ["lm_head.weight"]),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    manifest = {}
    for name, (data, code, must_contain) in CASES.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        manifest[name] = {"exit": code, "contains": must_contain}
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")
    print(f"wrote {len(CASES)} checkpoints to {OUT}")


if __name__ == "__main__":
    main()
