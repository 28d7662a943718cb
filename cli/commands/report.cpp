// llamascope report [--format text|markdown|json|csv] [CONFIG...]

#include "commands.hpp"
#include "common.hpp"

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
    po::positional_options_description positional;
    positional.add("inputs", -1);
    const ParsedArgs p =
        parseArgs(args, "report", "[--format F] [CONFIG...]",
                  "How a family scales: width and depth progressions, N/L ratio extremes and\n"
                  "mode, head counts, FFN ratio range, vocabulary / length / position\n"
                  "exceptions, and common claims checked against the data. Configs that differ\n"
                  "only in position encoding are folded into one model. CSV: the member table.",
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
    switch (format) {
    case OutputFormat::Json: {
        nlohmann::ordered_json j = outputEnvelope("report");
        j["family"] = toJson(report);
        printJson(j, ctx.out);
        break;
    }
    case OutputFormat::Csv: ctx.out << renderCsv(familyMembersTable(report)); break;
    default: ctx.out << familyReportMarkdown(report); break; // Markdown reads well as plain text
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
