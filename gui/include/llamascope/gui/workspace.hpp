#pragma once
// The set of configs the app has open: the bundled family and the files or folders the user
// opened or dropped. Every source is loaded and validated by core (loadConfigFile /
// loadBundledFamily); the compare table, the charts and the validate view are all views of
// this one list. Opened files are watched and re-validated when they change on disk.

#include "llamascope/validate.hpp"

#include <QObject>
#include <QString>
#include <QStringList>

#include <filesystem>
#include <vector>

class QFileSystemWatcher;

namespace llamascope::gui {

/// QString path -> filesystem path without a lossy 8-bit round trip.
std::filesystem::path toFsPath(const QString& path);

struct ConfigSource {
    QString path;         ///< absolute file path; empty for a bundled config
    QString label;        ///< what lists show: the file stem, or the bundled name
    bool bundled = false; ///< compiled-in family member
    LoadResult result;    ///< findings (with line:column) and the config when there are no errors
    QString ioError;      ///< set when the file could not be read at all (then result is empty)

    /// True when there is a config to analyse (no errors, readable).
    [[nodiscard]] bool usable() const { return ioError.isEmpty() && result.config.has_value(); }
};

/// What open() did, for the status bar.
struct OpenSummary {
    int added = 0;      ///< new sources
    int reloaded = 0;   ///< already open, read again
    int withErrors = 0; ///< of the above, how many have error findings (not in Compare)
    int unreadable = 0; ///< I/O errors
    QStringList files;  ///< absolute paths of every file handled, in order
    [[nodiscard]] QString describe() const;
};

/// How the open sources fare, with the published family's known quirks counted apart.
struct SourceCounts {
    int total = 0;
    int usable = 0;       ///< with a config to analyse (the rows of Compare)
    int withErrors = 0;   ///< errors, or unreadable
    int withWarnings = 0; ///< warnings that are not all known quirks
    int quirksOnly = 0;   ///< warnings, all known quirks of the published family (Finding::knownQuirk)
    int clean = 0;        ///< no findings, or notes only
    int quirkFindings = 0;
};

class Workspace final : public QObject {
    Q_OBJECT
public:
    explicit Workspace(QObject* parent = nullptr);

    /// Adds the sixteen bundled configs (no-op for those already present).
    void addBundledFamily();
    /// Removes every bundled config.
    void removeBundledFamily();
    [[nodiscard]] bool hasBundledFamily() const;

    /// Opens files and folders (a folder contributes every *.json directly inside it, sorted
    /// by name). A path already open is read again. Emits changed() once.
    OpenSummary open(const QStringList& paths);

    void remove(int index);
    void clear();

    /// Re-reads every file source (bundled configs are immutable).
    void reloadAll();

    [[nodiscard]] const std::vector<ConfigSource>& sources() const { return sources_; }
    [[nodiscard]] SourceCounts counts() const;
    /// For the status bar: "16 configs · 48 known quirks of the published family".
    [[nodiscard]] QString countsText() const;
    [[nodiscard]] int indexOfPath(const QString& absolutePath) const;

    /// Watching re-validates an open file when it changes on disk (default on).
    void setWatching(bool on);
    [[nodiscard]] bool watching() const { return watching_; }

    /// Expands folders to their *.json files (sorted); files pass through. Absolute paths.
    static QStringList expandPaths(const QStringList& paths);
    /// Loads one file through core; never throws (I/O problems land in ioError).
    static ConfigSource loadFile(const QString& absolutePath);

signals:
    /// The list or any source's content changed.
    void changed();

private:
    void onFileChanged(const QString& path);
    void rewatch();
    /// Gives sources that share a name the name of their folder too.
    void relabel();

    std::vector<ConfigSource> sources_;
    QFileSystemWatcher* watcher_ = nullptr;
    bool watching_ = true;
};

} // namespace llamascope::gui
