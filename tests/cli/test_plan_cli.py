"""End-to-end tests of `plan` (issue 11): the real binary, its exit codes, every output format
against the published schema, and the launch files it writes (never over an existing file or an
input). Also `generate --fits` and `memory --recompute` (recomputation is HFU, not time)."""
import json
import os
import stat
import tempfile
import unittest

import jsonschema

from clitest import SOURCE_DIR, CliTestCase

ANALYSIS_SCHEMA = os.path.join(SOURCE_DIR, "schemas", "analysis.schema.json")
ISSUE_EXAMPLE = ["plan", "llama_7b", "--gpus", "64", "--device", "H100-SXM", "--nodes", "8",
                 "--global-batch", "4M", "--seq", "4096"]


class PlanCliTestCase(CliTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with open(ANALYSIS_SCHEMA) as f:
            cls.validator = jsonschema.Draft202012Validator(json.load(f))

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def path(self, *parts):
        return os.path.join(self.tmp.name, *parts)

    def assert_valid(self, out):
        errors = sorted(self.validator.iter_errors(out), key=str)
        self.assertFalse(errors, "\n".join(e.message for e in errors[:5]))

    def assert_usage_error(self, *args):
        code, out, err = self.run_cli(*args)
        self.assertEqual(code, 2, f"{args}: exit {code}\n{out}\n{err}")
        self.assertNotIn("internal error", err)
        return err


class PlanTest(PlanCliTestCase):
    def test_the_issue_example(self):
        code, out, err = self.run_cli(*ISSUE_EXAMPLE)
        self.assertEqual(code, 0, err)
        self.assertIn("64 × NVIDIA H100 SXM5 80GB: 8 nodes of 8", out)
        self.assertIn("ranked by time per token", out)
        self.assertIn("#1 in detail", out)
        self.assertIn("exposed data-parallel communication", out)
        plan = self.run_json(*ISSUE_EXAMPLE)
        self.assert_valid(plan)
        p = plan["plan"]
        self.assertEqual(p["options"]["requested_sequences"], 977)  # 4e6 / 4096
        self.assertEqual(len(p["layouts"]), 10)
        for layout in p["layouts"]:
            self.assertTrue(layout["memory"]["fits"])
            self.assertLessEqual(layout["memory"]["peak_bytes"], layout["memory"]["usable_bytes"])
            l = layout["layout"]
            self.assertEqual(l["dp"] * l["tp"] * l["pp"] * l["cp"], 64)
            self.assertLessEqual(abs(layout["global_batch"]["deviation"]), 0.05)
            stage = layout["memory"]["stages"][0]
            self.assertEqual(sum(t["bytes"] for t in stage["terms"]), stage["total"])
            self.assertGreaterEqual(layout["hfu"], layout["mfu"])
        self.assertGreater(p["search"]["enumerated"], p["search"]["fitting"])
        self.assertLess(plan["elapsed_ms"], 5000)

    def test_formats_and_columns(self):
        args = ["plan", "llama_1b", "--gpus", "8", "--device", "a100", "--top", "3"]
        for fmt in ("csv", "markdown"):
            with self.subTest(format=fmt):
                code, out, err = self.run_cli(*args, "--format", fmt)
                self.assertEqual(code, 0, err)
        code, out, _ = self.run_cli(*args, "--format", "csv", "--columns", "dp,tp,zero,mfu")
        self.assertEqual(out.splitlines()[0], "#,dp,tp,ZeRO,MFU")
        self.assertEqual(len(out.splitlines()), 4)
        code, out, _ = self.run_cli(*args, "--detail", "--price", "2.5")
        self.assertIn("master_weights", out)
        self.assertIn("$", out)

    def test_filters_and_recomputation(self):
        out = self.run_json("plan", "llama_7b", "--gpus", "16", "--device", "h100", "--tp", "2", "--zero", "1",
                            "--recompute", "full", "--recompute-layers", "8", "--pp", "2", "--top", "3")
        self.assert_valid(out)
        for layout in out["plan"]["layouts"]:
            l = layout["layout"]
            self.assertEqual((l["tp"], l["zero"], l["recompute"], l["recompute_layers"], l["pp"]), (2, 1, "full", 8, 2))
            self.assertGreater(layout["hfu"], layout["mfu"])

    def test_nothing_fits_exits_1(self):
        code, out, err = self.run_cli("plan", "llama_7b", "--gpus", "1", "--device", "rtx-4090")
        self.assertEqual(code, 1, err)
        self.assertIn("Nothing fits", out)
        plan = self.run_json("plan", "llama_7b", "--gpus", "1", "--device", "rtx-4090", expect_exit=1)
        self.assert_valid(plan)
        self.assertEqual(plan["plan"]["layouts"], [])
        self.assertFalse(plan["plan"]["closest"]["memory"]["fits"])

    def test_inference(self):
        out = self.run_json("plan", "llama_7b", "--inference", "--device", "h100", "--batch", "8",
                            "--prompt", "2048", "--kv-dtype", "fp8")
        self.assert_valid(out)
        inf = out["inference"]
        self.assertEqual(inf["kv_bytes_per_token"], 262144)  # 2·32·32·128 values, one byte each
        self.assertTrue(inf["decode_bandwidth_bound"])
        code, text, err = self.run_cli("plan", "llama_7b", "--inference", "--device", "h100", "--window", "1024")
        self.assertEqual(code, 0, err)
        self.assertIn("largest batch that fits", text)

    def test_interconnect_table(self):
        out = self.run_json("plan", "--list-interconnects")
        self.assert_valid(out)
        self.assertIn("nvlink4", [i["key"] for i in out["interconnects"]])
        table = self.path("links.json")
        with open(table, "w") as f:
            json.dump({"interconnects": [{"key": "slow", "name": "Slow", "link_gbs": 1, "links_per_gpu": 1,
                                          "efficiency": 1, "latency_us": 10, "source": "me"}]}, f)
        out = self.run_json("plan", "llama_60m", "--gpus", "16", "--device", "h100", "--interconnects", table,
                            "--intra", "slow", "--inter", "slow", "--top", "1")
        self.assertEqual(out["plan"]["cluster"]["intra_node"]["key"], "slow")
        with open(table, "w") as f:
            f.write('{"interconnects": [{"key": "x", "name": "X", "link_gbs": -1}]}')
        err = self.assert_usage_error("plan", "llama_60m", "--gpus", "8", "--device", "h100", "--interconnects",
                                      table)
        self.assertIn("/interconnects/0/link_gbs", err)

    def test_bad_input_is_a_usage_error(self):
        base = ["plan", "llama_60m", "--device", "h100"]
        for args in (["--gpus", "0"], ["--gpus", "12", "--nodes", "5"], ["--gpus", "8", "--zero", "5"],
                     ["--gpus", "8", "--global-batch", "4X"], ["--gpus", "8", "--columns", "dpp"],
                     ["--gpus", "8", "--recompute", "none", "--recompute-layers", "2"],
                     ["--gpus", "8", "--efficiency", "0"], ["--gpus", "8", "--headroom", "100%"],
                     ["--gpus", "8", "--optimizer", "none"], ["--gpus", "8", "--emit", "deepspeed"],
                     ["--gpus", "8", "--emit", "jax", "--out", self.path("x")], ["--gpus", "8", "--pick", "99"],
                     ["--gpus", "8", "--intra", "nvlink9"], []):
            with self.subTest(args=args):
                self.assert_usage_error(*base, *args)
        self.assertIn("did you mean", self.assert_usage_error("plan", "llama_60m", "--gpus", "8", "--device", "h10"))


class EmitTest(PlanCliTestCase):
    def test_deepspeed_fsdp_megatron(self):
        out_dir = self.path("launch")
        base = ["plan", "llama_7b", "--gpus", "8", "--device", "h100", "--seq", "2048", "--global-batch", "64seq"]
        out = self.run_json(*base, "--tp", "1", "--emit", "deepspeed", "--out", out_dir)
        self.assert_valid(out)
        self.assertEqual(sorted(os.path.basename(w) for w in out["written"]),
                         ["ds_config.json", "launch_deepspeed.sh"])
        with open(os.path.join(out_dir, "ds_config.json")) as f:
            ds = json.load(f)
        layout = out["plan"]["layouts"][0]["layout"]
        self.assertEqual(ds["train_batch_size"],
                         ds["train_micro_batch_size_per_gpu"] * ds["gradient_accumulation_steps"] * layout["dp"])
        self.assertEqual(ds["zero_optimization"]["stage"], layout["zero"])
        self.assertTrue(os.stat(os.path.join(out_dir, "launch_deepspeed.sh")).st_mode & stat.S_IXUSR)

        code, _, err = self.run_cli(*base, "--tp", "2", "--emit", "megatron", "--out", out_dir)
        self.assertEqual(code, 0, err)
        with open(os.path.join(out_dir, "megatron_args.sh")) as f:
            self.assertIn("--tensor-model-parallel-size 2", f.read())
        code, _, err = self.run_cli(*base, "--tp", "1", "--zero", "3", "--emit", "fsdp", "--out", out_dir)
        self.assertEqual(code, 0, err)
        with open(os.path.join(out_dir, "launch_fsdp.sh")) as f:
            self.assertIn('--fsdp "full_shard auto_wrap"', f.read())

    def test_never_overwrites_without_force(self):
        out_dir = self.path("o")
        os.makedirs(out_dir)
        target = os.path.join(out_dir, "ds_config.json")
        with open(target, "w") as f:
            f.write("mine\n")
        args = ["plan", "llama_1b", "--gpus", "8", "--device", "h100", "--tp", "1", "--emit", "deepspeed", "--out",
                out_dir]
        code, _, err = self.run_cli(*args)
        self.assertEqual(code, 3, err)
        self.assertIn("--force", err)
        with open(target) as f:
            self.assertEqual(f.read(), "mine\n")
        self.assertEqual(os.listdir(out_dir), ["ds_config.json"])  # nothing else, no temp files
        code, _, err = self.run_cli(*args, "--force")
        self.assertEqual(code, 0, err)
        with open(target) as f:
            self.assertIn("zero_optimization", f.read())

    def test_never_writes_over_an_input(self):
        out_dir = self.path("in")
        os.makedirs(out_dir)
        links = os.path.join(out_dir, "fsdp_config.json")  # an interconnect table with a launch file's name
        with open(os.path.join(SOURCE_DIR, "core", "data", "interconnects.json")) as f:
            original = f.read()
        with open(links, "w") as f:
            f.write(original)
        code, _, err = self.run_cli("plan", "llama_1b", "--gpus", "8", "--device", "h100", "--tp", "1", "--zero",
                                    "3", "--interconnects", links, "--emit", "fsdp", "--out", out_dir, "--force")
        self.assertEqual(code, 3, err)
        self.assertIn("is an input", err)
        with open(links) as f:
            self.assertEqual(f.read(), original)

    def test_an_engine_refuses_a_layout_by_name(self):
        err = self.assert_usage_error("plan", "llama_7b", "--gpus", "8", "--device", "h100", "--tp", "2",
                                      "--emit", "deepspeed", "--out", self.path("x"))
        self.assertIn("data parallelism", err)
        self.assertFalse(os.path.exists(self.path("x", "ds_config.json")))


class FitsAndHfuTest(PlanCliTestCase):
    def test_generate_fits(self):
        out = self.run_json("generate", "--params", "7b", "--fits", "8xH100 zero3")
        self.assert_valid(out)
        self.assertTrue(out["fits"]["fits"])
        self.assertEqual(out["fits"]["layout"]["layout"]["zero"], 3)
        out = self.run_json("generate", "--params", "7b", "--fits", "8xH100", expect_exit=1)
        self.assert_valid(out)
        self.assertIn("extra constraint", out["design"]["note"])
        self.assert_usage_error("generate", "--params", "7b", "--fits", "8xH100 banana")
        self.assert_usage_error("generate", "--params", "7b", "--fits", "8xH1000")
        self.assert_usage_error("generate", "--ladder", "9m", "1b", "--fits", "8xH100")
        self.assert_usage_error("generate", "--compute-ladder", "1e18", "1e20", "--fits", "8xH100")

    def test_generate_fits_with_a_law(self):
        # --compute --law designs through the same designer: the filter drops what does not fit.
        out = self.run_json("generate", "--compute", "1e21", "--law", "chinchilla", "--fits", "8xH100 zero3",
                            "--top", "2")
        self.assert_valid(out)
        self.assertTrue(out["law_design"]["candidates"])
        out = self.run_json("generate", "--compute", "1e23", "--law", "chinchilla", "--fits", "1xrtx-4090",
                            "--top", "1", expect_exit=1)
        self.assert_valid(out)
        self.assertIn("does not fit 1 × NVIDIA GeForce RTX 4090", out["law_design"]["note"])

    def test_memory_recompute_is_hfu_not_time(self):
        base = ["memory", "llama_7b", "--device", "a100", "--mfu", "45%"]
        plain = self.run_json(*base)
        recompute = self.run_json(*base, "--recompute")
        self.assert_valid(recompute)
        self.assertEqual(plain["cost"]["seconds"], recompute["cost"]["seconds"])
        self.assertAlmostEqual(recompute["cost"]["hfu"], 0.6, places=9)
        self.assertAlmostEqual(plain["cost"]["hfu"], 0.45, places=9)
        self.assertIn("headroom", plain["device"])


if __name__ == "__main__":
    unittest.main()
