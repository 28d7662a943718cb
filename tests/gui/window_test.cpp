// The main window: settings remembered between runs (test-only organisation and paths),
// drag and drop, opening a broken file shows its finding, double-click opens the designer at
// the field, and headless screenshots.

#include "llamascope/gui/app.hpp"
#include "llamascope/gui/compare_model.hpp"
#include "llamascope/gui/compare_view.hpp"
#include "llamascope/gui/designer_document.hpp"
#include "llamascope/gui/designer_view.hpp"
#include "llamascope/gui/field_editor.hpp"
#include "llamascope/gui/findings_model.hpp"
#include "llamascope/gui/main_window.hpp"
#include "llamascope/gui/validate_view.hpp"
#include "llamascope/gui/workspace.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <QApplication>
#include <QDropEvent>
#include <QImage>
#include <QMimeData>
#include <QSettings>
#include <QTableView>
#include <QTemporaryDir>
#include <QTreeView>
#include <QUrl>

namespace llamascope::gui {
namespace {

TEST(MainWindow, RemembersSettingsBetweenRuns)
{
    QCoreApplication::setApplicationName(QStringLiteral("llamascope-gui-tests-settings"));
    QSettings().clear();
    {
        MainWindow first;
        first.compareView()->setColumnVisible("embedding", true);
        first.compareView()->setColumnVisible("tied_equivalent", false);
        first.openPaths({test::dataPath(QStringLiteral("valid/gqa-tied.json"))});
        first.showView(MainWindow::View::Charts);
        first.saveSettings();
    }
    {
        MainWindow second;
        const auto ids = second.compareView()->visibleColumnIds();
        EXPECT_NE(std::find(ids.begin(), ids.end(), "embedding"), ids.end());
        EXPECT_EQ(std::find(ids.begin(), ids.end(), "tied_equivalent"), ids.end());
        EXPECT_EQ(second.currentView(), MainWindow::View::Charts);
        ASSERT_FALSE(second.recentFiles().isEmpty());
        EXPECT_TRUE(second.recentFiles().front().endsWith(QStringLiteral("gqa-tied.json")));
    }
    QSettings().clear();
    QCoreApplication::setApplicationName(QStringLiteral("llamascope-gui-tests"));
}

TEST(MainWindow, DroppedFilesAndFoldersJoinTheWorkspace)
{
    MainWindowOptions options;
    options.persistSettings = false;
    MainWindow window(options);
    window.show();
    auto* mime = new QMimeData;
    mime->setUrls({QUrl::fromLocalFile(test::dataPath(QStringLiteral("valid"))),
                   QUrl::fromLocalFile(test::dataPath(QStringLiteral("invalid/heads-zero.json")))});
    // What dropEvent() does with the dropped data (a synthetic QDropEvent needs a real drag).
    EXPECT_TRUE(MainWindow::canAcceptDrop(mime));
    EXPECT_TRUE(window.acceptDrop(mime));
    EXPECT_EQ(window.workspace()->sources().size(), 16u + 5u + 1u);
    EXPECT_EQ(window.compareModel()->rowCount(), 16 + 5); // the broken file is only in Validate
    // A file with errors sends the user to the Validate view.
    EXPECT_EQ(window.currentView(), MainWindow::View::Validate);
    delete mime;
    QMimeData text;
    text.setText(QStringLiteral("not a file"));
    EXPECT_FALSE(MainWindow::canAcceptDrop(&text));
}

TEST(MainWindow, OpeningABrokenFileShowsItsFindingWithLineAndColumn)
{
    MainWindowOptions options;
    options.persistSettings = false;
    MainWindow window(options);
    window.show();
    const QString path = test::dataPath(QStringLiteral("invalid/missing-comma.json"));
    window.openPaths({path});
    ASSERT_EQ(window.currentView(), MainWindow::View::Validate);
    QTreeView* tree = window.validateView()->treeView();
    const QModelIndex current = tree->currentIndex();
    ASSERT_TRUE(current.isValid());
    EXPECT_EQ(current.data(FindingsModel::PathRole).toString(), path);
    EXPECT_EQ(current.siblingAtColumn(FindingsModel::CodeColumn).data().toString(), QStringLiteral("syntax"));
    EXPECT_EQ(current.siblingAtColumn(FindingsModel::PositionColumn).data().toString(),
              QStringLiteral("7:3"));
    EXPECT_TRUE(tree->isExpanded(current.parent()));
}

TEST(MainWindow, DoubleClickingAFindingOpensTheDesignerAtThatField)
{
    MainWindowOptions options;
    options.persistSettings = false;
    MainWindow window(options);
    window.show();
    QApplication::setActiveWindow(&window);
    const QString path = test::dataPath(QStringLiteral("invalid/heads-not-divisible.json"));
    window.openPaths({path});
    QTreeView* tree = window.validateView()->treeView();
    const QModelIndex finding = tree->currentIndex();
    ASSERT_TRUE(finding.isValid());
    ASSERT_EQ(finding.data(FindingsModel::PointerRole).toString(), QStringLiteral("/num_attention_heads"));
    emit tree->doubleClicked(finding);
    EXPECT_EQ(window.currentView(), MainWindow::View::Designer);
    EXPECT_EQ(window.designerDocument()->filePath(), path);
    EXPECT_NE(window.designerView()
                  ->fieldFindings("num_attention_heads")
                  .indexOf(QStringLiteral("heads-not-divisible")),
              -1);
    if (QApplication::activeWindow() == &window) {
        QWidget* focus = QApplication::focusWidget();
        EXPECT_TRUE(focus != nullptr &&
                    window.designerView()->editor("num_attention_heads")->isAncestorOf(focus));
    }
}

TEST(MainWindow, CopyIsCoresRenderingOfTheVisibleColumns)
{
    MainWindowOptions options;
    options.persistSettings = false;
    MainWindow window(options);
    CompareView* view = window.compareView();
    const std::vector<std::string> ids = view->visibleColumnIds();
    EXPECT_EQ(view->tableText(false).toStdString(),
              renderCsv(compareExportTable(*window.compareProxy(), ids)));
    EXPECT_EQ(view->tableText(true).toStdString(),
              renderMarkdown(compareExportTable(*window.compareProxy(), ids)));
    EXPECT_EQ(view->tableText(false).count(QLatin1Char('\n')), 17); // header + 16 configs
    // Ctrl+C: the selected rows only.
    view->tableView()->selectRow(0);
    const QString one = view->selectionText();
    EXPECT_EQ(one.count(QLatin1Char('\n')), 2);
    EXPECT_TRUE(one.contains(QStringLiteral("llama_9m,8995968")));
}

TEST(Screenshot, RendersEachViewHeadless)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    for (const QString& v : {QStringLiteral("compare"), QStringLiteral("charts-shape"),
                             QStringLiteral("designer"), QStringLiteral("validate")}) {
        const QString png = dir.filePath(v + QStringLiteral(".png"));
        QString error;
        const QStringList files =
            v == QStringLiteral("validate")
                ? QStringList{test::dataPath(QStringLiteral("invalid/missing-comma.json"))}
                : QStringList{};
        ASSERT_TRUE(renderScreenshot(v, png, files, &error))
            << v.toStdString() << ": " << error.toStdString();
        const QImage image(png);
        ASSERT_FALSE(image.isNull()) << v.toStdString();
        EXPECT_GE(image.width(), 1000);
    }
    QString error;
    EXPECT_FALSE(
        renderScreenshot(QStringLiteral("nonsense"), dir.filePath(QStringLiteral("x.png")), {}, &error));
    EXPECT_NE(error.indexOf(QStringLiteral("unknown view")), -1);
}

} // namespace
} // namespace llamascope::gui
