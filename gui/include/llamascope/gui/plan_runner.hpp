#pragma once
// The plan view's controller (issue 11): core's planTraining() on a worker thread with progress
// and Cancel (the BackgroundTask pattern of the forward runner). The planner's types are only
// declared here (see plan_data.hpp for why).

#include <QObject>
#include <QString>

#include <functional>
#include <memory>

namespace llamascope {
struct PlanResult;
} // namespace llamascope

namespace llamascope::gui {

class BackgroundTask;
struct PlanRequest;

class PlanRunner final : public QObject {
    Q_OBJECT
public:
    explicit PlanRunner(QObject* parent = nullptr);
    ~PlanRunner() override;

    /// Starts a search; false if one is still running.
    bool start(const PlanRequest& request);
    void cancel();
    [[nodiscard]] bool isRunning() const;
    [[nodiscard]] BackgroundTask* task() const { return task_; }
    /// The last finished search (kept when a later one is cancelled or fails); null before.
    [[nodiscard]] const PlanResult* result() const { return result_.get(); }

    /// Tests: runs on the worker before the search starts, so a Cancel can be made to land
    /// while the search is under way whatever the machine's speed.
    void setWorkerGate(std::function<void()> gate) { gate_ = std::move(gate); }

signals:
    void started();
    void progressed(double fraction, const QString& stage);
    void finished();
    void cancelled();
    void failed(const QString& message);

private:
    BackgroundTask* task_;
    std::shared_ptr<const PlanResult> result_;
    std::function<void()> gate_;
};

} // namespace llamascope::gui
