#pragma once
// The config designer (SPEC §10): exhaustive, deterministic search for LLaMA shapes that hit
// a target (parameters, forward FLOPs per token, training memory on a device, or a compute
// budget), under shape constraints, ranked by target error and then by a shape score; and a
// ladder mode that fills a geometric series of sizes. docs/design-guide.md walks through it.
//
// Every number a candidate reports comes from the one core function that owns it:
// countParameters(), computeFlops()/exactMatmulFlops(), estimateMemory(), validateConfig().

#include "llamascope/config.hpp"
#include "llamascope/cost.hpp"
#include "llamascope/enum_table.hpp"
#include "llamascope/flops.hpp"
#include "llamascope/memory.hpp"
#include "llamascope/progress.hpp"
#include "llamascope/published.hpp"
#include "llamascope/table.hpp"

#include <nlohmann/json_fwd.hpp>

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace llamascope {

enum class DesignTargetKind {
    Params,         ///< total parameters N
    ForwardFlops,   ///< forward FLOPs per token at T, under one FLOP convention
    TrainingMemory, ///< bytes resident in a training step (estimateMemory().totalBytes())
    Compute,        ///< training compute C in FLOPs: Chinchilla N = sqrt(C/120), D = 20·N
};

std::string_view toString(DesignTargetKind k);

struct DesignTarget {
    DesignTargetKind kind = DesignTargetKind::Params;
    double value = 0; ///< parameters, FLOPs per token, bytes or FLOPs (> 0, finite)
    /// ForwardFlops: convention and T (0: the designed config's context length).
    FlopConventionId convention = FlopConventionId::Exact;
    Count flopSeqLen = 0;
    /// TrainingMemory: optimizer, batch, sequence, recompute... (seqLen 0: the context).
    MemoryOptions memory;
};

/// How intermediate_size follows from hidden_size.
enum class FfnRule {
    Llama, ///< LLaMA's FeedForward: f = m·ceil(floor(2·4d/3) / m), m = ffnMultiple (multiple_of)
    Ratio, ///< every multiple of ffnMultiple within ffnRatio·d·(1 ± ffnTolerance); the nearest
           ///< multiple when ffnTolerance is 0
};

enum class TieMode { Untied, Tied, Either };

/// "ratio", "llama".
const EnumTable<FfnRule>& ffnRuleTable();
/// "either", "tied", "untied".
const EnumTable<TieMode>& tieModeTable();
std::string_view toString(FfnRule r);
std::string_view toString(TieMode t);

/// Allowed hidden/layers ratios, inclusive.
struct NlBand {
    double low = 0;
    double high = 0;
};

/// ln(d/L) = intercept + slope·ln(N), least squares over a family; the band is the fit ±
/// the largest residual, so every member lies inside it. Outside the family's size range the
/// trend is held at the nearest end rather than extrapolated.
struct NlTrend {
    double slope = 0;
    double intercept = 0;
    double halfWidth = 0; ///< largest |residual|, in ln units
    double minParams = 0;
    double maxParams = 0;
    std::size_t configs = 0; ///< distinct shapes fitted

    [[nodiscard]] double center(double params) const; ///< the fitted d/L at N
    [[nodiscard]] NlBand band(double params) const;
};

/// Fits the trend over `family`, counting configs with the same (d, L, f, V) once.
/// Throws InvalidArgument for fewer than two distinct sizes.
NlTrend fitNlTrend(std::span<const ModelConfig> family);
/// fitNlTrend(bundledConfigs()).
NlTrend familyNlTrend();

/// How candidates that hit the target are ordered (docs/design-guide.md "Shape score").
enum class DesignRanking {
    Published,  ///< near the shapes released models use at that size (issue 15; the default)
    FamilyTrend ///< near one N/L line fitted to the bundled family (before issue 15)
};

/// "published", "family-trend".
const EnumTable<DesignRanking>& designRankingTable();
std::string_view toString(DesignRanking r);

/// The published shapes near one size (issue 15): a prior over the aspect ratio d/L.
/// Each dense model of the data set, of size N_i and shape (d_i, L_i), is moved to the target
/// size along the data set's own trends (ln d_i + a·(ln N − ln N_i), ln L_i + b·(ln N − ln N_i),
/// a and b least-squares slopes of ln d and ln L on ln N) and counts with weight
/// w_i = exp(−(ln N − ln N_i)² / (2·0.5²)) (×4 for the preferred family). The prior density of
/// (d, L) is Σ w_i·exp(−(ln(d/L) − ln(d_i'/L_i'))² / (2·0.15²)) / Σ w_i, in (0, 1]: the aspect
/// ratio alone, so a model whose larger FFN makes it narrower and shallower at the same d/L
/// (Qwen2.5-7B's 3584 × 28 next to 4096 × 32) is not penalised for it.
class ShapePrior {
public:
    /// `preferFamily`: a data set family key ("qwen2") whose members weigh 4×; `exclude`: a
    /// model left out (leave-one-out). Mixtures of experts are left out (their shape belongs
    /// to their active size, not their total).
    ShapePrior(double params, std::string_view preferFamily = {}, std::string_view exclude = {});

    /// sqrt(−2·ln density): 0 on the d/L of a published shape with all the weight, 1 about one
    /// kernel width (15 % in d/L) from it; at most 10.
    [[nodiscard]] double distance(Count hidden, Count layers) const;
    [[nodiscard]] double params() const { return params_; }
    /// Weighted geometric mean of the neighbours' moved d/L.
    [[nodiscard]] double center() const { return center_; }
    /// Smallest and largest moved d/L among neighbours with at least 10 % of the top weight.
    [[nodiscard]] NlBand range() const { return range_; }
    /// Those neighbours, heaviest first.
    [[nodiscard]] const std::vector<const PublishedModel*>& neighbours() const { return neighbours_; }
    [[nodiscard]] double widthSlope() const { return widthSlope_; }
    [[nodiscard]] double depthSlope() const { return depthSlope_; }

private:
    struct Point {
        double logAspect; ///< ln(d/L), moved to this size
        double weight;
    };
    double params_ = 0;
    double widthSlope_ = 0, depthSlope_ = 0;
    double center_ = 0;
    NlBand range_;
    std::vector<Point> points_;
    std::vector<const PublishedModel*> neighbours_;
};

/// The published model nearest to (d, L) in (ln d, ln L), other than `exclude`; ties go to
/// the earlier row. Mixtures of experts are skipped.
const PublishedModel* nearestPublished(Count hidden, Count layers, std::string_view exclude = {});

/// The `k` published models nearest to (d, L) in (ln d, ln L), nearest first.
std::vector<const PublishedModel*> nearestPublishedModels(Count hidden, Count layers, std::size_t k,
                                                          std::string_view exclude = {});

/// Where one config sits among the published shapes (`report`, issue 15).
struct PublishedPlacement {
    std::string name;
    Count parameters = 0;     ///< countParameters().total
    Count bodyParameters = 0; ///< without the embeddings, lm_head and position table (the prior's size)
    Count hidden = 0, layers = 0;
    double widthPerLayer = 0;
    NlBand range;                               ///< published d/L at this size (ShapePrior::range)
    double center = 0;                          ///< ShapePrior::center
    bool inside = false;                        ///< range.low <= d/L <= range.high
    double priorDistance = 0;                   ///< ShapePrior::distance(d, L)
    std::vector<const PublishedModel*> nearest; ///< three nearest published shapes
};

/// Counts `config`, builds the prior at its non-embedding size (no family preferred) and
/// places it. A config with the name of a published model is not its own neighbour.
PublishedPlacement placeAmongPublished(const ModelConfig& config);

/// One row per config: name, params, d × L, d/L, published range and centre, inside, prior
/// distance, nearest published shapes.
Table placementTable(const std::vector<PublishedPlacement>& rows);

/// True when both ends of a d/L band round to the same whole number: near the smallest sizes
/// one release can set the published range.
bool isSingleValue(const NlBand& band);
/// A d/L band in whole numbers, as `report` and the desktop app print it: "16–97", or "49"
/// when isSingleValue.
std::string formatBand(const NlBand& band);
nlohmann::ordered_json toJson(const PublishedPlacement& p);

/// An attention width other than the model's: H·headDim = ratio·d (DesignConstraints).
struct AttentionWidth {
    Count headDim = 0;
    double ratio = 1;
    bool operator==(const AttentionWidth&) const = default;
};

struct DesignConstraints {
    std::vector<Count> headDims = {64, 128}; ///< allowed head_dim values
    Count hiddenMultiple = 64;               ///< hidden_size is a multiple of this and of head_dim
    /// Raise the hidden multiple with the target size as released models do: 128 from 2B
    /// parameters, 256 from 20B (parameter and compute targets only).
    bool hiddenMultipleByScale = true;
    Count minHidden = 64;
    Count maxHidden = 32768;
    FfnRule ffnRule = FfnRule::Ratio;
    Count ffnMultiple = 64; ///< multiple_of (Llama rule) or the rounding multiple (Ratio rule)
    double ffnRatio = 8.0 / 3.0;
    /// Ratio rule: relative band around ffnRatio. 4 % stays inside the validator's 5 % note.
    double ffnTolerance = 0.04;
    /// Ratio rule: further target ratios (Llama-3's 3.5, Llama-3.2-1B's 4.0); each FFN size
    /// within the tolerance of any listed ratio is tried, and the score measures the distance
    /// to the nearest one.
    std::vector<double> extraFfnRatios;
    bool useNlBand = true;        ///< false: no N/L constraint (the trend still scores shapes)
    std::optional<NlBand> nlBand; ///< explicit band; unset: the family trend's band at each size
    Count minLayers = 1;
    Count maxLayers = 160;
    std::optional<Count> kvHeads; ///< fixed K (must divide H); unset: kvHeadChoices
    /// K values to try (0: K = H) when kvHeads is unset. Empty: by size — multi-head below 1B
    /// parameters; from 1B multi-head and 8 kv heads, GQA preferred (Llama 2 70B, Llama 3).
    std::vector<Count> kvHeadChoices;
    /// Query heads per kv head to try as well when kvHeads is unset (a --like preset's GQA
    /// groups: MobileLLM's 3, Gemma 2's 2): at a width with H heads, K = H / g where g divides H.
    std::vector<Count> kvGroupChoices;
    /// Attention widths to try besides hidden_size (a --like preset's: Qwen3-4B's 32 heads of 128
    /// on 2560 is 1.6·d, Gemma-2-2B's 8 of 256 on 2304 is 0.889·d). At width d the head count
    /// H = round(ratio·d / headDim) is tried with that head_dim (if allowed) when it divides d
    /// (so the file loads in transformers 5) and differs from d / headDim.
    std::vector<AttentionWidth> attentionWidths;
    TieMode tie = TieMode::Either;
    PositionType position = PositionType::Rope;
    ModelType modelType = ModelType::Llama; ///< the family the configs are written for
    DesignRanking ranking = DesignRanking::Published;
    std::string preferFamily; ///< data set family whose shapes weigh 4× in the prior ("qwen2")
    std::string excludeModel; ///< a published model the prior and the neighbours leave out
    /// The published model a --like preset copies (constraintsLike() with a model's name): its
    /// own width and depth are its choices, so the roundness terms do not count against them.
    std::string likeModel;
    Count vocab = 32000;
    Count context = 2048;
    /// Relative tolerance; unset: 1 %, or for a memory target 5 % below the budget.
    std::optional<double> tolerance;
    /// Drop candidates whose config.json would draw any validator finding (even a note).
    bool requireClean = true;
    /// An extra test every listed candidate must pass: "" accepts, anything else is the reason
    /// it is dropped (generate --fits sets it from the planner's fitFilter()). Not serialised.
    std::function<std::string(const ModelConfig&)> candidateFilter;
};

/// Throws InvalidArgument naming the first constraint that cannot hold (empty head_dim list,
/// min > max, vocab < 1, tolerance outside (0, 1), ...).
void checkConstraints(const DesignConstraints& constraints);

struct DesignCandidate {
    ModelConfig config;   ///< name is the file stem, e.g. "llama_500m"
    std::string fileName; ///< "llama_500m.json"
    Count parameters = 0;
    double achieved = 0; ///< in the target's unit (parameters for a compute target)
    double error = 0;    ///< (achieved − target) / target
    bool onTarget = false;
    double shapeScore = 0; ///< lower is better; see docs/design-guide.md "Shape score"
    double widthPerLayer = 0;
    double ffnRatio = 0;
    NlBand band; ///< the N/L band at this size (the published range widened, the trend's or the explicit one)
    double trendCenter = 0;   ///< the prior's centre (Published) or the trend's d/L at this size
    double priorDistance = 0; ///< ShapePrior::distance() of this d/L (Published ranking)
    std::string neighbour;    ///< "Qwen2.5-0.5B: 896 × 24, tied, GQA 14/2" (nearest published shape)
    /// Search hits folded into this row: its FFN sizes, kv heads and tying, and (published
    /// ranking) the shapes within 64 of its width and one layer of its depth.
    std::size_t variants = 1;
    std::size_t findings = 0; ///< validator findings of the file (0 when requireClean held)
    std::string reason;       ///< one line: why this shape
};

struct DesignResult {
    DesignTarget target;
    DesignTargetKind searchKind = DesignTargetKind::Params; ///< Compute searches parameters
    double targetValue = 0;                                 ///< what the search aimed at
    double tolerance = 0;
    std::optional<ComputeOptimal> compute; ///< set for a compute target
    NlTrend trend;
    DesignRanking ranking = DesignRanking::Published;
    /// Published ranking: the released models' d/L range at the target size (parameter and
    /// compute targets; for other targets, at the top candidate's size) and who sets it.
    std::optional<NlBand> publishedRange;
    double publishedCenter = 0;
    std::vector<std::string> publishedNeighbours;
    std::vector<DesignCandidate> candidates; ///< best first; distinct (d, L, H, K), see design()
    Count shapesConsidered = 0;              ///< (head_dim, hidden, tie) families the constraints allow
    Count shapesEvaluated = 0;               ///< (…, layers) shapes whose target metric was computed
    std::string note;                        ///< non-empty when the best candidate misses the target, etc.
};

/// Searches every (head_dim, hidden, ffn, tie, layers) the constraints allow. For each
/// (head_dim, hidden, ffn, tie) the target metric is monotone in the layer count, so a binary
/// search finds the layers within tolerance and the `topK` nearest on each side; no other
/// layer count can rank. Deterministic: ties break on hidden, layers, head_dim, tie, kv heads, FFN.
/// The top K are distinct (hidden, layers, heads, kv heads) shapes: FFN and tying variants of
/// one shape fold into its row (DesignCandidate::variants). Under the published ranking so do
/// the shapes within 64 of a listed row's width and one layer of its depth, and at most three
/// rows share a width.
/// Throws InvalidArgument for a bad target or constraints, Cancelled via `progress`.
DesignResult design(const DesignTarget& target, const DesignConstraints& constraints, std::size_t topK = 5,
                    Progress* progress = nullptr);

struct LadderResult {
    double from = 0;
    double to = 0;
    std::vector<double> targets;        ///< geometric series, parameters
    std::vector<DesignCandidate> rungs; ///< one per target
    NlTrend trend;
    std::string note;
};

/// `steps` >= 2 sizes from `fromParams` to `toParams` (geometric). Each rung's candidates come
/// from design(); a dynamic programme picks one per rung so that hidden size, layers and
/// head_dim never decrease, embeddings never go from untied back to tied, and the N/L ratio
/// follows the trend, minimising the summed shape scores (on-target candidates first).
LadderResult designLadder(double fromParams, double toParams, int steps, const DesignConstraints& constraints,
                          Progress* progress = nullptr);

/// Constraints that take their choices from published models (`--like`): `name` is a model
/// of the data set ("Qwen2.5-0.5B") or a family key ("qwen2"), case-insensitive. The result
/// allows the head_dims, kv head counts, GQA group sizes, attention widths (H·head_dim / d
/// where it is not 1) and FFN ratios the members use (a GELU/ReLU MLP's f/d counts as 2/3 of
/// it, the gated MLP with the same parameters) together with the common ones (head_dim 64 and
/// 128; multi-head and 8 kv heads; FFN 8/3, 3.5 and 4), their widths' common multiple
/// (64–256), their tying and position type; it writes their model type where it is one of the
/// nine and weighs their shapes 4× in the prior (and their FFN ratios by size in the score,
/// docs/design-guide.md). A single model also sets the vocabulary, the context and likeModel.
/// `exclude` leaves one model out (leave-one-out). Other fields come from `base`. Throws
/// InvalidArgument naming the closest names for an unknown one.
DesignConstraints constraintsLike(std::string_view name, const DesignConstraints& base = {},
                                  std::string_view exclude = {});

/// `digits` significant digits (2 or 3), trailing zeros dropped, lower-case suffix:
/// sizeLabel(498.3e6) -> "500m", sizeLabel(1.339e9) -> "1.3b", sizeLabel(125e6, 3) -> "125m",
/// sizeLabel(1.25e9, 3) -> "1.25b". Files are named with 3 digits for a parameter target (the
/// size the user asked for) and 2 for sizes the designer chose.
std::string sizeLabel(double params, int digits = 2);

/// Parses a count with an optional SI suffix: "500M", "1.5B", "70b", "2k", "1e21", "3T".
/// Throws InvalidArgument naming `what` for anything else, zero, negative or non-finite values.
double parseQuantity(std::string_view text, std::string_view what);

/// parseQuantity(), or the parameter count of a bundled config named `text` ("llama_9m").
double parseParamsOrBundled(std::string_view text, std::string_view what);

// ---- output forms ---------------------------------------------------------------------------

nlohmann::ordered_json toJson(const NlTrend& t);
nlohmann::ordered_json toJson(const DesignConstraints& c);
/// A candidate with its rank (1-based), shape, scores, reason and the HF config it writes.
nlohmann::ordered_json toJson(const DesignCandidate& c, std::size_t rank);
/// {"target", "compute"?, "trend", "shapes_considered", "shapes_evaluated", "note", "candidates"}.
nlohmann::ordered_json toJson(const DesignResult& r);
/// {"from", "to", "steps", "targets", "trend", "note", "rungs"}.
nlohmann::ordered_json toJson(const LadderResult& l);

/// One row per candidate: rank, params, achieved, error, d, L, heads × head_dim, kv,
/// FFN, ratio, N/L, band, tied, score, findings.
Table candidatesTable(const std::vector<DesignCandidate>& candidates, DesignTargetKind kind);
/// One row per rung, with the width and depth steps from the previous rung (as the family
/// report shows them for the bundled family).
Table ladderTable(const LadderResult& l);

} // namespace llamascope
