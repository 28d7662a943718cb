#include "llamascope/gui/fit_inputs.hpp"

#include "enum_combo.hpp"
#include "llamascope/errors.hpp"
#include "llamascope/memory.hpp"
#include "text.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>

#include <limits>

namespace llamascope::gui {
namespace {

int toInt(Count v)
{
    return static_cast<int>(std::min<Count>(v, std::numeric_limits<int>::max()));
}

} // namespace

FitInputs::FitInputs(const std::optional<ModelConfig>& start, QWidget* parent)
    : QWidget(parent), start_(start)
{
    // Starting values: core's defaults, so the dialog searches what `llamascope generate` does.
    const DesignTarget target;
    const DesignConstraints cons;
    MemoryOptions memory;
    memory.rank = kDefaultLowRank;

    auto* top = new QHBoxLayout(this);
    top->setContentsMargins(0, 0, 0, 0);
    auto* targetBox = new QGroupBox(QStringLiteral("Target"), this);
    auto* tf = new QFormLayout(targetBox);
    kind_ = new QComboBox(targetBox);
    kind_->addItem(QStringLiteral("Parameters"), static_cast<int>(DesignTargetKind::Params));
    kind_->addItem(QStringLiteral("Forward FLOPs per token"),
                   static_cast<int>(DesignTargetKind::ForwardFlops));
    kind_->addItem(QStringLiteral("Training memory"), static_cast<int>(DesignTargetKind::TrainingMemory));
    kind_->addItem(QStringLiteral("Compute budget (Chinchilla)"),
                   static_cast<int>(DesignTargetKind::Compute));
    kind_->setCurrentIndex(std::max(0, kind_->findData(static_cast<int>(target.kind))));
    tf->addRow(QStringLiteral("Target"), kind_);
    target_ = new QLineEdit(QStringLiteral("500M"), targetBox);
    tf->addRow(QStringLiteral("Value"), target_);
    targetHint_ = new QLabel(targetBox);
    targetHint_->setStyleSheet(QStringLiteral("color: #666;"));
    targetHint_->setWordWrap(true);
    tf->addRow(QString(), targetHint_);
    convention_ = new QComboBox(targetBox);
    addEnumItems(convention_, flopConventionTable());
    selectEnum(convention_, flopConventionTable(), target.convention);
    tf->addRow(QStringLiteral("FLOP convention"), convention_);
    flopSeq_ = new QSpinBox(targetBox);
    flopSeq_->setRange(0, 1 << 20);
    flopSeq_->setSpecialValueText(QStringLiteral("context length"));
    flopSeq_->setValue(toInt(target.flopSeqLen));
    tf->addRow(QStringLiteral("FLOPs at T"), flopSeq_);
    optimizer_ = new QComboBox(targetBox);
    addEnumItems(optimizer_, optimizerTable(), [](Optimizer o) { return o != Optimizer::None; });
    selectEnum(optimizer_, optimizerTable(), memory.optimizer);
    tf->addRow(QStringLiteral("Optimizer"), optimizer_);
    batch_ = new QSpinBox(targetBox);
    batch_->setRange(1, 65536);
    batch_->setValue(toInt(memory.batch));
    tf->addRow(QStringLiteral("Batch"), batch_);
    memSeq_ = new QSpinBox(targetBox);
    memSeq_->setRange(0, 1 << 20);
    memSeq_->setSpecialValueText(QStringLiteral("context length"));
    memSeq_->setValue(toInt(memory.seqLen));
    tf->addRow(QStringLiteral("Memory at T"), memSeq_);
    rank_ = new QSpinBox(targetBox);
    rank_->setRange(1, 8192);
    rank_->setValue(toInt(memory.rank));
    tf->addRow(QStringLiteral("GaLore/LoRA rank"), rank_);
    top->addWidget(targetBox, 1);

    auto* consBox = new QGroupBox(QStringLiteral("Constraints"), this);
    auto* cf = new QFormLayout(consBox);
    QStringList dims;
    for (Count h : cons.headDims)
        dims << QString::number(h);
    headDims_ = new QLineEdit(dims.join(QStringLiteral(", ")), consBox);
    cf->addRow(QStringLiteral("head_dim choices"), headDims_);
    ffnRule_ = new QComboBox(consBox);
    // The table's names; the ratio rule's text states the numbers this dialog searches with.
    addEnumItems(ffnRule_, ffnRuleTable(), {}, [&cons](const EnumEntry<FfnRule>& e) {
        return e.value == FfnRule::Ratio
                   ? QStringLiteral("%1: %2·d ± %3 %, multiple of %4")
                         .arg(qs(e.name))
                         .arg(cons.ffnRatio, 0, 'g', 4)
                         .arg(cons.ffnTolerance * 100, 0, 'g', 3)
                         .arg(cons.ffnMultiple)
                   : QStringLiteral("%1: multiple_of %2").arg(qs(e.name)).arg(cons.ffnMultiple);
    });
    selectEnum(ffnRule_, ffnRuleTable(), cons.ffnRule);
    cf->addRow(QStringLiteral("FFN rule"), ffnRule_);
    kvHeads_ = new QSpinBox(consBox);
    kvHeads_->setRange(0, 1024);
    kvHeads_->setSpecialValueText(QStringLiteral("= heads (MHA)"));
    kvHeads_->setValue(cons.kvHeads ? toInt(*cons.kvHeads) : 0);
    cf->addRow(QStringLiteral("kv heads"), kvHeads_);
    tie_ = new QComboBox(consBox);
    addEnumItems(tie_, tieModeTable());
    selectEnum(tie_, tieModeTable(), cons.tie);
    cf->addRow(QStringLiteral("Embeddings"), tie_);
    nlBand_ = new QCheckBox(QStringLiteral("keep N/L inside the family's trend band"), consBox);
    nlBand_->setChecked(cons.useNlBand);
    cf->addRow(QString(), nlBand_);
    vocab_ = new QSpinBox(consBox);
    vocab_->setRange(1, 100000000);
    context_ = new QSpinBox(consBox);
    context_->setRange(1, 100000000);
    vocab_->setValue(toInt(start_ ? start_->vocabSize : cons.vocab));
    context_->setValue(toInt(start_ ? start_->contextLength : cons.context));
    cf->addRow(QStringLiteral("vocab_size"), vocab_);
    cf->addRow(QStringLiteral("context length"), context_);
    top->addWidget(consBox, 1);

    connect(kind_, &QComboBox::currentIndexChanged, this, &FitInputs::updateTargetHint);
    updateTargetHint();
}

void FitInputs::updateTargetHint()
{
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
}

FitInputs::Request FitInputs::read() const
{
    Request r;
    DesignTarget& target = r.target;
    DesignConstraints& cons = r.constraints;
    target.kind = static_cast<DesignTargetKind>(kind_->currentData().toInt());
    const std::string text = target_->text().trimmed().toStdString();
    switch (target.kind) {
    case DesignTargetKind::Params: target.value = parseParamsOrBundled(text, "parameter target"); break;
    case DesignTargetKind::TrainingMemory:
        target.value = static_cast<double>(parseByteSize(text, "memory target"));
        break;
    default: target.value = parseQuantity(text, "target"); break;
    }
    target.convention = enumValue(convention_, flopConventionTable()).value_or(target.convention);
    target.flopSeqLen = flopSeq_->value();
    target.memory.optimizer = enumValue(optimizer_, optimizerTable()).value_or(target.memory.optimizer);
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
    cons.ffnRule = enumValue(ffnRule_, ffnRuleTable()).value_or(cons.ffnRule);
    if (kvHeads_->value() > 0)
        cons.kvHeads = kvHeads_->value();
    cons.tie = enumValue(tie_, tieModeTable()).value_or(cons.tie);
    cons.useNlBand = nlBand_->isChecked();
    cons.vocab = vocab_->value();
    cons.context = context_->value();
    if (start_)
        cons.position = start_->positionType;
    checkConstraints(cons);
    return r;
}

} // namespace llamascope::gui
