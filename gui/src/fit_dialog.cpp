#include "llamascope/gui/fit_dialog.hpp"

#include "llamascope/gui/background_task.hpp"
#include "llamascope/gui/designer_document.hpp"
#include "text.hpp"

#if LLAMASCOPE_GUI_HAVE_DESIGN
#include "llamascope/design.hpp"
#include "llamascope/errors.hpp"
#include "llamascope/format.hpp"
#include "llamascope/memory.hpp"
#else
namespace llamascope {
struct DesignCandidate {}; // stand-in so the model compiles without core's designer
} // namespace llamascope
#endif

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QVBoxLayout>

#include <array>
#include <exception>

namespace llamascope::gui {

bool fitDialogAvailable()
{
#if LLAMASCOPE_GUI_HAVE_DESIGN
    return true;
#else
    return false;
#endif
}

// ---- CandidateModel -------------------------------------------------------------------------

namespace {
#if LLAMASCOPE_GUI_HAVE_DESIGN
enum CandidateColumn {
    FileCol,
    ParamsCol,
    ErrorCol,
    HiddenCol,
    LayersCol,
    HeadsCol,
    KvCol,
    HeadDimCol,
    FfnCol,
    NlCol,
    FfnRatioCol,
    TiedCol,
    ScoreCol,
    ReasonCol,
    ColumnCount
};
#else
constexpr int ColumnCount = 1;
#endif
} // namespace

CandidateModel::CandidateModel(QObject* parent) : QAbstractTableModel(parent)
{
}
CandidateModel::~CandidateModel() = default;

void CandidateModel::setCandidates(std::vector<DesignCandidate> candidates)
{
    beginResetModel();
    candidates_ = std::move(candidates);
    endResetModel();
}

const DesignCandidate* CandidateModel::candidate(int row) const
{
    if (row < 0 || row >= static_cast<int>(candidates_.size()))
        return nullptr;
    return &candidates_[static_cast<std::size_t>(row)];
}

int CandidateModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(candidates_.size());
}

int CandidateModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CandidateModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
#if LLAMASCOPE_GUI_HAVE_DESIGN
    static const std::array<const char*, ColumnCount> headers = {
        "File", "Params", "Error", "d", "L", "H", "K", "h", "f", "N/L", "FFN", "Tied", "Shape score", "Why"};
    if (section >= 0 && section < ColumnCount)
        return QString::fromLatin1(headers[static_cast<std::size_t>(section)]);
#else
    (void)section;
#endif
    return {};
}

QVariant CandidateModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
#if LLAMASCOPE_GUI_HAVE_DESIGN
    const DesignCandidate& c = candidates_[static_cast<std::size_t>(index.row())];
    if (role == Qt::TextAlignmentRole)
        return QVariant::fromValue(Qt::Alignment(index.column() == FileCol || index.column() == ReasonCol ||
                                                         index.column() == TiedCol
                                                     ? Qt::AlignLeft
                                                     : Qt::AlignRight) |
                                   Qt::AlignVCenter);
    if (role == Qt::ToolTipRole)
        return qs(c.reason);
    if (role == Qt::ForegroundRole && index.column() == ErrorCol)
        return c.onTarget ? QColor(30, 130, 60) : QColor(196, 120, 0);
    if (role != Qt::DisplayRole)
        return {};
    const ModelConfig& cfg = c.config;
    switch (index.column()) {
    case FileCol: return qs(c.fileName);
    case ParamsCol: return qs(formatCount(c.parameters));
    case ErrorCol: return qs(formatFixed(c.error * 100.0, 2)) + QStringLiteral(" %");
    case HiddenCol: return qs(formatCount(cfg.hiddenSize));
    case LayersCol: return qs(formatCount(cfg.numHiddenLayers));
    case HeadsCol: return qs(formatCount(cfg.numAttentionHeads));
    case KvCol: return qs(formatCount(cfg.numKeyValueHeads));
    case HeadDimCol: return qs(formatCount(cfg.headDim));
    case FfnCol: return qs(formatCount(cfg.intermediateSize));
    case NlCol: return qs(formatFixed(c.widthPerLayer, 2));
    case FfnRatioCol: return qs(formatFixed(c.ffnRatio, 3));
    case TiedCol: return cfg.tieWordEmbeddings ? QStringLiteral("tied") : QStringLiteral("untied");
    case ScoreCol: return qs(formatFixed(c.shapeScore, 3));
    case ReasonCol: return qs(c.reason);
    default: return {};
    }
#else
    (void)role;
    return {};
#endif
}

// ---- FitDialog ----------------------------------------------------------------------------------

FitDialog::FitDialog(DesignerDocument* document, QWidget* parent)
    : QDialog(parent), document_(document), task_(new BackgroundTask(this)), model_(new CandidateModel(this))
{
    setWindowTitle(QStringLiteral("Fit to target"));
    resize(1100, 640);
    auto* layout = new QVBoxLayout(this);
#if !LLAMASCOPE_GUI_HAVE_DESIGN
    layout->addWidget(
        new QLabel(QStringLiteral("Core's designer (design.hpp, issue 4) is not part of this build."), this));
#else
    auto* top = new QHBoxLayout;
    auto* targetBox = new QGroupBox(QStringLiteral("Target"), this);
    auto* tf = new QFormLayout(targetBox);
    kind_ = new QComboBox(targetBox);
    kind_->addItem(QStringLiteral("Parameters"), static_cast<int>(DesignTargetKind::Params));
    kind_->addItem(QStringLiteral("Forward FLOPs per token"),
                   static_cast<int>(DesignTargetKind::ForwardFlops));
    kind_->addItem(QStringLiteral("Training memory"), static_cast<int>(DesignTargetKind::TrainingMemory));
    kind_->addItem(QStringLiteral("Compute budget (Chinchilla)"),
                   static_cast<int>(DesignTargetKind::Compute));
    tf->addRow(QStringLiteral("Target"), kind_);
    target_ = new QLineEdit(QStringLiteral("500M"), targetBox);
    tf->addRow(QStringLiteral("Value"), target_);
    targetHint_ = new QLabel(targetBox);
    targetHint_->setStyleSheet(QStringLiteral("color: #666;"));
    targetHint_->setWordWrap(true);
    tf->addRow(QString(), targetHint_);
    convention_ = new QComboBox(targetBox);
    for (const char* c : {"exact", "kaplan", "palm", "chinchilla"})
        convention_->addItem(QString::fromLatin1(c));
    tf->addRow(QStringLiteral("FLOP convention"), convention_);
    flopSeq_ = new QSpinBox(targetBox);
    flopSeq_->setRange(0, 1 << 20);
    flopSeq_->setSpecialValueText(QStringLiteral("context length"));
    tf->addRow(QStringLiteral("FLOPs at T"), flopSeq_);
    optimizer_ = new QComboBox(targetBox);
    for (std::string_view n : optimizerNames())
        if (n != "none")
            optimizer_->addItem(qs(n));
    optimizer_->setCurrentText(QStringLiteral("mixed-adamw"));
    tf->addRow(QStringLiteral("Optimizer"), optimizer_);
    batch_ = new QSpinBox(targetBox);
    batch_->setRange(1, 65536);
    tf->addRow(QStringLiteral("Batch"), batch_);
    memSeq_ = new QSpinBox(targetBox);
    memSeq_->setRange(0, 1 << 20);
    memSeq_->setSpecialValueText(QStringLiteral("context length"));
    tf->addRow(QStringLiteral("Memory at T"), memSeq_);
    rank_ = new QSpinBox(targetBox);
    rank_->setRange(1, 8192);
    rank_->setValue(128);
    tf->addRow(QStringLiteral("GaLore/LoRA rank"), rank_);
    top->addWidget(targetBox, 1);

    auto* consBox = new QGroupBox(QStringLiteral("Constraints"), this);
    auto* cf = new QFormLayout(consBox);
    headDims_ = new QLineEdit(QStringLiteral("64, 128"), consBox);
    cf->addRow(QStringLiteral("head_dim choices"), headDims_);
    ffnRule_ = new QComboBox(consBox);
    ffnRule_->addItem(QStringLiteral("8/3·d ± 4 %, multiple of 64"), static_cast<int>(FfnRule::Ratio));
    ffnRule_->addItem(QStringLiteral("LLaMA multiple_of rounding"), static_cast<int>(FfnRule::Llama));
    cf->addRow(QStringLiteral("FFN rule"), ffnRule_);
    kvHeads_ = new QSpinBox(consBox);
    kvHeads_->setRange(0, 1024);
    kvHeads_->setSpecialValueText(QStringLiteral("= heads (MHA)"));
    cf->addRow(QStringLiteral("kv heads"), kvHeads_);
    tie_ = new QComboBox(consBox);
    tie_->addItem(QStringLiteral("either"), static_cast<int>(TieMode::Either));
    tie_->addItem(QStringLiteral("untied"), static_cast<int>(TieMode::Untied));
    tie_->addItem(QStringLiteral("tied"), static_cast<int>(TieMode::Tied));
    cf->addRow(QStringLiteral("Embeddings"), tie_);
    nlBand_ = new QCheckBox(QStringLiteral("keep N/L inside the family's trend band"), consBox);
    nlBand_->setChecked(true);
    cf->addRow(QString(), nlBand_);
    vocab_ = new QSpinBox(consBox);
    vocab_->setRange(1, 100000000);
    context_ = new QSpinBox(consBox);
    context_->setRange(1, 100000000);
    if (const auto& a = document_->analysis()) {
        vocab_->setValue(static_cast<int>(a->config.vocabSize));
        context_->setValue(static_cast<int>(a->config.contextLength));
    } else {
        vocab_->setValue(32000);
        context_->setValue(2048);
    }
    cf->addRow(QStringLiteral("vocab_size"), vocab_);
    cf->addRow(QStringLiteral("context length"), context_);
    top->addWidget(consBox, 1);
    layout->addLayout(top);

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
    layout->addWidget(note_);

    table_ = new QTableView(this);
    table_->setModel(model_);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->setAlternatingRowColors(true);
    layout->addWidget(table_, 1);
    why_ = new QLabel(this);
    why_->setWordWrap(true);
    why_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(why_);
    connect(
        table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        [this](const QModelIndex& i) {
            const DesignCandidate* c = model_->candidate(i.row());
            why_->setText(
                c == nullptr
                    ? QString()
                    : QStringLiteral("<b>%1</b>: %2").arg(qs(c->fileName), qs(c->reason).toHtmlEscaped()));
        });

    auto* buttons = new QDialogButtonBox(this);
    apply_ = buttons->addButton(QStringLiteral("Apply shape to this config"), QDialogButtonBox::AcceptRole);
    openNew_ = buttons->addButton(QStringLiteral("Open as new config"), QDialogButtonBox::ActionRole);
    buttons->addButton(QDialogButtonBox::Close);
    apply_->setEnabled(false);
    openNew_->setEnabled(false);
    layout->addWidget(buttons);

    connect(kind_, &QComboBox::currentIndexChanged, this, &FitDialog::updateTargetHint);
    connect(search_, &QPushButton::clicked, this, &FitDialog::startSearch);
    connect(cancel_, &QPushButton::clicked, this, &FitDialog::cancelSearch);
    connect(apply_, &QPushButton::clicked, this, &FitDialog::applySelected);
    connect(openNew_, &QPushButton::clicked, this, &FitDialog::openSelected);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(table_, &QTableView::doubleClicked, this, &FitDialog::applySelected);
    connect(task_, &BackgroundTask::progressed, this, [this](double f, const QString& stage) {
        progress_->setValue(static_cast<int>(f * 1000));
        progress_->setFormat(stage.isEmpty() ? QStringLiteral("%p%") : stage + QStringLiteral(" — %p%"));
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
    updateTargetHint();
#endif
}

FitDialog::~FitDialog() = default;

void FitDialog::updateTargetHint()
{
#if LLAMASCOPE_GUI_HAVE_DESIGN
    const auto kind = static_cast<DesignTargetKind>(kind_->currentData().toInt());
    const bool flops = kind == DesignTargetKind::ForwardFlops;
    const bool memory = kind == DesignTargetKind::TrainingMemory;
    for (QWidget* w : std::initializer_list<QWidget*>{convention_, flopSeq_})
        w->setEnabled(flops);
    for (QWidget* w : std::initializer_list<QWidget*>{optimizer_, batch_, memSeq_, rank_})
        w->setEnabled(memory);
    switch (kind) {
    case DesignTargetKind::Params:
        targetHint_->setText(QStringLiteral("e.g. 500M, 1.3B, or a bundled name such as llama_350m"));
        break;
    case DesignTargetKind::ForwardFlops:
        targetHint_->setText(QStringLiteral("FLOPs per token, e.g. 2.5G or 1e9"));
        break;
    case DesignTargetKind::TrainingMemory:
        targetHint_->setText(QStringLiteral("bytes at the peak of a training step, e.g. 24GiB or 80GB"));
        break;
    case DesignTargetKind::Compute:
        targetHint_->setText(
            QStringLiteral("training FLOPs C, e.g. 1e21: Chinchilla N = sqrt(C/120), D = 20·N"));
        break;
    }
#endif
}

bool FitDialog::startSearch()
{
#if LLAMASCOPE_GUI_HAVE_DESIGN
    if (task_->isRunning())
        return false;
    DesignTarget target;
    DesignConstraints cons;
    try {
        target.kind = static_cast<DesignTargetKind>(kind_->currentData().toInt());
        const std::string text = target_->text().trimmed().toStdString();
        switch (target.kind) {
        case DesignTargetKind::Params: target.value = parseParamsOrBundled(text, "parameter target"); break;
        case DesignTargetKind::TrainingMemory:
            target.value = static_cast<double>(parseByteSize(text, "memory target"));
            break;
        default: target.value = parseQuantity(text, "target"); break;
        }
        target.convention = static_cast<FlopConventionId>(convention_->currentIndex());
        target.flopSeqLen = flopSeq_->value();
        const auto opt = optimizerFromString(optimizer_->currentText().toStdString());
        target.memory.optimizer = opt ? *opt : Optimizer::MixedAdamW;
        target.memory.batch = batch_->value();
        target.memory.seqLen = memSeq_->value();
        target.memory.rank = rank_->value();
        cons.headDims.clear();
        for (const QString& part : headDims_->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            bool ok = false;
            const qlonglong h = part.trimmed().toLongLong(&ok);
            if (!ok)
                throw InvalidArgument("head_dim choices must be integers, e.g. 64, 128");
            cons.headDims.push_back(h);
        }
        cons.ffnRule = static_cast<FfnRule>(ffnRule_->currentData().toInt());
        if (kvHeads_->value() > 0)
            cons.kvHeads = kvHeads_->value();
        cons.tie = static_cast<TieMode>(tie_->currentData().toInt());
        cons.useNlBand = nlBand_->isChecked();
        cons.vocab = vocab_->value();
        cons.context = context_->value();
        if (const auto& a = document_->analysis())
            cons.position = a->config.positionType;
        checkConstraints(cons);
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
    connect(task_, &BackgroundTask::finished, context, [this, result, context] {
        context->deleteLater();
        search_->setEnabled(true);
        cancel_->setEnabled(false);
        progress_->setValue(1000);
        model_->setCandidates(result->candidates);
        QString note = QStringLiteral("%1 candidates from %2 shapes evaluated (%3 families considered).")
                           .arg(result->candidates.size())
                           .arg(result->shapesEvaluated)
                           .arg(result->shapesConsidered);
        if (!result->note.empty())
            note += QStringLiteral(" ") + qs(result->note);
        note_->setText(note);
        table_->resizeColumnsToContents();
        if (model_->rowCount() > 0)
            table_->selectRow(0);
        apply_->setEnabled(model_->rowCount() > 0);
        openNew_->setEnabled(model_->rowCount() > 0);
    });
    connect(task_, &BackgroundTask::cancelled, context, &QObject::deleteLater);
    connect(task_, &BackgroundTask::failed, context, &QObject::deleteLater);
    task_->start(
        [target, cons, result](Progress& progress) { *result = design(target, cons, 8, &progress); });
    return true;
#else
    return false;
#endif
}

void FitDialog::cancelSearch()
{
    task_->cancel();
}

const DesignCandidate* FitDialog::selected() const
{
#if LLAMASCOPE_GUI_HAVE_DESIGN
    const QModelIndex i = table_->currentIndex();
    return model_->candidate(i.isValid() ? i.row() : 0);
#else
    return nullptr;
#endif
}

bool FitDialog::applySelected()
{
#if LLAMASCOPE_GUI_HAVE_DESIGN
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
    emit statusMessage(QStringLiteral("Applied the shape of %1 (undo with Ctrl+Z)").arg(qs(c->fileName)));
    return true;
#else
    return false;
#endif
}

bool FitDialog::openSelected()
{
#if LLAMASCOPE_GUI_HAVE_DESIGN
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
#else
    return false;
#endif
}

} // namespace llamascope::gui
