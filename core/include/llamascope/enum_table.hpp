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

template <typename E>
class EnumTable {
public:
    explicit EnumTable(std::vector<EnumEntry<E>> entries) : entries_(std::move(entries)) {}

    [[nodiscard]] std::span<const EnumEntry<E>> entries() const { return entries_; }

    /// The entry for `value`; every value of E used by the program has one.
    [[nodiscard]] const EnumEntry<E>& entry(E value) const
    {
        for (const EnumEntry<E>& e : entries_)
            if (e.value == value)
                return e;
        return entries_.front();
    }

    [[nodiscard]] std::string_view name(E value) const { return entry(value).name; }

    /// The value whose name or alias is `text` (exact, case-sensitive), else nullopt.
    [[nodiscard]] std::optional<E> find(std::string_view text) const
    {
        for (const EnumEntry<E>& e : entries_) {
            if (e.name == text)
                return e.value;
            for (std::string_view a : e.aliases)
                if (a == text)
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
    std::vector<EnumEntry<E>> entries_;
};

} // namespace llamascope
