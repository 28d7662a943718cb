#pragma once
// NumPy .npy output (format version 1.0) for logits: little-endian float32, C order.

#include "llamascope/checked.hpp"
#include "llamascope/io.hpp"

#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace llamascope {

/// The bytes of a .npy file holding `values` with `shape` ('<f4', C order). Throws
/// InvalidArgument if the shape does not match the number of values.
std::string encodeNpy(std::span<const float> values, const std::vector<Count>& shape);

/// Writes encodeNpy() atomically (temp file + rename) to `path` under `policy` (by default an
/// existing file is not replaced; see io.hpp). Throws IoError.
void writeNpy(const std::filesystem::path& path, std::span<const float> values,
              const std::vector<Count>& shape, const OutputPolicy& policy = {});

} // namespace llamascope
