#!/bin/bash
# tests/cli/test_suite.sh BUILD
#
# `lwipsim suite` and `lwipsim explore` as CI uses them: the suite asserts
# every verdict (exit 0), its JUnit file is well-formed XML with one
# testcase per variant, --jobs 2 gives the same verdicts and digests as
# --jobs 1, every `reproduced` variant gives one digest across 10 runs (3
# in the sanitizer pass), and
# explore finds and names a replayable seed.
. "$(dirname "$0")/lib.sh"

nvariants=$("$LWIPSIM" list --names | wc -l)

# The sanitizer pass (BUILD .../asan) checks memory on fewer repetitions:
# one suite run (--jobs 2) and 3 runs per digest; the plain pass does the
# serial/parallel comparison and 10 runs.
case $B in *asan*) SAN_PASS=1 REPEAT=3 ;; *) SAN_PASS= REPEAT=10 ;; esac

# --- the suite, serial and parallel
rc=0; "$LWIPSIM" suite --junit "$TMP/junit.xml" ${SAN_PASS:+--jobs 2} >"$TMP/s1" || rc=$?
[ "$rc" = 0 ] || { cat "$TMP/s1" >&2; fail "suite exit $rc"; }
grep -q "^suite: $nvariants variants, $nvariants as expected, 0 differ" "$TMP/s1" ||
  fail "suite summary: $(tail -1 "$TMP/s1")"
[ ! -e "$TMP/junit.xml.tmp" ] || fail "junit temp file left"
xmllint --noout "$TMP/junit.xml" || fail "junit is not well-formed XML"
[ "$(grep -c '<testcase ' "$TMP/junit.xml")" = "$nvariants" ] || fail "junit testcases"
grep -q "<testsuites name=\"lwipsim\" tests=\"$nvariants\" failures=\"0\" errors=\"0\"" \
  "$TMP/junit.xml" || fail "junit counts"
# Both name the lwIP tree the verdicts hold for.
lwip=$("$LWIPSIM" --version | sed -n 's/.*(lwIP \(.*\))$/\1/p')
grep -q "<property name=\"lwip\" value=\"$lwip\"/>" "$TMP/junit.xml" ||
  fail "junit does not name lwIP $lwip"
grep -q "^suite: .*, lwIP $lwip\$" "$TMP/s1" || fail "summary does not name lwIP $lwip"
ok "suite: $nvariants variants as expected, JUnit well-formed ($nvariants testcases)"
if [ -z "$SAN_PASS" ]; then
  "$LWIPSIM" suite --jobs 2 >"$TMP/s2"
  strip() { awk 'NF > 7 && $1 != "scenario" { print $1, $2, $3, $4, $5 }' "$1"; }
  [ "$(strip "$TMP/s1")" = "$(strip "$TMP/s2")" ] ||
    fail "--jobs 2 differs from --jobs 1: $(diff <(strip "$TMP/s1") <(strip "$TMP/s2"))"
  ok "--jobs 2 gives the same verdicts and digests as --jobs 1"
fi

# --- a differing verdict: exit 1, JUnit <failure> with the oracle message
# (XML-escaped) and the replay command; engines replaced by a fake
mkdir -p "$TMP/fe"
cp "$LWIPSIM" "$TMP/fe/lwipsim"
for p in $("$LWIPSIM" list | sed -n 's/.* profile \([^ ]*\) .*/\1/p' | sort -u); do
  mkdir -p "$TMP/fe/engines/$p"
  printf '#!/bin/sh\necho '"'"'{"verdict":"fault","message":"fake <&> \\"x\\"","digest":"0x0000000000000000","timings":{"virtual_us":5}}'"'"'\nexit 3\n' \
    >"$TMP/fe/engines/$p/lwipsim-engine"
  chmod +x "$TMP/fe/engines/$p/lwipsim-engine"
done
rc=0; "$TMP/fe/lwipsim" suite --junit "$TMP/bad.xml" >"$TMP/s3" || rc=$?
[ "$rc" = 3 ] || fail "suite with faults: exit $rc, want 3"
xmllint --noout "$TMP/bad.xml" || fail "junit with failures is not well-formed"
[ "$(grep -c '<error message="verdict fault, expected' "$TMP/bad.xml")" = "$nvariants" ] ||
  fail "junit errors"
grep -q 'fake &lt;&amp;&gt; &quot;x&quot;' "$TMP/bad.xml" || fail "junit escaping"
grep -q 'replay: lwipsim run select_close_race --variant leak-2.0 --seed 1 --policy script' \
  "$TMP/bad.xml" || fail "junit replay command"
ok "faults: exit 3, JUnit <error> elements with escaped message and replay command"

# --- a missing engine: that row says "not built" with the reason, the
# suite runs every other row and exits 2
mkdir -p "$TMP/nb/engines"
cp "$LWIPSIM" "$TMP/nb/lwipsim"
for e in "$(dirname "$LWIPSIM")"/engines/*/lwipsim-engine; do
  p=$(basename "$(dirname "$e")")
  [ "$p" = heapfrag-pools ] && continue
  mkdir -p "$TMP/nb/engines/$p"
  ln -s "$e" "$TMP/nb/engines/$p/lwipsim-engine"
done
rc=0; "$TMP/nb/lwipsim" suite --jobs 2 >"$TMP/s4" || rc=$?
[ "$rc" = 2 ] || fail "suite with a missing engine: exit $rc, want 2"
grep -q '^heap_fragmentation  *pools  *not-reproduced  *not built ' "$TMP/s4" ||
  fail "no 'not built' row: $(grep pools "$TMP/s4")"
grep -q "^    not built: no engine for profile 'heapfrag-pools'" "$TMP/s4" ||
  fail "the reason is missing: $(cat "$TMP/s4")"
grep -q "^suite: $nvariants variants, $((nvariants - 1)) as expected, 0 differ (0 faults), 0 n/a, 1 not built" \
  "$TMP/s4" || fail "summary: $(tail -1 "$TMP/s4")"
ok "a missing engine: its row says 'not built' and why, the other $((nvariants - 1)) run, exit 2"

rc=0; "$LWIPSIM" explore select_close_race --variant reuse-assert --runs 3 \
  --policy rtos >"$TMP/e0" || rc=$?
[ "$rc" = 1 ] || fail "explore with all runs differing: exit $rc, want 1"
grep -q '^no failure in 3 runs' "$TMP/e0" || fail "explore none: $(cat "$TMP/e0")"
ok "explore reports 'no failure in 3 runs' and exits 1 when runs differ"

# --- determinism of every reproduced variant: REPEAT runs, one digest
while read -r scn var expected; do
  [ "$expected" = reproduced ] || continue
  # two runs at once; every last line must be the same digest line
  seq "$REPEAT" | xargs -P 2 -I{} sh -c '"$0" run "$1" --variant "$2" | tail -1' \
    "$LWIPSIM" "$scn" "$var" | sort -u >"$TMP/d"
  [ "$(wc -l <"$TMP/d")" = 1 ] || fail "$scn/$var: several digests: $(tr '\n' ' ' <"$TMP/d")"
  grep -Eq '^digest: 0x[0-9a-f]{16}$' "$TMP/d" || fail "$scn/$var: no digest: $(cat "$TMP/d")"
  ok "$scn/$var: $REPEAT runs, one $(cat "$TMP/d")"
done < <("$LWIPSIM" list --names)

# --- explore finds a seed whose replay command reproduces
# (--no-shrink: shrinking is test_explore.sh's; here it cost 400 trial
# runs and wrote a schedule into the current directory)
"$LWIPSIM" explore select_close_race --variant leak-2.0 --runs 8 --jobs 2 \
  --no-shrink >"$TMP/e1"
grep -q '^  reproduced *8$' "$TMP/e1" || fail "explore leak-2.0: $(cat "$TMP/e1")"
cmd=$(sed -n 's/^replay: //p' "$TMP/e1" | head -1)
[ -n "$cmd" ] || fail "explore printed no replay command"
$cmd | has '^verdict: reproduced' || fail "replay '$cmd' does not reproduce"
ok "explore leak-2.0 --policy random: 8/8 reproduce; '$cmd' replays"

# --- bad input
for args in "suite --jobs 0" "suite --jobs x" "suite extra" "suite --seed 3" \
            "explore select_close_race --variant leak-2.0" \
            "explore select_close_race --variant leak-2.0 --runs 0" \
            "explore nope --runs 3" "suite --junit $TMP/no/dir/j.xml"; do
  rc=0
  # shellcheck disable=SC2086
  "$LWIPSIM" $args >"$TMP/out" 2>"$TMP/err" || rc=$?
  [ "$rc" = 2 ] && [ "$(wc -l <"$TMP/err")" = 1 ] ||
    fail "'$args': exit $rc, stderr: $(cat "$TMP/err")"
done
ok "bad suite/explore options: one line, exit 2"
