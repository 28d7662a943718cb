#include "llamascope/json_io.hpp"

#include <nlohmann/json.hpp>

namespace llamascope {

using ordered_json = nlohmann::ordered_json;

std::string_view version()
{
    return LLAMASCOPE_VERSION;
}

ordered_json outputEnvelope(std::string_view command)
{
    return {{"tool", "llamascope"}, {"version", version()}, {"command", command}};
}

ordered_json toJson(const Finding& f)
{
    ordered_json j = {{"severity", toString(f.severity)},
                      {"code", f.code},
                      {"pointer", f.pointer},
                      {"message", f.message},
                      {"hint", f.hint}};
    j["line"] = f.pos.known() ? ordered_json(f.pos.line) : ordered_json(nullptr);
    j["column"] = f.pos.known() ? ordered_json(f.pos.column) : ordered_json(nullptr);
    return j;
}

ordered_json toJson(const ValidationReport& r)
{
    ordered_json findings = ordered_json::array();
    for (const Finding& f : r.findings)
        findings.push_back(toJson(f));
    return {{"source", r.source},
            {"errors", r.count(Severity::Error)},
            {"warnings", r.count(Severity::Warning)},
            {"notes", r.count(Severity::Note)},
            {"findings", findings}};
}

ordered_json toJson(const LlamaConfig& c)
{
    auto token = [](const std::optional<Count>& id) {
        return id ? ordered_json(*id) : ordered_json(nullptr);
    };
    const char* source = c.contextSource == ContextSource::MaxPositionEmbeddings ? "max_position_embeddings"
                         : c.contextSource == ContextSource::MaxSequenceLength   ? "max_sequence_length"
                                                                                 : "default";
    return {{"model_type", c.modelType},
            {"vocab_size", c.vocabSize},
            {"hidden_size", c.hiddenSize},
            {"intermediate_size", c.intermediateSize},
            {"num_hidden_layers", c.numHiddenLayers},
            {"num_attention_heads", c.numAttentionHeads},
            {"num_key_value_heads", c.numKeyValueHeads},
            {"head_dim", c.headDim},
            {"hidden_act", c.hiddenAct},
            {"context_length", c.contextLength},
            {"context_length_source", source},
            {"initializer_range", c.initializerRange},
            {"rms_norm_eps", c.rmsNormEps},
            {"tie_word_embeddings", c.tieWordEmbeddings},
            {"rope_theta", c.ropeTheta},
            {"attention_bias", c.attentionBias},
            {"mlp_bias", c.mlpBias},
            {"position_embedding_type", toString(c.positionType)},
            {"bos_token_id", token(c.bosTokenId)},
            {"eos_token_id", token(c.eosTokenId)},
            {"pad_token_id", token(c.padTokenId)}};
}

ordered_json toJson(const DerivedMetrics& m)
{
    return {{"width_per_layer", m.widthPerLayer},
            {"head_dim", m.headDim},
            {"ffn_ratio", m.ffnRatio},
            {"kv_group_size", m.kvGroupSize},
            {"attention_width", m.attentionWidth},
            {"context_length", m.contextLength},
            {"position_embedding_type", toString(m.positionType)}};
}

ordered_json toJson(const ParameterCounts& p)
{
    const LayerParameters& l = p.perLayer;
    return {{"total", p.total},
            {"non_embedding", p.nonEmbedding},
            {"tied_equivalent", p.tiedEquivalent},
            {"embedding", p.embedding},
            {"lm_head", p.lmHead},
            {"position_table", p.positionTable},
            {"attention", p.attention},
            {"mlp", p.mlp},
            {"norms", p.norms},
            {"final_norm", p.finalNorm},
            {"layers", p.layers},
            {"per_layer",
             {{"total", l.total()},
              {"q_proj", l.qProj},
              {"k_proj", l.kProj},
              {"v_proj", l.vProj},
              {"o_proj", l.oProj},
              {"attention_bias", l.attentionBias},
              {"gate_proj", l.gateProj},
              {"up_proj", l.upProj},
              {"down_proj", l.downProj},
              {"mlp_bias", l.mlpBias},
              {"input_layernorm", l.inputNorm},
              {"post_attention_layernorm", l.postAttentionNorm}}}};
}

namespace {
ordered_json termsJson(const std::vector<FlopTerm>& terms)
{
    ordered_json out = ordered_json::array();
    for (const FlopTerm& t : terms)
        out.push_back({{"name", t.name}, {"per_sequence", t.perSequence}});
    return out;
}
} // namespace

ordered_json toJson(const FlopReport& r)
{
    ordered_json conventions = ordered_json::array();
    for (const FlopConvention& c : r.conventions)
        conventions.push_back({{"key", c.key},
                               {"title", c.title},
                               {"citation", c.citation},
                               {"meaning", c.meaning},
                               {"forward_per_token", c.forwardPerToken},
                               {"forward_per_sequence", c.forwardPerSequence},
                               {"training_per_token", c.trainingPerToken},
                               {"training_per_token_recompute", c.trainingPerTokenRecompute},
                               {"terms", termsJson(c.terms)}});
    return {{"seq_len", r.options.seqLen},
            {"attention", toString(r.options.mask)},
            {"conventions", conventions},
            {"elementwise",
             {{"per_sequence", r.elementwise.perSequence}, {"terms", termsJson(r.elementwise.terms)}}}};
}

ordered_json toJson(const Analysis& a)
{
    return {{"name", a.config.name},
            {"config", toJson(a.config)},
            {"metrics", toJson(a.metrics)},
            {"parameters", toJson(a.params)},
            {"flops", toJson(a.flops)}};
}

} // namespace llamascope
