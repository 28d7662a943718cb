#pragma once
// What can be done with the designer's document — new, from bundled, open, save, save as,
// undo, redo, fit to target — as one controller with one QAction each. The designer's toolbar
// and the main window's menus show the same actions, so a shortcut exists once and works
// from any field (Ctrl+Z in a spin box undoes the document's last step, not the line edit's).

#include <QMessageBox>
#include <QObject>
#include <QString>

#include <functional>

class QAction;
class QWidget;

namespace llamascope::gui {

class DesignerDocument;

class DocumentActions final : public QObject {
    Q_OBJECT
public:
    /// Dialogs open over `dialogParent`.
    DocumentActions(DesignerDocument* document, QWidget* dialogParent);

    [[nodiscard]] DesignerDocument* document() const { return document_; }

    // ---- Actions (shortcuts in their window: add them to a widget or a menu) -------------
    [[nodiscard]] QAction* newAction() const { return new_; }
    [[nodiscard]] QAction* openAction() const { return open_; }
    [[nodiscard]] QAction* saveAction() const { return save_; }
    [[nodiscard]] QAction* saveAsAction() const { return saveAs_; }
    [[nodiscard]] QAction* undoAction() const { return undo_; }
    [[nodiscard]] QAction* redoAction() const { return redo_; }
    [[nodiscard]] QAction* fitAction() const { return fit_; }

    // ---- File operations (each asks about unsaved changes first) --------------------------
    void newDocument();
    bool openBundled(const QString& name);
    bool openFile(const QString& path);
    /// Asks for a file, then opens it.
    void openDialog();
    bool save();
    bool saveAs();
    /// Unsaved changes: ask Save / Discard / Cancel. True when it is fine to go on.
    bool maybeSave();
    /// Opens the "fit to target" dialog (core's designer) for the document.
    void showFitDialog();

    /// Replace the dialogs (tests): the unsaved-changes question and the Save As path.
    std::function<QMessageBox::StandardButton(const QString& fileName)> unsavedPrompt;
    std::function<QString(const QString& suggested)> savePathPrompt;

signals:
    void statusMessage(const QString& text);
    /// A file was opened or saved (recent files).
    void fileUsed(const QString& path);

private:
    DesignerDocument* document_;
    QWidget* parent_;
    QAction* new_;
    QAction* open_;
    QAction* save_;
    QAction* saveAs_;
    QAction* undo_;
    QAction* redo_;
    QAction* fit_;
};

} // namespace llamascope::gui
