// Laws, presets, law files and the optima derived from them, each against an independent
// source: the first-order condition of the constrained minimum, Muennighoff et al.'s published
// figures, and identities of Sardana et al.'s formulation.

#include "llamascope/errors.hpp"
#include "llamascope/scaling.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace llamascope;

TEST(Law, PresetsAreThePublishedNumbers)
{
    const ScalingLaw c = chinchillaLaw();
    EXPECT_EQ(c.params.E, 1.69);
    EXPECT_EQ(c.params.A, 406.4);
    EXPECT_EQ(c.params.B, 410.7);
    EXPECT_EQ(c.params.alpha, 0.34);
    EXPECT_EQ(c.params.beta, 0.28);
    const ScalingLaw b = besirogluLaw();
    EXPECT_EQ(b.params.E, 1.8172);
    EXPECT_EQ(b.params.A, 482.01);
    EXPECT_EQ(b.params.B, 2085.43);
    EXPECT_EQ(b.params.alpha, 0.3478);
    EXPECT_EQ(b.params.beta, 0.3658);
    EXPECT_TRUE(findPresetLaw("muennighoff"));
    EXPECT_FALSE(findPresetLaw("kaplan"));
    // L(N, D) by hand: 1.69 + 406.4/1e9^0.34 + 410.7/2e10^0.28.
    EXPECT_NEAR(c.loss(1e9, 2e10), 1.69 + 406.4 / std::pow(1e9, 0.34) + 410.7 / std::pow(2e10, 0.28), 1e-12);
}

TEST(Law, ComputeOptimumClosedFormMeetsTheFirstOrderCondition)
{
    for (const ScalingLaw& law : {chinchillaLaw(), besirogluLaw(), muennighoffLaw()}) {
        for (double c : {1e18, 1e21, 5.76e23, 1e25}) {
            SCOPED_TRACE(law.name + " C=" + std::to_string(c));
            const ComputeOptimum o = computeOptimal(law, c);
            EXPECT_NEAR(6 * o.parameters * o.tokens / c, 1.0, 1e-12);
            // On 6ND = C, dL/dlogN = −αA·N^−α + βB·D^−β vanishes at the optimum.
            const double aTerm = law.params.alpha * law.params.A * std::pow(o.parameters, -law.params.alpha);
            const double bTerm = law.params.beta * law.params.B * std::pow(o.tokens, -law.params.beta);
            EXPECT_NEAR(aTerm / bTerm, 1.0, 1e-9);
            // ... and the numerical minimiser agrees.
            EXPECT_NEAR(o.numericParameters / o.parameters, 1.0, 1e-5);
        }
    }
    // Exponents: Besiroglu et al. 2024 report a = 0.51 (β/(α+β)) for their fit.
    EXPECT_NEAR(optimalExponents(besirogluLaw().params).a, 0.5126, 1e-4);
}

TEST(Law, DataConstrainedReproducesMuennighoffsFigures)
{
    // datablations README: scaling_law(6.34e9, 242e9, 25e9) = 2.2256440889984477 and
    // scaling_law(8.67e9, 178e9, 25e9) = 2.2269634075087867 (Figure 1, right).
    const LawParams p = muennighoffLaw().params;
    EXPECT_NEAR(dataConstrainedLoss(p, 6.34e9, 242e9, 25e9), 2.2256440889984477, 1e-9);
    EXPECT_NEAR(dataConstrainedLoss(p, 8.67e9, 178e9, 25e9), 2.2269634075087867, 1e-9);
    // Their grid search for the budget of the 8.67B/178B run: "227B tokens, 9.1 epochs, 6.8B
    // parameters" (500-point grid, so a few percent).
    const DataConstrainedOptimum o = dataConstrainedOptimal(muennighoffLaw(), 6 * 8.67e9 * 178e9, 25e9);
    EXPECT_NEAR(o.tokens / 227e9, 1.0, 0.03);
    EXPECT_NEAR(o.parameters / 6.8e9, 1.0, 0.03);
    EXPECT_NEAR(o.epochs, 9.1, 0.3);
    EXPECT_LE(o.loss, dataConstrainedLoss(p, 8.67e9, 178e9, 25e9));
    // With unique data to spare, the data-constrained law is the plain one.
    EXPECT_NEAR(dataConstrainedLoss(p, 1e9, 2e10, 1e12), muennighoffLaw().loss(1e9, 2e10), 1e-12);
}

TEST(Law, InferenceAwareOptimum)
{
    const ScalingLaw law = chinchillaLaw();
    const ComputeOptimum c = computeOptimal(law, 1e22);
    // Without inference demand it is the Chinchilla optimum.
    const InferenceOptimum none = inferenceOptimal(law, 1e22, 0);
    EXPECT_NEAR(none.parameters / c.parameters, 1.0, 1e-4);
    EXPECT_NEAR(none.tokens / c.tokens, 1.0, 1e-4);
    EXPECT_NEAR(none.savings, 0.0, 1e-6);
    // With 2T inference tokens: a smaller model trained longer, on the same loss, cheaper overall
    // (Sardana et al. 2024, Fig. 1).
    const InferenceOptimum o = inferenceOptimal(law, 1e22, 2e12);
    EXPECT_LT(o.parameters, c.parameters);
    EXPECT_GT(o.tokens, c.tokens);
    EXPECT_NEAR(law.loss(o.parameters, o.tokens), c.loss, 1e-9);
    EXPECT_GT(o.savings, 0.0);
    EXPECT_LT(o.totalCompute, o.chinchillaTotalCompute);
    // Optimality: nudging N either way along the iso-loss curve costs more.
    for (double f : {0.97, 1.03}) {
        const double n = o.parameters * f;
        const double d =
            std::pow(law.params.B / (c.loss - law.params.E - law.params.A * std::pow(n, -law.params.alpha)),
                     1 / law.params.beta);
        EXPECT_GT(6 * n * d + 2 * n * 2e12, o.totalCompute);
    }
    EXPECT_THROW(inferenceOptimalForLoss(law, 1.5, 1e12), InvalidArgument); // below E
}

TEST(Law, FileRoundTripAndErrors)
{
    ScalingLaw law = besirogluLaw();
    law.name = "mine";
    law.runs = 240;
    law.bootstrapSeed = 7;
    law.bootstrap = {
        {1.8, 480, 2000, 0.34, 0.36}, {1.83, 490, 2100, 0.35, 0.37}, {1.81, 470, 2050, 0.345, 0.365}};
    const ScalingLaw back = parseLawFile(lawFileText(law), "law.json");
    EXPECT_EQ(back.params.B, law.params.B);
    EXPECT_EQ(back.bootstrap.size(), 3u);
    EXPECT_EQ(back.bootstrap[1].A, 490);
    EXPECT_EQ(back.bootstrapSeed, 7u);
    EXPECT_EQ(back.runs, 240u);
    const LossPrediction p = predictLoss(back, 1e9, 2e10);
    ASSERT_TRUE(p.interval);
    EXPECT_LE(p.interval->low, p.interval->high);
    auto message = [](std::string_view text) {
        try {
            parseLawFile(text, "bad.json");
        } catch (const InvalidArgument& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    EXPECT_NE(
        message(R"({"llamascope_law": 1, "E": 1, "A": 1, "alpha": 0.3, "B": 1})").find("missing \"beta\""),
        std::string::npos);
    EXPECT_NE(
        message(R"({"llamascope_law": 1, "E": 1, "A": 1, "alpha": 0.3, "B": 1, "beta": 0.2, "gamma": 1})")
            .find("/gamma: unknown key"),
        std::string::npos);
    EXPECT_NE(message(R"({"llamascope_law": 2})").find("unsupported law file version"), std::string::npos);
    EXPECT_NE(message(R"({"llamascope_law": 1, "form": "x"})").find("/form"), std::string::npos);
    EXPECT_NE(
        message("{\"llamascope_law\": 1,\n \"E\": \"1\"}").find("bad.json:2:7: /E: expected a finite number"),
        std::string::npos)
        << message("{\"llamascope_law\": 1,\n \"E\": \"1\"}");
    EXPECT_NE(message("[").find("bad.json"), std::string::npos);
}

TEST(Law, PredictionsRefuseNonsense)
{
    const ScalingLaw law = chinchillaLaw();
    EXPECT_THROW(predictLoss(law, 0, 1e9), InvalidArgument);
    EXPECT_THROW(predictLoss(law, 1e9, NAN), InvalidArgument);
    EXPECT_THROW(computeOptimal(law, -1), InvalidArgument);
    ScalingLaw n = law;
    n.form = LawForm::Params;
    EXPECT_THROW(predictLoss(n, 1e9, 1e9), InvalidArgument);
    EXPECT_FALSE(predictLoss(law, 1e9, 1e9).interval); // presets have no samples
}

TEST(Law, ChartData)
{
    const ScalingLaw law = chinchillaLaw();
    const ScalingChartData c = scalingChart(law, nullptr, nullptr, 16);
    ASSERT_EQ(c.gridParameters.size(), 16u);
    ASSERT_EQ(c.gridLoss.size(), 16u);
    EXPECT_EQ(c.gridLoss[3][5], law.loss(c.gridParameters[3], c.gridTokens[5]));
    ASSERT_EQ(c.contourLevels.size(), 12u);
    // Evenly spaced in log(L − E), strictly inside the grid's losses.
    double lo = INFINITY, hi = 0;
    for (const auto& row : c.gridLoss)
        for (double l : row) {
            lo = std::min(lo, l);
            hi = std::max(hi, l);
        }
    const double step = std::log((c.contourLevels[1] - law.params.E) / (c.contourLevels[0] - law.params.E));
    EXPECT_NEAR(std::log((c.contourLevels[0] - law.params.E) / (lo - law.params.E)), step, 1e-9);
    EXPECT_NEAR(std::log((hi - law.params.E) / (c.contourLevels[11] - law.params.E)), step, 1e-9);
    for (std::size_t k = 1; k < 12; ++k)
        EXPECT_NEAR(std::log((c.contourLevels[k] - law.params.E) / (c.contourLevels[k - 1] - law.params.E)),
                    step, 1e-9);
    ASSERT_FALSE(c.frontier.empty());
    for (const auto& f : c.frontier)
        EXPECT_NEAR(f.parameters / computeOptimal(law, f.compute).parameters, 1.0, 1e-12);
    ASSERT_EQ(c.contours.size(), c.contourLevels.size());
    for (const auto& contour : c.contours)
        for (const auto& [n, d] : contour.points)
            EXPECT_NEAR(law.loss(n, d), contour.loss, 1e-9);
}

TEST(Law, ChartBoxHoldsAnIncludedPoint)
{
    const ScalingLaw law = chinchillaLaw();
    // The default box is 1e7–1e11 × 1e8–1e13; a 7B model on 40T tokens widens D to 3 × 40T.
    const ScalingChartData c =
        scalingChart(law, nullptr, nullptr, 8, 1e7, 1e11, 1e8, 1e13, std::pair{7e9, 4e13});
    EXPECT_DOUBLE_EQ(c.gridParameters.front(), 1e7);
    EXPECT_NEAR(c.gridParameters.back() / 1e11, 1.0, 1e-12);
    EXPECT_DOUBLE_EQ(c.gridTokens.front(), 1e8);
    EXPECT_NEAR(c.gridTokens.back() / 1.2e14, 1.0, 1e-12);
    // Inside the box already: nothing changes.
    const ScalingChartData same =
        scalingChart(law, nullptr, nullptr, 8, 1e7, 1e11, 1e8, 1e13, std::pair{1e9, 1e10});
    EXPECT_NEAR(same.gridTokens.back() / 1e13, 1.0, 1e-12);
    EXPECT_THROW(scalingChart(law, nullptr, nullptr, 8, 1e7, 1e11, 1e8, 1e13, std::pair{0.0, 1e10}),
                 InvalidArgument);
    // The overload over the default ranges.
    EXPECT_EQ(scalingChart(law, nullptr, nullptr, std::pair{7e9, 4e13}, 8).gridTokens, c.gridTokens);
}

TEST(Law, IsoLossCurveMatchesTheLawWorkedByHand)
{
    // L = 1 + 100/N^0.5 + 1000/D^0.5 at the level 3, by hand:
    //   N = 1e4: 100/100 = 1, so 1000/D^0.5 = 1 and D = 1e6;
    //   N = 1e6: 100/1000 = 0.1, so 1000/D^0.5 = 1.9 and D = (1000/1.9)² = 277,008.31;
    //   D = 1e8: 1000/1e4 = 0.1, so 100/N^0.5 = 1.9 and N = (100/1.9)² = 2,770.083;
    //   the curve never reaches N ≤ (100/2)² = 2,500 or D ≤ (1000/2)² = 250,000.
    const LawParams p{1.0, 100.0, 1000.0, 0.5, 0.5};
    // 11 samples over five decades: every half decade, so N = 1e4, 1e6 and D = 1e8 are sampled.
    const auto curve = isoLossCurve(p, 3.0, 1e3, 1e8, 1e5, 1e10, 11);
    ASSERT_FALSE(curve.empty());
    auto find = [&](double n, double d) {
        for (const auto& [cn, cd] : curve)
            if (std::abs(cn / n - 1) < 1e-9 && std::abs(cd / d - 1) < 1e-9)
                return true;
        return false;
    };
    EXPECT_TRUE(find(1e4, 1e6));
    EXPECT_TRUE(find(1e6, 277008.31024930748));
    EXPECT_TRUE(find(2770.0831024930748, 1e8));
    for (std::size_t i = 0; i < curve.size(); ++i) {
        const auto [n, d] = curve[i];
        EXPECT_GT(n, 2500.0);
        EXPECT_GT(d, 250000.0);
        EXPECT_LE(n, 1e8);
        EXPECT_LE(d, 1e10);
        if (i > 0) {
            EXPECT_GE(n, curve[i - 1].first);
            EXPECT_LE(d, curve[i - 1].second); // more N, fewer D for the same loss
        }
    }
    EXPECT_TRUE(isoLossCurve(p, 1.0, 1e3, 1e8, 1e5, 1e10).empty());  // E is never reached
    EXPECT_TRUE(isoLossCurve(p, 1.01, 1e3, 1e8, 1e5, 1e10).empty()); // not inside the box
    EXPECT_THROW(isoLossCurve(p, 3.0, 0, 1e8, 1e5, 1e10), InvalidArgument);
    EXPECT_THROW(isoLossCurve(p, 3.0, 1e8, 1e3, 1e5, 1e10), InvalidArgument);
}
