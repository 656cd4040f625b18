#!/usr/bin/env bash
# bench/snapshot_bench.sh BUILD_DIR [BEFORE_DIR] - runs forked from a
# start point (issue 19, snapshots), before/after in one run:
#   1. explore select_close_race reuse-assert under pct (--no-shrink,
#      RUNS runs), --jobs 1 and 2, and explore board_ping default under
#      random (--jobs 2): runs/s (wall) and CPU milliseconds per run
#      (user+sys of the whole process tree);
#   2. fuzz_rx (BUILD_DIR/fuzz/fuzz_rx, or FUZZ_AFTER, beside
#      FUZZ_BEFORE if given, and the coverage-only FUZZ_FAST,
#      BUILD_DIR/fuzz/fuzz_rx-fast, if built): FUZZ_RUNS inputs from one small seed
#      (-max_len=64), inputs/s (wall) and CPU ms per input (perf stat
#      task-clock of the process tree: the harness's fork server is not
#      reaped, so rusage would miss it).
# BEFORE_DIR is a build of the commit before (e.g. main's, not rebuilt
# here).  Builds interleave over REPEAT rounds; each figure is the median.
set -euo pipefail
B=${1:-build}
BEFORE=${2:-}
RUNS=${RUNS:-1000}
FUZZ_RUNS=${FUZZ_RUNS:-300}
REPEAT=${REPEAT:-3}
FUZZ_AFTER=${FUZZ_AFTER:-$B/fuzz/fuzz_rx}
FUZZ_FAST=${FUZZ_FAST:-$B/fuzz/fuzz_rx-fast}
FUZZ_BEFORE=${FUZZ_BEFORE:-}
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_tmp snapbench
bench_need /usr/bin/time
bench_built "$B/lwipsim"
builds=("$B")
[ -n "$BEFORE" ] && builds=("$BEFORE" "$B")

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# explore BUILD ARGS... -> "runs/s cpu_ms_per_run" (one round)
xp() {
  local b=$1; shift
  /usr/bin/time -f "%U %S" -o "$TMP/t" "$b/lwipsim" explore "$@" --runs "$RUNS" \
    --no-shrink >"$TMP/x" 2>/dev/null || true
  local rate cpu
  rate=$(sed -n 's/.*, \([0-9]*\) runs\/s, .*/\1/p' "$TMP/x")
  # (GNU time puts "Command exited with non-zero status N" first.)
  cpu=$(tail -1 "$TMP/t" | awk -v n="$RUNS" '{ printf "%.2f", ($1 + $2) * 1000 / n }')
  echo "$rate $cpu"
}

row() { # label ARGS...
  local label=$1; shift
  for b in "${builds[@]}"; do : >"$TMP/r.${b//\//_}"; done
  for _ in $(seq "$REPEAT"); do
    for b in "${builds[@]}"; do xp "$b" "$@" >>"$TMP/r.${b//\//_}"; done
  done
  for b in "${builds[@]}"; do
    f=$TMP/r.${b//\//_}
    printf '%-44s %-28s %6s runs/s %7s ms CPU/run\n' "$label" "$b" \
      "$(cut -d' ' -f1 "$f" | median)" "$(cut -d' ' -f2 "$f" | median)"
  done
}

echo "-- explore ($RUNS runs, median of $REPEAT)"
row "select_close_race reuse-assert pct --jobs 1" select_close_race \
  --variant reuse-assert --policy pct --jobs 1
row "select_close_race reuse-assert pct --jobs 2" select_close_race \
  --variant reuse-assert --policy pct --jobs 2
row "board_ping default random --jobs 2" board_ping --variant default \
  --policy random --jobs 2

command -v perf >/dev/null || { echo "fuzz_rx: skip (no perf)"; exit 0; }
echo "-- fuzz_rx ($FUZZ_RUNS inputs from a 3-byte seed, median of $REPEAT)"
printf '\000\001\000' >"$TMP/one"
fz() { # HARNESS -> "inputs/s cpu_ms_per_input"
  rm -rf "$TMP/c"; mkdir "$TMP/c"; cp "$TMP/one" "$TMP/c/"
  local t0 t1
  t0=$(date +%s%N)
  perf stat -x, -e task-clock -o "$TMP/ps" "$1" "$TMP/c" -runs="$FUZZ_RUNS" \
    -max_len=64 -seed=1 >/dev/null 2>&1
  t1=$(date +%s%N)
  awk -F, -v n="$FUZZ_RUNS" -v w=$((t1 - t0)) '/task-clock/ {
    printf "%.0f %.2f\n", n / (w / 1e9), $1 / n }' "$TMP/ps"
}
harnesses=()
[ -n "$FUZZ_BEFORE" ] && [ -x "$FUZZ_BEFORE" ] && harnesses+=("$FUZZ_BEFORE")
[ -x "$FUZZ_AFTER" ] && harnesses+=("$FUZZ_AFTER")
[ -x "$FUZZ_FAST" ] && harnesses+=("$FUZZ_FAST")
for h in "${harnesses[@]}"; do : >"$TMP/f.${h//\//_}"; done
for _ in $(seq "$REPEAT"); do
  for h in "${harnesses[@]}"; do fz "$h" >>"$TMP/f.${h//\//_}"; done
done
for h in "${harnesses[@]}"; do
  f=$TMP/f.${h//\//_}
  printf '%-44s %-28s %6s inputs/s %6s ms CPU/input   target >= 1,000/s [%s]\n' \
    fuzz_rx "$h" "$(cut -d' ' -f1 "$f" | median)" "$(cut -d' ' -f2 "$f" | median)" \
    "$(bench_ge "$(cut -d' ' -f1 "$f" | median)" 1000)"
done
