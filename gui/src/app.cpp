#include "llamascope/gui/app.hpp"

#include "llamascope/gui/background_task.hpp"
#include "llamascope/gui/fit_dialog.hpp"

#include "llamascope/gui/charts_view.hpp"
#include "llamascope/gui/compare_view.hpp"
#include "llamascope/gui/designer_document.hpp"
#include "llamascope/gui/designer_view.hpp"
#include "llamascope/gui/forward_runner.hpp"
#include "llamascope/gui/forward_view.hpp"
#include "llamascope/gui/main_window.hpp"
#include "llamascope/gui/plan_view.hpp"
#include "llamascope/gui/scaling_view.hpp"
#include "llamascope/gui/validate_view.hpp"
#include "llamascope/gui/workspace.hpp"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QHash>
#include <QIcon>
#include <QImage>
#include <QLineEdit>
#include <QPixmap>
#include <QTimer>
#include <algorithm>
#include <array>
#include <tuple>
#include <vector>

namespace llamascope::gui {

void setUpApplication(QApplication& app, const QString& organisation, const QString& application)
{
    QCoreApplication::setOrganizationName(organisation);
    QCoreApplication::setApplicationName(application);
#ifdef LLAMASCOPE_VERSION
    QCoreApplication::setApplicationVersion(QStringLiteral(LLAMASCOPE_VERSION));
#endif
    // The installed desktop entry and icon (packaging/, docs/install.md): Wayland compositors
    // match windows to llamascope.desktop by this name; the icon theme (hicolor) has the icon.
    QGuiApplication::setDesktopFileName(QStringLiteral("llamascope"));
    QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("llamascope")));
    // Headless platforms have no desktop font settings; pick a font that exists rather than
    // letting text fall back to boxes. Desktops keep their own font.
    const QString platform = QGuiApplication::platformName();
    if (platform == QLatin1String("offscreen") || platform == QLatin1String("minimal")) {
        const QStringList families = QFontDatabase::families();
        for (const QString& candidate : {QStringLiteral("DejaVu Sans"), QStringLiteral("Liberation Sans"),
                                         QStringLiteral("Noto Sans"), QStringLiteral("FreeSans")}) {
            if (families.contains(candidate)) {
                QFont f(candidate);
                f.setPointSizeF(9.5);
                app.setFont(f);
                break;
            }
        }
    }
}

QStringList screenshotViews()
{
    return {
        QStringLiteral("compare"),          QStringLiteral("compare-diff"), QStringLiteral("charts"),
        QStringLiteral("charts-flops"),     QStringLiteral("charts-shape"), QStringLiteral("charts-memory"),
        QStringLiteral("charts-published"), QStringLiteral("designer"),     QStringLiteral("designer-fit"),
        QStringLiteral("validate"),         QStringLiteral("forward"),      QStringLiteral("plan"),
        QStringLiteral("scaling"),          QStringLiteral("scaling-loss")};
}

namespace {

void settle(int rounds = 5)
{
    for (int i = 0; i < rounds; ++i)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
}

/// The 256 most frequent colours of `image`, nearest-colour mapped: user-interface pictures are
/// mostly flat colours, so this keeps text crisp and makes the PNG a fraction of the size.
QImage withSmallPalette(const QImage& image)
{
    QHash<QRgb, int> counts;
    const QImage rgb = image.convertToFormat(QImage::Format_RGB32);
    for (int y = 0; y < rgb.height(); ++y) {
        const auto* line = reinterpret_cast<const QRgb*>(rgb.constScanLine(y));
        for (int x = 0; x < rgb.width(); ++x)
            ++counts[line[x]];
    }
    if (counts.size() <= 256)
        return rgb.convertToFormat(QImage::Format_Indexed8, Qt::ThresholdDither | Qt::AvoidDither);
    std::vector<std::pair<int, QRgb>> byCount;
    byCount.reserve(static_cast<std::size_t>(counts.size()));
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        byCount.emplace_back(it.value(), it.key());
    std::partial_sort(byCount.begin(), byCount.begin() + 256, byCount.end(),
                      [](const auto& a, const auto& b) { return a.first > b.first; });
    QList<QRgb> table;
    for (std::size_t i = 0; i < 256; ++i)
        table.append(byCount[i].second);
    return rgb.convertToFormat(QImage::Format_Indexed8, table, Qt::ThresholdDither | Qt::AvoidDither);
}

/// Waits (with the event loop running) until the forward runner is idle.
bool waitForRun(ForwardRunner* runner, int timeoutMs)
{
    if (!runner->isRunning())
        return true;
    QEventLoop loop;
    QObject::connect(runner, &ForwardRunner::finished, &loop, &QEventLoop::quit);
    QObject::connect(runner, &ForwardRunner::failed, &loop, &QEventLoop::quit);
    QObject::connect(runner, &ForwardRunner::cancelled, &loop, &QEventLoop::quit);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    return !runner->isRunning();
}

} // namespace

bool renderScreenshot(const QString& view, const QString& pngPath, const QStringList& files, QString* error)
{
    const QString base = view.section(QLatin1Char('-'), 0, 0);
    const int index = MainWindow::viewFromName(base);
    if (index < 0 || !screenshotViews().contains(view)) {
        if (error != nullptr)
            *error = QStringLiteral("unknown view \"%1\" (views: %2)")
                         .arg(view, screenshotViews().join(QStringLiteral(", ")));
        return false;
    }
    MainWindowOptions options;
    options.persistSettings = false;
    MainWindow window(options);
    window.resize(1360, 860);
    window.show();
    if (!files.isEmpty() && base != QLatin1String("scaling")) {
        // The files given are what the picture is about (the family stays in Compare).
        if (base == QLatin1String("validate"))
            window.workspace()->removeBundledFamily();
        window.openPaths(files);
    }
    window.showView(static_cast<MainWindow::View>(index));
    settle();

    if (view == QLatin1String("compare-diff")) {
        // Three configs side by side (what Ctrl+click on their rows does).
        window.compareView()->selectConfigs(
            {QStringLiteral("llama_60m"), QStringLiteral("llama_130m"), QStringLiteral("llama_1b")});
    } else if (base == QLatin1String("compare")) {
        window.compareView()->selectConfig(QStringLiteral("llama_130m"));
    } else if (base == QLatin1String("charts")) {
        ChartsView::Kind kind = ChartsView::Kind::Parameters;
        if (view == QLatin1String("charts-flops"))
            kind = ChartsView::Kind::Flops;
        else if (view == QLatin1String("charts-shape"))
            kind = ChartsView::Kind::Shape;
        else if (view == QLatin1String("charts-published"))
            kind = ChartsView::Kind::Published;
        else if (view == QLatin1String("charts-memory")) {
            kind = ChartsView::Kind::Memory;
            window.chartsView()->setMemoryDevice(QStringLiteral("a100-80gb"));
        }
        window.chartsView()->showChart(kind);
    } else if (view == QLatin1String("designer-fit")) {
        // The fit-to-target dialog after a search for 500M parameters from llama_350m.
        window.designerView()->openBundled(QStringLiteral("llama_350m"));
        window.showView(MainWindow::View::Designer);
        FitDialog dialog(window.designerDocument(), &window);
        dialog.resize(1240, 640);
        dialog.show();
        dialog.targetEdit()->setText(QStringLiteral("500M"));
        QEventLoop loop;
        QObject::connect(dialog.task(), &BackgroundTask::finished, &loop, &QEventLoop::quit);
        QObject::connect(dialog.task(), &BackgroundTask::failed, &loop, &QEventLoop::quit);
        QTimer::singleShot(120000, &loop, &QEventLoop::quit);
        if (dialog.startSearch())
            loop.exec();
        settle(10);
        const bool ok = withSmallPalette(dialog.grab().toImage()).save(pngPath, "PNG");
        if (!ok && error != nullptr)
            *error = QStringLiteral("could not write %1").arg(pngPath);
        return ok;
    } else if (base == QLatin1String("designer")) {
        if (files.isEmpty()) {
            // A family member with warnings and notes beside its fields, one field edited.
            window.designerView()->openBundled(QStringLiteral("llama_40m"));
            window.designerDocument()->setField("num_hidden_layers", Json(10));
        } else {
            window.designerView()->openFile(files.front());
        }
        window.showView(MainWindow::View::Designer);
    } else if (base == QLatin1String("scaling")) {
        // The designer's llama_1b at 300B tokens over the law; a runs table given is fitted as
        // Besiroglu et al. did (the five highest losses left out), with 200 resamples.
        window.designerView()->openBundled(QStringLiteral("llama_1b"));
        ScalingView* scaling = window.scalingView();
        scaling->setTokens(QStringLiteral("300B"));
        if (!files.isEmpty()) {
            scaling->setDropHighest(5);
            scaling->setBootstrap(200);
            QEventLoop loop;
            QObject::connect(scaling, &ScalingView::fitFinished, &loop, &QEventLoop::quit);
            QObject::connect(scaling, &ScalingView::fitFailed, &loop, &QEventLoop::quit);
            QObject::connect(scaling, &ScalingView::fitCancelled, &loop, &QEventLoop::quit);
            QTimer::singleShot(300000, &loop, &QEventLoop::quit);
            if (scaling->openRuns(files.front()))
                loop.exec();
        }
        if (view == QLatin1String("scaling-loss"))
            scaling->setPlot(ScalingPlot::LossOverTokens);
        window.showView(MainWindow::View::Scaling);
    } else if (base == QLatin1String("forward")) {
        // Two small runs, so the session's history shows too; the last one is displayed.
        ForwardView* forward = window.forwardView();
        const std::array<std::tuple<const char*, int, int>, 2> runs = {std::tuple{"llama_20m", 128, 1},
                                                                       std::tuple{"llama_60m", 256, 2}};
        for (const auto& [name, seq, batch] : runs) {
            forward->selectConfig(QString::fromLatin1(name));
            forward->setOptions(seq, batch, 0);
            forward->run();
            if (!waitForRun(window.forwardRunner(), 300000)) {
                if (error != nullptr)
                    *error = QStringLiteral("the forward run did not finish");
                return false;
            }
        }
    } else if (base == QLatin1String("plan")) {
        // llama_7b on 8 × H100 (the view's starting cluster), ranked and the best layout shown.
        PlanView* plan = window.planView();
        QEventLoop loop;
        QObject::connect(plan, &PlanView::searchEnded, &loop, &QEventLoop::quit);
        QTimer::singleShot(120000, &loop, &QEventLoop::quit);
        plan->selectConfig(QStringLiteral("llama_7b"));
        plan->replan();
        loop.exec();
    }
    settle(10);
    const QPixmap shot = window.grab();
    if (shot.isNull() || !withSmallPalette(shot.toImage()).save(pngPath, "PNG")) {
        if (error != nullptr)
            *error = QStringLiteral("could not write %1").arg(pngPath);
        return false;
    }
    // Nothing to save: the screenshot window never asks about its (scripted) edits.
    window.designerDocument()->undoStack()->setClean();
    return true;
}

} // namespace llamascope::gui
