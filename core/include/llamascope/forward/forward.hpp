#pragma once
// The reference forward pass (SPEC §11, §13): <Family>ForCausalLM semantics of the nine decoder
// families in float32, instrumented to count the parameters it materialises and the matmul
// FLOPs it executes.
//
// Activations are row-major [B·T, width]: row b·T + t is token t of sequence b. Attention is
// computed over exactly the visible pairs (t' ≤ t, and t − W < t' on a sliding-window layer),
// and each expert of a mixture only on the tokens routed to it, so the executed FLOPs equal
// exactMatmulFlops(config, {T, Causal}) × B integer for integer.

#include "llamascope/config.hpp"
#include "llamascope/flops.hpp"
#include "llamascope/forward/kernels.hpp"
#include "llamascope/forward/weights.hpp"
#include "llamascope/params.hpp"
#include "llamascope/progress.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace llamascope {

struct ForwardOptions {
    Count batch = 1;                  ///< B ≥ 1
    Count seqLen = 128;               ///< T ≥ 1 (≤ P for learned positions)
    std::vector<std::int64_t> tokens; ///< B·T ids in [0, V), row-major [B, T]; empty: random
    std::uint64_t seed = 0;           ///< random tokens (and random init, via RandomWeights)
    int threads = 0;                  ///< 0: hardwareThreads()
    Count maxMemoryBytes = 0;         ///< budget for weights + activations; 0: defaultMemoryBudget()
    bool keepLogits = false;          ///< return the [B, T, V] logits
    std::optional<KernelSet> kernels; ///< force a kernel build; none: chooseKernels() decides
};

/// How weights are held during a run.
enum class WeightResidency {
    Resident, ///< everything materialised first (the whole model fits the budget)
    Streamed  ///< made or read one layer at a time and freed after use
};

std::string_view toString(WeightResidency r);

/// Bytes a run needs, estimated before it starts.
struct MemoryPlan {
    Count weightBytes = 0;     ///< every parameter in float32
    Count streamedBytes = 0;   ///< largest set of weights alive at once when streaming
    Count activationBytes = 0; ///< everything else: activations, kernel scratch, logits, tokens, read buffer
    [[nodiscard]] Count residentTotal() const { return weightBytes + activationBytes; }
    [[nodiscard]] Count streamedTotal() const { return streamedBytes + activationBytes; }
};

MemoryPlan planMemory(const ModelConfig& config, Count batch, Count seqLen, int threads, bool keepLogits);

/// The whole model, materialised (Resident runs; benchmarks that time only the compute).
struct ModelWeights {
    EmbeddingWeights embedding;
    std::vector<LayerWeights> layers;
    HeadWeights head;
    MaterialisedParameters counted;
};

/// Checks the source against the config (CheckpointMismatch listing every bad tensor) and
/// materialises every tensor. Progress per layer; throws Cancelled.
ModelWeights loadModel(const ModelConfig& config, WeightSource& source, Progress* progress = nullptr);

struct ForwardOutput {
    std::optional<double> loss; ///< mean next-token CE over B·(T−1) predictions; none if T = 1
    ExactMatmulFlops flops;     ///< executed, all B sequences
    std::vector<float> logits;  ///< [B, T, V] when asked for
};

/// The pure forward function over materialised weights. `tokens` is [B, T] row-major.
/// `kernels`: the kernel build to run (none: chooseKernels()). The same kernels give the same
/// bits for any thread count. Throws InvalidArgument for bad shapes or token ids, or a kernel
/// build the CPU cannot run; Cancelled between layers.
ForwardOutput forwardPass(const ModelConfig& config, const ModelWeights& weights,
                          std::span<const std::int64_t> tokens, Count batch, Count seqLen, int threads,
                          bool keepLogits, Progress* progress = nullptr,
                          std::optional<KernelSet> kernels = std::nullopt);

struct ForwardResult {
    Count batch = 1, seqLen = 1;
    int threads = 1;
    KernelChoice kernels; ///< the kernel build that ran
    std::string weightsSource;
    std::optional<double> loss;
    double lnVocab = 0; ///< ln V: the loss a uniform prediction gets
    MaterialisedParameters measuredParams;
    ParameterCounts analyticParams;
    ExactMatmulFlops measuredFlops; ///< executed, all B sequences
    ExactMatmulFlops analyticFlops; ///< exactMatmulFlops(config, {T, Causal}) × B
    WeightResidency residency = WeightResidency::Resident;
    Count budgetBytes = 0;
    MemoryPlan plan;
    Count peakRssBytes = 0;    ///< process peak RSS after the run (0 if unknown)
    double secondsWeights = 0; ///< making or reading weights
    double secondsCompute = 0; ///< the forward arithmetic
    double seconds = 0;        ///< wall time of the whole run
    std::vector<float> logits; ///< [B, T, V] if ForwardOptions::keepLogits

    [[nodiscard]] bool paramsMatch() const;
    [[nodiscard]] bool flopsMatch() const;
    [[nodiscard]] Count tokens() const { return batch * seqLen; }
    [[nodiscard]] double tokensPerSecond() const;
    [[nodiscard]] double gflopsPerSecond() const; ///< executed matmul FLOPs / compute seconds
};

/// One use case: run a forward pass of `config` with weights from `source` under the memory
/// budget, resident when the whole model fits and streamed layer by layer otherwise.
/// Throws InvalidArgument (bad options, budget too small even when streaming),
/// CheckpointMismatch, IoError, Cancelled.
ForwardResult runForward(const ModelConfig& config, WeightSource& source, const ForwardOptions& options,
                         Progress* progress = nullptr);

} // namespace llamascope
