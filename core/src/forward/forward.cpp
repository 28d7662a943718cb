// The reference forward pass: see forward/forward.hpp. ForwardState holds the activations of
// one run and advances them one step at a time (embedding, each layer, head), so a Resident
// run and a Streamed run execute exactly the same arithmetic; they differ only in when
// weights are made and freed.

#include "llamascope/forward/forward.hpp"

#include "llamascope/errors.hpp"
#include "llamascope/forward/activations.hpp"
#include "llamascope/forward/init.hpp"
#include "llamascope/forward/system.hpp"

#include "aligned.hpp"
#include "ops.hpp"
#include "rope.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

namespace llamascope {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// A checkpoint is read through one buffer of at most 16 MiB (kReadChunkBytes in
// safetensors.cpp); random init needs less.
constexpr Count kReadBufferBytes = Count{16} << 20;

AlignedFloats buffer(Count n)
{
    return AlignedFloats(static_cast<std::size_t>(n));
}

// The activation ACT2FN runs for hidden_act; refused by name if this pass has none.
ops::Activation activationOf(const ModelConfig& c)
{
    if (const std::optional<ops::Activation> act = ops::activationFromName(c.hiddenAct))
        return *act;
    throw InvalidArgument("the reference forward pass does not run hidden_act \"" + c.hiddenAct +
                          "\"; counts and FLOPs are exact, but logits would differ from transformers");
}

// The decoder of SPEC §13, one step at a time. Which norms, projections and MLP a layer has
// comes from the weights the config's traits made (weights.hpp); the arithmetic below follows
// transformers' modeling_<type>.py for every family (docs/forward.md "Families").
class ForwardState {
public:
    ForwardState(const ModelConfig& c, std::span<const std::int64_t> tokens, Count batch, Count seqLen,
                 int threads, bool keepLogits, KernelSet kernels)
        : c_(c), tokens_(tokens), B_(batch), T_(seqLen), rows_(batch * seqLen), keepLogits_(keepLogits),
          qWidth_(c.numAttentionHeads * c.headDim), kvWidth_(c.numKeyValueHeads * c.headDim),
          act_(activationOf(c)), x_(buffer(rows_ * c.hiddenSize)), u_(buffer(rows_ * c.hiddenSize)),
          q_(buffer(rows_ * qWidth_)), a_(buffer(rows_ * qWidth_)), k_(buffer(rows_ * kvWidth_)),
          v_(buffer(rows_ * kvWidth_)), g_(buffer(rows_ * c.intermediateSize)),
          p_(buffer(rows_ * c.intermediateSize)), workspace_(seqLen, c.headDim, threads),
          team_(threads), ctx_{&team_, &ops::kernelTable(kernels), &workspace_}
    {
        if (c.positionType == PositionType::Rope)
            rope_ = ops::ropeTables(ops::ropeFrequencies(c, seqLen), seqLen);
        if (c.mlp.moe()) {
            routerLogits_ = buffer(rows_ * c.mlp.numExperts);
            expertIn_ = buffer(rows_ * c.hiddenSize);
            mlpOut_ = buffer(rows_ * c.hiddenSize);
        }
    }

    // X = E[ids] (·√d for Gemma) (+ Pos[t] learned, + S[t] sinusoidal).
    void embed(const EmbeddingWeights& w)
    {
        const Count d = c_.hiddenSize;
        for (Count r = 0; r < rows_; ++r) {
            const float* e = w.tokens.values.data() + tokens_[static_cast<std::size_t>(r)] * d;
            std::copy(e, e + d, x_.data() + r * d); // [d]
        }
        if (c_.embedding.scaleByRootHidden) {
            // modeling_gemma: the normalizer √d is a tensor of the activations' dtype (float32).
            const auto normalizer = static_cast<float>(std::sqrt(static_cast<double>(d)));
            for (float& v : x_)
                v *= normalizer; // [B·T, d]
        }
        if (w.positions)
            for (Count r = 0; r < rows_; ++r) {
                const float* p = w.positions->values.data() + (r % T_) * d;
                float* x = x_.data() + r * d;
                for (Count i = 0; i < d; ++i)
                    x[i] += p[i];
            }
        if (c_.positionType == PositionType::Sinusoidal)
            ops::addSinusoidal(x_.data(), B_, T_, d);
    }

    // Layer `index`: X += Attn-block(X); X += MLP-block(X), norms where the placement puts them.
    void layer(const LayerWeights& w, Count index)
    {
        attentionBlock(w, index);
        mlpBlock(w);
    }

    // Final RMSNorm, logits = X·W_lmᵀ (W_lm = E when tied), soft-capped for Gemma 2, mean
    // next-token cross-entropy.
    void head(const HeadWeights& w, const Tensor& embedding)
    {
        const Count d = c_.hiddenSize, V = c_.vocabSize;
        const Tensor& lm = w.lmHead ? *w.lmHead : embedding;
        ops::rmsNorm(ctx_, x_.data(), rows_, d, gain(w.finalNorm), eps(), u_.data()); // [B·T, d]
        std::vector<std::int64_t> targets(static_cast<std::size_t>(rows_), -1);
        for (Count r = 0; r < rows_; ++r)
            if (r % T_ + 1 < T_)
                targets[static_cast<std::size_t>(r)] = tokens_[static_cast<std::size_t>(r + 1)];
        if (keepLogits_)
            logits_.resize(static_cast<std::size_t>(rows_ * V));
        std::optional<float> cap;
        if (c_.embedding.finalLogitSoftcap)
            cap = static_cast<float>(*c_.embedding.finalLogitSoftcap);
        const ops::HeadTerms terms =
            ops::logitsCrossEntropy(ctx_, u_.data(), rows_, d, lm, cap, targets.data(),
                                    keepLogits_ ? logits_.data() : nullptr); // [B·T, V]
        flops_.lmHead += terms.flops;
        if (T_ > 1)
            loss_ = terms.lossSum / static_cast<double>(B_ * (T_ - 1));
    }

    ForwardOutput output() && { return ForwardOutput{loss_, flops_, std::move(logits_)}; }

private:
    float eps() const { return static_cast<float>(c_.rmsNormEps); }

    // The gain a norm multiplies by: w, or (1 + w) computed in float32 for Gemma's norms.
    const Tensor& gain(const Tensor& w)
    {
        if (!c_.norms.unitOffset)
            return w;
        offsetGain_.shape = w.shape;
        offsetGain_.values.resize(w.values.size());
        for (std::size_t i = 0; i < w.values.size(); ++i)
            offsetGain_.values[i] = 1.0f + w.values[i];
        return offsetGain_;
    }

    // RMSNorm of x [rows, width] in place, with gain w.
    void normInPlace(AlignedFloats& x, Count rows, Count width, const Tensor& w)
    {
        ops::rmsNorm(ctx_, x.data(), rows, width, gain(w), eps(), x.data());
    }

    ops::AttentionOptions attentionOptions(Count layer) const
    {
        ops::AttentionOptions o;
        if (c_.attention.queryPreAttnScalar) // Gemma 2: scores scaled by query_pre_attn_scalar^-1/2
            o.scale = static_cast<float>(1.0 / std::sqrt(*c_.attention.queryPreAttnScalar));
        if (c_.attention.logitSoftcap)
            o.softcap = static_cast<float>(*c_.attention.logitSoftcap);
        if (c_.slidingLayer(layer))
            o.window = c_.attention.slidingWindow;
        return o;
    }

    void attentionBlock(const LayerWeights& w, Count layer)
    {
        const Count d = c_.hiddenSize, H = c_.numAttentionHeads, K = c_.numKeyValueHeads, h = c_.headDim;
        const float* in = x_.data(); // post-norm layers (OLMo 2) read the residual stream itself
        if (w.attnInNorm) {
            ops::rmsNorm(ctx_, x_.data(), rows_, d, gain(*w.attnInNorm), eps(), u_.data()); // [B·T, d]
            in = u_.data();
        }
        flops_.qProj += ops::linear(ctx_, in, rows_, d, w.q, w.qb, q_.data()); // [B·T, H·h]
        flops_.kProj += ops::linear(ctx_, in, rows_, d, w.k, w.kb, k_.data()); // [B·T, K·h]
        flops_.vProj += ops::linear(ctx_, in, rows_, d, w.v, w.vb, v_.data()); // [B·T, K·h]
        if (w.qNorm && w.kNorm) { // Qwen3: over each head's h values; OLMo 2: over the whole projection
            const bool perHead = c_.attention.qkNorm == QkNorm::PerHead;
            normInPlace(q_, perHead ? rows_ * H : rows_, perHead ? h : qWidth_,
                        *w.qNorm); // [B·T·H, h] | [B·T, H·h]
            normInPlace(k_, perHead ? rows_ * K : rows_, perHead ? h : kvWidth_,
                        *w.kNorm); // [B·T·K, h] | [B·T, K·h]
        }
        if (c_.positionType == PositionType::Rope) {
            ops::applyRope(ctx_, q_.data(), B_, T_, H, h, rope_); // [B·T, H·h]
            ops::applyRope(ctx_, k_.data(), B_, T_, K, h, rope_); // [B·T, K·h]
        }
        const ops::AttentionFlops af =
            ops::causalAttention(ctx_, q_.data(), k_.data(), v_.data(), B_, T_, H, K, h, a_.data(),
                                 attentionOptions(layer)); // [B·T, H·h]
        flops_.scores += af.scores;
        flops_.mixing += af.mixing;
        flops_.oProj += ops::linear(ctx_, a_.data(), rows_, qWidth_, w.o, w.ob, u_.data()); // [B·T, d]
        if (w.attnOutNorm)
            normInPlace(u_, rows_, d, *w.attnOutNorm);               // [B·T, d]
        ops::add(ctx_, x_.data(), u_.data(), rows_ * c_.hiddenSize); // [B·T, d]
    }

    void mlpBlock(const LayerWeights& w)
    {
        const Count d = c_.hiddenSize;
        const float* in = x_.data();
        if (w.mlpInNorm) {
            ops::rmsNorm(ctx_, x_.data(), rows_, d, gain(*w.mlpInNorm), eps(), u_.data()); // [B·T, d]
            in = u_.data();
        }
        AlignedFloats& out = w.router ? mixtureOfExperts(w, in) : denseMlp(w.experts.at(0), in, rows_, u_);
        if (w.mlpOutNorm)
            normInPlace(out, rows_, d, *w.mlpOutNorm);                // [B·T, d]
        ops::add(ctx_, x_.data(), out.data(), rows_ * c_.hiddenSize); // [B·T, d]
    }

    // down(act(gate(x)) ⊙ up(x)) (+ biases), or down(act(up(x))) when not gated, for n rows
    // of x [n, d]; the result goes to out [n, d] (which may be the buffer x lives in).
    AlignedFloats& denseMlp(const MlpWeights& m, const float* x, Count n, AlignedFloats& out)
    {
        const Count d = c_.hiddenSize, f = c_.intermediateSize;
        flops_.upProj += ops::linear(ctx_, x, n, d, m.up, m.upb, p_.data()); // [n, f]
        if (m.gate) {
            flops_.gateProj += ops::linear(ctx_, x, n, d, *m.gate, m.gateb, g_.data()); // [n, f]
            if (act_ == ops::Activation::Silu)
                ops::siluMul(ctx_, g_.data(), p_.data(), n * f); // [n, f]
            else
                ops::gatedActivation(ctx_, act_, g_.data(), p_.data(), n * f);                  // [n, f]
            flops_.downProj += ops::linear(ctx_, g_.data(), n, f, m.down, m.downb, out.data()); // [n, d]
        } else {
            ops::activation(ctx_, act_, p_.data(), n * f);                                      // [n, f]
            flops_.downProj += ops::linear(ctx_, p_.data(), n, f, m.down, m.downb, out.data()); // [n, d]
        }
        return out;
    }

    // modeling_mixtral's sparse block: router logits, softmax over the E experts in float32,
    // the top k per token, their weights renormalised to sum to 1; each expert runs on exactly
    // the tokens routed to it, and the weighted outputs are summed in expert order.
    AlignedFloats& mixtureOfExperts(const LayerWeights& w, const float* in)
    {
        const Count d = c_.hiddenSize, E = c_.mlp.numExperts, k = c_.mlp.expertsPerToken;
        flops_.router +=
            ops::linear(ctx_, in, rows_, d, *w.router, std::nullopt, routerLogits_.data()); // [B·T, E]
        // routed[j]: (row, weight) of every token routed to expert j, rows ascending.
        std::vector<std::vector<std::pair<Count, float>>> routed(static_cast<std::size_t>(E));
        std::vector<float> probs(static_cast<std::size_t>(E));
        std::vector<Count> order(static_cast<std::size_t>(E));
        for (Count r = 0; r < rows_; ++r) {
            const float* logit = routerLogits_.data() + r * E; // [E]
            const float max = *std::max_element(logit, logit + E);
            float sum = 0;
            for (Count j = 0; j < E; ++j)
                sum += probs[static_cast<std::size_t>(j)] = std::exp(logit[j] - max);
            for (float& p : probs)
                p /= sum;
            std::iota(order.begin(), order.end(), Count{0});
            // torch.topk: the k largest; equal probabilities keep the lower expert first.
            std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](Count a, Count b) {
                const float pa = probs[static_cast<std::size_t>(a)], pb = probs[static_cast<std::size_t>(b)];
                return pa > pb || (pa == pb && a < b);
            });
            float topSum = 0;
            for (Count i = 0; i < k; ++i)
                topSum += probs[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])];
            for (Count i = 0; i < k; ++i) {
                const Count j = order[static_cast<std::size_t>(i)];
                routed[static_cast<std::size_t>(j)].emplace_back(r,
                                                                 probs[static_cast<std::size_t>(j)] / topSum);
            }
        }
        std::fill(mlpOut_.begin(), mlpOut_.end(), 0.0f);
        for (Count j = 0; j < E; ++j) {
            const auto& tokens = routed[static_cast<std::size_t>(j)];
            const auto n = static_cast<Count>(tokens.size());
            if (n == 0)
                continue; // an expert no token chose runs nothing
            for (Count i = 0; i < n; ++i) {
                const float* src = in + tokens[static_cast<std::size_t>(i)].first * d;
                std::copy(src, src + d, expertIn_.data() + i * d); // [n, d] gathered tokens
            }
            // The expert's output overwrites its own gathered input: [n, d].
            denseMlp(w.experts.at(static_cast<std::size_t>(j)), expertIn_.data(), n, expertIn_);
            for (Count i = 0; i < n; ++i) {
                const auto& [row, weight] = tokens[static_cast<std::size_t>(i)];
                const float* y = expertIn_.data() + i * d;
                float* acc = mlpOut_.data() + row * d;
                for (Count e = 0; e < d; ++e)
                    acc[e] += y[e] * weight; // [d]
            }
        }
        return mlpOut_;
    }

    const ModelConfig& c_;
    std::span<const std::int64_t> tokens_;
    Count B_, T_, rows_;
    bool keepLogits_;
    Count qWidth_, kvWidth_;
    ops::Activation act_;
    AlignedFloats x_;            // [B·T, d] residual stream
    AlignedFloats u_;            // [B·T, d] normed input / block output
    AlignedFloats q_;            // [B·T, H·h]
    AlignedFloats a_;            // [B·T, H·h] attention output before o_proj
    AlignedFloats k_;            // [B·T, K·h]
    AlignedFloats v_;            // [B·T, K·h]
    AlignedFloats g_;            // [B·T, f] gate, then act(gate) ⊙ up
    AlignedFloats p_;            // [B·T, f] up
    AlignedFloats routerLogits_; // [B·T, E] (mixture of experts only)
    AlignedFloats expertIn_;     // [B·T, d] one expert's tokens, then its output
    AlignedFloats mlpOut_;       // [B·T, d] the experts' weighted sum
    Tensor offsetGain_;          // [d] or [h]: 1 + w of the norm being applied
    ops::Workspace workspace_;
    ThreadTeam team_; // the pass's threads, asleep between its parallel regions
    ops::Context ctx_;
    ops::RopeTables rope_;
    ExactMatmulFlops flops_;
    std::optional<double> loss_;
    std::vector<float> logits_;
};

void checkInputs(const ModelConfig& c, std::span<const std::int64_t> tokens, Count batch, Count seqLen)
{
    if (batch < 1 || seqLen < 1)
        throw InvalidArgument("batch and sequence length must be at least 1");
    activationOf(c); // refused by name before anything is made
    if (static_cast<Count>(tokens.size()) != mulChecked(batch, seqLen, "tokens"))
        throw InvalidArgument("expected " + std::to_string(batch * seqLen) + " token ids (batch " +
                              std::to_string(batch) + " × sequence " + std::to_string(seqLen) + "), got " +
                              std::to_string(tokens.size()));
    for (const std::int64_t id : tokens)
        if (id < 0 || id >= c.vocabSize)
            throw InvalidArgument("token id " + std::to_string(id) + " is outside the vocabulary [0, " +
                                  std::to_string(c.vocabSize) + ")");
    if (c.positionType == PositionType::Learned && seqLen > c.contextLength)
        throw InvalidArgument("sequence length " + std::to_string(seqLen) +
                              " exceeds the learned position table (" + std::to_string(c.contextLength) +
                              " positions)");
    const auto rotary = static_cast<Count>(static_cast<double>(c.headDim) * c.partialRotaryFactor);
    if (c.positionType == PositionType::Rope && (rotary % 2 != 0 || rotary < 2))
        throw InvalidArgument(
            "RoPE needs an even rotary width of at least 2 (head_dim · partial_rotary_factor), got " +
            std::to_string(rotary));
    if (c.numKeyValueHeads < 1 || c.numAttentionHeads % c.numKeyValueHeads != 0)
        throw InvalidArgument("num_attention_heads must be a multiple of num_key_value_heads");
}

// Maps a phase's progress [0, 1] onto [begin, end] of the outer progress.
class SliceProgress final : public Progress {
public:
    SliceProgress(Progress* outer, double begin, double end) : outer_(outer), begin_(begin), end_(end) {}
    void report(double fraction, std::string_view stage) override
    {
        if (outer_ != nullptr)
            outer_->report(begin_ + (end_ - begin_) * fraction, stage);
    }
    [[nodiscard]] bool isCancelled() const override { return outer_ != nullptr && outer_->isCancelled(); }

private:
    Progress* outer_;
    double begin_, end_;
};

void reportStep(Progress* progress, Count step, Count steps, const std::string& stage)
{
    throwIfCancelled(progress);
    if (progress != nullptr)
        progress->report(static_cast<double>(step) / static_cast<double>(steps), stage);
}

std::string layerStage(const char* verb, Count i, Count layers)
{
    return std::string(verb) + " layer " + std::to_string(i + 1) + "/" + std::to_string(layers);
}

ExactMatmulFlops timesBatch(const ExactMatmulFlops& f, Count batch)
{
    auto m = [batch](Count x) { return mulChecked(x, batch, "forward FLOPs"); };
    ExactMatmulFlops r;
    r.qProj = m(f.qProj);
    r.kProj = m(f.kProj);
    r.vProj = m(f.vProj);
    r.oProj = m(f.oProj);
    r.gateProj = m(f.gateProj);
    r.upProj = m(f.upProj);
    r.downProj = m(f.downProj);
    r.router = m(f.router);
    r.scores = m(f.scores);
    r.mixing = m(f.mixing);
    r.lmHead = m(f.lmHead);
    return r;
}

} // namespace

std::string_view toString(WeightResidency r)
{
    return r == WeightResidency::Resident ? "resident" : "streamed";
}

MemoryPlan planMemory(const ModelConfig& c, Count batch, Count seqLen, int threads, bool keepLogits)
{
    // An upper bound of what a run holds at once, buffer by buffer (tests/cli/test_forward_memory.py
    // checks it against the peak RSS of real runs). Not counted: the process itself (code,
    // libraries, heap bookkeeping), a fixed few tens of MiB documented in docs/forward.md.
    const ParameterCounts p = countParameters(c);
    const Count rows = mulChecked(batch, seqLen, "tokens");
    const Count qw = c.numAttentionHeads * c.headDim, kvw = c.numKeyValueHeads * c.headDim;
    MemoryPlan plan;
    plan.weightBytes = mulChecked(4, p.total, "weight bytes");
    // Streaming keeps one step's weights (plus the embedding when the head reuses it).
    const Count tiedKeep = c.tieWordEmbeddings ? p.embedding : 0;
    const Count step = std::max(
        {p.embedding + p.positionTable, p.perLayer.total() + tiedKeep, p.finalNorm + p.lmHead + tiedKeep});
    plan.streamedBytes = mulChecked(4, step, "weight bytes");
    // ForwardState: x, u [B·T, d]; q, a [B·T, H·h]; k, v [B·T, K·h]; g, p [B·T, f]; and for a
    // mixture of experts router logits [B·T, E], gathered tokens and their weighted sum [B·T, d].
    const Count moe = c.mlp.moe() ? c.mlp.numExperts + 2 * c.hiddenSize : 0;
    const Count perRow =
        sumChecked({2 * c.hiddenSize, 2 * qw, 2 * kvw, 2 * c.intermediateSize, moe}, "activations");
    const Count logits = keepLogits ? mulChecked(rows, c.vocabSize, "logits") : 0;
    const Count rope = c.positionType == PositionType::Rope ? seqLen * (c.headDim / 2) * 2 : 0; // cos, sin
    // A fused checkpoint tensor (Phi-3's qkv_proj, gate_up_proj) lives beside its split copy
    // while a layer loads.
    const Count fused = std::max(c.layout.fusedQkv ? mulChecked(qw + 2 * kvw, c.hiddenSize, "weights") : 0,
                                 c.layout.fusedGateUp && c.mlp.gated
                                     ? productChecked({2, c.intermediateSize, c.hiddenSize}, "weights")
                                     : 0);
    // Gemma's (1 + w) gain of the norm being applied: at most [max(d, H·h)].
    const Count offsetGain = c.norms.unitOffset ? std::max({c.hiddenSize, qw, kvw}) : 0;
    const Count floats =
        sumChecked({mulChecked(rows, perRow, "activations"), logits, rope, fused, offsetGain}, "activations");
    // Per row also: the token id and its target (8 bytes each), and with experts
    // its k routes (row and weight, 16 bytes each).
    const Count perRowBytes = 16 + (c.mlp.moe() ? 16 * c.mlp.expertsPerToken : 0);
    plan.activationBytes =
        sumChecked({mulChecked(4, floats, "activation bytes"), mulChecked(perRowBytes, rows, "tokens"),
                    ops::Workspace::bytes(seqLen, c.headDim, threads),
                    ops::headScratchBytes(rows, c.vocabSize, threads), kReadBufferBytes},
                   "activation bytes");
    return plan;
}

ModelWeights loadModel(const ModelConfig& c, WeightSource& source, Progress* progress)
{
    const std::vector<std::string> problems = source.mismatches(allSpecs(c));
    if (!problems.empty())
        throw CheckpointMismatch(source.describe(), problems);
    const Count steps = c.numHiddenLayers + 2;
    ModelWeights m;
    reportStep(progress, 0, steps, "loading embedding");
    m.embedding = loadEmbedding(c, source, m.counted);
    for (Count i = 0; i < c.numHiddenLayers; ++i) {
        reportStep(progress, i + 1, steps, layerStage("loading", i, c.numHiddenLayers));
        m.layers.push_back(loadLayer(c, i, source, m.counted));
    }
    reportStep(progress, steps - 1, steps, "loading head");
    m.head = loadHead(c, source, m.counted);
    return m;
}

ForwardOutput forwardPass(const ModelConfig& c, const ModelWeights& w, std::span<const std::int64_t> tokens,
                          Count batch, Count seqLen, int threads, bool keepLogits, Progress* progress,
                          std::optional<KernelSet> kernels)
{
    checkInputs(c, tokens, batch, seqLen);
    if (static_cast<Count>(w.layers.size()) != c.numHiddenLayers)
        throw InvalidArgument("the weights have a different number of layers than the config");
    const Count steps = c.numHiddenLayers + 2;
    ForwardState state(c, tokens, batch, seqLen, std::max(threads, 1), keepLogits,
                       chooseKernels(kernels).set);
    reportStep(progress, 0, steps, "embedding");
    state.embed(w.embedding);
    for (Count i = 0; i < c.numHiddenLayers; ++i) {
        reportStep(progress, i + 1, steps, layerStage("forward", i, c.numHiddenLayers));
        state.layer(w.layers[static_cast<std::size_t>(i)], i);
    }
    reportStep(progress, steps - 1, steps, "lm_head");
    state.head(w.head, w.embedding.tokens);
    return std::move(state).output();
}

namespace {

// Streamed: each step's weights are made (or read) just before it runs and freed after.
ForwardOutput streamedPass(const ModelConfig& c, WeightSource& source, std::span<const std::int64_t> tokens,
                           const ForwardOptions& o, int threads, ForwardResult& r, Progress* progress)
{
    const Count steps = c.numHiddenLayers + 2;
    ForwardState state(c, tokens, o.batch, o.seqLen, threads, o.keepLogits, r.kernels.set);
    auto timed = [](double& seconds, auto&& fn) {
        const auto start = Clock::now();
        fn();
        seconds += secondsSince(start);
    };
    reportStep(progress, 0, steps, "embedding");
    EmbeddingWeights embedding;
    timed(r.secondsWeights, [&] { embedding = loadEmbedding(c, source, r.measuredParams); });
    timed(r.secondsCompute, [&] { state.embed(embedding); });
    embedding.positions.reset();
    if (!c.tieWordEmbeddings)
        embedding.tokens = Tensor{}; // the head has its own matrix: free the embedding now
    for (Count i = 0; i < c.numHiddenLayers; ++i) {
        reportStep(progress, i + 1, steps, layerStage("streaming", i, c.numHiddenLayers));
        LayerWeights layer;
        timed(r.secondsWeights, [&] { layer = loadLayer(c, i, source, r.measuredParams); });
        timed(r.secondsCompute, [&] { state.layer(layer, i); });
    }
    reportStep(progress, steps - 1, steps, "lm_head");
    HeadWeights head;
    timed(r.secondsWeights, [&] { head = loadHead(c, source, r.measuredParams); });
    timed(r.secondsCompute, [&] { state.head(head, embedding.tokens); });
    return std::move(state).output();
}

} // namespace

ForwardResult runForward(const ModelConfig& c, WeightSource& source, const ForwardOptions& o,
                         Progress* progress)
{
    const auto start = Clock::now();
    ForwardResult r;
    r.batch = o.batch;
    r.seqLen = o.seqLen;
    r.threads = o.threads > 0 ? o.threads : hardwareThreads();
    r.weightsSource = source.describe();
    r.lnVocab = std::log(static_cast<double>(c.vocabSize));
    const std::vector<std::int64_t> tokens =
        o.tokens.empty()
            ? randomTokens(o.seed, c.vocabSize,
                           mulChecked(std::max<Count>(o.batch, 0), std::max<Count>(o.seqLen, 0), "tokens"))
            : o.tokens;
    checkInputs(c, tokens, o.batch, o.seqLen);
    r.analyticParams = countParameters(c);
    r.analyticFlops = timesBatch(exactMatmulFlops(c, {o.seqLen, AttentionMask::Causal}), o.batch);
    r.kernels = chooseKernels(o.kernels);
    r.plan = planMemory(c, o.batch, o.seqLen, r.threads, o.keepLogits);
    r.budgetBytes = o.maxMemoryBytes > 0 ? o.maxMemoryBytes : defaultMemoryBudget();
    if (r.plan.residentTotal() <= r.budgetBytes)
        r.residency = WeightResidency::Resident;
    else if (r.plan.streamedTotal() <= r.budgetBytes)
        r.residency = WeightResidency::Streamed;
    else
        throw InvalidArgument("the run needs about " + std::to_string(r.plan.streamedTotal() >> 20) +
                              " MiB even streaming one layer at a time, over the memory budget of " +
                              std::to_string(r.budgetBytes >> 20) + " MiB (raise --max-memory)");
    const std::vector<std::string> problems = source.mismatches(allSpecs(c));
    if (!problems.empty())
        throw CheckpointMismatch(source.describe(), problems);
    source.setThreads(r.threads);
    ForwardOutput out;
    if (r.residency == WeightResidency::Resident) {
        // Progress: making the weights is the first half, the arithmetic the second.
        SliceProgress loading(progress, 0.0, 0.5), computing(progress, 0.5, 1.0);
        auto t0 = Clock::now();
        ModelWeights model = loadModel(c, source, progress ? &loading : nullptr);
        r.secondsWeights = secondsSince(t0);
        r.measuredParams = model.counted;
        t0 = Clock::now();
        out = forwardPass(c, model, tokens, o.batch, o.seqLen, r.threads, o.keepLogits,
                          progress ? &computing : nullptr, r.kernels.set);
        r.secondsCompute = secondsSince(t0);
    } else {
        out = streamedPass(c, source, tokens, o, r.threads, r, progress);
    }
    r.loss = out.loss;
    r.measuredFlops = out.flops;
    r.logits = std::move(out.logits);
    r.peakRssBytes = peakRssBytes();
    r.seconds = secondsSince(start);
    if (progress != nullptr)
        progress->report(1.0, "done");
    return r;
}

bool ForwardResult::paramsMatch() const
{
    const ParameterCounts& a = analyticParams;
    const MaterialisedParameters& m = measuredParams;
    return m.embedding == a.embedding && m.positionTable == a.positionTable && m.layers == a.layers &&
           m.finalNorm == a.finalNorm && m.lmHead == a.lmHead && m.attention == a.attention &&
           m.mlp == a.mlp && m.norms == a.norms && m.total() == a.total;
}

bool ForwardResult::flopsMatch() const
{
    return measuredFlops == analyticFlops; // every component, integer for integer
}

double ForwardResult::tokensPerSecond() const
{
    return seconds > 0 ? static_cast<double>(tokens()) / seconds : 0.0;
}

double ForwardResult::gflopsPerSecond() const
{
    return secondsCompute > 0 ? static_cast<double>(measuredFlops.total()) / secondsCompute / 1e9 : 0.0;
}

} // namespace llamascope
