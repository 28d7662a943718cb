#pragma once
// A pull reader for strict JSON (RFC 8259) that never holds more than its input buffer and
// the strings the caller asks to keep. It reads safetensors headers and index files, which
// may be up to 100 MiB of hostile text: a document tree would cost tens of times the text
// (a 100 MiB header of nested arrays once took 3.9 GB), this costs 64 KiB plus what the
// caller stores. Nesting is limited by `maxDepth`; strings longer than the caller's cap are
// refused while streaming, so no string is ever allocated beyond it.
//
// Errors are IoError("<source>: <what> is not valid JSON (<why> at byte <offset>)") or the
// caller's own messages through fail().

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace llamascope::detail {

class JsonPullReader {
public:
    /// `read(buffer, n)` fills up to n bytes and returns how many (0 at the end of the input).
    /// `what` names the document in messages ("header", "index").
    JsonPullReader(std::function<std::size_t(char*, std::size_t)> read, std::string source, std::string what,
                   int maxDepth);

    enum class Kind { Object, Array, String, Number, Bool, Null };

    /// The kind of the next value (skips whitespace). Fails at the end of the input.
    Kind peekKind();

    /// Enters an object or array (fails if the next value is not one, or is nested deeper
    /// than maxDepth).
    void beginObject();
    void beginArray();
    /// Next member of the current object: true with its key (at most maxKeyBytes bytes, else
    /// `tooLong` is called), false at '}' (the object is then left).
    bool nextMember(std::string& key, std::size_t maxKeyBytes, const std::function<void()>& tooLong);
    /// Next element of the current array: true if there is one, false at ']' (left).
    bool nextElement();

    /// A string value, kept if at most maxBytes bytes long (else `tooLong` is called). Fails if
    /// the next value is not a string.
    std::string readString(std::size_t maxBytes, const std::function<void()>& tooLong);

    struct Number {
        bool integer = false; ///< no fraction and no exponent
        bool negative = false;
        bool overflow = false; ///< an integer beyond 2^64 − 1
        std::uint64_t magnitude = 0;
    };
    /// A number value (its text is validated; only integers get a magnitude).
    Number readNumber();

    /// Skips the next value of any kind, validating it, without keeping anything.
    void skipValue();

    /// Fails unless only whitespace remains.
    void expectEnd();

    /// Bytes consumed so far.
    [[nodiscard]] std::uint64_t offset() const { return consumed_; }
    [[nodiscard]] int depth() const { return depth_; }

    /// Throws IoError("<source>: <message>").
    [[noreturn]] void fail(const std::string& message) const;

private:
    [[noreturn]] void syntax(const std::string& why) const;
    bool fill();
    int peekByte(); ///< -1 at the end
    unsigned char nextByte();
    void skipWhitespace();
    void expectByte(char c, const char* context);
    void readLiteral(std::string_view word);
    // Reads a string after its opening quote; keeps bytes while out.size() < limit.
    void readStringBody(std::string* out, std::size_t limit, const std::function<void()>& tooLong);
    void copyUtf8(unsigned char lead, std::string* out, std::size_t limit,
                  const std::function<void()>& tooLong);
    void enter();

    std::function<std::size_t(char*, std::size_t)> read_;
    std::string source_;
    std::string what_;
    int maxDepth_;
    int depth_ = 0;
    std::string buffer_;
    std::size_t pos_ = 0;
    std::size_t end_ = 0;
    std::uint64_t consumed_ = 0;
    bool eof_ = false;
    // Per open container: whether a member/element was read (so a comma is expected next).
    std::string started_; ///< one char per depth: '0' or '1'
};

} // namespace llamascope::detail
