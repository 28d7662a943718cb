#include "app.hpp"

#include "commands.hpp"
#include "common.hpp"
#include "completion.hpp"
#include "progress.hpp"
#include "terminal.hpp"

#include "llamascope/errors.hpp"
#include "llamascope/format.hpp"
#include "llamascope/json_io.hpp"

#include <array>
#include <ostream>

namespace llamascope::cli {

std::span<const Command* const> allCommands()
{
    static const auto commands = std::to_array<const Command*>({
        &validateCommand(),
        &showCommand(),
        &compareCommand(),
        &reportCommand(),
        &flopsCommand(),
        &memoryCommand(),
        &generateCommand(),
        &fitCommand(),
        &predictCommand(),
        &planCommand(),
        &forwardCommand(),
        &verifyCommand(),
        &familiesCommand(),
        &schemaCommand(),
    });
    return commands;
}

namespace {

void printUsage(std::ostream& os)
{
    os << "usage: llamascope <command> [options] [CONFIG...]\n\n"
          "Validate, compare, count and design LLaMA-style model configs (nine transformers families).\n"
          "CONFIG is a config.json file, a model folder (a Hub snapshot is one model), a folder of\n"
          "configs or snapshots, or a bundled name (llama_9m ... llama_7b);\n"
          "without one, commands use the bundled family.\n\n"
          "commands:\n";
    for (const Command* c : allCommands()) {
        std::string name(c->name);
        name.resize(std::max<std::size_t>(name.size(), 10), ' ');
        os << "  " << name << "  " << c->summary << "\n";
    }
    os << "\n'llamascope <command> --help' describes one command. Exit codes: 0 clean, 1 findings,\n"
          "2 usage error, 3 I/O error. Docs: docs/cli.md\n";
}

const Command* findCommand(std::string_view name)
{
    for (const Command* c : allCommands())
        if (c->name == name)
            return c;
    return nullptr;
}

} // namespace

namespace {

int runFiltered(const std::vector<std::string>& args, Context ctx, bool* internalError)
{
    std::ostream& out = ctx.out;
    std::ostream& err = ctx.err;
    if (args.empty()) {
        printUsage(err);
        return kExitUsage;
    }
    const std::string& name = args.front();
    if (name == "--help" || name == "-h" || name == "help") {
        printUsage(out);
        return kExitOk;
    }
    if (name == "--version" || name == "-V") {
        out << "llamascope " << version() << "\n";
        return kExitOk;
    }
    // Hidden (not in --help, documented in docs/cli.md): the shell-completion generator.
    static const Command completion{"completion", "print a shell completion script",
                                    [](const std::vector<std::string>& rest, Context& c) {
                                        return runCompletion(rest, allCommands(), c);
                                    }};
    const Command* command = name == completion.name ? &completion : findCommand(name);
    if (command == nullptr) {
        std::vector<std::string_view> names;
        for (const Command* c : allCommands())
            names.push_back(c->name);
        const std::string guess = closestMatch(name, names);
        err << "llamascope: unknown command \"" << escapeForTerminal(name) << "\""
            << (guess.empty() ? "" : "; did you mean \"" + guess + "\"?")
            << "\nRun 'llamascope --help' for the list.\n";
        return kExitUsage;
    }
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    const std::string prefix = "llamascope " + std::string(command->name) + ": ";
    try {
        return command->run(rest, ctx);
    } catch (const UsageError& e) {
        err << prefix << "error: " << escapeForTerminal(e.what()) << "\nRun 'llamascope " << command->name
            << " --help' for usage.\n";
        return kExitUsage;
    } catch (const InvalidArgument& e) {
        err << prefix << "error: " << escapeForTerminal(e.what()) << "\n";
        return kExitUsage;
    } catch (const IoError& e) {
        err << prefix << "error: " << escapeForTerminal(e.what()) << "\n";
        return kExitIo;
    } catch (const Cancelled&) {
        err << prefix << "cancelled\n";
        return InterruptGuard::signal() != 0 ? 128 + InterruptGuard::signal() : 130;
    } catch (const CountOverflow& e) {
        // Validated configs never overflow (the validator reports count-overflow), so here an
        // option made a count too large for 64-bit integers: a usage error.
        err << prefix << "error: " << escapeForTerminal(e.what())
            << " (an option value is too large for this model)\n";
        return kExitUsage;
    } catch (const std::bad_alloc&) {
        err << prefix << "error: out of memory\n";
        return kExitIo;
    } catch (const std::exception& e) {
        if (internalError != nullptr)
            *internalError = true;
        err << prefix << "internal error: " << escapeForTerminal(e.what()) << " (please report this)\n";
        return kExitFindings;
    }
}

} // namespace

int runApp(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, bool* internalError)
{
    if (internalError != nullptr)
        *internalError = false;
    TerminalSafeBuffer safeOut(out.rdbuf());
    TerminalSafeBuffer safeErr(err.rdbuf());
    std::ostream filteredOut(&safeOut);
    std::ostream filteredErr(&safeErr);
    // Keep the streams' behaviour: std::cerr's unitbuf (flush after each message) and its tie
    // to std::cout (stdout first), so findings and progress interleave as before.
    filteredOut.copyfmt(out);
    filteredErr.copyfmt(err);
    return runFiltered(args, Context{filteredOut, filteredErr, err}, internalError);
}

} // namespace llamascope::cli
