#pragma once
// JSON forms of forward-pass and verify results (the `forward` and `verify` commands'
// --format json; schema fragment in docs/forward.md).

#include "llamascope/forward/forward.hpp"
#include "llamascope/forward/verify.hpp"

#include <nlohmann/json_fwd.hpp>

namespace llamascope {

nlohmann::ordered_json toJson(const MaterialisedParameters& p);
nlohmann::ordered_json toJson(const ExactMatmulFlops& f); ///< per op and "total"
/// Everything but the logits: counts analytic and measured with a "match" flag, loss, timing,
/// memory.
nlohmann::ordered_json toJson(const ForwardResult& r);
nlohmann::ordered_json toJson(const VerifyRow& row);

} // namespace llamascope
