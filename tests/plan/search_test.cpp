// The step-time model against hand-worked arithmetic, and the layout search against its naive
// oracle (every candidate evaluated term by term from scratch).

#include "llamascope/bundled.hpp"
#include "llamascope/errors.hpp"
#include "llamascope/params.hpp"
#include "llamascope/plan.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

using namespace llamascope;

namespace {

ModelConfig bundled(std::string_view name)
{
    return *loadBundled(name)->config;
}

ClusterSpec h100s(Count gpus)
{
    return makeCluster(*builtinAccelerators().find("h100"), gpus, 0, 0, builtinInterconnects());
}

} // namespace

// llama_60m (N = 58,073,600) on one node of 8 H100 SXM (989.4 TFLOP/s bf16, 3,350 GB/s HBM,
// NVLink 4: 18 × 25 GB/s × 0.8 = 360 GB/s, 1 µs per ring step), s = 1024, dp = 8, ZeRO 0,
// four micro-batches of one sequence, communication not overlapped:
//   compute    m · 3 · (matmul FLOPs of one sequence) / (peak · 0.5)
//   all-reduce 2·(8−1)/8 · G / 360e9 + 2·7·1 µs,  G = 2N = 116,147,200 B (bf16 gradients)
//   optimizer  (2·12N + 2N + 2N) B / 3.35e12 B/s: state read and written, gradients read,
//              16-bit weights written
TEST(StepTime, HandWorkedDataParallel)
{
    const ModelConfig c = bundled("llama_60m");
    PlanOptions o;
    o.seqLen = 1024;
    o.globalBatchTokens = 32.0 * 1024;
    o.overlapCommunication = false;
    ParallelLayout l;
    l.dp = 8;
    l.accumulation = 4;
    const LayoutEvaluation e = evaluateLayout(c, h100s(8), o, l);
    const double N = 58'073'600;
    const double matmuls =
        static_cast<double>(exactMatmulFlops(c, FlopOptions{1024, AttentionMask::Causal}).total());
    const double peak = 989.4e12;
    EXPECT_NEAR(e.time.compute, 4 * 3 * matmuls / (peak * 0.5), 1e-12);
    const double allReduce = 2.0 * 7 / 8 * (2 * N) / 360e9 + 14e-6;
    EXPECT_NEAR(e.time.exposedDataParallel, allReduce, 1e-12);
    EXPECT_NEAR(e.time.optimizer, 28 * N / 3.35e12, 1e-12);
    EXPECT_EQ(e.time.bubble, 0);
    EXPECT_NEAR(e.time.total, e.time.compute + allReduce + 28 * N / 3.35e12, 1e-12);
    EXPECT_NEAR(e.communication.dataParallel, 2.0 * 7 / 8 * 2 * N, 1e-3);
    // MFU: the palm convention's FLOPs for 32 sequences over the step's capacity.
    const double model = static_cast<double>(computeFlops(c, FlopOptions{1024, AttentionMask::Causal})
                                                 .get(FlopConventionId::Palm)
                                                 .trainingPerToken) *
                         32 * 1024;
    EXPECT_NEAR(e.mfu, model / (e.time.total * 8 * peak), 1e-12);
    EXPECT_DOUBLE_EQ(e.hfu, e.mfu);
    // With overlap the all-reduce hides behind the last micro-batch's backward pass (two thirds
    // of its compute); llama_60m's backward is shorter than its all-reduce, so the rest shows.
    o.overlapCommunication = true;
    const double backward = 2 * matmuls / (peak * 0.5);
    EXPECT_NEAR(evaluateLayout(c, h100s(8), o, l).time.exposedDataParallel, allReduce - backward, 1e-12);
    EXPECT_GT(allReduce, backward);
}

// MFU under PaLM's 6N + 12·L·H·h·s counts llama_60m's embedding lookup (V·d = 16,384,000 of its
// 58,073,600 parameters) as a matmul, so it passes the assumed 50 % efficiency; the layout says
// so and gives the executed figure: η · (compute share of the step) = MFU · executed / model.
TEST(StepTime, MfuAboveTheEfficiencyIsExplained)
{
    const ModelConfig small = bundled("llama_60m");
    PlanOptions o;
    o.seqLen = 1024;
    o.globalBatchTokens = 32.0 * 1024;
    ParallelLayout l;
    l.dp = 8;
    l.accumulation = 4;
    const LayoutEvaluation e = evaluateLayout(small, h100s(8), o, l);
    const FlopOptions fo{1024, AttentionMask::Causal};
    const double model = computeFlops(small, fo).get(FlopConventionId::Palm).trainingPerToken;
    const double executed = 3 * static_cast<double>(exactMatmulFlops(small, fo).total()) / 1024;
    ASSERT_GT(model / executed, 1.1);
    const double executedMfu = e.mfu * executed / model;
    EXPECT_NEAR(executedMfu, 0.5 * e.time.compute / e.time.total, 1e-12);
    const auto note = std::find_if(e.notes.begin(), e.notes.end(),
                                   [](const std::string& n) { return n.starts_with("MFU counts the palm"); });
    ASSERT_NE(note, e.notes.end());
    char expected[64];
    std::snprintf(expected, sizeof expected, "by executed FLOPs MFU is %.1f %%", 100 * executedMfu);
    EXPECT_NE(note->find(expected), std::string::npos) << *note;
    // LLaMA-7B: PaLM counts 6 % more than executes; no note.
    ParallelLayout big = l;
    big.zero = ZeroStage::Parameters;
    o.globalBatchTokens = 8.0 * 1024;
    big.accumulation = 1;
    for (const std::string& n : evaluateLayout(bundled("llama_7b"), h100s(8), o, big).notes)
        EXPECT_FALSE(n.starts_with("MFU counts")) << n;
}

TEST(StepTime, PipelineBubbleIsPMinusOneSlots)
{
    // Narayanan et al. 2021: bubble / ideal = (p − 1)/m, i.e. (p − 1)/(m + p − 1) of the step
    // time of compute and bubble. pp = 4, m = 8: 3/8.
    const ModelConfig c = bundled("llama_60m");
    PlanOptions o;
    o.seqLen = 1024;
    o.globalBatchTokens = 16.0 * 1024;
    ParallelLayout l;
    l.dp = 2;
    l.pp = 4;
    l.accumulation = 8;
    const LayoutEvaluation e = evaluateLayout(c, h100s(8), o, l);
    EXPECT_NEAR(e.time.bubble / e.time.compute, 3.0 / 8, 1e-12);
    EXPECT_NEAR(e.time.bubble / (e.time.bubble + e.time.compute), 3.0 / 11, 1e-12);
}

TEST(StepTime, RecomputationShowsAsHfu)
{
    // Full recomputation adds a forward pass of every layer: hardware FLOPs / model FLOPs =
    // 1 + F_layers / (3 F). The step takes longer (the extra work runs at the same efficiency),
    // so MFU falls while HFU stays where the hardware is.
    const ModelConfig c = bundled("llama_1b");
    PlanOptions o;
    o.seqLen = 1024;
    o.globalBatchTokens = 32.0 * 1024;
    ParallelLayout l;
    l.dp = 8;
    l.zero = ZeroStage::OptimizerStates;
    l.accumulation = 4;
    const LayoutEvaluation none = evaluateLayout(c, h100s(8), o, l);
    l.recompute = Recompute::Full;
    const LayoutEvaluation full = evaluateLayout(c, h100s(8), o, l);
    const ExactMatmulFlops em = exactMatmulFlops(c, FlopOptions{1024, AttentionMask::Causal});
    const double F = static_cast<double>(em.total()), layers = F - static_cast<double>(em.lmHead);
    EXPECT_NEAR(full.hardwareFlopsPerStep / full.modelFlopsPerStep, 1 + layers / (3 * F), 1e-12);
    EXPECT_DOUBLE_EQ(full.modelFlopsPerStep, none.modelFlopsPerStep);
    EXPECT_LT(full.mfu, none.mfu);
    EXPECT_NEAR(full.hfu / none.hfu, 1.0, 0.02);
    EXPECT_LT(full.peakBytes(), none.peakBytes());
}

TEST(StepTime, TensorParallelAllReducesPerLayer)
{
    // Megatron-LM: 4 all-reduces of b·s·d·2 bytes per layer per micro-batch (2 forward,
    // 2 backward), plus the embedding's and the output layer's: 8·4 + 2 = 34 on one stage.
    const ModelConfig c = bundled("llama_60m");
    PlanOptions o;
    o.seqLen = 1024;
    o.globalBatchTokens = 8.0 * 1024;
    ParallelLayout l;
    l.dp = 4;
    l.tp = 2;
    l.accumulation = 2;
    const LayoutEvaluation e = evaluateLayout(c, h100s(8), o, l);
    const double x = 1024.0 * 512 * 2;
    const double one = 2.0 * 1 / 2 * x / 360e9 + 2 * 1e-6;
    EXPECT_NEAR(e.time.exposedTensorParallel, 2 * 34 * one, 1e-12);
    EXPECT_NEAR(e.communication.tensorParallel, 2 * 34 * x, 1e-6);
}

TEST(Search, FastEqualsNaive)
{
    const ModelConfig c = bundled("llama_60m");
    PlanOptions o;
    o.seqLen = 1024;
    o.globalBatchTokens = 128.0 * 1024;
    o.top = 25;
    const ClusterSpec cluster = h100s(16);
    const PlanResult fast = planTraining(c, cluster, o);
    const PlanResult naive = planTrainingNaive(c, cluster, o);
    EXPECT_EQ(fast.enumerated, naive.enumerated);
    EXPECT_EQ(fast.fitting, naive.fitting);
    ASSERT_EQ(fast.layouts.size(), naive.layouts.size());
    ASSERT_EQ(fast.layouts.size(), 25u);
    for (std::size_t i = 0; i < fast.layouts.size(); ++i) {
        EXPECT_EQ(fast.layouts[i].layout, naive.layouts[i].layout) << i;
        EXPECT_EQ(fast.layouts[i].peakBytes(), naive.layouts[i].peakBytes()) << i;
        EXPECT_EQ(fast.layouts[i].time.total, naive.layouts[i].time.total) << i;
    }
}

TEST(Search, FastEqualsNaiveWhenMemoryIsTight)
{
    // llama_1b on 4 RTX 4090 (24 GB): most layouts do not fit, so the fast search prunes.
    const ModelConfig c = bundled("llama_1b");
    PlanOptions o;
    o.seqLen = 1024;
    o.globalBatchTokens = 64.0 * 1024;
    o.top = 10;
    const ClusterSpec cluster =
        makeCluster(*builtinAccelerators().find("rtx-4090"), 4, 0, 0, builtinInterconnects());
    const PlanResult fast = planTraining(c, cluster, o);
    const PlanResult naive = planTrainingNaive(c, cluster, o);
    EXPECT_EQ(fast.fitting, naive.fitting);
    EXPECT_GT(fast.fitting, 0);
    ASSERT_EQ(fast.layouts.size(), naive.layouts.size());
    for (std::size_t i = 0; i < fast.layouts.size(); ++i)
        EXPECT_EQ(fast.layouts[i].layout, naive.layouts[i].layout) << i;
}

TEST(Search, EveryListedLayoutFitsAndIsRanked)
{
    const ModelConfig c = bundled("llama_7b");
    PlanOptions o;
    o.seqLen = 4096;
    o.top = 200; // every listed layout is re-evaluated term by term (planTraining checks totals)
    const PlanResult r = planTraining(c, h100s(64), o);
    ASSERT_FALSE(r.layouts.empty());
    std::set<std::string> seen;
    for (std::size_t i = 0; i < r.layouts.size(); ++i) {
        const LayoutEvaluation& e = r.layouts[i];
        EXPECT_TRUE(e.fit.fits);
        EXPECT_LE(e.peakBytes(), e.fit.usable);
        EXPECT_EQ(e.layout.gpus(), 64);
        EXPECT_TRUE(seen.insert(e.layout.describe()).second) << "listed twice: " << e.layout.describe();
        if (i > 0) { // time per token never improves down the list, beyond the 0.1 % bucket
            EXPECT_LE(r.layouts[i - 1].time.total / r.layouts[i - 1].globalBatchTokens,
                      e.time.total / e.globalBatchTokens * 1.001);
        }
        Count sum = 0;
        for (const PlanMemoryTerm& t : e.peak().terms)
            sum += t.bytes;
        EXPECT_EQ(sum, e.peakBytes());
    }
}

TEST(Search, FiltersFixDimensions)
{
    const ModelConfig c = bundled("llama_7b");
    PlanOptions o;
    o.seqLen = 4096;
    o.filter.tp = 2;
    o.filter.zero = ZeroStage::OptimizerStates;
    o.filter.recompute = Recompute::Selective;
    o.top = 50;
    const PlanResult r = planTraining(c, h100s(64), o);
    ASSERT_FALSE(r.layouts.empty());
    for (const LayoutEvaluation& e : r.layouts) {
        EXPECT_EQ(e.layout.tp, 2);
        EXPECT_EQ(e.layout.zero, ZeroStage::OptimizerStates);
        EXPECT_EQ(e.layout.recompute, Recompute::Selective);
    }
}

TEST(Search, NothingFitsNamesTheClosestLayout)
{
    const PlanResult r = planTraining(
        bundled("llama_7b"),
        makeCluster(*builtinAccelerators().find("rtx-4090"), 1, 0, 0, builtinInterconnects()), PlanOptions{});
    EXPECT_TRUE(r.layouts.empty());
    ASSERT_TRUE(r.closest.has_value());
    EXPECT_FALSE(r.closest->fit.fits);
    EXPECT_NE(r.note.find("no layout fits"), std::string::npos);
    EXPECT_EQ(r.fitting, 0);
}

TEST(Search, CancelsThroughProgress)
{
    struct Cancel : Progress {
        int reports = 0;
        void report(double, std::string_view) override { ++reports; }
        [[nodiscard]] bool isCancelled() const override { return reports > 2; }
    } progress;
    EXPECT_THROW(planTraining(bundled("llama_7b"), h100s(64), PlanOptions{}, &progress), Cancelled);
}

TEST(Search, ReportsProgressToTheEnd)
{
    struct Record : Progress {
        double last = -1;
        void report(double f, std::string_view) override
        {
            EXPECT_GE(f, last);
            last = f;
        }
    } progress;
    (void)planTraining(bundled("llama_60m"), h100s(8), PlanOptions{}, &progress);
    EXPECT_EQ(progress.last, 1.0);
}

TEST(Search, InvalidLayoutsAreNamed)
{
    const ModelConfig c = bundled("llama_7b");
    PlanOptions o;
    ParallelLayout l;
    l.dp = 8;
    l.tp = 1;
    l.cp = 1;
    auto why = [&](ParallelLayout x) {
        try {
            evaluateLayout(c, h100s(8), o, x);
        } catch (const InvalidArgument& e) {
            return std::string(e.what());
        }
        return std::string("valid");
    };
    ParallelLayout wrong = l;
    wrong.dp = 4; // 4 GPUs of 8
    EXPECT_NE(why(wrong).find("is not the cluster's 8 GPUs"), std::string::npos);
    wrong = l;
    wrong.dp = 1;
    wrong.tp = 8;
    wrong.sequenceParallel = true;
    EXPECT_EQ(why(wrong), "valid");
    wrong = l;
    wrong.dp = 2;
    wrong.pp = 4;
    wrong.recompute = Recompute::Selective;
    wrong.recomputeLayers = 2;
    EXPECT_NE(why(wrong).find("needs full recomputation"), std::string::npos);
    wrong = l;
    wrong.hybridShard = true;
    wrong.zero = ZeroStage::Parameters;
    EXPECT_NE(why(wrong).find("hybrid sharding"), std::string::npos); // one node: nothing to replicate
    o.attention = AttentionKernel::Eager;
    wrong = l;
    wrong.dp = 4;
    wrong.cp = 2;
    EXPECT_NE(why(wrong).find("FlashAttention"), std::string::npos);
}

TEST(Search, SpeedOnAThousandGpus)
{
    // Exhaustive over 1,024 GPUs: a few hundred thousand layouts. The benchmark
    // (tests/bench/plan_bench.cpp) times it against the naive scan; here only that it completes
    // and lists fitting layouts.
    PlanOptions o;
    o.seqLen = 4096;
    const PlanResult r = planTraining(bundled("llama_7b"), h100s(1024), o);
    EXPECT_GT(r.enumerated, 100'000);
    EXPECT_FALSE(r.layouts.empty());
}

TEST(Columns, OneRegistry)
{
    std::set<std::string_view> ids;
    for (const PlanColumn& c : planColumns()) {
        EXPECT_TRUE(ids.insert(c.id).second) << c.id;
        EXPECT_FALSE(c.header.empty());
        EXPECT_FALSE(c.tooltip.empty());
        EXPECT_EQ(findPlanColumn(c.id), &c);
    }
    for (const char* id : {"dp", "tp", "pp", "cp", "zero", "recompute", "micro_batch", "memory_gib", "step",
                           "mfu", "hfu", "comm_share", "bubble_share", "gpu_hours"})
        EXPECT_NE(findPlanColumn(id), nullptr) << id;
    const PlanResult r = planTraining(bundled("llama_60m"), h100s(8), PlanOptions{});
    const Table t = planTable(r, {"dp", "mfu"});
    ASSERT_EQ(t.columns.size(), 3u);
    EXPECT_EQ(t.rows.size(), r.layouts.size());
    EXPECT_THROW(planTable(r, {"dpp"}), InvalidArgument);
    const nlohmann::ordered_json j = toJson(r);
    EXPECT_EQ(j.at("layouts").size(), r.layouts.size());
    EXPECT_EQ(j.at("layouts").at(0).at("rank").get<int>(), 1);
}
