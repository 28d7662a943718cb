// The memory model: SPEC §8, derived term by term in docs/memory.md.
//
// Why each activation term exists (what autograd keeps for the backward pass of a
// transformers LlamaDecoderLayer) is documented in docs/memory.md "Activations"; the comments
// here only say where a number comes from.

#include "llamascope/memory.hpp"
#include "llamascope/parse.hpp"

#include "llamascope/activations.hpp"
#include "llamascope/model_state.hpp"

#include "llamascope/bundled.hpp"
#include "llamascope/errors.hpp"
#include "llamascope/params.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string>

namespace llamascope {

// ---- names -----------------------------------------------------------------------------------

std::string_view toString(StorageDtype t)
{
    switch (t) {
    case StorageDtype::F32: return "fp32";
    case StorageDtype::BF16: return "bf16";
    case StorageDtype::F16: return "fp16";
    case StorageDtype::Int8: return "int8";
    case StorageDtype::Int4: return "int4";
    case StorageDtype::F8: return "fp8";
    }
    return "fp32";
}

std::optional<StorageDtype> storageDtypeFromString(std::string_view s)
{
    if (s == "fp32" || s == "float32" || s == "f32" || s == "float")
        return StorageDtype::F32;
    if (s == "bf16" || s == "bfloat16")
        return StorageDtype::BF16;
    if (s == "fp16" || s == "float16" || s == "f16" || s == "half")
        return StorageDtype::F16;
    if (s == "int8" || s == "i8")
        return StorageDtype::Int8;
    if (s == "int4" || s == "i4" || s == "nf4")
        return StorageDtype::Int4;
    if (s == "fp8" || s == "float8" || s == "e4m3" || s == "e5m2")
        return StorageDtype::F8;
    return std::nullopt;
}

int bitsOf(StorageDtype t)
{
    switch (t) {
    case StorageDtype::F32: return 32;
    case StorageDtype::BF16:
    case StorageDtype::F16: return 16;
    case StorageDtype::Int8:
    case StorageDtype::F8: return 8;
    case StorageDtype::Int4: return 4;
    }
    return 32;
}

Count bytesOf(Count elements, StorageDtype t)
{
    const Count bits = mulChecked(elements, bitsOf(t), "memory bytes");
    return bits / 8 + (bits % 8 != 0 ? 1 : 0);
}

namespace {
constexpr std::array<std::string_view, 11> kOptimizerNames = {
    "none", "adamw",     "mixed-adamw", "bf16-adam", "adam8bit", "galore",
    "lora", "adafactor", "lion",        "sgd",       "qlora"};
constexpr std::array<std::string_view, 4> kAttentionNames = {"flash", "eager", "sdpa", "fused-softmax"};
} // namespace

std::string_view toString(Optimizer o)
{
    return kOptimizerNames[static_cast<std::size_t>(o)];
}

std::optional<Optimizer> optimizerFromString(std::string_view s)
{
    for (std::size_t i = 0; i < kOptimizerNames.size(); ++i)
        if (s == kOptimizerNames[i])
            return static_cast<Optimizer>(i);
    if (s == "inference")
        return Optimizer::None;
    if (s == "adamw-fp32" || s == "adam")
        return Optimizer::AdamW;
    if (s == "mixed" || s == "amp" || s == "mixed-adam")
        return Optimizer::MixedAdamW;
    if (s == "bf16" || s == "bf16-adamw" || s == "pure-bf16")
        return Optimizer::Bf16Adam;
    if (s == "adam-8bit" || s == "8bit-adam" || s == "adamw8bit" || s == "adam8")
        return Optimizer::Adam8bit;
    if (s == "sgd-momentum" || s == "sgdm" || s == "momentum")
        return Optimizer::SgdMomentum;
    if (s == "q-lora" || s == "lora-nf4")
        return Optimizer::QLoRA;
    return std::nullopt;
}

std::span<const std::string_view> optimizerNames()
{
    return kOptimizerNames;
}

std::string_view toString(AttentionKernel k)
{
    return kAttentionNames[static_cast<std::size_t>(k)];
}

std::optional<AttentionKernel> attentionKernelFromString(std::string_view s)
{
    for (std::size_t i = 0; i < kAttentionNames.size(); ++i)
        if (s == kAttentionNames[i])
            return static_cast<AttentionKernel>(i);
    if (s == "flash2" || s == "flash-attention" || s == "flash_attention_2" || s == "fused")
        return AttentionKernel::Flash;
    if (s == "fused-scale-mask-softmax" || s == "megatron")
        return AttentionKernel::FusedSoftmax;
    return std::nullopt;
}

std::span<const std::string_view> attentionKernelNames()
{
    return kAttentionNames;
}

std::string_view toString(MemoryCategory c)
{
    switch (c) {
    case MemoryCategory::Weights: return "weights";
    case MemoryCategory::Gradients: return "gradients";
    case MemoryCategory::OptimizerState: return "optimizer";
    case MemoryCategory::Activations: return "activations";
    case MemoryCategory::Logits: return "logits";
    case MemoryCategory::KvCache: return "kv_cache";
    }
    return "weights";
}

// ---- report accessors -----------------------------------------------------------------------

Count MemoryReport::bytes(MemoryCategory c) const
{
    Count sum = 0;
    for (const MemoryTerm& t : terms)
        if (t.category == c)
            sum = addChecked(sum, t.bytes, "memory bytes");
    return sum;
}

Count MemoryReport::modelStateBytes() const
{
    return sumChecked({bytes(MemoryCategory::Weights), bytes(MemoryCategory::Gradients),
                       bytes(MemoryCategory::OptimizerState)},
                      "memory bytes");
}

Count MemoryReport::weightsAndOptimizerBytes() const
{
    return addChecked(bytes(MemoryCategory::Weights), bytes(MemoryCategory::OptimizerState), "memory bytes");
}

Count MemoryReport::totalBytes() const
{
    if (options.optimizer == Optimizer::None)
        return addChecked(bytes(MemoryCategory::Weights), bytes(MemoryCategory::KvCache), "memory bytes");
    return sumChecked({modelStateBytes(), bytes(MemoryCategory::Activations), bytes(MemoryCategory::Logits)},
                      "memory bytes");
}

const MemoryTerm* MemoryReport::find(std::string_view key) const
{
    for (const MemoryTerm& t : terms)
        if (t.key == key)
            return &t;
    return nullptr;
}

Count kvCacheBytesPerToken(const ModelConfig& c, StorageDtype dtype)
{
    return bytesOf(productChecked({2, c.numHiddenLayers, c.numKeyValueHeads, c.headDim}, "KV cache"), dtype);
}

KvCacheShape kvCacheShape(const ModelConfig& c, Count tokens, Count window)
{
    if (tokens < 0 || window < 0)
        throw InvalidArgument("token counts and windows cannot be negative");
    // A sliding layer attends to the last W keys only, so its cache keeps W tokens (transformers'
    // SlidingWindowCache / HybridCache; Mistral: every layer, Gemma 2: every other one).
    KvCacheShape k;
    const Count L = c.numHiddenLayers;
    if (window > 0) {
        k.window = window;
        k.slidingLayers = L;
    } else if (c.attention.slidingWindow > 0) {
        k.window = c.attention.slidingWindow;
        k.slidingLayers = c.slidingLayerCount();
    }
    k.windowTokens = k.slidingLayers > 0 ? std::min(tokens, k.window) : tokens;
    k.layerTokens = addChecked(mulChecked(L - k.slidingLayers, tokens, "KV cache"),
                               mulChecked(k.slidingLayers, k.windowTokens, "KV cache"), "KV cache");
    return k;
}

namespace {

Count resolveSeqLen(const ModelConfig& c, const MemoryOptions& o)
{
    if (o.seqLen < 0)
        throw InvalidArgument("sequence length must be at least 1");
    return o.seqLen == 0 ? c.contextLength : o.seqLen;
}

/// "L·B·T·" + per-token text, with a sum parenthesised.
std::string times(std::string_view prefix, std::string_view perToken)
{
    const bool sum = perToken.find('+') != std::string_view::npos;
    return std::string(prefix) + (sum ? "(" : "") + std::string(perToken) + (sum ? ")" : "");
}

/// What the backward pass keeps for B sequences of T tokens on one device: the activation
/// model (activations.hpp) with transformers' kernels — unfused RMSNorm and cross-entropy —
/// and no parallelism. Layer terms count L times, the recomputed layer once.
void addActivations(std::vector<MemoryTerm>& out, const ModelConfig& c, const MemoryReport& r)
{
    const MemoryOptions& o = r.options;
    ActivationOptions a;
    a.attention = o.attention;
    a.recompute = o.recompute ? Recompute::Full : Recompute::None;
    a.compute = r.activationDtype;
    const Count B = o.batch, T = o.seqLen, L = c.numHiddenLayers;
    for (const ActivationTerm& t : activationTerms(blockShapeOf(c), a)) {
        const Count one = activationElements(t, a, B, T);
        Count elements = one;
        std::string formula;
        MemoryCategory category = MemoryCategory::Activations;
        switch (t.scope) {
        case ActivationScope::Layer:
            elements = mulChecked(L, one, "activations");
            formula = times("L·B·T·", t.perTokenText);
            break;
        case ActivationScope::WorkingSet: formula = times("B·T·", t.perTokenText) + " (one layer)"; break;
        case ActivationScope::MicroBatch:
        case ActivationScope::Embedding:
        case ActivationScope::Head: formula = times("B·T·", t.perTokenText); break;
        case ActivationScope::Logits:
            formula = times("B·T·", t.perTokenText);
            category = MemoryCategory::Logits;
            break;
        }
        out.push_back(MemoryTerm{t.key, category, t.label, std::move(formula), t.dtype, elements,
                                 bytesOf(elements, t.dtype)});
    }
}

} // namespace

MemoryReport estimateMemory(const ModelConfig& config, const MemoryOptions& options)
{
    if (options.batch < 1)
        throw InvalidArgument("batch size must be at least 1");
    const TrainingRecipe recipe = resolveRecipe(options);
    MemoryReport r;
    r.options = options;
    r.weightDtype = recipe.weights;
    r.options.weightDtype = r.weightDtype;
    r.options.seqLen = resolveSeqLen(config, options);
    r.activationDtype = computeDtypeOf(recipe);
    r.gradientDtype = recipe.gradients;
    r.masterWeights = recipe.masterWeights;
    const ParameterCounts p = countParameters(config);
    r.parameters = p.total;
    for (StorageDtype t :
         {StorageDtype::F32, StorageDtype::BF16, StorageDtype::F16, StorageDtype::Int8, StorageDtype::Int4})
        r.weightsByDtype.push_back(WeightFootprint{t, bytesOf(p.total, t)});

    // countParameters() is the source of truth for the totals; the inventory lists the tensors
    // one by one because optimizers care about shapes (GaLore's m×n, LoRA's in/out,
    // bitsandbytes' per-tensor 8-bit threshold, Adafactor's factors).
    const TensorInventory inv = parameterInventory(config);
    if (inv.total() != p.total)
        throw std::logic_error("memory model: tensor inventory disagrees with countParameters()");
    r.terms.reserve(40);
    r.trainableParameters = appendModelState(r.terms, inv, recipe);

    if (options.optimizer == Optimizer::None) {
        const KvCacheShape kv = kvCacheShape(config, r.options.seqLen);
        const bool sliding = kv.slidingLayers > 0 && kv.windowTokens < r.options.seqLen;
        r.terms.push_back(MemoryTerm{
            "kv_cache", MemoryCategory::KvCache,
            sliding ? "KV cache: keys and values of every layer; a sliding layer keeps the last W"
                    : "KV cache: keys and values of every layer",
            sliding ? "2·K·h·B·(" + std::to_string(config.numHiddenLayers - kv.slidingLayers) + "·T + " +
                          std::to_string(kv.slidingLayers) + "·W), W = " + std::to_string(kv.window)
                    : std::string("2·L·K·h·B·T"),
            r.activationDtype,
            productChecked({2, config.numKeyValueHeads, config.headDim, options.batch, kv.layerTokens},
                           "KV cache"),
            0});
        r.terms.back().bytes = bytesOf(r.terms.back().elements, r.activationDtype);
    } else {
        addActivations(r.terms, config, r);
    }
    return r;
}

DeviceFit fitOnDevice(Count requiredBytes, Count deviceBytes, double headroom)
{
    if (!(headroom >= 0 && headroom < 1))
        throw InvalidArgument("the headroom must be a fraction in [0, 1), e.g. 0.1 for 10 %");
    if (deviceBytes < 1)
        throw InvalidArgument("the device memory must be at least one byte");
    if (requiredBytes < 0)
        throw InvalidArgument("a memory requirement cannot be negative");
    DeviceFit f;
    f.required = requiredBytes;
    f.device = deviceBytes;
    f.headroom = headroom;
    f.usable = static_cast<Count>(std::floor(static_cast<double>(deviceBytes) * (1.0 - headroom)));
    f.fits = requiredBytes <= f.usable;
    f.used = static_cast<double>(requiredBytes) / static_cast<double>(deviceBytes);
    f.spare = f.usable - requiredBytes;
    return f;
}

Count parseByteSize(std::string_view text, std::string_view what)
{
    constexpr std::string_view howTo = "write e.g. 80GiB, 24GB, 512MiB or a number of bytes";
    auto fail = [&](const std::string& why) {
        return InvalidArgument(badValueMessage(text, what, why, howTo));
    };
    const NumberAndUnit n = parseNumberAndUnit(text, what, howTo);
    const double value = n.value;
    const std::string& unit = n.unit;
    std::string lower;
    for (char ch : unit)
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    struct Unit {
        const char* name;
        double scale;
    };
    static constexpr Unit kUnits[] = {{"", 1},
                                      {"b", 1},
                                      {"k", 1024.0},
                                      {"kib", 1024.0},
                                      {"kb", 1e3},
                                      {"m", 1048576.0},
                                      {"mib", 1048576.0},
                                      {"mb", 1e6},
                                      {"g", 1073741824.0},
                                      {"gib", 1073741824.0},
                                      {"gb", 1e9},
                                      {"t", 1099511627776.0},
                                      {"tib", 1099511627776.0},
                                      {"tb", 1e12}};
    const Unit* unitFound = nullptr;
    for (const Unit& u : kUnits)
        if (lower == u.name)
            unitFound = &u;
    if (unitFound == nullptr)
        throw fail("has an unknown unit '" + unit + "'");
    const double bytes = value * unitFound->scale;
    if (!std::isfinite(bytes))
        throw fail("is not finite");
    if (bytes <= 0)
        throw fail("must be positive");
    if (bytes >= 9.2e18)
        throw fail("is too large");
    return static_cast<Count>(std::llround(bytes));
}

// ---- GaLore Table 2 -------------------------------------------------------------------------

std::span<const GaloreTable2Entry> galoreTable2()
{
    // Zhao et al. 2024, "GaLore: Memory-Efficient LLM Training by Gradient Low-Rank Projection",
    // Table 2 (ranks from its r/d_model row; Appendix C.2 for the estimate's scope).
    static constexpr GaloreTable2Entry kTable[] = {
        {"llama_60m", 128, 0.36, 0.24},
        {"llama_130m", 256, 0.76, 0.52},
        {"llama_350m", 256, 2.06, 1.22},
        {"llama_1b", 512, 7.80, 4.38},
    };
    return kTable;
}

std::vector<GaloreComparisonRow> compareWithGaloreTable2()
{
    std::vector<GaloreComparisonRow> rows;
    for (const GaloreTable2Entry& e : galoreTable2()) {
        const std::optional<LoadResult> loaded = loadBundled(e.config);
        if (!loaded || !loaded->config)
            throw std::logic_error("bundled config " + std::string(e.config) + " is missing");
        // The paper's scope: BF16 weights and BF16 optimizer state, no gradients or activations.
        MemoryOptions full;
        full.optimizer = Optimizer::Bf16Adam;
        full.weightDtype = StorageDtype::BF16;
        MemoryOptions galore = full;
        galore.optimizer = Optimizer::GaLore;
        galore.rank = e.rank;
        GaloreComparisonRow row;
        row.published = e;
        const MemoryReport fullReport = estimateMemory(*loaded->config, full);
        row.parameters = fullReport.parameters;
        row.fullRankBytes = fullReport.weightsAndOptimizerBytes();
        row.galoreBytes = estimateMemory(*loaded->config, galore).weightsAndOptimizerBytes();
        rows.push_back(row);
    }
    return rows;
}

} // namespace llamascope
