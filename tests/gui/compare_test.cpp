// The compare table: QAbstractItemModelTester on the model and its proxy, cells equal to
// core's, sorting by core's values, Copy/Export equal to core's renderers, and the draft row.

#include "llamascope/bundled.hpp"
#include "llamascope/gui/compare_model.hpp"
#include "llamascope/gui/core_table_model.hpp"
#include "llamascope/gui/workspace.hpp"
#include "llamascope/views.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <QAbstractItemModelTester>

namespace llamascope::gui {
namespace {

using Tester = QAbstractItemModelTester;

TEST(CompareModel, PassesTheModelTesterThroughResetsAndDraftChanges)
{
    Workspace workspace;
    CompareModel model;
    CompareProxy proxy;
    proxy.setSourceModel(&model);
    Tester modelTester(&model, Tester::FailureReportingMode::Fatal);
    Tester proxyTester(&proxy, Tester::FailureReportingMode::Fatal);
    model.setWorkspace(&workspace);
    EXPECT_EQ(model.rowCount(), 0);
    workspace.addBundledFamily();
    ASSERT_EQ(model.rowCount(), 16);
    EXPECT_EQ(model.columnCount(), static_cast<int>(compareColumns().size()));

    auto draft = analyze(ModelConfig::withShape(832, 12, 13, 2240, 32000, 1024));
    model.setDraft(draft);
    EXPECT_EQ(model.rowCount(), 17);
    EXPECT_TRUE(model.isDraft(16));
    draft = analyze(ModelConfig::withShape(896, 12, 14, 2432, 32000, 1024));
    model.setDraft(draft);
    EXPECT_EQ(model.rowCount(), 17);
    proxy.sort(CompareModel::columnOf("params"));
    proxy.setFilterFixedString(QStringLiteral("130m"));
    EXPECT_EQ(proxy.rowCount(), 4);
    proxy.setFilterFixedString(QString());
    model.setDraft(std::nullopt);
    EXPECT_EQ(model.rowCount(), 16);
    workspace.removeBundledFamily();
    EXPECT_EQ(model.rowCount(), 0);
}

TEST(CompareModel, CellsAreCoresCellsAndSortValuesAreCoresValues)
{
    Workspace workspace;
    workspace.addBundledFamily();
    CompareModel model;
    model.setWorkspace(&workspace);
    const auto family = bundledConfigs();
    ASSERT_EQ(model.rowCount(), static_cast<int>(family.size()));
    for (int r = 0; r < model.rowCount(); ++r) {
        const Analysis expected = analyze(family[static_cast<std::size_t>(r)]);
        for (int c = 0; c < model.columnCount(); ++c) {
            const CompareColumn& col = CompareModel::column(c);
            EXPECT_EQ(model.index(r, c).data().toString().toStdString(), col.cell(expected).display)
                << col.id << " of " << expected.config.name;
        }
    }
    const int params = CompareModel::columnOf("params");
    const int last = model.rowCount() - 1;
    EXPECT_EQ(model.index(last, params).data().toString(), QStringLiteral("6,738,415,616")); // SPEC §6
    EXPECT_DOUBLE_EQ(model.index(last, params).data(SortRole).toDouble(), 6738415616.0);
    EXPECT_EQ(model.headerData(params, Qt::Horizontal, ColumnIdRole).toString(), QStringLiteral("params"));
}

TEST(CompareProxy, SortsNumericallyByCoreValuesAndTextColumnsByText)
{
    Workspace workspace;
    workspace.addBundledFamily();
    CompareModel model;
    model.setWorkspace(&workspace);
    CompareProxy proxy;
    proxy.setSourceModel(&model);
    proxy.sort(CompareModel::columnOf("params"), Qt::AscendingOrder);
    EXPECT_EQ(proxy.index(0, 0).data().toString(), QStringLiteral("llama_9m"));
    EXPECT_EQ(proxy.index(proxy.rowCount() - 1, 0).data().toString(), QStringLiteral("llama_7b"));
    // Numeric, not lexical: 9m (8,995,968) sorts before 20m (19,548,416).
    EXPECT_EQ(proxy.index(1, 0).data().toString(), QStringLiteral("llama_20m"));
    proxy.sort(CompareModel::columnOf("n_per_l"), Qt::DescendingOrder);
    EXPECT_EQ(proxy.index(0, 0).data().toString(), QStringLiteral("llama_7b")); // N/L 128 (SPEC §9)
    proxy.sort(CompareModel::columnOf("position"), Qt::AscendingOrder);
    EXPECT_EQ(proxy.index(0, CompareModel::columnOf("position")).data().toString(),
              QStringLiteral("learned"));
}

TEST(CompareExport, CsvAndMarkdownAreExactlyWhatCoreRenders)
{
    Workspace workspace;
    workspace.addBundledFamily();
    CompareModel model;
    model.setWorkspace(&workspace);
    CompareProxy proxy;
    proxy.setSourceModel(&model);
    proxy.sort(CompareModel::columnOf("params"), Qt::DescendingOrder);
    const std::vector<std::string> ids = {"name", "params", "n_per_l", "flops_token"};
    const Table table = compareExportTable(proxy, ids);

    std::vector<Analysis> expected;
    for (const ModelConfig& c : bundledConfigs())
        expected.push_back(analyze(c));
    // The view's order: parameters descending; equal counts (the 130m variants) tie-break on
    // the name, inverted with the sort order as Qt does.
    std::stable_sort(expected.begin(), expected.end(), [](const Analysis& a, const Analysis& b) {
        if (a.params.total != b.params.total)
            return a.params.total > b.params.total;
        return a.config.name > b.config.name;
    });
    const Table reference = compareTable(expected, ids);
    EXPECT_EQ(renderCsv(table), renderCsv(reference));
    EXPECT_EQ(renderMarkdown(table), renderMarkdown(reference));
    EXPECT_EQ(table.rows.front()[0].display, "llama_7b");
    EXPECT_NE(renderCsv(table).find("llama_7b,6738415616,"), std::string::npos);
}

TEST(CoreTableModel, PassesTheModelTesterAndShowsCoreCells)
{
    CoreTableModel model;
    Tester tester(&model, Tester::FailureReportingMode::Fatal);
    const Analysis a = analyze(*loadBundled("llama_130m")->config);
    model.setTable(parameterTable(a.params));
    ASSERT_GT(model.rowCount(), 0);
    EXPECT_EQ(model.index(0, 1).data().toString(), QStringLiteral("24,576,000"));
    model.setTable(parameterTable(analyze(*loadBundled("llama_7b")->config).params)); // same shape
    model.setTable(flopConventionsTable(a.flops));                                    // new shape
    EXPECT_EQ(model.columnCount(), 6);
    model.setTable({});
    EXPECT_EQ(model.rowCount(), 0);
}

} // namespace
} // namespace llamascope::gui
