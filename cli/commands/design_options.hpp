#pragma once
// Options shared by `memory` and `generate`: the memory model's (optimizer, dtype, batch...)
// and the accelerator's (device, table, MFU...). Parsing only; numbers come from core.

#include "common.hpp"

#include "llamascope/cost.hpp"
#include "llamascope/design.hpp"
#include "llamascope/memory.hpp"

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace llamascope::cli {

/// --optimizer --rank --master-weights --grad-dtype --dtype --attention: the training recipe.
void addRecipeOptions(po::options_description& options);
/// The recipe options only (batch, sequence and recompute keep their defaults).
MemoryOptions recipeOptionsFrom(const po::variables_map& vm);
/// addRecipeOptions() and --batch --seq --recompute.
void addMemoryOptions(po::options_description& options);
/// Throws UsageError for unknown names (with a suggestion) and bad numbers.
MemoryOptions memoryOptionsFrom(const po::variables_map& vm);
/// --device --accelerators, and with `withCost` --mfu --num-devices --precision --tokens.
void addDeviceOptions(po::options_description& options, bool withCost);
/// The built-in table, or --accelerators FILE (IoError / InvalidArgument).
AcceleratorTable acceleratorsFrom(const po::variables_map& vm);
/// nullptr when --device is absent; UsageError naming the known keys when it is unknown.
const Accelerator* deviceFrom(const po::variables_map& vm, const AcceleratorTable& table);
/// MFU, devices, precision (default: the compute dtype's), tokens (default: Chinchilla).
CostOptions costOptionsFrom(const po::variables_map& vm, StorageDtype computeDtype);

/// A plain number, a fraction ("8/3") or a percentage ("40%" -> 0.4); UsageError otherwise.
double parseNumber(const std::string& text, std::string_view option);
/// Writes each candidate's config.json into `dir` (created if missing) under the output policy
/// (core's io.hpp; build it with outputPolicy(vm, inputs)): no file is replaced without
/// --force, none of the inputs ever. Every path is checked and written to a hidden temporary
/// before any is moved into place, so a ladder is written whole or not at all. Returns the
/// paths written.
std::vector<std::string> writeConfigFiles(const std::vector<const DesignCandidate*>& files,
                                          const std::filesystem::path& dir, const OutputPolicy& policy);

/// yes/no/on/off/true/false/1/0; UsageError otherwise.
bool parseYesNo(const std::string& text, std::string_view option);
/// --headroom as a fraction in [0, 1); core's kDefaultHeadroom when absent.
double parseHeadroom(const po::variables_map& vm);
/// "17.0 min", "3.4 h", "5.2 days".
std::string formatDuration(double seconds);

} // namespace llamascope::cli
