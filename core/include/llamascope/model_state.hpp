#pragma once
// Model state: the parameter tensors a GPU holds (whole model, or one tensor/pipeline shard)
// and what an optimizer keeps for them — weights, gradients, master copies, optimizer state.
// One model, used by estimateMemory() (one device) and by the planner (per GPU, then divided
// by the ZeRO stage). docs/memory.md derives every optimizer's bytes; docs/planning.md the
// sharding.

#include "llamascope/config.hpp"
#include "llamascope/memory.hpp"

#include <string_view>
#include <vector>

namespace llamascope {

/// What a parameter tensor is, as optimizers and sharding care: GaLore, LoRA and QLoRA act on
/// the attention/MLP matrices (Linear); tensor parallelism splits Linear, and Embedding/LmHead
/// when vocab-parallel; Adafactor factors every matrix.
enum class TensorRole { Linear, Embedding, LmHead, PositionTable, Norm, Bias };

/// `count` identical tensors of rows × cols values (cols = 1 for vectors), PyTorch layout
/// [out, in] for linear maps.
struct ParameterTensor {
    std::string_view name; ///< "q_proj", "embed_tokens", "input_layernorm", ...
    TensorRole role = TensorRole::Linear;
    Count rows = 0;
    Count cols = 1;
    Count count = 1;

    [[nodiscard]] Count size() const;  ///< rows × cols
    [[nodiscard]] Count total() const; ///< size × count
    [[nodiscard]] bool isMatrix() const { return rows > 1 && cols > 1; }
};

struct TensorInventory {
    std::vector<ParameterTensor> tensors;
    Count layers = 0; ///< decoder layers held

    [[nodiscard]] Count total() const;
};

/// How the model is split: Megatron-LM tensor parallelism (q, k, v, gate, up column-parallel;
/// o, down row-parallel; norms and row-parallel biases replicated; embedding and lm_head split
/// by vocabulary when vocab-parallel, V rounded up to a multiple of t) and pipeline stages of
/// L/p layers (embedding and position table on the first stage, final norm and lm_head on the
/// last; with tied embeddings and p > 1 the last stage holds its own copy of the embedding for
/// the output layer, as Megatron-LM does).
struct ShardSpec {
    Count tensorParallel = 1;
    bool vocabParallel = true;
    Count pipelineStages = 1;
    Count stage = 0; ///< 0 … pipelineStages − 1
};

/// The tensors one GPU holds. With the default ShardSpec: the whole model, which sums to
/// countParameters().total. Throws InvalidArgument when t does not divide the heads, kv heads
/// or FFN width, p does not divide the layers, or the stage is out of range.
TensorInventory parameterInventory(const ModelConfig& config, const ShardSpec& shard = {});

/// An optimizer with its precision, resolved from MemoryOptions.
struct TrainingRecipe {
    Optimizer optimizer = Optimizer::MixedAdamW;
    StorageDtype weights = StorageDtype::BF16; ///< working weights (the frozen base for LoRA)
    StorageDtype gradients = StorageDtype::BF16;
    StorageDtype state = StorageDtype::F32; ///< optimizer state (Adam m, v; momentum; factors)
    bool masterWeights = true;              ///< fp32 master copy of the weights
    Count rank = 0;                         ///< GaLore / LoRA / QLoRA rank
};

/// Applies each optimizer's defaults and checks the combination. Throws InvalidArgument naming
/// what cannot hold (int4 weights with AdamW, a master copy of fp32 weights, LoRA without a
/// rank, ...). Messages name options in neutral words; front ends add their flag names.
TrainingRecipe resolveRecipe(const MemoryOptions& options);

/// The compute dtype of activations under `recipe`: the weights', or bf16 for 8/4-bit weights.
StorageDtype computeDtypeOf(const TrainingRecipe& recipe);

/// Appends the weights, gradients, master copy and optimizer state of `inventory` under
/// `recipe` (MemoryCategory Weights, Gradients, OptimizerState) and returns the number of
/// trainable parameters. For Optimizer::None only the weights.
Count appendModelState(std::vector<MemoryTerm>& terms, const TensorInventory& inventory,
                       const TrainingRecipe& recipe);

} // namespace llamascope
