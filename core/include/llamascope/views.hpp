#pragma once
// Tables over core results, shared by the CLI's output and the GUI's models and exports.
// A view only selects and formats numbers that analyze()/computeFlops() computed.

#include "llamascope/analysis.hpp"
#include "llamascope/finding.hpp"
#include "llamascope/table.hpp"

#include <nlohmann/json_fwd.hpp>

#include <functional>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace llamascope {

/// One column of the comparison table. `value` is the sortable number (NaN for text
/// columns), `cell` its formatted form.
struct CompareColumn {
    std::string_view id;      ///< stable key for settings and --columns ("params", "n_per_l", ...)
    std::string_view header;  ///< short header ("Params")
    std::string_view tooltip; ///< one-line definition
    Align align;
    bool defaultVisible;
    std::function<Cell(const Analysis&)> cell;
    std::function<double(const Analysis&)> value;
    /// Shown by default also when it says something about these configs (the family column
    /// when families are mixed or not LLaMA, active parameters for a mixture of experts,
    /// windows when any layer slides). Null: only defaultVisible decides.
    std::function<bool(const std::vector<Analysis>&)> relevant;
};

/// Every comparison column, in display order.
std::span<const CompareColumn> compareColumns();
const CompareColumn* findCompareColumn(std::string_view id);

/// Default column ids for `analyses`: defaultVisible ones plus those relevant to them.
std::vector<std::string> defaultColumnIds(const std::vector<Analysis>& analyses);

/// The comparison table over `analyses` with the given column ids (empty: default columns).
/// Throws InvalidArgument for an unknown id.
Table compareTable(const std::vector<Analysis>& analyses, const std::vector<std::string>& columnIds = {});

/// One config's shape, derived metrics and family traits: quantity, value, note.
Table shapeTable(const Analysis& a);

/// Training FLOPs of every convention for a budget of `tokens` tokens (3× and 4× forward).
Table tokenBudgetTable(const FlopReport& r, double tokens);

/// One quantity of a side-by-side comparison: a config key or a derived metric, its value in
/// every config, the ratio of each to the first config's, and whether they differ.
struct DiffRow {
    enum class Kind { ConfigKey, Metric };
    Kind kind = Kind::ConfigKey;
    std::string id;      ///< the config.json key ("hidden_size") or compare column id ("params")
    std::string label;   ///< what the row is called: the key, or the column header ("Params")
    std::string tooltip; ///< the key's description or the column's definition
    /// One per config. A key the config's family does not read shows "—" ("not read").
    std::vector<Cell> values;
    /// values[i] / values[0] for numbers (nullopt for text, booleans, a missing value or a
    /// first value of 0); ratios[0] is 1 when the row is numeric.
    std::vector<std::optional<double>> ratios;
    bool differs = false; ///< some config's displayed value differs from the first's
};

/// Several configs side by side (`compare --diff`, the GUI's side-by-side view): every
/// config key any of their families reads, with its resolved value (defaults applied), then
/// every comparison metric that says something about them (compareColumns(), without those
/// that repeat a key).
struct ConfigDiff {
    std::vector<std::string> names; ///< config names, in the order given
    std::vector<DiffRow> rows;      ///< keys in binding-table order, then metrics in column order
};

/// Throws InvalidArgument for fewer than two configs.
ConfigDiff diffConfigs(const std::vector<Analysis>& analyses);

struct DiffTableOptions {
    bool onlyDifferences = false; ///< drop rows whose values are all equal
    bool ratios = true;           ///< a "B/A" column after every config but the first
};

/// The diff as a table: "Diff" (≠ where the values differ), "Quantity", then each config's
/// value, each followed (from the second on) by its ratio to the first ("×1.50").
Table diffTable(const ConfigDiff& diff, const DiffTableOptions& options = {});

/// {"configs": [names], "rows": [{"kind": "key"|"metric", "id", "label", "values", "raw",
/// "ratios", "differs"}]}: values as displayed, raw as in CSV, ratios to the first (or null).
nlohmann::ordered_json toJson(const ConfigDiff& diff);

/// A ratio as shown in a diff: "×1.50" (3 significant digits at least 2 decimals), raw: full precision.
Cell ratioCell(std::optional<double> ratio);

/// Parameter breakdown of one config: component, count, share of total.
Table parameterTable(const ParameterCounts& p);

/// The nine decoder families: model_type, class, what differs from LLaMA, examples.
Table familiesTable();
/// The families' traits side by side (biases, norms, windows, experts, ...): the defaults of
/// each row of model_types.cpp.
Table familyTraitsTable();
/// The binding table: every config key, its role, which model types read it, defaults.
Table configKeysTable();

/// FLOP conventions side by side (forward/token, forward/sequence, training ×3 and ×4).
Table flopConventionsTable(const FlopReport& r);
/// Each convention's named terms per sequence (and elementwise work) in one long table.
Table flopTermsTable(const FlopReport& r);

/// One row per finding across reports: file, line, column, severity, code, pointer, message, hint.
Table findingsTable(const std::vector<ValidationReport>& reports);

} // namespace llamascope
