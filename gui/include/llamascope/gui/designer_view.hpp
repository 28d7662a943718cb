#pragma once
// Designer: a form with one editor per config key (driven by core's configFieldRules()), each
// finding shown beside its field, live metrics from core's analyze() (and memory by optimizer
// when the memory model is built), the validated JSON text, and "fit to target" through core's
// designer. Every edit is a command on the document's undo stack.

#include <QMessageBox>
#include <QWidget>

#include <functional>
#include <map>
#include <string>

class QLabel;
class QPlainTextEdit;
class QScrollArea;
class QSettings;
class QSplitter;
class QTabWidget;
class QTableView;
class QGridLayout;
class QGroupBox;
class QToolButton;
class QVBoxLayout;

namespace llamascope::gui {

class CoreTableModel;
class DesignerDocument;
class FieldEditor;

class DesignerView final : public QWidget {
    Q_OBJECT
public:
    explicit DesignerView(DesignerDocument* document, QWidget* parent = nullptr);

    [[nodiscard]] DesignerDocument* document() const { return document_; }

    // ---- File actions (each asks about unsaved changes first) -----------------------------
    void newDocument();
    bool openBundled(const QString& name, const QString& pointer = {});
    bool openFile(const QString& path, const QString& pointer = {});
    /// Asks for a file, then opens it.
    void openDialog();
    bool save();
    bool saveAs();
    /// Unsaved changes: ask Save / Discard / Cancel. True when it is fine to go on.
    bool maybeSave();

    /// Scrolls to and focuses the editor of the key a JSON pointer names ("/hidden_size"); for
    /// the root or keys without an editor, shows the Source tab at the finding's line.
    void focusField(const QString& pointer);
    /// Opens the "fit to target" dialog (core designer); disabled when it is not built.
    void showFitDialog();

    // ---- For tests and screenshots ---------------------------------------------------------
    [[nodiscard]] FieldEditor* editor(const std::string& key) const;
    /// Plain text of the findings shown beside `key` (empty: none).
    [[nodiscard]] QString fieldFindings(const std::string& key) const;
    /// The metrics panel's value for a core compare column id ("params", "n_per_l", ...).
    [[nodiscard]] QString metricText(const std::string& columnId) const;
    [[nodiscard]] QString statusText() const;
    [[nodiscard]] int refreshCount() const { return refreshes_; }

    /// Replaces the dialogs (tests): the unsaved-changes question and the Save As path.
    std::function<QMessageBox::StandardButton(const QString& fileName)> unsavedPrompt;
    std::function<QString(const QString& suggested)> savePathPrompt;

    void saveSettings(QSettings& s) const;
    void restoreSettings(const QSettings& s);

signals:
    void statusMessage(const QString& text);
    /// A file was opened or saved (recent files).
    void fileUsed(const QString& path);

private:
    struct Row {
        FieldEditor* editor = nullptr;
        QLabel* label = nullptr;
        QLabel* findings = nullptr;
        QWidget* group = nullptr;
    };

    void buildForm();
    void rebuildUnknownKeys();
    void addRow(QGridLayout* grid, const std::string& key, const QString& description, QWidget* group);
    void refresh();
    void refreshFields(const QStringList& keys);
    void refreshFindings();
    void refreshMetrics();
    void refreshSource();
    void updateHeader();
    void showSourceAt(int line, int column);

    DesignerDocument* document_;
    QLabel* title_;
    QLabel* banner_;
    QLabel* readOnly_;
    QScrollArea* scroll_;
    QWidget* form_;
    QVBoxLayout* formLayout_;
    QGroupBox* unknownGroup_ = nullptr;
    QGridLayout* unknownGrid_ = nullptr;
    QGroupBox* genericGroup_ = nullptr;
    std::map<std::string, Row> rows_;
    QSplitter* splitter_;
    QTabWidget* side_;
    QLabel* metricsStatus_;
    std::map<std::string, QLabel*> metricLabels_;
    CoreTableModel* paramsModel_;
    CoreTableModel* flopsModel_;
    CoreTableModel* memoryModel_;
    CoreTableModel* findingsModel_;
    QTableView* paramsView_;
    QTableView* flopsView_;
    QTableView* memoryView_;
    QTableView* findingsView_;
    QLabel* memoryCaption_;
    QPlainTextEdit* source_;
    QToolButton* fitButton_ = nullptr;
    int refreshes_ = 0;
};

} // namespace llamascope::gui
