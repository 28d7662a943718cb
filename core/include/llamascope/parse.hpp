#pragma once
// Parsing numbers with units from the command line and form fields ("500M", "80 GiB", "1e21").
// One place for the number part, so every size-like option reports errors the same way.

#include <string>
#include <string_view>

namespace llamascope {

/// A finite, positive number and the unit text after it (trimmed, as written).
struct NumberAndUnit {
    double value = 0;
    std::string unit;
};

/// Splits `text` into a number and a unit suffix. Throws InvalidArgument —
/// "<what>: '<text>' <why> (<howTo>)" — if it is empty, has no number, or the number is
/// out of range, not finite or not positive. The caller scales by its own unit table and
/// reports an unknown unit with unknownUnit().
NumberAndUnit parseNumberAndUnit(std::string_view text, std::string_view what, std::string_view howTo);

/// The InvalidArgument message for a bad unit, in the same form.
std::string badValueMessage(std::string_view text, std::string_view what, std::string_view why,
                            std::string_view howTo);

} // namespace llamascope
