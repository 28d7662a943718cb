#pragma once
// Files compiled into the library at build time (see cmake/EmbedFiles.cmake).

#include <span>
#include <string_view>

namespace llamascope {

struct EmbeddedFile {
    std::string_view name; ///< file stem, e.g. "llama_130m"
    std::string_view text; ///< exact file bytes
};

/// The bundled family from configs/, in family-table order (SPEC §2).
std::span<const EmbeddedFile> bundledConfigFiles();

/// The published schemas from schemas/ ("analysis" = analysis.schema.json).
std::span<const EmbeddedFile> embeddedSchemaFiles();

} // namespace llamascope
