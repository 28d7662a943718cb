// A snapshot folder's weights against its config: see forward/snapshot.hpp.

#include "llamascope/forward/snapshot.hpp"

#include "llamascope/errors.hpp"
#include "llamascope/format.hpp"
#include "llamascope/forward/safetensors.hpp"
#include "llamascope/forward/weights.hpp"
#include "llamascope/io.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <memory>

namespace llamascope {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxIndexBytes = 64u << 20; // as the checkpoint reader's index cap
constexpr std::size_t kMaxListed = 8;             // tensors named one by one per kind

constexpr const char* kIndexName = "model.safetensors.index.json";
constexpr const char* kSingleName = "model.safetensors";

Finding finding(FindingCode code, std::string message, std::string hint)
{
    return Finding{code, "", std::move(message), std::move(hint), {}};
}

// What the folder says about its tensors: names (from the index or the single file) and
// shapes where a header was read; `source` of each is the file the name or shape came from.
struct Present {
    std::vector<TensorShape> tensors;
    std::map<std::string, std::string, std::less<>> source;
    std::vector<Finding> unreadable;
    bool namesKnown = true; ///< false when the index itself could not be read
};

void readHeader(const fs::path& file, Present& p, const std::map<std::string, std::size_t>* wanted)
{
    try {
        const SafetensorsFile f(file);
        if (wanted == nullptr) {
            for (const SafetensorsEntry& e : f.entries()) {
                p.tensors.push_back({e.name, e.shape, true});
                p.source[e.name] = file.filename().string();
            }
            return;
        }
        for (const auto& [name, i] : *wanted) {
            if (const SafetensorsEntry* e = f.find(name)) {
                p.tensors[i].shape = e->shape;
                p.tensors[i].shapeKnown = true;
                p.source[name] = file.filename().string();
            } else {
                p.unreadable.push_back(
                    finding(FindingCode::WeightsUnreadable,
                            std::string(kIndexName) + " puts " + name + " in " + file.filename().string() +
                                ", whose header has no such tensor",
                            "the index and the shard disagree; download the snapshot again"));
            }
        }
    } catch (const IoError& e) {
        p.unreadable.push_back(
            finding(FindingCode::WeightsUnreadable,
                    "cannot read the header of " + file.filename().string() + ": " + e.what(),
                    "its tensors are checked by name only"));
    }
}

// The index's weight_map: every tensor by name; shapes from the shards that are present.
Present readIndex(const fs::path& dir)
{
    Present p;
    const fs::path index = dir / kIndexName;
    auto unreadable = [&](const std::string& why) {
        p.unreadable.push_back(finding(FindingCode::WeightsUnreadable, std::string(kIndexName) + ": " + why,
                                       "the tensor names cannot be checked against the config"));
        p.namesKnown = false;
        return p;
    };
    const CappedRead read = readFileCapped(index, kMaxIndexBytes);
    if (read.truncated)
        return unreadable("larger than 64 MiB");
    const nlohmann::json j = nlohmann::json::parse(read.bytes, nullptr, false);
    if (j.is_discarded())
        return unreadable("not valid JSON");
    if (!j.is_object() || !j.contains("weight_map") || !j.at("weight_map").is_object())
        return unreadable("has no \"weight_map\" object");
    std::map<std::string, std::map<std::string, std::size_t>> byShard;
    for (const auto& [name, shard] : j.at("weight_map").items()) {
        if (!shard.is_string())
            return unreadable("the weight_map entry of " + name + " is not a file name");
        const std::string file = shard.get<std::string>();
        const fs::path rel(file);
        if (rel.empty() || rel.is_absolute() || rel.has_parent_path()) {
            std::string message = "the weight_map entry of " + name;
            message.append(" names \"").append(file).append("\", not a file beside the index");
            return unreadable(message);
        }
        byShard[file].emplace(name, p.tensors.size());
        p.tensors.push_back({name, {}, false});
        p.source[name] = kIndexName;
    }
    for (const auto& [file, tensors] : byShard) {
        std::error_code ec;
        if (fs::is_regular_file(dir / file, ec))
            readHeader(dir / file, p, &tensors);
    }
    return p;
}

} // namespace

std::vector<Finding> checkSnapshotWeights(const ModelConfig& config, const fs::path& dir)
{
    if (config.original && config.original->contains("quantization_config"))
        return {};
    std::error_code ec;
    Present present;
    if (fs::exists(dir / kIndexName, ec)) {
        try {
            present = readIndex(dir);
        } catch (const IoError& e) {
            return {finding(FindingCode::WeightsUnreadable, std::string(kIndexName) + ": " + e.what(),
                            "the tensor names cannot be checked against the config")};
        }
    } else if (fs::exists(dir / kSingleName, ec)) {
        readHeader(dir / kSingleName, present, nullptr);
        if (present.tensors.empty() && !present.unreadable.empty())
            return present.unreadable;
    } else {
        return {}; // no safetensors weights (only the config, or .bin / GGUF files)
    }
    std::vector<Finding> out = std::move(present.unreadable);
    if (!present.namesKnown)
        return out;
    std::vector<TensorMismatch> missing, unexpected;
    for (TensorMismatch& m : compareTensors(allSpecs(config), present.tensors)) {
        if (m.kind == TensorMismatch::Kind::Shape) {
            out.push_back(finding(
                FindingCode::WeightsShape, "weights in " + present.source.at(m.name) + ": " + m.message(),
                "the config does not describe these weights: check its shape keys (hidden_size, "
                "intermediate_size, heads, head_dim, layers, vocab_size) against the checkpoint"));
        } else {
            (m.kind == TensorMismatch::Kind::Missing ? missing : unexpected).push_back(std::move(m));
        }
    }
    const std::string names = fs::exists(dir / kIndexName, ec) ? kIndexName : kSingleName;
    auto list = [&](const std::vector<TensorMismatch>& ms, const char* what, const char* hint) {
        for (std::size_t i = 0; i < ms.size() && i < kMaxListed; ++i)
            out.push_back(
                finding(FindingCode::WeightsTensors, "weights in " + names + ": " + ms[i].message(), hint));
        if (ms.size() > kMaxListed)
            out.push_back(finding(FindingCode::WeightsTensors,
                                  "weights in " + names + ": " +
                                      plural(static_cast<Count>(ms.size() - kMaxListed), "more tensor") +
                                      " " + what,
                                  hint));
    };
    list(missing, "missing",
         "transformers would initialise missing tensors at random; check model_type, tie_word_embeddings and "
         "num_hidden_layers");
    list(unexpected, "without a place in the config",
         "transformers would ignore them; check model_type and num_hidden_layers");
    return out;
}

} // namespace llamascope
