// Tables over plan results (plan.hpp): the ranked-layout column registry and the per-layout
// memory and time breakdowns. Formatting only: every number comes from the planner.

#include "llamascope/errors.hpp"
#include "llamascope/format.hpp"
#include "llamascope/plan.hpp"

#include <array>
#include <cmath>
#include <limits>

namespace llamascope {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Cell bytesCell(Count bytes)
{
    return Cell{formatBytes(static_cast<double>(bytes)), std::to_string(bytes)};
}

Cell gibCell(Count bytes)
{
    return Cell::fixed(static_cast<double>(bytes) / 1073741824.0, 1);
}

Cell percentCell(double fraction, int digits = 1)
{
    return Cell{formatFixed(fraction * 100, digits) + "%", formatNumber(fraction)};
}

Cell secondsCell(double s)
{
    if (s < 1e-3)
        return Cell{formatFixed(s * 1e6, 0) + " µs", formatNumber(s)};
    if (s < 1)
        return Cell{formatFixed(s * 1e3, 1) + " ms", formatNumber(s)};
    return Cell{formatFixed(s, 2) + " s", formatNumber(s)};
}

Cell durationCell(double s)
{
    std::string text;
    if (s < 120)
        text = formatFixed(s, 1) + " s";
    else if (s < 7200)
        text = formatFixed(s / 60, 1) + " min";
    else if (s < 3 * 86400)
        text = formatFixed(s / 3600, 1) + " h";
    else
        text = formatFixed(s / 86400, 1) + " days";
    return Cell{text, formatNumber(s)};
}

Cell textCell(std::string s)
{
    return Cell::text(std::move(s));
}

double share(double part, const LayoutEvaluation& e)
{
    return e.time.total > 0 ? part / e.time.total : 0;
}

using E = const LayoutEvaluation&;
using R = const PlanResult&;

PlanColumn numeric(std::string_view id, std::string_view header, std::string_view tooltip, bool visible,
                   std::function<Cell(E, R)> cell, std::function<double(E, R)> value)
{
    return PlanColumn{id, header, tooltip, Align::Right, visible, std::move(cell), std::move(value)};
}

PlanColumn groupColumn(std::string_view id, std::string_view header, std::string_view tooltip,
                       PlanMemoryGroup g)
{
    return numeric(
        id, header, tooltip, false, [g](E e, R) { return gibCell(e.peak().bytes(g)); },
        [g](E e, R) { return static_cast<double>(e.peak().bytes(g)); });
}

std::vector<PlanColumn> makeColumns()
{
    std::vector<PlanColumn> c;
    auto count = [](auto get) { return [get](E e, R) { return Cell::count(get(e)); }; };
    auto value = [](auto get) { return [get](E e, R) { return static_cast<double>(get(e)); }; };
    c.push_back(numeric("dp", "dp", "data-parallel replicas (the ZeRO sharding degree)", true,
                        count([](E e) { return e.layout.dp; }), value([](E e) { return e.layout.dp; })));
    c.push_back(numeric("tp", "tp", "tensor-parallel size (Megatron-LM sharding of attention and MLP)", true,
                        count([](E e) { return e.layout.tp; }), value([](E e) { return e.layout.tp; })));
    c.push_back(numeric("pp", "pp", "pipeline stages (1F1B)", true, count([](E e) { return e.layout.pp; }),
                        value([](E e) { return e.layout.pp; })));
    c.push_back(numeric("cp", "cp", "context-parallel size (ring attention over the sequence)", true,
                        count([](E e) { return e.layout.cp; }), value([](E e) { return e.layout.cp; })));
    c.push_back(PlanColumn{"zero", "ZeRO",
                           "ZeRO stage: 0 none, 1 optimizer state, 2 + gradients, 3 + weights (FSDP)",
                           Align::Left, true,
                           [](E e, R) {
                               std::string s(toString(e.layout.zero));
                               if (e.layout.hybridShard)
                                   s += " hybrid";
                               return textCell(s);
                           },
                           [](E e, R) { return static_cast<double>(static_cast<int>(e.layout.zero)); }});
    c.push_back(PlanColumn{"sp", "SP", "sequence parallelism with tp", Align::Left, true,
                           [](E e, R) { return textCell(e.layout.sequenceParallel ? "yes" : "no"); },
                           [](E e, R) { return e.layout.sequenceParallel ? 1.0 : 0.0; }});
    c.push_back(PlanColumn{"recompute", "Recompute", "activation recomputation: none, selective or full",
                           Align::Left, true,
                           [](E e, R) { return textCell(std::string(toString(e.layout.recompute))); },
                           [](E e, R) { return static_cast<double>(static_cast<int>(e.layout.recompute)); }});
    c.push_back(numeric("micro_batch", "mb", "sequences per micro-batch per replica", true,
                        count([](E e) { return e.layout.microBatch; }),
                        value([](E e) { return e.layout.microBatch; })));
    c.push_back(numeric("accumulation", "m", "micro-batches per step per replica", true,
                        count([](E e) { return e.layout.accumulation; }),
                        value([](E e) { return e.layout.accumulation; })));
    c.push_back(numeric("global_batch", "Batch", "sequences per optimizer step", false,
                        count([](E e) { return e.globalBatchSequences; }),
                        value([](E e) { return e.globalBatchSequences; })));
    c.push_back(numeric(
        "memory_gib", "GiB/GPU", "per-GPU memory at the peak stage (GiB)", true,
        [](E e, R) { return gibCell(e.peakBytes()); },
        [](E e, R) { return static_cast<double>(e.peakBytes()); }));
    c.push_back(numeric(
        "memory_share", "Mem", "per-GPU memory as a share of the device", true,
        [](E e, R) { return percentCell(e.fit.used, 0); }, [](E e, R) { return e.fit.used; }));
    c.push_back(groupColumn("weights_gib", "Weights", "weights per GPU (GiB)", PlanMemoryGroup::Weights));
    c.push_back(groupColumn("gradients_gib", "Grads", "gradients per GPU (GiB)", PlanMemoryGroup::Gradients));
    c.push_back(groupColumn("master_gib", "Master", "fp32 master weights per GPU (GiB)",
                            PlanMemoryGroup::MasterWeights));
    c.push_back(groupColumn("optimizer_gib", "Optim", "optimizer state per GPU (GiB)",
                            PlanMemoryGroup::OptimizerStates));
    c.push_back(groupColumn("activations_gib", "Acts", "activations and logits per GPU (GiB)",
                            PlanMemoryGroup::Activations));
    c.push_back(groupColumn("buffers_gib", "Buffers", "communication buffers per GPU (GiB)",
                            PlanMemoryGroup::Buffers));
    c.push_back(numeric(
        "step", "Step", "estimated seconds per optimizer step", true,
        [](E e, R) { return secondsCell(e.time.total); }, [](E e, R) { return e.time.total; }));
    c.push_back(numeric(
        "tokens_per_second", "Tokens/s", "training throughput of the whole cluster", true,
        [](E e, R) {
            return Cell{formatShort(e.tokensPerSecond), formatNumber(e.tokensPerSecond)};
        },
        [](E e, R) { return e.tokensPerSecond; }));
    c.push_back(numeric(
        "mfu", "MFU", "model FLOPs utilisation (the MFU convention's FLOPs, no recomputation)", true,
        [](E e, R) { return percentCell(e.mfu); }, [](E e, R) { return e.mfu; }));
    c.push_back(numeric(
        "hfu", "HFU", "hardware FLOPs utilisation (recomputation included)", true,
        [](E e, R) { return percentCell(e.hfu); }, [](E e, R) { return e.hfu; }));
    c.push_back(numeric(
        "compute_share", "Compute", "share of the step spent computing", false,
        [](E e, R) { return percentCell(share(e.time.compute, e)); },
        [](E e, R) { return share(e.time.compute, e); }));
    c.push_back(numeric(
        "comm_share", "Comm", "share of the step spent in communication compute does not hide", true,
        [](E e, R) { return percentCell(share(e.time.exposedCommunication(), e)); },
        [](E e, R) { return share(e.time.exposedCommunication(), e); }));
    c.push_back(numeric(
        "bubble_share", "Bubble", "share of the step the pipeline idles: (p−1)/(m+p−1) of compute", true,
        [](E e, R) { return percentCell(share(e.time.bubble, e)); },
        [](E e, R) { return share(e.time.bubble, e); }));
    c.push_back(numeric(
        "days", "Time", "wall-clock time of the whole run", true,
        [](E e, R) { return durationCell(e.run.seconds); }, [](E e, R) { return e.run.seconds; }));
    c.push_back(numeric(
        "gpu_hours", "GPU-h", "GPU-hours of the whole run", true,
        [](E e, R) {
            return Cell{formatShort(e.run.gpuHours), formatNumber(e.run.gpuHours)};
        },
        [](E e, R) { return e.run.gpuHours; }));
    c.push_back(numeric(
        "cost", "Cost", "GPU-hours × $/GPU-hour", false,
        [](E e, R r) {
            if (r.cluster.dollarsPerGpuHour <= 0)
                return Cell{"—", ""};
            std::string text = formatShort(e.run.cost);
            text.insert(text.begin(), '$');
            return Cell{text, formatNumber(e.run.cost)};
        },
        [](E e, R) { return e.run.cost; }));
    c.push_back(PlanColumn{"layout", "Layout", "the layout in one line", Align::Left, false,
                           [](E e, R) { return textCell(e.layout.describe()); }, [](E, R) { return kNaN; }});
    return c;
}

} // namespace

std::span<const PlanColumn> planColumns()
{
    static const std::vector<PlanColumn> columns = makeColumns();
    return columns;
}

const PlanColumn* findPlanColumn(std::string_view id)
{
    for (const PlanColumn& c : planColumns())
        if (c.id == id)
            return &c;
    return nullptr;
}

Table planTable(const PlanResult& result, const std::vector<std::string>& columnIds)
{
    std::vector<const PlanColumn*> cols;
    if (columnIds.empty()) {
        for (const PlanColumn& c : planColumns())
            if (c.defaultVisible || (c.id == "cost" && result.cluster.dollarsPerGpuHour > 0))
                cols.push_back(&c);
    } else {
        for (const std::string& id : columnIds) {
            const PlanColumn* c = findPlanColumn(id);
            if (c == nullptr) {
                std::vector<std::string_view> ids;
                for (const PlanColumn& k : planColumns())
                    ids.push_back(k.id);
                const std::string guess = closestMatch(id, ids);
                throw InvalidArgument("unknown plan column \"" + id + "\"" +
                                      (guess.empty() ? "" : "; did you mean \"" + guess + "\"?"));
            }
            cols.push_back(c);
        }
    }
    Table t;
    t.columns.push_back({"#", Align::Right});
    for (const PlanColumn* c : cols)
        t.columns.push_back({std::string(c->header), c->align});
    for (std::size_t i = 0; i < result.layouts.size(); ++i) {
        std::vector<Cell> row{Cell::count(static_cast<Count>(i + 1))};
        for (const PlanColumn* c : cols)
            row.push_back(c->cell(result.layouts[i], result));
        t.addRow(std::move(row));
    }
    return t;
}

Table planMemoryTable(const LayoutEvaluation& e)
{
    Table t;
    t.columns = {{"Term", Align::Left},
                 {"Group", Align::Left},
                 {"What", Align::Left},
                 {"Counted as", Align::Left},
                 {"Bytes", Align::Right}};
    for (const PlanMemoryTerm& term : e.peak().terms)
        t.addRow({textCell(term.key), textCell(std::string(toString(term.group))), textCell(term.label),
                  textCell(term.formula), bytesCell(term.bytes)});
    return t;
}

Table planMemoryGroupsTable(const LayoutEvaluation& e, const ClusterSpec& cluster)
{
    Table t;
    t.columns.push_back({"Per GPU", Align::Left});
    for (const StageMemory& s : e.stages)
        t.columns.push_back(
            {"Stage " + std::to_string(s.stage) +
                 (e.stages.size() > 1 ? (s.stage == 0 ? " (first)" : " (last)") : std::string()),
             Align::Right});
    t.columns.push_back({"Share of device", Align::Right});
    const auto device = static_cast<double>(cluster.device.memoryBytes);
    for (PlanMemoryGroup g : planMemoryGroups()) {
        std::vector<Cell> row{textCell(std::string(toString(g)))};
        for (const StageMemory& s : e.stages)
            row.push_back(bytesCell(s.bytes(g)));
        row.push_back(percentCell(static_cast<double>(e.peak().bytes(g)) / device));
        t.addRow(std::move(row));
    }
    std::vector<Cell> total{textCell("total")};
    for (const StageMemory& s : e.stages)
        total.push_back(bytesCell(s.total));
    total.push_back(percentCell(e.fit.used));
    t.addRow(std::move(total));
    return t;
}

Table planTimeTable(const LayoutEvaluation& e)
{
    Table t;
    t.columns = {{"Per step", Align::Left}, {"Seconds", Align::Right}, {"Share", Align::Right}};
    auto add = [&](std::string name, double s) {
        t.addRow({textCell(std::move(name)), secondsCell(s), percentCell(share(s, e))});
    };
    add("compute", e.time.compute);
    add("pipeline bubble", e.time.bubble);
    add("exposed data-parallel communication", e.time.exposedDataParallel);
    add("exposed tensor-parallel communication", e.time.exposedTensorParallel);
    add("exposed pipeline communication", e.time.exposedPipeline);
    add("exposed context-parallel communication", e.time.exposedContextParallel);
    add("optimizer step", e.time.optimizer);
    add("total", e.time.total);
    return t;
}

Table interconnectsTable(const InterconnectTable& table)
{
    Table t;
    t.columns = {{"Key", Align::Left},        {"Name", Align::Left},        {"Link GB/s", Align::Right},
                 {"Links/GPU", Align::Right}, {"Efficiency", Align::Right}, {"GB/s per GPU", Align::Right},
                 {"Latency µs", Align::Right}};
    for (const Interconnect& i : table.interconnects)
        t.addRow({textCell(i.key), textCell(i.name), Cell::fixed(i.linkGBs, 1), Cell::fixed(i.linksPerGpu, 2),
                  percentCell(i.efficiency, 0), Cell::fixed(i.bytesPerSecond() / 1e9, 1),
                  Cell::fixed(i.latencyUs, 1)});
    return t;
}

Table inferenceTable(const InferencePlan& p)
{
    Table t;
    t.columns = {{"Quantity", Align::Left}, {"Value", Align::Right}};
    auto add = [&](std::string name, Cell v) { t.addRow({textCell(std::move(name)), std::move(v)}); };
    add("weights per GPU", bytesCell(p.weightBytes));
    add("KV cache per token per GPU", bytesCell(p.kvBytesPerToken));
    add("tokens cached per sequence", Cell::count(p.kvTokensPerSequence));
    if (p.slidingLayers > 0)
        add("tokens cached on a sliding layer (" + std::to_string(p.slidingLayers) + " layers)",
            Cell::count(p.kvWindowTokens));
    add("KV cache per sequence", bytesCell(p.kvBytesPerSequence));
    add("KV cache for the batch", bytesCell(p.kvBytes));
    add("total per GPU", bytesCell(p.fit.required));
    add("share of the device", percentCell(p.fit.used));
    add("largest batch that fits", Cell::count(p.maxBatch));
    add("prefill FLOPs", Cell::scientific(p.prefillFlops));
    add("prefill time", secondsCell(p.prefillSeconds));
    add("decode step (whole batch)", secondsCell(p.decodeSecondsPerToken));
    if (p.expertReadFraction < 1.0)
        add("expert weights read per step", percentCell(p.expertReadFraction));
    add("decode bound by", textCell(p.decodeBandwidthBound ? "memory bandwidth" : "compute"));
    add("decode tokens/s", Cell{formatShort(p.tokensPerSecond), formatNumber(p.tokensPerSecond)});
    return t;
}

} // namespace llamascope
