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

/// HF names, per family (SPEC §11, §13; docs/forward.md "Weights"), all made from the
/// config's traits — no list per model type:
///   model.embed_tokens.weight [V, d]
///   model.position_embeddings.position_embeddings.weight [P, d]   (learned positions only)
///   model.layers.{i}.<norm>.weight [d]  by NormTraits::placement:
///       pre       input_layernorm (attention input), post_attention_layernorm (MLP input)
///       sandwich  input_layernorm, post_attention_layernorm (attention output),
///                 pre_feedforward_layernorm, post_feedforward_layernorm (MLP output)
///       post      post_attention_layernorm, post_feedforward_layernorm (block outputs)
///   model.layers.{i}.self_attn.{q,k,v,o}_proj.weight [H·h, d] [K·h, d] [K·h, d] [d, H·h]
///       or self_attn.qkv_proj.weight [(H+2K)·h, d] (TensorLayout::fusedQkv; q rows first)
///   model.layers.{i}.self_attn.{q,k,v}_proj.bias, o_proj.bias   (qkvBias, outputBias)
///   model.layers.{i}.self_attn.{q,k}_norm.weight [h] (per head) or [H·h], [K·h] (full)
///   model.layers.{i}.mlp.{gate,up,down}_proj.weight [f, d] [f, d] [d, f] (+ .bias with mlp bias)
///       or mlp.gate_up_proj.weight [2f, d] (TensorLayout::fusedGateUp; gate rows first)
///   mixture of experts: model.layers.{i}.block_sparse_moe.gate.weight [E, d] (router) and
///       block_sparse_moe.experts.{j}.{w1,w3,w2}.weight [f, d] [f, d] [d, f] (gate, up, down)
///   model.norm.weight [d]
///   lm_head.weight [V, d]                               (untied only)
std::vector<TensorSpec> embeddingSpecs(const ModelConfig& config); ///< embedding, position table
std::vector<TensorSpec> layerSpecs(const ModelConfig& config, Count layer);
std::vector<TensorSpec> headSpecs(const ModelConfig& config); ///< final norm, lm_head
std::vector<TensorSpec> allSpecs(const ModelConfig& config);  ///< all of the above, in order

/// A tensor a checkpoint holds: its name and shape (a safetensors header entry). A tensor
/// known only from a shard index, whose shard is absent, has no known shape.
struct TensorShape {
    std::string name;
    std::vector<Count> shape;
    bool shapeKnown = true;
};

/// One disagreement between the tensors a config needs and those a checkpoint holds.
struct TensorMismatch {
    enum class Kind {
        Missing,    ///< the config needs it, the checkpoint lacks it
        Unexpected, ///< the checkpoint has it, the config has no place for it
        Shape       ///< both have it, with different shapes (checked only where the shape is known)
    };
    Kind kind = Kind::Missing;
    std::string name;
    std::vector<Count> expected; ///< empty for Unexpected
    std::vector<Count> actual;   ///< empty for Missing, or when the checkpoint's shape is not known
    /// "name: checkpoint has [40, 16], config expects [48, 16]" and the like.
    [[nodiscard]] std::string message() const;
};

/// Compares a checkpoint's tensors with a config's specs: every spec missing or of another
/// shape, then every tensor without a spec (sorted by name), except rotary `inv_freq` buffers
/// (older transformers saved them; they are recomputed) and an `lm_head.weight` shaped like
/// the embedding in a tied checkpoint (the shared matrix saved twice). Used by `forward
/// --weights` and by the snapshot check of `validate` alike.
std::vector<TensorMismatch> compareTensors(const std::vector<TensorSpec>& specs,
                                           const std::vector<TensorShape>& present);

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
    // The layers and the final norm again, split as ParameterCounts splits them:
    Count attention = 0; ///< q/k/v/o (fused or not), their biases, q/k norms
    Count mlp = 0;       ///< gate/up/down (fused or not), biases, router, every expert
    Count norms = 0;     ///< the layers' norm gains and the final norm
    [[nodiscard]] Count total() const;
};

struct EmbeddingWeights {
    Tensor tokens;                   ///< [V, d]
    std::optional<Tensor> positions; ///< [P, d], learned positions only
};

/// One dense MLP, or one expert of a mixture.
struct MlpWeights {
    std::optional<Tensor> gate;              ///< [f, d]; absent for a non-gated MLP
    Tensor up, down;                         ///< [f, d] [d, f]
    std::optional<Tensor> gateb, upb, downb; ///< [f] [f] [d]
};

/// A decoder layer's weights, by role. Fused checkpoint tensors (Phi-3's qkv_proj and
/// gate_up_proj) are split into their row blocks when loaded, so the pass sees one layout.
struct LayerWeights {
    /// Norm gains [d] by role; which exist follows NormTraits::placement.
    std::optional<Tensor> attnInNorm, attnOutNorm, mlpInNorm, mlpOutNorm;
    Tensor q, k, v, o;                    ///< [H·h, d] [K·h, d] [K·h, d] [d, H·h]
    std::optional<Tensor> qb, kb, vb, ob; ///< [H·h] [K·h] [K·h] [d]
    std::optional<Tensor> qNorm, kNorm;   ///< [h] (per head) or [H·h], [K·h] (full)
    std::optional<Tensor> router;         ///< [E, d] for a mixture of experts
    std::vector<MlpWeights> experts;      ///< one dense MLP, or E experts
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
