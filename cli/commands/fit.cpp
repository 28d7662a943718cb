// llamascope fit RUNS [--form nd|n|c] [--drop-highest K] [--n-count ...] [--bootstrap N]
//                     [--seed S] [--compare LAW] [--out law.json] [--force] [--format ...]

#include "commands.hpp"
#include "common.hpp"
#include "progress.hpp"
#include "scaling_options.hpp"

#include "llamascope/io.hpp"
#include "llamascope/json_io.hpp"
#include "llamascope/scaling.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <ostream>

namespace llamascope::cli {
namespace {

int run(const std::vector<std::string>& args, Context& ctx)
{
    po::options_description fit("fit");
    addFitOptions(fit, "1000");
    po::options_description input("runs table");
    addRunsOptions(input);
    po::options_description output("output");
    output.add_options()("compare", po::value<std::string>(),
                         ("show the fit beside a law: " + lawPresetList() + " or a law file").c_str())(
        "runs-table", "text/markdown/csv: list every run with its predicted loss and residual")(
        "out", po::value<std::string>(), "save the law (with its bootstrap samples) to this file")(
        "force", "overwrite --out")("quiet,q", "no progress on stderr")(
        "format", po::value<std::string>()->default_value("text"), "text, json, csv or markdown")(
        "runs", po::value<std::vector<std::string>>()->default_value({}, ""), "the runs table");
    po::options_description all("options");
    all.add(fit).add(input).add(output);
    po::positional_options_description positional;
    positional.add("runs", -1);
    const ParsedArgs p = parseArgs(
        args, "fit", "RUNS [--form nd|n|c] [--drop-highest K] [--bootstrap N] [--out law.json]",
        "Fits a scaling law to finished runs. RUNS is CSV (header row) or JSON lines with a model\n"
        "(parameter count, bundled name or config file), tokens D (or compute C, then D = C/6N), the\n"
        "final loss and optionally a loss curve. L(N, D) = E + A/N^α + B/D^β is fitted as Hoffmann et al.\n"
        "2022 (Approach 3) and Besiroglu et al. 2024 did: Huber loss (δ = 1e-3) on log-loss residuals,\n"
        "log-sum-exp parametrisation, L-BFGS from a grid of 4,500 starts; bootstrap intervals for every\n"
        "parameter. Exit 1 when the table has problems or too few runs. Guide: docs/scaling.md.",
        all, positional, ctx);
    if (p.help)
        return kExitOk;
    const po::variables_map& vm = p.vm;
    const OutputFormat format = formatOption(p);
    const auto& inputs = vm["runs"].as<std::vector<std::string>>();
    if (inputs.size() != 1)
        throw UsageError("expected exactly one RUNS table (CSV or JSON lines)");
    const FitOptions options = fitOptionsFrom(vm);
    std::optional<ScalingLaw> reference;
    if (vm.count("compare"))
        reference = lawFrom(vm["compare"].as<std::string>());
    // The output policy (core's io.hpp), checked before the fit: never over an existing file
    // without --force, never over the runs table or the --compare law file; the hidden
    // temporary is removed if the fit fails or is interrupted.
    std::optional<PendingOutput> out;
    if (vm.count("out")) {
        std::vector<std::filesystem::path> read{inputs.front()};
        if (vm.count("compare") && classifyPath(vm["compare"].as<std::string>()) == PathKind::RegularFile)
            read.emplace_back(vm["compare"].as<std::string>());
        out.emplace(vm["out"].as<std::string>(), outputPolicy(vm, std::move(read)));
    }

    const std::optional<RunsTable> table = readRunsOption(inputs.front(), vm, ctx);
    if (!table)
        return kExitFindings;
    FitResult result;
    {
        InterruptGuard guard;
        StderrProgress progress(ctx.progress, vm.count("quiet") == 0);
        try {
            result = fitLaw(*table, options, &progress);
        } catch (const ScalingDataError& e) {
            progress.finish();
            return reportScalingDataError(e, "fit", ctx);
        }
    }
    result.law.name = std::filesystem::path(inputs.front()).stem().string();
    std::vector<std::string> written;
    if (out) {
        out->write(lawFileText(result.law));
        out->commit();
        written.push_back(out->path().string());
    }

    if (format == OutputFormat::Json) {
        nlohmann::ordered_json j = outputEnvelope("fit");
        j["runs_table"] = toJson(*table);
        j["fit"] = toJson(result, *table);
        if (reference)
            j["compare"] = toJson(*reference);
        j["written"] = written;
        printJson(j, ctx.out);
        return kExitOk;
    }
    const TableFormat tf = tableFormat(format);
    if (format == OutputFormat::Csv) {
        ctx.out << render(vm.count("runs-table") ? fitRunsTable(result, *table) : fitParametersTable(result),
                          tf);
        return kExitOk;
    }
    const bool md = format == OutputFormat::Markdown;
    ctx.out << fitReport(result, *table, md);
    if (reference && result.law.form == LawForm::ParamsData) {
        ctx.out << "\n"
                << (md ? "### " : "") << "Beside " << reference->name << " (" << reference->source << ")\n\n"
                << render(lawComparisonTable(result.law, *reference), tf);
    }
    if (vm.count("runs-table"))
        ctx.out << "\n" << (md ? "### Runs\n\n" : "Runs:\n\n") << render(fitRunsTable(result, *table), tf);
    for (const std::string& w : written)
        ctx.out << "\nwrote " << w << " (use it with: llamascope predict --law " << w << ")\n";
    return kExitOk;
}

} // namespace

const Command& fitCommand()
{
    static const Command c{"fit", "fit a scaling law L(N, D) to finished runs, with bootstrap intervals",
                           run};
    return c;
}

} // namespace llamascope::cli
