#pragma once
// The binding table: one row per config.json key llamascope knows — its JSON rule (type,
// range), which model types' config classes read it, which ModelConfig field it sets and
// its role. It drives the validator, toHfJson(), the JSON output, the GUI's form and the
// published JSON Schema (schemas/llama-config.schema.json is generated from it and tested
// against it). Also the catalogue of finding codes.

#include "llamascope/config.hpp"
#include "llamascope/finding.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace llamascope {

enum class FieldType {
    Integer, ///< JSON integer within [minimum, 2^63-1]
    Number,  ///< finite JSON number within the bounds below
    Boolean,
    String,      ///< any string, or one of `allowed` when that is non-empty
    TokenId,     ///< integer >= -1, or an array of them, or null
    StringArray, ///< array of strings
    RopeScaling, ///< null or {"type"|"rope_type": ..., "factor": ..., ...}
    LayerTypes,  ///< array of "full_attention" / "sliding_attention", one per layer
    Any,         ///< a known key whose value llamascope does not interpret
};

/// What a key is for; decides how an unexpected value is reported.
enum class KeyRole {
    Shape,     ///< sets a size; absence is a `missing-key` warning
    Behaviour, ///< changes the numbers or the forward pass
    Metadata,  ///< names, versions, dtypes, token ids, generation settings: no effect on numbers
    Training,  ///< only matters when training (dropout, router losses)
    Extension, ///< a llamascope extension (position_embedding_type) or legacy key
};

/// The model field a key sets (the "model field" column of the binding table).
enum class Field {
    None,
    ModelType,
    VocabSize,
    HiddenSize,
    IntermediateSize,
    NumHiddenLayers,
    NumAttentionHeads,
    NumKeyValueHeads,
    HeadDim,
    HiddenAct,
    HiddenActivation,
    MaxPositionEmbeddings,
    MaxSequenceLength,
    InitializerRange,
    RmsNormEps,
    TieWordEmbeddings,
    RopeTheta,
    RopeScaling,
    RopeParameters,
    PartialRotaryFactor,
    AttentionBias,
    MlpBias,
    PositionEmbeddingType,
    SlidingWindow,
    UseSlidingWindow,
    MaxWindowLayers,
    LayerTypes,
    NumLocalExperts,
    NumExpertsPerTok,
    QueryPreAttnScalar,
    AttnLogitSoftcapping,
    FinalLogitSoftcapping,
    OriginalMaxPositionEmbeddings,
    UseBidirectionalAttention,
    PretrainingTp,
    BosTokenId,
    EosTokenId,
    PadTokenId,
};

/// A set of model types (bit i = ModelType i).
class ModelTypeSet {
public:
    constexpr ModelTypeSet() = default;
    static ModelTypeSet all();
    static ModelTypeSet of(std::initializer_list<ModelType> types);
    [[nodiscard]] bool contains(ModelType t) const { return (bits_ >> static_cast<unsigned>(t)) & 1U; }
    [[nodiscard]] bool isAll() const;
    /// "llama, mistral and qwen2"
    [[nodiscard]] std::string text() const;

private:
    std::uint32_t bits_ = 0;
};

struct FieldRule {
    std::string_view key;
    FieldType type = FieldType::Any;
    std::string_view description;
    KeyRole role = KeyRole::Metadata;
    Field field = Field::None;
    ModelTypeSet readBy = ModelTypeSet::all(); ///< config classes that read the key
    bool nullable = false;
    bool shapeKey = false;                 ///< absence is a `missing-key` warning
    std::optional<std::int64_t> minInt;    ///< Integer: inclusive minimum
    std::optional<double> minNumber;       ///< Number: minimum
    bool minExclusive = false;             ///< Number: minimum is exclusive
    std::optional<double> maxNumber;       ///< Number: inclusive maximum
    std::vector<std::string_view> allowed; ///< String: permitted values
};

/// Every key llamascope knows, in documentation order.
std::span<const FieldRule> configFieldRules();
const FieldRule* findFieldRule(std::string_view key);
/// The rule of the key that sets `field` (the first, for fields with aliases).
const FieldRule* findFieldRule(Field field);

/// The value a model type's config class uses when `rule`'s key is absent, as JSON text
/// ("4096", "null", "hidden_size / num_attention_heads"); empty for keys without one.
std::string defaultText(const FieldRule& rule, ModelType type);

/// The current value of `field` in `config` as JSON (what toHfJson writes); null JSON for
/// Field::None and for absent optional values.
nlohmann::ordered_json fieldValue(const ModelConfig& config, Field field);

/// The keys each rope_scaling / rope_parameters kind needs and accepts (transformers'
/// modeling_rope_utils.py rope_config_validation).
struct RopeKindKeys {
    RopeKind kind;
    std::vector<std::string_view> required;
    std::vector<std::string_view> optional;
};
std::span<const RopeKindKeys> ropeKindKeys();

/// Activation names transformers' ACT2FN accepts.
std::span<const std::string_view> knownActivations();
/// rope_scaling types transformers knows ("default" included).
std::span<const std::string_view> knownRopeScalingTypes();

/// The JSON Schema (2020-12) for config files, generated from configFieldRules().
nlohmann::ordered_json configSchema();

} // namespace llamascope
