#pragma once
// Tables of finished training runs, the input of scaling-law fits (SPEC §15, docs/scaling.md).
//
// A runs table is CSV (a header row, then one run per row) or JSON lines (one object per
// line). Each run gives its model — a parameter count, a bundled config name or a config file
// path —, its training tokens D (or its compute C, from which D = C / 6N), its final loss and,
// optionally, its compute and a loss curve. Reading never throws for bad content: every
// problem is a RunsIssue naming the line and the column, and the table exists only when there
// are none. The reader is bounded: at most RunsReadOptions::maxBytes of input, maxRuns runs and
// maxCurvePoints curve points, whatever the file claims.

#include "llamascope/enum_table.hpp"
#include "llamascope/params.hpp"

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llamascope {

/// How N is counted when a run names a config (docs/scaling.md "Which N"). A run that gives a
/// plain number keeps that number whatever the convention.
enum class ParamCount {
    Total,            ///< every parameter (Hoffmann et al. 2022 count all)
    NonEmbedding,     ///< Kaplan et al. 2020: total − token embedding − lm_head − position table
    NoInputEmbedding, ///< total − input lookup tables (token embedding, learned positions); the
                      ///< output projection counts once, tied or not
};

/// "total", "non-embedding" (alias "kaplan"), "no-input-embedding"; the help says what each
/// counts.
const EnumTable<ParamCount>& paramCountTable();
std::string_view toString(ParamCount c);
/// One line: what the convention counts (the table's help).
std::string_view describe(ParamCount c);
/// N of a config under `convention`, from countParameters() (exact).
Count countedParameters(const ParameterCounts& counts, bool tiedEmbeddings, ParamCount convention);

struct CurvePoint {
    double tokens = 0; ///< tokens seen so far
    double loss = 0;
};

/// Where a run's N came from.
enum class ModelSource { Number, Bundled, File };

struct ScalingRun {
    std::size_t line = 0; ///< 1-based line of the row in the file
    std::string model;    ///< the model cell as written
    ModelSource source = ModelSource::Number;
    std::optional<ParameterCounts> counts; ///< exact counts when the run names a config
    double parameters = 0;                 ///< N under the table's convention (> 0)
    double tokens = 0;                     ///< D (> 0)
    double loss = 0;                       ///< final loss (> 0, finite)
    double compute = 0;                    ///< C as given, else 6·N·D
    bool computeGiven = false;
    bool tokensDerived = false; ///< D = C / (6·N): the table gave compute, not tokens
    std::vector<CurvePoint> curve;
};

/// One problem in a runs table: FILE:LINE: column "NAME": message.
struct RunsIssue {
    std::size_t line = 0; ///< 1-based; 0 for the file as a whole
    std::string column;   ///< header text (CSV) or key (JSON lines); empty for the row
    std::string message;
};

/// "runs.csv:5: column \"loss\": NaN is not a loss".
std::string formatIssue(const std::string& source, const RunsIssue& issue);

enum class RunsFormat { Csv, JsonLines };
std::string_view toString(RunsFormat f);

struct RunsTable {
    std::string source;
    RunsFormat format = RunsFormat::Csv;
    ParamCount paramCount = ParamCount::Total;
    std::vector<ScalingRun> runs;
    /// How the table was read: columns mapped, columns ignored, D derived from C... Shown with
    /// every fit so nothing is ignored silently.
    std::vector<std::string> notes;
    std::size_t runsFromConfigs = 0; ///< runs whose N was counted from a config
};

/// Header names (CSV) or keys (JSON lines) for each field. Empty: the built-in aliases
/// (docs/scaling.md "Runs tables"), matched case-insensitively with spaces, '_' and '-' alike:
/// model: model, config; params: params, parameters, n, model size, num params;
/// tokens: tokens, d, training tokens, train tokens; loss: loss, final loss, eval loss, val loss;
/// compute: compute, c, flops, training flop(s); curve: curve, loss curve.
struct RunsColumns {
    std::string model;   ///< a count, a bundled name or a config path
    std::string params;  ///< a count only
    std::string tokens;  ///< D
    std::string loss;    ///< final loss
    std::string compute; ///< C in FLOPs
    std::string curve;   ///< CSV: "tokens:loss;tokens:loss…"; JSON: [[tokens, loss], …]
};

struct RunsReadOptions {
    ParamCount paramCount = ParamCount::Total;
    RunsColumns columns;
    /// Relative config paths resolve against this folder (the runs file's own folder).
    std::filesystem::path baseDir;
    /// False: only counts and bundled names (the fuzzer reads no files).
    bool allowConfigFiles = true;
    std::optional<RunsFormat> format; ///< unset: by extension, else by the first character
    std::size_t maxBytes = 64u << 20;
    std::size_t maxRuns = 10000;
    std::size_t maxCurvePoints = 1'000'000; ///< over all runs
    std::size_t maxIssues = 50;             ///< further issues are only counted
};

struct RunsReadResult {
    std::optional<RunsTable> table; ///< set iff `issues` is empty
    std::vector<RunsIssue> issues;  ///< in file order, at most maxIssues
    std::size_t moreIssues = 0;     ///< issues beyond maxIssues
    std::string source;
};

/// Parses a runs table from text. Never throws for bad content (config files it names are
/// read with loadConfigFile(); an unreadable one is an issue, not an exception).
RunsReadResult parseRuns(std::string_view text, const std::string& source,
                         const RunsReadOptions& options = {});

/// Reads a file (at most options.maxBytes; larger is an issue). Throws IoError if it cannot be
/// opened. baseDir defaults to the file's folder.
RunsReadResult readRunsFile(const std::filesystem::path& path, RunsReadOptions options = {});

} // namespace llamascope
