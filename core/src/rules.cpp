// The binding table and the finding-code catalogue. Change a row here and the validator,
// toHfJson(), the GUI form and `llamascope schema` follow; tests/core keeps the committed
// schemas/llama-config.schema.json in step. Which keys each model type reads comes from
// transformers' configuration_<type>.py (and modeling_<type>.py for keys the config class
// stores but the model ignores); docs/config-format.md renders the table.

#include "llamascope/rules.hpp"

#include "llamascope/model_types.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <limits>

namespace llamascope {
namespace {

using ordered_json = nlohmann::ordered_json;
using MT = ModelType;

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

FieldRule rule(std::string_view key, FieldType type, KeyRole role, Field field, std::string_view description,
               ModelTypeSet readBy = ModelTypeSet::all())
{
    FieldRule r;
    r.key = key;
    r.type = type;
    r.role = role;
    r.field = field;
    r.description = description;
    r.readBy = readBy;
    return r;
}

FieldRule size(std::string_view key, Field field, std::string_view description, bool shape = true)
{
    FieldRule r = rule(key, FieldType::Integer, KeyRole::Shape, field, description);
    r.minInt = 1;
    r.shapeKey = shape;
    return r;
}

FieldRule positive(std::string_view key, KeyRole role, Field field, std::string_view description,
                   ModelTypeSet readBy = ModelTypeSet::all())
{
    FieldRule r = rule(key, FieldType::Number, role, field, description, readBy);
    r.minNumber = 0.0;
    r.minExclusive = true;
    return r;
}

FieldRule probability(std::string_view key, std::string_view description, ModelTypeSet readBy)
{
    FieldRule r = rule(key, FieldType::Number, KeyRole::Training, Field::None, description, readBy);
    r.minNumber = 0.0;
    r.maxNumber = 1.0;
    return r;
}

FieldRule nullable(FieldRule r)
{
    r.nullable = true;
    return r;
}

FieldRule oneOf(FieldRule r, std::vector<std::string_view> allowed)
{
    r.allowed = std::move(allowed);
    return r;
}

std::vector<std::string_view> activationNames()
{
    return {kActivations.begin(), kActivations.end()};
}

std::vector<FieldRule> buildRules()
{
    const ModelTypeSet all = ModelTypeSet::all();
    const ModelTypeSet slidingTypes =
        ModelTypeSet::of({MT::Mistral, MT::Mixtral, MT::Qwen2, MT::Qwen3, MT::Gemma2, MT::Phi3});
    const ModelTypeSet qwen = ModelTypeSet::of({MT::Qwen2, MT::Qwen3});
    const ModelTypeSet gemmas = ModelTypeSet::of({MT::Gemma, MT::Gemma2});
    const ModelTypeSet notGemma =
        ModelTypeSet::of({MT::Llama, MT::Mistral, MT::Mixtral, MT::Qwen2, MT::Qwen3, MT::Phi3, MT::Olmo2});
    std::vector<FieldRule> rules;
    auto add = [&](FieldRule r) { rules.push_back(std::move(r)); };

    add(oneOf(rule("model_type", FieldType::String, KeyRole::Behaviour, Field::ModelType,
                   "Decoder family: selects the defaults, fixed traits and keys of one transformers class"),
              modelTypes().names()));
    // Shape.
    add(size("vocab_size", Field::VocabSize, "Vocabulary size V"));
    add(size("hidden_size", Field::HiddenSize, "Model width d"));
    add(size("intermediate_size", Field::IntermediateSize, "MLP inner width f (per expert for Mixtral)"));
    add(size("num_hidden_layers", Field::NumHiddenLayers, "Number of decoder layers L"));
    add(size("num_attention_heads", Field::NumAttentionHeads, "Query heads H"));
    add(nullable(size("num_key_value_heads", Field::NumKeyValueHeads,
                      "Key/value heads K (GQA); null means K = H", false)));
    add(nullable(size("head_dim", Field::HeadDim,
                      "Per-head width h; null means hidden_size / num_attention_heads", false)));
    // MLP.
    add(oneOf(rule("hidden_act", FieldType::String, KeyRole::Behaviour, Field::HiddenAct,
                   "MLP activation (transformers ACT2FN name)", notGemma),
              activationNames()));
    add(nullable(
        oneOf(rule("hidden_activation", FieldType::String, KeyRole::Behaviour, Field::HiddenActivation,
                   "Gemma's MLP activation; null means gelu_pytorch_tanh", gemmas),
              activationNames())));
    add(rule("mlp_bias", FieldType::Boolean, KeyRole::Behaviour, Field::MlpBias,
             "Biases on gate/up/down projections", ModelTypeSet::of({MT::Llama})));
    {
        FieldRule r = size("num_local_experts", Field::NumLocalExperts, "Experts per MoE layer E", false);
        r.readBy = ModelTypeSet::of({MT::Mixtral});
        r.role = KeyRole::Behaviour;
        add(r);
        r.key = "num_experts";
        r.description = "Alias of num_local_experts (MixtralConfig.attribute_map)";
        add(r);
        FieldRule k = size("num_experts_per_tok", Field::NumExpertsPerTok,
                           "Experts each token is routed to (top-k)", false);
        k.readBy = ModelTypeSet::of({MT::Mixtral});
        k.role = KeyRole::Behaviour;
        add(k);
    }
    // Context and positions.
    add(size("max_position_embeddings", Field::MaxPositionEmbeddings, "Context length P", false));
    add(rule("max_sequence_length", FieldType::Integer, KeyRole::Extension, Field::MaxSequenceLength,
             "Legacy length key of the GaLore family; transformers never reads it"));
    rules.back().minInt = 1;
    add(positive("rope_theta", KeyRole::Behaviour, Field::RopeTheta, "RoPE base θ"));
    add(nullable(rule("rope_scaling", FieldType::RopeScaling, KeyRole::Behaviour, Field::RopeScaling,
                      "RoPE scaling (transformers 4.x): null or {\"rope_type\", \"factor\", ...}")));
    add(nullable(rule("rope_parameters", FieldType::RopeScaling, KeyRole::Behaviour, Field::RopeParameters,
                      "RoPE parameters (transformers 5): {\"rope_type\", \"rope_theta\", ...}")));
    {
        // Every class stores it and the RoPE init reads it; only Phi-3's attention slices the
        // head to match, so any other model type with a value below 1 is refused (transformers
        // would fail to broadcast cos/sin over the head).
        FieldRule r = positive("partial_rotary_factor", KeyRole::Behaviour, Field::PartialRotaryFactor,
                               "Fraction of head_dim that RoPE rotates (Phi-3 only below 1)");
        r.maxNumber = 1.0;
        add(r);
    }
    {
        FieldRule r = size("original_max_position_embeddings", Field::OriginalMaxPositionEmbeddings,
                           "Pre-training context length that longrope scales from", false);
        r.readBy = ModelTypeSet::of({MT::Phi3});
        r.role = KeyRole::Behaviour;
        add(r);
    }
    add(oneOf(rule("position_embedding_type", FieldType::String, KeyRole::Extension,
                   Field::PositionEmbeddingType,
                   "llamascope extension: how positions enter the model (the bundled family's variants)"),
              positionTypes().names()));
    // Attention.
    add(rule("attention_bias", FieldType::Boolean, KeyRole::Behaviour, Field::AttentionBias,
             "Biases on q/k/v/o projections",
             ModelTypeSet::of({MT::Llama, MT::Qwen3, MT::Gemma, MT::Gemma2, MT::Olmo2})));
    add(nullable(rule("sliding_window", FieldType::Integer, KeyRole::Behaviour, Field::SlidingWindow,
                      "Keys each query sees on sliding-window layers; null means full attention",
                      slidingTypes)));
    rules.back().minInt = 1;
    add(rule("use_sliding_window", FieldType::Boolean, KeyRole::Behaviour, Field::UseSlidingWindow,
             "Qwen: turn sliding_window on (for layers >= max_window_layers)", qwen));
    add(rule("max_window_layers", FieldType::Integer, KeyRole::Behaviour, Field::MaxWindowLayers,
             "Qwen: layers below this index keep full attention", qwen));
    rules.back().minInt = 0;
    add(nullable(rule("layer_types", FieldType::LayerTypes, KeyRole::Behaviour, Field::LayerTypes,
                      "Per-layer attention: \"full_attention\" or \"sliding_attention\"",
                      ModelTypeSet::of({MT::Qwen2, MT::Qwen3, MT::Gemma2}))));
    add(positive("query_pre_attn_scalar", KeyRole::Behaviour, Field::QueryPreAttnScalar,
                 "Gemma 2: attention scores are scaled by query_pre_attn_scalar^-1/2",
                 ModelTypeSet::of({MT::Gemma2})));
    add(nullable(positive("attn_logit_softcapping", KeyRole::Behaviour, Field::AttnLogitSoftcapping,
                          "Gemma 2: scores ← cap·tanh(scores/cap); null disables",
                          ModelTypeSet::of({MT::Gemma2}))));
    add(nullable(positive("final_logit_softcapping", KeyRole::Behaviour, Field::FinalLogitSoftcapping,
                          "Gemma 2: logits ← cap·tanh(logits/cap); null disables",
                          ModelTypeSet::of({MT::Gemma2}))));
    add(nullable(rule("use_bidirectional_attention", FieldType::Boolean, KeyRole::Behaviour,
                      Field::UseBidirectionalAttention, "Gemma: attend to every token (no causal mask)",
                      gemmas)));
    // Norms, embeddings, init.
    add(positive("rms_norm_eps", KeyRole::Behaviour, Field::RmsNormEps, "RMSNorm epsilon"));
    add(rule("tie_word_embeddings", FieldType::Boolean, KeyRole::Behaviour, Field::TieWordEmbeddings,
             "Share the input embedding with lm_head"));
    {
        FieldRule r = positive("initializer_range", KeyRole::Behaviour, Field::InitializerRange,
                               "Std-dev of the normal weight init (used by random-init forward passes)");
        r.maxNumber = 1.0;
        add(r);
    }
    // Training only.
    add(probability("attention_dropout", "Attention dropout probability (training only)", all));
    add(probability("resid_pdrop", "Residual dropout probability (training only)",
                    ModelTypeSet::of({MT::Phi3})));
    add(probability("embd_pdrop", "Embedding dropout probability (training only)",
                    ModelTypeSet::of({MT::Phi3})));
    add(rule("router_aux_loss_coef", FieldType::Number, KeyRole::Training, Field::None,
             "Mixtral: load-balancing loss weight (training only)", ModelTypeSet::of({MT::Mixtral})));
    add(rule("router_jitter_noise", FieldType::Number, KeyRole::Training, Field::None,
             "Mixtral: router input noise (training only)", ModelTypeSet::of({MT::Mixtral})));
    add(rule("output_router_logits", FieldType::Boolean, KeyRole::Training, Field::None,
             "Mixtral: return router logits for the auxiliary loss", ModelTypeSet::of({MT::Mixtral})));
    // Metadata: no effect on any number; null accepted where transformers accepts it.
    add(nullable(rule("bos_token_id", FieldType::TokenId, KeyRole::Metadata, Field::BosTokenId,
                      "Beginning-of-sequence token id")));
    add(nullable(rule("eos_token_id", FieldType::TokenId, KeyRole::Metadata, Field::EosTokenId,
                      "End-of-sequence token id(s)")));
    add(nullable(
        rule("pad_token_id", FieldType::TokenId, KeyRole::Metadata, Field::PadTokenId, "Padding token id")));
    add(nullable(rule("architectures", FieldType::StringArray, KeyRole::Metadata, Field::None,
                      "Model classes that load this config")));
    add(nullable(rule("transformers_version", FieldType::String, KeyRole::Metadata, Field::None,
                      "transformers version that wrote the file")));
    add(nullable(rule("use_cache", FieldType::Boolean, KeyRole::Metadata, Field::None,
                      "Keep a KV cache during generation")));
    add(nullable(rule("torch_dtype", FieldType::String, KeyRole::Metadata, Field::None,
                      "Dtype the weights were saved in (transformers < 4.56)")));
    add(nullable(rule("dtype", FieldType::String, KeyRole::Metadata, Field::None,
                      "Dtype the weights were saved in (transformers >= 4.56)")));
    add(nullable(rule("_name_or_path", FieldType::String, KeyRole::Metadata, Field::None,
                      "Where the model was loaded from")));
    add(nullable(rule("pretraining_tp", FieldType::Integer, KeyRole::Metadata, Field::None,
                      "Tensor-parallel degree of pre-training (same result, different summation order)",
                      ModelTypeSet::of({MT::Llama}))));
    rules.back().minInt = 1;
    add(rule("cache_implementation", FieldType::Any, KeyRole::Metadata, Field::None,
             "Gemma 2: generation cache kind", ModelTypeSet::of({MT::Gemma2})));
    add(nullable(rule("sliding_window_size", FieldType::Integer, KeyRole::Metadata, Field::None,
                      "Gemma 2: Google's name for sliding_window; transformers reads sliding_window",
                      ModelTypeSet::of({MT::Gemma2}))));
    add(rule("use_mrope", FieldType::Boolean, KeyRole::Metadata, Field::None,
             "Qwen2-VL's multimodal RoPE switch; Qwen2ForCausalLM never applies it", qwen));
    add(rule("auto_map", FieldType::Any, KeyRole::Metadata, Field::None,
             "Custom (trust_remote_code) classes; llamascope models the built-in class"));
    add(rule("quantization_config", FieldType::Any, KeyRole::Metadata, Field::None,
             "Quantised checkpoint settings; counts are of the unquantised model"));
    // Generic PretrainedConfig and legacy generation keys transformers accepts on every class.
    for (std::string_view key : {"return_dict",
                                 "output_hidden_states",
                                 "output_attentions",
                                 "torchscript",
                                 "is_encoder_decoder",
                                 "is_decoder",
                                 "tokenizer_class",
                                 "prefix",
                                 "task_specific_params",
                                 "problem_type",
                                 "id2label",
                                 "label2id",
                                 "num_labels",
                                 "finetuning_task",
                                 "pruned_heads",
                                 "tie_encoder_decoder",
                                 "add_cross_attention",
                                 "cross_attention_hidden_size",
                                 "chunk_size_feed_forward",
                                 "tf_legacy_loss",
                                 "use_bfloat16",
                                 "max_length",
                                 "min_length",
                                 "do_sample",
                                 "early_stopping",
                                 "num_beams",
                                 "num_beam_groups",
                                 "diversity_penalty",
                                 "temperature",
                                 "top_k",
                                 "top_p",
                                 "typical_p",
                                 "repetition_penalty",
                                 "length_penalty",
                                 "no_repeat_ngram_size",
                                 "encoder_no_repeat_ngram_size",
                                 "bad_words_ids",
                                 "num_return_sequences",
                                 "output_scores",
                                 "return_dict_in_generate",
                                 "forced_bos_token_id",
                                 "forced_eos_token_id",
                                 "remove_invalid_values",
                                 "exponential_decay_length_penalty",
                                 "suppress_tokens",
                                 "begin_suppress_tokens",
                                 "sep_token_id",
                                 "decoder_start_token_id",
                                 "_commit_hash",
                                 "_attn_implementation_autoset",
                                 "keys_to_ignore_at_inference"})
        add(rule(key, FieldType::Any, KeyRole::Metadata, Field::None,
                 "Generic transformers key (not interpreted)"));
    return rules;
}

} // namespace

ModelTypeSet ModelTypeSet::all()
{
    ModelTypeSet s;
    s.bits_ = (1U << modelTypeInfos().size()) - 1U;
    return s;
}

ModelTypeSet ModelTypeSet::of(std::initializer_list<ModelType> types)
{
    ModelTypeSet s;
    for (ModelType t : types)
        s.bits_ |= 1U << static_cast<unsigned>(t);
    return s;
}

bool ModelTypeSet::isAll() const
{
    return bits_ == all().bits_;
}

std::string ModelTypeSet::text() const
{
    std::vector<std::string_view> names;
    for (const ModelTypeInfo& i : modelTypeInfos())
        if (contains(i.type))
            names.push_back(i.key);
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0)
            out += i + 1 == names.size() ? " and " : ", ";
        out += names[i];
    }
    return out;
}

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

const FieldRule* findFieldRule(Field field)
{
    for (const FieldRule& r : configFieldRules())
        if (r.field == field)
            return &r;
    return nullptr;
}

namespace {

ordered_json optionalJson(const std::optional<double>& v)
{
    return v ? ordered_json(*v) : ordered_json(nullptr);
}

ordered_json tokenJson(const std::optional<Count>& id)
{
    return id ? ordered_json(*id) : ordered_json(nullptr);
}

ordered_json ropeScalingJson(const std::optional<RopeScaling>& s)
{
    if (!s)
        return nullptr;
    ordered_json j = ordered_json::object();
    j["rope_type"] = ropeKinds().name(s->kind);
    if (s->kind != RopeKind::Default && (s->kind != RopeKind::LongRope || s->factor != 1.0))
        j["factor"] = s->factor;
    if (s->originalMaxPositionEmbeddings)
        j["original_max_position_embeddings"] = *s->originalMaxPositionEmbeddings;
    if (s->attentionFactor)
        j["attention_factor"] = *s->attentionFactor;
    if (s->betaFast)
        j["beta_fast"] = *s->betaFast;
    if (s->betaSlow)
        j["beta_slow"] = *s->betaSlow;
    if (s->mscale)
        j["mscale"] = *s->mscale;
    if (s->mscaleAllDim)
        j["mscale_all_dim"] = *s->mscaleAllDim;
    if (s->truncate)
        j["truncate"] = *s->truncate;
    if (s->lowFreqFactor)
        j["low_freq_factor"] = *s->lowFreqFactor;
    if (s->highFreqFactor)
        j["high_freq_factor"] = *s->highFreqFactor;
    if (!s->shortFactor.empty())
        j["short_factor"] = s->shortFactor;
    if (!s->longFactor.empty())
        j["long_factor"] = s->longFactor;
    return j;
}

} // namespace

nlohmann::ordered_json fieldValue(const ModelConfig& c, Field field)
{
    switch (field) {
    case Field::None: return nullptr;
    case Field::ModelType: return toString(c.modelType);
    case Field::VocabSize: return c.vocabSize;
    case Field::HiddenSize: return c.hiddenSize;
    case Field::IntermediateSize: return c.intermediateSize;
    case Field::NumHiddenLayers: return c.numHiddenLayers;
    case Field::NumAttentionHeads: return c.numAttentionHeads;
    case Field::NumKeyValueHeads: return c.numKeyValueHeads;
    case Field::HeadDim: return c.headDim;
    case Field::HiddenAct:
    case Field::HiddenActivation: return c.hiddenAct;
    case Field::MaxPositionEmbeddings:
    case Field::MaxSequenceLength: return c.contextLength;
    case Field::InitializerRange: return c.initializerRange;
    case Field::RmsNormEps: return c.rmsNormEps;
    case Field::TieWordEmbeddings: return c.tieWordEmbeddings;
    case Field::RopeTheta: return c.ropeTheta;
    case Field::RopeScaling:
    case Field::RopeParameters: return ropeScalingJson(c.ropeScaling);
    case Field::PartialRotaryFactor: return c.partialRotaryFactor;
    case Field::AttentionBias: return c.attention.outputBias;
    case Field::MlpBias: return c.mlp.bias;
    case Field::PositionEmbeddingType: return toString(c.positionType);
    case Field::SlidingWindow:
        return c.attention.slidingWindow > 0 ? ordered_json(c.attention.slidingWindow)
                                             : ordered_json(nullptr);
    case Field::UseSlidingWindow: return c.attention.slidingLayers.rule == SlidingLayers::Rule::FromIndex;
    case Field::MaxWindowLayers: return c.attention.slidingLayers.fromIndex;
    case Field::LayerTypes: {
        if (c.attention.slidingLayers.rule != SlidingLayers::Rule::Explicit)
            return nullptr;
        ordered_json a = ordered_json::array();
        for (bool sliding : c.attention.slidingLayers.explicitLayers)
            a.push_back(sliding ? "sliding_attention" : "full_attention");
        return a;
    }
    case Field::NumLocalExperts: return c.mlp.numExperts;
    case Field::NumExpertsPerTok: return c.mlp.expertsPerToken;
    case Field::QueryPreAttnScalar: return optionalJson(c.attention.queryPreAttnScalar);
    case Field::AttnLogitSoftcapping: return optionalJson(c.attention.logitSoftcap);
    case Field::FinalLogitSoftcapping: return optionalJson(c.embedding.finalLogitSoftcap);
    case Field::OriginalMaxPositionEmbeddings:
        return c.originalMaxPositionEmbeddings ? ordered_json(*c.originalMaxPositionEmbeddings)
                                               : ordered_json(nullptr);
    case Field::UseBidirectionalAttention: return false;
    case Field::PretrainingTp: return 1;
    case Field::BosTokenId: return tokenJson(c.bosTokenId);
    case Field::EosTokenId: return tokenJson(c.eosTokenId);
    case Field::PadTokenId: return tokenJson(c.padTokenId);
    }
    return nullptr;
}

std::string defaultText(const FieldRule& r, ModelType type)
{
    if (r.field == Field::None || !r.readBy.contains(type))
        return "";
    const ModelConfig d = ModelConfig::defaults(type);
    switch (r.field) {
    case Field::NumKeyValueHeads:
        if (modelTypeInfo(type).kvHeadsFollowHeads)
            return "num_attention_heads";
        break;
    case Field::HeadDim:
        if (modelTypeInfo(type).headDimFollowsShape)
            return "hidden_size / num_attention_heads";
        break;
    case Field::ModelType:
    case Field::MaxSequenceLength:
    case Field::BosTokenId:
    case Field::EosTokenId:
    case Field::PadTokenId: return "";
    case Field::HiddenActivation: return "\"gelu_pytorch_tanh\"";
    case Field::LayerTypes: return "derived from the sliding-window keys";
    default: break;
    }
    return fieldValue(d, r.field).dump();
}

std::span<const RopeKindKeys> ropeKindKeys()
{
    static const std::vector<RopeKindKeys> table = {
        {RopeKind::Default, {}, {}},
        {RopeKind::Linear, {"factor"}, {}},
        {RopeKind::Dynamic, {"factor"}, {"original_max_position_embeddings"}},
        {RopeKind::Yarn,
         {"factor"},
         {"attention_factor", "beta_fast", "beta_slow", "original_max_position_embeddings", "mscale",
          "mscale_all_dim", "truncate"}},
        {RopeKind::LongRope,
         {"short_factor", "long_factor"},
         {"factor", "attention_factor", "original_max_position_embeddings"}},
        {RopeKind::Llama3,
         {"factor", "original_max_position_embeddings", "low_freq_factor", "high_freq_factor"},
         {}},
    };
    return table;
}

std::span<const std::string_view> knownActivations()
{
    return kActivations;
}

std::span<const std::string_view> knownRopeScalingTypes()
{
    return kRopeScalingTypes;
}

namespace {

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
    types.push_back("su"); // Phi-3's legacy name for longrope
    const ordered_json positive = {
        {"type", "number"}, {"exclusiveMinimum", 0}, {"maximum", std::numeric_limits<double>::max()}};
    const ordered_json numbers = {{"type", "array"}, {"items", {{"type", "number"}}}};
    // Each kind's required keys, under either spelling of the kind key.
    ordered_json kinds = ordered_json::array();
    for (const RopeKindKeys& k : ropeKindKeys()) {
        if (k.required.empty())
            continue;
        ordered_json required = ordered_json::array();
        for (std::string_view r : k.required)
            required.push_back(r);
        for (const char* kindKey : {"rope_type", "type"})
            kinds.push_back({{"if",
                              {{"properties", {{kindKey, {{"const", ropeKinds().name(k.kind)}}}}},
                               {"required", {kindKey}}}},
                             {"then", {{"required", required}}}});
    }
    // A factor without a kind is "default" to transformers, which then ignores the factor.
    kinds.push_back(
        {{"if", {{"required", {"factor"}}}},
         {"then",
          {{"anyOf", ordered_json::array({{{"required", {"rope_type"}}}, {{"required", {"type"}}}})}}}});
    ordered_json object = {
        {"type", "object"},
        {"properties",
         {{"type", {{"enum", types}}},
          {"rope_type", {{"enum", types}}},
          {"factor", positive},
          {"rope_theta", positive},
          {"attention_factor", positive},
          {"low_freq_factor", positive},
          {"high_freq_factor", positive},
          {"original_max_position_embeddings", {{"type", "integer"}, {"minimum", 1}}},
          {"short_factor", numbers},
          {"long_factor", numbers}}},
        {"allOf", kinds},
    };
    return {{"anyOf", ordered_json::array({{{"type", "null"}}, object})}};
}

ordered_json layerTypesSchema()
{
    return {{"anyOf",
             ordered_json::array(
                 {{{"type", "null"}},
                  {{"type", "array"}, {"items", {{"enum", {"full_attention", "sliding_attention"}}}}}})}};
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
    case FieldType::LayerTypes: s = layerTypesSchema(); break;
    case FieldType::Any: break;
    }
    ordered_json out = {{"description", r.description}};
    std::string defaults;
    for (const ModelTypeInfo& info : modelTypeInfos()) {
        const std::string d = defaultText(r, info.type);
        if (!d.empty())
            defaults += (defaults.empty() ? "" : "; ") + std::string(info.key) + " " + d;
    }
    if (!r.readBy.isAll())
        out["$comment"] = "read by " + r.readBy.text() + (defaults.empty() ? "" : "; default: " + defaults);
    else if (!defaults.empty())
        out["$comment"] = "default: " + defaults;
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
        {"title", "Decoder model config (HF config.json): llama, mistral, mixtral, qwen2, qwen3, gemma, "
                  "gemma2, phi3, olmo2"},
        {"description",
         "Per-field rules of llamascope's validator, generated by `llamascope schema`. Cross-field "
         "rules (divisibility, token ids below vocab_size, overflow, which model types read a key, "
         "rope_scaling kinds) and warnings are checked by `llamascope validate` only. JSON Schema accepts "
         "768.0 as an integer; llamascope reports "
         "it as wrong-type because transformers keeps it as a float."},
        {"type", "object"},
        {"properties", properties},
        {"additionalProperties", true},
    };
}

} // namespace llamascope
