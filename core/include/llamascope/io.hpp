#pragma once
// File I/O used by both front ends: capped reads and atomic writes. Throws IoError.

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace llamascope {

struct CappedRead {
    std::string bytes;       ///< at most maxBytes bytes of the file
    bool truncated = false;  ///< the file is larger than maxBytes
    std::uintmax_t size = 0; ///< the file's real size when known, else bytes read
};

/// Reads up to `maxBytes` bytes; never allocates more than that, whatever the file claims.
CappedRead readFileCapped(const std::filesystem::path& path, std::size_t maxBytes);

enum class Overwrite { Refuse, Allow };

/// Writes `content` to a temporary file beside `path`, flushes it and renames it over
/// `path`, so readers never see a half-written file. With Overwrite::Refuse an existing
/// `path` is an IoError and is left untouched.
void writeFileAtomic(const std::filesystem::path& path, std::string_view content,
                     Overwrite overwrite = Overwrite::Refuse);

} // namespace llamascope
