// The validate view's model: QAbstractItemModelTester on the tree and its filter, and every
// bad-input fixture showing its expected finding with line:column (tests/data/invalid).

#include "llamascope/gui/findings_model.hpp"
#include "llamascope/gui/workspace.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>

namespace llamascope::gui {
namespace {

using Tester = QAbstractItemModelTester;

TEST(FindingsModel, PassesTheModelTesterWithFilesAndFilter)
{
    Workspace workspace;
    FindingsModel model;
    FindingsFilter filter;
    filter.setSourceModel(&model);
    Tester modelTester(&model, Tester::FailureReportingMode::Fatal);
    Tester filterTester(&filter, Tester::FailureReportingMode::Fatal);
    model.setWorkspace(&workspace);
    workspace.addBundledFamily();
    workspace.open({test::dataPath(QStringLiteral("invalid/missing-comma.json")),
                    test::dataPath(QStringLiteral("invalid/typo-num-attention-head.json")),
                    test::dataPath(QStringLiteral("does-not-exist.json"))});
    EXPECT_EQ(model.rowCount(), 19);
    filter.setMinimumSeverity(Severity::Error);
    filter.setMinimumSeverity(Severity::Warning);
    workspace.remove(0);
    workspace.clear();
    EXPECT_EQ(model.rowCount(), 0);
}

/// The child row of `file` whose code column says `code`, or an invalid index.
QModelIndex findingRow(const FindingsModel& model, const QString& path, const QString& code)
{
    for (int r = 0; r < model.rowCount(); ++r) {
        const QModelIndex file = model.index(r, 0);
        if (file.data(FindingsModel::PathRole).toString() != path)
            continue;
        for (int c = 0; c < model.rowCount(file); ++c)
            if (model.index(c, FindingsModel::CodeColumn, file).data().toString() == code)
                return model.index(c, 0, file);
    }
    return {};
}

TEST(FindingsModel, EveryBrokenFixtureShowsItsFindingWithLineAndColumn)
{
    const nlohmann::json manifest = test::readJson(test::dataPath(QStringLiteral("invalid/manifest.json")));
    Workspace workspace;
    FindingsModel model;
    model.setWorkspace(&workspace);
    QStringList files;
    for (const auto& [name, expected] : manifest.items())
        files << test::dataPath(QStringLiteral("invalid/") + QString::fromStdString(name));
    workspace.open(files);
    ASSERT_EQ(model.rowCount(), static_cast<int>(manifest.size()));
    for (const auto& [name, expected] : manifest.items()) {
        const QString path = test::dataPath(QStringLiteral("invalid/") + QString::fromStdString(name));
        const QString code = QString::fromStdString(expected.at("code").get<std::string>());
        const QModelIndex row = findingRow(model, path, code);
        ASSERT_TRUE(row.isValid()) << name << ": no " << code.toStdString() << " finding";
        auto cell = [&](int column) { return row.siblingAtColumn(column).data().toString().toStdString(); };
        const std::string pointer = expected.at("pointer").get<std::string>();
        EXPECT_EQ(cell(FindingsModel::PointerColumn), pointer.empty() ? "(root)" : pointer) << name;
        EXPECT_EQ(cell(FindingsModel::SeverityColumn), expected.at("severity").get<std::string>()) << name;
        if (expected.contains("line") && expected.at("line").get<int>() > 0) {
            const std::string position = std::to_string(expected.at("line").get<int>()) + ":" +
                                         std::to_string(expected.at("column").get<int>());
            EXPECT_EQ(cell(FindingsModel::PositionColumn), position) << name;
            EXPECT_EQ(row.data(FindingsModel::LineRole).toInt(), expected.at("line").get<int>()) << name;
        }
    }
}

TEST(Workspace, ReValidatesAFileWhenItChangesOnDisk)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("model.json"));
    ASSERT_TRUE(QFile::copy(test::dataPath(QStringLiteral("valid/gqa-tied.json")), path));
    Workspace workspace;
    workspace.open({path});
    ASSERT_EQ(workspace.sources().size(), 1u);
    EXPECT_TRUE(workspace.sources().front().usable());
    QSignalSpy changed(&workspace, &Workspace::changed);
    {
        QFile f(path);
        ASSERT_TRUE(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write("{\"hidden_size\": 768\n");
    }
    ASSERT_TRUE(changed.wait(test::kWaitMs));
    EXPECT_FALSE(workspace.sources().front().usable());
    EXPECT_EQ(workspace.sources().front().result.report.findings.front().codeName(), "syntax");
}

TEST(Workspace, AFolderContributesItsJsonFilesSortedByName)
{
    const QStringList files = Workspace::expandPaths({test::dataPath(QStringLiteral("valid"))});
    ASSERT_EQ(files.size(), 5);
    EXPECT_TRUE(files.front().endsWith(QStringLiteral("explicit-head-dim.json")));
    Workspace workspace;
    const OpenSummary s = workspace.open({test::dataPath(QStringLiteral("valid"))});
    EXPECT_EQ(s.added, 5);
    EXPECT_EQ(s.withErrors, 0);
    const OpenSummary again = workspace.open({test::dataPath(QStringLiteral("valid/mistral.json"))});
    EXPECT_EQ(again.reloaded, 1);
    EXPECT_EQ(workspace.sources().size(), 5u);
}

} // namespace
} // namespace llamascope::gui
