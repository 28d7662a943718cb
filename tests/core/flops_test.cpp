// FLOP conventions against published checks (SPEC §7: PaLM figures) and hand-worked sums.

#include "llamascope/bundled.hpp"
#include "llamascope/flops.hpp"
#include "llamascope/format.hpp"

#include <stdexcept>

#include <gtest/gtest.h>

using namespace llamascope;

namespace {

ModelConfig bundled(std::string_view name)
{
    return *loadBundled(name)->config;
}

FlopReport flopsAt(std::string_view name, Count seq, AttentionMask mask = AttentionMask::Causal)
{
    return computeFlops(bundled(name), FlopOptions{seq, mask});
}

} // namespace

TEST(Flops, PalmPublishedChecks)
{
    // SPEC §7: 6N + 12·L·H·h·T per training token at T = 256.
    EXPECT_EQ(flopsAt("llama_60m", 256).get(FlopConventionId::Palm).trainingPerToken, 361'024'512);
    EXPECT_EQ(flopsAt("llama_130m", 256).get(FlopConventionId::Palm).trainingPerToken, 832'946'688);
}

TEST(Flops, ExactCausalHandWorked60m)
{
    // llama_60m, T = 256: d=512 L=8 H=8 h=64 f=1376 V=32000.
    //   linear  2·(4·512² + 3·512·1376)·8      = 50,593,792 per token
    //   lm_head 2·512·32000                    = 32,768,000 per token
    //   attention 2 ops · 2·64 · (256·257/2) · 8 heads · 8 layers / 256 = 2,105,344 per token
    const FlopReport report = flopsAt("llama_60m", 256);
    const FlopConvention& exact = report.get(FlopConventionId::Exact);
    EXPECT_EQ(exact.forwardPerToken, 85'467'136);
    EXPECT_EQ(exact.forwardPerSequence, 85'467'136LL * 256);
    EXPECT_EQ(exact.trainingPerToken, 3 * 85'467'136LL);
    EXPECT_EQ(exact.trainingPerTokenRecompute, 4 * 85'467'136LL);
}

TEST(Flops, ExactFullAttentionCountsAllPairs)
{
    // Full: 4·64·256·8·8 = 4,194,304 attention FLOPs per token instead of 2,105,344.
    const FlopReport report = flopsAt("llama_60m", 256, AttentionMask::Full);
    const FlopConvention& exact = report.get(FlopConventionId::Exact);
    EXPECT_EQ(exact.forwardPerToken, 87'556'096);
}

TEST(Flops, KaplanHandWorked60m)
{
    // N_nonemb = 58,073,600 − 2·32000·512 = 25,305,600; 2N + 2·L·T·(H·h) = 50,611,200 + 2,097,152.
    EXPECT_EQ(flopsAt("llama_60m", 256).get(FlopConventionId::Kaplan).forwardPerToken, 52'708'352);
}

TEST(Flops, ChinchillaHandWorked60m)
{
    // Appendix F per token: embeddings 32,768,000 + 8 layers × 6,854,656 + logits 32,768,000.
    // Per layer: qkv 1,572,864 + logits 262,144 + softmax 6,144 + AV 262,144 + out 524,288 +
    // dense (3 matrices) 4,227,072.
    EXPECT_EQ(flopsAt("llama_60m", 256).get(FlopConventionId::Chinchilla).forwardPerToken, 120'373'248);
}

TEST(Flops, TermsSumToTotal)
{
    for (const FlopConvention& c : flopsAt("llama_7b", 2048).conventions) {
        Count sum = 0;
        for (const FlopTerm& t : c.terms)
            sum += t.perSequence;
        EXPECT_EQ(sum, c.forwardPerSequence) << c.key;
    }
}

TEST(Flops, CausalPairs)
{
    EXPECT_EQ(attentionPairs(1, AttentionMask::Causal), 1);
    EXPECT_EQ(attentionPairs(4, AttentionMask::Causal), 10);
    EXPECT_EQ(attentionPairs(5, AttentionMask::Causal), 15);
    EXPECT_EQ(attentionPairs(5, AttentionMask::Full), 25);
}

TEST(Flops, TokenBudgetTotals)
{
    // 6·N·D-style total for D = 1e9 tokens under PaLM at T = 256.
    const FlopReport report = flopsAt("llama_60m", 256);
    const FlopConvention& palm = report.get(FlopConventionId::Palm);
    EXPECT_DOUBLE_EQ(trainingFlops(palm, 1e9), 361'024'512.0 * 1e9);
    EXPECT_DOUBLE_EQ(trainingFlops(palm, 1e9, true), 4.0 / 3.0 * 361'024'512.0 * 1e9);
}

TEST(Flops, RejectsZeroLengthAndOverflow)
{
    EXPECT_THROW((void)flopsAt("llama_60m", 0), InvalidArgument);
    EXPECT_THROW((void)flopsAt("llama_7b", 4'000'000'000), CountOverflow);
}

TEST(Flops, SlidingWindowPerTokenNeedNotBeWhole)
{
    // llama_60m with every layer sliding over W = 100 keys, at T = 255 (the fuzz job's crash:
    // Phi-3-mini, W = 2047, at T = 3000 failed the same way). Causal pairs per head and layer:
    // W(W+1)/2 + (T−W)·W = 5,050 + 15,500 = 20,550.
    //   attention 2 ops · 2·64 · 20,550 · 8 heads · 8 layers = 336,691,200 per sequence
    //   linear + lm_head 83,361,792 per token · 255          = 21,257,256,960 per sequence
    // 21,593,948,160 / 255 = 84,682,149.647… FLOPs per token: not a whole number.
    ModelConfig c = bundled("llama_60m");
    c.attention.slidingWindow = 100;
    c.attention.slidingLayers.rule = SlidingLayers::Rule::All;
    const FlopReport report = computeFlops(c, FlopOptions{255, AttentionMask::Causal});
    const FlopConvention& exact = report.get(FlopConventionId::Exact);
    EXPECT_EQ(exact.seqLen, 255);
    EXPECT_EQ(exact.forwardPerSequence, 21'593'948'160);
    EXPECT_EQ(exact.trainingPerSequence, 3 * 21'593'948'160LL);
    EXPECT_EQ(exact.trainingPerSequenceRecompute, 4 * 21'593'948'160LL);
    EXPECT_DOUBLE_EQ(exact.forwardPerToken, 21'593'948'160.0 / 255.0);
    EXPECT_DOUBLE_EQ(exact.trainingPerToken, 3 * 21'593'948'160.0 / 255.0);
    EXPECT_EQ(formatQuotient(exact.forwardPerSequence, exact.seqLen), "84,682,149.65");
}

TEST(Flops, FormatQuotient)
{
    EXPECT_EQ(formatQuotient(12'288, 1), "12,288");
    EXPECT_EQ(formatQuotient(36'863, 3), "12,287.67");
    EXPECT_EQ(formatQuotient(1, 3), "0.33");
    EXPECT_EQ(formatQuotient(1'999'999, 2'000'000), "1.00"); // rounds up into the whole part
    EXPECT_EQ(formatQuotient(0, 7), "0");
    EXPECT_THROW((void)formatQuotient(1, 0), std::invalid_argument);
}
