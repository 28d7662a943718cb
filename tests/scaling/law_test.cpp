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
    EXPECT_EQ(c.contourLevels.size(), 12u);
    ASSERT_FALSE(c.frontier.empty());
    for (const auto& f : c.frontier)
        EXPECT_NEAR(f.parameters / computeOptimal(law, f.compute).parameters, 1.0, 1e-12);
}
