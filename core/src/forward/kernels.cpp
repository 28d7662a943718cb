// Choosing the kernel build at run time: see forward/kernels.hpp.

#include "llamascope/forward/kernels.hpp"

#include "llamascope/errors.hpp"

#include "kernel_table.hpp"
#include "ops.hpp"

#include <array>
#include <cstdlib>

namespace llamascope {

namespace {

constexpr std::array<KernelSet, 3> kAllSets = {KernelSet::Baseline, KernelSet::Avx2, KernelSet::Avx512};

// What each set needs, as __builtin_cpu_supports names it. GCC's libgcc sets the AVX and
// AVX-512 bits only when the OS saves the wider registers (XGETBV), so a "yes" is usable.
std::vector<std::string> requiredFeatures(KernelSet set)
{
    switch (set) {
    case KernelSet::Baseline: return {"sse4.2", "popcnt"};
    case KernelSet::Avx2: return {"avx2", "fma", "sse4.2", "popcnt"};
    case KernelSet::Avx512: return {"avx512f", "avx2", "fma", "sse4.2", "popcnt"};
    }
    return {};
}

bool cpuHas(const std::string& feature)
{
#if defined(LLAMASCOPE_X86_KERNELS)
    __builtin_cpu_init(); // idempotent; needed if this runs before libgcc's own constructor
    // __builtin_cpu_supports needs a literal.
    if (feature == "sse4.2")
        return __builtin_cpu_supports("sse4.2") != 0;
    if (feature == "popcnt")
        return __builtin_cpu_supports("popcnt") != 0;
    if (feature == "avx2")
        return __builtin_cpu_supports("avx2") != 0;
    if (feature == "fma")
        return __builtin_cpu_supports("fma") != 0;
    if (feature == "avx512f")
        return __builtin_cpu_supports("avx512f") != 0;
    return false;
#else
    (void)feature;
    return true; // one portable build: nothing to check
#endif
}

bool isBuilt(KernelSet set)
{
#if defined(LLAMASCOPE_X86_KERNELS)
    (void)set;
    return true;
#else
    return set == KernelSet::Baseline;
#endif
}

std::string joined(const std::vector<std::string>& words)
{
    std::string s;
    for (const std::string& w : words)
        s += (s.empty() ? "" : " ") + w;
    return s;
}

KernelSet checked(KernelSet set, const std::string& origin)
{
    if (!isBuilt(set))
        throw InvalidArgument(origin + " asks for the " + std::string(toString(set)) +
                              " kernels, which this build does not have (only baseline)");
    const std::vector<std::string> missing = missingCpuFeatures(set);
    if (!missing.empty())
        throw InvalidArgument(origin + " asks for the " + std::string(toString(set)) +
                              " kernels, but this CPU lacks " + joined(missing) + " (it has: " +
                              (cpuKernelFeatures().empty() ? "none of them" : joined(cpuKernelFeatures())) +
                              ")");
    return set;
}

} // namespace

const EnumTable<KernelSet>& kernelSetTable()
{
    static const EnumTable<KernelSet> table({
        {KernelSet::Baseline, "baseline", "x86-64-v2: SSE4.2 and POPCNT", {}},
        {KernelSet::Avx2, "avx2", "AVX2 and FMA", {}},
        {KernelSet::Avx512, "avx512", "AVX-512F (with AVX2 and FMA)", {}},
    });
    return table;
}

std::string_view toString(KernelSet set)
{
    return kernelSetTable().name(set);
}

std::vector<KernelSet> builtKernelSets()
{
    std::vector<KernelSet> sets;
    for (const KernelSet set : kAllSets)
        if (isBuilt(set))
            sets.push_back(set);
    return sets;
}

std::vector<std::string> cpuKernelFeatures()
{
    std::vector<std::string> present;
#if defined(LLAMASCOPE_X86_KERNELS)
    for (const char* f : {"avx512f", "avx2", "fma", "sse4.2", "popcnt"})
        if (cpuHas(f))
            present.emplace_back(f);
#endif
    return present;
}

std::vector<std::string> missingCpuFeatures(KernelSet set)
{
    std::vector<std::string> missing;
    for (const std::string& f : requiredFeatures(set))
        if (!cpuHas(f))
            missing.push_back(f);
    return missing;
}

std::vector<KernelSet> supportedKernelSets()
{
    std::vector<KernelSet> sets;
    for (const KernelSet set : builtKernelSets())
        if (missingCpuFeatures(set).empty())
            sets.push_back(set);
    return sets;
}

KernelChoice chooseKernels(std::optional<KernelSet> requested)
{
    if (requested)
        return {checked(*requested, "the caller"), true};
    if (const char* env = std::getenv("LLAMASCOPE_KERNEL"); env != nullptr && *env != '\0') {
        const std::optional<KernelSet> set = kernelSetTable().find(env);
        if (!set)
            throw InvalidArgument("LLAMASCOPE_KERNEL=" + std::string(env) + " is not a kernel set (choose " +
                                  kernelSetTable().namesText() + ")");
        return {checked(*set, "LLAMASCOPE_KERNEL=" + std::string(env)), true};
    }
    const std::vector<KernelSet> sets = supportedKernelSets();
    if (sets.empty())
        throw InvalidArgument("the forward pass needs an x86-64-v2 CPU (SSE4.2 and POPCNT); this CPU lacks " +
                              joined(missingCpuFeatures(KernelSet::Baseline)));
    return {sets.back(), false};
}

std::string describeKernels(const KernelChoice& choice)
{
    const std::vector<std::string> features = cpuKernelFeatures();
    std::string s = std::string(toString(choice.set));
    if (!features.empty())
        s += " (CPU: " + joined(features) + ")";
    if (choice.forced)
        s += ", forced";
    return s;
}

std::string describeKernelChoice()
{
    try {
        return describeKernels(chooseKernels());
    } catch (const InvalidArgument& e) {
        return e.what();
    }
}

namespace ops {

const kernels::KernelTable& kernelTable(KernelSet set)
{
#if defined(LLAMASCOPE_X86_KERNELS)
    switch (set) {
    case KernelSet::Baseline: return *kernels::baseline::table();
    case KernelSet::Avx2: return *kernels::avx2::table();
    case KernelSet::Avx512: return *kernels::avx512::table();
    }
#endif
    (void)set;
    return *kernels::baseline::table();
}

} // namespace ops

} // namespace llamascope
