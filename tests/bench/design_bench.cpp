// Designer search time over the full default space (head_dim 64/128, widths 64..32768 in
// steps of 64, every FFN multiple of 64 within 8/3 ± 4 %, tied and untied, 1..160 layers),
// with baselines measured in the same run:
//   BM_Baseline_FamilyTrend   — fitting the N/L trend (parses the 16 bundled files); every
//                               design() call pays this once.
//   BM_Baseline_NaiveScan     — countParameters() on every shape of the space for one target:
//                               what a plain exhaustive scan costs (the search's answer set is
//                               the same, see tests/design/design_test.cpp).
//   BM_Design/<target>        — design() for a parameter target, top 5, validated clean
//                               (published-shape ranking, size defaults: issue 15).
//   BM_DesignOldRanking/<target> — the same under the ranking before issue 15 (family trend).
//   BM_DesignLikeFamily       — 7B with the llama family's preset (--like llama).
//   BM_DesignFlops, BM_DesignMemory, BM_DesignCompute — the other target kinds.
//   BM_Ladder                 — 9m -> 7b in 8 rungs (8 designs of 40 candidates + the DP).
// Counters: shapes = (head_dim, width, ffn, tie) families searched; evaluated = shapes whose
// metric the search looked at. Run: build/<dir>/tests/bench/design_bench

#include "llamascope/design.hpp"
#include "llamascope/params.hpp"

#include <benchmark/benchmark.h>

#include <cmath>

using namespace llamascope;

namespace {

void BM_Baseline_FamilyTrend(benchmark::State& state)
{
    for (auto _ : state)
        benchmark::DoNotOptimize(familyNlTrend());
}
BENCHMARK(BM_Baseline_FamilyTrend)->Unit(benchmark::kMicrosecond);

void BM_Baseline_NaiveScan(benchmark::State& state)
{
    const double target = 500e6;
    for (auto _ : state) {
        Count hits = 0, shapes = 0;
        for (Count h : {64, 128}) {
            for (Count d = h; d <= 32768; d += h) {
                const double centre = 8.0 / 3.0 * static_cast<double>(d);
                for (Count f = 64 * static_cast<Count>(std::ceil(centre * 0.96 / 64));
                     static_cast<double>(f) <= centre * 1.04; f += 64) {
                    for (bool tied : {false, true}) {
                        ModelConfig c = ModelConfig::withShape(d, 1, d / h, f);
                        c.tieWordEmbeddings = tied;
                        for (Count L = 1; L <= 160; ++L) {
                            c.numHiddenLayers = L;
                            const double n = static_cast<double>(countParameters(c).total);
                            hits += std::fabs(n - target) <= 0.01 * target;
                            ++shapes;
                        }
                    }
                }
            }
        }
        benchmark::DoNotOptimize(hits);
        state.counters["shapes"] = static_cast<double>(shapes);
    }
}
BENCHMARK(BM_Baseline_NaiveScan)->Unit(benchmark::kMillisecond)->Iterations(1);

void runDesign(benchmark::State& state, const DesignTarget& target)
{
    DesignResult r;
    for (auto _ : state) {
        r = design(target, DesignConstraints{}, 5);
        benchmark::DoNotOptimize(r);
    }
    state.counters["shapes"] = static_cast<double>(r.shapesConsidered);
    state.counters["evaluated"] = static_cast<double>(r.shapesEvaluated);
    state.counters["on_target"] = r.candidates.empty() || !r.candidates.front().onTarget ? 0 : 1;
}

void BM_Design(benchmark::State& state)
{
    DesignTarget t;
    t.value = static_cast<double>(state.range(0)) * 1e6;
    runDesign(state, t);
}
BENCHMARK(BM_Design)->Arg(5)->Arg(125)->Arg(500)->Arg(7000)->Arg(70000)->Unit(benchmark::kMillisecond);

// Issue 15: the same searches under the ranking they replaced (one N/L line fitted to the
// bundled family, no size defaults), measured in the same run. BM_Design / BM_DesignOldRanking
// at one size is the cost of ranking from the published shapes.
void BM_DesignOldRanking(benchmark::State& state)
{
    DesignTarget t;
    t.value = static_cast<double>(state.range(0)) * 1e6;
    DesignConstraints c;
    c.ranking = DesignRanking::FamilyTrend;
    c.hiddenMultipleByScale = false;
    c.kvHeadChoices = {0};
    DesignResult r;
    for (auto _ : state) {
        r = design(t, c, 5);
        benchmark::DoNotOptimize(r);
    }
    state.counters["shapes"] = static_cast<double>(r.shapesConsidered);
    state.counters["evaluated"] = static_cast<double>(r.shapesEvaluated);
}
BENCHMARK(BM_DesignOldRanking)
    ->Arg(5)
    ->Arg(125)
    ->Arg(500)
    ->Arg(7000)
    ->Arg(70000)
    ->Unit(benchmark::kMillisecond);

/// A --like preset (more head_dims, kv counts and FFN ratios than the defaults).
void BM_DesignLikeFamily(benchmark::State& state)
{
    DesignTarget t;
    t.value = 7e9;
    const DesignConstraints c = constraintsLike("llama");
    DesignResult r;
    for (auto _ : state) {
        r = design(t, c, 5);
        benchmark::DoNotOptimize(r);
    }
    state.counters["shapes"] = static_cast<double>(r.shapesConsidered);
}
BENCHMARK(BM_DesignLikeFamily)->Unit(benchmark::kMillisecond);

void BM_DesignFlops(benchmark::State& state)
{
    DesignTarget t;
    t.kind = DesignTargetKind::ForwardFlops;
    t.value = 14e9; // ≈ a 7B model's forward FLOPs per token at T = 2048
    runDesign(state, t);
}
BENCHMARK(BM_DesignFlops)->Unit(benchmark::kMillisecond);

void BM_DesignMemory(benchmark::State& state)
{
    DesignTarget t;
    t.kind = DesignTargetKind::TrainingMemory;
    t.value = static_cast<double>(80LL << 30);
    t.memory.optimizer = Optimizer::MixedAdamW;
    runDesign(state, t);
}
BENCHMARK(BM_DesignMemory)->Unit(benchmark::kMillisecond);

void BM_DesignCompute(benchmark::State& state)
{
    DesignTarget t;
    t.kind = DesignTargetKind::Compute;
    t.value = 1e21;
    runDesign(state, t);
}
BENCHMARK(BM_DesignCompute)->Unit(benchmark::kMillisecond);

void BM_Ladder(benchmark::State& state)
{
    for (auto _ : state)
        benchmark::DoNotOptimize(designLadder(8'995'968, 6'738'415'616, 8, DesignConstraints{}));
}
BENCHMARK(BM_Ladder)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
