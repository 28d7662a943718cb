// The designer across sizes (issue 4: "the same holds across targets from 5M to 70B").
// Each target's top candidate must be within 1 %, its config.json must load with no finding
// at all (not even a note), and loading that file must give back the parameter count.
//
// What holds where, with LLaMA's 32000-token vocabulary:
//   40M – 70B  default constraints hit every target (checked here in 2 % steps);
//   16M – 40M  needs finer widths: --head-dim 32,48,64,128 --hidden-multiple 16;
//   below ~16M no note-free shape exists for every size (worked out below), so the designer
//              says why and names the knobs; with a small vocabulary (llama2.c's 4096-token
//              tokenizer for tiny models) 5M is hit again.

#include "llamascope/design.hpp"
#include "llamascope/params.hpp"
#include "llamascope/validate.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace llamascope;

namespace {

void expectHit(double target, const DesignConstraints& c)
{
    DesignTarget t;
    t.value = target;
    const DesignResult r = design(t, c, 1);
    ASSERT_FALSE(r.candidates.empty()) << sizeLabel(target);
    const DesignCandidate& top = r.candidates.front();
    EXPECT_TRUE(top.onTarget) << sizeLabel(target) << ": " << top.reason << " / " << r.note;
    const LoadResult back = loadConfigText(toHfJsonText(top.config), top.fileName);
    ASSERT_TRUE(back.config.has_value()) << sizeLabel(target);
    EXPECT_TRUE(back.report.findings.empty())
        << sizeLabel(target) << ": " << back.report.findings.front().codeName() << " "
        << back.report.findings.front().message;
    const double n = static_cast<double>(countParameters(*back.config).total);
    EXPECT_LE(std::fabs(n - target) / target, 0.01) << sizeLabel(target) << ": " << n;
    EXPECT_EQ(top.fileName, "llama_" + sizeLabel(target, 3) + ".json");
}

/// How many 2 % steps from `from` stay within `to` (the last target is at most `to`).
int stepsBetween(double from, double to)
{
    return static_cast<int>(std::floor(std::log(to / from) / std::log(1.02)));
}

} // namespace

TEST(Sweep, DefaultsFrom40MTo70B)
{
    // Targets 2 % apart, counted by an integer (a float loop counter accumulates rounding).
    const int steps = stepsBetween(40e6, 70e9);
    for (int i = 0; i <= steps; ++i)
        expectHit(40e6 * std::pow(1.02, i), DesignConstraints{});
    EXPECT_GT(steps, 370);
    expectHit(70e9, DesignConstraints{});
}

TEST(Sweep, FinerWidthsFrom16MTo40M)
{
    DesignConstraints c;
    c.headDims = {32, 48, 64, 128};
    c.hiddenMultiple = 16;
    for (int i = 0, steps = stepsBetween(16e6, 40e6); i <= steps; ++i)
        expectHit(16e6 * std::pow(1.02, i), c);
}

TEST(Sweep, BelowThatTheLlamaVocabularyIsTooBig)
{
    // 10M with V = 32000, without even the N/L band. Note-free FFN sizes (a multiple of 64
    // within 5 % of 8/3·d) exist for d = 192 (512), 256 (704), 320 (832), none for d = 64 or 128.
    //   d = 192 tied:   6,144,192 + L·442,752 -> L = 8: 9,686,208; L = 9: 10,128,960 (+1.3 %)
    //   d = 192 untied: 12,288,192 alone exceeds 10.1M
    //   d = 256 tied:   8,192,256 + L·803,328 -> L = 2: 9,798,912 (−2.0 %); L = 3: 10,602,240
    //   d = 320 tied:   10,240,320 alone exceeds 10.1M
    // (per layer: 4d² + 3·d·f + 2d). Nothing lands in 9.9M–10.1M, so no candidate can.
    DesignConstraints c;
    c.useNlBand = false;
    DesignTarget t;
    t.value = 10e6;
    const DesignResult r = design(t, c, 3);
    ASSERT_FALSE(r.candidates.empty());
    EXPECT_FALSE(r.candidates.front().onTarget);
    EXPECT_FALSE(r.note.empty());

    // 5M is below the smallest shape at all: the note says so and names the vocabulary (in words: core names
    // no CLI flag).
    t.value = 5e6;
    const DesignResult five = design(t, DesignConstraints{});
    EXPECT_FALSE(five.candidates.front().onTarget);
    EXPECT_NE(five.note.find("below the smallest shape"), std::string::npos) << five.note;
    EXPECT_NE(five.note.find("lower the vocabulary size"), std::string::npos) << five.note;
}

TEST(Sweep, TinyModelsWithATinyVocabulary)
{
    DesignConstraints c;
    c.vocab = 4096;
    c.headDims = {32, 64};
    c.hiddenMultiple = 32;
    expectHit(5e6, c);
}
