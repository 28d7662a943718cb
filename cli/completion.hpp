#pragma once
// `llamascope completion bash`: a bash completion script generated from the commands' own
// option tables (parseArgs' hidden --completion-options listing) and the bundled names.

#include "command.hpp"

#include <span>
#include <string>
#include <vector>

namespace llamascope::cli {

/// Runs `llamascope completion <args>`: prints the script for the one shell supported
/// ("bash") to ctx.out. Throws UsageError for another shell or a missing argument.
int runCompletion(const std::vector<std::string>& args, std::span<const Command* const> commands,
                  Context& ctx);

} // namespace llamascope::cli
