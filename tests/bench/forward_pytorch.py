#!/usr/bin/python3
"""The PyTorch side of tests/bench/forward_bench: the same job as the C++ benchmark.

One float32 forward pass of a LLaMA config (logits and mean next-token loss) at batch B,
length T, with random N(0, initializer_range²) weights, written the way transformers'
modeling_llama.py computes it in eager mode (RMSNorm, rotate_half RoPE, repeat_kv, masked
softmax attention over T² scores, SwiGLU). Prints one JSON line: the best and median time of
--reps timed runs after one warm-up, the best process CPU time, and the thread count torch
really used.
"""
import argparse
import json
import math
import time

import torch
import torch.nn.functional as F


def rms_norm(x, w, eps):
    return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("config")
    ap.add_argument("--seq", type=int, default=512)
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--reps", type=int, default=5)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    cfg = json.load(open(a.config))
    d, f, L = cfg["hidden_size"], cfg["intermediate_size"], cfg["num_hidden_layers"]
    H = cfg["num_attention_heads"]
    K = cfg.get("num_key_value_heads", H)
    h = cfg.get("head_dim", d // H)
    V, eps, std = cfg["vocab_size"], cfg.get("rms_norm_eps", 1e-6), cfg.get("initializer_range", 0.02)
    theta = cfg.get("rope_theta", 10000.0)
    g = torch.Generator().manual_seed(0)

    def w(*shape):
        return torch.randn(*shape, generator=g) * std

    layers = [dict(q=w(H * h, d), k=w(K * h, d), v=w(K * h, d), o=w(d, H * h), gate=w(f, d), up=w(f, d),
                   down=w(d, f), n1=torch.ones(d), n2=torch.ones(d)) for _ in range(L)]
    embed, head, norm = w(V, d), w(V, d), torch.ones(d)
    B, T = a.batch, a.seq
    tokens = torch.randint(0, V, (B, T), generator=g)
    inv_freq = 1.0 / (theta ** (torch.arange(0, h, 2).float() / h))
    freqs = torch.outer(torch.arange(T).float(), inv_freq)
    cos, sin = torch.cat((freqs, freqs), -1).cos(), torch.cat((freqs, freqs), -1).sin()
    mask = torch.full((T, T), float("-inf")).triu(1)

    def forward():
        x = F.embedding(tokens, embed)
        for p in layers:
            u = rms_norm(x, p["n1"], eps)
            q = F.linear(u, p["q"]).view(B, T, H, h).transpose(1, 2)
            k = F.linear(u, p["k"]).view(B, T, K, h).transpose(1, 2)
            v = F.linear(u, p["v"]).view(B, T, K, h).transpose(1, 2)
            q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
            k = k.repeat_interleave(H // K, dim=1)
            v = v.repeat_interleave(H // K, dim=1)
            s = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(h) + mask
            o = torch.matmul(F.softmax(s, dim=-1), v).transpose(1, 2).reshape(B, T, H * h)
            x = x + F.linear(o, p["o"])
            u = rms_norm(x, p["n2"], eps)
            x = x + F.linear(F.silu(F.linear(u, p["gate"])) * F.linear(u, p["up"]), p["down"])
        logits = F.linear(rms_norm(x, norm, eps), head)
        return F.cross_entropy(logits[:, :-1].reshape(-1, V), tokens[:, 1:].reshape(-1))

    times, cpu_times = [], []
    with torch.inference_mode():
        loss = forward().item()
        for _ in range(a.reps):
            t0, c0 = time.perf_counter(), time.process_time()
            forward()
            times.append(time.perf_counter() - t0)
            cpu_times.append(time.process_time() - c0)
    times.sort()
    print(json.dumps({"best_seconds": times[0], "median_seconds": times[len(times) // 2],
                      "best_cpu_seconds": min(cpu_times), "loss": loss,
                      "threads": torch.get_num_threads(), "torch": torch.__version__,
                      "blas": torch.__config__.show().split("BLAS_INFO=")[-1].split(",")[0]}))


if __name__ == "__main__":
    main()
