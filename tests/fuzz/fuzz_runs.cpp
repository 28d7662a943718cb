// libFuzzer target: the runs-table reader (CSV and JSON lines) and the law-file parser on
// arbitrary bytes. Properties checked beyond "no crash, no sanitizer report":
//   - a table exists iff there are no issues, and never holds more runs than the cap;
//   - every run has finite, positive N, D, loss and compute, and C = 6·N·D unless C was given;
//   - a parsed law file writes back to a file that parses to the same numbers.
// Config files are not read (allowConfigFiles = false): the target exercises parsing.
#include "llamascope/errors.hpp"
#include "llamascope/scaling.hpp"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace llamascope;

namespace {

bool positive(double v)
{
    return std::isfinite(v) && v > 0;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    RunsReadOptions o;
    o.allowConfigFiles = false;
    o.maxRuns = 2000;
    const RunsReadResult r = parseRuns(text, "fuzz", o);
    if (r.table.has_value() == (!r.issues.empty() || r.moreIssues > 0))
        std::abort();
    for (const RunsIssue& i : r.issues)
        (void)formatIssue(r.source, i);
    if (r.table) {
        if (r.table->runs.size() > o.maxRuns || r.table->runs.empty())
            std::abort();
        for (const ScalingRun& run : r.table->runs) {
            if (!positive(run.parameters) || !positive(run.tokens) || !positive(run.loss) ||
                !positive(run.compute))
                std::abort();
            if (!run.computeGiven && run.compute != 6.0 * run.parameters * run.tokens)
                std::abort();
            for (const CurvePoint& c : run.curve)
                if (!positive(c.tokens) || !positive(c.loss))
                    std::abort();
        }
    }
    try {
        const ScalingLaw law = parseLawFile(text, "fuzz.json");
        const ScalingLaw again = parseLawFile(lawFileText(law), "fuzz.json");
        if (again.params.A != law.params.A || again.params.E != law.params.E ||
            again.bootstrap.size() != law.bootstrap.size())
            std::abort();
    } catch (const InvalidArgument&) {
    }
    return 0;
}
