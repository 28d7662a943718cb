// The position-recording JSON parser: syntax errors with line:column, limits, numbers.

#include "llamascope/document.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

using namespace llamascope;

namespace {

/// The single finding of a parse (by value: the Document is often a temporary).
Finding only(const Document& d)
{
    EXPECT_EQ(d.findings.size(), 1u);
    return d.findings.empty() ? Finding{} : d.findings.front();
}

} // namespace

TEST(Document, RecordsPositionsByPointer)
{
    const Document d = parseDocument("{\n  \"a\": 1,\n  \"b\": [true, {\"c\": null}]\n}", "x.json");
    ASSERT_TRUE(d.parsed());
    EXPECT_EQ(d.keyPositionOf("/a"), (SourcePos{2, 3}));
    EXPECT_EQ(d.positionOf("/a"), (SourcePos{2, 8}));
    EXPECT_EQ(d.positionOf("/b/1/c"), (SourcePos{3, 21}));
    EXPECT_EQ(d.positionOf("/b/1/missing"), (SourcePos{3, 15})); // falls back to the parent
}

TEST(Document, KeepsKeyOrder)
{
    const Document d = parseDocument(R"({"z": 1, "a": 2, "m": 3})", "x.json");
    EXPECT_EQ(d.root->dump(), R"({"z":1,"a":2,"m":3})");
}

TEST(Document, SyntaxErrorsCarryLineAndColumn)
{
    const Finding f = only(parseDocument("{\n  \"a\": 1\n  \"b\": 2\n}", "x.json"));
    EXPECT_EQ(f.codeName(), "syntax");
    EXPECT_EQ(f.pos, (SourcePos{3, 3}));
    EXPECT_NE(f.message.find("expected ',' or '}'"), std::string::npos);
}

TEST(Document, ColumnsCountCodePoints)
{
    const Finding f = only(parseDocument("{\"é\": x}", "x.json"));
    EXPECT_EQ(f.pos, (SourcePos{1, 7}));
}

TEST(Document, EmptyTruncatedAndGarbage)
{
    EXPECT_EQ(only(parseDocument("", "x")).codeName(), "syntax");
    EXPECT_EQ(only(parseDocument("   \n ", "x")).codeName(), "syntax");
    EXPECT_NE(only(parseDocument("{\"a\": [1, 2", "x")).message.find("truncated"), std::string::npos);
    const std::string garbage("\x89PNG\r\n\x1a\n\0\0\0", 11);
    EXPECT_EQ(only(parseDocument(garbage, "x")).codeName(), "syntax");
    EXPECT_EQ(only(parseDocument("{\"a\": \"\xff\"}", "x")).codeName(), "syntax");
    EXPECT_EQ(only(parseDocument("\xEF\xBB\xBF{}", "x")).codeName(), "syntax");
    EXPECT_EQ(only(parseDocument("{\"a\": NaN}", "x")).codeName(), "syntax");
    EXPECT_EQ(only(parseDocument("{\"a\": 01}", "x")).codeName(), "syntax");
    EXPECT_EQ(only(parseDocument("{\"a\": 1,}", "x")).codeName(), "syntax");
    EXPECT_EQ(only(parseDocument("{} {}", "x")).codeName(), "syntax");
}

TEST(Document, DeepNestingIsAFindingNotACrash)
{
    const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
    const Finding f = only(parseDocument(deep, "x"));
    EXPECT_EQ(f.codeName(), "too-deep");
    EXPECT_EQ(f.pos.line, 1);
}

TEST(Document, OversizedInputIsRefusedBeforeParsing)
{
    ParseLimits limits;
    limits.maxBytes = 10;
    const Finding f = only(parseDocument("{\"hidden_size\": 1}", "x", limits));
    EXPECT_EQ(f.codeName(), "file-too-large");
}

TEST(Document, DuplicateKeysAreReportedAndLastWins)
{
    const Document d = parseDocument("{\"a\": 1,\n \"a\": 2}", "x");
    ASSERT_TRUE(d.parsed());
    const Finding f = only(d);
    EXPECT_EQ(f.codeName(), "duplicate-key");
    EXPECT_EQ(f.pointer, "/a");
    EXPECT_EQ(f.pos, (SourcePos{2, 2}));
    EXPECT_EQ(d.root->at("a").get<int>(), 2);
}

TEST(Document, OutOfRangeNumbersAreFlagged)
{
    const Document d =
        parseDocument(R"({"a": 1e400, "b": 99999999999999999999, "c": -9223372036854775808})", "x");
    ASSERT_TRUE(d.parsed());
    EXPECT_EQ(d.badNumbers.count("/a"), 1u);
    EXPECT_EQ(d.badNumbers.count("/b"), 1u);
    EXPECT_EQ(d.badNumbers.count("/c"), 0u);
}

TEST(Document, StringEscapes)
{
    const Document d = parseDocument(R"({"a": "x\u00e9\ud83d\ude00\n"})", "x");
    ASSERT_TRUE(d.parsed());
    EXPECT_EQ(d.root->at("a").get<std::string>(), "x\xC3\xA9\xF0\x9F\x98\x80\n");
    EXPECT_EQ(only(parseDocument(R"({"a": "\ud83d"})", "x")).codeName(), "syntax");
}

TEST(Document, PointerEscaping)
{
    EXPECT_EQ(escapePointerToken("a/b~c"), "a~1b~0c");
}
