#!/bin/bash
# tests/cli/test_capture.sh BUILD
#
# Captures as Wireshark users get them: `run --pcap F` writes a pcapng that
# capinfos and tshark read, with the run's identity as the section comment,
# frames in both directions, drop reasons as packet comments; the same run
# writes a byte-identical file; `--pcap -` streams the same bytes to a pipe
# (the result going to stderr); bad paths fail with one line and no file.
. "$(dirname "$0")/lib.sh"
if ! command -v tshark >/dev/null || ! command -v capinfos >/dev/null; then
  echo "skip capture: tshark/capinfos not installed (make deps installs them)"
  exit 0
fi

"$LWIPSIM" run board_ping --variant default --pcap "$TMP/a.pcapng" >"$TMP/out"
[ ! -e "$TMP/a.pcapng.tmp" ] || fail "temporary file left"
capinfos -t "$TMP/a.pcapng" | has 'pcapng' || fail "capinfos: not pcapng"
capinfos -k "$TMP/a.pcapng" | has 'scenario: board_ping variant: default seed: 1' ||
  fail "section comment: $(capinfos -k "$TMP/a.pcapng")"
capinfos -k "$TMP/a.pcapng" | grep -Eq 'lwip: [0-9.]+ build: [0-9a-f]{16} wire: virtual' ||
  fail "section comment lacks lwIP version, build or wire"
fields() { tshark -r "$1" -T fields -e frame.p2p_dir -e _ws.col.Protocol -e frame.comment 2>/dev/null; }
fields "$TMP/a.pcapng" >"$TMP/f"
[ "$(grep -c $'\tICMP\t' "$TMP/f" || true)" = 20 ] || fail "want 20 ICMP frames: $(cat "$TMP/f")"
[ "$(grep -c $'\tARP\t' "$TMP/f" || true)" -ge 2 ] || fail "want the ARP exchange"
grep -q $'^1\tICMP' "$TMP/f" && grep -q $'^0\tICMP' "$TMP/f" || fail "directions"
[ "$(tshark -r "$TMP/a.pcapng" -T fields -e frame.interface_name 2>/dev/null | grep . | sort -u)" = en0 ] ||
  fail "interface name"
ok "board_ping: pcapng with identity comment, 20 ICMP in both directions, ARP, interface en0"

"$LWIPSIM" run board_ping --variant cable-pull --pcap "$TMP/c.pcapng" >/dev/null
fields "$TMP/c.pcapng" | has 'rx dropped: link down' || fail "drop comment"
ok "cable-pull: the dropped ping carries 'rx dropped: link down'"

"$LWIPSIM" run board_ping --variant default --pcap "$TMP/b.pcapng" >"$TMP/out2"
cmp -s "$TMP/a.pcapng" "$TMP/b.pcapng" || fail "two runs wrote different captures"
d1=$(tail -1 "$TMP/out")
d2=$("$LWIPSIM" run board_ping --variant default | tail -1)
[ "$d1" = "$d2" ] || fail "--pcap changes the digest: $d1 vs $d2"
ok "the same run writes a byte-identical capture; --pcap leaves the digest alone"

"$LWIPSIM" run board_ping --variant default --pcap - 2>"$TMP/err" >"$TMP/s.pcapng"
cmp -s "$TMP/a.pcapng" "$TMP/s.pcapng" || fail "--pcap - differs from the file"
tail -1 "$TMP/err" | has "^$d1\$" || fail "--pcap -: result not on stderr"
n=$("$LWIPSIM" run board_ping --variant default --pcap - 2>/dev/null | tshark -r - 2>/dev/null | wc -l)
[ "$n" = "$(wc -l <"$TMP/f")" ] || fail "tshark -r - read $n frames"
ok "--pcap - streams the same bytes into a pipe (tshark -r - reads $n frames); result on stderr"

"$LWIPSIM" run udp_loopback --pcap "$TMP/none.pcapng" >/dev/null 2>"$TMP/err"
grep -q 'has no wire; the capture holds no frames' "$TMP/err" || fail "no-wire note"
capinfos -c "$TMP/none.pcapng" | has 'Number of packets: *0' || fail "no-wire capture"
ok "a scenario without a wire gives a valid, empty capture and says so"

rc=0; "$LWIPSIM" run board_ping --variant default --pcap "$TMP/no/dir/x.pcapng" \
  >"$TMP/out" 2>"$TMP/err" || rc=$?
[ "$rc" = 2 ] && [ "$(wc -l <"$TMP/err")" = 1 ] || fail "bad --pcap path: exit $rc $(cat "$TMP/err")"
ls "$TMP/no" >/dev/null 2>&1 && fail "bad path created something"
ok "a --pcap path in a missing directory: one line, exit 2, nothing written"

# --- replay: the capture alone re-runs the run and compares digests
"$LWIPSIM" replay "$TMP/a.pcapng" >"$TMP/r" || fail "replay: $(tail -3 "$TMP/r")"
grep -q "^replay: board_ping/default digest ${d1#digest: } equals the recording's" "$TMP/r" ||
  fail "replay output: $(tail -1 "$TMP/r")"
ok "replay of a board_ping capture: the digest equals the recording's (exit 0)"
replay_error() {
  local what=$1 file=$2 want=$3 rc=0
  "$LWIPSIM" replay "$file" >"$TMP/out" 2>"$TMP/err" || rc=$?
  [ "$rc" = 2 ] && [ "$(wc -l <"$TMP/err")" = 1 ] && grep -q "$want" "$TMP/err" ||
    fail "replay of $what: exit $rc, $(cat "$TMP/err")"
  ok "replay of $what: one line, exit 2"
}
head -c 700 "$TMP/a.pcapng" >"$TMP/t.pcapng"
replay_error "a truncated capture" "$TMP/t.pcapng" "cannot read capture"
head -c 4096 /dev/urandom >"$TMP/rnd.pcapng"
replay_error "random bytes" "$TMP/rnd.pcapng" "not a pcapng file"
LC_ALL=C sed 's/build: [0-9a-f]\{16\}/build: 0000000000000000/' "$TMP/a.pcapng" >"$TMP/o.pcapng"
replay_error "a capture from another build" "$TMP/o.pcapng" "comes from another build"
replay_error "a capture without a summary" "$TMP/none.pcapng" "has no summary block"
replay_error "a missing file" "$TMP/missing.pcapng" "No such file"

# --- the peer scenarios: one digest over 10 runs, and a capture with both
# nodes' frames (the board's MAC and the peer's)
for scn in peer_tcp_echo peer_http_get peer_ping_2000; do
  for i in $(seq 10); do "$LWIPSIM" run "$scn" | tail -1; done | sort -u >"$TMP/d"
  [ "$(wc -l <"$TMP/d")" = 1 ] || fail "$scn: several digests: $(tr '\n' ' ' <"$TMP/d")"
  "$LWIPSIM" run "$scn" --pcap "$TMP/$scn.pcapng" >/dev/null
  macs=$(tshark -r "$TMP/$scn.pcapng" -T fields -e eth.src 2>/dev/null | sort -u | wc -l)
  [ "$macs" -ge 2 ] || fail "$scn: capture shows $macs sender(s)"
  ok "$scn: 10 runs, one $(cat "$TMP/d"); its capture shows both nodes ($macs senders)"
done

# --- a replay that parts from the recording names the first record: the
# recording is altered (record 10's hash and the digest) to stand for a run
# that went another way
cp "$TMP/a.pcapng" "$TMP/alt.pcapng"
perl -0777 -pi -e 's/(lwsimTH1.{4}.{40})(.)/$1.chr(ord($2)^1)/se;
  s/lwipsim digest: 0x[0-9a-f]{16}/lwipsim digest: 0x0000000000000000/' "$TMP/alt.pcapng"
rc=0; "$LWIPSIM" replay "$TMP/alt.pcapng" >"$TMP/r2" 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "replay of an altered recording: exit $rc"
grep -q '^diverged: record 10: {"t_us":' "$TMP/r2" || fail "no first diverging record: $(cat "$TMP/r2")"
grep -q "differs from the recording's 0x0000000000000000" "$TMP/r2" || fail "differs line"
ok "a replay that parts from the recording: exit 1, names the first differing trace record (#10)"

# --- replay --pcap: the replay's own capture is byte-identical
"$LWIPSIM" replay "$TMP/a.pcapng" --pcap "$TMP/again.pcapng" >/dev/null || fail "replay --pcap"
cmp -s "$TMP/a.pcapng" "$TMP/again.pcapng" || fail "the replay's capture differs"
ok "replay --pcap writes a byte-identical capture"
