#pragma once
// What a chart shows, as plain data: categories, bar sets, XY series, axes, tooltips. The
// builders in chart_data.hpp fill it from the compare model's rows with core's numbers;
// ScopeChart (the one Qt Charts wrapper) renders it. Nothing here computes anything.

#include <QColor>
#include <QPointF>
#include <QString>
#include <QStringList>

#include <optional>
#include <utility>
#include <vector>

namespace llamascope::gui {

struct AxisSpec {
    QString title;
    bool log = false;
    double base = 10;    ///< log axes only
    QString labelFormat; ///< printf-style ("%g", "%.0f"); empty: Qt's default
    std::optional<double> min, max;
    /// Labelled ticks (value, label) on a linear axis, e.g. decades of a log-transformed
    /// quantity; when set they replace the automatic labels.
    std::vector<std::pair<double, QString>> ticks;
};

struct BarSetSpec {
    QString label;
    QColor color;
    std::vector<double> values; ///< one per category
    QStringList tooltips;       ///< one per category (rich text)
};

struct XYSeriesSpec {
    QString label;
    QColor color;
    std::vector<QPointF> points;
    QStringList tooltips;    ///< one per point (rich text)
    QStringList pointLabels; ///< text drawn next to each point (may be empty)
    bool scatter = false;    ///< markers only
    bool markers = false;    ///< line with point markers
    bool dashed = false;
    bool highlight = false; ///< the designer's draft: thicker, drawn on top
    bool selected = false;  ///< chosen in the Compare table: thicker; unselected series fade
    bool inLegend = true;
    /// Drawn at the right end of the line, beside the plot (direct labelling instead of a
    /// legend entry); lines' end labels are spread vertically so they never overlap.
    QString endLabel;
    /// Point labels on a white backing, readable over a dense scatter (e.g. a model among runs).
    bool labelBacking = false;
    double width = 2.0;
    double markerSize = 9.0;
};

/// A horizontal line across a bar chart (e.g. a device's memory).
struct ReferenceLine {
    QString label;
    QColor color;
    double y = 0;
    QString tooltip;
};

struct ChartSpec {
    enum class Kind { StackedBars, PercentBars, GroupedBars, XY };
    Kind kind = Kind::XY;
    QString title;
    QString subtitle; ///< one line under the title: conventions, options, caveats
    QStringList categories;
    std::vector<bool> highlightCategory; ///< bar charts: the draft's category
    std::vector<bool> selectedCategory;  ///< bar charts: chosen in the Compare table (others fade)
    std::vector<BarSetSpec> barSets;
    std::vector<XYSeriesSpec> series;
    std::vector<ReferenceLine> references; ///< bar charts only
    AxisSpec x, y;
    Qt::Alignment legendAlignment = Qt::AlignBottom;
    QString emptyMessage; ///< shown instead of a chart when there is nothing to plot

    [[nodiscard]] bool empty() const { return categories.isEmpty() && series.empty(); }
    /// True when some category or series is selected (the rest are drawn faded).
    [[nodiscard]] bool anySelected() const;
};

} // namespace llamascope::gui
