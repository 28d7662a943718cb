#pragma once
// Internal: the operations of one forward pass, on raw row-major float buffers.
// Shapes are given as [rows, cols]. Each op splits its work over ctx.threads and hands the
// loops to the kernel build in ctx.kernels (kernel_table.hpp), chosen at run time for the CPU.
// Matmul ops return the FLOPs they executed, counted from the operand sizes of each product
// actually issued (2·m·k·n per product).

#include "llamascope/checked.hpp"
#include "llamascope/forward/kernels.hpp"
#include "llamascope/forward/tensor.hpp"

#include "aligned.hpp"
#include "kernel_table.hpp"
#include "parallel.hpp"

#include <optional>
#include <vector>

namespace llamascope::ops {

/// The table of the kernel build `set` (which the CPU must support: see chooseKernels).
const kernels::KernelTable& kernelTable(KernelSet set);

/// Query rows per block of the causal scheme (see causalAttention).
constexpr Count kCausalBlock = 64;

/// Per-thread scratch, allocated once per run: a gemm packing buffer, one block row of
/// attention scores ([kCausalBlock, T]), and one head's keys and values packed for the gemm.
class Workspace {
public:
    Workspace(Count seqLen, Count headDim, int threads);
    /// Bytes a Workspace(seqLen, headDim, threads) allocates, for any kernel build (the
    /// planner's figure).
    static Count bytes(Count seqLen, Count headDim, int threads);
    float* gemm(int worker) { return at(worker); }
    float* scores(int worker) { return at(worker) + layout_.scores; }
    float* keys(int worker) { return at(worker) + layout_.keys; }
    float* values(int worker) { return at(worker) + layout_.values; }

    struct Layout {
        Count scores = 0, keys = 0, values = 0, total = 0; // float offsets into a thread's buffer
    };

private:
    float* at(int worker) { return buffers_.at(static_cast<std::size_t>(worker)).data(); }
    Layout layout_;
    std::vector<AlignedFloats> buffers_;
};

/// How ops run: the threads of the pass, the kernel build, and per-thread scratch (for at
/// least team->size() workers).
struct Context {
    ThreadTeam* team = nullptr;
    const kernels::KernelTable* kernels = nullptr;
    Workspace* workspace = nullptr;
};

/// y = g ⊙ (x · rsqrt(mean(x²) + eps)) per row.  x, y: [rows, d]; g: [d]. y may alias x.
void rmsNorm(const Context& ctx, const float* x, Count rows, Count d, const Tensor& gain, float eps,
             float* y);

/// y = x·Wᵀ (+ b).  x: [rows, in]; W: [out, in]; b: [out]; y: [rows, out]. Returns FLOPs.
Count linear(const Context& ctx, const float* x, Count rows, Count in, const Tensor& weight,
             const std::optional<Tensor>& bias, float* y);

/// cos/sin of t·θ^(−2j/h) for t < T, j < h/2: each [T, h/2] (computed in double).
struct RopeTables {
    Count half = 0;
    std::vector<float> cos, sin;
};
RopeTables ropeTables(Count seqLen, Count headDim, double theta);

/// Rotate-half RoPE in place on x: [B·T, heads·h]; dimension j pairs with j + h/2.
void applyRope(const Context& ctx, float* x, Count batch, Count seqLen, Count heads, Count headDim,
               const RopeTables& tables);

/// Adds S[t] (sin at even, cos at odd indices, ω_i = 10000^(−2i/d)) to row b·T + t of x.
void addSinusoidal(float* x, Count batch, Count seqLen, Count d);

struct AttentionFlops {
    Count scores = 0, mixing = 0;
};

/// out = softmax(Q·Kᵀ/√h + causal mask)·V per sequence and query head; query head n reads kv
/// head n / (H/K).  q: [B·T, H·h]; k, v: [B·T, K·h]; out: [B·T, H·h]. Only pairs t' ≤ t are
/// computed (2·h FLOPs per pair for scores, 2·h for mixing).
AttentionFlops causalAttention(const Context& ctx, const float* q, const float* k, const float* v,
                               Count batch, Count seqLen, Count heads, Count kvHeads, Count headDim,
                               float* out);

/// x ← x + y elementwise over n values (the residual connections).
void add(const Context& ctx, float* x, const float* y, Count n);

/// g ← SiLU(g) ⊙ u elementwise over n values.
void siluMul(const Context& ctx, float* g, const float* u, Count n);

/// Σ over rows r with a target of (logsumexp(logits[r]) − logits[r][target[r]]), in double.
/// logits: [rows, V]; targets[r] < 0 means no target for that row.
double crossEntropySum(const Context& ctx, const float* logits, Count rows, Count vocab,
                       const std::int64_t* targets);

} // namespace llamascope::ops
