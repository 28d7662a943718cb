#pragma once
// A Hub snapshot folder's weights against its config (SPEC §13): the tensor names of
// model.safetensors.index.json (or of model.safetensors) and, where the shards are in the folder,
// the shapes in their headers — headers only, never tensor data — compared with the tensors the
// config implies (allSpecs, the names `forward --weights` reads), by compareTensors().
//
// Findings (docs/validation.md):
//   weights-shape       error    a tensor's shape differs from the config's (transformers refuses
//                                to load such a checkpoint, and the config's counts do not describe it)
//   weights-tensors     warning  tensors missing or without a place in the config (transformers loads
//                                the rest and initialises the missing ones at random)
//   weights-unreadable  warning  the index or a shard header cannot be read
// Bounded: the index is read up to 64 MiB, each shard header up to the safetensors reader's
// 100 MiB limit, and at most kMaxListed tensors are named one by one per kind.

#include "llamascope/config.hpp"
#include "llamascope/finding.hpp"

#include <filesystem>
#include <vector>

namespace llamascope {

/// Checks the safetensors weights in `snapshotDir` against `config`. No findings when the folder
/// holds no safetensors weights, or when the config is quantized (quantization_config: its
/// weights are packed, and the quantized-weights warning says so already).
std::vector<Finding> checkSnapshotWeights(const ModelConfig& config,
                                          const std::filesystem::path& snapshotDir);

} // namespace llamascope
