#pragma once
// Compare: the sortable table of every config (CompareModel through CompareProxy), a filter
// of several terms, column chooser, copy/export as CSV or Markdown (core's renderers), and
// below it the selected config's breakdown (core's parameter and FLOP-convention tables) or,
// with two to six rows selected, those configs side by side (core's diffConfigs).

#include <QWidget>

#include <set>
#include <string>
#include <vector>

class QItemSelectionModel;
class QTabWidget;
class QTableView;
class QLineEdit;
class QLabel;
class QSettings;
class QSplitter;
class QToolButton;

namespace llamascope::gui {

class ColumnFitter;
class CompareModel;
class CompareProxy;
class CoreTableModel;
class DiffView;
class Workspace;

class CompareView final : public QWidget {
    Q_OBJECT
public:
    CompareView(CompareModel* model, CompareProxy* proxy, const Workspace* workspace,
                QWidget* parent = nullptr);

    /// Visible core column ids, in display order.
    [[nodiscard]] std::vector<std::string> visibleColumnIds() const;
    void setColumnVisible(const std::string& id, bool visible);

    /// Exactly what Copy puts on the clipboard: core's CSV or Markdown of the visible columns
    /// and rows, in view order.
    [[nodiscard]] QString tableText(bool markdown) const;
    /// The selected rows (all rows when none is selected) as core's CSV: what Ctrl+C copies.
    [[nodiscard]] QString selectionText() const;

    void copyCsv();
    void copyMarkdown();
    /// Asks for a file (.csv or .md) and writes the table atomically.
    void exportTable();
    void focusFilter();
    /// Sets the filter text (as if typed).
    void setFilterText(const QString& text);
    /// Why the table is empty, or what the filter shows ("3 of 16 configs match ...").
    [[nodiscard]] QString summaryText() const;
    void selectConfig(const QString& name);
    /// Selects these configs (by name), as Ctrl+click would; the first becomes current.
    void selectConfigs(const QStringList& names);
    /// Names of the selected rows, in view order.
    [[nodiscard]] QStringList selectedNames() const;
    /// The selection of the table's rows (the charts highlight the same configs).
    [[nodiscard]] QItemSelectionModel* selectionModel() const;
    [[nodiscard]] DiffView* diffView() const { return diff_; }
    /// True when the side-by-side tab is the one shown below the table.
    [[nodiscard]] bool showingSideBySide() const;

    void saveSettings(QSettings& s) const;
    void restoreSettings(const QSettings& s);

    [[nodiscard]] QTableView* tableView() const { return table_; }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void showEvent(QShowEvent* event) override;

signals:
    /// Double-click or "Open in Designer": a workspace source (or the draft, -1).
    void openInDesigner(int sourceIndex);
    void statusMessage(const QString& text);

private:
    void showColumnMenu(const QPoint& globalPos);
    void showRowMenu(const QPoint& pos);
    void updateDetails();
    void updateSummary();
    void updateSideBySide();
    /// Default columns (core's defaultColumnIds) follow the configs until the user chooses.
    void applyDefaultColumns();
    void setColumnShown(int column, bool shown);
    /// First show: the table tall enough for its rows when the window allows.
    void fitSplitter();

    CompareModel* model_;
    CompareProxy* proxy_;
    const Workspace* workspace_;
    QTableView* table_;
    QLineEdit* filter_;
    QLabel* summary_;
    QLabel* detailTitle_;
    QSplitter* splitter_;
    QTabWidget* below_;
    DiffView* diff_;
    ColumnFitter* fitter_;
    bool columnsChosen_ = false;
    bool splitterSized_ = false;          ///< the user (or their settings) chose the columns
    std::set<std::string> relevantShown_; ///< columns shown because they say something
    CoreTableModel* paramsModel_;
    CoreTableModel* flopsModel_;
    QTableView* paramsView_;
    QTableView* flopsView_;
};

} // namespace llamascope::gui
