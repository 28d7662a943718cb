#pragma once
// Options shared by `forward` and `verify`: --threads and --max-memory, and the kernel line.

#include "common.hpp"

#include "llamascope/forward/kernels.hpp"
#include "llamascope/forward/system.hpp"
#include "llamascope/memory.hpp"

#include <charconv>
#include <cstdint>
#include <string>

namespace llamascope::cli {

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

/// The help texts' line on the compute kernels: which build this machine runs and how to force one.
inline std::string kernelsHelp()
{
    return "Kernels on this machine: " + describeKernelChoice() +
           ";\nLLAMASCOPE_KERNEL=" + choicesBar(kernelSetTable()) + " forces one (docs/forward.md).";
}

inline int threadsOption(const po::variables_map& vm)
{
    return vm.count("threads") ? static_cast<int>(std::min<Count>(
                                     parsePositive(vm["threads"].as<std::string>(), "threads"), 1024))
                               : 0;
}

inline Count maxMemoryOption(const po::variables_map& vm)
{
    // core's one size parser: GB = 10^9, GiB and a bare G = 2^30 (docs/cli.md "Sizes").
    return vm.count("max-memory") ? parseByteSize(vm["max-memory"].as<std::string>(), "--max-memory") : 0;
}

} // namespace llamascope::cli
