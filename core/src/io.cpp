#include "llamascope/io.hpp"

#include "llamascope/errors.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>

#include <fcntl.h>
#include <unistd.h>

namespace llamascope {

namespace fs = std::filesystem;

CappedRead readFileCapped(const fs::path& path, std::size_t maxBytes)
{
    std::error_code ec;
    if (fs::is_directory(path, ec))
        throw IoError(path.string() + ": is a directory, not a file");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw IoError(path.string() + ": cannot open for reading (" + std::strerror(errno) + ")");
    CappedRead r;
    constexpr std::size_t kChunk = 1u << 16;
    char buf[kChunk];
    while (in) {
        in.read(buf, kChunk);
        const auto got = static_cast<std::size_t>(in.gcount());
        if (r.bytes.size() + got > maxBytes) {
            r.bytes.append(buf, maxBytes - r.bytes.size());
            r.truncated = true;
            break;
        }
        r.bytes.append(buf, got);
    }
    if (in.bad())
        throw IoError(path.string() + ": read error");
    r.size = r.bytes.size();
    if (r.truncated) {
        const auto real = fs::file_size(path, ec);
        r.size = ec ? r.bytes.size() + 1 : real;
    }
    return r;
}

void writeFileAtomic(const fs::path& path, std::string_view content, Overwrite overwrite)
{
    std::error_code ec;
    if (overwrite == Overwrite::Refuse && fs::exists(path, ec))
        throw IoError(path.string() + ": already exists (pass --force to overwrite)");
    const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
    std::random_device rd;
    const fs::path tmp = dir / ("." + path.filename().string() + ".tmp" + std::to_string(rd()));
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        throw IoError(path.string() + ": cannot create (" + std::strerror(errno) + ")");
    std::size_t written = 0;
    while (written < content.size()) {
        const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            const std::string why = std::strerror(errno);
            ::close(fd);
            fs::remove(tmp, ec);
            throw IoError(path.string() + ": write failed (" + why + ")");
        }
        written += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        const std::string why = std::strerror(errno);
        fs::remove(tmp, ec);
        throw IoError(path.string() + ": write failed (" + why + ")");
    }
    if (overwrite == Overwrite::Refuse) {
        // link() fails if the target appeared meanwhile: no silent overwrite in a race.
        if (::link(tmp.c_str(), path.c_str()) != 0) {
            const std::string why = std::strerror(errno);
            fs::remove(tmp, ec);
            throw IoError(path.string() + ": cannot create (" + why + ")");
        }
        fs::remove(tmp, ec);
        return;
    }
    fs::rename(tmp, path, ec);
    if (ec) {
        std::error_code ignored;
        fs::remove(tmp, ignored);
        throw IoError(path.string() + ": cannot replace (" + ec.message() + ")");
    }
}

} // namespace llamascope
