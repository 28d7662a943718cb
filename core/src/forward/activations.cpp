// Activations: see activations.hpp. Formulas as transformers' activations.py and PyTorch's
// nn modules define them (GELU: Hendrycks & Gimpel 2016; SiLU: Elfwing et al. 2017; Mish:
// Misra 2019; Laplace: Ma et al. 2022, MEGA; ReLU²: So et al. 2021, Primer).

#include "llamascope/forward/activations.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <utility>

namespace llamascope::ops {

namespace {

constexpr float kInvSqrt2 = 0.70710678118654752440f;
constexpr float kSqrt2OverPi = 0.79788456080286535588f; // √(2/π)

float gelu(float x)
{
    return 0.5f * x * (1.0f + std::erf(x * kInvSqrt2));
}

float sigmoid(float x)
{
    return 1.0f / (1.0f + std::exp(-x));
}

} // namespace

std::optional<Activation> activationFromName(std::string_view name)
{
    static constexpr std::array<std::pair<std::string_view, Activation>, 19> kNames = {{
        {"gelu", Activation::Gelu},
        {"gelu_python", Activation::Gelu},
        {"gelu_10", Activation::Gelu10},
        {"gelu_fast", Activation::GeluFast},
        {"gelu_new", Activation::GeluTanh},
        {"gelu_accurate", Activation::GeluTanh},
        {"gelu_pytorch_tanh", Activation::GeluTanh},
        {"laplace", Activation::Laplace},
        {"leaky_relu", Activation::LeakyRelu},
        {"linear", Activation::Linear},
        {"mish", Activation::Mish},
        {"quick_gelu", Activation::QuickGelu},
        {"relu", Activation::Relu},
        {"relu2", Activation::Relu2},
        {"relu6", Activation::Relu6},
        {"sigmoid", Activation::Sigmoid},
        {"silu", Activation::Silu},
        {"swish", Activation::Silu},
        {"tanh", Activation::Tanh},
    }};
    for (const auto& [n, act] : kNames)
        if (n == name)
            return act;
    return std::nullopt;
}

float activate(Activation act, float x)
{
    switch (act) {
    case Activation::Gelu: return gelu(x);
    case Activation::Gelu10: return std::clamp(gelu(x), -10.0f, 10.0f);
    case Activation::GeluFast:
        return 0.5f * x * (1.0f + std::tanh(x * 0.7978845608f * (1.0f + 0.044715f * x * x)));
    case Activation::GeluTanh:
        return 0.5f * x * (1.0f + std::tanh(kSqrt2OverPi * (x + 0.044715f * x * x * x)));
    case Activation::Laplace:
        return 0.5f * (1.0f + std::erf((x - 0.707107f) / (0.282095f * std::numbers::sqrt2_v<float>)));
    case Activation::LeakyRelu: return x >= 0.0f ? x : 0.01f * x;
    case Activation::Linear: return x;
    case Activation::Mish: {
        // PyTorch's softplus returns x itself above its threshold of 20.
        const float softplus = x > 20.0f ? x : std::log1p(std::exp(x));
        return x * std::tanh(softplus);
    }
    case Activation::QuickGelu: return x * sigmoid(1.702f * x);
    case Activation::Relu: return std::max(x, 0.0f);
    case Activation::Relu2: {
        const float r = std::max(x, 0.0f);
        return r * r;
    }
    case Activation::Relu6: return std::min(std::max(x, 0.0f), 6.0f);
    case Activation::Sigmoid: return sigmoid(x);
    case Activation::Silu: return x / (1.0f + std::exp(-x));
    case Activation::Tanh: return std::tanh(x);
    }
    return x;
}

} // namespace llamascope::ops
