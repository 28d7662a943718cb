#pragma once
// A reader for Hugging Face safetensors checkpoints: one `.safetensors` file or a sharded
// checkpoint described by `model.safetensors.index.json`.
//
// File layout (https://github.com/huggingface/safetensors, README "Format"): an 8-byte
// little-endian header length N, N bytes of JSON {name: {dtype, shape, data_offsets: [begin,
// end]}, "__metadata__": {string: string}}, then the data; offsets are relative to the first
// data byte. Every header is checked before anything is allocated from it, as the format
// specifies: header length within the file and at most 100 MiB; no duplicate names or keys;
// `__metadata__` a map of strings to strings; known dtypes; non-negative shapes whose byte size
// is exactly end − begin; and the ranges tiling the data section exactly — sorted by offset,
// each begins where the previous ends, the first at 0 and the last at the end of the file (no
// overlap, no gap, no trailing bytes). Any violation is an IoError naming the file and the
// tensor.
//
// Memory: headers and index files are read by a streaming parser (src/forward/json_reader.hpp)
// with these budgets, so a hostile header costs at most a few tens of MiB whatever it holds
// (docs/hardening.md "Checkpoint headers"): nesting depth 3 (4 in an index), tensor names and
// metadata keys at most 64 KiB each, and the tensor table (names, shapes, offsets) of one file,
// one index or one whole checkpoint at most 32 MiB — about 4 times the table of the largest
// published checkpoints (~90k tensors). The header text itself is never held whole. Tensors are read on
// demand, one at a time, so a checkpoint larger than RAM can be streamed.

#include "llamascope/checked.hpp"
#include "llamascope/forward/tensor.hpp"
#include "llamascope/io.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace llamascope {

/// Element types of the safetensors format. Only F32, F16 and BF16 can be converted to float.
enum class DType { Bool, U8, I8, F8E5M2, F8E4M3, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64 };

std::string_view toString(DType t);
/// Bytes per element.
Count dtypeSize(DType t);

/// float32 value of an IEEE binary16 bit pattern (subnormals, infinities and NaN included).
float halfToFloat(std::uint16_t bits);
/// float32 value of a bfloat16 bit pattern (the upper 16 bits of a float32).
float bfloat16ToFloat(std::uint16_t bits);

/// One tensor's entry in a safetensors header.
struct SafetensorsEntry {
    std::string name;
    DType dtype = DType::F32;
    std::vector<Count> shape;
    Count begin = 0; ///< byte offset of the first byte, relative to the data section
    Count end = 0;   ///< one past the last byte
};

/// Limits of the header and index readers (see the file comment).
struct SafetensorsLimits {
    std::uint64_t maxHeaderBytes = 100ull << 20;
    std::uint64_t maxIndexBytes = 64ull << 20;
    std::size_t maxNameBytes = 64u << 10;  ///< a tensor name, a metadata key, a shard name
    std::size_t maxTableBytes = 32u << 20; ///< names, shapes and offsets kept per file/index/checkpoint
};

/// Parses and checks a header (the N JSON bytes) against a data section of `dataBytes` bytes.
/// `source` names the file in messages. Throws IoError on any inconsistency. Entries are in
/// header order.
std::vector<SafetensorsEntry> parseSafetensorsHeader(std::string_view json, Count dataBytes,
                                                     const std::string& source,
                                                     const SafetensorsLimits& limits = {});

/// One open `.safetensors` file: the checked header; tensors are read on demand.
class SafetensorsFile {
public:
    /// Opens the file (a regular file only: see InputFile), streams and checks the header.
    /// Throws IoError (unreadable, truncated or lying header). The file stays open, so the
    /// tensors read later are from the file whose header was checked.
    explicit SafetensorsFile(std::filesystem::path path, const SafetensorsLimits& limits = {});

    [[nodiscard]] const std::filesystem::path& path() const { return path_; }
    [[nodiscard]] const std::vector<SafetensorsEntry>& entries() const { return entries_; }
    /// nullptr if the file has no tensor of that name.
    [[nodiscard]] const SafetensorsEntry* find(std::string_view name) const;

    /// Reads one tensor converted to float32 (F32, F16, BF16; other dtypes are an IoError).
    /// Reads in bounded chunks, so the only large allocation is the result.
    [[nodiscard]] Tensor read(const SafetensorsEntry& entry) const;

private:
    std::filesystem::path path_;
    InputFile file_;
    Count dataStart_ = 0;
    std::vector<SafetensorsEntry> entries_;
    std::vector<std::size_t> byName_; ///< indices of entries_ sorted by name (no name copies)
};

/// A whole checkpoint: a single file, or the shards of an index. Tensor names are unique
/// across shards (a name in two shards is an IoError).
class SafetensorsCheckpoint {
public:
    /// `path` is a `.safetensors` file, a `*.index.json` file, or a directory holding
    /// `model.safetensors` or `model.safetensors.index.json`. Throws IoError.
    static SafetensorsCheckpoint open(const std::filesystem::path& path,
                                      const SafetensorsLimits& limits = {});

    [[nodiscard]] std::string describe() const { return description_; }
    /// Every file the checkpoint was read from: the index (if any) and each shard. Outputs
    /// must never be written over these (OutputPolicy::inputs).
    [[nodiscard]] std::vector<std::filesystem::path> files() const;
    /// Every tensor in the checkpoint, sorted by name.
    [[nodiscard]] std::vector<const SafetensorsEntry*> entries() const;
    [[nodiscard]] const SafetensorsEntry* find(std::string_view name) const;
    /// Reads one tensor by name as float32. Throws IoError if absent or unreadable.
    [[nodiscard]] Tensor read(std::string_view name) const;

private:
    struct Located {
        const SafetensorsFile* file = nullptr;
        const SafetensorsEntry* entry = nullptr;
    };
    std::string description_;
    std::filesystem::path index_; ///< empty for a single file
    std::vector<std::unique_ptr<SafetensorsFile>> files_;
    std::map<std::string, Located, std::less<>> tensors_;
};

} // namespace llamascope
