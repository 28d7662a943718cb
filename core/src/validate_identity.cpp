// "A config must identify itself" (SPEC §13): a JSON object with no model_type and none of
// the shape keys is not a model, whatever defaults would make of it. This file names what
// such a file looks like, from the keys the Hub's companion files carry.

#include "validate_detail.hpp"

#include "llamascope/rules.hpp"

#include <array>
#include <string_view>

namespace llamascope::detail {

using ordered_json = nlohmann::ordered_json;

std::string describeValue(const ordered_json& v)
{
    if (v.is_string()) {
        std::string s = v.get<std::string>();
        if (s.size() > 40)
            s = s.substr(0, 37) + "...";
        return "the string \"" + s + "\"";
    }
    if (v.is_boolean())
        return v.get<bool>() ? "true" : "false";
    if (v.is_null())
        return "null";
    if (v.is_array())
        return "an array";
    if (v.is_object())
        return "an object";
    return v.dump();
}

namespace {

bool hasAny(const ordered_json& j, std::initializer_list<std::string_view> keys)
{
    for (std::string_view k : keys)
        if (j.contains(std::string(k)))
            return true;
    return false;
}

bool onlyKeysFrom(const ordered_json& j, std::initializer_list<std::string_view> keys)
{
    for (const auto& [key, value] : j.items()) {
        bool found = false;
        for (std::string_view k : keys)
            found = found || key == k;
        if (!found)
            return false;
    }
    return true;
}

} // namespace

std::optional<std::string> describeNonConfig(const ordered_json& root)
{
    if (root.contains("model_type"))
        return std::nullopt;
    for (const FieldRule& r : configFieldRules())
        if (r.role == KeyRole::Shape && root.contains(std::string(r.key)))
            return std::nullopt;
    if (root.empty())
        return "an empty JSON object";
    if (root.contains("weight_map"))
        return "a sharded-checkpoint index (model.safetensors.index.json)";
    if (hasAny(root, {"peft_type", "lora_alpha", "target_modules"}))
        return "a PEFT adapter config (adapter_config.json)";
    if (hasAny(root, {"added_tokens_decoder", "tokenizer_class", "model_max_length", "chat_template"}))
        return "a tokenizer config (tokenizer_config.json)";
    if (root.contains("model") && hasAny(root, {"added_tokens", "normalizer", "pre_tokenizer", "decoder"}))
        return "a tokenizer (tokenizer.json)";
    if (onlyKeysFrom(root, {"bos_token", "eos_token", "unk_token", "pad_token", "sep_token", "cls_token",
                            "mask_token", "additional_special_tokens"}))
        return "a special-tokens map (special_tokens_map.json)";
    if (hasAny(root, {"_from_model_config", "do_sample", "max_new_tokens", "temperature", "top_p", "top_k",
                      "max_length", "num_beams", "repetition_penalty"}) ||
        onlyKeysFrom(root, {"bos_token_id", "eos_token_id", "pad_token_id", "transformers_version"}))
        return "a generation config (generation_config.json)";
    if (hasAny(root, {"quant_method", "bits", "group_size"}))
        return "a quantisation config (quantize_config.json)";
    if (hasAny(root, {"feature_extractor_type", "image_processor_type", "processor_class"}))
        return "a preprocessor config";
    if (root.contains("name") && hasAny(root, {"version", "dependencies", "devDependencies", "scripts"}))
        return "an npm package.json";
    if (hasAny(root, {"n_embd", "n_layer", "n_head", "d_model", "num_layers", "n_positions"}))
        return "a config of another architecture (GPT-2 / T5-style keys, no model_type)";
    return "some other JSON object";
}

} // namespace llamascope::detail
