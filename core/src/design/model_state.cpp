// Model state (model_state.hpp): the tensors a GPU holds and what each optimizer keeps for
// them. docs/memory.md "Training state per optimizer" derives the bytes; docs/planning.md the
// tensor- and pipeline-parallel split.

#include "llamascope/model_state.hpp"

#include "llamascope/errors.hpp"
#include "llamascope/params.hpp"

#include <algorithm>
#include <string>

namespace llamascope {

Count ParameterTensor::size() const
{
    return mulChecked(rows, cols, "parameter tensor");
}

Count ParameterTensor::total() const
{
    return mulChecked(size(), count, "parameters");
}

Count TensorInventory::total() const
{
    Count sum = 0;
    for (const ParameterTensor& t : tensors)
        sum = addChecked(sum, t.total(), "parameters");
    return sum;
}

namespace {

Count split(Count value, Count t, const char* what)
{
    if (value % t != 0)
        throw InvalidArgument("tensor parallelism of " + std::to_string(t) + " does not divide the " + what +
                              " (" + std::to_string(value) + ")");
    return value / t;
}

} // namespace

TensorInventory parameterInventory(const ModelConfig& c, const ShardSpec& shard)
{
    const Count t = shard.tensorParallel, p = shard.pipelineStages;
    if (t < 1 || p < 1)
        throw InvalidArgument("tensor and pipeline parallel sizes must be at least 1");
    if (shard.stage < 0 || shard.stage >= p)
        throw InvalidArgument("pipeline stage " + std::to_string(shard.stage) + " is outside 0.." +
                              std::to_string(p - 1));
    if (c.numHiddenLayers % p != 0)
        throw InvalidArgument("pipeline parallelism of " + std::to_string(p) + " does not divide the " +
                              std::to_string(c.numHiddenLayers) + " layers");
    // The config fields the state model reads; a new model family changes this function.
    const Count d = c.hiddenSize;
    const Count q =
        split(mulChecked(c.numAttentionHeads, c.headDim, "attention width"), t, "attention heads");
    const Count kv = split(mulChecked(c.numKeyValueHeads, c.headDim, "kv width"), t, "key/value heads");
    if (c.numAttentionHeads % t != 0 || c.numKeyValueHeads % t != 0)
        throw InvalidArgument("tensor parallelism of " + std::to_string(t) +
                              " must divide both the attention heads (" +
                              std::to_string(c.numAttentionHeads) + ") and the key/value heads (" +
                              std::to_string(c.numKeyValueHeads) + ")");
    const Count f = split(c.intermediateSize, t, "intermediate size");
    const Count n = c.numHiddenLayers / p;
    const bool first = shard.stage == 0, last = shard.stage == p - 1;
    const Count vocabRows = (shard.vocabParallel && t > 1) ? (c.vocabSize + t - 1) / t : c.vocabSize;

    TensorInventory inv;
    inv.layers = n;
    auto add = [&](std::string_view name, TensorRole role, Count rows, Count cols, Count count) {
        if (count > 0)
            inv.tensors.push_back(ParameterTensor{name, role, rows, cols, count});
    };
    if (first) {
        add("embed_tokens", TensorRole::Embedding, vocabRows, d, 1);
        if (c.positionType == PositionType::Learned)
            add("position_embeddings", TensorRole::PositionTable, c.contextLength, d, 1);
    }
    add("q_proj", TensorRole::Linear, q, d, n);
    add("k_proj", TensorRole::Linear, kv, d, n);
    add("v_proj", TensorRole::Linear, kv, d, n);
    add("o_proj", TensorRole::Linear, d, q, n);
    // The MLP: one, or E experts (each split t ways, Megatron-LM's default expert tensor
    // parallelism; expert parallelism is not modelled) and a replicated router d×E.
    const Count experts = c.mlp.moe() ? c.mlp.numExperts : 1;
    const Count mlpCount = mulChecked(n, experts, "parameters");
    if (c.mlp.gated)
        add(c.mlp.moe() ? "expert_gate_proj" : "gate_proj", TensorRole::Linear, f, d, mlpCount);
    add(c.mlp.moe() ? "expert_up_proj" : "up_proj", TensorRole::Linear, f, d, mlpCount);
    add(c.mlp.moe() ? "expert_down_proj" : "down_proj", TensorRole::Linear, d, f, mlpCount);
    if (c.mlp.moe())
        add("router", TensorRole::Linear, c.mlp.numExperts, d, n);
    // Norm gains: 2 per layer (pre- or post-norm) or 4 (Gemma 2's sandwich), replicated.
    add("layer_norms", TensorRole::Norm, d, 1, mulChecked(n, c.normsPerLayer(), "parameters"));
    if (c.attention.qkNorm == QkNorm::PerHead) {
        add("q_norm", TensorRole::Norm, c.headDim, 1, n); // one head-wide gain, replicated
        add("k_norm", TensorRole::Norm, c.headDim, 1, n);
    } else if (c.attention.qkNorm == QkNorm::Full) {
        add("q_norm", TensorRole::Norm, q, 1, n); // over the projection: split with its heads
        add("k_norm", TensorRole::Norm, kv, 1, n);
    }
    // q, k, v are column-parallel (bias split); o and down are row-parallel (bias added after
    // the all-reduce, replicated).
    if (c.attention.qkvBias) {
        add("q_proj_bias", TensorRole::Bias, q, 1, n);
        add("k_proj_bias", TensorRole::Bias, kv, 1, n);
        add("v_proj_bias", TensorRole::Bias, kv, 1, n);
    }
    if (c.attention.outputBias)
        add("o_proj_bias", TensorRole::Bias, d, 1, n);
    if (c.mlp.bias) {
        if (c.mlp.gated)
            add("gate_proj_bias", TensorRole::Bias, f, 1, mlpCount);
        add("up_proj_bias", TensorRole::Bias, f, 1, mlpCount);
        add("down_proj_bias", TensorRole::Bias, d, 1, mlpCount);
    }
    if (last) {
        add("norm", TensorRole::Norm, d, 1, 1);
        if (!c.tieWordEmbeddings)
            add("lm_head", TensorRole::LmHead, vocabRows, d, 1);
        else if (p > 1)
            add("lm_head_tied_copy", TensorRole::LmHead, vocabRows, d, 1);
    }
    return inv;
}

namespace {

bool isSixteen(StorageDtype t)
{
    return t == StorageDtype::BF16 || t == StorageDtype::F16;
}

bool isFloat(StorageDtype t)
{
    return isSixteen(t) || t == StorageDtype::F32;
}

bool adapterOptimizer(Optimizer o)
{
    return o == Optimizer::LoRA || o == Optimizer::QLoRA;
}

} // namespace

TrainingRecipe resolveRecipe(const MemoryOptions& o)
{
    const std::string name(toString(o.optimizer));
    TrainingRecipe r;
    r.optimizer = o.optimizer;
    const bool lowRank =
        o.optimizer == Optimizer::GaLore || o.optimizer == Optimizer::LoRA || o.optimizer == Optimizer::QLoRA;
    if (lowRank && o.rank < 1)
        throw InvalidArgument("optimizer " + name + " needs a rank of at least 1");
    r.rank = lowRank ? o.rank : 0;

    // Weights.
    const bool given = o.weightDtype.has_value();
    StorageDtype w = o.weightDtype.value_or(o.optimizer == Optimizer::AdamW   ? StorageDtype::F32
                                            : o.optimizer == Optimizer::QLoRA ? StorageDtype::Int4
                                                                              : StorageDtype::BF16);
    switch (o.optimizer) {
    case Optimizer::AdamW:
        if (given && w != StorageDtype::F32)
            throw InvalidArgument(
                "optimizer adamw keeps everything in fp32; use mixed-adamw or bf16-adam for "
                "16-bit weights");
        break;
    case Optimizer::MixedAdamW:
    case Optimizer::Bf16Adam:
        if (!isSixteen(w))
            throw InvalidArgument("optimizer " + name +
                                  " trains 16-bit weights: the weight dtype must be bf16 or "
                                  "fp16");
        break;
    case Optimizer::Adam8bit:
    case Optimizer::GaLore:
    case Optimizer::Adafactor:
    case Optimizer::Lion:
    case Optimizer::SgdMomentum:
        if (!isFloat(w))
            throw InvalidArgument(
                "optimizer " + name +
                " updates the weights themselves: the weight dtype must be fp32, bf16 or fp16 "
                "(int8/int4 weights are for inference or a frozen LoRA base)");
        break;
    case Optimizer::QLoRA:
        if (w != StorageDtype::Int4)
            throw InvalidArgument(
                "optimizer qlora stores its frozen base in 4-bit NF4: the weight dtype must be "
                "int4 (nf4) or left unset");
        break;
    case Optimizer::None:
    case Optimizer::LoRA: break;
    }
    r.weights = w;

    // Master copy.
    const bool updatesWeights = o.optimizer != Optimizer::None && !adapterOptimizer(o.optimizer);
    bool master = false;
    switch (o.optimizer) {
    case Optimizer::MixedAdamW: master = true; break;
    case Optimizer::Adafactor:
    case Optimizer::Lion:
    case Optimizer::SgdMomentum: master = isSixteen(w); break;
    default: master = false; break;
    }
    if (o.masterWeights) {
        if (*o.masterWeights && !updatesWeights)
            throw InvalidArgument(
                o.optimizer == Optimizer::None
                    ? std::string("inference keeps no master copy of the weights")
                    : "optimizer " + name +
                          " freezes the base weights (its adapters train in fp32): there is no "
                          "master copy");
        if (*o.masterWeights && !isSixteen(w))
            throw InvalidArgument("an fp32 master copy only exists for 16-bit weights (the weights are " +
                                  std::string(toString(w)) + ")");
        if (!*o.masterWeights && o.optimizer == Optimizer::MixedAdamW)
            throw InvalidArgument(
                "optimizer mixed-adamw is defined by its fp32 master copy; bf16-adam is Adam "
                "without one");
        if (*o.masterWeights && o.optimizer == Optimizer::Bf16Adam)
            throw InvalidArgument(
                "optimizer bf16-adam keeps no master copy; mixed-adamw is Adam with an fp32 "
                "master copy");
        master = *o.masterWeights;
    }
    r.masterWeights = master;

    // Gradients: the weights' dtype (fp32 adapters for LoRA/QLoRA), or fp32 when asked.
    StorageDtype g =
        adapterOptimizer(o.optimizer) ? StorageDtype::F32 : (isFloat(w) ? w : StorageDtype::BF16);
    if (o.gradDtype) {
        if (!updatesWeights && *o.gradDtype != StorageDtype::F32)
            throw InvalidArgument(o.optimizer == Optimizer::None
                                      ? std::string("inference has no gradients")
                                      : "optimizer " + name +
                                            " trains fp32 adapters; their gradients are fp32");
        if (o.optimizer == Optimizer::None)
            throw InvalidArgument("inference has no gradients");
        if (!isFloat(*o.gradDtype))
            throw InvalidArgument("gradients are fp32, bf16 or fp16 (not " +
                                  std::string(toString(*o.gradDtype)) + ")");
        if (o.optimizer == Optimizer::AdamW && *o.gradDtype != StorageDtype::F32)
            throw InvalidArgument("optimizer adamw keeps everything in fp32, gradients included");
        g = *o.gradDtype;
    }
    r.gradients = g;

    // Optimizer state: fp32 next to a master copy or fp32 weights, else the weights' dtype.
    r.state = (master || w == StorageDtype::F32 || adapterOptimizer(o.optimizer)) ? StorageDtype::F32
              : isFloat(w)                                                        ? w
                                                                                  : StorageDtype::F32;
    if (o.optimizer == Optimizer::MixedAdamW || o.optimizer == Optimizer::AdamW)
        r.state = StorageDtype::F32;
    return r;
}

StorageDtype computeDtypeOf(const TrainingRecipe& r)
{
    return isFloat(r.weights) ? r.weights : StorageDtype::BF16;
}

namespace {

class Sink {
public:
    explicit Sink(std::vector<MemoryTerm>& terms) : terms_(terms) {}

    void add(std::string_view key, MemoryCategory cat, std::string_view label, std::string formula,
             StorageDtype dtype, Count elements)
    {
        terms_.push_back(
            MemoryTerm{key, cat, label, std::move(formula), dtype, elements, bytesOf(elements, dtype)});
    }

    /// A term whose bytes are not elements × bits (quantization state).
    void addRaw(std::string_view key, MemoryCategory cat, std::string_view label, std::string formula,
                StorageDtype dtype, Count elements, Count bytes)
    {
        terms_.push_back(MemoryTerm{key, cat, label, std::move(formula), dtype, elements, bytes});
    }

private:
    std::vector<MemoryTerm>& terms_;
};

std::string_view gradientLabel(const TrainingRecipe& r, std::string_view plain)
{
    if (r.gradients == StorageDtype::F32 && r.weights != StorageDtype::F32)
        return "fp32 gradients (accumulated and reduced in fp32)";
    return plain;
}

void addMaster(Sink& s, const TrainingRecipe& r, Count N)
{
    if (r.masterWeights)
        s.add("master_weights", MemoryCategory::OptimizerState, "fp32 master weights", "N", StorageDtype::F32,
              N);
}

/// bitsandbytes Adam8bit: tensors of at least 4096 values keep m and v as uint8 with one fp32
/// absmax per 256-value block each; smaller tensors keep fp32 m and v (min_8bit_size).
void addAdam8bit(Sink& s, const TensorInventory& inv)
{
    constexpr Count kMin8bit = 4096, kBlock = 256;
    const char* what = "8-bit state";
    Count quantized = 0, blocks = 0, small = 0;
    for (const ParameterTensor& t : inv.tensors) {
        const Count n = t.size();
        if (n >= kMin8bit) {
            quantized = addChecked(quantized, mulChecked(n, t.count, what), what);
            blocks = addChecked(blocks, mulChecked((n + kBlock - 1) / kBlock, t.count, what), what);
        } else {
            small = addChecked(small, mulChecked(n, t.count, what), what);
        }
    }
    s.add("adam8bit_states", MemoryCategory::OptimizerState,
          "Adam m and v as uint8 (tensors of >= 4096 values)", "2·N_8bit", StorageDtype::Int8,
          mulChecked(2, quantized, what));
    s.add("adam8bit_absmax", MemoryCategory::OptimizerState, "fp32 absmax per 256-value block, m and v",
          "2·Σ ceil(n/256)", StorageDtype::F32, mulChecked(2, blocks, what));
    if (small != 0)
        s.add("adam_small_tensors", MemoryCategory::OptimizerState,
              "fp32 m and v of tensors below 4096 values (norm gains, biases)", "2·N_small",
              StorageDtype::F32, mulChecked(2, small, what));
}

/// GaLore: each attention/MLP matrix m×n (m <= n) keeps a projector m·r and Adam moments
/// 2·n·r in the projected space (r capped at m); every other tensor keeps full Adam moments.
void addGalore(Sink& s, const TrainingRecipe& r, const TensorInventory& inv, Count N)
{
    const char* what = "GaLore state";
    Count projectors = 0, moments = 0, projected = 0;
    for (const ParameterTensor& t : inv.tensors) {
        if (t.role != TensorRole::Linear)
            continue;
        const Count m = std::min(t.rows, t.cols), n = std::max(t.rows, t.cols);
        const Count rr = std::min(r.rank, m);
        projectors = addChecked(projectors, productChecked({m, rr, t.count}, what), what);
        moments = addChecked(moments, productChecked({2, n, rr, t.count}, what), what);
        projected = addChecked(projected, t.total(), what);
    }
    const Count rest = subChecked(N, projected, what);
    // The projector is stored like the weights; the moments like the optimizer state.
    s.add("galore_projectors", MemoryCategory::OptimizerState, "projectors P, one per attention/MLP matrix",
          "L·Σ m·r (m = min side)", r.weights, projectors);
    s.add("galore_moments", MemoryCategory::OptimizerState, "Adam m and v in the rank-r space",
          "L·Σ 2·n·r (n = max side)", r.state, moments);
    s.add("adam_unprojected", MemoryCategory::OptimizerState,
          "full Adam m and v of embeddings, lm_head, norms (and biases)", "2·(N − N_proj)", r.state,
          mulChecked(2, rest, what));
}

/// LoRA adapters A (r×in) and B (out×r) on every attention/MLP matrix, trained in fp32 with
/// AdamW (PEFT keeps adapters in fp32): weight, gradient, m and v, 16 B per adapter value.
/// With tensor parallelism the matrices are shards, so the split side of A or B shrinks too.
Count addAdapters(Sink& s, const TrainingRecipe& r, const TensorInventory& inv)
{
    Count adapters = 0;
    for (const ParameterTensor& t : inv.tensors)
        if (t.role == TensorRole::Linear)
            adapters = addChecked(
                adapters, productChecked({r.rank, addChecked(t.rows, t.cols, "LoRA"), t.count}, "LoRA"),
                "LoRA");
    s.add("lora_adapters", MemoryCategory::Weights, "adapters A and B on q,k,v,o,gate,up,down (fp32)",
          "L·Σ r·(in+out)", StorageDtype::F32, adapters);
    s.add("lora_gradients", MemoryCategory::Gradients, "adapter gradients (fp32)", "A", StorageDtype::F32,
          adapters);
    s.add("adam_m", MemoryCategory::OptimizerState, "Adam first moment of the adapters (fp32)", "A",
          StorageDtype::F32, adapters);
    s.add("adam_v", MemoryCategory::OptimizerState, "Adam second moment of the adapters (fp32)", "A",
          StorageDtype::F32, adapters);
    return adapters;
}

/// QLoRA (Dettmers et al. 2023, §3): every attention/MLP matrix in 4-bit NormalFloat with one
/// absmax per 64-value block; double quantisation stores those absmaxes as 8-bit values with
/// one fp32 scale per 256 of them (0.5 + 8/64 + 32/(64·256) bits... per value: 4.127 bits).
/// Embeddings, lm_head and norms stay in 16 bits (transformers keeps lm_head unquantised; the
/// embedding is not a Linear layer).
void addNf4Base(Sink& s, const TensorInventory& inv)
{
    constexpr Count kBlock = 64, kBlock2 = 256;
    const char* what = "NF4 state";
    Count quantized = 0, absmax = 0, scales = 0, rest = 0;
    for (const ParameterTensor& t : inv.tensors) {
        if (t.role != TensorRole::Linear) {
            rest = addChecked(rest, t.total(), what);
            continue;
        }
        const Count n = t.size();
        const Count blocks = (n + kBlock - 1) / kBlock;
        quantized = addChecked(quantized, t.total(), what);
        absmax = addChecked(absmax, mulChecked(blocks, t.count, what), what);
        scales = addChecked(scales, mulChecked((blocks + kBlock2 - 1) / kBlock2, t.count, what), what);
    }
    s.add("nf4_weights", MemoryCategory::Weights, "attention/MLP matrices in 4-bit NF4 (frozen)", "N_lin",
          StorageDtype::Int4, quantized);
    s.add("nf4_absmax", MemoryCategory::Weights, "8-bit absmax per 64-value block (double quantisation)",
          "Σ ceil(n/64)", StorageDtype::Int8, absmax);
    s.add("nf4_absmax_scales", MemoryCategory::Weights, "fp32 scale per 256 absmax values",
          "Σ ceil(ceil(n/64)/256)", StorageDtype::F32, scales);
    s.add("weights_16bit", MemoryCategory::Weights, "embeddings, lm_head and norms kept in bf16 (frozen)",
          "N − N_lin", StorageDtype::BF16, rest);
}

/// Adafactor (Shazeer & Stern 2018, §3; transformers' Adafactor with beta1 = None): a matrix
/// keeps a row and a column statistic of the squared gradient (rows + cols values), a vector
/// its full second moment; no first moment.
void addAdafactor(Sink& s, const TrainingRecipe& r, const TensorInventory& inv)
{
    const char* what = "Adafactor state";
    Count factored = 0, full = 0;
    for (const ParameterTensor& t : inv.tensors) {
        if (t.isMatrix())
            factored =
                addChecked(factored, mulChecked(addChecked(t.rows, t.cols, what), t.count, what), what);
        else
            full = addChecked(full, t.total(), what);
    }
    s.add("adafactor_factored", MemoryCategory::OptimizerState,
          "factored second moment: a row and a column statistic per matrix", "Σ (rows + cols)", r.state,
          factored);
    s.add("adafactor_unfactored", MemoryCategory::OptimizerState,
          "full second moment of vectors (norms, biases)", "N_vec", r.state, full);
}

} // namespace

Count appendModelState(std::vector<MemoryTerm>& terms, const TensorInventory& inv, const TrainingRecipe& r)
{
    Sink s(terms);
    const Count N = inv.total();
    const StorageDtype w = r.weights;
    switch (r.optimizer) {
    case Optimizer::None: s.add("weights", MemoryCategory::Weights, "weights", "N", w, N); return 0;
    case Optimizer::AdamW:
        s.add("weights", MemoryCategory::Weights, "fp32 weights", "N", w, N);
        s.add("gradients", MemoryCategory::Gradients, "fp32 gradients", "N", r.gradients, N);
        s.add("adam_m", MemoryCategory::OptimizerState, "Adam first moment (fp32)", "N", r.state, N);
        s.add("adam_v", MemoryCategory::OptimizerState, "Adam second moment (fp32)", "N", r.state, N);
        return N;
    case Optimizer::MixedAdamW:
        s.add("weights", MemoryCategory::Weights, "16-bit working weights", "N", w, N);
        s.add("gradients", MemoryCategory::Gradients, gradientLabel(r, "16-bit gradients"), "N", r.gradients,
              N);
        addMaster(s, r, N);
        s.add("adam_m", MemoryCategory::OptimizerState, "Adam first moment (fp32)", "N", r.state, N);
        s.add("adam_v", MemoryCategory::OptimizerState, "Adam second moment (fp32)", "N", r.state, N);
        return N;
    case Optimizer::Bf16Adam:
        s.add("weights", MemoryCategory::Weights, "16-bit weights", "N", w, N);
        s.add("gradients", MemoryCategory::Gradients, gradientLabel(r, "16-bit gradients"), "N", r.gradients,
              N);
        s.add("adam_m", MemoryCategory::OptimizerState, "Adam first moment (16-bit)", "N", r.state, N);
        s.add("adam_v", MemoryCategory::OptimizerState, "Adam second moment (16-bit)", "N", r.state, N);
        return N;
    case Optimizer::Adam8bit:
        s.add("weights", MemoryCategory::Weights, "weights", "N", w, N);
        s.add("gradients", MemoryCategory::Gradients, gradientLabel(r, "gradients"), "N", r.gradients, N);
        addMaster(s, r, N);
        addAdam8bit(s, inv);
        return N;
    case Optimizer::GaLore:
        s.add("weights", MemoryCategory::Weights, "weights", "N", w, N);
        s.add("gradients", MemoryCategory::Gradients,
              gradientLabel(r, "full-rank gradients (no per-layer update)"), "N", r.gradients, N);
        addMaster(s, r, N);
        addGalore(s, r, inv, N);
        return N;
    case Optimizer::LoRA:
        s.add("weights", MemoryCategory::Weights, "frozen base weights", "N", w, N);
        return addAdapters(s, r, inv);
    case Optimizer::QLoRA: addNf4Base(s, inv); return addAdapters(s, r, inv);
    case Optimizer::Adafactor:
        s.add("weights", MemoryCategory::Weights, "weights", "N", w, N);
        s.add("gradients", MemoryCategory::Gradients, gradientLabel(r, "gradients"), "N", r.gradients, N);
        addMaster(s, r, N);
        addAdafactor(s, r, inv);
        return N;
    case Optimizer::Lion:
        s.add("weights", MemoryCategory::Weights, "weights", "N", w, N);
        s.add("gradients", MemoryCategory::Gradients, gradientLabel(r, "gradients"), "N", r.gradients, N);
        addMaster(s, r, N);
        s.add("lion_momentum", MemoryCategory::OptimizerState, "Lion momentum (one buffer)", "N", r.state, N);
        return N;
    case Optimizer::SgdMomentum:
        s.add("weights", MemoryCategory::Weights, "weights", "N", w, N);
        s.add("gradients", MemoryCategory::Gradients, gradientLabel(r, "gradients"), "N", r.gradients, N);
        addMaster(s, r, N);
        s.add("sgd_momentum", MemoryCategory::OptimizerState, "SGD momentum buffer", "N", r.state, N);
        return N;
    }
    return N;
}

} // namespace llamascope
