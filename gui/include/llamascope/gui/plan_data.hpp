#pragma once
// The plan view's data (issue 11): one search's inputs, and the chart specs of one layout —
// per-GPU memory by group against the device line, and the step time by cause. Every number
// is core's; these only arrange it. (Kept out of the Q_OBJECT headers: core's plan.hpp and
// forward/tensor.hpp both declare an llamascope::TensorRole, and AUTOMOC compiles every
// header's moc in one file.)

#include "llamascope/gui/chart_spec.hpp"
#include "llamascope/plan.hpp"

#include <QString>

namespace llamascope::gui {

/// One search: what planTraining() is called with.
struct PlanRequest {
    ModelConfig config;
    ClusterSpec cluster;
    PlanOptions options;
};

/// The peak stage's per-GPU memory (and the other end stage's when the pipeline has two
/// ends), one stacked segment per PlanMemoryGroup in GiB, against the device's memory and the
/// usable share after the headroom. Tooltips list the group's terms with core's formulas.
ChartSpec planMemoryChart(const LayoutEvaluation& e, const QString& title);
/// One stacked bar of seconds per step: compute, pipeline bubble, exposed communication by
/// kind, optimizer step (the StepTime fields; zero causes left out).
ChartSpec planTimeChart(const LayoutEvaluation& e, const QString& title);

} // namespace llamascope::gui
