#include "llamascope/gui/scope_chart.hpp"

#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QCursor>
#include <QFileInfo>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QImage>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QPainter>
#include <QScatterSeries>
#include <QStackedLayout>
#include <QSvgGenerator>
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
        // A hair below the lowest power, so its label is drawn despite rounding in pow().
        l->setRange(lo * (1 - 1e-9), hi * (1 + 1e-9));
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

ScopeChart::ScopeChart(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QStackedLayout(this);
    view_ = new QChartView(this);
    view_->setRenderHint(QPainter::Antialiasing);
    view_->setRubberBand(QChartView::NoRubberBand);
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

namespace {

/// Builds a chart for `spec`. Label items for XY points are returned so they can be placed
/// once the chart has its geometry.
struct BuiltChart {
    QChart* chart = nullptr;
    std::vector<std::pair<QGraphicsSimpleTextItem*, std::pair<int, int>>> labels;
    std::vector<QAbstractSeries*> series; ///< XY series, index = spec series index
    std::vector<QBarSet*> sets;
};

BuiltChart buildChart(const ChartSpec& spec)
{
    BuiltChart b;
    auto* chart = new QChart;
    b.chart = chart;
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setBackgroundRoundness(0);
    chart->setMargins(QMargins(8, 4, 12, 4));
    QString title = QStringLiteral("<span style='font-size:12pt; font-weight:600'>%1</span>")
                        .arg(spec.title.toHtmlEscaped());
    if (!spec.subtitle.isEmpty())
        title += QStringLiteral("<br><span style='font-size:9pt; color:#555'>%1</span>")
                     .arg(spec.subtitle.toHtmlEscaped());
    chart->setTitle(title);
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
        return b;
    }

    QAbstractAxis* x = makeAxis(spec, true);
    QAbstractAxis* y = makeAxis(spec, false);
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    // Highlighted series last, so they are drawn on top.
    std::vector<int> order(spec.series.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = static_cast<int>(i);
    std::stable_partition(order.begin(), order.end(),
                          [&](int i) { return !spec.series[static_cast<std::size_t>(i)].highlight; });
    b.series.assign(spec.series.size(), nullptr);
    for (int i : order) {
        const XYSeriesSpec& s = spec.series[static_cast<std::size_t>(i)];
        QXYSeries* series = nullptr;
        if (s.scatter) {
            auto* sc = new QScatterSeries;
            sc->setMarkerSize(s.markerSize);
            sc->setColor(s.color);
            sc->setBorderColor(s.color.darker(140));
            series = sc;
        } else {
            auto* line = new QLineSeries;
            QPen pen(s.color, s.highlight ? s.width + 1.5 : s.width);
            if (s.dashed)
                pen.setStyle(Qt::DashLine);
            line->setPen(pen);
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
        b.series[static_cast<std::size_t>(i)] = series;
        for (qsizetype p = 0; p < s.pointLabels.size() && p < static_cast<qsizetype>(s.points.size()); ++p) {
            if (s.pointLabels.at(p).isEmpty())
                continue;
            auto* item = new QGraphicsSimpleTextItem(s.pointLabels.at(p), chart);
            QFont f = chartFont(-1, s.highlight);
            item->setFont(f);
            item->setBrush(s.highlight ? s.color.darker(130) : QColor(60, 60, 60));
            item->setZValue(20);
            b.labels.push_back({item, {i, static_cast<int>(p)}});
        }
    }
    return b;
}

void placeLabels(QChart* chart, const ChartSpec& spec, const std::vector<QAbstractSeries*>& series,
                 const std::vector<std::pair<QGraphicsSimpleTextItem*, std::pair<int, int>>>& labels)
{
    const QRectF area = chart->plotArea();
    for (const auto& [item, where] : labels) {
        const auto [si, pi] = where;
        const QPointF value = spec.series[static_cast<std::size_t>(si)].points[static_cast<std::size_t>(pi)];
        QPointF pos = chart->mapToPosition(value, series[static_cast<std::size_t>(si)]);
        const QRectF box = item->boundingRect();
        pos += QPointF(7, -box.height() / 2);
        // Keep labels inside the plot area: flip to the left of the point near the right edge.
        if (pos.x() + box.width() > area.right())
            pos.setX(pos.x() - box.width() - 14);
        item->setPos(pos);
        item->setVisible(area.contains(chart->mapToPosition(value, series[static_cast<std::size_t>(si)])));
    }
}

} // namespace

void ScopeChart::rebuild()
{
    ++rebuilds_;
    pointLabels_.clear();
    QChart* old = view_->chart();
    if (spec_.empty()) {
        empty_->setText(spec_.emptyMessage.isEmpty() ? QStringLiteral("Nothing to plot")
                                                     : spec_.emptyMessage);
        static_cast<QStackedLayout*>(layout())->setCurrentWidget(empty_);
        emit rebuilt();
        return;
    }
    static_cast<QStackedLayout*>(layout())->setCurrentWidget(view_);
    BuiltChart b = buildChart(spec_);
    view_->setChart(b.chart);
    delete old; // setChart releases the previous chart to us
    for (std::size_t i = 0; i < b.sets.size(); ++i) {
        const int set = static_cast<int>(i);
        connect(b.sets[i], &QBarSet::hovered, this, [this, set](bool status, int index) {
            if (status)
                QToolTip::showText(QCursor::pos(), barTooltip(set, index), view_);
            else
                QToolTip::hideText();
        });
    }
    for (std::size_t i = 0; i < b.series.size(); ++i) {
        auto* xy = qobject_cast<QXYSeries*>(b.series[i]);
        if (xy == nullptr)
            continue;
        const int si = static_cast<int>(i);
        connect(xy, &QXYSeries::hovered, this, [this, si, xy](const QPointF& point, bool state) {
            if (!state) {
                QToolTip::hideText();
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
            const QString tip = pointTooltip(si, best);
            if (!tip.isEmpty())
                QToolTip::showText(QCursor::pos(), tip, view_);
        });
    }
    pointLabels_ = std::move(b.labels);
    const std::vector<QAbstractSeries*> series = b.series;
    connect(b.chart, &QChart::plotAreaChanged, this,
            [this, series](const QRectF&) { placeLabels(view_->chart(), spec_, series, pointLabels_); });
    placeLabels(b.chart, spec_, series, pointLabels_);
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
    BuiltChart b = buildChart(spec);
    scene.addItem(b.chart);
    b.chart->setGeometry(QRectF(QPointF(0, 0), QSizeF(size)));
    b.chart->setBackgroundBrush(Qt::white);
    // Let the chart lay itself out at this size before the labels are placed.
    QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    placeLabels(b.chart, spec, b.series, b.labels);
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
