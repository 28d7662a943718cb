#include "llamascope/format.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <vector>

namespace llamascope {

std::string formatCount(std::int64_t value)
{
    const bool negative = value < 0;
    // Work in unsigned so INT64_MIN is safe.
    std::uint64_t u = negative ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
    std::string digits = std::to_string(u);
    std::string out;
    const std::size_t n = digits.size();
    for (std::size_t i = 0; i < n; ++i) {
        out += digits[i];
        if ((n - i - 1) % 3 == 0 && i + 1 < n)
            out += ',';
    }
    return negative ? "-" + out : out;
}

std::string formatFixed(double value, int digits)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, value);
    return buf;
}

std::string formatNumber(double value)
{
    char buf[64];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, value);
    return ec == std::errc() ? std::string(buf, p) : std::string("nan");
}

std::string formatShort(double value)
{
    const double a = std::fabs(value);
    struct Unit {
        double scale;
        const char* suffix;
    };
    static constexpr Unit kUnits[] = {{1e15, "P"}, {1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "K"}};
    for (const Unit& u : kUnits) {
        if (a >= u.scale) {
            const double v = value / u.scale;
            return formatFixed(v, std::fabs(v) >= 100 ? 1 : 2) + u.suffix;
        }
    }
    return formatFixed(value, std::floor(value) == value ? 0 : 2);
}

std::string formatScientific(double value)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3g", value);
    std::string s = buf;
    if (s.find('e') == std::string::npos) {
        std::snprintf(buf, sizeof buf, "%.2e", value);
        s = buf;
    }
    return s;
}

std::string formatBytes(double bytes)
{
    static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    int unit = 0;
    double v = bytes;
    while (std::fabs(v) >= 1024.0 && unit < 5) {
        v /= 1024.0;
        ++unit;
    }
    return unit == 0 ? formatFixed(v, 0) + " B" : formatFixed(v, 2) + " " + kUnits[unit];
}

std::string formatGigabytes(double bytes)
{
    return formatFixed(bytes / 1e9, 2) + "G";
}

std::string plural(std::int64_t n, std::string_view noun)
{
    return std::to_string(n) + " " + std::string(noun) + (n == 1 ? "" : "s");
}

std::size_t editDistance(std::string_view a, std::string_view b)
{
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    const std::size_t n = a.size(), m = b.size();
    // Optimal string alignment distance (Damerau without repeated edits of one substring).
    std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
    for (std::size_t i = 0; i <= n; ++i)
        d[i][0] = i;
    for (std::size_t j = 0; j <= m; ++j)
        d[0][j] = j;
    for (std::size_t i = 1; i <= n; ++i) {
        for (std::size_t j = 1; j <= m; ++j) {
            const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1]))
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[n][m];
}

std::string closestMatch(std::string_view word, std::span<const std::string_view> candidates)
{
    if (word.size() > 200)
        return {}; // no sensible suggestion, and keep the O(n·m) table small
    std::string best;
    std::size_t bestDistance = std::max<std::size_t>(2, word.size() / 4) + 1;
    for (std::string_view c : candidates) {
        const std::size_t dist = editDistance(word, c);
        if (dist < bestDistance) {
            bestDistance = dist;
            best = std::string(c);
        }
    }
    return best;
}

std::string joinQuoted(std::span<const std::string_view> items)
{
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i != 0)
            out += ", ";
        out += '"';
        out += items[i];
        out += '"';
    }
    return out;
}

} // namespace llamascope
