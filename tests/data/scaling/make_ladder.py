#!/usr/bin/env python3
"""Writes ladder.csv and ladder.jsonl: a synthetic ladder over bundled configs whose losses are
Hoffmann et al.'s published law (E 1.69, A 406.4, B 410.7, alpha 0.34, beta 0.28) evaluated at each
config's exact total parameter count (SPEC §6 figures) and the run's tokens. A fit of these runs must
give the law back; the loss curves are the same law along the run. Run: python3 make_ladder.py"""
import json

E, A, B, ALPHA, BETA = 1.69, 406.4, 410.7, 0.34, 0.28
TOTAL = {  # llamascope compare, total parameters
    "llama_9m": 8995968, "llama_20m": 19548416, "llama_35m": 35197824, "llama_60m": 58073600,
    "llama_130m": 134105856, "llama_350m": 367969280, "llama_1b": 1339082752,
}
RATIOS = [5, 20, 80]


def loss(n, d):
    return E + A / n ** ALPHA + B / d ** BETA


rows = []
for name, n in TOTAL.items():
    for r in RATIOS:
        d = float(r * n)
        curve = [(d * f, loss(n, d * f)) for f in (0.125, 0.25, 0.5, 1.0)] if r == 20 else []
        rows.append((name, d, loss(n, d), curve))

with open("ladder.csv", "w") as f:
    f.write("# Synthetic ladder: Hoffmann et al. 2022's law at exact bundled-config counts (make_ladder.py)\n")
    f.write("model,tokens,loss,curve\n")
    for name, d, l, curve in rows:
        c = ";".join(f"{t:.6g}:{v:.12g}" for t, v in curve)
        quoted = '"' + c + '"' if c else ""
        f.write(f"{name},{d:.12g},{l:.12g},{quoted}\n")
with open("ladder.jsonl", "w") as f:
    for name, d, l, curve in rows:
        o = {"model": name, "tokens": d, "loss": round(l, 12)}
        if curve:
            o["curve"] = [[t, round(v, 12)] for t, v in curve]
        f.write(json.dumps(o) + "\n")
