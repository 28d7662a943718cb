// The planner on the decoder families (issue 11 with the multi-family config model): every
// real-world config's tensor inventory sums to countParameters(); the activation terms of the
// traits (sandwich norms, q/k norms, experts, soft-caps) hand-worked; the KV cache of sliding
// layers (Mistral: all, Gemma 2: every other one); the expert weights a decode step reads.

#include "llamascope/activations.hpp"
#include "llamascope/errors.hpp"
#include "llamascope/model_state.hpp"
#include "llamascope/params.hpp"
#include "llamascope/plan.hpp"
#include "llamascope/validate.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

using namespace llamascope;

namespace {

std::filesystem::path realworld()
{
    return std::filesystem::path(TEST_DATA_DIR) / "realworld";
}

ModelConfig load(const std::string& relative)
{
    LoadResult r = loadConfigFile(realworld() / relative);
    if (!r.config)
        throw std::runtime_error("cannot load " + relative);
    return *r.config;
}

const Accelerator& h100()
{
    static const AcceleratorTable t = builtinAccelerators();
    return *t.find("h100");
}

bool hasTerm(const std::vector<ActivationTerm>& terms, std::string_view key)
{
    return std::any_of(terms.begin(), terms.end(), [&](const ActivationTerm& t) { return t.key == key; });
}

const ActivationTerm& term(const std::vector<ActivationTerm>& terms, std::string_view key)
{
    for (const ActivationTerm& t : terms)
        if (t.key == key)
            return t;
    throw std::runtime_error("no term " + std::string(key));
}

} // namespace

// The planner's per-tensor inventory is a second derivation of the parameter count (one entry
// per tensor, by role and sharding); for every real-world config of every family it must sum
// to countParameters(), and a tensor- and pipeline-parallel shard set must cover it exactly
// once apart from the replicated tensors.
TEST(Families, InventoryMatchesParameterCountOnEveryRealWorldConfig)
{
    int checked = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(realworld())) {
        if (entry.path().extension() != ".json" || entry.path().filename() == "expected.json" ||
            entry.path().filename() == "manifest.json")
            continue;
        LoadResult r = loadConfigFile(entry.path());
        if (!r.config)
            continue;
        const ModelConfig& c = *r.config;
        SCOPED_TRACE(entry.path().string());
        EXPECT_EQ(parameterInventory(c).total(), countParameters(c).total);
        // Two pipeline stages hold every layer once between them.
        if (c.numHiddenLayers % 2 == 0) {
            ShardSpec first, last;
            first.pipelineStages = last.pipelineStages = 2;
            last.stage = 1;
            EXPECT_EQ(parameterInventory(c, first).layers + parameterInventory(c, last).layers,
                      c.numHiddenLayers);
        }
        ++checked;
    }
    EXPECT_GE(checked, 40);
}

// Gemma 2 9B (d = 3584, H = 16, K = 8, h = 256, f = 14336, sandwich norms, soft-capped scores
// and logits). Per token and layer, bf16, unfused RMSNorm, FlashAttention, t = 1:
//   4 norms: fp32 inputs 4d·4 + 1/rms 4·4 + normalized 4d·2;  matmul inputs 2d·2
//   q 16·256·2, k 8·256·2, v 8·256·2, lse 16·4, attention output 16·256·2
//   gated MLP: gate, up, act, product 4·f·2
// FlashAttention caps inside the kernel: no T×T tensor; eager keeps the tanh output (H·T).
TEST(Families, Gemma2SandwichNormsAndSoftcaps)
{
    const ModelConfig c = load("gemma2/gemma-2-9b.json");
    const BlockShape b = blockShapeOf(c);
    EXPECT_EQ(b.normsPerLayer, 4);
    EXPECT_TRUE(b.attentionSoftcap);
    EXPECT_TRUE(b.logitSoftcap);
    ActivationOptions o;
    const Count d = 3584, f = 14336;
    const Count expected = 4 * d * 4 + Count{4} * 4 + 4 * d * 2 + 2 * d * 2 + Count{16} * 256 * 2 +
                           Count{8} * 256 * 2 * 2 + Count{16} * 4 + Count{16} * 256 * 2 + 4 * f * 2;
    EXPECT_EQ(layerActivationBytes(b, o, 1, 1), expected);
    const auto flash = activationTerms(b, o);
    EXPECT_FALSE(hasTerm(flash, "attn_softcap_tanh"));
    EXPECT_EQ(term(flash, "logits_softcap_tanh").perToken, 256000);
    o.attention = AttentionKernel::Eager;
    const auto eager = activationTerms(b, o);
    EXPECT_EQ(term(eager, "attn_softcap_tanh").perTokenKey, 16);
    o.attention = AttentionKernel::Sdpa; // PyTorch's SDPA has no soft-cap
    EXPECT_THROW(activationTerms(b, o), InvalidArgument);
}

// Qwen3 8B: per-head q/k RMSNorm on (H + K)·h = (32 + 8)·128 values, H + K statistics; OLMo 2:
// one norm over the whole projection, two statistics, and no tensor parallelism in the planner.
TEST(Families, QkNormTerms)
{
    const ModelConfig qwen = load("qwen3/qwen3-8b.json");
    const BlockShape b = blockShapeOf(qwen);
    ASSERT_EQ(b.qkNorm, QkNorm::PerHead);
    ActivationOptions o;
    auto terms = activationTerms(b, o);
    EXPECT_EQ(term(terms, "qk_norm_input_fp32").perToken, (32 + 8) * 128);
    EXPECT_EQ(term(terms, "qk_norm_rstd").perToken, 40);
    EXPECT_EQ(term(terms, "qk_norm_normalized").perToken, (32 + 8) * 128);
    o.tensorParallel = 4;
    terms = activationTerms(b, o);
    EXPECT_EQ(term(terms, "qk_norm_input_fp32").perToken, (8 + 2) * 128);
    EXPECT_EQ(term(terms, "qk_norm_rstd").perToken, 10);

    const ModelConfig olmo = load("olmo2/olmo-2-1124-7b.json");
    ASSERT_EQ(blockShapeOf(olmo).qkNorm, QkNorm::Full);
    EXPECT_EQ(term(activationTerms(blockShapeOf(olmo), ActivationOptions{}), "qk_norm_rstd").perToken, 2);
    PlanOptions po;
    po.seqLen = 4096;
    po.globalBatchTokens = 4096.0 * 64;
    ParallelLayout l;
    l.dp = 4;
    l.tp = 2;
    const ClusterSpec cluster = makeCluster(h100(), 8, 0, 0, builtinInterconnects());
    EXPECT_THROW(evaluateLayout(olmo, cluster, po, l), InvalidArgument);
    l.dp = 8;
    l.tp = 1;
    EXPECT_NO_THROW(evaluateLayout(olmo, cluster, po, l));
}

// Mixtral 8x7B (d = 4096, H = 32, K = 8, h = 128, f = 14336, E = 8, k = 2). Per token and layer,
// bf16, unfused RMSNorm, FlashAttention, t = 1:
//   norms 2d·4 + 2·4 + 2d·2, matmul inputs 2d·2                         = 65,544
//   q 8192, k 2048, v 2048, lse 128, attention output 8192            = 20,608
//   router softmax E·4, top-k weights and indices 2·(4 + 8),
//   gathered inputs k·d·2, gate/up/act/product 4·k·f·2, outputs k·d·2  = 262,200
TEST(Families, MixtralExpertTerms)
{
    const ModelConfig c = load("mixtral/mixtral-8x7b-v0.1.json");
    const BlockShape b = blockShapeOf(c);
    ASSERT_EQ(b.experts, 8);
    ASSERT_EQ(b.expertsPerToken, 2);
    const Count d = 4096;
    const Count norms = 2 * d * 4 + Count{2} * 4 + 2 * d * 2 + 2 * d * 2;
    const Count attention =
        Count{32} * 128 * 2 + Count{2} * (Count{8} * 128 * 2) + Count{32} * 4 + Count{32} * 128 * 2;
    const Count experts =
        Count{8} * 4 + Count{2} * (4 + 8) + 2 * d * 2 + Count{4} * 2 * 14336 * 2 + 2 * d * 2;
    EXPECT_EQ(norms, 65'544);
    EXPECT_EQ(attention, 20'608);
    EXPECT_EQ(experts, 262'200);
    EXPECT_EQ(layerActivationBytes(b, ActivationOptions{}, 1, 1), norms + attention + experts);

    // Training plan: every expert's gradient and optimizer state, the routed FLOPs only.
    PlanOptions po;
    po.seqLen = 4096;
    po.globalBatchTokens = 4096.0 * 256;
    ParallelLayout l;
    l.dp = 8;
    l.zero = ZeroStage::Parameters;
    const ClusterSpec cluster = makeCluster(h100(), 8, 0, 0, builtinInterconnects());
    const LayoutEvaluation e = evaluateLayout(c, cluster, po, l);
    const ParameterCounts n = countParameters(c);
    EXPECT_NEAR(e.communication.dataParallel / static_cast<double>(n.total), 2.0 * 7 / 8 * 2 * 1.5, 0.05);
    EXPECT_LT(e.modelFlopsPerStep, 6.0 * static_cast<double>(n.total) * 4096 * 256 * 0.5);
}

// Mistral 7B v0.1: a window of 4096 on every layer. 4,096 + 4,096 tokens: each of the 32 layers
// keeps 4,096 tokens of 2·8·128 values (4,096 B in bf16): 32 · 4,096 · 4,096 B per sequence.
// Gemma 2 9B: 21 of 42 layers slide (even indices); 2·8·256 values = 8,192 B per layer-token:
// 8,192 · (21 · 8,192 + 21 · 4,096) B.
TEST(Families, SlidingLayersInTheKvCache)
{
    InferenceOptions o;
    o.promptTokens = 4096;
    o.generatedTokens = 4096;
    const InferencePlan mistral = planInference(load("mistral/mistral-7b-v0.1.json"), h100(), o);
    EXPECT_EQ(mistral.options.slidingWindow, 4096);
    EXPECT_EQ(mistral.slidingLayers, 32);
    EXPECT_EQ(mistral.kvTokensPerSequence, 8192);
    EXPECT_EQ(mistral.kvWindowTokens, 4096);
    EXPECT_EQ(mistral.kvBytesPerSequence, 32LL * 4096 * 4096);

    const InferencePlan gemma = planInference(load("gemma2/gemma-2-9b.json"), h100(), o);
    EXPECT_EQ(gemma.slidingLayers, 21);
    EXPECT_EQ(gemma.kvBytesPerSequence, 8192LL * (21 * 8192 + 21 * 4096));
    EXPECT_EQ(gemma.kvBytesPerToken, 8192LL * 42);
}

// Mixtral 8x7B decoding: expert weights 3·d·f·E·L = 3·4096·14336·8·32 = 45,097,156,608 (their
// share of countParameters: total − active = (E − k)/E of them). One sequence reads k/E = 1/4 of
// them per step; four read 1 − (3/4)^4.
TEST(Families, MixtralDecodeReadsThePickedExperts)
{
    const ModelConfig c = load("mixtral/mixtral-8x7b-v0.1.json");
    const ParameterCounts n = countParameters(c);
    const double experts = 3.0 * 4096 * 14336 * 8 * 32;
    EXPECT_DOUBLE_EQ(static_cast<double>(n.total - n.active), experts * 6 / 8);
    InferenceOptions o;
    o.promptTokens = 1024;
    o.generatedTokens = 0;
    const InferencePlan one = planInference(c, h100(), o);
    EXPECT_DOUBLE_EQ(one.expertReadFraction, 0.25);
    EXPECT_NEAR(one.decodeBytesPerStep,
                2.0 * static_cast<double>(n.total) - 2.0 * experts * 0.75 + static_cast<double>(one.kvBytes),
                1.0);
    o.batch = 4;
    EXPECT_NEAR(planInference(c, h100(), o).expertReadFraction, 1 - std::pow(0.75, 4), 1e-15);
}

// memory --optimizer none counts the same cache as the inference plan (one formula,
// kvCacheShape()): Mistral 7B at T = 8,192 keeps 4,096 tokens on each of its 32 layers.
TEST(Families, MemoryKvCacheHonoursTheWindow)
{
    const ModelConfig c = load("mistral/mistral-7b-v0.1.json");
    MemoryOptions o;
    o.optimizer = Optimizer::None;
    o.batch = 2;
    o.seqLen = 8192;
    const MemoryReport r = estimateMemory(c, o);
    ASSERT_NE(r.find("kv_cache"), nullptr);
    EXPECT_EQ(r.find("kv_cache")->bytes, 2LL * 32 * 4096 * (2LL * 8 * 128 * 2));
    const KvCacheShape k = kvCacheShape(c, 1000);
    EXPECT_EQ(k.windowTokens, 1000); // shorter than the window: every token
    EXPECT_EQ(k.layerTokens, 32'000);
}
