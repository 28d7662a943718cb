#include "llamascope/json_io.hpp"

#include "llamascope/format.hpp"
#include "llamascope/model_types.hpp"
#include "llamascope/rules.hpp"

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

std::string dumpJson(const ordered_json& j, int indent)
{
    // U+FFFD for bad bytes (error_handler replace) rather than type_error.316, which once made
    // every --format json output fail after the work was done.
    const std::string text = j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
    // C1 and bidi code points can only be inside strings, where \uNNNN means the same thing.
    return escapeInvisibleForJson(text);
}

ordered_json toJson(const Finding& f)
{
    ordered_json j = {{"severity", toString(f.severity())},
                      {"code", toString(f.code)},
                      {"pointer", f.pointer},
                      {"message", f.message},
                      {"hint", f.hint}};
    j["line"] = f.pos.known() ? ordered_json(f.pos.line) : ordered_json(nullptr);
    j["column"] = f.pos.known() ? ordered_json(f.pos.column) : ordered_json(nullptr);
    if (f.knownQuirk)
        j["known_quirk"] = true;
    return j;
}

ordered_json toJson(const ValidationReport& r)
{
    ordered_json findings = ordered_json::array();
    for (const Finding& f : r.findings)
        findings.push_back(toJson(f));
    ordered_json omitted = ordered_json::array();
    for (const OmittedFindings& o : r.omitted)
        omitted.push_back(
            {{"code", toString(o.code)}, {"severity", toString(o.severity())}, {"count", o.count}});
    ordered_json j = {{"source", r.source}};
    // A path need not be UTF-8: "source" then shows U+FFFD for the bad bytes, and
    // "source_bytes" gives the exact bytes in hex (Python: os.fsdecode(bytes.fromhex(...))).
    if (!isValidUtf8(r.source))
        j["source_bytes"] = hexBytes(r.source);
    j["errors"] = r.count(Severity::Error);
    j["warnings"] = r.count(Severity::Warning);
    j["notes"] = r.count(Severity::Note);
    j["findings"] = std::move(findings);
    j["omitted"] = std::move(omitted);
    return j;
}

ordered_json toJson(const ModelConfig& c)
{
    const char* source = c.contextSource == ContextSource::MaxPositionEmbeddings ? "max_position_embeddings"
                         : c.contextSource == ContextSource::MaxSequenceLength   ? "max_sequence_length"
                                                                                 : "default";
    ordered_json j = {{"model_type", toString(c.modelType)}, {"family", modelTypeInfo(c.modelType).title}};
    // Every modelled key the model type reads, from the binding table (aliases once).
    for (const FieldRule& r : configFieldRules()) {
        if (r.field == Field::None || r.field == Field::ModelType || !r.readBy.contains(c.modelType) ||
            r.field == Field::RopeParameters || r.field == Field::MaxSequenceLength ||
            r.field == Field::UseBidirectionalAttention || r.key == "num_experts")
            continue;
        const std::string key = r.field == Field::HiddenActivation ? "hidden_act" : std::string(r.key);
        if (r.field == Field::MaxPositionEmbeddings) {
            j["context_length"] = c.contextLength;
            j["context_length_source"] = source;
            continue;
        }
        j[key] = fieldValue(c, r.field);
    }
    j["position_embedding_type"] = toString(c.positionType);
    j["traits"] = {
        {"qkv_bias", c.attention.qkvBias},
        {"o_bias", c.attention.outputBias},
        {"mlp_bias", c.mlp.bias},
        {"qk_norm", qkNorms().name(c.attention.qkNorm)},
        {"norm_placement", normPlacements().name(c.norms.placement)},
        {"norms_per_layer", c.normsPerLayer()},
        {"norm_unit_offset", c.norms.unitOffset},
        {"embedding_scaled", c.embedding.scaleByRootHidden},
        {"gated_mlp", c.mlp.gated},
        {"experts", c.mlp.numExperts},
        {"experts_per_token", c.mlp.expertsPerToken},
        {"sliding_window", c.attention.slidingWindow},
        {"sliding_layers", c.slidingLayerCount()},
        {"query_pre_attn_scalar", fieldValue(c, Field::QueryPreAttnScalar)},
        {"attn_logit_softcap", fieldValue(c, Field::AttnLogitSoftcapping)},
        {"final_logit_softcap", fieldValue(c, Field::FinalLogitSoftcapping)},
        {"rope_scaling", fieldValue(c, Field::RopeScaling)},
        {"rotary_dim", c.rotaryDim()},
        {"fused_qkv", c.layout.fusedQkv},
        {"fused_gate_up", c.layout.fusedGateUp},
    };
    return j;
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
            {"active", p.active},
            {"active_non_embedding", p.activeNonEmbedding},
            {"per_layer",
             {{"total", l.total()},
              {"q_proj", l.qProj},
              {"k_proj", l.kProj},
              {"v_proj", l.vProj},
              {"o_proj", l.oProj},
              {"attention_bias", l.attentionBias},
              {"qk_norm", l.qkNorm},
              {"gate_proj", l.gateProj},
              {"up_proj", l.upProj},
              {"down_proj", l.downProj},
              {"mlp_bias", l.mlpBias},
              {"router", l.router},
              {"expert", l.expert},
              {"norms", l.norms}}}};
}

namespace {
ordered_json termsJson(const std::vector<FlopTerm>& terms)
{
    ordered_json out = ordered_json::array();
    for (const FlopTerm& t : terms)
        out.push_back({{"name", t.name}, {"per_sequence", t.perSequence}});
    return out;
}

/// An exact quotient of counts: a JSON integer when it divides, else a number.
ordered_json quotientJson(Count numerator, Count denominator)
{
    if (numerator % denominator == 0)
        return numerator / denominator;
    return static_cast<double>(numerator) / static_cast<double>(denominator);
}
} // namespace

ordered_json toJson(const FlopReport& r)
{
    ordered_json conventions = ordered_json::array();
    for (const FlopConvention& c : r.conventions)
        conventions.push_back(
            {{"key", c.key},
             {"title", c.title},
             {"citation", c.citation},
             {"meaning", c.meaning},
             {"forward_per_token", quotientJson(c.forwardPerSequence, c.seqLen)},
             {"forward_per_sequence", c.forwardPerSequence},
             {"training_per_sequence", c.trainingPerSequence},
             {"training_per_sequence_recompute", c.trainingPerSequenceRecompute},
             {"training_per_token", quotientJson(c.trainingPerSequence, c.seqLen)},
             {"training_per_token_recompute", quotientJson(c.trainingPerSequenceRecompute, c.seqLen)},
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
