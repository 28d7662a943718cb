#include "llamascope/gui/charts_view.hpp"

#include "enum_combo.hpp"
#include "llamascope/gui/scope_chart.hpp"

#include <QAbstractItemModel>
#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QSpinBox>
#include <QTabWidget>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace llamascope::gui {
namespace {

QLabel* caption(const QString& text, QWidget* parent)
{
    auto* l = new QLabel(text, parent);
    l->setStyleSheet(QStringLiteral("color: #444;"));
    return l;
}

const char* kindKey(ChartsView::Kind k)
{
    switch (k) {
    case ChartsView::Kind::Parameters: return "parameters";
    case ChartsView::Kind::Flops: return "flops";
    case ChartsView::Kind::Shape: return "shape";
    case ChartsView::Kind::Memory: return "memory";
    case ChartsView::Kind::Published: return "published";
    }
    return "chart";
}

} // namespace

ChartsView::ChartsView(QAbstractItemModel* model, QWidget* parent)
    : QWidget(parent), model_(model), tabs_(new QTabWidget(this)), coalesce_(new QTimer(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    tabs_->setDocumentMode(true);
    tabs_->addTab(makePage(Kind::Parameters), QStringLiteral("Parameters"));
    tabs_->addTab(makePage(Kind::Flops), QStringLiteral("FLOPs vs sequence length"));
    tabs_->addTab(makePage(Kind::Shape), QStringLiteral("Width vs depth"));
    tabs_->addTab(makePage(Kind::Memory), QStringLiteral("Training memory"));
    tabs_->addTab(makePage(Kind::Published), QStringLiteral("Among published models"));
    layout->addWidget(tabs_);

    coalesce_->setSingleShot(true);
    coalesce_->setInterval(0);
    connect(coalesce_, &QTimer::timeout, this, &ChartsView::flush);
    connect(tabs_, &QTabWidget::currentChanged, this, [this] { flush(); });
    connect(model_, &QAbstractItemModel::modelReset, this, &ChartsView::markDirty);
    connect(model_, &QAbstractItemModel::layoutChanged, this, &ChartsView::markDirty);
    connect(model_, &QAbstractItemModel::rowsInserted, this, &ChartsView::markDirty);
    connect(model_, &QAbstractItemModel::rowsRemoved, this, &ChartsView::markDirty);
    connect(model_, &QAbstractItemModel::dataChanged, this, &ChartsView::markDirty);
}

QWidget* ChartsView::makePage(Kind kind)
{
    auto* page = new QWidget(this);
    auto* v = new QVBoxLayout(page);
    v->setContentsMargins(0, 6, 0, 0);
    auto* bar = new QHBoxLayout;
    auto changed = [this, kind] {
        dirty_[static_cast<std::size_t>(kind)] = true;
        flush();
    };
    switch (kind) {
    case Kind::Parameters:
        paramScale_ = new QComboBox(page);
        paramScale_->addItems(
            {QStringLiteral("Log scale"), QStringLiteral("Linear scale"), QStringLiteral("Share (100%)")});
        connect(paramScale_, &QComboBox::currentIndexChanged, this, changed);
        bar->addWidget(caption(QStringLiteral("Scale"), page));
        bar->addWidget(paramScale_);
        break;
    case Kind::Flops: {
        // Choices from core's tables, starting at FlopsChartOptions' defaults.
        const FlopsChartOptions defaults;
        convention_ = new QComboBox(page);
        addEnumItems(convention_, flopConventionTable());
        selectEnum(convention_, flopConventionTable(), defaults.convention);
        mask_ = new QComboBox(page);
        addEnumItems(mask_, attentionMaskTable());
        selectEnum(mask_, attentionMaskTable(), defaults.mask);
        maxSeq_ = new QComboBox(page);
        for (int t : {4096, 8192, 16384, 32768, 131072})
            maxSeq_->addItem(QString::number(t), t);
        maxSeq_->setCurrentIndex(std::max(0, maxSeq_->findData(static_cast<int>(defaults.maxSeqLen))));
        for (QComboBox* c : {convention_, mask_, maxSeq_})
            connect(c, &QComboBox::currentIndexChanged, this, changed);
        bar->addWidget(caption(QStringLiteral("Convention"), page));
        bar->addWidget(convention_);
        bar->addWidget(caption(QStringLiteral("Attention"), page));
        bar->addWidget(mask_);
        bar->addWidget(caption(QStringLiteral("T up to"), page));
        bar->addWidget(maxSeq_);
        break;
    }
    case Kind::Shape:
        bar->addWidget(caption(QStringLiteral("Hover a point or a line for details; rows selected in "
                                              "Compare are drawn dark"),
                               page));
        break;
    case Kind::Published:
        bar->addWidget(caption(QStringLiteral("Grey: released models (core's data set); hover a point "
                                              "for its shape and the models that share it"),
                               page));
        break;
    case Kind::Memory: {
        // Starting values are core's defaults (MemoryOptions, kDefaultLowRank).
        const MemoryOptions defaults = MemoryChartOptions::defaultMemoryOptions();
        batch_ = new QSpinBox(page);
        batch_->setRange(1, 4096);
        batch_->setValue(static_cast<int>(defaults.batch));
        memSeq_ = new QComboBox(page);
        memSeq_->addItem(QStringLiteral("context length P"), 0);
        for (int t : {512, 1024, 2048, 4096, 8192})
            memSeq_->addItem(QString::number(t), t);
        memSeq_->setCurrentIndex(std::max(0, memSeq_->findData(static_cast<int>(defaults.seqLen))));
        rank_ = new QSpinBox(page);
        rank_->setRange(1, 8192);
        rank_->setValue(static_cast<int>(defaults.rank));
        recompute_ = new QCheckBox(QStringLiteral("recompute"), page);
        recompute_->setToolTip(QStringLiteral("Full activation checkpointing: keep only each layer's input"));
        recompute_->setChecked(defaults.recompute);
        attention_ = new QComboBox(page);
        addEnumItems(attention_, attentionKernelTable());
        selectEnum(attention_, attentionKernelTable(), defaults.attention);
        device_ = new QComboBox(page);
        device_->addItem(QStringLiteral("no device line"), QString());
        for (const auto& [key, name] : acceleratorChoices())
            device_->addItem(name, key);
        for (QSpinBox* s : {batch_, rank_})
            connect(s, &QSpinBox::valueChanged, this, changed);
        for (QComboBox* c : {memSeq_, attention_, device_})
            connect(c, &QComboBox::currentIndexChanged, this, changed);
        connect(recompute_, &QCheckBox::toggled, this, changed);
        bar->addWidget(caption(QStringLiteral("Batch"), page));
        bar->addWidget(batch_);
        bar->addWidget(caption(QStringLiteral("T"), page));
        bar->addWidget(memSeq_);
        bar->addWidget(caption(QStringLiteral("GaLore/LoRA rank"), page));
        bar->addWidget(rank_);
        bar->addWidget(caption(QStringLiteral("Attention"), page));
        bar->addWidget(attention_);
        bar->addWidget(recompute_);
        bar->addWidget(device_);
        break;
    }
    }
    bar->addStretch(1);
    auto* exportButton = new QToolButton(page);
    exportButton->setText(QStringLiteral("Export…"));
    exportButton->setToolTip(
        QStringLiteral("The chart as a 2× PNG (Ctrl+Shift+P) or a vector SVG (Ctrl+Shift+G)"));
    exportButton->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(exportButton);
    menu->addAction(QStringLiteral("Export PNG…"), this, [this] { exportCurrent(false); });
    menu->addAction(QStringLiteral("Export SVG…"), this, [this] { exportCurrent(true); });
    exportButton->setMenu(menu);
    bar->addWidget(exportButton);
    v->addLayout(bar);
    auto* chart = new ScopeChart(page);
    charts_[static_cast<std::size_t>(kind)] = chart;
    v->addWidget(chart, 1);
    return page;
}

void ChartsView::showChart(Kind kind)
{
    tabs_->setCurrentIndex(static_cast<int>(kind));
    flush();
}

void ChartsView::setSelectionModel(QItemSelectionModel* selection)
{
    if (selection_ != nullptr)
        disconnect(selection_, nullptr, this, nullptr);
    selection_ = selection;
    if (selection_ != nullptr)
        connect(selection_, &QItemSelectionModel::selectionChanged, this, &ChartsView::markDirty);
    markDirty();
}

ChartsView::Kind ChartsView::currentKind() const
{
    return static_cast<Kind>(std::max(0, tabs_->currentIndex()));
}

void ChartsView::markDirty()
{
    dirty_.fill(true);
    coalesce_->start();
}

void ChartsView::flush()
{
    // Hidden charts stay dirty and rebuild when shown (showEvent), so editing in the designer
    // never pays for charts nobody is looking at.
    if (!isVisible())
        return;
    const Kind k = currentKind();
    if (dirty_[static_cast<std::size_t>(k)])
        rebuild(k);
}

void ChartsView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    flush();
}

void ChartsView::rebuildAll()
{
    for (Kind k : {Kind::Parameters, Kind::Flops, Kind::Shape, Kind::Memory, Kind::Published})
        rebuild(k);
}

void ChartsView::rebuild(Kind kind)
{
    dirty_[static_cast<std::size_t>(kind)] = false;
    const std::vector<ChartRow> rows = chartRows(*model_, selection_);
    ScopeChart* chart = charts_[static_cast<std::size_t>(kind)];
    switch (kind) {
    case Kind::Parameters:
        chart->setSpec(parametersChart(rows, static_cast<ParamScale>(paramScale_->currentIndex())));
        break;
    case Kind::Flops: {
        FlopsChartOptions o;
        o.convention = enumValue(convention_, flopConventionTable()).value_or(o.convention);
        o.mask = enumValue(mask_, attentionMaskTable()).value_or(o.mask);
        o.maxSeqLen = maxSeq_->currentData().toInt();
        chart->setSpec(flopsChart(rows, o));
        break;
    }
    case Kind::Shape: chart->setSpec(shapeChart(rows)); break;
    case Kind::Published: chart->setSpec(publishedChart(rows)); break;
    case Kind::Memory: {
        MemoryChartOptions o;
        o.memory.batch = batch_->value();
        o.memory.seqLen = memSeq_->currentData().toInt();
        o.memory.rank = rank_->value();
        o.memory.recompute = recompute_->isChecked();
        o.memory.attention = enumValue(attention_, attentionKernelTable()).value_or(o.memory.attention);
        o.device = device_->currentData().toString();
        chart->setSpec(memoryChart(rows, o));
        break;
    }
    }
}

bool ChartsView::setMemoryDevice(const QString& key)
{
    const int i = device_->findData(key);
    device_->setCurrentIndex(std::max(0, i));
    return i >= 0;
}

void ChartsView::exportCurrent(bool svg)
{
    const Kind k = currentKind();
    flush();
    const QString suggested =
        QStringLiteral("llamascope-%1.%2").arg(QString::fromLatin1(kindKey(k)), svg ? "svg" : "png");
    const QString path = QFileDialog::getSaveFileName(
        this, svg ? QStringLiteral("Export SVG") : QStringLiteral("Export PNG"), suggested,
        svg ? QStringLiteral("SVG (*.svg)") : QStringLiteral("PNG (*.png)"));
    if (path.isEmpty())
        return;
    QString error;
    ScopeChart* chart = charts_[static_cast<std::size_t>(k)];
    const bool ok = svg ? chart->exportSvg(path, {}, &error) : chart->exportPng(path, {}, 2.0, &error);
    if (!ok)
        QMessageBox::warning(this, QStringLiteral("Export failed"), error);
    else
        emit statusMessage(QStringLiteral("Wrote %1").arg(path));
}

void ChartsView::saveSettings(QSettings& s) const
{
    s.setValue(QStringLiteral("charts/tab"), tabs_->currentIndex());
    s.setValue(QStringLiteral("charts/paramScale"), paramScale_->currentIndex());
    s.setValue(QStringLiteral("charts/convention"), convention_->currentIndex());
    s.setValue(QStringLiteral("charts/mask"), mask_->currentIndex());
    s.setValue(QStringLiteral("charts/maxSeq"), maxSeq_->currentIndex());
    s.setValue(QStringLiteral("charts/batch"), batch_->value());
    s.setValue(QStringLiteral("charts/memSeq"), memSeq_->currentIndex());
    s.setValue(QStringLiteral("charts/rank"), rank_->value());
    s.setValue(QStringLiteral("charts/recompute"), recompute_->isChecked());
    s.setValue(QStringLiteral("charts/attention"), attention_->currentIndex());
    s.setValue(QStringLiteral("charts/device"), device_->currentData().toString());
}

void ChartsView::restoreSettings(const QSettings& s)
{
    auto index = [&s](const char* key, QComboBox* box) {
        const int i = s.value(QString::fromLatin1(key), box->currentIndex()).toInt();
        if (i >= 0 && i < box->count())
            box->setCurrentIndex(i);
    };
    index("charts/paramScale", paramScale_);
    index("charts/convention", convention_);
    index("charts/mask", mask_);
    index("charts/maxSeq", maxSeq_);
    index("charts/memSeq", memSeq_);
    index("charts/attention", attention_);
    batch_->setValue(s.value(QStringLiteral("charts/batch"), batch_->value()).toInt());
    rank_->setValue(s.value(QStringLiteral("charts/rank"), rank_->value()).toInt());
    recompute_->setChecked(s.value(QStringLiteral("charts/recompute"), false).toBool());
    const int device = device_->findData(s.value(QStringLiteral("charts/device")).toString());
    if (device >= 0)
        device_->setCurrentIndex(device);
    const int tab = s.value(QStringLiteral("charts/tab"), 0).toInt();
    if (tab >= 0 && tab < tabs_->count())
        tabs_->setCurrentIndex(tab);
    dirty_.fill(true);
    coalesce_->start();
}

} // namespace llamascope::gui
