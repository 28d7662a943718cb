// Measured (materialised parameters, executed FLOPs) equals analytic, integer for integer,
// across variants; streamed and resident runs agree bit for bit.

#include "llamascope/bundled.hpp"
#include "llamascope/errors.hpp"
#include "llamascope/forward/forward.hpp"
#include "llamascope/forward/verify.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace llamascope {
namespace {

ModelConfig small()
{
    ModelConfig c = ModelConfig::withShape(32, 2, 4, 48, 64, 64);
    c.name = "small";
    return c;
}

ForwardResult run(const ModelConfig& c, Count batch, Count seq, Count budget = 0, bool keep = false,
                  int threads = 2)
{
    RandomWeights w(7, c.initializerRange);
    ForwardOptions o;
    o.batch = batch;
    o.seqLen = seq;
    o.seed = 7;
    o.threads = threads;
    o.maxMemoryBytes = budget;
    o.keepLogits = keep;
    return runForward(c, w, o);
}

void expectCountsMatch(const ModelConfig& c, Count batch, Count seq)
{
    const ForwardResult r = run(c, batch, seq);
    EXPECT_TRUE(r.paramsMatch()) << c.name << ": measured " << r.measuredParams.total() << " analytic "
                                 << r.analyticParams.total;
    EXPECT_TRUE(r.flopsMatch()) << c.name << ": measured " << r.measuredFlops.total() << " analytic "
                                << r.analyticFlops.total();
    EXPECT_EQ(r.measuredFlops.scores, r.analyticFlops.scores) << c.name;
    EXPECT_EQ(r.measuredFlops.mixing, r.analyticFlops.mixing) << c.name;
}

TEST(ForwardCounts, MatchAcrossVariants)
{
    ModelConfig c = small();
    // Sequence lengths around the 64-row causal block: the diagonal scheme must not double count.
    for (Count seq : {1, 2, 63, 64, 65, 130})
        expectCountsMatch(c, 1, seq);
    expectCountsMatch(c, 3, 17);

    ModelConfig gqa = small();
    gqa.numKeyValueHeads = 2;
    expectCountsMatch(gqa, 2, 9);

    ModelConfig odd = small();
    odd.headDim = 6; // head_dim ≠ d/H
    odd.numKeyValueHeads = 1;
    expectCountsMatch(odd, 1, 11);

    ModelConfig tied = small();
    tied.tieWordEmbeddings = true;
    expectCountsMatch(tied, 1, 8);

    ModelConfig biased = small();
    biased.attention.qkvBias = biased.attention.outputBias = true;
    biased.mlp.bias = true;
    expectCountsMatch(biased, 1, 8);

    for (PositionType p : {PositionType::Learned, PositionType::Sinusoidal, PositionType::None}) {
        ModelConfig v = small();
        v.positionType = p;
        expectCountsMatch(v, 2, 12);
    }
}

TEST(ForwardCounts, MeasuredIsIndependentOfTheAnalyticFormula)
{
    // Hand-worked for d=32, L=2, H=4, h=8, f=48, V=64, T=5 (causal pairs 15 per head):
    // q,k,v,o: 2·5·32·32·2 = 20480 each; gate/up/down: 2·5·32·48·2 = 30720 each;
    // scores = mixing = 2·8·15·4·2 = 1920; lm_head 2·5·32·64 = 20480.
    const ForwardResult r = run(small(), 1, 5);
    EXPECT_EQ(r.measuredFlops.qProj, 20480);
    EXPECT_EQ(r.measuredFlops.oProj, 20480);
    EXPECT_EQ(r.measuredFlops.downProj, 30720);
    EXPECT_EQ(r.measuredFlops.scores, 1920);
    EXPECT_EQ(r.measuredFlops.mixing, 1920);
    EXPECT_EQ(r.measuredFlops.lmHead, 20480);
    // Parameters: embedding 2048, lm_head 2048, per layer 4·1024 + 3·1536 + 64 = 8768, norm 32.
    EXPECT_EQ(r.measuredParams.total(), 2048 + 2048 + 2 * 8768 + 32);
}

TEST(ForwardCounts, StreamedEqualsResidentBitForBit)
{
    const ModelConfig c = small();
    const ForwardResult resident = run(c, 2, 10, 0, true);
    // A budget below the whole model but above one layer forces streaming.
    const MemoryPlan plan = planMemory(c, 2, 10, 2, true);
    const ForwardResult streamed = run(c, 2, 10, plan.streamedTotal(), true);
    ASSERT_EQ(resident.residency, WeightResidency::Resident);
    ASSERT_EQ(streamed.residency, WeightResidency::Streamed);
    EXPECT_EQ(resident.logits, streamed.logits);
    EXPECT_EQ(resident.loss, streamed.loss);
    EXPECT_TRUE(streamed.paramsMatch());
    EXPECT_TRUE(streamed.flopsMatch());
}

TEST(ForwardCounts, BudgetTooSmallIsRefusedUpFront)
{
    EXPECT_THROW(run(small(), 1, 8, 1024), InvalidArgument);
}

TEST(ForwardCounts, ThreadCountDoesNotChangeTheResult)
{
    const ForwardResult one = run(small(), 2, 70, 0, true, 1);
    const ForwardResult two = run(small(), 2, 70, 0, true, 2);
    ASSERT_EQ(one.logits.size(), two.logits.size());
    float maxAbs = 0, maxDiff = 0;
    for (std::size_t i = 0; i < one.logits.size(); ++i) {
        maxAbs = std::max(maxAbs, std::abs(one.logits[i]));
        maxDiff = std::max(maxDiff, std::abs(one.logits[i] - two.logits[i]));
    }
    EXPECT_LE(maxDiff, 1e-6f * maxAbs);
}

class CancelAfter final : public Progress {
public:
    explicit CancelAfter(int reports) : left_(reports) {}
    void report(double, std::string_view) override { --left_; }
    [[nodiscard]] bool isCancelled() const override { return left_ <= 0; }

private:
    int left_;
};

TEST(ForwardCounts, CancelStopsBetweenLayers)
{
    ModelConfig c = small();
    RandomWeights w(0, 0.02);
    ForwardOptions o;
    o.seqLen = 8;
    CancelAfter cancel(2);
    EXPECT_THROW(runForward(c, w, o, &cancel), Cancelled);
}

TEST(ForwardCounts, BadTokensAreRefused)
{
    ModelConfig c = small();
    RandomWeights w(0, 0.02);
    ForwardOptions o;
    o.seqLen = 3;
    o.tokens = {1, 2, 64};
    EXPECT_THROW(runForward(c, w, o), InvalidArgument);
    o.tokens = {1, 2};
    EXPECT_THROW(runForward(c, w, o), InvalidArgument);
}

TEST(ForwardCounts, VerifySmallBundledConfigs)
{
    std::vector<ModelConfig> configs;
    for (const char* name : {"llama_9m", "llama_20m"})
        configs.push_back(*loadBundled(name)->config);
    VerifyOptions o;
    o.seqLen = 16;
    const std::vector<VerifyRow> rows = verifyConfigs(configs, o);
    ASSERT_EQ(rows.size(), 2u);
    for (const VerifyRow& row : rows)
        EXPECT_TRUE(row.ok()) << row.name;
}

} // namespace
} // namespace llamascope
