"""The portable binary on older CPUs, emulated by qemu-user (docs/forward.md, "Kernels and portability").

`qemu-x86_64 -cpu MODEL` runs the real binary with the CPUID of an older processor (it emulates
AVX2 since QEMU 7.2, but not AVX-512). The binary must start and validate everywhere; `forward`
must pick the best kernels the emulated CPU has, still match PyTorch, refuse a forced build
the CPU lacks by name, and refuse a CPU below x86-64-v2 by name. Skipped without qemu-x86_64.
"""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from clitest import BINARY, DATA_DIR, CliTestCase
from test_forward_cli import read_npy

QEMU = shutil.which("qemu-x86_64")
FIXTURES = os.path.join(DATA_DIR, "forward")


@unittest.skipUnless(QEMU, "qemu-x86_64 is not installed (Debian: qemu-user)")
class ForwardOnOlderCpus(CliTestCase):
    def run_on(self, cpu, *args, kernel=None):
        env = dict(os.environ)
        env.pop("LLAMASCOPE_KERNEL", None)
        if kernel:
            env["LLAMASCOPE_KERNEL"] = kernel
        proc = subprocess.run([QEMU, "-cpu", cpu, BINARY, *args], capture_output=True, env=env, timeout=600)
        return proc.returncode, proc.stdout.decode(), proc.stderr.decode()

    def check_fixture(self, cpu, expected_kernels):
        with open(os.path.join(FIXTURES, "gqa", "expected.json")) as f:
            expected = json.load(f)
        tokens = ",".join(str(t) for row in expected["tokens"] for t in row)
        with tempfile.TemporaryDirectory() as tmp:
            out_path = os.path.join(tmp, "logits.npy")
            code, out, err = self.run_on(cpu, "forward", os.path.join(FIXTURES, "gqa", "config.json"), "--weights",
                                         os.path.join(FIXTURES, "gqa"), "--batch", "2", "--tokens", tokens,
                                         "--logits-out", out_path, "--format", "json")
            self.assertEqual(code, 0, err)
            _, _, ours = read_npy(out_path)
        _, _, theirs = read_npy(os.path.join(FIXTURES, "gqa", "logits.npy"))
        j = json.loads(out)
        self.assertEqual(j["kernels"]["set"], expected_kernels, cpu)
        worst = max(abs(a - b) for a, b in zip(ours, theirs))
        self.assertLessEqual(worst, 1e-4 * max(abs(b) for b in theirs), cpu)
        self.assertTrue(j["flops"]["match"])

    def test_nehalem_runs_the_baseline_kernels(self):
        code, out, err = self.run_on("Nehalem", "--version")
        self.assertEqual(code, 0, err)
        self.assertTrue(out.startswith("llamascope "), out)
        code, _, err = self.run_on("Nehalem", "validate", "llama_9m")
        self.assertEqual(code, 0, err)
        self.check_fixture("Nehalem", "baseline")

    def test_haswell_runs_the_avx2_kernels_and_refuses_avx512_by_name(self):
        self.check_fixture("Haswell", "avx2")
        code, out, err = self.run_on("Haswell", "forward", "llama_9m", "--seq", "8", kernel="avx512")
        self.assertEqual(code, 2, err)
        self.assertIn("LLAMASCOPE_KERNEL=avx512 asks for the avx512 kernels, but this CPU lacks avx512f", err)
        self.assertEqual(out, "")

    def test_a_cpu_below_x86_64_v2_runs_everything_but_the_forward_pass(self):
        # qemu64: SSE3 only. Everything outside the kernels is baseline x86-64 code.
        code, _, err = self.run_on("qemu64", "validate", "llama_9m")
        self.assertEqual(code, 0, err)
        code, out, err = self.run_on("qemu64", "forward", "llama_9m", "--seq", "8")
        self.assertEqual(code, 2)
        self.assertIn("the forward pass needs an x86-64-v2 CPU (SSE4.2 and POPCNT)", err)
        code, out, _ = self.run_on("qemu64", "forward", "--help")
        self.assertEqual(code, 0)
        self.assertIn("Kernels on this machine: the forward pass needs an x86-64-v2 CPU", out)


if __name__ == "__main__":
    unittest.main()
