# tests/cli/lib.sh - the start every shell test shares, sourced first:
#
#   . "$(dirname "$0")/lib.sh"              # the test takes BUILD as $1
#   . "$(dirname "$0")/lib.sh" --no-build   # it needs no build
#
# It sets bash's strict options, moves to the repository root (so BUILD is
# taken from there, as tests/run.sh passes it) and defines:
#   TEST     the test's name (test_capture.sh: capture), for its lines;
#   B        the build directory, $1 (usage error without it);
#   LWIPSIM  $B/lwipsim as an absolute path;
#   TMP      a private directory, removed when the test exits, after the
#            test's own `cleanup` function if it defines one;
#   fail MSG print "FAIL: TEST: MSG" on stderr and exit 1;
#   ok MSG   print "ok   TEST: MSG" (tests/tally.sh counts these lines);
#   serve_stop SIG  stop the `lwipsim serve` whose PID is in $SERVE with
#            signal SIG, wait for it (5 s at most) and fail unless it
#            ended with exit 0; $SERVE is emptied.
#   has ARGS...  grep ARGS... reading its whole input, quietly: for the end
#            of a pipeline.  grep -q stops at the first match, and under
#            pipefail the writer's SIGPIPE then fails the pipeline when
#            the writer had more to write (`lwipsim list` of 12 KB did).
# Not executable and not named test_*: tests/run.sh does not run it.
# shellcheck shell=bash disable=SC2034 # what it defines is the tests'
set -euo pipefail
TEST=$(basename "$0" .sh)
TEST=${TEST#test_}
cd "$(dirname "$0")/../.."
if [ "${1:-}" != --no-build ]; then
  B=${1:?usage: $0 BUILD}
  LWIPSIM=$(readlink -f "$B/lwipsim")
fi
TMP=$(mktemp -d "/tmp/lwipsim-$TEST.XXXXXX")

lib_exit() {
  if declare -F cleanup >/dev/null; then cleanup || true; fi
  rm -rf "$TMP"
}
trap lib_exit EXIT

fail() { echo "FAIL: $TEST: $*" >&2; exit 1; }
ok() { echo "ok   $TEST: $*"; }
has() { grep "$@" >/dev/null; }

serve_stop() {
  kill -"$1" "$SERVE"
  local rc=0 i
  for i in $(seq 100); do kill -0 "$SERVE" 2>/dev/null || break; sleep 0.05; done
  kill -0 "$SERVE" 2>/dev/null && fail "serve still running 5 s after SIG$1"
  wait "$SERVE" || rc=$?
  SERVE=
  [ "$rc" = 0 ] || fail "serve exit $rc after SIG$1"
}
