#pragma once
// Exact parameter counts (SPEC §6). All arithmetic is checked: CountOverflow on overflow.
//
// With d = hidden, L = layers, H = heads, K = kv heads, h = head_dim, f = intermediate,
// V = vocab, P = context length:
//   embedding V·d; lm_head V·d unless tied (0); learned position table P·d
//   per layer: q d·H·h, k d·K·h, v d·K·h, o H·h·d, gate/up/down d·f each, 2 RMSNorms 2·d
//              (+ q/k/v/o biases H·h + 2·K·h + d when attention_bias, + 2·f + d when mlp_bias)
//   final norm d

#include "llamascope/config.hpp"

namespace llamascope {

struct LayerParameters {
    Count qProj = 0, kProj = 0, vProj = 0, oProj = 0;
    Count attentionBias = 0; ///< q/k/v/o biases (0 unless attention_bias)
    Count gateProj = 0, upProj = 0, downProj = 0;
    Count mlpBias = 0; ///< gate/up/down biases (0 unless mlp_bias)
    Count inputNorm = 0, postAttentionNorm = 0;

    [[nodiscard]] Count attention() const; ///< q+k+v+o+biases
    [[nodiscard]] Count mlp() const;       ///< gate+up+down+biases
    [[nodiscard]] Count norms() const;     ///< both RMSNorm gains
    [[nodiscard]] Count total() const;
};

struct ParameterCounts {
    Count embedding = 0;     ///< token embedding V·d
    Count lmHead = 0;        ///< V·d, or 0 when tied
    Count positionTable = 0; ///< P·d for learned positions, else 0
    LayerParameters perLayer;
    Count layers = 0;    ///< L · perLayer.total()
    Count finalNorm = 0; ///< d

    Count attention = 0; ///< all layers' attention (incl. biases)
    Count mlp = 0;       ///< all layers' MLP (incl. biases)
    Count norms = 0;     ///< all RMSNorm gains, final norm included

    Count total = 0;          ///< every parameter
    Count nonEmbedding = 0;   ///< total − embedding − lm_head − position table
    Count tiedEquivalent = 0; ///< total if lm_head shared the embedding
};

/// Throws CountOverflow if any count does not fit in int64.
ParameterCounts countParameters(const LlamaConfig& config);

} // namespace llamascope
