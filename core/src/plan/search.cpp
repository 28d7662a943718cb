// The layout search (plan.hpp: planTraining, planTrainingNaive, checkFit). Every valid
// (tp, cp, pp, dp, sp, recompute, ZeRO, hybrid, micro-batch) of the cluster is visited in a
// fixed order; the fast search computes totals from cached per-config sums and stops raising
// the micro-batch once even one micro-batch in flight cannot fit. docs/planning.md "Search".

#include "plan_model.hpp"

#include "llamascope/errors.hpp"
#include "llamascope/format.hpp"
#include "llamascope/params.hpp"

#include <algorithm>
#include <cmath>
#include <queue>

namespace llamascope {

namespace {

using plan_detail::PlanModel;

std::vector<Count> divisors(Count n)
{
    std::vector<Count> out;
    for (Count d = 1; d * d <= n; ++d)
        if (n % d == 0) {
            out.push_back(d);
            if (d != n / d)
                out.push_back(n / d);
        }
    std::sort(out.begin(), out.end());
    return out;
}

template <class T>
bool allowed(const std::optional<T>& fixed, const T& value)
{
    return !fixed || *fixed == value;
}

/// A layout that fits, with what it is ranked by.
/// Speeds within 0.1 % of each other are one speed: the model is not finer than that, and a
/// batch rounded up must not win on the optimizer step it amortises over more tokens.
long long speedBucket(double secondsPerToken)
{
    if (!(secondsPerToken > 0))
        return 0; // memory-only comparisons (the closest miss, fit checks) carry no speed
    return static_cast<long long>(std::floor(std::log(secondsPerToken) / std::log1p(1e-3)));
}

struct Candidate {
    ParallelLayout layout;
    double secondsPerToken = 0;
    Count peak = 0;
    Count batchDistance = 0; ///< |global batch − requested| in sequences
    long long bucket = speedBucket(secondsPerToken);
};

/// Fastest first; then the batch nearest the request; then less memory; then the layout's
/// fields, so the order is total.
bool ranksBefore(const Candidate& a, const Candidate& b)
{
    if (a.bucket != b.bucket)
        return a.bucket < b.bucket;
    if (a.batchDistance != b.batchDistance)
        return a.batchDistance < b.batchDistance;
    if (a.peak != b.peak)
        return a.peak < b.peak;
    const ParallelLayout &x = a.layout, &y = b.layout;
    return std::make_tuple(x.dp, x.tp, x.pp, x.cp, static_cast<int>(x.zero), x.hybridShard,
                           x.sequenceParallel, static_cast<int>(x.recompute), x.microBatch, x.accumulation) <
           std::make_tuple(y.dp, y.tp, y.pp, y.cp, static_cast<int>(y.zero), y.hybridShard,
                           y.sequenceParallel, static_cast<int>(y.recompute), y.microBatch, y.accumulation);
}

/// The best `k` candidates seen (a max-heap on rank).
class TopK {
public:
    explicit TopK(std::size_t k) : k_(k) {}
    void offer(const Candidate& c)
    {
        if (heap_.size() < k_) {
            heap_.push(c);
        } else if (ranksBefore(c, heap_.top())) {
            heap_.pop();
            heap_.push(c);
        }
    }
    /// The speed bucket a candidate must reach to enter, once the list is full.
    [[nodiscard]] std::optional<long long> entryBucket() const
    {
        return heap_.size() < k_ ? std::nullopt : std::optional<long long>(heap_.top().bucket);
    }
    std::vector<Candidate> sorted()
    {
        std::vector<Candidate> out;
        while (!heap_.empty()) {
            out.push_back(heap_.top());
            heap_.pop();
        }
        std::sort(out.begin(), out.end(), ranksBefore);
        return out;
    }

private:
    struct Worse {
        bool operator()(const Candidate& a, const Candidate& b) const { return ranksBefore(a, b); }
    };
    std::size_t k_;
    std::priority_queue<Candidate, std::vector<Candidate>, Worse> heap_;
};

/// (micro-batch, accumulation) pairs for `dp` replicas, ascending: the global batch within the
/// tolerance of `requested` sequences; or, in fit mode, the one micro-batch with a full pipeline.
std::vector<std::pair<Count, Count>> microBatches(Count requested, Count dp, double tolerance,
                                                  std::optional<Count> fixed,
                                                  std::optional<Count> fitPipeline)
{
    std::vector<std::pair<Count, Count>> out;
    if (fitPipeline) {
        out.emplace_back(*fixed, *fitPipeline);
        return out;
    }
    const auto B = static_cast<double>(requested);
    const double limit = B * (1 + tolerance) + 1e-9;
    for (Count mb = fixed.value_or(1); mb <= (fixed ? *fixed : requested); ++mb) {
        const double ideal = B / static_cast<double>(dp * mb);
        const Count accum = std::max<Count>(1, std::llround(ideal));
        const auto actual = static_cast<double>(dp * mb * accum);
        if (accum == 1 && actual > limit)
            break; // larger micro-batches only overshoot further
        if (std::fabs(actual - B) <= tolerance * B + 1e-9)
            out.emplace_back(mb, accum);
    }
    return out;
}

/// Visits every layout the filter allows, grouped by everything but the micro-batch.
/// `visitClass(layout without micro-batch, shape-valid)` returns false to stop early.
struct Enumerator {
    PlanModel& model;
    const LayoutFilter& filter;
    Count requested = 0;
    double tolerance = 0;
    std::optional<Count> fitMicroBatch; ///< fit mode: this micro-batch with a full pipeline

    template <class PerClass>
    void run(PerClass&& perClass, Progress* progress)
    {
        const BlockShape& b = model.block();
        const ClusterSpec& cluster = model.cluster();
        const Count gpus = cluster.gpus, s = model.seqLen();
        const Count maxTp = filter.maxTensorParallel > 0 ? filter.maxTensorParallel : cluster.gpusPerNode;
        const bool flash = model.options().attention == AttentionKernel::Flash;
        std::vector<std::tuple<Count, Count, Count>> combos;
        for (Count tp : divisors(gpus)) {
            if (!allowed(filter.tp, tp) || (!filter.tp && tp > maxTp))
                continue;
            if (b.heads % tp != 0 || b.kvHeads % tp != 0 || b.intermediate % tp != 0)
                continue;
            for (Count cp : divisors(gpus / tp)) {
                if (!allowed(filter.cp, cp) || (cp > 1 && (!flash || s % (2 * cp) != 0)))
                    continue;
                for (Count pp : divisors(gpus / (tp * cp))) {
                    if (!allowed(filter.pp, pp) || b.layers % pp != 0)
                        continue;
                    if (!allowed(filter.dp, gpus / (tp * cp * pp)))
                        continue;
                    combos.emplace_back(tp, cp, pp);
                }
            }
        }
        for (std::size_t i = 0; i < combos.size(); ++i) {
            throwIfCancelled(progress);
            const auto [tp, cp, pp] = combos[i];
            const Count dp = gpus / (tp * cp * pp);
            if (progress != nullptr)
                progress->report(static_cast<double>(i) / static_cast<double>(combos.size()),
                                 "tp" + std::to_string(tp) + " cp" + std::to_string(cp) + " pp" +
                                     std::to_string(pp));
            const std::vector<std::pair<Count, Count>> mbs =
                microBatches(requested, dp, tolerance, fitMicroBatch ? fitMicroBatch : filter.microBatch,
                             fitMicroBatch ? std::optional<Count>(pp) : std::nullopt);
            if (mbs.empty())
                continue;
            for (bool sp : {false, true}) {
                if (!allowed(filter.sequenceParallel, sp) || (sp && (tp == 1 || (s / cp) % tp != 0)))
                    continue;
                for (Recompute rc : {Recompute::None, Recompute::Selective, Recompute::Full}) {
                    if (!allowed(filter.recompute, rc))
                        continue;
                    for (ZeroStage z : {ZeroStage::None, ZeroStage::OptimizerStates, ZeroStage::Gradients,
                                        ZeroStage::Parameters}) {
                        // With one replica every stage is plain data parallelism: list it once.
                        if (!allowed(filter.zero, z) || (dp == 1 && z != ZeroStage::None && !filter.zero))
                            continue;
                        for (bool hybrid : {false, true}) {
                            if (!allowed(filter.hybridShard, hybrid))
                                continue;
                            ParallelLayout l;
                            l.dp = dp;
                            l.tp = tp;
                            l.pp = pp;
                            l.cp = cp;
                            l.zero = z;
                            l.hybridShard = hybrid;
                            l.sequenceParallel = sp;
                            l.recompute = rc;
                            if (rc == Recompute::Full && filter.recomputeLayers)
                                l.recomputeLayers = *filter.recomputeLayers;
                            l.microBatch = mbs.front().first;
                            l.accumulation = mbs.front().second;
                            if (!model.invalidReason(l).empty())
                                continue;
                            perClass(l, mbs);
                        }
                    }
                }
            }
        }
        if (progress != nullptr)
            progress->report(1.0, "done");
    }
};

struct Search {
    PlanResult result;
    TopK top;
    std::optional<Candidate> closest;
    Count usable = 0;

    explicit Search(std::size_t k) : top(k) {}

    void seeClosest(const ParallelLayout& l, Count peak)
    {
        if (!closest || peak < closest->peak ||
            (peak == closest->peak && ranksBefore({l, 0, peak, 0}, *closest)))
            closest = Candidate{l, 0, peak, 0};
    }
};

Count usableBytes(const ClusterSpec& cluster, const PlanOptions& o)
{
    return fitOnDevice(0, cluster.device.memoryBytes, o.headroom).usable;
}

void finish(Search& s, PlanModel& model, const PlanResult& base)
{
    PlanResult& r = s.result;
    const std::vector<Candidate> best = s.top.sorted();
    for (const Candidate& c : best) {
        LayoutEvaluation e = plan_detail::evaluate(model, c.layout, r.requestedSequences);
        if (e.peakBytes() != c.peak)
            throw std::logic_error(
                "planner: the search's memory total disagrees with the detailed terms for " +
                c.layout.describe());
        r.layouts.push_back(std::move(e));
    }
    (void)base;
    if (r.layouts.empty() && s.closest) {
        r.closest = plan_detail::evaluate(model, s.closest->layout, r.requestedSequences);
        const DeviceFit& f = r.closest->fit;
        r.note = "no layout fits " + std::to_string(model.cluster().gpus) + " × " +
                 model.cluster().device.name + ": the smallest needs " +
                 formatBytes(static_cast<double>(f.required)) + " per GPU, " +
                 formatBytes(static_cast<double>(f.usable)) + " are usable with " +
                 formatFixed(f.headroom * 100, 0) + " % headroom (" + r.closest->layout.describe() +
                 "); add GPUs, shard more (ZeRO 3, tp, pp), recompute, or a smaller micro-batch";
    } else if (r.layouts.empty()) {
        r.note =
            "no layout of " + std::to_string(model.cluster().gpus) +
            " GPUs is valid for this model and batch: the parallel sizes must divide the heads, layers and "
            "sequence, and dp × micro-batch must come within the batch tolerance of " +
            formatCount(r.requestedSequences) + " sequences (raise the tolerance or change the batch)";
    }
}

PlanResult startResult(const ModelConfig& config, const ClusterSpec& cluster, const PlanOptions& o,
                       const PlanModel& model)
{
    PlanResult r;
    r.model = config.name;
    r.parameters = countParameters(config).total;
    r.cluster = cluster;
    r.options = o;
    r.recipe = model.recipe();
    r.requestedSequences = std::max<Count>(
        1, static_cast<Count>(std::llround(o.globalBatchTokens / static_cast<double>(o.seqLen))));
    r.peakFlopsPerGpu = model.peakFlops();
    return r;
}

} // namespace

PlanResult planTraining(const ModelConfig& config, const ClusterSpec& cluster, const PlanOptions& options,
                        Progress* progress)
{
    const PlanOptions o = resolvePlanOptions(config, cluster, options);
    PlanModel model(config, cluster, o);
    Search s(o.top);
    s.result = startResult(config, cluster, o, model);
    s.usable = usableBytes(cluster, o);
    Enumerator en{model, o.filter, s.result.requestedSequences, o.batchTolerance, std::nullopt};
    en.run(
        [&](ParallelLayout l, const std::vector<std::pair<Count, Count>>& mbs) {
            const PlanModel::ClassData cd = model.classData(l);
            bool pruned = false;
            for (const auto& [mb, accum] : mbs) {
                ++s.result.enumerated;
                if (pruned)
                    continue; // counted: it cannot fit either
                l.microBatch = mb;
                l.accumulation = accum;
                const bool boundIsPeak = l.pp == 1 || l.accumulation == 1;
                if (!boundIsPeak && model.lowerBound(l, cd) > s.usable) {
                    // Even one micro-batch in flight does not fit, nor will any larger one. The
                    // smallest micro-batch still gets its full total for the "closest" report.
                    if (mb == mbs.front().first)
                        s.seeClosest(l, model.peakTotal(l, cd));
                    pruned = true;
                    continue;
                }
                const Count peak = model.peakTotal(l, cd);
                if (mb == mbs.front().first)
                    s.seeClosest(l, peak);
                if (peak > s.usable) {
                    pruned = boundIsPeak; // then the peak was the bound: no larger micro-batch fits
                    continue;
                }
                ++s.result.fitting;
                const double tokens =
                    static_cast<double>(l.globalBatch()) * static_cast<double>(model.seqLen());
                if (const auto entry = s.top.entryBucket()) {
                    // Compute, bubble and optimizer alone already rank below the list: the full
                    // step time (communication only adds) cannot enter it.
                    if (speedBucket(model.stepTimeBound(l, cd) * (1 - 1e-9) / tokens) > *entry)
                        continue;
                }
                const PlanModel::Time t = model.stepTime(l, cd);
                s.top.offer(Candidate{l, t.step.total / tokens, peak,
                                      std::abs(l.globalBatch() - s.result.requestedSequences)});
            }
        },
        progress);
    finish(s, model, s.result);
    return s.result;
}

PlanResult planTrainingNaive(const ModelConfig& config, const ClusterSpec& cluster,
                             const PlanOptions& options)
{
    const PlanOptions o = resolvePlanOptions(config, cluster, options);
    PlanModel model(config, cluster, o);
    Search s(o.top);
    s.result = startResult(config, cluster, o, model);
    s.usable = usableBytes(cluster, o);
    Enumerator en{model, o.filter, s.result.requestedSequences, o.batchTolerance, std::nullopt};
    en.run(
        [&](ParallelLayout l, const std::vector<std::pair<Count, Count>>& mbs) {
            for (const auto& [mb, accum] : mbs) {
                l.microBatch = mb;
                l.accumulation = accum;
                // From scratch, term by term: what a planner without the cached sums would do.
                const LayoutEvaluation e = evaluateLayout(config, cluster, options, l);
                ++s.result.enumerated;
                if (mb == mbs.front().first)
                    s.seeClosest(l, e.peakBytes());
                if (!e.fit.fits)
                    continue;
                ++s.result.fitting;
                s.top.offer(Candidate{l, e.time.total / e.globalBatchTokens, e.peakBytes(),
                                      std::abs(l.globalBatch() - s.result.requestedSequences)});
            }
        },
        nullptr);
    finish(s, model, s.result);
    return s.result;
}

FitCheck checkFit(const ModelConfig& config, const ClusterSpec& cluster, const PlanOptions& options,
                  const LayoutFilter& filter, Count microBatch)
{
    if (microBatch < 1)
        throw InvalidArgument("the micro-batch must be at least 1");
    PlanOptions o = options;
    o.filter = filter;
    if (o.seqLen == 0)
        o.seqLen = config.contextLength;
    o.globalBatchTokens = static_cast<double>(o.seqLen); // unused in fit mode
    o = resolvePlanOptions(config, cluster, o);
    PlanModel model(config, cluster, o);
    const Count usable = usableBytes(cluster, o);
    std::optional<Candidate> best, closest;
    Enumerator en{model, o.filter, 1, 0, microBatch};
    en.run(
        [&](ParallelLayout l, const std::vector<std::pair<Count, Count>>& mbs) {
            l.microBatch = mbs.front().first;
            l.accumulation = mbs.front().second;
            const Count peak = model.peakTotal(l, model.classData(l));
            const Candidate c{l, 1, peak, 0};
            if (!closest || ranksBefore(c, *closest))
                closest = c;
            if (peak <= usable && (!best || ranksBefore(c, *best)))
                best = c;
        },
        nullptr);
    FitCheck f;
    const std::string where = std::to_string(cluster.gpus) + " × " + cluster.device.name;
    if (!closest) {
        f.reason = "no layout the spec allows is valid for this model on " + where;
        return f;
    }
    f.fits = best.has_value();
    f.layout = plan_detail::evaluate(model, (best ? best : closest)->layout, 0);
    const DeviceFit& d = f.layout->fit;
    if (f.fits)
        f.reason = "fits " + where + " as " + f.layout->layout.describe() + ": " +
                   formatBytes(static_cast<double>(d.required)) + " per GPU of " +
                   formatBytes(static_cast<double>(d.usable)) + " usable";
    else
        f.reason = "does not fit " + where + ": the smallest allowed layout (" + f.layout->layout.describe() +
                   ") needs " + formatBytes(static_cast<double>(d.required)) + " per GPU, " +
                   formatBytes(static_cast<double>(d.usable)) + " usable with " +
                   formatFixed(d.headroom * 100, 0) + " % headroom";
    return f;
}

std::function<std::string(const ModelConfig&)> fitFilter(const ClusterSpec& cluster,
                                                         const PlanOptions& options,
                                                         const LayoutFilter& filter, Count microBatch)
{
    return [cluster, options, filter, microBatch](const ModelConfig& config) -> std::string {
        const FitCheck f = checkFit(config, cluster, options, filter, microBatch);
        return f.fits ? std::string() : f.reason;
    };
}

} // namespace llamascope
