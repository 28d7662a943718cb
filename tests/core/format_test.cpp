// The formatters the front ends use to show core's defaults in their help: each string must
// read back, through core's own parsers, as the value it shows.
#include "llamascope/format.hpp"
#include "llamascope/memory.hpp"
#include "llamascope/plan.hpp"

#include <gtest/gtest.h>

using namespace llamascope;

TEST(Format, BinaryExactUsesTheLargestUnitThatDivides)
{
    EXPECT_EQ(formatBinaryExact(4194304), "4Mi"); // 2^22
    EXPECT_EQ(formatBinaryExact(25LL << 20), "25Mi");
    EXPECT_EQ(formatBinaryExact(1536), "1536"); // 1.5 Ki is not whole
    EXPECT_EQ(formatBinaryExact(3LL << 40), "3Ti");
    EXPECT_EQ(formatBinaryExact(0), "0");
    EXPECT_EQ(formatBinaryExact(1000), "1000");
}

TEST(Format, PercentIsShortAndExactToAMillionth)
{
    EXPECT_EQ(formatPercent(0.5), "50%");
    EXPECT_EQ(formatPercent(0.05), "5%");
    EXPECT_EQ(formatPercent(0.055), "5.5%"); // 0.055 × 100 is 5.500000000000001 in binary
    EXPECT_EQ(formatPercent(0.1), "10%");
    EXPECT_EQ(formatPercent(1), "100%");
}

TEST(Format, TheDefaultsShownInHelpReadBackAsCoresValues)
{
    const PlanOptions plan;
    EXPECT_EQ(parseGlobalBatch(formatBinaryExact(static_cast<std::int64_t>(plan.globalBatchTokens)), 4096),
              plan.globalBatchTokens);
    EXPECT_EQ(parseByteSize(formatBinaryExact(plan.bucketBytes) + "B"), plan.bucketBytes);
    EXPECT_EQ(parseByteSize(formatBinaryExact(24LL << 30) + "B"), 24LL << 30);
}
