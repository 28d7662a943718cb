#pragma once
// `generate --fits "8xH100 zero3"`: the option, its parsing (the spec itself is parsed in core,
// parseFitSpec) and its JSON. Kept apart from generate.cpp so the designer's command only wires it.

#include "common.hpp"

#include "llamascope/cost.hpp"
#include "llamascope/plan.hpp"

#include <nlohmann/json_fwd.hpp>

#include <optional>

namespace llamascope::cli {

struct FitsConstraint {
    FitSpec spec;
    ClusterSpec cluster;
    PlanOptions options; ///< recipe, kernels, sequence and headroom from the memory options
    LayoutFilter filter;
    Count microBatch = 1;
};

/// --fits SPEC
void addFitsOptions(po::options_description& options);
/// nullopt without --fits; UsageError for a spec core cannot read or an unknown device.
std::optional<FitsConstraint> fitsFrom(const po::variables_map& vm, const AcceleratorTable& accelerators);
/// {"spec", "gpus", "device", "micro_batch", "fits", "reason", "layout"?}.
nlohmann::ordered_json fitsJson(const FitsConstraint& f, const std::optional<FitCheck>& check);

} // namespace llamascope::cli
