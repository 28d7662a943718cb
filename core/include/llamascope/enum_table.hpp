#pragma once
// One table per enum: its values, the names users type and read, accepted aliases and a
// line of help. CLI help, validation and GUI combo boxes all read the same table, so an
// enum is spelled out once (see docs/architecture.md).

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace llamascope {

template <typename E>
struct EnumEntry {
    E value;
    std::string_view name;                 ///< canonical spelling (what output prints)
    std::string_view help;                 ///< one line for --help and tooltips
    std::vector<std::string_view> aliases; ///< other spellings accepted on input
};

/// How find() compares: exactly, or ignoring ASCII case (ZeRO stages: "ZeRO-3", "FULL_SHARD").
enum class EnumCase { Sensitive, Insensitive };

template <typename E>
class EnumTable {
public:
    explicit EnumTable(std::vector<EnumEntry<E>> entries, EnumCase match = EnumCase::Sensitive)
        : entries_(std::move(entries)), match_(match)
    {
    }

    [[nodiscard]] std::span<const EnumEntry<E>> entries() const { return entries_; }
    [[nodiscard]] EnumCase match() const { return match_; }

    /// The entry for `value`; every value of E used by the program has one (a test checks).
    [[nodiscard]] const EnumEntry<E>& entry(E value) const
    {
        for (const EnumEntry<E>& e : entries_)
            if (e.value == value)
                return e;
        return entries_.front();
    }

    [[nodiscard]] std::string_view name(E value) const { return entry(value).name; }
    [[nodiscard]] std::string_view help(E value) const { return entry(value).help; }

    /// The value whose name or alias is `text` (exact, or ignoring ASCII case for an
    /// EnumCase::Insensitive table), else nullopt.
    [[nodiscard]] std::optional<E> find(std::string_view text) const
    {
        for (const EnumEntry<E>& e : entries_) {
            if (same(e.name, text))
                return e.value;
            for (std::string_view a : e.aliases)
                if (same(a, text))
                    return e.value;
        }
        return std::nullopt;
    }

    /// Canonical names in table order.
    [[nodiscard]] std::vector<std::string_view> names() const
    {
        std::vector<std::string_view> out;
        out.reserve(entries_.size());
        for (const EnumEntry<E>& e : entries_)
            out.push_back(e.name);
        return out;
    }

    /// Every accepted spelling: the names in table order, then the aliases (for suggestions).
    [[nodiscard]] std::vector<std::string_view> spellings() const
    {
        std::vector<std::string_view> out = names();
        for (const EnumEntry<E>& e : entries_)
            out.insert(out.end(), e.aliases.begin(), e.aliases.end());
        return out;
    }

    /// "a, b or c" — for messages and help.
    [[nodiscard]] std::string namesText() const
    {
        std::string out;
        for (std::size_t i = 0; i < entries_.size(); ++i) {
            if (i > 0)
                out += i + 1 == entries_.size() ? " or " : ", ";
            out += entries_[i].name;
        }
        return out;
    }

private:
    [[nodiscard]] bool same(std::string_view a, std::string_view b) const
    {
        if (match_ == EnumCase::Sensitive || a.size() != b.size())
            return a == b;
        auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
        for (std::size_t i = 0; i < a.size(); ++i)
            if (lower(a[i]) != lower(b[i]))
                return false;
        return true;
    }

    std::vector<EnumEntry<E>> entries_;
    EnumCase match_ = EnumCase::Sensitive;
};

} // namespace llamascope
