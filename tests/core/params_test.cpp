// Parameter counts against published totals (independent sources: the model cards /
// expected.json, SPEC §6 checks) and against the formula worked by hand.

#include "llamascope/analysis.hpp"
#include "llamascope/bundled.hpp"
#include "llamascope/validate.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace llamascope;

namespace {

ModelConfig bundled(std::string_view name)
{
    auto r = loadBundled(name);
    EXPECT_TRUE(r.has_value()) << name;
    EXPECT_TRUE(r->config.has_value()) << name;
    return *r->config;
}

} // namespace

TEST(Params, PublishedBundledTotals)
{
    EXPECT_EQ(countParameters(bundled("llama_7b")).total, 6'738'415'616);
    EXPECT_EQ(countParameters(bundled("llama_130m")).total, 134'105'856);
    EXPECT_EQ(countParameters(bundled("llama_130m_learned_pos")).total, 134'892'288);
    EXPECT_EQ(countParameters(bundled("llama_60m")).total, 58'073'600);
}

TEST(Params, HandWorked130m)
{
    // V=32000, d=768, L=12, f=2048 (worked by hand, docs/formulas.md):
    // embedding 24,576,000; per layer 4·768² + 3·768·2048 + 2·768 = 7,079,424.
    const ParameterCounts p = countParameters(bundled("llama_130m"));
    EXPECT_EQ(p.embedding, 24'576'000);
    EXPECT_EQ(p.lmHead, 24'576'000);
    EXPECT_EQ(p.perLayer.total(), 7'079'424);
    EXPECT_EQ(p.perLayer.attention(), 2'359'296);
    EXPECT_EQ(p.perLayer.mlp(), 4'718'592);
    EXPECT_EQ(p.finalNorm, 768);
    EXPECT_EQ(p.nonEmbedding, 84'953'856);
    EXPECT_EQ(p.tiedEquivalent, 109'529'856);
    EXPECT_EQ(p.attention + p.mlp + p.norms + p.embedding + p.lmHead + p.positionTable, p.total);
}

TEST(Params, PositionVariants)
{
    // Only the learned table adds parameters: P·d = 1024·768 = 786,432.
    EXPECT_EQ(countParameters(bundled("llama_130m_learned_pos")).positionTable, 786'432);
    EXPECT_EQ(countParameters(bundled("llama_130m_sinusoidal_pos")).total, 134'105'856);
    EXPECT_EQ(countParameters(bundled("llama_130m_no_pos")).total, 134'105'856);
    // Non-embedding excludes the position table too.
    EXPECT_EQ(countParameters(bundled("llama_130m_learned_pos")).nonEmbedding, 84'953'856);
}

TEST(Params, RealWorldFilesMatchExpectedJson)
{
    const std::filesystem::path dir = std::filesystem::path(TEST_DATA_DIR) / "realworld";
    std::ifstream in(dir / "expected.json");
    ASSERT_TRUE(in) << "missing expected.json";
    const nlohmann::json expected = nlohmann::json::parse(in);
    int checked = 0;
    for (const auto& [name, entry] : expected.items()) {
        LoadResult r = loadConfigFile(dir / (name + ".json"));
        ASSERT_TRUE(r.config.has_value()) << name << " did not validate";
        EXPECT_EQ(countParameters(*r.config).total, entry.at("total_params").get<std::int64_t>()) << name;
        ++checked;
    }
    EXPECT_EQ(checked, 3);
}

TEST(Params, SmolLmTiedGqa)
{
    // SmolLM-135M: tied, 9 heads / 3 kv heads; published 134,515,008.
    LoadResult r = loadConfigFile(std::filesystem::path(TEST_DATA_DIR) / "realworld" / "smollm-135m.json");
    ASSERT_TRUE(r.config);
    const ParameterCounts p = countParameters(*r.config);
    EXPECT_EQ(p.lmHead, 0);
    EXPECT_EQ(p.perLayer.kProj, 576 * 3 * 64);
    EXPECT_EQ(p.total, 134'515'008);
    EXPECT_EQ(p.tiedEquivalent, p.total);
}

TEST(Params, BiasesAndExplicitHeadDim)
{
    ModelConfig c = ModelConfig::withShape(64, 2, 4, 160, 100, 32);
    c.numKeyValueHeads = 2;
    c.headDim = 24; // != 64/4
    c.attention.qkvBias = c.attention.outputBias = true;
    c.mlp.bias = true;
    const ParameterCounts p = countParameters(c);
    // q 64·96, k,v 64·48 each, o 96·64, biases 96+48+48+64.
    EXPECT_EQ(p.perLayer.attention(), 64 * 96 + 2 * 64 * 48 + 96 * 64 + (96 + 48 + 48 + 64));
    // gate/up/down 3·64·160, biases 160+160+64.
    EXPECT_EQ(p.perLayer.mlp(), 3 * 64 * 160 + 160 + 160 + 64);
    EXPECT_EQ(p.total, Count{2} * 100 * 64 + 2 * (p.perLayer.attention() + p.perLayer.mlp() + 128) + 64);
}

TEST(Params, OverflowThrowsInsteadOfWrapping)
{
    ModelConfig c = ModelConfig::withShape(4'000'000'000'000, 32, 32, 11008);
    EXPECT_THROW((void)countParameters(c), CountOverflow);
}
