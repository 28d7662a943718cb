#pragma once
// Weights of the reference forward pass: which tensors a config needs (HF names and shapes),
// where they come from (random init or a safetensors checkpoint), and the per-layer structs
// the forward function reads. Storage order: see forward/tensor.hpp (row-major, [out, in]).

#include "llamascope/config.hpp"
#include "llamascope/forward/safetensors.hpp"
#include "llamascope/forward/tensor.hpp"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace llamascope {

/// HF names (SPEC §11):
///   model.embed_tokens.weight [V, d]
///   model.position_embeddings.position_embeddings.weight [P, d]   (learned positions only)
///   model.layers.{i}.input_layernorm.weight [d]
///   model.layers.{i}.self_attn.{q,k,v,o}_proj.weight [H·h, d] [K·h, d] [K·h, d] [d, H·h]
///   model.layers.{i}.self_attn.{q,k,v,o}_proj.bias    (attention_bias only)
///   model.layers.{i}.post_attention_layernorm.weight [d]
///   model.layers.{i}.mlp.{gate,up,down}_proj.weight [f, d] [f, d] [d, f]
///   model.layers.{i}.mlp.{gate,up,down}_proj.bias     (mlp_bias only)
///   model.norm.weight [d]
///   lm_head.weight [V, d]                               (untied only)
std::vector<TensorSpec> embeddingSpecs(const ModelConfig& config); ///< embedding, position table
std::vector<TensorSpec> layerSpecs(const ModelConfig& config, Count layer);
std::vector<TensorSpec> headSpecs(const ModelConfig& config); ///< final norm, lm_head
std::vector<TensorSpec> allSpecs(const ModelConfig& config);  ///< all of the above, in order

/// Where tensors come from. Implementations throw IoError when a tensor cannot be had.
class WeightSource {
public:
    virtual ~WeightSource() = default;
    /// A float32 tensor with exactly spec.shape.
    virtual Tensor load(const TensorSpec& spec) = 0;
    /// Mismatches between the source and a config's specs, one message per tensor, each
    /// naming the tensor and both shapes; empty when the source can supply every spec.
    [[nodiscard]] virtual std::vector<std::string> mismatches(const std::vector<TensorSpec>& specs) const = 0;
    /// "random init (seed 0, std 0.02)" or the checkpoint path.
    [[nodiscard]] virtual std::string describe() const = 0;
    /// The files the weights are read from (none for random init): outputs must never be
    /// written over them (OutputPolicy::inputs).
    [[nodiscard]] virtual std::vector<std::filesystem::path> files() const { return {}; }
    /// Threads the source may use to make one tensor.
    void setThreads(int threads) { threads_ = threads < 1 ? 1 : threads; }

protected:
    [[nodiscard]] int threads() const { return threads_; }

private:
    int threads_ = 1;
};

/// Random init keyed by (seed, tensor name): see forward/init.hpp.
class RandomWeights final : public WeightSource {
public:
    RandomWeights(std::uint64_t seed, double stddev) : seed_(seed), stddev_(stddev) {}
    Tensor load(const TensorSpec& spec) override;
    [[nodiscard]] std::vector<std::string> mismatches(const std::vector<TensorSpec>&) const override
    {
        return {};
    }
    [[nodiscard]] std::string describe() const override;

private:
    std::uint64_t seed_;
    double stddev_;
};

/// A safetensors checkpoint read tensor by tensor.
class CheckpointWeights final : public WeightSource {
public:
    explicit CheckpointWeights(SafetensorsCheckpoint checkpoint) : checkpoint_(std::move(checkpoint)) {}
    /// Opens a file, an index or a directory (see SafetensorsCheckpoint::open). Throws IoError.
    static CheckpointWeights open(const std::filesystem::path& path);
    Tensor load(const TensorSpec& spec) override;
    /// Missing tensors, wrong shapes, and tensors the config has no place for (except
    /// rotary inv_freq buffers, which older transformers saved and which are recomputed;
    /// and lm_head.weight in a tied checkpoint, which is the embedding anyway).
    [[nodiscard]] std::vector<std::string> mismatches(const std::vector<TensorSpec>& specs) const override;
    [[nodiscard]] std::string describe() const override { return checkpoint_.describe(); }
    [[nodiscard]] std::vector<std::filesystem::path> files() const override { return checkpoint_.files(); }

private:
    SafetensorsCheckpoint checkpoint_;
};

/// A checkpoint that does not fit its config; what() lists every mismatch, one per line.
class CheckpointMismatch : public std::runtime_error {
public:
    CheckpointMismatch(const std::string& source, std::vector<std::string> problems);
    [[nodiscard]] const std::string& source() const { return source_; }
    [[nodiscard]] const std::vector<std::string>& problems() const { return problems_; }

private:
    std::string source_;
    std::vector<std::string> problems_;
};

/// Parameters materialised by a run, by component (compare with ParameterCounts).
struct MaterialisedParameters {
    Count embedding = 0;
    Count positionTable = 0;
    Count layers = 0;
    Count finalNorm = 0;
    Count lmHead = 0; ///< 0 when tied: the embedding is reused, not made twice
    [[nodiscard]] Count total() const;
};

struct EmbeddingWeights {
    Tensor tokens;                   ///< [V, d]
    std::optional<Tensor> positions; ///< [P, d], learned positions only
};

struct LayerWeights {
    Tensor inputNorm;                     ///< [d]
    Tensor q, k, v, o;                    ///< [H·h, d] [K·h, d] [K·h, d] [d, H·h]
    std::optional<Tensor> qb, kb, vb, ob; ///< [H·h] [K·h] [K·h] [d]
    Tensor postNorm;                      ///< [d]
    Tensor gate, up, down;                ///< [f, d] [f, d] [d, f]
    std::optional<Tensor> gateb, upb, downb;
};

struct HeadWeights {
    Tensor finalNorm;             ///< [d]
    std::optional<Tensor> lmHead; ///< [V, d]; absent when tied (use the embedding)
};

/// Loaders: each materialises exactly its specs and adds their sizes to `counted`.
EmbeddingWeights loadEmbedding(const ModelConfig& config, WeightSource& source,
                               MaterialisedParameters& counted);
LayerWeights loadLayer(const ModelConfig& config, Count layer, WeightSource& source,
                       MaterialisedParameters& counted);
HeadWeights loadHead(const ModelConfig& config, WeightSource& source, MaterialisedParameters& counted);

} // namespace llamascope
