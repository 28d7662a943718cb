#pragma once
// Number and text formatting shared by every output (CLI tables, JSON-free exports, GUI).
// Formatting only: no quantity is computed here.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace llamascope {

/// 134105856 -> "134,105,856".
std::string formatCount(std::int64_t value);
/// Fixed-point with `digits` decimals: formatFixed(2.6875, 2) -> "2.69".
std::string formatFixed(double value, int digits);
/// Shortest text that round-trips (for JSON-like echo of doubles): 1e-06, 0.02.
std::string formatNumber(double value);
/// Engineering shorthand with SI suffix: 134105856 -> "134.1M", 6.7e9 -> "6.74B".
/// `unit` is appended after the suffix ("FLOP" -> "1.2 TFLOP" style is not used; plain "1.2T").
std::string formatShort(double value);
/// Scientific with 3 significant digits: 3.15e+21.
std::string formatScientific(double value);
/// Bytes in binary units: 1536 -> "1.50 KiB".
std::string formatBytes(double bytes);
/// Bytes in decimal gigabytes as papers report them: 7.80e9 -> "7.80G".
std::string formatGigabytes(double bytes);

/// "1 note", "3 notes": count and noun with a plain English -s plural.
std::string plural(std::int64_t n, std::string_view noun);

/// The candidate closest to `word` by edit distance, if close enough to be a likely typo
/// (distance <= max(2, |word|/4)); empty otherwise.
std::string closestMatch(std::string_view word, std::span<const std::string_view> candidates);
/// Edit distance (insert, delete, substitute, adjacent transpose), case-insensitive.
std::size_t editDistance(std::string_view a, std::string_view b);
/// "\"a\", \"b\", \"c\"".
std::string joinQuoted(std::span<const std::string_view> items);

} // namespace llamascope
