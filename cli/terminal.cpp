#include "terminal.hpp"

#include "llamascope/format.hpp"

namespace llamascope::cli {

TerminalSafeBuffer::~TerminalSafeBuffer()
{
    emit(true);
    target_->pubsync();
}

void TerminalSafeBuffer::emit(bool final)
{
    // Escape everything but a trailing UTF-8 sequence that the next write may complete.
    const std::size_t ready = final ? pending_.size() : completeUtf8Prefix(pending_);
    if (ready == 0)
        return;
    const std::string safe =
        escapeForTerminal(std::string_view(pending_).substr(0, ready), TerminalText::Block);
    target_->sputn(safe.data(), static_cast<std::streamsize>(safe.size()));
    pending_.erase(0, ready);
}

TerminalSafeBuffer::int_type TerminalSafeBuffer::overflow(int_type ch)
{
    if (traits_type::eq_int_type(ch, traits_type::eof()))
        return traits_type::not_eof(ch);
    pending_ += traits_type::to_char_type(ch);
    emit(false);
    return ch;
}

std::streamsize TerminalSafeBuffer::xsputn(const char* s, std::streamsize n)
{
    pending_.append(s, static_cast<std::size_t>(n));
    emit(false);
    return n;
}

int TerminalSafeBuffer::sync()
{
    emit(false);
    return target_->pubsync();
}

} // namespace llamascope::cli
