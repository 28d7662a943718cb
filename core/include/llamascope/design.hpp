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
#include "llamascope/flops.hpp"
#include "llamascope/memory.hpp"
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

struct DesignConstraints {
    std::vector<Count> headDims = {64, 128}; ///< allowed head_dim values
    Count hiddenMultiple = 64;               ///< hidden_size is a multiple of this and of head_dim
    Count minHidden = 64;
    Count maxHidden = 32768;
    FfnRule ffnRule = FfnRule::Ratio;
    Count ffnMultiple = 64; ///< multiple_of (Llama rule) or the rounding multiple (Ratio rule)
    double ffnRatio = 8.0 / 3.0;
    /// Ratio rule: relative band around ffnRatio. 4 % stays inside the validator's 5 % note.
    double ffnTolerance = 0.04;
    bool useNlBand = true;        ///< false: no N/L constraint (the trend still scores shapes)
    std::optional<NlBand> nlBand; ///< explicit band; unset: the family trend's band at each size
    Count minLayers = 1;
    Count maxLayers = 160;
    std::optional<Count> kvHeads; ///< fixed K (must divide H); unset: multi-head (K = H)
    TieMode tie = TieMode::Either;
    PositionType position = PositionType::Rope;
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
    NlBand band; ///< the N/L band at this size (the trend's, or the explicit one)
    double trendCenter = 0;
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
    std::vector<DesignCandidate> candidates; ///< best first
    Count shapesConsidered = 0;              ///< (head_dim, hidden, tie) families the constraints allow
    Count shapesEvaluated = 0;               ///< (…, layers) shapes whose target metric was computed
    std::string note;                        ///< non-empty when the best candidate misses the target, etc.
};

/// Searches every (head_dim, hidden, ffn, tie, layers) the constraints allow. For each
/// (head_dim, hidden, ffn, tie) the target metric is monotone in the layer count, so a binary
/// search finds the layers within tolerance and the `topK` nearest on each side; no other
/// layer count can rank. Deterministic: ties break on hidden, layers, head_dim, tie.
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

/// One row per candidate: rank, file, params, achieved, error, d, L, heads × head_dim, kv,
/// FFN, ratio, N/L, band, tied, score, findings.
Table candidatesTable(const std::vector<DesignCandidate>& candidates, DesignTargetKind kind);
/// One row per rung, with the width and depth steps from the previous rung (as the family
/// report shows them for the bundled family).
Table ladderTable(const LadderResult& l);

} // namespace llamascope
