#include "llamascope/finding.hpp"

#include <algorithm>

namespace llamascope {

std::string_view toString(Severity s)
{
    switch (s) {
    case Severity::Note: return "note";
    case Severity::Warning: return "warning";
    case Severity::Error: return "error";
    }
    return "error";
}

std::optional<Severity> severityFromString(std::string_view s)
{
    if (s == "note")
        return Severity::Note;
    if (s == "warning")
        return Severity::Warning;
    if (s == "error")
        return Severity::Error;
    return std::nullopt;
}

std::size_t ValidationReport::count(Severity s) const
{
    return static_cast<std::size_t>(
        std::count_if(findings.begin(), findings.end(), [s](const Finding& f) { return f.severity == s; }));
}

bool ValidationReport::fails(Severity failAt) const
{
    return std::any_of(findings.begin(), findings.end(),
                       [failAt](const Finding& f) { return f.severity >= failAt; });
}

std::optional<Severity> ValidationReport::worst() const
{
    std::optional<Severity> w;
    for (const Finding& f : findings)
        if (!w || f.severity > *w)
            w = f.severity;
    return w;
}

} // namespace llamascope
