#pragma once
// JSON forms of core results, as the CLI prints them with --format json. The shapes are the
// published contract in schemas/analysis.schema.json (tests validate real output against it).

#include "llamascope/analysis.hpp"
#include "llamascope/finding.hpp"

#include <nlohmann/json_fwd.hpp>

#include <string_view>
#include <vector>

namespace llamascope {

/// Version string of this build ("0.1.0").
std::string_view version();

/// {"tool": "llamascope", "version": ..., "command": command} — every JSON output starts so.
nlohmann::ordered_json outputEnvelope(std::string_view command);

/// `j` as text (pretty, `indent` spaces) that is always valid UTF-8 and safe on a terminal:
/// bytes that are not UTF-8 (a file name can hold any bytes) become U+FFFD instead of an
/// exception, and C1 controls and bidirectional overrides are written as \uNNNN escapes.
/// JSON's own escaping covers the other control characters. docs/hardening.md.
std::string dumpJson(const nlohmann::ordered_json& j, int indent = 2);

nlohmann::ordered_json toJson(const Finding& f);
nlohmann::ordered_json toJson(const ValidationReport& r);
nlohmann::ordered_json toJson(const ModelConfig& c); ///< resolved fields, snake_case
nlohmann::ordered_json toJson(const DerivedMetrics& m);
nlohmann::ordered_json toJson(const ParameterCounts& p);
nlohmann::ordered_json toJson(const FlopReport& r);
nlohmann::ordered_json toJson(const Analysis& a);

} // namespace llamascope
