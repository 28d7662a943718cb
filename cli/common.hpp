#pragma once
// Helpers every command shares: option parsing, inputs, output formats, findings.

#include "command.hpp"

#include "llamascope/analysis.hpp"
#include "llamascope/io.hpp"
#include "llamascope/table.hpp"
#include "llamascope/validate.hpp"

#include <boost/program_options.hpp>
#include <nlohmann/json_fwd.hpp>

#include <initializer_list>
#include <stdexcept>
#include <string>
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
/// it takes a value), then "positional NAME" when the command takes positional arguments.
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

/// Parses a positive integer option value ("512", "4k" not accepted) of at most `max`;
/// throws UsageError naming the option and the limit.
Count parsePositive(const std::string& text, std::string_view option, Count max = kMaxSizeOption);

} // namespace llamascope::cli
