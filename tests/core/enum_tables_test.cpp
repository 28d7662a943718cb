// Every enum table (enum_table.hpp): each enumerator has exactly one entry, every name and
// alias is unique within its table (ignoring case where the table does) and finds its own
// value, and every entry has a line of help. The enumerators are listed here by hand, from
// the enum definitions, so a value added to an enum without a table row fails this test.

#include "llamascope/activations.hpp"
#include "llamascope/bundled.hpp"
#include "llamascope/config.hpp"
#include "llamascope/cost.hpp"
#include "llamascope/design.hpp"
#include "llamascope/enum_table.hpp"
#include "llamascope/flops.hpp"
#include "llamascope/forward/kernels.hpp"
#include "llamascope/launch.hpp"
#include "llamascope/memory.hpp"
#include "llamascope/plan.hpp"
#include "llamascope/runs.hpp"
#include "llamascope/scaling.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <set>
#include <string>

namespace llamascope {
namespace {

std::string folded(std::string_view s, EnumCase match)
{
    std::string out(s);
    if (match == EnumCase::Insensitive)
        std::transform(out.begin(), out.end(), out.begin(),
                       [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
    return out;
}

template <typename E>
void expectComplete(const EnumTable<E>& table, std::initializer_list<E> values, const char* what)
{
    SCOPED_TRACE(what);
    EXPECT_EQ(table.entries().size(), values.size()) << "an entry for a value the enum does not have";
    for (E v : values) {
        const auto n = std::count_if(table.entries().begin(), table.entries().end(),
                                     [v](const EnumEntry<E>& e) { return e.value == v; });
        EXPECT_EQ(n, 1) << "value " << static_cast<int>(v);
        EXPECT_EQ(table.find(table.name(v)), v) << table.name(v);
    }
    std::set<std::string> seen;
    for (const EnumEntry<E>& e : table.entries()) {
        EXPECT_FALSE(e.name.empty());
        EXPECT_FALSE(e.help.empty()) << e.name;
        EXPECT_EQ(e.help.find('\n'), std::string_view::npos) << e.name << ": help is one line";
        std::vector<std::string_view> spellings{e.name};
        spellings.insert(spellings.end(), e.aliases.begin(), e.aliases.end());
        for (std::string_view s : spellings) {
            EXPECT_FALSE(s.empty()) << e.name;
            EXPECT_TRUE(seen.insert(folded(s, table.match())).second) << "\"" << s << "\" is spelled twice";
            EXPECT_EQ(table.find(s), e.value) << s;
        }
    }
    EXPECT_EQ(table.spellings().size(), seen.size());
    EXPECT_FALSE(table.find("no-such-name"));
}

TEST(EnumTables, EveryEnumeratorHasExactlyOneEntryAndEverySpellingIsUnique)
{
    expectComplete(modelTypes(),
                   {ModelType::Llama, ModelType::Mistral, ModelType::Mixtral, ModelType::Qwen2,
                    ModelType::Qwen3, ModelType::Gemma, ModelType::Gemma2, ModelType::Phi3, ModelType::Olmo2},
                   "ModelType");
    expectComplete(positionTypes(),
                   {PositionType::Rope, PositionType::Learned, PositionType::Sinusoidal, PositionType::None},
                   "PositionType");
    expectComplete(ropeKinds(),
                   {RopeKind::Default, RopeKind::Linear, RopeKind::Dynamic, RopeKind::Yarn,
                    RopeKind::LongRope, RopeKind::Llama3},
                   "RopeKind");
    expectComplete(normPlacements(), {NormPlacement::Pre, NormPlacement::Sandwich, NormPlacement::Post},
                   "NormPlacement");
    expectComplete(qkNorms(), {QkNorm::None, QkNorm::PerHead, QkNorm::Full}, "QkNorm");
    expectComplete(storageDtypeTable(),
                   {StorageDtype::F32, StorageDtype::BF16, StorageDtype::F16, StorageDtype::Int8,
                    StorageDtype::Int4, StorageDtype::F8},
                   "StorageDtype");
    expectComplete(optimizerTable(),
                   {Optimizer::None, Optimizer::AdamW, Optimizer::MixedAdamW, Optimizer::Bf16Adam,
                    Optimizer::Adam8bit, Optimizer::GaLore, Optimizer::LoRA, Optimizer::Adafactor,
                    Optimizer::Lion, Optimizer::SgdMomentum, Optimizer::QLoRA},
                   "Optimizer");
    expectComplete(attentionKernelTable(),
                   {AttentionKernel::Flash, AttentionKernel::Eager, AttentionKernel::Sdpa,
                    AttentionKernel::FusedSoftmax},
                   "AttentionKernel");
    expectComplete(precisionTable(), {Precision::BF16, Precision::FP16, Precision::TF32, Precision::FP32},
                   "Precision");
    expectComplete(zeroStageTable(),
                   {ZeroStage::None, ZeroStage::OptimizerStates, ZeroStage::Gradients, ZeroStage::Parameters},
                   "ZeroStage");
    expectComplete(recomputeTable(), {Recompute::None, Recompute::Selective, Recompute::Full}, "Recompute");
    expectComplete(launchEngineTable(), {LaunchEngine::DeepSpeed, LaunchEngine::Fsdp, LaunchEngine::Megatron},
                   "LaunchEngine");
    expectComplete(lawFormTable(), {LawForm::ParamsData, LawForm::Params, LawForm::ComputeFront}, "LawForm");
    expectComplete(attentionMaskTable(), {AttentionMask::Causal, AttentionMask::Full}, "AttentionMask");
    expectComplete(flopConventionTable(),
                   {FlopConventionId::Exact, FlopConventionId::Kaplan, FlopConventionId::Palm,
                    FlopConventionId::Chinchilla},
                   "FlopConventionId");
    expectComplete(paramCountTable(),
                   {ParamCount::Total, ParamCount::NonEmbedding, ParamCount::NoInputEmbedding}, "ParamCount");
    expectComplete(designRankingTable(), {DesignRanking::Published, DesignRanking::FamilyTrend},
                   "DesignRanking");
    expectComplete(ffnRuleTable(), {FfnRule::Llama, FfnRule::Ratio}, "FfnRule");
    expectComplete(tieModeTable(), {TieMode::Untied, TieMode::Tied, TieMode::Either}, "TieMode");
    expectComplete(kernelSetTable(), {KernelSet::Baseline, KernelSet::Avx2, KernelSet::Avx512}, "KernelSet");
}

TEST(EnumTables, ToStringIsTheTablesName)
{
    // toString() of each converted enum reads its table; toString(DesignRanking) still lives
    // beside the shape prior, so this keeps the two spellings in step.
    for (const auto& e : designRankingTable().entries())
        EXPECT_EQ(toString(e.value), e.name);
    for (const auto& e : zeroStageTable().entries())
        EXPECT_EQ(toString(e.value), e.name);
    for (const auto& e : flopConventionTable().entries())
        EXPECT_EQ(toString(e.value), e.name);
    for (const auto& e : kernelSetTable().entries())
        EXPECT_EQ(toString(e.value), e.name);
}

TEST(EnumTables, FlopReportKeysAreTheConventionNames)
{
    // FlopConvention::key is what JSON output and the CLI print: the table's name.
    const std::optional<LoadResult> loaded = loadBundled("llama_60m");
    ASSERT_TRUE(loaded && loaded->config);
    const FlopReport r = computeFlops(*loaded->config, FlopOptions{32, AttentionMask::Causal});
    ASSERT_EQ(r.conventions.size(), flopConventionTable().entries().size());
    for (const FlopConvention& f : r.conventions)
        EXPECT_EQ(f.key, toString(f.id));
}

TEST(EnumTables, ZeroStagesIgnoreCaseAndTheOthersDoNot)
{
    EXPECT_EQ(zeroStageTable().find("ZeRO-3"), ZeroStage::Parameters);
    EXPECT_EQ(zeroStageTable().find("FULL_SHARD"), ZeroStage::Parameters);
    EXPECT_EQ(zeroStageTable().find("Shard_Grad_Op"), ZeroStage::Gradients);
    EXPECT_FALSE(zeroStageTable().find("zero4"));
    EXPECT_FALSE(recomputeTable().find("Full"));
    EXPECT_FALSE(flopConventionTable().find("PaLM"));
}

TEST(EnumTables, NamesTextAndSpellings)
{
    EXPECT_EQ(flopConventionTable().namesText(), "exact, kaplan, palm or chinchilla");
    EXPECT_EQ(attentionMaskTable().namesText(), "causal or full");
    const std::vector<std::string_view> s = paramCountTable().spellings();
    ASSERT_EQ(s.size(), 4u);
    EXPECT_EQ(s.back(), "kaplan"); // aliases follow the names
}

} // namespace
} // namespace llamascope
