// llamascope compare [--format ...] [--columns a,b,...] [--seq T] [CONFIG...]
// llamascope compare --diff A B [C...]: the configs side by side (core's diffConfigs).

#include "commands.hpp"
#include "common.hpp"

#include "llamascope/json_io.hpp"
#include "llamascope/views.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <ostream>
#include <sstream>

namespace llamascope::cli {
namespace {

std::vector<std::string> splitList(const std::string& text)
{
    std::vector<std::string> out;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ','))
        if (!item.empty())
            out.push_back(item);
    return out;
}

int run(const std::vector<std::string>& args, Context& ctx)
{
    po::options_description options("options");
    options.add_options()("format", po::value<std::string>()->default_value("text"),
                          "text, json, csv or markdown")("columns", po::value<std::string>(),
                                                         "comma-separated column ids (see --list-columns)")(
        "list-columns", "list the available columns and exit")(
        "seq", po::value<std::string>(),
        "sequence length T for the FLOP columns (default: each config's context length)")(
        "attention", enumValue(attentionMaskTable(), FlopOptions{}.mask),
        choicesHelp("attention mask of the FLOP columns", attentionMaskTable()).c_str())(
        "sort", po::value<std::string>()->default_value("params"),
        "column id to sort by, or 'none' for input order")(
        "diff", "the configs side by side, in the order given: every config key and metric, "
                "differences marked (≠), ratios to the first")(
        "only-differences", "with --diff: only the rows whose values differ")(
        "no-ratios", "with --diff: leave out the ratio columns")(
        "inputs", po::value<std::vector<std::string>>()->default_value({}, ""),
        "config files, folders or bundled names");
    po::positional_options_description positional;
    positional.add("inputs", -1);
    const ParsedArgs p =
        parseArgs(args, "compare", "[--format F] [--columns LIST] [CONFIG...]  |  --diff A B [C...]",
                  "One row per config with its shape, derived metrics, exact parameter counts\n"
                  "and forward FLOPs per token. Default input: the bundled family.\n"
                  "With --diff: two or more configs side by side, one row per config key and\n"
                  "metric, with differences marked and ratios to the first config.",
                  options, positional, ctx);
    if (p.help)
        return kExitOk;
    if (p.vm.count("list-columns") != 0) {
        Table t;
        t.columns = {
            {"Id", Align::Left}, {"Header", Align::Left}, {"Default", Align::Left}, {"Meaning", Align::Left}};
        for (const CompareColumn& c : compareColumns())
            t.addRow({Cell::text(std::string(c.id)), Cell::text(std::string(c.header)),
                      Cell::text(c.defaultVisible ? "yes" : ""), Cell::text(std::string(c.tooltip))});
        ctx.out << renderText(t);
        return kExitOk;
    }
    const OutputFormat format = formatOption(p);
    const bool diff = p.vm.count("diff") != 0;
    if (!diff && (p.vm.count("only-differences") != 0 || p.vm.count("no-ratios") != 0))
        throw UsageError("--only-differences and --no-ratios go with --diff");
    if (diff && p.vm.count("columns") != 0)
        throw UsageError(
            "--diff shows every key and metric; --columns chooses the columns of the table form");
    const AttentionMask mask =
        enumOption(p.vm["attention"].as<std::string>(), "attention", attentionMaskTable());
    std::optional<FlopOptions> flopOptions;
    if (p.vm.count("seq") != 0)
        flopOptions = FlopOptions{parsePositive(p.vm["seq"].as<std::string>(), "seq"), mask};
    const std::vector<std::string> columns =
        p.vm.count("columns") ? splitList(p.vm["columns"].as<std::string>()) : std::vector<std::string>{};
    const std::string sortBy = p.vm["sort"].as<std::string>();
    const CompareColumn* sortColumn = sortBy == "none" ? nullptr : findCompareColumn(sortBy);
    if (sortBy != "none" && sortColumn == nullptr)
        throw UsageError("unknown --sort column \"" + sortBy + "\" (see --list-columns)");

    bool failed = false;
    const auto loaded = loadInputs(p.vm["inputs"].as<std::vector<std::string>>(), ctx);
    std::vector<Analysis> analyses;
    if (flopOptions) {
        analyses = analyzeInputs(loaded, &*flopOptions, ctx, failed);
    } else {
        // Each config at its own context length, with the chosen mask.
        for (const LoadResult& r : loaded) {
            FlopOptions own{r.config ? r.config->contextLength : 1, mask};
            auto one = analyzeInputs({r}, &own, ctx, failed);
            analyses.insert(analyses.end(), one.begin(), one.end());
        }
    }
    if (diff) {
        if (analyses.size() < 2)
            throw UsageError("--diff needs at least two configs (got " + std::to_string(analyses.size()) +
                             "), e.g. compare --diff llama_60m llama_130m");
        const ConfigDiff d = diffConfigs(analyses);
        if (format == OutputFormat::Json) {
            nlohmann::ordered_json j = outputEnvelope("compare");
            nlohmann::ordered_json list = nlohmann::ordered_json::array();
            for (const Analysis& a : analyses)
                list.push_back(toJson(a));
            j["configs"] = list;
            j["diff"] = toJson(d);
            printJson(j, ctx.out);
        } else {
            DiffTableOptions o;
            o.onlyDifferences = p.vm.count("only-differences") != 0;
            o.ratios = p.vm.count("no-ratios") == 0;
            ctx.out << render(diffTable(d, o), tableFormat(format));
        }
        return failed ? kExitFindings : kExitOk;
    }
    if (sortColumn != nullptr)
        std::stable_sort(analyses.begin(), analyses.end(), [&](const Analysis& a, const Analysis& b) {
            const double va = sortColumn->value(a), vb = sortColumn->value(b);
            if (va == va && vb == vb)
                return va < vb;
            return sortColumn->cell(a).display < sortColumn->cell(b).display;
        });

    if (format == OutputFormat::Json) {
        nlohmann::ordered_json j = outputEnvelope("compare");
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const Analysis& a : analyses)
            list.push_back(toJson(a));
        j["configs"] = list;
        printJson(j, ctx.out);
    } else {
        ctx.out << render(compareTable(analyses, columns), tableFormat(format));
    }
    return failed ? kExitFindings : kExitOk;
}

} // namespace

const Command& compareCommand()
{
    static const Command c{"compare", "compare configs side by side: shape, N/L, params, FLOPs", run};
    return c;
}

} // namespace llamascope::cli
