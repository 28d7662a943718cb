#!/usr/bin/env bash
# The Debian package, end to end, without root: cpack -G DEB on the (already built) build
# tree, then checks of the .deb's metadata, `dpkg -x` into a scratch root, and the installed
# files used from there: the CLI, a bundled config, the desktop entry, the man pages, the
# bash completion and a find_package(llamascope) consumer.
#   package_test.sh BUILD_DIR WORK_DIR VERSION CONSUMER_SOURCE COMPLETION_TEST CXX_COMPILER GENERATOR
set -euo pipefail
build=$1 work=$2 version=$3 consumer=$4 completion_test=$5 cxx=$6 generator=$7
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }

rm -rf "$work"
mkdir -p "$work"
start=$(date +%s)
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/cpack" >"$work/cpack.log" 2>&1 ||
    { cat "$work/cpack.log"; exit 1; }
arch=$(dpkg --print-architecture)
deb="$work/cpack/llamascope_${version}_${arch}.deb"
[ -f "$deb" ] || { ls "$work/cpack"; fail "cpack did not write $(basename "$deb")"; exit 1; }
ok "cpack wrote $(basename "$deb") ($(du -h "$deb" | cut -f1)) in $(($(date +%s) - start)) s"

# --- metadata ------------------------------------------------------------------------------
[ "$(dpkg-deb -f "$deb" Package)" = llamascope ] || fail "Package field"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "Version field"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
depends_names=$(tr ',|' '\n\n' <<<"$depends" | sed -E 's/\(.*\)//; s/^ +//; s/ +$//' | grep -v '^$' | sort -u)

root="$work/root"
dpkg -x "$deb" "$root"
usr="$root/usr"

# Every shared library an installed program links (its DT_NEEDED entries, resolved the way
# the loader does) belongs to a Debian package named in Depends: derived here from the
# binaries, independently of how CMake produced the field.
for program in "$usr"/bin/*; do
    before=$failures
    while read -r soname path; do
        [ -n "$path" ] || { fail "$(basename "$program"): $soname not found"; continue; }
        owner=$(dpkg -S "$(realpath "$path")" 2>/dev/null || dpkg -S "$path" 2>/dev/null || true)
        owner=${owner%%:*}
        if [ -z "$owner" ]; then
            fail "$(basename "$program") links $soname ($path), which no Debian package owns"
        elif ! grep -qxF "$owner" <<<"$depends_names"; then
            fail "$(basename "$program") links $soname from $owner, not in Depends"
        fi
    done < <(ldd "$program" | awk '$2 == "=>" && $3 ~ /^\// {print $1, $3} $2 == "=>" && $3 == "not" {print $1, ""}' |
        grep -F -f <(readelf -d "$program" | sed -nE 's/.*\(NEEDED\).*\[(.*)\]/\1/p'))
    [ "$failures" -eq "$before" ] && ok "$(basename "$program"): every linked library's package is in Depends"
done
# Each dependency exists in this Debian (it is installed here, since we built against it).
for name in $depends_names; do
    dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q 'install ok installed' ||
        fail "Depends names $name, which is not an installed Debian package here"
done
grep -qxF qt6-qpa-plugins <<<"$depends_names" || fail "Depends lacks qt6-qpa-plugins (the GUI's platform plugins)"
# apt resolves the package against this machine's Debian (a simulation: nothing changes).
if sim=$(apt-get -s install "$deb" 2>&1) && grep -q "^Inst llamascope " <<<"$sim"; then
    ok "apt-get -s install ./$(basename "$deb") resolves: $(grep '^Inst llamascope ' <<<"$sim")"
else
    fail "apt-get -s install cannot install the package: $sim"
fi

# --- contents ------------------------------------------------------------------------------
for f in bin/llamascope bin/llamascope-gui \
    share/applications/llamascope.desktop share/icons/hicolor/scalable/apps/llamascope.svg \
    share/man/man1/llamascope.1.gz share/man/man1/llamascope-gui.1.gz \
    share/bash-completion/completions/llamascope \
    share/llamascope/schemas/llama-config.schema.json share/llamascope/schemas/analysis.schema.json \
    share/llamascope/configs/llama_7b.json include/llamascope/analysis.hpp \
    lib/cmake/llamascope/llamascopeConfig.cmake lib/cmake/llamascope/llamascopeConfigVersion.cmake; do
    [ -e "$usr/$f" ] || fail "not in the package: /usr/$f"
done
ok "package holds the programs, desktop entry, icon, man pages, completion, schemas, configs, CMake package"

# --- the installed CLI ---------------------------------------------------------------------
got=$("$usr/bin/llamascope" --version)
[ "$got" = "llamascope $version" ] && ok "installed llamascope --version: $got" || fail "--version printed '$got'"
configs=("$usr"/share/llamascope/configs/*.json)
[ "${#configs[@]}" -eq 16 ] || fail "expected the 16 bundled configs, found ${#configs[@]}"
if out=$("$usr/bin/llamascope" validate "$usr/share/llamascope/configs/llama_60m.json"); then
    grep -q "^1 file: 0 errors" <<<"$out" && ok "installed validate on an installed config: $(tail -1 <<<"$out")" ||
        fail "validate output: $out"
else
    fail "installed llamascope validate llama_60m.json exited $?: $out"
fi
# The installed schema is the one the program generates.
cmp -s <("$usr/bin/llamascope" schema config) "$usr/share/llamascope/schemas/llama-config.schema.json" &&
    ok "installed config schema = llamascope schema config" || fail "installed schema differs from 'llamascope schema config'"
QT_QPA_PLATFORM=offscreen "$usr/bin/llamascope-gui" --version | grep -q "$version" &&
    ok "installed llamascope-gui --version" || fail "llamascope-gui --version"

# --- desktop entry -------------------------------------------------------------------------
desktop="$usr/share/applications/llamascope.desktop"
# desktop-file-validate (desktop-file-utils) and groff (groff-base) are in .ci/packages.txt:
# a missing tool fails the test rather than skipping the check.
out=$(desktop-file-validate "$desktop" 2>&1) && [ -z "$out" ] && ok "desktop-file-validate: no findings" ||
    fail "desktop-file-validate: $out"
# And the keys a launcher needs, and that they point at installed files.
[ "$(head -1 "$desktop")" = "[Desktop Entry]" ] || fail ".desktop: first line is not [Desktop Entry]"
key() { sed -nE "s/^$1=(.*)$/\1/p" "$desktop"; }
[ "$(key Type)" = Application ] || fail ".desktop: Type"
[ -n "$(key Name)" ] || fail ".desktop: Name"
exec_bin=$(key Exec | awk '{print $1}')
[ -x "$usr/bin/$exec_bin" ] || fail ".desktop: Exec=$exec_bin is not an installed program"
[ -f "$usr/share/icons/hicolor/scalable/apps/$(key Icon).svg" ] || fail ".desktop: Icon=$(key Icon) has no installed icon"
grep -q "<svg" "$usr/share/icons/hicolor/scalable/apps/$(key Icon).svg" || fail "icon is not an SVG"
ok ".desktop entry: Exec and Icon resolve to installed files"

# --- man pages -----------------------------------------------------------------------------
for page in llamascope llamascope-gui; do
    file="$usr/share/man/man1/$page.1.gz"
    # -ww: every warning; a malformed page warns. -k: UTF-8 input through preconv.
    warnings=$(zcat "$file" | groff -k -man -Tutf8 -ww -z 2>&1) && [ -z "$warnings" ] ||
        fail "$page.1: groff: $warnings"
    text=$(zcat "$file" | groff -k -man -Tutf8 -P-cbou 2>/dev/null)
    grep -q "^NAME" <<<"$text" && grep -q "^SYNOPSIS\|^DESCRIPTION" <<<"$text" ||
        fail "$page.1 renders without NAME and DESCRIPTION"
    ok "$page.1: groff renders it without warnings"
done
man_text=$(zcat "$usr/share/man/man1/llamascope.1.gz")
while read -r command; do
    grep -q "^\.SS $command\$" <<<"$man_text" || fail "llamascope.1 has no section for '$command'"
done < <("$usr/bin/llamascope" --help | sed -n '/^commands:/,/^$/p' | awk 'NF > 1 {print $1}')
ok "llamascope.1 has a section for every command in --help"

# --- bash completion, as installed ----------------------------------------------------------
bash "$completion_test" "$usr/share/bash-completion/completions/llamascope" "$usr/bin/llamascope" >"$work/completion.log" &&
    ok "installed bash completion" || { cat "$work/completion.log"; fail "installed bash completion"; }

# --- find_package(llamascope) against the scratch root --------------------------------------
if cmake -S "$consumer" -B "$work/consumer" -G "$generator" -DCMAKE_CXX_COMPILER="$cxx" \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$usr" >"$work/consumer.log" 2>&1 &&
    cmake --build "$work/consumer" >>"$work/consumer.log" 2>&1; then
    out=$("$work/consumer/consumer" "$usr/share/llamascope/configs/llama_7b.json")
    echo "$out"
    grep -q "$usr/lib/cmake/llamascope" "$work/consumer/CMakeCache.txt" || fail "consumer did not use the package in the scratch root"
else
    cat "$work/consumer.log"
    fail "find_package(llamascope) consumer against the scratch root"
fi

[ "$failures" -eq 0 ] || { echo "$failures package check(s) failed"; exit 1; }
echo "package: all checks passed in $(($(date +%s) - start)) s"
