#!/usr/bin/env bash
# Lint job (docs/install.md#lint): clang-format-14 on every tracked C++ file, and a
# clang-tidy-14 pass (the repo's .clang-tidy) on the C++ sources changed since the base:
#   - LINT_BASE if set; else the merge base with main when HEAD is a branch off main;
#   - else HEAD~1 (CI tests a clean clone of main: the last commit, for a merge commit
#     everything the merged branch changed).
# LINT_ALL=1 runs clang-tidy on every source in the compile database instead (slow: about
# 15 s per file per core). Uses build/test/compile_commands.json (the README's test build;
# configured and built first when missing). Any formatting difference or clang-tidy finding
# fails the job.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
start=$(date +%s)
format=${CLANG_FORMAT:-clang-format-14}
tidy=${CLANG_TIDY:-clang-tidy-14}
build=${LINT_BUILD_DIR:-build/test}
jobs=${LINT_JOBS:-2}
status=0

# --- clang-format: every tracked C++ file (a few seconds) -----------------------------------
mapfile -d '' all < <(git ls-files -z -- '*.cpp' '*.hpp' '*.h' '*.cc')
if ! "$format" --dry-run -Werror "${all[@]}"; then
    echo "lint: clang-format: files above differ from .clang-format; fix with: $format -i FILE..."
    status=1
else
    echo "lint: clang-format: ${#all[@]} files formatted ($(($(date +%s) - start)) s)"
fi

# --- clang-tidy: changed sources ------------------------------------------------------------
if [ ! -f "$build/compile_commands.json" ]; then
    cmake --preset test >/dev/null
    cmake --build --preset test
fi
# The tracked sources the compile database knows: not generated ones (moc, embedded files),
# not tests/fuzz (only in the fuzz build).
mapfile -t known < <(comm -12 <(/usr/bin/python3 -c '
import json, os, sys
for e in json.load(open(sys.argv[1])):
    print(os.path.relpath(os.path.join(e["directory"], e["file"])))' "$build/compile_commands.json" | sort -u) \
    <(git ls-files -- '*.cpp' '*.cc' | sort -u))
if [ "${LINT_ALL:-0}" = 1 ]; then
    what="every source in $build"
    targets=("${known[@]}")
else
    base=${LINT_BASE:-}
    if [ -z "$base" ]; then
        for main in main origin/main; do
            if git rev-parse -q --verify "$main^{commit}" >/dev/null; then
                mb=$(git merge-base HEAD "$main")
                [ "$mb" != "$(git rev-parse HEAD)" ] && base=$mb
                break
            fi
        done
    fi
    [ -n "$base" ] || base=$(git rev-parse -q --verify HEAD~1 || true)
    if [ -z "$base" ]; then
        echo "lint: clang-tidy: no base commit; nothing to compare"
        exit $status
    fi
    what="sources changed since $(git rev-parse --short "$base")"
    mapfile -t changed < <(git diff --name-only --diff-filter=ACMR "$base" -- '*.cpp' '*.cc' | sort -u)
    targets=()
    for f in "${changed[@]}"; do
        printf '%s\n' "${known[@]}" | grep -qxF -- "$f" && targets+=("$f")
    done
fi
if [ ${#targets[@]} -eq 0 ]; then
    echo "lint: clang-tidy: no $what to check"
    exit $status
fi
echo "lint: clang-tidy: $what: ${#targets[@]} files ($jobs at a time)"
tidy_start=$(date +%s)
log=$(mktemp)
# GCC-only warning flags in the database are unknown to clang: not findings.
if ! printf '%s\0' "${targets[@]}" |
    xargs -0 -n 1 -P "$jobs" "$tidy" -p "$build" --quiet --warnings-as-errors='*' \
        --extra-arg=-Wno-unknown-warning-option >"$log" 2>/dev/null; then
    cat "$log"
    echo "lint: clang-tidy: findings above (.clang-tidy; a justified exception gets // NOLINT(check) with the reason)"
    status=1
else
    echo "lint: clang-tidy: ${#targets[@]} files clean ($(($(date +%s) - tidy_start)) s)"
fi
rm -f "$log"
echo "lint: done in $(($(date +%s) - start)) s"
exit $status
