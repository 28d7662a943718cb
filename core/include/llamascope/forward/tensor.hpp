#pragma once
// Float32 tensors of the reference forward pass (SPEC §11).
//
// Storage order, once for the whole forward pass: every tensor is dense, row-major
// (C order, last index fastest), exactly the order of the PyTorch tensor it stands for.
// A linear weight is [out, in] (PyTorch's nn.Linear), an embedding [V, d], a norm gain [d].

#include "llamascope/checked.hpp"

#include <optional>
#include <string>
#include <vector>

namespace llamascope {

/// What a tensor is, which decides how random init makes it, as transformers' _init_weights
/// does (SPEC §11): norm gains 1, biases 0, everything else N(0, initializer_range²); the
/// stored w of a (1 + w) norm (Gemma) is 0, so the norm starts as the identity gain too.
enum class TensorRole { Weight, NormGain, OffsetNormGain, Bias };

/// The name and shape a config expects for one tensor, with HF names
/// ("model.layers.3.self_attn.q_proj.weight").
struct TensorSpec {
    std::string name;
    std::vector<Count> shape;
    TensorRole role = TensorRole::Weight;
    /// Random init zeroes this row (the padding token's embedding, as nn.Embedding's
    /// padding_idx is initialised); a checkpoint's values are read as they are.
    std::optional<Count> zeroRow = std::nullopt;

    [[nodiscard]] Count numel() const; ///< product of the shape (checked)
};

/// A materialised float32 tensor: `values.size()` equals the product of `shape`.
struct Tensor {
    std::string name;
    std::vector<Count> shape;
    std::vector<float> values;

    [[nodiscard]] Count numel() const { return static_cast<Count>(values.size()); }
};

/// "[768, 2048]".
std::string shapeToString(const std::vector<Count>& shape);

} // namespace llamascope
