#pragma once
// Internal: the forward pass's compute kernels, built once per instruction set.
//
// kernels_isa.cpp is compiled three times (core/forward/sources.cmake): for x86-64-v2
// (`baseline`), for AVX2 + FMA (`avx2`) and for AVX-512F (`avx512`). Each build exports exactly
// one function, `llamascope::kernels::<set>::table()`, returning a table of plain function
// pointers over raw row-major float buffers. This header is their whole interface: C types
// only, no templates, no inline functions and no library types, so nothing compiled with one
// set's -m flags can be merged by the linker into code built for another (the ODR hazard of a
// -march=native build). ops.cpp picks a table at run time (llamascope/forward/kernels.hpp) and does the
// threading; the kernels are single-threaded and keep no state.
//
// Shapes are [rows, cols]; `ld*` are row strides in floats. Adding an operation: a function
// pointer here, its loop in kernels_isa.cpp, its caller in ops.cpp, a test in
// tests/forward/kernels_test.cpp.

#include <stdint.h>

namespace llamascope::kernels {

struct KernelTable {
    const char* name; ///< "baseline", "avx2", "avx512"

    /// Floats of 64-byte aligned scratch one gemm call needs (its packed-B panel).
    int64_t gemmWorkFloats;
    /// Column split granularity that keeps gemm calls on whole register tiles.
    int64_t gemmColumnAlign;
    /// C[m, n] = A[m, k] · op(B), or C += A · op(B) when `accumulate`. op(B) is B[n, k]ᵀ when
    /// `transB` (a linear weight [out, in], or keys), else B[k, n]. A may have any row stride;
    /// `work` holds gemmWorkFloats floats. Each element of C is summed over k in the same order
    /// whatever m, n and the position of the call's columns, so splitting the columns over
    /// threads does not change a bit.
    void (*gemm)(int64_t m, int64_t n, int64_t k, const float* a, int64_t lda, const float* b, int64_t ldb,
                 int transB, float* c, int64_t ldc, int accumulate, float* work);
    /// Packs op(B) [k, n] (as gemm reads it) once, for gemmPacked and gemvPacked: panels of
    /// gemmColumnAlign columns, panel q at bp + q·k·gemmColumnAlign, zero-padded to whole panels.
    void (*packB)(const float* b, int64_t ldb, int transB, int64_t k, int64_t n, float* bp);
    /// gemm over a B packed by packB with packedK ≥ k rows: rows [0, k), columns [0, n), in the
    /// same order as gemm. Attention packs its keys and values once per head this way.
    void (*gemmPacked)(int64_t m, int64_t n, int64_t k, const float* a, int64_t lda, const float* bp,
                       int64_t packedK, float* c, int64_t ldc, int accumulate);
    /// y[j] = x · op(B)[:, j] for j < n: x [k], B packed by packB with packedK rows, y [n].
    void (*gemvPacked)(const float* x, int64_t k, const float* bp, int64_t packedK, int64_t n, float* y);
    /// y += Σ_j x[j] · B[j]: x [n], B [n, k] (row stride ldb), y [k].
    void (*gemvAcc)(const float* x, const float* b, int64_t ldb, int64_t n, int64_t k, float* y);

    /// y = g ⊙ (x · 1/sqrt(mean(x²) + eps)) per row: x, y [rows, d] (y may alias x), g [d].
    void (*rmsNorm)(const float* x, int64_t rows, int64_t d, const float* gain, float eps, float* y);
    /// x ← exp(scale · x − max(scale · x)) over n values (n ≥ 1, scale > 0); returns their sum,
    /// the softmax's denominator (attention divides its mixed output by it, not each score).
    float (*expShifted)(float* x, int64_t n, float scale);
    /// max of x [n] (n ≥ 1) and Σ exp(x − max), for a log-sum-exp.
    void (*maxSumExp)(const float* x, int64_t n, float* max, float* sum);
    /// g ← SiLU(g) ⊙ u = g / (1 + exp(−g)) · u over n values.
    void (*siluMul)(float* g, const float* u, int64_t n);
    /// y[r] += b for each of `rows` rows of n values (row stride ldy).
    void (*addRows)(float* y, int64_t rows, int64_t n, int64_t ldy, const float* b);
    /// Rotate-half RoPE on one token: x holds `heads` vectors of h = 2·half values; within each,
    /// (x[j], x[j+half]) ← (x[j]·c[j] − x[j+half]·s[j], x[j+half]·c[j] + x[j]·s[j]).
    void (*rope)(float* x, int64_t heads, int64_t half, const float* cos, const float* sin);
};

// One table per instruction set; only those built for this processor family exist.
namespace baseline {
const KernelTable* table();
}
#if defined(LLAMASCOPE_X86_KERNELS)
namespace avx2 {
const KernelTable* table();
}
namespace avx512 {
const KernelTable* table();
}
#endif

} // namespace llamascope::kernels
