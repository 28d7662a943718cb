// Every build of the forward kernels this CPU can run, against double-precision references
// computed here, plus the run-time choice of build (forward/kernels.hpp).

#include "kernel_table.hpp"
#include "ops.hpp"

#include "llamascope/errors.hpp"
#include "llamascope/forward/kernels.hpp"

#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <vector>

namespace llamascope {
namespace {

std::vector<float> randomFloats(std::size_t n, float lo, float hi, unsigned seed)
{
    std::mt19937 gen(seed);
    std::uniform_real_distribution<float> dist(lo, hi);
    std::vector<float> v(n);
    for (float& x : v)
        x = dist(gen);
    return v;
}

std::string joined(const std::vector<std::string>& words)
{
    std::string s;
    for (const std::string& w : words)
        s += " " + w;
    return s;
}

class Kernels : public ::testing::TestWithParam<KernelSet> {
protected:
    void SetUp() override
    {
        const std::vector<std::string> missing = missingCpuFeatures(GetParam());
        if (!missing.empty())
            GTEST_SKIP() << "this CPU lacks" << joined(missing);
        kt_ = &ops::kernelTable(GetParam());
        work_.resize(static_cast<std::size_t>(kt_->gemmWorkFloats) + 16);
    }
    // 64-byte aligned, as the callers provide it.
    float* work()
    {
        const auto offset = reinterpret_cast<std::uintptr_t>(work_.data()) % 64; // floats are 4-byte aligned
        return work_.data() + (offset == 0 ? 0 : (64 - offset) / sizeof(float));
    }
    const kernels::KernelTable* kt_ = nullptr;
    std::vector<float> work_;
};

struct GemmCase {
    std::int64_t m, n, k;
    bool transB, accumulate;
    std::int64_t pad; // extra row stride of A, B and C, so strides differ from widths
};

// C = A·op(B) (+ C) with the elementwise bound |error| ≤ 2·k·ε·Σ|a·b| (Higham, Accuracy and
// Stability of Numerical Algorithms, 2nd ed., §3.5: γ_k for a dot product of length k).
void checkGemm(const kernels::KernelTable& kt, const GemmCase& g, float* work)
{
    const std::int64_t lda = g.k + g.pad, ldb = (g.transB ? g.k : g.n) + g.pad, ldc = g.n + g.pad;
    const std::int64_t bRows = g.transB ? g.n : g.k;
    const std::vector<float> a = randomFloats(static_cast<std::size_t>(g.m * lda), -1, 1, 1);
    const std::vector<float> b = randomFloats(static_cast<std::size_t>(bRows * ldb), -1, 1, 2);
    std::vector<float> c = randomFloats(static_cast<std::size_t>(g.m * ldc), -1, 1, 3);
    const std::vector<float> c0 = c;
    kt.gemm(g.m, g.n, g.k, a.data(), lda, b.data(), ldb, g.transB ? 1 : 0, c.data(), ldc,
            g.accumulate ? 1 : 0, work);
    for (std::int64_t i = 0; i < g.m; ++i)
        for (std::int64_t j = 0; j < g.n; ++j) {
            double ref = g.accumulate ? c0[static_cast<std::size_t>(i * ldc + j)] : 0.0, mag = std::abs(ref);
            for (std::int64_t p = 0; p < g.k; ++p) {
                const double bv = g.transB ? b[static_cast<std::size_t>(j * ldb + p)]
                                           : b[static_cast<std::size_t>(p * ldb + j)];
                const double prod = a[static_cast<std::size_t>(i * lda + p)] * bv;
                ref += prod;
                mag += std::abs(prod);
            }
            const double got = c[static_cast<std::size_t>(i * ldc + j)];
            ASSERT_LE(std::abs(got - ref), 2.0 * static_cast<double>(g.k + 1) * FLT_EPSILON * mag)
                << kt.name << " m " << g.m << " n " << g.n << " k " << g.k << " at (" << i << ", " << j
                << ")";
        }
    // Padding between rows is never written.
    for (std::int64_t i = 0; i < g.m; ++i)
        for (std::int64_t j = g.n; j < ldc; ++j)
            ASSERT_EQ(c[static_cast<std::size_t>(i * ldc + j)], c0[static_cast<std::size_t>(i * ldc + j)]);
}

TEST_P(Kernels, GemmMatchesADoubleReference)
{
    const std::vector<GemmCase> cases = {
        {1, 1, 1, true, false, 0},       {13, 37, 5, true, false, 3},    {12, 32, 256, true, false, 0},
        {25, 70, 300, true, true, 1},    {7, 3, 600, false, false, 2},   {64, 448, 64, true, false, 0},
        {64, 64, 448, false, false, 0},  {250, 2100, 9, true, false, 0}, {31, 50, 17, false, true, 5},
        {3, 2050, 260, false, false, 0}, {5, 40, 1700, true, true, 1},   {9, 530, 800, false, false, 0}};
    for (const GemmCase& g : cases)
        checkGemm(*kt_, g, work());
}

TEST_P(Kernels, GemmIsTheSameBitForBitHoweverItsColumnsAndRowsAreSplit)
{
    // ops::linear splits the columns over threads: any split must give the same bits.
    // More than one block of k, the last not a multiple of 4 (the AVX-512 tile loop's remainder);
    // rows 24-35 are one whole tile in the first product and fall in edge tiles in the split.
    const std::int64_t m = 40, n = 300, k = 903;
    const std::vector<float> a = randomFloats(static_cast<std::size_t>(m * k), -1, 1, 4);
    const std::vector<float> b = randomFloats(static_cast<std::size_t>(n * k), -1, 1, 5);
    std::vector<float> whole(static_cast<std::size_t>(m * n)), parts(whole.size());
    kt_->gemm(m, n, k, a.data(), k, b.data(), k, 1, whole.data(), n, 0, work());
    for (const std::int64_t split : {std::int64_t{37}, kt_->gemmColumnAlign, std::int64_t{299}}) {
        std::fill(parts.begin(), parts.end(), 0.0f);
        kt_->gemm(m, split, k, a.data(), k, b.data(), k, 1, parts.data(), n, 0, work());
        kt_->gemm(29, n - split, k, a.data(), k, b.data() + split * k, k, 1, parts.data() + split, n, 0,
                  work());
        kt_->gemm(m - 29, n - split, k, a.data() + 29 * k, k, b.data() + split * k, k, 1,
                  parts.data() + 29 * n + split, n, 0, work());
        EXPECT_EQ(std::memcmp(whole.data(), parts.data(), whole.size() * sizeof(float)), 0)
            << "split at " << split;
    }
}

TEST_P(Kernels, PackedGemmIsGemmBitForBitAndGemvsMatchADoubleReference)
{
    // Attention packs a head's keys once (packB) and multiplies blocks of them (gemmPacked,
    // gemvPacked): the same order as gemm, so the same bits.
    for (const auto& [m, n, k, trans] :
         std::vector<std::tuple<std::int64_t, std::int64_t, std::int64_t, int>>{
             {64, 448, 64, 1}, {64, 64, 448, 0}, {7, 70, 900, 1}, {30, 6, 1000, 0}}) {
        const std::int64_t ldb = trans != 0 ? k : n;
        const std::vector<float> a = randomFloats(static_cast<std::size_t>(m * k), -1, 1, 20);
        const std::vector<float> b =
            randomFloats(static_cast<std::size_t>((trans != 0 ? n : k) * ldb), -1, 1, 21);
        std::vector<float> viaGemm(static_cast<std::size_t>(m * n)), viaPacked(viaGemm.size());
        kt_->gemm(m, n, k, a.data(), k, b.data(), ldb, trans, viaGemm.data(), n, 0, work());
        const std::int64_t panels = (n + kt_->gemmColumnAlign - 1) / kt_->gemmColumnAlign;
        std::vector<float> packed(static_cast<std::size_t>(panels * kt_->gemmColumnAlign * k));
        kt_->packB(b.data(), ldb, trans, k, n, packed.data());
        kt_->gemmPacked(m, n, k, a.data(), k, packed.data(), k, viaPacked.data(), n, 0);
        EXPECT_EQ(std::memcmp(viaGemm.data(), viaPacked.data(), viaGemm.size() * sizeof(float)), 0)
            << "m " << m << " n " << n << " k " << k;
        // One row of A against the first n' columns, as the diagonal block of attention does.
        for (const std::int64_t cols : {std::int64_t{1}, n / 2 + 1, n}) {
            std::vector<float> y(static_cast<std::size_t>(cols), -7.0f);
            kt_->gemvPacked(a.data(), k, packed.data(), k, cols, y.data());
            for (std::int64_t j = 0; j < cols; ++j) {
                double ref = 0, mag = 0;
                for (std::int64_t p = 0; p < k; ++p) {
                    const double bv = trans != 0 ? b[static_cast<std::size_t>(j * ldb + p)]
                                                 : b[static_cast<std::size_t>(p * ldb + j)];
                    ref += a[static_cast<std::size_t>(p)] * bv;
                    mag += std::abs(a[static_cast<std::size_t>(p)] * bv);
                }
                EXPECT_LE(std::abs(y[static_cast<std::size_t>(j)] - ref),
                          2.0 * static_cast<double>(k) * FLT_EPSILON * mag)
                    << j;
            }
        }
    }
}

TEST_P(Kernels, GemvAccMatchesADoubleReference)
{
    const std::int64_t n = 45, k = 70, ldb = 75;
    const std::vector<float> b = randomFloats(static_cast<std::size_t>(n * ldb), -1, 1, 7);
    // y += Σ_j x[j]·B[j], B [n, k]: here x has n values and y has k.
    const std::vector<float> xn = randomFloats(static_cast<std::size_t>(n), -1, 1, 8);
    std::vector<float> acc = randomFloats(static_cast<std::size_t>(k), -1, 1, 9);
    const std::vector<float> acc0 = acc;
    kt_->gemvAcc(xn.data(), b.data(), ldb, n, k, acc.data());
    for (std::int64_t c = 0; c < k; ++c) {
        double ref = acc0[static_cast<std::size_t>(c)], mag = std::abs(ref);
        for (std::int64_t j = 0; j < n; ++j) {
            const double prod = static_cast<double>(xn[static_cast<std::size_t>(j)]) *
                                b[static_cast<std::size_t>(j * ldb + c)];
            ref += prod;
            mag += std::abs(prod);
        }
        EXPECT_LE(std::abs(acc[static_cast<std::size_t>(c)] - ref), 2.0 * (n + 1) * FLT_EPSILON * mag) << c;
    }
}

TEST_P(Kernels, RmsNormMatchesADoubleReferenceAlsoInPlace)
{
    const std::int64_t rows = 3, d = 77;
    const std::vector<float> x = randomFloats(static_cast<std::size_t>(rows * d), -3, 3, 10);
    const std::vector<float> g = randomFloats(static_cast<std::size_t>(d), 0.5, 2, 11);
    std::vector<float> y(x.size()), inPlace = x;
    kt_->rmsNorm(x.data(), rows, d, g.data(), 1e-5f, y.data());
    kt_->rmsNorm(inPlace.data(), rows, d, g.data(), 1e-5f, inPlace.data());
    EXPECT_EQ(y, inPlace);
    for (std::int64_t r = 0; r < rows; ++r) {
        double ss = 0;
        for (std::int64_t i = 0; i < d; ++i)
            ss += static_cast<double>(x[static_cast<std::size_t>(r * d + i)]) *
                  x[static_cast<std::size_t>(r * d + i)];
        const double inv = 1.0 / std::sqrt(ss / static_cast<double>(d) + 1e-5);
        for (std::int64_t i = 0; i < d; ++i) {
            const auto at = static_cast<std::size_t>(r * d + i);
            const double ref = g[static_cast<std::size_t>(i)] * x[at] * inv;
            EXPECT_NEAR(y[at], ref, 4e-6 * std::abs(ref) + 1e-30) << r << ", " << i;
        }
    }
}

TEST_P(Kernels, SoftmaxAndLogSumExpMatchADoubleReference)
{
    for (const std::int64_t n : {std::int64_t{1}, std::int64_t{5}, std::int64_t{33}, std::int64_t{1000}}) {
        const std::vector<float> x = randomFloats(static_cast<std::size_t>(n), -40, 40, 12);
        const float scale = 0.125f;
        std::vector<float> e = x;
        const float denominator = kt_->expShifted(e.data(), n, scale);
        double max = -1e300;
        for (const float v : x)
            max = std::max(max, static_cast<double>(v) * scale);
        double sum = 0;
        for (const float v : x)
            sum += std::exp(static_cast<double>(v) * scale - max);
        EXPECT_NEAR(denominator, sum, 2e-6 * sum) << "n " << n;
        for (std::int64_t i = 0; i < n; ++i) {
            const double ref = std::exp(static_cast<double>(x[static_cast<std::size_t>(i)]) * scale - max);
            EXPECT_NEAR(e[static_cast<std::size_t>(i)], ref, 2e-6 * ref + 1e-38) << "n " << n << " i " << i;
            // The softmax, as attention forms it: e / Σe.
            EXPECT_NEAR(e[static_cast<std::size_t>(i)] / denominator, ref / sum, 4e-6 * ref / sum + 1e-38);
        }
        float m = 0, s = 0;
        kt_->maxSumExp(x.data(), n, &m, &s);
        double refMax = -1e300, refSum = 0;
        for (const float v : x)
            refMax = std::max(refMax, static_cast<double>(v));
        for (const float v : x)
            refSum += std::exp(static_cast<double>(v) - refMax);
        EXPECT_EQ(m, static_cast<float>(refMax));
        EXPECT_NEAR(s, refSum, 2e-6 * refSum) << "n " << n;
    }
}

TEST_P(Kernels, SiluMulMatchesADoubleReferenceOverTheWholeFloatRange)
{
    // Arguments from −100 to 100 reach both ends of the exp's range (e^88 and below 2^-126).
    std::vector<float> g, u;
    for (int i = -2000; i <= 2000; ++i) {
        g.push_back(static_cast<float>(i) * 0.05f);
        u.push_back(1.0f + static_cast<float>(i % 7) * 0.25f);
    }
    const std::vector<float> g0 = g;
    kt_->siluMul(g.data(), u.data(), static_cast<std::int64_t>(g.size()));
    for (std::size_t i = 0; i < g.size(); ++i) {
        const double a = g0[i];
        const double ref = a / (1.0 + std::exp(-a)) * u[i];
        EXPECT_NEAR(g[i], ref, 2e-6 * std::abs(ref) + 1e-30) << "SiLU(" << a << ")";
    }
}

TEST_P(Kernels, NotANumberStaysNotANumber)
{
    const float nan = std::numeric_limits<float>::quiet_NaN();
    std::vector<float> g = {1, nan, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, nan};
    const std::vector<float> u(g.size(), 1.0f);
    kt_->siluMul(g.data(), u.data(), static_cast<std::int64_t>(g.size()));
    EXPECT_TRUE(std::isnan(g[1]));
    EXPECT_TRUE(std::isnan(g.back()));
    EXPECT_FALSE(std::isnan(g[0]));
    std::vector<float> row = {0.5f, nan, 1.0f, 2.0f, 3.0f};
    float m = 0, s = 0;
    kt_->maxSumExp(row.data(), static_cast<std::int64_t>(row.size()), &m, &s);
    EXPECT_TRUE(std::isnan(s) || std::isnan(m));
    EXPECT_TRUE(std::isnan(kt_->expShifted(row.data(), static_cast<std::int64_t>(row.size()), 1.0f)));
}

TEST_P(Kernels, RopeAndAddRowsMatchTheirDefinitions)
{
    const std::int64_t heads = 3, half = 21;
    const std::vector<float> x0 = randomFloats(static_cast<std::size_t>(heads * 2 * half), -2, 2, 13);
    const std::vector<float> c = randomFloats(static_cast<std::size_t>(half), -1, 1, 14);
    const std::vector<float> s = randomFloats(static_cast<std::size_t>(half), -1, 1, 15);
    std::vector<float> x = x0;
    kt_->rope(x.data(), heads, half, c.data(), s.data());
    for (std::int64_t h = 0; h < heads; ++h)
        for (std::int64_t j = 0; j < half; ++j) {
            const auto i1 = static_cast<std::size_t>(h * 2 * half + j),
                       i2 = i1 + static_cast<std::size_t>(half);
            const auto sj = static_cast<std::size_t>(j);
            EXPECT_NEAR(x[i1], static_cast<double>(x0[i1]) * c[sj] - static_cast<double>(x0[i2]) * s[sj],
                        1e-6);
            EXPECT_NEAR(x[i2], static_cast<double>(x0[i2]) * c[sj] + static_cast<double>(x0[i1]) * s[sj],
                        1e-6);
        }
    std::vector<float> y = {1, 2, 3, 99, 4, 5, 6, 99};
    const std::vector<float> b = {10, 20, 30};
    kt_->addRows(y.data(), 2, 3, 4, b.data());
    EXPECT_EQ(y, (std::vector<float>{11, 22, 33, 99, 14, 25, 36, 99}));
}

INSTANTIATE_TEST_SUITE_P(Builds, Kernels, ::testing::ValuesIn(builtKernelSets()),
                         [](const ::testing::TestParamInfo<KernelSet>& p) {
                             return std::string(toString(p.param));
                         });

// LLAMASCOPE_KERNEL set for one test, restored after.
class ScopedKernelVariable {
public:
    explicit ScopedKernelVariable(const char* value)
    {
        if (const char* old = std::getenv("LLAMASCOPE_KERNEL"))
            old_ = old;
        ::setenv("LLAMASCOPE_KERNEL", value, 1);
    }
    ~ScopedKernelVariable()
    {
        if (old_)
            ::setenv("LLAMASCOPE_KERNEL", old_->c_str(), 1);
        else
            ::unsetenv("LLAMASCOPE_KERNEL");
    }
    ScopedKernelVariable(const ScopedKernelVariable&) = delete;
    ScopedKernelVariable& operator=(const ScopedKernelVariable&) = delete;

private:
    std::optional<std::string> old_;
};

TEST(KernelChoice, TheBestSetTheCpuSupportsUnlessForced)
{
    const ScopedKernelVariable unset("");
    const std::vector<KernelSet> supported = supportedKernelSets();
    ASSERT_FALSE(supported.empty()) << "the test machine cannot run even the baseline kernels";
    const KernelChoice chosen = chooseKernels();
    EXPECT_EQ(chosen.set, supported.back());
    EXPECT_FALSE(chosen.forced);
    for (const KernelSet set : supported) {
        const KernelChoice forced = chooseKernels(set);
        EXPECT_EQ(forced.set, set);
        EXPECT_TRUE(forced.forced);
    }
    const std::string text = describeKernels(chosen);
    EXPECT_EQ(text.rfind(std::string(toString(chosen.set)), 0), 0u) << text;
    for (const std::string& f : cpuKernelFeatures())
        EXPECT_NE(text.find(f), std::string::npos) << text;
}

TEST(KernelChoice, TheEnvironmentVariableForcesASet)
{
    const ScopedKernelVariable force("baseline");
    const KernelChoice c = chooseKernels();
    EXPECT_EQ(c.set, KernelSet::Baseline);
    EXPECT_TRUE(c.forced);
    EXPECT_NE(describeKernels(c).find("forced"), std::string::npos);
}

TEST(KernelChoice, AnUnknownNameIsRefusedByName)
{
    const ScopedKernelVariable bad("avx9000");
    try {
        chooseKernels();
        FAIL() << "LLAMASCOPE_KERNEL=avx9000 was accepted";
    } catch (const InvalidArgument& e) {
        EXPECT_NE(std::string(e.what()).find("LLAMASCOPE_KERNEL=avx9000"), std::string::npos) << e.what();
    }
    EXPECT_NE(describeKernelChoice().find("avx9000"), std::string::npos); // help texts do not throw
}

TEST(KernelChoice, ASetTheCpuLacksIsRefusedNamingTheMissingFeatures)
{
    std::vector<KernelSet> lacking;
    for (const KernelSet set : builtKernelSets())
        if (!missingCpuFeatures(set).empty())
            lacking.push_back(set);
    if (lacking.empty())
        GTEST_SKIP() << "this CPU runs every kernel build; tests/cli/test_forward_qemu.py checks refusals";
    for (const KernelSet set : lacking) {
        const std::vector<std::string> missing = missingCpuFeatures(set);
        try {
            chooseKernels(set);
            FAIL() << toString(set) << " accepted on a CPU that lacks" << joined(missing);
        } catch (const InvalidArgument& e) {
            for (const std::string& f : missing)
                EXPECT_NE(std::string(e.what()).find(f), std::string::npos) << e.what();
        }
    }
}

} // namespace
} // namespace llamascope
