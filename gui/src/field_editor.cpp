#include "llamascope/gui/field_editor.hpp"

#include "llamascope/checked.hpp"
#include "llamascope/gui/designer_document.hpp"
#include "llamascope/model_types.hpp"
#include "llamascope/rules.hpp"
#include "text.hpp"

#include <QComboBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QKeySequence>
#include <QLineEdit>
#include <QTimer>
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
    : QWidget(parent), key_(std::move(key)), rule_(rule), live_(new QTimer(this))
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    live_->setSingleShot(true);
    live_->setInterval(kLiveDelayMs);
    connect(live_, &QTimer::timeout, this, [this] { commitText(text(), true); });
    const FieldType type = rule_ == nullptr ? FieldType::Any : rule_->type;
    QLineEdit* typed = nullptr; // the line the user types into, for live commits
    if (type == FieldType::Integer) {
        spin_ = new IntegerSpin(this);
        spin_->onStep = [this](int steps) { step(steps); };
        spin_->setKeyboardTracking(false);
        connect(spin_, &QAbstractSpinBox::editingFinished, this, [this] {
            live_->stop();
            commitText(spin_->text());
            finish();
        });
        typed = spin_->edit();
        layout->addWidget(spin_, 1);
    } else if (type == FieldType::Boolean) {
        combo_ = new QComboBox(this);
        combo_->addItem(QString());
        combo_->addItem(QStringLiteral("true"));
        combo_->addItem(QStringLiteral("false"));
        connect(combo_, &QComboBox::activated, this, [this](int i) {
            if (updating_)
                return;
            if (i == 0 && value_ && onEdited)
                onEdited(std::nullopt);
            else if ((i == 1 || i == 2) && onEdited && value_ != Json(i == 1))
                onEdited(Json(i == 1));
            finish();
        });
        layout->addWidget(combo_, 1);
    } else if (type == FieldType::String && !rule_->allowed.empty()) {
        combo_ = new QComboBox(this);
        combo_->setEditable(true);
        combo_->setInsertPolicy(QComboBox::NoInsert);
        for (std::string_view a : rule_->allowed)
            combo_->addItem(qs(a));
        if (key_ == "model_type") {
            // The families, from core's table: what each one is, shown as the item's tooltip.
            for (const ModelTypeInfo& info : modelTypeInfos()) {
                const int i = combo_->findText(qs(info.key));
                if (i >= 0)
                    combo_->setItemData(
                        i,
                        QStringLiteral("%1 (%2): %3; e.g. %4")
                            .arg(qs(info.title), qs(info.causalLmClass), qs(info.traits), qs(info.examples)),
                        Qt::ToolTipRole);
            }
        }
        connect(combo_, &QComboBox::activated, this, [this](int) {
            if (updating_)
                return;
            live_->stop();
            commitText(combo_->currentText());
            finish();
        });
        connect(combo_->lineEdit(), &QLineEdit::editingFinished, this, [this] {
            if (updating_)
                return;
            live_->stop();
            commitText(combo_->currentText());
            finish();
        });
        typed = combo_->lineEdit();
        layout->addWidget(combo_, 1);
    } else {
        line_ = new QLineEdit(this);
        connect(line_, &QLineEdit::editingFinished, this, [this] {
            live_->stop();
            commitText(line_->text());
            finish();
        });
        typed = line_;
        layout->addWidget(line_, 1);
    }
    if (typed != nullptr) {
        connect(typed, &QLineEdit::textEdited, this, &FieldEditor::textTyped);
        typed->installEventFilter(this);
    }
    input()->installEventFilter(this);
    updatePlaceholder();
    clear_ = new QToolButton(this);
    clear_->setText(QStringLiteral("×"));
    clear_->setAutoRaise(true);
    clear_->setToolTip(QStringLiteral("Remove the key (its default applies)"));
    connect(clear_, &QToolButton::clicked, this, [this] {
        live_->stop();
        if (value_ && onEdited)
            onEdited(std::nullopt);
        finish();
    });
    layout->addWidget(clear_);
    setFocusProxy(input());
}

void FieldEditor::setModelType(ModelType type)
{
    if (type == modelType_)
        return;
    modelType_ = type;
    updatePlaceholder();
    setInputError({}); // the tooltip names this family's default
}

void FieldEditor::updatePlaceholder()
{
    const QString placeholder = placeholderFor(rule_, modelType_);
    if (spin_ != nullptr)
        spin_->edit()->setPlaceholderText(placeholder);
    else if (line_ != nullptr)
        line_->setPlaceholderText(placeholder);
    else if (combo_ != nullptr && rule_ != nullptr && rule_->type == FieldType::Boolean)
        combo_->setItemText(0, QStringLiteral("(absent — %1)").arg(placeholder));
    else if (combo_ != nullptr)
        combo_->lineEdit()->setPlaceholderText(placeholder);
}

QString FieldEditor::text() const
{
    if (spin_ != nullptr)
        return spin_->text();
    if (line_ != nullptr)
        return line_->text();
    return combo_ != nullptr ? combo_->currentText() : QString();
}

void FieldEditor::textTyped()
{
    if (!updating_)
        live_->start(); // commit once typing pauses
}

void FieldEditor::flushPending()
{
    if (live_->isActive()) {
        live_->stop();
        commitText(text(), true);
    }
}

void FieldEditor::finish()
{
    if (onEditFinished)
        onEditFinished();
}

bool FieldEditor::eventFilter(QObject* watched, QEvent* event)
{
    // Undo and redo belong to the document, not to the line edit's own little history: let
    // the shortcut through to the window's Undo/Redo, after committing what was typed so that
    // the typing is the step that gets undone.
    if (event->type() == QEvent::ShortcutOverride) {
        auto* key = static_cast<QKeyEvent*>(event);
        const QKeySequence pressed(key->keyCombination());
        if (key->matches(QKeySequence::Undo) || key->matches(QKeySequence::Redo) ||
            pressed == QKeySequence(QStringLiteral("Ctrl+Y")) ||
            pressed == QKeySequence(QStringLiteral("Ctrl+Shift+Z"))) {
            flushPending();
            finish();
            return true; // not accepted: the shortcut map now triggers the action
        }
    }
    return QWidget::eventFilter(watched, event);
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
    // While the user types, the document follows the text (live commits): leave the text and
    // the cursor alone when it already says this value, or more typing is on its way.
    if (input()->hasFocus() && !updating_) {
        QString error;
        bool remove = false;
        const std::optional<Json> typed =
            DesignerDocument::parseFieldText(text(), stringMode(), &error, &remove);
        if (live_->isActive() || (remove && !value) || (typed && value && *typed == *value)) {
            value_ = value;
            clear_->setEnabled(value.has_value());
            return;
        }
    }
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
        // The placeholder may be cut in a narrow field; the tooltip has the default in full.
        w->setToolTip(rule_ != nullptr ? QStringLiteral("%1\n%2").arg(qs(rule_->description),
                                                                      placeholderFor(rule_, modelType_))
                                       : QString());
    } else {
        w->setStyleSheet(QStringLiteral("border: 1px solid #c82828;"));
        w->setToolTip(message);
    }
}

void FieldEditor::commitText(const QString& text, bool live)
{
    if (updating_ || !onEdited)
        return;
    QString error;
    bool remove = false;
    const std::optional<Json> v = DesignerDocument::parseFieldText(text, stringMode(), &error, &remove);
    if (remove && live)
        return; // a field cleared to retype it keeps its key (and place) until the edit ends
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
