#pragma once
// Compare: the sortable table of every config (CompareModel through CompareProxy), column
// chooser, copy/export as CSV or Markdown (core's renderers), and a detail pane for the
// selected config (core's parameter and FLOP-convention tables).

#include <QWidget>

#include <string>
#include <vector>

class QTableView;
class QLineEdit;
class QLabel;
class QSettings;
class QSplitter;
class QToolButton;

namespace llamascope::gui {

class CompareModel;
class CompareProxy;
class CoreTableModel;
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
    void selectConfig(const QString& name);

    void saveSettings(QSettings& s) const;
    void restoreSettings(const QSettings& s);

    [[nodiscard]] QTableView* tableView() const { return table_; }

signals:
    /// Double-click or "Open in Designer": a workspace source (or the draft, -1).
    void openInDesigner(int sourceIndex);
    void statusMessage(const QString& text);

private:
    void showColumnMenu(const QPoint& globalPos);
    void showRowMenu(const QPoint& pos);
    void updateDetails();
    void updateSummary();

    CompareModel* model_;
    CompareProxy* proxy_;
    const Workspace* workspace_;
    QTableView* table_;
    QLineEdit* filter_;
    QLabel* summary_;
    QLabel* detailTitle_;
    QSplitter* splitter_;
    CoreTableModel* paramsModel_;
    CoreTableModel* flopsModel_;
    QTableView* paramsView_;
    QTableView* flopsView_;
};

} // namespace llamascope::gui
