// libFuzzer target: the model-folder reader (core's findModels/loadSource: snapshot folders,
// folders of configs, the Hugging Face cache layout) on arbitrary small trees.
//
// The input describes a tree, one entry per line: a kind letter, a relative path, and for
// files and links "=" and the content or link target.
//   f<path>=<content>   a file          d<path>   a folder
//   l<path>=<target>    a symlink       p<path>   a FIFO       z<path>   a symlink to /dev/zero
// Paths keep only [A-Za-z0-9._/-], never "..", at most 6 levels; at most 32 entries. The tree is
// built in a scratch folder and read as a command would. Every problem must be an IoError (a
// FIFO or device is refused, never read: the run would hang); nothing may crash.
#include "llamascope/errors.hpp"
#include "llamascope/sources.hpp"

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

const fs::path& scratch()
{
    // Never destroyed (reachable, so no leak report): the atexit cleanup needs it last.
    static const fs::path* dir = [] {
        std::string pattern = (fs::temp_directory_path() / "llamascope-fuzz-folder-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr)
            std::abort();
        auto* path = new fs::path(pattern);
        std::atexit([] {
            std::error_code ec;
            fs::remove_all(scratch(), ec);
        });
        return path;
    }();
    return *dir;
}

// A safe relative path, or empty.
std::string cleanPath(std::string_view raw)
{
    std::string out;
    int depth = 1;
    for (const char c : raw) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                        c == '.' || c == '_' || c == '-' || c == '/';
        if (!ok)
            continue;
        if (c == '/' && (out.empty() || out.back() == '/'))
            continue;
        depth += c == '/';
        out += c;
    }
    while (!out.empty() && out.back() == '/')
        out.pop_back();
    if (out.empty() || depth > 6 || out.size() > 120 || out.find("..") != std::string::npos)
        return {};
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size > 8192)
        return 0;
    const fs::path root = scratch() / "tree";
    std::error_code ec;
    fs::remove_all(root, ec);
    fs::create_directory(root, ec);
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    int entries = 0;
    for (std::size_t start = 0; start < text.size() && entries < 32; ++entries) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos)
            end = text.size();
        const std::string_view line = text.substr(start, end - start);
        start = end + 1;
        if (line.size() < 2)
            continue;
        const std::size_t eq = line.find('=');
        const std::string rel =
            cleanPath(line.substr(1, eq == std::string_view::npos ? std::string_view::npos : eq - 1));
        if (rel.empty())
            continue;
        const std::string_view content =
            eq == std::string_view::npos ? std::string_view() : line.substr(eq + 1);
        const fs::path path = root / rel;
        fs::create_directories(path.parent_path(), ec);
        switch (line[0]) {
        case 'f': std::ofstream(path, std::ios::binary) << content; break;
        case 'd': fs::create_directory(path, ec); break;
        case 'l': {
            const std::string target = cleanPath(content);
            if (!target.empty())
                fs::create_symlink(target, path, ec);
            break;
        }
        case 'p': (void)::mkfifo(path.c_str(), 0600); break;
        case 'z': fs::create_symlink("/dev/zero", path, ec); break;
        default: break;
        }
    }
    try {
        const llamascope::SourceScan scan = llamascope::findModels({root.string()});
        for (const llamascope::ModelSource& source : scan.models) {
            try {
                const llamascope::LoadResult r = llamascope::loadSource(source);
                if (r.config.has_value() == r.report.hasErrors())
                    __builtin_trap();
            } catch (const llamascope::IoError&) {
            }
        }
    } catch (const llamascope::IoError&) {
    }
    return 0;
}
