#pragma once
// Options shared by `forward` and `verify`: --threads and --max-memory.

#include "common.hpp"

#include "llamascope/forward/system.hpp"

#include <cctype>
#include <charconv>
#include <cstdint>
#include <string>

namespace llamascope::cli {

/// "4G", "4GiB", "512M", "1.5g", "1073741824" → bytes (binary units). Throws UsageError.
inline Count parseBytes(const std::string& text, std::string_view option)
{
    std::size_t used = 0;
    double value = 0;
    try {
        value = std::stod(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    std::string unit = text.substr(used);
    for (char& ch : unit)
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    double scale = 0;
    if (unit.empty() || unit == "b")
        scale = 1;
    else if (unit == "k" || unit == "kib" || unit == "kb")
        scale = 1024.0;
    else if (unit == "m" || unit == "mib" || unit == "mb")
        scale = 1024.0 * 1024;
    else if (unit == "g" || unit == "gib" || unit == "gb")
        scale = 1024.0 * 1024 * 1024;
    else if (unit == "t" || unit == "tib" || unit == "tb")
        scale = 1024.0 * 1024 * 1024 * 1024;
    const double bytes = value * scale;
    if (used == 0 || scale == 0 || !(bytes >= 1) || bytes > 9.0e18)
        throw UsageError("--" + std::string(option) + " must be a size such as 4G or 512M, got \"" + text +
                         "\"");
    return static_cast<Count>(bytes);
}

/// A non-negative 64-bit seed. Throws UsageError.
inline std::uint64_t parseSeed(const std::string& text)
{
    std::uint64_t v = 0;
    const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size())
        throw UsageError("--seed must be a non-negative integer below 2^64, got \"" + text + "\"");
    return v;
}

inline void addRunOptions(po::options_description& options)
{
    options.add_options()("threads", po::value<std::string>(), "worker threads (default: all cores)")(
        "max-memory", po::value<std::string>(),
        "memory budget for weights and activations, e.g. 4G (default: half of RAM); models that do not "
        "fit are made or read one layer at a time");
}

inline int threadsOption(const po::variables_map& vm)
{
    return vm.count("threads") ? static_cast<int>(std::min<Count>(
                                     parsePositive(vm["threads"].as<std::string>(), "threads"), 1024))
                               : 0;
}

inline Count maxMemoryOption(const po::variables_map& vm)
{
    return vm.count("max-memory") ? parseBytes(vm["max-memory"].as<std::string>(), "max-memory") : 0;
}

} // namespace llamascope::cli
