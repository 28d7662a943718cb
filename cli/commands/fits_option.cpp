#include "fits_option.hpp"

#include "design_options.hpp"

#include "llamascope/errors.hpp"

#include <nlohmann/json.hpp>

namespace llamascope::cli {

void addFitsOptions(po::options_description& options)
{
    options.add_options()(
        "fits", po::value<std::string>(),
        "keep only configs that fit this cluster, e.g. \"8xH100 zero3\" or \"64xA100 tp2 pp4 recompute\" "
        "(GPUs × device, then zero0..3/fsdp, tpN, ppN, cpN, dpN, mbN, sp, hybrid, recompute[=MODE], "
        "nodes=N); the memory options give the optimizer, micro-batch (--batch) and sequence");
}

std::optional<FitsConstraint> fitsFrom(const po::variables_map& vm, const AcceleratorTable& accelerators)
{
    if (!vm.count("fits"))
        return std::nullopt;
    FitsConstraint f;
    const MemoryOptions m = memoryOptionsFrom(vm);
    if (m.optimizer == Optimizer::None)
        throw UsageError("--fits checks a training run: pick a training --optimizer");
    try {
        f.spec = parseFitSpec(vm["fits"].as<std::string>());
        f.cluster = clusterOf(f.spec, accelerators, builtinInterconnects());
    } catch (const InvalidArgument& e) {
        throw UsageError(std::string("--fits: ") + e.what());
    }
    f.options.optimizer = m.optimizer;
    f.options.weightDtype = m.weightDtype;
    f.options.rank = m.rank;
    f.options.masterWeights = m.masterWeights;
    f.options.gradDtype = m.gradDtype;
    f.options.attention = m.attention;
    f.options.seqLen = m.seqLen;
    f.options.headroom = parseHeadroom(vm);
    if (m.recompute) {
        if (f.spec.filter.recompute && *f.spec.filter.recompute != Recompute::Full)
            throw UsageError("--recompute and the --fits spec ask for different recomputation");
        f.spec.filter.recompute = Recompute::Full;
    }
    f.filter = fixedLayoutOf(f.spec);
    f.microBatch = f.filter.microBatch.value_or(m.batch);
    f.filter.microBatch.reset();
    return f;
}

nlohmann::ordered_json fitsJson(const FitsConstraint& f, const std::optional<FitCheck>& check)
{
    nlohmann::ordered_json j{
        {"spec", f.spec.text},
        {"gpus", f.cluster.gpus},
        {"device", f.cluster.device.key},
        {"micro_batch", f.microBatch},
        {"fits", check ? nlohmann::ordered_json(check->fits) : nlohmann::ordered_json(nullptr)},
        {"reason", check ? check->reason : std::string()}};
    if (check && check->layout)
        j["layout"] = toJson(*check->layout, 1);
    return j;
}

} // namespace llamascope::cli
