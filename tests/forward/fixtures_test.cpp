// The C++ forward pass against PyTorch (tools/make_forward_fixtures.py, float64 truth):
// max|Δlogit| ≤ 1e-4 · max|logit| for every variant (SPEC §11), under every kernel build
// (forward/kernels.hpp) this CPU can run.

#include "test_util.hpp"

#include "llamascope/forward/forward.hpp"
#include "llamascope/forward/kernels.hpp"
#include "llamascope/validate.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <fstream>
#include <tuple>

namespace llamascope {
namespace {

struct Expected {
    Count batch = 0, seq = 0;
    std::vector<std::int64_t> tokens;
    double loss = 0;
    test::Npy logits;
};

Expected readExpected(const std::string& variant)
{
    std::ifstream in(test::fixture(variant) / "expected.json");
    const nlohmann::json j = nlohmann::json::parse(in);
    Expected e;
    e.batch = j.at("batch").get<Count>();
    e.seq = j.at("seq").get<Count>();
    for (const nlohmann::json& row : j.at("tokens"))
        for (const nlohmann::json& id : row)
            e.tokens.push_back(id.get<std::int64_t>());
    e.loss = j.at("loss").get<double>();
    e.logits = test::readNpy(test::fixture(variant) / "logits.npy");
    return e;
}

ForwardResult runFixture(const std::string& variant, const Expected& e, Count budget = 0,
                         std::optional<KernelSet> kernels = std::nullopt, int threads = 2)
{
    const ModelConfig config = test::fixtureConfig(variant);
    CheckpointWeights weights = CheckpointWeights::open(test::fixture(variant));
    ForwardOptions o;
    o.batch = e.batch;
    o.seqLen = e.seq;
    o.tokens = e.tokens;
    o.keepLogits = true;
    o.threads = threads;
    o.maxMemoryBytes = budget;
    o.kernels = kernels;
    return runForward(config, weights, o);
}

void skipUnlessSupported(KernelSet set)
{
    std::string missing;
    for (const std::string& f : missingCpuFeatures(set))
        missing += " " + f;
    if (!missing.empty())
        GTEST_SKIP() << "this CPU cannot run the " << toString(set) << " kernels: it lacks" << missing;
}

class Fixture : public ::testing::TestWithParam<std::tuple<std::string, KernelSet>> {};

TEST_P(Fixture, LogitsMatchPyTorch)
{
    const auto [variant, kernels] = GetParam();
    skipUnlessSupported(kernels);
    const Expected e = readExpected(variant);
    const ForwardResult r = runFixture(variant, e, 0, kernels);
    EXPECT_EQ(r.kernels.set, kernels);
    ASSERT_EQ(e.logits.shape.size(), 3u);
    const ModelConfig config = test::fixtureConfig(variant);
    EXPECT_EQ(e.logits.shape, (std::vector<Count>{e.batch, e.seq, config.vocabSize}));
    ASSERT_EQ(r.logits.size(), e.logits.values.size());
    float maxAbs = 0, maxDiff = 0;
    std::size_t worst = 0;
    for (std::size_t i = 0; i < r.logits.size(); ++i) {
        maxAbs = std::max(maxAbs, std::abs(e.logits.values[i]));
        const float diff = std::abs(r.logits[i] - e.logits.values[i]);
        if (diff > maxDiff) {
            maxDiff = diff;
            worst = i;
        }
    }
    const float normalised = maxDiff / maxAbs;
    EXPECT_LE(normalised, 1e-4f) << variant << " (" << toString(kernels) << "): max|Δ| " << maxDiff
                                 << " at flat index " << worst << " (ours " << r.logits[worst] << ", PyTorch "
                                 << e.logits.values[worst] << "), max|logit| " << maxAbs;
    ASSERT_TRUE(r.loss.has_value());
    EXPECT_NEAR(*r.loss, e.loss, 1e-4 * e.loss) << variant;
    EXPECT_TRUE(r.paramsMatch()) << variant;
    EXPECT_TRUE(r.flopsMatch()) << variant;
    RecordProperty("normalised_error", std::to_string(normalised));
}

INSTANTIATE_TEST_SUITE_P(Variants, Fixture,
                         ::testing::Combine(::testing::Values("rope", "learned", "sinusoidal", "none", "gqa",
                                                              "tied", "head_dim", "bias", "f16", "bf16",
                                                              "sharded"),
                                            ::testing::ValuesIn(builtKernelSets())),
                         [](const ::testing::TestParamInfo<Fixture::ParamType>& p) {
                             return std::get<0>(p.param) + "_" + std::string(toString(std::get<1>(p.param)));
                         });

class ThreadCount : public ::testing::TestWithParam<KernelSet> {};

TEST_P(ThreadCount, ChangesNoBitOfTheLogits)
{
    // Each kernel sums every output in an order that does not depend on how the work is split,
    // so 1, 2 or 3 threads give the same logits, bit for bit.
    skipUnlessSupported(GetParam());
    // mistral: windowed attention; gemma2: soft caps and a custom score scale.
    for (const std::string variant : {"rope", "gqa", "mistral", "gemma2"}) {
        const Expected e = readExpected(variant);
        const ForwardResult one = runFixture(variant, e, 0, GetParam(), 1);
        for (const int threads : {2, 3}) {
            const ForwardResult many = runFixture(variant, e, 0, GetParam(), threads);
            ASSERT_EQ(one.logits.size(), many.logits.size());
            EXPECT_EQ(std::memcmp(one.logits.data(), many.logits.data(), one.logits.size() * sizeof(float)),
                      0)
                << variant << " with " << threads << " threads";
            EXPECT_EQ(one.loss, many.loss);
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Builds, ThreadCount, ::testing::ValuesIn(builtKernelSets()),
                         [](const ::testing::TestParamInfo<KernelSet>& p) {
                             return std::string(toString(p.param));
                         });

// One per feature of the nine families (tools/make_forward_fixtures.py FAMILY_VARIANTS).
// Each under every kernel build, as the LLaMA variants.
INSTANTIATE_TEST_SUITE_P(Families, Fixture,
                         ::testing::Combine(::testing::Values("qwen2", "qwen3", "olmo2", "gemma", "gemma2",
                                                              "mistral", "mixtral", "phi3_short", "phi3_long",
                                                              "rope_linear", "rope_dynamic", "rope_yarn",
                                                              "rope_yarn_mscale", "rope_llama3", "gelu"),
                                            ::testing::ValuesIn(builtKernelSets())),
                         [](const ::testing::TestParamInfo<Fixture::ParamType>& p) {
                             return std::get<0>(p.param) + "_" + std::string(toString(std::get<1>(p.param)));
                         });

TEST(FixtureRuns, StreamedMixtureOfExpertsEqualsResident)
{
    const Expected e = readExpected("mixtral");
    const ForwardResult resident = runFixture("mixtral", e);
    const MemoryPlan plan = planMemory(test::fixtureConfig("mixtral"), e.batch, e.seq, 2, true);
    const ForwardResult streamed = runFixture("mixtral", e, plan.streamedTotal());
    ASSERT_EQ(streamed.residency, WeightResidency::Streamed);
    EXPECT_EQ(resident.logits, streamed.logits);
}

TEST(FixtureRuns, StreamedCheckpointEqualsResident)
{
    const Expected e = readExpected("sharded");
    const ForwardResult resident = runFixture("sharded", e);
    const MemoryPlan plan = planMemory(test::fixtureConfig("sharded"), e.batch, e.seq, 2, true);
    const ForwardResult streamed = runFixture("sharded", e, plan.streamedTotal());
    ASSERT_EQ(streamed.residency, WeightResidency::Streamed);
    EXPECT_EQ(resident.logits, streamed.logits);
}

TEST(FixtureRuns, MismatchedCheckpointIsRefusedByName)
{
    const LoadResult loaded = loadConfigFile(test::fixture("mismatch_config.json"));
    ASSERT_TRUE(loaded.config);
    CheckpointWeights weights = CheckpointWeights::open(test::fixture("rope") / "model.safetensors");
    ForwardOptions o;
    o.seqLen = 4;
    try {
        runForward(*loaded.config, weights, o);
        FAIL() << "a checkpoint with intermediate 40 ran under a config with intermediate 48";
    } catch (const CheckpointMismatch& e) {
        const std::string what = e.what();
        EXPECT_NE(
            what.find(
                "model.layers.0.mlp.gate_proj.weight: checkpoint has [40, 16], config expects [48, 16]"),
            std::string::npos)
            << what;
        EXPECT_NE(
            what.find(
                "model.layers.1.mlp.down_proj.weight: checkpoint has [16, 40], config expects [16, 48]"),
            std::string::npos)
            << what;
        EXPECT_EQ(e.problems().size(), 6u) << what; // gate, up, down in each of 2 layers
    }
}

TEST(FixtureRuns, UntiedConfigOnTiedCheckpointNamesTheMissingHead)
{
    ModelConfig c = test::fixtureConfig("tied");
    c.tieWordEmbeddings = false;
    CheckpointWeights weights = CheckpointWeights::open(test::fixture("tied"));
    const std::vector<std::string> problems = weights.mismatches(allSpecs(c));
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0], "lm_head.weight: missing from the checkpoint, config expects [48, 16]");
}

TEST(FixtureRuns, ExtraLayersInTheCheckpointAreReported)
{
    ModelConfig c = test::fixtureConfig("rope");
    c.numHiddenLayers = 1;
    CheckpointWeights weights = CheckpointWeights::open(test::fixture("rope"));
    const std::vector<std::string> problems = weights.mismatches(allSpecs(c));
    ASSERT_FALSE(problems.empty());
    EXPECT_NE(problems[0].find("model.layers.1."), std::string::npos) << problems[0];
    EXPECT_NE(problems[0].find("config has no such tensor"), std::string::npos) << problems[0];
}

} // namespace
} // namespace llamascope
