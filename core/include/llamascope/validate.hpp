#pragma once
// Loading and validating config files (SPEC §4). One pass both checks every field (collecting
// all findings) and builds the ModelConfig; the config exists only when there are no errors.

#include "llamascope/config.hpp"
#include "llamascope/document.hpp"
#include "llamascope/finding.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace llamascope {

struct LoadResult {
    ValidationReport report;
    std::optional<ModelConfig> config; ///< set iff report has no errors
    Document document;                 ///< the parsed text, with positions (for the GUI)
};

/// Parses and validates `text`; `source` names it in findings (a path or bundled name) and
/// its stem becomes the config name. Never throws for bad content.
LoadResult loadConfigText(std::string_view text, const std::string& source, const ParseLimits& limits = {});

/// Reads and validates a file. Throws IoError if it cannot be read (exit code 3); content
/// problems are findings. Reads at most limits.maxBytes + 1 bytes.
LoadResult loadConfigFile(const std::filesystem::path& path, const ParseLimits& limits = {});

/// Validates an already-parsed document (findings from parsing are included).
LoadResult validateDocument(Document document);

/// Validates a config built in code (e.g. by the designer or the GUI form) by serialising it
/// with toHfJson() and running the same checks a file gets.
ValidationReport validateConfig(const ModelConfig& config);

/// The config a JSON object describes, without findings (nullopt if it has errors). Used to
/// tell which fields of a loaded config were edited (toHfJson).
std::optional<ModelConfig> resolveConfig(const nlohmann::ordered_json& root);

/// Stem of a path-like source ("configs/llama_60m.json" -> "llama_60m").
std::string sourceStem(std::string_view source);

} // namespace llamascope
