#include "progress.hpp"

#include "llamascope/format.hpp"

#include <atomic>
#include <csignal>
#include <ostream>

#include <unistd.h>

namespace llamascope::cli {
namespace {

std::atomic<bool> gInterrupted{false};
std::atomic<int> gGuards{0};
struct sigaction gPrevious {};

extern "C" void onSigint(int)
{
    if (gInterrupted.exchange(true))
        _exit(130); // second Ctrl-C: the user means it
}

} // namespace

InterruptGuard::InterruptGuard()
{
    if (gGuards.fetch_add(1) == 0) {
        gInterrupted = false;
        struct sigaction sa {};
        sa.sa_handler = onSigint;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &gPrevious);
    }
}

InterruptGuard::~InterruptGuard()
{
    if (gGuards.fetch_sub(1) == 1)
        sigaction(SIGINT, &gPrevious, nullptr);
}

bool InterruptGuard::interrupted()
{
    return gInterrupted.load();
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
    const std::string line = "[" + formatFixed(100.0 * fraction, 0) + "%] " + std::string(stage) + " (" +
                             formatFixed(seconds, 1) + " s)";
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
