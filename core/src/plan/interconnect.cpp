// The interconnect table (interconnect.hpp): parsing core/data/interconnects.json or a user
// copy. Every value is checked; an unknown key is an error, not ignored.

#include "llamascope/interconnect.hpp"

#include "llamascope/embedded.hpp"
#include "llamascope/errors.hpp"
#include "llamascope/io.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <cmath>
#include <initializer_list>
#include <span>
#include <stdexcept>

namespace llamascope {

/// Generated at build time from core/data/interconnects.json (cmake/EmbedFiles.cmake).
std::span<const EmbeddedFile> interconnectDataFiles();

double Interconnect::bytesPerSecond() const
{
    return linkGBs * 1e9 * linksPerGpu * efficiency;
}

namespace {

using json = nlohmann::json;

std::string squash(std::string_view s)
{
    std::string out;
    for (char c : s)
        if (c != ' ' && c != '-' && c != '_')
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

[[noreturn]] void bad(const std::string& source, const std::string& pointer, const std::string& why)
{
    throw InvalidArgument(source + ": " + (pointer.empty() ? std::string("/") : pointer) + ": " + why);
}

void onlyKeys(const json& j, std::initializer_list<std::string_view> allowed, const std::string& source,
              const std::string& at)
{
    for (auto it = j.begin(); it != j.end(); ++it) {
        bool known = false;
        for (std::string_view k : allowed)
            known = known || it.key() == k;
        if (!known)
            bad(source, at + "/" + it.key(), "unknown key");
    }
}

double number(const json& j, const char* key, const std::string& source, const std::string& at, double lo,
              double hi, bool loOpen)
{
    if (!j.contains(key))
        bad(source, at + "/" + key, "missing");
    const json& v = j.at(key);
    if (!v.is_number())
        bad(source, at + "/" + key, "must be a number");
    const double x = v.get<double>();
    if (!std::isfinite(x) || x > hi || x < lo || (loOpen && x == lo))
        bad(source, at + "/" + key,
            std::string("must be in ") + (loOpen ? "(" : "[") + json(lo).dump() + ", " + json(hi).dump() +
                "]");
    return x;
}

std::string text(const json& j, const char* key, const std::string& source, const std::string& at,
                 bool required)
{
    if (!j.contains(key)) {
        if (required)
            bad(source, at + "/" + key, "missing");
        return {};
    }
    if (!j.at(key).is_string())
        bad(source, at + "/" + key, "must be a string");
    std::string s = j.at(key).get<std::string>();
    if (required && s.empty())
        bad(source, at + "/" + key, "must not be empty");
    return s;
}

std::vector<std::string> strings(const json& j, const char* key, const std::string& source,
                                 const std::string& at)
{
    std::vector<std::string> out;
    if (!j.contains(key))
        return out;
    if (!j.at(key).is_array())
        bad(source, at + "/" + key, "must be an array of strings");
    for (const json& s : j.at(key)) {
        if (!s.is_string())
            bad(source, at + "/" + key, "must be an array of strings");
        out.push_back(s.get<std::string>());
    }
    return out;
}

} // namespace

const Interconnect* InterconnectTable::find(std::string_view nameOrKey) const
{
    const std::string want = squash(nameOrKey);
    if (want.empty())
        return nullptr;
    for (const Interconnect& i : interconnects)
        if (squash(i.key) == want || squash(i.name) == want)
            return &i;
    for (const Interconnect& i : interconnects)
        for (const std::string& alias : i.aliases)
            if (squash(alias) == want)
                return &i;
    return nullptr;
}

std::vector<std::string_view> InterconnectTable::keys() const
{
    std::vector<std::string_view> out;
    for (const Interconnect& i : interconnects)
        out.push_back(i.key);
    return out;
}

const NodeDefaults* InterconnectTable::defaultsFor(std::string_view acceleratorKey) const
{
    for (const NodeDefaults& d : nodeDefaults)
        for (const std::string& k : d.devices)
            if (squash(k) == squash(acceleratorKey))
                return &d;
    return nullptr;
}

InterconnectTable parseInterconnects(std::string_view jsonText, const std::string& source)
{
    json root;
    try {
        root = json::parse(jsonText);
    } catch (const json::parse_error& e) {
        throw InvalidArgument(source + ": not valid JSON (" + e.what() + ")");
    }
    if (!root.is_object() || !root.contains("interconnects") || !root.at("interconnects").is_array())
        bad(source, "/interconnects", "expected an object with an \"interconnects\" array");
    onlyKeys(root, {"$comment", "interconnects", "node_defaults"}, source, "");
    InterconnectTable table;
    table.source = source;
    const json& list = root.at("interconnects");
    for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string at = "/interconnects/" + std::to_string(i);
        const json& e = list.at(i);
        if (!e.is_object())
            bad(source, at, "must be an object");
        onlyKeys(e,
                 {"key", "name", "aliases", "link_gbs", "links_per_gpu", "efficiency", "latency_us", "source",
                  "notes"},
                 source, at);
        Interconnect c;
        c.key = text(e, "key", source, at, true);
        if (table.find(c.key) != nullptr)
            bad(source, at + "/key", "duplicate interconnect '" + c.key + "'");
        c.name = text(e, "name", source, at, true);
        c.aliases = strings(e, "aliases", source, at);
        c.linkGBs = number(e, "link_gbs", source, at, 0, 1e6, true);
        c.linksPerGpu = number(e, "links_per_gpu", source, at, 0, 1e4, true);
        c.efficiency = number(e, "efficiency", source, at, 0, 1, true);
        c.latencyUs = number(e, "latency_us", source, at, 0, 1e6, false);
        c.source = text(e, "source", source, at, true);
        c.notes = text(e, "notes", source, at, false);
        table.interconnects.push_back(std::move(c));
    }
    if (table.interconnects.empty())
        bad(source, "/interconnects", "lists no interconnect");
    if (root.contains("node_defaults")) {
        const json& defaults = root.at("node_defaults");
        if (!defaults.is_array())
            bad(source, "/node_defaults", "must be an array");
        for (std::size_t i = 0; i < defaults.size(); ++i) {
            const std::string at = "/node_defaults/" + std::to_string(i);
            const json& e = defaults.at(i);
            if (!e.is_object())
                bad(source, at, "must be an object");
            onlyKeys(e, {"devices", "intra_node", "inter_node", "gpus_per_node"}, source, at);
            NodeDefaults d;
            d.devices = strings(e, "devices", source, at);
            if (d.devices.empty())
                bad(source, at + "/devices", "must list at least one accelerator key");
            d.intraNode = text(e, "intra_node", source, at, true);
            d.interNode = text(e, "inter_node", source, at, true);
            if (table.find(d.intraNode) == nullptr)
                bad(source, at + "/intra_node", "names no interconnect of this file ('" + d.intraNode + "')");
            if (table.find(d.interNode) == nullptr)
                bad(source, at + "/inter_node", "names no interconnect of this file ('" + d.interNode + "')");
            const double g = number(e, "gpus_per_node", source, at, 1, 1024, false);
            if (g != std::floor(g))
                bad(source, at + "/gpus_per_node", "must be a whole number");
            d.gpusPerNode = static_cast<Count>(g);
            table.nodeDefaults.push_back(std::move(d));
        }
    }
    return table;
}

InterconnectTable builtinInterconnects()
{
    const std::span<const EmbeddedFile> files = interconnectDataFiles();
    if (files.empty())
        throw std::logic_error("no interconnect table was compiled in");
    return parseInterconnects(files.front().text, "<built-in>/interconnects.json");
}

InterconnectTable loadInterconnects(const std::filesystem::path& path)
{
    constexpr std::size_t kMaxBytes = 4u << 20;
    const CappedRead read = readFileCapped(path, kMaxBytes);
    if (read.truncated)
        throw InvalidArgument(path.string() + ": larger than 4 MiB; not an interconnect table");
    return parseInterconnects(read.bytes, path.string());
}

} // namespace llamascope
