#pragma once
// Private helpers that size item-view columns to what they show: no clipped header, long
// values capped (and elided), the width left over handed out instead of left empty, and
// word-wrapped columns whose rows grow to fit.

#include <QObject>
#include <QStyledItemDelegate>

#include <map>
#include <set>

class QAbstractItemView;
class QHeaderView;

namespace llamascope::gui {

/// Sizes the columns of a table or tree view: each visible column gets the larger of its
/// header's and its contents' width (capped per column), and whatever width is left goes to
/// the `stretch` columns, or evenly to all when there are none. Runs again when the view is
/// resized or the model resets, until the user drags a column (then their widths stand until
/// the next reset).
class ColumnFitter final : public QObject {
    Q_OBJECT
public:
    ColumnFitter(QAbstractItemView* view, QHeaderView* header);

    /// No column grows past `pixels` from its contents (headers are never cut).
    void setCap(int column, int pixels);
    /// Columns that take the width left over (e.g. wrapped message columns).
    void setStretch(std::set<int> columns);
    /// Spread the leftover width over every column when no stretch column is set (default on).
    void setSpreadSlack(bool on) { spread_ = on; }
    /// Sizes the columns now (also after a reset of user widths).
    void fit();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QAbstractItemView* view_;
    QHeaderView* header_;
    // The watched viewports, kept as plain pointers: eventFilter() compares against them and
    // never calls into view_ or header_, which may be mid-destruction when an event arrives.
    QWidget* viewViewport_ = nullptr;
    QWidget* headerViewport_ = nullptr;
    std::map<int, int> caps_;
    std::set<int> stretch_;
    bool spread_ = true;
    bool fitting_ = false;
    bool userSized_ = false;
    bool dragging_ = false; ///< a mouse button is down on the header
};

/// Word-wraps the text of `wrapColumns` and reports row heights for the column's current
/// width (QTreeView, unlike QTableView, does not pass the width to the delegate).
class WrapDelegate final : public QStyledItemDelegate {
    Q_OBJECT
public:
    WrapDelegate(QHeaderView* header, std::set<int> wrapColumns, QObject* parent = nullptr);
    [[nodiscard]] QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override;

private:
    QHeaderView* header_;
    std::set<int> wrap_;
};

} // namespace llamascope::gui
