#!/usr/bin/env bash
# bench/switch_bench.sh BUILD_DIR [BEFORE_DIR] - the switch backends
# (issue 19), before/after in one run:
#   1. token handoffs of the scheduler alone: BUILD_DIR/bench/sched_bench
#      (fibers) beside sched_bench-pthread (the same scheduler on the
#      pthread backend);
#   2. explore select_close_race reuse-assert under pct (--no-shrink,
#      RUNS_PCT runs), --jobs 1 and 2, and explore udp_loopback under
#      random (RUNS_RANDOM runs, --jobs 2): runs/s (wall) and CPU
#      milliseconds per run (user+sys of the whole process tree, which
#      other load on the machine inflates less than wall time), for
#      BUILD_DIR, its pthread engines (BUILD_DIR/switch-pthread/, `make
#      switch-alt`) and, if given, BEFORE_DIR (a build of the commit
#      before, e.g. main's, not rebuilt here);
#   3. lwipsim suite --jobs 2: wall time and the largest engine's peak RSS.
# Builds interleave (A B A B ...) over REPEAT rounds so a change of load
# hits all alike; each figure is the median.  Temporary files live in one
# directory, removed on exit.
set -euo pipefail
B=${1:-build}
BEFORE=${2:-}
RUNS_PCT=${RUNS_PCT:-1000}
RUNS_RANDOM=${RUNS_RANDOM:-40}
REPEAT=${REPEAT:-3}
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_tmp swbench
bench_need /usr/bin/time
bench_built "$B/lwipsim" "$B/bench/sched_bench" "$B/bench/sched_bench-pthread" \
  "$B/switch-pthread/lwipsim"

echo "-- token handoffs, scheduler alone (median of $REPEAT)"
for _ in $(seq "$REPEAT"); do
  "$B/bench/sched_bench" 1000 100000 | awk -v b=fiber '$1 ~ /handoffs/ { print b, $1, $4 }'
  "$B/bench/sched_bench-pthread" 1000 100000 | awk -v b=pthread '$1 ~ /handoffs/ { print b, $1, $4 }'
done >"$TMP/sb"
median() { # "key... value" lines -> "key... median" (median of each key)
  python3 -c '
import sys, collections
v = collections.defaultdict(list)
for line in sys.stdin:
    *k, x = line.split()
    v[" ".join(k)].append(float(x))
for k in sorted(v):
    xs = sorted(v[k])
    print(k, xs[(len(xs) - 1) // 2])'
}
median <"$TMP/sb" | awk '{ printf "%-34s %9.0f/s  %6.2f us each\n", $1 " " $2, $3, 1e6 / $3 }'

declare -A NAME=([after]="$B" [pthread]="$B/switch-pthread")
ORDER=(after pthread)
if [ -n "$BEFORE" ]; then NAME[before]=$BEFORE; ORDER=(before after pthread); fi

# measure KEY LABEL RUNS ARGS...: one timed explore; appends
# "KEY LABEL runs_per_s cpu_ms_per_run" to $TMP/x.
measure() {
  local key=$1 label=$2 runs=$3
  shift 3
  /usr/bin/time -f '%e %U %S' -o "$TMP/t" "${NAME[$key]}/lwipsim" explore "$@" \
    --runs "$runs" --no-shrink >/dev/null 2>&1 || true
  read -r wall user sys < <(tail -1 "$TMP/t")
  awk -v k="$key" -v l="$label" -v n="$runs" -v w="$wall" -v u="$user" -v s="$sys" \
    'BEGIN { printf "%s %s %.1f %.2f\n", k, l, n / w, (u + s) * 1000 / n }' >>"$TMP/x"
}
: >"$TMP/x"
for _ in $(seq "$REPEAT"); do
  for k in "${ORDER[@]}"; do
    measure "$k" pct-j1 "$RUNS_PCT" select_close_race --variant reuse-assert --policy pct --jobs 1
    measure "$k" pct-j2 "$RUNS_PCT" select_close_race --variant reuse-assert --policy pct --jobs 2
    measure "$k" random-j2 "$RUNS_RANDOM" udp_loopback --policy random --jobs 2
  done
done
echo "-- explore (median of $REPEAT): runs/s wall, CPU ms per run"
awk '{ print $2, $1, "runs", $3 }' "$TMP/x" | median >"$TMP/r"
awk '{ print $2, $1, "cpu", $4 }' "$TMP/x" | median >"$TMP/c"
join <(awk '{ print $1 "/" $2, $4 }' "$TMP/r") <(awk '{ print $1 "/" $2, $4 }' "$TMP/c") |
  awk '{ printf "%-22s %9.1f runs/s %8.2f ms CPU/run\n", $1, $2, $3 }'

echo "-- suite --jobs 2"
for k in "${ORDER[@]}"; do
  /usr/bin/time -f '%e %U %S' -o "$TMP/t" "${NAME[$k]}/lwipsim" suite --jobs 2 >"$TMP/s" 2>&1 || true
  read -r wall user sys < <(tail -1 "$TMP/t")
  echo "$k: $wall s wall, $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }') s CPU; $(tail -1 "$TMP/s")"
done
for k in "${ORDER[@]}"; do
  eng=${NAME[$k]}/engines/board-tftp/lwipsim-engine
  [ -x "$eng" ] || continue
  /usr/bin/time -f '%M' -o "$TMP/m" "$eng" run ping_flood_load >/dev/null 2>&1 || true
  echo "$k: ping_flood_load peak RSS $(cat "$TMP/m") KiB"
done
