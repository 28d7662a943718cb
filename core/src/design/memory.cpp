// The memory model: SPEC §8, derived term by term in docs/memory.md.
//
// Why each activation term exists (what autograd keeps for the backward pass of a
// transformers LlamaDecoderLayer) is documented in docs/memory.md "Activations"; the comments
// here only say where a number comes from.

#include "llamascope/memory.hpp"
#include "llamascope/parse.hpp"

#include "llamascope/bundled.hpp"
#include "llamascope/errors.hpp"
#include "llamascope/params.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string>

namespace llamascope {

// ---- names -----------------------------------------------------------------------------------

std::string_view toString(StorageDtype t)
{
    switch (t) {
    case StorageDtype::F32: return "fp32";
    case StorageDtype::BF16: return "bf16";
    case StorageDtype::F16: return "fp16";
    case StorageDtype::Int8: return "int8";
    case StorageDtype::Int4: return "int4";
    }
    return "fp32";
}

std::optional<StorageDtype> storageDtypeFromString(std::string_view s)
{
    if (s == "fp32" || s == "float32" || s == "f32" || s == "float")
        return StorageDtype::F32;
    if (s == "bf16" || s == "bfloat16")
        return StorageDtype::BF16;
    if (s == "fp16" || s == "float16" || s == "f16" || s == "half")
        return StorageDtype::F16;
    if (s == "int8" || s == "i8")
        return StorageDtype::Int8;
    if (s == "int4" || s == "i4" || s == "nf4")
        return StorageDtype::Int4;
    return std::nullopt;
}

int bitsOf(StorageDtype t)
{
    switch (t) {
    case StorageDtype::F32: return 32;
    case StorageDtype::BF16:
    case StorageDtype::F16: return 16;
    case StorageDtype::Int8: return 8;
    case StorageDtype::Int4: return 4;
    }
    return 32;
}

Count bytesOf(Count elements, StorageDtype t)
{
    const Count bits = mulChecked(elements, bitsOf(t), "memory bytes");
    return bits / 8 + (bits % 8 != 0 ? 1 : 0);
}

namespace {
constexpr std::array<std::string_view, 7> kOptimizerNames = {"none",     "adamw",  "mixed-adamw", "bf16-adam",
                                                             "adam8bit", "galore", "lora"};
} // namespace

std::string_view toString(Optimizer o)
{
    return kOptimizerNames[static_cast<std::size_t>(o)];
}

std::optional<Optimizer> optimizerFromString(std::string_view s)
{
    for (std::size_t i = 0; i < kOptimizerNames.size(); ++i)
        if (s == kOptimizerNames[i])
            return static_cast<Optimizer>(i);
    if (s == "inference")
        return Optimizer::None;
    if (s == "adamw-fp32" || s == "adam")
        return Optimizer::AdamW;
    if (s == "mixed" || s == "amp" || s == "mixed-adam")
        return Optimizer::MixedAdamW;
    if (s == "bf16" || s == "bf16-adamw" || s == "pure-bf16")
        return Optimizer::Bf16Adam;
    if (s == "adam-8bit" || s == "8bit-adam" || s == "adamw8bit" || s == "adam8")
        return Optimizer::Adam8bit;
    return std::nullopt;
}

std::span<const std::string_view> optimizerNames()
{
    return kOptimizerNames;
}

std::string_view toString(AttentionKernel k)
{
    return k == AttentionKernel::Flash ? "flash" : "eager";
}

std::optional<AttentionKernel> attentionKernelFromString(std::string_view s)
{
    if (s == "flash" || s == "flash2" || s == "flash-attention" || s == "fused")
        return AttentionKernel::Flash;
    if (s == "eager")
        return AttentionKernel::Eager;
    return std::nullopt;
}

std::string_view toString(MemoryCategory c)
{
    switch (c) {
    case MemoryCategory::Weights: return "weights";
    case MemoryCategory::Gradients: return "gradients";
    case MemoryCategory::OptimizerState: return "optimizer";
    case MemoryCategory::Activations: return "activations";
    case MemoryCategory::Logits: return "logits";
    case MemoryCategory::KvCache: return "kv_cache";
    }
    return "weights";
}

// ---- report accessors -----------------------------------------------------------------------

Count MemoryReport::bytes(MemoryCategory c) const
{
    Count sum = 0;
    for (const MemoryTerm& t : terms)
        if (t.category == c)
            sum = addChecked(sum, t.bytes, "memory bytes");
    return sum;
}

Count MemoryReport::modelStateBytes() const
{
    return sumChecked({bytes(MemoryCategory::Weights), bytes(MemoryCategory::Gradients),
                       bytes(MemoryCategory::OptimizerState)},
                      "memory bytes");
}

Count MemoryReport::weightsAndOptimizerBytes() const
{
    return addChecked(bytes(MemoryCategory::Weights), bytes(MemoryCategory::OptimizerState), "memory bytes");
}

Count MemoryReport::totalBytes() const
{
    if (options.optimizer == Optimizer::None)
        return addChecked(bytes(MemoryCategory::Weights), bytes(MemoryCategory::KvCache), "memory bytes");
    return sumChecked({modelStateBytes(), bytes(MemoryCategory::Activations), bytes(MemoryCategory::Logits)},
                      "memory bytes");
}

const MemoryTerm* MemoryReport::find(std::string_view key) const
{
    for (const MemoryTerm& t : terms)
        if (t.key == key)
            return &t;
    return nullptr;
}

Count kvCacheBytesPerToken(const ModelConfig& c, StorageDtype dtype)
{
    return bytesOf(productChecked({2, c.numHiddenLayers, c.numKeyValueHeads, c.headDim}, "KV cache"), dtype);
}

namespace {

// ---- the parameter tensors ------------------------------------------------------------------

/// A weight matrix of a linear map, PyTorch layout [out, in].
struct Matrix {
    Count out = 0;
    Count in = 0;
    [[nodiscard]] Count size() const { return mulChecked(out, in, "parameter tensor"); }
};

/// The tensors a decoder holds, listed once per layer (the layers are identical)
/// plus the global ones. countParameters() is the source of truth for the totals; this
/// inventory exists because optimizers care about individual shapes (GaLore's m×n, LoRA's
/// in/out, bitsandbytes' per-tensor 8-bit threshold), and it is checked against those totals.
struct Inventory {
    std::vector<Matrix> linear;       ///< q, k, v, o, then gate/up/down of each expert, router
    std::vector<Count> layerVectors;  ///< RMSNorm gains, q/k norm gains and any biases of one layer
    std::vector<Count> globalTensors; ///< embedding, lm_head, position table, final norm
    Count layers = 0;
};

Inventory inventory(const ModelConfig& c, const ParameterCounts& p)
{
    const Count d = c.hiddenSize, f = c.intermediateSize;
    const Count qWidth = mulChecked(c.numAttentionHeads, c.headDim, "attention width");
    const Count kvWidth = mulChecked(c.numKeyValueHeads, c.headDim, "kv width");
    Inventory inv;
    inv.layers = c.numHiddenLayers;
    inv.linear = {Matrix{qWidth, d}, Matrix{kvWidth, d}, Matrix{kvWidth, d}, Matrix{d, qWidth}};
    const Count experts = c.mlp.moe() ? c.mlp.numExperts : 1;
    for (Count e = 0; e < experts; ++e) {
        if (c.mlp.gated)
            inv.linear.push_back(Matrix{f, d});
        inv.linear.push_back(Matrix{f, d});
        inv.linear.push_back(Matrix{d, f});
        if (c.mlp.bias) {
            if (c.mlp.gated)
                inv.layerVectors.push_back(f);
            inv.layerVectors.insert(inv.layerVectors.end(), {f, d});
        }
    }
    if (c.mlp.moe())
        inv.linear.push_back(Matrix{c.mlp.numExperts, d});
    for (Count i = 0; i < c.normsPerLayer(); ++i)
        inv.layerVectors.push_back(d);
    if (c.attention.qkNorm == QkNorm::PerHead)
        inv.layerVectors.insert(inv.layerVectors.end(), {c.headDim, c.headDim});
    else if (c.attention.qkNorm == QkNorm::Full)
        inv.layerVectors.insert(inv.layerVectors.end(), {qWidth, kvWidth});
    if (c.attention.qkvBias)
        inv.layerVectors.insert(inv.layerVectors.end(), {qWidth, kvWidth, kvWidth});
    if (c.attention.outputBias)
        inv.layerVectors.push_back(d);
    inv.globalTensors = {p.embedding};
    if (p.lmHead != 0)
        inv.globalTensors.push_back(p.lmHead);
    if (p.positionTable != 0)
        inv.globalTensors.push_back(p.positionTable);
    inv.globalTensors.push_back(p.finalNorm);

    Count layer = 0;
    for (const Matrix& m : inv.linear)
        layer = addChecked(layer, m.size(), "parameters");
    for (Count v : inv.layerVectors)
        layer = addChecked(layer, v, "parameters");
    Count total = mulChecked(layer, inv.layers, "parameters");
    for (Count g : inv.globalTensors)
        total = addChecked(total, g, "parameters");
    if (layer != p.perLayer.total() || total != p.total)
        throw std::logic_error("memory model: tensor inventory disagrees with countParameters()");
    return inv;
}

// ---- building the report --------------------------------------------------------------------

class Builder {
public:
    explicit Builder(MemoryReport& r) : r_(r) { r_.terms.reserve(32); }

    void add(std::string_view key, MemoryCategory cat, std::string_view label, std::string_view formula,
             StorageDtype dtype, Count elements)
    {
        r_.terms.push_back(MemoryTerm{key, cat, label, formula, dtype, elements, bytesOf(elements, dtype)});
    }

    /// A term whose bytes are not elements × bits (bitsandbytes' quantization state).
    void addRaw(std::string_view key, MemoryCategory cat, std::string_view label, std::string_view formula,
                StorageDtype dtype, Count elements, Count bytes)
    {
        r_.terms.push_back(MemoryTerm{key, cat, label, formula, dtype, elements, bytes});
    }

private:
    MemoryReport& r_;
};

StorageDtype resolveWeightDtype(const MemoryOptions& o)
{
    const bool given = o.weightDtype.has_value();
    const StorageDtype w =
        o.weightDtype.value_or(o.optimizer == Optimizer::AdamW ? StorageDtype::F32 : StorageDtype::BF16);
    const bool sixteen = w == StorageDtype::BF16 || w == StorageDtype::F16;
    const bool floating = sixteen || w == StorageDtype::F32;
    const std::string name(toString(o.optimizer));
    switch (o.optimizer) {
    case Optimizer::AdamW:
        if (given && w != StorageDtype::F32)
            throw InvalidArgument(
                "optimizer adamw keeps everything in fp32; use mixed-adamw or bf16-adam for "
                "16-bit weights");
        break;
    case Optimizer::MixedAdamW:
    case Optimizer::Bf16Adam:
        if (!sixteen)
            throw InvalidArgument("optimizer " + name +
                                  " trains 16-bit weights: --dtype must be bf16 or fp16");
        break;
    case Optimizer::Adam8bit:
    case Optimizer::GaLore:
        if (!floating)
            throw InvalidArgument("optimizer " + name +
                                  " updates the weights themselves: --dtype must be fp32, bf16 or fp16 "
                                  "(int8/int4 weights are for inference or a frozen LoRA base)");
        break;
    case Optimizer::None:
    case Optimizer::LoRA: break;
    }
    return w;
}

Count resolveSeqLen(const ModelConfig& c, const MemoryOptions& o)
{
    if (o.seqLen < 0)
        throw InvalidArgument("sequence length must be at least 1");
    return o.seqLen == 0 ? c.contextLength : o.seqLen;
}

void addWeights(Builder& b, const MemoryReport& r)
{
    const Count N = r.parameters;
    const StorageDtype w = r.weightDtype;
    switch (r.options.optimizer) {
    case Optimizer::None: b.add("weights", MemoryCategory::Weights, "weights", "N", w, N); break;
    case Optimizer::AdamW:
        b.add("weights", MemoryCategory::Weights, "fp32 weights", "N", w, N);
        b.add("gradients", MemoryCategory::Gradients, "fp32 gradients", "N", StorageDtype::F32, N);
        b.add("adam_m", MemoryCategory::OptimizerState, "Adam first moment (fp32)", "N", StorageDtype::F32,
              N);
        b.add("adam_v", MemoryCategory::OptimizerState, "Adam second moment (fp32)", "N", StorageDtype::F32,
              N);
        break;
    case Optimizer::MixedAdamW:
        b.add("weights", MemoryCategory::Weights, "16-bit working weights", "N", w, N);
        b.add("gradients", MemoryCategory::Gradients, "16-bit gradients", "N", w, N);
        b.add("master_weights", MemoryCategory::OptimizerState, "fp32 master weights", "N", StorageDtype::F32,
              N);
        b.add("adam_m", MemoryCategory::OptimizerState, "Adam first moment (fp32)", "N", StorageDtype::F32,
              N);
        b.add("adam_v", MemoryCategory::OptimizerState, "Adam second moment (fp32)", "N", StorageDtype::F32,
              N);
        break;
    case Optimizer::Bf16Adam:
        b.add("weights", MemoryCategory::Weights, "16-bit weights", "N", w, N);
        b.add("gradients", MemoryCategory::Gradients, "16-bit gradients", "N", w, N);
        b.add("adam_m", MemoryCategory::OptimizerState, "Adam first moment (16-bit)", "N", w, N);
        b.add("adam_v", MemoryCategory::OptimizerState, "Adam second moment (16-bit)", "N", w, N);
        break;
    case Optimizer::Adam8bit:
    case Optimizer::GaLore:
    case Optimizer::LoRA: break; // need the tensor inventory, see below
    }
}

/// bitsandbytes Adam8bit: tensors of at least 4096 values keep m and v as uint8 with one fp32
/// absmax per 256-value block each; smaller tensors keep fp32 m and v (min_8bit_size).
void addAdam8bit(Builder& b, const MemoryReport& r, const Inventory& inv)
{
    constexpr Count kMin8bit = 4096, kBlock = 256;
    Count quantized = 0, blocks = 0, small = 0;
    auto visit = [&](Count n, Count times) {
        if (n >= kMin8bit) {
            quantized = addChecked(quantized, mulChecked(n, times, "8-bit state"), "8-bit state");
            blocks = addChecked(blocks, mulChecked((n + kBlock - 1) / kBlock, times, "8-bit state"),
                                "8-bit state");
        } else {
            small = addChecked(small, mulChecked(n, times, "8-bit state"), "8-bit state");
        }
    };
    for (const Matrix& m : inv.linear)
        visit(m.size(), inv.layers);
    for (Count v : inv.layerVectors)
        visit(v, inv.layers);
    for (Count g : inv.globalTensors)
        visit(g, 1);
    const StorageDtype w = r.weightDtype;
    b.add("weights", MemoryCategory::Weights, "weights", "N", w, r.parameters);
    b.add("gradients", MemoryCategory::Gradients, "gradients", "N", w, r.parameters);
    b.add("adam8bit_states", MemoryCategory::OptimizerState,
          "Adam m and v as uint8 (tensors of >= 4096 values)", "2·N_8bit", StorageDtype::Int8,
          mulChecked(2, quantized, "8-bit state"));
    b.add("adam8bit_absmax", MemoryCategory::OptimizerState, "fp32 absmax per 256-value block, m and v",
          "2·Σ ceil(n/256)", StorageDtype::F32, mulChecked(2, blocks, "8-bit state"));
    if (small != 0)
        b.add("adam_small_tensors", MemoryCategory::OptimizerState,
              "fp32 m and v of tensors below 4096 values (norm gains, biases)", "2·N_small",
              StorageDtype::F32, mulChecked(2, small, "8-bit state"));
}

/// GaLore: each attention/MLP matrix m×n (m <= n) keeps a projector m·r and Adam moments
/// 2·n·r in the projected space (r capped at m); every other tensor keeps full Adam moments.
/// Gradients are full-size (no per-layer weight updates).
void addGalore(Builder& b, const MemoryReport& r, const Inventory& inv)
{
    const Count rank = r.options.rank;
    Count projectors = 0, moments = 0, projected = 0;
    for (const Matrix& mat : inv.linear) {
        const Count m = std::min(mat.out, mat.in), n = std::max(mat.out, mat.in);
        const Count rr = std::min(rank, m);
        projectors = addChecked(projectors, mulChecked(m, rr, "GaLore state"), "GaLore state");
        moments = addChecked(moments, productChecked({2, n, rr}, "GaLore state"), "GaLore state");
        projected = addChecked(projected, mat.size(), "GaLore state");
    }
    projectors = mulChecked(projectors, inv.layers, "GaLore state");
    moments = mulChecked(moments, inv.layers, "GaLore state");
    projected = mulChecked(projected, inv.layers, "GaLore state");
    const Count rest = subChecked(r.parameters, projected, "GaLore state");
    const StorageDtype w = r.weightDtype;
    b.add("weights", MemoryCategory::Weights, "weights", "N", w, r.parameters);
    b.add("gradients", MemoryCategory::Gradients, "full-rank gradients (no per-layer update)", "N", w,
          r.parameters);
    b.add("galore_projectors", MemoryCategory::OptimizerState, "projectors P, one per attention/MLP matrix",
          "L·Σ m·r (m = min side)", w, projectors);
    b.add("galore_moments", MemoryCategory::OptimizerState, "Adam m and v in the rank-r space",
          "L·Σ 2·n·r (n = max side)", w, moments);
    b.add("adam_unprojected", MemoryCategory::OptimizerState,
          "full Adam m and v of embeddings, lm_head, norms (and biases)", "2·(N − N_proj)", w,
          mulChecked(2, rest, "GaLore state"));
}

/// LoRA: the base is frozen at the weight dtype (int8/int4 allowed: QLoRA-style); adapters
/// A (r×in) and B (out×r) on all seven linear maps are trained with fp32 AdamW
/// (PEFT keeps adapters in fp32 by default).
Count addLora(Builder& b, const MemoryReport& r, const Inventory& inv)
{
    Count adapters = 0;
    for (const Matrix& m : inv.linear)
        adapters =
            addChecked(adapters, mulChecked(r.options.rank, addChecked(m.in, m.out, "LoRA"), "LoRA"), "LoRA");
    adapters = mulChecked(adapters, inv.layers, "LoRA");
    b.add("weights", MemoryCategory::Weights, "frozen base weights", "N", r.weightDtype, r.parameters);
    b.add("lora_adapters", MemoryCategory::Weights, "adapters A and B on q,k,v,o,gate,up,down (fp32)",
          "L·Σ r·(in+out)", StorageDtype::F32, adapters);
    b.add("lora_gradients", MemoryCategory::Gradients, "adapter gradients (fp32)", "A", StorageDtype::F32,
          adapters);
    b.add("adam_m", MemoryCategory::OptimizerState, "Adam first moment of the adapters (fp32)", "A",
          StorageDtype::F32, adapters);
    b.add("adam_v", MemoryCategory::OptimizerState, "Adam second moment of the adapters (fp32)", "A",
          StorageDtype::F32, adapters);
    return adapters;
}

/// What the backward pass keeps, per docs/memory.md "Activations". `layers` is L, or 1 for
/// the one layer recomputed at a time under full checkpointing.
void addActivations(Builder& b, const ModelConfig& c, const MemoryReport& r, Count T)
{
    const Count B = r.options.batch, L = c.numHiddenLayers, d = c.hiddenSize, f = c.intermediateSize;
    const Count H = c.numAttentionHeads, K = c.numKeyValueHeads, h = c.headDim;
    const StorageDtype a = r.activationDtype;
    const bool eager = r.options.attention == AttentionKernel::Eager;
    const bool recompute = r.options.recompute;
    const Count layers = recompute ? 1 : L;
    const Count tokens = mulChecked(B, T, "activations");
    const char* what = "activations";
    // Elements of a per-token, per-layer quantity `perToken` over the kept layers.
    auto perLayer = [&](Count perToken) { return productChecked({layers, tokens, perToken}, what); };
    auto F = [&](std::string_view all, std::string_view one) { return recompute ? one : all; };
    const MemoryCategory act = MemoryCategory::Activations;

    if (recompute)
        b.add("checkpoint_inputs", act, "each layer's input, kept by checkpointing", "L·B·T·d", a,
              productChecked({L, tokens, d}, what));
    b.add("norm_input_fp32", act, "RMSNorm inputs upcast to fp32 (2 per layer)",
          F("L·B·T·2d", "B·T·2d (one layer)"), StorageDtype::F32, perLayer(2 * d));
    b.add("norm_rstd", act, "RMSNorm 1/rms per token (2 per layer)", F("L·B·T·2", "B·T·2 (one layer)"),
          StorageDtype::F32, perLayer(2));
    b.add("norm_normalized", act, "normalized x before the gain (2 per layer)",
          F("L·B·T·2d", "B·T·2d (one layer)"), a, perLayer(2 * d));
    b.add("norm_output", act, "RMSNorm outputs = inputs of q/k/v and gate/up",
          F("L·B·T·2d", "B·T·2d (one layer)"), a, perLayer(2 * d));
    b.add("q_rope", act, "queries after RoPE", F("L·B·T·H·h", "B·T·H·h (one layer)"), a, perLayer(H * h));
    if (eager) {
        b.add("k_rope", act, "keys after RoPE, repeated to H heads", F("L·B·T·H·h", "B·T·H·h (one layer)"), a,
              perLayer(H * h));
        b.add("v", act, "values, repeated to H heads", F("L·B·T·H·h", "B·T·H·h (one layer)"), a,
              perLayer(H * h));
        b.add("attn_probs_fp32", act, "softmax probabilities in fp32 (full T×T rows)",
              F("L·B·H·T·T", "B·H·T·T (one layer)"), StorageDtype::F32, perLayer(mulChecked(H, T, what)));
        if (a != StorageDtype::F32)
            b.add("attn_probs", act, "softmax probabilities cast to the compute dtype",
                  F("L·B·H·T·T", "B·H·T·T (one layer)"), a, perLayer(mulChecked(H, T, what)));
        b.add("attn_output", act, "attention output = o_proj input", F("L·B·T·H·h", "B·T·H·h (one layer)"), a,
              perLayer(H * h));
        b.add("causal_mask", act, "4-D additive causal mask, built once", "B·T·T", a,
              mulChecked(tokens, T, what));
    } else {
        b.add("k_rope", act, "keys after RoPE", F("L·B·T·K·h", "B·T·K·h (one layer)"), a, perLayer(K * h));
        b.add("v", act, "values", F("L·B·T·K·h", "B·T·K·h (one layer)"), a, perLayer(K * h));
        b.add("attn_output", act, "attention output = o_proj input", F("L·B·T·H·h", "B·T·H·h (one layer)"), a,
              perLayer(H * h));
        b.add("attn_lse", act, "log-sum-exp per query row (fp32)", F("L·B·T·H", "B·T·H (one layer)"),
              StorageDtype::F32, perLayer(H));
    }
    b.add("mlp_gate", act, "gate_proj output (SiLU input)", F("L·B·T·f", "B·T·f (one layer)"), a,
          perLayer(f));
    b.add("mlp_up", act, "up_proj output", F("L·B·T·f", "B·T·f (one layer)"), a, perLayer(f));
    b.add("mlp_act", act, "SiLU(gate)", F("L·B·T·f", "B·T·f (one layer)"), a, perLayer(f));
    b.add("mlp_down_input", act, "SiLU(gate)·up = down_proj input", F("L·B·T·f", "B·T·f (one layer)"), a,
          perLayer(f));

    b.add("final_norm", act, "final RMSNorm: fp32 input and 1/rms", "B·T·(d+1)", StorageDtype::F32,
          mulChecked(tokens, d + 1, what));
    b.add("final_norm_outputs", act, "final RMSNorm: normalized x and output (lm_head input)", "B·T·2d", a,
          mulChecked(tokens, 2 * d, what));
    b.add("logits", MemoryCategory::Logits, "logits, held by the model output", "B·T·V", a,
          mulChecked(tokens, c.vocabSize, "logits"));
    b.add("logits_log_softmax", MemoryCategory::Logits, "fp32 log-softmax kept by the cross-entropy loss",
          "B·T·V", StorageDtype::F32, mulChecked(tokens, c.vocabSize, "logits"));
}

} // namespace

MemoryReport estimateMemory(const ModelConfig& config, const MemoryOptions& options)
{
    if (options.batch < 1)
        throw InvalidArgument("batch size must be at least 1");
    const bool lowRank = options.optimizer == Optimizer::GaLore || options.optimizer == Optimizer::LoRA;
    if (lowRank && options.rank < 1)
        throw InvalidArgument("optimizer " + std::string(toString(options.optimizer)) +
                              " needs a rank of at least 1 (--rank)");
    MemoryReport r;
    r.options = options;
    r.weightDtype = resolveWeightDtype(options);
    r.options.weightDtype = r.weightDtype;
    r.options.seqLen = resolveSeqLen(config, options);
    // Quantized weights are dequantized to bf16 for compute; float weights compute in their own type.
    r.activationDtype = (r.weightDtype == StorageDtype::Int8 || r.weightDtype == StorageDtype::Int4)
                            ? StorageDtype::BF16
                            : r.weightDtype;
    const ParameterCounts p = countParameters(config);
    r.parameters = p.total;
    for (StorageDtype t :
         {StorageDtype::F32, StorageDtype::BF16, StorageDtype::F16, StorageDtype::Int8, StorageDtype::Int4})
        r.weightsByDtype.push_back(WeightFootprint{t, bytesOf(p.total, t)});

    Builder b(r);
    const Inventory inv = inventory(config, p);
    r.trainableParameters = options.optimizer == Optimizer::None ? 0 : p.total;
    addWeights(b, r);
    if (options.optimizer == Optimizer::Adam8bit)
        addAdam8bit(b, r, inv);
    else if (options.optimizer == Optimizer::GaLore)
        addGalore(b, r, inv);
    else if (options.optimizer == Optimizer::LoRA)
        r.trainableParameters = addLora(b, r, inv);

    if (options.optimizer == Optimizer::None) {
        b.add("kv_cache", MemoryCategory::KvCache, "KV cache: keys and values of every layer", "2·L·K·h·B·T",
              r.activationDtype,
              productChecked({2, config.numHiddenLayers, config.numKeyValueHeads, config.headDim,
                              options.batch, r.options.seqLen},
                             "KV cache"));
    } else {
        addActivations(b, config, r, r.options.seqLen);
    }
    return r;
}

// ---- parsing sizes --------------------------------------------------------------------------

Count parseByteSize(std::string_view text, std::string_view what)
{
    constexpr std::string_view howTo = "write e.g. 80GiB, 24GB, 512MiB or a number of bytes";
    auto fail = [&](const std::string& why) {
        return InvalidArgument(badValueMessage(text, what, why, howTo));
    };
    const NumberAndUnit n = parseNumberAndUnit(text, what, howTo);
    const double value = n.value;
    const std::string& unit = n.unit;
    std::string lower;
    for (char ch : unit)
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    struct Unit {
        const char* name;
        double scale;
    };
    static constexpr Unit kUnits[] = {{"", 1},
                                      {"b", 1},
                                      {"k", 1024.0},
                                      {"kib", 1024.0},
                                      {"kb", 1e3},
                                      {"m", 1048576.0},
                                      {"mib", 1048576.0},
                                      {"mb", 1e6},
                                      {"g", 1073741824.0},
                                      {"gib", 1073741824.0},
                                      {"gb", 1e9},
                                      {"t", 1099511627776.0},
                                      {"tib", 1099511627776.0},
                                      {"tb", 1e12}};
    const Unit* unitFound = nullptr;
    for (const Unit& u : kUnits)
        if (lower == u.name)
            unitFound = &u;
    if (unitFound == nullptr)
        throw fail("has an unknown unit '" + unit + "'");
    const double bytes = value * unitFound->scale;
    if (!std::isfinite(bytes))
        throw fail("is not finite");
    if (bytes <= 0)
        throw fail("must be positive");
    if (bytes >= 9.2e18)
        throw fail("is too large");
    return static_cast<Count>(std::llround(bytes));
}

// ---- GaLore Table 2 -------------------------------------------------------------------------

std::span<const GaloreTable2Entry> galoreTable2()
{
    // Zhao et al. 2024, "GaLore: Memory-Efficient LLM Training by Gradient Low-Rank Projection",
    // Table 2 (ranks from its r/d_model row; Appendix C.2 for the estimate's scope).
    static constexpr GaloreTable2Entry kTable[] = {
        {"llama_60m", 128, 0.36, 0.24},
        {"llama_130m", 256, 0.76, 0.52},
        {"llama_350m", 256, 2.06, 1.22},
        {"llama_1b", 512, 7.80, 4.38},
    };
    return kTable;
}

std::vector<GaloreComparisonRow> compareWithGaloreTable2()
{
    std::vector<GaloreComparisonRow> rows;
    for (const GaloreTable2Entry& e : galoreTable2()) {
        const std::optional<LoadResult> loaded = loadBundled(e.config);
        if (!loaded || !loaded->config)
            throw std::logic_error("bundled config " + std::string(e.config) + " is missing");
        // The paper's scope: BF16 weights and BF16 optimizer state, no gradients or activations.
        MemoryOptions full;
        full.optimizer = Optimizer::Bf16Adam;
        full.weightDtype = StorageDtype::BF16;
        MemoryOptions galore = full;
        galore.optimizer = Optimizer::GaLore;
        galore.rank = e.rank;
        GaloreComparisonRow row;
        row.published = e;
        const MemoryReport fullReport = estimateMemory(*loaded->config, full);
        row.parameters = fullReport.parameters;
        row.fullRankBytes = fullReport.weightsAndOptimizerBytes();
        row.galoreBytes = estimateMemory(*loaded->config, galore).weightsAndOptimizerBytes();
        rows.push_back(row);
    }
    return rows;
}

} // namespace llamascope
