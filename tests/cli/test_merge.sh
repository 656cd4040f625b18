#!/bin/bash
# tests/cli/test_merge.sh BUILD
#
# `lwipsim merge`: the --json summaries of 4 shards of one sweep, and of 4
# shards of one explore, merge into what the unsharded run wrote (counts,
# groups with their lowest N or seed and replay command); shards of
# different campaigns or overlapping ranges are refused with one line,
# exit 2, nothing written.
. "$(dirname "$0")/lib.sh"

norm() { jq -S 'del(.wall_s, .jobs)' "$1"; }

# --- sweep: board_ping in 4 shards against one run
start=$(date +%s%N)
"$LWIPSIM" sweep board_ping --variant default --jobs 2 --json "$TMP/all.json" >"$TMP/all" 2>&1 || true
for i in 1 2 3 4; do
  "$LWIPSIM" sweep board_ping --variant default --jobs 2 --shard "$i/4" \
    --json "$TMP/s$i.json" >/dev/null 2>&1 || true
done
rc=0
"$LWIPSIM" merge "$TMP"/s4.json "$TMP"/s2.json "$TMP"/s1.json "$TMP"/s3.json \
  --json "$TMP/merged.json" >"$TMP/merged" 2>&1 || rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$rc" = 1 ] || fail "sweep merge: exit $rc (want 1, as the sweep): $(cat "$TMP/merged")"
diff <(norm "$TMP/all.json") <(norm "$TMP/merged.json") >"$TMP/d" ||
  fail "4 merged sweep shards differ from one run: $(head -30 "$TMP/d")"
# the printed tables too, but for the first line (wall time, jobs)
diff <(tail -n +2 "$TMP/all") <(tail -n +2 "$TMP/merged") >"$TMP/d" ||
  fail "printed summaries differ: $(head -20 "$TMP/d")"
grep -q '^sweep board_ping/default on lwIP .*, merged from 4 shards$' "$TMP/merged" ||
  fail "no merged header: $(head -1 "$TMP/merged")"
ok "4 merged sweep shards equal one unsharded sweep (JSON and tables; $ms ms)"

# --- explore: 4 shards of 3 seeds against 12 seeds
"$LWIPSIM" explore select_close_race --variant reuse-assert --policy pct \
  --runs 12 --jobs 2 --no-shrink --json "$TMP/xall.json" >"$TMP/xall" 2>&1 || true
for i in 1 2 3 4; do
  "$LWIPSIM" explore select_close_race --variant reuse-assert --policy pct \
    --runs 3 --jobs 2 --no-shrink --shard "$i/4" --json "$TMP/x$i.json" >/dev/null 2>&1 || true
done
rc=0
"$LWIPSIM" merge "$TMP"/x3.json "$TMP"/x1.json "$TMP"/x4.json "$TMP"/x2.json \
  --json "$TMP/xmerged.json" >"$TMP/xmerged" 2>&1 || rc=$?
xnorm() { jq -S 'del(.wall_s, .status) | .failures |= map(del(.schedule, .preemptions, .preemptions_before))' "$1"; }
diff <(xnorm "$TMP/xall.json") <(xnorm "$TMP/xmerged.json") >"$TMP/d" ||
  fail "4 merged explore shards differ from one run: $(head -30 "$TMP/d")"
[ "$(jq '.failures | length' "$TMP/xmerged.json")" -ge 1 ] || fail "explore: no failure to merge: $(cat "$TMP/xall")"
want=$( [ "$(jq '.counts.reproduced' "$TMP/xall.json")" = 12 ] && echo 0 || echo 1)
[ "$rc" = "$want" ] || fail "explore merge: exit $rc, want $want"
grep -q '^replay: .* --seed [0-9]* --policy pct --depth 3 --steps [0-9]*$' "$TMP/xmerged" ||
  fail "explore merge prints no replay: $(cat "$TMP/xmerged")"
ok "4 merged explore shards (seeds 1..12) equal one unsharded explore: counts $(jq -c .counts "$TMP/xmerged.json"), $(jq '.failures | length' "$TMP/xmerged.json") failure kinds with their lowest seeds"

# --- refused: one line, exit 2, no --json file
bad() {
  local want=$1; shift
  rc=0
  "$LWIPSIM" merge "$@" --json "$TMP/bad.json" >"$TMP/out" 2>"$TMP/err" || rc=$?
  [ "$rc" = 2 ] || fail "merge $*: exit $rc"
  [ "$(wc -l <"$TMP/err")" = 1 ] || fail "merge $*: $(cat "$TMP/err")"
  grep -q "^lwipsim: $want" "$TMP/err" || fail "merge $*: $(cat "$TMP/err")"
  [ ! -e "$TMP/bad.json" ] || fail "merge $*: wrote its --json file"
}
bad ".*s1.json and .*s1.json overlap: runs 1..14 and 1..14" "$TMP/s1.json" "$TMP/s1.json"
bad ".*s1.json is a sweep summary, .*x1.json an explore one" "$TMP/s1.json" "$TMP/x1.json"
jq '.variant = "cable-pull"' "$TMP/s2.json" >"$TMP/other.json"
bad ".*s1.json and .*other.json are not one campaign: variant default, cable-pull" "$TMP/s1.json" "$TMP/other.json"
jq '.build = "0000000000000000"' "$TMP/x2.json" >"$TMP/xb.json"
bad ".*x1.json and .*xb.json are not one campaign: build " "$TMP/x1.json" "$TMP/xb.json"
bad "cannot read $TMP/none.json" "$TMP/none.json"
echo '{"a": 1}' >"$TMP/junk.json"
bad ".*junk.json is not the --json summary of explore or sweep" "$TMP/junk.json"
rc=0
"$LWIPSIM" merge >"$TMP/out" 2>"$TMP/err" || rc=$?
if [ "$rc" != 2 ] || ! grep -q '^lwipsim: merge needs the --json summaries' "$TMP/err"; then
  fail "merge alone: $rc $(cat "$TMP/err")"
fi
ok "overlapping ranges, sweep with explore, another variant or build, a missing or foreign file, no file: one line, exit 2, nothing written"
