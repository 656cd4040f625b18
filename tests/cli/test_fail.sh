#!/bin/bash
# tests/cli/test_fail.sh BUILD
#
# Fault injection and pool records: bad --fail specs are one line, exit 2,
# no file written; `--fail memp:PBUF_POOL@N` makes lwIP's pool refuse the
# Nth allocation (a "fail" record, a capture comment, the driver's refill
# failures in ping_flood_load's drop counters), and `replay` injects it
# again; the "pool" records end where lwIP's own statistics end; the
# heap_fragmentation verdict agrees with the trace's heap records.
. "$(dirname "$0")/lib.sh"

# --- bad specs: one line, exit 2, no trace or capture left behind
bad() {
  local what=$1 want=$2; shift 2
  local rc=0
  "$LWIPSIM" run board_ping --variant default --trace "$TMP/t.jsonl" \
    --pcap "$TMP/c.pcapng" "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
  [ "$rc" = 2 ] || fail "$what: exit $rc, want 2"
  [ "$(wc -l <"$TMP/err")" = 1 ] || fail "$what: stderr not one line: $(cat "$TMP/err")"
  grep -q "^lwipsim: .*$want" "$TMP/err" || fail "$what: $(cat "$TMP/err")"
  [ ! -s "$TMP/out" ] || fail "$what: wrote to stdout"
  ls "$TMP"/t.jsonl* "$TMP"/c.pcapng* >/dev/null 2>&1 && fail "$what: left a file"
  ok "$what -> exit 2: $(cat "$TMP/err")"
}
bad "--fail without @N" "bad --fail 'mem'" --fail mem
bad "--fail N=0" "N must be a decimal number from 1" --fail memp:PBUF_POOL@0
bad "--fail N not decimal" "N must be" --fail mem@0x10
bad "--fail unknown kind" "want memp:POOL@N or mem@N" --fail heap@3
bad "--fail unknown pool" "this profile has no lwIP pool 'NOPE'; pools: .*PBUF_POOL" \
  --fail memp:NOPE@1
bad "--fail pool of another profile" "no lwIP pool 'HTTPD_STATE'" \
  --fail memp:HTTPD_STATE@1
bad "--fail without a value" "needs a value" --fail
rc=0; "$LWIPSIM" suite --fail mem@1 >/dev/null 2>"$TMP/err" || rc=$?
[ "$rc" = 2 ] && grep -q "suite does not take option" "$TMP/err" ||
  fail "suite --fail: exit $rc $(cat "$TMP/err")"
ok "suite does not take --fail"
# The pool of a profile that has it is accepted (httpd_oom's pool profile).
"$LWIPSIM" run httpd_oom --variant default-poll --fail memp:HTTPD_STATE@2 \
  --trace "$TMP/h.jsonl" >"$TMP/out" || true
grep -q '"kind":"fail","detail":"memp HTTPD_STATE allocation #2 failed"' "$TMP/h.jsonl" ||
  fail "HTTPD_STATE (a private pool of lwIP's httpd) was not failed"
grep -q '"kind":"pool","detail":"HTTPD_STATE used=' "$TMP/h.jsonl" ||
  fail "no pool records for HTTPD_STATE"
ok "memp:HTTPD_STATE@2 fails httpd's private pool in the httpd-pool profile"

# --- a failure in the run: trace record, capture comment, replay
"$LWIPSIM" run board_ping --variant default --fail memp:PBUF_POOL@20 \
  --trace "$TMP/f.jsonl" --pcap "$TMP/f.pcapng" >"$TMP/out"
rec=$(grep '"kind":"fail"' "$TMP/f.jsonl")
[ "$(grep -c '"kind":"fail"' "$TMP/f.jsonl")" = 1 ] || fail "want one fail record: $rec"
grep -q '"thread":"emac_rx","kind":"fail","detail":"memp PBUF_POOL allocation #20 failed"' \
  <<<"$rec" || fail "fail record: $rec"
ok "one trace record: $rec"
if command -v tshark >/dev/null; then
  c=$(tshark -r "$TMP/f.pcapng" -T fields -e frame.comment 2>/dev/null | grep 'lwipsim --fail' || true)
  [ "$c" = "lwipsim --fail: memp PBUF_POOL allocation #20 failed in emac_rx" ] ||
    fail "capture comment: '$c'"
  ok "the capture names it on the next frame: $c"
else
  echo "skip fail: tshark not installed"
fi
"$LWIPSIM" replay "$TMP/f.pcapng" >"$TMP/r" || fail "replay: $(tail -2 "$TMP/r")"
grep -q "equals the recording's" "$TMP/r" || fail "replay: $(tail -1 "$TMP/r")"
ok "replay of a --fail capture injects the same failure (digests equal)"
d1=$(tail -1 "$TMP/out")
d2=$("$LWIPSIM" run board_ping --variant default --fail memp:PBUF_POOL@20 | tail -1)
d0=$("$LWIPSIM" run board_ping --variant default | tail -1)
[ "$d1" = "$d2" ] && [ "$d1" != "$d0" ] || fail "digests: $d1 $d2 (none: $d0)"
ok "the same --fail gives the same digest; without it another"

# --- what lwIP did: the driver's refills from PBUF_POOL fail, counted in
# ping_flood_load's drop report; without --fail none do.
msg() { grep '^verdict:' "$1" | grep -o 'refill failures [0-9]*'; }
args=()
for n in 5000 5001 5002; do args+=(--fail "memp:PBUF_POOL@$n"); done
"$LWIPSIM" run ping_flood_load "${args[@]}" >"$TMP/p1" & p1=$! # both at once
"$LWIPSIM" run ping_flood_load --trace "$TMP/p.jsonl" >"$TMP/p0" || fail "ping_flood_load"
wait "$p1" || fail "ping_flood_load --fail"
[ "$(msg "$TMP/p0")" = "refill failures 0" ] && [ "$(msg "$TMP/p1")" = "refill failures 3" ] ||
  fail "refill failures: '$(msg "$TMP/p0")' then '$(msg "$TMP/p1")'"
ok "ping_flood_load: $(msg "$TMP/p0") without --fail, $(msg "$TMP/p1") with 3 PBUF_POOL failures"

# --- pool records end where lwIP's statistics end: the last record of each
# pool has the max the scenario reports from lwip_stats ("pool max: ...").
want=$(grep '^verdict:' "$TMP/p0" | sed 's/.*pool max: //' | tr ',' '\n' |
       sed 's/^ *//' | sort)
# A pool never used has no record (its count never changed): max 0.
# (grep -F and awk: the trace has 1.8 million lines, 0.8 million of them
# pool records)
got=$(LC_ALL=C grep -F '"kind":"pool"' "$TMP/p.jsonl" |
      LC_ALL=C awk -F'"detail":"' -v names="$(awk '{print $1}' <<<"$want")" '
        { split($2, f, " "); split(f[3], m, "="); last[f[1]] = m[2] }
        END { n = split(names, w, "\n")
              for (i = 1; i <= n; i++) print w[i], (w[i] in last ? last[w[i]] : 0) }' |
      sort)
[ -n "$want" ] && [ "$want" = "$got" ] || fail "pool records: got '$got' want '$want'"
grep -q '"detail":"PBUF_POOL used=[0-9]* max=11 err=0 size=16"' "$TMP/p.jsonl" ||
  fail "PBUF_POOL record format"
ok "the last pool record of each pool has lwIP's max ($(wc -l <<<"$want") pools)"

# --- heap_fragmentation: the message's figures are the heap's at the refusal
"$LWIPSIM" run heap_fragmentation --variant fragmented --trace "$TMP/hf.jsonl" >"$TMP/hf" ||
  fail "heap_fragmentation fragmented: $(tail -2 "$TMP/hf")"
v=$(grep '^verdict:' "$TMP/hf")
req=$(grep -o 'mem_malloc([0-9]*) refused' <<<"$v" | grep -o '[0-9]*')
free=$(grep -o 'refused with [0-9]* bytes free' <<<"$v" | grep -o '[0-9]*')
big=$(grep -o 'the largest [0-9]* bytes' <<<"$v" | grep -o '[0-9]*')
used=$(grep -o ', [0-9]* used)' <<<"$v" | grep -o '[0-9]*')
[ "$free" -gt "$req" ] && [ "$big" -lt "$req" ] || fail "not fragmentation: $v"
grep -q "\"kind\":\"heap\",\"detail\":\"mem_malloc($req) refused: $free bytes free in [0-9]* blocks, the largest $big\"" \
  "$TMP/hf.jsonl" || fail "no heap record for the refusal"
after=$(grep -A1 "\"kind\":\"heap\",\"detail\":\"mem_malloc($req) refused: $free " "$TMP/hf.jsonl" | tail -1)
grep -q "\"kind\":\"pool\",\"detail\":\"HEAP used=$used max=[0-9]* err=[1-9][0-9]* size=10240\"" \
  <<<"$after" || fail "HEAP record after the refusal: $after"
ok "heap_fragmentation: mem_malloc($req) refused with $free free, largest $big; HEAP used=$used as the walk"
