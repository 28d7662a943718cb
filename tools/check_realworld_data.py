#!/usr/bin/env python3
"""Consistency check for the data sets of issues 14 and 15 (stdlib only).

Checks
  tests/data/realworld/            every *.json parses; manifest.json lists every config file
                                   exactly once with all fields; expected.json still points at
                                   existing files.
  core/data/published_models.json  parses; every model has every field with the right type.

Usage: python3 tools/check_realworld_data.py [repo-root]      exit 0 = consistent, 1 = not.
"""
import json
import os
import sys

NINE = {"llama", "mistral", "mixtral", "qwen2", "qwen3", "gemma", "gemma2", "phi3", "olmo2"}
FIDELITY = {"verbatim", "verbatim-json-block", "to-dict-dump", "python-literal", "json-reformatted", "transcription"}
ORIGINAL_FIDELITY = {"verbatim", "verbatim-json-block", "to-dict-dump"}
NOT_CONFIGS = {"manifest.json", "expected.json"}

MANIFEST_FIELDS = {
    "file": str, "model_id": str, "family": str, "provenance": str, "text_fidelity": str,
    "source": str, "published_total": str, "published_source": str,
    "exact_total": (int, type(None)), "exact_total_source": (str, type(None)), "notes": str,
}
SHAPE_FIELDS = {
    "name": str, "org": str, "family": str, "year": int, "hidden_size": int,
    "num_hidden_layers": int, "num_attention_heads": int, "num_key_value_heads": int,
    "head_dim": int, "intermediate_size": int, "ffn_kind": str, "vocab_size": int,
    "tied_embeddings": bool, "max_position_embeddings": int, "experts": (dict, type(None)),
    "published_params": str, "source": str, "provenance": str,
}
FFN_KINDS = {"swiglu", "geglu", "gelu", "relu"}
MIN_CORPUS = 36
MIN_SHAPES = 45


class Checker:
    def __init__(self):
        self.errors = []

    def error(self, where, message):
        self.errors.append(f"{where}: {message}")

    def load(self, path):
        try:
            with open(path, encoding="utf-8") as f:
                return json.load(f)
        except (OSError, ValueError) as e:
            self.error(path, f"does not parse: {e}")
            return None

    def fields(self, where, obj, spec):
        for key, kind in spec.items():
            if key not in obj:
                self.error(where, f"missing field '{key}'")
            elif not isinstance(obj[key], kind) or (kind is int and isinstance(obj[key], bool)):
                self.error(where, f"field '{key}' has type {type(obj[key]).__name__}")


def check_corpus(c, root):
    base = os.path.join(root, "tests", "data", "realworld")
    configs = {}
    for dirpath, _, names in os.walk(base):
        for name in names:
            if not name.endswith(".json"):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, base).replace(os.sep, "/")
            data = c.load(path)
            if name not in NOT_CONFIGS or dirpath != base:
                configs[rel] = data
    manifest = c.load(os.path.join(base, "manifest.json"))
    if not isinstance(manifest, dict) or not isinstance(manifest.get("entries"), list):
        c.error("manifest.json", "expected an object with an 'entries' array")
        return
    listed = {}
    for i, e in enumerate(manifest["entries"]):
        where = f"manifest.json#/entries/{i}"
        if not isinstance(e, dict):
            c.error(where, "not an object")
            continue
        c.fields(where, e, MANIFEST_FIELDS)
        rel = e.get("file")
        if rel in listed:
            c.error(where, f"'{rel}' listed twice")
        listed[rel] = e
        if rel not in configs:
            c.error(where, f"file '{rel}' does not exist")
            continue
        cfg = configs[rel]
        family = cfg.get("model_type") if isinstance(cfg, dict) else None
        if e.get("family") != family:
            c.error(where, f"family '{e.get('family')}' but the file says model_type '{family}'")
        if family not in NINE:
            c.error(where, f"model_type '{family}' is not one of the nine families")
        if e.get("provenance") not in ("original", "transcription"):
            c.error(where, f"provenance '{e.get('provenance')}'")
        fidelity = e.get("text_fidelity")
        if fidelity not in FIDELITY:
            c.error(where, f"text_fidelity '{fidelity}'")
        elif (fidelity in ORIGINAL_FIDELITY) != (e.get("provenance") == "original"):
            c.error(where, f"provenance '{e.get('provenance')}' contradicts text_fidelity '{fidelity}'")
        if family == "mixtral" and not isinstance(e.get("published_active"), str):
            c.error(where, "MoE entry without 'published_active'")
        if e.get("exact_total") is not None and not e.get("exact_total_source"):
            c.error(where, "exact_total without exact_total_source")
        if "exact_non_embedding" in e and not e.get("exact_non_embedding_source"):
            c.error(where, "exact_non_embedding without exact_non_embedding_source")
    for rel in sorted(set(configs) - set(listed)):
        c.error("manifest.json", f"does not list '{rel}'")
    families = {e.get("family") for e in listed.values()}
    for fam in sorted(NINE - families):
        c.error("manifest.json", f"no file of family '{fam}'")
    in_dirs = [r for r in configs if "/" in r]
    if len(configs) < MIN_CORPUS:
        c.error("tests/data/realworld", f"{len(configs)} configs, fewer than {MIN_CORPUS}")
    expected = c.load(os.path.join(base, "expected.json"))
    if isinstance(expected, dict):
        for name, entry in expected.items():
            if f"{name}.json" not in configs:
                c.error("expected.json", f"'{name}' has no file {name}.json")
            if not isinstance(entry, dict) or not isinstance(entry.get("total_params"), int):
                c.error("expected.json", f"'{name}' lacks an integer total_params")
    print(f"realworld: {len(configs)} configs ({len(in_dirs)} in family folders), "
          f"{sum(1 for e in listed.values() if e.get('provenance') == 'original')} original, "
          f"{sum(1 for e in listed.values() if e.get('exact_total') is not None)} with an exact total")


def check_shapes(c, root):
    path = os.path.join(root, "core", "data", "published_models.json")
    doc = c.load(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("models"), list):
        c.error(path, "expected an object with a 'models' array")
        return
    names = set()
    for i, m in enumerate(doc["models"]):
        where = f"published_models.json#/models/{i}"
        if not isinstance(m, dict):
            c.error(where, "not an object")
            continue
        c.fields(where, m, SHAPE_FIELDS)
        if m.get("name") in names:
            c.error(where, f"duplicate name '{m.get('name')}'")
        names.add(m.get("name"))
        if m.get("ffn_kind") not in FFN_KINDS:
            c.error(where, f"ffn_kind '{m.get('ffn_kind')}'")
        if m.get("provenance") not in ("config", "paper"):
            c.error(where, f"provenance '{m.get('provenance')}'")
        h, k = m.get("num_attention_heads"), m.get("num_key_value_heads")
        if isinstance(h, int) and isinstance(k, int) and (k <= 0 or h % k):
            c.error(where, f"{h} heads are not a multiple of {k} KV heads")
        for key in ("hidden_size", "num_hidden_layers", "head_dim", "intermediate_size", "vocab_size",
                    "max_position_embeddings"):
            if isinstance(m.get(key), int) and m[key] <= 0:
                c.error(where, f"'{key}' is not positive")
        experts = m.get("experts")
        if isinstance(experts, dict):
            if set(experts) != {"num", "top_k"} or not all(isinstance(v, int) for v in experts.values()) \
                    or not 0 < experts.get("top_k", 0) <= experts.get("num", 0):
                c.error(where, f"experts must be {{num, top_k}} with 0 < top_k <= num, got {experts}")
        if not m.get("source"):
            c.error(where, "empty source")
    if len(names) < MIN_SHAPES:
        c.error(path, f"{len(names)} models, fewer than {MIN_SHAPES}")
    md = os.path.join(root, "core", "data", "published_models.md")
    if not os.path.exists(md):
        c.error(md, "missing")
    print(f"published_models: {len(names)} models")


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    c = Checker()
    check_corpus(c, root)
    check_shapes(c, root)
    for e in c.errors:
        print("error:", e, file=sys.stderr)
    print("consistent" if not c.errors else f"{len(c.errors)} problem(s)")
    return 1 if c.errors else 0


if __name__ == "__main__":
    sys.exit(main())
