#pragma once
// Launch configurations for a planned layout (issue 11): what an existing engine needs to run
// it — a DeepSpeed config JSON, a torchrun + HF Trainer FSDP launch, or Megatron-LM arguments.
// Pure text generation: the front end writes the files (atomically, never over an existing one
// without being told). docs/planning.md "Launch configurations" lists every key with the
// documentation it was checked against.

#include "llamascope/config.hpp"
#include "llamascope/plan.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace llamascope {

enum class LaunchEngine {
    DeepSpeed, ///< ds_config.json + launch_deepspeed.sh (data parallel + ZeRO)
    Fsdp,      ///< fsdp_config.json + launch_fsdp.sh (torchrun, HF Trainer --fsdp)
    Megatron,  ///< megatron_args.sh + launch_megatron.sh (pretrain_gpt.py)
};

/// "deepspeed", "fsdp", "megatron" (aliases "ds"; "torchrun", "hf-fsdp"; "megatron-lm").
const EnumTable<LaunchEngine>& launchEngineTable();
std::string_view toString(LaunchEngine e);

struct LaunchFile {
    std::string name;    ///< file name, no directory ("ds_config.json")
    std::string content; ///< exact bytes, ending in a newline
    bool executable = false;
};

/// The files that launch `layout` of `plan` on `engine`. Throws InvalidArgument, naming what
/// the engine cannot express, for layouts it cannot run (DeepSpeed and HF FSDP: data
/// parallelism only; FSDP has no ZeRO-1; Megatron-LM trains with Adam or SGD, without
/// adapters; selective recomputation is Megatron-LM's; hybrid sharding is FSDP's).
std::vector<LaunchFile> launchFiles(LaunchEngine engine, const ModelConfig& config, const PlanResult& plan,
                                    const LayoutEvaluation& layout);

} // namespace llamascope
