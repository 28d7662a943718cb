#include "llamascope/table.hpp"

#include "llamascope/format.hpp"

#include <algorithm>
#include <stdexcept>

namespace llamascope {

Cell Cell::text(std::string s)
{
    return Cell{std::move(s), {}};
}
Cell Cell::count(std::int64_t v)
{
    return Cell{formatCount(v), std::to_string(v)};
}
Cell Cell::quotient(std::int64_t numerator, std::int64_t denominator)
{
    std::string display = formatQuotient(numerator, denominator);
    if (numerator % denominator == 0)
        return Cell{std::move(display), std::to_string(numerator / denominator)};
    return Cell{std::move(display),
                formatNumber(static_cast<double>(numerator) / static_cast<double>(denominator))};
}
Cell Cell::fixed(double v, int digits)
{
    return Cell{formatFixed(v, digits), formatNumber(v)};
}
Cell Cell::scientific(double v)
{
    return Cell{formatScientific(v), formatNumber(v)};
}

void Table::addRow(std::vector<Cell> row)
{
    if (row.size() != columns.size())
        throw std::logic_error("table row has " + std::to_string(row.size()) + " cells for " +
                               std::to_string(columns.size()) + " columns");
    rows.push_back(std::move(row));
}

namespace {

// Display width in code points (good enough for the UTF-8 our tables contain: ×, ≈, ᵀ).
std::size_t width(const std::string& s)
{
    return static_cast<std::size_t>(std::count_if(
        s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string pad(const std::string& s, std::size_t w, Align a)
{
    const std::size_t n = width(s);
    if (n >= w)
        return s;
    const std::string fill(w - n, ' ');
    return a == Align::Right ? fill + s : s + fill;
}

std::string csvField(const std::string& text)
{
    std::string s = escapeForTerminal(text);
    if (s.find_first_of(",\"\n\r") == std::string::npos)
        return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"')
            out += '"';
        out += c;
    }
    return out + "\"";
}

std::string markdownField(const std::string& text)
{
    std::string out;
    for (char c : escapeForTerminal(text)) {
        if (c == '|')
            out += '\\';
        out += c == '\n' ? ' ' : c;
    }
    return out;
}

} // namespace

// Every renderer escapes cell text with escapeForTerminal(): cells carry names, keys and
// messages from files, and no cell may break its row or act on a terminal. JSON is the
// lossless output form (docs/hardening.md "Output encoding").
std::string renderText(const Table& t)
{
    std::vector<std::string> headers;
    std::vector<std::vector<std::string>> cells;
    for (const Column& c : t.columns)
        headers.push_back(escapeForTerminal(c.header));
    for (const auto& row : t.rows) {
        cells.emplace_back();
        for (const Cell& cell : row)
            cells.back().push_back(escapeForTerminal(cell.display));
    }
    std::vector<std::size_t> w(t.columns.size());
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
        w[c] = width(headers[c]);
        for (const auto& row : cells)
            w[c] = std::max(w[c], width(row[c]));
    }
    auto line = [&](auto cellText) {
        std::string out;
        for (std::size_t c = 0; c < t.columns.size(); ++c) {
            const bool last = c + 1 == t.columns.size();
            std::string cell = cellText(c);
            out += last && t.columns[c].align == Align::Left ? cell : pad(cell, w[c], t.columns[c].align);
            if (!last)
                out += "  ";
        }
        while (!out.empty() && out.back() == ' ')
            out.pop_back();
        return out + "\n";
    };
    std::string out = line([&](std::size_t c) { return headers[c]; });
    out += line([&](std::size_t c) { return std::string(w[c], '-'); });
    for (const auto& row : cells)
        out += line([&](std::size_t c) { return row[c]; });
    return out;
}

std::string renderCsv(const Table& t)
{
    std::string out;
    for (std::size_t c = 0; c < t.columns.size(); ++c)
        out += (c ? "," : "") + csvField(t.columns[c].header);
    out += "\n";
    for (const auto& row : t.rows) {
        for (std::size_t c = 0; c < row.size(); ++c)
            out += (c ? "," : "") + csvField(row[c].raw.empty() ? row[c].display : row[c].raw);
        out += "\n";
    }
    return out;
}

std::string renderMarkdown(const Table& t)
{
    std::string out = "|";
    for (const Column& c : t.columns)
        out += " " + markdownField(c.header) + " |";
    out += "\n|";
    for (const Column& c : t.columns)
        out += c.align == Align::Right ? "---:|" : "---|";
    out += "\n";
    for (const auto& row : t.rows) {
        out += "|";
        for (const Cell& cell : row)
            out += " " + markdownField(cell.display) + " |";
        out += "\n";
    }
    return out;
}

std::string render(const Table& t, TableFormat format)
{
    switch (format) {
    case TableFormat::Text: return renderText(t);
    case TableFormat::Csv: return renderCsv(t);
    case TableFormat::Markdown: return renderMarkdown(t);
    }
    return renderText(t);
}

} // namespace llamascope
