#pragma once
// A read-only item model over a core llamascope::Table (parameter breakdowns, FLOP
// conventions, memory terms, ...): the GUI shows core's own cells, never re-formats them.

#include "llamascope/table.hpp"

#include <QAbstractTableModel>
#include <QStringList>

namespace llamascope::gui {

class CoreTableModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    explicit CoreTableModel(QObject* parent = nullptr);

    /// Replaces the table. A table with the same shape only emits dataChanged (so views keep
    /// their scroll position and selection while the designer is being edited).
    void setTable(Table table);
    [[nodiscard]] const Table& table() const { return table_; }
    /// Header tooltips by column (e.g. a column registry's descriptions); empty: none.
    void setHeaderToolTips(QStringList tips) { headerTips_ = std::move(tips); }

    [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role = Qt::DisplayRole) const override;

private:
    Table table_;
    QStringList headerTips_;
};

} // namespace llamascope::gui
