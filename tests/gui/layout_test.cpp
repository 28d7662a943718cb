// Nothing clipped at a laptop's 1280×800: every header of every view is at least as wide as
// its text needs, the designer's form never scrolls sideways, chart labels do not overlap,
// and a window geometry saved on a bigger screen opens inside this one.

#include "llamascope/gui/chart_data.hpp"
#include "llamascope/gui/charts_view.hpp"
#include "llamascope/gui/compare_model.hpp"
#include "llamascope/gui/compare_view.hpp"
#include "llamascope/gui/designer_document.hpp"
#include "llamascope/gui/designer_form.hpp"
#include "llamascope/gui/designer_view.hpp"
#include "llamascope/gui/main_window.hpp"
#include "llamascope/gui/scope_chart.hpp"
#include "llamascope/gui/workspace.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <array>

#include <QApplication>
#include <QChartView>
#include <QHeaderView>
#include <QScreen>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QTabWidget>
#include <QTest>
#include <QUndoStack>

namespace llamascope::gui {
namespace {

/// Headers shown in `window` right now whose sections are narrower than their text needs.
QStringList clippedHeaders(QWidget* window)
{
    QStringList clipped;
    for (QHeaderView* h : window->findChildren<QHeaderView*>()) {
        if (h->orientation() != Qt::Horizontal || !h->isVisibleTo(window) || h->count() == 0)
            continue;
        for (int s = 0; s < h->count(); ++s) {
            if (h->isSectionHidden(s))
                continue;
            // The last section may stretch; it must still hold its text.
            const int need = h->sectionSizeHint(s);
            if (h->sectionSize(s) + 1 < need)
                clipped << QStringLiteral("%1 \"%2\": %3 px of %4")
                               .arg(h->parentWidget() ? h->parentWidget()->metaObject()->className() : "?",
                                    h->model()->headerData(s, Qt::Horizontal).toString())
                               .arg(h->sectionSize(s))
                               .arg(need);
        }
    }
    return clipped;
}

class Laptop : public ::testing::TestWithParam<MainWindow::View> {};

TEST(MinimumSize, TheWindowFitsALaptopScreen)
{
    MainWindowOptions options;
    options.persistSettings = false;
    MainWindow window(options);
    window.show();
    for (int v = 0; v <= static_cast<int>(MainWindow::View::Scaling); ++v) {
        window.showView(static_cast<MainWindow::View>(v));
        test::settle();
        const QSize min = window.minimumSizeHint();
        // 1280×800 minus a title bar, a panel and some room to spare.
        EXPECT_LE(min.width(), 1100) << "view " << v;
        EXPECT_LE(min.height(), 680) << "view " << v;
    }
}

TEST_P(Laptop, NoHeaderIsClippedAt1280x800)
{
    MainWindowOptions options;
    options.persistSettings = false;
    MainWindow window(options);
    window.resize(1280, 800);
    window.show();
    (void)QTest::qWaitForWindowExposed(&window);
    // Something in every view: a mixture of experts and a broken file next to the family,
    // a designer draft, and a selection (side by side).
    window.openPaths({test::dataPath(QStringLiteral("realworld/mixtral/mixtral-8x7b-v0.1.json")),
                      test::dataPath(QStringLiteral("invalid/deep-nesting.json"))});
    window.designerView()->openBundled(QStringLiteral("llama_40m"));
    window.designerDocument()->setField("num_hidden_layers", Json(10));
    window.compareView()->selectConfigs({QStringLiteral("llama_60m"), QStringLiteral("mixtral-8x7b-v0.1")});
    window.showView(GetParam());
    test::settle(10);
    QApplication::processEvents();
    const QStringList clipped = clippedHeaders(&window);
    EXPECT_TRUE(clipped.isEmpty()) << clipped.join(QStringLiteral("\n")).toStdString();
    if (GetParam() == MainWindow::View::Compare) {
        // The selection's side-by-side table is the one shown under the table.
        EXPECT_TRUE(window.compareView()->showingSideBySide());
    }
    if (GetParam() == MainWindow::View::Designer) {
        // Descriptions wrap: the form never needs a horizontal scroll bar.
        auto* scroll = window.designerView()->form()->findChild<QScrollArea*>();
        ASSERT_NE(scroll, nullptr);
        EXPECT_LE(scroll->widget()->minimumSizeHint().width(), scroll->viewport()->width());
    }
    window.designerDocument()->undoStack()->setClean();
}

std::string viewName(const ::testing::TestParamInfo<MainWindow::View>& param)
{
    static const std::array<const char*, 7> kNames = {"Compare", "Charts", "Designer", "Validate",
                                                      "Forward", "Plan",   "Scaling"};
    return kNames[static_cast<std::size_t>(param.param)];
}

INSTANTIATE_TEST_SUITE_P(EveryView, Laptop,
                         ::testing::Values(MainWindow::View::Compare, MainWindow::View::Charts,
                                           MainWindow::View::Designer, MainWindow::View::Validate,
                                           MainWindow::View::Forward, MainWindow::View::Plan,
                                           MainWindow::View::Scaling),
                         viewName);

TEST(ChartLabels, ScatterLabelsDoNotCollideAndTitlesSurviveExport)
{
    Workspace workspace;
    workspace.addBundledFamily();
    CompareModel model;
    model.setWorkspace(&workspace);
    CompareProxy proxy;
    proxy.setSourceModel(&model);
    proxy.sort(CompareModel::columnOf("params"));
    ScopeChart chart;
    chart.resize(1100, 650);
    chart.show();
    chart.setSpec(shapeChart(chartRows(proxy)));
    test::settle(5);
    std::vector<std::pair<QString, QRectF>> labels = chart.labelRects();
    ASSERT_GT(labels.size(), 10u);
    for (std::size_t i = 0; i < labels.size(); ++i)
        for (std::size_t j = i + 1; j < labels.size(); ++j)
            EXPECT_FALSE(labels[i].second.intersects(labels[j].second.adjusted(0.5, 0.5, -0.5, -0.5)))
                << labels[i].first.toStdString() << " / " << labels[j].first.toStdString();
    // The title is centred.
    const QRectF title = labels.front().second;
    EXPECT_NEAR(title.center().x(), chart.chartView()->width() / 2.0, 30);
}

// Among published models: 80 grey markers under the family's names. No label covers another
// label or the centre of a published model's marker (labels avoid markers, issue 15).
TEST(ChartLabels, PublishedChartLabelsLeaveThePublishedPointsVisible)
{
    Workspace workspace;
    workspace.addBundledFamily();
    CompareModel model;
    model.setWorkspace(&workspace);
    CompareProxy proxy;
    proxy.setSourceModel(&model);
    proxy.sort(CompareModel::columnOf("params"));
    ScopeChart chart;
    chart.resize(1100, 650);
    chart.show();
    chart.setSpec(publishedChart(chartRows(proxy)));
    test::settle(5);
    const std::vector<std::pair<QString, QRectF>> labels = chart.labelRects();
    ASSERT_GT(labels.size(), 10u);
    for (std::size_t i = 0; i < labels.size(); ++i)
        for (std::size_t j = i + 1; j < labels.size(); ++j)
            EXPECT_FALSE(labels[i].second.intersects(labels[j].second.adjusted(0.5, 0.5, -0.5, -0.5)))
                << labels[i].first.toStdString() << " / " << labels[j].first.toStdString();
    int grey = -1;
    for (std::size_t i = 0; i < chart.spec().series.size(); ++i)
        if (chart.spec().series[i].label == QStringLiteral("published models"))
            grey = static_cast<int>(i);
    ASSERT_GE(grey, 0);
    const auto& points = chart.spec().series[static_cast<std::size_t>(grey)].points;
    for (std::size_t p = 0; p < points.size(); ++p) {
        const QPoint at = chart.pointPosition(grey, static_cast<int>(p));
        for (std::size_t i = 2; i < labels.size(); ++i) // after the title and subtitle
            EXPECT_FALSE(labels[i].second.contains(QPointF(at)))
                << labels[i].first.toStdString() << " covers published point " << p;
    }
}

TEST(MainWindowGeometry, ASavedGeometryLargerThanTheScreenOpensInsideIt)
{
    QCoreApplication::setApplicationName(QStringLiteral("llamascope-gui-tests-geometry"));
    QSettings().clear();
    const QRect screen = QApplication::primaryScreen()->availableGeometry();
    {
        MainWindow big;
        big.show();
        big.setGeometry(screen.x() + 200, screen.y() + 150, screen.width() + 600, screen.height() + 400);
        big.saveSettings();
    }
    {
        MainWindow again;
        again.show();
        test::settle();
        const QRect g = again.frameGeometry();
        // Inside the screen, unless the screen is smaller than the window can be (the
        // offscreen platform's screen is 800×800).
        const QSize min = again.minimumSizeHint() + (g.size() - again.size()); // with the frame
        EXPECT_TRUE(screen.contains(g.topLeft())) << g.x() << "," << g.y();
        EXPECT_LE(g.width(), std::max(screen.width(), min.width())) << g.width();
        EXPECT_LE(g.height(), std::max(screen.height(), min.height()))
            << g.height() << " min " << min.height();
    }
    QSettings().clear();
    QCoreApplication::setApplicationName(QStringLiteral("llamascope-gui-tests"));
}

} // namespace
} // namespace llamascope::gui
