// Counter-based random init: see forward/init.hpp.

#include "llamascope/forward/init.hpp"

#include "llamascope/errors.hpp"
#include "parallel.hpp"

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
    const std::size_t n = out.size();
    const std::size_t pairs = (n + 1) / 2;
    constexpr float kTwoPi = 2.0f * std::numbers::pi_v<float>;
    constexpr float kScale = 1.0f / 16777216.0f; // 2^-24
    parallelChunks(static_cast<Count>(pairs), threads, [&](Count begin, Count end) {
        for (auto p = static_cast<std::size_t>(begin); p < static_cast<std::size_t>(end); ++p) {
            const std::uint64_t r = draw(key, p);
            // Two 24-bit uniforms: u1 in (0, 1] so the log is finite, u2 in [0, 1).
            const float u1 = static_cast<float>((r >> 40) + 1) * kScale;
            const float u2 = static_cast<float>(r & 0xFFFFFFu) * kScale;
            const float radius = stddev * std::sqrt(-2.0f * std::log(u1));
            const float angle = kTwoPi * u2;
            out[2 * p] = radius * std::cos(angle);
            if (2 * p + 1 < n)
                out[2 * p + 1] = radius * std::sin(angle);
        }
    });
}

Tensor makeInitTensor(const TensorSpec& spec, std::uint64_t seed, double stddev, int threads)
{
    Tensor t;
    t.name = spec.name;
    t.shape = spec.shape;
    const Count n = spec.numel();
    switch (spec.role) {
    case TensorRole::NormGain: t.values.assign(static_cast<std::size_t>(n), 1.0f); break;
    case TensorRole::Bias: t.values.assign(static_cast<std::size_t>(n), 0.0f); break;
    case TensorRole::Weight:
        t.values.resize(static_cast<std::size_t>(n));
        fillNormal(rngKey(seed, spec.name), static_cast<float>(stddev), t.values, threads);
        break;
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
