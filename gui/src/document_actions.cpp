#include "llamascope/gui/document_actions.hpp"

#include "llamascope/bundled.hpp"
#include "llamascope/format.hpp"
#include "llamascope/gui/designer_document.hpp"
#include "llamascope/gui/fit_dialog.hpp"
#include "text.hpp"

#include <QAction>
#include <QFileDialog>
#include <QKeySequence>
#include <QUndoStack>
#include <QWidget>

namespace llamascope::gui {

DocumentActions::DocumentActions(DesignerDocument* document, QWidget* dialogParent)
    : QObject(dialogParent), document_(document), parent_(dialogParent)
{
    new_ = new QAction(QStringLiteral("&New config"), this);
    new_->setShortcut(QKeySequence::New);
    new_->setToolTip(QStringLiteral("A new config in the modern canonical form (Ctrl+N)"));
    connect(new_, &QAction::triggered, this, &DocumentActions::newDocument);
    open_ = new QAction(QStringLiteral("Open in &designer…"), this);
    open_->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+D")));
    open_->setToolTip(QStringLiteral("Open a config.json in the designer (Ctrl+Shift+D)"));
    connect(open_, &QAction::triggered, this, &DocumentActions::openDialog);
    save_ = new QAction(QStringLiteral("&Save config"), this);
    save_->setShortcut(QKeySequence::Save);
    save_->setToolTip(QStringLiteral("Save (Ctrl+S)"));
    connect(save_, &QAction::triggered, this, &DocumentActions::save);
    saveAs_ = new QAction(QStringLiteral("Save config &as…"), this);
    saveAs_->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+S")));
    saveAs_->setToolTip(QStringLiteral("Save under a new name (Ctrl+Shift+S)"));
    connect(saveAs_, &QAction::triggered, this, &DocumentActions::saveAs);
    undo_ = document_->undoStack()->createUndoAction(this, QStringLiteral("&Undo"));
    undo_->setShortcuts(QKeySequence::Undo);
    undo_->setToolTip(QStringLiteral("Undo the last edit (Ctrl+Z), also from inside a field"));
    redo_ = document_->undoStack()->createRedoAction(this, QStringLiteral("&Redo"));
    redo_->setShortcuts(
        {QKeySequence(QStringLiteral("Ctrl+Shift+Z")), QKeySequence(QStringLiteral("Ctrl+Y"))});
    redo_->setToolTip(QStringLiteral("Redo (Ctrl+Shift+Z or Ctrl+Y)"));
    fit_ = new QAction(QStringLiteral("&Fit to target…"), this);
    fit_->setShortcut(QKeySequence(QStringLiteral("Ctrl+T")));
    fit_->setToolTip(
        QStringLiteral("Search shapes that hit a parameter, FLOP, memory or compute target (Ctrl+T)"));
    connect(fit_, &QAction::triggered, this, &DocumentActions::showFitDialog);
    for (QAction* a : {new_, open_, save_, saveAs_, undo_, redo_, fit_})
        a->setShortcutContext(Qt::WindowShortcut);
}

bool DocumentActions::maybeSave()
{
    if (!document_->isModified())
        return true;
    const QMessageBox::StandardButton answer =
        unsavedPrompt
            ? unsavedPrompt(document_->fileName())
            : QMessageBox::question(
                  parent_, QStringLiteral("Unsaved changes"),
                  QStringLiteral("%1 has unsaved changes. Save them?").arg(document_->fileName()),
                  QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Save)
        return save();
    return answer == QMessageBox::Discard;
}

void DocumentActions::newDocument()
{
    if (!maybeSave())
        return;
    // The modern canonical form of the family's llama_60m shape, as a starting point.
    if (auto r = loadBundled("llama_60m"); r && r->config) {
        ModelConfig c = *r->config;
        c.name = "untitled";
        document_->newFromConfig(c);
    }
    emit statusMessage(QStringLiteral("New config (modern canonical form); edit any field"));
}

bool DocumentActions::openBundled(const QString& name)
{
    if (!maybeSave())
        return false;
    if (!document_->newFromBundled(name))
        return false;
    emit statusMessage(QStringLiteral("Copy of bundled %1 (save to keep it)").arg(name));
    return true;
}

bool DocumentActions::openFile(const QString& path)
{
    if (!maybeSave())
        return false;
    QString error;
    if (!document_->openFile(path, &error)) {
        QMessageBox::warning(parent_, QStringLiteral("Cannot open"), error);
        return false;
    }
    emit fileUsed(document_->filePath());
    emit statusMessage(QStringLiteral("Opened %1 in the designer").arg(document_->filePath()));
    return true;
}

void DocumentActions::openDialog()
{
    const QString path =
        QFileDialog::getOpenFileName(parent_, QStringLiteral("Open config in the designer"), QString(),
                                     QStringLiteral("Config files (*.json);;All files (*)"));
    if (!path.isEmpty())
        openFile(path);
}

bool DocumentActions::save()
{
    if (document_->filePath().isEmpty())
        return saveAs();
    QString error;
    if (!document_->save(document_->filePath(), &error)) {
        QMessageBox::warning(parent_, QStringLiteral("Save failed"), error);
        return false;
    }
    emit fileUsed(document_->filePath());
    const std::size_t errors = document_->result().report.count(Severity::Error);
    emit statusMessage(errors == 0 ? QStringLiteral("Saved %1").arg(document_->filePath())
                                   : QStringLiteral("Saved %1 with %2")
                                         .arg(document_->filePath(),
                                              qs(plural(static_cast<std::int64_t>(errors), "error"))));
    return true;
}

bool DocumentActions::saveAs()
{
    const QString suggested = document_->filePath().isEmpty() ? document_->fileName() : document_->filePath();
    const QString path = savePathPrompt
                             ? savePathPrompt(suggested)
                             : QFileDialog::getSaveFileName(parent_, QStringLiteral("Save config"), suggested,
                                                            QStringLiteral("Config files (*.json)"));
    if (path.isEmpty())
        return false;
    QString error;
    if (!document_->save(path, &error)) {
        QMessageBox::warning(parent_, QStringLiteral("Save failed"), error);
        return false;
    }
    emit fileUsed(document_->filePath());
    emit statusMessage(QStringLiteral("Saved %1").arg(document_->filePath()));
    return true;
}

void DocumentActions::showFitDialog()
{
    if (!document_->isEditable())
        return;
    auto* dialog = new FitDialog(document_, parent_);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &FitDialog::statusMessage, this, &DocumentActions::statusMessage);
    dialog->show();
}

} // namespace llamascope::gui
