#include "llamascope/parse.hpp"

#include "llamascope/errors.hpp"

#include <cctype>
#include <charconv>
#include <cmath>

namespace llamascope {

std::string badValueMessage(std::string_view text, std::string_view what, std::string_view why,
                            std::string_view howTo)
{
    return std::string(what) + ": '" + std::string(text) + "' " + std::string(why) + " (" +
           std::string(howTo) + ")";
}

NumberAndUnit parseNumberAndUnit(std::string_view text, std::string_view what, std::string_view howTo)
{
    auto fail = [&](std::string_view why) {
        return InvalidArgument(badValueMessage(text, what, why, howTo));
    };
    std::string_view s = text;
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    if (s.empty())
        throw fail("is empty");
    NumberAndUnit r;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), r.value);
    if (ec == std::errc::result_out_of_range)
        throw fail("is out of range");
    if (ec != std::errc() || end == s.data())
        throw fail("is not a number");
    if (!std::isfinite(r.value))
        throw fail("is not finite");
    if (r.value <= 0)
        throw fail("must be positive");
    std::string_view unit(end, static_cast<std::size_t>(s.data() + s.size() - end));
    while (!unit.empty() && std::isspace(static_cast<unsigned char>(unit.front())))
        unit.remove_prefix(1);
    r.unit = std::string(unit);
    return r;
}

} // namespace llamascope
