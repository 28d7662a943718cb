// Streaming strict-JSON reader: see json_reader.hpp.

#include "json_reader.hpp"

#include "llamascope/errors.hpp"

#include <cstdio>
#include <utility>

namespace llamascope::detail {

namespace {

constexpr std::size_t kBufferBytes = 64u << 10;

bool isDigit(int c)
{
    return c >= '0' && c <= '9';
}

std::string describe(int c)
{
    if (c < 0)
        return "the end of the text";
    if (c >= 0x20 && c < 0x7f)
        return std::string("'") + static_cast<char>(c) + "'";
    char buf[16];
    std::snprintf(buf, sizeof buf, "byte 0x%02x", c);
    return buf;
}

void appendUtf8(std::string& out, std::uint32_t cp)
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

} // namespace

JsonPullReader::JsonPullReader(std::function<std::size_t(char*, std::size_t)> read, std::string source,
                               std::string what, int maxDepth)
    : read_(std::move(read)), source_(std::move(source)), what_(std::move(what)), maxDepth_(maxDepth),
      buffer_(kBufferBytes, '\0')
{
}

void JsonPullReader::fail(const std::string& message) const
{
    throw IoError(source_ + ": " + message);
}

void JsonPullReader::syntax(const std::string& why) const
{
    fail(what_ + " is not valid JSON (" + why + " at byte " + std::to_string(consumed_) + ")");
}

bool JsonPullReader::fill()
{
    if (eof_)
        return false;
    const std::size_t n = read_(buffer_.data(), buffer_.size());
    if (n == 0) {
        eof_ = true;
        return false;
    }
    pos_ = 0;
    end_ = n;
    return true;
}

int JsonPullReader::peekByte()
{
    if (pos_ == end_ && !fill())
        return -1;
    return static_cast<unsigned char>(buffer_[pos_]);
}

unsigned char JsonPullReader::nextByte()
{
    const int c = peekByte();
    if (c < 0)
        syntax("the text ends early (is it truncated?)");
    ++pos_;
    ++consumed_;
    return static_cast<unsigned char>(c);
}

void JsonPullReader::skipWhitespace()
{
    while (true) {
        const int c = peekByte();
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            return;
        nextByte();
    }
}

void JsonPullReader::expectByte(char c, const char* context)
{
    skipWhitespace();
    const int got = peekByte();
    if (got != static_cast<unsigned char>(c))
        syntax(std::string("expected '") + c + "' " + context + ", found " + describe(got));
    nextByte();
}

JsonPullReader::Kind JsonPullReader::peekKind()
{
    skipWhitespace();
    const int c = peekByte();
    switch (c) {
    case '{': return Kind::Object;
    case '[': return Kind::Array;
    case '"': return Kind::String;
    case 't':
    case 'f': return Kind::Bool;
    case 'n': return Kind::Null;
    default: break;
    }
    if (c == '-' || isDigit(c))
        return Kind::Number;
    syntax("unexpected " + describe(c) + " where a value was expected");
}

void JsonPullReader::enter()
{
    if (depth_ >= maxDepth_)
        fail(what_ + " is nested deeper than " + std::to_string(maxDepth_) + " levels at byte " +
             std::to_string(consumed_) + ", deeper than the format has");
    ++depth_;
    started_ += '0';
}

void JsonPullReader::beginObject()
{
    if (peekKind() != Kind::Object)
        syntax("expected an object");
    enter();
    nextByte();
}

void JsonPullReader::beginArray()
{
    if (peekKind() != Kind::Array)
        syntax("expected an array");
    enter();
    nextByte();
}

bool JsonPullReader::nextMember(std::string& key, std::size_t maxKeyBytes,
                                const std::function<void()>& tooLong)
{
    skipWhitespace();
    int c = peekByte();
    if (c == '}') {
        nextByte();
        started_.pop_back();
        --depth_;
        return false;
    }
    if (started_.back() == '1') {
        if (c != ',')
            syntax("expected ',' or '}' after a member, found " + describe(c));
        nextByte();
        skipWhitespace();
        c = peekByte();
    }
    if (c != '"')
        syntax("expected a quoted key, found " + describe(c));
    nextByte();
    key.clear();
    readStringBody(&key, maxKeyBytes, tooLong);
    expectByte(':', "after a key");
    started_.back() = '1';
    return true;
}

bool JsonPullReader::nextElement()
{
    skipWhitespace();
    int c = peekByte();
    if (c == ']') {
        nextByte();
        started_.pop_back();
        --depth_;
        return false;
    }
    if (started_.back() == '1') {
        if (c != ',')
            syntax("expected ',' or ']' after an element, found " + describe(c));
        nextByte();
        skipWhitespace();
        if (peekByte() == ']')
            syntax("trailing comma before ']'");
    }
    started_.back() = '1';
    return true;
}

std::string JsonPullReader::readString(std::size_t maxBytes, const std::function<void()>& tooLong)
{
    if (peekKind() != Kind::String)
        syntax("expected a string");
    nextByte();
    std::string s;
    readStringBody(&s, maxBytes, tooLong);
    return s;
}

void JsonPullReader::readStringBody(std::string* out, std::size_t limit, const std::function<void()>& tooLong)
{
    auto keep = [&](const std::string& bytes) {
        if (out == nullptr)
            return;
        if (out->size() + bytes.size() > limit) {
            if (tooLong)
                tooLong(); // throws
            out = nullptr; // keep validating, stop keeping
            return;
        }
        *out += bytes;
    };
    while (true) {
        const unsigned char c = nextByte();
        if (c == '"')
            return;
        if (c < 0x20)
            syntax("raw control character " + describe(c) + " inside a string");
        if (c == '\\') {
            const unsigned char e = nextByte();
            switch (e) {
            case '"': keep("\""); break;
            case '\\': keep("\\"); break;
            case '/': keep("/"); break;
            case 'b': keep("\b"); break;
            case 'f': keep("\f"); break;
            case 'n': keep("\n"); break;
            case 'r': keep("\r"); break;
            case 't': keep("\t"); break;
            case 'u': {
                auto hex4 = [this]() {
                    std::uint32_t v = 0;
                    for (int k = 0; k < 4; ++k) {
                        const unsigned char h = nextByte();
                        std::uint32_t d = 0;
                        if (h >= '0' && h <= '9')
                            d = h - '0';
                        else if (h >= 'a' && h <= 'f')
                            d = h - 'a' + 10u;
                        else if (h >= 'A' && h <= 'F')
                            d = h - 'A' + 10u;
                        else
                            syntax("invalid hex digit " + describe(h) + " in a \\u escape");
                        v = v * 16 + d;
                    }
                    return v;
                };
                std::uint32_t cp = hex4();
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    if (nextByte() != '\\' || nextByte() != 'u')
                        syntax("unpaired UTF-16 surrogate in a \\u escape");
                    const std::uint32_t low = hex4();
                    if (low < 0xDC00 || low > 0xDFFF)
                        syntax("unpaired UTF-16 surrogate in a \\u escape");
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    syntax("unpaired UTF-16 surrogate in a \\u escape");
                }
                std::string bytes;
                appendUtf8(bytes, cp);
                keep(bytes);
                break;
            }
            default: syntax("invalid escape \\" + std::string(1, static_cast<char>(e)) + " in a string");
            }
            continue;
        }
        if (c < 0x80) {
            keep(std::string(1, static_cast<char>(c)));
            continue;
        }
        copyUtf8(c, out, limit, tooLong);
        if (out != nullptr && out->size() > limit) {
            out->resize(limit);
            if (tooLong)
                tooLong();
            out = nullptr;
        }
    }
}

void JsonPullReader::copyUtf8(unsigned char lead, std::string* out, std::size_t, const std::function<void()>&)
{
    int extra = 0;
    std::uint32_t cp = 0, smallest = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        extra = 1;
        cp = lead & 0x1Fu;
        smallest = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        extra = 2;
        cp = lead & 0x0Fu;
        smallest = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        extra = 3;
        cp = lead & 0x07u;
        smallest = 0x10000;
    } else {
        syntax("invalid UTF-8 (" + describe(lead) + ") inside a string");
    }
    char bytes[4] = {static_cast<char>(lead), 0, 0, 0};
    for (int k = 1; k <= extra; ++k) {
        const unsigned char b = nextByte();
        if ((b & 0xC0u) != 0x80u)
            syntax("invalid UTF-8 (" + describe(lead) + ") inside a string");
        bytes[k] = static_cast<char>(b);
        cp = (cp << 6) | (b & 0x3Fu);
    }
    if (cp < smallest || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        syntax("invalid UTF-8 (overlong or surrogate encoding) inside a string");
    if (out != nullptr)
        out->append(bytes, static_cast<std::size_t>(extra) + 1);
}

JsonPullReader::Number JsonPullReader::readNumber()
{
    if (peekKind() != Kind::Number)
        syntax("expected a number");
    Number n;
    n.integer = true;
    if (peekByte() == '-') {
        nextByte();
        n.negative = true;
    }
    if (!isDigit(peekByte()))
        syntax("a number needs digits after '-'");
    if (peekByte() == '0') {
        nextByte();
        if (isDigit(peekByte()))
            syntax("numbers may not have leading zeros");
    } else {
        while (isDigit(peekByte())) {
            const auto digit = static_cast<std::uint64_t>(nextByte() - '0');
            if (n.magnitude > (UINT64_MAX - digit) / 10)
                n.overflow = true;
            else
                n.magnitude = n.magnitude * 10 + digit;
        }
    }
    if (peekByte() == '.') {
        n.integer = false;
        nextByte();
        if (!isDigit(peekByte()))
            syntax("a number needs digits after the decimal point");
        while (isDigit(peekByte()))
            nextByte();
    }
    if (peekByte() == 'e' || peekByte() == 'E') {
        n.integer = false;
        nextByte();
        if (peekByte() == '+' || peekByte() == '-')
            nextByte();
        if (!isDigit(peekByte()))
            syntax("a number needs digits in its exponent");
        while (isDigit(peekByte()))
            nextByte();
    }
    return n;
}

void JsonPullReader::readLiteral(std::string_view word)
{
    for (const char expected : word)
        if (nextByte() != static_cast<unsigned char>(expected))
            syntax("unexpected text where '" + std::string(word) + "' was expected");
}

void JsonPullReader::skipValue()
{
    switch (peekKind()) {
    case Kind::Object: {
        beginObject();
        std::string key;
        while (nextMember(key, 0, {}))
            skipValue();
        return;
    }
    case Kind::Array:
        beginArray();
        while (nextElement())
            skipValue();
        return;
    case Kind::String:
        nextByte();
        readStringBody(nullptr, 0, {});
        return;
    case Kind::Number: (void)readNumber(); return;
    case Kind::Bool: readLiteral(peekByte() == 't' ? "true" : "false"); return;
    case Kind::Null: readLiteral("null"); return;
    }
}

void JsonPullReader::expectEnd()
{
    skipWhitespace();
    if (peekByte() >= 0)
        syntax("unexpected " + describe(peekByte()) + " after the end of the JSON value");
}

} // namespace llamascope::detail
