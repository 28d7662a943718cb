#include "test_util.hpp"

#include "llamascope/errors.hpp"
#include "llamascope/forward/npy.hpp"

#include <gtest/gtest.h>

namespace llamascope {
namespace {

TEST(Npy, HeaderIsExactlyNumpys)
{
    const std::vector<float> v{1, 2, 3, 4, 5, 6};
    const std::string bytes = encodeNpy(v, {1, 2, 3});
    // numpy.save(np.arange(1, 7, dtype='<f4').reshape(1, 2, 3)) writes this 128-byte preamble.
    const std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 3), }";
    ASSERT_EQ(bytes.size(), 128u + 24u);
    EXPECT_EQ(bytes.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
    EXPECT_EQ(static_cast<unsigned char>(bytes[8]) + 256 * static_cast<unsigned char>(bytes[9]), 118);
    EXPECT_EQ(bytes.substr(10, header.size()), header);
    EXPECT_EQ(bytes[127], '\n');
    EXPECT_EQ(encodeNpy(v, {6}).substr(10, 60).find("'shape': (6,)") != std::string::npos, true);
    EXPECT_THROW(encodeNpy(v, {4}), InvalidArgument);
}

TEST(Npy, RoundTripsThroughAnIndependentReader)
{
    test::TempDir dir;
    const std::vector<float> v{0.5f, -1.25f, 3e-8f, 1e30f};
    writeNpy(dir.path() / "x.npy", v, {2, 1, 2});
    // An existing file is replaced only when the policy allows it (forward --force).
    EXPECT_THROW(writeNpy(dir.path() / "x.npy", v, {2, 1, 2}), IoError);
    writeNpy(dir.path() / "x.npy", v, {2, 1, 2}, OutputPolicy{Overwrite::Allow, {}, {}});
    const test::Npy back = test::readNpy(dir.path() / "x.npy");
    EXPECT_EQ(back.shape, (std::vector<Count>{2, 1, 2}));
    EXPECT_EQ(back.values, v);
}

} // namespace
} // namespace llamascope
