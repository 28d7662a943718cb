// The config model's enums, derived quantities and its HF JSON form. Which keys exist and
// which field each sets is the binding table in rules.cpp; this file only walks it.

#include "llamascope/config.hpp"

#include "llamascope/model_types.hpp"
#include "llamascope/rules.hpp"
#include "llamascope/validate.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>

namespace llamascope {

using ordered_json = nlohmann::ordered_json;

const EnumTable<PositionType>& positionTypes()
{
    static const EnumTable<PositionType> table({
        {PositionType::Rope, "rope", "rotary embeddings on q and k (every transformers decoder)", {}},
        {PositionType::Learned, "learned", "a learned P×d position table added to the embeddings", {}},
        {PositionType::Sinusoidal, "sinusoidal", "fixed sin/cos positions added to the embeddings", {}},
        {PositionType::None, "none", "no position information (NoPE)", {}},
    });
    return table;
}

std::string_view toString(PositionType t)
{
    return positionTypes().name(t);
}

std::optional<PositionType> positionTypeFromString(std::string_view s)
{
    return positionTypes().find(s);
}

const EnumTable<RopeKind>& ropeKinds()
{
    static const EnumTable<RopeKind> table({
        {RopeKind::Default, "default", "plain RoPE, inv_freq = θ^(−2j/h)", {}},
        {RopeKind::Linear, "linear", "positions divided by factor (Chen et al. 2023)", {}},
        {RopeKind::Dynamic, "dynamic", "NTK-aware θ grown with the sequence beyond the context length", {}},
        {RopeKind::Yarn,
         "yarn",
         "YaRN: per-frequency blend of interpolation and extrapolation (Peng et al. 2023)",
         {}},
        {RopeKind::LongRope,
         "longrope",
         "LongRoPE: per-frequency short/long factors (Ding et al. 2024)",
         {"su"}},
        {RopeKind::Llama3, "llama3", "Llama 3.1's wavelength-banded frequency scaling", {}},
    });
    return table;
}

const EnumTable<NormPlacement>& normPlacements()
{
    static const EnumTable<NormPlacement> table({
        {NormPlacement::Pre, "pre", "x += Attn(N(x)); x += MLP(N(x)) — 2 norms per layer", {}},
        {NormPlacement::Sandwich,
         "sandwich",
         "x += N(Attn(N(x))); x += N(MLP(N(x))) — 4 norms per layer",
         {}},
        {NormPlacement::Post, "post", "x += N(Attn(x)); x += N(MLP(x)) — 2 norms per layer", {}},
    });
    return table;
}

const EnumTable<QkNorm>& qkNorms()
{
    static const EnumTable<QkNorm> table({
        {QkNorm::None, "none", "no query/key norm", {}},
        {QkNorm::PerHead, "per-head", "RMSNorm over head_dim on each query and key head", {}},
        {QkNorm::Full, "full", "RMSNorm over the whole query (H·h) and key (K·h) projection", {}},
    });
    return table;
}

bool SlidingLayers::isSliding(Count layer) const
{
    switch (rule) {
    case Rule::None: return false;
    case Rule::All: return true;
    case Rule::EvenIndices: return layer % 2 == 0;
    case Rule::FromIndex: return layer >= fromIndex;
    case Rule::Explicit:
        return layer >= 0 && static_cast<std::size_t>(layer) < explicitLayers.size() &&
               explicitLayers[static_cast<std::size_t>(layer)];
    }
    return false;
}

Count SlidingLayers::count(Count layers) const
{
    switch (rule) {
    case Rule::None: return 0;
    case Rule::All: return layers;
    case Rule::EvenIndices: return (layers + 1) / 2;
    case Rule::FromIndex: return std::max<Count>(0, layers - std::max<Count>(fromIndex, 0));
    case Rule::Explicit: {
        Count n = 0;
        for (Count i = 0; i < layers && static_cast<std::size_t>(i) < explicitLayers.size(); ++i)
            n += explicitLayers[static_cast<std::size_t>(i)] ? 1 : 0;
        return n;
    }
    }
    return 0;
}

ModelConfig ModelConfig::withShape(Count hidden, Count layers, Count heads, Count intermediate, Count vocab,
                                   Count context)
{
    ModelConfig c = defaults(ModelType::Llama);
    c.name = "llama";
    c.hiddenSize = hidden;
    c.numHiddenLayers = layers;
    c.numAttentionHeads = heads;
    c.numKeyValueHeads = heads;
    c.headDim = heads > 0 ? hidden / heads : 0;
    c.intermediateSize = intermediate;
    c.vocabSize = vocab;
    c.contextLength = context;
    c.contextSource = ContextSource::MaxPositionEmbeddings;
    c.original = nullptr;
    return c;
}

Count ModelConfig::rotaryDim() const
{
    // transformers: int(head_dim * partial_rotary_factor); RoPE rotates pairs.
    const auto dim = static_cast<Count>(static_cast<double>(headDim) * partialRotaryFactor);
    return dim - dim % 2;
}

bool ModelConfig::slidingLayer(Count layer) const
{
    return attention.slidingWindow > 0 && attention.slidingLayers.isSliding(layer);
}

Count ModelConfig::slidingLayerCount() const
{
    return attention.slidingWindow > 0 ? attention.slidingLayers.count(numHiddenLayers) : 0;
}

Count ModelConfig::normsPerLayer() const
{
    return norms.placement == NormPlacement::Sandwich ? 4 : 2;
}

namespace {

/// The key that carries `rule`'s field in `j`, if the document uses an alias (rope_scaling /
/// rope_parameters; max_position_embeddings / max_sequence_length).
bool present(const ordered_json& j, std::string_view key)
{
    return j.is_object() && j.contains(std::string(key));
}

/// Keys a model type reads that carry a modelled field, in table order.
std::vector<const FieldRule*> modelledRules(ModelType type)
{
    std::vector<const FieldRule*> out;
    for (const FieldRule& r : configFieldRules())
        if (r.field != Field::None && r.readBy.contains(type))
            out.push_back(&r);
    return out;
}

// Writes only the fields whose value differs from what the original text resolves to, so an
// unedited config round-trips unchanged and an edit touches exactly its key.
ordered_json updatedOriginal(const ModelConfig& c)
{
    ordered_json j = *c.original;
    const std::optional<ModelConfig> base = resolveConfig(j);
    const ModelConfig defaults = ModelConfig::defaults(c.modelType);
    for (const FieldRule* r : modelledRules(c.modelType)) {
        const ordered_json value = fieldValue(c, r->field);
        if (base && fieldValue(*base, r->field) == value)
            continue;
        const std::string key(r->key);
        if (r->field == Field::RopeParameters || r->field == Field::MaxSequenceLength)
            continue; // written through their primary keys below
        if (r->field == Field::RopeScaling && present(j, "rope_parameters")) {
            ordered_json params = value.is_null() ? ordered_json::object() : value;
            params["rope_theta"] = c.ropeTheta;
            if (!params.contains("rope_type"))
                params["rope_type"] = "default";
            j["rope_parameters"] = params;
            continue;
        }
        if (r->field == Field::RopeTheta && present(j, "rope_parameters") && !present(j, "rope_theta")) {
            if (j["rope_parameters"].is_object())
                j["rope_parameters"]["rope_theta"] = c.ropeTheta;
            continue;
        }
        if (r->field == Field::MaxPositionEmbeddings && c.contextSource == ContextSource::MaxSequenceLength &&
            !present(j, "max_position_embeddings")) {
            j["max_sequence_length"] = c.contextLength;
            continue;
        }
        if (present(j, key) || value != fieldValue(defaults, r->field))
            j[key] = value;
    }
    return j;
}

// Keys in the sorted order transformers' save_pretrained (sort_keys=True) writes them. Every
// key the model type reads is written when it differs from the class default or sets the
// shape, so the file says what model it is without relying on defaults.
ordered_json canonical(const ModelConfig& c)
{
    std::map<std::string, ordered_json> keys;
    const ModelConfig defaults = ModelConfig::defaults(c.modelType);
    keys["architectures"] = ordered_json::array({modelTypeInfo(c.modelType).causalLmClass});
    keys["model_type"] = toString(c.modelType);
    keys["attention_dropout"] = 0.0;
    keys["use_cache"] = true;
    for (const FieldRule* r : modelledRules(c.modelType)) {
        if (r->field == Field::ModelType || r->field == Field::RopeParameters ||
            r->field == Field::MaxSequenceLength || r->field == Field::UseBidirectionalAttention)
            continue;
        const ordered_json value = fieldValue(c, r->field);
        const ordered_json def = fieldValue(defaults, r->field);
        if (r->field == Field::HeadDim && c.numAttentionHeads > 0 &&
            c.headDim * c.numAttentionHeads == c.hiddenSize && def.is_null())
            continue; // ModelConfig derives it
        if (r->field == Field::LayerTypes && value.is_null())
            continue;
        if (r->field == Field::PositionEmbeddingType && c.positionType == PositionType::Rope)
            continue; // a llamascope extension: only written when it says something
        if (value.is_null() && def.is_null() && r->role != KeyRole::Shape && r->field != Field::RopeScaling)
            continue;
        keys[std::string(r->key)] = value;
    }
    ordered_json j = ordered_json::object();
    for (auto& [key, value] : keys)
        j[key] = std::move(value);
    return j;
}

} // namespace

nlohmann::ordered_json toHfJson(const ModelConfig& config)
{
    return config.original && config.original->is_object() ? updatedOriginal(config) : canonical(config);
}

std::string toHfJsonText(const ModelConfig& config)
{
    return toHfJson(config).dump(2) + "\n";
}

} // namespace llamascope
