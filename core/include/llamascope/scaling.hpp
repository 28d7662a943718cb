#pragma once
// Scaling laws (SPEC §15, docs/scaling.md): fit L(N, D) = E + A/N^α + B/D^β to finished runs
// the way Hoffmann et al. 2022 (Approach 3) and Besiroglu et al. 2024 did, with bootstrap
// intervals; predict a loss with its interval; the compute-optimal N and D for a budget, the
// inference-aware optimum (Sardana et al. 2024) and the data-constrained one (Muennighoff et
// al. 2023).
//
// Units: N in parameters, D in tokens, C in FLOPs with C = 6·N·D (Kaplan et al. 2020;
// Hoffmann et al. 2022 §3), losses in nats per token as the runs report them.

#include "llamascope/enum_table.hpp"
#include "llamascope/progress.hpp"
#include "llamascope/runs.hpp"
#include "llamascope/table.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace llamascope {

/// The runs cannot support the fit asked for (too few runs or sizes for its free parameters,
/// nothing left after --drop-highest, no run at the requested tokens per parameter).
/// Front ends report it like a finding in the input (exit 1).
class ScalingDataError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Which law a fit or a law file holds.
enum class LawForm {
    ParamsData,   ///< L(N, D) = E + A/N^α + B/D^β (Hoffmann et al. 2022, Eq. 2)
    Params,       ///< L(N) = E + A/N^α at a fixed D/N (runs near tokensPerParam)
    ComputeFront, ///< L(C) = E + A/C^α along the compute frontier (lowest loss per compute)
};

/// "nd", "n", "c", each with its formula as help.
const EnumTable<LawForm>& lawFormTable();
std::string_view toString(LawForm f); ///< "nd", "n", "c"
std::string_view formula(LawForm f);  ///< "L(N, D) = E + A/N^α + B/D^β"
/// Free parameters: 5, 3, 3.
std::size_t freeParameters(LawForm f);
/// Fewest runs (frontier points for ComputeFront) a fit accepts: free parameters + 1, and
/// at least 3 distinct N (and 3 distinct D for ParamsData; 3 distinct C for ComputeFront).
std::size_t minimumRuns(LawForm f);

/// The five numbers. For Params and ComputeFront B = β = 0 and A, α refer to N or C.
struct LawParams {
    double E = 0, A = 0, B = 0, alpha = 0, beta = 0;
};

/// A law: its numbers, where they come from and (for fits) the bootstrap samples that give
/// every prediction an interval.
struct ScalingLaw {
    std::string name;   ///< "chinchilla", "besiroglu", "muennighoff", or a file stem
    std::string source; ///< citation (presets) or file path / runs table
    LawForm form = LawForm::ParamsData;
    LawParams params;
    ParamCount paramCount = ParamCount::Total;
    double tokensPerParam = 0;        ///< Params form: the D/N the law holds at
    std::vector<LawParams> bootstrap; ///< empty for presets
    std::uint64_t bootstrapSeed = 0;
    std::size_t runs = 0; ///< runs fitted (0 for presets)
    std::string note;     ///< e.g. how a preset was published

    /// L(N, D) (ParamsData), L(N) (Params; D ignored), L(C = x) (ComputeFront; pass C as N).
    [[nodiscard]] double loss(double n, double d) const;
};

/// L under `p` for `form` (see ScalingLaw::loss).
double lawLoss(LawForm form, const LawParams& p, double n, double d);

// ---- presets --------------------------------------------------------------------------------

/// Hoffmann et al. 2022, Approach 3 (§3.3, Eq. 10): E 1.69, A 406.4, B 410.7, α 0.34, β 0.28.
ScalingLaw chinchillaLaw();
/// Besiroglu et al. 2024 (Table 1, their refit of Hoffmann's Figure 4 data without the five
/// highest-loss runs): E 1.8172, A 482.01, B 2085.43, α 0.3478, β 0.3658.
ScalingLaw besirogluLaw();
/// Muennighoff et al. 2023 (their C4 fit, datablations README): a 6.255414, b 7.3049974,
/// e 0.6254804, α = β 0.3526596 — the law their data-constrained form was fitted with.
ScalingLaw muennighoffLaw();
/// Preset names, in the order help texts list them.
std::vector<std::string_view> lawPresetNames();
/// The law `predict` and `generate --compute-ladder` use when none is named.
inline constexpr std::string_view kDefaultLawName = "chinchilla";
std::optional<ScalingLaw> findPresetLaw(std::string_view name);

// ---- law files ------------------------------------------------------------------------------

/// The law file (docs/scaling.md "Law files"): {"llamascope_law": 1, "form", "name", "n_count",
/// "E", "A", "B", "alpha", "beta", "tokens_per_param"?, "runs", "source", "bootstrap"?}.
std::string lawFileText(const ScalingLaw& law);
/// Parses a law file; throws InvalidArgument naming `source` and the JSON pointer of the first
/// bad value.
ScalingLaw parseLawFile(std::string_view text, const std::string& source);
/// A preset name, or a law file (IoError if unreadable, InvalidArgument if malformed).
ScalingLaw resolveLaw(std::string_view presetOrPath);

// ---- fitting --------------------------------------------------------------------------------

struct FitOptions {
    LawForm form = LawForm::ParamsData;
    std::size_t dropHighest = 0;  ///< leave out the k runs with the highest loss (ties: later rows first)
    std::size_t bootstrap = 1000; ///< resamples; 0: no intervals
    std::uint64_t seed = 42;
    int threads = 2;
    double huberDelta = 1e-3;
    double confidence = 0.95; ///< of the percentile intervals
    /// Params form: use runs whose D/N is within ±ratioTolerance (relative) of this.
    double tokensPerParam = 20;
    double ratioTolerance = 0.10;
};

/// Throws InvalidArgument naming the bad option.
void checkFitOptions(const FitOptions& o);

struct Interval {
    double low = 0;
    double high = 0;
};

/// A fitted number with its bootstrap standard error and percentile interval (both 0 when
/// no bootstrap ran).
struct Estimate {
    double value = 0;
    double standardError = 0;
    Interval interval;
};

/// One row of the fit's parameter table.
struct FittedParameter {
    std::string_view name; ///< "E", "A", "B", "alpha", "beta"
    Estimate estimate;
};

struct FitResult {
    ScalingLaw law; ///< with bootstrap samples
    FitOptions options;
    std::string runsSource;
    std::vector<std::size_t> used;    ///< indices into the table's runs (or frontier points)
    std::vector<std::size_t> dropped; ///< left out by dropHighest
    std::vector<FittedParameter> parameters;
    double objective = 0; ///< Σ Huber_δ(log L̂ − log L) at the optimum
    double rmsLogResidual = 0;
    double maxAbsLogResidual = 0;
    std::vector<double> residuals; ///< log L − log L̂ per used point
    std::size_t starts = 0;        ///< L-BFGS starts on the grid
    std::size_t startsConverged = 0;
    std::size_t startsAtBest = 0; ///< starts that ended within 1e-6 (relative) of the best objective
    std::size_t bootstrapFailed = 0;
    /// ComputeFront: the frontier points fitted (C, loss), final runs and curve points alike.
    std::vector<std::pair<double, double>> frontier;
    std::vector<std::string> notes;
};

/// Fits `options.form` to `table`. Throws ScalingDataError when the runs cannot support it,
/// InvalidArgument for bad options, Cancelled via `progress` (checked between starts and
/// resamples). Deterministic for a seed, whatever the thread count.
FitResult fitLaw(const RunsTable& table, const FitOptions& options, Progress* progress = nullptr);

/// The starts of the L-BFGS grid (Besiroglu et al. 2024): α, β ∈ {0, 0.5, …, 2},
/// e ∈ {−1, −0.5, …, 1}, a, b ∈ {0, 5, …, 25}; 4,500 for L(N, D), 150 for one term.
std::size_t gridStarts(LawForm form);

/// The Huber objective of Besiroglu et al. 2024 at `p` over (N, D, loss) points, for tests and
/// benchmarks: Σ Huber_δ(LSE(a − α log N, b − β log D, e) − log L).
double huberObjective(const LawParams& p, std::span<const double> n, std::span<const double> d,
                      std::span<const double> loss, double delta = 1e-3);

// ---- predictions ----------------------------------------------------------------------------

struct LossPrediction {
    double parameters = 0;
    double tokens = 0;
    double compute = 0; ///< 6·N·D
    double loss = 0;
    double irreducible = 0;           ///< E
    double paramsTerm = 0;            ///< A/N^α
    double dataTerm = 0;              ///< B/D^β
    std::optional<Interval> interval; ///< bootstrap percentile interval when the law has samples
    double confidence = 0.95;
};

/// Loss at (N, D) under an L(N, D) law. Throws InvalidArgument for another form or
/// non-positive, non-finite inputs.
LossPrediction predictLoss(const ScalingLaw& law, double parameters, double tokens, double confidence = 0.95);

/// G = (αA / βB)^(1/(α+β)), a = β/(α+β), b = α/(α+β) (Hoffmann et al. 2022, Appendix D.2).
struct OptimalExponents {
    double G = 0;
    double a = 0; ///< N_opt = G·(C/6)^a
    double b = 0; ///< D_opt = G⁻¹·(C/6)^b
};
OptimalExponents optimalExponents(const LawParams& p);

struct ComputeOptimum {
    double compute = 0;
    double parameters = 0; ///< closed form
    double tokens = 0;     ///< closed form, = C / 6N
    double loss = 0;
    double tokensPerParam = 0;
    double numericParameters = 0; ///< minimiser of L(N, C/6N) found by golden-section search
    OptimalExponents exponents;
    std::optional<Interval> parametersInterval, tokensInterval, lossInterval;
    double confidence = 0.95;
};

/// The compute-optimal split of C under an L(N, D) law: N_opt = G·(C/6)^(β/(α+β)),
/// D_opt = G⁻¹·(C/6)^(α/(α+β)) (Hoffmann et al. 2022, Eq. 4 and Appendix D.2), with the
/// minimiser also found numerically as a check. Throws InvalidArgument for bad C or form.
ComputeOptimum computeOptimal(const ScalingLaw& law, double compute, double confidence = 0.95);

/// Sardana et al. 2024 ("Beyond Chinchilla-Optimal", §2): for a target loss ℓ and an expected
/// D_inf inference tokens, minimise training plus inference FLOPs 6·N·D_tr + 2·N·D_inf
/// subject to L(N, D_tr) = ℓ.
struct InferenceOptimum {
    double inferenceTokens = 0;
    double targetLoss = 0;
    double parameters = 0;
    double tokens = 0; ///< training tokens
    double trainingCompute = 0;
    double inferenceCompute = 0; ///< 2·N·D_inf
    double totalCompute = 0;
    ComputeOptimum chinchilla;         ///< the training-only optimum at the same loss
    double chinchillaTotalCompute = 0; ///< its training + inference FLOPs
    double savings = 0;                ///< 1 − total / chinchillaTotal
};

/// The target loss is the compute-optimal loss at training budget `compute` (what Chinchilla
/// scaling would reach with it). Throws InvalidArgument for bad inputs.
InferenceOptimum inferenceOptimal(const ScalingLaw& law, double compute, double inferenceTokens);
/// Same, for an explicit target loss (must be above E).
InferenceOptimum inferenceOptimalForLoss(const ScalingLaw& law, double targetLoss, double inferenceTokens);

/// Muennighoff et al. 2023 (Eq. 5, "Scaling Data-Constrained Language Models"): repeated data
/// and excess parameters decay in value with fitted constants R*_D = 15.387756 and
/// R*_N = 5.309743 (their C4 fit, datablations README).
inline constexpr double kMuennighoffRStarD = 15.387756;
inline constexpr double kMuennighoffRStarN = 5.309743;

/// L(N', D') with D' = U_D + U_D·R*_D·(1 − e^(−R_D/R*_D)), R_D = max(D/U_D − 1, 0), and
/// N' likewise with U_N = min(N, N_opt for U_D tokens), R_N = max(N/U_N − 1, 0).
double dataConstrainedLoss(const LawParams& p, double parameters, double tokens, double uniqueTokens);

struct DataConstrainedOptimum {
    double compute = 0;
    double uniqueTokens = 0;
    double parameters = 0;
    double tokens = 0;
    double epochs = 0;          ///< D / U_D
    double effectiveTokens = 0; ///< D'
    double effectiveParameters = 0;
    double loss = 0;
    ComputeOptimum unconstrained;    ///< the same budget with unlimited unique data
    double unconstrainedLossAtU = 0; ///< its split, trained on the U_D unique tokens repeated
};

/// Minimises dataConstrainedLoss(N, C/6N, U) over N (golden-section search on log N). Throws
/// InvalidArgument for bad inputs.
DataConstrainedOptimum dataConstrainedOptimal(const ScalingLaw& law, double compute, double uniqueTokens);

// ---- charts ---------------------------------------------------------------------------------

/// Everything a Scaling chart draws, in data units (log axes are the chart's business).
struct ScalingChartData {
    struct Point {
        double parameters, tokens, loss, compute;
        bool used; ///< fitted (false: dropped)
    };
    std::vector<Point> runs;
    /// Loss on a grid: tokens[j] × parameters[i], loss[i][j] = L(parameters[i], tokens[j]).
    std::vector<double> gridParameters, gridTokens;
    std::vector<std::vector<double>> gridLoss;
    /// Twelve losses inside the grid's range [lo, hi], evenly spaced in log(L − E):
    /// E + (lo − E)·((hi − E)/(lo − E))^(k/13), k = 1…12.
    std::vector<double> contourLevels;
    /// The compute-optimal frontier: (C, N_opt, D_opt, L) at compute budgets spread evenly in log C.
    struct FrontierPoint {
        double compute, parameters, tokens, loss;
    };
    std::vector<FrontierPoint> frontier;
    /// The iso-loss curves at contourLevels, traced exactly by isoLossCurve() (not from the grid).
    struct Contour {
        double loss;
        std::vector<std::pair<double, double>> points; ///< (N, D), N increasing
    };
    std::vector<Contour> contours;
};

/// The iso-loss curve L(N, D) = `loss` of an L(N, D) law inside [minParams, maxParams] ×
/// [minTokens, maxTokens], as (N, D) points with N increasing. Solving the law for one variable:
/// D(N) = (B / (ℓ − E − A/N^α))^(1/β) and N(D) = (A / (ℓ − E − B/D^β))^(1/α) (Hoffmann et al.
/// 2022, Eq. 2); `samples` log-spaced values of each axis are solved for the other, so the curve
/// is dense where it is steep and where it is flat. Empty when the level is not reached inside
/// the box (ℓ ≤ E is never reached). Throws InvalidArgument for non-positive or decreasing ranges.
std::vector<std::pair<double, double>> isoLossCurve(const LawParams& p, double loss, double minParams,
                                                    double maxParams, double minTokens, double maxTokens,
                                                    std::size_t samples = 96);

/// Chart data for an L(N, D) law over the runs (or, without runs, over the range given).
/// The grid spans the runs' N and D (padded ×3 each way) or [minParams, maxParams] ×
/// [minTokens, maxTokens]; `size` points per axis, log-spaced. `include` (N, D), e.g. the model
/// a front end predicts, widens the box to hold it, padded ×3 the same way.
ScalingChartData scalingChart(const ScalingLaw& law, const RunsTable* runs, const FitResult* fit,
                              std::size_t size = 48, double minParams = 1e7, double maxParams = 1e11,
                              double minTokens = 1e8, double maxTokens = 1e13,
                              std::optional<std::pair<double, double>> include = std::nullopt);
/// The same over the default ranges, the box widened to hold `include` (N, D).
ScalingChartData scalingChart(const ScalingLaw& law, const RunsTable* runs, const FitResult* fit,
                              std::optional<std::pair<double, double>> include, std::size_t size = 48);

// ---- output forms (schemas/analysis.schema.json) ---------------------------------------------

nlohmann::ordered_json toJson(const RunsTable& t);  ///< source, format, n_count, runs, notes
nlohmann::ordered_json toJson(const ScalingLaw& l); ///< the numbers and provenance; sample count only
nlohmann::ordered_json toJson(const FitResult& r, const RunsTable& t);
nlohmann::ordered_json toJson(const LossPrediction& p);
nlohmann::ordered_json toJson(const ComputeOptimum& o);
nlohmann::ordered_json toJson(const InferenceOptimum& o);
nlohmann::ordered_json toJson(const DataConstrainedOptimum& o);

/// Parameter, value, standard error, interval low and high (one row per fitted number).
Table fitParametersTable(const FitResult& r);
/// One row per run of the table: line, model, N, D, C, loss, predicted loss, log residual,
/// and whether the fit used it (dropped runs and, for L(N), runs off the D/N ratio are not).
Table fitRunsTable(const FitResult& r, const RunsTable& t);
/// Quantity, value, low, high: one row per number of a prediction or optimum (CSV output).
Table lossPredictionTable(const LossPrediction& p);
Table computeOptimumTable(const ComputeOptimum& o);
Table inferenceOptimumTable(const InferenceOptimum& o);
Table dataConstrainedTable(const DataConstrainedOptimum& o);

/// The fit as a readable report: what was fitted to what, the parameter table, residuals,
/// grid and bootstrap statistics, the compute-optimal exponents and every note. Markdown
/// (headings, tables) or plain text (aligned tables); `report --runs` and `fit` print it.
std::string fitReport(const FitResult& r, const RunsTable& t, bool markdown);

/// The paper-style side-by-side of a fit and a reference law (e.g. besiroglu): parameter,
/// reference, fit, difference.
Table lawComparisonTable(const ScalingLaw& fitted, const ScalingLaw& reference);

} // namespace llamascope
