// The designer: targets, constraints, ranking, determinism, exhaustiveness (against a brute
// force that shares no code with the search), and the ladder's smoothness.

#include "llamascope/bundled.hpp"
#include "llamascope/design.hpp"
#include "llamascope/errors.hpp"
#include "llamascope/metrics.hpp"
#include "llamascope/params.hpp"
#include "llamascope/validate.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <tuple>

using namespace llamascope;

namespace {

DesignTarget paramsTarget(double n)
{
    DesignTarget t;
    t.kind = DesignTargetKind::Params;
    t.value = n;
    return t;
}

/// The file a candidate becomes, loaded back the way `validate` and `show` load it.
LoadResult reload(const DesignCandidate& c)
{
    return loadConfigText(toHfJsonText(c.config), c.fileName);
}

} // namespace

TEST(Design, FiveHundredMillionIsOnTargetCleanAndRoundTrips)
{
    const DesignResult r = design(paramsTarget(500e6), DesignConstraints{});
    ASSERT_FALSE(r.candidates.empty());
    EXPECT_TRUE(r.note.empty()) << r.note;
    const DesignCandidate& top = r.candidates.front();
    EXPECT_TRUE(top.onTarget);
    EXPECT_LE(std::fabs(top.error), 0.01);
    EXPECT_EQ(top.fileName, "llama_500m.json");
    const LoadResult back = reload(top);
    ASSERT_TRUE(back.config.has_value());
    EXPECT_TRUE(back.report.findings.empty()) << back.report.findings.front().codeName();
    const Count n = countParameters(*back.config).total;
    EXPECT_NEAR(static_cast<double>(n), 500e6, 5e6);
    EXPECT_EQ(n, top.parameters);
    EXPECT_FALSE(top.reason.empty());
}

TEST(Design, CandidatesAreRankedOnTargetFirstThenByShape)
{
    const DesignResult r = design(paramsTarget(1.5e9), DesignConstraints{}, 10);
    ASSERT_EQ(r.candidates.size(), 10u);
    for (std::size_t i = 1; i < r.candidates.size(); ++i) {
        const DesignCandidate& a = r.candidates[i - 1];
        const DesignCandidate& b = r.candidates[i];
        if (a.onTarget && b.onTarget) {
            EXPECT_LE(a.shapeScore, b.shapeScore);
        }
        EXPECT_FALSE(!a.onTarget && b.onTarget);
    }
}

TEST(Design, IsDeterministic)
{
    const DesignResult a = design(paramsTarget(3e9), DesignConstraints{}, 8);
    const DesignResult b = design(paramsTarget(3e9), DesignConstraints{}, 8);
    ASSERT_EQ(a.candidates.size(), b.candidates.size());
    for (std::size_t i = 0; i < a.candidates.size(); ++i)
        EXPECT_EQ(toHfJsonText(a.candidates[i].config), toHfJsonText(b.candidates[i].config));
}

TEST(Design, FindsEveryOnTargetShapeOfABruteForce)
{
    // A small space enumerated naively (no binary search, no interpolation): widths 64..1536,
    // head_dim 64, every FFN multiple of 64 within 8/3 ± 4 %, both tie modes, 1..160 layers,
    // inside the family band at the shape's size, within 1 % of 150M. The search folds FFN and
    // tying variants of one (d, L) into one row, so rows are compared as (d, L).
    DesignConstraints c;
    c.ranking = DesignRanking::FamilyTrend; // the band is the family trend's
    c.headDims = {64};
    c.maxHidden = 1536;
    c.requireClean = false;
    const NlTrend trend = familyNlTrend();
    std::set<std::pair<Count, Count>> brute;
    for (Count d = 64; d <= 1536; d += 64) {
        for (Count f = 64; f <= 8 * d; f += 64) {
            const double ratio = static_cast<double>(f) / static_cast<double>(d);
            if (ratio < kSwiGluRatio * 0.96 || ratio > kSwiGluRatio * 1.04)
                continue;
            for (bool tied : {false, true}) {
                for (Count L = 1; L <= 160; ++L) {
                    ModelConfig cfg = ModelConfig::withShape(d, L, d / 64, f, 32000, 2048);
                    cfg.tieWordEmbeddings = tied;
                    const double n = static_cast<double>(countParameters(cfg).total);
                    const NlBand band = trend.band(n);
                    const double nl = static_cast<double>(d) / static_cast<double>(L);
                    if (nl < band.low || nl > band.high || n < 150e6 * 0.99 || n > 150e6 * 1.01)
                        continue;
                    brute.insert({d, L});
                }
            }
        }
    }
    ASSERT_GE(brute.size(), 5u); // 13 (d, L); the search must find exactly these
    const DesignResult r = design(paramsTarget(150e6), c, 100000);
    std::set<std::pair<Count, Count>> found;
    for (const DesignCandidate& x : r.candidates) {
        if (!x.onTarget)
            continue;
        EXPECT_TRUE(found.insert({x.config.hiddenSize, x.config.numHiddenLayers}).second)
            << "two rows share " << x.config.hiddenSize << " × " << x.config.numHiddenLayers;
    }
    EXPECT_EQ(found, brute);
}

TEST(Design, ForwardFlopsTarget)
{
    DesignTarget t;
    t.kind = DesignTargetKind::ForwardFlops;
    t.value = 2e9; // forward FLOPs per token, exact convention, at the 2048 context
    const DesignResult r = design(t, DesignConstraints{});
    ASSERT_FALSE(r.candidates.empty());
    const DesignCandidate& top = r.candidates.front();
    EXPECT_TRUE(top.onTarget);
    const FlopReport f = computeFlops(top.config, FlopOptions{2048, AttentionMask::Causal});
    const double perToken = static_cast<double>(f.get(FlopConventionId::Exact).forwardPerToken);
    EXPECT_NEAR(perToken / 2e9, 1.0, 0.01);
    EXPECT_DOUBLE_EQ(perToken, top.achieved);
}

TEST(Design, MemoryTargetFitsTheBudget)
{
    DesignTarget t;
    t.kind = DesignTargetKind::TrainingMemory;
    t.value = static_cast<double>(80LL << 30);
    t.memory.optimizer = Optimizer::MixedAdamW;
    t.memory.batch = 1;
    t.memory.seqLen = 2048;
    const DesignResult r = design(t, DesignConstraints{}, 5);
    ASSERT_FALSE(r.candidates.empty());
    for (const DesignCandidate& c : r.candidates) {
        const Count bytes = estimateMemory(c.config, t.memory).totalBytes();
        EXPECT_LE(bytes, 80LL << 30) << c.reason;
        EXPECT_DOUBLE_EQ(static_cast<double>(bytes), c.achieved);
    }
    EXPECT_TRUE(r.candidates.front().onTarget); // within 5 % below the budget
    // 16 B per parameter dominates: a little under 80 GiB / 16 B ≈ 5.4B parameters.
    EXPECT_GT(r.candidates.front().parameters, 4'000'000'000);
    EXPECT_LT(r.candidates.front().parameters, 5'400'000'000);
}

TEST(Design, ComputeTargetUsesChinchilla)
{
    DesignTarget t;
    t.kind = DesignTargetKind::Compute;
    t.value = 1e21; // N = sqrt(1e21 / 120) = 2.887e9, D = 5.77e10
    const DesignResult r = design(t, DesignConstraints{});
    ASSERT_TRUE(r.compute.has_value());
    EXPECT_NEAR(r.compute->parameters, 2.887e9, 1e6);
    EXPECT_NEAR(r.targetValue, r.compute->parameters, 1);
    ASSERT_FALSE(r.candidates.empty());
    EXPECT_TRUE(r.candidates.front().onTarget);
    EXPECT_NEAR(static_cast<double>(r.candidates.front().parameters) / 2.887e9, 1.0, 0.01);
}

TEST(Design, ConstraintsAreHonoured)
{
    DesignConstraints c;
    c.kvHeads = 8;
    c.tie = TieMode::Untied;
    c.position = PositionType::Learned;
    c.vocab = 50304;
    c.context = 4096;
    c.headDims = {128};
    c.minLayers = 20;
    c.maxLayers = 40;
    const DesignResult r = design(paramsTarget(3e9), c, 10);
    ASSERT_FALSE(r.candidates.empty());
    for (const DesignCandidate& x : r.candidates) {
        EXPECT_EQ(x.config.numKeyValueHeads, 8);
        EXPECT_FALSE(x.config.tieWordEmbeddings);
        EXPECT_EQ(x.config.positionType, PositionType::Learned);
        EXPECT_EQ(x.config.vocabSize, 50304);
        EXPECT_EQ(x.config.contextLength, 4096);
        EXPECT_EQ(x.config.headDim, 128);
        EXPECT_GE(x.config.numHiddenLayers, 20);
        EXPECT_LE(x.config.numHiddenLayers, 40);
        EXPECT_EQ(countParameters(x.config).positionTable, 4096 * x.config.hiddenSize);
        EXPECT_TRUE(reload(x).report.findings.empty());
    }
}

TEST(Design, LlamaFfnRuleReproducesLlama7b)
{
    // LLaMA's FeedForward with multiple_of = 256 turns d = 4096 into 11008.
    DesignConstraints c;
    c.ffnRule = FfnRule::Llama;
    c.ffnMultiple = 256;
    c.headDims = {128};
    c.minHidden = c.maxHidden = 4096;
    c.useNlBand = false;
    c.tie = TieMode::Untied;
    c.requireClean = false;
    const DesignResult r = design(paramsTarget(6'738'415'616.0), c, 1);
    ASSERT_EQ(r.candidates.size(), 1u);
    EXPECT_EQ(r.candidates[0].config.intermediateSize, 11008);
    EXPECT_EQ(r.candidates[0].config.numHiddenLayers, 32);
    EXPECT_EQ(r.candidates[0].parameters, 6'738'415'616);
    EXPECT_EQ(r.candidates[0].error, 0.0);
}

TEST(Design, UncleanConstraintsAreReportedNotHidden)
{
    // vocab 32100 (llama_100m's) draws a size-alignment note on every shape.
    DesignConstraints c;
    c.vocab = 32100;
    const DesignResult r = design(paramsTarget(100e6), c, 3);
    ASSERT_FALSE(r.candidates.empty());
    EXPECT_GT(r.candidates.front().findings, 0u);
    EXPECT_NE(r.note.find("size-alignment"), std::string::npos) << r.note;
}

TEST(Design, ImpossibleConstraintsSaySo)
{
    DesignConstraints c;
    c.kvHeads = 7;
    c.headDims = {64};
    c.maxHidden = 256; // 1..4 heads: none divisible by 7
    const DesignResult r = design(paramsTarget(10e6), c);
    EXPECT_TRUE(r.candidates.empty());
    EXPECT_NE(r.note.find("no shape satisfies"), std::string::npos);
}

TEST(Design, BadTargetsAndConstraints)
{
    EXPECT_THROW(design(paramsTarget(0), {}), InvalidArgument);
    EXPECT_THROW(design(paramsTarget(-5e6), {}), InvalidArgument);
    EXPECT_THROW(design(paramsTarget(INFINITY), {}), InvalidArgument);
    EXPECT_THROW(design(paramsTarget(NAN), {}), InvalidArgument);
    DesignConstraints c;
    c.headDims = {};
    EXPECT_THROW(design(paramsTarget(1e8), c), InvalidArgument);
    c = {};
    c.minLayers = 10;
    c.maxLayers = 5;
    EXPECT_THROW(design(paramsTarget(1e8), c), InvalidArgument);
    c = {};
    c.tolerance = 2;
    EXPECT_THROW(design(paramsTarget(1e8), c), InvalidArgument);
    c = {};
    c.nlBand = NlBand{100, 10};
    EXPECT_THROW(design(paramsTarget(1e8), c), InvalidArgument);
    // A space too large to search in reasonable time is refused up front.
    c = {};
    c.maxHidden = 1'048'576;
    c.ffnTolerance = 0.49;
    EXPECT_THROW(design(paramsTarget(1e12), c), InvalidArgument);
}

TEST(Design, CancellationStopsTheSearch)
{
    struct CancelAtOnce : Progress {
        [[nodiscard]] bool isCancelled() const override { return true; }
    } cancel;
    EXPECT_THROW(design(paramsTarget(7e9), {}, 5, &cancel), Cancelled);
}

TEST(Design, ReportsProgress)
{
    struct Record : Progress {
        double last = -1;
        int calls = 0;
        void report(double fraction, std::string_view) override
        {
            EXPECT_GE(fraction, 0.0);
            EXPECT_LE(fraction, 1.0);
            last = fraction;
            ++calls;
        }
    } rec;
    (void)design(paramsTarget(7e9), {}, 5, &rec);
    EXPECT_GT(rec.calls, 10);
    EXPECT_DOUBLE_EQ(rec.last, 1.0);
}

// ---- quantities and names -------------------------------------------------------------------

TEST(Quantity, ParsesSizes)
{
    EXPECT_DOUBLE_EQ(parseQuantity("500M", "p"), 500e6);
    EXPECT_DOUBLE_EQ(parseQuantity("1.5B", "p"), 1.5e9);
    EXPECT_DOUBLE_EQ(parseQuantity("70b", "p"), 70e9);
    EXPECT_DOUBLE_EQ(parseQuantity("2k", "p"), 2000);
    EXPECT_DOUBLE_EQ(parseQuantity("1e21", "p"), 1e21);
    EXPECT_DOUBLE_EQ(parseQuantity(" 3T ", "p"), 3e12);
    for (const char* bad : {"5Q", "-5M", "0", "1e400", "", "M", "5MM", "nan", "inf", "1.5 B x"})
        EXPECT_THROW(parseQuantity(bad, "--params"), InvalidArgument) << bad;
    try {
        parseQuantity("5Q", "--params");
    } catch (const InvalidArgument& e) {
        EXPECT_NE(std::string(e.what()).find("--params: '5Q'"), std::string::npos);
    }
    EXPECT_DOUBLE_EQ(parseParamsOrBundled("llama_60m", "p"), 58'073'600);
    EXPECT_DOUBLE_EQ(parseParamsOrBundled("9m", "p"), 9e6);
}

TEST(Quantity, SizeLabels)
{
    EXPECT_EQ(sizeLabel(500e6), "500m");
    EXPECT_EQ(sizeLabel(498.3e6), "500m");
    EXPECT_EQ(sizeLabel(134'105'856), "130m");
    EXPECT_EQ(sizeLabel(1.339e9), "1.3b");
    EXPECT_EQ(sizeLabel(1.5e9), "1.5b");
    EXPECT_EQ(sizeLabel(6.74e9), "6.7b");
    EXPECT_EQ(sizeLabel(70e9), "70b");
    EXPECT_EQ(sizeLabel(9.0e6), "9m");
    EXPECT_EQ(sizeLabel(999.6e6), "1b");
    EXPECT_EQ(sizeLabel(5e6), "5m");
    EXPECT_EQ(sizeLabel(125e6), "130m");
    EXPECT_EQ(sizeLabel(125e6, 3), "125m");
    EXPECT_EQ(sizeLabel(1.25e9, 3), "1.25b");
    EXPECT_EQ(sizeLabel(1.5e9, 3), "1.5b");
    EXPECT_EQ(sizeLabel(500e6, 3), "500m");
    EXPECT_EQ(sizeLabel(40.8e6, 3), "40.8m");
    EXPECT_EQ(sizeLabel(1.05e9, 3), "1.05b");
    EXPECT_EQ(sizeLabel(2e3), "2k");
}

// ---- N/L trend ------------------------------------------------------------------------------

TEST(Trend, FittedToTheBundledFamily)
{
    const NlTrend t = familyNlTrend();
    EXPECT_EQ(t.configs, 13u); // the four 130m position variants share one shape
    EXPECT_GT(t.slope, 0);     // wider per layer as models grow (32 at 9m, 128 at 7b)
    for (const ModelConfig& c : bundledConfigs()) {
        const double n = static_cast<double>(countParameters(c).total);
        const NlBand b = t.band(n);
        const double nl = static_cast<double>(c.hiddenSize) / static_cast<double>(c.numHiddenLayers);
        EXPECT_GE(nl, b.low * 0.999) << c.name;
        EXPECT_LE(nl, b.high * 1.001) << c.name;
    }
    // Held, not extrapolated, outside the family's range.
    EXPECT_DOUBLE_EQ(t.center(70e9), t.center(t.maxParams));
    EXPECT_DOUBLE_EQ(t.center(1e6), t.center(t.minParams));
}

// ---- ladder ---------------------------------------------------------------------------------
//
// "Smooth", precisely: (1) parameters strictly increase; (2) hidden size, layers and head_dim
// never decrease; (3) each rung's N/L lies in the family band at its size, and between
// neighbours N/L changes by at most the largest step of the bundled family itself (×2:
// llama_9m -> llama_20m, llama_130m -> llama_250m); (4) every FFN ratio is within 4 % of 8/3
// and neighbours differ by at most 0.1 (the bundled family jumps by 0.87 at 130m -> 250m).
TEST(Ladder, NineMillionToSevenBillionIsSmooth)
{
    const double from = parseParamsOrBundled("llama_9m", "from");
    const double to = parseParamsOrBundled("llama_7b", "to");
    const LadderResult l = designLadder(from, to, 8, DesignConstraints{});
    ASSERT_EQ(l.rungs.size(), 8u);
    EXPECT_NEAR(l.targets.front(), 8'995'968, 1);
    EXPECT_NEAR(l.targets.back(), 6'738'415'616, 1);
    double largestFamilyStep = 0;
    {
        const std::vector<ModelConfig> fam = bundledConfigs();
        for (std::size_t i = 1; i < fam.size(); ++i) {
            const double a =
                static_cast<double>(fam[i - 1].hiddenSize) / static_cast<double>(fam[i - 1].numHiddenLayers);
            const double b =
                static_cast<double>(fam[i].hiddenSize) / static_cast<double>(fam[i].numHiddenLayers);
            largestFamilyStep = std::max(largestFamilyStep, std::fabs(std::log(b / a)));
        }
    }
    EXPECT_NEAR(largestFamilyStep, std::log(2.0), 1e-12);
    std::set<std::string> names;
    for (std::size_t i = 0; i < l.rungs.size(); ++i) {
        const DesignCandidate& r = l.rungs[i];
        EXPECT_TRUE(names.insert(r.fileName).second) << r.fileName;
        EXPECT_TRUE(reload(r).report.findings.empty()) << r.fileName;
        EXPECT_GE(r.widthPerLayer, r.band.low) << r.fileName;
        EXPECT_LE(r.widthPerLayer, r.band.high) << r.fileName;
        EXPECT_NEAR(r.ffnRatio / kSwiGluRatio, 1.0, 0.04) << r.fileName;
        EXPECT_LE(std::fabs(r.error), 0.025) << r.reason; // the ends are within 2.5 %
        if (i == 0)
            continue;
        const DesignCandidate& p = l.rungs[i - 1];
        EXPECT_GT(r.parameters, p.parameters);
        EXPECT_GE(r.config.hiddenSize, p.config.hiddenSize);
        EXPECT_GE(r.config.numHiddenLayers, p.config.numHiddenLayers);
        EXPECT_GE(r.config.headDim, p.config.headDim);
        EXPECT_LE(std::fabs(std::log(r.widthPerLayer / p.widthPerLayer)), largestFamilyStep + 1e-12)
            << p.fileName << " -> " << r.fileName;
        EXPECT_LE(std::fabs(r.ffnRatio - p.ffnRatio), 0.1) << p.fileName << " -> " << r.fileName;
    }
    // From 60M up, every rung of the ladder is within 1 % of its size.
    for (std::size_t i = 0; i < l.rungs.size(); ++i)
        if (l.targets[i] >= 60e6) {
            EXPECT_TRUE(l.rungs[i].onTarget) << l.rungs[i].reason;
        }
}

TEST(Ladder, RungsThatCannotBeDistinctAreRefusedWithTheCount)
{
    // Between 9M and 10M only two shapes land within 1 % of a rung's size (at width 192 each
    // layer adds 442,752 parameters, ~5 %): eight rungs would repeat a shape.
    try {
        (void)designLadder(9e6, 10e6, 8, DesignConstraints{});
        ADD_FAILURE() << "a ladder with repeated rungs was accepted";
    } catch (const InvalidArgument& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("cannot have 8 distinct rungs"), std::string::npos) << what;
        EXPECT_NE(what.find("only 2 distinct sizes"), std::string::npos) << what;
    }
    const LadderResult two = designLadder(9e6, 10e6, 2, DesignConstraints{});
    EXPECT_LT(two.rungs[0].parameters, two.rungs[1].parameters);
}

TEST(Ladder, BadArguments)
{
    EXPECT_THROW(designLadder(7e9, 9e6, 8, {}), InvalidArgument);
    EXPECT_THROW(designLadder(9e6, 7e9, 1, {}), InvalidArgument);
    EXPECT_THROW(designLadder(9e6, 7e9, 1000, {}), InvalidArgument);
    EXPECT_THROW(designLadder(-1, 7e9, 8, {}), InvalidArgument);
}
