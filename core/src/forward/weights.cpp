// Tensor specs, weight sources and loaders: see forward/weights.hpp.

#include "llamascope/forward/weights.hpp"

#include "llamascope/errors.hpp"
#include "llamascope/format.hpp"
#include "llamascope/forward/init.hpp"

#include <cmath>
#include <cstring>
#include <map>
#include <set>
#include <sstream>

namespace llamascope {

Count TensorSpec::numel() const
{
    Count n = 1;
    for (const Count dim : shape)
        n = mulChecked(n, dim, "tensor size");
    return n;
}

std::string shapeToString(const std::vector<Count>& shape)
{
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

namespace {

// Where a layer tensor goes. The forward pass reads LayerWeights by role; names exist only here.
enum class Slot {
    AttnInNorm,
    AttnOutNorm,
    MlpInNorm,
    MlpOutNorm,
    Q,
    K,
    V,
    Qkv,
    O,
    QBias,
    KBias,
    VBias,
    QkvBias,
    OBias,
    QNorm,
    KNorm,
    Router,
    Gate,
    Up,
    GateUp,
    Down,
    GateBias,
    UpBias,
    GateUpBias,
    DownBias
};

// Which ParameterCounts component a slot belongs to.
enum class Component { Attention, Mlp, Norms };

Component componentOf(Slot s)
{
    if (s <= Slot::MlpOutNorm)
        return Component::Norms;
    return s <= Slot::KNorm ? Component::Attention : Component::Mlp;
}

struct LayerTensor {
    TensorSpec spec;
    Slot slot;
    Count expert = 0; ///< which MLP (0 for a dense layer)
};

// HF module names of the four norm roles under each placement (nullptr: no such norm).
// modeling_llama (pre), modeling_gemma2 (sandwich), modeling_olmo2 (post).
struct NormNames {
    const char* attnIn;
    const char* attnOut;
    const char* mlpIn;
    const char* mlpOut;
};

NormNames normNames(NormPlacement p)
{
    switch (p) {
    case NormPlacement::Pre: return {"input_layernorm", nullptr, "post_attention_layernorm", nullptr};
    case NormPlacement::Sandwich:
        return {"input_layernorm", "post_attention_layernorm", "pre_feedforward_layernorm",
                "post_feedforward_layernorm"};
    case NormPlacement::Post:
        return {nullptr, "post_attention_layernorm", nullptr, "post_feedforward_layernorm"};
    }
    throw std::logic_error("unknown norm placement");
}

// HF names of one MLP's projections: the dense MLP (modeling_llama, Phi-3's fused gate_up) or
// expert j of a sparse mixture (modeling_mixtral: w1 gate, w3 up, w2 down).
struct MlpNames {
    std::string prefix;
    const char* gate;
    const char* up;
    const char* down;
};

MlpNames mlpNames(const ModelConfig& c, Count expert)
{
    if (c.mlp.moe())
        return {"block_sparse_moe.experts." + std::to_string(expert) + ".", "w1", "w3", "w2"};
    return {"mlp.", "gate_proj", "up_proj", "down_proj"};
}

std::vector<LayerTensor> layerTensors(const ModelConfig& c, Count layer)
{
    const std::string p = "model.layers." + std::to_string(layer) + ".";
    const Count d = c.hiddenSize, f = c.intermediateSize, h = c.headDim;
    const Count qw = mulChecked(c.numAttentionHeads, h, "attention width");
    const Count kvw = mulChecked(c.numKeyValueHeads, h, "kv width");
    const TensorRole gain = c.norms.unitOffset ? TensorRole::OffsetNormGain : TensorRole::NormGain;
    std::vector<LayerTensor> s;
    auto add = [&s](std::string name, std::vector<Count> shape, TensorRole role, Slot slot,
                    Count expert = 0) {
        s.push_back({{std::move(name), std::move(shape), role}, slot, expert});
    };
    const NormNames norms = normNames(c.norms.placement);
    auto norm = [&](const char* name, Slot slot) {
        if (name != nullptr)
            add(p + name + ".weight", {d}, gain, slot);
    };
    norm(norms.attnIn, Slot::AttnInNorm);
    norm(norms.attnOut, Slot::AttnOutNorm);
    norm(norms.mlpIn, Slot::MlpInNorm);
    norm(norms.mlpOut, Slot::MlpOutNorm);

    // Attention: q, k, v (or one fused qkv), o, their biases, q/k norms.
    const std::string a = p + "self_attn.";
    if (c.layout.fusedQkv) {
        const Count fused = addChecked(qw, mulChecked(2, kvw, "kv width"), "qkv width");
        add(a + "qkv_proj.weight", {fused, d}, TensorRole::Weight, Slot::Qkv);
        if (c.attention.qkvBias)
            add(a + "qkv_proj.bias", {fused}, TensorRole::Bias, Slot::QkvBias);
    } else {
        add(a + "q_proj.weight", {qw, d}, TensorRole::Weight, Slot::Q);
        add(a + "k_proj.weight", {kvw, d}, TensorRole::Weight, Slot::K);
        add(a + "v_proj.weight", {kvw, d}, TensorRole::Weight, Slot::V);
        if (c.attention.qkvBias) {
            add(a + "q_proj.bias", {qw}, TensorRole::Bias, Slot::QBias);
            add(a + "k_proj.bias", {kvw}, TensorRole::Bias, Slot::KBias);
            add(a + "v_proj.bias", {kvw}, TensorRole::Bias, Slot::VBias);
        }
    }
    add(a + "o_proj.weight", {d, qw}, TensorRole::Weight, Slot::O);
    if (c.attention.outputBias)
        add(a + "o_proj.bias", {d}, TensorRole::Bias, Slot::OBias);
    if (c.attention.qkNorm != QkNorm::None) {
        const bool perHead = c.attention.qkNorm == QkNorm::PerHead;
        add(a + "q_norm.weight", {perHead ? h : qw}, gain, Slot::QNorm);
        add(a + "k_norm.weight", {perHead ? h : kvw}, gain, Slot::KNorm);
    }

    // MLP: one dense MLP, or a router and E experts.
    const Count mlps = c.mlp.moe() ? c.mlp.numExperts : 1;
    if (c.mlp.moe())
        add(p + "block_sparse_moe.gate.weight", {c.mlp.numExperts, d}, TensorRole::Weight, Slot::Router);
    for (Count j = 0; j < mlps; ++j) {
        const MlpNames n = mlpNames(c, j);
        const std::string m = p + n.prefix;
        if (c.mlp.gated && c.layout.fusedGateUp) {
            add(m + "gate_up_proj.weight", {mulChecked(2, f, "MLP width"), d}, TensorRole::Weight,
                Slot::GateUp, j);
            if (c.mlp.bias)
                add(m + "gate_up_proj.bias", {mulChecked(2, f, "MLP width")}, TensorRole::Bias,
                    Slot::GateUpBias, j);
        } else {
            if (c.mlp.gated)
                add(m + n.gate + ".weight", {f, d}, TensorRole::Weight, Slot::Gate, j);
            add(m + n.up + ".weight", {f, d}, TensorRole::Weight, Slot::Up, j);
            if (c.mlp.bias) {
                if (c.mlp.gated)
                    add(m + n.gate + ".bias", {f}, TensorRole::Bias, Slot::GateBias, j);
                add(m + n.up + ".bias", {f}, TensorRole::Bias, Slot::UpBias, j);
            }
        }
        add(m + n.down + ".weight", {d, f}, TensorRole::Weight, Slot::Down, j);
        if (c.mlp.bias)
            add(m + n.down + ".bias", {d}, TensorRole::Bias, Slot::DownBias, j);
    }
    return s;
}

} // namespace

std::vector<TensorSpec> embeddingSpecs(const ModelConfig& c)
{
    std::vector<TensorSpec> specs{
        {"model.embed_tokens.weight", {c.vocabSize, c.hiddenSize}, TensorRole::Weight}};
    // nn.Embedding(V, d, padding_idx = pad_token_id): transformers' init zeroes that row.
    if (c.padTokenId && *c.padTokenId >= 0 && *c.padTokenId < c.vocabSize)
        specs[0].zeroRow = *c.padTokenId;
    if (c.positionType == PositionType::Learned)
        specs.push_back({"model.position_embeddings.position_embeddings.weight",
                         {c.contextLength, c.hiddenSize},
                         TensorRole::Weight});
    return specs;
}

std::vector<TensorSpec> layerSpecs(const ModelConfig& c, Count layer)
{
    std::vector<TensorSpec> specs;
    for (LayerTensor& t : layerTensors(c, layer))
        specs.push_back(std::move(t.spec));
    return specs;
}

std::vector<TensorSpec> headSpecs(const ModelConfig& c)
{
    const TensorRole gain = c.norms.unitOffset ? TensorRole::OffsetNormGain : TensorRole::NormGain;
    std::vector<TensorSpec> specs{{"model.norm.weight", {c.hiddenSize}, gain}};
    if (!c.tieWordEmbeddings)
        specs.push_back({"lm_head.weight", {c.vocabSize, c.hiddenSize}, TensorRole::Weight});
    return specs;
}

std::vector<TensorSpec> allSpecs(const ModelConfig& c)
{
    std::vector<TensorSpec> all = embeddingSpecs(c);
    for (Count i = 0; i < c.numHiddenLayers; ++i)
        for (TensorSpec& s : layerSpecs(c, i))
            all.push_back(std::move(s));
    for (TensorSpec& s : headSpecs(c))
        all.push_back(std::move(s));
    return all;
}

Tensor RandomWeights::load(const TensorSpec& spec)
{
    return makeInitTensor(spec, seed_, stddev_, threads());
}

std::string RandomWeights::describe() const
{
    std::ostringstream s;
    s << "random init (seed " << seed_ << ", std " << stddev_ << ")";
    return s.str();
}

CheckpointWeights CheckpointWeights::open(const std::filesystem::path& path)
{
    return CheckpointWeights(SafetensorsCheckpoint::open(path));
}

namespace {

// Index of the first NaN or infinity, or -1. By bit pattern (exponent all ones), so it holds
// under any floating-point compiler flags; one pass over memory the read just touched.
std::int64_t firstNonFinite(const std::vector<float>& values)
{
    for (std::size_t i = 0; i < values.size(); ++i) {
        std::uint32_t bits = 0;
        std::memcpy(&bits, &values[i], sizeof bits);
        if ((bits & 0x7F800000u) == 0x7F800000u)
            return static_cast<std::int64_t>(i);
    }
    return -1;
}

std::string indexText(const std::vector<Count>& shape, std::int64_t flat)
{
    std::vector<Count> index(shape.size());
    for (std::size_t d = shape.size(); d-- > 0;) {
        index[d] = shape[d] > 0 ? flat % shape[d] : 0;
        flat = shape[d] > 0 ? flat / shape[d] : flat;
    }
    return shapeToString(index);
}

} // namespace

Tensor CheckpointWeights::load(const TensorSpec& spec)
{
    Tensor t = checkpoint_.read(spec.name);
    if (t.shape != spec.shape) // mismatches() is checked first; this guards direct use
        throw CheckpointMismatch(describe(), {spec.name + ": checkpoint has " + shapeToString(t.shape) +
                                              ", config expects " + shapeToString(spec.shape)});
    // A NaN or infinite weight makes every later number NaN (loss "nan", exit 0 before this
    // check): refuse it by name, at the first tensor that has one.
    if (const std::int64_t bad = firstNonFinite(t.values); bad >= 0) {
        const float v = t.values[static_cast<std::size_t>(bad)];
        throw IoError(
            describe() + ": tensor " + quoteForMessage(spec.name) + " holds " +
            (std::isnan(v) ? std::string("NaN")
             : v > 0       ? std::string("+inf")
                           : std::string("-inf")) +
            " at " + indexText(t.shape, bad) +
            "; a checkpoint with non-finite weights gives no meaningful loss (diverged training, or "
            "an overflow when it was converted to a narrower dtype?)");
    }
    return t;
}

std::string TensorMismatch::message() const
{
    switch (kind) {
    case Kind::Missing:
        return name + ": missing from the checkpoint, config expects " + shapeToString(expected);
    case Kind::Unexpected:
        return name + ": checkpoint has " + (actual.empty() ? std::string("it") : shapeToString(actual)) +
               ", config has no such tensor";
    case Kind::Shape:
        return name + ": checkpoint has " + shapeToString(actual) + ", config expects " +
               shapeToString(expected);
    }
    throw std::logic_error("unknown mismatch kind");
}

std::vector<TensorMismatch> compareTensors(const std::vector<TensorSpec>& specs,
                                           const std::vector<TensorShape>& present)
{
    std::map<std::string_view, const TensorShape*, std::less<>> byName;
    for (const TensorShape& t : present)
        byName.emplace(t.name, &t);
    std::vector<TensorMismatch> out;
    std::set<std::string_view, std::less<>> expected;
    for (const TensorSpec& spec : specs) {
        expected.insert(spec.name);
        const auto it = byName.find(spec.name);
        if (it == byName.end())
            out.push_back({TensorMismatch::Kind::Missing, spec.name, spec.shape, {}});
        else if (it->second->shapeKnown && it->second->shape != spec.shape)
            out.push_back({TensorMismatch::Kind::Shape, spec.name, spec.shape, it->second->shape});
    }
    const bool headInSpecs = expected.count("lm_head.weight") != 0;
    for (const auto& [name, t] : byName) {
        if (expected.count(name) != 0 || name.ends_with(".rotary_emb.inv_freq"))
            continue;
        if (name == "lm_head.weight" && !headInSpecs) {
            const auto embed = byName.find("model.embed_tokens.weight");
            if (embed != byName.end() &&
                (!t->shapeKnown || !embed->second->shapeKnown || embed->second->shape == t->shape))
                continue; // a tied checkpoint that also saved the shared matrix
        }
        out.push_back(
            {TensorMismatch::Kind::Unexpected, t->name, {}, t->shapeKnown ? t->shape : std::vector<Count>{}});
    }
    return out;
}

std::vector<std::string> CheckpointWeights::mismatches(const std::vector<TensorSpec>& specs) const
{
    std::vector<TensorShape> present;
    for (const SafetensorsEntry* e : checkpoint_.entries())
        present.push_back({e->name, e->shape});
    std::vector<std::string> problems;
    for (const TensorMismatch& m : compareTensors(specs, present))
        problems.push_back(m.message());
    return problems;
}

namespace {

std::string joinLines(const std::string& source, const std::vector<std::string>& problems)
{
    std::string s = source + " does not match the config:";
    for (const std::string& p : problems)
        s += "\n  " + p;
    return s;
}

} // namespace

CheckpointMismatch::CheckpointMismatch(const std::string& source, std::vector<std::string> problems)
    : std::runtime_error(joinLines(source, problems)), source_(source), problems_(std::move(problems))
{
}

Count MaterialisedParameters::total() const
{
    return sumChecked({embedding, positionTable, layers, finalNorm, lmHead}, "materialised parameters");
}

EmbeddingWeights loadEmbedding(const ModelConfig& c, WeightSource& source, MaterialisedParameters& counted)
{
    const std::vector<TensorSpec> specs = embeddingSpecs(c);
    EmbeddingWeights w;
    w.tokens = source.load(specs.at(0));
    counted.embedding = addChecked(counted.embedding, w.tokens.numel());
    if (specs.size() > 1) {
        w.positions = source.load(specs.at(1));
        counted.positionTable = addChecked(counted.positionTable, w.positions->numel());
    }
    return w;
}

namespace {

// Rows [begin, begin + count) of t's leading dimension: a row block of a fused [out, in]
// weight, or a slice of a fused bias. Row-major, so the block is contiguous.
Tensor rowBlock(const Tensor& t, Count begin, Count count)
{
    const Count rowSize = t.numel() / t.shape.at(0);
    Tensor out;
    out.name = t.name + "[" + std::to_string(begin) + ":" + std::to_string(begin + count) + "]";
    out.shape = t.shape;
    out.shape[0] = count;
    const auto first = t.values.begin() + static_cast<std::ptrdiff_t>(begin * rowSize);
    out.values.assign(first, first + static_cast<std::ptrdiff_t>(count * rowSize));
    return out;
}

void place(LayerWeights& w, const ModelConfig& c, Slot slot, MlpWeights& mlp, Tensor t)
{
    const Count qw = c.numAttentionHeads * c.headDim, kvw = c.numKeyValueHeads * c.headDim;
    const Count f = c.intermediateSize;
    switch (slot) {
    case Slot::AttnInNorm: w.attnInNorm = std::move(t); break;
    case Slot::AttnOutNorm: w.attnOutNorm = std::move(t); break;
    case Slot::MlpInNorm: w.mlpInNorm = std::move(t); break;
    case Slot::MlpOutNorm: w.mlpOutNorm = std::move(t); break;
    case Slot::Q: w.q = std::move(t); break;
    case Slot::K: w.k = std::move(t); break;
    case Slot::V: w.v = std::move(t); break;
    case Slot::Qkv: // rows: q [H·h], then k [K·h], then v [K·h] (modeling_phi3's split)
        w.q = rowBlock(t, 0, qw);
        w.k = rowBlock(t, qw, kvw);
        w.v = rowBlock(t, qw + kvw, kvw);
        break;
    case Slot::QBias: w.qb = std::move(t); break;
    case Slot::KBias: w.kb = std::move(t); break;
    case Slot::VBias: w.vb = std::move(t); break;
    case Slot::QkvBias:
        w.qb = rowBlock(t, 0, qw);
        w.kb = rowBlock(t, qw, kvw);
        w.vb = rowBlock(t, qw + kvw, kvw);
        break;
    case Slot::O: w.o = std::move(t); break;
    case Slot::OBias: w.ob = std::move(t); break;
    case Slot::QNorm: w.qNorm = std::move(t); break;
    case Slot::KNorm: w.kNorm = std::move(t); break;
    case Slot::Router: w.router = std::move(t); break;
    case Slot::Gate: mlp.gate = std::move(t); break;
    case Slot::Up: mlp.up = std::move(t); break;
    case Slot::GateUp: // rows: gate [f], then up [f] (modeling_phi3: chunk(2) gives gate first)
        mlp.gate = rowBlock(t, 0, f);
        mlp.up = rowBlock(t, f, f);
        break;
    case Slot::Down: mlp.down = std::move(t); break;
    case Slot::GateBias: mlp.gateb = std::move(t); break;
    case Slot::UpBias: mlp.upb = std::move(t); break;
    case Slot::GateUpBias:
        mlp.gateb = rowBlock(t, 0, f);
        mlp.upb = rowBlock(t, f, f);
        break;
    case Slot::DownBias: mlp.downb = std::move(t); break;
    }
}

} // namespace

LayerWeights loadLayer(const ModelConfig& c, Count layer, WeightSource& source,
                       MaterialisedParameters& counted)
{
    LayerWeights w;
    w.experts.resize(static_cast<std::size_t>(c.mlp.moe() ? c.mlp.numExperts : 1));
    for (const LayerTensor& lt : layerTensors(c, layer)) {
        Tensor t = source.load(lt.spec);
        // Counted as loaded: a fused tensor once, before it is split.
        const Count n = t.numel();
        counted.layers = addChecked(counted.layers, n);
        Count& component = componentOf(lt.slot) == Component::Attention ? counted.attention
                           : componentOf(lt.slot) == Component::Mlp     ? counted.mlp
                                                                        : counted.norms;
        component = addChecked(component, n);
        place(w, c, lt.slot, w.experts.at(static_cast<std::size_t>(lt.expert)), std::move(t));
    }
    return w;
}

HeadWeights loadHead(const ModelConfig& c, WeightSource& source, MaterialisedParameters& counted)
{
    const std::vector<TensorSpec> specs = headSpecs(c);
    HeadWeights w;
    w.finalNorm = source.load(specs.at(0));
    counted.finalNorm = addChecked(counted.finalNorm, w.finalNorm.numel());
    counted.norms = addChecked(counted.norms, w.finalNorm.numel());
    if (specs.size() > 1) {
        w.lmHead = source.load(specs.at(1));
        counted.lmHead = addChecked(counted.lmHead, w.lmHead->numel());
    }
    return w;
}

} // namespace llamascope
