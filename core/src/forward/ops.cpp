// The forward pass's operations: the work is split over threads here and every loop runs in
// the kernel build chosen for the CPU (kernel_table.hpp). Every matrix is row-major (see
// forward/tensor.hpp): a linear weight [out, in] is the transposed B of the gemm, read in
// place. The threads are the pass's own (ThreadTeam, parallel.hpp), so the thread count is a
// parameter and never global state.

#include "ops.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>

namespace llamascope::ops {

namespace {

// The largest of each part over every kernel build, so the layout and the plan do not depend
// on the CPU.
Workspace::Layout workspaceLayout(Count seqLen, Count headDim)
{
    Count gemm = 0, align = 1;
    for (const KernelSet set : builtKernelSets()) {
        gemm = std::max<Count>(gemm, kernelTable(set).gemmWorkFloats);
        align = std::max<Count>(align, kernelTable(set).gemmColumnAlign);
    }
    auto padded = [align](Count n) { return (n + align - 1) / align * align; };
    const Count scores = mulChecked(kCausalBlock, seqLen, "attention scratch");
    const Count keys = mulChecked(padded(seqLen), headDim, "attention scratch");   // [h, T] packed
    const Count values = mulChecked(seqLen, padded(headDim), "attention scratch"); // [T, h] packed
    Workspace::Layout l;
    l.scores = gemm;
    l.keys = addChecked(l.scores, scores, "attention scratch");
    l.values = addChecked(l.keys, keys, "attention scratch");
    l.total = addChecked(l.values, values, "attention scratch");
    return l;
}

} // namespace

Workspace::Workspace(Count seqLen, Count headDim, int threads) : layout_(workspaceLayout(seqLen, headDim))
{
    // Each buffer is made in place: no prototype copied `threads` times (which briefly held
    // threads + 1 buffers and broke the memory plan, issue 10).
    const auto workers = static_cast<std::size_t>(std::max(threads, 1));
    buffers_.reserve(workers);
    for (std::size_t w = 0; w < workers; ++w)
        buffers_.emplace_back(static_cast<std::size_t>(layout_.total));
}

Count Workspace::bytes(Count seqLen, Count headDim, int threads)
{
    return mulChecked(
        4, mulChecked(std::max(threads, 1), workspaceLayout(seqLen, headDim).total, "attention scratch"),
        "attention scratch");
}

void rmsNorm(const Context& ctx, const float* x, Count rows, Count d, const Tensor& gain, float eps, float* y)
{
    ctx.team->chunks(rows, [&](Count r0, Count r1, int) {
        ctx.kernels->rmsNorm(x + r0 * d, r1 - r0, d, gain.values.data(), eps, y + r0 * d); // [r1 − r0, d]
    });
}

Count linear(const Context& ctx, const float* x, Count rows, Count in, const Tensor& weight,
             const std::optional<Tensor>& bias, float* y)
{
    const Count out = weight.shape.at(0);
    // Split the output features into about sixteen pieces per thread (at least two panels
    // each), taken in turn: each piece packs and reads its own rows of W once, so smaller pieces
    // add no packing, and a thread that the OS delays (the cores may be shared) does fewer
    // pieces instead of holding up the others; the last piece of a region is short (four
    // pieces per thread left a thread idle for up to a quarter of its share). The kernels sum
    // every output in the same order however the columns are split, so the result does not
    // depend on the thread count.
    const Count align = ctx.kernels->gemmColumnAlign;
    const Count perPiece =
        std::max(2 * align, (out / (16 * Count{ctx.team->size()}) + align - 1) / align * align);
    const Count pieces = (out + perPiece - 1) / perPiece;
    std::atomic<Count> flops{0};
    ctx.team->run(pieces, [&](Count piece, int worker) {
        const Count c0 = piece * perPiece, n = std::min(perPiece, out - c0);
        ctx.kernels->gemm(rows, n, in, x, in, weight.values.data() + c0 * in, in, 1, y + c0, out, 0,
                          ctx.workspace->gemm(worker)); // [rows, n] = [rows, in]·[n, in]ᵀ
        if (bias)
            ctx.kernels->addRows(y + c0, rows, n, out, bias->values.data() + c0);
        flops += 2 * rows * in * n;
    });
    return flops.load();
}

void applyRope(const Context& ctx, float* x, Count batch, Count seqLen, Count heads, Count headDim,
               const RopeTables& tables)
{
    const Count half = tables.half, width = heads * headDim;
    ctx.team->chunks(batch * seqLen, [&](Count r0, Count r1, int) {
        for (Count r = r0; r < r1; ++r) {
            const Count pos = r % seqLen;
            const float* c = tables.cos.data() + pos * half;
            const float* s = tables.sin.data() + pos * half;
            if (2 * half == headDim) {
                ctx.kernels->rope(x + r * width, heads, half, c, s); // [heads, h]
                continue;
            }
            // Partial rotary: the first 2·half dimensions of each head, one head at a time.
            for (Count n = 0; n < heads; ++n)
                ctx.kernels->rope(x + r * width + n * headDim, 1, half, c, s); // [2·half] of [h]
        }
    });
}

void addSinusoidal(float* x, Count batch, Count seqLen, Count d)
{
    for (Count t = 0; t < seqLen; ++t)
        for (Count i = 0; 2 * i < d; ++i) {
            const double omega = std::pow(10000.0, -2.0 * static_cast<double>(i) / static_cast<double>(d));
            const double angle = static_cast<double>(t) * omega;
            const auto s = static_cast<float>(std::sin(angle));
            const auto c = static_cast<float>(std::cos(angle));
            for (Count b = 0; b < batch; ++b) {
                float* row = x + (b * seqLen + t) * d;
                row[2 * i] += s;
                if (2 * i + 1 < d)
                    row[2 * i + 1] += c;
            }
        }
}

namespace {

// Row scores [n] of one query → e = exp(s − max s) of s = scale·scores, or with a soft cap of
// s = cap·tanh(scale·scores/cap) (transformers' eager attention: scaled, capped, then masked);
// returns Σe. softmax(s) = e/Σe, so the row's mixed output Σ e·v is divided by Σe once
// (divideRows: h divisions instead of n).
float exponentiate(const kernels::KernelTable& kt, float* row, Count n, float scale,
                   const std::optional<float>& cap)
{
    if (!cap)
        return kt.expShifted(row, n, scale); // the scale folded into the exp pass
    const float c = *cap;
    for (Count i = 0; i < n; ++i)
        row[i] = std::tanh(row[i] * scale / c) * c;
    return kt.expShifted(row, n, 1.0f);
}

// out[r] ← out[r] / sums[r] for rows [0, rows) of h values (row stride ld).
void divideRows(float* out, Count rows, Count h, Count ld, const float* sums)
{
    for (Count r = 0; r < rows; ++r)
        for (Count j = 0; j < h; ++j)
            out[r * ld + j] /= sums[r];
}

// One query head of one sequence, one block of kCausalBlock query rows at a time, so the
// scratch is one block row of scores [nb, T] (row stride T) instead of T². q: [T, h] (row
// stride ldq), k, v: [T, h] (stride ldkv), out: [T, h] (stride ldq). Keys and values are packed
// for the gemm once per head. For the block of rows [i0, i0 + nb): the scores against all
// earlier keys are one gemm ([nb, h]·[i0, h]ᵀ), and each row r of the diagonal block is a gemv
// against keys i0 … r only; mixing (scores·V) is split the same way, so exactly the causal
// pairs are computed.
AttentionFlops causalHead(const kernels::KernelTable& kt, const float* q, const float* k, const float* v,
                          Count T, Count h, Count ldq, Count ldkv, float* out, float* scores, float* keys,
                          float* values, float scale, const std::optional<float>& cap)
{
    static_assert(kCausalBlock % 32 == 0, "query blocks start on whole packed panels of keys");
    kt.packB(k, ldkv, 1, h, T, keys);   // op(B) = Kᵀ: [h, T]
    kt.packB(v, ldkv, 0, T, h, values); // op(B) = V: [T, h]
    AttentionFlops flops;
    for (Count i0 = 0; i0 < T; i0 += kCausalBlock) {
        const Count nb = std::min(kCausalBlock, T - i0);
        const float* qb = q + i0 * ldq; // [nb, h]
        float* ob = out + i0 * ldq;     // [nb, h]
        if (i0 > 0) {
            kt.gemmPacked(nb, i0, h, qb, ldq, keys, h, scores, T, 0); // [nb, i0] = [nb, h]·[h, i0]
            flops.scores += 2 * nb * h * i0;
        }
        for (Count r = 0; r < nb; ++r) {
            // Keys from i0 on: their packed panels start at column i0.
            kt.gemvPacked(qb + r * ldq, h, keys + i0 * h, h, r + 1, scores + r * T + i0); // [r + 1]
            flops.scores += 2 * h * (r + 1);
        }
        std::array<float, kCausalBlock> sums{};
        for (Count r = 0; r < nb; ++r)
            sums[static_cast<std::size_t>(r)] =
                exponentiate(kt, scores + r * T, i0 + r + 1, scale, cap); // keys t' ≤ i0 + r
        if (i0 > 0) {
            kt.gemmPacked(nb, h, i0, scores, T, values, T, ob, ldq, 0); // [nb, h] = [nb, i0]·[i0, h]
            flops.mixing += 2 * nb * i0 * h;
        } else {
            for (Count r = 0; r < nb; ++r)
                std::fill(ob + r * ldq, ob + r * ldq + h, 0.0f);
        }
        for (Count r = 0; r < nb; ++r) {
            kt.gemvAcc(scores + r * T + i0, v + i0 * ldkv, ldkv, r + 1, h, ob + r * ldq); // [h]
            flops.mixing += 2 * (r + 1) * h;
        }
        divideRows(ob, nb, h, ldq, sums.data());
    }
    return flops;
}

// The same head under a sliding window W < T: row t sees keys lo(t) … t only, lo(t) =
// max(0, t − W + 1). Per block of rows [i0, i0 + nb), the keys [r0, i0) that every row of the
// block sees (r0 = min(i0, lo(i0 + nb − 1))) are one gemm; each row then takes the keys only it
// sees: a left strip [lo(t), r0) and the diagonal part [max(lo(t), i0), t]. Mixing is split the
// same way, so every visible pair is computed once and nothing else. A window starts at any
// key, not on a packed panel, so these gemms read K and V in place (each call packs its block
// into the gemm scratch `work`). Row t − i0 of `scores` holds key t' at column t'.
AttentionFlops windowedHead(const kernels::KernelTable& kt, const float* q, const float* k, const float* v,
                            Count T, Count h, Count ldq, Count ldkv, float* out, float* scores, float* work,
                            float scale, const std::optional<float>& cap, Count window)
{
    const auto lo = [window](Count t) { return std::max<Count>(0, t - window + 1); };
    AttentionFlops flops;
    for (Count i0 = 0; i0 < T; i0 += kCausalBlock) {
        const Count nb = std::min(kCausalBlock, T - i0);
        const Count r0 = std::min(i0, lo(i0 + nb - 1));
        const float* qb = q + i0 * ldq; // [nb, h]
        float* ob = out + i0 * ldq;     // [nb, h]
        std::array<float, kCausalBlock> sums{};
        if (r0 < i0) {
            kt.gemm(nb, i0 - r0, h, qb, ldq, k + r0 * ldkv, ldkv, 1, scores + r0, T, 0,
                    work); // [nb, i0 − r0] = [nb, h]·[i0 − r0, h]ᵀ
            flops.scores += 2 * nb * h * (i0 - r0);
        }
        for (Count r = 0; r < nb; ++r) {
            const Count t = i0 + r, first = lo(t), d0 = std::max(first, i0);
            float* row = scores + r * T;
            if (first < r0) {
                kt.gemm(1, r0 - first, h, qb + r * ldq, ldq, k + first * ldkv, ldkv, 1, row + first, T, 0,
                        work); // [r0 − lo(t)]
                flops.scores += 2 * h * (r0 - first);
            }
            kt.gemm(1, t - d0 + 1, h, qb + r * ldq, ldq, k + d0 * ldkv, ldkv, 1, row + d0, T, 0,
                    work); // [t − d0 + 1]
            flops.scores += 2 * h * (t - d0 + 1);
            sums[static_cast<std::size_t>(r)] =
                exponentiate(kt, row + first, t - first + 1, scale, cap); // keys lo(t) ≤ t' ≤ t
        }
        if (r0 < i0) {
            kt.gemm(nb, h, i0 - r0, scores + r0, T, v + r0 * ldkv, ldkv, 0, ob, ldq, 0,
                    work); // [nb, h] = [nb, i0 − r0]·[i0 − r0, h]
            flops.mixing += 2 * nb * (i0 - r0) * h;
        } else {
            for (Count r = 0; r < nb; ++r)
                std::fill(ob + r * ldq, ob + r * ldq + h, 0.0f);
        }
        for (Count r = 0; r < nb; ++r) {
            const Count t = i0 + r, first = lo(t), d0 = std::max(first, i0);
            const float* row = scores + r * T;
            if (first < r0) {
                kt.gemvAcc(row + first, v + first * ldkv, ldkv, r0 - first, h, ob + r * ldq); // [h]
                flops.mixing += 2 * (r0 - first) * h;
            }
            kt.gemvAcc(row + d0, v + d0 * ldkv, ldkv, t - d0 + 1, h, ob + r * ldq); // [h]
            flops.mixing += 2 * (t - d0 + 1) * h;
        }
        divideRows(ob, nb, h, ldq, sums.data());
    }
    return flops;
}

} // namespace

AttentionFlops causalAttention(const Context& ctx, const float* q, const float* k, const float* v,
                               Count batch, Count seqLen, Count heads, Count kvHeads, Count headDim,
                               float* out, const AttentionOptions& options)
{
    const Count qWidth = heads * headDim, kvWidth = kvHeads * headDim, group = heads / kvHeads;
    const float scale = options.scale > 0.0f ? options.scale : 1.0f / std::sqrt(static_cast<float>(headDim));
    // A window of at least T hides no key: the plain causal scheme.
    const bool windowed = options.window > 0 && options.window < seqLen;
    std::atomic<Count> scores{0}, mixing{0};
    ctx.team->run(batch * heads, [&](Count job, int worker) {
        const Count b = job / heads, n = job % heads, kvHead = n / group;
        const Count row0 = b * seqLen;
        const float* qh = q + row0 * qWidth + n * headDim;       // [T, h] of [T, H·h]
        const float* kh = k + row0 * kvWidth + kvHead * headDim; // [T, h] of [T, K·h]
        const float* vh = v + row0 * kvWidth + kvHead * headDim; // [T, h] of [T, K·h]
        float* oh = out + row0 * qWidth + n * headDim;           // [T, h] of [T, H·h]
        Workspace& ws = *ctx.workspace;
        const AttentionFlops f =
            windowed
                ? windowedHead(*ctx.kernels, qh, kh, vh, seqLen, headDim, qWidth, kvWidth, oh,
                               ws.scores(worker), ws.gemm(worker), scale, options.softcap, options.window)
                : causalHead(*ctx.kernels, qh, kh, vh, seqLen, headDim, qWidth, kvWidth, oh,
                             ws.scores(worker), ws.keys(worker), ws.values(worker), scale, options.softcap);
        scores += f.scores;
        mixing += f.mixing;
    });
    return {scores.load(), mixing.load()};
}

void add(const Context& ctx, float* x, const float* y, Count n)
{
    ctx.team->chunks(n,
                     [&](Count i0, Count i1, int) { ctx.kernels->addRows(x + i0, 1, i1 - i0, 0, y + i0); });
}

void siluMul(const Context& ctx, float* g, const float* u, Count n)
{
    ctx.team->chunks(n, [&](Count i0, Count i1, int) { ctx.kernels->siluMul(g + i0, u + i0, i1 - i0); });
}

// The other activations and the soft cap have no kernel: plain loops, split over the threads.
void gatedActivation(const Context& ctx, Activation act, float* g, const float* u, Count n)
{
    ctx.team->chunks(n, [&](Count i0, Count i1, int) {
        for (Count i = i0; i < i1; ++i)
            g[i] = activate(act, g[i]) * u[i];
    });
}

void activation(const Context& ctx, Activation act, float* x, Count n)
{
    ctx.team->chunks(n, [&](Count i0, Count i1, int) {
        for (Count i = i0; i < i1; ++i)
            x[i] = activate(act, x[i]);
    });
}

void softcap(float* x, Count n, float cap)
{
    for (Count i = 0; i < n; ++i)
        x[i] = std::tanh(x[i] / cap) * cap;
}

namespace {

struct HeadShape {
    Count rows, columns, blocks; // rows per call, columns per block, blocks across the vocabulary
};

HeadShape headShape(Count rows, Count vocab)
{
    const Count columns = std::min(vocab, kHeadColumns);
    return {std::min(rows, kHeadRows), columns, (vocab + columns - 1) / columns};
}

} // namespace

Count headScratchBytes(Count rows, Count vocab, int threads)
{
    const HeadShape s = headShape(rows, vocab);
    const Count logits = mulChecked(std::max(threads, 1), s.rows * s.columns, "head scratch");
    const Count perRow = mulChecked(2, s.blocks, "head scratch") + 1; // max and sum per block; target logit
    return mulChecked(4, addChecked(logits, mulChecked(s.rows, perRow, "head scratch"), "head scratch"),
                      "head scratch");
}

HeadTerms logitsCrossEntropy(const Context& ctx, const float* x, Count rows, Count d, const Tensor& weight,
                             std::optional<float> cap, const std::int64_t* targets, float* keep)
{
    const Count vocab = weight.shape.at(0);
    const HeadShape shape = headShape(rows, vocab);
    AlignedFloats scratch(
        keep ? 0 : static_cast<std::size_t>(Count{ctx.team->size()} * shape.rows * shape.columns));
    // Per row of the current rows: each block's max and Σ exp(l − max), and the target's logit.
    std::vector<float> blockMax(static_cast<std::size_t>(shape.rows * shape.blocks));
    std::vector<float> blockSum(blockMax.size());
    std::vector<float> targetLogit(static_cast<std::size_t>(shape.rows));
    HeadTerms terms;
    for (Count r0 = 0; r0 < rows; r0 += shape.rows) {
        const Count n = std::min(shape.rows, rows - r0);
        ctx.team->run(shape.blocks, [&](Count block, int worker) {
            const Count c0 = block * shape.columns, width = std::min(shape.columns, vocab - c0);
            // This block's logits [n, width]: in the kept output, or in the worker's scratch.
            float* l = keep ? keep + r0 * vocab + c0 : scratch.data() + worker * shape.rows * shape.columns;
            const Count ld = keep ? vocab : width;
            ctx.kernels->gemm(n, width, d, x + r0 * d, d, weight.values.data() + c0 * d, d, 1, l, ld, 0,
                              ctx.workspace->gemm(worker)); // [n, width] = [n, d]·[width, d]ᵀ
            for (Count i = 0; i < n; ++i) {
                float* row = l + i * ld; // [width]
                if (cap)
                    ops::softcap(row, width, *cap);
                const std::int64_t target = targets[r0 + i];
                if (target < 0)
                    continue;
                const auto at = static_cast<std::size_t>(i * shape.blocks + block);
                ctx.kernels->maxSumExp(row, width, &blockMax[at], &blockSum[at]);
                if (target >= c0 && target < c0 + width)
                    targetLogit[static_cast<std::size_t>(i)] = row[target - c0];
            }
        });
        terms.flops += 2 * n * d * vocab;
        // logsumexp = M + log Σ_b s_b·exp(m_b − M), M the largest block max; rows in order.
        for (Count i = 0; i < n; ++i) {
            if (targets[r0 + i] < 0)
                continue;
            const float* m = blockMax.data() + i * shape.blocks;
            const float* sum = blockSum.data() + i * shape.blocks;
            const double top = *std::max_element(m, m + shape.blocks);
            double total = 0;
            for (Count b = 0; b < shape.blocks; ++b)
                total += static_cast<double>(sum[b]) * std::exp(static_cast<double>(m[b]) - top);
            terms.lossSum +=
                std::log(total) + top - static_cast<double>(targetLogit[static_cast<std::size_t>(i)]);
        }
    }
    return terms;
}

} // namespace llamascope::ops
