#pragma once
// A parsed JSON document that remembers where each value came from.
//
// nlohmann's parser cannot report value positions, refuses nothing about duplicate keys and
// recurses without bound, so config files go through this strict RFC 8259 parser instead.
// It builds an nlohmann::ordered_json (key order preserved, for byte-faithful round trips),
// records the line:column of every key and value by JSON pointer, and turns every problem
// into a Finding instead of an exception.

#include "llamascope/finding.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace llamascope {

struct ParseLimits {
    std::size_t maxBytes = 4u << 20; ///< larger inputs get `file-too-large` (4 MiB)
    int maxDepth = 256;              ///< deeper nesting gets `too-deep` (no recursion blow-up)
};

struct Document {
    std::string source; ///< file path or bundled name, for messages
    /// The parsed value; null when the text is not JSON (see `findings`). Never null pointer.
    std::shared_ptr<const nlohmann::ordered_json> root;
    std::map<std::string, SourcePos> valuePos; ///< JSON pointer -> start of the value
    std::map<std::string, SourcePos> keyPos;   ///< JSON pointer -> start of the member's key
    /// Pointers of numbers that do not fit (integers beyond int64, floats beyond double).
    /// Their stored value is a placeholder and must not be used.
    std::map<std::string, std::string> badNumbers;
    /// Syntax-level findings (syntax, duplicate-key, too-deep, file-too-large, encoding).
    std::vector<Finding> findings;

    /// True when the text parsed as JSON (duplicate keys and bad numbers still parse).
    [[nodiscard]] bool parsed() const { return parsedOk; }
    /// Position for a finding about the value at `pointer` (falls back to the key, then the
    /// nearest parent, then unknown).
    [[nodiscard]] SourcePos positionOf(const std::string& pointer) const;
    /// Position of the member's key (falls back to positionOf).
    [[nodiscard]] SourcePos keyPositionOf(const std::string& pointer) const;

    bool parsedOk = false;
};

/// Parses `text`. Never throws for bad input; every problem is a Finding in the result.
Document parseDocument(std::string_view text, std::string source, const ParseLimits& limits = {});

/// The document for an input larger than limits.maxBytes: one `file-too-large` finding.
Document oversizedDocument(std::string source, std::uintmax_t size, const ParseLimits& limits);

/// Escapes a key for use in a JSON pointer ("~" -> "~0", "/" -> "~1").
std::string escapePointerToken(std::string_view key);

} // namespace llamascope
