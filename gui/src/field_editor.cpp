#include "llamascope/gui/field_editor.hpp"

#include "llamascope/checked.hpp"
#include "llamascope/gui/designer_document.hpp"
#include "llamascope/rules.hpp"
#include "text.hpp"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QToolButton>

#include <charconv>

namespace llamascope::gui {
namespace {

/// How far one arrow press moves an integer field: widths and vocabularies move in the
/// multiples of 64 the validator's alignment note asks for, lengths by 256, counts by 1.
Count stepSize(const std::string& key)
{
    if (key == "hidden_size" || key == "intermediate_size" || key == "vocab_size")
        return 64;
    if (key == "max_position_embeddings" || key == "max_sequence_length" || key == "sliding_window")
        return 256;
    return 1;
}

std::optional<Count> parseInteger(const QString& text)
{
    const std::string s = text.trimmed().toStdString();
    Count v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || s.empty())
        return std::nullopt;
    return v;
}

QString placeholderFor(const FieldRule* rule, ModelType type)
{
    const std::string def = rule == nullptr ? std::string() : defaultText(*rule, type);
    if (def.empty())
        return QStringLiteral("absent");
    return QStringLiteral("default: %1").arg(qs(def));
}

} // namespace

void IntegerSpin::stepBy(int steps)
{
    if (onStep)
        onStep(steps);
}

QValidator::State IntegerSpin::validate(QString&, int&) const
{
    // Anything may be typed: the validator, not the widget, explains what is wrong.
    return QValidator::Acceptable;
}

QAbstractSpinBox::StepEnabled IntegerSpin::stepEnabled() const
{
    return StepUpEnabled | StepDownEnabled;
}

FieldEditor::FieldEditor(std::string key, const FieldRule* rule, QWidget* parent)
    : QWidget(parent), key_(std::move(key)), rule_(rule)
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    const FieldType type = rule_ == nullptr ? FieldType::Any : rule_->type;
    if (type == FieldType::Integer) {
        spin_ = new IntegerSpin(this);
        spin_->edit()->setPlaceholderText(placeholderFor(rule_, modelType_));
        spin_->onStep = [this](int steps) { step(steps); };
        spin_->setKeyboardTracking(false);
        connect(spin_, &QAbstractSpinBox::editingFinished, this, [this] { commitText(spin_->text()); });
        layout->addWidget(spin_, 1);
    } else if (type == FieldType::Boolean) {
        combo_ = new QComboBox(this);
        combo_->addItem(QStringLiteral("(absent — %1)").arg(placeholderFor(rule_, modelType_)));
        combo_->addItem(QStringLiteral("true"));
        combo_->addItem(QStringLiteral("false"));
        connect(combo_, &QComboBox::activated, this, [this](int i) {
            if (updating_)
                return;
            if (i == 0 && value_ && onEdited)
                onEdited(std::nullopt);
            else if ((i == 1 || i == 2) && onEdited && value_ != Json(i == 1))
                onEdited(Json(i == 1));
        });
        layout->addWidget(combo_, 1);
    } else if (type == FieldType::String && !rule_->allowed.empty()) {
        combo_ = new QComboBox(this);
        combo_->setEditable(true);
        combo_->setInsertPolicy(QComboBox::NoInsert);
        for (std::string_view a : rule_->allowed)
            combo_->addItem(qs(a));
        combo_->lineEdit()->setPlaceholderText(placeholderFor(rule_, modelType_));
        connect(combo_, &QComboBox::activated, this, [this](int) {
            if (!updating_)
                commitText(combo_->currentText());
        });
        connect(combo_->lineEdit(), &QLineEdit::editingFinished, this, [this] {
            if (!updating_)
                commitText(combo_->currentText());
        });
        layout->addWidget(combo_, 1);
    } else {
        line_ = new QLineEdit(this);
        line_->setPlaceholderText(placeholderFor(rule_, modelType_));
        connect(line_, &QLineEdit::editingFinished, this, [this] { commitText(line_->text()); });
        layout->addWidget(line_, 1);
    }
    clear_ = new QToolButton(this);
    clear_->setText(QStringLiteral("×"));
    clear_->setAutoRaise(true);
    clear_->setToolTip(QStringLiteral("Remove the key (its default applies)"));
    connect(clear_, &QToolButton::clicked, this, [this] {
        if (value_ && onEdited)
            onEdited(std::nullopt);
    });
    layout->addWidget(clear_);
    setFocusProxy(input());
}

QWidget* FieldEditor::input() const
{
    if (spin_ != nullptr)
        return spin_;
    if (combo_ != nullptr)
        return combo_;
    return line_;
}

bool FieldEditor::stringMode() const
{
    return rule_ != nullptr && rule_->type == FieldType::String;
}

void FieldEditor::setValue(const std::optional<Json>& value)
{
    updating_ = true;
    value_ = value;
    setInputError({});
    // Strings in a JSON-typed field keep their quotes, so "768" reads as the string it is.
    const QString json = value ? qs(value->dump()) : QString();
    if (spin_ != nullptr) {
        if (spin_->text() != json)
            spin_->edit()->setText(json);
    } else if (line_ != nullptr) {
        const QString text =
            value && value->is_string() && stringMode() ? qs(value->get<std::string>()) : json;
        if (line_->text() != text)
            line_->setText(text);
        line_->setCursorPosition(0);
    } else if (combo_ != nullptr && rule_ != nullptr && rule_->type == FieldType::Boolean) {
        while (combo_->count() > 3)
            combo_->removeItem(3);
        if (!value)
            combo_->setCurrentIndex(0);
        else if (value->is_boolean())
            combo_->setCurrentIndex(value->get<bool>() ? 1 : 2);
        else {
            combo_->addItem(json);
            combo_->setCurrentIndex(3);
        }
    } else if (combo_ != nullptr) {
        const QString text = value && value->is_string() ? qs(value->get<std::string>()) : json;
        const int i = combo_->findText(text);
        if (!value)
            combo_->setCurrentIndex(-1);
        else if (i >= 0)
            combo_->setCurrentIndex(i);
        combo_->setEditText(text);
    }
    clear_->setEnabled(value.has_value());
    updating_ = false;
}

void FieldEditor::setInputError(const QString& message)
{
    QWidget* w = input();
    if (message.isEmpty()) {
        w->setStyleSheet(QString());
        w->setToolTip(rule_ != nullptr ? qs(rule_->description) : QString());
    } else {
        w->setStyleSheet(QStringLiteral("border: 1px solid #c82828;"));
        w->setToolTip(message);
    }
}

void FieldEditor::commitText(const QString& text)
{
    if (updating_ || !onEdited)
        return;
    QString error;
    bool remove = false;
    const std::optional<Json> v = DesignerDocument::parseFieldText(text, stringMode(), &error, &remove);
    if (remove) {
        if (value_)
            onEdited(std::nullopt);
        return;
    }
    if (!v) {
        setInputError(error);
        return;
    }
    if (v != value_)
        onEdited(v);
}

void FieldEditor::step(int steps)
{
    if (!onEdited)
        return;
    const QString text = spin_ != nullptr ? spin_->text() : QString();
    std::optional<Count> current = parseInteger(text);
    if (!current) {
        // Absent: start from the rule's default when it is a number.
        if (!text.trimmed().isEmpty() || rule_ == nullptr)
            return;
        current = parseInteger(qs(defaultText(*rule_, modelType_)));
        if (!current)
            return;
    }
    Count next = 0;
    try {
        next = addChecked(*current, mulChecked(static_cast<Count>(steps), stepSize(key_)));
    } catch (const CountOverflow&) {
        return;
    }
    if (rule_ != nullptr && rule_->minInt && next < *rule_->minInt)
        next = *rule_->minInt;
    if (Json(next) != value_)
        onEdited(Json(next));
}

} // namespace llamascope::gui
