// RoPE frequencies: see rope.hpp. Each kind follows transformers' modeling_rope_utils.py
// (_compute_*_parameters) and the RotaryEmbedding update rules of the modeling files; formulas
// and sources in docs/forward.md "RoPE scaling".

#include "rope.hpp"

#include "llamascope/errors.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace llamascope::ops {

namespace {

// inv_freq_j = base^(−2j/dim) for j < dim/2 (the plain RoPE of Su et al. 2021).
std::vector<double> plainFrequencies(double base, Count dim)
{
    std::vector<double> f(static_cast<std::size_t>(dim / 2));
    for (std::size_t j = 0; j < f.size(); ++j)
        f[j] = 1.0 / std::pow(base, static_cast<double>(2 * j) / static_cast<double>(dim));
    return f;
}

// The max_position_embeddings transformers sees: a length given only as the GaLore family's
// max_sequence_length is never read by transformers, which uses its class default.
double transformersContext(const ModelConfig& c)
{
    return static_cast<double>(c.contextSource == ContextSource::MaxSequenceLength
                                   ? ModelConfig::defaults(c.modelType).contextLength
                                   : c.contextLength);
}

// YaRN's attention scale (Peng et al. 2023, eq. 22): 0.1·m·ln(s) + 1 for s > 1.
double yarnMscale(double scale, double m)
{
    return scale <= 1.0 ? 1.0 : 0.1 * m * std::log(scale) + 1.0;
}

// _compute_yarn_parameters (transformers ≥ 4.56: factor as given, original length for the
// correction range only).
void yarn(const RopeScaling& s, double base, Count dim, double context, RopeFrequencies& r)
{
    const double factor = s.factor;
    const double original =
        s.originalMaxPositionEmbeddings ? static_cast<double>(*s.originalMaxPositionEmbeddings) : context;
    if (s.attentionFactor)
        r.attentionFactor = *s.attentionFactor;
    else if (s.mscale && s.mscaleAllDim && *s.mscale != 0.0 && *s.mscaleAllDim != 0.0)
        r.attentionFactor = yarnMscale(factor, *s.mscale) / yarnMscale(factor, *s.mscaleAllDim);
    else
        r.attentionFactor = yarnMscale(factor, 1.0);
    // `get("beta_fast") or 32`: absent (or 0) means the paper's 32 and 1.
    const double betaFast = s.betaFast && *s.betaFast != 0.0 ? *s.betaFast : 32.0;
    const double betaSlow = s.betaSlow && *s.betaSlow != 0.0 ? *s.betaSlow : 1.0;
    // The dimension whose wavelength turns `rotations` times over the original context.
    auto correctionDim = [&](double rotations) {
        return static_cast<double>(dim) * std::log(original / (rotations * 2.0 * std::numbers::pi)) /
               (2.0 * std::log(base));
    };
    double low = correctionDim(betaFast), high = correctionDim(betaSlow);
    if (s.truncate.value_or(true)) {
        low = std::floor(low);
        high = std::ceil(high);
    }
    low = std::max(low, 0.0);
    high = std::min(high, static_cast<double>(dim - 1));
    if (low == high)
        high += 0.001; // as transformers: no division by zero
    const std::vector<double> extrapolation = plainFrequencies(base, dim);
    r.invFreq.resize(extrapolation.size());
    for (std::size_t j = 0; j < extrapolation.size(); ++j) {
        const double ramp = std::clamp((static_cast<double>(j) - low) / (high - low), 0.0, 1.0);
        const double keep = 1.0 - ramp; // share of the unscaled (extrapolated) frequency
        r.invFreq[j] = extrapolation[j] / factor * (1.0 - keep) + extrapolation[j] * keep;
    }
}

// _compute_longrope_parameters and Phi-3's update rule: short factors up to the original
// length, long factors beyond it.
void longrope(const ModelConfig& c, const RopeScaling& s, double base, Count dim, double context,
              Count seqLen, RopeFrequencies& r)
{
    const double original =
        s.originalMaxPositionEmbeddings   ? static_cast<double>(*s.originalMaxPositionEmbeddings)
        : c.originalMaxPositionEmbeddings ? static_cast<double>(*c.originalMaxPositionEmbeddings)
                                          : context;
    // A factor of 1 is how the config model stores "absent" for longrope: then the ratio of
    // the context to the original length, as transformers derives it.
    const double factor = s.factor != 1.0 ? s.factor : context / original;
    if (s.attentionFactor)
        r.attentionFactor = *s.attentionFactor;
    else
        r.attentionFactor = factor <= 1.0 ? 1.0 : std::sqrt(1.0 + std::log(factor) / std::log(original));
    const std::vector<double>& ext = static_cast<double>(seqLen) > original ? s.longFactor : s.shortFactor;
    const std::vector<double> plain = plainFrequencies(base, dim);
    if (ext.size() != plain.size())
        throw InvalidArgument("longrope needs " + std::to_string(plain.size()) +
                              " factors (one per rotary pair), got " + std::to_string(ext.size()));
    r.invFreq.resize(plain.size());
    for (std::size_t j = 0; j < plain.size(); ++j)
        r.invFreq[j] = plain[j] / ext[j];
}

// _compute_llama3_parameters: wavelengths below original/high_freq_factor kept, above
// original/low_freq_factor divided by the factor, smoothly interpolated between.
void llama3(const RopeScaling& s, double context, RopeFrequencies& r)
{
    const double factor = s.factor;
    const double low = s.lowFreqFactor.value_or(1.0), high = s.highFreqFactor.value_or(4.0);
    const double old =
        s.originalMaxPositionEmbeddings ? static_cast<double>(*s.originalMaxPositionEmbeddings) : context;
    const double lowFreqWavelen = old / low, highFreqWavelen = old / high;
    for (double& f : r.invFreq) {
        const double wavelen = 2.0 * std::numbers::pi / f;
        if (wavelen < highFreqWavelen)
            continue;
        if (wavelen > lowFreqWavelen) {
            f /= factor;
            continue;
        }
        const double smooth = (old / wavelen - low) / (high - low);
        f = (1.0 - smooth) * f / factor + smooth * f;
    }
}

} // namespace

RopeFrequencies ropeFrequencies(const ModelConfig& c, Count seqLen)
{
    const Count dim = c.rotaryDim();
    const double base = c.ropeTheta;
    RopeFrequencies r;
    r.invFreq = plainFrequencies(base, dim);
    if (!c.ropeScaling)
        return r;
    const RopeScaling& s = *c.ropeScaling;
    const double context = transformersContext(c);
    switch (s.kind) {
    case RopeKind::Default: break;
    case RopeKind::Linear: // Chen et al. 2023: positions divided by the factor
        for (double& f : r.invFreq)
            f /= s.factor;
        break;
    case RopeKind::Dynamic: {
        // NTK-aware: θ grown for the sequence once it exceeds the context (never below it).
        if (dim <= 2)
            throw InvalidArgument(
                "dynamic RoPE scaling divides by rotary width − 2, and the rotary width is " +
                std::to_string(dim) + "; transformers cannot compute it either");
        const double len = std::max(static_cast<double>(seqLen), context);
        const double grown = base * std::pow(s.factor * len / context - (s.factor - 1.0),
                                             static_cast<double>(dim) / static_cast<double>(dim - 2));
        r.invFreq = plainFrequencies(grown, dim);
        break;
    }
    case RopeKind::Yarn: yarn(s, base, dim, context, r); break;
    case RopeKind::LongRope: longrope(c, s, base, dim, context, seqLen, r); break;
    case RopeKind::Llama3: llama3(s, context, r); break;
    }
    return r;
}

RopeTables ropeTables(const RopeFrequencies& f, Count seqLen)
{
    RopeTables t;
    t.half = static_cast<Count>(f.invFreq.size());
    t.cos.resize(static_cast<std::size_t>(seqLen * t.half));
    t.sin.resize(t.cos.size());
    for (Count pos = 0; pos < seqLen; ++pos)
        for (Count j = 0; j < t.half; ++j) {
            const double angle = static_cast<double>(pos) * f.invFreq[static_cast<std::size_t>(j)];
            const auto i = static_cast<std::size_t>(pos * t.half + j);
            t.cos[i] = static_cast<float>(std::cos(angle) * f.attentionFactor);
            t.sin[i] = static_cast<float>(std::sin(angle) * f.attentionFactor);
        }
    return t;
}

} // namespace llamascope::ops
