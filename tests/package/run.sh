#!/usr/bin/env bash
# run.sh: builds a consumer against the build tree (nnlab-uninstalled.pc), then installs the built nnlab into a
# temporary prefix and builds it both through pkg-config and find_package.
set -euo pipefail
build=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Against the build tree, before any install: nnlab-uninstalled.pc, and no LD_LIBRARY_PATH (its rpath).
cc -std=c11 -o "$work/consumer-tree" "$here/consumer.c" $(PKG_CONFIG_PATH="$build" pkg-config --cflags --libs nnlab)
env -u LD_LIBRARY_PATH "$work/consumer-tree"
cmake --install "$build" --prefix "$work/prefix" >/dev/null
libdir=$(find "$work/prefix" -name 'nnlab.pc' -printf '%h\n' | head -n1)
export PKG_CONFIG_PATH="$libdir"
export LD_LIBRARY_PATH="$(dirname "$libdir")"
cc -std=c11 -o "$work/consumer-pc" "$here/consumer.c" $(pkg-config --cflags --libs nnlab)
"$work/consumer-pc"
cmake -S "$here" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/build" >/dev/null
"$work/build/consumer"
if [ -f "$libdir/nnlab_mpi.pc" ] && command -v mpirun >/dev/null; then
  cc -std=c11 -o "$work/mpi-pc" "$here/../../examples/mpi_train.c" $(pkg-config --cflags --libs nnlab_mpi)
  root=; [ "$(id -u)" = 0 ] && root=--allow-run-as-root
  ASAN_OPTIONS=detect_leaks=0 timeout 120 mpirun --oversubscribe $root -np 2 "$work/mpi-pc" | grep -q '^2 ranks:'
  echo "package: nnlab_mpi consumer built through pkg-config and ran on 2 ranks"
fi
echo "package: build-tree pkg-config, installed pkg-config and find_package consumers built and ran"
