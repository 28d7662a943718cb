#pragma once
// The forward view's controller and models: runForward() (core, SPEC §11) on a worker thread
// with progress and Cancel, the analytic-vs-measured table of a run, and the session's runs.

#include "llamascope/forward/forward.hpp"

#include <QAbstractTableModel>
#include <QObject>
#include <QString>

#include <vector>

namespace llamascope::gui {

class BackgroundTask;

/// One run's inputs, for display next to its result.
struct ForwardRunInfo {
    QString configName;
    ForwardOptions options;
    QString weights; ///< "random init (seed 0)" or a checkpoint path
};

class ForwardRunner final : public QObject {
    Q_OBJECT
public:
    explicit ForwardRunner(QObject* parent = nullptr);

    /// Starts a run: random init from `options.seed` when `checkpoint` is empty, else the
    /// safetensors file, index or folder. False if a run is already going.
    bool start(const ModelConfig& config, const ForwardOptions& options, const QString& checkpoint = {});
    void cancel();
    [[nodiscard]] bool isRunning() const;
    [[nodiscard]] BackgroundTask* task() const { return task_; }

signals:
    void started(const ForwardRunInfo& info);
    void progressed(double fraction, const QString& stage);
    void finished(const ForwardRunInfo& info, const ForwardResult& result);
    void cancelled();
    void failed(const QString& message);

private:
    BackgroundTask* task_;
};

/// Analytic against measured: parameters by component and matmul FLOPs by op.
class ForwardResultModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { QuantityColumn, AnalyticColumn, MeasuredColumn, MatchColumn, ColumnCount };
    explicit ForwardResultModel(QObject* parent = nullptr);

    void setResult(const std::optional<ForwardResult>& result);
    [[nodiscard]] bool hasResult() const { return result_.has_value(); }

    [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role = Qt::DisplayRole) const override;

private:
    struct Row {
        QString label;
        Count analytic = 0;
        Count measured = 0;
        bool heading = false;
    };
    std::optional<ForwardResult> result_;
    std::vector<Row> rows_;
};

/// Every run of this session, newest first.
class ForwardHistoryModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    explicit ForwardHistoryModel(QObject* parent = nullptr);

    void add(const ForwardRunInfo& info, const ForwardResult& result);
    [[nodiscard]] const ForwardResult& result(int row) const;
    [[nodiscard]] const ForwardRunInfo& info(int row) const;

    [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role = Qt::DisplayRole) const override;

private:
    std::vector<std::pair<ForwardRunInfo, ForwardResult>> runs_;
};

} // namespace llamascope::gui

Q_DECLARE_METATYPE(llamascope::gui::ForwardRunInfo)
Q_DECLARE_METATYPE(llamascope::ForwardResult)
