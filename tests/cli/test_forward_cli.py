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
# Sanitizer builds inflate RSS several-fold (shadow memory, quarantine): RSS bounds are checked
# in the plain build only.
SANITIZED = bool(os.environ.get("LLAMASCOPE_SANITIZED"))


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

    def test_logits_never_overwrite_an_input_or_an_existing_file(self):
        """Issue 10 item 1: the same output policy as generate, checked before the pass."""
        import hashlib
        with tempfile.TemporaryDirectory() as tmp:
            weights = os.path.join(tmp, "w.safetensors")
            config = os.path.join(tmp, "config.json")
            with open(os.path.join(FIXTURES, "rope", "model.safetensors"), "rb") as src, open(weights, "wb") as dst:
                dst.write(src.read())
            with open(os.path.join(FIXTURES, "rope", "config.json"), "rb") as src, open(config, "wb") as dst:
                dst.write(src.read())
            os.link(weights, os.path.join(tmp, "hard.npy"))
            os.symlink(config, os.path.join(tmp, "sym.npy"))

            def digest(path):
                with open(path, "rb") as f:
                    return hashlib.sha256(f.read()).hexdigest()
            before = (digest(weights), digest(config))
            for out in ("w.safetensors", "config.json", "hard.npy", "sym.npy"):
                for force in ([], ["--force"]):
                    with self.subTest(out=out, force=force):
                        code, _, err = self.run_cli("forward", config, "--weights", weights, "--seq", "4",
                                                    "--logits-out", os.path.join(tmp, out), *force)
                        self.assertEqual(code, 3, err)
                        self.assertIn("writing it would destroy the input", err)
                        self.assertNotIn("layer", err)  # refused before the pass started
            self.assertEqual((digest(weights), digest(config)), before)
            # The sharded checkpoint's index and shards are inputs too.
            shard_dir = os.path.join(FIXTURES, "sharded")
            for name in sorted(os.listdir(shard_dir)):
                if name.endswith((".json", ".safetensors")) and name != "config.json" and name != "expected.json":
                    code, _, err = self.run_cli("forward", os.path.join(shard_dir, "config.json"), "--weights",
                                                shard_dir, "--seq", "4", "--logits-out",
                                                os.path.join(shard_dir, name), "--force")
                    self.assertEqual(code, 3, f"{name}: {err}")
            # An existing output needs --force; a missing folder fails before the pass.
            out = os.path.join(tmp, "logits.npy")
            self.assertEqual(self.run_cli("forward", config, "--seq", "4", "--logits-out", out)[0], 0)
            code, _, err = self.run_cli("forward", config, "--seq", "4", "--logits-out", out)
            self.assertEqual(code, 3)
            self.assertIn("already exists; not overwritten (pass --force to overwrite)", err)
            self.assertNotIn("layer", err)
            self.assertEqual(self.run_cli("forward", config, "--seq", "4", "--logits-out", out, "--force")[0], 0)
            code, _, err = self.run_cli("forward", config, "--seq", "4", "--logits-out",
                                        os.path.join(tmp, "no-such-folder", "x.npy"))
            self.assertEqual(code, 3)
            self.assertIn("cannot write into folder", err)
            self.assertNotIn("layer", err)
            self.assertEqual(sorted(n for n in os.listdir(tmp) if n.startswith(".")), [])

    def test_sigterm_removes_the_hidden_temporary(self):
        """The temporary exists during the whole pass (the folder was checked up front); SIGTERM
        cancels like Ctrl-C and removes it."""
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "logits.npy")
            proc = subprocess.Popen([BINARY, "forward", "llama_350m", "--seq", "256", "--logits-out", out],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            seen = b""
            while b"layer" not in seen:
                line = proc.stderr.readline()
                if not line:
                    break
                seen += line
            pending = os.listdir(tmp)
            proc.send_signal(signal.SIGTERM)
            _, err = proc.communicate(timeout=120)
            self.assertEqual(len(pending), 1, pending)
            self.assertTrue(pending[0].startswith(".logits.npy.tmp"), pending)
            self.assertEqual(proc.returncode, 128 + signal.SIGTERM, (seen + err).decode())
            self.assertIn(b"cancelled", err)
            self.assertEqual(os.listdir(tmp), [])

    def test_sequence_longer_than_the_context_is_a_warning(self):
        config = os.path.join(FIXTURES, "rope", "config.json")  # max_position_embeddings 80
        code, _, err = self.run_cli("forward", config, "--seq", "100")
        self.assertEqual(code, 0, err)
        self.assertIn("warning: sequence length 100 is longer than the context length 80 "
                      "(max_position_embeddings)", err)
        j = self.run_json("forward", config, "--seq", "100")
        self.assertEqual(len(j["warnings"]), 1)
        self.assertEqual(self.run_json("forward", config, "--seq", "80")["warnings"], [])
        # Learned positions cannot run past their table at all: a usage error, as before.
        code, _, err = self.run_cli("forward", os.path.join(FIXTURES, "learned", "config.json"), "--seq", "1000")
        self.assertEqual(code, 2, err)

    @unittest.skipIf(SANITIZED, "sanitizer builds inflate RSS; checked in the plain build")
    def test_hostile_headers_stay_within_a_small_memory_bound(self):
        """Issue 10 item 6: peak RSS of a run on a 100 MiB header or a 64 MiB index stays within
        64 MiB of a run on a tiny valid checkpoint (docs/hardening.md); it was 3.9 GB and 2.5 GB."""
        config = os.path.join(FIXTURES, "rope", "config.json")
        mib = 1 << 20

        def peak_rss(weights):
            proc = subprocess.Popen([BINARY, "forward", config, "--weights", weights, "--seq", "4"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            err = proc.stderr.read()
            proc.stderr.close()
            _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage
            proc.returncode = os.waitstatus_to_exitcode(status)
            return usage.ru_maxrss * 1024, proc.returncode, err.decode(errors="replace")

        # Files are written in chunks: a child's ru_maxrss counts the parent's pages until
        # exec, so this process must never hold the 100 MiB itself.
        def write(path, *parts):
            with open(path, "wb") as f:
                for part, times in parts:
                    for _ in range(times // mib):
                        f.write(part * mib)
                    f.write(part * (times % mib))

        def safetensors(path, header_parts, data=b""):
            size = sum(len(part) * times for part, times in header_parts)
            write(path, (struct.pack("<Q", size), 1), *header_parts, (data, 1))

        baseline, code, err = peak_rss(os.path.join(FIXTURES, "rope"))
        self.assertEqual(code, 0, err)
        entry = b'{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":'
        n = (100 * mib - 100) // 2
        cases = {
            "deep.safetensors": ([(entry, 1), (b"[", n), (b"]", n), (b"}}", 1)], 3, "nested deeper"),
            "wide.safetensors": ([(entry + b"[", 1), (b"[],", n * 2 // 3), (b"[]]}}", 1)], 3, "nested deeper"),
            "flat.safetensors": ([(entry + b"[", 1), (b"0,", n), (b"0]}}", 1)], 1, "config has no such tensor"),
        }
        with tempfile.TemporaryDirectory() as tmp:
            for name, (parts, _, _) in cases.items():
                safetensors(os.path.join(tmp, name), parts, b"\0" * 4)
            n = (64 * mib - 100) // 2
            os.mkdir(os.path.join(tmp, "deep-index"))
            write(os.path.join(tmp, "deep-index", "model.safetensors.index.json"),
                  (b'{"metadata":', 1), (b"[", n), (b"]", n), (b',"weight_map":{}}', 1))
            os.mkdir(os.path.join(tmp, "wide-index"))
            with open(os.path.join(tmp, "wide-index", "model.safetensors.index.json"), "wb") as f:
                f.write(b'{"weight_map":{"t":"s.safetensors"')
                for block in range(63):  # 63 MiB of distinct entries, one MiB at a time
                    f.write(b"".join(b',"t%03d%07d":"s.safetensors"' % (block, i) for i in range(mib // 30)))
                f.write(b"}}")
            cases["deep-index"] = (None, 3, "nested deeper")
            cases["wide-index"] = (None, 3, "MiB of tensor table")
            for name, (_, want, text) in cases.items():
                with self.subTest(file=name):
                    rss, code, err = peak_rss(os.path.join(tmp, name))
                    self.assertEqual(code, want, err)
                    self.assertIn(text, err)
                    self.assertLess(rss - baseline, 64 * mib, f"peak RSS {rss / mib:.0f} MiB, "
                                                              f"baseline {baseline / mib:.0f} MiB")

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

    def test_verify_every_family(self):
        families = ["qwen2", "qwen3", "olmo2", "gemma", "gemma2", "mistral", "mixtral", "phi3_long", "rope_yarn"]
        paths = [os.path.join(FIXTURES, f, "config.json") for f in families]
        j = self.run_json("verify", *paths, "--seq", "24")
        self.assertTrue(j["all_match"], [r["name"] for r in j["rows"] if not r["match"]])
        self.assertEqual([r["name"] for r in j["rows"]], families)
        mixtral = j["rows"][families.index("mixtral")]
        self.assertGreater(mixtral["flops"]["measured"]["router"], 0)
        self.assertEqual(mixtral["parameters"]["measured"]["mlp"], mixtral["parameters"]["analytic"]["mlp"])

    def test_mixture_of_experts_text_shows_the_router(self):
        code, out, err = self.run_cli("forward", os.path.join(FIXTURES, "mixtral", "config.json"), "--seq", "12")
        self.assertEqual(code, 0, err)
        self.assertIn("  router", out)
        self.assertNotIn("DIFFERENT", out)


if __name__ == "__main__":
    unittest.main()
