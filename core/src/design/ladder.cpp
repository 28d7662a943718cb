// Ladder mode: a geometric series of sizes, one design() per rung, joined by a dynamic
// programme so the ladder grows monotonically and follows the N/L trend (docs/design-guide.md
// "Ladders").

#include "llamascope/design.hpp"

#include "llamascope/errors.hpp"
#include "llamascope/format.hpp"
#include "llamascope/metrics.hpp"

#include <cmath>
#include <limits>
#include <set>
#include <string>

namespace llamascope {

namespace {

/// Maps a rung's progress into its slice of the whole ladder.
class RungProgress : public Progress {
public:
    RungProgress(Progress* outer, double begin, double width) : outer_(outer), begin_(begin), width_(width) {}

    void report(double fraction, std::string_view stage) override
    {
        if (outer_ != nullptr)
            outer_->report(begin_ + width_ * fraction, stage);
    }
    [[nodiscard]] bool isCancelled() const override { return outer_ != nullptr && outer_->isCancelled(); }

private:
    Progress* outer_;
    double begin_;
    double width_;
};

constexpr std::size_t kCandidatesPerRung = 40;
constexpr double kViolation = 50.0; // a step that shrinks width, depth or head_dim

double nodeCost(const DesignCandidate& c)
{
    // Off-target candidates only when no on-target one connects: every on-target shape
    // score is below 3 (N/L <= 1, FFN <= 1, head_dim 0.5, tie 0.25).
    return c.shapeScore + (c.onTarget ? 0.0 : 10.0 + 100.0 * std::fabs(c.error));
}

int violations(const DesignCandidate& a, const DesignCandidate& b)
{
    const ModelConfig& x = a.config;
    const ModelConfig& y = b.config;
    int v = 0;
    v += y.hiddenSize < x.hiddenSize;
    v += y.numHiddenLayers < x.numHiddenLayers;
    v += y.headDim < x.headDim;
    v += (y.tieWordEmbeddings && !x.tieWordEmbeddings);
    v += b.parameters <= a.parameters;
    return v;
}

double edgeCost(const DesignCandidate& a, const DesignCandidate& b, double halfWidth)
{
    // The N/L step should match the trend's step between the two sizes; FFN ratios should agree.
    const double nlStep =
        std::log(b.widthPerLayer / a.widthPerLayer) - std::log(b.trendCenter / a.trendCenter);
    const double ffnStep = std::fabs(b.ffnRatio - a.ffnRatio) / (0.05 * kSwiGluRatio);
    return std::fabs(nlStep) / std::max(halfWidth, 1e-9) + 0.5 * ffnStep + kViolation * violations(a, b);
}

} // namespace

LadderResult designLadder(double fromParams, double toParams, int steps, const DesignConstraints& constraints,
                          Progress* progress)
{
    if (!std::isfinite(fromParams) || !std::isfinite(toParams) || fromParams <= 0 || toParams <= 0)
        throw InvalidArgument("ladder ends must be positive, finite sizes");
    if (!(fromParams < toParams))
        throw InvalidArgument("a ladder runs from the smaller size to the larger one");
    if (steps < 2 || steps > 64)
        throw InvalidArgument("a ladder has 2 to 64 steps");
    checkConstraints(constraints);
    // A series follows one trend so that its steps stay smooth (the DP below scores the
    // bundled family's N/L line); the published prior ranks single designs, and its clusters
    // (MobileLLM's deep-thin next to LLaMA's d/L 128) would make rungs jump between them.
    // The other practitioner defaults (GQA, widths by scale) would jump too, so rungs keep
    // one head layout and width step throughout.
    DesignConstraints rungConstraints = constraints;
    rungConstraints.ranking = DesignRanking::FamilyTrend;
    rungConstraints.hiddenMultipleByScale = false;
    if (!rungConstraints.kvHeads && rungConstraints.kvHeadChoices.empty())
        rungConstraints.kvHeadChoices = {0};

    LadderResult ladder;
    ladder.from = fromParams;
    ladder.to = toParams;
    const auto n = static_cast<std::size_t>(steps);
    std::vector<std::vector<DesignCandidate>> options(n);
    for (std::size_t i = 0; i < n; ++i) {
        const double t = fromParams * std::pow(toParams / fromParams, static_cast<double>(i) / (steps - 1.0));
        ladder.targets.push_back(t);
        RungProgress rung(progress, static_cast<double>(i) / static_cast<double>(n),
                          1.0 / static_cast<double>(n));
        DesignTarget target;
        target.kind = DesignTargetKind::Params;
        target.value = t;
        DesignResult r = design(target, rungConstraints, kCandidatesPerRung, &rung);
        if (i == 0)
            ladder.trend = r.trend;
        if (r.candidates.empty())
            throw InvalidArgument("no shape satisfies the constraints at " + sizeLabel(t) + ": " + r.note);
        options[i] = std::move(r.candidates);
    }

    // The sizes the rungs can take at all: every rung's on-target candidates, by parameter
    // count. Fewer than `steps` of them and a ladder must repeat a shape.
    std::set<Count> reachable;
    for (const auto& rung : options)
        for (const DesignCandidate& c : rung)
            if (c.onTarget)
                reachable.insert(c.parameters);

    // best[i][j]: cheapest ladder ending in candidate j of rung i; from[i][j]: its predecessor.
    const double halfWidth = ladder.trend.halfWidth;
    std::vector<std::vector<double>> best(n);
    std::vector<std::vector<std::size_t>> from(n);
    for (std::size_t j = 0; j < options[0].size(); ++j)
        best[0].push_back(nodeCost(options[0][j]));
    from[0].assign(options[0].size(), 0);
    for (std::size_t i = 1; i < n; ++i) {
        for (const DesignCandidate& c : options[i]) {
            double bestCost = std::numeric_limits<double>::infinity();
            std::size_t bestK = 0;
            for (std::size_t k = 0; k < options[i - 1].size(); ++k) {
                const double cost = best[i - 1][k] + edgeCost(options[i - 1][k], c, halfWidth);
                if (cost < bestCost) {
                    bestCost = cost;
                    bestK = k;
                }
            }
            best[i].push_back(bestCost + nodeCost(c));
            from[i].push_back(bestK);
        }
    }
    std::size_t j = 0;
    for (std::size_t k = 1; k < best[n - 1].size(); ++k)
        if (best[n - 1][k] < best[n - 1][j])
            j = k;
    std::vector<std::size_t> pick(n);
    for (std::size_t i = n; i-- > 0;) {
        pick[i] = j;
        j = from[i][j];
    }

    // Two rungs of one shape are not a ladder: refuse, and say how many distinct rungs exist.
    std::set<Count> picked;
    for (std::size_t i = 0; i < n; ++i)
        picked.insert(options[i][pick[i]].parameters);
    if (picked.size() < n) {
        std::string sizes;
        for (const Count p : reachable)
            sizes += (sizes.empty() ? "" : ", ") + formatShort(static_cast<double>(p));
        const std::string range = "from " + formatShort(fromParams) + " to " + formatShort(toParams);
        if (reachable.size() < n)
            throw InvalidArgument("a ladder " + range + " cannot have " + std::to_string(steps) +
                                  " distinct rungs under these constraints: only " +
                                  std::to_string(reachable.size()) + " distinct size" +
                                  (reachable.size() == 1 ? "" : "s") + " lie on a rung's target" +
                                  (sizes.empty() ? "" : " (" + sizes + ")") + "; ask for at most " +
                                  std::to_string(std::max<std::size_t>(reachable.size(), 2)) +
                                  " rungs, a wider range, or finer shape constraints");
        throw InvalidArgument(
            "a ladder " + range + " would repeat a shape: " + std::to_string(reachable.size()) +
            " distinct sizes lie on the rungs' targets, but no ladder that grows monotonically "
            "picks " +
            std::to_string(steps) + " different ones; ask for fewer rungs or a wider range");
    }

    std::set<std::string> names;
    int broken = 0, offTarget = 0;
    for (std::size_t i = 0; i < n; ++i) {
        DesignCandidate c = options[i][pick[i]];
        if (i > 0)
            broken += violations(ladder.rungs.back(), c);
        offTarget += !c.onTarget;
        // The rung sizes are the designer's geometric series, so they are named with two
        // digits like any size the designer chose; two rungs can round alike, keep them apart.
        const std::string base =
            "llama_" + sizeLabel(c.onTarget ? ladder.targets[i] : static_cast<double>(c.parameters));
        std::string stem = base;
        for (int k = 2; names.count(stem) != 0; ++k)
            stem = base + "_" + std::to_string(k);
        names.insert(stem);
        c.config.name = stem;
        c.fileName = stem + ".json";
        ladder.rungs.push_back(std::move(c));
    }
    if (broken > 0)
        ladder.note = "no fully monotone ladder exists among each rung's best candidates; " +
                      std::to_string(broken) + " step(s) shrink width, depth or head_dim";
    if (offTarget > 0)
        ladder.note += std::string(ladder.note.empty() ? "" : "; ") + std::to_string(offTarget) +
                       " rung(s) miss their size (see each rung's reason)";
    return ladder;
}

} // namespace llamascope
