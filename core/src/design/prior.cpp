// The designer's shape prior from published models (issue 15, docs/design-guide.md "Shape
// score"): instead of one N/L line, a kernel density over the width-per-layer ratios that
// released models use near the target size.
//
// Why a density and not a line: the literature says the loss is nearly flat over a wide
// band of aspect ratios (Kaplan et al. 2020, §3.1: within a few per cent for d/L from about
// 20 to 200), that small models do better deep and thin (MobileLLM, Liu et al. 2024), and
// that depth pays only up to a width-dependent point (Levine et al. 2020). Practice is
// therefore several clusters (LLaMA's d/L = 128 and MobileLLM's 20–30 at 1B), which a
// density keeps and a fitted line averages away.

#include "llamascope/design.hpp"

#include "llamascope/errors.hpp"
#include "llamascope/format.hpp"
#include "llamascope/params.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <set>

namespace llamascope {

namespace {

constexpr double kSizeBandwidth = 0.5; ///< ln N: neighbours within ×1.65 weigh e^-½
/// ln(d/L): one kernel width is ±15 % in width per layer. At a fixed size and FFN ratio one
/// layer more or less moves d/L by 1.5 × the layer's share (5 % at 32 layers), so a kernel
/// width spans about three layers either way.
constexpr double kAspectBandwidth = 0.15;
constexpr double kFamilyWeight = 4.0;
constexpr double kMaxDistance = 10.0;

struct Dense {
    const PublishedModel* model;
    double logN;
    double logD;
    double logL;
};

/// Parameters outside the embeddings, the lm_head and a learned position table.
double bodyParameters(const PublishedModel& m)
{
    const ParameterCounts p = countParameters(publishedConfig(m));
    return static_cast<double>(p.total - p.embedding - p.lmHead - p.positionTable);
}

/// Dense models of the data set with their body sizes (computed once).
const std::vector<Dense>& denseModels()
{
    static const std::vector<Dense> models = [] {
        std::vector<Dense> out;
        for (const PublishedModel& m : publishedModels())
            if (m.experts == 0)
                out.push_back({&m, std::log(bodyParameters(m)), std::log(static_cast<double>(m.hidden)),
                               std::log(static_cast<double>(m.layers))});
        return out;
    }();
    return models;
}

/// Least-squares slopes of ln d and ln L on ln N over the dense models: how width and depth
/// grow with size, used to move a neighbour's shape to the target size.
std::pair<double, double> dataSlopes(std::string_view exclude)
{
    double sx = 0, sd = 0, sl = 0, sxx = 0, sxd = 0, sxl = 0, n = 0;
    for (const Dense& p : denseModels()) {
        if (p.model->name == exclude)
            continue;
        sx += p.logN;
        sd += p.logD;
        sl += p.logL;
        sxx += p.logN * p.logN;
        sxd += p.logN * p.logD;
        sxl += p.logN * p.logL;
        n += 1;
    }
    const double den = n * sxx - sx * sx;
    if (den <= 0)
        return {0.0, 0.0};
    return {(n * sxd - sx * sd) / den, (n * sxl - sx * sl) / den};
}

std::string squash(std::string_view s)
{
    std::string out;
    for (char c : s)
        if (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.')
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

} // namespace

ShapePrior::ShapePrior(double params, std::string_view preferFamily, std::string_view exclude)
    : params_(params)
{
    std::tie(widthSlope_, depthSlope_) = dataSlopes(exclude);
    const double x = std::log(params);
    struct Weighted {
        const PublishedModel* model;
        double logD, logL;
        double weight;
    };
    std::vector<Weighted> all;
    double top = 0;
    for (const Dense& p : denseModels()) {
        if (p.model->name == exclude)
            continue;
        const bool family = !preferFamily.empty() && p.model->family == preferFamily;
        const double dx = (x - p.logN) / kSizeBandwidth;
        double w = std::exp(-0.5 * dx * dx);
        if (family)
            w *= kFamilyWeight;
        all.push_back({p.model, p.logD + widthSlope_ * (x - p.logN), p.logL + depthSlope_ * (x - p.logN), w});
        top = std::max(top, w);
    }
    double sum = 0, mean = 0;
    for (const Weighted& p : all) {
        sum += p.weight;
        mean += p.weight * (p.logD - p.logL);
    }
    if (sum <= 0)
        throw std::logic_error("the published data set has no dense model");
    center_ = std::exp(mean / sum);
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    std::stable_sort(all.begin(), all.end(),
                     [](const Weighted& a, const Weighted& b) { return a.weight > b.weight; });
    for (const Weighted& p : all) {
        if (p.weight >= 0.1 * top) {
            lo = std::min(lo, p.logD - p.logL);
            hi = std::max(hi, p.logD - p.logL);
            neighbours_.push_back(p.model);
        }
        // Points below 10⁻⁴ of the total weight cannot move a distance by 0.01.
        if (p.weight >= 1e-4 * sum)
            points_.push_back({p.logD - p.logL, p.weight / sum});
    }
    range_ = {std::exp(lo), std::exp(hi)};
}

double ShapePrior::distance(Count hidden, Count layers) const
{
    const double aspect = std::log(static_cast<double>(hidden) / static_cast<double>(layers));
    double density = 0;
    for (const Point& p : points_) {
        const double a = (aspect - p.logAspect) / kAspectBandwidth;
        density += p.weight * std::exp(-0.5 * a * a);
    }
    if (density <= std::exp(-0.5 * kMaxDistance * kMaxDistance))
        return kMaxDistance;
    return std::sqrt(std::max(0.0, -2.0 * std::log(std::min(1.0, density))));
}

const PublishedModel* nearestPublished(Count hidden, Count layers, std::string_view exclude)
{
    const PublishedModel* best = nullptr;
    double bestDistance = INFINITY;
    const double ld = std::log(static_cast<double>(hidden)), lL = std::log(static_cast<double>(layers));
    for (const Dense& p : denseModels()) {
        if (p.model->name == exclude)
            continue;
        const double a = ld - std::log(static_cast<double>(p.model->hidden));
        const double b = lL - std::log(static_cast<double>(p.model->layers));
        const double dist = a * a + b * b;
        if (dist < bestDistance) {
            bestDistance = dist;
            best = p.model;
        }
    }
    return best;
}

std::vector<const PublishedModel*> nearestPublishedModels(Count hidden, Count layers, std::size_t k,
                                                          std::string_view exclude)
{
    std::vector<std::pair<double, const PublishedModel*>> all;
    const double ld = std::log(static_cast<double>(hidden)), lL = std::log(static_cast<double>(layers));
    for (const Dense& p : denseModels()) {
        if (p.model->name == exclude)
            continue;
        const double a = ld - p.logD, b = lL - p.logL;
        all.emplace_back(a * a + b * b, p.model);
    }
    std::stable_sort(all.begin(), all.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    std::vector<const PublishedModel*> out;
    for (std::size_t i = 0; i < all.size() && i < k; ++i)
        out.push_back(all[i].second);
    return out;
}

PublishedPlacement placeAmongPublished(const ModelConfig& config)
{
    PublishedPlacement p;
    p.name = config.name;
    const ParameterCounts counts = countParameters(config);
    p.parameters = counts.total;
    p.bodyParameters = counts.total - counts.embedding - counts.lmHead - counts.positionTable;
    p.hidden = config.hiddenSize;
    p.layers = config.numHiddenLayers;
    p.widthPerLayer = static_cast<double>(p.hidden) / static_cast<double>(p.layers);
    const PublishedModel* self = findPublishedModel(config.name);
    const std::string exclude = self != nullptr ? self->name : std::string();
    const ShapePrior prior(std::max(1.0, static_cast<double>(p.bodyParameters)), {}, exclude);
    p.range = prior.range();
    p.center = prior.center();
    // 1 % slack: a neighbour's ratio moved to this size can land a hair off its own value.
    p.inside = p.widthPerLayer >= p.range.low * 0.99 && p.widthPerLayer <= p.range.high * 1.01;
    p.priorDistance = prior.distance(p.hidden, p.layers);
    p.nearest = nearestPublishedModels(p.hidden, p.layers, 3, exclude);
    return p;
}

DesignConstraints constraintsLike(std::string_view name, const DesignConstraints& base,
                                  std::string_view exclude)
{
    std::vector<const PublishedModel*> members;
    std::string family;
    if (const PublishedModel* m = findPublishedModel(name)) {
        members.push_back(m);
        family = m->family;
    } else {
        for (const PublishedModel& p : publishedModels())
            if (squash(p.family) == squash(name)) {
                family = p.family;
                if (p.name != exclude)
                    members.push_back(&p);
            }
    }
    if (family.empty()) {
        std::vector<std::string> names = publishedFamilies();
        for (const PublishedModel& p : publishedModels())
            names.push_back(p.name);
        const std::vector<std::string_view> views(names.begin(), names.end());
        const std::string guess = closestMatch(name, views);
        throw InvalidArgument(
            "\"" + std::string(name) +
            "\" is neither a published model nor a family of the "
            "data set (families: " +
            joinQuoted(std::vector<std::string_view>(
                views.begin(), views.begin() + static_cast<std::ptrdiff_t>(publishedFamilies().size()))) +
            ")" + (guess.empty() ? "" : "; did you mean \"" + guess + "\"?"));
    }
    DesignConstraints c = base;
    c.preferFamily = family;
    c.excludeModel = std::string(exclude);
    // Mixtures of experts keep their shape constraints but the designer designs dense models.
    std::erase_if(members, [](const PublishedModel* m) { return m->experts > 0; });
    if (members.empty())
        return c;
    // Widths, head_dims and kv head counts: what the whole family uses, with the common
    // choices (head_dim 64 and 128, multi-head and 8 kv heads). The GQA group sizes (query heads
    // per kv head) carry over to widths the family has not used: MobileLLM-125M's 9/3 is the
    // group of 3 its 350M and 600M use at 15/5 and 18/6.
    std::set<Count> headDims{64, 128}, kv{0, 8}, groups;
    bool learned = false;
    Count multiple = 0;
    for (const PublishedModel* m : members) {
        headDims.insert(m->headDim);
        kv.insert(m->kvHeads == m->heads ? 0 : m->kvHeads);
        if (m->kvHeads < m->heads && m->heads % m->kvHeads == 0)
            groups.insert(m->heads / m->kvHeads);
        learned = learned || m->family == "opt" || m->family == "gpt3";
        multiple = std::gcd(multiple, m->hidden);
    }
    c.headDims.assign(headDims.begin(), headDims.end());
    c.kvHeads.reset();
    c.kvHeadChoices.assign(kv.begin(), kv.end());
    c.kvGroupChoices.assign(groups.begin(), groups.end());
    // Attention wider or narrower than the model (Qwen3, Gemma, Mistral-NeMo: head_dim is set,
    // not d / H): the ratios the members use, each with its head_dim.
    std::set<std::pair<Count, long long>> widths;
    for (const PublishedModel* m : members)
        if (m->heads * m->headDim != m->hidden)
            widths.emplace(m->headDim, std::llround(1000.0 * static_cast<double>(m->heads * m->headDim) /
                                                    static_cast<double>(m->hidden)));
    c.attentionWidths.clear();
    for (const auto& [h, w] : widths)
        c.attentionWidths.push_back({h, static_cast<double>(w) / 1000.0});
    if (learned)
        c.position = PositionType::Learned;
    // The largest of 256, 128, 64 that divides every member's width (64 if none does).
    c.hiddenMultiple = multiple % 256 == 0 ? 256 : multiple % 128 == 0 ? 128 : 64;
    c.hiddenMultipleByScale = false;
    if (members.size() == 1 && exclude.empty()) {
        c.vocab = members.front()->vocab;
        c.context = members.front()->context;
        c.likeModel = members.front()->name;
    }
    // The ratios practitioners reach for whatever the family (LLaMA's 8/3, Llama 3's 3.5,
    // Llama-3.2-1B's and GPT's 4.0 as 8/3 gated) come with the family's own.
    std::set<long long> ratios{2667, 3500, 4000};
    bool anyTied = false, anyUntied = false;
    for (const PublishedModel* m : members) {
        // A GELU/ReLU MLP has two d×f matrices; a gated one with the same parameters has
        // three of width 2f/3.
        const double f = static_cast<double>(m->intermediate) * (m->gated() ? 1.0 : 2.0 / 3.0);
        ratios.insert(std::llround(1000.0 * f / static_cast<double>(m->hidden)));
        (m->tied ? anyTied : anyUntied) = true;
    }
    c.ffnRule = FfnRule::Ratio;
    c.ffnRatio = static_cast<double>(*ratios.begin()) / 1000.0;
    c.extraFfnRatios.clear();
    for (auto it = std::next(ratios.begin()); it != ratios.end(); ++it)
        c.extraFfnRatios.push_back(static_cast<double>(*it) / 1000.0);
    c.tie = anyTied && anyUntied ? TieMode::Either : anyTied ? TieMode::Tied : TieMode::Untied;
    c.modelType = members.front()->modelType().value_or(ModelType::Llama);
    return c;
}

} // namespace llamascope
