#pragma once
// Internal: the one place the forward pass starts threads. Each parallel region starts its
// own std::threads and joins them before returning: no pool, no process-wide setting, and no
// spinning workers competing with other processes for the cores between regions (a region
// costs tens of microseconds to start, against milliseconds of work).

#include "llamascope/checked.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace llamascope {

/// Runs body(worker) for worker in [0, workers) concurrently (worker 0 on the calling thread)
/// and rethrows the first exception after all have finished.
template <typename Body>
void runWorkers(int workers, Body&& body)
{
    if (workers <= 1) {
        body(0);
        return;
    }
    std::exception_ptr error;
    std::mutex errorMutex;
    auto guarded = [&](int worker) {
        try {
            body(worker);
        } catch (...) {
            const std::lock_guard<std::mutex> lock(errorMutex);
            if (!error)
                error = std::current_exception();
        }
    };
    std::vector<std::thread> threads;
    threads.reserve(static_cast<std::size_t>(workers - 1));
    for (int w = 1; w < workers; ++w)
        threads.emplace_back(guarded, w);
    guarded(0);
    for (std::thread& t : threads)
        t.join();
    if (error)
        std::rethrow_exception(error);
}

/// Calls fn(begin, end) — or fn(begin, end, worker) with worker in [0, threads), for per-thread
/// scratch — on up to `threads` contiguous, near-equal chunks of [0, n), in parallel. Chunk
/// boundaries are multiples of `align` (except the last).
template <typename Fn>
void parallelChunks(Count n, int threads, Fn&& fn, Count align = 1)
{
    const Count units = (n + align - 1) / align;
    const int parts = static_cast<int>(std::clamp<Count>(units, 1, std::max(threads, 1)));
    runWorkers(parts, [&](int p) {
        const Count begin = std::min(n, units * p / parts * align);
        const Count end = std::min(n, units * (p + 1) / parts * align);
        if (begin >= end)
            return;
        if constexpr (std::is_invocable_v<Fn&, Count, Count, int>)
            fn(begin, end, p);
        else
            fn(begin, end);
    });
}

/// Calls fn(i, worker) for every i in [0, n) on up to `threads` threads, each taking the next
/// unclaimed i; `worker` in [0, threads) identifies the calling thread (for scratch buffers).
template <typename Fn>
void parallelFor(Count n, int threads, Fn&& fn)
{
    const int workers = static_cast<int>(std::clamp<Count>(n, 1, std::max(threads, 1)));
    std::atomic<Count> next{0};
    runWorkers(workers, [&](int worker) {
        for (Count i = next++; i < n; i = next++)
            fn(i, worker);
    });
}

} // namespace llamascope
