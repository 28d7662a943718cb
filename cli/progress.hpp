#pragma once
// The CLI's Progress: a status line on stderr and Ctrl-C as cancellation.

#include "llamascope/progress.hpp"

#include <chrono>
#include <iosfwd>
#include <string>

namespace llamascope::cli {

/// While alive, SIGINT sets a flag instead of killing the process, so long work can stop
/// between steps and clean up (no half-written files). A second Ctrl-C exits at once.
class InterruptGuard {
public:
    InterruptGuard();
    ~InterruptGuard();
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;

    [[nodiscard]] static bool interrupted();
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
