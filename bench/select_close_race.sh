#!/usr/bin/env bash
# bench/select_close_race.sh BUILD_DIR - time to first reproduction of
# select_close_race leak-2.0: the deterministic sim (one scripted run)
# against the same scenario code on free-running threads under the OS
# scheduler, with no script.
#
# Design.  Both sides are timed the same way: date +%s%N around the whole
# process (start-up, lwIP, the run, teardown).
#   sim:  BUILD_DIR/lwipsim run select_close_race --variant leak-2.0, a
#         scripted run that reproduces by construction; SIM_RUNS runs give
#         the mean wall time of one run, and its --json gives the engine's
#         own wall time and the virtual time.
#   free: BUILD_DIR/engines/bug-select-leak/lwipsim-engine-free (the same
#         objects linked against sim/free/), variant leak-2.0 with --policy
#         rtos: scripts are ignored in free mode anyway, and under rtos the
#         oracle accepts any cycle in which socket() fails with ENFILE
#         (under script it demands exactly 7 leaking cycles, which only the
#         script guarantees).  The code run is the same as the
#         leak-2.0-rtos-* variants' (they differ only in priorities, which
#         the OS ignores).  Seeds 1, 2, ... (the seed only feeds lwIP's
#         random numbers: there is no schedule to seed).
# Only the engine processes are timed (the JSON parsing between runs is
# not); the budget counts everything.  The free series runs until it has
# seen its first reproduction and at least RATE_RUNS runs (for the rate),
# or until MAX_RUNS runs or BUDGET_S seconds; each run is also bounded by
# RUN_TIMEOUT_S (the backend's own wall-time limit is 60 s).  The series
# runs twice: on every CPU, and pinned to one CPU with taskset (a
# single-core board's situation, still without priorities) if taskset
# exists.  The whole script ends within
# about 80 s in the worst case.
#
# Output: a table, then the line
#   time to first reproduction: sim X ms vs free-running Y ms (Zx)
# Exit 0; 1 if the sim did not reproduce (a fast wrong run is not a
# result); 2 if something is missing.  Temporary files live in one
# directory, removed on exit.
set -euo pipefail

B=${1:-build}
LWIPSIM=$B/lwipsim
FREE=$B/engines/bug-select-leak/lwipsim-engine-free
SIM_RUNS=10
RATE_RUNS=20
MAX_RUNS=200
BUDGET_S=40     # per free series (all CPUs; the pinned series gets half)
RUN_TIMEOUT_S=5 # a run that does not reproduce takes 1,000 cycles, ~1.5 s

# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_need jq
bench_built "$LWIPSIM" "$FREE"
bench_tmp scrbench

now_ns() { date +%s%N; }
ms() { awk -v ns="$1" 'BEGIN { printf "%.1f", ns / 1e6 }'; }

# ------------------------------------------------------------------
# the sim: one scripted run reproduces

sim_args=(run select_close_race --variant leak-2.0)
"$LWIPSIM" "${sim_args[@]}" --json >"$TMP/sim.json" || true
if [[ $(jq -r .verdict "$TMP/sim.json") != reproduced ]]; then
  echo "lwipsim bench: the sim did not reproduce leak-2.0:" >&2
  jq -r .message "$TMP/sim.json" >&2
  exit 1
fi
sim_total=0
for ((i = 0; i < SIM_RUNS; i++)); do
  t0=$(now_ns)
  "$LWIPSIM" "${sim_args[@]}" >/dev/null
  t1=$(now_ns)
  sim_total=$((sim_total + t1 - t0))
done
sim_ns=$((sim_total / SIM_RUNS))
sim_virtual_ms=$(jq -r '.timings.virtual_us / 1000' "$TMP/sim.json")
sim_engine_ms=$(jq -r '.timings.wall_ms | . * 10 | round / 10' \
  "$TMP/sim.json")
sim_leak=$(jq -r '.counters | "\(100 * .lost_slots / .cycles | round)%" +
  " (\(.lost_slots) of \(.cycles) cycles)"' "$TMP/sim.json")

# ------------------------------------------------------------------
# free-running series

# free_series TAG BUDGET_S [command prefix...]: runs the free engine and
# writes TAG.first (runs and ns to the first reproduction, or "none N NS"),
# TAG.rate ("reproduced/M"), TAG.mean (ns of the first M runs per
# reproduction among them: the expected time to a reproduction, less noisy
# than the first one alone; "none NS" without any), TAG.leak (slots leaked
# per cycle, over every run that finished) and TAG.verdicts (one verdict a
# line).
free_series() {
  local tag=$1 budget_ns=$(($2 * 1000000000)) prefix=("${@:3}")
  local start runs=0 elapsed=0 total=0 first_runs=0 first_ns=0
  local rate_rep=0 rate_ns=0 t0 t1 rc verdict
  : >"$TMP/$tag.verdicts"
  : >"$TMP/$tag.counters"
  start=$(now_ns)
  while ((runs < MAX_RUNS)); do
    if ((first_runs > 0 && runs >= RATE_RUNS)); then
      break
    fi
    if ((elapsed >= budget_ns)); then
      break
    fi
    runs=$((runs + 1))
    t0=$(now_ns)
    rc=0
    "${prefix[@]}" timeout -k 1 "$RUN_TIMEOUT_S" "$FREE" run \
      select_close_race --variant leak-2.0 --policy rtos --seed "$runs" \
      --json >"$TMP/$tag.run.json" 2>"$TMP/$tag.run.err" || rc=$?
    t1=$(now_ns)
    total=$((total + t1 - t0))
    verdict=$(jq -r .verdict "$TMP/$tag.run.json" 2>/dev/null || true)
    if [[ -z $verdict ]]; then
      verdict="no-verdict:exit-$rc"
    else
      jq -r '[.counters.cycles, .counters.lost_slots] | @tsv' \
        "$TMP/$tag.run.json" >>"$TMP/$tag.counters"
    fi
    echo "$verdict" >>"$TMP/$tag.verdicts"
    if [[ $verdict == reproduced ]]; then
      if ((first_runs == 0)); then
        first_runs=$runs
        first_ns=$total
      fi
      if ((runs <= RATE_RUNS)); then
        rate_rep=$((rate_rep + 1))
      fi
    fi
    if ((runs <= RATE_RUNS)); then
      rate_ns=$total
    fi
    elapsed=$(($(now_ns) - start))
  done
  if ((first_runs > 0)); then
    echo "$first_runs $first_ns" >"$TMP/$tag.first"
  else
    echo "none $runs $total" >"$TMP/$tag.first"
  fi
  echo "$rate_rep/$((runs < RATE_RUNS ? runs : RATE_RUNS))" >"$TMP/$tag.rate"
  if ((rate_rep > 0)); then
    echo "$((rate_ns / rate_rep))" >"$TMP/$tag.mean"
  else
    echo "none $rate_ns" >"$TMP/$tag.mean"
  fi
  awk -F'\t' '{ c += $1; l += $2 } END {
    if (c > 0) printf "%.0f%% (%d of %d cycles)", 100 * l / c, l, c
    else print "-" }' "$TMP/$tag.counters" >"$TMP/$tag.leak"
}

free_series free "$BUDGET_S"
series=(free)
if command -v taskset >/dev/null 2>&1; then
  cpu=$(taskset -pc $$ | awk -F': ' '{ split($2, a, "[,-]"); print a[1] }')
  free_series free1 $((BUDGET_S / 2)) taskset -c "$cpu"
  series+=(free1)
fi

# ------------------------------------------------------------------
# the table

label() {
  case $1 in
  free) echo "free-running, $(nproc) CPUs" ;;
  free1) echo "free-running, 1 CPU" ;;
  esac
}

row() { printf '%-24s %8s %12s %13s %13s  %s\n' "$@"; }
row mode runs to_first_ms reproduced/M ms/reproduced \
  "slots leaked per cycle"
row "sim (script, 1 run)" 1 "$(ms "$sim_ns")" 1/1 "$(ms "$sim_ns")" \
  "$sim_leak"
for tag in "${series[@]}"; do
  read -r a b c <"$TMP/$tag.first"
  if [[ $a == none ]]; then
    runs_col="none in $b"
    ms_col=">$(ms "$c")"
  else
    runs_col=$a
    ms_col=$(ms "$b")
  fi
  read -r m n <"$TMP/$tag.mean"
  if [[ $m == none ]]; then
    mean_col=">$(ms "$n")"
  else
    mean_col=$(ms "$m")
  fi
  row "$(label "$tag")" "$runs_col" "$ms_col" \
    "$(cat "$TMP/$tag.rate")" "$mean_col" "$(cat "$TMP/$tag.leak")"
done
echo "sim: wall is the mean of $SIM_RUNS processes (front end + engine);" \
  "the engine's own run takes $sim_engine_ms ms for $sim_virtual_ms ms of" \
  "virtual time."
echo "free: summed wall time of the engine runs up to the first" \
  "reproducing one included (seeds 1, 2, ...); M = the first" \
  "$RATE_RUNS runs (fewer if the budget ran out); ms/reproduced = their" \
  "wall time over their reproductions."
for tag in "${series[@]}"; do
  echo "verdicts ($(label "$tag")): $(sort "$TMP/$tag.verdicts" | uniq -c |
    awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2 }')"
done

read -r a b c <"$TMP/free.first"
if [[ $a == none ]]; then
  awk -v s="$sim_ns" -v f="$c" -v n="$b" 'BEGIN {
    printf "time to first reproduction: sim %.1f ms vs free-running none " \
           "in %d runs (> %.1f ms, > %.0fx)\n", s / 1e6, n, f / 1e6, f / s }'
else
  awk -v s="$sim_ns" -v f="$b" 'BEGIN {
    printf "time to first reproduction: sim %.1f ms vs free-running %.1f ms " \
           "(%.1fx)\n", s / 1e6, f / 1e6, f / s }'
fi
read -r m n <"$TMP/free.mean"
if [[ $m != none ]]; then
  awk -v s="$sim_ns" -v f="$m" -v r="$(cat "$TMP/free.rate")" 'BEGIN {
    printf "wall per reproduction over the first free runs (%s): " \
           "%.1f ms (%.1fx the sim)\n", r, f / 1e6, f / s }'
fi
