#include "design_options.hpp"

#include "llamascope/design.hpp"
#include "llamascope/errors.hpp"
#include "llamascope/format.hpp"
#include "llamascope/io.hpp"

#include <cmath>
#include <filesystem>

namespace llamascope::cli {

double parseNumber(const std::string& text, std::string_view option)
{
    auto number = [&](const std::string& s) {
        std::size_t used = 0;
        double v = NAN;
        try {
            v = std::stod(s, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (s.empty() || used != s.size() || !std::isfinite(v))
            throw UsageError("--" + std::string(option) + " must be a number (e.g. 0.4, 40%, 8/3), got \"" +
                             text + "\"");
        return v;
    };
    if (!text.empty() && text.back() == '%')
        return number(text.substr(0, text.size() - 1)) / 100.0;
    if (const auto slash = text.find('/'); slash != std::string::npos) {
        const double den = number(text.substr(slash + 1));
        if (den == 0)
            throw UsageError("--" + std::string(option) + " divides by zero: \"" + text + "\"");
        return number(text.substr(0, slash)) / den;
    }
    return number(text);
}

bool parseYesNo(const std::string& text, std::string_view option)
{
    if (text == "yes" || text == "on" || text == "true" || text == "1")
        return true;
    if (text == "no" || text == "off" || text == "false" || text == "0")
        return false;
    throw UsageError("--" + std::string(option) + " must be yes or no, got \"" + text + "\"");
}

double parseHeadroom(const po::variables_map& vm)
{
    if (!vm.count("headroom"))
        return kDefaultHeadroom;
    const double h = parseNumber(vm["headroom"].as<std::string>(), "headroom");
    if (!(h >= 0 && h < 1))
        throw UsageError("--headroom must be in [0, 1) (or 0%–99%), got \"" +
                         vm["headroom"].as<std::string>() + "\"");
    return h;
}

std::string formatDuration(double seconds)
{
    if (seconds < 120)
        return formatFixed(seconds, 1) + " s";
    if (seconds < 7200)
        return formatFixed(seconds / 60, 1) + " min";
    if (seconds < 3 * 86400)
        return formatFixed(seconds / 3600, 1) + " h";
    return formatFixed(seconds / 86400, 1) + " days";
}

void addRecipeOptions(po::options_description& options)
{
    // Names, help and defaults come from core: the enum tables and MemoryOptions{}.
    const MemoryOptions defaults;
    options.add_options()("optimizer", enumValue(optimizerTable(), defaults.optimizer),
                          choicesHelp("training regime", optimizerTable()).c_str())(
        "rank", po::value<std::string>(), "GaLore / LoRA / QLoRA rank r")(
        "master-weights", po::value<std::string>(),
        "yes or no: an fp32 master copy of 16-bit weights (default: the optimizer's; mixed-adamw always, "
        "adafactor/lion/sgd with 16-bit weights)")(
        "grad-dtype", choiceValue(storageDtypeTable()),
        choicesHelp("gradient dtype (default: the weights'; fp32 = Megatron-LM's "
                    "--accumulate-allreduce-grads-in-fp32)",
                    storageDtypeTable())
            .c_str())(
        "dtype", choiceValue(storageDtypeTable()),
        choicesHelp("weight dtype (default: fp32 for adamw, int4 for qlora, else bf16)", storageDtypeTable())
            .c_str())("attention", enumValue(attentionKernelTable(), defaults.attention),
                      choicesHelp("how attention keeps its activations", attentionKernelTable()).c_str());
}

void addMemoryOptions(po::options_description& options)
{
    addRecipeOptions(options);
    options.add_options()("batch", po::value<std::string>()->default_value("1"), "sequences per step B")(
        "seq", po::value<std::string>(), "tokens per sequence T (default: the context length)")(
        "recompute", "full activation checkpointing (keep only each layer's input)");
}

MemoryOptions recipeOptionsFrom(const po::variables_map& vm)
{
    MemoryOptions o;
    const std::string opt = vm["optimizer"].as<std::string>();
    o.optimizer = enumOption(opt, "optimizer", optimizerTable());
    if (vm.count("rank"))
        o.rank = parsePositive(vm["rank"].as<std::string>(), "rank");
    if ((o.optimizer == Optimizer::GaLore || o.optimizer == Optimizer::LoRA ||
         o.optimizer == Optimizer::QLoRA) &&
        o.rank == 0)
        throw UsageError("--optimizer " + opt + " needs --rank R (e.g. 128)");
    if (const auto dtype = enumOption(vm, "dtype", storageDtypeTable()))
        o.weightDtype = *dtype;
    if (vm.count("master-weights"))
        o.masterWeights = parseYesNo(vm["master-weights"].as<std::string>(), "master-weights");
    if (const auto grad = enumOption(vm, "grad-dtype", storageDtypeTable()))
        o.gradDtype = *grad;
    o.attention = enumOption(vm["attention"].as<std::string>(), "attention", attentionKernelTable());
    return o;
}

MemoryOptions memoryOptionsFrom(const po::variables_map& vm)
{
    MemoryOptions o = recipeOptionsFrom(vm);
    o.batch = parsePositive(vm["batch"].as<std::string>(), "batch");
    if (vm.count("seq"))
        o.seqLen = parsePositive(vm["seq"].as<std::string>(), "seq");
    o.recompute = vm.count("recompute") != 0;
    return o;
}

void addDeviceOptions(po::options_description& options, bool withCost)
{
    options.add_options()("device", po::value<std::string>(),
                          "accelerator from the table (h100, a100-40gb, rtx-4090, mi300x, ...)")(
        "accelerators", po::value<std::string>(),
        "accelerator table to use instead of the built-in one (same format as core/data/accelerators.json)")(
        "headroom", po::value<std::string>(),
        (std::string("share of a device kept free for what the model does not count: CUDA context, "
                     "workspaces, fragmentation (default ") +
         formatPercent(kDefaultHeadroom) + ")")
            .c_str());
    if (!withCost)
        return;
    const CostOptions defaults;
    options.add_options()("mfu", po::value<std::string>()->default_value(formatNumber(defaults.mfu)),
                          "model FLOPs utilisation, e.g. 0.4 or 40%")(
        "num-devices", po::value<std::string>()->default_value(std::to_string(defaults.devices)),
        "accelerators training together")(
        "precision", choiceValue(precisionTable()),
        choicesHelp("peak to use (default: the training dtype's)", precisionTable()).c_str())(
        "tokens", po::value<std::string>(), "training tokens D for the time estimate (default: 20·N)");
}

AcceleratorTable acceleratorsFrom(const po::variables_map& vm)
{
    if (vm.count("accelerators"))
        return loadAccelerators(std::filesystem::path(vm["accelerators"].as<std::string>()));
    return builtinAccelerators();
}

const Accelerator* deviceFrom(const po::variables_map& vm, const AcceleratorTable& table)
{
    if (!vm.count("device"))
        return nullptr;
    const std::string name = vm["device"].as<std::string>();
    if (const Accelerator* a = table.find(name))
        return a;
    const std::vector<std::string_view> keys = table.keys();
    unknownName("device", name, keys);
}

CostOptions costOptionsFrom(const po::variables_map& vm, StorageDtype computeDtype)
{
    CostOptions o;
    o.mfu = parseNumber(vm["mfu"].as<std::string>(), "mfu");
    if (!(o.mfu > 0 && o.mfu <= 1))
        throw UsageError("--mfu must be in (0, 1] (or 1%–100%), got \"" + vm["mfu"].as<std::string>() + "\"");
    o.devices = parsePositive(vm["num-devices"].as<std::string>(), "num-devices");
    if (const auto precision = enumOption(vm, "precision", precisionTable())) {
        o.precision = *precision;
    } else {
        o.precision = computeDtype == StorageDtype::F32   ? Precision::FP32
                      : computeDtype == StorageDtype::F16 ? Precision::FP16
                                                          : Precision::BF16;
    }
    if (vm.count("tokens")) {
        const std::string t = vm["tokens"].as<std::string>();
        if (t != "chinchilla") {
            try {
                o.tokens = parseQuantity(t, "--tokens");
            } catch (const InvalidArgument& e) {
                throw UsageError(e.what());
            }
        }
    }
    return o;
}

// Moved from generate.cpp so the law-based designs (generate_law.cpp) write files the same way.
std::vector<std::string> writeConfigFiles(const std::vector<const DesignCandidate*>& files,
                                          const std::filesystem::path& dir, const OutputPolicy& policy)
{
    namespace fs = std::filesystem;
    switch (classifyPath(dir)) {
    case PathKind::Missing: {
        std::error_code ec;
        fs::create_directories(dir, ec);
        if (ec)
            throw IoError(dir.string() + ": cannot create folder (" + describeErrno(ec.value()) + ")");
        break;
    }
    case PathKind::RegularFile: throw IoError(dir.string() + ": is a file, not a folder");
    case PathKind::Folder: break;
    }
    std::string existing;
    for (const DesignCandidate* c : files)
        if (policy.overwrite == Overwrite::Refuse && classifyPath(dir / c->fileName) != PathKind::Missing)
            existing += (existing.empty() ? "" : ", ") + (dir / c->fileName).string();
    if (!existing.empty())
        throw IoError(existing + ": already exists; nothing was written (pass --force to overwrite)");
    std::vector<PendingOutput> pending;
    for (const DesignCandidate* c : files) {
        pending.emplace_back(dir / c->fileName, policy);
        pending.back().write(toHfJsonText(c->config));
    }
    std::vector<std::string> written;
    for (PendingOutput& out : pending) {
        out.commit();
        written.push_back(out.path().string());
    }
    return written;
}

} // namespace llamascope::cli
