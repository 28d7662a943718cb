#pragma once
// Long work off the GUI thread (STYLE.md "GUI"): a job runs on its own QThread with a
// llamascope::Progress that turns report() into a queued Qt signal and isCancelled() into an
// atomic flag the Cancel button sets (the QgsFeedback pattern). One job at a time per task.

#include "llamascope/progress.hpp"

#include <QObject>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>

class QThread;

namespace llamascope::gui {

/// Progress for a worker thread. report() may be called from any thread: the signal is
/// delivered to receivers in their own thread (queued). cancel() is safe from any thread.
class QtProgress final : public QObject, public Progress {
    Q_OBJECT
public:
    explicit QtProgress(QObject* parent = nullptr) : QObject(parent) {}

    void report(double fraction, std::string_view stage) override;
    [[nodiscard]] bool isCancelled() const override { return cancelled_.load(); }

    void cancel() { cancelled_.store(true); }
    void reset() { cancelled_.store(false); }

signals:
    void progressed(double fraction, const QString& stage);

private:
    std::atomic<bool> cancelled_{false};
};

/// Runs one job at a time on a worker thread. The job receives the Progress to poll; it
/// reports its result by side effect (capture a shared_ptr). Exactly one of finished(),
/// cancelled() or failed() follows every successful start(), in the GUI thread, after the
/// worker has ended. The destructor cancels a running job and waits for it.
class BackgroundTask final : public QObject {
    Q_OBJECT
public:
    using Job = std::function<void(Progress&)>;

    explicit BackgroundTask(QObject* parent = nullptr);
    ~BackgroundTask() override;

    /// Starts `job`; returns false (and does nothing) if a job is still running.
    bool start(Job job);
    /// Asks the running job to stop at its next check. No effect when idle.
    void cancel();
    [[nodiscard]] bool isRunning() const { return thread_ != nullptr; }
    /// Blocks until the worker ends (tests, shutdown); true if it ended within `msecs`.
    bool wait(int msecs);

signals:
    void started();
    void progressed(double fraction, const QString& stage);
    void finished();
    void cancelled();
    void failed(const QString& message);

private:
    void onThreadFinished();

    enum class Outcome { Finished, Cancelled, Failed };
    struct State {
        Outcome outcome = Outcome::Finished;
        QString message;
    };

    QtProgress progress_;
    QThread* thread_ = nullptr;
    std::shared_ptr<State> state_;
};

} // namespace llamascope::gui
