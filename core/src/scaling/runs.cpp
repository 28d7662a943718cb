// The runs-table reader (docs/scaling.md "Runs tables"). CSV follows RFC 4180 (quoted fields,
// doubled quotes, CRLF); JSON lines go through the project's strict parser one line at a time,
// so nesting and size stay bounded. Every problem becomes a RunsIssue naming line and column.

#include "llamascope/runs.hpp"

#include "llamascope/bundled.hpp"
#include "llamascope/document.hpp"
#include "llamascope/errors.hpp"
#include "llamascope/format.hpp"
#include "llamascope/io.hpp"
#include "llamascope/validate.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <map>
#include <set>

namespace llamascope {

namespace fs = std::filesystem;

const EnumTable<ParamCount>& paramCountTable()
{
    static const EnumTable<ParamCount> table({
        {ParamCount::Total,
         "total",
         "every parameter, embeddings included (as Hoffmann et al. 2022 count)",
         {}},
        {ParamCount::NonEmbedding,
         "non-embedding",
         "total minus token embedding, lm_head and position table (Kaplan et al. 2020)",
         {"kaplan"}},
        {ParamCount::NoInputEmbedding,
         "no-input-embedding",
         "total minus the input lookup tables (token embedding, learned positions); the output "
         "projection counts once",
         {}},
    });
    return table;
}

std::string_view toString(ParamCount c)
{
    return paramCountTable().name(c);
}

std::string_view describe(ParamCount c)
{
    return paramCountTable().help(c);
}

Count countedParameters(const ParameterCounts& p, bool tied, ParamCount convention)
{
    switch (convention) {
    case ParamCount::Total: return p.total;
    case ParamCount::NonEmbedding: return p.nonEmbedding;
    case ParamCount::NoInputEmbedding:
        // The output projection is V·d whether it is its own matrix or the tied embedding.
        return addChecked(p.nonEmbedding, tied ? p.embedding : p.lmHead, "parameters");
    }
    return p.total;
}

std::string formatIssue(const std::string& source, const RunsIssue& issue)
{
    std::string s = source;
    if (issue.line > 0)
        s += ":" + std::to_string(issue.line);
    s += ": ";
    if (!issue.column.empty())
        s += "column \"" + issue.column + "\": ";
    return s + issue.message;
}

std::string_view toString(RunsFormat f)
{
    return f == RunsFormat::Csv ? "csv" : "jsonl";
}

namespace {

enum Field : std::size_t { kModel, kParams, kTokens, kLoss, kCompute, kCurve, kFields };

constexpr std::array<std::string_view, kFields> kFieldNames = {"model", "params",  "tokens",
                                                               "loss",  "compute", "curve"};

/// Lower case; spaces, '_' and '-' dropped: "Model Size" -> "modelsize".
std::string normalise(std::string_view s)
{
    std::string out;
    for (char c : s) {
        if (c == ' ' || c == '_' || c == '-' || c == '\t')
            continue;
        out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    return out;
}

const std::array<std::vector<std::string_view>, kFields>& aliases()
{
    static const std::array<std::vector<std::string_view>, kFields> a = {{
        {"model", "config"},
        {"params", "parameters", "n", "modelsize", "numparams", "nparams"},
        {"tokens", "d", "trainingtokens", "traintokens", "numtokens", "ntokens"},
        {"loss", "finalloss", "evalloss", "valloss", "validationloss"},
        {"compute", "c", "flops", "trainingflop", "trainingflops", "trainflops"},
        {"curve", "losscurve"},
    }};
    return a;
}

std::optional<Field> fieldFor(std::string_view header, const RunsColumns& cols)
{
    const std::array<const std::string*, kFields> overrides = {&cols.model, &cols.params,  &cols.tokens,
                                                               &cols.loss,  &cols.compute, &cols.curve};
    const std::string n = normalise(header);
    for (std::size_t f = 0; f < kFields; ++f)
        if (!overrides[f]->empty() && normalise(*overrides[f]) == n)
            return static_cast<Field>(f);
    for (std::size_t f = 0; f < kFields; ++f) {
        if (!overrides[f]->empty())
            continue; // an explicit mapping replaces the aliases of that field
        for (std::string_view a : aliases()[f])
            if (a == n)
                return static_cast<Field>(f);
    }
    return std::nullopt;
}

std::string trim(std::string_view s)
{
    std::size_t b = 0, e = s.size();
    while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r'))
        ++b;
    while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r'))
        --e;
    return std::string(s.substr(b, e - b));
}

/// A number with an optional SI suffix (k, M, B/G, T): "1.5B", "1e21", "6795600349.28".
std::optional<double> parseNumber(std::string_view text)
{
    std::string t = trim(text);
    if (t.empty())
        return std::nullopt;
    double scale = 1;
    switch (t.back()) {
    case 'k':
    case 'K': scale = 1e3; break;
    case 'M':
    case 'm': scale = 1e6; break;
    case 'B':
    case 'b':
    case 'G':
    case 'g': scale = 1e9; break;
    case 'T':
    case 't': scale = 1e12; break;
    default: break;
    }
    if (scale != 1)
        t.pop_back();
    if (!t.empty() && t.front() == '+')
        t.erase(0, 1);
    double v = 0;
    const auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec == std::errc::result_out_of_range)
        return HUGE_VAL;
    if (ec != std::errc() || p != t.data() + t.size() || t.empty())
        return std::nullopt;
    // from_chars accepts "nan" and "inf"; callers reject non-finite values by name.
    return v * scale;
}

/// One cell value before it is checked: text, a JSON number, or absent.
struct Cell {
    bool present = false;
    bool isNumber = false;
    double number = 0;
    std::string text;
    const nlohmann::ordered_json* json = nullptr; ///< JSON lines: the value itself
};

struct Reader {
    const std::string& source;
    const RunsReadOptions& opt;
    RunsReadResult& result;
    std::map<std::string, std::optional<std::pair<ParameterCounts, bool>>> configCache;
    std::size_t curvePoints = 0;

    void issue(std::size_t line, std::string column, std::string message)
    {
        if (result.issues.size() >= opt.maxIssues) {
            ++result.moreIssues;
            return;
        }
        result.issues.push_back({line, std::move(column), std::move(message)});
    }

    /// A finite, positive quantity; reports and returns nullopt otherwise.
    std::optional<double> positive(const Cell& c, std::size_t line, const std::string& column,
                                   std::string_view what)
    {
        std::optional<double> v;
        if (c.isNumber)
            v = c.number;
        else
            v = parseNumber(c.text);
        if (!v) {
            issue(line, column, "\"" + c.text + "\" is not a number (" + std::string(what) + ")");
            return std::nullopt;
        }
        if (std::isnan(*v)) {
            issue(line, column, std::string(what) + " is NaN");
            return std::nullopt;
        }
        if (!std::isfinite(*v) || std::fabs(*v) > 1e300) {
            issue(line, column, std::string(what) + " is not finite");
            return std::nullopt;
        }
        if (*v <= 0) {
            issue(line, column, std::string(what) + " must be positive, got " + formatNumber(*v));
            return std::nullopt;
        }
        return v;
    }

    /// N from a config: bundled name or file. nullopt (and an issue) when it cannot be counted.
    std::optional<double> configParameters(const std::string& name, std::size_t line,
                                           const std::string& column, ScalingRun& run)
    {
        auto it = configCache.find(name);
        if (it == configCache.end()) {
            std::optional<std::pair<ParameterCounts, bool>> entry;
            std::optional<LoadResult> loaded;
            ModelSource src = ModelSource::Bundled;
            std::string why;
            if (auto b = loadBundled(name)) {
                loaded = std::move(b);
            } else if (opt.allowConfigFiles) {
                fs::path p(name);
                if (p.is_relative() && !opt.baseDir.empty())
                    p = opt.baseDir / p;
                std::error_code ec;
                if (fs::is_regular_file(p, ec)) {
                    try {
                        loaded = loadConfigFile(p);
                        src = ModelSource::File;
                    } catch (const IoError& e) {
                        why = e.what();
                    }
                } else {
                    const auto names = bundledNames();
                    const std::string guess = closestMatch(name, names);
                    why = "\"" + name +
                          "\" is neither a number, a bundled config nor a config file (looked for " +
                          p.string() + ")" + (guess.empty() ? "" : "; did you mean " + guess + "?");
                }
            } else {
                why = "\"" + name + "\" is neither a number nor a bundled config name";
            }
            if (loaded && !loaded->config) {
                std::string first;
                for (const Finding& f : loaded->report.findings)
                    if (f.severity() == Severity::Error) {
                        first = (f.pointer.empty() ? "/" : f.pointer) + ": " + f.message;
                        break;
                    }
                why = loaded->report.source + " does not validate (" + first +
                      "); llamascope validate shows all findings";
                loaded.reset();
            }
            if (loaded) {
                try {
                    entry =
                        std::make_pair(countParameters(*loaded->config), loaded->config->tieWordEmbeddings);
                } catch (const CountOverflow& e) {
                    why = e.what();
                }
            }
            if (!entry)
                issue(line, column, why);
            it = configCache.emplace(name, entry).first;
            if (entry)
                sources[name] = src;
            else
                return std::nullopt;
        }
        if (!it->second)
            return std::nullopt; // reported on its first row
        run.counts = it->second->first;
        run.source = sources[name];
        if (it->second->first.active != it->second->first.total)
            mixtureOfExperts.insert(name);
        return static_cast<double>(countedParameters(it->second->first, it->second->second, opt.paramCount));
    }
    std::map<std::string, ModelSource> sources;
    std::set<std::string> mixtureOfExperts; ///< configs whose active parameters differ from total

    bool curveFromText(const std::string& text, std::size_t line, const std::string& column, ScalingRun& run)
    {
        std::size_t start = 0;
        while (start <= text.size()) {
            std::size_t end = text.find(';', start);
            if (end == std::string::npos)
                end = text.size();
            const std::string item = trim(std::string_view(text).substr(start, end - start));
            start = end + 1;
            if (item.empty()) {
                if (end == text.size())
                    break;
                continue;
            }
            const auto colon = item.find(':');
            if (colon == std::string::npos) {
                issue(line, column, "curve point \"" + item + "\" is not TOKENS:LOSS");
                return false;
            }
            Cell t{true, false, 0, item.substr(0, colon), nullptr};
            Cell l{true, false, 0, item.substr(colon + 1), nullptr};
            if (!addCurvePoint(t, l, line, column, run))
                return false;
        }
        return true;
    }

    bool curveFromJson(const nlohmann::ordered_json& j, std::size_t line, const std::string& column,
                       ScalingRun& run)
    {
        if (!j.is_array()) {
            issue(line, column, "a loss curve is an array of [tokens, loss] pairs");
            return false;
        }
        for (const auto& p : j) {
            const nlohmann::ordered_json *t = nullptr, *l = nullptr;
            if (p.is_array() && p.size() == 2) {
                t = &p.at(0);
                l = &p.at(1);
            } else if (p.is_object() && p.contains("tokens") && p.contains("loss")) {
                t = &p.at("tokens");
                l = &p.at("loss");
            } else {
                issue(line, column, "a loss-curve point is [tokens, loss] or {\"tokens\": …, \"loss\": …}");
                return false;
            }
            if (!t->is_number() || !l->is_number()) {
                issue(line, column, "loss-curve tokens and loss must be numbers");
                return false;
            }
            Cell tc{true, true, t->get<double>(), {}, nullptr};
            Cell lc{true, true, l->get<double>(), {}, nullptr};
            if (!addCurvePoint(tc, lc, line, column, run))
                return false;
        }
        return true;
    }

    bool addCurvePoint(const Cell& t, const Cell& l, std::size_t line, const std::string& column,
                       ScalingRun& run)
    {
        if (++curvePoints > opt.maxCurvePoints) {
            if (curvePoints == opt.maxCurvePoints + 1)
                issue(line, column,
                      "more than " + formatCount(static_cast<std::int64_t>(opt.maxCurvePoints)) +
                          " loss-curve points in the table; thin the curves");
            return false;
        }
        const auto tokens = positive(t, line, column, "curve tokens");
        if (!tokens)
            return false;
        const auto loss = positive(l, line, column, "curve loss");
        if (!loss)
            return false;
        if (!run.curve.empty() && *tokens <= run.curve.back().tokens) {
            issue(line, column,
                  "loss-curve tokens must increase (" + formatNumber(*tokens) + " after " +
                      formatNumber(run.curve.back().tokens) + ")");
            return false;
        }
        run.curve.push_back({*tokens, *loss});
        return true;
    }

    /// Builds one run from its cells; reports every problem of the row.
    void addRun(const std::array<Cell, kFields>& cells, const std::array<std::string, kFields>& names,
                std::size_t line, RunsTable& table)
    {
        if (table.runs.size() >= opt.maxRuns) {
            if (table.runs.size() == opt.maxRuns)
                issue(line, "",
                      "more than " + formatCount(static_cast<std::int64_t>(opt.maxRuns)) +
                          " runs; llamascope fits at most that many (thin the table)");
            table.runs.emplace_back(); // counts the overflow once; the table is refused anyway
            return;
        }
        ScalingRun run;
        run.line = line;
        bool ok = true;
        auto missing = [&](Field f, std::string_view what) {
            issue(line, names[f], "missing value (" + std::string(what) + ")");
            ok = false;
        };
        // N: from the model column, else from params (a count only)
        const Field nField =
            !cells[kModel].present && (cells[kParams].present || names[kModel].empty()) ? kParams : kModel;
        const Cell& nc = cells[nField];
        if (!nc.present) {
            missing(nField, "the model: a parameter count, a bundled name or a config file");
        } else {
            run.model = nc.isNumber ? formatNumber(nc.number) : nc.text;
            const bool numeric = nc.isNumber || parseNumber(nc.text).has_value();
            if (numeric || nField == kParams) {
                if (auto v = positive(nc, line, names[nField], "parameters N")) {
                    if (*v < 1) {
                        issue(line, names[nField],
                              "parameters N must be at least 1, got " + formatNumber(*v));
                        ok = false;
                    } else {
                        run.parameters = *v;
                    }
                } else {
                    ok = false;
                }
            } else if (auto v = configParameters(nc.text, line, names[nField], run)) {
                run.parameters = *v;
                ++table.runsFromConfigs;
            } else {
                ok = false;
            }
        }
        // loss
        if (!cells[kLoss].present)
            missing(kLoss, "the final loss");
        else if (auto v = positive(cells[kLoss], line, names[kLoss], "loss"))
            run.loss = *v;
        else
            ok = false;
        // compute and tokens
        if (cells[kCompute].present) {
            if (auto v = positive(cells[kCompute], line, names[kCompute], "compute C")) {
                run.compute = *v;
                run.computeGiven = true;
            } else {
                ok = false;
            }
        }
        if (cells[kTokens].present) {
            if (auto v = positive(cells[kTokens], line, names[kTokens], "tokens D"))
                run.tokens = *v;
            else
                ok = false;
        } else if (!cells[kCompute].present) {
            missing(names[kTokens].empty() ? kCompute : kTokens, "tokens D, or compute C to derive D = C/6N");
        }
        if (cells[kCurve].present) {
            const bool curveOk = cells[kCurve].json != nullptr
                                     ? curveFromJson(*cells[kCurve].json, line, names[kCurve], run)
                                     : curveFromText(cells[kCurve].text, line, names[kCurve], run);
            ok = ok && curveOk;
        }
        if (!ok)
            return;
        if (!cells[kTokens].present) {
            run.tokens = run.compute / (6.0 * run.parameters);
            run.tokensDerived = true;
            if (!std::isfinite(run.tokens) || run.tokens <= 0) {
                issue(line, names[kCompute], "D = C/6N is not a positive, finite number");
                return;
            }
        }
        if (!run.computeGiven)
            run.compute = 6.0 * run.parameters * run.tokens;
        if (!std::isfinite(run.compute)) {
            issue(line, names[kTokens], "6·N·D overflows");
            return;
        }
        table.runs.push_back(std::move(run));
    }

    // ---- CSV ---------------------------------------------------------------------------------

    struct Record {
        std::size_t line = 0;
        std::vector<std::string> fields;
        bool badQuote = false;
    };

    /// Splits RFC 4180 records; a record starts at `line`. Blank lines and lines starting with
    /// '#' (outside quotes) are skipped.
    static std::vector<Record> records(std::string_view text)
    {
        std::vector<Record> out;
        std::size_t i = 0, line = 1;
        while (i < text.size()) {
            // skip blank and comment lines
            std::size_t j = i;
            while (j < text.size() && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r'))
                ++j;
            if (j < text.size() && (text[j] == '\n' || text[j] == '#')) {
                while (j < text.size() && text[j] != '\n')
                    ++j;
                i = j + 1;
                ++line;
                continue;
            }
            if (j >= text.size())
                break;
            Record r;
            r.line = line;
            std::string field;
            bool quoted = false, wasQuoted = false;
            while (i < text.size()) {
                const char c = text[i];
                if (quoted) {
                    if (c == '"') {
                        if (i + 1 < text.size() && text[i + 1] == '"') {
                            field += '"';
                            i += 2;
                            continue;
                        }
                        quoted = false;
                        ++i;
                        continue;
                    }
                    if (c == '\n')
                        ++line;
                    field += c;
                    ++i;
                    continue;
                }
                if (c == '"') {
                    if (!trim(field).empty())
                        r.badQuote = true;
                    field.clear();
                    quoted = wasQuoted = true;
                    ++i;
                    continue;
                }
                if (c == ',') {
                    r.fields.push_back(wasQuoted ? field : trim(field));
                    field.clear();
                    wasQuoted = false;
                    ++i;
                    continue;
                }
                if (c == '\n') {
                    ++i;
                    ++line;
                    break;
                }
                if (wasQuoted && c != ' ' && c != '\t' && c != '\r')
                    r.badQuote = true;
                field += c;
                ++i;
            }
            if (quoted)
                r.badQuote = true;
            r.fields.push_back(wasQuoted ? field : trim(field));
            out.push_back(std::move(r));
        }
        return out;
    }

    void readCsv(std::string_view text, RunsTable& table)
    {
        const std::vector<Record> recs = records(text);
        if (recs.empty()) {
            issue(0, "",
                  "the table is empty: expected a header row (model or params, tokens or compute, loss)");
            return;
        }
        const Record& header = recs.front();
        if (header.badQuote)
            issue(header.line, "", "malformed quotes in the header row");
        std::array<std::optional<std::size_t>, kFields> col;
        std::array<std::string, kFields> names;
        std::vector<std::string> ignored;
        for (std::size_t k = 0; k < header.fields.size(); ++k) {
            const std::string& h = header.fields[k];
            const auto f = fieldFor(h, opt.columns);
            if (!f) {
                ignored.push_back(h.empty() ? "(unnamed column " + std::to_string(k + 1) + ")" : h);
                continue;
            }
            if (col[*f]) {
                issue(header.line, h,
                      "a second column for " + std::string(kFieldNames[*f]) + " (the first is \"" +
                          names[*f] + "\"); keep one or map one with --column");
                continue;
            }
            col[*f] = k;
            names[*f] = h;
        }
        if (!checkColumns(col[kModel].has_value(), col[kParams].has_value(), col[kTokens].has_value(),
                          col[kCompute].has_value(), col[kLoss].has_value(), header.line, names)) {
            std::string all;
            for (const std::string& h : header.fields)
                all += (all.empty() ? "\"" : ", \"") + h + "\"";
            issue(header.line, "",
                  "the header has " + all + " (map a column to a field with --column FIELD=NAME)");
            return;
        }
        describeColumns(names, ignored, table);
        for (std::size_t r = 1; r < recs.size(); ++r) {
            const Record& rec = recs[r];
            if (rec.badQuote) {
                issue(rec.line, "",
                      "malformed quotes (a quoted field must be quoted whole, \"\" for a quote)");
                continue;
            }
            if (rec.fields.size() != header.fields.size()) {
                issue(rec.line, "",
                      std::to_string(rec.fields.size()) + " fields, but the header has " +
                          std::to_string(header.fields.size()));
                continue;
            }
            std::array<Cell, kFields> cells;
            for (std::size_t f = 0; f < kFields; ++f) {
                if (!col[f])
                    continue;
                const std::string& v = rec.fields[*col[f]];
                cells[f].text = v;
                cells[f].present = !trim(v).empty();
            }
            addRun(cells, names, rec.line, table);
        }
    }

    bool checkColumns(bool model, bool params, bool tokens, bool compute, bool loss, std::size_t line,
                      const std::array<std::string, kFields>& names)
    {
        bool ok = true;
        if (model && params) {
            issue(line, names[kParams],
                  "both \"" + names[kModel] + "\" and \"" + names[kParams] +
                      "\" give the model size; keep one (or map the one to use with --column)");
            ok = false;
        }
        if (!model && !params) {
            issue(line, "",
                  "no model column: expected \"model\" (count, bundled name or config file) or \"params\"");
            ok = false;
        }
        if (!tokens && !compute) {
            issue(line, "", "no tokens column: expected \"tokens\" (D), or \"compute\" (C, then D = C/6N)");
            ok = false;
        }
        if (!loss) {
            issue(line, "", "no loss column: expected \"loss\"");
            ok = false;
        }
        return ok;
    }

    void describeColumns(const std::array<std::string, kFields>& names,
                         const std::vector<std::string>& ignored, RunsTable& table)
    {
        std::string mapped;
        for (std::size_t f = 0; f < kFields; ++f)
            if (!names[f].empty())
                mapped +=
                    (mapped.empty() ? "" : ", ") + std::string(kFieldNames[f]) + " = \"" + names[f] + "\"";
        table.notes.push_back("columns: " + mapped);
        if (!ignored.empty()) {
            std::string list;
            for (const std::string& s : ignored)
                list += (list.empty() ? "" : ", ") + ("\"" + s + "\"");
            table.notes.push_back("ignored columns (not used by any fit): " + list);
        }
        if (names[kTokens].empty() && !names[kCompute].empty())
            table.notes.push_back("tokens: D = C / (6·N) from \"" + names[kCompute] + "\"");
    }

    // ---- JSON lines --------------------------------------------------------------------------

    void readJsonLines(std::string_view text, RunsTable& table)
    {
        std::size_t pos = 0, line = 0;
        std::array<std::string, kFields> names;
        std::set<std::string> ignored;
        std::size_t rows = 0;
        ParseLimits limits;
        limits.maxBytes = 1u << 20;
        limits.maxDepth = 8;
        while (pos < text.size()) {
            std::size_t end = text.find('\n', pos);
            if (end == std::string_view::npos)
                end = text.size();
            std::string_view raw = text.substr(pos, end - pos);
            pos = end + 1;
            ++line;
            const std::string t = trim(raw);
            if (t.empty() || t.front() == '#')
                continue;
            if (table.runs.size() > opt.maxRuns)
                break;
            const Document doc = parseDocument(t, source, limits);
            if (!doc.parsed() || !doc.findings.empty()) {
                const Finding& f = doc.findings.front();
                issue(line, f.pointer,
                      "not valid JSON: " + f.message +
                          (f.pos.known() ? " (column " + std::to_string(f.pos.column) + ")" : ""));
                continue;
            }
            const nlohmann::ordered_json& j = *doc.root;
            if (!j.is_object()) {
                issue(line, "",
                      "each line must be one JSON object, e.g. {\"model\": \"llama_60m\", \"tokens\": 1.2e9, "
                      "\"loss\": 3.4}");
                continue;
            }
            ++rows;
            std::array<Cell, kFields> cells;
            std::array<std::string, kFields> rowNames;
            bool ok = true;
            for (const auto& [key, value] : j.items()) {
                const auto f = fieldFor(key, opt.columns);
                if (!f) {
                    ignored.insert(key);
                    continue;
                }
                if (cells[*f].present || !rowNames[*f].empty()) {
                    issue(line, key,
                          "a second key for " + std::string(kFieldNames[*f]) + " (the first is \"" +
                              rowNames[*f] + "\")");
                    ok = false;
                    continue;
                }
                rowNames[*f] = key;
                if (names[*f].empty())
                    names[*f] = key;
                Cell& c = cells[*f];
                if (value.is_null())
                    continue;
                c.present = true;
                if (*f == kCurve) {
                    c.json = &value;
                } else if (value.is_number()) {
                    if (doc.badNumbers.count("/" + escapePointerToken(key)) != 0) {
                        issue(line, key, "the number does not fit in a double");
                        ok = false;
                    }
                    c.isNumber = true;
                    c.number = value.get<double>();
                } else if (value.is_string()) {
                    c.text = value.get<std::string>();
                    c.present = !trim(c.text).empty();
                } else {
                    issue(line, key, "expected a number or a string, got " + std::string(value.type_name()));
                    ok = false;
                }
            }
            if (!ok)
                continue;
            if (cells[kModel].present && cells[kParams].present) {
                issue(line, rowNames[kParams],
                      "both \"" + rowNames[kModel] + "\" and \"" + rowNames[kParams] +
                          "\" give the model size; keep one");
                continue;
            }
            std::array<std::string, kFields> display;
            for (std::size_t f = 0; f < kFields; ++f)
                display[f] = !rowNames[f].empty() ? rowNames[f] : std::string(kFieldNames[f]);
            addRun(cells, display, line, table);
        }
        if (rows == 0 && result.issues.empty())
            issue(0, "", "the table is empty: expected one JSON object per line");
        std::vector<std::string> ign(ignored.begin(), ignored.end());
        describeColumns(names, ign, table);
    }
};

RunsFormat detectFormat(std::string_view text, const std::string& source)
{
    const std::string ext = normalise(fs::path(source).extension().string());
    if (ext == ".jsonl" || ext == ".ndjson" || ext == ".json")
        return RunsFormat::JsonLines;
    if (ext == ".csv" || ext == ".tsv")
        return RunsFormat::Csv;
    for (char c : text) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            continue;
        return c == '{' ? RunsFormat::JsonLines : RunsFormat::Csv;
    }
    return RunsFormat::Csv;
}

} // namespace

RunsReadResult parseRuns(std::string_view text, const std::string& source, const RunsReadOptions& options)
{
    RunsReadResult result;
    result.source = source;
    Reader reader{source, options, result, {}, 0, {}, {}};
    if (text.size() > options.maxBytes) {
        reader.issue(0, "",
                     "the file is larger than " + formatBytes(static_cast<double>(options.maxBytes)) +
                         "; llamascope reads runs tables up to that size");
        return result;
    }
    if (text.starts_with("\xEF\xBB\xBF"))
        text.remove_prefix(3);
    RunsTable table;
    table.source = source;
    table.paramCount = options.paramCount;
    table.format = options.format.value_or(detectFormat(text, source));
    if (table.format == RunsFormat::Csv)
        reader.readCsv(text, table);
    else
        reader.readJsonLines(text, table);
    if (result.issues.empty() && result.moreIssues == 0 && table.runs.empty())
        reader.issue(0, "", "the table has a header but no runs");
    if (table.runsFromConfigs > 0)
        table.notes.push_back("N counted from configs as " + std::string(toString(options.paramCount)) +
                              ": " + std::string(describe(options.paramCount)));
    if (table.runsFromConfigs < table.runs.size())
        table.notes.push_back(
            std::to_string(table.runs.size() - table.runsFromConfigs) +
            " run(s) give N as a number, used as given (the --n-count convention cannot apply)");
    if (!reader.mixtureOfExperts.empty()) {
        std::string names;
        for (const std::string& n : reader.mixtureOfExperts)
            names += (names.empty() ? "" : ", ") + n;
        table.notes.push_back("mixture-of-experts configs (" + names +
                              "): N counts every expert under --n-count; a token uses fewer (llamascope show "
                              "lists the active parameters)");
    }
    if (result.issues.empty() && result.moreIssues == 0)
        result.table = std::move(table);
    return result;
}

RunsReadResult readRunsFile(const fs::path& path, RunsReadOptions options)
{
    const CappedRead r = readFileCapped(path, options.maxBytes);
    if (options.baseDir.empty())
        options.baseDir = path.has_parent_path() ? path.parent_path() : fs::path(".");
    if (r.truncated) {
        RunsReadResult result;
        result.source = path.string();
        result.issues.push_back(
            {0, "",
             "the file is " + formatBytes(static_cast<double>(r.size)) + ", larger than the " +
                 formatBytes(static_cast<double>(options.maxBytes)) + " llamascope reads for a runs table"});
        return result;
    }
    return parseRuns(r.bytes, path.string(), options);
}

} // namespace llamascope
