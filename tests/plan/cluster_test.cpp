// Clusters: the interconnect table, node defaults, cluster specs ("8xH100 zero3") and fit
// checks, the global-batch parser.

#include "llamascope/bundled.hpp"
#include "llamascope/errors.hpp"
#include "llamascope/plan.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace llamascope;

namespace {

ModelConfig bundled(std::string_view name)
{
    return *loadBundled(name)->config;
}

std::string parseError(std::string_view json)
{
    try {
        parseInterconnects(json, "mine.json");
    } catch (const InvalidArgument& e) {
        return e.what();
    }
    return "no error";
}

} // namespace

TEST(Interconnects, BuiltinTableHasTheDatasheetRates)
{
    const InterconnectTable t = builtinInterconnects();
    const Interconnect* nv4 = t.find("nvlink4");
    ASSERT_NE(nv4, nullptr);
    // 900 GB/s per GPU is 18 links × 50 GB/s both ways: 450 GB/s each way.
    EXPECT_DOUBLE_EQ(nv4->linkGBs * nv4->linksPerGpu, 450);
    EXPECT_DOUBLE_EQ(nv4->bytesPerSecond(), 450e9 * 0.8);
    const Interconnect* nv3 = t.find("NVLink 3 through NVSwitch (A100 SXM)");
    ASSERT_NE(nv3, nullptr);
    EXPECT_DOUBLE_EQ(nv3->linkGBs * nv3->linksPerGpu, 300); // 600 GB/s bidirectional
    const Interconnect* ndr = t.find("ib");
    ASSERT_NE(ndr, nullptr);
    EXPECT_EQ(ndr->key, "ib-ndr");
    EXPECT_DOUBLE_EQ(ndr->linkGBs, 50); // 400 Gb/s
    EXPECT_DOUBLE_EQ(t.find("ib-hdr")->linkGBs, 25);
    EXPECT_NEAR(t.find("pcie5")->linkGBs, 63, 0.5);
    for (const Interconnect& i : t.interconnects) {
        EXPECT_FALSE(i.source.empty()) << i.key;
        EXPECT_GT(i.efficiency, 0) << i.key;
        EXPECT_LE(i.efficiency, 1) << i.key;
    }
    // Every accelerator of the built-in table has links.
    for (const Accelerator& a : builtinAccelerators().accelerators)
        EXPECT_NE(t.defaultsFor(a.key), nullptr) << a.key;
    EXPECT_EQ(t.defaultsFor("h100-sxm")->intraNode, "nvlink4");
}

TEST(Interconnects, TheCompiledCopyIsTheDataFile)
{
    std::ifstream in(std::filesystem::path(PROJECT_SOURCE_DIR) / "core/data/interconnects.json");
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const InterconnectTable file = parseInterconnects(text, "interconnects.json");
    const InterconnectTable built = builtinInterconnects();
    ASSERT_EQ(file.interconnects.size(), built.interconnects.size());
    for (std::size_t i = 0; i < file.interconnects.size(); ++i)
        EXPECT_EQ(file.interconnects[i].key, built.interconnects[i].key);
}

TEST(Interconnects, MalformedFilesNameThePointer)
{
    EXPECT_NE(parseError("{").find("not valid JSON"), std::string::npos);
    EXPECT_NE(parseError(R"({"interconnects": []})").find("lists no interconnect"), std::string::npos);
    const std::string entry =
        R"("key": "x", "name": "X", "link_gbs": 10, "links_per_gpu": 1, "latency_us": 1, "source": "s")";
    EXPECT_NE(parseError(R"({"interconnects": [{)" + entry + R"(, "efficiency": 1.5}]})")
                  .find("/interconnects/0/efficiency"),
              std::string::npos);
    EXPECT_NE(parseError(R"({"interconnects": [{)" + entry + R"(, "efficiency": 0.5, "speed": 3}]})")
                  .find("/interconnects/0/speed: unknown key"),
              std::string::npos);
    EXPECT_NE(
        parseError(
            R"({"interconnects": [{)" + entry +
            R"(, "efficiency": 0.5}], "node_defaults": [{"devices": ["h100"], "intra_node": "y", "inter_node": "x", "gpus_per_node": 8}]})")
            .find("/node_defaults/0/intra_node"),
        std::string::npos);
}

TEST(Clusters, NodesAndDefaults)
{
    const InterconnectTable links = builtinInterconnects();
    const AcceleratorTable accelerators = builtinAccelerators();
    const Accelerator& h100 = *accelerators.find("h100");
    const ClusterSpec c = makeCluster(h100, 64, 0, 0, links);
    EXPECT_EQ(c.gpusPerNode, 8);
    EXPECT_EQ(c.nodes(), 8);
    EXPECT_EQ(c.intraNode.key, "nvlink4");
    EXPECT_EQ(c.interNode.key, "ib-ndr");
    EXPECT_EQ(makeCluster(h100, 4, 0, 0, links).gpusPerNode, 4); // one partial node
    EXPECT_EQ(makeCluster(h100, 64, 16, 0, links).gpusPerNode, 4);
    EXPECT_EQ(makeCluster(h100, 64, 0, 0, links, "pcie5", "roce-400").interNode.key, "roce-400");
    EXPECT_THROW(makeCluster(h100, 12, 0, 8, links), InvalidArgument); // 1.5 nodes
    EXPECT_THROW(makeCluster(h100, 64, 7, 0, links), InvalidArgument); // 64 / 7
    EXPECT_THROW(makeCluster(h100, 64, 0, 0, links, "nvlink9"), InvalidArgument);
    Accelerator unknown = h100;
    unknown.key = "tpu-v9";
    EXPECT_THROW(makeCluster(unknown, 8, 0, 0, links), InvalidArgument); // no links listed, none named
}

TEST(FitSpec, Parses)
{
    const FitSpec a = parseFitSpec("8xH100 zero3");
    EXPECT_EQ(a.gpus, 8);
    EXPECT_EQ(a.device, "H100");
    EXPECT_EQ(a.filter.zero, ZeroStage::Parameters);
    const FitSpec b = parseFitSpec("64 × a100-80gb tp2 pp4 recompute nodes=8 mb2");
    EXPECT_EQ(b.gpus, 64);
    EXPECT_EQ(b.device, "a100-80gb");
    EXPECT_EQ(b.filter.tp, 2);
    EXPECT_EQ(b.filter.pp, 4);
    EXPECT_EQ(b.filter.recompute, Recompute::Full);
    EXPECT_EQ(b.filter.microBatch, 2);
    EXPECT_EQ(b.nodes, 8);
    const FitSpec c = parseFitSpec("2x rtx-4090, fsdp, recompute=selective, sp, hybrid");
    EXPECT_EQ(c.filter.zero, ZeroStage::Parameters);
    EXPECT_EQ(c.filter.recompute, Recompute::Selective);
    EXPECT_EQ(c.filter.sequenceParallel, true);
    EXPECT_EQ(c.filter.hybridShard, true);
    // What the spec does not name takes its plain value.
    const LayoutFilter f = fixedLayoutOf(a);
    EXPECT_EQ(f.tp, 1);
    EXPECT_EQ(f.pp, 1);
    EXPECT_EQ(f.recompute, Recompute::None);
    EXPECT_EQ(f.zero, ZeroStage::Parameters);
    for (const char* bad : {"", "H100", "8", "8x", "8xH100 zero9", "8xH100 tp0", "8xH100 banana", "0xH100"})
        EXPECT_THROW(parseFitSpec(bad), InvalidArgument) << bad;
    try {
        parseFitSpec("8xH100 banana");
    } catch (const InvalidArgument& e) {
        EXPECT_NE(std::string(e.what()).find("\"banana\""), std::string::npos);
    }
}

// llama_7b, mixed-precision AdamW (16 B/param: 107.8 GB), micro-batch 1 at T = 2048: ZeRO-3 over
// 8 H100s holds 1/8 of the state (13.5 GB) plus activations; without sharding it does not fit.
TEST(FitSpec, ChecksAConfigAgainstACluster)
{
    const ModelConfig c = bundled("llama_7b");
    const AcceleratorTable acc = builtinAccelerators();
    const InterconnectTable links = builtinInterconnects();
    const FitSpec zero3 = parseFitSpec("8xH100 zero3");
    const FitCheck ok = checkFit(c, clusterOf(zero3, acc, links), PlanOptions{}, fixedLayoutOf(zero3), 1);
    EXPECT_TRUE(ok.fits);
    ASSERT_TRUE(ok.layout.has_value());
    EXPECT_EQ(ok.layout->layout.dp, 8);
    EXPECT_EQ(ok.layout->layout.zero, ZeroStage::Parameters);
    EXPECT_NE(ok.reason.find("fits 8 × NVIDIA H100"), std::string::npos);
    const FitSpec ddp = parseFitSpec("8xH100");
    const FitCheck no = checkFit(c, clusterOf(ddp, acc, links), PlanOptions{}, fixedLayoutOf(ddp), 1);
    EXPECT_FALSE(no.fits);
    EXPECT_NE(no.reason.find("does not fit"), std::string::npos);
    // The designer's filter says the same.
    EXPECT_EQ(fitFilter(clusterOf(zero3, acc, links), PlanOptions{}, fixedLayoutOf(zero3), 1)(c), "");
    EXPECT_NE(fitFilter(clusterOf(ddp, acc, links), PlanOptions{}, fixedLayoutOf(ddp), 1)(c), "");
    EXPECT_THROW(clusterOf(parseFitSpec("8xH1000"), acc, links), InvalidArgument);
}

TEST(GlobalBatch, TokensOrSequences)
{
    EXPECT_DOUBLE_EQ(parseGlobalBatch("4M", 4096), 4e6);
    EXPECT_DOUBLE_EQ(parseGlobalBatch("4Mi", 4096), 4194304);
    EXPECT_DOUBLE_EQ(parseGlobalBatch("2097152", 4096), 2097152);
    EXPECT_DOUBLE_EQ(parseGlobalBatch("1024seq", 4096), 4194304);
    EXPECT_DOUBLE_EQ(parseGlobalBatch("512 sequences", 2048), 1048576);
    for (const char* bad : {"", "4X", "-1M", "seq", "1e30M"})
        EXPECT_THROW(parseGlobalBatch(bad, 4096), InvalidArgument) << bad;
}
