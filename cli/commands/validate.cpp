// llamascope validate [--strict] [--format ...] [CONFIG...]

#include "commands.hpp"
#include "common.hpp"

#include "llamascope/format.hpp"
#include "llamascope/json_io.hpp"
#include "llamascope/rules.hpp"
#include "llamascope/views.hpp"

#include <nlohmann/json.hpp>

#include <ostream>

namespace llamascope::cli {
namespace {

int listCodes(OutputFormat format, Context& ctx)
{
    if (format == OutputFormat::Json) {
        nlohmann::ordered_json codes = nlohmann::ordered_json::array();
        for (const FindingCodeInfo& c : findingCodes())
            codes.push_back({{"code", c.name},
                             {"severity", toString(c.severity)},
                             {"summary", c.summary},
                             {"schema", c.schemaExpressible}});
        nlohmann::ordered_json j = outputEnvelope("validate-codes");
        j["codes"] = codes;
        printJson(j, ctx.out);
        return kExitOk;
    }
    Table t;
    t.columns = {{"Code", Align::Left},
                 {"Severity", Align::Left},
                 {"In schema", Align::Left},
                 {"Meaning", Align::Left}};
    for (const FindingCodeInfo& c : findingCodes())
        t.addRow({Cell::text(std::string(c.name)), Cell::text(std::string(toString(c.severity))),
                  Cell::text(c.schemaExpressible ? "yes" : "no"), Cell::text(std::string(c.summary))});
    ctx.out << render(t, tableFormat(format));
    return kExitOk;
}

int run(const std::vector<std::string>& args, Context& ctx)
{
    po::options_description options("options");
    options.add_options()("strict", "fail on warnings too (exit 1), not only errors")(
        "format", po::value<std::string>()->default_value("text"),
        "text, json, csv or markdown")("quiet,q", "print only the summary line (text format)")(
        "list-codes", "list every finding code with its severity and exit")(
        "inputs", po::value<std::vector<std::string>>()->default_value({}, ""),
        "config files, folders or bundled names");
    po::positional_options_description positional;
    positional.add("inputs", -1);
    const ParsedArgs p = parseArgs(args, "validate", "[--strict] [--format F] [CONFIG...]",
                                   "Checks config files against transformers' ModelConfig and the family's\n"
                                   "conventions. Every finding has a severity, a code, a JSON pointer and,\n"
                                   "where the field is in the file, line:column. Codes: docs/validation.md.",
                                   options, positional, ctx);
    if (p.help)
        return kExitOk;
    const OutputFormat format = formatOption(p);
    if (p.vm.count("list-codes") != 0)
        return listCodes(format, ctx);
    const bool strict = p.vm.count("strict") != 0;
    const Severity failAt = strict ? Severity::Warning : Severity::Error;

    // An unreadable input does not hide the findings of the others: every readable file is
    // reported, the I/O errors go to stderr, and the exit code is 3 (docs/cli.md).
    LoadedInputs loaded = loadInputsKeepingGoing(p.vm["inputs"].as<std::vector<std::string>>(), ctx);
    std::vector<ValidationReport> reports;
    for (LoadResult& r : loaded.results)
        reports.push_back(std::move(r.report));
    for (const std::string& e : loaded.errors)
        ctx.err << "llamascope validate: error: " << escapeForTerminal(e) << "\n";

    std::size_t errors = 0, warnings = 0, notes = 0, failing = 0, quirkWarnings = 0, quirks = 0;
    for (const ValidationReport& r : reports) {
        errors += r.count(Severity::Error);
        warnings += r.count(Severity::Warning);
        notes += r.count(Severity::Note);
        quirkWarnings += r.countKnownQuirks(Severity::Warning);
        quirks += r.countKnownQuirks(Severity::Warning) + r.countKnownQuirks(Severity::Note) +
                  r.countKnownQuirks(Severity::Error);
        failing += r.fails(failAt) ? 1u : 0u;
    }
    const bool passed = failing == 0;

    switch (format) {
    case OutputFormat::Json: {
        nlohmann::ordered_json j = outputEnvelope("validate");
        j["strict"] = strict;
        j["passed"] = passed && loaded.errors.empty();
        j["summary"] = {{"files", reports.size()}, {"failing_files", failing}, {"errors", errors},
                        {"warnings", warnings},    {"notes", notes},           {"known_quirks", quirks}};
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const ValidationReport& r : reports)
            list.push_back(toJson(r));
        j["reports"] = list;
        j["io_errors"] = loaded.errors;
        printJson(j, ctx.out);
        break;
    }
    case OutputFormat::Csv:
    case OutputFormat::Markdown: ctx.out << render(findingsTable(reports), tableFormat(format)); break;
    case OutputFormat::Text:
        if (p.vm.count("quiet") == 0)
            for (const ValidationReport& r : reports)
                printFindings(r, ctx.out);
        ctx.out << plural(static_cast<Count>(reports.size()), "file") << ": "
                << plural(static_cast<Count>(errors), "error") << ", "
                << plural(static_cast<Count>(warnings), "warning");
        // Quirks the published family keeps (SPEC §2) are counted apart: a reference set
        // should not read as "all with warnings".
        if (quirkWarnings > 0 && quirkWarnings == warnings)
            ctx.out << (warnings == 1 ? " (a known quirk" : " (all known quirks")
                    << " of the published family)";
        else if (quirkWarnings > 0)
            ctx.out << " (" << quirkWarnings << " known " << (quirkWarnings == 1 ? "quirk" : "quirks")
                    << " of the published family)";
        ctx.out << ", " << plural(static_cast<Count>(notes), "note") << " — ";
        const std::string unread = loaded.errors.empty()
                                       ? std::string()
                                       : plural(static_cast<Count>(loaded.errors.size()), "input") +
                                             " could not be read (see above)";
        if (!passed)
            ctx.out << "FAILED (" << failing << (failing == 1 ? " file has " : " files have ")
                    << (strict ? "errors or warnings" : "errors") << (unread.empty() ? "" : "; " + unread)
                    << ")";
        else if (!unread.empty())
            ctx.out << "INCOMPLETE (" << unread << ")";
        else
            ctx.out << "passed" << (!strict && warnings > 0 ? " (--strict would fail on the warnings)" : "");
        ctx.out << "\n";
        break;
    }
    if (!loaded.errors.empty())
        return kExitIo;
    return passed ? kExitOk : kExitFindings;
}

} // namespace

const Command& validateCommand()
{
    static const Command c{"validate", "check config files: errors, warnings and notes with line:column",
                           run};
    return c;
}

} // namespace llamascope::cli
