#!/usr/bin/env bash
# tests/web/same_numbers.sh NATIVE_TRAJECTORY WEB_BUILD_DIR DOUBLE: the playground's short training runs
# (web/trajectory.c) natively and as WebAssembly under Node.js give the same losses to 1e-12 (relative).
# Skipped (77) unless the native build is double (the web build always is), node and the web build exist.
set -euo pipefail
# NNLAB_WEB_REQUIRED=1 (CI) turns a skip into a failure, so that a missing piece cannot pass unseen.
skip() { echo "skipped: $1"; [ -z "${NNLAB_WEB_REQUIRED:-}" ] || exit 1; exit 77; }
native=$1 web=$2/trajectory.js double=$3
case "$double" in ON|on|1|TRUE|true) ;; *) skip "compare in a NNLAB_DOUBLE=ON build (the web build is double)" ;; esac
command -v node >/dev/null || skip "no node (Node.js) on PATH"
[ -f "$web" ] || skip "no $web; build it: emcmake cmake -S . -B build-web -DNNLAB_WEB=ON && cmake --build build-web"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$native" > "$tmp/native"
# Debian's Emscripten 3.1.6 output may try Node's fetch for the embedded module; the flag keeps it on the file.
node --no-experimental-fetch "$web" > "$tmp/wasm"
lines=$(wc -l < "$tmp/native")
[ "$lines" -gt 20 ] || { echo "only $lines lines from $native"; exit 1; }
# Same lines, same labels; every number within 1e-12 relative (absolute below 1).
awk 'function abs(v) { return v < 0 ? -v : v }
  NR == FNR { want[FNR] = $0; n = FNR; next }
  { m = split(want[FNR], a, " ")
    if (m != NF) { printf "line %d: native \"%s\", wasm \"%s\"\n", FNR, want[FNR], $0; bad = 1; next }
    for (i = 1; i <= NF; i++)
      if (a[i] ~ /^[-+0-9.eE]+$/ && $i ~ /^[-+0-9.eE]+$/) {
        d = abs(a[i] - $i); s = abs(a[i]) > 1 ? abs(a[i]) : 1
        if (d > 1e-12 * s) { printf "line %d: native %s, wasm %s differ by %g\n", FNR, a[i], $i, d; bad = 1 }
        if (d > worst) worst = d
      } else if (a[i] != $i) { printf "line %d: native %s, wasm %s\n", FNR, a[i], $i; bad = 1 }
  }
  END { if (FNR != n) { print "native " n " lines, wasm " FNR; bad = 1 }
        printf "%d lines compared, largest difference %g\n", n, worst; exit bad }' "$tmp/native" "$tmp/wasm"
