#pragma once
// The CLI's Progress: a status line on stderr and Ctrl-C as cancellation.

#include "llamascope/progress.hpp"

#include <chrono>
#include <iosfwd>
#include <string>

namespace llamascope::cli {

/// Installs the process-wide handlers for SIGINT, SIGTERM and SIGHUP: they remove the hidden
/// temporary of any output being written (removePendingOutputs()) and then die of the signal
/// as before. Called once by main().
void installSignalCleanup();

/// While alive, SIGINT and SIGTERM set a flag instead of killing the process, so long work can
/// stop between steps and clean up (no half-written files, no temporaries left). A second
/// signal removes the temporaries and exits at once.
class InterruptGuard {
public:
    InterruptGuard();
    ~InterruptGuard();
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;

    [[nodiscard]] static bool interrupted();
    /// The signal that interrupted (SIGINT or SIGTERM), 0 if none: the exit code is 128 + it.
    [[nodiscard]] static int signal();
};

/// Reports to `err`: a rewritten line on a terminal, a line per 10% otherwise (logs stay
/// short). Cancelled when Ctrl-C was pressed under an InterruptGuard.
class StderrProgress : public Progress {
public:
    explicit StderrProgress(std::ostream& err, bool enabled = true);
    ~StderrProgress() override;
    StderrProgress(const StderrProgress&) = delete;
    StderrProgress& operator=(const StderrProgress&) = delete;

    void report(double fraction, std::string_view stage) override;
    [[nodiscard]] bool isCancelled() const override;
    /// Ends the status line (called by the destructor too).
    void finish();

private:
    std::ostream& err_;
    bool enabled_;
    bool terminal_;
    int lastDecile_ = -1;
    bool lineOpen_ = false;
    std::chrono::steady_clock::time_point start_;
};

} // namespace llamascope::cli
