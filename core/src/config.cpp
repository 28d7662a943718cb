#include "llamascope/config.hpp"

#include <nlohmann/json.hpp>

namespace llamascope {

using ordered_json = nlohmann::ordered_json;

std::string_view toString(PositionType t)
{
    switch (t) {
    case PositionType::Rope: return "rope";
    case PositionType::Learned: return "learned";
    case PositionType::Sinusoidal: return "sinusoidal";
    case PositionType::None: return "none";
    }
    return "rope";
}

std::optional<PositionType> positionTypeFromString(std::string_view s)
{
    if (s == "rope")
        return PositionType::Rope;
    if (s == "learned")
        return PositionType::Learned;
    if (s == "sinusoidal")
        return PositionType::Sinusoidal;
    if (s == "none")
        return PositionType::None;
    return std::nullopt;
}

LlamaConfig LlamaConfig::withShape(Count hidden, Count layers, Count heads, Count intermediate, Count vocab,
                                   Count context)
{
    LlamaConfig c;
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

namespace {

ordered_json tokenJson(const std::optional<Count>& id)
{
    return id ? ordered_json(*id) : ordered_json(nullptr);
}

/// Sets `key` when it already exists (keeping its place) or when `force` says the value
/// differs from transformers' default and so must be written.
void setKey(ordered_json& j, const char* key, const ordered_json& value, bool force)
{
    if (j.contains(key) || force)
        j[key] = value;
}

ordered_json updatedOriginal(const LlamaConfig& c)
{
    const LlamaConfig defaults; // transformers' LlamaConfig defaults
    ordered_json j = *c.original;
    setKey(j, "model_type", c.modelType, c.modelType != defaults.modelType);
    setKey(j, "vocab_size", c.vocabSize, c.vocabSize != defaults.vocabSize);
    setKey(j, "hidden_size", c.hiddenSize, c.hiddenSize != defaults.hiddenSize);
    setKey(j, "intermediate_size", c.intermediateSize, c.intermediateSize != defaults.intermediateSize);
    setKey(j, "num_hidden_layers", c.numHiddenLayers, c.numHiddenLayers != defaults.numHiddenLayers);
    setKey(j, "num_attention_heads", c.numAttentionHeads, c.numAttentionHeads != defaults.numAttentionHeads);
    const bool mha = c.numKeyValueHeads == c.numAttentionHeads;
    if (!(mha && j.contains("num_key_value_heads") && j.at("num_key_value_heads").is_null()))
        setKey(j, "num_key_value_heads", c.numKeyValueHeads, !mha);
    const bool defaultHeadDim = c.numAttentionHeads > 0 && c.headDim * c.numAttentionHeads == c.hiddenSize;
    if (!(defaultHeadDim && j.contains("head_dim") && j.at("head_dim").is_null()))
        setKey(j, "head_dim", c.headDim, !defaultHeadDim);
    setKey(j, "hidden_act", c.hiddenAct, c.hiddenAct != defaults.hiddenAct);
    if (c.contextSource == ContextSource::MaxSequenceLength && !j.contains("max_position_embeddings"))
        j["max_sequence_length"] = c.contextLength;
    else
        setKey(j, "max_position_embeddings", c.contextLength, c.contextSource != ContextSource::Default);
    setKey(j, "initializer_range", c.initializerRange, c.initializerRange != defaults.initializerRange);
    setKey(j, "rms_norm_eps", c.rmsNormEps, c.rmsNormEps != defaults.rmsNormEps);
    setKey(j, "tie_word_embeddings", c.tieWordEmbeddings, c.tieWordEmbeddings);
    setKey(j, "rope_theta", c.ropeTheta, c.ropeTheta != defaults.ropeTheta);
    setKey(j, "attention_bias", c.attentionBias, c.attentionBias);
    setKey(j, "mlp_bias", c.mlpBias, c.mlpBias);
    setKey(j, "position_embedding_type", std::string(toString(c.positionType)),
           c.positionType != PositionType::Rope);
    setKey(j, "bos_token_id", tokenJson(c.bosTokenId), false);
    setKey(j, "eos_token_id", tokenJson(c.eosTokenId), false);
    setKey(j, "pad_token_id", tokenJson(c.padTokenId), false);
    return j;
}

// Keys in the sorted order transformers' save_pretrained (sort_keys=True) writes them.
ordered_json canonical(const LlamaConfig& c)
{
    ordered_json j = ordered_json::object();
    j["architectures"] =
        ordered_json::array({c.modelType == "mistral" ? "MistralForCausalLM" : "LlamaForCausalLM"});
    j["attention_bias"] = c.attentionBias;
    j["attention_dropout"] = 0.0;
    if (c.bosTokenId)
        j["bos_token_id"] = *c.bosTokenId;
    if (c.eosTokenId)
        j["eos_token_id"] = *c.eosTokenId;
    if (c.numAttentionHeads <= 0 || c.headDim * c.numAttentionHeads != c.hiddenSize)
        j["head_dim"] = c.headDim;
    j["hidden_act"] = c.hiddenAct;
    j["hidden_size"] = c.hiddenSize;
    j["initializer_range"] = c.initializerRange;
    j["intermediate_size"] = c.intermediateSize;
    j["max_position_embeddings"] = c.contextLength;
    j["mlp_bias"] = c.mlpBias;
    j["model_type"] = c.modelType;
    j["num_attention_heads"] = c.numAttentionHeads;
    j["num_hidden_layers"] = c.numHiddenLayers;
    j["num_key_value_heads"] = c.numKeyValueHeads;
    if (c.padTokenId)
        j["pad_token_id"] = *c.padTokenId;
    if (c.positionType != PositionType::Rope)
        j["position_embedding_type"] = std::string(toString(c.positionType));
    j["rms_norm_eps"] = c.rmsNormEps;
    j["rope_scaling"] = nullptr;
    j["rope_theta"] = c.ropeTheta;
    j["tie_word_embeddings"] = c.tieWordEmbeddings;
    j["use_cache"] = true;
    j["vocab_size"] = c.vocabSize;
    return j;
}

} // namespace

nlohmann::ordered_json toHfJson(const LlamaConfig& config)
{
    return config.original && config.original->is_object() ? updatedOriginal(config) : canonical(config);
}

std::string toHfJsonText(const LlamaConfig& config)
{
    return toHfJson(config).dump(2) + "\n";
}

} // namespace llamascope
