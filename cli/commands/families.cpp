// llamascope families [--traits|--keys]

#include "commands.hpp"
#include "common.hpp"

#include "llamascope/views.hpp"

#include <ostream>

namespace llamascope::cli {
namespace {

int run(const std::vector<std::string>& args, Context& ctx)
{
    po::options_description options("options");
    options.add_options()("traits", po::bool_switch(), "the families' traits side by side")(
        "keys", po::bool_switch(), "every config key: role, which model types read it, defaults")(
        "format", po::value<std::string>()->default_value("text"), "text, csv or markdown");
    const ParsedArgs p =
        parseArgs(args, "families", "[--traits | --keys] [--format F]",
                  "The decoder families llamascope reads (config.json model_type), their traits, "
                  "and the config keys each one reads. Any other model_type is refused.",
                  options, {}, ctx);
    if (p.help)
        return kExitOk;
    const OutputFormat format =
        formatOption(p, {OutputFormat::Text, OutputFormat::Csv, OutputFormat::Markdown});
    if (p.vm["traits"].as<bool>() && p.vm["keys"].as<bool>())
        throw UsageError("choose one of --traits and --keys");
    const Table t = p.vm["keys"].as<bool>()     ? configKeysTable()
                    : p.vm["traits"].as<bool>() ? familyTraitsTable()
                                                : familiesTable();
    ctx.out << render(t, tableFormat(format));
    return kExitOk;
}

} // namespace

const Command& familiesCommand()
{
    static const Command c{"families",
                           "list the decoder families, their traits and the config keys they read", run};
    return c;
}

} // namespace llamascope::cli
