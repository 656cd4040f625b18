#!/bin/bash
# tests/cli/test_tap.sh BUILD
#
# `lwipsim serve` on a real TAP device, inside a network namespace this test
# creates and always removes (trap), with the TAP device, its addresses
# (192.0.2.0/24) and every peer tool inside it: the kernel pings the board
# (10 replies), talks to its TCP echo server, SIGINT stops it, the capture
# shows the ARP exchange, the ICMP echoes and the TCP session under the
# session's identity, and the TAP device is gone.  curl fetches / from the
# board's httpd; a 1-second iperf runs into lwiperf.  `lwipsim replay` of
# the capture gives the session's digest.  A second serve on the same name
# fails as busy.  Needs root and /dev/net/tun; skips otherwise.
. "$(dirname "$0")/lib.sh"
if [ "$(id -u)" != 0 ]; then
  echo "skip tap: needs root (CI runs as root)"; exit 0
fi
if [ ! -c /dev/net/tun ] || ! command -v ip >/dev/null; then
  echo "skip tap: no /dev/net/tun or no ip(8)"; exit 0
fi
NS=lwipsim-test-$$
SERVE=
cleanup() {
  [ -n "$SERVE" ] && kill -TERM "$SERVE" 2>/dev/null && wait "$SERVE" 2>/dev/null
  ip netns del "$NS" 2>/dev/null || true
}
# lib.sh's fail, with what serve printed.
fail() { echo "FAIL: $TEST: $*" >&2; [ -f "$TMP/serve.out" ] && cat "$TMP/serve.out" >&2; exit 1; }
in_ns() { ip netns exec "$NS" "$@"; }

ip netns add "$NS"
in_ns ip link set lo up
# Started directly (not through a shell function, which would fork a
# subshell), so $! is lwipsim itself: `ip netns exec` execs it.
ip netns exec "$NS" "$LWIPSIM" serve --tap lwt0 --pcap "$TMP/s.pcapng" \
  >"$TMP/serve.out" 2>&1 &
SERVE=$!
for _ in $(seq 100); do in_ns ip link show lwt0 >/dev/null 2>&1 && break; sleep 0.05; done
in_ns ip link show lwt0 >/dev/null 2>&1 || fail "no TAP device lwt0 in $NS"
in_ns ip addr add 192.0.2.2/24 dev lwt0
in_ns ip link set lwt0 up

rc=0; in_ns "$LWIPSIM" serve --tap abcdefghijklmnop >"$TMP/long.out" 2>&1 || rc=$?
[ "$rc" = 2 ] && grep -q "is too long" "$TMP/long.out" || fail "long name: exit $rc"
if id nobody >/dev/null 2>&1 && su nobody -s /bin/sh -c "test -x '$LWIPSIM'"; then
  rc=0; su nobody -s /bin/sh -c "'$LWIPSIM' serve --tap lwn0" >"$TMP/perm.out" 2>&1 || rc=$?
  [ "$rc" = 2 ] && [ "$(wc -l <"$TMP/perm.out")" = 1 ] && grep -q 'no permission' "$TMP/perm.out" ||
    fail "serve as nobody: exit $rc $(cat "$TMP/perm.out")"
  ok "serve without permission (as nobody): one line, exit 2"
fi
ok "a TAP name of 16 characters: one line, exit 2"
if command -v unshare >/dev/null; then
  # /dev/net hidden by an empty tmpfs in a private mount namespace: the
  # machine's own /dev is untouched.
  rc=0; unshare -m sh -c "mount -t tmpfs tmpfs /dev/net && '$LWIPSIM' serve --tap lwx0" \
    >"$TMP/notun.out" 2>&1 || rc=$?
  [ "$rc" = 2 ] && [ "$(wc -l <"$TMP/notun.out")" = 1 ] && grep -q 'no /dev/net/tun' "$TMP/notun.out" ||
    fail "serve without /dev/net/tun: exit $rc $(cat "$TMP/notun.out")"
  ok "serve without /dev/net/tun: one line, exit 2"
else
  echo "skip tap: serve without /dev/net/tun: unshare(1) not installed"
fi
rc=0; in_ns "$LWIPSIM" serve --tap lwt0 >"$TMP/busy.out" 2>&1 || rc=$?
[ "$rc" = 2 ] && grep -q 'TAP device lwt0 is busy' "$TMP/busy.out" ||
  fail "second serve on lwt0: exit $rc $(cat "$TMP/busy.out")"
ok "a second serve on the same device: one line, exit 2 (busy)"

in_ns ping -c 10 -i 0.2 -W 2 192.0.2.1 >"$TMP/ping" || fail "ping: $(cat "$TMP/ping")"
grep -q '10 packets transmitted, 10 received' "$TMP/ping" || fail "ping: $(tail -2 "$TMP/ping")"
ok "the kernel pings the board: 10 of 10 replies"
reply=$(in_ns timeout 5 bash -c 'exec 3<>/dev/tcp/192.0.2.1/7; printf "hello lwip\n" >&3; timeout 2 head -c 11 <&3') ||
  fail "tcp echo"
[ "$reply" = "hello lwip" ] || fail "tcp echo replied '$reply'"
ok "TCP echo on port 7 answers"
code=$(in_ns curl -s -m 10 -o "$TMP/index.html" -w '%{http_code}' http://192.0.2.1/) ||
  fail "curl http://192.0.2.1/"
[ "$code" = 200 ] && grep -qi '<html' "$TMP/index.html" || fail "curl: HTTP $code"
ok "curl fetches / from the board's httpd: 200, $(wc -c <"$TMP/index.html") bytes"
if command -v iperf >/dev/null; then
  in_ns timeout 20 iperf -c 192.0.2.1 -t 1 -f m >"$TMP/iperf" 2>&1 || fail "iperf: $(cat "$TMP/iperf")"
  grep -q 'Mbits/sec' "$TMP/iperf" || fail "iperf: $(cat "$TMP/iperf")"
  ok "iperf 2 into lwiperf: $(grep -o '[0-9.]* Mbits/sec' "$TMP/iperf" | tail -1)"
else
  echo "skip tap: iperf into lwiperf: iperf not installed (make deps installs it)"
fi

serve_stop INT
grep -q '^serve: normal after .*: stopped' "$TMP/serve.out" || fail "serve summary"
grep -Eq '^digest: 0x[0-9a-f]{16}$' "$TMP/serve.out" || fail "serve digest"
in_ns ip link show lwt0 >/dev/null 2>&1 && fail "TAP device still there after the end"
ok "SIGINT stops serve (exit 0, summary, digest); the TAP device is gone"

if command -v tshark >/dev/null; then
  capinfos -k "$TMP/s.pcapng" | has 'lwipsim serve' || fail "capture comment"
  capinfos -k "$TMP/s.pcapng" | has 'wire: tap:lwt0' || fail "capture wire"
  tshark -r "$TMP/s.pcapng" -T fields -e _ws.col.Protocol 2>/dev/null >"$TMP/p"
  [ "$(grep -cx ICMP "$TMP/p" || true)" = 20 ] || fail "want 20 ICMP frames"
  grep -qx ARP "$TMP/p" && grep -qx TCP "$TMP/p" || fail "want ARP and TCP"
  grep -qx HTTP "$TMP/p" || fail "want the HTTP exchange"
  ok "the capture holds ARP, 20 ICMP echoes, the TCP and HTTP sessions, with the session's identity"
else
  echo "skip tap: the session's capture: tshark not installed (make deps installs it)"
fi

rc=0; "$LWIPSIM" replay "$TMP/s.pcapng" >"$TMP/replay.out" 2>&1 || rc=$?
[ "$rc" = 0 ] && grep -q '^replay: serve/live digest .* equals the recording' "$TMP/replay.out" ||
  fail "replay of the session: exit $rc $(tail -2 "$TMP/replay.out")"
ok "lwipsim replay of the live session (no TAP, no root needed): the same digest"

# --mirror-tap: a deterministic run also writes every frame of its virtual
# wire to a TAP device in the namespace (up, no address); the digest stays.
in_ns "$LWIPSIM" run board_ping --variant default --mirror-tap lwm0 \
  --pcap "$TMP/m.pcapng" >"$TMP/m.out" 2>"$TMP/m.err" || fail "mirror run: $(cat "$TMP/m.err")"
n=$(sed -n 's/^lwipsim: mirrored \([0-9]*\) frames to lwm0$/\1/p' "$TMP/m.err")
want=$(capinfos -c -M "$TMP/m.pcapng" 2>/dev/null | sed -n 's/^Number of packets: *//p')
[ -n "$n" ] && [ "$n" = "$want" ] || fail "mirrored '$n' frames, the capture has '$want'"
[ "$(tail -1 "$TMP/m.out")" = "$("$LWIPSIM" run board_ping --variant default | tail -1)" ] ||
  fail "--mirror-tap changes the digest"
ok "--mirror-tap lwm0: all $n frames of the virtual wire written to the TAP device; same digest"

# serve --config SCENARIO:VARIANT: the board live with that variant's
# profile.  httpd_oom default-poll: two idle connections hold both httpd
# states, so the next connection is reset right after its handshake, and
# the capture's RST carries lwIP's "http_accept: Out of memory, RST";
# kill-old: the oldest idle connection is reset instead and curl gets 200.
for cfg in default-poll kill-old; do
  ip netns exec "$NS" "$LWIPSIM" serve --tap lwt1 --config "httpd_oom:$cfg" \
    --pcap "$TMP/h-$cfg.pcapng" >"$TMP/h-$cfg.out" 2>&1 &
  SERVE=$!
  for _ in $(seq 100); do in_ns ip link show lwt1 >/dev/null 2>&1 && break; sleep 0.05; done
  in_ns ip addr add 192.0.2.2/24 dev lwt1
  in_ns ip link set lwt1 up
  code=$(in_ns bash -c 'exec 3<>/dev/tcp/192.0.2.1/80 4<>/dev/tcp/192.0.2.1/80;
    sleep 0.3; curl -s -m 5 -o /dev/null -w "%{http_code}" http://192.0.2.1/' || true)
  kill -INT "$SERVE"; wait "$SERVE" || true; SERVE=
  if [ "$cfg" = default-poll ]; then
    [ "$code" = 000 ] || fail "httpd_oom:$cfg live: curl got HTTP $code, want a reset"
    tshark -r "$TMP/h-$cfg.pcapng" -Y 'tcp.flags.reset == 1 && tcp.srcport == 80' \
      -T fields -e frame.comment 2>/dev/null | has 'http_accept: Out of memory, RST' ||
      fail "httpd_oom:$cfg live: no RST with lwIP's comment in the capture"
    ok "serve --config httpd_oom:default-poll: with two idle connections curl is reset; the RST carries 'http_accept: Out of memory, RST'"
  else
    [ "$code" = 200 ] || fail "httpd_oom:$cfg live: curl got HTTP $code, want 200"
    ok "serve --config httpd_oom:kill-old: the oldest idle connection goes, curl gets 200"
  fi
done
