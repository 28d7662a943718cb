// rope_scaling (transformers 4.x) and rope_parameters (transformers 5): which keys each kind
// needs and accepts, following modeling_rope_utils.py's rope_config_validation. Unknown keys
// inside are warned about, as transformers does; a kind that would change the numbers is
// modelled (config.hpp RopeScaling) or refused — never dropped.

#include "validate_detail.hpp"

#include "llamascope/format.hpp"
#include "llamascope/rules.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace llamascope::detail {
namespace {

using ordered_json = nlohmann::ordered_json;

using KindKeys = RopeKindKeys;

std::span<const KindKeys> kindKeys()
{
    return ropeKindKeys();
}

class RopeReader {
public:
    RopeReader(const ordered_json& value, const std::string& ptr, std::string_view key, ModelType type,
               Count rotaryPairs, const Document& doc, FindingSink& sink)
        : v_(value), ptr_(ptr), key_(key), type_(type), pairs_(rotaryPairs), doc_(doc), sink_(sink)
    {
    }

    RopeRead run()
    {
        if (v_.is_null())
            return out_;
        if (!v_.is_object()) {
            error(ptr_, key_ + " must be null or an object, found " + describeValue(v_),
                  "for example {\"rope_type\": \"linear\", \"factor\": 2.0}, or null for plain RoPE");
            return out_;
        }
        if (perLayerType()) {
            sink_.add(
                FindingCode::UnsupportedFeature, ptr_,
                key_ + " gives separate RoPE parameters per layer type; llamascope models one set per model",
                "this form is used by Gemma 3, which llamascope does not read");
            out_.ok = false;
            return out_;
        }
        const std::optional<RopeKind> kind = readKind();
        if (!kind)
            return out_;
        RopeScaling s;
        s.kind = *kind;
        const KindKeys& keys = *std::find_if(kindKeys().begin(), kindKeys().end(),
                                             [&](const KindKeys& k) { return k.kind == *kind; });
        for (std::string_view k : keys.required)
            if (!v_.contains(std::string(k)))
                error(ptr_,
                      key_ + " of kind \"" + std::string(ropeKinds().name(*kind)) + "\" needs \"" +
                          std::string(k) + "\"",
                      requiredHint(*kind));
        for (const auto& [k, value] : v_.items())
            readMember(k, value, keys, s);
        if (!out_.ok)
            return out_;
        checkKind(s);
        if (out_.ok && s.kind != RopeKind::Default)
            out_.scaling = s;
        return out_;
    }

private:
    void error(const std::string& pointer, std::string message, std::string hint)
    {
        sink_.add(FindingCode::BadRopeScaling, pointer, std::move(message), std::move(hint));
        out_.ok = false;
    }

    std::string member(const std::string& k) const { return ptr_ + "/" + escapePointerToken(k); }

    bool perLayerType() const
    {
        if (v_.empty())
            return false;
        for (const auto& [k, value] : v_.items())
            if (!value.is_object() || (k != "full_attention" && k != "sliding_attention"))
                return false;
        return true;
    }

    std::optional<RopeKind> readKind()
    {
        std::optional<std::string> name;
        for (const char* k : {"rope_type", "type"}) {
            if (!v_.contains(k))
                continue;
            const ordered_json& t = v_.at(k);
            if (!t.is_string()) {
                error(member(k), key_ + "." + k + " must be a string, found " + describeValue(t),
                      "allowed: " + ropeKinds().namesText());
                return std::nullopt;
            }
            if (name && *name != t.get<std::string>()) {
                error(member(k),
                      key_ + " says rope_type \"" + *name + "\" and type \"" + t.get<std::string>() + "\"",
                      "keep one of them (rope_type is the current name)");
                return std::nullopt;
            }
            name = t.get<std::string>();
        }
        if (!name) {
            if (v_.contains("factor")) {
                error(ptr_,
                      key_ + " has a factor but no rope_type: transformers treats it as \"default\" and "
                             "ignores the factor",
                      "name the scaling: {\"rope_type\": \"linear\", \"factor\": 2.0}");
                return std::nullopt;
            }
            return RopeKind::Default;
        }
        // Phi3Config maps its legacy names: "su" and "yarn" both mean longrope.
        if (type_ == ModelType::Phi3 && (*name == "su" || *name == "yarn"))
            return RopeKind::LongRope;
        const std::optional<RopeKind> kind = *name == "su" ? std::nullopt : ropeKinds().find(*name);
        if (!kind) {
            const std::string ptr = member(v_.contains("rope_type") ? "rope_type" : "type");
            error(ptr,
                  key_ + " kind \"" + *name + "\" is not one transformers knows for " +
                      std::string(toString(type_)),
                  "allowed: " + ropeKinds().namesText());
        }
        return kind;
    }

    std::optional<double> number(const std::string& k, const ordered_json& value, bool positive)
    {
        const std::string p = member(k);
        if (auto bad = doc_.badNumbers.find(p); bad != doc_.badNumbers.end()) {
            sink_.add(FindingCode::NumberOutOfRange, p, key_ + "." + k + ": " + bad->second, "");
            out_.ok = false;
            return std::nullopt;
        }
        if (!value.is_number() || (positive && value.get<double>() <= 0.0)) {
            error(p,
                  key_ + "." + k + " must be a " + (positive ? "positive " : "") + "number, found " +
                      describeValue(value),
                  "");
            return std::nullopt;
        }
        return value.get<double>();
    }

    std::optional<Count> integer(const std::string& k, const ordered_json& value)
    {
        const std::string p = member(k);
        if (!value.is_number_integer() || value.get<double>() < 1 ||
            (value.is_number_unsigned() &&
             value.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))) {
            error(p, key_ + "." + k + " must be a positive integer, found " + describeValue(value), "");
            return std::nullopt;
        }
        return value.get<Count>();
    }

    std::vector<double> numbers(const std::string& k, const ordered_json& value)
    {
        std::vector<double> out;
        if (!value.is_array()) {
            error(member(k), key_ + "." + k + " must be a list of numbers, found " + describeValue(value),
                  "");
            return out;
        }
        for (std::size_t i = 0; i < value.size(); ++i) {
            if (!value[i].is_number() || doc_.badNumbers.count(member(k) + "/" + std::to_string(i)) != 0) {
                error(member(k) + "/" + std::to_string(i),
                      key_ + "." + k + " entries must be finite numbers, found " + describeValue(value[i]),
                      "");
                return {};
            }
            out.push_back(value[i].get<double>());
        }
        return out;
    }

    void readMember(const std::string& k, const ordered_json& value, const KindKeys& keys, RopeScaling& s)
    {
        if (k == "rope_type" || k == "type")
            return;
        if (key_ == "rope_parameters" && k == "rope_theta") {
            out_.theta = number(k, value, true);
            return;
        }
        if (k == "partial_rotary_factor" && key_ == "rope_parameters") {
            out_.partialRotaryFactor = number(k, value, true);
            return;
        }
        const bool known = std::find(keys.required.begin(), keys.required.end(), k) != keys.required.end() ||
                           std::find(keys.optional.begin(), keys.optional.end(), k) != keys.optional.end();
        if (!known) {
            sink_.add(FindingCode::UnknownKey, member(k),
                      "\"" + k + "\" is not a key of " + key_ + " kind \"" +
                          std::string(ropeKinds().name(s.kind)) + "\"; transformers warns and ignores it",
                      requiredHint(s.kind), FindingSink::At::Key);
            return;
        }
        if (k == "factor") {
            if (auto f = number(k, value, true))
                s.factor = *f;
        } else if (k == "original_max_position_embeddings") {
            s.originalMaxPositionEmbeddings = integer(k, value);
        } else if (k == "attention_factor") {
            s.attentionFactor = number(k, value, true);
        } else if (k == "beta_fast") {
            s.betaFast = number(k, value, true);
        } else if (k == "beta_slow") {
            s.betaSlow = number(k, value, true);
        } else if (k == "mscale") {
            s.mscale = number(k, value, false);
        } else if (k == "mscale_all_dim") {
            s.mscaleAllDim = number(k, value, false);
        } else if (k == "truncate") {
            if (value.is_boolean())
                s.truncate = value.get<bool>();
            else
                error(member(k), key_ + ".truncate must be true or false, found " + describeValue(value), "");
        } else if (k == "low_freq_factor") {
            s.lowFreqFactor = number(k, value, true);
        } else if (k == "high_freq_factor") {
            s.highFreqFactor = number(k, value, true);
        } else if (k == "short_factor") {
            s.shortFactor = numbers(k, value);
        } else if (k == "long_factor") {
            s.longFactor = numbers(k, value);
        }
    }

    void checkKind(const RopeScaling& s)
    {
        if (s.kind != RopeKind::Default && s.kind != RopeKind::LongRope && s.factor < 1.0)
            sink_.add(FindingCode::UnusualValue, member("factor"),
                      key_ + ".factor is " + formatNumber(s.factor) +
                          ", below 1: the scaling shortens the usable context (transformers warns too)",
                      "the factor is the context extension ratio, e.g. 2.0");
        if (s.kind == RopeKind::Llama3 && s.lowFreqFactor && s.highFreqFactor &&
            *s.highFreqFactor <= *s.lowFreqFactor)
            error(member("high_freq_factor"),
                  key_ + ".high_freq_factor " + formatNumber(*s.highFreqFactor) +
                      " must exceed low_freq_factor " + formatNumber(*s.lowFreqFactor) +
                      ": the llama3 formula divides by their difference",
                  "Llama 3.1 uses low_freq_factor 1.0 and high_freq_factor 4.0");
        if (s.kind == RopeKind::LongRope && pairs_ > 0)
            for (const char* k : {"short_factor", "long_factor"}) {
                const std::vector<double>& f =
                    std::string_view(k) == "short_factor" ? s.shortFactor : s.longFactor;
                if (!f.empty() && static_cast<Count>(f.size()) != pairs_)
                    error(member(k),
                          key_ + "." + k + " has " + std::to_string(f.size()) +
                              " entries; longrope needs one per "
                              "rotary pair, " +
                              std::to_string(pairs_),
                          "rotary pairs = head_dim · partial_rotary_factor / 2");
            }
    }

    static std::string requiredHint(RopeKind kind)
    {
        for (const KindKeys& k : kindKeys())
            if (k.kind == kind) {
                std::string keys;
                for (std::string_view r : k.required)
                    keys += (keys.empty() ? "" : ", ") + std::string(r);
                for (std::string_view o : k.optional)
                    keys += (keys.empty() ? "" : ", ") + std::string(o) + " (optional)";
                return keys.empty() ? "this kind takes no parameters"
                                    : "kind \"" + std::string(ropeKinds().name(kind)) + "\" takes: " + keys;
            }
        return "";
    }

    const ordered_json& v_;
    std::string ptr_;
    std::string key_;
    ModelType type_;
    Count pairs_;
    const Document& doc_;
    FindingSink& sink_;
    RopeRead out_;
};

} // namespace

RopeRead readRopeScaling(const ordered_json& value, const std::string& pointer, std::string_view key,
                         ModelType type, Count rotaryPairs, const Document& doc, FindingSink& sink)
{
    return RopeReader(value, pointer, key, type, rotaryPairs, doc, sink).run();
}

} // namespace llamascope::detail
