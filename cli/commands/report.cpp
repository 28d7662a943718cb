// llamascope report [--format text|markdown|json|csv] [CONFIG...]

#include "commands.hpp"
#include "common.hpp"
#include "progress.hpp"
#include "scaling_options.hpp"

#include "llamascope/design.hpp"
#include "llamascope/family.hpp"
#include "llamascope/json_io.hpp"

#include <nlohmann/json.hpp>

#include <ostream>

namespace llamascope::cli {
namespace {

int run(const std::vector<std::string>& args, Context& ctx)
{
    po::options_description options("options");
    options.add_options()("format", po::value<std::string>()->default_value("markdown"),
                          "markdown, text, json or csv")(
        "inputs", po::value<std::vector<std::string>>()->default_value({}, ""),
        "config files, folders or bundled names");
    po::options_description scaling("scaling-law fit (with --runs)");
    scaling.add_options()("runs", po::value<std::string>(),
                          "a runs table: adds the fit of L(N, D) (docs/scaling.md)");
    addRunsOptions(scaling);
    addFitOptions(scaling, "1000");
    options.add(scaling);
    po::positional_options_description positional;
    positional.add("inputs", -1);
    const ParsedArgs p =
        parseArgs(args, "report", "[--format F] [--runs RUNS] [CONFIG...]",
                  "How a family scales: width and depth progressions, N/L ratio extremes and\n"
                  "mode, head counts, FFN ratio range, vocabulary / length / position\n"
                  "exceptions, common claims checked against the data, and where each config sits\n"
                  "among 80 published shapes (d/L range at its size, nearest models). Configs that differ\n"
                  "only in position encoding are folded into one model. CSV: the member table.\n"
                  "With --runs, the scaling-law fit of those runs follows (as `llamascope fit` prints it).",
                  options, positional, ctx);
    if (p.help)
        return kExitOk;
    const OutputFormat format =
        formatOption(p, {OutputFormat::Markdown, OutputFormat::Text, OutputFormat::Json, OutputFormat::Csv});
    bool failed = false;
    std::vector<ModelConfig> configs;
    for (const Analysis& a :
         analyzeInputs(loadInputs(p.vm["inputs"].as<std::vector<std::string>>(), ctx), nullptr, ctx, failed))
        configs.push_back(a.config);
    if (configs.empty()) {
        ctx.err << "llamascope report: no valid configs to report on\n";
        return kExitFindings;
    }
    const FamilyReport report = compareFamily(configs);
    // Where each config sits among the released models' shapes (issue 15).
    std::vector<PublishedPlacement> placements;
    placements.reserve(configs.size());
    for (const ModelConfig& c : configs)
        placements.push_back(placeAmongPublished(c));
    // The fit of the user's runs, when given: computed before anything is printed, so a bad
    // table fails the command without a half report.
    std::optional<RunsTable> runs;
    std::optional<FitResult> fit;
    if (p.vm.count("runs") != 0) {
        const FitOptions fitOptions = fitOptionsFrom(p.vm);
        runs = readRunsOption(p.vm["runs"].as<std::string>(), p.vm, ctx);
        if (!runs)
            return kExitFindings;
        InterruptGuard guard;
        StderrProgress progress(ctx.progress);
        try {
            fit = fitLaw(*runs, fitOptions, &progress);
        } catch (const ScalingDataError& e) {
            progress.finish();
            return reportScalingDataError(e, "report", ctx);
        }
    }
    switch (format) {
    case OutputFormat::Json: {
        nlohmann::ordered_json j = outputEnvelope("report");
        j["family"] = toJson(report);
        nlohmann::ordered_json placed = nlohmann::ordered_json::array();
        for (const PublishedPlacement& pl : placements)
            placed.push_back(toJson(pl));
        j["published"] = placed;
        if (fit)
            j["scaling"] = {{"runs_table", toJson(*runs)}, {"fit", toJson(*fit, *runs)}};
        printJson(j, ctx.out);
        break;
    }
    case OutputFormat::Csv: ctx.out << renderCsv(familyMembersTable(report)); break;
    default:
        ctx.out << familyReportMarkdown(report); // Markdown reads well as plain text
        ctx.out << "\n## Among published shapes\n\n"
                << "d/L of each config against the released models of its non-embedding size "
                   "(core/data/published_models.json; docs/design-guide.md \"Published shapes\"):\n\n"
                << render(placementTable(placements), TableFormat::Markdown);
        if (fit)
            ctx.out << "\n" << fitReport(*fit, *runs, true);
        break;
    }
    return failed ? kExitFindings : kExitOk;
}

} // namespace

const Command& reportCommand()
{
    static const Command c{"report", "family report: progressions, N/L, heads, FFN, claims checked", run};
    return c;
}

} // namespace llamascope::cli
