// llamascope-gui: the desktop app. Everything lives in the llamascope_gui library; this file
// only parses the command line.

#include "llamascope/gui/app.hpp"
#include "llamascope/gui/main_window.hpp"

#include <QApplication>
#include <QCommandLineParser>

#include <cstdio>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    llamascope::gui::setUpApplication(app);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Compare scales, design configs and validate files for LLaMA-family models."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QStringLiteral("Render VIEW (%1) to the PNG file given as the first argument and exit. Run with "
                       "QT_QPA_PLATFORM=offscreen for headless use.")
            .arg(llamascope::gui::screenshotViews().join(QStringLiteral(", "))),
        QStringLiteral("VIEW"));
    parser.addOption(screenshot);
    parser.addPositionalArgument(QStringLiteral("files"), QStringLiteral("Config files or folders to open."),
                                 QStringLiteral("[FILE|FOLDER...]"));
    parser.process(app);
    QStringList files = parser.positionalArguments();

    if (parser.isSet(screenshot)) {
        if (files.isEmpty()) {
            std::fprintf(stderr, "llamascope-gui: --screenshot VIEW needs an output FILE.png\n");
            return 2;
        }
        const QString png = files.takeFirst();
        QString error;
        if (!llamascope::gui::renderScreenshot(parser.value(screenshot), png, files, &error)) {
            std::fprintf(stderr, "llamascope-gui: %s\n", qPrintable(error));
            return error.startsWith(QStringLiteral("unknown view")) ? 2 : 3;
        }
        return 0;
    }

    llamascope::gui::MainWindow window;
    window.show();
    if (!files.isEmpty())
        window.openPaths(files);
    return QApplication::exec();
}
