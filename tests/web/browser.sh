#!/usr/bin/env bash
# tests/web/browser.sh WEB_BUILD_DIR [SCREENSHOT.png]: the playground page in headless Chromium trains moons
# with relu (run A) and selu (run B) through the URL parameters, both reach accuracy 0.95 with a drawn boundary
# and drawn histograms; then the worked logistic-regression preset's three points, clicked, show their losses
# in the trace view (tests/web/browser.js).
# Skipped (77) without Chromium, node or the web build.
set -euo pipefail
# NNLAB_WEB_REQUIRED=1 (CI) turns a skip into a failure, so that a missing piece cannot pass unseen.
skip() { echo "skipped: $1"; [ -z "${NNLAB_WEB_REQUIRED:-}" ] || exit 1; exit 77; }
here=$(cd "$(dirname "$0")" && pwd)
page=$1/playground/index.html
chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
[ -n "$chromium" ] && [ -x "$chromium" ] || skip "no chromium (apt-get install chromium)"
command -v node >/dev/null || skip "no node (Node.js) on PATH"
[ -f "$page" ] || skip "no $page; build it: emcmake cmake -S . -B build-web -DNNLAB_WEB=ON && cmake --build build-web"
url=file://$(cd "$(dirname "$page")" && pwd)/index.html
# 40 epochs of 7 batches: accuracy reaches 0.99-1.0 on these moons (seed 1) with relu and with selu; 0.95 leaves a
# margin.
query='data=moons&n=200&noise=0.1&arch=dense:16,relu,dense:16,relu&opt=adam:lr=0.01&batch=32&seed=1&autostart=1&epochs=40'
query="$query&arch2=dense:16,selu,dense:16,selu&opt2=adam:lr=0.01"
CHROMIUM=$chromium node "$here/browser.js" "$url?$query" 40 0.95 ${2:-}
# examples/binary.c's hand-worked logistic regression: w = (-1, 2), b = -2; losses of its three points.
CHROMIUM=$chromium NNLAB_BROWSER_TRACE=0.018150,0.126928,1.313262 node "$here/browser.js" "$url?preset=logistic" 0 0
