// forward_bench's OpenBLAS probe, run as a child process so that OpenBLAS's thread pool and
// its choice of kernels (made once, when the library loads, from the CPU or from
// OPENBLAS_CORETYPE) stay out of the benchmark process. Prints one JSON line: the best
// GFLOP/s of `reps` n³ cblas_sgemm calls (row-major, C = A·Bᵀ as a linear layer computes it)
// on `threads` OpenBLAS threads, per wall-clock and per CPU-second, and the kernel family
// OpenBLAS chose.
// Usage: forward_bench_openblas N THREADS REPS

#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <vector>

int main(int argc, char** argv)
{
    if (argc != 4)
        return 2;
    const int n = std::atoi(argv[1]), threads = std::atoi(argv[2]), reps = std::atoi(argv[3]);
    openblas_set_num_threads(threads);
    std::mt19937 gen(1);
    std::uniform_real_distribution<float> dist(-1, 1);
    std::vector<float> a(static_cast<std::size_t>(n) * static_cast<std::size_t>(n)), w(a.size()), y(a.size());
    for (float& x : a)
        x = dist(gen);
    for (float& x : w)
        x = dist(gen);
    auto cpu = [] {
        timespec t{};
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
        return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
    };
    double best = 1e30, bestCpu = 1e30;
    for (int r = 0; r < reps; ++r) {
        const auto t = std::chrono::steady_clock::now();
        const double c = cpu();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, n, n, 1.0f, a.data(), n, w.data(), n, 0.0f,
                    y.data(), n);
        bestCpu = std::min(bestCpu, cpu() - c);
        best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count());
    }
    const double flops = 2.0 * n * static_cast<double>(n) * n;
    std::printf("{\"gflops\":%.3f,\"cpu_gflops\":%.3f,\"core\":\"%s\",\"threads\":%d,\"config\":\"%s\"}\n",
                flops / best / 1e9, flops / bestCpu / 1e9, openblas_get_corename(),
                openblas_get_num_threads(), openblas_get_config());
    return 0;
}
