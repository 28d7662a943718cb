#pragma once
// Designing to a compute budget under a scaling law (docs/scaling.md "Designing to a budget"):
// the config (and token budget) with the lowest predicted loss for C, and ladders whose rungs
// spread evenly in log-compute for a later fit. Built on design() and designLadder(); the
// designer's own ranking is untouched — the law only sets the target size and re-orders the
// designer's candidates by predicted loss.

#include "llamascope/design.hpp"
#include "llamascope/scaling.hpp"

#include <nlohmann/json_fwd.hpp>

namespace llamascope {

/// A designer candidate with the law's view of it.
struct LawCandidate {
    DesignCandidate candidate;
    double lawParameters = 0; ///< N under the law's convention (exact, from the config)
    double tokens = 0;        ///< D = C / (6·N)
    LossPrediction predicted;
};

struct LawDesignResult {
    ScalingLaw law;
    double compute = 0;
    ComputeOptimum optimum;           ///< N_opt, D_opt in the law's convention
    double targetTotalParameters = 0; ///< the designer's target (total parameters)
    DesignResult design;              ///< the designer's own result at that target
    std::vector<LawCandidate>
        candidates; ///< lowest predicted loss first (to 1e-4; then the designer's order)
    std::string note;
};

/// The compute-optimal N under `law`, then design() for it (laws counting N another way than
/// total are matched by re-targeting once from the first candidate's own ratio), then each
/// candidate's D = C/6N and predicted loss; candidates are re-ordered by predicted loss.
/// Throws InvalidArgument (bad budget, constraints or law form), Cancelled via `progress`.
LawDesignResult designForCompute(const ScalingLaw& law, double compute, const DesignConstraints& constraints,
                                 std::size_t topK = 5, Progress* progress = nullptr);

struct ComputeLadderRung {
    DesignCandidate candidate;
    double compute = 0;           ///< this rung's budget, evenly spaced in log C
    double lawParameters = 0;     ///< N under the law's convention
    double tokens = 0;            ///< C / (6·N): the budget is met exactly
    double optimalParameters = 0; ///< the law's N_opt at this budget
    LossPrediction predicted;
};

struct ComputeLadderResult {
    ScalingLaw law;
    double from = 0, to = 0; ///< compute budgets
    std::vector<ComputeLadderRung> rungs;
    LadderResult ladder; ///< the designer's ladder the rungs come from
    std::string note;
};

/// `steps` budgets from `fromCompute` to `toCompute`, evenly spaced in log C; a designer ladder
/// between the law's optimal sizes at the two ends (a power law in C, so its geometric sizes
/// are the optimal sizes of the geometric budgets); each rung's D makes 6·N·D its budget.
ComputeLadderResult designComputeLadder(const ScalingLaw& law, double fromCompute, double toCompute,
                                        int steps, const DesignConstraints& constraints,
                                        Progress* progress = nullptr);

nlohmann::ordered_json toJson(const LawDesignResult& r);
nlohmann::ordered_json toJson(const ComputeLadderResult& r);
/// Rank, file, N (law), D, C, predicted loss and interval, on target, shape score.
Table lawCandidatesTable(const std::vector<LawCandidate>& candidates);
/// Rung, file, C, N (law), N_opt, D, D/N, predicted loss.
Table computeLadderTable(const ComputeLadderResult& r);

} // namespace llamascope
