#include "llamascope/gui/compare_view.hpp"

#include "llamascope/errors.hpp"
#include "llamascope/format.hpp"
#include "llamascope/gui/compare_model.hpp"
#include "llamascope/gui/core_table_model.hpp"
#include "llamascope/gui/workspace.hpp"
#include "llamascope/io.hpp"
#include "llamascope/views.hpp"
#include "widgets.hpp"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

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
    filter_->setPlaceholderText(QStringLiteral("Filter configs by name (Ctrl+F)"));
    filter_->setClearButtonEnabled(true);
    filter_->setMinimumWidth(260);
    filter_->setMaximumWidth(360);
    connect(filter_, &QLineEdit::textChanged, proxy_, [this](const QString& text) {
        proxy_->setFilterRegularExpression(
            QRegularExpression(QRegularExpression::escape(text), QRegularExpression::CaseInsensitiveOption));
        updateSummary();
    });
    bar->addWidget(filter_);
    summary_ = new QLabel(this);
    summary_->setStyleSheet(QStringLiteral("color: #555;"));
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
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 8);
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
    // Ctrl+C in the table: the selected rows, visible columns, as core's CSV.
    auto* copySelection = new QAction(QStringLiteral("Copy selected rows"), table_);
    copySelection->setShortcut(QKeySequence::Copy);
    copySelection->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(copySelection, &QAction::triggered, this, [this] {
        QApplication::clipboard()->setText(selectionText());
        emit statusMessage(QStringLiteral("Copied the selected rows as CSV"));
    });
    table_->addAction(copySelection);

    auto* details = new QWidget(splitter_);
    auto* detailLayout = new QVBoxLayout(details);
    detailLayout->setContentsMargins(0, 4, 0, 0);
    detailTitle_ = new QLabel(details);
    detailTitle_->setTextFormat(Qt::RichText);
    detailLayout->addWidget(detailTitle_);
    auto* tables = new QHBoxLayout;
    paramsModel_ = new CoreTableModel(this);
    flopsModel_ = new CoreTableModel(this);
    paramsView_ = makeDetailTable(paramsModel_, details);
    flopsView_ = makeDetailTable(flopsModel_, details);
    tables->addWidget(paramsView_, 2);
    tables->addWidget(flopsView_, 5);
    detailLayout->addLayout(tables);
    splitter_->addWidget(table_);
    splitter_->addWidget(details);
    splitter_->setStretchFactor(0, 3);
    splitter_->setStretchFactor(1, 2);
    layout->addWidget(splitter_, 1);

    connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &CompareView::updateDetails);
    connect(proxy_, &QAbstractItemModel::modelReset, this, [this] {
        updateSummary();
        if (!table_->currentIndex().isValid() && proxy_->rowCount() > 0)
            table_->setCurrentIndex(proxy_->index(0, 0));
        updateDetails();
        table_->resizeColumnsToContents();
    });
    connect(proxy_, &QAbstractItemModel::rowsInserted, this, [this] {
        updateSummary();
        table_->resizeColumnsToContents(); // the draft row is bold, hence wider
    });
    connect(proxy_, &QAbstractItemModel::rowsRemoved, this, [this] { updateSummary(); });
    connect(proxy_, &QAbstractItemModel::dataChanged, this, [this] { updateDetails(); });
    table_->resizeColumnsToContents();
    if (proxy_->rowCount() > 0)
        table_->setCurrentIndex(proxy_->index(0, 0));
    updateSummary();
    updateDetails();
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
        table_->setColumnHidden(c, !visible);
        if (visible)
            table_->resizeColumnToContents(c);
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
            table_->setColumnHidden(c, !on);
            if (on)
                table_->resizeColumnToContents(c);
        });
    }
    menu.addSeparator();
    menu.addAction(QStringLiteral("Show default columns"), this, [this] {
        for (int c = 0; c < model_->columnCount(); ++c)
            table_->setColumnHidden(c, !CompareModel::column(c).defaultVisible);
    });
    menu.addAction(QStringLiteral("Show all columns"), this, [this] {
        for (int c = 0; c < model_->columnCount(); ++c)
            table_->setColumnHidden(c, false);
        table_->resizeColumnsToContents();
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
    QString text = shown == total ? QStringLiteral("%1 configs").arg(total - (draft ? 1 : 0))
                                  : QStringLiteral("%1 of %2 rows").arg(shown).arg(total);
    if (draft && shown == total)
        text += QStringLiteral(" + the designer's draft (bold)");
    if (withErrors > 0)
        text += QStringLiteral(" · %1 not shown: errors (see Validate)").arg(withErrors);
    text += QStringLiteral(" · FLOPs at T = each config's context length, causal");
    summary_->setText(text);
}

void CompareView::updateDetails()
{
    const QModelIndex current = table_->currentIndex();
    const auto* a =
        current.isValid() ? current.siblingAtColumn(0).data(AnalysisRole).value<const Analysis*>() : nullptr;
    if (a == nullptr) {
        detailTitle_->setText(
            QStringLiteral("<i>Select a config to see its parameter breakdown and FLOP conventions.</i>"));
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
    paramsView_->resizeColumnsToContents();
    // "What it counts" wraps in the space left; the numbers keep their natural width.
    flopsView_->setWordWrap(true);
    for (int c = 0; c + 1 < flopsModel_->columnCount(); ++c)
        flopsView_->resizeColumnToContents(c);
    flopsView_->resizeRowsToContents();
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
    if (s.contains(QStringLiteral("compare/splitter")))
        splitter_->restoreState(s.value(QStringLiteral("compare/splitter")).toByteArray());
    table_->resizeColumnsToContents();
}

} // namespace llamascope::gui
