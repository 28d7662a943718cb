#pragma once
// Application set-up shared by main(), the tests and the benchmarks: names (QSettings), a
// font that exists (the offscreen platform may have none configured), and headless screenshots.

#include <QString>
#include <QStringList>

class QApplication;

namespace llamascope::gui {

/// Organisation and application names for QSettings, version, and a readable font. Tests pass
/// their own names so they never touch the user's settings.
void setUpApplication(QApplication& app, const QString& organisation = QStringLiteral("llamascope"),
                      const QString& application = QStringLiteral("llamascope-gui"));

/// The views `--screenshot` accepts: compare (and compare-diff: three configs side by side),
/// charts (and charts-flops, charts-shape, charts-memory, charts-published), designer (and designer-fit: the
/// fit-to-target dialog), validate, forward.
QStringList screenshotViews();

/// Renders one view of a fresh main window (no settings read or written) to a PNG. `files` are
/// opened first, as on the command line. Returns false with `error` set on failure.
bool renderScreenshot(const QString& view, const QString& pngPath, const QStringList& files, QString* error);

} // namespace llamascope::gui
