#pragma once
// Derived shape metrics (SPEC §5).

#include "llamascope/config.hpp"

namespace llamascope {

struct DerivedMetrics {
    double widthPerLayer = 0; ///< N/L ratio: hidden / layers
    Count headDim = 0;
    double ffnRatio = 0;      ///< intermediate / hidden
    Count kvGroupSize = 0;    ///< heads / kv heads (1 = MHA)
    Count attentionWidth = 0; ///< heads · head_dim
    Count contextLength = 0;
    PositionType positionType = PositionType::Rope;
};

DerivedMetrics deriveMetrics(const ModelConfig& config);

/// SwiGLU's FFN ratio, 8/3 (Shazeer 2020; LLaMA's 2/3·4d).
inline constexpr double kSwiGluRatio = 8.0 / 3.0;

} // namespace llamascope
