#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for a bounded time on its seed
# corpus. Any crash, sanitizer report or timeout fails CI; the reproducer is printed and
# should become tests/fuzz/regressions/<target>/<name> (replayed by ctest ever after).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# 120 s per target: six targets are 12 minutes. The main job takes about 20 minutes on 2 cores
# and the sanitizer job about as long, so .ci/run stays well inside its 90-minute budget.
# Longer runs: LLAMASCOPE_FUZZ_SECONDS=3600 .ci/run-fuzz.sh
seconds=${LLAMASCOPE_FUZZ_SECONDS:-120}
build=build/fuzz
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DLLAMASCOPE_FUZZ=ON -DLLAMASCOPE_BUILD_TESTS=OFF -DLLAMASCOPE_BUILD_GUI=OFF -DLLAMASCOPE_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j2
status=0
for target in config cli safetensors checkpoint_index runs model_folder; do
  bin="$build/tests/fuzz/fuzz_$target"
  [ -x "$bin" ] || continue
  work=$(mktemp -d)
  cp -r "tests/fuzz/corpus/$target/." "$work/"
  echo "--- fuzz_$target for ${seconds}s"
  if ! (cd "$build" && "../../$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
        -max_len=65536 -print_final_stats=1 "$work" 2>&1 | tee "/tmp/fuzz_$target.log" | \
        grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)"); then
    :
  fi
  if grep -qE "ERROR: (libFuzzer|AddressSanitizer|UndefinedBehaviorSanitizer)|runtime error|Test unit written" "/tmp/fuzz_$target.log"; then
    echo "fuzz_$target FOUND A PROBLEM:"; tail -40 "/tmp/fuzz_$target.log"; status=1
  fi
  rm -rf "$work"
done
exit $status
