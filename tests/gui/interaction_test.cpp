// Every view driven as a user drives it: real key presses and mouse clicks on the real widgets
// (QTest sends them through the platform's event path, shortcuts included), on the offscreen
// platform and, in CI, again on a real X server (xcb).

#include "llamascope/format.hpp"
#include "llamascope/gui/chart_data.hpp"
#include "llamascope/gui/charts_view.hpp"
#include "llamascope/gui/compare_model.hpp"
#include "llamascope/gui/compare_view.hpp"
#include "llamascope/gui/designer_document.hpp"
#include "llamascope/gui/designer_form.hpp"
#include "llamascope/gui/designer_view.hpp"
#include "llamascope/gui/diff_view.hpp"
#include "llamascope/gui/field_editor.hpp"
#include "llamascope/gui/findings_model.hpp"
#include "llamascope/gui/forward_runner.hpp"
#include "llamascope/gui/forward_view.hpp"
#include "llamascope/gui/main_window.hpp"
#include "llamascope/gui/scope_chart.hpp"
#include "llamascope/gui/validate_view.hpp"
#include "llamascope/gui/workspace.hpp"
#include "llamascope/rules.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <QAbstractSpinBox>
#include <QApplication>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTreeView>
#include <QUndoStack>

namespace llamascope::gui {
namespace {

/// A window of the size a researcher's laptop gives it, shown and active.
struct Window {
    MainWindow window{[] {
        MainWindowOptions o;
        o.persistSettings = false;
        return o;
    }()};
    explicit Window(QSize size = {1280, 800})
    {
        window.resize(size);
        window.show();
        window.activateWindow();
        QApplication::setActiveWindow(&window);
        (void)QTest::qWaitForWindowExposed(&window);
        test::settle();
    }
    ~Window() { window.designerDocument()->undoStack()->setClean(); }
};

QPoint rowCenter(QTableView* table, int row, int column = 0)
{
    return table->visualRect(table->model()->index(row, column)).center();
}

int proxyRowOf(QAbstractItemModel* model, const QString& name)
{
    for (int r = 0; r < model->rowCount(); ++r)
        if (model->index(r, 0).data().toString() == name)
            return r;
    return -1;
}

void clickTab(QTabWidget* tabs, int index)
{
    QTabBar* bar = tabs->tabBar();
    QTest::mouseClick(bar, Qt::LeftButton, {}, bar->tabRect(index).center());
    test::settle();
}

TEST(CompareByHand, FilterTermsSideBySideAndChartHighlights)
{
    Window w;
    CompareView* compare = w.window.compareView();
    QTableView* table = compare->tableView();
    // Ctrl+F, then several terms: each row whose name contains any term shows.
    QTest::keyClick(&w.window, Qt::Key_F, Qt::ControlModifier);
    QWidget* filter = QApplication::focusWidget();
    ASSERT_NE(qobject_cast<QLineEdit*>(filter), nullptr);
    QTest::keyClicks(filter, QStringLiteral("60m|1b"));
    test::settle();
    EXPECT_EQ(table->model()->rowCount(), 2);
    QTest::keyClick(filter, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(filter, QStringLiteral("60m 7b"));
    EXPECT_EQ(table->model()->rowCount(), 2);
    // Nothing matches: said in words, not an empty table alone.
    QTest::keyClick(filter, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(filter, QStringLiteral("gpt2"));
    EXPECT_EQ(table->model()->rowCount(), 0);
    EXPECT_NE(compare->summaryText().indexOf(QStringLiteral("Nothing matches")), -1);
    // Esc clears the filter.
    QTest::keyClick(filter, Qt::Key_Escape);
    EXPECT_EQ(table->model()->rowCount(), 16);

    // Click one row, Ctrl+click two more: three configs side by side.
    const int r60 = proxyRowOf(table->model(), QStringLiteral("llama_60m"));
    const int r130 = proxyRowOf(table->model(), QStringLiteral("llama_130m"));
    const int r1b = proxyRowOf(table->model(), QStringLiteral("llama_1b"));
    ASSERT_GE(std::min({r60, r130, r1b}), 0);
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, rowCenter(table, r60));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, Qt::ControlModifier, rowCenter(table, r130));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, Qt::ControlModifier, rowCenter(table, r1b));
    test::settle();
    EXPECT_EQ(
        compare->selectedNames(),
        (QStringList{QStringLiteral("llama_60m"), QStringLiteral("llama_130m"), QStringLiteral("llama_1b")}));
    ASSERT_TRUE(compare->showingSideBySide());
    DiffModel* diff = compare->diffView()->model();
    ASSERT_TRUE(diff->diff().has_value());
    EXPECT_EQ(diff->diff()->names, (std::vector<std::string>{"llama_60m", "llama_130m", "llama_1b"}));
    // hidden_size: 512, 768, 2048 — differing, with ratios 1.5 and 4 to the first.
    int hidden = -1;
    for (int r = 0; r < diff->rowCount(); ++r)
        if (diff->index(r, 0).data().toString() == QStringLiteral("hidden_size"))
            hidden = r;
    ASSERT_GE(hidden, 0);
    EXPECT_EQ(diff->index(hidden, 2).data().toString(), QStringLiteral("768"));
    EXPECT_EQ(diff->index(hidden, 3).data().toString(), QStringLiteral("×1.50"));
    EXPECT_EQ(diff->index(hidden, 5).data().toString(), QStringLiteral("×4.00"));
    EXPECT_TRUE(diff->index(hidden, 1).data(Qt::BackgroundRole).isValid()); // highlighted
    // "Only differences" with a click: equal rows leave.
    QCheckBox* only = compare->diffView()->onlyDifferencesBox();
    const int all = diff->rowCount();
    QTest::mouseClick(only, Qt::LeftButton, {}, QPoint(8, only->height() / 2));
    EXPECT_TRUE(only->isChecked());
    EXPECT_EQ(diff->rowCount(), diff->differingRows());
    EXPECT_LT(diff->rowCount(), all);
    // The export is core's diff table.
    EXPECT_EQ(compare->diffView()->text(false).toStdString(),
              renderCsv(diffTable(*diff->diff(), {true, true})));

    // The charts highlight the same three configs.
    w.window.showView(MainWindow::View::Charts);
    w.window.chartsView()->flush();
    const ChartSpec& params = w.window.chartsView()->chart(ChartsView::Kind::Parameters)->spec();
    int selected = 0;
    for (std::size_t i = 0; i < params.selectedCategory.size(); ++i)
        if (params.selectedCategory[i]) {
            ++selected;
            EXPECT_TRUE(QStringList({QStringLiteral("llama_60m"), QStringLiteral("llama_130m"),
                                     QStringLiteral("llama_1b")})
                            .contains(params.categories[static_cast<qsizetype>(i)]));
        }
    EXPECT_EQ(selected, 3);
    w.window.chartsView()->showChart(ChartsView::Kind::Flops);
    const ChartSpec& flops = w.window.chartsView()->chart(ChartsView::Kind::Flops)->spec();
    int selectedLines = 0;
    for (const XYSeriesSpec& s : flops.series)
        selectedLines += s.selected ? 1 : 0;
    EXPECT_EQ(selectedLines, 3);
}

TEST(DesignerByHand, LiveValidationAndUndoFromInsideAField)
{
    Window w;
    w.window.showView(MainWindow::View::Designer);
    DesignerView* designer = w.window.designerView();
    ASSERT_TRUE(designer->openBundled(QStringLiteral("llama_60m")));
    DesignerDocument* doc = w.window.designerDocument();
    test::settle();
    auto* spin = qobject_cast<QAbstractSpinBox*>(designer->editor("hidden_size")->input());
    ASSERT_NE(spin, nullptr);
    QTest::mouseClick(spin, Qt::LeftButton, {}, QPoint(10, spin->height() / 2));
    ASSERT_TRUE(spin->hasFocus());
    QTest::keyClick(spin, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(spin, QStringLiteral("500"));
    // No Enter, no Tab: after the typing pause the finding beside the field follows the text.
    QTRY_COMPARE_WITH_TIMEOUT(doc->value("hidden_size"), std::optional<Json>(Json(500)), 5000);
    EXPECT_NE(designer->fieldFindings("num_attention_heads").indexOf(QStringLiteral("heads-not-divisible")),
              -1);
    EXPECT_EQ(spin->text(), QStringLiteral("500")); // the text being typed is left alone
    // More typing in the same field is the same undo step.
    QTest::keyClick(spin, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(spin, QStringLiteral("576"));
    QTRY_COMPARE_WITH_TIMEOUT(doc->value("hidden_size"), std::optional<Json>(Json(576)), 5000);
    EXPECT_EQ(doc->undoStack()->count(), 1);
    EXPECT_EQ(designer->metricText("hidden"), QStringLiteral("576"));

    // Ctrl+Z with the cursor still in the field undoes the document's edit.
    ASSERT_TRUE(spin->hasFocus());
    QTest::keyClick(spin, Qt::Key_Z, Qt::ControlModifier);
    EXPECT_EQ(doc->value("hidden_size"), Json(512));
    EXPECT_EQ(spin->text(), QStringLiteral("512"));
    EXPECT_TRUE(designer->fieldFindings("num_attention_heads").isEmpty());
    QTest::keyClick(spin, Qt::Key_Y, Qt::ControlModifier);
    EXPECT_EQ(doc->value("hidden_size"), Json(576));
    // Typing and pressing Ctrl+Z before the pause: the typing is committed, then undone.
    QTest::keyClick(spin, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(spin, QStringLiteral("640"));
    QTest::keyClick(spin, Qt::Key_Z, Qt::ControlModifier);
    EXPECT_EQ(doc->value("hidden_size"), Json(576));

    // Tab ends the edit: the next field's typing is its own undo step.
    QTest::keyClick(spin, Qt::Key_Tab);
    auto* layers = qobject_cast<QAbstractSpinBox*>(designer->editor("num_hidden_layers")->input());
    QTest::mouseClick(layers, Qt::LeftButton, {}, QPoint(10, layers->height() / 2));
    QTest::keyClick(layers, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(layers, QStringLiteral("10"));
    QTest::keyClick(layers, Qt::Key_Return);
    EXPECT_EQ(doc->value("num_hidden_layers"), Json(10));
    const int steps = doc->undoStack()->count();
    QTest::keyClick(layers, Qt::Key_Z, Qt::ControlModifier);
    EXPECT_EQ(doc->value("num_hidden_layers"), Json(8));
    EXPECT_EQ(doc->value("hidden_size"), Json(576));
    EXPECT_EQ(doc->undoStack()->index(), steps - 1);
}

TEST(DesignerByHand, PickingAFamilyShowsItsKeysDefaultsAndFacts)
{
    Window w;
    w.window.showView(MainWindow::View::Designer);
    DesignerView* designer = w.window.designerView();
    designer->newDocument();
    test::settle();
    DesignerForm* form = designer->form();
    EXPECT_EQ(form->modelType(), ModelType::Llama);
    EXPECT_FALSE(form->rowShown("num_local_experts"));
    EXPECT_TRUE(form->rowShown("pretraining_tp"));
    // Pick Mixtral in the model_type combo with the keyboard.
    auto* combo = qobject_cast<QComboBox*>(designer->editor("model_type")->input());
    ASSERT_NE(combo, nullptr);
    QTest::mouseClick(combo->lineEdit(), Qt::LeftButton);
    QTest::keyClick(combo, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(combo, QStringLiteral("mixtral"));
    QTest::keyClick(combo, Qt::Key_Return);
    test::settle();
    EXPECT_EQ(w.window.designerDocument()->value("model_type"), Json("mixtral"));
    // The class name follows the family in the same undo step.
    EXPECT_EQ(w.window.designerDocument()->value("architectures"), Json::array({"MixtralForCausalLM"}));
    EXPECT_EQ(w.window.designerDocument()->undoStack()->count(), 1);
    EXPECT_EQ(form->modelType(), ModelType::Mixtral);
    EXPECT_TRUE(form->rowShown("num_local_experts"));
    EXPECT_FALSE(form->rowShown("pretraining_tp"));
    // The placeholder is Mixtral's default, from core's binding table.
    auto* experts = qobject_cast<QAbstractSpinBox*>(designer->editor("num_local_experts")->input());
    ASSERT_NE(experts, nullptr);
    const std::string def = defaultText(*findFieldRule("num_local_experts"), ModelType::Mixtral);
    EXPECT_NE(experts->findChild<QLineEdit*>()->placeholderText().indexOf(QString::fromStdString(def)), -1);
    // The metrics show the mixture of experts: active parameters and experts per layer.
    ASSERT_TRUE(w.window.designerDocument()->analysis().has_value());
    const Analysis& a = *w.window.designerDocument()->analysis();
    EXPECT_EQ(designer->metricText("active").toStdString(), formatCount(a.params.active));
    EXPECT_LT(a.params.active, a.params.total);
    EXPECT_FALSE(designer->metricText("experts").isEmpty());
    EXPECT_EQ(designer->metricText("family"), QStringLiteral("mixtral"));
}

TEST(ValidateByHand, ClickAFindingReadItDoubleClickToOpenIt)
{
    Window w;
    w.window.openPaths({test::dataPath(QStringLiteral("invalid/deep-nesting.json")),
                        test::dataPath(QStringLiteral("invalid/heads-not-divisible.json"))});
    ASSERT_EQ(w.window.currentView(), MainWindow::View::Validate);
    QTreeView* tree = w.window.validateView()->treeView();
    test::settle(5);
    // The long pointer does not push the other columns away: Message and Hint stay on screen.
    QHeaderView* header = tree->header();
    const int visible = tree->viewport()->width();
    EXPECT_LE(header->sectionPosition(FindingsModel::HintColumn) +
                  header->sectionSize(FindingsModel::HintColumn),
              visible + 2);
    EXPECT_LE(header->sectionSize(FindingsModel::PointerColumn), 400);
    // Click the heads finding, then double-click it: the designer opens at that field.
    QModelIndex heads;
    for (int r = 0; r < tree->model()->rowCount(); ++r) {
        const QModelIndex file = tree->model()->index(r, 0);
        for (int f = 0; f < tree->model()->rowCount(file); ++f) {
            const QModelIndex i = tree->model()->index(f, 0, file);
            if (i.data(FindingsModel::PointerRole).toString() == QStringLiteral("/num_attention_heads"))
                heads = i;
        }
    }
    ASSERT_TRUE(heads.isValid());
    tree->scrollTo(heads);
    const QPoint at = tree->visualRect(heads.siblingAtColumn(FindingsModel::CodeColumn)).center();
    QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, at);
    EXPECT_EQ(tree->currentIndex().siblingAtColumn(0).data(FindingsModel::PointerRole).toString(),
              QStringLiteral("/num_attention_heads"));
    QTest::mouseDClick(tree->viewport(), Qt::LeftButton, {}, at);
    test::settle();
    EXPECT_EQ(w.window.currentView(), MainWindow::View::Designer);
    EXPECT_NE(w.window.designerView()
                  ->fieldFindings("num_attention_heads")
                  .indexOf(QStringLiteral("heads-not-divisible")),
              -1);
}

TEST(ForwardByHand, ClickRunThenEscCancels)
{
    Window w;
    clickTab(qobject_cast<QTabWidget*>(w.window.centralWidget()),
             static_cast<int>(MainWindow::View::Forward));
    ASSERT_EQ(w.window.currentView(), MainWindow::View::Forward);
    ForwardView* forward = w.window.forwardView();
    ASSERT_TRUE(forward->selectConfig(QStringLiteral("llama_9m")));
    forward->setOptions(16, 1, 0);
    QPushButton* run = nullptr;
    for (QPushButton* b : forward->findChildren<QPushButton*>())
        if (b->text() == QStringLiteral("Run forward pass"))
            run = b;
    ASSERT_NE(run, nullptr);
    QSignalSpy finished(w.window.forwardRunner(), &ForwardRunner::finished);
    QTest::mouseClick(run, Qt::LeftButton);
    ASSERT_TRUE(finished.count() > 0 || finished.wait(test::kWaitMs));
    test::settle();
    EXPECT_GT(forward->resultModel()->rowCount(), 0);
    EXPECT_EQ(forward->historyModel()->rowCount(), 1);
    // A long run, cancelled with Esc.
    ASSERT_TRUE(forward->selectConfig(QStringLiteral("llama_1b")));
    forward->setOptions(512, 4, 0);
    QSignalSpy cancelled(w.window.forwardRunner(), &ForwardRunner::cancelled);
    QTest::mouseClick(run, Qt::LeftButton);
    ASSERT_TRUE(w.window.forwardRunner()->isRunning());
    QTest::keyClick(&w.window, Qt::Key_Escape);
    ASSERT_TRUE(cancelled.count() > 0 || cancelled.wait(test::kWaitMs));
    EXPECT_EQ(forward->historyModel()->rowCount(), 1);
}

TEST(ChartsByHand, TabsByClickAndHoverHighlightsALine)
{
    Window w;
    w.window.showView(MainWindow::View::Charts);
    ChartsView* charts = w.window.chartsView();
    auto* tabs = charts->findChild<QTabWidget*>();
    ASSERT_NE(tabs, nullptr);
    clickTab(tabs, static_cast<int>(ChartsView::Kind::Flops));
    EXPECT_EQ(charts->currentKind(), ChartsView::Kind::Flops);
    ScopeChart* chart = charts->chart(ChartsView::Kind::Flops);
    test::settle(5);
    // Direct labels at the line ends, none overlapping another.
    std::vector<QRectF> ends;
    for (const auto& [text, rect] : chart->labelRects())
        if (text.startsWith(QStringLiteral("llama_")))
            ends.push_back(rect);
    EXPECT_EQ(ends.size(), 16u);
    for (std::size_t i = 0; i < ends.size(); ++i)
        for (std::size_t j = i + 1; j < ends.size(); ++j)
            EXPECT_FALSE(ends[i].intersects(ends[j].adjusted(0.5, 0.5, -0.5, -0.5))) << i << " " << j;
    // Point at llama_7b's line: it is emphasised (the others fade) and its exact count shows.
    int line = -1;
    for (std::size_t i = 0; i < chart->spec().series.size(); ++i)
        if (chart->spec().series[i].label == QStringLiteral("llama_7b"))
            line = static_cast<int>(i);
    ASSERT_GE(line, 0);
    QWidget* viewport = chart->chartView()->viewport();
    QTest::mouseMove(viewport, QPoint(5, 5));
    QTest::mouseMove(viewport, chart->pointPosition(line, 3));
    QTRY_COMPARE_WITH_TIMEOUT(chart->hoveredSeries(), line, 3000);
    EXPECT_NE(chart->currentTooltip().indexOf(QStringLiteral("llama_7b")), -1);
    QTest::mouseMove(viewport, QPoint(5, 5));
    QTRY_COMPARE_WITH_TIMEOUT(chart->hoveredSeries(), -1, 3000);
}

} // namespace
} // namespace llamascope::gui
