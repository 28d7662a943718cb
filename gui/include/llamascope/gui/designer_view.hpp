#pragma once
// Designer: the field form (DesignerForm) beside core's metrics (MetricsPanel), the findings
// table and the validated JSON text, under a toolbar of the document's actions
// (DocumentActions, shared with the main window's menus). Every edit is a command on the
// document's undo stack; the view only arranges the parts.

#include <QWidget>

#include <string>

class QLabel;
class QPlainTextEdit;
class QSettings;
class QSplitter;
class QTabWidget;
class QTableView;

namespace llamascope::gui {

class CoreTableModel;
class DesignerDocument;
class DesignerForm;
class DocumentActions;
class FieldEditor;
class MetricsPanel;

class DesignerView final : public QWidget {
    Q_OBJECT
public:
    explicit DesignerView(DesignerDocument* document, QWidget* parent = nullptr);

    [[nodiscard]] DesignerDocument* document() const { return document_; }
    [[nodiscard]] DocumentActions* actions() const { return actions_; }
    [[nodiscard]] DesignerForm* form() const { return form_; }
    [[nodiscard]] MetricsPanel* metrics() const { return metrics_; }

    // ---- File actions (each asks about unsaved changes first) -----------------------------
    void newDocument();
    bool openBundled(const QString& name, const QString& pointer = {});
    bool openFile(const QString& path, const QString& pointer = {});
    void openDialog();
    bool save();
    bool saveAs();
    bool maybeSave();
    void showFitDialog();

    /// Scrolls to and focuses the editor of the key a JSON pointer names ("/hidden_size"); for
    /// the root or keys without an editor, shows the Source tab at the finding's line.
    void focusField(const QString& pointer);

    // ---- For tests and screenshots ---------------------------------------------------------
    [[nodiscard]] FieldEditor* editor(const std::string& key) const;
    /// Plain text of the findings shown beside `key` (empty: none).
    [[nodiscard]] QString fieldFindings(const std::string& key) const;
    /// The metrics panel's value for a core compare column id ("params", "n_per_l", ...).
    [[nodiscard]] QString metricText(const std::string& columnId) const;
    [[nodiscard]] QString statusText() const;
    /// The metrics panel's line on the nearest published shapes.
    [[nodiscard]] QString publishedText() const;
    [[nodiscard]] int refreshCount() const { return refreshes_; }

    void saveSettings(QSettings& s) const;
    void restoreSettings(const QSettings& s);

signals:
    void statusMessage(const QString& text);
    /// A file was opened or saved (recent files).
    void fileUsed(const QString& path);

private:
    void refresh();
    void refreshFindingsTable();
    void refreshSource();
    void updateHeader();
    void showSourceAt(int line, int column);

    DesignerDocument* document_;
    DocumentActions* actions_;
    QLabel* title_;
    QLabel* banner_;
    QLabel* readOnly_;
    DesignerForm* form_;
    QSplitter* splitter_;
    QTabWidget* side_;
    MetricsPanel* metrics_;
    CoreTableModel* findingsModel_;
    QTableView* findingsView_;
    QPlainTextEdit* source_;
    int refreshes_ = 0;
};

} // namespace llamascope::gui
