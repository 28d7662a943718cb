// gui_bench: how quickly llamascope-gui shows something, and how quickly an edit shows up.
//
//   baseline   an empty QMainWindow: construct, show, first paint (this machine, this run)
//   startup    MainWindow with the bundled family: load + validate + analyse 16 configs,
//              build every view, first paint of the compare table
//   edit       designer edit (hidden_size) -> validation, analysis, compare row, chart rebuilt
//              and repainted; once with the Charts view showing, once with the Designer
//
// Every figure is the median of several runs, reported in milliseconds and as a ratio to the
// baseline, so results compare across machines. Offscreen: QT_QPA_PLATFORM=offscreen.

#include "llamascope/gui/app.hpp"
#include "llamascope/gui/charts_view.hpp"
#include "llamascope/gui/designer_document.hpp"
#include "llamascope/gui/designer_view.hpp"
#include "llamascope/gui/main_window.hpp"
#include "llamascope/gui/scope_chart.hpp"

#include <QApplication>
#include <QElapsedTimer>
#include <QMainWindow>
#include <QStandardItemModel>
#include <QTableView>
#include <QUndoStack>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <vector>

namespace {

using namespace llamascope::gui;

/// Notes the first paint of any widget inside `window` after arm().
class PaintWatch : public QObject {
public:
    explicit PaintWatch(QWidget* window) : window_(window) { qApp->installEventFilter(this); }
    ~PaintWatch() override { qApp->removeEventFilter(this); }
    void arm() { painted_ = false; }
    [[nodiscard]] bool painted() const { return painted_; }

protected:
    bool eventFilter(QObject* o, QEvent* e) override
    {
        if (e->type() == QEvent::Paint && o->isWidgetType() && static_cast<QWidget*>(o)->window() == window_)
            painted_ = true;
        return false;
    }

private:
    QWidget* window_;
    bool painted_ = false;
};

void spinUntil(const std::function<bool()>& done)
{
    QElapsedTimer guard;
    guard.start();
    while (!done() && guard.elapsed() < 30000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

double baselineFirstPaint()
{
    QElapsedTimer t;
    t.start();
    QMainWindow w;
    w.resize(1360, 860);
    PaintWatch watch(&w);
    w.show();
    spinUntil([&] { return watch.painted(); });
    return static_cast<double>(t.nsecsElapsed()) / 1e6;
}

/// A second reference: a plain Qt window with a table of the same size as the compare table
/// (16 rows, 24 columns of text), so the startup figure can be read as "how much more than a
/// bare table".
double plainTableFirstPaint()
{
    QElapsedTimer t;
    t.start();
    QMainWindow w;
    auto* model = new QStandardItemModel(16, 24, &w);
    for (int r = 0; r < 16; ++r)
        for (int c = 0; c < 24; ++c)
            model->setItem(r, c, new QStandardItem(QStringLiteral("%1,%2").arg(r).arg(c)));
    auto* view = new QTableView(&w);
    view->setModel(model);
    w.setCentralWidget(view);
    w.resize(1360, 860);
    PaintWatch watch(&w);
    w.show();
    spinUntil([&] { return watch.painted(); });
    return static_cast<double>(t.nsecsElapsed()) / 1e6;
}

double startupFirstPaint()
{
    QElapsedTimer t;
    t.start();
    MainWindowOptions o;
    o.persistSettings = false;
    MainWindow w(o);
    w.resize(1360, 860);
    PaintWatch watch(&w);
    w.show();
    spinUntil([&] { return watch.painted(); });
    return static_cast<double>(t.nsecsElapsed()) / 1e6;
}

/// Edits hidden_size `rounds` times and times each edit until the visible view is repainted.
std::vector<double> editToRepaint(MainWindow::View view, int rounds)
{
    MainWindowOptions o;
    o.persistSettings = false;
    MainWindow w(o);
    w.resize(1360, 860);
    w.show();
    w.designerView()->openBundled(QStringLiteral("llama_60m"));
    w.showView(view);
    if (view == MainWindow::View::Charts)
        w.chartsView()->showChart(ChartsView::Kind::Parameters);
    spinUntil([] { return true; });
    for (int i = 0; i < 5; ++i)
        QCoreApplication::processEvents();
    ScopeChart* chart = w.chartsView()->chart(ChartsView::Kind::Parameters);
    DesignerView* designer = w.designerView();
    PaintWatch watch(&w);
    std::vector<double> times;
    for (int i = 0; i < rounds; ++i) {
        const int rebuilds = chart->rebuildCount();
        const int refreshes = designer->refreshCount();
        watch.arm();
        QElapsedTimer t;
        t.start();
        w.designerDocument()->setField("hidden_size", llamascope::gui::Json(512 + 64 * (1 + i % 8)));
        spinUntil([&] {
            const bool updated = view == MainWindow::View::Charts ? chart->rebuildCount() > rebuilds
                                                                  : designer->refreshCount() > refreshes;
            return updated && watch.painted();
        });
        times.push_back(static_cast<double>(t.nsecsElapsed()) / 1e6);
    }
    w.designerDocument()->undoStack()->setClean();
    return times;
}

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    setUpApplication(app, QStringLiteral("llamascope-bench"), QStringLiteral("gui-bench"));
    constexpr int kRuns = 9;
    // Warm-up: fonts, styles, plugins and the first Qt Charts scene are one-time costs.
    baselineFirstPaint();
    startupFirstPaint();
    plainTableFirstPaint();
    std::vector<double> base, table, start;
    for (int i = 0; i < kRuns; ++i) {
        base.push_back(baselineFirstPaint());
        table.push_back(plainTableFirstPaint());
        start.push_back(startupFirstPaint());
    }
    const double b = median(base);
    const double p = median(table);
    const double s = median(start);
    const double charts = median(editToRepaint(MainWindow::View::Charts, kRuns * 2));
    const double designer = median(editToRepaint(MainWindow::View::Designer, kRuns * 2));
    std::printf("llamascope-gui benchmark (offscreen, median of %d runs)\n\n", kRuns);
    std::printf("%-52s %9s %12s %12s\n", "measure", "ms", "x empty win", "x plain table");
    auto row = [&](const char* what, double ms) {
        std::printf("%-52s %9.1f %12.1f %12.2f\n", what, ms, ms / b, ms / p);
    };
    row("baseline: empty QMainWindow, first paint", b);
    row("reference: plain QTableView 16x24, first paint", p);
    row("startup: bundled family, first paint", s);
    row("edit hidden_size -> chart rebuilt and repainted", charts);
    row("edit hidden_size -> designer metrics repainted", designer);
    return 0;
}
