#include "llamascope/gui/findings_model.hpp"

#include "llamascope/format.hpp"
#include "llamascope/gui/workspace.hpp"
#include "widgets.hpp"

#include <QBrush>
#include <QColor>
#include <QFont>

namespace llamascope::gui {
namespace {

// Top-level rows carry internal id 0; a finding row carries its source row + 1.
constexpr quintptr kTopLevel = 0;

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

QString summaryOf(const ValidationReport& r)
{
    const std::size_t e = r.count(Severity::Error), w = r.count(Severity::Warning),
                      n = r.count(Severity::Note);
    if (e + w + n == 0)
        return QStringLiteral("clean");
    QStringList parts;
    if (e > 0)
        parts << qs(plural(static_cast<std::int64_t>(e), "error"));
    const std::size_t quirks = r.countKnownQuirks(Severity::Warning);
    if (w > 0 && quirks == w)
        parts << qs(plural(static_cast<std::int64_t>(w), "warning")) + QStringLiteral(" (known quirks)");
    else if (w > 0)
        parts << qs(plural(static_cast<std::int64_t>(w), "warning")) +
                     (quirks > 0 ? QStringLiteral(" (%1 known quirks)").arg(quirks) : QString());
    if (n > 0)
        parts << qs(plural(static_cast<std::int64_t>(n), "note"));
    return parts.join(QStringLiteral(", "));
}

} // namespace

QColor severityColor(Severity s)
{
    switch (s) {
    case Severity::Error: return {200, 40, 40};
    case Severity::Warning: return {196, 120, 0};
    case Severity::Note: return {40, 100, 190};
    }
    return {};
}

FindingsModel::FindingsModel(QObject* parent) : QAbstractItemModel(parent)
{
}

void FindingsModel::setWorkspace(const Workspace* workspace)
{
    beginResetModel();
    if (workspace_ != nullptr)
        disconnect(workspace_, nullptr, this, nullptr);
    workspace_ = workspace;
    if (workspace_ != nullptr)
        connect(workspace_, &Workspace::changed, this, [this] {
            beginResetModel();
            endResetModel();
        });
    endResetModel();
}

const ConfigSource* FindingsModel::source(int row) const
{
    if (workspace_ == nullptr || row < 0 || row >= static_cast<int>(workspace_->sources().size()))
        return nullptr;
    return &workspace_->sources()[static_cast<std::size_t>(row)];
}

QModelIndex FindingsModel::index(int row, int column, const QModelIndex& parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, kTopLevel);
    if (parent.internalId() != kTopLevel)
        return {};
    return createIndex(row, column, static_cast<quintptr>(parent.row()) + 1);
}

QModelIndex FindingsModel::parent(const QModelIndex& child) const
{
    if (!child.isValid() || child.internalId() == kTopLevel)
        return {};
    return createIndex(static_cast<int>(child.internalId() - 1), 0, kTopLevel);
}

int FindingsModel::rowCount(const QModelIndex& parent) const
{
    if (workspace_ == nullptr)
        return 0;
    if (!parent.isValid())
        return static_cast<int>(workspace_->sources().size());
    if (parent.internalId() != kTopLevel || parent.column() != 0)
        return 0;
    const ConfigSource* s = source(parent.row());
    return s == nullptr ? 0
                        : static_cast<int>(s->result.report.findings.size()) + (s->ioError.isEmpty() ? 0 : 1);
}

int FindingsModel::columnCount(const QModelIndex&) const
{
    return 6;
}

QVariant FindingsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case SeverityColumn: return QStringLiteral("File / severity");
    case CodeColumn: return QStringLiteral("Code");
    case PointerColumn: return QStringLiteral("Pointer");
    case PositionColumn: return QStringLiteral("Line:col");
    case MessageColumn: return QStringLiteral("Message");
    case HintColumn: return QStringLiteral("Hint");
    default: return {};
    }
}

QVariant FindingsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    if (index.internalId() == kTopLevel)
        return sourceData(index.row(), index.column(), role);
    return findingData(static_cast<int>(index.internalId() - 1), index.row(), index.column(), role);
}

QVariant FindingsModel::sourceData(int row, int column, int role) const
{
    const ConfigSource* s = source(row);
    if (s == nullptr)
        return {};
    const ValidationReport& r = s->result.report;
    const auto worst = r.worst();
    switch (role) {
    case Qt::DisplayRole:
        if (column == SeverityColumn)
            return s->bundled ? s->label + QStringLiteral("  (bundled)") : s->label;
        if (column == MessageColumn)
            return s->ioError.isEmpty() ? summaryOf(r) : QStringLiteral("cannot be read");
        return {};
    case Qt::ToolTipRole: return s->bundled ? QStringLiteral("Bundled config %1").arg(s->label) : s->path;
    case Qt::FontRole: {
        if (column != SeverityColumn)
            return {};
        QFont f;
        f.setBold(true);
        return f;
    }
    case Qt::ForegroundRole:
        if (column == MessageColumn && s->ioError.isEmpty() && worst && !r.worstUnexplained())
            return QBrush(QColor(110, 110, 110)); // only known quirks
        if (column == MessageColumn && (worst || !s->ioError.isEmpty()))
            return QBrush(severityColor(s->ioError.isEmpty() ? *r.worstUnexplained() : Severity::Error));
        if (column == MessageColumn)
            return QBrush(QColor(30, 130, 60));
        return {};
    case PathRole: return s->path;
    case SourceLabelRole: return s->label;
    case SeverityRole: {
        // Known quirks do not count: a file with nothing else is not "a file with warnings".
        const auto unexplained = r.worstUnexplained();
        return !s->ioError.isEmpty() ? static_cast<int>(Severity::Error)
               : unexplained         ? static_cast<int>(*unexplained)
                                     : -1;
    }
    case IsFindingRole:
    case KnownQuirkRole: return false;
    case SourceRowRole: return row;
    case PointerRole: return QString();
    case LineRole:
    case ColumnRole: return 0;
    default: return {};
    }
}

QVariant FindingsModel::findingData(int sourceRow, int row, int column, int role) const
{
    const ConfigSource* s = source(sourceRow);
    if (s == nullptr)
        return {};
    const auto& findings = s->result.report.findings;
    if (row >= static_cast<int>(findings.size())) {
        // The I/O error row.
        if (role == Qt::DisplayRole) {
            if (column == SeverityColumn)
                return QStringLiteral("error");
            if (column == CodeColumn)
                return QStringLiteral("io-error");
            if (column == MessageColumn)
                return s->ioError;
        }
        if (role == Qt::ForegroundRole && column == SeverityColumn)
            return QBrush(severityColor(Severity::Error));
        if (role == IsFindingRole)
            return true;
        if (role == SeverityRole)
            return static_cast<int>(Severity::Error);
        if (role == PathRole)
            return s->path;
        if (role == SourceRowRole)
            return sourceRow;
        return {};
    }
    const Finding& f = findings[static_cast<std::size_t>(row)];
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case SeverityColumn: return qs(std::string(toString(f.severity())));
        case CodeColumn:
            return f.knownQuirk ? qs(std::string(toString(f.code))) + QStringLiteral(" (known quirk)")
                                : qs(std::string(toString(f.code)));
        case PointerColumn: return f.pointer.empty() ? QStringLiteral("(root)") : qs(f.pointer);
        case PositionColumn:
            return f.pos.known() ? QStringLiteral("%1:%2").arg(f.pos.line).arg(f.pos.column)
                                 : QStringLiteral("—");
        case MessageColumn: return qs(f.message);
        case HintColumn: return qs(f.hint);
        default: return {};
        }
    case Qt::ToolTipRole:
        if (column == PointerColumn) // the full pointer, however long (the cell elides it)
            return f.pointer.empty() ? QStringLiteral("(root)") : qs(f.pointer);
        return QStringLiteral("<b>%1</b> %2<br>%3<br><i>%4</i>%5")
            .arg(qs(std::string(toString(f.severity()))), qs(std::string(toString(f.code))).toHtmlEscaped(),
                 qs(f.message).toHtmlEscaped(), qs(f.hint).toHtmlEscaped(),
                 f.knownQuirk
                     ? QStringLiteral("<br>A known quirk of the published family, kept as published.")
                     : QString());
    case Qt::ForegroundRole:
        if (f.knownQuirk)
            return QBrush(QColor(120, 120, 120));
        if (column == SeverityColumn)
            return QBrush(severityColor(f.severity()));
        return {};
    case Qt::FontRole:
        if (column == PointerColumn || column == CodeColumn || column == PositionColumn) {
            QFont mono = monospaceFont();
            return mono;
        }
        return {};
    case PointerRole: return qs(f.pointer);
    case PathRole: return s->path;
    case SourceLabelRole: return s->label;
    case LineRole: return f.pos.line;
    case ColumnRole: return f.pos.column;
    case SeverityRole: return static_cast<int>(f.severity());
    case IsFindingRole: return true;
    case KnownQuirkRole: return f.knownQuirk;
    case SourceRowRole: return sourceRow;
    default: return {};
    }
}

std::vector<ValidationReport> FindingsModel::reports() const
{
    std::vector<ValidationReport> out;
    if (workspace_ == nullptr)
        return out;
    for (const ConfigSource& s : workspace_->sources()) {
        ValidationReport r = s.result.report;
        if (!s.ioError.isEmpty())
            r.findings.push_back({FindingCode::IoError, "", s.ioError.toStdString(), "", {}});
        out.push_back(std::move(r));
    }
    return out;
}

FindingsFilter::FindingsFilter(QObject* parent) : QSortFilterProxyModel(parent)
{
    setRecursiveFilteringEnabled(false);
}

void FindingsFilter::setMinimumSeverity(Severity s)
{
    minimum_ = s;
    invalidateFilter();
}

bool FindingsFilter::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (!sourceParent.isValid())
        return true;
    const QModelIndex i = sourceModel()->index(sourceRow, 0, sourceParent);
    return i.data(FindingsModel::SeverityRole).toInt() >= static_cast<int>(minimum_);
}

} // namespace llamascope::gui
