// A snapshot folder's weights against its config (checkSnapshotWeights, and loadSource which
// reports it): names from the index, shapes from the shard headers that are present.

#include "test_util.hpp"

#include "llamascope/forward/snapshot.hpp"
#include "llamascope/sources.hpp"
#include "llamascope/validate.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>

namespace llamascope {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> codes(const std::vector<Finding>& findings)
{
    std::vector<std::string> out;
    out.reserve(findings.size());
    for (const Finding& f : findings)
        out.emplace_back(f.codeName());
    return out;
}

// A snapshot folder holding a fixture's config and its shards (or some of them).
fs::path copyFixture(const test::TempDir& tmp, const std::string& variant, bool shards = true)
{
    fs::path dir = tmp.path() / variant;
    fs::create_directories(dir);
    for (const fs::directory_entry& e : fs::directory_iterator(test::fixture(variant))) {
        const std::string name = e.path().filename().string();
        if (name == "config.json" || name == "model.safetensors.index.json" ||
            (shards && name.ends_with(".safetensors")))
            fs::copy_file(e.path(), dir / name);
    }
    return dir;
}

TEST(SnapshotWeights, EveryFamilyFixtureMatchesItsConfig)
{
    for (const char* variant : {"rope", "tied", "sharded", "qwen2", "qwen3", "olmo2", "gemma", "gemma2",
                                "mistral", "mixtral", "phi3_short"}) {
        const std::vector<Finding> f =
            checkSnapshotWeights(test::fixtureConfig(variant), test::fixture(variant));
        EXPECT_TRUE(f.empty()) << variant << ": " << (f.empty() ? "" : f.front().message);
    }
}

TEST(SnapshotWeights, ShapeFromAShardHeaderIsAnErrorNamingTheTensor)
{
    test::TempDir tmp;
    const fs::path dir = copyFixture(tmp, "sharded");
    ModelConfig c = test::fixtureConfig("sharded");
    c.intermediateSize = 48;
    const std::vector<Finding> f = checkSnapshotWeights(c, dir);
    ASSERT_EQ(f.size(), 6u); // gate, up, down in each of 2 layers
    EXPECT_EQ(f[0].codeName(), "weights-shape");
    EXPECT_EQ(f[0].severity(), Severity::Error);
    EXPECT_NE(f[0].message.find(
                  "model.layers.0.mlp.gate_proj.weight: checkpoint has [40, 16], config expects [48, 16]"),
              std::string::npos)
        << f[0].message;
    EXPECT_NE(f[0].message.find(".safetensors"), std::string::npos) << f[0].message; // names the shard
}

TEST(SnapshotWeights, IndexAloneIsCheckedByName)
{
    test::TempDir tmp;
    const fs::path dir = copyFixture(tmp, "sharded", false); // config and index, no shards
    ModelConfig c = test::fixtureConfig("sharded");
    EXPECT_TRUE(checkSnapshotWeights(c, dir).empty());
    c.intermediateSize = 48; // shapes are unknown without the shards: nothing to say
    EXPECT_TRUE(checkSnapshotWeights(c, dir).empty());
    c.numHiddenLayers = 3; // 9 tensors of layer 2 missing: 8 named, then a summary
    const std::vector<Finding> f = checkSnapshotWeights(c, dir);
    ASSERT_EQ(f.size(), 9u);
    for (const Finding& x : f) {
        EXPECT_EQ(x.codeName(), "weights-tensors");
        EXPECT_EQ(x.severity(), Severity::Warning);
    }
    EXPECT_NE(f[0].message.find("model.layers.2.input_layernorm.weight: missing from the checkpoint"),
              std::string::npos)
        << f[0].message;
    EXPECT_NE(f[8].message.find("1 more tensor missing"), std::string::npos) << f[8].message;
    c.numHiddenLayers = 1; // layer 1's tensors have no place
    const std::vector<Finding> extra = checkSnapshotWeights(c, dir);
    ASSERT_FALSE(extra.empty());
    EXPECT_NE(extra[0].message.find("model.layers.1."), std::string::npos) << extra[0].message;
    EXPECT_NE(extra[0].message.find("config has no such tensor"), std::string::npos) << extra[0].message;
}

TEST(SnapshotWeights, UnreadableIndexIsAWarning)
{
    test::TempDir tmp;
    const fs::path dir = copyFixture(tmp, "sharded", false);
    test::writeBytes(dir / "model.safetensors.index.json", "{\"weight_map\": [1, 2]}");
    EXPECT_EQ(codes(checkSnapshotWeights(test::fixtureConfig("sharded"), dir)),
              std::vector<std::string>{"weights-unreadable"});
    test::writeBytes(dir / "model.safetensors.index.json",
                     "{\"weight_map\": {\"a\": \"../elsewhere.safetensors\"}}");
    EXPECT_EQ(codes(checkSnapshotWeights(test::fixtureConfig("sharded"), dir)),
              std::vector<std::string>{"weights-unreadable"});
    test::writeBytes(dir / "model.safetensors.index.json", "not json");
    EXPECT_EQ(codes(checkSnapshotWeights(test::fixtureConfig("sharded"), dir)),
              std::vector<std::string>{"weights-unreadable"});
}

TEST(SnapshotWeights, LyingShardHeaderIsAWarningAndNamesAreStillChecked)
{
    test::TempDir tmp;
    const fs::path dir = copyFixture(tmp, "sharded");
    test::writeBytes(dir / "model-00001-of-00002.safetensors", test::safetensorsImage("{}", "", 1ull << 63));
    const std::vector<Finding> f = checkSnapshotWeights(test::fixtureConfig("sharded"), dir);
    ASSERT_EQ(codes(f), std::vector<std::string>{"weights-unreadable"});
    EXPECT_NE(f[0].message.find("model-00001-of-00002.safetensors"), std::string::npos) << f[0].message;
}

TEST(SnapshotWeights, LoadSourceReportsItAndDropsAConfigThatDoesNotFitItsWeights)
{
    test::TempDir tmp;
    const fs::path dir = copyFixture(tmp, "rope");
    LoadResult ok = loadSource(findModels({dir.string()}).models.at(0));
    EXPECT_TRUE(ok.config.has_value());
    // The same folder with a config whose MLP is wider than its weights.
    nlohmann::json cfg = nlohmann::json::parse(std::ifstream(dir / "config.json"));
    cfg["intermediate_size"] = 48;
    test::writeBytes(dir / "config.json", cfg.dump());
    const LoadResult bad = loadSource(findModels({dir.string()}).models.at(0));
    EXPECT_FALSE(bad.config.has_value());
    const std::vector<std::string> c = codes(bad.report.findings);
    EXPECT_EQ(std::count(c.begin(), c.end(), "weights-shape"), 6);
    // A config file outside a snapshot is not checked against anything.
    EXPECT_TRUE(loadConfigFile(dir / "config.json").config.has_value());
}

TEST(SnapshotWeights, QuantizedConfigIsNotChecked)
{
    test::TempDir tmp;
    const fs::path dir = copyFixture(tmp, "rope");
    nlohmann::json cfg = nlohmann::json::parse(std::ifstream(dir / "config.json"));
    cfg["intermediate_size"] = 48;
    cfg["quantization_config"] = {{"quant_method", "gptq"}, {"bits", 4}};
    test::writeBytes(dir / "config.json", cfg.dump());
    const LoadResult r = loadSource(findModels({dir.string()}).models.at(0));
    ASSERT_TRUE(r.config.has_value());
    EXPECT_TRUE(checkSnapshotWeights(*r.config, dir).empty());
}

} // namespace
} // namespace llamascope
