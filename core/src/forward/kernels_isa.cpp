// One instruction-set build of the forward kernels (kernel_table.hpp). core/forward/sources.cmake
// compiles this file once per kernel set, with LLAMASCOPE_KERNEL_ISA naming the set and that
// set's -m flags. Rules that keep the builds apart (docs/forward.md, "Kernels and portability"):
// - C headers only, and everything but table() in an anonymous namespace: the object file
//   exports one function and no weak symbol the linker could merge with code compiled for
//   another instruction set (tests/forward/kernel_symbols.cmake checks this with nm);
// - GCC vector extensions rather than intrinsics headers: the vector width follows the -m
//   flags, so this one source becomes SSE4, AVX2 or AVX-512 code;
// - fixed-order sums: every reduction runs in an order that depends on the length only, never
//   on a buffer's address (unaligned loads, no peeling), so runs repeat bit for bit.

#include "kernel_table.hpp"

#ifndef LLAMASCOPE_KERNEL_ISA
#error "compile with -DLLAMASCOPE_KERNEL_ISA=<set name>"
#endif

#define LLAMASCOPE_KERNEL_STR2(x) #x
#define LLAMASCOPE_KERNEL_STR(x) LLAMASCOPE_KERNEL_STR2(x)

namespace llamascope::kernels::LLAMASCOPE_KERNEL_ISA {
namespace {

// kW floats per vector register. The gemm register tile is kMR rows × kNV vectors: 24
// accumulators of the 32 AVX-512 registers, 12 of the 16 AVX2/SSE ones, leaving room for the
// B vectors and the broadcast A value.
#if defined(__AVX512F__)
constexpr int64_t kW = 16;
constexpr int64_t kMR = 12;
#elif defined(__AVX2__)
constexpr int64_t kW = 8;
constexpr int64_t kMR = 6;
#else
constexpr int64_t kW = 4;
constexpr int64_t kMR = 6;
#endif
constexpr int64_t kNV = 2;
constexpr int64_t kNR = kW * kNV; // gemm tile columns
// Cache blocking in the BLIS loop order (Van Zee & van de Geijn, "BLIS: A Framework for
// Rapidly Instantiating BLAS Functionality", ACM TOMS 41(3), 2015): a packed kKC × kNC block of
// B is reused over every kMC-row block of A, whose kMR-row strips meet one kKC × kNR panel of B
// at a time. kKC is large so that one pass over k covers the hidden sizes of most models and C
// is written once instead of re-read per k block; that beat L1-sized panels on every shape of
// tests/bench (docs/benchmarks.md). The packed block of B is 1.5 MiB. kMC = 120 rather than 240:
// on the forward pass's shapes (512 rows against 768 … 32,000 columns) each B panel then meets
// a 360 KiB block of A instead of 720 KiB, 3–5 % faster in a one-process A/B of both values
// (avx512 and avx2 builds; 2048³ unchanged).
constexpr int64_t kKC = 768;
constexpr int64_t kMC = 120; // a multiple of every kMR
constexpr int64_t kNC = 512; // a multiple of every kNR

typedef float V __attribute__((vector_size(kW * 4)));
typedef int32_t VI __attribute__((vector_size(kW * 4)));
typedef uint32_t VU __attribute__((vector_size(kW * 4)));
// Unaligned, aliasing views of float memory.
typedef float VMem __attribute__((vector_size(kW * 4), aligned(4), may_alias));

inline V load(const float* p)
{
    return *reinterpret_cast<const VMem*>(p);
}

inline void store(float* p, V v)
{
    *reinterpret_cast<VMem*>(p) = v;
}

inline V splat(float x)
{
    return V{} + x;
}

// The first n < kW values of p, the other lanes `fill`.
inline V loadPart(const float* p, int64_t n, float fill)
{
    V v = splat(fill);
    for (int64_t i = 0; i < n; ++i)
        v[i] = p[i];
    return v;
}

inline void storePart(float* p, V v, int64_t n)
{
    for (int64_t i = 0; i < n; ++i)
        p[i] = v[i];
}

// Sum of the lanes by halving (a fixed tree, so the order is still fixed): a handful of
// shuffles instead of a chain of kW dependent additions, which dominated short dot products.
typedef float V4 __attribute__((vector_size(16)));
#if defined(__AVX2__)
typedef float V8 __attribute__((vector_size(32)));
#endif

inline float laneSum(V v)
{
#if defined(__AVX512F__)
    const V8 h8 = __builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7) +
                  __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15);
    const V4 h4 = __builtin_shufflevector(h8, h8, 0, 1, 2, 3) + __builtin_shufflevector(h8, h8, 4, 5, 6, 7);
#elif defined(__AVX2__)
    const V4 h4 = __builtin_shufflevector(v, v, 0, 1, 2, 3) + __builtin_shufflevector(v, v, 4, 5, 6, 7);
#else
    const V4 h4 = v;
#endif
    return (h4[0] + h4[2]) + (h4[1] + h4[3]);
}

// The largest lane, in lane order.
inline float laneMax(V v)
{
    float m = v[0];
    for (int i = 1; i < kW; ++i)
        m = v[i] > m ? v[i] : m;
    return m;
}

// exp(x) on every lane: Cephes' expf (S. L. Moshier, Cephes Math Library 2.2, expf.c), the
// algorithm Eigen's pexp also follows: x = n·ln 2 + r with |r| ≤ ln2/2, a degree-7 polynomial
// for e^r, and 2^n put into the exponent bits. Within 2 ulp of the true value; NaN stays NaN;
// below ln(2^-126) (no normal float) the result is 0, above 88 it is e^88.
inline V expv(V x)
{
    const V lo = splat(-87.33654475f), hi = splat(88.0f);
    const VI tiny = x < lo;
    x = x < lo ? lo : x;
    x = x > hi ? hi : x;
    const V fx = x * 1.44269504088896341f + 0.5f;
    V n = __builtin_convertvector(__builtin_convertvector(fx, VI), V); // truncated
    n = n > fx ? n - 1.0f : n;                                         // floor
    V r = x - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    const V z = r * r;
    V y = 1.9875691500e-4f * r + 1.3981999507e-3f;
    y = y * r + 8.3334519073e-3f;
    y = y * r + 4.1665795894e-2f;
    y = y * r + 1.6666665459e-1f;
    y = y * r + 5.0000001201e-1f;
    y = y * z + r + 1.0f;
    const VU bits = __builtin_convertvector(__builtin_convertvector(n, VI) + 127, VU) << 23; // 2^n
    const V result = y * __builtin_bit_cast(V, bits);
    return tiny ? V{} : result;
}

// ---- gemm -------------------------------------------------------------------------------

// In-register transpose of a kW × kW block r[0..kW): stage s swaps bit s of the row index with
// bit s of the lane index, with two-source shuffles; after log2(kW) stages r[u][t] holds what
// r[t][u] held.
inline void swapBit(V& a, V& b, int s)
{
    V lo = a, hi = b;
    switch (s) {
#if defined(__AVX512F__)
    case 1:
        lo = __builtin_shufflevector(a, b, 0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30);
        hi = __builtin_shufflevector(a, b, 1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31);
        break;
    case 2:
        lo = __builtin_shufflevector(a, b, 0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29);
        hi = __builtin_shufflevector(a, b, 2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31);
        break;
    case 4:
        lo = __builtin_shufflevector(a, b, 0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27);
        hi = __builtin_shufflevector(a, b, 4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31);
        break;
    case 8:
        lo = __builtin_shufflevector(a, b, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
        hi = __builtin_shufflevector(a, b, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
        break;
#elif defined(__AVX2__)
    case 1:
        lo = __builtin_shufflevector(a, b, 0, 8, 2, 10, 4, 12, 6, 14);
        hi = __builtin_shufflevector(a, b, 1, 9, 3, 11, 5, 13, 7, 15);
        break;
    case 2:
        lo = __builtin_shufflevector(a, b, 0, 1, 8, 9, 4, 5, 12, 13);
        hi = __builtin_shufflevector(a, b, 2, 3, 10, 11, 6, 7, 14, 15);
        break;
    case 4:
        lo = __builtin_shufflevector(a, b, 0, 1, 2, 3, 8, 9, 10, 11);
        hi = __builtin_shufflevector(a, b, 4, 5, 6, 7, 12, 13, 14, 15);
        break;
#else
    case 1:
        lo = __builtin_shufflevector(a, b, 0, 4, 2, 6);
        hi = __builtin_shufflevector(a, b, 1, 5, 3, 7);
        break;
    case 2:
        lo = __builtin_shufflevector(a, b, 0, 1, 4, 5);
        hi = __builtin_shufflevector(a, b, 2, 3, 6, 7);
        break;
#endif
    default: break;
    }
    a = lo;
    b = hi;
}

__attribute__((always_inline)) inline void transpose(V (&r)[kW])
{
#pragma GCC unroll 4
    for (int s = 1; s < kW; s *= 2)
#pragma GCC unroll 16
        for (int i = 0; i + s < kW; ++i)
            if ((i & s) == 0)
                swapBit(r[i], r[i + s], s);
}

// Packs columns [0, n) of op(B) rows [0, kc) into panels of kNR columns:
// bp[q·kc·kNR + k·kNR + j] = op(B)[k][q·kNR + j], zero past n.
void packB(const float* b, int64_t ldb, bool trans, int64_t kc, int64_t n, float* bp)
{
    for (int64_t q = 0; q < n; q += kNR) {
        const int64_t cols = n - q < kNR ? n - q : kNR;
        float* dst = bp + q * kc;
        if (trans && cols == kNR) {
            // op(B)[k][j] = B[j][k]: a transpose, kW × kW blocks at a time in registers.
            int64_t k0 = 0;
            for (; k0 + kW <= kc; k0 += kW)
#pragma GCC unroll 4
                for (int v = 0; v < kNV; ++v) {
                    V r[kW];
#pragma GCC unroll 16
                    for (int t = 0; t < kW; ++t)
                        r[t] = load(b + (q + v * kW + t) * ldb + k0);
                    transpose(r);
#pragma GCC unroll 16
                    for (int u = 0; u < kW; ++u)
                        store(dst + (k0 + u) * kNR + v * kW, r[u]);
                }
            for (; k0 < kc; ++k0)
                for (int64_t j = 0; j < kNR; ++j)
                    dst[k0 * kNR + j] = b[(q + j) * ldb + k0];
        } else if (trans) {
            // The last, partial panel: blocks of 8 k so that reads stay in few cache lines.
            for (int64_t k0 = 0; k0 < kc; k0 += 8) {
                const int64_t kn = kc - k0 < 8 ? kc - k0 : 8;
                for (int64_t j = 0; j < cols; ++j) {
                    const float* src = b + (q + j) * ldb + k0;
                    for (int64_t k = 0; k < kn; ++k)
                        dst[(k0 + k) * kNR + j] = src[k];
                }
                for (int64_t j = cols; j < kNR; ++j)
                    for (int64_t k = 0; k < kn; ++k)
                        dst[(k0 + k) * kNR + j] = 0.0f;
            }
        } else {
            for (int64_t k = 0; k < kc; ++k) {
                const float* src = b + k * ldb + q;
                float* row = dst + k * kNR;
                int64_t j = 0;
                for (; j < cols; ++j)
                    row[j] = src[j];
                for (; j < kNR; ++j)
                    row[j] = 0.0f;
            }
        }
    }
}

// The k loop of a whole AVX-512 tile, in assembly: out[kMR · kNR] = A[kMR rows, kc] · bp panel,
// 24 accumulators zmm0–zmm23 (row i in zmm2i, zmm2i+1), B's two vectors in zmm30–31, the
// broadcast A value in zmm29. Why not the C loop of tile(): GCC keeps one pointer per row of A,
// twelve plus B's, more general registers than x86-64 has, and spills some to vector registers
// (vmovq), which takes slots on an FMA port every k step. Here the twelve rows are four base
// pointers (rows 0, 3, 6, 9) plus 0, L or 2L bytes, L = lda · 4, in the addressing mode. Each
// accumulator sums its products in k order with one rounding per FMA, exactly as the C loop
// does (tests/forward/kernels_test.cpp compares both bit for bit); 3–7 % faster per gemm shape
// single-threaded (docs/benchmarks.md). The AVX2 build keeps the C loop: with six rows it
// spills less, and an assembly version of its 6 × 16 tile measured the same (both at the FMA
// peak, 75–82 GFLOP/s on one thread). LP64 only: the addressing takes 64-bit pointers (the x32
// ABI, if anyone builds for it, runs the C loop).
#if defined(__AVX512F__) && defined(__x86_64__) && defined(__LP64__)
// clang-format off
#define LS_TILE_ROW(acc0, acc1, address)                 \
    "vbroadcastss " address ", %%zmm29\n\t"              \
    "vfmadd231ps %%zmm30, %%zmm29, %%zmm" #acc0 "\n\t"    \
    "vfmadd231ps %%zmm31, %%zmm29, %%zmm" #acc1 "\n\t"
// One k step: A at byte offset `da` from the row pointers, B at `db` from the panel pointer.
#define LS_TILE_K(da, db)                                                                           \
    "vmovups " db "(%[b]), %%zmm30\n\t"                                                             \
    "vmovups " db "+64(%[b]), %%zmm31\n\t"                                                          \
    LS_TILE_ROW(0, 1, da "(%[a])")    LS_TILE_ROW(2, 3, da "(%[a],%[L],1)")    LS_TILE_ROW(4, 5, da "(%[a],%[L],2)")    \
    LS_TILE_ROW(6, 7, da "(%%r9)")    LS_TILE_ROW(8, 9, da "(%%r9,%[L],1)")    LS_TILE_ROW(10, 11, da "(%%r9,%[L],2)")  \
    LS_TILE_ROW(12, 13, da "(%%r10)") LS_TILE_ROW(14, 15, da "(%%r10,%[L],1)") LS_TILE_ROW(16, 17, da "(%%r10,%[L],2)") \
    LS_TILE_ROW(18, 19, da "(%%r11)") LS_TILE_ROW(20, 21, da "(%%r11,%[L],1)") LS_TILE_ROW(22, 23, da "(%%r11,%[L],2)")
#define LS_TILE_ZERO(r) "vpxord %%zmm" #r ", %%zmm" #r ", %%zmm" #r "\n\t"
#define LS_TILE_OUT(r) "vmovups %%zmm" #r ", " #r "*64(%[out])\n\t"
#define LS_TILE_EACH(f) \
    f(0) f(1) f(2) f(3) f(4) f(5) f(6) f(7) f(8) f(9) f(10) f(11) \
    f(12) f(13) f(14) f(15) f(16) f(17) f(18) f(19) f(20) f(21) f(22) f(23)

static_assert(kMR == 12 && kNV == 2 && kW == 16, "the assembly tile is 12 rows × 2 vectors of 16 floats");

__attribute__((always_inline)) inline void wholeTileProducts(int64_t kc, const float* a, int64_t lda,
                                                             const float* bp, float* out)
{
    int64_t k = kc;
    const int64_t rowBytes = lda * 4;
    asm volatile(
        LS_TILE_EACH(LS_TILE_ZERO)             // the accumulators start at 0
        "lea (%[L],%[L],2), %%r8\n\t"          // r8 = 3L
        "lea (%[a],%%r8,1), %%r9\n\t"          // row 3
        "lea (%%r9,%%r8,1), %%r10\n\t"         // row 6
        "lea (%%r10,%%r8,1), %%r11\n\t"        // row 9
        "cmp $4, %[k]\n\t"
        "jl 2f\n\t"
        "1:\n\t"                               // four k steps at a time
        LS_TILE_K("0", "0") LS_TILE_K("4", "128") LS_TILE_K("8", "256") LS_TILE_K("12", "384")
        "add $16, %[a]\n\t"
        "add $16, %%r9\n\t"
        "add $16, %%r10\n\t"
        "add $16, %%r11\n\t"
        "add $512, %[b]\n\t"
        "sub $4, %[k]\n\t"
        "cmp $4, %[k]\n\t"
        "jge 1b\n\t"
        "2:\n\t"                               // the last kc mod 4 steps
        "test %[k], %[k]\n\t"
        "jz 4f\n\t"
        "3:\n\t"
        LS_TILE_K("0", "0")
        "add $4, %[a]\n\t"
        "add $4, %%r9\n\t"
        "add $4, %%r10\n\t"
        "add $4, %%r11\n\t"
        "add $128, %[b]\n\t"
        "dec %[k]\n\t"
        "jnz 3b\n\t"
        "4:\n\t"
        LS_TILE_EACH(LS_TILE_OUT)              // out row i = zmm2i, zmm2i+1
        : [a] "+r"(a), [b] "+r"(bp), [k] "+r"(k)
        : [L] "r"(rowBytes), [out] "r"(out)
        : "r8", "r9", "r10", "r11", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8",
          "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "xmm16", "xmm17", "xmm18", "xmm19",
          "xmm20", "xmm21", "xmm22", "xmm23", "xmm29", "xmm30", "xmm31", "cc", "memory");
}
#undef LS_TILE_ROW
#undef LS_TILE_K
#undef LS_TILE_ZERO
#undef LS_TILE_OUT
#undef LS_TILE_EACH
// clang-format on
#endif

// s = A[kMR rows, kc] · bp panel in registers, rows read through ar (the C loop).
__attribute__((always_inline)) inline void tileProducts(int64_t kc, const float* const (&ar)[kMR],
                                                        const float* bp, V (&s)[kMR][kNV])
{
#pragma GCC unroll 16
    for (int i = 0; i < kMR; ++i)
#pragma GCC unroll 4
        for (int v = 0; v < kNV; ++v)
            s[i][v] = V{};
#pragma GCC unroll 4
    for (int64_t k = 0; k < kc; ++k) {
        V bv[kNV];
#pragma GCC unroll 4
        for (int v = 0; v < kNV; ++v)
            bv[v] = load(bp + k * kNR + v * kW);
#pragma GCC unroll 16
        for (int i = 0; i < kMR; ++i) {
            const float ai = ar[i][k];
#pragma GCC unroll 4
            for (int v = 0; v < kNV; ++v)
                s[i][v] += bv[v] * ai;
        }
    }
}

// The register tile: c[kMR, kNR] (row stride ldc) = (or +=) A[kMR rows, kc] · bp panel.
// Rows past `rows` read row 0 again (the caller discards them).
__attribute__((always_inline)) inline void tile(int64_t kc, const float* a, int64_t lda, int64_t rows,
                                                const float* bp, float* c, int64_t ldc, bool accumulate)
{
    const float* ar[kMR];
#pragma GCC unroll 16
    for (int i = 0; i < kMR; ++i)
        ar[i] = a + (i < rows ? i : 0) * lda;
        // Fetch the C tile while the products run: it is far away (another block row of C).
#pragma GCC unroll 16
    for (int i = 0; i < kMR; ++i) {
        __builtin_prefetch(c + i * ldc, 1);
        __builtin_prefetch(c + i * ldc + kNR - 1, 1);
    }
    V s[kMR][kNV];
#if defined(__AVX512F__) && defined(__x86_64__) && defined(__LP64__)
    if (rows == kMR) {
        alignas(64) float products[kMR * kNR];
        wholeTileProducts(kc, a, lda, bp, products);
#pragma GCC unroll 16
        for (int i = 0; i < kMR; ++i)
#pragma GCC unroll 4
            for (int v = 0; v < kNV; ++v)
                s[i][v] = load(products + i * kNR + v * kW);
    } else {
        tileProducts(kc, ar, bp, s);
    }
#else
    tileProducts(kc, ar, bp, s);
#endif
#pragma GCC unroll 16
    for (int i = 0; i < kMR; ++i)
#pragma GCC unroll 4
        for (int v = 0; v < kNV; ++v) {
            float* p = c + i * ldc + v * kW;
            store(p, accumulate ? load(p) + s[i][v] : s[i][v]);
        }
}

void zeroOrKeep(int64_t m, int64_t n, float* c, int64_t ldc, int accumulate)
{
    if (accumulate == 0)
        for (int64_t i = 0; i < m; ++i)
            for (int64_t j = 0; j < n; ++j)
                c[i * ldc + j] = 0.0f;
}

// C[m, nc] (+)= A[m, kc] · one block of packed B: panel q (columns q·kNR …) starts at
// bp + q·panelStride and holds row k at + k·kNR.
void block(int64_t m, int64_t nc, int64_t kc, const float* a, int64_t lda, const float* bp,
           int64_t panelStride, float* c, int64_t ldc, bool accumulate)
{
    alignas(64) float edge[kMR * kNR];
    for (int64_t ic = 0; ic < m; ic += kMC) {
        const int64_t mc = m - ic < kMC ? m - ic : kMC;
        for (int64_t jr = 0; jr < nc; jr += kNR) {
            const int64_t nr = nc - jr < kNR ? nc - jr : kNR;
            const float* panel = bp + jr / kNR * panelStride;
            for (int64_t ir = 0; ir < mc; ir += kMR) {
                const int64_t mr = mc - ir < kMR ? mc - ir : kMR;
                const float* ap = a + (ic + ir) * lda;
                float* cp = c + (ic + ir) * ldc + jr;
                if (mr == kMR && nr == kNR) {
                    tile(kc, ap, lda, mr, panel, cp, ldc, accumulate);
                    continue;
                }
                tile(kc, ap, lda, mr, panel, edge, kNR, false);
                for (int64_t i = 0; i < mr; ++i)
                    for (int64_t j = 0; j < nr; ++j)
                        cp[i * ldc + j] =
                            accumulate ? cp[i * ldc + j] + edge[i * kNR + j] : edge[i * kNR + j];
            }
        }
    }
}

void gemm(int64_t m, int64_t n, int64_t k, const float* a, int64_t lda, const float* b, int64_t ldb,
          int transB, float* c, int64_t ldc, int accumulate, float* work)
{
    if (k == 0)
        return zeroOrKeep(m, n, c, ldc, accumulate);
    for (int64_t jc = 0; jc < n; jc += kNC) {
        const int64_t nc = n - jc < kNC ? n - jc : kNC;
        for (int64_t pc = 0; pc < k; pc += kKC) {
            const int64_t kc = k - pc < kKC ? k - pc : kKC;
            packB(transB != 0 ? b + jc * ldb + pc : b + pc * ldb + jc, ldb, transB != 0, kc, nc, work);
            // Later k blocks add to the first.
            block(m, nc, kc, a + pc, lda, work, kc * kNR, c + jc, ldc, accumulate != 0 || pc > 0);
        }
    }
}

void packWhole(const float* b, int64_t ldb, int transB, int64_t k, int64_t n, float* bp)
{
    packB(b, ldb, transB != 0, k, n, bp);
}

// The same blocks and order as gemm, over a B packed once by packWhole with packedK rows.
void gemmPacked(int64_t m, int64_t n, int64_t k, const float* a, int64_t lda, const float* bp,
                int64_t packedK, float* c, int64_t ldc, int accumulate)
{
    if (k == 0)
        return zeroOrKeep(m, n, c, ldc, accumulate);
    for (int64_t jc = 0; jc < n; jc += kNC) {
        const int64_t nc = n - jc < kNC ? n - jc : kNC;
        for (int64_t pc = 0; pc < k; pc += kKC) {
            const int64_t kc = k - pc < kKC ? k - pc : kKC;
            block(m, nc, kc, a + pc, lda, bp + jc * packedK + pc * kNR, packedK * kNR, c + jc, ldc,
                  accumulate != 0 || pc > 0);
        }
    }
}

// y[j] = x · op(B)[:, j] for j < n over the packed panels: vectors run along j, so there is no
// horizontal sum; lanes past n are computed from the panel's next columns (or its zero
// padding) and not stored.
void gemvPacked(const float* x, int64_t k, const float* bp, int64_t packedK, int64_t n, float* y)
{
    for (int64_t q = 0; q < n; q += kNR) {
        const float* panel = bp + q * packedK;
        V s[kNV];
#pragma GCC unroll 4
        for (int v = 0; v < kNV; ++v)
            s[v] = V{};
        for (int64_t i = 0; i < k; ++i)
#pragma GCC unroll 4
            for (int v = 0; v < kNV; ++v)
                s[v] += load(panel + i * kNR + v * kW) * x[i];
        const int64_t cols = n - q < kNR ? n - q : kNR;
        for (int v = 0; v < kNV; ++v) {
            const int64_t lanes = cols - v * kW;
            if (lanes >= kW)
                store(y + q + v * kW, s[v]);
            else if (lanes > 0)
                storePart(y + q + v * kW, s[v], lanes);
        }
    }
}

// ---- vectors and rows -------------------------------------------------------------------

float dot(const float* x, const float* y, int64_t n)
{
    V s0{}, s1{};
    int64_t i = 0;
    for (; i + 2 * kW <= n; i += 2 * kW) {
        s0 += load(x + i) * load(y + i);
        s1 += load(x + i + kW) * load(y + i + kW);
    }
    if (i + kW <= n) {
        s0 += load(x + i) * load(y + i);
        i += kW;
    }
    float s = laneSum(s0 + s1);
    for (; i < n; ++i)
        s += x[i] * y[i];
    return s;
}

void gemvAcc(const float* x, const float* b, int64_t ldb, int64_t n, int64_t k, float* y)
{
    constexpr int64_t kBlock = 4 * kW; // y columns held in registers
    int64_t c0 = 0;
    for (; c0 + kBlock <= k; c0 += kBlock) {
        V s[4];
#pragma GCC unroll 4
        for (int v = 0; v < 4; ++v)
            s[v] = load(y + c0 + v * kW);
        for (int64_t j = 0; j < n; ++j) {
            const float* row = b + j * ldb + c0;
#pragma GCC unroll 4
            for (int v = 0; v < 4; ++v)
                s[v] += load(row + v * kW) * x[j];
        }
#pragma GCC unroll 4
        for (int v = 0; v < 4; ++v)
            store(y + c0 + v * kW, s[v]);
    }
    for (; c0 + kW <= k; c0 += kW) {
        V s = load(y + c0);
        for (int64_t j = 0; j < n; ++j)
            s += load(b + j * ldb + c0) * x[j];
        store(y + c0, s);
    }
    for (; c0 < k; ++c0) {
        float s = y[c0];
        for (int64_t j = 0; j < n; ++j)
            s += b[j * ldb + c0] * x[j];
        y[c0] = s;
    }
}

void rmsNorm(const float* x, int64_t rows, int64_t d, const float* gain, float eps, float* y)
{
    for (int64_t r = 0; r < rows; ++r) {
        const float* in = x + r * d;
        float* out = y + r * d;
        const float meanSquare = dot(in, in, d) / static_cast<float>(d);
        const float inv = 1.0f / __builtin_sqrtf(meanSquare + eps);
        int64_t i = 0;
        for (; i + kW <= d; i += kW)
            store(out + i, load(gain + i) * (load(in + i) * inv));
        for (; i < d; ++i)
            out[i] = gain[i] * (in[i] * inv);
    }
}

float maxOf(const float* x, int64_t n)
{
    float m = x[0];
    int64_t i = 0;
    if (n >= kW) {
        V mv = load(x);
        for (i = kW; i + kW <= n; i += kW) {
            const V v = load(x + i);
            mv = v > mv ? v : mv;
        }
        m = laneMax(mv);
    }
    for (; i < n; ++i)
        m = x[i] > m ? x[i] : m;
    return m;
}

// Σ exp(scale·x − scale·max) over n values; when `out` is given it receives the exponentials.
// (For scale > 0, scale·max is the largest scale·x: rounding keeps the order.)
float sumExp(const float* x, int64_t n, float scale, float max, float* out)
{
    const float offset = scale * max;
    V s{};
    int64_t i = 0;
    for (; i + kW <= n; i += kW) {
        const V e = expv(load(x + i) * scale - offset);
        if (out != nullptr)
            store(out + i, e);
        s += e;
    }
    float sum = laneSum(s);
    if (i < n) { // the tail through the same vector code, so every value gets the same exp
        const V e = expv(loadPart(x + i, n - i, max) * scale - offset);
        if (out != nullptr)
            storePart(out + i, e, n - i);
        for (int64_t j = 0; j < n - i; ++j)
            sum += e[j];
    }
    return sum;
}

float expShifted(float* x, int64_t n, float scale)
{
    return sumExp(x, n, scale, maxOf(x, n), x);
}

void maxSumExp(const float* x, int64_t n, float* max, float* sum)
{
    *max = maxOf(x, n);
    *sum = sumExp(x, n, 1.0f, *max, nullptr);
}

inline V silu(V g, V u)
{
    return g / (1.0f + expv(-g)) * u;
}

void siluMul(float* g, const float* u, int64_t n)
{
    int64_t i = 0;
    for (; i + kW <= n; i += kW)
        store(g + i, silu(load(g + i), load(u + i)));
    if (i < n)
        storePart(g + i, silu(loadPart(g + i, n - i, 0.0f), loadPart(u + i, n - i, 0.0f)), n - i);
}

void addRows(float* y, int64_t rows, int64_t n, int64_t ldy, const float* b)
{
    for (int64_t r = 0; r < rows; ++r) {
        float* row = y + r * ldy;
        int64_t i = 0;
        for (; i + kW <= n; i += kW)
            store(row + i, load(row + i) + load(b + i));
        for (; i < n; ++i)
            row[i] += b[i];
    }
}

void rope(float* x, int64_t heads, int64_t half, const float* cos, const float* sin)
{
    for (int64_t h = 0; h < heads; ++h) {
        float* x1 = x + h * 2 * half;
        float* x2 = x1 + half;
        int64_t j = 0;
        for (; j + kW <= half; j += kW) {
            const V a = load(x1 + j), b = load(x2 + j), c = load(cos + j), s = load(sin + j);
            store(x1 + j, a * c - b * s);
            store(x2 + j, b * c + a * s);
        }
        for (; j < half; ++j) {
            const float a = x1[j], b = x2[j];
            x1[j] = a * cos[j] - b * sin[j];
            x2[j] = b * cos[j] + a * sin[j];
        }
    }
}

const KernelTable kTable = {
    LLAMASCOPE_KERNEL_STR(LLAMASCOPE_KERNEL_ISA),
    kKC* kNC,
    kNR,
    &gemm,
    &packWhole,
    &gemmPacked,
    &gemvPacked,
    &gemvAcc,
    &rmsNorm,
    &expShifted,
    &maxSumExp,
    &siluMul,
    &addRows,
    &rope,
};

} // namespace

const KernelTable* table()
{
    return &kTable;
}

} // namespace llamascope::kernels::LLAMASCOPE_KERNEL_ISA
