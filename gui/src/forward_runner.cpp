#include "llamascope/gui/forward_runner.hpp"

#include "llamascope/format.hpp"
#include "llamascope/gui/background_task.hpp"
#include "llamascope/gui/workspace.hpp"
#include "text.hpp"

#include <QBrush>
#include <QColor>
#include <QFont>

#include <memory>

namespace llamascope::gui {

// ---- ForwardRunner ------------------------------------------------------------------------------

ForwardRunner::ForwardRunner(QObject* parent) : QObject(parent), task_(new BackgroundTask(this))
{
    connect(task_, &BackgroundTask::progressed, this, &ForwardRunner::progressed);
    connect(task_, &BackgroundTask::cancelled, this, &ForwardRunner::cancelled);
    connect(task_, &BackgroundTask::failed, this, &ForwardRunner::failed);
}

bool ForwardRunner::start(const ModelConfig& config, const ForwardOptions& options, const QString& checkpoint)
{
    if (task_->isRunning())
        return false;
    ForwardRunInfo info;
    info.configName = qs(config.name);
    info.options = options;
    info.weights =
        checkpoint.isEmpty() ? QStringLiteral("random init (seed %1)").arg(options.seed) : checkpoint;
    auto result = std::make_shared<ForwardResult>();
    // Deliver this run's result, then drop the connection.
    auto* context = new QObject(this);
    connect(task_, &BackgroundTask::finished, context, [this, info, result, context] {
        context->deleteLater();
        emit finished(info, *result);
    });
    connect(task_, &BackgroundTask::cancelled, context, &QObject::deleteLater);
    connect(task_, &BackgroundTask::failed, context, &QObject::deleteLater);
    const std::filesystem::path path = checkpoint.isEmpty() ? std::filesystem::path() : toFsPath(checkpoint);
    const bool started = task_->start([config, options, path, result](Progress& progress) {
        if (path.empty()) {
            RandomWeights weights(options.seed, config.initializerRange);
            *result = runForward(config, weights, options, &progress);
        } else {
            CheckpointWeights weights = CheckpointWeights::open(path);
            *result = runForward(config, weights, options, &progress);
        }
    });
    if (!started) {
        delete context;
        return false;
    }
    emit this->started(info);
    return true;
}

void ForwardRunner::cancel()
{
    task_->cancel();
}

bool ForwardRunner::isRunning() const
{
    return task_->isRunning();
}

// ---- ForwardResultModel ---------------------------------------------------------------------------

ForwardResultModel::ForwardResultModel(QObject* parent) : QAbstractTableModel(parent)
{
}

void ForwardResultModel::setResult(const std::optional<ForwardResult>& result)
{
    beginResetModel();
    result_ = result;
    rows_.clear();
    if (result_) {
        const ParameterCounts& a = result_->analyticParams;
        const MaterialisedParameters& m = result_->measuredParams;
        rows_.push_back({QStringLiteral("Parameters (materialised)"), 0, 0, true});
        rows_.push_back({QStringLiteral("embedding"), a.embedding, m.embedding, false});
        if (a.positionTable > 0 || m.positionTable > 0)
            rows_.push_back({QStringLiteral("position table"), a.positionTable, m.positionTable, false});
        rows_.push_back({QStringLiteral("decoder layers"), a.layers, m.layers, false});
        rows_.push_back({QStringLiteral("final norm"), a.finalNorm, m.finalNorm, false});
        rows_.push_back({QStringLiteral("lm_head"), a.lmHead, m.lmHead, false});
        rows_.push_back({QStringLiteral("total"), a.total, m.total(), false});
        const ExactMatmulFlops& fa = result_->analyticFlops;
        const ExactMatmulFlops& fm = result_->measuredFlops;
        rows_.push_back({QStringLiteral("Matmul FLOPs (executed, all B = %1 sequences)").arg(result_->batch),
                         0, 0, true});
        const std::array<std::pair<const char*, Count ExactMatmulFlops::*>, 10> ops = {{
            {"q_proj", &ExactMatmulFlops::qProj},
            {"k_proj", &ExactMatmulFlops::kProj},
            {"v_proj", &ExactMatmulFlops::vProj},
            {"o_proj", &ExactMatmulFlops::oProj},
            {"gate_proj", &ExactMatmulFlops::gateProj},
            {"up_proj", &ExactMatmulFlops::upProj},
            {"down_proj", &ExactMatmulFlops::downProj},
            {"scores Q·Kᵀ", &ExactMatmulFlops::scores},
            {"mixing softmax·V", &ExactMatmulFlops::mixing},
            {"lm_head", &ExactMatmulFlops::lmHead},
        }};
        for (const auto& [name, field] : ops)
            rows_.push_back({QString::fromUtf8(name), fa.*field, fm.*field, false});
        rows_.push_back({QStringLiteral("total"), fa.total(), fm.total(), false});
    }
    endResetModel();
}

int ForwardResultModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int ForwardResultModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ForwardResultModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case QuantityColumn: return QStringLiteral("Quantity");
    case AnalyticColumn: return QStringLiteral("Analytic (core counts)");
    case MeasuredColumn: return QStringLiteral("Measured (forward pass)");
    case MatchColumn: return QStringLiteral("Equal");
    default: return {};
    }
}

QVariant ForwardResultModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& r = rows_[static_cast<std::size_t>(index.row())];
    const bool equal = r.analytic == r.measured;
    if (r.heading) {
        if (role == Qt::DisplayRole && index.column() == QuantityColumn)
            return r.label;
        if (role == Qt::FontRole) {
            QFont f;
            f.setBold(true);
            return f;
        }
        if (role == Qt::BackgroundRole)
            return QBrush(QColor(238, 240, 244));
        return {};
    }
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case QuantityColumn: return QStringLiteral("    ") + r.label;
        case AnalyticColumn: return qs(formatCount(r.analytic));
        case MeasuredColumn: return qs(formatCount(r.measured));
        case MatchColumn: return equal ? QStringLiteral("✓ equal") : QStringLiteral("✗ differs");
        default: return {};
        }
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(
            Qt::Alignment(index.column() == AnalyticColumn || index.column() == MeasuredColumn
                              ? Qt::AlignRight
                              : Qt::AlignLeft) |
            Qt::AlignVCenter);
    case Qt::ForegroundRole:
        if (index.column() == MatchColumn)
            return QBrush(equal ? QColor(30, 130, 60) : QColor(200, 40, 40));
        return {};
    case Qt::FontRole:
        if (r.label == QStringLiteral("total")) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    default: return {};
    }
}

// ---- ForwardHistoryModel ----------------------------------------------------------------------------

namespace {
enum HistoryColumn {
    HConfig,
    HBatch,
    HSeq,
    HWeights,
    HLoss,
    HLnV,
    HTokens,
    HGflops,
    HTime,
    HResidency,
    HMatch,
    HCount
};
}

ForwardHistoryModel::ForwardHistoryModel(QObject* parent) : QAbstractTableModel(parent)
{
}

void ForwardHistoryModel::add(const ForwardRunInfo& info, const ForwardResult& result)
{
    beginInsertRows({}, 0, 0);
    ForwardResult kept = result;
    kept.logits.clear();
    runs_.insert(runs_.begin(), {info, std::move(kept)});
    endInsertRows();
}

const ForwardResult& ForwardHistoryModel::result(int row) const
{
    return runs_.at(static_cast<std::size_t>(row)).second;
}

const ForwardRunInfo& ForwardHistoryModel::info(int row) const
{
    return runs_.at(static_cast<std::size_t>(row)).first;
}

int ForwardHistoryModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(runs_.size());
}

int ForwardHistoryModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : HCount;
}

QVariant ForwardHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const std::array<const char*, HCount> headers = {
        "Config",   "B",       "T",        "Weights",      "Loss",  "ln V",
        "tokens/s", "GFLOP/s", "Time (s)", "Weights held", "Counts"};
    return section >= 0 && section < HCount ? QString::fromUtf8(headers[static_cast<std::size_t>(section)])
                                            : QVariant();
}

QVariant ForwardHistoryModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto& [info, r] = runs_[static_cast<std::size_t>(index.row())];
    const bool ok = r.paramsMatch() && r.flopsMatch();
    if (role == Qt::ForegroundRole && index.column() == HMatch)
        return QBrush(ok ? QColor(30, 130, 60) : QColor(200, 40, 40));
    if (role == Qt::TextAlignmentRole)
        return QVariant::fromValue(Qt::Alignment(index.column() == HConfig || index.column() == HWeights ||
                                                         index.column() == HMatch ||
                                                         index.column() == HResidency
                                                     ? Qt::AlignLeft
                                                     : Qt::AlignRight) |
                                   Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case HConfig: return info.configName;
    case HBatch: return qs(formatCount(r.batch));
    case HSeq: return qs(formatCount(r.seqLen));
    case HWeights: return info.weights;
    case HLoss: return r.loss ? qs(formatFixed(*r.loss, 4)) : QStringLiteral("—");
    case HLnV: return qs(formatFixed(r.lnVocab, 4));
    case HTokens: return qs(formatFixed(r.tokensPerSecond(), 1));
    case HGflops: return qs(formatFixed(r.gflopsPerSecond(), 2));
    case HTime: return qs(formatFixed(r.seconds, 2));
    case HResidency: return qs(toString(r.residency));
    case HMatch: return ok ? QStringLiteral("✓ all equal") : QStringLiteral("✗ differ");
    default: return {};
    }
}

} // namespace llamascope::gui
