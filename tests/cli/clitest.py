"""Shared helpers for the CLI end-to-end tests: run the real binary on real files."""
import json
import os
import subprocess
import unittest

BINARY = os.environ.get("LLAMASCOPE_BIN", "")
SOURCE_DIR = os.environ.get("LLAMASCOPE_SOURCE_DIR", "")
DATA_DIR = os.path.join(SOURCE_DIR, "tests", "data")


class CliTestCase(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        # A missing binary is a broken build, not a reason to pass: fail loudly.
        if not BINARY or not os.path.exists(BINARY):
            raise RuntimeError(f"LLAMASCOPE_BIN must name the built llamascope binary (got {BINARY!r})")

    def run_cli(self, *args, cwd=None, timeout=120):
        """Runs llamascope with args; returns (exit code, stdout, stderr)."""
        proc = subprocess.run([BINARY, *args], capture_output=True, cwd=cwd, timeout=timeout)
        return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")

    def run_json(self, *args, expect_exit=0):
        code, out, err = self.run_cli(*args, "--format", "json")
        self.assertEqual(code, expect_exit, f"llamascope {' '.join(args)} exited {code}\n{err}")
        return json.loads(out)
