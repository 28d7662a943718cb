// The planner's FLOPs, MFU, HFU and run time against published training runs: PaLM 540B
// (Chowdhery et al. 2022, §4 and App. B), LLaMA 2 (Touvron et al. 2023b, Table 2) and
// Llama 3 405B (Dubey et al. 2024, Table 4 and the Llama 3.1 model card). docs/planning.md
// "Checked against published runs" gives the sources and why each tolerance is what it is.

#include "llamascope/errors.hpp"
#include "llamascope/params.hpp"
#include "llamascope/plan.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace llamascope;

namespace {

ModelConfig shape(Count d, Count L, Count H, Count K, Count h, Count f, Count V, Count ctx, bool tied = false)
{
    ModelConfig c = ModelConfig::withShape(d, L, H, f, V, ctx);
    c.numKeyValueHeads = K;
    c.headDim = h;
    c.tieWordEmbeddings = tied;
    c.name = "published";
    return c;
}

/// PaLM 540B (Chowdhery et al. 2022, Table 1): d 18,432, 118 layers, 48 heads of 256, one
/// key/value head (multi-query), SwiGLU with f = 4d, 256k vocabulary, shared embeddings. It
/// uses one norm per (parallel) layer where LLaMA has two: 2.2M parameters apart.
ModelConfig palm540b()
{
    return shape(18432, 118, 48, 1, 256, 73728, 256000, 2048, true);
}

double trainingFlopsPerToken(const ModelConfig& c, Count T)
{
    return static_cast<double>(
        computeFlops(c, FlopOptions{T, AttentionMask::Causal}).get(FlopConventionId::Palm).trainingPerToken);
}

/// TPU v4 as PaLM reports it: 275 TFLOP/s bf16 peak (Chowdhery et al. 2022, App. B).
Accelerator tpuV4()
{
    Accelerator a;
    a.key = "tpu-v4";
    a.name = "TPU v4";
    a.memoryBytes = 32LL << 30;
    a.bf16Tflops = 275;
    a.memoryBandwidthGBs = 1200;
    return a;
}

} // namespace

TEST(Published, PalmParameterCount)
{
    // Table 1 of the PaLM paper: 540.35B.
    EXPECT_NEAR(static_cast<double>(countParameters(palm540b()).total) / 1e9, 540.35, 0.05);
}

// App. B: "PaLM 540B ... 238.3K tokens/sec ... 6144 TPU v4 chips ... MFU 46.2 %". The model
// FLOPs per token are 6N + 12·L·H·Q·T at T = 2048 (the planner's palm convention):
// 6·540,358,649,856 + 12·118·48·256·2048 = 3.2778e12; × 238,300 / (6144 × 275e12) = 46.23 %.
TEST(Published, PalmMfuFromItsThroughput)
{
    const ModelConfig c = palm540b();
    const AcceleratorTable accelerators = [] {
        AcceleratorTable t;
        t.accelerators.push_back(tpuV4());
        return t;
    }();
    const InterconnectTable links = builtinInterconnects();
    const ClusterSpec cluster =
        makeCluster(accelerators.accelerators.front(), 6144, 0, 8, links, "nvlink4", "ib-ndr");
    PlanOptions o;
    o.seqLen = 2048;
    o.globalBatchTokens = 2048.0 * 2048 * 3; // PaLM's final 2048-sequence batch, rounded to dp
    ParallelLayout l;
    l.dp = 6144;
    l.zero = ZeroStage::Parameters;
    const LayoutEvaluation e = evaluateLayout(c, cluster, o, l);
    const double flopsPerToken = e.modelFlopsPerStep / e.globalBatchTokens;
    EXPECT_DOUBLE_EQ(flopsPerToken, trainingFlopsPerToken(c, 2048));
    const double mfu = 238.3e3 * flopsPerToken / (6144 * 275e12);
    EXPECT_NEAR(mfu * 100, 46.2, 0.05);
    // The same statement through the run model: at 46.2 % MFU the cluster trains 238.3K tokens
    // in one second.
    const RunEstimate one = runAtMfu(flopsPerToken, 238.3e3, 6144, 275e12, mfu);
    EXPECT_NEAR(one.seconds, 1.0, 1e-12);
}

// App. B also reports an HFU of 57.8 %, which counts the rematerialised FLOPs; the paper does
// not say what it rematerialised. HFU/MFU = 57.8/46.2 = 1.251: 0.75 of a forward pass. The
// planner's hardware FLOPs add one layer forward per recomputed layer (Megatron-LM's block
// method); recomputing 89 of the 118 layers gives that share, so 57.8 % is what the planner
// reports for that setting, while none gives HFU = MFU and all 118 layers 61.5 %.
TEST(Published, PalmHfuAndItsRecomputation)
{
    const ModelConfig c = palm540b();
    AcceleratorTable table;
    table.accelerators.push_back(tpuV4());
    const ClusterSpec cluster =
        makeCluster(table.accelerators.front(), 6144, 0, 8, builtinInterconnects(), "nvlink4", "ib-ndr");
    PlanOptions o;
    o.seqLen = 2048;
    o.globalBatchTokens = 2048.0 * 2048 * 3;
    const double mfu = 238.3e3 * trainingFlopsPerToken(c, 2048) / (6144 * 275e12);
    auto hfuAt = [&](Recompute r, Count layers) {
        ParallelLayout l;
        l.dp = 6144;
        l.zero = ZeroStage::Parameters;
        l.recompute = r;
        l.recomputeLayers = layers;
        const LayoutEvaluation e = evaluateLayout(c, cluster, o, l);
        return mfu * e.hardwareFlopsPerStep / e.modelFlopsPerStep;
    };
    EXPECT_DOUBLE_EQ(hfuAt(Recompute::None, 0), mfu);
    EXPECT_NEAR(hfuAt(Recompute::Full, 89) * 100, 57.8, 0.1);
    EXPECT_NEAR(hfuAt(Recompute::Full, 0) * 100, 61.5, 0.1);
    EXPECT_GT(hfuAt(Recompute::Full, 88) * 100, 57.2); // one layer moves HFU by about 0.13 points
    EXPECT_LT(hfuAt(Recompute::Full, 88) * 100, 57.8);
}

// LLaMA 2 (Touvron et al. 2023b, Table 2): 2.0T tokens at T = 4096 on A100-80GB, 184,320 /
// 368,640 / 1,720,320 GPU-hours for 7B / 13B / 70B. The paper gives no MFU; LLaMA 1 (Touvron
// et al. 2023a, §2.4) gives a throughput for the same code on the same GPUs: 380 tokens/s/GPU
// for 65B at T = 2048, an MFU of 49.7 % under the palm convention. At that MFU the planner's
// time lands within 15 % below each published figure (7B −9 %, 13B −14 %, 70B −7 %): the
// published hours include everything a run costs beyond its steady state.
TEST(Published, Llama2GpuHoursAtLlama1Throughput)
{
    const ModelConfig llama65b = shape(8192, 80, 64, 64, 128, 22016, 32000, 2048);
    const double mfu = 380.0 * trainingFlopsPerToken(llama65b, 2048) / 312e12;
    EXPECT_NEAR(mfu, 0.497, 0.001);
    struct Case {
        ModelConfig config;
        double gpuHours;
    };
    const Case cases[] = {{shape(4096, 32, 32, 32, 128, 11008, 32000, 4096), 184'320},
                          {shape(5120, 40, 40, 40, 128, 13824, 32000, 4096), 368'640},
                          {shape(8192, 80, 64, 8, 128, 28672, 32000, 4096), 1'720'320}};
    for (const Case& k : cases) {
        const RunEstimate r = runAtMfu(trainingFlopsPerToken(k.config, 4096), 2.0e12, 2048, 312e12, mfu);
        const double ratio = r.gpuHours / k.gpuHours;
        EXPECT_GT(ratio, 0.85) << k.config.hiddenSize;
        EXPECT_LT(ratio, 1.0) << k.config.hiddenSize;
    }
}

// Llama 3 405B (Dubey et al. 2024): 15.6T tokens, mostly at T = 8192, BF16 MFU 38–43 % on
// 8,192–16,384 H100s (Table 4); 30.84M H100-80GB GPU-hours (Llama 3.1 model card). At 41 %,
// the middle of the reported band, the planner needs 28.2M GPU-hours: 9 % below the published
// figure, which also pays for long-context training at lower MFU and for failures; the whole
// reported band (38–43 %) brackets 26.9M–30.4M.
TEST(Published, Llama3GpuHoursAtItsReportedMfu)
{
    const ModelConfig c = shape(16384, 126, 128, 8, 128, 53248, 128256, 8192);
    EXPECT_NEAR(static_cast<double>(countParameters(c).total) / 1e9, 405.85, 0.01);
    const double f = trainingFlopsPerToken(c, 8192);
    const RunEstimate mid = runAtMfu(f, 15.6e12, 16384, 989.4e12, 0.41);
    EXPECT_NEAR(mid.gpuHours / 30.84e6, 0.914, 0.01);
    EXPECT_GT(runAtMfu(f, 15.6e12, 16384, 989.4e12, 0.38).gpuHours / 30.84e6, 0.97);
    EXPECT_LT(runAtMfu(f, 15.6e12, 16384, 989.4e12, 0.43).gpuHours / 30.84e6, 0.88);
    // The paper's own count, 3.8e25 FLOPs, is 6·N·D without attention; with attention at
    // T = 8192 the palm convention gives 4.1e25.
    EXPECT_NEAR(6.0 * static_cast<double>(countParameters(c).total) * 15.6e12 / 1e25, 3.8, 0.05);
    EXPECT_NEAR(f * 15.6e12 / 1e25, 4.12, 0.01);
}

TEST(Published, RunAtMfuIsFlopsOverSustainedThroughput)
{
    // 1e20 FLOPs on 10 GPUs of 1e15 at 50 %: 2e4 s, 55.6 GPU-hours.
    const RunEstimate r = runAtMfu(1e8, 1e12, 10, 1e15, 0.5, 2.0);
    EXPECT_DOUBLE_EQ(r.seconds, 2e4);
    EXPECT_NEAR(r.gpuHours, 2e5 / 3600, 1e-9);
    EXPECT_NEAR(r.cost, 2 * 2e5 / 3600, 1e-9);
    EXPECT_THROW(runAtMfu(1e8, 1e12, 10, 1e15, 0), InvalidArgument);
}
