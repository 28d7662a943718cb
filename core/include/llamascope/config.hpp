#pragma once
// The decoder config model (SPEC §3, §13): one decoder with traits, read from the
// config.json of nine transformers model types. A family (model_type) is a row of defaults
// and fixed traits (model_types.hpp) plus the keys its config class reads (rules.hpp); no
// code outside those two tables branches on the model type.
//
// Every field is resolved: defaults applied, aliases (rope_scaling / rope_parameters,
// hidden_act / hidden_activation) folded, per-layer attention kinds worked out.

#include "llamascope/checked.hpp"
#include "llamascope/enum_table.hpp"

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llamascope {

/// The transformers model types llamascope reads (config.json "model_type").
enum class ModelType { Llama, Mistral, Mixtral, Qwen2, Qwen3, Gemma, Gemma2, Phi3, Olmo2 };
const EnumTable<ModelType>& modelTypes();
std::string_view toString(ModelType t);

/// How positions enter the model (SPEC §11). `position_embedding_type` is a llamascope
/// extension used by the bundled family; transformers' classes always use RoPE.
enum class PositionType { Rope, Learned, Sinusoidal, None };
const EnumTable<PositionType>& positionTypes();
std::string_view toString(PositionType t);
std::optional<PositionType> positionTypeFromString(std::string_view s);

/// RoPE frequency scaling kinds of transformers' modeling_rope_utils.py.
enum class RopeKind { Default, Linear, Dynamic, Yarn, LongRope, Llama3 };
const EnumTable<RopeKind>& ropeKinds();

/// `rope_scaling` (transformers < 5) or `rope_parameters` (transformers ≥ 5), resolved.
/// Optional members are absent from the file; consumers apply transformers' defaults
/// (docs/config-format.md lists them per kind).
struct RopeScaling {
    RopeKind kind = RopeKind::Default;
    double factor = 1.0; ///< linear, dynamic, yarn, llama3 (longrope: optional)
    std::optional<Count> originalMaxPositionEmbeddings;  ///< yarn, longrope, llama3
    std::optional<double> attentionFactor;               ///< yarn, longrope: cos/sin scale
    std::optional<double> betaFast, betaSlow;            ///< yarn (32, 1)
    std::optional<double> mscale, mscaleAllDim;          ///< yarn (DeepSeek form)
    std::optional<bool> truncate;                        ///< yarn (true)
    std::optional<double> lowFreqFactor, highFreqFactor; ///< llama3
    std::vector<double> shortFactor, longFactor;         ///< longrope: one per rotary pair
    friend bool operator==(const RopeScaling&, const RopeScaling&) = default;
};

/// Where a layer's norms sit (docs/formulas.md "Norm placement").
enum class NormPlacement {
    Pre,      ///< x += Attn(N1(x)); x += MLP(N2(x))                      (LLaMA; 2 per layer)
    Sandwich, ///< x += N2(Attn(N1(x))); x += N4(MLP(N3(x)))              (Gemma 2; 4 per layer)
    Post      ///< x += N1(Attn(x)); x += N2(MLP(x))                      (OLMo 2; 2 per layer)
};
const EnumTable<NormPlacement>& normPlacements();

/// RMSNorm on queries and keys before RoPE.
enum class QkNorm {
    None,
    PerHead, ///< one gain of width head_dim shared by every head (Qwen3)
    Full     ///< one gain over the whole projection, H·h and K·h wide (OLMo 2)
};
const EnumTable<QkNorm>& qkNorms();

/// Which layers use sliding-window attention. Compact so that a config with a huge layer
/// count costs no memory; Explicit holds a `layer_types` list read from the file.
struct SlidingLayers {
    enum class Rule { None, All, EvenIndices, FromIndex, Explicit };
    Rule rule = Rule::None;
    Count fromIndex = 0;              ///< FromIndex: layers i >= fromIndex slide (Qwen2 max_window_layers)
    std::vector<bool> explicitLayers; ///< Explicit: one flag per layer
    [[nodiscard]] bool isSliding(Count layer) const;
    [[nodiscard]] Count count(Count layers) const; ///< how many of `layers` layers slide
    friend bool operator==(const SlidingLayers&, const SlidingLayers&) = default;
};

struct AttentionTraits {
    bool qkvBias = false;    ///< biases on q/k/v projections
    bool outputBias = false; ///< bias on o_proj
    QkNorm qkNorm = QkNorm::None;
    /// Scores are scaled by queryPreAttnScalar^-1/2 when set (Gemma 2), else head_dim^-1/2.
    std::optional<double> queryPreAttnScalar;
    std::optional<double> logitSoftcap; ///< scores ← cap·tanh(scores/cap) (Gemma 2)
    Count slidingWindow = 0;            ///< keys per query on sliding layers (0: none)
    SlidingLayers slidingLayers;
    friend bool operator==(const AttentionTraits&, const AttentionTraits&) = default;
};

struct MlpTraits {
    bool gated = true;         ///< act(gate(x)) ⊙ up(x) → down; false: act(up(x)) → down
    bool bias = false;         ///< biases on gate/up/down
    Count numExperts = 0;      ///< 0: one dense MLP; else a mixture of experts with a router
    Count expertsPerToken = 0; ///< top-k experts each token is routed to
    [[nodiscard]] bool moe() const { return numExperts > 0; }
    friend bool operator==(const MlpTraits&, const MlpTraits&) = default;
};

struct NormTraits {
    NormPlacement placement = NormPlacement::Pre;
    bool unitOffset = false; ///< y = x̂·(1 + w) instead of x̂·w (Gemma)
    friend bool operator==(const NormTraits&, const NormTraits&) = default;
};

struct EmbeddingTraits {
    bool scaleByRootHidden = false;          ///< X = E[ids]·√d (Gemma)
    std::optional<double> finalLogitSoftcap; ///< logits ← cap·tanh(logits/cap) (Gemma 2)
    friend bool operator==(const EmbeddingTraits&, const EmbeddingTraits&) = default;
};

/// How a checkpoint stores the projections (only names and slicing differ; counts do not).
struct TensorLayout {
    bool fusedQkv = false;    ///< self_attn.qkv_proj [(H+2K)·h, d] (Phi-3)
    bool fusedGateUp = false; ///< mlp.gate_up_proj [2f, d], gate first (Phi-3)
    friend bool operator==(const TensorLayout&, const TensorLayout&) = default;
};

/// Where the context length P came from.
enum class ContextSource { MaxPositionEmbeddings, MaxSequenceLength, Default };

/// A validated config with every default applied. Obtain one from loadConfig() (which
/// validates) or from ModelConfig::defaults() / withShape() and check it with validateConfig().
struct ModelConfig {
    std::string name = "llama"; ///< display name: the file stem, snapshot folder or bundled name

    ModelType modelType = ModelType::Llama;
    Count vocabSize = 32000;
    Count hiddenSize = 4096;        ///< d
    Count intermediateSize = 11008; ///< f (per expert for a mixture of experts)
    Count numHiddenLayers = 32;     ///< L
    Count numAttentionHeads = 32;   ///< H
    Count numKeyValueHeads = 32;    ///< K (resolved: defaults to H)
    Count headDim = 128;            ///< h (resolved: defaults to d / H)
    std::string hiddenAct = "silu"; ///< MLP activation (transformers ACT2FN name)
    Count contextLength = 2048;     ///< P (resolved, see ContextSource)
    ContextSource contextSource = ContextSource::Default;
    double initializerRange = 0.02;
    double rmsNormEps = 1e-6;
    bool tieWordEmbeddings = false;

    PositionType positionType = PositionType::Rope;
    double ropeTheta = 10000.0;
    std::optional<RopeScaling> ropeScaling; ///< absent: plain RoPE
    double partialRotaryFactor = 1.0;       ///< fraction of head_dim rotated (Phi-3)
    /// Phi-3's top-level original_max_position_embeddings (the pre-training length longrope
    /// scales from); rope_scaling's own key of that name is in ropeScaling.
    std::optional<Count> originalMaxPositionEmbeddings;

    AttentionTraits attention;
    MlpTraits mlp;
    NormTraits norms;
    EmbeddingTraits embedding;
    TensorLayout layout;

    std::optional<Count> bosTokenId;
    std::optional<Count> eosTokenId;
    std::optional<Count> padTokenId;

    /// The document as loaded (key order and unknown keys), or null for configs built in code.
    std::shared_ptr<const nlohmann::ordered_json> original;

    /// The family's row: transformers' defaults and fixed traits for `type`.
    static ModelConfig defaults(ModelType type);

    /// Convenience: a LLaMA config with the given shape and ModelConfig defaults elsewhere.
    /// headDim = d / H and K = H.
    static ModelConfig withShape(Count hidden, Count layers, Count heads, Count intermediate,
                                 Count vocab = 32000, Count context = 2048);

    /// Width RoPE rotates: head_dim · partial_rotary_factor, rounded down to an even number.
    [[nodiscard]] Count rotaryDim() const;
    /// Does layer `i` use sliding-window attention?
    [[nodiscard]] bool slidingLayer(Count layer) const;
    /// Number of layers with sliding-window attention.
    [[nodiscard]] Count slidingLayerCount() const;
    /// Norm gains per layer (2 or 4) by placement.
    [[nodiscard]] Count normsPerLayer() const;
};

/// HF config.json for `config`. If the config was loaded, the original keys keep their
/// order and unknown keys are kept; modelled fields are written with their current values.
/// Configs built in code get the modern canonical form (sorted keys, the family's class
/// name) that `validate --strict` passes clean.
nlohmann::ordered_json toHfJson(const ModelConfig& config);

/// toHfJson() dumped with 2-space indentation and a final newline.
std::string toHfJsonText(const ModelConfig& config);

} // namespace llamascope
