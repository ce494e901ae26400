#!/bin/bash
# tests/abi/run.sh LIBNNLAB_SO INCLUDE_DIR: libnnlab.so exports exactly the functions its public headers
# declare with NN_API, no internal symbol (nn_fail, nn_gemm, layer constructors, ...), and every one of them.
set -u
so=$1 inc=$2
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
# The headers of libnnlab; mpi.h belongs to libnnlab_mpi, a separate library.
headers() { ls "$inc"/nnlab/*.h | grep -v /mpi.h; }
nm -D --defined-only "$so" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | grep -v '^_' | sort -u >"$tmp/exported"
# Names of NN_API declarations: the first identifier followed by '(' on an NN_API line.
grep -h '^NN_API' $(headers) | grep -o '\bnn_[a-z0-9_]*\s*(' | sed 's/\s*(//' | sort -u >"$tmp/declared"
# A declaration at the start of a line without NN_API would be silently hidden: none may exist.
bare=$(grep -hP '^(?!NN_API|typedef|static|#|extern "C")[A-Za-z_][\w\s*]*?\bnn_\w+\s*\(' $(headers))
if [ ! -s "$tmp/exported" ] || [ ! -s "$tmp/declared" ]; then
    echo "abi: nothing exported or declared (nm or the headers unreadable?)" >&2
    exit 1
fi
extra=$(comm -23 "$tmp/exported" "$tmp/declared")
missing=$(comm -13 "$tmp/exported" "$tmp/declared")
rc=0
if [ -n "$bare" ]; then
    echo "abi: public declarations without NN_API:" >&2
    echo "$bare" >&2
    rc=1
fi
if [ -n "$extra" ]; then
    echo "abi: libnnlab.so exports symbols no public header declares:" $extra >&2
    rc=1
fi
if [ -n "$missing" ]; then
    echo "abi: declared with NN_API but not exported:" $missing >&2
    rc=1
fi
[ $rc = 0 ] && echo "abi: $(wc -l <"$tmp/exported") exported symbols, all declared in include/nnlab"
exit $rc
