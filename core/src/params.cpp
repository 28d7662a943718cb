// Parameter counts: SPEC §6 and §13, docs/formulas.md "Parameters". Which modules carry
// parameters comes from each family's modeling_<type>.py (the traits in config.hpp); checked
// against published totals in tests/core/params_test.cpp and the real-world corpus test.

#include "llamascope/params.hpp"

namespace llamascope {

Count LayerParameters::attention() const
{
    return sumChecked({qProj, kProj, vProj, oProj, attentionBias, qkNorm}, "attention parameters");
}

Count LayerParameters::mlp() const
{
    return sumChecked({gateProj, upProj, downProj, mlpBias, router}, "MLP parameters");
}

Count LayerParameters::total() const
{
    return sumChecked({attention(), mlp(), norms}, "per-layer parameters");
}

Count LayerParameters::activeTotal(Count expertsPerToken, Count experts) const
{
    if (experts == 0)
        return total();
    // Only k of the E experts run for a token; the router always runs.
    return total() - mulChecked(experts - expertsPerToken, expert, "active parameters");
}

ParameterCounts countParameters(const ModelConfig& c)
{
    const Count d = c.hiddenSize, H = c.numAttentionHeads, K = c.numKeyValueHeads, h = c.headDim;
    const Count f = c.intermediateSize, V = c.vocabSize, L = c.numHiddenLayers;
    const Count qWidth = mulChecked(H, h, "attention width"); // H·h
    const Count kvWidth = mulChecked(K, h, "kv width");       // K·h

    LayerParameters layer;
    layer.qProj = mulChecked(d, qWidth, "q_proj parameters");
    layer.kProj = mulChecked(d, kvWidth, "k_proj parameters");
    layer.vProj = layer.kProj;
    layer.oProj = mulChecked(qWidth, d, "o_proj parameters");
    if (c.attention.qkvBias)
        layer.attentionBias = sumChecked({qWidth, kvWidth, kvWidth}, "attention biases");
    if (c.attention.outputBias)
        layer.attentionBias = addChecked(layer.attentionBias, d, "attention biases");
    if (c.attention.qkNorm == QkNorm::PerHead)
        layer.qkNorm = mulChecked(2, h, "q/k norm parameters");
    else if (c.attention.qkNorm == QkNorm::Full)
        layer.qkNorm = addChecked(qWidth, kvWidth, "q/k norm parameters");

    // One MLP: gate (if gated), up and down, each d·f, plus their biases.
    const Count matrix = mulChecked(d, f, "MLP parameters");
    const Count mlpMatrices = c.mlp.gated ? 3 : 2;
    const Count mlpBias =
        c.mlp.bias ? addChecked(mulChecked(mlpMatrices - 1, f, "MLP biases"), d, "MLP biases") : 0;
    const Count experts = c.mlp.moe() ? c.mlp.numExperts : 1;
    layer.gateProj = c.mlp.gated ? mulChecked(experts, matrix, "MLP parameters") : 0;
    layer.upProj = mulChecked(experts, matrix, "MLP parameters");
    layer.downProj = layer.upProj;
    layer.mlpBias = mulChecked(experts, mlpBias, "MLP biases");
    if (c.mlp.moe()) {
        layer.router = mulChecked(d, c.mlp.numExperts, "router parameters");
        layer.expert =
            addChecked(mulChecked(mlpMatrices, matrix, "expert parameters"), mlpBias, "expert parameters");
    }
    layer.norms = mulChecked(c.normsPerLayer(), d, "norm parameters");

    ParameterCounts p;
    p.perLayer = layer;
    p.embedding = mulChecked(V, d, "embedding parameters");
    p.lmHead = c.tieWordEmbeddings ? 0 : p.embedding;
    p.positionTable = c.positionType == PositionType::Learned
                          ? mulChecked(c.contextLength, d, "position table parameters")
                          : 0;
    p.layers = mulChecked(L, layer.total(), "layer parameters");
    p.finalNorm = d;
    p.attention = mulChecked(L, layer.attention(), "attention parameters");
    p.mlp = mulChecked(L, layer.mlp(), "MLP parameters");
    p.norms = addChecked(mulChecked(L, layer.norms, "norm parameters"), p.finalNorm, "norm parameters");
    p.total = sumChecked({p.embedding, p.lmHead, p.positionTable, p.layers, p.finalNorm}, "total parameters");
    const Count outside = sumChecked({p.embedding, p.lmHead, p.positionTable}, "embedding parameters");
    p.nonEmbedding = p.total - outside;
    p.tiedEquivalent = p.total - p.lmHead;
    p.active =
        p.total - mulChecked(L, layer.total() - layer.activeTotal(c.mlp.expertsPerToken, c.mlp.numExperts),
                             "active parameters");
    p.activeNonEmbedding = p.active - outside;
    return p;
}

} // namespace llamascope
