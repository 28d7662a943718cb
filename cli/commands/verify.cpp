// llamascope verify [PATHS…] [--seq T] [--seed S] [--threads N] [--max-memory SIZE] [--format ...]

#include "commands.hpp"
#include "common.hpp"
#include "forward_options.hpp"
#include "progress.hpp"

#include "llamascope/format.hpp"
#include "llamascope/forward/json.hpp"
#include "llamascope/forward/verify.hpp"
#include "llamascope/json_io.hpp"
#include "llamascope/table.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <ostream>

namespace llamascope::cli {
namespace {

Table verifyTable(const std::vector<VerifyRow>& rows)
{
    Table t;
    t.columns = {{"Config", Align::Left},
                 {"Params analytic", Align::Right},
                 {"Params measured", Align::Right},
                 {"FLOPs analytic", Align::Right},
                 {"FLOPs measured", Align::Right},
                 {"Equal", Align::Left},
                 {"Loss", Align::Right},
                 {"ln V", Align::Right},
                 {"Weights", Align::Left},
                 {"Seconds", Align::Right},
                 {"Peak RSS", Align::Right}};
    for (const VerifyRow& row : rows) {
        const ForwardResult& r = row.result;
        t.addRow({Cell::text(row.name), Cell::count(r.analyticParams.total),
                  Cell::count(r.measuredParams.total()), Cell::count(r.analyticFlops.total()),
                  Cell::count(r.measuredFlops.total()), Cell::text(row.ok() ? "yes" : "NO"),
                  r.loss ? Cell::fixed(*r.loss, 4) : Cell::text("-"), Cell::fixed(r.lnVocab, 4),
                  Cell::text(std::string(toString(r.residency))), Cell::fixed(r.seconds, 1),
                  Cell::text(formatBytes(static_cast<double>(r.peakRssBytes)))});
    }
    return t;
}

int run(const std::vector<std::string>& args, Context& ctx)
{
    const VerifyOptions defaults;
    po::options_description options("options");
    options.add_options()("seq", po::value<std::string>()->default_value(std::to_string(defaults.seqLen)),
                          "sequence length T of each run")(
        "seed", po::value<std::string>()->default_value(std::to_string(defaults.seed)),
        "seed of the random init and tokens")("format", po::value<std::string>()->default_value("text"),
                                              "text, json, csv or markdown")(
        "paths", po::value<std::vector<std::string>>()->default_value({}, ""),
        "configs, folders or bundled names");
    addRunOptions(options);
    po::positional_options_description positional;
    positional.add("paths", -1);
    const ParsedArgs p = parseArgs(
        args, "verify", "[PATHS…] [--seq T]",
        "Runs the reference forward pass (random init, batch 1) on each config and prints the parameters\n"
        "it materialised and the matmul FLOPs it executed next to the analytic counts. They must be equal,\n"
        "integer for integer: exit 1 if any differs. Default: the bundled family, all sixteen (llama_7b\n"
        "streams one layer at a time within --max-memory).\n" +
            kernelsHelp(),
        options, positional, ctx);
    if (p.help)
        return kExitOk;
    const OutputFormat format = formatOption(p);
    VerifyOptions o;
    o.seqLen = parsePositive(p.vm["seq"].as<std::string>(), "seq");
    o.seed = parseSeed(p.vm["seed"].as<std::string>());
    o.threads = threadsOption(p.vm);
    o.maxMemoryBytes = maxMemoryOption(p.vm);

    bool failed = false;
    std::vector<ModelConfig> configs;
    for (const LoadResult& loaded : loadInputs(p.vm["paths"].as<std::vector<std::string>>(), ctx)) {
        if (loaded.config) {
            configs.push_back(*loaded.config);
        } else {
            printFindings(loaded.report, ctx.err);
            failed = true;
        }
    }
    const auto start = std::chrono::steady_clock::now();
    std::vector<VerifyRow> rows;
    {
        const InterruptGuard guard;
        StderrProgress progress(ctx.progress);
        rows = verifyConfigs(configs, o, &progress);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::size_t equal = 0;
    for (const VerifyRow& row : rows)
        if (row.ok())
            ++equal;
    failed = failed || equal != rows.size();

    if (format == OutputFormat::Json) {
        nlohmann::ordered_json j = outputEnvelope("verify");
        j["seq_len"] = o.seqLen;
        j["all_match"] = equal == rows.size();
        j["seconds"] = seconds;
        j["rows"] = nlohmann::ordered_json::array();
        for (const VerifyRow& row : rows)
            j["rows"].push_back(toJson(row));
        printJson(j, ctx.out);
    } else if (format == OutputFormat::Csv) {
        ctx.out << renderCsv(verifyTable(rows));
    } else {
        const bool md = format == OutputFormat::Markdown;
        ctx.out << (md ? "### " : "")
                << "Analytic vs measured (reference forward pass, batch 1, T = " << o.seqLen
                << ", random init)\n\n";
        ctx.out << render(verifyTable(rows), tableFormat(format));
        ctx.out << "\n"
                << equal << " of " << rows.size()
                << " configs equal integer for integer (parameters and matmul "
                << "FLOPs, per component), " << formatFixed(seconds, 1) << " s wall time.\n";
        if (!rows.empty())
            ctx.out << "Kernels: " << describeKernels(rows.front().result.kernels) << "\n";
    }
    return failed ? kExitFindings : kExitOk;
}

} // namespace

const Command& verifyCommand()
{
    static const Command c{"verify",
                           "prove the counts: forward passes whose measured counts must equal analytic", run};
    return c;
}

} // namespace llamascope::cli
