#include "llamascope/gui/scope_chart.hpp"

#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QCursor>
#include <QFileInfo>
#include <QGraphicsRectItem>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QGraphicsTextItem>
#include <QHelpEvent>
#include <QImage>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QPainter>
#include <QScatterSeries>
#include <QStackedLayout>
#include <QSvgGenerator>
#include <QTextDocument>
#include <QTextOption>
#include <QToolTip>
#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QBarSeries>
#include <QtCharts/QBarSet>
#include <QtCharts/QCategoryAxis>
#include <QtCharts/QLegend>
#include <QtCharts/QLogValueAxis>
#include <QtCharts/QPercentBarSeries>
#include <QtCharts/QStackedBarSeries>
#include <QtCharts/QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

namespace llamascope::gui {
namespace {

QFont chartFont(int pointSizeDelta = 0, bool bold = false)
{
    QFont f = QApplication::font();
    f.setPointSizeF(std::max(6.0, f.pointSizeF() + pointSizeDelta));
    f.setBold(bold);
    return f;
}

/// The data range of one axis over every XY point, padded so markers are not cut in half.
std::pair<double, double> dataRange(const ChartSpec& spec, bool xAxis, bool log)
{
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (const XYSeriesSpec& s : spec.series)
        for (const QPointF& p : s.points) {
            const double v = xAxis ? p.x() : p.y();
            if (log && v <= 0)
                continue;
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    for (const BarSetSpec& b : spec.barSets)
        for (double v : b.values) {
            if (log && v <= 0)
                continue;
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    if (!xAxis && spec.kind == ChartSpec::Kind::StackedBars) {
        // A stacked bar reaches the sum of its segments, not its largest one.
        for (qsizetype c = 0; c < spec.categories.size(); ++c) {
            double top = 0;
            for (const BarSetSpec& b : spec.barSets)
                if (static_cast<std::size_t>(c) < b.values.size() &&
                    b.values[static_cast<std::size_t>(c)] > 0)
                    top += b.values[static_cast<std::size_t>(c)];
            hi = std::max(hi, top);
        }
    }
    if (!xAxis)
        for (const ReferenceLine& r : spec.references) {
            lo = std::min(lo, r.y);
            hi = std::max(hi, r.y);
        }
    if (!std::isfinite(lo))
        return {log ? 1.0 : 0.0, log ? 10.0 : 1.0};
    if (log) {
        // Whole decades (or powers of the base) around the data: readable tick labels.
        const AxisSpec& a = xAxis ? spec.x : spec.y;
        const double b = a.base;
        const double lower = std::pow(b, std::floor(std::log(lo) / std::log(b) + 1e-9));
        const double upper = std::pow(b, std::ceil(std::log(hi) / std::log(b) - 1e-9));
        return {lower, upper > lower ? upper : lower * b};
    }
    const double pad = (hi - lo) * 0.05 + (hi == lo ? 1.0 : 0.0);
    return {std::min(0.0, lo - pad), hi + pad};
}

QAbstractAxis* makeAxis(const ChartSpec& spec, bool xAxis)
{
    const AxisSpec& a = xAxis ? spec.x : spec.y;
    QAbstractAxis* axis = nullptr;
    auto [lo, hi] = dataRange(spec, xAxis, a.log);
    if (a.min)
        lo = *a.min;
    if (a.max)
        hi = *a.max;
    if (!a.ticks.empty()) {
        auto* c = new QCategoryAxis;
        for (const auto& [value, label] : a.ticks)
            c->append(label, value);
        c->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
        c->setRange(lo, hi);
        axis = c;
    } else if (a.log) {
        auto* l = new QLogValueAxis;
        l->setBase(a.base);
        // Exactly the powers dataRange() chose: a hair below would make Qt add a decade.
        l->setRange(lo, hi);
        l->setMinorTickCount(a.base == 10 ? 8 : 0);
        if (!a.labelFormat.isEmpty())
            l->setLabelFormat(a.labelFormat);
        axis = l;
    } else {
        auto* v = new QValueAxis;
        v->setRange(lo, hi);
        if (!a.labelFormat.isEmpty())
            v->setLabelFormat(a.labelFormat);
        v->applyNiceNumbers();
        axis = v;
    }
    axis->setTitleText(a.title);
    axis->setTitleFont(chartFont(0, true));
    axis->setLabelsFont(chartFont(-1));
    axis->setGridLineColor(QColor(225, 225, 225));
    return axis;
}

} // namespace

/// What buildChart() made: the chart and the items ScopeChart styles and places later.
struct ScopeChart::Built {
    QChart* chart = nullptr;
    QGraphicsSimpleTextItem* title = nullptr;
    QGraphicsTextItem* subtitle = nullptr;
    struct Label {
        QGraphicsSimpleTextItem* item = nullptr;
        int series = 0;
        int point = 0;
        bool end = false; ///< a line-end label (beside the plot) rather than a point label
    };
    std::vector<Label> labels;
    std::vector<QAbstractSeries*> series; ///< XY series, index = spec series index
    std::vector<QBarSet*> sets;
};

namespace {

constexpr int kFadeAlpha = 70;

QColor faded(QColor c)
{
    c.setAlpha(kFadeAlpha);
    return c;
}

/// A bar colour mixed towards white (bars stay opaque, so stacked segments do not bleed).
QColor whitened(const QColor& c)
{
    auto mix = [](int v) { return v + (255 - v) * 2 / 3; };
    return {mix(c.red()), mix(c.green()), mix(c.blue())};
}

/// Text colour for a label in a series' colour: dark enough to read on white.
QColor labelColor(const QColor& c)
{
    return c.lightness() > 150 ? c.darker(170) : c;
}

std::unique_ptr<ScopeChart::Built> buildChart(const ChartSpec& spec);

/// Title and subtitle centred at the top (the subtitle wraps), margins that make room for
/// them and for the line-end labels on the right.
void layoutFrame(ScopeChart::Built& b)
{
    QChart* chart = b.chart;
    const double w = chart->size().width();
    double y = 6;
    if (b.title != nullptr) {
        const QRectF r = b.title->boundingRect();
        b.title->setPos(std::max(4.0, (w - r.width()) / 2), y);
        y += r.height() + 2;
    }
    if (b.subtitle != nullptr) {
        b.subtitle->setTextWidth(std::max(100.0, w - 48));
        b.subtitle->setPos(24, y);
        y += b.subtitle->boundingRect().height();
    }
    double right = 12;
    for (const auto& l : b.labels)
        if (l.end)
            right = std::max(right, l.item->boundingRect().width() + 16);
    const QMargins want(8, static_cast<int>(std::ceil(y)) + 4, static_cast<int>(std::ceil(right)), 4);
    if (chart->margins() != want)
        chart->setMargins(want);
}

/// Places point labels so that they neither collide with each other nor leave the plot:
/// each takes the first free spot around its point (right, left, above, below, ...), the
/// draft's and the selected ones first. Line-end labels sit right of the plot at their
/// line's last value, spread vertically so that none overlaps another.
void placeLabels(ScopeChart::Built& b, const ChartSpec& spec)
{
    QChart* chart = b.chart;
    const QRectF area = chart->plotArea();
    std::vector<QRectF> taken;
    // Point labels, most important first.
    std::vector<const ScopeChart::Built::Label*> points;
    std::vector<const ScopeChart::Built::Label*> ends;
    for (const auto& l : b.labels)
        (l.end ? ends : points).push_back(&l);
    auto rank = [&](const ScopeChart::Built::Label* l) {
        const XYSeriesSpec& s = spec.series[static_cast<std::size_t>(l->series)];
        return s.highlight ? 0 : s.selected ? 1 : 2;
    };
    std::stable_sort(points.begin(), points.end(), [&](auto* a, auto* c) { return rank(a) < rank(c); });
    // Scatter markers are obstacles too: a label over a marker hides a point (e.g. a published
    // model under a config's name). Label-on-label overlap weighs more, so labels still avoid
    // each other first.
    std::vector<QRectF> markers;
    if (!points.empty())
        for (std::size_t i = 0; i < spec.series.size() && i < b.series.size(); ++i) {
            const XYSeriesSpec& s = spec.series[i];
            if (!s.scatter || b.series[i] == nullptr)
                continue;
            const double m = s.markerSize;
            for (const QPointF& v : s.points) {
                const QPointF c = chart->mapToPosition(v, b.series[i]);
                if (area.contains(c))
                    markers.emplace_back(c.x() - m / 2, c.y() - m / 2, m, m);
            }
        }
    for (const auto* l : points) {
        const QPointF value =
            spec.series[static_cast<std::size_t>(l->series)].points[static_cast<std::size_t>(l->point)];
        const QPointF p = chart->mapToPosition(value, b.series[static_cast<std::size_t>(l->series)]);
        const QSizeF box = l->item->boundingRect().size();
        if (!area.contains(p)) {
            l->item->setVisible(false);
            continue;
        }
        const double w = box.width(), h = box.height();
        const std::array<QPointF, 8> candidates = {
            QPointF(p.x() + 8, p.y() - h / 2),     QPointF(p.x() - 8 - w, p.y() - h / 2),
            QPointF(p.x() + 5, p.y() - h - 4),     QPointF(p.x() + 5, p.y() + 4),
            QPointF(p.x() - 5 - w, p.y() - h - 4), QPointF(p.x() - 5 - w, p.y() + 4),
            QPointF(p.x() - w / 2, p.y() - h - 8), QPointF(p.x() - w / 2, p.y() + 8)};
        QPointF best = candidates.front();
        double bestOverlap = std::numeric_limits<double>::infinity();
        for (const QPointF& c : candidates) {
            const QRectF r(c, box);
            if (!area.contains(r))
                continue;
            double overlap = 0;
            for (const QRectF& t : taken) {
                const QRectF i = r.intersected(t);
                overlap += i.isValid() ? 4 * i.width() * i.height() : 0;
            }
            for (const QRectF& t : markers) {
                const QRectF i = r.intersected(t);
                overlap += i.isValid() ? i.width() * i.height() : 0;
            }
            if (overlap < bestOverlap) {
                bestOverlap = overlap;
                best = c;
                if (overlap == 0)
                    break;
            }
        }
        l->item->setPos(best);
        l->item->setVisible(true);
        taken.emplace_back(best, box);
    }
    // Line-end labels: sorted by their line's end, pushed apart, kept inside the chart.
    struct End {
        const ScopeChart::Built::Label* label;
        double y;
        double h;
    };
    std::vector<End> es;
    for (const auto* l : ends) {
        const XYSeriesSpec& s = spec.series[static_cast<std::size_t>(l->series)];
        if (s.points.empty()) {
            l->item->setVisible(false);
            continue;
        }
        const QPointF p =
            chart->mapToPosition(s.points.back(), b.series[static_cast<std::size_t>(l->series)]);
        const double h = l->item->boundingRect().height();
        es.push_back({l, p.y() - h / 2, h});
    }
    std::sort(es.begin(), es.end(), [](const End& a, const End& c) { return a.y < c.y; });
    const double top = area.top() - 4, bottom = area.bottom() + 4;
    for (std::size_t i = 0; i < es.size(); ++i) {
        es[i].y = std::max(es[i].y, i == 0 ? top : es[i - 1].y + es[i - 1].h);
    }
    for (std::size_t i = es.size(); i-- > 0;) {
        const double limit = i + 1 == es.size() ? bottom : es[i + 1].y;
        es[i].y = std::min(es[i].y, limit - es[i].h);
    }
    for (const End& e : es) {
        e.label->item->setPos(area.right() + 6, e.y);
        e.label->item->setVisible(true);
    }
}

/// Pens, colours and label fonts for the current emphasis: selected series (and the draft)
/// stay strong while the rest fade; a hovered line gets thicker and everything else fades.
void applyStyles(ScopeChart::Built& b, const ChartSpec& spec, int hovered)
{
    const bool anySelected = spec.anySelected();
    for (std::size_t i = 0; i < b.series.size(); ++i) {
        const XYSeriesSpec& s = spec.series[i];
        auto* xy = qobject_cast<QXYSeries*>(b.series[i]);
        if (xy == nullptr)
            continue;
        const bool config = !s.endLabel.isEmpty() || s.scatter;
        bool strong = !anySelected || s.selected || s.highlight || !config;
        if (hovered >= 0)
            strong = static_cast<int>(i) == hovered || !config;
        const QColor color = strong ? s.color : faded(s.color);
        if (s.scatter) {
            auto* sc = static_cast<QScatterSeries*>(xy);
            sc->setColor(color);
            sc->setBorderColor(strong ? s.color.darker(140) : faded(s.color.darker(140)));
        } else {
            double width = s.highlight ? s.width + 1.5 : s.width;
            if (s.selected)
                width += 1.5;
            if (static_cast<int>(i) == hovered)
                width += 2;
            QPen pen(color, width);
            if (s.dashed)
                pen.setStyle(Qt::DashLine);
            xy->setPen(pen);
        }
    }
    for (auto& l : b.labels) {
        const XYSeriesSpec& s = spec.series[static_cast<std::size_t>(l.series)];
        bool strong = !anySelected || s.selected || s.highlight;
        if (hovered >= 0)
            strong = l.series == hovered;
        const QColor base =
            l.end ? labelColor(s.color) : (s.highlight ? s.color.darker(130) : QColor(60, 60, 60));
        l.item->setBrush(strong ? base : faded(base));
        l.item->setFont(chartFont(-1, s.highlight || s.selected || l.series == hovered));
        // A label's backing follows its text (the font just changed).
        for (QGraphicsItem* child : l.item->childItems())
            if (auto* backing = qgraphicsitem_cast<QGraphicsRectItem*>(child))
                backing->setRect(l.item->boundingRect().adjusted(-3, -1, 3, 1));
    }
    for (std::size_t i = 0; i < b.sets.size() && i < spec.barSets.size(); ++i) {
        QBarSet* set = b.sets[i];
        const QColor c = spec.barSets[i].color;
        if (!anySelected) {
            set->setColor(c);
            set->setBorderColor(c.darker(125));
            continue;
        }
        // Selected categories in full colour, the others whitened.
        set->setColor(whitened(c));
        set->setBorderColor(whitened(c.darker(125)));
        set->setSelectedColor(c);
        QList<int> chosen;
        for (std::size_t k = 0; k < spec.selectedCategory.size(); ++k)
            if (spec.selectedCategory[k])
                chosen << static_cast<int>(k);
        set->selectBars(chosen);
    }
    // The legend keeps the full colours (it names the components, not the selection).
    if (!b.sets.empty() && anySelected)
        for (QLegendMarker* m : b.chart->legend()->markers())
            for (std::size_t i = 0; i < b.sets.size() && i < spec.barSets.size(); ++i)
                if (m->label() == b.sets[i]->label())
                    m->setBrush(spec.barSets[i].color);
}

std::unique_ptr<ScopeChart::Built> buildChart(const ChartSpec& spec)
{
    auto built = std::make_unique<ScopeChart::Built>();
    ScopeChart::Built& b = *built;
    auto* chart = new QChart;
    b.chart = chart;
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setBackgroundRoundness(0);
    // Title and subtitle are items of their own (centred, wrapping), not QChart's title: a
    // rich-text title loses its second line when Qt Charts elides it.
    b.title = new QGraphicsSimpleTextItem(spec.title, chart);
    b.title->setFont(chartFont(2, true));
    b.title->setBrush(QColor(30, 30, 30));
    if (!spec.subtitle.isEmpty()) {
        b.subtitle = new QGraphicsTextItem(chart);
        b.subtitle->setFont(chartFont(-1));
        b.subtitle->setDefaultTextColor(QColor(85, 85, 85));
        QTextOption centred(Qt::AlignHCenter);
        centred.setWrapMode(QTextOption::WordWrap);
        b.subtitle->document()->setDefaultTextOption(centred);
        b.subtitle->setPlainText(spec.subtitle);
    }
    chart->legend()->setFont(chartFont(-1));
    chart->legend()->setAlignment(spec.legendAlignment);
    chart->legend()->setShowToolTips(true);

    if (spec.kind != ChartSpec::Kind::XY) {
        QAbstractBarSeries* series = nullptr;
        switch (spec.kind) {
        case ChartSpec::Kind::StackedBars: series = new QStackedBarSeries; break;
        case ChartSpec::Kind::PercentBars: series = new QPercentBarSeries; break;
        default: series = new QBarSeries; break;
        }
        series->setBarWidth(spec.kind == ChartSpec::Kind::GroupedBars ? 0.85 : 0.7);
        for (const BarSetSpec& s : spec.barSets) {
            auto* set = new QBarSet(s.label);
            set->setColor(s.color);
            set->setBorderColor(s.color.darker(125));
            QList<qreal> values;
            values.reserve(static_cast<qsizetype>(s.values.size()));
            for (double v : s.values)
                values.append(v);
            set->append(values);
            series->append(set);
            b.sets.push_back(set);
        }
        chart->addSeries(series);
        auto* categories = new QBarCategoryAxis;
        categories->append(spec.categories);
        categories->setLabelsFont(chartFont(-1));
        categories->setLabelsAngle(spec.categories.size() > 6 ? -90 : 0);
        categories->setTitleText(spec.x.title);
        categories->setTitleFont(chartFont(0, true));
        categories->setGridLineVisible(false);
        chart->addAxis(categories, Qt::AlignBottom);
        series->attachAxis(categories);
        QAbstractAxis* y = nullptr;
        if (spec.kind == ChartSpec::Kind::PercentBars) {
            auto* v = new QValueAxis;
            v->setRange(0, 100);
            v->setLabelFormat(QStringLiteral("%.0f%%"));
            v->setTitleText(spec.y.title);
            v->setTitleFont(chartFont(0, true));
            v->setLabelsFont(chartFont(-1));
            y = v;
        } else {
            y = makeAxis(spec, false);
        }
        chart->addAxis(y, Qt::AlignLeft);
        series->attachAxis(y);
        for (const ReferenceLine& r : spec.references) {
            auto* line = new QLineSeries;
            line->setName(r.label);
            QPen pen(r.color, 2.0);
            pen.setStyle(Qt::DashLine);
            line->setPen(pen);
            line->append(-0.5, r.y);
            line->append(static_cast<double>(spec.categories.size()) - 0.5, r.y);
            chart->addSeries(line);
            line->attachAxis(categories);
            line->attachAxis(y);
        }
        applyStyles(b, spec, -1);
        return built;
    }

    QAbstractAxis* x = makeAxis(spec, true);
    QAbstractAxis* y = makeAxis(spec, false);
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    // Emphasised series last, so they are drawn on top.
    std::vector<int> order(spec.series.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = static_cast<int>(i);
    std::stable_partition(order.begin(), order.end(), [&](int i) {
        const XYSeriesSpec& s = spec.series[static_cast<std::size_t>(i)];
        return !s.highlight && !s.selected;
    });
    b.series.assign(spec.series.size(), nullptr);
    bool anyInLegend = false;
    for (int i : order) {
        const XYSeriesSpec& s = spec.series[static_cast<std::size_t>(i)];
        QXYSeries* series = nullptr;
        if (s.scatter) {
            auto* sc = new QScatterSeries;
            sc->setMarkerSize(s.markerSize);
            series = sc;
        } else {
            auto* line = new QLineSeries;
            if (s.markers) {
                line->setPointsVisible(true);
                line->setMarkerSize(s.markerSize * 0.6);
            }
            series = line;
        }
        series->setName(s.label);
        QList<QPointF> points(s.points.begin(), s.points.end());
        series->append(points);
        chart->addSeries(series);
        series->attachAxis(x);
        series->attachAxis(y);
        const auto markers = chart->legend()->markers(series);
        for (QLegendMarker* m : markers)
            m->setVisible(s.inLegend);
        anyInLegend = anyInLegend || s.inLegend;
        b.series[static_cast<std::size_t>(i)] = series;
        for (qsizetype p = 0; p < s.pointLabels.size() && p < static_cast<qsizetype>(s.points.size()); ++p) {
            if (s.pointLabels.at(p).isEmpty())
                continue;
            auto* item = new QGraphicsSimpleTextItem(s.pointLabels.at(p), chart);
            item->setZValue(20);
            if (s.labelBacking) {
                auto* backing = new QGraphicsRectItem(item);
                backing->setFlag(QGraphicsItem::ItemStacksBehindParent);
                backing->setBrush(QColor(255, 255, 255, 225));
                backing->setPen(Qt::NoPen);
            }
            b.labels.push_back({item, i, static_cast<int>(p), false});
        }
        if (!s.endLabel.isEmpty()) {
            auto* item = new QGraphicsSimpleTextItem(s.endLabel, chart);
            item->setZValue(20);
            b.labels.push_back({item, i, static_cast<int>(s.points.size()) - 1, true});
        }
    }
    chart->legend()->setVisible(anyInLegend);
    applyStyles(b, spec, -1);
    return built;
}

/// Lays the chart out at its current size: frame (title, margins), then labels.
void layoutAll(ScopeChart::Built& b, const ChartSpec& spec)
{
    layoutFrame(b);
    placeLabels(b, spec);
}

} // namespace

ScopeChart::ScopeChart(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QStackedLayout(this);
    view_ = new QChartView(this);
    view_->setRenderHint(QPainter::Antialiasing);
    view_->setRubberBand(QChartView::NoRubberBand);
    view_->setMouseTracking(true);
    view_->viewport()->installEventFilter(this);
    empty_ = new QLabel(this);
    empty_->setAlignment(Qt::AlignCenter);
    empty_->setWordWrap(true);
    empty_->setStyleSheet(QStringLiteral("color: #666; font-size: 11pt;"));
    layout->addWidget(view_);
    layout->addWidget(empty_);
    rebuild();
}

ScopeChart::~ScopeChart() = default;

void ScopeChart::setSpec(ChartSpec spec)
{
    spec_ = std::move(spec);
    rebuild();
}

QString ScopeChart::barTooltip(int set, int category) const
{
    if (set < 0 || set >= static_cast<int>(spec_.barSets.size()))
        return {};
    const QStringList& tips = spec_.barSets[static_cast<std::size_t>(set)].tooltips;
    return category >= 0 && category < tips.size() ? tips.at(category) : QString();
}

QString ScopeChart::pointTooltip(int series, int point) const
{
    if (series < 0 || series >= static_cast<int>(spec_.series.size()))
        return {};
    const QStringList& tips = spec_.series[static_cast<std::size_t>(series)].tooltips;
    return point >= 0 && point < tips.size() ? tips.at(point) : QString();
}

void ScopeChart::setHoveredSeries(int series)
{
    if (series == hovered_ || built_ == nullptr)
        return;
    hovered_ = series;
    applyStyles(*built_, spec_, hovered_);
}

std::vector<std::pair<QString, QRectF>> ScopeChart::labelRects() const
{
    std::vector<std::pair<QString, QRectF>> out;
    if (built_ == nullptr)
        return out;
    if (built_->title != nullptr)
        out.emplace_back(built_->title->text(),
                         built_->title->mapRectToParent(built_->title->boundingRect()));
    if (built_->subtitle != nullptr)
        out.emplace_back(built_->subtitle->toPlainText(),
                         built_->subtitle->mapRectToParent(built_->subtitle->boundingRect()));
    for (const auto& l : built_->labels)
        if (l.item->isVisible())
            out.emplace_back(l.item->text(), l.item->mapRectToParent(l.item->boundingRect()));
    return out;
}

QPoint ScopeChart::pointPosition(int series, int point) const
{
    if (built_ == nullptr || series < 0 || series >= static_cast<int>(built_->series.size()) ||
        built_->series[static_cast<std::size_t>(series)] == nullptr)
        return {-1, -1};
    const auto& pts = spec_.series[static_cast<std::size_t>(series)].points;
    if (point < 0 || point >= static_cast<int>(pts.size()))
        return {-1, -1};
    const QPointF inChart = built_->chart->mapToPosition(pts[static_cast<std::size_t>(point)],
                                                         built_->series[static_cast<std::size_t>(series)]);
    return view_->mapFromScene(built_->chart->mapToScene(inChart));
}

void ScopeChart::showTip(const QString& tip)
{
    tip_ = tip;
    if (tip.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(QCursor::pos(), tip, view_);
}

bool ScopeChart::eventFilter(QObject* watched, QEvent* event)
{
    // On a real display the platform sends a ToolTip event when the pointer rests; the chart
    // scene answers it by hiding every tooltip that is not an item's own. Show ours instead.
    if (watched == view_->viewport() && event->type() == QEvent::ToolTip && !tip_.isEmpty()) {
        QToolTip::showText(static_cast<QHelpEvent*>(event)->globalPos(), tip_, view_);
        return true;
    }
    if (watched == view_->viewport() && event->type() == QEvent::Leave) {
        tip_.clear();
        setHoveredSeries(-1);
    }
    return QWidget::eventFilter(watched, event);
}

void ScopeChart::rebuild()
{
    ++rebuilds_;
    hovered_ = -1;
    tip_.clear();
    QChart* old = view_->chart();
    if (spec_.empty()) {
        built_.reset();
        empty_->setText(spec_.emptyMessage.isEmpty() ? QStringLiteral("Nothing to plot")
                                                     : spec_.emptyMessage);
        static_cast<QStackedLayout*>(layout())->setCurrentWidget(empty_);
        emit rebuilt();
        return;
    }
    static_cast<QStackedLayout*>(layout())->setCurrentWidget(view_);
    built_ = buildChart(spec_);
    view_->setChart(built_->chart);
    delete old; // setChart releases the previous chart to us
    Built* b = built_.get();
    for (std::size_t i = 0; i < b->sets.size(); ++i) {
        const int set = static_cast<int>(i);
        connect(b->sets[i], &QBarSet::hovered, this, [this, set](bool status, int index) {
            showTip(status ? barTooltip(set, index) : QString());
        });
    }
    for (std::size_t i = 0; i < b->series.size(); ++i) {
        auto* xy = qobject_cast<QXYSeries*>(b->series[i]);
        if (xy == nullptr)
            continue;
        const int si = static_cast<int>(i);
        connect(xy, &QXYSeries::hovered, this, [this, si, xy](const QPointF& point, bool state) {
            if (!state) {
                showTip({});
                setHoveredSeries(-1);
                return;
            }
            // Nearest data point on screen to where the pointer touched the series.
            const QPointF at = view_->chart()->mapToPosition(point, xy);
            const auto& pts = spec_.series[static_cast<std::size_t>(si)].points;
            int best = -1;
            double bestDistance = std::numeric_limits<double>::infinity();
            for (std::size_t p = 0; p < pts.size(); ++p) {
                const QPointF d = view_->chart()->mapToPosition(pts[p], xy) - at;
                const double dist = d.x() * d.x() + d.y() * d.y();
                if (dist < bestDistance) {
                    bestDistance = dist;
                    best = static_cast<int>(p);
                }
            }
            if (!spec_.series[static_cast<std::size_t>(si)].endLabel.isEmpty())
                setHoveredSeries(si);
            showTip(pointTooltip(si, best));
        });
    }
    connect(b->chart, &QChart::plotAreaChanged, this, [this](const QRectF&) {
        if (built_ != nullptr)
            layoutAll(*built_, spec_);
    });
    connect(b->chart, &QChart::geometryChanged, this, [this] {
        if (built_ != nullptr)
            layoutAll(*built_, spec_);
    });
    layoutAll(*b, spec_);
    emit rebuilt();
}

QSize ScopeChart::exportSize(QSize requested) const
{
    if (requested.isValid() && !requested.isEmpty())
        return requested;
    if (isVisible() && width() >= 320 && height() >= 240)
        return size();
    return {1200, 750};
}

namespace {

/// Renders `spec` into `device` at logical size `size` through a throw-away chart, so an
/// export never disturbs the chart on screen.
void renderSpec(const ChartSpec& spec, QPaintDevice* device, QSize size, double scale)
{
    QGraphicsScene scene;
    std::unique_ptr<ScopeChart::Built> b = buildChart(spec);
    scene.addItem(b->chart);
    b->chart->setGeometry(QRectF(QPointF(0, 0), QSizeF(size)));
    b->chart->setBackgroundBrush(Qt::white);
    // Lay the chart out at this size (twice: the title sets the margins), then the labels.
    QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    layoutFrame(*b);
    QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    placeLabels(*b, spec);
    QPainter painter(device);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::TextAntialiasing);
    scene.render(&painter, QRectF(0, 0, size.width() * scale, size.height() * scale),
                 QRectF(QPointF(0, 0), QSizeF(size)));
    painter.end();
}

} // namespace

bool ScopeChart::exportPng(const QString& path, QSize size, double scale, QString* error)
{
    if (spec_.empty()) {
        if (error != nullptr)
            *error = QStringLiteral("There is nothing to export.");
        return false;
    }
    const QSize s = exportSize(size);
    QImage image(QSize(static_cast<int>(s.width() * scale), static_cast<int>(s.height() * scale)),
                 QImage::Format_RGB32);
    image.fill(Qt::white);
    renderSpec(spec_, &image, s, scale);
    if (!image.save(path, "PNG")) {
        if (error != nullptr)
            *error = QStringLiteral("Could not write %1").arg(path);
        return false;
    }
    return true;
}

bool ScopeChart::exportSvg(const QString& path, QSize size, QString* error)
{
    if (spec_.empty()) {
        if (error != nullptr)
            *error = QStringLiteral("There is nothing to export.");
        return false;
    }
    const QSize s = exportSize(size);
    QSvgGenerator generator;
    generator.setFileName(path);
    generator.setSize(s);
    generator.setViewBox(QRect(QPoint(0, 0), s));
    generator.setTitle(spec_.title);
    generator.setDescription(spec_.subtitle);
    renderSpec(spec_, &generator, s, 1.0);
    if (!QFileInfo(path).exists() || QFileInfo(path).size() == 0) {
        if (error != nullptr)
            *error = QStringLiteral("Could not write %1").arg(path);
        return false;
    }
    return true;
}

} // namespace llamascope::gui
