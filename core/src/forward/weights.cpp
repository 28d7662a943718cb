// Tensor specs, weight sources and loaders: see forward/weights.hpp.

#include "llamascope/forward/weights.hpp"

#include "llamascope/errors.hpp"
#include "llamascope/format.hpp"
#include "llamascope/forward/init.hpp"

#include <cmath>
#include <cstring>

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

std::vector<TensorSpec> embeddingSpecs(const ModelConfig& c)
{
    std::vector<TensorSpec> specs{
        {"model.embed_tokens.weight", {c.vocabSize, c.hiddenSize}, TensorRole::Weight}};
    if (c.positionType == PositionType::Learned)
        specs.push_back({"model.position_embeddings.position_embeddings.weight",
                         {c.contextLength, c.hiddenSize},
                         TensorRole::Weight});
    return specs;
}

std::vector<TensorSpec> layerSpecs(const ModelConfig& c, Count layer)
{
    const std::string p = "model.layers." + std::to_string(layer) + ".";
    const Count d = c.hiddenSize, f = c.intermediateSize;
    const Count qw = mulChecked(c.numAttentionHeads, c.headDim, "attention width");
    const Count kvw = mulChecked(c.numKeyValueHeads, c.headDim, "kv width");
    std::vector<TensorSpec> s{{p + "input_layernorm.weight", {d}, TensorRole::NormGain},
                              {p + "self_attn.q_proj.weight", {qw, d}, TensorRole::Weight},
                              {p + "self_attn.k_proj.weight", {kvw, d}, TensorRole::Weight},
                              {p + "self_attn.v_proj.weight", {kvw, d}, TensorRole::Weight},
                              {p + "self_attn.o_proj.weight", {d, qw}, TensorRole::Weight}};
    if (c.attention.qkvBias)
        for (const auto& [name, n] : {std::pair{"q", qw}, {"k", kvw}, {"v", kvw}})
            s.push_back({p + "self_attn." + name + "_proj.bias", {n}, TensorRole::Bias});
    if (c.attention.outputBias)
        s.push_back({p + "self_attn.o_proj.bias", {d}, TensorRole::Bias});
    s.push_back({p + "post_attention_layernorm.weight", {d}, TensorRole::NormGain});
    s.push_back({p + "mlp.gate_proj.weight", {f, d}, TensorRole::Weight});
    s.push_back({p + "mlp.up_proj.weight", {f, d}, TensorRole::Weight});
    s.push_back({p + "mlp.down_proj.weight", {d, f}, TensorRole::Weight});
    if (c.mlp.bias)
        for (const auto& [name, n] : {std::pair{"gate", f}, {"up", f}, {"down", d}})
            s.push_back({p + "mlp." + name + "_proj.bias", {n}, TensorRole::Bias});
    return s;
}

std::vector<TensorSpec> headSpecs(const ModelConfig& c)
{
    std::vector<TensorSpec> specs{{"model.norm.weight", {c.hiddenSize}, TensorRole::NormGain}};
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

std::vector<std::string> CheckpointWeights::mismatches(const std::vector<TensorSpec>& specs) const
{
    std::vector<std::string> problems;
    std::set<std::string, std::less<>> expected;
    for (const TensorSpec& spec : specs) {
        expected.insert(spec.name);
        const SafetensorsEntry* e = checkpoint_.find(spec.name);
        if (e == nullptr)
            problems.push_back(spec.name + ": missing from the checkpoint, config expects " +
                               shapeToString(spec.shape));
        else if (e->shape != spec.shape)
            problems.push_back(spec.name + ": checkpoint has " + shapeToString(e->shape) +
                               ", config expects " + shapeToString(spec.shape));
    }
    const bool headInSpecs = expected.count("lm_head.weight") != 0;
    for (const SafetensorsEntry* e : checkpoint_.entries()) {
        if (expected.count(e->name) != 0)
            continue;
        const std::string_view name = e->name;
        if (name.ends_with(".rotary_emb.inv_freq"))
            continue;
        if (name == "lm_head.weight" && !headInSpecs) {
            const SafetensorsEntry* embed = checkpoint_.find("model.embed_tokens.weight");
            if (embed != nullptr && embed->shape == e->shape)
                continue; // a tied checkpoint that also saved the shared matrix
        }
        problems.push_back(e->name + ": checkpoint has " + shapeToString(e->shape) +
                           ", config has no such tensor");
    }
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

LayerWeights loadLayer(const ModelConfig& c, Count layer, WeightSource& source,
                       MaterialisedParameters& counted)
{
    LayerWeights w;
    for (const TensorSpec& spec : layerSpecs(c, layer)) {
        Tensor t = source.load(spec);
        counted.layers = addChecked(counted.layers, t.numel());
        // The suffix after "model.layers.{i}." decides the slot.
        const std::string_view name = spec.name;
        const std::string_view slot =
            name.substr(name.find('.', std::string_view("model.layers.").size()) + 1);
        if (slot == "input_layernorm.weight")
            w.inputNorm = std::move(t);
        else if (slot == "post_attention_layernorm.weight")
            w.postNorm = std::move(t);
        else if (slot == "self_attn.q_proj.weight")
            w.q = std::move(t);
        else if (slot == "self_attn.k_proj.weight")
            w.k = std::move(t);
        else if (slot == "self_attn.v_proj.weight")
            w.v = std::move(t);
        else if (slot == "self_attn.o_proj.weight")
            w.o = std::move(t);
        else if (slot == "self_attn.q_proj.bias")
            w.qb = std::move(t);
        else if (slot == "self_attn.k_proj.bias")
            w.kb = std::move(t);
        else if (slot == "self_attn.v_proj.bias")
            w.vb = std::move(t);
        else if (slot == "self_attn.o_proj.bias")
            w.ob = std::move(t);
        else if (slot == "mlp.gate_proj.weight")
            w.gate = std::move(t);
        else if (slot == "mlp.up_proj.weight")
            w.up = std::move(t);
        else if (slot == "mlp.down_proj.weight")
            w.down = std::move(t);
        else if (slot == "mlp.gate_proj.bias")
            w.gateb = std::move(t);
        else if (slot == "mlp.up_proj.bias")
            w.upb = std::move(t);
        else if (slot == "mlp.down_proj.bias")
            w.downb = std::move(t);
        else
            throw std::logic_error("loadLayer: unexpected tensor " + spec.name);
    }
    return w;
}

HeadWeights loadHead(const ModelConfig& c, WeightSource& source, MaterialisedParameters& counted)
{
    const std::vector<TensorSpec> specs = headSpecs(c);
    HeadWeights w;
    w.finalNorm = source.load(specs.at(0));
    counted.finalNorm = addChecked(counted.finalNorm, w.finalNorm.numel());
    if (specs.size() > 1) {
        w.lmHead = source.load(specs.at(1));
        counted.lmHead = addChecked(counted.lmHead, w.lmHead->numel());
    }
    return w;
}

} // namespace llamascope
