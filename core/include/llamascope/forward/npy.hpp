#pragma once
// NumPy .npy output (format version 1.0) for logits: little-endian float32, C order.

#include "llamascope/checked.hpp"

#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace llamascope {

/// The bytes of a .npy file holding `values` with `shape` ('<f4', C order). Throws
/// InvalidArgument if the shape does not match the number of values.
std::string encodeNpy(std::span<const float> values, const std::vector<Count>& shape);

/// Writes encodeNpy() atomically (temp file + rename) to `path`, replacing it if it exists
/// (the user named it). Throws IoError.
void writeNpy(const std::filesystem::path& path, std::span<const float> values,
              const std::vector<Count>& shape);

} // namespace llamascope
