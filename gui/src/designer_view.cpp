#include "llamascope/gui/designer_view.hpp"

#include "llamascope/bundled.hpp"
#include "llamascope/gui/core_table_model.hpp"
#include "llamascope/gui/designer_document.hpp"
#include "llamascope/gui/designer_form.hpp"
#include "llamascope/gui/document_actions.hpp"
#include "llamascope/gui/findings_model.hpp"
#include "llamascope/gui/metrics_panel.hpp"
#include "llamascope/views.hpp"
#include "table_fit.hpp"
#include "text.hpp"
#include "widgets.hpp"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QSettings>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTextBlock>
#include <QToolButton>
#include <QVBoxLayout>

namespace llamascope::gui {
namespace {

QToolButton* actionButton(QAction* action, const QString& text, QWidget* parent)
{
    auto* b = new QToolButton(parent);
    b->setDefaultAction(action);
    b->setText(text); // shorter than the menu's text
    return b;
}

/// A toolbar button for an action whose text changes (undo: "Undo Set hidden_size to 576"):
/// the button keeps its short text and shows the action's in its tooltip.
QToolButton* shortButton(QAction* action, const QString& text, QWidget* parent)
{
    auto* b = new QToolButton(parent);
    b->setText(text);
    QObject::connect(b, &QToolButton::clicked, action, &QAction::trigger);
    auto sync = [b, action] {
        b->setEnabled(action->isEnabled());
        b->setToolTip(QStringLiteral("%1 (%2)").arg(action->text().remove(QLatin1Char('&')),
                                                    action->shortcut().toString(QKeySequence::NativeText)));
    };
    QObject::connect(action, &QAction::changed, b, sync);
    sync();
    return b;
}

QLabel* bannerLabel(const QString& style, QWidget* parent)
{
    auto* l = new QLabel(parent);
    l->setWordWrap(true);
    l->setTextFormat(Qt::RichText);
    l->setVisible(false);
    l->setStyleSheet(style);
    return l;
}

} // namespace

DesignerView::DesignerView(DesignerDocument* document, QWidget* parent)
    : QWidget(parent), document_(document), actions_(new DocumentActions(document, this))
{
    // The actions' shortcuts work wherever focus is in this window, fields included.
    addActions({actions_->newAction(), actions_->openAction(), actions_->saveAction(),
                actions_->saveAsAction(), actions_->undoAction(), actions_->redoAction(),
                actions_->fitAction()});
    connect(actions_, &DocumentActions::statusMessage, this, &DesignerView::statusMessage);
    connect(actions_, &DocumentActions::fileUsed, this, &DesignerView::fileUsed);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);

    auto* bar = new QHBoxLayout;
    bar->addWidget(actionButton(actions_->newAction(), QStringLiteral("New"), this));
    auto* fromBundled = new QToolButton(this);
    fromBundled->setText(QStringLiteral("From bundled"));
    fromBundled->setToolTip(QStringLiteral("Start from a copy of a bundled config"));
    fromBundled->setPopupMode(QToolButton::InstantPopup);
    auto* bundledMenu = new QMenu(fromBundled);
    for (std::string_view name : bundledNames()) {
        const QString n = qs(name);
        bundledMenu->addAction(n, this, [this, n] { openBundled(n); });
    }
    fromBundled->setMenu(bundledMenu);
    bar->addWidget(fromBundled);
    bar->addWidget(actionButton(actions_->openAction(), QStringLiteral("Open…"), this));
    bar->addWidget(actionButton(actions_->saveAction(), QStringLiteral("Save"), this));
    bar->addWidget(actionButton(actions_->saveAsAction(), QStringLiteral("Save As…"), this));
    bar->addSpacing(12);
    bar->addWidget(shortButton(actions_->undoAction(), QStringLiteral("Undo"), this));
    bar->addWidget(shortButton(actions_->redoAction(), QStringLiteral("Redo"), this));
    bar->addSpacing(12);
    bar->addWidget(actionButton(actions_->fitAction(), QStringLiteral("Fit to target…"), this));
    bar->addSpacing(12);
    title_ = new QLabel(this);
    title_->setTextFormat(Qt::RichText);
    title_->setMinimumWidth(80);
    bar->addWidget(title_, 1);
    layout->addLayout(bar);

    banner_ = bannerLabel(
        QStringLiteral("QLabel { background: #fff4e5; border: 1px solid #f0c080; padding: 4px; }"), this);
    layout->addWidget(banner_);
    readOnly_ = bannerLabel(
        QStringLiteral("QLabel { background: #fde8e8; border: 1px solid #e0a0a0; padding: 6px; }"), this);
    layout->addWidget(readOnly_);

    splitter_ = new QSplitter(Qt::Horizontal, this);
    splitter_->setChildrenCollapsible(false);
    form_ = new DesignerForm(document_, splitter_);
    form_->setMinimumWidth(480);
    connect(form_, &DesignerForm::generalFindingsChanged, this, [this](const QStringList& lines) {
        banner_->setText(lines.join(QStringLiteral("<br>")));
        banner_->setVisible(!lines.isEmpty() && document_->isEditable());
    });

    side_ = new QTabWidget(splitter_);
    side_->setDocumentMode(true);
    metrics_ = new MetricsPanel(side_);
    side_->addTab(metrics_, QStringLiteral("Metrics"));
    // Findings tab: core's findings table for this document.
    findingsModel_ = new CoreTableModel(this);
    findingsView_ = new QTableView(side_);
    findingsView_->setModel(findingsModel_);
    findingsView_->verticalHeader()->hide();
    findingsView_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    findingsView_->setSelectionBehavior(QAbstractItemView::SelectRows);
    findingsView_->setAlternatingRowColors(true);
    findingsView_->setWordWrap(true);
    findingsView_->setTextElideMode(Qt::ElideMiddle);
    findingsView_->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    auto* findingsFit = new ColumnFitter(findingsView_, findingsView_->horizontalHeader());
    findingsFit->setStretch({6, 7}); // message and hint wrap in the width left
    findingsFit->setCap(5, fontMetrics().horizontalAdvance(QStringLiteral("/rope_scaling/long_factor__")));
    findingsFit->setCap(6, 420);
    findingsFit->setCap(7, 360);
    connect(findingsView_, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        const auto& findings = document_->result().report.findings;
        if (index.row() < static_cast<int>(findings.size()))
            focusField(qs(findings[static_cast<std::size_t>(index.row())].pointer));
    });
    side_->addTab(findingsView_, QStringLiteral("Findings"));
    // Source tab: the text that was validated (and what Save writes, modulo core's formatting).
    source_ = new QPlainTextEdit(side_);
    source_->setReadOnly(true);
    QFont mono = monospaceFont();
    source_->setFont(mono);
    source_->setLineWrapMode(QPlainTextEdit::NoWrap);
    side_->addTab(source_, QStringLiteral("Source"));

    splitter_->addWidget(form_);
    splitter_->addWidget(side_);
    splitter_->setStretchFactor(0, 1);
    splitter_->setStretchFactor(1, 1);
    splitter_->setSizes({600, 660}); // the metrics' widest table (memory) fits at 1280 px
    layout->addWidget(splitter_, 1);

    connect(document_, &DesignerDocument::validated, this, &DesignerView::refresh);
    connect(document_, &DesignerDocument::modifiedChanged, this, &DesignerView::updateHeader);
    connect(document_, &DesignerDocument::filePathChanged, this, &DesignerView::updateHeader);
    refresh();
}

// ---- File actions -----------------------------------------------------------------------------

void DesignerView::newDocument()
{
    actions_->newDocument();
}

bool DesignerView::openBundled(const QString& name, const QString& pointer)
{
    if (!actions_->openBundled(name))
        return false;
    if (!pointer.isNull())
        focusField(pointer);
    return true;
}

bool DesignerView::openFile(const QString& path, const QString& pointer)
{
    if (!actions_->openFile(path))
        return false;
    if (!pointer.isNull())
        focusField(pointer);
    return true;
}

void DesignerView::openDialog()
{
    actions_->openDialog();
}

bool DesignerView::save()
{
    return actions_->save();
}

bool DesignerView::saveAs()
{
    return actions_->saveAs();
}

bool DesignerView::maybeSave()
{
    return actions_->maybeSave();
}

void DesignerView::showFitDialog()
{
    actions_->showFitDialog();
}

// ---- Views of the document --------------------------------------------------------------------

FieldEditor* DesignerView::editor(const std::string& key) const
{
    return form_->editor(key);
}

QString DesignerView::fieldFindings(const std::string& key) const
{
    return form_->fieldFindings(key);
}

QString DesignerView::metricText(const std::string& columnId) const
{
    return metrics_->metricText(columnId);
}

QString DesignerView::publishedText() const
{
    return metrics_->publishedText();
}

QString DesignerView::statusText() const
{
    return metrics_->statusText();
}

void DesignerView::refresh()
{
    ++refreshes_;
    metrics_->refresh(document_->result(), document_->analysis());
    refreshFindingsTable();
    refreshSource();
    updateHeader();
}

void DesignerView::updateHeader()
{
    const QString name = document_->fileName();
    const QString where =
        document_->filePath().isEmpty() ? QStringLiteral("not saved yet") : document_->filePath();
    title_->setText(QStringLiteral("<b>%1</b>%2 <span style='color:#777'>— %3</span>")
                        .arg(name.toHtmlEscaped(), document_->isModified() ? QStringLiteral(" •") : QString(),
                             where.toHtmlEscaped()));
    title_->setToolTip(document_->isModified() ? QStringLiteral("Unsaved changes") : where);
}

void DesignerView::refreshFindingsTable()
{
    const ValidationReport& report = document_->result().report;
    if (!document_->isEditable()) {
        QStringList lines;
        for (const Finding& f : report.findings)
            lines << QStringLiteral("<span style='color:%1'>●</span> <b>%2</b> %3%4")
                         .arg(severityColor(f.severity()).name(),
                              qs(std::string(toString(f.code))).toHtmlEscaped(),
                              qs(f.message).toHtmlEscaped(),
                              f.pos.known() ? QStringLiteral(" <b>(line %1, column %2)</b>")
                                                  .arg(f.pos.line)
                                                  .arg(f.pos.column)
                                            : QString());
        readOnly_->setText(
            QStringLiteral("<b>%1 cannot be edited in the form</b>: the form would have to change "
                           "what the file says. Fix it in a text editor; llamascope re-reads it "
                           "when it is saved (Validate view).<br>%2")
                .arg(document_->fileName().toHtmlEscaped(), lines.join(QStringLiteral("<br>"))));
        banner_->setVisible(false);
    }
    readOnly_->setVisible(!document_->isEditable());
    std::vector<ValidationReport> reports = {report};
    findingsModel_->setTable(findingsTable(reports));
    findingsView_->setColumnHidden(0, true);
    side_->setTabText(1, report.findings.empty()
                             ? QStringLiteral("Findings")
                             : QStringLiteral("Findings (%1)").arg(report.findings.size()));
}

void DesignerView::refreshSource()
{
    const QString& text = document_->text();
    if (source_->toPlainText() != text) {
        const int scroll = source_->verticalScrollBar()->value();
        source_->setPlainText(text);
        source_->verticalScrollBar()->setValue(scroll);
    }
    QList<QTextEdit::ExtraSelection> marks;
    for (const Finding& f : document_->result().report.findings) {
        if (!f.pos.known())
            continue;
        QTextEdit::ExtraSelection sel;
        QColor c = severityColor(f.severity());
        c.setAlpha(40);
        sel.format.setBackground(c);
        sel.format.setProperty(QTextFormat::FullWidthSelection, true);
        sel.format.setToolTip(qs(f.message));
        sel.cursor = QTextCursor(source_->document()->findBlockByNumber(f.pos.line - 1));
        marks << sel;
    }
    source_->setExtraSelections(marks);
}

void DesignerView::showSourceAt(int line, int column)
{
    side_->setCurrentWidget(source_);
    const QTextBlock block = source_->document()->findBlockByNumber(std::max(0, line - 1));
    QTextCursor cursor(block);
    cursor.movePosition(QTextCursor::Right, QTextCursor::MoveAnchor, std::max(0, column - 1));
    source_->setTextCursor(cursor);
    source_->centerCursor();
}

void DesignerView::focusField(const QString& pointer)
{
    if (form_->focusField(pointer))
        return;
    for (const Finding& f : document_->result().report.findings)
        if (qs(f.pointer) == pointer && f.pos.known()) {
            showSourceAt(f.pos.line, f.pos.column);
            return;
        }
    side_->setCurrentWidget(source_);
}

void DesignerView::saveSettings(QSettings& s) const
{
    s.setValue(QStringLiteral("designer/splitter"), splitter_->saveState());
    s.setValue(QStringLiteral("designer/sideTab"), side_->currentIndex());
    form_->saveSettings(s);
}

void DesignerView::restoreSettings(const QSettings& s)
{
    if (s.contains(QStringLiteral("designer/splitter")))
        splitter_->restoreState(s.value(QStringLiteral("designer/splitter")).toByteArray());
    side_->setCurrentIndex(s.value(QStringLiteral("designer/sideTab"), 0).toInt());
    form_->restoreSettings(s);
}

} // namespace llamascope::gui
