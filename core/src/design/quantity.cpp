// Parsing and printing sizes for the designer ("500M", "1.5B", "1e21") and the N/L trend fit.

#include "llamascope/bundled.hpp"
#include "llamascope/design.hpp"
#include "llamascope/errors.hpp"
#include "llamascope/params.hpp"
#include "llamascope/parse.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <set>
#include <tuple>

namespace llamascope {

double parseQuantity(std::string_view text, std::string_view what)
{
    constexpr std::string_view howTo =
        "write a number with an optional K, M, B or T suffix, e.g. 500M, 1.5B, 1e21";
    const NumberAndUnit n = parseNumberAndUnit(text, what, howTo);
    double scale = 1;
    if (n.unit.size() == 1) {
        switch (std::tolower(static_cast<unsigned char>(n.unit.front()))) {
        case 'k': scale = 1e3; break;
        case 'm': scale = 1e6; break;
        case 'b':
        case 'g': scale = 1e9; break;
        case 't': scale = 1e12; break;
        default:
            throw InvalidArgument(
                badValueMessage(text, what, "has an unknown suffix '" + n.unit + "'", howTo));
        }
    } else if (!n.unit.empty()) {
        throw InvalidArgument(badValueMessage(text, what, "has an unknown suffix '" + n.unit + "'", howTo));
    }
    const double v = n.value * scale;
    if (!std::isfinite(v))
        throw InvalidArgument(badValueMessage(text, what, "is not finite", howTo));
    return v;
}

double parseParamsOrBundled(std::string_view text, std::string_view what)
{
    if (const std::optional<LoadResult> r = loadBundled(text); r && r->config)
        return static_cast<double>(countParameters(*r->config).total);
    return parseQuantity(text, what);
}

std::string sizeLabel(double params, int digits)
{
    struct Unit {
        double scale;
        char suffix;
    };
    static constexpr Unit kUnits[] = {{1e12, 't'}, {1e9, 'b'}, {1e6, 'm'}, {1e3, 'k'}, {1, '\0'}};
    if (!(params > 0) || !std::isfinite(params))
        return "0";
    digits = std::clamp(digits, 1, 3);
    // Round to `digits` significant digits, then pick the unit of the rounded value (999.6M -> 1b).
    const double magnitude = std::pow(10.0, std::floor(std::log10(params)) - (digits - 1));
    const double rounded = std::round(params / magnitude) * magnitude;
    for (const Unit& u : kUnits) {
        if (rounded < u.scale && u.scale != 1)
            continue;
        // Hundredths are enough for 3 digits of a value below 10 ("1.25b").
        const long long hundredths = std::llround(rounded / u.scale * 100);
        std::string text = std::to_string(hundredths / 100);
        const long long frac = hundredths % 100;
        if (frac != 0) {
            text += '.';
            if (frac < 10)
                text += '0';
            text += std::to_string(frac % 10 == 0 ? frac / 10 : frac);
        }
        if (u.suffix != '\0')
            text += u.suffix;
        return text;
    }
    return "0";
}

// ---- N/L trend ------------------------------------------------------------------------------

double NlTrend::center(double params) const
{
    const double n = std::clamp(params, minParams, maxParams);
    return std::exp(intercept + slope * std::log(n));
}

NlBand NlTrend::band(double params) const
{
    const double c = center(params);
    return NlBand{c * std::exp(-halfWidth), c * std::exp(halfWidth)};
}

NlTrend fitNlTrend(std::span<const ModelConfig> family)
{
    std::set<std::tuple<Count, Count, Count, Count>> seen;
    std::vector<double> xs, ys, sizes;
    for (const ModelConfig& c : family) {
        if (!seen.insert({c.hiddenSize, c.numHiddenLayers, c.intermediateSize, c.vocabSize}).second)
            continue;
        sizes.push_back(static_cast<double>(countParameters(c).total));
        xs.push_back(std::log(sizes.back()));
        ys.push_back(std::log(static_cast<double>(c.hiddenSize) / static_cast<double>(c.numHiddenLayers)));
    }
    const std::size_t n = xs.size();
    double mx = 0, my = 0;
    for (std::size_t i = 0; i < n; ++i) {
        mx += xs[i];
        my += ys[i];
    }
    if (n < 2)
        throw InvalidArgument("fitting an N/L trend needs at least two distinct configs");
    mx /= static_cast<double>(n);
    my /= static_cast<double>(n);
    double sxx = 0, sxy = 0;
    for (std::size_t i = 0; i < n; ++i) {
        sxx += (xs[i] - mx) * (xs[i] - mx);
        sxy += (xs[i] - mx) * (ys[i] - my);
    }
    if (sxx <= 0)
        throw InvalidArgument("fitting an N/L trend needs configs of different sizes");
    NlTrend t;
    t.slope = sxy / sxx;
    t.intercept = my - t.slope * mx;
    t.configs = n;
    t.minParams = *std::min_element(sizes.begin(), sizes.end());
    t.maxParams = *std::max_element(sizes.begin(), sizes.end());
    for (std::size_t i = 0; i < n; ++i)
        t.halfWidth = std::max(t.halfWidth, std::fabs(ys[i] - (t.intercept + t.slope * xs[i])));
    return t;
}

NlTrend familyNlTrend()
{
    const std::vector<ModelConfig> family = bundledConfigs();
    return fitNlTrend(family);
}

} // namespace llamascope
