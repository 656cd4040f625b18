#!/usr/bin/env bash
# bench/narrow_windows.sh BUILD_DIR - the issue's P1 for the narrow
# windows: runs and wall time to the first reproduction of
# isr_pbuf_free isr-free and port_reentrancy shared-scratch,
#   sim, pinned      lwipsim run (rtos: the scenario's schedule), one run;
#   sim, unpinned    lwipsim explore with no schedule (isr-free: random,
#                    as the scenario table reports; shared-scratch: pct),
#                    2 jobs, seeds in order, --no-shrink;
#   free threads     the same scenario code linked against sim/free/
#                    (lwipsim-engine-free of the scenario's profile: plain
#                    pthreads, real time, the IRQs on a helper thread),
#                    under --policy random so the scenario pins nothing;
#                    2 runs at a time, seeds 1, 2, ..., until the first
#                    reproduction or FREE_BUDGET_S of wall time (default
#                    600: the issue's "none within 10 minutes"); twice:
#                    with each process's threads floating over both CPUs
#                    (an SMP board, or a POSIX port on a PC: the thread
#                    and the interrupt helper truly overlap), and with
#                    each process pinned to one CPU by taskset (a
#                    single-core board: only a preemption interleaves).
# Each free run is bounded by timeout(1) and the backend's own 60 s limit;
# a run that dies of a signal is counted as such (on a board that would be
# the data abort, but nothing names the cause, so it is not a
# reproduction).  Wall times are date +%s%N around whole processes.
#
# Output, per scenario: a line per series and one ratio line
#   runs to the first: sim pinned 1, ..., free threads on 2 CPUs R, on 1 ...
# Exit 0; 2 if something is missing.  Temporary files live in one
# directory, removed on exit; the whole script ends within about
# 4 x (FREE_BUDGET_S + 90 s) + 330 s.
set -euo pipefail
B=$(realpath "${1:-build}")
LWIPSIM=$B/lwipsim
FREE_BUDGET_S=${FREE_BUDGET_S:-600}
SIM_TIME_LIMIT_S=${SIM_TIME_LIMIT_S:-300}
RUN_TIMEOUT_S=90
ONLY=${ONLY:-} # one scenario's name: the other is skipped

# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_need jq timeout
bench_built "$LWIPSIM"
bench_tmp nwbench

now_ns() { date +%s%N; }
secs_since() { awk -v n=$(( $(now_ns) - $1 )) 'BEGIN { printf "%.2f", n / 1e9 }'; }

# free_worker ENGINE SCN VAR FIRST_SEED DEADLINE_NS START_NS LOG MODE
# Runs seeds FIRST_SEED, FIRST_SEED+2, ... until the deadline or until any
# worker found a reproduction; appends "ms seed verdict" per finished run.
free_worker() {
  local eng=$1 scn=$2 var=$3 seed=$4 deadline=$5 start=$6 log=$7 mode=$8 v rc
  local pin=()
  [[ $mode == 1cpu ]] && pin=(taskset -c $(( (seed - 1) % 2 )))
  while (( $(now_ns) < deadline )) && [[ ! -e $TMP/found ]]; do
    rc=0
    "${pin[@]}" timeout -k 2 "$RUN_TIMEOUT_S" "$eng" run "$scn" --variant "$var" \
      --policy random --seed "$seed" --json >"$TMP/run.$seed.json" \
      2>"$TMP/run.$seed.err" || rc=$?
    v=$(jq -r '.verdict // empty' "$TMP/run.$seed.json" 2>/dev/null || true)
    if [[ -z $v ]]; then
      if (( rc > 128 )); then v="signal-$(( rc - 128 ))"
      elif (( rc == 124 )); then v=timeout
      else v="error-$rc"; fi
    fi
    echo "$(( ($(now_ns) - start) / 1000000 )) $seed $v" >>"$log"
    if [[ $v == reproduced ]]; then
      cp "$TMP/run.$seed.json" "$TMP/found.json"
      touch "$TMP/found"
    elif [[ $v != not-reproduced ]] && ! compgen -G "$TMP/other.*" >/dev/null; then
      # the first run that ended otherwise: its message, or its stderr
      { echo "seed $seed $v:"; jq -r '.message // empty' "$TMP/run.$seed.json" 2>/dev/null ||
          true; tail -2 "$TMP/run.$seed.err"; } | tr '\n' ' ' | cut -c1-300 >"$TMP/other.$seed"
    fi
    rm -f "$TMP/run.$seed.json" "$TMP/run.$seed.err"
    seed=$(( seed + 2 ))
  done
}

# free_series ENGINE SCN VAR smp|1cpu: two workers until the first
# reproduction or FREE_BUDGET_S; sets free_runs ("N" or "> N (none ...)")
# and free_s.  smp: each process's threads float over both CPUs (an SMP
# board or a POSIX port); 1cpu: worker k's processes are pinned to CPU k
# with taskset (a single-core board: only a preemption can interleave).
free_series() {
  local eng=$1 scn=$2 var=$3 mode=$4 start deadline nruns tally hit nth ms seed
  rm -f "$TMP/found" "$TMP/found.json" "$TMP"/other.*
  : >"$TMP/free.log"
  start=$(now_ns)
  deadline=$(( start + FREE_BUDGET_S * 1000000000 ))
  free_worker "$eng" "$scn" "$var" 1 "$deadline" "$start" "$TMP/free.log" "$mode" &
  free_worker "$eng" "$scn" "$var" 2 "$deadline" "$start" "$TMP/free.log" "$mode" &
  wait
  free_s=$(secs_since "$start")
  nruns=$(wc -l <"$TMP/free.log")
  tally=$(awk '{ print $3 }' "$TMP/free.log" | sort | uniq -c |
    awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2 }')
  hit=$(sort -n "$TMP/free.log" | awk '$3 == "reproduced" { print NR, $1, $2; exit }')
  local label="free threads, $([[ $mode == smp ]] && echo "2 CPUs" || echo "1 CPU each"), 2 at a time:"
  if [[ -n $hit ]]; then
    read -r nth ms seed <<<"$hit"
    free_runs=$nth
    echo "$label first reproduction at run $nth (seed $seed) after $(awk -v m="$ms" 'BEGIN { printf "%.1f", m / 1000 }') s; $nruns runs in $free_s s: $tally"
    echo "  $(jq -r .message "$TMP/found.json" | cut -c1-240)"
  else
    free_runs="> $nruns (none within $FREE_BUDGET_S s)"
    echo "$label none within $FREE_BUDGET_S s: $nruns runs in $free_s s: $tally"
  fi
  if compgen -G "$TMP/other.*" >/dev/null; then
    echo "  first run that ended otherwise: $(cat "$TMP"/other.*)"
  fi
}

# "N x" or "> N x" from a free_runs value.
ratio_of() {
  local r=$1 gt=""
  [[ $r == ">"* ]] && gt="> "
  r=${r#> }
  [[ $r =~ ^[0-9]+ ]] || { echo "?"; return; }
  echo "${gt}${BASH_REMATCH[0]}x"
}

for spec in isr_pbuf_free:isr-free:board-rtosheap:random \
            port_reentrancy:shared-scratch:board-semthread:pct; do
  IFS=: read -r scn var prof pol <<<"$spec"
  [[ -z $ONLY || $ONLY == "$scn" ]] || continue
  echo "-- P1 narrow window: $scn/$var"

  start=$(now_ns)
  v=$("$LWIPSIM" run "$scn" --variant "$var" --json 2>/dev/null | jq -r .verdict || true)
  pinned_s=$(secs_since "$start")
  echo "sim, pinned (rtos):         1 run -> ${v:-error}, $pinned_s s wall"

  start=$(now_ns)
  (cd "$TMP" && "$LWIPSIM" explore "$scn" --variant "$var" --policy "$pol" \
    --runs 1000 --jobs 2 --time-limit "$SIM_TIME_LIMIT_S" --no-shrink \
    >"$TMP/explore" 2>/dev/null) || true
  explore_s=$(secs_since "$start")
  first=$(sed -n 's/^failure [0-9]*: .* first seed \([0-9]*\):.*/\1/p' "$TMP/explore" | sort -n | head -1)
  done_runs=$(sed -n '1s/^[^:]*: \([0-9]*\) runs,.*/\1/p' "$TMP/explore")
  if [[ -n $first ]]; then
    unpinned="$first"
    echo "sim, unpinned ($pol, 2 jobs): first reproduction at seed $first; $done_runs runs in $explore_s s wall"
  else
    unpinned="> ${done_runs:-0} (none)"
    echo "sim, unpinned ($pol, 2 jobs): none in ${done_runs:-0} runs, $explore_s s wall"
  fi

  eng=$B/engines/$prof/lwipsim-engine-free
  if [[ ! -x $eng ]]; then
    echo "free threads: $eng not built (make bench builds it)"
    continue
  fi
  free_series "$eng" "$scn" "$var" smp
  free_smp=$free_runs free_smp_s=$free_s
  if command -v taskset >/dev/null; then
    free_series "$eng" "$scn" "$var" 1cpu
  else
    free_runs="(taskset missing)" free_s=-
  fi
  ratio=""
  if [[ $v == reproduced ]]; then
    ratio="; pinned sim needs $(ratio_of "$free_smp") / $(ratio_of "$free_runs") fewer runs than free threads on 2 CPUs / 1 CPU"
  fi
  echo "runs to the first: sim pinned 1 ($pinned_s s), sim unpinned $unpinned ($explore_s s), free threads on 2 CPUs $free_smp ($free_smp_s s), on 1 CPU $free_runs ($free_s s)$ratio   target >= 1,000x fewer runs"
done
