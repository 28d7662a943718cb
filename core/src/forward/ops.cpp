// The forward pass's operations on Eigen. Every matrix here is row-major (see
// forward/tensor.hpp); Eigen maps are declared RowMajor so each product reads the PyTorch
// layout in place. Eigen's own threading is off (EIGEN_DONT_PARALLELIZE, set by the build):
// the work is split explicitly, so the thread count is a parameter and never global state.

#include "ops.hpp"

#include "parallel.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <atomic>
#include <cmath>

namespace llamascope::ops {

namespace {

using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatMap = Eigen::Map<RowMat>;
using ConstMatMap = Eigen::Map<const RowMat>;
using StridedMap = Eigen::Map<RowMat, 0, Eigen::OuterStride<>>;
using ConstStridedMap = Eigen::Map<const RowMat, 0, Eigen::OuterStride<>>;
using ConstVecMap = Eigen::Map<const Eigen::RowVectorXf>;

// Query rows per block of the causal scheme: off-diagonal blocks are GEMMs, the diagonal
// block is done row by row over exactly the keys t' ≤ t.
constexpr Count kCausalBlock = 64;

} // namespace

void rmsNorm(const float* x, Count rows, Count d, const Tensor& gain, float eps, float* y, int threads)
{
    const ConstVecMap g(gain.values.data(), d);
    parallelChunks(rows, threads, [&](Count r0, Count r1) {
        for (Count r = r0; r < r1; ++r) {
            const ConstVecMap in(x + r * d, d);
            Eigen::Map<Eigen::RowVectorXf> out(y + r * d, d);
            const float meanSquare = in.squaredNorm() / static_cast<float>(d);
            const float inv = 1.0f / std::sqrt(meanSquare + eps);
            out = g.cwiseProduct(in * inv); // [d]
        }
    });
}

Count linear(const float* x, Count rows, Count in, const Tensor& weight, const std::optional<Tensor>& bias,
             float* y, int threads)
{
    const Count out = weight.shape.at(0);
    const ConstMatMap X(x, rows, in);                   // [rows, in]
    const ConstMatMap W(weight.values.data(), out, in); // [out, in]
    MatMap Y(y, rows, out);                             // [rows, out]
    std::atomic<Count> flops{0};
    // Split the output features: each thread reads its own rows of W once.
    parallelChunks(
        out, threads,
        [&](Count c0, Count c1) {
            const Count n = c1 - c0;
            Y.middleCols(c0, n).noalias() = X * W.middleRows(c0, n).transpose(); // [rows, n]
            if (bias)
                Y.middleCols(c0, n).rowwise() += ConstVecMap(bias->values.data() + c0, n);
            flops += 2 * rows * in * n;
        },
        16);
    return flops.load();
}

RopeTables ropeTables(Count seqLen, Count headDim, double theta)
{
    RopeTables t;
    t.half = headDim / 2;
    t.cos.resize(static_cast<std::size_t>(seqLen * t.half));
    t.sin.resize(t.cos.size());
    for (Count pos = 0; pos < seqLen; ++pos)
        for (Count j = 0; j < t.half; ++j) {
            const double invFreq =
                std::pow(theta, -2.0 * static_cast<double>(j) / static_cast<double>(headDim));
            const double angle = static_cast<double>(pos) * invFreq;
            const auto i = static_cast<std::size_t>(pos * t.half + j);
            t.cos[i] = static_cast<float>(std::cos(angle));
            t.sin[i] = static_cast<float>(std::sin(angle));
        }
    return t;
}

void applyRope(float* x, Count batch, Count seqLen, Count heads, Count headDim, const RopeTables& tables)
{
    const Count half = tables.half, width = heads * headDim;
    for (Count r = 0; r < batch * seqLen; ++r) {
        const Count pos = r % seqLen;
        const float* c = tables.cos.data() + pos * half;
        const float* s = tables.sin.data() + pos * half;
        for (Count n = 0; n < heads; ++n) {
            float* head = x + r * width + n * headDim; // [h]: first half pairs with second
            for (Count j = 0; j < half; ++j) {
                const float x1 = head[j], x2 = head[j + half];
                head[j] = x1 * c[j] - x2 * s[j];
                head[j + half] = x2 * c[j] + x1 * s[j];
            }
        }
    }
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

AttentionScratch makeAttentionScratch(Count seqLen, int threads)
{
    AttentionScratch s;
    s.perThread.assign(static_cast<std::size_t>(std::max(threads, 1)),
                       AlignedFloats(static_cast<std::size_t>(seqLen * seqLen)));
    return s;
}

namespace {

// One query head of one sequence. q: [T, h] (stride ldq), k, v: [T, h] (stride ldkv),
// out: [T, h] (stride ldq), S: [T, T] scratch of which only the lower triangle is used.
AttentionFlops causalHead(const float* q, const float* k, const float* v, Count T, Count h, Count ldq,
                          Count ldkv, float* out, float* scores)
{
    const ConstStridedMap Q(q, T, h, Eigen::OuterStride<>(ldq));  // [T, h]
    const ConstStridedMap K(k, T, h, Eigen::OuterStride<>(ldkv)); // [T, h]
    const ConstStridedMap V(v, T, h, Eigen::OuterStride<>(ldkv)); // [T, h]
    StridedMap O(out, T, h, Eigen::OuterStride<>(ldq));           // [T, h]
    MatMap S(scores, T, T);                                       // [T, T], lower triangle
    AttentionFlops flops;
    for (Count i0 = 0; i0 < T; i0 += kCausalBlock) {
        const Count nb = std::min(kCausalBlock, T - i0);
        if (i0 > 0) {
            S.block(i0, 0, nb, i0).noalias() = Q.middleRows(i0, nb) * K.topRows(i0).transpose(); // [nb, i0]
            flops.scores += 2 * nb * h * i0;
        }
        for (Count r = i0; r < i0 + nb; ++r) {
            const Count len = r - i0 + 1;
            S.row(r).segment(i0, len).noalias() = Q.row(r) * K.middleRows(i0, len).transpose(); // [1, len]
            flops.scores += 2 * h * len;
        }
    }
    const float scale = 1.0f / std::sqrt(static_cast<float>(h));
    for (Count r = 0; r < T; ++r) {
        auto row = S.row(r).head(r + 1); // [r + 1]: keys t' ≤ r
        row *= scale;
        const float max = row.maxCoeff();
        row = (row.array() - max).exp();
        row /= row.sum();
    }
    for (Count i0 = 0; i0 < T; i0 += kCausalBlock) {
        const Count nb = std::min(kCausalBlock, T - i0);
        if (i0 > 0) {
            O.middleRows(i0, nb).noalias() = S.block(i0, 0, nb, i0) * V.topRows(i0); // [nb, h]
            flops.mixing += 2 * nb * i0 * h;
        } else {
            O.middleRows(i0, nb).setZero();
        }
        for (Count r = i0; r < i0 + nb; ++r) {
            const Count len = r - i0 + 1;
            O.row(r).noalias() += S.row(r).segment(i0, len) * V.middleRows(i0, len); // [1, h]
            flops.mixing += 2 * len * h;
        }
    }
    return flops;
}

} // namespace

AttentionFlops causalAttention(const float* q, const float* k, const float* v, Count batch, Count seqLen,
                               Count heads, Count kvHeads, Count headDim, float* out,
                               AttentionScratch& scratch, int threads)
{
    const Count qWidth = heads * headDim, kvWidth = kvHeads * headDim, group = heads / kvHeads;
    std::atomic<Count> scores{0}, mixing{0};
    parallelFor(batch * heads, threads, [&](Count job, int worker) {
        const Count b = job / heads, n = job % heads, kvHead = n / group;
        const Count row0 = b * seqLen;
        const AttentionFlops f = causalHead(
            q + row0 * qWidth + n * headDim, k + row0 * kvWidth + kvHead * headDim,
            v + row0 * kvWidth + kvHead * headDim, seqLen, headDim, qWidth, kvWidth,
            out + row0 * qWidth + n * headDim, scratch.perThread.at(static_cast<std::size_t>(worker)).data());
        scores += f.scores;
        mixing += f.mixing;
    });
    return {scores.load(), mixing.load()};
}

void siluMul(float* g, const float* u, Count n, int threads)
{
    parallelChunks(n, threads, [&](Count i0, Count i1) {
        for (Count i = i0; i < i1; ++i) {
            const float a = g[i];
            g[i] = a / (1.0f + std::exp(-a)) * u[i];
        }
    });
}

double crossEntropySum(const float* logits, Count rows, Count vocab, const std::int64_t* targets, int threads)
{
    std::vector<double> partial(static_cast<std::size_t>(rows), 0.0);
    parallelChunks(rows, threads, [&](Count r0, Count r1) {
        for (Count r = r0; r < r1; ++r) {
            if (targets[r] < 0)
                continue;
            const ConstVecMap row(logits + r * vocab, vocab); // [V]
            const float max = row.maxCoeff();
            const float sum = (row.array() - max).exp().sum(); // vectorised; terms in (0, 1]
            partial[static_cast<std::size_t>(r)] = std::log(static_cast<double>(sum)) +
                                                   static_cast<double>(max) -
                                                   static_cast<double>(row[targets[r]]);
        }
    });
    double total = 0;
    for (const double p : partial)
        total += p;
    return total;
}

} // namespace llamascope::ops
