// Inference planning: KV cache with dtype and sliding window, prefill FLOPs, bandwidth-bound
// decode, the largest batch that fits — hand-worked on llama_7b.

#include "llamascope/bundled.hpp"
#include "llamascope/errors.hpp"
#include "llamascope/plan.hpp"

#include <gtest/gtest.h>

using namespace llamascope;

namespace {

const Accelerator& h100()
{
    static const AcceleratorTable t = builtinAccelerators();
    return *t.find("h100");
}

} // namespace

// llama_7b: N = 6,738,415,616, bf16 weights 13,476,831,232 B; KV 2·32·32·128 = 262,144 values
// per token, 524,288 B in bf16 (0.5 MiB), 262,144 B in fp8.
TEST(Inference, Llama7bHandWorked)
{
    const ModelConfig c = *loadBundled("llama_7b")->config;
    InferenceOptions o;
    o.batch = 4;
    o.promptTokens = 1792;
    o.generatedTokens = 256;
    const InferencePlan p = planInference(c, h100(), o);
    EXPECT_EQ(p.weightBytes, 13'476'831'232LL);
    EXPECT_EQ(p.kvBytesPerToken, 524'288);
    EXPECT_EQ(p.kvTokensPerSequence, 2048);
    EXPECT_EQ(p.slidingLayers, 0);
    EXPECT_EQ(p.kvBytesPerSequence, 2048LL * 524'288);
    EXPECT_EQ(p.kvBytes, 4LL * 2048 * 524'288);
    // Usable: 80 GiB × 0.9 = 77,309,411,328 B; (usable − weights) / (2048 × 524,288) = 59.
    EXPECT_EQ(p.fit.usable, 77'309'411'328LL);
    EXPECT_EQ(p.maxBatch, (77'309'411'328LL - 13'476'831'232LL) / (2048LL * 524'288));
    EXPECT_EQ(p.maxBatch, 59);
    // Decode reads the weights and the cache once per step at 3,350 GB/s × 0.8.
    EXPECT_TRUE(p.decodeBandwidthBound);
    EXPECT_NEAR(p.decodeSecondsPerToken, (13'476'831'232.0 + 4.0 * 2048 * 524'288) / (3350e9 * 0.8), 1e-12);
    EXPECT_NEAR(p.tokensPerSecond, 4 / p.decodeSecondsPerToken, 1e-9);
    // Prefill: the exact forward FLOPs of four 1792-token prompts at 50 % of 989.4 TFLOP/s.
    const double fwd = static_cast<double>(computeFlops(c, FlopOptions{1792, AttentionMask::Causal})
                                               .get(FlopConventionId::Exact)
                                               .forwardPerSequence);
    EXPECT_DOUBLE_EQ(p.prefillFlops, 4 * fwd);
    EXPECT_NEAR(p.prefillSeconds, 4 * fwd / (989.4e12 * 0.5), 1e-12);
}

TEST(Inference, DtypeWindowAndTensorParallelism)
{
    const ModelConfig c = *loadBundled("llama_7b")->config;
    InferenceOptions o;
    o.promptTokens = 8000;
    o.generatedTokens = 192;
    o.kvDtype = StorageDtype::F8;
    EXPECT_EQ(planInference(c, h100(), o).kvBytesPerToken, 262'144);
    o.slidingWindow = 4096; // a window on every layer: only the last 4096 keys per layer
    const InferencePlan windowed = planInference(c, h100(), o);
    EXPECT_EQ(windowed.kvTokensPerSequence, 8192);
    EXPECT_EQ(windowed.slidingLayers, 32);
    EXPECT_EQ(windowed.kvWindowTokens, 4096);
    EXPECT_EQ(windowed.kvBytesPerSequence, 4096LL * 262'144);
    o.slidingWindow = 0;
    o.tensorParallel = 2; // each GPU keeps half the heads and half of every matrix
    const InferencePlan tp = planInference(c, h100(), o);
    EXPECT_EQ(tp.kvBytesPerToken, 131'072);
    EXPECT_LT(tp.weightBytes, 13'476'831'232LL / 2 + 200'000'000); // replicated norms only
    o.tensorParallel = 3;
    EXPECT_THROW(planInference(c, h100(), o), InvalidArgument);
    o.tensorParallel = 1;
    o.batch = 0;
    EXPECT_THROW(planInference(c, h100(), o), InvalidArgument);
}

TEST(Inference, LargeBatchesBecomeComputeBound)
{
    const ModelConfig c = *loadBundled("llama_7b")->config;
    InferenceOptions o;
    o.promptTokens = 1;
    o.generatedTokens = 1;
    o.batch = 1;
    EXPECT_TRUE(planInference(c, h100(), o).decodeBandwidthBound);
    // 2N FLOPs per sequence per step: 4096 short sequences take 0.09 s of compute, while the
    // weights and their tiny caches stream in 7 ms.
    o.batch = 4096;
    EXPECT_FALSE(planInference(c, h100(), o).decodeBandwidthBound);
}
