#pragma once
// Private helpers shared by the views: toolbar buttons and the CSV/Markdown export dialog.

#include "llamascope/gui/workspace.hpp"
#include "llamascope/io.hpp"

#include <QFileDialog>
#include <QFont>
#include <QHBoxLayout>
#include <QMessageBox>
#include <QString>
#include <QToolButton>

#include <exception>

namespace llamascope::gui {

/// The monospace font for keys, codes and pointers. Only the family is set: a widget (or an
/// item view) resolves the size against its own font. For metrics, resolve it first:
/// QFontMetrics(monospaceFont().resolve(widget->font())).
inline QFont monospaceFont()
{
    QFont mono;
    mono.setFamily(QStringLiteral("DejaVu Sans Mono"));
    mono.setStyleHint(QFont::Monospace);
    return mono;
}

/// A tool button with `text` and `tip` on `bar`, owned by `owner`, calling `slot` on click.
template <class Slot>
QToolButton* addToolButton(QWidget* owner, QHBoxLayout* bar, const QString& text, const QString& tip,
                           Slot slot)
{
    auto* b = new QToolButton(owner);
    b->setText(text);
    b->setToolTip(tip);
    QObject::connect(b, &QToolButton::clicked, owner, slot);
    bar->addWidget(b);
    return b;
}

/// Asks for a .csv or .md file and writes `text(markdown)` there atomically (core's
/// writeFileAtomic). Returns the path written, or an empty string when cancelled or failed
/// (failures are shown in a message box).
template <class TextFn>
QString exportTableDialog(QWidget* parent, const QString& title, const QString& defaultName, TextFn text)
{
    QString selected;
    QString path = QFileDialog::getSaveFileName(parent, title, defaultName,
                                                QStringLiteral("CSV (*.csv);;Markdown (*.md)"), &selected);
    if (path.isEmpty())
        return {};
    const bool markdown = path.endsWith(QStringLiteral(".md"), Qt::CaseInsensitive) ||
                          selected.startsWith(QStringLiteral("Markdown"));
    try {
        writeFileAtomic(toFsPath(path), text(markdown).toStdString(), Overwrite::Allow);
        return path;
    } catch (const std::exception& e) {
        QMessageBox::warning(parent, QStringLiteral("Export failed"), QString::fromUtf8(e.what()));
        return {};
    }
}

} // namespace llamascope::gui
