// .npy writer: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html

#include "llamascope/forward/npy.hpp"

#include "llamascope/errors.hpp"
#include "llamascope/io.hpp"

#include <bit>
#include <cstring>

namespace llamascope {

std::string encodeNpy(std::span<const float> values, const std::vector<Count>& shape)
{
    static_assert(std::endian::native == std::endian::little, "the .npy writer assumes a little-endian host");
    Count n = 1;
    std::string dims; // "2, 3, 4"; a single dimension is written "6," as Python's tuple
    for (std::size_t i = 0; i < shape.size(); ++i) {
        n = mulChecked(n, shape[i], "npy size");
        dims += (i ? ", " : "") + std::to_string(shape[i]);
    }
    if (shape.size() == 1)
        dims += ",";
    if (n != static_cast<Count>(values.size()))
        throw InvalidArgument("npy: shape does not match the number of values");
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
    // Magic (6) + version (2) + length (2) + header + '\n' is padded to a multiple of 64.
    const std::size_t unpadded = 10 + header.size() + 1;
    header.append((64 - unpadded % 64) % 64, ' ');
    header += '\n';
    std::string out = "\x93NUMPY";
    out += '\x01';
    out += '\x00';
    out += static_cast<char>(header.size() & 0xFF);
    out += static_cast<char>((header.size() >> 8) & 0xFF);
    out += header;
    const std::size_t dataStart = out.size();
    out.resize(dataStart + values.size() * sizeof(float));
    if (!values.empty())
        std::memcpy(out.data() + dataStart, values.data(), values.size() * sizeof(float));
    return out;
}

void writeNpy(const std::filesystem::path& path, std::span<const float> values,
              const std::vector<Count>& shape, const OutputPolicy& policy)
{
    writeFileAtomic(path, encodeNpy(values, shape), policy);
}

} // namespace llamascope
