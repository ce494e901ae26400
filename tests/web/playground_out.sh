#!/usr/bin/env bash
# tests/web/playground_out.sh NNLAB BUILD WEB_BUILD_DIR: nnlab playground finds the web build's playground and
# --out copies it; installed (cmake --install of BUILD) and moved, it finds the copy beside the binary. Without
# the web build, it must exit 1 saying how to build one; the test is then skipped (77).
set -euo pipefail
nn=$1 build=$2 page=$3/playground
skip() { echo "skipped: $1"; [ -z "${NNLAB_WEB_REQUIRED:-}" ] || exit 1; exit 77; }
fail() { echo "playground_out: FAIL: $*" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
"$nn" playground extra >/dev/null 2>&1 || status=$?
[ "$status" = 2 ] || fail "an extra argument gives status $status, not 2"
if [ ! -f "$page/index.html" ]; then
  status=0
  msg=$("$nn" playground --out "$work/out" 2>&1) || status=$?
  if [ "$status" = 1 ]; then
    grep -q "emcmake cmake -S . -B build-web -DNNLAB_WEB=ON" <<<"$msg" || fail "no build hint in: $msg"
    skip "no $page (the message says how to build it: $msg)"
  fi
  # an installed copy elsewhere (the install prefix) is fine too
  [ "$status" = 0 ] && [ -f "$work/out/index.html" ] || fail "status $status without a web build: $msg"
  skip "no $page; nnlab found another copy: $msg"
fi
where=$("$nn" playground)
[ "$where" = "$(cd "$page" && pwd)/index.html" ] || [ "$where" = "$page/index.html" ] || fail "nnlab playground says $where"
"$nn" playground --out "$work/out" >/dev/null
for f in index.html playground.js nnlab-worker.js; do
  cmp -s "$page/$f" "$work/out/$f" || fail "--out: $f differs from $page/$f"
done
status=0
"$nn" playground --out "$page" >/dev/null 2>&1 || status=$?
[ "$status" = 2 ] || fail "--out onto the playground itself gives status $status"
[ -s "$page/nnlab-worker.js" ] || fail "--out onto the playground itself emptied it"
echo "playground_out: --out copies $page"

cmake --install "$build" --prefix "$work/prefix" >/dev/null
[ -f "$work/prefix/share/nnlab/playground/nnlab-worker.js" ] || fail "cmake --install did not install the playground"
mv "$work/prefix" "$work/moved"
where=$("$work/moved/bin/nnlab" playground)
[ "$where" = "$work/moved/share/nnlab/playground/index.html" ] || fail "the moved nnlab says $where"
"$work/moved/bin/nnlab" playground --out "$work/out2" >/dev/null
cmp -s "$page/nnlab-worker.js" "$work/out2/nnlab-worker.js" || fail "the installed copy differs"
echo "playground_out: installed and moved, nnlab finds its own copy"
