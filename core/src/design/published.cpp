// The published-shapes data set (issue 15; core/data/published_models.md for the sources).
// Parsed from the copy compiled in at build time, so nothing is read from the source tree at
// run time.

#include "llamascope/published.hpp"

#include "llamascope/embedded.hpp"
#include "llamascope/errors.hpp"
#include "llamascope/params.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace llamascope {

/// Generated at build time from core/data/published_models.json (cmake/EmbedFiles.cmake).
std::span<const EmbeddedFile> publishedModelFiles();

namespace {

using json = nlohmann::json;

[[noreturn]] void bad(const std::string& source, const std::string& pointer, const std::string& why)
{
    throw InvalidArgument(source + ": " + pointer + ": " + why);
}

const json& field(const json& e, const char* key, const std::string& source, const std::string& at)
{
    if (!e.contains(key))
        bad(source, at + "/" + key, "missing");
    return e.at(key);
}

std::string text(const json& e, const char* key, const std::string& source, const std::string& at,
                 bool required = true)
{
    if (!required && !e.contains(key))
        return {};
    const json& v = field(e, key, source, at);
    if (!v.is_string())
        bad(source, at + "/" + key, "must be a string");
    return v.get<std::string>();
}

Count count(const json& e, const char* key, const std::string& source, const std::string& at, Count min = 1)
{
    const json& v = field(e, key, source, at);
    if (!v.is_number_integer())
        bad(source, at + "/" + key, "must be an integer");
    const auto x = v.get<long long>();
    if (x < min || x > 100'000'000)
        bad(source, at + "/" + key, "must be in " + std::to_string(min) + "..100000000");
    return static_cast<Count>(x);
}

/// "6.7B" -> (6.7e9, 2); "124.6M" -> (124.6e6, 4); "160M" -> (160e6, 2);
/// "46.7B (12.9B active)" -> (46.7e9, 3).
std::pair<double, int> parseSize(const std::string& s, const std::string& source, const std::string& at)
{
    std::size_t i = 0;
    int digits = 0;
    bool leading = true;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) != 0 || s[i] == '.')) {
        if (s[i] != '.' && !(leading && s[i] == '0')) {
            leading = false;
            ++digits;
        }
        ++i;
    }
    // Trailing zeros of a whole number are not significant: "160M" has 2 digits, "1.0B" 2.
    if (s.substr(0, i).find('.') == std::string::npos)
        for (std::size_t j = i; j > 1 && s[j - 1] == '0' && digits > 1; --j)
            --digits;
    double mult = 0;
    if (i < s.size()) {
        switch (s[i]) {
        case 'M': mult = 1e6; break;
        case 'B': mult = 1e9; break;
        case 'T': mult = 1e12; break;
        default: break;
        }
    }
    if (i == 0 || mult == 0)
        bad(source, at + "/published_params",
            "expected a size such as \"6.7B\" or \"124.6M\", got \"" + s + "\"");
    return {std::stod(s.substr(0, i)) * mult, digits};
}

std::string squash(std::string_view s)
{
    std::string out;
    for (char c : s)
        if (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.')
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

} // namespace

std::optional<ModelType> PublishedModel::modelType() const
{
    if (family == "mobilellm")
        return ModelType::Llama;
    return modelTypes().find(family);
}

std::vector<PublishedModel> parsePublishedModels(std::string_view jsonText, const std::string& source)
{
    json root;
    try {
        root = json::parse(jsonText);
    } catch (const json::parse_error& e) {
        throw InvalidArgument(source + ": not valid JSON (" + e.what() + ")");
    }
    if (!root.is_object() || !root.contains("models") || !root.at("models").is_array())
        bad(source, "/models", "expected an object with a \"models\" array");
    std::vector<PublishedModel> out;
    const json& list = root.at("models");
    for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string at = "/models/" + std::to_string(i);
        const json& e = list.at(i);
        if (!e.is_object())
            bad(source, at, "must be an object");
        PublishedModel m;
        m.name = text(e, "name", source, at);
        for (const PublishedModel& seen : out)
            if (squash(seen.name) == squash(m.name))
                bad(source, at + "/name", "duplicate model \"" + m.name + "\"");
        m.org = text(e, "org", source, at);
        m.family = text(e, "family", source, at);
        m.year = static_cast<int>(count(e, "year", source, at, 1900));
        m.hidden = count(e, "hidden_size", source, at);
        m.layers = count(e, "num_hidden_layers", source, at);
        m.heads = count(e, "num_attention_heads", source, at);
        m.kvHeads = count(e, "num_key_value_heads", source, at);
        m.headDim = count(e, "head_dim", source, at);
        m.intermediate = count(e, "intermediate_size", source, at);
        m.ffnKind = text(e, "ffn_kind", source, at);
        if (m.ffnKind != "swiglu" && m.ffnKind != "geglu" && m.ffnKind != "gelu" && m.ffnKind != "relu")
            bad(source, at + "/ffn_kind", "must be swiglu, geglu, gelu or relu, got \"" + m.ffnKind + "\"");
        m.vocab = count(e, "vocab_size", source, at);
        const json& tied = field(e, "tied_embeddings", source, at);
        if (!tied.is_boolean())
            bad(source, at + "/tied_embeddings", "must be true or false");
        m.tied = tied.get<bool>();
        m.context = count(e, "max_position_embeddings", source, at);
        const json& experts = field(e, "experts", source, at);
        if (experts.is_object()) {
            m.experts = count(experts, "num", source, at + "/experts");
            m.expertsPerToken = count(experts, "top_k", source, at + "/experts");
        } else if (!experts.is_null()) {
            bad(source, at + "/experts", "must be null or {\"num\", \"top_k\"}");
        }
        if (m.kvHeads > m.heads || m.heads % m.kvHeads != 0)
            bad(source, at + "/num_key_value_heads", "must divide num_attention_heads");
        m.publishedParams = text(e, "published_params", source, at);
        std::tie(m.publishedValue, m.publishedDigits) = parseSize(m.publishedParams, source, at);
        m.source = text(e, "source", source, at);
        m.provenance = text(e, "provenance", source, at);
        m.notes = text(e, "notes", source, at, false);
        out.push_back(std::move(m));
    }
    if (out.empty())
        bad(source, "/models", "lists no model");
    return out;
}

std::span<const PublishedModel> publishedModels()
{
    static const std::vector<PublishedModel> models = [] {
        const std::span<const EmbeddedFile> files = publishedModelFiles();
        if (files.empty())
            throw std::logic_error("no published-model data set was compiled in");
        return parsePublishedModels(files.front().text, "<built-in>/published_models.json");
    }();
    return models;
}

const PublishedModel* findPublishedModel(std::string_view name)
{
    const std::string want = squash(name);
    for (const PublishedModel& m : publishedModels())
        if (squash(m.name) == want)
            return &m;
    return nullptr;
}

std::vector<std::string> publishedFamilies()
{
    std::vector<std::string> out;
    for (const PublishedModel& m : publishedModels())
        if (std::find(out.begin(), out.end(), m.family) == out.end())
            out.push_back(m.family);
    return out;
}

std::string describeShape(const PublishedModel& m)
{
    std::string s = std::to_string(m.hidden) + " × " + std::to_string(m.layers);
    if (m.tied)
        s += ", tied";
    if (m.kvHeads == m.heads)
        s += ", " + std::to_string(m.heads) + " heads";
    else
        s += std::string(m.kvHeads == 1 ? ", MQA " : ", GQA ") + std::to_string(m.heads) + "/" +
             std::to_string(m.kvHeads);
    if (m.experts > 0)
        s += ", " + std::to_string(m.experts) + " experts";
    return s;
}

ModelConfig publishedConfig(const PublishedModel& m)
{
    const std::optional<ModelType> type = m.modelType();
    ModelConfig c = ModelConfig::defaults(type.value_or(ModelType::Llama));
    c.name = m.name;
    c.original = nullptr;
    c.hiddenSize = m.hidden;
    c.numHiddenLayers = m.layers;
    c.numAttentionHeads = m.heads;
    c.numKeyValueHeads = m.kvHeads;
    c.headDim = m.headDim;
    c.intermediateSize = m.intermediate;
    c.vocabSize = m.vocab;
    c.tieWordEmbeddings = m.tied;
    c.contextLength = m.context;
    c.contextSource = ContextSource::MaxPositionEmbeddings;
    c.mlp.numExperts = m.experts;
    c.mlp.expertsPerToken = m.expertsPerToken;
    if (!type) {
        // GPT-NeoX, OPT, GPT-3 (GPT-2 style) and Phi-3-small, in LLaMA's pieces.
        c.mlp.gated = m.gated();
        c.hiddenAct = m.ffnKind == "relu" ? "relu" : "gelu";
        const bool gptStyle = m.family == "gptneox" || m.family == "opt" || m.family == "gpt3";
        c.attention.qkvBias = gptStyle;
        c.attention.outputBias = gptStyle;
        c.mlp.bias = gptStyle;
        if (m.family == "opt" || m.family == "gpt3")
            c.positionType = PositionType::Learned;
    }
    return c;
}

Count publishedParameterCount(const PublishedModel& m)
{
    return countParameters(publishedConfig(m)).total;
}

} // namespace llamascope
