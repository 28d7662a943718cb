// Charts: they read the compare model through the table's proxy (order and filter follow the
// table), their numbers are core's, the designer's edits re-render them, and export writes a
// valid PNG and a valid SVG.

#include "llamascope/bundled.hpp"
#include "llamascope/format.hpp"
#include "llamascope/gui/chart_data.hpp"
#include "llamascope/gui/charts_view.hpp"
#include "llamascope/gui/compare_model.hpp"
#include "llamascope/gui/designer_document.hpp"
#include "llamascope/gui/designer_view.hpp"
#include "llamascope/gui/field_editor.hpp"
#include "llamascope/gui/main_window.hpp"
#include "llamascope/gui/scope_chart.hpp"
#include "llamascope/gui/workspace.hpp"
#include "test_util.hpp"

#include "llamascope/cost.hpp"
#include "llamascope/memory.hpp"
#include "llamascope/published.hpp"

#include <gtest/gtest.h>

#include <QAbstractSpinBox>
#include <QFile>
#include <QImage>
#include <QImageReader>
#include <QSignalSpy>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>
#include <QXmlStreamReader>

#include <array>
#include <cmath>
#include <optional>
#include <tuple>

namespace llamascope::gui {
namespace {

struct Family {
    Workspace workspace;
    CompareModel model;
    CompareProxy proxy;
    Family()
    {
        workspace.addBundledFamily();
        model.setWorkspace(&workspace);
        proxy.setSourceModel(&model);
        proxy.sort(CompareModel::columnOf("params"));
    }
};

TEST(Charts, FollowTheTablesOrderAndFilter)
{
    Family f;
    f.proxy.setFilterFixedString(QStringLiteral("llama_1"));
    const ChartSpec spec = parametersChart(chartRows(f.proxy), ParamScale::Log);
    QStringList names;
    for (int r = 0; r < f.proxy.rowCount(); ++r)
        names << f.proxy.index(r, 0).data().toString();
    EXPECT_EQ(spec.categories, names);
    EXPECT_EQ(names.front(), QStringLiteral("llama_100m"));
    f.proxy.sort(0, Qt::DescendingOrder);
    EXPECT_EQ(parametersChart(chartRows(f.proxy), ParamScale::Log).categories.front(),
              QStringLiteral("llama_1b"));
}

TEST(Charts, NumbersAreCores)
{
    Family f;
    const std::vector<ChartRow> rows = chartRows(f.proxy);
    ASSERT_EQ(rows.size(), 16u);

    // Linear parameters: each segment is core's component count (in millions on the axis).
    const ChartSpec params = parametersChart(rows, ParamScale::Linear);
    ASSERT_EQ(params.barSets.front().label, QStringLiteral("embedding"));
    EXPECT_DOUBLE_EQ(params.barSets.front().values.front() * 1e6,
                     static_cast<double>(rows.front().analysis->params.embedding));
    EXPECT_NE(params.barSets.front().tooltips.front().indexOf(
                  QString::fromStdString(formatCount(rows.front().analysis->params.embedding))),
              -1);

    // FLOPs: the point at each T is computeFlops at that T.
    FlopsChartOptions o;
    o.convention = FlopConventionId::Palm;
    const ChartSpec flops = flopsChart(rows, o);
    const XYSeriesSpec& s60 = flops.series[4]; // llama_60m in parameter order
    ASSERT_EQ(s60.label, QStringLiteral("llama_60m"));
    const FlopReport at256 = computeFlops(*loadBundled("llama_60m")->config, {256, AttentionMask::Causal});
    bool found = false;
    for (std::size_t i = 0; i < s60.points.size(); ++i)
        if (s60.points[i].x() == 256) {
            found = true;
            // SPEC §7: PaLM llama_60m at T = 256 is 361,024,512 per training token.
            EXPECT_EQ(at256.get(FlopConventionId::Palm).trainingPerToken, 361024512);
            EXPECT_DOUBLE_EQ(s60.points[i].y() * 1e9,
                             static_cast<double>(at256.get(FlopConventionId::Palm).forwardPerToken));
        }
    EXPECT_TRUE(found);

    // Width vs depth: the N/L lines are the family report's (SPEC §9: 32, 64, 128).
    const ChartSpec shape = shapeChart(rows);
    QStringList lines;
    for (const XYSeriesSpec& s : shape.series)
        if (!s.scatter)
            lines << s.label;
    EXPECT_EQ(lines,
              (QStringList{QStringLiteral("N/L = 32.0 (lowest)"), QStringLiteral("N/L = 64.0 (most common)"),
                           QStringLiteral("N/L = 128.0 (highest)")}));

    MemoryChartOptions m;
    const ChartSpec memory = memoryChart(rows, m);
    ASSERT_EQ(memory.barSets.size(), trainingOptimizers().size());
    MemoryOptions core;
    core.optimizer = Optimizer::AdamW;
    core.rank = m.memory.rank;
    const MemoryReport r = estimateMemory(rows.back().analysis->config, core);
    EXPECT_DOUBLE_EQ(memory.barSets.front().values.back() * 1024.0 * 1024.0 * 1024.0,
                     static_cast<double>(r.totalBytes()));
    // The device line is the accelerator table's memory.
    m.device = QStringLiteral("a100-80gb");
    const ChartSpec withDevice = memoryChart(rows, m);
    ASSERT_EQ(withDevice.references.size(), 1u);
    EXPECT_DOUBLE_EQ(withDevice.references.front().y * 1024.0 * 1024.0 * 1024.0,
                     static_cast<double>(builtinAccelerators().find("a100-80gb")->memoryBytes));
}

TEST(Charts, ExportWritesAValidPngAndAValidSvg)
{
    Family f;
    ChartsView view(&f.proxy);
    view.resize(1100, 700);
    view.show();
    view.rebuildAll();
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    for (auto kind : {ChartsView::Kind::Parameters, ChartsView::Kind::Flops, ChartsView::Kind::Shape,
                      ChartsView::Kind::Memory, ChartsView::Kind::Published}) {
        ScopeChart* chart = view.chart(kind);
        if (chart->spec().empty())
            continue; // the memory chart without the memory model
        const QString stem = dir.filePath(QStringLiteral("chart%1").arg(static_cast<int>(kind)));
        QString error;
        ASSERT_TRUE(chart->exportPng(stem + QStringLiteral(".png"), QSize(800, 500), 2.0, &error))
            << error.toStdString();
        QImageReader reader(stem + QStringLiteral(".png"));
        EXPECT_EQ(reader.format(), QByteArray("png"));
        const QImage image = reader.read();
        ASSERT_FALSE(image.isNull());
        EXPECT_EQ(image.size(), QSize(1600, 1000));
        // Not blank: a fair share of the picture is not the white background.
        int inked = 0, samples = 0;
        for (int y = 0; y < image.height(); y += 7)
            for (int x = 0; x < image.width(); x += 7, ++samples)
                inked += image.pixel(x, y) != qRgb(255, 255, 255) ? 1 : 0;
        EXPECT_GT(inked, samples / 50) << "chart " << static_cast<int>(kind);
        if (const QByteArray keep = qgetenv("LLAMASCOPE_KEEP_EXPORTS"); !keep.isEmpty()) {
            QFile::copy(stem + QStringLiteral(".png"),
                        QString::fromLocal8Bit(keep) +
                            QStringLiteral("/chart%1.png").arg(static_cast<int>(kind)));
        }

        ASSERT_TRUE(chart->exportSvg(stem + QStringLiteral(".svg"), QSize(800, 500), &error))
            << error.toStdString();
        if (const QByteArray keep = qgetenv("LLAMASCOPE_KEEP_EXPORTS"); !keep.isEmpty())
            QFile::copy(stem + QStringLiteral(".svg"),
                        QString::fromLocal8Bit(keep) +
                            QStringLiteral("/chart%1.svg").arg(static_cast<int>(kind)));
        QSvgRenderer svg(stem + QStringLiteral(".svg"));
        EXPECT_TRUE(svg.isValid());
        QFile file(stem + QStringLiteral(".svg"));
        ASSERT_TRUE(file.open(QIODevice::ReadOnly));
        QXmlStreamReader xml(&file);
        while (!xml.atEnd() && !xml.isStartElement())
            xml.readNext();
        EXPECT_EQ(xml.name(), QStringLiteral("svg"));
        while (!xml.atEnd())
            xml.readNext();
        EXPECT_FALSE(xml.hasError()) << xml.errorString().toStdString();
    }
    ScopeChart empty;
    QString error;
    EXPECT_FALSE(empty.exportPng(dir.filePath(QStringLiteral("empty.png")), {}, 1.0, &error));
}

TEST(Charts, EditingTheDesignerReRendersTheVisibleChart)
{
    MainWindowOptions options;
    options.persistSettings = false;
    MainWindow window(options);
    window.resize(1200, 800);
    window.show();
    window.showView(MainWindow::View::Charts);
    window.chartsView()->showChart(ChartsView::Kind::Shape);
    ScopeChart* chart = window.chartsView()->chart(ChartsView::Kind::Shape);
    ASSERT_TRUE(window.designerView()->openBundled(QStringLiteral("llama_60m")));
    QSignalSpy rebuilt(chart, &ScopeChart::rebuilt);
    window.designerDocument()->setField("num_hidden_layers", Json(16));
    ASSERT_TRUE(rebuilt.count() > 0 || rebuilt.wait(test::kWaitMs));
    // The draft is plotted where core puts it: L = 16, d = 512.
    bool found = false;
    for (const XYSeriesSpec& s : chart->spec().series)
        if (s.highlight && !s.points.empty() && s.points.front() == QPointF(16, 512))
            found = true;
    EXPECT_TRUE(found);
    window.designerDocument()->undoStack()->setClean();
}

// Among published models (issue 15): the grey points are core's data set, one per model in
// its order; the configs and the draft are drawn on top.
TEST(Charts, PublishedChartsGreyPointsAreCoresDataSet)
{
    Family f;
    const ChartSpec spec = publishedChart(chartRows(f.proxy));
    const XYSeriesSpec* grey = nullptr;
    const XYSeriesSpec* configs = nullptr;
    for (const XYSeriesSpec& s : spec.series) {
        if (s.label == QStringLiteral("published models"))
            grey = &s;
        if (s.label == QStringLiteral("your configs"))
            configs = &s;
    }
    ASSERT_NE(grey, nullptr);
    ASSERT_NE(configs, nullptr);
    const auto models = publishedModels();
    ASSERT_EQ(grey->points.size(), models.size());
    ASSERT_EQ(grey->tooltips.size(), static_cast<qsizetype>(models.size()));
    EXPECT_GE(models.size(), 40u); // issue 15: at least 40 models
    // LLaMA-7B at 4096 × 32 (Touvron et al. 2023, Table 2) and Qwen2.5-0.5B at 896 × 24 (its
    // config.json), found by name, plotted at (L, d) with their shape in the tooltip.
    const std::array<std::tuple<const char*, double, double, const char*>, 2> rows = {
        std::tuple{"LLaMA-7B", 32.0, 4096.0, "4096 × 32, 32 heads"},
        std::tuple{"Qwen2.5-0.5B", 24.0, 896.0, "896 × 24, heads/KV 14/2, d/L 37.3, tied"}};
    for (const auto& [name, l, d, shape] : rows) {
        std::size_t i = 0;
        while (i < models.size() && models[i].name != name)
            ++i;
        ASSERT_LT(i, models.size()) << name;
        EXPECT_EQ(grey->points[i], QPointF(l, d)) << name;
        const QString tip = grey->tooltips.at(static_cast<qsizetype>(i));
        EXPECT_TRUE(tip.startsWith(QStringLiteral("<b>%1</b>").arg(QString::fromUtf8(name))))
            << tip.toStdString();
        EXPECT_NE(tip.indexOf(QString::fromUtf8(shape)), -1) << tip.toStdString();
    }
    // Models sharing LLaMA-7B's shape are named in its tooltip (Llama-2-7B is 4096 × 32 too).
    EXPECT_NE(grey->tooltips.front().indexOf(QStringLiteral("Llama-2-7B")), -1);
    // d/L reference lines are d = r·L.
    int lines = 0;
    for (const XYSeriesSpec& s : spec.series)
        if (s.label.startsWith(QStringLiteral("d/L = "))) {
            ++lines;
            const double r = s.label.mid(6).toDouble();
            for (const QPointF& p : s.points)
                EXPECT_NEAR(p.y(), r * p.x(), 1e-9 * p.y());
        }
    EXPECT_GE(lines, 3);
    // The bundled llama_7b is plotted at LLaMA-7B's place, and its tooltip places it by core.
    bool found = false;
    for (std::size_t i = 0; i < configs->points.size(); ++i)
        if (configs->points[i] == QPointF(32, 4096)) {
            found = true;
            EXPECT_NE(
                configs->tooltips.at(static_cast<qsizetype>(i)).indexOf(QStringLiteral("Nearest published")),
                -1);
        }
    EXPECT_TRUE(found);
}

TEST(Charts, TypingHiddenSizeMovesTheDraftAmongPublishedModels)
{
    MainWindowOptions options;
    options.persistSettings = false;
    MainWindow window(options);
    window.resize(1200, 800);
    window.show();
    ASSERT_TRUE(window.designerView()->openBundled(QStringLiteral("llama_350m")));
    ScopeChart* chart = window.chartsView()->chart(ChartsView::Kind::Published);
    auto draftPoint = [chart]() -> std::optional<QPointF> {
        for (const XYSeriesSpec& s : chart->spec().series)
            if (s.highlight && !s.points.empty())
                return s.points.front();
        return std::nullopt;
    };
    FieldEditor* editor = window.designerView()->editor("hidden_size");
    ASSERT_NE(editor, nullptr);
    auto* spin = qobject_cast<QAbstractSpinBox*>(editor->input());
    ASSERT_NE(spin, nullptr);
    // llama_350m is 24 layers: type widths into the designer's hidden_size field, as a user
    // would, and look at the chart after each (charts rebuild lazily when shown).
    for (const auto& [typed, expected] :
         {std::pair{"896", QPointF(24, 896)}, std::pair{"1536", QPointF(24, 1536)}}) {
        window.showView(MainWindow::View::Designer);
        spin->setFocus();
        spin->selectAll();
        QTest::keyClicks(spin, QString::fromLatin1(typed));
        QTest::keyClick(spin, Qt::Key_Return);
        ASSERT_EQ(window.designerDocument()->value("hidden_size"), Json(QString::fromLatin1(typed).toInt()));
        window.showView(MainWindow::View::Charts);
        window.chartsView()->showChart(ChartsView::Kind::Published);
        EXPECT_TRUE(QTest::qWaitFor(
            [&, want = expected] { return draftPoint() == std::optional<QPointF>(want); }, test::kWaitMs))
            << typed;
        EXPECT_EQ(draftPoint(), std::optional<QPointF>(expected)) << typed;
    }
    window.designerDocument()->undoStack()->setClean();
}

TEST(ScopeChart, TooltipsAreTheSpecsTooltips)
{
    Family f;
    ScopeChart chart;
    chart.setSpec(shapeChart(chartRows(f.proxy)));
    const auto& series = chart.spec().series;
    ASSERT_FALSE(series.empty());
    EXPECT_EQ(chart.pointTooltip(0, 0), series[0].tooltips.front());
    EXPECT_TRUE(chart.pointTooltip(99, 0).isEmpty());
    chart.setSpec(parametersChart(chartRows(f.proxy), ParamScale::Share));
    EXPECT_NE(chart.barTooltip(0, 0).indexOf(QStringLiteral("llama_9m")), -1);
}

} // namespace
} // namespace llamascope::gui
