// Forward-pass benchmark, every figure measured in this one run (docs/forward.md):
//   1. fp32 GEMM peak: a 2048³ Eigen GEMM split over the threads the way the forward pass
//      splits its linear layers (best of 5);
//   2. llama_130m, B=1, T=512: executed matmul FLOPs / forward time (weights made first, not
//      timed), as GFLOP/s and as a fraction of (1);
//   3. PyTorch on the same job and threads (tests/bench/forward_pytorch.py): time ratio;
//   4. llama_7b streamed at T=128 in a child process: its peak RSS.
// Usage: forward_bench [--threads N] [--reps R] [--skip-7b] [--skip-pytorch]

#include "llamascope/bundled.hpp"
#include "llamascope/forward/forward.hpp"
#include "llamascope/forward/init.hpp"
#include "llamascope/forward/system.hpp"

#include "parallel.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

namespace {

using namespace llamascope;
using Clock = std::chrono::steady_clock;
using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

double since(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

double gemmPeak(int threads, int reps)
{
    const Eigen::Index n = 2048;
    const RowMat a = RowMat::Random(n, n), w = RowMat::Random(n, n);
    RowMat y(n, n);
    double best = 1e30;
    for (int r = 0; r < reps; ++r) {
        const auto t = Clock::now();
        parallelChunks(
            n, threads,
            [&](Count c0, Count c1) {
                y.middleCols(c0, c1 - c0).noalias() = a * w.middleRows(c0, c1 - c0).transpose();
            },
            16);
        best = std::min(best, since(t));
    }
    return 2.0 * static_cast<double>(n * n * n) / best / 1e9;
}

struct ForwardTiming {
    double best = 0, median = 0, gflops = 0;
    Count flops = 0;
    double loss = 0;
};

ForwardTiming forward130m(int threads, int reps)
{
    const LlamaConfig c = *loadBundled("llama_130m")->config;
    RandomWeights source(0, c.initializerRange);
    source.setThreads(threads);
    const ModelWeights model = loadModel(c, source);
    const Count T = 512;
    const std::vector<std::int64_t> tokens = randomTokens(0, c.vocabSize, T);
    std::vector<double> times;
    ForwardOutput out = forwardPass(c, model, tokens, 1, T, threads, false); // warm-up
    for (int r = 0; r < reps; ++r) {
        const auto t = Clock::now();
        out = forwardPass(c, model, tokens, 1, T, threads, false);
        times.push_back(since(t));
    }
    std::sort(times.begin(), times.end());
    ForwardTiming f;
    f.best = times.front();
    f.median = times[times.size() / 2];
    f.flops = out.flops.total();
    f.gflops = static_cast<double>(f.flops) / f.best / 1e9;
    f.loss = out.loss.value_or(0);
    return f;
}

std::string runCapture(const std::string& command)
{
    std::string output;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr)
        return output;
    std::array<char, 4096> buffer{};
    while (fgets(buffer.data(), static_cast<int>(buffer.size()), pipe) != nullptr)
        output += buffer.data();
    pclose(pipe);
    return output;
}

// Other processes share the cores: print the load so a reader can judge the figures.
std::string loadAverage()
{
    std::string text;
    if (FILE* f = std::fopen("/proc/loadavg", "r")) {
        std::array<char, 128> buffer{};
        if (std::fgets(buffer.data(), static_cast<int>(buffer.size()), f) != nullptr)
            text = buffer.data();
        std::fclose(f);
    }
    return text.empty() ? "unknown\n" : text;
}

double jsonNumber(const std::string& json, const std::string& key)
{
    const std::size_t at = json.find("\"" + key + "\":");
    return at == std::string::npos ? 0.0 : std::stod(json.substr(at + key.size() + 3));
}

// Child mode: llama_7b streamed at T=128 under a 3 GiB budget; prints its own figures.
int stream7b(int threads)
{
    const LlamaConfig c = *loadBundled("llama_7b")->config;
    RandomWeights source(0, c.initializerRange);
    ForwardOptions o;
    o.seqLen = 128;
    o.threads = threads;
    o.maxMemoryBytes = Count{3} << 30;
    const ForwardResult r = runForward(c, source, o);
    std::printf("{\"residency\":\"%s\",\"peak_rss_bytes\":%lld,\"seconds\":%.3f,\"weights_seconds\":%.3f,"
                "\"compute_seconds\":%.3f,\"loss\":%.6f,\"match\":%d}\n",
                std::string(toString(r.residency)).c_str(), static_cast<long long>(r.peakRssBytes), r.seconds,
                r.secondsWeights, r.secondsCompute, r.loss.value_or(0),
                r.paramsMatch() && r.flopsMatch() ? 1 : 0);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    int threads = hardwareThreads(), reps = 5;
    bool skip7b = false, skipPytorch = false, child7b = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--threads" && i + 1 < argc)
            threads = std::stoi(argv[++i]);
        else if (arg == "--reps" && i + 1 < argc)
            reps = std::stoi(argv[++i]);
        else if (arg == "--skip-7b")
            skip7b = true;
        else if (arg == "--skip-pytorch")
            skipPytorch = true;
        else if (arg == "--child-7b")
            child7b = true;
    }
    if (child7b)
        return stream7b(threads);

    std::printf("forward benchmark: %d threads; load average at start: %s", threads, loadAverage().c_str());
    const double peak = gemmPeak(threads, reps);
    const double peak1 = gemmPeak(1, 3);
    std::printf("fp32 GEMM peak (Eigen, 2048^3): %.1f GFLOP/s on %d threads (%.1f on 1 thread)\n", peak,
                threads, peak1);

    const ForwardTiming f = forward130m(threads, reps);
    std::printf(
        "llama_130m B=1 T=512: best %.3f s, median %.3f s, %lld matmul FLOPs, %.1f GFLOP/s = %.0f%% of "
        "GEMM peak (loss %.4f)\n",
        f.best, f.median, static_cast<long long>(f.flops), f.gflops, 100.0 * f.gflops / peak, f.loss);

    if (!skipPytorch) {
        const std::string cmd = "/usr/bin/python3 " LLAMASCOPE_SOURCE_DIR
                                "/tests/bench/forward_pytorch.py " LLAMASCOPE_SOURCE_DIR
                                "/configs/llama_130m.json --seq 512 --threads " +
                                std::to_string(threads) + " --reps " + std::to_string(reps);
        const std::string out = runCapture(cmd);
        const double torchBest = jsonNumber(out, "best_seconds");
        if (torchBest > 0)
            std::printf("PyTorch same job: best %.3f s, median %.3f s (%s) -> llamascope is %.2fx PyTorch\n",
                        torchBest, jsonNumber(out, "median_seconds"), out.substr(0, out.size() - 1).c_str(),
                        torchBest / f.best);
        else
            std::printf("PyTorch run failed: %s\n", out.c_str());
    }
    if (!skip7b) {
        const std::string out = runCapture(std::filesystem::read_symlink("/proc/self/exe").string() +
                                           " --child-7b --threads " + std::to_string(threads));
        std::printf("llama_7b streamed, T=128: peak RSS %.2f GiB, %.1f s (%s)\n",
                    jsonNumber(out, "peak_rss_bytes") / (1024.0 * 1024 * 1024), jsonNumber(out, "seconds"),
                    out.substr(0, out.empty() ? 0 : out.size() - 1).c_str());
    }
    std::printf("load average at end: %s", loadAverage().c_str());
    return 0;
}
