#include "llamascope/metrics.hpp"

namespace llamascope {

DerivedMetrics deriveMetrics(const ModelConfig& c)
{
    DerivedMetrics m;
    m.widthPerLayer = static_cast<double>(c.hiddenSize) / static_cast<double>(c.numHiddenLayers);
    m.headDim = c.headDim;
    m.ffnRatio = static_cast<double>(c.intermediateSize) / static_cast<double>(c.hiddenSize);
    m.kvGroupSize = c.numAttentionHeads / c.numKeyValueHeads;
    m.attentionWidth = mulChecked(c.numAttentionHeads, c.headDim, "attention width");
    m.contextLength = c.contextLength;
    m.positionType = c.positionType;
    return m;
}

} // namespace llamascope
