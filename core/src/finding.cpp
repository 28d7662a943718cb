#include "llamascope/finding.hpp"

#include "llamascope/format.hpp"

#include <algorithm>
#include <map>

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
    std::size_t n = static_cast<std::size_t>(
        std::count_if(findings.begin(), findings.end(), [s](const Finding& f) { return f.severity == s; }));
    for (const OmittedFindings& o : omitted)
        if (o.severity == s)
            n += o.count;
    return n;
}

std::size_t ValidationReport::countKnownQuirks(Severity s) const
{
    return static_cast<std::size_t>(std::count_if(
        findings.begin(), findings.end(), [s](const Finding& f) { return f.severity == s && f.knownQuirk; }));
}

std::optional<Severity> ValidationReport::worstUnexplained() const
{
    std::optional<Severity> w;
    for (const Finding& f : findings)
        if (!f.knownQuirk && (!w || f.severity > *w))
            w = f.severity;
    return w;
}

bool ValidationReport::fails(Severity failAt) const
{
    return std::any_of(findings.begin(), findings.end(),
                       [failAt](const Finding& f) { return f.severity >= failAt; }) ||
           std::any_of(omitted.begin(), omitted.end(),
                       [failAt](const OmittedFindings& o) { return o.count > 0 && o.severity >= failAt; });
}

std::optional<Severity> ValidationReport::worst() const
{
    std::optional<Severity> w;
    for (const Finding& f : findings)
        if (!w || f.severity > *w)
            w = f.severity;
    for (const OmittedFindings& o : omitted)
        if (o.count > 0 && (!w || o.severity > *w))
            w = o.severity;
    return w;
}

void capRepeatedFindings(ValidationReport& report, std::size_t perCode)
{
    std::map<std::string, std::size_t> listed;
    std::map<std::string, std::size_t> omittedIndex; // code -> index in report.omitted
    std::vector<Finding> kept;
    kept.reserve(std::min(report.findings.size(), perCode * 32));
    for (Finding& f : report.findings) {
        if (++listed[f.code] <= perCode) {
            kept.push_back(std::move(f));
            continue;
        }
        auto [it, added] = omittedIndex.try_emplace(f.code, report.omitted.size());
        if (added)
            report.omitted.push_back({f.code, f.severity, 0});
        ++report.omitted[it->second].count;
    }
    report.findings = std::move(kept);
}

std::string describeOmitted(const OmittedFindings& omitted)
{
    return "… and " + formatCount(static_cast<std::int64_t>(omitted.count)) + " more " + omitted.code + " " +
           std::string(toString(omitted.severity)) + (omitted.count == 1 ? "" : "s") +
           " (each code is listed at most " + std::to_string(kListedFindingsPerCode) + " times per file)";
}

} // namespace llamascope
