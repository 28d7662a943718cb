#pragma once
// Helpers every command shares: option parsing, inputs, output formats, findings.

#include "command.hpp"

#include "llamascope/analysis.hpp"
#include "llamascope/enum_table.hpp"
#include "llamascope/io.hpp"
#include "llamascope/table.hpp"
#include "llamascope/validate.hpp"

#include <boost/program_options.hpp>
#include <nlohmann/json_fwd.hpp>

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace llamascope::cli {

namespace po = boost::program_options;

/// A bad command line (exit code 2).
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class OutputFormat { Text, Json, Csv, Markdown };

/// Parses --format; throws UsageError naming the formats this command allows.
OutputFormat parseFormat(const std::string& text, std::initializer_list<OutputFormat> allowed);
std::string_view toString(OutputFormat f);
/// The command's --format value, checked against `allowed` (default: all four formats).
struct ParsedArgs;
OutputFormat formatOption(const ParsedArgs& p, std::initializer_list<OutputFormat> allowed = {
                                                   OutputFormat::Text, OutputFormat::Json, OutputFormat::Csv,
                                                   OutputFormat::Markdown});
TableFormat tableFormat(OutputFormat f); ///< Json is not a table format: Text

/// A parsed command line. `help` is true when --help was given (usage already printed).
struct ParsedArgs {
    po::variables_map vm;
    bool help = false;
};

/// Parses `args` against `options` (which gets --help added) and positionals. On --help
/// prints "usage: llamascope <command> <usage>", `description` and the options to ctx.out.
/// Boost errors become UsageError. When `args` is exactly {kCompletionOptionsFlag} it prints
/// the option table instead (see listOptionsForCompletion) and returns with `help` set.
ParsedArgs parseArgs(const std::vector<std::string>& args, std::string_view command, std::string_view usage,
                     std::string_view description, po::options_description options,
                     const po::positional_options_description& positional, Context& ctx);

/// Hidden argument for the shell-completion generator (completion.cpp): `llamascope <command>
/// --completion-options` lists the command's own option table, so completion cannot drift
/// from the parser. Not in --help; not meant for users.
inline constexpr std::string_view kCompletionOptionsFlag = "--completion-options";

/// The option table as completion.cpp reads it, one line each: "option --NAME 0|1" (1 when
/// it takes a value) followed, for a ChoiceValue option, by its choices; then "positional
/// NAME" when the command takes positional arguments.
/// Options that only name a positional (e.g. "inputs") are listed as the positional.
void listOptionsForCompletion(const po::options_description& options,
                              const po::positional_options_description& positional, std::ostream& os);

/// Resolves command-line inputs with core's findModels(): files, bundled names ("llama_60m"),
/// model snapshot folders (one model each) and folders of configs. No inputs: the bundled
/// family. What was skipped is said once on ctx.err. Throws IoError for an input that is
/// none of these or cannot be read.
std::vector<LoadResult> loadInputs(const std::vector<std::string>& inputs, Context& ctx);

/// Like loadInputs, but an input that cannot be found or a file that cannot be read does not
/// stop the others: its IoError message is collected in `errors` (validate reports every
/// readable file and exits 3).
struct LoadedInputs {
    std::vector<LoadResult> results;
    std::vector<std::string> errors;
};
LoadedInputs loadInputsKeepingGoing(const std::vector<std::string>& inputs, Context& ctx);

/// Exactly one model (a file, a snapshot folder or a bundled name); UsageError otherwise.
LoadResult loadSingleInput(const std::vector<std::string>& inputs);

/// Compiler-style lines: FILE:LINE:COL: severity [code] /pointer: message, then the hint.
void printFindings(const ValidationReport& report, std::ostream& os);

/// For commands that need valid configs: prints the errors of invalid inputs to ctx.err and
/// returns the analyses of the valid ones; `failed` is set when any input had errors.
std::vector<Analysis> analyzeInputs(const std::vector<LoadResult>& loaded, const FlopOptions* flopOptions,
                                    Context& ctx, bool& failed);

/// Prints `j` (pretty, 2 spaces) and a newline.
void printJson(const nlohmann::ordered_json& j, std::ostream& os);

/// The output policy of a writing command (forward --logits-out, generate --out): --force
/// allows replacing existing files; `inputs` (the files the command reads) are never
/// written over, --force or not. See core's io.hpp.
OutputPolicy outputPolicy(const po::variables_map& vm, std::vector<std::filesystem::path> inputs);

/// The largest value an integer size option accepts (2^40): far beyond any real sequence,
/// batch, vocabulary or width, and small enough that products of a few of them are still
/// checked arithmetic rather than nonsense. Larger values are a usage error (exit 2).
inline constexpr Count kMaxSizeOption = Count{1} << 40;

/// UsageError "--OPTION "VALUE" is not one of "a", "b"; did you mean "c"?". The guess is the
/// closest of `spellings` (default: `known`), so an alias can be suggested too.
[[noreturn]] void unknownName(std::string_view option, const std::string& value,
                              std::span<const std::string_view> known,
                              std::span<const std::string_view> spellings = {});

/// An option's help from core's table (enum_table.hpp): "LEAD — name: help; name: help".
template <typename E>
std::string choicesHelp(std::string_view lead, const EnumTable<E>& table)
{
    std::string out(lead);
    const auto entries = table.entries();
    for (std::size_t i = 0; i < entries.size(); ++i) {
        out += i == 0 ? " — " : "; ";
        out += std::string(entries[i].name) + ": " + std::string(entries[i].help);
    }
    return out;
}

/// choicesHelp() with the default named first: "LEAD (default NAME) — name: help; ...". The
/// default is the core option struct's value, so help cannot drift from what core assumes.
template <typename E>
std::string choicesHelp(std::string_view lead, const EnumTable<E>& table, E defaultValue)
{
    return choicesHelp(std::string(lead) + " (default " + std::string(table.name(defaultValue)) + ")", table);
}

/// One line per entry, "  name   help", names padded to one column: for command descriptions.
template <typename E>
std::string choicesLines(const EnumTable<E>& table)
{
    std::size_t width = 0;
    for (const EnumEntry<E>& e : table.entries())
        width = std::max(width, e.name.size());
    std::string out;
    for (const EnumEntry<E>& e : table.entries())
        out += "  " + std::string(e.name) + std::string(width + 2 - e.name.size(), ' ') +
               std::string(e.help) + "\n";
    return out;
}

/// "a|b|c": the table's names for usage lines.
template <typename E>
std::string choicesBar(const EnumTable<E>& table)
{
    std::string out;
    for (std::string_view n : table.names())
        out += (out.empty() ? "" : "|") + std::string(n);
    return out;
}

/// The value --OPTION names in core's table (a name or an alias); unknownName() otherwise.
template <typename E>
E enumOption(const std::string& value, std::string_view option, const EnumTable<E>& table)
{
    if (const std::optional<E> v = table.find(value))
        return *v;
    const std::vector<std::string_view> names = table.names();
    const std::vector<std::string_view> spellings = table.spellings();
    unknownName(option, value, names, spellings);
}

/// The value of --OPTION when it was given, else nullopt (the caller keeps core's default).
template <typename E>
std::optional<E> enumOption(const po::variables_map& vm, const char* option, const EnumTable<E>& table)
{
    if (!vm.count(option))
        return std::nullopt;
    return enumOption(vm[option].as<std::string>(), option, table);
}

/// A string option whose values are the names of one of core's tables. Parsing is still
/// enumOption()'s; the names are kept so that shell completion offers them
/// (listOptionsForCompletion).
class ChoiceValue : public po::typed_value<std::string> {
public:
    explicit ChoiceValue(std::vector<std::string> choices)
        : po::typed_value<std::string>(nullptr), choices_(std::move(choices))
    {
    }
    [[nodiscard]] const std::vector<std::string>& choices() const { return choices_; }

private:
    std::vector<std::string> choices_;
};

/// An option taking one of `table`'s names, with no default (core's default applies when absent).
template <typename E>
po::typed_value<std::string>* choiceValue(const EnumTable<E>& table)
{
    std::vector<std::string> names;
    for (std::string_view n : table.names())
        names.emplace_back(n);
    return new ChoiceValue(std::move(names));
}

/// choiceValue() with default_value() spelled as core's table names `value` (a core option
/// struct's default).
template <typename E>
po::typed_value<std::string>* enumValue(const EnumTable<E>& table, E value)
{
    return choiceValue(table)->default_value(std::string(table.name(value)));
}

/// Parses a positive integer option value ("512", "4k" not accepted) of at most `max`;
/// throws UsageError naming the option and the limit.
Count parsePositive(const std::string& text, std::string_view option, Count max = kMaxSizeOption);

} // namespace llamascope::cli
