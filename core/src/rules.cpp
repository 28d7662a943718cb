// The per-field rule table and the finding-code catalogue. Change a rule here and both the
// validator and `llamascope schema` follow; tests/core/schema_test keeps the committed
// schemas/llama-config.schema.json in step.

#include "llamascope/rules.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <limits>

namespace llamascope {
namespace {

constexpr std::array kActivations = {
    std::string_view("gelu"),          std::string_view("gelu_10"),     std::string_view("gelu_fast"),
    std::string_view("gelu_new"),      std::string_view("gelu_python"), std::string_view("gelu_pytorch_tanh"),
    std::string_view("gelu_accurate"), std::string_view("laplace"),     std::string_view("leaky_relu"),
    std::string_view("linear"),        std::string_view("mish"),        std::string_view("quick_gelu"),
    std::string_view("relu"),          std::string_view("relu2"),       std::string_view("relu6"),
    std::string_view("sigmoid"),       std::string_view("silu"),        std::string_view("swish"),
    std::string_view("tanh"),
};

constexpr std::array kRopeScalingTypes = {
    std::string_view("default"), std::string_view("linear"),   std::string_view("dynamic"),
    std::string_view("yarn"),    std::string_view("longrope"), std::string_view("llama3"),
};

FieldRule integer(std::string_view key, std::string_view description, std::string_view def,
                  std::int64_t minimum, bool shape = false, bool nullable = false)
{
    FieldRule r;
    r.key = key;
    r.type = FieldType::Integer;
    r.description = description;
    r.defaultText = def;
    r.minInt = minimum;
    r.shapeKey = shape;
    r.nullable = nullable;
    return r;
}

FieldRule positiveNumber(std::string_view key, std::string_view description, std::string_view def)
{
    FieldRule r;
    r.key = key;
    r.type = FieldType::Number;
    r.description = description;
    r.defaultText = def;
    r.minNumber = 0.0;
    r.minExclusive = true;
    return r;
}

FieldRule simple(std::string_view key, FieldType type, std::string_view description,
                 std::string_view def = {}, bool nullable = false)
{
    FieldRule r;
    r.key = key;
    r.type = type;
    r.description = description;
    r.defaultText = def;
    r.nullable = nullable;
    return r;
}

FieldRule oneOf(std::string_view key, std::string_view description, std::string_view def,
                std::vector<std::string_view> allowed)
{
    FieldRule r = simple(key, FieldType::String, description, def);
    r.allowed = std::move(allowed);
    return r;
}

std::vector<FieldRule> buildRules()
{
    std::vector<FieldRule> rules;
    rules.push_back(integer("vocab_size", "Vocabulary size V", "32000", 1, true));
    rules.push_back(integer("hidden_size", "Model width d", "4096", 1, true));
    rules.push_back(integer("intermediate_size", "MLP inner width f", "11008", 1, true));
    rules.push_back(integer("num_hidden_layers", "Number of decoder layers L", "32", 1, true));
    rules.push_back(integer("num_attention_heads", "Query heads H", "32", 1, true));
    rules.push_back(integer("num_key_value_heads", "Key/value heads K (GQA); null means K = H",
                            "num_attention_heads", 1, false, true));
    rules.push_back(integer("head_dim", "Per-head width h; null means hidden_size / num_attention_heads",
                            "hidden_size / num_attention_heads", 1, false, true));
    rules.push_back(oneOf("hidden_act", "MLP activation (transformers ACT2FN name)", "silu",
                          {kActivations.begin(), kActivations.end()}));
    rules.push_back(integer("max_position_embeddings", "Context length P", "2048", 1));
    rules.push_back(integer("max_sequence_length", "Legacy length key; transformers never reads it", "", 1));
    rules.push_back(positiveNumber("initializer_range", "Std-dev of the normal weight init", "0.02"));
    rules.push_back(positiveNumber("rms_norm_eps", "RMSNorm epsilon", "1e-06"));
    rules.push_back(
        simple("tie_word_embeddings", FieldType::Boolean, "Share the input embedding with lm_head", "false"));
    rules.push_back(positiveNumber("rope_theta", "RoPE base θ", "10000.0"));
    rules.push_back(simple("rope_scaling", FieldType::RopeScaling,
                           "RoPE scaling: null or {\"type\" or \"rope_type\", \"factor\", ...}", "null",
                           true));
    rules.push_back(simple("attention_bias", FieldType::Boolean, "Biases on q/k/v/o projections", "false"));
    {
        FieldRule r = simple("attention_dropout", FieldType::Number, "Attention dropout probability", "0.0");
        r.minNumber = 0.0;
        r.maxNumber = 1.0;
        rules.push_back(r);
    }
    rules.push_back(simple("mlp_bias", FieldType::Boolean, "Biases on gate/up/down projections", "false"));
    rules.push_back(oneOf("position_embedding_type", "How positions enter the model", "rope",
                          {"rope", "learned", "sinusoidal", "none"}));
    rules.push_back(oneOf("model_type", "Model family; llama and mistral share one structure", "llama",
                          {"llama", "mistral"}));
    rules.push_back(simple("bos_token_id", FieldType::TokenId, "Beginning-of-sequence token id", "1", true));
    rules.push_back(simple("eos_token_id", FieldType::TokenId, "End-of-sequence token id(s)", "2", true));
    rules.push_back(simple("pad_token_id", FieldType::TokenId, "Padding token id", "null", true));
    rules.push_back(simple("architectures", FieldType::StringArray, "Model classes that load this config"));
    rules.push_back(
        simple("transformers_version", FieldType::String, "transformers version that wrote the file"));
    rules.push_back(simple("use_cache", FieldType::Boolean, "Keep a KV cache during generation", "true"));
    rules.push_back(simple("torch_dtype", FieldType::String, "Dtype the weights were saved in", "", true));
    rules.push_back(simple("_name_or_path", FieldType::String, "Where the model was loaded from"));
    rules.push_back(integer("pretraining_tp", "Tensor-parallel degree used in pretraining", "1", 1));
    rules.push_back(integer("sliding_window", "Mistral sliding-window length", "null", 1, false, true));
    // Generic PretrainedConfig keys llamascope does not interpret; known, so never "unknown".
    for (std::string_view key :
         {"return_dict", "output_hidden_states", "output_attentions", "torchscript", "is_encoder_decoder",
          "is_decoder", "tokenizer_class", "prefix", "task_specific_params", "problem_type", "id2label",
          "label2id", "quantization_config", "max_length", "bad_words_ids", "num_beams", "sep_token_id",
          "decoder_start_token_id", "chunk_size_feed_forward"})
        rules.push_back(simple(key, FieldType::Any, "Generic transformers key (not interpreted)"));
    return rules;
}

constexpr std::array kCodes = {
    FindingCode{"syntax", Severity::Error, "The file is not valid JSON (line:column given)", false},
    FindingCode{"file-too-large", Severity::Error, "The file exceeds the size cap for config files", false},
    FindingCode{"too-deep", Severity::Error, "Nesting deeper than any config could be", false},
    FindingCode{"duplicate-key", Severity::Error, "A key appears twice in one object", false},
    FindingCode{"root-not-object", Severity::Error, "The top-level value is not a JSON object", true},
    FindingCode{"number-out-of-range", Severity::Error, "A number does not fit int64 / double", true},
    FindingCode{"wrong-type", Severity::Error, "A field has the wrong JSON type (\"768\", 768.5, true)",
                true},
    FindingCode{"not-positive", Severity::Error, "A size or positive quantity is zero or negative", true},
    FindingCode{"out-of-range", Severity::Error, "A value is outside its allowed range", true},
    FindingCode{"unknown-value", Severity::Error, "A string field has a value transformers does not know",
                true},
    FindingCode{"unsupported-model-type", Severity::Error, "model_type is not llama or mistral", true},
    FindingCode{"bad-rope-scaling", Severity::Error, "rope_scaling is malformed", true},
    FindingCode{"token-id-range", Severity::Error, "A token id is below -1", true},
    FindingCode{"token-id-vocab", Severity::Error, "A token id is not below vocab_size", false},
    FindingCode{"heads-not-divisible", Severity::Error, "hidden_size is not divisible by num_attention_heads",
                false},
    FindingCode{"kv-heads-not-divisible", Severity::Error,
                "num_attention_heads is not divisible by num_key_value_heads", false},
    FindingCode{"odd-head-dim", Severity::Error, "RoPE needs an even head_dim", false},
    FindingCode{"count-overflow", Severity::Error, "Parameter or FLOP counts overflow 64-bit integers",
                false},
    FindingCode{"unknown-key", Severity::Warning, "A key transformers does not know (with did-you-mean)",
                false},
    FindingCode{"ignored-key", Severity::Warning, "A key transformers never reads (max_sequence_length)",
                false},
    FindingCode{"legacy-architecture", Severity::Warning, "The pre-4.28 class name LLaMAForCausalLM", false},
    FindingCode{"negative-token-id", Severity::Warning, "A token id of -1 (not a valid embedding row)",
                false},
    FindingCode{"missing-key", Severity::Warning, "A shape key is absent, so a default applies", false},
    FindingCode{"head-dim-alignment", Severity::Note, "head_dim is not a multiple of 8", false},
    FindingCode{"size-alignment", Severity::Note, "intermediate_size or vocab_size is not a multiple of 64",
                false},
    FindingCode{"ffn-ratio", Severity::Note, "intermediate/hidden is more than 5% from SwiGLU's 8/3", false},
};

} // namespace

std::span<const FieldRule> configFieldRules()
{
    static const std::vector<FieldRule> rules = buildRules();
    return rules;
}

const FieldRule* findFieldRule(std::string_view key)
{
    for (const FieldRule& r : configFieldRules())
        if (r.key == key)
            return &r;
    return nullptr;
}

std::span<const std::string_view> knownActivations()
{
    return kActivations;
}
std::span<const std::string_view> knownRopeScalingTypes()
{
    return kRopeScalingTypes;
}

std::span<const FindingCode> findingCodes()
{
    return kCodes;
}

const FindingCode* findFindingCode(std::string_view code)
{
    for (const FindingCode& c : kCodes)
        if (c.code == code)
            return &c;
    return nullptr;
}

namespace {

using ordered_json = nlohmann::ordered_json;

ordered_json tokenIdSchema()
{
    const ordered_json id = {
        {"type", "integer"}, {"minimum", -1}, {"maximum", std::numeric_limits<std::int64_t>::max()}};
    return {{"anyOf", ordered_json::array({id, {{"type", "array"}, {"items", id}}, {{"type", "null"}}})}};
}

ordered_json ropeScalingSchema()
{
    ordered_json types = ordered_json::array();
    for (std::string_view t : kRopeScalingTypes)
        types.push_back(t);
    const ordered_json factor = {
        {"type", "number"}, {"exclusiveMinimum", 0}, {"maximum", std::numeric_limits<double>::max()}};
    ordered_json object = {
        {"type", "object"},
        {"properties", {{"type", {{"enum", types}}}, {"rope_type", {{"enum", types}}}, {"factor", factor}}},
        {"anyOf", ordered_json::array({{{"required", {"type"}}}, {{"required", {"rope_type"}}}})},
        // Every type except "default" scales by a factor.
        {"if",
         {{"anyOf",
           ordered_json::array(
               {{{"properties", {{"type", {{"const", "default"}}}}}, {"required", {"type"}}},
                {{"properties", {{"rope_type", {{"const", "default"}}}}}, {"required", {"rope_type"}}}})}}},
        {"else", {{"required", {"factor"}}}},
    };
    return {{"anyOf", ordered_json::array({{{"type", "null"}}, object})}};
}

ordered_json fieldSchema(const FieldRule& r)
{
    ordered_json s;
    switch (r.type) {
    case FieldType::Integer:
        s["type"] = r.nullable ? ordered_json::array({"integer", "null"}) : ordered_json("integer");
        if (r.minInt)
            s["minimum"] = *r.minInt;
        s["maximum"] = std::numeric_limits<std::int64_t>::max();
        break;
    case FieldType::Number:
        s["type"] = "number";
        if (r.minNumber) {
            if (r.minExclusive)
                s["exclusiveMinimum"] = *r.minNumber;
            else
                s["minimum"] = *r.minNumber;
        }
        s["maximum"] = r.maxNumber ? *r.maxNumber : std::numeric_limits<double>::max();
        break;
    case FieldType::Boolean: s["type"] = "boolean"; break;
    case FieldType::String:
        s["type"] = r.nullable ? ordered_json::array({"string", "null"}) : ordered_json("string");
        if (!r.allowed.empty()) {
            ordered_json values = ordered_json::array();
            for (std::string_view v : r.allowed)
                values.push_back(v);
            s["enum"] = values;
        }
        break;
    case FieldType::TokenId: s = tokenIdSchema(); break;
    case FieldType::StringArray: s = {{"type", "array"}, {"items", {{"type", "string"}}}}; break;
    case FieldType::RopeScaling: s = ropeScalingSchema(); break;
    case FieldType::Any: break;
    }
    ordered_json out = {{"description", r.description}};
    if (!r.defaultText.empty())
        out["$comment"] = "default: " + std::string(r.defaultText);
    if (s.is_object())
        out.update(s);
    return out;
}

} // namespace

nlohmann::ordered_json configSchema()
{
    ordered_json properties = ordered_json::object();
    for (const FieldRule& r : configFieldRules())
        properties[std::string(r.key)] = fieldSchema(r);
    return {
        {"$schema", "https://json-schema.org/draft/2020-12/schema"},
        {"$id", "https://llamascope.dev/schemas/llama-config.schema.json"},
        {"title", "LLaMA-family model config (HF config.json)"},
        {"description",
         "Per-field rules of llamascope's validator, generated by `llamascope schema`. Cross-field "
         "rules (divisibility, token ids below vocab_size, overflow) and warnings are checked by "
         "`llamascope validate` only. JSON Schema accepts 768.0 as an integer; llamascope reports "
         "it as wrong-type because transformers keeps it as a float."},
        {"type", "object"},
        {"properties", properties},
        {"additionalProperties", true},
    };
}

} // namespace llamascope
