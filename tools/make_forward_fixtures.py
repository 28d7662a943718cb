#!/usr/bin/python3
"""Builds the forward-pass fixtures in tests/data/forward/ with PyTorch.

An independent reference for llamascope's C++ forward pass (docs/forward.md): LlamaForCausalLM
written from plain torch ops in the conventions of transformers' modeling_llama.py
(pre-norm decoder layers, RMSNorm, rotate_half RoPE, repeat_kv for GQA, an additive -inf
causal mask, SwiGLU MLP), plus the learned / sinusoidal / none position variants of SPEC §11.
It computes in float64 from the exact weights stored in each checkpoint, so the expected
logits are the truth the float32 C++ code must approach.

For every variant it writes <variant>/config.json, the checkpoint (model.safetensors, or
shards plus model.safetensors.index.json), expected.json (tokens, loss) and logits.npy
(float32 [B, T, V]). Deterministic: the same torch version gives the same files.

Run with Debian's python3-torch:  /usr/bin/python3 tools/make_forward_fixtures.py
"""

import json
import math
import pathlib
import struct

import numpy as np
import torch
import torch.nn.functional as F

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "forward"

BASE = dict(hidden_size=16, intermediate_size=40, num_hidden_layers=2, num_attention_heads=4,
            vocab_size=48, max_position_embeddings=80, rms_norm_eps=1e-6, rope_theta=10000.0,
            initializer_range=0.02, tie_word_embeddings=False, position_embedding_type="rope",
            batch=2, seq=9, dtype="F32", shards=1)

VARIANTS = {
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

TORCH_DTYPE = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}


def resolved(cfg):
    heads = cfg["num_attention_heads"]
    return dict(d=cfg["hidden_size"], f=cfg["intermediate_size"], L=cfg["num_hidden_layers"], H=heads,
                K=cfg.get("num_key_value_heads", heads), h=cfg.get("head_dim", cfg["hidden_size"] // heads),
                V=cfg["vocab_size"], P=cfg["max_position_embeddings"])


def make_weights(cfg, gen):
    """HF-named tensors, scaled so activations are O(1): attention is far from uniform and
    every nonlinearity matters (init-scale weights would make the model nearly linear)."""
    r = resolved(cfg)
    d, f, H, K, h, V = r["d"], r["f"], r["H"], r["K"], r["h"], r["V"]

    def normal(*shape, std):
        return torch.randn(*shape, generator=gen, dtype=torch.float64) * std

    def gain(n):
        return 1.0 + normal(n, std=0.2)

    w = {"model.embed_tokens.weight": normal(V, d, std=1.0)}
    if cfg["position_embedding_type"] == "learned":
        w["model.position_embeddings.position_embeddings.weight"] = normal(r["P"], d, std=0.5)
    for i in range(r["L"]):
        p = f"model.layers.{i}."
        w[p + "input_layernorm.weight"] = gain(d)
        for name, out, inp in (("q", H * h, d), ("k", K * h, d), ("v", K * h, d), ("o", d, H * h)):
            w[p + f"self_attn.{name}_proj.weight"] = normal(out, inp, std=1.5 / math.sqrt(inp))
            if cfg.get("attention_bias"):
                w[p + f"self_attn.{name}_proj.bias"] = normal(out, std=0.3)
        w[p + "post_attention_layernorm.weight"] = gain(d)
        for name, out, inp in (("gate", f, d), ("up", f, d), ("down", d, f)):
            w[p + f"mlp.{name}_proj.weight"] = normal(out, inp, std=1.0 / math.sqrt(inp))
            if cfg.get("mlp_bias"):
                w[p + f"mlp.{name}_proj.bias"] = normal(out, std=0.3)
    w["model.norm.weight"] = gain(d)
    if not cfg["tie_word_embeddings"]:
        w["lm_head.weight"] = normal(V, d, std=1.0 / math.sqrt(d))
    # What the file will hold, exactly: round through the storage dtype.
    dt = TORCH_DTYPE[cfg["dtype"]]
    return {k: v.to(dt) for k, v in w.items()}


# ---- the model: transformers' modeling_llama conventions, in float64 ----------------------

def rms_norm(x, weight, eps):
    variance = x.pow(2).mean(-1, keepdim=True)
    return weight * (x * torch.rsqrt(variance + eps))


def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def rope_cos_sin(seq, head_dim, theta):
    inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.float64) / head_dim))
    freqs = torch.outer(torch.arange(seq, dtype=torch.float64), inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos(), emb.sin()


def repeat_kv(x, n_rep):
    b, kv, t, h = x.shape
    return x[:, :, None, :, :].expand(b, kv, n_rep, t, h).reshape(b, kv * n_rep, t, h)


def sinusoidal_table(seq, d):
    pos = torch.arange(seq, dtype=torch.float64)[:, None]
    two_i = torch.arange(0, d, 2, dtype=torch.float64)
    angle = pos * torch.pow(torch.tensor(10000.0, dtype=torch.float64), -two_i / d)
    table = torch.zeros(seq, d, dtype=torch.float64)
    table[:, 0::2] = torch.sin(angle)
    table[:, 1::2] = torch.cos(angle)[:, : d // 2]
    return table


def attention(x, w, p, cfg, r, rope):
    b, t, _ = x.shape
    H, K, h = r["H"], r["K"], r["h"]

    def proj(name):
        return F.linear(x, w[p + f"self_attn.{name}_proj.weight"], w.get(p + f"self_attn.{name}_proj.bias"))

    q = proj("q").view(b, t, H, h).transpose(1, 2)
    k = proj("k").view(b, t, K, h).transpose(1, 2)
    v = proj("v").view(b, t, K, h).transpose(1, 2)
    if rope is not None:
        cos, sin = rope
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
    k, v = repeat_kv(k, H // K), repeat_kv(v, H // K)
    scores = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(h)
    mask = torch.full((t, t), float("-inf"), dtype=torch.float64).triu(1)
    probs = F.softmax(scores + mask, dim=-1)
    out = torch.matmul(probs, v).transpose(1, 2).reshape(b, t, H * h)
    return F.linear(out, w[p + "self_attn.o_proj.weight"], w.get(p + "self_attn.o_proj.bias"))


def mlp(x, w, p):
    def proj(name, y):
        return F.linear(y, w[p + f"mlp.{name}_proj.weight"], w.get(p + f"mlp.{name}_proj.bias"))

    return proj("down", F.silu(proj("gate", x)) * proj("up", x))


def forward(cfg, weights, tokens):
    r = resolved(cfg)
    w = {k: v.to(torch.float64) for k, v in weights.items()}
    eps = cfg["rms_norm_eps"]
    t = tokens.shape[1]
    x = F.embedding(tokens, w["model.embed_tokens.weight"])
    kind = cfg["position_embedding_type"]
    if kind == "learned":
        x = x + w["model.position_embeddings.position_embeddings.weight"][:t]
    elif kind == "sinusoidal":
        x = x + sinusoidal_table(t, r["d"])
    rope = rope_cos_sin(t, r["h"], cfg["rope_theta"]) if kind == "rope" else None
    for i in range(r["L"]):
        p = f"model.layers.{i}."
        x = x + attention(rms_norm(x, w[p + "input_layernorm.weight"], eps), w, p, cfg, r, rope)
        x = x + mlp(rms_norm(x, w[p + "post_attention_layernorm.weight"], eps), w, p)
    x = rms_norm(x, w["model.norm.weight"], eps)
    head = w["model.embed_tokens.weight"] if cfg["tie_word_embeddings"] else w["lm_head.weight"]
    logits = F.linear(x, head)
    loss = F.cross_entropy(logits[:, :-1].reshape(-1, r["V"]), tokens[:, 1:].reshape(-1))
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


def hf_config(cfg):
    keys = ["hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads",
            "head_dim", "vocab_size", "max_position_embeddings", "rms_norm_eps", "rope_theta", "initializer_range",
            "tie_word_embeddings", "position_embedding_type", "attention_bias", "mlp_bias"]
    out = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_act": "silu",
           "bos_token_id": 0, "eos_token_id": 1}
    out.update({k: cfg[k] for k in keys if k in cfg})
    return out


def build(name, overrides, seed):
    cfg = dict(BASE, **overrides)
    gen = torch.Generator().manual_seed(seed)
    weights = make_weights(cfg, gen)
    tokens = torch.randint(0, cfg["vocab_size"], (cfg["batch"], cfg["seq"]), generator=gen)
    logits, loss = forward(cfg, weights, tokens)
    d = OUT / name
    d.mkdir(parents=True, exist_ok=True)
    for old in d.glob("*.safetensors"):
        old.unlink()
    (d / "config.json").write_text(json.dumps(hf_config(cfg), indent=2) + "\n")
    if cfg["shards"] == 1:
        write_safetensors(d / "model.safetensors", weights, cfg["dtype"])
    else:
        names = sorted(weights)
        weight_map = {}
        for s in range(cfg["shards"]):
            shard = f"model-{s + 1:05d}-of-{cfg['shards']:05d}.safetensors"
            part = names[s::cfg["shards"]]
            write_safetensors(d / shard, {n: weights[n] for n in part}, cfg["dtype"])
            weight_map.update({n: shard for n in part})
        index = {"metadata": {"total_size": sum(len(tensor_bytes(t)) for t in weights.values())},
                 "weight_map": dict(sorted(weight_map.items()))}
        (d / "model.safetensors.index.json").write_text(json.dumps(index, indent=2) + "\n")
    write_npy_f32(d / "logits.npy", logits.numpy())
    expected = {"generator": "tools/make_forward_fixtures.py", "torch": torch.__version__,
                "batch": cfg["batch"], "seq": cfg["seq"], "tokens": tokens.tolist(), "loss": loss,
                "max_abs_logit": logits.abs().max().item()}
    (d / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")
    print(f"{name:10s} B={cfg['batch']} T={cfg['seq']:3d} loss={loss:.6f} max|logit|={expected['max_abs_logit']:.3f}")


def main():
    for seed, (name, overrides) in enumerate(VARIANTS.items()):
        build(name, overrides, 1000 + seed)
    # A config that disagrees with the rope checkpoint (intermediate 48, not 40): refused by name.
    mismatch = hf_config(dict(BASE, intermediate_size=48))
    (OUT / "mismatch_config.json").write_text(json.dumps(mismatch, indent=2) + "\n")


if __name__ == "__main__":
    main()
