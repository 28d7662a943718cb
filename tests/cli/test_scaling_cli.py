"""End-to-end tests of the scaling-law commands (issue 12): the real binary on real files.

Reference numbers come from the papers (Besiroglu et al. 2024's published fit and standard
errors), from the published laws evaluated by hand here, and from the bad-table corpus's
manifest (tests/data/invalid/runs/manifest.json)."""
import csv
import io
import json
import math
import os
import tempfile
import unittest

import jsonschema

from clitest import DATA_DIR, SOURCE_DIR, CliTestCase

CHINCHILLA = os.path.join(DATA_DIR, "scaling", "chinchilla_svg_extracted.csv")
LADDER = os.path.join(DATA_DIR, "scaling", "ladder.csv")
INVALID = os.path.join(DATA_DIR, "invalid", "runs")
with open(os.path.join(SOURCE_DIR, "schemas", "analysis.schema.json")) as f:
    VALIDATOR = jsonschema.Draft202012Validator(json.load(f))

HOFFMANN = dict(E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28)
BESIROGLU = dict(E=1.8172, A=482.01, B=2085.43, alpha=0.3478, beta=0.3658)


def law_loss(p, n, d):
    return p["E"] + p["A"] / n ** p["alpha"] + p["B"] / d ** p["beta"]


class ScalingCliTestCase(CliTestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def path(self, *parts):
        return os.path.join(self.tmp.name, *parts)

    def json_ok(self, *args, expect_exit=0):
        out = self.run_json(*args, expect_exit=expect_exit)
        errors = sorted(VALIDATOR.iter_errors(out), key=str)
        self.assertFalse(errors, "\n".join(e.message for e in errors[:5]))
        return out


class FitTest(ScalingCliTestCase):
    def test_reproduces_besiroglu_et_al_2024(self):
        out = self.json_ok("fit", CHINCHILLA, "--drop-highest", "5", "--bootstrap", "300", "-q")
        fit = out["fit"]
        self.assertEqual(fit["runs_used"], 240)
        self.assertEqual(len(fit["dropped"]), 5)
        p = {k: v["value"] for k, v in fit["parameters"].items()}
        self.assertLess(abs(p["E"] / BESIROGLU["E"] - 1), 0.01)
        self.assertLess(abs(p["A"] / BESIROGLU["A"] - 1), 0.03)
        self.assertLess(abs(p["B"] / BESIROGLU["B"] - 1), 0.05)
        self.assertLess(abs(p["alpha"] - BESIROGLU["alpha"]), 0.005)
        self.assertLess(abs(p["beta"] - BESIROGLU["beta"]), 0.005)
        # Intervals in kind: published standard errors A 124.58, B 1293.23, E 0.03, α 0.02, β 0.02.
        for name, se in [("A", 124.58), ("B", 1293.23), ("E", 0.03), ("alpha", 0.02), ("beta", 0.02)]:
            ours = fit["parameters"][name]["standard_error"]
            self.assertLess(abs(math.log(ours / se)), math.log(2), name)
            self.assertLessEqual(fit["parameters"][name]["low"], BESIROGLU[name])
            self.assertGreaterEqual(fit["parameters"][name]["high"], BESIROGLU[name])
        self.assertIn("ignored columns (not used by any fit): \"x\", \"y\", \"color\", \"hex_color\"",
                      out["runs_table"]["notes"])

    def test_text_markdown_and_csv(self):
        code, out, err = self.run_cli("fit", LADDER, "--bootstrap", "20", "--compare", "chinchilla", "--runs-table")
        self.assertEqual(code, 0, err)
        self.assertIn("Scaling-law fit: L(N, D) = E + A/N^α + B/D^β", out)
        self.assertIn("Beside chinchilla", out)
        self.assertIn("llama_1b", out)
        code, out, _ = self.run_cli("fit", LADDER, "--bootstrap", "0", "--format", "markdown", "-q")
        self.assertIn("### Scaling-law fit", out)
        self.assertIn("| E |", out)
        code, out, _ = self.run_cli("fit", LADDER, "--bootstrap", "0", "--format", "csv", "-q")
        rows = {r["Parameter"]: r for r in csv.DictReader(io.StringIO(out))}
        self.assertAlmostEqual(float(rows["E"]["Value"]), 1.69, places=3)
        self.assertAlmostEqual(float(rows["β"]["Value"]), 0.28, places=3)

    def test_progress_on_stderr(self):
        code, _, err = self.run_cli("fit", LADDER, "--bootstrap", "50", "--format", "json")
        self.assertEqual(code, 0)
        self.assertIn("bootstrap resample", err)
        self.assertIn("[100%]", err)

    def test_simpler_forms(self):
        out = self.json_ok("fit", LADDER, "--form", "n", "--tokens-per-param", "20", "--bootstrap", "20", "-q")
        self.assertEqual(out["fit"]["runs_used"], 7)
        self.assertEqual(set(out["fit"]["parameters"]), {"E", "A", "alpha"})
        out = self.json_ok("fit", LADDER, "--form", "c", "--bootstrap", "20", "-q")
        self.assertGreaterEqual(len(out["fit"]["frontier"]), 4)

    def test_n_count_is_reported_and_changes_n(self):
        total = self.json_ok("fit", LADDER, "--bootstrap", "0", "-q")
        kaplan = self.json_ok("fit", LADDER, "--bootstrap", "0", "-q", "--n-count", "non-embedding")
        self.assertEqual(kaplan["fit"]["n_count"], "non-embedding")
        self.assertEqual(total["fit"]["runs"][0]["parameters"], 8995968)  # llama_9m, SPEC §6 / compare
        self.assertEqual(kaplan["fit"]["runs"][0]["parameters"], 803968)

    def test_out_refuses_to_overwrite_and_predict_uses_the_samples(self):
        law = self.path("law.json")
        self.json_ok("fit", LADDER, "--bootstrap", "30", "-q", "--out", law)
        with open(law) as f:
            saved = json.load(f)
        self.assertEqual(len(saved["bootstrap"]["samples"]), 30)
        code, _, err = self.run_cli("fit", LADDER, "--bootstrap", "0", "-q", "--out", law)
        self.assertEqual(code, 3, err)
        self.assertIn("--force", err)
        with open(law) as f:
            self.assertEqual(json.load(f), saved)
        self.json_ok("fit", LADDER, "--bootstrap", "0", "-q", "--out", law, "--force")
        self.assertEqual(sorted(os.listdir(self.tmp.name)), ["law.json"])  # no temp files left
        self.json_ok("fit", LADDER, "--bootstrap", "25", "-q", "--out", law, "--force")
        out = self.json_ok("predict", "llama_7b", "--tokens", "1T", "--law", law)
        self.assertIsNotNone(out["prediction"]["interval"])

    def test_column_mapping(self):
        table = self.path("runs.csv")
        with open(LADDER) as f, open(table, "w") as g:
            for line in f:
                g.write(line.replace("model,tokens,loss", "cfg,toks,val"))
        code, _, err = self.run_cli("fit", table, "-q", "--bootstrap", "0")
        self.assertEqual(code, 1)
        self.assertIn("no model column", err)
        out = self.json_ok("fit", table, "-q", "--bootstrap", "0", "--column", "model=cfg", "--column", "tokens=toks",
                           "--column", "loss=val")
        self.assertEqual(out["fit"]["runs_used"], 21)

    def test_bad_table_corpus(self):
        with open(os.path.join(INVALID, "manifest.json")) as f:
            manifest = json.load(f)
        self.assertGreaterEqual(len(manifest), 20)
        for name, want in sorted(manifest.items()):
            with self.subTest(file=name):
                code, out, err = self.run_cli("fit", os.path.join(INVALID, name), "-q", "--bootstrap", "0")
                self.assertEqual(code, want["exit"], err)
                for text in want["contains"]:
                    self.assertIn(text, err)
                self.assertNotIn("internal error", err)
                self.assertEqual(out, "")

    def test_usage_errors(self):
        for args in [["fit"], ["fit", LADDER, LADDER], ["fit", LADDER, "--n-count", "some"],
                     ["fit", LADDER, "--form", "x"], ["fit", LADDER, "--bootstrap", "-1"],
                     ["fit", LADDER, "--column", "nonsense"], ["predict"], ["predict", "llama_7b"],
                     ["predict", "--tokens", "1T"], ["predict", "llama_7b", "--tokens", "0"],
                     ["predict", "llama_7b", "--tokens", "1T", "--compute", "1e21"],
                     ["predict", "--compute", "1e21", "--confidence", "150%"]]:
            with self.subTest(args=args):
                code, _, err = self.run_cli(*args)
                self.assertEqual(code, 2, err)
                self.assertNotIn("internal error", err)
        code, _, err = self.run_cli("predict", "--compute", "1e21", "--law", "chinchila")
        self.assertEqual(code, 3)
        self.assertIn("did you mean chinchilla", err)
        code, _, err = self.run_cli("fit", self.path("missing.csv"))
        self.assertEqual(code, 3)


class PredictTest(ScalingCliTestCase):
    def test_loss_matches_the_published_law_by_hand(self):
        out = self.json_ok("predict", "llama_7b", "--tokens", "1T")
        n = 6738415616  # llama_7b total parameters (SPEC §6)
        self.assertEqual(out["prediction"]["parameters"], n)
        self.assertAlmostEqual(out["prediction"]["loss"], law_loss(HOFFMANN, n, 1e12), places=12)
        self.assertIsNone(out["prediction"]["interval"])  # presets carry no samples
        out = self.json_ok("predict", "70B", "--compute", str(6 * 70e9 * 1.4e12), "--law", "besiroglu")
        self.assertAlmostEqual(out["prediction"]["tokens"], 1.4e12, delta=1)
        self.assertAlmostEqual(out["prediction"]["loss"], law_loss(BESIROGLU, 70e9, 1.4e12), places=12)

    def test_compute_optimal_split_by_hand(self):
        out = self.json_ok("predict", "--compute", "5.76e23")
        p = HOFFMANN
        g = (p["alpha"] * p["A"] / (p["beta"] * p["B"])) ** (1 / (p["alpha"] + p["beta"]))
        n = g * (5.76e23 / 6) ** (p["beta"] / (p["alpha"] + p["beta"]))
        opt = out["optimum"]
        self.assertAlmostEqual(opt["parameters"] / n, 1, places=12)
        self.assertAlmostEqual(opt["tokens"] / (5.76e23 / (6 * n)), 1, places=12)
        self.assertAlmostEqual(opt["numeric_parameters"] / n, 1, places=5)

    def test_inference_aware_and_data_constrained(self):
        out = self.json_ok("predict", "--compute", "1e22", "--inference-tokens", "2T", "--unique-tokens", "50B")
        inf, dc, opt = out["inference"], out["data_constrained"], out["optimum"]
        self.assertLess(inf["parameters"], opt["parameters"])
        self.assertGreater(inf["savings"], 0)
        self.assertAlmostEqual(law_loss(HOFFMANN, inf["parameters"], inf["tokens"]), opt["loss"], places=8)
        self.assertGreater(dc["epochs"], 1)
        self.assertLessEqual(dc["loss"], dc["unconstrained_loss_at_unique"] + 1e-12)
        code, out, _ = self.run_cli("predict", "--compute", "1e22", "--inference-tokens", "2T")
        self.assertIn("Sardana et al. 2024", out)
        self.assertIn("closed form confirmed", out)


class ReportAndGenerateTest(ScalingCliTestCase):
    def test_report_gains_the_fit(self):
        code, out, err = self.run_cli("report", "--runs", LADDER, "--bootstrap", "20")
        self.assertEqual(code, 0, err)
        self.assertIn("### N/L ratio", out)
        self.assertIn("### Scaling-law fit", out)
        out = self.json_ok("report", "--runs", LADDER, "--bootstrap", "0")
        self.assertEqual(out["scaling"]["fit"]["runs_used"], 21)
        code, _, err = self.run_cli("report", "--runs", os.path.join(INVALID, "nan-loss.csv"))
        self.assertEqual(code, 1)
        self.assertIn("loss is NaN", err)

    def test_generate_for_the_lowest_predicted_loss(self):
        out = self.json_ok("generate", "--compute", "1e21", "--law", "chinchilla", "--out", self.path("o"))
        design = out["law_design"]
        top = design["candidates"][0]
        self.assertTrue(top["candidate"]["on_target"])
        self.assertAlmostEqual(6 * top["law_parameters"] * top["tokens"] / 1e21, 1, places=9)
        losses = [round(c["prediction"]["loss"], 4) for c in design["candidates"]]
        self.assertEqual(losses, sorted(losses))
        self.assertEqual(len(out["written"]), 1)
        shown = self.run_json("validate", "--strict", out["written"][0])
        self.assertEqual(shown["summary"]["errors"] + shown["summary"]["warnings"] + shown["summary"]["notes"], 0)

    def test_compute_ladder_spreads_evenly_in_log_compute(self):
        out = self.json_ok("generate", "--compute-ladder", "1e18", "1e21", "--steps", "4", "--law", "besiroglu")
        rungs = out["compute_ladder"]["rungs"]
        self.assertEqual(len(rungs), 4)
        for k, r in enumerate(rungs):
            self.assertAlmostEqual(math.log10(r["compute"]), 18 + k, places=9)
            self.assertAlmostEqual(6 * r["law_parameters"] * r["tokens"] / r["compute"], 1, places=9)
            self.assertLess(abs(r["law_parameters"] / r["optimal_parameters"] - 1), 0.05)
        code, _, err = self.run_cli("generate", "--law", "chinchilla")
        self.assertEqual(code, 2, err)


if __name__ == "__main__":
    unittest.main()
