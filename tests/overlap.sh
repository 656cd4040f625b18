#!/bin/bash
# tests/overlap.sh LOG WHAT BACKGROUND -- FOREGROUND...
#
# Runs the shell command BACKGROUND (a build) at the lowest CPU priority
# in a session of its own, its output into LOG, while FOREGROUND (a test
# pass) runs as usual: the build takes the CPU time the tests leave idle
# (a test pass waits on one engine at a time much of the while).  When
# FOREGROUND fails, the background's whole process group is stopped, so
# nothing is left running; then the background is waited for, and when it
# failed the end of LOG and one "FAIL: WHAT" line are printed.  The exit
# code is FOREGROUND's, else BACKGROUND's.
set -uo pipefail
LOG=${1:?usage: tests/overlap.sh LOG WHAT BACKGROUND -- FOREGROUND...}
WHAT=${2:?}
BG=${3:?}
[ "${4:-}" = -- ] || { echo "usage: tests/overlap.sh LOG WHAT BACKGROUND -- FOREGROUND..." >&2; exit 2; }
shift 4
mkdir -p "$(dirname "$LOG")"
# Not the calling make's jobserver: the background make has its own -j.
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL setsid nice -n 19 bash -c "$BG" >"$LOG" 2>&1 &
bg=$!
stop_bg() { kill -TERM -- "-$bg" 2>/dev/null || true; wait "$bg" 2>/dev/null || true; }
trap stop_bg EXIT
rc=0
"$@" || rc=$?
if [ "$rc" != 0 ]; then
  exit "$rc"
fi
trap - EXIT
brc=0
wait "$bg" || brc=$?
if [ "$brc" != 0 ]; then
  tail -30 "$LOG" >&2
  echo "FAIL: $WHAT: exit $brc (the whole log: $LOG)" >&2
  exit "$brc"
fi
