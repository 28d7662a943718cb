// Model discovery: see sources.hpp. Bounded for any tree: folders are walked at most
// kMaxDepth levels deep and kMaxEntries entries in all, and symlinked folders are not
// followed (a link loop cannot trap the walk).

#include "llamascope/sources.hpp"

#include "llamascope/bundled.hpp"
#include "llamascope/errors.hpp"
#include "llamascope/format.hpp"
#include "llamascope/forward/snapshot.hpp"
#include "llamascope/io.hpp"

#include <algorithm>
#include <array>

namespace llamascope {
namespace fs = std::filesystem;

namespace {

constexpr int kMaxDepth = 4;                // hub/models--org--name/snapshots/<rev>/config.json
constexpr std::size_t kMaxEntries = 100000; // entries listed across one input

bool isFile(const fs::path& p)
{
    std::error_code ec;
    return fs::exists(p, ec) && !fs::is_directory(p, ec);
}

/// The name a snapshot folder shows: the folder's name, or "org/name" inside the Hugging Face
/// cache layout (models--org--name/snapshots/<revision>).
std::string snapshotName(const fs::path& dir)
{
    const fs::path clean = dir.lexically_normal() / "";
    fs::path d = clean.parent_path();
    std::string leaf = d.filename().string();
    const fs::path snapshots = d.parent_path();
    if (snapshots.filename() == "snapshots") {
        const std::string repo = snapshots.parent_path().filename().string();
        if (repo.starts_with("models--")) {
            std::string name = repo.substr(8);
            if (const auto sep = name.find("--"); sep != std::string::npos)
                name.replace(sep, 2, "/");
            return name;
        }
    }
    if (leaf.empty() || leaf == "." || leaf == "..")
        return fs::absolute(dir).lexically_normal().filename().string();
    return leaf;
}

std::vector<fs::directory_entry> listSorted(const fs::path& dir, std::size_t& budget)
{
    std::vector<fs::directory_entry> entries;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (budget == 0)
            throw IoError(dir.string() + ": more than " + std::to_string(kMaxEntries) +
                          " entries; point llamascope at the model folders themselves");
        --budget;
        entries.push_back(*it);
    }
    if (ec)
        throw IoError(dir.string() + ": cannot list folder (" + ec.message() + ")");
    std::sort(entries.begin(), entries.end(),
              [](const fs::directory_entry& a, const fs::directory_entry& b) { return a.path() < b.path(); });
    return entries;
}

class Scanner {
public:
    explicit Scanner(SourceScan& out) : out_(out) {}

    void snapshot(const fs::path& dir)
    {
        ModelSource s;
        s.name = snapshotName(dir);
        s.configPath = dir / "config.json";
        s.snapshotDir = dir;
        std::vector<std::string> skipped;
        std::string weights; // the file whose tensor names are checked (checkSnapshotWeights)
        for (const fs::directory_entry& e : listSorted(dir, budget_)) {
            const std::string name = e.path().filename().string();
            if (name == "config.json")
                continue;
            if (name == "model.safetensors.index.json" || (name == "model.safetensors" && weights.empty()))
                weights = name;
            else if (!name.ends_with(".safetensors")) // shards are read with their index
                skipped.push_back(name);
        }
        std::string note = s.name + ": a model snapshot";
        if (!weights.empty())
            note += "; its weights (" + weights + ") are checked against the config";
        if (!skipped.empty()) {
            std::string list;
            for (std::size_t i = 0; i < skipped.size() && i < 8; ++i)
                list += (i ? ", " : "") + skipped[i];
            if (skipped.size() > 8)
                list += ", …";
            note += "; skipped " + plural(static_cast<Count>(skipped.size()), "companion file") + " (" +
                    list + ")";
        }
        if (!weights.empty() || !skipped.empty())
            out_.notes.push_back(note);
        out_.models.push_back(std::move(s));
    }

    /// A folder that is not itself a snapshot: its snapshots and config files, searched
    /// below it. Returns how many models it added.
    std::size_t folder(const fs::path& dir, int depth)
    {
        std::size_t added = 0;
        std::size_t companions = 0;
        for (const fs::directory_entry& e : listSorted(dir, budget_)) {
            std::error_code ec;
            if (e.path().filename().string().starts_with("."))
                continue; // .git, .cache, .locks
            if (e.is_directory(ec) && !e.is_symlink(ec)) {
                if (isFile(e.path() / "config.json")) {
                    snapshot(e.path());
                    ++added;
                } else if (depth < kMaxDepth) {
                    added += folder(e.path(), depth + 1);
                }
            } else if (e.path().extension() == ".json") {
                if (isCompanionFile(e.path())) {
                    ++companions;
                    continue;
                }
                ModelSource s;
                s.configPath = e.path();
                s.name = sourceStem(e.path().string());
                out_.models.push_back(std::move(s));
                ++added;
            }
        }
        if (companions > 0)
            out_.notes.push_back(dir.string() + ": skipped " +
                                 plural(static_cast<Count>(companions), "companion file") +
                                 " (tokenizer, generation or index files are not model configs)");
        return added;
    }

private:
    SourceScan& out_;
    std::size_t budget_ = kMaxEntries;
};

} // namespace

bool isCompanionFile(const fs::path& file)
{
    static constexpr std::array kNames = {
        "generation_config.json",  "tokenizer_config.json",    "tokenizer.json",
        "special_tokens_map.json", "added_tokens.json",        "vocab.json",
        "adapter_config.json",     "preprocessor_config.json", "quantize_config.json",
        "trainer_state.json",      "training_args.json",       "chat_template.json",
    };
    const std::string name = file.filename().string();
    if (std::find(kNames.begin(), kNames.end(), name) != kNames.end())
        return true;
    return name.ends_with(".index.json"); // model.safetensors.index.json, pytorch_model.bin.index.json
}

std::string modelName(const fs::path& configFile)
{
    // A snapshot's config.json is named after its folder, not "config".
    if (configFile.filename() == "config.json")
        return snapshotName(configFile.has_parent_path() ? configFile.parent_path() : fs::path("."));
    return sourceStem(configFile.string());
}

SourceScan findModels(const std::vector<std::string>& inputs)
{
    SourceScan scan;
    if (inputs.empty()) {
        for (std::string_view name : bundledNames()) {
            ModelSource s;
            s.name = std::string(name);
            s.bundledName = std::string(name);
            scan.models.push_back(std::move(s));
        }
        return scan;
    }
    Scanner scanner(scan);
    for (const std::string& input : inputs) {
        const fs::path path(input);
        // classifyPath names what stat() found: a symlink loop, a name too long, permission
        // denied, a FIFO or device — each in its own words, not as "no such file".
        const PathKind kind = classifyPath(path);
        if (kind == PathKind::Folder) {
            if (isFile(path / "config.json")) {
                scanner.snapshot(path);
            } else if (scanner.folder(path, 0) == 0) {
                throw IoError(input +
                              ": folder has no model configs (no config.json and no snapshot folders)");
            }
        } else if (kind == PathKind::RegularFile) {
            ModelSource s;
            s.configPath = path;
            s.name = modelName(path);
            if (path.filename() == "config.json" && path.has_parent_path())
                s.snapshotDir = path.parent_path();
            scan.models.push_back(std::move(s));
        } else if (loadBundled(input)) {
            ModelSource s;
            std::string name = input;
            if (name.starts_with("<bundled>/"))
                name = name.substr(10);
            if (name.ends_with(".json"))
                name.resize(name.size() - 5);
            s.name = name;
            s.bundledName = name;
            scan.models.push_back(std::move(s));
        } else {
            const auto names = bundledNames();
            const std::string guess = closestMatch(input, names);
            throw IoError(input + ": no such file, folder or bundled config" +
                          (guess.empty() ? std::string() : " (did you mean " + guess + "?)"));
        }
    }
    return scan;
}

LoadResult loadSource(const ModelSource& source)
{
    LoadResult r;
    if (source.bundled()) {
        std::optional<LoadResult> b = loadBundled(source.bundledName);
        if (!b)
            throw IoError(source.bundledName + ": no such bundled config");
        r = std::move(*b);
    } else {
        r = loadConfigFile(source.configPath);
    }
    if (r.config) {
        r.config->name = source.name;
        // A snapshot's weights are checked against the config it ships with (names, and shapes
        // from the shard headers that are present); a shape that differs makes the config's
        // numbers wrong for that folder, so it is an error like any other.
        if (!source.snapshotDir.empty()) {
            for (Finding& f : checkSnapshotWeights(*r.config, source.snapshotDir))
                r.report.findings.push_back(std::move(f));
            if (r.report.hasErrors())
                r.config.reset();
        }
    }
    return r;
}

std::vector<LoadResult> loadModels(const std::vector<std::string>& inputs, std::vector<std::string>* notes)
{
    const SourceScan scan = findModels(inputs);
    if (notes != nullptr)
        *notes = scan.notes;
    std::vector<LoadResult> out;
    out.reserve(scan.models.size());
    for (const ModelSource& s : scan.models)
        out.push_back(loadSource(s));
    return out;
}

} // namespace llamascope
