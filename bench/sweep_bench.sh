#!/usr/bin/env bash
# bench/sweep_bench.sh BUILD_DIR - `lwipsim sweep` figures:
#   - throughput, runs/s, of a whole sweep of board_ping default (58
#     runs) and of udp_loopback on UDP_PCB,NETCONN,SYS_TIMEOUT and
#     TCPIP_MSG_API (2,006 runs; all its pools would be 10,006), each with
#     1 and 2 jobs (wall time of the whole command: reference run,
#     workers, one addr2line);
#   - the sweep size of every scenario variant: the allocations its
#     reference run asks of each pool and of the heap (one run each with
#     the engine-internal --sweep-report), and how it ended (a variant
#     whose reference run does not end normally cannot be swept).
# Temporary files live in one directory, removed on exit.
set -euo pipefail
B=${1:-build}
LWIPSIM=$B/lwipsim
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_need jq
bench_built "$LWIPSIM"
bench_tmp swbench

echo "-- sweep throughput (whole command, reference run included)"
printf '%-44s %5s %7s %8s %8s\n' sweep jobs runs wall_s runs_per_s
for spec in "board_ping --variant default" \
  "udp_loopback --pools UDP_PCB,NETCONN,SYS_TIMEOUT,TCPIP_MSG_API"; do
  for jobs in 1 2; do
    start=$(date +%s%N)
    # shellcheck disable=SC2086
    "$LWIPSIM" sweep $spec --jobs "$jobs" --json "$TMP/s.json" >/dev/null 2>&1 || true
    ns=$(( $(date +%s%N) - start ))
    runs=$(jq .runs_done "$TMP/s.json")
    awk -v s="${spec%% *}" -v j="$jobs" -v r="$runs" -v ns="$ns" 'BEGIN {
      printf "%-44s %5d %7d %8.2f %8.0f\n", s, j, r, ns / 1e9, r / (ns / 1e9) }'
  done
done

echo "-- sweep size per variant (runs = allocations of the reference run)"
printf '%-20s %-26s %8s %6s %8s\n' scenario variant runs pools end
"$LWIPSIM" list --names | while read -r s v _; do
  if "$LWIPSIM" run "$s" --variant "$v" --json --sweep-report >"$TMP/r.json" 2>/dev/null ||
    [ -s "$TMP/r.json" ]; then
    jq -r --arg s "$s" --arg v "$v" '[$s, $v, ([.sweep.allocs[]] | add),
      (.sweep.allocs | to_entries | map(select(.value > 0)) | length), .end] |
      @tsv' "$TMP/r.json"
  else
    printf '%s\t%s\t-\t-\tno result\n' "$s" "$v"
  fi
done | awk -F'\t' '{ printf "%-20s %-26s %8s %6s %8s\n", $1, $2, $3, $4, $5 }'
