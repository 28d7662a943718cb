// Random init keyed by (seed, tensor name): deterministic, per-tensor, N(0, σ²).

#include "llamascope/forward/forward.hpp"
#include "llamascope/forward/init.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace llamascope {
namespace {

TEST(Init, SameKeySameValuesWhateverTheThreads)
{
    std::vector<float> a(10001), b(10001);
    fillNormal(rngKey(3, "w"), 1.0f, a, 1);
    fillNormal(rngKey(3, "w"), 1.0f, b, 2);
    EXPECT_EQ(a, b);
    fillNormal(rngKey(4, "w"), 1.0f, b, 2);
    EXPECT_NE(a, b);
    fillNormal(rngKey(3, "v"), 1.0f, b, 2);
    EXPECT_NE(a, b);
    // A prefix of a longer stream is the shorter stream: element i depends on i only.
    std::vector<float> prefix(101);
    fillNormal(rngKey(3, "w"), 1.0f, prefix, 1);
    EXPECT_TRUE(std::equal(prefix.begin(), prefix.end(), a.begin()));
}

TEST(Init, IsNormalWithTheRequestedSpread)
{
    std::vector<float> x(1 << 20);
    fillNormal(rngKey(0, "stats"), 0.02f, x, 2);
    double sum = 0, sq = 0, fourth = 0;
    for (const float v : x) {
        sum += v;
        sq += static_cast<double>(v) * v;
    }
    const double n = static_cast<double>(x.size());
    const double mean = sum / n, var = sq / n - mean * mean;
    for (const float v : x)
        fourth += std::pow((v - mean) / std::sqrt(var), 4);
    EXPECT_NEAR(mean, 0.0, 5 * 0.02 / std::sqrt(n));
    EXPECT_NEAR(std::sqrt(var), 0.02, 0.02 * 0.005);
    EXPECT_NEAR(fourth / n, 3.0, 0.05); // kurtosis of a normal
}

TEST(Init, AnyLayerCanBeMadeAlone)
{
    ModelConfig c = ModelConfig::withShape(32, 4, 4, 48, 64, 64);
    RandomWeights whole(11, 0.02), alone(11, 0.02);
    MaterialisedParameters counted;
    const ModelWeights model = loadModel(c, whole);
    const LayerWeights third = loadLayer(c, 2, alone, counted);
    EXPECT_EQ(third.q.values, model.layers[2].q.values);
    EXPECT_EQ(third.experts.at(0).down.values, model.layers[2].experts.at(0).down.values);
    EXPECT_NE(third.q.values, model.layers[1].q.values);
    ASSERT_TRUE(third.attnInNorm.has_value());
    EXPECT_EQ(third.attnInNorm->values, std::vector<float>(32, 1.0f));
    EXPECT_EQ(counted.layers, countParameters(c).perLayer.total());
}

TEST(Init, PaddingRowStartsAtZeroAsTransformersInitialisesIt)
{
    ModelConfig c = ModelConfig::withShape(32, 1, 4, 48, 64, 64);
    c.padTokenId = 3; // nn.Embedding(V, d, padding_idx = 3)
    RandomWeights w(11, 0.02);
    MaterialisedParameters counted;
    const EmbeddingWeights e = loadEmbedding(c, w, counted);
    const auto row = [&](Count r) {
        return std::vector<float>(e.tokens.values.begin() + r * 32, e.tokens.values.begin() + (r + 1) * 32);
    };
    EXPECT_EQ(row(3), std::vector<float>(32, 0.0f));
    EXPECT_NE(row(2), std::vector<float>(32, 0.0f));
    c.padTokenId = -1; // the bundled family's pad: no row
    const EmbeddingWeights none = loadEmbedding(c, w, counted);
    EXPECT_NE(std::vector<float>(none.tokens.values.begin() + 96, none.tokens.values.begin() + 128),
              std::vector<float>(32, 0.0f));
}

TEST(Init, BiasesStartAtZero)
{
    const Tensor b = makeInitTensor({"x.bias", {5}, TensorRole::Bias}, 1, 0.02);
    EXPECT_EQ(b.values, std::vector<float>(5, 0.0f));
}

TEST(Init, RandomTokensAreInRangeAndDeterministic)
{
    const std::vector<std::int64_t> t = randomTokens(5, 7, 1000);
    EXPECT_EQ(t, randomTokens(5, 7, 1000));
    for (const std::int64_t id : t)
        EXPECT_TRUE(id >= 0 && id < 7);
    EXPECT_NE(t, randomTokens(6, 7, 1000));
}

} // namespace
} // namespace llamascope
