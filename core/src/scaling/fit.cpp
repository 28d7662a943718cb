// Fitting scaling laws (docs/scaling.md "Method"). The objective, start grid and estimator are
// those of Besiroglu et al. 2024 ("Chinchilla Scaling: A replication attempt", §2), which
// follow Hoffmann et al. 2022 (Approach 3, §3.3 and Appendix D.2):
//
//   minimise over (a, b, e, α, β)  Σ_i Huber_δ( LSE(a − α·log N_i, b − β·log D_i, e) − log L_i ),
//
// δ = 10⁻³, with A = e^a, B = e^b, E = e^e, by L-BFGS from every point of the grid
// α, β ∈ {0, 0.5, …, 2}, e ∈ {−1, −0.5, …, 1}, a, b ∈ {0, 5, …, 25}, keeping the lowest
// objective. Intervals: non-parametric bootstrap (resample the runs with replacement, refit
// from the point estimate), percentile intervals and standard errors of the samples.
//
// L-BFGS is Debian's liblbfgs (Okazaki's C port of Nocedal's L-BFGS with the Moré–Thuente line
// search); docs/scaling.md "Optimiser" says why. Only this file includes it.

#include "llamascope/scaling.hpp"

#include "llamascope/errors.hpp"
#include "llamascope/format.hpp"

#include <Eigen/Core>
#include <lbfgs.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <exception>
#include <limits>
#include <mutex>
#include <numeric>
#include <set>
#include <thread>

namespace llamascope {

const EnumTable<LawForm>& lawFormTable()
{
    static const EnumTable<LawForm> table({
        {LawForm::ParamsData, "nd", "L(N, D) = E + A/N^α + B/D^β (Hoffmann et al. 2022, Eq. 2)", {}},
        {LawForm::Params, "n", "L(N) = E + A/N^α at a fixed tokens-per-parameter ratio D/N", {}},
        {LawForm::ComputeFront, "c", "L(C) = E + A/C^α along the compute frontier", {}},
    });
    return table;
}

std::string_view toString(LawForm f)
{
    return lawFormTable().name(f);
}

std::string_view formula(LawForm f)
{
    switch (f) {
    case LawForm::ParamsData: return "L(N, D) = E + A/N^α + B/D^β";
    case LawForm::Params: return "L(N) = E + A/N^α at fixed D/N";
    case LawForm::ComputeFront: return "L(C) = E + A/C^α along the compute frontier";
    }
    return "";
}

std::size_t freeParameters(LawForm f)
{
    return f == LawForm::ParamsData ? 5 : 3;
}

std::size_t minimumRuns(LawForm f)
{
    return freeParameters(f) + 1;
}

std::size_t gridStarts(LawForm f)
{
    return f == LawForm::ParamsData ? 5 * 5 * 5 * 6 * 6 : 5 * 5 * 6;
}

void checkFitOptions(const FitOptions& o)
{
    if (!(o.huberDelta > 0) || !std::isfinite(o.huberDelta))
        throw InvalidArgument("the Huber delta must be positive and finite");
    if (!(o.confidence > 0 && o.confidence < 1))
        throw InvalidArgument("the confidence level must be in (0, 1)");
    if (o.bootstrap > 100000)
        throw InvalidArgument("at most 100,000 bootstrap resamples");
    if (o.threads < 1 || o.threads > 256)
        throw InvalidArgument("threads must be in 1..256");
    if (o.form == LawForm::Params && (!(o.tokensPerParam > 0) || !std::isfinite(o.tokensPerParam) ||
                                      !(o.ratioTolerance > 0) || !(o.ratioTolerance < 10)))
        throw InvalidArgument("tokens per parameter must be positive and its tolerance in (0, 10)");
}

namespace {

/// The points of one fit in log space. Two terms: z1 = log N, z2 = log D; one term: z1 = log N
/// (or log C). Parameter vector: two terms [a, b, e, α, β]; one term [a, e, α].
struct Problem {
    int terms = 2;
    Eigen::ArrayXd z1, z2, logLoss;
    double delta = 1e-3;
    /// The objective handed to L-BFGS is multiplied by this (the reported one is not). See
    /// minimise(): it only changes when liblbfgs' gradient test stops.
    double scale = 1.0;

    [[nodiscard]] int size() const { return terms == 2 ? 5 : 3; }
};

/// Huber objective and gradient. The log-sum-exp is evaluated directly (two exponentials per
/// point); only if that overflows — far from any sensible start — is it recomputed shifted by
/// the largest term.
double evaluate(const Problem& p, const double* x, double* g)
{
    const bool two = p.terms == 2;
    const double a = x[0];
    const double b = two ? x[1] : 0.0;
    const double e = two ? x[2] : x[1];
    const double alpha = two ? x[3] : x[2];
    const double beta = two ? x[4] : 0.0;
    const Eigen::Index n = p.z1.size();

    Eigen::ArrayXd t1 = a - alpha * p.z1;
    Eigen::ArrayXd t2 = two ? Eigen::ArrayXd(b - beta * p.z2)
                            : Eigen::ArrayXd::Constant(n, -std::numeric_limits<double>::infinity());
    Eigen::ArrayXd shift = Eigen::ArrayXd::Zero(n);
    Eigen::ArrayXd u1 = t1.exp();
    Eigen::ArrayXd u2 = two ? Eigen::ArrayXd(t2.exp()) : Eigen::ArrayXd::Zero(n);
    Eigen::ArrayXd u3 = Eigen::ArrayXd::Constant(n, std::exp(e));
    Eigen::ArrayXd s = u1 + u2 + u3;
    if (!std::isfinite(s.sum()) || !(s.minCoeff() > 0)) {
        shift = t1.max(t2).max(e);
        u1 = (t1 - shift).exp();
        u2 = two ? Eigen::ArrayXd((t2 - shift).exp()) : Eigen::ArrayXd::Zero(n);
        u3 = (e - shift).exp();
        s = u1 + u2 + u3;
    }
    const Eigen::ArrayXd r = shift + s.log() - p.logLoss;
    const double d = p.delta;
    const Eigen::ArrayXd ar = r.abs();
    const double f = p.scale * (ar <= d).select(0.5 * r * r, d * (ar - 0.5 * d)).sum();
    if (g != nullptr) {
        // dHuber/dr = clamp(r, −δ, δ); dLSE/dt_k = u_k / s.
        const Eigen::ArrayXd q = p.scale * r.max(-d).min(d) / s;
        const Eigen::ArrayXd q1 = q * u1;
        if (two) {
            const Eigen::ArrayXd q2 = q * u2;
            g[0] = q1.sum();
            g[1] = q2.sum();
            g[2] = (q * u3).sum();
            g[3] = -(q1 * p.z1).sum();
            g[4] = -(q2 * p.z2).sum();
        } else {
            g[0] = q1.sum();
            g[1] = (q * u3).sum();
            g[2] = -(q1 * p.z1).sum();
        }
    }
    return f;
}

lbfgsfloatval_t lbfgsEvaluate(void* instance, const lbfgsfloatval_t* x, lbfgsfloatval_t* g, int /*n*/,
                              lbfgsfloatval_t /*step*/)
{
    return evaluate(*static_cast<const Problem*>(instance), x, g);
}

struct Minimum {
    std::array<double, 5> x{};
    double f = INFINITY;
    int status = 0;

    [[nodiscard]] bool converged() const { return status >= 0; }
};

/// L-BFGS from x0 with liblbfgs' defaults (6 corrections, ‖g‖ < 1e-5·max(1, ‖x‖), Moré–Thuente)
/// and an iteration cap. A line search that ends in a rounding error (the objective is nearly
/// piecewise linear for small δ) leaves x at the last point that decreased f; it is kept.
///
/// `normalised`: minimise Σ Huber/δ instead of Σ Huber. The minimiser is the same, but the raw
/// objective is so small (≈ 10⁻³ for 240 runs) that its gradient passes liblbfgs' test at once
/// near any optimum: a bootstrap refit started from the full-data optimum would stop where it
/// started and the intervals would come out two to three times too narrow (measured on 30
/// resamples: standard error of A 66 from the point estimate, 147 from the whole grid; divided
/// by δ, both starts reach the same optimum). The grid
/// itself runs raw: its starts are far from the optimum, and raw it needs 45 evaluations per
/// start instead of 75; its best point is then polished normalised.
Minimum minimise(const Problem& problem, const double* x0, bool normalised)
{
    Problem p = problem;
    p.scale = normalised ? 1.0 / p.delta : 1.0;
    const int n = p.size();
    lbfgs_parameter_t param;
    lbfgs_parameter_init(&param);
    param.max_iterations = 1000;
    lbfgsfloatval_t* x = lbfgs_malloc(n);
    if (x == nullptr)
        throw std::bad_alloc();
    std::copy(x0, x0 + n, x);
    lbfgsfloatval_t fx = 0;
    Minimum m;
    m.status = lbfgs(n, x, &fx, lbfgsEvaluate, nullptr, &p, &param);
    std::copy(x, x + n, m.x.begin());
    lbfgs_free(x);
    // The reported objective is the raw one (some error exits also leave fx from a trial point).
    p.scale = 1.0;
    m.f = evaluate(p, m.x.data(), nullptr);
    if (!std::isfinite(m.f))
        m.f = INFINITY;
    return m;
}

std::vector<std::array<double, 5>> grid(int terms)
{
    std::vector<std::array<double, 5>> out;
    const double exps[] = {0, 0.5, 1, 1.5, 2};
    const double es[] = {-1, -0.5, 0, 0.5, 1};
    const double as[] = {0, 5, 10, 15, 20, 25};
    if (terms == 2) {
        for (double alpha : exps)
            for (double beta : exps)
                for (double e : es)
                    for (double a : as)
                        for (double b : as)
                            out.push_back({a, b, e, alpha, beta});
    } else {
        for (double alpha : exps)
            for (double e : es)
                for (double a : as)
                    out.push_back({a, e, alpha, 0, 0});
    }
    return out;
}

/// Runs fn(i) for i in [0, count) on `threads` threads (the caller's included). Results must
/// depend on i only, so any schedule gives the same answer. The calling thread reports
/// progress and polls cancellation; the others stop at the next item once it is cancelled.
template <typename Fn>
void parallelFor(std::size_t count, int threads, Fn&& fn, Progress* progress, double begin, double width,
                 const std::string& stage)
{
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> done{0};
    std::atomic<bool> stop{false};
    std::exception_ptr failure;
    std::mutex failureMutex;
    auto work = [&](bool caller) {
        try {
            for (;;) {
                if (stop.load())
                    return;
                const std::size_t i = next.fetch_add(1);
                if (i >= count)
                    return;
                fn(i);
                const std::size_t d = done.fetch_add(1) + 1;
                if (caller && progress != nullptr) {
                    if (progress->isCancelled()) {
                        stop = true;
                        return;
                    }
                    if (d % 16 == 0 && d != count)
                        progress->report(begin + width * static_cast<double>(d) / static_cast<double>(count),
                                         stage + " " + std::to_string(d) + "/" + std::to_string(count));
                }
            }
        } catch (...) {
            std::lock_guard<std::mutex> lock(failureMutex);
            if (!failure)
                failure = std::current_exception();
            stop = true;
        }
    };
    const int extra = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(threads - 1), count));
    std::vector<std::thread> pool;
    pool.reserve(static_cast<std::size_t>(std::max(0, extra)));
    for (int t = 0; t < extra; ++t)
        pool.emplace_back(work, false);
    work(true);
    for (std::thread& t : pool)
        t.join();
    if (failure)
        std::rethrow_exception(failure);
    // The last item may have been finished by another thread: the caller reports the end of
    // the stage itself, so every stage shows up at least once whatever the schedule.
    if (progress != nullptr && !stop.load() && count > 0)
        progress->report(begin + width, stage + " " + std::to_string(count) + "/" + std::to_string(count));
    throwIfCancelled(progress);
}

/// SplitMix64 (Steele, Lea & Flood 2014): one independent stream per resample, so resample r
/// draws the same runs whatever thread fits it.
struct SplitMix64 {
    std::uint64_t state;
    std::uint64_t next()
    {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    /// Uniform in [0, n); the modulo bias is below n / 2⁶⁴ (< 10⁻¹⁵ for any table here).
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
};

/// numpy.percentile's default (linear interpolation between order statistics).
double percentile(std::vector<double> v, double q)
{
    std::sort(v.begin(), v.end());
    const double pos = q * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const std::size_t hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

Estimate estimate(double value, const std::vector<double>& samples, double confidence)
{
    Estimate e;
    e.value = value;
    if (samples.size() < 2) {
        e.interval = {value, value};
        return e;
    }
    const double mean =
        std::accumulate(samples.begin(), samples.end(), 0.0) / static_cast<double>(samples.size());
    double ss = 0;
    for (double s : samples)
        ss += (s - mean) * (s - mean);
    e.standardError = std::sqrt(ss / static_cast<double>(samples.size() - 1));
    e.interval = {percentile(samples, (1 - confidence) / 2), percentile(samples, (1 + confidence) / 2)};
    return e;
}

LawParams toLaw(const std::array<double, 5>& x, int terms)
{
    LawParams p;
    if (terms == 2) {
        p.A = std::exp(x[0]);
        p.B = std::exp(x[1]);
        p.E = std::exp(x[2]);
        p.alpha = x[3];
        p.beta = x[4];
    } else {
        p.A = std::exp(x[0]);
        p.E = std::exp(x[1]);
        p.alpha = x[2];
    }
    return p;
}

std::size_t distinct(const std::vector<double>& v)
{
    std::set<double> s;
    for (double x : v)
        s.insert(x);
    return s.size();
}

std::string runLine(const ScalingRun& r)
{
    const std::string model = r.source == ModelSource::Number ? "N " + formatShort(r.parameters) : r.model;
    return "line " + std::to_string(r.line) + " (" + model + ", loss " + formatFixed(r.loss, 3) + ")";
}

} // namespace

double huberObjective(const LawParams& p, std::span<const double> n, std::span<const double> d,
                      std::span<const double> loss, double delta)
{
    if (n.size() != d.size() || n.size() != loss.size())
        throw InvalidArgument("huberObjective: N, D and loss differ in length");
    Problem pr;
    pr.terms = 2;
    pr.delta = delta;
    const auto size = static_cast<Eigen::Index>(n.size());
    pr.z1.resize(size);
    pr.z2.resize(size);
    pr.logLoss.resize(size);
    for (Eigen::Index i = 0; i < size; ++i) {
        const auto k = static_cast<std::size_t>(i);
        pr.z1[i] = std::log(n[k]);
        pr.z2[i] = std::log(d[k]);
        pr.logLoss[i] = std::log(loss[k]);
    }
    const std::array<double, 5> x = {std::log(p.A), std::log(p.B), std::log(p.E), p.alpha, p.beta};
    return evaluate(pr, x.data(), nullptr);
}

FitResult fitLaw(const RunsTable& table, const FitOptions& options, Progress* progress)
{
    checkFitOptions(options);
    FitResult result;
    result.options = options;
    result.runsSource = table.source;
    const LawForm form = options.form;
    const std::string need = "an " + std::string(formula(form)) + " fit has " +
                             std::to_string(freeParameters(form)) + " free parameters and needs at least " +
                             std::to_string(minimumRuns(form));

    // Leave out the k highest losses (Besiroglu et al. 2024 drop the five runs of Hoffmann's
    // Figure 4 with the highest loss). Ties: the later row goes first, so the choice is fixed.
    std::vector<std::size_t> order(table.runs.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
        return table.runs[x].loss > table.runs[y].loss || (table.runs[x].loss == table.runs[y].loss && x > y);
    });
    if (options.dropHighest >= table.runs.size())
        throw ScalingDataError("--drop-highest " + std::to_string(options.dropHighest) +
                               " leaves none of the " + std::to_string(table.runs.size()) + " runs; " + need +
                               " runs");
    std::vector<bool> keep(table.runs.size(), true);
    for (std::size_t k = 0; k < options.dropHighest; ++k) {
        keep[order[k]] = false;
        result.dropped.push_back(order[k]);
    }
    if (!result.dropped.empty()) {
        std::string list;
        for (std::size_t i : result.dropped)
            list += (list.empty() ? "" : ", ") + runLine(table.runs[i]);
        result.notes.push_back("left out the " + std::to_string(result.dropped.size()) +
                               " run(s) with the highest loss: " + list);
    }

    Problem prob;
    prob.delta = options.huberDelta;
    prob.terms = form == LawForm::ParamsData ? 2 : 1;
    std::vector<double> z1, z2, ll;
    if (form == LawForm::ComputeFront) {
        // Every (C, loss) the runs report — final losses and loss-curve points at C = 6·N·t —
        // and the lower envelope of them: a point is on the frontier when no point at lower
        // or equal compute has a lower loss.
        std::vector<std::pair<double, double>> points;
        std::size_t curvePoints = 0;
        for (std::size_t i = 0; i < table.runs.size(); ++i) {
            if (!keep[i])
                continue;
            const ScalingRun& r = table.runs[i];
            result.used.push_back(i);
            points.emplace_back(r.compute, r.loss);
            for (const CurvePoint& c : r.curve) {
                points.emplace_back(6.0 * r.parameters * c.tokens, c.loss);
                ++curvePoints;
            }
        }
        std::sort(points.begin(), points.end());
        double best = INFINITY;
        for (const auto& [c, l] : points)
            if (l < best) {
                best = l;
                result.frontier.emplace_back(c, l);
            }
        for (const auto& [c, l] : result.frontier) {
            z1.push_back(std::log(c));
            ll.push_back(std::log(l));
        }
        result.notes.push_back("frontier: " + std::to_string(result.frontier.size()) + " of " +
                               std::to_string(points.size()) + " (compute, loss) points (" +
                               std::to_string(curvePoints) +
                               " from loss curves) have the lowest loss so far");
        if (result.frontier.size() < minimumRuns(form) || distinct(z1) < 3)
            throw ScalingDataError(
                need + " points on the compute frontier with 3 distinct budgets; the runs give " +
                std::to_string(result.frontier.size()) + " (add runs at more budgets, or loss curves)");
    } else {
        std::vector<double> ns, ds;
        std::size_t offRatio = 0;
        for (std::size_t i = 0; i < table.runs.size(); ++i) {
            if (!keep[i])
                continue;
            const ScalingRun& r = table.runs[i];
            if (form == LawForm::Params) {
                const double ratio = r.tokens / r.parameters;
                if (std::fabs(ratio / options.tokensPerParam - 1) > options.ratioTolerance) {
                    ++offRatio;
                    continue;
                }
            }
            result.used.push_back(i);
            z1.push_back(std::log(r.parameters));
            z2.push_back(std::log(r.tokens));
            ll.push_back(std::log(r.loss));
            ns.push_back(r.parameters);
            ds.push_back(r.tokens);
        }
        if (form == LawForm::Params) {
            if (offRatio > 0)
                result.notes.push_back(std::to_string(offRatio) + " run(s) left out: D/N outside " +
                                       formatFixed(options.tokensPerParam, 1) + " ± " +
                                       formatFixed(options.ratioTolerance * 100, 0) + " %");
            if (result.used.size() < minimumRuns(form) || distinct(ns) < 3)
                throw ScalingDataError(need + " runs at D/N ≈ " + formatFixed(options.tokensPerParam, 1) +
                                       " (± " + formatFixed(options.ratioTolerance * 100, 0) +
                                       " %) with 3 distinct sizes; the table has " +
                                       std::to_string(result.used.size()) +
                                       " there (widen --ratio-tolerance or pick --tokens-per-param)");
        } else if (result.used.size() < minimumRuns(form) || distinct(ns) < 3 || distinct(ds) < 3) {
            throw ScalingDataError(
                need + " runs with at least 3 distinct N and 3 distinct D; the table gives " +
                std::to_string(result.used.size()) + " runs, " + std::to_string(distinct(ns)) +
                " distinct N, " + std::to_string(distinct(ds)) + " distinct D");
        }
    }
    const auto n = static_cast<Eigen::Index>(z1.size());
    prob.z1 = Eigen::Map<const Eigen::ArrayXd>(z1.data(), n);
    prob.logLoss = Eigen::Map<const Eigen::ArrayXd>(ll.data(), n);
    if (prob.terms == 2)
        prob.z2 = Eigen::Map<const Eigen::ArrayXd>(z2.data(), n);

    // Grid of starts: each start is independent, so they run in parallel; the best objective
    // wins, ties going to the earlier start.
    const auto starts = grid(prob.terms);
    std::vector<Minimum> minima(starts.size());
    const double gridShare =
        options.bootstrap == 0
            ? 1.0
            : static_cast<double>(starts.size()) / static_cast<double>(starts.size() + options.bootstrap);
    parallelFor(
        starts.size(), options.threads,
        [&](std::size_t i) { minima[i] = minimise(prob, starts[i].data(), false); }, progress, 0.0, gridShare,
        "grid start");
    std::size_t best = 0;
    for (std::size_t i = 0; i < minima.size(); ++i) {
        result.startsConverged += minima[i].converged();
        if (minima[i].f < minima[best].f)
            best = i;
    }
    if (!std::isfinite(minima[best].f))
        throw ScalingDataError(
            "no start of the L-BFGS grid reached a finite objective; the runs cannot be fitted");
    for (const Minimum& m : minima)
        result.startsAtBest += std::fabs(m.f - minima[best].f) <= 1e-6 * std::fabs(minima[best].f) + 1e-15;
    Minimum opt = minimise(prob, minima[best].x.data(), true);
    if (!(opt.f <= minima[best].f))
        opt = minima[best];
    result.starts = starts.size();
    result.objective = opt.f;

    ScalingLaw& law = result.law;
    law.form = form;
    law.params = toLaw(opt.x, prob.terms);
    law.paramCount = table.paramCount;
    law.tokensPerParam = form == LawForm::Params ? options.tokensPerParam : 0;
    law.runs = result.used.size();
    law.source = table.source;
    law.name = "fit";
    law.bootstrapSeed = options.seed;

    // Residuals of the point fit.
    double ss = 0;
    for (std::size_t i = 0; i < z1.size(); ++i) {
        const double x = std::exp(z1[i]);
        const double y = prob.terms == 2 ? std::exp(z2[i]) : 0.0;
        const double r = ll[i] - std::log(lawLoss(form, law.params, x, y));
        result.residuals.push_back(r);
        ss += r * r;
        result.maxAbsLogResidual = std::max(result.maxAbsLogResidual, std::fabs(r));
    }
    result.rmsLogResidual = std::sqrt(ss / static_cast<double>(n));

    // Bootstrap: resample the fitted points with replacement and refit from the point estimate
    // (as Besiroglu et al. 2024 refit each resample from one start).
    std::vector<std::optional<LawParams>> samples(options.bootstrap);
    parallelFor(
        options.bootstrap, options.threads,
        [&](std::size_t r) {
            SplitMix64 rng{options.seed ^ (0xD1B54A32D192ED03ull * (r + 1))};
            Problem rp;
            rp.terms = prob.terms;
            rp.delta = prob.delta;
            rp.z1.resize(n);
            rp.logLoss.resize(n);
            if (prob.terms == 2)
                rp.z2.resize(n);
            for (Eigen::Index i = 0; i < n; ++i) {
                const auto k = static_cast<Eigen::Index>(rng.below(static_cast<std::size_t>(n)));
                rp.z1[i] = prob.z1[k];
                rp.logLoss[i] = prob.logLoss[k];
                if (prob.terms == 2)
                    rp.z2[i] = prob.z2[k];
            }
            const Minimum m = minimise(rp, opt.x.data(), true);
            const LawParams p = toLaw(m.x, prob.terms);
            if (std::isfinite(m.f) && std::isfinite(p.A) && std::isfinite(p.B) && std::isfinite(p.E) &&
                std::isfinite(p.alpha) && std::isfinite(p.beta))
                samples[r] = p;
        },
        progress, gridShare, 1.0 - gridShare, "bootstrap resample");
    for (const auto& s : samples) {
        if (s)
            law.bootstrap.push_back(*s);
        else
            ++result.bootstrapFailed;
    }

    auto column = [&](double LawParams::*member) {
        std::vector<double> v;
        v.reserve(law.bootstrap.size());
        for (const LawParams& p : law.bootstrap)
            v.push_back(p.*member);
        return v;
    };
    const double c = options.confidence;
    result.parameters.push_back({"E", estimate(law.params.E, column(&LawParams::E), c)});
    result.parameters.push_back({"A", estimate(law.params.A, column(&LawParams::A), c)});
    if (prob.terms == 2)
        result.parameters.push_back({"B", estimate(law.params.B, column(&LawParams::B), c)});
    result.parameters.push_back({"alpha", estimate(law.params.alpha, column(&LawParams::alpha), c)});
    if (prob.terms == 2)
        result.parameters.push_back({"beta", estimate(law.params.beta, column(&LawParams::beta), c)});
    if (result.bootstrapFailed > 0)
        result.notes.push_back(
            std::to_string(result.bootstrapFailed) +
            " bootstrap resample(s) did not reach a finite fit and are left out of the intervals");
    if (progress != nullptr)
        progress->report(1.0, "done");
    return result;
}

} // namespace llamascope
