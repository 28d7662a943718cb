#!/usr/bin/env python3
"""Writes the bad-checkpoint corpus in tests/data/invalid/checkpoints/ and its manifest.

Each file is the small `rope` fixture checkpoint (tests/data/forward/rope/) with one thing
broken: lying or truncated headers, impossible ranges, wrong shapes, what the safetensors
format forbids (duplicate names, non-string metadata, gaps and trailing bytes), non-finite
weights. The manifest states,
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


def tensors():
    """The original tensors in data order: name -> (dtype, shape, bytes)."""
    out = {}
    for name, e in sorted(((k, v) for k, v in HEADER.items() if k != "__metadata__"),
                          key=lambda kv: kv[1]["data_offsets"]):
        b, end = e["data_offsets"]
        out[name] = (e["dtype"], e["shape"], DATA[b:end])
    return out


def build(named, metadata=HEADER.get("__metadata__"), header_text=None):
    """A well-formed file of `named` tensors laid out back to back (no gaps)."""
    header, data, at = {}, b"", 0
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, (dtype, shape, raw) in named.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [at, at + len(raw)]}
        data += raw
        at += len(raw)
    text = json.dumps(header) if header_text is None else header_text(header)
    return struct.pack("<Q", len(text.encode())) + text.encode() + data


def without(name):
    t = tensors()
    del t[name]
    return t


def with_value(name, index, value):
    """The tensor `name` with element `index` replaced by a float32 `value`."""
    t = tensors()
    dtype, shape, raw = t[name]
    assert dtype == "F32"
    raw = raw[:4 * index] + struct.pack("<f", value) + raw[4 * index + 4:]
    t[name] = (dtype, shape, raw)
    return t


def duplicated_first_tensor(header):
    """The header text with its first tensor's entry written twice (json.dumps cannot)."""
    text = json.dumps(header)
    name = next(k for k in header if k != "__metadata__")
    entry = f'"{name}": ' + json.dumps(header[name])
    return text.replace(entry, entry + ", " + entry, 1)


def nested(header):
    """An unknown field 2000 arrays deep inside the first tensor's entry."""
    name = next(k for k in header if k != "__metadata__")
    entry = json.dumps(header[name])
    deep = entry[:-1] + ', "x": ' + "[" * 2000 + "]" * 2000 + "}"
    return json.dumps(header).replace(entry, deep, 1)


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
    "missing-tensor.safetensors": (build(without("lm_head.weight")), 1, ["lm_head.weight"]),
    # The format (safetensors README "Format"): no duplicate keys, __metadata__ a map of strings
    # to strings, and the tensors must cover the data exactly (the reference implementation's
    # InvalidOffset / MetadataIncompleteBuffer).
    "duplicate-tensor-name.safetensors": (build(tensors(), header_text=duplicated_first_tensor), 3,
                                          [next(iter(tensors())), "appears twice"]),
    "metadata-value-not-string.safetensors": (build(tensors(), metadata={"format": "pt", "step": 1000}), 3,
                                              ["__metadata__", "step", "not a string"]),
    "metadata-not-object.safetensors": (build(tensors(), metadata=["pt"]), 3, ["__metadata__", "not an object"]),
    "trailing-bytes.safetensors": (ORIGINAL + b"\0" * 16, 3, ["16 bytes after the end of the last tensor"]),
    "gap-between-tensors.safetensors": (pack(edited(**{"lm_head.weight": None})), 3, ["belong to no tensor"]),
    "nested-arrays-in-header.safetensors": (build(tensors(), header_text=nested), 3, ["nested deeper than 3 levels"]),
    # Well-formed, but a weight is NaN: the forward pass would print loss nan (issue 10, item 9).
    "nan-weight.safetensors": (build(with_value("model.layers.1.mlp.up_proj.weight", 7, float("nan"))), 3,
                               ["model.layers.1.mlp.up_proj.weight", "NaN"]),
    "infinite-weight.safetensors": (build(with_value("model.norm.weight", 0, float("-inf"))), 3,
                                    ["model.norm.weight", "-inf"]),
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
