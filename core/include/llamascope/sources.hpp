#pragma once
// Finding the models among what a user points at (SPEC §13): config files, bundled names,
// Hub snapshot folders (a config.json beside tokenizer, generation and weight files: one
// model named after the folder), folders of snapshots (one model each, including the
// Hugging Face cache layout models--org--name/snapshots/<rev>/) and folders of config files.
// Both front ends call this; neither lists folders itself.

#include "llamascope/validate.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace llamascope {

/// One model among the inputs.
struct ModelSource {
    std::string name;                  ///< display name: snapshot folder, file stem or bundled name
    std::filesystem::path configPath;  ///< the config file (empty for a bundled config)
    std::string bundledName;           ///< set for a bundled config
    std::filesystem::path snapshotDir; ///< set when the config sits in a snapshot folder
    [[nodiscard]] bool bundled() const { return !bundledName.empty(); }
};

struct SourceScan {
    std::vector<ModelSource> models;
    /// What was skipped, said once per folder ("Qwen2.5-0.5B: skipped 6 companion files:
    /// generation_config.json, tokenizer.json, ...").
    std::vector<std::string> notes;
};

/// Files a Hub snapshot carries beside its config that are not model configs.
bool isCompanionFile(const std::filesystem::path& file);

/// The name a config file's model shows: its snapshot folder's ("Qwen2.5-0.5B", or
/// "Qwen/Qwen2.5-0.5B" in the Hugging Face cache) for a config.json, else the file stem.
std::string modelName(const std::filesystem::path& configFile);

/// Resolves the inputs (none: the bundled family). Throws IoError for an input that is not a
/// file, folder or bundled name, and for a folder without any config.
SourceScan findModels(const std::vector<std::string>& inputs);

/// Loads and validates one source; the config is named after the source.
LoadResult loadSource(const ModelSource& source);

/// findModels() then loadSource() for each.
std::vector<LoadResult> loadModels(const std::vector<std::string>& inputs,
                                   std::vector<std::string>* notes = nullptr);

} // namespace llamascope
