#!/usr/bin/env python3
"""Wall time of whole `llamascope` invocations on the bundled family, against the cost of
starting a process at all (`/bin/true`), measured in the same run.

usage: python3 tests/bench/cli_bench.py build/bench/cli/llamascope [runs]
"""
import statistics
import subprocess
import sys
import time


def median_ms(argv, runs):
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        samples.append((time.perf_counter() - t0) * 1000.0)
    return statistics.median(samples)


def main():
    binary = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    baseline = median_ms(["/bin/true"], runs)
    version = median_ms([binary, "--version"], runs)
    print(f"{'command':<34} {'median ms':>10} {'× /bin/true':>12} {'× --version':>12}")
    for label, ms in [("/bin/true (process baseline)", baseline), ("llamascope --version", version)]:
        print(f"{label:<34} {ms:>10.2f} {ms / baseline:>12.1f} {ms / version:>12.2f}")
    for args in (["validate"], ["validate", "--format", "json"], ["compare"], ["report"], ["flops", "llama_7b"]):
        ms = median_ms([binary, *args], runs)
        print(f"{'llamascope ' + ' '.join(args):<34} {ms:>10.2f} {ms / baseline:>12.1f} {ms / version:>12.2f}")


if __name__ == "__main__":
    main()
