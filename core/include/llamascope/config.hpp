#pragma once
// The LLaMA config model (SPEC §3): transformers' LlamaConfig fields and defaults, resolved.

#include "llamascope/checked.hpp"

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace llamascope {

/// How positions enter the model (SPEC §11).
enum class PositionType { Rope, Learned, Sinusoidal, None };

std::string_view toString(PositionType t);
std::optional<PositionType> positionTypeFromString(std::string_view s);

/// Where the context length P came from.
enum class ContextSource { MaxPositionEmbeddings, MaxSequenceLength, Default };

/// A validated config with every default applied. Obtain one from loadConfig() (which
/// validates) or build one in code and check it with validateConfig().
struct LlamaConfig {
    std::string name = "llama"; ///< display name: the file stem or bundled name

    std::string modelType = "llama"; ///< "llama" or "mistral" (same parameter structure)
    Count vocabSize = 32000;
    Count hiddenSize = 4096;        ///< d
    Count intermediateSize = 11008; ///< f
    Count numHiddenLayers = 32;     ///< L
    Count numAttentionHeads = 32;   ///< H
    Count numKeyValueHeads = 32;    ///< K (resolved: defaults to H)
    Count headDim = 128;            ///< h (resolved: defaults to d / H)
    std::string hiddenAct = "silu";
    Count contextLength = 2048; ///< P (resolved, see ContextSource)
    ContextSource contextSource = ContextSource::Default;
    double initializerRange = 0.02;
    double rmsNormEps = 1e-6;
    bool tieWordEmbeddings = false;
    double ropeTheta = 10000.0;
    bool attentionBias = false;
    bool mlpBias = false;
    PositionType positionType = PositionType::Rope;
    std::optional<Count> bosTokenId;
    std::optional<Count> eosTokenId;
    std::optional<Count> padTokenId;

    /// The document as loaded (key order and unknown keys), or null for configs built in code.
    std::shared_ptr<const nlohmann::ordered_json> original;

    /// Convenience: a config with the given shape and LlamaConfig defaults elsewhere.
    /// headDim = d / H and K = H.
    static LlamaConfig withShape(Count hidden, Count layers, Count heads, Count intermediate,
                                 Count vocab = 32000, Count context = 2048);
};

/// HF config.json for `config`. If the config was loaded, the original keys keep their
/// order and unknown keys are kept; modelled fields are written with their current values.
/// Configs built in code get the modern canonical form (LlamaForCausalLM,
/// max_position_embeddings, sorted keys) that `validate --strict` passes clean.
nlohmann::ordered_json toHfJson(const LlamaConfig& config);

/// toHfJson() dumped with 2-space indentation and a final newline.
std::string toHfJsonText(const LlamaConfig& config);

} // namespace llamascope
