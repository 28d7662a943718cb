#pragma once
// Internal to the planner: the per-config constants a layout's memory and time are computed
// from, and the two functions that compute them. evaluateLayout() builds a PlanModel for one
// layout and asks for every term; planTraining() builds one PlanModel for the whole search and
// asks only for totals. Both go through composeStage() and stepTime(), so the search ranks
// exactly the numbers evaluateLayout() reports.

#include "llamascope/plan.hpp"

#include <map>
#include <memory>
#include <string_view>
#include <tuple>

namespace llamascope::plan_detail {

/// The model state of one GPU of one pipeline stage at one tensor-parallel size, before ZeRO.
struct StageState {
    std::vector<MemoryTerm> terms;
    Count parameters = 0;    ///< parameters on this GPU
    Count largestUnit = 0;   ///< parameters of the largest FSDP unit (a layer, embedding, lm_head)
    Count weightBytes = 0;   ///< Weights category
    Count gradientBytes = 0; ///< Gradients category
    Count embeddingRows = 0; ///< rows of the tied-embedding copy an output stage keeps, else 0
};

/// Everything about a layout that follows from its fields alone.
struct LayoutShape {
    Count layersPerStage = 0;
    Count shardDegree = 1; ///< ZeRO sharding degree: dp, or the in-node group when hybrid
    Count replicas = 1;    ///< hybrid: dp / shardDegree
    bool dpCrossesNodes = false;
    bool shardCrossesNodes = false;
    bool tpCrossesNodes = false;
    bool cpCrossesNodes = false;
    bool ppCrossesNodes = false;
};

/// Receives the memory terms of a stage. The totals-only sink ignores the texts.
class TermSink {
public:
    virtual ~TermSink() = default;
    /// `formula` is prefix + text + suffix, assembled only by sinks that keep it.
    virtual void add(std::string_view key, PlanMemoryGroup group, std::string_view label,
                     std::string_view prefix, std::string_view text, std::string_view suffix,
                     Count bytes) = 0;
};

class PlanModel {
public:
    /// `options` must be resolved (resolvePlanOptions).
    PlanModel(const ModelConfig& config, const ClusterSpec& cluster, const PlanOptions& options);

    [[nodiscard]] const ModelConfig& config() const { return config_; }
    /// The shape the planner reads (blockShapeOf(): the one place a config's fields are read).
    [[nodiscard]] const BlockShape& block() const { return block_; }
    [[nodiscard]] const ClusterSpec& cluster() const { return cluster_; }
    [[nodiscard]] const PlanOptions& options() const { return options_; }
    [[nodiscard]] const TrainingRecipe& recipe() const { return recipe_; }
    [[nodiscard]] Count seqLen() const { return seq_; }
    [[nodiscard]] double peakFlops() const { return peak_; }
    [[nodiscard]] StorageDtype computeDtype() const { return compute_; }

    /// An empty string when the layout is valid for this config and cluster, else why not.
    [[nodiscard]] std::string invalidReason(const ParallelLayout& l) const;
    [[nodiscard]] LayoutShape shape(const ParallelLayout& l) const;

    /// The state of `stage` at tensor parallel `tp` and `pp` stages (cached).
    const StageState& state(Count tp, Count pp, Count stage);
    /// The activation terms at (tp, sp, recompute) (cached).
    const std::vector<ActivationTerm>& activations(Count tp, bool sp, Recompute r);

    /// Bytes of the activation terms for one sequence, summed by where they are kept.
    struct ActivationBytes {
        Count layer = 0, workingSet = 0, microBatch = 0, embedding = 0, head = 0;
    };
    /// Summed once per (tp, sp, recompute, cp) from activations(): every activation dtype is a
    /// whole number of bytes, so b sequences take exactly b times these.
    const ActivationBytes& activationBytes(Count tp, bool sp, Recompute r, Count cp);

    /// Everything about a layout that does not depend on its micro-batch and accumulation: the
    /// search computes it once and then prices every micro-batch in a few operations.
    struct ClassData {
        LayoutShape shape;
        struct Stage {
            Count index = 0;
            Count state = 0;        ///< model state after ZeRO
            Count fixedBuffers = 0; ///< ZeRO-3 units or gradient buckets
            double gradientBytes = 0, weightBytes = 0, trainableWeightBytes = 0, optimizerSeconds = 0;
        };
        Stage stages[2];
        int stageCount = 1;
        ActivationBytes activation;  ///< per sequence
        Count keptLayer = 0;         ///< partial recompute: one kept (not recomputed) layer, per sequence
        Count recomputed = 0;        ///< layers per stage whose activations are recomputed
        Count bufferPerSequence = 0; ///< pipeline and ring-attention buffers per sequence
        Count embeddingRows = 0;     ///< the last stage's tied-embedding copy (all-reduced each step)
    };
    ClassData classData(const ParallelLayout& l);

    /// Memory of one GPU of `stage`: every term into `sink`; returns the total.
    Count composeStage(const ParallelLayout& l, const LayoutShape& shape, Count stage, TermSink& sink);
    /// The same total from the class sums (what the search uses; tests check they agree).
    Count stageTotal(const ParallelLayout& l, const ClassData& c, int stage) const;
    /// max over the first and last stage of stageTotal().
    Count peakTotal(const ParallelLayout& l, const ClassData& c) const;
    /// A lower bound of the peak memory that grows with the micro-batch (one micro-batch in
    /// flight): once it exceeds the device, no larger micro-batch fits.
    Count lowerBound(const ParallelLayout& l, const ClassData& c) const;

    struct Time {
        StepTime step;
        CommunicationVolume volume;
        double modelFlopsPerStep = 0;
        double hardwareFlopsPerStep = 0;
    };
    Time stepTime(const ParallelLayout& l, const ClassData& c) const;
    /// Compute + bubble + optimizer of stepTime(), without communication: a lower bound the
    /// search uses to skip layouts that cannot enter its list.
    [[nodiscard]] double stepTimeBound(const ParallelLayout& l, const ClassData& c) const;

    /// Model FLOPs per token under the MFU convention, and hardware/model for a recompute mode.
    [[nodiscard]] double modelFlopsPerToken() const { return modelPerToken_; }
    /// The MFU convention's key ("palm").
    [[nodiscard]] std::string_view conventionKey() const { return conventionKey_; }
    /// Training matmul FLOPs per token the pass executes (exact convention, no recompute):
    /// 3 × (L · layer forward + lm_head forward).
    [[nodiscard]] double executedFlopsPerToken() const
    {
        return 3 * (static_cast<double>(block_.layers) * layerForward_ + headForward_);
    }
    [[nodiscard]] double hardwareRatio(const ParallelLayout& l) const;
    /// Layers of each stage recomputed under `l` (all for full recompute unless limited).
    [[nodiscard]] Count recomputedLayers(const ParallelLayout& l) const;

private:
    ActivationOptions activationOptions(Count tp, bool sp, Recompute r) const;
    Count addState(const ParallelLayout& l, const LayoutShape& shape, Count stage, TermSink& sink);
    Count addBuffers(const ParallelLayout& l, const LayoutShape& shape, Count stage, TermSink& sink);
    [[nodiscard]] Count bufferPerSequence(const ParallelLayout& l) const;

    const ModelConfig& config_;
    ClusterSpec cluster_;
    PlanOptions options_;
    TrainingRecipe recipe_;
    BlockShape block_;
    Count seq_ = 0;
    StorageDtype compute_ = StorageDtype::BF16;
    double peak_ = 0;
    // FLOPs per token of the exact convention (what executes), per layer and for the lm_head.
    double layerForward_ = 0;
    double attentionCoreForward_ = 0;
    double headForward_ = 0;
    double modelPerToken_ = 0;
    std::string_view conventionKey_;
    std::map<std::tuple<Count, Count, Count>, StageState> states_;
    std::map<std::tuple<Count, bool, Recompute>, std::vector<ActivationTerm>> activations_;
    std::map<std::tuple<Count, bool, Recompute, Count>, ActivationBytes> activationBytes_;
};

/// The memory model's MemoryOptions for a plan (its batch and sequence fields unused).
MemoryOptions memoryOptionsOf(const PlanOptions& o);

/// The full evaluation through `model` (used by evaluateLayout and the search's top layouts).
LayoutEvaluation evaluate(PlanModel& model, const ParallelLayout& l, Count requestedSequences);

} // namespace llamascope::plan_detail
