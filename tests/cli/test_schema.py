"""The published JSON Schemas are the contract: they must agree with the validator and
describe the CLI's JSON output. Uses Debian's python3-jsonschema (Draft 2020-12)."""
import glob
import json
import os
import unittest

import jsonschema

from clitest import DATA_DIR, SOURCE_DIR, CliTestCase

SCHEMAS = os.path.join(SOURCE_DIR, "schemas")


def load_json_strict(path):
    """Python's view of the file, or None if it is not strict JSON."""
    def reject(token):
        raise ValueError(token)
    try:
        with open(path, "rb") as f:
            return json.loads(f.read().decode("utf-8"), parse_constant=reject)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None


class ConfigSchemaTest(CliTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with open(os.path.join(SCHEMAS, "llama-config.schema.json")) as f:
            cls.schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(cls.schema)
        cls.validator = jsonschema.Draft202012Validator(cls.schema)

    def test_committed_schema_is_the_generated_one(self):
        code, out, _ = self.run_cli("schema", "config")
        self.assertEqual(code, 0)
        with open(os.path.join(SCHEMAS, "llama-config.schema.json")) as f:
            self.assertEqual(json.loads(out), json.load(f),
                             "schemas/llama-config.schema.json is stale: regenerate with `llamascope schema config`")

    def schema_expressible_codes(self):
        code, out, _ = self.run_cli("validate", "--list-codes", "--format", "json")
        self.assertEqual(code, 0)
        return {c["code"] for c in json.loads(out)["codes"] if c["schema"]}

    def test_schema_and_validator_agree_on_every_fixture(self):
        per_field = self.schema_expressible_codes()
        files = sorted(glob.glob(os.path.join(DATA_DIR, "invalid", "*.json")) +
                       glob.glob(os.path.join(DATA_DIR, "valid", "*.json")) +
                       glob.glob(os.path.join(DATA_DIR, "realworld", "*-*.json")) +
                       glob.glob(os.path.join(SOURCE_DIR, "configs", "*.json")))
        files = [f for f in files if not f.endswith("manifest.json")]
        # The one documented divergence: JSON Schema's "integer" accepts 768.0.
        known_divergence = {"hidden-size-integral-float.json"}
        compared = 0
        for path in files:
            name = os.path.basename(path)
            instance = load_json_strict(path)
            code, out, _ = self.run_cli("validate", "--format", "json", path)
            findings = json.loads(out)["reports"][0]["findings"]
            if instance is None:
                self.assertTrue(any(f["code"] in ("syntax", "too-deep") for f in findings), name)
                continue
            schema_valid = self.validator.is_valid(instance)
            validator_valid = not any(f["severity"] == "error" and f["code"] in per_field for f in findings)
            with self.subTest(file=name):
                if name in known_divergence:
                    self.assertTrue(schema_valid and not validator_valid)
                else:
                    self.assertEqual(schema_valid, validator_valid,
                                     f"schema says {schema_valid}, validator findings {findings}")
            compared += 1
        self.assertGreater(compared, 60)


class AnalysisSchemaTest(CliTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with open(os.path.join(SCHEMAS, "analysis.schema.json")) as f:
            cls.schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(cls.schema)
        cls.validator = jsonschema.Draft202012Validator(cls.schema)

    def test_embedded_copy_matches(self):
        code, out, _ = self.run_cli("schema", "analysis")
        self.assertEqual(code, 0)
        self.assertEqual(json.loads(out), self.schema)

    def test_json_output_validates(self):
        invalid = os.path.join(DATA_DIR, "invalid", "hidden-size-string.json")
        capped = os.path.join(DATA_DIR, "invalid", "unknown-keys-capped.json")
        rope = os.path.join(DATA_DIR, "forward", "rope", "config.json")
        for args, exit_code in [(["validate"], 0), (["validate", invalid], 1), (["validate", capped], 0),
                                (["validate", invalid, "/nonexistent/config.json"], 3),
                                (["forward", rope, "--seq", "100"], 0), (["show", "llama_60m"], 0),
                                (["show", os.path.join(DATA_DIR, "realworld", "smollm-135m.json")], 0),
                                (["compare"], 0), (["compare", "--diff", "llama_60m", "llama_7b"], 0),
                                (["flops", "llama_7b", "--tokens", "1e12"], 0),
                                (["flops", "llama_60m", "--attention", "full", "--seq", "64"], 0), (["report"], 0),
                                (["forward", "llama_9m", "--seq", "8"], 0),
                                (["verify", "llama_9m", "llama_130m_learned_pos", "--seq", "4"], 0),
                                (["fit", os.path.join(DATA_DIR, "scaling", "ladder.csv"), "--bootstrap", "10", "-q"], 0),
                                (["predict", "llama_1b", "--tokens", "26B"], 0),
                                (["predict", "--compute", "1e21", "--inference-tokens", "1T",
                                  "--unique-tokens", "20B"], 0),
                                (["report", "--runs", os.path.join(DATA_DIR, "scaling", "ladder.csv"),
                                  "--bootstrap", "0"], 0),
                                (["generate", "--compute", "1e20", "--law", "chinchilla", "--top", "2"], 0),
                                (["generate", "--compute-ladder", "1e18", "1e20", "--steps", "3"], 0),
                                (["plan", "llama_60m", "--gpus", "8", "--device", "h100", "--top", "2"], 0),
                                (["plan", "llama_7b", "--gpus", "1", "--device", "rtx-4090"], 1),
                                (["plan", "llama_60m", "--inference", "--device", "h100"], 0),
                                (["plan", "--list-interconnects"], 0),
                                (["memory", "llama_7b", "--device", "h100", "--recompute"], 0),
                                (["generate", "--params", "1b", "--fits", "8xA100 zero2"], 0)]:
            with self.subTest(args=args):
                out = self.run_json(*args, expect_exit=exit_code)
                errors = sorted(self.validator.iter_errors(out), key=str)
                self.assertFalse(errors, "\n".join(e.message for e in errors[:5]))

    def test_non_utf8_source_validates(self):
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            raw = os.path.join(tmp.encode(), b"bad\xff.json")
            with open(os.path.join(DATA_DIR, "forward", "rope", "config.json"), "rb") as src, open(raw, "wb") as dst:
                dst.write(src.read())
            out = self.run_json("validate", tmp)
            self.assertIn("source_bytes", out["reports"][0])
            errors = sorted(self.validator.iter_errors(out), key=str)
            self.assertFalse(errors, "\n".join(e.message for e in errors[:5]))

    def test_schema_rejects_a_broken_output(self):
        out = self.run_json("show", "llama_60m")
        out["analysis"]["parameters"]["total"] = "58M"
        self.assertFalse(self.validator.is_valid(out))


if __name__ == "__main__":
    unittest.main()
