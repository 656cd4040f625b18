#!/usr/bin/env bash
# bench/run.sh BUILD_DIR - the benchmarks behind `make bench`.
#
# Design: everything is already built by make (BUILD_DIR/lwipsim, the
# engines, BUILD_DIR/bench/*); this script only measures and prints, in
# six parts:
#   1. the machine (figures mean nothing without it);
#   2. the scheduler alone: BUILD_DIR/bench/sched_bench;
#   3. whole scenario runs: hyperfine for wall time (process start to exit,
#      front end and engine), /usr/bin/time -v for peak RSS, and the run's
#      own --json timings for points, switches and virtual time;
#   4. a summary against the targets;
#   5. time to first reproduction of select_close_race leak-2.0, sim
#      against free-running threads (bench/select_close_race.sh), then
#      explore, suite and memory (bench/explore_bench.sh), sweep
#      throughput and sizes (bench/sweep_bench.sh) and the narrow
#      windows, sim against free-running threads (bench/narrow_windows.sh);
#      the switch backends and the snapshots, before/after
#      (bench/switch_bench.sh, bench/snapshot_bench.sh);
#   6. TCP throughput over TAP into lwiperf against a plain TAP read loop
#      (bench/tap_bench.sh; root only).
# Every scenario run must end with its expected verdict (exit code 0), or
# the benchmark fails: a fast wrong run is not a result.  Temporary files
# live in one directory, removed on exit.  Needs hyperfine, jq and GNU time
# (/usr/bin/time); a missing one is one clear line and exit 2.
set -euo pipefail

B=${1:-build}
LWIPSIM=$B/lwipsim
SCHED_BENCH=$B/bench/sched_bench
RUNS=10
# name|arguments after "lwipsim run"
SCENARIOS=("udp_loopback|udp_loopback --seed 7" "idle_timers|idle_timers")

# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_need hyperfine jq /usr/bin/time
bench_built "$LWIPSIM" "$SCHED_BENCH"
bench_tmp bench

section() { printf '\n== %s\n' "$1"; }

# 1234567.8 -> 1,234,568 (no locale needed).
group() {
  awk -v x="$1" 'BEGIN {
    s = sprintf("%.0f", x); out = "";
    while (length(s) > 3) {
      out = "," substr(s, length(s) - 2) out; s = substr(s, 1, length(s) - 3)
    }
    print s out }'
}

# ------------------------------------------------------------------
section "machine"
model=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
echo "cpus:   $(nproc) (${model:-unknown model})"
echo "kernel: $(uname -srm)"
echo "gcc:    $(gcc --version | head -n 1)"
echo "lwipsim: $("$LWIPSIM" --version | head -n 1)"

# ------------------------------------------------------------------
section "scheduler alone ($SCHED_BENCH)"
"$SCHED_BENCH" | tee "$TMP/sched.txt"
rate_of() { awk -v m="$1" '$1 == m { print $4 }' "$TMP/sched.txt"; }
points_rate=$(rate_of rtos_points)
handoff_rate=$(rate_of rtos_handoffs)
preempt_rate=$(rate_of rtos_handoffs_preempt)
random_rate=$(rate_of random_handoffs)

# ------------------------------------------------------------------
section "scenario runs: wall time (hyperfine, $RUNS runs after 1 warm-up)"
cmds=()
for s in "${SCENARIOS[@]}"; do
  cmds+=("$LWIPSIM run ${s#*|}")
done
# --shell=none: the runs take milliseconds, a shell per run would dominate.
hyperfine --shell=none --style basic --warmup 1 --runs "$RUNS" \
  --export-json "$TMP/hyperfine.json" "${cmds[@]}"

section "scenario runs: peak RSS (/usr/bin/time -v) and the run's own timings"
printf '%-14s %10s %12s %10s %12s %12s %14s\n' scenario rss_kib virtual_s \
  switches points engine_ms points_per_s
i=0
for s in "${SCENARIOS[@]}"; do
  name=${s%%|*}
  read -r -a args <<<"${s#*|}"
  /usr/bin/time -v -o "$TMP/time.$name" "$LWIPSIM" run "${args[@]}" \
    >/dev/null
  rss=$(awk -F': *' '/Maximum resident set size/ { print $2 }' \
    "$TMP/time.$name")
  "$LWIPSIM" run "${args[@]}" --json >"$TMP/run.$name.json"
  jq -r --arg rss "$rss" --arg name "$name" '.timings |
    [$name, $rss, (.virtual_us / 1e6), .switches, .points, .wall_ms,
     (if .wall_ms > 0 then .points / (.wall_ms / 1e3) else 0 end)] |
    @tsv' "$TMP/run.$name.json" |
    awk -F'\t' '{ printf "%-14s %10s %12.3f %10s %12s %12.3f %14.0f\n",
                  $1, $2, $3, $4, $5, $6, $7 }'
  mean=$(jq -r ".results[$i].mean" "$TMP/hyperfine.json")
  echo "$mean" >"$TMP/mean.$name"
  i=$((i + 1))
done

# ------------------------------------------------------------------
section "summary"
echo "scheduling points/s (one thread, pinned): $(group "$points_rate")" \
  "  target ≥ 1,000,000 points/s  [$(bench_ge "$points_rate" 1000000)]"
echo "handoffs/s (rtos, equal priorities):      $(group "$handoff_rate")"
echo "handoffs/s (rtos, giver preempted):       $(group "$preempt_rate")"
echo "handoffs/s (random policy):               $(group "$random_rate")"

it_json=$TMP/run.idle_timers.json
it_virtual=$(jq -r '.timings.virtual_us / 1e6' "$it_json")
it_mean=$(cat "$TMP/mean.idle_timers")
it_engine=$(jq -r '.timings.wall_ms / 1e3' "$it_json")
# Wall for one virtual hour, from the mean process time (front end,
# engine start-up and the run itself).
hour_wall=$(awk -v w="$it_mean" -v v="$it_virtual" \
  'BEGIN { printf "%.4f", w * 3600 / v }')
awk -v v="$it_virtual" -v w="$it_mean" -v e="$it_engine" 'BEGIN {
  printf "idle_timers: %.3f virtual s in %.4f s wall (process mean; " \
         "engine %.4f s)\n", v, w, e
  printf "virtual-time compression (idle_timers): %.0fx process, " \
         "%.0fx engine\n", v / w, v / e }'
echo "1 virtual hour takes $hour_wall s wall   target: 1 virtual hour in" \
  "≤ 3.6 s  [$(bench_le "$hour_wall" 3.6)]"
jq -r '.timings | "idle_timers per virtual second: \(.points * 1e6 /
  .virtual_us | . * 10 | round / 10) points, \(.switches * 1e6 /
  .virtual_us | . * 1000 | round / 1000) switches"' "$it_json"
ul_mean=$(cat "$TMP/mean.udp_loopback")
jq -r --arg w "$ul_mean" '.timings |
  "udp_loopback: \(.points) points, \(.switches) switches in \($w | tonumber *
  1e4 | round / 10) ms wall (process mean)"' "$TMP/run.udp_loopback.json"

# ------------------------------------------------------------------
section "select_close_race leak-2.0: time to first reproduction, sim vs free-running"
# The free-running engine (sim/free/, built by bench/free.mk) runs the same
# scenario code on plain pthreads under the OS scheduler; the script stops
# by itself within about 80 s.
bench/select_close_race.sh "$B"

# ------------------------------------------------------------------
section "explore, suite and memory (P1 distributions, P2, P5, P6)"
bench/explore_bench.sh "$B"

section "sweep: runs/s with 1 and 2 jobs, and each variant's sweep size"
bench/sweep_bench.sh "$B"

section "switch backends: fibers against pthreads (and BEFORE=DIR, a build of the commit before)"
bench/switch_bench.sh "$B" ${BEFORE:-}

section "snapshots: explore and fuzz_rx forked from a start point (and BEFORE=DIR)"
bench/snapshot_bench.sh "$B" ${BEFORE:-}

# ------------------------------------------------------------------
section "P1 narrow windows: runs to the first reproduction, sim vs free-running"
# isr_pbuf_free isr-free and port_reentrancy shared-scratch, pinned and
# unpinned in the sim, and on free threads until the first reproduction or
# FREE_BUDGET_S (default 600) each: this section alone takes up to ~27 min.
bench/narrow_windows.sh "$B"

# ------------------------------------------------------------------
section "TAP: bulk TCP into the board's lwiperf, beside a plain TAP read loop"
# Runs in a namespace of its own (root and /dev/net/tun; skipped otherwise).
bench/tap_bench.sh "$B"
