#pragma once
// Deterministic random init keyed by (seed, tensor name) (SPEC §11).
//
// A counter-based generator: element pair i of a tensor is a pure function of
// (seed, name, i) — SplitMix64's finaliser applied to key + (i+1)·γ, turned into two normals
// by Box–Muller. No state is carried from one tensor to the next, so any tensor (any layer)
// can be made alone, in any order, on any number of threads, and comes out the same.

#include "llamascope/checked.hpp"
#include "llamascope/forward/tensor.hpp"

#include <cstdint>
#include <span>
#include <string_view>

namespace llamascope {

/// The stream key of `name` under `seed`.
std::uint64_t rngKey(std::uint64_t seed, std::string_view name);

/// Fills `out` with N(0, stddev²) draws of the stream `key` (elements 0 .. out.size()-1).
/// Deterministic for a given build (the transcendental functions are Eigen's vectorised ones).
/// `threads` ≥ 1 splits the work; the result does not depend on it.
void fillNormal(std::uint64_t key, float stddev, std::span<float> out, int threads = 1);

/// Makes the tensor `spec` as random init does: norm gains 1, (1 + w) norm gains and biases
/// 0, weights N(0, stddev²) drawn from rngKey(seed, spec.name), and spec.zeroRow (if any) 0.
Tensor makeInitTensor(const TensorSpec& spec, std::uint64_t seed, double stddev, int threads = 1);

/// `count` token ids uniform in [0, vocab), drawn from rngKey(seed, "tokens").
std::vector<std::int64_t> randomTokens(std::uint64_t seed, Count vocab, Count count);

} // namespace llamascope
