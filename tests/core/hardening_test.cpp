// Issue 10 (hardening, round two) at the core level: safe inputs, the output policy, output
// encoding, the findings cap and the linear-time parser. The CLI tests (test_hardening.py)
// run the same rules end to end.

#include "llamascope/document.hpp"
#include "llamascope/errors.hpp"
#include "llamascope/finding.hpp"
#include "llamascope/format.hpp"
#include "llamascope/io.hpp"
#include "llamascope/validate.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace llamascope {
namespace {

namespace fs = std::filesystem;

class Scratch {
public:
    Scratch()
    {
        std::string pattern = (fs::temp_directory_path() / "llamascope-hardening-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr)
            throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~Scratch()
    {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;
    [[nodiscard]] fs::path operator/(const std::string& name) const { return path_ / name; }
    [[nodiscard]] const fs::path& path() const { return path_; }
    [[nodiscard]] std::vector<std::string> names() const
    {
        std::vector<std::string> out;
        for (const auto& e : fs::directory_iterator(path_))
            out.push_back(e.path().filename().string());
        std::sort(out.begin(), out.end());
        return out;
    }

private:
    fs::path path_;
};

void write(const fs::path& path, const std::string& text)
{
    std::ofstream(path, std::ios::binary) << text;
}

std::string read(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string ioMessage(const std::function<void()>& f)
{
    try {
        f();
    } catch (const IoError& e) {
        return e.what();
    }
    return "(no IoError)";
}

// ---- inputs: only regular files, refused before open, in errno's own words ------------------

TEST(SafeInputs, SpecialFilesAreRefusedBeforeOpeningSoNothingBlocks)
{
    Scratch dir;
    ASSERT_EQ(::mkfifo((dir / "f.json").c_str(), 0600), 0);
    // Opening a FIFO with no writer would block forever; the refusal must come first.
    EXPECT_NE(
        ioMessage([&] { InputFile f(dir / "f.json"); }).find("is a FIFO (named pipe), not a regular file"),
        std::string::npos);
    EXPECT_NE(ioMessage([&] { (void)readFileCapped(dir / "f.json", 100); }).find("FIFO"), std::string::npos);
    EXPECT_THROW(classifyPath(dir / "f.json"), IoError);
    EXPECT_NE(ioMessage([&] { InputFile f("/dev/null"); }).find("is a character device, not a regular file"),
              std::string::npos);
    EXPECT_NE(ioMessage([&] { InputFile f(dir.path()); }).find("is a folder, not a file"), std::string::npos);

    const fs::path socketPath = dir / "s.json";
    const int s = ::socket(AF_UNIX, SOCK_STREAM, 0);
    ASSERT_GE(s, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    ASSERT_LT(socketPath.native().size(), sizeof addr.sun_path);
    std::memcpy(addr.sun_path, socketPath.c_str(), socketPath.native().size() + 1);
    ASSERT_EQ(::bind(s, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_NE(ioMessage([&] { InputFile f(socketPath); }).find("is a socket"), std::string::npos);
    ::close(s);
}

TEST(SafeInputs, ErrnoIsReportedInItsOwnWords)
{
    Scratch dir;
    fs::create_symlink("b", dir / "a");
    fs::create_symlink("a", dir / "b");
    EXPECT_NE(ioMessage([&] { (void)classifyPath(dir / "a"); }).find("symlink loop"), std::string::npos);
    EXPECT_NE(ioMessage([&] { InputFile f(dir / std::string(300, 'x')); }).find("name is too long"),
              std::string::npos);
    EXPECT_EQ(classifyPath(dir / "missing.json"), PathKind::Missing);
    EXPECT_NE(ioMessage([&] { InputFile f(dir / "missing.json"); }).find("no such file or folder"),
              std::string::npos);
    // Permission errors cannot be provoked as root; the words are checked directly.
    EXPECT_EQ(describeErrno(EACCES), "permission denied");
    EXPECT_EQ(describeErrno(ELOOP), "too many levels of symbolic links (a symlink loop?)");
    EXPECT_EQ(describeErrno(ENAMETOOLONG), "the name is too long for the file system");
    EXPECT_EQ(describeErrno(ENOENT), "no such file or folder");
}

TEST(SafeInputs, CappedReadReportsTheRealSize)
{
    Scratch dir;
    write(dir / "x", std::string(1000, 'a'));
    const CappedRead r = readFileCapped(dir / "x", 100);
    EXPECT_TRUE(r.truncated);
    EXPECT_EQ(r.bytes.size(), 100u);
    EXPECT_EQ(r.size, 1000u);
    const CappedRead all = readFileCapped(dir / "x", 1000);
    EXPECT_FALSE(all.truncated);
    EXPECT_EQ(all.bytes, std::string(1000, 'a'));
}

// ---- outputs: one policy for every writing command -------------------------------------------

TEST(OutputPolicy, NeverWritesOverAnInputEvenThroughLinksOrWithOverwrite)
{
    Scratch dir;
    write(dir / "weights.safetensors", "precious");
    fs::create_symlink(dir / "weights.safetensors", dir / "sym.npy");
    fs::create_hard_link(dir / "weights.safetensors", dir / "hard.npy");
    const OutputPolicy policy{Overwrite::Allow, {dir / "weights.safetensors"}, {}};
    for (const char* name : {"weights.safetensors", "sym.npy", "hard.npy"}) {
        SCOPED_TRACE(name);
        EXPECT_NE(ioMessage([&] { writeFileAtomic(dir / name, "logits", policy); }).find("destroy the input"),
                  std::string::npos);
    }
    EXPECT_EQ(read(dir / "weights.safetensors"), "precious");
}

TEST(OutputPolicy, RefusesExistingFilesUnlessAllowedAndChecksTheFolderFirst)
{
    Scratch dir;
    write(dir / "out.npy", "old");
    const OutputPolicy refuse{Overwrite::Refuse, {}, "pass --force to overwrite"};
    EXPECT_NE(ioMessage([&] {
                  checkOutputPath(dir / "out.npy", refuse);
              }).find("already exists; not overwritten (pass --force to overwrite)"),
              std::string::npos);
    writeFileAtomic(dir / "out.npy", "new", OutputPolicy{Overwrite::Allow, {}, {}});
    EXPECT_EQ(read(dir / "out.npy"), "new");
    EXPECT_NE(ioMessage([&] {
                  checkOutputPath(dir / "no-such-folder" / "x.npy", refuse);
              }).find("cannot write into folder"),
              std::string::npos);
    EXPECT_NE(ioMessage([&] { checkOutputPath(dir.path(), refuse); }).find("folder"), std::string::npos);
    ASSERT_EQ(::mkfifo((dir / "fifo.npy").c_str(), 0600), 0);
    EXPECT_NE(ioMessage([&] {
                  checkOutputPath(dir / "fifo.npy", OutputPolicy{Overwrite::Allow, {}, {}});
              }).find("not a regular file"),
              std::string::npos);
    EXPECT_EQ(dir.names(), (std::vector<std::string>{"fifo.npy", "out.npy"})); // no probe or temp left
}

TEST(OutputPolicy, PendingOutputLeavesNothingBehindUnlessCommitted)
{
    Scratch dir;
    {
        PendingOutput out(dir / "x.npy", {});
        out.write("half");
        EXPECT_TRUE(fs::exists(out.temporaryPath()));
        EXPECT_EQ(out.temporaryPath().filename().string().rfind(".x.npy.tmp", 0), 0u); // hidden, beside
    }
    EXPECT_TRUE(dir.names().empty());
    {
        PendingOutput out(dir / "y.npy", {});
        out.write("whole");
        out.commit();
    }
    EXPECT_EQ(dir.names(), std::vector<std::string>{"y.npy"});
    EXPECT_EQ(read(dir / "y.npy"), "whole");
    // The target appearing while the output was written is not replaced (link, not rename).
    PendingOutput racing(dir / "z.npy", {});
    write(dir / "z.npy", "someone else's");
    EXPECT_THROW(racing.commit(), IoError);
    EXPECT_EQ(read(dir / "z.npy"), "someone else's");
}

TEST(OutputPolicy, SignalHandlersCanRemoveThePendingTemporary)
{
    Scratch dir;
    PendingOutput out(dir / "x.npy", {});
    ASSERT_TRUE(fs::exists(out.temporaryPath()));
    removePendingOutputs(); // what the CLI's SIGTERM/SIGINT/SIGHUP handlers call
    EXPECT_FALSE(fs::exists(out.temporaryPath()));
}

// ---- output encoding ---------------------------------------------------------------------------

TEST(OutputEncoding, TerminalEscapesEverythingThatActsOnATerminal)
{
    EXPECT_EQ(escapeForTerminal("\x1b[2J\x1b[Hok"), "\\x1b[2J\\x1b[Hok");
    EXPECT_EQ(escapeForTerminal(std::string("a\0b", 3)), "a\\x00b"); // NUL: shown, nothing lost
    EXPECT_EQ(escapeForTerminal("line\nforged\r\t"), "line\\nforged\\r\\t");
    EXPECT_EQ(escapeForTerminal("keep\nlines\t", TerminalText::Block), "keep\nlines\t");
    EXPECT_EQ(escapeForTerminal("cr\r", TerminalText::Block), "cr\\r");
    EXPECT_EQ(escapeForTerminal("\x7f"), "\\x7f");
    EXPECT_EQ(escapeForTerminal("\xc2\x9b"
                                "31m"),
              "\\u009b31m"); // C1 CSI
    EXPECT_EQ(escapeForTerminal("a\xe2\x80\xae"
                                "cba"),
              "a\\u202ecba");                                                     // RIGHT-TO-LEFT OVERRIDE
    EXPECT_EQ(escapeForTerminal("\xe2\x81\xa6x\xe2\x81\xa9"), "\\u2066x\\u2069"); // isolates
    EXPECT_EQ(escapeForTerminal("bad\xff\xc3"), "bad\\xff\\xc3");                 // not UTF-8
    EXPECT_EQ(escapeForTerminal("\xed\xa0\x80"), "\\xed\\xa0\\x80");              // a surrogate
    EXPECT_EQ(escapeForTerminal("8/3 ≈ 2.67 × d — ok ᵀ 😀"), "8/3 ≈ 2.67 × d — ok ᵀ 😀");
    EXPECT_EQ(quoteForMessage("a\nb"), "\"a\\nb\"");
}

TEST(OutputEncoding, Utf8Helpers)
{
    EXPECT_TRUE(isValidUtf8("ascii ≈ 😀"));
    EXPECT_FALSE(isValidUtf8("bad\xff"));
    EXPECT_FALSE(isValidUtf8("\xc0\x80")); // overlong NUL
    EXPECT_EQ(toValidUtf8("bad\xff.json"), "bad\xef\xbf\xbd.json");
    EXPECT_EQ(hexBytes("bad\xff"), "626164ff");
    const std::string s = "x\xe2\x82\xac"; // "x€"
    EXPECT_EQ(completeUtf8Prefix(s), 4u);
    EXPECT_EQ(completeUtf8Prefix(s.substr(0, 3)), 1u); // the euro sign is not complete yet
    EXPECT_EQ(completeUtf8Prefix("a\xff"), 2u);        // an invalid byte never waits
    EXPECT_EQ(escapeInvisibleForJson("{\"k\": \"\xc2\x85\xe2\x80\xae\"}"), "{\"k\": \"\\u0085\\u202e\"}");
}

// ---- findings cap and the linear-time parser ---------------------------------------------------

std::string manyUnknownKeys(int n)
{
    std::string text = R"({"model_type": "llama", "hidden_size": 768)";
    for (int i = 0; i < n; ++i)
        text += ",\"unknown_" + std::to_string(i) + "\": " + std::to_string(i);
    return text + "}";
}

TEST(FindingsCap, TenPerCodeAreListedAndTheRestCounted)
{
    const LoadResult r = loadConfigText(manyUnknownKeys(25), "many.json");
    std::size_t listed = 0;
    for (const Finding& f : r.report.findings)
        listed += f.codeName() == "unknown-key";
    EXPECT_EQ(listed, kListedFindingsPerCode);
    ASSERT_EQ(r.report.omitted.size(), 1u);
    EXPECT_EQ(r.report.omitted[0].codeName(), "unknown-key");
    EXPECT_EQ(r.report.omitted[0].count, 15u);
    // Totals count every finding, listed or not.
    std::size_t warnings = 0;
    for (const Finding& f : r.report.findings)
        warnings += f.severity() == Severity::Warning;
    EXPECT_EQ(r.report.count(Severity::Warning), warnings + 15);
    EXPECT_EQ(describeOmitted(r.report.omitted[0]),
              "… and 15 more unknown-key warnings (each code is listed at most 10 times per file)");
    // The first ten in file order are the ones listed.
    EXPECT_NE(r.report.findings.end(),
              std::find_if(r.report.findings.begin(), r.report.findings.end(),
                           [](const Finding& f) { return f.pointer == "/unknown_0"; }));
}

TEST(FindingsCap, ErrorsBeyondTheCapStillFail)
{
    ValidationReport r;
    for (int i = 0; i < 12; ++i)
        r.findings.push_back({FindingCode::WrongType, "/x", "m", "", {}});
    capRepeatedFindings(r, 0);
    EXPECT_TRUE(r.findings.empty());
    EXPECT_TRUE(r.hasErrors());
    EXPECT_TRUE(r.fails(Severity::Error));
    EXPECT_EQ(r.worst(), Severity::Error);
    EXPECT_EQ(r.count(Severity::Error), 12u);
}

TEST(LinearParse, HundredThousandKeysKeepOrderAndLastValueWins)
{
    // The parser appends members without ordered_json's linear search; the result must be
    // the same document: keys in file order, a duplicate keeps its first place and last value.
    std::string text = "{";
    for (int i = 0; i < 100000; ++i)
        text += (i ? "," : "") + std::string("\"k") + std::to_string(i) + "\":" + std::to_string(i);
    text += ",\"k5\":\"again\"}";
    const Document doc = parseDocument(text, "keys.json", ParseLimits{8u << 20, 256});
    ASSERT_TRUE(doc.parsed());
    const nlohmann::ordered_json& root = *doc.root;
    ASSERT_EQ(root.size(), 100000u);
    auto it = root.begin();
    for (int i = 0; i < 100000; ++i, ++it)
        ASSERT_EQ(it.key(), "k" + std::to_string(i));
    EXPECT_EQ(root.at("k5").get<std::string>(), "again");
    EXPECT_EQ(std::next(root.begin(), 5).key(), "k5");
    ASSERT_EQ(doc.findings.size(), 1u);
    EXPECT_EQ(doc.findings[0].codeName(), "duplicate-key");
    EXPECT_EQ(doc.findings[0].pointer, "/k5");
}

TEST(Encoding, Utf16And32FilesAreNamedWithAConversionHint)
{
    struct Case {
        std::string bytes;
        std::string says;
        std::string iconv;
    };
    const std::vector<Case> cases = {
        {std::string("\xff\xfe{\0}\0", 6), "UTF-16 LE (BOM FF FE)",
         "iconv -f UTF-16 -t UTF-8 c.json > c.json.utf8"},
        {std::string("\xfe\xff\0{\0}", 6), "UTF-16 BE (BOM FE FF)", "iconv -f UTF-16 -t UTF-8"},
        {std::string("\xff\xfe\0\0{\0\0\0", 8), "UTF-32 LE (BOM FF FE 00 00)", "iconv -f UTF-32 -t UTF-8"},
        {std::string("\0\0\xfe\xff\0\0\0{", 8), "UTF-32 BE (BOM 00 00 FE FF)", "iconv -f UTF-32 -t UTF-8"},
        {std::string("{\0\"\0", 4), "UTF-16 LE (no BOM", "iconv -f UTF-16LE -t UTF-8"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.says);
        const LoadResult r = loadConfigText(c.bytes, "dir/c.json");
        ASSERT_EQ(r.report.findings.size(), 1u);
        const Finding& f = r.report.findings[0];
        EXPECT_EQ(f.codeName(), "syntax");
        EXPECT_NE(f.message.find("the file is " + c.says), std::string::npos) << f.message;
        EXPECT_NE(f.hint.find(c.iconv), std::string::npos) << f.hint;
        EXPECT_EQ(f.pos, (SourcePos{1, 1}));
    }
}

// A float where a count belongs gets a hint that quotes the whole number to write, computed
// without converting a value a long long cannot hold (2e56: undefined behaviour, found by the
// fuzz job).
TEST(WrongTypeHints, FloatCountsQuoteTheIntegerOnlyWhenOneExists)
{
    const auto hintFor = [](const std::string& value) {
        const LoadResult r =
            loadConfigText(R"({"model_type": "llama", "hidden_size": )" + value + "}", "c.json");
        for (const Finding& f : r.report.findings)
            if (f.code == FindingCode::WrongType && f.pointer == "/hidden_size")
                return f.hint;
        return std::string("no wrong-type finding");
    };
    EXPECT_EQ(hintFor("4096.0").rfind("write 4096 without the decimal point", 0), 0u) << hintFor("4096.0");
    EXPECT_EQ(hintFor("4096.5"), "a count must be a whole number");
    EXPECT_EQ(hintFor("2e56"),
              "a count must be a whole number below 2^63, written without a decimal point or exponent");
    EXPECT_EQ(hintFor("-9.3e18"), hintFor("2e56"));
}

// The divisor hint for hidden_size % num_attention_heads looks a bounded distance each way
// (the fuzz job timed out on 333,333,333,333,368 heads scanned down one by one).
TEST(HeadsHints, NearestDivisorsAndABoundedSearch)
{
    const auto hintFor = [](const std::string& fields) {
        const LoadResult r = loadConfigText(R"({"model_type": "llama", )" + fields + "}", "c.json");
        for (const Finding& f : r.report.findings)
            if (f.code == FindingCode::HeadsNotDivisible)
                return f.hint;
        return std::string("no heads-not-divisible finding");
    };
    // 4096 = 2^12: 24 heads lies between the divisors 16 and 32.
    EXPECT_EQ(hintFor(R"("hidden_size": 4096, "num_attention_heads": 24)"),
              "nearest head counts that divide 4096: 16 or 32");
    // More heads than width: only the width itself divides from below.
    EXPECT_EQ(hintFor(R"("hidden_size": 4096, "num_attention_heads": 333333333333368)"),
              "nearest head counts that divide 4096: 4096");
    // A prime width far beyond the search: 2,305,843,009,213,693,951 (2^61 − 1) has no divisor
    // within 65,536 above 3; the hint says so instead of scanning.
    EXPECT_EQ(hintFor(R"("hidden_size": 2305843009213693951, "num_attention_heads": 3)"),
              "nearest head counts that divide 2305843009213693951: 1");
    EXPECT_EQ(hintFor(R"("hidden_size": 2305843009213693951, "num_attention_heads": 100000)"),
              "no head count within 65,536 of 100000 divides 2305843009213693951; choose hidden_size and "
              "num_attention_heads together");
}

} // namespace
} // namespace llamascope
