#pragma once
// One editor per config key, chosen by core's FieldRule type: an integer spin box (any int64,
// arrows step by a sensible amount), a JSON line for numbers, token ids, arrays and objects,
// a combo box for enumerated strings and booleans, a text line for free strings. Editors never
// change the document: they report what the user typed through onEdited — after a short
// pause while typing (live validation), and at once on Enter, Tab or leaving the field, which
// also calls onEditFinished — and the designer turns that into an undoable command.
// Undo/redo keys pressed in a field go to the document's undo stack, not the line edit's.

#include "llamascope/config.hpp"

#include <nlohmann/json.hpp>

#include <QAbstractSpinBox>
#include <QWidget>

#include <functional>
#include <optional>
#include <string>

class QComboBox;
class QLineEdit;
class QToolButton;

namespace llamascope {
struct FieldRule;
}

namespace llamascope::gui {

using Json = nlohmann::ordered_json;

/// A spin box over text: up/down ask onStep; the text itself may be anything (the validator
/// explains what is wrong with "768.5" or "\"768\"").
class IntegerSpin final : public QAbstractSpinBox {
    Q_OBJECT
public:
    explicit IntegerSpin(QWidget* parent = nullptr) : QAbstractSpinBox(parent) {}
    std::function<void(int steps)> onStep;
    void stepBy(int steps) override;
    [[nodiscard]] QLineEdit* edit() const { return lineEdit(); }
    [[nodiscard]] QValidator::State validate(QString& input, int& pos) const override;

protected:
    [[nodiscard]] StepEnabled stepEnabled() const override;
};

class FieldEditor final : public QWidget {
    Q_OBJECT
public:
    /// `rule` may be null for keys core does not know (edited as JSON).
    FieldEditor(std::string key, const FieldRule* rule, QWidget* parent = nullptr);

    [[nodiscard]] const std::string& key() const { return key_; }
    /// Shows `value` (nullopt: the key is absent and its default applies). Never emits.
    void setValue(const std::optional<Json>& value);
    /// Shows an input problem core could not even store (e.g. 1e400) beside the editor.
    void setInputError(const QString& message);
    /// The widget that takes keyboard focus.
    [[nodiscard]] QWidget* input() const;
    /// The text shown in the editor right now.
    [[nodiscard]] QString text() const;
    /// Whose defaults the placeholder shows (the document's model_type).
    void setModelType(ModelType type);

    /// The user committed a value (nullopt: remove the key).
    std::function<void(const std::optional<Json>&)> onEdited;
    /// The edit ended (Enter, Tab, focus left): later edits are a new undo step.
    std::function<void()> onEditFinished;

    /// How long typing pauses before the text is committed (live validation).
    static constexpr int kLiveDelayMs = 350;

    /// Commits typed text that is still waiting for the pause (e.g. before an undo).
    void flushPending();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    /// Live commits (typing paused) never remove the key: an emptied field is being retyped.
    void commitText(const QString& text, bool live = false);
    void finish();
    void textTyped();
    void updatePlaceholder();
    void step(int steps);
    [[nodiscard]] bool stringMode() const;

    std::string key_;
    const FieldRule* rule_;
    ModelType modelType_ = ModelType::Llama; ///< whose defaults the placeholder shows
    IntegerSpin* spin_ = nullptr;
    QLineEdit* line_ = nullptr;
    QComboBox* combo_ = nullptr;
    QToolButton* clear_ = nullptr;
    class QTimer* live_ = nullptr;
    std::optional<Json> value_;
    bool updating_ = false;
};

} // namespace llamascope::gui
