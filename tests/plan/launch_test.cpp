// Launch configurations: the keys and flags each engine gets for a planned layout, and the
// layouts an engine cannot run, refused by name.

#include "llamascope/bundled.hpp"
#include "llamascope/errors.hpp"
#include "llamascope/launch.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

using namespace llamascope;

namespace {

struct Planned {
    ModelConfig config;
    PlanResult plan;
    LayoutEvaluation layout;
};

Planned plan(std::string_view model, Count gpus, const ParallelLayout& l, PlanOptions o = {})
{
    Planned p;
    p.config = *loadBundled(model)->config;
    const ClusterSpec cluster =
        makeCluster(*builtinAccelerators().find("h100"), gpus, 0, 0, builtinInterconnects());
    if (o.seqLen == 0)
        o.seqLen = 2048;
    o.globalBatchTokens = static_cast<double>(l.globalBatch() * o.seqLen);
    o.filter.dp = l.dp;
    o.filter.tp = l.tp;
    o.filter.pp = l.pp;
    o.filter.cp = l.cp;
    o.filter.zero = l.zero;
    o.filter.recompute = l.recompute;
    o.filter.microBatch = l.microBatch;
    o.filter.sequenceParallel = l.sequenceParallel;
    o.filter.hybridShard = l.hybridShard;
    o.batchTolerance = 0;
    p.plan = planTraining(p.config, cluster, o);
    EXPECT_FALSE(p.plan.layouts.empty()) << l.describe();
    if (p.plan.layouts.empty())
        throw std::logic_error("nothing planned for " + l.describe() + ": " + p.plan.note);
    p.layout = p.plan.layouts.front();
    EXPECT_EQ(p.layout.layout, l);
    return p;
}

const LaunchFile& file(const std::vector<LaunchFile>& files, std::string_view name)
{
    for (const LaunchFile& f : files)
        if (f.name == name)
            return f;
    throw std::logic_error("no file " + std::string(name));
}

bool has(const std::string& text, std::string_view piece)
{
    return text.find(piece) != std::string::npos;
}

std::string refusal(LaunchEngine e, const Planned& p)
{
    try {
        launchFiles(e, p.config, p.plan, p.layout);
    } catch (const InvalidArgument& x) {
        return x.what();
    }
    return "accepted";
}

} // namespace

// DeepSpeed (docs/_pages/config-json.md): train_batch_size = micro × accumulation × GPUs.
TEST(Launch, DeepSpeedConfig)
{
    ParallelLayout l;
    l.dp = 8;
    l.zero = ZeroStage::Parameters;
    l.microBatch = 2;
    l.accumulation = 4;
    const Planned p = plan("llama_1b", 8, l);
    const std::vector<LaunchFile> files = launchFiles(LaunchEngine::DeepSpeed, p.config, p.plan, p.layout);
    const nlohmann::json ds = nlohmann::json::parse(file(files, "ds_config.json").content);
    EXPECT_EQ(ds.at("train_batch_size").get<int>(), 64);
    EXPECT_EQ(ds.at("train_micro_batch_size_per_gpu").get<int>(), 2);
    EXPECT_EQ(ds.at("gradient_accumulation_steps").get<int>(), 4);
    EXPECT_EQ(ds.at("train_batch_size").get<int>(), 2 * 4 * 8);
    EXPECT_TRUE(ds.at("bf16").at("enabled").get<bool>());
    EXPECT_EQ(ds.at("zero_optimization").at("stage").get<int>(), 3);
    EXPECT_EQ(ds.at("zero_optimization").at("reduce_bucket_size").get<long long>(), (25LL << 20) / 2);
    EXPECT_GT(ds.at("zero_optimization").at("stage3_prefetch_bucket_size").get<long long>(), 0);
    EXPECT_FALSE(ds.contains("fp16"));
    const LaunchFile& sh = file(files, "launch_deepspeed.sh");
    EXPECT_TRUE(sh.executable);
    EXPECT_TRUE(has(sh.content, "deepspeed --num_nodes 1 --num_gpus 8"));
    EXPECT_TRUE(has(sh.content, "--per_device_train_batch_size 2"));
    EXPECT_TRUE(has(sh.content, "--optim adamw_torch"));
    EXPECT_TRUE(has(sh.content, "--bf16"));
}

TEST(Launch, FsdpArguments)
{
    ParallelLayout l;
    l.dp = 8;
    l.zero = ZeroStage::Gradients;
    l.recompute = Recompute::Full;
    l.accumulation = 2;
    const Planned p = plan("llama_1b", 8, l);
    const std::vector<LaunchFile> files = launchFiles(LaunchEngine::Fsdp, p.config, p.plan, p.layout);
    const nlohmann::json cfg = nlohmann::json::parse(file(files, "fsdp_config.json").content);
    EXPECT_TRUE(cfg.at("activation_checkpointing").get<bool>());
    EXPECT_EQ(cfg.at("transformer_layer_cls_to_wrap").at(0).get<std::string>(), "LlamaDecoderLayer");
    EXPECT_EQ(cfg.at("backward_prefetch").get<std::string>(), "backward_pre");
    const std::string& sh = file(files, "launch_fsdp.sh").content;
    EXPECT_TRUE(has(sh, "torchrun --nnodes 1 --nproc_per_node 8"));
    EXPECT_TRUE(has(sh, "--fsdp \"shard_grad_op auto_wrap\""));
    EXPECT_TRUE(has(sh, "--gradient_accumulation_steps 2"));
}

TEST(Launch, MegatronArguments)
{
    ParallelLayout l;
    l.dp = 2;
    l.tp = 2;
    l.pp = 2;
    l.zero = ZeroStage::OptimizerStates;
    l.sequenceParallel = true;
    l.recompute = Recompute::Selective;
    l.accumulation = 4;
    const Planned p = plan("llama_7b", 8, l);
    const std::vector<LaunchFile> files = launchFiles(LaunchEngine::Megatron, p.config, p.plan, p.layout);
    const std::string& args = file(files, "megatron_args.sh").content;
    for (const char* flag : {"--tensor-model-parallel-size 2",
                             "--pipeline-model-parallel-size 2",
                             "--context-parallel-size 1",
                             "--sequence-parallel",
                             "--use-distributed-optimizer",
                             "--recompute-granularity selective",
                             "--micro-batch-size 1",
                             "--global-batch-size 8",
                             "--num-layers 32",
                             "--hidden-size 4096",
                             "--ffn-hidden-size 11008",
                             "--num-attention-heads 32",
                             "--swiglu",
                             "--normalization RMSNorm",
                             "--disable-bias-linear",
                             "--untie-embeddings-and-output-weights",
                             "--position-embedding-type rope",
                             "--attention-backend flash",
                             "--padded-vocab-size 32000",
                             "--bf16",
                             "--optimizer adam",
                             "--attention-dropout 0.0",
                             "--hidden-dropout 0.0"})
        EXPECT_TRUE(has(args, flag)) << flag;
    EXPECT_FALSE(has(args, "--group-query-attention")); // llama_7b is multi-head
    EXPECT_TRUE(has(file(files, "launch_megatron.sh").content, "pretrain_gpt.py"));
}

TEST(Launch, EnginesRefuseWhatTheyCannotRun)
{
    ParallelLayout tp;
    tp.dp = 4;
    tp.tp = 2;
    tp.accumulation = 2;
    const Planned tensor = plan("llama_7b", 8, tp); // llama_1b's FFN (5461) does not split in two
    EXPECT_TRUE(has(refusal(LaunchEngine::DeepSpeed, tensor), "data parallelism"));
    EXPECT_TRUE(has(refusal(LaunchEngine::Fsdp, tensor), "data parallelism"));
    EXPECT_EQ(refusal(LaunchEngine::Megatron, tensor), "accepted");

    ParallelLayout z1;
    z1.dp = 8;
    z1.zero = ZeroStage::OptimizerStates;
    const Planned zero1 = plan("llama_1b", 8, z1);
    EXPECT_TRUE(has(refusal(LaunchEngine::Fsdp, zero1), "ZeRO 1"));

    PlanOptions eightBit;
    eightBit.optimizer = Optimizer::Adam8bit;
    ParallelLayout dp;
    dp.dp = 8;
    const Planned adam8 = plan("llama_1b", 8, dp, eightBit);
    EXPECT_TRUE(has(refusal(LaunchEngine::Megatron, adam8), "adam8bit"));
    EXPECT_TRUE(has(file(launchFiles(LaunchEngine::DeepSpeed, adam8.config, adam8.plan, adam8.layout),
                         "launch_deepspeed.sh")
                        .content,
                    "--optim adamw_bnb_8bit"));
    EXPECT_EQ(launchEngineTable().find("megatron"), LaunchEngine::Megatron);
    EXPECT_FALSE(launchEngineTable().find("jax"));
}

// Megatron's --rotary-base is an argparse int: θ = 500000 is written as is, a fractional θ is
// refused rather than rounded.
TEST(Launch, MegatronRotaryBaseIsAWholeNumberOrRefused)
{
    ParallelLayout dp;
    dp.dp = 8;
    Planned p = plan("llama_1b", 8, dp);
    p.config.ropeTheta = 500000;
    EXPECT_TRUE(
        has(file(launchFiles(LaunchEngine::Megatron, p.config, p.plan, p.layout), "megatron_args.sh").content,
            "--rotary-base 500000"));
    p.config.ropeTheta = 10000.5;
    EXPECT_TRUE(has(refusal(LaunchEngine::Megatron, p), "rope_theta is 10000.5"))
        << refusal(LaunchEngine::Megatron, p);
}
