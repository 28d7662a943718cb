#!/usr/bin/python3
"""Builds the forward-pass fixtures in tests/data/forward/ with PyTorch.

An independent reference for llamascope's C++ forward pass (docs/forward.md): the nine decoder
families written from plain torch ops in the conventions of transformers' modeling_<type>.py
(tools/torch_families.py), plus the learned / sinusoidal / none position variants of SPEC §11.
It computes in float64 from the exact weights stored in each checkpoint, so the expected
logits are the truth the float32 C++ code must approach.

For every variant it writes <variant>/config.json, the checkpoint under the family's tensor
names (model.safetensors, or shards plus model.safetensors.index.json), expected.json (tokens,
loss) and logits.npy (float32 [B, T, V]); and activations.json, every ACT2FN activation on a
grid of inputs. Deterministic: the same torch version gives the same files.

Run with Debian's python3-torch:  /usr/bin/python3 tools/make_forward_fixtures.py
"""

import json
import math
import pathlib
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import torch_families as tf  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "forward"

# The LLaMA variants of SPEC §11 (config.json keys, plus batch/seq/dtype/shards of the run).
BASE = dict(hidden_size=16, intermediate_size=40, num_hidden_layers=2, num_attention_heads=4,
            vocab_size=48, max_position_embeddings=80, rms_norm_eps=1e-6, rope_theta=10000.0,
            initializer_range=0.02, tie_word_embeddings=False, position_embedding_type="rope",
            batch=2, seq=9, dtype="F32", shards=1)

LLAMA_VARIANTS = {
    # T = 70 crosses the C++ code's 64-row causal block, so its blocked path is checked too.
    "rope": dict(seq=70),
    "learned": dict(position_embedding_type="learned", max_position_embeddings=12),
    "sinusoidal": dict(position_embedding_type="sinusoidal"),
    "none": dict(position_embedding_type="none"),
    "gqa": dict(num_key_value_heads=2, rope_theta=500000.0),
    "tied": dict(tie_word_embeddings=True),
    "head_dim": dict(num_key_value_heads=2, head_dim=6),
    "bias": dict(attention_bias=True, mlp_bias=True),
    "f16": dict(dtype="F16"),
    "bf16": dict(dtype="BF16"),
    "sharded": dict(shards=2),
}

# One small config per feature of the families (docs/forward.md "Fixtures"). Shapes: d = 16,
# H = 4 query heads of h = 8 over K = 2 kv heads, so the attention width (32) is not d.
SMALL = dict(hidden_size=16, intermediate_size=24, num_hidden_layers=2, num_attention_heads=4,
             num_key_value_heads=2, head_dim=8, vocab_size=48, max_position_embeddings=64, rms_norm_eps=1e-6,
             initializer_range=0.02, tie_word_embeddings=False)


def small(model_type, **keys):
    return dict(SMALL, model_type=model_type, **keys)


FAMILY_VARIANTS = {
    # q/k/v biases (not o); sliding window 7 < T on layers >= max_window_layers = 1.
    "qwen2": (small("qwen2", num_hidden_layers=3, use_sliding_window=True, sliding_window=7,
                    max_window_layers=1), 20),
    # RMSNorm over each query and key head before RoPE; attention_bias puts biases on q/k/v/o.
    "qwen3": (small("qwen3", attention_bias=True), 12),
    # Post-norms after attention and MLP, no input norm; q/k norm over the whole projection.
    "olmo2": (small("olmo2", hidden_size=32, num_key_value_heads=2, head_dim=None), 12),
    # Embeddings × √d, (1 + w) norms, GeGLU (gelu_pytorch_tanh), tied head.
    "gemma": (small("gemma", hidden_activation="gelu_pytorch_tanh", tie_word_embeddings=True), 12),
    # Sandwich norms, query_pre_attn_scalar, attention and final soft-capping tight enough to
    # bite, sliding window 5 < T on even layers.
    "gemma2": (small("gemma2", num_hidden_layers=3, hidden_activation="gelu_pytorch_tanh",
                     tie_word_embeddings=True, query_pre_attn_scalar=6, attn_logit_softcapping=2.0,
                     final_logit_softcapping=8.0, sliding_window=5), 20),
    # Window 20 on every layer with T = 70: whole-block, strip and diagonal paths of the C++ code.
    "mistral": (small("mistral", sliding_window=20), 70),
    # Four experts, two per token, weights renormalised.
    "mixtral": (small("mixtral", num_local_experts=4, num_experts_per_tok=2, sliding_window=None), 16),
    # Fused qkv_proj / gate_up_proj, half the head rotated, longrope: short factors for T <= 16 ...
    "phi3_short": (small("phi3", hidden_size=32, head_dim=None, partial_rotary_factor=0.5,
                         original_max_position_embeddings=16,
                         rope_scaling={"type": "longrope", "short_factor": [1.0, 1.25],
                                       "long_factor": [1.5, 4.0]}), 12),
    # ... long factors beyond.
    "phi3_long": (small("phi3", hidden_size=32, head_dim=None, partial_rotary_factor=0.5,
                        original_max_position_embeddings=16,
                        rope_scaling={"type": "longrope", "short_factor": [1.0, 1.25],
                                      "long_factor": [1.5, 4.0]}), 24),
    # Every rope_scaling kind on LLaMA (θ = 100 spreads the frequencies over the kinds' bands).
    "rope_linear": (small("llama", rope_theta=100.0, rope_scaling={"rope_type": "linear", "factor": 4.0}), 20),
    "rope_dynamic": (small("llama", rope_theta=100.0, max_position_embeddings=12,
                           rope_scaling={"rope_type": "dynamic", "factor": 2.0}), 20),
    "rope_yarn": (small("llama", rope_theta=100.0, max_position_embeddings=256,
                        rope_scaling={"rope_type": "yarn", "factor": 4.0,
                                      "original_max_position_embeddings": 64}), 20),
    "rope_yarn_mscale": (small("llama", rope_theta=100.0, max_position_embeddings=128,
                               rope_scaling={"rope_type": "yarn", "factor": 8.0, "mscale": 1.0,
                                             "mscale_all_dim": 0.8, "beta_fast": 16, "beta_slow": 2,
                                             "truncate": False}), 20),
    "rope_llama3": (small("llama", rope_theta=100.0, max_position_embeddings=512,
                          rope_scaling={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                        "high_freq_factor": 4.0, "original_max_position_embeddings": 64}), 20),
    # Exact (erf) GELU in a gated MLP.
    "gelu": (small("llama", hidden_act="gelu"), 12),
}

TORCH_DTYPE = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}


# Draw order: a layer's tensors in the order its computation uses them (the order the LLaMA
# variants' weights have always been drawn in, so their checkpoints stay as they were).
STAGES = ["input_layernorm", "self_attn", "post_attention_layernorm", "pre_feedforward_layernorm", "mlp",
          "block_sparse_moe", "post_feedforward_layernorm"]


def draw_order(name):
    parts = name.split(".")
    if parts[:2] == ["model", "layers"]:
        return (1, int(parts[2]), STAGES.index(parts[3]))
    return ({"model.embed_tokens.weight": 0, "model.norm.weight": 2, "lm_head.weight": 3}.get(name, 0.5), 0, 0)


def make_weights(model, gen):
    """The checkpoint's tensors under the family's names, scaled so activations are O(1):
    attention is far from uniform and every nonlinearity matters (init-scale weights would make
    a tiny model almost linear and hide mistakes)."""
    cfg = model.cfg
    w = {}
    for name in sorted(model.state_dict(), key=draw_order):
        shape = tuple(model.state_dict()[name].shape)

        def normal(std):
            return torch.randn(*shape, generator=gen, dtype=torch.float64) * std

        if name == "model.embed_tokens.weight":
            w[name] = normal(1.0)
        elif name.endswith("position_embeddings.weight"):
            w[name] = normal(0.5)
        elif "norm" in name:  # every norm gain, q/k norms included
            w[name] = normal(0.2) if cfg.unit_offset else 1.0 + normal(0.2)
        elif name.endswith(".bias"):
            w[name] = normal(0.3)
        elif ".self_attn." in name:
            w[name] = normal(1.5 / math.sqrt(shape[1]))
        else:  # MLP, experts, router, lm_head
            w[name] = normal(1.0 / math.sqrt(shape[1]))
    return w


def forward(cfg, weights, tokens):
    model = tf.CausalLM(cfg).to(torch.float64)
    model.load_state_dict({k: v.to(torch.float64) for k, v in weights.items()})
    with torch.no_grad():
        logits = model(tokens)
    loss = F.cross_entropy(logits[:, :-1].reshape(-1, cfg.vocab_size), tokens[:, 1:].reshape(-1))
    return logits, loss.item()


# ---- files ----------------------------------------------------------------------------------

def tensor_bytes(t):
    if t.dtype == torch.bfloat16:
        return t.contiguous().view(torch.int16).numpy().astype("<i2").tobytes()
    return t.contiguous().numpy().astype({torch.float32: "<f4", torch.float16: "<f2"}[t.dtype]).tobytes()


def write_safetensors(path, tensors, dtype):
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        data = tensor_bytes(tensors[name])
        header[name] = {"dtype": dtype, "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = {"format": "pt", "generator": "tools/make_forward_fixtures.py"}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # the format pads the header to 8 bytes
    path.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def write_npy_f32(path, array):
    np.save(path, np.ascontiguousarray(array, dtype="<f4"))


def llama_config(cfg):
    keys = ["hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads",
            "head_dim", "vocab_size", "max_position_embeddings", "rms_norm_eps", "rope_theta", "initializer_range",
            "tie_word_embeddings", "position_embedding_type", "attention_bias", "mlp_bias"]
    out = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_act": "silu",
           "bos_token_id": 0, "eos_token_id": 1}
    out.update({k: cfg[k] for k in keys if k in cfg})
    return out


CLASS = {"llama": "LlamaForCausalLM", "mistral": "MistralForCausalLM", "mixtral": "MixtralForCausalLM",
         "qwen2": "Qwen2ForCausalLM", "qwen3": "Qwen3ForCausalLM", "gemma": "GemmaForCausalLM",
         "gemma2": "Gemma2ForCausalLM", "phi3": "Phi3ForCausalLM", "olmo2": "Olmo2ForCausalLM"}


def family_config(keys):
    out = {"architectures": [CLASS[keys["model_type"]]], "bos_token_id": 0, "eos_token_id": 1}
    out.update({k: v for k, v in keys.items() if v is not None})
    return out


def build(name, config, batch, seq, dtype, shards, seed):
    cfg = tf.Config(config)
    gen = torch.Generator().manual_seed(seed)
    model = tf.CausalLM(cfg, device="meta")
    # What the file will hold, exactly: round through the storage dtype.
    weights = {k: v.to(TORCH_DTYPE[dtype]) for k, v in make_weights(model, gen).items()}
    tokens = torch.randint(0, cfg.vocab_size, (batch, seq), generator=gen)
    logits, loss = forward(cfg, weights, tokens)
    d = OUT / name
    d.mkdir(parents=True, exist_ok=True)
    for old in d.glob("*.safetensors"):
        old.unlink()
    (d / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    if shards == 1:
        write_safetensors(d / "model.safetensors", weights, dtype)
    else:
        names = sorted(weights)
        weight_map = {}
        for s in range(shards):
            shard = f"model-{s + 1:05d}-of-{shards:05d}.safetensors"
            part = names[s::shards]
            write_safetensors(d / shard, {n: weights[n] for n in part}, dtype)
            weight_map.update({n: shard for n in part})
        index = {"metadata": {"total_size": sum(len(tensor_bytes(t)) for t in weights.values())},
                 "weight_map": dict(sorted(weight_map.items()))}
        (d / "model.safetensors.index.json").write_text(json.dumps(index, indent=2) + "\n")
    write_npy_f32(d / "logits.npy", logits.numpy())
    expected = {"generator": "tools/make_forward_fixtures.py", "torch": torch.__version__,
                "batch": batch, "seq": seq, "tokens": tokens.tolist(), "loss": loss,
                "max_abs_logit": logits.abs().max().item()}
    (d / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")
    print(f"{name:16s} B={batch} T={seq:3d} loss={loss:.6f} max|logit|={expected['max_abs_logit']:.3f}")


def activation_table():
    """Every ACT2FN activation on a grid from -12 to 12 (gelu_10's clip and mish's softplus
    threshold included), in float64."""
    x = torch.linspace(-12.0, 12.0, 97, dtype=torch.float64)
    x = torch.cat((x, torch.tensor([-0.5, -1e-3, 0.0, 1e-3, 0.5, 0.707107, 25.0], dtype=torch.float64)))
    return {"generator": "tools/make_forward_fixtures.py", "x": x.tolist(),
            "y": {name: fn(x).tolist() for name, fn in sorted(tf.ACT2FN.items())}}


def main():
    seed = 1000
    for name, overrides in LLAMA_VARIANTS.items():
        run = dict(BASE, **overrides)
        build(name, llama_config(run), run["batch"], run["seq"], run["dtype"], run["shards"], seed)
        seed += 1
    for name, (keys, seq) in FAMILY_VARIANTS.items():
        build(name, family_config(keys), 2, seq, "F32", 1, seed)
        seed += 1
    (OUT / "activations.json").write_text(json.dumps(activation_table(), indent=1) + "\n")
    # A config that disagrees with the rope checkpoint (intermediate 48, not 40): refused by name.
    mismatch = llama_config(dict(BASE, intermediate_size=48))
    (OUT / "mismatch_config.json").write_text(json.dumps(mismatch, indent=2) + "\n")


if __name__ == "__main__":
    main()
