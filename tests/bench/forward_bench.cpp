// Forward-pass benchmark, every figure measured in this one run (docs/forward.md):
//   (interleaved over --rounds rounds, each figure keeping its best, since other processes may
//   share the cores)
//   1. fp32 GEMM peak: a 2048³ Eigen GEMM split over the threads the way the forward pass
//      splits its linear layers (best of --reps);
//   2. llama_130m, B=1, T=512: executed matmul FLOPs / forward time (weights made first, not
//      timed), as GFLOP/s and as a fraction of (1);
//   3. PyTorch on the same job and threads (tests/bench/forward_pytorch.py): time ratio;
//   4. llama_7b streamed at T=128 in a child process: its peak RSS.
// Usage: forward_bench [--threads N] [--reps R] [--rounds N] [--skip-7b] [--skip-pytorch]

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

// llama_130m with its weights made once; run() times forward passes only.
class Forward130m {
public:
    explicit Forward130m(int threads)
        : config_(*loadBundled("llama_130m")->config), threads_(threads), source_(0, config_.initializerRange)
    {
        source_.setThreads(threads);
        model_ = loadModel(config_, source_);
        tokens_ = randomTokens(0, config_.vocabSize, kSeq);
        last_ = forwardPass(config_, model_, tokens_, 1, kSeq, threads_, false); // warm-up
    }
    /// Best time of `reps` passes.
    double run(int reps)
    {
        double best = 1e30;
        for (int r = 0; r < reps; ++r) {
            const auto t = Clock::now();
            last_ = forwardPass(config_, model_, tokens_, 1, kSeq, threads_, false);
            best = std::min(best, since(t));
        }
        return best;
    }
    [[nodiscard]] Count flops() const { return last_.flops.total(); }
    [[nodiscard]] double loss() const { return last_.loss.value_or(0); }

private:
    static constexpr Count kSeq = 512;
    ModelConfig config_;
    int threads_;
    RandomWeights source_;
    ModelWeights model_;
    std::vector<std::int64_t> tokens_;
    ForwardOutput last_;
};

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
    const ModelConfig c = *loadBundled("llama_7b")->config;
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
    int threads = hardwareThreads(), reps = 3, rounds = 3;
    bool skip7b = false, skipPytorch = false, child7b = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--threads" && i + 1 < argc)
            threads = std::stoi(argv[++i]);
        else if (arg == "--reps" && i + 1 < argc)
            reps = std::stoi(argv[++i]);
        else if (arg == "--rounds" && i + 1 < argc)
            rounds = std::stoi(argv[++i]);
        else if (arg == "--skip-7b")
            skip7b = true;
        else if (arg == "--skip-pytorch")
            skipPytorch = true;
        else if (arg == "--child-7b")
            child7b = true;
    }
    if (child7b)
        return stream7b(threads);

    std::printf("forward benchmark: %d threads, %d rounds; load average at start: %s", threads, rounds,
                loadAverage().c_str());
    // Other processes may share the cores, so the three measurements are interleaved over
    // several rounds and each keeps its best: the peak is the fastest GEMM seen, and both
    // forward passes get the same chances at a quiet moment.
    Forward130m ours(threads);
    double peak = 0, oursBest = 1e30, torchBest = 1e30;
    std::string torchLine;
    const std::string torchCommand = "/usr/bin/python3 " LLAMASCOPE_SOURCE_DIR
                                     "/tests/bench/forward_pytorch.py " LLAMASCOPE_SOURCE_DIR
                                     "/configs/llama_130m.json --seq 512 --threads " +
                                     std::to_string(threads) + " --reps " + std::to_string(reps);
    for (int round = 1; round <= rounds; ++round) {
        const double roundPeak = gemmPeak(threads, reps);
        const double roundOurs = ours.run(reps);
        double roundTorch = 0;
        if (!skipPytorch) {
            const std::string out = runCapture(torchCommand);
            roundTorch = jsonNumber(out, "best_seconds");
            if (roundTorch > 0 && roundTorch < torchBest) {
                torchBest = roundTorch;
                torchLine = out.substr(0, out.size() - 1);
            }
        }
        peak = std::max(peak, roundPeak);
        oursBest = std::min(oursBest, roundOurs);
        std::printf("round %d: GEMM %.1f GFLOP/s, llamascope %.3f s, PyTorch %.3f s; load %s", round,
                    roundPeak, roundOurs, roundTorch, loadAverage().c_str());
    }
    const double gflops = static_cast<double>(ours.flops()) / oursBest / 1e9;
    std::printf("fp32 GEMM peak (Eigen, 2048^3, best over rounds): %.1f GFLOP/s on %d threads\n", peak,
                threads);
    std::printf("llama_130m B=1 T=512: best %.3f s, %lld matmul FLOPs, %.1f GFLOP/s = %.0f%% of GEMM peak "
                "(loss %.4f)\n",
                oursBest, static_cast<long long>(ours.flops()), gflops, 100.0 * gflops / peak, ours.loss());
    if (!skipPytorch) {
        if (torchLine.empty())
            std::printf("PyTorch run failed\n");
        else
            std::printf("PyTorch same job: best %.3f s (%s) -> llamascope is %.2fx PyTorch\n", torchBest,
                        torchLine.c_str(), torchBest / oursBest);
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
