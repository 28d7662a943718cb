#include "test_util.hpp"

#include "llamascope/validate.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>

namespace llamascope::test {

std::filesystem::path fixture(const std::string& name)
{
    return std::filesystem::path(TEST_DATA_DIR) / "forward" / name;
}

ModelConfig fixtureConfig(const std::string& variant)
{
    const LoadResult r = loadConfigFile(fixture(variant) / "config.json");
    if (!r.config) {
        ADD_FAILURE() << "fixture config " << variant << " does not validate";
        return {};
    }
    return *r.config;
}

Npy readNpy(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string bytes = ss.str();
    Npy out;
    if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) {
        ADD_FAILURE() << path << " is not a .npy file";
        return out;
    }
    const auto major = static_cast<unsigned char>(bytes[6]);
    std::size_t headerLen = 0, start = 0;
    if (major == 1) {
        headerLen = static_cast<unsigned char>(bytes[8]) |
                    static_cast<std::size_t>(static_cast<unsigned char>(bytes[9])) << 8;
        start = 10;
    } else {
        for (int i = 3; i >= 0; --i)
            headerLen = headerLen << 8 |
                        static_cast<unsigned char>(bytes[std::size_t{8} + static_cast<std::size_t>(i)]);
        start = 12;
    }
    const std::string header = bytes.substr(start, headerLen);
    EXPECT_NE(header.find("'descr': '<f4'"), std::string::npos) << header;
    EXPECT_NE(header.find("'fortran_order': False"), std::string::npos) << header;
    std::smatch m;
    const std::regex shapeRe(R"('shape': \(([^)]*)\))");
    EXPECT_TRUE(std::regex_search(header, m, shapeRe)) << header;
    std::stringstream dims(m[1].str());
    std::string dim;
    while (std::getline(dims, dim, ','))
        if (dim.find_first_not_of(' ') != std::string::npos)
            out.shape.push_back(std::stoll(dim));
    const std::size_t data = start + headerLen;
    out.values.resize((bytes.size() - data) / 4);
    std::memcpy(out.values.data(), bytes.data() + data, out.values.size() * 4);
    return out;
}

TempDir::TempDir()
{
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("llamascope-forward-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
}

TempDir::~TempDir()
{
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

void writeBytes(const std::filesystem::path& path, const std::string& bytes)
{
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string safetensorsImage(const std::string& header, const std::string& data, std::uint64_t lengthField)
{
    std::string out(8, '\0');
    for (std::size_t i = 0; i < 8; ++i)
        out[i] = static_cast<char>((lengthField >> (8 * i)) & 0xFF);
    return out + header + data;
}

std::string safetensorsImage(const std::string& header, const std::string& data)
{
    return safetensorsImage(header, data, header.size());
}

} // namespace llamascope::test
