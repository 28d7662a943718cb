#include "llamascope/gui/forward_view.hpp"

#include "llamascope/format.hpp"
#include "llamascope/forward/system.hpp"
#include "llamascope/gui/compare_model.hpp"
#include "llamascope/gui/forward_runner.hpp"
#include "table_fit.hpp"
#include "text.hpp"

#include <QComboBox>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include <exception>

namespace llamascope::gui {

ForwardView::ForwardView(CompareModel* configs, ForwardRunner* runner, QWidget* parent)
    : QWidget(parent), configs_(configs), runner_(runner), results_(new ForwardResultModel(this)),
      history_(new ForwardHistoryModel(this)), clock_(new QElapsedTimer)
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);

    // Left: inputs and run control.
    auto* left = new QVBoxLayout;
    auto* inputs = new QGroupBox(QStringLiteral("Run"), this);
    auto* form = new QFormLayout(inputs);
    config_ = new QComboBox(inputs);
    config_->setMinimumContentsLength(22);
    form->addRow(QStringLiteral("Config"), config_);
    seq_ = new QSpinBox(inputs);
    const ForwardOptions defaults; // starting values are core's
    seq_->setRange(1, 1 << 20);
    seq_->setValue(static_cast<int>(defaults.seqLen));
    seq_->setToolTip(QStringLiteral("Tokens per sequence T (at most P for learned positions)"));
    form->addRow(QStringLiteral("Sequence length T"), seq_);
    batch_ = new QSpinBox(inputs);
    batch_->setRange(1, 4096);
    batch_->setValue(static_cast<int>(defaults.batch));
    form->addRow(QStringLiteral("Batch B"), batch_);
    seed_ = new QSpinBox(inputs);
    seed_->setRange(0, 1 << 30);
    seed_->setValue(static_cast<int>(defaults.seed));
    seed_->setToolTip(QStringLiteral("Seeds the random init and the random tokens"));
    form->addRow(QStringLiteral("Seed"), seed_);
    threads_ = new QSpinBox(inputs);
    threads_->setRange(0, 256);
    threads_->setValue(defaults.threads);
    threads_->setSpecialValueText(QStringLiteral("all (%1)").arg(hardwareThreads()));
    form->addRow(QStringLiteral("Threads"), threads_);
    auto* weightsRow = new QHBoxLayout;
    checkpoint_ = new QLineEdit(inputs);
    checkpoint_->setPlaceholderText(QStringLiteral("random init (leave empty)"));
    checkpoint_->setClearButtonEnabled(true);
    auto* browse = new QToolButton(inputs);
    browse->setText(QStringLiteral("…"));
    browse->setToolTip(QStringLiteral("A safetensors checkpoint: file, index or folder"));
    connect(browse, &QToolButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, QStringLiteral("Checkpoint"), QString(),
                                         QStringLiteral("safetensors (*.safetensors *.json);;All files (*)"));
        if (!path.isEmpty())
            checkpoint_->setText(path);
    });
    weightsRow->addWidget(checkpoint_, 1);
    weightsRow->addWidget(browse);
    form->addRow(QStringLiteral("Weights"), weightsRow);
    left->addWidget(inputs);
    plan_ = new QLabel(this);
    plan_->setWordWrap(true);
    plan_->setTextFormat(Qt::RichText);
    plan_->setStyleSheet(QStringLiteral("color: #444;"));
    left->addWidget(plan_);
    auto* buttons = new QHBoxLayout;
    run_ = new QPushButton(QStringLiteral("Run forward pass"), this);
    run_->setToolTip(QStringLiteral("Ctrl+R"));
    cancel_ = new QPushButton(QStringLiteral("Cancel"), this);
    cancel_->setToolTip(QStringLiteral("Esc"));
    cancel_->setEnabled(false);
    buttons->addWidget(run_);
    buttons->addWidget(cancel_);
    left->addLayout(buttons);
    // The bar shows how much of the whole run is done (making the weights included); the
    // line under it says what is running and that overall figure, so the two agree.
    progress_ = new QProgressBar(this);
    progress_->setRange(0, 1000);
    progress_->setValue(0);
    progress_->setTextVisible(false);
    progress_->setToolTip(QStringLiteral("Overall progress of the run, making the weights included"));
    left->addWidget(progress_);
    stage_ = new QLabel(QStringLiteral("idle"), this);
    stage_->setStyleSheet(QStringLiteral("color: #444;"));
    left->addWidget(stage_);
    status_ = new QLabel(this);
    status_->setWordWrap(true);
    left->addWidget(status_);
    left->addStretch(1);
    auto* leftWidget = new QWidget(this);
    leftWidget->setLayout(left);
    leftWidget->setMaximumWidth(400);
    layout->addWidget(leftWidget);

    // Right: result summary, analytic vs measured, history.
    auto* right = new QSplitter(Qt::Vertical, this);
    auto* top = new QWidget(right);
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    summary_ = new QLabel(top);
    summary_->setWordWrap(true);
    summary_->setTextFormat(Qt::RichText);
    summary_->setText(
        QStringLiteral("<i>No run yet. The reference forward pass (float32, random init keyed by "
                       "seed and tensor name) counts the parameters it materialises and the FLOPs "
                       "it executes; they are shown next to the analytic counts and must be equal.</i>"));
    topLayout->addWidget(summary_);
    table_ = new QTableView(top);
    table_->setModel(results_);
    table_->verticalHeader()->hide();
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
    auto* tableFit = new ColumnFitter(table_, table_->horizontalHeader()); // headers whole before any run
    tableFit->setStretch({0});
    topLayout->addWidget(table_, 1);
    historyView_ = new QTableView(right);
    historyView_->setModel(history_);
    historyView_->verticalHeader()->hide();
    historyView_->setSelectionBehavior(QAbstractItemView::SelectRows);
    historyView_->setSelectionMode(QAbstractItemView::SingleSelection);
    historyView_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    historyView_->setAlternatingRowColors(true);
    new ColumnFitter(historyView_, historyView_->horizontalHeader());
    historyView_->verticalHeader()->setDefaultSectionSize(historyView_->fontMetrics().height() + 6);
    connect(historyView_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& i) {
                if (i.isValid())
                    showRun(i.row());
            });
    right->addWidget(top);
    right->addWidget(historyView_);
    right->setStretchFactor(0, 3);
    right->setStretchFactor(1, 1);
    layout->addWidget(right, 1);

    connect(run_, &QPushButton::clicked, this, &ForwardView::run);
    connect(cancel_, &QPushButton::clicked, this, &ForwardView::cancel);
    for (QSpinBox* s : {seq_, batch_, threads_})
        connect(s, &QSpinBox::valueChanged, this, &ForwardView::updatePlan);
    connect(config_, &QComboBox::currentIndexChanged, this, &ForwardView::updatePlan);
    connect(configs_, &QAbstractItemModel::modelReset, this, &ForwardView::repopulate);
    connect(configs_, &QAbstractItemModel::rowsInserted, this, &ForwardView::repopulate);
    connect(configs_, &QAbstractItemModel::rowsRemoved, this, &ForwardView::repopulate);
    connect(configs_, &QAbstractItemModel::dataChanged, this, &ForwardView::repopulate);

    connect(runner_, &ForwardRunner::progressed, this, [this](double f, const QString& stage) {
        progress_->setValue(static_cast<int>(f * 1000));
        stage_->setText(
            QStringLiteral("%1 · %2 % of the whole run").arg(stage).arg(static_cast<int>(f * 100)));
    });
    connect(
        runner_, &ForwardRunner::finished, this, [this](const ForwardRunInfo& info, const ForwardResult& r) {
            setRunning(false);
            progress_->setValue(1000);
            stage_->setText(QStringLiteral("done"));
            history_->add(info, r);
            historyView_->selectRow(0);
            showRun(0);
            status_->setText(
                QStringLiteral("Finished %1 in %2 s").arg(info.configName, qs(formatFixed(r.seconds, 2))));
            emit statusMessage(status_->text());
        });
    connect(runner_, &ForwardRunner::cancelled, this, [this] {
        setRunning(false);
        stage_->setText(QStringLiteral("cancelled"));
        status_->setText(QStringLiteral("Cancelled after %1 s")
                             .arg(qs(formatFixed(static_cast<double>(clock_->elapsed()) / 1000.0, 2))));
        emit statusMessage(status_->text());
    });
    connect(runner_, &ForwardRunner::failed, this, [this](const QString& message) {
        setRunning(false);
        stage_->setText(QStringLiteral("failed"));
        status_->setText(
            QStringLiteral("<span style='color:#c82828'>%1</span>").arg(message.toHtmlEscaped()));
        emit statusMessage(message);
    });
    repopulate();
}

ForwardView::~ForwardView()
{
    delete clock_;
}

void ForwardView::repopulate()
{
    const QString current = config_->currentText();
    QSignalBlocker block(config_);
    config_->clear();
    for (int r = 0; r < configs_->rowCount(); ++r) {
        // The draft's name already says "(draft)".
        config_->addItem(configs_->index(r, 0).data().toString(), r);
    }
    const int i = config_->findText(current);
    config_->setCurrentIndex(i >= 0 ? i : 0);
    updatePlan();
}

bool ForwardView::selectConfig(const QString& name)
{
    const int i = config_->findText(name);
    if (i < 0)
        return false;
    config_->setCurrentIndex(i);
    return true;
}

void ForwardView::setOptions(int seqLen, int batch, int seed)
{
    seq_->setValue(seqLen);
    batch_->setValue(batch);
    seed_->setValue(seed);
}

void ForwardView::updatePlan()
{
    const int row = config_->currentData().toInt();
    if (config_->count() == 0 || row < 0 || row >= configs_->rowCount()) {
        plan_->setText(QStringLiteral("<i>No config to run: open a valid config.</i>"));
        run_->setEnabled(false);
        return;
    }
    run_->setEnabled(!runner_->isRunning());
    const ModelConfig& c = configs_->analysis(row).config;
    try {
        const MemoryPlan p =
            planMemory(c, batch_->value(), seq_->value(),
                       threads_->value() == 0 ? hardwareThreads() : threads_->value(), false);
        const Count budget = defaultMemoryBudget();
        plan_->setText(
            QStringLiteral("Needs %1 of float32 weights + %2 of activations; streamed layer by layer: %3 "
                           "+ %2. Memory budget: %4 (half the machine).")
                .arg(qs(formatBytes(static_cast<double>(p.weightBytes))),
                     qs(formatBytes(static_cast<double>(p.activationBytes))),
                     qs(formatBytes(static_cast<double>(p.streamedBytes))),
                     qs(formatBytes(static_cast<double>(budget)))));
    } catch (const std::exception& e) {
        plan_->setText(QStringLiteral("<span style='color:#c82828'>%1</span>")
                           .arg(QString::fromUtf8(e.what()).toHtmlEscaped()));
    }
}

bool ForwardView::run()
{
    if (runner_->isRunning())
        return false;
    const int row = config_->currentData().toInt();
    if (config_->count() == 0 || row < 0 || row >= configs_->rowCount()) {
        status_->setText(QStringLiteral("No config selected"));
        return false;
    }
    ForwardOptions o;
    o.seqLen = seq_->value();
    o.batch = batch_->value();
    o.seed = static_cast<std::uint64_t>(seed_->value());
    o.threads = threads_->value();
    ModelConfig config = configs_->analysis(row).config;
    if (!runner_->start(config, o, checkpoint_->text().trimmed()))
        return false;
    clock_->start();
    setRunning(true);
    progress_->setValue(0);
    stage_->setText(QStringLiteral("starting"));
    status_->setText(
        QStringLiteral("Running %1 at B = %2, T = %3…").arg(qs(config.name)).arg(o.batch).arg(o.seqLen));
    return true;
}

void ForwardView::cancel()
{
    if (runner_->isRunning()) {
        runner_->cancel();
        stage_->setText(QStringLiteral("cancelling…"));
    }
}

void ForwardView::setRunning(bool running)
{
    run_->setEnabled(!running);
    cancel_->setEnabled(running);
    for (QWidget* w : std::initializer_list<QWidget*>{config_, seq_, batch_, seed_, threads_, checkpoint_})
        w->setEnabled(!running);
}

void ForwardView::showRun(int historyRow)
{
    if (historyRow < 0 || historyRow >= history_->rowCount())
        return;
    const ForwardResult& r = history_->result(historyRow);
    const ForwardRunInfo& info = history_->info(historyRow);
    results_->setResult(r);
    const bool ok = r.paramsMatch() && r.flopsMatch();
    const QString verdict =
        ok ? QStringLiteral("<span style='color:#1e823c'><b>✓ every count equal</b></span>")
           : QStringLiteral("<span style='color:#c82828'><b>✗ counts differ</b></span>");
    summary_->setText(
        QStringLiteral(
            "<b>%1</b>, B = %2, T = %3, %4 — %5<br>"
            "Loss <b>%6</b> (mean next-token cross-entropy; a uniform prediction scores ln V = %7)<br>"
            "%8 tokens/s, %9 GFLOP/s on %10 threads; %11 s total (%12 s making weights, %13 s compute); "
            "weights %14, peak RSS %15")
            .arg(info.configName.toHtmlEscaped(), qs(formatCount(r.batch)), qs(formatCount(r.seqLen)),
                 QString::fromStdString(r.weightsSource).toHtmlEscaped(), verdict,
                 r.loss ? qs(formatFixed(*r.loss, 4)) : QStringLiteral("— (T = 1)"),
                 qs(formatFixed(r.lnVocab, 4)), qs(formatFixed(r.tokensPerSecond(), 1)),
                 qs(formatFixed(r.gflopsPerSecond(), 2)))
            .arg(r.threads)
            .arg(qs(formatFixed(r.seconds, 2)), qs(formatFixed(r.secondsWeights, 2)),
                 qs(formatFixed(r.secondsCompute, 2)), qs(toString(r.residency)),
                 r.peakRssBytes > 0 ? qs(formatBytes(static_cast<double>(r.peakRssBytes)))
                                    : QStringLiteral("unknown")));
}

QString ForwardView::statusText() const
{
    return status_->text();
}

void ForwardView::saveSettings(QSettings& s) const
{
    s.setValue(QStringLiteral("forward/config"), config_->currentText());
    s.setValue(QStringLiteral("forward/seq"), seq_->value());
    s.setValue(QStringLiteral("forward/batch"), batch_->value());
    s.setValue(QStringLiteral("forward/seed"), seed_->value());
    s.setValue(QStringLiteral("forward/threads"), threads_->value());
    s.setValue(QStringLiteral("forward/checkpoint"), checkpoint_->text());
}

void ForwardView::restoreSettings(const QSettings& s)
{
    seq_->setValue(s.value(QStringLiteral("forward/seq"), seq_->value()).toInt());
    batch_->setValue(s.value(QStringLiteral("forward/batch"), batch_->value()).toInt());
    seed_->setValue(s.value(QStringLiteral("forward/seed"), seed_->value()).toInt());
    threads_->setValue(s.value(QStringLiteral("forward/threads"), 0).toInt());
    checkpoint_->setText(s.value(QStringLiteral("forward/checkpoint")).toString());
    selectConfig(s.value(QStringLiteral("forward/config")).toString());
}

} // namespace llamascope::gui
