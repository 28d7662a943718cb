// The activation model against Korthikanti et al. 2022 ("Reducing Activation Recomputation in
// Large Transformer Models"), Table 2, on the GPT models of their Table 3, and against
// hand-worked LLaMA terms.

#include "llamascope/activations.hpp"
#include "llamascope/bundled.hpp"
#include "llamascope/errors.hpp"
#include "llamascope/plan.hpp"

#include <gtest/gtest.h>

using namespace llamascope;

namespace {

/// One of the paper's GPT models (Table 3): a heads, h hidden, L layers, t tensor-parallel.
struct GptModel {
    const char* name;
    Count a, h, L, t;
};

constexpr GptModel kModels[] = {
    {"22B", 64, 6144, 48, 8},
    {"175B (GPT-3)", 96, 12288, 96, 8},
    {"530B", 128, 20480, 105, 8},
    {"1T", 160, 25600, 128, 8},
};

/// Their block: LayerNorm, a 4h GeLU MLP, dropout after attention probabilities and both
/// residual branches, multi-head attention; Megatron-LM's fused LayerNorm and fused softmax in
/// 16 bits.
BlockShape gptBlock(const GptModel& m)
{
    BlockShape b;
    b.hidden = m.h;
    b.heads = m.a;
    b.kvHeads = m.a;
    b.headDim = m.h / m.a;
    b.intermediate = 4 * m.h;
    b.vocab = 51200;
    b.layers = m.L;
    b.gatedMlp = false;
    b.norm = NormKind::LayerNorm;
    b.dropout = true;
    return b;
}

ActivationOptions megatron(Count t, bool sp, Recompute r)
{
    ActivationOptions o;
    o.attention = AttentionKernel::FusedSoftmax;
    o.fusedNorm = true;
    o.tensorParallel = t;
    o.sequenceParallel = sp;
    o.recompute = r;
    o.compute = StorageDtype::F16;
    return o;
}

constexpr Count kSeq = 2048;

} // namespace

// Table 2 of the paper, bytes per layer for s = 2048 and micro-batches b = 1 and 4 (the norm
// statistics, 4 fp32 values per token, are left out as the paper leaves them out):
//   no parallelism                     sbh·34 + 5·a·s²·b
//   tensor parallel                    sbh·(10 + 24/t) + 5·a·s²·b/t
//   tensor + sequence parallel         sbh·34/t + 5·a·s²·b/t
//   tensor parallel + selective        sbh·(10 + 24/t)
//   tensor + sequence + selective      sbh·34/t
//   full recompute                     2·sbh (the layer input), /t with sequence parallelism
TEST(Korthikanti, Table2OnTheirGptModels)
{
    for (const GptModel& m : kModels) {
        const BlockShape b = gptBlock(m);
        for (Count mb : {1, 4}) {
            const Count sbh = kSeq * mb * m.h, as2b = m.a * kSeq * kSeq * mb, t = m.t;
            SCOPED_TRACE(std::string(m.name) + " b=" + std::to_string(mb));
            EXPECT_EQ(layerActivationBytes(b, megatron(1, false, Recompute::None), mb, kSeq, false),
                      34 * sbh + 5 * as2b);
            EXPECT_EQ(layerActivationBytes(b, megatron(t, false, Recompute::None), mb, kSeq, false),
                      10 * sbh + 24 * sbh / t + 5 * as2b / t);
            EXPECT_EQ(layerActivationBytes(b, megatron(t, true, Recompute::None), mb, kSeq, false),
                      34 * sbh / t + 5 * as2b / t);
            EXPECT_EQ(layerActivationBytes(b, megatron(t, false, Recompute::Selective), mb, kSeq, false),
                      10 * sbh + 24 * sbh / t);
            EXPECT_EQ(layerActivationBytes(b, megatron(t, true, Recompute::Selective), mb, kSeq, false),
                      34 * sbh / t);
            EXPECT_EQ(layerActivationBytes(b, megatron(1, false, Recompute::Full), mb, kSeq, false), 2 * sbh);
            EXPECT_EQ(layerActivationBytes(b, megatron(t, true, Recompute::Full), mb, kSeq, false),
                      2 * sbh / t);
            // The statistics the paper omits: mean and 1/std of two LayerNorms, fp32.
            EXPECT_EQ(layerActivationBytes(b, megatron(1, false, Recompute::None), mb, kSeq, true) -
                          layerActivationBytes(b, megatron(1, false, Recompute::None), mb, kSeq, false),
                      kSeq * mb * 4 * 4);
        }
    }
}

TEST(Korthikanti, TheAttentionTermDominatesGpt3)
{
    // §4.1: "for GPT-3 ... 5as/h = 80", against 34 for everything else: the T×T tensors are
    // 70 % of a layer, which is why selective recomputation pays.
    const GptModel& gpt3 = kModels[1];
    const BlockShape b = gptBlock(gpt3);
    const ActivationOptions o = megatron(1, false, Recompute::None);
    Count quadratic = 0;
    for (const ActivationTerm& t : activationTerms(b, o))
        if (t.scope == ActivationScope::Layer && t.perTokenKey > 0)
            quadratic += bytesOf(activationElements(t, o, 1, kSeq), t.dtype);
    EXPECT_EQ(quadratic, 80 * kSeq * gpt3.h);
    EXPECT_EQ(5 * gpt3.a * kSeq / gpt3.h, 80);
}

// LLaMA (llama_7b: d = 4096, H = K = 32, h = 128, f = 11008), FlashAttention, fused RMSNorm, per
// token per layer, bf16 (2 B) unless noted:
//   norm inputs 2·2d = 16,384; 1/rms 2 fp32 = 8; norm outputs 2·2d = 16,384
//   Q, K, V 3·2·4096 = 24,576; attention output 8,192; log-sum-exp 32 fp32 = 128
//   SwiGLU gate, up, SiLU, product 4·2·11008 = 88,064
//   = 153,736 B. A fused SwiGLU keeps no SiLU output: 153,736 − 22,016 = 131,720.
TEST(Activations, LlamaPerTokenHandWorked)
{
    const BlockShape b = blockShapeOf(*loadBundled("llama_7b")->config);
    ActivationOptions o;
    o.fusedNorm = true;
    EXPECT_EQ(layerActivationBytes(b, o, 1, 1), 153'736);
    o.fusedSwiglu = true;
    EXPECT_EQ(layerActivationBytes(b, o, 1, 1), 131'720);
    // Tensor parallel 2 with sequence parallelism halves every term (s even).
    o.fusedSwiglu = false;
    o.tensorParallel = 2;
    o.sequenceParallel = true;
    EXPECT_EQ(layerActivationBytes(b, o, 1, 2), 153'736);
    // Without sequence parallelism the norm inputs, statistics and outputs stay whole:
    // 32,776 replicated + (153,736 − 32,776)/2 = 32,776 + 60,480 = 93,256 per token.
    o.sequenceParallel = false;
    EXPECT_EQ(layerActivationBytes(b, o, 1, 1), 93'256);
}

TEST(Activations, GroupedQueryAttentionKeepsFewerKeysOnlyWithFlash)
{
    // 8 kv heads: FlashAttention reads K and V per kv head (2·2·8·128 = 4,096 B per token);
    // SDPA in transformers repeats them to 32 heads first (16,384 B).
    BlockShape b = blockShapeOf(*loadBundled("llama_7b")->config);
    b.kvHeads = 8;
    ActivationOptions flash, sdpa;
    sdpa.attention = AttentionKernel::Sdpa;
    EXPECT_EQ(layerActivationBytes(b, sdpa, 1, 1) - layerActivationBytes(b, flash, 1, 1), 16'384 - 4'096);
}

TEST(Activations, ContextParallelSplitsTheSequence)
{
    const BlockShape b = blockShapeOf(*loadBundled("llama_7b")->config);
    ActivationOptions o;
    for (const ActivationTerm& t : activationTerms(b, o))
        EXPECT_EQ(activationElements(t, o, 2, 4096, 4) * 4, activationElements(t, o, 2, 4096, 1)) << t.key;
    EXPECT_THROW(activationElements(activationTerms(b, o).front(), o, 1, 4096, 3), InvalidArgument);
}

TEST(Activations, BadOptions)
{
    const BlockShape b = blockShapeOf(*loadBundled("llama_7b")->config);
    ActivationOptions o;
    o.sequenceParallel = true; // without tensor parallelism
    EXPECT_THROW(activationTerms(b, o), InvalidArgument);
    o.sequenceParallel = false;
    o.tensorParallel = 3; // 32 heads
    EXPECT_THROW(activationTerms(b, o), InvalidArgument);
    EXPECT_EQ(recomputeFromString("selective"), Recompute::Selective);
    EXPECT_EQ(recomputeFromString("full"), Recompute::Full);
    EXPECT_FALSE(recomputeFromString("half"));
}

// The planner uses the same terms: a stage holds its n_l layers for n_f micro-batches in flight.
// llama_7b on 8 GPUs, dp 2 × pp 4 (8 layers per stage), m = 8 micro-batches of one 2048-token
// sequence: under 1F1B the first stage holds p = 4 micro-batches, the last one. Full
// recomputation of k = 2 of the 8 layers (Megatron-LM's block method) keeps 6 whole layers and
// 2 layer inputs per micro-batch, plus one layer while it is recomputed.
TEST(Activations, PipelineStagesHoldOneFOneBMicroBatches)
{
    const ModelConfig c = *loadBundled("llama_7b")->config;
    const AcceleratorTable acc = builtinAccelerators();
    const ClusterSpec cluster = makeCluster(*acc.find("h100"), 8, 1, 0, builtinInterconnects());
    PlanOptions o;
    o.seqLen = 2048;
    o.globalBatchTokens = 16.0 * 2048;
    ParallelLayout l;
    l.dp = 2;
    l.pp = 4;
    l.accumulation = 8;
    const LayoutEvaluation e = evaluateLayout(c, cluster, o, l);
    ASSERT_EQ(e.stages.size(), 2u);
    EXPECT_EQ(e.stages[0].inFlight, 4);
    EXPECT_EQ(e.stages[1].inFlight, 1);
    const BlockShape b = blockShapeOf(c);
    const Count layer = layerActivationBytes(b, ActivationOptions{}, 1, 2048);
    auto layerTerms = [](const StageMemory& s) {
        Count sum = 0;
        for (const PlanMemoryTerm& t : s.terms)
            if (t.group == PlanMemoryGroup::Activations && t.formula.starts_with("n_l·n_f"))
                sum += t.bytes;
        return sum;
    };
    EXPECT_EQ(layerTerms(e.stages[0]), Count{8} * 4 * layer);
    EXPECT_EQ(layerTerms(e.stages[1]), Count{8} * 1 * layer);

    // Block recomputation: 2 of 8 layers per stage.
    l.recompute = Recompute::Full;
    l.recomputeLayers = 2;
    const LayoutEvaluation r = evaluateLayout(c, cluster, o, l);
    ActivationOptions full;
    full.recompute = Recompute::Full;
    const Count input = layerActivationBytes(b, full, 1, 2048); // the checkpointed input
    Count kept = 0, inputs = 0, working = 0;
    for (const PlanMemoryTerm& t : r.stages[0].terms) {
        if (t.key.ends_with("_kept"))
            kept += t.bytes;
        else if (t.key == "checkpoint_inputs")
            inputs += t.bytes;
        else if (t.key.ends_with("_recompute"))
            working += t.bytes;
    }
    EXPECT_EQ(kept, Count{6} * 4 * layer);
    EXPECT_EQ(inputs, Count{2} * 4 * input);
    EXPECT_EQ(working, layer);
}
