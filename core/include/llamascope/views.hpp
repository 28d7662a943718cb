#pragma once
// Tables over core results, shared by the CLI's output and the GUI's models and exports.
// A view only selects and formats numbers that analyze()/computeFlops() computed.

#include "llamascope/analysis.hpp"
#include "llamascope/finding.hpp"
#include "llamascope/table.hpp"

#include <functional>
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
