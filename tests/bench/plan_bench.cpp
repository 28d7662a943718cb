// The layout search (issue 11: "exhaustive, well under 0.1 s for a 1,024-GPU cluster"), against
// the naive scan in the same run:
//   BM_Plan/<gpus>       — planTraining(): every valid layout, totals from per-config sums,
//                          micro-batches pruned once one micro-batch cannot fit.
//   BM_NaivePlan/<gpus>  — planTrainingNaive(): the same layouts, each evaluated term by term
//                          from scratch by evaluateLayout(). Same result (tests/plan/search_test.cpp).
// llama_7b, s = 4096, 4Mi-token global batch, H100 SXM nodes of 8. After the Google Benchmark
// table the program prints naive / fast as a ratio, both timed in this run (best of 3).
// Run: build/bench/tests/bench/plan_bench (docs/benchmarks.md has figures).

#include "llamascope/bundled.hpp"
#include "llamascope/plan.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

using namespace llamascope;

namespace {

struct Case {
    ModelConfig config = *loadBundled("llama_7b")->config;
    AcceleratorTable accelerators = builtinAccelerators();
    InterconnectTable links = builtinInterconnects();
    PlanOptions options;

    Case() { options.seqLen = 4096; }
    [[nodiscard]] ClusterSpec cluster(Count gpus) const
    {
        return makeCluster(*accelerators.find("h100"), gpus, 0, 0, links);
    }
};

const Case& theCase()
{
    static const Case c;
    return c;
}

void BM_Plan(benchmark::State& state)
{
    const Case& c = theCase();
    const ClusterSpec cluster = c.cluster(state.range(0));
    Count layouts = 0;
    for (auto _ : state) {
        const PlanResult r = planTraining(c.config, cluster, c.options);
        layouts = r.enumerated;
        benchmark::DoNotOptimize(r.layouts.data());
    }
    state.counters["layouts"] = static_cast<double>(layouts);
    state.SetItemsProcessed(state.iterations() * layouts);
}
BENCHMARK(BM_Plan)->Arg(64)->Arg(1024)->Unit(benchmark::kMillisecond);

void BM_NaivePlan(benchmark::State& state)
{
    const Case& c = theCase();
    const ClusterSpec cluster = c.cluster(state.range(0));
    Count layouts = 0;
    for (auto _ : state) {
        const PlanResult r = planTrainingNaive(c.config, cluster, c.options);
        layouts = r.enumerated;
        benchmark::DoNotOptimize(r.layouts.data());
    }
    state.counters["layouts"] = static_cast<double>(layouts);
    state.SetItemsProcessed(state.iterations() * layouts);
}
BENCHMARK(BM_NaivePlan)->Arg(64)->Arg(1024)->Unit(benchmark::kMillisecond)->Iterations(1);

template <class F>
double bestOf(int runs, F&& f)
{
    double best = 1e300;
    for (int i = 0; i < runs; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        f();
        best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    return best;
}

} // namespace

int main(int argc, char** argv)
{
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    const Case& c = theCase();
    std::printf("\nnaive / fast, same run, best of 3 (llama_7b, s = 4096, H100 nodes of 8):\n");
    for (Count gpus : {64, 1024}) {
        const ClusterSpec cluster = c.cluster(gpus);
        Count layouts = 0;
        const double fast =
            bestOf(3, [&] { layouts = planTraining(c.config, cluster, c.options).enumerated; });
        const double naive = bestOf(3, [&] { (void)planTrainingNaive(c.config, cluster, c.options); });
        std::printf("  %5lld GPUs: %lld layouts, fast %.1f ms, naive %.0f ms, ratio %.0f×\n",
                    static_cast<long long>(gpus), static_cast<long long>(layouts), fast * 1e3, naive * 1e3,
                    naive / fast);
    }
    return 0;
}
