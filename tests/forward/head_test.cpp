// ops::logitsCrossEntropy (core/src/forward/ops.cpp): the head's logits and loss made in blocks
// of kHeadRows × kHeadColumns, against a double-precision cross-entropy computed here over whole
// rows; the same bits for any thread count and whether or not the logits are kept.

#include "ops.hpp"

#include "llamascope/forward/kernels.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <optional>
#include <random>
#include <vector>

namespace llamascope {
namespace {

// More rows than one call takes and a vocabulary of two whole blocks and a part one.
constexpr Count kRows = ops::kHeadRows + 88, kVocab = 2 * ops::kHeadColumns + 452, kWidth = 24;

struct Head {
    std::vector<float> x;              // [rows, d]
    Tensor weight;                     // [V, d]
    std::vector<std::int64_t> targets; // one in nine rows has none; targets reach every block
};

Head makeHead()
{
    std::mt19937 gen(7);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    Head h;
    h.x.resize(static_cast<std::size_t>(kRows * kWidth));
    for (float& v : h.x)
        v = normal(gen);
    h.weight.shape = {kVocab, kWidth};
    h.weight.values.resize(static_cast<std::size_t>(kVocab * kWidth));
    for (float& v : h.weight.values)
        v = 0.5f * normal(gen);
    std::uniform_int_distribution<std::int64_t> token(0, kVocab - 1);
    for (Count r = 0; r < kRows; ++r)
        h.targets.push_back(r % 9 == 4 ? -1 : token(gen));
    h.targets[1] = kVocab - 1; // the last column of the part block
    h.targets[2] = 0;
    return h;
}

struct HeadRun {
    ops::HeadTerms terms;
    std::vector<float> logits; // [rows, V] when kept
};

HeadRun headRun(const Head& h, int threads, std::optional<float> cap, bool keep)
{
    const KernelSet set = chooseKernels().set;
    ThreadTeam team(threads);
    ops::Workspace workspace(1, 1, threads);
    const ops::Context ctx{&team, &ops::kernelTable(set), &workspace};
    HeadRun r;
    if (keep)
        r.logits.resize(static_cast<std::size_t>(kRows * kVocab));
    r.terms = ops::logitsCrossEntropy(ctx, h.x.data(), kRows, kWidth, h.weight, cap, h.targets.data(),
                                      keep ? r.logits.data() : nullptr);
    return r;
}

// Σ over rows with a target of logsumexp(l) − l[target], l = cap(x·Wᵀ), all in double.
double referenceLossSum(const Head& h, std::optional<float> cap, std::vector<double>* logits = nullptr)
{
    double total = 0;
    std::vector<double> l(static_cast<std::size_t>(kVocab));
    for (Count r = 0; r < kRows; ++r) {
        for (Count v = 0; v < kVocab; ++v) {
            double s = 0;
            for (Count i = 0; i < kWidth; ++i)
                s += static_cast<double>(h.x[static_cast<std::size_t>(r * kWidth + i)]) *
                     static_cast<double>(h.weight.values[static_cast<std::size_t>(v * kWidth + i)]);
            l[static_cast<std::size_t>(v)] = cap ? *cap * std::tanh(s / *cap) : s;
            if (logits)
                logits->push_back(l[static_cast<std::size_t>(v)]);
        }
        const std::int64_t target = h.targets[static_cast<std::size_t>(r)];
        if (target < 0)
            continue;
        double max = l[0];
        for (const double v : l)
            max = std::max(max, v);
        double sum = 0;
        for (const double v : l)
            sum += std::exp(v - max);
        total += std::log(sum) + max - l[static_cast<std::size_t>(target)];
    }
    return total;
}

TEST(Head, LossAndLogitsMatchAWholeRowReferenceInDouble)
{
    const Head h = makeHead();
    for (const std::optional<float> cap : {std::optional<float>{}, std::optional<float>{3.0f}}) {
        std::vector<double> expected;
        const double lossSum = referenceLossSum(h, cap, &expected);
        const HeadRun kept = headRun(h, 2, cap, true);
        // float32 logits of 24 products each: relative error around 1e-7 per term.
        EXPECT_NEAR(kept.terms.lossSum, lossSum, 1e-6 * lossSum) << (cap ? "capped" : "plain");
        EXPECT_EQ(kept.terms.flops, 2 * kRows * kWidth * kVocab);
        ASSERT_EQ(kept.logits.size(), expected.size());
        double worst = 0;
        for (std::size_t i = 0; i < expected.size(); ++i)
            worst = std::max(worst, std::abs(static_cast<double>(kept.logits[i]) - expected[i]));
        EXPECT_LT(worst, 1e-5) << (cap ? "capped" : "plain");
    }
}

TEST(Head, TheSameBitsForAnyThreadCountAndWithOrWithoutKeptLogits)
{
    const Head h = makeHead();
    const HeadRun one = headRun(h, 1, 2.5f, false);
    for (const int threads : {1, 2, 3}) {
        const HeadRun kept = headRun(h, threads, 2.5f, true), dropped = headRun(h, threads, 2.5f, false);
        const auto bits = std::bit_cast<std::uint64_t>(one.terms.lossSum);
        EXPECT_EQ(std::bit_cast<std::uint64_t>(kept.terms.lossSum), bits) << threads;
        EXPECT_EQ(std::bit_cast<std::uint64_t>(dropped.terms.lossSum), bits) << threads;
    }
}

TEST(Head, ScratchStaysBoundedWhateverTheRowsAndVocabulary)
{
    // One block of logits per thread and each row's per-block max and sum, for one call's rows:
    // independent of the rows beyond kHeadRows.
    const Count bytes = ops::headScratchBytes(ops::kHeadRows, 256000, 2);
    EXPECT_EQ(ops::headScratchBytes(1 << 20, 256000, 2), bytes);
    EXPECT_EQ(bytes, 4 * (2 * ops::kHeadRows * ops::kHeadColumns + ops::kHeadRows * (2 * 250 + 1)));
    EXPECT_EQ(ops::headScratchBytes(7, 100, 1), 4 * (7 * 100 + 7 * 3)); // one block of 100 columns
}

} // namespace
} // namespace llamascope
