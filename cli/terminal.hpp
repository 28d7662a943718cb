#pragma once
// The last line of defence against terminal spoofing (docs/hardening.md "Output encoding").
// Fields that come from files are escaped where they are printed (core's escapeForTerminal);
// on top of that, everything the CLI writes to stdout and stderr passes through this filter,
// which keeps newlines and tabs but escapes every other control character, C1 control,
// bidirectional override and byte that is not UTF-8. So no key, value or file name can clear
// the screen, move the cursor or recolour the text, whichever code path printed it.
// The progress line, the one thing that must rewrite the line, writes to the unfiltered stream.

#include <iosfwd>
#include <memory>
#include <streambuf>
#include <string>

namespace llamascope::cli {

class TerminalSafeBuffer : public std::streambuf {
public:
    explicit TerminalSafeBuffer(std::streambuf* target) : target_(target) {}
    ~TerminalSafeBuffer() override;
    TerminalSafeBuffer(const TerminalSafeBuffer&) = delete;
    TerminalSafeBuffer& operator=(const TerminalSafeBuffer&) = delete;

protected:
    int_type overflow(int_type ch) override;
    std::streamsize xsputn(const char* s, std::streamsize n) override;
    int sync() override;

private:
    void emit(bool final);

    std::streambuf* target_;
    std::string pending_; ///< bytes not yet escaped: at most an incomplete UTF-8 sequence
};

} // namespace llamascope::cli
