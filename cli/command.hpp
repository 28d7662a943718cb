#pragma once
// How a CLI command looks. Each command is one file in cli/commands/ that defines a
// `const Command&` accessor, listed once in commands.cpp.

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace llamascope::cli {

/// Where a command writes: `out` for results (pipeable), `err` for findings and errors, both
/// through the terminal-safe filter (terminal.hpp); `progress` is stderr unfiltered, for the
/// status line that rewrites itself (StderrProgress escapes what it prints).
struct Context {
    std::ostream& out;
    std::ostream& err;
    std::ostream& progress;
};

/// Process exit codes, the same for every command (SPEC §4).
enum ExitCode : int {
    kExitOk = 0,       ///< clean
    kExitFindings = 1, ///< findings at or above the failing severity
    kExitUsage = 2,    ///< bad command line
    kExitIo = 3,       ///< a file could not be read or written
};

struct Command {
    std::string_view name;
    std::string_view summary; ///< one line for `llamascope --help`
    /// Runs the command on its own arguments (argv after the command name). May throw
    /// UsageError, IoError, InvalidArgument; app.cpp maps them to exit codes.
    int (*run)(const std::vector<std::string>& args, Context& ctx);
};

} // namespace llamascope::cli
