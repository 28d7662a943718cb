// Safetensors reader: see forward/safetensors.hpp for the format and the checks.

#include "llamascope/forward/safetensors.hpp"

#include "json_reader.hpp"

#include "llamascope/errors.hpp"
#include "llamascope/format.hpp"
#include "llamascope/io.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <functional>
#include <limits>
#include <set>

namespace llamascope {

namespace {

// The reference implementation refuses headers above 100 MB too (SafetensorsLimits); a real
// header of a 7B model is a few tens of KiB.
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

using detail::JsonPullReader;
using Kind = JsonPullReader::Kind;

std::string tensorWhere(const std::string& name)
{
    return "tensor " + quoteForMessage(name);
}

// A JSON value that must be a non-negative integer fitting in int64.
Count nonNegative(JsonPullReader& r, const std::string& what)
{
    if (r.peekKind() != Kind::Number)
        r.fail(what + " is not an integer");
    const JsonPullReader::Number n = r.readNumber();
    if (!n.integer)
        r.fail(what + " is not an integer");
    if (n.negative && (n.magnitude != 0 || n.overflow))
        r.fail(what + " is negative");
    if (n.overflow || n.magnitude > static_cast<std::uint64_t>(std::numeric_limits<Count>::max()))
        r.fail(what + " is too large");
    return static_cast<Count>(n.magnitude);
}

// Bytes of the tensor table: what parsing keeps, charged against SafetensorsLimits::maxTableBytes.
class TableBudget {
public:
    TableBudget(JsonPullReader& r, std::size_t limit, std::string what)
        : r_(r), limit_(limit), what_(std::move(what))
    {
    }
    void charge(std::size_t bytes)
    {
        used_ += bytes;
        if (used_ > limit_)
            r_.fail(what_ + " describes more than " + std::to_string(limit_ >> 20) +
                    " MiB of tensor table (names, shapes and offsets) by byte " +
                    std::to_string(r_.offset()) + "; no real checkpoint needs that much");
    }

private:
    JsonPullReader& r_;
    std::size_t limit_;
    std::string what_;
    std::size_t used_ = 0;
};

std::function<void()> nameTooLong(JsonPullReader& r, std::string what, std::size_t limit)
{
    return [&r, what = std::move(what), limit]() {
        r.fail(what + " longer than " + std::to_string(limit >> 10) + " KiB at byte " +
               std::to_string(r.offset()));
    };
}

SafetensorsEntry readEntry(JsonPullReader& r, const std::string& name, Count dataBytes, TableBudget& budget)
{
    const std::string where = tensorWhere(name);
    if (r.peekKind() != Kind::Object)
        r.fail(where + " is not an object");
    SafetensorsEntry e;
    e.name = name;
    budget.charge(sizeof(SafetensorsEntry) + name.size());
    bool haveDtype = false, haveShape = false, haveOffsets = false;
    std::string dtypeName;
    std::vector<Count> offsets;
    r.beginObject();
    std::string field;
    while (r.nextMember(field, 64, {})) {
        auto once = [&](bool& seen) {
            if (seen) {
                std::string message = where;
                message.append(" has \"").append(field).append("\" twice; the format forbids duplicate keys");
                r.fail(message);
            }
            seen = true;
        };
        if (field == "dtype") {
            once(haveDtype);
            if (r.peekKind() != Kind::String)
                r.fail(where + ": dtype is not a string");
            dtypeName = r.readString(32, {});
        } else if (field == "shape") {
            once(haveShape);
            if (r.peekKind() != Kind::Array)
                r.fail(where + ": shape is not an array");
            r.beginArray();
            while (r.nextElement()) {
                budget.charge(sizeof(Count));
                e.shape.push_back(nonNegative(r, where + ": a shape dimension"));
            }
        } else if (field == "data_offsets") {
            once(haveOffsets);
            if (r.peekKind() != Kind::Array)
                r.fail(where + ": data_offsets is not a [begin, end] pair");
            r.beginArray();
            while (r.nextElement()) {
                if (offsets.size() == 2)
                    r.fail(where + ": data_offsets is not a [begin, end] pair");
                offsets.push_back(nonNegative(r, where + ": data_offsets " +
                                                     std::string(offsets.empty() ? "begin" : "end")));
            }
        } else {
            r.skipValue(); // the reference implementation ignores other fields too
        }
    }
    for (const auto& [seen, key] :
         {std::pair{haveDtype, "dtype"}, {haveShape, "shape"}, {haveOffsets, "data_offsets"}})
        if (!seen)
            r.fail(where + " has no \"" + key + "\"");
    const auto* info =
        std::find_if(kDTypes.begin(), kDTypes.end(), [&](const DTypeInfo& d) { return d.name == dtypeName; });
    if (info == kDTypes.end())
        r.fail(where + ": unknown dtype " + quoteForMessage(dtypeName));
    e.dtype = info->type;
    Count numel = 1;
    for (const Count dim : e.shape)
        if (__builtin_mul_overflow(numel, dim, &numel))
            r.fail(where + ": shape " + shapeToString(e.shape) + " overflows");
    if (offsets.size() != 2)
        r.fail(where + ": data_offsets is not a [begin, end] pair");
    e.begin = offsets[0];
    e.end = offsets[1];
    if (e.end < e.begin)
        r.fail(where + ": data_offsets end " + std::to_string(e.end) + " is before begin " +
               std::to_string(e.begin));
    if (e.end > dataBytes)
        r.fail(where + ": data_offsets [" + std::to_string(e.begin) + ", " + std::to_string(e.end) +
               "] run past the end of the data (" + std::to_string(dataBytes) + " bytes)");
    Count expected = 0;
    if (__builtin_mul_overflow(numel, info->size, &expected) || expected != e.end - e.begin)
        r.fail(where + ": " + std::string(info->name) + " " + shapeToString(e.shape) + " needs " +
               (expected > 0 || numel == 0 ? std::to_string(expected) : std::string("too many")) +
               " bytes but data_offsets span " + std::to_string(e.end - e.begin));
    return e;
}

// "__metadata__": the format allows a map of strings to strings only.
void readMetadata(JsonPullReader& r, const SafetensorsLimits& limits, TableBudget& budget)
{
    if (r.peekKind() != Kind::Object)
        r.fail("__metadata__ is not an object; the format allows only a map of strings to strings");
    std::set<std::string> keys;
    r.beginObject();
    std::string key;
    while (r.nextMember(key, limits.maxNameBytes,
                        nameTooLong(r, "a __metadata__ key is", limits.maxNameBytes))) {
        if (r.peekKind() != Kind::String)
            r.fail("__metadata__ value of " + quoteForMessage(key) +
                   " is not a string; the format allows only strings there");
        r.skipValue(); // validated, not kept: nothing reads metadata values
        budget.charge(key.size() + 64);
        if (!keys.insert(key).second)
            r.fail("__metadata__ has the key " + quoteForMessage(key) +
                   " twice; the format forbids duplicate keys");
    }
}

std::vector<std::size_t> sortedByName(const std::vector<SafetensorsEntry>& entries)
{
    std::vector<std::size_t> order(entries.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return entries[a].name < entries[b].name; });
    return order;
}

// The format requires the ranges to tile the data section: sorted by offset, each tensor
// begins where the previous one ends, from byte 0 to the last byte of the file. Overlaps would
// alias two tensors' data; gaps and trailing bytes are data no tensor owns (the reference
// implementation refuses them as InvalidOffset and MetadataIncompleteBuffer).
void checkTiling(const std::vector<SafetensorsEntry>& entries, Count dataBytes, const std::string& source)
{
    std::vector<const SafetensorsEntry*> byOffset;
    byOffset.reserve(entries.size());
    for (const SafetensorsEntry& e : entries)
        byOffset.push_back(&e);
    std::sort(byOffset.begin(), byOffset.end(), [](const SafetensorsEntry* a, const SafetensorsEntry* b) {
        return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
    });
    Count position = 0;
    const SafetensorsEntry* previous = nullptr;
    for (const SafetensorsEntry* e : byOffset) {
        if (e->begin < position)
            fail(source, "tensors " + quoteForMessage(previous->name) + " and " + quoteForMessage(e->name) +
                             " have overlapping data_offsets");
        if (e->begin > position)
            fail(source, "bytes [" + std::to_string(position) + ", " + std::to_string(e->begin) +
                             ") of the data belong to no tensor (a gap before " + tensorWhere(e->name) +
                             "); the format requires the tensors to cover the data exactly");
        position = e->end;
        previous = e;
    }
    if (position != dataBytes)
        fail(source, std::to_string(dataBytes - position) +
                         " bytes after the end of the last tensor's data (byte " + std::to_string(position) +
                         " of " + std::to_string(dataBytes) +
                         ") belong to no tensor; the format requires the data to end with the last tensor "
                         "(a truncated rewrite or appended data?)");
}

std::vector<SafetensorsEntry> parseHeader(JsonPullReader& r, Count dataBytes, const std::string& source,
                                          const SafetensorsLimits& limits)
{
    if (r.peekKind() != Kind::Object)
        r.fail("header is not a JSON object");
    TableBudget budget(r, limits.maxTableBytes, "the header");
    std::vector<SafetensorsEntry> entries;
    bool sawMetadata = false;
    r.beginObject();
    std::string name;
    while (r.nextMember(name, limits.maxNameBytes, nameTooLong(r, "a tensor name is", limits.maxNameBytes))) {
        if (name == "__metadata__") {
            if (sawMetadata)
                r.fail("\"__metadata__\" appears twice in the header; the format forbids duplicate keys");
            sawMetadata = true;
            readMetadata(r, limits, budget);
            continue;
        }
        entries.push_back(readEntry(r, name, dataBytes, budget));
    }
    r.expectEnd();
    const std::vector<std::size_t> order = sortedByName(entries);
    for (std::size_t i = 1; i < order.size(); ++i)
        if (entries[order[i]].name == entries[order[i - 1]].name)
            fail(source, tensorWhere(entries[order[i]].name) +
                             " appears twice in the header; the format forbids duplicate names (readers "
                             "disagree on which one counts)");
    checkTiling(entries, dataBytes, source);
    return entries;
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
                                                     const std::string& source,
                                                     const SafetensorsLimits& limits)
{
    if (json.size() > limits.maxHeaderBytes)
        fail(source, "header length " + std::to_string(json.size()) + " exceeds the " +
                         std::to_string(limits.maxHeaderBytes >> 20) + " MiB limit");
    std::size_t at = 0;
    JsonPullReader reader(
        [&json, &at](char* buffer, std::size_t n) {
            const std::size_t k = std::min(n, json.size() - at);
            std::memcpy(buffer, json.data() + at, k);
            at += k;
            return k;
        },
        source, "header", 3);
    return parseHeader(reader, dataBytes, source, limits);
}

SafetensorsFile::SafetensorsFile(std::filesystem::path path, const SafetensorsLimits& limits)
    : path_(std::move(path)), file_(path_)
{
    const std::string source = path_.string();
    const std::uint64_t fileSize = file_.size();
    std::array<char, 8> prefix{};
    if (fileSize < 8 || file_.readAt(0, prefix.data(), 8) != 8)
        fail(source, "too short to be a safetensors file (" + std::to_string(fileSize) + " bytes)");
    const std::uint64_t headerBytes =
        readLittleEndian64(reinterpret_cast<const unsigned char*>(prefix.data()));
    // Compare before reading: a lying length (say 2^63) must not become an allocation.
    if (headerBytes > fileSize - 8)
        fail(source, "header length " + std::to_string(headerBytes) + " runs past the end of the file (" +
                         std::to_string(fileSize) + " bytes)");
    if (headerBytes > limits.maxHeaderBytes)
        fail(source, "header length " + std::to_string(headerBytes) + " exceeds the " +
                         std::to_string(limits.maxHeaderBytes >> 20) + " MiB limit");
    dataStart_ = static_cast<Count>(8 + headerBytes);
    // Streamed from the open file: the header text is never held whole.
    std::uint64_t at = 8;
    const std::uint64_t headerEnd = 8 + headerBytes;
    JsonPullReader reader(
        [this, &at, headerEnd](char* buffer, std::size_t n) {
            const auto k = static_cast<std::size_t>(std::min<std::uint64_t>(n, headerEnd - at));
            const std::size_t got = file_.readAt(at, buffer, k);
            at += got;
            return got;
        },
        source, "header", 3);
    entries_ = parseHeader(reader, static_cast<Count>(fileSize) - dataStart_, source, limits);
    byName_ = sortedByName(entries_);
}

const SafetensorsEntry* SafetensorsFile::find(std::string_view name) const
{
    const auto it =
        std::lower_bound(byName_.begin(), byName_.end(), name,
                         [this](std::size_t i, std::string_view n) { return entries_[i].name < n; });
    return it == byName_.end() || entries_[*it].name != name ? nullptr : &entries_[*it];
}

Tensor SafetensorsFile::read(const SafetensorsEntry& entry) const
{
    const std::string source = path_.string();
    if (entry.dtype != DType::F32 && entry.dtype != DType::F16 && entry.dtype != DType::BF16)
        fail(source, tensorWhere(entry.name) + " has dtype " + std::string(toString(entry.dtype)) +
                         "; only F32, F16 and BF16 can be read");
    Tensor t;
    t.name = entry.name;
    t.shape = entry.shape;
    const Count elementSize = dtypeSize(entry.dtype);
    if (elementSize <= 0)
        fail(source, tensorWhere(entry.name) + " has a dtype of no known element size");
    const Count count = (entry.end - entry.begin) / elementSize;
    t.values.resize(static_cast<std::size_t>(count));
    const Count chunkElements = kReadChunkBytes / elementSize;
    std::vector<char> buffer(static_cast<std::size_t>(std::min(count, chunkElements) * elementSize));
    const std::string what = tensorWhere(entry.name);
    for (Count done = 0; done < count;) {
        const Count n = std::min(chunkElements, count - done);
        file_.readExactly(static_cast<std::uint64_t>(dataStart_ + entry.begin + done * elementSize),
                          buffer.data(), static_cast<std::size_t>(n * elementSize), what);
        convert(entry.dtype, buffer.data(), static_cast<std::size_t>(n),
                t.values.data() + static_cast<std::ptrdiff_t>(done));
        done += n;
    }
    return t;
}

namespace {

struct IndexEntry {
    std::string tensor;
    std::uint32_t shard = 0;
};

// model.safetensors.index.json: {"metadata": {...}, "weight_map": {tensor: shard file}}.
// Returns the entries sorted by tensor name, and the shard file names.
std::vector<IndexEntry> readIndex(const std::filesystem::path& file, const SafetensorsLimits& limits,
                                  std::vector<std::string>& shards)
{
    const std::string source = file.string();
    const InputFile in(file);
    if (in.size() > limits.maxIndexBytes)
        fail(source, "index is larger than " + std::to_string(limits.maxIndexBytes >> 20) + " MiB");
    std::uint64_t at = 0;
    JsonPullReader r(
        [&in, &at](char* buffer, std::size_t n) {
            const std::size_t got = in.readAt(at, buffer, n);
            at += got;
            return got;
        },
        source, "index", 4);
    if (r.peekKind() != Kind::Object)
        r.fail("index is not a JSON object");
    TableBudget budget(r, limits.maxTableBytes, "the index");
    std::vector<IndexEntry> entries;
    std::map<std::string, std::uint32_t> shardIds;
    std::set<std::string> topKeys;
    r.beginObject();
    std::string key;
    while (r.nextMember(key, limits.maxNameBytes,
                        nameTooLong(r, "a key of the index is", limits.maxNameBytes))) {
        if (!topKeys.insert(key).second)
            r.fail("index has the key " + quoteForMessage(key) + " twice; duplicate keys are ambiguous");
        budget.charge(key.size() + 64);
        if (key != "weight_map") {
            r.skipValue(); // "metadata" (total_size, ...) is not needed
            continue;
        }
        if (r.peekKind() != Kind::Object)
            r.fail("index has no \"weight_map\" object");
        r.beginObject();
        std::string tensor;
        while (r.nextMember(tensor, limits.maxNameBytes,
                            nameTooLong(r, "a tensor name is", limits.maxNameBytes))) {
            if (r.peekKind() != Kind::String)
                r.fail("weight_map entry for " + quoteForMessage(tensor) + " is not a file name");
            const std::string shardName = r.readString(
                limits.maxNameBytes, nameTooLong(r, "a shard file name is", limits.maxNameBytes));
            const std::filesystem::path rel(shardName);
            // Shards live beside the index; refuse paths that would read elsewhere.
            if (rel.empty() || rel.is_absolute() || rel.has_parent_path() || shardName == "." ||
                shardName == "..")
                r.fail("weight_map entry for " + quoteForMessage(tensor) + " names " +
                       quoteForMessage(shardName) + ", not a file beside the index");
            auto [it, added] = shardIds.emplace(shardName, static_cast<std::uint32_t>(shards.size()));
            if (added) {
                shards.push_back(shardName);
                budget.charge(2 * shardName.size() + 96);
            }
            budget.charge(sizeof(IndexEntry) + tensor.size());
            entries.push_back({tensor, it->second});
        }
    }
    r.expectEnd();
    if (topKeys.count("weight_map") == 0)
        fail(source, "index has no \"weight_map\" object");
    std::sort(entries.begin(), entries.end(),
              [](const IndexEntry& a, const IndexEntry& b) { return a.tensor < b.tensor; });
    for (std::size_t i = 1; i < entries.size(); ++i)
        if (entries[i].tensor == entries[i - 1].tensor)
            fail(source, "weight_map lists " + tensorWhere(entries[i].tensor) +
                             " twice; duplicate keys are ambiguous");
    return entries;
}

} // namespace

SafetensorsCheckpoint SafetensorsCheckpoint::open(const std::filesystem::path& path,
                                                  const SafetensorsLimits& limits)
{
    namespace fs = std::filesystem;
    fs::path file = path;
    switch (classifyPath(path)) { // FIFOs, devices, loops and EACCES are refused here, by name
    case PathKind::Missing: fail(path.string(), describeErrno(ENOENT));
    case PathKind::Folder:
        if (classifyPath(path / "model.safetensors.index.json") == PathKind::RegularFile)
            file = path / "model.safetensors.index.json";
        else if (classifyPath(path / "model.safetensors") == PathKind::RegularFile)
            file = path / "model.safetensors";
        else
            fail(path.string(), "folder has neither model.safetensors nor model.safetensors.index.json");
        break;
    case PathKind::RegularFile: break;
    }
    SafetensorsCheckpoint c;
    c.description_ = file.string();
    const std::string name = file.filename().string();
    const bool isIndex = name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0;
    // The checkpoint's own name table gets the same budget as one file's: an index cannot
    // multiply it by listing thousands of shards.
    std::size_t tableBytes = 0;
    auto add = [&c, &tableBytes, &limits, &file](std::unique_ptr<SafetensorsFile> f,
                                                 const std::string& source) {
        for (const SafetensorsEntry& e : f->entries()) {
            if (c.tensors_.count(e.name) != 0)
                fail(source, tensorWhere(e.name) + " appears in two shards");
            tableBytes += e.name.size() + sizeof(Located) + 64;
            if (tableBytes > limits.maxTableBytes)
                fail(file.string(), "the checkpoint describes more than " +
                                        std::to_string(limits.maxTableBytes >> 20) +
                                        " MiB of tensor table; no real checkpoint needs that much");
            c.tensors_.emplace(e.name, Located{f.get(), &e});
        }
        c.files_.push_back(std::move(f));
    };
    if (!isIndex) {
        add(std::make_unique<SafetensorsFile>(file, limits), file.string());
        return c;
    }
    c.index_ = file;
    std::vector<std::string> shards;
    const std::vector<IndexEntry> index = readIndex(file, limits, shards);
    c.description_ = file.string() + " (" + std::to_string(shards.size()) + " shards)";
    std::vector<std::vector<const IndexEntry*>> byShard(shards.size());
    for (const IndexEntry& e : index)
        byShard[e.shard].push_back(&e);
    std::vector<std::size_t> shardOrder(shards.size());
    for (std::size_t i = 0; i < shardOrder.size(); ++i)
        shardOrder[i] = i;
    std::sort(shardOrder.begin(), shardOrder.end(),
              [&](std::size_t a, std::size_t b) { return shards[a] < shards[b]; });
    for (const std::size_t s : shardOrder) {
        const fs::path shardPath = file.parent_path() / shards[s];
        auto shard = std::make_unique<SafetensorsFile>(shardPath, limits);
        for (const IndexEntry* t : byShard[s])
            if (shard->find(t->tensor) == nullptr)
                fail(file.string(), "index puts " + tensorWhere(t->tensor) + " in " +
                                        quoteForMessage(shards[s]) + ", which has no such tensor");
        add(std::move(shard), shardPath.string());
    }
    return c;
}

std::vector<std::filesystem::path> SafetensorsCheckpoint::files() const
{
    std::vector<std::filesystem::path> out;
    if (!index_.empty())
        out.push_back(index_);
    for (const auto& f : files_)
        out.push_back(f->path());
    return out;
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
