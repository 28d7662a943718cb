// FLOP conventions: SPEC §7, docs/formulas.md "FLOPs".
//   exact      — every matmul the forward pass runs (this project's reference forward pass
//                instruments itself the same way; `llamascope verify` compares them).
//   kaplan     — Kaplan et al. 2020, "Scaling Laws for Neural Language Models", Table 1:
//                C_forward ≈ 2·N + 2·n_layer·n_ctx·d_attn, N excluding embeddings.
//   palm       — Chowdhery et al. 2022, "PaLM", Appendix B: 6·N + 12·L·H·Q·T per training
//                token (N excluding only a position table here, as in SPEC §7).
//   chinchilla — Hoffmann et al. 2022, "Training Compute-Optimal LLMs", Appendix F, with the
//                dense block as three matrices for SwiGLU and K/V projections sized for GQA.

#include "llamascope/flops.hpp"

#include "llamascope/errors.hpp"
#include "llamascope/params.hpp"

#include <stdexcept>

namespace llamascope {

std::string_view toString(AttentionMask m)
{
    return m == AttentionMask::Causal ? "causal" : "full";
}

std::optional<AttentionMask> attentionMaskFromString(std::string_view s)
{
    if (s == "causal")
        return AttentionMask::Causal;
    if (s == "full")
        return AttentionMask::Full;
    return std::nullopt;
}

const FlopConvention& FlopReport::get(FlopConventionId id) const
{
    for (const FlopConvention& c : conventions)
        if (c.id == id)
            return c;
    throw std::logic_error("FlopReport has no such convention");
}

Count attentionPairs(Count seqLen, AttentionMask mask)
{
    if (mask == AttentionMask::Full)
        return mulChecked(seqLen, seqLen, "attention pairs");
    // T(T+1)/2: halve the even factor first so the product cannot overflow needlessly.
    return seqLen % 2 == 0 ? mulChecked(seqLen / 2, seqLen + 1, "attention pairs")
                           : mulChecked(seqLen, (seqLen + 1) / 2, "attention pairs");
}

Count ExactMatmulFlops::total() const
{
    return sumChecked({qProj, kProj, vProj, oProj, gateProj, upProj, downProj, scores, mixing, lmHead},
                      "forward FLOPs");
}

ExactMatmulFlops exactMatmulFlops(const LlamaConfig& c, const FlopOptions& o)
{
    if (o.seqLen < 1)
        throw InvalidArgument("sequence length must be at least 1");
    const Count T = o.seqLen, d = c.hiddenSize, L = c.numHiddenLayers, h = c.headDim;
    const Count H = c.numAttentionHeads, K = c.numKeyValueHeads, f = c.intermediateSize;
    // 2·m·k·n for [T×k]·[k×n], summed over L layers.
    auto linear = [&](Count in, Count out) { return productChecked({2, T, in, out, L}, "forward FLOPs"); };
    ExactMatmulFlops x;
    const Count qWidth = mulChecked(H, h, "attention width");
    const Count kvWidth = mulChecked(K, h, "kv width");
    x.qProj = linear(d, qWidth);
    x.kProj = linear(d, kvWidth);
    x.vProj = x.kProj;
    x.oProj = linear(qWidth, d);
    x.gateProj = linear(d, f);
    x.upProj = x.gateProj;
    x.downProj = linear(f, d);
    // Each scored pair is a length-h dot product (2h FLOPs); mixing adds h-wide rows likewise.
    x.scores = productChecked({2, h, attentionPairs(T, o.mask), H, L}, "attention FLOPs");
    x.mixing = x.scores;
    x.lmHead = productChecked({2, T, d, c.vocabSize}, "lm_head FLOPs");
    return x;
}

namespace {

void finish(FlopConvention& conv, Count T)
{
    Count sum = 0;
    for (const FlopTerm& t : conv.terms)
        sum = addChecked(sum, t.perSequence, "forward FLOPs");
    conv.forwardPerSequence = sum;
    if (sum % T != 0)
        throw std::logic_error("FLOP convention is not an integer per token");
    conv.forwardPerToken = sum / T;
    conv.trainingPerToken = mulChecked(3, conv.forwardPerToken, "training FLOPs");
    conv.trainingPerTokenRecompute = mulChecked(4, conv.forwardPerToken, "training FLOPs");
}

FlopConvention exactConvention(const LlamaConfig& c, const FlopOptions& o)
{
    const ExactMatmulFlops x = exactMatmulFlops(c, o);
    FlopConvention conv;
    conv.id = FlopConventionId::Exact;
    conv.key = "exact";
    conv.title = "Exact matmuls";
    conv.citation = "every matmul of the forward pass, 2·m·k·n each (this tool's reference forward pass)";
    conv.meaning = o.mask == AttentionMask::Causal
                       ? "what a causal forward pass executes: T(T+1)/2 scored pairs per head"
                       : "what a forward pass without masking savings executes: T² pairs per head";
    conv.terms = {{"q_proj", x.qProj},
                  {"k_proj", x.kProj},
                  {"v_proj", x.vProj},
                  {"o_proj", x.oProj},
                  {"gate_proj", x.gateProj},
                  {"up_proj", x.upProj},
                  {"down_proj", x.downProj},
                  {"attention scores (QKᵀ)", x.scores},
                  {"attention mixing (AV)", x.mixing},
                  {"lm_head", x.lmHead}};
    finish(conv, o.seqLen);
    return conv;
}

FlopConvention kaplanConvention(const LlamaConfig& c, const ParameterCounts& p, Count T)
{
    FlopConvention conv;
    conv.id = FlopConventionId::Kaplan;
    conv.key = "kaplan";
    conv.title = "Kaplan";
    conv.citation = "Kaplan et al. 2020, Scaling Laws for Neural Language Models, Table 1";
    conv.meaning = "2·N_nonemb + 2·L·T·d_attn per token; ignores embeddings and lm_head";
    const Count attnWidth = mulChecked(c.numAttentionHeads, c.headDim, "attention width");
    conv.terms = {
        {"2·N_nonemb per token", productChecked({2, p.nonEmbedding, T}, "Kaplan FLOPs")},
        {"2·L·T·d_attn per token", productChecked({2, c.numHiddenLayers, T, attnWidth, T}, "Kaplan FLOPs")}};
    finish(conv, T);
    return conv;
}

FlopConvention palmConvention(const LlamaConfig& c, const ParameterCounts& p, Count T)
{
    FlopConvention conv;
    conv.id = FlopConventionId::Palm;
    conv.key = "palm";
    conv.title = "PaLM";
    conv.citation = "Chowdhery et al. 2022, PaLM, Appendix B (model FLOPs utilisation)";
    conv.meaning = "6·N + 12·L·H·h·T per training token (÷3 for forward); N includes embeddings";
    const Count n = p.total - p.positionTable;
    const Count attnWidth = mulChecked(c.numAttentionHeads, c.headDim, "attention width");
    conv.terms = {
        {"2·N per token", productChecked({2, n, T}, "PaLM FLOPs")},
        {"4·L·H·h·T per token", productChecked({4, c.numHiddenLayers, attnWidth, T, T}, "PaLM FLOPs")}};
    finish(conv, T);
    return conv;
}

FlopConvention chinchillaConvention(const LlamaConfig& c, Count T)
{
    FlopConvention conv;
    conv.id = FlopConventionId::Chinchilla;
    conv.key = "chinchilla";
    conv.title = "Chinchilla";
    conv.citation = "Hoffmann et al. 2022, Training Compute-Optimal LLMs, Appendix F";
    conv.meaning = "counts embeddings, logits and 3·H·T² softmax; full T² attention, no causal halving";
    const Count d = c.hiddenSize, L = c.numHiddenLayers, h = c.headDim, H = c.numAttentionHeads;
    const Count K = c.numKeyValueHeads, V = c.vocabSize, f = c.intermediateSize;
    const Count attnWidth = mulChecked(H, h, "attention width");
    const Count qkvWidth = mulChecked(sumChecked({H, K, K}, "qkv width"), h, "qkv width");
    const char* what = "Chinchilla FLOPs";
    conv.terms = {
        {"embeddings", productChecked({2, T, V, d}, what)},
        {"attention q/k/v projections", productChecked({2, T, d, qkvWidth, L}, what)},
        {"attention logits (QKᵀ)", productChecked({2, T, T, attnWidth, L}, what)},
        {"attention softmax", productChecked({3, H, T, T, L}, what)},
        {"attention reduction (AV)", productChecked({2, T, T, attnWidth, L}, what)},
        {"attention output projection", productChecked({2, T, attnWidth, d, L}, what)},
        {"dense block (3 SwiGLU matrices)", productChecked({2, T, 3, d, f, L}, what)},
        {"final logits", productChecked({2, T, d, V}, what)},
    };
    finish(conv, T);
    return conv;
}

ElementwiseFlops elementwiseFlops(const LlamaConfig& c, const FlopOptions& o)
{
    const Count T = o.seqLen, d = c.hiddenSize, L = c.numHiddenLayers, h = c.headDim;
    const Count H = c.numAttentionHeads, K = c.numKeyValueHeads, f = c.intermediateSize;
    const char* what = "elementwise FLOPs";
    ElementwiseFlops e;
    // RMSNorm over a d-vector: d squares + d adds + mean + eps + rsqrt + d scale + d gain.
    e.terms.push_back({"RMSNorm (4d+3 per vector, 2L+1 per token)",
                       productChecked({addChecked(mulChecked(4, d, what), 3, what),
                                       addChecked(mulChecked(2, L, what), 1, what), T},
                                      what)});
    if (c.positionType == PositionType::Rope)
        // q·cos + rotate_half(q)·sin: 2h mul + h add per rotated head vector, on H + K heads.
        e.terms.push_back({"RoPE (3h per head vector, H+K per token-layer)",
                           productChecked({3, h, addChecked(H, K, what), L, T}, what)});
    if (c.positionType == PositionType::Learned || c.positionType == PositionType::Sinusoidal)
        e.terms.push_back({"position add (d per token)", mulChecked(d, T, what)});
    // Scale by 1/√h, subtract the row max, exp, sum, divide: 5 per scored pair.
    e.terms.push_back(
        {"softmax (5 per scored pair)", productChecked({5, attentionPairs(T, o.mask), H, L}, what)});
    // SiLU x/(1+e^−x): negate, exp, add, divide (4), then the gate product (1).
    e.terms.push_back({"SiLU and gating (5f per token-layer)", productChecked({5, f, L, T}, what)});
    e.terms.push_back({"residual adds (2d per token-layer)", productChecked({2, d, L, T}, what)});
    if (c.attentionBias)
        e.terms.push_back(
            {"attention biases",
             productChecked(
                 {addChecked(mulChecked(addChecked(H, mulChecked(2, K, what), what), h, what), d, what), L,
                  T},
                 what)});
    if (c.mlpBias)
        e.terms.push_back({"MLP biases", productChecked({sumChecked({f, f, d}, what), L, T}, what)});
    for (const FlopTerm& t : e.terms)
        e.perSequence = addChecked(e.perSequence, t.perSequence, what);
    return e;
}

} // namespace

FlopReport computeFlops(const LlamaConfig& config, const FlopOptions& options)
{
    if (options.seqLen < 1)
        throw InvalidArgument("sequence length must be at least 1");
    const ParameterCounts p = countParameters(config);
    FlopReport r;
    r.options = options;
    r.conventions.push_back(exactConvention(config, options));
    r.conventions.push_back(kaplanConvention(config, p, options.seqLen));
    r.conventions.push_back(palmConvention(config, p, options.seqLen));
    r.conventions.push_back(chinchillaConvention(config, options.seqLen));
    r.elementwise = elementwiseFlops(config, options);
    return r;
}

double trainingFlops(const FlopConvention& convention, double tokens, bool recompute)
{
    const auto perToken =
        static_cast<double>(recompute ? convention.trainingPerTokenRecompute : convention.trainingPerToken);
    return perToken * tokens;
}

} // namespace llamascope
