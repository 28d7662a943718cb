#include "llamascope/bundled.hpp"

#include "llamascope/embedded.hpp"

#include <stdexcept>

namespace llamascope {

namespace {
std::string bundledSource(std::string_view name)
{
    return "<bundled>/" + std::string(name) + ".json";
}
} // namespace

std::vector<LoadResult> loadBundledFamily()
{
    std::vector<LoadResult> out;
    for (const EmbeddedFile& f : bundledConfigFiles())
        out.push_back(loadConfigText(f.text, bundledSource(f.name)));
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
            return loadConfigText(f.text, bundledSource(f.name));
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
