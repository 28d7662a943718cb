// verify: see forward/verify.hpp.

#include "llamascope/forward/verify.hpp"

#include "llamascope/forward/system.hpp"

namespace llamascope {

namespace {

// Maps one config's progress [0, 1] onto its slice [begin, end] of the whole list.
class SliceProgress final : public Progress {
public:
    SliceProgress(Progress* outer, double begin, double end, std::string name)
        : outer_(outer), begin_(begin), end_(end), name_(std::move(name))
    {
    }
    void report(double fraction, std::string_view stage) override
    {
        if (outer_ != nullptr)
            outer_->report(begin_ + (end_ - begin_) * fraction, name_ + ": " + std::string(stage));
    }
    [[nodiscard]] bool isCancelled() const override { return outer_ != nullptr && outer_->isCancelled(); }

private:
    Progress* outer_;
    double begin_, end_;
    std::string name_;
};

} // namespace

VerifyRow verifyConfig(const ModelConfig& config, const VerifyOptions& o, Progress* progress)
{
    RandomWeights weights(o.seed, config.initializerRange);
    ForwardOptions fo;
    fo.seqLen = o.seqLen;
    fo.seed = o.seed;
    fo.threads = o.threads;
    fo.maxMemoryBytes = o.maxMemoryBytes;
    resetPeakRss(); // so each row reports its own peak where the OS allows it
    return VerifyRow{config.name, runForward(config, weights, fo, progress)};
}

std::vector<VerifyRow> verifyConfigs(const std::vector<ModelConfig>& configs, const VerifyOptions& o,
                                     Progress* progress)
{
    double total = 0;
    for (const ModelConfig& c : configs)
        total += static_cast<double>(countParameters(c).total);
    std::vector<VerifyRow> rows;
    double done = 0;
    for (const ModelConfig& c : configs) {
        const double share = static_cast<double>(countParameters(c).total);
        SliceProgress slice(progress, total > 0 ? done / total : 0, total > 0 ? (done + share) / total : 1,
                            c.name);
        rows.push_back(verifyConfig(c, o, &slice));
        done += share;
    }
    return rows;
}

} // namespace llamascope
