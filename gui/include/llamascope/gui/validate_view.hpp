#pragma once
// Validate: every open source with its findings (severity, code, pointer, line:column, message,
// hint) as a tree; drop files or folders anywhere in the window to add them; double-click a
// finding to open the file in the designer at that field; copy or export core's findings table.

#include <QWidget>

class QComboBox;
class QLabel;
class QSettings;
class QTreeView;
class QStackedWidget;

namespace llamascope::gui {

class ColumnFitter;
class FindingsFilter;
class FindingsModel;
class Workspace;

class ValidateView final : public QWidget {
    Q_OBJECT
public:
    ValidateView(Workspace* workspace, FindingsModel* model, QWidget* parent = nullptr);

    [[nodiscard]] QTreeView* treeView() const { return tree_; }
    [[nodiscard]] FindingsFilter* filter() const { return filter_; }

    void addFiles();
    void addFolder();
    /// Core's findings table (as `llamascope validate --format csv|markdown` prints it).
    [[nodiscard]] QString findingsText(bool markdown) const;
    void copyFindings(bool markdown);
    void exportFindings();
    /// Selects and shows the first finding of a file (after opening it).
    void revealFile(const QString& path);

    void saveSettings(QSettings& s) const;
    void restoreSettings(const QSettings& s);

signals:
    /// Double-click on a finding: open `path` (or a bundled config by `label` when the path is
    /// empty) in the designer and focus the field at `pointer`.
    void openInDesigner(const QString& path, const QString& label, const QString& pointer);
    void statusMessage(const QString& text);
    void filesOpened(const QStringList& paths);

private:
    void updateSummary();
    void updateDetails();
    void expandProblems();

    Workspace* workspace_;
    FindingsModel* model_;
    FindingsFilter* filter_;
    QTreeView* tree_;
    QLabel* summary_;
    QComboBox* severity_;
    QStackedWidget* stack_;
    QLabel* details_;
    ColumnFitter* fitter_;
};

} // namespace llamascope::gui
