#pragma once
// Runs that are legal but probably not what the user meant. Core decides; front ends print
// the sentences (the CLI as "warning:" lines on stderr and a "warnings" array in JSON).

#include "llamascope/config.hpp"
#include "llamascope/forward/forward.hpp"

#include <string>
#include <vector>

namespace llamascope {

/// One sentence per concern, empty when there is none:
///   - a sequence longer than the context length the config declares (RoPE, sinusoidal and
///     position-free models run, but on positions they were never trained on; learned
///     positions cannot run at all and are refused by runForward()).
std::vector<std::string> forwardWarnings(const ModelConfig& config, const ForwardOptions& options);

} // namespace llamascope
