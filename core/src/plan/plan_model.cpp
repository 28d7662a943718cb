// The planner's memory and time model for one layout (plan_model.hpp). docs/planning.md
// derives each term; the comments here say where a number comes from.

#include "plan_model.hpp"

#include "llamascope/errors.hpp"
#include "llamascope/format.hpp"
#include "llamascope/params.hpp"

#include <algorithm>
#include <cmath>

namespace llamascope::plan_detail {

namespace {

Count ceilDiv(Count a, Count b)
{
    return a / b + (a % b != 0 ? 1 : 0);
}

__extension__ using Wide = __int128; // GCC/Clang: the 128-bit product of two counts

/// a·b/c rounded up, without overflowing the product.
Count mulDivCeil(Count a, Count b, Count c)
{
    if (c <= 0)
        return 0;
    const Wide p = static_cast<Wide>(a) * b;
    const Wide q = p / c + (p % c != 0 ? 1 : 0);
    if (q > static_cast<Wide>(INT64_MAX))
        throw CountOverflow("memory bytes overflow 64-bit arithmetic");
    return static_cast<Count>(q);
}

PlanMemoryGroup groupOf(const MemoryTerm& t)
{
    switch (t.category) {
    case MemoryCategory::Weights: return PlanMemoryGroup::Weights;
    case MemoryCategory::Gradients: return PlanMemoryGroup::Gradients;
    case MemoryCategory::OptimizerState:
        return t.key == "master_weights" ? PlanMemoryGroup::MasterWeights : PlanMemoryGroup::OptimizerStates;
    case MemoryCategory::Activations:
    case MemoryCategory::Logits:
    case MemoryCategory::KvCache: return PlanMemoryGroup::Activations;
    }
    return PlanMemoryGroup::Weights;
}

/// ZeRO (Rajbhandari et al. 2020, §5): stage 1 partitions the optimizer state (K·Ψ/N_d),
/// stage 2 also the gradients, stage 3 also the 16-bit weights.
bool shardedByZero(MemoryCategory c, ZeroStage z)
{
    switch (c) {
    case MemoryCategory::OptimizerState: return z >= ZeroStage::OptimizerStates;
    case MemoryCategory::Gradients: return z >= ZeroStage::Gradients;
    case MemoryCategory::Weights: return z >= ZeroStage::Parameters;
    default: return false;
    }
}

class TotalSink : public TermSink {
public:
    void add(std::string_view, PlanMemoryGroup, std::string_view, std::string_view, std::string_view,
             std::string_view, Count bytes) override
    {
        total = addChecked(total, bytes, "memory bytes");
    }
    Count total = 0;
};

/// Ring collectives (NCCL): every GPU of an n-rank ring sends (n−1)/n of the message for a
/// reduce-scatter or an all-gather and 2(n−1)/n for an all-reduce, in n−1 or 2(n−1) steps.
struct Link {
    double bytesPerSecond = 0;
    double latency = 0; ///< seconds per step
};

Link linkOf(const Interconnect& i)
{
    return Link{i.bytesPerSecond(), i.latencyUs * 1e-6};
}

double allReduce(double bytes, Count n, const Link& l)
{
    if (n <= 1 || bytes <= 0)
        return 0;
    const double k = static_cast<double>(n - 1);
    return 2 * k / static_cast<double>(n) * bytes / l.bytesPerSecond + 2 * k * l.latency;
}

double gatherOrScatter(double bytes, Count n, const Link& l)
{
    if (n <= 1 || bytes <= 0)
        return 0;
    const double k = static_cast<double>(n - 1);
    return k / static_cast<double>(n) * bytes / l.bytesPerSecond + k * l.latency;
}

double pointToPoint(double bytes, const Link& l)
{
    return bytes <= 0 ? 0 : bytes / l.bytesPerSecond + l.latency;
}

double ringVolume(double bytes, Count n, double factor)
{
    return n <= 1 ? 0 : factor * static_cast<double>(n - 1) / static_cast<double>(n) * bytes;
}

double exposed(double comm, double window, bool overlap)
{
    return overlap ? std::max(0.0, comm - window) : comm;
}

} // namespace

} // namespace llamascope::plan_detail

namespace llamascope {

Count zeroShardBytes(const MemoryTerm& term, ZeroStage zero, Count degree)
{
    if (degree < 1)
        throw InvalidArgument("the ZeRO sharding degree must be at least 1");
    return plan_detail::shardedByZero(term.category, zero) ? plan_detail::ceilDiv(term.bytes, degree)
                                                           : term.bytes;
}

} // namespace llamascope

namespace llamascope::plan_detail {

MemoryOptions memoryOptionsOf(const PlanOptions& o)
{
    MemoryOptions m;
    m.optimizer = o.optimizer;
    m.weightDtype = o.weightDtype;
    m.rank = o.rank;
    m.masterWeights = o.masterWeights;
    m.gradDtype = o.gradDtype;
    m.attention = o.attention;
    return m;
}

PlanModel::PlanModel(const ModelConfig& config, const ClusterSpec& cluster, const PlanOptions& options)
    : config_(config), cluster_(cluster), options_(options)
{
    if (options.optimizer == Optimizer::None)
        throw InvalidArgument("a training plan needs an optimizer (inference has its own plan)");
    recipe_ = resolveRecipe(memoryOptionsOf(options));
    block_ = blockShapeOf(config);
    seq_ = options.seqLen;
    if (seq_ < 1 || !options.precision)
        throw std::logic_error("PlanModel needs resolved options");
    compute_ = computeDtypeOf(recipe_);
    peak_ = cluster.device.peakFlops(*options.precision);
    if (peak_ <= 0)
        throw InvalidArgument(cluster.device.name + " has no " + std::string(toString(*options.precision)) +
                              " peak in the accelerator table");
    // Model FLOPs under the MFU convention; what executes from the exact count (matmuls only;
    // elementwise work is not counted, docs/formulas.md).
    const FlopOptions fo{seq_, AttentionMask::Causal};
    const FlopReport flops = computeFlops(config, fo);
    const FlopConvention& mfuConvention = flops.get(options.convention);
    modelPerToken_ = mfuConvention.trainingPerToken;
    conventionKey_ = mfuConvention.key;
    const ExactMatmulFlops em = exactMatmulFlops(config, fo);
    const auto L = static_cast<double>(config.numHiddenLayers);
    const auto s = static_cast<double>(seq_);
    layerForward_ = static_cast<double>(em.total() - em.lmHead) / L / s;
    attentionCoreForward_ = static_cast<double>(em.scores + em.mixing) / L / s;
    headForward_ = static_cast<double>(em.lmHead) / s;
}

Count PlanModel::recomputedLayers(const ParallelLayout& l) const
{
    if (l.recompute != Recompute::Full)
        return 0;
    const Count perStage = block_.layers / l.pp;
    return l.recomputeLayers > 0 ? std::min(l.recomputeLayers, perStage) : perStage;
}

double PlanModel::hardwareRatio(const ParallelLayout& l) const
{
    // Hardware FLOPs add the recomputed forward work to the model FLOPs (Chowdhery et al. 2022,
    // App. B): a full layer forward for each recomputed layer, the attention core for selective.
    const auto L = static_cast<double>(block_.layers);
    const double train = 3 * (L * layerForward_ + headForward_);
    const Count layersPerStage = block_.layers / l.pp; // pp divides L (invalidReason)
    const double share = static_cast<double>(recomputedLayers(l)) / static_cast<double>(layersPerStage);
    const double extra = l.recompute == Recompute::Full        ? share * L * layerForward_
                         : l.recompute == Recompute::Selective ? L * attentionCoreForward_
                                                               : 0.0;
    return (train + extra) / train;
}

ActivationOptions PlanModel::activationOptions(Count tp, bool sp, Recompute r) const
{
    ActivationOptions a;
    a.attention = options_.attention;
    a.fusedNorm = options_.fusedNorm;
    a.fusedSwiglu = options_.fusedSwiglu;
    a.fusedCrossEntropy = options_.fusedCrossEntropy;
    a.recompute = r;
    a.tensorParallel = tp;
    a.sequenceParallel = sp;
    a.vocabParallel = options_.vocabParallel;
    a.compute = compute_;
    return a;
}

std::string PlanModel::invalidReason(const ParallelLayout& l) const
{
    const Count H = block_.heads, K = block_.kvHeads, f = block_.intermediate;
    const Count L = block_.layers, s = seq_;
    auto n = [](Count v) { return std::to_string(v); };
    if (l.dp < 1 || l.tp < 1 || l.pp < 1 || l.cp < 1 || l.microBatch < 1 || l.accumulation < 1)
        return "every parallel size, the micro-batch and the accumulation steps must be at least 1";
    Count product = 0;
    if (__builtin_mul_overflow(l.dp * l.tp, l.pp * l.cp, &product) || product != cluster_.gpus)
        return "dp·tp·pp·cp = " + n(l.dp) + "·" + n(l.tp) + "·" + n(l.pp) + "·" + n(l.cp) +
               " is not the cluster's " + n(cluster_.gpus) + " GPUs";
    if (H % l.tp != 0 || K % l.tp != 0)
        return "tensor parallelism " + n(l.tp) + " does not divide the " + n(H) + " heads and " + n(K) +
               " kv heads";
    if (f % l.tp != 0)
        return "tensor parallelism " + n(l.tp) + " does not divide the intermediate size " + n(f);
    if (l.tp > 1 && block_.qkNorm == QkNorm::Full)
        return "the q/k norms span every head (OLMo 2): tensor parallelism would all-reduce their statistics "
               "in every layer, which the planner does not model";
    if (L % l.pp != 0)
        return "pipeline parallelism " + n(l.pp) + " does not divide the " + n(L) + " layers";
    if (l.cp > 1) {
        if (options_.attention != AttentionKernel::Flash)
            return "context parallelism runs ring attention on FlashAttention kernels; it needs flash "
                   "attention";
        if (s % (2 * l.cp) != 0)
            return "context parallelism " + n(l.cp) +
                   " needs the sequence length to be a multiple of 2·cp = " + n(2 * l.cp) +
                   " (load-balanced causal chunks)";
    }
    if (l.sequenceParallel) {
        if (l.tp == 1)
            return "sequence parallelism needs tensor parallelism above 1";
        if ((s / l.cp) % l.tp != 0)
            return "sequence parallelism needs the " + n(s / l.cp) +
                   " tokens per sequence shard to divide by tp " + n(l.tp);
    }
    if (l.recomputeLayers < 0 || (l.recomputeLayers > 0 && l.recompute != Recompute::Full))
        return "a number of recomputed layers needs full recomputation";
    if (l.recomputeLayers > L / l.pp)
        return "recomputing " + n(l.recomputeLayers) + " layers per stage, but a stage holds " + n(L / l.pp);
    if (l.hybridShard) {
        if (l.zero < ZeroStage::Gradients)
            return "hybrid sharding shards gradients (ZeRO 2) or everything (ZeRO 3) within a node";
        const Count perNode = cluster_.gpusPerNode;
        if (perNode % (l.tp * l.cp) != 0)
            return "hybrid sharding needs tp·cp to divide the GPUs of a node";
        const Count g = perNode / (l.tp * l.cp);
        if (g <= 1 || g >= l.dp || l.dp % g != 0)
            return "hybrid sharding needs the data-parallel group to span several nodes with several "
                   "replicas in "
                   "each";
    }
    return {};
}

LayoutShape PlanModel::shape(const ParallelLayout& l) const
{
    LayoutShape s;
    const Count node = cluster_.gpusPerNode;
    s.layersPerStage = block_.layers / l.pp;
    // Megatron-LM's rank order: tp fastest, then cp, dp, pp. A group crosses a node boundary
    // when the ranks it spans do not fit in one node.
    s.tpCrossesNodes = l.tp > node;
    s.cpCrossesNodes = l.tp * l.cp > node;
    s.dpCrossesNodes = l.tp * l.cp * l.dp > node;
    s.ppCrossesNodes = cluster_.gpus > node;
    if (l.hybridShard) {
        s.shardDegree = node / (l.tp * l.cp);
        s.replicas = l.dp / s.shardDegree;
        s.shardCrossesNodes = false;
    } else {
        s.shardDegree = l.dp;
        s.replicas = 1;
        s.shardCrossesNodes = s.dpCrossesNodes;
    }
    return s;
}

const StageState& PlanModel::state(Count tp, Count pp, Count stage)
{
    const auto key = std::make_tuple(tp, pp, stage);
    if (auto it = states_.find(key); it != states_.end())
        return it->second;
    ShardSpec spec;
    spec.tensorParallel = tp;
    spec.vocabParallel = options_.vocabParallel;
    spec.pipelineStages = pp;
    spec.stage = stage;
    const TensorInventory inv = parameterInventory(config_, spec);
    StageState st;
    appendModelState(st.terms, inv, recipe_);
    st.parameters = inv.total();
    Count perLayer = 0;
    for (const ParameterTensor& t : inv.tensors) {
        const bool layer = t.name != "norm" && (t.role == TensorRole::Linear || t.role == TensorRole::Norm ||
                                                t.role == TensorRole::Bias);
        if (layer)
            perLayer = addChecked(perLayer, t.size(), "parameters");
        else
            st.largestUnit = std::max(st.largestUnit, t.size());
        if (t.name == "lm_head_tied_copy")
            st.embeddingRows = t.rows;
    }
    st.largestUnit = std::max(st.largestUnit, perLayer);
    for (const MemoryTerm& t : st.terms) {
        if (t.category == MemoryCategory::Weights)
            st.weightBytes = addChecked(st.weightBytes, t.bytes, "memory bytes");
        if (t.category == MemoryCategory::Gradients)
            st.gradientBytes = addChecked(st.gradientBytes, t.bytes, "memory bytes");
    }
    return states_.emplace(key, std::move(st)).first->second;
}

const std::vector<ActivationTerm>& PlanModel::activations(Count tp, bool sp, Recompute r)
{
    const auto key = std::make_tuple(tp, sp, r);
    if (auto it = activations_.find(key); it != activations_.end())
        return it->second;
    return activations_.emplace(key, activationTerms(block_, activationOptions(tp, sp, r))).first->second;
}

const PlanModel::ActivationBytes& PlanModel::activationBytes(Count tp, bool sp, Recompute r, Count cp)
{
    const auto key = std::make_tuple(tp, sp, r, cp);
    if (auto it = activationBytes_.find(key); it != activationBytes_.end())
        return it->second;
    // Every activation dtype is a whole number of bytes, so the bytes of b sequences are b times
    // the bytes of one: the search sums the terms once per (tp, sp, recompute, cp).
    const ActivationOptions opts = activationOptions(tp, sp, r);
    ActivationBytes a;
    for (const ActivationTerm& t : activations(tp, sp, r)) {
        const Count bytes = bytesOf(activationElements(t, opts, 1, seq_, cp), t.dtype);
        Count* slot = nullptr;
        switch (t.scope) {
        case ActivationScope::Layer: slot = &a.layer; break;
        case ActivationScope::WorkingSet: slot = &a.workingSet; break;
        case ActivationScope::MicroBatch: slot = &a.microBatch; break;
        case ActivationScope::Embedding: slot = &a.embedding; break;
        case ActivationScope::Head:
        case ActivationScope::Logits: slot = &a.head; break;
        }
        *slot = addChecked(*slot, bytes, "activations");
    }
    return activationBytes_.emplace(key, a).first->second;
}

namespace {

Count inFlightOf(const ParallelLayout& l, Count stage)
{
    // 1F1B (Narayanan et al. 2021, §2.2): stage i holds the activations of p − i micro-batches
    // at its peak, or of all m when there are fewer.
    return std::min(l.pp - stage, l.accumulation);
}

} // namespace

Count PlanModel::addState(const ParallelLayout& l, const LayoutShape& shape, Count stage, TermSink& sink)
{
    const StageState& st = state(l.tp, l.pp, stage);
    Count total = 0;
    for (const MemoryTerm& t : st.terms) {
        const bool sharded = shape.shardDegree > 1 && shardedByZero(t.category, l.zero);
        const Count bytes = zeroShardBytes(t, l.zero, shape.shardDegree);
        sink.add(t.key, groupOf(t), t.label, t.formula, "", sharded ? " / N_d" : "", bytes);
        total = addChecked(total, bytes, "memory bytes");
    }
    return total;
}

Count PlanModel::bufferPerSequence(const ParallelLayout& l) const
{
    const Count a = bytesOf(1, compute_);
    const Count local = seq_ / l.cp;
    Count bytes = 0;
    if (l.pp > 1)
        bytes = addChecked(
            bytes,
            productChecked({2, local / (l.sequenceParallel ? l.tp : 1), block_.hidden, a}, "memory bytes"),
            "memory bytes");
    if (l.cp > 1)
        bytes = addChecked(
            bytes, productChecked({2, 2, local, block_.kvHeads / l.tp, block_.headDim, a}, "memory bytes"),
            "memory bytes");
    return bytes;
}

Count PlanModel::addBuffers(const ParallelLayout& l, const LayoutShape& shape, Count stage, TermSink& sink)
{
    const StageState& st = state(l.tp, l.pp, stage);
    const Count a = bytesOf(1, compute_);
    Count total = 0;
    auto add = [&](std::string_view key, std::string_view label, std::string_view formula, Count bytes) {
        sink.add(key, PlanMemoryGroup::Buffers, label, formula, "", "", bytes);
        total = addChecked(total, bytes, "memory bytes");
    };
    if (l.zero == ZeroStage::Parameters && shape.shardDegree > 1) {
        // FSDP / ZeRO-3 gather one unit (a decoder layer, the embedding, lm_head) at a time and
        // prefetch the next; backward also holds one unit's unsharded gradients until their
        // reduce-scatter. U = the largest unit on this GPU.
        const Count unitWeights = mulDivCeil(st.weightBytes, st.largestUnit, st.parameters);
        const Count unitGrads = mulDivCeil(st.gradientBytes, st.largestUnit, st.parameters);
        add("zero3_gathered_weights", "all-gathered weights: the current and the prefetched unit", "2·U·s_w",
            mulChecked(2, unitWeights, "memory bytes"));
        if (unitGrads > 0)
            add("zero3_unsharded_gradients", "one unit's gradients before their reduce-scatter", "U·s_g",
                unitGrads);
    } else if (l.dp > 1 && st.gradientBytes > 0) {
        // DDP / ZeRO 1–2 reduce gradients in buckets; one fills while the previous reduces.
        add("gradient_buckets", "two gradient-reduction buckets in flight", "2·min(bucket, G)",
            mulChecked(2, std::min(options_.bucketBytes, st.gradientBytes), "memory bytes"));
    }
    const Count local = seq_ / l.cp;
    if (l.pp > 1)
        add("pipeline_buffers", "activation sent and gradient received between stages", "2·b·s'·d·s_a",
            productChecked({2, l.microBatch, local / (l.sequenceParallel ? l.tp : 1), block_.hidden, a},
                           "memory bytes"));
    if (l.cp > 1)
        add("ring_attention_buffers", "K/V chunks in flight around the context-parallel ring (two)",
            "2·2·b·(s/cp)·(K/t)·h·s_a",
            productChecked({2, 2, l.microBatch, local, block_.kvHeads / l.tp, block_.headDim, a},
                           "memory bytes"));
    return total;
}

Count PlanModel::composeStage(const ParallelLayout& l, const LayoutShape& shape, Count stage, TermSink& sink)
{
    const bool first = stage == 0, last = stage == l.pp - 1;
    const Count inFlight = inFlightOf(l, stage);
    Count total = addState(l, shape, stage, sink);

    // With full recomputation of k of the stage's n_l layers (Megatron-LM's block method), the
    // other n_l − k layers keep everything, as without recomputation.
    const Count recomputed = recomputedLayers(l);
    const Count layerCount = l.recompute == Recompute::Full ? recomputed : shape.layersPerStage;
    auto addTerms = [&](const std::vector<ActivationTerm>& terms, const ActivationOptions& opts,
                        bool layersOnly, Count layers, std::string_view layerPrefix,
                        std::string_view keySuffix) {
        for (const ActivationTerm& t : terms) {
            Count times = 0;
            std::string_view prefix, suffix;
            switch (t.scope) {
            case ActivationScope::Layer:
                times = mulChecked(layers, inFlight, "activations");
                prefix = layerPrefix;
                break;
            case ActivationScope::WorkingSet:
                times = 1;
                prefix = "b·s'·";
                suffix = " (one layer, recomputed)";
                break;
            case ActivationScope::MicroBatch:
                times = inFlight;
                prefix = "n_f·b·s'·";
                break;
            case ActivationScope::Embedding:
                times = first ? inFlight : 0;
                prefix = "n_f·b·s'·";
                break;
            case ActivationScope::Head:
            case ActivationScope::Logits:
                times = last ? 1 : 0;
                prefix = "b·s'·";
                break;
            }
            if (times == 0 || (layersOnly && t.scope != ActivationScope::Layer))
                continue;
            const Count bytes =
                mulChecked(bytesOf(activationElements(t, opts, l.microBatch, seq_, l.cp), t.dtype), times,
                           "activations");
            std::string key(t.key);
            if (t.scope == ActivationScope::WorkingSet)
                key += "_recompute";
            key += keySuffix;
            sink.add(key, PlanMemoryGroup::Activations, t.label, prefix, t.perTokenText, suffix, bytes);
            total = addChecked(total, bytes, "memory bytes");
        }
    };
    addTerms(activations(l.tp, l.sequenceParallel, l.recompute),
             activationOptions(l.tp, l.sequenceParallel, l.recompute), false, layerCount,
             l.recompute == Recompute::Full && recomputed < shape.layersPerStage ? "k·n_f·b·s'·"
                                                                                 : "n_l·n_f·b·s'·",
             "");
    if (l.recompute == Recompute::Full && recomputed < shape.layersPerStage)
        addTerms(activations(l.tp, l.sequenceParallel, Recompute::None),
                 activationOptions(l.tp, l.sequenceParallel, Recompute::None), true,
                 shape.layersPerStage - recomputed, "(n_l−k)·n_f·b·s'·", "_kept");
    return addChecked(total, addBuffers(l, shape, stage, sink), "memory bytes");
}

PlanModel::ClassData PlanModel::classData(const ParallelLayout& l)
{
    ClassData c;
    c.shape = shape(l);
    c.activation = activationBytes(l.tp, l.sequenceParallel, l.recompute, l.cp);
    c.recomputed = recomputedLayers(l);
    if (l.recompute == Recompute::Full && c.recomputed < c.shape.layersPerStage)
        c.keptLayer = activationBytes(l.tp, l.sequenceParallel, Recompute::None, l.cp).layer;
    c.bufferPerSequence = bufferPerSequence(l);
    c.stageCount = l.pp > 1 ? 2 : 1;
    const bool adapters = recipe_.optimizer == Optimizer::LoRA || recipe_.optimizer == Optimizer::QLoRA;
    for (int i = 0; i < c.stageCount; ++i) {
        ClassData::Stage& st = c.stages[i];
        st.index = i == 0 ? 0 : l.pp - 1;
        const StageState& state = this->state(l.tp, l.pp, st.index);
        TotalSink sink;
        st.state = addState(l, c.shape, st.index, sink);
        // addBuffers() with a one-sequence micro-batch, less its per-sequence part.
        ParallelLayout one = l;
        one.microBatch = 1;
        st.fixedBuffers = addBuffers(one, c.shape, st.index, sink) - c.bufferPerSequence;
        st.gradientBytes = static_cast<double>(state.gradientBytes);
        st.weightBytes = static_cast<double>(state.weightBytes);
        for (const MemoryTerm& term : state.terms)
            if (term.key == "lora_adapters" || (term.key == "weights" && !adapters))
                st.trainableWeightBytes += static_cast<double>(term.bytes);
        if (i == 1)
            c.embeddingRows = state.embeddingRows; // the last stage's copy of tied embeddings
        // The optimizer step streams its state, gradients and weights through HBM once: it
        // reads and writes the state, reads the gradients and writes the trainable weights;
        // under ZeRO each rank updates only its shard.
        if (cluster_.device.memoryBandwidthGBs > 0) {
            double bytes = 0;
            for (const MemoryTerm& term : state.terms) {
                double b = static_cast<double>(term.bytes);
                if (c.shape.shardDegree > 1 && l.zero >= ZeroStage::OptimizerStates)
                    b /= static_cast<double>(c.shape.shardDegree);
                const bool trainableWeights =
                    term.key == "lora_adapters" || (term.key == "weights" && !adapters);
                if (term.category == MemoryCategory::OptimizerState)
                    bytes += 2 * b;
                else if (term.category == MemoryCategory::Gradients || trainableWeights)
                    bytes += b;
            }
            st.optimizerSeconds = bytes / (cluster_.device.memoryBandwidthGBs * 1e9);
        }
    }
    return c;
}

Count PlanModel::stageTotal(const ParallelLayout& l, const ClassData& c, int i) const
{
    const ClassData::Stage& st = c.stages[i];
    const bool first = st.index == 0, last = st.index == l.pp - 1;
    const Count inFlight = inFlightOf(l, st.index);
    const ActivationBytes& a = c.activation;
    const char* what = "memory bytes";
    const Count layers = l.recompute == Recompute::Full ? c.recomputed : c.shape.layersPerStage;
    Count perSequence = mulChecked(a.layer, mulChecked(layers, inFlight, what), what);
    if (l.recompute == Recompute::Full && c.recomputed < c.shape.layersPerStage)
        perSequence = addChecked(
            perSequence,
            mulChecked(c.keptLayer, mulChecked(c.shape.layersPerStage - c.recomputed, inFlight, what), what),
            what);
    perSequence = addChecked(perSequence, a.workingSet, what);
    perSequence = addChecked(perSequence, mulChecked(a.microBatch, inFlight, what), what);
    if (first)
        perSequence = addChecked(perSequence, mulChecked(a.embedding, inFlight, what), what);
    if (last)
        perSequence = addChecked(perSequence, a.head, what);
    perSequence = addChecked(perSequence, c.bufferPerSequence, what);
    return sumChecked({st.state, st.fixedBuffers, mulChecked(perSequence, l.microBatch, what)}, what);
}

Count PlanModel::peakTotal(const ParallelLayout& l, const ClassData& c) const
{
    Count peak = stageTotal(l, c, 0);
    if (c.stageCount > 1)
        peak = std::max(peak, stageTotal(l, c, 1));
    return peak;
}

Count PlanModel::lowerBound(const ParallelLayout& l, const ClassData& c) const
{
    ParallelLayout one = l;
    one.accumulation = 1;
    return peakTotal(one, c);
}

double PlanModel::stepTimeBound(const ParallelLayout& l, const ClassData& c) const
{
    // The compute part of stepTime(), term for term.
    const double share =
        static_cast<double>(l.microBatch) * static_cast<double>(seq_) / static_cast<double>(l.tp * l.cp);
    const auto layers = static_cast<double>(c.shape.layersPerStage);
    const double recomputedShare =
        static_cast<double>(c.recomputed) / static_cast<double>(c.shape.layersPerStage);
    const double extra = l.recompute == Recompute::Full        ? recomputedShare * layerForward_
                         : l.recompute == Recompute::Selective ? attentionCoreForward_
                                                               : 0.0;
    double busy = 0, optimizer = 0;
    for (int i = 0; i < c.stageCount; ++i) {
        const bool last = c.stages[i].index == l.pp - 1;
        const double all = share * (layers * (3 * layerForward_ + extra) + (last ? 3 * headForward_ : 0.0));
        busy = std::max(busy, all / (peak_ * options_.efficiency));
        optimizer = std::max(optimizer, c.stages[i].optimizerSeconds);
    }
    return (static_cast<double>(l.accumulation) + static_cast<double>(l.pp - 1)) * busy + optimizer;
}

PlanModel::Time PlanModel::stepTime(const ParallelLayout& l, const ClassData& c) const
{
    Time out;
    const LayoutShape& shape = c.shape;
    const PlanOptions& o = options_;
    const double eta = o.efficiency;
    const bool overlap = o.overlapCommunication;
    const auto m = static_cast<double>(l.accumulation);
    const double tokensPerMb = static_cast<double>(l.microBatch) * static_cast<double>(seq_);
    const double share = tokensPerMb / static_cast<double>(l.tp * l.cp); // tokens' worth of matmuls per GPU
    const auto layers = static_cast<double>(shape.layersPerStage);
    // Recomputed forward work per layer of the stage, on average.
    const double recomputedShare =
        static_cast<double>(c.recomputed) / static_cast<double>(shape.layersPerStage);
    const double extra = l.recompute == Recompute::Full        ? recomputedShare * layerForward_
                         : l.recompute == Recompute::Selective ? attentionCoreForward_
                                                               : 0.0;
    const Link intra = linkOf(cluster_.intraNode), inter = linkOf(cluster_.interNode);
    const double a = static_cast<double>(bytesOf(1, compute_));
    const auto d = static_cast<double>(block_.hidden);
    const double local = static_cast<double>(seq_) / static_cast<double>(l.cp);

    struct StageTimes {
        double forward = 0, total = 0, tp = 0, dp = 0, optimizer = 0;
        double tpVolume = 0, dpVolume = 0;
    };
    auto stageTimes = [&](const ClassData::Stage& stage) {
        StageTimes t;
        const bool first = stage.index == 0, last = stage.index == l.pp - 1;
        // Compute: forward, backward (2×) and any recomputed forward, at efficiency × peak.
        const double fwd = share * (layers * layerForward_ + (last ? headForward_ : 0.0));
        const double all = share * (layers * (3 * layerForward_ + extra) + (last ? 3 * headForward_ : 0.0));
        t.forward = fwd / (peak_ * eta);
        t.total = all / (peak_ * eta);
        const double backward = t.total - t.forward;

        // Tensor parallel (Megatron-LM): two all-reduces in forward and two in backward per
        // layer (an all-gather + reduce-scatter pair each with sequence parallelism: the same
        // bytes), two more when full recompute reruns the forward; the vocab-parallel embedding
        // all-reduces its output, the output layer its input gradient. Not overlapped.
        if (l.tp > 1) {
            const double x = static_cast<double>(l.microBatch) * local * d * a;
            const double count = layers * 4.0 + 2.0 * static_cast<double>(c.recomputed) +
                                 (first ? 1.0 : 0.0) + (last ? 1.0 : 0.0);
            const Link& link = shape.tpCrossesNodes ? inter : intra;
            t.tp = m * count * allReduce(x, l.tp, link);
            t.tpVolume = m * count * ringVolume(x, l.tp, 2);
        }

        // Data parallel / ZeRO (Rajbhandari et al. 2020, §7): G gradient bytes, W weight bytes
        // gathered for compute (ZeRO 3), U the updated weights gathered after the step (ZeRO 1–2:
        // only the trainable ones — a frozen LoRA base is never updated).
        const double G = stage.gradientBytes, W = stage.weightBytes, U = stage.trainableWeightBytes;
        if (l.dp > 1 && (G > 0 || l.zero == ZeroStage::Parameters)) {
            const Count n = shape.shardDegree;
            const Link& link = shape.shardCrossesNodes ? inter : intra;
            double comm = 0, vol = 0;
            switch (l.zero) {
            case ZeroStage::None:
                comm = exposed(allReduce(G, n, link), backward, overlap);
                vol = ringVolume(G, n, 2);
                break;
            case ZeroStage::OptimizerStates:
                comm = exposed(gatherOrScatter(G, n, link), backward, overlap) +
                       exposed(gatherOrScatter(U, n, link), t.forward, overlap);
                vol = ringVolume(G, n, 1) + ringVolume(U, n, 1);
                break;
            case ZeroStage::Gradients:
                comm = m * exposed(gatherOrScatter(G, n, link), backward, overlap) +
                       exposed(gatherOrScatter(U, n, link), t.forward, overlap);
                vol = m * ringVolume(G, n, 1) + ringVolume(U, n, 1);
                break;
            case ZeroStage::Parameters:
                comm = m * (exposed(gatherOrScatter(W, n, link), t.forward, overlap) +
                            exposed(gatherOrScatter(W, n, link) + gatherOrScatter(G, n, link), backward,
                                    overlap));
                vol = m * (2 * ringVolume(W, n, 1) + ringVolume(G, n, 1));
                break;
            }
            if (shape.replicas > 1) {
                // Hybrid sharding: the shards are all-reduced across the replicas, once a step.
                const double shard = G / static_cast<double>(n);
                comm += exposed(allReduce(shard, shape.replicas, inter), backward, overlap);
                vol += ringVolume(shard, shape.replicas, 2);
            }
            t.dp = comm;
            t.dpVolume = vol;
        }
        t.optimizer = stage.optimizerSeconds;
        return t;
    };

    const StageTimes firstStage = stageTimes(c.stages[0]);
    const StageTimes lastStage = c.stageCount > 1 ? stageTimes(c.stages[1]) : firstStage;
    const double busy = std::max(firstStage.total, lastStage.total);
    StepTime& st = out.step;
    st.compute = m * busy;
    st.bubble = static_cast<double>(l.pp - 1) * busy;
    st.exposedTensorParallel = std::max(firstStage.tp, lastStage.tp);
    st.exposedDataParallel = std::max(firstStage.dp, lastStage.dp);
    st.optimizer = std::max(firstStage.optimizer, lastStage.optimizer);
    out.volume.tensorParallel = std::max(firstStage.tpVolume, lastStage.tpVolume);
    out.volume.dataParallel = std::max(firstStage.dpVolume, lastStage.dpVolume);

    // Pipeline: each micro-batch's activation forward and its gradient backward cross every
    // stage boundary (1/t of it per rank with sequence parallelism); tied embeddings all-reduce
    // their gradient between the first and the last stage once a step.
    if (l.pp > 1) {
        const Link& link = shape.ppCrossesNodes ? inter : intra;
        const double x = static_cast<double>(l.microBatch) * local * d * a /
                         static_cast<double>(l.sequenceParallel ? l.tp : 1);
        st.exposedPipeline = 2 * m * pointToPoint(x, link);
        out.volume.pipeline = 2 * m * x;
        if (c.embeddingRows > 0) {
            const double g =
                static_cast<double>(c.embeddingRows) * d * static_cast<double>(bytesOf(1, recipe_.gradients));
            st.exposedPipeline += allReduce(g, 2, link);
            out.volume.pipeline += ringVolume(g, 2, 2);
        }
    }

    // Context parallel (ring attention): per layer and micro-batch, the K/V chunk travels
    // cp − 1 hops forward and, with its gradient, twice that backward, hidden behind the
    // attention core's compute when it overlaps.
    if (l.cp > 1) {
        const Link& link = shape.cpCrossesNodes ? inter : intra;
        const Count kvHeadsPerRank = block_.kvHeads / l.tp; // tp divides K (invalidReason)
        const double kv = 2 * static_cast<double>(l.microBatch) * local *
                          static_cast<double>(kvHeadsPerRank) * static_cast<double>(block_.headDim) * a;
        const double hops = static_cast<double>(l.cp - 1);
        const double comm = 3 * hops * pointToPoint(kv, link);
        const double window = share * 3 * attentionCoreForward_ / (peak_ * eta);
        st.exposedContextParallel = m * layers * exposed(comm, window, overlap);
        out.volume.contextParallel = m * layers * 3 * hops * kv;
    }

    st.total = st.compute + st.bubble + st.exposedCommunication() + st.optimizer;
    const double tokensPerStep = static_cast<double>(l.globalBatch()) * static_cast<double>(seq_);
    out.modelFlopsPerStep = modelPerToken_ * tokensPerStep;
    out.hardwareFlopsPerStep = out.modelFlopsPerStep * hardwareRatio(l);
    return out;
}

} // namespace llamascope::plan_detail
