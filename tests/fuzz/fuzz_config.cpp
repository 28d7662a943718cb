// libFuzzer target: config loading and validation on arbitrary bytes.
// Properties checked beyond "no crash, no sanitizer report":
//   - a config exists iff the report has no errors;
//   - a valid config analyzes without throwing (validation already caught overflow);
//   - saving it and loading it back gives the same config and no errors;
//   - no code is listed more than 10 times; omitted counts only follow 10 listed ones.
#include "llamascope/analysis.hpp"
#include "llamascope/validate.hpp"

#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const llamascope::LoadResult r = llamascope::loadConfigText(text, "fuzz.json");
    if (r.config.has_value() == r.report.hasErrors())
        std::abort();
    // The findings cap: at most kListedFindingsPerCode listed per code, the rest counted once.
    std::map<llamascope::FindingCode, std::size_t> listed;
    for (const llamascope::Finding& f : r.report.findings)
        if (++listed[f.code] > llamascope::kListedFindingsPerCode)
            std::abort();
    for (const llamascope::OmittedFindings& o : r.report.omitted)
        if (o.count == 0 || listed[o.code] != llamascope::kListedFindingsPerCode)
            std::abort();
    if (!r.config)
        return 0;
    (void)llamascope::analyze(*r.config);
    const llamascope::LoadResult again =
        llamascope::loadConfigText(llamascope::toHfJsonText(*r.config), "fuzz.json");
    if (!again.config || again.config->hiddenSize != r.config->hiddenSize ||
        again.config->numHiddenLayers != r.config->numHiddenLayers ||
        again.config->vocabSize != r.config->vocabSize)
        std::abort();
    return 0;
}
