#pragma once
// Charts: five ScopeCharts fed from the compare model (through the table's proxy), each with
// its options and PNG/SVG export. Model changes are coalesced into one rebuild of the visible
// chart; hidden charts rebuild when shown.

#include "llamascope/gui/chart_data.hpp"

#include <QWidget>

#include <array>

class QAbstractItemModel;
class QItemSelectionModel;
class QComboBox;
class QSettings;
class QSpinBox;
class QCheckBox;
class QTabWidget;
class QTimer;

namespace llamascope::gui {

class ScopeChart;

class ChartsView final : public QWidget {
    Q_OBJECT
public:
    enum class Kind { Parameters = 0, Flops = 1, Shape = 2, Memory = 3, Published = 4 };

    explicit ChartsView(QAbstractItemModel* model, QWidget* parent = nullptr);

    /// The Compare table's row selection (over the same model): selected configs are drawn
    /// in front and in full colour, the others faded.
    void setSelectionModel(QItemSelectionModel* selection);

    void showChart(Kind kind);
    [[nodiscard]] Kind currentKind() const;
    [[nodiscard]] ScopeChart* chart(Kind kind) const { return charts_[static_cast<std::size_t>(kind)]; }

    /// Rebuilds every chart now (tests, screenshots, benchmarks); normally rebuilds are lazy.
    void rebuildAll();
    /// Rebuilds the visible chart now if the model changed since its last build.
    void flush();

    /// Draws the memory of an accelerator (core's table key, e.g. "h100-sxm") on the memory
    /// chart; an empty or unknown key removes the line. False if the key is unknown.
    bool setMemoryDevice(const QString& key);

    /// Asks for a file and exports the visible chart (PNG or SVG by extension).
    void exportCurrent(bool svg);

    void saveSettings(QSettings& s) const;
    void restoreSettings(const QSettings& s);

signals:
    void statusMessage(const QString& text);

protected:
    void showEvent(QShowEvent* event) override;

private:
    QWidget* makePage(Kind kind);
    void markDirty();
    void rebuild(Kind kind);

    QAbstractItemModel* model_;
    QItemSelectionModel* selection_ = nullptr;
    QTabWidget* tabs_;
    std::array<ScopeChart*, 5> charts_{};
    std::array<bool, 5> dirty_{true, true, true, true, true};
    QTimer* coalesce_;

    QComboBox* paramScale_ = nullptr;
    QComboBox* convention_ = nullptr;
    QComboBox* mask_ = nullptr;
    QComboBox* maxSeq_ = nullptr;
    QSpinBox* batch_ = nullptr;
    QComboBox* memSeq_ = nullptr;
    QSpinBox* rank_ = nullptr;
    QCheckBox* recompute_ = nullptr;
    QComboBox* attention_ = nullptr;
    QComboBox* device_ = nullptr;
};

} // namespace llamascope::gui
