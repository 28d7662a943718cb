#pragma once
// The designer's document: one config.json being edited as JSON (key order and unknown keys
// kept), validated by core after every change (loadConfigText: findings with pointers and
// line:column in the text shown in the Source tab) and analysed by core when valid.
//
// Edits go through SetFieldsCommand on the document's QUndoStack (Tiled's pattern): widgets
// call setField(), which pushes a command; only commands call applyChanges(). Undo/redo and
// the unsaved-changes state (QUndoStack's clean index) follow from that.

#include "llamascope/analysis.hpp"
#include "llamascope/validate.hpp"

#include <nlohmann/json.hpp>

#include <QObject>
#include <QString>
#include <QUndoCommand>

#include <optional>
#include <string>
#include <vector>

class QUndoStack;

namespace llamascope::gui {

using Json = nlohmann::ordered_json;

/// One key's change: absent value = remove the key (the default applies).
struct FieldChange {
    std::string key;
    std::optional<Json> before;
    std::optional<Json> after;
    int position = -1; ///< index of the key in the object when present before (restored on undo)
};

class DesignerDocument final : public QObject {
    Q_OBJECT
public:
    explicit DesignerDocument(QObject* parent = nullptr);
    ~DesignerDocument() override;

    [[nodiscard]] QUndoStack* undoStack() const { return undo_; }

    // ---- Loading (each resets the undo stack) -------------------------------------------
    /// A new, unsaved document from `config` in the modern canonical form (toHfJson).
    void newFromConfig(const ModelConfig& config);
    /// An unsaved copy of a bundled config, byte for byte ("llama_60m").
    bool newFromBundled(const QString& name);
    /// Opens a file. Returns false (and leaves the document unchanged) only when it cannot be
    /// read; a file with syntax errors opens read-only with its findings.
    bool openFile(const QString& path, QString* error = nullptr);

    // ---- Saving -----------------------------------------------------------------------------
    /// Writes the document atomically (writeFileAtomic). With no errors the text is core's
    /// toHfJsonText() of the validated config; otherwise the document as it stands.
    bool save(const QString& path, QString* error = nullptr);
    /// The text save() would write.
    [[nodiscard]] QString saveText() const;

    // ---- State ------------------------------------------------------------------------------
    [[nodiscard]] QString filePath() const { return path_; }
    /// File name for titles and Save As ("llama_60m.json", "untitled.json").
    [[nodiscard]] QString fileName() const;
    [[nodiscard]] bool isModified() const;
    /// False when the text cannot be represented in the form (syntax errors, duplicate keys,
    /// numbers out of range, a root that is not an object): the view shows it read-only.
    [[nodiscard]] bool isEditable() const { return editable_; }
    [[nodiscard]] const Json& root() const { return root_; }
    [[nodiscard]] std::optional<Json> value(const std::string& key) const;
    /// The JSON text that was validated (what the Source tab shows).
    [[nodiscard]] const QString& text() const { return text_; }
    /// Core's validation of text(): findings and, without errors, the config.
    [[nodiscard]] const LoadResult& result() const { return result_; }
    /// analyze() of the config, when it validated without errors.
    [[nodiscard]] const std::optional<Analysis>& analysis() const { return analysis_; }

    // ---- Editing ----------------------------------------------------------------------------
    /// Pushes a command setting (or, with nullopt, removing) `key`. No-op if unchanged or
    /// not editable. Consecutive edits of one key within one edit session merge into one undo
    /// step (typing in a field commits as it goes; the whole typing is one step).
    void setField(const std::string& key, const std::optional<Json>& value);
    /// Ends the current edit session: the next edit starts a new undo step even for the same
    /// key (a field's edit ended with Enter, Tab or focus leaving it).
    void endEditSession() { ++session_; }
    [[nodiscard]] int editSession() const { return session_; }
    /// The name Save As proposes for an unsaved document ("llama_500m.json"); no effect on a
    /// document that has a file.
    void setSuggestedName(const QString& fileName);
    /// Pushes one command for several keys (one undo step), e.g. applying a designed shape.
    void setFields(const std::vector<std::pair<std::string, std::optional<Json>>>& values,
                   const QString& description);
    /// Called by commands only: applies changes (undo: in reverse, restoring positions).
    void applyChanges(const std::vector<FieldChange>& changes, bool undo);

    /// Parses what a user typed for a JSON-typed field with core's strict parser: JSON when it
    /// parses cleanly, else the text as a JSON string; nullopt with `error` set for text core
    /// could never store (a number out of range, ...). Empty text means "remove the key".
    static std::optional<Json> parseFieldText(const QString& text, bool asString, QString* error,
                                              bool* remove);

signals:
    /// A new document was loaded (the form rebuilds).
    void reset();
    /// Keys changed by an edit, undo or redo.
    void fieldsChanged(const QStringList& keys);
    /// result() and analysis() are up to date.
    void validated();
    void modifiedChanged(bool modified);
    void filePathChanged(const QString& path);

private:
    void load(Json root, QString rawText, QString path, QString sourceName, bool editable);
    void revalidate();
    QString sourceName() const;

    QUndoStack* undo_;
    Json root_ = Json::object();
    QString path_;
    QString suggestedName_ = QStringLiteral("untitled.json");
    QString rawText_; ///< the file's text as loaded or last saved (validated while unedited)
    Json rawRoot_;    ///< rawText_ parsed: root_ equals it when the content is unedited
    QString text_;
    bool editable_ = true;
    int session_ = 0;
    LoadResult result_;
    std::optional<Analysis> analysis_;
};

/// Sets one or more fields; a single-field command merges with the next one for the same key.
class SetFieldsCommand final : public QUndoCommand {
public:
    SetFieldsCommand(DesignerDocument* document, std::vector<FieldChange> changes, const QString& text);
    void undo() override;
    void redo() override;
    [[nodiscard]] int id() const override;
    bool mergeWith(const QUndoCommand* other) override;

private:
    DesignerDocument* document_;
    std::vector<FieldChange> changes_;
    int session_ = 0;
};

/// "Set hidden_size to 832", "Remove head_dim".
QString describeChange(const std::string& key, const std::optional<Json>& value);

} // namespace llamascope::gui
