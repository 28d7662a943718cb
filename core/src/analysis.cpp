#include "llamascope/analysis.hpp"

namespace llamascope {

Analysis analyze(const ModelConfig& config)
{
    return analyze(config, FlopOptions{config.contextLength, AttentionMask::Causal});
}

Analysis analyze(const ModelConfig& config, const FlopOptions& flopOptions)
{
    Analysis a;
    a.config = config;
    a.metrics = deriveMetrics(config);
    a.params = countParameters(config);
    a.flops = computeFlops(config, flopOptions);
    return a;
}

} // namespace llamascope
