#pragma once
// Exceptions used by the core. Per STYLE.md: exceptions are for I/O and programmer errors
// only; problems in a config are findings in a ValidationReport, never exceptions.

#include <stdexcept>
#include <string>

namespace llamascope {

/// A file could not be read or written (missing, permission denied, disk full...).
/// Front ends map it to exit code 3.
class IoError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// An exact count does not fit in a signed 64-bit integer. The validator turns this into
/// the `count-overflow` finding, so analysis of a validated config never throws it.
class CountOverflow : public std::overflow_error {
public:
    using std::overflow_error::overflow_error;
};

/// Raised by long computations when their Progress reports cancellation.
class Cancelled : public std::runtime_error {
public:
    Cancelled() : std::runtime_error("cancelled") {}
};

/// A caller passed arguments that make no sense (e.g. sequence length 0). Front ends map it
/// to a usage error (exit code 2).
class InvalidArgument : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

} // namespace llamascope
