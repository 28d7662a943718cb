"""End-to-end tests of the `llamascope` binary: exit codes, findings and figures on real files.

Figures are checked against independent sources: published parameter counts (SPEC §6,
tests/data/realworld/expected.json), the PaLM checks of SPEC §7 and the published family
comparison of SPEC §9.
"""
import csv
import io
import json
import os
import tempfile
import unittest

from clitest import DATA_DIR, CliTestCase

INVALID = os.path.join(DATA_DIR, "invalid")
REALWORLD = os.path.join(DATA_DIR, "realworld")


class ValidateTest(CliTestCase):
    def test_bundled_family_passes_with_warnings_and_notes(self):
        code, out, _ = self.run_cli("validate")
        self.assertEqual(code, 0)
        self.assertIn("16 files: 0 errors, 48 warnings, 11 notes — passed", out)
        self.assertIn("<bundled>/llama_40m.json:3:9: warning [legacy-architecture] /architectures/0", out)
        self.assertIn("note [head-dim-alignment]", out)

    def test_bundled_family_fails_strict(self):
        code, out, _ = self.run_cli("validate", "--strict")
        self.assertEqual(code, 1)
        self.assertIn("FAILED", out)

    def test_bad_input_corpus(self):
        with open(os.path.join(INVALID, "manifest.json")) as f:
            manifest = json.load(f)
        self.assertGreaterEqual(len(manifest), 40)
        for name, want in sorted(manifest.items()):
            with self.subTest(file=name):
                path = os.path.join(INVALID, name)
                code, out, err = self.run_cli("validate", "--format", "json", path)
                self.assertEqual(code, want["exit"], err)
                findings = json.loads(out)["reports"][0]["findings"]
                hits = [f for f in findings
                        if (f["code"], f["pointer"], f["severity"]) == (want["code"], want["pointer"], want["severity"])]
                self.assertTrue(hits, f"expected {want}, got {findings}")
                if "line" in want:
                    self.assertEqual((hits[0]["line"], hits[0]["column"]), (want["line"], want["column"]))
                code, _, _ = self.run_cli("validate", "--strict", "-q", path)
                self.assertEqual(code, want["strict_exit"])

    def test_text_findings_name_file_line_and_pointer(self):
        path = os.path.join(INVALID, "hidden-size-string.json")
        code, out, _ = self.run_cli("validate", path)
        self.assertEqual(code, 1)
        self.assertIn(f"{path}:6:18: error [wrong-type] /hidden_size: hidden_size must be an integer, found the string \"768\"", out)
        self.assertIn("hint: remove the quotes", out)

    def test_fifty_megabyte_file_is_refused_quickly(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "huge.json")
            with open(path, "wb") as f:
                f.write(b'{"pad": "' + b"x" * (50 << 20) + b'"}')
            code, out, _ = self.run_cli("validate", "--format", "json", path, timeout=30)
            self.assertEqual(code, 1)
            finding = json.loads(out)["reports"][0]["findings"][0]
            self.assertEqual(finding["code"], "file-too-large")
            self.assertIn("52428811 bytes", finding["message"])

    def test_missing_file_is_an_io_error(self):
        code, _, err = self.run_cli("validate", "/nonexistent/config.json")
        self.assertEqual(code, 3)
        self.assertIn("/nonexistent/config.json: no such file", err)

    def test_bundled_name_typo_suggests(self):
        code, _, err = self.run_cli("show", "llama_60")
        self.assertEqual(code, 3)
        self.assertIn("did you mean llama_60m", err)

    def test_folder_input_validates_every_json_file(self):
        code, out, _ = self.run_cli("validate", "-q", REALWORLD)
        # expected.json is not a config: it must be reported, not crash the run.
        self.assertIn("4 files:", out)
        self.assertEqual(code, 0)

    def test_csv_output_parses(self):
        code, out, _ = self.run_cli("validate", "--format", "csv", os.path.join(INVALID, "missing-comma.json"))
        self.assertEqual(code, 1)
        rows = list(csv.DictReader(io.StringIO(out)))
        self.assertEqual(rows[0]["Code"], "syntax")
        self.assertEqual(rows[0]["Line"], "7")


class UsageTest(CliTestCase):
    def test_exit_codes(self):
        self.assertEqual(self.run_cli()[0], 2)
        self.assertEqual(self.run_cli("frobnicate")[0], 2)
        self.assertIn('did you mean "compare"', self.run_cli("compar")[2])
        self.assertEqual(self.run_cli("validate", "--no-such-option")[0], 2)
        self.assertEqual(self.run_cli("compare", "--format", "yaml")[0], 2)
        self.assertEqual(self.run_cli("flops", "llama_60m", "--seq", "0")[0], 2)
        self.assertEqual(self.run_cli("flops", "llama_60m", "--seq", "-3")[0], 2)
        self.assertEqual(self.run_cli("flops", "llama_60m", "--seq", "99999999999999999999999")[0], 2)
        self.assertEqual(self.run_cli("flops", "llama_60m", "--attention", "sparse")[0], 2)
        self.assertEqual(self.run_cli("flops", "llama_60m", "--tokens", "1e400")[0], 2)
        self.assertEqual(self.run_cli("show", "llama_60m", "llama_7b")[0], 2)

    def test_help_everywhere(self):
        code, out, _ = self.run_cli("--help")
        self.assertEqual(code, 0)
        for command in ["validate", "show", "compare", "report", "flops", "schema"]:
            self.assertIn(command, out)
            code, text, _ = self.run_cli(command, "--help")
            self.assertEqual(code, 0, command)
            self.assertIn(f"usage: llamascope {command}", text)

    def test_flops_overflow_is_an_error_not_a_wrap(self):
        code, _, err = self.run_cli("flops", "llama_7b", "--seq", "4000000000")
        self.assertEqual(code, 1)
        self.assertIn("overflows 64-bit", err)


class CountsTest(CliTestCase):
    def params(self, name):
        return self.run_json("show", name)["analysis"]["parameters"]

    def test_published_bundled_counts(self):
        self.assertEqual(self.params("llama_7b")["total"], 6_738_415_616)
        self.assertEqual(self.params("llama_130m")["total"], 134_105_856)
        self.assertEqual(self.params("llama_130m_learned_pos")["total"], 134_892_288)
        self.assertEqual(self.params("llama_60m")["total"], 58_073_600)

    def test_realworld_files_match_published_totals(self):
        with open(os.path.join(REALWORLD, "expected.json")) as f:
            expected = json.load(f)
        for name, entry in expected.items():
            with self.subTest(model=name):
                got = self.params(os.path.join(REALWORLD, name + ".json"))
                self.assertEqual(got["total"], entry["total_params"])

    def test_compare_lists_the_family_with_exact_counts(self):
        code, out, _ = self.run_cli("compare")
        self.assertEqual(code, 0)
        self.assertEqual(len(out.strip().splitlines()), 2 + 16)
        self.assertIn("6,738,415,616", out)
        rows = list(csv.DictReader(io.StringIO(self.run_cli("compare", "--format", "csv")[1])))
        self.assertEqual({r["Model"]: int(r["Params"]) for r in rows}["llama_60m"], 58_073_600)
        md = self.run_cli("compare", "--format", "markdown")[1]
        self.assertTrue(md.startswith("| Model | Params |"))

    def test_palm_flops_checks(self):
        for name, want in [("llama_60m", 361_024_512), ("llama_130m", 832_946_688)]:
            with self.subTest(model=name):
                flops = self.run_json("flops", name, "--seq", "256")["flops"]
                palm = next(c for c in flops["conventions"] if c["key"] == "palm")
                self.assertEqual(palm["training_per_token"], want)

    def test_flops_text_shows_conventions_side_by_side(self):
        code, out, _ = self.run_cli("flops", "llama_60m", "--seq", "256")
        self.assertEqual(code, 0)
        for key in ["exact", "kaplan", "palm", "chinchilla"]:
            self.assertIn(key, out)
        self.assertIn("361,024,512", out)

    def test_works_from_any_directory(self):
        with tempfile.TemporaryDirectory() as tmp:
            code, out, _ = self.run_cli("compare", cwd=tmp)
            self.assertEqual(code, 0)
            self.assertIn("llama_7b", out)


class ReportTest(CliTestCase):
    def test_reproduces_the_published_comparison(self):
        code, out, _ = self.run_cli("report")
        self.assertEqual(code, 0)
        self.assertIn("- lowest: 32.0 in llama_9m, llama_250m", out)
        self.assertIn("- highest: 128.0 in llama_7b", out)
        self.assertIn("- most common: 64.0 in llama_20m, llama_35m, llama_60m, llama_130m (4 models)", out)
        self.assertIn("llama_35m → llama_40m: 384 → 416 (×1.08)", out)
        self.assertIn("✗ does not hold: FFN ratio stays in the SwiGLU band 2.67–2.75 — outside the band: "
                      "llama_40m 2.46, llama_250m 3.33", out)
        self.assertIn("✗ does not hold: head_dim grows monotonically", out)

    def test_json_report(self):
        family = self.run_json("report")["family"]
        self.assertEqual(len(family["members"]), 13)
        m130 = next(m for m in family["members"] if m["name"] == "llama_130m")
        self.assertEqual(sorted(m130["variants"]),
                         ["llama_130m_learned_pos", "llama_130m_no_pos", "llama_130m_sinusoidal_pos"])


class DocsTest(CliTestCase):
    def test_every_finding_code_is_documented(self):
        from clitest import SOURCE_DIR
        with open(os.path.join(SOURCE_DIR, "docs", "validation.md")) as f:
            page = f.read()
        codes = self.run_json("validate", "--list-codes")["codes"]
        self.assertGreater(len(codes), 20)
        for c in codes:
            self.assertIn(f"| {c['code']} | {c['severity']} |", page, c["code"])


if __name__ == "__main__":
    unittest.main()
