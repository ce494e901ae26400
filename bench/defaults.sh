#!/bin/sh
# bench/defaults.sh: the measurement behind nnlab's default optimizer (docs/defaults.md).
# Trains every bundled data set with every activation of compare's default suite over several seeds, once
# per candidate optimizer recipe, through the nnlab binary with train's defaults otherwise (standardised
# inputs, 20% validation), and prints per recipe and data set the min and median final validation accuracy,
# the runs that diverged (non-finite loss) and the runs flagged by cli_diagnose_run's rules (collapsed: final
# 0.2 below the run's best; at chance: final within 0.05 of 1/classes).
#
# usage: bench/defaults.sh [NNLAB]      measure, then print the table
#        bench/defaults.sh --table RUNS  print the table of a RUNS file written before
# settings through the environment:
#   OPTS="adam:lr=0.001 sgd:lr=0.01,momentum=0.9"   recipes (space-separated optimizer specs)
#   WIDTH=64 EPOCHS=   hidden width of the two hidden layers; epochs (empty: train's default)
#   SEEDS=10 DATA="xor moons ..." ACTS="relu leaky_relu ..."
#   RUNS=file          also write one line per run: opt data act seed status final best
set -eu
NNLAB=${1:-build/nnlab}
OPTS=${OPTS:-"sgd:lr=0.1,momentum=0.9 sgd:lr=0.01,momentum=0.9 adam:lr=0.001 adam:lr=0.003"}
WIDTH=${WIDTH:-64}
EPOCHS=${EPOCHS:-}
SEEDS=${SEEDS:-10}
DATA=${DATA:-"xor moons circles spirals checkerboard blobs iris wine breast_cancer digits"}
ACTS=${ACTS:-"relu leaky_relu prelu elu selu gelu silu tanh sigmoid"}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
runs=${RUNS:-$tmp/runs}
if [ "$NNLAB" = --table ]; then
  runs=$2
  OPTS=
else
  : >"$runs"
  # A copy, so that rebuilding the tree during a long measurement cannot fail runs.
  cp "$NNLAB" "$tmp/nnlab"
  NNLAB=$tmp/nnlab
fi
classes() { "$NNLAB" datasets | awk -v d="$1" '$1 == d { print $4 }'; }

for opt in $OPTS; do
  for data in $DATA; do
    k=$(classes "$data")
    for act in $ACTS; do
      seed=1
      while [ "$seed" -le "$SEEDS" ]; do
        set -- --data "$data" --arch "dense:$WIDTH,$act,dense:$WIDTH,$act,dense:$k" --opt "$opt" --val 0.2 \
          --seed "$seed" --threads 1 --quiet --history "$tmp/h.csv"
        [ -n "$EPOCHS" ] && set -- "$@" --epochs "$EPOCHS"
        rm -f "$tmp/h.csv"
        if "$NNLAB" train "$@" >"$tmp/out" 2>"$tmp/err"; then
          status=ok
        elif grep -q 'non-finite\|the loss is\|nan\|inf' "$tmp/err"; then
          status=diverged
        else
          echo "bench/defaults.sh: nnlab train $*: $(cat "$tmp/err")" >&2
          exit 1
        fi
        # final = last epoch's val_acc (column 5), best = its maximum; a diverged run keeps its last finite epoch.
        if [ -s "$tmp/h.csv" ]; then
          awk -F, 'NR > 1 && $5 == $5 + 0 { f = $5; if ($5 > b) b = $5 } END { printf "%s %s\n", f + 0, b + 0 }' \
            "$tmp/h.csv" >"$tmp/fb"
        else
          echo "0 0" >"$tmp/fb"
        fi
        echo "$opt $data $act $seed $status $(cat "$tmp/fb") $k" >>"$runs"
        seed=$((seed + 1))
      done
    done
  done
done

# min / median of the final validation accuracy per (recipe, data set); the flags as in cli_diagnose_run.
printf '%-30s %-14s %6s %6s %8s %8s %5s\n' recipe data min median diverged flagged runs
sort -k1,1 -k2,2 -k6,6g "$runs" | awk '
  function flush() {
    if (n == 0) return
    med = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
    printf "%-30s %-14s %6.3f %6.3f %8d %8d %5d\n", key1, key2, v[1], med, dv, fl, n
    if (!(key1 in worst) || v[1] < worst[key1]) worst[key1] = v[1]
    tdv[key1] += dv; tfl[key1] += fl; tn[key1] += n
  }
  {
    if ($1 != key1 || $2 != key2) { flush(); key1 = $1; key2 = $2; n = dv = fl = 0 }
    v[++n] = $6
    if ($5 != "ok") dv++
    else if ($7 - $6 >= 0.2 || $6 <= 1 / $8 + 0.05) fl++
  }
  END {
    flush()
    print ""
    for (r in tn) printf "%-30s all: %d runs, %d diverged, %d collapsed or at chance, worst %.3f\n", r, tn[r], tdv[r], tfl[r], worst[r]
  }'
