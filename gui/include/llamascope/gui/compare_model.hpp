#pragma once
// The comparison table: one row per usable config (plus the designer's draft, when shown),
// one column per core CompareColumn. Cells are core's own formatted cells; the sort value is
// core's CompareColumn::value. The charts read this same model (through the same proxy as the
// table), so sorting or filtering the table also orders and filters the charts.

#include "llamascope/analysis.hpp"
#include "llamascope/table.hpp"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>

#include <optional>
#include <string>
#include <vector>

namespace llamascope {
struct CompareColumn;
}

namespace llamascope::gui {

class Workspace;

/// Item roles shared by the compare model, its proxy and the charts.
enum CompareRole {
    SortRole = Qt::UserRole + 1, ///< double (core's CompareColumn::value) or QString for text columns
    AnalysisRole,                ///< const Analysis* (column 0), valid until the next model change
    DraftRole,                   ///< bool: the row is the designer's unsaved draft
    SourceIndexRole,             ///< int: index in Workspace::sources(), -1 for the draft
    ColumnIdRole,                ///< header data: the core column id ("params", "n_per_l", ...)
};

class CompareModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    explicit CompareModel(QObject* parent = nullptr);

    /// Analyses every usable source of `workspace` (core analyze(), FLOPs at T = P) and
    /// follows its changes.
    void setWorkspace(const Workspace* workspace);
    /// The designer's draft as an extra, highlighted last row; nullopt removes it.
    void setDraft(const std::optional<Analysis>& draft);
    [[nodiscard]] bool hasDraft() const { return draft_.has_value(); }

    [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role = Qt::DisplayRole) const override;

    [[nodiscard]] const Analysis& analysis(int row) const;
    [[nodiscard]] bool isDraft(int row) const;
    [[nodiscard]] int sourceIndex(int row) const;
    [[nodiscard]] static const CompareColumn& column(int section);
    /// Column index of a core column id, -1 if unknown.
    [[nodiscard]] static int columnOf(std::string_view id);

private:
    void rebuild();

    struct Row {
        Analysis analysis;
        int sourceIndex = -1;
    };
    const Workspace* workspace_ = nullptr;
    std::vector<Row> rows_;
    std::optional<Analysis> draft_;
};

/// Sorting by core's sort values (numbers numerically, text columns by text) and filtering
/// by several terms: a row shows when its name or family contains any of them.
class CompareProxy final : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit CompareProxy(QObject* parent = nullptr);

    /// Terms separated by spaces, commas or "|" ("60m 1b", "60m|1b"), case-insensitive; a row
    /// matches when its name or model_type contains any term. Empty: every row.
    void setFilterTerms(const QString& text);
    [[nodiscard]] const QStringList& filterTerms() const { return terms_; }
    /// Splits filter text into terms (what setFilterTerms() matches).
    static QStringList splitTerms(const QString& text);

protected:
    [[nodiscard]] bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;
    [[nodiscard]] bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QStringList terms_;
};

/// The rows of `model` (any model with AnalysisRole, e.g. the proxy) in its order.
std::vector<Analysis> analysesInOrder(const QAbstractItemModel& model);

/// Core's comparison table over the rows of `model` in view order and the given core column
/// ids: exactly what `llamascope compare --columns ...` prints, for Copy and Export.
Table compareExportTable(const QAbstractItemModel& model, const std::vector<std::string>& columnIds);

} // namespace llamascope::gui

Q_DECLARE_METATYPE(const llamascope::Analysis*)
