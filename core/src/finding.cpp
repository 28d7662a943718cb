#include "llamascope/finding.hpp"

#include "llamascope/format.hpp"

#include <algorithm>
#include <array>
#include <map>

namespace llamascope {

namespace {

// The catalogue of finding codes (docs/validation.md, kept in step by a test). Entry i is
// FindingCode i, which info() relies on and a test checks.
constexpr std::array kCodes = {
    FindingCodeInfo{FindingCode::Syntax, "syntax", Severity::Error,
                    "The file is not valid JSON (line:column given)", false},
    FindingCodeInfo{FindingCode::FileTooLarge, "file-too-large", Severity::Error,
                    "The file exceeds the size cap for config files", false},
    FindingCodeInfo{FindingCode::TooDeep, "too-deep", Severity::Error,
                    "Nesting deeper than any config could be", false},
    FindingCodeInfo{FindingCode::DuplicateKey, "duplicate-key", Severity::Error,
                    "A key appears twice in one object", false},
    FindingCodeInfo{FindingCode::RootNotObject, "root-not-object", Severity::Error,
                    "The top-level value is not a JSON object", true},
    FindingCodeInfo{
        FindingCode::NotAConfig, "not-a-config", Severity::Error,
        "A JSON object that is not a model config (generation or tokenizer config, weight index, ...)",
        false},
    FindingCodeInfo{FindingCode::NumberOutOfRange, "number-out-of-range", Severity::Error,
                    "A number does not fit int64 / double", true},
    FindingCodeInfo{FindingCode::WrongType, "wrong-type", Severity::Error,
                    "A field has the wrong JSON type (\"768\", 768.5, true)", true},
    FindingCodeInfo{FindingCode::NotPositive, "not-positive", Severity::Error,
                    "A size or positive quantity is zero or negative", true},
    FindingCodeInfo{FindingCode::OutOfRange, "out-of-range", Severity::Error,
                    "A value is outside its allowed range", true},
    FindingCodeInfo{FindingCode::UnknownValue, "unknown-value", Severity::Error,
                    "A string field has a value transformers does not know", true},
    FindingCodeInfo{FindingCode::UnsupportedModelType, "unsupported-model-type", Severity::Error,
                    "model_type is not one of the nine decoder families llamascope models", true},
    FindingCodeInfo{
        FindingCode::UnsupportedFeature, "unsupported-feature", Severity::Error,
        "A setting transformers accepts that llamascope cannot model exactly (named, never ignored)", false},
    FindingCodeInfo{FindingCode::BadRopeScaling, "bad-rope-scaling", Severity::Error,
                    "rope_scaling / rope_parameters is malformed", true},
    FindingCodeInfo{FindingCode::BadLayerTypes, "bad-layer-types", Severity::Error,
                    "layer_types has the wrong length or an unknown kind", false},
    FindingCodeInfo{FindingCode::TokenIdRange, "token-id-range", Severity::Error, "A token id is below -1",
                    true},
    FindingCodeInfo{FindingCode::TokenIdVocab, "token-id-vocab", Severity::Error,
                    "A token id is not below vocab_size", false},
    FindingCodeInfo{FindingCode::HeadsNotDivisible, "heads-not-divisible", Severity::Error,
                    "hidden_size is not divisible by num_attention_heads", false},
    FindingCodeInfo{FindingCode::KvHeadsNotDivisible, "kv-heads-not-divisible", Severity::Error,
                    "num_attention_heads is not divisible by num_key_value_heads", false},
    FindingCodeInfo{FindingCode::OddHeadDim, "odd-head-dim", Severity::Error, "RoPE needs an even head_dim",
                    false},
    FindingCodeInfo{FindingCode::ExpertsTopK, "experts-top-k", Severity::Error,
                    "num_experts_per_tok exceeds num_local_experts", false},
    FindingCodeInfo{FindingCode::CountOverflow, "count-overflow", Severity::Error,
                    "Parameter or FLOP counts overflow 64-bit integers", false},
    FindingCodeInfo{FindingCode::WeightsShape, "weights-shape", Severity::Error,
                    "A tensor in the snapshot folder's weights has another shape than the config implies",
                    false},
    FindingCodeInfo{
        FindingCode::IoError, "io-error", Severity::Error,
        "The file cannot be read (the desktop app lists it; the CLI reports it on stderr, exit 3)", false},
    FindingCodeInfo{FindingCode::UnknownKey, "unknown-key", Severity::Warning,
                    "A key transformers does not know (with did-you-mean)", false},
    FindingCodeInfo{
        FindingCode::IgnoredKey, "ignored-key", Severity::Warning,
        "A key this model type's transformers class never reads (max_sequence_length, another family's key)",
        false},
    FindingCodeInfo{
        FindingCode::VersionDependent, "version-dependent", Severity::Warning,
        "transformers versions read the file differently; the finding says which reading llamascope takes",
        false},
    FindingCodeInfo{FindingCode::CustomCode, "custom-code", Severity::Warning,
                    "auto_map names remote code; llamascope models the built-in transformers class", false},
    FindingCodeInfo{
        FindingCode::QuantizedWeights, "quantized-weights", Severity::Warning,
        "quantization_config: counts are of the unquantised model; forward cannot read the weights", false},
    FindingCodeInfo{FindingCode::LegacyArchitecture, "legacy-architecture", Severity::Warning,
                    "The pre-4.28 class name LLaMAForCausalLM", false},
    FindingCodeInfo{FindingCode::NegativeTokenId, "negative-token-id", Severity::Warning,
                    "A token id of -1 (not a valid embedding row)", false},
    FindingCodeInfo{FindingCode::MissingKey, "missing-key", Severity::Warning,
                    "A shape key is absent, so a default applies", false},
    FindingCodeInfo{
        FindingCode::UnusualValue, "unusual-value", Severity::Warning,
        "A value transformers accepts but that defeats its purpose (a rope_scaling factor below 1)", false},
    FindingCodeInfo{
        FindingCode::WeightsTensors, "weights-tensors", Severity::Warning,
        "The snapshot folder's weights lack tensors the config implies, or hold tensors it has no place for",
        false},
    FindingCodeInfo{FindingCode::WeightsUnreadable, "weights-unreadable", Severity::Warning,
                    "The snapshot folder's weight index or a shard header cannot be read (checked by name "
                    "only, or not at all)",
                    false},
    FindingCodeInfo{FindingCode::HeadDimAlignment, "head-dim-alignment", Severity::Note,
                    "head_dim is not a multiple of 8", false},
    FindingCodeInfo{FindingCode::SizeAlignment, "size-alignment", Severity::Note,
                    "intermediate_size or vocab_size is not a multiple of 64", false},
    FindingCodeInfo{FindingCode::FfnRatio, "ffn-ratio", Severity::Note,
                    "intermediate/hidden is more than 5% from the family's usual ratio", false},
};

constexpr bool inEnumOrder()
{
    for (std::size_t i = 0; i < kCodes.size(); ++i)
        if (static_cast<std::size_t>(kCodes[i].code) != i)
            return false;
    return kCodes.size() == static_cast<std::size_t>(FindingCode::FfnRatio) + 1;
}
static_assert(inEnumOrder(), "kCodes must list every FindingCode once, in enum order (info() indexes it)");

} // namespace

std::span<const FindingCodeInfo> findingCodes()
{
    return kCodes;
}

const FindingCodeInfo& info(FindingCode code)
{
    return kCodes.at(static_cast<std::size_t>(code));
}

std::string_view toString(FindingCode code)
{
    return info(code).name;
}

std::optional<FindingCode> findingCodeFromString(std::string_view name)
{
    for (const FindingCodeInfo& c : kCodes)
        if (c.name == name)
            return c.code;
    return std::nullopt;
}

std::string_view toString(Severity s)
{
    switch (s) {
    case Severity::Note: return "note";
    case Severity::Warning: return "warning";
    case Severity::Error: return "error";
    }
    return "error";
}

std::optional<Severity> severityFromString(std::string_view s)
{
    if (s == "note")
        return Severity::Note;
    if (s == "warning")
        return Severity::Warning;
    if (s == "error")
        return Severity::Error;
    return std::nullopt;
}

std::size_t ValidationReport::count(Severity s) const
{
    std::size_t n = static_cast<std::size_t>(
        std::count_if(findings.begin(), findings.end(), [s](const Finding& f) { return f.severity() == s; }));
    for (const OmittedFindings& o : omitted)
        if (o.severity() == s)
            n += o.count;
    return n;
}

std::size_t ValidationReport::countKnownQuirks(Severity s) const
{
    return static_cast<std::size_t>(std::count_if(findings.begin(), findings.end(), [s](const Finding& f) {
        return f.severity() == s && f.knownQuirk;
    }));
}

std::optional<Severity> ValidationReport::worstUnexplained() const
{
    std::optional<Severity> w;
    for (const Finding& f : findings)
        if (!f.knownQuirk && (!w || f.severity() > *w))
            w = f.severity();
    return w;
}

bool ValidationReport::fails(Severity failAt) const
{
    return std::any_of(findings.begin(), findings.end(),
                       [failAt](const Finding& f) { return f.severity() >= failAt; }) ||
           std::any_of(omitted.begin(), omitted.end(),
                       [failAt](const OmittedFindings& o) { return o.count > 0 && o.severity() >= failAt; });
}

std::optional<Severity> ValidationReport::worst() const
{
    std::optional<Severity> w;
    for (const Finding& f : findings)
        if (!w || f.severity() > *w)
            w = f.severity();
    for (const OmittedFindings& o : omitted)
        if (o.count > 0 && (!w || o.severity() > *w))
            w = o.severity();
    return w;
}

void capRepeatedFindings(ValidationReport& report, std::size_t perCode)
{
    std::map<FindingCode, std::size_t> listed;
    std::map<FindingCode, std::size_t> omittedIndex; // code -> index in report.omitted
    std::vector<Finding> kept;
    kept.reserve(std::min(report.findings.size(), perCode * 32));
    for (Finding& f : report.findings) {
        if (++listed[f.code] <= perCode) {
            kept.push_back(std::move(f));
            continue;
        }
        auto [it, added] = omittedIndex.try_emplace(f.code, report.omitted.size());
        if (added)
            report.omitted.push_back({f.code, 0});
        ++report.omitted[it->second].count;
    }
    report.findings = std::move(kept);
}

std::string describeOmitted(const OmittedFindings& omitted)
{
    return "… and " + formatCount(static_cast<std::int64_t>(omitted.count)) + " more " +
           std::string(toString(omitted.code)) + " " + std::string(toString(omitted.severity())) +
           (omitted.count == 1 ? "" : "s") + " (each code is listed at most " +
           std::to_string(kListedFindingsPerCode) + " times per file)";
}

} // namespace llamascope
