// The validator: severities, codes, pointers, positions, collect-all, and the bundled family.

#include "llamascope/bundled.hpp"
#include "llamascope/rules.hpp"
#include "llamascope/validate.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>

using namespace llamascope;

namespace {

const std::string kGood = R"({
  "architectures": ["LlamaForCausalLM"],
  "hidden_size": 768,
  "intermediate_size": 2048,
  "max_position_embeddings": 1024,
  "model_type": "llama",
  "num_attention_heads": 12,
  "num_hidden_layers": 12,
  "vocab_size": 32000
})";

LoadResult load(const std::string& text)
{
    return loadConfigText(text, "test.json");
}

/// The text of kGood with one key's value replaced by `raw`.
std::string withValue(const std::string& key, const std::string& raw)
{
    nlohmann::ordered_json j = nlohmann::ordered_json::parse(kGood);
    std::string text = j.dump(2);
    const std::string needle = "\"" + key + "\": ";
    auto pos = text.find(needle);
    if (pos == std::string::npos) {
        text.insert(1, "\n  " + needle + raw + ",");
        return text;
    }
    pos += needle.size();
    auto end = text.find_first_of(",\n", pos);
    if (text[end - 1] == ']' || text[pos] == '[')
        end = text.find(']', pos) + 1;
    return text.substr(0, pos) + raw + text.substr(end);
}

std::vector<std::string> codes(const LoadResult& r)
{
    std::vector<std::string> out;
    for (const Finding& f : r.report.findings)
        out.push_back(std::string(f.codeName()));
    return out;
}

const Finding* find(const LoadResult& r, const std::string& code)
{
    for (const Finding& f : r.report.findings)
        if (f.codeName() == code)
            return &f;
    return nullptr;
}

} // namespace

TEST(Validate, CleanModernConfigHasNoFindings)
{
    const LoadResult r = load(kGood);
    EXPECT_TRUE(r.report.findings.empty()) << codes(r).front();
    ASSERT_TRUE(r.config);
    EXPECT_EQ(r.config->headDim, 64);
    EXPECT_EQ(r.config->contextLength, 1024);
    EXPECT_EQ(r.config->name, "test");
}

TEST(Validate, BundledFamilyHasOnlyWarningsAndNotes)
{
    const auto family = loadBundledFamily();
    ASSERT_EQ(family.size(), 16u);
    for (const LoadResult& r : family) {
        EXPECT_FALSE(r.report.hasErrors()) << r.report.source;
        EXPECT_TRUE(r.report.fails(Severity::Warning)) << r.report.source; // legacy class, pad -1, ...
        EXPECT_TRUE(r.config) << r.report.source;
        EXPECT_NE(find(r, "legacy-architecture"), nullptr);
        EXPECT_NE(find(r, "negative-token-id"), nullptr);
        EXPECT_NE(find(r, "ignored-key"), nullptr);
    }
}

TEST(Validate, BundledNotesNameTheKnownQuirks)
{
    auto notes = [](std::string_view name) { return codes(*loadBundled(name)); };
    auto has = [](const std::vector<std::string>& v, const std::string& c) {
        return std::find(v.begin(), v.end(), c) != v.end();
    };
    EXPECT_TRUE(has(notes("llama_40m"), "head-dim-alignment")); // 416/8 = 52
    EXPECT_TRUE(has(notes("llama_40m"), "ffn-ratio"));          // 2.46
    EXPECT_TRUE(has(notes("llama_250m"), "ffn-ratio"));         // 3.33
    EXPECT_TRUE(has(notes("llama_1b"), "size-alignment"));      // 5461
    EXPECT_TRUE(has(notes("llama_100m"), "size-alignment"));    // 32100
    EXPECT_FALSE(has(notes("llama_130m"), "ffn-ratio"));
}

TEST(Validate, MaxSequenceLengthWarnsAndIsUsed)
{
    const LoadResult r = *loadBundled("llama_60m");
    const Finding* f = find(r, "ignored-key");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->pointer, "/max_sequence_length");
    EXPECT_NE(f->message.find("2048"), std::string::npos);
    EXPECT_EQ(r.config->contextLength, 1024);
    EXPECT_EQ(r.config->contextSource, ContextSource::MaxSequenceLength);
}

struct BadCase {
    std::string key;
    std::string raw;
    std::string code;
    std::string pointer;
};

class BadValue : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadValue, IsAnErrorAtItsPointer)
{
    const BadCase& c = GetParam();
    const LoadResult r = load(withValue(c.key, c.raw));
    const Finding* f = find(r, c.code);
    ASSERT_NE(f, nullptr) << c.key << "=" << c.raw << " gave "
                          << (codes(r).empty() ? "nothing" : codes(r).front());
    EXPECT_EQ(f->severity(), Severity::Error);
    EXPECT_EQ(f->pointer, c.pointer);
    EXPECT_TRUE(f->pos.known() || c.pointer.empty()) << c.key;
    EXPECT_FALSE(r.config.has_value());
}

INSTANTIATE_TEST_SUITE_P(
    Fields, BadValue,
    ::testing::Values(BadCase{"hidden_size", "\"768\"", "wrong-type", "/hidden_size"},
                      BadCase{"hidden_size", "768.5", "wrong-type", "/hidden_size"},
                      BadCase{"hidden_size", "768.0", "wrong-type", "/hidden_size"},
                      BadCase{"num_hidden_layers", "true", "wrong-type", "/num_hidden_layers"},
                      BadCase{"hidden_size", "0", "not-positive", "/hidden_size"},
                      BadCase{"vocab_size", "-5", "not-positive", "/vocab_size"},
                      BadCase{"hidden_size", "1e400", "number-out-of-range", "/hidden_size"},
                      BadCase{"hidden_size", "99999999999999999999", "number-out-of-range", "/hidden_size"},
                      BadCase{"num_attention_heads", "7", "heads-not-divisible", "/num_attention_heads"},
                      BadCase{"num_key_value_heads", "5", "kv-heads-not-divisible", "/num_key_value_heads"},
                      BadCase{"head_dim", "33", "odd-head-dim", "/head_dim"},
                      BadCase{"position_embedding_type", "\"alibi\"", "unknown-value",
                              "/position_embedding_type"},
                      BadCase{"hidden_act", "\"swiglu\"", "unknown-value", "/hidden_act"},
                      BadCase{"rms_norm_eps", "0", "not-positive", "/rms_norm_eps"},
                      BadCase{"rms_norm_eps", "-1e-6", "not-positive", "/rms_norm_eps"},
                      BadCase{"initializer_range", "1e400", "number-out-of-range", "/initializer_range"},
                      BadCase{"rope_theta", "0", "not-positive", "/rope_theta"},
                      BadCase{"rope_scaling", "2.0", "bad-rope-scaling", "/rope_scaling"},
                      BadCase{"rope_scaling", "{\"factor\": 2.0}", "bad-rope-scaling", "/rope_scaling"},
                      BadCase{"rope_scaling", "{\"type\": \"linear\", \"factor\": -1}", "bad-rope-scaling",
                              "/rope_scaling/factor"},
                      BadCase{"rope_scaling", "{\"type\": \"stretchy\", \"factor\": 2}", "bad-rope-scaling",
                              "/rope_scaling/type"},
                      BadCase{"bos_token_id", "32000", "token-id-vocab", "/bos_token_id"},
                      BadCase{"eos_token_id", "[1, 40000]", "token-id-vocab", "/eos_token_id/1"},
                      BadCase{"pad_token_id", "-2", "token-id-range", "/pad_token_id"},
                      BadCase{"model_type", "\"gpt2\"", "unsupported-model-type", "/model_type"},
                      BadCase{"hidden_size", "3000000000000", "count-overflow", "/hidden_size"},
                      BadCase{"attention_dropout", "1.5", "out-of-range", "/attention_dropout"},
                      BadCase{"architectures", "[1]", "wrong-type", "/architectures/0"}),
    [](const ::testing::TestParamInfo<BadCase>& param) {
        std::string name = std::to_string(param.index) + "_" + param.param.key + "_" + param.param.code;
        std::replace_if(
            name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); },
            '_');
        return name;
    });

TEST(Validate, CollectsEveryFindingInFileOrder)
{
    const LoadResult r = load(R"({
  "hidden_size": "768",
  "num_hidden_layers": 0,
  "num_attention_head": 12,
  "rms_norm_eps": -1
})");
    const auto c = codes(r);
    ASSERT_GE(c.size(), 4u);
    EXPECT_EQ(c[0], "wrong-type");
    EXPECT_EQ(c[1], "not-positive");
    EXPECT_EQ(c[2], "unknown-key");
    EXPECT_EQ(c[3], "not-positive");
    EXPECT_EQ(r.report.findings[2].hint, "did you mean \"num_attention_heads\"?");
    EXPECT_EQ(r.report.findings[2].pos, (SourcePos{4, 3}));
}

TEST(Validate, MissingShapeKeysStateTheDefault)
{
    const LoadResult r = load(R"({"model_type": "llama", "hidden_size": 512, "num_attention_heads": 8})");
    ASSERT_TRUE(r.config);
    const Finding* f = find(r, "missing-key");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->severity(), Severity::Warning);
    bool sawVocab = false;
    for (const Finding& x : r.report.findings)
        if (x.pointer == "/vocab_size") {
            sawVocab = true;
            EXPECT_NE(x.message.find("32000"), std::string::npos);
        }
    EXPECT_TRUE(sawVocab);
    EXPECT_EQ(r.config->vocabSize, 32000);
}

TEST(Validate, RootMustBeAnObject)
{
    EXPECT_EQ(codes(load("[1, 2]")), std::vector<std::string>{"root-not-object"});
    EXPECT_EQ(codes(load("42")), std::vector<std::string>{"root-not-object"});
}

TEST(Validate, MistralIsAcceptedAndGqaResolved)
{
    const LoadResult r =
        load(withValue("model_type", "\"mistral\"").insert(1, "\"num_key_value_heads\": 4,"));
    ASSERT_TRUE(r.config) << codes(r).front();
    EXPECT_EQ(r.config->numKeyValueHeads, 4);
}

TEST(Validate, TheCatalogueHasOneRowPerCodeInEnumOrder)
{
    // info(code) indexes the catalogue by the enum's value; names are unique and read back.
    std::set<std::string_view> names;
    for (std::size_t i = 0; i < findingCodes().size(); ++i) {
        const FindingCodeInfo& c = findingCodes()[i];
        EXPECT_EQ(static_cast<std::size_t>(c.code), i) << c.name;
        EXPECT_TRUE(names.insert(c.name).second) << c.name;
        EXPECT_EQ(findingCodeFromString(c.name), c.code);
        EXPECT_FALSE(c.summary.empty()) << c.name;
    }
    EXPECT_EQ(findingCodes().size(), static_cast<std::size_t>(FindingCode::FfnRatio) + 1);
    EXPECT_EQ(findingCodeFromString("no-such-code"), std::nullopt);
    // A finding's severity is its code's: a rope factor below 1 is a warning of its own code.
    const LoadResult r = load(withValue("rope_scaling", R"({"rope_type": "linear", "factor": 0.5})"));
    ASSERT_FALSE(r.report.findings.empty());
    bool seen = false;
    for (const Finding& f : r.report.findings)
        if (f.code == FindingCode::UnusualValue) {
            seen = true;
            EXPECT_EQ(f.severity(), Severity::Warning);
        }
    EXPECT_TRUE(seen);
}

TEST(Validate, RoundTripKeepsOrderAndUnknownKeys)
{
    const std::string text = R"({
  "zeta_custom": {"x": [1, 2]},
  "hidden_size": 768,
  "num_attention_heads": 12,
  "model_type": "llama"
})";
    LoadResult r = load(text);
    ASSERT_TRUE(r.config);
    EXPECT_EQ(toHfJson(*r.config).dump(), nlohmann::ordered_json::parse(text).dump());
    r.config->hiddenSize = 1536;
    const auto j = toHfJson(*r.config);
    EXPECT_EQ(j.begin().key(), "zeta_custom");
    EXPECT_EQ(j.at("hidden_size").get<int>(), 1536);
}

TEST(Validate, CanonicalFormIsStrictClean)
{
    ModelConfig c = ModelConfig::withShape(1024, 16, 16, 2816);
    c.name = "designed";
    const ValidationReport r = validateConfig(c);
    EXPECT_TRUE(r.findings.empty()) << r.findings.front().codeName() << ": " << r.findings.front().message;
}
