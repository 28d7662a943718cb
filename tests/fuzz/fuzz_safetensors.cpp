// libFuzzer target: the safetensors header parser. The first 8 input bytes are the size of
// the data section the header must fit (any value, including lies up to 2^63); the rest is
// the header JSON. Every inconsistency must be an IoError, never a crash or a huge allocation.
#include "llamascope/errors.hpp"
#include "llamascope/forward/safetensors.hpp"

#include <cstdint>
#include <cstring>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 8)
        return 0;
    std::uint64_t dataBytes = 0;
    std::memcpy(&dataBytes, data, 8);
    const std::string_view json(reinterpret_cast<const char*>(data + 8), size - 8);
    try {
        const auto entries = llamascope::parseSafetensorsHeader(
            json, static_cast<llamascope::Count>(dataBytes & 0x7fffffffffffffffULL), "fuzz.safetensors");
        for (const auto& e : entries)
            if (e.begin < 0 || e.end < e.begin ||
                static_cast<std::uint64_t>(e.end) > (dataBytes & 0x7fffffffffffffffULL))
                __builtin_trap(); // the parser accepted a range outside the data section
    } catch (const llamascope::IoError&) {
    }
    return 0;
}
