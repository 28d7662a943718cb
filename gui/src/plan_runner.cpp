#include "llamascope/gui/plan_runner.hpp"

#include "llamascope/gui/plan_data.hpp"

#include "llamascope/format.hpp"
#include "llamascope/gui/background_task.hpp"
#include "llamascope/gui/chart_data.hpp"
#include "text.hpp"

#include <QColor>

#include <array>
#include <memory>
#include <tuple>

namespace llamascope::gui {
namespace {

constexpr double kGibibyte = 1024.0 * 1024.0 * 1024.0;

/// What a group is called on the chart.
QString groupLabel(PlanMemoryGroup g)
{
    switch (g) {
    case PlanMemoryGroup::Weights: return QStringLiteral("weights");
    case PlanMemoryGroup::Gradients: return QStringLiteral("gradients");
    case PlanMemoryGroup::MasterWeights: return QStringLiteral("master copy");
    case PlanMemoryGroup::OptimizerStates: return QStringLiteral("optimizer");
    case PlanMemoryGroup::Activations: return QStringLiteral("activations");
    case PlanMemoryGroup::Buffers: return QStringLiteral("buffers");
    }
    return qs(toString(g));
}

QString bytesText(Count bytes)
{
    return qs(formatBytes(static_cast<double>(bytes)));
}

QString secondsText(double seconds)
{
    return qs(formatFixed(seconds, 3)) + QStringLiteral(" s");
}

} // namespace

// ---- PlanRunner ---------------------------------------------------------------------------------

PlanRunner::PlanRunner(QObject* parent) : QObject(parent), task_(new BackgroundTask(this))
{
    connect(task_, &BackgroundTask::progressed, this, &PlanRunner::progressed);
    connect(task_, &BackgroundTask::cancelled, this, &PlanRunner::cancelled);
    connect(task_, &BackgroundTask::failed, this, &PlanRunner::failed);
}

PlanRunner::~PlanRunner() = default;

bool PlanRunner::start(const PlanRequest& request)
{
    if (task_->isRunning())
        return false;
    auto result = std::make_shared<PlanResult>();
    // Deliver this search's result, then drop the connection.
    auto* context = new QObject(this);
    connect(task_, &BackgroundTask::finished, context, [this, result, context] {
        context->deleteLater();
        result_ = result;
        emit finished();
    });
    connect(task_, &BackgroundTask::cancelled, context, &QObject::deleteLater);
    connect(task_, &BackgroundTask::failed, context, &QObject::deleteLater);
    const bool ok = task_->start([request, result, gate = gate_](Progress& progress) {
        if (gate)
            gate();
        *result = planTraining(request.config, request.cluster, request.options, &progress);
    });
    if (!ok) {
        delete context;
        return false;
    }
    emit started();
    return true;
}

void PlanRunner::cancel()
{
    task_->cancel();
}

bool PlanRunner::isRunning() const
{
    return task_->isRunning();
}

// ---- charts -------------------------------------------------------------------------------------

ChartSpec planMemoryChart(const LayoutEvaluation& e, const QString& title)
{
    ChartSpec spec;
    spec.kind = ChartSpec::Kind::StackedBars;
    spec.title = title;
    spec.y.title = QStringLiteral("GiB per GPU");
    spec.y.min = 0;
    spec.legendAlignment = Qt::AlignRight;
    const Count pp = e.layout.pp;
    for (const StageMemory& s : e.stages) {
        QString name = pp == 1 ? QStringLiteral("per GPU") : QStringLiteral("stage %1").arg(s.stage);
        if (&s == &e.peak() && e.stages.size() > 1)
            name += QStringLiteral(" (peak)");
        spec.categories << name;
        spec.highlightCategory.push_back(false);
        spec.selectedCategory.push_back(false);
    }
    std::size_t colour = 0;
    for (PlanMemoryGroup g : planMemoryGroups()) {
        BarSetSpec set;
        set.label = groupLabel(g);
        set.color = seriesColor(colour++);
        bool any = false;
        for (const StageMemory& s : e.stages) {
            const Count bytes = s.bytes(g);
            any = any || bytes > 0;
            set.values.push_back(static_cast<double>(bytes) / kGibibyte);
            QString tip = QStringLiteral("<b>%1</b>: %2 on each GPU of pipeline stage %3 of %4 (%5 layers)")
                              .arg(qs(toString(g)), bytesText(bytes))
                              .arg(s.stage)
                              .arg(pp)
                              .arg(s.layers);
            tip += QStringLiteral("<table>");
            for (const PlanMemoryTerm& t : s.terms)
                if (t.group == g)
                    tip +=
                        QStringLiteral("<tr><td>%1</td><td align=right>&nbsp;%2</td><td>&nbsp;%3</td></tr>")
                            .arg(qs(t.label).toHtmlEscaped(), bytesText(t.bytes),
                                 qs(t.formula).toHtmlEscaped());
            tip += QStringLiteral("</table>");
            set.tooltips << tip;
        }
        if (any)
            spec.barSets.push_back(std::move(set));
    }
    spec.references.push_back({QStringLiteral("device %1").arg(bytesText(e.fit.device)), QColor(200, 40, 40),
                               static_cast<double>(e.fit.device) / kGibibyte, QString()});
    spec.references.push_back({QStringLiteral("usable %1").arg(bytesText(e.fit.usable)), QColor(230, 140, 30),
                               static_cast<double>(e.fit.usable) / kGibibyte, QString()});
    spec.subtitle = QStringLiteral("%1: %2 at the peak; %3 usable with %4 % headroom · hover a segment for "
                                   "its terms")
                        .arg(qs(e.layout.describe()), bytesText(e.peakBytes()), bytesText(e.fit.usable),
                             qs(formatFixed(e.fit.headroom * 100, 0)));
    return spec;
}

ChartSpec planTimeChart(const LayoutEvaluation& e, const QString& title)
{
    ChartSpec spec;
    spec.kind = ChartSpec::Kind::StackedBars;
    spec.title = title;
    spec.y.title = QStringLiteral("seconds per step");
    spec.y.min = 0;
    spec.legendAlignment = Qt::AlignRight;
    spec.categories << QStringLiteral("one step");
    spec.highlightCategory.push_back(false);
    spec.selectedCategory.push_back(false);
    const StepTime& t = e.time;
    // Legend names are short; the tooltips and the table under the chart say them in full.
    const std::array<std::tuple<const char*, const char*, double>, 7> causes = {{
        {"compute", "compute", t.compute},
        {"bubble", "pipeline bubble", t.bubble},
        {"DP comm.", "exposed data-parallel communication", t.exposedDataParallel},
        {"TP comm.", "exposed tensor-parallel communication", t.exposedTensorParallel},
        {"PP comm.", "exposed pipeline communication", t.exposedPipeline},
        {"CP comm.", "exposed context-parallel communication", t.exposedContextParallel},
        {"optimizer", "optimizer step", t.optimizer},
    }};
    std::size_t colour = 0;
    for (const auto& [name, full, seconds] : causes) {
        const QColor color = seriesColor(colour++);
        if (seconds <= 0 && colour > 1)
            continue;
        BarSetSpec set;
        set.label = QString::fromUtf8(name);
        set.color = color;
        set.values.push_back(seconds);
        set.tooltips << QStringLiteral("<b>%1</b>: %2").arg(QString::fromUtf8(full), secondsText(seconds));
        spec.barSets.push_back(std::move(set));
    }
    spec.subtitle =
        QStringLiteral("%1 per step · MFU %2 %, HFU %3 %")
            .arg(secondsText(t.total), qs(formatFixed(e.mfu * 100, 1)), qs(formatFixed(e.hfu * 100, 1)));
    return spec;
}

} // namespace llamascope::gui
