#include "llamascope/gui/designer_view.hpp"

#include "llamascope/bundled.hpp"
#include "llamascope/format.hpp"
#include "llamascope/gui/chart_data.hpp"
#include "llamascope/gui/core_table_model.hpp"
#include "llamascope/gui/designer_document.hpp"
#include "llamascope/gui/field_editor.hpp"
#include "llamascope/gui/findings_model.hpp"
#include "llamascope/gui/fit_dialog.hpp"
#include "llamascope/rules.hpp"
#include "llamascope/views.hpp"
#include "text.hpp"
#include "widgets.hpp"

#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTextBlock>
#include <QTimer>
#include <QToolButton>
#include <QUndoStack>
#include <QVBoxLayout>

#include <array>
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
        {"Shape",
         {"hidden_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads", "head_dim",
          "intermediate_size", "vocab_size"}},
        {"Positions",
         {"position_embedding_type", "max_position_embeddings", "max_sequence_length", "rope_theta",
          "rope_scaling"}},
        {"Layers",
         {"hidden_act", "tie_word_embeddings", "attention_bias", "mlp_bias", "attention_dropout",
          "rms_norm_eps", "initializer_range"}},
        {"Tokens", {"bos_token_id", "eos_token_id", "pad_token_id"}},
        {"Model and metadata",
         {"model_type", "architectures", "transformers_version", "torch_dtype", "use_cache", "_name_or_path",
          "pretraining_tp", "sliding_window"}},
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

QTableView* makeTable(CoreTableModel* model, QWidget* parent)
{
    auto* view = new QTableView(parent);
    view->setModel(model);
    view->verticalHeader()->hide();
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->horizontalHeader()->setStretchLastSection(true);
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    // Sized to their rows (fitHeight); the metrics panel scrolls as a whole.
    view->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    view->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    return view;
}

/// Sizes a small table to show all its rows (the metrics panel scrolls as a whole).
void fitHeight(QTableView* view)
{
    int h = view->horizontalHeader()->height() + 2 * view->frameWidth() + 2;
    for (int r = 0; r < view->model()->rowCount(); ++r)
        h += view->rowHeight(r);
    view->setFixedHeight(h);
}

QLabel* heading(const QString& text, QWidget* parent)
{
    auto* l = new QLabel(QStringLiteral("<b>%1</b>").arg(text), parent);
    l->setContentsMargins(0, 8, 0, 2);
    return l;
}

} // namespace

DesignerView::DesignerView(DesignerDocument* document, QWidget* parent) : QWidget(parent), document_(document)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);

    // Toolbar row.
    auto* bar = new QHBoxLayout;
    auto button = [&](const QString& text, const QString& tip, auto slot) {
        return addToolButton(this, bar, text, tip, slot);
    };
    button(QStringLiteral("New"), QStringLiteral("A new config in the modern canonical form (Ctrl+N)"),
           [this] { newDocument(); });
    auto* fromBundled = new QToolButton(this);
    fromBundled->setText(QStringLiteral("From bundled"));
    fromBundled->setToolTip(QStringLiteral("Start from a copy of a bundled config"));
    fromBundled->setPopupMode(QToolButton::InstantPopup);
    auto* bundledMenu = new QMenu(fromBundled);
    for (std::string_view name : bundledNames()) {
        const QString n = qs(name);
        bundledMenu->addAction(n, this, [this, n] { openBundled(n); });
    }
    fromBundled->setMenu(bundledMenu);
    bar->addWidget(fromBundled);
    button(QStringLiteral("Open…"), QStringLiteral("Open a config.json in the designer"),
           [this] { openDialog(); });
    button(QStringLiteral("Save"), QStringLiteral("Save (Ctrl+S)"), [this] { save(); });
    button(QStringLiteral("Save As…"), QStringLiteral("Save under a new name (Ctrl+Shift+S)"),
           [this] { saveAs(); });
    bar->addSpacing(12);
    auto* undo = button(QStringLiteral("Undo"), QStringLiteral("Undo (Ctrl+Z)"),
                        [this] { document_->undoStack()->undo(); });
    auto* redo = button(QStringLiteral("Redo"), QStringLiteral("Redo (Ctrl+Shift+Z)"),
                        [this] { document_->undoStack()->redo(); });
    connect(document_->undoStack(), &QUndoStack::canUndoChanged, undo, &QWidget::setEnabled);
    connect(document_->undoStack(), &QUndoStack::canRedoChanged, redo, &QWidget::setEnabled);
    undo->setEnabled(false);
    redo->setEnabled(false);
    bar->addSpacing(12);
    fitButton_ = button(QStringLiteral("Fit to target…"), QString(), [this] { showFitDialog(); });
    fitButton_->setEnabled(fitDialogAvailable());
    fitButton_->setToolTip(
        fitDialogAvailable()
            ? QStringLiteral("Search shapes that hit a parameter, FLOP, memory or compute target (Ctrl+T)")
            : QStringLiteral("Needs core's designer (design.hpp, issue 4), not in this build yet"));
    bar->addSpacing(12);
    title_ = new QLabel(this);
    title_->setTextFormat(Qt::RichText);
    bar->addWidget(title_, 1);
    layout->addLayout(bar);

    banner_ = new QLabel(this);
    banner_->setWordWrap(true);
    banner_->setTextFormat(Qt::RichText);
    banner_->setVisible(false);
    banner_->setStyleSheet(
        QStringLiteral("QLabel { background: #fff4e5; border: 1px solid #f0c080; padding: 4px; }"));
    layout->addWidget(banner_);
    readOnly_ = new QLabel(this);
    readOnly_->setWordWrap(true);
    readOnly_->setTextFormat(Qt::RichText);
    readOnly_->setVisible(false);
    readOnly_->setStyleSheet(
        QStringLiteral("QLabel { background: #fde8e8; border: 1px solid #e0a0a0; padding: 6px; }"));
    layout->addWidget(readOnly_);

    splitter_ = new QSplitter(Qt::Horizontal, this);
    scroll_ = new QScrollArea(splitter_);
    scroll_->setWidgetResizable(true);
    form_ = new QWidget(scroll_);
    formLayout_ = new QVBoxLayout(form_);
    formLayout_->setContentsMargins(4, 4, 8, 4);
    scroll_->setWidget(form_);
    buildForm();

    side_ = new QTabWidget(splitter_);
    side_->setDocumentMode(true);
    // Metrics tab.
    auto* metricsScroll = new QScrollArea(side_);
    metricsScroll->setWidgetResizable(true);
    auto* metrics = new QWidget(metricsScroll);
    auto* mv = new QVBoxLayout(metrics);
    metricsStatus_ = new QLabel(metrics);
    metricsStatus_->setWordWrap(true);
    metricsStatus_->setTextFormat(Qt::RichText);
    mv->addWidget(metricsStatus_);
    auto* grid = new QGridLayout;
    grid->setHorizontalSpacing(14);
    grid->setVerticalSpacing(2);
    int i = 0;
    const auto columns = compareColumns();
    for (const CompareColumn& c : columns) {
        if (c.id == "name")
            continue;
        auto* name = new QLabel(qs(c.header), metrics);
        name->setToolTip(qs(c.tooltip));
        name->setStyleSheet(QStringLiteral("color: #555;"));
        auto* value = new QLabel(metrics);
        value->setToolTip(qs(c.tooltip));
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        value->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
        const int half = static_cast<int>((columns.size() + 1) / 2);
        const int row = i % half, col = (i / half) * 2;
        grid->addWidget(name, row, col);
        grid->addWidget(value, row, col + 1);
        metricLabels_[std::string(c.id)] = value;
        ++i;
    }
    grid->setColumnStretch(1, 1);
    grid->setColumnStretch(3, 1);
    mv->addLayout(grid);
    mv->addWidget(heading(QStringLiteral("Parameters"), metrics));
    paramsModel_ = new CoreTableModel(this);
    paramsView_ = makeTable(paramsModel_, metrics);
    mv->addWidget(paramsView_);
    mv->addWidget(heading(QStringLiteral("FLOP conventions at T = P (causal)"), metrics));
    flopsModel_ = new CoreTableModel(this);
    flopsView_ = makeTable(flopsModel_, metrics);
    mv->addWidget(flopsView_);
    mv->addWidget(heading(QStringLiteral("Training memory by optimizer"), metrics));
    memoryCaption_ = new QLabel(metrics);
    memoryCaption_->setWordWrap(true);
    memoryCaption_->setStyleSheet(QStringLiteral("color: #555;"));
    mv->addWidget(memoryCaption_);
    memoryModel_ = new CoreTableModel(this);
    memoryView_ = makeTable(memoryModel_, metrics);
    mv->addWidget(memoryView_);
    mv->addStretch(1);
    metricsScroll->setWidget(metrics);
    side_->addTab(metricsScroll, QStringLiteral("Metrics"));

    // Findings tab: core's findings table for this document.
    findingsModel_ = new CoreTableModel(this);
    findingsView_ = makeTable(findingsModel_, side_);
    findingsView_->setSelectionBehavior(QAbstractItemView::SelectRows);
    connect(findingsView_, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        const auto& findings = document_->result().report.findings;
        if (index.row() < static_cast<int>(findings.size()))
            focusField(qs(findings[static_cast<std::size_t>(index.row())].pointer));
    });
    side_->addTab(findingsView_, QStringLiteral("Findings"));

    // Source tab: the text that was validated (and what Save writes, modulo core's formatting).
    source_ = new QPlainTextEdit(side_);
    source_->setReadOnly(true);
    QFont mono(QStringLiteral("DejaVu Sans Mono"));
    mono.setStyleHint(QFont::Monospace);
    source_->setFont(mono);
    source_->setLineWrapMode(QPlainTextEdit::NoWrap);
    side_->addTab(source_, QStringLiteral("Source"));

    splitter_->addWidget(scroll_);
    splitter_->addWidget(side_);
    splitter_->setStretchFactor(0, 1);
    splitter_->setStretchFactor(1, 1);
    splitter_->setSizes({720, 640});
    layout->addWidget(splitter_, 1);

    connect(document_, &DesignerDocument::reset, this, [this] {
        rebuildUnknownKeys();
        QStringList all;
        for (const auto& [key, row] : rows_)
            all << qs(key);
        refreshFields(all);
        refresh();
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
        refreshFields(keys);
    });
    connect(document_, &DesignerDocument::validated, this, &DesignerView::refresh);
    connect(document_, &DesignerDocument::modifiedChanged, this, &DesignerView::updateHeader);
    connect(document_, &DesignerDocument::filePathChanged, this, &DesignerView::updateHeader);

    rebuildUnknownKeys();
    QStringList all;
    for (const auto& [key, row] : rows_)
        all << qs(key);
    refreshFields(all);
    refresh();
}

void DesignerView::addRow(QGridLayout* grid, const std::string& key, const QString& description,
                          QWidget* group)
{
    const int r = grid->rowCount();
    const FieldRule* rule = findFieldRule(key);
    auto* label = new QLabel(qs(key), group);
    QFont mono(QStringLiteral("DejaVu Sans Mono"));
    mono.setStyleHint(QFont::Monospace);
    label->setFont(mono);
    // One label width in every group, so the editors line up down the form.
    label->setMinimumWidth(QFontMetrics(mono).horizontalAdvance(QStringLiteral("position_embedding_type")) +
                           8);
    label->setToolTip(description);
    auto* editor = new FieldEditor(key, rule, group);
    editor->setFixedWidth(200);
    editor->onEdited = [this, key](const std::optional<Json>& value) { document_->setField(key, value); };
    label->setBuddy(editor->input());
    auto* desc = new QLabel(description, group);
    desc->setStyleSheet(QStringLiteral("color: #666;"));
    desc->setWordWrap(true);
    auto* findings = new QLabel(group);
    findings->setWordWrap(true);
    findings->setTextFormat(Qt::RichText);
    findings->setVisible(false);
    findings->setContentsMargins(0, 0, 0, 4);
    grid->addWidget(label, r, 0);
    grid->addWidget(editor, r, 1);
    grid->addWidget(desc, r, 2);
    grid->addWidget(findings, r + 1, 1, 1, 2);
    rows_[key] = {editor, label, findings, group};
}

void DesignerView::buildForm()
{
    std::set<std::string_view> placed;
    auto makeGroup = [this](const QString& title) {
        auto* box = new QGroupBox(title, form_);
        auto* grid = new QGridLayout(box);
        grid->setHorizontalSpacing(8);
        grid->setVerticalSpacing(3);
        grid->setColumnStretch(2, 1);
        formLayout_->addWidget(box);
        return std::make_pair(box, grid);
    };
    for (const Group& g : groups()) {
        auto [box, grid] = makeGroup(qs(g.title));
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
        if (r.type == FieldType::Any) {
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
        auto setShown = [this, grid](bool on) {
            for (int i = 0; i < grid->count(); ++i)
                if (QWidget* w = grid->itemAt(i)->widget())
                    w->setVisible(on);
            refreshFindings(); // findings lines show only when they have text
        };
        connect(box, &QGroupBox::toggled, this, setShown);
        for (int i = 0; i < grid->count(); ++i)
            if (QWidget* w = grid->itemAt(i)->widget())
                w->setVisible(false);
    }
    auto [box, grid] = makeGroup(QStringLiteral("Keys llamascope does not know (in this file)"));
    unknownGroup_ = box;
    unknownGrid_ = grid;
    formLayout_->addStretch(1);
}

void DesignerView::rebuildUnknownKeys()
{
    // Drop the old rows of unknown keys, then add one per unknown key in the document.
    for (auto it = rows_.begin(); it != rows_.end();) {
        if (it->second.group == unknownGroup_) {
            it = rows_.erase(it);
        } else {
            ++it;
        }
    }
    while (QLayoutItem* item = unknownGrid_->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    int count = 0;
    const Json& root = document_->root();
    if (root.is_object())
        for (auto it = root.begin(); it != root.end(); ++it)
            if (findFieldRule(it.key()) == nullptr) {
                addRow(unknownGrid_, it.key(),
                       QStringLiteral("Not a transformers ModelConfig key: edited as JSON, kept on save"),
                       unknownGroup_);
                ++count;
            }
    unknownGroup_->setVisible(count > 0);
}

FieldEditor* DesignerView::editor(const std::string& key) const
{
    const auto it = rows_.find(key);
    return it == rows_.end() ? nullptr : it->second.editor;
}

QString DesignerView::fieldFindings(const std::string& key) const
{
    const auto it = rows_.find(key);
    if (it == rows_.end() || it->second.findings->isHidden())
        return {};
    QTextDocument doc;
    doc.setHtml(it->second.findings->text());
    return doc.toPlainText();
}

QString DesignerView::metricText(const std::string& columnId) const
{
    const auto it = metricLabels_.find(columnId);
    return it == metricLabels_.end() ? QString() : it->second->text();
}

QString DesignerView::statusText() const
{
    return metricsStatus_->text();
}

void DesignerView::refreshFields(const QStringList& keys)
{
    for (const QString& k : keys) {
        const std::string key = k.toStdString();
        if (FieldEditor* e = editor(key))
            e->setValue(document_->value(key));
    }
}

void DesignerView::refresh()
{
    ++refreshes_;
    const bool editable = document_->isEditable();
    form_->setEnabled(editable);
    refreshFindings();
    refreshMetrics();
    refreshSource();
    updateHeader();
}

void DesignerView::updateHeader()
{
    const QString name = document_->fileName();
    const QString where =
        document_->filePath().isEmpty() ? QStringLiteral("not saved yet") : document_->filePath();
    title_->setText(QStringLiteral("<b>%1</b>%2 <span style='color:#777'>— %3</span>")
                        .arg(name.toHtmlEscaped(), document_->isModified() ? QStringLiteral(" •") : QString(),
                             where.toHtmlEscaped()));
    title_->setToolTip(document_->isModified() ? QStringLiteral("Unsaved changes") : QString());
}

void DesignerView::refreshFindings()
{
    const ValidationReport& report = document_->result().report;
    std::map<std::string, QStringList> byKey;
    QStringList general;
    for (const Finding& f : report.findings) {
        const std::string key = keyOfPointer(qs(f.pointer));
        QString line =
            QStringLiteral("%1 <b>%2</b> %3")
                .arg(severityDot(f.severity), qs(f.code).toHtmlEscaped(), qs(f.message).toHtmlEscaped());
        if (!f.hint.empty())
            line += QStringLiteral(" <span style='color:#555'>— %1</span>").arg(qs(f.hint).toHtmlEscaped());
        if (f.pos.known())
            line +=
                QStringLiteral(" <span style='color:#888'>(%1:%2)</span>").arg(f.pos.line).arg(f.pos.column);
        if (!key.empty() && rows_.contains(key))
            byKey[key] << line;
        else
            general << line;
    }
    if (genericGroup_ != nullptr && !genericGroup_->isChecked())
        for (const auto& [key, lines] : byKey)
            if (rows_.at(key).group == genericGroup_) {
                genericGroup_->setChecked(true); // never hide a finding; toggling refreshes again
                return;
            }
    for (auto& [key, row] : rows_) {
        const auto it = byKey.find(key);
        const bool any = it != byKey.end();
        row.findings->setText(any ? it->second.join(QStringLiteral("<br>")) : QString());
        const bool groupOpen =
            row.group != genericGroup_ || (genericGroup_ != nullptr && genericGroup_->isChecked());
        row.findings->setVisible(any && groupOpen);
        // The key's label takes the colour of its worst finding.
        std::optional<Severity> worst;
        for (const Finding& f : report.findings)
            if (keyOfPointer(qs(f.pointer)) == key && (!worst || f.severity > *worst))
                worst = f.severity;
        row.label->setStyleSheet(
            worst ? QStringLiteral("color: %1; font-weight: bold;").arg(severityColor(*worst).name())
                  : QString());
    }
    banner_->setVisible(!general.isEmpty() && document_->isEditable());
    banner_->setText(general.join(QStringLiteral("<br>")));

    if (!document_->isEditable()) {
        QStringList lines;
        for (const Finding& f : report.findings)
            lines << QStringLiteral("%1 <b>%2</b> %3%4")
                         .arg(severityDot(f.severity), qs(f.code).toHtmlEscaped(),
                              qs(f.message).toHtmlEscaped(),
                              f.pos.known() ? QStringLiteral(" <b>(line %1, column %2)</b>")
                                                  .arg(f.pos.line)
                                                  .arg(f.pos.column)
                                            : QString());
        readOnly_->setText(
            QStringLiteral("<b>%1 cannot be edited in the form</b>: the form would have to change "
                           "what the file says. Fix it in a text editor; llamascope re-reads it when "
                           "it is saved (Validate view).<br>%2")
                .arg(document_->fileName().toHtmlEscaped(), lines.join(QStringLiteral("<br>"))));
    }
    readOnly_->setVisible(!document_->isEditable());
    std::vector<ValidationReport> reports = {report};
    findingsModel_->setTable(findingsTable(reports));
    findingsView_->setColumnHidden(0, true);
    findingsView_->resizeColumnsToContents();
    side_->setTabText(1, report.findings.empty()
                             ? QStringLiteral("Findings")
                             : QStringLiteral("Findings (%1)").arg(report.findings.size()));
}

void DesignerView::refreshMetrics()
{
    const LoadResult& r = document_->result();
    const auto& a = document_->analysis();
    const std::size_t errors = r.report.count(Severity::Error);
    const std::size_t warnings = r.report.count(Severity::Warning);
    const std::size_t notes = r.report.count(Severity::Note);
    QStringList counts;
    for (auto [n, s, noun] :
         {std::tuple{errors, Severity::Error, "error"}, std::tuple{warnings, Severity::Warning, "warning"},
          std::tuple{notes, Severity::Note, "note"}})
        if (n > 0)
            counts << QStringLiteral("%1 %2").arg(severityDot(s),
                                                  qs(plural(static_cast<std::int64_t>(n), noun)));
    const QString findings = counts.isEmpty() ? QStringLiteral("<span style='color:#1e823c'>● clean</span>")
                                              : counts.join(QStringLiteral(", "));
    if (a) {
        metricsStatus_->setText(
            QStringLiteral("<b>%1</b> — %2").arg(qs(a->config.name).toHtmlEscaped(), findings));
    } else {
        metricsStatus_->setText(
            QStringLiteral("%1 — <b>no metrics while the config has errors</b>; the figures below "
                           "are from the last valid state, greyed out.")
                .arg(findings));
    }
    for (auto& [id, label] : metricLabels_)
        label->setEnabled(a.has_value());
    for (QTableView* v : {paramsView_, flopsView_, memoryView_})
        v->setEnabled(a.has_value());
    if (!a)
        return;
    for (const CompareColumn& c : compareColumns()) {
        const auto it = metricLabels_.find(std::string(c.id));
        if (it != metricLabels_.end())
            it->second->setText(qs(c.cell(*a).display));
    }
    paramsModel_->setTable(parameterTable(a->params));
    flopsModel_->setTable(flopConventionsTable(a->flops));
    if (haveMemoryModel()) {
        MemoryChartOptions o;
        memoryCaption_->setText(
            QStringLiteral("Peak of a training step at B = %1, T = P, flash attention, GaLore/LoRA rank %2 "
                           "(core estimateMemory; the Charts view varies these).")
                .arg(o.batch)
                .arg(o.rank));
        memoryModel_->setTable(memoryByOptimizerTable(a->config, o));
    } else {
        memoryCaption_->setText(
            QStringLiteral("The memory model (core memory.hpp, issue 4) is not part of this build yet."));
    }
    // The recompute column and "what it counts" are in the Compare view's detail pane.
    flopsView_->setColumnHidden(4, true);
    flopsView_->setColumnHidden(5, true);
    for (QTableView* v : {paramsView_, flopsView_, memoryView_}) {
        v->resizeColumnsToContents();
        fitHeight(v);
    }
}

void DesignerView::refreshSource()
{
    const QString& text = document_->text();
    if (source_->toPlainText() != text) {
        const int scroll = source_->verticalScrollBar()->value();
        source_->setPlainText(text);
        source_->verticalScrollBar()->setValue(scroll);
    }
    QList<QTextEdit::ExtraSelection> marks;
    for (const Finding& f : document_->result().report.findings) {
        if (!f.pos.known())
            continue;
        QTextEdit::ExtraSelection sel;
        QColor c = severityColor(f.severity);
        c.setAlpha(40);
        sel.format.setBackground(c);
        sel.format.setProperty(QTextFormat::FullWidthSelection, true);
        sel.format.setToolTip(qs(f.message));
        sel.cursor = QTextCursor(source_->document()->findBlockByNumber(f.pos.line - 1));
        marks << sel;
    }
    source_->setExtraSelections(marks);
}

void DesignerView::showSourceAt(int line, int column)
{
    side_->setCurrentWidget(source_);
    const QTextBlock block = source_->document()->findBlockByNumber(std::max(0, line - 1));
    QTextCursor cursor(block);
    cursor.movePosition(QTextCursor::Right, QTextCursor::MoveAnchor, std::max(0, column - 1));
    source_->setTextCursor(cursor);
    source_->centerCursor();
}

void DesignerView::focusField(const QString& pointer)
{
    const std::string key = keyOfPointer(pointer);
    const auto it = rows_.find(key);
    if (it == rows_.end() || !document_->isEditable()) {
        for (const Finding& f : document_->result().report.findings)
            if (qs(f.pointer) == pointer && f.pos.known()) {
                showSourceAt(f.pos.line, f.pos.column);
                return;
            }
        side_->setCurrentWidget(source_);
        return;
    }
    if (it->second.group == genericGroup_ && genericGroup_ != nullptr)
        genericGroup_->setChecked(true);
    scroll_->ensureWidgetVisible(it->second.editor, 40, 80);
    it->second.editor->input()->setFocus(Qt::OtherFocusReason);
    // A short highlight so the eye finds the field.
    QLabel* label = it->second.label;
    const QString before = label->styleSheet();
    label->setStyleSheet(before + QStringLiteral("background: #ffe58a;"));
    QTimer::singleShot(1500, label, [label, before] { label->setStyleSheet(before); });
}

// ---- File actions -----------------------------------------------------------------------------

bool DesignerView::maybeSave()
{
    if (!document_->isModified())
        return true;
    const QMessageBox::StandardButton answer =
        unsavedPrompt
            ? unsavedPrompt(document_->fileName())
            : QMessageBox::question(
                  this, QStringLiteral("Unsaved changes"),
                  QStringLiteral("%1 has unsaved changes. Save them?").arg(document_->fileName()),
                  QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Save)
        return save();
    return answer == QMessageBox::Discard;
}

void DesignerView::newDocument()
{
    if (!maybeSave())
        return;
    // The modern canonical form of the family's llama_60m shape, as a starting point.
    if (auto r = loadBundled("llama_60m"); r && r->config) {
        ModelConfig c = *r->config;
        c.name = "untitled";
        document_->newFromConfig(c);
    }
    emit statusMessage(QStringLiteral("New config (modern canonical form); edit any field"));
}

bool DesignerView::openBundled(const QString& name, const QString& pointer)
{
    if (!maybeSave())
        return false;
    if (!document_->newFromBundled(name))
        return false;
    if (!pointer.isNull())
        focusField(pointer);
    emit statusMessage(QStringLiteral("Copy of bundled %1 (save to keep it)").arg(name));
    return true;
}

bool DesignerView::openFile(const QString& path, const QString& pointer)
{
    if (!maybeSave())
        return false;
    QString error;
    if (!document_->openFile(path, &error)) {
        QMessageBox::warning(this, QStringLiteral("Cannot open"), error);
        return false;
    }
    emit fileUsed(document_->filePath());
    if (!pointer.isNull())
        focusField(pointer);
    emit statusMessage(QStringLiteral("Opened %1 in the designer").arg(document_->filePath()));
    return true;
}

void DesignerView::openDialog()
{
    const QString path =
        QFileDialog::getOpenFileName(this, QStringLiteral("Open config in the designer"), QString(),
                                     QStringLiteral("Config files (*.json);;All files (*)"));
    if (!path.isEmpty())
        openFile(path);
}

bool DesignerView::save()
{
    if (document_->filePath().isEmpty())
        return saveAs();
    QString error;
    if (!document_->save(document_->filePath(), &error)) {
        QMessageBox::warning(this, QStringLiteral("Save failed"), error);
        return false;
    }
    emit fileUsed(document_->filePath());
    const std::size_t errors = document_->result().report.count(Severity::Error);
    emit statusMessage(errors == 0 ? QStringLiteral("Saved %1").arg(document_->filePath())
                                   : QStringLiteral("Saved %1 with %2")
                                         .arg(document_->filePath(),
                                              qs(plural(static_cast<std::int64_t>(errors), "error"))));
    return true;
}

bool DesignerView::saveAs()
{
    const QString suggested = document_->filePath().isEmpty() ? document_->fileName() : document_->filePath();
    const QString path = savePathPrompt
                             ? savePathPrompt(suggested)
                             : QFileDialog::getSaveFileName(this, QStringLiteral("Save config"), suggested,
                                                            QStringLiteral("Config files (*.json)"));
    if (path.isEmpty())
        return false;
    QString error;
    if (!document_->save(path, &error)) {
        QMessageBox::warning(this, QStringLiteral("Save failed"), error);
        return false;
    }
    emit fileUsed(document_->filePath());
    emit statusMessage(QStringLiteral("Saved %1").arg(document_->filePath()));
    return true;
}

void DesignerView::showFitDialog()
{
    if (!fitDialogAvailable() || !document_->isEditable())
        return;
    auto* dialog = new FitDialog(document_, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &FitDialog::statusMessage, this, &DesignerView::statusMessage);
    dialog->show();
}

void DesignerView::saveSettings(QSettings& s) const
{
    s.setValue(QStringLiteral("designer/splitter"), splitter_->saveState());
    s.setValue(QStringLiteral("designer/sideTab"), side_->currentIndex());
    if (genericGroup_ != nullptr)
        s.setValue(QStringLiteral("designer/showGeneric"), genericGroup_->isChecked());
}

void DesignerView::restoreSettings(const QSettings& s)
{
    if (s.contains(QStringLiteral("designer/splitter")))
        splitter_->restoreState(s.value(QStringLiteral("designer/splitter")).toByteArray());
    side_->setCurrentIndex(s.value(QStringLiteral("designer/sideTab"), 0).toInt());
    if (genericGroup_ != nullptr && s.value(QStringLiteral("designer/showGeneric"), false).toBool())
        genericGroup_->setChecked(true);
}

} // namespace llamascope::gui
