// The pre-kernels forward pass, compiled with -march=native for forward_bench only (see
// forward_native.hpp). The ops are the Eigen code of core/src/forward/ops.cpp at git 62d59a4,
// unchanged but for names; the driver is that version's ForwardState for B = 1, RoPE, no bias.

#include "forward_native.hpp"

#include "aligned.hpp"
#include "parallel.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <ctime>
#include <vector>

namespace {

using llamascope::Count;
using llamascope::parallelChunks;
using llamascope::parallelFor;
using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatMap = Eigen::Map<RowMat>;
using ConstMatMap = Eigen::Map<const RowMat>;
using StridedMap = Eigen::Map<RowMat, 0, Eigen::OuterStride<>>;
using ConstStridedMap = Eigen::Map<const RowMat, 0, Eigen::OuterStride<>>;
using ConstVecMap = Eigen::Map<const Eigen::RowVectorXf>;

constexpr Count kCausalBlock = 64;

void rmsNorm(const float* x, Count rows, Count d, const float* gain, float eps, float* y, int threads)
{
    const ConstVecMap g(gain, d);
    parallelChunks(rows, threads, [&](Count r0, Count r1) {
        for (Count r = r0; r < r1; ++r) {
            const ConstVecMap in(x + r * d, d);
            Eigen::Map<Eigen::RowVectorXf> out(y + r * d, d);
            const float meanSquare = in.squaredNorm() / static_cast<float>(d);
            const float inv = 1.0f / std::sqrt(meanSquare + eps);
            out = g.cwiseProduct(in * inv);
        }
    });
}

Count linear(const float* x, Count rows, Count in, const float* weight, Count out, float* y, int threads)
{
    const ConstMatMap X(x, rows, in);
    const ConstMatMap W(weight, out, in);
    MatMap Y(y, rows, out);
    std::atomic<Count> flops{0};
    parallelChunks(
        out, threads,
        [&](Count c0, Count c1) {
            const Count n = c1 - c0;
            Y.middleCols(c0, n).noalias() = X * W.middleRows(c0, n).transpose();
            flops += 2 * rows * in * n;
        },
        16);
    return flops.load();
}

void applyRope(float* x, Count seqLen, Count heads, Count headDim, const llamascope::AlignedFloats& cos,
               const llamascope::AlignedFloats& sin)
{
    const Count half = headDim / 2, width = heads * headDim;
    for (Count r = 0; r < seqLen; ++r) {
        const float* c = cos.data() + r * half;
        const float* s = sin.data() + r * half;
        for (Count n = 0; n < heads; ++n) {
            float* head = x + r * width + n * headDim;
            for (Count j = 0; j < half; ++j) {
                const float x1 = head[j], x2 = head[j + half];
                head[j] = x1 * c[j] - x2 * s[j];
                head[j + half] = x2 * c[j] + x1 * s[j];
            }
        }
    }
}

Count causalHead(const float* q, const float* k, const float* v, Count T, Count h, Count ldq, Count ldkv,
                 float* out, float* scores)
{
    const ConstStridedMap Q(q, T, h, Eigen::OuterStride<>(ldq));
    const ConstStridedMap K(k, T, h, Eigen::OuterStride<>(ldkv));
    const ConstStridedMap V(v, T, h, Eigen::OuterStride<>(ldkv));
    StridedMap O(out, T, h, Eigen::OuterStride<>(ldq));
    MatMap S(scores, T, T);
    Count flops = 0;
    for (Count i0 = 0; i0 < T; i0 += kCausalBlock) {
        const Count nb = std::min(kCausalBlock, T - i0);
        if (i0 > 0) {
            S.block(i0, 0, nb, i0).noalias() = Q.middleRows(i0, nb) * K.topRows(i0).transpose();
            flops += 2 * nb * h * i0;
        }
        for (Count r = i0; r < i0 + nb; ++r) {
            const Count len = r - i0 + 1;
            S.row(r).segment(i0, len).noalias() = Q.row(r) * K.middleRows(i0, len).transpose();
            flops += 2 * h * len;
        }
    }
    const float scale = 1.0f / std::sqrt(static_cast<float>(h));
    for (Count r = 0; r < T; ++r) {
        auto row = S.row(r).head(r + 1);
        row *= scale;
        const float max = row.maxCoeff();
        row = (row.array() - max).exp();
        row /= row.sum();
    }
    for (Count i0 = 0; i0 < T; i0 += kCausalBlock) {
        const Count nb = std::min(kCausalBlock, T - i0);
        if (i0 > 0) {
            O.middleRows(i0, nb).noalias() = S.block(i0, 0, nb, i0) * V.topRows(i0);
            flops += 2 * nb * i0 * h;
        } else {
            O.middleRows(i0, nb).setZero();
        }
        for (Count r = i0; r < i0 + nb; ++r) {
            const Count len = r - i0 + 1;
            O.row(r).noalias() += S.row(r).segment(i0, len) * V.middleRows(i0, len);
            flops += 2 * len * h;
        }
    }
    return flops;
}

Count causalAttention(const float* q, const float* k, const float* v, Count T, Count heads, Count kvHeads,
                      Count h, float* out, std::vector<llamascope::AlignedFloats>& scratch, int threads)
{
    const Count qWidth = heads * h, kvWidth = kvHeads * h, group = heads / kvHeads;
    std::atomic<Count> flops{0};
    parallelFor(heads, threads, [&](Count n, int worker) {
        const Count kvHead = n / group;
        flops += causalHead(q + n * h, k + kvHead * h, v + kvHead * h, T, h, qWidth, kvWidth, out + n * h,
                            scratch[static_cast<std::size_t>(worker)].data());
    });
    return flops.load();
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
            const ConstVecMap row(logits + r * vocab, vocab);
            const float max = row.maxCoeff();
            const float sum = (row.array() - max).exp().sum();
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

void addInto(llamascope::AlignedFloats& x, const llamascope::AlignedFloats& y)
{
    for (std::size_t i = 0; i < x.size(); ++i)
        x[i] += y[i];
}

double forward(const NativeModel& m, const std::int64_t* tokens, Count T, int threads, Count& flops)
{
    const Count d = m.d, f = m.f, H = m.heads, K = m.kvHeads, h = m.headDim, V = m.vocab;
    const Count qw = H * h, kvw = K * h;
    auto buf = [](Count n) { return llamascope::AlignedFloats(static_cast<std::size_t>(n)); };
    llamascope::AlignedFloats x = buf(T * d), u = buf(T * d), q = buf(T * qw), a = buf(T * qw),
                              k = buf(T * kvw), v = buf(T * kvw), g = buf(T * f), p = buf(T * f),
                              logits = buf(T * V);
    std::vector<llamascope::AlignedFloats> scratch(static_cast<std::size_t>(threads), buf(T * T));
    llamascope::AlignedFloats cos = buf(T * h / 2), sin = buf(T * h / 2);
    for (Count pos = 0; pos < T; ++pos)
        for (Count j = 0; j < h / 2; ++j) {
            const double angle =
                static_cast<double>(pos) *
                std::pow(m.ropeTheta, -2.0 * static_cast<double>(j) / static_cast<double>(h));
            cos[static_cast<std::size_t>(pos * (h / 2) + j)] = static_cast<float>(std::cos(angle));
            sin[static_cast<std::size_t>(pos * (h / 2) + j)] = static_cast<float>(std::sin(angle));
        }
    for (Count r = 0; r < T; ++r)
        std::copy(m.embed + tokens[r] * d, m.embed + (tokens[r] + 1) * d, x.data() + r * d);
    flops = 0;
    for (Count l = 0; l < m.layers; ++l) {
        const NativeLayer& w = m.layer[l];
        rmsNorm(x.data(), T, d, w.inputNorm, m.eps, u.data(), threads);
        flops += linear(u.data(), T, d, w.q, qw, q.data(), threads);
        flops += linear(u.data(), T, d, w.k, kvw, k.data(), threads);
        flops += linear(u.data(), T, d, w.v, kvw, v.data(), threads);
        applyRope(q.data(), T, H, h, cos, sin);
        applyRope(k.data(), T, K, h, cos, sin);
        flops += causalAttention(q.data(), k.data(), v.data(), T, H, K, h, a.data(), scratch, threads);
        flops += linear(a.data(), T, qw, w.o, d, u.data(), threads);
        addInto(x, u);
        rmsNorm(x.data(), T, d, w.postNorm, m.eps, u.data(), threads);
        flops += linear(u.data(), T, d, w.gate, f, g.data(), threads);
        flops += linear(u.data(), T, d, w.up, f, p.data(), threads);
        siluMul(g.data(), p.data(), T * f, threads);
        flops += linear(g.data(), T, f, w.down, d, u.data(), threads);
        addInto(x, u);
    }
    rmsNorm(x.data(), T, d, m.finalNorm, m.eps, u.data(), threads);
    flops += linear(u.data(), T, d, m.lmHead, V, logits.data(), threads);
    std::vector<std::int64_t> targets(static_cast<std::size_t>(T), -1);
    for (Count r = 0; r + 1 < T; ++r)
        targets[static_cast<std::size_t>(r)] = tokens[r + 1];
    return crossEntropySum(logits.data(), T, V, targets.data(), threads) / static_cast<double>(T - 1);
}

} // namespace

extern "C" int llamascope_native_forward(const NativeModel* model, const int64_t* tokens, int64_t seqLen,
                                         int threads, double* loss, int64_t* flops)
{
    try {
        Count f = 0;
        *loss = forward(*model, tokens, seqLen, std::max(threads, 1), f);
        *flops = f;
        return 0;
    } catch (...) {
        return 1;
    }
}

extern "C" double llamascope_native_eigen_gemm(int64_t n, int threads, int reps, double* perCpuSecond)
{
    const RowMat a = RowMat::Random(n, n), w = RowMat::Random(n, n);
    RowMat y(n, n);
    auto cpu = [] {
        timespec t{};
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
        return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
    };
    double best = 1e30, bestCpu = 1e30;
    for (int r = 0; r < reps; ++r) {
        const auto t = std::chrono::steady_clock::now();
        const double c = cpu();
        parallelChunks(
            n, threads,
            [&](Count c0, Count c1) {
                y.middleCols(c0, c1 - c0).noalias() = a * w.middleRows(c0, c1 - c0).transpose();
            },
            16);
        bestCpu = std::min(bestCpu, cpu() - c);
        best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count());
    }
    const double flops = 2.0 * static_cast<double>(n * n * n);
    *perCpuSecond = flops / bestCpu / 1e9;
    return flops / best / 1e9;
}

extern "C" const char* llamascope_native_simd()
{
    return Eigen::SimdInstructionSetsInUse();
}
