#include "llamascope/bundled.hpp"

#include "llamascope/embedded.hpp"

#include <array>
#include <stdexcept>
#include <utility>

namespace llamascope {

namespace {
std::string bundledSource(std::string_view name)
{
    return "<bundled>/" + std::string(name) + ".json";
}

LoadResult loadMarked(const EmbeddedFile& f)
{
    LoadResult r = loadConfigText(f.text, bundledSource(f.name));
    markKnownQuirks(r.report);
    return r;
}

/// The quirks SPEC §2 says the published files keep: (code, pointer).
constexpr std::array<std::pair<FindingCode, std::string_view>, 3> kPublishedQuirks = {{
    {FindingCode::LegacyArchitecture, "/architectures/0"},
    {FindingCode::IgnoredKey, "/max_sequence_length"},
    {FindingCode::NegativeTokenId, "/pad_token_id"},
}};
} // namespace

void markKnownQuirks(ValidationReport& report)
{
    for (Finding& f : report.findings)
        for (const auto& [code, pointer] : kPublishedQuirks)
            if (f.code == code && f.pointer == pointer)
                f.knownQuirk = true;
}

bool isBundledText(std::string_view text)
{
    for (const EmbeddedFile& f : bundledConfigFiles())
        if (f.text == text)
            return true;
    return false;
}

std::vector<LoadResult> loadBundledFamily()
{
    std::vector<LoadResult> out;
    for (const EmbeddedFile& f : bundledConfigFiles())
        out.push_back(loadMarked(f));
    return out;
}

std::vector<ModelConfig> bundledConfigs()
{
    std::vector<ModelConfig> out;
    for (LoadResult& r : loadBundledFamily()) {
        if (!r.config)
            throw std::logic_error("bundled config " + r.report.source + " does not validate");
        out.push_back(std::move(*r.config));
    }
    return out;
}

std::optional<LoadResult> loadBundled(std::string_view name)
{
    if (name.starts_with("<bundled>/"))
        name.remove_prefix(10); // the source name findings carry, so it can be pasted back
    if (name.ends_with(".json"))
        name.remove_suffix(5);
    for (const EmbeddedFile& f : bundledConfigFiles())
        if (f.name == name)
            return loadMarked(f);
    return std::nullopt;
}

std::vector<std::string_view> bundledNames()
{
    std::vector<std::string_view> out;
    for (const EmbeddedFile& f : bundledConfigFiles())
        out.push_back(f.name);
    return out;
}

} // namespace llamascope
