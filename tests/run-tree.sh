#!/bin/bash
# tests/run-tree.sh BUILD VERSION
#
# The pass of `make test` on the second fetched lwIP version (BUILD is its
# build directory, e.g. build/lwip-2.2.1): the front end names the version,
# the whole suite gives every row as expected for that version (exit 0),
# the scenario regression table (tests/cli/test_scenarios.sh) passes, and
# every board project under examples/ builds against that tree and gives
# its expected rows (tests/cli/test_examples.sh, plain).
# The unit tests, the other CLI tests and the sanitizer pass run on the
# default tree only: they test our code, which is the same on both.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:?usage: tests/run-tree.sh BUILD VERSION}
V=${2:?usage: tests/run-tree.sh BUILD VERSION}

fail() { echo "FAIL: lwIP $V: $*" >&2; exit 1; }

ver=$("$B/lwipsim" --version) || fail "lwipsim --version failed"
[[ $ver == *"(lwIP $V)" ]] || fail "--version says '$ver'"
echo "ok   lwIP $V: $B/lwipsim --version: $ver"

TMP=$(mktemp /tmp/lwipsim-tree.XXXXXX)
trap 'rm -f "$TMP"' EXIT
rc=0
"$B/lwipsim" suite --jobs 2 >"$TMP" || rc=$?
n=$("$B/lwipsim" list --names | wc -l)
if [ "$rc" != 0 ] || ! grep -q "^suite: $n variants, $n as expected, 0 differ.*, lwIP $V\$" "$TMP"; then
  cat "$TMP" >&2
  fail "suite: exit $rc, want every row as expected"
fi
echo "ok   lwIP $V: $(tail -1 "$TMP")"

s=$SECONDS
LWIP_VERSION=$V tests/cli/test_examples.sh "$B" | sed "s/^ok   /ok   lwIP $V: /"
echo "time lwIP $V test_examples: $((SECONDS - s)) s"
tests/cli/test_scenarios.sh "$B" | sed "s/^ok   /ok   lwIP $V: /"
