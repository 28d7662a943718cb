#pragma once
// Checked signed 64-bit arithmetic for exact counts (parameters, FLOPs, bytes).
// Every count in llamascope goes through these, so a config with hidden_size 10^12 gives a
// `count-overflow` finding instead of a wrapped number.

#include "llamascope/errors.hpp"

#include <cstdint>
#include <initializer_list>
#include <string_view>

namespace llamascope {

using Count = std::int64_t;

/// a*b, throwing CountOverflow (naming `what`) if the exact result does not fit in int64.
inline Count mulChecked(Count a, Count b, std::string_view what = "count")
{
    Count r = 0;
    if (__builtin_mul_overflow(a, b, &r))
        throw CountOverflow(std::string(what) + " overflows 64-bit arithmetic");
    return r;
}

/// a+b, throwing CountOverflow if the exact result does not fit in int64.
inline Count addChecked(Count a, Count b, std::string_view what = "count")
{
    Count r = 0;
    if (__builtin_add_overflow(a, b, &r))
        throw CountOverflow(std::string(what) + " overflows 64-bit arithmetic");
    return r;
}

/// a-b, throwing CountOverflow if the exact result does not fit in int64.
inline Count subChecked(Count a, Count b, std::string_view what = "count")
{
    Count r = 0;
    if (__builtin_sub_overflow(a, b, &r))
        throw CountOverflow(std::string(what) + " overflows 64-bit arithmetic");
    return r;
}

/// Product of all factors, checked.
inline Count productChecked(std::initializer_list<Count> factors, std::string_view what = "count")
{
    Count r = 1;
    for (Count f : factors)
        r = mulChecked(r, f, what);
    return r;
}

/// Sum of all terms, checked.
inline Count sumChecked(std::initializer_list<Count> terms, std::string_view what = "count")
{
    Count r = 0;
    for (Count t : terms)
        r = addChecked(r, t, what);
    return r;
}

} // namespace llamascope
