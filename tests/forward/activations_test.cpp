// Every activation the validator accepts runs in the forward pass, and each matches PyTorch
// (float64, tools/make_forward_fixtures.py activations.json) on a grid from −12 to 25.

#include "test_util.hpp"

#include "llamascope/forward/activations.hpp"
#include "llamascope/rules.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>

namespace llamascope {
namespace {

TEST(Activations, EveryKnownActivationRuns)
{
    for (const std::string_view name : knownActivations())
        EXPECT_TRUE(ops::activationFromName(name).has_value()) << name;
    EXPECT_FALSE(ops::activationFromName("prelu").has_value());
}

TEST(Activations, MatchPyTorch)
{
    std::ifstream in(test::fixture("activations.json"));
    const nlohmann::json j = nlohmann::json::parse(in);
    const std::vector<double> x = j.at("x").get<std::vector<double>>();
    std::size_t checked = 0;
    for (const auto& [name, values] : j.at("y").items()) {
        const std::optional<ops::Activation> act = ops::activationFromName(name);
        ASSERT_TRUE(act.has_value()) << name;
        const std::vector<double> y = values.get<std::vector<double>>();
        ASSERT_EQ(y.size(), x.size());
        for (std::size_t i = 0; i < x.size(); ++i) {
            const double ours = ops::activate(*act, static_cast<float>(x[i]));
            EXPECT_NEAR(ours, y[i], 1e-6 + 2e-6 * std::abs(y[i])) << name << " at x = " << x[i];
        }
        ++checked;
    }
    EXPECT_EQ(checked, knownActivations().size());
}

} // namespace
} // namespace llamascope
