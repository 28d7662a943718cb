#include "llamascope/gui/compare_model.hpp"

#include "llamascope/gui/workspace.hpp"
#include "llamascope/views.hpp"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QRegularExpression>

#include <cmath>

namespace llamascope::gui {
namespace {

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

QString qs(std::string_view s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

} // namespace

CompareModel::CompareModel(QObject* parent) : QAbstractTableModel(parent)
{
}

void CompareModel::setWorkspace(const Workspace* workspace)
{
    if (workspace_ != nullptr)
        disconnect(workspace_, nullptr, this, nullptr);
    workspace_ = workspace;
    if (workspace_ != nullptr)
        connect(workspace_, &Workspace::changed, this, &CompareModel::rebuild);
    rebuild();
}

void CompareModel::rebuild()
{
    beginResetModel();
    rows_.clear();
    if (workspace_ != nullptr) {
        const auto& sources = workspace_->sources();
        for (std::size_t i = 0; i < sources.size(); ++i)
            if (sources[i].usable())
                rows_.push_back({analyze(*sources[i].result.config), static_cast<int>(i)});
    }
    endResetModel();
}

void CompareModel::setDraft(const std::optional<Analysis>& draft)
{
    const int row = static_cast<int>(rows_.size());
    if (draft && draft_) {
        draft_ = draft;
        emit dataChanged(index(row, 0), index(row, columnCount() - 1));
    } else if (draft) {
        beginInsertRows({}, row, row);
        draft_ = draft;
        endInsertRows();
    } else if (draft_) {
        beginRemoveRows({}, row, row);
        draft_.reset();
        endRemoveRows();
    }
}

int CompareModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid())
        return 0;
    return static_cast<int>(rows_.size()) + (draft_ ? 1 : 0);
}

int CompareModel::columnCount(const QModelIndex& parent) const
{
    if (parent.isValid())
        return 0;
    return static_cast<int>(compareColumns().size());
}

const Analysis& CompareModel::analysis(int row) const
{
    if (row == static_cast<int>(rows_.size()) && draft_)
        return *draft_;
    return rows_.at(static_cast<std::size_t>(row)).analysis;
}

bool CompareModel::isDraft(int row) const
{
    return draft_.has_value() && row == static_cast<int>(rows_.size());
}

int CompareModel::sourceIndex(int row) const
{
    return isDraft(row) ? -1 : rows_.at(static_cast<std::size_t>(row)).sourceIndex;
}

const CompareColumn& CompareModel::column(int section)
{
    return compareColumns()[static_cast<std::size_t>(section)];
}

int CompareModel::columnOf(std::string_view id)
{
    const auto columns = compareColumns();
    for (std::size_t i = 0; i < columns.size(); ++i)
        if (columns[i].id == id)
            return static_cast<int>(i);
    return -1;
}

QVariant CompareModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Analysis& a = analysis(index.row());
    const CompareColumn& c = column(index.column());
    const bool draft = isDraft(index.row());
    switch (role) {
    case Qt::DisplayRole: {
        QString text = qs(c.cell(a).display);
        return text;
    }
    case Qt::ToolTipRole: {
        const Cell cell = c.cell(a);
        QString tip = QStringLiteral("<b>%1</b> — %2<br>%3")
                          .arg(qs(a.config.name).toHtmlEscaped(), qs(c.tooltip).toHtmlEscaped(),
                               qs(cell.display).toHtmlEscaped());
        if (draft)
            tip += QStringLiteral("<br><i>Designer draft (unsaved)</i>");
        return tip;
    }
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(Qt::Alignment(c.align == Align::Right ? Qt::AlignRight : Qt::AlignLeft) |
                                   Qt::AlignVCenter);
    case Qt::FontRole:
        if (draft) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    case Qt::BackgroundRole:
        if (draft)
            return QBrush(QColor(255, 244, 204));
        return {};
    case SortRole: {
        const double v = c.value(a);
        if (std::isnan(v))
            return qs(c.cell(a).display);
        return v;
    }
    case AnalysisRole: return QVariant::fromValue(&a);
    case DraftRole: return draft;
    case SourceIndexRole: return sourceIndex(index.row());
    default: return {};
    }
}

QVariant CompareModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Vertical) {
        if (role == Qt::DisplayRole && section >= 0 && section < rowCount())
            return section + 1;
        return {};
    }
    if (section < 0 || section >= columnCount())
        return {};
    const CompareColumn& c = column(section);
    switch (role) {
    case Qt::DisplayRole: return qs(c.header);
    case Qt::ToolTipRole: return QStringLiteral("%1 (%2)").arg(qs(c.tooltip), qs(c.id));
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(Qt::Alignment(c.align == Align::Right ? Qt::AlignRight : Qt::AlignLeft) |
                                   Qt::AlignVCenter);
    case ColumnIdRole: return qs(c.id);
    default: return {};
    }
}

CompareProxy::CompareProxy(QObject* parent) : QSortFilterProxyModel(parent)
{
    setSortRole(SortRole);
    setFilterKeyColumn(0);
    setFilterCaseSensitivity(Qt::CaseInsensitive);
    setDynamicSortFilter(true);
}

bool CompareProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    const QVariant l = left.data(SortRole);
    const QVariant r = right.data(SortRole);
    const bool ln = l.typeId() == QMetaType::Double;
    const bool rn = r.typeId() == QMetaType::Double;
    if (ln && rn) {
        const double a = l.toDouble(), b = r.toDouble();
        if (a != b)
            return a < b;
    } else if (!ln && !rn) {
        const int c = QString::localeAwareCompare(l.toString(), r.toString());
        if (c != 0)
            return c < 0;
    } else {
        return ln; // numbers before text (cannot happen within one column)
    }
    // Stable tie-break on the model name, then the source row.
    const QString ln2 = left.siblingAtColumn(0).data(Qt::DisplayRole).toString();
    const QString rn2 = right.siblingAtColumn(0).data(Qt::DisplayRole).toString();
    if (ln2 != rn2)
        return ln2 < rn2;
    return left.row() < right.row();
}

QStringList CompareProxy::splitTerms(const QString& text)
{
    static const QRegularExpression separators(QStringLiteral("[\\s|,]+"));
    return text.split(separators, Qt::SkipEmptyParts);
}

void CompareProxy::setFilterTerms(const QString& text)
{
    const QStringList terms = splitTerms(text);
    if (terms == terms_)
        return;
    terms_ = terms;
    invalidateFilter();
}

bool CompareProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (terms_.isEmpty())
        return QSortFilterProxyModel::filterAcceptsRow(sourceRow, sourceParent);
    const QModelIndex i = sourceModel()->index(sourceRow, 0, sourceParent);
    const QString name = i.data(Qt::DisplayRole).toString();
    const auto* a = i.data(AnalysisRole).value<const Analysis*>();
    const QString family = a != nullptr ? qs(toString(a->config.modelType)) : QString();
    for (const QString& t : terms_)
        if (name.contains(t, Qt::CaseInsensitive) || family.contains(t, Qt::CaseInsensitive))
            return true;
    return false;
}

std::vector<Analysis> analysesInOrder(const QAbstractItemModel& model)
{
    std::vector<Analysis> out;
    const int rows = model.rowCount();
    out.reserve(static_cast<std::size_t>(rows));
    for (int r = 0; r < rows; ++r) {
        const auto* a = model.index(r, 0).data(AnalysisRole).value<const Analysis*>();
        if (a != nullptr)
            out.push_back(*a);
    }
    return out;
}

Table compareExportTable(const QAbstractItemModel& model, const std::vector<std::string>& columnIds)
{
    return compareTable(analysesInOrder(model), columnIds);
}

} // namespace llamascope::gui
