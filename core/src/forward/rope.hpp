#pragma once
// Internal: RoPE frequencies of every rope_scaling kind, as transformers' modeling_rope_utils.py
// computes them (the transformers 4.56+ / 5 semantics the config reader follows; docs/forward.md
// "RoPE scaling" lists where versions differ), and the cos/sin tables the pass applies.

#include "llamascope/config.hpp"

#include "ops.hpp"

#include <vector>

namespace llamascope::ops {

/// inv_freq per rotary pair and the factor cos and sin are multiplied by (yarn and longrope's
/// attention_factor; 1 otherwise), for a run of `seqLen` tokens at positions 0 … T−1 (dynamic
/// and longrope depend on T). Computed in double. Throws InvalidArgument for a setting
/// transformers itself cannot compute (dynamic scaling with a rotary width of 2).
struct RopeFrequencies {
    std::vector<double> invFreq; ///< [rotaryDim / 2]
    double attentionFactor = 1.0;
};
RopeFrequencies ropeFrequencies(const ModelConfig& config, Count seqLen);

/// cos/sin of t·inv_freq_j, times the attention factor, for t < T and j < rotaryDim/2: each
/// [T, half] row-major, computed in double and rounded once to float. applyRope() rotates the
/// first 2·half dimensions of each head and leaves the rest (partial rotary, Phi-3).
RopeTables ropeTables(const RopeFrequencies& frequencies, Count seqLen);

} // namespace llamascope::ops
