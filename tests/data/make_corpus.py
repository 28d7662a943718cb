#!/usr/bin/env python3
"""Writes the bad-input corpus in tests/data/invalid/ and its manifest.

Each case is a clean modern config with exactly one thing broken, and the manifest states
the finding llamascope must report for it: code, severity, JSON pointer (and line:column for
syntax errors), and the exit code of `llamascope validate` (and with --strict). The
expectations are written here by hand from SPEC §4, not read back from the tool.

Run: python3 tests/data/make_corpus.py   (rewrites the files; commit the result)
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "invalid")

BASE = {
    "architectures": ["LlamaForCausalLM"],
    "bos_token_id": 1,
    "eos_token_id": 2,
    "hidden_act": "silu",
    "hidden_size": 768,
    "initializer_range": 0.02,
    "intermediate_size": 2048,
    "max_position_embeddings": 1024,
    "model_type": "llama",
    "num_attention_heads": 12,
    "num_hidden_layers": 12,
    "num_key_value_heads": 12,
    "rms_norm_eps": 1e-06,
    "rope_theta": 10000.0,
    "tie_word_embeddings": False,
    "vocab_size": 32000,
}


def text_with(**changes):
    """BASE with keys replaced by raw JSON text (so 768.0 and 1e400 stay as written)."""
    lines = ["{"]
    items = list(BASE.items())
    keys = [k for k, _ in items]
    for k in changes:
        if k not in keys and not k.startswith("-"):
            items.append((k, None))
    out = []
    for k, v in items:
        if "-" + k in changes:
            continue
        raw = changes[k] if k in changes else json.dumps(v)
        out.append(f'  "{k}": {raw}')
    return "{\n" + ",\n".join(out) + "\n}\n"


def line_of(text, needle):
    """1-based line and column of the first occurrence of needle."""
    idx = text.index(needle)
    line = text.count("\n", 0, idx) + 1
    col = idx - (text.rfind("\n", 0, idx) + 1) + 1
    return line, col


CASES = []


def case(name, text, code, pointer, severity="error", at=None, exit_code=None, strict_exit=None, omitted=None):
    if isinstance(text, str):
        data = text.encode("utf-8")
    else:
        data = text
    entry = {"code": code, "severity": severity, "pointer": pointer}
    if at is not None:
        entry["line"], entry["column"] = at
    entry["exit"] = exit_code if exit_code is not None else (1 if severity == "error" else 0)
    entry["strict_exit"] = strict_exit if strict_exit is not None else (1 if severity in ("error", "warning") else 0)
    if omitted is not None:
        entry["omitted"] = omitted  # findings of `code` counted but not listed (10 are listed)
    CASES.append((name, data, entry))


# --- not JSON -----------------------------------------------------------------------------
case("empty", "", "syntax", "", at=(1, 1))
case("whitespace-only", "  \n\t\n", "syntax", "", at=(3, 1))
case("binary-garbage", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "syntax", "", at=(1, 1))
t = text_with()
t = t[: t.index('"num_hidden_layers"') + 10]
case("truncated", t, "syntax", "", at=(t.count("\n") + 1, len(t.splitlines()[-1]) + 1))
t = text_with().replace('"vocab_size": 32000\n', '"vocab_size": 32000,\n')
case("trailing-comma", t, "syntax", "", at=(len(t.splitlines()), 1))
t = text_with().replace('"hidden_size": 768,', '"hidden_size": 768')
case("missing-comma", t, "syntax", "/hidden_size", at=line_of(t, '"initializer_range"'))
t = text_with(rms_norm_eps="NaN")
case("nan", t, "syntax", "/rms_norm_eps", at=line_of(t, "NaN"))
t = text_with(rope_theta="Infinity")
case("infinity", t, "syntax", "/rope_theta", at=line_of(t, "Infinity"))
case("byte-order-mark", "\ufeff" + text_with(), "syntax", "", at=(1, 1))
t = text_with().replace('"hidden_act": "silu"', "'hidden_act': 'silu'")
case("single-quotes", t, "syntax", "", at=line_of(t, "'hidden_act'"))
t = text_with().replace("{\n", "{\n  // the 130m shape\n", 1)
case("comment", t, "syntax", "", at=(2, 3))
t = text_with(hidden_act='"si\xfflu"').encode("utf-8").replace(b"\xc3\xbf", b"\xff")
case("invalid-utf8", t, "syntax", "/hidden_act", at=line_of(text_with(hidden_act='"si\xfflu"'), "\xff"))
case("deep-nesting", "[" * 100000 + "]" * 100000, "too-deep", "/0" * 256, at=(1, 257))
# Not UTF-8 at all: named, with the iconv line that converts it (issue 10, item 8).
case("utf16-le-bom", b"\xff\xfe" + text_with().encode("utf-16-le"), "syntax", "", at=(1, 1))
case("utf16-be-no-bom", text_with().encode("utf-16-be"), "syntax", "", at=(1, 1))
case("utf32-le-bom", b"\xff\xfe\x00\x00" + text_with().encode("utf-32-le"), "syntax", "", at=(1, 1))

# --- structure ----------------------------------------------------------------------------
case("root-array", "[768, 12, 12]\n", "root-not-object", "", at=(1, 1))
case("root-string", '"llama_130m"\n', "root-not-object", "", at=(1, 1))
t = text_with().replace('"hidden_size": 768,', '"hidden_size": 768,\n  "hidden_size": 1536,')
case("duplicate-key", t, "duplicate-key", "/hidden_size", at=line_of(t, '"hidden_size": 1536'))

# --- wrong types --------------------------------------------------------------------------
for name, key, raw in [
    ("hidden-size-string", "hidden_size", '"768"'),
    ("hidden-size-fraction", "hidden_size", "768.5"),
    ("hidden-size-integral-float", "hidden_size", "768.0"),
    ("layers-bool", "num_hidden_layers", "true"),
    ("layers-null", "num_hidden_layers", "null"),
    ("tie-string", "tie_word_embeddings", '"false"'),
    ("eps-string", "rms_norm_eps", '"1e-6"'),
    ("bos-string", "bos_token_id", '"1"'),
    ("act-number", "hidden_act", "1"),
]:
    t = text_with(**{key: raw})
    case(name, t, "wrong-type", "/" + key, at=line_of(t, f'"{key}": {raw}')[0:1] + (len(key) + 7,))
t = text_with(architectures="[42]")
case("architectures-number", t, "wrong-type", "/architectures/0", at=(line_of(t, "[42]")[0], line_of(t, "[42]")[1] + 1))

# --- values out of range ------------------------------------------------------------------
for name, key, raw, code in [
    ("hidden-size-zero", "hidden_size", "0", "not-positive"),
    ("vocab-negative", "vocab_size", "-32000", "not-positive"),
    ("heads-zero", "num_attention_heads", "0", "not-positive"),
    ("kv-heads-zero", "num_key_value_heads", "0", "not-positive"),
    ("layers-negative", "num_hidden_layers", "-1", "not-positive"),
    ("eps-zero", "rms_norm_eps", "0", "not-positive"),
    ("eps-negative", "rms_norm_eps", "-1e-06", "not-positive"),
    ("init-range-zero", "initializer_range", "0.0", "not-positive"),
    ("rope-theta-negative", "rope_theta", "-10000", "not-positive"),
    ("hidden-size-1e400", "hidden_size", "1e400", "number-out-of-range"),
    ("eps-1e400", "rms_norm_eps", "1e400", "number-out-of-range"),
    ("hidden-size-huge-integer", "hidden_size", "123456789012345678901234567890", "number-out-of-range"),
    ("attention-dropout-above-one", "attention_dropout", "1.5", "out-of-range"),
    ("pad-below-minus-one", "pad_token_id", "-2", "token-id-range"),
    ("position-type-unknown", "position_embedding_type", '"alibi"', "unknown-value"),
    ("activation-unknown", "hidden_act", '"swiglu"', "unknown-value"),
    ("model-type-gpt2", "model_type", '"gpt2"', "unsupported-model-type"),
    ("rope-scaling-number", "rope_scaling", "2.0", "bad-rope-scaling"),
    ("rope-scaling-no-type", "rope_scaling", '{"factor": 2.0}', "bad-rope-scaling"),
]:
    t = text_with(**{key: raw})
    case(name, t, code, "/" + key, at=line_of(t, f'"{key}": {raw}')[0:1] + (len(key) + 7,))
t = text_with(rope_scaling='{"type": "linear", "factor": 0}')
case("rope-scaling-zero-factor", t, "bad-rope-scaling", "/rope_scaling/factor", at=line_of(t, "0}"))
t = text_with(rope_scaling='{"type": "stretchy", "factor": 2.0}')
case("rope-scaling-unknown-type", t, "bad-rope-scaling", "/rope_scaling/type", at=line_of(t, '"stretchy"'))

# --- cross-field --------------------------------------------------------------------------
t = text_with(num_attention_heads="7", num_key_value_heads="7")
case("heads-not-divisible", t, "heads-not-divisible", "/num_attention_heads", at=line_of(t, '"num_attention_heads": 7')[0:1] + (26,))
t = text_with(num_key_value_heads="5")
case("kv-heads-not-divisible", t, "kv-heads-not-divisible", "/num_key_value_heads", at=line_of(t, '"num_key_value_heads": 5')[0:1] + (26,))
t = text_with(head_dim="33")
case("odd-head-dim-rope", t, "odd-head-dim", "/head_dim", at=line_of(t, '"head_dim": 33')[0:1] + (15,))
t = text_with(bos_token_id="32000")
case("bos-equals-vocab", t, "token-id-vocab", "/bos_token_id", at=line_of(t, '"bos_token_id": 32000')[0:1] + (19,))
t = text_with(eos_token_id="[2, 128001]")
case("eos-list-beyond-vocab", t, "token-id-vocab", "/eos_token_id/1", at=line_of(t, "128001"))
t = text_with(hidden_size="3000000000000")
case("count-overflow", t, "count-overflow", "/hidden_size", at=line_of(t, "3000000000000"))

# --- warnings -----------------------------------------------------------------------------
t = text_with(num_attention_head="12")
case("typo-num-attention-head", t, "unknown-key", "/num_attention_head", "warning", at=line_of(t, '"num_attention_head"'))
# 25 unknown keys: 10 are listed, 15 counted as omitted (issue 10, item 2).
t = text_with(**{f"unknown_key_{i:02d}": str(i) for i in range(25)})
case("unknown-keys-capped", t, "unknown-key", "/unknown_key_00", "warning", at=line_of(t, '"unknown_key_00"'),
     omitted=15)
t = text_with(**{"-hidden_size": None, "num_attention_heads": "32", "num_key_value_heads": "32", "intermediate_size": "11008"})
case("missing-hidden-size", t, "missing-key", "/hidden_size", "warning")
t = text_with(**{"-model_type": None})
case("missing-model-type", t, "missing-key", "/model_type", "warning")
t = text_with(architectures='["LLaMAForCausalLM"]')
case("legacy-architecture", t, "legacy-architecture", "/architectures/0", "warning", at=line_of(t, '"LLaMAForCausalLM"'))
t = text_with(rope_scaling='{"type": "linear", "factor": 0.5}')
case("rope-scaling-factor-below-one", t, "unusual-value", "/rope_scaling/factor", "warning", at=line_of(t, "0.5}"))
t = text_with(pad_token_id="-1")
case("pad-minus-one", t, "negative-token-id", "/pad_token_id", "warning", at=line_of(t, "-1")[0:1] + (19,))
t = text_with(**{"-max_position_embeddings": None, "max_sequence_length": "1024"})
case("max-sequence-length", t, "ignored-key", "/max_sequence_length", "warning", at=line_of(t, '"max_sequence_length"'))

# --- files that are not configs (SPEC §13: never a 6.7B model) ----------------------------
case("not-config-empty-object", "{}\n", "not-a-config", "")
case("not-config-generation", json.dumps({"_from_model_config": True, "bos_token_id": 1, "eos_token_id": 2,
                                          "transformers_version": "4.40.0"}, indent=2) + "\n", "not-a-config", "")
case("not-config-tokenizer", json.dumps({"add_bos_token": True, "model_max_length": 2048,
                                         "tokenizer_class": "LlamaTokenizer"}, indent=2) + "\n", "not-a-config", "")
case("not-config-special-tokens", json.dumps({"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"},
                                             indent=2) + "\n", "not-a-config", "")
case("not-config-index", json.dumps({"metadata": {"total_size": 13476839424},
                                     "weight_map": {"lm_head.weight": "model-00002-of-00002.safetensors"}},
                                    indent=2) + "\n", "not-a-config", "")
case("not-config-package", json.dumps({"name": "my-app", "version": "1.0.0", "dependencies": {}}, indent=2) + "\n",
     "not-a-config", "")


def family_text(model_type, **keys):
    """A small config of another family, keys in the order given."""
    body = {"model_type": model_type, "hidden_size": 256, "intermediate_size": 512, "num_attention_heads": 4,
            "num_key_value_heads": 2, "num_hidden_layers": 4, "vocab_size": 1024, "max_position_embeddings": 512}
    body.update(keys)
    return json.dumps(body, indent=2) + "\n"


# --- families: what is refused, and what is said -----------------------------------------
t = family_text("gemma", head_dim=64, use_bidirectional_attention=True)
case("gemma-bidirectional", t, "unsupported-feature", "/use_bidirectional_attention",
     at=line_of(t, "true")[0:1] + (34,))
t = text_with(partial_rotary_factor="0.5")
case("partial-rotary-llama", t, "unsupported-feature", "/partial_rotary_factor")
t = family_text("qwen2", use_sliding_window=True, sliding_window=128, max_window_layers=2,
                layer_types=["full_attention", "sliding_attention"])
case("layer-types-wrong-length", t, "bad-layer-types", "/layer_types", at=line_of(t, '"layer_types": [')[0:1] + (18,))
t = family_text("mixtral", num_local_experts=8, num_experts_per_tok=9)
case("experts-top-k-too-large", t, "experts-top-k", "/num_experts_per_tok", at=line_of(t, ": 9")[0:1] + (26,))
t = family_text("gemma", head_dim=64, hidden_act="gelu")
case("gemma-hidden-act", t, "version-dependent", "/hidden_act", "warning", at=line_of(t, '"hidden_act"'))
t = text_with(sliding_window="4096")
case("llama-sliding-window", t, "ignored-key", "/sliding_window", "warning", at=line_of(t, '"sliding_window"'))
t = text_with(auto_map='{"AutoConfig": "configuration_custom.CustomConfig"}')
case("auto-map", t, "custom-code", "/auto_map", "warning", at=line_of(t, '"auto_map"'))
t = text_with(quantization_config='{"quant_method": "gptq", "bits": 4}')
case("quantization-config", t, "quantized-weights", "/quantization_config", "warning",
     at=line_of(t, '"quantization_config"'))

# --- notes --------------------------------------------------------------------------------
t = text_with(hidden_size="416", intermediate_size="1088", num_attention_heads="8", num_key_value_heads="8")
case("head-dim-52", t, "head-dim-alignment", "/num_attention_heads", "note")
t = text_with(intermediate_size="2050")
case("intermediate-not-64", t, "size-alignment", "/intermediate_size", "note")
t = text_with(vocab_size="32100")
case("vocab-not-64", t, "size-alignment", "/vocab_size", "note")
t = text_with(intermediate_size="2560")
case("ffn-ratio-far", t, "ffn-ratio", "/intermediate_size", "note")


def main():
    os.makedirs(OUT, exist_ok=True)
    manifest = {}
    for name, data, entry in CASES:
        with open(os.path.join(OUT, name + ".json"), "wb") as f:
            f.write(data)
        manifest[name + ".json"] = entry
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")
    print(f"wrote {len(CASES)} cases to {OUT}")


if __name__ == "__main__":
    main()
