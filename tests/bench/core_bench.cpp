// Core throughput on the bundled family, with baselines measured in the same run:
//   BM_Baseline_NlohmannParse   — nlohmann::json::parse of the same 16 texts (no positions,
//                                 no validation): what a plain JSON parse costs.
//   BM_LoadAndValidate          — llamascope's strict parser + validator + config build.
//   BM_Analyze                  — analyze() (metrics, parameters, four FLOP conventions).
//   BM_CompareTable             — analyze + the comparison table rendered as text.
//   BM_FamilyReport             — compareFamily + Markdown.
// Items/s = configs per second. Run: build/bench/tests/bench/core_bench
// (docs/benchmarks.md has figures from a 2-core machine).

#include "llamascope/analysis.hpp"
#include "llamascope/bundled.hpp"
#include "llamascope/embedded.hpp"
#include "llamascope/family.hpp"
#include "llamascope/validate.hpp"
#include "llamascope/views.hpp"

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

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
