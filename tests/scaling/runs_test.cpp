// The runs-table reader: the Chinchilla data as published, both formats, N conventions from
// exact config counts, and the bad-table corpus (tests/data/invalid/runs/manifest.json).

#include "llamascope/bundled.hpp"
#include "llamascope/params.hpp"
#include "llamascope/runs.hpp"
#include "llamascope/validate.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>

using namespace llamascope;

namespace {

const std::string kData = TEST_DATA_DIR "/scaling/";

RunsTable readOk(const std::string& path, const RunsReadOptions& o = {})
{
    const RunsReadResult r = readRunsFile(path, o);
    for (const RunsIssue& i : r.issues)
        ADD_FAILURE() << formatIssue(r.source, i);
    EXPECT_TRUE(r.table.has_value());
    return r.table ? *r.table : RunsTable{};
}

std::string joined(const RunsReadResult& r)
{
    std::string s;
    for (const RunsIssue& i : r.issues)
        s += formatIssue(r.source, i) + "\n";
    return s;
}

ParameterCounts countsOf(std::string_view name)
{
    return countParameters(*loadBundled(name)->config);
}

} // namespace

TEST(Runs, ChinchillaCsvAsPublished)
{
    const RunsTable t = readOk(kData + "chinchilla_svg_extracted.csv");
    ASSERT_EQ(t.runs.size(), 245u);
    const ScalingRun& first = t.runs.front();
    EXPECT_EQ(first.line, 2u);
    EXPECT_DOUBLE_EQ(first.parameters, 6795600349.289497);
    EXPECT_DOUBLE_EQ(first.compute, 9.993852799709755e+18);
    EXPECT_TRUE(first.computeGiven);
    EXPECT_TRUE(first.tokensDerived);
    // D = C / 6N, as Besiroglu et al. derive it (245,105,957.9 tokens for the first run).
    EXPECT_NEAR(first.tokens, 9.993852799709755e+18 / (6 * 6795600349.289497), 1e-6);
    EXPECT_NEAR(first.tokens, 2.451060e8, 1e2);
    EXPECT_DOUBLE_EQ(first.loss, 5.005581996196243);
    std::string notes;
    for (const std::string& n : t.notes)
        notes += n + "\n";
    EXPECT_NE(notes.find("params = \"Model Size\""), std::string::npos) << notes;
    EXPECT_NE(notes.find("compute = \"Training FLOP\""), std::string::npos) << notes;
    EXPECT_NE(notes.find("ignored columns (not used by any fit): \"x\", \"y\", \"color\", \"hex_color\""),
              std::string::npos)
        << notes;
    EXPECT_NE(notes.find("D = C / (6·N)"), std::string::npos) << notes;
}

TEST(Runs, CsvAndJsonLinesAgree)
{
    const RunsTable csv = readOk(kData + "ladder.csv");
    const RunsTable jsonl = readOk(kData + "ladder.jsonl");
    ASSERT_EQ(csv.runs.size(), 21u);
    ASSERT_EQ(jsonl.runs.size(), csv.runs.size());
    EXPECT_EQ(csv.format, RunsFormat::Csv);
    EXPECT_EQ(jsonl.format, RunsFormat::JsonLines);
    for (std::size_t i = 0; i < csv.runs.size(); ++i) {
        EXPECT_EQ(csv.runs[i].model, jsonl.runs[i].model);
        EXPECT_DOUBLE_EQ(csv.runs[i].parameters, jsonl.runs[i].parameters);
        EXPECT_DOUBLE_EQ(csv.runs[i].tokens, jsonl.runs[i].tokens);
        EXPECT_NEAR(csv.runs[i].loss, jsonl.runs[i].loss, 1e-11);
        ASSERT_EQ(csv.runs[i].curve.size(), jsonl.runs[i].curve.size());
        EXPECT_DOUBLE_EQ(csv.runs[i].compute, 6 * csv.runs[i].parameters * csv.runs[i].tokens);
    }
    EXPECT_EQ(csv.runsFromConfigs, 21u);
    EXPECT_EQ(csv.runs[1].curve.size(), 4u);
    EXPECT_EQ(csv.runs[1].source, ModelSource::Bundled);
}

TEST(Runs, ParameterConventionsComeFromExactCounts)
{
    // llama_60m: 58,073,600 total, 25,305,600 non-embedding (SPEC §6, README compare table).
    RunsReadOptions o;
    const std::string text = "model,tokens,loss\nllama_60m,1e9,3.5\nllama_130m_learned_pos,1e9,3.2\n";
    o.paramCount = ParamCount::Total;
    RunsReadResult r = parseRuns(text, "t.csv", o);
    ASSERT_TRUE(r.table) << joined(r);
    EXPECT_EQ(r.table->runs[0].parameters, 58073600.0);
    EXPECT_EQ(r.table->runs[1].parameters, 134892288.0);
    o.paramCount = ParamCount::NonEmbedding;
    r = parseRuns(text, "t.csv", o);
    EXPECT_EQ(r.table->runs[0].parameters, 25305600.0);
    EXPECT_EQ(r.table->runs[1].parameters,
              static_cast<double>(countsOf("llama_130m_learned_pos").nonEmbedding));
    o.paramCount = ParamCount::NoInputEmbedding;
    r = parseRuns(text, "t.csv", o);
    const ParameterCounts c60 = countsOf("llama_60m");
    EXPECT_EQ(r.table->runs[0].parameters, static_cast<double>(c60.total - c60.embedding));
    // The learned position table is an input lookup: left out with the token embedding.
    const ParameterCounts c130 = countsOf("llama_130m_learned_pos");
    EXPECT_EQ(r.table->runs[1].parameters,
              static_cast<double>(c130.total - c130.embedding - c130.positionTable));
    std::string notes;
    for (const std::string& n : r.table->notes)
        notes += n;
    EXPECT_NE(notes.find("no-input-embedding"), std::string::npos);
}

TEST(Runs, TiedEmbeddingsCountTheOutputProjectionOnce)
{
    ParameterCounts p;
    p.embedding = 100;
    p.lmHead = 0;
    p.nonEmbedding = 900;
    p.total = 1000;
    EXPECT_EQ(countedParameters(p, true, ParamCount::NoInputEmbedding), 1000);
    EXPECT_EQ(countedParameters(p, true, ParamCount::NonEmbedding), 900);
}

TEST(Runs, ConfigFilesResolveAgainstTheTableFolder)
{
    RunsReadOptions o;
    o.baseDir = TEST_DATA_DIR "/valid";
    const RunsReadResult r = parseRuns("model,tokens,loss\ngqa-tied.json,1e9,3.5\n", "t.csv", o);
    ASSERT_TRUE(r.table) << joined(r);
    EXPECT_EQ(r.table->runs[0].source, ModelSource::File);
    const LoadResult direct = loadConfigFile(TEST_DATA_DIR "/valid/gqa-tied.json");
    EXPECT_EQ(r.table->runs[0].parameters, static_cast<double>(countParameters(*direct.config).total));
    // The fuzzer reads no files.
    o.allowConfigFiles = false;
    EXPECT_FALSE(parseRuns("model,tokens,loss\ngqa-tied.json,1e9,3.5\n", "t.csv", o).table);
}

TEST(Runs, ColumnMappingAndSuffixes)
{
    RunsReadOptions o;
    o.columns.params = "size";
    o.columns.tokens = "toks";
    o.columns.loss = "val";
    const RunsReadResult r = parseRuns("size,toks,val,n\n125M,2.5B,3.1,7\n", "t.csv", o);
    ASSERT_TRUE(r.table) << joined(r);
    EXPECT_EQ(r.table->runs[0].parameters, 125e6);
    EXPECT_EQ(r.table->runs[0].tokens, 2.5e9);
    // "n" would be an alias of params, but an explicit mapping replaces the aliases.
    EXPECT_NE(r.table->notes[1].find("\"n\""), std::string::npos);
}

TEST(Runs, BoundedWhateverTheInput)
{
    RunsReadOptions o;
    o.maxRuns = 3;
    std::string text = "params,tokens,loss\n";
    for (int i = 0; i < 10; ++i)
        text += "1e8,1e9,3\n";
    RunsReadResult r = parseRuns(text, "t.csv", o);
    EXPECT_FALSE(r.table);
    EXPECT_NE(joined(r).find("more than 3 runs"), std::string::npos) << joined(r);
    o = {};
    o.maxBytes = 10;
    r = parseRuns(text, "t.csv", o);
    EXPECT_NE(joined(r).find("larger than"), std::string::npos);
    o = {};
    o.maxIssues = 2;
    r = parseRuns("params,tokens,loss\n0,1,1\n0,1,1\n0,1,1\n0,1,1\n", "t.csv", o);
    EXPECT_EQ(r.issues.size(), 2u);
    EXPECT_EQ(r.moreIssues, 2u);
    // Deep JSON nesting is refused by the bounded parser, not by the stack.
    r = parseRuns(std::string(100000, '[') + "\n", "t.jsonl", {});
    EXPECT_FALSE(r.table);
}

TEST(Runs, BadTableCorpus)
{
    const std::string dir = TEST_DATA_DIR "/invalid/runs/";
    std::ifstream in(dir + "manifest.json");
    const nlohmann::json manifest = nlohmann::json::parse(in);
    std::size_t checked = 0;
    for (const auto& [name, want] : manifest.items()) {
        if (want.contains("stage"))
            continue; // fit-stage errors: tests/scaling/fit_test.cpp and the CLI test
        SCOPED_TRACE(name);
        const RunsReadResult r = readRunsFile(dir + name);
        EXPECT_FALSE(r.table);
        const std::string text = joined(r);
        for (const auto& s : want.at("contains"))
            EXPECT_NE(text.find(s.get<std::string>()), std::string::npos) << text;
        ++checked;
    }
    EXPECT_GE(checked, 20u);
}

TEST(Runs, MixtureOfExpertsIsNotedNotHidden)
{
    RunsReadOptions o;
    o.baseDir = TEST_DATA_DIR "/realworld/mixtral";
    const RunsReadResult r = parseRuns("model,tokens,loss\nmixtral-8x7b-v0.1.json,1e9,3.0\n", "t.csv", o);
    ASSERT_TRUE(r.table) << joined(r);
    ASSERT_TRUE(r.table->runs[0].counts);
    EXPECT_LT(r.table->runs[0].counts->active, r.table->runs[0].counts->total);
    EXPECT_EQ(r.table->runs[0].parameters, static_cast<double>(r.table->runs[0].counts->total));
    std::string notes;
    for (const std::string& n : r.table->notes)
        notes += n + "\n";
    EXPECT_NE(notes.find("mixture-of-experts configs (mixtral-8x7b-v0.1.json)"), std::string::npos) << notes;
}
