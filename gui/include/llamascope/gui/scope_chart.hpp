#pragma once
// The one wrapper over Qt Charts (STYLE.md): renders a ChartSpec — centred title and subtitle,
// direct labels at line ends, point labels placed so they do not collide, selected series in
// front and the rest faded — shows hover tooltips and highlights the hovered line, and exports
// PNG and SVG with the same title and subtitle. No other GUI file includes Qt Charts.

#include "llamascope/gui/chart_spec.hpp"

#include <QSize>
#include <QWidget>

#include <memory>

class QChartView;
class QChart;
class QLabel;
class QAbstractSeries;
class QGraphicsSimpleTextItem;

namespace llamascope::gui {

class ScopeChart final : public QWidget {
    Q_OBJECT
public:
    explicit ScopeChart(QWidget* parent = nullptr);
    ~ScopeChart() override;

    /// Replaces what is shown (rebuilds series and axes).
    void setSpec(ChartSpec spec);
    [[nodiscard]] const ChartSpec& spec() const { return spec_; }

    /// Renders the chart to a PNG of `size` logical pixels at `scale` (2: crisp on HiDPI and in
    /// docs). An empty size uses the widget's size (or 1200×750 when it has none yet).
    bool exportPng(const QString& path, QSize size = {}, double scale = 2.0, QString* error = nullptr);
    /// Renders the chart as SVG (QSvgGenerator): vector text and shapes.
    bool exportSvg(const QString& path, QSize size = {}, QString* error = nullptr);

    /// Tooltip text for a bar (set, category) or an XY point (series, point); empty if none.
    /// The hover handlers show exactly these.
    [[nodiscard]] QString barTooltip(int set, int category) const;
    [[nodiscard]] QString pointTooltip(int series, int point) const;

    /// Number of rebuilds so far (benchmarks and tests observe re-rendering).
    [[nodiscard]] int rebuildCount() const { return rebuilds_; }

    /// Emphasises XY series `series` as hovering it does (-1: none); the others fade.
    void setHoveredSeries(int series);
    [[nodiscard]] int hoveredSeries() const { return hovered_; }
    /// The text and scene rectangle (chart coordinates) of every label drawn: title, subtitle,
    /// point labels and line-end labels (tests check that none overlap or leave the chart).
    [[nodiscard]] std::vector<std::pair<QString, QRectF>> labelRects() const;
    /// Where point `point` of XY series `series` is drawn, in the chart view's viewport
    /// coordinates (for pointing at it); (-1, -1) when there is no such point.
    [[nodiscard]] QPoint pointPosition(int series, int point) const;
    /// The tooltip shown right now by hovering (empty when none).
    [[nodiscard]] const QString& currentTooltip() const { return tip_; }
    [[nodiscard]] QChartView* chartView() const { return view_; }

    /// The Qt Charts objects made for the spec (defined in scope_chart.cpp).
    struct Built;

signals:
    void rebuilt();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void rebuild();
    void showTip(const QString& tip);
    QSize exportSize(QSize requested) const;

    ChartSpec spec_;
    QChartView* view_ = nullptr;
    QLabel* empty_ = nullptr;
    std::unique_ptr<Built> built_;
    QString tip_;
    int hovered_ = -1;
    int rebuilds_ = 0;
};

} // namespace llamascope::gui
