#pragma once
// Published decoder shapes (issue 15): the cited data set core/data/published_models.json
// (sources in core/data/published_models.md), compiled into the library at build time. It
// feeds the designer's shape prior ("shapes people release at this size"), the nearest
// published neighbour every candidate names, and `report`'s "where this config sits".

#include "llamascope/config.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace llamascope {

/// One released model, as its source prints it. Nothing here is computed.
struct PublishedModel {
    std::string name;   ///< "Qwen2.5-0.5B"
    std::string org;    ///< "Alibaba"
    std::string family; ///< the data set's family key: "llama", "qwen2", "gpt3", "mobilellm", ...
    int year = 0;
    Count hidden = 0;       ///< d
    Count layers = 0;       ///< L
    Count heads = 0;        ///< H
    Count kvHeads = 0;      ///< K
    Count headDim = 0;      ///< h (may differ from d / H: Mistral-NeMo, Gemma-7B, GPT-3 XL)
    Count intermediate = 0; ///< f (per expert for a mixture of experts)
    std::string ffnKind;    ///< "swiglu", "geglu" (gated) or "gelu", "relu" (not gated)
    Count vocab = 0;
    bool tied = false;
    Count context = 0;
    Count experts = 0;           ///< 0: dense
    Count expertsPerToken = 0;   ///< top-k, for a mixture of experts
    std::string publishedParams; ///< as printed: "6.7B", "46.7B (12.9B active)", "124.6M"
    /// publishedParams' leading number in parameters (6.7e9), and how many significant digits
    /// it was printed with (2), so a check can allow for the source's rounding.
    double publishedValue = 0;
    int publishedDigits = 0;
    std::string source;
    std::string provenance; ///< "config" or "paper"
    std::string notes;

    [[nodiscard]] bool gated() const { return ffnKind == "swiglu" || ffnKind == "geglu"; }
    [[nodiscard]] double widthPerLayer() const
    {
        return static_cast<double>(hidden) / static_cast<double>(layers);
    }
    /// Which of the nine model types reads this shape (the data set's "mobilellm" is a LLaMA;
    /// "gptneox", "opt", "gpt3", "phi3small" are none of them).
    [[nodiscard]] std::optional<ModelType> modelType() const;
};

/// The compiled-in data set, in file order. Parsed once; throws std::logic_error if the
/// embedded copy does not parse (a build defect, caught by the tests).
std::span<const PublishedModel> publishedModels();

/// Parses a data set in published_models.json's format. Throws InvalidArgument naming
/// `source` and the JSON pointer of the first bad field.
std::vector<PublishedModel> parsePublishedModels(std::string_view jsonText, const std::string& source);

/// The model named `name` (case- and punctuation-insensitive: "qwen2.5-0.5b"), or nullptr.
const PublishedModel* findPublishedModel(std::string_view name);

/// The data set's family keys, in first-appearance order ("llama", "mistral", ...).
std::vector<std::string> publishedFamilies();

/// "896 × 24, tied, GQA 14/2" (MHA: "32 heads"; MQA: "MQA 8/1").
std::string describeShape(const PublishedModel& m);

/// A ModelConfig with this shape. Families the nine model types read use their own row of
/// defaults and traits (ModelConfig::defaults); the others are expressed with LLaMA's
/// pieces so their parameters count the same matrices: a non-gated MLP (two d×f matrices)
/// for GELU/ReLU models, a learned position table for OPT and GPT-3, biases where the
/// source models have them. Norm biases (LayerNorm's β, d per norm) are not modelled, so
/// those counts are low by 2d per norm, < 0.01 % at every size in the data set.
ModelConfig publishedConfig(const PublishedModel& m);

/// Exact parameter count of publishedConfig(m) (countParameters().total).
Count publishedParameterCount(const PublishedModel& m);

} // namespace llamascope
