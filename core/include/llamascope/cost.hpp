#pragma once
// The cost model (SPEC §8): training FLOPs for a token budget (from flops.hpp, never
// re-derived), wall-clock time on an accelerator at a chosen MFU, and Chinchilla's
// compute-optimal token count. Accelerator peaks come from an editable data file,
// core/data/accelerators.json (compiled in; a user file can replace it).

#include "llamascope/config.hpp"
#include "llamascope/enum_table.hpp"
#include "llamascope/flops.hpp"
#include "llamascope/table.hpp"

#include <nlohmann/json_fwd.hpp>

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace llamascope {

/// Arithmetic precisions an accelerator table lists peaks for.
enum class Precision { BF16, FP16, TF32, FP32 };

/// Names, aliases and help of each peak precision (enum_table.hpp).
const EnumTable<Precision>& precisionTable();
std::string_view toString(Precision p);
std::optional<Precision> precisionFromString(std::string_view s);

/// One accelerator: dense peak throughputs (no structured sparsity) in TFLOP/s, 0 when the
/// precision is not supported in hardware.
struct Accelerator {
    std::string key;  ///< "h100-sxm"
    std::string name; ///< "NVIDIA H100 SXM5 80GB"
    std::vector<std::string> aliases;
    Count memoryBytes = 0; ///< device memory (vendor "GB" of HBM/GDDR are GiB, see the file)
    double bf16Tflops = 0, fp16Tflops = 0, tf32Tflops = 0, fp32Tflops = 0;
    double memoryBandwidthGBs = 0; ///< GB/s (decimal)
    std::string source;            ///< datasheet the figures come from
    std::string notes;

    /// Peak FLOP/s (not TFLOP/s) at `p`; 0 when unsupported.
    [[nodiscard]] double peakFlops(Precision p) const;
};

struct AcceleratorTable {
    std::string source; ///< "<built-in>" or the file path
    std::vector<Accelerator> accelerators;

    /// By key, name or alias, case-insensitive, ignoring spaces, '-' and '_'
    /// ("H100", "h100-sxm", "NVIDIA H100 SXM5 80GB"). nullptr if none matches.
    [[nodiscard]] const Accelerator* find(std::string_view nameOrKey) const;
    /// Keys, for "did you mean" and help texts.
    [[nodiscard]] std::vector<std::string_view> keys() const;
};

/// The compiled-in copy of core/data/accelerators.json.
AcceleratorTable builtinAccelerators();

/// Parses an accelerator file (same format as core/data/accelerators.json). Throws
/// InvalidArgument naming `source` and the JSON pointer of the first bad value.
AcceleratorTable parseAccelerators(std::string_view json, const std::string& source);

/// Reads and parses a file: IoError if unreadable, InvalidArgument if malformed.
AcceleratorTable loadAccelerators(const std::filesystem::path& path);

/// Chinchilla's rule of thumb (Hoffmann et al. 2022): about 20 training tokens per parameter.
inline constexpr double kChinchillaTokensPerParam = 20.0;

/// 20·N.
double chinchillaOptimalTokens(Count parameters);

/// Compute-optimal split of a budget C with C = 6·N·D and D = 20·N:
/// N = sqrt(C / 120), D = 20·N.
struct ComputeOptimal {
    double compute = 0;
    double parameters = 0;
    double tokens = 0;
};
ComputeOptimal chinchillaFromCompute(double computeFlops);

/// A designed config against Chinchilla's accounting: D = 20·N tokens, C = 6·N·D, and the
/// PaLM count (6N + 12·L·H·h·T per token, attention included) for the same D at T.
struct ChinchillaBudget {
    Count parameters = 0;
    Count seqLen = 0; ///< T; the config's context length unless given
    double tokens = 0;
    double sixND = 0;
    double palmTrainingFlops = 0;
};
ChinchillaBudget chinchillaBudget(const ModelConfig& config, Count seqLen = 0);

struct CostOptions {
    double tokens = 0; ///< training tokens D; 0 means Chinchilla's 20·N
    Count seqLen = 0;  ///< T for the FLOP count; 0 means the config's context length
    FlopConventionId convention = FlopConventionId::Palm; ///< PaLM's 6N + 12LHhT is the MFU convention
    /// Full activation checkpointing: an extra forward pass, which is hardware work, not model
    /// work. It leaves the time at a given MFU unchanged and shows as HFU (PaLM, App. B).
    bool recompute = false;
    double mfu = 0.40; ///< model FLOPs utilisation in (0, 1]
    Count devices = 1; ///< accelerators training together
    Precision precision = Precision::BF16;
};

struct CostReport {
    CostOptions options; ///< tokens and seqLen resolved
    Count parameters = 0;
    double chinchillaTokens = 0;
    double trainingFlopsPerToken = 0; ///< model FLOPs: 3 × forward, recomputation excluded
    double trainingFlops = 0;         ///< model FLOPs for options.tokens
    double hardwareFlopsPerToken = 0; ///< with recompute 4 × forward, else the model FLOPs
    double hardwareFlops = 0;
    double hfu = 0; ///< hardware FLOPs utilisation: mfu × hardware / model FLOPs
    std::string_view conventionKey;
    Accelerator accelerator;
    double peakFlopsPerDevice = 0;
    double sustainedFlops = 0; ///< peak × MFU × devices (model FLOPs per second)
    double seconds = 0;        ///< trainingFlops / sustainedFlops
    double deviceHours = 0;    ///< seconds × devices / 3600
};

/// time = model FLOPs / (peak × MFU × devices). Throws InvalidArgument when the accelerator
/// lacks `precision`, MFU is outside (0, 1], devices < 1 or tokens < 0.
CostReport estimateCost(const ModelConfig& config, const Accelerator& accelerator,
                        const CostOptions& options);

// ---- output forms ---------------------------------------------------------------------------

nlohmann::ordered_json toJson(const Accelerator& a);
nlohmann::ordered_json toJson(const CostReport& r);
/// Key, name, memory, bf16/fp16/tf32/fp32 peaks, bandwidth.
Table acceleratorsTable(const AcceleratorTable& t);

} // namespace llamascope
