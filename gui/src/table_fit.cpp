#include "table_fit.hpp"

#include <QAbstractItemView>
#include <QEvent>
#include <QHeaderView>
#include <QTimer>
#include <QTreeView>

#include <algorithm>
#include <vector>

namespace llamascope::gui {

ColumnFitter::ColumnFitter(QAbstractItemView* view, QHeaderView* header)
    : QObject(view), view_(view), header_(header)
{
    header_->setStretchLastSection(false);
    viewViewport_ = view_->viewport();
    headerViewport_ = header_->viewport();
    viewViewport_->installEventFilter(this);
    headerViewport_->installEventFilter(this);
    connect(header_, &QHeaderView::sectionResized, this, [this] {
        // Hiding or showing a column resizes sections too; only a drag with the mouse on the
        // header means the user chose a width.
        if (!fitting_ && dragging_)
            userSized_ = true; // the user dragged a column: leave their widths alone
        if (auto* tree = qobject_cast<QTreeView*>(view_))
            QTimer::singleShot(0, tree, &QTreeView::doItemsLayout); // wrapped rows change height
    });
    auto refit = [this] {
        userSized_ = false;
        QTimer::singleShot(0, this, &ColumnFitter::fit);
    };
    if (QAbstractItemModel* m = view_->model()) {
        connect(m, &QAbstractItemModel::modelReset, this, refit);
        connect(m, &QAbstractItemModel::layoutChanged, this, [this] {
            if (!userSized_)
                QTimer::singleShot(0, this, &ColumnFitter::fit);
        });
        connect(m, &QAbstractItemModel::rowsInserted, this, [this] {
            if (!userSized_)
                QTimer::singleShot(0, this, &ColumnFitter::fit);
        });
    }
    connect(header_, &QHeaderView::sectionCountChanged, this, refit);
}

void ColumnFitter::setCap(int column, int pixels)
{
    caps_[column] = pixels;
}

void ColumnFitter::setStretch(std::set<int> columns)
{
    stretch_ = std::move(columns);
}

void ColumnFitter::fit()
{
    fitting_ = true;
    const int n = header_->count();
    std::vector<int> widths(static_cast<std::size_t>(n), 0);
    std::vector<int> visible;
    int total = 0;
    for (int c = 0; c < n; ++c) {
        if (header_->isSectionHidden(c))
            continue;
        const int head = header_->sectionSizeHint(c);
        int w = std::max(head, view_->sizeHintForColumn(c));
        if (const auto cap = caps_.find(c); cap != caps_.end())
            w = std::max(head, std::min(w, cap->second));
        widths[static_cast<std::size_t>(c)] = w;
        total += w;
        visible.push_back(c);
    }
    std::vector<int> takers;
    for (int c : visible)
        if (stretch_.contains(c))
            takers.push_back(c);
    if (takers.empty() && spread_)
        takers = visible;
    const int available = view_->viewport()->width() - 2;
    int slack = available - total;
    if (!takers.empty() && slack > 0) {
        const int share = slack / static_cast<int>(takers.size());
        for (int c : takers)
            widths[static_cast<std::size_t>(c)] += share;
        widths[static_cast<std::size_t>(takers.back())] += slack - share * static_cast<int>(takers.size());
    } else if (!stretch_.empty() && slack < 0) {
        // Too narrow: the wrapping columns give up width (in proportion to what each has
        // above a readable minimum) before a horizontal scroll bar appears.
        const int floor = view_->fontMetrics().horizontalAdvance(QLatin1Char('x')) * 24;
        int spare = 0;
        for (int c : takers)
            spare += std::max(0, widths[static_cast<std::size_t>(c)] - floor);
        const int give = std::min(-slack, spare);
        int given = 0;
        for (std::size_t k = 0; k < takers.size() && spare > 0; ++k) {
            int& w = widths[static_cast<std::size_t>(takers[k])];
            const int above = std::max(0, w - floor);
            const int share = k + 1 == takers.size()
                                  ? give - given
                                  : static_cast<int>(static_cast<long long>(give) * above / spare);
            w -= std::min(share, above);
            given += std::min(share, above);
        }
    }
    for (int c : visible)
        header_->resizeSection(c, widths[static_cast<std::size_t>(c)]);
    fitting_ = false;
    if (auto* tree = qobject_cast<QTreeView*>(view_))
        tree->doItemsLayout();
}

bool ColumnFitter::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == headerViewport_) {
        if (event->type() == QEvent::MouseButtonPress)
            dragging_ = true;
        else if (event->type() == QEvent::MouseButtonRelease)
            dragging_ = false;
        else if (event->type() == QEvent::MouseButtonDblClick) // double-click a handle: fit that column
            userSized_ = true;
    }
    if (watched == viewViewport_ && event->type() == QEvent::Resize && !userSized_)
        QTimer::singleShot(0, this, &ColumnFitter::fit);
    return QObject::eventFilter(watched, event);
}

// ---- WrapDelegate -----------------------------------------------------------------------------

WrapDelegate::WrapDelegate(QHeaderView* header, std::set<int> wrapColumns, QObject* parent)
    : QStyledItemDelegate(parent), header_(header), wrap_(std::move(wrapColumns))
{
}

void WrapDelegate::initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    if (wrap_.contains(index.column()))
        option->features |= QStyleOptionViewItem::WrapText;
}

QSize WrapDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    if (!wrap_.contains(index.column()))
        return QStyledItemDelegate::sizeHint(option, index);
    const int width = header_->sectionSize(index.column());
    if (width <= 0)
        return QStyledItemDelegate::sizeHint(option, index);
    // Width: the text on one line (what the column would like, for ColumnFitter); height: the
    // text wrapped in the column's current width (the style wraps inside a valid option.rect).
    QStyleOptionViewItem opt = option;
    opt.rect = QRect(0, 0, width, 1);
    const QSize wrapped = QStyledItemDelegate::sizeHint(opt, index);
    QStyleOptionViewItem line = option;
    line.rect = QRect();
    const QSize natural = QStyledItemDelegate::sizeHint(line, index);
    return {natural.width(), wrapped.height()};
}

} // namespace llamascope::gui
