#include "llamascope/gui/diff_view.hpp"

#include "text.hpp"
#include "widgets.hpp"

#include <QApplication>
#include <QBrush>
#include <QCheckBox>
#include <QClipboard>
#include <QColor>
#include <QFont>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace llamascope::gui {

// ---- DiffModel ------------------------------------------------------------------------------

DiffModel::DiffModel(QObject* parent) : QAbstractTableModel(parent)
{
}

void DiffModel::setAnalyses(const std::vector<Analysis>& analyses)
{
    beginResetModel();
    diff_.reset();
    if (analyses.size() >= 2) {
        std::vector<Analysis> shown(
            analyses.begin(),
            analyses.begin() +
                std::min<std::ptrdiff_t>(static_cast<std::ptrdiff_t>(analyses.size()), kMaxConfigs));
        diff_ = diffConfigs(shown);
    }
    rebuildRows();
    endResetModel();
}

void DiffModel::setOnlyDifferences(bool on)
{
    if (on == onlyDifferences_)
        return;
    beginResetModel();
    onlyDifferences_ = on;
    rebuildRows();
    endResetModel();
}

void DiffModel::setShowRatios(bool on)
{
    if (on == ratios_)
        return;
    beginResetModel();
    ratios_ = on;
    endResetModel();
}

void DiffModel::rebuildRows()
{
    rows_.clear();
    if (!diff_)
        return;
    for (std::size_t i = 0; i < diff_->rows.size(); ++i)
        if (!onlyDifferences_ || diff_->rows[i].differs)
            rows_.push_back(static_cast<int>(i));
}

int DiffModel::differingRows() const
{
    if (!diff_)
        return 0;
    return static_cast<int>(
        std::count_if(diff_->rows.begin(), diff_->rows.end(), [](const DiffRow& r) { return r.differs; }));
}

Table DiffModel::table() const
{
    if (!diff_)
        return {};
    DiffTableOptions o;
    o.onlyDifferences = onlyDifferences_;
    o.ratios = ratios_;
    return diffTable(*diff_, o);
}

const DiffRow* DiffModel::diffRow(int row) const
{
    if (!diff_ || row < 0 || row >= static_cast<int>(rows_.size()))
        return nullptr;
    return &diff_->rows[static_cast<std::size_t>(rows_[static_cast<std::size_t>(row)])];
}

std::pair<int, bool> DiffModel::columnRole(int column) const
{
    if (column <= 0)
        return {-1, false};
    if (!ratios_)
        return {column - 1, false};
    // Quantity | c0 | c1 r1 | c2 r2 | ...
    if (column == 1)
        return {0, false};
    const int k = column - 2;
    return {1 + k / 2, k % 2 == 1};
}

int DiffModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int DiffModel::columnCount(const QModelIndex& parent) const
{
    if (parent.isValid() || !diff_)
        return 0;
    const int n = static_cast<int>(diff_->names.size());
    return 1 + n + (ratios_ ? n - 1 : 0);
}

QVariant DiffModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const DiffRow* r = diffRow(index.row());
    if (r == nullptr)
        return {};
    const auto [config, ratio] = columnRole(index.column());
    const bool key = r->kind == DiffRow::Kind::ConfigKey;
    switch (role) {
    case Qt::DisplayRole:
        if (config < 0)
            return qs(r->label);
        if (ratio)
            return qs(ratioCell(r->ratios[static_cast<std::size_t>(config)]).display);
        return qs(r->values[static_cast<std::size_t>(config)].display);
    case Qt::ToolTipRole: {
        QString tip = QStringLiteral("<b>%1</b> — %2")
                          .arg(qs(r->label).toHtmlEscaped(), qs(r->tooltip).toHtmlEscaped());
        if (config >= 0 && diff_) {
            const QString name = qs(diff_->names[static_cast<std::size_t>(config)]).toHtmlEscaped();
            const QString value = qs(r->values[static_cast<std::size_t>(config)].display).toHtmlEscaped();
            tip += ratio ? QStringLiteral("<br>%1 / %2: %3")
                               .arg(name, qs(diff_->names.front()).toHtmlEscaped(),
                                    qs(ratioCell(r->ratios[static_cast<std::size_t>(config)]).display))
                         : QStringLiteral("<br>%1: %2").arg(name, value);
            if (value == QStringLiteral("—"))
                tip += QStringLiteral("<br><i>This family's config class does not read the key.</i>");
        }
        return tip;
    }
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(Qt::Alignment(config < 0 ? Qt::AlignLeft : Qt::AlignRight) |
                                   Qt::AlignVCenter);
    case Qt::FontRole: {
        QFont f;
        if (config < 0 && key) {
            f = monospaceFont();
        }
        // A value that differs from the first config's stands out.
        if (config > 0 && !ratio &&
            r->values[static_cast<std::size_t>(config)].display != r->values.front().display)
            f.setBold(true);
        return f;
    }
    case Qt::ForegroundRole:
        if (ratio || (config >= 0 && r->values[static_cast<std::size_t>(config)].display == "—"))
            return QBrush(QColor(110, 110, 110));
        if (config < 0 && !key)
            return QBrush(QColor(40, 70, 120));
        return {};
    case Qt::BackgroundRole:
        if (r->differs)
            return QBrush(QColor(255, 243, 205)); // the same amber as the draft row, lighter
        return {};
    default: return {};
    }
}

QVariant DiffModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || !diff_ || section < 0 || section >= columnCount())
        return {};
    const auto [config, ratio] = columnRole(section);
    if (role == Qt::DisplayRole) {
        if (config < 0)
            return QStringLiteral("Quantity");
        if (ratio)
            return QStringLiteral("× %1").arg(qs(diff_->names.front()));
        return qs(diff_->names[static_cast<std::size_t>(config)]);
    }
    if (role == Qt::ToolTipRole) {
        if (config < 0)
            return QStringLiteral("Config keys (monospace; resolved values, defaults applied) then derived "
                                  "metrics. Rows whose values differ are tinted.");
        if (ratio)
            return QStringLiteral("%1 divided by %2")
                .arg(qs(diff_->names[static_cast<std::size_t>(config)]), qs(diff_->names.front()));
        return qs(diff_->names[static_cast<std::size_t>(config)]);
    }
    if (role == Qt::TextAlignmentRole)
        return QVariant::fromValue(Qt::Alignment(config < 0 ? Qt::AlignLeft : Qt::AlignRight) |
                                   Qt::AlignVCenter);
    return {};
}

// ---- DiffView -------------------------------------------------------------------------------

DiffView::DiffView(QWidget* parent) : QWidget(parent), model_(new DiffModel(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    auto* bar = new QHBoxLayout;
    summary_ = new QLabel(this);
    summary_->setTextFormat(Qt::RichText);
    summary_->setWordWrap(true);
    bar->addWidget(summary_, 1);
    onlyDifferences_ = new QCheckBox(QStringLiteral("Only differences"), this);
    onlyDifferences_->setToolTip(QStringLiteral("Hide the rows whose values are the same in every config"));
    ratios_ = new QCheckBox(QStringLiteral("Ratios to the first"), this);
    ratios_->setChecked(true);
    bar->addWidget(onlyDifferences_);
    bar->addWidget(ratios_);
    auto* copy = new QToolButton(this);
    copy->setText(QStringLiteral("Copy"));
    copy->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(copy);
    menu->addAction(QStringLiteral("Copy side by side as CSV"), this, [this] { this->copy(false); });
    menu->addAction(QStringLiteral("Copy side by side as Markdown"), this, [this] { this->copy(true); });
    copy->setMenu(menu);
    bar->addWidget(copy);
    addToolButton(
        this, bar, QStringLiteral("Export…"),
        QStringLiteral("Write the side-by-side table as CSV or Markdown (llamascope compare --diff)"),
        [this] { exportDiff(); });
    layout->addLayout(bar);

    table_ = new QTableView(this);
    table_->setModel(model_);
    table_->verticalHeader()->hide();
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setWordWrap(false);
    table_->setTextElideMode(Qt::ElideMiddle);
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
    table_->horizontalHeader()->setStretchLastSection(false);
    layout->addWidget(table_, 1);

    connect(onlyDifferences_, &QCheckBox::toggled, this, [this](bool on) {
        model_->setOnlyDifferences(on);
        fitColumns();
        updateSummary(selected_);
    });
    connect(ratios_, &QCheckBox::toggled, this, [this](bool on) {
        model_->setShowRatios(on);
        fitColumns();
    });
    updateSummary(0);
}

void DiffView::setAnalyses(const std::vector<Analysis>& analyses, int selected)
{
    selected_ = selected;
    model_->setAnalyses(analyses);
    fitColumns();
    updateSummary(selected);
}

void DiffView::fitColumns()
{
    table_->resizeColumnsToContents();
    // Keys like "max_position_embeddings" are long but the values are what matter: cap the
    // quantity column; long values elide in the middle and show in full as a tooltip.
    const QFont mono = monospaceFont().resolve(table_->font());
    const int cap =
        QFontMetrics(mono).horizontalAdvance(QStringLiteral("original_max_position_embeddings")) + 12;
    if (table_->columnWidth(0) > cap)
        table_->setColumnWidth(0, cap);
    for (int c = 1; c < model_->columnCount(); ++c)
        table_->setColumnWidth(c, std::min(table_->columnWidth(c) + 12, 260));
}

void DiffView::updateSummary(int selected)
{
    const auto& d = model_->diff();
    if (!d) {
        summary_->setText(QStringLiteral("<i>Select two to six configs in the table (Ctrl+click or "
                                         "Shift+click) to see them side by side.</i>"));
        return;
    }
    QStringList names;
    for (const std::string& n : d->names)
        names << QStringLiteral("<b>%1</b>").arg(qs(n).toHtmlEscaped());
    QString text = QStringLiteral("%1 — %2 of %3 rows differ (tinted); ratios are to %4")
                       .arg(names.join(QStringLiteral(", ")))
                       .arg(model_->differingRows())
                       .arg(d->rows.size())
                       .arg(qs(d->names.front()).toHtmlEscaped());
    if (selected > DiffModel::kMaxConfigs)
        text += QStringLiteral(" · <span style='color:#b05a00'>%1 selected: showing the first %2</span>")
                    .arg(selected)
                    .arg(DiffModel::kMaxConfigs);
    summary_->setText(text);
}

QString DiffView::text(bool markdown) const
{
    const Table t = model_->table();
    return qs(markdown ? renderMarkdown(t) : renderCsv(t));
}

void DiffView::copy(bool markdown)
{
    QApplication::clipboard()->setText(text(markdown));
    emit statusMessage(markdown ? QStringLiteral("Copied the side-by-side table as Markdown")
                                : QStringLiteral("Copied the side-by-side table as CSV"));
}

void DiffView::exportDiff()
{
    if (!model_->diff())
        return;
    const QString path =
        exportTableDialog(this, QStringLiteral("Export side by side"), QStringLiteral("diff.csv"),
                          [this](bool markdown) { return text(markdown); });
    if (!path.isEmpty())
        emit statusMessage(QStringLiteral("Wrote %1").arg(path));
}

} // namespace llamascope::gui
