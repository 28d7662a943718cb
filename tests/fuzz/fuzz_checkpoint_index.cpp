// libFuzzer target: the sharded-checkpoint index reader (model.safetensors.index.json) and
// the streaming JSON reader under it. The input is written to an index file in a scratch
// folder that holds no shards, and opened as a checkpoint. Every problem must be an IoError;
// nothing may crash, hang or allocate without bound (the reader's depth and table budgets),
// and a checkpoint can only open when its weight_map is empty.
#include "llamascope/errors.hpp"
#include "llamascope/forward/safetensors.hpp"

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

namespace {

const std::filesystem::path& scratch()
{
    // Never destroyed (reachable, so no leak report): the atexit cleanup needs it last.
    static const std::filesystem::path* dir = [] {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "llamascope-fuzz-index-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr)
            std::abort();
        auto* path = new std::filesystem::path(pattern);
        std::atexit([] {
            std::error_code ec;
            std::filesystem::remove_all(scratch(), ec);
        });
        return path;
    }();
    return *dir;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::filesystem::path index = scratch() / "model.safetensors.index.json";
    {
        std::ofstream out(index, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    try {
        const auto checkpoint = llamascope::SafetensorsCheckpoint::open(scratch());
        if (!checkpoint.entries().empty())
            __builtin_trap(); // tensors appeared from shards that do not exist
    } catch (const llamascope::IoError&) {
    }
    return 0;
}
