#pragma once
// Internal: the operations of one forward pass, on raw row-major float buffers.
// Shapes are given as [rows, cols]; `threads` ≥ 1. Matmul ops return the FLOPs they executed,
// counted from the operand sizes of each product actually issued (2·m·k·n per product).

#include "llamascope/checked.hpp"
#include "llamascope/forward/tensor.hpp"

#include "aligned.hpp"

#include <optional>
#include <vector>

namespace llamascope::ops {

/// y = g ⊙ (x · rsqrt(mean(x²) + eps)) per row.  x, y: [rows, d]; g: [d]. y may alias x.
void rmsNorm(const float* x, Count rows, Count d, const Tensor& gain, float eps, float* y, int threads);

/// y = x·Wᵀ (+ b).  x: [rows, in]; W: [out, in]; b: [out]; y: [rows, out]. Returns FLOPs.
Count linear(const float* x, Count rows, Count in, const Tensor& weight, const std::optional<Tensor>& bias,
             float* y, int threads);

/// cos/sin of t·θ^(−2j/h) for t < T, j < h/2: each [T, h/2] (computed in double).
struct RopeTables {
    Count half = 0;
    std::vector<float> cos, sin;
};
RopeTables ropeTables(Count seqLen, Count headDim, double theta);

/// Rotate-half RoPE in place on x: [B·T, heads·h]; dimension j pairs with j + h/2.
void applyRope(float* x, Count batch, Count seqLen, Count heads, Count headDim, const RopeTables& tables);

/// Adds S[t] (sin at even, cos at odd indices, ω_i = 10000^(−2i/d)) to row b·T + t of x.
void addSinusoidal(float* x, Count batch, Count seqLen, Count d);

/// Per-thread scratch for causalAttention.
struct AttentionScratch {
    std::vector<AlignedFloats> perThread;
};
AttentionScratch makeAttentionScratch(Count seqLen, int threads);

struct AttentionFlops {
    Count scores = 0, mixing = 0;
};

/// out = softmax(Q·Kᵀ/√h + causal mask)·V per sequence and query head; query head n reads kv
/// head n / (H/K).  q: [B·T, H·h]; k, v: [B·T, K·h]; out: [B·T, H·h]. Only pairs t' ≤ t are
/// computed (2·h FLOPs per pair for scores, 2·h for mixing).
AttentionFlops causalAttention(const float* q, const float* k, const float* v, Count batch, Count seqLen,
                               Count heads, Count kvHeads, Count headDim, float* out,
                               AttentionScratch& scratch, int threads);

/// g ← SiLU(g) ⊙ u elementwise over n values.
void siluMul(float* g, const float* u, Count n, int threads);

/// Σ over rows r with a target of (logsumexp(logits[r]) − logits[r][target[r]]), in double.
/// logits: [rows, V]; targets[r] < 0 means no target for that row.
double crossEntropySum(const float* logits, Count rows, Count vocab, const std::int64_t* targets,
                       int threads);

} // namespace llamascope::ops
