#!/bin/bash
# tests/run.sh BUILD [--asan PLAIN_BUILD]
#
# Runs every test against one build directory: the CMocka unit tests
# (BUILD/tests/test_*) and the shell tests (tests/cli/test_*.sh: the CLI,
# the scenario regression table tests/scenarios.tsv, suite and explore,
# the bug-model tool).  With --asan, BUILD is a sanitizer build and
# its digests must equal those of PLAIN_BUILD for the same runs.
# Each step prints one line; the first failure stops with exit 1 (the
# scenario table and the suite run in a lane of their own, below).
set -euo pipefail
cd "$(dirname "$0")/.."

B=${1:?usage: tests/run.sh BUILD [--asan PLAIN_BUILD]}
PLAIN=
if [ "${2:-}" = --asan ]; then
  PLAIN=${3:?--asan needs the plain build directory}
  # Leak checks on, and any report fails the process.
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi
label=${PLAIN:+asan }
label=${label:-}

fail() { echo "FAIL: $*" >&2; exit 1; }

for t in "$B"/tests/test_*; do
  case $t in *.o|*.d) continue ;; esac
  out=$(timeout 120 "$t" 2>&1) || { echo "$out" >&2; fail "${label}unit $(basename "$t")"; }
  echo "ok   ${label}unit $(basename "$t"): $(grep -c '^\[       OK \]' <<<"$out") tests"
done

# Two lanes: the scenario table and the suite (the longest, and sure of
# their output) run in a session of their own in the background, writing
# to a file; every other shell test runs here meanwhile, printing as it
# goes.  Then the background lane's lines follow.  On a failure here, the
# background lane's whole process group is stopped, so nothing is left.
BG="tests/cli/test_scenarios.sh tests/cli/test_suite.sh"
LANE=$(mktemp /tmp/lwipsim-lane.XXXXXX)
setsid bash -c 'for t in $1; do s=$SECONDS; "$t" "$2" || exit 1
                  echo "time $3$(basename "$t" .sh): $((SECONDS - s)) s"; done' \
  _ "$BG" "$B" "$label" \
  >"$LANE" 2>&1 &
lane=$!
stop_lane() { kill -TERM -- "-$lane" 2>/dev/null || true; wait "$lane" 2>/dev/null || true
              rm -f "$LANE"; }
trap stop_lane EXIT
for t in tests/cli/test_*.sh; do
  case " $BG " in *" $t "*) continue ;; esac
  s=$SECONDS
  "$t" "$B"
  # not a check (tests/tally.sh counts ok/FAIL/skip lines only)
  echo "time ${label}$(basename "$t" .sh): $((SECONDS - s)) s"
done
rc=0
wait "$lane" || rc=$?
trap - EXIT
cat "$LANE"
rm -f "$LANE"
[ "$rc" = 0 ] || fail "${label}$BG"

if [ -n "$PLAIN" ]; then
  for args in "udp_loopback --seed 7" "udp_loopback --seed 3 --policy random" \
      "heap_fragmentation --variant fragmented" \
      "board_ping --variant default --fail memp:PBUF_POOL@20"; do
    # shellcheck disable=SC2086
    a=$(timeout 120 "$B/lwipsim" run $args | tail -1)
    # shellcheck disable=SC2086
    p=$(timeout 120 "$PLAIN/lwipsim" run $args | tail -1)
    [ "$a" = "$p" ] || fail "asan digest '$a' differs from plain '$p' ($args)"
    echo "ok   asan and plain builds give the same $a for $args"
  done
fi
