#pragma once
// Plan (issue 11): the cluster, recipe, step and search restrictions on the left; core's ranked
// layouts (planTable) on the right; for the chosen layout a stacked bar of per-GPU memory by
// group against the device line, its memory terms, and the step time by cause. The search runs
// on a worker thread with progress and Cancel, and runs again when the model or an input
// changes. The model is a row of the compare model (the designer's draft included), following
// the row chosen in Compare.

// Only declarations of the planner's types here (plan_data.hpp says why).

#include "llamascope/cost.hpp"
#include "llamascope/interconnect.hpp"

#include <QWidget>

#include <optional>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QItemSelectionModel;
class QLabel;
class QLineEdit;
class QProgressBar;
class QScrollArea;
class QPushButton;
class QSettings;
class QSpinBox;
class QTableView;
class QTabWidget;
class QTimer;

namespace llamascope {
struct LayoutEvaluation;
struct PlanResult;
} // namespace llamascope

namespace llamascope::gui {

class ColumnFitter;
class CompareModel;
class PlanRunner;
struct PlanRequest;
class CoreTableModel;
class ScopeChart;

class PlanView final : public QWidget {
    Q_OBJECT
public:
    explicit PlanView(CompareModel* configs, QWidget* parent = nullptr);
    ~PlanView() override;

    /// Follows the current row of a view over `configs` (or a proxy of it): choosing a config
    /// in Compare plans it here.
    void followSelection(QItemSelectionModel* selection);

    /// Selects a config by name; false if there is none.
    bool selectConfig(const QString& name);
    [[nodiscard]] QString currentConfig() const;
    /// The search the inputs describe; nullopt with the reason in `error` when they are invalid.
    [[nodiscard]] std::optional<PlanRequest> request(QString* error = nullptr) const;
    /// Starts a search now; false (reason in the status line) if it cannot.
    bool plan();
    /// Searches the current inputs: now, or once a running search has been cancelled.
    void replan();
    void cancel();
    [[nodiscard]] bool isSearching() const;
    /// Cancels a running search and waits for its thread (closing the window).
    void cancelAndWait(int msecs);

    [[nodiscard]] PlanRunner* runner() const { return runner_; }
    /// The result shown (the last finished search).
    [[nodiscard]] const PlanResult* result() const;
    /// The layout the charts describe: a row of the ranked table, or the closest miss when
    /// nothing fits; nullptr when there is none.
    [[nodiscard]] const LayoutEvaluation* shownLayout() const;
    [[nodiscard]] CoreTableModel* layoutsModel() const { return layouts_; }
    [[nodiscard]] CoreTableModel* timeModel() const { return time_; }
    [[nodiscard]] CoreTableModel* termsModel() const { return terms_; }
    [[nodiscard]] QTableView* layoutsView() const { return layoutsView_; }
    [[nodiscard]] ScopeChart* memoryChart() const { return memoryChart_; }
    [[nodiscard]] ScopeChart* timeChart() const { return timeChart_; }
    [[nodiscard]] QString statusText() const;
    [[nodiscard]] QString summaryText() const;

    void saveSettings(QSettings& s) const;
    void restoreSettings(const QSettings& s);

protected:
    void showEvent(QShowEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

signals:
    void statusMessage(const QString& text);
    /// A search finished and its result is shown.
    void planned();
    /// A search ended: finished, cancelled or failed.
    void searchEnded();

private:
    QWidget* buildInputs();
    void repopulate();
    void schedule();
    void showResult();
    void showLayout(int row);
    void setRunning(bool running);
    void updateEnabled();
    void setError(const QString& text);

    CompareModel* configs_;
    AcceleratorTable accelerators_;
    InterconnectTable links_;
    PlanRunner* runner_;
    CoreTableModel* layouts_;
    CoreTableModel* time_;
    CoreTableModel* terms_;
    QTimer* debounce_;
    bool pending_ = false; ///< inputs changed while a search ran: search again when it ends
    bool stale_ = true;    ///< inputs changed while the view was hidden: search when shown
    int shownRow_ = -1;

    QComboBox* config_ = nullptr;
    // Cluster.
    QComboBox* device_ = nullptr;
    QSpinBox* gpus_ = nullptr;
    QSpinBox* nodes_ = nullptr;
    QSpinBox* perNode_ = nullptr;
    QComboBox* intra_ = nullptr;
    QComboBox* inter_ = nullptr;
    QDoubleSpinBox* price_ = nullptr;
    // Recipe.
    QComboBox* optimizer_ = nullptr;
    QSpinBox* rank_ = nullptr;
    QComboBox* weightDtype_ = nullptr;
    QComboBox* master_ = nullptr;
    QComboBox* gradDtype_ = nullptr;
    QComboBox* attention_ = nullptr;
    QCheckBox* fusedNorm_ = nullptr;
    QCheckBox* fusedSwiglu_ = nullptr;
    QCheckBox* fusedCe_ = nullptr;
    QCheckBox* vocabParallel_ = nullptr;
    // Step and run.
    QSpinBox* seq_ = nullptr;
    QLineEdit* globalBatch_ = nullptr;
    QDoubleSpinBox* tolerance_ = nullptr;
    QDoubleSpinBox* headroom_ = nullptr;
    QDoubleSpinBox* efficiency_ = nullptr;
    QComboBox* precision_ = nullptr;
    QComboBox* convention_ = nullptr;
    QCheckBox* overlap_ = nullptr;
    QLineEdit* tokens_ = nullptr;
    // Search.
    QSpinBox* dp_ = nullptr;
    QSpinBox* tp_ = nullptr;
    QSpinBox* pp_ = nullptr;
    QSpinBox* cp_ = nullptr;
    QComboBox* zero_ = nullptr;
    QComboBox* recompute_ = nullptr;
    QSpinBox* microBatch_ = nullptr;
    QComboBox* sp_ = nullptr;
    QComboBox* hybrid_ = nullptr;
    QSpinBox* maxTp_ = nullptr;
    QSpinBox* top_ = nullptr;

    QPushButton* plan_ = nullptr;
    QPushButton* cancel_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QLabel* stage_ = nullptr;
    QLabel* status_ = nullptr;
    QLabel* summary_ = nullptr;
    QTableView* layoutsView_ = nullptr;
    QLabel* detail_ = nullptr;
    ScopeChart* memoryChart_ = nullptr;
    ScopeChart* timeChart_ = nullptr;
    QTableView* timeView_ = nullptr;
    QTableView* termsView_ = nullptr;
    QTabWidget* lower_ = nullptr;
    QScrollArea* inputsScroll_ = nullptr;
    ColumnFitter* layoutsFit_ = nullptr;
    ColumnFitter* timeFit_ = nullptr;
    ColumnFitter* termsFit_ = nullptr;
};

} // namespace llamascope::gui
