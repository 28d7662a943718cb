#pragma once
// The bundled family (SPEC §2): configs/*.json compiled into the library.

#include "llamascope/validate.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace llamascope {

/// Every bundled file, loaded and validated, in family-table order. Source names are
/// "<bundled>/llama_60m.json".
std::vector<LoadResult> loadBundledFamily();

/// The bundled configs (all sixteen validate without errors).
std::vector<ModelConfig> bundledConfigs();

/// One bundled file by name ("llama_60m" or "llama_60m.json"); nullopt if unknown.
std::optional<LoadResult> loadBundled(std::string_view name);

/// Names of the bundled configs, in family-table order.
std::vector<std::string_view> bundledNames();

} // namespace llamascope
