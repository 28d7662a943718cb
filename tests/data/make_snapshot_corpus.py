#!/usr/bin/env python3
"""Writes the bad-snapshot corpus in tests/data/invalid/snapshots/ and its manifest.

Each case is a Hub snapshot folder: a clean LLaMA config.json (768 wide, 12 layers, 32000
tokens, untied) beside a model.safetensors.index.json, and sometimes a shard, with one thing
wrong about the weights. The manifest states, by hand, the finding `llamascope validate FOLDER`
must report (code, severity, pointer, text naming the tensor) and the exit codes with and
without --strict. The tensor names are written out here from transformers' LlamaForCausalLM,
not read back from llamascope.

Run: python3 tests/data/make_snapshot_corpus.py   (rewrites the folders; commit the result)
"""
import json
import os
import shutil
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "invalid", "snapshots")

CONFIG = {
    "architectures": ["LlamaForCausalLM"], "bos_token_id": 1, "eos_token_id": 2, "hidden_act": "silu",
    "hidden_size": 768, "initializer_range": 0.02, "intermediate_size": 2048, "max_position_embeddings": 1024,
    "model_type": "llama", "num_attention_heads": 12, "num_hidden_layers": 12, "num_key_value_heads": 12,
    "rms_norm_eps": 1e-06, "rope_theta": 10000.0, "tie_word_embeddings": False, "vocab_size": 32000,
}
SHARD1, SHARD2 = "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"


def llama_tensors():
    names = ["model.embed_tokens.weight", "model.norm.weight", "lm_head.weight"]
    for i in range(CONFIG["num_hidden_layers"]):
        p = f"model.layers.{i}."
        names += [p + "input_layernorm.weight", p + "post_attention_layernorm.weight"]
        names += [p + f"self_attn.{x}_proj.weight" for x in "qkvo"]
        names += [p + f"mlp.{x}_proj.weight" for x in ("gate", "up", "down")]
    return sorted(names)


def index(weight_map):
    return json.dumps({"metadata": {"total_size": 0}, "weight_map": weight_map}, indent=2).encode()


def shard(tensors):
    """A safetensors file of float32 zeros: {name: shape}."""
    header, offset = {}, 0
    for name, shape in tensors.items():
        n = 4
        for s in shape:
            n *= s
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + n]}
        offset += n
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + b"\0" * offset


CASES = {}


def case(name, files, code, severity, contains):
    CASES[name] = (files, {"code": code, "severity": severity, "pointer": "", "contains": contains,
                           "exit": 1 if severity == "error" else 0, "strict_exit": 1})


# The final norm is 700 wide in its shard, 768 in the config (the other shard is not there).
weight_map = {n: (SHARD1 if n == "model.norm.weight" else SHARD2) for n in llama_tensors()}
case("weights-shape", {"model.safetensors.index.json": index(weight_map),
                       SHARD1: shard({"model.norm.weight": [700]})},
     "weights-shape", "error",
     [SHARD1, "model.norm.weight: checkpoint has [700], config expects [768]"])

# The index names layer 11's down projection "mlp.down.weight": missing, and one without a place.
renamed = {("model.layers.11.mlp.down.weight" if n == "model.layers.11.mlp.down_proj.weight" else n): SHARD1
           for n in llama_tensors()}
case("weights-tensors", {"model.safetensors.index.json": index(renamed)}, "weights-tensors", "warning",
     ["model.layers.11.mlp.down_proj.weight: missing from the checkpoint, config expects [768, 2048]",
      "model.layers.11.mlp.down.weight: checkpoint has it, config has no such tensor"])

# weight_map is a list, not an object.
case("weights-unreadable", {"model.safetensors.index.json": b'{"weight_map": ["model.norm.weight"]}'},
     "weights-unreadable", "warning", ["model.safetensors.index.json", "weight_map"])


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    manifest = {}
    for name, (files, entry) in CASES.items():
        folder = os.path.join(OUT, name)
        os.makedirs(folder)
        with open(os.path.join(folder, "config.json"), "w") as f:
            json.dump(CONFIG, f, indent=2)
            f.write("\n")
        for file, data in files.items():
            with open(os.path.join(folder, file), "wb") as f:
                f.write(data)
        manifest[name] = entry
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")
    print(f"wrote {len(CASES)} snapshot folders to {OUT}")


if __name__ == "__main__":
    main()
