// Family report: SPEC §9. Everything here is derived from analyze()'s numbers; the claims
// are checked, not asserted.

#include "llamascope/family.hpp"

#include "llamascope/errors.hpp"
#include "llamascope/format.hpp"
#include "llamascope/metrics.hpp"
#include "llamascope/params.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

namespace llamascope {
namespace {

/// Rounds to 2 decimals, the precision the family is discussed at (N/L 42.67, FFN 2.67).
double round2(double v)
{
    return std::round(v * 100.0) / 100.0;
}

std::string fmt2(double v)
{
    return formatFixed(v, 2);
}

std::string joinNames(const std::vector<std::string>& names)
{
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i)
        out += (i ? ", " : "") + names[i];
    return out;
}

std::vector<FamilyMember> foldVariants(const std::vector<ModelConfig>& configs)
{
    // Key: everything that shapes the network except the position encoding — the canonical
    // config text with the position type and name neutralised.
    using Key = std::string;
    std::map<Key, std::size_t> index;
    std::vector<FamilyMember> members;
    std::vector<PositionType> representativeType;
    for (const ModelConfig& c : configs) {
        ModelConfig neutral = c;
        neutral.positionType = PositionType::Rope;
        neutral.original = nullptr;
        neutral.bosTokenId = neutral.eosTokenId = neutral.padTokenId = std::nullopt;
        const Key key = toHfJsonText(neutral);
        const std::string pos(toString(c.positionType));
        auto it = index.find(key);
        if (it != index.end()) {
            FamilyMember& m = members[it->second];
            m.positionTypes.push_back(pos);
            // Prefer the RoPE config as the representative (the family's default).
            if (c.positionType == PositionType::Rope &&
                representativeType[it->second] != PositionType::Rope) {
                m.variants.push_back(m.name);
                m.name = c.name;
                m.params = countParameters(c).total;
                representativeType[it->second] = c.positionType;
            } else {
                m.variants.push_back(c.name);
            }
            continue;
        }
        index.emplace(key, members.size());
        const DerivedMetrics d = deriveMetrics(c);
        FamilyMember m;
        m.name = c.name;
        m.params = countParameters(c).total;
        m.hidden = c.hiddenSize;
        m.layers = c.numHiddenLayers;
        m.heads = c.numAttentionHeads;
        m.kvHeads = c.numKeyValueHeads;
        m.headDim = c.headDim;
        m.intermediate = c.intermediateSize;
        m.vocab = c.vocabSize;
        m.context = c.contextLength;
        m.widthPerLayer = d.widthPerLayer;
        m.ffnRatio = d.ffnRatio;
        m.positionTypes.push_back(pos);
        members.push_back(std::move(m));
        representativeType.push_back(c.positionType);
    }
    std::stable_sort(members.begin(), members.end(),
                     [](const FamilyMember& a, const FamilyMember& b) { return a.params < b.params; });
    return members;
}

/// Groups members by a value (rounded to 2 decimals), ascending by value.
std::vector<ValueHolders> groupBy(const std::vector<FamilyMember>& members,
                                  double (*get)(const FamilyMember&))
{
    std::map<double, std::vector<std::string>> groups;
    for (const FamilyMember& m : members)
        groups[round2(get(m))].push_back(m.name);
    std::vector<ValueHolders> out;
    out.reserve(groups.size());
    for (auto& [value, names] : groups)
        out.push_back({value, std::move(names)});
    return out;
}

std::vector<ValueHolders> byFrequency(std::vector<ValueHolders> groups)
{
    std::stable_sort(groups.begin(), groups.end(), [](const ValueHolders& a, const ValueHolders& b) {
        return a.members.size() > b.members.size();
    });
    return groups;
}

std::vector<Step> steps(const std::vector<FamilyMember>& members, Count (*get)(const FamilyMember&))
{
    std::vector<Step> out;
    for (std::size_t i = 1; i < members.size(); ++i) {
        const Count a = get(members[i - 1]), b = get(members[i]);
        out.push_back(
            {members[i - 1].name, members[i].name, a, b, static_cast<double>(b) / static_cast<double>(a)});
    }
    return out;
}

ClaimCheck ffnBandClaim(const FamilyReport& r)
{
    ClaimCheck c;
    c.claim = "FFN ratio stays in the SwiGLU band " + fmt2(kFfnBandLow) + "–" + fmt2(kFfnBandHigh);
    std::vector<std::string> outside;
    for (const FamilyMember& m : r.members) {
        const double v = round2(m.ffnRatio);
        if (v < kFfnBandLow || v > kFfnBandHigh)
            outside.push_back(m.name + " " + fmt2(m.ffnRatio));
    }
    c.holds = outside.empty();
    c.evidence = c.holds ? "every member is inside the band" : "outside the band: " + joinNames(outside);
    return c;
}

ClaimCheck monotoneClaim(const FamilyReport& r, std::string claim, Count (*get)(const FamilyMember&),
                         bool strictGrowth)
{
    ClaimCheck c;
    c.claim = std::move(claim);
    std::vector<std::string> breaks;
    for (std::size_t i = 1; i < r.members.size(); ++i) {
        const Count a = get(r.members[i - 1]), b = get(r.members[i]);
        if (b < a || (strictGrowth && b == a))
            breaks.push_back(r.members[i - 1].name + " " + std::to_string(a) + " → " + r.members[i].name +
                             " " + std::to_string(b));
    }
    c.holds = breaks.empty();
    c.evidence = c.holds ? "holds at every step" : "breaks at: " + joinNames(breaks);
    return c;
}

ClaimCheck nPerLGrowthClaim(const FamilyReport& r)
{
    ClaimCheck c;
    c.claim = "N/L ratio grows with model size";
    std::vector<std::string> breaks;
    for (std::size_t i = 1; i < r.members.size(); ++i)
        if (r.members[i].widthPerLayer < r.members[i - 1].widthPerLayer)
            breaks.push_back(r.members[i - 1].name + " " + fmt2(r.members[i - 1].widthPerLayer) + " → " +
                             r.members[i].name + " " + fmt2(r.members[i].widthPerLayer));
    c.holds = breaks.empty();
    c.evidence = c.holds ? "holds at every step" : "falls at: " + joinNames(breaks);
    return c;
}

ClaimCheck uniformClaim(std::string claim, const std::vector<ValueHolders>& groups, bool integer)
{
    ClaimCheck c;
    c.claim = std::move(claim);
    c.holds = groups.size() <= 1;
    if (c.holds) {
        c.evidence = "all members share it";
        return c;
    }
    std::vector<std::string> parts;
    for (std::size_t i = 1; i < groups.size(); ++i)
        parts.push_back(joinNames(groups[i].members) + " (" +
                        (integer ? formatCount(static_cast<Count>(groups[i].value)) : fmt2(groups[i].value)) +
                        ")");
    c.evidence = "most use " +
                 (integer ? formatCount(static_cast<Count>(groups[0].value)) : fmt2(groups[0].value)) +
                 "; exceptions: " + joinNames(parts);
    return c;
}

} // namespace

FamilyReport compareFamily(const std::vector<ModelConfig>& configs)
{
    if (configs.empty())
        throw InvalidArgument("the family report needs at least one config");
    FamilyReport r;
    r.members = foldVariants(configs);
    r.widthSteps = steps(r.members, [](const FamilyMember& m) { return m.hidden; });
    r.depthSteps = steps(r.members, [](const FamilyMember& m) { return m.layers; });

    const auto nPerL = groupBy(r.members, [](const FamilyMember& m) { return m.widthPerLayer; });
    r.nPerLLowest = nPerL.front();
    r.nPerLHighest = nPerL.back();
    r.nPerLMostCommon = byFrequency(nPerL).front();
    r.headCounts = groupBy(r.members, [](const FamilyMember& m) { return static_cast<double>(m.heads); });
    r.headDims = groupBy(r.members, [](const FamilyMember& m) { return static_cast<double>(m.headDim); });
    const auto ffn = groupBy(r.members, [](const FamilyMember& m) { return m.ffnRatio; });
    r.ffnLowest = ffn.front();
    r.ffnHighest = ffn.back();
    r.vocabSizes =
        byFrequency(groupBy(r.members, [](const FamilyMember& m) { return static_cast<double>(m.vocab); }));
    r.contextLengths =
        byFrequency(groupBy(r.members, [](const FamilyMember& m) { return static_cast<double>(m.context); }));

    for (const ModelConfig& c : configs) {
        const std::string type(toString(c.positionType));
        auto it = std::find_if(r.positionTypes.begin(), r.positionTypes.end(),
                               [&](const auto& g) { return g.first == type; });
        if (it == r.positionTypes.end())
            r.positionTypes.push_back({type, {c.name}});
        else
            it->second.push_back(c.name);
    }
    std::stable_sort(r.positionTypes.begin(), r.positionTypes.end(),
                     [](const auto& a, const auto& b) { return a.second.size() > b.second.size(); });

    r.claims.push_back(ffnBandClaim(r));
    r.claims.push_back(monotoneClaim(
        r, "head_dim grows monotonically with model size", [](const FamilyMember& m) { return m.headDim; },
        false));
    r.claims.push_back(monotoneClaim(
        r, "width never shrinks as models grow", [](const FamilyMember& m) { return m.hidden; }, false));
    r.claims.push_back(monotoneClaim(
        r, "depth never shrinks as models grow", [](const FamilyMember& m) { return m.layers; }, false));
    r.claims.push_back(nPerLGrowthClaim(r));
    r.claims.push_back(uniformClaim("one vocabulary size across the family", r.vocabSizes, true));
    r.claims.push_back(uniformClaim("one context length across the family", r.contextLengths, true));
    if (r.positionTypes.size() > 1) {
        std::vector<std::string> parts;
        for (std::size_t i = 1; i < r.positionTypes.size(); ++i)
            parts.push_back(joinNames(r.positionTypes[i].second) + " (" + r.positionTypes[i].first + ")");
        r.claims.push_back({"one position encoding across the family", false,
                            "most use " + r.positionTypes[0].first + "; exceptions: " + joinNames(parts)});
    } else {
        r.claims.push_back(
            {"one position encoding across the family", true, "all use " + r.positionTypes[0].first});
    }
    return r;
}

Table familyMembersTable(const FamilyReport& r)
{
    Table t;
    t.columns = {{"Model", Align::Left},    {"Params", Align::Right},  {"d", Align::Right},
                 {"L", Align::Right},       {"H", Align::Right},       {"h", Align::Right},
                 {"f", Align::Right},       {"V", Align::Right},       {"P", Align::Right},
                 {"N/L", Align::Right},     {"FFN", Align::Right},     {"Width ×", Align::Right},
                 {"Depth ×", Align::Right}, {"Positions", Align::Left}};
    for (std::size_t i = 0; i < r.members.size(); ++i) {
        const FamilyMember& m = r.members[i];
        std::string positions;
        for (std::size_t k = 0; k < m.positionTypes.size(); ++k)
            positions += (k ? "/" : "") + m.positionTypes[k];
        t.addRow(
            {Cell::text(m.name), Cell::count(m.params), Cell::count(m.hidden), Cell::count(m.layers),
             Cell::count(m.heads), Cell::count(m.headDim), Cell::count(m.intermediate), Cell::count(m.vocab),
             Cell::count(m.context), Cell::fixed(m.widthPerLayer, 2), Cell::fixed(m.ffnRatio, 2),
             i == 0 ? Cell::text("") : Cell::fixed(r.widthSteps[i - 1].ratio, 2),
             i == 0 ? Cell::text("") : Cell::fixed(r.depthSteps[i - 1].ratio, 2), Cell::text(positions)});
    }
    return t;
}

namespace {

std::string holders(const ValueHolders& v, int digits)
{
    return formatFixed(v.value, digits) + " in " + joinNames(v.members);
}

std::string stepList(const std::vector<Step>& steps)
{
    std::string out;
    for (const Step& s : steps)
        out += "- " + s.from + " → " + s.to + ": " + formatCount(s.fromValue) + " → " +
               formatCount(s.toValue) + " (×" + fmt2(s.ratio) + ")\n";
    return out;
}

} // namespace

std::string familyReportMarkdown(const FamilyReport& r)
{
    std::string md = "## Family report (" + std::to_string(r.members.size()) + " models";
    std::size_t variants = 0;
    for (const FamilyMember& m : r.members)
        variants += m.variants.size();
    if (variants > 0)
        md += ", " + std::to_string(variants) + " position variants folded in";
    md += ")\n\nOrdered by parameter count.\n\n" + renderMarkdown(familyMembersTable(r));
    md += "\n### Width progression\n\n" + stepList(r.widthSteps);
    md += "\n### Depth progression\n\n" + stepList(r.depthSteps);
    md += "\n### N/L ratio (hidden / layers)\n\n";
    md += "- lowest: " + holders(r.nPerLLowest, 1) + "\n";
    md += "- highest: " + holders(r.nPerLHighest, 1) + "\n";
    md += "- most common: " + holders(r.nPerLMostCommon, 1) + " (" +
          std::to_string(r.nPerLMostCommon.members.size()) + " models)\n";
    md += "\n### Attention heads\n\n";
    for (const ValueHolders& g : r.headCounts)
        md += "- " + formatFixed(g.value, 0) + " heads: " + joinNames(g.members) + "\n";
    md += "\nhead_dim: ";
    for (std::size_t i = 0; i < r.headDims.size(); ++i)
        md += (i ? "; " : "") + formatFixed(r.headDims[i].value, 0) + " (" +
              joinNames(r.headDims[i].members) + ")";
    md += "\n\n### FFN ratio (intermediate / hidden)\n\n";
    md += "- range " + fmt2(r.ffnLowest.value) + " (" + joinNames(r.ffnLowest.members) + ") to " +
          fmt2(r.ffnHighest.value) + " (" + joinNames(r.ffnHighest.members) + ")\n";
    md += "\n### Vocabulary, context length, position encoding\n\n";
    auto groupsLine = [](const std::vector<ValueHolders>& groups) {
        std::string out;
        for (std::size_t i = 0; i < groups.size(); ++i)
            out += (i ? "; " : "") + formatCount(static_cast<Count>(groups[i].value)) + " (" +
                   joinNames(groups[i].members) + ")";
        return out;
    };
    md += "- vocab_size: " + groupsLine(r.vocabSizes) + "\n";
    md += "- context length: " + groupsLine(r.contextLengths) + "\n";
    md += "- position encoding: ";
    for (std::size_t i = 0; i < r.positionTypes.size(); ++i)
        md += (i ? "; " : "") + r.positionTypes[i].first + " (" + joinNames(r.positionTypes[i].second) + ")";
    md += "\n\n### Claims checked against the data\n\n";
    for (const ClaimCheck& c : r.claims)
        md += std::string("- ") + (c.holds ? "✓ holds: " : "✗ does not hold: ") + c.claim + " — " +
              c.evidence + "\n";
    return md;
}

nlohmann::ordered_json toJson(const FamilyReport& r)
{
    using ordered_json = nlohmann::ordered_json;
    auto holdersJson = [](const ValueHolders& v) {
        return ordered_json{{"value", v.value}, {"members", v.members}};
    };
    auto groupsJson = [&](const std::vector<ValueHolders>& groups) {
        ordered_json out = ordered_json::array();
        for (const ValueHolders& g : groups)
            out.push_back(holdersJson(g));
        return out;
    };
    auto stepsJson = [](const std::vector<Step>& steps) {
        ordered_json out = ordered_json::array();
        for (const Step& s : steps)
            out.push_back({{"from", s.from},
                           {"to", s.to},
                           {"from_value", s.fromValue},
                           {"to_value", s.toValue},
                           {"ratio", s.ratio}});
        return out;
    };
    ordered_json members = ordered_json::array();
    for (const FamilyMember& m : r.members)
        members.push_back({{"name", m.name},
                           {"variants", m.variants},
                           {"params", m.params},
                           {"hidden_size", m.hidden},
                           {"num_hidden_layers", m.layers},
                           {"num_attention_heads", m.heads},
                           {"num_key_value_heads", m.kvHeads},
                           {"head_dim", m.headDim},
                           {"intermediate_size", m.intermediate},
                           {"vocab_size", m.vocab},
                           {"context_length", m.context},
                           {"width_per_layer", m.widthPerLayer},
                           {"ffn_ratio", m.ffnRatio},
                           {"position_types", m.positionTypes}});
    ordered_json positions = ordered_json::array();
    for (const auto& [type, names] : r.positionTypes)
        positions.push_back({{"value", type}, {"members", names}});
    ordered_json claims = ordered_json::array();
    for (const ClaimCheck& c : r.claims)
        claims.push_back({{"claim", c.claim}, {"holds", c.holds}, {"evidence", c.evidence}});
    return {{"members", members},
            {"width_steps", stepsJson(r.widthSteps)},
            {"depth_steps", stepsJson(r.depthSteps)},
            {"width_per_layer",
             {{"lowest", holdersJson(r.nPerLLowest)},
              {"highest", holdersJson(r.nPerLHighest)},
              {"most_common", holdersJson(r.nPerLMostCommon)}}},
            {"head_counts", groupsJson(r.headCounts)},
            {"head_dims", groupsJson(r.headDims)},
            {"ffn_ratio", {{"lowest", holdersJson(r.ffnLowest)}, {"highest", holdersJson(r.ffnHighest)}}},
            {"vocab_sizes", groupsJson(r.vocabSizes)},
            {"context_lengths", groupsJson(r.contextLengths)},
            {"position_types", positions},
            {"claims", claims}};
}

} // namespace llamascope
