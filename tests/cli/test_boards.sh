#!/bin/bash
# tests/cli/test_boards.sh BUILD
#
# Board projects (make BOARD=DIR, lwipsim --board): the test board of
# tests/cli/board-fixture/ (its own lwipopts.h with hardware checksums,
# its own driver against the MAC device, a scenario whose variant names
# its profile through a macro) is copied to a temporary directory outside
# the repository and built into BUILD/boards/tiny-board/; then list, run,
# suite (JUnit, digests equal over 3 runs, and equal to the plain build's
# in the ASan pass), replay and explore through --board DIR and --board
# NAME; then the bad projects: no board.mk, no lwipopts.h, a source that
# does not compile, a scenario name used twice, a variant naming a profile
# without lwipopts - each one "lwipsim: " line, exit 2, and no front end
# or engine written.
. "$(dirname "$0")/lib.sh"
FIX=tests/cli/board-fixture
# Built at -O0 (-g under the sanitizers, for their reports' lines): a
# board's verdicts and digests do not depend on the optimisation level
# (the ASan pass compares them with the plain build's), and a board is a
# whole lwIP build of its own, in each pass.
SAN=("OPT=-O0")
case "$B" in */asan) SAN=(SAN=asan "OPT=-O0 -g") ;; esac

# board_make DIR NAME: builds board DIR's front end (named NAME) into $B.
board_make() {
  make --no-print-directory -j2 B="$B" "${SAN[@]}" BOARD="$1" \
    "$B/boards/$2/lwipsim"
}

t0=$SECONDS
cp -a "$FIX" "$TMP/tiny"
rc=0
board_make "$TMP/tiny" tiny-board >"$TMP/out" 2>"$TMP/err" || rc=$?
[ "$rc" = 0 ] || { cat "$TMP/err" >&2; fail "make BOARD=tiny: exit $rc"; }
[ -x "$B/boards/tiny-board/lwipsim" ] && \
  [ -x "$B/boards/tiny-board/engines/default/lwipsim-engine" ] ||
  fail "no front end or engine under $B/boards/tiny-board/"
ok "make BOARD=DIR builds $B/boards/tiny-board/ ($((SECONDS - t0)) s)"
# Two boards in one make (a dry run: what it would build names both).
cp -a "$FIX" "$TMP/tiny2"
sed -i "s/^BOARD_NAME := .*/BOARD_NAME := tiny-two/" "$TMP/tiny2/board.mk"
rc=0
make --no-print-directory -n B="$B" "${SAN[@]}" BOARD="$TMP/tiny $TMP/tiny2" \
  "$B/boards/tiny-board/lwipsim" "$B/boards/tiny-two/lwipsim" >"$TMP/two" 2>"$TMP/err" || rc=$?
rm -rf "$B/boards/tiny-two"
[ "$rc" = 0 ] || fail "make BOARD=\"two boards\": exit $rc: $(cat "$TMP/err")"
grep -q 'boards/tiny-two/engines/default/lwipsim-engine' "$TMP/two" ||
  fail "make BOARD=\"two boards\" would not build the second board"
ok "make BOARD=\"DIR1 DIR2\" takes both boards"
# The unhonourable settings: one line each (when the wrapper was made now).
if grep -q 'CHECKSUM' "$TMP/err"; then
  grep -qx 'lwipsim: board tiny-board profile default: CHECKSUM_GEN_IP 0 is not honoured: the MAC device inserts no checksums, lwIP computes them' \
    "$TMP/err" || fail "checksum report: $(grep CHECKSUM "$TMP/err")"
  # lwIP's default MEM_ALIGNMENT 1 (the board sets none) would misalign
  # pool elements on this 64-bit host (UBSan reports it)
  grep -qx "lwipsim: board tiny-board profile default: MEM_ALIGNMENT 1 (lwIP's default) is not honoured: this host's pointers need 8-byte alignment, which is used" \
    "$TMP/err" || fail "alignment report: $(grep ALIGN "$TMP/err")"
  ok "unhonoured settings reported one line each: $(grep -c 'not honoured' "$TMP/err") lines"
fi
grep -q '^#include "lwipopts_port.h"' "$B/boards/tiny-board/engines/default/opts/lwipopts.h" ||
  fail "the wrapper does not include the port's hooks"
cmp -s "$FIX/config/lwipopts.h" "$TMP/tiny/config/lwipopts.h" ||
  fail "the user's lwipopts.h was changed"
ok "the user's lwipopts.h is used unmodified through the wrapper"

# --- every command through --board
a=$("$LWIPSIM" --board "$TMP/tiny" list --names)
b=$("$LWIPSIM" list --board tiny-board --names)
[ "$a" = "tiny_ping default not-reproduced" ] || fail "list --board DIR: '$a'"
[ "$a" = "$b" ] || fail "list --board NAME: '$b'"
ok "list --board DIR and --board NAME: $a (the macro-named profile found)"

digests=()
for i in 1 2 3; do
  rc=0
  "$LWIPSIM" suite --board tiny-board --junit "$TMP/j$i.xml" >"$TMP/s$i" || rc=$?
  [ "$rc" = 0 ] || { cat "$TMP/s$i" >&2; fail "suite --board: exit $rc"; }
  digests+=("$(awk '$1 == "tiny_ping" {print $5}' "$TMP/s$i")")
done
[ "${digests[0]}" = "${digests[1]}" ] && [ "${digests[1]}" = "${digests[2]}" ] ||
  fail "suite digests differ: ${digests[*]}"
grep -q '<testcase classname="lwipsim.tiny_ping" name="default"' "$TMP/j1.xml" || fail "JUnit lacks tiny_ping"
ok "suite --board: all as expected, digest ${digests[0]} over 3 runs, JUnit written"
PLAIN=${B%/asan}
if [ "$PLAIN" != "$B" ] && [ -x "$PLAIN/boards/tiny-board/lwipsim" ]; then
  p=$("$(readlink -f "$PLAIN/lwipsim")" run tiny_ping --board tiny-board | tail -1)
  [ "$p" = "digest: ${digests[0]}" ] || fail "plain '$p', asan ${digests[0]}"
  ok "asan and plain builds give the same digest ${digests[0]}"
fi

"$LWIPSIM" run tiny_ping --board "$TMP/tiny" --pcap "$TMP/t.pcapng" >"$TMP/run"
rc=0
"$LWIPSIM" --board tiny-board replay "$TMP/t.pcapng" >"$TMP/rep" || rc=$?
[ "$rc" = 0 ] && grep -q "equals the recording's" "$TMP/rep" ||
  fail "replay --board: exit $rc: $(tail -1 "$TMP/rep")"
ok "run --pcap and replay --board: $(tail -1 "$TMP/rep")"

rc=0
"$LWIPSIM" explore tiny_ping --board tiny-board --runs 10 --policy random \
  >"$TMP/exp" 2>&1 || rc=$?
[ "$rc" = 0 ] || fail "explore --board: exit $rc: $(tail -2 "$TMP/exp")"
ok "explore --board: $(tail -1 "$TMP/exp")"

# --board errors: one line, exit 2.
for arg in no-such-board "$TMP/nowhere"; do
  rc=0
  "$LWIPSIM" list --board "$arg" >"$TMP/o" 2>"$TMP/e" || rc=$?
  [ "$rc" = 2 ] && [ "$(wc -l <"$TMP/e")" = 1 ] && grep -q '^lwipsim: ' "$TMP/e" ||
    fail "--board $arg: exit $rc, '$(cat "$TMP/e")'"
  ok "--board $(basename "$arg") -> exit 2: $(cat "$TMP/e")"
done

# --- bad projects: one "lwipsim: " line, exit 2, nothing written
# (the build's own checks, the same with and without sanitizers: the
# plain pass runs them; under ASan each would be a board build more)
if [ "$PLAIN" != "$B" ]; then
  echo "skip $TEST: bad projects (the plain pass checks them: make's checks, no sanitized code)"
  exit 0
fi
bad() { # NAME WHAT: builds $TMP/NAME (board name NAME), expects failure
  local name=$1 what=$2 rc=0
  board_make "$TMP/$name" "$name" >"$TMP/o" 2>"$TMP/e" || rc=$?
  local lines
  # Reports of settings not honoured and helpers left out are not errors.
  lines=$(grep 'lwipsim: ' "$TMP/e" | grep -vc 'not honoured\|left out' || true)
  [ "$rc" = 2 ] && [ "$lines" = 1 ] ||
    fail "$what: exit $rc, $lines lwipsim lines: $(cat "$TMP/e")"
  [ ! -e "$B/boards/$name/lwipsim" ] &&
    [ -z "$(find "$B/boards/$name/" -name '*.tmp' -o -name lwipsim-engine 2>/dev/null)" ] ||
    fail "$what: something written under $B/boards/$name/"
  ok "$what -> exit 2: $(grep 'lwipsim: ' "$TMP/e" | grep -v 'not honoured\|left out' |
    sed 's/.*\(lwipsim: \)/\1/')"
}
mkbad() { # NAME: a copy of the fixture named NAME
  cp -a "$FIX" "$TMP/$1"
  sed -i "s/^BOARD_NAME := .*/BOARD_NAME := $1/" "$TMP/$1/board.mk"
}
mkdir -p "$TMP/bad-nomk"
bad bad-nomk "no board.mk"
[ ! -e "$B/boards/bad-nomk" ] || fail "no board.mk: $B/boards/bad-nomk exists"
mkbad bad-noopts; rm "$TMP/bad-noopts/config/lwipopts.h"
bad bad-noopts "no lwipopts.h"
[ ! -e "$B/boards/bad-noopts" ] || fail "no lwipopts.h: $B/boards/bad-noopts exists"
mkbad bad-cc; echo 'this is not C;' >>"$TMP/bad-cc/src/board.c"
bad bad-cc "a source that does not compile"
grep -q 'board\.c:.*error' "$TMP/e" || fail "the compiler's message is missing: $(cat "$TMP/e")"
mkbad bad-dup; mkdir -p "$TMP/bad-dup/more"; cp -a "$FIX/scenarios/tiny_ping" "$TMP/bad-dup/more/"
sed -i 's|^BOARD_SCENARIOS := .*|& more/tiny_ping|' "$TMP/bad-dup/board.mk"
bad bad-dup "a scenario name used twice"
mkbad bad-prof; sed -i 's/#define TINY_PROFILE "default"/#define TINY_PROFILE "tuned"/' \
  "$TMP/bad-prof/scenarios/tiny_ping/desc.c"
bad bad-prof "a variant naming a profile without lwipopts"
rm -rf "$B/boards/bad-"*
