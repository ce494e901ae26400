#!/usr/bin/env bash
# run.sh [--update] NNLAB SOURCE_DIR [FILE.md...]: runs the command examples of README.md and docs/*.md and compares their
# output with the text shown, so that a change of output fails until the docs follow. The convention
# (docs/architecture.md#examples-in-the-docs-are-tested): a fenced block with the info string `console`; in it,
# `$ COMMAND` lines (a trailing backslash continues one; a here-document's lines up to its end word belong to
# it) each followed by the standard output they print. An output line `...` stands for any number of lines,
# `...` within a line for any text. The commands of one file run in order, in one fresh directory, through
# bash, with `nnlab` the built binary, one thread and the OpenBLAS kernel Haswell; a command must exit with 0.
# Numbers depend on the build: exactly as shown in a float build with OpenBLAS compiled for a CPU with AVX-512
# (the docs' reference), otherwise (double, NNLAB_BLAS=none, a portable or sanitizer build, an older CPU) with every number,
# the real type's name and the width of blank runs masked.
# --update writes the new output into the docs instead of failing, for examples without "..." (review the diff).
set -uo pipefail
update=0
if [ "${1-}" = --update ]; then update=1; shift; fi
nn=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
shift 2
files=("$@")
[ ${#files[@]} -gt 0 ] || files=("$src/README.md" "$src"/docs/*.md)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin"
ln -s "$nn" "$work/bin/nnlab"
export PATH="$work/bin:$PATH" NNLAB_THREADS=1 NNLAB_DATA="$src/data" LC_ALL=C
unset NNLAB_MAX_MEMORY
exact=1
if grep -qw avx2 /proc/cpuinfo; then export OPENBLAS_CORETYPE=Haswell; else exact=0; fi
info=$(nnlab info 2>/dev/null)
grep -q '^real type: float' <<<"$info" && grep -q '^blas: OpenBLAS' <<<"$info" || exact=0
# nnlab's own product kernel runs where the build targets AVX-512 (src/gemm.c), OpenBLAS's elsewhere; under
# the sanitizers' instrumentation the compiler fuses fewer multiply-adds into FMA, so they round otherwise.
grep -q '^build: -march with AVX-512' <<<"$info" || exact=0
grep -q '^build: .*Sanitizer' <<<"$info" && exact=0
[ $exact = 1 ] || echo "docs: not the reference build (float, OpenBLAS, -march=native on AVX-512, no sanitizer): numbers are masked"
if [ $update = 1 ] && [ $exact = 0 ]; then echo "docs: --update needs the reference build" >&2; exit 2; fi

# Splits a markdown file into its examples: $dir/N.cmd (the command), N.out (the output shown), N.line.
split_examples() {
    awk -v dir="$2" -v q="'" '
    function flush() { if (n) { close(dir "/" n ".cmd"); close(dir "/" n ".out") } }
    # A fence: opens or closes a console block, or another block (whose lines, fences of fewer backticks included, are skipped).
    /^```/ {
        if (other != "") { if ($0 ~ /^`+[ \t]*$/ && length($0) >= length(other)) other = ""; next }
        if (inblock) { inblock = 0; flush(); cont = 0; here = "" }
        else if ($0 ~ /^```console[ \t]*$/) inblock = 1
        else { match($0, /^`+/); other = substr($0, 1, RLENGTH) }
        next
    }
    !inblock { next }
    cont || here != "" {
        line = $0
        if (cont) sub(/^> ?/, "", line)
        printf "%s\n", line > (dir "/" n ".cmd")
        if (here != "" && line == here) here = ""
        cont = here == "" && line ~ /\\$/
        next
    }
    /^\$ / {
        flush(); n++
        cmd = substr($0, 3)
        printf "%s\n", cmd > (dir "/" n ".cmd")
        printf "" > (dir "/" n ".out")
        print FNR > (dir "/" n ".line"); close(dir "/" n ".line")
        cont = cmd ~ /\\$/
        if (match(cmd, "<<-?[" q "\"]?[A-Za-z_][A-Za-z0-9_]*")) { here = substr(cmd, RSTART, RLENGTH); gsub("[<" q "\"-]", "", here) }
        next
    }
    { if (n) print > (dir "/" n ".out") }
    END { flush() }' "$1"
}

# Exit status 0 when the actual output ($2) matches the shown one ($1) under the rules above.
matches() {
    awk -v exact=$exact '
    function mask(s) {
        if (exact) return s
        gsub(/-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/, "#", s); gsub(/double/, "float", s); gsub(/ +/, " ", s)
        return s
    }
    # One line against a pattern whose "..." match any text: the pieces in order, the first a prefix, the last a suffix.
    function line_ok(p, a,    k, np, piece, pos, at) {
        if (index(p, "...") == 0) return p == a
        np = split(p, piece, /\.\.\./)
        if (substr(a, 1, length(piece[1])) != piece[1]) return 0
        pos = length(piece[1]) + 1
        for (k = 2; k < np; k++) {
            at = index(substr(a, pos), piece[k]); if (!at) return 0
            pos += at - 1 + length(piece[k])
        }
        return length(a) - pos + 1 >= length(piece[np]) && substr(a, length(a) - length(piece[np]) + 1) == piece[np]
    }
    function ok(i, j,    k) {
        if (i > ne) return j > na
        if (E[i] == "...") { for (k = j; k <= na + 1; k++) if (ok(i + 1, k)) return 1; return 0 }
        return j <= na && line_ok(E[i], A[j]) && ok(i + 1, j + 1)
    }
    FNR == NR { E[++ne] = mask($0); next }
    { A[++na] = mask($0) }
    END { exit !ok(1, 1) }' "$1" "$2"
}

failed=0 ran=0
for md in "${files[@]}"; do
    splices=()
    ex=$work/examples/$(basename "$md")
    mkdir -p "$ex" "$ex.run"
    split_examples "$md" "$ex"
    for ((i = 1; ; i++)); do
        [ -f "$ex/$i.cmd" ] || break
        ran=$((ran + 1))
        where="${md#"$src"/}:$(cat "$ex/$i.line")"
        (cd "$ex.run" && bash "$ex/$i.cmd" >"$ex/$i.actual" 2>"$ex/$i.err")
        rc=$?
        if [ $rc != 0 ]; then
            echo "docs: FAIL: $where: \$ $(head -1 "$ex/$i.cmd"): exit status $rc"
            sed 's/^/    stderr: /' "$ex/$i.err" | head -20
            failed=$((failed + 1))
        elif ! matches "$ex/$i.out" "$ex/$i.actual"; then
            if [ $update = 1 ] && ! grep -qF ... "$ex/$i.out"; then
                # The output lines follow the command's lines; later examples first, so earlier line numbers hold.
                first=$(($(cat "$ex/$i.line") + $(wc -l <"$ex/$i.cmd")))
                splices=("$first $(wc -l <"$ex/$i.out") $ex/$i.actual" "${splices[@]}")
                echo "docs: updated $where: \$ $(head -1 "$ex/$i.cmd")"
                continue
            fi
            echo "docs: FAIL: $where: \$ $(head -1 "$ex/$i.cmd"): the output differs from the doc (- doc, + now):"
            diff -u "$ex/$i.out" "$ex/$i.actual" | tail -n +3 | sed 's/^/    /'
            failed=$((failed + 1))
        fi
    done
    for s in "${splices[@]}"; do
        read -r first count actual <<<"$s"
        { head -n $((first - 1)) "$md"; cat "$actual"; [ -z "$(tail -c 1 "$actual")" ] || echo
          tail -n +$((first + count)) "$md"; } >"$work/updated.md" && cat "$work/updated.md" >"$md"
    done
done
echo "docs: $ran examples run, $failed failed"
[ $failed = 0 ] || echo "docs: after checking the differences: bash $0 --update $nn $src (docs/architecture.md)"
[ $failed = 0 ] && [ $ran -gt 0 ]
