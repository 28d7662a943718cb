#pragma once
// Chart builders: read the rows of the compare model (through its proxy, so the charts follow
// the table's sort and filter) and fill a ChartSpec with numbers from core — countParameters()
// via analyze(), computeFlops() at each sequence length, compareFamily() for the N/L lines,
// estimateMemory() per optimizer. Only unit scaling for the axes happens here.

#include "llamascope/analysis.hpp"
#include "llamascope/flops.hpp"
#include "llamascope/gui/chart_spec.hpp"
#include "llamascope/table.hpp"

#include <QString>

#include <vector>

class QAbstractItemModel;

namespace llamascope::gui {

/// Whether this build has core's memory model and designer (issue 4).
bool haveMemoryModel();

/// One config to plot.
struct ChartRow {
    const Analysis* analysis = nullptr;
    bool draft = false;
};

/// The rows of `model` (AnalysisRole / DraftRole) in its order. Pointers are valid until the
/// model changes.
std::vector<ChartRow> chartRows(const QAbstractItemModel& model);

enum class ParamScale { Log, Linear, Share };

/// Parameters per config, stacked by component (embedding, position table, attention, MLP,
/// norms, lm_head).
ChartSpec parametersChart(const std::vector<ChartRow>& rows, ParamScale scale);

struct FlopsChartOptions {
    FlopConventionId convention = FlopConventionId::Exact;
    AttentionMask mask = AttentionMask::Causal;
    Count minSeqLen = 64;
    Count maxSeqLen = 16384;
};

/// Forward FLOPs per token against sequence length T (powers of two), one line per config,
/// with each config's own context length P marked.
ChartSpec flopsChart(const std::vector<ChartRow>& rows, const FlopsChartOptions& options);

/// Width (hidden) against depth (layers) on log-log axes, with the family's lowest, most
/// common and highest N/L ratios (core compareFamily) as lines d = (N/L)·L.
ChartSpec shapeChart(const std::vector<ChartRow>& rows);

struct MemoryChartOptions {
    Count batch = 1;
    Count seqLen = 0; ///< 0: each config's context length
    Count rank = 128; ///< GaLore / LoRA rank
    bool recompute = false;
    bool eagerAttention = false;
    QString device; ///< accelerator key whose memory is drawn as a line; empty: none
};

/// Training memory at the peak of a step, per optimizer (core estimateMemory). Without the
/// memory model in this build, an empty spec explaining why.
ChartSpec memoryChart(const std::vector<ChartRow>& rows, const MemoryChartOptions& options);

/// Training memory of one config per optimizer, by category (core estimateMemory): optimizer,
/// weights, gradients, optimizer state, activations, logits, total. Empty without the
/// memory model.
Table memoryByOptimizerTable(const ModelConfig& config, const MemoryChartOptions& options);

/// Accelerators for the memory chart's device line: (key, display name).
std::vector<std::pair<QString, QString>> acceleratorChoices();

/// The colour of row `i` of `n` (sequential, small models light to large models dark) and the
/// draft's colour.
QColor rowColor(std::size_t i, std::size_t n);
QColor draftColor();

} // namespace llamascope::gui
