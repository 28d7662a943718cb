// Scaling laws: evaluation, presets, law files, and the optima derived from a law
// (docs/scaling.md "Predicting" and "Designing to a budget").

#include "llamascope/scaling.hpp"

#include "llamascope/document.hpp"
#include "llamascope/errors.hpp"
#include "llamascope/format.hpp"
#include "llamascope/io.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <set>

namespace llamascope {

double lawLoss(LawForm form, const LawParams& p, double n, double d)
{
    // Hoffmann et al. 2022, Eq. 2: L̂(N, D) = E + A/N^α + B/D^β.
    if (form == LawForm::ParamsData)
        return p.E + p.A * std::pow(n, -p.alpha) + p.B * std::pow(d, -p.beta);
    return p.E + p.A * std::pow(n, -p.alpha);
}

double ScalingLaw::loss(double n, double d) const
{
    return lawLoss(form, params, n, d);
}

// ---- presets --------------------------------------------------------------------------------

ScalingLaw chinchillaLaw()
{
    ScalingLaw l;
    l.name = "chinchilla";
    l.source = "Hoffmann et al. 2022, Training Compute-Optimal Large Language Models, Approach 3 (Eq. 10)";
    l.params = {1.69, 406.4, 410.7, 0.34, 0.28};
    l.note = "published point estimate; no bootstrap samples, so predictions carry no interval";
    return l;
}

ScalingLaw besirogluLaw()
{
    ScalingLaw l;
    l.name = "besiroglu";
    l.source = "Besiroglu, Erdil, Barnett and You 2024, Chinchilla Scaling: A replication attempt (Table 1)";
    l.params = {1.8172, 482.01, 2085.43, 0.3478, 0.3658};
    l.note =
        "published point estimate (standard errors A 124.58, B 1293.23, E 0.03, alpha 0.02, beta 0.02); "
        "no bootstrap samples, so predictions carry no interval — `llamascope fit` on their data gives them";
    return l;
}

ScalingLaw muennighoffLaw()
{
    ScalingLaw l;
    l.name = "muennighoff";
    l.source =
        "Muennighoff et al. 2023, Scaling Data-Constrained Language Models (C4 fit, datablations README)";
    // a = 6.255414, b = 7.3049974, e = 0.6254804 in the log parametrisation.
    l.params = {std::exp(0.6254804), std::exp(6.255414), std::exp(7.3049974), 0.3526596, 0.3526596};
    l.note =
        "the law their data-constrained form (R*_D 15.387756, R*_N 5.309743) was fitted with; no interval";
    return l;
}

std::vector<std::string_view> lawPresetNames()
{
    return {"chinchilla", "besiroglu", "muennighoff"};
}

std::optional<ScalingLaw> findPresetLaw(std::string_view name)
{
    if (name == "chinchilla" || name == "hoffmann")
        return chinchillaLaw();
    if (name == "besiroglu" || name == "epoch")
        return besirogluLaw();
    if (name == "muennighoff")
        return muennighoffLaw();
    return std::nullopt;
}

// ---- law files ------------------------------------------------------------------------------

namespace {

constexpr int kLawFileVersion = 1;
constexpr std::size_t kMaxLawBytes = 64u << 20;
constexpr std::size_t kMaxSamples = 100000;

std::string num(double v)
{
    return nlohmann::json(v).dump();
}

[[noreturn]] void bad(const std::string& source, const Document& doc, const std::string& pointer,
                      const std::string& message)
{
    const SourcePos pos = doc.positionOf(pointer);
    throw InvalidArgument(
        source + (pos.known() ? ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column) : "") +
        ": " + (pointer.empty() ? "/" : pointer) + ": " + message);
}

} // namespace

std::string lawFileText(const ScalingLaw& law)
{
    // Written by hand so each bootstrap sample stays on one line (a 1,000-sample file stays
    // readable); every number is nlohmann's shortest round-trip form.
    std::string s = "{\n";
    s += "  \"llamascope_law\": " + std::to_string(kLawFileVersion) + ",\n";
    s += "  \"name\": " + nlohmann::json(law.name).dump() + ",\n";
    s += "  \"form\": " + nlohmann::json(std::string(toString(law.form))).dump() + ",\n";
    s += "  \"formula\": " + nlohmann::json(std::string(formula(law.form))).dump() + ",\n";
    s += "  \"n_count\": " + nlohmann::json(std::string(toString(law.paramCount))).dump() + ",\n";
    s += "  \"E\": " + num(law.params.E) + ",\n";
    s += "  \"A\": " + num(law.params.A) + ",\n";
    s += "  \"alpha\": " + num(law.params.alpha) + ",\n";
    if (law.form == LawForm::ParamsData) {
        s += "  \"B\": " + num(law.params.B) + ",\n";
        s += "  \"beta\": " + num(law.params.beta) + ",\n";
    }
    if (law.form == LawForm::Params)
        s += "  \"tokens_per_param\": " + num(law.tokensPerParam) + ",\n";
    s += "  \"runs\": " + std::to_string(law.runs) + ",\n";
    s += "  \"source\": " + nlohmann::json(law.source).dump();
    if (!law.bootstrap.empty()) {
        s += ",\n  \"bootstrap\": {\n    \"seed\": " + std::to_string(law.bootstrapSeed) + ",\n";
        s += law.form == LawForm::ParamsData
                 ? "    \"columns\": [\"E\", \"A\", \"B\", \"alpha\", \"beta\"],\n"
                 : "    \"columns\": [\"E\", \"A\", \"alpha\"],\n";
        s += "    \"samples\": [\n";
        for (std::size_t i = 0; i < law.bootstrap.size(); ++i) {
            const LawParams& p = law.bootstrap[i];
            s += "      [" + num(p.E) + ", " + num(p.A) + ", ";
            if (law.form == LawForm::ParamsData)
                s += num(p.B) + ", " + num(p.alpha) + ", " + num(p.beta);
            else
                s += num(p.alpha);
            s += i + 1 < law.bootstrap.size() ? "],\n" : "]\n";
        }
        s += "    ]\n  }";
    }
    s += "\n}\n";
    return s;
}

ScalingLaw parseLawFile(std::string_view text, const std::string& source)
{
    ParseLimits limits;
    limits.maxBytes = kMaxLawBytes;
    limits.maxDepth = 8;
    const Document doc = parseDocument(text, source, limits);
    if (!doc.parsed() || !doc.findings.empty()) {
        const Finding& f = doc.findings.front();
        throw InvalidArgument(
            source +
            (f.pos.known() ? ":" + std::to_string(f.pos.line) + ":" + std::to_string(f.pos.column) : "") +
            ": " + f.message);
    }
    const nlohmann::ordered_json& j = *doc.root;
    if (!j.is_object())
        bad(source, doc, "", "a law file is a JSON object (written by `llamascope fit --out`)");
    auto number = [&](const char* key, bool required) -> std::optional<double> {
        const std::string ptr = std::string("/") + key;
        if (!j.contains(key)) {
            if (required)
                bad(source, doc, "", std::string("missing \"") + key + "\"");
            return std::nullopt;
        }
        const auto& v = j.at(key);
        if (!v.is_number() || doc.badNumbers.count(ptr) != 0 || !std::isfinite(v.get<double>()))
            bad(source, doc, ptr, "expected a finite number");
        return v.get<double>();
    };
    const auto version = number("llamascope_law", true);
    if (*version != kLawFileVersion)
        bad(source, doc, "/llamascope_law",
            "unsupported law file version " + formatNumber(*version) + " (this build reads 1)");
    ScalingLaw law;
    law.source = source;
    static const std::set<std::string> known = {
        "llamascope_law",   "name", "form",   "formula",   "n_count", "E", "A", "B", "alpha", "beta",
        "tokens_per_param", "runs", "source", "bootstrap", "note"};
    for (const auto& [key, value] : j.items())
        if (known.count(key) == 0)
            bad(source, doc, "/" + escapePointerToken(key),
                "unknown key (a law file has: llamascope_law, name, form, "
                "n_count, E, A, B, alpha, beta, tokens_per_param, runs, "
                "source, bootstrap)");
    auto textField = [&](const char* key) -> std::optional<std::string> {
        if (!j.contains(key))
            return std::nullopt;
        if (!j.at(key).is_string())
            bad(source, doc, std::string("/") + key, "expected a string");
        return j.at(key).get<std::string>();
    };
    const std::string formText = textField("form").value_or("nd");
    const auto form = lawFormTable().find(formText);
    if (!form)
        bad(source, doc, "/form", "unknown form \"" + formText + "\" (" + lawFormTable().namesText() + ")");
    law.form = *form;
    law.name = textField("name").value_or(std::filesystem::path(source).stem().string());
    if (auto s = textField("source"))
        law.source = *s + " (via " + source + ")";
    (void)textField("formula");
    if (auto s = textField("note"))
        law.note = *s;
    const std::string nc = textField("n_count").value_or("total");
    const auto count = paramCountTable().find(nc);
    if (!count)
        bad(source, doc, "/n_count",
            "unknown N convention \"" + nc + "\" (" + paramCountTable().namesText() + ")");
    law.paramCount = *count;
    const bool two = law.form == LawForm::ParamsData;
    law.params.E = *number("E", true);
    law.params.A = *number("A", true);
    law.params.alpha = *number("alpha", true);
    if (two) {
        law.params.B = *number("B", true);
        law.params.beta = *number("beta", true);
    }
    if (law.params.E < 0)
        bad(source, doc, "/E", "E must not be negative");
    if (law.params.A <= 0)
        bad(source, doc, "/A", "A must be positive");
    if (two && law.params.B <= 0)
        bad(source, doc, "/B", "B must be positive");
    if (law.form == LawForm::Params) {
        law.tokensPerParam = *number("tokens_per_param", true);
        if (law.tokensPerParam <= 0)
            bad(source, doc, "/tokens_per_param", "must be positive");
    }
    if (auto runs = number("runs", false)) {
        if (*runs < 0 || *runs > 1e9 || std::floor(*runs) != *runs)
            bad(source, doc, "/runs", "expected a run count");
        law.runs = static_cast<std::size_t>(*runs);
    }
    if (j.contains("bootstrap")) {
        const auto& b = j.at("bootstrap");
        if (!b.is_object())
            bad(source, doc, "/bootstrap", "expected an object with \"seed\" and \"samples\"");
        if (b.contains("seed")) {
            const auto& s = b.at("seed");
            if (s.is_number_unsigned())
                law.bootstrapSeed = s.get<std::uint64_t>();
            else if (s.is_number_integer() && s.get<std::int64_t>() >= 0)
                law.bootstrapSeed = static_cast<std::uint64_t>(s.get<std::int64_t>());
            else
                bad(source, doc, "/bootstrap/seed", "expected a non-negative integer");
        }
        if (!b.contains("samples") || !b.at("samples").is_array())
            bad(source, doc, "/bootstrap/samples", "expected an array of samples");
        const auto& samples = b.at("samples");
        if (samples.size() > kMaxSamples)
            bad(source, doc, "/bootstrap/samples", "more than 100,000 samples");
        const std::size_t width = two ? 5 : 3;
        for (std::size_t i = 0; i < samples.size(); ++i) {
            const std::string ptr = "/bootstrap/samples/" + std::to_string(i);
            const auto& s = samples.at(i);
            if (!s.is_array() || s.size() != width)
                bad(source, doc, ptr, "expected " + std::to_string(width) + " numbers");
            std::vector<double> v;
            for (std::size_t k = 0; k < width; ++k) {
                const auto& x = s.at(k);
                if (!x.is_number() || !std::isfinite(x.get<double>()) ||
                    doc.badNumbers.count(ptr + "/" + std::to_string(k)) != 0)
                    bad(source, doc, ptr + "/" + std::to_string(k), "expected a finite number");
                v.push_back(x.get<double>());
            }
            law.bootstrap.push_back(two ? LawParams{v[0], v[1], v[2], v[3], v[4]}
                                        : LawParams{v[0], v[1], 0, v[2], 0});
        }
    }
    return law;
}

ScalingLaw resolveLaw(std::string_view presetOrPath)
{
    if (auto preset = findPresetLaw(presetOrPath))
        return *preset;
    const std::filesystem::path path{std::string(presetOrPath)};
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        const auto names = lawPresetNames();
        const std::string guess = closestMatch(presetOrPath, names);
        throw IoError(std::string(presetOrPath) + ": no such law file or preset (presets: " +
                      joinQuoted(names) + ")" + (guess.empty() ? "" : "; did you mean " + guess + "?"));
    }
    const CappedRead r = readFileCapped(path, kMaxLawBytes);
    if (r.truncated)
        throw InvalidArgument(path.string() + ": larger than a law file can be (64 MiB)");
    return parseLawFile(r.bytes, path.string());
}

// ---- predictions ----------------------------------------------------------------------------

namespace {

void requireParamsData(const ScalingLaw& law, std::string_view what)
{
    if (law.form != LawForm::ParamsData)
        throw InvalidArgument(std::string(what) + " needs an L(N, D) law; " + law.name + " is " +
                              std::string(formula(law.form)) + " (fit with --form nd)");
    if (!(law.params.alpha > 0) || !(law.params.beta > 0))
        throw InvalidArgument(std::string(what) + " needs positive exponents; " + law.name + " has α " +
                              formatNumber(law.params.alpha) + ", β " + formatNumber(law.params.beta));
}

void requirePositive(double v, std::string_view what)
{
    if (!std::isfinite(v) || v <= 0)
        throw InvalidArgument(std::string(what) + " must be a positive, finite number");
}

std::optional<Interval> intervalOf(std::vector<double> values, double confidence)
{
    values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }),
                 values.end());
    if (values.size() < 2)
        return std::nullopt;
    std::sort(values.begin(), values.end());
    auto q = [&](double p) {
        const double pos = p * static_cast<double>(values.size() - 1);
        const auto lo = static_cast<std::size_t>(std::floor(pos));
        const std::size_t hi = std::min(lo + 1, values.size() - 1);
        return values[lo] + (pos - static_cast<double>(lo)) * (values[hi] - values[lo]);
    };
    return Interval{q((1 - confidence) / 2), q((1 + confidence) / 2)};
}

/// Golden-section search for the minimum of a unimodal f on [lo, hi] (Kiefer 1953), to a
/// bracket of 1e-12 relative width.
double goldenMinimum(const std::function<double(double)>& f, double lo, double hi)
{
    const double r = (std::sqrt(5.0) - 1) / 2;
    double a = lo, b = hi;
    double c = b - r * (b - a), d = a + r * (b - a);
    double fc = f(c), fd = f(d);
    for (int i = 0; i < 300 && (b - a) > 1e-12 * std::max(1.0, std::fabs(a) + std::fabs(b)); ++i) {
        if (fc < fd) {
            b = d;
            d = c;
            fd = fc;
            c = b - r * (b - a);
            fc = f(c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + r * (b - a);
            fd = f(d);
        }
    }
    return (a + b) / 2;
}

/// A scan on a log grid, then golden section inside the best bracket: robust when f is
/// unimodal only on part of the range.
double scanThenRefine(const std::function<double(double)>& f, double lo, double hi, int points = 400)
{
    double bestX = lo, bestF = INFINITY;
    int bestK = 0;
    for (int k = 0; k <= points; ++k) {
        const double x = lo + (hi - lo) * k / points;
        const double v = f(x);
        if (v < bestF) {
            bestF = v;
            bestX = x;
            bestK = k;
        }
    }
    const double step = (hi - lo) / points;
    const double a = bestK == 0 ? lo : bestX - step;
    const double b = bestK == points ? hi : bestX + step;
    return goldenMinimum(f, a, b);
}

ComputeOptimum closedFormOptimum(const LawParams& p, double compute)
{
    ComputeOptimum o;
    o.compute = compute;
    o.exponents = optimalExponents(p);
    o.parameters = o.exponents.G * std::pow(compute / 6.0, o.exponents.a);
    o.tokens = compute / (6.0 * o.parameters);
    o.loss = lawLoss(LawForm::ParamsData, p, o.parameters, o.tokens);
    o.tokensPerParam = o.tokens / o.parameters;
    return o;
}

} // namespace

LossPrediction predictLoss(const ScalingLaw& law, double parameters, double tokens, double confidence)
{
    requireParamsData(law, "predicting a loss");
    requirePositive(parameters, "N");
    requirePositive(tokens, "D");
    LossPrediction p;
    p.parameters = parameters;
    p.tokens = tokens;
    p.compute = 6.0 * parameters * tokens;
    p.irreducible = law.params.E;
    p.paramsTerm = law.params.A * std::pow(parameters, -law.params.alpha);
    p.dataTerm = law.params.B * std::pow(tokens, -law.params.beta);
    p.loss = p.irreducible + p.paramsTerm + p.dataTerm;
    p.confidence = confidence;
    std::vector<double> v;
    v.reserve(law.bootstrap.size());
    for (const LawParams& s : law.bootstrap)
        v.push_back(lawLoss(LawForm::ParamsData, s, parameters, tokens));
    p.interval = intervalOf(std::move(v), confidence);
    return p;
}

OptimalExponents optimalExponents(const LawParams& p)
{
    // Minimising E + A·N^−α + B·D^−β on 6·N·D = C gives N_opt = G·(C/6)^(β/(α+β)),
    // D_opt = G⁻¹·(C/6)^(α/(α+β)), G = (αA/(βB))^(1/(α+β)) (Hoffmann et al. 2022, Appendix D.2).
    OptimalExponents e;
    const double s = p.alpha + p.beta;
    e.G = std::pow(p.alpha * p.A / (p.beta * p.B), 1.0 / s);
    e.a = p.beta / s;
    e.b = p.alpha / s;
    return e;
}

ComputeOptimum computeOptimal(const ScalingLaw& law, double compute, double confidence)
{
    requireParamsData(law, "a compute-optimal split");
    requirePositive(compute, "the compute budget C");
    if (compute < 6.0)
        throw InvalidArgument("the compute budget C must be at least 6 FLOPs (one parameter, one token)");
    ComputeOptimum o = closedFormOptimum(law.params, compute);
    o.confidence = confidence;
    // The numerical check: L(N, C/6N) is convex in log N (a falling and a rising exponential).
    const double logMax = std::log(compute / 6.0);
    o.numericParameters = std::exp(goldenMinimum(
        [&](double x) {
            return lawLoss(LawForm::ParamsData, law.params, std::exp(x), compute / (6.0 * std::exp(x)));
        },
        0.0, logMax));
    std::vector<double> n, d, l;
    for (const LawParams& s : law.bootstrap) {
        if (!(s.alpha > 0) || !(s.beta > 0))
            continue;
        const ComputeOptimum b = closedFormOptimum(s, compute);
        n.push_back(b.parameters);
        d.push_back(b.tokens);
        l.push_back(b.loss);
    }
    o.parametersInterval = intervalOf(std::move(n), confidence);
    o.tokensInterval = intervalOf(std::move(d), confidence);
    o.lossInterval = intervalOf(std::move(l), confidence);
    return o;
}

InferenceOptimum inferenceOptimalForLoss(const ScalingLaw& law, double targetLoss, double inferenceTokens)
{
    requireParamsData(law, "the inference-aware optimum");
    requirePositive(targetLoss, "the target loss");
    if (!std::isfinite(inferenceTokens) || inferenceTokens < 0)
        throw InvalidArgument("inference tokens must be a finite number >= 0");
    const LawParams& p = law.params;
    if (!(targetLoss > p.E))
        throw InvalidArgument("the target loss " + formatNumber(targetLoss) +
                              " is not above the law's irreducible loss E = " + formatNumber(p.E));
    // Sardana et al. 2024, Eq. (2)-(3): on the iso-loss curve L(N, D_tr) = ℓ,
    // D_tr(N) = (B / (ℓ − E − A·N^−α))^(1/β), defined for N > N_min = (A / (ℓ − E))^(1/α);
    // minimise 6·N·D_tr(N) + 2·N·D_inf over N.
    const double gap = targetLoss - p.E;
    const double logMin = std::log(p.A / gap) / p.alpha;
    auto tokensFor = [&](double logN) {
        const double rest = gap - p.A * std::exp(-p.alpha * logN);
        return rest > 0 ? std::pow(p.B / rest, 1.0 / p.beta) : INFINITY;
    };
    auto cost = [&](double logN, double dinf) {
        const double n = std::exp(logN);
        const double d = tokensFor(logN);
        return std::log(6.0 * n * d + 2.0 * n * dinf);
    };
    const double lo = logMin + 1e-9, hi = logMin + 40.0;
    auto solve = [&](double dinf) {
        return scanThenRefine([&](double x) { return cost(x, dinf); }, lo, hi, 2000);
    };
    InferenceOptimum o;
    o.inferenceTokens = inferenceTokens;
    o.targetLoss = targetLoss;
    const double x = solve(inferenceTokens);
    o.parameters = std::exp(x);
    o.tokens = tokensFor(x);
    o.trainingCompute = 6.0 * o.parameters * o.tokens;
    o.inferenceCompute = 2.0 * o.parameters * inferenceTokens;
    o.totalCompute = o.trainingCompute + o.inferenceCompute;
    // Without inference the cheapest way to reach ℓ is the Chinchilla-optimal model whose
    // optimal loss is ℓ; its budget is found on the same curve and then split in closed form.
    const double x0 = solve(0.0);
    const double c0 = 6.0 * std::exp(x0) * tokensFor(x0);
    o.chinchilla = computeOptimal(law, c0);
    o.chinchillaTotalCompute = o.chinchilla.compute + 2.0 * o.chinchilla.parameters * inferenceTokens;
    o.savings = 1.0 - o.totalCompute / o.chinchillaTotalCompute;
    return o;
}

InferenceOptimum inferenceOptimal(const ScalingLaw& law, double compute, double inferenceTokens)
{
    const ComputeOptimum c = computeOptimal(law, compute);
    return inferenceOptimalForLoss(law, c.loss, inferenceTokens);
}

double dataConstrainedLoss(const LawParams& p, double parameters, double tokens, double uniqueTokens)
{
    // Muennighoff et al. 2023, Eq. (5) with the definitions of their §3.1 and the datablations
    // README: unique tokens beyond D are not seen; R_D = D/U_D − 1 repeats; U_N = the
    // compute-optimal size for U_D tokens (N_opt(D) = (D·G)^(β/α)·G), R_N = N/U_N − 1 excess.
    const double u = std::min(uniqueTokens, tokens);
    const double rd = std::max(tokens / u - 1.0, 0.0);
    const OptimalExponents e = optimalExponents(p);
    const double nForU = std::pow(u * e.G, p.beta / p.alpha) * e.G;
    const double un = std::min(parameters, nForU);
    const double rn = std::max(parameters / un - 1.0, 0.0);
    const double effN = un + un * kMuennighoffRStarN * (1.0 - std::exp(-rn / kMuennighoffRStarN));
    const double effD = u + u * kMuennighoffRStarD * (1.0 - std::exp(-rd / kMuennighoffRStarD));
    return p.E + p.A * std::pow(effN, -p.alpha) + p.B * std::pow(effD, -p.beta);
}

DataConstrainedOptimum dataConstrainedOptimal(const ScalingLaw& law, double compute, double uniqueTokens)
{
    requireParamsData(law, "the data-constrained optimum");
    requirePositive(uniqueTokens, "unique tokens");
    DataConstrainedOptimum o;
    o.compute = compute;
    o.uniqueTokens = uniqueTokens;
    o.unconstrained = computeOptimal(law, compute);
    const LawParams& p = law.params;
    auto f = [&](double x) {
        const double n = std::exp(x);
        return dataConstrainedLoss(p, n, compute / (6.0 * n), uniqueTokens);
    };
    const double x = scanThenRefine(f, 0.0, std::log(compute / 6.0), 4000);
    o.parameters = std::exp(x);
    o.tokens = compute / (6.0 * o.parameters);
    o.epochs = o.tokens / uniqueTokens;
    o.loss = f(x);
    const double u = std::min(uniqueTokens, o.tokens);
    const double rd = std::max(o.tokens / u - 1.0, 0.0);
    o.effectiveTokens = u + u * kMuennighoffRStarD * (1.0 - std::exp(-rd / kMuennighoffRStarD));
    const OptimalExponents e = optimalExponents(p);
    const double un = std::min(o.parameters, std::pow(u * e.G, p.beta / p.alpha) * e.G);
    const double rn = std::max(o.parameters / un - 1.0, 0.0);
    o.effectiveParameters = un + un * kMuennighoffRStarN * (1.0 - std::exp(-rn / kMuennighoffRStarN));
    o.unconstrainedLossAtU =
        dataConstrainedLoss(p, o.unconstrained.parameters, o.unconstrained.tokens, uniqueTokens);
    return o;
}

// ---- charts ---------------------------------------------------------------------------------

std::vector<std::pair<double, double>> isoLossCurve(const LawParams& p, double loss, double minParams,
                                                    double maxParams, double minTokens, double maxTokens,
                                                    std::size_t samples)
{
    requirePositive(minParams, "the contour's smallest N");
    requirePositive(minTokens, "the contour's smallest D");
    if (!(maxParams > minParams) || !(maxTokens > minTokens) || !std::isfinite(maxParams) ||
        !std::isfinite(maxTokens))
        throw InvalidArgument("the contour's ranges must be finite and increasing");
    samples = std::clamp<std::size_t>(samples, 2, 4096);
    std::vector<std::pair<double, double>> points;
    if (!std::isfinite(loss) || !(p.A > 0) || !(p.B > 0) || !(p.alpha > 0) || !(p.beta > 0))
        return points;
    auto at = [&](double lo, double hi, std::size_t i) {
        return lo * std::pow(hi / lo, static_cast<double>(i) / static_cast<double>(samples - 1));
    };
    auto inside = [&](double n, double d) {
        return n >= minParams && n <= maxParams && d >= minTokens && d <= maxTokens;
    };
    // Hoffmann et al. 2022, Eq. 2 solved for D at each N, then for N at each D.
    for (std::size_t i = 0; i < samples; ++i) {
        const double n = at(minParams, maxParams, i);
        const double rest = loss - p.E - p.A / std::pow(n, p.alpha);
        if (rest > 0) {
            const double d = std::pow(p.B / rest, 1.0 / p.beta);
            if (inside(n, d))
                points.emplace_back(n, d);
        }
        const double d = at(minTokens, maxTokens, i);
        const double restD = loss - p.E - p.B / std::pow(d, p.beta);
        if (restD > 0) {
            const double nn = std::pow(p.A / restD, 1.0 / p.alpha);
            if (inside(nn, d))
                points.emplace_back(nn, d);
        }
    }
    // Along the curve N rises as D falls: ordering by N orders the curve.
    std::sort(points.begin(), points.end());
    return points;
}

ScalingChartData scalingChart(const ScalingLaw& law, const RunsTable* runs, const FitResult* fit,
                              std::size_t size, double minParams, double maxParams, double minTokens,
                              double maxTokens, std::optional<std::pair<double, double>> include)
{
    requireParamsData(law, "a scaling chart");
    size = std::clamp<std::size_t>(size, 2, 512);
    ScalingChartData c;
    if (runs != nullptr && !runs->runs.empty()) {
        minParams = minTokens = INFINITY;
        maxParams = maxTokens = 0;
        std::vector<bool> dropped(runs->runs.size(), false);
        if (fit != nullptr)
            for (std::size_t i : fit->dropped)
                if (i < dropped.size())
                    dropped[i] = true;
        for (std::size_t i = 0; i < runs->runs.size(); ++i) {
            const ScalingRun& r = runs->runs[i];
            c.runs.push_back({r.parameters, r.tokens, r.loss, r.compute, !dropped[i]});
            minParams = std::min(minParams, r.parameters);
            maxParams = std::max(maxParams, r.parameters);
            minTokens = std::min(minTokens, r.tokens);
            maxTokens = std::max(maxTokens, r.tokens);
        }
        minParams /= 3;
        maxParams *= 3;
        minTokens /= 3;
        maxTokens *= 3;
    }
    if (include) {
        requirePositive(include->first, "the chart's included N");
        requirePositive(include->second, "the chart's included D");
        minParams = std::min(minParams, include->first / 3);
        maxParams = std::max(maxParams, include->first * 3);
        minTokens = std::min(minTokens, include->second / 3);
        maxTokens = std::max(maxTokens, include->second * 3);
    }
    requirePositive(minParams, "the chart's smallest N");
    requirePositive(minTokens, "the chart's smallest D");
    if (!(maxParams > minParams) || !(maxTokens > minTokens))
        throw InvalidArgument("the chart's ranges must be increasing");
    auto logspace = [&](double lo, double hi) {
        std::vector<double> v;
        for (std::size_t i = 0; i < size; ++i)
            v.push_back(lo * std::pow(hi / lo, static_cast<double>(i) / static_cast<double>(size - 1)));
        return v;
    };
    c.gridParameters = logspace(minParams, maxParams);
    c.gridTokens = logspace(minTokens, maxTokens);
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    for (double n : c.gridParameters) {
        std::vector<double> row;
        for (double d : c.gridTokens) {
            row.push_back(law.loss(n, d));
            lo = std::min(lo, row.back());
            hi = std::max(hi, row.back());
        }
        c.gridLoss.push_back(std::move(row));
    }
    // Evenly spaced in log(L − E): L − E is a sum of two power laws, so these levels are about
    // evenly spaced across the log-log plane instead of crowding where the loss is high.
    constexpr int kLevels = 12;
    const double E = law.params.E;
    for (int k = 1; k <= kLevels; ++k)
        c.contourLevels.push_back(
            E + (lo - E) * std::pow((hi - E) / (lo - E), static_cast<double>(k) / (kLevels + 1)));
    const double cLo = 6.0 * minParams * minTokens, cHi = 6.0 * maxParams * maxTokens;
    for (std::size_t i = 0; i < size; ++i) {
        const double budget =
            cLo * std::pow(cHi / cLo, static_cast<double>(i) / static_cast<double>(size - 1));
        const ComputeOptimum o = computeOptimal(law, budget);
        if (o.parameters >= minParams && o.parameters <= maxParams && o.tokens >= minTokens &&
            o.tokens <= maxTokens)
            c.frontier.push_back({budget, o.parameters, o.tokens, o.loss});
    }
    for (double level : c.contourLevels)
        c.contours.push_back(
            {level, isoLossCurve(law.params, level, minParams, maxParams, minTokens, maxTokens, size * 2)});
    return c;
}

ScalingChartData scalingChart(const ScalingLaw& law, const RunsTable* runs, const FitResult* fit,
                              std::optional<std::pair<double, double>> include, std::size_t size)
{
    return scalingChart(law, runs, fit, size, 1e7, 1e11, 1e8, 1e13, include);
}

} // namespace llamascope
