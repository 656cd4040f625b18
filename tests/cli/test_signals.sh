#!/bin/bash
# tests/cli/test_signals.sh BUILD
#
# SIGINT during `explore`: no new runs start, the running engines are told
# to stop (SIGTERM) and are waited for, the summary says how far it got,
# exit 3, and no engine process is left behind.  The front end runs from a
# private copy whose engines/ points at the build's, so the engines of this
# test can be told apart from any others on the machine.
. "$(dirname "$0")/lib.sh"
PID=
cleanup() {
  [ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null
  pkill -KILL -f "$TMP/fe/engines/" 2>/dev/null || true
}

mkdir -p "$TMP/fe"
cp "$B/lwipsim" "$TMP/fe/lwipsim"
ln -s "$(readlink -f "$B/engines")" "$TMP/fe/engines"

"$TMP/fe/lwipsim" explore select_close_race --variant fixed --runs 100000 \
  --jobs 2 >"$TMP/out" 2>&1 &
PID=$!
sleep 1
pgrep -f "$TMP/fe/engines/" >/dev/null || fail "no engines running after 1 s"
kill -INT "$PID"
for _ in $(seq 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.05; done
kill -0 "$PID" 2>/dev/null && fail "explore still running 5 s after SIGINT"
rc=0; wait "$PID" || rc=$?
PID=
[ "$rc" = 3 ] || fail "explore exit $rc after SIGINT, want 3: $(cat "$TMP/out")"
grep -Eq '^explore select_close_race/fixed: interrupted by signal 2 after [0-9]+ of 100000 runs' \
  "$TMP/out" || fail "summary: $(cat "$TMP/out")"
sleep 0.2
pgrep -f "$TMP/fe/engines/" >/dev/null && fail "engines left running"
ok "SIGINT stops explore: $(sed -n 's/.*\(after [0-9]* of 100000 runs\).*/\1/p' "$TMP/out"), exit 3, no engine left"
