#!/bin/bash
# tests/cli/test_layers.sh BUILD
#
# The rooms' include order (tools/check-layers.sh): the tree passes, and a
# copy of it with one include turned against the order fails, naming the
# file, the line and the rooms that room may include.  Also: the core
# (sim/) neither parses argv, forks, execs nor writes JSON.
. "$(dirname "$0")/lib.sh" --no-build

out=$(tools/check-layers.sh) || fail "the tree: $out"
ok "the tree: $out"

# sim/ (the core) including the front end's protocol header, and the
# engine's room included from tapif/: each must fail.
for turn in "sim/clock.c:proto.h" "tapif/wire.c:scn.h" "cli/suite.c:scn_board.h"; do
  file=${turn%%:*} inc=${turn#*:}
  rm -rf "$TMP/tree"; mkdir "$TMP/tree"
  for room in sim rtos contrib_port tapif peers scenarios proto engine cli tools; do
    [ ! -d "$room" ] || cp -r "$room" "$TMP/tree/"
  done
  printf '#include "%s"\n' "$inc" >>"$TMP/tree/$file"
  rc=0
  tools/check-layers.sh "$TMP/tree" >"$TMP/out" 2>&1 || rc=$?
  [ "$rc" = 1 ] || fail "$file including $inc: exit $rc, want 1"
  grep -q "^$file:[0-9]*: includes \"$inc\"" "$TMP/out" ||
    fail "$file including $inc: not named: $(cat "$TMP/out")"
  ok "$file including \"$inc\" fails: $(head -1 "$TMP/out")"
done

hits=$(grep -l 'argv\|fork\|exec\|json_' sim/*.c || true)
[ -z "$hits" ] || fail "sim/ parses argv, forks, execs or writes JSON: $hits"
ok "sim/*.c: no argv, fork, exec or json_"
