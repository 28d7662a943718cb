#include "llamascope/analysis.hpp"

namespace llamascope {

Analysis analyze(const LlamaConfig& config)
{
    return analyze(config, FlopOptions{config.contextLength, AttentionMask::Causal});
}

Analysis analyze(const LlamaConfig& config, const FlopOptions& flopOptions)
{
    Analysis a;
    a.config = config;
    a.metrics = deriveMetrics(config);
    a.params = countParameters(config);
    a.flops = computeFlops(config, flopOptions);
    return a;
}

} // namespace llamascope
