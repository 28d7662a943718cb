// Strict RFC 8259 parser that records positions; see document.hpp for why it exists.

#include "llamascope/document.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <unordered_map>
#include <vector>

namespace llamascope {
namespace {

using ordered_json = nlohmann::ordered_json;

// Positions are recorded only near the top of the document and only for so many values:
// that is all a config needs, and it keeps a pathological 4 MiB array from building a
// multi-hundred-megabyte position map.
constexpr int kMaxRecordedDepth = 4;
constexpr std::size_t kMaxRecordedPositions = 1u << 16;

std::string describeByte(unsigned char c)
{
    if (c >= 0x20 && c < 0x7f)
        return std::string("'") + static_cast<char>(c) + "'";
    std::ostringstream os;
    os << "byte 0x" << std::hex << static_cast<int>(c);
    return os.str();
}

class Parser {
public:
    Parser(std::string_view text, Document& doc, const ParseLimits& limits)
        : text_(text), doc_(doc), limits_(limits)
    {
    }

    ordered_json parseRoot()
    {
        if (wrongEncoding())
            return {};
        skipWhitespace();
        if (atEnd()) {
            fail("the file is empty; a config is a JSON object such as {\"hidden_size\": 768}");
            return {};
        }
        ordered_json value = parseValue(0);
        if (failed_)
            return {};
        skipWhitespace();
        if (!atEnd())
            fail("unexpected " + describeByte(peek()) + " after the end of the JSON value");
        return value;
    }

    [[nodiscard]] bool failed() const { return failed_; }

    // UTF-16 and UTF-32 files (Windows editors and PowerShell's `>` write them) would otherwise
    // get "unexpected byte 0xff": name the encoding and how to convert. By byte-order mark, or
    // without one by the NUL bytes an ASCII '{' gets in UTF-16/32.
    bool wrongEncoding()
    {
        struct Encoding {
            std::string_view prefix;
            const char* name;
            const char* iconvName;
            const char* how;
        };
        static constexpr Encoding kEncodings[] = {
            {std::string_view("\xFF\xFE\x00\x00", 4), "UTF-32 LE", "UTF-32", "BOM FF FE 00 00"},
            {std::string_view("\x00\x00\xFE\xFF", 4), "UTF-32 BE", "UTF-32", "BOM 00 00 FE FF"},
            {std::string_view("\xFF\xFE", 2), "UTF-16 LE", "UTF-16", "BOM FF FE"},
            {std::string_view("\xFE\xFF", 2), "UTF-16 BE", "UTF-16", "BOM FE FF"},
            {std::string_view("{\x00\x00\x00", 4), "UTF-32 LE", "UTF-32LE",
             "no BOM; '{' followed by NUL bytes"},
            {std::string_view("\x00\x00\x00{", 4), "UTF-32 BE", "UTF-32BE", "no BOM; NUL bytes before '{'"},
            {std::string_view("{\x00", 2), "UTF-16 LE", "UTF-16LE", "no BOM; '{' followed by a NUL byte"},
            {std::string_view("\x00{", 2), "UTF-16 BE", "UTF-16BE", "no BOM; a NUL byte before '{'"},
        };
        for (const Encoding& e : kEncodings) {
            if (!text_.starts_with(e.prefix))
                continue;
            failed_ = true;
            const std::string file = doc_.source.empty() ? std::string("FILE") : sourceFileName();
            std::string message = "the file is ";
            message.append(e.name).append(" (").append(e.how).append(
                "), not UTF-8; JSON config files must be UTF-8");
            std::string hint = "convert it to UTF-8, e.g. iconv -f ";
            hint.append(e.iconvName)
                .append(" -t UTF-8 ")
                .append(file)
                .append(" > ")
                .append(file)
                .append(".utf8");
            doc_.findings.push_back({FindingCode::Syntax, "", std::move(message), std::move(hint), {1, 1}});
            return true;
        }
        return false;
    }

    std::string sourceFileName() const
    {
        const std::string& s = doc_.source;
        const auto slash = s.find_last_of('/');
        return slash == std::string::npos ? s : s.substr(slash + 1);
    }

private:
    [[nodiscard]] bool atEnd() const { return i_ >= text_.size(); }
    [[nodiscard]] unsigned char peek() const { return static_cast<unsigned char>(text_[i_]); }
    [[nodiscard]] SourcePos here() const { return {line_, column_ + 1}; }

    void advance()
    {
        const unsigned char c = peek();
        ++i_;
        if (c == '\n') {
            ++line_;
            column_ = 0;
        } else if ((c & 0xC0) != 0x80) {
            ++column_; // count code points, not bytes
        }
    }

    void skipWhitespace()
    {
        while (!atEnd()) {
            const unsigned char c = peek();
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
                return;
            advance();
        }
    }

    std::string pointer() const
    {
        std::string p;
        for (const auto& token : path_) {
            p += '/';
            p += token;
        }
        return p;
    }

    void fail(const std::string& message, std::string hint = {})
    {
        if (failed_)
            return;
        failed_ = true;
        if (hint.empty())
            hint = "fix the JSON syntax; a JSON linter (python3 -m json.tool FILE) shows the same spot";
        doc_.findings.push_back({FindingCode::Syntax, pointer(), message, hint, here()});
    }

    void record(std::map<std::string, SourcePos>& map, SourcePos pos)
    {
        if (static_cast<int>(path_.size()) > kMaxRecordedDepth || recorded_ >= kMaxRecordedPositions)
            return;
        ++recorded_;
        map.emplace(pointer(), pos);
    }

    ordered_json parseValue(int depth)
    {
        skipWhitespace();
        if (atEnd()) {
            fail("the file ends where a value was expected (is it truncated?)");
            return {};
        }
        record(doc_.valuePos, here());
        const unsigned char c = peek();
        switch (c) {
        case '{': return parseObject(depth + 1);
        case '[': return parseArray(depth + 1);
        case '"': {
            std::string s;
            if (!parseString(s))
                return {};
            return ordered_json(std::move(s));
        }
        case 't': return parseLiteral("true", ordered_json(true));
        case 'f': return parseLiteral("false", ordered_json(false));
        case 'n': return parseLiteral("null", ordered_json(nullptr));
        default:
            if (c == '-' || (c >= '0' && c <= '9'))
                return parseNumber();
            if (c == 'N' || c == 'I')
                fail("NaN and Infinity are not JSON numbers",
                     "write a finite number; JSON has no NaN or Infinity");
            else if (c == 0xEF && text_.substr(i_, 3) == "\xEF\xBB\xBF")
                fail("the file starts with a UTF-8 byte-order mark, which Python's json module "
                     "(and so transformers) rejects",
                     "save the file as UTF-8 without BOM");
            else
                fail("unexpected " + describeByte(c) + " where a value was expected");
            return {};
        }
    }

    ordered_json parseLiteral(std::string_view word, ordered_json value)
    {
        if (text_.substr(i_, word.size()) != word) {
            fail("unexpected " + describeByte(peek()) + " where a value was expected");
            return {};
        }
        for (std::size_t k = 0; k < word.size(); ++k)
            advance();
        return value;
    }

    bool checkDepth(int depth)
    {
        if (depth <= limits_.maxDepth)
            return true;
        failed_ = true;
        doc_.findings.push_back({FindingCode::TooDeep, pointer(),
                                 "nesting is deeper than " + std::to_string(limits_.maxDepth) +
                                     " levels; a model config is at most a few levels deep",
                                 "this is not a model config; check that you passed the right file", here()});
        return false;
    }

    ordered_json parseObject(int depth)
    {
        if (!checkDepth(depth))
            return {};
        advance(); // '{'
        ordered_json object = ordered_json::object();
        // ordered_json's own insert searches the object linearly (ordered_map is a vector), so
        // n keys cost O(n²): 426k keys took minutes. Members are appended to the vector
        // directly and found again through this hash index, O(1) per key.
        auto& members =
            static_cast<ordered_json::object_t::Container&>(object.get_ref<ordered_json::object_t&>());
        std::unordered_map<std::string, std::pair<std::size_t, SourcePos>> seen;
        skipWhitespace();
        if (!atEnd() && peek() == '}') {
            advance();
            return object;
        }
        while (true) {
            skipWhitespace();
            if (atEnd()) {
                fail("the file ends inside an object (is it truncated?)");
                return {};
            }
            if (peek() != '"') {
                fail("expected a quoted key, found " + describeByte(peek()),
                     peek() == '}' ? "remove the trailing comma before '}'" : std::string());
                return {};
            }
            const SourcePos keyPos = here();
            std::string key;
            if (!parseString(key))
                return {};
            path_.push_back(escapePointerToken(key));
            record(doc_.keyPos, keyPos);
            const auto [it, inserted] = seen.try_emplace(key, members.size(), keyPos);
            if (!inserted) {
                doc_.findings.push_back({FindingCode::DuplicateKey, pointer(),
                                         "key \"" + key + "\" appears more than once (first at line " +
                                             std::to_string(it->second.second.line) + ", column " +
                                             std::to_string(it->second.second.column) +
                                             "); Python's json keeps the last value silently",
                                         "delete one of the two entries so the file says one thing", keyPos});
                doc_.valuePos.erase(pointer());
            }
            skipWhitespace();
            if (atEnd() || peek() != ':') {
                fail(atEnd() ? "the file ends after a key (is it truncated?)"
                             : "expected ':' after key \"" + key + "\", found " + describeByte(peek()));
                return {};
            }
            advance();
            ordered_json value = parseValue(depth);
            if (failed_)
                return {};
            if (inserted)
                members.emplace_back(key, std::move(value));
            else
                members[it->second.first].second = std::move(value); // last one wins, like Python
            path_.pop_back();
            skipWhitespace();
            if (atEnd()) {
                fail("the file ends inside an object (is it truncated?)");
                return {};
            }
            if (peek() == ',') {
                advance();
                continue;
            }
            if (peek() == '}') {
                advance();
                return object;
            }
            path_.push_back(escapePointerToken(key)); // point at the member the comma should follow
            fail("expected ',' or '}' after the value of \"" + key + "\", found " + describeByte(peek()),
                 "a comma is probably missing at the end of the previous line");
            return {};
        }
    }

    ordered_json parseArray(int depth)
    {
        if (!checkDepth(depth))
            return {};
        advance(); // '['
        ordered_json array = ordered_json::array();
        skipWhitespace();
        if (!atEnd() && peek() == ']') {
            advance();
            return array;
        }
        for (std::size_t index = 0;; ++index) {
            path_.push_back(std::to_string(index));
            ordered_json value = parseValue(depth);
            if (failed_)
                return {};
            array.push_back(std::move(value));
            path_.pop_back();
            skipWhitespace();
            if (atEnd()) {
                fail("the file ends inside an array (is it truncated?)");
                return {};
            }
            if (peek() == ',') {
                advance();
                skipWhitespace();
                if (!atEnd() && peek() == ']') {
                    fail("trailing comma before ']'", "remove the comma after the last element");
                    return {};
                }
                continue;
            }
            if (peek() == ']') {
                advance();
                return array;
            }
            fail("expected ',' or ']' in an array, found " + describeByte(peek()));
            return {};
        }
    }

    static void appendUtf8(std::string& out, std::uint32_t cp)
    {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }

    bool parseHex4(std::uint32_t& value)
    {
        value = 0;
        for (int k = 0; k < 4; ++k) {
            if (atEnd()) {
                fail("the file ends inside a \\u escape");
                return false;
            }
            const unsigned char c = peek();
            std::uint32_t digit = 0;
            if (c >= '0' && c <= '9')
                digit = c - '0';
            else if (c >= 'a' && c <= 'f')
                digit = c - 'a' + 10u;
            else if (c >= 'A' && c <= 'F')
                digit = c - 'A' + 10u;
            else {
                fail("invalid hex digit " + describeByte(c) + " in a \\u escape");
                return false;
            }
            value = value * 16 + digit;
            advance();
        }
        return true;
    }

    // Validates one raw UTF-8 sequence starting at the current byte and appends it.
    bool copyUtf8Sequence(std::string& out)
    {
        const unsigned char lead = peek();
        int extra = 0;
        std::uint32_t cp = 0;
        if (lead >= 0xC2 && lead <= 0xDF) {
            extra = 1;
            cp = lead & 0x1Fu;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            extra = 2;
            cp = lead & 0x0Fu;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            extra = 3;
            cp = lead & 0x07u;
        } else {
            fail("invalid UTF-8 (" + describeByte(lead) + ") inside a string",
                 "config files must be UTF-8 text; is this a binary file?");
            return false;
        }
        if (i_ + static_cast<std::size_t>(extra) >= text_.size()) {
            fail("the file ends inside a UTF-8 sequence");
            return false;
        }
        for (int k = 1; k <= extra; ++k) {
            const auto c = static_cast<unsigned char>(text_[i_ + static_cast<std::size_t>(k)]);
            if ((c & 0xC0) != 0x80) {
                fail("invalid UTF-8 (" + describeByte(lead) + ") inside a string",
                     "config files must be UTF-8 text; is this a binary file?");
                return false;
            }
            cp = (cp << 6) | (c & 0x3Fu);
        }
        const bool overlong = (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000);
        if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            fail("invalid UTF-8 (overlong or surrogate encoding) inside a string");
            return false;
        }
        for (int k = 0; k <= extra; ++k) {
            out += static_cast<char>(peek());
            advance();
        }
        return true;
    }

    bool parseString(std::string& out)
    {
        advance(); // opening quote
        while (true) {
            if (atEnd()) {
                fail("the file ends inside a string (missing closing quote?)");
                return false;
            }
            const unsigned char c = peek();
            if (c == '"') {
                advance();
                return true;
            }
            if (c < 0x20) {
                fail("raw control character " + describeByte(c) + " inside a string",
                     c == '\n' ? "a closing quote is probably missing on this line"
                               : "escape it (\\n, \\t, \\u00XX)");
                return false;
            }
            if (c == '\\') {
                advance();
                if (atEnd()) {
                    fail("the file ends inside a string escape");
                    return false;
                }
                const unsigned char e = peek();
                advance();
                switch (e) {
                case '"': out += '"'; break;
                case '\\': out += '\\'; break;
                case '/': out += '/'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'n': out += '\n'; break;
                case 'r': out += '\r'; break;
                case 't': out += '\t'; break;
                case 'u': {
                    std::uint32_t cp = 0;
                    if (!parseHex4(cp))
                        return false;
                    if (cp >= 0xD800 && cp <= 0xDBFF) {
                        std::uint32_t low = 0;
                        if (text_.substr(i_, 2) != "\\u") {
                            fail("unpaired UTF-16 surrogate in a \\u escape");
                            return false;
                        }
                        advance();
                        advance();
                        if (!parseHex4(low))
                            return false;
                        if (low < 0xDC00 || low > 0xDFFF) {
                            fail("unpaired UTF-16 surrogate in a \\u escape");
                            return false;
                        }
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                        fail("unpaired UTF-16 surrogate in a \\u escape");
                        return false;
                    }
                    appendUtf8(out, cp);
                    break;
                }
                default:
                    fail("invalid escape \\" + std::string(1, static_cast<char>(e)) + " in a string");
                    return false;
                }
                continue;
            }
            if (c < 0x80) {
                out += static_cast<char>(c);
                advance();
                continue;
            }
            if (!copyUtf8Sequence(out))
                return false;
        }
    }

    ordered_json parseNumber()
    {
        const std::size_t start = i_;
        bool isInteger = true;
        if (peek() == '-')
            advance();
        if (atEnd() || !(peek() >= '0' && peek() <= '9')) {
            fail("a number needs digits after '-'");
            return {};
        }
        if (peek() == '0') {
            advance();
            if (!atEnd() && peek() >= '0' && peek() <= '9') {
                fail("numbers may not have leading zeros", "write 7, not 07");
                return {};
            }
        } else {
            while (!atEnd() && peek() >= '0' && peek() <= '9')
                advance();
        }
        if (!atEnd() && peek() == '.') {
            isInteger = false;
            advance();
            if (atEnd() || !(peek() >= '0' && peek() <= '9')) {
                fail("a number needs digits after the decimal point", "write 1.0, not 1.");
                return {};
            }
            while (!atEnd() && peek() >= '0' && peek() <= '9')
                advance();
        }
        if (!atEnd() && (peek() == 'e' || peek() == 'E')) {
            isInteger = false;
            advance();
            if (!atEnd() && (peek() == '+' || peek() == '-'))
                advance();
            if (atEnd() || !(peek() >= '0' && peek() <= '9')) {
                fail("a number needs digits in its exponent");
                return {};
            }
            while (!atEnd() && peek() >= '0' && peek() <= '9')
                advance();
        }
        const std::string_view literal = text_.substr(start, i_ - start);
        const char* first = literal.data();
        const char* last = literal.data() + literal.size();
        if (isInteger) {
            std::int64_t v = 0;
            if (auto [p, ec] = std::from_chars(first, last, v); ec == std::errc() && p == last)
                return ordered_json(v);
            doc_.badNumbers.emplace(pointer(),
                                    "the integer " + std::string(literal) + " does not fit in 64 bits");
            return ordered_json(0);
        }
        double d = 0;
        auto [p, ec] = std::from_chars(first, last, d);
        if (ec == std::errc() && p == last && std::isfinite(d))
            return ordered_json(d);
        doc_.badNumbers.emplace(pointer(),
                                "the number " + std::string(literal) + " is outside the range of a double");
        return ordered_json(0.0);
    }

    std::string_view text_;
    Document& doc_;
    const ParseLimits& limits_;
    std::size_t i_ = 0;
    int line_ = 1;
    int column_ = 0; // code points consumed on this line
    bool failed_ = false;
    std::vector<std::string> path_;
    std::size_t recorded_ = 0;
};

} // namespace

std::string escapePointerToken(std::string_view key)
{
    std::string out;
    out.reserve(key.size());
    for (char c : key) {
        if (c == '~')
            out += "~0";
        else if (c == '/')
            out += "~1";
        else
            out += c;
    }
    return out;
}

SourcePos Document::positionOf(const std::string& pointer) const
{
    std::string p = pointer;
    while (true) {
        if (auto it = valuePos.find(p); it != valuePos.end())
            return it->second;
        if (auto it = keyPos.find(p); it != keyPos.end())
            return it->second;
        const auto slash = p.rfind('/');
        if (slash == std::string::npos)
            return {};
        p.resize(slash);
    }
}

SourcePos Document::keyPositionOf(const std::string& pointer) const
{
    if (auto it = keyPos.find(pointer); it != keyPos.end())
        return it->second;
    return positionOf(pointer);
}

Document oversizedDocument(std::string source, std::uintmax_t size, const ParseLimits& limits)
{
    Document doc;
    doc.source = std::move(source);
    doc.root = std::make_shared<const ordered_json>();
    doc.findings.push_back(
        {FindingCode::FileTooLarge,
         "",
         "the file is " + std::to_string(size) + " bytes; config files are limited to " +
             std::to_string(limits.maxBytes) + " bytes",
         "a model config.json is about a kilobyte; check that you passed the config, not weights or "
         "a tokenizer",
         {1, 1}});
    return doc;
}

Document parseDocument(std::string_view text, std::string source, const ParseLimits& limits)
{
    Document doc;
    doc.source = std::move(source);
    if (text.size() > limits.maxBytes)
        return oversizedDocument(std::move(doc.source), text.size(), limits);
    Parser parser(text, doc, limits);
    ordered_json root = parser.parseRoot();
    doc.parsedOk = !parser.failed();
    doc.root = std::make_shared<const ordered_json>(doc.parsedOk ? std::move(root) : ordered_json());
    if (!doc.parsedOk) {
        // Values recorded before the failure are not in the (discarded) tree.
        doc.valuePos.clear();
        doc.keyPos.clear();
        doc.badNumbers.clear();
    }
    return doc;
}

} // namespace llamascope
