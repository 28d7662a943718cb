// llamascope forward CONFIG [--weights FILE] [--seq T] [--batch B] [--seed S] [--tokens 1,2,3]
//                    [--logits-out FILE.npy] [--threads N] [--max-memory SIZE] [--format text|json]

#include "commands.hpp"
#include "common.hpp"
#include "forward_options.hpp"
#include "progress.hpp"

#include "llamascope/format.hpp"
#include "llamascope/forward/json.hpp"
#include "llamascope/forward/npy.hpp"
#include "llamascope/forward/warnings.hpp"
#include "llamascope/json_io.hpp"
#include "llamascope/table.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>

namespace llamascope::cli {
namespace {

std::vector<std::int64_t> parseTokenList(const std::string& text)
{
    std::vector<std::int64_t> ids;
    const char* p = text.data();
    const char* end = p + text.size();
    while (p < end) {
        std::int64_t id = 0;
        const auto [next, ec] = std::from_chars(p, end, id);
        if (ec != std::errc() || id < 0 || (next != end && *next != ','))
            throw UsageError("--tokens must be comma-separated token ids such as 1,2,3, got \"" + text +
                             "\"");
        ids.push_back(id);
        p = next == end ? end : next + 1;
    }
    if (ids.empty())
        throw UsageError("--tokens is empty");
    return ids;
}

Table countsTable(const ForwardResult& r)
{
    Table t;
    t.columns = {
        {"", Align::Left}, {"analytic", Align::Right}, {"measured", Align::Right}, {"", Align::Left}};
    auto row = [&t](const std::string& name, Count analytic, Count measured) {
        t.addRow({Cell::text(name), Cell::count(analytic), Cell::count(measured),
                  Cell::text(analytic == measured ? "equal" : "DIFFERENT")});
    };
    const ParameterCounts& a = r.analyticParams;
    const MaterialisedParameters& m = r.measuredParams;
    row("parameters", a.total, m.total());
    row("  embedding", a.embedding, m.embedding);
    if (a.positionTable != 0 || m.positionTable != 0)
        row("  position table", a.positionTable, m.positionTable);
    row("  layers", a.layers, m.layers);
    row("  final norm", a.finalNorm, m.finalNorm);
    row("  lm_head", a.lmHead, m.lmHead);
    const ExactMatmulFlops &fa = r.analyticFlops, &fm = r.measuredFlops;
    row("matmul FLOPs", fa.total(), fm.total());
    row("  q/k/v/o", fa.qProj + fa.kProj + fa.vProj + fa.oProj, fm.qProj + fm.kProj + fm.vProj + fm.oProj);
    row("  gate/up/down", fa.gateProj + fa.upProj + fa.downProj, fm.gateProj + fm.upProj + fm.downProj);
    if (fa.router != 0 || fm.router != 0)
        row("  router", fa.router, fm.router);
    row("  scores QKᵀ", fa.scores, fm.scores);
    row("  mixing AV", fa.mixing, fm.mixing);
    row("  lm_head", fa.lmHead, fm.lmHead);
    return t;
}

void printText(const ModelConfig& c, const ForwardResult& r, const std::string& logitsOut, std::ostream& os)
{
    os << c.name << ": forward pass of " << r.batch << " × " << r.seqLen << " tokens, "
       << escapeForTerminal(r.weightsSource) << ", " << r.threads << (r.threads == 1 ? " thread" : " threads")
       << ", weights " << toString(r.residency) << "\n\n";
    if (r.loss)
        os << "loss  " << formatFixed(*r.loss, 4)
           << "  (mean next-token cross-entropy; ln V = " << formatFixed(r.lnVocab, 4) << ")\n\n";
    else
        os << "loss  none (a single token has no next token to predict)\n\n";
    os << renderText(countsTable(r));
    os << "\ntime    " << formatFixed(r.seconds, 2) << " s (weights " << formatFixed(r.secondsWeights, 2)
       << " s, compute " << formatFixed(r.secondsCompute, 2) << " s), " << formatFixed(r.tokensPerSecond(), 1)
       << " tokens/s, " << formatFixed(r.gflopsPerSecond(), 1) << " GFLOP/s (matmuls, compute time)\n";
    os << "memory  peak RSS " << formatBytes(static_cast<double>(r.peakRssBytes)) << ", planned "
       << formatBytes(static_cast<double>(r.residency == WeightResidency::Resident ? r.plan.residentTotal()
                                                                                   : r.plan.streamedTotal()))
       << ", budget " << formatBytes(static_cast<double>(r.budgetBytes)) << "\n";
    os << "kernels " << describeKernels(r.kernels) << "\n";
    if (!logitsOut.empty())
        os << "logits  " << escapeForTerminal(logitsOut) << " (float32 [" << r.batch << ", " << r.seqLen
           << ", " << c.vocabSize << "])\n";
}

int run(const std::vector<std::string>& args, Context& ctx)
{
    const ForwardOptions defaults;
    po::options_description options("options");
    options.add_options()("weights", po::value<std::string>(),
                          "safetensors checkpoint: a file, a model.safetensors.index.json, or a folder "
                          "(default: random init)")(
        "seq", po::value<std::string>(),
        ("sequence length T (default " + std::to_string(defaults.seqLen) + ", or --tokens' length)").c_str())(
        "batch", po::value<std::string>()->default_value(std::to_string(defaults.batch)),
        "batch size B")("seed", po::value<std::string>()->default_value(std::to_string(defaults.seed)),
                        "seed of the random init and random tokens")(
        "tokens", po::value<std::string>(), "token ids, comma-separated, B·T of them (default: random)")(
        "logits-out", po::value<std::string>(),
        "write the logits as .npy (float32 [B, T, V]); never over an existing file without --force, "
        "never over an input")("force", "with --logits-out: replace an existing file")(
        "format", po::value<std::string>()->default_value("text"),
        "text or json")("config", po::value<std::vector<std::string>>()->default_value({}, ""),
                        "config file or bundled name");
    addRunOptions(options);
    po::positional_options_description positional;
    positional.add("config", -1);
    const ParsedArgs p = parseArgs(
        args, "forward",
        "CONFIG [--weights FILE] [--seq T] [--batch B] [--tokens 1,2,3] [--logits-out FILE.npy [--force]]",
        "Runs the float32 reference forward pass (<Family>ForCausalLM semantics, any of the nine\n"
        "families) and prints the loss, the parameters it materialised and the matmul FLOPs it executed\n"
        "next to the analytic counts, the time and the peak memory. Without --weights, every tensor is\n"
        "drawn from N(0, initializer_range²) keyed by (seed, tensor name). Progress goes to stderr;\n"
        "Ctrl-C stops between layers.\n"
        "Exit 1 if the checkpoint does not match the config. Details: docs/forward.md.\n" +
            kernelsHelp(),
        options, positional, ctx);
    if (p.help)
        return kExitOk;
    const OutputFormat format = formatOption(p, {OutputFormat::Text, OutputFormat::Json});
    ForwardOptions o;
    o.batch = parsePositive(p.vm["batch"].as<std::string>(), "batch");
    o.seed = parseSeed(p.vm["seed"].as<std::string>());
    o.threads = threadsOption(p.vm);
    o.maxMemoryBytes = maxMemoryOption(p.vm);
    if (p.vm.count("tokens")) {
        o.tokens = parseTokenList(p.vm["tokens"].as<std::string>());
        if (static_cast<Count>(o.tokens.size()) % o.batch != 0)
            throw UsageError("--tokens has " + std::to_string(o.tokens.size()) +
                             " ids, not a multiple of --batch " + std::to_string(o.batch));
    }
    o.seqLen = p.vm.count("seq")  ? parsePositive(p.vm["seq"].as<std::string>(), "seq")
               : o.tokens.empty() ? defaults.seqLen
                                  : static_cast<Count>(o.tokens.size()) / o.batch;
    const std::string logitsOut = p.vm.count("logits-out") ? p.vm["logits-out"].as<std::string>() : "";
    o.keepLogits = !logitsOut.empty();

    const LoadResult loaded = loadSingleInput(p.vm["config"].as<std::vector<std::string>>());
    if (!loaded.config) {
        printFindings(loaded.report, ctx.err);
        return kExitFindings;
    }
    const ModelConfig& config = *loaded.config;
    std::unique_ptr<WeightSource> weights;
    if (p.vm.count("weights"))
        weights =
            std::make_unique<CheckpointWeights>(CheckpointWeights::open(p.vm["weights"].as<std::string>()));
    else
        weights = std::make_unique<RandomWeights>(o.seed, config.initializerRange);

    const std::vector<std::string> warnings = forwardWarnings(config, o);
    for (const std::string& w : warnings)
        ctx.err << "llamascope forward: warning: " << w << "\n";

    // The output is checked and its hidden temporary created before the pass, so a bad path
    // fails in a second, not after an hour; the temporary is removed if the pass fails or is
    // interrupted (SIGINT, SIGTERM).
    std::optional<PendingOutput> logits;
    if (o.keepLogits) {
        std::vector<std::filesystem::path> inputs = weights->files();
        if (classifyPath(loaded.report.source) == PathKind::RegularFile)
            inputs.emplace_back(loaded.report.source);
        logits.emplace(logitsOut, outputPolicy(p.vm, std::move(inputs)));
    }

    ForwardResult r;
    {
        const InterruptGuard guard;
        StderrProgress progress(ctx.progress);
        try {
            r = runForward(config, *weights, o, &progress);
        } catch (const CheckpointMismatch& e) {
            progress.finish();
            // One line per tensor; tensor names come from the file, so each line is escaped.
            ctx.err << "llamascope forward: error: " << escapeForTerminal(e.source())
                    << " does not match the config:\n";
            for (const std::string& problem : e.problems())
                ctx.err << "  " << escapeForTerminal(problem) << "\n";
            return kExitFindings;
        }
    }
    if (logits) {
        logits->write(encodeNpy(r.logits, {r.batch, r.seqLen, config.vocabSize}));
        logits->commit();
    }
    if (format == OutputFormat::Json) {
        nlohmann::ordered_json j = outputEnvelope("forward");
        j["name"] = config.name;
        const nlohmann::ordered_json result = toJson(r);
        for (const auto& [key, value] : result.items())
            j[key] = value;
        j["logits_out"] =
            logitsOut.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(logitsOut);
        j["warnings"] = warnings;
        printJson(j, ctx.out);
    } else {
        printText(config, r, logitsOut, ctx.out);
    }
    return r.paramsMatch() && r.flopsMatch() ? kExitOk : kExitFindings;
}

} // namespace

const Command& forwardCommand()
{
    static const Command c{"forward", "run the reference forward pass: loss, measured vs analytic counts",
                           run};
    return c;
}

} // namespace llamascope::cli
