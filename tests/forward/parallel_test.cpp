// ThreadTeam (core/src/forward/parallel.hpp): every piece of every region runs exactly once,
// regions follow each other without leaking work (after gaps shorter and longer than the
// workers' polling), exceptions reach the caller.

#include "parallel.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

namespace llamascope {
namespace {

TEST(ThreadTeam, RunsEveryPieceOnceInEveryRegion)
{
    for (const int threads : {1, 2, 3, 8}) {
        ThreadTeam team(threads);
        EXPECT_EQ(team.size(), threads);
        for (Count n : {Count{0}, Count{1}, Count{2}, Count{7}, Count{100}, Count{1000}}) {
            std::vector<std::atomic<int>> hits(static_cast<std::size_t>(n));
            std::atomic<int> badWorker{0};
            team.run(n, [&](Count i, int worker) {
                hits[static_cast<std::size_t>(i)]++;
                if (worker < 0 || worker >= threads)
                    badWorker++;
            });
            for (Count i = 0; i < n; ++i)
                ASSERT_EQ(hits[static_cast<std::size_t>(i)].load(), 1)
                    << threads << " threads, n " << n << ", i " << i;
            EXPECT_EQ(badWorker.load(), 0);
        }
    }
}

TEST(ThreadTeam, ChunksCoverTheRangeOnAlignedBoundaries)
{
    ThreadTeam team(3);
    for (const Count n : {Count{1}, Count{31}, Count{32}, Count{1000}, Count{12345}}) {
        std::vector<std::atomic<int>> hits(static_cast<std::size_t>(n));
        std::atomic<int> misaligned{0};
        team.chunks(
            n,
            [&](Count begin, Count end, int) {
                if (begin % 32 != 0)
                    misaligned++;
                for (Count i = begin; i < end; ++i)
                    hits[static_cast<std::size_t>(i)]++;
            },
            32);
        for (Count i = 0; i < n; ++i)
            ASSERT_EQ(hits[static_cast<std::size_t>(i)].load(), 1) << n << " at " << i;
        EXPECT_EQ(misaligned.load(), 0);
    }
}

TEST(ThreadTeam, AnExceptionReachesTheCallerAfterTheRegionEnds)
{
    ThreadTeam team(2);
    std::atomic<int> ran{0};
    EXPECT_THROW(team.run(50,
                          [&](Count i, int) {
                              ran++;
                              if (i == 17)
                                  throw std::runtime_error("piece 17");
                          }),
                 std::runtime_error);
    EXPECT_EQ(ran.load(), 50); // the other pieces still ran
    std::atomic<int> after{0};
    team.run(10, [&](Count, int) { after++; }); // and the team still works
    EXPECT_EQ(after.load(), 10);
}

TEST(ThreadTeam, ManyShortRegionsInARow)
{
    // Workers that wake late must not run a finished region's pieces or miss the next one.
    ThreadTeam team(4);
    std::atomic<Count> sum{0};
    for (int region = 0; region < 2000; ++region)
        team.run(3, [&](Count i, int) { sum += i + 1; });
    EXPECT_EQ(sum.load(), 2000 * 6);
}

TEST(ThreadTeam, RegionsAfterLongAndShortGapsBothRunEveryPiece)
{
    // Between regions a worker polls for up to 50 µs, then sleeps: gaps of 0, 20 µs (seen while
    // polling) and 2 ms (seen after sleeping) each start a region that every worker can join.
    ThreadTeam team(3);
    std::atomic<Count> sum{0};
    std::atomic<int> helped{0};
    const std::chrono::microseconds gaps[] = {std::chrono::microseconds{0}, std::chrono::microseconds{20},
                                              std::chrono::microseconds{2000}};
    for (int region = 0; region < 300; ++region) {
        std::this_thread::sleep_for(gaps[region % 3]);
        team.run(64, [&](Count i, int worker) {
            sum += i;
            if (worker != 0)
                helped++;
            std::this_thread::sleep_for(std::chrono::microseconds{5}); // long enough to share
        });
    }
    EXPECT_EQ(sum.load(), Count{300} * (63 * 64 / 2));
    EXPECT_GT(helped.load(), 0); // the workers took part, asleep or polling
}

} // namespace
} // namespace llamascope
