#include "llamascope/gui/plan_view.hpp"

#include "enum_combo.hpp"
#include "llamascope/design.hpp"
#include "llamascope/errors.hpp"
#include "llamascope/format.hpp"
#include "llamascope/gui/background_task.hpp"
#include "llamascope/gui/compare_model.hpp"
#include "llamascope/gui/core_table_model.hpp"
#include "llamascope/gui/plan_data.hpp"
#include "llamascope/gui/plan_runner.hpp"
#include "llamascope/gui/scope_chart.hpp"
#include "table_fit.hpp"
#include "text.hpp"

#include <QAbstractProxyModel>
#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <exception>
#include <limits>

namespace llamascope::gui {
namespace {

constexpr int kDebounceMs = 200;
const char* const kDefaultDevice = "h100-sxm"; // the app's starting cluster: 8 × H100 SXM
constexpr int kDefaultGpus = 8;

int toInt(Count v)
{
    return static_cast<int>(std::min<Count>(v, std::numeric_limits<int>::max()));
}

/// A spin box where 0 means `zeroText` ("any", "context length", ...).
QSpinBox* spin(QWidget* parent, const char* name, int lo, int hi, int value, const QString& zeroText = {})
{
    auto* s = new QSpinBox(parent);
    s->setObjectName(QString::fromLatin1(name));
    s->setRange(lo, hi);
    // A typed number is searched once it is entered, not at each digit ("1" of "1024").
    s->setKeyboardTracking(false);
    if (!zeroText.isEmpty())
        s->setSpecialValueText(zeroText);
    s->setValue(value);
    return s;
}

QComboBox* combo(QWidget* parent, const char* name)
{
    auto* c = new QComboBox(parent);
    c->setObjectName(QString::fromLatin1(name));
    return c;
}

/// An "any / yes / no" restriction.
QComboBox* triState(QWidget* parent, const char* name)
{
    QComboBox* c = combo(parent, name);
    c->addItem(QStringLiteral("any"), QString());
    c->addItem(QStringLiteral("yes"), QStringLiteral("yes"));
    c->addItem(QStringLiteral("no"), QStringLiteral("no"));
    return c;
}

QString key(const QComboBox* c)
{
    return c->currentData().toString();
}

void selectKey(QComboBox* c, const QString& k)
{
    const int i = c->findData(k);
    if (i >= 0)
        c->setCurrentIndex(i);
}

std::optional<Count> positive(const QSpinBox* s)
{
    return s->value() > 0 ? std::optional<Count>(s->value()) : std::nullopt;
}

std::optional<bool> yesNo(const QComboBox* c)
{
    const QString k = key(c);
    return k.isEmpty() ? std::nullopt : std::optional<bool>(k == QStringLiteral("yes"));
}

QTableView* tableView(QWidget* parent, QAbstractItemModel* model)
{
    auto* v = new QTableView(parent);
    v->setModel(model);
    v->verticalHeader()->hide();
    v->setEditTriggers(QAbstractItemView::NoEditTriggers);
    v->setSelectionBehavior(QAbstractItemView::SelectRows);
    v->setSelectionMode(QAbstractItemView::SingleSelection);
    v->verticalHeader()->setDefaultSectionSize(v->fontMetrics().height() + 6);
    return v;
}

QString red(const QString& text)
{
    return QStringLiteral("<span style='color:#c82828'>%1</span>").arg(text.toHtmlEscaped());
}

bool rankedOptimizer(std::optional<Optimizer> o)
{
    return o && (*o == Optimizer::GaLore || *o == Optimizer::LoRA || *o == Optimizer::QLoRA);
}

} // namespace

PlanView::PlanView(CompareModel* configs, QWidget* parent)
    : QWidget(parent), configs_(configs), accelerators_(builtinAccelerators()),
      links_(builtinInterconnects()), runner_(new PlanRunner(this)), layouts_(new CoreTableModel(this)),
      time_(new CoreTableModel(this)), terms_(new CoreTableModel(this)), debounce_(new QTimer(this))
{
    debounce_->setSingleShot(true);
    debounce_->setInterval(kDebounceMs);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);

    // Left: the model, Plan / Cancel and progress, then the inputs (scrolling).
    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    auto* modelRow = new QFormLayout;
    config_ = combo(left, "config");
    config_->setMinimumContentsLength(18);
    config_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    config_->setToolTip(QStringLiteral("The model to plan: any config of the workspace, the designer's "
                                       "draft included; choosing a row in Compare chooses it here"));
    modelRow->addRow(QStringLiteral("Model"), config_);
    leftLayout->addLayout(modelRow);
    auto* buttons = new QHBoxLayout;
    plan_ = new QPushButton(QStringLiteral("Plan"), left);
    plan_->setToolTip(QStringLiteral("Search again now (the plan also follows every change)"));
    cancel_ = new QPushButton(QStringLiteral("Cancel"), left);
    cancel_->setObjectName(QStringLiteral("cancel"));
    cancel_->setEnabled(false);
    buttons->addWidget(plan_);
    buttons->addWidget(cancel_);
    leftLayout->addLayout(buttons);
    progress_ = new QProgressBar(left);
    progress_->setRange(0, 1000);
    progress_->setValue(0);
    progress_->setTextVisible(false);
    progress_->setToolTip(QStringLiteral("Share of the (tp, cp, pp) combinations searched"));
    leftLayout->addWidget(progress_);
    stage_ = new QLabel(QStringLiteral("idle"), left);
    stage_->setStyleSheet(QStringLiteral("color: #444;"));
    leftLayout->addWidget(stage_);
    auto* scroll = new QScrollArea(left);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setWidget(buildInputs());
    // The wheel scrolls the panel; it changes a field only once the field has the focus (a
    // wheel passing over "Peak at" must not switch the peak to fp32).
    inputsScroll_ = scroll;
    for (QWidget* w : scroll->widget()->findChildren<QWidget*>())
        if (qobject_cast<QComboBox*>(w) != nullptr || qobject_cast<QAbstractSpinBox*>(w) != nullptr) {
            w->setFocusPolicy(Qt::StrongFocus);
            w->installEventFilter(this);
        }
    leftLayout->addWidget(scroll, 1);
    left->setMinimumWidth(scroll->widget()->sizeHint().width() +
                          scroll->verticalScrollBar()->sizeHint().width() + 4);
    left->setMaximumWidth(left->minimumWidth() + 60);
    layout->addWidget(left);

    // Right: summary and ranked layouts above; the chosen layout's memory and time below.
    auto* right = new QSplitter(Qt::Vertical, this);
    right->setChildrenCollapsible(false);
    auto* top = new QWidget(right);
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    summary_ = new QLabel(top);
    summary_->setWordWrap(true);
    summary_->setTextFormat(Qt::RichText);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    topLayout->addWidget(summary_);
    status_ = new QLabel(top);
    status_->setWordWrap(true);
    status_->setTextFormat(Qt::RichText);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    topLayout->addWidget(status_);
    layoutsView_ = tableView(top, layouts_);
    layoutsView_->setObjectName(QStringLiteral("layouts"));
    layoutsView_->setAlternatingRowColors(true);
    layoutsFit_ = new ColumnFitter(layoutsView_, layoutsView_->horizontalHeader());
    topLayout->addWidget(layoutsView_, 1);
    detail_ = new QLabel(top);
    detail_->setWordWrap(true);
    detail_->setTextFormat(Qt::RichText);
    detail_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    topLayout->addWidget(detail_);
    right->addWidget(top);

    lower_ = new QTabWidget(right);
    auto* charts = new QSplitter(Qt::Horizontal, lower_);
    charts->setChildrenCollapsible(false);
    memoryChart_ = new ScopeChart(charts);
    memoryChart_->setObjectName(QStringLiteral("memoryChart"));
    auto* timePanel = new QWidget(charts);
    auto* timeLayout = new QVBoxLayout(timePanel);
    timeLayout->setContentsMargins(0, 0, 0, 0);
    timeChart_ = new ScopeChart(timePanel);
    timeChart_->setObjectName(QStringLiteral("timeChart"));
    timeLayout->addWidget(timeChart_, 3);
    timeView_ = tableView(timePanel, time_);
    timeView_->setSelectionMode(QAbstractItemView::NoSelection);
    timeFit_ = new ColumnFitter(timeView_, timeView_->horizontalHeader());
    timeFit_->setStretch({0});
    timeLayout->addWidget(timeView_, 2);
    charts->addWidget(memoryChart_);
    charts->addWidget(timePanel);
    charts->setStretchFactor(0, 1);
    charts->setStretchFactor(1, 1);
    charts->setSizes({1000, 1000});
    lower_->addTab(charts, QStringLiteral("Memory and time per GPU"));
    termsView_ = tableView(lower_, terms_);
    termsFit_ = new ColumnFitter(termsView_, termsView_->horizontalHeader());
    termsFit_->setStretch({3});
    lower_->addTab(termsView_, QStringLiteral("Memory terms"));
    right->addWidget(lower_);
    right->setStretchFactor(0, 2);
    right->setStretchFactor(1, 3);
    layout->addWidget(right, 1);

    connect(plan_, &QPushButton::clicked, this, &PlanView::replan);
    connect(cancel_, &QPushButton::clicked, this, &PlanView::cancel);
    connect(debounce_, &QTimer::timeout, this, [this] {
        if (!isVisible()) {
            stale_ = true;
        } else if (runner_->isRunning()) {
            pending_ = true;
            runner_->cancel();
        } else {
            plan();
        }
    });
    connect(layoutsView_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& i) {
                if (i.isValid())
                    showLayout(i.row());
            });
    connect(runner_, &PlanRunner::progressed, this, [this](double f, const QString& stage) {
        progress_->setValue(static_cast<int>(f * 1000));
        stage_->setText(QStringLiteral("searching %1 · %2 %").arg(stage).arg(static_cast<int>(f * 100)));
    });
    auto ended = [this](const QString& stage) {
        setRunning(false);
        stage_->setText(stage);
        // A search cancelled for newer inputs is followed by theirs at once: the end of that
        // one is the end that counts.
        if (pending_) {
            pending_ = false;
            if (plan())
                return;
        }
        emit searchEnded();
    };
    connect(runner_, &PlanRunner::finished, this, [this, ended] {
        progress_->setValue(1000);
        showResult();
        ended(QStringLiteral("done"));
        emit planned();
    });
    connect(runner_, &PlanRunner::cancelled, this, [this, ended] {
        if (!pending_) {
            status_->setText(QStringLiteral("Search cancelled; the layouts shown are from the last finished "
                                            "search."));
            emit statusMessage(QStringLiteral("Plan search cancelled"));
        }
        ended(QStringLiteral("cancelled"));
    });
    connect(runner_, &PlanRunner::failed, this, [this, ended](const QString& message) {
        setError(message);
        ended(QStringLiteral("failed"));
    });

    connect(configs_, &QAbstractItemModel::modelReset, this, &PlanView::repopulate);
    connect(configs_, &QAbstractItemModel::rowsInserted, this, &PlanView::repopulate);
    connect(configs_, &QAbstractItemModel::rowsRemoved, this, &PlanView::repopulate);
    connect(configs_, &QAbstractItemModel::dataChanged, this, &PlanView::repopulate);
    repopulate();
    updateEnabled();
}

PlanView::~PlanView() = default;

QWidget* PlanView::buildInputs()
{
    // Starting values are core's (PlanOptions, LayoutFilter); choices come from core's tables.
    const PlanOptions defaults;
    auto* inputs = new QWidget(this);
    auto* v = new QVBoxLayout(inputs);
    v->setContentsMargins(0, 0, 4, 0);

    auto* cluster = new QGroupBox(QStringLiteral("Cluster"), inputs);
    auto* cf = new QFormLayout(cluster);
    device_ = combo(cluster, "device");
    for (const Accelerator& a : accelerators_.accelerators) {
        device_->addItem(qs(a.key), qs(a.key));
        device_->setItemData(
            device_->count() - 1,
            QStringLiteral("%1, %2").arg(qs(a.name), qs(formatBytes(static_cast<double>(a.memoryBytes)))),
            Qt::ToolTipRole);
    }
    selectKey(device_, QString::fromLatin1(kDefaultDevice));
    cf->addRow(QStringLiteral("Accelerator"), device_);
    gpus_ = spin(cluster, "gpus", 1, 1 << 20, kDefaultGpus);
    cf->addRow(QStringLiteral("GPUs"), gpus_);
    nodes_ = spin(cluster, "nodes", 0, 1 << 16, 0, QStringLiteral("full nodes"));
    nodes_->setToolTip(
        QStringLiteral("Nodes the GPUs are spread over; default: full nodes of the size below"));
    cf->addRow(QStringLiteral("Nodes"), nodes_);
    perNode_ = spin(cluster, "perNode", 0, 1024, 0, QStringLiteral("table's"));
    perNode_->setToolTip(
        QStringLiteral("GPUs per node; default: the interconnect table's for the device (else 8)"));
    cf->addRow(QStringLiteral("GPUs per node"), perNode_);
    intra_ = combo(cluster, "intra");
    inter_ = combo(cluster, "inter");
    for (QComboBox* c : {intra_, inter_}) {
        c->addItem(QStringLiteral("device's default"), QString());
        for (const Interconnect& i : links_.interconnects) {
            c->addItem(qs(i.key), qs(i.key));
            c->setItemData(c->count() - 1, qs(i.name), Qt::ToolTipRole);
        }
    }
    cf->addRow(QStringLiteral("In a node"), intra_);
    cf->addRow(QStringLiteral("Between nodes"), inter_);
    price_ = new QDoubleSpinBox(cluster);
    price_->setObjectName(QStringLiteral("price"));
    price_->setRange(0, 1000);
    price_->setDecimals(2);
    price_->setPrefix(QStringLiteral("$"));
    price_->setSpecialValueText(QStringLiteral("no cost column"));
    price_->setValue(0);
    cf->addRow(QStringLiteral("Per GPU-hour"), price_);
    v->addWidget(cluster);

    auto* recipe = new QGroupBox(QStringLiteral("Recipe"), inputs);
    auto* rf = new QFormLayout(recipe);
    optimizer_ = combo(recipe, "optimizer");
    addEnumItems(optimizer_, optimizerTable(), [](Optimizer o) { return o != Optimizer::None; });
    selectEnum(optimizer_, optimizerTable(), defaults.optimizer);
    rf->addRow(QStringLiteral("Optimizer"), optimizer_);
    rank_ = spin(recipe, "rank", 1, 65536, toInt(kDefaultLowRank));
    rank_->setToolTip(QStringLiteral("GaLore / LoRA / QLoRA rank r"));
    rf->addRow(QStringLiteral("Rank"), rank_);
    weightDtype_ = combo(recipe, "weightDtype");
    gradDtype_ = combo(recipe, "gradDtype");
    weightDtype_->addItem(QStringLiteral("optimizer's"), QString());
    gradDtype_->addItem(QStringLiteral("the weights'"), QString());
    addEnumItems(weightDtype_, storageDtypeTable());
    // Gradients: the floating-point dtypes training reduces them in (fp32, bf16, fp16).
    addEnumItems(gradDtype_, storageDtypeTable(), [](StorageDtype d) {
        return d == StorageDtype::F32 || d == StorageDtype::BF16 || d == StorageDtype::F16;
    });
    rf->addRow(QStringLiteral("Weights"), weightDtype_);
    rf->addRow(QStringLiteral("Gradients"), gradDtype_);
    master_ = triState(recipe, "master");
    master_->setItemText(0, QStringLiteral("optimizer's"));
    master_->setToolTip(QStringLiteral("An fp32 master copy of 16-bit weights"));
    rf->addRow(QStringLiteral("fp32 master copy"), master_);
    attention_ = combo(recipe, "attention");
    addEnumItems(attention_, attentionKernelTable());
    selectEnum(attention_, attentionKernelTable(), defaults.attention);
    rf->addRow(QStringLiteral("Attention"), attention_);
    fusedNorm_ = new QCheckBox(QStringLiteral("fused RMSNorm"), recipe);
    fusedNorm_->setObjectName(QStringLiteral("fusedNorm"));
    fusedNorm_->setChecked(defaults.fusedNorm);
    fusedSwiglu_ = new QCheckBox(QStringLiteral("fused SwiGLU"), recipe);
    fusedSwiglu_->setObjectName(QStringLiteral("fusedSwiglu"));
    fusedSwiglu_->setChecked(defaults.fusedSwiglu);
    fusedCe_ = new QCheckBox(QStringLiteral("fused cross-entropy"), recipe);
    fusedCe_->setObjectName(QStringLiteral("fusedCe"));
    fusedCe_->setChecked(defaults.fusedCrossEntropy);
    vocabParallel_ = new QCheckBox(QStringLiteral("vocab-parallel embeddings"), recipe);
    vocabParallel_->setObjectName(QStringLiteral("vocabParallel"));
    vocabParallel_->setToolTip(
        QStringLiteral("Split embedding and lm_head by vocabulary under tensor parallelism"));
    vocabParallel_->setChecked(defaults.vocabParallel);
    for (QCheckBox* c : {fusedNorm_, fusedSwiglu_, fusedCe_, vocabParallel_})
        rf->addRow(QString(), c);
    v->addWidget(recipe);

    auto* step = new QGroupBox(QStringLiteral("Step and run"), inputs);
    auto* sf = new QFormLayout(step);
    seq_ = spin(step, "seq", 0, 1 << 24, toInt(defaults.seqLen), QStringLiteral("context length"));
    sf->addRow(QStringLiteral("Sequence s"), seq_);
    globalBatch_ = new QLineEdit(QString::number(defaults.globalBatchTokens, 'g', 15), step);
    globalBatch_->setObjectName(QStringLiteral("globalBatch"));
    globalBatch_->setToolTip(
        QStringLiteral("Tokens per optimizer step: 4M, 4Mi (2^22), 2097152, or sequences: 1024seq"));
    sf->addRow(QStringLiteral("Global batch"), globalBatch_);
    auto percent = [step](const char* name, double lo, double hi, double value) {
        auto* s = new QDoubleSpinBox(step);
        s->setObjectName(QString::fromLatin1(name));
        s->setRange(lo, hi);
        s->setDecimals(1);
        s->setSuffix(QStringLiteral(" %"));
        s->setValue(value * 100);
        return s;
    };
    tolerance_ = percent("tolerance", 0, 99, defaults.batchTolerance);
    tolerance_->setToolTip(
        QStringLiteral("How far dp × micro-batch × accumulation may round the global batch"));
    sf->addRow(QStringLiteral("Batch tolerance"), tolerance_);
    headroom_ = percent("headroom", 0, 99, defaults.headroom);
    headroom_->setToolTip(QStringLiteral("Share of each GPU's memory kept free"));
    sf->addRow(QStringLiteral("Headroom"), headroom_);
    efficiency_ = percent("efficiency", 1, 100, defaults.efficiency);
    efficiency_->setToolTip(
        QStringLiteral("Share of the peak the compute sustains (HFU before communication and bubbles)"));
    sf->addRow(QStringLiteral("Efficiency"), efficiency_);
    precision_ = combo(step, "precision");
    precision_->addItem(QStringLiteral("compute dtype's"), QString());
    addEnumItems(precision_, precisionTable());
    precision_->setToolTip(QStringLiteral("The peak the time is computed at"));
    sf->addRow(QStringLiteral("Peak at"), precision_);
    convention_ = combo(step, "convention");
    addEnumItems(convention_, flopConventionTable());
    selectEnum(convention_, flopConventionTable(), defaults.convention);
    convention_->setToolTip(QStringLiteral("The model-FLOPs convention of MFU"));
    sf->addRow(QStringLiteral("MFU convention"), convention_);
    overlap_ = new QCheckBox(QStringLiteral("overlap DP/CP traffic with compute"), step);
    overlap_->setObjectName(QStringLiteral("overlap"));
    overlap_->setChecked(defaults.overlapCommunication);
    sf->addRow(QString(), overlap_);
    tokens_ = new QLineEdit(step);
    tokens_->setObjectName(QStringLiteral("tokens"));
    tokens_->setPlaceholderText(QStringLiteral("20·N (Chinchilla)"));
    tokens_->setToolTip(QStringLiteral("Training tokens for the run totals: 2T, 1.4e12, ..."));
    sf->addRow(QStringLiteral("Training tokens"), tokens_);
    v->addWidget(step);

    auto* search = new QGroupBox(QStringLiteral("Search (each fixes one dimension)"), inputs);
    auto* hf = new QFormLayout(search);
    const QString any = QStringLiteral("any");
    dp_ = spin(search, "dp", 0, 1 << 20, 0, any);
    tp_ = spin(search, "tp", 0, 1024, 0, any);
    pp_ = spin(search, "pp", 0, 1024, 0, any);
    cp_ = spin(search, "cp", 0, 1024, 0, any);
    hf->addRow(QStringLiteral("Data parallel"), dp_);
    hf->addRow(QStringLiteral("Tensor parallel"), tp_);
    hf->addRow(QStringLiteral("Pipeline stages"), pp_);
    hf->addRow(QStringLiteral("Context parallel"), cp_);
    zero_ = combo(search, "zero");
    zero_->addItem(any, QString());
    addEnumItems(zero_, zeroStageTable(), {}, [](const EnumEntry<ZeroStage>& e) {
        const QString fsdp = qs(fsdpShardingName(e.value));
        return QStringLiteral("ZeRO %1%2")
            .arg(qs(e.name), fsdp.isEmpty() ? QString() : QStringLiteral(" (") + fsdp + QStringLiteral(")"));
    });
    hf->addRow(QStringLiteral("ZeRO / FSDP"), zero_);
    recompute_ = combo(search, "recompute");
    recompute_->addItem(any, QString());
    addEnumItems(recompute_, recomputeTable());
    hf->addRow(QStringLiteral("Recomputation"), recompute_);
    microBatch_ = spin(search, "microBatch", 0, 1 << 16, 0, any);
    hf->addRow(QStringLiteral("Micro-batch"), microBatch_);
    sp_ = triState(search, "sp");
    hf->addRow(QStringLiteral("Sequence parallel"), sp_);
    hybrid_ = triState(search, "hybrid");
    hybrid_->setToolTip(QStringLiteral("Shard within a node, replicate across nodes (HYBRID_SHARD)"));
    hf->addRow(QStringLiteral("Hybrid sharding"), hybrid_);
    maxTp_ =
        spin(search, "maxTp", 0, 1024, toInt(LayoutFilter{}.maxTensorParallel), QStringLiteral("node size"));
    maxTp_->setToolTip(QStringLiteral("Largest tensor-parallel size searched"));
    hf->addRow(QStringLiteral("Largest TP"), maxTp_);
    top_ = spin(search, "top", 1, 1000, static_cast<int>(defaults.top));
    hf->addRow(QStringLiteral("Layouts listed"), top_);
    v->addWidget(search);
    v->addStretch(1);

    // Every change searches again (debounced); the rank only matters for ranked optimizers.
    for (QComboBox* c : inputs->findChildren<QComboBox*>())
        connect(c, &QComboBox::currentIndexChanged, this, [this] {
            updateEnabled();
            schedule();
        });
    for (QSpinBox* s : inputs->findChildren<QSpinBox*>())
        connect(s, &QSpinBox::valueChanged, this, &PlanView::schedule);
    for (QDoubleSpinBox* s : inputs->findChildren<QDoubleSpinBox*>())
        connect(s, &QDoubleSpinBox::valueChanged, this, &PlanView::schedule);
    for (QCheckBox* c : inputs->findChildren<QCheckBox*>())
        connect(c, &QCheckBox::toggled, this, &PlanView::schedule);
    for (QDoubleSpinBox* s : inputs->findChildren<QDoubleSpinBox*>())
        s->setKeyboardTracking(false);
    for (QLineEdit* e : {globalBatch_, tokens_})
        connect(e, &QLineEdit::editingFinished, this, &PlanView::schedule);
    connect(config_, &QComboBox::currentIndexChanged, this, &PlanView::schedule);
    return inputs;
}

void PlanView::updateEnabled()
{
    rank_->setEnabled(rankedOptimizer(enumValue(optimizer_, optimizerTable())));
}

void PlanView::followSelection(QItemSelectionModel* selection)
{
    connect(selection, &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& current) {
        QModelIndex i = current;
        while (i.isValid()) {
            const auto* proxy = qobject_cast<const QAbstractProxyModel*>(i.model());
            if (proxy == nullptr)
                break;
            i = proxy->mapToSource(i);
        }
        if (!i.isValid() || i.model() != configs_)
            return;
        const int at = config_->findData(i.row());
        if (at >= 0)
            config_->setCurrentIndex(at);
    });
}

void PlanView::repopulate()
{
    const QString current = config_->currentText();
    {
        QSignalBlocker block(config_);
        config_->clear();
        for (int r = 0; r < configs_->rowCount(); ++r)
            config_->addItem(configs_->index(r, 0).data().toString(), r);
        const int i = config_->findText(current);
        config_->setCurrentIndex(i >= 0 ? i : 0);
    }
    // The config's numbers may have changed (a designer edit, a file changed on disk).
    schedule();
}

bool PlanView::selectConfig(const QString& name)
{
    const int i = config_->findText(name);
    if (i < 0)
        return false;
    config_->setCurrentIndex(i);
    return true;
}

QString PlanView::currentConfig() const
{
    return config_->currentText();
}

void PlanView::schedule()
{
    stale_ = true;
    debounce_->start();
}

bool PlanView::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::Wheel) {
        auto* w = qobject_cast<QWidget*>(watched);
        if (w != nullptr && !w->hasFocus()) {
            QCoreApplication::sendEvent(inputsScroll_->verticalScrollBar(), event);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void PlanView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (stale_)
        debounce_->start(0);
}

std::optional<PlanRequest> PlanView::request(QString* error) const
{
    const int row = config_->currentData().toInt();
    if (config_->count() == 0 || row < 0 || row >= configs_->rowCount()) {
        if (error != nullptr)
            *error = QStringLiteral("No model to plan: open a valid config or edit one in the designer.");
        return std::nullopt;
    }
    try {
        PlanRequest r;
        r.config = configs_->analysis(row).config;
        const Accelerator* device = accelerators_.find(key(device_).toStdString());
        if (device == nullptr)
            throw InvalidArgument("unknown accelerator \"" + key(device_).toStdString() + "\"");
        r.cluster = makeCluster(*device, gpus_->value(), nodes_->value(), perNode_->value(), links_,
                                key(intra_).toStdString(), key(inter_).toStdString());
        r.cluster.dollarsPerGpuHour = price_->value();
        PlanOptions& o = r.options;
        o.optimizer = enumValue(optimizer_, optimizerTable()).value_or(o.optimizer);
        o.rank = rank_->isEnabled() ? rank_->value() : 0;
        o.weightDtype = enumValue(weightDtype_, storageDtypeTable());
        o.gradDtype = enumValue(gradDtype_, storageDtypeTable());
        o.masterWeights = yesNo(master_);
        o.attention = enumValue(attention_, attentionKernelTable()).value_or(o.attention);
        o.fusedNorm = fusedNorm_->isChecked();
        o.fusedSwiglu = fusedSwiglu_->isChecked();
        o.fusedCrossEntropy = fusedCe_->isChecked();
        o.vocabParallel = vocabParallel_->isChecked();
        o.seqLen = seq_->value();
        o.globalBatchTokens = parseGlobalBatch(globalBatch_->text().trimmed().toStdString(),
                                               o.seqLen > 0 ? o.seqLen : r.config.contextLength);
        o.batchTolerance = tolerance_->value() / 100;
        o.headroom = headroom_->value() / 100;
        o.efficiency = efficiency_->value() / 100;
        o.precision = enumValue(precision_, precisionTable());
        o.convention = enumValue(convention_, flopConventionTable()).value_or(o.convention);
        o.overlapCommunication = overlap_->isChecked();
        if (!tokens_->text().trimmed().isEmpty())
            o.tokens = parseQuantity(tokens_->text().trimmed().toStdString(), "training tokens");
        LayoutFilter& f = o.filter;
        f.dp = positive(dp_);
        f.tp = positive(tp_);
        f.pp = positive(pp_);
        f.cp = positive(cp_);
        f.microBatch = positive(microBatch_);
        f.zero = enumValue(zero_, zeroStageTable());
        f.recompute = enumValue(recompute_, recomputeTable());
        f.sequenceParallel = yesNo(sp_);
        f.hybridShard = yesNo(hybrid_);
        f.maxTensorParallel = maxTp_->value();
        o.top = static_cast<std::size_t>(top_->value());
        return r;
    } catch (const std::exception& e) {
        if (error != nullptr)
            *error = QString::fromUtf8(e.what());
        return std::nullopt;
    }
}

bool PlanView::plan()
{
    stale_ = false;
    debounce_->stop();
    if (runner_->isRunning())
        return false;
    QString error;
    const std::optional<PlanRequest> r = request(&error);
    if (!r) {
        // Shown beside the inputs; the window's status bar is for searches that ran.
        status_->setText(red(error));
        return false;
    }
    if (!runner_->start(*r))
        return false;
    setRunning(true);
    progress_->setValue(0);
    stage_->setText(QStringLiteral("starting"));
    return true;
}

void PlanView::replan()
{
    debounce_->stop();
    if (runner_->isRunning()) {
        pending_ = true;
        runner_->cancel();
    } else {
        plan();
    }
}

void PlanView::cancel()
{
    pending_ = false;
    debounce_->stop();
    if (runner_->isRunning()) {
        runner_->cancel();
        stage_->setText(QStringLiteral("cancelling…"));
    }
}

bool PlanView::isSearching() const
{
    return runner_->isRunning();
}

void PlanView::cancelAndWait(int msecs)
{
    cancel();
    runner_->task()->wait(msecs);
}

void PlanView::setRunning(bool running)
{
    cancel_->setEnabled(running);
}

void PlanView::setError(const QString& text)
{
    status_->setText(red(text));
    emit statusMessage(text);
}

const PlanResult* PlanView::result() const
{
    return runner_->result();
}

const LayoutEvaluation* PlanView::shownLayout() const
{
    const PlanResult* r = result();
    if (r == nullptr)
        return nullptr;
    if (shownRow_ >= 0 && shownRow_ < static_cast<int>(r->layouts.size()))
        return &r->layouts[static_cast<std::size_t>(shownRow_)];
    if (r->layouts.empty() && r->closest)
        return &*r->closest;
    return nullptr;
}

void PlanView::showResult()
{
    const PlanResult* r = result();
    if (r == nullptr)
        return;
    const ClusterSpec& c = r->cluster;
    summary_->setText(
        QStringLiteral("<b>%1</b> (%2 parameters) on %3 × %4: %5 node(s) of %6, %7 in a node, %8 between "
                       "nodes.<br>s = %9, global batch %10 sequences (%11 tokens). Searched %12 layouts: "
                       "<b>%13 fit</b>; ranked by time per token.")
            .arg(qs(r->model).toHtmlEscaped(), qs(formatShort(static_cast<double>(r->parameters))))
            .arg(c.gpus)
            .arg(qs(c.device.name).toHtmlEscaped())
            .arg(c.nodes())
            .arg(c.gpusPerNode)
            .arg(qs(c.intraNode.name).toHtmlEscaped(), qs(c.interNode.name).toHtmlEscaped(),
                 qs(formatCount(r->options.seqLen)), qs(formatCount(r->requestedSequences)),
                 qs(formatShort(r->options.globalBatchTokens)), qs(formatCount(r->enumerated)),
                 qs(formatCount(r->fitting))));
    Table table = planTable(*r);
    // Each column's description from core's registry, as the header's tooltip.
    QStringList tips;
    for (const Column& column : table.columns) {
        QString tip;
        for (const PlanColumn& p : planColumns())
            if (p.header == column.header)
                tip = qs(p.tooltip);
        tips << (column.header == "#" ? QStringLiteral("Rank: fastest per token first") : tip);
    }
    layouts_->setHeaderToolTips(tips);
    layouts_->setTable(std::move(table));
    // A table of the same shape keeps its columns: size them to the new cells.
    layoutsFit_->fit();
    shownRow_ = -1;
    if (r->layouts.empty()) {
        status_->setText(red(QStringLiteral("Nothing fits: ") + qs(r->note)));
        emit statusMessage(QStringLiteral("Plan: nothing fits"));
        showLayout(-1);
    } else {
        status_->setText(qs(r->note).toHtmlEscaped());
        layoutsView_->selectRow(0);
        showLayout(0);
    }
}

void PlanView::showLayout(int row)
{
    const PlanResult* r = result();
    if (r == nullptr)
        return;
    shownRow_ = row;
    const LayoutEvaluation* e = shownLayout();
    if (e == nullptr) {
        memoryChart_->setSpec({});
        timeChart_->setSpec({});
        time_->setTable({});
        terms_->setTable({});
        detail_->clear();
        return;
    }
    const QString name = qs(e->layout.describe());
    const QString which = row >= 0 ? QStringLiteral("#%1 %2").arg(row + 1).arg(name)
                                   : QStringLiteral("closest miss: %1").arg(name);
    memoryChart_->setSpec(planMemoryChart(*e, QStringLiteral("Memory per GPU")));
    timeChart_->setSpec(planTimeChart(*e, QStringLiteral("Time per step")));
    time_->setTable(planTimeTable(*e));
    terms_->setTable(planMemoryTable(*e));
    timeFit_->fit();
    termsFit_->fit();
    // The time table shows all its rows; the chart above takes what is left.
    timeView_->setFixedHeight(timeView_->horizontalHeader()->sizeHint().height() +
                              timeView_->verticalHeader()->length() + 2 * timeView_->frameWidth());
    QString text =
        QStringLiteral("<b>%1</b>: %2 tokens/s, MFU %3 %, HFU %4 %. Run: %5 tokens in %6 steps, "
                       "%7, %8 GPU-hours")
            .arg(which.toHtmlEscaped(), qs(formatShort(e->tokensPerSecond)), qs(formatFixed(e->mfu * 100, 1)),
                 qs(formatFixed(e->hfu * 100, 1)), qs(formatShort(e->run.tokens)),
                 qs(formatShort(e->run.steps)), qs(formatFixed(e->run.days, 1)) + QStringLiteral(" days"),
                 qs(formatShort(e->run.gpuHours)));
    if (r->cluster.dollarsPerGpuHour > 0)
        text += QStringLiteral(", $%1").arg(qs(formatShort(e->run.cost)));
    text += QStringLiteral(".");
    for (const std::string& n : e->notes)
        text += QStringLiteral("<br>Note: %1.").arg(qs(n).toHtmlEscaped());
    detail_->setText(text);
}

QString PlanView::statusText() const
{
    return status_->text();
}

QString PlanView::summaryText() const
{
    return summary_->text();
}

void PlanView::saveSettings(QSettings& s) const
{
    s.setValue(QStringLiteral("plan/config"), config_->currentText());
    for (const QComboBox* c : findChildren<QComboBox*>())
        if (c != config_ && !c->objectName().isEmpty())
            s.setValue(QStringLiteral("plan/") + c->objectName(), c->currentData());
    for (const QSpinBox* b : findChildren<QSpinBox*>())
        if (!b->objectName().isEmpty())
            s.setValue(QStringLiteral("plan/") + b->objectName(), b->value());
    for (const QDoubleSpinBox* b : findChildren<QDoubleSpinBox*>())
        if (!b->objectName().isEmpty())
            s.setValue(QStringLiteral("plan/") + b->objectName(), b->value());
    for (const QCheckBox* b : findChildren<QCheckBox*>())
        if (!b->objectName().isEmpty())
            s.setValue(QStringLiteral("plan/") + b->objectName(), b->isChecked());
    for (const QLineEdit* e : {globalBatch_, tokens_})
        s.setValue(QStringLiteral("plan/") + e->objectName(), e->text());
}

void PlanView::restoreSettings(const QSettings& s)
{
    auto has = [&s](const QObject* o) { return s.contains(QStringLiteral("plan/") + o->objectName()); };
    auto value = [&s](const QObject* o) { return s.value(QStringLiteral("plan/") + o->objectName()); };
    for (QComboBox* c : findChildren<QComboBox*>())
        if (c != config_ && !c->objectName().isEmpty() && has(c)) {
            const int i = c->findData(value(c));
            if (i >= 0)
                c->setCurrentIndex(i);
        }
    for (QSpinBox* b : findChildren<QSpinBox*>())
        if (!b->objectName().isEmpty() && has(b))
            b->setValue(value(b).toInt());
    for (QDoubleSpinBox* b : findChildren<QDoubleSpinBox*>())
        if (!b->objectName().isEmpty() && has(b))
            b->setValue(value(b).toDouble());
    for (QCheckBox* b : findChildren<QCheckBox*>())
        if (!b->objectName().isEmpty() && has(b))
            b->setChecked(value(b).toBool());
    for (QLineEdit* e : {globalBatch_, tokens_})
        if (has(e))
            e->setText(value(e).toString());
    selectConfig(s.value(QStringLiteral("plan/config")).toString());
}

} // namespace llamascope::gui
