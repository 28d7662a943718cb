// The validator (SPEC §4): one pass over the document that checks every field against the
// rule table in rules.cpp, then the cross-field rules, then builds the LlamaConfig.

#include "llamascope/validate.hpp"

#include "llamascope/flops.hpp"
#include "llamascope/format.hpp"
#include "llamascope/io.hpp"
#include "llamascope/metrics.hpp"
#include "llamascope/params.hpp"
#include "llamascope/rules.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <set>

namespace llamascope {
namespace {

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
    case FieldType::Any: t = "any value"; break;
    }
    if (r.nullable && r.type != FieldType::TokenId && r.type != FieldType::RopeScaling)
        t += " or null";
    return t;
}

bool isInteger(const ordered_json& v)
{
    return v.is_number_integer();
}

/// The typed values of fields that passed their per-field checks.
struct Fields {
    std::map<std::string, Count, std::less<>> ints;
    std::map<std::string, double, std::less<>> numbers;
    std::map<std::string, bool, std::less<>> bools;
    std::map<std::string, std::string, std::less<>> strings;
    std::map<std::string, std::vector<Count>, std::less<>> tokenIds; // empty vector = null
    std::set<std::string, std::less<>> present;                      // keys present, valid or not
    std::set<std::string, std::less<>> nulls;                        // keys present with null
};

class Validator {
public:
    Validator(const Document& doc, ValidationReport& report) : doc_(doc), report_(report) {}

    std::optional<LlamaConfig> run()
    {
        const ordered_json& root = *doc_.root;
        if (!root.is_object()) {
            add(Severity::Error, "root-not-object", "",
                "the top-level value is " + describeValue(root) + ", not a JSON object",
                "a config.json is an object: {\"hidden_size\": 768, ...}");
            return std::nullopt;
        }
        for (const auto& [key, value] : root.items())
            checkMember(key, value);
        checkMissingKeys();
        checkFamilyConventions();
        std::optional<LlamaConfig> config = buildConfig();
        if (!config)
            return std::nullopt;
        checkNotes(*config);
        return config;
    }

private:
    enum class At { Value, Key, Nowhere };

    void add(Severity s, std::string code, const std::string& pointer, std::string message, std::string hint,
             At at = At::Value)
    {
        SourcePos pos;
        if (at == At::Value)
            pos = doc_.positionOf(pointer);
        else if (at == At::Key)
            pos = doc_.keyPositionOf(pointer);
        report_.findings.push_back({s, std::move(code), pointer, std::move(message), std::move(hint), pos});
    }

    [[nodiscard]] bool hasError() const { return report_.hasErrors(); }

    // ---- per-field checks (the part JSON Schema can express) -------------------------------

    void checkMember(const std::string& key, const ordered_json& value)
    {
        const std::string ptr = "/" + escapePointerToken(key);
        fields_.present.insert(key);
        const FieldRule* rule = findFieldRule(key);
        if (rule == nullptr) {
            reportUnknownKey(key, ptr);
            return;
        }
        if (auto bad = doc_.badNumbers.find(ptr); bad != doc_.badNumbers.end()) {
            add(Severity::Error, "number-out-of-range", ptr, key + ": " + bad->second,
                "use a value that fits: integers up to 9223372036854775807, floats up to ~1.8e308");
            return;
        }
        if (value.is_null() && rule->nullable) {
            fields_.nulls.insert(key);
            if (rule->type == FieldType::TokenId)
                fields_.tokenIds[key] = {};
            return;
        }
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
        case FieldType::RopeScaling: checkRopeScaling(ptr, value); break;
        case FieldType::Any: break;
        }
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
                hint = std::floor(d) == d ? "write " + std::to_string(static_cast<long long>(d)) +
                                                " without the decimal point: transformers keeps " +
                                                value.dump() + " as a float and the model fails to build"
                                          : "a count must be a whole number";
            }
        }
        add(Severity::Error, "wrong-type", ptr,
            std::string(r.key) + " must be " + expectedTypeText(r) + ", found " + describeValue(value), hint);
        return false;
    }

    void checkInteger(const FieldRule& r, const std::string& ptr, const ordered_json& value)
    {
        if (!expectType(r, ptr, value, isInteger(value)))
            return;
        if (value.is_number_unsigned() &&
            value.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
            add(Severity::Error, "number-out-of-range", ptr, std::string(r.key) + " does not fit in 64 bits",
                "");
            return;
        }
        const Count v = value.get<Count>();
        if (r.minInt && v < *r.minInt) {
            add(Severity::Error, *r.minInt == 1 ? "not-positive" : "out-of-range", ptr,
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
            add(Severity::Error, positive ? "not-positive" : "out-of-range", ptr,
                std::string(r.key) + " must be " +
                    (positive ? "a positive number" : "at least " + formatNumber(*r.minNumber)) + ", found " +
                    value.dump(),
                r.defaultText.empty() ? "" : "transformers' default is " + std::string(r.defaultText));
            return;
        }
        if (r.maxNumber && v > *r.maxNumber) {
            add(Severity::Error, "out-of-range", ptr,
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
            if (r.key == "model_type")
                add(Severity::Error, "unsupported-model-type", ptr,
                    "model_type \"" + s +
                        "\" is not a LLaMA-family model; llamascope counts llama and mistral",
                    "llamascope's formulas assume the LLaMA structure; it refuses other families rather than "
                    "guess");
            else
                add(Severity::Error, "unknown-value", ptr,
                    std::string(r.key) + " \"" + s + "\" is not a value transformers knows", hint);
            return;
        }
        fields_.strings[std::string(r.key)] = s;
    }

    void checkTokenIds(const FieldRule& r, const std::string& ptr, const ordered_json& value)
    {
        std::vector<Count> ids;
        auto one = [&](const std::string& p, const ordered_json& v) {
            if (!isInteger(v) ||
                (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))) {
                add(Severity::Error, "wrong-type", p,
                    std::string(r.key) + " must be " + expectedTypeText(r) + ", found " + describeValue(v),
                    v.is_string() ? "remove the quotes" : "");
                return false;
            }
            const Count id = v.get<Count>();
            if (id < -1) {
                add(Severity::Error, "token-id-range", p,
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
                    add(Severity::Error, "number-out-of-range", p, std::string(r.key) + ": " + bad->second,
                        "");
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
                add(Severity::Error, "wrong-type", ptr + "/" + std::to_string(i),
                    std::string(r.key) + " entries must be strings, found " + describeValue(value[i]), "");
    }

    void checkRopeScaling(const std::string& ptr, const ordered_json& value)
    {
        const std::string types = joinQuoted(knownRopeScalingTypes());
        if (!value.is_object()) {
            add(Severity::Error, "bad-rope-scaling", ptr,
                "rope_scaling must be null or an object, found " + describeValue(value),
                "for example {\"type\": \"linear\", \"factor\": 2.0}, or null for none");
            return;
        }
        std::optional<std::string> type;
        for (const char* key : {"type", "rope_type"}) {
            if (!value.contains(key))
                continue;
            const ordered_json& t = value.at(key);
            const auto known = knownRopeScalingTypes();
            if (!t.is_string() ||
                std::find(known.begin(), known.end(), t.get<std::string>()) == known.end()) {
                add(Severity::Error, "bad-rope-scaling", ptr + "/" + key,
                    std::string("rope_scaling.") + key + " is " + describeValue(t) +
                        ", not a known scaling type",
                    "allowed: " + types);
                return;
            }
            type = t.get<std::string>();
        }
        if (!type) {
            add(Severity::Error, "bad-rope-scaling", ptr,
                "rope_scaling has neither \"type\" nor \"rope_type\"",
                "name the scaling: {\"type\": \"linear\", \"factor\": 2.0}");
            return;
        }
        const std::string fptr = ptr + "/factor";
        if (auto bad = doc_.badNumbers.find(fptr); bad != doc_.badNumbers.end()) {
            add(Severity::Error, "number-out-of-range", fptr, "rope_scaling.factor: " + bad->second, "");
            return;
        }
        if (!value.contains("factor")) {
            if (*type != "default")
                add(Severity::Error, "bad-rope-scaling", ptr,
                    "rope_scaling of type \"" + *type + "\" needs a \"factor\"",
                    "add \"factor\": 2.0 (the context extension ratio)");
            return;
        }
        const ordered_json& factor = value.at("factor");
        if (!factor.is_number() || factor.get<double>() <= 0.0)
            add(Severity::Error, "bad-rope-scaling", fptr,
                "rope_scaling.factor must be a positive number, found " + describeValue(factor),
                "the factor is the context extension ratio, e.g. 2.0");
    }

    void reportUnknownKey(const std::string& key, const std::string& ptr)
    {
        std::vector<std::string_view> known;
        for (const FieldRule& r : configFieldRules())
            known.push_back(r.key);
        const std::string suggestion = closestMatch(key, known);
        add(Severity::Warning, "unknown-key", ptr,
            "\"" + key + "\" is not a key transformers' LlamaConfig reads; it is kept but has no effect",
            suggestion.empty() ? "remove it, or check the spelling against docs/config-format.md"
                               : "did you mean \"" + suggestion + "\"?",
            At::Key);
    }

    // ---- warnings about conventions --------------------------------------------------------

    void checkMissingKeys()
    {
        for (const FieldRule& r : configFieldRules()) {
            if (!r.shapeKey || fields_.present.count(r.key) != 0)
                continue;
            add(Severity::Warning, "missing-key", "/" + std::string(r.key),
                std::string(r.key) + " is absent, so transformers' default " + std::string(r.defaultText) +
                    " applies",
                "write it explicitly so the file says what model it is", At::Nowhere);
        }
        if (fields_.present.count("model_type") == 0)
            add(Severity::Warning, "missing-key", "/model_type",
                "model_type is absent; llamascope assumes \"llama\", but AutoConfig cannot load the file",
                "add \"model_type\": \"llama\"", At::Nowhere);
    }

    void checkFamilyConventions()
    {
        const ordered_json& root = *doc_.root;
        if (fields_.present.count("max_sequence_length") != 0 &&
            fields_.ints.count("max_sequence_length") != 0) {
            const Count msl = fields_.ints.at("max_sequence_length");
            std::string message =
                "transformers never reads max_sequence_length (" + std::to_string(msl) + "); ";
            if (auto it = fields_.ints.find("max_position_embeddings"); it != fields_.ints.end())
                message += "it uses max_position_embeddings = " + std::to_string(it->second) +
                           (it->second == msl ? "" : ", which disagrees");
            else
                message += "it silently uses max_position_embeddings = 2048; llamascope takes " +
                           std::to_string(msl) + " as the intended context length";
            add(Severity::Warning, "ignored-key", "/max_sequence_length", message,
                "add \"max_position_embeddings\": " + std::to_string(msl) +
                    " so transformers sees the same length",
                At::Key);
        }
        if (root.contains("architectures") && root.at("architectures").is_array()) {
            const ordered_json& archs = root.at("architectures");
            for (std::size_t i = 0; i < archs.size(); ++i)
                if (archs[i].is_string() && archs[i].get<std::string>() == "LLaMAForCausalLM")
                    add(Severity::Warning, "legacy-architecture", "/architectures/" + std::to_string(i),
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
                    add(Severity::Warning, "negative-token-id",
                        "/" + std::string(key) + (isArray ? "/" + std::to_string(i) : ""),
                        std::string(key) +
                            " is -1, which is not a row of the embedding; padding with it crashes the lookup",
                        "use null when there is no such token (the loss must then ignore padding by mask)");
        }
    }

    // ---- cross-field checks and the config ---------------------------------------------------

    Count intOr(std::string_view key, Count fallback) const
    {
        auto it = fields_.ints.find(key);
        return it != fields_.ints.end() ? it->second : fallback;
    }

    std::optional<LlamaConfig> buildConfig()
    {
        LlamaConfig c;
        c.name = sourceStem(doc_.source);
        c.original = doc_.root;
        c.vocabSize = intOr("vocab_size", 32000);
        c.hiddenSize = intOr("hidden_size", 4096);
        c.intermediateSize = intOr("intermediate_size", 11008);
        c.numHiddenLayers = intOr("num_hidden_layers", 32);
        c.numAttentionHeads = intOr("num_attention_heads", 32);
        c.numKeyValueHeads = intOr("num_key_value_heads", c.numAttentionHeads);
        if (auto it = fields_.strings.find("hidden_act"); it != fields_.strings.end())
            c.hiddenAct = it->second;
        if (auto it = fields_.strings.find("model_type"); it != fields_.strings.end())
            c.modelType = it->second;
        if (auto it = fields_.strings.find("position_embedding_type"); it != fields_.strings.end())
            c.positionType = *positionTypeFromString(it->second);
        if (auto it = fields_.ints.find("max_position_embeddings"); it != fields_.ints.end()) {
            c.contextLength = it->second;
            c.contextSource = ContextSource::MaxPositionEmbeddings;
        } else if (auto it2 = fields_.ints.find("max_sequence_length"); it2 != fields_.ints.end()) {
            c.contextLength = it2->second;
            c.contextSource = ContextSource::MaxSequenceLength;
        }
        auto num = [&](std::string_view key, double& out) {
            if (auto it = fields_.numbers.find(key); it != fields_.numbers.end())
                out = it->second;
        };
        num("initializer_range", c.initializerRange);
        num("rms_norm_eps", c.rmsNormEps);
        num("rope_theta", c.ropeTheta);
        auto flag = [&](std::string_view key, bool& out) {
            if (auto it = fields_.bools.find(key); it != fields_.bools.end())
                out = it->second;
        };
        flag("tie_word_embeddings", c.tieWordEmbeddings);
        flag("attention_bias", c.attentionBias);
        flag("mlp_bias", c.mlpBias);
        auto token = [&](std::string_view key, std::optional<Count>& out) {
            if (auto it = fields_.tokenIds.find(key); it != fields_.tokenIds.end() && !it->second.empty())
                out = it->second.front();
        };
        token("bos_token_id", c.bosTokenId);
        token("eos_token_id", c.eosTokenId);
        token("pad_token_id", c.padTokenId);

        checkHeads(c);
        checkTokenIdsAgainstVocab(c.vocabSize);
        if (hasError())
            return std::nullopt;
        if (!checkOverflow(c))
            return std::nullopt;
        return c;
    }

    void checkHeads(LlamaConfig& c)
    {
        const bool headsValid = fields_.ints.count("num_attention_heads") != 0 ||
                                fields_.present.count("num_attention_heads") == 0;
        const bool hiddenValid =
            fields_.ints.count("hidden_size") != 0 || fields_.present.count("hidden_size") == 0;
        if (auto it = fields_.ints.find("head_dim"); it != fields_.ints.end()) {
            c.headDim = it->second;
        } else if (headsValid && hiddenValid) {
            if (c.hiddenSize % c.numAttentionHeads != 0) {
                add(Severity::Error, "heads-not-divisible", "/num_attention_heads",
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
        const bool kvValid = fields_.ints.count("num_key_value_heads") != 0 ||
                             fields_.present.count("num_key_value_heads") == 0 ||
                             fields_.nulls.count("num_key_value_heads") != 0;
        if (headsValid && kvValid && c.numAttentionHeads % c.numKeyValueHeads != 0)
            add(Severity::Error, "kv-heads-not-divisible", "/num_key_value_heads",
                "num_attention_heads " + std::to_string(c.numAttentionHeads) +
                    " is not divisible by num_key_value_heads " + std::to_string(c.numKeyValueHeads),
                "each kv head serves H/K query heads; pick K among the divisors of " +
                    std::to_string(c.numAttentionHeads));
        if (c.headDim > 0 && c.headDim % 2 != 0 && c.positionType == PositionType::Rope)
            add(Severity::Error, "odd-head-dim",
                fields_.ints.count("head_dim") ? "/head_dim" : "/num_attention_heads",
                "head_dim is " + std::to_string(c.headDim) +
                    "; RoPE rotates pairs of dimensions and needs it even",
                "change the head count or hidden_size so hidden_size / num_attention_heads is even");
    }

    static std::string suggestDivisors(Count hidden, Count heads)
    {
        Count below = heads, above = heads;
        while (below > 1 && hidden % below != 0)
            --below;
        while (above < hidden && hidden % above != 0)
            ++above;
        return "nearest head counts that divide " + std::to_string(hidden) + ": " + std::to_string(below) +
               (above != below && hidden % above == 0 ? " or " + std::to_string(above) : "");
    }

    void checkTokenIdsAgainstVocab(Count vocab)
    {
        if (fields_.present.count("vocab_size") != 0 && fields_.ints.count("vocab_size") == 0)
            return; // vocab itself is broken; already reported
        const ordered_json& root = *doc_.root;
        for (const auto& [key, ids] : fields_.tokenIds) {
            const bool isArray = root.at(key).is_array();
            for (std::size_t i = 0; i < ids.size(); ++i)
                if (ids[i] >= vocab)
                    add(Severity::Error, "token-id-vocab",
                        "/" + key + (isArray ? "/" + std::to_string(i) : ""),
                        key + " " + std::to_string(ids[i]) + " is not below vocab_size " +
                            std::to_string(vocab),
                        "the embedding has rows 0.." + std::to_string(vocab - 1) +
                            "; fix the id or vocab_size");
        }
    }

    bool checkOverflow(const LlamaConfig& c)
    {
        try {
            (void)countParameters(c);
            (void)computeFlops(c, FlopOptions{c.contextLength, AttentionMask::Full});
            return true;
        } catch (const CountOverflow& e) {
            std::string biggest = "hidden_size";
            Count biggestValue = 0;
            for (const char* key : {"vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers",
                                    "num_attention_heads", "num_key_value_heads", "head_dim",
                                    "max_position_embeddings", "max_sequence_length"}) {
                if (auto it = fields_.ints.find(key); it != fields_.ints.end() && it->second > biggestValue) {
                    biggest = key;
                    biggestValue = it->second;
                }
            }
            add(Severity::Error, "count-overflow", "/" + biggest,
                std::string(e.what()) + " with these sizes (largest: " + biggest + " = " +
                    std::to_string(biggestValue) + ")",
                "no trainable LLaMA is this large; check for an extra digit");
            return false;
        }
    }

    // ---- notes ---------------------------------------------------------------------------

    void checkNotes(const LlamaConfig& c)
    {
        if (c.headDim % 8 != 0)
            add(Severity::Note, "head-dim-alignment",
                fields_.ints.count("head_dim") ? "/head_dim" : "/num_attention_heads",
                "head_dim is " + std::to_string(c.headDim) +
                    ", not a multiple of 8; attention kernels "
                    "(FlashAttention, tensor cores) run best on multiples of 8, ideally 64 or 128",
                "choose hidden_size and num_attention_heads so hidden_size / heads is 64 or 128");
        if (c.intermediateSize % 64 != 0)
            add(Severity::Note, "size-alignment", "/intermediate_size",
                "intermediate_size " + std::to_string(c.intermediateSize) +
                    " is not a multiple of 64; GEMMs pad to tile sizes",
                "round to " + std::to_string((c.intermediateSize + 63) / 64 * 64) +
                    " (LLaMA uses multiple_of = 256)");
        if (c.vocabSize % 64 != 0)
            add(Severity::Note, "size-alignment", "/vocab_size",
                "vocab_size " + std::to_string(c.vocabSize) +
                    " is not a multiple of 64; the embedding and lm_head GEMMs pad to tile sizes",
                "pad the vocabulary to " + std::to_string((c.vocabSize + 63) / 64 * 64));
        const double ratio = static_cast<double>(c.intermediateSize) / static_cast<double>(c.hiddenSize);
        if (std::abs(ratio - kSwiGluRatio) / kSwiGluRatio > 0.05)
            add(Severity::Note, "ffn-ratio", "/intermediate_size",
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
    if (!file.truncated)
        return loadConfigText(file.bytes, path.string(), limits);
    return validateDocument(oversizedDocument(path.string(), file.size, limits));
}

ValidationReport validateConfig(const LlamaConfig& config)
{
    const std::string text = toHfJsonText(config);
    return loadConfigText(text, config.name + ".json").report;
}

} // namespace llamascope
