#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace llamascope::cli {

/// Runs `llamascope <args...>` (args exclude the program name) and returns the exit code.
/// Never throws: every failure becomes a message on `err` and an exit code. An exception a
/// command did not expect (a bug) is reported as "internal error", exits 1, and sets
/// `*internalError` when given — how tests and the fuzzer tell bugs from findings.
int runApp(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
           bool* internalError = nullptr);

} // namespace llamascope::cli
