#!/bin/bash
# tests/cli/test_board_tap.sh BUILD
#
# A board project's own firmware live on a TAP device: the NO_SYS=1
# super-loop board of examples/nosys-httpd-board/, copied outside the
# tree (where test_examples.sh copies it) and built with `make
# BOARD=DIR`, runs under `lwipsim serve --board ... --tap` (no --config:
# a board's first scenario's first variant) inside a
# network namespace this test creates and always removes (trap;
# 192.0.2.0/24).  curl gets 200 and the page for / from
# the board's httpd (lwIP's, through the board's own driver and its
# __WFI() loop), SIGTERM ends the session cleanly and the capture holds
# the ARP exchange and the HTTP session.  Needs root, /dev/net/tun and
# curl; skips otherwise.
. "$(dirname "$0")/lib.sh"
# As test_examples.sh builds it (-O0): the same build serves both.
SAN=("OPT=-O0")
case "$B" in */asan) SAN=(SAN=asan "OPT=-O0 -g") ;; esac
if [ "$(id -u)" != 0 ]; then
  echo "skip $TEST: needs root (CI runs as root)"; exit 0
fi
if [ ! -c /dev/net/tun ] || ! command -v ip >/dev/null; then
  echo "skip $TEST: no /dev/net/tun or no ip(8)"; exit 0
fi
if ! command -v curl >/dev/null; then
  echo "skip $TEST: curl not installed (make deps installs it)"; exit 0
fi
NS=lwipsim-btap-$$
ex=nosys-httpd-board
EXD=
SERVE=
cleanup() {
  [ -n "$SERVE" ] && kill -TERM "$SERVE" 2>/dev/null && wait "$SERVE" 2>/dev/null
  ip netns del "$NS" 2>/dev/null || true
  # The copy goes; its build stays in $B/boards/, keyed on this path, and
  # test_examples.sh's copy (same path, same times) needs no rebuild.
  [ -z "${EXD:-}" ] || { rm -rf "${EXD:?}/$ex"; rmdir "$EXD" 2>/dev/null; }
  true
}
fail() { echo "FAIL: $TEST: $*" >&2; [ -f "$TMP/serve.out" ] && cat "$TMP/serve.out" >&2; exit 1; }
in_ns() { ip netns exec "$NS" "$@"; }

# Where test_examples.sh copies it too: one build for both tests.
EXD=${TMPDIR:-/tmp}/lwipsim-examples-$(printf '%s' "$PWD" | cksum | cut -d' ' -f1)
mkdir -p "$EXD"
rm -rf "${EXD:?}/$ex"
cp -a "examples/$ex" "$EXD/$ex"
t0=$SECONDS
rc=0
make --no-print-directory -j2 B="$B" "${SAN[@]}" BOARD="$EXD/$ex" \
  "$B/boards/$ex/lwipsim" >"$TMP/make.out" 2>"$TMP/make.err" || rc=$?
[ "$rc" = 0 ] || { cat "$TMP/make.err" >&2; fail "make BOARD=$ex: exit $rc"; }
ok "make BOARD=DIR builds $ex from a copy outside the tree ($((SECONDS - t0)) s)"

ip netns add "$NS"
in_ns ip link set lo up
ip netns exec "$NS" "$LWIPSIM" serve --board "$ex" --tap lwb0 \
  --pcap "$TMP/s.pcapng" >"$TMP/serve.out" 2>&1 &
SERVE=$!
for _ in $(seq 100); do in_ns ip link show lwb0 >/dev/null 2>&1 && break; sleep 0.05; done
in_ns ip link show lwb0 >/dev/null 2>&1 || fail "no TAP device lwb0 in $NS"
in_ns ip addr add 192.0.2.2/24 dev lwb0
in_ns ip link set lwb0 up

code=$(in_ns curl -s -m 10 -o "$TMP/index.html" -w '%{http_code}' http://192.0.2.1/) ||
  fail "curl http://192.0.2.1/"
[ "$code" = 200 ] && grep -q 'Pump station 4' "$TMP/index.html" ||
  fail "curl: HTTP $code, $(head -c 200 "$TMP/index.html")"
ok "curl gets / from the NO_SYS board's httpd: 200, $(wc -c <"$TMP/index.html") bytes, its own page"
code=$(in_ns curl -s -m 10 -o "$TMP/style.css" -w '%{http_code}' http://192.0.2.1/style.css) ||
  fail "curl /style.css"
[ "$code" = 200 ] || fail "curl /style.css: HTTP $code"
ok "and a resource of the page: 200"

serve_stop TERM
grep -Eq '^digest: 0x[0-9a-f]{16}$' "$TMP/serve.out" || fail "serve digest"
in_ns ip link show lwb0 >/dev/null 2>&1 && fail "TAP device still there after the end"
ok "SIGTERM stops serve --board (exit 0, digest); the TAP device is gone"

if command -v tshark >/dev/null; then
  tshark -r "$TMP/s.pcapng" -T fields -e _ws.col.Protocol 2>/dev/null >"$TMP/p"
  grep -qx ARP "$TMP/p" && grep -qx TCP "$TMP/p" && grep -qx HTTP "$TMP/p" ||
    fail "want ARP, TCP and HTTP frames: $(sort "$TMP/p" | uniq -c | tr '\n' ' ')"
  ok "the capture has the session's frames: $(wc -l <"$TMP/p") ($(sort "$TMP/p" | uniq -c | awk '{print $2 " " $1}' | paste -sd, -))"
else
  echo "skip $TEST: the session's capture: tshark not installed (make deps installs it)"
fi
