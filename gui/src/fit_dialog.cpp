#include "llamascope/gui/fit_dialog.hpp"

#include "llamascope/format.hpp"
#include "llamascope/gui/background_task.hpp"
#include "llamascope/gui/designer_document.hpp"
#include "llamascope/gui/fit_inputs.hpp"
#include "table_fit.hpp"
#include "text.hpp"

#include <QBrush>
#include <QColor>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QTableView>
#include <QTextDocument>
#include <QVBoxLayout>

#include <exception>
#include <memory>

namespace llamascope::gui {

QString shapeScoreExplanation()
{
    return QStringLiteral(
        "Shape score (lower is better; candidates on target are ranked by it): 0 on the bundled family's N/L "
        "trend, +1 at the edge of its band; 0 at SwiGLU's FFN ratio 8/3, +1 at 5 % off; +0.5 when head_dim "
        "is not "
        "the preferred one; +0.5 when d is not a round width; +0.25 for tied embeddings when either is "
        "allowed.");
}

// ---- CandidateModel -------------------------------------------------------------------------

CandidateModel::CandidateModel(QObject* parent) : QAbstractTableModel(parent)
{
}

void CandidateModel::setCandidates(std::vector<DesignCandidate> candidates, DesignTargetKind kind)
{
    beginResetModel();
    candidates_ = std::move(candidates);
    table_ = candidatesTable(candidates_, kind);
    columns_.clear();
    for (std::size_t c = 0; c < table_.columns.size(); ++c)
        columns_.push_back(static_cast<int>(c));
    endResetModel();
}

const DesignCandidate* CandidateModel::candidate(int row) const
{
    if (row < 0 || row >= static_cast<int>(candidates_.size()))
        return nullptr;
    return &candidates_[static_cast<std::size_t>(row)];
}

int CandidateModel::tableColumn(int column) const
{
    return column >= 0 && column < static_cast<int>(columns_.size())
               ? columns_[static_cast<std::size_t>(column)]
               : -1;
}

int CandidateModel::columnOf(const QString& header) const
{
    for (int c = 0; c < columnCount(); ++c)
        if (headerData(c, Qt::Horizontal).toString() == header)
            return c;
    return -1;
}

int CandidateModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(candidates_.size());
}

int CandidateModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() || table_.columns.empty() ? 0 : static_cast<int>(columns_.size()) + 1;
}

QVariant CandidateModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= columnCount())
        return {};
    const int t = tableColumn(section);
    const QString header =
        t < 0 ? QStringLiteral("Why") : qs(table_.columns[static_cast<std::size_t>(t)].header);
    if (role == Qt::DisplayRole)
        return header;
    if (role == Qt::ToolTipRole) {
        if (header == QLatin1String("Score"))
            return shapeScoreExplanation();
        if (header == QLatin1String("Why"))
            return QStringLiteral(
                "Why this shape: size, error, N/L against the trend and its band, heads, FFN "
                "ratio and embeddings (in full below the table)");
        if (header == QLatin1String("Band"))
            return QStringLiteral("The N/L band allowed at this size (the family trend's, or the one given)");
        if (header == QLatin1String("Error"))
            return QStringLiteral("(achieved − target) / target");
        if (header == QLatin1String("Findings"))
            return QStringLiteral("Validator findings of the file this candidate would be (0: clean)");
        return {};
    }
    if (role == Qt::TextAlignmentRole && t >= 0)
        return QVariant::fromValue(
            Qt::Alignment(table_.columns[static_cast<std::size_t>(t)].align == Align::Right ? Qt::AlignRight
                                                                                            : Qt::AlignLeft) |
            Qt::AlignVCenter);
    return {};
}

QVariant CandidateModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const DesignCandidate& c = candidates_[static_cast<std::size_t>(index.row())];
    const int t = tableColumn(index.column());
    if (t < 0) { // Why
        if (role == Qt::DisplayRole || role == Qt::ToolTipRole)
            return qs(c.reason);
        return {};
    }
    const Cell& cell = table_.rows[static_cast<std::size_t>(index.row())][static_cast<std::size_t>(t)];
    const std::string& header = table_.columns[static_cast<std::size_t>(t)].header;
    switch (role) {
    case Qt::DisplayRole: return qs(cell.display);
    case Qt::ToolTipRole: return header == "Score" ? shapeScoreExplanation() : qs(c.reason);
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(
            Qt::Alignment(table_.columns[static_cast<std::size_t>(t)].align == Align::Right ? Qt::AlignRight
                                                                                            : Qt::AlignLeft) |
            Qt::AlignVCenter);
    case Qt::ForegroundRole:
        if (header == "Error")
            return QBrush(c.onTarget ? QColor(30, 130, 60) : QColor(196, 120, 0));
        return {};
    default: return {};
    }
}

// ---- FitDialog ----------------------------------------------------------------------------------

FitDialog::FitDialog(DesignerDocument* document, QWidget* parent)
    : QDialog(parent), document_(document), task_(new BackgroundTask(this)), model_(new CandidateModel(this))
{
    setWindowTitle(QStringLiteral("Fit to target"));
    resize(1180, 680);
    auto* layout = new QVBoxLayout(this);
    std::optional<ModelConfig> start;
    if (const auto& a = document_->analysis())
        start = a->config;
    inputs_ = new FitInputs(start, this);
    layout->addWidget(inputs_);

    auto* run = new QHBoxLayout;
    search_ = new QPushButton(QStringLiteral("Search"), this);
    search_->setDefault(true);
    cancel_ = new QPushButton(QStringLiteral("Cancel search"), this);
    cancel_->setEnabled(false);
    progress_ = new QProgressBar(this);
    progress_->setRange(0, 1000);
    progress_->setValue(0);
    run->addWidget(search_);
    run->addWidget(cancel_);
    run->addWidget(progress_, 1);
    layout->addLayout(run);
    note_ = new QLabel(this);
    note_->setWordWrap(true);
    note_->setTextFormat(Qt::RichText);
    layout->addWidget(note_);

    table_ = new QTableView(this);
    table_->setModel(model_);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->verticalHeader()->hide();
    table_->setAlternatingRowColors(true);
    table_->setWordWrap(false);
    auto* fit = new ColumnFitter(table_, table_->horizontalHeader());
    fit->setStretch({model_->columnCount() > 0 ? model_->columnCount() - 1 : 15});
    connect(model_, &QAbstractItemModel::modelReset, fit,
            [this, fit] { fit->setStretch({std::max(0, model_->columnCount() - 1)}); });
    layout->addWidget(table_, 1);
    // The selected candidate's reason in full, and what the score means.
    why_ = new QLabel(this);
    why_->setWordWrap(true);
    why_->setTextFormat(Qt::RichText);
    why_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    why_->setMinimumHeight(fontMetrics().height() * 2 + 8);
    why_->setStyleSheet(
        QStringLiteral("QLabel { background: #f6f7f9; border: 1px solid #dcdfe4; padding: 4px; }"));
    layout->addWidget(why_);
    auto* score = new QLabel(shapeScoreExplanation(), this);
    score->setWordWrap(true);
    score->setStyleSheet(QStringLiteral("color: #666;"));
    layout->addWidget(score);
    connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &FitDialog::showSelected);

    auto* buttons = new QDialogButtonBox(this);
    apply_ = buttons->addButton(QStringLiteral("Apply shape to this config"), QDialogButtonBox::AcceptRole);
    openNew_ = buttons->addButton(QStringLiteral("Open as new config"), QDialogButtonBox::ActionRole);
    buttons->addButton(QDialogButtonBox::Close);
    apply_->setEnabled(false);
    openNew_->setEnabled(false);
    layout->addWidget(buttons);

    connect(search_, &QPushButton::clicked, this, &FitDialog::startSearch);
    connect(cancel_, &QPushButton::clicked, this, &FitDialog::cancelSearch);
    connect(apply_, &QPushButton::clicked, this, &FitDialog::applySelected);
    connect(openNew_, &QPushButton::clicked, this, &FitDialog::openSelected);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(table_, &QTableView::doubleClicked, this, &FitDialog::applySelected);
    connect(task_, &BackgroundTask::progressed, this, [this](double f, const QString& stage) {
        progress_->setValue(static_cast<int>(f * 1000));
        progress_->setFormat(stage.isEmpty() ? QStringLiteral("%p%") : stage + QStringLiteral(" · %p%"));
    });
    auto idle = [this] {
        search_->setEnabled(true);
        cancel_->setEnabled(false);
    };
    connect(task_, &BackgroundTask::cancelled, this, [this, idle] {
        idle();
        note_->setText(QStringLiteral("Search cancelled."));
    });
    connect(task_, &BackgroundTask::failed, this, [this, idle](const QString& message) {
        idle();
        note_->setText(QStringLiteral("<span style='color:#c82828'>%1</span>").arg(message.toHtmlEscaped()));
    });
}

FitDialog::~FitDialog() = default;

QLineEdit* FitDialog::targetEdit() const
{
    return inputs_->targetEdit();
}

QString FitDialog::whyText() const
{
    QTextDocument doc;
    doc.setHtml(why_->text());
    return doc.toPlainText();
}

void FitDialog::showSelected()
{
    const DesignCandidate* c = selected();
    why_->setText(c == nullptr ? QString()
                               : QStringLiteral("<b>%1</b> — %2 parameters: %3")
                                     .arg(qs(c->fileName).toHtmlEscaped(), qs(formatCount(c->parameters)),
                                          qs(c->reason).toHtmlEscaped()));
}

bool FitDialog::startSearch()
{
    if (task_->isRunning())
        return false;
    FitInputs::Request request;
    try {
        request = inputs_->read();
    } catch (const std::exception& e) {
        note_->setText(QStringLiteral("<span style='color:#c82828'>%1</span>")
                           .arg(QString::fromUtf8(e.what()).toHtmlEscaped()));
        return false;
    }
    auto result = std::make_shared<DesignResult>();
    search_->setEnabled(false);
    cancel_->setEnabled(true);
    apply_->setEnabled(false);
    openNew_->setEnabled(false);
    progress_->setValue(0);
    note_->setText(QStringLiteral("Searching every shape the constraints allow…"));
    // One connection per search: deliver this run's result when it finishes.
    auto* context = new QObject(this);
    const DesignTargetKind kind = request.target.kind;
    connect(task_, &BackgroundTask::finished, context, [this, result, context, kind] {
        context->deleteLater();
        search_->setEnabled(true);
        cancel_->setEnabled(false);
        progress_->setValue(1000);
        model_->setCandidates(result->candidates, kind);
        QString note = QStringLiteral("%1 candidates from %2 shapes evaluated (%3 families considered).")
                           .arg(result->candidates.size())
                           .arg(result->shapesEvaluated)
                           .arg(result->shapesConsidered);
        if (!result->candidates.empty())
            note += QStringLiteral(" Each would be saved as <b>%1</b> (named after the target).")
                        .arg(qs(result->candidates.front().fileName).toHtmlEscaped());
        if (!result->note.empty())
            note += QStringLiteral(" ") + qs(result->note).toHtmlEscaped();
        note_->setText(note);
        if (model_->rowCount() > 0)
            table_->selectRow(0);
        apply_->setEnabled(model_->rowCount() > 0);
        openNew_->setEnabled(model_->rowCount() > 0);
    });
    connect(task_, &BackgroundTask::cancelled, context, &QObject::deleteLater);
    connect(task_, &BackgroundTask::failed, context, &QObject::deleteLater);
    task_->start([request, result](Progress& progress) {
        *result = design(request.target, request.constraints, 8, &progress);
    });
    return true;
}

void FitDialog::cancelSearch()
{
    task_->cancel();
}

const DesignCandidate* FitDialog::selected() const
{
    const QModelIndex i = table_->currentIndex();
    return model_->candidate(i.isValid() ? i.row() : 0);
}

bool FitDialog::applySelected()
{
    const DesignCandidate* c = selected();
    if (c == nullptr || !document_->isEditable())
        return false;
    const ModelConfig& s = c->config;
    std::vector<std::pair<std::string, std::optional<Json>>> values = {
        {"hidden_size", Json(s.hiddenSize)},
        {"num_hidden_layers", Json(s.numHiddenLayers)},
        {"num_attention_heads", Json(s.numAttentionHeads)},
        {"num_key_value_heads", Json(s.numKeyValueHeads)},
        {"intermediate_size", Json(s.intermediateSize)},
        {"vocab_size", Json(s.vocabSize)},
        {"tie_word_embeddings", Json(s.tieWordEmbeddings)},
    };
    // Keys the file already carries keep carrying the designed value; others are not added.
    if (const auto h = document_->value("head_dim"); h && !h->is_null())
        values.emplace_back("head_dim", Json(s.headDim));
    if (document_->value("max_position_embeddings") || !document_->value("max_sequence_length"))
        values.emplace_back("max_position_embeddings", Json(s.contextLength));
    else
        values.emplace_back("max_sequence_length", Json(s.contextLength));
    document_->setFields(values, QStringLiteral("Apply %1 shape").arg(qs(c->fileName)));
    document_->endEditSession();
    // An unsaved document is now this candidate: Save As proposes its name.
    document_->setSuggestedName(qs(c->fileName));
    emit statusMessage(QStringLiteral("Applied the shape of %1 (undo with Ctrl+Z)").arg(qs(c->fileName)));
    return true;
}

bool FitDialog::openSelected()
{
    const DesignCandidate* c = selected();
    if (c == nullptr)
        return false;
    if (document_->isModified()) {
        const auto answer = QMessageBox::question(
            this, QStringLiteral("Unsaved changes"),
            QStringLiteral("%1 has unsaved changes that a new config replaces. Discard them?")
                .arg(document_->fileName()),
            QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer != QMessageBox::Discard)
            return false;
    }
    document_->newFromConfig(c->config);
    emit statusMessage(QStringLiteral("New config %1 (unsaved)").arg(qs(c->fileName)));
    return true;
}

} // namespace llamascope::gui
