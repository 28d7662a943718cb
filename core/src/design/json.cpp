// JSON forms of the memory, cost and design results: the payload of `llamascope memory` and
// `llamascope generate` with --format json (docs/json-output.md lists the fields). Only
// formatting: every number was computed by estimateMemory(), estimateCost() or design().

#include "llamascope/config.hpp"
#include "llamascope/cost.hpp"
#include "llamascope/design.hpp"
#include "llamascope/memory.hpp"

#include <nlohmann/json.hpp>

namespace llamascope {

using ordered_json = nlohmann::ordered_json;

ordered_json toJson(const MemoryReport& r)
{
    const MemoryOptions& o = r.options;
    const bool lowRank =
        o.optimizer == Optimizer::GaLore || o.optimizer == Optimizer::LoRA || o.optimizer == Optimizer::QLoRA;
    ordered_json j;
    j["parameters"] = r.parameters;
    j["trainable_parameters"] = r.trainableParameters;
    j["options"] = {{"optimizer", toString(o.optimizer)},
                    {"rank", lowRank ? ordered_json(o.rank) : ordered_json(nullptr)},
                    {"weight_dtype", toString(r.weightDtype)},
                    {"activation_dtype", toString(r.activationDtype)},
                    {"gradient_dtype", o.optimizer == Optimizer::None
                                           ? ordered_json(nullptr)
                                           : ordered_json(toString(r.gradientDtype))},
                    {"master_weights", r.masterWeights},
                    {"batch", o.batch},
                    {"seq_len", o.seqLen},
                    {"recompute", o.recompute},
                    {"attention", toString(o.attention)}};
    ordered_json terms = ordered_json::array();
    for (const MemoryTerm& t : r.terms)
        terms.push_back({{"key", t.key},
                         {"category", toString(t.category)},
                         {"label", t.label},
                         {"formula", t.formula},
                         {"dtype", toString(t.dtype)},
                         {"elements", t.elements},
                         {"bytes", t.bytes}});
    j["terms"] = terms;
    j["totals"] = {{"weights", r.bytes(MemoryCategory::Weights)},
                   {"gradients", r.bytes(MemoryCategory::Gradients)},
                   {"optimizer", r.bytes(MemoryCategory::OptimizerState)},
                   {"activations", r.bytes(MemoryCategory::Activations)},
                   {"logits", r.bytes(MemoryCategory::Logits)},
                   {"kv_cache", r.bytes(MemoryCategory::KvCache)},
                   {"weights_and_optimizer", r.weightsAndOptimizerBytes()},
                   {"model_state", r.modelStateBytes()},
                   {"total", r.totalBytes()}};
    ordered_json byDtype = ordered_json::object();
    for (const WeightFootprint& w : r.weightsByDtype)
        byDtype[std::string(toString(w.dtype))] = w.bytes;
    j["weights_by_dtype"] = byDtype;
    return j;
}

ordered_json toJson(const std::vector<GaloreComparisonRow>& rows)
{
    ordered_json out = ordered_json::array();
    for (const GaloreComparisonRow& r : rows)
        out.push_back({{"config", r.published.config},
                       {"rank", r.published.rank},
                       {"parameters", r.parameters},
                       {"full_rank_bytes", r.fullRankBytes},
                       {"galore_bytes", r.galoreBytes},
                       {"paper_full_rank_g", r.published.fullRankG},
                       {"paper_galore_g", r.published.galoreG}});
    return out;
}

ordered_json toJson(const Accelerator& a)
{
    return {
        {"key", a.key},
        {"name", a.name},
        {"memory_bytes", a.memoryBytes},
        {"memory_bandwidth_gbs", a.memoryBandwidthGBs},
        {"peak_tflops",
         {{"bf16", a.bf16Tflops}, {"fp16", a.fp16Tflops}, {"tf32", a.tf32Tflops}, {"fp32", a.fp32Tflops}}},
        {"source", a.source}};
}

ordered_json toJson(const CostReport& r)
{
    return {{"accelerator", toJson(r.accelerator)},
            {"precision", toString(r.options.precision)},
            {"mfu", r.options.mfu},
            {"devices", r.options.devices},
            {"tokens", r.options.tokens},
            {"chinchilla_tokens", r.chinchillaTokens},
            {"convention", r.conventionKey},
            {"seq_len", r.options.seqLen},
            {"recompute", r.options.recompute},
            {"training_flops_per_token", r.trainingFlopsPerToken},
            {"training_flops", r.trainingFlops},
            {"hardware_flops_per_token", r.hardwareFlopsPerToken},
            {"hardware_flops", r.hardwareFlops},
            {"hfu", r.hfu},
            {"sustained_flops", r.sustainedFlops},
            {"seconds", r.seconds},
            {"device_hours", r.deviceHours}};
}

ordered_json toJson(const NlTrend& t)
{
    return {{"slope", t.slope},     {"intercept", t.intercept},  {"half_width", t.halfWidth},
            {"configs", t.configs}, {"min_params", t.minParams}, {"max_params", t.maxParams}};
}

ordered_json toJson(const DesignConstraints& c)
{
    ordered_json j;
    j["head_dims"] = c.headDims;
    j["hidden_multiple"] = c.hiddenMultiple;
    j["hidden_multiple_by_scale"] = c.hiddenMultipleByScale;
    j["hidden_range"] = {c.minHidden, c.maxHidden};
    j["ffn"] = {{"rule", toString(c.ffnRule)},
                {"multiple", c.ffnMultiple},
                {"ratio", c.ffnRatio},
                {"extra_ratios", c.extraFfnRatios},
                {"tolerance", c.ffnTolerance}};
    if (!c.useNlBand)
        j["nl_band"] = "off";
    else if (c.nlBand)
        j["nl_band"] = {c.nlBand->low, c.nlBand->high};
    else
        j["nl_band"] = c.ranking == DesignRanking::Published ? "published range" : "family trend";
    j["layer_range"] = {c.minLayers, c.maxLayers};
    if (c.kvHeads)
        j["kv_heads"] = *c.kvHeads;
    else if (!c.kvHeadChoices.empty())
        j["kv_heads"] = c.kvHeadChoices; // 0: one per head
    if (!c.kvHeads && !c.kvGroupChoices.empty())
        j["kv_groups"] = c.kvGroupChoices; // query heads per kv head
    if (!c.attentionWidths.empty()) {
        ordered_json widths = ordered_json::array();
        for (const AttentionWidth& w : c.attentionWidths)
            widths.push_back({{"head_dim", w.headDim}, {"ratio", w.ratio}}); // H·head_dim / hidden_size
        j["attention_widths"] = widths;
    } else
        j["kv_heads"] = "by size";
    j["model_type"] = toString(c.modelType);
    j["ranking"] = toString(c.ranking);
    j["prefer_family"] = c.preferFamily;
    j["exclude_model"] = c.excludeModel;
    j["like_model"] = c.likeModel;
    j["tie"] = toString(c.tie);
    j["position"] = toString(c.position);
    j["vocab"] = c.vocab;
    j["context"] = c.context;
    j["require_clean"] = c.requireClean;
    return j;
}

ordered_json toJson(const DesignCandidate& c, std::size_t rank)
{
    const ModelConfig& k = c.config;
    ordered_json j;
    j["rank"] = rank;
    j["file"] = c.fileName;
    j["parameters"] = c.parameters;
    j["achieved"] = c.achieved;
    j["error"] = c.error;
    j["on_target"] = c.onTarget;
    j["shape_score"] = c.shapeScore;
    j["width_per_layer"] = c.widthPerLayer;
    j["ffn_ratio"] = c.ffnRatio;
    j["nl_band"] = {{"low", c.band.low}, {"high", c.band.high}};
    j["trend_center"] = c.trendCenter;
    j["prior_distance"] = c.priorDistance;
    j["like"] = c.neighbour;
    j["variants"] = c.variants;
    j["findings"] = c.findings;
    j["reason"] = c.reason;
    j["shape"] = {{"hidden_size", k.hiddenSize},
                  {"num_hidden_layers", k.numHiddenLayers},
                  {"num_attention_heads", k.numAttentionHeads},
                  {"num_key_value_heads", k.numKeyValueHeads},
                  {"head_dim", k.headDim},
                  {"intermediate_size", k.intermediateSize},
                  {"vocab_size", k.vocabSize},
                  {"tie_word_embeddings", k.tieWordEmbeddings},
                  {"position_embedding_type", toString(k.positionType)},
                  {"context_length", k.contextLength}};
    j["config"] = toHfJson(k);
    return j;
}

ordered_json toJson(const DesignResult& r)
{
    ordered_json j;
    j["target"] = {{"kind", toString(r.target.kind)},
                   {"value", r.target.value},
                   {"searched", toString(r.searchKind)},
                   {"searched_value", r.targetValue},
                   {"tolerance", r.tolerance}};
    if (r.target.kind == DesignTargetKind::ForwardFlops) {
        j["target"]["convention"] = toString(r.target.convention);
        j["target"]["seq_len"] =
            r.target.flopSeqLen > 0 ? ordered_json(r.target.flopSeqLen) : ordered_json("context");
    }
    if (r.target.kind == DesignTargetKind::TrainingMemory)
        j["target"]["memory_options"] = {{"optimizer", toString(r.target.memory.optimizer)},
                                         {"batch", r.target.memory.batch},
                                         {"seq_len", r.target.memory.seqLen > 0
                                                         ? ordered_json(r.target.memory.seqLen)
                                                         : ordered_json("context")},
                                         {"recompute", r.target.memory.recompute},
                                         {"attention", toString(r.target.memory.attention)}};
    if (r.compute)
        j["compute"] = {{"compute", r.compute->compute},
                        {"parameters", r.compute->parameters},
                        {"tokens", r.compute->tokens}};
    j["trend"] = toJson(r.trend);
    j["ranking"] = toString(r.ranking);
    if (r.publishedRange)
        j["published"] = {{"low", r.publishedRange->low},
                          {"high", r.publishedRange->high},
                          {"center", r.publishedCenter},
                          {"neighbours", r.publishedNeighbours}};
    j["shapes_considered"] = r.shapesConsidered;
    j["shapes_evaluated"] = r.shapesEvaluated;
    j["note"] = r.note;
    ordered_json cands = ordered_json::array();
    for (std::size_t i = 0; i < r.candidates.size(); ++i)
        cands.push_back(toJson(r.candidates[i], i + 1));
    j["candidates"] = cands;
    return j;
}

ordered_json toJson(const PublishedPlacement& p)
{
    ordered_json near = ordered_json::array();
    for (const PublishedModel* m : p.nearest)
        near.push_back({{"name", m->name},
                        {"hidden_size", m->hidden},
                        {"num_hidden_layers", m->layers},
                        {"shape", describeShape(*m)}});
    return {{"name", p.name},
            {"parameters", p.parameters},
            {"body_parameters", p.bodyParameters},
            {"hidden_size", p.hidden},
            {"num_hidden_layers", p.layers},
            {"width_per_layer", p.widthPerLayer},
            {"published_range", {{"low", p.range.low}, {"high", p.range.high}}},
            {"published_center", p.center},
            {"inside", p.inside},
            {"prior_distance", p.priorDistance},
            {"nearest", near}};
}

ordered_json toJson(const LadderResult& l)
{
    ordered_json j;
    j["from"] = l.from;
    j["to"] = l.to;
    j["steps"] = l.rungs.size();
    j["targets"] = l.targets;
    j["trend"] = toJson(l.trend);
    j["note"] = l.note;
    ordered_json rungs = ordered_json::array();
    for (std::size_t i = 0; i < l.rungs.size(); ++i)
        rungs.push_back(toJson(l.rungs[i], i + 1));
    j["rungs"] = rungs;
    return j;
}

} // namespace llamascope
