#pragma once
// The family report (SPEC §9): how a set of configs scales, and which common claims about
// it hold. compareFamily() computes; familyReportMarkdown()/familyMembersTable() format.

#include "llamascope/config.hpp"
#include "llamascope/table.hpp"

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace llamascope {

/// One model of the family. Configs that differ only in position encoding are one member
/// with variants (llama_130m and its learned/none/sinusoidal files).
struct FamilyMember {
    std::string name;                  ///< representative config (the RoPE one if present)
    std::vector<std::string> variants; ///< the other configs folded into this member
    Count params = 0;                  ///< total parameters of the representative
    Count hidden = 0, layers = 0, heads = 0, kvHeads = 0, headDim = 0, intermediate = 0, vocab = 0,
          context = 0;
    double widthPerLayer = 0; ///< N/L
    double ffnRatio = 0;
    std::vector<std::string> positionTypes; ///< of the representative and its variants
};

/// Ratio between neighbours (by parameter count) of width or depth.
struct Step {
    std::string from, to;
    Count fromValue = 0, toValue = 0;
    double ratio = 0;
};

/// A value and the members that hold it.
struct ValueHolders {
    double value = 0;
    std::vector<std::string> members;
};

/// A statement about the family and whether the data bear it out.
struct ClaimCheck {
    std::string claim;
    bool holds = false;
    std::string evidence; ///< the numbers that decide it
};

struct FamilyReport {
    std::vector<FamilyMember> members; ///< ordered by parameter count
    std::vector<Step> widthSteps, depthSteps;
    ValueHolders nPerLLowest, nPerLHighest, nPerLMostCommon;
    std::vector<ValueHolders> headCounts;     ///< grouped, ascending
    std::vector<ValueHolders> headDims;       ///< grouped, ascending
    ValueHolders ffnLowest, ffnHighest;       ///< FFN ratio range
    std::vector<ValueHolders> vocabSizes;     ///< most common first
    std::vector<ValueHolders> contextLengths; ///< most common first
    /// Position encoding -> every config using it (variants included), most common first.
    std::vector<std::pair<std::string, std::vector<std::string>>> positionTypes;
    std::vector<ClaimCheck> claims;
};

/// The SwiGLU FFN band the published comparison quotes (ratios rounded to 2 decimals).
inline constexpr double kFfnBandLow = 2.67;
inline constexpr double kFfnBandHigh = 2.75;

/// Throws InvalidArgument for an empty set.
FamilyReport compareFamily(const std::vector<ModelConfig>& configs);

/// Per-member table: name, variants, params, d, L, H, h, f, V, P, N/L, FFN, width ×, depth ×.
Table familyMembersTable(const FamilyReport& r);
/// The whole report as Markdown (headings, tables, claims with ✓/✗).
std::string familyReportMarkdown(const FamilyReport& r);
nlohmann::ordered_json toJson(const FamilyReport& r);

} // namespace llamascope
