#pragma once
// Side by side: 2–6 chosen configs in columns, one row per config key and derived metric
// (core's diffConfigs — the same rows `llamascope compare --diff A B` prints), differences
// highlighted, ratios to the first config, and Copy/Export of core's diff table.

#include "llamascope/analysis.hpp"
#include "llamascope/views.hpp"

#include <QAbstractTableModel>
#include <QWidget>

#include <optional>
#include <vector>

class QCheckBox;
class QLabel;
class QTableView;

namespace llamascope::gui {

/// Core's ConfigDiff as a table: column 0 the quantity, then each config's value, each
/// followed (from the second config on) by its ratio to the first when ratios are shown.
class DiffModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    /// The most configs shown side by side: beyond six the columns stop being readable.
    static constexpr int kMaxConfigs = 6;

    explicit DiffModel(QObject* parent = nullptr);

    /// Fewer than two analyses clear the model. More than kMaxConfigs keep the first six.
    void setAnalyses(const std::vector<Analysis>& analyses);
    void setOnlyDifferences(bool on);
    void setShowRatios(bool on);
    [[nodiscard]] bool onlyDifferences() const { return onlyDifferences_; }
    [[nodiscard]] bool showRatios() const { return ratios_; }
    [[nodiscard]] const std::optional<ConfigDiff>& diff() const { return diff_; }
    /// Rows of the diff whose values differ (whatever is shown).
    [[nodiscard]] int differingRows() const;

    /// Core's diff table with the current options (what Copy and Export write).
    [[nodiscard]] Table table() const;

    /// The diff row shown at `row`, or null.
    [[nodiscard]] const DiffRow* diffRow(int row) const;
    /// For a column: the config it shows (-1 for the quantity column) and whether it is a ratio.
    [[nodiscard]] std::pair<int, bool> columnRole(int column) const;

    [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role = Qt::DisplayRole) const override;

private:
    void rebuildRows();

    std::optional<ConfigDiff> diff_;
    std::vector<int> rows_; ///< indices into diff_->rows that are shown
    bool onlyDifferences_ = false;
    bool ratios_ = true;
};

/// The side-by-side panel: a one-line summary, options, Copy/Export and the table.
class DiffView final : public QWidget {
    Q_OBJECT
public:
    explicit DiffView(QWidget* parent = nullptr);

    /// Shows `analyses` side by side; `selected` is how many the user chose (a note says when
    /// only the first six are shown).
    void setAnalyses(const std::vector<Analysis>& analyses, int selected);
    [[nodiscard]] DiffModel* model() const { return model_; }
    [[nodiscard]] QTableView* tableView() const { return table_; }
    [[nodiscard]] QCheckBox* onlyDifferencesBox() const { return onlyDifferences_; }
    /// Core's diff table as CSV or Markdown (what Copy puts on the clipboard).
    [[nodiscard]] QString text(bool markdown) const;
    void copy(bool markdown);
    void exportDiff();

signals:
    void statusMessage(const QString& text);

private:
    void updateSummary(int selected);
    void fitColumns();

    DiffModel* model_;
    QLabel* summary_;
    QCheckBox* onlyDifferences_;
    QCheckBox* ratios_;
    QTableView* table_;
    int selected_ = 0;
};

} // namespace llamascope::gui
