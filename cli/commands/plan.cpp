// llamascope plan CONFIG --gpus N --device NAME [--nodes M] [--global-batch 4M] [--seq T]
//                       [recipe] [search filters] [--top K] [--columns ...] [--format ...]
//                       [--emit deepspeed|fsdp|megatron --out DIR [--force] [--pick N]]
// llamascope plan CONFIG --inference --device NAME [--batch B] [--prompt T] [--generate N] ...
// llamascope plan --list-interconnects
// Every number comes from core's planTraining() / planInference(); this file parses and prints.

#include "commands.hpp"
#include "common.hpp"
#include "design_options.hpp"
#include "progress.hpp"

#include "llamascope/design.hpp"
#include "llamascope/errors.hpp"
#include "llamascope/format.hpp"
#include "llamascope/io.hpp"
#include "llamascope/json_io.hpp"
#include "llamascope/launch.hpp"
#include "llamascope/plan.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <ostream>
#include <sstream>

namespace llamascope::cli {
namespace {

namespace fs = std::filesystem;

void addOptions(po::options_description& all)
{
    // Choices and their help come from core's tables; defaults from PlanOptions{} and
    // InferenceOptions{}.
    const PlanOptions defaults;
    const InferenceOptions inferenceDefaults;
    po::options_description cluster("cluster");
    cluster.add_options()("gpus", po::value<std::string>(), "GPUs in the cluster (all of one device type)")(
        "device", po::value<std::string>(), "accelerator from the table (h100, a100, mi300x, ...)")(
        "nodes", po::value<std::string>(),
        "nodes the GPUs are spread over (default: full nodes of the device's size)")(
        "gpus-per-node", po::value<std::string>(),
        "GPUs per node (default: the interconnect table's, else 8)")(
        "intra", po::value<std::string>(),
        "in-node interconnect key (default: the device's; --list-interconnects)")(
        "inter", po::value<std::string>(), "between-node interconnect key (default: the device's)")(
        "interconnects", po::value<std::string>(),
        "interconnect table to use instead of the built-in one (same format as "
        "core/data/interconnects.json)")("accelerators", po::value<std::string>(),
                                         "accelerator table to use instead of the built-in one")(
        "price", po::value<std::string>(),
        "dollars per GPU-hour, for the cost column")("list-interconnects", "print the interconnect table");
    po::options_description recipe("training recipe");
    addRecipeOptions(recipe);
    recipe.add_options()("fused-norm",
                         "fused RMSNorm kernel (Apex/TE): keeps the 16-bit input, not an fp32 copy")(
        "fused-swiglu", "fused SwiGLU kernel: keeps gate and up, recomputes SiLU")(
        "fused-ce", "fused cross-entropy (Megatron-LM): keeps fp32 logits only")(
        "vocab-parallel", po::value<std::string>()->default_value(defaults.vocabParallel ? "yes" : "no"),
        "yes or no: split embedding and lm_head by vocabulary under tensor parallelism");
    po::options_description step("step and run");
    step.add_options()("seq", po::value<std::string>(),
                       "tokens per sequence s (default: the context length)")(
        "global-batch",
        po::value<std::string>()->default_value(
            formatBinaryExact(static_cast<std::int64_t>(defaults.globalBatchTokens))),
        "tokens per optimizer step: 4M, 4Mi (2^22), or sequences: 1024seq")(
        "batch-tolerance", po::value<std::string>()->default_value(formatPercent(defaults.batchTolerance)),
        "how far dp × micro-batch × accumulation may round the global batch")(
        "headroom", po::value<std::string>(),
        ("share of each GPU kept free (default " + formatPercent(defaults.headroom) + ")").c_str())(
        "efficiency", po::value<std::string>()->default_value(formatPercent(defaults.efficiency)),
        "share of the peak the compute sustains (HFU before communication and bubbles)")(
        "precision", choiceValue(precisionTable()),
        choicesHelp("peak to use (default: the compute dtype's)", precisionTable()).c_str())(
        "convention", enumValue(flopConventionTable(), defaults.convention),
        choicesHelp("model FLOPs convention for MFU", flopConventionTable()).c_str())(
        "no-overlap", "assume no communication hides behind compute")(
        "bucket", po::value<std::string>()->default_value(formatBinaryExact(defaults.bucketBytes) + "B"),
        "gradient-reduction bucket (DDP, ZeRO 1–2)")(
        "tokens", po::value<std::string>(),
        "training tokens for the run totals (default: Chinchilla's 20·N)");
    po::options_description search("search (each fixes one dimension; default: every valid value)");
    search.add_options()("dp", po::value<std::string>(), "data-parallel size")("tp", po::value<std::string>(),
                                                                               "tensor-parallel size")(
        "pp", po::value<std::string>(), "pipeline stages")("cp", po::value<std::string>(),
                                                           "context-parallel size")(
        "zero", choiceValue(zeroStageTable()),
        choicesHelp("ZeRO stage (also zero3, no_shard, shard_grad_op, full_shard ...)", zeroStageTable())
            .c_str())("recompute", choiceValue(recomputeTable()),
                      choicesHelp("activation recomputation", recomputeTable()).c_str())(
        "recompute-layers", po::value<std::string>(),
        "with full recomputation: layers per pipeline stage to recompute (Megatron-LM's block method)")(
        "micro-batch", po::value<std::string>(),
        "sequences per micro-batch")("sp", po::value<std::string>(), "yes or no: sequence parallelism")(
        "hybrid", po::value<std::string>(), "yes or no: hybrid sharding (shard in a node, replicate across)")(
        "max-tp", po::value<std::string>(), "largest tensor-parallel size searched (default: GPUs per node)");
    po::options_description inference("inference (--inference)");
    inference.add_options()("inference", "plan serving instead of training")(
        "batch", po::value<std::string>()->default_value(std::to_string(inferenceDefaults.batch)),
        "sequences decoded together")("prompt", po::value<std::string>(),
                                      "prompt tokens (default: the context length)")(
        "generate",
        po::value<std::string>()->default_value(std::to_string(inferenceDefaults.generatedTokens)),
        "tokens generated per sequence")("kv-dtype",
                                         enumValue(storageDtypeTable(), inferenceDefaults.kvDtype),
                                         choicesHelp("KV cache dtype", storageDtypeTable()).c_str())(
        "window", po::value<std::string>(),
        "sliding-window attention on every layer: keys kept (default: the config's window on its sliding "
        "layers)");
    po::options_description output("output");
    output.add_options()("top", po::value<std::string>()->default_value("10"), "layouts to list")(
        "columns", po::value<std::string>(),
        "comma-separated column ids of the ranked table (see docs/planning.md)")(
        "detail", "print every memory term of the chosen layout")(
        "emit", choiceValue(launchEngineTable()),
        choicesHelp("write the launch files of the chosen layout", launchEngineTable()).c_str())(
        "out", po::value<std::string>(), "folder for --emit")("force", "overwrite existing files in --out")(
        "pick", po::value<std::string>()->default_value("1"),
        "which ranked layout --emit and the detail describe")(
        "format", po::value<std::string>()->default_value("text"),
        "text, json, csv or markdown")("config", po::value<std::vector<std::string>>()->default_value({}, ""),
                                       "config file or bundled name");
    all.add(cluster).add(recipe).add(step).add(search).add(inference).add(output);
}

/// InvalidArgument from core parsing becomes a usage error naming the option.
template <class F>
auto asUsage(std::string_view option, F&& f)
{
    try {
        return f();
    } catch (const InvalidArgument& e) {
        throw UsageError("--" + std::string(option) + ": " + e.what());
    }
}

Count optionalPositive(const po::variables_map& vm, const char* name, Count fallback = 0)
{
    return vm.count(name) ? parsePositive(vm[name].as<std::string>(), name) : fallback;
}

double fraction(const po::variables_map& vm, const char* name, double lo, double hi, bool loOpen)
{
    const double v = parseNumber(vm[name].as<std::string>(), name);
    if (v > hi || v < lo || (loOpen && v == lo))
        throw UsageError("--" + std::string(name) + " must be in " + (loOpen ? "(" : "[") + formatNumber(lo) +
                         ", " + formatNumber(hi) + "], got \"" + vm[name].as<std::string>() + "\"");
    return v;
}

InterconnectTable interconnectsFrom(const po::variables_map& vm)
{
    if (vm.count("interconnects"))
        return loadInterconnects(fs::path(vm["interconnects"].as<std::string>()));
    return builtinInterconnects();
}

LayoutFilter filterFrom(const po::variables_map& vm)
{
    LayoutFilter f;
    if (vm.count("dp"))
        f.dp = parsePositive(vm["dp"].as<std::string>(), "dp");
    if (vm.count("tp"))
        f.tp = parsePositive(vm["tp"].as<std::string>(), "tp");
    if (vm.count("pp"))
        f.pp = parsePositive(vm["pp"].as<std::string>(), "pp");
    if (vm.count("cp"))
        f.cp = parsePositive(vm["cp"].as<std::string>(), "cp");
    if (vm.count("micro-batch"))
        f.microBatch = parsePositive(vm["micro-batch"].as<std::string>(), "micro-batch");
    f.zero = enumOption(vm, "zero", zeroStageTable());
    f.recompute = enumOption(vm, "recompute", recomputeTable());
    if (vm.count("recompute-layers")) {
        if (f.recompute && *f.recompute != Recompute::Full)
            throw UsageError("--recompute-layers needs --recompute full");
        f.recompute = Recompute::Full;
        f.recomputeLayers = parsePositive(vm["recompute-layers"].as<std::string>(), "recompute-layers");
    }
    if (vm.count("sp"))
        f.sequenceParallel = parseYesNo(vm["sp"].as<std::string>(), "sp");
    if (vm.count("hybrid"))
        f.hybridShard = parseYesNo(vm["hybrid"].as<std::string>(), "hybrid");
    f.maxTensorParallel = optionalPositive(vm, "max-tp");
    return f;
}

PlanOptions planOptionsFrom(const po::variables_map& vm, const ModelConfig& config)
{
    const MemoryOptions m = recipeOptionsFrom(vm);
    if (m.optimizer == Optimizer::None)
        throw UsageError("a training plan needs a training --optimizer (--inference plans serving)");
    PlanOptions o;
    o.optimizer = m.optimizer;
    o.weightDtype = m.weightDtype;
    o.rank = m.rank;
    o.masterWeights = m.masterWeights;
    o.gradDtype = m.gradDtype;
    o.attention = m.attention;
    o.fusedNorm = vm.count("fused-norm") != 0;
    o.fusedSwiglu = vm.count("fused-swiglu") != 0;
    o.fusedCrossEntropy = vm.count("fused-ce") != 0;
    o.vocabParallel = parseYesNo(vm["vocab-parallel"].as<std::string>(), "vocab-parallel");
    o.seqLen = optionalPositive(vm, "seq");
    const Count seq = o.seqLen > 0 ? o.seqLen : config.contextLength;
    o.globalBatchTokens =
        asUsage("global-batch", [&] { return parseGlobalBatch(vm["global-batch"].as<std::string>(), seq); });
    o.batchTolerance = fraction(vm, "batch-tolerance", 0, 0.99, false);
    o.headroom = parseHeadroom(vm);
    o.efficiency = fraction(vm, "efficiency", 0, 1, true);
    o.precision = enumOption(vm, "precision", precisionTable());
    o.convention = enumOption(vm["convention"].as<std::string>(), "convention", flopConventionTable());
    o.overlapCommunication = vm.count("no-overlap") == 0;
    o.bucketBytes =
        asUsage("bucket", [&] { return parseByteSize(vm["bucket"].as<std::string>(), "bucket"); });
    if (vm.count("tokens"))
        o.tokens = asUsage("tokens", [&] { return parseQuantity(vm["tokens"].as<std::string>(), "tokens"); });
    o.filter = filterFrom(vm);
    const Count top = parsePositive(vm["top"].as<std::string>(), "top");
    if (top > 1000)
        throw UsageError("--top must be at most 1000");
    o.top = static_cast<std::size_t>(top);
    return o;
}

ClusterSpec clusterFrom(const po::variables_map& vm, const Accelerator& device,
                        const InterconnectTable& links)
{
    if (!vm.count("gpus"))
        throw UsageError("give the cluster: --gpus N --device NAME (e.g. --gpus 64 --device h100)");
    const Count gpus = parsePositive(vm["gpus"].as<std::string>(), "gpus");
    ClusterSpec c = asUsage("gpus", [&] {
        return makeCluster(device, gpus, optionalPositive(vm, "nodes"), optionalPositive(vm, "gpus-per-node"),
                           links, vm.count("intra") ? vm["intra"].as<std::string>() : std::string(),
                           vm.count("inter") ? vm["inter"].as<std::string>() : std::string());
    });
    if (vm.count("price")) {
        c.dollarsPerGpuHour = parseNumber(vm["price"].as<std::string>(), "price");
        if (!(c.dollarsPerGpuHour >= 0))
            throw UsageError("--price must be a number of dollars >= 0");
    }
    return c;
}

std::vector<std::string> columnsFrom(const po::variables_map& vm)
{
    std::vector<std::string> ids;
    if (!vm.count("columns"))
        return ids;
    std::stringstream ss(vm["columns"].as<std::string>());
    std::string item;
    while (std::getline(ss, item, ','))
        if (!item.empty())
            ids.push_back(item);
    for (const std::string& id : ids)
        if (findPlanColumn(id) == nullptr) {
            std::vector<std::string_view> known;
            for (const PlanColumn& c : planColumns())
                known.push_back(c.id);
            unknownName("columns", id, known);
        }
    return ids;
}

/// Writes the launch files: every path checked before any is written, none over an input or an
/// existing file without --force, each one atomically.
std::vector<std::string> writeLaunch(const std::vector<LaunchFile>& files, const fs::path& dir, bool force,
                                     const std::vector<fs::path>& inputs)
{
    std::error_code ec;
    if (!fs::exists(dir, ec)) {
        fs::create_directories(dir, ec);
        if (ec)
            throw IoError(dir.string() + ": cannot create folder (" + ec.message() + ")");
    } else if (!fs::is_directory(dir, ec)) {
        throw IoError(dir.string() + ": is not a folder");
    }
    std::string existing;
    for (const LaunchFile& f : files) {
        const fs::path path = dir / f.name;
        const fs::path canonical = fs::weakly_canonical(path, ec);
        for (const fs::path& input : inputs)
            if (!input.empty() && fs::weakly_canonical(input, ec) == canonical)
                throw IoError(path.string() + ": is an input of this command; nothing was written");
        if (fs::exists(path, ec))
            existing += (existing.empty() ? "" : ", ") + path.string();
    }
    if (!existing.empty() && !force)
        throw IoError(existing + ": already exists; nothing was written (pass --force to overwrite)");
    std::vector<std::string> written;
    for (const LaunchFile& f : files) {
        const fs::path path = dir / f.name;
        writeFileAtomic(path, f.content, force ? Overwrite::Allow : Overwrite::Refuse);
        if (f.executable)
            fs::permissions(path, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                            fs::perm_options::add, ec);
        written.push_back(path.string());
    }
    return written;
}

std::string describeRecipe(const PlanResult& r)
{
    const TrainingRecipe& t = r.recipe;
    std::string s = std::string(toString(t.optimizer));
    if (t.rank > 0)
        s += " rank " + std::to_string(t.rank);
    s += " (" + std::string(toString(t.weights)) + " weights, " + std::string(toString(t.gradients)) +
         " gradients";
    if (t.masterWeights)
        s += ", fp32 master copy";
    s += ", " + std::string(toString(t.state)) + " optimizer state)";
    s += ", " + std::string(toString(r.options.attention)) + " attention";
    if (r.options.fusedNorm)
        s += ", fused RMSNorm";
    if (r.options.fusedSwiglu)
        s += ", fused SwiGLU";
    if (r.options.fusedCrossEntropy)
        s += ", fused cross-entropy";
    return s;
}

void printDetail(const PlanResult& r, const LayoutEvaluation& e, std::size_t rank, bool terms, TableFormat tf,
                 std::ostream& os)
{
    const bool md = tf == TableFormat::Markdown;
    os << "\n" << (md ? "#### " : "") << "#" << rank << " in detail: " << e.layout.describe() << "\n\n";
    os << "Per-GPU memory (" << formatBytes(static_cast<double>(e.fit.device)) << " device, "
       << formatBytes(static_cast<double>(e.fit.usable)) << " usable with "
       << formatFixed(e.fit.headroom * 100, 0) << " % headroom):\n\n";
    os << render(planMemoryGroupsTable(e, r.cluster), tf) << "\n";
    if (terms)
        os << render(planMemoryTable(e), tf) << "\n";
    os << "Time per step (" << formatCount(e.globalBatchSequences) << " sequences, "
       << formatShort(e.globalBatchTokens) << " tokens):\n\n";
    os << render(planTimeTable(e), tf) << "\n";
    os << "MFU " << formatFixed(e.mfu * 100, 1) << " % ("
       << toString(r.options.precision.value_or(Precision::BF16)) << " peak "
       << formatFixed(r.peakFlopsPerGpu / 1e12, 1) << " TFLOP/s), HFU " << formatFixed(e.hfu * 100, 1)
       << " %; " << formatShort(e.tokensPerSecond) << " tokens/s.\n";
    os << "Run: " << formatShort(e.run.tokens)
       << " tokens = " << formatCount(static_cast<Count>(std::ceil(e.run.steps)))
       << " steps: " << formatDuration(e.run.seconds) << ", " << formatShort(e.run.gpuHours) << " GPU-hours";
    if (r.cluster.dollarsPerGpuHour > 0)
        os << ", $" << formatShort(e.run.cost);
    os << ".\n";
    for (const std::string& n : e.notes)
        os << "Note: " << n << ".\n";
}

int runInference(const po::variables_map& vm, const ModelConfig& config, const Accelerator& device,
                 OutputFormat format, Context& ctx)
{
    InferenceOptions o;
    o.batch = parsePositive(vm["batch"].as<std::string>(), "batch");
    o.promptTokens = optionalPositive(vm, "prompt");
    o.generatedTokens = parsePositive(vm["generate"].as<std::string>(), "generate");
    o.slidingWindow = optionalPositive(vm, "window");
    o.tensorParallel = optionalPositive(vm, "tp", 1);
    o.headroom = parseHeadroom(vm);
    o.efficiency = fraction(vm, "efficiency", 0, 1, true);
    if (const auto d = enumOption(vm, "dtype", storageDtypeTable()))
        o.weightDtype = *d;
    o.kvDtype = enumOption(vm["kv-dtype"].as<std::string>(), "kv-dtype", storageDtypeTable());
    const InferencePlan p = planInference(config, device, o);
    if (format == OutputFormat::Json) {
        nlohmann::ordered_json j = outputEnvelope("plan");
        j["name"] = config.name;
        j["inference"] = toJson(p);
        printJson(j, ctx.out);
        return p.fit.fits ? kExitOk : kExitFindings;
    }
    const TableFormat tf = tableFormat(format);
    if (format == OutputFormat::Text || format == OutputFormat::Markdown)
        ctx.out << (format == OutputFormat::Markdown ? "### " : "") << config.name << " serving on "
                << device.name
                << (o.tensorParallel > 1 ? " × " + std::to_string(o.tensorParallel) + " (tensor parallel)"
                                         : "")
                << ": batch " << o.batch << ", " << formatCount(p.options.promptTokens) << " prompt + "
                << formatCount(o.generatedTokens) << " generated tokens, " << toString(o.weightDtype)
                << " weights, " << toString(o.kvDtype) << " KV cache"
                << (p.slidingLayers > 0 ? ", window " + formatCount(p.options.slidingWindow) + " on " +
                                              std::to_string(p.slidingLayers) + " of " +
                                              std::to_string(config.numHiddenLayers) + " layers"
                                        : "")
                << "\n\n";
    ctx.out << render(inferenceTable(p), tf);
    if (format == OutputFormat::Text)
        ctx.out << "\n"
                << (p.fit.fits ? "Fits" : "Does NOT fit") << " with " << formatFixed(o.headroom * 100, 0)
                << " % headroom. Decode reads the weights (of a mixture of experts, those some token picked) "
                   "and the "
                   "whole cache once per step (bandwidth "
                << formatFixed(device.memoryBandwidthGBs, 0) << " GB/s); docs/planning.md \"Inference\".\n";
    return p.fit.fits ? kExitOk : kExitFindings;
}

int run(const std::vector<std::string>& args, Context& ctx)
{
    po::options_description all("options");
    addOptions(all);
    po::positional_options_description positional;
    positional.add("config", -1);
    const std::string usage =
        "CONFIG --gpus N --device NAME [--nodes M] [--global-batch 4Mi] [--seq T] [recipe] [filters]\n"
        "       [--emit " +
        choicesBar(launchEngineTable()) + " --out DIR [--force]]   |   CONFIG --inference --device NAME";
    const ParsedArgs p = parseArgs(
        args, "plan", usage,
        "Plans a training run on a cluster: every valid layout — data parallel with ZeRO 0–3 (FSDP, hybrid\n"
        "sharding), tensor, pipeline, sequence and context parallel, recomputation, micro-batch — is\n"
        "evaluated for per-GPU memory and step time; those that fit with --headroom free are ranked by time\n"
        "per token. Time = compute at --efficiency × peak + pipeline bubble + communication that compute "
        "does\n"
        "not hide (message sizes on the interconnect table). MFU counts model FLOPs only; recomputation\n"
        "shows as HFU. --emit writes the launch configuration of the chosen layout. --inference plans\n"
        "serving: KV cache, prefill, bandwidth-bound decode. Exit 1 when nothing fits. Derivations:\n"
        "docs/planning.md.",
        all, positional, ctx);
    if (p.help)
        return kExitOk;
    const po::variables_map& vm = p.vm;
    const OutputFormat format = formatOption(p);
    const InterconnectTable links = interconnectsFrom(vm);
    if (vm.count("list-interconnects")) {
        if (format == OutputFormat::Json) {
            nlohmann::ordered_json j = outputEnvelope("plan");
            nlohmann::ordered_json list = nlohmann::ordered_json::array();
            for (const Interconnect& i : links.interconnects)
                list.push_back(toJson(i));
            j["interconnects"] = list;
            printJson(j, ctx.out);
            return kExitOk;
        }
        ctx.out << render(interconnectsTable(links), tableFormat(format));
        if (format == OutputFormat::Text)
            ctx.out
                << "\nPer-direction line rates; efficiency is the share a ring collective reaches. Source: "
                << links.source << "\n";
        return kExitOk;
    }
    const AcceleratorTable accelerators = acceleratorsFrom(vm);
    if (!vm.count("device"))
        throw UsageError("give the device: --device NAME (e.g. h100; `llamascope memory --list-devices`)");
    const Accelerator* device = deviceFrom(vm, accelerators);
    const LoadResult loaded = loadSingleInput(vm["config"].as<std::vector<std::string>>());
    if (!loaded.config) {
        printFindings(loaded.report, ctx.err);
        return kExitFindings;
    }
    const ModelConfig& config = *loaded.config;
    if (vm.count("inference"))
        return runInference(vm, config, *device, format, ctx);

    const ClusterSpec cluster = clusterFrom(vm, *device, links);
    const PlanOptions options = planOptionsFrom(vm, config);
    const std::vector<std::string> columns = columnsFrom(vm);
    const Count pick = parsePositive(vm["pick"].as<std::string>(), "pick");
    if (vm.count("emit") && !vm.count("out"))
        throw UsageError("--emit needs --out DIR");
    if (vm.count("out") && !vm.count("emit"))
        throw UsageError("--out needs --emit " + choicesBar(launchEngineTable()));
    const std::optional<LaunchEngine> engine = enumOption(vm, "emit", launchEngineTable());

    InterruptGuard guard;
    StderrProgress progress(ctx.err, format == OutputFormat::Text);
    const auto start = std::chrono::steady_clock::now();
    const PlanResult result = planTraining(config, cluster, options, &progress);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    progress.finish();
    const bool fits = !result.layouts.empty();
    if (fits && pick > static_cast<Count>(result.layouts.size()))
        throw UsageError("--pick " + std::to_string(pick) + ": only " +
                         std::to_string(result.layouts.size()) + " layouts are listed (raise --top)");
    const LayoutEvaluation* chosen = fits ? &result.layouts[static_cast<std::size_t>(pick - 1)] : nullptr;

    std::vector<std::string> written;
    if (engine) {
        if (chosen == nullptr)
            ctx.err << "llamascope plan: not writing: no layout fits\n";
        else {
            const std::vector<LaunchFile> files =
                asUsage("emit", [&] { return launchFiles(*engine, config, result, *chosen); });
            std::vector<fs::path> inputs;
            for (const std::string& in : vm["config"].as<std::vector<std::string>>())
                inputs.emplace_back(in);
            for (const char* o : {"accelerators", "interconnects"})
                if (vm.count(o))
                    inputs.emplace_back(vm[o].as<std::string>());
            written = writeLaunch(files, vm["out"].as<std::string>(), vm.count("force") != 0, inputs);
        }
    }

    if (format == OutputFormat::Json) {
        nlohmann::ordered_json j = outputEnvelope("plan");
        j["name"] = config.name;
        j["plan"] = toJson(result);
        j["elapsed_ms"] = ms;
        j["written"] = written;
        printJson(j, ctx.out);
        return fits ? kExitOk : kExitFindings;
    }
    const TableFormat tf = tableFormat(format);
    if (format == OutputFormat::Csv) {
        ctx.out << render(planTable(result, columns), tf);
        return fits ? kExitOk : kExitFindings;
    }
    const bool md = format == OutputFormat::Markdown;
    ctx.out << (md ? "### " : "") << config.name << " ("
            << formatShort(static_cast<double>(result.parameters)) << " parameters) on " << cluster.gpus
            << " × " << cluster.device.name << ": " << cluster.nodes() << " node"
            << (cluster.nodes() == 1 ? "" : "s") << " of " << cluster.gpusPerNode << ", "
            << cluster.intraNode.name << " in a node, " << cluster.interNode.name << " between nodes\n\n";
    ctx.out << "Recipe: " << describeRecipe(result) << ".\n";
    ctx.out << "Step: s = " << formatCount(result.options.seqLen) << ", global batch "
            << formatCount(result.requestedSequences) << " sequences ("
            << formatShort(result.options.globalBatchTokens) << " tokens, ± "
            << formatFixed(result.options.batchTolerance * 100, 0) << " %); compute at "
            << formatFixed(result.options.efficiency * 100, 0) << " % of the peak; "
            << formatFixed(result.options.headroom * 100, 0) << " % of each GPU kept free.\n";
    ctx.out << "Searched " << formatCount(result.enumerated) << " layouts in " << formatFixed(ms, 1)
            << " ms: " << formatCount(result.fitting) << " fit; ranked by time per token.\n\n";
    if (fits) {
        ctx.out << render(planTable(result, columns), tf);
        printDetail(result, *chosen, static_cast<std::size_t>(pick), vm.count("detail") != 0, tf, ctx.out);
    } else {
        ctx.out << "Nothing fits. " << result.note << "\n";
        if (result.closest)
            printDetail(result, *result.closest, 0, vm.count("detail") != 0, tf, ctx.out);
    }
    for (const std::string& w : written)
        ctx.out << (w == written.front() ? "\n" : "") << "wrote " << w << "\n";
    return fits ? kExitOk : kExitFindings;
}

} // namespace

const Command& planCommand()
{
    static const Command c{
        "plan", "plan a training run on a cluster (ZeRO/FSDP, tp, pp, cp) or serving; launch configs", run};
    return c;
}

} // namespace llamascope::cli
