#include "llamascope/gui/chart_data.hpp"

#include "llamascope/family.hpp"
#include "llamascope/format.hpp"
#include "llamascope/gui/compare_model.hpp"
#include "llamascope/views.hpp"

#include "llamascope/cost.hpp"
#include "llamascope/memory.hpp"

#include <QAbstractItemModel>
#include <QItemSelectionModel>

#include <algorithm>
#include <array>
#include <cmath>
#include <exception>
#include <limits>
#include <map>
#include <optional>
#include <span>

namespace llamascope::gui {
namespace {

// Display units for axes. Axis labels stay short ("100" on a "millions" axis); tooltips
// always show core's exact, formatted figures.
constexpr double kMillion = 1e6;
constexpr double kGiga = 1e9;
constexpr double kGibibyte = 1024.0 * 1024.0 * 1024.0;

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

QString qs(std::string_view s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

QString nameOf(const ChartRow& r)
{
    return qs(r.analysis->config.name);
}

/// A core Table as a compact HTML table for tooltips; `bold` marks a row by its first cell.
QString htmlTable(const Table& t, const QString& bold = {})
{
    QString html = QStringLiteral("<table cellspacing='0' cellpadding='1'>");
    for (const auto& row : t.rows) {
        const bool strong = !bold.isEmpty() && !row.empty() && qs(row.front().display).startsWith(bold);
        html += QStringLiteral("<tr>");
        for (std::size_t c = 0; c < row.size(); ++c) {
            const bool right = c < t.columns.size() && t.columns[c].align == Align::Right;
            QString cell = qs(row[c].display).toHtmlEscaped();
            if (strong)
                cell = QStringLiteral("<b>%1</b>").arg(cell);
            html += QStringLiteral("<td align='%1'>&nbsp;%2&nbsp;</td>").arg(right ? "right" : "left", cell);
        }
        html += QStringLiteral("</tr>");
    }
    return html + QStringLiteral("</table>");
}

} // namespace

bool ChartSpec::anySelected() const
{
    return std::find(selectedCategory.begin(), selectedCategory.end(), true) != selectedCategory.end() ||
           std::any_of(series.begin(), series.end(), [](const XYSeriesSpec& s) { return s.selected; });
}

namespace {

// A qualitative palette for white backgrounds, ordered so that neighbours differ in hue and
// lightness (after the Tableau 10 and 20 palettes, with their oranges left out: orange is
// the designer draft's colour).
const std::array<QColor, 18>& palette()
{
    static const std::array<QColor, 18> colors = {
        QColor(31, 119, 180),  QColor(214, 39, 40),  QColor(44, 160, 44),   QColor(148, 103, 189),
        QColor(23, 190, 207),  QColor(140, 86, 75),  QColor(227, 119, 194), QColor(127, 127, 127),
        QColor(188, 189, 34),  QColor(57, 59, 121),  QColor(132, 60, 57),   QColor(99, 121, 57),
        QColor(123, 65, 115),  QColor(0, 109, 91),   QColor(82, 84, 163),   QColor(158, 218, 229),
        QColor(255, 152, 150), QColor(152, 223, 138)};
    return colors;
}

} // namespace

QColor seriesColor(std::size_t i)
{
    return palette()[i % palette().size()];
}

std::size_t paletteSize()
{
    return palette().size();
}

QColor draftColor()
{
    return {230, 85, 13};
}

std::vector<ChartRow> chartRows(const QAbstractItemModel& model, const QItemSelectionModel* selection)
{
    std::vector<ChartRow> rows;
    for (int r = 0; r < model.rowCount(); ++r) {
        const QModelIndex i = model.index(r, 0);
        const auto* a = i.data(AnalysisRole).value<const Analysis*>();
        if (a == nullptr)
            continue;
        const bool selected = selection != nullptr && selection->model() == &model &&
                              selection->isRowSelected(r, QModelIndex());
        rows.push_back({a, i.data(DraftRole).toBool(), selected});
    }
    return rows;
}

// ---- Parameters ---------------------------------------------------------------------------

/// "1M", "10M", "100M", "1B", ... for the decade 10^k.
QString decadeLabel(int k)
{
    static const std::array<const char*, 5> suffixes = {"", "K", "M", "B", "T"};
    const int group = std::clamp(k / 3, 0, 4);
    QString digits = QStringLiteral("1");
    for (int i = 0; i < k - group * 3; ++i)
        digits += QLatin1Char('0');
    return digits + QString::fromLatin1(suffixes[static_cast<std::size_t>(group)]);
}

ChartSpec parametersChart(const std::vector<ChartRow>& rows, ParamScale scale)
{
    ChartSpec spec;
    spec.kind = scale == ParamScale::Share ? ChartSpec::Kind::PercentBars : ChartSpec::Kind::StackedBars;
    spec.title = QStringLiteral("Parameters per config, by component");
    spec.emptyMessage =
        QStringLiteral("No configs to plot: open config files, or clear the filter in Compare.");
    spec.legendAlignment = Qt::AlignTop;

    struct Component {
        QString label;
        QString tableRow; ///< first cell of core's parameterTable row
        QColor color;
        Count ParameterCounts::*field;
    };
    const std::vector<Component> components = {
        {QStringLiteral("embedding"), QStringLiteral("embedding"), QColor(78, 121, 167),
         &ParameterCounts::embedding},
        {QStringLiteral("position table"), QStringLiteral("position table"), QColor(118, 183, 178),
         &ParameterCounts::positionTable},
        {QStringLiteral("attention"), QStringLiteral("attention"), QColor(242, 142, 43),
         &ParameterCounts::attention},
        {QStringLiteral("MLP"), QStringLiteral("MLP"), QColor(225, 87, 89), &ParameterCounts::mlp},
        {QStringLiteral("norms"), QStringLiteral("RMSNorm"), QColor(176, 122, 161), &ParameterCounts::norms},
        {QStringLiteral("lm_head"), QStringLiteral("lm_head"), QColor(89, 161, 79), &ParameterCounts::lmHead},
    };

    // Log scale: a stacked bar on a log axis would make the bottom segment look huge, so the
    // bar's height is the total on a log scale and its segments split that height by each
    // component's share of the total. Axis units are decades above the lowest decade shown.
    double lowDecade = 0, highDecade = 1;
    if (!rows.empty()) {
        double lo = std::numeric_limits<double>::infinity(), hi = 0;
        for (const ChartRow& r : rows) {
            lo = std::min(lo, static_cast<double>(r.analysis->params.total));
            hi = std::max(hi, static_cast<double>(r.analysis->params.total));
        }
        lowDecade = std::floor(std::log10(std::max(lo, 1.0)));
        highDecade = std::max(lowDecade + 1, std::ceil(std::log10(std::max(hi, 1.0))));
    }
    switch (scale) {
    case ParamScale::Log: {
        spec.subtitle =
            QStringLiteral("Bar height: total parameters, log scale. Segments split each bar by the "
                           "component's share of the total. Hover for exact counts.");
        spec.y.title = QStringLiteral("total parameters (log scale)");
        spec.y.min = 0;
        spec.y.max = highDecade - lowDecade;
        for (int k = static_cast<int>(lowDecade); k <= static_cast<int>(highDecade); ++k)
            spec.y.ticks.emplace_back(k - lowDecade, decadeLabel(k));
        break;
    }
    case ParamScale::Linear:
        spec.subtitle = QStringLiteral("Exact counts (countParameters); hover a segment for the breakdown");
        spec.y = {QStringLiteral("parameters (millions)"), false, 10, QStringLiteral("%.0f"), {}, {}, {}};
        break;
    case ParamScale::Share:
        spec.subtitle =
            QStringLiteral("Share of each component in the total; hover a segment for exact counts");
        spec.y = {QStringLiteral("share of parameters"), false, 10, {}, {}, {}, {}};
        break;
    }
    for (const ChartRow& r : rows) {
        spec.categories << nameOf(r);
        spec.highlightCategory.push_back(r.draft);
        spec.selectedCategory.push_back(r.selected);
    }
    for (const Component& c : components) {
        BarSetSpec set;
        set.label = c.label;
        set.color = c.color;
        bool any = false;
        for (const ChartRow& r : rows) {
            const ParameterCounts& p = r.analysis->params;
            const double v = static_cast<double>(p.*c.field);
            any = any || v > 0;
            switch (scale) {
            case ParamScale::Log: {
                const double total = static_cast<double>(std::max<Count>(p.total, 1));
                set.values.push_back(v / total * (std::log10(total) - lowDecade));
                break;
            }
            case ParamScale::Linear: set.values.push_back(v / kMillion); break;
            case ParamScale::Share: set.values.push_back(v); break;
            }
            set.tooltips
                << QStringLiteral("<b>%1</b>%2").arg(nameOf(r), htmlTable(parameterTable(p), c.tableRow));
        }
        // Components no config has (position tables are rare) stay out of the legend.
        if (any)
            spec.barSets.push_back(std::move(set));
    }
    return spec;
}

// ---- FLOPs against sequence length ----------------------------------------------------------

ChartSpec flopsChart(const std::vector<ChartRow>& rows, const FlopsChartOptions& options)
{
    ChartSpec spec;
    spec.kind = ChartSpec::Kind::XY;
    const FlopConvention* first = nullptr;
    std::vector<Count> lengths;
    for (Count t = options.minSeqLen; t <= options.maxSeqLen; t *= 2)
        lengths.push_back(t);
    spec.title = QStringLiteral("Forward FLOPs per token against sequence length");
    spec.x = {
        QStringLiteral("sequence length T (tokens, log scale)"), true, 2, QStringLiteral("%g"), {}, {}, {}};
    spec.y = {
        QStringLiteral("forward GFLOP per token (log scale)"), true, 10, QStringLiteral("%g"), {}, {}, {}};
    spec.legendAlignment = Qt::AlignBottom;
    spec.emptyMessage =
        QStringLiteral("No configs to plot: open config files, or clear the filter in Compare.");

    XYSeriesSpec contexts;
    contexts.label = QStringLiteral("context length P");
    contexts.scatter = true;
    contexts.color = QColor(30, 30, 30);
    contexts.markerSize = 8;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const ChartRow& r = rows[i];
        XYSeriesSpec s;
        s.label = nameOf(r);
        s.endLabel = nameOf(r); // direct labels: no legend to decode
        s.inLegend = false;
        s.color = r.draft ? draftColor() : seriesColor(i);
        s.dashed = !r.draft && i >= paletteSize(); // a second round of the palette: dashed
        s.highlight = r.draft;
        s.selected = r.selected;
        s.width = 1.8;
        for (Count t : lengths) {
            const FlopReport report = computeFlops(r.analysis->config, {t, options.mask});
            const FlopConvention& c = report.get(options.convention);
            if (first == nullptr)
                first = &r.analysis->flops.get(options.convention);
            s.points.emplace_back(static_cast<double>(t), c.forwardPerToken / kGiga);
            s.tooltips << QStringLiteral(
                              "<b>%1</b> at T = %2<br>%3 forward: %4 FLOP/token (%5)<br>per sequence: %6")
                              .arg(nameOf(r), qs(formatCount(t)), qs(c.key),
                                   qs(formatQuotient(c.forwardPerSequence, c.seqLen)),
                                   qs(formatShort(c.forwardPerToken)), qs(formatCount(c.forwardPerSequence)));
        }
        // The config's own context length, where analyze() evaluated it.
        const FlopConvention& own = r.analysis->flops.get(options.convention);
        const Count p = r.analysis->flops.options.seqLen;
        if (r.analysis->flops.options.mask == options.mask && p >= options.minSeqLen &&
            p <= options.maxSeqLen) {
            contexts.points.emplace_back(static_cast<double>(p), own.forwardPerToken / kGiga);
            contexts.tooltips << QStringLiteral(
                                     "<b>%1</b> at its context length P = %2<br>%3 forward: %4 FLOP/token")
                                     .arg(nameOf(r), qs(formatCount(p)), qs(own.key),
                                          qs(formatQuotient(own.forwardPerSequence, own.seqLen)));
        }
        spec.series.push_back(std::move(s));
    }
    if (!contexts.points.empty())
        spec.series.push_back(std::move(contexts));
    if (first != nullptr)
        spec.subtitle =
            QStringLiteral("%1: %2 · %3 attention · dots: each config's own context length P · hover a line")
                .arg(qs(first->title), qs(first->citation), qs(toString(options.mask)));
    return spec;
}

// ---- Width against depth --------------------------------------------------------------------

ChartSpec shapeChart(const std::vector<ChartRow>& rows)
{
    ChartSpec spec;
    spec.kind = ChartSpec::Kind::XY;
    spec.title = QStringLiteral("Width against depth");
    spec.x = {QStringLiteral("layers L (log scale)"), true, 2, QStringLiteral("%g"), {}, {}, {}};
    spec.y = {QStringLiteral("hidden size d (log scale)"), true, 2, QStringLiteral("%g"), {}, {}, {}};
    spec.legendAlignment = Qt::AlignBottom;
    spec.emptyMessage =
        QStringLiteral("No configs to plot: open config files, or clear the filter in Compare.");

    // Configs with the same (L, d) share a marker and one label.
    std::map<std::pair<Count, Count>, QStringList> names;
    std::map<std::pair<Count, Count>, bool> chosen;
    std::vector<std::pair<Count, Count>> order;
    std::vector<ModelConfig> family;
    const ChartRow* draft = nullptr;
    for (const ChartRow& r : rows) {
        if (r.draft) {
            draft = &r;
            continue;
        }
        const auto key = std::make_pair(r.analysis->config.numHiddenLayers, r.analysis->config.hiddenSize);
        if (!names.contains(key))
            order.push_back(key);
        names[key] << nameOf(r);
        chosen[key] = chosen[key] || r.selected;
        family.push_back(r.analysis->config);
    }
    XYSeriesSpec configs;
    configs.label = QStringLiteral("configs");
    configs.scatter = true;
    configs.color = QColor(42, 104, 142);
    configs.markerSize = 10;
    XYSeriesSpec picked = configs;
    picked.label = QStringLiteral("selected in Compare");
    picked.selected = true;
    picked.color = QColor(20, 20, 20);
    picked.markerSize = 13;
    for (const auto& key : order) {
        const QStringList& n = names[key];
        XYSeriesSpec& into = chosen[key] ? picked : configs;
        into.points.emplace_back(static_cast<double>(key.first), static_cast<double>(key.second));
        into.pointLabels << (n.size() > 2 ? QStringLiteral("%1 +%2").arg(n.front()).arg(n.size() - 1)
                                          : n.join(QStringLiteral(", ")));
        into.tooltips << QStringLiteral("<b>%1</b><br>L = %2, d = %3")
                             .arg(n.join(QStringLiteral("<br>")), qs(formatCount(key.first)),
                                  qs(formatCount(key.second)));
    }

    double lo = 0, hi = 0;
    for (const auto& key : order) {
        lo = lo == 0 ? static_cast<double>(key.first) : std::min(lo, static_cast<double>(key.first));
        hi = std::max(hi, static_cast<double>(key.first));
    }
    if (draft != nullptr) {
        const double l = static_cast<double>(draft->analysis->config.numHiddenLayers);
        lo = lo == 0 ? l : std::min(lo, l);
        hi = std::max(hi, l);
    }
    if (!family.empty()) {
        // N/L reference lines at the family's lowest, most common and highest ratios, as core's
        // family report finds them; each line is d = ratio · L across the plotted depth range.
        const FamilyReport report = compareFamily(family);
        struct Line {
            const ValueHolders* holders;
            QString what;
            Qt::PenStyle style;
        };
        const std::array<Line, 3> lines = {
            Line{&report.nPerLLowest, QStringLiteral("lowest"), Qt::DashLine},
            Line{&report.nPerLMostCommon, QStringLiteral("most common"), Qt::SolidLine},
            Line{&report.nPerLHighest, QStringLiteral("highest"), Qt::DotLine}};
        const std::array<QColor, 3> colors = {QColor(150, 150, 150), QColor(120, 120, 120),
                                              QColor(150, 150, 150)};
        std::vector<double> seen;
        for (std::size_t i = 0; i < lines.size(); ++i) {
            const ValueHolders& h = *lines[i].holders;
            if (std::find(seen.begin(), seen.end(), h.value) != seen.end())
                continue;
            seen.push_back(h.value);
            XYSeriesSpec s;
            QStringList members;
            for (const std::string& m : h.members)
                members << qs(m);
            s.label = QStringLiteral("N/L = %1 (%2)").arg(qs(formatFixed(h.value, 1)), lines[i].what);
            s.color = colors[i];
            s.dashed = lines[i].style != Qt::SolidLine;
            s.width = 1.2;
            const double from = lo / 1.5, to = hi * 1.5;
            s.points = {QPointF(from, h.value * from), QPointF(to, h.value * to)};
            const QString tip =
                QStringLiteral("N/L = %1, %2 in this set:<br>%3")
                    .arg(qs(formatFixed(h.value, 2)), lines[i].what, members.join(QStringLiteral(", ")));
            s.tooltips = {tip, tip};
            spec.series.push_back(std::move(s));
        }
        spec.subtitle =
            QStringLiteral("N/L lines from the family report over the %1 plotted configs").arg(family.size());
    }
    if (!configs.points.empty())
        spec.series.push_back(std::move(configs));
    if (!picked.points.empty())
        spec.series.push_back(std::move(picked));
    if (draft != nullptr) {
        XYSeriesSpec d;
        d.label = QStringLiteral("designer draft");
        d.scatter = true;
        d.highlight = true;
        d.color = draftColor();
        d.markerSize = 13;
        const ModelConfig& c = draft->analysis->config;
        d.points = {QPointF(static_cast<double>(c.numHiddenLayers), static_cast<double>(c.hiddenSize))};
        d.selected = draft->selected;
        d.pointLabels = {nameOf(*draft)};
        d.tooltips = {QStringLiteral("<b>%1</b> (designer draft)<br>L = %2, d = %3, N/L = %4")
                          .arg(nameOf(*draft), qs(formatCount(c.numHiddenLayers)),
                               qs(formatCount(c.hiddenSize)),
                               qs(formatFixed(draft->analysis->metrics.widthPerLayer, 2)))};
        spec.series.push_back(std::move(d));
    }
    if (!spec.series.empty()) {
        // Axis ranges: whole powers of two around the configs (not the reference lines).
        double dLo = 0, dHi = 0;
        for (const XYSeriesSpec& s : spec.series)
            if (s.scatter)
                for (const QPointF& p : s.points) {
                    dLo = dLo == 0 ? p.y() : std::min(dLo, p.y());
                    dHi = std::max(dHi, p.y());
                }
        // Axis ranges: a margin around the configs (not the reference lines) so markers at the
        // extremes are whole; the log axes label the powers of two inside.
        constexpr double kMargin = 1.3;
        spec.x.min = lo / kMargin;
        spec.x.max = std::max(hi * kMargin, *spec.x.min * 2.5);
        spec.y.min = dLo / kMargin;
        spec.y.max = std::max(dHi * kMargin, *spec.y.min * 2.5);
    }
    return spec;
}

// ---- Training memory ------------------------------------------------------------------------

std::vector<std::pair<QString, QString>> acceleratorChoices()
{
    std::vector<std::pair<QString, QString>> out;
    for (const Accelerator& a : builtinAccelerators().accelerators)
        out.emplace_back(qs(a.key), qs(a.name));
    return out;
}

MemoryOptions MemoryChartOptions::defaultMemoryOptions()
{
    MemoryOptions m;
    m.rank = kDefaultLowRank;
    return m;
}

QString placementSummary(const PublishedPlacement& p)
{
    QStringList near;
    for (std::size_t i = 0; i < p.nearest.size(); ++i) {
        const PublishedModel& m = *p.nearest[i];
        near << (i == 0 ? QStringLiteral("%1 (%2)").arg(qs(m.name), qs(describeShape(m)))
                        : QStringLiteral("%1 (%2 × %3)").arg(qs(m.name)).arg(m.hidden).arg(m.layers));
    }
    // Core's range as `report` prints it (whole numbers). Near the smallest sizes the range can
    // be one value, set by one release: say so rather than call it a range.
    const QString verdict = isSingleValue(p.range)
                                ? (p.inside ? QStringLiteral("matches the one published value, %1,")
                                            : QStringLiteral("is away from the one published value, %1,"))
                                : (p.inside ? QStringLiteral("is inside the published range %1")
                                            : QStringLiteral("is outside the published range %1"));
    return QStringLiteral("Nearest published: %1. d/L %2 %3 at %4 non-embedding parameters.")
        .arg(near.isEmpty() ? QStringLiteral("none") : near.join(QStringLiteral(", ")),
             qs(formatFixed(p.widthPerLayer, 1)), verdict.arg(qs(formatBand(p.range))),
             qs(formatShort(static_cast<double>(p.bodyParameters))));
}

ChartSpec publishedChart(const std::vector<ChartRow>& rows)
{
    ChartSpec spec;
    spec.kind = ChartSpec::Kind::XY;
    spec.title = QStringLiteral("Width vs depth among published models");
    spec.x = {QStringLiteral("layers L (log scale)"), true, 2, QStringLiteral("%g"), {}, {}, {}};
    spec.y = {QStringLiteral("hidden size d (log scale)"), true, 2, QStringLiteral("%g"), {}, {}, {}};
    spec.legendAlignment = Qt::AlignBottom;
    const std::span<const PublishedModel> models = publishedModels();
    spec.subtitle = QStringLiteral("%1 released decoders (grey; core/data/published_models.json), "
                                   "your configs and the draft on top; hover a point for details")
                        .arg(models.size());

    // Published models: one grey point each, in the data set's order. Models that share a
    // shape (LLaMA-7B, Llama-2-7B, Mistral-7B, ... at 4096 × 32) share one marker position,
    // so each point's tooltip lists every model at that shape, the hovered one first.
    std::map<std::pair<Count, Count>, std::vector<const PublishedModel*>> byShape;
    for (const PublishedModel& m : models)
        byShape[{m.layers, m.hidden}].push_back(&m);
    auto describe = [](const PublishedModel& m) {
        return QStringLiteral("%1 × %2, %3, d/L %4%5 — %6 (%7, %8)")
            .arg(m.hidden)
            .arg(m.layers)
            .arg(m.kvHeads == m.heads ? QStringLiteral("%1 heads").arg(m.heads)
                                      : QStringLiteral("heads/KV %1/%2").arg(m.heads).arg(m.kvHeads),
                 qs(formatFixed(m.widthPerLayer(), 1)), m.tied ? QStringLiteral(", tied") : QString(),
                 qs(m.publishedParams).toHtmlEscaped(), qs(m.org).toHtmlEscaped())
            .arg(m.year);
    };
    XYSeriesSpec grey;
    grey.label = QStringLiteral("published models");
    grey.scatter = true;
    grey.color = QColor(176, 176, 176);
    grey.markerSize = 8;
    double lLo = 0, lHi = 0, dLo = 0, dHi = 0, rLo = 0, rHi = 0;
    auto extend = [&](double l, double d) {
        lLo = lLo == 0 ? l : std::min(lLo, l);
        lHi = std::max(lHi, l);
        dLo = dLo == 0 ? d : std::min(dLo, d);
        dHi = std::max(dHi, d);
    };
    for (const PublishedModel& m : models) {
        grey.points.emplace_back(static_cast<double>(m.layers), static_cast<double>(m.hidden));
        extend(static_cast<double>(m.layers), static_cast<double>(m.hidden));
        rLo = rLo == 0 ? m.widthPerLayer() : std::min(rLo, m.widthPerLayer());
        rHi = std::max(rHi, m.widthPerLayer());
        QString tip = QStringLiteral("<b>%1</b><br>%2").arg(qs(m.name).toHtmlEscaped(), describe(m));
        const auto& same = byShape[{m.layers, m.hidden}];
        if (same.size() > 1) {
            tip += QStringLiteral("<br><br>Same d × L:");
            for (const PublishedModel* o : same)
                if (o != &m)
                    tip += QStringLiteral("<br><b>%1</b>: %2").arg(qs(o->name).toHtmlEscaped(), describe(*o));
        }
        grey.tooltips << tip;
    }

    // The configs (with the same (L, d) sharing a marker) and the draft.
    std::map<std::pair<Count, Count>, QStringList> names;
    std::map<std::pair<Count, Count>, QStringList> tips;
    std::map<std::pair<Count, Count>, bool> chosen;
    std::vector<std::pair<Count, Count>> order;
    const ChartRow* draft = nullptr;
    for (const ChartRow& r : rows) {
        if (r.draft) {
            draft = &r;
            continue;
        }
        const ModelConfig& c = r.analysis->config;
        const auto key = std::make_pair(c.numHiddenLayers, c.hiddenSize);
        if (!names.contains(key))
            order.push_back(key);
        names[key] << nameOf(r);
        tips[key] << QStringLiteral("<b>%1</b>: %2")
                         .arg(nameOf(r).toHtmlEscaped(),
                              placementSummary(placeAmongPublished(c)).toHtmlEscaped());
        chosen[key] = chosen[key] || r.selected;
    }
    XYSeriesSpec configs;
    configs.label = QStringLiteral("your configs");
    configs.scatter = true;
    configs.color = QColor(42, 104, 142);
    configs.markerSize = 11;
    XYSeriesSpec picked = configs;
    picked.label = QStringLiteral("selected in Compare");
    picked.selected = true;
    picked.color = QColor(20, 20, 20);
    picked.markerSize = 13;
    for (const auto& key : order) {
        const QStringList& n = names[key];
        XYSeriesSpec& into = chosen[key] ? picked : configs;
        into.points.emplace_back(static_cast<double>(key.first), static_cast<double>(key.second));
        extend(static_cast<double>(key.first), static_cast<double>(key.second));
        into.pointLabels << (n.size() > 2 ? QStringLiteral("%1 +%2").arg(n.front()).arg(n.size() - 1)
                                          : n.join(QStringLiteral(", ")));
        into.tooltips << QStringLiteral("L = %1, d = %2<br>%3")
                             .arg(qs(formatCount(key.first)), qs(formatCount(key.second)),
                                  tips[key].join(QStringLiteral("<br>")));
    }
    std::optional<XYSeriesSpec> draftSeries;
    if (draft != nullptr) {
        XYSeriesSpec d;
        d.label = QStringLiteral("designer draft");
        d.scatter = true;
        d.highlight = true;
        d.color = draftColor();
        d.markerSize = 14;
        const ModelConfig& c = draft->analysis->config;
        d.points = {QPointF(static_cast<double>(c.numHiddenLayers), static_cast<double>(c.hiddenSize))};
        extend(d.points.front().x(), d.points.front().y());
        d.selected = draft->selected;
        d.pointLabels = {nameOf(*draft)};
        d.tooltips = {QStringLiteral("<b>%1</b> (designer draft)<br>L = %2, d = %3<br>%4")
                          .arg(nameOf(*draft).toHtmlEscaped(), qs(formatCount(c.numHiddenLayers)),
                               qs(formatCount(c.hiddenSize)),
                               placementSummary(placeAmongPublished(c)).toHtmlEscaped())};
        draftSeries = std::move(d);
    }

    constexpr double kMargin = 1.3;
    spec.x.min = lLo / kMargin;
    spec.x.max = lHi * kMargin;
    spec.y.min = dLo / kMargin;
    spec.y.max = dHi * kMargin;

    // d/L reference lines: the powers of two that bracket the data set's d/L, each drawn as
    // d = r·L inside the plotted box and labelled at its upper end.
    if (rLo > 0) {
        const int firstPower = static_cast<int>(std::floor(std::log2(rLo)));
        const int lastPower = static_cast<int>(std::ceil(std::log2(rHi)));
        for (int power = firstPower; power <= lastPower; ++power) {
            const double r = std::exp2(power);
            const double from = std::max(*spec.x.min, *spec.y.min / r);
            const double to = std::min(*spec.x.max, *spec.y.max / r) / 1.04;
            if (to <= from)
                continue;
            XYSeriesSpec s;
            s.label = QStringLiteral("d/L = %1").arg(r);
            s.color = QColor(150, 150, 150);
            s.dashed = true;
            s.width = 1.0;
            s.inLegend = false;
            s.points = {QPointF(from, r * from), QPointF(to, r * to)};
            s.pointLabels = {QString(), s.label};
            s.labelBacking = true; // readable where a line's end passes a published point
            const QString tip = QStringLiteral("d/L = %1: d = %1 · L").arg(r);
            s.tooltips = {tip, tip};
            spec.series.push_back(std::move(s));
        }
    }
    spec.series.push_back(std::move(grey));
    if (!configs.points.empty())
        spec.series.push_back(std::move(configs));
    if (!picked.points.empty())
        spec.series.push_back(std::move(picked));
    if (draftSeries)
        spec.series.push_back(std::move(*draftSeries));
    return spec;
}

ChartSpec memoryChart(const std::vector<ChartRow>& rows, const MemoryChartOptions& options)
{
    ChartSpec spec;
    spec.kind = ChartSpec::Kind::GroupedBars;
    spec.title = QStringLiteral("Training memory by optimizer");
    spec.emptyMessage =
        QStringLiteral("No configs to plot: open config files, or clear the filter in Compare.");
    spec.y = {QStringLiteral("GiB at the peak of a training step (log scale)"),
              true,
              10,
              QStringLiteral("%g"),
              {},
              {},
              {}};
    spec.legendAlignment = Qt::AlignTop;
    for (const ChartRow& r : rows) {
        spec.categories << nameOf(r);
        spec.highlightCategory.push_back(r.draft);
        spec.selectedCategory.push_back(r.selected);
    }
    const MemoryOptions& base = options.memory;
    // One bar set per regime, in core's order; each bar is core's total for that regime.
    std::size_t colour = 0;
    for (Optimizer o : trainingOptimizers()) {
        BarSetSpec set;
        MemoryOptions m = base;
        m.optimizer = o;
        const bool ranked = o == Optimizer::GaLore || o == Optimizer::LoRA;
        if (ranked && m.rank == 0)
            m.rank = kDefaultLowRank;
        set.label = ranked ? QStringLiteral("%1 r=%2").arg(qs(toString(o))).arg(m.rank) : qs(toString(o));
        set.color = seriesColor(colour++);
        for (const ChartRow& r : rows) {
            try {
                const MemoryReport report = estimateMemory(r.analysis->config, m);
                set.values.push_back(static_cast<double>(report.totalBytes()) / kGibibyte);
                set.tooltips << QStringLiteral(
                                    "<b>%1</b> — %2<br>weights %3, activations %4, B = %5, T = %6%7")
                                    .arg(nameOf(r), set.label, qs(toString(report.weightDtype)),
                                         qs(toString(report.activationDtype)),
                                         qs(formatCount(report.options.batch)),
                                         qs(formatCount(report.options.seqLen)),
                                         htmlTable(memoryTotalsTable(report), QStringLiteral("total")));
            } catch (const std::exception& e) {
                set.values.push_back(0);
                set.tooltips << QStringLiteral("<b>%1</b> — %2<br>%3")
                                    .arg(nameOf(r), set.label, QString::fromUtf8(e.what()));
            }
        }
        spec.barSets.push_back(std::move(set));
    }
    spec.subtitle =
        QStringLiteral(
            "Weights + gradients + optimizer state + activations + logits (estimateMemory); B = %1, T = %2, "
            "%3 attention%4 · hover a bar for the breakdown")
            .arg(base.batch)
            .arg(base.seqLen == 0 ? QStringLiteral("each config's P") : QString::number(base.seqLen))
            .arg(qs(toString(base.attention)))
            .arg(base.recompute ? QStringLiteral(", full recompute") : QString());
    if (!options.device.isEmpty()) {
        const AcceleratorTable table = builtinAccelerators();
        if (const Accelerator* a = table.find(options.device.toStdString())) {
            spec.references.push_back({QStringLiteral("%1 (%2)").arg(
                                           qs(a->name), qs(formatBytes(static_cast<double>(a->memoryBytes)))),
                                       QColor(200, 40, 40),
                                       static_cast<double>(a->memoryBytes) / kGibibyte,
                                       {}});
        }
    }
    return spec;
}

} // namespace llamascope::gui
