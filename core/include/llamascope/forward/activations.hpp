#pragma once
// The MLP activations of the reference forward pass: every name of transformers' ACT2FN
// (activations.py) that llamascope's validator accepts, elementwise in float32.

#include "llamascope/checked.hpp"

#include <optional>
#include <string_view>

namespace llamascope::ops {

enum class Activation {
    Gelu,      ///< gelu, gelu_python: x·Φ(x) = 0.5x(1 + erf(x/√2))
    Gelu10,    ///< gelu_10: exact GELU clipped to [−10, 10]
    GeluFast,  ///< gelu_fast: 0.5x(1 + tanh(0.7978845608·x(1 + 0.044715x²)))
    GeluTanh,  ///< gelu_new, gelu_accurate, gelu_pytorch_tanh: 0.5x(1 + tanh(√(2/π)(x + 0.044715x³)))
    Laplace,   ///< laplace: 0.5(1 + erf((x − 0.707107)/(0.282095·√2)))
    LeakyRelu, ///< leaky_relu: x ≥ 0 ? x : 0.01x
    Linear,    ///< linear: x
    Mish,      ///< mish: x·tanh(softplus(x))
    QuickGelu, ///< quick_gelu: x·σ(1.702x)
    Relu,      ///< relu
    Relu2,     ///< relu2: relu(x)²
    Relu6,     ///< relu6: min(max(x, 0), 6)
    Sigmoid,   ///< sigmoid: σ(x)
    Silu,      ///< silu, swish: x·σ(x) = x / (1 + e^−x)
    Tanh,      ///< tanh
};

/// The activation ACT2FN maps `name` to; nullopt for a name this pass does not run.
std::optional<Activation> activationFromName(std::string_view name);

/// act(x) for one value (the forward pass applies it over its buffers, split over its threads).
float activate(Activation act, float x);

} // namespace llamascope::ops
