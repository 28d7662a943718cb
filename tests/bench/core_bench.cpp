// Core throughput on the bundled family, with baselines measured in the same run:
//   BM_Baseline_NlohmannParse   — nlohmann::json::parse of the same 16 texts (no positions,
//                                 no validation): what a plain JSON parse costs.
//   BM_LoadAndValidate          — llamascope's strict parser + validator + config build.
//   BM_Analyze                  — analyze() (metrics, parameters, four FLOP conventions).
//   BM_CompareTable             — analyze + the comparison table rendered as text.
//   BM_FamilyReport             — compareFamily + Markdown.
//   BM_Baseline_NlohmannParseKeys/n — nlohmann::json::parse (std::map objects, O(n log n)) of a
//                                 config with n extra keys: the baseline for
//   BM_LoadManyKeys/n           — llamascope's parse + validate of the same text. The ratio
//                                 stays flat as n grows 16×, i.e. no quadratic step (the
//                                 ordered_json insert made 426k keys take minutes; issue 10).
// Items/s = configs (or keys) per second. Run: build/bench/tests/bench/core_bench
// (docs/benchmarks.md has figures from a 2-core machine).

#include "llamascope/analysis.hpp"
#include "llamascope/bundled.hpp"
#include "llamascope/embedded.hpp"
#include "llamascope/family.hpp"
#include "llamascope/validate.hpp"
#include "llamascope/views.hpp"

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>

using namespace llamascope;

namespace {

void BM_Baseline_NlohmannParse(benchmark::State& state)
{
    for (auto _ : state)
        for (const EmbeddedFile& f : bundledConfigFiles())
            benchmark::DoNotOptimize(nlohmann::ordered_json::parse(f.text));
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(bundledConfigFiles().size()));
}
BENCHMARK(BM_Baseline_NlohmannParse);

void BM_LoadAndValidate(benchmark::State& state)
{
    for (auto _ : state)
        for (const EmbeddedFile& f : bundledConfigFiles())
            benchmark::DoNotOptimize(loadConfigText(f.text, std::string(f.name)));
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(bundledConfigFiles().size()));
}
BENCHMARK(BM_LoadAndValidate);

// A config followed by n unknown keys "0" .. "<n-1>" in hex: 426k keys is about the most that
// fits the 4 MiB file limit (the shape of the issue-10 reproduction).
std::string manyKeysText(std::int64_t n)
{
    std::string text(bundledConfigFiles().front().text);
    text.resize(text.rfind('}'));
    char buf[32];
    for (std::int64_t i = 0; i < n; ++i) {
        std::snprintf(buf, sizeof buf, ",\"%llx\":1", static_cast<unsigned long long>(i));
        text += buf;
    }
    return text + "}";
}

void manyKeysArgs(benchmark::internal::Benchmark* b)
{
    for (const std::int64_t n : {26'624, 53'248, 106'496, 212'992, 425'984})
        b->Arg(n);
    b->Unit(benchmark::kMillisecond);
}

void BM_Baseline_NlohmannParseKeys(benchmark::State& state)
{
    const std::string text = manyKeysText(state.range(0));
    for (auto _ : state)
        benchmark::DoNotOptimize(nlohmann::json::parse(text));
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Baseline_NlohmannParseKeys)->Apply(manyKeysArgs);

void BM_LoadManyKeys(benchmark::State& state)
{
    const std::string text = manyKeysText(state.range(0));
    for (auto _ : state) {
        const LoadResult r = loadConfigText(text, "keys.json");
        if (r.report.count(Severity::Warning) < static_cast<std::size_t>(state.range(0)))
            state.SkipWithError("keys were not all reported");
        benchmark::DoNotOptimize(r);
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_LoadManyKeys)->Apply(manyKeysArgs);

void BM_Analyze(benchmark::State& state)
{
    const std::vector<ModelConfig> configs = bundledConfigs();
    for (auto _ : state)
        for (const ModelConfig& c : configs)
            benchmark::DoNotOptimize(analyze(c));
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(configs.size()));
}
BENCHMARK(BM_Analyze);

void BM_CompareTable(benchmark::State& state)
{
    const std::vector<ModelConfig> configs = bundledConfigs();
    for (auto _ : state) {
        std::vector<Analysis> analyses;
        for (const ModelConfig& c : configs)
            analyses.push_back(analyze(c));
        benchmark::DoNotOptimize(renderText(compareTable(analyses)));
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(configs.size()));
}
BENCHMARK(BM_CompareTable);

void BM_FamilyReport(benchmark::State& state)
{
    const std::vector<ModelConfig> configs = bundledConfigs();
    for (auto _ : state)
        benchmark::DoNotOptimize(familyReportMarkdown(compareFamily(configs)));
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(configs.size()));
}
BENCHMARK(BM_FamilyReport);

} // namespace

BENCHMARK_MAIN();
