// The Scaling view (issue 12, "See it"): opening the Chinchilla runs gives core's own fit for
// the same file and options; the points drawn are the runs, the frontier is core's, the
// designer's config is predicted as `predict` would; Cancel stops the bootstrap; a bad runs
// table shows the CLI's messages; export writes a valid PNG and SVG; labels do not collide.
// Controls are driven with real key and mouse events.

#include "llamascope/bundled.hpp"
#include "llamascope/format.hpp"
#include "llamascope/gui/compare_view.hpp"
#include "llamascope/gui/designer_document.hpp"
#include "llamascope/gui/main_window.hpp"
#include "llamascope/gui/scaling_view.hpp"
#include "llamascope/gui/scope_chart.hpp"
#include "llamascope/scaling.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <QApplication>
#include <QChartView>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QImageReader>
#include <QLineEdit>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <algorithm>
#include <cmath>
#include <fstream>

namespace llamascope::gui {
namespace {

QString chinchillaRuns()
{
    return test::dataPath(QStringLiteral("scaling/chinchilla_svg_extracted.csv"));
}

/// Types `text` into the spin box whose tooltip starts with `tip`, as a user would.
void typeInto(ScalingView& view, const QString& tip, const QString& text)
{
    for (QSpinBox* s : view.findChildren<QSpinBox*>()) {
        if (!s->toolTip().startsWith(tip))
            continue;
        s->setFocus();
        QTest::keyClick(s, Qt::Key_A, Qt::ControlModifier);
        QTest::keyClicks(s, text);
        QTest::keyClick(s, Qt::Key_Return);
        return;
    }
    ADD_FAILURE() << "no spin box " << tip.toStdString();
}

bool sameRelative(double a, double b, double tolerance = 1e-12)
{
    return std::abs(a - b) <= tolerance * std::max(std::abs(a), std::abs(b));
}

struct Fitted {
    RunsTable table;
    FitResult fit;
};

/// Core's own answer for the file and options the view was given.
Fitted coreFit(const QString& path, const FitOptions& options)
{
    RunsReadResult r = readRunsFile(path.toStdString());
    EXPECT_TRUE(r.table.has_value());
    Fitted f{*r.table, fitLaw(*r.table, options)};
    return f;
}

/// Opens the Chinchilla runs in `view` with --drop-highest 5 and `resamples`, waits for the fit.
void openChinchilla(ScalingView& view, int resamples)
{
    typeInto(view, QStringLiteral("Leave out"), QStringLiteral("5"));
    typeInto(view, QStringLiteral("Bootstrap"), QString::number(resamples));
    QSignalSpy finished(&view, &ScalingView::fitFinished);
    ASSERT_TRUE(view.openRuns(chinchillaRuns())) << view.errorText().toStdString();
    EXPECT_TRUE(view.progressBar()->isVisibleTo(&view));
    EXPECT_TRUE(view.cancelButton()->isVisibleTo(&view));
    ASSERT_TRUE(finished.wait(test::kWaitMs));
    test::settle();
}

/// One fit for the suite (the 4,500-start grid takes seconds): the view's and core's.
class ScalingViewTest : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        document = new DesignerDocument;
        viewPtr = new ScalingView(nullptr, document);
        viewPtr->resize(1200, 760);
        viewPtr->show();
        openChinchilla(*viewPtr, 40);
        fitted = viewPtr->fit().has_value();
        if (fitted)
            coreStore = coreFit(chinchillaRuns(), viewPtr->fitOptions());
    }
    static void TearDownTestSuite()
    {
        delete viewPtr;
        delete document;
        viewPtr = nullptr;
        document = nullptr;
    }
    void SetUp() override
    {
        ASSERT_TRUE(fitted) << "the view did not fit the Chinchilla runs";
        view.setLawChoice(ScalingView::LawChoice::Fit);
        view.setPlot(ScalingPlot::ParamsOverTokens);
        test::settle();
    }

    static inline DesignerDocument* document = nullptr;
    static inline ScalingView* viewPtr = nullptr;
    static inline Fitted coreStore;
    static inline bool fitted = false;
    ScalingView& view = *viewPtr;
    const Fitted& core = coreStore;
};

TEST_F(ScalingViewTest, OpeningTheChinchillaRunsGivesCoresFit)
{
    const FitOptions o = view.fitOptions();
    EXPECT_EQ(o.dropHighest, 5u);
    EXPECT_EQ(o.bootstrap, 40u);
    EXPECT_EQ(view.lawChoice(), ScalingView::LawChoice::Fit);
    const LawParams& g = view.fit()->law.params;
    const LawParams& c = core.fit.law.params;
    // Deterministic for a seed and thread count: equal, not near.
    EXPECT_EQ(g.E, c.E);
    EXPECT_EQ(g.A, c.A);
    EXPECT_EQ(g.B, c.B);
    EXPECT_EQ(g.alpha, c.alpha);
    EXPECT_EQ(g.beta, c.beta);
    ASSERT_EQ(view.fit()->parameters.size(), core.fit.parameters.size());
    for (std::size_t i = 0; i < core.fit.parameters.size(); ++i) {
        EXPECT_EQ(view.fit()->parameters[i].estimate.interval.low,
                  core.fit.parameters[i].estimate.interval.low);
        EXPECT_EQ(view.fit()->parameters[i].estimate.interval.high,
                  core.fit.parameters[i].estimate.interval.high);
    }
    EXPECT_EQ(view.law().params.E, c.E); // the law drawn is the fit
    // And the fit is the published one (Besiroglu et al. 2024, Table 1: E 1.8172).
    EXPECT_NEAR(g.E / 1.8172, 1.0, 0.01);
    EXPECT_TRUE(view.summaryText().contains(QStringLiteral("240 of 245 runs")));
    EXPECT_FALSE(view.progressBar()->isVisibleTo(&view));
}

TEST_F(ScalingViewTest, ThePointsDrawnAreTheRunsAndTheDroppedOnesApart)
{
    const ChartSpec& spec = view.chart()->spec();
    std::vector<std::pair<double, double>> drawn, left;
    for (const XYSeriesSpec& s : spec.series) {
        if (!s.scatter || s.highlight)
            continue;
        for (const QPointF& p : s.points)
            (s.label == QStringLiteral("left out") ? left : drawn)
                .emplace_back(std::pow(10.0, p.x()), std::pow(10.0, p.y()));
    }
    ASSERT_EQ(drawn.size() + left.size(), core.table.runs.size());
    ASSERT_EQ(left.size(), 5u);
    auto has = [](const std::vector<std::pair<double, double>>& pts, const ScalingRun& r) {
        return std::any_of(pts.begin(), pts.end(), [&](const auto& p) {
            return sameRelative(p.first, r.tokens, 1e-9) && sameRelative(p.second, r.parameters, 1e-9);
        });
    };
    std::vector<bool> dropped(core.table.runs.size(), false);
    for (std::size_t i : core.fit.dropped)
        dropped[i] = true;
    for (std::size_t i = 0; i < core.table.runs.size(); ++i)
        EXPECT_TRUE(has(dropped[i] ? left : drawn, core.table.runs[i])) << "line " << core.table.runs[i].line;
    // The dropped ones are the five highest losses.
    std::vector<double> losses;
    for (const ScalingRun& r : core.table.runs)
        losses.push_back(r.loss);
    std::sort(losses.rbegin(), losses.rend());
    for (std::size_t i : core.fit.dropped)
        EXPECT_GE(core.table.runs[i].loss, losses[4]);
    // Sizes step light to dark: several colours, in the legend.
    int sizes = 0;
    for (const XYSeriesSpec& s : spec.series)
        sizes += s.scatter && s.label.contains(QChar(0x2013)) ? 1 : 0; // "100M–300M"
    EXPECT_GE(sizes, 4);
}

TEST_F(ScalingViewTest, TheFrontierAndContoursAreCores)
{
    // The view's box holds its model too (core's `include`).
    std::optional<std::pair<double, double>> include;
    if (view.marker())
        include.emplace(view.marker()->prediction.parameters, view.marker()->prediction.tokens);
    const ScalingChartData data = scalingChart(core.fit.law, &core.table, &core.fit, include);
    const XYSeriesSpec* frontier = nullptr;
    std::vector<const XYSeriesSpec*> contours;
    for (const XYSeriesSpec& s : view.chart()->spec().series) {
        if (s.label == QStringLiteral("optimal frontier"))
            frontier = &s;
        if (s.label == QStringLiteral("iso-loss"))
            contours.push_back(&s);
    }
    std::vector<const ScalingChartData::Contour*> drawable;
    for (const auto& c : data.contours)
        if (c.points.size() >= 2)
            drawable.push_back(&c);
    ASSERT_EQ(contours.size(), drawable.size());
    EXPECT_GE(contours.size(), 6u);
    for (std::size_t k = 0; k < contours.size(); ++k) {
        ASSERT_EQ(contours[k]->points.size(), drawable[k]->points.size());
        for (std::size_t i = 0; i < drawable[k]->points.size(); ++i) {
            const QPointF& p = contours[k]->points[i];
            EXPECT_TRUE(sameRelative(std::pow(10.0, p.y()), drawable[k]->points[i].first, 1e-9));
            EXPECT_TRUE(sameRelative(std::pow(10.0, p.x()), drawable[k]->points[i].second, 1e-9));
            // On the fitted law's level (Hoffmann et al. 2022, Eq. 2 evaluated here).
            EXPECT_NEAR(core.fit.law.loss(drawable[k]->points[i].first, drawable[k]->points[i].second),
                        drawable[k]->loss, 1e-9);
        }
        EXPECT_TRUE(
            contours[k]->pointLabels.contains(QString::fromStdString(formatFixed(drawable[k]->loss, 2))));
    }
    ASSERT_NE(frontier, nullptr);
    ASSERT_EQ(frontier->points.size(), data.frontier.size());
    for (std::size_t i = 0; i < data.frontier.size(); ++i) {
        const QPointF& p = frontier->points[i];
        EXPECT_TRUE(sameRelative(std::pow(10.0, p.x()), data.frontier[i].tokens, 1e-9)) << i;
        EXPECT_TRUE(sameRelative(std::pow(10.0, p.y()), data.frontier[i].parameters, 1e-9)) << i;
        // And core's frontier is core's compute-optimal split.
        const ComputeOptimum o = computeOptimal(core.fit.law, data.frontier[i].compute);
        EXPECT_TRUE(sameRelative(o.parameters, data.frontier[i].parameters)) << i;
    }
}

TEST_F(ScalingViewTest, TheDesignersConfigIsPredictedAsCorePredicts)
{
    ASSERT_TRUE(document->newFromBundled(QStringLiteral("llama_1b")));
    test::settle();
    view.setModelIndex(0);
    auto* tokens = view.findChild<QLineEdit*>();
    ASSERT_NE(tokens, nullptr);
    tokens->setFocus();
    tokens->selectAll();
    QTest::keyClicks(tokens, QStringLiteral("300B"));
    QTest::keyClick(tokens, Qt::Key_Return);
    test::settle();
    ASSERT_TRUE(view.marker().has_value());
    const auto bundled = loadBundled("llama_1b");
    const double n = static_cast<double>(countedParameters(
        countParameters(*bundled->config), bundled->config->tieWordEmbeddings, core.fit.law.paramCount));
    const LossPrediction expected = predictLoss(core.fit.law, n, 300e9);
    const LossPrediction& got = view.marker()->prediction;
    EXPECT_EQ(got.parameters, n);
    EXPECT_EQ(got.tokens, 300e9);
    EXPECT_EQ(got.loss, expected.loss);
    ASSERT_TRUE(got.interval && expected.interval);
    EXPECT_EQ(got.interval->low, expected.interval->low);
    EXPECT_EQ(got.interval->high, expected.interval->high);
    EXPECT_LT(got.interval->low, got.loss);
    EXPECT_GT(got.interval->high, got.loss);
    // Drawn where it is, labelled with its loss.
    const XYSeriesSpec& marker = view.chart()->spec().series.back();
    ASSERT_TRUE(marker.highlight);
    EXPECT_TRUE(sameRelative(std::pow(10.0, marker.points.front().x()), 300e9, 1e-9));
    EXPECT_TRUE(marker.pointLabels.front().contains(QString::fromStdString(formatFixed(expected.loss, 3))));
    // A budget far beyond the runs widens the chart to hold the model.
    QTest::keyClick(tokens, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(tokens, QStringLiteral("40T"));
    QTest::keyClick(tokens, Qt::Key_Return);
    const ChartSpec& wide = view.chart()->spec();
    ASSERT_TRUE(wide.x.max.has_value());
    EXPECT_GE(*wide.x.max, wide.series.back().points.front().x());
    EXPECT_TRUE(sameRelative(std::pow(10.0, wide.series.back().points.front().x()), 40e12, 1e-9));
    QTest::keyClick(tokens, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(tokens, QStringLiteral("300B"));
    QTest::keyClick(tokens, Qt::Key_Return);
    // Under a published law the same config gets that law's prediction (no interval).
    view.setLawChoice(ScalingView::LawChoice::Chinchilla);
    EXPECT_EQ(view.marker()->prediction.loss, predictLoss(chinchillaLaw(), n, 300e9).loss);
    EXPECT_FALSE(view.marker()->prediction.interval.has_value());
    // A budget that is no number is refused by name and changes nothing.
    QTest::keyClick(tokens, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(tokens, QStringLiteral("lots"));
    QTest::keyClick(tokens, Qt::Key_Return);
    EXPECT_EQ(view.marker()->prediction.tokens, 300e9);
}

TEST_F(ScalingViewTest, HoveringTheModelShowsCoresPrediction)
{
    ASSERT_TRUE(view.marker().has_value());
    const int marker = static_cast<int>(view.chart()->spec().series.size()) - 1;
    ASSERT_TRUE(view.chart()->spec().series.back().highlight);
    ScopeChart* chart = view.chart();
    QWidget* viewport = chart->chartView()->viewport();
    QTest::mouseMove(viewport, QPoint(5, 5));
    QTest::mouseMove(viewport, chart->pointPosition(marker, 0));
    QTRY_VERIFY_WITH_TIMEOUT(!chart->currentTooltip().isEmpty(), 3000);
    EXPECT_EQ(chart->currentTooltip(), chart->pointTooltip(marker, 0));
    EXPECT_TRUE(chart->currentTooltip().contains(
        QString::fromStdString(formatFixed(view.marker()->prediction.loss, 3))));
    QTest::mouseMove(viewport, QPoint(5, 5));
}

TEST_F(ScalingViewTest, TheFitIsOfferedOnlyOnceThereIsOne)
{
    QSettings settings(QDir(QDir::tempPath()).filePath(QStringLiteral("llamascope-scaling-test.ini")),
                       QSettings::IniFormat);
    view.setLawChoice(ScalingView::LawChoice::Besiroglu);
    view.saveSettings(settings);
    ScalingView fresh(nullptr, nullptr);
    // No fit yet: the fit's entry is disabled, and settings bring back the options and law.
    auto* box = fresh.findChild<QComboBox*>(QStringLiteral("law"));
    ASSERT_NE(box, nullptr);
    auto* model = qobject_cast<QStandardItemModel*>(box->model());
    ASSERT_NE(model, nullptr);
    EXPECT_FALSE(model->item(static_cast<int>(ScalingView::LawChoice::Fit))->isEnabled());
    fresh.restoreSettings(settings);
    EXPECT_EQ(fresh.lawChoice(), ScalingView::LawChoice::Besiroglu);
    EXPECT_EQ(fresh.fitOptions().dropHighest, 5u);
    EXPECT_EQ(fresh.fitOptions().bootstrap, 40u);
    EXPECT_EQ(fresh.law().name, besirogluLaw().name);
    QFile::remove(settings.fileName());
}

TEST_F(ScalingViewTest, TheLossPlaneDrawsTheRunsAndTheLawsCurves)
{
    auto* plot = view.findChild<QComboBox*>(QStringLiteral("plot"));
    ASSERT_NE(plot, nullptr);
    plot->setFocus();
    QTest::keyClick(plot, Qt::Key_Down);
    ASSERT_EQ(view.plot(), ScalingPlot::LossOverTokens);
    const ChartSpec& spec = view.chart()->spec();
    const LawParams& p = core.fit.law.params;
    std::size_t points = 0;
    int curves = 0;
    for (const XYSeriesSpec& s : spec.series) {
        if (s.scatter && !s.highlight) {
            // Each run at (D, its loss).
            for (const QPointF& pt : s.points) {
                ++points;
                const bool found =
                    std::any_of(core.table.runs.begin(), core.table.runs.end(), [&](const ScalingRun& r) {
                        return sameRelative(std::pow(10.0, pt.x()), r.tokens, 1e-9) && pt.y() == r.loss;
                    });
                EXPECT_TRUE(found) << pt.x() << " " << pt.y();
            }
        } else if (s.label.startsWith(QStringLiteral("law at N"))) {
            ++curves;
            // The law's D-dependence (Hoffmann et al. 2022, Eq. 2): L − B/D^β is the same
            // E + A/N^α all along one size's curve.
            ASSERT_GE(s.points.size(), 2u);
            const double first =
                s.points.front().y() - p.B / std::pow(std::pow(10.0, s.points.front().x()), p.beta);
            EXPECT_GT(first, p.E);
            for (const QPointF& pt : s.points)
                EXPECT_NEAR(pt.y() - p.B / std::pow(std::pow(10.0, pt.x()), p.beta), first, 1e-9);
        }
    }
    EXPECT_EQ(points, core.table.runs.size());
    EXPECT_GE(curves, 4);
    // The model at (its D, its predicted loss).
    ASSERT_TRUE(view.marker().has_value());
    EXPECT_EQ(spec.series.back().points.front().y(), view.marker()->prediction.loss);
    ASSERT_TRUE(spec.y.min && spec.y.max);
    EXPECT_GT(*spec.y.min, 1.0); // the loss axis spans the data, not from 0
    if (const QByteArray keep = qgetenv("LLAMASCOPE_KEEP_EXPORTS"); !keep.isEmpty())
        view.exportTo(QString::fromLocal8Bit(keep) + QStringLiteral("/scaling-loss.png"), false);
}

TEST_F(ScalingViewTest, ExportWritesAValidPngAndSvg)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    QString error;
    const QString png = dir.filePath(QStringLiteral("scaling.png"));
    const QString svg = dir.filePath(QStringLiteral("scaling.svg"));
    ASSERT_TRUE(view.exportTo(png, false, &error)) << error.toStdString();
    ASSERT_TRUE(view.exportTo(svg, true, &error)) << error.toStdString();
    QImageReader reader(png);
    EXPECT_EQ(reader.format(), QByteArray("png"));
    const QImage image = reader.read();
    ASSERT_FALSE(image.isNull());
    EXPECT_GT(image.width(), 1000);
    int inked = 0, samples = 0;
    for (int y = 0; y < image.height(); y += 7)
        for (int x = 0; x < image.width(); x += 7, ++samples)
            inked += image.pixel(x, y) != qRgb(255, 255, 255) ? 1 : 0;
    EXPECT_GT(inked, samples / 50);
    QSvgRenderer renderer(svg);
    EXPECT_TRUE(renderer.isValid());
    const std::string text = test::readText(svg);
    EXPECT_NE(text.find("Loss over parameters N and tokens D"), std::string::npos); // the title, as text
    if (const QByteArray keep = qgetenv("LLAMASCOPE_KEEP_EXPORTS"); !keep.isEmpty())
        QFile::copy(png, QString::fromLocal8Bit(keep) + QStringLiteral("/scaling.png"));
}

TEST_F(ScalingViewTest, LabelsDoNotCollide)
{
    const auto labels = view.chart()->labelRects();
    ASSERT_GT(labels.size(), 5u);
    for (std::size_t i = 0; i < labels.size(); ++i)
        for (std::size_t j = i + 1; j < labels.size(); ++j)
            EXPECT_FALSE(labels[i].second.intersects(labels[j].second.adjusted(0.5, 0.5, -0.5, -0.5)))
                << labels[i].first.toStdString() << " / " << labels[j].first.toStdString();
}

TEST(ScalingView, CancelStopsTheBootstrap)
{
    ScalingView view(nullptr, nullptr);
    view.resize(1200, 760);
    view.show();
    // Far more resamples than any machine does within the wait: only Cancel ends it in time.
    typeInto(view, QStringLiteral("Bootstrap"), QStringLiteral("100000"));
    QSignalSpy cancelled(&view, &ScalingView::fitCancelled);
    QSignalSpy finished(&view, &ScalingView::fitFinished);
    ASSERT_TRUE(view.openRuns(chinchillaRuns()));
    ASSERT_TRUE(view.isFitting());
    // The table being fitted was counted one way: the convention cannot change under it.
    auto* count = view.findChild<QComboBox*>(QStringLiteral("nCount"));
    ASSERT_NE(count, nullptr);
    EXPECT_FALSE(count->isEnabled());
    test::settle();
    QTest::mouseClick(view.cancelButton(), Qt::LeftButton);
    ASSERT_TRUE(cancelled.wait(test::kWaitMs));
    EXPECT_EQ(finished.count(), 0);
    EXPECT_FALSE(view.isFitting());
    EXPECT_FALSE(view.fit().has_value());
    EXPECT_FALSE(view.cancelButton()->isVisibleTo(&view));
    EXPECT_TRUE(count->isEnabled());
    // The runs stay drawn under the published law; a new fit can start.
    EXPECT_EQ(view.chartData().runs.size(), 245u);
}

TEST(ScalingView, ConfigsInTheRunsAreCountedTheWayTheUserChooses)
{
    // The ladder names bundled configs: N is core's exact count under the chosen convention.
    const QString path = test::dataPath(QStringLiteral("scaling/ladder.jsonl"));
    ScalingView view(nullptr, nullptr);
    view.resize(1200, 760);
    view.show();
    typeInto(view, QStringLiteral("Bootstrap"), QStringLiteral("0"));
    auto* count = view.findChild<QComboBox*>(QStringLiteral("nCount"));
    ASSERT_NE(count, nullptr);
    ASSERT_TRUE(count->toolTip().contains(QStringLiteral("--n-count")));
    count->setFocus();
    QSignalSpy finished(&view, &ScalingView::fitFinished);
    ASSERT_TRUE(view.openRuns(path)) << view.errorText().toStdString();
    ASSERT_TRUE(finished.wait(test::kWaitMs));
    // Choosing non-embedding with the keyboard reads the table again and refits.
    QTest::keyClick(count, Qt::Key_Down);
    EXPECT_EQ(view.paramCount(), ParamCount::NonEmbedding);
    ASSERT_TRUE(finished.wait(test::kWaitMs));
    RunsReadOptions o;
    o.paramCount = ParamCount::NonEmbedding;
    const RunsReadResult r = readRunsFile(path.toStdString(), o);
    ASSERT_TRUE(r.table && view.runs());
    ASSERT_EQ(view.runs()->runs.size(), r.table->runs.size());
    for (std::size_t i = 0; i < r.table->runs.size(); ++i)
        EXPECT_EQ(view.runs()->runs[i].parameters, r.table->runs[i].parameters) << i;
    const auto llama9m = loadBundled("llama_9m");
    EXPECT_EQ(view.runs()->runs.front().parameters,
              static_cast<double>(countParameters(*llama9m->config).nonEmbedding));
    ASSERT_TRUE(view.fit());
    EXPECT_EQ(view.fit()->law.paramCount, ParamCount::NonEmbedding);
    FitOptions fo = view.fitOptions();
    EXPECT_EQ(view.fit()->law.params.E, fitLaw(*r.table, fo).law.params.E);
    EXPECT_TRUE(view.chart()->spec().y.title.contains(QStringLiteral("non-embedding")));
}

TEST(ScalingView, InTheWindowItFollowsTheCompareSelectionAndTakesDroppedRuns)
{
    MainWindowOptions options;
    options.persistSettings = false;
    MainWindow window(options);
    window.resize(1280, 800);
    window.show();
    window.activateWindow();
    QApplication::setActiveWindow(&window); // the xcb run needs an active window for shortcuts
    (void)QTest::qWaitForWindowExposed(&window);
    test::settle();
    window.showView(MainWindow::View::Compare);
    // The Scaling tab is Ctrl+7 from anywhere.
    QTest::keyClick(&window, Qt::Key_7, Qt::ControlModifier);
    EXPECT_EQ(window.currentView(), MainWindow::View::Scaling);
    ScalingView* view = window.scalingView();
    EXPECT_GT(view->modelNames().size(), 10); // the designer, then the bundled family
    window.compareView()->selectConfig(QStringLiteral("llama_1b"));
    test::settle();
    ASSERT_TRUE(view->marker().has_value());
    EXPECT_EQ(view->marker()->name, QStringLiteral("llama_1b"));
    // A runs table dropped on the view is read there (not opened as configs).
    window.showView(MainWindow::View::Scaling);
    view->setBootstrap(0);
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(chinchillaRuns())});
    QSignalSpy finished(view, &ScalingView::fitFinished);
    EXPECT_TRUE(window.acceptDrop(&mime));
    EXPECT_EQ(view->runs()->runs.size(), 245u);
    ASSERT_TRUE(finished.wait(test::kWaitMs));
    EXPECT_EQ(view->lawChoice(), ScalingView::LawChoice::Fit);
}

TEST(ScalingView, ABadRunsTableShowsTheClisMessages)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("bad.csv"));
    {
        std::ofstream out(path.toStdString());
        out << "params,tokens,loss\n1e9,2e10,2.5\n2e9,-4e10,2.4\nabc,8e10,nan\n";
    }
    ScalingView view(nullptr, nullptr);
    QSignalSpy finished(&view, &ScalingView::fitFinished);
    EXPECT_FALSE(view.openRuns(path));
    EXPECT_FALSE(view.isFitting());
    // Core's own issues, formatted as the CLI formats them (file:line: column "NAME": ...).
    const RunsReadResult r = readRunsFile(path.toStdString());
    ASSERT_FALSE(r.table.has_value());
    ASSERT_GE(r.issues.size(), 2u);
    const QString shown = view.errorText();
    for (const RunsIssue& i : r.issues)
        EXPECT_TRUE(shown.contains(QString::fromStdString(formatIssue(r.source, i))))
            << formatIssue(r.source, i);
    EXPECT_TRUE(shown.contains(QStringLiteral(":3: ")));
    EXPECT_TRUE(shown.contains(QStringLiteral("nothing was fitted")));
    EXPECT_EQ(finished.count(), 0);

    // A file that is not there says so, naming it.
    EXPECT_FALSE(view.openRuns(dir.filePath(QStringLiteral("missing.csv"))));
    EXPECT_TRUE(view.errorText().contains(QStringLiteral("missing.csv")));

    // Too few runs for L(N, D): core's ScalingDataError, shown, nothing fitted.
    const QString few = dir.filePath(QStringLiteral("few.csv"));
    {
        std::ofstream out(few.toStdString());
        out << "params,tokens,loss\n1e9,2e10,2.5\n2e9,4e10,2.4\n4e9,8e10,2.3\n";
    }
    QSignalSpy failed(&view, &ScalingView::fitFailed);
    ASSERT_TRUE(view.openRuns(few));
    ASSERT_TRUE(failed.wait(test::kWaitMs));
    EXPECT_FALSE(view.fit().has_value());
    EXPECT_TRUE(view.errorText().contains(QStringLiteral("run"))) << view.errorText().toStdString();
}

} // namespace
} // namespace llamascope::gui
