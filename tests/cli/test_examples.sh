#!/bin/bash
# tests/cli/test_examples.sh BUILD
#
# The board projects under examples/ as a firmware team would use them:
# each is copied to a directory outside the repository and built
# with `make BOARD=DIR` into BUILD/boards/<name>/; then `list`, `suite`
# three times (every verdict as expected, digests equal between the runs),
# and for each variant whose expected verdict is `reproduced`: `explore
# --policy pct` finds it without its script, and the replay command
# explore prints reproduces it.  The ASan pass builds the example with the
# sanitizers and runs its suite once: every verdict as expected, the
# digests equal to the plain build's (explore under ASan is test_explore's).
# EXAMPLES (default: every examples/*/ holding a board.mk) picks others.
. "$(dirname "$0")/lib.sh"
# Built at -O0 (-g under the sanitizers, for their reports' lines): a
# board's verdicts and digests do not depend on the optimisation level
# (the ASan pass compares them with the plain build's), and a board is a
# whole lwIP build of its own, in each pass.
SAN=("OPT=-O0")
case "$B" in */asan) SAN=(SAN=asan "OPT=-O0 -g") ;; esac
PLAIN=${B%/asan}
REPEAT=3
[ "$PLAIN" = "$B" ] || REPEAT=1
EXPLORE_RUNS=${EXPLORE_RUNS:-40}
# The copies live in one place per checkout outside the repository (not
# $TMP), so that test_board_tap.sh's build of the same example and this
# one are one build, not two from scratch.
EXD=${TMPDIR:-/tmp}/lwipsim-examples-$(printf '%s' "$PWD" | cksum | cut -d' ' -f1)
mkdir -p "$EXD"
# Nothing is left in it (the builds stay in $B/boards/).
cleanup() { rm -rf "${EXD:?}"; }

mapfile -t dirs < <(for d in ${EXAMPLES:-examples/*/}; do
  [ -f "$d/board.mk" ] && echo "${d%/}"; done)
[ "${#dirs[@]}" -gt 0 ] || { echo "skip $TEST: no board project under examples/"; exit 0; }

for src in "${dirs[@]}"; do
  ex=$(basename "$src")
  rm -rf "${EXD:?}/$ex"
  cp -a "$src" "$EXD/$ex"
  name=$(sed -n 's/^BOARD_NAME *:\?= *//p' "$EXD/$ex/board.mk" | tail -1)
  name=${name:-$ex}
  t0=$SECONDS
  rc=0
  make --no-print-directory -j2 B="$B" "${SAN[@]}" BOARD="$EXD/$ex" \
    "$B/boards/$name/lwipsim" >"$TMP/make.out" 2>"$TMP/make.err" || rc=$?
  [ "$rc" = 0 ] || { cat "$TMP/make.err" >&2; fail "$ex: make BOARD=DIR: exit $rc"; }
  ok "$ex: make BOARD=DIR builds $B/boards/$name/ from a copy outside the tree ($((SECONDS - t0)) s)"

  "$LWIPSIM" --board "$EXD/$ex" list --names >"$TMP/list" ||
    fail "$ex: list --board failed"
  [ -s "$TMP/list" ] || fail "$ex: list --board names no scenario"
  ok "$ex: list: $(awk '{print $1 "/" $2 "=" $3}' "$TMP/list" | paste -sd' ')"

  # suite x3 (x1 under ASan): every verdict as expected, digests equal
  for i in $(seq "$REPEAT"); do
    rc=0
    "$LWIPSIM" suite --board "$name" --jobs 2 --junit "$TMP/j$i.xml" \
      >"$TMP/s$i" 2>&1 || rc=$?
    [ "$rc" = 0 ] || { cat "$TMP/s$i" >&2; fail "$ex: suite: exit $rc"; }
    # scenario variant ... digest: the rows' first two and fifth fields
    awk 'NF >= 5 && $5 ~ /^0x/ {print $1, $2, $5}' "$TMP/s$i" >"$TMP/d$i"
  done
  [ "$(wc -l <"$TMP/d1")" = "$(wc -l <"$TMP/list")" ] ||
    fail "$ex: suite gave $(wc -l <"$TMP/d1") digests for $(wc -l <"$TMP/list") variants"
  for i in $(seq 2 "$REPEAT"); do
    cmp -s "$TMP/d1" "$TMP/d$i" ||
      fail "$ex: suite digests differ between runs: $(diff "$TMP/d1" "$TMP/d$i" | head -3)"
  done
  grep -q '<testcase ' "$TMP/j1.xml" || fail "$ex: no JUnit test case written"
  eq=; [ "$REPEAT" = 1 ] || eq=" equal over $REPEAT runs"
  ok "$ex: suite x$REPEAT: all as expected, $(wc -l <"$TMP/d1") digests$eq, JUnit written"
  if [ "$PLAIN" != "$B" ]; then
    [ -x "$PLAIN/boards/$name/lwipsim" ] ||
      fail "$ex: no plain build of the board to compare with ($PLAIN/boards/$name)"
    "$(readlink -f "$PLAIN/lwipsim")" suite --board "$name" --jobs 2 2>&1 |
      awk 'NF >= 5 && $5 ~ /^0x/ {print $1, $2, $5}' >"$TMP/dp"
    cmp -s "$TMP/d1" "$TMP/dp" ||
      fail "$ex: asan digests differ from plain: $(diff "$TMP/dp" "$TMP/d1" | head -3)"
    ok "$ex: asan and plain builds give the same $(wc -l <"$TMP/dp") digests"
    continue
  fi

  # every reproduced variant: pct finds it, explore's command replays it
  while read -r scn var want; do
    [ "$want" = reproduced ] || continue
    rc=0
    "$LWIPSIM" explore "$scn" --board "$name" --variant "$var" --policy pct \
      --runs "$EXPLORE_RUNS" --no-shrink --jobs 2 >"$TMP/exp" 2>&1 || rc=$?
    # the replay line of the first failure whose verdict is `reproduced`
    cmd=$(awk '/^failure [0-9]+: reproduced /{f = 1; next}
               f && /^replay: /{sub(/^replay: /, ""); print; exit}' "$TMP/exp")
    [ -n "$cmd" ] || fail "$ex: explore $scn/$var found nothing in $EXPLORE_RUNS runs (exit $rc): $(tail -3 "$TMP/exp")"
    $cmd >"$TMP/rep" 2>&1 || true
    grep -q '^verdict: reproduced' "$TMP/rep" ||
      fail "$ex: '$cmd' does not reproduce: $(tail -2 "$TMP/rep")"
    ok "$ex: explore --policy pct finds $scn/$var ($(sed -n 's/^  reproduced *//p' "$TMP/exp" | head -1)/$EXPLORE_RUNS runs$(sed -n 's/^  fault *\([0-9]*\)/, \1 faults/p' "$TMP/exp")); its replay command reproduces"
  done <"$TMP/list"
done
