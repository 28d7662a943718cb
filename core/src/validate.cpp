// The validator (SPEC §4, §13): one pass over the document that checks every key against the
// binding table (rules.cpp) for the file's model type, then the cross-field rules, then
// builds the ModelConfig from the family's row of defaults (model_types.cpp). Companions:
// validate_identity.cpp (files that are not configs) and validate_rope.cpp (rope_scaling).

#include "llamascope/validate.hpp"

#include "llamascope/bundled.hpp"
#include "llamascope/flops.hpp"
#include "llamascope/format.hpp"
#include "llamascope/io.hpp"
#include "llamascope/metrics.hpp"
#include "llamascope/model_types.hpp"
#include "llamascope/params.hpp"
#include "llamascope/rules.hpp"

#include "validate_detail.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>

namespace llamascope {
namespace {

using ordered_json = nlohmann::ordered_json;
using detail::describeValue;
using At = detail::FindingSink::At;

std::string expectedTypeText(const FieldRule& r)
{
    std::string t;
    switch (r.type) {
    case FieldType::Integer: t = "an integer"; break;
    case FieldType::Number: t = "a number"; break;
    case FieldType::Boolean: t = "true or false"; break;
    case FieldType::String: t = "a string"; break;
    case FieldType::TokenId: t = "a token id (an integer >= -1, a list of them, or null)"; break;
    case FieldType::StringArray: t = "a list of strings"; break;
    case FieldType::RopeScaling: t = "null or an object"; break;
    case FieldType::LayerTypes: t = "a list of \"full_attention\" / \"sliding_attention\""; break;
    case FieldType::Any: t = "any value"; break;
    }
    if (r.nullable && r.type != FieldType::TokenId && r.type != FieldType::RopeScaling)
        t += " or null";
    return t;
}

std::string ptrOf(std::string_view key)
{
    return "/" + escapePointerToken(key);
}

/// The typed values of keys that passed their per-field checks and that the file's model
/// type reads.
struct Fields {
    std::map<std::string, Count, std::less<>> ints;
    std::map<std::string, double, std::less<>> numbers;
    std::map<std::string, bool, std::less<>> bools;
    std::map<std::string, std::string, std::less<>> strings;
    std::map<std::string, std::vector<Count>, std::less<>> tokenIds; // empty vector = null
    std::set<std::string, std::less<>> present; // keys present, valid or not, read or not
    std::set<std::string, std::less<>> nulls;   // keys present with null
    std::set<std::string, std::less<>> invalid; // keys with an error

    [[nodiscard]] bool has(std::string_view k) const { return present.count(k) != 0; }
    [[nodiscard]] bool isNull(std::string_view k) const { return nulls.count(k) != 0; }
    [[nodiscard]] bool bad(std::string_view k) const { return invalid.count(k) != 0; }
};

class Validator final : public detail::FindingSink {
public:
    Validator(const Document& doc, ValidationReport& report) : doc_(doc), report_(report) {}

    std::optional<ModelConfig> run()
    {
        const ordered_json& root = *doc_.root;
        if (!root.is_object()) {
            add(FindingCode::RootNotObject, "",
                "the top-level value is " + describeValue(root) + ", not a JSON object",
                "a config.json is an object: {\"model_type\": \"llama\", \"hidden_size\": 768, ...}");
            return std::nullopt;
        }
        if (const std::optional<std::string> what = detail::describeNonConfig(root)) {
            add(FindingCode::NotAConfig, "",
                "this is not a model config: it looks like " + *what +
                    " (no model_type and none of hidden_size, num_hidden_layers, num_attention_heads, "
                    "intermediate_size, vocab_size)",
                "point llamascope at the model's config.json, or at the model folder (its companion files "
                "are "
                "skipped)",
                At::Nowhere);
            return std::nullopt;
        }
        if (!readModelType(root))
            return std::nullopt;
        for (const auto& [key, value] : root.items())
            checkMember(key, value);
        checkMissingKeys();
        checkConventions();
        std::optional<ModelConfig> config = buildConfig();
        if (!config)
            return std::nullopt;
        checkNotes(*config);
        return config;
    }

    void add(FindingCode code, const std::string& pointer, std::string message, std::string hint,
             At at = At::Value) override
    {
        SourcePos pos;
        if (at == At::Value)
            pos = doc_.positionOf(pointer);
        else if (at == At::Key)
            pos = doc_.keyPositionOf(pointer);
        report_.findings.push_back({code, pointer, std::move(message), std::move(hint), pos});
    }

private:
    [[nodiscard]] bool hasError() const { return report_.hasErrors(); }
    [[nodiscard]] const ModelTypeInfo& family() const { return modelTypeInfo(type_); }

    // ---- the model type decides which keys count ---------------------------------------------

    bool readModelType(const ordered_json& root)
    {
        if (!root.contains("model_type")) {
            add(FindingCode::MissingKey, "/model_type",
                "model_type is absent; llamascope assumes \"llama\", but AutoConfig cannot load the file",
                "add \"model_type\": \"llama\" (or the family the file describes)", At::Nowhere);
            return true;
        }
        const ordered_json& v = root.at("model_type");
        if (!v.is_string()) {
            add(FindingCode::WrongType, "/model_type",
                "model_type must be a string, found " + describeValue(v),
                "one of: " + modelTypes().namesText());
            return false;
        }
        const std::string name = v.get<std::string>();
        if (const std::optional<ModelType> t = modelTypes().find(name)) {
            type_ = *t;
            return true;
        }
        const std::vector<std::string_view> names = modelTypes().names();
        const std::string suggestion = closestMatch(name, names);
        add(FindingCode::UnsupportedModelType, "/model_type",
            "model_type \"" + name + "\" is not one of the decoder families llamascope models (" +
                modelTypes().namesText() + ")",
            (suggestion.empty() ? std::string() : "did you mean \"" + suggestion + "\"? ") +
                "llamascope counts each family from its own transformers code and refuses others rather than "
                "guess");
        return false;
    }

    // ---- per-field checks (the part JSON Schema can express) -----------------------------------

    void checkMember(const std::string& key, const ordered_json& value)
    {
        const std::string ptr = ptrOf(key);
        fields_.present.insert(key);
        const FieldRule* rule = findFieldRule(key);
        if (rule == nullptr) {
            reportUnknownKey(key, ptr);
            return;
        }
        if (auto bad = doc_.badNumbers.find(ptr); bad != doc_.badNumbers.end()) {
            add(FindingCode::NumberOutOfRange, ptr, key + ": " + bad->second,
                "use a value that fits: integers up to 9223372036854775807, floats up to ~1.8e308");
            fields_.invalid.insert(key);
            return;
        }
        if (!rule->readBy.contains(type_)) {
            reportForeignKey(*rule, ptr, value);
            return;
        }
        if (value.is_null() && rule->nullable) {
            fields_.nulls.insert(key);
            if (rule->type == FieldType::TokenId)
                fields_.tokenIds[key] = {};
            return;
        }
        const std::size_t before = report_.count(Severity::Error);
        switch (rule->type) {
        case FieldType::Integer: checkInteger(*rule, ptr, value); break;
        case FieldType::Number: checkNumber(*rule, ptr, value); break;
        case FieldType::Boolean:
            if (expectType(*rule, ptr, value, value.is_boolean()))
                fields_.bools[key] = value.get<bool>();
            break;
        case FieldType::String: checkString(*rule, ptr, value); break;
        case FieldType::TokenId: checkTokenIds(*rule, ptr, value); break;
        case FieldType::StringArray: checkStringArray(*rule, ptr, value); break;
        case FieldType::RopeScaling: // cross-field: read in buildConfig()
        case FieldType::LayerTypes:  // likewise
        case FieldType::Any: break;
        }
        if (report_.count(Severity::Error) != before)
            fields_.invalid.insert(key);
    }

    bool expectType(const FieldRule& r, const std::string& ptr, const ordered_json& value, bool ok)
    {
        if (ok)
            return true;
        std::string hint = "write " + expectedTypeText(r);
        if (r.type == FieldType::Integer || r.type == FieldType::Number) {
            if (value.is_string()) {
                hint = "remove the quotes: JSON numbers are not strings";
            } else if (value.is_number_float() && r.type == FieldType::Integer) {
                const double d = value.get<double>();
                // 2^63: the first whole double a long long cannot hold (converting it is UB).
                constexpr double kInt64Limit = 9223372036854775808.0;
                if (std::floor(d) != d)
                    hint = "a count must be a whole number";
                else if (std::fabs(d) >= kInt64Limit)
                    hint = "a count must be a whole number below 2^63, written without a decimal point "
                           "or exponent";
                else
                    hint = "write " + std::to_string(static_cast<long long>(d)) +
                           " without the decimal point: transformers keeps " + value.dump() +
                           " as a float and the model fails to build";
            }
        }
        add(FindingCode::WrongType, ptr,
            std::string(r.key) + " must be " + expectedTypeText(r) + ", found " + describeValue(value), hint);
        return false;
    }

    void checkInteger(const FieldRule& r, const std::string& ptr, const ordered_json& value)
    {
        if (!expectType(r, ptr, value, value.is_number_integer()))
            return;
        if (value.is_number_unsigned() &&
            value.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
            add(FindingCode::NumberOutOfRange, ptr, std::string(r.key) + " does not fit in 64 bits", "");
            return;
        }
        const Count v = value.get<Count>();
        if (r.minInt && v < *r.minInt) {
            add(*r.minInt == 1 ? FindingCode::NotPositive : FindingCode::OutOfRange, ptr,
                std::string(r.key) + " must be at least " + std::to_string(*r.minInt) + ", found " +
                    std::to_string(v),
                *r.minInt == 1 ? "sizes and counts must be positive" : "");
            return;
        }
        fields_.ints[std::string(r.key)] = v;
    }

    void checkNumber(const FieldRule& r, const std::string& ptr, const ordered_json& value)
    {
        if (!expectType(r, ptr, value, value.is_number()))
            return;
        const double v = value.get<double>();
        if (r.minNumber && (r.minExclusive ? v <= *r.minNumber : v < *r.minNumber)) {
            const bool positive = r.minExclusive && *r.minNumber == 0.0;
            const std::string def = defaultText(r, type_);
            add(positive ? FindingCode::NotPositive : FindingCode::OutOfRange, ptr,
                std::string(r.key) + " must be " +
                    (positive ? "a positive number" : "at least " + formatNumber(*r.minNumber)) + ", found " +
                    value.dump(),
                def.empty() ? "" : "transformers' default is " + def);
            return;
        }
        if (r.maxNumber && v > *r.maxNumber) {
            add(FindingCode::OutOfRange, ptr,
                std::string(r.key) + " must be at most " + formatNumber(*r.maxNumber) + ", found " +
                    value.dump(),
                "");
            return;
        }
        fields_.numbers[std::string(r.key)] = v;
    }

    void checkString(const FieldRule& r, const std::string& ptr, const ordered_json& value)
    {
        if (!expectType(r, ptr, value, value.is_string()))
            return;
        const std::string s = value.get<std::string>();
        if (!r.allowed.empty() && std::find(r.allowed.begin(), r.allowed.end(), s) == r.allowed.end()) {
            const std::string suggestion = closestMatch(s, r.allowed);
            std::string hint = suggestion.empty() ? "" : "did you mean \"" + suggestion + "\"? ";
            hint += "allowed: " + joinQuoted(r.allowed);
            add(FindingCode::UnknownValue, ptr,
                std::string(r.key) + " \"" + s + "\" is not a value transformers knows", hint);
            return;
        }
        fields_.strings[std::string(r.key)] = s;
    }

    void checkTokenIds(const FieldRule& r, const std::string& ptr, const ordered_json& value)
    {
        std::vector<Count> ids;
        auto one = [&](const std::string& p, const ordered_json& v) {
            if (!v.is_number_integer() ||
                (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))) {
                add(FindingCode::WrongType, p,
                    std::string(r.key) + " must be " + expectedTypeText(r) + ", found " + describeValue(v),
                    v.is_string() ? "remove the quotes" : "");
                return false;
            }
            const Count id = v.get<Count>();
            if (id < -1) {
                add(FindingCode::TokenIdRange, p,
                    std::string(r.key) + " is " + std::to_string(id) +
                        "; token ids are >= 0 (or -1 / null for none)",
                    "use null when the model has no such token");
                return false;
            }
            ids.push_back(id);
            return true;
        };
        if (value.is_array()) {
            bool ok = true;
            for (std::size_t i = 0; i < value.size(); ++i) {
                const std::string p = ptr + "/" + std::to_string(i);
                if (auto bad = doc_.badNumbers.find(p); bad != doc_.badNumbers.end()) {
                    add(FindingCode::NumberOutOfRange, p, std::string(r.key) + ": " + bad->second, "");
                    ok = false;
                    continue;
                }
                ok = one(p, value[i]) && ok;
            }
            if (ok)
                fields_.tokenIds[std::string(r.key)] = ids;
        } else if (one(ptr, value)) {
            fields_.tokenIds[std::string(r.key)] = ids;
        }
    }

    void checkStringArray(const FieldRule& r, const std::string& ptr, const ordered_json& value)
    {
        if (!expectType(r, ptr, value, value.is_array()))
            return;
        for (std::size_t i = 0; i < value.size(); ++i)
            if (!value[i].is_string())
                add(FindingCode::WrongType, ptr + "/" + std::to_string(i),
                    std::string(r.key) + " entries must be strings, found " + describeValue(value[i]), "");
    }

    void reportUnknownKey(const std::string& key, const std::string& ptr)
    {
        std::vector<std::string_view> known;
        for (const FieldRule& r : configFieldRules())
            if (r.readBy.contains(type_))
                known.push_back(r.key);
        const std::string suggestion = closestMatch(key, known);
        add(FindingCode::UnknownKey, ptr,
            "\"" + key + "\" is not a key transformers' " + std::string(family().title) +
                " config reads; it is kept but has no effect",
            suggestion.empty() ? "remove it, or check the spelling against docs/config-format.md"
                               : "did you mean \"" + suggestion + "\"?",
            At::Key);
    }

    /// A key of another family: transformers stores it on the config but this model type's
    /// modeling code never reads it. Silent only when the value is what the family does anyway.
    void reportForeignKey(const FieldRule& r, const std::string& ptr, const ordered_json& value)
    {
        if (r.role == KeyRole::Metadata || r.role == KeyRole::Training)
            return; // e.g. another family's cache_implementation: harmless
        const ModelConfig defaults = ModelConfig::defaults(type_);
        if (r.field != Field::None && (value == fieldValue(defaults, r.field) ||
                                       (value.is_boolean() && !value.get<bool>() &&
                                        (r.field == Field::AttentionBias || r.field == Field::MlpBias ||
                                         r.field == Field::UseSlidingWindow))))
            return;
        if (r.field == Field::SlidingWindow && value.is_null())
            return;
        if (r.field == Field::HiddenAct && value.is_string() &&
            (type_ == ModelType::Gemma || type_ == ModelType::Gemma2))
            return; // checked against hidden_activation in resolveActivation()
        add(FindingCode::IgnoredKey, ptr,
            std::string(r.key) + " = " + value.dump() + " is read by " + r.readBy.text() + ", not by " +
                std::string(toString(type_)) + ": transformers' " + std::string(family().causalLmClass) +
                " ignores it, and so do llamascope's numbers",
            "remove it, or set model_type to the family that has this feature", At::Key);
    }

    // ---- warnings about conventions --------------------------------------------------------

    void checkMissingKeys()
    {
        for (const FieldRule& r : configFieldRules()) {
            if (!r.shapeKey || fields_.has(r.key))
                continue;
            add(FindingCode::MissingKey, ptrOf(r.key),
                std::string(r.key) + " is absent, so " + std::string(family().title) + "'s default " +
                    defaultText(r, type_) + " applies",
                "write it explicitly so the file says what model it is", At::Nowhere);
        }
    }

    void checkConventions()
    {
        const ordered_json& root = *doc_.root;
        if (fields_.ints.count("max_sequence_length") != 0) {
            const Count msl = fields_.ints.at("max_sequence_length");
            std::string message =
                "transformers never reads max_sequence_length (" + std::to_string(msl) + "); ";
            if (auto it = fields_.ints.find("max_position_embeddings"); it != fields_.ints.end())
                message += "it uses max_position_embeddings = " + std::to_string(it->second) +
                           (it->second == msl ? "" : ", which disagrees");
            else
                message += "it silently uses max_position_embeddings = " +
                           std::to_string(ModelConfig::defaults(type_).contextLength) +
                           "; llamascope takes " + std::to_string(msl) + " as the intended context length";
            add(FindingCode::IgnoredKey, "/max_sequence_length", message,
                "add \"max_position_embeddings\": " + std::to_string(msl) +
                    " so transformers sees the same length",
                At::Key);
        }
        if (root.contains("architectures") && root.at("architectures").is_array()) {
            const ordered_json& archs = root.at("architectures");
            for (std::size_t i = 0; i < archs.size(); ++i)
                if (archs[i].is_string() && archs[i].get<std::string>() == "LLaMAForCausalLM")
                    add(FindingCode::LegacyArchitecture, "/architectures/" + std::to_string(i),
                        "LLaMAForCausalLM is the pre-release class name; transformers >= 4.28 calls it "
                        "LlamaForCausalLM",
                        "AutoModel still loads it through model_type, but tools that read architectures will "
                        "not; "
                        "write \"LlamaForCausalLM\"");
        }
        for (const char* key : {"bos_token_id", "eos_token_id", "pad_token_id"}) {
            auto it = fields_.tokenIds.find(key);
            if (it == fields_.tokenIds.end())
                continue;
            const bool isArray = root.at(key).is_array();
            for (std::size_t i = 0; i < it->second.size(); ++i)
                if (it->second[i] == -1)
                    add(FindingCode::NegativeTokenId,
                        "/" + std::string(key) + (isArray ? "/" + std::to_string(i) : ""),
                        std::string(key) +
                            " is -1, which is not a row of the embedding; padding with it crashes the lookup",
                        "use null when there is no such token (the loss must then ignore padding by mask)");
        }
        if (fields_.ints.count("sliding_window_size") != 0 &&
            fields_.ints.at("sliding_window_size") != intOr("sliding_window", 4096))
            add(FindingCode::IgnoredKey, "/sliding_window_size",
                "sliding_window_size (" + std::to_string(fields_.ints.at("sliding_window_size")) +
                    ") disagrees with sliding_window; transformers reads only sliding_window",
                "make them equal, or remove sliding_window_size", At::Key);
        if (fields_.bools.count("use_mrope") != 0 && fields_.bools.at("use_mrope"))
            add(FindingCode::IgnoredKey, "/use_mrope",
                "use_mrope is true, but Qwen2ForCausalLM applies standard RoPE (multimodal RoPE is "
                "Qwen2-VL's), "
                "and so does llamascope",
                "use_mrope belongs to a vision-language config; remove it for a text model", At::Key);
        if (fields_.has("auto_map"))
            add(FindingCode::CustomCode, "/auto_map",
                "auto_map names remote code (trust_remote_code); llamascope models the built-in "
                "transformers " +
                    std::string(family().causalLmClass) + ", which may differ from that code",
                "check that the repository's modeling file matches transformers' " +
                    std::string(family().source),
                At::Key);
        if (fields_.has("quantization_config"))
            add(FindingCode::QuantizedWeights, "/quantization_config",
                "the checkpoint stores quantised weights: parameter counts and FLOPs are of the unquantised "
                "model, "
                "and forward cannot read these weights",
                "use `llamascope memory --dtype` for quantised weight sizes", At::Key);
        if (fields_.bools.count("use_bidirectional_attention") != 0 &&
            fields_.bools.at("use_bidirectional_attention"))
            add(FindingCode::UnsupportedFeature, "/use_bidirectional_attention",
                "use_bidirectional_attention is true: the model attends without a causal mask, which "
                "llamascope's "
                "counts and forward pass do not model",
                "remove it or set it to false for a causal decoder");
    }

    // ---- cross-field checks and the config ---------------------------------------------------

    Count intOr(std::string_view key, Count fallback) const
    {
        auto it = fields_.ints.find(key);
        return it != fields_.ints.end() ? it->second : fallback;
    }

    void number(std::string_view key, double& out) const
    {
        if (auto it = fields_.numbers.find(key); it != fields_.numbers.end())
            out = it->second;
    }

    void optionalNumber(std::string_view key, std::optional<double>& out) const
    {
        if (auto it = fields_.numbers.find(key); it != fields_.numbers.end())
            out = it->second;
        else if (fields_.isNull(key))
            out.reset();
    }

    void flag(std::string_view key, bool& out) const
    {
        if (auto it = fields_.bools.find(key); it != fields_.bools.end())
            out = it->second;
    }

    std::optional<ModelConfig> buildConfig()
    {
        ModelConfig c = ModelConfig::defaults(type_);
        c.name = sourceStem(doc_.source);
        c.original = doc_.root;
        c.vocabSize = intOr("vocab_size", c.vocabSize);
        c.hiddenSize = intOr("hidden_size", c.hiddenSize);
        c.intermediateSize = intOr("intermediate_size", c.intermediateSize);
        c.numHiddenLayers = intOr("num_hidden_layers", c.numHiddenLayers);
        c.numAttentionHeads = intOr("num_attention_heads", c.numAttentionHeads);
        if (family().kvHeadsFollowHeads || fields_.isNull("num_key_value_heads"))
            c.numKeyValueHeads = c.numAttentionHeads;
        c.numKeyValueHeads = intOr("num_key_value_heads", c.numKeyValueHeads);
        resolveActivation(c);
        if (auto it = fields_.strings.find("position_embedding_type"); it != fields_.strings.end())
            c.positionType = *positionTypeFromString(it->second);
        if (auto it = fields_.ints.find("max_position_embeddings"); it != fields_.ints.end()) {
            c.contextLength = it->second;
            c.contextSource = ContextSource::MaxPositionEmbeddings;
        } else if (auto it2 = fields_.ints.find("max_sequence_length"); it2 != fields_.ints.end()) {
            c.contextLength = it2->second;
            c.contextSource = ContextSource::MaxSequenceLength;
        }
        number("initializer_range", c.initializerRange);
        number("rms_norm_eps", c.rmsNormEps);
        number("rope_theta", c.ropeTheta);
        number("partial_rotary_factor", c.partialRotaryFactor);
        flag("tie_word_embeddings", c.tieWordEmbeddings);
        if (auto it = fields_.bools.find("attention_bias"); it != fields_.bools.end())
            c.attention.qkvBias = c.attention.outputBias = it->second;
        flag("mlp_bias", c.mlp.bias);
        if (auto it = fields_.ints.find("original_max_position_embeddings"); it != fields_.ints.end())
            c.originalMaxPositionEmbeddings = it->second;
        optionalNumber("query_pre_attn_scalar", c.attention.queryPreAttnScalar);
        optionalNumber("attn_logit_softcapping", c.attention.logitSoftcap);
        optionalNumber("final_logit_softcapping", c.embedding.finalLogitSoftcap);
        c.mlp.numExperts = intOr("num_local_experts", intOr("num_experts", c.mlp.numExperts));
        c.mlp.expertsPerToken = intOr("num_experts_per_tok", c.mlp.expertsPerToken);
        auto token = [&](std::string_view key, std::optional<Count>& out) {
            if (auto it = fields_.tokenIds.find(key); it != fields_.tokenIds.end() && !it->second.empty())
                out = it->second.front();
        };
        token("bos_token_id", c.bosTokenId);
        token("eos_token_id", c.eosTokenId);
        token("pad_token_id", c.padTokenId);

        checkHeads(c);
        readRope(c);
        resolveSlidingWindow(c);
        checkExperts(c);
        checkTokenIdsAgainstVocab(c.vocabSize);
        if (hasError())
            return std::nullopt;
        if (!checkOverflow(c))
            return std::nullopt;
        return c;
    }

    /// Gemma reads hidden_activation (transformers 4.39-4.x: hidden_act is ignored, see
    /// transformers PR 29402), Gemma 2 always; transformers 5's GemmaConfig reads hidden_act.
    void resolveActivation(ModelConfig& c)
    {
        const bool gemma = type_ == ModelType::Gemma || type_ == ModelType::Gemma2;
        if (!gemma) {
            if (auto it = fields_.strings.find("hidden_act"); it != fields_.strings.end())
                c.hiddenAct = it->second;
            return;
        }
        if (auto it = fields_.strings.find("hidden_activation"); it != fields_.strings.end())
            c.hiddenAct = it->second;
        const ordered_json& root = *doc_.root;
        if (!root.contains("hidden_act") || !root.at("hidden_act").is_string())
            return;
        const std::string act = root.at("hidden_act").get<std::string>();
        if (act == c.hiddenAct)
            return;
        if (type_ == ModelType::Gemma2)
            add(FindingCode::IgnoredKey, "/hidden_act",
                "Gemma 2 never reads hidden_act (\"" + act + "\"); its MLP uses hidden_activation = \"" +
                    c.hiddenAct + "\"",
                "remove hidden_act, or set hidden_activation if you mean another activation", At::Key);
        else
            add(FindingCode::VersionDependent, "/hidden_act",
                "hidden_act is \"" + act +
                    "\", but transformers 4.39-4.x build Gemma's MLP from hidden_activation (" +
                    (fields_.strings.count("hidden_activation") ? "\"" + c.hiddenAct + "\""
                                                                : "absent: gelu_pytorch_tanh") +
                    ") and ignore hidden_act; transformers 5 reads hidden_act. llamascope follows 4.39+, the "
                    "activation Gemma was trained with",
                "add \"hidden_activation\": \"" + c.hiddenAct +
                    "\" (or the activation you mean) to make the file "
                    "unambiguous",
                At::Key);
    }

    void checkHeads(ModelConfig& c)
    {
        const bool headsValid = !fields_.bad("num_attention_heads");
        const bool hiddenValid = !fields_.bad("hidden_size");
        const bool headDimGiven = fields_.ints.count("head_dim") != 0;
        if (headDimGiven) {
            c.headDim = fields_.ints.at("head_dim");
            if (headsValid && hiddenValid && c.hiddenSize % c.numAttentionHeads != 0)
                add(FindingCode::VersionDependent, "/num_attention_heads",
                    "hidden_size " + std::to_string(c.hiddenSize) +
                        " is not divisible by num_attention_heads " + std::to_string(c.numAttentionHeads) +
                        "; transformers 4.x accept it because head_dim is given, transformers 5 refuses the "
                        "config",
                    "choose a head count that divides hidden_size if the file must load everywhere",
                    At::Value);
        } else if (!family().headDimFollowsShape && !fields_.isNull("head_dim")) {
            // The class default (Gemma 256, Qwen3 128) applies.
        } else if (headsValid && hiddenValid) {
            if (c.hiddenSize % c.numAttentionHeads != 0) {
                add(FindingCode::HeadsNotDivisible, "/num_attention_heads",
                    "hidden_size " + std::to_string(c.hiddenSize) +
                        " is not divisible by num_attention_heads " + std::to_string(c.numAttentionHeads),
                    suggestDivisors(c.hiddenSize, c.numAttentionHeads));
                c.headDim = 0;
            } else {
                c.headDim = c.hiddenSize / c.numAttentionHeads;
            }
        } else {
            c.headDim = 0;
        }
        if (headsValid && !fields_.bad("num_key_value_heads") &&
            c.numAttentionHeads % c.numKeyValueHeads != 0)
            add(FindingCode::KvHeadsNotDivisible,
                fields_.has("num_key_value_heads") ? "/num_key_value_heads" : "/num_attention_heads",
                "num_attention_heads " + std::to_string(c.numAttentionHeads) +
                    " is not divisible by num_key_value_heads " + std::to_string(c.numKeyValueHeads) +
                    (fields_.has("num_key_value_heads")
                         ? ""
                         : " (" + std::string(family().title) + "'s default, since the key is absent)"),
                "each kv head serves H/K query heads; pick K among the divisors of " +
                    std::to_string(c.numAttentionHeads));
        if (c.positionType == PositionType::Rope && c.headDim > 0) {
            const auto rotary = static_cast<Count>(static_cast<double>(c.headDim) * c.partialRotaryFactor);
            if (rotary % 2 != 0 || rotary == 0)
                add(FindingCode::OddHeadDim, headDimGiven ? "/head_dim" : "/num_attention_heads",
                    (c.partialRotaryFactor == 1.0
                         ? "head_dim is " + std::to_string(c.headDim)
                         : "the rotary width head_dim · partial_rotary_factor is " + std::to_string(rotary)) +
                        "; RoPE rotates pairs of dimensions and needs it even",
                    "change the head count or hidden_size so hidden_size / num_attention_heads is even");
        }
    }

    /// The divisors of `hidden` nearest `heads` on each side. Bounded: it looks at most
    /// kDivisorSearch head counts each way, so a huge or prime hidden_size cannot stall validation.
    static std::string suggestDivisors(Count hidden, Count heads)
    {
        constexpr Count kDivisorSearch = Count{1} << 16;
        std::optional<Count> below, above;
        for (Count h = std::min(heads, hidden), n = 0; h >= 1 && n < kDivisorSearch; --h, ++n)
            if (hidden % h == 0) {
                below = h;
                break;
            }
        for (Count h = heads, n = 0; h < hidden && n < kDivisorSearch; ++n)
            if (hidden % ++h == 0) {
                above = h;
                break;
            }
        if (!below && !above)
            return "no head count within " + formatCount(kDivisorSearch) + " of " + std::to_string(heads) +
                   " divides " + std::to_string(hidden) +
                   "; choose hidden_size and num_attention_heads together";
        std::string out = "nearest head counts that divide " + std::to_string(hidden) + ": ";
        if (below)
            out += std::to_string(*below);
        if (above)
            out += (below ? " or " : "") + std::to_string(*above);
        return out;
    }

    /// rope_scaling (4.x) and rope_parameters (5.x). When both are given, transformers 5 takes
    /// rope_scaling if it is not null; 4.x never read rope_parameters.
    void readRope(ModelConfig& c)
    {
        const ordered_json& root = *doc_.root;
        const Count pairs = c.headDim > 0 ? c.rotaryDim() / 2 : 0;
        std::optional<detail::RopeRead> scaling, params;
        if (root.contains("rope_scaling") && !fields_.bad("rope_scaling"))
            scaling = detail::readRopeScaling(root.at("rope_scaling"), "/rope_scaling", "rope_scaling", type_,
                                              pairs, doc_, *this);
        if (root.contains("rope_parameters") && !fields_.bad("rope_parameters"))
            params = detail::readRopeScaling(root.at("rope_parameters"), "/rope_parameters",
                                             "rope_parameters", type_, pairs, doc_, *this);
        if (params && params->ok) {
            if (params->theta) {
                if (fields_.numbers.count("rope_theta") != 0 &&
                    fields_.numbers.at("rope_theta") != *params->theta)
                    add(FindingCode::VersionDependent, "/rope_parameters/rope_theta",
                        "rope_parameters.rope_theta " + formatNumber(*params->theta) +
                            " disagrees with rope_theta " + formatNumber(fields_.numbers.at("rope_theta")) +
                            ": transformers 5 takes rope_parameters', 4.x take rope_theta. llamascope "
                            "follows "
                            "transformers 5",
                        "keep one of them");
                c.ropeTheta = *params->theta;
            }
            if (params->partialRotaryFactor)
                c.partialRotaryFactor = *params->partialRotaryFactor;
            c.ropeScaling = params->scaling;
        }
        if (scaling && scaling->ok && !root.at("rope_scaling").is_null()) {
            if (params && params->ok && params->scaling != scaling->scaling)
                add(FindingCode::VersionDependent, "/rope_parameters",
                    "rope_scaling and rope_parameters describe different scalings; transformers 5 uses "
                    "rope_scaling when it is set, and so does llamascope",
                    "keep one of them", At::Key);
            c.ropeScaling = scaling->scaling;
        }
        if (c.partialRotaryFactor != 1.0 && type_ != ModelType::Phi3)
            add(FindingCode::UnsupportedFeature, params ? "/rope_parameters" : "/partial_rotary_factor",
                "partial_rotary_factor is " + formatNumber(c.partialRotaryFactor) + ", but transformers' " +
                    std::string(family().causalLmClass) + " rotates the whole head",
                "remove it; only phi3 applies RoPE to part of each head");
        if (c.ropeScaling && c.positionType != PositionType::Rope)
            add(FindingCode::IgnoredKey, root.contains("rope_scaling") ? "/rope_scaling" : "/rope_parameters",
                "rope scaling has no effect: position_embedding_type is \"" +
                    std::string(toString(c.positionType)) + "\", so the model has no RoPE to scale",
                "remove the scaling or use position_embedding_type \"rope\"", At::Key);
    }

    /// Which layers slide, per family (docs/config-format.md "Sliding windows").
    void resolveSlidingWindow(ModelConfig& c)
    {
        AttentionTraits& a = c.attention;
        if (findFieldRule("sliding_window")->readBy.contains(type_)) {
            if (fields_.isNull("sliding_window"))
                a.slidingWindow = 0;
            a.slidingWindow = intOr("sliding_window", a.slidingWindow);
        }
        const bool qwen = type_ == ModelType::Qwen2 || type_ == ModelType::Qwen3;
        if (qwen) {
            const bool use =
                fields_.bools.count("use_sliding_window") != 0 && fields_.bools.at("use_sliding_window");
            a.slidingLayers.fromIndex = intOr("max_window_layers", a.slidingLayers.fromIndex);
            a.slidingLayers.rule =
                use && a.slidingWindow > 0 ? SlidingLayers::Rule::FromIndex : SlidingLayers::Rule::None;
        } else if (type_ == ModelType::Gemma2) {
            a.slidingLayers.rule =
                a.slidingWindow > 0 ? SlidingLayers::Rule::EvenIndices : SlidingLayers::Rule::None;
        } else if (a.slidingWindow > 0) {
            a.slidingLayers.rule = SlidingLayers::Rule::All;
        } else {
            a.slidingLayers.rule = SlidingLayers::Rule::None;
        }
        readLayerTypes(c, qwen);
    }

    void readLayerTypes(ModelConfig& c, bool qwen)
    {
        const ordered_json& root = *doc_.root;
        if (!root.contains("layer_types") || !findFieldRule("layer_types")->readBy.contains(type_) ||
            root.at("layer_types").is_null())
            return;
        const ordered_json& v = root.at("layer_types");
        if (!v.is_array()) {
            add(FindingCode::BadLayerTypes, "/layer_types",
                "layer_types must be a list with one entry per layer, found " + describeValue(v),
                "for example [\"sliding_attention\", \"full_attention\", ...]");
            return;
        }
        std::vector<bool> sliding;
        for (std::size_t i = 0; i < v.size(); ++i) {
            const std::string p = "/layer_types/" + std::to_string(i);
            const std::string kind = v[i].is_string() ? v[i].get<std::string>() : "";
            if (kind == "full_attention" || kind == "sliding_attention") {
                sliding.push_back(kind == "sliding_attention");
            } else if (v[i].is_string()) {
                add(FindingCode::UnsupportedFeature, p,
                    "layer type \"" + kind +
                        "\" is not modelled: llamascope models full_attention and "
                        "sliding_attention layers",
                    "");
                return;
            } else {
                add(FindingCode::BadLayerTypes, p,
                    "layer_types entries must be strings, found " + describeValue(v[i]), "");
                return;
            }
        }
        if (!fields_.bad("num_hidden_layers") && static_cast<Count>(sliding.size()) != c.numHiddenLayers) {
            add(FindingCode::BadLayerTypes, "/layer_types",
                "layer_types has " + std::to_string(sliding.size()) + " entries for " +
                    std::to_string(c.numHiddenLayers) + " layers; transformers refuses the config",
                "give one entry per layer");
            return;
        }
        SlidingLayers explicitLayers;
        explicitLayers.rule = SlidingLayers::Rule::Explicit;
        explicitLayers.explicitLayers = sliding;
        const bool anySliding = std::find(sliding.begin(), sliding.end(), true) != sliding.end();
        if (qwen && c.attention.slidingLayers.rule == SlidingLayers::Rule::None && anySliding) {
            add(FindingCode::VersionDependent, "/layer_types",
                "layer_types lists sliding layers, but use_sliding_window is not true (or sliding_window is "
                "null), so transformers 5 sets the window to none: every layer attends fully (4.x ignore "
                "layer_types). llamascope follows them",
                "set \"use_sliding_window\": true if the sliding layers are meant", At::Key);
            return;
        }
        for (Count i = 0; i < c.numHiddenLayers && c.attention.slidingWindow > 0; ++i)
            if (c.attention.slidingLayers.isSliding(i) != explicitLayers.isSliding(i)) {
                add(FindingCode::VersionDependent, "/layer_types",
                    "layer_types disagrees with the older keys (layer " + std::to_string(i) +
                        "): transformers >= 4.53 follow layer_types, older versions " +
                        (qwen ? "max_window_layers" : "alternate from layer 0") +
                        ". llamascope follows layer_types",
                    "", At::Key);
                break;
            }
        c.attention.slidingLayers = std::move(explicitLayers);
    }

    void checkExperts(const ModelConfig& c)
    {
        if (c.mlp.moe() && c.mlp.expertsPerToken > c.mlp.numExperts && !fields_.bad("num_experts_per_tok"))
            add(FindingCode::ExpertsTopK, "/num_experts_per_tok",
                "num_experts_per_tok " + std::to_string(c.mlp.expertsPerToken) + " exceeds the " +
                    std::to_string(c.mlp.numExperts) + " experts per layer",
                "each token is routed to at most num_local_experts experts; Mixtral routes to 2 of 8");
    }

    void checkTokenIdsAgainstVocab(Count vocab)
    {
        if (fields_.bad("vocab_size"))
            return;
        const ordered_json& root = *doc_.root;
        for (const auto& [key, ids] : fields_.tokenIds) {
            const bool isArray = root.at(key).is_array();
            for (std::size_t i = 0; i < ids.size(); ++i)
                if (ids[i] >= vocab)
                    add(FindingCode::TokenIdVocab, "/" + key + (isArray ? "/" + std::to_string(i) : ""),
                        key + " " + std::to_string(ids[i]) + " is not below vocab_size " +
                            std::to_string(vocab),
                        "the embedding has rows 0.." + std::to_string(vocab - 1) +
                            "; fix the id or vocab_size");
        }
    }

    bool checkOverflow(const ModelConfig& c)
    {
        try {
            (void)countParameters(c);
            (void)computeFlops(c, FlopOptions{c.contextLength, AttentionMask::Full});
            return true;
        } catch (const CountOverflow& e) {
            std::string biggest = "hidden_size";
            Count biggestValue = 0;
            for (const auto& [key, value] : fields_.ints) {
                const FieldRule* r = findFieldRule(key);
                if (r != nullptr && r->role == KeyRole::Shape && value > biggestValue) {
                    biggest = key;
                    biggestValue = value;
                }
            }
            add(FindingCode::CountOverflow, ptrOf(biggest),
                std::string(e.what()) + " with these sizes (largest: " + biggest + " = " +
                    std::to_string(biggestValue) + ")",
                "no trainable model is this large; check for an extra digit");
            return false;
        }
    }

    // ---- notes ---------------------------------------------------------------------------

    void checkNotes(const ModelConfig& c)
    {
        const std::string headPtr = fields_.ints.count("head_dim") ? "/head_dim" : "/num_attention_heads";
        if (c.headDim % 8 != 0)
            add(FindingCode::HeadDimAlignment, headPtr,
                "head_dim is " + std::to_string(c.headDim) +
                    ", not a multiple of 8; attention kernels "
                    "(FlashAttention, tensor cores) run best on multiples of 8, ideally 64 or 128",
                "choose hidden_size and num_attention_heads so hidden_size / heads is 64 or 128");
        if (c.intermediateSize % 64 != 0)
            add(FindingCode::SizeAlignment, "/intermediate_size",
                "intermediate_size " + std::to_string(c.intermediateSize) +
                    " is not a multiple of 64; GEMMs pad to tile sizes",
                "round to " + std::to_string((c.intermediateSize + 63) / 64 * 64) +
                    " (LLaMA uses multiple_of = 256)");
        if (c.vocabSize % 64 != 0)
            add(FindingCode::SizeAlignment, "/vocab_size",
                "vocab_size " + std::to_string(c.vocabSize) +
                    " is not a multiple of 64; the embedding and lm_head GEMMs pad to tile sizes",
                "pad the vocabulary to " + std::to_string((c.vocabSize + 63) / 64 * 64));
        // SwiGLU's 8/3 is LLaMA's convention (the GaLore ladder); other families choose other
        // ratios on purpose (Gemma 8, Qwen 5.4), so only LLaMA configs get the note.
        if (type_ != ModelType::Llama)
            return;
        const double ratio = static_cast<double>(c.intermediateSize) / static_cast<double>(c.hiddenSize);
        if (std::abs(ratio - kSwiGluRatio) / kSwiGluRatio > 0.05)
            add(FindingCode::FfnRatio, "/intermediate_size",
                "intermediate/hidden is " + formatFixed(ratio, 2) +
                    ", far from SwiGLU's 8/3 ≈ 2.67 "
                    "(LLaMA keeps a 4d MLP's parameter count with three matrices)",
                "8/3 · " + std::to_string(c.hiddenSize) + " ≈ " +
                    std::to_string(static_cast<long long>(
                        std::llround(kSwiGluRatio * static_cast<double>(c.hiddenSize)))));
    }

    const Document& doc_;
    ValidationReport& report_;
    Fields fields_;
    ModelType type_ = ModelType::Llama;
};

void sortFindings(ValidationReport& report)
{
    // File order; findings without a position (absent keys) after those with one.
    std::stable_sort(report.findings.begin(), report.findings.end(), [](const Finding& a, const Finding& b) {
        const int la = a.pos.known() ? a.pos.line : INT32_MAX;
        const int lb = b.pos.known() ? b.pos.line : INT32_MAX;
        if (la != lb)
            return la < lb;
        return a.pos.column < b.pos.column;
    });
}

} // namespace

std::string sourceStem(std::string_view source)
{
    std::string s(source);
    if (auto slash = s.find_last_of("/\\"); slash != std::string::npos)
        s = s.substr(slash + 1);
    if (s.size() > 5 && s.ends_with(".json"))
        s.resize(s.size() - 5);
    return s.empty() ? "config" : s;
}

LoadResult validateDocument(Document document)
{
    LoadResult result;
    result.report.source = document.source;
    result.report.findings = document.findings;
    if (document.parsed()) {
        Validator validator(document, result.report);
        result.config = validator.run();
        if (result.report.hasErrors())
            result.config.reset();
    }
    sortFindings(result.report);
    capRepeatedFindings(result.report);
    result.document = std::move(document);
    return result;
}

LoadResult loadConfigText(std::string_view text, const std::string& source, const ParseLimits& limits)
{
    return validateDocument(parseDocument(text, source, limits));
}

LoadResult loadConfigFile(const std::filesystem::path& path, const ParseLimits& limits)
{
    const CappedRead file = readFileCapped(path, limits.maxBytes);
    if (!file.truncated) {
        LoadResult r = loadConfigText(file.bytes, path.string(), limits);
        if (isBundledText(file.bytes)) // a copy of a published family member (SPEC §2)
            markKnownQuirks(r.report);
        return r;
    }
    return validateDocument(oversizedDocument(path.string(), file.size, limits));
}

std::optional<ModelConfig> resolveConfig(const nlohmann::ordered_json& root)
{
    Document doc;
    doc.source = "config.json";
    doc.root = std::make_shared<const ordered_json>(root);
    doc.parsedOk = true;
    ValidationReport report;
    Validator validator(doc, report);
    std::optional<ModelConfig> config = validator.run();
    if (report.hasErrors())
        return std::nullopt;
    return config;
}

ValidationReport validateConfig(const ModelConfig& config)
{
    const std::string text = toHfJsonText(config);
    return loadConfigText(text, config.name + ".json").report;
}

} // namespace llamascope
