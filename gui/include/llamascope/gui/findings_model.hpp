#pragma once
// The validate view's model: a two-level tree, one top-level row per source (file or bundled
// config) with its findings as children. Everything shown is core's Finding: severity, code,
// JSON pointer, line:column, message and hint.

#include "llamascope/finding.hpp"

#include <QAbstractItemModel>
#include <QSortFilterProxyModel>

namespace llamascope::gui {

class Workspace;
struct ConfigSource;

class FindingsModel final : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column { SeverityColumn, CodeColumn, PointerColumn, PositionColumn, MessageColumn, HintColumn };
    enum Role {
        PointerRole = Qt::UserRole + 20, ///< QString: JSON pointer of a finding ("" for the root)
        PathRole,                        ///< QString: file path of the source (empty for bundled)
        SourceLabelRole,                 ///< QString: the source's label
        LineRole,                        ///< int: 1-based line, 0 if unknown
        ColumnRole,                      ///< int: 1-based column, 0 if unknown
        SeverityRole,                    ///< int: llamascope::Severity, -1 for a clean source
        IsFindingRole,                   ///< bool: a finding row (false: a source row)
        SourceRowRole,                   ///< int: index in Workspace::sources()
        KnownQuirkRole,                  ///< bool: a known quirk of the published family
    };

    explicit FindingsModel(QObject* parent = nullptr);
    void setWorkspace(const Workspace* workspace);

    [[nodiscard]] QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    [[nodiscard]] QModelIndex parent(const QModelIndex& child) const override;
    [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role = Qt::DisplayRole) const override;

    /// The reports of every source, in order (for core's findingsTable export).
    [[nodiscard]] std::vector<ValidationReport> reports() const;

private:
    [[nodiscard]] const ConfigSource* source(int row) const;
    [[nodiscard]] QVariant sourceData(int row, int column, int role) const;
    [[nodiscard]] QVariant findingData(int sourceRow, int row, int column, int role) const;

    const Workspace* workspace_ = nullptr;
};

/// Hides findings below a minimum severity (sources always stay, so clean files show).
class FindingsFilter final : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit FindingsFilter(QObject* parent = nullptr);
    void setMinimumSeverity(Severity s);
    [[nodiscard]] Severity minimumSeverity() const { return minimum_; }

protected:
    [[nodiscard]] bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    Severity minimum_ = Severity::Note;
};

/// Icon colour for a severity (error red, warning amber, note blue).
QColor severityColor(Severity s);

} // namespace llamascope::gui
