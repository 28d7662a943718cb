#pragma once
// Helpers for the forward tests: fixture paths, a .npy reader written independently of the
// library's writer, and a scratch directory.

#include "llamascope/config.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace llamascope::test {

/// TEST_DATA_DIR/forward/<name>
std::filesystem::path fixture(const std::string& name);

/// The validated config of a fixture variant (fails the test if it has errors).
ModelConfig fixtureConfig(const std::string& variant);

struct Npy {
    std::vector<Count> shape;
    std::vector<float> values;
};
/// Reads a little-endian float32 C-order .npy (version 1.0 or 2.0).
Npy readNpy(const std::filesystem::path& path);

/// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

/// Writes raw bytes to a file.
void writeBytes(const std::filesystem::path& path, const std::string& bytes);

/// A safetensors file image: 8-byte little-endian length, header, data.
std::string safetensorsImage(const std::string& header, const std::string& data, std::uint64_t lengthField);
std::string safetensorsImage(const std::string& header, const std::string& data);

} // namespace llamascope::test
