#pragma once
// Internal to the validator (validate.cpp): the pieces that have a file of their own.

#include "llamascope/config.hpp"
#include "llamascope/document.hpp"
#include "llamascope/finding.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace llamascope::detail {

/// Where findings go; positions are looked up by the sink from the pointer.
class FindingSink {
public:
    enum class At { Value, Key, Nowhere };
    virtual ~FindingSink() = default;
    virtual void add(FindingCode code, const std::string& pointer, std::string message, std::string hint,
                     At at = At::Value) = 0;
};

/// "the string \"abc\"", "an array", "768.5" — how a value is named in messages.
std::string describeValue(const nlohmann::ordered_json& v);

/// If `root` (an object) is not a model config — no model_type and none of the shape keys —
/// what it looks like ("a generation config (generation_config.json)"); nullopt for a config.
std::optional<std::string> describeNonConfig(const nlohmann::ordered_json& root);

/// What rope_scaling / rope_parameters say.
struct RopeRead {
    std::optional<RopeScaling> scaling;        ///< absent for null and for the "default" kind
    std::optional<double> theta;               ///< rope_parameters' own rope_theta
    std::optional<double> partialRotaryFactor; ///< rope_parameters' own partial_rotary_factor
    bool ok = true;                            ///< false when an error was reported
};

/// Reads rope_scaling or rope_parameters (`key`) at `pointer`, reporting every problem.
/// `rotaryPairs` is rotary_dim / 2: longrope's factor lists must have that length.
RopeRead readRopeScaling(const nlohmann::ordered_json& value, const std::string& pointer,
                         std::string_view key, ModelType type, Count rotaryPairs, const Document& doc,
                         FindingSink& sink);

} // namespace llamascope::detail
