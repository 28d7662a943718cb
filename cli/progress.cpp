#include "progress.hpp"

#include "llamascope/format.hpp"
#include "llamascope/io.hpp"

#include <atomic>
#include <csignal>
#include <ostream>

#include <unistd.h>

namespace llamascope::cli {
namespace {

std::atomic<int> gSignal{0};
std::atomic<int> gGuards{0};
struct sigaction gPreviousInt {};
struct sigaction gPreviousTerm {};

extern "C" void onInterrupt(int sig)
{
    if (gSignal.exchange(sig) != 0) { // second signal: the user means it
        removePendingOutputs();
        _exit(128 + sig);
    }
}

// Outside an InterruptGuard: remove temporaries, then die of the signal as if unhandled.
extern "C" void onFatalSignal(int sig)
{
    removePendingOutputs();
    ::signal(sig, SIG_DFL);
    ::raise(sig);
}

} // namespace

void installSignalCleanup()
{
    struct sigaction sa {};
    sa.sa_handler = onFatalSignal;
    sigemptyset(&sa.sa_mask);
    for (const int sig : {SIGINT, SIGTERM, SIGHUP}) {
        struct sigaction old {};
        sigaction(sig, nullptr, &old);
        if (old.sa_handler != SIG_IGN) // nohup and friends: keep ignoring
            sigaction(sig, &sa, nullptr);
    }
}

InterruptGuard::InterruptGuard()
{
    if (gGuards.fetch_add(1) == 0) {
        gSignal = 0;
        struct sigaction sa {};
        sa.sa_handler = onInterrupt;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &gPreviousInt);
        sigaction(SIGTERM, &sa, &gPreviousTerm);
    }
}

InterruptGuard::~InterruptGuard()
{
    if (gGuards.fetch_sub(1) == 1) {
        sigaction(SIGINT, &gPreviousInt, nullptr);
        sigaction(SIGTERM, &gPreviousTerm, nullptr);
    }
}

bool InterruptGuard::interrupted()
{
    return gSignal.load() != 0;
}

int InterruptGuard::signal()
{
    return gSignal.load();
}

StderrProgress::StderrProgress(std::ostream& err, bool enabled)
    : err_(err), enabled_(enabled), terminal_(isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now())
{
}

StderrProgress::~StderrProgress()
{
    finish();
}

void StderrProgress::report(double fraction, std::string_view stage)
{
    if (!enabled_)
        return;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const std::string line = "[" + formatFixed(100.0 * fraction, 0) + "%] " + escapeForTerminal(stage) +
                             " (" + formatFixed(seconds, 1) + " s)";
    if (terminal_) {
        err_ << "\r\x1b[K" << line << std::flush;
        lineOpen_ = true;
        return;
    }
    const int decile = static_cast<int>(fraction * 10.0);
    if (decile != lastDecile_) {
        lastDecile_ = decile;
        err_ << line << "\n" << std::flush;
    }
}

bool StderrProgress::isCancelled() const
{
    return InterruptGuard::interrupted();
}

void StderrProgress::finish()
{
    if (lineOpen_) {
        err_ << "\r\x1b[K" << std::flush;
        lineOpen_ = false;
    }
}

} // namespace llamascope::cli
