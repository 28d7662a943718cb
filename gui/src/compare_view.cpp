#include "llamascope/gui/compare_view.hpp"

#include "llamascope/errors.hpp"
#include "llamascope/format.hpp"
#include "llamascope/gui/compare_model.hpp"
#include "llamascope/gui/core_table_model.hpp"
#include "llamascope/gui/diff_view.hpp"
#include "llamascope/gui/workspace.hpp"
#include "llamascope/io.hpp"
#include "llamascope/views.hpp"
#include "table_fit.hpp"
#include "text.hpp"
#include "widgets.hpp"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QScrollBar>
#include <QSettings>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTextDocument>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <exception>

namespace llamascope::gui {
namespace {

QTableView* makeDetailTable(CoreTableModel* model, QWidget* parent)
{
    auto* view = new QTableView(parent);
    view->setModel(model);
    view->verticalHeader()->hide();
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setSelectionMode(QAbstractItemView::ContiguousSelection);
    view->horizontalHeader()->setStretchLastSection(true);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    return view;
}

} // namespace

CompareView::CompareView(CompareModel* model, CompareProxy* proxy, const Workspace* workspace,
                         QWidget* parent)
    : QWidget(parent), model_(model), proxy_(proxy), workspace_(workspace)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);

    auto* bar = new QHBoxLayout;
    filter_ = new QLineEdit(this);
    filter_->setPlaceholderText(QStringLiteral("Filter (Ctrl+F): e.g. 60m 1b, or qwen2"));
    filter_->setToolTip(
        QStringLiteral("Several terms separated by spaces or | show every config whose name or "
                       "model_type contains any of them. Esc clears."));
    filter_->setClearButtonEnabled(true);
    filter_->setMinimumWidth(260);
    filter_->setMaximumWidth(360);
    filter_->installEventFilter(this);
    connect(filter_, &QLineEdit::textChanged, proxy_, [this](const QString& text) {
        proxy_->setFilterTerms(text);
        updateSummary();
    });
    bar->addWidget(filter_);
    summary_ = new QLabel(this);
    summary_->setTextFormat(Qt::RichText);
    summary_->setStyleSheet(QStringLiteral("color: #555;"));
    summary_->setMinimumWidth(120);
    bar->addWidget(summary_, 1);

    auto* columns = new QToolButton(this);
    columns->setText(QStringLiteral("Columns"));
    columns->setToolTip(QStringLiteral("Choose the columns (also: right-click the header)"));
    connect(columns, &QToolButton::clicked, this,
            [this, columns] { showColumnMenu(columns->mapToGlobal(QPoint(0, columns->height()))); });
    bar->addWidget(columns);

    auto* copy = new QToolButton(this);
    copy->setText(QStringLiteral("Copy"));
    copy->setPopupMode(QToolButton::InstantPopup);
    auto* copyMenu = new QMenu(copy);
    copyMenu->addAction(QStringLiteral("Copy as CSV"), this, &CompareView::copyCsv);
    copyMenu->addAction(QStringLiteral("Copy as Markdown"), this, &CompareView::copyMarkdown);
    copy->setMenu(copyMenu);
    bar->addWidget(copy);

    auto* exportButton = new QToolButton(this);
    exportButton->setText(QStringLiteral("Export…"));
    exportButton->setToolTip(
        QStringLiteral("Write the table as CSV or Markdown (what `llamascope compare` prints)"));
    connect(exportButton, &QToolButton::clicked, this, &CompareView::exportTable);
    bar->addWidget(exportButton);
    layout->addLayout(bar);

    splitter_ = new QSplitter(Qt::Vertical, this);
    splitter_->setChildrenCollapsible(false);
    table_ = new QTableView(splitter_);
    table_->setModel(proxy_);
    table_->setSortingEnabled(true);
    table_->sortByColumn(CompareModel::columnOf("params"), Qt::AscendingOrder);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setAlternatingRowColors(true);
    table_->setWordWrap(false);
    table_->verticalHeader()->hide();
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
    table_->horizontalHeader()->setSectionsMovable(true);
    table_->horizontalHeader()->setHighlightSections(false);
    table_->horizontalHeader()->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(table_->horizontalHeader(), &QWidget::customContextMenuRequested, this,
            [this](const QPoint& p) { showColumnMenu(table_->horizontalHeader()->mapToGlobal(p)); });
    table_->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(table_, &QWidget::customContextMenuRequested, this, &CompareView::showRowMenu);
    connect(table_, &QTableView::doubleClicked, this, [this](const QModelIndex& i) {
        emit openInDesigner(i.siblingAtColumn(0).data(SourceIndexRole).toInt());
    });
    for (int c = 0; c < model_->columnCount(); ++c)
        table_->setColumnHidden(c, !CompareModel::column(c).defaultVisible);
    fitter_ = new ColumnFitter(table_, table_->horizontalHeader());
    fitter_->setCap(0,
                    fontMetrics().horizontalAdvance(QStringLiteral("llama_130m_sinusoidal_pos (draft)__")));
    // Ctrl+C in the table: the selected rows, visible columns, as core's CSV.
    auto* copySelection = new QAction(QStringLiteral("Copy selected rows"), table_);
    copySelection->setShortcut(QKeySequence::Copy);
    copySelection->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(copySelection, &QAction::triggered, this, [this] {
        QApplication::clipboard()->setText(selectionText());
        emit statusMessage(QStringLiteral("Copied the selected rows as CSV"));
    });
    table_->addAction(copySelection);

    // Below the table: the current config's breakdown, or the selection side by side.
    below_ = new QTabWidget(splitter_);
    below_->setDocumentMode(true);
    auto* details = new QWidget(below_);
    auto* detailLayout = new QVBoxLayout(details);
    detailLayout->setContentsMargins(0, 4, 0, 0);
    detailTitle_ = new QLabel(details);
    detailTitle_->setTextFormat(Qt::RichText);
    detailTitle_->setWordWrap(true);
    detailLayout->addWidget(detailTitle_);
    auto* tables = new QHBoxLayout;
    paramsModel_ = new CoreTableModel(this);
    flopsModel_ = new CoreTableModel(this);
    paramsView_ = makeDetailTable(paramsModel_, details);
    paramsView_->horizontalHeader()->setStretchLastSection(false);
    paramsView_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    flopsView_ = makeDetailTable(flopsModel_, details);
    // One line per convention, so all four show at 1280×800: "What it counts" is elided in the
    // width left and its tooltip carries the whole sentence.
    flopsView_->setWordWrap(false);
    flopsView_->setTextElideMode(Qt::ElideRight);
    tables->addWidget(paramsView_, 0);
    tables->addWidget(flopsView_, 1);
    detailLayout->addLayout(tables, 1);
    below_->addTab(details, QStringLiteral("Selected config"));
    diff_ = new DiffView(below_);
    connect(diff_, &DiffView::statusMessage, this, &CompareView::statusMessage);
    below_->addTab(diff_, QStringLiteral("Side by side"));
    below_->setTabToolTip(1,
                          QStringLiteral("Select two to six rows (Ctrl+click, Shift+click) to compare them "
                                         "field by field"));
    splitter_->addWidget(table_);
    splitter_->addWidget(below_);
    splitter_->setStretchFactor(0, 3);
    splitter_->setStretchFactor(1, 2);
    layout->addWidget(splitter_, 1);

    connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &CompareView::updateDetails);
    connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &CompareView::updateSideBySide);
    connect(proxy_, &QAbstractItemModel::modelReset, this, [this] {
        applyDefaultColumns();
        updateSummary();
        if (!table_->currentIndex().isValid() && proxy_->rowCount() > 0)
            // Current (the detail pane shows it) but not selected: the charts highlight only what the user
            // picks.
            table_->selectionModel()->setCurrentIndex(proxy_->index(0, 0), QItemSelectionModel::NoUpdate);
        updateDetails();
        updateSideBySide();
    });
    connect(proxy_, &QAbstractItemModel::rowsInserted, this, [this] {
        applyDefaultColumns();
        updateSummary();
    });
    connect(proxy_, &QAbstractItemModel::rowsRemoved, this, [this] {
        updateSummary();
        updateSideBySide();
    });
    connect(proxy_, &QAbstractItemModel::dataChanged, this, [this] {
        updateDetails();
        updateSideBySide();
    });
    applyDefaultColumns();
    if (proxy_->rowCount() > 0)
        // Current (the detail pane shows it) but not selected: the charts highlight only what the user picks.
        table_->selectionModel()->setCurrentIndex(proxy_->index(0, 0), QItemSelectionModel::NoUpdate);
    updateSummary();
    updateDetails();
}

void CompareView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (!splitterSized_) {
        splitterSized_ = true;
        QTimer::singleShot(0, this, &CompareView::fitSplitter);
    }
}

void CompareView::fitSplitter()
{
    // Every row of the table in view when the window allows, the detail pane below keeping
    // room for the parameter breakdown; never less than half for the table.
    const int total = splitter_->height() - splitter_->handleWidth();
    int need = table_->horizontalHeader()->height() + 2 * table_->frameWidth() + 2;
    for (int r = 0; r < proxy_->rowCount(); ++r)
        need += table_->rowHeight(r);
    if (table_->horizontalScrollBar()->isVisible())
        need += table_->horizontalScrollBar()->height();
    const int below = table_->fontMetrics().height() * 13;
    const int top = std::max(total / 2, std::min(need, total - below));
    splitter_->setSizes({top, total - top});
}

bool CompareView::eventFilter(QObject* watched, QEvent* event)
{
    // Esc in the filter clears it (and is not taken by the window's Esc shortcut).
    if (watched == filter_ && !filter_->text().isEmpty()) {
        if (event->type() == QEvent::ShortcutOverride &&
            static_cast<QKeyEvent*>(event)->key() == Qt::Key_Escape) {
            event->accept();
            return true;
        }
        if (event->type() == QEvent::KeyPress && static_cast<QKeyEvent*>(event)->key() == Qt::Key_Escape) {
            filter_->clear();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void CompareView::setColumnShown(int column, bool shown)
{
    table_->setColumnHidden(column, !shown);
    if (shown)
        fitter_->fit();
}

void CompareView::applyDefaultColumns()
{
    const std::vector<Analysis> analyses = analysesInOrder(*model_);
    std::set<std::string> relevantNow;
    for (const CompareColumn& c : compareColumns())
        if (!c.defaultVisible && c.relevant && c.relevant(analyses))
            relevantNow.emplace(c.id);
    for (int c = 0; c < model_->columnCount(); ++c) {
        const CompareColumn& col = CompareModel::column(c);
        const std::string id(col.id);
        if (!columnsChosen_) {
            table_->setColumnHidden(c, !(col.defaultVisible || relevantNow.contains(id)));
        } else if (relevantNow.contains(id) && !relevantShown_.contains(id)) {
            table_->setColumnHidden(c, false); // newly relevant (a MoE config opened, ...)
        } else if (!relevantNow.contains(id) && relevantShown_.contains(id)) {
            table_->setColumnHidden(c, true);
        }
    }
    relevantShown_ = relevantNow;
    fitter_->fit();
}

std::vector<std::string> CompareView::visibleColumnIds() const
{
    std::vector<std::string> ids;
    const QHeaderView* header = table_->horizontalHeader();
    for (int visual = 0; visual < header->count(); ++visual) {
        const int logical = header->logicalIndex(visual);
        if (!header->isSectionHidden(logical))
            ids.emplace_back(CompareModel::column(logical).id);
    }
    return ids;
}

void CompareView::setColumnVisible(const std::string& id, bool visible)
{
    const int c = CompareModel::columnOf(id);
    if (c >= 0) {
        columnsChosen_ = true;
        setColumnShown(c, visible);
    }
}

QString CompareView::tableText(bool markdown) const
{
    const Table t = compareExportTable(*proxy_, visibleColumnIds());
    return QString::fromStdString(markdown ? renderMarkdown(t) : renderCsv(t));
}

QString CompareView::selectionText() const
{
    std::vector<Analysis> rows;
    QModelIndexList selected = table_->selectionModel()->selectedRows();
    std::sort(selected.begin(), selected.end(),
              [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
    for (const QModelIndex& i : selected)
        if (const auto* a = i.data(AnalysisRole).value<const Analysis*>())
            rows.push_back(*a);
    if (rows.empty())
        return tableText(false);
    return QString::fromStdString(renderCsv(compareTable(rows, visibleColumnIds())));
}

void CompareView::copyCsv()
{
    QApplication::clipboard()->setText(tableText(false));
    emit statusMessage(QStringLiteral("Copied %1 rows as CSV").arg(proxy_->rowCount()));
}

void CompareView::copyMarkdown()
{
    QApplication::clipboard()->setText(tableText(true));
    emit statusMessage(QStringLiteral("Copied %1 rows as Markdown").arg(proxy_->rowCount()));
}

void CompareView::exportTable()
{
    const QString path =
        exportTableDialog(this, QStringLiteral("Export comparison"), QStringLiteral("compare.csv"),
                          [this](bool markdown) { return tableText(markdown); });
    if (!path.isEmpty())
        emit statusMessage(QStringLiteral("Wrote %1").arg(path));
}

void CompareView::focusFilter()
{
    filter_->setFocus();
    filter_->selectAll();
}

void CompareView::setFilterText(const QString& text)
{
    filter_->setText(text);
}

QString CompareView::summaryText() const
{
    QTextDocument doc;
    doc.setHtml(summary_->text());
    return doc.toPlainText();
}

QItemSelectionModel* CompareView::selectionModel() const
{
    return table_->selectionModel();
}

bool CompareView::showingSideBySide() const
{
    return below_->currentWidget() == diff_;
}

QStringList CompareView::selectedNames() const
{
    QModelIndexList selected = table_->selectionModel()->selectedRows();
    std::sort(selected.begin(), selected.end(),
              [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
    QStringList names;
    for (const QModelIndex& i : selected)
        names << i.data().toString();
    return names;
}

void CompareView::selectConfigs(const QStringList& names)
{
    QItemSelection selection;
    QModelIndex first;
    for (const QString& name : names)
        for (int r = 0; r < proxy_->rowCount(); ++r)
            if (proxy_->index(r, 0).data().toString() == name) {
                selection.select(proxy_->index(r, 0), proxy_->index(r, proxy_->columnCount() - 1));
                if (!first.isValid())
                    first = proxy_->index(r, 0);
            }
    table_->selectionModel()->select(selection,
                                     QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    if (first.isValid()) {
        table_->selectionModel()->setCurrentIndex(first, QItemSelectionModel::NoUpdate);
        table_->scrollTo(first);
    }
}

void CompareView::selectConfig(const QString& name)
{
    for (int r = 0; r < proxy_->rowCount(); ++r)
        if (proxy_->index(r, 0).data().toString() == name) {
            table_->setCurrentIndex(proxy_->index(r, 0));
            table_->scrollTo(proxy_->index(r, 0));
            return;
        }
}

void CompareView::showColumnMenu(const QPoint& globalPos)
{
    QMenu menu(this);
    for (int c = 0; c < model_->columnCount(); ++c) {
        const CompareColumn& col = CompareModel::column(c);
        QAction* a = menu.addAction(QStringLiteral("%1 — %2").arg(
            QString::fromUtf8(col.header.data(), static_cast<qsizetype>(col.header.size())),
            QString::fromUtf8(col.tooltip.data(), static_cast<qsizetype>(col.tooltip.size()))));
        a->setCheckable(true);
        a->setChecked(!table_->isColumnHidden(c));
        a->setEnabled(col.id != "name"); // the model name always shows
        connect(a, &QAction::toggled, this, [this, c](bool on) {
            columnsChosen_ = true;
            setColumnShown(c, on);
        });
    }
    menu.addSeparator();
    menu.addAction(QStringLiteral("Show default columns"), this, [this] {
        columnsChosen_ = false;
        applyDefaultColumns();
    });
    menu.addAction(QStringLiteral("Show all columns"), this, [this] {
        columnsChosen_ = true;
        for (int c = 0; c < model_->columnCount(); ++c)
            table_->setColumnHidden(c, false);
        fitter_->fit();
    });
    menu.exec(globalPos);
}

void CompareView::showRowMenu(const QPoint& pos)
{
    const QModelIndex i = table_->indexAt(pos);
    QMenu menu(this);
    if (i.isValid()) {
        const int source = i.siblingAtColumn(0).data(SourceIndexRole).toInt();
        menu.addAction(QStringLiteral("Open in Designer"), this,
                       [this, source] { emit openInDesigner(source); });
        const int selected = static_cast<int>(table_->selectionModel()->selectedRows().size());
        QAction* side = menu.addAction(QStringLiteral("Show the selected side by side"), this,
                                       [this] { below_->setCurrentWidget(diff_); });
        side->setEnabled(selected >= 2);
    }
    menu.addAction(QStringLiteral("Copy table as CSV"), this, &CompareView::copyCsv);
    menu.addAction(QStringLiteral("Copy table as Markdown"), this, &CompareView::copyMarkdown);
    menu.exec(table_->viewport()->mapToGlobal(pos));
}

void CompareView::updateSummary()
{
    const int shown = proxy_->rowCount();
    const int total = model_->rowCount();
    int withErrors = 0;
    if (workspace_ != nullptr)
        for (const ConfigSource& s : workspace_->sources())
            withErrors += s.usable() ? 0 : 1;
    const bool draft = model_->hasDraft();
    const QStringList& terms = proxy_->filterTerms();
    QString text;
    bool nothing = false;
    if (total == 0) {
        text = QStringLiteral("No configs open: File ▸ Open, or drop config files on the window");
    } else if (shown == 0 && !terms.isEmpty()) {
        nothing = true;
        text = QStringLiteral("<span style='color:#c82828'><b>Nothing matches</b> %1</span> — a config shows "
                              "when its name or family contains any term; Esc clears the filter")
                   .arg(terms.join(QStringLiteral(" | ")).toHtmlEscaped());
    } else if (shown != total) {
        text = QStringLiteral("%1 of %2 configs match %3")
                   .arg(shown)
                   .arg(total)
                   .arg(terms.join(QStringLiteral(" | ")).toHtmlEscaped());
    } else {
        text = qs(plural(total - (draft ? 1 : 0), "config"));
        if (draft)
            text += QStringLiteral(" + the designer's draft (bold)");
    }
    if (withErrors > 0)
        text += QStringLiteral(" · %1 not shown: errors (see Validate)").arg(withErrors);
    if (!nothing && total > 0)
        text += QStringLiteral(" · FLOPs at T = each config's context length, causal");
    summary_->setText(text);
    summary_->setToolTip(summaryText());
    filter_->setStyleSheet(nothing ? QStringLiteral("QLineEdit { border: 1px solid #c82828; }") : QString());
}

void CompareView::updateSideBySide()
{
    QModelIndexList rows = table_->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(),
              [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
    std::vector<Analysis> analyses;
    for (const QModelIndex& i : rows)
        if (const auto* a = i.data(AnalysisRole).value<const Analysis*>())
            analyses.push_back(*a);
    const int n = static_cast<int>(analyses.size());
    diff_->setAnalyses(n >= 2 ? analyses : std::vector<Analysis>{}, n);
    below_->setTabText(1, n >= 2
                              ? QStringLiteral("Side by side (%1)").arg(std::min(n, DiffModel::kMaxConfigs))
                              : QStringLiteral("Side by side"));
    if (n >= 2 && below_->currentWidget() != diff_) {
        below_->setCurrentWidget(diff_);
        // The side-by-side table is long: give it at least two fifths of the height.
        const QList<int> sizes = splitter_->sizes();
        const int total = sizes.value(0) + sizes.value(1);
        if (total > 0 && sizes.value(1) < total * 2 / 5)
            splitter_->setSizes({total - total * 2 / 5, total * 2 / 5});
    } else if (n < 2 && below_->currentWidget() == diff_) {
        below_->setCurrentIndex(0);
    }
}

void CompareView::updateDetails()
{
    const QModelIndex current = table_->currentIndex();
    const auto* a =
        current.isValid() ? current.siblingAtColumn(0).data(AnalysisRole).value<const Analysis*>() : nullptr;
    if (a == nullptr) {
        detailTitle_->setText(
            proxy_->rowCount() == 0 && !proxy_->filterTerms().isEmpty()
                ? QStringLiteral("<i>No config matches the filter.</i>")
                : QStringLiteral(
                      "<i>Select a config to see its parameter breakdown and FLOP conventions.</i>"));
        paramsModel_->setTable({});
        flopsModel_->setTable({});
        return;
    }
    detailTitle_->setText(
        QStringLiteral("<b>%1</b> — parameter breakdown, and FLOP conventions side by side at T = %2 "
                       "(%3). <i>exact</i> counts every matmul the forward runs; the others are the "
                       "papers' approximations.")
            .arg(QString::fromStdString(a->config.name).toHtmlEscaped(),
                 QString::fromStdString(formatCount(a->flops.options.seqLen)),
                 QString::fromUtf8(toString(a->flops.options.mask).data())));
    paramsModel_->setTable(parameterTable(a->params));
    flopsModel_->setTable(flopConventionsTable(a->flops));
    // The breakdown keeps its natural width (no clipped Share column); the FLOP table takes
    // the rest, its last column wrapping.
    // (The last section does not stretch: a stretched width read back would be the view's.)
    int width = 2 * paramsView_->frameWidth() + paramsView_->verticalScrollBar()->sizeHint().width() + 2;
    for (int c = 0; c < paramsModel_->columnCount(); ++c) {
        const QAbstractItemView* view = paramsView_; // sizeHintForColumn is public there
        const int w =
            std::max(view->sizeHintForColumn(c), paramsView_->horizontalHeader()->sectionSizeHint(c));
        paramsView_->setColumnWidth(c, w);
        width += w;
    }
    paramsView_->setFixedWidth(width);
    for (int c = 0; c + 1 < flopsModel_->columnCount(); ++c)
        flopsView_->resizeColumnToContents(c);
}

void CompareView::saveSettings(QSettings& s) const
{
    QStringList ids;
    for (const std::string& id : visibleColumnIds())
        ids << QString::fromStdString(id);
    s.setValue(QStringLiteral("compare/columns"), ids);
    s.setValue(
        QStringLiteral("compare/sortColumn"),
        QString::fromUtf8(
            CompareModel::column(std::max(0, table_->horizontalHeader()->sortIndicatorSection())).id.data()));
    s.setValue(QStringLiteral("compare/sortOrder"),
               static_cast<int>(table_->horizontalHeader()->sortIndicatorOrder()));
    s.setValue(QStringLiteral("compare/splitter"), splitter_->saveState());
}

void CompareView::restoreSettings(const QSettings& s)
{
    if (s.contains(QStringLiteral("compare/columns"))) {
        columnsChosen_ = true;
        const QStringList ids = s.value(QStringLiteral("compare/columns")).toStringList();
        for (int c = 0; c < model_->columnCount(); ++c)
            table_->setColumnHidden(c, !ids.contains(QString::fromUtf8(
                                           CompareModel::column(c).id.data(),
                                           static_cast<qsizetype>(CompareModel::column(c).id.size()))));
        table_->setColumnHidden(0, false);
        // Restore the saved order of the visible columns.
        QHeaderView* header = table_->horizontalHeader();
        int visual = 0;
        for (const QString& id : ids) {
            const int logical = CompareModel::columnOf(id.toStdString());
            if (logical < 0)
                continue;
            header->moveSection(header->visualIndex(logical), visual++);
        }
    }
    if (s.contains(QStringLiteral("compare/sortColumn"))) {
        const int c =
            CompareModel::columnOf(s.value(QStringLiteral("compare/sortColumn")).toString().toStdString());
        if (c >= 0)
            table_->sortByColumn(
                c, static_cast<Qt::SortOrder>(s.value(QStringLiteral("compare/sortOrder")).toInt()));
    }
    if (s.contains(QStringLiteral("compare/splitter"))) {
        splitter_->restoreState(s.value(QStringLiteral("compare/splitter")).toByteArray());
        splitterSized_ = true;
    }
    fitter_->fit();
}

} // namespace llamascope::gui
