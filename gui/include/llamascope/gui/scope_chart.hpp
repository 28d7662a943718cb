#pragma once
// The one wrapper over Qt Charts (STYLE.md): renders a ChartSpec, shows hover tooltips, and
// exports PNG and SVG. No other GUI file includes Qt Charts.

#include "llamascope/gui/chart_spec.hpp"

#include <QSize>
#include <QWidget>

#include <memory>

class QChartView;
class QChart;
class QLabel;
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

signals:
    void rebuilt();

private:
    void rebuild();
    QSize exportSize(QSize requested) const;

    ChartSpec spec_;
    QChartView* view_ = nullptr;
    QLabel* empty_ = nullptr;
    std::vector<std::pair<QGraphicsSimpleTextItem*, std::pair<int, int>>> pointLabels_;
    int rebuilds_ = 0;
};

} // namespace llamascope::gui
