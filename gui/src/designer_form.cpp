#include "llamascope/gui/designer_form.hpp"

#include "llamascope/gui/designer_document.hpp"
#include "llamascope/gui/field_editor.hpp"
#include "llamascope/gui/findings_model.hpp"
#include "llamascope/model_types.hpp"
#include "llamascope/rules.hpp"
#include "text.hpp"
#include "widgets.hpp"

#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QTextDocument>
#include <QTimer>
#include <QVBoxLayout>

#include <set>

namespace llamascope::gui {
namespace {

/// Presentation only: which form group a known key sits in. Keys core knows but that are not
/// listed here land in "Other known keys", so new rules always get an editor.
struct Group {
    const char* title;
    std::vector<std::string_view> keys;
};

const std::vector<Group>& groups()
{
    static const std::vector<Group> g = {
        {"Family", {"model_type", "architectures"}},
        {"Shape",
         {"hidden_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads", "head_dim",
          "intermediate_size", "vocab_size"}},
        {"Mixture of experts", {"num_local_experts", "num_experts_per_tok"}},
        {"Positions",
         {"position_embedding_type", "max_position_embeddings", "max_sequence_length", "rope_theta",
          "rope_scaling", "rope_parameters", "partial_rotary_factor", "original_max_position_embeddings"}},
        {"Attention",
         {"attention_bias", "sliding_window", "use_sliding_window", "max_window_layers", "layer_types",
          "query_pre_attn_scalar", "attn_logit_softcapping", "use_bidirectional_attention"}},
        {"Layers and output",
         {"hidden_act", "hidden_activation", "mlp_bias", "tie_word_embeddings", "final_logit_softcapping",
          "rms_norm_eps", "initializer_range"}},
        {"Training only",
         {"attention_dropout", "resid_pdrop", "embd_pdrop", "router_aux_loss_coef", "router_jitter_noise",
          "output_router_logits"}},
        {"Tokens", {"bos_token_id", "eos_token_id", "pad_token_id"}},
        {"Metadata",
         {"transformers_version", "torch_dtype", "dtype", "use_cache", "_name_or_path", "pretraining_tp"}},
    };
    return g;
}

std::string keyOfPointer(const QString& pointer)
{
    if (!pointer.startsWith(QLatin1Char('/')))
        return {};
    QString token = pointer.mid(1).section(QLatin1Char('/'), 0, 0);
    token.replace(QStringLiteral("~1"), QStringLiteral("/"))
        .replace(QStringLiteral("~0"), QStringLiteral("~"));
    return token.toStdString();
}

QString severityDot(Severity s)
{
    return QStringLiteral("<span style='color:%1'>●</span>").arg(severityColor(s).name());
}

QFont monoFont()
{
    QFont mono = monospaceFont();
    return mono;
}

/// The document's model type (llama when absent or not one core knows: the validator says why).
ModelType documentModelType(const DesignerDocument& doc)
{
    if (const auto v = doc.value("model_type"); v && v->is_string())
        if (const auto t = modelTypes().find(v->get<std::string>()))
            return *t;
    return ModelType::Llama;
}

} // namespace

DesignerForm::DesignerForm(DesignerDocument* document, QWidget* parent) : QWidget(parent), document_(document)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    scroll_ = new QScrollArea(this);
    scroll_->setWidgetResizable(true);
    // Descriptions wrap; the form never needs to scroll sideways.
    scroll_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    form_ = new QWidget(scroll_);
    formLayout_ = new QVBoxLayout(form_);
    formLayout_->setContentsMargins(4, 4, 8, 4);
    scroll_->setWidget(form_);
    layout->addWidget(scroll_);
    buildForm();

    connect(document_, &DesignerDocument::reset, this, [this] {
        rebuildUnknownKeys();
        applyModelType();
        QStringList all;
        for (const auto& [key, row] : rows_)
            all << qs(key);
        refreshFields(all);
        refreshFindings();
    });
    connect(document_, &DesignerDocument::fieldsChanged, this, [this](const QStringList& keys) {
        // A key appearing or disappearing that the form has no row for: rebuild that group.
        bool unknownChanged = false;
        for (const QString& k : keys)
            unknownChanged =
                unknownChanged || !rows_.contains(k.toStdString()) ||
                (findFieldRule(k.toStdString()) == nullptr && !document_->value(k.toStdString()));
        if (unknownChanged)
            rebuildUnknownKeys();
        if (keys.contains(QStringLiteral("model_type")) || documentModelType(*document_) != modelType_)
            applyModelType();
        else
            for (const QString& k : keys) // a key of another family added or removed
                if (auto it = rows_.find(k.toStdString()); it != rows_.end() && it->second.known)
                    applyModelType();
        refreshFields(keys);
    });
    connect(document_, &DesignerDocument::validated, this, &DesignerForm::refreshFindings);

    rebuildUnknownKeys();
    applyModelType();
    QStringList all;
    for (const auto& [key, row] : rows_)
        all << qs(key);
    refreshFields(all);
    refreshFindings();
}

void DesignerForm::addRow(QGridLayout* grid, const std::string& key, const QString& description,
                          QGroupBox* group)
{
    const int r = grid->rowCount();
    const FieldRule* rule = findFieldRule(key);
    auto* label = new QLabel(qs(key), group);
    label->setFont(monoFont());
    label->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Preferred);
    // The label's own metrics (its resolved font): wide enough for the usual long keys; a
    // longer key, shown only for its family, widens its own group.
    grid->setColumnMinimumWidth(
        0, label->fontMetrics().horizontalAdvance(QStringLiteral("max_position_embeddings")) + 4);
    label->setToolTip(description);
    auto* editor = new FieldEditor(key, rule, group);
    editor->setFixedWidth(190);
    editor->setModelType(modelType_);
    if (key == "model_type")
        editor->onEdited = [this](const std::optional<Json>& value) { setModelTypeField(value); };
    else
        editor->onEdited = [this, key](const std::optional<Json>& value) { document_->setField(key, value); };
    // Enter, Tab or leaving the field ends the edit: the next change is a new undo step.
    editor->onEditFinished = [this] { document_->endEditSession(); };
    label->setBuddy(editor->input());
    auto* desc = new QLabel(description, group);
    desc->setStyleSheet(QStringLiteral("color: #666;"));
    desc->setWordWrap(true);
    desc->setMinimumWidth(120);
    // Only the description gives way when the form is narrow (it wraps); its first line sits
    // level with the key and the editor's text.
    desc->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    desc->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    const int lineHeight = editor->sizeHint().height();
    desc->setContentsMargins(0, std::max(0, (lineHeight - desc->fontMetrics().height()) / 2), 0, 0);
    label->setMinimumHeight(lineHeight);
    label->setAlignment(Qt::AlignVCenter | Qt::AlignLeft);
    auto* findings = new QLabel(group);
    findings->setWordWrap(true);
    findings->setTextFormat(Qt::RichText);
    findings->setVisible(false);
    findings->setContentsMargins(0, 0, 0, 4);
    findings->setMinimumWidth(120);
    grid->addWidget(label, r, 0, Qt::AlignTop | Qt::AlignLeft);
    grid->addWidget(editor, r, 1, Qt::AlignTop | Qt::AlignLeft);
    grid->addWidget(desc, r, 2);
    grid->addWidget(findings, r + 1, 1, 1, 2);
    rows_[key] = {editor, label, desc, findings, group, rule != nullptr};
    ++groupRows_[group];
}

void DesignerForm::setModelTypeField(const std::optional<Json>& value)
{
    // Another family: architectures follows when it named the old family's class (one undo
    // step), so the file keeps saying one thing.
    std::vector<std::pair<std::string, std::optional<Json>>> changes = {{"model_type", value}};
    const ModelTypeInfo& before = modelTypeInfo(modelType_);
    std::optional<ModelType> after;
    if (value && value->is_string())
        after = modelTypes().find(value->get<std::string>());
    const Json oldClass = Json::array({std::string(before.causalLmClass)});
    if (after && *after != modelType_ && document_->value("architectures") == std::optional<Json>(oldClass))
        changes.emplace_back("architectures",
                             Json::array({std::string(modelTypeInfo(*after).causalLmClass)}));
    if (changes.size() == 1)
        document_->setField("model_type", value);
    else
        document_->setFields(changes, describeChange("model_type", value));
}

void DesignerForm::buildForm()
{
    std::set<std::string_view> placed;
    auto makeGroup = [this](const QString& title) {
        auto* box = new QGroupBox(title, form_);
        auto* grid = new QGridLayout(box);
        grid->setHorizontalSpacing(8);
        grid->setVerticalSpacing(3);
        // One key-column width in every group, so the editors line up down the form.
        grid->setColumnMinimumWidth(
            0,
            QFontMetrics(monoFont()).horizontalAdvance(QStringLiteral("original_max_position_embeddings")) +
                4);
        grid->setColumnMinimumWidth(1, 190);
        grid->setColumnStretch(2, 1);
        formLayout_->addWidget(box);
        return std::make_pair(box, grid);
    };
    for (const Group& g : groups()) {
        auto [box, grid] = makeGroup(qs(g.title));
        if (std::string_view(g.title) == "Family") {
            familyNote_ = new QLabel(box);
            familyNote_->setWordWrap(true);
            familyNote_->setTextFormat(Qt::RichText);
            familyNote_->setStyleSheet(QStringLiteral("color: #444;"));
            grid->addWidget(familyNote_, 0, 0, 1, 3);
        }
        for (std::string_view key : g.keys) {
            const FieldRule* rule = findFieldRule(key);
            if (rule == nullptr)
                continue; // a key core no longer knows
            addRow(grid, std::string(key), qs(rule->description), box);
            placed.insert(key);
        }
    }
    // Known keys not grouped above, then the generic transformers keys (collapsed).
    QGridLayout* otherGrid = nullptr;
    QGroupBox* otherBox = nullptr;
    std::vector<const FieldRule*> generic;
    for (const FieldRule& r : configFieldRules()) {
        if (placed.contains(r.key))
            continue;
        if (r.type == FieldType::Any && r.field == Field::None && r.role == KeyRole::Metadata &&
            r.readBy.isAll()) {
            generic.push_back(&r);
            continue;
        }
        if (otherGrid == nullptr)
            std::tie(otherBox, otherGrid) = makeGroup(QStringLiteral("Other known keys"));
        addRow(otherGrid, std::string(r.key), qs(r.description), otherBox);
    }
    if (!generic.empty()) {
        auto [box, grid] =
            makeGroup(QStringLiteral("Generic transformers keys (%1, not interpreted)").arg(generic.size()));
        genericGroup_ = box;
        box->setCheckable(true);
        box->setChecked(false);
        for (const FieldRule* r : generic)
            addRow(grid, std::string(r->key), qs(r->description), box);
        connect(box, &QGroupBox::toggled, this, [this] {
            applyModelType();
            refreshFindings(); // findings lines show only when they have text
        });
    }
    auto [box, grid] = makeGroup(QStringLiteral("Keys llamascope does not know (in this file)"));
    unknownGroup_ = box;
    unknownGrid_ = grid;
    formLayout_->addStretch(1);
}

void DesignerForm::rebuildUnknownKeys()
{
    // Drop the old rows of unknown keys, then add one per unknown key in the document.
    for (auto it = rows_.begin(); it != rows_.end();)
        it = it->second.group == unknownGroup_ ? rows_.erase(it) : std::next(it);
    groupRows_[unknownGroup_] = 0;
    while (QLayoutItem* item = unknownGrid_->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    int count = 0;
    const Json& root = document_->root();
    if (root.is_object())
        for (auto it = root.begin(); it != root.end(); ++it)
            if (findFieldRule(it.key()) == nullptr) {
                addRow(
                    unknownGrid_, it.key(),
                    QStringLiteral("Not a key of any transformers config class llamascope reads: edited as "
                                   "JSON, kept on save"),
                    unknownGroup_);
                ++count;
            }
    unknownGroup_->setVisible(count > 0);
}

void DesignerForm::setRowVisible(Row& row, bool visible)
{
    row.label->setVisible(visible);
    row.editor->setVisible(visible);
    row.description->setVisible(visible);
    if (!visible)
        row.findings->setVisible(false);
}

void DesignerForm::applyModelType()
{
    modelType_ = documentModelType(*document_);
    const ModelTypeInfo& info = modelTypeInfo(modelType_);
    if (familyNote_ != nullptr)
        familyNote_->setText(
            QStringLiteral("<b>%1</b> (%2): %3<br><span style='color:#777'>e.g. %4 — "
                           "the form shows the keys %2 reads, its defaults as placeholders</span>")
                .arg(qs(info.title).toHtmlEscaped(), qs(info.causalLmClass).toHtmlEscaped(),
                     qs(info.traits).toHtmlEscaped(), qs(info.examples).toHtmlEscaped()));
    std::map<QGroupBox*, int> shown;
    for (auto& [key, row] : rows_) {
        const FieldRule* rule = findFieldRule(key);
        row.editor->setModelType(modelType_);
        // A key this family's class does not read stays hidden unless the file has it (then
        // the validator says what happens to it, beside the row).
        const bool read = rule == nullptr || rule->readBy.contains(modelType_);
        const bool present = document_->value(key).has_value();
        const bool groupOpen = row.group != genericGroup_ || genericGroup_->isChecked();
        const bool visible = groupOpen && (read || present || !row.known);
        setRowVisible(row, visible);
        if (rule != nullptr && !read)
            row.description->setText(qs(rule->description) +
                                     QStringLiteral(" — <i>not read by %1</i>").arg(qs(info.key)));
        else if (rule != nullptr)
            row.description->setText(qs(rule->description));
        if (visible || (row.group == genericGroup_ && (read || present)))
            ++shown[row.group];
    }
    // A group with nothing this family reads (mixture of experts for a dense family) hides.
    for (const auto& [group, count] : groupRows_)
        if (group != unknownGroup_ && group != nullptr)
            group->setVisible(shown[group] > 0 || group == genericGroup_);
}

bool DesignerForm::rowShown(const std::string& key) const
{
    const auto it = rows_.find(key);
    return it != rows_.end() && !it->second.editor->isHidden() && !it->second.group->isHidden();
}

FieldEditor* DesignerForm::editor(const std::string& key) const
{
    const auto it = rows_.find(key);
    return it == rows_.end() ? nullptr : it->second.editor;
}

QString DesignerForm::fieldFindings(const std::string& key) const
{
    const auto it = rows_.find(key);
    if (it == rows_.end() || it->second.findings->isHidden())
        return {};
    QTextDocument doc;
    doc.setHtml(it->second.findings->text());
    return doc.toPlainText();
}

void DesignerForm::refreshFields(const QStringList& keys)
{
    for (const QString& k : keys) {
        const std::string key = k.toStdString();
        if (FieldEditor* e = editor(key))
            e->setValue(document_->value(key));
    }
}

void DesignerForm::refreshFindings()
{
    form_->setEnabled(document_->isEditable());
    const ValidationReport& report = document_->result().report;
    std::map<std::string, QStringList> byKey;
    QStringList general;
    for (const Finding& f : report.findings) {
        const std::string key = keyOfPointer(qs(f.pointer));
        QString line = QStringLiteral("%1 <b>%2</b> %3")
                           .arg(severityDot(f.severity()), qs(std::string(toString(f.code))).toHtmlEscaped(),
                                qs(f.message).toHtmlEscaped());
        if (!f.hint.empty())
            line += QStringLiteral(" <span style='color:#555'>— %1</span>").arg(qs(f.hint).toHtmlEscaped());
        if (f.knownQuirk)
            line +=
                QStringLiteral(" <span style='color:#777'>(a known quirk of the published family)</span>");
        if (f.pos.known())
            line +=
                QStringLiteral(" <span style='color:#888'>(%1:%2)</span>").arg(f.pos.line).arg(f.pos.column);
        const auto row = rows_.find(key);
        if (row != rows_.end() && !row->second.editor->isHidden())
            byKey[key] << line;
        else if (row != rows_.end() && row->second.group == genericGroup_ && genericGroup_ != nullptr &&
                 !genericGroup_->isChecked()) {
            genericGroup_->setChecked(true); // never hide a finding; toggling refreshes again
            return;
        } else
            general << line;
    }
    for (auto& [key, row] : rows_) {
        const auto it = byKey.find(key);
        const bool any = it != byKey.end();
        row.findings->setText(any ? it->second.join(QStringLiteral("<br>")) : QString());
        row.findings->setVisible(any && !row.editor->isHidden());
        // The key's label takes the colour of its worst finding.
        std::optional<Severity> worst;
        for (const Finding& f : report.findings)
            if (keyOfPointer(qs(f.pointer)) == key && (!worst || f.severity() > *worst))
                worst = f.severity();
        row.label->setStyleSheet(
            worst ? QStringLiteral("color: %1; font-weight: bold;").arg(severityColor(*worst).name())
                  : QString());
    }
    if (general != general_) {
        general_ = general;
        emit generalFindingsChanged(general_);
    }
}

bool DesignerForm::focusField(const QString& pointer)
{
    const std::string key = keyOfPointer(pointer);
    const auto it = rows_.find(key);
    if (it == rows_.end() || !document_->isEditable())
        return false;
    if (it->second.group == genericGroup_ && genericGroup_ != nullptr)
        genericGroup_->setChecked(true);
    if (it->second.editor->isHidden())
        return false;
    scroll_->ensureWidgetVisible(it->second.editor, 40, 80);
    it->second.editor->input()->setFocus(Qt::OtherFocusReason);
    // A short highlight so the eye finds the field.
    QLabel* label = it->second.label;
    const QString before = label->styleSheet();
    label->setStyleSheet(before + QStringLiteral("background: #ffe58a;"));
    QTimer::singleShot(1500, label, [label, before] { label->setStyleSheet(before); });
    return true;
}

void DesignerForm::saveSettings(QSettings& s) const
{
    if (genericGroup_ != nullptr)
        s.setValue(QStringLiteral("designer/showGeneric"), genericGroup_->isChecked());
}

void DesignerForm::restoreSettings(const QSettings& s)
{
    if (genericGroup_ != nullptr && s.value(QStringLiteral("designer/showGeneric"), false).toBool())
        genericGroup_->setChecked(true);
}

} // namespace llamascope::gui
