// The activation model (activations.hpp): docs/memory.md "Activations" lists what each term is
// and why autograd keeps it; docs/planning.md derives the parallel and recompute variants from
// Korthikanti et al. 2022, §4 and Table 2.

#include "llamascope/activations.hpp"

#include "llamascope/errors.hpp"

#include <string>

namespace llamascope {

const EnumTable<Recompute>& recomputeTable()
{
    static const EnumTable<Recompute> table({
        {Recompute::None, "none", "keep every activation the backward pass needs", {"off", "no"}},
        {Recompute::Selective,
         "selective",
         "recompute the attention core (softmax, dropout, ·V): no T×T tensors kept (Korthikanti et al. "
         "2022)",
         {"attention", "core-attention"}},
        {Recompute::Full,
         "full",
         "keep only each layer's input and rebuild the layer in backward (activation checkpointing)",
         {"on", "yes", "all"}},
    });
    return table;
}

std::string_view toString(Recompute r)
{
    return recomputeTable().name(r);
}

std::optional<Recompute> recomputeFromString(std::string_view s)
{
    return recomputeTable().find(s);
}

BlockShape blockShapeOf(const ModelConfig& c)
{
    // The one place the activation model reads a config. Sliding windows change no kept
    // tensor (eager attention still materialises T×T scores, masked); they enter the KV cache.
    BlockShape b;
    b.hidden = c.hiddenSize;
    b.heads = c.numAttentionHeads;
    b.kvHeads = c.numKeyValueHeads;
    b.headDim = c.headDim;
    b.intermediate = c.intermediateSize;
    b.vocab = c.vocabSize;
    b.layers = c.numHiddenLayers;
    b.gatedMlp = c.mlp.gated;
    b.norm = NormKind::RMSNorm;
    b.normsPerLayer = c.normsPerLayer();
    b.qkNorm = c.attention.qkNorm;
    b.experts = c.mlp.numExperts;
    b.expertsPerToken = c.mlp.moe() ? c.mlp.expertsPerToken : 0;
    b.attentionSoftcap = c.attention.logitSoftcap.has_value();
    b.logitSoftcap = c.embedding.finalLogitSoftcap.has_value();
    b.dropout = false;
    return b;
}

namespace {

Count divideExactly(Count value, Count by, const char* what)
{
    if (value % by != 0)
        throw InvalidArgument("tensor parallelism of " + std::to_string(by) + " does not divide the " + what +
                              " (" + std::to_string(value) + ")");
    return value / by;
}

class Terms {
public:
    explicit Terms(std::vector<ActivationTerm>& out) : out_(out) {}

    void add(ActivationScope scope, std::string_view key, std::string_view label, std::string_view text,
             StorageDtype dtype, Count perToken, Count perTokenKey, bool sequenceSplit)
    {
        out_.push_back(ActivationTerm{key, label, text, scope, dtype, perToken, perTokenKey, sequenceSplit});
    }

private:
    std::vector<ActivationTerm>& out_;
};

/// One decoder layer's terms with nothing recomputed, in the order the forward pass makes them.
void layerTerms(std::vector<ActivationTerm>& out, const BlockShape& b, const ActivationOptions& o)
{
    const Count t = o.tensorParallel;
    const Count d = b.hidden, h = b.headDim;
    const Count H = divideExactly(b.heads, t, "attention heads");
    const Count K = divideExactly(b.kvHeads, t, "key/value heads");
    const Count f = divideExactly(b.intermediate, t, "intermediate size");
    const StorageDtype a = o.compute;
    const auto L = ActivationScope::Layer;
    Terms x(out);

    // Norms (two per layer, four with Gemma 2's sandwich). transformers' RMSNorm upcasts its
    // input: the fp32 copy feeds pow() and the multiply by 1/rms; the normalised x is cast back
    // and kept by the gain. Whatever the placement, two tensors per layer are the inputs of
    // the first matmuls (norm outputs with pre-norm; the residual stream with post-norm).
    const Count n = b.normsPerLayer;
    const bool four = n == 4;
    const bool unfusedRms = !o.fusedNorm && b.norm == NormKind::RMSNorm;
    if (unfusedRms) {
        x.add(L, "norm_input_fp32",
              four ? "RMSNorm inputs upcast to fp32 (4 per layer)"
                   : "RMSNorm inputs upcast to fp32 (2 per layer)",
              four ? "4d" : "2d", StorageDtype::F32, n * d, 0, true);
        x.add(L, "norm_rstd",
              four ? "RMSNorm 1/rms per token (4 per layer)" : "RMSNorm 1/rms per token (2 per layer)",
              four ? "4" : "2", StorageDtype::F32, n, 0, true);
        x.add(L, "norm_normalized",
              four ? "normalized x before the gain (4 per layer)"
                   : "normalized x before the gain (2 per layer)",
              four ? "4d" : "2d", a, n * d, 0, true);
    } else {
        x.add(L, "norm_input",
              four ? "norm inputs, kept by the fused kernel (4 per layer)"
                   : "norm inputs, kept by the fused kernel (2 per layer)",
              four ? "4d" : "2d", a, n * d, 0, true);
        if (b.norm == NormKind::RMSNorm)
            x.add(L, "norm_rstd",
                  four ? "RMSNorm 1/rms per token (4 per layer)" : "RMSNorm 1/rms per token (2 per layer)",
                  four ? "4" : "2", StorageDtype::F32, n, 0, true);
        else
            x.add(L, "norm_stats", "LayerNorm mean and 1/std per token (2 per layer)", "4", StorageDtype::F32,
                  2 * n, 0, true);
    }
    x.add(L, "norm_output", "inputs of q/k/v and of the MLP's first matmuls", "2d", a, 2 * d, 0, true);

    // q/k norms (Qwen3 per head, OLMo 2 over the whole projection) normalise the q and k
    // projections before RoPE: an RMSNorm each, on H·h and K·h values per token.
    if (b.qkNorm != QkNorm::None) {
        const Count stats = b.qkNorm == QkNorm::PerHead ? H + K : 2;
        const char* width = t > 1 ? "(H+K)·h/t" : "(H+K)·h";
        const char* statsText = b.qkNorm == QkNorm::PerHead ? (t > 1 ? "(H+K)/t" : "H+K") : "2";
        if (unfusedRms) {
            x.add(L, "qk_norm_input_fp32", "q/k norm inputs upcast to fp32", width, StorageDtype::F32,
                  (H + K) * h, 0, false);
            x.add(L, "qk_norm_rstd", "q/k norm 1/rms", statsText, StorageDtype::F32, stats, 0, false);
            x.add(L, "qk_norm_normalized", "q/k normalized before the gain", width, a, (H + K) * h, 0, false);
        } else {
            x.add(L, "qk_norm_input", "q/k norm inputs, kept by the fused kernel", width, a, (H + K) * h, 0,
                  false);
            x.add(L, "qk_norm_rstd", "q/k norm 1/rms", statsText, StorageDtype::F32, stats, 0, false);
        }
    }

    // Attention. Only FlashAttention reads grouped K/V directly; the other kernels work on K
    // and V repeated to H heads (transformers' repeat_kv, Megatron-LM's expansion).
    const bool flash = o.attention == AttentionKernel::Flash;
    const Count kv = flash ? K : H;
    x.add(L, "q_rope", "queries (after RoPE, if any)", t > 1 ? "H·h/t" : "H·h", a, H * h, 0, false);
    x.add(L, "k_rope", flash ? "keys (after RoPE, if any)" : "keys (after RoPE, if any), repeated to H heads",
          flash ? (t > 1 ? "K·h/t" : "K·h") : (t > 1 ? "H·h/t" : "H·h"), a, kv * h, 0, false);
    x.add(L, "v", flash ? "values" : "values, repeated to H heads",
          flash ? (t > 1 ? "K·h/t" : "K·h") : (t > 1 ? "H·h/t" : "H·h"), a, kv * h, 0, false);
    // Soft-capped scores (Gemma 2: cap·tanh(scores/cap)): tanh keeps its output where the
    // scores are materialised. FlashAttention ≥ 2.6 caps inside the kernel; PyTorch's SDPA has
    // no soft-cap (transformers issue #32877), so that kernel cannot run such a model.
    if (b.attentionSoftcap) {
        if (o.attention == AttentionKernel::Sdpa)
            throw InvalidArgument("PyTorch's SDPA kernel has no attention-score soft-cap (Gemma 2's "
                                  "attn_logit_softcapping): choose eager, flash or fused-softmax attention");
        if (o.attention == AttentionKernel::Eager || o.attention == AttentionKernel::FusedSoftmax)
            x.add(L, "attn_softcap_tanh", "tanh of the soft-capped scores (compute dtype)",
                  t > 1 ? "H·T/t" : "H·T", a, 0, H, false);
    }
    switch (o.attention) {
    case AttentionKernel::Flash:
    case AttentionKernel::Sdpa:
        x.add(L, "attn_lse", "log-sum-exp per query row (fp32)", t > 1 ? "H/t" : "H", StorageDtype::F32, H, 0,
              false);
        break;
    case AttentionKernel::Eager:
        x.add(L, "attn_probs_fp32", "softmax probabilities in fp32 (full T×T rows)", t > 1 ? "H·T/t" : "H·T",
              StorageDtype::F32, 0, H, false);
        if (a != StorageDtype::F32)
            x.add(L, "attn_probs", "softmax probabilities cast to the compute dtype", t > 1 ? "H·T/t" : "H·T",
                  a, 0, H, false);
        break;
    case AttentionKernel::FusedSoftmax:
        x.add(L, "attn_probs", "softmax probabilities (fused kernel, compute dtype)", t > 1 ? "H·T/t" : "H·T",
              a, 0, H, false);
        break;
    }
    if (b.dropout && !flash) {
        // Korthikanti et al. 2022 §4.1: a one-byte mask (as²b) and the dropped probabilities
        // (2as²b), which the ·V matmul keeps. FlashAttention regenerates its mask from the seed.
        x.add(L, "attn_dropout_mask", "dropout mask on the probabilities (1 byte)", t > 1 ? "H·T/t" : "H·T",
              StorageDtype::Int8, 0, H, false);
        x.add(L, "attn_dropout_output", "dropped-out probabilities = ·V input", t > 1 ? "H·T/t" : "H·T", a, 0,
              H, false);
    }
    x.add(L, "attn_output", "attention output = o_proj input", t > 1 ? "H·h/t" : "H·h", a, H * h, 0, false);
    if (b.dropout)
        x.add(L, "attn_residual_dropout_mask", "dropout mask after attention (1 byte)", "d",
              StorageDtype::Int8, d, 0, true);

    // MLP. A gated MLP keeps the activation's input, both factors of the product and the
    // product itself. A mixture of experts (Mixtral) runs each token through k of E experts:
    // the router keeps its fp32 softmax over E and the top-k weights and indices; every
    // expert keeps its gathered input and its MLP tensors (k per token in all), and the
    // weighting multiply keeps each expert's output.
    const Count k = b.experts > 0 ? b.expertsPerToken : 1;
    if (b.experts > 0) {
        if (k < 1 || k > b.experts)
            throw InvalidArgument("a mixture of experts routes each token to between 1 and E experts");
        x.add(L, "router_probs", "router softmax over the experts (fp32)", "E", StorageDtype::F32, b.experts,
              0, true);
        x.add(L, "router_topk", "top-k weights (fp32) and expert indices (int64), in fp32 units", "3k",
              StorageDtype::F32, 3 * k, 0, true);
        x.add(L, "expert_inputs", "tokens gathered for their experts (expert matmul inputs)", "k·d", a, k * d,
              0, false);
    }
    const bool moe = b.experts > 0;
    const char* ft = moe ? (t > 1 ? "k·f/t" : "k·f") : (t > 1 ? "f/t" : "f");
    if (b.gatedMlp) {
        x.add(L, "mlp_gate", "gate_proj output (activation input)", ft, a, k * f, 0, false);
        x.add(L, "mlp_up", "up_proj output", ft, a, k * f, 0, false);
        if (!o.fusedSwiglu)
            x.add(L, "mlp_act", "act(gate)", ft, a, k * f, 0, false);
        x.add(L, "mlp_down_input", "act(gate)·up = down_proj input", ft, a, k * f, 0, false);
    } else {
        x.add(L, "mlp_fc1", "first matmul output (activation input)", ft, a, k * f, 0, false);
        x.add(L, "mlp_act", "activation output = second matmul input", ft, a, k * f, 0, false);
    }
    if (moe)
        x.add(L, "expert_outputs", "expert outputs, kept by the routing-weight multiply", "k·d", a, k * d, 0,
              false);
    if (b.dropout)
        x.add(L, "mlp_residual_dropout_mask", "dropout mask after the MLP (1 byte)", "d", StorageDtype::Int8,
              d, 0, true);
}

} // namespace

std::vector<ActivationTerm> activationTerms(const BlockShape& b, const ActivationOptions& o)
{
    if (o.tensorParallel < 1)
        throw InvalidArgument("tensor parallelism must be at least 1");
    if (o.sequenceParallel && o.tensorParallel == 1)
        throw InvalidArgument("sequence parallelism splits what tensor parallelism replicates: it needs a "
                              "tensor-parallel size above 1");
    if (b.hidden < 1 || b.heads < 1 || b.kvHeads < 1 || b.headDim < 1 || b.intermediate < 1 || b.vocab < 1 ||
        b.layers < 1 || (b.normsPerLayer != 2 && b.normsPerLayer != 4) || b.experts < 0)
        throw InvalidArgument("the block shape has a size below 1");
    const Count t = o.tensorParallel, d = b.hidden;
    const StorageDtype a = o.compute;
    std::vector<ActivationTerm> layer;
    layer.reserve(24);
    layerTerms(layer, b, o);

    std::vector<ActivationTerm> out;
    out.reserve(40);
    Terms x(out);
    switch (o.recompute) {
    case Recompute::None: out.insert(out.end(), layer.begin(), layer.end()); break;
    case Recompute::Selective:
        // Korthikanti et al. 2022 §5: recompute the attention core; the T×T tensors of one
        // layer exist only while that layer's backward runs.
        for (const ActivationTerm& term : layer)
            if (term.perTokenKey == 0)
                out.push_back(term);
        for (ActivationTerm term : layer)
            if (term.perTokenKey != 0) {
                term.scope = ActivationScope::WorkingSet;
                out.push_back(term);
            }
        break;
    case Recompute::Full:
        x.add(ActivationScope::Layer, "checkpoint_inputs", "each layer's input, kept by checkpointing", "d",
              a, d, 0, true);
        for (ActivationTerm term : layer) {
            term.scope = ActivationScope::WorkingSet;
            out.push_back(term);
        }
        break;
    }

    // Before the layers. transformers' eager path builds a 4-D additive causal mask once per
    // forward; GPT drops out the embedding output (Korthikanti et al. §4.3).
    if (o.attention == AttentionKernel::Eager)
        x.add(ActivationScope::MicroBatch, "causal_mask", "4-D additive causal mask, built once", "T", a, 0,
              1, false);
    if (b.dropout)
        x.add(ActivationScope::Embedding, "embedding_dropout_mask", "dropout mask on the embeddings (1 byte)",
              "d", StorageDtype::Int8, d, 0, true);

    // After the last layer: the final norm, whose output is the lm_head input.
    const bool unfusedRms = !o.fusedNorm && b.norm == NormKind::RMSNorm;
    if (unfusedRms) {
        x.add(ActivationScope::Head, "final_norm", "final RMSNorm: fp32 input and 1/rms", "d+1",
              StorageDtype::F32, d + 1, 0, true);
        x.add(ActivationScope::Head, "final_norm_outputs",
              "final RMSNorm: normalized x and output (lm_head input)", "2d", a, 2 * d, 0, true);
    } else {
        const bool rms = b.norm == NormKind::RMSNorm;
        x.add(ActivationScope::Head, "final_norm_input", "final norm input (fused kernel)", "d", a, d, 0,
              true);
        x.add(ActivationScope::Head, rms ? "final_norm_rstd" : "final_norm_stats",
              rms ? "final RMSNorm 1/rms" : "final LayerNorm mean and 1/std", rms ? "1" : "2",
              StorageDtype::F32, rms ? 1 : 2, 0, true);
        x.add(ActivationScope::Head, "final_norm_output", "final norm output = lm_head input", "d", a, d, 0,
              true);
    }

    // The logits: split by vocabulary across TP ranks when the lm_head is vocab-parallel
    // (V rounded up to a multiple of t, as Megatron-LM pads it).
    const bool split = o.vocabParallel && t > 1;
    const Count V = split ? (b.vocab + t - 1) / t : b.vocab;
    // Gemma 2 soft-caps the logits (cap·tanh(logits/cap)): tanh keeps its output.
    if (b.logitSoftcap)
        x.add(ActivationScope::Logits, "logits_softcap_tanh", "tanh of the soft-capped logits",
              split ? "V/t" : "V", a, V, 0, false);
    if (o.fusedCrossEntropy) {
        x.add(ActivationScope::Logits, "logits_fp32", "fp32 logits kept by the fused cross-entropy",
              split ? "V/t" : "V", StorageDtype::F32, V, 0, false);
    } else {
        x.add(ActivationScope::Logits, "logits", "logits, held by the model output", split ? "V/t" : "V", a,
              V, 0, false);
        x.add(ActivationScope::Logits, "logits_log_softmax",
              "fp32 log-softmax kept by the cross-entropy loss", split ? "V/t" : "V", StorageDtype::F32, V, 0,
              false);
    }
    return out;
}

Count activationElements(const ActivationTerm& term, const ActivationOptions& o, Count b, Count s, Count cp)
{
    if (b < 1 || s < 1 || cp < 1)
        throw InvalidArgument("batch, sequence length and context parallelism must be at least 1");
    const char* what = "activations";
    // Tokens of this GPU: the sequence split over cp ranks, and over t ranks for the terms
    // that sequence parallelism splits.
    if (s % cp != 0)
        throw InvalidArgument("context parallelism of " + std::to_string(cp) +
                              " does not divide the sequence length " + std::to_string(s));
    Count local = s / cp;
    if (term.sequenceSplit && o.sequenceParallel) {
        if (local % o.tensorParallel != 0)
            throw InvalidArgument("sequence parallelism over " + std::to_string(o.tensorParallel) +
                                  " ranks does not divide the " + std::to_string(local) +
                                  " tokens of a sequence shard");
        local /= o.tensorParallel;
    }
    const Count tokens = mulChecked(b, local, what);
    const Count perToken = addChecked(term.perToken, mulChecked(term.perTokenKey, s, what), what);
    return mulChecked(tokens, perToken, what);
}

Count layerActivationBytes(const BlockShape& block, const ActivationOptions& options, Count b, Count s,
                           bool withNormStatistics)
{
    Count sum = 0;
    for (const ActivationTerm& term : activationTerms(block, options)) {
        if (term.scope != ActivationScope::Layer)
            continue;
        const std::string_view k = term.key;
        if (!withNormStatistics && (k.ends_with("_stats") || k.ends_with("_rstd")))
            continue;
        sum = addChecked(sum, bytesOf(activationElements(term, options, b, s), term.dtype), "activations");
    }
    return sum;
}

} // namespace llamascope
