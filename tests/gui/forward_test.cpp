// The forward view's runner: a run on a worker thread reports progress and ends with counts
// equal to the analytic ones; a cancelled run stops at its next layer instead of finishing;
// bad options fail with a message. Models under QAbstractItemModelTester.

#include "llamascope/bundled.hpp"
#include "llamascope/gui/background_task.hpp"
#include "llamascope/gui/compare_model.hpp"
#include "llamascope/gui/forward_runner.hpp"
#include "llamascope/gui/forward_view.hpp"
#include "llamascope/gui/workspace.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QSignalSpy>

#include <cmath>

namespace llamascope::gui {
namespace {

using Tester = QAbstractItemModelTester;

TEST(ForwardRunner, RunsOnAWorkerAndMeasuredCountsEqualAnalytic)
{
    ForwardRunner runner;
    QSignalSpy finished(&runner, &ForwardRunner::finished);
    QSignalSpy progressed(&runner, &ForwardRunner::progressed);
    ForwardOptions o;
    o.seqLen = 16;
    o.batch = 2;
    o.threads = 1;
    ASSERT_TRUE(runner.start(*loadBundled("llama_9m")->config, o));
    EXPECT_TRUE(runner.isRunning());
    EXPECT_FALSE(runner.start(*loadBundled("llama_9m")->config, o)); // one run at a time
    ASSERT_TRUE(finished.wait(test::kWaitMs));
    EXPECT_FALSE(runner.isRunning());
    EXPECT_GT(progressed.count(), 2);
    const auto result = finished.front().at(1).value<ForwardResult>();
    EXPECT_TRUE(result.paramsMatch());
    EXPECT_TRUE(result.flopsMatch());
    ASSERT_TRUE(result.loss.has_value());
    EXPECT_LT(std::abs(*result.loss - result.lnVocab), 0.5); // random init predicts ~uniformly

    ForwardResultModel model;
    Tester tester(&model, Tester::FailureReportingMode::Fatal);
    model.setResult(result);
    for (int r = 0; r < model.rowCount(); ++r) {
        const QString match = model.index(r, ForwardResultModel::MatchColumn).data().toString();
        EXPECT_TRUE(match.isEmpty() || match.startsWith(QStringLiteral("✓"))) << r;
    }
    ForwardHistoryModel history;
    Tester historyTester(&history, Tester::FailureReportingMode::Fatal);
    history.add(finished.front().at(0).value<ForwardRunInfo>(), result);
    history.add(finished.front().at(0).value<ForwardRunInfo>(), result);
    EXPECT_EQ(history.rowCount(), 2);
    model.setResult(std::nullopt);
}

TEST(ForwardRunner, ACancelledRunStopsAtItsNextLayerInsteadOfFinishing)
{
    // llama_1b at T = 512 takes far longer than the wait below on any machine (24 layers of
    // 50M random parameters each, then the arithmetic); cancelling on the first progress
    // report must end it within a layer or so.
    ForwardRunner runner;
    QSignalSpy finished(&runner, &ForwardRunner::finished);
    QSignalSpy cancelled(&runner, &ForwardRunner::cancelled);
    QSignalSpy failed(&runner, &ForwardRunner::failed);
    double lastFraction = 0;
    bool cancelSent = false;
    QObject::connect(&runner, &ForwardRunner::progressed, &runner, [&](double f, const QString&) {
        lastFraction = f;
        if (!cancelSent) {
            cancelSent = true;
            runner.cancel();
        }
    });
    ForwardOptions o;
    o.seqLen = 512;
    o.batch = 4;
    o.threads = 1;
    ASSERT_TRUE(runner.start(*loadBundled("llama_1b")->config, o));
    ASSERT_TRUE(cancelled.wait(test::kWaitMs));
    EXPECT_TRUE(cancelSent);
    EXPECT_EQ(finished.count(), 0);
    EXPECT_EQ(failed.count(), 0);
    EXPECT_FALSE(runner.isRunning());
    EXPECT_LT(lastFraction, 0.25); // stopped in the first layers, not near the end
}

TEST(ForwardRunner, BadOptionsFailWithCoresMessage)
{
    ForwardRunner runner;
    QSignalSpy failed(&runner, &ForwardRunner::failed);
    ForwardOptions o;
    o.seqLen = 4096; // longer than the learned position table (P = 1024)
    ASSERT_TRUE(runner.start(*loadBundled("llama_130m_learned_pos")->config, o));
    ASSERT_TRUE(failed.wait(test::kWaitMs));
    EXPECT_FALSE(failed.front().at(0).toString().isEmpty());
}

TEST(BackgroundTask, CancelBeforeTheFirstCheckStillEndsTheJob)
{
    BackgroundTask task;
    QSignalSpy cancelled(&task, &BackgroundTask::cancelled);
    std::atomic<bool> go{false};
    ASSERT_TRUE(task.start([&go](Progress& p) {
        while (!go.load())
            QThread::msleep(1);
        throwIfCancelled(&p);
    }));
    task.cancel();
    go.store(true);
    ASSERT_TRUE(cancelled.wait(test::kWaitMs));
    EXPECT_FALSE(task.isRunning());
}

TEST(ForwardView, OffersEveryRowOfTheCompareModel)
{
    Workspace workspace;
    workspace.addBundledFamily();
    CompareModel model;
    model.setWorkspace(&workspace);
    ForwardRunner runner;
    ForwardView view(&model, &runner);
    EXPECT_TRUE(view.selectConfig(QStringLiteral("llama_7b")));
    EXPECT_FALSE(view.selectConfig(QStringLiteral("llama_8b")));
    view.setOptions(8, 1, 3);
    ASSERT_TRUE(view.selectConfig(QStringLiteral("llama_9m")));
    QSignalSpy finished(&runner, &ForwardRunner::finished);
    ASSERT_TRUE(view.run());
    ASSERT_TRUE(finished.wait(test::kWaitMs));
    test::settle();
    EXPECT_EQ(view.historyModel()->rowCount(), 1);
    EXPECT_TRUE(view.resultModel()->hasResult());
}

} // namespace
} // namespace llamascope::gui
