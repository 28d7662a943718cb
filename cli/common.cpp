#include "common.hpp"

#include "llamascope/sources.hpp"

#include "llamascope/bundled.hpp"
#include "llamascope/errors.hpp"
#include "llamascope/format.hpp"
#include "llamascope/io.hpp"
#include "llamascope/json_io.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <filesystem>
#include <optional>
#include <ostream>

namespace llamascope::cli {

namespace fs = std::filesystem;

std::string_view toString(OutputFormat f)
{
    switch (f) {
    case OutputFormat::Text: return "text";
    case OutputFormat::Json: return "json";
    case OutputFormat::Csv: return "csv";
    case OutputFormat::Markdown: return "markdown";
    }
    return "text";
}

OutputFormat parseFormat(const std::string& text, std::initializer_list<OutputFormat> allowed)
{
    std::string names;
    for (OutputFormat f : allowed) {
        if (text == toString(f) || (f == OutputFormat::Markdown && text == "md"))
            return f;
        names += (names.empty() ? "" : ", ") + std::string(toString(f));
    }
    throw UsageError("unknown --format \"" + text + "\"; this command writes " + names);
}

OutputFormat formatOption(const ParsedArgs& p, std::initializer_list<OutputFormat> allowed)
{
    return parseFormat(p.vm["format"].as<std::string>(), allowed);
}

TableFormat tableFormat(OutputFormat f)
{
    switch (f) {
    case OutputFormat::Csv: return TableFormat::Csv;
    case OutputFormat::Markdown: return TableFormat::Markdown;
    default: return TableFormat::Text;
    }
}

namespace {

void storeArgs(const std::vector<std::string>& args, const po::options_description& options,
               const po::positional_options_description& positional, po::variables_map& vm)
{
    po::store(po::command_line_parser(args)
                  .options(options)
                  .positional(positional)
                  .style(po::command_line_style::unix_style ^ po::command_line_style::allow_guessing)
                  .run(),
              vm);
}

std::string replaceAll(std::string text, std::string_view from, std::string_view to)
{
    for (std::size_t pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
        text.replace(pos, from.size(), to);
    return text;
}

// Boost.Program_options fills in its messages by replacing placeholders (%option%, %value%,
// %original_token%, ...) until none is left, so an argument that itself holds one
// ("--x%original_token%") makes what() loop forever (found by fuzz_cli). The message is
// therefore made from a second parse of the same arguments in which every '%' is a stand-in
// byte, and the stand-in is turned back into '%' afterwards. The stand-in occurs in no argument
// and cannot occur in Boost's ASCII message text (a control byte, DEL or a byte ≥ 0x80), so the
// message echoes each argument exactly.
std::string usageMessage(const po::error& e, const std::vector<std::string>& args,
                         const po::options_description& options,
                         const po::positional_options_description& positional)
{
    std::array<bool, 256> used{};
    bool anyPercent = false;
    for (const std::string& a : args)
        for (const char ch : a) {
            used[static_cast<unsigned char>(ch)] = true;
            anyPercent = anyPercent || ch == '%';
        }
    if (!anyPercent)
        return e.what();
    std::optional<char> standIn;
    for (int b = 1; b < 256 && !standIn; ++b) {
        const bool textual = (b >= 0x09 && b <= 0x0d) || (b >= 0x20 && b < 0x7f);
        if (!textual && !used[static_cast<std::size_t>(b)])
            standIn = static_cast<char>(b);
    }
    if (!standIn) // arguments holding '%' and every one of the 155 candidate bytes
        return "the arguments could not be parsed (one holds a '%' and cannot be quoted)";
    const std::string mark(1, *standIn);
    std::vector<std::string> masked;
    masked.reserve(args.size());
    for (const std::string& a : args)
        masked.push_back(replaceAll(a, "%", mark));
    try {
        po::variables_map vm;
        storeArgs(masked, options, positional, vm);
        po::notify(vm);
    } catch (const po::error& again) {
        return replaceAll(again.what(), mark, "%");
    }
    return "the arguments could not be parsed";
}

} // namespace

ParsedArgs parseArgs(const std::vector<std::string>& args, std::string_view command, std::string_view usage,
                     std::string_view description, po::options_description options,
                     const po::positional_options_description& positional, Context& ctx)
{
    options.add_options()("help,h", "show this help");
    ParsedArgs parsed;
    if (args.size() == 1 && args.front() == kCompletionOptionsFlag) {
        listOptionsForCompletion(options, positional, ctx.out);
        parsed.help = true;
        return parsed;
    }
    try {
        storeArgs(args, options, positional, parsed.vm);
        if (parsed.vm.count("help") != 0) {
            ctx.out << "usage: llamascope " << command << " " << usage << "\n\n"
                    << description << "\n\n"
                    << options;
            parsed.help = true;
            return parsed;
        }
        po::notify(parsed.vm);
    } catch (const po::error& e) {
        throw UsageError(usageMessage(e, args, options, positional));
    }
    return parsed;
}

namespace {

// A config's name is a label made from its file or folder name, printed in every output:
// escaped once here so no file name can act on a terminal or break a line, in any command or
// format. The exact path stays in the report's source (and its JSON source_bytes).
void makeNamePrintable(LoadResult& r)
{
    if (r.config)
        r.config->name = escapeForTerminal(r.config->name);
}

void printNotes(const std::vector<std::string>& notes, Context& ctx)
{
    for (const std::string& n : notes)
        ctx.err << "note: " << escapeForTerminal(n) << "\n";
}

} // namespace

void listOptionsForCompletion(const po::options_description& options,
                              const po::positional_options_description& positional, std::ostream& os)
{
    const std::string positionalName =
        positional.max_total_count() > 0 ? positional.name_for_position(0) : std::string();
    for (const auto& option : options.options()) {
        if (option->long_name().empty() || option->long_name() == positionalName)
            continue;
        os << "option --" << option->long_name() << " " << (option->semantic()->max_tokens() > 0 ? 1 : 0);
        if (const auto* choices = dynamic_cast<const ChoiceValue*>(option->semantic().get()))
            for (const std::string& c : choices->choices())
                os << " " << c;
        os << "\n";
    }
    if (!positionalName.empty())
        os << "positional " << positionalName << "\n";
}

std::vector<LoadResult> loadInputs(const std::vector<std::string>& inputs, Context& ctx)
{
    std::vector<std::string> notes;
    std::vector<LoadResult> out = loadModels(inputs, &notes);
    printNotes(notes, ctx);
    for (LoadResult& r : out)
        makeNamePrintable(r);
    return out;
}

LoadedInputs loadInputsKeepingGoing(const std::vector<std::string>& inputs, Context& ctx)
{
    LoadedInputs loaded;
    // One input at a time, one model at a time: an input that cannot be found or a file that
    // cannot be read (a FIFO in a folder, a permission error) is reported, and the rest still are.
    std::vector<std::vector<std::string>> groups;
    if (inputs.empty())
        groups.emplace_back(); // the bundled family
    for (const std::string& input : inputs)
        groups.push_back({input});
    for (const std::vector<std::string>& group : groups) {
        try {
            const SourceScan scan = findModels(group);
            printNotes(scan.notes, ctx);
            for (const ModelSource& source : scan.models) {
                try {
                    loaded.results.push_back(loadSource(source));
                    makeNamePrintable(loaded.results.back());
                } catch (const IoError& e) {
                    loaded.errors.push_back(e.what());
                }
            }
        } catch (const IoError& e) {
            loaded.errors.push_back(e.what());
        }
    }
    return loaded;
}

LoadResult loadSingleInput(const std::vector<std::string>& inputs)
{
    if (inputs.size() != 1)
        throw UsageError(
            "expected exactly one CONFIG (a file, a model folder or a bundled name such as llama_60m)");
    const SourceScan scan = findModels(inputs);
    if (scan.models.size() != 1)
        throw UsageError(inputs.front() + " holds " + std::to_string(scan.models.size()) +
                         " models; this command takes one (name its config.json or its snapshot folder)");
    LoadResult r = loadSource(scan.models.front());
    makeNamePrintable(r);
    return r;
}

void printFindings(const ValidationReport& report, std::ostream& os)
{
    // Keys, values and file names come from files: each field is escaped so that none can
    // break the line or forge another (docs/hardening.md "Output encoding").
    const std::string source = escapeForTerminal(report.source);
    for (const Finding& f : report.findings) {
        os << source;
        if (f.pos.known())
            os << ':' << f.pos.line << ':' << f.pos.column;
        os << ": " << toString(f.severity()) << " [" << f.codeName() << "] "
           << (f.pointer.empty() ? std::string("/") : escapeForTerminal(f.pointer)) << ": "
           << escapeForTerminal(f.message) << "\n";
        if (!f.hint.empty())
            os << "    hint: " << escapeForTerminal(f.hint) << "\n";
        if (f.knownQuirk)
            os << "    known quirk of the published family: the file is kept as published\n";
    }
    for (const OmittedFindings& o : report.omitted)
        os << source << ": " << toString(o.severity()) << " [" << o.codeName() << "] " << describeOmitted(o)
           << "\n";
}

std::vector<Analysis> analyzeInputs(const std::vector<LoadResult>& loaded, const FlopOptions* flopOptions,
                                    Context& ctx, bool& failed)
{
    std::vector<Analysis> out;
    for (const LoadResult& r : loaded) {
        if (!r.config) {
            failed = true;
            ValidationReport errorsOnly;
            errorsOnly.source = r.report.source;
            for (const Finding& f : r.report.findings)
                if (f.severity() == Severity::Error)
                    errorsOnly.findings.push_back(f);
            for (const OmittedFindings& o : r.report.omitted)
                if (o.severity() == Severity::Error)
                    errorsOnly.omitted.push_back(o);
            printFindings(errorsOnly, ctx.err);
            ctx.err << escapeForTerminal(r.report.source)
                    << ": skipped: the config has errors (llamascope validate shows all findings)\n";
            continue;
        }
        out.push_back(flopOptions ? analyze(*r.config, *flopOptions) : analyze(*r.config));
    }
    return out;
}

void printJson(const nlohmann::ordered_json& j, std::ostream& os)
{
    os << dumpJson(j) << "\n";
}

OutputPolicy outputPolicy(const po::variables_map& vm, std::vector<fs::path> inputs)
{
    OutputPolicy policy;
    policy.overwrite = vm.count("force") != 0 ? Overwrite::Allow : Overwrite::Refuse;
    policy.inputs = std::move(inputs);
    policy.overwriteHint = "pass --force to overwrite";
    return policy;
}

[[noreturn]] void unknownName(std::string_view option, const std::string& value,
                              std::span<const std::string_view> known,
                              std::span<const std::string_view> spellings)
{
    const std::string guess = closestMatch(value, spellings.empty() ? known : spellings);
    throw UsageError("--" + std::string(option) + " \"" + value + "\" is not one of " + joinQuoted(known) +
                     (guess.empty() ? "" : "; did you mean \"" + guess + "\"?"));
}

Count parsePositive(const std::string& text, std::string_view option, Count max)
{
    Count v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec == std::errc() && p == text.data() + text.size() && v > max)
        ec = std::errc::result_out_of_range;
    if (ec == std::errc::result_out_of_range)
        throw UsageError("--" + std::string(option) + " " + text + " is too large (at most " +
                         formatCount(max) + ")");
    if (ec != std::errc() || p != text.data() + text.size() || v < 1)
        throw UsageError("--" + std::string(option) + " must be a positive integer, got \"" + text + "\"");
    return v;
}

} // namespace llamascope::cli
