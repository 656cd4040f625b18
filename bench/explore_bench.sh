#!/usr/bin/env bash
# bench/explore_bench.sh BUILD_DIR - the issue's P1 (distribution part),
# P2, P5 and P6 figures, each printed with its target:
#   P1  select_close_race leak-2.0, 20 runs each: the cycle in which
#       socket() fails with ENFILE, in the sim (scripted: the same every
#       run) and on free-running threads (lwipsim-engine-free: the OS
#       decides; it varies, or never comes within the run).
#   P2  explore throughput, schedules/s, on select_close_race reuse-assert
#       under PCT with 1 and 2 jobs (--no-shrink: runs only).  Target
#       >= 1,000/s with 2 jobs.
#   P5  wall time of `lwipsim suite --jobs 2`.  Target <= 60 s.
#   P6  peak RSS of one engine process (the largest scenario,
#       ping_flood_load; /usr/bin/time -v on the engine itself).  Target
#       <= 32 MiB.
# Temporary files live in one directory, removed on exit.
set -euo pipefail
B=${1:-build}
LWIPSIM=$B/lwipsim
FREE=$B/engines/bug-select-leak/lwipsim-engine-free
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_tmp xbench
bench_need jq /usr/bin/time

echo "-- P1: ENFILE cycle over 20 runs (select_close_race leak-2.0)"
dist() { sort -n | uniq -c | awk '{ printf "%s%s x%s", (NR > 1 ? ", " : ""), $2, $1 } END { print "" }'; }
for i in $(seq 20); do
  "$LWIPSIM" run select_close_race --variant leak-2.0 --seed "$i" --json |
    jq -r '.counters.enfile_cycle // "none"'
done | dist | sed 's/^/sim (script, seeds 1-20):  /'
if [ -x "$FREE" ]; then
  for i in $(seq 20); do
    "$FREE" run select_close_race --variant leak-2.0 --policy rtos --seed "$i" \
      --json 2>/dev/null | jq -r 'if .counters.enfile_cycle then
        .counters.enfile_cycle else "none(\(.verdict))" end' || echo error
  done | dist | sed 's/^/free threads (OS, 20 runs): /'
else
  echo "free threads: $FREE not built (make bench builds it)"
fi

echo "-- P2: explore throughput (select_close_race reuse-assert, pct)"
for j in 1 2; do
  "$LWIPSIM" explore select_close_race --variant reuse-assert --policy pct \
    --runs 3000 --jobs $j --no-shrink >"$TMP/x$j" 2>/dev/null || true
  rate=$(sed -n 's/.*, \([0-9]*\) runs\/s, .*/\1/p' "$TMP/x$j")
  eval "rate$j=$rate"
  echo "jobs $j: $rate schedules/s ($(head -1 "$TMP/x$j" | sed 's/.*: //'))"
done
echo "P2 with 2 jobs: $rate2 schedules/s, ratio 2 jobs/1 job $(awk -v a="$rate2" -v b="$rate1" 'BEGIN { printf "%.2f", a / b }')   target >= 1,000/s  [$(bench_ge "$rate2" 1000)]"

echo "-- P5: lwipsim suite --jobs 2"
start=$(date +%s%N)
"$LWIPSIM" suite --jobs 2 >"$TMP/suite" 2>&1 || true
secs=$(awk -v n=$(( $(date +%s%N) - start )) 'BEGIN { printf "%.1f", n / 1e9 }')
echo "P5 suite --jobs 2: $secs s wall, $(grep -c ' ok$' "$TMP/suite" || true) variants as expected of $("$LWIPSIM" list --names | wc -l)   target <= 60 s  [$(bench_le "$secs" 60)]"

echo "-- P6: peak RSS of one engine process"
eng=$B/engines/board-tftp/lwipsim-engine
scn=ping_flood_load
[ -x "$eng" ] || { echo "P6: $eng missing"; exit 0; }
/usr/bin/time -v -o "$TMP/time" "$eng" run "$scn" --json >"$TMP/p6.json" 2>/dev/null || true
rss=$(awk -F': *' '/Maximum resident set size/ { print $2 }' "$TMP/time")
mib=$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')
echo "P6 $scn engine: $mib MiB peak RSS   target <= 32 MiB  [$(bench_le "$mib" 32)]"

echo "-- P6: the board's lwIP heap and pools against its profile"
# The pool records of one board run give each pool's size as lwIP built
# it; the profile's lwipopts.h gives what was configured.
"$LWIPSIM" run ping_flood_load --trace "$TMP/pf.jsonl" >/dev/null 2>&1 || true
python3 - "$TMP/pf.jsonl" contrib_port/lwipopts/board/lwipopts.h <<'PY'
import json, re, sys
sizes = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["kind"] == "pool":
        name, rest = r["detail"].split(" ", 1)
        sizes[name] = int(re.search(r"size=(\d+)", rest).group(1))
conf = {}
for m in re.finditer(r"#define[ \t]+(\w+)[ \t]+(\([\d \t\*]+\)|\d+)", open(sys.argv[2]).read()):
    conf[m.group(1)] = eval(m.group(2))
want = {"HEAP": conf.get("MEM_SIZE"), "PBUF_POOL": conf.get("PBUF_POOL_SIZE")}
for k, v in conf.items():
    if k.startswith("MEMP_NUM_"):
        want[k[len("MEMP_NUM_"):]] = v
bad = 0
for name, w in sorted(want.items()):
    if name not in sizes:
        continue
    ok = sizes[name] == w
    bad += not ok
    print(f"  {name:<16} configured {w:>6}  built {sizes[name]:>6}  {'ok' if ok else 'DIFFERS'}")
print(f"P6 heap and pools: {len([n for n in want if n in sizes]) - bad} of {len([n for n in want if n in sizes])} as configured  [{'ok' if bad == 0 else 'MISSED'}]")
PY
