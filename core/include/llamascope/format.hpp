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
/// An exact quotient of counts (numerator >= 0, denominator >= 1), e.g. FLOPs per token from
/// FLOPs per sequence: "12,288" when it divides, else two decimals, "12,287.67".
std::string formatQuotient(std::int64_t numerator, std::int64_t denominator);
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
/// A whole number in the largest binary unit that divides it exactly, as the option parsers
/// read it back: 4194304 -> "4Mi", 26214400 -> "25Mi", 1536 -> "1536" (1.5Ki is not exact).
std::string formatBinaryExact(std::int64_t value);
/// A fraction as a percentage the option parsers read back, to 1e-4 %: 0.5 -> "50%",
/// 0.055 -> "5.5%" (not 5.500000000000001).
std::string formatPercent(double fraction);
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

// ---- text that came from files or file names (docs/hardening.md "Output encoding") -----------

/// What escapeForTerminal() keeps: a field (a key, a message, a file name) must stay on one
/// line, so newlines and tabs are escaped too; a block of program output keeps its layout.
enum class TerminalText { Field, Block };

/// Text safe to print on a terminal: whatever could move the cursor, change colours, retitle
/// the window or reorder the line is replaced by a visible escape, so a key or a file name
/// cannot forge output. C0 controls and DEL become \n, \r, \t or \xNN (newline and tab kept
/// for TerminalText::Block); C1 controls U+0080–U+009F and the bidirectional marks, embeddings,
/// overrides and isolates (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) become \uNNNN;
/// bytes that are not UTF-8 become \xNN. An embedded NUL is shown as \x00 and nothing after it
/// is lost. Printable text, including every other UTF-8 character, is unchanged; backslashes
/// are not doubled (the escaped form is for reading: JSON output is the lossless one).
std::string escapeForTerminal(std::string_view text, TerminalText kind = TerminalText::Field);

/// escapeForTerminal() wrapped in double quotes: for names inside messages ("tensor \"x\"").
std::string quoteForMessage(std::string_view text);

/// True if `text` is well-formed UTF-8 (no overlong forms, surrogates or code points above
/// U+10FFFF).
bool isValidUtf8(std::string_view text);

/// `text` with every byte that is not part of a well-formed UTF-8 sequence replaced by U+FFFD
/// (the replacement character), one per byte, as Python's errors="replace" does per sequence.
std::string toValidUtf8(std::string_view text);

/// Valid UTF-8 `json` text with every C1 control and bidirectional formatting character
/// (see escapeForTerminal) replaced by its \uNNNN escape. Only correct for JSON text, where
/// such characters can occur only inside strings.
std::string escapeInvisibleForJson(std::string_view json);

/// Lower-case hex of every byte: "bad\xff" -> "626164ff".
std::string hexBytes(std::string_view bytes);

/// Length of the longest prefix of `text` that does not end inside a UTF-8 sequence that
/// could still be completed by more bytes (for escaping a stream chunk by chunk).
std::size_t completeUtf8Prefix(std::string_view text);

} // namespace llamascope
