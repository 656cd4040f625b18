#!/bin/bash
# tests/cli/test_bugmodel.sh BUILD
#
# lwipsim-bugmodel as the Makefile meets it: applied to the fetched 2.1.3
# tree it writes the patched copy and says so in one stderr line (exit 0);
# a model that does not apply, or bad usage, is one "lwipsim: " line with
# exit 2 and writes nothing into the output directory.  Without the fetched
# tree the first case is skipped with a message.
. "$(dirname "$0")/lib.sh"
TOOL=$(readlink -f "$B/tools/lwipsim-bugmodel")
MODEL=contrib_port/bugs/select-waiting-leak.bug
TREE=build/deps/lwip-2.1.3

[ -x "$TOOL" ] || fail "$B/tools/lwipsim-bugmodel is not built"

# one_line FILE: the file holds exactly one line.
one_line() { [ "$(wc -l <"$1")" = 1 ]; }

# --- (a) the real model on the real 2.1.3 tree
if [ -f "$TREE/src/api/sockets.c" ]; then
  rc=0
  "$TOOL" "$MODEL" "$TREE" "$TMP/a" >"$TMP/out" 2>"$TMP/err" || rc=$?
  [ "$rc" = 0 ] || fail "2.1.3: exit $rc, want 0: $(cat "$TMP/err")"
  one_line "$TMP/err" || fail "2.1.3: stderr is not one line: $(cat "$TMP/err")"
  grep -q '^lwipsim: bug model select-waiting-leak applied to lwIP 2\.1\.3$' \
    "$TMP/err" || fail "2.1.3: stderr '$(cat "$TMP/err")'"
  [ ! -s "$TMP/out" ] || fail "2.1.3: wrote to stdout"
  [ "$(cd "$TMP/a" && find . -type f)" = ./src/api/sockets.c ] ||
    fail "2.1.3: output files: $(cd "$TMP/a" && find . -type f)"
  # Exactly two lines differ, the two the model names.
  changed=$(diff "$TREE/src/api/sockets.c" "$TMP/a/src/api/sockets.c" |
    grep -c '^[<>]' || true)
  [ "$changed" = 4 ] || fail "2.1.3: $changed changed lines, want 2 out, 2 in"
  grep -q 'select_waiting == 0' "$TMP/a/src/api/sockets.c" ||
    fail "2.1.3: first hunk missing from the copy"
  ok "2.1.3 tree -> exit 0: $(cat "$TMP/err")"
else
  echo "skip bugmodel: 2.1.3 tree: $TREE absent (make lwip fetches it)"
fi

# --- (b) a 2.1 tree where the model does not apply
T=$TMP/tree
mkdir -p "$T/src/include/lwip" "$T/src/api" "$TMP/b"
printf '#define LWIP_VERSION_%s %s\n' MAJOR 2 MINOR 1 REVISION 0 \
  >"$T/src/include/lwip/init.h"
printf '/* neither place of the model is here */\nint x;\n' \
  >"$T/src/api/sockets.c"
rc=0
"$TOOL" "$MODEL" "$T" "$TMP/b" >"$TMP/out" 2>"$TMP/err" || rc=$?
[ "$rc" = 2 ] || fail "not applying: exit $rc, want 2"
one_line "$TMP/err" ||
  fail "not applying: stderr is not one line: $(cat "$TMP/err")"
grep -q '^lwipsim: .*does not apply.*not found' "$TMP/err" ||
  fail "not applying: stderr '$(cat "$TMP/err")'"
[ ! -s "$TMP/out" ] || fail "not applying: wrote to stdout"
[ -z "$(ls -A "$TMP/b")" ] ||
  fail "not applying: output left: $(ls -AR "$TMP/b")"
ok "model that does not apply -> exit 2, output empty: $(cat "$TMP/err")"

# --- (c) bad usage and bad input: one line, exit 2, nothing written
# usage_error "what" args... (the output directory, if any, is $TMP/c)
usage_error() {
  local what=$1; shift
  local rc=0
  rm -rf "$TMP/c"
  "$TOOL" "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
  [ "$rc" = 2 ] || fail "$what: exit $rc, want 2"
  one_line "$TMP/err" || fail "$what: stderr is not one line: $(cat "$TMP/err")"
  grep -q '^lwipsim: ' "$TMP/err" || fail "$what: stderr lacks 'lwipsim: '"
  [ ! -s "$TMP/out" ] || fail "$what: wrote to stdout"
  [ ! -e "$TMP/c" ] || fail "$what: created $TMP/c"
  ok "$what -> exit 2: $(cat "$TMP/err")"
}
usage_error "no arguments"
usage_error "two arguments" "$MODEL" "$T"
usage_error "five arguments" "$MODEL" "$T" "$TMP/c" extra
usage_error "missing model" "$TMP/nope.bug" "$T" "$TMP/c"
usage_error "not an lwIP tree" "$MODEL" "$TMP" "$TMP/c"
