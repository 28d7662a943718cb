// Designing to a compute budget under a scaling law: the law picks the size and the tokens, the
// designer picks the shape (docs/scaling.md "Designing to a budget").

#include "llamascope/scaling_design.hpp"

#include "llamascope/errors.hpp"
#include "llamascope/format.hpp"
#include "llamascope/params.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace llamascope {

namespace {

double lawCount(const ModelConfig& c, ParamCount convention)
{
    return static_cast<double>(countedParameters(countParameters(c), c.tieWordEmbeddings, convention));
}

/// The total-parameter target whose designs count `lawTarget` under the law's convention: for
/// `total` the target itself; otherwise one design at the target gives the ratio total / N_law
/// of a shape of that size, and the target is scaled by it.
double totalTargetFor(double lawTarget, ParamCount convention, const DesignConstraints& cons)
{
    if (convention == ParamCount::Total)
        return lawTarget;
    double target = lawTarget;
    for (int pass = 0; pass < 2; ++pass) {
        DesignTarget t;
        t.kind = DesignTargetKind::Params;
        t.value = target;
        const DesignResult r = design(t, cons, 1);
        if (r.candidates.empty())
            break;
        const ModelConfig& c = r.candidates.front().config;
        target = lawTarget * static_cast<double>(countParameters(c).total) / lawCount(c, convention);
    }
    return target;
}

} // namespace

LawDesignResult designForCompute(const ScalingLaw& law, double compute, const DesignConstraints& constraints,
                                 std::size_t topK, Progress* progress)
{
    LawDesignResult r;
    r.law = law;
    r.compute = compute;
    r.optimum = computeOptimal(law, compute);
    r.targetTotalParameters = totalTargetFor(r.optimum.parameters, law.paramCount, constraints);
    DesignTarget t;
    t.kind = DesignTargetKind::Params;
    t.value = r.targetTotalParameters;
    r.design = design(t, constraints, topK, progress);
    for (const DesignCandidate& c : r.design.candidates) {
        LawCandidate lc;
        lc.candidate = c;
        lc.lawParameters = lawCount(c.config, law.paramCount);
        lc.tokens = compute / (6.0 * lc.lawParameters);
        lc.predicted = predictLoss(law, lc.lawParameters, lc.tokens);
        r.candidates.push_back(std::move(lc));
    }
    // Lowest predicted loss first; on-target candidates before off-target ones, and the
    // designer's order among equal losses.
    std::stable_sort(r.candidates.begin(), r.candidates.end(),
                     [](const LawCandidate& a, const LawCandidate& b) {
                         if (a.candidate.onTarget != b.candidate.onTarget)
                             return a.candidate.onTarget;
                         return a.predicted.loss < b.predicted.loss;
                     });
    r.note = r.design.note;
    return r;
}

ComputeLadderResult designComputeLadder(const ScalingLaw& law, double fromCompute, double toCompute,
                                        int steps, const DesignConstraints& constraints, Progress* progress)
{
    if (!std::isfinite(fromCompute) || !std::isfinite(toCompute) || fromCompute <= 0 ||
        !(fromCompute < toCompute))
        throw InvalidArgument("a compute ladder runs from the smaller budget to the larger one");
    if (steps < 2 || steps > 64)
        throw InvalidArgument("a ladder has 2 to 64 steps");
    ComputeLadderResult r;
    r.law = law;
    r.from = fromCompute;
    r.to = toCompute;
    const ComputeOptimum lo = computeOptimal(law, fromCompute);
    const ComputeOptimum hi = computeOptimal(law, toCompute);
    r.ladder = designLadder(totalTargetFor(lo.parameters, law.paramCount, constraints),
                            totalTargetFor(hi.parameters, law.paramCount, constraints), steps, constraints,
                            progress);
    for (std::size_t i = 0; i < r.ladder.rungs.size(); ++i) {
        ComputeLadderRung rung;
        rung.candidate = r.ladder.rungs[i];
        rung.compute =
            fromCompute * std::pow(toCompute / fromCompute, static_cast<double>(i) / (steps - 1.0));
        rung.lawParameters = lawCount(rung.candidate.config, law.paramCount);
        rung.tokens = rung.compute / (6.0 * rung.lawParameters);
        rung.optimalParameters = computeOptimal(law, rung.compute).parameters;
        rung.predicted = predictLoss(law, rung.lawParameters, rung.tokens);
        r.rungs.push_back(std::move(rung));
    }
    r.note = r.ladder.note;
    return r;
}

nlohmann::ordered_json toJson(const LawDesignResult& r)
{
    nlohmann::ordered_json cands = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < r.candidates.size(); ++i) {
        const LawCandidate& c = r.candidates[i];
        cands.push_back({{"rank", i + 1},
                         {"file", c.candidate.fileName},
                         {"law_parameters", c.lawParameters},
                         {"tokens", c.tokens},
                         {"prediction", toJson(c.predicted)},
                         {"candidate", toJson(c.candidate, i + 1)}});
    }
    return {{"law", toJson(r.law)},
            {"compute", r.compute},
            {"optimum", toJson(r.optimum)},
            {"target_total_parameters", r.targetTotalParameters},
            {"note", r.note},
            {"candidates", cands}};
}

nlohmann::ordered_json toJson(const ComputeLadderResult& r)
{
    nlohmann::ordered_json rungs = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < r.rungs.size(); ++i) {
        const ComputeLadderRung& g = r.rungs[i];
        rungs.push_back({{"rung", i + 1},
                         {"file", g.candidate.fileName},
                         {"compute", g.compute},
                         {"law_parameters", g.lawParameters},
                         {"optimal_parameters", g.optimalParameters},
                         {"tokens", g.tokens},
                         {"prediction", toJson(g.predicted)},
                         {"candidate", toJson(g.candidate, i + 1)}});
    }
    return {{"law", toJson(r.law)},    {"from", r.from}, {"to", r.to},
            {"steps", r.rungs.size()}, {"note", r.note}, {"rungs", rungs}};
}

namespace {

Cell lossCell(const LossPrediction& p)
{
    std::string s = formatFixed(p.loss, 4);
    if (p.interval)
        s += " [" + formatFixed(p.interval->low, 4) + ", " + formatFixed(p.interval->high, 4) + "]";
    return Cell{s, formatNumber(p.loss)};
}

} // namespace

Table lawCandidatesTable(const std::vector<LawCandidate>& candidates)
{
    Table t;
    t.columns = {{"#", Align::Right},
                 {"File", Align::Left},
                 {"Params", Align::Right},
                 {"N (law)", Align::Right},
                 {"D", Align::Right},
                 {"D/N", Align::Right},
                 {"Predicted loss", Align::Left},
                 {"Target", Align::Left},
                 {"Score", Align::Right}};
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        const LawCandidate& c = candidates[i];
        t.addRow({Cell::count(static_cast<std::int64_t>(i + 1)), Cell::text(c.candidate.fileName),
                  Cell::count(c.candidate.parameters),
                  Cell{formatShort(c.lawParameters), formatNumber(c.lawParameters)},
                  Cell{formatShort(c.tokens), formatNumber(c.tokens)},
                  Cell::fixed(c.tokens / c.lawParameters, 1), lossCell(c.predicted),
                  Cell::text(c.candidate.onTarget ? "on" : "off"), Cell::fixed(c.candidate.shapeScore, 2)});
    }
    return t;
}

Table computeLadderTable(const ComputeLadderResult& r)
{
    Table t;
    t.columns = {{"#", Align::Right},       {"File", Align::Left},           {"C", Align::Right},
                 {"N (law)", Align::Right}, {"N_opt", Align::Right},         {"D", Align::Right},
                 {"D/N", Align::Right},     {"Predicted loss", Align::Left}, {"d", Align::Right},
                 {"L", Align::Right}};
    for (std::size_t i = 0; i < r.rungs.size(); ++i) {
        const ComputeLadderRung& g = r.rungs[i];
        t.addRow(
            {Cell::count(static_cast<std::int64_t>(i + 1)), Cell::text(g.candidate.fileName),
             Cell::scientific(g.compute), Cell{formatShort(g.lawParameters), formatNumber(g.lawParameters)},
             Cell{formatShort(g.optimalParameters), formatNumber(g.optimalParameters)},
             Cell{formatShort(g.tokens), formatNumber(g.tokens)}, Cell::fixed(g.tokens / g.lawParameters, 1),
             lossCell(g.predicted), Cell::count(g.candidate.config.hiddenSize),
             Cell::count(g.candidate.config.numHiddenLayers)});
    }
    return t;
}

} // namespace llamascope
