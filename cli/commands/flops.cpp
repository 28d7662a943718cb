// llamascope flops CONFIG [--seq T] [--attention causal|full] [--tokens D] [--terms] [--format ...]

#include "commands.hpp"
#include "common.hpp"

#include "llamascope/design.hpp"
#include "llamascope/format.hpp"
#include "llamascope/json_io.hpp"
#include "llamascope/views.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <ostream>

namespace llamascope::cli {
namespace {

int run(const std::vector<std::string>& args, Context& ctx)
{
    po::options_description options("options");
    options.add_options()("seq", po::value<std::string>(),
                          "sequence length T (default: the config's context length)")(
        "attention", enumValue(attentionMaskTable(), FlopOptions{}.mask),
        choicesHelp("attention mask", attentionMaskTable()).c_str())(
        "tokens", po::value<std::string>(),
        "token budget D (2e12, 300B): also print training totals for D tokens")(
        "terms", "also print every convention's terms")(
        "format", po::value<std::string>()->default_value("text"),
        "text, json, csv or markdown")("config", po::value<std::vector<std::string>>()->default_value({}, ""),
                                       "config file or bundled name");
    po::positional_options_description positional;
    positional.add("config", -1);
    const ParsedArgs p = parseArgs(
        args, "flops",
        "CONFIG [--seq T] [--attention " + choicesBar(attentionMaskTable()) + "] [--tokens D] [--terms]",
        "Forward and training FLOPs under each convention, side by side:\n" +
            choicesLines(flopConventionTable()) +
            "Training is 3× forward (4× with full activation recompute). Formulas: docs/formulas.md.",
        options, positional, ctx);
    if (p.help)
        return kExitOk;
    const OutputFormat format = formatOption(p);
    const AttentionMask mask =
        enumOption(p.vm["attention"].as<std::string>(), "attention", attentionMaskTable());
    // A plain double (0 = no budget): std::optional<double> trips GCC 12's -Wmaybe-uninitialized.
    const double tokens =
        p.vm.count("tokens") ? parseQuantity(p.vm["tokens"].as<std::string>(), "--tokens") : 0.0;

    const LoadResult loaded = loadSingleInput(p.vm["config"].as<std::vector<std::string>>());
    if (!loaded.config) {
        printFindings(loaded.report, ctx.err);
        return kExitFindings;
    }
    const ModelConfig& config = *loaded.config;
    const Count seq =
        p.vm.count("seq") ? parsePositive(p.vm["seq"].as<std::string>(), "seq") : config.contextLength;
    const FlopReport report = computeFlops(config, FlopOptions{seq, mask});

    if (format == OutputFormat::Json) {
        nlohmann::ordered_json j = outputEnvelope("flops");
        j["name"] = config.name;
        j["flops"] = toJson(report);
        if (tokens > 0) {
            nlohmann::ordered_json totals = nlohmann::ordered_json::array();
            for (const FlopConvention& c : report.conventions)
                totals.push_back({{"key", c.key},
                                  {"training", trainingFlops(c, tokens)},
                                  {"training_recompute", trainingFlops(c, tokens, true)}});
            j["token_budget"] = {{"tokens", tokens}, {"totals", totals}};
        }
        printJson(j, ctx.out);
        return kExitOk;
    }
    const TableFormat tf = tableFormat(format);
    if (format == OutputFormat::Csv) {
        // CSV is one table per invocation, so it pastes into a spreadsheet as is.
        ctx.out << render(p.vm.count("terms") ? flopTermsTable(report) : flopConventionsTable(report), tf);
        return kExitOk;
    }
    const bool md = format == OutputFormat::Markdown;
    ctx.out << (md ? "### " : "") << config.name << ": FLOPs at T = " << formatCount(seq) << ", "
            << toString(mask) << " attention\n\n";
    ctx.out << render(flopConventionsTable(report), tf);
    ctx.out << "\nElementwise work (norms, RoPE, softmax, activation, residuals; in no convention above): "
            << "≈" << formatCount(std::llround(report.elementwise.perToken(seq))) << " FLOPs per token.\n";
    ctx.out
        << "Which to quote: 'exact' for what a forward pass executes (MFU of this model), 'palm' for MFU\n"
           "as PaLM and most papers report it, 'chinchilla' or 'kaplan' next to scaling-law fits.\n";
    if (tokens > 0) {
        ctx.out << "\n"
                << (md ? "### " : "") << "Training totals for " << formatScientific(tokens) << " tokens\n\n";
        ctx.out << render(tokenBudgetTable(report, tokens), tf);
    }
    if (p.vm.count("terms")) {
        ctx.out << "\n" << (md ? "### " : "") << "Terms per sequence\n\n";
        ctx.out << render(flopTermsTable(report), tf);
    }
    return kExitOk;
}

} // namespace

const Command& flopsCommand()
{
    static const Command c{"flops", "FLOPs per token and sequence: exact, Kaplan, PaLM, Chinchilla", run};
    return c;
}

} // namespace llamascope::cli
