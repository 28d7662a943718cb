#pragma once
// Exact parameter counts (SPEC §6, §13; docs/formulas.md "Parameters"). All arithmetic is
// checked: CountOverflow on overflow. Every layer of the nine families has the same
// parameters, so one LayerParameters describes them all.
//
// With d = hidden, L = layers, H = heads, K = kv heads, h = head_dim, f = intermediate,
// V = vocab, P = context length, E = experts, k = experts per token:
//   embedding V·d; lm_head V·d unless tied (0); learned position table P·d
//   per layer: q d·H·h, k d·K·h, v d·K·h, o H·h·d
//              (+ H·h + 2·K·h with q/k/v biases, + d with an o_proj bias)
//              q/k norms: 2·h per head-wise norm (Qwen3), H·h + K·h over the whole projection (OLMo 2)
//              MLP, gated: gate/up/down d·f each (+ 2f + d biases); non-gated: up/down
//              MoE: router d·E, and E experts of a gated MLP each
//              norms: d each, 2 per layer (pre or post) or 4 (Gemma 2's sandwich)
//   final norm d
//   active per token (MoE): total − L·(E − k)·(one expert)

#include "llamascope/config.hpp"

namespace llamascope {

struct LayerParameters {
    Count qProj = 0, kProj = 0, vProj = 0, oProj = 0;
    Count attentionBias = 0;                      ///< q/k/v/o biases
    Count qkNorm = 0;                             ///< q_norm + k_norm gains (Qwen3, OLMo 2)
    Count gateProj = 0, upProj = 0, downProj = 0; ///< summed over all experts for a mixture of experts
    Count mlpBias = 0;                            ///< gate/up/down biases
    Count router = 0;                             ///< MoE router d·E (0 for a dense MLP)
    Count norms = 0;                              ///< the layer's RMSNorm gains (2 or 4 of width d)
    Count expert = 0;                             ///< one expert's gate+up+down (0 for a dense MLP)

    [[nodiscard]] Count attention() const; ///< q+k+v+o+biases+q/k norms
    [[nodiscard]] Count mlp() const;       ///< gate+up+down+biases+router
    [[nodiscard]] Count total() const;
    /// What one token uses: the MLP counts only the k routed experts.
    [[nodiscard]] Count activeTotal(Count expertsPerToken, Count experts) const;
};

struct ParameterCounts {
    Count embedding = 0;     ///< token embedding V·d
    Count lmHead = 0;        ///< V·d, or 0 when tied
    Count positionTable = 0; ///< P·d for learned positions, else 0
    LayerParameters perLayer;
    Count layers = 0;    ///< L · perLayer.total()
    Count finalNorm = 0; ///< d

    Count attention = 0; ///< all layers' attention (incl. biases and q/k norms)
    Count mlp = 0;       ///< all layers' MLP (incl. biases, router and every expert)
    Count norms = 0;     ///< all RMSNorm gains, final norm included (q/k norms are in attention)

    Count total = 0;              ///< every parameter
    Count nonEmbedding = 0;       ///< total − embedding − lm_head − position table
    Count tiedEquivalent = 0;     ///< total if lm_head shared the embedding
    Count active = 0;             ///< parameters one token uses (= total for a dense model)
    Count activeNonEmbedding = 0; ///< active − embedding − lm_head − position table
};

/// Throws CountOverflow if any count does not fit in int64.
ParameterCounts countParameters(const ModelConfig& config);

} // namespace llamascope
