"""A small, independent PyTorch implementation of the nine decoder families llamascope models.

Written from transformers' configuration_<type>.py and modeling_<type>.py (llama, mistral,
mixtral, qwen2, qwen3, gemma, gemma2, phi3, olmo2), modeling_rope_utils.py and masking_utils.py,
without importing transformers (it is not installed; only torch is). Used by
tools/make_forward_fixtures.py (the truth llamascope's C++ forward pass is checked against, in
float64) and tools/make_expected_counts.py (exact parameter totals: the same modules built on the
meta device). The module tree and attribute names follow transformers', so `state_dict()` keys are
the Hub checkpoint's tensor names.

It follows the transformers >= 4.56 / 5 semantics llamascope's config reader follows: Gemma's MLP
uses `hidden_activation`, yarn takes `factor` as given, `layer_types` decides sliding layers.
"""

import math

import torch
import torch.nn.functional as F
from torch import nn

# ---- config: each family's defaults (configuration_<type>.py) ---------------------------------

DEFAULTS = {
    "llama": dict(vocab_size=32000, hidden_size=4096, intermediate_size=11008, num_hidden_layers=32,
                  num_attention_heads=32, hidden_act="silu", max_position_embeddings=2048, rms_norm_eps=1e-6,
                  tie_word_embeddings=False, rope_theta=10000.0, attention_bias=False, mlp_bias=False),
    "mistral": dict(vocab_size=32000, hidden_size=4096, intermediate_size=14336, num_hidden_layers=32,
                    num_attention_heads=32, num_key_value_heads=8, hidden_act="silu",
                    max_position_embeddings=4096 * 32, rms_norm_eps=1e-6, tie_word_embeddings=False,
                    rope_theta=10000.0, sliding_window=4096),
    "mixtral": dict(vocab_size=32000, hidden_size=4096, intermediate_size=14336, num_hidden_layers=32,
                    num_attention_heads=32, num_key_value_heads=8, hidden_act="silu",
                    max_position_embeddings=4096 * 32, rms_norm_eps=1e-5, tie_word_embeddings=False,
                    rope_theta=1e6, sliding_window=None, num_experts_per_tok=2, num_local_experts=8),
    "qwen2": dict(vocab_size=151936, hidden_size=4096, intermediate_size=22016, num_hidden_layers=32,
                  num_attention_heads=32, num_key_value_heads=32, hidden_act="silu", max_position_embeddings=32768,
                  rms_norm_eps=1e-6, tie_word_embeddings=False, rope_theta=10000.0, use_sliding_window=False,
                  sliding_window=4096, max_window_layers=28),
    "qwen3": dict(vocab_size=151936, hidden_size=4096, intermediate_size=22016, num_hidden_layers=32,
                  num_attention_heads=32, num_key_value_heads=32, head_dim=128, hidden_act="silu",
                  max_position_embeddings=32768, rms_norm_eps=1e-6, tie_word_embeddings=False, rope_theta=10000.0,
                  attention_bias=False, use_sliding_window=False, sliding_window=4096, max_window_layers=28),
    "gemma": dict(vocab_size=256000, hidden_size=3072, intermediate_size=24576, num_hidden_layers=28,
                  num_attention_heads=16, num_key_value_heads=16, head_dim=256, hidden_activation=None,
                  max_position_embeddings=8192, rms_norm_eps=1e-6, tie_word_embeddings=True, rope_theta=10000.0,
                  attention_bias=False),
    "gemma2": dict(vocab_size=256000, hidden_size=2304, intermediate_size=9216, num_hidden_layers=26,
                   num_attention_heads=8, num_key_value_heads=4, head_dim=256, hidden_activation="gelu_pytorch_tanh",
                   max_position_embeddings=8192, rms_norm_eps=1e-6, tie_word_embeddings=True, rope_theta=10000.0,
                   attention_bias=False, query_pre_attn_scalar=256, sliding_window=4096,
                   final_logit_softcapping=30.0, attn_logit_softcapping=50.0),
    "phi3": dict(vocab_size=32064, hidden_size=3072, intermediate_size=8192, num_hidden_layers=32,
                 num_attention_heads=32, num_key_value_heads=None, hidden_act="silu", max_position_embeddings=4096,
                 original_max_position_embeddings=4096, rms_norm_eps=1e-5, tie_word_embeddings=False,
                 rope_theta=10000.0, partial_rotary_factor=1.0, sliding_window=None),
    "olmo2": dict(vocab_size=50304, hidden_size=4096, intermediate_size=11008, num_hidden_layers=32,
                  num_attention_heads=32, num_key_value_heads=None, hidden_act="silu", max_position_embeddings=2048,
                  rms_norm_eps=1e-5, tie_word_embeddings=False, rope_theta=10000.0, attention_bias=False),
}


class Config:
    """A config.json read the way the family's transformers config class reads it."""

    def __init__(self, raw):
        self.raw = raw
        t = raw.get("model_type", "llama")
        if t not in DEFAULTS:
            raise ValueError(f"model_type {t!r} is not one of the nine families")
        self.model_type = t
        v = dict(DEFAULTS[t])
        v.update({k: raw[k] for k in raw if k in v or k in (
            "num_key_value_heads", "head_dim", "rope_scaling", "rope_parameters", "layer_types",
            "position_embedding_type", "hidden_act", "hidden_activation", "partial_rotary_factor")})
        self.vocab_size = v["vocab_size"]
        self.hidden_size = v["hidden_size"]
        self.intermediate_size = v["intermediate_size"]
        self.num_hidden_layers = v["num_hidden_layers"]
        self.num_attention_heads = v["num_attention_heads"]
        kv = v.get("num_key_value_heads")
        self.num_key_value_heads = self.num_attention_heads if kv is None else kv
        head_dim = v.get("head_dim")
        self.head_dim = self.hidden_size // self.num_attention_heads if head_dim is None else head_dim
        if t in ("gemma", "gemma2"):
            # transformers 4.39+: Gemma's MLP reads hidden_activation (gelu_pytorch_tanh when unset).
            self.hidden_act = v.get("hidden_activation") or "gelu_pytorch_tanh"
        else:
            self.hidden_act = v.get("hidden_act", "silu")
        self.max_position_embeddings = v["max_position_embeddings"]
        self.rms_norm_eps = v["rms_norm_eps"]
        self.tie_word_embeddings = v["tie_word_embeddings"]
        self.rope_theta = v["rope_theta"]
        self.rope_scaling = raw.get("rope_scaling") or raw.get("rope_parameters")
        if self.rope_scaling is not None:
            self.rope_scaling = dict(self.rope_scaling)
            if "rope_theta" in self.rope_scaling:
                self.rope_theta = self.rope_scaling["rope_theta"]
            kind = self.rope_scaling.get("rope_type", self.rope_scaling.get("type", "default"))
            if t == "phi3" and kind in ("su", "yarn"):
                kind = "longrope"  # Phi3Config's legacy names
            self.rope_scaling["rope_type"] = kind
            if kind == "default":
                self.rope_scaling = None
        self.partial_rotary_factor = v.get("partial_rotary_factor", 1.0) if t == "phi3" else 1.0
        self.original_max_position_embeddings = v.get("original_max_position_embeddings")
        self.position_embedding_type = raw.get("position_embedding_type", "rope") if t == "llama" else "rope"
        # Attention traits.
        bias = v.get("attention_bias", False)
        self.qkv_bias = True if t == "qwen2" else bias
        self.o_bias = False if t == "qwen2" else bias
        self.qk_norm = {"qwen3": "head", "olmo2": "full"}.get(t)
        self.query_pre_attn_scalar = v.get("query_pre_attn_scalar")
        self.attn_logit_softcapping = v.get("attn_logit_softcapping")
        self.final_logit_softcapping = v.get("final_logit_softcapping")
        self.sliding_window = v.get("sliding_window")
        if t in ("qwen2", "qwen3") and not v.get("use_sliding_window"):
            self.sliding_window = None
        self.layer_sliding = self._sliding_layers(v)
        # MLP, norms, embeddings, layout.
        self.mlp_bias = v.get("mlp_bias", False) if t == "llama" else False
        self.num_local_experts = v.get("num_local_experts", 0)
        self.num_experts_per_tok = v.get("num_experts_per_tok", 0)
        self.placement = {"gemma2": "sandwich", "olmo2": "post"}.get(t, "pre")
        self.unit_offset = t in ("gemma", "gemma2")
        self.embed_scale = t in ("gemma", "gemma2")
        self.fused = t == "phi3"

    def _sliding_layers(self, v):
        L, t = self.num_hidden_layers, self.model_type
        if self.sliding_window is None:
            return [False] * L
        if self.raw.get("layer_types") is not None:
            return [kind == "sliding_attention" for kind in self.raw["layer_types"]]
        if t == "gemma2":
            return [i % 2 == 0 for i in range(L)]
        if t in ("qwen2", "qwen3"):
            return [i >= v["max_window_layers"] for i in range(L)]
        if t in ("mistral", "mixtral", "phi3"):
            return [True] * L
        return [False] * L

    @property
    def rotary_dim(self):
        return int(self.head_dim * self.partial_rotary_factor)


# ---- RoPE: modeling_rope_utils.py -----------------------------------------------------------

def rope_frequencies(cfg, seq_len):
    """(inv_freq [rotary/2] float64, attention_factor) for a run of seq_len tokens."""
    dim, base = cfg.rotary_dim, cfg.rope_theta

    def plain(b):
        return 1.0 / (b ** (torch.arange(0, dim, 2, dtype=torch.float64) / dim))

    s = cfg.rope_scaling
    if s is None:
        return plain(base), 1.0
    kind, P = s["rope_type"], cfg.max_position_embeddings
    if kind == "linear":
        return plain(base) / s["factor"], 1.0
    if kind == "dynamic":
        # The rotary module recomputes inv_freq once positions exceed max_position_embeddings.
        n = max(seq_len, P)
        grown = base * ((s["factor"] * n / P) - (s["factor"] - 1)) ** (dim / (dim - 2))
        return plain(grown), 1.0
    if kind == "yarn":
        factor = s["factor"]
        original = s.get("original_max_position_embeddings") or P

        def mscale(scale, m=1.0):
            return 1.0 if scale <= 1 else 0.1 * m * math.log(scale) + 1.0

        attention = s.get("attention_factor")
        if attention is None:
            if s.get("mscale") and s.get("mscale_all_dim"):
                attention = mscale(factor, s["mscale"]) / mscale(factor, s["mscale_all_dim"])
            else:
                attention = mscale(factor)
        beta_fast, beta_slow = s.get("beta_fast") or 32, s.get("beta_slow") or 1

        def correction_dim(rotations):
            return dim * math.log(original / (rotations * 2 * math.pi)) / (2 * math.log(base))

        low, high = correction_dim(beta_fast), correction_dim(beta_slow)
        if s.get("truncate", True):
            low, high = math.floor(low), math.ceil(high)
        low, high = max(low, 0), min(high, dim - 1)
        if low == high:
            high += 0.001
        ramp = torch.clamp((torch.arange(dim // 2, dtype=torch.float64) - low) / (high - low), 0, 1)
        extrapolation = plain(base)
        interpolation = extrapolation / factor
        keep = 1 - ramp
        return interpolation * (1 - keep) + extrapolation * keep, attention
    if kind == "longrope":
        original = s.get("original_max_position_embeddings") or cfg.original_max_position_embeddings or P
        factor = s.get("factor") or P / original
        attention = s.get("attention_factor")
        if attention is None:
            attention = 1.0 if factor <= 1 else math.sqrt(1 + math.log(factor) / math.log(original))
        ext = torch.tensor(s["long_factor"] if seq_len > original else s["short_factor"], dtype=torch.float64)
        return 1.0 / (ext * base ** (torch.arange(0, dim, 2, dtype=torch.float64) / dim)), attention
    if kind == "llama3":
        inv = plain(base)
        factor, low, high = s["factor"], s["low_freq_factor"], s["high_freq_factor"]
        old = s["original_max_position_embeddings"]
        wavelen = 2 * math.pi / inv
        scaled = torch.where(wavelen > old / low, inv / factor, inv)
        smooth = (old / wavelen - low) / (high - low)
        smoothed = (1 - smooth) * scaled / factor + smooth * scaled
        medium = ~(wavelen < old / high) & ~(wavelen > old / low)
        return torch.where(medium, smoothed, scaled), 1.0
    raise ValueError(f"rope kind {kind!r}")


def rope_cos_sin(cfg, seq_len):
    inv, attention = rope_frequencies(cfg, seq_len)
    freqs = torch.outer(torch.arange(seq_len, dtype=torch.float64), inv)
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos() * attention, emb.sin() * attention


def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def apply_rope(x, cos, sin):
    """Rotates the first cos.shape[-1] dimensions of each head (modeling_phi3's partial form)."""
    rot = cos.shape[-1]
    x_rot, x_pass = x[..., :rot], x[..., rot:]
    return torch.cat((x_rot * cos + rotate_half(x_rot) * sin, x_pass), dim=-1)


def sinusoidal_table(seq, d):
    pos = torch.arange(seq, dtype=torch.float64)[:, None]
    two_i = torch.arange(0, d, 2, dtype=torch.float64)
    angle = pos * torch.pow(torch.tensor(10000.0, dtype=torch.float64), -two_i / d)
    table = torch.zeros(seq, d, dtype=torch.float64)
    table[:, 0::2] = torch.sin(angle)
    table[:, 1::2] = torch.cos(angle)[:, : d // 2]
    return table


# ---- activations: activations.py (ACT2FN) ---------------------------------------------------

def _gelu_tanh(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


ACT2FN = {
    "gelu": lambda x: F.gelu(x),
    "gelu_python": lambda x: x * 0.5 * (1.0 + torch.erf(x / math.sqrt(2.0))),
    "gelu_10": lambda x: torch.clip(F.gelu(x), -10, 10),
    "gelu_fast": lambda x: 0.5 * x * (1.0 + torch.tanh(x * 0.7978845608 * (1.0 + 0.044715 * x * x))),
    "gelu_new": _gelu_tanh,
    "gelu_accurate": _gelu_tanh,
    "gelu_pytorch_tanh": lambda x: F.gelu(x, approximate="tanh"),
    "laplace": lambda x: 0.5 * (1.0 + torch.erf((x - 0.707107) / (0.282095 * math.sqrt(2.0)))),
    "leaky_relu": lambda x: F.leaky_relu(x),
    "linear": lambda x: x,
    "mish": lambda x: x * torch.tanh(F.softplus(x)),
    "quick_gelu": lambda x: x * torch.sigmoid(1.702 * x),
    "relu": F.relu,
    "relu2": lambda x: torch.square(F.relu(x)),
    "relu6": F.relu6,
    "sigmoid": torch.sigmoid,
    "silu": F.silu,
    "swish": F.silu,
    "tanh": torch.tanh,
}


# ---- modules: modeling_<type>.py ------------------------------------------------------------

class RMSNorm(nn.Module):
    """LlamaRMSNorm; with unit_offset GemmaRMSNorm: x̂·(1 + w), w initialised to 0."""

    def __init__(self, n, eps, unit_offset, **kw):
        super().__init__()
        self.eps, self.unit_offset = eps, unit_offset
        self.weight = nn.Parameter(torch.zeros(n, **kw) if unit_offset else torch.ones(n, **kw))

    def forward(self, x):
        y = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)
        return y * (1.0 + self.weight) if self.unit_offset else self.weight * y


class Attention(nn.Module):
    def __init__(self, cfg, layer, **kw):
        super().__init__()
        self.cfg, self.layer = cfg, layer
        d, H, K, h = cfg.hidden_size, cfg.num_attention_heads, cfg.num_key_value_heads, cfg.head_dim
        if cfg.fused:  # Phi3Attention
            self.qkv_proj = nn.Linear(d, (H + 2 * K) * h, bias=cfg.qkv_bias, **kw)
        else:
            self.q_proj = nn.Linear(d, H * h, bias=cfg.qkv_bias, **kw)
            self.k_proj = nn.Linear(d, K * h, bias=cfg.qkv_bias, **kw)
            self.v_proj = nn.Linear(d, K * h, bias=cfg.qkv_bias, **kw)
        self.o_proj = nn.Linear(H * h, d, bias=cfg.o_bias, **kw)
        if cfg.qk_norm == "head":  # Qwen3Attention: over each head
            self.q_norm = RMSNorm(h, cfg.rms_norm_eps, cfg.unit_offset, **kw)
            self.k_norm = RMSNorm(h, cfg.rms_norm_eps, cfg.unit_offset, **kw)
        elif cfg.qk_norm == "full":  # Olmo2Attention: over the whole projection
            self.q_norm = RMSNorm(H * h, cfg.rms_norm_eps, cfg.unit_offset, **kw)
            self.k_norm = RMSNorm(K * h, cfg.rms_norm_eps, cfg.unit_offset, **kw)

    def forward(self, x, rope):
        cfg = self.cfg
        b, t, _ = x.shape
        H, K, h = cfg.num_attention_heads, cfg.num_key_value_heads, cfg.head_dim
        if cfg.fused:
            qkv = self.qkv_proj(x)
            q, k, v = qkv[..., : H * h], qkv[..., H * h: (H + K) * h], qkv[..., (H + K) * h:]
        else:
            q, k, v = self.q_proj(x), self.k_proj(x), self.v_proj(x)
        if cfg.qk_norm == "full":
            q, k = self.q_norm(q), self.k_norm(k)
        q = q.view(b, t, H, h)
        k = k.view(b, t, K, h)
        if cfg.qk_norm == "head":
            q, k = self.q_norm(q), self.k_norm(k)
        q, k = q.transpose(1, 2), k.transpose(1, 2)
        v = v.view(b, t, K, h).transpose(1, 2)
        if rope is not None:
            q, k = apply_rope(q, *rope), apply_rope(k, *rope)
        # repeat_kv: query head n reads kv head n // (H / K).
        k = k.repeat_interleave(H // K, dim=1)
        v = v.repeat_interleave(H // K, dim=1)
        scaling = (cfg.query_pre_attn_scalar if cfg.query_pre_attn_scalar is not None else h) ** -0.5
        scores = torch.matmul(q, k.transpose(2, 3)) * scaling
        if cfg.attn_logit_softcapping is not None:
            scores = torch.tanh(scores / cfg.attn_logit_softcapping) * cfg.attn_logit_softcapping
        # masking_utils: causal (kv <= q) and, on a sliding layer, kv > q - W.
        qi = torch.arange(t)[:, None]
        ki = torch.arange(t)[None, :]
        visible = ki <= qi
        if cfg.layer_sliding[self.layer]:
            visible &= ki > qi - cfg.sliding_window
        scores = scores.masked_fill(~visible, float("-inf"))
        out = torch.matmul(F.softmax(scores, dim=-1), v).transpose(1, 2).reshape(b, t, H * h)
        return self.o_proj(out)


class Mlp(nn.Module):
    """LlamaMLP (Phi3MLP with the fused gate_up_proj, gate rows first)."""

    def __init__(self, cfg, **kw):
        super().__init__()
        d, f, bias = cfg.hidden_size, cfg.intermediate_size, cfg.mlp_bias
        self.act = ACT2FN[cfg.hidden_act]
        self.fused = cfg.fused
        if self.fused:
            self.gate_up_proj = nn.Linear(d, 2 * f, bias=bias, **kw)
        else:
            self.gate_proj = nn.Linear(d, f, bias=bias, **kw)
            self.up_proj = nn.Linear(d, f, bias=bias, **kw)
        self.down_proj = nn.Linear(f, d, bias=bias, **kw)

    def forward(self, x):
        if self.fused:
            gate, up = self.gate_up_proj(x).chunk(2, dim=-1)
        else:
            gate, up = self.gate_proj(x), self.up_proj(x)
        return self.down_proj(self.act(gate) * up)


class Expert(nn.Module):
    """MixtralBlockSparseTop2MLP: w2(act(w1 x) ⊙ w3 x)."""

    def __init__(self, cfg, **kw):
        super().__init__()
        d, f = cfg.hidden_size, cfg.intermediate_size
        self.w1 = nn.Linear(d, f, bias=False, **kw)
        self.w2 = nn.Linear(f, d, bias=False, **kw)
        self.w3 = nn.Linear(d, f, bias=False, **kw)
        self.act = ACT2FN[cfg.hidden_act]

    def forward(self, x):
        return self.w2(self.act(self.w1(x)) * self.w3(x))


class SparseMoe(nn.Module):
    """MixtralSparseMoeBlock: softmax router, top-k, weights renormalised, index_add per expert."""

    def __init__(self, cfg, **kw):
        super().__init__()
        self.top_k = cfg.num_experts_per_tok
        self.gate = nn.Linear(cfg.hidden_size, cfg.num_local_experts, bias=False, **kw)
        self.experts = nn.ModuleList(Expert(cfg, **kw) for _ in range(cfg.num_local_experts))

    def forward(self, x):
        b, t, d = x.shape
        flat = x.reshape(-1, d)
        weights = F.softmax(self.gate(flat), dim=1)
        weights, chosen = torch.topk(weights, self.top_k, dim=-1)
        weights = weights / weights.sum(dim=-1, keepdim=True)
        out = torch.zeros_like(flat)
        for j, expert in enumerate(self.experts):
            rows, slot = torch.where(chosen == j)
            if rows.numel() == 0:
                continue
            out.index_add_(0, rows, expert(flat[rows]) * weights[rows, slot, None])
        return out.reshape(b, t, d)


class DecoderLayer(nn.Module):
    def __init__(self, cfg, layer, **kw):
        super().__init__()
        d, eps, off = cfg.hidden_size, cfg.rms_norm_eps, cfg.unit_offset
        self.placement = cfg.placement
        self.self_attn = Attention(cfg, layer, **kw)
        if cfg.num_local_experts:
            self.block_sparse_moe = SparseMoe(cfg, **kw)
        else:
            self.mlp = Mlp(cfg, **kw)
        if cfg.placement in ("pre", "sandwich"):
            self.input_layernorm = RMSNorm(d, eps, off, **kw)
        self.post_attention_layernorm = RMSNorm(d, eps, off, **kw)
        if cfg.placement == "sandwich":
            self.pre_feedforward_layernorm = RMSNorm(d, eps, off, **kw)
        if cfg.placement in ("sandwich", "post"):
            self.post_feedforward_layernorm = RMSNorm(d, eps, off, **kw)

    def feed_forward(self, x):
        return self.block_sparse_moe(x) if hasattr(self, "block_sparse_moe") else self.mlp(x)

    def forward(self, x, rope):
        if self.placement == "pre":  # LlamaDecoderLayer
            x = x + self.self_attn(self.input_layernorm(x), rope)
            return x + self.feed_forward(self.post_attention_layernorm(x))
        if self.placement == "sandwich":  # Gemma2DecoderLayer
            x = x + self.post_attention_layernorm(self.self_attn(self.input_layernorm(x), rope))
            return x + self.post_feedforward_layernorm(self.feed_forward(self.pre_feedforward_layernorm(x)))
        # Olmo2DecoderLayer
        x = x + self.post_attention_layernorm(self.self_attn(x, rope))
        return x + self.post_feedforward_layernorm(self.feed_forward(x))


class PositionTable(nn.Module):
    def __init__(self, P, d, **kw):
        super().__init__()
        self.position_embeddings = nn.Embedding(P, d, **kw)


class Model(nn.Module):
    def __init__(self, cfg, **kw):
        super().__init__()
        self.embed_tokens = nn.Embedding(cfg.vocab_size, cfg.hidden_size, **kw)
        if cfg.position_embedding_type == "learned":  # llamascope's learned-position variant
            self.position_embeddings = PositionTable(cfg.max_position_embeddings, cfg.hidden_size, **kw)
        self.layers = nn.ModuleList(DecoderLayer(cfg, i, **kw) for i in range(cfg.num_hidden_layers))
        self.norm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps, cfg.unit_offset, **kw)


class CausalLM(nn.Module):
    """<Family>ForCausalLM: `model` and, when untied, `lm_head`."""

    def __init__(self, cfg, **kw):
        super().__init__()
        self.cfg = cfg
        self.model = Model(cfg, **kw)
        if not cfg.tie_word_embeddings:
            self.lm_head = nn.Linear(cfg.hidden_size, cfg.vocab_size, bias=False, **kw)

    def head_weight(self):
        return self.model.embed_tokens.weight if self.cfg.tie_word_embeddings else self.lm_head.weight

    def forward(self, tokens):
        cfg, m = self.cfg, self.model
        t = tokens.shape[1]
        x = m.embed_tokens(tokens)
        if cfg.embed_scale:  # GemmaModel: × √d in the activations' dtype
            x = x * torch.tensor(cfg.hidden_size ** 0.5, dtype=x.dtype)
        kind = cfg.position_embedding_type
        if kind == "learned":
            x = x + m.position_embeddings.position_embeddings.weight[:t]
        elif kind == "sinusoidal":
            x = x + sinusoidal_table(t, cfg.hidden_size).to(x.dtype)
        rope = tuple(a.to(x.dtype) for a in rope_cos_sin(cfg, t)) if kind == "rope" else None
        for layer in m.layers:
            x = layer(x, rope)
        logits = F.linear(m.norm(x), self.head_weight())
        if cfg.final_logit_softcapping is not None:
            logits = torch.tanh(logits / cfg.final_logit_softcapping) * cfg.final_logit_softcapping
        return logits

    def named_weights(self):
        """The checkpoint's tensors: state_dict() names, the tied head left out."""
        return {k: v for k, v in self.state_dict().items()}


def count_parameters(cfg):
    """(total, active) parameters, from modules built on the meta device: nothing is allocated,
    every tensor's size is its module's. Active leaves out the experts a token does not run."""
    model = CausalLM(cfg, device="meta")
    total = sum(p.numel() for p in model.parameters())
    active = total
    if cfg.num_local_experts:
        for layer in model.model.layers:
            one = sum(p.numel() for p in layer.block_sparse_moe.experts[0].parameters())
            active -= (cfg.num_local_experts - cfg.num_experts_per_tok) * one
    return total, active
