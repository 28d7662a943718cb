#include "llamascope/format.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <stdexcept>
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

std::string formatQuotient(std::int64_t numerator, std::int64_t denominator)
{
    if (numerator < 0 || denominator < 1)
        throw std::invalid_argument("formatQuotient: needs numerator >= 0 and denominator >= 1");
    std::int64_t whole = numerator / denominator;
    const std::int64_t rest = numerator % denominator;
    if (rest == 0)
        return formatCount(whole);
    // Hundredths, rounded to nearest (a double holds rest/denominator to 1e-16, ample here).
    auto hundredths =
        static_cast<int>(std::lround(static_cast<double>(rest) / static_cast<double>(denominator) * 100.0));
    if (hundredths == 100) {
        ++whole;
        hundredths = 0;
    }
    char frac[8];
    std::snprintf(frac, sizeof frac, ".%02d", hundredths);
    return formatCount(whole) + frac;
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

std::string formatBinaryExact(std::int64_t value)
{
    static constexpr const char* kUnits[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi"};
    int unit = 0;
    while (unit < 5 && value != 0 && value % 1024 == 0) {
        value /= 1024;
        ++unit;
    }
    return std::to_string(value) + kUnits[unit];
}

std::string formatPercent(double fraction)
{
    return formatNumber(std::round(fraction * 1e6) / 1e4) + "%";
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
    // Optimal string alignment distance (Damerau without repeated edits of one substring),
    // three rolling rows: the row two back is needed for transpositions. It runs once per
    // unknown key and candidate, so a file of 400k keys must not allocate here: short words
    // (every config key) use the stack.
    constexpr std::size_t kStack = 64;
    std::array<std::size_t, 3 * (kStack + 1)> onStack{};
    std::vector<std::size_t> onHeap;
    std::size_t* rows = onStack.data();
    if (m > kStack) {
        onHeap.resize(3 * (m + 1));
        rows = onHeap.data();
    }
    std::size_t* prev2 = rows;
    std::size_t* prev = rows + (m + 1);
    std::size_t* cur = rows + 2 * (m + 1);
    for (std::size_t j = 0; j <= m; ++j)
        prev[j] = j;
    for (std::size_t i = 1; i <= n; ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= m; ++j) {
            const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1]))
                cur[j] = std::min(cur[j], prev2[j - 2] + 1);
        }
        std::size_t* oldest = prev2;
        prev2 = prev;
        prev = cur;
        cur = oldest;
    }
    return prev[m];
}

std::string closestMatch(std::string_view word, std::span<const std::string_view> candidates)
{
    if (word.size() > 200)
        return {}; // no sensible suggestion, and keep the O(n·m) table small
    std::string best;
    std::size_t bestDistance = std::max<std::size_t>(2, word.size() / 4) + 1;
    for (std::string_view c : candidates) {
        // The distance is at least the difference in length: skip what cannot win.
        const std::size_t gap = c.size() > word.size() ? c.size() - word.size() : word.size() - c.size();
        if (gap >= bestDistance)
            continue;
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

namespace {

// The well-formed UTF-8 sequence starting at text[i]: its code point and length, or length 0
// when text[i] does not start one (a stray continuation byte, an overlong form, a surrogate,
// a code point above U+10FFFF, or a sequence cut short).
struct Utf8Char {
    std::uint32_t codePoint = 0;
    std::size_t length = 0;
};

Utf8Char decodeUtf8(std::string_view text, std::size_t i)
{
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80)
        return {lead, 1};
    std::size_t extra = 0;
    std::uint32_t cp = 0, smallest = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        extra = 1;
        cp = lead & 0x1Fu;
        smallest = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        extra = 2;
        cp = lead & 0x0Fu;
        smallest = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        extra = 3;
        cp = lead & 0x07u;
        smallest = 0x10000;
    } else {
        return {};
    }
    if (text.size() - i <= extra)
        return {};
    for (std::size_t k = 1; k <= extra; ++k) {
        const auto b = static_cast<unsigned char>(text[i + k]);
        if ((b & 0xC0u) != 0x80u)
            return {};
        cp = (cp << 6) | (b & 0x3Fu);
    }
    if (cp < smallest || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return {};
    return {cp, extra + 1};
}

// Code points a terminal acts on or that reorder the text around them (Trojan Source,
// CVE-2021-42574): C1 controls and the bidirectional formatting characters.
bool isInvisibleControl(std::uint32_t cp)
{
    return (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

void appendHex(std::string& out, const char* prefix, unsigned value, int digits)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "%s%0*x", prefix, digits, value);
    out += buf;
}

} // namespace

std::string escapeForTerminal(std::string_view text, TerminalText kind)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            if (c == '\n')
                out += kind == TerminalText::Block ? "\n" : "\\n";
            else if (c == '\t')
                out += kind == TerminalText::Block ? "\t" : "\\t";
            else if (c == '\r')
                out += "\\r";
            else if (c < 0x20 || c == 0x7F)
                appendHex(out, "\\x", c, 2);
            else
                out += static_cast<char>(c);
            ++i;
            continue;
        }
        const Utf8Char u = decodeUtf8(text, i);
        if (u.length == 0) {
            appendHex(out, "\\x", c, 2);
            ++i;
            continue;
        }
        if (isInvisibleControl(u.codePoint))
            appendHex(out, "\\u", u.codePoint, 4);
        else
            out.append(text.substr(i, u.length));
        i += u.length;
    }
    return out;
}

std::string quoteForMessage(std::string_view text)
{
    std::string out(1, '"');
    out += escapeForTerminal(text);
    out += '"';
    return out;
}

bool isValidUtf8(std::string_view text)
{
    for (std::size_t i = 0; i < text.size();) {
        const Utf8Char u = decodeUtf8(text, i);
        if (u.length == 0)
            return false;
        i += u.length;
    }
    return true;
}

std::string toValidUtf8(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const Utf8Char u = decodeUtf8(text, i);
        if (u.length == 0) {
            out += "\xEF\xBF\xBD"; // U+FFFD
            ++i;
            continue;
        }
        out.append(text.substr(i, u.length));
        i += u.length;
    }
    return out;
}

std::string escapeInvisibleForJson(std::string_view json)
{
    std::string out;
    out.reserve(json.size());
    for (std::size_t i = 0; i < json.size();) {
        const Utf8Char u = decodeUtf8(json, i);
        const std::size_t n = u.length == 0 ? 1 : u.length;
        if (u.length != 0 && isInvisibleControl(u.codePoint))
            appendHex(out, "\\u", u.codePoint, 4);
        else
            out.append(json.substr(i, n));
        i += n;
    }
    return out;
}

std::string hexBytes(std::string_view bytes)
{
    std::string out;
    out.reserve(2 * bytes.size());
    for (const char c : bytes)
        appendHex(out, "", static_cast<unsigned char>(c), 2);
    return out;
}

std::size_t completeUtf8Prefix(std::string_view text)
{
    // Look back over at most three continuation bytes for the lead of the last sequence.
    const std::size_t n = text.size();
    for (std::size_t back = 1; back <= 4 && back <= n; ++back) {
        const auto c = static_cast<unsigned char>(text[n - back]);
        if ((c & 0xC0u) == 0x80u)
            continue; // a continuation byte: keep looking for the lead
        // Only a byte that can lead a sequence (C2–F4) makes the tail wait for more bytes.
        const std::size_t need = c > 0xF4 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 1;
        return need > back ? n - back : n;
    }
    return n;
}

} // namespace llamascope
