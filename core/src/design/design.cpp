// The designer: SPEC §10, docs/design-guide.md. The search is exhaustive over
// (head_dim, hidden, tie, layers); for a fixed (head_dim, hidden, tie) every target metric
// and the parameter count grow with the layer count, which is what lets binary searches
// replace a scan without skipping any shape that could rank.

#include "llamascope/design.hpp"

#include "llamascope/errors.hpp"
#include "llamascope/format.hpp"
#include "llamascope/metrics.hpp"
#include "llamascope/model_types.hpp"
#include "llamascope/params.hpp"
#include "llamascope/validate.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>
#include <stdexcept>
#include <tuple>
#include <unordered_map>

namespace llamascope {

std::string_view toString(DesignTargetKind k)
{
    switch (k) {
    case DesignTargetKind::Params: return "params";
    case DesignTargetKind::ForwardFlops: return "flops";
    case DesignTargetKind::TrainingMemory: return "memory";
    case DesignTargetKind::Compute: return "compute";
    }
    return "params";
}

const EnumTable<FfnRule>& ffnRuleTable()
{
    static const EnumTable<FfnRule> table({
        {FfnRule::Ratio,
         "ratio",
         "every multiple of the FFN multiple within the FFN ratio × hidden ± the FFN tolerance",
         {}},
        {FfnRule::Llama, "llama", "LLaMA's rounding: multiple_of · ceil(floor(2·4d/3) / multiple_of)", {}},
    });
    return table;
}

const EnumTable<TieMode>& tieModeTable()
{
    static const EnumTable<TieMode> table({
        {TieMode::Either, "either", "try both; tied embeddings preferred below 1B parameters", {}},
        {TieMode::Tied, "tied", "lm_head shares the token embedding (tie_word_embeddings: true)", {}},
        {TieMode::Untied, "untied", "lm_head is its own matrix (tie_word_embeddings: false)", {}},
    });
    return table;
}

const EnumTable<DesignRanking>& designRankingTable()
{
    static const EnumTable<DesignRanking> table({
        {DesignRanking::Published,
         "published",
         "near the shapes released models use at this size (core/data/published_models.json)",
         {}},
        {DesignRanking::FamilyTrend, "family-trend", "near the bundled family's N/L trend line", {}},
    });
    return table;
}

std::string_view toString(DesignRanking r)
{
    return designRankingTable().name(r);
}

std::string_view toString(FfnRule r)
{
    return ffnRuleTable().name(r);
}

std::string_view toString(TieMode t)
{
    return tieModeTable().name(t);
}

void checkConstraints(const DesignConstraints& c)
{
    auto need = [](bool ok, const std::string& what) {
        if (!ok)
            throw InvalidArgument(what);
    };
    need(!c.headDims.empty(), "at least one head_dim is needed");
    for (Count h : c.headDims)
        need(h >= 1 && h <= 4096, "head_dim " + std::to_string(h) + " is outside 1..4096");
    need(c.hiddenMultiple >= 1 && c.hiddenMultiple <= 65536, "hidden multiple must be in 1..65536");
    need(c.minHidden >= 1 && c.minHidden <= c.maxHidden, "hidden range must satisfy 1 <= min <= max");
    need(c.maxHidden <= 1'048'576, "maximum hidden size is 1048576");
    need(c.ffnMultiple >= 1 && c.ffnMultiple <= 65536, "FFN multiple must be in 1..65536");
    need(std::isfinite(c.ffnRatio) && c.ffnRatio > 0 && c.ffnRatio <= 64, "FFN ratio must be in (0, 64]");
    need(std::isfinite(c.ffnTolerance) && c.ffnTolerance >= 0 && c.ffnTolerance < 0.5,
         "FFN ratio tolerance must be in [0, 0.5)");
    need(c.extraFfnRatios.size() <= 16, "at most 16 FFN ratios");
    for (double r : c.extraFfnRatios)
        need(std::isfinite(r) && r > 0 && r <= 64, "FFN ratio must be in (0, 64]");
    need(c.kvHeadChoices.size() <= 16, "at most 16 kv head choices");
    for (Count k : c.kvHeadChoices)
        need(k <= 65536, "kv heads must be in 0..65536 (0: one per head)");
    need(c.attentionWidths.size() <= 8, "at most 8 attention widths");
    for (const AttentionWidth& w : c.attentionWidths)
        need(w.headDim >= 1 && w.headDim <= 4096 && std::isfinite(w.ratio) && w.ratio > 0 && w.ratio <= 16,
             "attention widths need a head_dim in 1..4096 and a ratio in (0, 16]");
    need(c.kvGroupChoices.size() <= 16, "at most 16 kv group sizes");
    for (Count g : c.kvGroupChoices)
        need(g >= 2 && g <= 65536, "query heads per kv head must be in 2..65536");
    if (c.nlBand)
        need(std::isfinite(c.nlBand->low) && std::isfinite(c.nlBand->high) && c.nlBand->low > 0 &&
                 c.nlBand->low <= c.nlBand->high,
             "N/L band must satisfy 0 < low <= high");
    need(c.minLayers >= 1 && c.minLayers <= c.maxLayers, "layer range must satisfy 1 <= min <= max");
    need(c.maxLayers <= 10'000, "maximum layer count is 10000");
    if (c.kvHeads)
        need(*c.kvHeads >= 1, "kv heads must be at least 1");
    need(c.vocab >= 1 && c.vocab <= 100'000'000, "vocab must be in 1..100000000");
    need(c.context >= 1 && c.context <= 100'000'000, "context length must be in 1..100000000");
    if (c.tolerance)
        need(std::isfinite(*c.tolerance) && *c.tolerance > 0 && *c.tolerance < 1,
             "tolerance must be in (0, 1)");
}

namespace {

/// The intermediate sizes the FFN rule allows at width d, ascending.
std::vector<Count> ffnSizes(const DesignConstraints& c, Count d)
{
    const Count m = c.ffnMultiple;
    if (c.ffnRule == FfnRule::Llama) {
        // LLaMA's FeedForward(dim, hidden_dim=4·dim, multiple_of): int(2·hidden_dim/3), rounded up.
        const Count hidden = Count{8} * d / 3;
        return {m * ((hidden + m - 1) / m)};
    }
    std::vector<Count> out;
    auto add = [&](double ratio) {
        const double centre = ratio * static_cast<double>(d);
        if (c.ffnTolerance <= 0) {
            out.push_back(
                m * std::max<Count>(1, static_cast<Count>(std::llround(centre / static_cast<double>(m)))));
            return;
        }
        const auto lo = static_cast<Count>(std::ceil(centre * (1 - c.ffnTolerance) / static_cast<double>(m)));
        const auto hi =
            static_cast<Count>(std::floor(centre * (1 + c.ffnTolerance) / static_cast<double>(m)));
        for (Count k = std::max<Count>(1, lo); k <= hi; ++k)
            out.push_back(k * m);
    };
    add(c.ffnRatio);
    for (double r : c.extraFfnRatios)
        add(r);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

/// The ratio rule's targets: ffnRatio and the extra ones.
std::vector<double> ffnRatiosOf(const DesignConstraints& c)
{
    std::vector<double> out{c.ffnRatio};
    out.insert(out.end(), c.extraFfnRatios.begin(), c.extraFfnRatios.end());
    return out;
}

/// Released models widen their hidden-size step with scale (Qwen2.5-7B 3584 = 14·256,
/// LLaMA-33B 6656 = 26·256; below 2B 576, 960, 1600 are multiples of 64 only).
Count scaleMultiple(double params)
{
    return params >= 20e9 ? 256 : params >= 2e9 ? 128 : 1; // 1: the constraint's own multiple
}

/// The K values searched for each width (0: K = H).
std::vector<Count> kvChoices(const DesignConstraints& c, bool sizeKnown, double params)
{
    if (c.kvHeads)
        return {*c.kvHeads};
    if (!c.kvHeadChoices.empty())
        return c.kvHeadChoices;
    // Llama 2 70B and Llama 3 use 8 kv heads; below 1B most releases are multi-head.
    if (sizeKnown && params >= 1e9)
        return {0, 8};
    return {0};
}

/// How many (head_dim, width, ffn, tie) families the constraints span, without listing them.
double familyCount(const DesignConstraints& c)
{
    double total = 0;
    const double ties = c.tie == TieMode::Either ? 2 : 1;
    for (Count h : std::set<Count>(c.headDims.begin(), c.headDims.end())) {
        // checkConstraints() keeps both factors >= 1, so the step is too (said for the analyzer).
        const Count step = std::max<Count>(1, std::lcm(c.hiddenMultiple, h));
        for (Count d = (c.minHidden + step - 1) / step * step; d <= c.maxHidden; d += step) {
            if (c.ffnRule == FfnRule::Llama || c.ffnTolerance <= 0) {
                total += ties;
                continue;
            }
            for (double r : ffnRatiosOf(c)) {
                const double centre = r * static_cast<double>(d) / static_cast<double>(c.ffnMultiple);
                const double sizes = std::floor(centre * (1 + c.ffnTolerance)) -
                                     std::max(1.0, std::ceil(centre * (1 - c.ffnTolerance))) + 1;
                total += ties * std::max(0.0, sizes);
            }
        }
    }
    // Each attention width can add a head count per width.
    return total * static_cast<double>(1 + c.attentionWidths.size());
}

/// Widths of the form m·2^k with odd m <= 15 tile evenly on every accelerator and split
/// into power-of-two tensor-parallel groups (1280 = 5·256, 4608 = 9·512; not 1344 = 21·64).
bool roundWidth(Count d)
{
    Count m = d;
    while (m % 2 == 0)
        m /= 2;
    return m <= 15;
}

/// Released depths are even, and most are multiples of 8: of the 78 dense models of the data
/// set, 52 have L ≡ 0 (mod 8), 14 L ≡ 4 (mod 8), 12 L ≡ 2 (mod 4) and none an odd L (pipeline
/// stages and the habit of round numbers). Each factor of 2 missing below 8 costs this much.
constexpr double kDepthStep = 0.3;

double depthPenalty(Count L)
{
    int twos = 0;
    for (Count l = L; l % 2 == 0 && twos < 3; l /= 2)
        ++twos;
    return kDepthStep * (3 - twos);
}

/// Published widths are mostly a small odd number times a power of two: of the 78, 34 are powers
/// of two (2048, 4096), 27 have an odd part of 3 or 5 (3072, 5120), 11 of 7 or 9 (3584, 4608)
/// and 6 more (960, 1600, 6656, …). The cost grows with log2 of the odd part m (d = m·2^k):
/// 0 for 4096, 0.32 for 3072, 0.46 for 5120, 0.56 for 3584, 0.78 for 1920. roundWidth()'s
/// penalty comes on top above m = 15.
constexpr double kWidthOddStep = 0.2;

double widthPenalty(Count d)
{
    Count m = d;
    while (m % 2 == 0)
        m /= 2;
    return kWidthOddStep * std::log2(static_cast<double>(m)) + (roundWidth(d) ? 0.0 : 0.5);
}

/// The head_dim the shape score prefers at width d: the smallest allowed one that keeps the
/// head count at or below 32 (LLaMA-7B: 4096/128; llama_1b: 2048/64), else the largest.
Count preferredHeadDim(Count d, const std::vector<Count>& dims)
{
    Count best = 0, largest = 0;
    for (Count h : dims) {
        if (d % h != 0)
            continue;
        largest = std::max(largest, h);
        if (d / h <= 32 && (best == 0 || h < best))
            best = h;
    }
    return best != 0 ? best : largest;
}

/// A shape under consideration, before it becomes a ModelConfig.
struct Shape {
    Count d = 0, L = 0, h = 0, H = 0, K = 0, f = 0;
    bool tied = false;
    Count params = 0;
    double metric = 0;
    double error = 0;
    bool onTarget = false;
    double shape = 0;
    double rankError = 0; ///< 0 on target, else |error|
    NlBand band;
    double center = 0;
    double prior = 0;
};

bool ranksBefore(const Shape& a, const Shape& b)
{
    return std::tie(a.rankError, a.shape, a.d, a.L, a.h, a.tied, a.K, a.f) <
           std::tie(b.rankError, b.shape, b.d, b.L, b.h, b.tied, b.K, b.f);
}

/// The FFN ratio share by size (Search::ratiosCostAt): the prior's size bandwidth, the share
/// every allowed ratio gets whatever the members use, the ratios counted as one and the weight
/// of −ln share in the FFN term (in units of 5 % distance from a ratio).
constexpr double kMemberSizeBandwidth = 0.5;
constexpr double kCommonRatioShare = 0.5;
constexpr double kSameRatio = 0.04;
constexpr double kRatioShareWeight = 0.5;
/// The score at the edge of the tolerance (publishedScore()).
constexpr double kMissWeight = 0.3;

/// Validating candidates (requireClean) may skip this many before giving up.
constexpr std::size_t kMaxValidations = 256;

/// Candidates gathered so far. Once enough are on target, off-target shapes cannot be
/// reached by the final walk (which validates at most kMaxValidations) and are not kept.
struct Pool {
    std::vector<Shape> shapes;
    std::size_t onTarget = 0;
    std::size_t enough = 0; ///< topK + kMaxValidations

    void add(const Shape& x)
    {
        if (!x.onTarget && onTarget >= enough)
            return;
        onTarget += x.onTarget;
        shapes.push_back(x);
    }
};

struct Search {
    const DesignTarget& target;
    const DesignConstraints& cons;
    DesignTargetKind kind;
    double value;
    double tolerance;
    NlTrend trend;
    std::size_t topK;
    /// Published ranking: one prior per 5 % step of size (a parameter target needs one or two;
    /// a FLOP or memory target meets its sizes as the search goes).
    mutable std::map<long, ShapePrior> priors;
    /// ShapePrior::distance by (size step, d, L): FFN, kv and tying variants share it.
    mutable std::unordered_map<std::uint64_t, double> distances;
    bool autoKv = false;             ///< the kv choices are the size defaults
    bool sizeKnown = false;          ///< parameter or compute target: `value` is N
    std::vector<double> ratios = {}; ///< ffnRatiosOf(cons)
    /// A --like preset's members (its family without the excluded model): ln of their body
    /// size and their FFN ratio (a GELU/ReLU MLP's f/d as 2/3 of it, as constraintsLike counts it).
    std::vector<std::pair<double, double>> members = {};
    Count likeHidden = 0, likeLayers = 0; ///< DesignConstraints::likeModel's shape
    /// By size step: −ln of each allowed FFN ratio's share among the members near that size,
    /// less the smallest (ratiosCostAt()).
    mutable std::map<long, std::vector<double>> ratioCosts = {};

    void loadMembers()
    {
        if (const PublishedModel* m = cons.likeModel.empty() ? nullptr : findPublishedModel(cons.likeModel)) {
            likeHidden = m->hidden;
            likeLayers = m->layers;
        }
        if (cons.preferFamily.empty() || cons.ffnRule != FfnRule::Ratio)
            return;
        for (const PublishedModel& m : publishedModels()) {
            if (m.family != cons.preferFamily || m.name == cons.excludeModel || m.experts > 0)
                continue;
            const ParameterCounts p = countParameters(publishedConfig(m));
            const auto bodyCount = static_cast<double>(p.total - p.embedding - p.lmHead - p.positionTable);
            const double f = static_cast<double>(m.intermediate) * (m.gated() ? 1.0 : 2.0 / 3.0);
            members.emplace_back(std::log(bodyCount), f / static_cast<double>(m.hidden));
        }
    }

    /// Which FFN ratio a family uses changes with size (Llama 2: 2.7 at 7B and 13B, 3.5 at 70B;
    /// Gemma 2: 4 at 2B and 9B, 8 at 27B). Each allowed ratio r gets the members within 4 % of
    /// it, weighted by size as the prior weighs them (exp(−(ln N − ln N_i)² / (2·0.5²))), plus a
    /// common share of kCommonRatioShare of the total weight, so the common ratios (8/3, 3.5,
    /// 4) and ratios only distant members use stay open; the cost is −ln of the share, 0 for
    /// the ratio with the most weight.
    [[nodiscard]] const std::vector<double>& ratiosCostAt(double bodyParams) const
    {
        const long key = sizeStep(bodyParams);
        if (const auto it = ratioCosts.find(key); it != ratioCosts.end())
            return it->second;
        const double x = static_cast<double>(key) * 0.05;
        std::vector<double> w;
        double total = 0;
        for (const auto& [logN, ratio] : members) {
            const double dx = (x - logN) / kMemberSizeBandwidth;
            w.push_back(std::exp(-0.5 * dx * dx));
            total += w.back();
        }
        std::vector<double> cost;
        for (double r : ratios) {
            double share = kCommonRatioShare * total;
            for (std::size_t i = 0; i < members.size(); ++i)
                if (std::fabs(members[i].second - r) <= kSameRatio * r)
                    share += w[i];
            cost.push_back(-std::log(std::max(share, 1e-300)));
        }
        const double least = *std::min_element(cost.begin(), cost.end());
        for (double& c : cost)
            c -= least;
        return ratioCosts.emplace(key, std::move(cost)).first->second;
    }

    [[nodiscard]] bool published() const { return cons.ranking == DesignRanking::Published; }
    [[nodiscard]] static long sizeStep(double params)
    {
        return std::lround(std::log(std::max(params, 1.0)) / 0.05);
    }
    [[nodiscard]] double priorDistance(double bodyParams, Count d, Count L) const
    {
        const auto key = (static_cast<std::uint64_t>(sizeStep(bodyParams)) << 44) ^
                         (static_cast<std::uint64_t>(d) << 20) ^ static_cast<std::uint64_t>(L);
        if (const auto it = distances.find(key); it != distances.end())
            return it->second;
        const double v = priorAt(bodyParams).distance(d, L);
        distances.emplace(key, v);
        return v;
    }
    [[nodiscard]] const ShapePrior& priorAt(double params) const
    {
        const long key = sizeStep(params);
        auto it = priors.find(key);
        if (it == priors.end())
            it = priors
                     .emplace(key, ShapePrior(std::exp(static_cast<double>(key) * 0.05), cons.preferFamily,
                                              cons.excludeModel))
                     .first;
        return it->second;
    }

    [[nodiscard]] bool isMemory() const { return kind == DesignTargetKind::TrainingMemory; }
    [[nodiscard]] double lowBound() const { return value * (1 - tolerance); }
    [[nodiscard]] double highBound() const { return isMemory() ? value : value * (1 + tolerance); }

    [[nodiscard]] double metric(const ModelConfig& c, Count params) const
    {
        switch (kind) {
        case DesignTargetKind::Params:
        case DesignTargetKind::Compute: return static_cast<double>(params);
        case DesignTargetKind::ForwardFlops: {
            const Count T = target.flopSeqLen > 0 ? target.flopSeqLen : c.contextLength;
            const FlopOptions o{T, AttentionMask::Causal};
            if (target.convention == FlopConventionId::Exact)
                return static_cast<double>(exactMatmulFlops(c, o).total()) / static_cast<double>(T);
            return computeFlops(c, o).get(target.convention).forwardPerToken;
        }
        case DesignTargetKind::TrainingMemory:
            return static_cast<double>(estimateMemory(c, target.memory).totalBytes());
        }
        return 0;
    }

    /// The search band: explicit, else the published range at this size widened by ×1.5 each
    /// way and joined with the family trend's band (Published), else the trend's band.
    [[nodiscard]] NlBand bandAt(double params, Count d, bool tied) const
    {
        if (cons.nlBand)
            return *cons.nlBand;
        if (published()) {
            // The bundled family's band joins the published range: it reaches down to 9M,
            // below the smallest release in the data set (Pythia-70M).
            const NlBand r = priorAt(body(params, d, tied)).range();
            const NlBand t = trend.band(params);
            return {std::min(r.low / 1.5, t.low), std::max(r.high * 1.5, t.high)};
        }
        return trend.band(params);
    }
    [[nodiscard]] double centerAt(double params, Count d, bool tied) const
    {
        if (cons.nlBand)
            return std::sqrt(cons.nlBand->low * cons.nlBand->high);
        return published() ? priorAt(body(params, d, tied)).center() : trend.center(params);
    }
    /// Parameters outside the embeddings (Kaplan et al. 2020's N): the prior compares bodies,
    /// so a 128k vocabulary does not make a 1B model look like a 1.3B one.
    [[nodiscard]] double body(double params, Count d, bool tied) const
    {
        double outside = static_cast<double>(cons.vocab) * static_cast<double>(d) * (tied ? 1.0 : 2.0);
        if (cons.position == PositionType::Learned)
            outside += static_cast<double>(cons.context) * static_cast<double>(d);
        return std::max(params - outside, 0.01 * params);
    }
    [[nodiscard]] double bandHalfWidth() const
    {
        return cons.nlBand ? std::max(1e-9, 0.5 * std::log(cons.nlBand->high / cons.nlBand->low))
                           : std::max(1e-9, trend.halfWidth);
    }

    [[nodiscard]] double shapeScore(Shape& s) const
    {
        if (published())
            return publishedScore(s);
        const double nl = std::fabs(std::log(static_cast<double>(s.d) / static_cast<double>(s.L)) -
                                    std::log(centerAt(static_cast<double>(s.params), s.d, s.tied))) /
                          bandHalfWidth();
        const double ratio = static_cast<double>(s.f) / static_cast<double>(s.d);
        const double ffn = std::fabs(ratio - kSwiGluRatio) / (0.05 * kSwiGluRatio);
        const double head = s.h == preferredHeadDim(s.d, cons.headDims) ? 0.0 : 0.5;
        const double tie = (s.tied && cons.tie == TieMode::Either) ? 0.25 : 0.0;
        const double width = roundWidth(s.d) ? 0.0 : 0.5;
        return nl + ffn + head + tie + width;
    }

    /// docs/design-guide.md "Shape score": the prior's distance, half the FFN's distance from
    /// the nearest allowed ratio in 5 % steps, the head_dim and width penalties, quarter points
    /// for the choices released models make at this size, and 0.3 at the tolerance's edge.
    [[nodiscard]] double publishedScore(Shape& s) const
    {
        const auto n = static_cast<double>(s.params);
        const double ratio = static_cast<double>(s.f) / static_cast<double>(s.d);
        const double bodyN = body(n, s.d, s.tied);
        s.prior = priorDistance(bodyN, s.d, s.L);
        double ffn = INFINITY;
        if (cons.ffnRule == FfnRule::Llama) {
            ffn = std::fabs(ratio - kSwiGluRatio) / (0.05 * kSwiGluRatio);
        } else {
            const std::vector<double>* share = members.empty() ? nullptr : &ratiosCostAt(bodyN);
            for (std::size_t i = 0; i < ratios.size(); ++i)
                ffn = std::min(ffn, std::fabs(ratio - ratios[i]) / (0.05 * ratios[i]) +
                                        (share != nullptr ? kRatioShareWeight * (*share)[i] : 0.0));
        }
        ffn *= 0.5; // the prior already places the depth the FFN leads to
        const double head = s.h == preferredHeadDim(s.d, cons.headDims) ? 0.0 : 0.5;
        // Tied below 1B (Qwen2.5-0.5B, SmolLM, MobileLLM, Llama-3.2-1B), untied above.
        const bool small = n < 1e9;
        const double tie = cons.tie == TieMode::Either && s.tied != small ? 0.25 : 0.0;
        const double kv = autoKv && !small && s.K == s.H ? 0.25 : 0.0;
        // A --like model's own width and depth are what it asks for, round or not.
        const double round =
            (s.d == likeHidden ? 0.0 : widthPenalty(s.d)) + (s.L == likeLayers ? 0.0 : depthPenalty(s.L));
        // Within the tolerance every shape is on target, but a practitioner asked for N takes
        // the shape nearest N: the edge of the tolerance costs kMissWeight.
        const double miss = kMissWeight * std::fabs(s.error) / tolerance;
        return s.prior + ffn + head + tie + kv + round + miss;
    }
};

ModelConfig baseConfig(const DesignConstraints& c)
{
    ModelConfig base = ModelConfig::defaults(c.modelType);
    base.name = "llama";
    base.hiddenSize = 64;
    base.numHiddenLayers = 1;
    base.numAttentionHeads = 1;
    base.numKeyValueHeads = 1;
    base.headDim = 64;
    base.intermediateSize = 64;
    base.vocabSize = c.vocab;
    base.contextLength = c.context;
    base.contextSource = ContextSource::MaxPositionEmbeddings;
    base.positionType = c.position;
    base.original = nullptr;
    return base;
}

void applyShape(ModelConfig& c, const Shape& s)
{
    c.hiddenSize = s.d;
    c.numHiddenLayers = s.L;
    c.numAttentionHeads = s.H;
    c.numKeyValueHeads = s.K;
    c.headDim = s.h;
    c.intermediateSize = s.f;
    c.tieWordEmbeddings = s.tied;
}

/// First L in [lo, hi] where `pred` holds, for a predicate false...false true...true;
/// hi + 1 when it never holds.
template <typename Pred>
Count firstTrue(Count lo, Count hi, Pred pred)
{
    Count a = lo, b = hi + 1;
    while (a < b) {
        const Count mid = a + (b - a) / 2;
        if (pred(mid))
            b = mid;
        else
            a = mid + 1;
    }
    return a;
}

std::string percent(double x)
{
    return (x >= 0 ? "+" : "−") + formatFixed(std::fabs(x) * 100, 2) + "%";
}

std::string achievedText(DesignTargetKind kind, double v)
{
    switch (kind) {
    case DesignTargetKind::Params:
    case DesignTargetKind::Compute: return formatShort(v) + " params";
    case DesignTargetKind::ForwardFlops: return formatShort(v) + " FLOP/token forward";
    case DesignTargetKind::TrainingMemory: return formatBytes(v) + " in training";
    }
    return formatShort(v);
}

std::string reasonFor(const Search& s, const Shape& x, const DesignConstraints& c)
{
    std::string r = achievedText(s.kind, x.metric) + " (" + percent(x.error) +
                    (x.onTarget ? ", on target" : ", off target") + "); ";
    if (s.kind != DesignTargetKind::Params && s.kind != DesignTargetKind::Compute)
        r += formatShort(static_cast<double>(x.params)) + " params; ";
    const double nl = static_cast<double>(x.d) / static_cast<double>(x.L);
    r += "d=" + std::to_string(x.d) + (roundWidth(x.d) ? "" : " (not a round width)") +
         " L=" + std::to_string(x.L) + " N/L " + formatFixed(nl, 1) + " (trend " + formatFixed(x.center, 1) +
         ", band " + formatFixed(x.band.low, 0) + "–" + formatFixed(x.band.high, 0) + "); ";
    r += std::to_string(x.H) + " heads × " + std::to_string(x.h);
    if (x.H * x.h != x.d)
        r += " (attention " + std::to_string(x.H * x.h) + " wide)";
    if (x.K != x.H)
        r += ", " + std::to_string(x.K) + " kv heads";
    r += x.h == preferredHeadDim(x.d, c.headDims) ? "" : " (not the preferred head_dim)";
    r += "; FFN " + std::to_string(x.f) + " = " +
         formatFixed(static_cast<double>(x.f) / static_cast<double>(x.d), 2) + "·d (" +
         (c.ffnRule == FfnRule::Llama ? "LLaMA multiple_of " + std::to_string(c.ffnMultiple)
                                      : "multiple of " + std::to_string(c.ffnMultiple)) +
         "); ";
    r += x.tied ? "tied embeddings" : "untied embeddings";
    if (s.published())
        r += "; prior distance " + formatFixed(x.prior, 2);
    return r;
}

std::string fileStemFor(const Search& s, const Shape& x)
{
    // Named by size: the size the user asked for when on target (3 digits, "125m"), else the
    // size it has (2 digits, "2.9b").
    if (x.onTarget && s.kind == DesignTargetKind::Params)
        return std::string(modelTypeInfo(s.cons.modelType).key) + "_" + sizeLabel(s.value, 3);
    return std::string(modelTypeInfo(s.cons.modelType).key) + "_" + sizeLabel(static_cast<double>(x.params));
}

/// Parameters and the target metric of one family as functions of the layer count. Both are
/// affine in L (every term is per-layer × L or independent of L), so two evaluations of the
/// core functions give all of them; makeCandidate() re-evaluates each reported shape exactly.
struct Family {
    Count params1 = 0, paramsStep = 0;
    double metric1 = 0, metricStep = 0;

    Family(const Search& s, ModelConfig& cfg)
    {
        cfg.numHiddenLayers = 1;
        params1 = countParameters(cfg).total;
        metric1 = s.metric(cfg, params1);
        cfg.numHiddenLayers = 2;
        const Count params2 = countParameters(cfg).total;
        paramsStep = params2 - params1;
        metricStep = s.metric(cfg, params2) - metric1;
    }
    [[nodiscard]] Count params(Count L) const
    {
        return addChecked(params1, mulChecked(L - 1, paramsStep, "parameters"), "parameters");
    }
    [[nodiscard]] double metric(Count L) const { return metric1 + static_cast<double>(L - 1) * metricStep; }
};

/// Appends to `pool` every layer count of one (head_dim, hidden, ffn, tie) family that could
/// rank; returns the family's smallest admissible metric (its shallowest allowed shape).
double searchFamily(const Search& s, ModelConfig& cfg, const Shape& proto, Pool& pool, Count& evaluated,
                    double& minMetric, double& maxMetric)
{
    const Family fam(s, cfg);
    Count lo = s.cons.minLayers, hi = s.cons.maxLayers;
    const double d = static_cast<double>(proto.d);
    if (s.cons.useNlBand) {
        // d/L falls and the band rises with L, so the band admits an interval of layer counts.
        lo = firstTrue(lo, hi, [&](Count L) {
            return d / static_cast<double>(L) <=
                   s.bandAt(static_cast<double>(fam.params(L)), proto.d, proto.tied).high;
        });
        const Count past = firstTrue(lo, hi, [&](Count L) {
            return d / static_cast<double>(L) <
                   s.bandAt(static_cast<double>(fam.params(L)), proto.d, proto.tied).low;
        });
        hi = past - 1;
    }
    if (lo > hi)
        return fam.metric(std::min(lo, s.cons.maxLayers));
    const double shallowest = fam.metric(lo);
    minMetric = std::min(minMetric, shallowest);
    maxMetric = std::max(maxMetric, fam.metric(hi));
    const Count inLo = firstTrue(lo, hi, [&](Count L) { return fam.metric(L) >= s.lowBound(); });
    const Count inHi = firstTrue(inLo, hi, [&](Count L) { return fam.metric(L) > s.highBound(); });
    const auto k = static_cast<Count>(s.topK);
    const Count from = std::max(lo, inLo - k);
    const Count to = std::min(s.isMemory() ? inHi - 1 : hi, inHi + k - 1);
    for (Count L = from; L <= to; ++L) {
        Shape x = proto;
        x.L = L;
        x.params = fam.params(L);
        x.metric = fam.metric(L);
        ++evaluated;
        x.error = (x.metric - s.value) / s.value;
        x.onTarget = x.metric >= s.lowBound() && x.metric <= s.highBound();
        x.rankError = x.onTarget ? 0.0 : std::fabs(x.error);
        x.band = s.bandAt(static_cast<double>(x.params), x.d, x.tied);
        x.center = s.centerAt(static_cast<double>(x.params), x.d, x.tied);
        x.shape = s.shapeScore(x);
        pool.add(x);
    }
    return shallowest;
}

/// Wider shapes only move the shallowest one further up: once even it overshoots and cannot
/// beat what the pool already holds (for a memory budget: once it does not fit), stop.
bool worthWidening(const Search& s, double shallowest, const Pool& pool)
{
    if (shallowest <= s.highBound())
        return true;
    if (s.isMemory())
        return false;
    if (pool.onTarget >= s.topK)
        return false; // everything wider is off target and ranks after them
    if (pool.shapes.size() < s.topK)
        return true;
    std::vector<double> errors;
    errors.reserve(pool.shapes.size());
    for (const Shape& x : pool.shapes)
        errors.push_back(x.rankError);
    std::nth_element(errors.begin(), errors.begin() + static_cast<std::ptrdiff_t>(s.topK - 1), errors.end());
    return (shallowest - s.value) / s.value <= errors[s.topK - 1];
}

/// The validator notes FFN ratios far from 8/3 on LLaMA configs (`ffn-ratio`); a ratio the
/// constraints ask for (Llama-3's 3.5, a --like preset's) is not a finding to drop it for.
bool askedFor(const Finding& f, const DesignConstraints& c)
{
    if (f.code != FindingCode::FfnRatio || c.ffnRule != FfnRule::Ratio)
        return false;
    for (double r : ffnRatiosOf(c))
        if (std::fabs(r - kSwiGluRatio) / kSwiGluRatio > 0.05)
            return true;
    return false;
}

/// Two shapes within one width step (64) and one layer of each other are the same shape up to
/// rounding (issue 15 counts a published shape as found when a row is that close), so a
/// shortlist row stands for its neighbours: five rows of one width at depths ±1 would show
/// one shape five times. The row `x` folds into, if any.
constexpr Count kFoldWidth = 64;
constexpr Count kFoldLayers = 1;
/// At most this many rows share a width, so the shortlist spreads over widths: at one size
/// released models cluster at two or three widths (1B: 2048 × 16, 2048 × 22, 1280 × 54).
constexpr std::size_t kMaxRowsPerWidth = 3;

DesignCandidate* foldsInto(std::vector<DesignCandidate>& rows, const Shape& x)
{
    for (DesignCandidate& r : rows)
        if (std::abs(r.config.hiddenSize - x.d) <= kFoldWidth &&
            std::abs(r.config.numHiddenLayers - x.L) <= kFoldLayers)
            return &r;
    return nullptr;
}

std::size_t rowsOfWidth(const std::vector<DesignCandidate>& rows, Count d)
{
    return static_cast<std::size_t>(std::count_if(
        rows.begin(), rows.end(), [&](const DesignCandidate& r) { return r.config.hiddenSize == d; }));
}

DesignCandidate makeCandidate(const Search& s, const Shape& x, const ModelConfig& base)
{
    DesignCandidate c;
    c.config = base;
    applyShape(c.config, x);
    // The search interpolated in L; what a candidate reports comes from the core functions.
    const Count params = countParameters(c.config).total;
    const double metric = s.metric(c.config, params);
    if (params != x.params || std::fabs(metric - x.metric) > 1e-9 * std::max(1.0, std::fabs(metric)))
        throw std::logic_error("designer: a target metric is not affine in the layer count");
    c.config.name = fileStemFor(s, x);
    c.fileName = c.config.name + ".json";
    c.parameters = x.params;
    c.achieved = x.metric;
    c.error = x.error;
    c.onTarget = x.onTarget;
    c.shapeScore = x.shape;
    c.widthPerLayer = static_cast<double>(x.d) / static_cast<double>(x.L);
    c.ffnRatio = static_cast<double>(x.f) / static_cast<double>(x.d);
    c.band = x.band;
    c.trendCenter = x.center;
    c.priorDistance = x.prior;
    if (const PublishedModel* like = nearestPublished(x.d, x.L, s.cons.excludeModel))
        c.neighbour = like->name + ": " + describeShape(*like);
    c.reason = reasonFor(s, x, s.cons);
    if (!c.neighbour.empty())
        c.reason += "; like " + c.neighbour;
    return c;
}

std::string describeMiss(const Search& s, const std::vector<Shape>& pool, double minMetric, double maxMetric)
{
    const std::string tol = formatFixed(s.tolerance * 100, 1) + "%";
    if (pool.empty())
        return "no shape satisfies the constraints (check kv heads against the head counts, the hidden and "
               "layer ranges, and the N/L band)";
    if (s.value < minMetric * (1 - s.tolerance))
        return "the target is below the smallest shape these constraints allow (" +
               achievedText(s.kind, minMetric) + "; with vocab " + std::to_string(s.cons.vocab) +
               " the embeddings alone are vocab·hidden per matrix): lower the vocabulary size, allow tied "
               "embeddings, lower the smallest hidden size or the hidden multiple, or widen the N/L band";
    if (s.value > maxMetric * (1 + s.tolerance))
        return "the target is above the largest shape these constraints allow (" +
               achievedText(s.kind, maxMetric) +
               "): raise the largest hidden size or layer count, or widen the "
               "N/L band";
    return "no shape lands within " + tol +
           " of the target under these constraints (sizes move in steps of one layer); the closest are "
           "listed — widen the tolerance, allow more head_dim values, or relax the N/L band";
}

} // namespace

DesignResult design(const DesignTarget& target, const DesignConstraints& constraints, std::size_t topK,
                    Progress* progress)
{
    checkConstraints(constraints);
    if (!std::isfinite(target.value) || target.value <= 0)
        throw InvalidArgument("the design target must be a positive, finite number");
    if (topK < 1)
        throw InvalidArgument("the number of candidates to keep must be at least 1");
    // The default space has about 85,000 families and is searched in milliseconds; a few
    // million still take seconds. Beyond that the constraints are almost certainly a typo.
    constexpr double kMaxFamilies = 4e6;
    if (const double families = familyCount(constraints); families > kMaxFamilies)
        throw InvalidArgument(
            "the constraints span " + formatShort(families) +
            " (head_dim, width, FFN, tie) families, more than the " + formatShort(kMaxFamilies) +
            " the designer searches; lower the largest hidden size, narrow the FFN tolerance or the "
            "head_dim choices, or raise the hidden multiple");
    DesignResult result;
    result.target = target;
    result.trend = familyNlTrend();
    result.searchKind = target.kind == DesignTargetKind::Compute ? DesignTargetKind::Params : target.kind;
    result.targetValue = target.value;
    if (target.kind == DesignTargetKind::Compute) {
        result.compute = chinchillaFromCompute(target.value);
        result.targetValue = result.compute->parameters;
    }
    result.tolerance =
        constraints.tolerance.value_or(target.kind == DesignTargetKind::TrainingMemory ? 0.05 : 0.01);
    if (target.kind == DesignTargetKind::TrainingMemory)
        (void)estimateMemory(ModelConfig::withShape(64, 1, 1, 64, 64, 64),
                             target.memory); // reject bad options early

    Search s{target, constraints, target.kind, result.targetValue, result.tolerance, result.trend,
             topK,   {},          {}};
    s.sizeKnown = result.searchKind == DesignTargetKind::Params;
    s.autoKv =
        !constraints.kvHeads && constraints.kvHeadChoices.empty() && constraints.kvGroupChoices.empty();
    s.ratios = ffnRatiosOf(constraints);
    if (constraints.ranking == DesignRanking::Published)
        s.loadMembers();
    result.ranking = constraints.ranking;
    const std::vector<Count> kvList = kvChoices(constraints, s.sizeKnown, s.value);
    const Count hiddenMultiple = constraints.hiddenMultipleByScale && s.sizeKnown
                                     ? std::lcm(constraints.hiddenMultiple, scaleMultiple(s.value))
                                     : constraints.hiddenMultiple;
    const std::set<Count> headDims(constraints.headDims.begin(), constraints.headDims.end());
    std::vector<bool> ties;
    if (constraints.tie != TieMode::Tied)
        ties.push_back(false);
    if (constraints.tie != TieMode::Untied)
        ties.push_back(true);

    ModelConfig cfg = baseConfig(constraints);
    Pool pool;
    // FFN, tying and kv variants of one (d, L) fold into one row, so keep more than topK.
    pool.enough = 16 * topK + kMaxValidations;
    double minMetric = INFINITY, maxMetric = 0;
    const double families = static_cast<double>(headDims.size() * ties.size());
    double familyIndex = 0;
    for (Count h : headDims) {
        const Count step = std::lcm(hiddenMultiple, h);
        for (bool tied : ties) {
            const Count first = (constraints.minHidden + step - 1) / step * step;
            for (Count d = first; d <= constraints.maxHidden; d += step) {
                throwIfCancelled(progress);
                if (progress != nullptr)
                    progress->report(
                        (familyIndex + static_cast<double>(d) / static_cast<double>(constraints.maxHidden)) /
                            families,
                        "hidden " + std::to_string(d));
                double shallowest = INFINITY;
                // Head counts: d / h, and a preset's attention widths other than d.
                std::vector<Count> headCounts{d / h};
                for (const AttentionWidth& w : constraints.attentionWidths) {
                    const auto H = static_cast<Count>(
                        std::llround(w.ratio * static_cast<double>(d) / static_cast<double>(h)));
                    if (w.headDim == h && H >= 1 && d % H == 0 &&
                        std::find(headCounts.begin(), headCounts.end(), H) == headCounts.end())
                        headCounts.push_back(H);
                }
                for (Count heads : headCounts) {
                    // A preset's GQA group sizes give K = H / g at this head count.
                    std::vector<Count> kvHere = kvList;
                    if (!constraints.kvHeads)
                        for (Count g : constraints.kvGroupChoices)
                            if (heads % g == 0 &&
                                std::find(kvHere.begin(), kvHere.end(), heads / g) == kvHere.end())
                                kvHere.push_back(heads / g);
                    for (Count kv : kvHere) {
                        Shape proto;
                        proto.d = d;
                        proto.h = h;
                        proto.H = heads;
                        proto.K = kv == 0 ? proto.H : kv;
                        if (proto.K > proto.H || proto.H % proto.K != 0)
                            continue;
                        proto.tied = tied;
                        cfg.hiddenSize = d;
                        cfg.numAttentionHeads = proto.H;
                        cfg.numKeyValueHeads = proto.K;
                        cfg.headDim = h;
                        cfg.tieWordEmbeddings = tied;
                        for (Count f : ffnSizes(constraints, d)) {
                            proto.f = f;
                            cfg.intermediateSize = f;
                            ++result.shapesConsidered;
                            shallowest =
                                std::min(shallowest, searchFamily(s, cfg, proto, pool, result.shapesEvaluated,
                                                                  minMetric, maxMetric));
                        }
                    }
                }
                if (std::isfinite(shallowest) && !worthWidening(s, shallowest, pool))
                    break;
            }
            familyIndex += 1;
        }
    }

    std::sort(pool.shapes.begin(), pool.shapes.end(), ranksBefore);
    const ModelConfig base = baseConfig(constraints);
    std::vector<DesignCandidate> unclean;
    std::set<std::string> uncleanCodes;
    std::size_t validations = 0;
    std::size_t filtered = 0;
    std::string firstFiltered;
    // One row per shape: the best of its head_dim, kv, FFN and tying variants stands for it,
    // and so do the shapes within one width step and one layer of it (foldsInto()), so the rows
    // are distinct (d, L, H, K) shapes that differ by more than rounding.
    std::map<std::pair<Count, Count>, DesignCandidate*> rows;

    result.candidates.reserve(topK);
    for (const Shape& x : pool.shapes) {
        const auto key = std::make_pair(x.d, x.L);
        if (const auto it = rows.find(key); it != rows.end()) {
            if (it->second != nullptr)
                ++it->second->variants;
            continue;
        }
        // The published ranking's shortlist folds near-duplicates; the family trend (and the
        // ladder's rungs, whose DP needs every depth) lists every (d, L).
        const bool fold = s.published();
        if (DesignCandidate* near = fold ? foldsInto(result.candidates, x) : nullptr) {
            ++near->variants;
            continue;
        }
        if (result.candidates.size() >= topK)
            continue; // still counting variants of the listed rows
        if (fold && rowsOfWidth(result.candidates, x.d) >= kMaxRowsPerWidth)
            continue;
        DesignCandidate c = makeCandidate(s, x, base);
        if (constraints.requireClean) {
            if (validations++ >= kMaxValidations)
                break;
            const ValidationReport report = validateConfig(c.config);
            c.findings = 0;
            for (const Finding& f : report.findings)
                c.findings += !askedFor(f, constraints);
            if (c.findings != 0) {
                for (const Finding& f : report.findings)
                    uncleanCodes.insert(std::string(f.codeName()));
                if (unclean.size() < topK &&
                    (fold ? foldsInto(unclean, x) == nullptr && rowsOfWidth(unclean, x.d) < kMaxRowsPerWidth
                          : std::none_of(unclean.begin(), unclean.end(), [&](const DesignCandidate& u) {
                                return u.config.hiddenSize == x.d && u.config.numHiddenLayers == x.L;
                            })))
                    unclean.push_back(std::move(c));
                continue;
            }
        }
        if (constraints.candidateFilter) {
            // The candidate filter hook (generate --fits): a listed config must pass it.
            if (std::string why = constraints.candidateFilter(c.config); !why.empty()) {
                if (filtered++ == 0)
                    firstFiltered = c.fileName + " " + why;
                continue;
            }
        }
        result.candidates.push_back(std::move(c));
        rows.emplace(key, &result.candidates.back());
    }
    if (filtered > 0 && (result.candidates.empty() || !result.candidates.front().onTarget))
        result.note = std::to_string(filtered) +
                      " candidate(s) on or near the target were dropped by the extra "
                      "constraint, e.g. " +
                      firstFiltered;
    if (result.candidates.empty() && !unclean.empty()) {
        std::string codes;
        for (const std::string& code : uncleanCodes)
            codes += (codes.empty() ? "" : ", ") + code;
        result.candidates = std::move(unclean);
        result.note = "no candidate validates without findings under these constraints (" + codes +
                      "); the best ones are listed with their findings";
    }
    if (result.note.empty() && (result.candidates.empty() || !result.candidates.front().onTarget))
        result.note = describeMiss(s, pool.shapes, minMetric, maxMetric);
    if (s.published() && !result.candidates.empty()) {
        const ShapePrior& p = s.priorAt(s.body(static_cast<double>(result.candidates.front().parameters),
                                               result.candidates.front().config.hiddenSize,
                                               result.candidates.front().config.tieWordEmbeddings));
        result.publishedRange = p.range();
        result.publishedCenter = p.center();
        for (const PublishedModel* m : p.neighbours())
            result.publishedNeighbours.push_back(m->name);
    }
    if (progress != nullptr)
        progress->report(1.0, "done");
    return result;
}

} // namespace llamascope
