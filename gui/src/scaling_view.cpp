#include "llamascope/gui/scaling_view.hpp"

#include "enum_combo.hpp"
#include "llamascope/analysis.hpp"
#include "llamascope/design.hpp"
#include "llamascope/errors.hpp"
#include "llamascope/format.hpp"
#include "llamascope/gui/background_task.hpp"
#include "llamascope/gui/compare_model.hpp"
#include "llamascope/gui/designer_document.hpp"
#include "llamascope/gui/scope_chart.hpp"
#include "llamascope/io.hpp"
#include "llamascope/table.hpp"
#include "text.hpp"
#include "widgets.hpp"

#include <QAbstractItemModel>
#include <QAbstractProxyModel>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <memory>

namespace llamascope::gui {
namespace {

QLabel* caption(const QString& text, QWidget* parent)
{
    auto* l = new QLabel(text, parent);
    l->setStyleSheet(QStringLiteral("color: #444;"));
    return l;
}

// Axes are log10 of N and D on linear axes, labelled at whole decades in words ("1B"), which
// reads better than 1e+09 and lets the range stop at the data's box (no empty decades).
QString decadeLabel(int k)
{
    static const std::array<const char*, 6> suffix = {"", "K", "M", "B", "T", "P"};
    if (k < 0 || k >= 18)
        return QStringLiteral("1e%1").arg(k);
    const int unit = k / 3;
    const int zeros = k % 3;
    return QStringLiteral("1") + QString(zeros, QLatin1Char('0')) +
           QString::fromLatin1(suffix[static_cast<std::size_t>(unit)]);
}

AxisSpec logAxis(const QString& title, double lo, double hi)
{
    AxisSpec a;
    a.title = title;
    const double l = std::log10(lo), h = std::log10(hi);
    a.min = l;
    a.max = h;
    for (int k = static_cast<int>(std::ceil(l - 1e-9)); k <= static_cast<int>(std::floor(h + 1e-9)); ++k)
        a.ticks.emplace_back(static_cast<double>(k), decadeLabel(k));
    return a;
}

QPointF plotted(double tokens, double parameters)
{
    return {std::log10(tokens), std::log10(parameters)};
}

// Runs are coloured by model size in steps of 1-3-10 per decade, light (small) to dark (large)
// along a sequential ramp (viridis' anchors, reversed so that large is dark).
QColor sizeColor(std::size_t step, std::size_t steps)
{
    static const std::array<QColor, 6> ramp = {QColor(189, 223, 38), QColor(94, 201, 98),
                                               QColor(33, 145, 140), QColor(44, 114, 142),
                                               QColor(59, 82, 139),  QColor(68, 1, 84)};
    if (steps <= 1)
        return ramp[2];
    const double t = static_cast<double>(step) / static_cast<double>(steps - 1) * (ramp.size() - 1);
    const auto i = std::min<std::size_t>(static_cast<std::size_t>(t), ramp.size() - 2);
    const double f = t - static_cast<double>(i);
    auto mix = [f](int a, int b) { return static_cast<int>(std::lround(a + (b - a) * f)); };
    return QColor(mix(ramp[i].red(), ramp[i + 1].red()), mix(ramp[i].green(), ramp[i + 1].green()),
                  mix(ramp[i].blue(), ramp[i + 1].blue()));
}

/// The 1-3-10 step a size falls in: 2·decade, +1 from 3·10^k.
int sizeStep(double parameters)
{
    const double lg = std::log10(parameters);
    const int decade = static_cast<int>(std::floor(lg));
    return 2 * decade + (lg - decade >= std::log10(3.0) ? 1 : 0);
}

QString stepLabel(int step)
{
    auto edge = [](int s) {
        const int decade = s / 2;
        return s % 2 == 0 ? decadeLabel(decade) : QStringLiteral("3") + decadeLabel(decade).mid(1);
    };
    return QStringLiteral("%1–%2").arg(edge(step), edge(step + 1));
}

QString intervalText(const LossPrediction& p)
{
    if (!p.interval)
        return QStringLiteral("no interval: the law has no bootstrap samples");
    return QStringLiteral("%1 % interval %2 – %3")
        .arg(qs(formatFixed(p.confidence * 100, 0)), qs(formatFixed(p.interval->low, 3)),
             qs(formatFixed(p.interval->high, 3)));
}

QString lawName(const ScalingLaw& law)
{
    return law.runs > 0 ? QStringLiteral("fit of %1").arg(qs(law.name)) : qs(law.name);
}

} // namespace

// ---- the chart --------------------------------------------------------------------------------

ChartSpec scalingChartSpec(const ScalingChartData& data, const ScalingLaw& law, const RunsTable* runs,
                           const std::optional<ScalingMarker>& marker, ScalingPlot plot)
{
    const bool lossPlane = plot == ScalingPlot::LossOverTokens;
    // Where a (D, N, loss) point is drawn in this plane.
    auto at = [lossPlane](double tokens, double parameters, double loss) {
        return lossPlane ? QPointF(std::log10(tokens), loss) : plotted(tokens, parameters);
    };
    ChartSpec spec;
    spec.kind = ChartSpec::Kind::XY;
    spec.title = lossPlane ? QStringLiteral("Loss over tokens D, by model size: %1").arg(lawName(law))
                           : QStringLiteral("Loss over parameters N and tokens D: %1").arg(lawName(law));
    spec.subtitle =
        QStringLiteral("%1 · E %2, A %3, B %4, α %5, β %6 · %8 · N counted as %7")
            .arg(qs(formula(law.form)), qs(formatFixed(law.params.E, 4)), qs(formatFixed(law.params.A, 1)),
                 qs(formatFixed(law.params.B, 1)), qs(formatFixed(law.params.alpha, 4)),
                 qs(formatFixed(law.params.beta, 4)), qs(toString(law.paramCount)),
                 lossPlane ? QStringLiteral("lines: the law at each size's median N")
                           : QStringLiteral("grey: iso-loss contours"));
    spec.legendAlignment = Qt::AlignRight;
    spec.emptyMessage = QStringLiteral("Nothing to plot: open a runs table or choose a published law.");
    if (data.gridParameters.empty() || data.gridTokens.empty())
        return spec;
    spec.x = logAxis(QStringLiteral("training tokens D (log scale)"), data.gridTokens.front(),
                     data.gridTokens.back());
    spec.y = logAxis(QStringLiteral("parameters N, %1 (log scale)").arg(qs(toString(law.paramCount))),
                     data.gridParameters.front(), data.gridParameters.back());
    if (lossPlane) {
        // Loss on a linear axis spanning the runs, the frontier and the model (not from 0).
        double lo = std::numeric_limits<double>::infinity();
        double hi = -lo;
        auto span = [&](double l) {
            lo = std::min(lo, l);
            hi = std::max(hi, l);
        };
        for (const auto& r : data.runs)
            span(r.loss);
        if (marker)
            span(marker->prediction.loss);
        if (data.runs.empty())
            for (const auto& f : data.frontier)
                span(f.loss);
        spec.y = AxisSpec{};
        spec.y.title = QStringLiteral("loss (nats per token)");
        if (std::isfinite(lo)) {
            const double pad = std::max((hi - lo) * 0.06, 0.02);
            spec.y.min = lo - pad;
            spec.y.max = hi + pad;
            // Labelled ticks at a round step, at most eight, so the axis stops at the data.
            // Wider spans than 8 nats (odd runs tables) step by the power of ten that keeps <= 8.
            const double width = *spec.y.max - *spec.y.min;
            double step = std::pow(10.0, std::ceil(std::log10(std::max(width / 8, 1.0))));
            for (double s : {0.05, 0.1, 0.2, 0.25, 0.5, 1.0})
                if (width / s <= 8) {
                    step = s;
                    break;
                }
            // Ticks by index, not by adding `step` to a double (no drift over the axis).
            const double first = std::ceil(*spec.y.min / step);
            for (int k = 0; (first + k) * step <= *spec.y.max; ++k) {
                const double t = (first + k) * step;
                spec.y.ticks.emplace_back(t, QString::number(t, 'f', step < 0.1 ? 2 : (step < 1 ? 2 : 1)));
            }
        }
    }

    // Contours first (drawn below), each labelled with its loss near its middle.
    for (std::size_t i = 0; i < data.contours.size() && !lossPlane; ++i) {
        const auto& c = data.contours[i];
        if (c.points.size() < 2)
            continue;
        XYSeriesSpec s;
        s.label = QStringLiteral("iso-loss");
        s.inLegend = i == 0;
        s.color = QColor(150, 150, 150);
        s.width = 1.0;
        // Labelled where the curve leaves the box at its small-N end (the bottom or right
        // edge), away from the runs, which lie along the diagonal.
        const std::size_t mid = 0;
        for (std::size_t p = 0; p < c.points.size(); ++p) {
            s.points.push_back(plotted(c.points[p].second, c.points[p].first));
            s.tooltips << QStringLiteral("iso-loss L = %1<br>N = %2, D = %3")
                              .arg(qs(formatFixed(c.loss, 3)), qs(formatShort(c.points[p].first)),
                                   qs(formatShort(c.points[p].second)));
            s.pointLabels << (p == mid ? qs(formatFixed(c.loss, 2)) : QString());
        }
        spec.series.push_back(std::move(s));
    }

    // Runs by size step; runs left out of the fit in their own hollow-looking grey series.
    std::map<int, XYSeriesSpec> bySize;
    std::map<int, std::vector<double>> sizesByStep;
    XYSeriesSpec dropped;
    dropped.label = QStringLiteral("left out");
    dropped.scatter = true;
    dropped.color = QColor(205, 205, 205);
    dropped.markerSize = 7;
    for (std::size_t i = 0; i < data.runs.size(); ++i) {
        const ScalingChartData::Point& r = data.runs[i];
        const ScalingRun* run = runs != nullptr && i < runs->runs.size() ? &runs->runs[i] : nullptr;
        const QString tip =
            QStringLiteral("<b>%1</b>%2<br>N = %3, D = %4<br>C = %5 FLOPs, loss %6%7")
                .arg(run ? qs(run->model).toHtmlEscaped() : QStringLiteral("run %1").arg(i + 1),
                     run ? QStringLiteral(" (line %1)").arg(run->line) : QString(),
                     qs(formatShort(r.parameters)), qs(formatShort(r.tokens)),
                     qs(formatScientific(r.compute)), qs(formatFixed(r.loss, 4)),
                     r.used ? QString() : QStringLiteral("<br>left out of the fit"));
        XYSeriesSpec& into = r.used ? bySize[sizeStep(r.parameters)] : dropped;
        into.points.push_back(at(r.tokens, r.parameters, r.loss));
        into.tooltips << tip;
        if (r.used)
            sizesByStep[sizeStep(r.parameters)].push_back(r.parameters);
    }
    std::size_t step = 0;
    for (auto& [key, s] : bySize) {
        s.label = stepLabel(key);
        s.scatter = true;
        s.markerSize = 7;
        s.color = sizeColor(step++, bySize.size());
        if (lossPlane) {
            // The law's curve L(N, D) over the chart's D at the median N of this size's runs.
            std::vector<double>& sizes = sizesByStep[key];
            std::nth_element(sizes.begin(), sizes.begin() + static_cast<std::ptrdiff_t>(sizes.size() / 2),
                             sizes.end());
            const double n = sizes[sizes.size() / 2];
            XYSeriesSpec curve;
            curve.label = QStringLiteral("law at N = %1").arg(qs(formatShort(n)));
            curve.inLegend = false;
            curve.color = s.color;
            curve.width = 1.5;
            s.label += QStringLiteral(" · law at %1").arg(qs(formatShort(n)));
            for (double d : data.gridTokens) {
                const double l = law.loss(n, d);
                curve.points.push_back(at(d, n, l));
                curve.tooltips << QStringLiteral("the law at N = %1, D = %2: loss %3")
                                      .arg(qs(formatShort(n)), qs(formatShort(d)), qs(formatFixed(l, 4)));
            }
            spec.series.push_back(std::move(curve));
        }
        spec.series.push_back(std::move(s));
    }
    if (!dropped.points.empty())
        spec.series.push_back(std::move(dropped));

    XYSeriesSpec frontier;
    frontier.label = QStringLiteral("optimal frontier");
    frontier.color = QColor(200, 40, 40);
    frontier.width = 2.5;
    frontier.dashed = true;
    for (const auto& f : data.frontier) {
        frontier.points.push_back(at(f.tokens, f.parameters, f.loss));
        frontier.tooltips << QStringLiteral("<b>compute-optimal</b> at C = %1 FLOPs<br>N_opt = %2, D_opt = "
                                            "%3<br>loss %4")
                                 .arg(qs(formatScientific(f.compute)), qs(formatShort(f.parameters)),
                                      qs(formatShort(f.tokens)), qs(formatFixed(f.loss, 4)));
    }
    if (!frontier.points.empty())
        spec.series.push_back(std::move(frontier));

    if (marker) {
        const LossPrediction& p = marker->prediction;
        XYSeriesSpec m;
        m.label = marker->name;
        m.scatter = true;
        m.highlight = true;
        m.color = QColor(230, 120, 0);
        m.markerSize = 12;
        m.labelBacking = true;
        m.points.push_back(at(p.tokens, p.parameters, p.loss));
        m.tooltips << QStringLiteral("<b>%1</b><br>N = %2, D = %3, C = %4 FLOPs<br>predicted loss %5<br>%6")
                          .arg(marker->name.toHtmlEscaped(), qs(formatShort(p.parameters)),
                               qs(formatShort(p.tokens)), qs(formatScientific(p.compute)),
                               qs(formatFixed(p.loss, 3)), intervalText(p));
        m.pointLabels << QStringLiteral("%1: L %2%3")
                             .arg(marker->label, qs(formatFixed(p.loss, 3)),
                                  p.interval ? QStringLiteral(" [%1–%2]")
                                                   .arg(qs(formatFixed(p.interval->low, 3)),
                                                        qs(formatFixed(p.interval->high, 3)))
                                             : QString());
        spec.series.push_back(std::move(m));
    }
    return spec;
}

// ---- the view -----------------------------------------------------------------------------------

ScalingView::ScalingView(QAbstractItemModel* models, DesignerDocument* document, QWidget* parent)
    : QWidget(parent), models_(models), document_(document), task_(new BackgroundTask(this)),
      chart_(new ScopeChart(this)), law_(chinchillaLaw())
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);

    // Row 1: the runs table and the law drawn.
    auto* top = new QHBoxLayout;
    addToolButton(this, top, QStringLiteral("Open runs…"),
                  QStringLiteral("A runs table, CSV or JSON lines (what `llamascope fit` reads)"),
                  [this] { openRunsDialog(); });
    runsLabel_ = new QLabel(QStringLiteral("no runs table"), this);
    runsLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    runsLabel_->setSizePolicy(QSizePolicy::Ignored,
                              QSizePolicy::Preferred); // a long name never widens the window
    top->addWidget(runsLabel_, 1);
    top->addWidget(caption(QStringLiteral("Plot"), this));
    plotBox_ = new QComboBox(this);
    plotBox_->setObjectName(QStringLiteral("plot"));
    plotBox_->addItem(QStringLiteral("N over D, iso-loss contours"));
    plotBox_->addItem(QStringLiteral("loss over D, by size"));
    plotBox_->setToolTip(QStringLiteral("The plane drawn: parameters over tokens with the law's contours, or "
                                        "the loss over tokens with the law's curve for each size"));
    top->addWidget(plotBox_);
    top->addWidget(caption(QStringLiteral("Law"), this));
    lawBox_ = new QComboBox(this);
    lawBox_->setObjectName(QStringLiteral("law"));
    lawBox_->addItem(QStringLiteral("fit of the runs"));
    lawBox_->addItem(QStringLiteral("chinchilla (Hoffmann et al. 2022)"));
    lawBox_->addItem(QStringLiteral("besiroglu (Besiroglu et al. 2024)"));
    lawBox_->setCurrentIndex(static_cast<int>(LawChoice::Chinchilla));
    lawBox_->setToolTip(QStringLiteral("The law whose contours, frontier and prediction are drawn"));
    top->addWidget(lawBox_);
    auto* exportButton = new QToolButton(this);
    exportButton->setText(QStringLiteral("Export…"));
    exportButton->setToolTip(QStringLiteral("The chart as a 2× PNG or a vector SVG"));
    exportButton->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(exportButton);
    menu->addAction(QStringLiteral("Export PNG…"), this, [this] { exportDialog(false); });
    menu->addAction(QStringLiteral("Export SVG…"), this, [this] { exportDialog(true); });
    exportButton->setMenu(menu);
    top->addWidget(exportButton);
    layout->addLayout(top);

    // Row 2: the fit's options (the CLI's, with its defaults), progress and Cancel.
    const FitOptions defaults;
    auto* fitBar = new QHBoxLayout;
    fitBar->addWidget(caption(QStringLiteral("N counted as"), this));
    countBox_ = new QComboBox(this);
    countBox_->setObjectName(QStringLiteral("nCount"));
    addEnumItems(countBox_, paramCountTable());
    selectEnum(countBox_, paramCountTable(), RunsReadOptions{}.paramCount);
    countBox_->setToolTip(QStringLiteral("How N is counted for runs that name a config (--n-count)"));
    fitBar->addWidget(countBox_);
    fitBar->addWidget(caption(QStringLiteral("Drop highest"), this));
    drop_ = new QSpinBox(this);
    drop_->setRange(0, 1000);
    drop_->setValue(static_cast<int>(defaults.dropHighest));
    drop_->setToolTip(QStringLiteral("Leave out the k runs with the highest loss (--drop-highest; "
                                     "Besiroglu et al. drop 5)"));
    fitBar->addWidget(drop_);
    fitBar->addWidget(caption(QStringLiteral("Bootstrap"), this));
    bootstrap_ = new QSpinBox(this);
    bootstrap_->setRange(0, 100000);
    bootstrap_->setSingleStep(100);
    bootstrap_->setValue(static_cast<int>(defaults.bootstrap));
    bootstrap_->setToolTip(QStringLiteral("Bootstrap resamples for the intervals (--bootstrap; 0: none)"));
    fitBar->addWidget(bootstrap_);
    fitButton_ = new QPushButton(QStringLiteral("Fit"), this);
    fitButton_->setToolTip(QStringLiteral("Fit L(N, D) to the runs again with these options"));
    fitButton_->setEnabled(false);
    connect(fitButton_, &QPushButton::clicked, this, [this] { startFit(); });
    fitBar->addWidget(fitButton_);
    progress_ = new QProgressBar(this);
    progress_->setRange(0, 1000);
    progress_->setTextVisible(true);
    progress_->setVisible(false);
    fitBar->addWidget(progress_, 1);
    cancel_ = new QPushButton(QStringLiteral("Cancel"), this);
    cancel_->setVisible(false);
    connect(cancel_, &QPushButton::clicked, this, &ScalingView::cancelFit);
    fitBar->addWidget(cancel_);
    fitBar->addStretch(0);
    layout->addLayout(fitBar);

    // Row 3: the model over the law.
    auto* modelBar = new QHBoxLayout;
    modelBar->addWidget(caption(QStringLiteral("Model"), this));
    modelBox_ = new QComboBox(this);
    modelBox_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    modelBox_->setMinimumContentsLength(24);
    modelBox_->setToolTip(QStringLiteral("The designer's config, or a config from the workspace"));
    modelBar->addWidget(modelBox_);
    modelBar->addWidget(caption(QStringLiteral("trained on D ="), this));
    tokensEdit_ = new QLineEdit(QStringLiteral("100B"), this);
    tokensEdit_->setToolTip(QStringLiteral("Training tokens: 300B, 1.4T, 2e12"));
    tokensEdit_->setMaximumWidth(fontMetrics().horizontalAdvance(QStringLiteral("0000.000T")) + 16);
    connect(tokensEdit_, &QLineEdit::editingFinished, this, [this] { setTokens(tokensEdit_->text()); });
    modelBar->addWidget(tokensEdit_);
    prediction_ = new QLabel(this);
    prediction_->setWordWrap(true); // a long prediction wraps instead of widening the window
    prediction_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    modelBar->addWidget(prediction_, 1);
    layout->addLayout(modelBar);

    errors_ = new QLabel(this);
    errors_->setWordWrap(true);
    errors_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    errors_->setStyleSheet(QStringLiteral("color: #b00020;"));
    errors_->setVisible(false);
    layout->addWidget(errors_);

    summary_ = new QLabel(this);
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    summary_->setVisible(false);
    layout->addWidget(summary_);
    layout->addWidget(chart_, 1);

    connect(lawBox_, &QComboBox::currentIndexChanged, this, [this] { updateLaw(); });
    connect(plotBox_, &QComboBox::currentIndexChanged, this, [this] { redraw(); });
    connect(modelBox_, &QComboBox::currentIndexChanged, this, [this] { updateMarker(); });
    // Another N convention counts the runs' configs again: read the table again and refit.
    connect(countBox_, &QComboBox::currentIndexChanged, this, [this] {
        if (!runsPath_.isEmpty())
            openRuns(runsPath_);
    });
    connect(task_, &BackgroundTask::progressed, this, [this](double f, const QString& stage) {
        progress_->setValue(static_cast<int>(std::lround(f * 1000)));
        progress_->setFormat(QStringLiteral("%p% · ") + stage);
    });
    if (models_ != nullptr) {
        connect(models_, &QAbstractItemModel::modelReset, this, &ScalingView::refreshModels);
        connect(models_, &QAbstractItemModel::rowsInserted, this, &ScalingView::refreshModels);
        connect(models_, &QAbstractItemModel::rowsRemoved, this, &ScalingView::refreshModels);
    }
    if (document_ != nullptr)
        connect(document_, &DesignerDocument::validated, this, &ScalingView::refreshModels);
    tokens_ = parseQuantity(tokensEdit_->text().toStdString(), "tokens");
    updateLawChoices();
    refreshModels();
    updateLaw();
}

ScalingView::~ScalingView() = default;

void ScalingView::setSelectionModel(QItemSelectionModel* selection)
{
    if (selection_ != nullptr)
        disconnect(selection_, nullptr, this, nullptr);
    selection_ = selection;
    if (selection_ == nullptr)
        return;
    connect(selection_, &QItemSelectionModel::selectionChanged, this, [this] {
        const QModelIndexList rows = selection_->selectedRows();
        if (rows.size() != 1)
            return;
        QModelIndex index = rows.front();
        if (auto* proxy = qobject_cast<const QAbstractProxyModel*>(index.model()))
            index = proxy->mapToSource(index);
        if (index.model() != models_)
            return;
        const int item = modelBox_->findData(index.row());
        if (item > 0)
            modelBox_->setCurrentIndex(item);
    });
}

void ScalingView::saveSettings(QSettings& s) const
{
    s.setValue(QStringLiteral("scaling/nCount"), countBox_->currentIndex());
    s.setValue(QStringLiteral("scaling/plot"), plotBox_->currentIndex());
    s.setValue(QStringLiteral("scaling/dropHighest"), drop_->value());
    s.setValue(QStringLiteral("scaling/bootstrap"), bootstrap_->value());
    s.setValue(QStringLiteral("scaling/tokens"), tokensEdit_->text());
    s.setValue(QStringLiteral("scaling/model"), modelBox_->currentText());
    if (lawChoice() != LawChoice::Fit)
        s.setValue(QStringLiteral("scaling/law"), lawBox_->currentIndex());
}

void ScalingView::restoreSettings(const QSettings& s)
{
    const int count = s.value(QStringLiteral("scaling/nCount"), countBox_->currentIndex()).toInt();
    if (count >= 0 && count < countBox_->count())
        countBox_->setCurrentIndex(count);
    drop_->setValue(s.value(QStringLiteral("scaling/dropHighest"), drop_->value()).toInt());
    const int plot = s.value(QStringLiteral("scaling/plot"), plotBox_->currentIndex()).toInt();
    if (plot >= 0 && plot < plotBox_->count())
        plotBox_->setCurrentIndex(plot);
    bootstrap_->setValue(s.value(QStringLiteral("scaling/bootstrap"), bootstrap_->value()).toInt());
    const int law = s.value(QStringLiteral("scaling/law"), lawBox_->currentIndex()).toInt();
    if (law > 0 && law < lawBox_->count())
        lawBox_->setCurrentIndex(law);
    const int model = modelBox_->findText(s.value(QStringLiteral("scaling/model")).toString());
    if (model >= 0)
        modelBox_->setCurrentIndex(model);
    setTokens(s.value(QStringLiteral("scaling/tokens"), tokensEdit_->text()).toString());
}

void ScalingView::updateLawChoices()
{
    // "fit of the runs" is offered once there is a fit; never a preset drawn under its name.
    if (auto* m = qobject_cast<QStandardItemModel*>(lawBox_->model()))
        if (QStandardItem* item = m->item(static_cast<int>(LawChoice::Fit)))
            item->setEnabled(fit_.has_value());
}

void ScalingView::openRunsDialog()
{
    const QString path = QFileDialog::getOpenFileName(
        this, QStringLiteral("Open a runs table"), QFileInfo(runsPath_).absolutePath(),
        QStringLiteral("Runs tables (*.csv *.jsonl *.json);;All files (*)"));
    if (!path.isEmpty())
        openRuns(path);
}

bool ScalingView::openRuns(const QString& path)
{
    if (task_->isRunning()) {
        emit statusMessage(QStringLiteral("A fit is running: cancel it first"));
        return false;
    }
    RunsReadOptions o;
    o.paramCount = paramCount();
    RunsReadResult r;
    try {
        r = readRunsFile(toFsPath(path), o);
    } catch (const std::exception& e) {
        showError(QString::fromUtf8(e.what()));
        return false;
    }
    runsPath_ = path;
    if (!r.table) {
        // Word for word what `llamascope fit` prints (cli/commands/scaling_options.cpp).
        QStringList lines;
        for (const RunsIssue& i : r.issues)
            lines << qs(formatIssue(r.source, i));
        if (r.moreIssues > 0)
            lines << QStringLiteral("%1: %2 more problem(s) not shown").arg(qs(r.source)).arg(r.moreIssues);
        lines << QStringLiteral("%1: the runs table has problems; nothing was fitted").arg(qs(r.source));
        runs_.reset();
        fit_.reset();
        updateLawChoices();
        fitButton_->setEnabled(false);
        runsLabel_->setText(QStringLiteral("%1 (not read)").arg(QFileInfo(path).fileName()));
        showError(lines.join(QLatin1Char('\n')));
        summary_->setVisible(false);
        if (lawChoice() == LawChoice::Fit)
            lawBox_->setCurrentIndex(static_cast<int>(LawChoice::Chinchilla));
        updateLaw();
        return false;
    }
    runs_ = std::move(r.table);
    fit_.reset();
    updateLawChoices();
    if (lawChoice() == LawChoice::Fit)
        lawBox_->setCurrentIndex(static_cast<int>(LawChoice::Chinchilla));
    showError({});
    runsLabel_->setText(QStringLiteral("%1 · %2 runs (%3)")
                            .arg(QFileInfo(path).fileName())
                            .arg(runs_->runs.size())
                            .arg(qs(toString(runs_->format))));
    runsLabel_->setToolTip(QFileInfo(path).absoluteFilePath());
    fitButton_->setEnabled(true);
    updateLaw();
    return startFit();
}

FitOptions ScalingView::fitOptions() const
{
    FitOptions o;
    o.form = LawForm::ParamsData;
    o.dropHighest = static_cast<std::size_t>(drop_->value());
    o.bootstrap = static_cast<std::size_t>(bootstrap_->value());
    return o;
}

ParamCount ScalingView::paramCount() const
{
    return enumValue(countBox_, paramCountTable()).value_or(RunsReadOptions{}.paramCount);
}

void ScalingView::setDropHighest(int k)
{
    drop_->setValue(k);
}

void ScalingView::setBootstrap(int resamples)
{
    bootstrap_->setValue(resamples);
}

bool ScalingView::startFit()
{
    if (!runs_ || task_->isRunning())
        return false;
    const FitOptions options = fitOptions();
    auto table = std::make_shared<const RunsTable>(*runs_);
    auto result = std::make_shared<FitResult>();
    const QString stem = QFileInfo(runsPath_).completeBaseName();
    auto* context = new QObject(this);
    auto done = [this, context] {
        context->deleteLater();
        progress_->setVisible(false);
        cancel_->setVisible(false);
        countBox_->setEnabled(true);
        fitButton_->setEnabled(runs_.has_value());
    };
    connect(task_, &BackgroundTask::finished, context, [this, result, done] {
        done();
        fit_ = std::move(*result);
        updateLawChoices();
        // One line from core's parameter table (fit's own cells): value [low – high].
        const Table t = fitParametersTable(*fit_);
        QStringList parts;
        for (const auto& row : t.rows) {
            QString part = QStringLiteral("<b>%1</b> %2").arg(qs(row.at(0).display), qs(row.at(1).display));
            if (row.size() >= 5 && !row.at(3).display.empty())
                part += QStringLiteral(" [%1 – %2]").arg(qs(row.at(3).display), qs(row.at(4).display));
            parts << part;
        }
        const QString level =
            qs(t.columns.size() >= 5 ? t.columns.at(3).header : std::string()).remove(QStringLiteral(" low"));
        summary_->setText(QStringLiteral("Fit [%1 interval]: %2 · %3 of %4 runs · %5 resamples")
                              .arg(level, parts.join(QStringLiteral(" · ")))
                              .arg(fit_->used.size())
                              .arg(runs_->runs.size())
                              .arg(fit_->law.bootstrap.size()));
        summary_->setVisible(true);
        if (lawChoice() == LawChoice::Fit)
            updateLaw();
        else
            lawBox_->setCurrentIndex(static_cast<int>(LawChoice::Fit));
        emit statusMessage(QStringLiteral("Fitted L(N, D) to %1 runs").arg(fit_->used.size()));
        emit fitFinished();
    });
    connect(task_, &BackgroundTask::cancelled, context, [this, done] {
        done();
        emit statusMessage(QStringLiteral("Fit cancelled"));
        emit fitCancelled();
    });
    connect(task_, &BackgroundTask::failed, context, [this, done](const QString& message) {
        done();
        showError(message);
        emit fitFailed(message);
    });
    const bool started = task_->start([table, options, result, stem](Progress& progress) {
        *result = fitLaw(*table, options, &progress);
        result->law.name = stem.toStdString();
    });
    if (!started) {
        delete context;
        return false;
    }
    showError({});
    progress_->setValue(0);
    progress_->setFormat(QStringLiteral("%p%"));
    progress_->setVisible(true);
    cancel_->setVisible(true);
    fitButton_->setEnabled(false);
    countBox_->setEnabled(false); // the table being fitted was counted this way
    emit statusMessage(QStringLiteral("Fitting L(N, D) with %1 bootstrap resamples…").arg(options.bootstrap));
    return true;
}

void ScalingView::cancelFit()
{
    task_->cancel();
}

bool ScalingView::isFitting() const
{
    return task_->isRunning();
}

bool ScalingView::waitForFit(int msecs)
{
    return task_->wait(msecs);
}

void ScalingView::setPlot(ScalingPlot plot)
{
    plotBox_->setCurrentIndex(static_cast<int>(plot));
}

ScalingPlot ScalingView::plot() const
{
    return static_cast<ScalingPlot>(std::max(0, plotBox_->currentIndex()));
}

void ScalingView::setLawChoice(LawChoice choice)
{
    lawBox_->setCurrentIndex(static_cast<int>(choice));
}

ScalingView::LawChoice ScalingView::lawChoice() const
{
    return static_cast<LawChoice>(std::max(0, lawBox_->currentIndex()));
}

void ScalingView::updateLaw()
{
    switch (lawChoice()) {
    case LawChoice::Fit:
        if (fit_)
            law_ = fit_->law;
        else
            law_ = chinchillaLaw();
        break;
    case LawChoice::Chinchilla: law_ = chinchillaLaw(); break;
    case LawChoice::Besiroglu: law_ = besirogluLaw(); break;
    }
    updateMarker();
}

std::optional<Analysis> ScalingView::chosenAnalysis(QString* name) const
{
    const int i = modelBox_->currentIndex();
    if (i == 0) {
        if (document_ == nullptr || !document_->analysis())
            return std::nullopt;
        *name = QStringLiteral("designer: ") + qs(document_->analysis()->config.name);
        return document_->analysis();
    }
    auto* compare = qobject_cast<CompareModel*>(models_);
    const int row = modelBox_->currentData().toInt();
    if (compare == nullptr || row < 0 || row >= compare->rowCount())
        return std::nullopt;
    *name = qs(compare->analysis(row).config.name);
    return compare->analysis(row);
}

void ScalingView::refreshModels()
{
    const QString current = modelBox_->currentText();
    const QSignalBlocker block(modelBox_);
    modelBox_->clear();
    const QString designer = document_ != nullptr && document_->analysis()
                                 ? qs(document_->analysis()->config.name)
                                 : QStringLiteral("(no valid config)");
    modelBox_->addItem(QStringLiteral("designer: %1").arg(designer), -1);
    if (auto* compare = qobject_cast<CompareModel*>(models_))
        for (int row = 0; row < compare->rowCount(); ++row)
            if (!compare->isDraft(row))
                modelBox_->addItem(qs(compare->analysis(row).config.name), row);
    const int again = modelBox_->findText(current);
    modelBox_->setCurrentIndex(std::max(0, again));
    updateMarker();
}

QStringList ScalingView::modelNames() const
{
    QStringList names;
    for (int i = 0; i < modelBox_->count(); ++i)
        names << modelBox_->itemText(i);
    return names;
}

void ScalingView::setModelIndex(int index)
{
    modelBox_->setCurrentIndex(index);
}

bool ScalingView::setTokens(const QString& text)
{
    try {
        tokens_ = parseQuantity(text.trimmed().toStdString(), "tokens D");
        tokensEdit_->setText(text.trimmed());
        tokensEdit_->setStyleSheet({});
    } catch (const std::exception& e) {
        tokensEdit_->setStyleSheet(QStringLiteral("background: #fde7e9;"));
        prediction_->setText(QString::fromUtf8(e.what()));
        return false;
    }
    updateMarker();
    return true;
}

void ScalingView::updateMarker()
{
    marker_.reset();
    QString name;
    const std::optional<Analysis> a = chosenAnalysis(&name);
    if (!a) {
        prediction_->setText(
            QStringLiteral("No model: open or edit a config in the designer, or open configs"));
    } else {
        try {
            // N counted the way the law counts it (core's exact counts), as `predict` does.
            const double n = static_cast<double>(
                countedParameters(a->params, a->config.tieWordEmbeddings, law_.paramCount));
            const LossPrediction p = predictLoss(law_, n, tokens_);
            marker_ = ScalingMarker{name, qs(a->config.name), p};
            prediction_->setText(QStringLiteral("N = %1 (%2) · C = %3 FLOPs · predicted loss <b>%4</b> (%5)")
                                     .arg(qs(formatCount(static_cast<std::int64_t>(n))),
                                          qs(toString(law_.paramCount)), qs(formatScientific(p.compute)),
                                          qs(formatFixed(p.loss, 3)), intervalText(p)));
        } catch (const std::exception& e) {
            prediction_->setText(QString::fromUtf8(e.what()));
        }
    }
    redraw();
}

void ScalingView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (stale_)
        redraw();
}

void ScalingView::redraw()
{
    // Designer edits re-predict on every change; the chart is rebuilt only when seen.
    if (!isVisible()) {
        stale_ = true;
        return;
    }
    rebuildChart();
}

void ScalingView::rebuildChart()
{
    stale_ = false;
    // Core's chart data for the law over the runs, its box widened to hold the model.
    const bool fitted = lawChoice() == LawChoice::Fit && fit_.has_value();
    std::optional<std::pair<double, double>> include;
    if (marker_)
        include.emplace(marker_->prediction.parameters, marker_->prediction.tokens);
    try {
        data_ = scalingChart(law_, runs_ ? &*runs_ : nullptr, fitted ? &*fit_ : nullptr, include);
    } catch (const std::exception& e) {
        data_ = {};
        showError(QString::fromUtf8(e.what()));
    }
    chart_->setSpec(scalingChartSpec(data_, law_, runs_ ? &*runs_ : nullptr, marker_, plot()));
}

void ScalingView::showError(const QString& text)
{
    errors_->setText(text);
    errors_->setVisible(!text.isEmpty());
}

QString ScalingView::errorText() const
{
    return errors_->text();
}

QString ScalingView::summaryText() const
{
    return summary_->text();
}

bool ScalingView::exportTo(const QString& path, bool svg, QString* error)
{
    if (stale_)
        rebuildChart();
    return svg ? chart_->exportSvg(path, {}, error) : chart_->exportPng(path, {}, 2.0, error);
}

void ScalingView::exportDialog(bool svg)
{
    const QString suggested = QStringLiteral("llamascope-scaling.%1").arg(svg ? "svg" : "png");
    const QString path = QFileDialog::getSaveFileName(
        this, svg ? QStringLiteral("Export SVG") : QStringLiteral("Export PNG"), suggested,
        svg ? QStringLiteral("SVG (*.svg)") : QStringLiteral("PNG (*.png)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportTo(path, svg, &error))
        QMessageBox::warning(this, QStringLiteral("Export failed"), error);
    else
        emit statusMessage(QStringLiteral("Wrote %1").arg(path));
}

} // namespace llamascope::gui
