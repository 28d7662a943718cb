// The safetensors reader on real fixtures and on lying or truncated files: every bad file is
// a clear IoError naming the problem, never a crash or a giant allocation.

#include "test_util.hpp"

#include "llamascope/errors.hpp"
#include "llamascope/forward/safetensors.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

namespace llamascope {
namespace {

std::string floats(std::initializer_list<float> values)
{
    std::string s(values.size() * 4, '\0');
    std::size_t i = 0;
    for (const float v : values) {
        std::memcpy(s.data() + 4 * i, &v, 4);
        ++i;
    }
    return s;
}

// Expects opening `image` to throw IoError whose message contains `needle`.
void expectRefused(const std::string& image, const std::string& needle)
{
    test::TempDir dir;
    const auto path = dir.path() / "bad.safetensors";
    test::writeBytes(path, image);
    try {
        const SafetensorsFile f(path);
        for (const SafetensorsEntry& e : f.entries())
            (void)f.read(e);
        ADD_FAILURE() << "accepted a bad file; expected an error containing: " << needle;
    } catch (const IoError& e) {
        EXPECT_NE(std::string(e.what()).find(needle), std::string::npos)
            << e.what() << "\nexpected: " << needle;
    }
}

TEST(Safetensors, HalfAndBfloat16ConvertExactly)
{
    EXPECT_EQ(halfToFloat(0x3C00), 1.0f);
    EXPECT_EQ(halfToFloat(0xC000), -2.0f);
    EXPECT_EQ(halfToFloat(0x7BFF), 65504.0f);                // largest normal
    EXPECT_EQ(halfToFloat(0x0400), 6.103515625e-05f);        // smallest normal, 2^-14
    EXPECT_EQ(halfToFloat(0x0001), 5.9604644775390625e-08f); // smallest subnormal, 2^-24
    EXPECT_EQ(halfToFloat(0x03FF), 6.097555160522461e-05f);  // largest subnormal
    EXPECT_EQ(halfToFloat(0x3555), 0.333251953125f);
    EXPECT_TRUE(std::isinf(halfToFloat(0xFC00)) && halfToFloat(0xFC00) < 0);
    EXPECT_TRUE(std::isnan(halfToFloat(0x7E00)));
    EXPECT_TRUE(std::signbit(halfToFloat(0x8000)));
    EXPECT_EQ(bfloat16ToFloat(0x3F80), 1.0f);
    EXPECT_EQ(bfloat16ToFloat(0xC0A0), -5.0f);
    EXPECT_EQ(bfloat16ToFloat(0x3EAB), 0.333984375f);
}

TEST(Safetensors, ReadsAValidFile)
{
    test::TempDir dir;
    const auto path = dir.path() / "ok.safetensors";
    const std::string header =
        R"({"__metadata__":{"format":"pt"},"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]},)"
        R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"h":{"dtype":"F16","shape":[2],"data_offsets":[16,20]},)"
        R"("z":{"dtype":"BF16","shape":[1,1],"data_offsets":[20,22]}})";
    const std::string data = floats({1.5f, -2.0f, 3.0f, 4.25f}) + std::string("\x00\x3C\x00\xC0\x80\x3F", 6);
    test::writeBytes(path, test::safetensorsImage(header, data));
    const SafetensorsFile f(path);
    ASSERT_EQ(f.entries().size(), 4u);
    EXPECT_EQ(f.read(*f.find("a")).values, (std::vector<float>{1.5f, -2.0f}));
    EXPECT_EQ(f.read(*f.find("b")).values, (std::vector<float>{3.0f, 4.25f}));
    EXPECT_EQ(f.read(*f.find("h")).values, (std::vector<float>{1.0f, -2.0f}));
    const Tensor z = f.read(*f.find("z"));
    EXPECT_EQ(z.values, std::vector<float>{1.0f});
    EXPECT_EQ(z.shape, (std::vector<Count>{1, 1}));
    EXPECT_EQ(f.find("missing"), nullptr);
}

TEST(Safetensors, HeaderLengthOf2To63IsRefusedWithoutAllocating)
{
    expectRefused(test::safetensorsImage("{}", "", std::uint64_t{1} << 63), "runs past the end of the file");
    expectRefused(test::safetensorsImage("{}", "", ~std::uint64_t{0}), "runs past the end of the file");
}

TEST(Safetensors, TruncatedFilesAreRefused)
{
    expectRefused("", "too short");
    expectRefused(std::string("\x10\x00\x00", 3), "too short");
    const std::string header = R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})";
    // The header promises 16 data bytes, the file has 8.
    expectRefused(test::safetensorsImage(header, floats({1, 2})), "run past the end of the data");
}

TEST(Safetensors, LyingHeadersAreRefused)
{
    const std::string data = floats({1, 2, 3, 4});
    expectRefused(test::safetensorsImage(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,32]}})", data),
                  "run past the end of the data");
    expectRefused(test::safetensorsImage(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                         R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                                         data),
                  "overlapping");
    expectRefused(test::safetensorsImage(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}})", data),
                  "F32 [3] needs 12 bytes but data_offsets span 16");
    expectRefused(test::safetensorsImage(R"({"a":{"dtype":"F16","shape":[4],"data_offsets":[0,16]}})", data),
                  "F16 [4] needs 8 bytes");
    expectRefused(test::safetensorsImage(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[12,4]}})", data),
                  "is before begin");
    expectRefused(test::safetensorsImage(R"({"a":{"dtype":"F32","shape":[-4],"data_offsets":[0,16]}})", data),
                  "negative");
    expectRefused(test::safetensorsImage(
                      R"({"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,16]}})", data),
                  "overflows");
    expectRefused(test::safetensorsImage(R"({"a":{"dtype":"F33","shape":[4],"data_offsets":[0,16]}})", data),
                  "unknown dtype \"F33\"");
    expectRefused(test::safetensorsImage(R"({"a":{"dtype":"F32","shape":[4]}})", data),
                  "has no \"data_offsets\"");
    expectRefused(test::safetensorsImage(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0]}})", data),
                  "not a [begin, end] pair");
    expectRefused(test::safetensorsImage(R"({"a":)", data), "not valid JSON");
    expectRefused(test::safetensorsImage(R"([1,2])", data), "not a JSON object");
    expectRefused(test::safetensorsImage(R"({"a":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}})", data),
                  "only F32, F16 and BF16");
}

// What the format forbids (safetensors README, "Format"): duplicate keys, non-string
// metadata, and data that the tensors do not tile exactly (gaps, trailing bytes).
TEST(Safetensors, WhatTheFormatForbidsIsRefused)
{
    const std::string data = floats({1, 2, 3, 4});
    const std::string a = R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]})";
    const std::string b = R"("b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]})";
    // Duplicate tensor names: nlohmann and Python keep the last, Rust's serde the first.
    expectRefused(test::safetensorsImage("{" + a + "," + b + "," + a + "}", data),
                  "tensor \"a\" appears twice in the header");
    expectRefused(
        test::safetensorsImage(
            R"({"a":{"dtype":"F32","dtype":"F16","shape":[2],"data_offsets":[0,8]},)" + b + "}", data),
        "has \"dtype\" twice");
    expectRefused(test::safetensorsImage(R"({"__metadata__":{"step":1000},)" + a + "," + b + "}", data),
                  "__metadata__ value of \"step\" is not a string");
    expectRefused(
        test::safetensorsImage(R"({"__metadata__":{"k":{"nested":"x"}},)" + a + "," + b + "}", data),
        "is not a string");
    expectRefused(test::safetensorsImage(R"({"__metadata__":{"k":"1","k":"2"},)" + a + "," + b + "}", data),
                  "has the key \"k\" twice");
    expectRefused(
        test::safetensorsImage(R"({"__metadata__":{},"__metadata__":{},)" + a + "," + b + "}", data),
        "\"__metadata__\" appears twice");
    expectRefused(test::safetensorsImage(R"({"__metadata__":"pt",)" + a + "," + b + "}", data),
                  "__metadata__ is not an object");
    // Trailing bytes after the last tensor, and a gap between two.
    expectRefused(test::safetensorsImage("{" + a + "," + b + "}", data + "junk"),
                  "4 bytes after the end of the last tensor's data");
    expectRefused(test::safetensorsImage("{" + a + "}", data), "8 bytes after the end");
    expectRefused(
        test::safetensorsImage(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)" + b + "}", data),
        "bytes [4, 8) of the data belong to no tensor");
    expectRefused(test::safetensorsImage(R"({"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})", data),
                  "bytes [0, 8) of the data belong to no tensor");
    // Nesting deeper than the format has, also inside fields the reader otherwise ignores.
    expectRefused(
        test::safetensorsImage(R"({"a":{"dtype":"F32","shape":[[2]],"data_offsets":[0,8]},)" + b + "}", data),
        "a shape dimension is not an integer");
    expectRefused(test::safetensorsImage(
                      R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"x":[[1]]},)" + b + "}", data),
                  "nested deeper than 3 levels");
    expectRefused(
        test::safetensorsImage(R"({"a":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]},)" + b + "}", data),
        "a shape dimension is not an integer");
    expectRefused(
        test::safetensorsImage(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8,8]},)" + b + "}", data),
        "not a [begin, end] pair");
    expectRefused(test::safetensorsImage(
                      R"({"a":{"dtype":"F32","shape":[99999999999999999999],"data_offsets":[0,8]}})", data),
                  "a shape dimension is too large");
    expectRefused(test::safetensorsImage("{" + a + "," + b + "} x", data), "after the end of the JSON value");
    // Zero-size tensors take no bytes and may sit anywhere in the tiling; unknown fields are
    // ignored as the reference implementation ignores them.
    test::TempDir dir;
    test::writeBytes(
        dir.path() / "ok.safetensors",
        test::safetensorsImage(R"({"e":{"dtype":"F32","shape":[0,3],"data_offsets":[8,8]},)" + a + "," +
                                   R"("b":{"dtype":"F32","shape":[2],"data_offsets":[8,16],"note":"x"}}  )",
                               data));
    const SafetensorsFile ok(dir.path() / "ok.safetensors");
    EXPECT_EQ(ok.entries().size(), 3u);
    EXPECT_EQ(ok.read(*ok.find("b")).values, (std::vector<float>{3, 4}));
    EXPECT_EQ(ok.find("e")->shape, (std::vector<Count>{0, 3}));
}

TEST(Safetensors, HeaderBudgetsBoundWhatParsingKeeps)
{
    // Small limits exercise the same code paths as the real 64 MiB / 64 KiB budgets.
    SafetensorsLimits tiny;
    tiny.maxNameBytes = 8;
    tiny.maxTableBytes = 4096;
    const std::string data = floats({1, 2});
    auto refused = [&](const std::string& header, const std::string& needle) {
        try {
            (void)parseSafetensorsHeader(header, static_cast<Count>(data.size()), "x.safetensors", tiny);
            ADD_FAILURE() << "accepted; expected " << needle;
        } catch (const IoError& e) {
            EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
        }
    };
    refused(R"({"a_long_tensor_name":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})",
            "a tensor name is longer than 0 KiB");
    std::string many = "{";
    for (int i = 0; i < 200; ++i)
        many += (i ? "," : "") + std::string("\"t") + std::to_string(i) +
                R"(":{"dtype":"F32","shape":[0],"data_offsets":[0,0]})";
    refused(many + "}", "describes more than 0 MiB of tensor table");
    std::string longShape = R"({"a":{"dtype":"F32","shape":[)";
    for (int i = 0; i < 1000; ++i)
        longShape += "1,";
    refused(longShape + R"(2],"data_offsets":[0,8]}})", "tensor table");
}

TEST(Safetensors, ShardedIndexIsCheckedAgainstItsShards)
{
    test::TempDir dir;
    const std::string header = R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})";
    test::writeBytes(dir.path() / "s1.safetensors", test::safetensorsImage(header, floats({7})));
    test::writeBytes(dir.path() / "model.safetensors.index.json", R"({"weight_map":{"a":"s1.safetensors"}})");
    const SafetensorsCheckpoint ok = SafetensorsCheckpoint::open(dir.path());
    EXPECT_EQ(ok.read("a").values, std::vector<float>{7});
    EXPECT_THROW((void)ok.read("b"), IoError);

    test::writeBytes(dir.path() / "model.safetensors.index.json", R"({"weight_map":{"b":"s1.safetensors"}})");
    EXPECT_THROW(SafetensorsCheckpoint::open(dir.path()), IoError);
    test::writeBytes(dir.path() / "model.safetensors.index.json",
                     R"({"weight_map":{"a":"../s1.safetensors"}})");
    EXPECT_THROW(SafetensorsCheckpoint::open(dir.path()), IoError);
    test::writeBytes(dir.path() / "model.safetensors.index.json",
                     R"({"weight_map":{"a":"missing.safetensors"}})");
    EXPECT_THROW(SafetensorsCheckpoint::open(dir.path()), IoError);
    // The same tensor in two shards.
    test::writeBytes(dir.path() / "s2.safetensors", test::safetensorsImage(header, floats({8})));
    test::writeBytes(dir.path() / "model.safetensors.index.json",
                     R"({"weight_map":{"a":"s1.safetensors","b":"s2.safetensors"}})");
    EXPECT_THROW(SafetensorsCheckpoint::open(dir.path()), IoError);
    // A tensor listed twice, nesting deeper than an index has, a shard that is not a file.
    auto indexRefused = [&](const std::string& index, const std::string& needle) {
        test::writeBytes(dir.path() / "model.safetensors.index.json", index);
        try {
            (void)SafetensorsCheckpoint::open(dir.path());
            ADD_FAILURE() << "accepted " << index;
        } catch (const IoError& e) {
            EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
        }
    };
    indexRefused(R"({"weight_map":{"a":"s1.safetensors","a":"s1.safetensors"}})", "lists tensor \"a\" twice");
    indexRefused(R"({"metadata":{"x":[[[[1]]]]},"weight_map":{"a":"s1.safetensors"}})",
                 "nested deeper than 4 levels");
    indexRefused(R"({"weight_map":{"a":".."}})", "not a file beside the index");
    indexRefused(R"({"weight_map":{"a":"s1.safetensors"},"weight_map":{}})", "\"weight_map\" twice");
    indexRefused(R"({"metadata":{}})", "no \"weight_map\" object");
    test::writeBytes(dir.path() / "model.safetensors.index.json",
                     R"({"metadata":{"total_size":4},"weight_map":{"a":"s1.safetensors"}})");
    const SafetensorsCheckpoint again = SafetensorsCheckpoint::open(dir.path());
    EXPECT_EQ(again.files(), (std::vector<std::filesystem::path>{dir.path() / "model.safetensors.index.json",
                                                                 dir.path() / "s1.safetensors"}));
}

TEST(Safetensors, FixturesOpenInEveryLayout)
{
    EXPECT_EQ(SafetensorsCheckpoint::open(test::fixture("rope") / "model.safetensors").entries().size(), 21u);
    EXPECT_EQ(SafetensorsCheckpoint::open(test::fixture("sharded")).entries().size(), 21u);
    EXPECT_EQ(SafetensorsCheckpoint::open(test::fixture("sharded") / "model.safetensors.index.json")
                  .entries()
                  .size(),
              21u);
    EXPECT_THROW(SafetensorsCheckpoint::open(test::fixture("no-such-variant")), IoError);
}

} // namespace
} // namespace llamascope
