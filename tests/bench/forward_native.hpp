#pragma once
// The "today's native build" baseline of forward_bench, as a C interface: the forward pass's
// Eigen kernels as they were before the per-instruction-set kernels (git 62d59a4,
// core/src/forward/ops.cpp), compiled with -march=native into a shared library with hidden
// visibility (tests/bench/forward.cmake), so the bench can time them in the same run as the
// portable binary. Nothing but these C functions crosses the boundary, so no native-compiled
// inline template can reach the bench's baseline code, or the other way round.

#include <stdint.h>

extern "C" {

/// One decoder layer's weights, row-major [out, in] as in forward/tensor.hpp.
struct NativeLayer {
    const float *inputNorm, *q, *k, *v, *o, *postNorm, *gate, *up, *down;
};

/// A LLaMA model with RoPE, no biases, untied or tied head (lmHead may equal embed).
struct NativeModel {
    int64_t d, f, heads, kvHeads, headDim, vocab, layers;
    float eps;
    double ropeTheta;
    const float* embed;
    const NativeLayer* layer;
    const float* finalNorm;
    const float* lmHead;
};

/// One forward pass of B = 1, T = seqLen tokens on `threads` threads with the old kernels;
/// writes the mean next-token loss and the matmul FLOPs executed (counted as the real pass
/// counts them). Returns 0, or 1 if an exception was caught.
__attribute__((visibility("default"))) int llamascope_native_forward(const NativeModel* model,
                                                                     const int64_t* tokens, int64_t seqLen,
                                                                     int threads, double* loss,
                                                                     int64_t* flops);

/// Best GFLOP/s over `reps` n³ fp32 GEMMs by Eigen, split over `threads` threads by output
/// columns as the old forward pass split its linear layers: per wall-clock second (returned)
/// and per CPU-second of the process (*perCpuSecond).
__attribute__((visibility("default"))) double llamascope_native_eigen_gemm(int64_t n, int threads, int reps,
                                                                           double* perCpuSecond);

/// The instruction sets Eigen was compiled for here, e.g. "AVX512, FMA, AVX2, ...".
__attribute__((visibility("default"))) const char* llamascope_native_simd();
}
