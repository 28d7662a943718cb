#include "llamascope/gui/validate_view.hpp"

#include "llamascope/format.hpp"
#include "llamascope/gui/findings_model.hpp"
#include "llamascope/gui/workspace.hpp"
#include "llamascope/io.hpp"
#include "llamascope/views.hpp"
#include "table_fit.hpp"
#include "text.hpp"
#include "widgets.hpp"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QStackedWidget>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

#include <exception>

namespace llamascope::gui {

ValidateView::ValidateView(Workspace* workspace, FindingsModel* model, QWidget* parent)
    : QWidget(parent), workspace_(workspace), model_(model), filter_(new FindingsFilter(this))
{
    filter_->setSourceModel(model_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    auto* bar = new QHBoxLayout;
    auto button = [&](const QString& text, const QString& tip, auto slot) {
        return addToolButton(this, bar, text, tip, slot);
    };
    button(QStringLiteral("Add files…"), QStringLiteral("Validate config files (Ctrl+O)"),
           [this] { addFiles(); });
    button(QStringLiteral("Add folder…"), QStringLiteral("Validate every *.json in a folder (Ctrl+Shift+O)"),
           [this] { addFolder(); });
    button(QStringLiteral("Re-validate"), QStringLiteral("Read every file again"),
           [this] { workspace_->reloadAll(); });
    button(QStringLiteral("Remove"), QStringLiteral("Remove the selected file from the session"), [this] {
        const QModelIndex i = tree_->currentIndex();
        if (i.isValid())
            workspace_->remove(i.data(FindingsModel::SourceRowRole).toInt());
    });
    bar->addSpacing(12);
    bar->addWidget(new QLabel(QStringLiteral("Show"), this));
    severity_ = new QComboBox(this);
    severity_->addItem(QStringLiteral("errors, warnings and notes"), static_cast<int>(Severity::Note));
    severity_->addItem(QStringLiteral("errors and warnings"), static_cast<int>(Severity::Warning));
    severity_->addItem(QStringLiteral("errors only"), static_cast<int>(Severity::Error));
    connect(severity_, &QComboBox::currentIndexChanged, this, [this] {
        filter_->setMinimumSeverity(static_cast<Severity>(severity_->currentData().toInt()));
        expandProblems();
    });
    bar->addWidget(severity_);
    summary_ = new QLabel(this);
    summary_->setStyleSheet(QStringLiteral("color: #555;"));
    summary_->setWordWrap(true); // wraps rather than widening the window
    bar->addWidget(summary_, 1);
    auto* copy = new QToolButton(this);
    copy->setText(QStringLiteral("Copy"));
    copy->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(copy);
    menu->addAction(QStringLiteral("Copy findings as CSV"), this, [this] { copyFindings(false); });
    menu->addAction(QStringLiteral("Copy findings as Markdown"), this, [this] { copyFindings(true); });
    copy->setMenu(menu);
    bar->addWidget(copy);
    button(QStringLiteral("Export…"), QStringLiteral("Write the findings as CSV or Markdown"),
           [this] { exportFindings(); });
    layout->addLayout(bar);

    stack_ = new QStackedWidget(this);
    tree_ = new QTreeView(stack_);
    tree_->setModel(filter_);
    tree_->setAlternatingRowColors(true);
    tree_->setUniformRowHeights(false);
    tree_->setSelectionBehavior(QAbstractItemView::SelectRows);
    tree_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    tree_->header()->setSectionResizeMode(QHeaderView::Interactive);
    // Message and hint wrap; a long pointer (/0/0/0/...) is cut in the middle (in full as a
    // tooltip); every column is as wide as its contents up to a cap, and the width left over
    // goes to the message and the hint.
    tree_->setWordWrap(false); // the delegate wraps message and hint only
    tree_->setTextElideMode(Qt::ElideMiddle);
    tree_->setItemDelegate(
        new WrapDelegate(tree_->header(), {FindingsModel::MessageColumn, FindingsModel::HintColumn}, tree_));
    fitter_ = new ColumnFitter(tree_, tree_->header());
    // Caps in the fonts the cells use: file names bold, codes and pointers monospace.
    QFont bold = font();
    bold.setBold(true);
    const QFontMetrics mono(monospaceFont().resolve(font()));
    fitter_->setCap(FindingsModel::SeverityColumn, QFontMetrics(bold).horizontalAdvance(QStringLiteral(
                                                       "llama_130m_sinusoidal_pos  (bundled)")) +
                                                       tree_->indentation() + 16);
    fitter_->setCap(FindingsModel::CodeColumn,
                    mono.horizontalAdvance(QStringLiteral("negative-token-id (known quirk)")) + 12);
    fitter_->setCap(FindingsModel::PointerColumn,
                    mono.horizontalAdvance(QStringLiteral("/rope_scaling/short_factor/12")) + 12);
    fitter_->setCap(FindingsModel::MessageColumn, 520);
    fitter_->setCap(FindingsModel::HintColumn, 420);
    fitter_->setStretch({FindingsModel::MessageColumn, FindingsModel::HintColumn});
    connect(tree_, &QTreeView::doubleClicked, this, [this](const QModelIndex& i) {
        const QModelIndex first = i.siblingAtColumn(0);
        emit openInDesigner(first.data(FindingsModel::PathRole).toString(),
                            first.data(FindingsModel::SourceLabelRole).toString(),
                            first.data(FindingsModel::IsFindingRole).toBool()
                                ? first.data(FindingsModel::PointerRole).toString()
                                : QString());
    });
    auto* empty = new QLabel(
        QStringLiteral("<p style='font-size:14pt; color:#666'>Drop config files or folders here</p>"
                       "<p style='color:#888'>or use Add files… / Add folder… — every finding comes with "
                       "its JSON pointer, line:column and a hint.</p>"),
        stack_);
    empty->setAlignment(Qt::AlignCenter);
    stack_->addWidget(tree_);
    stack_->addWidget(empty);
    layout->addWidget(stack_, 1);
    // The selected finding in full: messages and hints are often longer than their columns.
    details_ = new QLabel(this);
    details_->setWordWrap(true);
    details_->setTextFormat(Qt::RichText);
    details_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    details_->setMinimumHeight(details_->fontMetrics().height() * 3);
    details_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    details_->setStyleSheet(
        QStringLiteral("QLabel { background: #f6f7f9; border: 1px solid #dcdfe4; padding: 6px; }"));
    layout->addWidget(details_);
    connect(tree_->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &ValidateView::updateDetails);

    connect(model_, &QAbstractItemModel::modelReset, this, [this] {
        updateSummary();
        expandProblems();
        updateDetails();
    });
    updateDetails();
    updateSummary();
    expandProblems();
}

void ValidateView::expandProblems()
{
    // Files with errors or warnings open; clean files and notes-only files stay folded.
    for (int r = 0; r < filter_->rowCount(); ++r) {
        const QModelIndex i = filter_->index(r, 0);
        const int worst = i.data(FindingsModel::SeverityRole).toInt();
        tree_->setExpanded(i, worst >= static_cast<int>(Severity::Warning) &&
                                  !i.data(FindingsModel::PathRole).toString().isEmpty());
        tree_->setFirstColumnSpanned(r, {}, false);
    }
    fitter_->fit();
}

void ValidateView::updateDetails()
{
    const QModelIndex i = tree_->currentIndex().siblingAtColumn(0);
    if (!i.isValid()) {
        details_->setText(
            QStringLiteral("<span style='color:#777'>Select a finding to read it in full; double-click "
                           "to open the file in the designer at that field.</span>"));
        return;
    }
    const QString path = i.data(FindingsModel::PathRole).toString();
    const QString where =
        path.isEmpty() ? i.data(FindingsModel::SourceLabelRole).toString() + QStringLiteral(" (bundled)")
                       : path;
    if (!i.data(FindingsModel::IsFindingRole).toBool()) {
        details_->setText(QStringLiteral("<b>%1</b> — %2")
                              .arg(where.toHtmlEscaped(),
                                   i.siblingAtColumn(FindingsModel::MessageColumn).data().toString()));
        return;
    }
    auto cell = [&i](int column) { return i.siblingAtColumn(column).data().toString().toHtmlEscaped(); };
    const auto severity = static_cast<Severity>(i.data(FindingsModel::SeverityRole).toInt());
    QString pointer = i.data(FindingsModel::PointerRole).toString();
    if (pointer.size() > 120) // e.g. /0/0/0/... 256 levels deep: the cell's tooltip has it all
        pointer = pointer.left(56) + QStringLiteral(" … ") + pointer.right(56) +
                  QStringLiteral(" (%1 characters)").arg(pointer.size());
    details_->setText(
        QStringLiteral("<span style='color:%1'><b>%2</b></span> <b>%3</b> at <code>%4</code>, line:column "
                       "%5 of %6<br>%7<br><i>%8</i>%9")
            .arg(severityColor(severity).name(), cell(FindingsModel::SeverityColumn),
                 cell(FindingsModel::CodeColumn),
                 (pointer.isEmpty() ? QStringLiteral("(root)") : pointer).toHtmlEscaped(),
                 cell(FindingsModel::PositionColumn), where.toHtmlEscaped(),
                 cell(FindingsModel::MessageColumn), cell(FindingsModel::HintColumn),
                 i.data(FindingsModel::KnownQuirkRole).toBool()
                     ? QStringLiteral("<br><span style='color:#777'>A known quirk of the published family: "
                                      "the bundled file is kept as published.</span>")
                     : QString()));
}

void ValidateView::updateSummary()
{
    // Known quirks of the published family (core marks them) are counted apart, so the
    // reference set does not read as "16 with warnings".
    const SourceCounts c = workspace_->counts();
    QString text = QStringLiteral("%1: %2 with errors, %3 with warnings")
                       .arg(qs(plural(c.total, "file")))
                       .arg(c.withErrors)
                       .arg(c.withWarnings);
    if (c.quirksOnly > 0)
        text += QStringLiteral(", %1 with only known quirks of the published family").arg(c.quirksOnly);
    text += QStringLiteral(", %1 clean or notes only").arg(c.clean);
    summary_->setText(text);
    summary_->setToolTip(
        QStringLiteral("Known quirks: the bundled files keep the published family's legacy class "
                       "name, max_sequence_length and pad_token_id -1; they are still warnings, "
                       "shown in grey"));
    stack_->setCurrentIndex(c.total == 0 ? 1 : 0);
}

void ValidateView::addFiles()
{
    const QStringList files =
        QFileDialog::getOpenFileNames(this, QStringLiteral("Validate config files"), QString(),
                                      QStringLiteral("Config files (*.json);;All files (*)"));
    if (!files.isEmpty())
        emit filesOpened(files);
}

void ValidateView::addFolder()
{
    const QString dir =
        QFileDialog::getExistingDirectory(this, QStringLiteral("Validate a folder of configs"));
    if (!dir.isEmpty())
        emit filesOpened({dir});
}

QString ValidateView::findingsText(bool markdown) const
{
    const Table t = findingsTable(model_->reports());
    return qs(markdown ? renderMarkdown(t) : renderCsv(t));
}

void ValidateView::copyFindings(bool markdown)
{
    QApplication::clipboard()->setText(findingsText(markdown));
    emit statusMessage(markdown ? QStringLiteral("Copied findings as Markdown")
                                : QStringLiteral("Copied findings as CSV"));
}

void ValidateView::exportFindings()
{
    const QString path =
        exportTableDialog(this, QStringLiteral("Export findings"), QStringLiteral("findings.csv"),
                          [this](bool markdown) { return findingsText(markdown); });
    if (!path.isEmpty())
        emit statusMessage(QStringLiteral("Wrote %1").arg(path));
}

void ValidateView::revealFile(const QString& path)
{
    for (int r = 0; r < filter_->rowCount(); ++r) {
        const QModelIndex i = filter_->index(r, 0);
        if (i.data(FindingsModel::PathRole).toString() != path)
            continue;
        tree_->setExpanded(i, true);
        const QModelIndex target = filter_->rowCount(i) > 0 ? filter_->index(0, 0, i) : i;
        tree_->setCurrentIndex(target);
        tree_->scrollTo(target);
        return;
    }
}

void ValidateView::saveSettings(QSettings& s) const
{
    s.setValue(QStringLiteral("validate/severity"), severity_->currentIndex());
}

void ValidateView::restoreSettings(const QSettings& s)
{
    // Column widths are not restored: they follow the findings shown (ColumnFitter).
    severity_->setCurrentIndex(std::clamp(s.value(QStringLiteral("validate/severity"), 0).toInt(), 0, 2));
}

} // namespace llamascope::gui
