#pragma once
// The per-field rules: one table that drives both the validator and the published JSON
// Schema (schemas/llama-config.schema.json is generated from it and tested against it), and
// the catalogue of finding codes.

#include "llamascope/finding.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <span>
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
    RopeScaling, ///< null or {"type"|"rope_type": ..., "factor": > 0, ...}
    Any,         ///< a known HF key whose value llamascope does not interpret
};

struct FieldRule {
    std::string_view key;
    FieldType type = FieldType::Any;
    std::string_view description;
    std::string_view defaultText; ///< the value LlamaConfig uses when the key is absent
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

/// Activation names transformers' ACT2FN accepts.
std::span<const std::string_view> knownActivations();
/// rope_scaling types transformers knows.
std::span<const std::string_view> knownRopeScalingTypes();

/// A finding code, its fixed severity, a one-line summary and whether JSON Schema can
/// express it (per-field) or it needs several fields or the file text (cross-field/syntax).
struct FindingCode {
    std::string_view code;
    Severity severity;
    std::string_view summary;
    bool schemaExpressible;
};

std::span<const FindingCode> findingCodes();
const FindingCode* findFindingCode(std::string_view code);

/// The JSON Schema (2020-12) for config files, generated from configFieldRules().
nlohmann::ordered_json configSchema();

} // namespace llamascope
