#include "llamascope/gui/background_task.hpp"

#include "llamascope/errors.hpp"

#include <QThread>

#include <exception>

namespace llamascope::gui {

void QtProgress::report(double fraction, std::string_view stage)
{
    emit progressed(fraction, QString::fromUtf8(stage.data(), static_cast<qsizetype>(stage.size())));
}

BackgroundTask::BackgroundTask(QObject* parent) : QObject(parent)
{
    // progress_ lives in this (GUI) thread; report() runs in the worker, so the connection
    // is queued and receivers get progress in the GUI thread.
    connect(&progress_, &QtProgress::progressed, this, &BackgroundTask::progressed);
}

BackgroundTask::~BackgroundTask()
{
    if (thread_ != nullptr) {
        progress_.cancel();
        thread_->wait();
        delete thread_;
        thread_ = nullptr;
    }
}

bool BackgroundTask::start(Job job)
{
    if (thread_ != nullptr)
        return false;
    progress_.reset();
    auto state = std::make_shared<State>();
    state_ = state;
    Progress* progress = &progress_;
    thread_ = QThread::create([job = std::move(job), state, progress] {
        // Exceptions never cross the thread boundary: they become the outcome.
        try {
            job(*progress);
            state->outcome = Outcome::Finished;
        } catch (const Cancelled&) {
            state->outcome = Outcome::Cancelled;
        } catch (const std::exception& e) {
            state->outcome = Outcome::Failed;
            state->message = QString::fromUtf8(e.what());
        } catch (...) {
            state->outcome = Outcome::Failed;
            state->message = QStringLiteral("unknown error");
        }
    });
    connect(thread_, &QThread::finished, this, &BackgroundTask::onThreadFinished, Qt::QueuedConnection);
    thread_->start();
    emit started();
    return true;
}

void BackgroundTask::cancel()
{
    if (thread_ != nullptr)
        progress_.cancel();
}

bool BackgroundTask::wait(int msecs)
{
    if (thread_ == nullptr)
        return true;
    return thread_->wait(QDeadlineTimer(msecs));
}

void BackgroundTask::onThreadFinished()
{
    if (thread_ == nullptr)
        return;
    thread_->wait();
    delete thread_;
    thread_ = nullptr;
    const std::shared_ptr<State> state = std::move(state_);
    // A cancel that arrived after the job's last check still counts as a completed job.
    switch (state->outcome) {
    case Outcome::Finished: emit finished(); break;
    case Outcome::Cancelled: emit cancelled(); break;
    case Outcome::Failed: emit failed(state->message); break;
    }
}

} // namespace llamascope::gui
