#pragma once
// FLOP counts under four conventions (SPEC §7); see docs/formulas.md for derivations and
// citations. A matmul [m×k]·[k×n] costs 2·m·k·n. All integer arithmetic is checked.

#include "llamascope/config.hpp"
#include "llamascope/enum_table.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace llamascope {

enum class AttentionMask { Causal, Full };

/// "causal", "full".
const EnumTable<AttentionMask>& attentionMaskTable();
std::string_view toString(AttentionMask m);

struct FlopOptions {
    Count seqLen = 2048; ///< T, tokens per sequence (>= 1)
    AttentionMask mask = AttentionMask::Causal;
};

/// One named term of a convention, per sequence of T tokens.
struct FlopTerm {
    std::string name;
    Count perSequence = 0;
};

enum class FlopConventionId { Exact, Kaplan, Palm, Chinchilla };

/// "exact", "kaplan", "palm", "chinchilla", each with a line on what it counts; the names are
/// FlopConvention::key and the JSON keys of every FLOPs output.
const EnumTable<FlopConventionId>& flopConventionTable();
std::string_view toString(FlopConventionId id);

struct FlopConvention {
    FlopConventionId id = FlopConventionId::Exact;
    std::string_view key;      ///< toString(id): "exact", "kaplan", "palm", "chinchilla"
    std::string_view title;    ///< human name
    std::string_view citation; ///< where the formula comes from
    std::string_view meaning;  ///< one line: what this number is and is not
    Count seqLen = 0;          ///< T the convention was evaluated at
    Count forwardPerSequence = 0;
    Count trainingPerSequence = 0;          ///< 3 × forward (forward + backward)
    Count trainingPerSequenceRecompute = 0; ///< 4 × forward (full activation recompute)
    /// Per token: the per-sequence figures divided by T. Not a whole number in general: with
    /// a sliding window a causal sequence scores W(2T − W + 1)/2 pairs per head, which T need
    /// not divide (Phi-3-mini, W = 2047, at T = 3000). Display them with formatPerToken().
    double forwardPerToken = 0;
    double trainingPerToken = 0;
    double trainingPerTokenRecompute = 0;
    std::vector<FlopTerm> terms; ///< per sequence; they sum to forwardPerSequence
};

/// Elementwise work of the real forward pass, counted per op (docs/formulas.md lists the
/// per-element cost of each); per sequence.
struct ElementwiseFlops {
    std::vector<FlopTerm> terms;
    Count perSequence = 0;
    /// Per token of a sequence of `seqLen` tokens (not an integer in general).
    [[nodiscard]] double perToken(Count seqLen) const
    {
        return static_cast<double>(perSequence) / static_cast<double>(seqLen);
    }
};

struct FlopReport {
    FlopOptions options;
    std::vector<FlopConvention> conventions; ///< exact, kaplan, palm, chinchilla
    ElementwiseFlops elementwise;

    [[nodiscard]] const FlopConvention& get(FlopConventionId id) const&;
    // On a temporary report the convention is copied out: a reference into it would dangle.
    [[nodiscard]] FlopConvention get(FlopConventionId id) &&;
};

/// Throws InvalidArgument for seqLen < 1 and CountOverflow if a count does not fit.
FlopReport computeFlops(const ModelConfig& config, const FlopOptions& options);

/// Matmul FLOPs of the exact forward pass, split the way the reference forward pass
/// instruments itself, per sequence of T tokens (batch 1).
struct ExactMatmulFlops {
    Count qProj = 0, kProj = 0, vProj = 0, oProj = 0; ///< all layers
    Count gateProj = 0, upProj = 0, downProj = 0;     ///< all layers; MoE: the routed experts only
    Count router = 0;                                 ///< MoE router logits, all layers
    Count scores = 0;                                 ///< Q·Kᵀ over the scored pairs, all layers and heads
    Count mixing = 0;                                 ///< softmax(·)·V, all layers and heads
    Count lmHead = 0;
    [[nodiscard]] Count total() const;
    friend bool operator==(const ExactMatmulFlops&, const ExactMatmulFlops&) = default;
};

ExactMatmulFlops exactMatmulFlops(const ModelConfig& config, const FlopOptions& options);

/// Number of (query, key) pairs one head scores: T² (full) or T(T+1)/2 (causal). With a
/// sliding window of W keys (window > 0): causal Σ_t min(t+1, W); full T·min(T, W).
Count attentionPairs(Count seqLen, AttentionMask mask, Count window = 0);

/// Pairs one head scores in every layer together (sliding layers with their window).
Count attentionPairsAllLayers(const ModelConfig& config, Count seqLen, AttentionMask mask);

/// Training FLOPs for a budget of `tokens` tokens (double: totals exceed int64).
double trainingFlops(const FlopConvention& convention, double tokens, bool recompute = false);

} // namespace llamascope
