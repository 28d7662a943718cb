#pragma once
// Options shared by `fit`, `predict`, `report --runs` and `generate --law`: reading a runs
// table, choosing a law, parsing budgets. Parsing only; every number comes from core.

#include "common.hpp"

#include "llamascope/scaling.hpp"

#include <string>
#include <string_view>

namespace llamascope::cli {

/// --n-count and --column FIELD=NAME (repeatable).
void addRunsOptions(po::options_description& options);
/// Reads RUNS with the options; prints every issue to ctx.err and returns nullopt when the table
/// has problems (the caller exits 1). IoError if unreadable.
std::optional<RunsTable> readRunsOption(const std::string& path, const po::variables_map& vm, Context& ctx);

/// --drop-highest --bootstrap --seed --threads --confidence --form --tokens-per-param
/// --ratio-tolerance
void addFitOptions(po::options_description& options, std::string_view bootstrapDefault);
FitOptions fitOptionsFrom(const po::variables_map& vm);

/// A preset name or a law file; IoError / InvalidArgument as resolveLaw().
ScalingLaw lawFrom(const std::string& text);
/// "chinchilla, besiroglu, muennighoff": core's preset names, for help texts.
std::string lawPresetList();

/// A count with an optional suffix ("1e21", "70B"); UsageError naming the option.
double quantityOption(const std::string& text, std::string_view option);

/// Prints the fit's problems ("too few runs") and returns kExitFindings.
int reportScalingDataError(const ScalingDataError& e, std::string_view command, Context& ctx);

} // namespace llamascope::cli
