// The Plan view (issue 11) driven as a user drives it: its ranked table holds core's
// planTable() cells for the same model and cluster, the memory bar's segments are core's
// per-GPU terms (and ZeRO-3's 16 B × N / 8 by hand), choosing a row in Compare or in the table
// replans or redraws, Cancel stops a running search, errors and "nothing fits" are core's words,
// and nothing is clipped at 1280×800.

#include "llamascope/gui/app.hpp"
#include "llamascope/gui/background_task.hpp"
#include "llamascope/gui/compare_model.hpp"
#include "llamascope/gui/compare_view.hpp"
#include "llamascope/gui/core_table_model.hpp"
#include "llamascope/gui/designer_document.hpp"
#include "llamascope/gui/designer_view.hpp"
#include "llamascope/gui/main_window.hpp"
#include "llamascope/gui/plan_data.hpp"
#include "llamascope/gui/plan_runner.hpp"
#include "llamascope/gui/plan_view.hpp"
#include "llamascope/gui/scope_chart.hpp"
#include "llamascope/gui/workspace.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QThread>
#include <QUndoStack>
#include <QValueAxis>
#include <QWheelEvent>

#include <atomic>
#include <map>
#include <optional>

namespace llamascope::gui {
namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

/// A Plan view over the bundled family, shown, with nothing searched yet.
struct Fixture {
    Workspace workspace;
    CompareModel model;
    std::unique_ptr<PlanView> view;
    Fixture()
    {
        workspace.addBundledFamily();
        model.setWorkspace(&workspace);
        view = std::make_unique<PlanView>(&model);
        view->resize(1280, 760);
        view->show();
        (void)QTest::qWaitForWindowExposed(view.get());
        waitIdle();
    }
    ~Fixture()
    {
        if (view->isSearching())
            view->cancelAndWait(test::kWaitMs);
    }
    /// Lets the debounced search start and end.
    void waitIdle()
    {
        for (int i = 0; i < 200; ++i) {
            test::settle();
            QTest::qWait(20);
            if (!view->isSearching())
                QTest::qWait(250); // a debounced search may still be due
            if (!view->isSearching())
                return;
        }
    }
    template <class T>
    T* child(const char* name) const
    {
        T* w = view->findChild<T*>(QString::fromLatin1(name));
        EXPECT_NE(w, nullptr) << name;
        return w;
    }
    /// Types a value into a spin box as a user does: select all, type, Enter.
    void typeInto(QSpinBox* box, const QString& text)
    {
        box->setFocus();
        QTest::keyClick(box, Qt::Key_A, Qt::ControlModifier);
        QTest::keyClicks(box, text);
        QTest::keyClick(box, Qt::Key_Return);
    }
    /// Picks a combo box item with the keyboard (Home, then Down until `data` is current).
    void pickWithKeys(QComboBox* box, const QString& data)
    {
        box->setFocus();
        QTest::keyClick(box, Qt::Key_Home);
        for (int i = 0; i < box->count() && box->currentData().toString() != data; ++i)
            QTest::keyClick(box, Qt::Key_Down);
        ASSERT_EQ(box->currentData().toString(), data);
    }
};

ClusterSpec cluster(std::string_view device, Count gpus)
{
    const AcceleratorTable accelerators = builtinAccelerators();
    const Accelerator* a = accelerators.find(device);
    EXPECT_NE(a, nullptr);
    return makeCluster(*a, gpus, 0, 0, builtinInterconnects());
}

const ModelConfig& configOf(const CompareModel& model, const QString& name)
{
    for (int r = 0; r < model.rowCount(); ++r)
        if (model.index(r, 0).data().toString() == name)
            return model.analysis(r).config;
    throw std::runtime_error("no row " + name.toStdString());
}

void expectSameCells(const Table& shown, const Table& expected)
{
    ASSERT_EQ(shown.columns.size(), expected.columns.size());
    ASSERT_EQ(shown.rows.size(), expected.rows.size());
    for (std::size_t c = 0; c < expected.columns.size(); ++c)
        EXPECT_EQ(shown.columns[c].header, expected.columns[c].header);
    for (std::size_t r = 0; r < expected.rows.size(); ++r)
        for (std::size_t c = 0; c < expected.columns.size(); ++c)
            EXPECT_EQ(shown.rows[r][c].display, expected.rows[r][c].display)
                << "row " << r << " column " << c;
}

TEST(PlanView, Llama7bOn8xH100Zero3ShowsCoresRankedTableAndMemoryTerms)
{
    Fixture f;
    auto* tester = new QAbstractItemModelTester(
        f.view->layoutsModel(), QAbstractItemModelTester::FailureReportingMode::Fatal, f.view.get());
    (void)tester;
    ASSERT_TRUE(f.view->selectConfig(QStringLiteral("llama_7b")));
    f.pickWithKeys(f.child<QComboBox>("device"), QStringLiteral("h100-sxm"));
    f.typeInto(f.child<QSpinBox>("gpus"), QStringLiteral("8"));
    f.pickWithKeys(f.child<QComboBox>("zero"), QStringLiteral("3"));
    f.waitIdle();
    ASSERT_NE(f.view->result(), nullptr);

    // The same search through core directly: "8xH100 zero3", everything else core's defaults.
    const ModelConfig& config = configOf(f.model, QStringLiteral("llama_7b"));
    PlanOptions options;
    options.filter.zero = ZeroStage::Parameters;
    const PlanResult expected = planTraining(config, cluster("h100-sxm", 8), options);
    ASSERT_FALSE(expected.layouts.empty());
    EXPECT_EQ(f.view->result()->enumerated, expected.enumerated);
    expectSameCells(f.view->layoutsModel()->table(), planTable(expected));
    for (const LayoutEvaluation& e : f.view->result()->layouts)
        EXPECT_EQ(e.layout.zero, ZeroStage::Parameters);
    // Headers explain themselves with core's column descriptions.
    const PlanColumn* mem = findPlanColumn("memory_share");
    ASSERT_NE(mem, nullptr);
    bool found = false;
    for (int c = 0; c < f.view->layoutsModel()->columnCount(); ++c)
        if (f.view->layoutsModel()->headerData(c, Qt::Horizontal).toString().toStdString() == mem->header) {
            found = true;
            EXPECT_EQ(f.view->layoutsModel()
                          ->headerData(c, Qt::Horizontal, Qt::ToolTipRole)
                          .toString()
                          .toStdString(),
                      mem->tooltip);
        }
    EXPECT_TRUE(found);

    // The first layout is shown: the bar's segments are core's terms, group by group.
    const LayoutEvaluation& best = expected.layouts.front();
    ASSERT_NE(f.view->shownLayout(), nullptr);
    EXPECT_EQ(f.view->shownLayout()->layout, best.layout);
    const ChartSpec& bar = f.view->memoryChart()->spec();
    ASSERT_EQ(bar.categories.size(), static_cast<qsizetype>(best.stages.size()));
    std::map<QString, Count> byGroup; // the terms summed here, not by StageMemory::bytes()
    const std::map<PlanMemoryGroup, QString> names = {
        {PlanMemoryGroup::Weights, QStringLiteral("weights")},
        {PlanMemoryGroup::Gradients, QStringLiteral("gradients")},
        {PlanMemoryGroup::MasterWeights, QStringLiteral("master copy")},
        {PlanMemoryGroup::OptimizerStates, QStringLiteral("optimizer")},
        {PlanMemoryGroup::Activations, QStringLiteral("activations")},
        {PlanMemoryGroup::Buffers, QStringLiteral("buffers")}};
    for (const PlanMemoryTerm& t : best.peak().terms)
        byGroup[names.at(t.group)] += t.bytes;
    Count shownTotal = 0;
    for (const BarSetSpec& set : bar.barSets) {
        ASSERT_EQ(set.values.size(), 1U);
        // Division by 2^30 is exact for these integers: the segment is the bytes, exactly.
        const auto bytes = static_cast<Count>(set.values.front() * kGiB);
        EXPECT_EQ(bytes, byGroup[set.label]) << set.label.toStdString();
        EXPECT_EQ(set.values.front() * kGiB, static_cast<double>(byGroup[set.label]));
        shownTotal += bytes;
    }
    for (const auto& [group, bytes] : byGroup) {
        if (bytes > 0) {
            const QString& label = group; // a lambda cannot capture a structured binding (clang 14)
            EXPECT_TRUE(std::any_of(bar.barSets.begin(), bar.barSets.end(),
                                    [&](const BarSetSpec& s) { return s.label == label; }))
                << label.toStdString() << " has bytes but no segment";
        }
    }
    EXPECT_EQ(shownTotal, best.peakBytes());
    // ZeRO-3 over 8 GPUs by hand (Rajbhandari et al. 2020): weights, gradients, fp32 master copy
    // and Adam's two moments, 2 + 2 + 4 + 4 + 4 = 16 bytes per parameter, all divided by 8.
    const double modelState =
        static_cast<double>(byGroup[QStringLiteral("weights")] + byGroup[QStringLiteral("gradients")] +
                            byGroup[QStringLiteral("master copy")] + byGroup[QStringLiteral("optimizer")]);
    const double n = static_cast<double>(expected.parameters);
    EXPECT_NEAR(modelState, 16.0 * n / 8.0, 64.0);
    // The device line is the H100's 80 GiB; the usable line 90 % of it.
    ASSERT_EQ(bar.references.size(), 2U);
    EXPECT_DOUBLE_EQ(bar.references[0].y, 80.0);
    EXPECT_NEAR(bar.references[1].y, 72.0, 1e-6);

    // The time bar and table are core's step time.
    const ChartSpec& time = f.view->timeChart()->spec();
    ASSERT_FALSE(time.barSets.empty());
    EXPECT_EQ(time.barSets.front().label, QStringLiteral("compute"));
    EXPECT_DOUBLE_EQ(time.barSets.front().values.front(), best.time.compute);
    expectSameCells(f.view->timeModel()->table(), planTimeTable(best));
    expectSameCells(f.view->termsModel()->table(), planMemoryTable(best));
}

/// The items of `box` after the first `skip` ("any", "compute dtype's"): the names of `table`
/// that `keep` accepts, each with its help as tooltip, and the current item `selected` (by name).
template <typename E>
void expectTableItems(const QComboBox* box, const EnumTable<E>& table, int skip, std::optional<E> selected,
                      bool (*keep)(E) = nullptr)
{
    ASSERT_NE(box, nullptr);
    int row = skip;
    for (const EnumEntry<E>& e : table.entries()) {
        if (keep != nullptr && !keep(e.value))
            continue;
        ASSERT_LT(row, box->count()) << e.name;
        EXPECT_EQ(box->itemData(row).toString().toStdString(), e.name);
        EXPECT_EQ(box->itemData(row, Qt::ToolTipRole).toString().toStdString(), e.help);
        ++row;
    }
    EXPECT_EQ(row, box->count()) << box->objectName().toStdString();
    if (selected)
        EXPECT_EQ(box->currentData().toString().toStdString(), table.name(*selected));
    else
        EXPECT_EQ(box->currentIndex(), 0);
}

TEST(PlanView, ChoicesAreCoresTablesWithTheirHelpStartingAtCoresDefaults)
{
    Fixture f;
    const PlanOptions defaults;
    expectTableItems(
        f.child<QComboBox>("optimizer"), optimizerTable(), 0, std::optional(defaults.optimizer),
        +[](Optimizer o) { return o != Optimizer::None; });
    expectTableItems(f.child<QComboBox>("weightDtype"), storageDtypeTable(), 1,
                     std::optional<StorageDtype>());
    expectTableItems(f.child<QComboBox>("attention"), attentionKernelTable(), 0,
                     std::optional(defaults.attention));
    expectTableItems(f.child<QComboBox>("precision"), precisionTable(), 1, std::optional<Precision>());
    expectTableItems(f.child<QComboBox>("convention"), flopConventionTable(), 0,
                     std::optional(defaults.convention));
    expectTableItems(f.child<QComboBox>("zero"), zeroStageTable(), 1, std::optional<ZeroStage>());
    expectTableItems(f.child<QComboBox>("recompute"), recomputeTable(), 1, std::optional<Recompute>());
    // The ZeRO items read as DeepSpeed and FSDP users know them.
    EXPECT_EQ(f.child<QComboBox>("zero")->itemText(4), QStringLiteral("ZeRO 3 (FULL_SHARD)"));
}

TEST(PlanView, ClickingARankedLayoutShowsItsMemoryAndTime)
{
    Fixture f;
    ASSERT_TRUE(f.view->selectConfig(QStringLiteral("llama_1b")));
    f.waitIdle();
    const PlanResult* r = f.view->result();
    ASSERT_NE(r, nullptr);
    ASSERT_GE(r->layouts.size(), 3U);
    QTableView* table = f.view->layoutsView();
    const QPoint third = table->visualRect(table->model()->index(2, 1)).center();
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, third);
    test::settle();
    ASSERT_NE(f.view->shownLayout(), nullptr);
    EXPECT_EQ(f.view->shownLayout()->layout, r->layouts[2].layout);
    expectSameCells(f.view->timeModel()->table(), planTimeTable(r->layouts[2]));
    EXPECT_TRUE(f.view->memoryChart()->spec().subtitle.contains(
        QString::fromStdString(r->layouts[2].layout.describe())));
}

void clickTab(MainWindow& window, MainWindow::View view)
{
    auto* tabs = window.findChild<QTabWidget*>();
    ASSERT_NE(tabs, nullptr);
    QTabBar* bar = tabs->tabBar();
    QTest::mouseClick(bar, Qt::LeftButton, {}, bar->tabRect(static_cast<int>(view)).center());
    test::settle();
    ASSERT_EQ(window.currentView(), view);
}

TEST(PlanView, ChoosingAnotherRowInCompareReplans)
{
    MainWindowOptions o;
    o.persistSettings = false;
    MainWindow window(o);
    window.resize(1280, 800);
    window.show();
    window.activateWindow();
    QApplication::setActiveWindow(&window);
    (void)QTest::qWaitForWindowExposed(&window);
    test::settle();
    PlanView* plan = window.planView();
    // The Plan tab is Ctrl+6 from anywhere.
    QTest::keyClick(&window, Qt::Key_6, Qt::ControlModifier);
    EXPECT_EQ(window.currentView(), MainWindow::View::Plan);
    for (const char* name : {"llama_350m", "llama_3b"}) {
        clickTab(window, MainWindow::View::Compare);
        QTableView* compare = window.compareView()->tableView();
        int row = -1;
        for (int r = 0; r < compare->model()->rowCount(); ++r)
            if (compare->model()->index(r, 0).data().toString() == QLatin1String(name))
                row = r;
        ASSERT_GE(row, 0) << name;
        compare->scrollTo(compare->model()->index(row, 0));
        QTest::mouseClick(compare->viewport(), Qt::LeftButton, {},
                          compare->visualRect(compare->model()->index(row, 0)).center());
        test::settle();
        clickTab(window, MainWindow::View::Plan);
        EXPECT_EQ(plan->currentConfig(), QLatin1String(name));
        for (int i = 0;
             i < 200 && (plan->isSearching() || plan->result() == nullptr || plan->result()->model != name);
             ++i)
            QTest::qWait(25);
        ASSERT_NE(plan->result(), nullptr);
        EXPECT_EQ(plan->result()->model, name);
        const PlanResult expected =
            planTraining(configOf(*window.compareModel(), QLatin1String(name)), cluster("h100-sxm", 8), {});
        expectSameCells(plan->layoutsModel()->table(), planTable(expected));
        EXPECT_TRUE(plan->summaryText().contains(QLatin1String(name)));
    }
    window.designerDocument()->undoStack()->setClean();
}

TEST(PlanView, PlansTheDesignersDraftAndReplansItsEdits)
{
    MainWindowOptions o;
    o.persistSettings = false;
    MainWindow window(o);
    window.resize(1280, 800);
    window.show();
    (void)QTest::qWaitForWindowExposed(&window);
    ASSERT_TRUE(window.designerView()->openBundled(QStringLiteral("llama_1b")));
    window.designerDocument()->setField("num_hidden_layers", Json(12));
    test::settle();
    clickTab(window, MainWindow::View::Plan);
    PlanView* plan = window.planView();
    const QString draft = QStringLiteral("llama_1b (draft)");
    ASSERT_TRUE(plan->selectConfig(draft));
    auto waitFor = [&](Count layers) {
        for (int i = 0; i < 200; ++i) {
            if (!plan->isSearching() && plan->result() != nullptr &&
                plan->result()->model == draft.toStdString() &&
                plan->result()->parameters ==
                    planTraining(configOf(*window.compareModel(), draft), cluster("h100-sxm", 8), {})
                        .parameters &&
                configOf(*window.compareModel(), draft).numHiddenLayers == layers)
                return true;
            QTest::qWait(25);
        }
        return false;
    };
    ASSERT_TRUE(waitFor(12));
    const Count twelve = plan->result()->parameters;
    // An edit in the designer replans the draft.
    window.designerDocument()->setField("num_hidden_layers", Json(16));
    ASSERT_TRUE(waitFor(16));
    EXPECT_GT(plan->result()->parameters, twelve);
    expectSameCells(
        plan->layoutsModel()->table(),
        planTable(planTraining(configOf(*window.compareModel(), draft), cluster("h100-sxm", 8), {})));
    window.designerDocument()->undoStack()->setClean();
}

TEST(PlanView, OptionsSurviveARestart)
{
    const QString path = QDir::temp().filePath(QStringLiteral("llamascope-plan-settings.ini"));
    QFile::remove(path);
    {
        Fixture f;
        f.typeInto(f.child<QSpinBox>("gpus"), QStringLiteral("64"));
        f.pickWithKeys(f.child<QComboBox>("zero"), QStringLiteral("2"));
        f.pickWithKeys(f.child<QComboBox>("optimizer"), QStringLiteral("lion"));
        QSettings s(path, QSettings::IniFormat);
        f.view->saveSettings(s);
    }
    Fixture g;
    const QSettings s(path, QSettings::IniFormat);
    g.view->restoreSettings(s);
    EXPECT_EQ(g.child<QSpinBox>("gpus")->value(), 64);
    EXPECT_EQ(g.child<QComboBox>("zero")->currentData().toString(), QStringLiteral("2"));
    EXPECT_EQ(g.child<QComboBox>("optimizer")->currentData().toString(), QStringLiteral("lion"));
    QFile::remove(path);
}

TEST(PlanView, CancelStopsARunningSearch)
{
    Fixture f;
    f.view->selectConfig(QStringLiteral("llama_7b"));
    f.waitIdle();
    ASSERT_NE(f.view->result(), nullptr);
    const PlanResult* before = f.view->result();
    const Table beforeTable = f.view->layoutsModel()->table();
    // Hold the next search on its worker until Cancel has been clicked.
    std::atomic<bool> release{false};
    std::atomic<bool> entered{false};
    f.view->runner()->setWorkerGate([&] {
        entered.store(true);
        while (!release.load())
            QThread::msleep(1);
    });
    QSignalSpy cancelled(f.view->runner(), &PlanRunner::cancelled);
    QSignalSpy finished(f.view->runner(), &PlanRunner::finished);
    f.typeInto(f.child<QSpinBox>("gpus"), QStringLiteral("64"));
    for (int i = 0; i < 200 && !entered.load(); ++i)
        QTest::qWait(10);
    ASSERT_TRUE(entered.load());
    auto* cancel = f.view->findChild<QPushButton*>(QStringLiteral("cancel"));
    ASSERT_NE(cancel, nullptr);
    ASSERT_TRUE(cancel->isEnabled());
    QTest::mouseClick(cancel, Qt::LeftButton);
    release.store(true);
    ASSERT_TRUE(cancelled.wait(test::kWaitMs));
    test::settle();
    EXPECT_EQ(finished.count(), 0);
    EXPECT_FALSE(f.view->isSearching());
    EXPECT_FALSE(cancel->isEnabled());
    EXPECT_TRUE(f.view->statusText().contains(QStringLiteral("cancelled")));
    // The last finished search stays on screen, untouched.
    EXPECT_EQ(f.view->result(), before);
    expectSameCells(f.view->layoutsModel()->table(), beforeTable);
    f.view->runner()->setWorkerGate({});
}

TEST(PlanView, NothingFitsAndBadClustersAreCoresWords)
{
    Fixture f;
    f.view->selectConfig(QStringLiteral("llama_7b"));
    f.pickWithKeys(f.child<QComboBox>("device"), QStringLiteral("rtx-4090"));
    f.typeInto(f.child<QSpinBox>("gpus"), QStringLiteral("1"));
    f.waitIdle();
    const PlanResult* r = f.view->result();
    ASSERT_NE(r, nullptr);
    EXPECT_TRUE(r->layouts.empty());
    EXPECT_EQ(f.view->layoutsModel()->rowCount(), 0);
    EXPECT_TRUE(f.view->statusText().contains(QStringLiteral("Nothing fits:")));
    EXPECT_TRUE(f.view->statusText().contains(QString::fromStdString(r->note).toHtmlEscaped())) << r->note;
    // The closest miss is drawn, over the device line.
    ASSERT_NE(f.view->shownLayout(), nullptr);
    ASSERT_TRUE(r->closest.has_value());
    EXPECT_EQ(f.view->shownLayout()->layout, r->closest->layout);
    EXPECT_FALSE(f.view->memoryChart()->spec().barSets.empty());
    // The whole stack is on the chart: the value axis reaches the closest layout's peak (above
    // the 24 GiB device line, which alone would cut the bar off).
    const auto axes = f.view->memoryChart()->chartView()->chart()->axes(Qt::Vertical);
    ASSERT_EQ(axes.size(), 1);
    auto* axis = qobject_cast<QValueAxis*>(axes.front());
    ASSERT_NE(axis, nullptr);
    EXPECT_GE(axis->max() * kGiB, static_cast<double>(r->closest->peakBytes()));

    // 12 GPUs do not fill nodes of 8: core's message, word for word.
    f.pickWithKeys(f.child<QComboBox>("device"), QStringLiteral("h100-sxm"));
    f.typeInto(f.child<QSpinBox>("gpus"), QStringLiteral("12"));
    f.waitIdle();
    QString expected;
    try {
        (void)cluster("h100-sxm", 12);
        FAIL() << "core accepted 12 GPUs in nodes of 8";
    } catch (const InvalidArgument& e) {
        expected = QString::fromUtf8(e.what());
    }
    EXPECT_TRUE(f.view->statusText().contains(expected.toHtmlEscaped()))
        << f.view->statusText().toStdString();
}

TEST(PlanView, NothingIsClippedAt1280x800)
{
    MainWindowOptions o;
    o.persistSettings = false;
    MainWindow window(o);
    window.resize(1280, 800);
    window.show();
    (void)QTest::qWaitForWindowExposed(&window);
    window.showView(MainWindow::View::Plan);
    window.planView()->selectConfig(QStringLiteral("llama_7b"));
    for (int i = 0; i < 200 && (window.planView()->isSearching() || window.planView()->result() == nullptr ||
                                window.planView()->result()->model != "llama_7b");
         ++i)
        QTest::qWait(25);
    test::settle(10);
    const QSize min = window.minimumSizeHint();
    EXPECT_LE(min.width(), 1100);
    EXPECT_LE(min.height(), 680);
    for (QHeaderView* h : window.planView()->findChildren<QHeaderView*>()) {
        if (h->orientation() != Qt::Horizontal || !h->isVisibleTo(&window))
            continue;
        for (int s = 0; s < h->count(); ++s)
            EXPECT_GE(h->sectionSize(s) + 1, h->sectionSizeHint(s))
                << h->model()->headerData(s, Qt::Horizontal).toString().toStdString();
    }
    // Cells are not elided: every column of the ranked table is as wide as its widest cell.
    QAbstractItemView* table = window.planView()->layoutsView();
    for (int c = 0; c < table->model()->columnCount(); ++c)
        EXPECT_GE(window.planView()->layoutsView()->columnWidth(c), table->sizeHintForColumn(c))
            << table->model()->headerData(c, Qt::Horizontal).toString().toStdString();
    window.designerDocument()->undoStack()->setClean();
}

TEST(PlanView, TheWheelScrollsThePanelWithoutChangingAFieldItPassesOver)
{
    Fixture f;
    auto* precision = f.child<QComboBox>("precision");
    auto* gpus = f.child<QSpinBox>("gpus");
    const int index = precision->currentIndex();
    const int value = gpus->value();
    auto* scroll = precision->parentWidget();
    while (scroll != nullptr && qobject_cast<QScrollArea*>(scroll) == nullptr)
        scroll = scroll->parentWidget();
    ASSERT_NE(scroll, nullptr);
    auto* bar = static_cast<QScrollArea*>(scroll)->verticalScrollBar();
    bar->setValue(bar->minimum());
    f.view->setFocus();
    for (QWidget* w : {static_cast<QWidget*>(precision), static_cast<QWidget*>(gpus)}) {
        const QPoint at = w->rect().center();
        QWheelEvent wheel(at, w->mapToGlobal(at), {}, {0, -120}, Qt::NoButton, Qt::NoModifier,
                          Qt::NoScrollPhase, false);
        QApplication::sendEvent(w, &wheel);
    }
    EXPECT_EQ(precision->currentIndex(), index);
    EXPECT_EQ(gpus->value(), value);
    EXPECT_GT(bar->value(), bar->minimum()); // the panel scrolled instead
}

TEST(PlanView, TheHeadlessScreenshotShowsAFinishedPlan)
{
    const QString path = QDir::temp().filePath(QStringLiteral("llamascope-plan-shot.png"));
    QFile::remove(path);
    QString error;
    ASSERT_TRUE(renderScreenshot(QStringLiteral("plan"), path, {}, &error)) << error.toStdString();
    QImage image(path);
    EXPECT_FALSE(image.isNull());
    EXPECT_GT(image.width(), 1000);
    QFile::remove(path);
}

} // namespace
} // namespace llamascope::gui
