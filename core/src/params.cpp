// Parameter counts: SPEC §6, docs/formulas.md "Parameters". Checked against published
// totals in tests/core/params_test.cpp (LLaMA-2-7B, TinyLlama, SmolLM, the GaLore family).

#include "llamascope/params.hpp"

namespace llamascope {

Count LayerParameters::attention() const
{
    return sumChecked({qProj, kProj, vProj, oProj, attentionBias}, "attention parameters");
}

Count LayerParameters::mlp() const
{
    return sumChecked({gateProj, upProj, downProj, mlpBias}, "MLP parameters");
}

Count LayerParameters::norms() const
{
    return addChecked(inputNorm, postAttentionNorm, "norm parameters");
}

Count LayerParameters::total() const
{
    return sumChecked({attention(), mlp(), norms()}, "per-layer parameters");
}

ParameterCounts countParameters(const LlamaConfig& c)
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
    if (c.attentionBias)
        layer.attentionBias = sumChecked({qWidth, kvWidth, kvWidth, d}, "attention biases");
    layer.gateProj = mulChecked(d, f, "MLP parameters");
    layer.upProj = layer.gateProj;
    layer.downProj = layer.gateProj;
    if (c.mlpBias)
        layer.mlpBias = sumChecked({f, f, d}, "MLP biases");
    layer.inputNorm = d;
    layer.postAttentionNorm = d;

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
    p.norms = addChecked(mulChecked(L, layer.norms(), "norm parameters"), p.finalNorm, "norm parameters");
    p.total = sumChecked({p.embedding, p.lmHead, p.positionTable, p.layers, p.finalNorm}, "total parameters");
    p.nonEmbedding = p.total - p.embedding - p.lmHead - p.positionTable;
    p.tiedEquivalent = p.total - p.lmHead;
    return p;
}

} // namespace llamascope
