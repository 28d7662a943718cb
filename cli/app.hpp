#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace llamascope::cli {

/// Runs `llamascope <args...>` (args exclude the program name) and returns the exit code.
/// Never throws: every failure becomes a message on `err` and an exit code.
int runApp(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

} // namespace llamascope::cli
