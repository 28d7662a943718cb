#pragma once
// Internal: the one place the forward pass starts threads. Never a process-wide pool or
// setting, and never a worker spinning for long against other processes for the cores:
// - runWorkers / parallelChunks / parallelFor start their own std::threads per call and join
//   them before returning (random init, one region at a time);
// - ThreadTeam belongs to one forward pass (ops::Context): between regions its workers poll
//   for the next region for at most kSpin (50 µs), then sleep on a condition variable, and a
//   region ends when its pieces are done, not when every worker has woken up, so a worker the
//   OS runs late (the cores may be shared) costs nothing. The calling thread polls as long for
//   a region's last piece before it sleeps. 160 regions a pass (llama_130m) made the OS's
//   wake-ups, tens of microseconds each on a virtual machine, part of every region's time.

#include "llamascope/checked.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
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

/// `threads` − 1 sleeping workers plus the calling thread, for the regions of one forward pass.
class ThreadTeam {
public:
    explicit ThreadTeam(int threads) : size_(std::max(threads, 1))
    {
        workers_.reserve(static_cast<std::size_t>(size_ - 1));
        try {
            for (int w = 1; w < size_; ++w)
                workers_.emplace_back([this, w] { work(w); });
        } catch (...) {
            stopAll();
            throw;
        }
    }
    ~ThreadTeam() { stopAll(); }
    ThreadTeam(const ThreadTeam&) = delete;
    ThreadTeam& operator=(const ThreadTeam&) = delete;

    [[nodiscard]] int size() const { return size_; }

    /// Calls fn(i, worker) for every i in [0, n), each i once, on the calling thread (worker 0)
    /// and whichever workers are awake, each taking the next unclaimed i; returns when all n
    /// calls have returned, rethrowing the first exception. `worker` is in [0, size()).
    template <typename Fn>
    void run(Count n, Fn&& fn)
    {
        if (n <= 0)
            return;
        std::unique_lock<std::mutex> lock(mutex_);
        call_ = [](void* f, Count i, int worker) {
            (*static_cast<std::remove_reference_t<Fn>*>(f))(i, worker);
        };
        fn_ = static_cast<void*>(&fn);
        n_ = n;
        next_ = 0;
        done_ = 0;
        error_ = nullptr;
        generation_.fetch_add(1, std::memory_order_release);
        lock.unlock();
        wake_.notify_all();
        lock.lock();
        claim(lock, 0);
        if (done_ != n_) {
            lock.unlock();
            spinUntil([this] { return done_.load(std::memory_order_acquire) == n_; });
            lock.lock();
        }
        finished_.wait(lock, [this] { return done_ == n_; });
        n_ = 0; // late workers find nothing to claim
        if (error_)
            std::rethrow_exception(error_);
    }

    /// Splits [0, n) into about four chunks per thread (boundaries multiples of `align`, except
    /// the last) and calls fn(begin, end, worker) on each, as run() does.
    template <typename Fn>
    void chunks(Count n, Fn&& fn, Count align = 1)
    {
        const Count units = (n + align - 1) / align;
        const Count pieces = std::clamp<Count>(units, 1, 4 * Count{size_});
        run(pieces, [&](Count p, int worker) {
            const Count begin = std::min(n, units * p / pieces * align);
            const Count end = std::min(n, units * (p + 1) / pieces * align);
            if (begin < end)
                fn(begin, end, worker);
        });
    }

private:
    void stopAll()
    {
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            stop_ = true;
        }
        wake_.notify_all();
        for (std::thread& t : workers_)
            t.join();
    }

    // Runs unclaimed pieces with the lock released around each call.
    void claim(std::unique_lock<std::mutex>& lock, int worker)
    {
        while (next_ < n_) {
            const Count i = next_++;
            void (*call)(void*, Count, int) = call_;
            void* fn = fn_;
            lock.unlock();
            try {
                call(fn, i, worker);
            } catch (...) {
                lock.lock();
                if (!error_)
                    error_ = std::current_exception();
                lock.unlock();
            }
            lock.lock();
            if (++done_ == n_)
                finished_.notify_one();
        }
    }

    // Polls ready() for at most kSpin, so that a region that starts or ends right away is seen
    // without a sleep and a wake-up through the OS; then gives up, and the caller sleeps on its
    // condition variable.
    template <typename Ready>
    static void spinUntil(Ready ready)
    {
        const auto until = std::chrono::steady_clock::now() + kSpin;
        while (!ready()) {
            for (int i = 0; i < 16; ++i)
                pause();
            if (std::chrono::steady_clock::now() > until)
                return;
        }
    }
    static void pause()
    {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    }
    static constexpr std::chrono::microseconds kSpin{50};

    void work(int worker)
    {
        std::unique_lock<std::mutex> lock(mutex_);
        std::uint64_t seen = generation_.load(std::memory_order_relaxed);
        while (true) {
            if (!stop_ && !(next_ < n_)) {
                lock.unlock();
                spinUntil([&] { return generation_.load(std::memory_order_acquire) != seen; });
                lock.lock();
            }
            wake_.wait(lock, [this] { return stop_ || next_ < n_; });
            seen = generation_.load(std::memory_order_relaxed);
            if (stop_)
                return;
            claim(lock, worker);
        }
    }

    int size_;
    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable wake_, finished_;
    bool stop_ = false;
    void (*call_)(void*, Count, int) = nullptr;
    void* fn_ = nullptr;
    Count n_ = 0, next_ = 0;
    std::atomic<Count> done_{0};
    std::atomic<std::uint64_t> generation_{0};
    std::exception_ptr error_;
};

} // namespace llamascope
