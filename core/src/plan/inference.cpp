// Inference planning (plan.hpp: planInference): weights and KV cache per GPU, prefill FLOPs
// and time, decode time per token bounded by memory bandwidth, the largest batch that fits.
// docs/planning.md "Inference".

#include "llamascope/errors.hpp"
#include "llamascope/model_state.hpp"
#include "llamascope/params.hpp"
#include "llamascope/plan.hpp"

#include <algorithm>
#include <cmath>

namespace llamascope {

InferencePlan planInference(const ModelConfig& config, const Accelerator& device,
                            const InferenceOptions& options)
{
    const InferenceOptions& o = options;
    if (o.batch < 1 || o.generatedTokens < 0 || o.promptTokens < 0 || o.slidingWindow < 0)
        throw InvalidArgument("batch must be at least 1 and token counts cannot be negative");
    if (o.tensorParallel < 1)
        throw InvalidArgument("tensor parallelism must be at least 1");
    if (!(o.efficiency > 0 && o.efficiency <= 1) ||
        !(o.bandwidthEfficiency > 0 && o.bandwidthEfficiency <= 1))
        throw InvalidArgument("efficiencies must be in (0, 1]");
    const Count t = o.tensorParallel;
    InferencePlan p;
    p.options = o;
    p.device = device;
    if (p.options.promptTokens == 0)
        p.options.promptTokens = config.contextLength;
    const Count prompt = p.options.promptTokens;
    const Count tokens = addChecked(prompt, o.generatedTokens, "tokens");
    const KvCacheShape kv = kvCacheShape(config, tokens, o.slidingWindow);
    p.options.slidingWindow = kv.window;
    p.slidingLayers = kv.slidingLayers;
    p.kvTokensPerSequence = tokens;
    p.kvWindowTokens = kv.windowTokens;

    // Weights: one tensor-parallel shard of every tensor, at the weight dtype.
    ShardSpec shard;
    shard.tensorParallel = t;
    const TensorInventory inv = parameterInventory(config, shard);
    p.weightBytes = bytesOf(inv.total(), o.weightDtype);

    // KV cache: 2·(K/t)·h values per token per layer; a sliding layer keeps at most W tokens.
    if (config.numKeyValueHeads % t != 0)
        throw InvalidArgument("tensor parallelism of " + std::to_string(t) + " does not divide the " +
                              std::to_string(config.numKeyValueHeads) + " key/value heads");
    const Count L = config.numHiddenLayers;
    const Count kvPerLayerToken =
        productChecked({2, config.numKeyValueHeads / t, config.headDim}, "KV cache");
    p.kvBytesPerToken = bytesOf(mulChecked(kvPerLayerToken, L, "KV cache"), o.kvDtype);
    const Count cached = kv.layerTokens; // (layer, token) pairs of one sequence
    const Count perSequence = bytesOf(mulChecked(kvPerLayerToken, cached, "KV cache"), o.kvDtype);
    p.kvBytesPerSequence = perSequence;
    p.kvBytes = mulChecked(perSequence, o.batch, "KV cache");

    const Count total = addChecked(p.weightBytes, p.kvBytes, "memory bytes");
    p.fit = fitOnDevice(total, device.memoryBytes, o.headroom);
    p.maxBatch =
        p.fit.usable > p.weightBytes && perSequence > 0 ? (p.fit.usable - p.weightBytes) / perSequence : 0;

    // Prefill: one forward pass over the prompts (exact convention), compute-bound.
    const Precision precision = o.weightDtype == StorageDtype::F32   ? Precision::FP32
                                : o.weightDtype == StorageDtype::F16 ? Precision::FP16
                                                                     : Precision::BF16;
    const double peak = device.peakFlops(precision);
    if (peak <= 0)
        throw InvalidArgument(device.name + " has no " + std::string(toString(precision)) +
                              " peak in the accelerator table");
    const FlopReport prefill = computeFlops(config, FlopOptions{prompt, AttentionMask::Causal});
    p.prefillFlops = static_cast<double>(prefill.get(FlopConventionId::Exact).forwardPerSequence) *
                     static_cast<double>(o.batch);
    p.prefillSeconds = p.prefillFlops / static_cast<double>(t) / (peak * o.efficiency);

    // Decode: every step reads the weights and the whole cache once (Pope et al. 2022: at small
    // batch, generation is memory-bandwidth bound); its matmuls are 2·N_active FLOPs per
    // sequence (the lm_head matmul included, tied or not) plus 4·H·h per cached (layer, key) pair. A mixture
    // of experts reads only the experts some token of the batch picked: expected share 1 − (1 − k/E)^batch
    // under uniform routing; the expert weights are (total − active)·E/(E − k) parameters.
    const ParameterCounts counts = countParameters(config);
    double weightsRead = static_cast<double>(p.weightBytes);
    if (config.mlp.moe() && config.mlp.numExperts > config.mlp.expertsPerToken) {
        const double E = static_cast<double>(config.mlp.numExperts);
        const double k = static_cast<double>(config.mlp.expertsPerToken);
        p.expertReadFraction = 1.0 - std::pow(1.0 - k / E, static_cast<double>(o.batch));
        const double expertParams = static_cast<double>(counts.total - counts.active) * E / (E - k);
        const double bytesPerParam = static_cast<double>(p.weightBytes) / static_cast<double>(inv.total());
        weightsRead -= expertParams / static_cast<double>(t) * bytesPerParam * (1.0 - p.expertReadFraction);
    }
    p.decodeBytesPerStep = weightsRead + static_cast<double>(p.kvBytes);
    const double bandwidth = device.memoryBandwidthGBs * 1e9 * o.bandwidthEfficiency;
    const double memorySeconds = bandwidth > 0 ? p.decodeBytesPerStep / bandwidth : 0.0;
    const double attention =
        4.0 * static_cast<double>(config.numAttentionHeads * config.headDim) * static_cast<double>(cached);
    const double decodeFlops =
        (2.0 * (static_cast<double>(counts.activeNonEmbedding) +
                static_cast<double>(config.vocabSize) * static_cast<double>(config.hiddenSize)) +
         attention) *
        static_cast<double>(o.batch) / static_cast<double>(t);
    const double computeSeconds = decodeFlops / (peak * o.efficiency);
    p.decodeBandwidthBound = memorySeconds >= computeSeconds;
    p.decodeSecondsPerToken = std::max(memorySeconds, computeSeconds);
    p.tokensPerSecond =
        p.decodeSecondsPerToken > 0 ? static_cast<double>(o.batch) / p.decodeSecondsPerToken : 0;
    return p;
}

} // namespace llamascope
