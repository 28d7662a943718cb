"""End-to-end tests of `memory` and `generate` (issue 4): the real binary on real files.

The written configs are checked with the other commands of the same binary (`validate
--strict`, `show`), so a file `generate` writes is judged exactly as a user's file would be."""
import json
import os
import tempfile
import unittest

import jsonschema

from clitest import SOURCE_DIR, CliTestCase

ANALYSIS_SCHEMA = os.path.join(SOURCE_DIR, "schemas", "analysis.schema.json")


class DesignCliTestCase(CliTestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def path(self, *parts):
        return os.path.join(self.tmp.name, *parts)

    def assert_usage_error(self, *args):
        code, out, err = self.run_cli(*args)
        self.assertEqual(code, 2, f"{args}: exit {code}\n{out}\n{err}")
        self.assertIn("error", err)
        self.assertNotIn("internal error", err)
        return err

    def assert_strict_clean(self, path):
        out = self.run_json("validate", "--strict", path)
        summary = out["summary"]
        self.assertEqual((summary["errors"], summary["warnings"], summary["notes"]), (0, 0, 0), path)


class GenerateTest(DesignCliTestCase):
    def test_500m_is_on_target_validates_strict_clean_and_show_gives_it_back(self):
        out = self.run_json("generate", "--params", "500M", "--out", self.path("out"))
        top = out["design"]["candidates"][0]
        self.assertTrue(top["on_target"])
        self.assertLessEqual(abs(top["parameters"] - 500e6), 0.01 * 500e6)
        written = self.path("out", "llama_500m.json")
        self.assertEqual(out["written"], [written])
        self.assert_strict_clean(written)
        shown = self.run_json("show", written)
        self.assertEqual(shown["analysis"]["parameters"]["total"], top["parameters"])
        self.assertLessEqual(abs(shown["analysis"]["parameters"]["total"] - 500e6) / 500e6, 0.01)

    def test_pick_writes_the_chosen_row(self):
        out = self.run_json("generate", "--params", "500M", "--top", "3", "--pick", "2", "--out", self.path("p"))
        second = out["design"]["candidates"][1]
        written = self.path("p", "llama_500m.json")
        self.assertEqual(out["written"], [written])
        with open(written) as f:
            config = json.load(f)
        self.assertEqual((config["hidden_size"], config["num_hidden_layers"]),
                         (second["config"]["hidden_size"], second["config"]["num_hidden_layers"]))
        code, _, err = self.run_cli("generate", "--params", "500M", "--top", "3", "--pick", "4")
        self.assertEqual(code, 2, err)
        self.assertIn("--pick 4 is beyond the 3 rows", err)
        # The table names rows by shape, not by the one file name they would all share.
        code, text, err = self.run_cli("generate", "--params", "500M", "--top", "3")
        self.assertEqual(code, 0, err)
        self.assertNotIn("File", text.splitlines()[6])
        self.assertIn("--pick N writes row N instead", text)

    def test_sizes_across_the_range(self):
        # 40M and up: default constraints (tests/design/sweep_test.cpp sweeps every 2 %).
        for target, name in [("40M", "llama_40m.json"), ("1.5B", "llama_1.5b.json"), ("7B", "llama_7b.json"),
                             ("70B", "llama_70b.json")]:
            with self.subTest(target=target):
                out = self.run_json("generate", "--params", target, "--top", "1", "--out", self.path(target))
                self.assertTrue(out["design"]["candidates"][0]["on_target"])
                self.assert_strict_clean(self.path(target, name))

    def test_refuses_to_overwrite_without_force(self):
        self.run_json("generate", "--params", "125M", "--out", self.path("o"))
        target = self.path("o", "llama_125m.json")
        with open(target, "w") as f:
            f.write("mine\n")
        code, _, err = self.run_cli("generate", "--params", "125M", "--out", self.path("o"))
        self.assertEqual(code, 3, err)
        self.assertIn("--force", err)
        with open(target) as f:
            self.assertEqual(f.read(), "mine\n")
        self.assertEqual(sorted(os.listdir(self.path("o"))), [os.path.basename(target)])  # no temp files left
        self.run_json("generate", "--params", "125M", "--out", self.path("o"), "--force")
        self.assert_strict_clean(target)

    def test_a_miss_exits_1_and_writes_nothing(self):
        code, out, err = self.run_cli("generate", "--params", "5M", "--out", self.path("tiny"))
        self.assertEqual(code, 1, err)
        self.assertIn("below the smallest shape", out)
        # Core says what to change in words; the CLI adds its option names.
        self.assertIn("lower the vocabulary size", out)
        self.assertIn("(constraints: --vocab, --tie,", out)
        self.assertFalse(os.path.exists(self.path("tiny")))
        # With a tiny vocabulary and finer head sizes it is reachable (docs/design-guide.md).
        out = self.run_json("generate", "--params", "5M", "--vocab", "4096", "--head-dim", "32,64",
                            "--hidden-multiple", "32", "--out", self.path("tiny"))
        self.assertTrue(out["design"]["candidates"][0]["on_target"])
        self.assert_strict_clean(self.path("tiny", "llama_5m.json"))

    def test_ladder_9m_to_7b_is_written_whole_or_not_at_all(self):
        plan = self.run_json("generate", "--ladder", "llama_9m", "llama_7b", "--steps", "8")
        files = [r["file"] for r in plan["ladder"]["rungs"]]
        self.assertEqual(len(set(files)), 8)
        dest = self.path("ladder")
        os.makedirs(dest)
        with open(os.path.join(dest, files[3]), "w") as f:
            f.write("{}\n")
        code, _, err = self.run_cli("generate", "--ladder", "llama_9m", "llama_7b", "--out", dest)
        self.assertEqual(code, 3, err)
        self.assertEqual(os.listdir(dest), [files[3]])
        out = self.run_json("generate", "--ladder", "llama_9m", "llama_7b", "--out", dest, "--force")
        self.assertEqual(len(out["written"]), 8)
        rungs = out["ladder"]["rungs"]
        for prev, cur in zip(rungs, rungs[1:]):
            self.assertGreater(cur["parameters"], prev["parameters"])
            self.assertGreaterEqual(cur["shape"]["hidden_size"], prev["shape"]["hidden_size"])
            self.assertGreaterEqual(cur["shape"]["num_hidden_layers"], prev["shape"]["num_hidden_layers"])
            self.assertGreaterEqual(cur["shape"]["head_dim"], prev["shape"]["head_dim"])
        for name in files:
            self.assert_strict_clean(os.path.join(dest, name))

    def test_ladder_whose_rungs_cannot_be_distinct_is_refused(self):
        """Issue 10 item 9: 9m→10m in 8 steps once wrote two identical rungs and a first rung
        17 % under target. It is refused, naming how many distinct sizes exist."""
        code, out, err = self.run_cli("generate", "--ladder", "9m", "10m", "--steps", "8")
        self.assertEqual(code, 2, out + err)
        self.assertIn("cannot have 8 distinct rungs under these constraints: only 2 distinct sizes", err)
        self.assertIn("ask for at most 2 rungs", err)
        plan = self.run_json("generate", "--ladder", "9m", "10m", "--steps", "2")
        params = [r["parameters"] for r in plan["ladder"]["rungs"]]
        self.assertEqual(len(set(params)), 2)

    def test_other_targets(self):
        out = self.run_json("generate", "--device", "h100", "--top", "2")
        self.assertEqual(out["design"]["target"]["kind"], "memory")
        self.assertLessEqual(out["design"]["candidates"][0]["achieved"], 0.9 * 80 * 2**30)  # 10 % headroom
        out = self.run_json("generate", "--compute", "1e21", "--device", "a100-80gb", "--num-devices", "8")
        self.assertAlmostEqual(out["design"]["compute"]["parameters"] / 2.887e9, 1.0, places=3)
        self.assertGreater(out["cost"]["seconds"], 0)
        out = self.run_json("generate", "--flops", "2e9", "--flop-convention", "palm", "--seq", "1024")
        self.assertEqual(out["design"]["target"]["convention"], "palm")
        self.assertTrue(out["design"]["candidates"][0]["on_target"])
        out = self.run_json("generate", "--params", "3B", "--kv-heads", "8", "--tie", "untied")
        for c in out["design"]["candidates"]:
            self.assertEqual(c["shape"]["num_key_value_heads"], 8)
            self.assertFalse(c["shape"]["tie_word_embeddings"])

    def test_text_csv_markdown(self):
        top = self.run_json("generate", "--params", "1B")["design"]["candidates"][0]["parameters"]
        for fmt in ("text", "csv", "markdown"):
            with self.subTest(format=fmt):
                code, out, err = self.run_cli("generate", "--params", "1B", "--format", fmt)
                self.assertEqual(code, 0, err)
                # Text and Markdown name the file --out would write; CSV is the table alone.
                self.assertEqual("llama_1b.json" in out, fmt != "csv", out)
                self.assertIn(f"1,{top},on," if fmt == "csv" else f"{top:,}", out)
        code, out, _ = self.run_cli("generate", "--params", "1B")
        self.assertIn("Why:", out)

    def test_bad_input_is_a_usage_error(self):
        for args in (["--params", "5Q"], ["--params", "-5M"], ["--params", "1e400"], ["--params", "0"],
                     ["--params", ""], ["--params", "nan"], ["--memory", "80QB"], ["--memory", "-1GiB"],
                     ["--device", "h1000"], ["--params", "500M", "--compute", "1e21"], [],
                     ["--params", "500M", "--head-dim", "x"], ["--params", "500M", "--tolerance", "2"],
                     ["--params", "500M", "--layers", "10:5"], ["--params", "500M", "--nl-band", "9"],
                     ["--params", "500M", "--tie", "sometimes"], ["--params", "500M", "--vocab", "-3"],
                     ["--ladder", "9m"], ["--ladder", "7b", "9m"], ["--ladder", "9m", "7b", "--steps", "1"],
                     ["--flops", "2e9", "--flop-convention", "mine"], ["--params", "500M", "--top", "0"],
                     ["--params", "500M", "--max-hidden", "99999999999999999999"]):
            with self.subTest(args=args):
                self.assert_usage_error("generate", *args)
        self.assertIn("did you mean", self.assert_usage_error("generate", "--device", "h10"))


class MemoryTest(DesignCliTestCase):
    def test_galore_table_next_to_the_paper(self):
        rows = self.run_json("memory", "--galore-table")["galore_table"]
        self.assertEqual([r["config"] for r in rows], ["llama_60m", "llama_130m", "llama_350m", "llama_1b"])
        self.assertEqual([r["paper_full_rank_g"] for r in rows], [0.36, 0.76, 2.06, 7.80])
        self.assertEqual([r["paper_galore_g"] for r in rows], [0.24, 0.52, 1.22, 4.38])
        # Hand-worked in tests/design/memory_test.cpp.
        self.assertEqual([r["full_rank_bytes"] for r in rows], [348441600, 804635136, 2207815680, 8034496512])
        self.assertEqual([r["galore_bytes"] for r in rows], [279890944, 611172864, 1388746752, 4763086848])
        code, out, _ = self.run_cli("memory", "--galore-table")
        self.assertEqual(code, 0)
        self.assertIn("0.36", out)
        self.assertIn("docs/memory.md", out)

    def test_terms_sum_to_totals(self):
        out = self.run_json("memory", "llama_130m", "--optimizer", "galore", "--rank", "256", "--seq", "256")
        m = out["memory"]
        self.assertEqual(sum(t["bytes"] for t in m["terms"]), m["totals"]["total"])
        by_cat = {}
        for t in m["terms"]:
            by_cat[t["category"]] = by_cat.get(t["category"], 0) + t["bytes"]
        self.assertEqual(by_cat["optimizer"], m["totals"]["optimizer"])

    def test_device_fit_and_time(self):
        out = self.run_json("memory", "llama_7b", "--device", "rtx-4090")
        self.assertFalse(out["device"]["fits"])  # 16 B/param alone is 108 GB
        out = self.run_json("memory", "llama_7b", "--optimizer", "none", "--dtype", "int4", "--device", "4090")
        self.assertTrue(out["device"]["fits"])
        out = self.run_json("memory", "llama_60m", "--device", "h100", "--mfu", "40%", "--tokens", "1e9")
        self.assertEqual(out["cost"]["tokens"], 1e9)
        self.assertEqual(out["cost"]["mfu"], 0.4)

    def test_custom_accelerator_table(self):
        table = self.path("acc.json")
        with open(table, "w") as f:
            json.dump({"accelerators": [{"key": "my-gpu", "name": "My GPU", "memory_gib": 16,
                                         "peak_tflops": {"bf16": 100, "fp32": 10}, "source": "me"}]}, f)
        out = self.run_json("memory", "llama_60m", "--accelerators", table, "--device", "my-gpu")
        self.assertEqual(out["device"]["memory_bytes"], 16 * 2**30)
        listed = self.run_json("memory", "--list-devices", "--accelerators", table)["accelerators"]
        self.assertEqual([a["key"] for a in listed], ["my-gpu"])
        with open(table, "w") as f:
            f.write('{"accelerators": [{"key": "x"}]}')
        code, _, err = self.run_cli("memory", "llama_60m", "--accelerators", table, "--device", "x")
        self.assertEqual(code, 2, err)
        self.assertIn("/accelerators/0/name", err)
        code, _, err = self.run_cli("memory", "llama_60m", "--accelerators", self.path("missing.json"))
        self.assertEqual(code, 3, err)

    def test_bad_input_is_a_usage_error(self):
        for args in (["llama_60m", "--optimizer", "adagrad"], ["llama_60m", "--optimizer", "galore"],
                     ["llama_60m", "--dtype", "fp8"], ["llama_60m", "--batch", "0"], ["llama_60m", "--seq", "-1"],
                     ["llama_60m", "--device", "nope"], ["llama_60m", "--device", "h100", "--mfu", "2"],
                     ["llama_60m", "--optimizer", "adamw", "--dtype", "bf16"], ["llama_60m", "llama_7b"],
                     ["llama_60m", "--galore-table"], ["llama_60m", "--device", "v100", "--precision", "bf16"]):
            with self.subTest(args=args):
                self.assert_usage_error("memory", *args)

    def test_formats(self):
        for fmt in ("text", "csv", "markdown"):
            with self.subTest(format=fmt):
                code, out, err = self.run_cli("memory", "llama_1b", "--optimizer", "adam8bit", "--format", fmt)
                self.assertEqual(code, 0, err)
                self.assertIn("adam8bit_states", out)


class DesignJsonSchemaTest(DesignCliTestCase):
    """Every JSON output of memory and generate against the schema fragment handed to the
    published schemas/analysis.schema.json (and against that too once it carries them)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with open(ANALYSIS_SCHEMA) as f:
            published = json.load(f)
        jsonschema.Draft202012Validator.check_schema(published)
        cls.validators = [jsonschema.Draft202012Validator(published)]

    def test_outputs_validate(self):
        cases = [
            (["memory", "llama_60m"], 0),
            (["memory", "llama_7b", "--optimizer", "lora", "--rank", "16", "--dtype", "int4", "--device", "4090"], 0),
            (["memory", "llama_7b", "--optimizer", "none", "--batch", "4", "--seq", "4096"], 0),
            (["memory", "llama_1b", "--optimizer", "adam8bit", "--attention", "eager", "--recompute",
              "--device", "h100"], 0),
            (["memory", "--galore-table"], 0),
            (["memory", "--list-devices"], 0),
            (["generate", "--params", "500M"], 0),
            (["generate", "--params", "5M"], 1),
            (["generate", "--device", "h100", "--optimizer", "galore", "--rank", "512"], 0),
            (["generate", "--compute", "1e21", "--device", "h100"], 0),
            (["generate", "--flops", "2e9"], 0),
            (["generate", "--ladder", "20m", "1b", "--steps", "4"], 0),
            (["generate", "--params", "100M", "--vocab", "32100"], 1),
        ]
        for args, code in cases:
            with self.subTest(args=args):
                out = self.run_json(*args, expect_exit=code)
                for v in self.validators:
                    errors = sorted(v.iter_errors(out), key=str)
                    self.assertFalse(errors, "\n".join(e.message for e in errors[:5]))

    def test_schema_rejects_a_broken_output(self):
        out = self.run_json("memory", "llama_60m")
        out["memory"]["totals"]["total"] = "1.3 GB"
        self.assertFalse(self.validators[0].is_valid(out))


if __name__ == "__main__":
    unittest.main()


class PublishedShapesTest(DesignCliTestCase):
    """Issue 15: with no options the designer proposes the shapes people release."""

    def shapes(self, *args):
        out = self.run_json("generate", *args)
        return [(c["shape"]["hidden_size"], c["shape"]["num_hidden_layers"]) for c in out["design"]["candidates"]], out

    def test_llama_7b_and_13b_shapes_are_in_the_top_five(self):
        # LLaMA paper Table 2: 6.7B is 4096 × 32, 13.0B is 5120 × 40.
        shapes, _ = self.shapes("--params", "6.74B")
        self.assertIn((4096, 32), shapes[:5])
        shapes, _ = self.shapes("--params", "13.0B")
        self.assertIn((5120, 40), shapes[:5])

    def test_rows_are_distinct_shapes_and_name_a_published_neighbour(self):
        shapes, out = self.shapes("--params", "6.74B", "--top", "10")
        self.assertEqual(len(shapes), len(set(shapes)), shapes)
        for c in out["design"]["candidates"]:
            self.assertRegex(c["like"], r"^[^:]+: \d+ × \d+")
        published = out["design"]["published"]
        self.assertLess(published["low"], published["high"])
        self.assertIn("LLaMA-7B", published["neighbours"])
        text = self.run_cli("generate", "--params", "6.74B")[1]
        self.assertIn("LLaMA-7B: 4096 × 32, 32 heads", text)
        self.assertIn("Published shapes near this size", text)
        csv = self.run_cli("generate", "--params", "6.74B", "--format", "csv")[1]
        self.assertIn("Like", csv.splitlines()[0])

    def test_500m_sits_inside_the_published_range(self):
        # Released models near 500M use d/L 30–43 (Pythia-410M 1024 × 24, Qwen2.5-0.5B 896 × 24,
        # SmolLM-360M 960 × 32); the top row should too.
        shapes, _ = self.shapes("--params", "500M")
        d, layers = shapes[0]
        self.assertGreaterEqual(d / layers, 20)
        self.assertLessEqual(d / layers, 60)

    def test_like_a_published_model_reproduces_it(self):
        # Qwen/Qwen2.5-0.5B: 494,032,768 parameters, 896 × 24, 14/2 heads, tied, vocab 151936.
        out = self.run_json("generate", "--params", "494032768", "--like", "Qwen2.5-0.5B")
        top = out["design"]["candidates"][0]
        self.assertEqual((top["shape"]["hidden_size"], top["shape"]["num_hidden_layers"]), (896, 24))
        self.assertEqual(top["parameters"], 494032768)
        self.assertEqual(top["config"]["model_type"], "qwen2")
        self.assertTrue(top["config"]["tie_word_embeddings"])
        self.assertEqual(out["constraints"]["vocab"], 151936)

    def test_family_and_kv_heads_options(self):
        out = self.run_json("generate", "--params", "1B", "--family", "qwen3", "--kv-heads", "8", "--top", "3")
        for c in out["design"]["candidates"]:
            self.assertEqual(c["config"]["model_type"], "qwen3")
            self.assertEqual(c["shape"]["num_key_value_heads"], 8)
        out = self.run_json("generate", "--params", "3B", "--ffn-ratio", "3.5", "--ffn-tolerance", "0", "--top", "2")
        for c in out["design"]["candidates"]:
            self.assertAlmostEqual(c["shape"]["intermediate_size"] / c["shape"]["hidden_size"], 3.5, delta=0.05)

    def test_bad_like_and_family_are_usage_errors(self):
        err = self.assert_usage_error("generate", "--params", "1B", "--like", "qwen9")
        self.assertIn('did you mean "qwen2"', err)
        self.assert_usage_error("generate", "--params", "1B", "--family", "gpt2")
        self.assert_usage_error("generate", "--params", "1B", "--ranking", "best")
        self.assert_usage_error("generate", "--params", "1B", "--kv-heads", "x")


class ReportPublishedTest(DesignCliTestCase):
    def test_report_places_configs_among_published_shapes(self):
        out = self.run_json("report", "llama_7b", "llama_130m")
        placed = {p["name"]: p for p in out["published"]}
        seven = placed["llama_7b"]
        self.assertEqual((seven["hidden_size"], seven["num_hidden_layers"]), (4096, 32))
        self.assertTrue(seven["inside"])
        # LLaMA-7B's own row is left out; Llama 2 7B has the same shape.
        self.assertEqual(seven["nearest"][0]["name"], "Llama-2-7B")
        self.assertLessEqual(seven["published_range"]["low"], 128)
        text = self.run_cli("report", "llama_7b")[1]
        self.assertIn("## Among published shapes", text)
        self.assertIn("Llama-2-7B 4096×32", text)
