// JSON forms of plan results: the payload of `llamascope plan --format json`
// (schemas/analysis.schema.json, "planOutput"). Formatting only.

#include "llamascope/plan.hpp"

#include <nlohmann/json.hpp>

namespace llamascope {

using ordered_json = nlohmann::ordered_json;

namespace {

ordered_json stageJson(const StageMemory& s)
{
    ordered_json groups = ordered_json::object();
    for (PlanMemoryGroup g : planMemoryGroups())
        groups[std::string(toString(g))] = s.bytes(g);
    ordered_json terms = ordered_json::array();
    for (const PlanMemoryTerm& t : s.terms)
        terms.push_back({{"key", t.key},
                         {"group", toString(t.group)},
                         {"label", t.label},
                         {"formula", t.formula},
                         {"bytes", t.bytes}});
    return {{"stage", s.stage}, {"layers", s.layers}, {"in_flight", s.inFlight}, {"parameters", s.parameters},
            {"total", s.total}, {"groups", groups},   {"terms", terms}};
}

} // namespace

ordered_json toJson(const ParallelLayout& l)
{
    return {{"dp", l.dp},
            {"tp", l.tp},
            {"pp", l.pp},
            {"cp", l.cp},
            {"zero", static_cast<int>(l.zero)},
            {"hybrid_shard", l.hybridShard},
            {"sequence_parallel", l.sequenceParallel},
            {"recompute", toString(l.recompute)},
            {"recompute_layers", l.recomputeLayers},
            {"micro_batch", l.microBatch},
            {"accumulation", l.accumulation}};
}

ordered_json toJson(const Interconnect& i)
{
    return {{"key", i.key},
            {"name", i.name},
            {"link_gbs", i.linkGBs},
            {"links_per_gpu", i.linksPerGpu},
            {"efficiency", i.efficiency},
            {"latency_us", i.latencyUs},
            {"bytes_per_second", i.bytesPerSecond()},
            {"source", i.source}};
}

ordered_json toJson(const ClusterSpec& c)
{
    return {{"device", toJson(c.device)},
            {"gpus", c.gpus},
            {"gpus_per_node", c.gpusPerNode},
            {"nodes", c.nodes()},
            {"intra_node", toJson(c.intraNode)},
            {"inter_node", toJson(c.interNode)},
            {"dollars_per_gpu_hour", c.dollarsPerGpuHour}};
}

ordered_json toJson(const LayoutEvaluation& e, std::size_t rank)
{
    ordered_json stages = ordered_json::array();
    for (const StageMemory& s : e.stages)
        stages.push_back(stageJson(s));
    const StepTime& t = e.time;
    return {{"rank", rank},
            {"layout", toJson(e.layout)},
            {"global_batch",
             {{"sequences", e.globalBatchSequences},
              {"tokens", e.globalBatchTokens},
              {"deviation", e.batchDeviation}}},
            {"memory",
             {{"peak_bytes", e.peakBytes()},
              {"peak_stage", e.peak().stage},
              {"device_bytes", e.fit.device},
              {"usable_bytes", e.fit.usable},
              {"headroom", e.fit.headroom},
              {"fits", e.fit.fits},
              {"used", e.fit.used},
              {"stages", stages}}},
            {"time",
             {{"step_seconds", t.total},
              {"compute", t.compute},
              {"bubble", t.bubble},
              {"exposed_communication",
               {{"data_parallel", t.exposedDataParallel},
                {"tensor_parallel", t.exposedTensorParallel},
                {"pipeline", t.exposedPipeline},
                {"context_parallel", t.exposedContextParallel}}},
              {"optimizer", t.optimizer}}},
            {"communication_bytes",
             {{"data_parallel", e.communication.dataParallel},
              {"tensor_parallel", e.communication.tensorParallel},
              {"pipeline", e.communication.pipeline},
              {"context_parallel", e.communication.contextParallel}}},
            {"model_flops_per_step", e.modelFlopsPerStep},
            {"hardware_flops_per_step", e.hardwareFlopsPerStep},
            {"tokens_per_second", e.tokensPerSecond},
            {"mfu", e.mfu},
            {"hfu", e.hfu},
            {"run",
             {{"tokens", e.run.tokens},
              {"steps", e.run.steps},
              {"seconds", e.run.seconds},
              {"days", e.run.days},
              {"gpu_hours", e.run.gpuHours},
              {"cost", e.run.cost}}},
            {"notes", e.notes}};
}

ordered_json toJson(const PlanResult& r)
{
    const PlanOptions& o = r.options;
    ordered_json layouts = ordered_json::array();
    for (std::size_t i = 0; i < r.layouts.size(); ++i)
        layouts.push_back(toJson(r.layouts[i], i + 1));
    ordered_json j;
    j["model"] = r.model;
    j["parameters"] = r.parameters;
    j["cluster"] = toJson(r.cluster);
    j["options"] = {{"optimizer", toString(o.optimizer)},
                    {"weight_dtype", toString(r.recipe.weights)},
                    {"gradient_dtype", toString(r.recipe.gradients)},
                    {"state_dtype", toString(r.recipe.state)},
                    {"master_weights", r.recipe.masterWeights},
                    {"rank", r.recipe.rank > 0 ? ordered_json(r.recipe.rank) : ordered_json(nullptr)},
                    {"attention", toString(o.attention)},
                    {"fused_norm", o.fusedNorm},
                    {"fused_swiglu", o.fusedSwiglu},
                    {"fused_cross_entropy", o.fusedCrossEntropy},
                    {"vocab_parallel", o.vocabParallel},
                    {"seq_len", o.seqLen},
                    {"global_batch_tokens", o.globalBatchTokens},
                    {"requested_sequences", r.requestedSequences},
                    {"batch_tolerance", o.batchTolerance},
                    {"headroom", o.headroom},
                    {"efficiency", o.efficiency},
                    {"precision",
                     o.precision ? ordered_json(std::string(toString(*o.precision))) : ordered_json(nullptr)},
                    {"peak_flops_per_gpu", r.peakFlopsPerGpu},
                    {"convention", toString(o.convention)},
                    {"overlap_communication", o.overlapCommunication},
                    {"bucket_bytes", o.bucketBytes},
                    {"tokens", o.tokens}};
    j["search"] = {{"enumerated", r.enumerated}, {"fitting", r.fitting}, {"listed", r.layouts.size()}};
    j["layouts"] = layouts;
    if (r.closest)
        j["closest"] = toJson(*r.closest, 0);
    j["note"] = r.note;
    return j;
}

ordered_json toJson(const InferencePlan& p)
{
    const InferenceOptions& o = p.options;
    return {{"device", toJson(p.device)},
            {"options",
             {{"batch", o.batch},
              {"prompt_tokens", o.promptTokens},
              {"generated_tokens", o.generatedTokens},
              {"weight_dtype", toString(o.weightDtype)},
              {"kv_dtype", toString(o.kvDtype)},
              {"sliding_window", o.slidingWindow},
              {"tensor_parallel", o.tensorParallel},
              {"headroom", o.headroom},
              {"efficiency", o.efficiency},
              {"bandwidth_efficiency", o.bandwidthEfficiency}}},
            {"weight_bytes", p.weightBytes},
            {"kv_bytes_per_token", p.kvBytesPerToken},
            {"kv_tokens_per_sequence", p.kvTokensPerSequence},
            {"sliding_layers", p.slidingLayers},
            {"kv_window_tokens", p.kvWindowTokens},
            {"kv_bytes_per_sequence", p.kvBytesPerSequence},
            {"expert_read_fraction", p.expertReadFraction},
            {"kv_bytes", p.kvBytes},
            {"total_bytes", p.fit.required},
            {"usable_bytes", p.fit.usable},
            {"fits", p.fit.fits},
            {"max_batch", p.maxBatch},
            {"prefill_flops", p.prefillFlops},
            {"prefill_seconds", p.prefillSeconds},
            {"decode_seconds_per_step", p.decodeSecondsPerToken},
            {"decode_bytes_per_step", p.decodeBytesPerStep},
            {"decode_bandwidth_bound", p.decodeBandwidthBound},
            {"tokens_per_second", p.tokensPerSecond}};
}

} // namespace llamascope
