// FLOP conventions: SPEC §7, docs/formulas.md "FLOPs".
//   exact      — every matmul the forward pass runs (this project's reference forward pass
//                instruments itself the same way; `llamascope verify` compares them).
//   kaplan     — Kaplan et al. 2020, "Scaling Laws for Neural Language Models", Table 1:
//                C_forward ≈ 2·N + 2·n_layer·n_ctx·d_attn, N excluding embeddings.
//   palm       — Chowdhery et al. 2022, "PaLM", Appendix B: 6·N + 12·L·H·Q·T per training
//                token (N excluding only a position table here, as in SPEC §7).
//   chinchilla — Hoffmann et al. 2022, "Training Compute-Optimal LLMs", Appendix F, with the
//                dense block as three matrices for SwiGLU and K/V projections sized for GQA.
// Families (SPEC §13): `exact` scores only the pairs a sliding window keeps and runs only the
// routed experts of a mixture; kaplan and palm use the parameters one token uses (active
// parameters for MoE, as the Mixtral paper does); chinchilla counts the routed experts.

#include "llamascope/flops.hpp"

#include "llamascope/errors.hpp"
#include "llamascope/params.hpp"

#include <stdexcept>
#include <utility>

namespace llamascope {

const EnumTable<AttentionMask>& attentionMaskTable()
{
    static const EnumTable<AttentionMask> table({
        {AttentionMask::Causal,
         "causal",
         "each token attends to itself and the tokens before it: T(T+1)/2 pairs per head",
         {}},
        {AttentionMask::Full, "full", "every token attends to every token: T² pairs per head", {}},
    });
    return table;
}

std::string_view toString(AttentionMask m)
{
    return attentionMaskTable().name(m);
}

const EnumTable<FlopConventionId>& flopConventionTable()
{
    static const EnumTable<FlopConventionId> table({
        {FlopConventionId::Exact,
         "exact",
         "every matmul a forward pass runs (what the reference forward pass counts)",
         {}},
        {FlopConventionId::Kaplan, "kaplan", "Kaplan et al. 2020: 2·N_nonemb + 2·L·T·d_attn per token", {}},
        {FlopConventionId::Palm,
         "palm",
         "Chowdhery et al. 2022 App. B: 6N + 12·L·H·h·T per training token (MFU)",
         {}},
        {FlopConventionId::Chinchilla,
         "chinchilla",
         "Hoffmann et al. 2022 App. F: with embeddings, logits and softmax",
         {}},
    });
    return table;
}

std::string_view toString(FlopConventionId id)
{
    return flopConventionTable().name(id);
}

FlopConvention FlopReport::get(FlopConventionId id) &&
{
    return std::as_const(*this).get(id);
}

const FlopConvention& FlopReport::get(FlopConventionId id) const&
{
    for (const FlopConvention& c : conventions)
        if (c.id == id)
            return c;
    throw std::logic_error("FlopReport has no such convention");
}

namespace {

// n(n+1)/2: halve the even factor first so the product cannot overflow needlessly.
Count triangle(Count n)
{
    return n % 2 == 0 ? mulChecked(n / 2, n + 1, "attention pairs")
                      : mulChecked(n, (n + 1) / 2, "attention pairs");
}

} // namespace

Count attentionPairs(Count seqLen, AttentionMask mask, Count window)
{
    const bool windowed = window > 0 && window < seqLen;
    if (mask == AttentionMask::Full)
        return mulChecked(seqLen, windowed ? window : seqLen, "attention pairs");
    if (!windowed)
        return triangle(seqLen);
    // Query t sees keys t-W+1..t (transformers' sliding mask: kv > q - W): min(t+1, W) keys.
    return addChecked(triangle(window), mulChecked(seqLen - window, window, "attention pairs"),
                      "attention pairs");
}

Count attentionPairsAllLayers(const ModelConfig& c, Count seqLen, AttentionMask mask)
{
    const Count sliding = c.slidingLayerCount();
    const Count full = c.numHiddenLayers - sliding;
    return addChecked(
        mulChecked(full, attentionPairs(seqLen, mask), "attention pairs"),
        mulChecked(sliding, attentionPairs(seqLen, mask, c.attention.slidingWindow), "attention pairs"),
        "attention pairs");
}

Count ExactMatmulFlops::total() const
{
    return sumChecked(
        {qProj, kProj, vProj, oProj, gateProj, upProj, downProj, router, scores, mixing, lmHead},
        "forward FLOPs");
}

ExactMatmulFlops exactMatmulFlops(const ModelConfig& c, const FlopOptions& o)
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
    // A mixture of experts runs k experts per token: k times one MLP's work, whatever the routing.
    const Count routed = c.mlp.moe() ? c.mlp.expertsPerToken : 1;
    x.gateProj = c.mlp.gated ? mulChecked(routed, linear(d, f), "forward FLOPs") : 0;
    x.upProj = mulChecked(routed, linear(d, f), "forward FLOPs");
    x.downProj = mulChecked(routed, linear(f, d), "forward FLOPs");
    if (c.mlp.moe())
        x.router = linear(d, c.mlp.numExperts);
    // Each scored pair is a length-h dot product (2h FLOPs); mixing adds h-wide rows likewise.
    x.scores = productChecked({2, h, attentionPairsAllLayers(c, T, o.mask), H}, "attention FLOPs");
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
    conv.seqLen = T;
    conv.forwardPerSequence = sum;
    conv.trainingPerSequence = mulChecked(3, sum, "training FLOPs");
    conv.trainingPerSequenceRecompute = mulChecked(4, sum, "training FLOPs");
    const auto perToken = [T](Count perSequence) {
        return static_cast<double>(perSequence) / static_cast<double>(T);
    };
    conv.forwardPerToken = perToken(conv.forwardPerSequence);
    conv.trainingPerToken = perToken(conv.trainingPerSequence);
    conv.trainingPerTokenRecompute = perToken(conv.trainingPerSequenceRecompute);
}

FlopConvention exactConvention(const ModelConfig& c, const FlopOptions& o)
{
    const ExactMatmulFlops x = exactMatmulFlops(c, o);
    FlopConvention conv;
    conv.id = FlopConventionId::Exact;
    conv.key = toString(FlopConventionId::Exact);
    conv.title = "Exact matmuls";
    conv.citation = "every matmul of the forward pass, 2·m·k·n each (this tool's reference forward pass)";
    conv.meaning = o.mask == AttentionMask::Causal
                       ? "what a causal forward pass executes: T(T+1)/2 scored pairs per head (fewer with a "
                         "sliding window), routed experts only"
                       : "what a forward pass without masking savings executes: T² pairs per head";
    conv.terms = {{"q_proj", x.qProj}, {"k_proj", x.kProj}, {"v_proj", x.vProj}, {"o_proj", x.oProj}};
    if (c.mlp.gated)
        conv.terms.push_back({"gate_proj", x.gateProj});
    conv.terms.push_back({"up_proj", x.upProj});
    conv.terms.push_back({"down_proj", x.downProj});
    if (c.mlp.moe())
        conv.terms.push_back({"router", x.router});
    conv.terms.push_back({"attention scores (QKᵀ)", x.scores});
    conv.terms.push_back({"attention mixing (AV)", x.mixing});
    conv.terms.push_back({"lm_head", x.lmHead});
    finish(conv, o.seqLen);
    return conv;
}

FlopConvention kaplanConvention(const ModelConfig& c, const ParameterCounts& p, Count T)
{
    FlopConvention conv;
    conv.id = FlopConventionId::Kaplan;
    conv.key = toString(FlopConventionId::Kaplan);
    conv.title = "Kaplan";
    conv.citation = "Kaplan et al. 2020, Scaling Laws for Neural Language Models, Table 1";
    conv.meaning = "2·N_nonemb + 2·L·T·d_attn per token; ignores embeddings and lm_head (MoE: active N)";
    const Count attnWidth = mulChecked(c.numAttentionHeads, c.headDim, "attention width");
    conv.terms = {
        {"2·N_nonemb per token", productChecked({2, p.activeNonEmbedding, T}, "Kaplan FLOPs")},
        {"2·L·T·d_attn per token", productChecked({2, c.numHiddenLayers, T, attnWidth, T}, "Kaplan FLOPs")}};
    finish(conv, T);
    return conv;
}

FlopConvention palmConvention(const ModelConfig& c, const ParameterCounts& p, Count T)
{
    FlopConvention conv;
    conv.id = FlopConventionId::Palm;
    conv.key = toString(FlopConventionId::Palm);
    conv.title = "PaLM";
    conv.citation = "Chowdhery et al. 2022, PaLM, Appendix B (model FLOPs utilisation)";
    conv.meaning =
        "6·N + 12·L·H·h·T per training token (÷3 for forward); N includes embeddings (MoE: active N)";
    const Count n = p.active - p.positionTable;
    const Count attnWidth = mulChecked(c.numAttentionHeads, c.headDim, "attention width");
    conv.terms = {
        {"2·N per token", productChecked({2, n, T}, "PaLM FLOPs")},
        {"4·L·H·h·T per token", productChecked({4, c.numHiddenLayers, attnWidth, T, T}, "PaLM FLOPs")}};
    finish(conv, T);
    return conv;
}

FlopConvention chinchillaConvention(const ModelConfig& c, Count T)
{
    FlopConvention conv;
    conv.id = FlopConventionId::Chinchilla;
    conv.key = toString(FlopConventionId::Chinchilla);
    conv.title = "Chinchilla";
    conv.citation = "Hoffmann et al. 2022, Training Compute-Optimal LLMs, Appendix F";
    conv.meaning = "counts embeddings, logits and 3·H·T² softmax; full T² attention, no causal halving";
    const Count d = c.hiddenSize, L = c.numHiddenLayers, h = c.headDim, H = c.numAttentionHeads;
    const Count K = c.numKeyValueHeads, V = c.vocabSize, f = c.intermediateSize;
    const Count attnWidth = mulChecked(H, h, "attention width");
    const Count qkvWidth = mulChecked(sumChecked({H, K, K}, "qkv width"), h, "qkv width");
    const Count matrices = (c.mlp.gated ? 3 : 2) * (c.mlp.moe() ? c.mlp.expertsPerToken : 1);
    const char* what = "Chinchilla FLOPs";
    conv.terms = {
        {"embeddings", productChecked({2, T, V, d}, what)},
        {"attention q/k/v projections", productChecked({2, T, d, qkvWidth, L}, what)},
        {"attention logits (QKᵀ)", productChecked({2, T, T, attnWidth, L}, what)},
        {"attention softmax", productChecked({3, H, T, T, L}, what)},
        {"attention reduction (AV)", productChecked({2, T, T, attnWidth, L}, what)},
        {"attention output projection", productChecked({2, T, attnWidth, d, L}, what)},
        {c.mlp.moe() ? "dense block (routed experts' matrices)" : "dense block (3 SwiGLU matrices)",
         productChecked({2, T, matrices, d, f, L}, what)},
        {"final logits", productChecked({2, T, d, V}, what)},
    };
    if (c.mlp.moe())
        conv.terms.insert(conv.terms.end() - 1,
                          {"router", productChecked({2, T, d, c.mlp.numExperts, L}, what)});
    finish(conv, T);
    return conv;
}

// FLOPs per element of each activation (transformers' activations.py formulas): SiLU
// x/(1+e^−x) is negate, exp, add, divide; GELU-tanh 0.5x(1+tanh(√(2/π)(x+0.044715x³))) is 8;
// exact GELU 0.5x(1+erf(x/√2)) is 5 counting erf as one; ReLU a compare. docs/formulas.md.
Count activationCost(std::string_view act)
{
    if (act == "silu" || act == "swish" || act == "sigmoid")
        return 4;
    if (act == "gelu_pytorch_tanh" || act == "gelu_new" || act == "gelu_fast" || act == "gelu_accurate")
        return 8;
    if (act == "gelu" || act == "gelu_python" || act == "gelu_10" || act == "quick_gelu" || act == "laplace")
        return 5;
    if (act == "mish" || act == "tanh")
        return 5;
    return 1; // relu, relu2, relu6, leaky_relu, linear
}

ElementwiseFlops elementwiseFlops(const ModelConfig& c, const FlopOptions& o)
{
    const Count T = o.seqLen, d = c.hiddenSize, L = c.numHiddenLayers, h = c.headDim;
    const Count H = c.numAttentionHeads, K = c.numKeyValueHeads, f = c.intermediateSize;
    const char* what = "elementwise FLOPs";
    ElementwiseFlops e;
    // RMSNorm over an n-vector: n squares + n adds + mean + eps + rsqrt + n scale + n gain
    // (+ n for Gemma's 1 + w).
    const Count perElement = c.norms.unitOffset ? 5 : 4;
    auto norm = [&](Count n) { return addChecked(mulChecked(perElement, n, what), 3, what); };
    e.terms.push_back(
        {"RMSNorm (" + std::to_string(perElement) + "d+3 per vector, " + std::to_string(c.normsPerLayer()) +
             "L+1 per token)",
         productChecked({norm(d), addChecked(mulChecked(c.normsPerLayer(), L, what), 1, what), T}, what)});
    if (c.attention.qkNorm == QkNorm::PerHead)
        e.terms.push_back({"q/k norms (per head, H+K per token-layer)",
                           productChecked({norm(h), addChecked(H, K, what), L, T}, what)});
    else if (c.attention.qkNorm == QkNorm::Full)
        e.terms.push_back(
            {"q/k norms (whole projections)",
             productChecked(
                 {addChecked(norm(mulChecked(H, h, what)), norm(mulChecked(K, h, what)), what), L, T},
                 what)});
    if (c.embedding.scaleByRootHidden)
        e.terms.push_back({"embedding scale √d (d per token)", mulChecked(d, T, what)});
    if (c.positionType == PositionType::Rope)
        // q·cos + rotate_half(q)·sin: 2 mul + 1 add per rotated element, on H + K heads.
        e.terms.push_back({"RoPE (3 per rotated element, H+K heads per token-layer)",
                           productChecked({3, c.rotaryDim(), addChecked(H, K, what), L, T}, what)});
    if (c.positionType == PositionType::Learned || c.positionType == PositionType::Sinusoidal)
        e.terms.push_back({"position add (d per token)", mulChecked(d, T, what)});
    const Count pairs = mulChecked(attentionPairsAllLayers(c, T, o.mask), H, what);
    // Scale by the query scale, subtract the row max, exp, sum, divide: 5 per scored pair.
    e.terms.push_back({"softmax (5 per scored pair)", mulChecked(5, pairs, what)});
    if (c.attention.logitSoftcap)
        e.terms.push_back({"score soft-capping (3 per scored pair)", mulChecked(3, pairs, what)});
    const Count routed = c.mlp.moe() ? c.mlp.expertsPerToken : 1;
    const Count act = activationCost(c.hiddenAct) + (c.mlp.gated ? 1 : 0);
    e.terms.push_back({c.hiddenAct + (c.mlp.gated ? " and gating (" : " (") + std::to_string(act) +
                           "f per token-layer" + (c.mlp.moe() ? ", per routed expert)" : ")"),
                       productChecked({act, f, routed, L, T}, what)});
    if (c.mlp.moe())
        // Softmax over E router logits (5E), top-k selection (E), renormalise k weights (2k),
        // weighted sum of k expert outputs (2kd).
        e.terms.push_back(
            {"MoE routing and combine",
             productChecked({addChecked(mulChecked(6, c.mlp.numExperts, what),
                                        mulChecked(2 * routed, addChecked(d, 1, what), what), what),
                             L, T},
                            what)});
    e.terms.push_back({"residual adds (2d per token-layer)", productChecked({2, d, L, T}, what)});
    const Count qkvBias =
        c.attention.qkvBias ? mulChecked(addChecked(H, mulChecked(2, K, what), what), h, what) : 0;
    const Count oBias = c.attention.outputBias ? d : 0;
    if (qkvBias + oBias > 0)
        e.terms.push_back(
            {"attention biases", productChecked({addChecked(qkvBias, oBias, what), L, T}, what)});
    if (c.mlp.bias)
        e.terms.push_back(
            {"MLP biases",
             productChecked({addChecked(mulChecked(c.mlp.gated ? 2 : 1, f, what), d, what), routed, L, T},
                            what)});
    if (c.embedding.finalLogitSoftcap)
        e.terms.push_back({"logit soft-capping (3V per token)", productChecked({3, c.vocabSize, T}, what)});
    for (const FlopTerm& t : e.terms)
        e.perSequence = addChecked(e.perSequence, t.perSequence, what);
    return e;
}

} // namespace

FlopReport computeFlops(const ModelConfig& config, const FlopOptions& options)
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
    return (recompute ? convention.trainingPerTokenRecompute : convention.trainingPerToken) * tokens;
}

} // namespace llamascope
