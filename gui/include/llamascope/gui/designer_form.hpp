#pragma once
// The designer's field form: one editor per config key core knows (configFieldRules(): type,
// default and description drive the editor), grouped by purpose, for the family the document
// names (model_type picks which keys show and whose defaults the placeholders give), each
// finding beside the field its JSON pointer names. Edits go to the document as commands; a
// field being typed in is committed after a short pause, so findings and metrics follow the
// text as it is typed.

#include "llamascope/config.hpp"

#include <nlohmann/json.hpp>

#include <QWidget>

#include <map>
#include <optional>
#include <string>

class QGridLayout;
class QGroupBox;
class QLabel;
class QScrollArea;
class QSettings;
class QVBoxLayout;

namespace llamascope::gui {

class DesignerDocument;
class FieldEditor;

class DesignerForm final : public QWidget {
    Q_OBJECT
public:
    explicit DesignerForm(DesignerDocument* document, QWidget* parent = nullptr);

    [[nodiscard]] FieldEditor* editor(const std::string& key) const;
    /// Plain text of the findings shown beside `key` (empty: none, or the row is hidden).
    [[nodiscard]] QString fieldFindings(const std::string& key) const;
    /// True when the row of `key` is shown (keys the family does not read are hidden unless
    /// the file has them).
    [[nodiscard]] bool rowShown(const std::string& key) const;
    /// The family whose keys and defaults the form shows (the document's model_type).
    [[nodiscard]] ModelType modelType() const { return modelType_; }
    /// Findings whose pointer names no field of the form (shown above the form).
    [[nodiscard]] QStringList generalFindings() const { return general_; }

    /// Scrolls to, focuses and briefly highlights the editor of the key `pointer` names;
    /// false when no editor shows that key.
    bool focusField(const QString& pointer);

    void saveSettings(QSettings& s) const;
    void restoreSettings(const QSettings& s);

signals:
    /// The general findings changed (the view shows them in a banner).
    void generalFindingsChanged(const QStringList& html);

private:
    struct Row {
        FieldEditor* editor = nullptr;
        QLabel* label = nullptr;
        QLabel* description = nullptr;
        QLabel* findings = nullptr;
        QGroupBox* group = nullptr;
        bool known = true; ///< a key core knows (else an unknown key of this file)
    };

    void buildForm();
    void addRow(QGridLayout* grid, const std::string& key, const QString& description, QGroupBox* group);
    void rebuildUnknownKeys();
    void refreshFields(const QStringList& keys);
    void refreshFindings();
    /// Shows the rows the current family reads (and any key the file has), with that
    /// family's defaults as placeholders.
    void applyModelType();
    void setRowVisible(Row& row, bool visible);
    /// model_type edits also switch architectures to the new family's class.
    void setModelTypeField(const std::optional<nlohmann::ordered_json>& value);

    DesignerDocument* document_;
    QScrollArea* scroll_;
    QWidget* form_;
    QVBoxLayout* formLayout_;
    QGroupBox* unknownGroup_ = nullptr;
    QGridLayout* unknownGrid_ = nullptr;
    QGroupBox* genericGroup_ = nullptr;
    QLabel* familyNote_ = nullptr;
    std::map<std::string, Row> rows_;
    std::map<QGroupBox*, int> groupRows_;
    ModelType modelType_ = ModelType::Llama;
    QStringList general_;
};

} // namespace llamascope::gui
