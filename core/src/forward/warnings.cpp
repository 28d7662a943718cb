// Warnings about forward runs: see forward/warnings.hpp.

#include "llamascope/forward/warnings.hpp"

#include "llamascope/format.hpp"

namespace llamascope {

std::vector<std::string> forwardWarnings(const ModelConfig& config, const ForwardOptions& options)
{
    std::vector<std::string> out;
    if (options.seqLen > config.contextLength && config.positionType != PositionType::Learned) {
        const char* from = config.contextSource == ContextSource::MaxPositionEmbeddings
                               ? "max_position_embeddings"
                           : config.contextSource == ContextSource::MaxSequenceLength
                               ? "max_sequence_length"
                               : "transformers' default, as the config sets no length";
        out.push_back("sequence length " + formatCount(options.seqLen) +
                      " is longer than the context length " + formatCount(config.contextLength) + " (" +
                      from + "); positions beyond it were never " +
                      "trained, so the loss says little about the model (the counts are still exact)");
    }
    return out;
}

} // namespace llamascope
