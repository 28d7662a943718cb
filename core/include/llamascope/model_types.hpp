#pragma once
// The nine decoder families as data (SPEC §13): for each transformers model_type, its class
// names, where its behaviour comes from, and its row of defaults and fixed traits
// (ModelConfig::defaults). docs/config-format.md renders this table.

#include "llamascope/config.hpp"

#include <span>
#include <string_view>

namespace llamascope {

struct ModelTypeInfo {
    ModelType type;
    std::string_view key;           ///< config.json model_type ("qwen2")
    std::string_view title;         ///< display name ("Qwen2")
    std::string_view causalLmClass; ///< architectures entry ("Qwen2ForCausalLM")
    std::string_view examples;      ///< released models of this type
    std::string_view traits;        ///< one line: what differs from LLaMA
    std::string_view source;        ///< transformers files the defaults and traits come from
    bool kvHeadsFollowHeads;        ///< absent num_key_value_heads means H (else the class default)
    bool headDimFollowsShape;       ///< absent head_dim means d / H (else the class default)
};

/// One row per ModelType, in enum order.
std::span<const ModelTypeInfo> modelTypeInfos();
const ModelTypeInfo& modelTypeInfo(ModelType type);

} // namespace llamascope
