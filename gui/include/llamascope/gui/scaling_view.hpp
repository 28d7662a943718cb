#pragma once
// Scaling (issue 12, "See it"): a runs table as points over tokens D and parameters N (log-log,
// coloured by model size), the fitted law's iso-loss contours and compute-optimal frontier, and
// a model — the designer's config or one from the workspace — at a token budget, with its
// predicted loss and interval. Every number comes from core's scaling API (readRunsFile,
// fitLaw, scalingChart, predictLoss); the fit with its bootstrap runs on a worker thread with
// progress and Cancel. Bad runs tables show the CLI's own messages (file:line: column).

#include "llamascope/analysis.hpp"
#include "llamascope/gui/chart_spec.hpp"
#include "llamascope/scaling.hpp"

#include <QString>
#include <QWidget>

#include <optional>

class QAbstractItemModel;
class QComboBox;
class QItemSelectionModel;
class QLabel;
class QLineEdit;
class QProgressBar;
class QSettings;
class QPushButton;
class QSpinBox;

namespace llamascope::gui {

class BackgroundTask;
class DesignerDocument;
class ScopeChart;

/// The model drawn over the law: its name and core's prediction at its token budget.
struct ScalingMarker {
    QString name;  ///< where it comes from ("designer: llama_1b") — the legend
    QString label; ///< the config's name — the label beside the point
    LossPrediction prediction;
};

/// Which plane the chart shows.
enum class ScalingPlot {
    ParamsOverTokens, ///< N up, D across (log-log): iso-loss contours and the frontier
    LossOverTokens,   ///< loss up, D across (log): each size's law curve through its runs
};

/// The chart for `data` (from core's scalingChart) under `law`, with `runs` for tooltips and
/// `marker` (the chosen model) when set.
ChartSpec scalingChartSpec(const ScalingChartData& data, const ScalingLaw& law, const RunsTable* runs,
                           const std::optional<ScalingMarker>& marker,
                           ScalingPlot plot = ScalingPlot::ParamsOverTokens);

class ScalingView final : public QWidget {
    Q_OBJECT
public:
    /// Which law is drawn: the fit of the opened runs, or a published preset.
    enum class LawChoice { Fit = 0, Chinchilla = 1, Besiroglu = 2 };

    /// `models`: the compare model (workspace configs and the designer's draft); `document`:
    /// the designer's document. Either may be null.
    ScalingView(QAbstractItemModel* models, DesignerDocument* document, QWidget* parent = nullptr);
    ~ScalingView() override;

    /// Reads a runs table (core's readRunsFile with the chosen N convention). On problems shows
    /// them as the CLI prints them and returns false; otherwise starts the fit and returns true.
    bool openRuns(const QString& path);
    /// Asks for a runs table (CSV or JSON lines) and opens it.
    void openRunsDialog();
    /// Fits the opened runs again with the current options (in the background).
    bool startFit();
    void cancelFit();
    [[nodiscard]] bool isFitting() const;
    /// Blocks until the fit ends (tests); true if it ended within `msecs`.
    bool waitForFit(int msecs);

    /// The fit options the controls give (the CLI's defaults otherwise).
    [[nodiscard]] FitOptions fitOptions() const;
    [[nodiscard]] ParamCount paramCount() const;
    void setDropHighest(int k);
    void setBootstrap(int resamples);

    void setPlot(ScalingPlot plot);
    [[nodiscard]] ScalingPlot plot() const;

    void setLawChoice(LawChoice choice);
    [[nodiscard]] LawChoice lawChoice() const;
    /// The law drawn now.
    [[nodiscard]] const ScalingLaw& law() const { return law_; }
    [[nodiscard]] const std::optional<RunsTable>& runs() const { return runs_; }
    [[nodiscard]] const std::optional<FitResult>& fit() const { return fit_; }
    [[nodiscard]] const ScalingChartData& chartData() const { return data_; }

    /// The models offered: index 0 is the designer's config, then the workspace's configs.
    [[nodiscard]] QStringList modelNames() const;
    void setModelIndex(int index);
    /// The Compare table's selection (over a proxy of `models`): one config selected there
    /// becomes the model drawn here.
    void setSelectionModel(QItemSelectionModel* selection);
    /// The training tokens of the model ("300B", "1.4e12"); false (and a message) if unreadable.
    bool setTokens(const QString& text);
    /// Core's prediction for the chosen model at its tokens, when there is one.
    [[nodiscard]] const std::optional<ScalingMarker>& marker() const { return marker_; }

    [[nodiscard]] ScopeChart* chart() const { return chart_; }
    /// The problems of the last runs table or fit (empty when none).
    [[nodiscard]] QString errorText() const;
    [[nodiscard]] QString summaryText() const;

    /// Writes the chart as PNG or SVG (by `svg`); false with `error` set on failure.
    bool exportTo(const QString& path, bool svg, QString* error = nullptr);
    /// Asks for a file and exports the chart.
    void exportDialog(bool svg);

    /// Fit options, N convention, law, model and tokens between runs (not the runs table: a
    /// fit is long work the user starts).
    void saveSettings(QSettings& s) const;
    void restoreSettings(const QSettings& s);

    [[nodiscard]] QPushButton* cancelButton() const { return cancel_; }
    [[nodiscard]] QProgressBar* progressBar() const { return progress_; }

protected:
    void showEvent(QShowEvent* event) override;

signals:
    void statusMessage(const QString& text);
    void fitFinished();
    void fitCancelled();
    void fitFailed(const QString& message);

private:
    void refreshModels();
    void updateLawChoices();
    void updateLaw();
    void updateMarker();
    void redraw();
    void rebuildChart();
    void showError(const QString& text);
    [[nodiscard]] std::optional<Analysis> chosenAnalysis(QString* name) const;

    QAbstractItemModel* models_;
    QItemSelectionModel* selection_ = nullptr;
    DesignerDocument* document_;
    BackgroundTask* task_;
    ScopeChart* chart_;
    QComboBox* lawBox_;
    QComboBox* plotBox_;
    QComboBox* countBox_;
    QSpinBox* drop_;
    QSpinBox* bootstrap_;
    QPushButton* fitButton_;
    QProgressBar* progress_;
    QPushButton* cancel_;
    QComboBox* modelBox_;
    QLineEdit* tokensEdit_;
    QLabel* runsLabel_;
    QLabel* prediction_;
    QLabel* summary_;
    QLabel* errors_;

    QString runsPath_;
    std::optional<RunsTable> runs_;
    std::optional<FitResult> fit_;
    ScalingLaw law_;
    ScalingChartData data_;
    double tokens_ = 0;
    std::optional<ScalingMarker> marker_;
    bool stale_ = false; ///< redraw() waited for the view to be shown
};

} // namespace llamascope::gui
