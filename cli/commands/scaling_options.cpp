#include "scaling_options.hpp"

#include "design_options.hpp"

#include "llamascope/design.hpp"
#include "llamascope/errors.hpp"

#include <ostream>

namespace llamascope::cli {

void addRunsOptions(po::options_description& o)
{
    o.add_options()("n-count", enumValue(paramCountTable(), RunsReadOptions{}.paramCount),
                    choicesHelp("how N is counted for runs that name a config", paramCountTable()).c_str())(
        "column", po::value<std::vector<std::string>>()->composing(),
        "FIELD=NAME: read FIELD (model, params, tokens, loss, compute, curve) from the column or key NAME");
}

std::optional<RunsTable> readRunsOption(const std::string& path, const po::variables_map& vm, Context& ctx)
{
    RunsReadOptions o;
    o.paramCount = enumOption(vm["n-count"].as<std::string>(), "n-count", paramCountTable());
    if (vm.count("column") != 0) {
        for (const std::string& m : vm["column"].as<std::vector<std::string>>()) {
            const auto eq = m.find('=');
            if (eq == std::string::npos || eq == 0 || eq + 1 == m.size())
                throw UsageError("--column takes FIELD=NAME, e.g. --column \"params=Model Size\"; got \"" +
                                 m + "\"");
            const std::string field = m.substr(0, eq), name = m.substr(eq + 1);
            std::string* slot = field == "model"     ? &o.columns.model
                                : field == "params"  ? &o.columns.params
                                : field == "tokens"  ? &o.columns.tokens
                                : field == "loss"    ? &o.columns.loss
                                : field == "compute" ? &o.columns.compute
                                : field == "curve"   ? &o.columns.curve
                                                     : nullptr;
            if (slot == nullptr)
                throw UsageError("--column: unknown field \"" + field +
                                 "\" (model, params, tokens, loss, compute, curve)");
            *slot = name;
        }
    }
    const RunsReadResult r = readRunsFile(path, o);
    if (r.table)
        return r.table;
    for (const RunsIssue& i : r.issues)
        ctx.err << formatIssue(r.source, i) << "\n";
    if (r.moreIssues > 0)
        ctx.err << r.source << ": " << r.moreIssues << " more problem(s) not shown\n";
    ctx.err << r.source << ": the runs table has problems; nothing was fitted\n";
    return std::nullopt;
}

void addFitOptions(po::options_description& o, std::string_view bootstrapDefault)
{
    // The form's choices from core's table; the runs each needs from core's minimumRuns().
    std::string needs;
    for (const EnumEntry<LawForm>& e : lawFormTable().entries())
        needs += (needs.empty() ? "" : ", ") + std::to_string(minimumRuns(e.value)) + " for " +
                 std::string(e.name);
    o.add_options()(
        "form", enumValue(lawFormTable(), FitOptions{}.form),
        choicesHelp("law to fit (runs needed: " + needs + "; frontier points for c)", lawFormTable())
            .c_str())("drop-highest", po::value<std::string>()->default_value("0"),
                      "leave out the K runs with the highest loss (Besiroglu et al. drop 5)")(
        "bootstrap", po::value<std::string>()->default_value(std::string(bootstrapDefault)),
        "bootstrap resamples for the intervals (0: none)")(
        "seed", po::value<std::string>()->default_value("42"), "bootstrap seed")(
        "threads", po::value<std::string>()->default_value("2"), "threads for the grid and the bootstrap")(
        "confidence", po::value<std::string>()->default_value("95%"),
        "interval level")("tokens-per-param", po::value<std::string>()->default_value("20"),
                          "--form n: the D/N of the runs to fit")(
        "ratio-tolerance", po::value<std::string>()->default_value("10%"),
        "--form n: runs within this relative distance of --tokens-per-param");
}

namespace {

std::size_t count(const po::variables_map& vm, const char* option, bool zeroOk)
{
    const std::string text = vm[option].as<std::string>();
    if (zeroOk && text == "0")
        return 0;
    return static_cast<std::size_t>(parsePositive(text, option));
}

} // namespace

FitOptions fitOptionsFrom(const po::variables_map& vm)
{
    FitOptions o;
    o.form = enumOption(vm["form"].as<std::string>(), "form", lawFormTable());
    o.dropHighest = count(vm, "drop-highest", true);
    o.bootstrap = count(vm, "bootstrap", true);
    const std::string seed = vm["seed"].as<std::string>();
    o.seed = seed == "0" ? 0 : static_cast<std::uint64_t>(parsePositive(seed, "seed"));
    o.threads = static_cast<int>(std::min<std::size_t>(count(vm, "threads", false), 256));
    o.confidence = parseNumber(vm["confidence"].as<std::string>(), "confidence");
    o.tokensPerParam = parseNumber(vm["tokens-per-param"].as<std::string>(), "tokens-per-param");
    o.ratioTolerance = parseNumber(vm["ratio-tolerance"].as<std::string>(), "ratio-tolerance");
    try {
        checkFitOptions(o);
    } catch (const InvalidArgument& e) {
        throw UsageError(e.what());
    }
    return o;
}

ScalingLaw lawFrom(const std::string& text)
{
    return resolveLaw(text);
}

std::string lawPresetList()
{
    std::string out;
    for (std::string_view name : lawPresetNames())
        out += (out.empty() ? "" : ", ") + std::string(name);
    return out;
}

double quantityOption(const std::string& text, std::string_view option)
{
    try {
        return parseQuantity(text, "--" + std::string(option));
    } catch (const InvalidArgument& e) {
        throw UsageError(e.what());
    }
}

int reportScalingDataError(const ScalingDataError& e, std::string_view command, Context& ctx)
{
    ctx.err << "llamascope " << command << ": error: " << e.what() << "\n";
    return kExitFindings;
}

} // namespace llamascope::cli
