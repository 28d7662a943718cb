// The cost model: SPEC §8, docs/memory.md "Time and tokens". FLOPs come from computeFlops()
// and trainingFlops(); this file only divides them by a sustained throughput.

#include "llamascope/cost.hpp"

#include "llamascope/embedded.hpp"
#include "llamascope/errors.hpp"
#include "llamascope/format.hpp"
#include "llamascope/io.hpp"
#include "llamascope/params.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <cmath>

namespace llamascope {

/// Generated at build time from core/data/accelerators.json (cmake/EmbedFiles.cmake).
std::span<const EmbeddedFile> acceleratorDataFiles();

const EnumTable<Precision>& precisionTable()
{
    static const EnumTable<Precision> table({
        {Precision::BF16, "bf16", "bfloat16 tensor-core peak", {"bfloat16"}},
        {Precision::FP16, "fp16", "IEEE half tensor-core peak", {"float16", "half"}},
        {Precision::TF32, "tf32", "TensorFloat-32 peak", {}},
        {Precision::FP32, "fp32", "plain fp32 peak", {"float32"}},
    });
    return table;
}

std::string_view toString(Precision p)
{
    return precisionTable().name(p);
}

std::optional<Precision> precisionFromString(std::string_view s)
{
    return precisionTable().find(s);
}

double Accelerator::peakFlops(Precision p) const
{
    switch (p) {
    case Precision::BF16: return bf16Tflops * 1e12;
    case Precision::FP16: return fp16Tflops * 1e12;
    case Precision::TF32: return tf32Tflops * 1e12;
    case Precision::FP32: return fp32Tflops * 1e12;
    }
    return 0;
}

namespace {

/// Lower case without spaces, '-' and '_': "NVIDIA H100-SXM" -> "nvidiah100sxm".
std::string squash(std::string_view s)
{
    std::string out;
    for (char c : s)
        if (c != ' ' && c != '-' && c != '_')
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

using json = nlohmann::json;

[[noreturn]] void bad(const std::string& source, const std::string& pointer, const std::string& why)
{
    throw InvalidArgument(source + ": " + (pointer.empty() ? std::string("/") : pointer) + ": " + why);
}

double number(const json& j, const char* key, const std::string& source, const std::string& at, bool required)
{
    if (!j.contains(key)) {
        if (required)
            bad(source, at + "/" + key, "missing");
        return 0;
    }
    const json& v = j.at(key);
    if (!v.is_number())
        bad(source, at + "/" + key, "must be a number");
    const double x = v.get<double>();
    if (!std::isfinite(x) || x < 0)
        bad(source, at + "/" + key, "must be a finite number >= 0");
    return x;
}

std::string text(const json& j, const char* key, const std::string& source, const std::string& at,
                 bool required)
{
    if (!j.contains(key)) {
        if (required)
            bad(source, at + "/" + key, "missing");
        return {};
    }
    if (!j.at(key).is_string())
        bad(source, at + "/" + key, "must be a string");
    return j.at(key).get<std::string>();
}

} // namespace

const Accelerator* AcceleratorTable::find(std::string_view nameOrKey) const
{
    const std::string want = squash(nameOrKey);
    if (want.empty())
        return nullptr;
    for (const Accelerator& a : accelerators) {
        if (squash(a.key) == want || squash(a.name) == want)
            return &a;
        for (const std::string& alias : a.aliases)
            if (squash(alias) == want)
                return &a;
    }
    return nullptr;
}

std::vector<std::string_view> AcceleratorTable::keys() const
{
    std::vector<std::string_view> out;
    for (const Accelerator& a : accelerators)
        out.push_back(a.key);
    return out;
}

AcceleratorTable parseAccelerators(std::string_view jsonText, const std::string& source)
{
    json root;
    try {
        root = json::parse(jsonText);
    } catch (const json::parse_error& e) {
        throw InvalidArgument(source + ": not valid JSON (" + e.what() + ")");
    }
    if (!root.is_object() || !root.contains("accelerators") || !root.at("accelerators").is_array())
        bad(source, "/accelerators", "expected an object with an \"accelerators\" array");
    AcceleratorTable table;
    table.source = source;
    const json& list = root.at("accelerators");
    for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string at = "/accelerators/" + std::to_string(i);
        const json& e = list.at(i);
        if (!e.is_object())
            bad(source, at, "must be an object");
        Accelerator a;
        a.key = text(e, "key", source, at, true);
        a.name = text(e, "name", source, at, true);
        if (a.key.empty())
            bad(source, at + "/key", "must not be empty");
        if (table.find(a.key) != nullptr)
            bad(source, at + "/key", "duplicate accelerator '" + a.key + "'");
        if (e.contains("aliases")) {
            if (!e.at("aliases").is_array())
                bad(source, at + "/aliases", "must be an array of strings");
            for (const json& alias : e.at("aliases")) {
                if (!alias.is_string())
                    bad(source, at + "/aliases", "must be an array of strings");
                a.aliases.push_back(alias.get<std::string>());
            }
        }
        const double gib = number(e, "memory_gib", source, at, true);
        if (gib <= 0 || gib > 1e6)
            bad(source, at + "/memory_gib", "must be in (0, 1e6]");
        a.memoryBytes = static_cast<Count>(std::llround(gib * 1073741824.0));
        a.memoryBandwidthGBs = number(e, "memory_bandwidth_gbs", source, at, false);
        if (!e.contains("peak_tflops") || !e.at("peak_tflops").is_object())
            bad(source, at + "/peak_tflops",
                "expected an object {\"bf16\": ..., \"fp16\": ..., \"tf32\": ..., "
                "\"fp32\": ...}");
        const json& peaks = e.at("peak_tflops");
        const std::string pat = at + "/peak_tflops";
        for (auto it = peaks.begin(); it != peaks.end(); ++it)
            if (!precisionFromString(it.key()))
                bad(source, pat + "/" + it.key(),
                    "unknown precision (use " + precisionTable().namesText() + ")");
        a.bf16Tflops = number(peaks, "bf16", source, pat, false);
        a.fp16Tflops = number(peaks, "fp16", source, pat, false);
        a.tf32Tflops = number(peaks, "tf32", source, pat, false);
        a.fp32Tflops = number(peaks, "fp32", source, pat, false);
        a.source = text(e, "source", source, at, true);
        a.notes = text(e, "notes", source, at, false);
        table.accelerators.push_back(std::move(a));
    }
    if (table.accelerators.empty())
        bad(source, "/accelerators", "lists no accelerator");
    return table;
}

AcceleratorTable builtinAccelerators()
{
    const std::span<const EmbeddedFile> files = acceleratorDataFiles();
    if (files.empty())
        throw std::logic_error("no accelerator table was compiled in");
    return parseAccelerators(files.front().text, "<built-in>/accelerators.json");
}

AcceleratorTable loadAccelerators(const std::filesystem::path& path)
{
    constexpr std::size_t kMaxBytes = 4u << 20;
    const CappedRead read = readFileCapped(path, kMaxBytes);
    if (read.truncated)
        throw InvalidArgument(path.string() + ": larger than 4 MiB; not an accelerator table");
    return parseAccelerators(read.bytes, path.string());
}

double chinchillaOptimalTokens(Count parameters)
{
    return kChinchillaTokensPerParam * static_cast<double>(parameters);
}

ComputeOptimal chinchillaFromCompute(double computeFlops)
{
    if (!std::isfinite(computeFlops) || computeFlops <= 0)
        throw InvalidArgument("compute budget must be a positive, finite number of FLOPs");
    ComputeOptimal c;
    c.compute = computeFlops;
    // C = 6·N·D and D = 20·N give C = 120·N².
    c.parameters = std::sqrt(computeFlops / (6.0 * kChinchillaTokensPerParam));
    c.tokens = kChinchillaTokensPerParam * c.parameters;
    return c;
}

ChinchillaBudget chinchillaBudget(const ModelConfig& config, Count seqLen)
{
    ChinchillaBudget b;
    b.parameters = countParameters(config).total;
    b.seqLen = seqLen > 0 ? seqLen : config.contextLength;
    b.tokens = chinchillaOptimalTokens(b.parameters);
    // C = 6·N·D is Chinchilla's accounting; PaLM's count adds attention (12·L·H·h·T per token).
    b.sixND = 6.0 * static_cast<double>(b.parameters) * b.tokens;
    const FlopReport f = computeFlops(config, FlopOptions{b.seqLen, AttentionMask::Causal});
    b.palmTrainingFlops = trainingFlops(f.get(FlopConventionId::Palm), b.tokens);
    return b;
}

CostReport estimateCost(const ModelConfig& config, const Accelerator& accelerator, const CostOptions& options)
{
    if (!(options.mfu > 0 && options.mfu <= 1))
        throw InvalidArgument("MFU must be in (0, 1], e.g. 0.4 for 40 %");
    if (options.devices < 1)
        throw InvalidArgument("number of devices must be at least 1");
    if (!std::isfinite(options.tokens) || options.tokens < 0)
        throw InvalidArgument("token budget must be a finite number >= 0");
    CostReport r;
    r.options = options;
    r.options.seqLen = options.seqLen > 0 ? options.seqLen : config.contextLength;
    r.parameters = countParameters(config).total;
    r.chinchillaTokens = chinchillaOptimalTokens(r.parameters);
    if (r.options.tokens == 0)
        r.options.tokens = r.chinchillaTokens;
    const FlopReport flops = computeFlops(config, FlopOptions{r.options.seqLen, AttentionMask::Causal});
    const FlopConvention& conv = flops.get(options.convention);
    r.conventionKey = conv.key;
    // MFU counts model FLOPs only (Chowdhery et al. 2022, App. B): recomputation changes the
    // hardware FLOPs, and so the HFU, never the time at a given MFU.
    r.trainingFlopsPerToken = conv.trainingPerToken;
    r.trainingFlops = trainingFlops(conv, r.options.tokens, false);
    r.hardwareFlopsPerToken = options.recompute ? conv.trainingPerTokenRecompute : conv.trainingPerToken;
    r.hardwareFlops = trainingFlops(conv, r.options.tokens, options.recompute);
    r.accelerator = accelerator;
    r.peakFlopsPerDevice = accelerator.peakFlops(options.precision);
    if (r.peakFlopsPerDevice <= 0)
        throw InvalidArgument(accelerator.name + " has no " + std::string(toString(options.precision)) +
                              " peak in the accelerator table");
    r.sustainedFlops = r.peakFlopsPerDevice * options.mfu * static_cast<double>(options.devices);
    r.seconds = r.trainingFlops / r.sustainedFlops;
    r.hfu = options.mfu * r.hardwareFlopsPerToken / r.trainingFlopsPerToken;
    r.deviceHours = r.seconds * static_cast<double>(options.devices) / 3600.0;
    return r;
}

} // namespace llamascope
