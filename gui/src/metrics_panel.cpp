#include "llamascope/gui/metrics_panel.hpp"

#include "llamascope/format.hpp"
#include "llamascope/gui/chart_data.hpp"
#include "llamascope/gui/core_table_model.hpp"
#include "llamascope/gui/findings_model.hpp"
#include "llamascope/memory.hpp"
#include "llamascope/model_types.hpp"
#include "llamascope/views.hpp"
#include "text.hpp"

#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QScrollBar>
#include <QTableView>
#include <QTextDocument>
#include <QVBoxLayout>

#include <tuple>

namespace llamascope::gui {
namespace {

QTableView* makeTable(CoreTableModel* model, QWidget* parent)
{
    auto* view = new QTableView(parent);
    view->setModel(model);
    view->verticalHeader()->hide();
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->horizontalHeader()->setStretchLastSection(true);
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    // Sized to their rows (fitHeight); the panel scrolls as a whole.
    view->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    view->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    return view;
}

/// Sizes a small table to show all its rows (and its scroll bar when it is too wide).
void fitHeight(QTableView* view)
{
    int width = 2 * view->frameWidth();
    for (int c = 0; c < view->model()->columnCount(); ++c)
        width += view->isColumnHidden(c) ? 0 : view->columnWidth(c);
    int h = view->horizontalHeader()->height() + 2 * view->frameWidth() + 2;
    for (int r = 0; r < view->model()->rowCount(); ++r)
        h += view->rowHeight(r);
    if (width > view->width())
        h += view->horizontalScrollBar()->sizeHint().height();
    view->setFixedHeight(h);
}

QLabel* heading(const QString& text, QWidget* parent)
{
    auto* l = new QLabel(QStringLiteral("<b>%1</b>").arg(text), parent);
    l->setContentsMargins(0, 8, 0, 2);
    return l;
}

QString severityDot(Severity s)
{
    return QStringLiteral("<span style='color:%1'>●</span>").arg(severityColor(s).name());
}

} // namespace

MetricsPanel::MetricsPanel(QWidget* parent) : QScrollArea(parent)
{
    setWidgetResizable(true);
    setFrameShape(QFrame::NoFrame);
    auto* panel = new QWidget(this);
    auto* mv = new QVBoxLayout(panel);
    status_ = new QLabel(panel);
    status_->setWordWrap(true);
    status_->setTextFormat(Qt::RichText);
    mv->addWidget(status_);
    grid_ = new QGridLayout;
    QGridLayout* grid = grid_;
    grid->setHorizontalSpacing(14);
    grid->setVerticalSpacing(2);
    int i = 0;
    const auto columns = compareColumns();
    const int half = static_cast<int>((columns.size() + 1) / 2);
    for (const CompareColumn& c : columns) {
        if (c.id == "name")
            continue;
        auto* name = new QLabel(qs(c.header), panel);
        name->setToolTip(qs(c.tooltip));
        name->setStyleSheet(QStringLiteral("color: #555;"));
        auto* value = new QLabel(panel);
        value->setToolTip(qs(c.tooltip));
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        value->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
        const int row = i % half, col = (i / half) * 2;
        grid->addWidget(name, row, col);
        grid->addWidget(value, row, col + 1);
        metrics_[std::string(c.id)] = {name, value};
        ++i;
    }
    grid->setColumnStretch(1, 1);
    grid->setColumnStretch(3, 1);
    mv->addLayout(grid);
    mv->addWidget(heading(QStringLiteral("Among published shapes"), panel));
    published_ = new QLabel(panel);
    published_->setWordWrap(true);
    published_->setTextFormat(Qt::PlainText);
    published_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    published_->setToolTip(QStringLiteral(
        "core placeAmongPublished: the three published models nearest in (ln d, ln L), and the d/L range "
        "released models use at this config's non-embedding size (docs/design-guide.md \"Published "
        "shapes\"). "
        "Charts → Among published models plots them."));
    mv->addWidget(published_);
    mv->addWidget(heading(QStringLiteral("Parameters"), panel));
    paramsModel_ = new CoreTableModel(this);
    paramsView_ = makeTable(paramsModel_, panel);
    mv->addWidget(paramsView_);
    mv->addWidget(heading(QStringLiteral("FLOP conventions at T = P (causal)"), panel));
    flopsModel_ = new CoreTableModel(this);
    flopsView_ = makeTable(flopsModel_, panel);
    mv->addWidget(flopsView_);
    mv->addWidget(heading(QStringLiteral("Training memory by optimizer"), panel));
    memoryCaption_ = new QLabel(panel);
    memoryCaption_->setWordWrap(true);
    memoryCaption_->setStyleSheet(QStringLiteral("color: #555;"));
    mv->addWidget(memoryCaption_);
    memoryModel_ = new CoreTableModel(this);
    memoryView_ = makeTable(memoryModel_, panel);
    mv->addWidget(memoryView_);
    mv->addStretch(1);
    setWidget(panel);
}

void MetricsPanel::refresh(const LoadResult& r, const std::optional<Analysis>& a)
{
    const std::size_t errors = r.report.count(Severity::Error);
    const std::size_t warnings = r.report.count(Severity::Warning);
    const std::size_t notes = r.report.count(Severity::Note);
    QStringList counts;
    for (auto [n, s, noun] :
         {std::tuple{errors, Severity::Error, "error"}, std::tuple{warnings, Severity::Warning, "warning"},
          std::tuple{notes, Severity::Note, "note"}})
        if (n > 0)
            counts << QStringLiteral("%1 %2").arg(severityDot(s),
                                                  qs(plural(static_cast<std::int64_t>(n), noun)));
    QString findings = counts.isEmpty() ? QStringLiteral("<span style='color:#1e823c'>● clean</span>")
                                        : counts.join(QStringLiteral(", "));
    const std::size_t quirks = r.report.countKnownQuirks(Severity::Warning);
    if (quirks > 0)
        findings += QStringLiteral(" <span style='color:#777'>(%1 known %2 of the published family)</span>")
                        .arg(quirks)
                        .arg(quirks == 1 ? QStringLiteral("quirk") : QStringLiteral("quirks"));
    if (a) {
        const ModelTypeInfo& family = modelTypeInfo(a->config.modelType);
        status_->setText(QStringLiteral("<b>%1</b> — %2 (%3) — %4")
                             .arg(qs(a->config.name).toHtmlEscaped(), qs(family.title).toHtmlEscaped(),
                                  qs(family.key), findings));
    } else {
        status_->setText(
            QStringLiteral("%1 — <b>no metrics while the config has errors</b>; the figures below "
                           "are from the last valid state, greyed out.")
                .arg(findings));
    }
    for (auto& [id, m] : metrics_)
        m.value->setEnabled(a.has_value());
    for (QTableView* v : {paramsView_, flopsView_, memoryView_})
        v->setEnabled(a.has_value());
    published_->setEnabled(a.has_value());
    if (!a)
        return;
    const std::vector<Analysis> one = {*a};
    std::vector<const Metric*> shown;
    for (const CompareColumn& c : compareColumns()) {
        const auto it = metrics_.find(std::string(c.id));
        if (it == metrics_.end())
            continue;
        // What compare would show by default for this config: the family always, experts,
        // active parameters and windows when the config has them.
        const bool show = c.id == "family" || c.defaultVisible || !c.relevant || c.relevant(one);
        it->second.name->setVisible(show);
        it->second.value->setVisible(show);
        it->second.value->setText(qs(c.cell(*a).display));
        if (show)
            shown.push_back(&it->second);
    }
    // Two columns of the metrics shown, without gaps where a metric does not apply.
    while (QLayoutItem* item = grid_->takeAt(0))
        delete item; // the widgets stay (children of the panel); only their places change
    const std::size_t half = (shown.size() + 1) / 2;
    for (std::size_t k = 0; k < shown.size(); ++k) {
        const int row = static_cast<int>(k % half), col = static_cast<int>(k / half) * 2;
        grid_->addWidget(shown[k]->name, row, col);
        grid_->addWidget(shown[k]->value, row, col + 1);
    }
    published_->setText(placementSummary(placeAmongPublished(a->config)));
    paramsModel_->setTable(parameterTable(a->params));
    flopsModel_->setTable(flopConventionsTable(a->flops));
    const MemoryOptions o = MemoryChartOptions::defaultMemoryOptions();
    memoryCaption_->setText(
        QStringLiteral("Peak of a training step at B = %1, T = P, %2 attention, GaLore/LoRA "
                       "rank %3 (core estimateMemory; the Charts view varies these).")
            .arg(o.batch)
            .arg(qs(toString(o.attention)))
            .arg(o.rank));
    memoryModel_->setTable(memoryByOptimizerTable(a->config, o));
    // The recompute column and "what it counts" are in the Compare view's detail pane.
    flopsView_->setColumnHidden(4, true);
    flopsView_->setColumnHidden(5, true);
    for (QTableView* v : {paramsView_, flopsView_, memoryView_}) {
        v->resizeColumnsToContents();
        fitHeight(v);
    }
}

QString MetricsPanel::metricText(const std::string& columnId) const
{
    const auto it = metrics_.find(columnId);
    return it == metrics_.end() || it->second.value->isHidden() ? QString() : it->second.value->text();
}

QString MetricsPanel::publishedText() const
{
    return published_->text();
}

QString MetricsPanel::statusText() const
{
    QTextDocument doc;
    doc.setHtml(status_->text());
    return doc.toPlainText();
}

} // namespace llamascope::gui
