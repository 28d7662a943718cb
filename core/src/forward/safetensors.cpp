// Safetensors reader: see forward/safetensors.hpp for the format and the checks.

#include "llamascope/forward/safetensors.hpp"

#include "llamascope/errors.hpp"
#include "llamascope/io.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstring>
#include <fstream>
#include <limits>

namespace llamascope {

namespace {

// The reference implementation refuses headers above 100 MB too; a real header of a 7B
// model is a few tens of KiB.
constexpr std::uint64_t kMaxHeaderBytes = 100ull << 20;
constexpr std::size_t kMaxIndexBytes = 64u << 20;
constexpr Count kReadChunkBytes = 16 << 20;

struct DTypeInfo {
    DType type;
    std::string_view name;
    Count size;
};

constexpr std::array<DTypeInfo, 15> kDTypes{{{DType::Bool, "BOOL", 1},
                                             {DType::U8, "U8", 1},
                                             {DType::I8, "I8", 1},
                                             {DType::F8E5M2, "F8_E5M2", 1},
                                             {DType::F8E4M3, "F8_E4M3", 1},
                                             {DType::I16, "I16", 2},
                                             {DType::U16, "U16", 2},
                                             {DType::F16, "F16", 2},
                                             {DType::BF16, "BF16", 2},
                                             {DType::I32, "I32", 4},
                                             {DType::U32, "U32", 4},
                                             {DType::F32, "F32", 4},
                                             {DType::F64, "F64", 8},
                                             {DType::I64, "I64", 8},
                                             {DType::U64, "U64", 8}}};

[[noreturn]] void fail(const std::string& source, const std::string& message)
{
    throw IoError(source + ": " + message);
}

// A JSON value that must be a non-negative integer fitting in int64.
Count nonNegative(const nlohmann::json& v, const std::string& source, const std::string& what)
{
    if (v.is_number_unsigned()) {
        const auto u = v.get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(std::numeric_limits<Count>::max()))
            fail(source, what + " is too large");
        return static_cast<Count>(u);
    }
    if (v.is_number_integer())
        fail(source, what + " is negative");
    fail(source, what + " is not an integer");
}

SafetensorsEntry parseEntry(const std::string& name, const nlohmann::json& v, Count dataBytes,
                            const std::string& source)
{
    const std::string where = "tensor '" + name + "'";
    if (!v.is_object())
        fail(source, where + " is not an object");
    for (const char* key : {"dtype", "shape", "data_offsets"})
        if (!v.contains(key))
            fail(source, where + " has no \"" + key + "\"");
    SafetensorsEntry e;
    e.name = name;
    const nlohmann::json& dtype = v.at("dtype");
    if (!dtype.is_string())
        fail(source, where + ": dtype is not a string");
    const auto dtypeName = dtype.get<std::string>();
    const auto* info =
        std::find_if(kDTypes.begin(), kDTypes.end(), [&](const DTypeInfo& d) { return d.name == dtypeName; });
    if (info == kDTypes.end())
        fail(source, where + ": unknown dtype \"" + dtypeName + "\"");
    e.dtype = info->type;

    const nlohmann::json& shape = v.at("shape");
    if (!shape.is_array())
        fail(source, where + ": shape is not an array");
    Count numel = 1;
    for (const nlohmann::json& dim : shape) {
        e.shape.push_back(nonNegative(dim, source, where + ": a shape dimension"));
        if (__builtin_mul_overflow(numel, e.shape.back(), &numel))
            fail(source, where + ": shape " + shapeToString(e.shape) + " overflows");
    }

    const nlohmann::json& offsets = v.at("data_offsets");
    if (!offsets.is_array() || offsets.size() != 2)
        fail(source, where + ": data_offsets is not a [begin, end] pair");
    e.begin = nonNegative(offsets.at(0), source, where + ": data_offsets begin");
    e.end = nonNegative(offsets.at(1), source, where + ": data_offsets end");
    if (e.end < e.begin)
        fail(source, where + ": data_offsets end " + std::to_string(e.end) + " is before begin " +
                         std::to_string(e.begin));
    if (e.end > dataBytes)
        fail(source, where + ": data_offsets [" + std::to_string(e.begin) + ", " + std::to_string(e.end) +
                         "] run past the end of the data (" + std::to_string(dataBytes) + " bytes)");
    Count expected = 0;
    if (__builtin_mul_overflow(numel, info->size, &expected) || expected != e.end - e.begin)
        fail(source, where + ": " + std::string(info->name) + " " + shapeToString(e.shape) + " needs " +
                         (expected > 0 || numel == 0 ? std::to_string(expected) : std::string("too many")) +
                         " bytes but data_offsets span " + std::to_string(e.end - e.begin));
    return e;
}

std::uint64_t readLittleEndian64(const unsigned char* p)
{
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
        v = (v << 8) | p[i];
    return v;
}

// Converts `count` elements of `dtype` from `bytes` into `out`.
void convert(DType dtype, const char* bytes, std::size_t count, float* out)
{
    switch (dtype) {
    case DType::F32: std::memcpy(out, bytes, count * sizeof(float)); return;
    case DType::F16:
        for (std::size_t i = 0; i < count; ++i) {
            std::uint16_t b = 0;
            std::memcpy(&b, bytes + 2 * i, 2);
            out[i] = halfToFloat(b);
        }
        return;
    case DType::BF16:
        for (std::size_t i = 0; i < count; ++i) {
            std::uint16_t b = 0;
            std::memcpy(&b, bytes + 2 * i, 2);
            out[i] = bfloat16ToFloat(b);
        }
        return;
    default: throw std::logic_error("convert: unsupported dtype");
    }
}

} // namespace

std::string_view toString(DType t)
{
    for (const DTypeInfo& d : kDTypes)
        if (d.type == t)
            return d.name;
    return "?";
}

Count dtypeSize(DType t)
{
    for (const DTypeInfo& d : kDTypes)
        if (d.type == t)
            return d.size;
    return 0;
}

float halfToFloat(std::uint16_t bits)
{
    const std::uint32_t sign = (static_cast<std::uint32_t>(bits) & 0x8000u) << 16;
    const std::uint32_t exponent = (bits >> 10) & 0x1Fu;
    std::uint32_t mantissa = bits & 0x3FFu;
    std::uint32_t out = 0;
    if (exponent == 0x1F) { // infinity or NaN
        out = sign | 0x7F800000u | (mantissa << 13);
    } else if (exponent != 0) { // normal: rebias 15 -> 127
        out = sign | ((exponent + 112u) << 23) | (mantissa << 13);
    } else if (mantissa == 0) { // signed zero
        out = sign;
    } else { // subnormal: value = mantissa · 2^-24, normalise it
        std::uint32_t e = 113;
        while ((mantissa & 0x400u) == 0) {
            mantissa <<= 1;
            --e;
        }
        out = sign | (e << 23) | ((mantissa & 0x3FFu) << 13);
    }
    float f = 0;
    std::memcpy(&f, &out, sizeof f);
    return f;
}

float bfloat16ToFloat(std::uint16_t bits)
{
    const std::uint32_t out = static_cast<std::uint32_t>(bits) << 16;
    float f = 0;
    std::memcpy(&f, &out, sizeof f);
    return f;
}

std::vector<SafetensorsEntry> parseSafetensorsHeader(std::string_view json, Count dataBytes,
                                                     const std::string& source)
{
    nlohmann::json header;
    try {
        header = nlohmann::json::parse(json);
    } catch (const nlohmann::json::exception& e) {
        fail(source, std::string("header is not valid JSON (") + e.what() + ")");
    }
    if (!header.is_object())
        fail(source, "header is not a JSON object");
    std::vector<SafetensorsEntry> entries;
    for (const auto& [name, value] : header.items()) {
        if (name == "__metadata__") {
            if (!value.is_object())
                fail(source, "__metadata__ is not an object");
            continue;
        }
        entries.push_back(parseEntry(name, value, dataBytes, source));
    }
    // Overlapping byte ranges would make two tensors alias each other's data.
    std::vector<const SafetensorsEntry*> byOffset;
    for (const SafetensorsEntry& e : entries)
        if (e.end > e.begin)
            byOffset.push_back(&e);
    std::sort(byOffset.begin(), byOffset.end(),
              [](const SafetensorsEntry* a, const SafetensorsEntry* b) { return a->begin < b->begin; });
    for (std::size_t i = 1; i < byOffset.size(); ++i)
        if (byOffset[i]->begin < byOffset[i - 1]->end)
            fail(source, "tensors '" + byOffset[i - 1]->name + "' and '" + byOffset[i]->name +
                             "' have overlapping data_offsets");
    return entries;
}

SafetensorsFile::SafetensorsFile(std::filesystem::path path) : path_(std::move(path))
{
    const std::string source = path_.string();
    std::error_code ec;
    const std::uintmax_t fileSize = std::filesystem::file_size(path_, ec);
    if (ec)
        fail(source, "cannot read (" + ec.message() + ")");
    std::ifstream in(path_, std::ios::binary);
    if (!in)
        fail(source, "cannot open");
    std::array<unsigned char, 8> prefix{};
    if (fileSize < 8 || !in.read(reinterpret_cast<char*>(prefix.data()), 8))
        fail(source, "too short to be a safetensors file (" + std::to_string(fileSize) + " bytes)");
    const std::uint64_t headerBytes = readLittleEndian64(prefix.data());
    // Compare before allocating: a lying length (say 2^63) must not become an allocation.
    if (headerBytes > fileSize - 8)
        fail(source, "header length " + std::to_string(headerBytes) + " runs past the end of the file (" +
                         std::to_string(fileSize) + " bytes)");
    if (headerBytes > kMaxHeaderBytes)
        fail(source, "header length " + std::to_string(headerBytes) + " exceeds the 100 MiB limit");
    std::string header(static_cast<std::size_t>(headerBytes), '\0');
    if (!in.read(header.data(), static_cast<std::streamsize>(headerBytes)))
        fail(source, "truncated header");
    dataStart_ = static_cast<Count>(8 + headerBytes);
    entries_ = parseSafetensorsHeader(header, static_cast<Count>(fileSize) - dataStart_, source);
    for (std::size_t i = 0; i < entries_.size(); ++i)
        byName_.emplace(entries_[i].name, i);
}

const SafetensorsEntry* SafetensorsFile::find(std::string_view name) const
{
    const auto it = byName_.find(name);
    return it == byName_.end() ? nullptr : &entries_[it->second];
}

Tensor SafetensorsFile::read(const SafetensorsEntry& entry) const
{
    const std::string source = path_.string();
    if (entry.dtype != DType::F32 && entry.dtype != DType::F16 && entry.dtype != DType::BF16)
        fail(source, "tensor '" + entry.name + "' has dtype " + std::string(toString(entry.dtype)) +
                         "; only F32, F16 and BF16 can be read");
    Tensor t;
    t.name = entry.name;
    t.shape = entry.shape;
    const Count elementSize = dtypeSize(entry.dtype);
    const Count count = (entry.end - entry.begin) / elementSize;
    t.values.resize(static_cast<std::size_t>(count));
    std::ifstream in(path_, std::ios::binary);
    if (!in)
        fail(source, "cannot open");
    in.seekg(static_cast<std::streamoff>(dataStart_ + entry.begin));
    const Count chunkElements = kReadChunkBytes / elementSize;
    std::vector<char> buffer(static_cast<std::size_t>(std::min(count, chunkElements) * elementSize));
    for (Count done = 0; done < count;) {
        const Count n = std::min(chunkElements, count - done);
        if (!in.read(buffer.data(), static_cast<std::streamsize>(n * elementSize)))
            fail(source, "file ended while reading tensor '" + entry.name + "' (was it truncated?)");
        convert(entry.dtype, buffer.data(), static_cast<std::size_t>(n),
                t.values.data() + static_cast<std::ptrdiff_t>(done));
        done += n;
    }
    return t;
}

SafetensorsCheckpoint SafetensorsCheckpoint::open(const std::filesystem::path& path)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path file = path;
    if (fs::is_directory(path, ec)) {
        if (fs::exists(path / "model.safetensors.index.json", ec))
            file = path / "model.safetensors.index.json";
        else if (fs::exists(path / "model.safetensors", ec))
            file = path / "model.safetensors";
        else
            fail(path.string(), "directory has neither model.safetensors nor model.safetensors.index.json");
    }
    SafetensorsCheckpoint c;
    c.description_ = file.string();
    const std::string name = file.filename().string();
    const bool isIndex = name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0;
    auto add = [&c](std::unique_ptr<SafetensorsFile> f, const std::string& source) {
        for (const SafetensorsEntry& e : f->entries()) {
            if (c.tensors_.count(e.name) != 0)
                fail(source, "tensor '" + e.name + "' appears in two shards");
            c.tensors_.emplace(e.name, Located{f.get(), &e});
        }
        c.files_.push_back(std::move(f));
    };
    if (!isIndex) {
        add(std::make_unique<SafetensorsFile>(file), file.string());
        return c;
    }
    const CappedRead read = readFileCapped(file, kMaxIndexBytes);
    if (read.truncated)
        fail(file.string(), "index is larger than 64 MiB");
    nlohmann::json index;
    try {
        index = nlohmann::json::parse(read.bytes);
    } catch (const nlohmann::json::exception& e) {
        fail(file.string(), std::string("index is not valid JSON (") + e.what() + ")");
    }
    if (!index.is_object() || !index.contains("weight_map") || !index.at("weight_map").is_object())
        fail(file.string(), "index has no \"weight_map\" object");
    std::map<std::string, std::vector<std::string>> shardTensors;
    for (const auto& [tensor, shard] : index.at("weight_map").items()) {
        if (!shard.is_string())
            fail(file.string(), "weight_map entry for '" + tensor + "' is not a file name");
        const auto shardName = shard.get<std::string>();
        const fs::path rel(shardName);
        // Shards live beside the index; refuse paths that would read elsewhere.
        if (rel.empty() || rel.is_absolute() || rel.has_parent_path())
            fail(file.string(), "weight_map entry for '" + tensor + "' names \"" + shardName +
                                    "\", not a file beside the index");
        shardTensors[shardName].push_back(tensor);
    }
    c.description_ = file.string() + " (" + std::to_string(shardTensors.size()) + " shards)";
    for (const auto& [shardName, tensors] : shardTensors) {
        const fs::path shardPath = file.parent_path() / shardName;
        auto shard = std::make_unique<SafetensorsFile>(shardPath);
        for (const std::string& t : tensors)
            if (shard->find(t) == nullptr)
                fail(file.string(), "index puts '" + t + "' in " + shardName + ", which has no such tensor");
        add(std::move(shard), shardPath.string());
    }
    return c;
}

std::vector<const SafetensorsEntry*> SafetensorsCheckpoint::entries() const
{
    std::vector<const SafetensorsEntry*> out;
    out.reserve(tensors_.size());
    for (const auto& [name, located] : tensors_)
        out.push_back(located.entry);
    return out;
}

const SafetensorsEntry* SafetensorsCheckpoint::find(std::string_view name) const
{
    const auto it = tensors_.find(name);
    return it == tensors_.end() ? nullptr : it->second.entry;
}

Tensor SafetensorsCheckpoint::read(std::string_view name) const
{
    const auto it = tensors_.find(name);
    if (it == tensors_.end())
        fail(description_, "has no tensor '" + std::string(name) + "'");
    return it->second.file->read(*it->second.entry);
}

} // namespace llamascope
