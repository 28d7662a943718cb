#pragma once
// The memory model (SPEC §8): what a training step or an inference pass keeps resident, as a
// per-term breakdown. docs/memory.md derives every term and lists what is not counted.
//
// Units: every term is an exact element count and an exact byte count (checked int64).
// Symbols: N parameters, d hidden, L layers, H heads, K kv heads, h head_dim, f intermediate,
// V vocab, B batch, T tokens per sequence, r rank (GaLore / LoRA).

#include "llamascope/config.hpp"
#include "llamascope/enum_table.hpp"
#include "llamascope/table.hpp"

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace llamascope {

/// Storage types for weights, optimizer state, activations and the KV cache.
enum class StorageDtype { F32, BF16, F16, Int8, Int4, F8 };

/// Names, aliases and help of each dtype (enum_table.hpp): CLI help, parsing and GUI lists.
const EnumTable<StorageDtype>& storageDtypeTable();
std::string_view toString(StorageDtype t);
/// "fp32"/"float32"/"f32", "bf16"/"bfloat16", "fp16"/"float16"/"f16"/"half", "int8", "int4",
/// "fp8" (e4m3 or e5m2: both 8 bits; for KV caches and inference weights).
std::optional<StorageDtype> storageDtypeFromString(std::string_view s);
/// Bits per element: 32, 16, 16, 8, 4, 8.
int bitsOf(StorageDtype t);
/// Exact bytes of `elements` values of `t` (int4 rounds a trailing half byte up).
Count bytesOf(Count elements, StorageDtype t);

/// The training regimes of SPEC §8 and issue 11, plus inference (no optimizer). The first four
/// Adam variants fix the precision too; the others take it from MemoryOptions (weight dtype,
/// master copy, gradient dtype). docs/memory.md gives the bytes per parameter of each.
enum class Optimizer {
    None,        ///< inference: weights + KV cache
    AdamW,       ///< everything fp32: weights, grads, m, v (16 B/param)
    MixedAdamW,  ///< 16-bit weights and grads; fp32 master copy, m, v (16 B/param, ZeRO's K = 12)
    Bf16Adam,    ///< weights, grads, m, v all 16-bit (8 B/param)
    Adam8bit,    ///< bitsandbytes blockwise 8-bit m and v (+ fp32 absmax per 256 values)
    GaLore,      ///< rank-r projected Adam on attention/MLP matrices (Zhao et al. 2024)
    LoRA,        ///< frozen base, rank-r adapters on q,k,v,o,gate,up,down (Hu et al. 2022)
    Adafactor,   ///< factored second moment, no first moment (Shazeer & Stern 2018)
    Lion,        ///< one momentum buffer (Chen et al. 2023)
    SgdMomentum, ///< SGD with one momentum buffer
    QLoRA,       ///< NF4 base with double quantisation + LoRA adapters (Dettmers et al. 2023)
};

const EnumTable<Optimizer>& optimizerTable();
std::string_view toString(Optimizer o);
/// Accepts the toString() names: none, adamw, mixed-adamw, bf16-adam, adam8bit, galore, lora,
/// adafactor, lion, sgd, qlora (and a few spellings: "adam-8bit", "8bit-adam", "mixed", "bf16",
/// "sgd-momentum").
std::optional<Optimizer> optimizerFromString(std::string_view s);

/// How attention keeps its activations for the backward pass.
enum class AttentionKernel {
    Flash,        ///< FlashAttention-2 semantics: Q, K, V, output and a log-sum-exp per row
    Eager,        ///< transformers' eager attention: the T×T probabilities (fp32 and compute dtype)
    Sdpa,         ///< transformers' sdpa path: K and V repeated to H heads, then PyTorch's fused
                  ///< kernel, which keeps a log-sum-exp per row instead of the T×T matrix
    FusedSoftmax, ///< Megatron-LM's unfused attention with the fused scale-mask-softmax kernel:
                  ///< the T×T probabilities in the compute dtype only, no mask tensor
};

const EnumTable<AttentionKernel>& attentionKernelTable();
std::string_view toString(AttentionKernel k);
/// "flash", "eager", "sdpa", "fused-softmax".
std::optional<AttentionKernel> attentionKernelFromString(std::string_view s);

struct MemoryOptions {
    Optimizer optimizer = Optimizer::MixedAdamW;
    /// Weight dtype; unset picks the optimizer's natural one (fp32 for adamw, bf16 otherwise).
    /// int8/int4 are only meaningful for inference and for LoRA's frozen base.
    std::optional<StorageDtype> weightDtype;
    Count rank = 0;         ///< GaLore / LoRA rank r (>= 1 for those, ignored otherwise)
    Count batch = 1;        ///< B, sequences per step (>= 1)
    Count seqLen = 0;       ///< T; 0 means the config's context length
    bool recompute = false; ///< full activation checkpointing: keep only each layer's input
    AttentionKernel attention = AttentionKernel::Flash;
    /// An fp32 master copy of 16-bit weights. Unset: the optimizer's default (mixed-adamw
    /// always; adafactor, lion and sgd with 16-bit weights; never for the others).
    std::optional<bool> masterWeights;
    /// Gradient dtype; unset: the weights' (fp32 for fp32 weights). fp32 gradients with 16-bit
    /// weights are Megatron-LM's --accumulate-allreduce-grads-in-fp32.
    std::optional<StorageDtype> gradDtype;
};

/// What a term belongs to. Training total = all but KvCache; inference total = Weights + KvCache.
enum class MemoryCategory { Weights, Gradients, OptimizerState, Activations, Logits, KvCache };

std::string_view toString(MemoryCategory c);

/// One named quantity. `key` and `label` point at static text.
struct MemoryTerm {
    std::string_view key; ///< stable snake_case id ("adam_m", "attn_probs_fp32", ...)
    MemoryCategory category = MemoryCategory::Weights;
    std::string_view label; ///< human description
    std::string formula;    ///< how `elements` is counted, in the symbols above
    StorageDtype dtype = StorageDtype::F32;
    Count elements = 0;
    Count bytes = 0;
};

/// Bytes of all N parameters at one dtype (the "weights by dtype" table).
struct WeightFootprint {
    StorageDtype dtype = StorageDtype::F32;
    Count bytes = 0;
};

struct MemoryReport {
    MemoryOptions options; ///< as given, with seqLen and weightDtype resolved
    StorageDtype weightDtype = StorageDtype::BF16;
    StorageDtype activationDtype = StorageDtype::BF16; ///< compute dtype of activations
    StorageDtype gradientDtype = StorageDtype::BF16;   ///< resolved (unused for inference)
    bool masterWeights = false;                        ///< an fp32 master copy is kept
    Count parameters = 0;                              ///< N, from countParameters()
    Count trainableParameters = 0;               ///< N, or the adapters' count for LoRA, 0 for inference
    std::vector<MemoryTerm> terms;               ///< in display order; see MemoryCategory
    std::vector<WeightFootprint> weightsByDtype; ///< fp32, bf16, fp16, int8, int4

    [[nodiscard]] Count bytes(MemoryCategory c) const;
    /// Weights + gradients + optimizer state.
    [[nodiscard]] Count modelStateBytes() const;
    /// Weights + optimizer state, without gradients: what the GaLore paper's Table 2 reports.
    [[nodiscard]] Count weightsAndOptimizerBytes() const;
    /// Everything resident at the peak of a step: training (model state + activations +
    /// logits) or inference (weights + KV cache).
    [[nodiscard]] Count totalBytes() const;
    [[nodiscard]] const MemoryTerm* find(std::string_view key) const;
};

/// The per-term breakdown for `config` under `options`. Throws InvalidArgument for options
/// that make no sense (batch < 1, rank < 1 for GaLore/LoRA, int4 weights with AdamW, ...)
/// and CountOverflow if a count does not fit in int64.
MemoryReport estimateMemory(const ModelConfig& config, const MemoryOptions& options);

/// KV cache bytes per token: 2·L·K·h·bytes(dtype) (keys and values of every layer, no window).
Count kvCacheBytesPerToken(const ModelConfig& config, StorageDtype dtype);

/// The (layer, token) pairs one sequence of `tokens` tokens keeps in its KV cache: every token
/// on a full-attention layer, at most W on a sliding layer. `window` > 0 puts a window of that
/// many keys on every layer; 0 takes the config's window on its sliding layers.
struct KvCacheShape {
    Count window = 0;        ///< W (0: none)
    Count slidingLayers = 0; ///< layers that keep at most W tokens
    Count windowTokens = 0;  ///< min(tokens, W) on a sliding layer (tokens when none)
    Count layerTokens = 0;   ///< (L − slidingLayers)·tokens + slidingLayers·windowTokens
};
KvCacheShape kvCacheShape(const ModelConfig& config, Count tokens, Count window = 0);

/// The share of a device left free for what the model does not count (CUDA context and
/// library workspaces, allocator fragmentation, activation gradients in flight): 10 %.
inline constexpr double kDefaultHeadroom = 0.10;

/// The fits / does-not-fit verdict, decided once for every front end.
struct DeviceFit {
    Count required = 0;  ///< bytes the model counts
    Count device = 0;    ///< the device's memory
    double headroom = 0; ///< fraction kept free
    Count usable = 0;    ///< device × (1 − headroom), rounded down
    bool fits = false;   ///< required <= usable
    double used = 0;     ///< required / device
    Count spare = 0;     ///< usable − required (negative when it does not fit)
};

/// Throws InvalidArgument for a headroom outside [0, 1), a device size below 1 or a negative
/// requirement.
DeviceFit fitOnDevice(Count requiredBytes, Count deviceBytes, double headroom = kDefaultHeadroom);

/// Parses a memory size: "80GiB", "24 GB", "512MiB", "1.5TiB", "7.8G" (bare K/M/G/T and
/// KiB... are binary; KB/MB/GB/TB are decimal), or a plain number of bytes.
/// Throws InvalidArgument naming `what` for anything else (negative, zero, NaN, > 2^63).
Count parseByteSize(std::string_view text, std::string_view what = "memory size");

// ---- The GaLore paper's Table 2, side by side -----------------------------------------------

/// One column of Zhao et al. 2024 ("GaLore", ICML), Table 2: a memory estimate of weights +
/// optimizer states in BF16, in the paper's "G".
struct GaloreTable2Entry {
    std::string_view config; ///< bundled config name
    Count rank = 0;          ///< GaLore rank used for that size
    double fullRankG = 0;    ///< published full-rank estimate
    double galoreG = 0;      ///< published GaLore estimate
};

/// The four published columns: llama_60m/130m/350m/1b.
std::span<const GaloreTable2Entry> galoreTable2();

/// Our estimate under the paper's assumptions next to the published figure.
struct GaloreComparisonRow {
    GaloreTable2Entry published;
    Count parameters = 0;
    Count fullRankBytes = 0; ///< BF16 weights + two BF16 Adam moments (no gradients)
    Count galoreBytes = 0;   ///< BF16 weights + GaLore state at `rank` (projectors + moments)
};

/// Runs estimateMemory() on the bundled configs with the paper's assumptions
/// (Optimizer::Bf16Adam and Optimizer::GaLore, BF16, weights + optimizer state only).
std::vector<GaloreComparisonRow> compareWithGaloreTable2();

// ---- output forms (CLI --format json and tables; the GUI's exports) --------------------------

/// {"parameters", "trainable_parameters", "options", "terms"[], "totals", "weights_by_dtype"}.
nlohmann::ordered_json toJson(const MemoryReport& r);
/// One object per GaLore Table 2 column: ours in bytes, the paper's in its "G".
nlohmann::ordered_json toJson(const std::vector<GaloreComparisonRow>& rows);

/// Every term: key, what, formula, dtype, elements, bytes.
Table memoryTermsTable(const MemoryReport& r);
/// The totals by category, and the weights + optimizer subtotal the GaLore paper reports.
Table memoryTotalsTable(const MemoryReport& r);

/// The training regimes compared side by side (the desktop app's memory chart and table):
/// adamw, mixed-adamw, bf16-adam, adam8bit, galore, lora.
std::span<const Optimizer> trainingOptimizers();
/// GaLore / LoRA rank the front ends start from (the rank of the GaLore paper's 60m run).
inline constexpr Count kDefaultLowRank = 128;
/// Training memory of one config per optimizer at the peak of a step: weights, gradients,
/// optimizer state, activations, logits and total. `base` gives batch, T, rank, recompute and
/// the attention kernel (its optimizer is replaced; a rank of 0 becomes kDefaultLowRank for
/// GaLore and LoRA). A regime the options cannot describe shows its error in place of numbers.
Table memoryByOptimizerTable(const ModelConfig& config, const MemoryOptions& base,
                             std::span<const Optimizer> optimizers = trainingOptimizers());
/// N at fp32, bf16, fp16, int8, int4.
Table weightsByDtypeTable(const MemoryReport& r);
/// Ours (GB and GiB) next to the paper's G, with the ratio.
Table galoreComparisonTable(const std::vector<GaloreComparisonRow>& rows);

} // namespace llamascope
