// Cluster specs such as "8xH100 zero3" (plan.hpp: parseFitSpec, clusterOf): parsed here, once,
// for `generate --fits` and any other front end.

#include "llamascope/errors.hpp"
#include "llamascope/format.hpp"
#include "llamascope/plan.hpp"

#include <cctype>
#include <charconv>

namespace llamascope {

namespace {

std::string lower(std::string_view s)
{
    std::string out;
    for (char c : s)
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::optional<Count> positive(std::string_view digits)
{
    Count v = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (ec != std::errc() || end != digits.data() + digits.size() || v < 1)
        return std::nullopt;
    return v;
}

/// "tp8", "tp=8" -> 8 for prefix "tp".
std::optional<Count> sized(std::string_view token, std::string_view prefix)
{
    if (!token.starts_with(prefix))
        return std::nullopt;
    std::string_view rest = token.substr(prefix.size());
    if (!rest.empty() && rest.front() == '=')
        rest.remove_prefix(1);
    return positive(rest);
}

} // namespace

FitSpec parseFitSpec(std::string_view text)
{
    constexpr std::string_view kHow = "write e.g. \"8xH100 zero3\": the GPU count and device, then any of "
                                      "zero0..zero3, fsdp, tpN, ppN, cpN, "
                                      "dpN, mbN, sp, hybrid, recompute[=none|selective|full], nodes=N";
    auto fail = [&](const std::string& why) {
        return InvalidArgument("cluster spec \"" + std::string(text) + "\": " + why + " (" +
                               std::string(kHow) + ")");
    };
    // "×" (U+00D7) is written as x; commas separate like spaces.
    std::string normalized;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text.substr(i).starts_with("\xC3\x97")) {
            normalized += 'x';
            ++i;
        } else {
            normalized += text[i] == ',' ? ' ' : text[i];
        }
    }
    std::vector<std::string> tokens;
    for (std::size_t i = 0; i < normalized.size();) {
        while (i < normalized.size() && std::isspace(static_cast<unsigned char>(normalized[i])))
            ++i;
        std::size_t j = i;
        while (j < normalized.size() && !std::isspace(static_cast<unsigned char>(normalized[j])))
            ++j;
        if (j > i)
            tokens.push_back(normalized.substr(i, j - i));
        i = j;
    }
    if (tokens.empty())
        throw fail("is empty");

    FitSpec spec;
    spec.text = std::string(text);
    // The GPUs: "8xH100", or "8x" "H100", or "8" "x" "H100".
    std::size_t next = 0;
    {
        const std::string& t = tokens[0];
        std::size_t digits = 0;
        while (digits < t.size() && std::isdigit(static_cast<unsigned char>(t[digits])))
            ++digits;
        const auto gpus = positive(std::string_view(t).substr(0, digits));
        if (!gpus)
            throw fail("must start with the number of GPUs");
        spec.gpus = *gpus;
        std::string_view rest = std::string_view(t).substr(digits);
        next = 1;
        bool times = !rest.empty() && std::tolower(static_cast<unsigned char>(rest[0])) == 'x';
        if (rest.empty() && next < tokens.size() && lower(tokens[next]) == "x") {
            ++next;
            times = true;
        }
        if (!times)
            throw fail("write the GPUs as NxDEVICE");
        if (!rest.empty())
            rest.remove_prefix(1);
        if (rest.empty()) {
            if (next >= tokens.size())
                throw fail("names no device");
            rest = tokens[next++];
        }
        spec.device = std::string(rest);
    }
    LayoutFilter& f = spec.filter;
    for (; next < tokens.size(); ++next) {
        const std::string t = lower(tokens[next]);
        if (const auto z = zeroStageFromString(t);
            z && (t.starts_with("zero") || t == "fsdp" || t == "ddp" || t == "full_shard" ||
                  t == "shard_grad_op" || t == "no_shard")) {
            f.zero = *z;
        } else if (t == "hybrid" || t == "hybrid_shard") {
            f.hybridShard = true;
        } else if (t == "sp" || t == "sequence-parallel") {
            f.sequenceParallel = true;
        } else if (t == "recompute" || t == "full-recompute" || t == "checkpointing") {
            f.recompute = Recompute::Full;
        } else if (t == "selective") {
            f.recompute = Recompute::Selective;
        } else if (t == "no-recompute") {
            f.recompute = Recompute::None;
        } else if (t.starts_with("recompute=")) {
            const auto r = recomputeFromString(t.substr(10));
            if (!r)
                throw fail("unknown recomputation \"" + t.substr(10) + "\"");
            f.recompute = *r;
        } else if (t.starts_with("nodes")) {
            const auto n = sized(t, "nodes");
            if (!n)
                throw fail("cannot read \"" + tokens[next] + "\"");
            spec.nodes = *n;
        } else if (const auto v = sized(t, "tp")) {
            f.tp = *v;
        } else if (const auto v2 = sized(t, "pp")) {
            f.pp = *v2;
        } else if (const auto v3 = sized(t, "cp")) {
            f.cp = *v3;
        } else if (const auto v4 = sized(t, "dp")) {
            f.dp = *v4;
        } else if (const auto v5 = sized(t, "mb")) {
            f.microBatch = *v5;
        } else {
            throw fail("cannot read \"" + tokens[next] + "\"");
        }
    }
    return spec;
}

LayoutFilter fixedLayoutOf(const FitSpec& spec)
{
    LayoutFilter f = spec.filter;
    f.tp = f.tp.value_or(1);
    f.pp = f.pp.value_or(1);
    f.cp = f.cp.value_or(1);
    f.zero = f.zero.value_or(ZeroStage::None);
    f.sequenceParallel = f.sequenceParallel.value_or(false);
    f.hybridShard = f.hybridShard.value_or(false);
    f.recompute = f.recompute.value_or(Recompute::None);
    return f;
}

ClusterSpec clusterOf(const FitSpec& spec, const AcceleratorTable& accelerators,
                      const InterconnectTable& links)
{
    const Accelerator* device = accelerators.find(spec.device);
    if (device == nullptr) {
        const std::vector<std::string_view> keys = accelerators.keys();
        const std::string guess = closestMatch(spec.device, keys);
        throw InvalidArgument("cluster spec \"" + spec.text + "\": unknown device \"" + spec.device + "\" (" +
                              joinQuoted(keys) + ")" +
                              (guess.empty() ? "" : "; did you mean \"" + guess + "\"?"));
    }
    // A fit check is about memory alone: a device the table lists no links for still gets a
    // cluster (PCIe within a node, 100 GbE between nodes) so that its memory can be checked.
    const bool known = links.defaultsFor(device->key) != nullptr;
    return makeCluster(*device, spec.gpus, spec.nodes, 0, links, known ? "" : "pcie4",
                       known ? "" : "eth-100");
}

} // namespace llamascope
