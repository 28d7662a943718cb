// One layout in detail (plan.hpp: evaluateLayout) and the small types around it: names, the
// cluster, the options. docs/planning.md derives the numbers.

#include "plan_model.hpp"

#include "llamascope/errors.hpp"
#include "llamascope/format.hpp"
#include "llamascope/params.hpp"
#include "llamascope/parse.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>

namespace llamascope {

// ---- names -----------------------------------------------------------------------------------

const EnumTable<ZeroStage>& zeroStageTable()
{
    static const EnumTable<ZeroStage> table(
        {
            {ZeroStage::None,
             "0",
             "no sharding: every replica holds all state (DDP; FSDP NO_SHARD)",
             {"zero0", "zero-0", "zero_0", "none", "ddp", "no_shard", "no-shard"}},
            {ZeroStage::OptimizerStates,
             "1",
             "optimizer state sharded (Megatron-LM's distributed optimizer; no FSDP equivalent)",
             {"zero1", "zero-1", "zero_1", "os"}},
            {ZeroStage::Gradients,
             "2",
             "optimizer state and gradients sharded (FSDP SHARD_GRAD_OP)",
             {"zero2", "zero-2", "zero_2", "os+g", "shard_grad_op", "shard-grad-op"}},
            {ZeroStage::Parameters,
             "3",
             "optimizer state, gradients and parameters sharded (FSDP FULL_SHARD)",
             {"zero3", "zero-3", "zero_3", "os+g+p", "full_shard", "full-shard", "fsdp"}},
        },
        EnumCase::Insensitive);
    return table;
}

std::string_view toString(ZeroStage z)
{
    return zeroStageTable().name(z);
}

std::optional<ZeroStage> zeroStageFromString(std::string_view s)
{
    return zeroStageTable().find(s);
}

std::string_view fsdpShardingName(ZeroStage z)
{
    switch (z) {
    case ZeroStage::None: return "NO_SHARD";
    case ZeroStage::OptimizerStates: return "";
    case ZeroStage::Gradients: return "SHARD_GRAD_OP";
    case ZeroStage::Parameters: return "FULL_SHARD";
    }
    return "";
}

namespace {
constexpr std::array<PlanMemoryGroup, 6> kGroups = {
    PlanMemoryGroup::Weights,         PlanMemoryGroup::Gradients,   PlanMemoryGroup::MasterWeights,
    PlanMemoryGroup::OptimizerStates, PlanMemoryGroup::Activations, PlanMemoryGroup::Buffers};
} // namespace

std::string_view toString(PlanMemoryGroup g)
{
    switch (g) {
    case PlanMemoryGroup::Weights: return "weights";
    case PlanMemoryGroup::Gradients: return "gradients";
    case PlanMemoryGroup::MasterWeights: return "master_weights";
    case PlanMemoryGroup::OptimizerStates: return "optimizer_states";
    case PlanMemoryGroup::Activations: return "activations";
    case PlanMemoryGroup::Buffers: return "buffers";
    }
    return "weights";
}

std::span<const PlanMemoryGroup> planMemoryGroups()
{
    return kGroups;
}

// ---- small types -----------------------------------------------------------------------------

Count ParallelLayout::gpus() const
{
    return productChecked({dp, tp, pp, cp}, "GPUs");
}

Count ParallelLayout::globalBatch() const
{
    return productChecked({dp, microBatch, accumulation}, "global batch");
}

std::string ParallelLayout::describe() const
{
    std::string s = "dp" + std::to_string(dp) + " tp" + std::to_string(tp) + " pp" + std::to_string(pp) +
                    " cp" + std::to_string(cp) + " zero" + std::string(toString(zero));
    if (hybridShard)
        s += " hybrid";
    if (sequenceParallel)
        s += " sp";
    s += " recompute=" + std::string(toString(recompute));
    if (recompute == Recompute::Full && recomputeLayers > 0) {
        s += '(';
        s += std::to_string(recomputeLayers);
        s += " layers/stage)";
    }
    s += " mb" + std::to_string(microBatch) + "×" + std::to_string(accumulation);
    return s;
}

Count ClusterSpec::nodes() const
{
    return (gpus + gpusPerNode - 1) / gpusPerNode;
}

double StepTime::exposedCommunication() const
{
    return exposedDataParallel + exposedTensorParallel + exposedPipeline + exposedContextParallel;
}

Count StageMemory::bytes(PlanMemoryGroup g) const
{
    Count sum = 0;
    for (const PlanMemoryTerm& t : terms)
        if (t.group == g)
            sum = addChecked(sum, t.bytes, "memory bytes");
    return sum;
}

ClusterSpec makeCluster(const Accelerator& device, Count gpus, Count nodes, Count gpusPerNode,
                        const InterconnectTable& links, std::string_view intraKey, std::string_view interKey)
{
    if (gpus < 1)
        throw InvalidArgument("the cluster needs at least one GPU");
    if (nodes < 0 || gpusPerNode < 0)
        throw InvalidArgument("nodes and GPUs per node cannot be negative");
    const NodeDefaults* defaults = links.defaultsFor(device.key);
    ClusterSpec c;
    c.device = device;
    c.gpus = gpus;
    Count perNode = gpusPerNode;
    if (nodes > 0) {
        if (gpus % nodes != 0)
            throw InvalidArgument(std::to_string(gpus) + " GPUs do not split evenly over " +
                                  std::to_string(nodes) + " nodes");
        if (perNode > 0 && perNode != gpus / nodes)
            throw InvalidArgument(std::to_string(nodes) + " nodes of " + std::to_string(perNode) +
                                  " GPUs are not " + std::to_string(gpus) + " GPUs");
        perNode = gpus / nodes;
    }
    if (perNode == 0)
        perNode = std::min(gpus, defaults != nullptr ? defaults->gpusPerNode : Count{8});
    if (gpus > perNode && gpus % perNode != 0)
        throw InvalidArgument(std::to_string(gpus) + " GPUs do not fill whole nodes of " +
                              std::to_string(perNode) + "; give the node count or the GPUs per node");
    c.gpusPerNode = std::min(perNode, gpus);
    auto pick = [&](std::string_view key, const std::string* fallback, const char* what) {
        const std::string want =
            key.empty() ? (fallback != nullptr ? *fallback : std::string()) : std::string(key);
        if (want.empty())
            throw InvalidArgument("the interconnect table lists no " + std::string(what) + " link for " +
                                  device.key + "; name one");
        const Interconnect* i = links.find(want);
        if (i == nullptr) {
            const std::vector<std::string_view> keys = links.keys();
            const std::string guess = closestMatch(want, keys);
            throw InvalidArgument("unknown interconnect \"" + want + "\" (" + joinQuoted(keys) + ")" +
                                  (guess.empty() ? "" : "; did you mean \"" + guess + "\"?"));
        }
        return *i;
    };
    c.intraNode = pick(intraKey, defaults != nullptr ? &defaults->intraNode : nullptr, "in-node");
    c.interNode = pick(interKey, defaults != nullptr ? &defaults->interNode : nullptr, "between-node");
    return c;
}

double parseGlobalBatch(std::string_view text, Count seqLen, std::string_view what)
{
    constexpr std::string_view howTo = "write tokens (4M, 4Mi, 2097152) or sequences (1024seq)";
    const NumberAndUnit n = parseNumberAndUnit(text, what, howTo);
    std::string unit;
    for (char c : n.unit)
        unit += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    double scale = 0;
    if (unit.empty())
        scale = 1;
    else if (unit == "k")
        scale = 1e3;
    else if (unit == "m")
        scale = 1e6;
    else if (unit == "b" || unit == "g")
        scale = 1e9;
    else if (unit == "ki")
        scale = 1024.0;
    else if (unit == "mi")
        scale = 1048576.0;
    else if (unit == "gi")
        scale = 1073741824.0;
    else if (unit == "seq" || unit == "seqs" || unit == "sequences" || unit == "sequence") {
        if (seqLen < 1)
            throw InvalidArgument(
                badValueMessage(text, what, "counts sequences, but the sequence length is unknown", howTo));
        scale = static_cast<double>(seqLen);
    } else {
        throw InvalidArgument(badValueMessage(text, what, "has an unknown unit '" + n.unit + "'", howTo));
    }
    const double tokens = n.value * scale;
    if (!std::isfinite(tokens) || tokens >= 9e18)
        throw InvalidArgument(badValueMessage(text, what, "is too large", howTo));
    return tokens;
}

PlanOptions resolvePlanOptions(const ModelConfig& config, const ClusterSpec& cluster,
                               const PlanOptions& options)
{
    PlanOptions o = options;
    if (o.seqLen < 0)
        throw InvalidArgument("the sequence length must be at least 1");
    if (o.seqLen == 0)
        o.seqLen = config.contextLength;
    if (!std::isfinite(o.globalBatchTokens) || o.globalBatchTokens < static_cast<double>(o.seqLen))
        throw InvalidArgument("the global batch must hold at least one sequence (" +
                              std::to_string(o.seqLen) + " tokens)");
    if (!(o.batchTolerance >= 0 && o.batchTolerance < 1))
        throw InvalidArgument("the batch tolerance must be a fraction in [0, 1)");
    if (!(o.headroom >= 0 && o.headroom < 1))
        throw InvalidArgument("the headroom must be a fraction in [0, 1), e.g. 0.1 for 10 %");
    if (!(o.efficiency > 0 && o.efficiency <= 1))
        throw InvalidArgument("the compute efficiency must be in (0, 1], e.g. 0.6 for 60 % of peak");
    if (o.bucketBytes < 1)
        throw InvalidArgument("the gradient bucket must be at least one byte");
    if (!std::isfinite(o.tokens) || o.tokens < 0)
        throw InvalidArgument("the training tokens must be a finite number >= 0");
    if (o.top < 1)
        throw InvalidArgument("at least one layout must be listed");
    if (o.tokens == 0)
        o.tokens = chinchillaOptimalTokens(countParameters(config).total);
    if (!o.precision) {
        const StorageDtype c = computeDtypeOf(resolveRecipe(plan_detail::memoryOptionsOf(o)));
        o.precision = c == StorageDtype::F32   ? Precision::FP32
                      : c == StorageDtype::F16 ? Precision::FP16
                                               : Precision::BF16;
    }
    if (cluster.device.peakFlops(*o.precision) <= 0)
        throw InvalidArgument(cluster.device.name + " has no " + std::string(toString(*o.precision)) +
                              " peak in the accelerator table");
    if (o.filter.maxTensorParallel < 0)
        throw InvalidArgument("the largest tensor-parallel size cannot be negative");
    return o;
}

RunEstimate runAtMfu(double modelFlopsPerToken, double tokens, Count gpus, double peakFlops, double mfu,
                     double dollarsPerGpuHour)
{
    if (!(mfu > 0 && mfu <= 1))
        throw InvalidArgument("MFU must be in (0, 1], e.g. 0.4 for 40 %");
    if (gpus < 1 || !(peakFlops > 0) || !(modelFlopsPerToken > 0) || !(tokens >= 0))
        throw InvalidArgument("GPUs, peak, FLOPs per token and tokens must be positive");
    RunEstimate r;
    r.tokens = tokens;
    r.seconds = modelFlopsPerToken * tokens / (static_cast<double>(gpus) * peakFlops * mfu);
    r.days = r.seconds / 86400;
    r.gpuHours = r.seconds * static_cast<double>(gpus) / 3600;
    r.cost = r.gpuHours * dollarsPerGpuHour;
    return r;
}

namespace plan_detail {

namespace {

class DetailSink : public TermSink {
public:
    explicit DetailSink(std::vector<PlanMemoryTerm>& out) : out_(out) {}
    void add(std::string_view key, PlanMemoryGroup group, std::string_view label, std::string_view prefix,
             std::string_view text, std::string_view suffix, Count bytes) override
    {
        std::string formula(prefix);
        const bool sum = text.find('+') != std::string_view::npos;
        if (sum)
            formula += "(";
        formula += text;
        if (sum)
            formula += ")";
        formula += suffix;
        out_.push_back(
            PlanMemoryTerm{std::string(key), group, std::string(label), std::move(formula), bytes});
    }

private:
    std::vector<PlanMemoryTerm>& out_;
};

} // namespace

LayoutEvaluation evaluate(PlanModel& model, const ParallelLayout& l, Count requestedSequences)
{
    if (const std::string why = model.invalidReason(l); !why.empty())
        throw InvalidArgument("layout " + l.describe() + ": " + why);
    const PlanOptions& o = model.options();
    const ClusterSpec& cluster = model.cluster();
    const LayoutShape shape = model.shape(l);
    LayoutEvaluation e;
    e.layout = l;
    e.seqLen = model.seqLen();
    e.globalBatchSequences = l.globalBatch();
    e.globalBatchTokens = static_cast<double>(e.globalBatchSequences) * static_cast<double>(e.seqLen);
    e.batchDeviation = requestedSequences > 0
                           ? static_cast<double>(e.globalBatchSequences - requestedSequences) /
                                 static_cast<double>(requestedSequences)
                           : 0.0;

    std::vector<Count> stages = {0};
    if (l.pp > 1)
        stages.push_back(l.pp - 1);
    for (Count stage : stages) {
        StageMemory m;
        m.stage = stage;
        m.layers = shape.layersPerStage;
        m.inFlight = std::min(l.pp - stage, l.accumulation);
        m.parameters = model.state(l.tp, l.pp, stage).parameters;
        DetailSink sink(m.terms);
        m.total = model.composeStage(l, shape, stage, sink);
        e.stages.push_back(std::move(m));
    }
    e.peakStage = 0;
    for (std::size_t i = 1; i < e.stages.size(); ++i)
        if (e.stages[i].total > e.stages[e.peakStage].total)
            e.peakStage = i;
    e.fit = fitOnDevice(e.peak().total, cluster.device.memoryBytes, o.headroom);

    const PlanModel::Time t = model.stepTime(l, model.classData(l));
    e.time = t.step;
    e.communication = t.volume;
    e.modelFlopsPerStep = t.modelFlopsPerStep;
    e.hardwareFlopsPerStep = t.hardwareFlopsPerStep;
    const double capacity = e.time.total * static_cast<double>(cluster.gpus) * model.peakFlops();
    e.tokensPerSecond = e.globalBatchTokens / e.time.total;
    e.mfu = e.modelFlopsPerStep / capacity;
    e.hfu = e.hardwareFlopsPerStep / capacity;
    e.run.tokens = o.tokens;
    e.run.steps = o.tokens / e.globalBatchTokens;
    e.run.seconds = e.run.steps * e.time.total;
    e.run.days = e.run.seconds / 86400;
    e.run.gpuHours = e.run.seconds * static_cast<double>(cluster.gpus) / 3600;
    e.run.cost = e.run.gpuHours * cluster.dollarsPerGpuHour;

    if (l.recompute == Recompute::Selective && o.attention == AttentionKernel::Flash)
        e.notes.push_back("selective recomputation saves nothing under FlashAttention, which keeps no T×T "
                          "tensors; it only adds the attention core's FLOPs");
    if (l.pp > 1 && l.zero >= ZeroStage::Gradients)
        e.notes.push_back("ZeRO " + std::string(toString(l.zero)) +
                          " with pipeline parallelism: DeepSpeed's pipeline engine supports ZeRO 0–1 only; "
                          "torchtitan's FSDP + PP runs it");
    if (std::fabs(e.batchDeviation) > 1e-12)
        e.notes.push_back("the global batch is rounded to " + formatCount(e.globalBatchSequences) +
                          " sequences (" + (e.batchDeviation > 0 ? "+" : "−") +
                          formatFixed(std::fabs(e.batchDeviation) * 100, 1) +
                          " %) to be a multiple of dp × micro-batch");
    // MFU counts the convention's FLOPs while the step time comes from what executes, so a
    // convention that counts more (PaLM's 6N takes the embedding lookup for a matmul; its
    // attention term counts full T×T) shows MFU above the assumed efficiency. Say so, with the
    // executed figure, when the gap passes 10 % (a 9M model: 45 % of N is the embedding).
    if (const double executed = model.executedFlopsPerToken();
        executed > 0 && model.modelFlopsPerToken() > 1.1 * executed)
        e.notes.push_back("MFU counts the " + std::string(model.conventionKey()) + " convention's " +
                          formatShort(model.modelFlopsPerToken()) + " training FLOPs per token, " +
                          formatFixed(model.modelFlopsPerToken() / executed, 2) + "× the " +
                          formatShort(executed) +
                          " the pass executes (the embedding lookup counted as a matmul, full T×T "
                          "attention); by executed FLOPs MFU is " +
                          formatFixed(100 * e.mfu * executed / model.modelFlopsPerToken(), 1) + " %");
    if (model.config().tieWordEmbeddings && l.pp > 1)
        e.notes.push_back("tied embeddings: the last stage keeps its own copy for the output layer; their "
                          "gradients are all-reduced between the first and last stage every step");
    return e;
}

} // namespace plan_detail

LayoutEvaluation evaluateLayout(const ModelConfig& config, const ClusterSpec& cluster,
                                const PlanOptions& options, const ParallelLayout& layout)
{
    const PlanOptions o = resolvePlanOptions(config, cluster, options);
    plan_detail::PlanModel model(config, cluster, o);
    const auto requested =
        static_cast<Count>(std::llround(o.globalBatchTokens / static_cast<double>(o.seqLen)));
    return plan_detail::evaluate(model, layout, requested);
}

} // namespace llamascope
