// The memory model against figures worked by hand (comments show the arithmetic, independent
// of the code) and against published ones (GaLore Table 2, LLaMA-7B's KV cache).

#include "llamascope/bundled.hpp"
#include "llamascope/errors.hpp"
#include "llamascope/memory.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace llamascope;

namespace {

ModelConfig bundled(std::string_view name)
{
    return *loadBundled(name)->config;
}

MemoryReport memoryOf(std::string_view name, Optimizer o, Count rank = 0, Count seq = 256)
{
    MemoryOptions opt;
    opt.optimizer = o;
    opt.rank = rank;
    opt.seqLen = seq;
    return estimateMemory(bundled(name), opt);
}

Count termBytes(const MemoryReport& r, std::string_view key)
{
    const MemoryTerm* t = r.find(key);
    EXPECT_NE(t, nullptr) << key;
    return t ? t->bytes : -1;
}

} // namespace

// ---- GaLore Table 2 -------------------------------------------------------------------------
//
// The paper's scope: BF16 weights + BF16 Adam state, no gradients, no activations.
// N: llama_60m 58,073,600; llama_130m 134,105,856; llama_350m 367,969,280; llama_1b 1,339,082,752.
// Full rank: 2 B × (weights + m + v) = 6N bytes.
//   60m  6 × 58,073,600    =   348,441,600
//   130m 6 × 134,105,856   =   804,635,136
//   350m 6 × 367,969,280   = 2,207,815,680
//   1b   6 × 1,339,082,752 = 8,034,496,512
// GaLore at rank r: for each attention/MLP matrix with sides m <= n, projector m·r and
// moments 2·n·r; the other N_rest parameters keep m and v (2·N_rest); all 2 B each; plus 2N.
//   60m, r = 128, d = 512, f = 1376, L = 8:
//     4 attention 512×512: (512·128 + 2·512·128)  = 196,608 each ->   786,432
//     3 MLP 512×1376:      (512·128 + 2·1376·128) = 417,792 each -> 1,253,376
//     per layer 2,039,808, × 8 = 16,318,464
//     N_rest = 2·16,384,000 (embedding, lm_head) + 8·2·512 + 512 (norms) = 32,776,704 -> 65,553,408
//     bytes = 2·(16,318,464 + 65,553,408) + 2·58,073,600 = 163,743,744 + 116,147,200 = 279,890,944
//   130m, r = 256, d = 768, f = 2048, L = 12:
//     attention 4·(768·256 + 2·768·256) = 4·589,824 = 2,359,296
//     MLP 3·(768·256 + 2·2048·256) = 3·1,245,184 = 3,735,552; per layer 6,094,848, × 12 = 73,138,176
//     N_rest = 2·24,576,000 + 12·1536 + 768 = 49,171,200 -> 98,342,400
//     bytes = 2·171,480,576 + 2·134,105,856 = 342,961,152 + 268,211,712 = 611,172,864
//   350m, r = 256, d = 1024, f = 2736, L = 24:
//     attention 4·(1024·256 + 2·1024·256) = 3,145,728; MLP 3·(1024·256 + 2·2736·256) = 4,988,928
//     per layer 8,134,656, × 24 = 195,231,744
//     N_rest = 2·32,768,000 + 24·2048 + 1024 = 65,586,176 -> 131,172,352
//     bytes = 2·326,404,096 + 2·367,969,280 = 652,808,192 + 735,938,560 = 1,388,746,752
//   1b, r = 512, d = 2048, f = 5461, L = 24:
//     attention 4·(2048·512 + 2·2048·512) = 12,582,912; MLP 3·(2048·512 + 2·5461·512) = 19,921,920
//     per layer 32,504,832, × 24 = 780,115,968
//     N_rest = 2·65,536,000 + 24·4096 + 2048 = 131,172,352 -> 262,344,704
//     bytes = 2·1,042,460,672 + 2·1,339,082,752 = 2,084,921,344 + 2,678,165,504 = 4,763,086,848
TEST(GaloreTable2, HandWorkedFigures)
{
    const std::vector<GaloreComparisonRow> rows = compareWithGaloreTable2();
    ASSERT_EQ(rows.size(), 4u);
    const Count full[] = {348'441'600, 804'635'136, 2'207'815'680, 8'034'496'512};
    const Count galore[] = {279'890'944, 611'172'864, 1'388'746'752, 4'763'086'848};
    for (std::size_t i = 0; i < rows.size(); ++i) {
        EXPECT_EQ(rows[i].fullRankBytes, full[i]) << rows[i].published.config;
        EXPECT_EQ(rows[i].galoreBytes, galore[i]) << rows[i].published.config;
    }
}

TEST(GaloreTable2, PublishedFiguresAndHowCloseWeLand)
{
    // Zhao et al. 2024, Table 2: 0.36/0.76/2.06/7.80G full rank, 0.24/0.52/1.22/4.38G GaLore.
    const std::vector<GaloreComparisonRow> rows = compareWithGaloreTable2();
    const double paperFull[] = {0.36, 0.76, 2.06, 7.80};
    const double paperGalore[] = {0.24, 0.52, 1.22, 4.38};
    const Count ranks[] = {128, 256, 256, 512};
    for (std::size_t i = 0; i < rows.size(); ++i) {
        EXPECT_DOUBLE_EQ(rows[i].published.fullRankG, paperFull[i]);
        EXPECT_DOUBLE_EQ(rows[i].published.galoreG, paperGalore[i]);
        EXPECT_EQ(rows[i].published.rank, ranks[i]);
        // docs/memory.md explains the gaps. Read in GiB (the paper's figures match GiB for
        // 130m/350m to 1 %), full rank lands within 10 % and GaLore within 10 %, always
        // above the paper for GaLore (the paper's estimate omits part of the projected state).
        const double fullGiB = static_cast<double>(rows[i].fullRankBytes) / 1073741824.0;
        const double galoreGiB = static_cast<double>(rows[i].galoreBytes) / 1073741824.0;
        EXPECT_NEAR(fullGiB / paperFull[i], 1.0, 0.10) << rows[i].published.config;
        EXPECT_NEAR(galoreGiB / paperGalore[i], 1.0, 0.10) << rows[i].published.config;
        EXPECT_GT(galoreGiB, paperGalore[i] * 0.995) << rows[i].published.config;
    }
    // 350m is the closest: 2,207,815,680 B = 2.056 GiB against 2.06G.
    EXPECT_NEAR(static_cast<double>(rows[2].fullRankBytes) / 1073741824.0, 2.06, 0.005);
}

// ---- optimizers, llama_60m (N = 58,073,600) -------------------------------------------------

TEST(Memory, AdamWFp32Is16BytesPerParameter)
{
    const MemoryReport r = memoryOf("llama_60m", Optimizer::AdamW);
    EXPECT_EQ(r.weightDtype, StorageDtype::F32);
    EXPECT_EQ(r.modelStateBytes(), 16 * 58'073'600LL); // 929,177,600
    EXPECT_EQ(termBytes(r, "adam_m"), 4 * 58'073'600LL);
}

TEST(Memory, MixedPrecisionAdamW)
{
    // 2 (bf16 weights) + 2 (bf16 grads) + 4 (fp32 master) + 4 + 4 (fp32 m, v) = 16 B/param.
    const MemoryReport r = memoryOf("llama_60m", Optimizer::MixedAdamW);
    EXPECT_EQ(termBytes(r, "weights"), 116'147'200);
    EXPECT_EQ(termBytes(r, "gradients"), 116'147'200);
    EXPECT_EQ(termBytes(r, "master_weights"), 232'294'400);
    EXPECT_EQ(r.modelStateBytes(), 929'177'600);
}

TEST(Memory, PureBf16AdamIs8BytesPerParameter)
{
    EXPECT_EQ(memoryOf("llama_60m", Optimizer::Bf16Adam).modelStateBytes(), 8 * 58'073'600LL);
}

TEST(Memory, Adam8bitHandWorked)
{
    // Tensors of >= 4096 values get uint8 m and v plus an fp32 absmax per 256 values each:
    //   embedding and lm_head 16,384,000 each: 64,000 blocks each
    //   per layer q,k,v,o 262,144 (1,024 blocks) and gate,up,down 704,512 (2,752 blocks)
    //   quantized values 2·16,384,000 + 8·(4·262,144 + 3·704,512) = 58,064,896
    //   blocks 2·64,000 + 8·(4·1,024 + 3·2,752) = 128,000 + 98,816 = 226,816
    // Norm gains (512 values) keep fp32 m and v: 8·2·512 + 512 = 8,704 values.
    const MemoryReport r = memoryOf("llama_60m", Optimizer::Adam8bit);
    EXPECT_EQ(termBytes(r, "adam8bit_states"), 2 * 58'064'896LL);   // 116,129,792
    EXPECT_EQ(termBytes(r, "adam8bit_absmax"), 2 * 226'816LL * 4);  // 1,814,528
    EXPECT_EQ(termBytes(r, "adam_small_tensors"), 2 * 8'704LL * 4); // 69,632
    EXPECT_EQ(r.bytes(MemoryCategory::OptimizerState), 118'013'952);
    EXPECT_EQ(r.bytes(MemoryCategory::Weights), 116'147'200);
}

TEST(Memory, LoraHandWorked)
{
    // r = 8 on all seven maps: q,k,v,o 8·(512+512) = 8,192 each; gate,up,down 8·(512+1376) =
    // 15,104 each; per layer 32,768 + 45,312 = 78,080; × 8 layers = 624,640 adapter values,
    // each with fp32 weight, gradient, m, v (16 B). The bf16 base is frozen: no gradients.
    const MemoryReport r = memoryOf("llama_60m", Optimizer::LoRA, 8);
    EXPECT_EQ(r.trainableParameters, 624'640);
    EXPECT_EQ(termBytes(r, "lora_adapters"), 4 * 624'640LL);
    EXPECT_EQ(r.bytes(MemoryCategory::Gradients), 4 * 624'640LL);
    EXPECT_EQ(r.modelStateBytes(), 116'147'200 + 16 * 624'640LL);
}

TEST(Memory, LoraOnAQuantizedBase)
{
    MemoryOptions o;
    o.optimizer = Optimizer::LoRA;
    o.rank = 16;
    o.weightDtype = StorageDtype::Int4;
    const MemoryReport r = estimateMemory(bundled("llama_7b"), o);
    EXPECT_EQ(termBytes(r, "weights"), 6'738'415'616LL / 2); // 4 bits per parameter
    EXPECT_EQ(r.activationDtype, StorageDtype::BF16);
}

TEST(Memory, GaloreRankIsCappedAtTheSmallerSide)
{
    // Rank 4096 on llama_60m: every matrix has its smaller side 512, so r is 512 for all.
    const MemoryReport big = memoryOf("llama_60m", Optimizer::GaLore, 4096);
    const MemoryReport capped = memoryOf("llama_60m", Optimizer::GaLore, 512);
    EXPECT_EQ(big.bytes(MemoryCategory::OptimizerState), capped.bytes(MemoryCategory::OptimizerState));
}

// ---- activations, llama_60m, B = 1, T = 256, bf16 -------------------------------------------

TEST(Memory, ActivationsFlashHandWorked)
{
    // Per token per layer (d = 512, H = K = 8, h = 64, f = 1376):
    //   fp32 norm inputs 2d·4 = 4,096; 1/rms 2·4 = 8; normalized 2d·2 = 2,048; norm outputs 2,048
    //   Q, K, V, attention output 4·512·2 = 4,096; log-sum-exp H·4 = 32; MLP 4f·2 = 11,008
    //   = 23,336 B; × 8 layers × 256 tokens = 47,792,128
    // Final norm: fp32 (d+1)·4 = 2,052 and 2d·2 = 2,048 per token: 4,100 × 256 = 1,049,600.
    // Logits: 256·32000 = 8,192,000 values in bf16 and in fp32: 49,152,000.
    const MemoryReport r = memoryOf("llama_60m", Optimizer::MixedAdamW);
    EXPECT_EQ(r.bytes(MemoryCategory::Activations), 47'792'128 + 1'049'600);
    EXPECT_EQ(r.bytes(MemoryCategory::Logits), 49'152'000);
    EXPECT_EQ(r.totalBytes(), 929'177'600 + 48'841'728 + 49'152'000);
}

TEST(Memory, ActivationsEagerHandWorked)
{
    // Eager keeps the T×T probabilities: H·T = 2,048 per token per layer, in fp32 (8,192 B)
    // and bf16 (4,096 B); Q, K, V and the output 4·1,024 = 4,096 (MHA: no repetition);
    // norms 8,200; MLP 11,008. Per token per layer 35,592 B × 2,048 = 72,892,416.
    // The 4-D causal mask B·T·T bf16 = 131,072; the final norm 1,049,600.
    MemoryOptions o;
    o.seqLen = 256;
    o.attention = AttentionKernel::Eager;
    const MemoryReport r = estimateMemory(bundled("llama_60m"), o);
    EXPECT_EQ(r.bytes(MemoryCategory::Activations), 72'892'416 + 131'072 + 1'049'600);
}

TEST(Memory, FullRecomputeKeepsLayerInputsAndOneLayer)
{
    // Inputs 8·256·512·2 = 2,097,152; one layer 23,336 × 256 = 5,974,016; final 1,049,600.
    MemoryOptions o;
    o.seqLen = 256;
    o.recompute = true;
    const MemoryReport r = estimateMemory(bundled("llama_60m"), o);
    EXPECT_EQ(r.bytes(MemoryCategory::Activations), 2'097'152 + 5'974'016 + 1'049'600);
}

TEST(Memory, ActivationsScaleWithBatch)
{
    MemoryOptions o;
    o.seqLen = 256;
    const MemoryReport one = estimateMemory(bundled("llama_60m"), o);
    o.batch = 4;
    const MemoryReport four = estimateMemory(bundled("llama_60m"), o);
    EXPECT_EQ(four.bytes(MemoryCategory::Activations), 4 * one.bytes(MemoryCategory::Activations));
    EXPECT_EQ(four.modelStateBytes(), one.modelStateBytes());
}

// ---- inference ------------------------------------------------------------------------------

TEST(Memory, KvCacheOfLlama7bIsHalfAMebibytePerToken)
{
    // 2 · 32 layers · 32 kv heads · 128 · 2 B = 524,288 B: the widely quoted 0.5 MB/token.
    EXPECT_EQ(kvCacheBytesPerToken(bundled("llama_7b"), StorageDtype::F16), 524'288);
    MemoryOptions o;
    o.optimizer = Optimizer::None;
    o.batch = 2;
    o.seqLen = 2048;
    const MemoryReport r = estimateMemory(bundled("llama_7b"), o);
    EXPECT_EQ(r.bytes(MemoryCategory::KvCache), 524'288LL * 2 * 2048);
    EXPECT_EQ(r.totalBytes(), 2 * 6'738'415'616LL + 524'288LL * 4096);
}

TEST(Memory, WeightsByDtype)
{
    const MemoryReport r = memoryOf("llama_7b", Optimizer::None);
    ASSERT_EQ(r.weightsByDtype.size(), 5u);
    EXPECT_EQ(r.weightsByDtype[0].bytes, 4 * 6'738'415'616LL);
    EXPECT_EQ(r.weightsByDtype[1].bytes, 2 * 6'738'415'616LL);
    EXPECT_EQ(r.weightsByDtype[3].bytes, 6'738'415'616LL);
    EXPECT_EQ(r.weightsByDtype[4].bytes, 6'738'415'616LL / 2);
    EXPECT_EQ(bytesOf(3, StorageDtype::Int4), 2); // a trailing half byte still takes a byte
}

// ---- options and parsing --------------------------------------------------------------------

TEST(Memory, BadOptionsAreInvalidArguments)
{
    const ModelConfig c = bundled("llama_60m");
    MemoryOptions o;
    o.batch = 0;
    EXPECT_THROW(estimateMemory(c, o), InvalidArgument);
    o = {};
    o.optimizer = Optimizer::GaLore;
    EXPECT_THROW(estimateMemory(c, o), InvalidArgument); // rank missing
    o = {};
    o.optimizer = Optimizer::AdamW;
    o.weightDtype = StorageDtype::BF16;
    EXPECT_THROW(estimateMemory(c, o), InvalidArgument);
    o = {};
    o.optimizer = Optimizer::MixedAdamW;
    o.weightDtype = StorageDtype::Int8;
    EXPECT_THROW(estimateMemory(c, o), InvalidArgument);
    o = {};
    o.seqLen = -1;
    EXPECT_THROW(estimateMemory(c, o), InvalidArgument);
}

TEST(Memory, ParseByteSize)
{
    EXPECT_EQ(parseByteSize("80GiB"), 80LL << 30);
    EXPECT_EQ(parseByteSize("80 GiB"), 80LL << 30);
    EXPECT_EQ(parseByteSize("24GB"), 24'000'000'000LL);
    EXPECT_EQ(parseByteSize("512MiB"), 512LL << 20);
    EXPECT_EQ(parseByteSize("1.5TiB"), 3LL << 39);
    EXPECT_EQ(parseByteSize("80g"), 80LL << 30);
    EXPECT_EQ(parseByteSize("4096"), 4096);
    for (const char* bad : {"", "GiB", "80QB", "-5GiB", "0", "1e400", "nan", "1e30GiB", "80 G iB"})
        EXPECT_THROW(parseByteSize(bad), InvalidArgument) << bad;
}

TEST(Memory, NamesRoundTrip)
{
    for (std::string_view n : optimizerTable().names())
        EXPECT_EQ(toString(*optimizerFromString(n)), n);
    EXPECT_EQ(optimizerFromString("8bit-adam"), Optimizer::Adam8bit);
    EXPECT_EQ(optimizerFromString("sgd"), Optimizer::SgdMomentum);
    EXPECT_FALSE(optimizerFromString("adagrad"));
    EXPECT_EQ(storageDtypeFromString("bfloat16"), StorageDtype::BF16);
    EXPECT_EQ(storageDtypeFromString("fp8"), StorageDtype::F8); // KV caches and inference weights
    EXPECT_EQ(bitsOf(StorageDtype::F8), 8);
    EXPECT_FALSE(storageDtypeFromString("fp4"));
    for (std::string_view n : attentionKernelTable().names())
        EXPECT_EQ(toString(*attentionKernelFromString(n)), n);
}

// ---- the optimizers of issue 11, llama_60m (N = 58,073,600) ---------------------------------

TEST(Memory, LionAndSgdKeepOneMomentum)
{
    // Mixed precision by default: bf16 weights and gradients (2 + 2), fp32 master copy (4) and
    // one fp32 momentum (4): 12 bytes per parameter; without the master copy the momentum
    // follows the weights' dtype: 2 + 2 + 2.
    EXPECT_EQ(memoryOf("llama_60m", Optimizer::Lion).modelStateBytes(), 12 * 58'073'600LL);
    EXPECT_EQ(memoryOf("llama_60m", Optimizer::SgdMomentum).modelStateBytes(), 12 * 58'073'600LL);
    MemoryOptions o;
    o.optimizer = Optimizer::Lion;
    o.masterWeights = false;
    o.seqLen = 256;
    EXPECT_EQ(estimateMemory(bundled("llama_60m"), o).modelStateBytes(), 6 * 58'073'600LL);
}

TEST(Memory, AdafactorFactorsEveryMatrix)
{
    // Shazeer & Stern 2018: a matrix keeps rows + cols second-moment statistics, a vector its
    // full second moment, no first moment. Matrices: embedding and lm_head 32,000 + 512 =
    // 32,512 each; per layer q,k,v,o 4·(512 + 512) = 4,096 and gate, up, down 3·(1,376 + 512)
    // = 5,664; × 8 layers = 78,080. 65,024 + 78,080 = 143,104 fp32 values = 572,416 B.
    // Vectors: 8·2·512 + 512 = 8,704 values = 34,816 B. Plus the fp32 master copy 4N.
    const MemoryReport r = memoryOf("llama_60m", Optimizer::Adafactor);
    EXPECT_EQ(termBytes(r, "adafactor_factored"), 572'416);
    EXPECT_EQ(termBytes(r, "adafactor_unfactored"), 34'816);
    EXPECT_EQ(r.bytes(MemoryCategory::OptimizerState), 4 * 58'073'600LL + 572'416 + 34'816);
}

TEST(Memory, QloraHandWorked)
{
    // Dettmers et al. 2023: NF4 (4 bits) per value of the seven matrices, one 8-bit absmax per
    // 64 values and one fp32 scale per 256 absmaxes (double quantisation). The matrices hold
    // N − embeddings − norms = 58,073,600 − 32,768,000 − 8,704 = 25,296,896 values:
    //   NF4            25,296,896 / 2                          = 12,648,448 B
    //   absmax         8·(4·262,144/64 + 3·704,512/64)         =    395,264 B
    //   scales         8·(4·ceil(4,096/256) + 3·ceil(11,008/256)) · 4 = 8·193·4 = 6,176 B
    //   bf16 rest      32,776,704 · 2                          = 65,553,408 B
    // 4.127 bits per quantised value, as the paper's 4 + 0.127. Adapters (r = 8): 624,640 × 16 B.
    const MemoryReport r = memoryOf("llama_60m", Optimizer::QLoRA, 8);
    EXPECT_EQ(termBytes(r, "nf4_weights"), 12'648'448);
    EXPECT_EQ(termBytes(r, "nf4_absmax"), 395'264);
    EXPECT_EQ(termBytes(r, "nf4_absmax_scales"), 6'176);
    EXPECT_EQ(termBytes(r, "weights_16bit"), 65'553'408);
    EXPECT_EQ(r.trainableParameters, 624'640);
    const double bits = 8.0 * (12'648'448 + 395'264 + 6'176) / 25'296'896;
    EXPECT_NEAR(bits, 4.127, 0.001);
    EXPECT_EQ(r.modelStateBytes(), 12'648'448 + 395'264 + 6'176 + 65'553'408 + 16 * 624'640LL);
    MemoryOptions o;
    o.optimizer = Optimizer::QLoRA;
    o.rank = 8;
    o.weightDtype = StorageDtype::BF16; // the base must be NF4
    EXPECT_THROW(estimateMemory(bundled("llama_60m"), o), InvalidArgument);
}

TEST(Memory, MasterCopyAndGradientDtypeOptions)
{
    // 8-bit Adam with an fp32 master copy adds 4N; fp32 gradients with mixed AdamW make the
    // 18 B/param Megatron-LM counts without its distributed optimizer (2 + 4 + 12).
    MemoryOptions o;
    o.seqLen = 256;
    o.optimizer = Optimizer::Adam8bit;
    const Count plain = estimateMemory(bundled("llama_60m"), o).modelStateBytes();
    o.masterWeights = true;
    EXPECT_EQ(estimateMemory(bundled("llama_60m"), o).modelStateBytes() - plain, 4 * 58'073'600LL);
    o = {};
    o.seqLen = 256;
    o.gradDtype = StorageDtype::F32;
    const MemoryReport r = estimateMemory(bundled("llama_60m"), o);
    EXPECT_EQ(r.modelStateBytes(), 18 * 58'073'600LL);
    EXPECT_EQ(r.gradientDtype, StorageDtype::F32);
    o.masterWeights = false; // mixed-adamw is defined by its master copy
    EXPECT_THROW(estimateMemory(bundled("llama_60m"), o), InvalidArgument);
    o = {};
    o.optimizer = Optimizer::AdamW;
    o.masterWeights = true; // fp32 weights need no master copy
    EXPECT_THROW(estimateMemory(bundled("llama_60m"), o), InvalidArgument);
    o = {};
    o.optimizer = Optimizer::None;
    o.gradDtype = StorageDtype::F32;
    EXPECT_THROW(estimateMemory(bundled("llama_60m"), o), InvalidArgument);
}

TEST(Memory, FitVerdict)
{
    // 80 GiB with 10 % headroom: 77,309,411,328 usable bytes.
    const DeviceFit f = fitOnDevice(70LL << 30, 80LL << 30, 0.10);
    EXPECT_TRUE(f.fits);
    EXPECT_EQ(f.usable, 77'309'411'328LL);
    EXPECT_EQ(f.spare, 77'309'411'328LL - (70LL << 30));
    EXPECT_DOUBLE_EQ(f.used, 70.0 / 80.0);
    EXPECT_FALSE(fitOnDevice(75LL << 30, 80LL << 30, 0.10).fits);
    EXPECT_TRUE(fitOnDevice(75LL << 30, 80LL << 30, 0.0).fits);
    EXPECT_THROW(fitOnDevice(1, 80LL << 30, 1.0), InvalidArgument);
    EXPECT_THROW(fitOnDevice(1, 0, 0.1), InvalidArgument);
}
