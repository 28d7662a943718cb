#!/usr/bin/env bash
# Sources the generated bash completion script ($1) in a plain bash (no bash-completion
# package) and checks what it offers: a command, an option of a command, a bundled config
# name, the names an enum option takes, and that options of one command do not leak into
# another.
set -euo pipefail
script=$(realpath "$1")
program=${2:+$(realpath "$2")}
# shellcheck source=/dev/null
source "$script"
complete -p llamascope >/dev/null

# complete WORDS...: sets COMP_WORDS/COMP_CWORD (the cursor on the last word) and prints
# the candidates, one per line.
complete_words() {
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    _llamascope
    printf '%s\n' "${COMPREPLY[@]}"
}
failures=0
expect() { # expect <what> <candidate> <words...>
    local what=$1 want=$2
    shift 2
    local got
    got=$(complete_words "$@")
    if ! grep -qxF -- "$want" <<<"$got"; then
        echo "FAIL: $what: '$*' should offer '$want'; got: $(tr '\n' ' ' <<<"$got")"
        failures=$((failures + 1))
    else
        echo "ok: $what: '$*' -> $want"
    fi
}
expect_not() { # expect_not <what> <candidate> <words...>
    local what=$1 unwanted=$2
    shift 2
    if complete_words "$@" | grep -qxF -- "$unwanted"; then
        echo "FAIL: $what: '$*' should not offer '$unwanted'"
        failures=$((failures + 1))
    else
        echo "ok: $what: '$*' does not offer $unwanted"
    fi
}

cd "$(mktemp -d)" # no files to complete: candidates come from the script alone
expect "command" validate llamascope val
expect "command" generate llamascope gen
expect "top-level option" --version llamascope --ver
expect "option of validate" --strict llamascope validate --st
expect "option of memory" --optimizer llamascope memory llama_60m --opt
expect "option of generate" --params llamascope generate --par
expect "bundled config" llama_60m llamascope show llama_6
expect "bundled config after options" llama_130m_no_pos llamascope compare --seq 256 llama_130m_n
expect_not "option of another command" --strict llamascope memory --st
expect_not "bundled name as an option value" llama_60m llamascope show --seq llama_6
expect_not "bundled name for a runs table" llama_60m llamascope fit llama_6
# Options over one of core's enum tables complete the table's names (and nothing else).
expect "enum option value" selective llamascope plan llama_60m --recompute sel
expect "enum option value" palm llamascope plan --convention pa
expect "enum option value" family-trend llamascope generate --ranking fam
expect "enum option value" non-embedding llamascope fit runs.csv --n-count non
expect "enum option value" causal llamascope flops --attention ca
expect_not "enum value of another option" selective llamascope plan --zero sel
expect_not "bundled name as an enum value" llama_60m llamascope plan --precision llama_6
# The script lists every command `llamascope --help` lists.
if [ -n "$program" ]; then
    while read -r command; do
        expect "command from --help" "$command" llamascope "${command:0:3}"
    done < <("$program" --help | sed -n '/^commands:/,/^$/p' | awk 'NF > 1 {print $1}')
fi
if [ -n "$program" ]; then
    # The generator's own command line: bash only; the same script as the one checked above.
    for args in "" "zsh" "bash extra"; do
        code=0
        # shellcheck disable=SC2086
        "$program" completion $args >/dev/null 2>"$PWD/err" || code=$?
        if [ "$code" -eq 2 ] && grep -q "llamascope completion: error" "$PWD/err"; then
            echo "ok: 'completion $args' is a usage error (exit 2)"
        else
            echo "FAIL: 'completion $args' exited $code: $(cat "$PWD/err")"
            failures=$((failures + 1))
        fi
    done
    if cmp -s <("$program" completion bash) "$script"; then
        echo "ok: the script is what 'llamascope completion bash' prints"
    else
        echo "FAIL: $script differs from 'llamascope completion bash'"
        failures=$((failures + 1))
    fi
fi
[ "$failures" -eq 0 ] || { echo "$failures completion check(s) failed"; exit 1; }
echo "completion: all checks passed"
