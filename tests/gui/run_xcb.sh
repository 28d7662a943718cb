#!/bin/sh
# Runs a GUI test binary on a real X server: Xvfb with the xcb platform, the display stack a
# desktop user has (real tooltips, focus, window geometry), besides the offscreen runs.
# Usage: run_xcb.sh BINARY [ARGS...]. Exit 77 (ctest: skipped) when Xvfb is not installed,
# unless LLAMASCOPE_REQUIRE_XVFB is set (CI sets it: there a missing Xvfb is a failure).
set -eu
binary=$1
shift
if ! command -v Xvfb >/dev/null 2>&1; then
  if [ -n "${LLAMASCOPE_REQUIRE_XVFB:-}" ]; then
    echo "run_xcb.sh: Xvfb is required (LLAMASCOPE_REQUIRE_XVFB) but not installed (apt install xvfb)" >&2
    exit 1
  fi
  echo "run_xcb.sh: Xvfb not installed; skipping the xcb run (apt install xvfb)" >&2
  exit 77
fi
dir=$(mktemp -d)
# -displayfd: Xvfb picks a free display and writes its number when it is ready (no races with
# other servers on the machine).
Xvfb -displayfd 3 -screen 0 1920x1080x24 -nolisten tcp 3>"$dir/display" >"$dir/xvfb.log" 2>&1 &
xvfb=$!
trap 'kill "$xvfb" 2>/dev/null || true; wait "$xvfb" 2>/dev/null || true; rm -rf "$dir"' EXIT INT TERM
i=0
while [ ! -s "$dir/display" ]; do
  i=$((i + 1))
  if [ "$i" -gt 100 ] || ! kill -0 "$xvfb" 2>/dev/null; then
    echo "run_xcb.sh: Xvfb did not start:" >&2
    cat "$dir/xvfb.log" >&2
    exit 1
  fi
  sleep 0.1
done
display=$(head -n 1 "$dir/display")
DISPLAY=":$display" QT_QPA_PLATFORM=xcb "$binary" "$@"
