// llamascope predict CONFIG|N --tokens D [--law L]         loss with its interval
// llamascope predict CONFIG|N --compute C [--law L]        the same, D = C/6N
// llamascope predict --compute C [--inference-tokens X] [--unique-tokens U] [--law L]
//                                                          compute-optimal N and D

#include "commands.hpp"
#include "common.hpp"
#include "design_options.hpp"
#include "scaling_options.hpp"

#include "llamascope/design.hpp"
#include "llamascope/errors.hpp"
#include "llamascope/format.hpp"
#include "llamascope/json_io.hpp"
#include "llamascope/scaling.hpp"

#include <nlohmann/json.hpp>

#include <ostream>

namespace llamascope::cli {
namespace {

std::string range(const std::optional<Interval>& i, double confidence, int digits, bool scientific = false)
{
    if (!i)
        return "";
    auto f = [&](double v) { return scientific ? formatShort(v) : formatFixed(v, digits); };
    return " [" + formatFixed(confidence * 100, 0) + " % interval " + f(i->low) + " – " + f(i->high) + "]";
}

struct Model {
    std::string label;
    double parameters = 0;
};

/// A number ("1.3B") or a config (file or bundled name), counted as the law counts N.
Model modelFrom(const std::string& text, const ScalingLaw& law, Context& ctx, bool& failed)
{
    // A count ("1.3B", "7e9") unless it parses as none; then a config file or bundled name.
    try {
        const double n = parseQuantity(text, "N");
        return {formatShort(n) + " parameters", n};
    } catch (const InvalidArgument&) {
    }
    const LoadResult r = loadSingleInput({text});
    if (!r.config) {
        printFindings(r.report, ctx.err);
        failed = true;
        return {};
    }
    const ParameterCounts c = countParameters(*r.config);
    const double n = static_cast<double>(countedParameters(c, r.config->tieWordEmbeddings, law.paramCount));
    return {r.config->name + " (N = " + formatCount(static_cast<std::int64_t>(n)) + ", " +
                std::string(toString(law.paramCount)) + ")",
            n};
}

int run(const std::vector<std::string>& args, Context& ctx)
{
    po::options_description options("options");
    options.add_options()("tokens", po::value<std::string>(), "training tokens D for the model")(
        "compute", po::value<std::string>(),
        "training compute C in FLOPs (C = 6·N·D)")("inference-tokens", po::value<std::string>(),
                                                   "with --compute: tokens the model will serve; gives the "
                                                   "inference-aware optimum (Sardana et al. 2024)")(
        "unique-tokens", po::value<std::string>(),
        "with --compute: unique tokens available; repeated epochs decay in value (Muennighoff et al. 2023)")(
        "law", po::value<std::string>()->default_value(std::string(kDefaultLawName)),
        (lawPresetList() + ", or a law file from `llamascope fit --out`").c_str())(
        "confidence", po::value<std::string>()->default_value(formatPercent(LossPrediction{}.confidence)),
        "interval level (laws with bootstrap samples)")(
        "format", po::value<std::string>()->default_value("text"),
        "text, json, csv or markdown")("model", po::value<std::vector<std::string>>()->default_value({}, ""),
                                       "a config or a parameter count");
    po::positional_options_description positional;
    positional.add("model", -1);
    const ParsedArgs p = parseArgs(
        args, "predict",
        "CONFIG|N --tokens D [--law L]  |  --compute C [--inference-tokens X] [--unique-tokens U] [--law L]",
        "Predicts the loss of a model trained on D tokens (or on compute C, D = C/6N) under a scaling law,\n"
        "with its bootstrap interval when the law comes from `llamascope fit --out`; or, for a compute\n"
        "budget alone, the compute-optimal N and D (closed form, checked numerically), the inference-aware\n"
        "optimum for an expected inference volume, and the data-constrained optimum for a limited number\n"
        "of unique tokens. N is counted the way the law counts it. Guide: docs/scaling.md.",
        options, positional, ctx);
    if (p.help)
        return kExitOk;
    const po::variables_map& vm = p.vm;
    const OutputFormat format = formatOption(p);
    const double confidence = parseNumber(vm["confidence"].as<std::string>(), "confidence");
    if (!(confidence > 0 && confidence < 1))
        throw UsageError("--confidence must be in (0, 1), e.g. 95%");
    const auto& models = vm["model"].as<std::vector<std::string>>();
    if (models.size() > 1)
        throw UsageError("give one model (a config or a parameter count)");
    const ScalingLaw law = lawFrom(vm["law"].as<std::string>());
    const bool md = format == OutputFormat::Markdown;
    const TableFormat tf = tableFormat(format);
    nlohmann::ordered_json j = outputEnvelope("predict");
    j["law"] = toJson(law);
    std::string lawLine =
        "Law: " + law.name + " — " + std::string(formula(law.form)) + ", E " + formatFixed(law.params.E, 4) +
        ", A " + formatFixed(law.params.A, 2) + ", B " + formatFixed(law.params.B, 2) + ", α " +
        formatFixed(law.params.alpha, 4) + ", β " + formatFixed(law.params.beta, 4) + "; N counted as " +
        std::string(toString(law.paramCount)) +
        (law.bootstrap.empty() ? "" : "; " + std::to_string(law.bootstrap.size()) + " bootstrap samples") +
        " (" + law.source + ")";
    if (!law.note.empty())
        lawLine += "\n  " + law.note;
    if (!models.empty()) {
        if (vm.count("tokens") == vm.count("compute"))
            throw UsageError("give the model's training budget: --tokens D or --compute C");
        if (vm.count("inference-tokens") || vm.count("unique-tokens"))
            throw UsageError(
                "--inference-tokens and --unique-tokens plan a budget: use them with --compute alone");
        bool failed = false;
        const Model m = modelFrom(models.front(), law, ctx, failed);
        if (failed)
            return kExitFindings;
        const double tokens =
            vm.count("tokens")
                ? quantityOption(vm["tokens"].as<std::string>(), "tokens")
                : quantityOption(vm["compute"].as<std::string>(), "compute") / (6.0 * m.parameters);
        const LossPrediction pred = predictLoss(law, m.parameters, tokens, confidence);
        const ComputeOptimum best = computeOptimal(law, pred.compute, confidence);
        if (format == OutputFormat::Json) {
            j["model"] = models.front();
            j["prediction"] = toJson(pred);
            j["optimum"] = toJson(best);
            printJson(j, ctx.out);
            return kExitOk;
        }
        if (format == OutputFormat::Csv) {
            ctx.out << render(lossPredictionTable(pred), tf);
            return kExitOk;
        }
        ctx.out << (md ? "### " : "") << m.label << " on " << formatShort(tokens) << " tokens ("
                << formatFixed(tokens / m.parameters, 1)
                << " per parameter, C = 6ND = " << formatScientific(pred.compute) << " FLOPs)\n\n";
        ctx.out << "Predicted loss " << formatFixed(pred.loss, 4) << range(pred.interval, confidence, 4)
                << " = E " << formatFixed(pred.irreducible, 4) << " + A/N^α "
                << formatFixed(pred.paramsTerm, 4) << " + B/D^β " << formatFixed(pred.dataTerm, 4) << "\n";
        ctx.out << "At the same compute the law's optimum is N " << formatShort(best.parameters) << ", D "
                << formatShort(best.tokens) << " (" << formatFixed(best.tokensPerParam, 1)
                << " tokens per parameter): loss " << formatFixed(best.loss, 4)
                << range(best.lossInterval, confidence, 4) << ".\n\n"
                << lawLine << "\n";
        return kExitOk;
    }
    if (!vm.count("compute"))
        throw UsageError("give a model and --tokens D, or a budget --compute C");
    if (vm.count("tokens"))
        throw UsageError("--tokens needs a model: llamascope predict CONFIG --tokens D");
    const double compute = quantityOption(vm["compute"].as<std::string>(), "compute");
    const ComputeOptimum opt = computeOptimal(law, compute, confidence);
    std::optional<InferenceOptimum> inf;
    std::optional<DataConstrainedOptimum> dc;
    if (vm.count("inference-tokens")) {
        const std::string t = vm["inference-tokens"].as<std::string>();
        inf = inferenceOptimal(law, compute, t == "0" ? 0.0 : quantityOption(t, "inference-tokens"));
    }
    if (vm.count("unique-tokens"))
        dc = dataConstrainedOptimal(law, compute,
                                    quantityOption(vm["unique-tokens"].as<std::string>(), "unique-tokens"));
    if (format == OutputFormat::Json) {
        j["optimum"] = toJson(opt);
        if (inf)
            j["inference"] = toJson(*inf);
        if (dc)
            j["data_constrained"] = toJson(*dc);
        printJson(j, ctx.out);
        return kExitOk;
    }
    if (format == OutputFormat::Csv) {
        ctx.out << render(inf  ? inferenceOptimumTable(*inf)
                          : dc ? dataConstrainedTable(*dc)
                               : computeOptimumTable(opt),
                          tf);
        return kExitOk;
    }
    ctx.out << (md ? "### " : "") << "Compute-optimal split of C = " << formatScientific(compute)
            << " FLOPs\n\n";
    ctx.out << "N_opt = G·(C/6)^a = " << formatShort(opt.parameters)
            << range(opt.parametersInterval, confidence, 0, true)
            << " parameters, D_opt = " << formatShort(opt.tokens)
            << range(opt.tokensInterval, confidence, 0, true) << " tokens ("
            << formatFixed(opt.tokensPerParam, 1) << " per parameter); loss " << formatFixed(opt.loss, 4)
            << range(opt.lossInterval, confidence, 4) << "\n";
    ctx.out << "a = β/(α+β) = " << formatFixed(opt.exponents.a, 4)
            << ", G = " << formatScientific(opt.exponents.G)
            << "; numerical minimum at N = " << formatShort(opt.numericParameters) << " (closed form "
            << (std::fabs(opt.numericParameters / opt.parameters - 1) < 1e-4 ? "confirmed" : "DISAGREES")
            << ")\n";
    if (inf) {
        ctx.out << "\n"
                << (md ? "### " : "") << "Inference-aware (Sardana et al. 2024): same loss "
                << formatFixed(inf->targetLoss, 4) << ", " << formatShort(inf->inferenceTokens)
                << " inference tokens\n\n"
                << "N " << formatShort(inf->parameters) << ", D " << formatShort(inf->tokens) << " ("
                << formatFixed(inf->tokens / inf->parameters, 1) << " per parameter): training "
                << formatScientific(inf->trainingCompute) << " + inference "
                << formatScientific(inf->inferenceCompute) << " = " << formatScientific(inf->totalCompute)
                << " FLOPs, against " << formatScientific(inf->chinchillaTotalCompute)
                << " for the Chinchilla-optimal model (" << formatFixed(inf->savings * 100, 1)
                << " % saved)\n";
    }
    if (dc) {
        ctx.out << "\n"
                << (md ? "### " : "")
                << "Data-constrained (Muennighoff et al. 2023): " << formatShort(dc->uniqueTokens)
                << " unique tokens, R*_D " << formatNumber(kMuennighoffRStarD) << ", R*_N "
                << formatNumber(kMuennighoffRStarN) << "\n\n"
                << "N " << formatShort(dc->parameters) << ", D " << formatShort(dc->tokens) << " ("
                << formatFixed(dc->epochs, 2) << " epochs; worth " << formatShort(dc->effectiveTokens)
                << " fresh tokens): loss " << formatFixed(dc->loss, 4) << "; the unconstrained split ("
                << formatShort(dc->unconstrained.parameters) << ", " << formatShort(dc->unconstrained.tokens)
                << " tokens) would reach " << formatFixed(dc->unconstrainedLossAtU, 4) << " on this data\n";
    }
    ctx.out << "\n" << lawLine << "\n";
    return kExitOk;
}

} // namespace

const Command& predictCommand()
{
    static const Command c{
        "predict",
        "predicted loss with its interval; compute-optimal, inference-aware, data-constrained N and D", run};
    return c;
}

} // namespace llamascope::cli
