#pragma once
// Which build of the forward kernels runs (docs/forward.md, "Kernels and portability").
//
// The binaries are portable: everything is compiled for baseline x86-64 except the forward
// pass's compute kernels, which exist in three builds, chosen at run time from the CPU:
//   baseline  x86-64-v2 (SSE4.2, POPCNT)
//   avx2      AVX2 + FMA
//   avx512    AVX-512F (+ AVX2, FMA)
// The environment variable LLAMASCOPE_KERNEL=baseline|avx2|avx512 forces one (for tests and
// comparisons); a set the CPU cannot run is refused by name, never run.

#include "llamascope/enum_table.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llamascope {

enum class KernelSet { Baseline, Avx2, Avx512 };

/// "baseline", "avx2", "avx512", each with the CPU features it needs; LLAMASCOPE_KERNEL and
/// the front ends' help read it.
const EnumTable<KernelSet>& kernelSetTable();
std::string_view toString(KernelSet set);

/// Every kernel set built into this binary, in the order baseline, avx2, avx512.
std::vector<KernelSet> builtKernelSets();

/// The CPU features the choice depends on that this CPU (and its OS) offers, best first, e.g.
/// {"avx512f", "avx2", "fma", "sse4.2", "popcnt"}.
std::vector<std::string> cpuKernelFeatures();

/// The features `set` needs that this CPU lacks (empty when it can run it).
std::vector<std::string> missingCpuFeatures(KernelSet set);

/// The sets this CPU can run, in the order baseline, avx2, avx512.
std::vector<KernelSet> supportedKernelSets();

struct KernelChoice {
    KernelSet set = KernelSet::Baseline;
    bool forced = false; ///< requested by the caller or LLAMASCOPE_KERNEL, not chosen from the CPU
};

/// The kernel set a forward pass runs: `requested` if given, else LLAMASCOPE_KERNEL if set,
/// else the best set this CPU supports. Throws InvalidArgument naming the set and the missing
/// CPU features when the CPU cannot run it, naming the variable's value when it is not a set,
/// and naming the CPU when it cannot run even the baseline set.
KernelChoice chooseKernels(std::optional<KernelSet> requested = std::nullopt);

/// "avx512 (CPU: avx512f avx2 fma sse4.2 popcnt)", plus ", forced" when forced.
std::string describeKernels(const KernelChoice& choice);

/// For help texts: describeKernels(chooseKernels()), or the reason the choice fails. Never throws.
std::string describeKernelChoice();

} // namespace llamascope
