#pragma once
// A reader for Hugging Face safetensors checkpoints: one `.safetensors` file or a sharded
// checkpoint described by `model.safetensors.index.json`.
//
// File layout (https://github.com/huggingface/safetensors): an 8-byte little-endian header
// length N, N bytes of JSON {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__":
// {...}}, then the data; offsets are relative to the first data byte. Every header is checked
// before anything is allocated from it: header length within the file and at most 100 MiB,
// known dtypes, non-negative shapes whose byte size is exactly end − begin, ranges inside the
// data and not overlapping. Any violation is an IoError naming the file and the tensor.
// Tensors are read on demand, one at a time, so a checkpoint larger than RAM can be streamed.

#include "llamascope/checked.hpp"
#include "llamascope/forward/tensor.hpp"

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

/// Parses and checks a header (the N JSON bytes) against a data section of `dataBytes` bytes.
/// `source` names the file in messages. Throws IoError on any inconsistency.
std::vector<SafetensorsEntry> parseSafetensorsHeader(std::string_view json, Count dataBytes,
                                                     const std::string& source);

/// One open `.safetensors` file: the checked header; tensors are read on demand.
class SafetensorsFile {
public:
    /// Reads and checks the header. Throws IoError (unreadable, truncated or lying header).
    explicit SafetensorsFile(std::filesystem::path path);

    [[nodiscard]] const std::filesystem::path& path() const { return path_; }
    [[nodiscard]] const std::vector<SafetensorsEntry>& entries() const { return entries_; }
    /// nullptr if the file has no tensor of that name.
    [[nodiscard]] const SafetensorsEntry* find(std::string_view name) const;

    /// Reads one tensor converted to float32 (F32, F16, BF16; other dtypes are an IoError).
    /// Reads in bounded chunks, so the only large allocation is the result.
    [[nodiscard]] Tensor read(const SafetensorsEntry& entry) const;

private:
    std::filesystem::path path_;
    Count dataStart_ = 0;
    std::vector<SafetensorsEntry> entries_;
    std::map<std::string, std::size_t, std::less<>> byName_;
};

/// A whole checkpoint: a single file, or the shards of an index. Tensor names are unique
/// across shards (a name in two shards is an IoError).
class SafetensorsCheckpoint {
public:
    /// `path` is a `.safetensors` file, a `*.index.json` file, or a directory holding
    /// `model.safetensors` or `model.safetensors.index.json`. Throws IoError.
    static SafetensorsCheckpoint open(const std::filesystem::path& path);

    [[nodiscard]] std::string describe() const { return description_; }
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
    std::vector<std::unique_ptr<SafetensorsFile>> files_;
    std::map<std::string, Located, std::less<>> tensors_;
};

} // namespace llamascope
