#include "llamascope/gui/core_table_model.hpp"

namespace llamascope::gui {

CoreTableModel::CoreTableModel(QObject* parent) : QAbstractTableModel(parent)
{
}

void CoreTableModel::setTable(Table table)
{
    bool sameShape = table.columns.size() == table_.columns.size() && table.rows.size() == table_.rows.size();
    for (std::size_t c = 0; sameShape && c < table.columns.size(); ++c)
        sameShape = table.columns[c].header == table_.columns[c].header;
    if (sameShape) {
        table_ = std::move(table);
        if (rowCount() > 0 && columnCount() > 0)
            emit dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
        return;
    }
    beginResetModel();
    table_ = std::move(table);
    endResetModel();
}

int CoreTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(table_.rows.size());
}

int CoreTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(table_.columns.size());
}

QVariant CoreTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto& row = table_.rows[static_cast<std::size_t>(index.row())];
    if (static_cast<std::size_t>(index.column()) >= row.size())
        return {};
    const Cell& cell = row[static_cast<std::size_t>(index.column())];
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole: return QString::fromStdString(cell.display);
    case Qt::EditRole: return QString::fromStdString(cell.raw.empty() ? cell.display : cell.raw);
    case Qt::TextAlignmentRole: {
        const Align a = table_.columns[static_cast<std::size_t>(index.column())].align;
        return QVariant::fromValue(Qt::Alignment(a == Align::Right ? Qt::AlignRight : Qt::AlignLeft) |
                                   Qt::AlignVCenter);
    }
    default: return {};
    }
}

QVariant CoreTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= columnCount())
        return {};
    const Column& c = table_.columns[static_cast<std::size_t>(section)];
    if (role == Qt::DisplayRole)
        return QString::fromStdString(c.header);
    if (role == Qt::ToolTipRole && section < headerTips_.size() && !headerTips_.at(section).isEmpty())
        return headerTips_.at(section);
    if (role == Qt::TextAlignmentRole)
        return QVariant::fromValue(Qt::Alignment(c.align == Align::Right ? Qt::AlignRight : Qt::AlignLeft) |
                                   Qt::AlignVCenter);
    return {};
}

} // namespace llamascope::gui
