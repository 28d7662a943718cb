// A model small enough to work out by hand: d = 2, one layer, one head, f = 1, V = 2, T = 2,
// no positions. W_q = W_k = 0 makes every score 0, so attention is uniform over the keys each
// query may see: position 0 sees only itself, position 1 averages both. A missing causal
// mask would make position 0 an average too.

#include "llamascope/forward/forward.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

namespace llamascope {
namespace {

class MapSource final : public WeightSource {
public:
    std::map<std::string, std::vector<float>> values;
    Tensor load(const TensorSpec& spec) override { return {spec.name, spec.shape, values.at(spec.name)}; }
    [[nodiscard]] std::vector<std::string> mismatches(const std::vector<TensorSpec>&) const override
    {
        return {};
    }
    [[nodiscard]] std::string describe() const override { return "hand-made"; }
};

double silu(double x)
{
    return x / (1 + std::exp(-x));
}

TEST(HandWorked, TwoTokenModel)
{
    ModelConfig c = ModelConfig::withShape(2, 1, 1, 1, 2, 8);
    c.positionType = PositionType::None;
    const double eps = c.rmsNormEps;
    MapSource w;
    const std::string p = "model.layers.0.";
    w.values = {{"model.embed_tokens.weight", {1, 0, 0, 1}}, // token 0 → (1, 0), token 1 → (0, 1)
                {p + "input_layernorm.weight", {1, 1}},
                {p + "self_attn.q_proj.weight", {0, 0, 0, 0}},
                {p + "self_attn.k_proj.weight", {0, 0, 0, 0}},
                {p + "self_attn.v_proj.weight", {1, 0, 0, 1}},
                {p + "self_attn.o_proj.weight", {1, 0, 0, 1}},
                {p + "post_attention_layernorm.weight", {1, 1}},
                {p + "mlp.gate_proj.weight", {1, 0}}, // gate reads x, up reads y
                {p + "mlp.up_proj.weight", {0, 1}},
                {p + "mlp.down_proj.weight", {1, 0}}, // [d, f]: writes to x only
                {"model.norm.weight", {1, 1}},
                {"lm_head.weight", {1, 0, 0, 1}}};
    ForwardOptions o;
    o.seqLen = 2;
    o.tokens = {0, 1};
    o.keepLogits = true;
    const ForwardResult r = runForward(c, w, o);

    // Attention: RMSNorm((1,0)) = (a, 0), RMSNorm((0,1)) = (0, a) with a = 1/√(0.5 + ε).
    const double a = 1 / std::sqrt(0.5 + eps);
    double x0[2] = {1 + a, 0};         // + o_0 = u_0
    double x1[2] = {a / 2, 1 + a / 2}; // + o_1 = (u_0 + u_1) / 2
    // MLP adds (SiLU(u_x)·u_y, 0) of the post-attention norm u: zero for x0 (u_y = 0).
    const double r1 = 1 / std::sqrt((x1[0] * x1[0] + x1[1] * x1[1]) / 2 + eps);
    x1[0] += silu(x1[0] * r1) * (x1[1] * r1);
    // Final norm and the identity head.
    const double f0 = 1 / std::sqrt((x0[0] * x0[0] + x0[1] * x0[1]) / 2 + eps);
    const double f1 = 1 / std::sqrt((x1[0] * x1[0] + x1[1] * x1[1]) / 2 + eps);
    const double logits[4] = {x0[0] * f0, x0[1] * f0, x1[0] * f1, x1[1] * f1};
    ASSERT_EQ(r.logits.size(), 4u);
    for (std::size_t i = 0; i < 4; ++i)
        EXPECT_NEAR(r.logits[i], logits[i], 1e-5) << "logit " << i;
    // One prediction: position 0 predicts token 1.
    const double loss = std::log(std::exp(logits[0]) + std::exp(logits[1])) - logits[1];
    ASSERT_TRUE(r.loss);
    EXPECT_NEAR(*r.loss, loss, 1e-5);
    // Position 0's logits are (√2, 0) up to ε: only a causal mask gives that.
    EXPECT_NEAR(r.logits[0], std::sqrt(2.0), 1e-5);
    EXPECT_NEAR(r.logits[1], 0.0, 1e-6);
}

} // namespace
} // namespace llamascope
