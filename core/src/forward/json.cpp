#include "llamascope/forward/json.hpp"

#include <nlohmann/json.hpp>

namespace llamascope {

namespace {

nlohmann::ordered_json analyticParams(const ParameterCounts& p)
{
    return {{"embedding", p.embedding},
            {"position_table", p.positionTable},
            {"layers", p.layers},
            {"final_norm", p.finalNorm},
            {"lm_head", p.lmHead},
            {"attention", p.attention},
            {"mlp", p.mlp},
            {"norms", p.norms},
            {"total", p.total}};
}

nlohmann::ordered_json optionalNumber(const std::optional<double>& v)
{
    return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
}

} // namespace

nlohmann::ordered_json toJson(const MaterialisedParameters& p)
{
    return {{"embedding", p.embedding},
            {"position_table", p.positionTable},
            {"layers", p.layers},
            {"final_norm", p.finalNorm},
            {"lm_head", p.lmHead},
            {"attention", p.attention},
            {"mlp", p.mlp},
            {"norms", p.norms},
            {"total", p.total()}};
}

nlohmann::ordered_json toJson(const ExactMatmulFlops& f)
{
    return {{"q_proj", f.qProj},       {"k_proj", f.kProj},       {"v_proj", f.vProj},
            {"o_proj", f.oProj},       {"gate_proj", f.gateProj}, {"up_proj", f.upProj},
            {"down_proj", f.downProj}, {"router", f.router},      {"scores", f.scores},
            {"mixing", f.mixing},      {"lm_head", f.lmHead},     {"total", f.total()}};
}

nlohmann::ordered_json toJson(const ForwardResult& r)
{
    nlohmann::ordered_json j;
    j["weights"] = r.weightsSource;
    j["batch"] = r.batch;
    j["seq_len"] = r.seqLen;
    j["threads"] = r.threads;
    j["kernels"] = {{"set", toString(r.kernels.set)},
                    {"forced", r.kernels.forced},
                    {"cpu_features", cpuKernelFeatures()}};
    j["residency"] = toString(r.residency);
    j["loss"] = optionalNumber(r.loss);
    j["ln_vocab"] = r.lnVocab;
    j["parameters"] = {{"analytic", analyticParams(r.analyticParams)},
                       {"measured", toJson(r.measuredParams)},
                       {"match", r.paramsMatch()}};
    j["flops"] = {{"analytic", toJson(r.analyticFlops)},
                  {"measured", toJson(r.measuredFlops)},
                  {"match", r.flopsMatch()}};
    j["seconds"] = {{"weights", r.secondsWeights}, {"compute", r.secondsCompute}, {"total", r.seconds}};
    j["tokens_per_second"] = r.tokensPerSecond();
    j["gflops_per_second"] = r.gflopsPerSecond();
    j["memory"] = {{"budget_bytes", r.budgetBytes},
                   {"planned_bytes", r.residency == WeightResidency::Resident ? r.plan.residentTotal()
                                                                              : r.plan.streamedTotal()},
                   {"peak_rss_bytes", r.peakRssBytes}};
    return j;
}

nlohmann::ordered_json toJson(const VerifyRow& row)
{
    nlohmann::ordered_json j;
    j["name"] = row.name;
    j["match"] = row.ok();
    const nlohmann::ordered_json result = toJson(row.result);
    for (const auto& [key, value] : result.items())
        j[key] = value;
    return j;
}

} // namespace llamascope
