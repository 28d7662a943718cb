#pragma once
// Private helpers: core's std::string / std::string_view text to QString (UTF-8).

#include <QString>

#include <string>
#include <string_view>

namespace llamascope::gui {

inline QString qs(std::string_view s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

inline QString qs(const std::string& s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

inline QString qs(const char* s)
{
    return QString::fromUtf8(s);
}

} // namespace llamascope::gui
