#pragma once
// Chart builders: read the rows of the compare model (through its proxy, so the charts follow
// the table's sort and filter) and fill a ChartSpec with numbers from core — countParameters()
// via analyze(), computeFlops() at each sequence length, compareFamily() for the N/L lines,
// estimateMemory() per optimizer. Only unit scaling for the axes happens here.

#include "llamascope/analysis.hpp"
#include "llamascope/design.hpp"
#include "llamascope/flops.hpp"
#include "llamascope/gui/chart_spec.hpp"
#include "llamascope/memory.hpp"
#include "llamascope/table.hpp"

#include <QString>

#include <vector>

class QAbstractItemModel;
class QItemSelectionModel;

namespace llamascope::gui {

/// One config to plot.
struct ChartRow {
    const Analysis* analysis = nullptr;
    bool draft = false;
    bool selected = false; ///< chosen in the Compare table
};

/// The rows of `model` (AnalysisRole / DraftRole) in its order, marked selected where
/// `selection` (a selection of `model`'s rows) holds them. Pointers are valid until the model
/// changes.
std::vector<ChartRow> chartRows(const QAbstractItemModel& model,
                                const QItemSelectionModel* selection = nullptr);

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

/// Width against depth among the published decoder shapes (issue 15): every model of core's
/// data set (publishedModels()) as a grey point, labelled on hover; d/L reference lines at
/// the powers of two the data set spans; the configs and the designer's draft on top, their
/// tooltips placed by core's placeAmongPublished().
ChartSpec publishedChart(const std::vector<ChartRow>& rows);

/// One line on where a config sits among the published shapes, from core's placement:
/// its nearest published neighbours and whether its d/L is inside the range released
/// models use at its size. Plain text.
QString placementSummary(const PublishedPlacement& p);

struct MemoryChartOptions {
    /// Batch, T (0: each config's context length), rank, recompute and attention kernel: core's
    /// MemoryOptions defaults, with core's default GaLore/LoRA rank.
    MemoryOptions memory = defaultMemoryOptions();
    QString device; ///< accelerator key whose memory is drawn as a line; empty: none

    static MemoryOptions defaultMemoryOptions();
};

/// Training memory at the peak of a step, per optimizer (core trainingOptimizers() and
/// estimateMemory).
ChartSpec memoryChart(const std::vector<ChartRow>& rows, const MemoryChartOptions& options);

/// Accelerators for the memory chart's device line: (key, display name).
std::vector<std::pair<QString, QString>> acceleratorChoices();

/// The colour of series `i`: a qualitative palette whose neighbours are far apart in hue and
/// lightness (rows are ordered by size, so adjacent configs never look alike); it repeats
/// after paletteSize() colours. The draft has its own colour, not in the palette.
QColor seriesColor(std::size_t i);
std::size_t paletteSize();
QColor draftColor();

} // namespace llamascope::gui
