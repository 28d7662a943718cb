#include "generate_law.hpp"

#include "design_options.hpp"
#include "progress.hpp"
#include "scaling_options.hpp"

#include "llamascope/format.hpp"
#include "llamascope/io.hpp"
#include "llamascope/json_io.hpp"
#include "llamascope/scaling_design.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <ostream>

namespace llamascope::cli {

namespace {

// A law given as a file is an input: configs written with --out never replace it.
std::vector<std::filesystem::path> lawInputs(const po::variables_map& vm)
{
    if (vm.count("law") != 0 && classifyPath(vm["law"].as<std::string>()) == PathKind::RegularFile)
        return {vm["law"].as<std::string>()};
    return {};
}

} // namespace

void addLawDesignOptions(po::options_description& o)
{
    o.add_options()("law", po::value<std::string>(),
                    ("with --compute: design for the lowest predicted loss under this law (" +
                     lawPresetList() + " or a law file) instead of 20 tokens per parameter")
                        .c_str())(
        "compute-ladder", po::value<std::vector<std::string>>()->multitoken(),
        ("FROM TO: a ladder whose --steps budgets spread evenly in log-compute, each rung sized by the law "
         "(--law, default " +
         std::string(kDefaultLawName) + ") with D = C/6N")
            .c_str());
}

namespace {

int computeWithLaw(const po::variables_map& vm, const DesignConstraints& cons, OutputFormat format,
                   Context& ctx)
{
    const ScalingLaw law = lawFrom(vm["law"].as<std::string>());
    const double compute = quantityOption(vm["compute"].as<std::string>(), "compute");
    const Count topK = parsePositive(vm["top"].as<std::string>(), "top");
    if (topK > 1000)
        throw UsageError("--top must be at most 1000");
    InterruptGuard guard;
    StderrProgress progress(ctx.progress, format == OutputFormat::Text);
    const LawDesignResult r = designForCompute(law, compute, cons, static_cast<std::size_t>(topK), &progress);
    progress.finish();
    const bool hit = !r.candidates.empty() && r.candidates.front().candidate.onTarget &&
                     (r.candidates.front().candidate.findings == 0 || !cons.requireClean);
    std::vector<std::string> written;
    if (vm.count("out")) {
        if (hit)
            written = writeConfigFiles({&r.candidates.front().candidate}, vm["out"].as<std::string>(),
                                       outputPolicy(vm, lawInputs(vm)));
        else
            ctx.err << "llamascope generate: not writing: no candidate is on target\n";
    }
    if (format == OutputFormat::Json) {
        nlohmann::ordered_json j = outputEnvelope("generate");
        j["constraints"] = toJson(cons);
        j["law_design"] = toJson(r);
        j["written"] = written;
        printJson(j, ctx.out);
        return hit ? kExitOk : kExitFindings;
    }
    const TableFormat tf = tableFormat(format);
    if (format == OutputFormat::Csv) {
        ctx.out << render(lawCandidatesTable(r.candidates), tf);
        return hit ? kExitOk : kExitFindings;
    }
    const bool md = format == OutputFormat::Markdown;
    ctx.out << (md ? "### " : "") << "Target: " << formatScientific(compute) << " training FLOPs under the "
            << law.name << " law (" << formula(law.form) << "; N counted as " << toString(law.paramCount)
            << ")\n\n";
    ctx.out << "The law's optimum: N_opt = " << formatShort(r.optimum.parameters)
            << ", D_opt = " << formatShort(r.optimum.tokens) << " ("
            << formatFixed(r.optimum.tokensPerParam, 1) << " tokens per parameter), loss "
            << formatFixed(r.optimum.loss, 4) << "; the designer searched for "
            << formatShort(r.targetTotalParameters)
            << " total parameters, and each candidate trains on D = C/6N.\n\n";
    if (!r.candidates.empty()) {
        ctx.out << render(lawCandidatesTable(r.candidates), tf);
        ctx.out << "\nWhy:\n";
        for (std::size_t i = 0; i < r.candidates.size(); ++i)
            ctx.out << "  " << (i + 1) << ". " << r.candidates[i].candidate.fileName << ": "
                    << r.candidates[i].candidate.reason << "\n";
    }
    if (!r.note.empty())
        ctx.out << "\nNote: " << r.note << "\n";
    for (const std::string& w : written)
        ctx.out << "\nwrote " << w << " — train it on " << formatShort(r.candidates.front().tokens)
                << " tokens\n";
    if (written.empty() && hit)
        ctx.out << "\nPass --out DIR to write " << r.candidates.front().candidate.fileName << ".\n";
    return hit ? kExitOk : kExitFindings;
}

int computeLadder(const po::variables_map& vm, const DesignConstraints& cons, OutputFormat format,
                  Context& ctx)
{
    const auto& ends = vm["compute-ladder"].as<std::vector<std::string>>();
    if (ends.size() != 2)
        throw UsageError("--compute-ladder takes two budgets, FROM and TO (e.g. --compute-ladder 1e18 1e21)");
    const ScalingLaw law =
        lawFrom(vm.count("law") ? vm["law"].as<std::string>() : std::string(kDefaultLawName));
    const double from = quantityOption(ends[0], "compute-ladder FROM");
    const double to = quantityOption(ends[1], "compute-ladder TO");
    const Count steps = parsePositive(vm["steps"].as<std::string>(), "steps");
    if (steps < 2 || steps > 64)
        throw UsageError("--steps must be in 2..64");
    InterruptGuard guard;
    StderrProgress progress(ctx.progress, format == OutputFormat::Text);
    const ComputeLadderResult r =
        designComputeLadder(law, from, to, static_cast<int>(steps), cons, &progress);
    progress.finish();
    bool clean = true;
    for (const ComputeLadderRung& g : r.rungs)
        clean = clean && g.candidate.findings == 0;
    std::vector<std::string> written;
    if (vm.count("out")) {
        if (clean || !cons.requireClean) {
            std::vector<const DesignCandidate*> files;
            for (const ComputeLadderRung& g : r.rungs)
                files.push_back(&g.candidate);
            written = writeConfigFiles(files, vm["out"].as<std::string>(), outputPolicy(vm, lawInputs(vm)));
        } else {
            ctx.err
                << "llamascope generate: not writing: some rungs draw validator findings (see the note)\n";
        }
    }
    if (format == OutputFormat::Json) {
        nlohmann::ordered_json j = outputEnvelope("generate");
        j["constraints"] = toJson(cons);
        j["compute_ladder"] = toJson(r);
        j["written"] = written;
        printJson(j, ctx.out);
        return clean ? kExitOk : kExitFindings;
    }
    const TableFormat tf = tableFormat(format);
    if (format == OutputFormat::Csv) {
        ctx.out << render(computeLadderTable(r), tf);
        return clean ? kExitOk : kExitFindings;
    }
    const bool md = format == OutputFormat::Markdown;
    ctx.out << (md ? "### " : "") << "Compute ladder: " << r.rungs.size() << " budgets from "
            << formatScientific(from) << " to " << formatScientific(to) << " FLOPs (×"
            << formatFixed(std::pow(to / from, 1.0 / static_cast<double>(steps - 1)), 2)
            << " per step) under the " << law.name << " law\n\n";
    ctx.out << render(computeLadderTable(r), tf);
    ctx.out << "\nEach rung trains on D = C/6N tokens, so its compute is its budget exactly; the sizes "
               "follow the "
               "law's N_opt (a power law in C) through the designer's ladder.\n";
    if (!r.note.empty())
        ctx.out << "\nNote: " << r.note << "\n";
    for (const std::string& w : written)
        ctx.out << (w == written.front() ? "\n" : "") << "wrote " << w << "\n";
    return clean ? kExitOk : kExitFindings;
}

} // namespace

std::optional<int> runLawDesign(const po::variables_map& vm, const DesignConstraints& cons,
                                OutputFormat format, Context& ctx)
{
    if (vm.count("compute-ladder"))
        return computeLadder(vm, cons, format, ctx);
    if (vm.count("law") && vm.count("compute"))
        return computeWithLaw(vm, cons, format, ctx);
    if (vm.count("law"))
        throw UsageError("--law sets how --compute or --compute-ladder is spent; give one of them");
    return std::nullopt;
}

} // namespace llamascope::cli
