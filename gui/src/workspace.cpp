#include "llamascope/gui/workspace.hpp"

#include "llamascope/bundled.hpp"
#include "llamascope/errors.hpp"
#include "llamascope/format.hpp"
#include "llamascope/sources.hpp"

#include <QDir>
#include <QFileInfo>
#include <QFileSystemWatcher>

#include <exception>
#include <map>

namespace llamascope::gui {

std::filesystem::path toFsPath(const QString& path)
{
    return std::filesystem::path(path.toStdU16String());
}

QString OpenSummary::describe() const
{
    QStringList parts;
    if (added > 0)
        parts << QStringLiteral("Opened %1").arg(QString::fromStdString(plural(added, "file")));
    if (reloaded > 0)
        parts << QStringLiteral("reloaded %1").arg(reloaded);
    if (withErrors > 0)
        parts << QStringLiteral("%1 with errors (see Validate)").arg(withErrors);
    if (unreadable > 0)
        parts << QStringLiteral("%1 unreadable").arg(unreadable);
    if (parts.isEmpty())
        return QStringLiteral("No config files found");
    return parts.join(QStringLiteral(", "));
}

Workspace::Workspace(QObject* parent) : QObject(parent), watcher_(new QFileSystemWatcher(this))
{
    connect(watcher_, &QFileSystemWatcher::fileChanged, this, &Workspace::onFileChanged);
}

SourceCounts Workspace::counts() const
{
    SourceCounts c;
    for (const ConfigSource& s : sources_) {
        ++c.total;
        c.usable += s.usable() ? 1 : 0;
        const ValidationReport& r = s.result.report;
        c.quirkFindings +=
            static_cast<int>(r.countKnownQuirks(Severity::Warning) + r.countKnownQuirks(Severity::Note));
        const auto worst = r.worst();
        const auto unexplained = r.worstUnexplained();
        if (!s.ioError.isEmpty() || (worst && *worst == Severity::Error))
            ++c.withErrors;
        else if (unexplained && *unexplained == Severity::Warning)
            ++c.withWarnings;
        else if (worst && *worst == Severity::Warning)
            ++c.quirksOnly;
        else
            ++c.clean;
    }
    return c;
}

QString Workspace::countsText() const
{
    const SourceCounts c = counts();
    QStringList parts;
    parts << QString::fromStdString(plural(c.usable, "config"));
    if (c.withErrors > 0)
        parts << QStringLiteral("%1 with errors").arg(c.withErrors);
    if (c.withWarnings > 0)
        parts << QStringLiteral("%1 with warnings").arg(c.withWarnings);
    if (c.quirkFindings > 0)
        parts << QStringLiteral("%1 known %2 of the published family")
                     .arg(c.quirkFindings)
                     .arg(c.quirkFindings == 1 ? QStringLiteral("quirk") : QStringLiteral("quirks"));
    return parts.join(QStringLiteral(" · "));
}

void Workspace::addBundledFamily()
{
    if (hasBundledFamily())
        return;
    std::vector<ConfigSource> bundled;
    for (LoadResult& r : loadBundledFamily()) {
        ConfigSource s;
        s.bundled = true;
        s.label = QString::fromStdString(sourceStem(r.report.source));
        s.result = std::move(r);
        bundled.push_back(std::move(s));
    }
    // The family first, then whatever the user opened.
    sources_.insert(sources_.begin(), std::make_move_iterator(bundled.begin()),
                    std::make_move_iterator(bundled.end()));
    relabel();
    emit changed();
}

void Workspace::removeBundledFamily()
{
    std::erase_if(sources_, [](const ConfigSource& s) { return s.bundled; });
    relabel();
    emit changed();
}

bool Workspace::hasBundledFamily() const
{
    for (const ConfigSource& s : sources_)
        if (s.bundled)
            return true;
    return false;
}

QStringList Workspace::expandPaths(const QStringList& paths)
{
    // Core decides what a folder holds (snapshot folders are one model; companion files
    // are skipped); a path it cannot resolve is kept so loadFile() reports why.
    QStringList files;
    for (const QString& p : paths) {
        try {
            for (const ModelSource& m :
                 findModels({toFsPath(QFileInfo(p).absoluteFilePath()).string()}).models)
                if (!m.bundled())
                    files << QFileInfo(QString::fromStdString(m.configPath.string())).absoluteFilePath();
        } catch (const std::exception&) {
            files << QFileInfo(p).absoluteFilePath();
        }
    }
    files.removeDuplicates();
    return files;
}

ConfigSource Workspace::loadFile(const QString& absolutePath)
{
    ConfigSource s;
    s.path = absolutePath;
    s.label = QString::fromStdString(modelName(toFsPath(absolutePath)));
    try {
        s.result = loadConfigFile(toFsPath(absolutePath));
        if (s.result.config)
            s.result.config->name = s.label.toStdString();
        // Findings name the file as the user gave it; keep the absolute path for display.
        s.result.report.source = absolutePath.toStdString();
    } catch (const std::exception& e) {
        s.ioError = QString::fromUtf8(e.what());
        s.result.report.source = absolutePath.toStdString();
    }
    return s;
}

void Workspace::relabel()
{
    // Two sources with one name (configs/llama_60m.json next to the bundled llama_60m, two
    // snapshot folders called "model"): the opened ones say which folder they are from, so
    // every row, chart label and Forward choice names one config.
    std::map<QString, int> counts;
    for (ConfigSource& s : sources_) {
        if (!s.bundled) {
            s.label = QString::fromStdString(modelName(toFsPath(s.path)));
            if (s.result.config)
                s.result.config->name = s.label.toStdString();
        }
        ++counts[s.label];
    }
    for (ConfigSource& s : sources_) {
        if (s.bundled || counts[s.label] < 2)
            continue;
        const QString folder = QFileInfo(QFileInfo(s.path).absolutePath()).fileName();
        s.label = QStringLiteral("%1 (%2/)").arg(s.label, folder);
        if (s.result.config)
            s.result.config->name = s.label.toStdString();
    }
}

OpenSummary Workspace::open(const QStringList& paths)
{
    OpenSummary summary;
    summary.files = expandPaths(paths);
    for (const QString& file : summary.files) {
        ConfigSource s = loadFile(file);
        if (!s.ioError.isEmpty())
            ++summary.unreadable;
        else if (s.result.report.hasErrors())
            ++summary.withErrors;
        const int existing = indexOfPath(file);
        if (existing >= 0) {
            sources_[static_cast<std::size_t>(existing)] = std::move(s);
            ++summary.reloaded;
        } else {
            sources_.push_back(std::move(s));
            ++summary.added;
        }
    }
    relabel();
    rewatch();
    if (!summary.files.isEmpty())
        emit changed();
    return summary;
}

void Workspace::remove(int index)
{
    if (index < 0 || index >= static_cast<int>(sources_.size()))
        return;
    sources_.erase(sources_.begin() + index);
    rewatch();
    emit changed();
}

void Workspace::clear()
{
    sources_.clear();
    rewatch();
    emit changed();
}

void Workspace::reloadAll()
{
    for (ConfigSource& s : sources_)
        if (!s.bundled)
            s = loadFile(s.path);
    relabel();
    rewatch();
    emit changed();
}

int Workspace::indexOfPath(const QString& absolutePath) const
{
    for (std::size_t i = 0; i < sources_.size(); ++i)
        if (!sources_[i].bundled && sources_[i].path == absolutePath)
            return static_cast<int>(i);
    return -1;
}

void Workspace::setWatching(bool on)
{
    watching_ = on;
    rewatch();
}

void Workspace::rewatch()
{
    const QStringList old = watcher_->files();
    if (!old.isEmpty())
        watcher_->removePaths(old);
    if (!watching_)
        return;
    QStringList files;
    for (const ConfigSource& s : sources_)
        if (!s.bundled && QFileInfo::exists(s.path))
            files << s.path;
    if (!files.isEmpty())
        watcher_->addPaths(files);
}

void Workspace::onFileChanged(const QString& path)
{
    const int i = indexOfPath(path);
    if (i < 0)
        return;
    // Editors that save by rename drop the watch; rewatch() picks the new file up.
    sources_[static_cast<std::size_t>(i)] = loadFile(path);
    relabel();
    rewatch();
    emit changed();
}

} // namespace llamascope::gui
