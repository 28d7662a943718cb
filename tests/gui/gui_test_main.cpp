// One QApplication for the whole GUI test binary, offscreen, with test-only QSettings names.

#include "llamascope/gui/app.hpp"

#include <gtest/gtest.h>

#include <QApplication>
#include <QStandardPaths>

int main(int argc, char** argv)
{
    ::testing::InitGoogleTest(&argc, argv);
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    // Settings and other standard paths go to a test location, never the user's.
    QStandardPaths::setTestModeEnabled(true);
    QApplication app(argc, argv);
    llamascope::gui::setUpApplication(app, QStringLiteral("llamascope-tests"),
                                      QStringLiteral("llamascope-gui-tests"));
    return RUN_ALL_TESTS();
}
