#!/bin/bash
# tests/cli/test_explore.sh BUILD
#
# `lwipsim explore` with the PCT policy and its fork-server workers: with no
# script, PCT rediscovers select_close_race's reuse-assert and leak-2.0
# defects (bounded: 60 s wall each) and the printed command replays the
# failure; the shrunk schedule replays it with fewer choices; --jobs 1 and 2 give the same summary; shards 1/2 and 2/2 cover
# exactly the seeds of one run twice as long, with the same counts; --json
# writes the summary; --time-limit stops dispatching; bad values are one
# line and exit 2.
. "$(dirname "$0")/lib.sh"

# --- rediscovery, no script: PCT finds each defect within 60 s
for vr in reuse-assert:400 leak-2.0:100; do
  var=${vr%:*} runs=${vr#*:}
  rc=0
  start=$(date +%s%N)
  # reuse-assert shrinks its failure into the default schedule directory
  # (schedules/ next to lwipsim), never into the current one ($TMP/cwd).
  shrink=--no-shrink
  [ "$var" = reuse-assert ] && shrink=
  mkdir -p "$TMP/cwd"
  # shellcheck disable=SC2086
  (cd "$TMP/cwd" && timeout 60 "$LWIPSIM" explore select_close_race --variant "$var" \
    --policy pct --runs "$runs" --jobs 2 --time-limit 50 $shrink) >"$TMP/$var" 2>&1 || rc=$?
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  [ "$rc" -le 1 ] || fail "$var: exit $rc: $(cat "$TMP/$var")"
  grep -q '^pct: n=[0-9]* threads, k=[0-9]* scheduling points, d=3' "$TMP/$var" ||
    fail "$var: no PCT parameters: $(cat "$TMP/$var")"
  cmd=$(sed -n 's/^replay: //p' "$TMP/$var" | head -1)
  [ -n "$cmd" ] || fail "$var: nothing found in $(cat "$TMP/$var")"
  $cmd >"$TMP/$var.replay" || true
  grep -q '^verdict: reproduced' "$TMP/$var.replay" ||
    fail "$var: '$cmd' does not reproduce: $(cat "$TMP/$var.replay")"
  ok "pct rediscovers $var without its script in ${ms} ms for $runs runs ($(grep -c '^failure' "$TMP/$var") kinds); '$cmd' replays it"
done
grep -q 'lwip assert: sockets\[i\].select_waiting == 0' "$TMP/reuse-assert" ||
  fail "reuse-assert: the assertion is not among the failures"

# --- the shrunk schedule replays the failure with rtos plus its choices
sched=$(sed -n 's/^schedule: .* --schedule //p' "$TMP/reuse-assert" | head -1)
[ -f "$sched" ] || fail "no schedule file: $(grep '^schedule' "$TMP/reuse-assert")"
case $sched in
"$(dirname "$LWIPSIM")"/schedules/*.sched) ;;
*) fail "the schedule is not in schedules/ next to lwipsim: $sched" ;;
esac
[ -z "$(ls -A "$TMP/cwd")" ] || fail "explore wrote into the current directory: $(ls "$TMP/cwd")"
ok "the shrunk schedule lands in $(dirname "$LWIPSIM")/schedules/, not in the current directory"
n=$(grep -c '^decision ' "$sched")
from=$(sed -n 's/^schedule: [0-9]* choices off rtos (from \([0-9]*\),.*/\1/p' "$TMP/reuse-assert" | head -1)
[ "$n" -lt "$from" ] || fail "schedule not shrunk: $n of $from"
"$LWIPSIM" run select_close_race --variant reuse-assert --schedule "$sched" >"$TMP/sr" || true
grep -q '^verdict: reproduced .*select_waiting == 0' "$TMP/sr" || fail "schedule replay: $(cat "$TMP/sr")"
# without its choices, rtos alone does not fail
grep -v '^decision ' "$sched" >"$TMP/empty.sched"
"$LWIPSIM" run select_close_race --variant reuse-assert --schedule "$TMP/empty.sched" >"$TMP/se" || true
grep -q '^verdict: not-reproduced' "$TMP/se" || fail "empty schedule: $(cat "$TMP/se")"
ok "shrunk schedule: $n choices off rtos (from $from) replay the assertion; none: no failure"
for bad in "decision x of a runs b" "decision 0 of a runs b" "run a when b"; do
  echo "$bad" >"$TMP/bad.sched"
  rc=0
  "$LWIPSIM" run select_close_race --variant reuse-assert --schedule "$TMP/bad.sched" \
    >"$TMP/out" 2>"$TMP/err" || rc=$?
  [ "$rc" = 2 ] && [ "$(wc -l <"$TMP/err")" = 1 ] || fail "bad schedule '$bad': exit $rc"
done
rc=0
"$LWIPSIM" run select_close_race --variant reuse-assert --schedule "$TMP/none" \
  >"$TMP/out" 2>"$TMP/err" || rc=$?
[ "$rc" = 2 ] || fail "missing schedule: exit $rc"
ok "bad or missing schedule files: one line, exit 2"

# --- isr_pbuf_free isr-free unpinned: the TX-complete IRQ at link speed,
# virtual CPU time per point; random finds a heap re-entry, and replays it
"$LWIPSIM" explore isr_pbuf_free --variant isr-free --policy random \
  --runs 1000 --jobs 2 --link-mbps 100 --no-shrink >"$TMP/ip" 2>&1 || true
grep -q "^failure 1: reproduced .*heap re-entered: heap free from ISR context while thread 'app'" \
  "$TMP/ip" || fail "isr-free unpinned: $(cat "$TMP/ip")"
cmd=$(sed -n 's/^replay: //p' "$TMP/ip" | head -1)
case $cmd in *"--link-mbps 100"*) ;; *) fail "replay without the link speed: $cmd" ;; esac
$cmd | has '^verdict: reproduced .*heap re-entered' || fail "'$cmd' does not replay"
ok "isr-free unpinned at 100 Mbit/s: $(sed -n 's/^  reproduced *//p' "$TMP/ip")/1000 re-entries; '$cmd' replays"

# --- --jobs 1 and 2: the same summary but for wall times
summary() { grep -v -e '^explore ' "$1"; }
for j in 1 2; do
  "$LWIPSIM" explore select_close_race --variant leak-2.0 --policy pct \
    --runs 40 --jobs $j --no-shrink >"$TMP/j$j" 2>&1 || true
done
diff <(summary "$TMP/j1") <(summary "$TMP/j2") >/dev/null ||
  fail "--jobs 1 and 2 differ: $(diff <(summary "$TMP/j1") <(summary "$TMP/j2"))"
ok "--jobs 1 and --jobs 2 give the same summary"

# --- shards: 1/2 + 2/2 = one run of twice the runs
for s in 1 2; do
  "$LWIPSIM" explore select_close_race --variant leak-2.0 --policy random \
    --runs 20 --shard $s/2 --json "$TMP/s$s.json" --no-shrink >"$TMP/s$s" 2>&1 || true
done
"$LWIPSIM" explore select_close_race --variant leak-2.0 --policy random \
  --runs 40 --json "$TMP/all.json" --no-shrink >"$TMP/all" 2>&1 || true
python3 - "$TMP/s1.json" "$TMP/s2.json" "$TMP/all.json" <<'PY' || fail "shard sums"
import json, sys
a, b, c = (json.load(open(p)) for p in sys.argv[1:])
assert (a["first_seed"], a["last_seed"]) == (1, 20), a
assert (b["first_seed"], b["last_seed"]) == (21, 40), b
assert (c["first_seed"], c["last_seed"]) == (1, 40), c
assert a["shard"] == 1 and b["shard"] == 2 and a["shards"] == 2
for k in c["counts"]:
    assert a["counts"][k] + b["counts"][k] == c["counts"][k], k
PY
grep -q 'seeds 21..40 (shard 2/2)' "$TMP/s2" || fail "shard line: $(cat "$TMP/s2")"
ok "--shard 1/2 and 2/2 cover seeds 1..20 and 21..40; counts add up to the 40-run exploration"

# --- a progress line on a terminal (script(1) gives it one), none otherwise
if command -v script >/dev/null; then
  script -qfec "$LWIPSIM explore select_close_race --variant leak-2.0 --runs 30 --no-shrink" \
    /dev/null >"$TMP/tty" 2>&1 || true
  tr '\r' '\n' <"$TMP/tty" | grep -aq '^explore: 30/30 runs, [0-9]* runs/s, 30 failures (1 distinct), ETA' ||
    fail "no progress line on a terminal: $(cat "$TMP/tty")"
  grep -q 'runs/s, [0-9]* failures' "$TMP/j1" && fail "progress line without a terminal"
  ok "progress line (runs, runs/s, failures, ETA) on a terminal only"
else
  echo "skip explore: progress line: script(1) not installed (bsdutils)"
fi

# --- --time-limit
rc=0
"$LWIPSIM" explore select_close_race --variant fixed --runs 100000 --jobs 2 \
  --time-limit 2 --no-shrink >"$TMP/tl" 2>&1 || rc=$?
grep -q '^stopped by --time-limit 2 s after [0-9]* of 100000 runs' "$TMP/tl" ||
  fail "time limit: $(cat "$TMP/tl")"
ok "--time-limit 2 stops dispatching: $(sed -n 's/^stopped by --time-limit 2 s \(after .*\)/\1/p' "$TMP/tl")"

# --- bad values: one line, exit 2, no JSON file
for args in "--shard 0/2" "--shard 3/2" "--shard x" "--shard 1/2/3" \
            "--depth 0" "--depth 17" "--steps 0" "--policy random --depth 2" \
            "--time-limit 0" "--time-limit x" "--json" "--link-mbps 0" \
            "--json $TMP/no/dir/x.json"; do
  rc=0
  # shellcheck disable=SC2086
  "$LWIPSIM" explore select_close_race --variant leak-2.0 --runs 3 \
    $( [[ $args == *depth* || $args == *steps* ]] && [[ $args != *random* ]] && echo --policy pct ) \
    $args >"$TMP/out" 2>"$TMP/err" || rc=$?
  [ "$rc" = 2 ] && [ "$(wc -l <"$TMP/err")" = 1 ] ||
    fail "'$args': exit $rc, stderr: $(cat "$TMP/err")"
done
[ ! -e "$TMP/no" ] || fail "a directory appeared"
ok "bad --shard, --depth, --steps, --time-limit, --json, --link-mbps: one line, exit 2"

# --- socket_stress under PCT: the oracle takes every lawful order of a
# close's events (no fault without FULLDUPLEX, nor with poll-fullduplex's
# fix), and with FULLDUPLEX PCT finds that defect's assertion on its own.
for v in fd0-cl0 fd1-cl1-pollfix; do
  rc=0
  "$LWIPSIM" explore socket_stress --variant "$v" --policy pct --runs 200 \
    --jobs 2 --no-shrink >"$TMP/ss" 2>&1 || rc=$?
  [ "$rc" = 0 ] && grep -q '^no failure in 200 runs' "$TMP/ss" ||
    fail "socket_stress $v under pct: exit $rc: $(grep -m2 '^failure' "$TMP/ss")"
done
rc=0
"$LWIPSIM" explore socket_stress --variant fd1-cl1 --policy pct --runs 200 \
  --jobs 2 --no-shrink >"$TMP/ss" 2>&1 || rc=$?
[ "$rc" = 3 ] && [ "$(grep -c "^failure" "$TMP/ss")" = 1 ] &&
  grep -q '^failure 1: fault in [0-9]* runs, .*select_waiting == 0' "$TMP/ss" ||
  fail "socket_stress fd1-cl1 under pct: exit $rc: $(grep '^failure' "$TMP/ss")"
ok "socket_stress under pct, 200 runs each: fd0-cl0 and fd1-cl1-pollfix clean; fd1-cl1 only poll-fullduplex's assertion ($(sed -n 's/^failure 1: fault in \([0-9]*\) runs.*/\1/p' "$TMP/ss") runs)"
