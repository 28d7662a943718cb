#pragma once
// One Qt-free progress and cancellation interface for every long computation (forward
// passes, design searches). The CLI implements it with stderr and a SIGINT flag, the GUI
// with signals and a Cancel button (the QgsFeedback pattern).

#include <string_view>

namespace llamascope {

class Progress {
public:
    virtual ~Progress() = default;

    /// `fraction` in [0, 1]; `stage` is a short human label ("layer 3/32").
    virtual void report(double fraction, std::string_view stage)
    {
        (void)fraction;
        (void)stage;
    }

    /// Polled by the computation between steps; when true it stops and throws Cancelled.
    [[nodiscard]] virtual bool isCancelled() const { return false; }
};

/// Throws Cancelled if `progress` is non-null and cancelled.
void throwIfCancelled(const Progress* progress);

} // namespace llamascope
