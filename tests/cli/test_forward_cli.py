"""`llamascope forward` and `verify` end to end: the real binary on the committed fixtures."""
import json
import os
import signal
import struct
import subprocess
import tempfile
import unittest

from clitest import BINARY, DATA_DIR, CliTestCase

FIXTURES = os.path.join(DATA_DIR, "forward")


def read_npy(path):
    """A minimal float32 .npy reader (numpy may not be installed for the test's python)."""
    with open(path, "rb") as f:
        raw = f.read()
    assert raw[:6] == b"\x93NUMPY", "not a .npy file"
    header_len = struct.unpack("<H", raw[8:10])[0]
    header = raw[10:10 + header_len].decode("latin1")
    shape = tuple(int(x) for x in header.split("(")[1].split(")")[0].split(",") if x.strip())
    data = raw[10 + header_len:]
    return header, shape, struct.unpack("<%df" % (len(data) // 4), data)


class ForwardCli(CliTestCase):
    def fixture(self, variant):
        with open(os.path.join(FIXTURES, variant, "expected.json")) as f:
            return json.load(f)

    def test_checkpoint_logits_match_pytorch_and_are_written_atomically(self):
        expected = self.fixture("gqa")
        tokens = ",".join(str(t) for row in expected["tokens"] for t in row)
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "logits.npy")
            j = self.run_json("forward", os.path.join(FIXTURES, "gqa", "config.json"), "--weights",
                              os.path.join(FIXTURES, "gqa"), "--batch", "2", "--tokens", tokens, "--logits-out", out)
            self.assertEqual(os.listdir(tmp), ["logits.npy"])  # no temp file left behind
            header, shape, ours = read_npy(out)
            _, _, theirs = read_npy(os.path.join(FIXTURES, "gqa", "logits.npy"))
        self.assertIn("'descr': '<f4'", header)
        self.assertEqual(shape, (2, expected["seq"], 48))
        worst = max(abs(a - b) for a, b in zip(ours, theirs))
        self.assertLessEqual(worst, 1e-4 * max(abs(b) for b in theirs))
        self.assertAlmostEqual(j["loss"], expected["loss"], delta=1e-4 * expected["loss"])
        self.assertTrue(j["parameters"]["match"])
        self.assertTrue(j["flops"]["match"])
        self.assertEqual(j["parameters"]["measured"], j["parameters"]["analytic"])
        self.assertEqual(j["flops"]["measured"], j["flops"]["analytic"])
        self.assertEqual(j["logits_out"], out)

    def test_text_output_shows_analytic_and_measured(self):
        code, out, err = self.run_cli("forward", "llama_9m", "--seq", "16")
        self.assertEqual(code, 0, err)
        self.assertIn("loss  ", out)
        self.assertIn("parameters", out)
        self.assertIn("matmul FLOPs", out)
        self.assertIn("tokens/s", out)
        self.assertIn("GFLOP/s", out)
        self.assertIn("peak RSS", out)
        self.assertNotIn("DIFFERENT", out)
        self.assertIn("layer 4/4", err)  # progress per layer on stderr

    def test_mismatched_checkpoint_is_refused_by_name(self):
        code, out, err = self.run_cli("forward", os.path.join(FIXTURES, "mismatch_config.json"), "--weights",
                                      os.path.join(FIXTURES, "rope"))
        self.assertEqual(code, 1, err)
        self.assertIn("model.layers.0.mlp.gate_proj.weight: checkpoint has [40, 16], config expects [48, 16]", err)

    def test_bad_files_and_options(self):
        with tempfile.TemporaryDirectory() as tmp:
            bad = os.path.join(tmp, "bad.safetensors")
            with open(bad, "wb") as f:
                f.write(struct.pack("<Q", 1 << 63) + b"{}")
            code, _, err = self.run_cli("forward", os.path.join(FIXTURES, "rope", "config.json"), "--weights", bad)
            self.assertEqual(code, 3, err)
            self.assertIn("header length", err)
        code, _, err = self.run_cli("forward", "llama_9m", "--tokens", "1,x")
        self.assertEqual(code, 2, err)
        code, _, err = self.run_cli("forward", "llama_9m", "--tokens", "1,2,32000")
        self.assertEqual(code, 2, err)
        code, _, err = self.run_cli("forward", "llama_9m", "--max-memory", "1M")
        self.assertEqual(code, 2, err)
        self.assertIn("--max-memory", err)

    def test_small_budget_streams_with_the_same_counts(self):
        j = self.run_json("forward", "llama_20m", "--seq", "8", "--max-memory", "64M")
        self.assertEqual(j["residency"], "streamed")
        self.assertTrue(j["parameters"]["match"] and j["flops"]["match"])

    def test_ctrl_c_cancels_cleanly(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "logits.npy")
            proc = subprocess.Popen([BINARY, "forward", "llama_350m", "--seq", "256", "--logits-out", out],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            # Wait for the first per-layer progress line, then interrupt.
            seen = b""
            while b"layer" not in seen:
                line = proc.stderr.readline()
                if not line:
                    break
                seen += line
            proc.send_signal(signal.SIGINT)
            _, err = proc.communicate(timeout=120)
            self.assertEqual(proc.returncode, 130, (seen + err).decode())
            self.assertIn(b"cancelled", err)
            self.assertEqual(os.listdir(tmp), [])  # nothing half-written

    def test_verify_table_and_exit_code(self):
        code, out, err = self.run_cli("verify", "llama_9m", "llama_20m", os.path.join(FIXTURES, "tied", "config.json"),
                                      "--seq", "16")
        self.assertEqual(code, 0, err)
        self.assertIn("3 of 3 configs equal", out)
        j = self.run_json("verify", "llama_9m", "--seq", "8")
        self.assertTrue(j["all_match"])
        self.assertEqual(j["rows"][0]["name"], "llama_9m")
        self.assertEqual(j["rows"][0]["parameters"]["measured"]["total"], 8995968)

    def run_with_kernel(self, kernel, *args):
        env = dict(os.environ, LLAMASCOPE_KERNEL=kernel)
        proc = subprocess.run([BINARY, *args], capture_output=True, env=env, timeout=120)
        return proc.returncode, proc.stdout.decode(), proc.stderr.decode()

    def test_output_and_help_say_which_kernels_ran(self):
        code, out, err = self.run_cli("forward", "llama_9m", "--seq", "8")
        self.assertEqual(code, 0, err)
        line = [l for l in out.splitlines() if l.startswith("kernels ")]
        self.assertEqual(len(line), 1, out)
        chosen = line[0].split()[1]
        self.assertIn(chosen, ("baseline", "avx2", "avx512"))
        self.assertIn("(CPU: ", line[0])
        j = self.run_json("forward", "llama_9m", "--seq", "8")
        self.assertEqual(j["kernels"]["set"], chosen)
        self.assertFalse(j["kernels"]["forced"])
        for command in ("forward", "verify"):
            code, out, _ = self.run_cli(command, "--help")
            self.assertEqual(code, 0)
            self.assertIn("Kernels on this machine: " + chosen, out)
            self.assertIn("LLAMASCOPE_KERNEL=baseline|avx2|avx512", out)
        code, out, err = self.run_cli("verify", "llama_9m", "--seq", "8")
        self.assertEqual(code, 0, err)
        self.assertIn("Kernels: " + chosen, out)
        j = self.run_json("verify", "llama_9m", "--seq", "8")
        self.assertEqual(j["rows"][0]["kernels"]["set"], chosen)

    def test_kernel_variable_forces_a_set_or_is_refused_by_name(self):
        code, out, err = self.run_with_kernel("baseline", "forward", "llama_9m", "--seq", "8", "--format", "json")
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out)["kernels"], {"set": "baseline", "forced": True,
                                                      "cpu_features": json.loads(out)["kernels"]["cpu_features"]})
        code, out, err = self.run_with_kernel("sse9", "forward", "llama_9m", "--seq", "8")
        self.assertEqual(code, 2)
        self.assertIn("LLAMASCOPE_KERNEL=sse9 is not a kernel set (choose baseline, avx2 or avx512)", err)
        self.assertEqual(out, "")


if __name__ == "__main__":
    unittest.main()
