#!/usr/bin/env bash
# The whole test suite (all but `slow`-labelled tests) built with AddressSanitizer and
# UndefinedBehaviorSanitizer; any report fails CI (halt_on_error / abort_on_error).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cmake --workflow --preset asan
