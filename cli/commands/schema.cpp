// llamascope schema [config|analysis]

#include "commands.hpp"
#include "common.hpp"

#include "llamascope/embedded.hpp"
#include "llamascope/rules.hpp"

#include <nlohmann/json.hpp>

#include <ostream>

namespace llamascope::cli {
namespace {

int run(const std::vector<std::string>& args, Context& ctx)
{
    po::options_description options("options");
    options.add_options()("which", po::value<std::string>()->default_value("config"), "config or analysis");
    po::positional_options_description positional;
    positional.add("which", 1);
    const ParsedArgs p =
        parseArgs(args, "schema", "[config|analysis]",
                  "Prints a JSON Schema (2020-12):\n"
                  "  config    the per-field rules for config.json files, generated from the\n"
                  "            validator's own rule table (= schemas/llama-config.schema.json)\n"
                  "  analysis  the shape of every --format json output (= schemas/analysis.schema.json)",
                  options, positional, ctx);
    if (p.help)
        return kExitOk;
    const std::string which = p.vm["which"].as<std::string>();
    if (which == "config") {
        ctx.out << configSchema().dump(2) << "\n";
        return kExitOk;
    }
    if (which == "analysis") {
        for (const EmbeddedFile& f : embeddedSchemaFiles())
            if (f.name == "analysis")
                ctx.out << f.text;
        return kExitOk;
    }
    throw UsageError("unknown schema \"" + which + "\"; choose config or analysis");
}

} // namespace

const Command& schemaCommand()
{
    static const Command c{"schema", "print the JSON Schema for config files or for JSON output", run};
    return c;
}

} // namespace llamascope::cli
