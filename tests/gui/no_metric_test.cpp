// "No GUI code computes a metric" (issue 5), checked mechanically: in gui/, no arithmetic
// touches a config field or a core result. Numbers reach the screen from core functions
// (analyze, computeFlops, estimateMemory, compareFamily, runForward) and core's formatters;
// the only arithmetic allowed on them is division by a named display unit (kMillion, kGiga,
// kGibibyte) for chart axes. Chart geometry on plain locals (log scales, label positions) is
// not a metric and is not flagged.

// GCC 12 reports a false -Wmaybe-uninitialized inside libstdc++'s <regex> when sanitizers are
// on (std::function in the regex compiler); the code here is not involved.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

/// The source with comments and string/char literals blanked out (line structure kept).
std::string stripCommentsAndStrings(const std::string& text)
{
    std::string out = text;
    enum class State { Code, Line, Block, String, Char } state = State::Code;
    for (std::size_t i = 0; i < out.size(); ++i) {
        const char c = out[i];
        const char next = i + 1 < out.size() ? out[i + 1] : '\0';
        switch (state) {
        case State::Code:
            if (c == '/' && next == '/')
                state = State::Line;
            else if (c == '/' && next == '*')
                state = State::Block;
            else if (c == '"')
                state = State::String;
            else if (c == '\'' && !(i > 0 && std::isxdigit(static_cast<unsigned char>(out[i - 1]))))
                state = State::Char; // not a digit separator (1'048'576)
            else
                continue;
            out[i] = ' ';
            break;
        case State::Line:
            if (c == '\n')
                state = State::Code;
            else
                out[i] = ' ';
            break;
        case State::Block:
            if (c == '*' && next == '/') {
                out[i] = out[i + 1] = ' ';
                ++i;
                state = State::Code;
            } else if (c != '\n') {
                out[i] = ' ';
            }
            break;
        case State::String:
        case State::Char:
            if (c == '\\') {
                out[i] = ' ';
                if (i + 1 < out.size() && out[i + 1] != '\n')
                    out[++i] = ' ';
            } else if ((state == State::String && c == '"') || (state == State::Char && c == '\'')) {
                out[i] = ' ';
                state = State::Code;
            } else if (c != '\n') {
                out[i] = ' ';
            }
            break;
        }
    }
    return out;
}

// Members of ModelConfig, DerivedMetrics, ParameterCounts, FlopConvention, MemoryReport and
// ForwardResult that carry a quantity.
const std::string kFields =
    "hiddenSize|numHiddenLayers|numAttentionHeads|numKeyValueHeads|headDim|intermediateSize|vocabSize|"
    "contextLength|initializerRange|rmsNormEps|ropeTheta|widthPerLayer|ffnRatio|kvGroupSize|attentionWidth|"
    "embedding|lmHead|positionTable|attention|mlp|norms|total|nonEmbedding|tiedEquivalent|layers|finalNorm|"
    "forwardPerToken|forwardPerSequence|trainingPerToken|trainingPerTokenRecompute|perSequence|parameters|"
    "trainableParameters|memoryBytes|weightBytes|activationBytes|streamedBytes|seconds|secondsCompute|"
    "secondsWeights|lnVocab|loss|qProj|kProj|vProj|oProj|gateProj|upProj|downProj|scores|mixing";

struct Violation {
    std::string file;
    int line;
    std::string text;
};

std::vector<Violation> scan(const fs::path& file)
{
    std::ifstream in(file);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string original = ss.str();
    const std::string code = stripCommentsAndStrings(original);
    // field (optionally closed by a cast's parenthesis) then an arithmetic operator, or an
    // arithmetic operator then a member access ending in a field.
    const std::regex after("(?:\\.|->)(?:" + kFields +
                           ")\\b(?:\\(\\))?\\)*\\s*([*/%+]|-(?![->=]))(?![=+])\\s*(\\w*)");
    // A binary operator has an operand on its left (unary * is a dereference, not arithmetic).
    const std::regex before(
        "[\\w)\\]]\\s*(?:[*/"
        "%+]|-)\\s*\\(*\\s*(?:static_cast<\\w+>\\()?[\\w]+(?:(?:\\.|->)\\w+)*(?:\\.|->)(?:" +
        kFields + ")\\b(?!\\()");
    std::vector<Violation> out;
    std::istringstream lines(code), originals(original);
    std::string line, source;
    int number = 0;
    while (std::getline(lines, line) && std::getline(originals, source)) {
        ++number;
        for (auto it = std::sregex_iterator(line.begin(), line.end(), after); it != std::sregex_iterator();
             ++it) {
            const std::string op = (*it)[1];
            const std::string rhs = (*it)[2];
            const bool unit = op == "/" && rhs.size() > 1 && rhs[0] == 'k' &&
                              std::isupper(static_cast<unsigned char>(rhs[1]));
            if (!unit)
                out.push_back({file.filename().string(), number, source});
        }
        if (std::regex_search(line, before))
            out.push_back({file.filename().string(), number, source});
    }
    return out;
}

TEST(NoMetricInGui, NoArithmeticOnConfigFieldsOrCoreResults)
{
    const fs::path root = fs::path(PROJECT_SOURCE_DIR) / "gui";
    ASSERT_TRUE(fs::exists(root));
    std::vector<Violation> all;
    int files = 0;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        const std::string ext = entry.path().extension().string();
        if (ext != ".cpp" && ext != ".hpp")
            continue;
        ++files;
        for (Violation& v : scan(entry.path()))
            all.push_back(std::move(v));
    }
    EXPECT_GT(files, 10);
    for (const Violation& v : all)
        ADD_FAILURE() << v.file << ":" << v.line << ": arithmetic on a config field or core result:\n  "
                      << v.text;
}

TEST(NoMetricInGui, TheCheckCatchesFormulas)
{
    // The scanner itself must see the kinds of formula it exists to forbid.
    const fs::path tmp = fs::temp_directory_path() / "llamascope_no_metric_probe.cpp";
    {
        std::ofstream out(tmp);
        out << "auto a = c.hiddenSize * c.numHiddenLayers;\n"               // 1: flagged
               "auto b = static_cast<double>(a.params.total) / 1e6;\n"      // 2: flagged (not a unit)
               "auto c = static_cast<double>(a.params.total) / kMillion;\n" // 3: allowed
               "auto d = 2 * cfg.intermediateSize;\n"                       // 4: flagged
               "// a comment: c.hiddenSize * 3\n"                           // 5: ignored
               "auto e = QStringLiteral(\"N/L = d/L\");\n"                  // 6: ignored
               "auto f = r->flops.get(x).forwardPerToken + 1;\n";           // 7: flagged
    }
    const std::vector<Violation> found = scan(tmp);
    fs::remove(tmp);
    std::vector<int> lines;
    lines.reserve(found.size());
    for (const Violation& v : found)
        lines.push_back(v.line);
    std::sort(lines.begin(), lines.end());
    lines.erase(std::unique(lines.begin(), lines.end()), lines.end());
    EXPECT_EQ(lines, (std::vector<int>{1, 2, 4, 7}));
}

} // namespace
