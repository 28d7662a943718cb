// Side-by-side diffs (compare --diff, the desktop app's side-by-side view) and the published
// family's known quirks, checked against hand-worked values and the bundled files themselves.

#include "llamascope/bundled.hpp"
#include "llamascope/design.hpp"
#include "llamascope/errors.hpp"
#include "llamascope/memory.hpp"
#include "llamascope/model_types.hpp"
#include "llamascope/views.hpp"

#include <gtest/gtest.h>

#include <string>

namespace llamascope {
namespace {

Analysis bundled(const std::string& name)
{
    return analyze(*loadBundled(name)->config);
}

const DiffRow& row(const ConfigDiff& d, const std::string& id)
{
    for (const DiffRow& r : d.rows)
        if (r.id == id)
            return r;
    throw std::out_of_range("no diff row " + id);
}

bool hasRow(const ConfigDiff& d, const std::string& id)
{
    for (const DiffRow& r : d.rows)
        if (r.id == id)
            return true;
    return false;
}

TEST(Diff, KeysAndMetricsSideBySideWithRatiosToTheFirst)
{
    const ConfigDiff d = diffConfigs({bundled("llama_60m"), bundled("llama_130m"), bundled("llama_1b")});
    EXPECT_EQ(d.names, (std::vector<std::string>{"llama_60m", "llama_130m", "llama_1b"}));
    // SPEC §2: d = 512, 768, 2048.
    const DiffRow& hidden = row(d, "hidden_size");
    EXPECT_EQ(hidden.kind, DiffRow::Kind::ConfigKey);
    EXPECT_EQ(hidden.values[2].display, "2,048");
    EXPECT_TRUE(hidden.differs);
    EXPECT_DOUBLE_EQ(*hidden.ratios[0], 1.0);
    EXPECT_DOUBLE_EQ(*hidden.ratios[1], 768.0 / 512.0);
    EXPECT_DOUBLE_EQ(*hidden.ratios[2], 4.0);
    // The same vocabulary everywhere: not a difference.
    EXPECT_FALSE(row(d, "vocab_size").differs);
    // Resolved values: the family files have no max_position_embeddings, P comes from
    // max_sequence_length (1024) — the key's row shows the resolved context length.
    EXPECT_EQ(row(d, "max_position_embeddings").values[0].raw, "1024");
    // Metrics: SPEC §6's exact totals, ratio by hand.
    const DiffRow& params = row(d, "params");
    EXPECT_EQ(params.kind, DiffRow::Kind::Metric);
    EXPECT_EQ(params.values[0].raw, "58073600");
    EXPECT_EQ(params.values[1].raw, "134105856");
    EXPECT_DOUBLE_EQ(*params.ratios[1], 134105856.0 / 58073600.0);
    // N/L is 64 for 60m (512/8) and 130m (768/12), 85.33 for 1b (2048/24).
    const DiffRow& nl = row(d, "n_per_l");
    EXPECT_EQ(nl.values[0].display, nl.values[1].display);
    EXPECT_TRUE(nl.differs);
    // Token ids are metadata: no ratio. Text has none either.
    EXPECT_FALSE(row(d, "eos_token_id").ratios[1].has_value());
    EXPECT_FALSE(row(d, "position_embedding_type").ratios[1].has_value());
    // Columns that repeat a key are not repeated; irrelevant ones (experts, windows) are left out.
    EXPECT_FALSE(hasRow(d, "hidden"));
    EXPECT_FALSE(hasRow(d, "position")); // the position_embedding_type row says it
    EXPECT_FALSE(hasRow(d, "experts"));
    EXPECT_FALSE(hasRow(d, "window"));
}

TEST(Diff, MixedFamiliesMarkKeysAFamilyDoesNotRead)
{
    ModelConfig mixtral = ModelConfig::defaults(ModelType::Mixtral);
    mixtral.name = "mixtral";
    const ConfigDiff d = diffConfigs({bundled("llama_7b"), analyze(mixtral)});
    const DiffRow& experts = row(d, "num_local_experts");
    EXPECT_EQ(experts.values[0].display, "—"); // LlamaConfig has no such key
    EXPECT_EQ(experts.values[1].display, "8");
    EXPECT_FALSE(experts.ratios[1].has_value());
    EXPECT_TRUE(experts.differs);
    // A mixture of experts in the set brings the active-parameter and expert rows.
    EXPECT_TRUE(hasRow(d, "active"));
    EXPECT_TRUE(hasRow(d, "experts"));
    EXPECT_EQ(row(d, "model_type").values[1].display, "mixtral");
}

TEST(Diff, TableOptionsAndRefusals)
{
    const ConfigDiff d = diffConfigs({bundled("llama_130m"), bundled("llama_130m_no_pos")});
    const Table all = diffTable(d);
    ASSERT_EQ(all.columns.size(), 5u); // Diff, Quantity, A, B, B/A
    EXPECT_EQ(all.columns[4].header, "llama_130m_no_pos/llama_130m");
    const Table only = diffTable(d, {true, false});
    EXPECT_EQ(only.columns.size(), 4u);
    EXPECT_LT(only.rows.size(), all.rows.size());
    for (const auto& r : only.rows)
        EXPECT_EQ(r[0].raw, "true");
    // The two differ in the position encoding only (and what follows from it: nothing else
    // for rope → none, since neither has a position table).
    bool position = false;
    for (const auto& r : only.rows)
        position = position || r[1].display == "position_embedding_type";
    EXPECT_TRUE(position);
    EXPECT_EQ(ratioCell(1.5).display, "×1.50");
    EXPECT_EQ(ratioCell(250.0).display, "×250");
    EXPECT_EQ(ratioCell(std::nullopt).display, "");
    EXPECT_THROW(diffConfigs({bundled("llama_9m")}), InvalidArgument);
}

TEST(KnownQuirks, TheBundledFamilysThreeWarningsAreMarkedAndNothingElse)
{
    std::size_t quirks = 0, warnings = 0;
    for (const LoadResult& r : loadBundledFamily()) {
        EXPECT_EQ(r.report.countKnownQuirks(Severity::Warning), 3u) << r.report.source;
        EXPECT_EQ(r.report.countKnownQuirks(Severity::Warning), r.report.count(Severity::Warning));
        EXPECT_EQ(r.report.countKnownQuirks(Severity::Note), 0u); // notes are about the shape
        EXPECT_FALSE(r.report.worstUnexplained() && *r.report.worstUnexplained() == Severity::Warning);
        quirks += r.report.countKnownQuirks(Severity::Warning);
        warnings += r.report.count(Severity::Warning);
    }
    EXPECT_EQ(quirks, 48u);
    EXPECT_EQ(warnings, 48u);
    // The same quirks in a file that is not the published one are ordinary warnings.
    const LoadResult edited = loadConfigText(
        R"({"architectures": ["LLaMAForCausalLM"], "model_type": "llama", "hidden_size": 512, "intermediate_size": 1376,
            "num_attention_heads": 8, "num_hidden_layers": 8, "vocab_size": 32000, "max_sequence_length": 1024,
            "pad_token_id": -1})",
        "edited.json");
    EXPECT_EQ(edited.report.count(Severity::Warning), 3u);
    EXPECT_EQ(edited.report.countKnownQuirks(Severity::Warning), 0u);
    EXPECT_EQ(*edited.report.worstUnexplained(), Severity::Warning);
}

TEST(CoreMessages, NameConstraintsInWordsNotAFrontEndsFlags)
{
    // The desktop app shows these notes too: "lower --vocab" means nothing there.
    DesignTarget target;
    target.value = 5e6; // below the smallest shape with a 32000 vocabulary
    const DesignResult r = design(target, DesignConstraints{});
    ASSERT_FALSE(r.note.empty());
    EXPECT_EQ(r.note.find("--"), std::string::npos) << r.note;
    EXPECT_NE(r.note.find("vocabulary size"), std::string::npos) << r.note;
    try {
        (void)design(target, DesignConstraints{}, 0);
        ADD_FAILURE() << "topK 0 accepted";
    } catch (const InvalidArgument& e) {
        EXPECT_EQ(std::string(e.what()).find("--"), std::string::npos) << e.what();
    }
}

TEST(MemoryByOptimizer, OneRowPerRegimeWithCoresTotals)
{
    const ModelConfig c = *loadBundled("llama_60m")->config;
    MemoryOptions base;
    base.rank = 0; // GaLore and LoRA get the default rank
    const Table t = memoryByOptimizerTable(c, base);
    ASSERT_EQ(t.rows.size(), trainingOptimizers().size());
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
        MemoryOptions m = base;
        m.optimizer = trainingOptimizers()[i];
        if (m.optimizer == Optimizer::GaLore || m.optimizer == Optimizer::LoRA)
            m.rank = kDefaultLowRank;
        EXPECT_EQ(t.rows[i].back().raw, std::to_string(estimateMemory(c, m).totalBytes()));
    }
    EXPECT_EQ(t.rows[4][0].display, "galore r=128");
}

} // namespace
} // namespace llamascope
