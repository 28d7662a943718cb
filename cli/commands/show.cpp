// llamascope show CONFIG [--format text|json|markdown]

#include "commands.hpp"
#include "common.hpp"

#include "llamascope/format.hpp"
#include "llamascope/json_io.hpp"
#include "llamascope/metrics.hpp"
#include "llamascope/views.hpp"

#include <nlohmann/json.hpp>

#include <ostream>

namespace llamascope::cli {
namespace {

int run(const std::vector<std::string>& args, Context& ctx)
{
    po::options_description options("options");
    options.add_options()("format", po::value<std::string>()->default_value("text"),
                          "text, json or markdown")(
        "seq", po::value<std::string>(), "sequence length T for FLOPs (default: the context length)")(
        "config", po::value<std::vector<std::string>>()->default_value({}, ""),
        "config file or bundled name");
    po::positional_options_description positional;
    positional.add("config", -1);
    const ParsedArgs p = parseArgs(args, "show", "CONFIG [--format F] [--seq T]",
                                   "Everything about one config: shape, derived metrics, exact parameter\n"
                                   "breakdown, FLOPs under each convention, and a findings summary.",
                                   options, positional, ctx);
    if (p.help)
        return kExitOk;
    const OutputFormat format =
        formatOption(p, {OutputFormat::Text, OutputFormat::Json, OutputFormat::Markdown});
    const LoadResult loaded = loadSingleInput(p.vm["config"].as<std::vector<std::string>>());
    if (!loaded.config) {
        printFindings(loaded.report, ctx.err);
        return kExitFindings;
    }
    const Count seq = p.vm.count("seq") ? parsePositive(p.vm["seq"].as<std::string>(), "seq")
                                        : loaded.config->contextLength;
    const Analysis a = analyze(*loaded.config, FlopOptions{seq, AttentionMask::Causal});

    if (format == OutputFormat::Json) {
        nlohmann::ordered_json j = outputEnvelope("show");
        j["analysis"] = toJson(a);
        j["validation"] = toJson(loaded.report);
        printJson(j, ctx.out);
        return kExitOk;
    }
    const TableFormat tf = tableFormat(format);
    const std::string h = format == OutputFormat::Markdown ? "### " : "";
    ctx.out << h << a.config.name << " — " << formatCount(a.params.total) << " parameters ("
            << formatShort(static_cast<double>(a.params.total)) << "; "
            << formatShort(static_cast<double>(a.params.tiedEquivalent)) << " tied-equivalent)\n";
    ctx.out << "source: " << escapeForTerminal(loaded.report.source) << "\n\n";
    ctx.out << h << "Shape\n\n" << render(shapeTable(a), tf) << "\n";
    ctx.out << h << "Parameters\n\n" << render(parameterTable(a.params), tf);
    ctx.out << "per layer: " << formatCount(a.params.perLayer.total()) << " (attention "
            << formatCount(a.params.perLayer.attention()) << ", MLP " << formatCount(a.params.perLayer.mlp())
            << ", norms " << formatCount(a.params.perLayer.norms) << ")\n\n";
    ctx.out << h << "FLOPs at T = " << formatCount(seq) << " (causal)\n\n"
            << render(flopConventionsTable(a.flops), tf) << "\n";
    const ValidationReport& r = loaded.report;
    ctx.out << "findings: " << r.count(Severity::Error) << " errors, " << r.count(Severity::Warning)
            << " warnings, " << r.count(Severity::Note) << " notes"
            << (r.findings.empty() ? "" : " (llamascope validate " + escapeForTerminal(r.source) + ")")
            << "\n";
    return kExitOk;
}

} // namespace

const Command& showCommand()
{
    static const Command c{"show", "everything about one config: shape, metrics, parameters, FLOPs", run};
    return c;
}

} // namespace llamascope::cli
