#pragma once
// A small table type and its renderers (aligned text, CSV, Markdown). Both front ends use it
// for output and export, so what the CLI prints and what the GUI copies are the same text.
// Cells carry both a display form ("134,105,856") and a raw form ("134105856") so CSV stays
// machine-readable.

#include <cstdint>
#include <string>
#include <vector>

namespace llamascope {

enum class Align { Left, Right };

struct Cell {
    std::string display; ///< for text and Markdown
    std::string raw;     ///< for CSV (empty: use display)

    static Cell text(std::string s);
    static Cell count(std::int64_t v);       ///< "1,234" / "1234"
    static Cell fixed(double v, int digits); ///< "2.67" / "2.6666666666666665"
    /// An exact quotient of counts: "12,288" / "12288", or "12,287.67" / "12287.666666666666".
    static Cell quotient(std::int64_t numerator, std::int64_t denominator);
    static Cell scientific(double v); ///< "3.15e+21" / full precision
};

struct Column {
    std::string header;
    Align align = Align::Left;
};

struct Table {
    std::vector<Column> columns;
    std::vector<std::vector<Cell>> rows;

    void addRow(std::vector<Cell> row);
};

enum class TableFormat { Text, Csv, Markdown };

/// Aligned columns separated by two spaces, header underlined with dashes.
std::string renderText(const Table& t);
/// RFC 4180 CSV with a header row; raw values.
std::string renderCsv(const Table& t);
/// GitHub-flavoured Markdown table with alignment markers.
std::string renderMarkdown(const Table& t);
std::string render(const Table& t, TableFormat format);

} // namespace llamascope
