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

namespace llamascope {

namespace {

Table quantityTable()
{
    Table t;
    t.columns = {
        {"Quantity", Align::Left}, {"Value", Align::Right}, {"Low", Align::Right}, {"High", Align::Right}};
    return t;
}

void addQuantity(Table& t, std::string name, double v, const std::optional<Interval>& i = std::nullopt)
{
    t.addRow({Cell::text(std::move(name)), numberCell(v), i ? numberCell(i->low) : Cell{"", ""},
              i ? numberCell(i->high) : Cell{"", ""}});
}

} // namespace

Table lossPredictionTable(const LossPrediction& p)
{
    Table t = quantityTable();
    addQuantity(t, "parameters N", p.parameters);
    addQuantity(t, "tokens D", p.tokens);
    addQuantity(t, "compute C = 6ND", p.compute);
    addQuantity(t, "tokens per parameter", p.tokens / p.parameters);
    addQuantity(t, "loss", p.loss, p.interval);
    addQuantity(t, "E", p.irreducible);
    addQuantity(t, "A/N^alpha", p.paramsTerm);
    addQuantity(t, "B/D^beta", p.dataTerm);
    return t;
}

Table computeOptimumTable(const ComputeOptimum& o)
{
    Table t = quantityTable();
    addQuantity(t, "compute C", o.compute);
    addQuantity(t, "parameters N_opt", o.parameters, o.parametersInterval);
    addQuantity(t, "tokens D_opt", o.tokens, o.tokensInterval);
    addQuantity(t, "tokens per parameter", o.tokensPerParam);
    addQuantity(t, "loss", o.loss, o.lossInterval);
    addQuantity(t, "N_opt (numerical check)", o.numericParameters);
    addQuantity(t, "G", o.exponents.G);
    addQuantity(t, "a = beta/(alpha+beta)", o.exponents.a);
    addQuantity(t, "b = alpha/(alpha+beta)", o.exponents.b);
    return t;
}

Table inferenceOptimumTable(const InferenceOptimum& o)
{
    Table t = quantityTable();
    addQuantity(t, "inference tokens", o.inferenceTokens);
    addQuantity(t, "target loss", o.targetLoss);
    addQuantity(t, "parameters N", o.parameters);
    addQuantity(t, "training tokens D", o.tokens);
    addQuantity(t, "training compute", o.trainingCompute);
    addQuantity(t, "inference compute 2·N·D_inf", o.inferenceCompute);
    addQuantity(t, "total compute", o.totalCompute);
    addQuantity(t, "Chinchilla-optimal N", o.chinchilla.parameters);
    addQuantity(t, "Chinchilla-optimal D", o.chinchilla.tokens);
    addQuantity(t, "Chinchilla-optimal total compute", o.chinchillaTotalCompute);
    addQuantity(t, "savings", o.savings);
    return t;
}

Table dataConstrainedTable(const DataConstrainedOptimum& o)
{
    Table t = quantityTable();
    addQuantity(t, "compute C", o.compute);
    addQuantity(t, "unique tokens U_D", o.uniqueTokens);
    addQuantity(t, "parameters N", o.parameters);
    addQuantity(t, "tokens D", o.tokens);
    addQuantity(t, "epochs D/U_D", o.epochs);
    addQuantity(t, "effective tokens D'", o.effectiveTokens);
    addQuantity(t, "effective parameters N'", o.effectiveParameters);
    addQuantity(t, "loss", o.loss);
    addQuantity(t, "unconstrained N_opt", o.unconstrained.parameters);
    addQuantity(t, "unconstrained D_opt", o.unconstrained.tokens);
    addQuantity(t, "its loss on U_D repeated", o.unconstrainedLossAtU);
    return t;
}

std::string fitReport(const FitResult& r, const RunsTable& t, bool md)
{
    const TableFormat tf = md ? TableFormat::Markdown : TableFormat::Text;
    std::string s;
    auto heading = [&](const std::string& h) { s += md ? "### " + h + "\n\n" : h + "\n\n"; };
    heading("Scaling-law fit: " + std::string(formula(r.law.form)));
    s += "Runs: " + t.source + " — " + std::to_string(r.used.size()) + " of " +
         std::to_string(t.runs.size()) + " runs fitted";
    if (r.law.form == LawForm::ComputeFront)
        s += " (" + std::to_string(r.frontier.size()) + " frontier points)";
    s += "; N counted as " + std::string(toString(r.law.paramCount)) +
         (t.runsFromConfigs == 0 ? " (as given in the table)" : "") + ".\n";
    s += "Method: Huber loss (δ = " + formatNumber(r.options.huberDelta) +
         ") on log-loss residuals in the log-sum-exp parametrisation, L-BFGS from " +
         formatCount(static_cast<std::int64_t>(r.starts)) +
         " grid starts, lowest objective kept (Hoffmann et al. 2022, Approach 3; Besiroglu et al. 2024).\n";
    if (r.options.bootstrap > 0)
        s += "Intervals: " + formatCount(static_cast<std::int64_t>(r.options.bootstrap)) +
             " bootstrap resamples of the runs (seed " + std::to_string(r.options.seed) + "), " +
             formatFixed(r.options.confidence * 100, 0) + " % percentile intervals.\n";
    else
        s += "Intervals: none (--bootstrap 0).\n";
    s += "\n" + render(fitParametersTable(r), tf) + "\n";
    s += "Objective " + formatScientific(r.objective) + "; RMS log residual " +
         formatFixed(r.rmsLogResidual, 4) + ", largest " + formatFixed(r.maxAbsLogResidual, 4) + "; " +
         std::to_string(r.startsConverged) + " of " + std::to_string(r.starts) + " starts converged, " +
         std::to_string(r.startsAtBest) + " ended at the best objective.\n";
    if (r.law.form == LawForm::ParamsData && r.law.params.alpha > 0 && r.law.params.beta > 0) {
        const OptimalExponents e = optimalExponents(r.law.params);
        s += "Compute-optimal scaling: N_opt = G·(C/6)^a, D_opt = G⁻¹·(C/6)^b with a = β/(α+β) = " +
             formatFixed(e.a, 3) + ", b = " + formatFixed(e.b, 3) + ", G = " + formatScientific(e.G) + ".\n";
    }
    std::vector<std::string> notes = t.notes;
    notes.insert(notes.end(), r.notes.begin(), r.notes.end());
    if (!notes.empty()) {
        s += "\nNotes:\n";
        for (const std::string& n : notes)
            s += "- " + n + "\n";
    }
    return s;
}

} // namespace llamascope
