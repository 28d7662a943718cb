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

const EnumTable<StorageDtype>& storageDtypeTable()
{
    static const EnumTable<StorageDtype> table({
        {StorageDtype::F32, "fp32", "32-bit float", {"float32", "f32", "float"}},
        {StorageDtype::BF16, "bf16", "bfloat16", {"bfloat16"}},
        {StorageDtype::F16, "fp16", "IEEE half", {"float16", "f16", "half"}},
        {StorageDtype::Int8, "int8", "8-bit integers", {"i8"}},
        {StorageDtype::Int4, "int4", "4-bit, NF4 for QLoRA", {"i4", "nf4"}},
        {StorageDtype::F8, "fp8", "8-bit float, e4m3 or e5m2", {"float8", "e4m3", "e5m2"}},
    });
    return table;
}

std::string_view toString(StorageDtype t)
{
    return storageDtypeTable().name(t);
}

std::optional<StorageDtype> storageDtypeFromString(std::string_view s)
{
    return storageDtypeTable().find(s);
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

const EnumTable<Optimizer>& optimizerTable()
{
    static const EnumTable<Optimizer> table({
        {Optimizer::None, "none", "inference, weights and KV cache only", {"inference"}},
        {Optimizer::AdamW, "adamw", "AdamW with everything in fp32, 16 B/param", {"adamw-fp32", "adam"}},
        {Optimizer::MixedAdamW,
         "mixed-adamw",
         "16-bit weights and grads, fp32 master copy and moments, 16 B/param",
         {"mixed", "amp", "mixed-adam"}},
        {Optimizer::Bf16Adam,
         "bf16-adam",
         "weights, grads and moments all bf16, 8 B/param",
         {"bf16", "bf16-adamw", "pure-bf16"}},
        {Optimizer::Adam8bit,
         "adam8bit",
         "bitsandbytes blockwise 8-bit moments",
         {"adam-8bit", "8bit-adam", "adamw8bit", "adam8"}},
        {Optimizer::GaLore, "galore", "rank-r projected Adam, Zhao et al. 2024, needs a rank", {}},
        {Optimizer::LoRA, "lora", "frozen base with rank-r adapters, Hu et al. 2022, needs a rank", {}},
        {Optimizer::Adafactor, "adafactor", "factored second moment, Shazeer & Stern 2018", {}},
        {Optimizer::Lion, "lion", "one momentum buffer, Chen et al. 2023", {}},
        {Optimizer::SgdMomentum, "sgd", "SGD with momentum", {"sgd-momentum", "sgdm", "momentum"}},
        {Optimizer::QLoRA,
         "qlora",
         "NF4 base with LoRA adapters, Dettmers et al. 2023, needs a rank",
         {"q-lora", "lora-nf4"}},
    });
    return table;
}

std::string_view toString(Optimizer o)
{
    return optimizerTable().name(o);
}

std::optional<Optimizer> optimizerFromString(std::string_view s)
{
    return optimizerTable().find(s);
}

const EnumTable<AttentionKernel>& attentionKernelTable()
{
    static const EnumTable<AttentionKernel> table({
        {AttentionKernel::Flash,
         "flash",
         "FlashAttention-2: no T×T matrix",
         {"flash2", "flash-attention", "flash_attention_2", "fused"}},
        {AttentionKernel::Eager, "eager", "transformers' eager attention: keeps the T×T probabilities", {}},
        {AttentionKernel::Sdpa, "sdpa", "transformers' sdpa path: K/V repeated to H heads", {}},
        {AttentionKernel::FusedSoftmax,
         "fused-softmax",
         "Megatron-LM's unfused attention with the fused softmax kernel",
         {"fused-scale-mask-softmax", "megatron"}},
    });
    return table;
}

std::string_view toString(AttentionKernel k)
{
    return attentionKernelTable().name(k);
}

std::optional<AttentionKernel> attentionKernelFromString(std::string_view s)
{
    return attentionKernelTable().find(s);
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
