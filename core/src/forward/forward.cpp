// The reference forward pass: see forward/forward.hpp. ForwardState holds the activations of
// one run and advances them one step at a time (embedding, each layer, head), so a Resident
// run and a Streamed run execute exactly the same arithmetic; they differ only in when
// weights are made and freed.

#include "llamascope/forward/forward.hpp"

#include "llamascope/errors.hpp"
#include "llamascope/forward/init.hpp"
#include "llamascope/forward/system.hpp"

#include "aligned.hpp"
#include "ops.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace llamascope {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// Logit rows computed at once when the caller does not keep them: bounds the scratch at
// 64 MiB whatever B·T is.
constexpr Count kLogitChunkFloats = Count{16} << 20;

Count logitChunkRows(Count rows, Count vocab)
{
    return std::clamp<Count>(kLogitChunkFloats / vocab, 1, rows);
}

// A checkpoint is read through one buffer of at most 16 MiB (kReadChunkBytes in
// safetensors.cpp); random init needs less.
constexpr Count kReadBufferBytes = Count{16} << 20;

AlignedFloats buffer(Count n)
{
    return AlignedFloats(static_cast<std::size_t>(n));
}

class ForwardState {
public:
    ForwardState(const ModelConfig& c, std::span<const std::int64_t> tokens, Count batch, Count seqLen,
                 int threads, bool keepLogits, KernelSet kernels)
        : c_(c), tokens_(tokens), B_(batch), T_(seqLen), rows_(batch * seqLen), keepLogits_(keepLogits),
          qWidth_(c.numAttentionHeads * c.headDim), kvWidth_(c.numKeyValueHeads * c.headDim),
          x_(buffer(rows_ * c.hiddenSize)), u_(buffer(rows_ * c.hiddenSize)), q_(buffer(rows_ * qWidth_)),
          a_(buffer(rows_ * qWidth_)), k_(buffer(rows_ * kvWidth_)), v_(buffer(rows_ * kvWidth_)),
          g_(buffer(rows_ * c.intermediateSize)), p_(buffer(rows_ * c.intermediateSize)),
          workspace_(seqLen, c.headDim, threads),
          team_(threads), ctx_{&team_, &ops::kernelTable(kernels), &workspace_}
    {
        if (c.positionType == PositionType::Rope)
            rope_ = ops::ropeTables(seqLen, c.headDim, c.ropeTheta);
    }

    // X = E[ids] (+ Pos[t] learned, + S[t] sinusoidal).
    void embed(const EmbeddingWeights& w)
    {
        const Count d = c_.hiddenSize;
        for (Count r = 0; r < rows_; ++r) {
            const float* e = w.tokens.values.data() + tokens_[static_cast<std::size_t>(r)] * d;
            std::copy(e, e + d, x_.data() + r * d); // [d]
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

    // Pre-norm block: X += Attn(RMSNorm(X)); X += MLP(RMSNorm(X)).
    void layer(const LayerWeights& w)
    {
        attentionBlock(w);
        mlpBlock(w);
    }

    // Final RMSNorm, logits = X·W_lmᵀ (W_lm = E when tied), mean next-token cross-entropy.
    void head(const HeadWeights& w, const Tensor& embedding)
    {
        const Count d = c_.hiddenSize, V = c_.vocabSize;
        const Tensor& lm = w.lmHead ? *w.lmHead : embedding;
        ops::rmsNorm(ctx_, x_.data(), rows_, d, w.finalNorm, eps(), u_.data()); // [B·T, d]
        std::vector<std::int64_t> targets(static_cast<std::size_t>(rows_), -1);
        for (Count r = 0; r < rows_; ++r)
            if (r % T_ + 1 < T_)
                targets[static_cast<std::size_t>(r)] = tokens_[static_cast<std::size_t>(r + 1)];
        // Kept logits are computed in place in the output; otherwise a bounded chunk is reused.
        const Count chunk = keepLogits_ ? rows_ : logitChunkRows(rows_, V);
        AlignedFloats scratch = buffer(keepLogits_ ? 0 : chunk * V);
        if (keepLogits_)
            logits_.resize(static_cast<std::size_t>(rows_ * V));
        double lossSum = 0;
        for (Count r0 = 0; r0 < rows_; r0 += chunk) {
            const Count n = std::min(chunk, rows_ - r0);
            float* logits = keepLogits_ ? logits_.data() + r0 * V : scratch.data(); // [n, V]
            flops_.lmHead += ops::linear(ctx_, u_.data() + r0 * d, n, d, lm, std::nullopt, logits);
            lossSum += ops::crossEntropySum(ctx_, logits, n, V, targets.data() + r0);
        }
        if (T_ > 1)
            loss_ = lossSum / static_cast<double>(B_ * (T_ - 1));
    }

    ForwardOutput output() && { return ForwardOutput{loss_, flops_, std::move(logits_)}; }

private:
    float eps() const { return static_cast<float>(c_.rmsNormEps); }

    void attentionBlock(const LayerWeights& w)
    {
        const Count d = c_.hiddenSize, H = c_.numAttentionHeads, K = c_.numKeyValueHeads, h = c_.headDim;
        ops::rmsNorm(ctx_, x_.data(), rows_, d, w.inputNorm, eps(), u_.data());       // [B·T, d]
        flops_.qProj += ops::linear(ctx_, u_.data(), rows_, d, w.q, w.qb, q_.data()); // [B·T, H·h]
        flops_.kProj += ops::linear(ctx_, u_.data(), rows_, d, w.k, w.kb, k_.data()); // [B·T, K·h]
        flops_.vProj += ops::linear(ctx_, u_.data(), rows_, d, w.v, w.vb, v_.data()); // [B·T, K·h]
        if (c_.positionType == PositionType::Rope) {
            ops::applyRope(ctx_, q_.data(), B_, T_, H, h, rope_); // [B·T, H·h]
            ops::applyRope(ctx_, k_.data(), B_, T_, K, h, rope_); // [B·T, K·h]
        }
        const ops::AttentionFlops af = ops::causalAttention(ctx_, q_.data(), k_.data(), v_.data(), B_, T_, H,
                                                            K, h, a_.data()); // [B·T, H·h]
        flops_.scores += af.scores;
        flops_.mixing += af.mixing;
        flops_.oProj += ops::linear(ctx_, a_.data(), rows_, qWidth_, w.o, w.ob, u_.data()); // [B·T, d]
        ops::add(ctx_, x_.data(), u_.data(), rows_ * c_.hiddenSize);                        // [B·T, d]
    }

    void mlpBlock(const LayerWeights& w)
    {
        const Count d = c_.hiddenSize, f = c_.intermediateSize;
        ops::rmsNorm(ctx_, x_.data(), rows_, d, w.postNorm, eps(), u_.data());                 // [B·T, d]
        flops_.gateProj += ops::linear(ctx_, u_.data(), rows_, d, w.gate, w.gateb, g_.data()); // [B·T, f]
        flops_.upProj += ops::linear(ctx_, u_.data(), rows_, d, w.up, w.upb, p_.data());       // [B·T, f]
        ops::siluMul(ctx_, g_.data(), p_.data(), rows_ * f);                                   // [B·T, f]
        flops_.downProj += ops::linear(ctx_, g_.data(), rows_, f, w.down, w.downb, u_.data()); // [B·T, d]
        ops::add(ctx_, x_.data(), u_.data(), rows_ * c_.hiddenSize);                           // [B·T, d]
    }

    const ModelConfig& c_;
    std::span<const std::int64_t> tokens_;
    Count B_, T_, rows_;
    bool keepLogits_;
    Count qWidth_, kvWidth_;
    AlignedFloats x_; // [B·T, d] residual stream
    AlignedFloats u_; // [B·T, d] normed input / block output
    AlignedFloats q_; // [B·T, H·h]
    AlignedFloats a_; // [B·T, H·h] attention output before o_proj
    AlignedFloats k_; // [B·T, K·h]
    AlignedFloats v_; // [B·T, K·h]
    AlignedFloats g_; // [B·T, f] gate, then SiLU(gate) ⊙ up
    AlignedFloats p_; // [B·T, f] up
    ops::Workspace workspace_;
    ThreadTeam team_; // the pass's threads, asleep between its parallel regions
    ops::Context ctx_;
    ops::RopeTables rope_;
    ExactMatmulFlops flops_;
    std::optional<double> loss_;
    std::vector<float> logits_;
};

// Traits this forward pass does not run yet: refused by name rather than ignored.
void checkSupported(const ModelConfig& c, Count seqLen)
{
    std::vector<std::string> missing;
    if (c.modelType != ModelType::Llama && c.modelType != ModelType::Mistral &&
        c.modelType != ModelType::Qwen2)
        missing.push_back("model_type " + std::string(toString(c.modelType)));
    if (c.hiddenAct != "silu")
        missing.push_back("hidden_act " + c.hiddenAct);
    if (c.ropeScaling)
        missing.push_back("rope_scaling " + std::string(ropeKinds().name(c.ropeScaling->kind)));
    if (c.slidingLayerCount() > 0 && c.attention.slidingWindow < seqLen)
        missing.push_back("sliding_window " + std::to_string(c.attention.slidingWindow) +
                          " shorter than --seq");
    if (!missing.empty()) {
        std::string text;
        for (const std::string& m : missing)
            text += (text.empty() ? "" : ", ") + m;
        throw InvalidArgument("the reference forward pass does not run " + text +
                              " yet; counts and FLOPs are exact, but logits would differ from transformers");
    }
}

void checkInputs(const ModelConfig& c, std::span<const std::int64_t> tokens, Count batch, Count seqLen)
{
    if (batch < 1 || seqLen < 1)
        throw InvalidArgument("batch and sequence length must be at least 1");
    checkSupported(c, seqLen);
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
    if (c.positionType == PositionType::Rope && c.headDim % 2 != 0)
        throw InvalidArgument("RoPE needs an even head_dim, got " + std::to_string(c.headDim));
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
    // ForwardState: x, u [B·T, d]; q, a [B·T, H·h]; k, v [B·T, K·h]; g, p [B·T, f].
    const Count perRow =
        sumChecked({2 * c.hiddenSize, 2 * qw, 2 * kvw, 2 * c.intermediateSize}, "activations");
    const Count logits = keepLogits ? mulChecked(rows, c.vocabSize, "logits")
                                    : logitChunkRows(rows, c.vocabSize) * c.vocabSize;
    const Count rope = c.positionType == PositionType::Rope ? seqLen * (c.headDim / 2) * 2 : 0; // cos, sin
    const Count floats = sumChecked({mulChecked(rows, perRow, "activations"), logits, rope}, "activations");
    // Per row also: the token id, its target and its loss term (8 bytes each).
    plan.activationBytes =
        sumChecked({mulChecked(4, floats, "activation bytes"), mulChecked(24, rows, "tokens"),
                    ops::Workspace::bytes(seqLen, c.headDim, threads), kReadBufferBytes},
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
        state.layer(w.layers[static_cast<std::size_t>(i)]);
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
        timed(r.secondsCompute, [&] { state.layer(layer); });
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
           m.finalNorm == a.finalNorm && m.lmHead == a.lmHead && m.total() == a.total;
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
