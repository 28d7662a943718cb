"""Every buffer of the forward pass is written before it is read (core/src/forward/aligned.hpp).

The pass's activation and scratch buffers are not zero-filled, so a read of a value no kernel
wrote would give a result that depends on what the allocator handed back — invisible to the
fixture tests, which run on fresh (zeroed) pages. valgrind's memcheck sees such a read: every
committed fixture (all nine families, biases, windows, soft caps, experts, partial rotary, tied
and learned embeddings) runs under it with B = 2 and T = 70, past one 64-row attention block
and past every sliding window, on the baseline kernels (valgrind does not run AVX-512).
valgrind is in .ci/packages.txt; sanitizer builds skip this test (their runtime and valgrind's
cannot share a process).
"""
import concurrent.futures
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from clitest import BINARY, DATA_DIR, CliTestCase

VALGRIND = shutil.which("valgrind")
FIXTURES = os.path.join(DATA_DIR, "forward")
SANITIZED = os.environ.get("LLAMASCOPE_SANITIZED", "") not in ("", "OFF", "0")


def fixture_names():
    return sorted(n for n in os.listdir(FIXTURES) if os.path.isfile(os.path.join(FIXTURES, n, "expected.json")))


def memcheck(name, seq, extra=()):
    """Runs `forward` on fixture `name` under memcheck; returns (exit code, stderr)."""
    env = dict(os.environ, LLAMASCOPE_KERNEL="baseline")
    directory = os.path.join(FIXTURES, name)
    proc = subprocess.run([VALGRIND, "--quiet", "--error-exitcode=99", "--leak-check=no", "--track-origins=yes",
                           BINARY, "forward", os.path.join(directory, "config.json"), "--weights", directory,
                           "--batch", "2", "--seq", str(seq), "--threads", "2", *extra],
                          capture_output=True, env=env, timeout=900)
    return proc.returncode, proc.stderr.decode("utf-8", "replace")


@unittest.skipIf(SANITIZED, "sanitizer builds cannot run under valgrind")
class ForwardBuffersAreWrittenBeforeRead(CliTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not VALGRIND:
            raise RuntimeError("valgrind is not installed (Debian: valgrind; listed in .ci/packages.txt)")

    def run_fixture(self, name):
        code, err = memcheck(name, 70)
        if code == 2:  # a learned position table shorter than 70: the fixture's own length
            with open(os.path.join(FIXTURES, name, "expected.json")) as f:
                code, err = memcheck(name, json.load(f)["seq"])
        return code, err

    def test_every_fixture_runs_clean_under_memcheck(self):
        names = fixture_names()
        self.assertGreaterEqual(len(names), 20)
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            results = dict(zip(names, pool.map(self.run_fixture, names)))
        for name, (code, err) in results.items():
            with self.subTest(fixture=name):
                self.assertEqual(code, 0, f"memcheck on {name} exited {code}:\n{err[-4000:]}")
                self.assertNotIn("uninitialised", err)

    def test_kept_logits_run_clean_under_memcheck(self):
        with tempfile.TemporaryDirectory() as tmp:
            code, err = memcheck("mixtral", 70, ("--logits-out", os.path.join(tmp, "logits.npy")))
        self.assertEqual(code, 0, err[-4000:])

    def test_memcheck_would_see_an_unwritten_read(self):
        # The check itself can fail: a program that branches on a byte it never wrote.
        with tempfile.TemporaryDirectory() as tmp:
            source, program = os.path.join(tmp, "unwritten.c"), os.path.join(tmp, "unwritten")
            with open(source, "w") as f:
                f.write("#include <stdlib.h>\nint main(void) { volatile char* p = malloc(64);"
                        " return p[3] == 7 ? 1 : 0; }\n")
            subprocess.run(["cc", "-O0", "-o", program, source], check=True)
            proc = subprocess.run([VALGRIND, "--quiet", "--error-exitcode=99", program], capture_output=True,
                                  timeout=120)
        self.assertEqual(proc.returncode, 99, proc.stderr.decode())


if __name__ == "__main__":
    unittest.main()
