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

namespace {

/// The sliding window of a config (keys kept per layer), or 0 for full attention. The config
/// model carries no window yet; when the decoder families land this reads it.
Count configSlidingWindow(const LlamaConfig& /*config*/)
{
    return 0;
}

} // namespace

InferencePlan planInference(const LlamaConfig& config, const Accelerator& device,
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
    if (p.options.slidingWindow == 0)
        p.options.slidingWindow = configSlidingWindow(config);

    // Weights: one tensor-parallel shard of every tensor, at the weight dtype.
    ShardSpec shard;
    shard.tensorParallel = t;
    const TensorInventory inv = parameterInventory(config, shard);
    p.weightBytes = bytesOf(inv.total(), o.weightDtype);

    // KV cache: 2·L·(K/t)·h values per token; a sliding window keeps at most W tokens.
    const Count kvPerToken =
        productChecked({2, config.numHiddenLayers, config.numKeyValueHeads / t, config.headDim}, "KV cache");
    p.kvBytesPerToken = bytesOf(kvPerToken, o.kvDtype);
    const Count tokens = addChecked(prompt, o.generatedTokens, "tokens");
    p.kvTokensPerSequence = p.options.slidingWindow > 0 ? std::min(tokens, p.options.slidingWindow) : tokens;
    const Count perSequence = mulChecked(p.kvBytesPerToken, p.kvTokensPerSequence, "KV cache");
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

    // Decode: every step reads all weights and the whole cache once (Pope et al. 2022: at small
    // batch, generation is memory-bandwidth bound); its matmuls are 2·N FLOPs per sequence plus
    // 4·L·H·h per cached key.
    const double cacheRead = static_cast<double>(p.kvBytes);
    p.decodeBytesPerStep = static_cast<double>(p.weightBytes) + cacheRead;
    const double bandwidth = device.memoryBandwidthGBs * 1e9 * o.bandwidthEfficiency;
    const double memorySeconds = bandwidth > 0 ? p.decodeBytesPerStep / bandwidth : 0.0;
    const ParameterCounts counts = countParameters(config);
    const double attention = 4.0 * static_cast<double>(config.numHiddenLayers) *
                             static_cast<double>(config.numAttentionHeads * config.headDim) *
                             static_cast<double>(p.kvTokensPerSequence);
    const double decodeFlops =
        (2.0 * static_cast<double>(counts.total - counts.embedding - counts.positionTable) + attention) *
        static_cast<double>(o.batch) / static_cast<double>(t);
    const double computeSeconds = decodeFlops / (peak * o.efficiency);
    p.decodeBandwidthBound = memorySeconds >= computeSeconds;
    p.decodeSecondsPerToken = std::max(memorySeconds, computeSeconds);
    p.tokensPerSecond =
        p.decodeSecondsPerToken > 0 ? static_cast<double>(o.batch) / p.decodeSecondsPerToken : 0;
    return p;
}

} // namespace llamascope
