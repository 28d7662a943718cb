#pragma once
// The bundled family (SPEC §2): configs/*.json compiled into the library.

#include "llamascope/validate.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace llamascope {

/// Every bundled file, loaded and validated, in family-table order. Source names are
/// "<bundled>/llama_60m.json". The family's published quirks are marked (markKnownQuirks).
std::vector<LoadResult> loadBundledFamily();

/// The bundled configs (all sixteen validate without errors).
std::vector<ModelConfig> bundledConfigs();

/// One bundled file by name ("llama_60m" or "llama_60m.json"); nullopt if unknown.
std::optional<LoadResult> loadBundled(std::string_view name);

/// Marks the findings that are known quirks of the bundled family as published (SPEC §2: the
/// files keep the legacy class name LLaMAForCausalLM, pad_token_id -1 and max_sequence_length
/// in place of max_position_embeddings). They keep their severity; Finding::knownQuirk lets
/// front ends count them apart. Applied to the bundled configs, and by front ends to a file
/// whose text is a bundled file's, byte for byte (isBundledText).
void markKnownQuirks(ValidationReport& report);

/// True when `text` is exactly one of the bundled files (e.g. configs/llama_60m.json on disk).
bool isBundledText(std::string_view text);

/// Names of the bundled configs, in family-table order.
std::vector<std::string_view> bundledNames();

} // namespace llamascope
