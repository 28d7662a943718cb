#pragma once
// The run planner (issue 11, SPEC §14): per-GPU memory and step time of a training layout —
// data parallel with ZeRO 0–3 / FSDP (and hybrid sharding over nodes), tensor, pipeline,
// sequence and context parallel, activation recomputation, micro-batching — and a search that
// ranks every layout that fits a cluster. docs/planning.md derives every term with its source.
//
// Every number comes from the core models it builds on: the state of each tensor from
// model_state.hpp, activations from activations.hpp, FLOPs from computeFlops() /
// exactMatmulFlops(), peaks from the accelerator table and link speeds from the interconnect
// table. Front ends only present a PlanResult (planColumns() is the table registry).

#include "llamascope/activations.hpp"
#include "llamascope/config.hpp"
#include "llamascope/cost.hpp"
#include "llamascope/enum_table.hpp"
#include "llamascope/flops.hpp"
#include "llamascope/interconnect.hpp"
#include "llamascope/memory.hpp"
#include "llamascope/model_state.hpp"
#include "llamascope/progress.hpp"
#include "llamascope/table.hpp"

#include <nlohmann/json_fwd.hpp>

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace llamascope {

/// ZeRO stages (Rajbhandari et al. 2020) and their FSDP names: 0 NO_SHARD, 2 SHARD_GRAD_OP,
/// 3 FULL_SHARD; stage 1 (optimizer state only) is Megatron-LM's distributed optimizer and has
/// no FSDP equivalent.
enum class ZeroStage { None = 0, OptimizerStates = 1, Gradients = 2, Parameters = 3 };

/// Names "0".."3"; aliases "zero0".."zero3" (also "zero-3", "zero_3"), "none", "ddp", "os",
/// "os+g", "os+g+p", "no_shard", "shard_grad_op", "full_shard" (or with '-'), "fsdp" (= 3).
/// Case is ignored ("ZeRO-3", "FULL_SHARD").
const EnumTable<ZeroStage>& zeroStageTable();
std::string_view toString(ZeroStage z); ///< "0", "1", "2", "3"
std::optional<ZeroStage> zeroStageFromString(std::string_view s);
/// "NO_SHARD", "SHARD_GRAD_OP", "FULL_SHARD", or "" for stage 1.
std::string_view fsdpShardingName(ZeroStage z);

/// One training layout. dp·tp·pp·cp GPUs; ranks are placed Megatron-LM's way (tensor parallel
/// innermost, then context, data, pipeline), so a tensor-parallel group shares a node.
struct ParallelLayout {
    Count dp = 1; ///< data-parallel replicas (the ZeRO sharding degree unless hybrid)
    Count tp = 1; ///< tensor parallel (Megatron-LM; Shoeybi et al. 2019)
    Count pp = 1; ///< pipeline stages (1F1B; Narayanan et al. 2021)
    Count cp = 1; ///< context parallel: the sequence split over cp ranks (ring attention)
    ZeroStage zero = ZeroStage::None;
    /// Shard within a node, replicate across nodes (FSDP HYBRID_SHARD for stage 3,
    /// _HYBRID_SHARD_ZERO2 for stage 2; DeepSpeed ZeRO++ hpZ).
    bool hybridShard = false;
    bool sequenceParallel = false; ///< with tp > 1 (Korthikanti et al. 2022)
    Recompute recompute = Recompute::None;
    /// With full recomputation: how many layers of each stage are recomputed (Megatron-LM's
    /// --recompute-method block); the others keep their activations. 0: every layer.
    Count recomputeLayers = 0;
    Count microBatch = 1;   ///< sequences per micro-batch per replica
    Count accumulation = 1; ///< micro-batches per step per replica (m)

    [[nodiscard]] Count gpus() const;
    [[nodiscard]] Count globalBatch() const; ///< sequences per step: dp·microBatch·accumulation
    /// "dp8 tp2 pp1 cp1 zero1 sp selective mb2×4".
    [[nodiscard]] std::string describe() const;
    friend bool operator==(const ParallelLayout&, const ParallelLayout&) = default;
};

/// The machines: one accelerator type, GPUs per node and the two link tables.
struct ClusterSpec {
    Accelerator device;
    Count gpus = 1;
    Count gpusPerNode = 8; ///< min(gpus, the node size)
    Interconnect intraNode;
    Interconnect interNode;
    double dollarsPerGpuHour = 0; ///< 0: no cost column

    [[nodiscard]] Count nodes() const;
};

/// ZeRO's division of one model-state term (Rajbhandari et al. 2020, §5.1): the optimizer state
/// (master copy included) is partitioned from stage 1, gradients from stage 2, weights from
/// stage 3, each over `degree` ranks (rounded up to whole bytes); anything else is unchanged.
Count zeroShardBytes(const MemoryTerm& term, ZeroStage zero, Count degree);

/// Builds a cluster of `gpus` `device`s. `gpusPerNode` 0 takes the node size the interconnect
/// table lists for the device (else 8), or gpus/nodes when `nodes` is given; the links default
/// to the table's node defaults for the device. Throws InvalidArgument for a GPU count that does
/// not fill whole nodes, an unknown link key or a device without defaults and no links given.
ClusterSpec makeCluster(const Accelerator& device, Count gpus, Count nodes, Count gpusPerNode,
                        const InterconnectTable& links, std::string_view intraKey = {},
                        std::string_view interKey = {});

/// Restrictions on the search: an unset field is searched over every valid value.
struct LayoutFilter {
    std::optional<Count> dp, tp, pp, cp, microBatch;
    std::optional<ZeroStage> zero;
    std::optional<Recompute> recompute;
    std::optional<Count> recomputeLayers; ///< with full recomputation; unset: every layer
    std::optional<bool> sequenceParallel;
    std::optional<bool> hybridShard;
    Count maxTensorParallel = 0; ///< 0: the GPUs of one node (a TP group never leaves a node)
};

struct PlanOptions {
    // The recipe (the memory model's options; batch, sequence and recompute come from the layout).
    Optimizer optimizer = Optimizer::MixedAdamW;
    std::optional<StorageDtype> weightDtype;
    Count rank = 0;
    std::optional<bool> masterWeights;
    std::optional<StorageDtype> gradDtype;
    // Kernels.
    AttentionKernel attention = AttentionKernel::Flash;
    bool fusedNorm = false;         ///< Apex/TE fused RMSNorm (default: transformers' unfused one)
    bool fusedSwiglu = false;       ///< fused SwiGLU kernel (keeps gate and up, recomputes SiLU)
    bool fusedCrossEntropy = false; ///< Megatron-LM's fused loss (default: transformers')
    bool vocabParallel = true;      ///< embedding and lm_head split by vocabulary under TP
    // The step.
    Count seqLen = 0;                   ///< s; 0: the config's context length
    double globalBatchTokens = 4194304; ///< tokens per optimizer step (4M = 2^22, LLaMA 2's)
    /// Layouts may round the global batch to a multiple of dp·micro-batch within this relative
    /// tolerance; ranking is by time per token, so rounded batches compare fairly.
    double batchTolerance = 0.05;
    double headroom = kDefaultHeadroom;
    /// Fraction of the peak the matmul-bound compute sustains (an HFU ceiling before
    /// communication and bubbles). 0.5: a documented assumption, see docs/planning.md.
    double efficiency = 0.5;
    std::optional<Precision> precision;                   ///< peak to use; unset: the compute dtype's
    FlopConventionId convention = FlopConventionId::Palm; ///< the MFU convention
    bool overlapCommunication = true; ///< data-parallel and context-parallel traffic hides behind compute
    /// Gradient-reduction bucket of DDP / ZeRO 1–2 (PyTorch DDP's bucket_cap_mb default, 25 MiB).
    Count bucketBytes = 25LL << 20;
    // The run.
    double tokens = 0; ///< training tokens; 0: Chinchilla's 20·N
    // The search.
    LayoutFilter filter;
    std::size_t top = 10; ///< layouts returned
};

/// What a per-GPU memory term belongs to, for the stacked bar of a view.
enum class PlanMemoryGroup { Weights, Gradients, MasterWeights, OptimizerStates, Activations, Buffers };

std::string_view toString(PlanMemoryGroup g);
std::span<const PlanMemoryGroup> planMemoryGroups();

struct PlanMemoryTerm {
    std::string key; ///< the memory model's key ("adam_m", "q_rope", ...) or a buffer's
    PlanMemoryGroup group = PlanMemoryGroup::Weights;
    std::string label;
    std::string formula; ///< how the bytes follow from the sharding, in docs/planning.md's symbols
    Count bytes = 0;
};

/// One pipeline stage's resident bytes per GPU at its peak.
struct StageMemory {
    Count stage = 0;      ///< 0 … pp − 1
    Count layers = 0;     ///< decoder layers on the stage
    Count inFlight = 0;   ///< micro-batches whose activations the stage holds (1F1B)
    Count parameters = 0; ///< parameters on one GPU of the stage (before ZeRO-3 sharding)
    std::vector<PlanMemoryTerm> terms;
    Count total = 0;

    [[nodiscard]] Count bytes(PlanMemoryGroup g) const;
};

/// Seconds per optimizer step, by cause. exposed* is communication that compute does not hide.
struct StepTime {
    double compute = 0; ///< m micro-batches on the busiest stage at efficiency × peak
    double bubble = 0;  ///< (p − 1) micro-batch slots of the busiest stage
    double exposedDataParallel = 0;
    double exposedTensorParallel = 0;
    double exposedPipeline = 0;
    double exposedContextParallel = 0;
    double optimizer = 0; ///< the optimizer step, bounded by memory bandwidth
    double total = 0;

    [[nodiscard]] double exposedCommunication() const;
};

/// Bytes one GPU sends per optimizer step, by parallelism (ring algorithms).
struct CommunicationVolume {
    double dataParallel = 0;
    double tensorParallel = 0;
    double pipeline = 0;
    double contextParallel = 0;
};

/// A whole run at this layout's speed.
struct RunEstimate {
    double tokens = 0;
    double steps = 0;
    double seconds = 0;
    double days = 0;
    double gpuHours = 0;
    double cost = 0; ///< gpuHours × $/GPU-hour (0 without a price)
};

struct LayoutEvaluation {
    ParallelLayout layout;
    Count seqLen = 0;
    Count globalBatchSequences = 0;
    double globalBatchTokens = 0;
    double batchDeviation = 0; ///< (actual − requested) / requested

    std::vector<StageMemory> stages; ///< the first and (if different) the last stage
    std::size_t peakStage = 0;       ///< index into stages of the largest
    DeviceFit fit;                   ///< the peak stage against the device and headroom

    StepTime time;
    CommunicationVolume communication;
    double modelFlopsPerStep = 0;    ///< the MFU convention's training FLOPs for the batch
    double hardwareFlopsPerStep = 0; ///< model FLOPs plus recomputation
    double tokensPerSecond = 0;
    double mfu = 0; ///< model FLOPs / (step time × GPUs × peak)
    double hfu = 0; ///< hardware FLOPs / (step time × GPUs × peak); equals mfu without recompute
    RunEstimate run;
    std::vector<std::string> notes;

    [[nodiscard]] const StageMemory& peak() const { return stages.at(peakStage); }
    [[nodiscard]] Count peakBytes() const { return peak().total; }
};

struct PlanResult {
    std::string model;
    Count parameters = 0;
    ClusterSpec cluster;
    PlanOptions options; ///< seqLen, tokens and precision resolved
    TrainingRecipe recipe;
    Count requestedSequences = 0; ///< globalBatchTokens / seqLen, rounded
    double peakFlopsPerGpu = 0;
    std::vector<LayoutEvaluation> layouts;   ///< fitting layouts, fastest (time per token) first
    std::optional<LayoutEvaluation> closest; ///< when nothing fits: the layout needing least memory
    Count enumerated = 0;                    ///< layouts evaluated
    Count fitting = 0;                       ///< of those, layouts that fit
    std::string note;
};

/// A global batch in tokens: "4M" (4,000,000), "4Mi" (4,194,304 = 2^22), "2097152", or in
/// sequences of `seqLen` tokens: "1024seq", "1024 sequences". Throws InvalidArgument naming
/// `what`.
double parseGlobalBatch(std::string_view text, Count seqLen, std::string_view what = "global batch");

/// Resolves the options (sequence length, tokens, precision) and checks them. Throws
/// InvalidArgument naming the option.
PlanOptions resolvePlanOptions(const ModelConfig& config, const ClusterSpec& cluster,
                               const PlanOptions& options);

/// Memory, time and run totals of one layout, term by term. Throws InvalidArgument when the
/// layout is not valid for the config and cluster (sizes that do not divide, dp·tp·pp·cp not
/// the cluster's GPUs, context parallelism without FlashAttention, ...).
LayoutEvaluation evaluateLayout(const ModelConfig& config, const ClusterSpec& cluster,
                                const PlanOptions& options, const ParallelLayout& layout);

/// Every valid layout of the cluster that the filter allows, evaluated; those that fit with the
/// headroom, ranked by time per token (then memory, then the layout's fields): the top
/// `options.top` in detail. Exhaustive; precomputes per-config constants and prunes
/// micro-batches that cannot fit. Progress and cancellation through `progress`.
PlanResult planTraining(const ModelConfig& config, const ClusterSpec& cluster, const PlanOptions& options,
                        Progress* progress = nullptr);

/// The same search by calling evaluateLayout() on every candidate: the benchmark's baseline
/// and the tests' oracle. Same result as planTraining().
PlanResult planTrainingNaive(const ModelConfig& config, const ClusterSpec& cluster,
                             const PlanOptions& options);

/// The run at a given MFU instead of the modelled step time: model FLOPs per token × tokens /
/// (GPUs × peak × mfu). What published GPU-hours are checked against.
RunEstimate runAtMfu(double modelFlopsPerToken, double tokens, Count gpus, double peakFlops, double mfu,
                     double dollarsPerGpuHour = 0);

// ---- does a config fit a cluster? (generate --fits) -------------------------------------------

/// "8xH100 zero3", "64×A100-80GB tp2 pp4", "2x rtx-4090 fsdp recompute", "16xh100 nodes=2":
/// GPU count and device, then any of zeroN/fsdp/ddp, tpN, ppN, cpN, dpN, sp, hybrid,
/// recompute[=none|selective|full] / selective / full-recompute, mbN, nodes=N.
struct FitSpec {
    std::string text;
    Count gpus = 0;
    std::string device; ///< accelerator key as written
    Count nodes = 0;    ///< 0: as few as the node size allows
    LayoutFilter filter;
};

/// Throws InvalidArgument naming the token it cannot read. `filter` holds what the text names.
FitSpec parseFitSpec(std::string_view text);

/// The layout a spec means: what it names, and the plain value of everything it does not
/// (tp = pp = cp = 1, ZeRO 0, no sequence parallelism, no hybrid sharding, no recomputation);
/// dp follows from the GPU count. "8xH100 zero3" is ZeRO-3 data parallelism over 8 GPUs.
LayoutFilter fixedLayoutOf(const FitSpec& spec);

/// The spec's cluster: its device from `accelerators`, links from `links`' node defaults.
ClusterSpec clusterOf(const FitSpec& spec, const AcceleratorTable& accelerators,
                      const InterconnectTable& links);

struct FitCheck {
    bool fits = false;
    std::optional<LayoutEvaluation> layout; ///< a fitting layout with the least memory, or the closest miss
    std::string reason;                     ///< one line for a report
};

/// Whether some layout the spec allows holds `config` with micro-batch `microBatch` at sequence
/// length `seqLen`, assuming a full pipeline (p micro-batches in flight). The recipe and kernels
/// come from `options` (its batch fields are ignored). Throws InvalidArgument for a bad spec.
FitCheck checkFit(const ModelConfig& config, const ClusterSpec& cluster, const PlanOptions& options,
                  const LayoutFilter& filter, Count microBatch);

/// A designer filter (DesignConstraints::candidateFilter): "" when checkFit() finds a layout,
/// else the reason. Captures copies of its arguments.
std::function<std::string(const ModelConfig&)> fitFilter(const ClusterSpec& cluster,
                                                         const PlanOptions& options,
                                                         const LayoutFilter& filter, Count microBatch);

// ---- inference ---------------------------------------------------------------------------------

struct InferenceOptions {
    Count batch = 1;        ///< sequences decoded together
    Count promptTokens = 0; ///< prefill length; 0: the context length
    Count generatedTokens = 256;
    StorageDtype weightDtype = StorageDtype::BF16;
    StorageDtype kvDtype = StorageDtype::BF16;
    /// Sliding-window attention keeps only the last W keys per layer. 0: the config's window on
    /// its sliding layers (Mistral: all, Gemma 2: every other one, Qwen2: from max_window_layers);
    /// W > 0: a window of W on every layer.
    Count slidingWindow = 0;
    Count tensorParallel = 1;
    double headroom = kDefaultHeadroom;
    double efficiency = 0.5; ///< prefill: fraction of peak, as for training
    /// Decode: fraction of the memory bandwidth reached when streaming weights and cache.
    double bandwidthEfficiency = 0.8;
};

struct InferencePlan {
    InferenceOptions options;
    Accelerator device;
    Count weightBytes = 0;         ///< per GPU
    Count kvBytesPerToken = 0;     ///< per GPU, all layers
    Count kvTokensPerSequence = 0; ///< tokens a full-attention layer keeps: prompt + generated
    Count slidingLayers = 0;       ///< layers that keep only the window
    Count kvWindowTokens = 0;      ///< tokens a sliding layer keeps: min(prompt + generated, W)
    Count kvBytesPerSequence = 0;  ///< per GPU, all layers
    Count kvBytes = 0;             ///< per GPU for the batch
    /// Mixture of experts: the expected share of expert weights one decode step reads, when each
    /// of the batch's tokens picks k of E experts uniformly: 1 − (1 − k/E)^batch. 1 when dense.
    double expertReadFraction = 1.0;
    DeviceFit fit;
    Count maxBatch = 0;      ///< the largest batch whose KV cache fits beside the weights
    double prefillFlops = 0; ///< forward FLOPs of the prompts (exact convention)
    double prefillSeconds = 0;
    double decodeSecondsPerToken = 0; ///< one decoding step of the whole batch
    double decodeBytesPerStep = 0;    ///< weights + KV cache read per step (per GPU)
    bool decodeBandwidthBound = true; ///< memory bandwidth, not compute, sets the step
    double tokensPerSecond = 0;       ///< batch / decode step
};

/// Throws InvalidArgument for bad options (batch < 1, t not dividing the heads, ...).
InferencePlan planInference(const ModelConfig& config, const Accelerator& device,
                            const InferenceOptions& options);

// ---- output forms ------------------------------------------------------------------------------

/// One column of the ranked-layout table (the compareColumns() pattern): one registry drives the
/// CLI's table and --columns, CSV/Markdown exports and a GUI model.
struct PlanColumn {
    std::string_view id;
    std::string_view header;
    std::string_view tooltip;
    Align align = Align::Right;
    bool defaultVisible = true;
    std::function<Cell(const LayoutEvaluation&, const PlanResult&)> cell;
    std::function<double(const LayoutEvaluation&, const PlanResult&)> value; ///< sortable; NaN for text
};

std::span<const PlanColumn> planColumns();
const PlanColumn* findPlanColumn(std::string_view id);

/// Rank, then the given columns (empty: the default ones). Throws InvalidArgument for an unknown id.
Table planTable(const PlanResult& result, const std::vector<std::string>& columnIds = {});
/// The peak stage's terms: key, group, what, formula, bytes.
Table planMemoryTable(const LayoutEvaluation& e);
/// Per group, for each stage held: bytes and share of the device.
Table planMemoryGroupsTable(const LayoutEvaluation& e, const ClusterSpec& cluster);
/// Compute, bubble, exposed communication by kind, optimizer: seconds and share of the step.
Table planTimeTable(const LayoutEvaluation& e);
Table interconnectsTable(const InterconnectTable& t);
Table inferenceTable(const InferencePlan& p);

nlohmann::ordered_json toJson(const ParallelLayout& l);
nlohmann::ordered_json toJson(const ClusterSpec& c);
nlohmann::ordered_json toJson(const LayoutEvaluation& e, std::size_t rank);
/// {"model", "parameters", "cluster", "options", "search", "layouts"[], "closest"?, "note"}.
nlohmann::ordered_json toJson(const PlanResult& r);
nlohmann::ordered_json toJson(const Interconnect& i);
nlohmann::ordered_json toJson(const InferencePlan& p);

} // namespace llamascope
