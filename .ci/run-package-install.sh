#!/usr/bin/env bash
# A real `apt-get install` of the Debian package the README's test build made (the package.deb
# test writes it with cpack), on CI's fresh machine where this runs as root: the installed CLI
# and GUI, a bundled config, the man page and a find_package(llamascope) consumer found on the
# default prefix, then `apt-get remove`. The package.deb test itself checks a `dpkg -x` scratch
# root without root; this is the install a user does (docs/install.md).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ "$(id -u)" -ne 0 ]; then
    echo "package install: not root; a real apt-get install needs root (CI runs this as root)"
    exit 0
fi
arch=$(dpkg --print-architecture)
shopt -s nullglob
debs=("$PWD"/build/test/tests/package/work/cpack/llamascope_*_"$arch".deb)
[ "${#debs[@]}" -eq 1 ] || { echo "package install: expected one .deb from the package.deb test, found ${#debs[@]}"; exit 1; }
deb=${debs[0]}
if dpkg-query -W -f='${Status}' llamascope 2>/dev/null | grep -q 'install ok installed'; then
    echo "package install: a llamascope package is installed already; not replacing it"
    exit 1
fi
work=$(mktemp -d)
cleanup() {
    apt-get remove -y llamascope >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends "$deb" >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; exit 1; }
echo "ok: apt-get install $(basename "$deb")"
version=$(dpkg-query -W -f='${Version}' llamascope)
[ "$(command -v llamascope)" = /usr/bin/llamascope ] || { echo "llamascope is not /usr/bin/llamascope on PATH"; exit 1; }
[ "$(llamascope --version)" = "llamascope $version" ] || { echo "llamascope --version: $(llamascope --version)"; exit 1; }
echo "ok: llamascope --version = llamascope $version"
llamascope validate llama_60m | tail -1
llamascope validate /usr/share/llamascope/configs/llama_7b.json >/dev/null
echo "ok: validate a bundled config by name and by its installed path"
QT_QPA_PLATFORM=offscreen llamascope-gui --version | grep -q "$version"
echo "ok: llamascope-gui --version"
man -w llamascope >/dev/null 2>&1 || [ -f /usr/share/man/man1/llamascope.1.gz ]
echo "ok: man page installed"
# find_package on the default prefix: no CMAKE_PREFIX_PATH.
cmake -S tests/install/consumer -B "$work/consumer" -DCMAKE_BUILD_TYPE=Release >"$work/consumer.log" 2>&1 &&
    cmake --build "$work/consumer" >>"$work/consumer.log" 2>&1 || { cat "$work/consumer.log"; exit 1; }
grep -q "llamascope_DIR:PATH=/usr/lib/cmake/llamascope" "$work/consumer/CMakeCache.txt" ||
    { grep llamascope_DIR "$work/consumer/CMakeCache.txt"; echo "consumer did not find the installed package"; exit 1; }
"$work/consumer/consumer" /usr/share/llamascope/configs/llama_7b.json
echo "ok: find_package(llamascope) consumer against /usr"
apt-get remove -y llamascope >"$work/apt-remove.log" 2>&1 || { cat "$work/apt-remove.log"; exit 1; }
[ ! -e /usr/bin/llamascope ] || { echo "apt-get remove left /usr/bin/llamascope"; exit 1; }
echo "package install: all checks passed (installed, used, removed)"
