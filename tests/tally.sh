#!/bin/bash
# tests/tally.sh COMMAND... - runs COMMAND (make test's passes), passing
# its output through, and ends with one line:
#
#   N passed, N failed[, N skipped]
#
# counted from the lines the tests print: "ok   ..." a pass, "FAIL..." a
# failure, "skip ..." a skip (its reason is on that line).  A command that
# fails without a FAIL line (a build error, a crash of the harness) counts
# as one failure.  The exit code is the command's.
set -uo pipefail
TALLY_FILE=$(mktemp /tmp/lwipsim-tally.XXXXXX)
trap 'rm -f "$TALLY_FILE"' EXIT
"$@" 2>&1 | awk '
  { print; fflush() }
  /^ok /   { pass++ }
  /^FAIL/  { fail++ }
  /^skip / { skip++ }
  END { printf "%d\n%d\n%d\n", pass, fail, skip > "/dev/fd/3" }
' 3>"${TALLY_FILE:=$(mktemp /tmp/lwipsim-tally.XXXXXX)}"
rc=${PIPESTATUS[0]}
{ read -r pass; read -r fail; read -r skip; } <"$TALLY_FILE"
if [ "$rc" != 0 ] && [ "$fail" = 0 ]; then fail=1; fi
line="$pass passed, $fail failed"
[ "$skip" = 0 ] || line="$line, $skip skipped"
echo "$line"
exit "$rc"
