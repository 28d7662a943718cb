#pragma once
// Interconnects for the planner's communication model: an editable data file,
// core/data/interconnects.json (compiled in; a user file can replace it), like the accelerator
// table. Each entry gives a link's line rate and how many links a GPU drives, so the bandwidth
// a collective sees is links × rate × efficiency. docs/planning.md "Communication" cites them.

#include "llamascope/checked.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llamascope {

struct Interconnect {
    std::string key;  ///< "nvlink4"
    std::string name; ///< "NVLink 4 through NVSwitch (H100/H200 SXM)"
    std::vector<std::string> aliases;
    double linkGBs = 0;     ///< one link, one direction, decimal GB/s
    double linksPerGpu = 0; ///< links (or NIC ports) per GPU; below 1 when GPUs share a NIC
    /// The share of the line rate a ring collective reaches (NCCL's bus bandwidth over the
    /// line rate), in (0, 1].
    double efficiency = 0;
    double latencyUs = 0; ///< per message step of a ring collective, microseconds
    std::string source;
    std::string notes;

    /// Bytes per second one GPU sends and receives at once: linkGBs·1e9·linksPerGpu·efficiency.
    [[nodiscard]] double bytesPerSecond() const;
};

/// The links a device is usually built with: within a node and between nodes.
struct NodeDefaults {
    std::vector<std::string> devices; ///< accelerator keys
    std::string intraNode;            ///< interconnect key
    std::string interNode;            ///< interconnect key
    Count gpusPerNode = 8;
};

struct InterconnectTable {
    std::string source; ///< "<built-in>/interconnects.json" or the file path
    std::vector<Interconnect> interconnects;
    std::vector<NodeDefaults> nodeDefaults;

    /// By key, name or alias, case-insensitive, ignoring spaces, '-' and '_'.
    [[nodiscard]] const Interconnect* find(std::string_view nameOrKey) const;
    [[nodiscard]] std::vector<std::string_view> keys() const;
    /// The defaults listed for an accelerator key, if any.
    [[nodiscard]] const NodeDefaults* defaultsFor(std::string_view acceleratorKey) const;
};

/// The compiled-in copy of core/data/interconnects.json.
InterconnectTable builtinInterconnects();

/// Parses an interconnect file (same format as core/data/interconnects.json). Throws
/// InvalidArgument naming `source` and the JSON pointer of the first bad value.
InterconnectTable parseInterconnects(std::string_view json, const std::string& source);

/// Reads and parses a file: IoError if unreadable, InvalidArgument if malformed.
InterconnectTable loadInterconnects(const std::filesystem::path& path);

} // namespace llamascope
