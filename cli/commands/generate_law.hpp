#pragma once
// `generate` under a scaling law (issue 12, docs/scaling.md "Designing to a budget"):
// --compute C --law L designs the config and token budget with the lowest predicted loss;
// --compute-ladder FROM TO spreads a ladder's rungs evenly in log-compute. Kept apart from
// generate.cpp, which only adds the options and dispatches here.

#include "common.hpp"

#include "llamascope/design.hpp"

#include <optional>

namespace llamascope::cli {

/// --law, --compute-ladder.
void addLawDesignOptions(po::options_description& options);

/// Runs the law-based design when --compute-ladder, or --compute with --law, was given (the
/// exit code); nullopt otherwise (generate's own targets apply).
std::optional<int> runLawDesign(const po::variables_map& vm, const DesignConstraints& constraints,
                                OutputFormat format, Context& ctx);

} // namespace llamascope::cli
