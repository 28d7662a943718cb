#pragma once
// The designer's metrics: core's numbers for the config as it stands — every comparison
// column that says something about it (the family, and for a mixture of experts or sliding
// windows the active parameters, experts and windows), the nearest published shapes, the
// parameter breakdown, the FLOP
// conventions and training memory by optimizer — greyed out while the config has errors.

#include "llamascope/analysis.hpp"
#include "llamascope/validate.hpp"

#include <QScrollArea>

#include <map>
#include <optional>
#include <string>
#include <vector>

class QGridLayout;
class QLabel;
class QTableView;

namespace llamascope::gui {

class CoreTableModel;

class MetricsPanel final : public QScrollArea {
    Q_OBJECT
public:
    explicit MetricsPanel(QWidget* parent = nullptr);

    /// Shows `analysis` (nullopt: the config has errors; the last figures stay, greyed out).
    void refresh(const LoadResult& result, const std::optional<Analysis>& analysis);

    /// The value shown for a core compare column id ("params", "active", ...); empty when the
    /// column is not shown for this config.
    [[nodiscard]] QString metricText(const std::string& columnId) const;
    /// The status line above the figures, as plain text.
    [[nodiscard]] QString statusText() const;
    /// Where the config sits among the published shapes (core placeAmongPublished), plain text.
    [[nodiscard]] QString publishedText() const;

private:
    struct Metric {
        QLabel* name = nullptr;
        QLabel* value = nullptr;
    };

    QLabel* status_;
    QGridLayout* grid_;
    QLabel* published_;
    std::map<std::string, Metric> metrics_;
    CoreTableModel* paramsModel_;
    CoreTableModel* flopsModel_;
    CoreTableModel* memoryModel_;
    QTableView* paramsView_;
    QTableView* flopsView_;
    QTableView* memoryView_;
    QLabel* memoryCaption_;
};

} // namespace llamascope::gui
