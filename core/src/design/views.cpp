// Tables over memory, cost and design results, shared by the CLI's text/CSV/Markdown output
// and the GUI's exports. Formatting only.

#include "llamascope/cost.hpp"
#include "llamascope/design.hpp"
#include "llamascope/format.hpp"
#include "llamascope/memory.hpp"

#include <array>
#include <cmath>
#include <exception>
#include <string>

namespace llamascope {

namespace {

/// "110.77 MiB" for people, the exact byte count for CSV.
Cell bytesCell(Count bytes)
{
    return Cell{formatBytes(static_cast<double>(bytes)), std::to_string(bytes)};
}

Cell percentCell(double fraction)
{
    return Cell{(fraction >= 0 ? "+" : "−") + formatFixed(std::fabs(fraction) * 100, 2) + "%",
                formatNumber(fraction)};
}

Cell tflopsCell(double t)
{
    return t > 0 ? Cell::fixed(t, 1) : Cell{"—", "0"};
}

} // namespace

Table memoryTermsTable(const MemoryReport& r)
{
    Table t;
    t.columns = {{"Term", Align::Left},  {"What", Align::Left},      {"Counted as", Align::Left},
                 {"Dtype", Align::Left}, {"Elements", Align::Right}, {"Bytes", Align::Right}};
    for (const MemoryTerm& term : r.terms)
        t.addRow({Cell::text(std::string(term.key)), Cell::text(std::string(term.label)),
                  Cell::text(std::string(term.formula)), Cell::text(std::string(toString(term.dtype))),
                  Cell::count(term.elements), bytesCell(term.bytes)});
    return t;
}

Table memoryTotalsTable(const MemoryReport& r)
{
    Table t;
    t.columns = {{"Total", Align::Left}, {"Bytes", Align::Right}, {"GB (1e9)", Align::Right}};
    auto add = [&](std::string name, Count bytes) {
        t.addRow({Cell::text(std::move(name)), bytesCell(bytes),
                  Cell::fixed(static_cast<double>(bytes) / 1e9, 3)});
    };
    add("weights", r.bytes(MemoryCategory::Weights));
    if (r.options.optimizer == Optimizer::None) {
        add("KV cache", r.bytes(MemoryCategory::KvCache));
        add("total (inference)", r.totalBytes());
        return t;
    }
    add("gradients", r.bytes(MemoryCategory::Gradients));
    add("optimizer state", r.bytes(MemoryCategory::OptimizerState));
    add("weights + optimizer (GaLore Table 2's scope)", r.weightsAndOptimizerBytes());
    add("model state (weights, gradients, optimizer)", r.modelStateBytes());
    add("activations", r.bytes(MemoryCategory::Activations));
    add("logits", r.bytes(MemoryCategory::Logits));
    add("total (one training step)", r.totalBytes());
    return t;
}

std::span<const Optimizer> trainingOptimizers()
{
    static constexpr std::array kOptimizers = {Optimizer::AdamW,    Optimizer::MixedAdamW,
                                               Optimizer::Bf16Adam, Optimizer::Adam8bit,
                                               Optimizer::GaLore,   Optimizer::LoRA};
    return kOptimizers;
}

Table memoryByOptimizerTable(const ModelConfig& config, const MemoryOptions& base,
                             std::span<const Optimizer> optimizers)
{
    Table t;
    t.columns = {{"Optimizer", Align::Left},   {"Weights", Align::Right},     {"Gradients", Align::Right},
                 {"Opt. state", Align::Right}, {"Activations", Align::Right}, {"Logits", Align::Right},
                 {"Total", Align::Right}};
    for (Optimizer o : optimizers) {
        MemoryOptions m = base;
        m.optimizer = o;
        const bool ranked = o == Optimizer::GaLore || o == Optimizer::LoRA;
        if (ranked && m.rank == 0)
            m.rank = kDefaultLowRank;
        std::string name(toString(o));
        if (ranked)
            name += " r=" + std::to_string(m.rank);
        try {
            const MemoryReport r = estimateMemory(config, m);
            t.addRow({Cell::text(name), bytesCell(r.bytes(MemoryCategory::Weights)),
                      bytesCell(r.bytes(MemoryCategory::Gradients)),
                      bytesCell(r.bytes(MemoryCategory::OptimizerState)),
                      bytesCell(r.bytes(MemoryCategory::Activations)),
                      bytesCell(r.bytes(MemoryCategory::Logits)), bytesCell(r.totalBytes())});
        } catch (const std::exception& e) {
            t.addRow({Cell::text(name), Cell::text(e.what()), Cell::text(""), Cell::text(""), Cell::text(""),
                      Cell::text(""), Cell::text("")});
        }
    }
    return t;
}

Table weightsByDtypeTable(const MemoryReport& r)
{
    Table t;
    t.columns = {{"Weights as", Align::Left}, {"Bytes", Align::Right}};
    for (const WeightFootprint& w : r.weightsByDtype)
        t.addRow({Cell::text(std::string(toString(w.dtype))), bytesCell(w.bytes)});
    return t;
}

Table galoreComparisonTable(const std::vector<GaloreComparisonRow>& rows)
{
    Table t;
    t.columns = {{"Config", Align::Left},           {"Rank", Align::Right},     {"Params", Align::Right},
                 {"Full: ours GB", Align::Right},   {"ours GiB", Align::Right}, {"paper G", Align::Right},
                 {"GaLore: ours GB", Align::Right}, {"ours GiB", Align::Right}, {"paper G", Align::Right}};
    for (const GaloreComparisonRow& r : rows) {
        const auto gb = [](Count b) { return Cell::fixed(static_cast<double>(b) / 1e9, 3); };
        const auto gib = [](Count b) { return Cell::fixed(static_cast<double>(b) / 1073741824.0, 3); };
        t.addRow({Cell::text(std::string(r.published.config)), Cell::count(r.published.rank),
                  Cell::count(r.parameters), gb(r.fullRankBytes), gib(r.fullRankBytes),
                  Cell::fixed(r.published.fullRankG, 2), gb(r.galoreBytes), gib(r.galoreBytes),
                  Cell::fixed(r.published.galoreG, 2)});
    }
    return t;
}

Table acceleratorsTable(const AcceleratorTable& table)
{
    Table t;
    t.columns = {{"Key", Align::Left},        {"Name", Align::Left},       {"Memory", Align::Right},
                 {"BF16 TF/s", Align::Right}, {"FP16 TF/s", Align::Right}, {"TF32 TF/s", Align::Right},
                 {"FP32 TF/s", Align::Right}, {"GB/s", Align::Right}};
    for (const Accelerator& a : table.accelerators)
        t.addRow({Cell::text(a.key), Cell::text(a.name), bytesCell(a.memoryBytes), tflopsCell(a.bf16Tflops),
                  tflopsCell(a.fp16Tflops), tflopsCell(a.tf32Tflops), tflopsCell(a.fp32Tflops),
                  Cell::fixed(a.memoryBandwidthGBs, 0)});
    return t;
}

Table candidatesTable(const std::vector<DesignCandidate>& candidates, DesignTargetKind kind)
{
    Table t;
    const bool memory = kind == DesignTargetKind::TrainingMemory;
    const bool flops = kind == DesignTargetKind::ForwardFlops;
    t.columns = {{"#", Align::Right},
                 {"Params", Align::Right},
                 {memory  ? "Memory"
                  : flops ? "FLOP/token"
                          : "Target",
                  Align::Right},
                 {"Error", Align::Right},
                 {"d", Align::Right},
                 {"L", Align::Right},
                 {"Heads", Align::Right},
                 {"KV", Align::Right},
                 {"FFN", Align::Right},
                 {"Ratio", Align::Right},
                 {"N/L", Align::Right},
                 {"Band", Align::Right},
                 {"Tied", Align::Left},
                 {"Score", Align::Right},
                 {"Findings", Align::Right},
                 {"Like", Align::Left}};
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        const DesignCandidate& c = candidates[i];
        const ModelConfig& k = c.config;
        Cell achieved = memory  ? bytesCell(static_cast<Count>(c.achieved))
                        : flops ? Cell::scientific(c.achieved)
                                : Cell::text(c.onTarget ? "on" : "off");
        t.addRow({Cell::count(static_cast<Count>(i + 1)), Cell::count(c.parameters), std::move(achieved),
                  percentCell(c.error), Cell::count(k.hiddenSize), Cell::count(k.numHiddenLayers),
                  Cell::text(std::to_string(k.numAttentionHeads) + "×" + std::to_string(k.headDim)),
                  Cell::count(k.numKeyValueHeads), Cell::count(k.intermediateSize),
                  Cell::fixed(c.ffnRatio, 3), Cell::fixed(c.widthPerLayer, 1), Cell::text(formatBand(c.band)),
                  Cell::text(k.tieWordEmbeddings ? "yes" : "no"), Cell::fixed(c.shapeScore, 2),
                  Cell::count(static_cast<Count>(c.findings)), Cell::text(c.neighbour)});
    }
    return t;
}

bool isSingleValue(const NlBand& band)
{
    return formatFixed(band.low, 0) == formatFixed(band.high, 0);
}

std::string formatBand(const NlBand& band)
{
    return isSingleValue(band) ? formatFixed(band.low, 0)
                               : formatFixed(band.low, 0) + "–" + formatFixed(band.high, 0);
}

Table placementTable(const std::vector<PublishedPlacement>& rows)
{
    Table t;
    t.columns = {
        {"Config", Align::Left}, {"Params", Align::Right},        {"d × L", Align::Right},
        {"d/L", Align::Right},   {"Published d/L", Align::Right}, {"Centre", Align::Right},
        {"Inside", Align::Left}, {"Prior", Align::Right},         {"Nearest published", Align::Left}};
    for (const PublishedPlacement& p : rows) {
        std::string near;
        for (const PublishedModel* m : p.nearest)
            near += (near.empty() ? "" : "; ") + m->name + " " + std::to_string(m->hidden) + "×" +
                    std::to_string(m->layers);
        t.addRow({Cell::text(p.name), Cell::count(p.parameters),
                  Cell::text(std::to_string(p.hidden) + " × " + std::to_string(p.layers)),
                  Cell::fixed(p.widthPerLayer, 1), Cell::text(formatBand(p.range)), Cell::fixed(p.center, 0),
                  Cell::text(p.inside ? "yes" : "no"), Cell::fixed(p.priorDistance, 2), Cell::text(near)});
    }
    return t;
}

Table ladderTable(const LadderResult& l)
{
    Table t;
    t.columns = {{"Rung", Align::Left},   {"Target", Align::Right},  {"Params", Align::Right},
                 {"Error", Align::Right}, {"d", Align::Right},       {"Width ×", Align::Right},
                 {"L", Align::Right},     {"Depth ×", Align::Right}, {"Heads", Align::Right},
                 {"FFN", Align::Right},   {"Ratio", Align::Right},   {"N/L", Align::Right},
                 {"Trend", Align::Right}, {"Tied", Align::Left}};
    for (std::size_t i = 0; i < l.rungs.size(); ++i) {
        const DesignCandidate& c = l.rungs[i];
        const ModelConfig& k = c.config;
        Cell width{"—", ""}, depth{"—", ""};
        if (i > 0) {
            const ModelConfig& p = l.rungs[i - 1].config;
            const double w = static_cast<double>(k.hiddenSize) / static_cast<double>(p.hiddenSize);
            const double dd = static_cast<double>(k.numHiddenLayers) / static_cast<double>(p.numHiddenLayers);
            width = Cell::fixed(w, 2);
            depth = Cell::fixed(dd, 2);
        }
        t.addRow({Cell::text(k.name), Cell::text(formatShort(l.targets[i])), Cell::count(c.parameters),
                  percentCell(c.error), Cell::count(k.hiddenSize), std::move(width),
                  Cell::count(k.numHiddenLayers), std::move(depth),
                  Cell::text(std::to_string(k.numAttentionHeads) + "×" + std::to_string(k.headDim)),
                  Cell::count(k.intermediateSize), Cell::fixed(c.ffnRatio, 3),
                  Cell::fixed(c.widthPerLayer, 1), Cell::fixed(c.trendCenter, 1),
                  Cell::text(k.tieWordEmbeddings ? "yes" : "no")});
    }
    return t;
}

} // namespace llamascope
