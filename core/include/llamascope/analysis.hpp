#pragma once
// analyze(): every number about one config, computed once. Both front ends call this.

#include "llamascope/config.hpp"
#include "llamascope/flops.hpp"
#include "llamascope/metrics.hpp"
#include "llamascope/params.hpp"

namespace llamascope {

struct Analysis {
    ModelConfig config;
    DerivedMetrics metrics;
    ParameterCounts params;
    FlopReport flops;
};

/// Analyzes a validated config; FLOPs at `flopOptions` (default: T = the config's context
/// length, causal). Throws CountOverflow only for configs that did not pass validation.
Analysis analyze(const ModelConfig& config);
Analysis analyze(const ModelConfig& config, const FlopOptions& flopOptions);

} // namespace llamascope
