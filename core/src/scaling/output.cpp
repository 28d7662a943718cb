// JSON forms and tables of scaling results. The shapes are the published contract in
// schemas/analysis.schema.json ($defs fitResult, scalingLaw, lossPrediction, ...).

#include "llamascope/scaling.hpp"

#include "llamascope/format.hpp"

#include <nlohmann/json.hpp>

#include <cmath>

namespace llamascope {

namespace {

nlohmann::ordered_json interval(const std::optional<Interval>& i)
{
    if (!i)
        return nullptr;
    return nlohmann::ordered_json{{"low", i->low}, {"high", i->high}};
}

const char* sourceName(ModelSource s)
{
    switch (s) {
    case ModelSource::Number: return "count";
    case ModelSource::Bundled: return "bundled";
    case ModelSource::File: return "file";
    }
    return "count";
}

} // namespace

nlohmann::ordered_json toJson(const RunsTable& t)
{
    return {{"source", t.source},
            {"format", std::string(toString(t.format))},
            {"n_count", std::string(toString(t.paramCount))},
            {"runs", t.runs.size()},
            {"runs_from_configs", t.runsFromConfigs},
            {"notes", t.notes}};
}

nlohmann::ordered_json toJson(const ScalingLaw& l)
{
    nlohmann::ordered_json j{{"name", l.name},
                             {"source", l.source},
                             {"form", std::string(toString(l.form))},
                             {"formula", std::string(formula(l.form))},
                             {"n_count", std::string(toString(l.paramCount))},
                             {"E", l.params.E},
                             {"A", l.params.A},
                             {"alpha", l.params.alpha}};
    if (l.form == LawForm::ParamsData) {
        j["B"] = l.params.B;
        j["beta"] = l.params.beta;
    }
    if (l.form == LawForm::Params)
        j["tokens_per_param"] = l.tokensPerParam;
    j["runs"] = l.runs;
    j["bootstrap_samples"] = l.bootstrap.size();
    j["note"] = l.note;
    return j;
}

nlohmann::ordered_json toJson(const FitResult& r, const RunsTable& t)
{
    nlohmann::ordered_json params = nlohmann::ordered_json::object();
    for (const FittedParameter& p : r.parameters)
        params[std::string(p.name)] = {{"value", p.estimate.value},
                                       {"standard_error", p.estimate.standardError},
                                       {"low", p.estimate.interval.low},
                                       {"high", p.estimate.interval.high}};
    nlohmann::ordered_json dropped = nlohmann::ordered_json::array();
    for (std::size_t i : r.dropped)
        dropped.push_back({{"line", t.runs[i].line}, {"model", t.runs[i].model}, {"loss", t.runs[i].loss}});
    nlohmann::ordered_json runs = nlohmann::ordered_json::array();
    const bool perRun = r.law.form != LawForm::ComputeFront;
    std::vector<int> usedAt(t.runs.size(), -1);
    for (std::size_t k = 0; k < r.used.size(); ++k)
        usedAt[r.used[k]] = static_cast<int>(k);
    for (std::size_t i = 0; i < t.runs.size(); ++i) {
        const ScalingRun& run = t.runs[i];
        nlohmann::ordered_json row{{"line", run.line},
                                   {"model", run.model},
                                   {"n_source", sourceName(run.source)},
                                   {"parameters", run.parameters},
                                   {"tokens", run.tokens},
                                   {"compute", run.compute},
                                   {"loss", run.loss},
                                   {"used", usedAt[i] >= 0}};
        if (perRun) {
            const double predicted = r.law.loss(run.parameters, run.tokens);
            row["predicted"] = predicted;
            row["log_residual"] = std::log(run.loss) - std::log(predicted);
        }
        runs.push_back(std::move(row));
    }
    nlohmann::ordered_json j{
        {"form", std::string(toString(r.law.form))},
        {"formula", std::string(formula(r.law.form))},
        {"n_count", std::string(toString(r.law.paramCount))},
        {"method", "Huber loss (delta " + formatNumber(r.options.huberDelta) +
                       ") on log-loss residuals, log-sum-exp parametrisation, L-BFGS from " +
                       std::to_string(r.starts) +
                       " grid starts (Hoffmann et al. 2022 Approach 3; Besiroglu et al. 2024)"},
        {"runs_used", r.used.size()},
        {"dropped", dropped},
        {"parameters", params},
        {"objective", r.objective},
        {"rms_log_residual", r.rmsLogResidual},
        {"max_abs_log_residual", r.maxAbsLogResidual},
        {"starts", r.starts},
        {"starts_converged", r.startsConverged},
        {"starts_at_best", r.startsAtBest},
        {"bootstrap",
         {{"resamples", r.options.bootstrap},
          {"failed", r.bootstrapFailed},
          {"seed", r.options.seed},
          {"confidence", r.options.confidence}}},
        {"law", toJson(r.law)},
        {"notes", r.notes},
        {"runs", runs}};
    if (r.law.form == LawForm::Params)
        j["tokens_per_param"] = {{"target", r.options.tokensPerParam},
                                 {"tolerance", r.options.ratioTolerance}};
    if (r.law.form == LawForm::ComputeFront) {
        nlohmann::ordered_json f = nlohmann::ordered_json::array();
        for (const auto& [c, l] : r.frontier)
            f.push_back({{"compute", c}, {"loss", l}, {"predicted", r.law.loss(c, 0)}});
        j["frontier"] = f;
    }
    return j;
}

nlohmann::ordered_json toJson(const LossPrediction& p)
{
    return {{"parameters", p.parameters},
            {"tokens", p.tokens},
            {"compute", p.compute},
            {"tokens_per_param", p.tokens / p.parameters},
            {"loss", p.loss},
            {"interval", interval(p.interval)},
            {"confidence", p.confidence},
            {"terms", {{"E", p.irreducible}, {"params", p.paramsTerm}, {"data", p.dataTerm}}}};
}

nlohmann::ordered_json toJson(const ComputeOptimum& o)
{
    return {{"compute", o.compute},
            {"parameters", o.parameters},
            {"tokens", o.tokens},
            {"tokens_per_param", o.tokensPerParam},
            {"loss", o.loss},
            {"numeric_parameters", o.numericParameters},
            {"G", o.exponents.G},
            {"a", o.exponents.a},
            {"b", o.exponents.b},
            {"parameters_interval", interval(o.parametersInterval)},
            {"tokens_interval", interval(o.tokensInterval)},
            {"loss_interval", interval(o.lossInterval)},
            {"confidence", o.confidence}};
}

nlohmann::ordered_json toJson(const InferenceOptimum& o)
{
    return {{"inference_tokens", o.inferenceTokens},
            {"target_loss", o.targetLoss},
            {"parameters", o.parameters},
            {"tokens", o.tokens},
            {"training_compute", o.trainingCompute},
            {"inference_compute", o.inferenceCompute},
            {"total_compute", o.totalCompute},
            {"chinchilla", toJson(o.chinchilla)},
            {"chinchilla_total_compute", o.chinchillaTotalCompute},
            {"savings", o.savings}};
}

nlohmann::ordered_json toJson(const DataConstrainedOptimum& o)
{
    return {{"compute", o.compute},
            {"unique_tokens", o.uniqueTokens},
            {"parameters", o.parameters},
            {"tokens", o.tokens},
            {"epochs", o.epochs},
            {"effective_tokens", o.effectiveTokens},
            {"effective_parameters", o.effectiveParameters},
            {"loss", o.loss},
            {"unconstrained", toJson(o.unconstrained)},
            {"unconstrained_loss_at_unique", o.unconstrainedLossAtU},
            {"r_star_d", kMuennighoffRStarD},
            {"r_star_n", kMuennighoffRStarN}};
}

namespace {

Cell numberCell(double v)
{
    // Five significant digits for display, full precision for CSV.
    const double a = std::fabs(v);
    Cell c;
    if (a != 0 && (a >= 1e5 || a < 1e-3))
        c.display = formatScientific(v);
    else
        c.display = formatFixed(v, a >= 100 ? 2 : 4);
    c.raw = formatNumber(v);
    return c;
}

} // namespace

Table fitParametersTable(const FitResult& r)
{
    Table t;
    const std::string level = formatFixed(r.options.confidence * 100, 0) + "% low";
    const std::string levelHigh = formatFixed(r.options.confidence * 100, 0) + "% high";
    t.columns = {{"Parameter", Align::Left},
                 {"Value", Align::Right},
                 {"Std. error", Align::Right},
                 {level, Align::Right},
                 {levelHigh, Align::Right}};
    for (const FittedParameter& p : r.parameters) {
        const bool boot = !r.law.bootstrap.empty();
        t.addRow({Cell::text(p.name == "alpha"  ? "α"
                             : p.name == "beta" ? "β"
                                                : std::string(p.name)),
                  numberCell(p.estimate.value), boot ? numberCell(p.estimate.standardError) : Cell::text("—"),
                  boot ? numberCell(p.estimate.interval.low) : Cell::text("—"),
                  boot ? numberCell(p.estimate.interval.high) : Cell::text("—")});
    }
    return t;
}

Table fitRunsTable(const FitResult& r, const RunsTable& t)
{
    Table out;
    out.columns = {{"Line", Align::Right},      {"Model", Align::Left},
                   {"N", Align::Right},         {"D", Align::Right},
                   {"C", Align::Right},         {"Loss", Align::Right},
                   {"Predicted", Align::Right}, {"Log residual", Align::Right},
                   {"Used", Align::Left}};
    std::vector<bool> used(t.runs.size(), false);
    for (std::size_t i : r.used)
        used[i] = true;
    const bool perRun = r.law.form != LawForm::ComputeFront;
    for (std::size_t i = 0; i < t.runs.size(); ++i) {
        const ScalingRun& run = t.runs[i];
        const double predicted = perRun ? r.law.loss(run.parameters, run.tokens) : NAN;
        out.addRow({Cell::count(static_cast<std::int64_t>(run.line)), Cell::text(run.model),
                    Cell::scientific(run.parameters), Cell::scientific(run.tokens),
                    Cell::scientific(run.compute), numberCell(run.loss),
                    perRun ? numberCell(predicted) : Cell::text("—"),
                    perRun ? numberCell(std::log(run.loss) - std::log(predicted)) : Cell::text("—"),
                    Cell::text(used[i] ? "yes" : "no")});
    }
    return out;
}

Table lawComparisonTable(const ScalingLaw& fitted, const ScalingLaw& reference)
{
    Table t;
    t.columns = {{"Parameter", Align::Left},
                 {reference.name, Align::Right},
                 {"This fit", Align::Right},
                 {"Difference", Align::Right}};
    auto rel = [](double a, double b) {
        const double d = (a - b) / b * 100;
        return Cell{(d >= 0 ? "+" : "−") + formatFixed(std::fabs(d), 2) + " %", formatNumber(d / 100)};
    };
    auto abs = [](double a, double b) {
        const double d = a - b;
        return Cell{(d >= 0 ? "+" : "−") + formatFixed(std::fabs(d), 4), formatNumber(d)};
    };
    t.addRow({Cell::text("E"), numberCell(reference.params.E), numberCell(fitted.params.E),
              rel(fitted.params.E, reference.params.E)});
    t.addRow({Cell::text("A"), numberCell(reference.params.A), numberCell(fitted.params.A),
              rel(fitted.params.A, reference.params.A)});
    t.addRow({Cell::text("B"), numberCell(reference.params.B), numberCell(fitted.params.B),
              rel(fitted.params.B, reference.params.B)});
    t.addRow({Cell::text("α"), numberCell(reference.params.alpha), numberCell(fitted.params.alpha),
              abs(fitted.params.alpha, reference.params.alpha)});
    t.addRow({Cell::text("β"), numberCell(reference.params.beta), numberCell(fitted.params.beta),
              abs(fitted.params.beta, reference.params.beta)});
    return t;
}

} // namespace llamascope
