#pragma once
// Findings: the unit of every validation result (SPEC §4).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace llamascope {

enum class Severity { Note = 0, Warning = 1, Error = 2 };

std::string_view toString(Severity s);
/// Parses "note" / "warning" / "error"; nullopt otherwise.
std::optional<Severity> severityFromString(std::string_view s);

/// A 1-based line and column in the source text; column counts UTF-8 code points.
struct SourcePos {
    int line = 0;
    int column = 0;
    [[nodiscard]] bool known() const { return line > 0; }
    friend bool operator==(const SourcePos&, const SourcePos&) = default;
};

/// Every finding the validator can report. A code's name, severity and summary live in one
/// catalogue (findingCodes(), docs/validation.md): a finding never chooses its own severity.
enum class FindingCode : std::uint8_t {
    Syntax,
    FileTooLarge,
    TooDeep,
    DuplicateKey,
    RootNotObject,
    NotAConfig,
    NumberOutOfRange,
    WrongType,
    NotPositive,
    OutOfRange,
    UnknownValue,
    UnsupportedModelType,
    UnsupportedFeature,
    BadRopeScaling,
    BadLayerTypes,
    TokenIdRange,
    TokenIdVocab,
    HeadsNotDivisible,
    KvHeadsNotDivisible,
    OddHeadDim,
    ExpertsTopK,
    CountOverflow,
    WeightsShape,
    IoError,
    UnknownKey,
    IgnoredKey,
    VersionDependent,
    CustomCode,
    QuantizedWeights,
    LegacyArchitecture,
    NegativeTokenId,
    MissingKey,
    UnusualValue,
    WeightsTensors,
    WeightsUnreadable,
    HeadDimAlignment,
    SizeAlignment,
    FfnRatio
};

/// One row of the catalogue. `schemaExpressible`: JSON Schema can express the check
/// (per-field) or it needs several fields or the file text (cross-field, syntax).
struct FindingCodeInfo {
    FindingCode code;
    std::string_view name; ///< stable kebab-case identifier printed in every output
    Severity severity;
    std::string_view summary;
    bool schemaExpressible;
};

/// The catalogue, in the order docs/validation.md and `validate --list-codes` list it.
std::span<const FindingCodeInfo> findingCodes();
const FindingCodeInfo& info(FindingCode code);
std::string_view toString(FindingCode code);
/// The code named `name` ("unknown-key"); nullopt for a name not in the catalogue.
std::optional<FindingCode> findingCodeFromString(std::string_view name);

struct Finding {
    FindingCode code = FindingCode::Syntax;
    std::string pointer; ///< RFC 6901 JSON pointer ("" is the root)
    std::string message; ///< what is wrong, in one sentence
    std::string hint;    ///< what to do about it (may be empty)
    SourcePos pos;       ///< where in the file (line 0 when the field is absent)
    /// A quirk of a published family kept as published (the bundled configs' legacy class
    /// name, max_sequence_length and pad_token_id -1): still reported at its severity, but
    /// front ends count it apart so a reference set does not read as "all with warnings".
    bool knownQuirk = false;

    /// The catalogue's severity for the code.
    [[nodiscard]] Severity severity() const { return info(code).severity; }
    /// The code's kebab-case name ("unknown-key").
    [[nodiscard]] std::string_view codeName() const { return toString(code); }
};

/// Findings of one code that a report counts but does not list (see capRepeatedFindings).
struct OmittedFindings {
    FindingCode code = FindingCode::Syntax;
    std::size_t count = 0;
    [[nodiscard]] Severity severity() const { return info(code).severity; }
    [[nodiscard]] std::string_view codeName() const { return toString(code); }
};

/// Every finding for one source, in file order. Collect-all: nothing stops at the first.
struct ValidationReport {
    std::string source; ///< file path or bundled name
    std::vector<Finding> findings;
    /// Findings beyond the first few of one code, counted but not listed; count(), fails()
    /// and worst() include them.
    std::vector<OmittedFindings> omitted;

    [[nodiscard]] std::size_t count(Severity s) const;
    /// Findings of severity `s` that are known quirks (Finding::knownQuirk).
    [[nodiscard]] std::size_t countKnownQuirks(Severity s) const;
    /// Highest severity among findings that are not known quirks, nullopt if there are none.
    [[nodiscard]] std::optional<Severity> worstUnexplained() const;
    [[nodiscard]] bool hasErrors() const { return count(Severity::Error) > 0; }
    /// True when any finding is at or above `failAt`.
    [[nodiscard]] bool fails(Severity failAt) const;
    /// Highest severity present, nullopt if there are no findings.
    [[nodiscard]] std::optional<Severity> worst() const;
};

/// How many findings of one code a report lists (docs/validation.md "Repeated findings").
inline constexpr std::size_t kListedFindingsPerCode = 10;

/// Keeps the first `perCode` findings of each code (in the report's order) and moves the
/// rest into `omitted` as one count per code, so a file with 100,000 unknown keys reports
/// ten of them and "… and 99,990 more" instead of 25 MB of findings. Totals are unchanged.
void capRepeatedFindings(ValidationReport& report, std::size_t perCode = kListedFindingsPerCode);

/// "… and 99,990 more unknown-key warnings (each code is listed at most 10 times per file)".
std::string describeOmitted(const OmittedFindings& omitted);

} // namespace llamascope
