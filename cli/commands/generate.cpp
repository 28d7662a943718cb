// llamascope generate --params 500M | --flops F | --memory 80GiB [--device NAME] | --device NAME
//                     | --compute 1e21 | --ladder FROM TO [--steps N]
//                     [constraints...] [--top K] [--out DIR] [--force] [--format ...]

#include "commands.hpp"
#include "common.hpp"
#include "design_options.hpp"
#include "fits_option.hpp"
#include "generate_law.hpp"
#include "progress.hpp"

#include "llamascope/design.hpp"
#include "llamascope/errors.hpp"
#include "llamascope/format.hpp"
#include "llamascope/io.hpp"
#include "llamascope/json_io.hpp"
#include "llamascope/model_types.hpp"
#include "llamascope/plan.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <ostream>
#include <sstream>

namespace llamascope::cli {
namespace {

namespace fs = std::filesystem;

/// Core's notes name the constraints in words; this front end adds its option names.
constexpr const char* kConstraintOptions = "(constraints: --vocab, --tie, --min-hidden, --hidden-multiple, "
                                           "--max-hidden, --layers MIN:MAX, --nl-band, "
                                           "--head-dim, --tolerance)";

/// InvalidArgument from core parsing becomes a usage error naming the option.
double quantity(const po::variables_map& vm, const char* option)
{
    try {
        return parseQuantity(vm[option].as<std::string>(), std::string("--") + option);
    } catch (const InvalidArgument& e) {
        throw UsageError(e.what());
    }
}

std::pair<Count, Count> parseRange(const std::string& text, std::string_view option)
{
    const auto colon = text.find(':');
    if (colon == std::string::npos) {
        const Count v = parsePositive(text, option);
        return {v, v};
    }
    const Count lo = parsePositive(text.substr(0, colon), option);
    const Count hi = parsePositive(text.substr(colon + 1), option);
    if (lo > hi)
        throw UsageError("--" + std::string(option) + " " + text + ": the minimum is above the maximum");
    return {lo, hi};
}

std::vector<Count> parseList(const std::string& text, std::string_view option)
{
    std::vector<Count> out;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ','))
        out.push_back(parsePositive(item, option));
    if (out.empty())
        throw UsageError("--" + std::string(option) + " needs at least one value, e.g. 64,128");
    return out;
}

void addConstraintOptions(po::options_description& o)
{
    // No default values here: an option left out keeps DesignConstraints' default (or the
    // --like preset's), so the defaults live in core. Help names those defaults and lists the
    // choices of core's tables.
    const DesignConstraints defaults;
    o.add_options()("like", po::value<std::string>(),
                    "take the choices of a published model or family of core/data/published_models.json "
                    "(e.g. Qwen2.5-0.5B, qwen2, llama, mobilellm); options below override them")(
        "family", choiceValue(modelTypes()),
        ("model type the configs are written for: " + modelTypes().namesText() + " (default " +
         std::string(toString(defaults.modelType)) + "; `llamascope families` lists their traits)")
            .c_str())(
        "ranking", choiceValue(designRankingTable()),
        choicesHelp("how on-target shapes are ranked", designRankingTable(), defaults.ranking).c_str())(
        "head-dim", po::value<std::string>(), "allowed head_dim values (default 64,128)")(
        "hidden-multiple", po::value<std::string>(),
        "hidden_size is a multiple of this (default 64, raised to 128 from 2B and 256 from 20B parameters)")(
        "min-hidden", po::value<std::string>(), "smallest hidden_size (default 64)")(
        "max-hidden", po::value<std::string>(), "largest hidden_size (default 32768)")(
        "ffn", choiceValue(ffnRuleTable()),
        choicesHelp("FFN rule, with --ffn-ratio, --ffn-multiple and --ffn-tolerance", ffnRuleTable(),
                    defaults.ffnRule)
            .c_str())("ffn-ratio", po::value<std::string>(),
                      "ratio rule: target intermediate/hidden, or a list (8/3,3.5,4); default 8/3")(
        "ffn-multiple", po::value<std::string>(),
        "intermediate_size multiple (LLaMA's multiple_of; LLaMA-7B used 256); default 64")(
        "ffn-tolerance", po::value<std::string>(), "ratio rule: allowed relative deviation (default 4%)")(
        "nl-band", po::value<std::string>(),
        "hidden/layers band: auto (default: the published range at this size, ×1.5 each way, joined with the "
        "bundled family's band), off, or LO:HI")("layers", po::value<std::string>(),
                                                 "layer range MIN:MAX (or one value); default 1:160")(
        "kv-heads", po::value<std::string>(),
        "key/value heads: auto (default: multi-head below 1B parameters, multi-head or 8 from 1B), mha, a "
        "count (GQA), or a list such as mha,8")(
        "tie", choiceValue(tieModeTable()), choicesHelp("embeddings", tieModeTable(), defaults.tie).c_str())(
        "position", choiceValue(positionTypes()),
        choicesHelp("position encoding", positionTypes(), defaults.position).c_str())(
        "vocab", po::value<std::string>(), "vocab_size (default 32000)")(
        "context", po::value<std::string>(), "max_position_embeddings (default 2048)")(
        "tolerance", po::value<std::string>(),
        "relative target tolerance (default 1%; 5% below a memory budget)")(
        "allow-findings", "keep candidates whose config.json draws validator notes or warnings");
}

/// "auto", "mha", "8" or "mha,8" into the constraints.
void applyKvHeads(DesignConstraints& c, const std::string& text)
{
    c.kvHeads.reset();
    c.kvHeadChoices.clear();
    if (text == "auto")
        return;
    std::vector<Count> list;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ','))
        list.push_back(item == "mha" ? 0 : parsePositive(item, "kv-heads"));
    if (list.empty())
        throw UsageError("--kv-heads must be auto, mha, a count or a list such as mha,8");
    if (list.size() == 1 && list.front() != 0)
        c.kvHeads = list.front();
    else
        c.kvHeadChoices = list;
}

DesignConstraints constraintsFrom(const po::variables_map& vm)
{
    DesignConstraints c;
    auto given = [&](const char* key) { return vm.count(key) != 0; };
    auto text = [&](const char* key) { return vm[key].as<std::string>(); };
    if (given("vocab"))
        c.vocab = parsePositive(text("vocab"), "vocab");
    if (given("context"))
        c.context = parsePositive(text("context"), "context");
    if (given("like")) {
        try {
            c = constraintsLike(text("like"), c);
        } catch (const InvalidArgument& e) {
            throw UsageError(std::string("--like: ") + e.what());
        }
        // A single model's preset sets the vocabulary and context; --vocab/--context win.
        if (given("vocab"))
            c.vocab = parsePositive(text("vocab"), "vocab");
        if (given("context"))
            c.context = parsePositive(text("context"), "context");
    }
    if (const auto type = enumOption(vm, "family", modelTypes()))
        c.modelType = *type;
    if (const auto ranking = enumOption(vm, "ranking", designRankingTable()))
        c.ranking = *ranking;
    if (given("head-dim"))
        c.headDims = parseList(text("head-dim"), "head-dim");
    if (given("hidden-multiple")) {
        c.hiddenMultiple = parsePositive(text("hidden-multiple"), "hidden-multiple");
        c.hiddenMultipleByScale = false;
    }
    if (given("min-hidden"))
        c.minHidden = parsePositive(text("min-hidden"), "min-hidden");
    if (given("max-hidden"))
        c.maxHidden = parsePositive(text("max-hidden"), "max-hidden");
    if (const auto rule = enumOption(vm, "ffn", ffnRuleTable()))
        c.ffnRule = *rule;
    if (given("ffn-ratio")) {
        std::vector<double> ratios;
        std::stringstream ss(text("ffn-ratio"));
        std::string item;
        while (std::getline(ss, item, ','))
            ratios.push_back(parseNumber(item, "ffn-ratio"));
        if (ratios.empty())
            throw UsageError("--ffn-ratio needs at least one ratio, e.g. 8/3 or 8/3,3.5,4");
        c.ffnRatio = ratios.front();
        c.extraFfnRatios.assign(ratios.begin() + 1, ratios.end());
    }
    if (given("ffn-multiple"))
        c.ffnMultiple = parsePositive(text("ffn-multiple"), "ffn-multiple");
    if (given("ffn-tolerance"))
        c.ffnTolerance = parseNumber(text("ffn-tolerance"), "ffn-tolerance");
    if (given("nl-band")) {
        const std::string band = text("nl-band");
        if (band == "off") {
            c.useNlBand = false;
        } else if (band != "auto") {
            const auto colon = band.find(':');
            if (colon == std::string::npos)
                throw UsageError("--nl-band must be auto, off or LO:HI (e.g. 40:120), got \"" + band + "\"");
            c.nlBand = NlBand{parseNumber(band.substr(0, colon), "nl-band"),
                              parseNumber(band.substr(colon + 1), "nl-band")};
        }
    }
    if (given("layers")) {
        const auto [lo, hi] = parseRange(text("layers"), "layers");
        c.minLayers = lo;
        c.maxLayers = hi;
    }
    if (given("kv-heads"))
        applyKvHeads(c, text("kv-heads"));
    if (const auto tie = enumOption(vm, "tie", tieModeTable()))
        c.tie = *tie;
    if (const auto position = enumOption(vm, "position", positionTypes()))
        c.position = *position;
    if (given("tolerance"))
        c.tolerance = parseNumber(text("tolerance"), "tolerance");
    c.requireClean = !given("allow-findings");
    try {
        checkConstraints(c);
    } catch (const InvalidArgument& e) {
        throw UsageError(e.what());
    }
    return c;
}

std::string describeConstraints(const DesignConstraints& c)
{
    std::string heads;
    for (Count h : c.headDims)
        heads += (heads.empty() ? "" : "/") + std::to_string(h);
    std::string s;
    if (!c.preferFamily.empty())
        s += "like " + (c.likeModel.empty() ? c.preferFamily : c.likeModel) + " · ";
    s += std::string(toString(c.modelType)) + " · head_dim " + heads + " · width a multiple of " +
         std::to_string(c.hiddenMultiple) + (c.hiddenMultipleByScale ? " (more at scale)" : "") + " in " +
         formatCount(c.minHidden) + "–" + formatCount(c.maxHidden) + " · FFN ";
    std::string ratios = formatFixed(c.ffnRatio, 3);
    for (double r : c.extraFfnRatios)
        ratios += "/" + formatFixed(r, 3);
    s += c.ffnRule == FfnRule::Llama ? "LLaMA's rounding, multiple_of " + std::to_string(c.ffnMultiple)
                                     : ratios + "·d ± " + formatFixed(c.ffnTolerance * 100, 1) +
                                           " %, multiple of " + std::to_string(c.ffnMultiple);
    s += " · N/L ";
    s += !c.useNlBand ? "unconstrained"
         : c.nlBand   ? formatFixed(c.nlBand->low, 1) + "–" + formatFixed(c.nlBand->high, 1)
         : c.ranking == DesignRanking::Published ? "within the published range"
                                                 : "within the bundled family's trend band";
    s += " · " + std::to_string(c.minLayers) + "–" + std::to_string(c.maxLayers) + " layers · ";
    if (c.kvHeads) {
        s += std::to_string(*c.kvHeads) + " kv heads";
    } else if (!c.kvHeadChoices.empty()) {
        std::string kv;
        for (Count k : c.kvHeadChoices)
            kv += (kv.empty() ? "" : "/") + (k == 0 ? std::string("MHA") : std::to_string(k));
        s += "kv heads " + kv;
    } else {
        s += "kv heads by size";
    }
    if (!c.kvHeads && !c.kvGroupChoices.empty()) {
        std::string groups;
        for (Count g : c.kvGroupChoices)
            groups += (groups.empty() ? "" : "/") + std::to_string(g);
        s += " or " + groups + " query heads per kv head";
    }
    if (!c.attentionWidths.empty()) {
        std::string widths;
        for (const AttentionWidth& w : c.attentionWidths)
            widths += (widths.empty() ? "" : ", ") + formatFixed(w.ratio, 3) + "·d in heads of " +
                      std::to_string(w.headDim);
        s += " · attention d or " + widths;
    }
    s += " · ranking " + std::string(toString(c.ranking));
    s += " · " + std::string(toString(c.tie)) + " embeddings · " + std::string(toString(c.position)) +
         " · vocab " + formatCount(c.vocab) + " · context " + formatCount(c.context);
    return s;
}

std::string describeTarget(const DesignResult& r)
{
    const std::string tol = formatFixed(r.tolerance * 100, 1) + " %";
    switch (r.target.kind) {
    case DesignTargetKind::Params: return formatShort(r.target.value) + " parameters, within ±" + tol;
    case DesignTargetKind::ForwardFlops:
        return formatScientific(r.target.value) + " forward FLOPs per token, within ±" + tol;
    case DesignTargetKind::TrainingMemory:
        return formatBytes(r.target.value) + " of training memory (" +
               std::string(toString(r.target.memory.optimizer)) + ", batch " +
               formatCount(r.target.memory.batch) + "), using at least " +
               formatFixed(100 - r.tolerance * 100, 1) + " % of it";
    case DesignTargetKind::Compute:
        return formatScientific(r.target.value) +
               " training FLOPs: Chinchilla N = sqrt(C/120) = " + formatShort(r.compute->parameters) +
               " parameters, D = 20·N = " + formatShort(r.compute->tokens) + " tokens; parameters within ±" +
               tol;
    }
    return {};
}

/// "1152 × 29": how the table, the reasons and the footnotes name a candidate's shape.
std::string shapeOf(const DesignCandidate& c)
{
    return std::to_string(c.config.hiddenSize) + " × " + std::to_string(c.config.numHiddenLayers);
}

void printReasons(const std::vector<DesignCandidate>& cands, std::ostream& os)
{
    os << "\nWhy:\n";
    for (std::size_t i = 0; i < cands.size(); ++i)
        os << "  " << (i + 1) << ". " << shapeOf(cands[i]) << ": " << cands[i].reason << "\n";
}

int runLadder(const po::variables_map& vm, const DesignConstraints& cons, OutputFormat format, Context& ctx)
{
    const auto& ends = vm["ladder"].as<std::vector<std::string>>();
    if (ends.size() != 2)
        throw UsageError("--ladder takes two sizes, FROM and TO (e.g. --ladder 9m 7b or llama_9m llama_7b)");
    double from = 0, to = 0;
    try {
        from = parseParamsOrBundled(ends[0], "--ladder FROM");
        to = parseParamsOrBundled(ends[1], "--ladder TO");
    } catch (const InvalidArgument& e) {
        throw UsageError(e.what());
    }
    const Count steps = parsePositive(vm["steps"].as<std::string>(), "steps");
    if (steps < 2 || steps > 64)
        throw UsageError("--steps must be in 2..64");
    InterruptGuard guard;
    StderrProgress progress(ctx.progress, format == OutputFormat::Text);
    const LadderResult ladder = designLadder(from, to, static_cast<int>(steps), cons, &progress);
    progress.finish();

    std::vector<std::string> written;
    bool clean = true;
    for (const DesignCandidate& r : ladder.rungs)
        clean = clean && r.findings == 0;
    if (vm.count("out")) {
        if (clean || !cons.requireClean) {
            std::vector<const DesignCandidate*> files;
            for (const DesignCandidate& r : ladder.rungs)
                files.push_back(&r);
            written = writeConfigFiles(files, vm["out"].as<std::string>(), outputPolicy(vm, {}));
        } else {
            ctx.err
                << "llamascope generate: not writing: some rungs draw validator findings (see the note)\n";
        }
    }
    if (format == OutputFormat::Json) {
        nlohmann::ordered_json j = outputEnvelope("generate");
        j["constraints"] = toJson(cons);
        j["ladder"] = toJson(ladder);
        j["written"] = written;
        printJson(j, ctx.out);
        return clean ? kExitOk : kExitFindings;
    }
    const TableFormat tf = tableFormat(format);
    if (format == OutputFormat::Csv) {
        ctx.out << render(ladderTable(ladder), tf);
        return clean ? kExitOk : kExitFindings;
    }
    const bool md = format == OutputFormat::Markdown;
    ctx.out << (md ? "### " : "") << "Ladder: " << ladder.rungs.size() << " sizes from " << formatShort(from)
            << " to " << formatShort(to) << " (×"
            << formatFixed(std::pow(to / from, 1.0 / static_cast<double>(steps - 1)), 2) << " per step)\n\n";
    ctx.out << "Constraints: " << describeConstraints(cons) << "\n\n";
    ctx.out << render(ladderTable(ladder), tf);
    printReasons(ladder.rungs, ctx.out);
    if (!ladder.note.empty())
        ctx.out << "\nNote: " << ladder.note << "\n" << kConstraintOptions << "\n";
    for (const std::string& w : written)
        ctx.out << (w == written.front() ? "\n" : "") << "wrote " << escapeForTerminal(w) << "\n";
    if (written.empty())
        ctx.out << "\nPass --out DIR to write the " << ladder.rungs.size() << " config files.\n";
    return clean ? kExitOk : kExitFindings;
}

int run(const std::vector<std::string>& args, Context& ctx)
{
    po::options_description targets("targets (exactly one)");
    targets.add_options()("params", po::value<std::string>(), "total parameters, e.g. 500M, 1.5B")(
        "flops", po::value<std::string>(), "forward FLOPs per token at --seq, e.g. 2e9")(
        "flop-convention", enumValue(flopConventionTable(), DesignTarget{}.convention),
        choicesHelp("for --flops", flopConventionTable()).c_str())(
        "memory", po::value<std::string>(), "training memory budget, e.g. 80GiB (or --device alone)")(
        "compute", po::value<std::string>(),
        "training compute C in FLOPs: Chinchilla N = sqrt(C/120), D = 20·N")(
        "ladder", po::value<std::vector<std::string>>()->multitoken(),
        "FROM TO: a geometric series of sizes (sizes or bundled names)")(
        "steps", po::value<std::string>()->default_value("8"), "ladder sizes, ends included");
    addLawDesignOptions(targets); // --law with --compute, --compute-ladder (docs/scaling.md)
    po::options_description constraints("constraints");
    addConstraintOptions(constraints);
    po::options_description memory("memory target (with --memory or --device)");
    addMemoryOptions(memory);
    po::options_description device("device and cost");
    addDeviceOptions(device, true);
    po::options_description cluster("cluster (--fits)");
    addFitsOptions(cluster);
    po::options_description output("output");
    output.add_options()("top", po::value<std::string>()->default_value("5"), "candidates to list")(
        "pick", po::value<std::string>()->default_value("1"),
        "the listed row that --out writes and the cost, --fits and budget lines describe")(
        "out", po::value<std::string>(),
        "write the picked candidate (or every ladder rung) into this folder")(
        "force", "overwrite existing files in --out")(
        "format", po::value<std::string>()->default_value("text"), "text, json, csv or markdown");
    po::options_description all("options");
    all.add(targets).add(constraints).add(memory).add(device).add(cluster).add(output);
    const ParsedArgs p = parseArgs(
        args, "generate",
        "--params 500M | --flops F | --memory 80GiB [--device NAME] | --device NAME | --compute 1e21 |\n"
        "       --ladder FROM TO [--steps N]  [constraints] [--top K] [--pick N] [--out DIR] [--force]",
        "Designs LLaMA configs that hit a target with a sane shape. The search is exhaustive and\n"
        "deterministic over head_dim, width, FFN size, kv heads, tied/untied embeddings and depth;\n"
        "candidates are ranked by target error (everything within --tolerance counts as on target), then\n"
        "by a shape score: d/L near the shapes released models use at this size (80 published models,\n"
        "--ranking), FFN near its ratio, the preferred head_dim, a round width and depth, GQA and tying as\n"
        "releases of this size do. Rows are distinct shapes (those within 64 of a row's width and one layer\n"
        "of its depth fold into it; at most 3 rows per width); each names its nearest published model.\n"
        "Each file is named by size (llama_500m.json) and validates with no findings.\n"
        "Exit 1 when no candidate is on target (nothing is written). Guide: docs/design-guide.md.",
        all, po::positional_options_description(), ctx);
    if (p.help)
        return kExitOk;
    const po::variables_map& vm = p.vm;
    const OutputFormat format =
        parseFormat(vm["format"].as<std::string>(),
                    {OutputFormat::Text, OutputFormat::Json, OutputFormat::Csv, OutputFormat::Markdown});
    const int given = static_cast<int>(vm.count("params") + vm.count("flops") + vm.count("memory") +
                                       vm.count("compute") + vm.count("ladder") + vm.count("compute-ladder"));
    if (given > 1)
        throw UsageError("give exactly one target: --params, --flops, --memory, --compute or --ladder");
    if (given == 0 && !vm.count("device"))
        throw UsageError("give a target: --params 500M, --flops 2e9, --memory 80GiB, --device h100, "
                         "--compute 1e21 or --ladder 9m 7b");
    DesignConstraints cons = constraintsFrom(vm);
    if (vm.count("fits") && (vm.count("ladder") || vm.count("compute-ladder")))
        throw UsageError("--fits applies to a single design, not to a ladder");
    // --fits: the designer keeps only candidates some layout of the named cluster holds.
    const AcceleratorTable table = acceleratorsFrom(vm);
    const std::optional<FitsConstraint> fits = fitsFrom(vm, table);
    if (fits)
        cons.candidateFilter = fitFilter(fits->cluster, fits->options, fits->filter, fits->microBatch);
    if (const auto law = runLawDesign(vm, cons, format, ctx))
        return *law;
    if (vm.count("ladder"))
        return runLadder(vm, cons, format, ctx);

    const Accelerator* dev = deviceFrom(vm, table);
    const MemoryOptions memOptions = memoryOptionsFrom(vm);
    DesignTarget target;
    if (vm.count("params")) {
        target.kind = DesignTargetKind::Params;
        target.value = quantity(vm, "params");
    } else if (vm.count("flops")) {
        target.kind = DesignTargetKind::ForwardFlops;
        target.value = quantity(vm, "flops");
        target.convention =
            enumOption(vm["flop-convention"].as<std::string>(), "flop-convention", flopConventionTable());
        target.flopSeqLen = memOptions.seqLen;
    } else if (vm.count("compute")) {
        target.kind = DesignTargetKind::Compute;
        target.value = quantity(vm, "compute");
    } else {
        target.kind = DesignTargetKind::TrainingMemory;
        if (vm.count("memory")) {
            try {
                target.value = static_cast<double>(parseByteSize(vm["memory"].as<std::string>(), "--memory"));
            } catch (const InvalidArgument& e) {
                throw UsageError(e.what());
            }
        } else {
            // The device's usable memory: the same verdict as `memory --device` (core's fitOnDevice).
            target.value = static_cast<double>(fitOnDevice(0, dev->memoryBytes, parseHeadroom(vm)).usable);
        }
        target.memory = memOptions;
        if (target.memory.optimizer == Optimizer::None)
            throw UsageError("a memory target is a training budget: pick a training --optimizer");
    }
    const Count topK = parsePositive(vm["top"].as<std::string>(), "top");
    if (topK > 1000)
        throw UsageError("--top must be at most 1000");
    const Count pickRow = parsePositive(vm["pick"].as<std::string>(), "pick");
    if (pickRow > topK)
        throw UsageError("--pick " + std::to_string(pickRow) + " is beyond the " + std::to_string(topK) +
                         " rows --top lists; raise --top too");

    const auto start = std::chrono::steady_clock::now();
    const DesignResult result = design(target, cons, static_cast<std::size_t>(topK));
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    const bool hit = !result.candidates.empty() && result.candidates.front().onTarget &&
                     (result.candidates.front().findings == 0 || !cons.requireClean);
    // The row --out writes and the cost, fits and budget lines describe (--pick, 1 by default).
    const auto pickIndex = static_cast<std::size_t>(pickRow - 1);
    const DesignCandidate* picked =
        pickIndex < result.candidates.size() ? &result.candidates[pickIndex] : nullptr;
    const bool pickedUsable =
        hit && picked != nullptr && picked->onTarget && (picked->findings == 0 || !cons.requireClean);
    if (hit && !pickedUsable)
        throw UsageError("--pick " + std::to_string(pickRow) + ": " +
                         (picked == nullptr
                              ? "the search listed only " + std::to_string(result.candidates.size()) + " rows"
                              : "row " + std::to_string(pickRow) + " is not on target"));

    std::optional<CostReport> cost;
    if (dev != nullptr && hit) {
        CostOptions co = costOptionsFrom(vm, StorageDtype::BF16);
        co.seqLen = memOptions.seqLen;
        if (result.compute && !vm.count("tokens"))
            co.tokens = chinchillaOptimalTokens(picked->parameters);
        cost = estimateCost(picked->config, *dev, co);
    }
    std::optional<FitCheck> fitCheck;
    if (fits && hit)
        fitCheck = checkFit(picked->config, fits->cluster, fits->options, fits->filter, fits->microBatch);
    std::vector<std::string> written;
    if (vm.count("out")) {
        if (hit)
            written = writeConfigFiles({picked}, vm["out"].as<std::string>(), outputPolicy(vm, {}));
        else
            ctx.err << "llamascope generate: not writing: no candidate is on target"
                    << (result.candidates.empty() || result.candidates.front().findings == 0
                            ? ""
                            : " without validator findings")
                    << "\n";
    }

    if (format == OutputFormat::Json) {
        nlohmann::ordered_json j = outputEnvelope("generate");
        j["constraints"] = toJson(cons);
        j["design"] = toJson(result);
        if (cost)
            j["cost"] = toJson(*cost);
        if (fits)
            j["fits"] = fitsJson(*fits, fitCheck);
        j["elapsed_ms"] = ms;
        j["written"] = written;
        printJson(j, ctx.out);
        return hit ? kExitOk : kExitFindings;
    }
    const TableFormat tf = tableFormat(format);
    if (format == OutputFormat::Csv) {
        ctx.out << render(candidatesTable(result.candidates, result.target.kind), tf);
        return hit ? kExitOk : kExitFindings;
    }
    const bool md = format == OutputFormat::Markdown;
    ctx.out << (md ? "### " : "") << "Target: " << describeTarget(result) << "\n\n";
    ctx.out << "Constraints: " << describeConstraints(cons) << "\n";
    ctx.out << "Searched " << formatCount(result.shapesConsidered)
            << " (head_dim, width, FFN, tie) families and " << formatCount(result.shapesEvaluated)
            << " shapes in " << formatFixed(ms, 1) << " ms"
            << (cons.requireClean ? "; kept configs that validate with no findings" : "") << ".\n";
    if (result.publishedRange) {
        std::string names;
        for (std::size_t i = 0; i < result.publishedNeighbours.size() && i < 6; ++i)
            names += (i ? ", " : "") + result.publishedNeighbours[i];
        if (result.publishedNeighbours.size() > 6)
            names += ", …";
        ctx.out << "Published shapes near this size: d/L " << formatFixed(result.publishedRange->low, 0)
                << "–" << formatFixed(result.publishedRange->high, 0) << " (weighted centre "
                << formatFixed(result.publishedCenter, 0) << "; " << names << ").\n";
    }
    ctx.out << "\n";
    if (!result.candidates.empty()) {
        ctx.out << render(candidatesTable(result.candidates, result.target.kind), tf);
        printReasons(result.candidates, ctx.out);
    }
    if (!result.note.empty())
        ctx.out << "\nNote: " << result.note << "\n" << kConstraintOptions << "\n";
    if (result.compute && hit) {
        const DesignCandidate& top = *picked;
        const ChinchillaBudget b = chinchillaBudget(top.config);
        ctx.out << "\nFor " << shapeOf(top) << " (" << top.fileName << ")"
                << ": D = 20·N = " << formatShort(b.tokens)
                << " tokens; 6·N·D = " << formatScientific(b.sixND)
                << " FLOPs (C = " << formatScientific(result.compute->compute)
                << "); with attention at T = " << formatCount(b.seqLen) << " (palm) "
                << formatScientific(b.palmTrainingFlops) << ".\n";
    }
    if (fitCheck)
        ctx.out << "\n" << shapeOf(*picked) << " " << fitCheck->reason << ".\n";
    if (cost) {
        ctx.out << "\nTraining " << shapeOf(*picked) << " on " << cost->options.devices << " × " << dev->name
                << " at " << formatFixed(cost->options.mfu * 100, 0)
                << " % MFU: " << formatShort(cost->options.tokens) << " tokens, "
                << formatScientific(cost->trainingFlops) << " FLOPs (" << cost->conventionKey << ") -> "
                << formatDuration(cost->seconds) << "\n";
    }
    for (const std::string& w : written)
        ctx.out << "\nwrote " << escapeForTerminal(w) << "\n";
    if (written.empty() && hit)
        ctx.out << "\nPass --out DIR to write row " << pickRow << " (" << shapeOf(*picked) << ") as "
                << picked->fileName << (pickRow == 1 ? "; --pick N writes row N instead" : "") << ".\n";
    return hit ? kExitOk : kExitFindings;
}

} // namespace

const Command& generateCommand()
{
    static const Command c{"generate",
                           "design configs to a parameter, FLOP, memory or compute target; ladders", run};
    return c;
}

} // namespace llamascope::cli
