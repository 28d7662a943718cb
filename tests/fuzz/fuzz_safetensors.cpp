// libFuzzer target: the safetensors header parser. The first 8 input bytes are the size of
// the data section the header must fit (any value, including lies up to 2^63); the rest is
// the header JSON. Every inconsistency must be an IoError, never a crash or a huge allocation,
// and what is accepted must be what the format allows (unique names, exact tiling).
#include "llamascope/errors.hpp"
#include "llamascope/forward/safetensors.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 8)
        return 0;
    std::uint64_t dataBytes = 0;
    std::memcpy(&dataBytes, data, 8);
    const std::string_view json(reinterpret_cast<const char*>(data + 8), size - 8);
    try {
        const auto data = static_cast<llamascope::Count>(dataBytes & 0x7fffffffffffffffULL);
        const auto entries = llamascope::parseSafetensorsHeader(json, data, "fuzz.safetensors");
        for (const auto& e : entries)
            if (e.begin < 0 || e.end < e.begin || e.end > data)
                __builtin_trap(); // the parser accepted a range outside the data section
        // What the format requires of an accepted header: unique names, and ranges that tile
        // the data section exactly (no overlap, no gap, no trailing bytes).
        std::vector<std::pair<llamascope::Count, llamascope::Count>> ranges;
        std::set<std::string> names;
        for (const auto& e : entries) {
            if (!names.insert(e.name).second)
                __builtin_trap(); // a duplicate name was accepted
            ranges.emplace_back(e.begin, e.end);
        }
        std::sort(ranges.begin(), ranges.end());
        llamascope::Count at = 0;
        for (const auto& [begin, end] : ranges) {
            if (begin != at)
                __builtin_trap(); // a gap or an overlap was accepted
            at = end;
        }
        if (at != data)
            __builtin_trap(); // trailing bytes were accepted
    } catch (const llamascope::IoError&) {
    }
    return 0;
}
