#include "llamascope/views.hpp"

#include "llamascope/errors.hpp"
#include "llamascope/format.hpp"
#include "llamascope/metrics.hpp"
#include "llamascope/model_types.hpp"
#include "llamascope/rules.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>

#include <cmath>
#include <limits>
#include <utility>

namespace llamascope {
namespace {

constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();

CompareColumn countColumn(std::string_view id, std::string_view header, std::string_view tooltip,
                          bool visible, Count (*get)(const Analysis&))
{
    return {id,
            header,
            tooltip,
            Align::Right,
            visible,
            [get](const Analysis& a) { return Cell::count(get(a)); },
            [get](const Analysis& a) { return static_cast<double>(get(a)); },
            nullptr};
}

/// A per-token figure kept exact as (per sequence, T): whole numbers print as counts.
CompareColumn perTokenColumn(std::string_view id, std::string_view header, std::string_view tooltip,
                             bool visible, std::pair<Count, Count> (*get)(const Analysis&))
{
    return {id,
            header,
            tooltip,
            Align::Right,
            visible,
            [get](const Analysis& a) {
                const auto [perSequence, seqLen] = get(a);
                return Cell::quotient(perSequence, seqLen);
            },
            [get](const Analysis& a) {
                const auto [perSequence, seqLen] = get(a);
                return static_cast<double>(perSequence) / static_cast<double>(seqLen);
            },
            nullptr};
}

CompareColumn textColumn(std::string_view id, std::string_view header, std::string_view tooltip, bool visible,
                         std::string (*get)(const Analysis&))
{
    return {id,
            header,
            tooltip,
            Align::Left,
            visible,
            [get](const Analysis& a) { return Cell::text(get(a)); },
            [](const Analysis&) { return kNoValue; },
            nullptr};
}

CompareColumn ratioColumn(std::string_view id, std::string_view header, std::string_view tooltip,
                          bool visible, int digits, double (*get)(const Analysis&))
{
    return {id,
            header,
            tooltip,
            Align::Right,
            visible,
            [get, digits](const Analysis& a) { return Cell::fixed(get(a), digits); },
            [get](const Analysis& a) { return get(a); },
            nullptr};
}

std::vector<CompareColumn> buildColumns()
{
    std::vector<CompareColumn> c;
    c.push_back(textColumn("name", "Model", "Config name (file stem)", true,
                           [](const Analysis& a) { return a.config.name; }));
    c.push_back(textColumn("family", "Family", "Decoder family (config.json model_type)", false,
                           [](const Analysis& a) { return std::string(toString(a.config.modelType)); }));
    c.back().relevant = [](const std::vector<Analysis>& as) {
        for (const Analysis& a : as)
            if (a.config.modelType != ModelType::Llama)
                return true;
        return false;
    };
    c.push_back(countColumn("params", "Params", "Total parameters (exact)", true,
                            [](const Analysis& a) { return a.params.total; }));
    c.push_back(countColumn("active", "Active", "Parameters one token uses (MoE: routed experts only)", false,
                            [](const Analysis& a) { return a.params.active; }));
    c.back().relevant = [](const std::vector<Analysis>& as) {
        return std::any_of(as.begin(), as.end(), [](const Analysis& a) { return a.config.mlp.moe(); });
    };
    {
        CompareColumn shortParams = countColumn("params_short", "≈Params", "Total parameters, rounded", false,
                                                [](const Analysis& a) { return a.params.total; });
        shortParams.cell = [](const Analysis& a) {
            return Cell{formatShort(static_cast<double>(a.params.total)), std::to_string(a.params.total)};
        };
        c.push_back(shortParams);
    }
    c.push_back(countColumn("non_embedding", "Non-emb", "Total minus embedding, lm_head and position table",
                            true, [](const Analysis& a) { return a.params.nonEmbedding; }));
    c.push_back(countColumn("tied_equivalent", "Tied-eq", "Total if lm_head shared the embedding", true,
                            [](const Analysis& a) { return a.params.tiedEquivalent; }));
    c.push_back(countColumn("embedding", "Embedding", "Token embedding V·d", false,
                            [](const Analysis& a) { return a.params.embedding; }));
    c.push_back(countColumn("attention", "Attention", "All layers' q/k/v/o (+biases)", false,
                            [](const Analysis& a) { return a.params.attention; }));
    c.push_back(countColumn("mlp", "MLP", "All layers' gate/up/down (+biases)", false,
                            [](const Analysis& a) { return a.params.mlp; }));
    c.push_back(countColumn("per_layer", "Per layer", "Parameters of one decoder layer", false,
                            [](const Analysis& a) { return a.params.perLayer.total(); }));
    c.push_back(countColumn("hidden", "d", "hidden_size", true,
                            [](const Analysis& a) { return a.config.hiddenSize; }));
    c.push_back(countColumn("layers", "L", "num_hidden_layers", true,
                            [](const Analysis& a) { return a.config.numHiddenLayers; }));
    c.push_back(countColumn("heads", "H", "num_attention_heads", true,
                            [](const Analysis& a) { return a.config.numAttentionHeads; }));
    c.push_back(countColumn("kv_heads", "K", "num_key_value_heads", true,
                            [](const Analysis& a) { return a.config.numKeyValueHeads; }));
    c.push_back(
        countColumn("head_dim", "h", "head_dim", true, [](const Analysis& a) { return a.metrics.headDim; }));
    c.push_back(countColumn("intermediate", "f", "intermediate_size", true,
                            [](const Analysis& a) { return a.config.intermediateSize; }));
    c.push_back(
        countColumn("vocab", "V", "vocab_size", true, [](const Analysis& a) { return a.config.vocabSize; }));
    c.push_back(countColumn("context", "P", "Context length", true,
                            [](const Analysis& a) { return a.metrics.contextLength; }));
    c.push_back(ratioColumn("n_per_l", "N/L", "Width per layer: hidden / layers", true, 2,
                            [](const Analysis& a) { return a.metrics.widthPerLayer; }));
    c.push_back(ratioColumn("ffn_ratio", "FFN", "intermediate / hidden (SwiGLU: 2.67)", true, 3,
                            [](const Analysis& a) { return a.metrics.ffnRatio; }));
    c.push_back(countColumn("kv_group", "H/K", "Query heads per kv head (1 = MHA)", false,
                            [](const Analysis& a) { return a.metrics.kvGroupSize; }));
    c.push_back(textColumn("position", "Pos", "Position encoding", true,
                           [](const Analysis& a) { return std::string(toString(a.metrics.positionType)); }));
    c.push_back(textColumn("experts", "Experts", "Mixture of experts: experts per layer and top-k", false,
                           [](const Analysis& a) {
                               const MlpTraits& m = a.config.mlp;
                               return m.moe() ? std::to_string(m.numExperts) + " top-" +
                                                    std::to_string(m.expertsPerToken)
                                              : std::string("dense");
                           }));
    c.back().relevant = [](const std::vector<Analysis>& as) {
        return std::any_of(as.begin(), as.end(), [](const Analysis& a) { return a.config.mlp.moe(); });
    };
    c.push_back(textColumn("window", "Window", "Sliding-window attention: window and the layers that use it",
                           false, [](const Analysis& a) {
                               const Count n = a.config.slidingLayerCount();
                               return n == 0 ? std::string("full")
                                             : std::to_string(a.config.attention.slidingWindow) + " on " +
                                                   std::to_string(n) + "/" +
                                                   std::to_string(a.config.numHiddenLayers) + " layers";
                           }));
    c.back().relevant = [](const std::vector<Analysis>& as) {
        return std::any_of(as.begin(), as.end(),
                           [](const Analysis& a) { return a.config.slidingLayerCount() > 0; });
    };
    c.push_back(textColumn("tied", "Tied", "lm_head shares the embedding", false, [](const Analysis& a) {
        return std::string(a.config.tieWordEmbeddings ? "yes" : "no");
    }));
    c.push_back(perTokenColumn("flops_token", "FLOPs/token",
                               "Exact forward FLOPs per token at T = P (causal)", true,
                               [](const Analysis& a) {
                                   const FlopConvention& f = a.flops.get(FlopConventionId::Exact);
                                   return std::pair{f.forwardPerSequence, f.seqLen};
                               }));
    c.push_back(perTokenColumn("palm_train_token", "PaLM train/token",
                               "6N + 12·L·H·h·T per training token at T = P", false, [](const Analysis& a) {
                                   const FlopConvention& f = a.flops.get(FlopConventionId::Palm);
                                   return std::pair{f.trainingPerSequence, f.seqLen};
                               }));
    return c;
}

} // namespace

std::span<const CompareColumn> compareColumns()
{
    static const std::vector<CompareColumn> columns = buildColumns();
    return columns;
}

const CompareColumn* findCompareColumn(std::string_view id)
{
    for (const CompareColumn& c : compareColumns())
        if (c.id == id)
            return &c;
    return nullptr;
}

std::vector<std::string> defaultColumnIds(const std::vector<Analysis>& analyses)
{
    std::vector<std::string> ids;
    for (const CompareColumn& c : compareColumns())
        if (c.defaultVisible || (c.relevant && c.relevant(analyses)))
            ids.emplace_back(c.id);
    return ids;
}

Table compareTable(const std::vector<Analysis>& analyses, const std::vector<std::string>& columnIds)
{
    std::vector<const CompareColumn*> chosen;
    {
        const std::vector<std::string> ids = columnIds.empty() ? defaultColumnIds(analyses) : columnIds;
        for (const std::string& id : ids) {
            const CompareColumn* c = findCompareColumn(id);
            if (c == nullptr) {
                std::vector<std::string_view> known;
                for (const CompareColumn& col : compareColumns())
                    known.push_back(col.id);
                const std::string guess = closestMatch(id, known);
                throw InvalidArgument("unknown column \"" + id + "\"" +
                                      (guess.empty() ? "" : " (did you mean \"" + guess + "\"?)") +
                                      "; columns: " + joinQuoted(known));
            }
            chosen.push_back(c);
        }
    }
    Table t;
    for (const CompareColumn* c : chosen)
        t.columns.push_back({std::string(c->header), c->align});
    for (const Analysis& a : analyses) {
        std::vector<Cell> row;
        row.reserve(chosen.size());
        for (const CompareColumn* c : chosen)
            row.push_back(c->cell(a));
        t.addRow(std::move(row));
    }
    return t;
}

namespace {

std::string contextNote(const ModelConfig& c)
{
    switch (c.contextSource) {
    case ContextSource::MaxPositionEmbeddings: return "from max_position_embeddings";
    case ContextSource::MaxSequenceLength:
        return "from max_sequence_length; transformers would use the default";
    case ContextSource::Default: return "the family's default";
    }
    return {};
}

/// Compare columns that repeat a config key: the key's own row already shows them.
bool repeatsAKey(std::string_view id)
{
    static constexpr std::array<std::string_view, 12> kRepeats = {
        "name",     "family",   "params_short", "hidden", "layers", "heads",
        "kv_heads", "head_dim", "intermediate", "vocab",  "tied",   "position"};
    return std::find(kRepeats.begin(), kRepeats.end(), id) != kRepeats.end();
}

/// Keys that only restate another key's field (aliases): their primary key has the row.
bool aliasField(Field f)
{
    return f == Field::RopeParameters || f == Field::MaxSequenceLength || f == Field::HiddenActivation;
}

Cell jsonCell(const nlohmann::ordered_json& v)
{
    if (v.is_string())
        return Cell::text(v.get<std::string>());
    if (v.is_number_integer())
        return Cell::count(v.get<std::int64_t>());
    return Cell::text(v.dump());
}

std::optional<double> jsonNumber(const nlohmann::ordered_json& v)
{
    if (v.is_number())
        return v.get<double>();
    return std::nullopt;
}

/// Ratios to the first value and whether any display differs.
void finishRow(DiffRow& row, const std::vector<std::optional<double>>& numbers)
{
    row.ratios.assign(numbers.size(), std::nullopt);
    const std::optional<double> first = numbers.empty() ? std::nullopt : numbers.front();
    for (std::size_t i = 0; i < numbers.size(); ++i)
        if (first && numbers[i] && *first != 0 && std::isfinite(*numbers[i]))
            row.ratios[i] = *numbers[i] / *first;
    for (const Cell& c : row.values)
        row.differs = row.differs || c.display != row.values.front().display;
}

} // namespace

Table shapeTable(const Analysis& a)
{
    const ModelConfig& c = a.config;
    const DerivedMetrics& m = a.metrics;
    Table t;
    t.columns = {{"Quantity", Align::Left}, {"Value", Align::Right}, {"Note", Align::Left}};
    auto add = [&](std::string name, Cell value, std::string note = {}) {
        t.addRow({Cell::text(std::move(name)), std::move(value), Cell::text(std::move(note))});
    };
    const ModelTypeInfo& family = modelTypeInfo(c.modelType);
    add("model_type", Cell::text(std::string(family.key)), std::string(family.title));
    add("hidden_size d", Cell::count(c.hiddenSize));
    add("num_hidden_layers L", Cell::count(c.numHiddenLayers));
    add("num_attention_heads H", Cell::count(c.numAttentionHeads));
    add("num_key_value_heads K", Cell::count(c.numKeyValueHeads),
        m.kvGroupSize == 1        ? "MHA"
        : c.numKeyValueHeads == 1 ? "MQA"
                                  : "GQA");
    add("intermediate_size f", Cell::count(c.intermediateSize), c.mlp.moe() ? "per expert" : "");
    add("vocab_size V", Cell::count(c.vocabSize));
    add("context length P", Cell::count(m.contextLength), contextNote(c));
    add("N/L ratio", Cell::fixed(m.widthPerLayer, 2), "hidden / layers");
    add("head_dim h", Cell::count(m.headDim),
        c.headDim * c.numAttentionHeads == c.hiddenSize ? "hidden / heads" : "explicit");
    add("FFN ratio", Cell::fixed(m.ffnRatio, 3),
        "intermediate / hidden; SwiGLU 8/3 = " + formatFixed(kSwiGluRatio, 3));
    add("kv group size", Cell::count(m.kvGroupSize), "query heads per kv head");
    add("attention width", Cell::count(m.attentionWidth), "H · h");
    add("activation", Cell::text(c.hiddenAct), c.mlp.gated ? "gated (act(gate) ⊙ up)" : "not gated");
    add("position encoding", Cell::text(std::string(toString(m.positionType))),
        c.ropeScaling ? "rope_scaling " + std::string(ropeKinds().name(c.ropeScaling->kind)) + " ×" +
                            formatNumber(c.ropeScaling->factor)
        : c.positionType == PositionType::Rope ? "θ = " + formatNumber(c.ropeTheta)
                                               : "");
    add("tied embeddings", Cell::text(c.tieWordEmbeddings ? "yes" : "no"));
    add("norms",
        Cell::text(std::string(normPlacements().name(c.norms.placement)) + " ×" +
                   std::to_string(c.normsPerLayer())),
        c.norms.unitOffset ? "RMSNorm x̂·(1 + w)" : "RMSNorm x̂·w");
    if (c.attention.qkNorm != QkNorm::None)
        add("q/k norm", Cell::text(std::string(qkNorms().name(c.attention.qkNorm))));
    if (c.mlp.moe())
        add("experts",
            Cell::text(std::to_string(c.mlp.numExperts) + " top-" + std::to_string(c.mlp.expertsPerToken)),
            "active parameters per token: " + formatShort(static_cast<double>(a.params.active)));
    if (c.slidingLayerCount() > 0)
        add("sliding window", Cell::count(c.attention.slidingWindow),
            "on " + std::to_string(c.slidingLayerCount()) + " of " + std::to_string(c.numHiddenLayers) +
                " layers");
    if (c.attention.logitSoftcap)
        add("score soft-cap", Cell::text(formatNumber(*c.attention.logitSoftcap)), "cap·tanh(s/cap)");
    if (c.embedding.finalLogitSoftcap)
        add("logit soft-cap", Cell::text(formatNumber(*c.embedding.finalLogitSoftcap)), "cap·tanh(z/cap)");
    if (c.attention.queryPreAttnScalar)
        add("query scale", Cell::text("1/√" + formatNumber(*c.attention.queryPreAttnScalar)),
            "query_pre_attn_scalar");
    if (c.embedding.scaleByRootHidden)
        add("embedding scale", Cell::text("√d"), "inputs multiplied by √hidden_size");
    return t;
}

Table tokenBudgetTable(const FlopReport& r, double tokens)
{
    Table t;
    t.columns = {{"Convention", Align::Left},
                 {"Training FLOPs (3×)", Align::Right},
                 {"With recompute (4×)", Align::Right}};
    for (const FlopConvention& c : r.conventions)
        t.addRow({Cell::text(std::string(c.key)), Cell::scientific(trainingFlops(c, tokens)),
                  Cell::scientific(trainingFlops(c, tokens, true))});
    return t;
}

ConfigDiff diffConfigs(const std::vector<Analysis>& analyses)
{
    if (analyses.size() < 2)
        throw InvalidArgument("a side-by-side comparison needs at least two configs");
    ConfigDiff diff;
    for (const Analysis& a : analyses)
        diff.names.push_back(a.config.name);
    // Every key that one of the families reads, with each config's resolved value.
    for (const FieldRule& r : configFieldRules()) {
        if (r.field == Field::None || aliasField(r.field))
            continue;
        if (std::none_of(analyses.begin(), analyses.end(),
                         [&](const Analysis& a) { return r.readBy.contains(a.config.modelType); }))
            continue;
        DiffRow row;
        row.kind = DiffRow::Kind::ConfigKey;
        row.id = std::string(r.key);
        row.label = row.id;
        row.tooltip = std::string(r.description);
        std::vector<std::optional<double>> numbers;
        for (const Analysis& a : analyses) {
            if (!r.readBy.contains(a.config.modelType)) {
                row.values.push_back(Cell{"—", ""}); // this family's config class does not read it
                numbers.push_back(std::nullopt);
                continue;
            }
            const nlohmann::ordered_json v = fieldValue(a.config, r.field);
            row.values.push_back(jsonCell(v));
            // Sizes and settings have meaningful ratios; token ids and other metadata do not.
            numbers.push_back(r.role == KeyRole::Metadata ? std::nullopt : jsonNumber(v));
        }
        finishRow(row, numbers);
        diff.rows.push_back(std::move(row));
    }
    // Then the derived metrics that say something about these configs.
    for (const CompareColumn& c : compareColumns()) {
        if (repeatsAKey(c.id) || (!c.defaultVisible && c.relevant && !c.relevant(analyses)))
            continue;
        DiffRow row;
        row.kind = DiffRow::Kind::Metric;
        row.id = std::string(c.id);
        row.label = std::string(c.header);
        row.tooltip = std::string(c.tooltip);
        std::vector<std::optional<double>> numbers;
        for (const Analysis& a : analyses) {
            row.values.push_back(c.cell(a));
            const double v = c.value(a);
            numbers.push_back(std::isnan(v) ? std::nullopt : std::optional<double>(v));
        }
        finishRow(row, numbers);
        diff.rows.push_back(std::move(row));
    }
    return diff;
}

nlohmann::ordered_json toJson(const ConfigDiff& diff)
{
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const DiffRow& r : diff.rows) {
        nlohmann::ordered_json values = nlohmann::ordered_json::array(),
                               raw = nlohmann::ordered_json::array(),
                               ratios = nlohmann::ordered_json::array();
        for (std::size_t i = 0; i < r.values.size(); ++i) {
            values.push_back(r.values[i].display);
            raw.push_back(r.values[i].raw.empty() ? r.values[i].display : r.values[i].raw);
            ratios.push_back(r.ratios[i] ? nlohmann::ordered_json(*r.ratios[i])
                                         : nlohmann::ordered_json(nullptr));
        }
        rows.push_back({{"kind", r.kind == DiffRow::Kind::ConfigKey ? "key" : "metric"},
                        {"id", r.id},
                        {"label", r.label},
                        {"values", values},
                        {"raw", raw},
                        {"ratios", ratios},
                        {"differs", r.differs}});
    }
    return {{"configs", diff.names}, {"rows", rows}};
}

Cell ratioCell(std::optional<double> ratio)
{
    if (!ratio)
        return Cell{"", ""};
    const double r = *ratio;
    const int digits = r >= 100 ? 0 : r >= 0.1 ? 2 : 4;
    return Cell{"×" + formatFixed(r, digits), formatNumber(r)};
}

Table diffTable(const ConfigDiff& diff, const DiffTableOptions& options)
{
    Table t;
    t.columns.push_back({"Diff", Align::Left});
    t.columns.push_back({"Quantity", Align::Left});
    for (std::size_t i = 0; i < diff.names.size(); ++i) {
        t.columns.push_back({diff.names[i], Align::Right});
        if (options.ratios && i > 0)
            t.columns.push_back({diff.names[i] + "/" + diff.names.front(), Align::Right});
    }
    for (const DiffRow& r : diff.rows) {
        if (options.onlyDifferences && !r.differs)
            continue;
        std::vector<Cell> row;
        row.push_back(r.differs ? Cell{"≠", "true"} : Cell{"", "false"});
        row.push_back(Cell::text(r.label));
        for (std::size_t i = 0; i < r.values.size(); ++i) {
            row.push_back(r.values[i]);
            if (options.ratios && i > 0)
                row.push_back(ratioCell(r.ratios[i]));
        }
        t.addRow(std::move(row));
    }
    return t;
}

Table parameterTable(const ParameterCounts& p)
{
    Table t;
    t.columns = {{"Component", Align::Left}, {"Parameters", Align::Right}, {"Share", Align::Right}};
    auto row = [&](std::string name, Count v) {
        const double share =
            p.total > 0 ? 100.0 * static_cast<double>(v) / static_cast<double>(p.total) : 0.0;
        t.addRow({Cell::text(std::move(name)), Cell::count(v),
                  Cell{formatFixed(share, 2) + "%", formatNumber(share / 100.0)}});
    };
    row("embedding (V·d)", p.embedding);
    row("lm_head (V·d, 0 if tied)", p.lmHead);
    if (p.positionTable > 0)
        row("position table (P·d)", p.positionTable);
    row("attention (all layers)", p.attention);
    row("MLP (all layers)", p.mlp);
    row("RMSNorm gains (all, with final)", p.norms);
    row("total", p.total);
    row("non-embedding", p.nonEmbedding);
    row("tied-equivalent", p.tiedEquivalent);
    if (p.active != p.total)
        row("active per token (routed experts)", p.active);
    return t;
}

Table familiesTable()
{
    Table t;
    t.columns = {{"model_type", Align::Left},
                 {"Family", Align::Left},
                 {"Class", Align::Left},
                 {"What differs from LLaMA", Align::Left},
                 {"Examples", Align::Left}};
    for (const ModelTypeInfo& i : modelTypeInfos())
        t.addRow({Cell::text(std::string(i.key)), Cell::text(std::string(i.title)),
                  Cell::text(std::string(i.causalLmClass)), Cell::text(std::string(i.traits)),
                  Cell::text(std::string(i.examples))});
    return t;
}

Table familyTraitsTable()
{
    Table t;
    t.columns = {{"model_type", Align::Left}, {"q/k/v bias", Align::Left}, {"o bias", Align::Left},
                 {"q/k norm", Align::Left},   {"Norms", Align::Left},      {"(1+w)", Align::Left},
                 {"Emb ×√d", Align::Left},    {"Activation", Align::Left}, {"Sliding window", Align::Left},
                 {"Soft-cap", Align::Left},   {"Experts", Align::Left},    {"Fused", Align::Left},
                 {"Tied", Align::Left},       {"head_dim", Align::Left}};
    auto yes = [](bool b) { return Cell::text(b ? "yes" : "—"); };
    for (const ModelTypeInfo& i : modelTypeInfos()) {
        const ModelConfig d = ModelConfig::defaults(i.type);
        const FieldRule* bias = findFieldRule("attention_bias");
        const bool biasKey = bias != nullptr && bias->readBy.contains(i.type);
        std::string window = "—";
        if (findFieldRule("sliding_window")->readBy.contains(i.type)) {
            switch (d.attention.slidingLayers.rule) {
            case SlidingLayers::Rule::All: window = "all layers (4096)"; break;
            case SlidingLayers::Rule::EvenIndices: window = "even layers (4096)"; break;
            default:
                window = i.type == ModelType::Qwen2 || i.type == ModelType::Qwen3
                             ? "layers ≥ max_window_layers, if use_sliding_window"
                             : "all layers, if sliding_window";
                break;
            }
        }
        std::string softcap = "—";
        if (d.attention.logitSoftcap)
            softcap = "scores " + formatNumber(*d.attention.logitSoftcap) + ", logits " +
                      formatNumber(d.embedding.finalLogitSoftcap.value_or(0));
        t.addRow({Cell::text(std::string(i.key)),
                  Cell::text(d.attention.qkvBias ? "yes"
                             : biasKey           ? "attention_bias"
                                                 : "—"),
                  Cell::text(d.attention.outputBias ? "yes"
                             : biasKey              ? "attention_bias"
                                                    : "—"),
                  Cell::text(std::string(qkNorms().name(d.attention.qkNorm))),
                  Cell::text(std::string(normPlacements().name(d.norms.placement)) + " ×" +
                             std::to_string(d.normsPerLayer())),
                  yes(d.norms.unitOffset), yes(d.embedding.scaleByRootHidden), Cell::text(d.hiddenAct),
                  Cell::text(window), Cell::text(softcap),
                  Cell::text(d.mlp.moe() ? std::to_string(d.mlp.numExperts) + " top-" +
                                               std::to_string(d.mlp.expertsPerToken)
                                         : "—"),
                  Cell::text(d.layout.fusedQkv ? "qkv, gate_up" : "—"), yes(d.tieWordEmbeddings),
                  Cell::text(modelTypeInfo(i.type).headDimFollowsShape ? "d/H" : std::to_string(d.headDim))});
    }
    return t;
}

Table configKeysTable()
{
    Table t;
    t.columns = {{"Key", Align::Left},
                 {"Role", Align::Left},
                 {"Read by", Align::Left},
                 {"Default", Align::Left},
                 {"Meaning", Align::Left}};
    static constexpr std::array kRoles = {"shape", "behaviour", "metadata", "training", "extension"};
    for (const FieldRule& r : configFieldRules()) {
        if (r.description == "Generic transformers key (not interpreted)")
            continue;
        std::string defaults;
        std::string last;
        for (const ModelTypeInfo& i : modelTypeInfos()) {
            const std::string d = defaultText(r, i.type);
            if (d.empty())
                continue;
            defaults += (defaults.empty() ? "" : "; ") + std::string(i.key) + " " + d;
            last = d;
        }
        // One default for every reader: say it once.
        bool same = !defaults.empty();
        for (const ModelTypeInfo& i : modelTypeInfos())
            if (r.readBy.contains(i.type) && defaultText(r, i.type) != last)
                same = false;
        t.addRow({Cell::text(std::string(r.key)), Cell::text(kRoles[static_cast<std::size_t>(r.role)]),
                  Cell::text(r.readBy.isAll() ? "all" : r.readBy.text()), Cell::text(same ? last : defaults),
                  Cell::text(std::string(r.description))});
    }
    return t;
}

Table flopConventionsTable(const FlopReport& r)
{
    Table t;
    t.columns = {{"Convention", Align::Left},
                 {"Forward/token", Align::Right},
                 {"Forward/sequence", Align::Right},
                 {"Train/token (3×)", Align::Right},
                 {"Train/token recompute (4×)", Align::Right},
                 {"What it counts", Align::Left}};
    for (const FlopConvention& c : r.conventions)
        t.addRow({Cell::text(std::string(c.key)), Cell::quotient(c.forwardPerSequence, c.seqLen),
                  Cell::count(c.forwardPerSequence), Cell::quotient(c.trainingPerSequence, c.seqLen),
                  Cell::quotient(c.trainingPerSequenceRecompute, c.seqLen),
                  Cell::text(std::string(c.meaning))});
    return t;
}

Table flopTermsTable(const FlopReport& r)
{
    Table t;
    t.columns = {{"Convention", Align::Left},
                 {"Term", Align::Left},
                 {"Per sequence", Align::Right},
                 {"Per token", Align::Right}};
    const auto T = static_cast<double>(r.options.seqLen);
    auto add = [&](std::string_view conv, const FlopTerm& term) {
        t.addRow({Cell::text(std::string(conv)), Cell::text(term.name), Cell::count(term.perSequence),
                  Cell::fixed(static_cast<double>(term.perSequence) / T, 1)});
    };
    for (const FlopConvention& c : r.conventions)
        for (const FlopTerm& term : c.terms)
            add(c.key, term);
    for (const FlopTerm& term : r.elementwise.terms)
        add("elementwise", term);
    return t;
}

Table findingsTable(const std::vector<ValidationReport>& reports)
{
    Table t;
    t.columns = {{"File", Align::Left},     {"Line", Align::Right}, {"Column", Align::Right},
                 {"Severity", Align::Left}, {"Code", Align::Left},  {"Pointer", Align::Left},
                 {"Message", Align::Left},  {"Hint", Align::Left}};
    for (const ValidationReport& r : reports)
        for (const Finding& f : r.findings)
            t.addRow({Cell::text(r.source), f.pos.known() ? Cell::count(f.pos.line) : Cell::text(""),
                      f.pos.known() ? Cell::count(f.pos.column) : Cell::text(""),
                      Cell::text(std::string(toString(f.severity()))),
                      Cell::text(std::string(toString(f.code))), Cell::text(f.pointer), Cell::text(f.message),
                      Cell::text(f.hint)});
    for (const ValidationReport& r : reports)
        for (const OmittedFindings& o : r.omitted)
            t.addRow({Cell::text(r.source), Cell::text(""), Cell::text(""),
                      Cell::text(std::string(toString(o.severity()))),
                      Cell::text(std::string(toString(o.code))), Cell::text(""),
                      Cell::text(describeOmitted(o)), Cell::text("")});
    return t;
}

} // namespace llamascope
