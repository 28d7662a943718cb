#pragma once
// Internal: the operations of one forward pass, on raw row-major float buffers.
// Shapes are given as [rows, cols]. Each op splits its work over ctx.threads and hands the
// loops to the kernel build in ctx.kernels (kernel_table.hpp), chosen at run time for the CPU.
// Matmul ops return the FLOPs they executed, counted from the operand sizes of each product
// actually issued (2·m·k·n per product).

#include "llamascope/checked.hpp"
#include "llamascope/forward/activations.hpp"
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
constexpr Count kCausalBlock = 32;

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

/// cos/sin tables of RoPE, [T, half] each (made by ropeTables() in rope.hpp).
struct RopeTables {
    Count half = 0;
    std::vector<float> cos, sin;
};

/// Rotate-half RoPE in place on x: [B·T, heads·h]; within each head, dimension j < half pairs
/// with j + half; dimensions from 2·half on are left as they are (partial rotary).
void applyRope(const Context& ctx, float* x, Count batch, Count seqLen, Count heads, Count headDim,
               const RopeTables& tables);

/// Adds S[t] (sin at even, cos at odd indices, ω_i = 10000^(−2i/d)) to row b·T + t of x.
void addSinusoidal(float* x, Count batch, Count seqLen, Count d);

struct AttentionFlops {
    Count scores = 0, mixing = 0;
};

/// How scores are formed (transformers' eager attention): s = scale·q·k; with a soft cap,
/// s ← cap·tanh(s/cap) (Gemma 2), before the mask; a window W keeps keys t − W < t' ≤ t only
/// (masking_utils' sliding_window_overlay: kv_idx > q_idx − W).
struct AttentionOptions {
    float scale = 0.0f;           ///< 0: 1/√h
    std::optional<float> softcap; ///< none: no capping
    Count window = 0;             ///< 0: every earlier key (plain causal)
};

/// out = softmax(mask(cap(scale·Q·Kᵀ)))·V per sequence and query head; query head n reads kv
/// head n / (H/K).  q: [B·T, H·h]; k, v: [B·T, K·h]; out: [B·T, H·h]. Only the visible pairs
/// are computed (2·h FLOPs per pair for scores, 2·h for mixing): T(T+1)/2 per head, fewer
/// with a window shorter than T.
AttentionFlops causalAttention(const Context& ctx, const float* q, const float* k, const float* v,
                               Count batch, Count seqLen, Count heads, Count kvHeads, Count headDim,
                               float* out, const AttentionOptions& options = {});

/// x ← x + y elementwise over n values (the residual connections).
void add(const Context& ctx, float* x, const float* y, Count n);

/// g ← SiLU(g) ⊙ u elementwise over n values.
void siluMul(const Context& ctx, float* g, const float* u, Count n);

/// g ← act(g) ⊙ u over n values (a gated MLP; SiLU goes through siluMul's kernel instead).
void gatedActivation(const Context& ctx, Activation act, float* g, const float* u, Count n);

/// x ← act(x) over n values (a non-gated MLP).
void activation(const Context& ctx, Activation act, float* x, Count n);

/// x ← cap·tanh(x/cap) over n values (Gemma 2's final logits), on the calling thread: the head
/// caps each block of logits inside its own parallel region.
void softcap(float* x, Count n, float cap);

/// The head's cut of the logits: logitsCrossEntropy makes them kHeadRows rows × kHeadColumns
/// columns at a time, one such block per thread (2 MiB), and takes each block's share of the
/// loss while it is still in cache. Fixed sizes, not a share of the threads, so the loss does
/// not depend on the thread count.
constexpr Count kHeadRows = 512, kHeadColumns = 1024;

struct HeadTerms {
    double lossSum = 0; ///< Σ over rows with a target of logsumexp(logits[r]) − logits[r][target[r]]
    Count flops = 0;    ///< the lm_head product's, 2 · rows · d · V
};

/// logits = cap(x·Wᵀ) and the cross-entropy terms of the rows that have a target, without
/// holding [rows, V] at once: logsumexp is combined from each block's max and Σ exp(· − max)
/// (in double, blocks in column order). x: [rows, d]; W: [V, d]; targets[r] < 0 means no
/// target; cap(l) = c·tanh(l/c) with c = *cap (softcap), l itself without one. `keep` [rows, V], when not
/// null, receives the logits; the loss is the same bits either way.
HeadTerms logitsCrossEntropy(const Context& ctx, const float* x, Count rows, Count d, const Tensor& weight,
                             std::optional<float> cap, const std::int64_t* targets, float* keep);

/// Bytes logitsCrossEntropy allocates for `rows` rows and `threads` threads (the planner's
/// figure): a block of logits per thread, and each row's per-block max and sum.
Count headScratchBytes(Count rows, Count vocab, int threads);

} // namespace llamascope::ops
