#!/bin/bash
# tests/cli/test_report.sh BUILD
#
# `run --report F.html` and `replay F --report R.html`: the page appears
# whole (no temporary file left), leaves the digest and the capture alone,
# is byte-identical for the same run, names no external URL, stays under
# 10 MB for the longest scenario (saying what it left out), and an
# unwritable path fails with one line, exit 2, no file.  With Debian's
# chromium installed, the pages of select_close_race reuse-assert and
# board_ping are rendered headless: the screenshot is not blank and the
# DOM after the script ran holds the thread lanes, the verdict and the
# packets.  Without chromium that part is skipped with a reason.
. "$(dirname "$0")/lib.sh"

SCR=(select_close_race --variant reuse-assert)
"$LWIPSIM" run "${SCR[@]}" --report "$TMP/scr.html" >"$TMP/out"
[ -s "$TMP/scr.html" ] || fail "no report written"
[ ! -e "$TMP/scr.html.tmp" ] || fail "temporary file left"
d1=$(tail -1 "$TMP/out")
d2=$("$LWIPSIM" run "${SCR[@]}" | tail -1)
[ "$d1" = "$d2" ] || fail "--report changes the digest: $d1 vs $d2"
"$LWIPSIM" run "${SCR[@]}" --report "$TMP/scr2.html" >/dev/null
cmp -s "$TMP/scr.html" "$TMP/scr2.html" || fail "two runs wrote different reports"
grep -q '"command":"lwipsim run select_close_race --variant reuse-assert --seed 1 --policy script"' \
  "$TMP/scr.html" || fail "replay command missing"
ok "select_close_race reuse-assert: the page appears whole, the same bytes twice, digest unchanged"

"$LWIPSIM" run board_ping --variant default --report "$TMP/bp.html" \
  --pcap "$TMP/bp.pcapng" >/dev/null
"$LWIPSIM" run board_ping --variant default --pcap "$TMP/bp2.pcapng" >/dev/null
cmp -s "$TMP/bp.pcapng" "$TMP/bp2.pcapng" || fail "--report changes the capture"
grep -q '"in",98,"virtual","ICMP echo request id [0-9]* seq 0"' "$TMP/bp.html" ||
  fail "packet summaries missing"
grep -q '"ARP who-has 192.0.2.1 tell 192.0.2.99"' "$TMP/bp.html" || fail "ARP summary"
ok "board_ping: packets with summaries in the page; the capture is byte-identical"

for f in "$TMP/scr.html" "$TMP/bp.html"; do
  if grep -Eiq 'https?://|(src|href|action)[[:space:]]*=|url\(|@import|fetch\(|XMLHttpRequest|WebSocket' "$f"; then
    fail "$(basename "$f") refers to something outside the page: $(grep -Eio '.{20}(https?://|src=|href=|url\().{20}' "$f" | head -1)"
  fi
done
ok "no external URL, src, href, url(), fetch or XHR in either page"

rc=0
"$LWIPSIM" run "${SCR[@]}" --report /nonexistent-dir/r.html >/dev/null 2>"$TMP/err" || rc=$?
[ "$rc" = 2 ] || fail "unwritable --report: exit $rc, want 2"
[ "$(wc -l <"$TMP/err")" = 1 ] && grep -q '^lwipsim: cannot write report /nonexistent-dir/r.html' "$TMP/err" ||
  fail "unwritable --report message: $(cat "$TMP/err")"
rc=0
"$LWIPSIM" run "${SCR[@]}" --report "" >/dev/null 2>"$TMP/err" || rc=$?
[ "$rc" = 2 ] || fail "empty --report: exit $rc"
ok "an unwritable or empty --report path: one line, exit 2, no file"

"$LWIPSIM" run board_ping --variant default --pcap "$TMP/rec.pcapng" >/dev/null
"$LWIPSIM" replay "$TMP/rec.pcapng" --report "$TMP/replay.html" >"$TMP/rout"
grep -q 'equals the recording' "$TMP/rout" || fail "replay: $(cat "$TMP/rout")"
grep -q "\"replayed\":\"$TMP/rec.pcapng\"" "$TMP/replay.html" || fail "replay report"
# the replayed run's page equals the recorded run's but for the replay line
diff <(sed 's/"replayed":"[^"]*"/"replayed":null/' "$TMP/replay.html") "$TMP/bp.html" >/dev/null ||
  fail "the replay's page differs from the run's"
rc=0
"$LWIPSIM" replay "$TMP/rec.pcapng" --report /nonexistent-dir/r.html >/dev/null 2>"$TMP/err" || rc=$?
[ "$rc" != 0 ] && grep -q 'cannot write report' "$TMP/err" || fail "replay unwritable: $rc $(cat "$TMP/err")"
ok "replay F --report R writes the page of the replayed run"

"$LWIPSIM" run ping_flood_load --report "$TMP/pf.html" >/dev/null
size=$(stat -c %s "$TMP/pf.html")
[ "$size" -le 10000000 ] || fail "ping_flood_load report is $size bytes"
grep -Eq '"omitted":\{"spans":\{"n":[1-9]' "$TMP/pf.html" || fail "left-out spans not counted"
ok "ping_flood_load: $size bytes, what was left out is counted"

CHROME=$(command -v chromium || command -v chromium-browser || true)
case $B in *asan*)
  # The page's bytes are the plain build's (checked above); the browser
  # side is tested once, in the plain pass.
  echo "skip report rendering in the sanitizer pass: the plain pass renders the same pages"
  exit 0 ;;
esac
if [ -z "$CHROME" ]; then
  echo "skip report rendering: chromium not installed (make deps installs it)"
  exit 0
fi
render() { # render PAGE PNG DOM
  local args=(--headless --no-sandbox --disable-gpu --window-size=1400,900
    --user-data-dir="$TMP/chrome" --virtual-time-budget=5000)
  timeout 120 "$CHROME" "${args[@]}" --screenshot="$2" "file://$1" >/dev/null 2>&1 ||
    fail "chromium could not screenshot $1"
  timeout 120 "$CHROME" "${args[@]}" --dump-dom "file://$1" >"$3" 2>/dev/null ||
    fail "chromium could not render $1"
  [ "$(stat -c %s "$2")" -gt 20000 ] || fail "screenshot of $1 looks blank"
  grep -q 'data-rendered="yes"' "$3" || fail "the page script did not finish: $1"
}
render "$TMP/scr.html" "$TMP/scr.png" "$TMP/scr.dom"
for lane in tcpip_thread closer selector main; do
  grep -q "\">$lane</div>" "$TMP/scr.dom" || fail "no lane $lane in the rendered page"
done
grep -q 'id="verdict">reproduced<' "$TMP/scr.dom" || fail "verdict not rendered"
grep -q 'lwip assert: sockets\[i\].select_waiting == 0' "$TMP/scr.dom" || fail "oracle message"
grep -q 'script: hold selector' "$TMP/scr.dom" || fail "script marker not listed"
render "$TMP/bp.html" "$TMP/bp.png" "$TMP/bp.dom"
grep -q 'id="verdict">not-reproduced<' "$TMP/bp.dom" || fail "board_ping verdict"
grep -q '<td>ICMP echo reply id [0-9]* seq 9</td>' "$TMP/bp.dom" || fail "packet table"
grep -q 'no pool records' "$TMP/bp.dom" || fail "no 'no pool records' note"
ok "chromium renders both pages: lanes, verdict, markers, packets; screenshots $(stat -c %s "$TMP/scr.png") and $(stat -c %s "$TMP/bp.png") bytes"
