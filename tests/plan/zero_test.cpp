// ZeRO sharding of the model state, against the ZeRO paper's Figure 1 and hand-worked bytes.

#include "llamascope/bundled.hpp"
#include "llamascope/errors.hpp"
#include "llamascope/model_state.hpp"
#include "llamascope/plan.hpp"

#include <gtest/gtest.h>

using namespace llamascope;

namespace {

ModelConfig bundled(std::string_view name)
{
    return *loadBundled(name)->config;
}

/// The model state per device of `terms` at a ZeRO stage over `nd` ranks.
Count perDevice(const std::vector<MemoryTerm>& terms, ZeroStage z, Count nd)
{
    Count sum = 0;
    for (const MemoryTerm& t : terms)
        sum += zeroShardBytes(t, z, nd);
    return sum;
}

} // namespace

// Rajbhandari et al. 2020, "ZeRO: Memory Optimizations Toward Training Trillion Parameter
// Models", Figure 1: Ψ = 7.5B parameters, N_d = 64 devices, mixed-precision Adam with K = 12
// (fp32 master copy, m and v: 4 + 4 + 4 bytes), 16-bit weights and gradients (2 + 2):
//   baseline      (2 + 2 + K)·Ψ            = 16 · 7.5e9             = 120 GB
//   P_os          2Ψ + 2Ψ + K·Ψ/N_d        = 30e9 + 1.40625e9       = 31.4 GB
//   P_os+g        2Ψ + (2 + K)·Ψ/N_d       = 15e9 + 1.640625e9      = 16.6 GB
//   P_os+g+p      (2 + 2 + K)·Ψ/N_d        = 1.875e9                = 1.9 GB
TEST(Zero, ReproducesFigure1OfTheZeroPaper)
{
    TensorInventory inv;
    inv.tensors = {ParameterTensor{"w", TensorRole::Linear, 75'000, 100'000, 1}}; // Ψ = 7.5e9
    ASSERT_EQ(inv.total(), 7'500'000'000LL);
    const TrainingRecipe recipe = resolveRecipe(MemoryOptions{}); // mixed-adamw, the default
    std::vector<MemoryTerm> terms;
    appendModelState(terms, inv, recipe);

    Count optimizer = 0;
    for (const MemoryTerm& t : terms)
        if (t.category == MemoryCategory::OptimizerState)
            optimizer += t.bytes;
    EXPECT_EQ(optimizer, 12 * 7'500'000'000LL); // K = 12

    EXPECT_EQ(perDevice(terms, ZeroStage::None, 64), 120'000'000'000LL);
    EXPECT_EQ(perDevice(terms, ZeroStage::OptimizerStates, 64), 31'406'250'000LL);
    EXPECT_EQ(perDevice(terms, ZeroStage::Gradients, 64), 16'640'625'000LL);
    EXPECT_EQ(perDevice(terms, ZeroStage::Parameters, 64), 1'875'000'000LL);
    // As the figure prints them: GB = 1e9, one decimal.
    EXPECT_NEAR(static_cast<double>(perDevice(terms, ZeroStage::OptimizerStates, 64)) / 1e9, 31.4, 0.05);
    EXPECT_NEAR(static_cast<double>(perDevice(terms, ZeroStage::Gradients, 64)) / 1e9, 16.6, 0.05);
    EXPECT_NEAR(static_cast<double>(perDevice(terms, ZeroStage::Parameters, 64)) / 1e9, 1.9, 0.05);
}

TEST(Zero, ActivationsAreNeverSharded)
{
    const MemoryTerm a{"q_rope", MemoryCategory::Activations, "q", "", StorageDtype::BF16, 10, 20};
    EXPECT_EQ(zeroShardBytes(a, ZeroStage::Parameters, 64), 20);
    const MemoryTerm g{"gradients", MemoryCategory::Gradients, "g", "", StorageDtype::BF16, 10, 20};
    EXPECT_EQ(zeroShardBytes(g, ZeroStage::OptimizerStates, 8), 20);
    EXPECT_EQ(zeroShardBytes(g, ZeroStage::Gradients, 8), 3); // 20/8 rounded up
    EXPECT_THROW(zeroShardBytes(g, ZeroStage::Gradients, 0), InvalidArgument);
}

// The planner applies the same division. llama_7b, N = 6,738,415,616, dp = 64 on 8 nodes of
// 8 H100s (tp = pp = cp = 1): 2N = 13,476,831,232 and 12N = 80,860,987,392 divide by 64.
//   ZeRO 0  16N                    = 107,814,649,856
//   ZeRO 1  4N + 12N/64            =  26,953,662,464 + 1,263,452,928 = 28,217,115,392
//   ZeRO 2  2N + 14N/64            =  13,476,831,232 + 1,474,028,416 = 14,950,859,648
//   ZeRO 3  16N/64                 =   1,684,603,904
// Hybrid sharding divides by the 8 GPUs of a node instead: 16N/8 = 13,476,831,232.
TEST(Zero, PlannerShardsTheModelStateOfLlama7b)
{
    const ModelConfig c = bundled("llama_7b");
    const AcceleratorTable acc = builtinAccelerators();
    const ClusterSpec cluster = makeCluster(*acc.find("h100"), 64, 8, 0, builtinInterconnects());
    PlanOptions o;
    o.seqLen = 2048;
    o.globalBatchTokens = 64.0 * 2048;
    const Count expected[] = {107'814'649'856LL, 28'217'115'392LL, 14'950'859'648LL, 1'684'603'904LL};
    for (int z = 0; z <= 3; ++z) {
        ParallelLayout l;
        l.dp = 64;
        l.zero = static_cast<ZeroStage>(z);
        const LayoutEvaluation e = evaluateLayout(c, cluster, o, l);
        const StageMemory& s = e.peak();
        const Count state = s.bytes(PlanMemoryGroup::Weights) + s.bytes(PlanMemoryGroup::Gradients) +
                            s.bytes(PlanMemoryGroup::MasterWeights) +
                            s.bytes(PlanMemoryGroup::OptimizerStates);
        EXPECT_EQ(state, expected[z]) << "ZeRO " << z;
    }
    ParallelLayout hybrid;
    hybrid.dp = 64;
    hybrid.zero = ZeroStage::Parameters;
    hybrid.hybridShard = true;
    const LayoutEvaluation hybridEval = evaluateLayout(c, cluster, o, hybrid); // peak() refers into it
    const StageMemory& h = hybridEval.peak();
    EXPECT_EQ(h.bytes(PlanMemoryGroup::Weights) + h.bytes(PlanMemoryGroup::Gradients) +
                  h.bytes(PlanMemoryGroup::MasterWeights) + h.bytes(PlanMemoryGroup::OptimizerStates),
              16 * 6'738'415'616LL / 8);
}

TEST(Zero, TensorAndPipelineShardsOfLlama7b)
{
    // tp = 2, pp = 4 (8 layers per stage), vocab-parallel embedding and lm_head.
    // Per layer: q,k,v,o 4·4096·2048 = 33,554,432; gate/up/down 3·(11008/2)·4096 = 67,633,152;
    // two norms 8,192 (replicated): 101,195,776. Eight layers: 809,566,208.
    // First stage + embedding 16,000·4096 = 65,536,000: 875,102,208.
    // Last stage + final norm 4,096 + lm_head 65,536,000: 875,106,304.
    const ModelConfig c = bundled("llama_7b");
    ShardSpec first{2, true, 4, 0}, last{2, true, 4, 3}, middle{2, true, 4, 1};
    EXPECT_EQ(parameterInventory(c, first).total(), 875'102'208LL);
    EXPECT_EQ(parameterInventory(c, last).total(), 875'106'304LL);
    EXPECT_EQ(parameterInventory(c, middle).total(), 809'566'208LL);
    // Without vocabulary parallelism every rank holds all 32,000 rows.
    ShardSpec replicated{2, false, 4, 0};
    EXPECT_EQ(parameterInventory(c, replicated).total(), 809'566'208LL + 131'072'000LL);
    // tp = 3 does not divide 32 heads.
    EXPECT_THROW(parameterInventory(c, ShardSpec{3, true, 1, 0}), InvalidArgument);
    EXPECT_THROW(parameterInventory(c, ShardSpec{1, true, 5, 0}), InvalidArgument);
}

TEST(Zero, TiedEmbeddingsGetACopyOnTheLastStage)
{
    // SmolLM-style tied embeddings with two stages: Megatron-LM keeps the word embedding on the
    // last stage too, for the output layer; with one stage there is one copy.
    ModelConfig c = ModelConfig::withShape(512, 8, 8, 1376, 32000, 1024);
    c.tieWordEmbeddings = true;
    const Count emb = 32000LL * 512;
    const TensorInventory last = parameterInventory(c, ShardSpec{1, true, 2, 1});
    bool copy = false;
    for (const ParameterTensor& t : last.tensors)
        copy = copy || (t.name == "lm_head_tied_copy" && t.total() == emb);
    EXPECT_TRUE(copy);
    const TensorInventory whole = parameterInventory(c);
    for (const ParameterTensor& t : whole.tensors)
        EXPECT_NE(t.name, "lm_head_tied_copy");
}

TEST(Zero, Names)
{
    EXPECT_EQ(zeroStageFromString("3"), ZeroStage::Parameters);
    EXPECT_EQ(zeroStageFromString("zero2"), ZeroStage::Gradients);
    EXPECT_EQ(zeroStageFromString("ZeRO-1"), ZeroStage::OptimizerStates);
    EXPECT_EQ(zeroStageFromString("full_shard"), ZeroStage::Parameters);
    EXPECT_EQ(zeroStageFromString("shard_grad_op"), ZeroStage::Gradients);
    EXPECT_EQ(zeroStageFromString("ddp"), ZeroStage::None);
    EXPECT_FALSE(zeroStageFromString("4"));
    EXPECT_EQ(fsdpShardingName(ZeroStage::Parameters), "FULL_SHARD");
    EXPECT_EQ(fsdpShardingName(ZeroStage::Gradients), "SHARD_GRAD_OP");
    EXPECT_EQ(fsdpShardingName(ZeroStage::None), "NO_SHARD");
    EXPECT_EQ(fsdpShardingName(ZeroStage::OptimizerStates), ""); // FSDP has no ZeRO-1
}
