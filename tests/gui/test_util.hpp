#pragma once
// Helpers for the GUI tests.

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QSignalSpy>
#include <QString>

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <string>

namespace llamascope::gui::test {

inline QString dataPath(const QString& relative)
{
    return QDir(QStringLiteral(TEST_DATA_DIR)).absoluteFilePath(relative);
}

inline std::string readText(const QString& path)
{
    std::ifstream in(path.toStdString(), std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline nlohmann::json readJson(const QString& path)
{
    return nlohmann::json::parse(readText(path));
}

/// Lets queued signals and timers run.
inline void settle(int rounds = 3)
{
    for (int i = 0; i < rounds; ++i)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
}

/// Generous: CI machines are loaded; a wait only fails when something is really stuck.
inline constexpr int kWaitMs = 60000;

} // namespace llamascope::gui::test
