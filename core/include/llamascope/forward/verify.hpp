#pragma once
// `verify`: run the reference forward pass on each config (random init) and put what it
// materialised and executed next to the analytic counts (SPEC §6, §7, §11). They must be equal.

#include "llamascope/forward/forward.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace llamascope {

struct VerifyOptions {
    Count seqLen = 64;        ///< T of each run (batch 1)
    std::uint64_t seed = 0;   ///< random init and tokens
    int threads = 0;          ///< 0: hardwareThreads()
    Count maxMemoryBytes = 0; ///< 0: defaultMemoryBudget(); big models stream
};

struct VerifyRow {
    std::string name;
    ForwardResult result; ///< logits not kept
    [[nodiscard]] bool ok() const { return result.paramsMatch() && result.flopsMatch(); }
};

/// One config. Throws what runForward throws.
VerifyRow verifyConfig(const ModelConfig& config, const VerifyOptions& options, Progress* progress = nullptr);

/// Every config in order; progress spans the whole list (weighted by parameter count).
std::vector<VerifyRow> verifyConfigs(const std::vector<ModelConfig>& configs, const VerifyOptions& options,
                                     Progress* progress = nullptr);

} // namespace llamascope
