#pragma once
// The activation model: what a decoder layer keeps for the backward pass, per token, under
// tensor / sequence / context parallelism, activation recomputation and the attention, norm
// and cross-entropy kernels. One model, used by estimateMemory() (one device) and by the
// planner (per GPU). docs/memory.md "Activations" and docs/planning.md derive every term.
//
// Source: Korthikanti et al. 2022, "Reducing Activation Recomputation in Large Transformer
// Models", §4 (GPT: sbh(34 + 5as/h) bytes per layer without parallelism), generalised to
// RMSNorm, SwiGLU, grouped-query attention and FlashAttention. A term is counted in elements
// per token of the local (micro-batch, sequence shard); callers multiply by tokens and layers.

#include "llamascope/config.hpp"
#include "llamascope/memory.hpp"

#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace llamascope {

/// What happens to a layer's activations between forward and backward.
enum class Recompute {
    None,      ///< keep everything the backward pass needs
    Selective, ///< recompute the attention core (softmax, dropout, ·V): drop the T×T tensors
    Full,      ///< keep only each layer's input; rebuild one layer at a time in backward
};

/// "none", "selective", "full" (aliases "off", "no"; "attention", "core-attention"; "on", "yes",
/// "all").
const EnumTable<Recompute>& recomputeTable();
std::string_view toString(Recompute r);
std::optional<Recompute> recomputeFromString(std::string_view s);

enum class NormKind {
    RMSNorm,   ///< LLaMA: one statistic (1/rms) per token
    LayerNorm, ///< GPT: mean and 1/std per token
};

/// The shape of one decoder block, as the activation model needs it. blockShapeOf() is the one
/// place that reads it from a config; tests build other architectures (Korthikanti's GPT) by hand.
struct BlockShape {
    Count hidden = 0;       ///< d
    Count heads = 0;        ///< H (Korthikanti's a)
    Count kvHeads = 0;      ///< K (= H without grouped-query attention)
    Count headDim = 0;      ///< h
    Count intermediate = 0; ///< f
    Count vocab = 0;        ///< V
    Count layers = 0;       ///< L
    bool gatedMlp = true;   ///< act(gate)·up (SwiGLU, GeGLU) or a plain MLP (fc1, GeLU)
    NormKind norm = NormKind::RMSNorm;
    /// Norms per layer: 2 (pre- or post-norm) or 4 (Gemma 2's sandwich). Every norm keeps its
    /// input; two outputs per layer feed matmuls whatever the placement.
    Count normsPerLayer = 2;
    QkNorm qkNorm = QkNorm::None; ///< RMSNorm on queries and keys (Qwen3 per head, OLMo 2 full width)
    Count experts = 0;            ///< E: 0 for a dense MLP, else routed experts
    Count expertsPerToken = 0;    ///< k: experts each token runs through
    /// Attention scores are soft-capped (cap·tanh(x/cap), Gemma 2): a kernel that materialises
    /// the scores keeps the tanh output.
    bool attentionSoftcap = false;
    bool logitSoftcap = false; ///< the logits are soft-capped: the tanh output is kept
    /// GPT-style dropout: a mask on the attention probabilities and on both residual branches
    /// (and on the embedding output). LLaMA trains without dropout.
    bool dropout = false;
};

/// The block of a config: its MLP (gated or not, experts), norm placement, q/k norms and
/// soft-caps. RMSNorm, no dropout (none of the supported families trains with dropout).
BlockShape blockShapeOf(const ModelConfig& config);

/// The kernels and parallelism a layer runs with.
struct ActivationOptions {
    AttentionKernel attention = AttentionKernel::Flash;
    /// Fused RMSNorm/LayerNorm kernel (Apex, Transformer Engine, Megatron-LM): keeps the 16-bit
    /// input and the fp32 statistics. Unfused (transformers' LlamaRMSNorm) keeps an fp32 copy
    /// of the input, 1/rms and the normalised 16-bit x before the gain.
    bool fusedNorm = false;
    /// Fused SwiGLU kernel (Megatron-LM's bias_swiglu, Transformer Engine): keeps gate and up,
    /// recomputes SiLU in backward. Unfused (transformers) also keeps SiLU(gate).
    bool fusedSwiglu = false;
    /// Fused cross-entropy (Megatron-LM's vocab-parallel loss): keeps fp32 logits only.
    /// Unfused (transformers): the 16-bit logits and the fp32 log-softmax.
    bool fusedCrossEntropy = false;
    Recompute recompute = Recompute::None;
    Count tensorParallel = 1; ///< t: heads, FFN columns and (vocab-parallel) logits split t ways
    /// Sequence parallelism (with t > 1): the tensors t would replicate are split along the
    /// sequence instead, so every term is divided by t (Korthikanti et al. 2022, §4.2.2).
    bool sequenceParallel = false;
    /// The logits are split by t (vocab-parallel lm_head). False: every rank holds all V.
    bool vocabParallel = true;
    StorageDtype compute = StorageDtype::BF16; ///< dtype of 16-bit activations
};

/// Where a term is kept.
enum class ActivationScope {
    Layer,      ///< in every layer whose activations are kept
    WorkingSet, ///< one layer's worth while it is recomputed in backward (selective / full)
    MicroBatch, ///< once per micro-batch on every stage: a mask built before the layers
    Embedding,  ///< once per micro-batch on the first stage: the embedding output's dropout mask
    Head,       ///< after the last layer: final norm (last pipeline stage)
    Logits,     ///< lm_head output and the loss (last pipeline stage)
};

/// One tensor kept for the backward pass. Elements for one micro-batch of b sequences of s
/// tokens on one GPU: b·(s/cp)·(perToken + perTokenKey·s), divided by t when `sequenceSplit`
/// and sequence parallelism is on (perToken is already divided by t for tensor-split terms).
struct ActivationTerm {
    std::string_view key;          ///< stable snake_case id ("q_rope", "attn_probs_fp32", ...)
    std::string_view label;        ///< what the tensor is
    std::string_view perTokenText; ///< elements per token, in symbols ("2d", "H·h/t", "H·s/t")
    ActivationScope scope = ActivationScope::Layer;
    StorageDtype dtype = StorageDtype::BF16;
    Count perToken = 0;         ///< elements per token (per layer for Layer/WorkingSet terms)
    Count perTokenKey = 0;      ///< elements per token per key position: the s² terms
    bool sequenceSplit = false; ///< replicated across TP ranks unless sequence parallelism splits it
};

/// Every term kept under `options`, grouped by scope, in display order. Throws InvalidArgument
/// when t does not divide the heads, kv heads or FFN width, or when sequence parallelism is
/// asked for without tensor parallelism.
std::vector<ActivationTerm> activationTerms(const BlockShape& block, const ActivationOptions& options);

/// Korthikanti et al.'s per-layer accounting, for the tests and docs: the bytes of the Layer
/// terms for one micro-batch of b sequences of s tokens, without the per-token statistics of
/// the norms (which the paper leaves out; they are separate terms whose key ends in "_stats"
/// or "_rstd").
Count layerActivationBytes(const BlockShape& block, const ActivationOptions& options, Count b, Count s,
                           bool withNormStatistics = true);

/// Elements of one term for b sequences of s tokens split over `cp` context-parallel ranks.
Count activationElements(const ActivationTerm& term, const ActivationOptions& options, Count b, Count s,
                         Count cp = 1);

} // namespace llamascope
