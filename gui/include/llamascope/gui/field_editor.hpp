#pragma once
// One editor per config key, chosen by core's FieldRule type: an integer spin box (any int64,
// arrows step by a sensible amount), a JSON line for numbers, token ids, arrays and objects,
// a combo box for enumerated strings and booleans, a text line for free strings. Editors never
// change the document: they report what the user committed through onEdited, and the designer
// turns that into an undoable command.

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

    /// The user committed a value (nullopt: remove the key).
    std::function<void(const std::optional<Json>&)> onEdited;

private:
    void commitText(const QString& text);
    void step(int steps);
    [[nodiscard]] bool stringMode() const;

    std::string key_;
    const FieldRule* rule_;
    ModelType modelType_ = ModelType::Llama; ///< whose defaults the placeholder shows
    IntegerSpin* spin_ = nullptr;
    QLineEdit* line_ = nullptr;
    QComboBox* combo_ = nullptr;
    QToolButton* clear_ = nullptr;
    std::optional<Json> value_;
    bool updating_ = false;
};

} // namespace llamascope::gui
