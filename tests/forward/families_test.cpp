// `verify` on one small random config per family: the parameters the forward pass
// materialised and the matmul FLOPs it executed equal the analytic counts, component by
// component, integer for integer (SPEC §13). Two hand-worked counts (a mixture of experts, a
// sliding window) keep the check independent of the analytic formulas.

#include "llamascope/forward/verify.hpp"
#include "llamascope/validate.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>

namespace llamascope {
namespace {

// d = 32, L = 3, H = 4, K = 2, h = 8, f = 24, V = 64, and each family's own traits, with
// windows shorter than the T = 20 of the runs below.
const std::map<std::string, std::string>& familyConfigs()
{
    static const std::map<std::string, std::string> configs = {
        {"llama", R"({"model_type": "llama", "attention_bias": true, "mlp_bias": true})"},
        {"mistral", R"({"model_type": "mistral", "sliding_window": 6})"},
        {"mixtral", R"({"model_type": "mixtral", "num_local_experts": 4, "num_experts_per_tok": 2,
                        "sliding_window": 9})"},
        {"qwen2", R"({"model_type": "qwen2", "use_sliding_window": true, "sliding_window": 5,
                      "max_window_layers": 1})"},
        {"qwen3", R"({"model_type": "qwen3", "head_dim": 8})"},
        {"gemma", R"({"model_type": "gemma", "head_dim": 8})"},
        {"gemma2",
         R"({"model_type": "gemma2", "head_dim": 8, "sliding_window": 7, "query_pre_attn_scalar": 8})"},
        {"phi3",
         R"({"model_type": "phi3", "partial_rotary_factor": 0.5, "original_max_position_embeddings": 16,
                     "rope_scaling": {"type": "longrope", "short_factor": [1, 1], "long_factor": [2, 3]}})"},
        {"olmo2", R"({"model_type": "olmo2"})"},
    };
    return configs;
}

ModelConfig familyConfig(const std::string& family)
{
    nlohmann::ordered_json j = nlohmann::ordered_json::parse(familyConfigs().at(family));
    const nlohmann::ordered_json shape = {{"hidden_size", 32},
                                          {"intermediate_size", 24},
                                          {"num_hidden_layers", 3},
                                          {"num_attention_heads", 4},
                                          {"num_key_value_heads", 2},
                                          {"vocab_size", 64},
                                          {"max_position_embeddings", 64},
                                          {"tie_word_embeddings", false}};
    for (const auto& [key, value] : shape.items())
        if (!j.contains(key))
            j[key] = value;
    const LoadResult r = loadConfigText(j.dump(), family + ".json");
    if (!r.config) {
        ADD_FAILURE() << family << " does not validate";
        return {};
    }
    return *r.config;
}

class Family : public ::testing::TestWithParam<std::string> {};

TEST_P(Family, VerifiesIntegerForInteger)
{
    const ModelConfig c = familyConfig(GetParam());
    VerifyOptions o;
    o.seqLen = 20;
    o.threads = 2;
    const VerifyRow row = verifyConfig(c, o);
    const ForwardResult& r = row.result;
    EXPECT_TRUE(row.ok()) << c.name;
    const ParameterCounts& a = r.analyticParams;
    const MaterialisedParameters& m = r.measuredParams;
    EXPECT_EQ(m.embedding, a.embedding);
    EXPECT_EQ(m.layers, a.layers);
    EXPECT_EQ(m.attention, a.attention);
    EXPECT_EQ(m.mlp, a.mlp);
    EXPECT_EQ(m.norms, a.norms);
    EXPECT_EQ(m.lmHead, a.lmHead);
    EXPECT_EQ(m.total(), a.total);
    const ExactMatmulFlops &fa = r.analyticFlops, &fm = r.measuredFlops;
    EXPECT_EQ(fm.qProj, fa.qProj);
    EXPECT_EQ(fm.kProj, fa.kProj);
    EXPECT_EQ(fm.vProj, fa.vProj);
    EXPECT_EQ(fm.oProj, fa.oProj);
    EXPECT_EQ(fm.gateProj, fa.gateProj);
    EXPECT_EQ(fm.upProj, fa.upProj);
    EXPECT_EQ(fm.downProj, fa.downProj);
    EXPECT_EQ(fm.router, fa.router);
    EXPECT_EQ(fm.scores, fa.scores);
    EXPECT_EQ(fm.mixing, fa.mixing);
    EXPECT_EQ(fm.lmHead, fa.lmHead);
    ASSERT_TRUE(r.loss.has_value());
    // Random init: a loss near ln V (d·σ²/2 above it is 0.0064 here; tied Gemma scales by √d).
    EXPECT_NEAR(*r.loss, r.lnVocab, 0.25) << c.name;
}

INSTANTIATE_TEST_SUITE_P(Nine, Family,
                         ::testing::Values("llama", "mistral", "mixtral", "qwen2", "qwen3", "gemma", "gemma2",
                                           "phi3", "olmo2"));

TEST(FamilyCounts, MixtureOfExpertsHandWorked)
{
    // d = 32, L = 3, H = 4, K = 2, h = 8, f = 24, V = 64, E = 4, k = 2, window 9 ≥ T = 5.
    const ModelConfig c = familyConfig("mixtral");
    RandomWeights w(3, c.initializerRange);
    ForwardOptions o;
    o.seqLen = 5;
    const ForwardResult r = runForward(c, w, o);
    // Each token runs 2 experts: gate = up = down = 2 · 2·5·32·24 · 3 layers = 46,080.
    EXPECT_EQ(r.measuredFlops.gateProj, 46080);
    EXPECT_EQ(r.measuredFlops.upProj, 46080);
    EXPECT_EQ(r.measuredFlops.downProj, 46080);
    EXPECT_EQ(r.measuredFlops.router, 2 * 5 * 32 * 4 * 3); // 3,840
    // Parameters: attention 32·32 + 2·32·16 + 16·32·2 … = q 1024, k 512, v 512, o 1024;
    // MLP router 128 + 4 experts · 3·32·24 = 9,344; norms 2·32; per layer 12,480.
    EXPECT_EQ(r.measuredParams.layers, 3 * 12480);
    EXPECT_EQ(r.measuredParams.mlp, 3 * 9344);
    EXPECT_EQ(r.measuredParams.total(), 2048 + 2048 + 3 * 12480 + 32);
    // A token uses 2 of the 4 experts: 3 layers · 2 · 2,304 parameters fewer.
    EXPECT_EQ(r.analyticParams.active, r.analyticParams.total - Count{3} * 2 * 2304);
}

TEST(FamilyCounts, SlidingWindowHandWorked)
{
    // Mistral, window 6 on all 3 layers, T = 20: query t sees min(t + 1, 6) keys, so
    // 21 + 14·6 = 105 pairs per head instead of 210. Scores = 2·h·105·H·L = 2·8·105·4·3.
    const ModelConfig c = familyConfig("mistral");
    RandomWeights w(3, c.initializerRange);
    ForwardOptions o;
    o.seqLen = 20;
    o.batch = 2;
    const ForwardResult r = runForward(c, w, o);
    EXPECT_EQ(r.measuredFlops.scores, 2 * 2 * 8 * 105 * 4 * 3);
    EXPECT_EQ(r.measuredFlops.mixing, 2 * 2 * 8 * 105 * 4 * 3);
    // Gemma 2 slides on layers 0 and 2 only (window 7): 28 + 13·7 = 119 pairs there, 210 on layer 1.
    const ForwardResult g = runForward(familyConfig("gemma2"), w, o);
    EXPECT_EQ(g.measuredFlops.scores, 2 * 2 * 8 * (119 + 210 + 119) * 4);
}

} // namespace
} // namespace llamascope
