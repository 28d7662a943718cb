#pragma once
// Forward: pick a config (any row of the compare model, the designer's draft included), T, B,
// seed and weights; run core's reference forward pass on a worker thread with progress and
// Cancel; show analytic against measured counts, the loss next to ln V, and the speed.

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSettings;
class QSpinBox;
class QTableView;
class QElapsedTimer;

namespace llamascope::gui {

class CompareModel;
class ForwardHistoryModel;
class ForwardResultModel;
class ForwardRunner;
struct ForwardRunInfo;

class ForwardView final : public QWidget {
    Q_OBJECT
public:
    ForwardView(CompareModel* configs, ForwardRunner* runner, QWidget* parent = nullptr);
    ~ForwardView() override;

    /// Selects a config by name; false if there is none.
    bool selectConfig(const QString& name);
    void setOptions(int seqLen, int batch, int seed);
    /// Starts a run with the current inputs; false (reason in the status line) if it cannot.
    bool run();
    void cancel();

    [[nodiscard]] ForwardResultModel* resultModel() const { return results_; }
    [[nodiscard]] ForwardHistoryModel* historyModel() const { return history_; }
    [[nodiscard]] QString statusText() const;

    void saveSettings(QSettings& s) const;
    void restoreSettings(const QSettings& s);

signals:
    void statusMessage(const QString& text);

private:
    void repopulate();
    void updatePlan();
    void showRun(int historyRow);
    void setRunning(bool running);

    CompareModel* configs_;
    ForwardRunner* runner_;
    ForwardResultModel* results_;
    ForwardHistoryModel* history_;
    QComboBox* config_;
    QSpinBox* seq_;
    QSpinBox* batch_;
    QSpinBox* seed_;
    QSpinBox* threads_;
    QLineEdit* checkpoint_;
    QLabel* plan_;
    QPushButton* run_;
    QPushButton* cancel_;
    QProgressBar* progress_;
    QLabel* stage_;
    QLabel* status_;
    QLabel* summary_;
    QTableView* table_;
    QTableView* historyView_;
    QElapsedTimer* clock_;
};

} // namespace llamascope::gui
