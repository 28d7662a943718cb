// llamascope memory CONFIG [--optimizer ...] [--rank R] [--dtype ...] [--batch B --seq T]
//                          [--recompute] [--attention flash|eager] [--device NAME] [--mfu ...]
//                          [--galore-table] [--list-devices] [--format ...]

#include "commands.hpp"
#include "common.hpp"
#include "design_options.hpp"

#include "llamascope/format.hpp"
#include "llamascope/json_io.hpp"

#include <nlohmann/json.hpp>

#include <ostream>

namespace llamascope::cli {
namespace {

constexpr std::string_view kNotCounted =
    "Not counted: the CUDA context and library workspaces (about 0.5–1 GiB per device), allocator\n"
    "fragmentation, activation gradients in flight (about one layer's worth), communication buffers.\n"
    "docs/memory.md derives every term.\n";

int galoreTable(OutputFormat format, Context& ctx)
{
    const std::vector<GaloreComparisonRow> rows = compareWithGaloreTable2();
    if (format == OutputFormat::Json) {
        nlohmann::ordered_json j = outputEnvelope("memory");
        j["galore_table"] = toJson(rows);
        printJson(j, ctx.out);
        return kExitOk;
    }
    const TableFormat tf = tableFormat(format);
    if (format == OutputFormat::Csv) {
        ctx.out << render(galoreComparisonTable(rows), tf);
        return kExitOk;
    }
    const bool md = format == OutputFormat::Markdown;
    ctx.out
        << (md ? "### " : "")
        << "GaLore paper, Table 2 (Zhao et al. 2024): weights + optimizer state in BF16\n\n"
           "Assumptions as in the paper: BF16 weights and BF16 Adam moments, no gradients, no\n"
           "activations; GaLore on every attention/MLP matrix at the ranks below, projectors counted.\n\n";
    ctx.out << render(galoreComparisonTable(rows), tf);
    ctx.out << "\nThe paper's \"G\" matches GiB for 130m and 350m. It does not say how it counted; its own\n"
               "Table 6 implies slightly different parameter counts for 60m and 1b, and a GaLore state\n"
               "smaller than projector m·r + moments 2·n·r. docs/memory.md works through the difference.\n";
    return kExitOk;
}

int listDevices(const AcceleratorTable& table, OutputFormat format, Context& ctx)
{
    if (format == OutputFormat::Json) {
        nlohmann::ordered_json j = outputEnvelope("memory");
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const Accelerator& a : table.accelerators)
            list.push_back(toJson(a));
        j["accelerators"] = list;
        printJson(j, ctx.out);
        return kExitOk;
    }
    ctx.out << render(acceleratorsTable(table), tableFormat(format));
    if (format == OutputFormat::Text)
        ctx.out << "\nDense peaks (no sparsity) from the vendors' datasheets; source: "
                << escapeForTerminal(table.source) << "\n";
    return kExitOk;
}

std::string headline(const ModelConfig& c, const MemoryReport& r)
{
    const MemoryOptions& o = r.options;
    std::string s = c.name + " — ";
    if (o.optimizer == Optimizer::None)
        return s + "inference memory: " + std::string(toString(r.weightDtype)) + " weights, KV cache for " +
               formatCount(o.batch) + " × " + formatCount(o.seqLen) + " tokens";
    s += "training memory: " + std::string(toString(o.optimizer));
    if (o.optimizer == Optimizer::GaLore || o.optimizer == Optimizer::LoRA)
        s += " rank " + std::to_string(o.rank);
    s += ", " + std::string(toString(r.weightDtype)) + " weights, batch " + formatCount(o.batch) + " × " +
         formatCount(o.seqLen) + " tokens, " + std::string(toString(o.attention)) + " attention";
    if (o.recompute)
        s += ", full recompute";
    return s;
}

void printDevice(const Accelerator& a, const DeviceFit& fit, const std::optional<CostReport>& cost,
                 std::ostream& os)
{
    os << "\nOn " << a.name << " (" << formatBytes(static_cast<double>(a.memoryBytes)) << ", "
       << formatBytes(static_cast<double>(fit.usable)) << " usable with "
       << formatFixed(fit.headroom * 100, 0) << " % headroom): ";
    if (fit.fits)
        os << "fits, using " << formatFixed(fit.used * 100, 1) << " % ("
           << formatBytes(static_cast<double>(fit.spare)) << " to spare within the headroom).\n";
    else
        os << "does NOT fit: needs " << formatFixed(fit.used, 2) << "× the device memory ("
           << formatBytes(static_cast<double>(-fit.spare)) << " over the usable part).\n";
    if (!cost)
        return;
    const CostReport& c = *cost;
    os << "Training " << formatShort(c.options.tokens) << " tokens"
       << (c.options.tokens == c.chinchillaTokens ? " (Chinchilla's 20·N; --tokens to change)" : "") << " at "
       << formatFixed(c.options.mfu * 100, 0) << " % MFU on " << c.options.devices << " device(s), "
       << toString(c.options.precision) << " peak " << formatFixed(c.peakFlopsPerDevice / 1e12, 1)
       << " TFLOP/s:\n"
       << "  " << formatScientific(c.trainingFlops) << " model FLOPs (" << c.conventionKey
       << ", T = " << formatCount(c.options.seqLen) << ") -> " << formatDuration(c.seconds) << ", "
       << formatFixed(c.deviceHours, 1) << " device-hours\n";
    if (c.options.recompute)
        os << "  recomputation adds " << formatScientific(c.hardwareFlops - c.trainingFlops)
           << " hardware FLOPs: at this MFU that is an HFU of " << formatFixed(c.hfu * 100, 1)
           << " % (MFU excludes recomputation; PaLM, App. B)\n";
}

int run(const std::vector<std::string>& args, Context& ctx)
{
    po::options_description options("options");
    addMemoryOptions(options);
    addDeviceOptions(options, true);
    options.add_options()("galore-table", "print the GaLore paper's Table 2 next to this model's figures")(
        "list-devices", "print the accelerator table")(
        "format", po::value<std::string>()->default_value("text"),
        "text, json, csv or markdown")("config", po::value<std::vector<std::string>>()->default_value({}, ""),
                                       "config file or bundled name");
    po::positional_options_description positional;
    positional.add("config", -1);
    const ParsedArgs p = parseArgs(
        args, "memory",
        "CONFIG [--optimizer NAME] [--rank R] [--dtype T] [--batch B] [--seq T] [--recompute] [--device "
        "NAME]",
        "What training (or inference) keeps in memory on one device, term by term: weights by dtype;\n"
        "gradients and optimizer state of each --optimizer; the activations a backward pass keeps for B×T\n"
        "tokens, with or without full recompute, for " +
            attentionKernelTable().namesText() +
            " attention;\n"
            "logits; the KV cache for inference (--optimizer none). With --device, whether it fits with\n"
            "--headroom free and "
            "how long Chinchilla-optimal training takes at --mfu. For many GPUs (ZeRO, tensor/pipeline\n"
            "parallel) use `llamascope plan`.\n"
            "--galore-table reproduces the GaLore paper's Table 2 side by side. Derivations: docs/memory.md.",
        options, positional, ctx);
    if (p.help)
        return kExitOk;
    const OutputFormat format = formatOption(p);
    const auto& inputs = p.vm["config"].as<std::vector<std::string>>();
    if (p.vm.count("galore-table")) {
        if (!inputs.empty())
            throw UsageError("--galore-table uses the bundled llama_60m/130m/350m/1b; give no CONFIG");
        return galoreTable(format, ctx);
    }
    const AcceleratorTable table = acceleratorsFrom(p.vm);
    if (p.vm.count("list-devices"))
        return listDevices(table, format, ctx);
    const MemoryOptions memOptions = memoryOptionsFrom(p.vm);
    const Accelerator* device = deviceFrom(p.vm, table);

    const LoadResult loaded = loadSingleInput(inputs);
    if (!loaded.config) {
        printFindings(loaded.report, ctx.err);
        return kExitFindings;
    }
    const ModelConfig& config = *loaded.config;
    const double headroom = parseHeadroom(p.vm);
    const MemoryReport report = estimateMemory(config, memOptions);
    std::optional<DeviceFit> fit;
    if (device != nullptr)
        fit = fitOnDevice(report.totalBytes(), device->memoryBytes, headroom);
    std::optional<CostReport> cost;
    if (device != nullptr && memOptions.optimizer != Optimizer::None) {
        CostOptions co = costOptionsFrom(p.vm, report.activationDtype);
        co.seqLen = report.options.seqLen;
        co.recompute = memOptions.recompute;
        cost = estimateCost(config, *device, co);
    }

    if (format == OutputFormat::Json) {
        nlohmann::ordered_json j = outputEnvelope("memory");
        j["name"] = config.name;
        j["memory"] = toJson(report);
        if (device != nullptr) {
            j["device"] = {{"key", device->key},
                           {"name", device->name},
                           {"memory_bytes", device->memoryBytes},
                           {"headroom", fit->headroom},
                           {"usable_bytes", fit->usable},
                           {"fits", fit->fits}};
            if (cost)
                j["cost"] = toJson(*cost);
        }
        printJson(j, ctx.out);
        return kExitOk;
    }
    const TableFormat tf = tableFormat(format);
    if (format == OutputFormat::Csv) {
        ctx.out << render(memoryTermsTable(report), tf);
        return kExitOk;
    }
    const bool md = format == OutputFormat::Markdown;
    ctx.out << (md ? "### " : "") << headline(config, report) << "\n\n";
    ctx.out << render(memoryTermsTable(report), tf) << "\n";
    ctx.out << render(memoryTotalsTable(report), tf) << "\n";
    ctx.out << "Weights alone:";
    for (const WeightFootprint& w : report.weightsByDtype)
        ctx.out << "  " << toString(w.dtype) << " " << formatBytes(static_cast<double>(w.bytes));
    ctx.out << "\n";
    if (device != nullptr)
        printDevice(*device, *fit, cost, ctx.out);
    ctx.out << "\n" << kNotCounted;
    return kExitOk;
}

} // namespace

const Command& memoryCommand()
{
    static const Command c{
        "memory", "memory per term: weights, gradients, optimizer state, activations, KV cache", run};
    return c;
}

} // namespace llamascope::cli
