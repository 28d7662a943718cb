// Counter-based random init: see forward/init.hpp.

#include "llamascope/forward/init.hpp"

#include "llamascope/errors.hpp"
#include "parallel.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace llamascope {

namespace {

constexpr std::uint64_t kGamma = 0x9E3779B97F4A7C15ull; // SplitMix64's increment (golden ratio)

// SplitMix64's output function (Steele, Lea, Flood 2014): a bijective 64-bit mixer.
constexpr std::uint64_t mix64(std::uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// The i-th output of the stream `key`.
constexpr std::uint64_t draw(std::uint64_t key, std::uint64_t i)
{
    return mix64(key + (i + 1) * kGamma);
}

} // namespace

std::uint64_t rngKey(std::uint64_t seed, std::string_view name)
{
    std::uint64_t h = 0xCBF29CE484222325ull; // FNV-1a over the name's bytes
    for (const char c : name) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001B3ull;
    }
    return mix64(h ^ mix64(seed + kGamma));
}

void fillNormal(std::uint64_t key, float stddev, std::span<float> out, int threads)
{
    const auto n = static_cast<Count>(out.size());
    const Count pairs = (n + 1) / 2;
    constexpr float kTwoPi = 2.0f * std::numbers::pi_v<float>;
    constexpr float kScale = 1.0f / 16777216.0f; // 2^-24
    constexpr Count kBlock = 1024;               // pairs per vectorised batch
    parallelChunks(
        pairs, threads,
        [&](Count begin, Count end) {
            // Uniforms start at 1 and 0 so lanes past a short first block are valid inputs too.
            Eigen::ArrayXf u1 = Eigen::ArrayXf::Ones(kBlock), u2 = Eigen::ArrayXf::Zero(kBlock);
            Eigen::ArrayXf radius(kBlock), angle(kBlock), z0(kBlock), z1(kBlock);
            for (Count b0 = begin; b0 < end; b0 += kBlock) {
                const Count m = std::min(kBlock, end - b0);
                for (Count j = 0; j < m; ++j) {
                    const std::uint64_t r = draw(key, static_cast<std::uint64_t>(b0 + j));
                    // Two 24-bit uniforms: u1 in (0, 1] so the log is finite, u2 in [0, 1).
                    u1[j] = static_cast<float>((r >> 40) + 1) * kScale;
                    u2[j] = static_cast<float>(r & 0xFFFFFFu) * kScale;
                }
                // Box–Muller on Eigen's vectorised log/sqrt/cos/sin, always over the whole block:
                // a partial block would send its last elements through Eigen's scalar tail,
                // whose results can differ in the last bit, and then element i would depend on
                // the tensor's length. Unused lanes hold earlier uniforms, still valid inputs.
                radius = stddev * (-2.0f * u1.log()).sqrt();
                angle = kTwoPi * u2;
                z0 = radius * angle.cos();
                z1 = radius * angle.sin();
                for (Count j = 0; j < m; ++j) {
                    const auto i = static_cast<std::size_t>(2 * (b0 + j));
                    out[i] = z0[j];
                    if (i + 1 < out.size())
                        out[i + 1] = z1[j];
                }
            }
        },
        kBlock);
}

Tensor makeInitTensor(const TensorSpec& spec, std::uint64_t seed, double stddev, int threads)
{
    Tensor t;
    t.name = spec.name;
    t.shape = spec.shape;
    const Count n = spec.numel();
    switch (spec.role) {
    case TensorRole::NormGain: t.values.assign(static_cast<std::size_t>(n), 1.0f); break;
    case TensorRole::OffsetNormGain:
    case TensorRole::Bias: t.values.assign(static_cast<std::size_t>(n), 0.0f); break;
    case TensorRole::Weight:
        t.values.resize(static_cast<std::size_t>(n));
        fillNormal(rngKey(seed, spec.name), static_cast<float>(stddev), t.values, threads);
        break;
    }
    if (spec.zeroRow && !spec.shape.empty() && *spec.zeroRow >= 0 && *spec.zeroRow < spec.shape[0]) {
        const Count row = n / spec.shape[0];
        std::fill_n(t.values.begin() + static_cast<std::ptrdiff_t>(*spec.zeroRow * row), row, 0.0f);
    }
    return t;
}

std::vector<std::int64_t> randomTokens(std::uint64_t seed, Count vocab, Count count)
{
    if (vocab < 1 || count < 0)
        throw InvalidArgument("randomTokens: vocab must be >= 1 and count >= 0");
    const std::uint64_t key = rngKey(seed, "tokens");
    std::vector<std::int64_t> tokens(static_cast<std::size_t>(count));
    for (std::size_t i = 0; i < tokens.size(); ++i)
        tokens[i] = static_cast<std::int64_t>(draw(key, i) % static_cast<std::uint64_t>(vocab));
    return tokens;
}

} // namespace llamascope
